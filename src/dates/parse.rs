//! The expression grammar: from a candidate position found by `scan`, reads forward over tokens
//! (and, through `context`, a few words back) and returns the unresolved expression with its byte
//! span: full dates, month-year, day-month, numeric dates (anchored `regex` patterns on a small
//! window), year and day ranges, decades, centuries, holidays, quarters and relative words. It
//! checks calendar validity only loosely (day 1-31, month 1-12); `resolve` applies the calendar.

use super::context::{self, Lone};
use super::lexicon::{self as lx, Unit};
use super::scan::{self, Lexer, Trigger, K};
use regex::Regex;

/// A calendar point of year, month or day precision; a missing year is filled from an anchor or
/// written `XXXX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pt {
    pub y: Option<i32>,
    pub m: Option<u8>,
    pub d: Option<u8>,
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
    Ambig { a: u8, b: u8, y: i32 },
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
    pub start: usize,
    pub end: usize,
    pub expr: Expr,
}

/// What the grammar needs to know of the document and of the scan so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    /// End of the previous mention: nothing may start before it.
    pub min_start: usize,
    /// Byte offset of the first non-space character of the document (header dates).
    pub doc_start: usize,
    /// An anchor date is known.
    pub anchored: bool,
    /// Latest year accepted for a bare number in a weak context.
    pub max_year: i32,
    /// End of the previous mention (lists: `in 1911 and 1913`).
    pub last_end: Option<usize>,
}

/// Compiled numeric patterns.
#[derive(Debug)]
pub(crate) struct Grammar {
    iso: Option<Regex>,
    numeric: Option<Regex>,
    header: Option<Regex>,
}

impl Grammar {
    pub(crate) fn new() -> Self {
        Grammar {
            iso: Regex::new(r"^(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})").ok(),
            numeric: Regex::new(r"^(\d{1,2})([./-])(\d{1,2})([./-])(\d{4}|\d{2})").ok(),
            header: Regex::new(r"^(\d{1,2})\.(\d{1,2})").ok(),
        }
    }
}

/// A window of at most `len` bytes from `pos`, cut at a character boundary.
fn window(text: &str, pos: usize, len: usize) -> &str {
    let mut end = (pos + len).min(text.len());
    while end > pos && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(pos..end).unwrap_or("")
}

/// Parses the candidate at `pos`.
pub(crate) fn parse_at(g: &Grammar, text: &str, pos: usize, trig: Trigger, cx: &Ctx) -> Option<Cand> {
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
    pub start: usize,
    pub end: usize,
    pub expr: Expr,
    pub next: usize,
    pub lone: Lone,
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
            '/' | '.' | ',' | ':' | '#' | '$' | '£' | '€' | '¥' | '+' | '§' | '№' | '_' | '@' | '&' | '=' | '%'
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
    if t0.nd == 4 && !t0.ord {
        year_head(text, &mut lx, cx)
    } else if t0.nd <= 2 {
        day_head(text, &mut lx, cx)
    } else {
        None
    }
}

