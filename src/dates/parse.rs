//! The expression grammar: from a candidate position found by `scan`, reads forward over tokens
//! (and, through `context` and `intervals`, a few words back) and returns the unresolved
//! expression with its byte span: full dates, month-year, day-month, numeric dates, year and day
//! ranges, decades, centuries, and (through `relative`) holidays, seasons, quarters and relative
//! words; the words of an open interval (`since`, `until`, `onwards`) are added last. It checks
//! calendar validity only loosely (day 1-31, month 1-12); `resolve` applies the calendar.

use super::context;
use super::expr::{Cand, Core, Ctx, Expr, Lone, Pt};
use super::intervals;
use super::lexicon::{self as lx};
use super::numeric::{numeric, Grammar};
use super::points::{day_at, month_at, point_at, with_year, year_at};
use super::scan::{self, Lexer, Trigger, K};

/// Parses the candidate at `pos`.
pub(crate) fn parse_at(
    g: &Grammar,
    text: &str,
    pos: usize,
    trig: Trigger,
    cx: &Ctx,
) -> Option<Cand> {
    let c = match trig {
        Trigger::Digit => digit_head(g, text, pos, cx),
        Trigger::Word => word_head(text, pos, cx),
        Trigger::Apostrophe => {
            let mut lx = Lexer::new(text, pos);
            let t1 = lx.get(1)?;
            if t1.k == K::Num && t1.nd == 2 && t1.decade_s && !t1.sp {
                let c = if t1.v <= 10 { 2000 } else { 1900 };
                let core = Core::new(pos, t1.e, Expr::Decade(c + t1.v as i32), 2, Lone::No);
                context::finish(text, &mut lx, core, cx)
            } else {
                None
            }
        }
    }?;
    Some(intervals::open(text, c, cx))
}

fn digit_head(g: &Grammar, text: &str, pos: usize, cx: &Ctx) -> Option<Cand> {
    if let Some(c) = scan::char_before(text, pos) {
        if matches!(
            c,
            '/' | '.'
                | ','
                | ':'
                | '#'
                | '$'
                | '£'
                | '€'
                | '¥'
                | '+'
                | '§'
                | '№'
                | '_'
                | '@'
                | '&'
                | '='
                | '%'
        ) {
            return None;
        }
        if scan::is_dash(c) {
            let w = scan::prev_word(text, pos - c.len_utf8()).map(|(_, w)| w);
            if !w.is_some_and(|w| lx::is(w, "mid") || lx::is(w, "early") || lx::is(w, "late")) {
                return None;
            }
        }
    }
    if let Some(c) = numeric(g, text, pos, cx) {
        return Some(c);
    }
    let mut lx = Lexer::new(text, pos);
    let t0 = lx.get(0)?;
    if t0.glued {
        return None;
    }
    if t0.nd == 2 && t0.decade_s && t0.v % 10 == 0 {
        // `the 90s`, `the early 80s`
        let pw = scan::prev_word(text, pos).map(|(_, w)| w);
        if pw.is_some_and(|w| ["the", "early", "mid", "late"].iter().any(|x| lx::is(w, x))) {
            let c = if t0.v <= 10 { 2000 } else { 1900 };
            let core = Core::new(pos, t0.e, Expr::Decade(c + t0.v as i32), 1, Lone::No);
            return context::finish(text, &mut lx, core, cx);
        }
        return None;
    }
    if t0.nd == 4 && !t0.ord {
        year_head(text, &mut lx, cx)
    } else if t0.nd <= 2 {
        day_head(text, &mut lx, cx)
    } else {
        None
    }
}

