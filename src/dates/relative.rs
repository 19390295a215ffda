//! Word-headed expressions other than months, weekdays and seasons: relative and anaphoric
//! phrases (`yesterday`, `last year`, `the following year`, `in the same year`, `four days
//! later`, `two weeks after that`, `the day before`, `the last day of that month`, `the end of
//! the year`, `two years ago`), named days (`New Year's Eve`, `Christmas`) and quarters written
//! `Q3 2024`. Only the shape is recognised here; `resolve` decides against what it is resolved.

use super::context;
use super::expr::{Cand, Core, Ctx, Expr, Lone, Pt, Rel};
use super::lexicon::{self as lx, Unit};
use super::points::{clause_after, closes, year_at};
use super::scan::{self, Lexer, Tok, K};

/// Parses a word-headed relative expression at token 0 of `lx`.
pub(crate) fn word(text: &str, lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let w = lx.s(t0);
    if w == "Q" || w == "H" {
        return quarter(lx, cx);
    }
    if let Some(c) = holiday(lx, cx) {
        return Some(c);
    }

    if cx.anchored {
        let day = [("yesterday", -1), ("today", 0), ("tomorrow", 1)]
            .iter()
            .find(|(x, _)| lx::is(w, x))
            .map(|&(_, n)| n);
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
    if let Some(c) = offset(text, lx, unit, plural, (ps, pw)) {
        return c;
    }
    if plural {
        return None;
    }
    if let Some(c) = edge(text, lx, unit, (ps, pw), cx) {
        return Some(c);
    }
    // `the same day by`, `that year of`: the unit belongs to what follows.
    let next = lx.get(1).filter(|t| t.k == K::Word && !t.nl);
    if next.is_some_and(|t| lx::is_any(lx.s(t), &["by", "of"])) {
        return None;
    }
    named(text, t0, unit, (ps, pw), cx)
}

/// `Q3 2024`, `H1 2023`.
fn quarter(lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let n = lx.get(1)?;
    if n.k != K::Num || n.sp || n.nd != 1 || n.glued || n.ord {
        return None;
    }
    let (a, b) = match (lx.s(t0), n.v) {
        ("Q", 1..=4) => (n.v as u8 * 3 - 2, n.v as u8 * 3),
        ("H", 1..=2) => (n.v as u8 * 6 - 5, n.v as u8 * 6),
        _ => return None,
    };
    let (y, _, e) = year_at(lx, 2, cx.max_year)?;
    Some(Cand {
        start: t0.s,
        end: e,
        expr: Expr::Months(y, a, b),
    })
}

/// `after that`, `before it`, or `after` closing a clause, at token `from`: the
/// direction and the end byte. `None` when the word is not `after`/`before`; `Some(None)`
/// when it is but another anchor follows (`two days after the attack`).
fn after_that(lx: &mut Lexer, from: usize) -> Option<Option<(i32, usize)>> {
    let t1 = lx.get(from).filter(|t| t.k == K::Word && !t.nl)?;
    let sign = if lx::is(lx.s(t1), "after") {
        1
    } else if lx::is(lx.s(t1), "before") {
        -1
    } else {
        return None;
    };
    let t2 = lx.get(from + 1);
    if let Some(t) = t2.filter(|t| t.k == K::Word && !t.nl) {
        // `after that, ...`, `after that the police ...`, but not `after that attack`.
        let that_alone = clause_after(lx, from + 2);
        if (lx::is(lx.s(t), "that") && that_alone) || lx::is(lx.s(t), "it") {
            return Some(Some((sign, t.e)));
        }
    }
    Some(closes(lx, t2).then_some((sign, t1.e)))
}

/// Shifts from the reference: `four days later`, `two weeks earlier`, `two weeks after that`,
/// `a year before`, `the day after`; and `two years ago` from the anchor. `Some(None)`: the
/// phrase is no date at all.
fn offset(
    text: &str,
    lx: &mut Lexer,
    unit: Unit,
    plural: bool,
    (ps, pw): (usize, &str),
) -> Option<Option<Cand>> {
    let t0 = lx.get(0)?;
    let t1 = lx.get(1).filter(|t| t.k == K::Word && !t.nl)?;
    let after = lx.s(t1);
    let mk = |start: usize, end: usize, r: Rel| {
        Some(Some(Cand {
            start,
            end,
            expr: Expr::Rel(r),
        }))
    };
    if let Some(n) = lx::cardinal(pw) {
        // `the past two weeks`, `the first two days`: durations.
        let span_of = scan::prev_word(text, ps).is_some_and(|(_, w)| {
            lx::is_any(
                w,
                &[
                    "past", "last", "next", "coming", "first", "final", "previous",
                ],
            )
        });
        if plural != (n > 1) || span_of {
            return Some(None);
        }
        if lx::is(after, "later") {
            return mk(ps, t1.e, Rel::Ref(unit, n, true));
        }
        if lx::is(after, "earlier") {
            return mk(ps, t1.e, Rel::Ref(unit, -n, true));
        }
        if lx::is(after, "ago") {
            return mk(ps, t1.e, Rel::Ago(unit, n));
        }
        return match after_that(lx, 1) {
            Some(Some((sign, e))) => mk(ps, e, Rel::Ref(unit, sign * n, true)),
            _ => Some(None),
        };
    }
    if !plural && lx::is(pw, "the") {
        // `the day after`, `the year before`: the span leaves `the` out.
        return match after_that(lx, 1)? {
            Some((sign, e)) => mk(t0.s, e, Rel::Ref(unit, sign, unit == Unit::Day)),
            None => Some(None),
        };
    }
    None
}

/// `the last day of that month`, `the first day of the year`, `the end of the year`.
fn edge(text: &str, lx: &mut Lexer, unit: Unit, (ps, pw): (usize, &str), cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    if unit == Unit::Day && lx::is_any(pw, &["last", "first"]) {
        lx.get(1)
            .filter(|t| t.k == K::Word && !t.nl && lx::is(lx.s(*t), "of"))?;
        let t2 = lx.get(2).filter(|t| t.k == K::Word && !t.nl)?;
        let mut i = 3;
        if lx::is(lx.s(t2), "the") && lx.get(3).is_some_and(|t| lx::is(lx.s(t), "same")) {
            i = 4;
        } else if !lx::is_any(lx.s(t2), &["that", "the"]) {
            return None;
        }
        let u = lx.get(i).filter(|t| t.k == K::Word && !t.nl)?;
        let of = match lx::unit(lx.s(u)) {
            Some((of @ (Unit::Month | Unit::Year), false)) => of,
            _ => return None,
        };
        return Some(Cand {
            start: ps,
            end: u.e,
            expr: Expr::Rel(Rel::Edge(of, lx::is(pw, "last"))),
        });
    }
    // `the end of the year`, `the beginning of the month`: the narrative's, else the anchor's.
    let of_before = scan::prev_word(text, ps).filter(|(_, w)| lx::is(w, "of"));
    if lx::is(pw, "the") && of_before.is_some() && matches!(unit, Unit::Month | Unit::Year) {
        let core = Core::new(ps, t0.e, Expr::Rel(Rel::Current(unit)), 1, Lone::No);
        return context::modifiers(text, &core, cx);
    }
    None
}

/// `the same year`, `that month`, `the following year`, `the previous day`; and with an anchor
/// `last year`, `this month`, `next week`.
fn named(text: &str, t0: Tok, unit: Unit, (ps, pw): (usize, &str), cx: &Ctx) -> Option<Cand> {
    let the_before = scan::prev_is(text, ps, &["the"]);
    let rel = if lx::is(pw, "same") || (lx::is(pw, "that") && unit != Unit::Week) {
        Rel::Ref(unit, 0, false)
    } else if lx::is_any(pw, &["following", "subsequent"]) || (lx::is(pw, "next") && the_before) {
        Rel::Ref(unit, 1, false)
    } else if lx::is_any(pw, &["previous", "preceding", "prior"]) {
        Rel::Ref(unit, -1, false)
    } else if cx.anchored && unit != Unit::Day && !the_before {
        let n = [("last", -1), ("this", 0), ("current", 0), ("next", 1)]
            .iter()
            .find(|(x, _)| lx::is(pw, x))?
            .1;
        Rel::Unit(unit, n)
    } else {
        return None;
    };
    let core = Core::new(ps, t0.e, Expr::Rel(rel), 1, Lone::No);
    Some(context::modifiers(text, &core, cx).unwrap_or_else(|| core.cand()))
}

/// `New Year's Eve`, `New Year's Day`, `Christmas`, `Christmas Eve`, optionally with a year.
fn holiday(lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let w = lx.s(t0);
    let (md, mut end, i) = if w == "New" || w == "NEW" {
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
        (md, t.e, i + 1)
    } else if w == "Christmas" || w == "CHRISTMAS" {
        match lx.get(1).filter(|t| t.k == K::Word && !t.nl) {
            Some(t) if lx::is(lx.s(t), "eve") => ((12, 24), t.e, 2),
            Some(t) if lx::is(lx.s(t), "day") => ((12, 25), t.e, 2),
            _ => ((12, 25), t0.e, 1),
        }
    } else {
        return None;
    };
    let mut expr = Expr::Rel(Rel::Holiday(md.0, md.1));
    if let Some((y, _, e)) = year_at(lx, i, cx.max_year) {
        expr = Expr::Pt(Pt::day(Some(y), md.0, md.1));
        end = e;
    }
    Some(Cand {
        start: t0.s,
        end,
        expr,
    })
}