/// Numeric dates: `2024-03-21`, `21.03.2024`, `21/03/2024`, `03/21/24`, and the `01.04` header.
fn numeric(g: &Grammar, text: &str, pos: usize, cx: &Ctx) -> Option<Cand> {
    let bytes = text.as_bytes();
    let mut i = pos;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if !matches!(bytes.get(i), Some(b'.' | b'/' | b'-')) || !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let w = window(text, pos, 16);
    let num = |s: Option<regex::Match>| s.and_then(|m| m.as_str().parse::<i32>().ok());
    let cut = |end: usize| -> bool {
        // The match must not run on into more digits or another separator and number.
        let b0 = bytes.get(end).copied();
        let b1 = bytes.get(end + 1).copied();
        b0.is_some_and(|b| b.is_ascii_alphanumeric())
            || (matches!(b0, Some(b'.' | b'/' | b'-' | b',')) && b1.is_some_and(|b| b.is_ascii_digit()))
    };
    if let Some(c) = g.iso.as_ref().and_then(|r| r.captures(w)) {
        let end = pos + c.get(0)?.end();
        let same_sep = c.get(2).map(|m| m.as_str()) == c.get(4).map(|m| m.as_str());
        if same_sep && !cut(end) {
            let (y, m, d) = (num(c.get(1))?, num(c.get(3))?, num(c.get(5))?);
            if (1000..=2099).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) {
                let pt = Pt { y: Some(y), m: Some(m as u8), d: Some(d as u8) };
                return Some(Cand { start: pos, end, expr: Expr::Pt(pt) });
            }
        }
        return None;
    }
    if let Some(c) = g.numeric.as_ref().and_then(|r| r.captures(w)) {
        let end = pos + c.get(0)?.end();
        let sep = c.get(2).map(|m| m.as_str());
        let ys = c.get(5).map(|m| m.as_str().len()).unwrap_or(0);
        // Two-digit years only with slashes; dots and hyphens need four.
        if sep == c.get(4).map(|m| m.as_str()) && !cut(end) && (ys == 4 || sep == Some("/")) {
            let (a, b, mut y) = (num(c.get(1))?, num(c.get(3))?, num(c.get(5))?);
            if ys == 2 {
                y += if 2000 + y <= cx.max_year { 2000 } else { 1900 };
            }
            if (1000..=2099).contains(&y) && (1..=31).contains(&a) && (1..=31).contains(&b) && (a <= 12 || b <= 12) {
                let expr = if a > 12 {
                    Expr::Pt(Pt { y: Some(y), m: Some(b as u8), d: Some(a as u8) })
                } else if b > 12 {
                    Expr::Pt(Pt { y: Some(y), m: Some(a as u8), d: Some(b as u8) })
                } else if sep == Some(".") {
                    Expr::Pt(Pt { y: Some(y), m: Some(b as u8), d: Some(a as u8) })
                } else {
                    Expr::Ambig { a: a as u8, b: b as u8, y }
                };
                return Some(Cand { start: pos, end, expr });
            }
        }
        return None;
    }
    // `01.04` alone at the top of the document.
    if pos == cx.doc_start {
        if let Some(c) = g.header.as_ref().and_then(|r| r.captures(w)) {
            let end = pos + c.get(0)?.end();
            let next = scan::char_at(text, end);
            if next.is_none_or(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                let (d, m) = (num(c.get(1))?, num(c.get(2))?);
                if (1..=31).contains(&d) && (1..=12).contains(&m) {
                    let pt = Pt { y: None, m: Some(m as u8), d: Some(d as u8) };
                    return Some(Cand { start: pos, end, expr: Expr::Pt(pt) });
                }
            }
        }
    }
    None
}

/// A day number 1-31 at token `i` (optionally ordinal): (day, next index, end byte).
pub(crate) fn day_at(lx: &mut Lexer, i: usize) -> Option<(u8, usize, usize)> {
    let t = lx.get(i)?;
    if t.k != K::Num || t.nl || t.glued || t.decade_s || t.nd > 2 || !(1..=31).contains(&t.v) {
        return None;
    }
    // `10:30`, `5.5`
    if let Some(n) = lx.get(i + 1) {
        if !n.sp && matches!(n.k, K::Dot | K::Comma | K::Other) && lx.get(i + 2).is_some_and(|x| x.k == K::Num && !x.sp) {
            return None;
        }
        if !n.sp && lx.s(n) == ":" {
            return None;
        }
    }
    Some((t.v as u8, i + 1, t.e))
}

/// A month name at token `i`, with the dot of an abbreviation: (month, next index, end byte, full name).
pub(crate) fn month_at(lx: &mut Lexer, i: usize) -> Option<(u8, usize, usize, bool)> {
    let t = lx.get(i)?;
    if t.k != K::Word || t.nl {
        return None;
    }
    let (m, abbr) = lx::month(lx.s(t))?;
    if abbr {
        if let Some(d) = lx.get(i + 1) {
            if d.k == K::Dot && !d.sp {
                return Some((m, i + 2, d.e, false));
            }
        }
    }
    Some((m, i + 1, t.e, !abbr))
}

