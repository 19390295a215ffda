//! The scan of one part of a long text: the per-document stages of `pipeline`, through a
//! [`Hook`] that keeps what joining the parts of a document needs besides the mentions.

use crate::dates::{self, DateFinder, DateMention, DateOptions, DateOrder, PartStart, PartTrace};
use crate::pipeline::{chars_before, tokens_before, Hook, Mention, Pipeline};
use crate::resolve::Span;
use crate::sentence::Sentences;

/// One part of a longer document scanned by [`scan_part`]; offsets are local to the part's
/// text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Part {
    /// Every mention, also those of types not emitted, in text order.
    pub(crate) mentions: Vec<Mention>,
    /// For each mention: whether its type is emitted.
    pub(crate) wanted: Vec<bool>,
    /// Every gazetteer and date span found, before overlaps were settled, sorted.
    pub(crate) cover: Vec<(usize, usize)>,
    /// The sentence starts.
    pub(crate) sentences: Sentences,
    /// Code points before the given length.
    pub(crate) chars: usize,
    /// Word tokens starting before the given length (0 unless token counting is on).
    pub(crate) tokens: usize,
    /// What the date scan read of its starting state.
    pub(crate) dates: PartTrace,
}

/// The hook of a part's scan: dates found from `start`, everything else kept into `part`.
struct Keep<'a> {
    start: &'a PartStart,
    part: Part,
}

impl Hook for Keep<'_> {
    // Parts always look for dates, so that neighbouring parts compare alike.
    const KEEP_ALL: bool = true;

    fn dates(&mut self, finder: &DateFinder, text: &str, opts: &DateOptions) -> Vec<DateMention> {
        let mut trace = PartTrace::default();
        let found = finder.find_part(text, opts, self.start, &mut trace);
        self.part.dates = trace;
        found
    }

    fn spans(&mut self, names: &[Span], dates: &[(usize, usize)]) {
        let cover = &mut self.part.cover;
        cover.extend(names.iter().map(|s| (s.start, s.end)));
        cover.extend_from_slice(dates);
        cover.sort_unstable();
    }

    fn mention(&mut self, wanted: bool) {
        self.part.wanted.push(wanted);
    }

    fn sentences(&mut self, sentences: Sentences) {
        self.part.sentences = sentences;
    }
}

/// Scans `text`, one part of a longer document, as [`Pipeline::process`] would scan it alone,
/// keeping what joining parts needs: every mention with local offsets, also those of types
/// not emitted; code points and word tokens before byte `len`; the sentence starts; every
/// gazetteer and date span before overlaps are settled; and what the date scan read of its
/// starting state.
pub(crate) fn scan_part(pipeline: &Pipeline, text: &str, len: usize, start: &PartStart) -> Part {
    let mut keep = Keep {
        start,
        part: Part::default(),
    };
    let found = pipeline.scan(text, pipeline.doc_date(), &mut keep);
    let mut part = keep.part;
    part.mentions = found.mentions;
    part.chars = chars_before(text, len);
    if pipeline.counts_tokens() {
        part.tokens = tokens_before(text, len);
    }
    part
}

/// The unambiguous numeric dates of `text` (day first, month first), for settling the order
/// of a document read in parts.
pub(crate) fn order_votes(pipeline: &Pipeline, text: &str) -> (usize, usize) {
    pipeline.date_finder().order_votes(text)
}

/// The order of ambiguous numeric dates of a document whose parts voted `votes`.
pub(crate) fn settle_order(pipeline: &Pipeline, votes: (usize, usize)) -> DateOrder {
    dates::settle_order(pipeline.date_order(), votes)
}
