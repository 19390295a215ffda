//! The expression grammar: from a candidate position found by `scan`, reads forward over tokens
//! (and, through `context`, a few words back) and returns the unresolved expression with its byte
//! span: full dates, month-year, day-month, numeric dates (anchored `regex` patterns on a small
//! window), year and day ranges, decades, centuries, holidays, quarters and relative words. It
//! checks calendar validity only loosely (day 1-31, month 1-12); `resolve` applies the calendar.

use super::context::{self, Lone};
use super::lexicon::{self as lx, Unit};
use super::numeric::numeric;
pub(crate) use super::numeric::Grammar;
pub(crate) use super::points::{day_at, month_at, point_at, with_year, year_at};
use super::scan::{self, Lexer, Trigger, K};

/// A calendar point of year, month or day precision; a missing year is filled from an anchor or
/// written `XXXX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pt {
    pub(crate) y: Option<i32>,
    pub(crate) m: Option<u8>,
    pub(crate) d: Option<u8>,
}

/// Early / mid / late part of a period (first, middle, last third).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Early,
    Mid,
    Late,
}

/// Relative expressions, resolved in `resolve` against the anchor or the previous date of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    /// yesterday (-1), today (0), tomorrow (+1): anchor.
    Day(i32),
    /// last/this/next year|month|week: anchor.
    Unit(Unit, i32),
    /// Monday..Sunday (0..6) with -1 last, 0 on, +1 next: anchor.
    Weekday(u8, i8),
    /// last/this/next July: anchor, else `XXXX-07`.
    Month(u8, i8),
    /// `two years ago`: anchor.
    Ago(Unit, i32),
    /// `same year` (0), `the following year` (+1), `three days later` (+3, exact shift = true):
    /// the previous date of the text.
    Ref(Unit, i32, bool),
    /// New Year's Eve (12, 31), Christmas (12, 25): year from the text, else anchor, else `XXXX`.
    Holiday(u8, u8),
}

/// An unresolved expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Pt(Pt),
    /// `03/04/2024`: day/month order decided by the document (a, b as written).
    Ambig {
        a: u8,
        b: u8,
        y: i32,
    },
    /// First year of a decade: 1990 for `1990s`.
    Decade(i32),
    /// First two digits of a century's years: 20 for `the 21st century`.
    Century(i32),
    /// Year and EDTF season code 21..24.
    Season(i32, u8),
    /// Year and first and last month: quarters and halves.
    Months(i32, u8, u8),
    Range(Pt, Pt),
    /// Open end: `24 February 2022 – present`.
    Open(Pt),
    Part(Part, Box<Expr>),
    Rel(Rel),
}

/// A parsed candidate: byte span and expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cand {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) expr: Expr,
}

/// What the grammar needs to know of the document and of the scan so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    /// End of the previous mention: nothing may start before it.
    pub(crate) min_start: usize,
    /// Byte offset of the first non-space character of the document (header dates).
    pub(crate) doc_start: usize,
    /// An anchor date is known.
    pub(crate) anchored: bool,
    /// Latest year accepted for a bare number in a weak context.
    pub(crate) max_year: i32,
    /// End of the previous mention (lists: `in 1911 and 1913`).
    pub(crate) last_end: Option<usize>,
}

/// Parses the candidate at `pos`.
pub(crate) fn parse_at(
    g: &Grammar,
    text: &str,
    pos: usize,
    trig: Trigger,
    cx: &Ctx,
) -> Option<Cand> {
    match trig {
        Trigger::Digit => digit_head(g, text, pos, cx),
        Trigger::Word => word_head(text, pos, cx),
        Trigger::Apostrophe => {
            let mut lx = Lexer::new(text, pos);
            let t1 = lx.get(1)?;
            if t1.k == K::Num && t1.nd == 2 && t1.decade_s && !t1.sp {
                let c = if t1.v <= 10 { 2000 } else { 1900 };
                let core = Core::new(pos, t1.e, Expr::Decade(c + t1.v as i32), 2, Lone::No);
                return context::finish(text, &mut lx, core, cx);
            }
            None
        }
    }
}

/// A head parse before the look-back: span, expression, next token index, and whether it still needs
/// context to count as a date.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) expr: Expr,
    pub(crate) next: usize,
    pub(crate) lone: Lone,
}

impl Core {
    pub(crate) fn new(start: usize, end: usize, expr: Expr, next: usize, lone: Lone) -> Self {
        Core {
            start,
            end,
            expr,
            next,
            lone,
        }
    }
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
    let joiner = t1.k == K::Dash
        || (t1.k == K::Word && lx::is(lx.s(t1), "and"))
        || (t1.k == K::Word && lx::is(lx.s(t1), "to") && context::ranged_by_prev_word(text, t0.s));
    if joiner {
        if let Some((d2, j, _)) = day_at(lx, 2) {
            if let Some((m, k, e, _)) = month_at(lx, j) {
                let (p2, n, e2) = with_year(
                    lx,
                    Pt {
                        y: None,
                        m: Some(m),
                        d: Some(d2),
                    },
                    k,
                    e,
                    cx.max_year,
                );
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
    context::finish(text, lx, Core::new(t0.s, e, Expr::Pt(pt), n, Lone::No), cx)
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
            let pt = Pt {
                y: Some(v),
                ..Pt::default()
            };
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
                let pt = Pt {
                    y: Some(v),
                    m: Some(w as u8),
                    d: None,
                };
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
                let (p1, p2) = (
                    Pt {
                        y: Some(v),
                        ..Pt::default()
                    },
                    Pt {
                        y: Some(end_year),
                        ..Pt::default()
                    },
                );
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
    let pt = Pt {
        y: Some(v),
        ..Pt::default()
    };
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
                let (p2, n, e3) = with_year(
                    lx,
                    Pt {
                        y: None,
                        m: Some(m),
                        d: Some(d2),
                    },
                    k,
                    e2,
                    cx.max_year,
                );
                let p1 = Pt { d: Some(d1), ..p2 };
                return context::finish(
                    text,
                    lx,
                    Core::new(t0.s, e3, Expr::Range(p1, p2), n, Lone::No),
                    cx,
                );
            }
        }
        let (pt, n, e2) = with_year(
            lx,
            Pt {
                y: None,
                m: Some(m),
                d: Some(d1),
            },
            j,
            e1,
            cx.max_year,
        );
        return context::finish(text, lx, Core::new(t0.s, e2, Expr::Pt(pt), n, Lone::No), cx);
    }
    if let Some((y, n, e2)) = year_at(lx, i, cx.max_year) {
        let pt = Pt {
            y: Some(y),
            m: Some(m),
            d: None,
        };
        return context::finish(text, lx, Core::new(t0.s, e2, Expr::Pt(pt), n, Lone::No), cx);
    }
    if !full {
        return None;
    }
    let pt = Pt {
        y: None,
        m: Some(m),
        d: None,
    };
    context::finish(
        text,
        lx,
        Core::new(t0.s, e, Expr::Pt(pt), i, Lone::Month),
        cx,
    )
}
