//! Numeric dates: `2024-03-21`, `21.03.2024`, `21/03/2024`, `03/21/24` and a `01.04` header at the
//! top of a document, matched with `^`-anchored `regex` patterns on a small window at a digit
//! candidate. It checks the separators and the number ranges; which of day and month comes first in
//! an ambiguous `03/04/2024` is left to `resolve` (`Expr::Ambig`).

use super::parse::{Cand, Ctx, Expr, Pt};
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

/// Numeric dates: `2024-03-21`, `21.03.2024`, `21/03/2024`, `03/21/24`, and the `01.04` header.
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
    let w = window(text, pos, 16);
    let num = |s: Option<regex::Match>| s.and_then(|m| m.as_str().parse::<i32>().ok());
    let cut = |end: usize| -> bool {
        // The match must not run on into more digits or another separator and number.
        let b0 = bytes.get(end).copied();
        let b1 = bytes.get(end + 1).copied();
        b0.is_some_and(|b| b.is_ascii_alphanumeric())
            || (matches!(b0, Some(b'.' | b'/' | b'-' | b','))
                && b1.is_some_and(|b| b.is_ascii_digit()))
    };
    if let Some(c) = g.iso.as_ref().and_then(|r| r.captures(w)) {
        let end = pos + c.get(0)?.end();
        let same_sep = c.get(2).map(|m| m.as_str()) == c.get(4).map(|m| m.as_str());
        if same_sep && !cut(end) {
            let (y, m, d) = (num(c.get(1))?, num(c.get(3))?, num(c.get(5))?);
            if (1000..=2099).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) {
                let pt = Pt {
                    y: Some(y),
                    m: Some(m as u8),
                    d: Some(d as u8),
                };
                return Some(Cand {
                    start: pos,
                    end,
                    expr: Expr::Pt(pt),
                });
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
            if (1000..=2099).contains(&y)
                && (1..=31).contains(&a)
                && (1..=31).contains(&b)
                && (a <= 12 || b <= 12)
            {
                let expr = if a > 12 {
                    Expr::Pt(Pt {
                        y: Some(y),
                        m: Some(b as u8),
                        d: Some(a as u8),
                    })
                } else if b > 12 {
                    Expr::Pt(Pt {
                        y: Some(y),
                        m: Some(a as u8),
                        d: Some(b as u8),
                    })
                } else if sep == Some(".") {
                    Expr::Pt(Pt {
                        y: Some(y),
                        m: Some(b as u8),
                        d: Some(a as u8),
                    })
                } else {
                    Expr::Ambig {
                        a: a as u8,
                        b: b as u8,
                        y,
                    }
                };
                return Some(Cand {
                    start: pos,
                    end,
                    expr,
                });
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
                    let pt = Pt {
                        y: None,
                        m: Some(m as u8),
                        d: Some(d as u8),
                    };
                    return Some(Cand {
                        start: pos,
                        end,
                        expr: Expr::Pt(pt),
                    });
                }
            }
        }
    }
    None
}
