//! Seasons: `summer 2017`, `the summer of 2017`, `the autumn of that year`, and a season written
//! without its year (`that summer`, `in the spring`, `the following winter`, `last summer`),
//! which `resolve` dates from the narrative. A season that only qualifies a noun (`the spring
//! offensive`) or names an event (`the fall of Kabul`, `the Arab Spring`) is no date, nor is
//! `fall` without its year.

use super::context;
use super::expr::{Cand, Core, Ctx, Expr, Lone, Rel};
use super::lexicon::{self as lx};
use super::points::{clause_after, year_at};
use super::scan::{self, Lexer, K};

/// `that year` (0), `the same year` (0), `the following year` (+1), `the previous year` (-1)
/// at token `i`: the shift of the narrative's year and the end byte.
fn story_year(lx: &mut Lexer, i: usize) -> Option<(i32, usize)> {
    let t = lx.get(i).filter(|t| t.k == K::Word && !t.nl)?;
    let w = lx.s(t);
    let (shift, unit_at) = if lx::is(w, "that") {
        (0, i + 1)
    } else if lx::is(w, "the") {
        let t2 = lx.get(i + 1).filter(|t| t.k == K::Word && !t.nl)?;
        let w2 = lx.s(t2);
        let k = if lx::is(w2, "same") {
            0
        } else if lx::is_any(w2, &["following", "next", "subsequent"]) {
            1
        } else if lx::is_any(w2, &["previous", "preceding", "prior"]) {
            -1
        } else {
            return None;
        };
        (k, i + 2)
    } else {
        return None;
    };
    let u = lx.get(unit_at).filter(|t| t.k == K::Word && !t.nl)?;
    lx::is(lx.s(u), "year").then_some((shift, u.e))
}

/// Words after which a season alone is a date (`in the summer`, `during winter`).
fn dating_word(w: &str) -> bool {
    lx::is_any(
        w,
        &[
            "in",
            "during",
            "by",
            "since",
            "until",
            "till",
            "through",
            "throughout",
            "over",
            "before",
            "after",
            "into",
            "from",
        ],
    )
}

/// A season at token 0 of `lx`.
pub(crate) fn season(text: &str, lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let w = lx.s(t0);
    let code = lx::season(w)?;
    // With its year: `summer 2017`, `summer of 2017`, `Summer '17`.
    if let Some((y, n, e)) = year_at(lx, 1, cx.max_year) {
        let core = Core::new(t0.s, e, Expr::Season(y, code), n, Lone::No);
        return Some(context::modifiers(text, &core, cx).unwrap_or_else(|| core.cand()));
    }
    // A capitalised season inside a sentence names something (`the Arab Spring`).
    if lx::is_capitalised(w) && scan::prev_word(text, t0.s).is_some() {
        return None;
    }
    if let Some(t1) = lx.get(1).filter(|t| t.k == K::Word && !t.nl) {
        let nw = lx.s(t1);
        if lx::is(nw, "of") {
            // `the autumn of that year`; `the fall of Kabul` is no date.
            let (k, e) = story_year(lx, 2)?;
            let core = Core::new(t0.s, e, Expr::Rel(Rel::Season(code, k)), 0, Lone::No);
            return Some(context::modifiers(text, &core, cx).unwrap_or_else(|| core.cand()));
        }
        if lx::season_noun(nw) {
            return None;
        }
    }
    // `fall` alone is a verb as often as a season (`the duties that fall upon`): only with its
    // year (`the fall of 2015`, found from the year).
    if lx::is(w, "fall") {
        return None;
    }
    // `spring` is also a verb: `fears that spring from mistrust`.
    if lx::is(w, "spring") && !clause_after(lx, 1) {
        return None;
    }
    let (ps, pw) = scan::prev_word(text, t0.s)?;
    if ps < cx.min_start {
        return None;
    }
    let the_before = scan::prev_is(text, ps, &["the"]);
    let shifted = |rel: Rel| {
        Some(Cand {
            start: ps,
            end: t0.e,
            expr: Expr::Rel(rel),
        })
    };
    if lx::is_any(pw, &["that", "same"]) {
        return shifted(Rel::Season(code, 0));
    }
    if lx::is_any(pw, &["following", "subsequent"]) || (lx::is(pw, "next") && the_before) {
        return shifted(Rel::Season(code, 1));
    }
    if lx::is_any(pw, &["previous", "preceding"]) {
        return shifted(Rel::Season(code, -1));
    }
    let mode = [("last", -1), ("this", 0), ("next", 1)]
        .iter()
        .find(|(x, _)| lx::is(pw, x))
        .map(|&(_, m)| m);
    if let Some(mode) = mode {
        return shifted(Rel::AnchorSeason(code, mode));
    }
    // `in the summer`, `during winter`, `in late summer`: the span is the season (and its part).
    let (mut qs, mut q) = (ps, pw);
    if lx::is_any(q, &["early", "late", "mid", "the"]) {
        (qs, q) = scan::prev_word(text, qs)?;
        if lx::is(q, "the") {
            (_, q) = scan::prev_word(text, qs)?;
        }
    }
    if !dating_word(q) {
        return None;
    }
    let core = Core::new(t0.s, t0.e, Expr::Rel(Rel::Season(code, 0)), 1, Lone::No);
    Some(context::modifiers(text, &core, cx).unwrap_or_else(|| core.cand()))
}
