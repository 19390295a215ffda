//! Word-headed expressions other than months and weekdays: relative and anaphoric phrases
//! (`yesterday`, `last year`, `the following year`, `in the same year`, `three days later`,
//! `two years ago`), named days (`New Year's Eve`, `Christmas`) and quarters written `Q3 2024`.
//! Only the shape is recognised here; `resolve` decides against what it is resolved.

use super::context;
use super::lexicon::{self as lx};
use super::parse::{year_at, Cand, Core, Ctx, Expr, Pt, Rel};
use super::scan::{self, Lexer, K};

/// Parses a word-headed relative expression at token 0 of `lx`.
pub(crate) fn word(text: &str, lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let w = lx.s(t0);
    // `Q3 2024`, `H1 2023`.
    if w == "Q" || w == "H" {
        let n = lx.get(1)?;
        if n.k == K::Num && !n.sp && n.nd == 1 && !n.glued && !n.ord {
            let (a, b) = match (w, n.v) {
                ("Q", 1..=4) => (n.v as u8 * 3 - 2, n.v as u8 * 3),
                ("H", 1..=2) => (n.v as u8 * 6 - 5, n.v as u8 * 6),
                _ => return None,
            };
            let (y, _, e) = year_at(lx, 2, cx.max_year)?;
            return Some(Cand {
                start: t0.s,
                end: e,
                expr: Expr::Months(y, a, b),
            });
        }
        return None;
    }
    if let Some(c) = holiday(lx, cx) {
        return Some(c);
    }
    if cx.anchored {
        let day = if lx::is(w, "yesterday") {
            Some(-1)
        } else if lx::is(w, "today") {
            Some(0)
        } else if lx::is(w, "tomorrow") {
            Some(1)
        } else {
            None
        };
        if let Some(n) = day {
            return Some(Cand {
                start: t0.s,
                end: t0.e,
                expr: Expr::Rel(Rel::Day(n)),
            });
        }
    }
    let (unit, plural) = lx::unit(w)?;
    let (ps, pw) = scan::prev_word(text, t0.s)?;
    if ps < cx.min_start {
        return None;
    }
    // `three days later`, `two weeks earlier`, `two years ago`.
    if let Some(t1) = lx.get(1).filter(|t| t.k == K::Word && !t.nl) {
        let after = lx.s(t1);
        if let Some(n) = lx::cardinal(pw) {
            if plural != (n > 1) {
                return None;
            }
            let expr = if lx::is(after, "later") {
                Rel::Ref(unit, n, true)
            } else if lx::is(after, "earlier") {
                Rel::Ref(unit, -n, true)
            } else if lx::is(after, "ago") && cx.anchored {
                Rel::Ago(unit, n)
            } else {
                return None;
            };
            return Some(Cand {
                start: ps,
                end: t1.e,
                expr: Expr::Rel(expr),
            });
        }
        if lx::is(after, "after")
            || lx::is(after, "by")
            || lx::is(after, "of")
            || lx::is(after, "and")
        {
            return None;
        }
    }
    if plural {
        return None;
    }
    let the_before = scan::prev_word(text, ps).is_some_and(|(_, w)| lx::is(w, "the"));
    let mk = |r: Rel| {
        Some(Cand {
            start: ps,
            end: t0.e,
            expr: Expr::Rel(r),
        })
    };
    if lx::is(pw, "same") || (lx::is(pw, "that") && unit != lx::Unit::Week) {
        return mk(Rel::Ref(unit, 0, false));
    }
    if lx::is(pw, "following") || lx::is(pw, "subsequent") || (lx::is(pw, "next") && the_before) {
        return mk(Rel::Ref(unit, 1, false));
    }
    if lx::is(pw, "previous") || lx::is(pw, "preceding") || lx::is(pw, "prior") {
        return mk(Rel::Ref(unit, -1, false));
    }
    if cx.anchored && unit != lx::Unit::Day && !the_before {
        if lx::is(pw, "last") {
            return mk(Rel::Unit(unit, -1));
        }
        if lx::is(pw, "this") || lx::is(pw, "current") {
            return mk(Rel::Unit(unit, 0));
        }
        if lx::is(pw, "next") {
            return mk(Rel::Unit(unit, 1));
        }
    }
    None
}

/// `New Year's Eve`, `New Year's Day`, `Christmas`, `Christmas Eve`, optionally with a year.
fn holiday(lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let w = lx.s(t0);
    let (md, mut i, mut end) = if w == "New" || w == "NEW" {
        let t1 = lx.get(1).filter(|t| t.k == K::Word && !t.nl)?;
        let yw = lx.s(t1);
        let mut i = 2;
        if lx::is(yw, "year") {
            if lx.get(2).is_some_and(|t| t.k == K::Apos && !t.sp)
                && lx.get(3).is_some_and(|t| lx.s(t) == "s" && !t.sp)
            {
                i = 4;
            }
        } else if !lx::is(yw, "years") {
            return None;
        }
        let t = lx.get(i).filter(|t| t.k == K::Word && !t.nl)?;
        let md = if lx::is(lx.s(t), "eve") {
            (12, 31)
        } else if lx::is(lx.s(t), "day") {
            (1, 1)
        } else {
            return None;
        };
        (md, i + 1, t.e)
    } else if w == "Christmas" || w == "CHRISTMAS" {
        match lx.get(1).filter(|t| t.k == K::Word && !t.nl) {
            Some(t) if lx::is(lx.s(t), "eve") => ((12, 24), 2, t.e),
            Some(t) if lx::is(lx.s(t), "day") => ((12, 25), 2, t.e),
            _ => ((12, 25), 1, t0.e),
        }
    } else {
        return None;
    };
    let mut expr = Expr::Rel(Rel::Holiday(md.0, md.1));
    if let Some((y, j, e)) = year_at(lx, i, cx.max_year) {
        expr = Expr::Pt(Pt {
            y: Some(y),
            m: Some(md.0),
            d: Some(md.1),
        });
        i = j;
        end = e;
    }
    let core = Core::new(t0.s, end, expr, i, context::Lone::No);
    Some(Cand {
        start: core.start,
        end: core.end,
        expr: core.expr,
    })
}