/// A year after a month or day: `2024`, `'24`, optionally after a comma or `of`: (year, next, end).
pub(crate) fn year_at(lx: &mut Lexer, i: usize, max_year: i32) -> Option<(i32, usize, usize)> {
    let mut i = i;
    let t = lx.get(i)?;
    if t.k == K::Comma || (t.k == K::Word && lx::is(lx.s(t), "of")) {
        i += 1;
    }
    let t = lx.get(i)?;
    if t.nl {
        return None;
    }
    if t.k == K::Apos {
        let n = lx.get(i + 1)?;
        if n.k == K::Num && n.nd == 2 && !n.sp && !n.glued && !n.ord && !n.decade_s {
            let y = n.v as i32;
            let y = if 2000 + y <= max_year { 2000 + y } else { 1900 + y };
            return Some((y, i + 2, n.e));
        }
        return None;
    }
    if t.k != K::Num || t.nd != 4 || t.glued || t.ord || t.decade_s || !(1000..=2099).contains(&t.v) {
        return None;
    }
    if let Some(n) = lx.get(i + 1) {
        if !n.sp && matches!(n.k, K::Dot | K::Comma) && lx.get(i + 2).is_some_and(|x| x.k == K::Num && !x.sp) {
            return None;
        }
        if n.k == K::Word && lx::count_noun(lx.s(n)) {
            return None;
        }
    }
    Some((t.v as i32, i + 1, t.e))
}

/// A point at token `i` for the right side of a range: day-month[-year], month[-day][-year], year.
pub(crate) fn point_at(lx: &mut Lexer, i: usize, max_year: i32) -> Option<(Pt, usize, usize)> {
    let mut i = i;
    // Weekday prefix.
    if let Some(t) = lx.get(i) {
        if t.k == K::Word && lx::weekday(lx.s(t)).is_some() {
            i += 1;
            if lx.get(i).is_some_and(|c| c.k == K::Comma) {
                i += 1;
            }
        }
    }
    if let Some((d, j, _)) = day_at(lx, i) {
        let j = if lx.get(j).is_some_and(|t| t.k == K::Word && lx::is(lx.s(t), "of")) { j + 1 } else { j };
        let (m, k, e, _) = month_at(lx, j)?;
        let pt = Pt { y: None, m: Some(m), d: Some(d) };
        return Some(with_year(lx, pt, k, e, max_year));
    }
    if let Some((m, j, e, _)) = month_at(lx, i) {
        if let Some((d, k, e2)) = day_at(lx, j) {
            let pt = Pt { y: None, m: Some(m), d: Some(d) };
            return Some(with_year(lx, pt, k, e2, max_year));
        }
        return Some(with_year(lx, Pt { y: None, m: Some(m), d: None }, j, e, max_year));
    }
    let t = lx.get(i)?;
    if t.k == K::Num && t.nd == 4 && !t.glued && !t.ord && !t.decade_s && (1000..=2099).contains(&t.v) {
        return Some((Pt { y: Some(t.v as i32), m: None, d: None }, i + 1, t.e));
    }
    None
}

fn with_year(lx: &mut Lexer, mut pt: Pt, i: usize, end: usize, max_year: i32) -> (Pt, usize, usize) {
    match year_at(lx, i, max_year) {
        Some((y, j, e)) => {
            pt.y = Some(y);
            (pt, j, e)
        }
        None => (pt, i, end),
    }
}

