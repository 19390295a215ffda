//! The vocabulary every stage of the date finder shares: an unresolved expression (`Expr`) with
//! its calendar points (`Pt`), a parsed candidate with its byte span (`Cand`, and `Core` while
//! it is still being completed), and what the grammar knows of the scan so far (`Ctx`). Plain
//! data, no parsing: `parse`, `context`, `intervals`, `numeric` and `relative` build these,
//! `resolve` turns them into values.

use super::lexicon::Unit;

/// A calendar point of year, month or day precision; a missing year is taken from the
/// narrative (the most recent explicit date), else the document date, else written `XXXX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pt {
    pub(crate) y: Option<i32>,
    pub(crate) m: Option<u8>,
    pub(crate) d: Option<u8>,
}

impl Pt {
    /// A year alone.
    pub(crate) fn year(y: i32) -> Self {
        Pt {
            y: Some(y),
            m: None,
            d: None,
        }
    }

    /// A month of a year (the year may be unknown).
    pub(crate) fn month(y: Option<i32>, m: u8) -> Self {
        Pt {
            y,
            m: Some(m),
            d: None,
        }
    }

    /// A day of a month of a year (the year may be unknown).
    pub(crate) fn day(y: Option<i32>, m: u8, d: u8) -> Self {
        Pt {
            y,
            m: Some(m),
            d: Some(d),
        }
    }
}

/// Early / mid / late part of a period (first, middle, last third).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Early,
    Mid,
    Late,
}

/// Relative expressions, resolved in `resolve` against the document date (the anchor) or the
/// most recent explicit date of the text (the reference).
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
    /// the reference.
    Ref(Unit, i32, bool),
    /// `the last day of that month` (true) / `the first day of that year` (false): the
    /// reference's month or year.
    Edge(Unit, bool),
    /// `the end of the year`, `the beginning of the month` (with a part): the reference's year
    /// or month, else the anchor's.
    Current(Unit),
    /// New Year's Eve (12, 31), Christmas (12, 25): the reference's year, else the anchor's,
    /// else `XXXX`.
    Holiday(u8, u8),
    /// `that summer` (0), `the following spring` (+1): EDTF season code and a shift of the
    /// reference's year (else the anchor's; `XXXX` when neither and no shift).
    Season(u8, i32),
    /// `last summer` (-1), `this winter` (0), `next spring` (+1): EDTF season code, anchor,
    /// else `XXXX`.
    AnchorSeason(u8, i8),
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
    /// Two points of a range, a year written once shared (`March–May 2023`).
    Range(Pt, Pt),
    /// Two whole expressions joined by a dash (`2020-03-01 – 2020-03-04`).
    Pair(Box<Expr>, Box<Expr>),
    /// Open end: `since 2015`, `2016 onwards`, `24 February 2022 – present`.
    Since(Box<Expr>),
    /// Open start: `until June 2020`, `up to 2021`.
    Until(Box<Expr>),
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

/// Whether a head still needs context to count as a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lone {
    No,
    /// A bare four-digit number.
    Year,
    /// A month name alone.
    Month,
    /// An abbreviated month alone (`Jan.`): only as the first end of a range.
    Abbrev,
}

/// A head parse before the look-around: span, expression, next token index, and whether it
/// still needs context to count as a date.
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

    /// The finished candidate.
    pub(crate) fn cand(self) -> Cand {
        Cand {
            start: self.start,
            end: self.end,
            expr: self.expr,
        }
    }
}
