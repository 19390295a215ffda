//! Numeric dates: `2024-03-21`, `21.03.2024`, `21/03/2024`, `03/21/24`, two of them joined by a
//! dash or a word (`2020-03-01 – 2020-03-04`, `between 2016-01-10 and 2016-02-20`), and a `01.04` header at the top of a document, matched
//! with `^`-anchored `regex` patterns on a small window at a digit candidate. It checks the
//! separators and the number ranges; which of day and month comes first in an ambiguous
//! `03/04/2024` is left to `resolve` (`Expr::Ambig`).

use super::expr::{Cand, Ctx, Expr, Pt};
use super::scan;
use regex::Regex;

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
            header: Regex::new(r"^(\d{2})\.(\d{2})").ok(),
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

/// The match at `end` runs on into more digits or another separator and number.
fn runs_on(bytes: &[u8], end: usize) -> bool {
    let b0 = bytes.get(end).copied();
    let b1 = bytes.get(end + 1).copied();
    b0.is_some_and(|b| b.is_ascii_alphanumeric())
        || (matches!(b0, Some(b'.' | b'/' | b'-' | b',')) && b1.is_some_and(|b| b.is_ascii_digit()))
}

/// What the patterns make of the digits at `pos`.
enum Shape {
    /// No numeric date pattern applies.
    None,
    /// A pattern applies but the numbers are no date.
    Invalid,
    /// A date ending at the byte given.
    Date(usize, Expr),
}

fn num(m: Option<regex::Match>) -> Option<i32> {
    m.and_then(|m| m.as_str().parse::<i32>().ok())
}

/// One numeric date at `pos` (without the run-on check).
fn one(g: &Grammar, text: &str, pos: usize, cx: &Ctx) -> Shape {
    let w = window(text, pos, 16);
    if let Some(c) = g.iso.as_ref().and_then(|r| r.captures(w)) {
        let same_sep = c.get(2).map(|m| m.as_str()) == c.get(4).map(|m| m.as_str());
        let (Some(all), Some(y), Some(m), Some(d)) =
            (c.get(0), num(c.get(1)), num(c.get(3)), num(c.get(5)))
        else {
            return Shape::Invalid;
        };
        if same_sep && (1000..=2099).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
        {
            return Shape::Date(
                pos + all.end(),
                Expr::Pt(Pt::day(Some(y), m as u8, d as u8)),
            );
        }
        return Shape::Invalid;
    }
    let Some(c) = g.numeric.as_ref().and_then(|r| r.captures(w)) else {
        return Shape::None;
    };
    let sep = c.get(2).map(|m| m.as_str());
    let ys = c.get(5).map_or(0, |m| m.as_str().len());
    let (Some(all), Some(a), Some(b), Some(mut y)) =
        (c.get(0), num(c.get(1)), num(c.get(3)), num(c.get(5)))
    else {
        return Shape::Invalid;
    };
    // Two-digit years only with slashes; dots and hyphens need four.
    if sep != c.get(4).map(|m| m.as_str()) || !(ys == 4 || sep == Some("/")) {
        return Shape::Invalid;
    }
    if ys == 2 {
        y += if 2000 + y <= cx.max_year { 2000 } else { 1900 };
    }
    if !(1000..=2099).contains(&y)
        || !(1..=31).contains(&a)
        || !(1..=31).contains(&b)
        || (a > 12 && b > 12)
    {
        return Shape::Invalid;
    }
    let (a, b) = (a as u8, b as u8);
    let expr = if a > 12 || (b <= 12 && sep == Some(".")) {
        Expr::Pt(Pt::day(Some(y), b, a))
    } else if b > 12 {
        Expr::Pt(Pt::day(Some(y), a, b))
    } else {
        Expr::Ambig { a, b, y }
    };
    Shape::Date(pos + all.end(), expr)
}

/// A second numeric date after a dash (spaced or not) or a word of a range (`to`, `until`,
/// `through`, `and`) at `end`: its end, its expression and whether a word joined it.
fn second(g: &Grammar, text: &str, end: usize, cx: &Ctx) -> Option<(usize, Expr, bool)> {
    let rest = text.get(end..)?;
    let gap = rest.trim_start_matches([' ', '\t', '\u{a0}']);
    let joiner = gap
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let (after, worded) = match gap.chars().next() {
        Some(c) if scan::is_dash(c) => (gap.get(c.len_utf8()..)?, false),
        _ if ["to", "until", "till", "through", "and"].contains(&joiner) => {
            (gap.get(joiner.len()..)?, true)
        }
        _ => return None,
    };
    let digits = after.trim_start_matches([' ', '\t', '\u{a0}']);
    if worded && digits.len() == after.len() {
        return None;
    }
    let pos = end + (rest.len() - digits.len());
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    match one(g, text, pos, cx) {
        Shape::Date(e, x) if !runs_on(text.as_bytes(), e) => Some((e, x, worded)),
        _ => None,
    }
}

/// A pair joined by a word takes the word before it when that makes it a range:
/// `between 2016-01-10 and 2016-02-20`, `from 01.03.2020 to 04.03.2020`; `and` needs `between`.
fn range_start(text: &str, pos: usize, worded: bool, and: bool, cx: &Ctx) -> Option<usize> {
    if !worded {
        return Some(pos);
    }
    let (ps, w) = scan::prev_word(text, pos)?;
    let between = w.eq_ignore_ascii_case("between");
    let from = w.eq_ignore_ascii_case("from");
    if ps < cx.min_start || !(between || from) || (and && !between) {
        return if and { None } else { Some(pos) };
    }
    Some(ps)
}

/// Numeric dates: `2024-03-21`, `21.03.2024`, `21/03/2024`, `03/21/24`, a dashed pair of
/// them, and the `01.04` header.
pub(crate) fn numeric(g: &Grammar, text: &str, pos: usize, cx: &Ctx) -> Option<Cand> {
    let bytes = text.as_bytes();
    let mut i = pos;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if !matches!(bytes.get(i), Some(b'.' | b'/' | b'-'))
        || !bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    match one(g, text, pos, cx) {
        Shape::Date(end, a) => {
            if let Some((e2, b, worded)) = second(g, text, end, cx) {
                let and = text.get(end..e2).is_some_and(|g| g.contains("and"));
                if let Some(start) = range_start(text, pos, worded, and, cx) {
                    let expr = Expr::Pair(Box::new(a), Box::new(b));
                    return Some(Cand {
                        start,
                        end: e2,
                        expr,
                    });
                }
            }
            (!runs_on(bytes, end)).then_some(Cand {
                start: pos,
                end,
                expr: a,
            })
        }
        Shape::Invalid => None,
        Shape::None if pos == cx.doc_start => header(g, text, pos),
        Shape::None => None,
    }
}

/// `01.04` alone at the top of the document: day and month of a dated note.
fn header(g: &Grammar, text: &str, pos: usize) -> Option<Cand> {
    let w = window(text, pos, 16);
    let c = g.header.as_ref()?.captures(w)?;
    let end = pos + c.get(0)?.end();
    let next = scan::char_at(text, end);
    if !next.is_none_or(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        return None;
    }
    let (d, m) = (num(c.get(1))?, num(c.get(2))?);
    ((1..=31).contains(&d) && (1..=12).contains(&m)).then(|| Cand {
        start: pos,
        end,
        expr: Expr::Pt(Pt::day(None, m as u8, d as u8)),
    })
}
