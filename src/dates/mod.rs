//! Dates: finds calendar expressions in report prose (`21 March 2024`, `in 2015`, `the 1990s`,
//! `between 2017 and 2021`, `the same year`) and normalises them to EDTF / ISO 8601 values with the
//! first and last calendar day they cover. This module owns the public API and the scan loop; the
//! byte prefilter and lexer are in `scan`, the grammar in `parse`, `context` and `relative`, word
//! lists in `lexicon`, and values in `resolve`. It does not know about gazetteers or records.

mod context;
mod lexicon;
mod numeric;
mod parse;
mod points;
mod relative;
mod resolve;
mod scan;
#[cfg(test)]
mod tests;

/// How an ambiguous numeric date such as `03/04/2024` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// day/month/year (the default)
    #[default]
    Dmy,
    /// month/day/year
    Mdy,
}

/// Per-document settings of the date finder.
#[derive(Debug, Clone, Default)]
pub struct DateOptions {
    /// Reading of ambiguous numeric dates when the document itself does not settle it.
    pub order: DateOrder,
    /// The document date that anchors relative expressions (`yesterday`, `last year`).
    pub anchor: Option<jiff::civil::Date>,
}

/// One calendar expression found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Byte offset of the first byte of the expression in the text.
    pub start: usize,
    /// Byte offset one past the last byte of the expression.
    pub end: usize,
    /// EDTF / ISO 8601 value: `2024-03-21`, `2024-03`, `199X`, `2017/2021`, `XXXX-03-22`, `2015/..`.
    pub value: String,
    /// First calendar day the value covers, when known.
    pub begin: Option<jiff::civil::Date>,
    /// Last calendar day the value covers, when known.
    pub end_day: Option<jiff::civil::Date>,
    /// True when the value was resolved against an anchor.
    pub relative: bool,
}

/// The compiled date finder; build once, share across threads.
#[derive(Debug)]
pub struct DateFinder {
    grammar: parse::Grammar,
    prefilter: scan::Prefilter,
    /// Unambiguous numeric dates of a document, read when an ambiguous one must be settled.
    order_probe: Option<regex::Regex>,
}

impl Default for DateFinder {
    fn default() -> Self {
        Self::new()
    }
}

impl DateFinder {
    /// Compiles the patterns.
    pub fn new() -> Self {
        DateFinder {
            grammar: parse::Grammar::new(),
            prefilter: scan::Prefilter::new(),
            order_probe: regex::Regex::new(r"\b(\d{1,2})/(\d{1,2})/(?:\d{4}|\d{2})\b").ok(),
        }
    }

    /// All date expressions of `text`, sorted by start, non-overlapping.
    pub fn find(&self, text: &str, opts: &DateOptions) -> Vec<DateMention> {
        let mut out = Vec::new();
        let mut res = resolve::Resolver::new(opts.anchor, opts.order, self.order_probe.as_ref());
        let doc_start = text.len() - text.trim_start().len();
        let mut cx = parse::Ctx {
            min_start: 0,
            doc_start,
            anchored: opts.anchor.is_some(),
            max_year: opts.anchor.map_or(2035, |a| i32::from(a.year()) + 5),
            last_end: None,
        };
        let mut pos = 0;
        let mut cursor = self.prefilter.cursor(text);
        while let Some((at, trig)) = cursor.next(pos, cx.anchored) {
            let found = parse::parse_at(&self.grammar, text, at, trig, &cx)
                .filter(|c| c.start >= cx.min_start && c.end > at);
            let Some(c) = found else {
                pos = at + 1;
                continue;
            };
            pos = c.end;
            if let Some(v) = res.resolve(&c.expr, text) {
                cx.min_start = c.end;
                cx.last_end = Some(c.end);
                out.push(DateMention {
                    start: c.start,
                    end: c.end,
                    value: v.value,
                    begin: v.begin,
                    end_day: v.end,
                    relative: v.relative,
                });
            }
        }
        out
    }
}
