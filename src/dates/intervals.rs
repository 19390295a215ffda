//! Intervals: the words and marks that make a value an interval, so that they belong to the
//! span (GUIDELINES "Dates"). After a head: a range continuation (`– May 2023`,
//! `to 14 April 2016`, `– present`, `1947 to 1949`); before it: the prepositions of a range
//! (`between X and Y`, `from X to Y`); around a finished candidate: the open intervals
//! (`since 2015`, `until June 2020`, `up to 2021`, `from 2016 onwards`). Prepositions that leave
//! the value as it is (`in`, `on`, `by`, `during`, `after`, `before`) stay outside the span.

use super::expr::{Cand, Core, Ctx, Expr, Lone, Pt};
use super::lexicon::{self as lx};
use super::points::point_at;
use super::scan::{self, Lexer, K};

fn key(p: &Pt, end: bool) -> (i32, u8, u8) {
    let m = p.m.unwrap_or(if end { 12 } else { 1 });
    let d = p.d.unwrap_or(if end { 31 } else { 1 });
    (p.y.unwrap_or(0), m, d)
}

/// Joins the two ends of a range, sharing a year written once (`2 February – 28 February 1982`,
/// `Jan. – April 2019`); `None` when the second end comes first.
pub(crate) fn combine(mut a: Pt, mut b: Pt) -> Option<(Pt, Pt)> {
    if a.m.is_some() && b.m.is_none() && b.y.is_none() {
        return None;
    }
    match (a.y, b.y) {
        (None, Some(y)) => {
            a.y = Some(y);
            if key(&a, false) > key(&b, true) {
                a.y = Some(y - 1);
            }
        }
        (Some(y), None) => {
            b.y = Some(y);
            if key(&a, false) > key(&b, true) {
                b.y = Some(y + 1);
            }
        }
        _ => {}
    }
    (key(&a, false) <= key(&b, true)).then_some((a, b))
}

/// Words that join the two ends of a range written without `from`.
const TO: &[&str] = &["to", "until", "till", "through", "thru"];

/// `present`, `now`, `the present`, and after `to` also `date` (`from 2016 to date`): the end
/// of an interval still open. Returns (end byte, next token).
fn present_at(lx: &mut Lexer, i: usize, after_to: bool) -> Option<(usize, usize)> {
    let mut i = i;
    let mut t = lx.get(i).filter(|t| t.k == K::Word && !t.nl)?;
    let the = lx::is(lx.s(t), "the");
    if the {
        i += 1;
        t = lx.get(i).filter(|t| t.k == K::Word && !t.nl)?;
    }
    let w = lx.s(t);
    let ok = lx::is(w, "present")
        || (!the && lx::is(w, "now"))
        || (!the && after_to && lx::is(w, "date"));
    ok.then_some((t.e, i + 1))
}

/// Continues a point into a range: `24 February 2022 – present`, `March–May 2023`,
/// `Dec. '22 — May 2023`, `3 March 2015 to 14 April 2016`, `Jan. – April 2019`.
pub(crate) fn continue_range(lx: &mut Lexer, core: Core, cx: &Ctx) -> Core {
    let Expr::Pt(p1) = core.expr else {
        return core;
    };
    let Some(sep) = lx.get(core.next).filter(|t| !t.nl) else {
        return core;
    };
    let dash = sep.k == K::Dash;
    let to = sep.k == K::Word && lx::is_any(lx.s(sep), TO);
    if !dash && !to {
        return core;
    }
    if p1.y.is_some() {
        if let Some((e, n)) = present_at(lx, core.next + 1, to) {
            let open = Expr::Since(Box::new(Expr::Pt(p1)));
            return Core::new(core.start, e, open, n, Lone::No);
        }
    }
    // A word joins only points with a month (years have their own rule, `year_to`).
    if to && p1.m.is_none() {
        return core;
    }
    match point_at(lx, core.next + 1, cx.max_year) {
        Some((p2, n, e)) if dash || p2.m.is_some() => match combine(p1, p2) {
            Some((a, b)) => Core::new(core.start, e, Expr::Range(a, b), n, Lone::No),
            None => core,
        },
        _ => core,
    }
}

/// `the years 1947 to 1949`: a year range with `to` (the caller has checked that the first
/// year stands as a year).
pub(crate) fn year_to(text: &str, lx: &mut Lexer, core: &Core, cx: &Ctx) -> Option<Core> {
    let Expr::Pt(p1) = core.expr else {
        return None;
    };
    lx.get(core.next)
        .filter(|t| t.k == K::Word && !t.nl && lx::is_any(lx.s(*t), &["to", "through"]))?;
    if scan::prev_is(text, core.start, &["between", "from"]) {
        return None;
    }
    let (p2, n, e) = point_at(lx, core.next + 1, cx.max_year)?;
    let (a, b) = (p1.y?, p2.y?);
    (p2.m.is_none() && b > a && b - a <= 100)
        .then(|| Core::new(core.start, e, Expr::Range(p1, p2), n, Lone::No))
}

