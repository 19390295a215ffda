//! Dates: finds calendar expressions in report prose (`21 March 2024`, `in 2015`, `the 1990s`,
//! `between 2017 and 2021`, `since March 2014`, `that summer`, `four days later`) and normalises
//! them to EDTF / ISO 8601 values with the first and last calendar day they cover. This module
//! owns the public API and the scan loop. The stages, each a module: `scan` (byte prefilter and
//! lexer), `parse` (heads) with `points`, `numeric`, `relative` and `seasons` (the shapes),
//! `context` (modifiers and whether a bare year or month is a date), `intervals` (ranges and
//! open intervals), `expr` (the shared vocabulary), `lexicon` (word lists), and `resolve` with
//! `calendar` and `order` (values, the narrative's year, day-month order). It does not know
//! about gazetteers or records.

mod calendar;
mod context;
mod expr;
mod intervals;
mod lexicon;
mod numeric;
mod order;
mod parse;
mod points;
mod relative;
mod resolve;
mod scan;
mod seasons;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_narrative;
#[cfg(test)]
mod tests_report;

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
    /// EDTF / ISO 8601 value: `2024-03-21`, `2024-03`, `199X`, `2017/2021`, `XXXX-03-22`,
    /// `2015/..`, `../2020-06`, `2017-22`.
    pub value: String,
    /// First calendar day the value covers; `None` when open at the start or the year is unknown.
    pub start_date: Option<jiff::civil::Date>,
    /// Last calendar day the value covers; `None` when open at the end or the year is unknown.
    pub end_date: Option<jiff::civil::Date>,
    /// True when the value was resolved against an anchor: the document date, or an earlier
    /// date of the same text (`In 2017 ... on 14 August`, `four days later`).
    pub relative: bool,
}

/// The reading of ambiguous numeric dates in a text whose unambiguous ones voted `votes`
/// (day first, month first): the majority, else `order`.
pub(crate) fn settle_order(order: DateOrder, votes: (usize, usize)) -> DateOrder {
    order::settle(order, votes)
}

/// The most recent explicit date of a text at some point, which anaphora (`the same year`,
/// `two days later`) and holidays resolve against. Opaque; compare for equality.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DateRef(Option<resolve::RefPt>);

/// Where the scan of one part of a longer text starts from.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PartStart {
    /// The part continues a text: no header date (`01.04` alone at the top) at its start.
    pub(crate) continues: bool,
    /// Read ambiguous numeric dates in this order instead of settling it from the part.
    pub(crate) order: Option<DateOrder>,
    /// From the first expression starting at or after this byte offset on, resolve against
    /// this reference (the state of the whole text there).
    pub(crate) reference_at: Option<(usize, DateRef)>,
}

/// A resolution that read or set the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateEvent {
    /// Byte offset of the expression.
    pub(crate) at: usize,
    /// It read the reference (an anaphor or a holiday), successfully or not.
    pub(crate) read: bool,
    /// The reference it set, if it set one.
    pub(crate) set: Option<DateRef>,
}

/// What the scan of a part depended on, for joining parts exactly.
#[derive(Debug, Clone, Default)]
pub(crate) struct PartTrace {
    /// Resolutions that read or set the reference, in text order.
    pub(crate) events: Vec<DateEvent>,
    /// The order of ambiguous numeric dates, when the part settled it from its own text.
    pub(crate) settled: Option<DateOrder>,
}

/// The compiled date finder; build once, share across threads.
#[derive(Debug)]
pub struct DateFinder {
    grammar: numeric::Grammar,
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
            grammar: numeric::Grammar::new(),
            prefilter: scan::Prefilter::new(),
            order_probe: order::probe(),
        }
    }

    /// All date expressions of `text`, sorted by start, non-overlapping.
    pub fn find(&self, text: &str, opts: &DateOptions) -> Vec<DateMention> {
        self.find_part(text, opts, &PartStart::default(), &mut PartTrace::default())
    }

    /// The date expressions of `text`, one part of a longer text (see `chunk`): the scan
    /// starts from `start` and records in `trace` what a caller needs to join parts exactly.
    pub(crate) fn find_part(
        &self,
        text: &str,
        opts: &DateOptions,
        start: &PartStart,
        trace: &mut PartTrace,
    ) -> Vec<DateMention> {
        let mut out = Vec::new();
        let mut res = resolve::Resolver::new(opts.anchor, opts.order, self.order_probe.as_ref());
        if let Some(o) = start.order {
            res.force_order(o);
        }
        let mut reference_at = start.reference_at;
        // A part that continues a text has no header date at its top.
        let doc_start = if start.continues {
            usize::MAX
        } else {
            text.len() - text.trim_start().len()
        };
        let mut cx = expr::Ctx {
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
            if let Some((p, r)) = reference_at {
                if c.start >= p {
                    res.set_reference(r.0);
                    reference_at = None;
                }
            }
            let resolved = res.resolve(&c.expr, text);
            let (read, set) = res.take_trace();
            if read || set {
                trace.events.push(DateEvent {
                    at: c.start,
                    read,
                    set: set.then(|| DateRef(res.reference())),
                });
            }
            if let Some(v) = resolved {
                cx.min_start = c.end;
                cx.last_end = Some(c.end);
                let m = DateMention {
                    start: c.start,
                    end: c.end,
                    value: v.value,
                    start_date: v.start,
                    end_date: v.end,
                    relative: v.relative,
                };
                push_joined(text, &mut out, m);
            }
        }
        trace.settled = res.probed_order();
        out
    }

    /// Unambiguous numeric dates of `text` read (day first, month first): summed over the
    /// parts of a text, they settle its order as [`settle_order`] says.
    pub(crate) fn order_votes(&self, text: &str) -> (usize, usize) {
        self.order_probe
            .as_ref()
            .map_or((0, 0), |re| order::votes(re, text))
    }
}

/// Pushes `m`, or joins it with the mention before it when one range holds both (`between late
/// 2014 and mid-2015`: `2014/2015`, from the first one's first day to the second one's last).
fn push_joined(text: &str, out: &mut Vec<DateMention>, m: DateMention) {
    let floor = out
        .len()
        .checked_sub(2)
        .and_then(|i| out.get(i))
        .map_or(0, |p| p.end);
    let value = |x: &DateMention| calendar::Value {
        value: x.value.clone(),
        start: x.start_date,
        end: x.end_date,
        relative: x.relative,
    };
    let range = out.last().and_then(|prev| {
        let plain = !prev.value.contains('/') && !m.value.contains('/');
        let start = intervals::joined(text, (prev.start, prev.end), m.start, floor)?;
        let r = calendar::pair(value(prev), value(&m)).filter(|_| plain)?;
        Some(DateMention {
            start,
            end: m.end,
            value: r.value,
            start_date: r.start,
            end_date: r.end,
            relative: r.relative,
        })
    });
    match range {
        Some(r) => {
            out.pop();
            out.push(r);
        }
        None => out.push(m),
    }
}