/// `21 March 2024`, `21st of March`, `19–20 September 2023`, `4 and 5 March`, `the 21st century`.
fn day_head(text: &str, lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let t1 = lx.get(1)?;
    if t0.ord
        && t1.k == K::Word
        && lx::is(lx.s(t1), "century")
        && (1..=21).contains(&t0.v)
        && !t1.nl
    {
        let core = Core::new(t0.s, t1.e, Expr::Century(t0.v as i32 - 1), 2, Lone::No);
        return context::finish(text, lx, core, cx);
    }
    let (d1, _, _) = day_at(lx, 0)?;
    // `19–20 September`, `4 and 5 March`, `22 to 23 March`, `the night of 22/23 March`.
    let joiner = t1.k == K::Dash
        || (t1.k == K::Word && lx::is_any(lx.s(t1), &["and", "to", "till", "until", "through"]))
        || (t1.k == K::Slash && !t1.sp && lx.get(2).is_some_and(|t| !t.sp));
    if joiner {
        if let Some((d2, j, _)) = day_at(lx, 2) {
            if let Some((m, k, e, _)) = month_at(lx, j) {
                let (p2, n, e2) = with_year(lx, Pt::day(None, m, d2), k, e, cx.max_year);
                if d1 < d2 {
                    let p1 = Pt { d: Some(d1), ..p2 };
                    let core = Core::new(t0.s, e2, Expr::Range(p1, p2), n, Lone::No);
                    return context::finish(text, lx, core, cx);
                }
            }
        }
    }
    let (pt, n, e) = point_at(lx, 0, cx.max_year)?;
    pt.d?;
    let start = context::weekday_before(text, t0.s, cx);
    context::finish(text, lx, Core::new(start, e, Expr::Pt(pt), n, Lone::No), cx)
}

/// `1990s`, `1992-1997`, `1992–97`, `2023/24`, `2024-03`, and a bare year (needs context).
fn year_head(text: &str, lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let v = t0.v as i32;
    if t0.decade_s {
        if v % 10 == 0 && (1000..=2090).contains(&v) {
            return context::finish(
                text,
                lx,
                Core::new(t0.s, t0.e, Expr::Decade(v), 1, Lone::No),
                cx,
            );
        }
        return None;
    }
    if !(1000..=2099).contains(&v) {
        return None;
    }
    if let (Some(a), Some(s)) = (lx.get(1), lx.get(2)) {
        if a.k == K::Apos && !a.sp && s.k == K::Word && lx.s(s) == "s" && !s.sp {
            // `the 1990's` is a decade; `2020's elections` a possessive year.
            let pw = scan::prev_word(text, t0.s).map(|(_, w)| w);
            let decade_ctx = pw.is_some_and(|w| {
                ["the", "early", "mid", "late", "in", "of"]
                    .iter()
                    .any(|x| lx::is(w, x))
            });
            if v % 10 == 0 && (decade_ctx || v + 20 <= cx.max_year) {
                return context::finish(
                    text,
                    lx,
                    Core::new(t0.s, s.e, Expr::Decade(v), 3, Lone::No),
                    cx,
                );
            }
            let pt = Pt::year(v);
            return context::finish(
                text,
                lx,
                Core::new(t0.s, t0.e, Expr::Pt(pt), 3, Lone::Year),
                cx,
            );
        }
    }
    if let (Some(sep), Some(t2)) = (lx.get(1), lx.get(2)) {
        let slash_ok = sep.k == K::Slash && !sep.sp && !t2.sp;
        if (sep.k == K::Dash || slash_ok)
            && t2.k == K::Num
            && !t2.nl
            && !t2.glued
            && !t2.ord
            && (t2.nd == 2 || t2.nd == 4)
        {
            // Not the middle of a longer symbol: `2010/11/12`, `S/2010/50/Add.1`.
            let more = lx.get(3).is_some_and(|t| {
                !t.sp
                    && matches!(t.k, K::Slash | K::Dash | K::Dot)
                    && lx.get(4).is_some_and(|x| x.k == K::Num && !x.sp)
            });
            if more || context::labelled_number(text, t0.s) {
                return None;
            }
            let w = t2.v as i32;
            if t2.nd == 2 && sep.k == K::Dash && (1..=12).contains(&w) && w <= v % 100 && !sep.sp {
                let pt = Pt::month(Some(v), w as u8);
                return context::finish(
                    text,
                    lx,
                    Core::new(t0.s, t2.e, Expr::Pt(pt), 3, Lone::No),
                    cx,
                );
            }
            let mut end_year = if t2.nd == 2 { v / 100 * 100 + w } else { w };
            if t2.nd == 2 && end_year <= v {
                end_year += 100;
            }
            let span_ok = if t2.nd == 2 {
                end_year - v <= 50
            } else {
                end_year - v <= 100
            };
            if end_year > v && span_ok && end_year <= 2099 {
                let (p1, p2) = (Pt::year(v), Pt::year(end_year));
                return context::finish(
                    text,
                    lx,
                    Core::new(t0.s, t2.e, Expr::Range(p1, p2), 3, Lone::No),
                    cx,
                );
            }
            return None;
        }
    }
    let pt = Pt::year(v);
    context::finish(
        text,
        lx,
        Core::new(t0.s, t0.e, Expr::Pt(pt), 1, Lone::Year),
        cx,
    )
}