/// `between 2017 and 2021`, `from 2001 to 2009`, `from January to March`, `from 2016 to
/// date`: one span with the preposition, which makes the value a range.
pub(crate) fn prefixed(text: &str, lx: &mut Lexer, core: &Core, cx: &Ctx) -> Option<Cand> {
    let (ps, pw) = scan::prev_word(text, core.start)?;
    let between = lx::is(pw, "between");
    if !(between || lx::is(pw, "from")) || ps < cx.min_start {
        return None;
    }
    match core.expr {
        Expr::Range(..) | Expr::Since(_) => {
            // Joined by a word (`from 5 March to 14 April`), not by a dash.
            let inner = text.get(core.start..core.end).unwrap_or("");
            let worded = inner
                .split_whitespace()
                .any(|w| lx::is(w, "and") || lx::is_any(w, TO));
            worded.then(|| Cand {
                start: ps,
                end: core.end,
                expr: core.expr.clone(),
            })
        }
        Expr::Pt(p1) => {
            let j = lx.get(core.next).filter(|t| !t.nl)?;
            let js = lx.s(j);
            let ok = if between {
                lx::is(js, "and")
            } else {
                lx::is_any(js, TO)
            };
            if !ok {
                return None;
            }
            let (p2, _, e) = point_at(lx, core.next + 1, cx.max_year)?;
            let (a, b) = combine(p1, p2)?;
            Some(Cand {
                start: ps,
                end: e,
                expr: Expr::Range(a, b),
            })
        }
        _ => None,
    }
}

/// The word before `pos`, looking through `the` (`since the 1990s`) and `at least`
/// (`since at least 2014`).
pub(crate) fn opening_word(text: &str, pos: usize) -> Option<(usize, &str)> {
    let (ps, pw) = scan::prev_word(text, pos)?;
    if lx::is(pw, "the") {
        return scan::prev_word(text, ps);
    }
    if lx::is(pw, "least") {
        let (ps2, w2) = scan::prev_word(text, ps)?;
        return if lx::is(w2, "at") {
            scan::prev_word(text, ps2)
        } else {
            None
        };
    }
    Some((ps, pw))
}

/// `onwards` or `onward` right after `end`, or `on` closing a clause (only after `from`):
/// its end byte and whether it was a bare `on`.
fn onwards_at(text: &str, end: usize) -> Option<(usize, bool)> {
    let mut lx = Lexer::new(text, end);
    let t = lx.get(0).filter(|t| t.k == K::Word && !t.nl)?;
    let w = lx.s(t);
    if lx::is(w, "onwards") || lx::is(w, "onward") {
        return Some((t.e, false));
    }
    let closes = match lx.get(1) {
        None => true,
        Some(n) => n.nl || matches!(n.k, K::Comma | K::Dot) || matches!(lx.s(n), ";" | ")"),
    };
    (lx::is(w, "on") && closes).then_some((t.e, true))
}

/// Makes a finished candidate an open interval when its words say so: `since 2015`
/// (`2015/..`), `until June 2020` / `up to 2021` (`../2020-06`), `from 2016 onwards` and
/// `2016 onwards` (`2016/..`). Ranges are left as they are.
pub(crate) fn open(text: &str, c: Cand, cx: &Ctx) -> Cand {
    if matches!(
        c.expr,
        Expr::Range(..) | Expr::Pair(..) | Expr::Since(_) | Expr::Until(_)
    ) {
        return c;
    }
    // `since the 1990s`, but `since the 1922 Genoa Conference` dates the conference.
    let bare_year = matches!(c.expr, Expr::Pt(Pt { m: None, .. }));
    let before = if bare_year && scan::prev_is(text, c.start, &["the"]) {
        None
    } else {
        opening_word(text, c.start).filter(|(ps, _)| *ps >= cx.min_start)
    };
    if let Some((ps, pw)) = before {
        if lx::is(pw, "since") {
            return Cand {
                start: ps,
                end: c.end,
                expr: Expr::Since(Box::new(c.expr)),
            };
        }
        // `not until 1962` is 1962 itself.
        let until = lx::is_any(pw, &["until", "till", "til", "untill"])
            && !scan::prev_is(text, ps, &["not"]);
        if until || lx::is(pw, "to") {
            let up =
                scan::prev_word(text, ps).filter(|(s, w)| lx::is(w, "up") && *s >= cx.min_start);
            if until || up.is_some() {
                return Cand {
                    start: up.map_or(ps, |(s, _)| s),
                    end: c.end,
                    expr: Expr::Until(Box::new(c.expr)),
                };
            }
        }
    }
    if let Some((end, bare_on)) = onwards_at(text, c.end) {
        let from =
            opening_word(text, c.start).filter(|(ps, w)| lx::is(w, "from") && *ps >= cx.min_start);
        if from.is_some() || !bare_on {
            return Cand {
                start: from.map_or(c.start, |(s, _)| s),
                end,
                expr: Expr::Since(Box::new(c.expr)),
            };
        }
    }
    c
}

/// Two finished mentions that one range joins: `between late 2014 and mid-2015`, `from early
/// 2016 to the summer of 2017` (shapes the grammar's ranges do not cover). `prev` is the span of
/// the first, `next_start` where the second starts, `floor` the end of the mention before the
/// first; returns where the range starts (its `between` or `from`).
pub(crate) fn joined(
    text: &str,
    prev: (usize, usize),
    next_start: usize,
    floor: usize,
) -> Option<usize> {
    // `and`, `to`, `until`, ..., perhaps with `the` (`to the summer of 2017`).
    let mut words = text.get(prev.1..next_start)?.split_whitespace();
    let joiner = words.next()?;
    if words.next().is_some_and(|w| !lx::is(w, "the")) || words.next().is_some() {
        return None;
    }
    let and = lx::is(joiner, "and");
    if !(and || lx::is_any(joiner, TO)) {
        return None;
    }
    let (ps, pw) = scan::prev_word(text, prev.0)?;
    let ok = lx::is(pw, "between") || (!and && lx::is(pw, "from"));
    (ok && ps >= floor).then_some(ps)
}
