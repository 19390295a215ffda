//! Points: the token-level pieces shared by every head and by the right side of ranges: a day
//! number, a month name (with its abbreviation dot), a year (`2024`, `'24`, `of 2024`), and a whole
//! point (`Tue, 5 June 2018`, `March 21, 2024`, `2015`).

use super::expr::Pt;
use super::lexicon::{self as lx};
use super::scan::{Lexer, Tok, K};

/// A day number 1-31 at token `i` (optionally ordinal): (day, next index, end byte).
pub(crate) fn day_at(lx: &mut Lexer, i: usize) -> Option<(u8, usize, usize)> {
    let t = lx.get(i)?;
    if t.k != K::Num || t.nl || t.glued || t.decade_s || t.nd > 2 || !(1..=31).contains(&t.v) {
        return None;
    }
    // `10:30`, `5.5`
    if let Some(n) = lx.get(i + 1) {
        if !n.sp
            && matches!(n.k, K::Dot | K::Comma | K::Other)
            && lx.get(i + 2).is_some_and(|x| x.k == K::Num && !x.sp)
        {
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
/// A noun of counting after it does not make it a count: `On 5 March 2000 troops ...`.
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
            let y = if 2000 + y <= max_year {
                2000 + y
            } else {
                1900 + y
            };
            return Some((y, i + 2, n.e));
        }
        return None;
    }
    if t.k != K::Num || t.nd != 4 || t.glued || t.ord || t.decade_s || !(1000..=2099).contains(&t.v)
    {
        return None;
    }
    if let Some(n) = lx.get(i + 1) {
        if !n.sp
            && matches!(n.k, K::Dot | K::Comma)
            && lx.get(i + 2).is_some_and(|x| x.k == K::Num && !x.sp)
        {
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
        } else if t.k == K::Word && lx::weekday_abbrev(lx.s(t)) {
            // `Tue, 5 June`, `Thurs. 19 December`: only as a prefix.
            i += 1;
            if lx
                .get(i)
                .is_some_and(|c| matches!(c.k, K::Comma | K::Dot) && !c.sp)
            {
                i += 1;
            }
            if lx.get(i).is_some_and(|c| c.k == K::Comma) {
                i += 1;
            }
        }
    }
    if let Some((d, j, _)) = day_at(lx, i) {
        let j = if lx
            .get(j)
            .is_some_and(|t| t.k == K::Word && lx::is(lx.s(t), "of"))
        {
            j + 1
        } else {
            j
        };
        let (m, k, e, _) = month_at(lx, j)?;
        let pt = Pt::day(None, m, d);
        return Some(with_year(lx, pt, k, e, max_year));
    }
    if let Some((m, j, e, _)) = month_at(lx, i) {
        if let Some((d, k, e2)) = day_at(lx, j) {
            let pt = Pt::day(None, m, d);
            return Some(with_year(lx, pt, k, e2, max_year));
        }
        return Some(with_year(lx, Pt::month(None, m), j, e, max_year));
    }
    let t = lx.get(i)?;
    let counted = lx
        .get(i + 1)
        .is_some_and(|n| n.k == K::Word && lx::count_noun(lx.s(n)));
    if t.k == K::Num
        && t.nd == 4
        && !t.glued
        && !t.ord
        && !t.decade_s
        && !counted
        && (1000..=2099).contains(&t.v)
    {
        return Some((Pt::year(t.v as i32), i + 1, t.e));
    }
    None
}

pub(crate) fn with_year(
    lx: &mut Lexer,
    mut pt: Pt,
    i: usize,
    end: usize,
    max_year: i32,
) -> (Pt, usize, usize) {
    match year_at(lx, i, max_year) {
        Some((y, j, e)) => {
            pt.y = Some(y);
            (pt, j, e)
        }
        None => (pt, i, end),
    }
}

/// The token closes a clause (or there is none): a comma, a full stop, `;`, `:`, `)`, a line
/// break.
pub(crate) fn closes(lx: &Lexer, t: Option<Tok>) -> bool {
    match t {
        None => true,
        Some(t) => t.nl || matches!(t.k, K::Comma | K::Dot) || matches!(lx.s(t), ";" | ":" | ")"),
    }
}

/// Token `i` ends the phrase before it: the clause closes, or a new one begins (a capitalised
/// word, an article or pronoun, a possessive `'s`): `after that, the police ...`, `that spring,
/// they ...`, but not `after that attack`, `fears that spring from`.
pub(crate) fn clause_after(lx: &mut Lexer, i: usize) -> bool {
    let t = lx.get(i);
    closes(lx, t)
        || t.is_some_and(|t| {
            t.k == K::Apos
                || (t.k == K::Word && (lx::is_capitalised(lx.s(t)) || lx::clause_start(lx.s(t))))
        })
}