/// Words: months, weekdays, holidays, quarters (`Q3`), and relative keywords.
fn word_head(text: &str, pos: usize, cx: &Ctx) -> Option<Cand> {
    let mut lx = Lexer::new(text, pos);
    let t0 = lx.get(0)?;
    if t0.k != K::Word {
        return None;
    }
    let w = lx.s(t0);
    if lx::month(w).is_some() {
        return month_head(text, &mut lx, cx);
    }
    if let Some(wd) = lx::weekday(w) {
        let mut i = 1;
        if lx.get(1).is_some_and(|t| t.k == K::Comma) {
            i = 2;
        }
        if let Some((pt, n, e)) = point_at(&mut lx, i, cx.max_year) {
            if pt.d.is_some() {
                return context::finish(
                    text,
                    &mut lx,
                    Core::new(t0.s, e, Expr::Pt(pt), n, Lone::No),
                    cx,
                );
            }
        }
        return context::lone_weekday(text, t0.s, t0.e, wd, cx);
    }
    if lx::weekday_abbrev(w) {
        let (pt, n, e) = point_at(&mut lx, 0, cx.max_year)?;
        pt.d?;
        return context::finish(
            text,
            &mut lx,
            Core::new(t0.s, e, Expr::Pt(pt), n, Lone::No),
            cx,
        );
    }
    if lx::season(w).is_some() {
        return super::seasons::season(text, &mut lx, cx);
    }
    super::relative::word(text, &mut lx, cx)
}

/// `March 21, 2024`, `Mar. 21`, `October 25-26, 2016`, `January 4 and 5`, `January 2024`, `Jan. '24`,
/// and a month alone (needs context).
fn month_head(text: &str, lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let (m, i, e, full) = month_at(lx, 0)?;
    if let Some((d1, j, e1)) = day_at(lx, i) {
        if let (Some(sep), Some((d2, k, e2))) = (lx.get(j), day_at(lx, j + 1)) {
            let joiner = sep.k == K::Dash || (sep.k == K::Word && lx::is(lx.s(sep), "and"));
            if joiner && d1 < d2 {
                let (p2, n, e3) = with_year(lx, Pt::day(None, m, d2), k, e2, cx.max_year);
                let p1 = Pt { d: Some(d1), ..p2 };
                return context::finish(
                    text,
                    lx,
                    Core::new(t0.s, e3, Expr::Range(p1, p2), n, Lone::No),
                    cx,
                );
            }
        }
        let (pt, n, e2) = with_year(lx, Pt::day(None, m, d1), j, e1, cx.max_year);
        return context::finish(text, lx, Core::new(t0.s, e2, Expr::Pt(pt), n, Lone::No), cx);
    }
    if let Some((y, n, e2)) = year_at(lx, i, cx.max_year) {
        let pt = Pt::month(Some(y), m);
        return context::finish(text, lx, Core::new(t0.s, e2, Expr::Pt(pt), n, Lone::No), cx);
    }
    // A month alone needs context; an abbreviation alone only starts a range (`Jan. – April`).
    let lone = if full { Lone::Month } else { Lone::Abbrev };
    let core = Core::new(t0.s, e, Expr::Pt(Pt::month(None, m)), i, lone);
    context::finish(text, lx, core, cx)
}