/// `21 March 2024`, `21st of March`, `19–20 September 2023`, `4 and 5 March`, `the 21st century`.
fn day_head(text: &str, lx: &mut Lexer, cx: &Ctx) -> Option<Cand> {
    let t0 = lx.get(0)?;
    let t1 = lx.get(1)?;
    if t0.ord && t1.k == K::Word && lx::is(lx.s(t1), "century") && (1..=21).contains(&t0.v) && !t1.nl {
        let core = Core::new(t0.s, t1.e, Expr::Century(t0.v as i32 - 1), 2, Lone::No);
        return context::finish(text, lx, core, cx);
    }
    let (d1, _, _) = day_at(lx, 0)?;
    let joiner = t1.k == K::Dash
        || (t1.k == K::Word && (lx::is(lx.s(t1), "and") || lx::is(lx.s(t1), "to")) && context::ranged_by_prev_word(text, t0.s));
    if joiner {
        if let Some((d2, j, _)) = day_at(lx, 2) {
            if let Some((m, k, e, _)) = month_at(lx, j) {
                let (p2, n, e2) = with_year(lx, Pt { y: None, m: Some(m), d: Some(d2) }, k, e, cx.max_year);
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
            return context::finish(text, lx, Core::new(t0.s, t0.e, Expr::Decade(v), 1, Lone::No), cx);
        }
        return None;
    }
    if !(1000..=2099).contains(&v) {
        return None;
    }
    if let (Some(a), Some(s)) = (lx.get(1), lx.get(2)) {
        if a.k == K::Apos && !a.sp && s.k == K::Word && lx.s(s) == "s" && !s.sp && v % 10 == 0 {
            return context::finish(text, lx, Core::new(t0.s, s.e, Expr::Decade(v), 3, Lone::No), cx);
        }
    }
    if let (Some(sep), Some(t2)) = (lx.get(1), lx.get(2)) {
        let slash_ok = sep.k == K::Slash && !sep.sp && !t2.sp;
        if (sep.k == K::Dash || slash_ok) && t2.k == K::Num && !t2.nl && !t2.glued && !t2.ord && (t2.nd == 2 || t2.nd == 4) {
            // Not the middle of a longer symbol: `2010/11/12`, `S/2010/50/Add.1`.
            let more = lx.get(3).is_some_and(|t| !t.sp && matches!(t.k, K::Slash | K::Dash | K::Dot) && lx.get(4).is_some_and(|x| x.k == K::Num && !x.sp));
            if more || context::labelled_number(text, t0.s) {
                return None;
            }
            let w = t2.v as i32;
            if t2.nd == 2 && sep.k == K::Dash && (1..=12).contains(&w) && w <= v % 100 && !sep.sp {
                let pt = Pt { y: Some(v), m: Some(w as u8), d: None };
                return context::finish(text, lx, Core::new(t0.s, t2.e, Expr::Pt(pt), 3, Lone::No), cx);
            }
            let mut end_year = if t2.nd == 2 { v / 100 * 100 + w } else { w };
            if t2.nd == 2 && end_year <= v {
                end_year += 100;
            }
            let span_ok = if t2.nd == 2 { end_year - v <= 50 } else { end_year - v <= 100 };
            if end_year > v && span_ok && end_year <= 2099 {
                let (p1, p2) = (Pt { y: Some(v), ..Pt::default() }, Pt { y: Some(end_year), ..Pt::default() });
                return context::finish(text, lx, Core::new(t0.s, t2.e, Expr::Range(p1, p2), 3, Lone::No), cx);
            }
            return None;
        }
    }
    let pt = Pt { y: Some(v), ..Pt::default() };
    context::finish(text, lx, Core::new(t0.s, t0.e, Expr::Pt(pt), 1, Lone::Year), cx)
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
                return context::finish(text, &mut lx, Core::new(t0.s, e, Expr::Pt(pt), n, Lone::No), cx);
            }
        }
        return context::lone_weekday(text, t0.s, t0.e, wd, cx);
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
                let (p2, n, e3) = with_year(lx, Pt { y: None, m: Some(m), d: Some(d2) }, k, e2, cx.max_year);
                let p1 = Pt { d: Some(d1), ..p2 };
                return context::finish(text, lx, Core::new(t0.s, e3, Expr::Range(p1, p2), n, Lone::No), cx);
            }
        }
        let (pt, n, e2) = with_year(lx, Pt { y: None, m: Some(m), d: Some(d1) }, j, e1, cx.max_year);
        return context::finish(text, lx, Core::new(t0.s, e2, Expr::Pt(pt), n, Lone::No), cx);
    }
    if let Some((y, n, e2)) = year_at(lx, i, cx.max_year) {
        let pt = Pt { y: Some(y), m: Some(m), d: None };
        return context::finish(text, lx, Core::new(t0.s, e2, Expr::Pt(pt), n, Lone::No), cx);
    }
    if !full {
        return None;
    }
    let pt = Pt { y: None, m: Some(m), d: None };
    context::finish(text, lx, Core::new(t0.s, e, Expr::Pt(pt), i, Lone::Month), cx)
}
