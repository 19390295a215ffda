//! Pipeline: the per-document pure function that runs the stages in order (normalize, match,
//! dates, resolve, sentences) and gives the document's mentions. It shares nothing mutable, so
//! the caller may run it on many documents in parallel. Files and ordering are the caller's;
//! the parts of long texts (see `chunk`) go through the same stages with a [`Hook`] that keeps
//! what joining them needs.

use crate::dates::{DateFinder, DateMention, DateOptions, DateOrder};
use crate::document::Document;
use crate::error::Result;
use crate::gazetteer::{Gazetteer, Matcher};
use crate::normalize::skeleton::name_starts;
use crate::normalize::{fold_into, FoldOptions, Folded};
pub(crate) use crate::resolve::document::DocContext;
use crate::resolve::document::Outcome;
use crate::resolve::{find_mentions, merge_with_dates, Item, Match, Span};
pub use crate::resolve::{Cue, Origin, Rules};
use crate::sentence::Sentences;
use std::cell::RefCell;
use std::collections::HashSet;

/// The entity types that stages other than the gazetteers give (the date stage): with the
/// types of the loaded rows, every type a run can find (what `--types` may name).
pub(crate) const STAGE_TYPES: &[&str] = &["DATE"];

/// What a mention refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A gazetteer entry (index into [`Gazetteer::entries`]).
    Entry(u32),
    /// A calendar expression.
    Date(DateMention),
    /// A word only the document can settle (a surname, an acronym): settled by
    /// the document before anything is written ([`Pipeline::process`] never returns one).
    Cue(Cue),
}

/// One entity mention in a document, with offsets in bytes and code points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// UTF-8 byte offset of the first byte.
    pub byte_start: usize,
    /// UTF-8 byte offset one past the end.
    pub byte_end: usize,
    /// Code point offset of the start.
    pub start: usize,
    /// Code point offset of the end.
    pub end: usize,
    /// 0-based sentence index.
    pub sentence: usize,
    /// Index of the first word token of the mention (0 unless token counting is on).
    pub token_start: usize,
    /// Index one past the last word token of the mention (0 unless token counting is on).
    pub token_end: usize,
    /// The entity.
    pub target: Target,
    /// Why it names its entity (for an entity mention).
    pub origin: Origin,
}

/// The result of processing one document.
#[derive(Debug, Clone, Default)]
pub struct Processed {
    /// Mentions in text order.
    pub mentions: Vec<Mention>,
    /// Number of sentences.
    pub sentences: usize,
    /// Number of code points.
    pub chars: usize,
}

/// Builds a [`Pipeline`].
#[derive(Debug, Default)]
pub struct PipelineBuilder {
    gazetteer: Gazetteer,
    types: Option<HashSet<String>>,
    date_order: DateOrder,
    doc_date: Option<jiff::civil::Date>,
    keep_diacritics: bool,
    tokens: bool,
    matcher: Option<Matcher>,
    rules: Rules,
}

impl PipelineBuilder {
    /// The matching rules of issue 11 that are on (all by default).
    pub fn rules(mut self, r: Rules) -> Self {
        self.rules = r;
        self
    }

    /// A name table already built for this gazetteer (a compiled gazetteer's); it is used
    /// when it folds diacritics as the pipeline does, and built again otherwise.
    pub(crate) fn matcher(mut self, m: Option<Matcher>) -> Self {
        self.matcher = m;
        self
    }

    /// Count word tokens so that mentions carry token positions (for `--window`).
    pub fn tokens(mut self, on: bool) -> Self {
        self.tokens = on;
        self
    }

    /// The gazetteer to match.
    pub fn gazetteer(mut self, g: Gazetteer) -> Self {
        self.gazetteer = g;
        self
    }

    /// Only emit these entity types (None: all).
    pub fn types(mut self, t: Option<HashSet<String>>) -> Self {
        self.types = t;
        self
    }

    /// Reading of ambiguous numeric dates.
    pub fn date_order(mut self, o: DateOrder) -> Self {
        self.date_order = o;
        self
    }

    /// Anchor for relative dates in documents without a date of their own.
    pub fn doc_date(mut self, d: Option<jiff::civil::Date>) -> Self {
        self.doc_date = d;
        self
    }

    /// Match diacritics exactly instead of folding them (`Khalímov` ≠ `Khalimov`).
    pub fn keep_diacritics(mut self, keep: bool) -> Self {
        self.keep_diacritics = keep;
        self
    }

    /// Compiles the gazetteer and the date patterns.
    pub fn build(self) -> Result<Pipeline> {
        let matcher = match self.matcher {
            Some(m) if m.folds_diacritics() != self.keep_diacritics => m,
            _ => Matcher::new(&self.gazetteer, !self.keep_diacritics)?,
        };
        let want = |t: &str| self.types.as_ref().is_none_or(|s| s.contains(t));
        Ok(Pipeline {
            tokens: self.tokens,
            want_dates: want("DATE"),
            want_entry: self
                .gazetteer
                .entries
                .iter()
                .map(|e| want(&e.kind))
                .collect(),
            matcher,
            gazetteer: self.gazetteer,
            dates: DateFinder::new(),
            date_order: self.date_order,
            doc_date: self.doc_date,
            fold: FoldOptions {
                lowercase: true,
                diacritics: !self.keep_diacritics,
            },
            rules: self.rules,
        })
    }
}

/// The compiled pipeline: share it across threads and call [`Pipeline::process`].
#[derive(Debug)]
pub struct Pipeline {
    gazetteer: Gazetteer,
    matcher: Matcher,
    dates: DateFinder,
    date_order: DateOrder,
    doc_date: Option<jiff::civil::Date>,
    fold: FoldOptions,
    want_dates: bool,
    want_entry: Vec<bool>,
    tokens: bool,
    rules: Rules,
}

thread_local! {
    static SCRATCH: RefCell<(Folded, Vec<Span>)> = RefCell::new((Folded::default(), Vec::new()));
}

impl Pipeline {
    /// A builder with defaults: no gazetteer, all types, day-month order.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// The gazetteer in use.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// The compiled matcher.
    pub(crate) fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// The matching rules in force.
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// Is a mention of this target emitted (`--types`)? A cue is, until settled.
    pub(crate) fn wants(&self, t: &Target) -> bool {
        match t {
            Target::Entry(e) => self.want_entry.get(*e as usize).copied().unwrap_or(false),
            Target::Date(_) => self.want_dates,
            Target::Cue(_) => true,
        }
    }

    /// The stages after the exact names (issue 11): which spelling matched, variants,
    /// shared names, cues (`whole`: of a whole document, not a part of a longer one).
    fn refine(&self, text: &str, spans: &mut Vec<Span>, whole: bool) {
        let g = &self.gazetteer;
        for s in spans.iter_mut() {
            let name = g
                .entries
                .get(s.entry as usize)
                .and_then(|e| e.names.get(s.origin.alias as usize));
            if name.is_none_or(|n| text.get(s.start..s.end) != Some(n.as_str())) {
                s.origin.how = Match::Folded;
            }
        }
        let v = self.matcher.variants();
        let r = self.rules;
        let words = r.variants || r.reorder || r.short_forms || r.acronyms;
        let starts = if words { name_starts(text) } else { Vec::new() };
        if r.variants || r.reorder {
            let mut found = Vec::new();
            crate::resolve::variants::find_variants(text, (&starts, spans), g, v, r, &mut found);
            crate::resolve::variants::merge(spans, found);
        }
        if r.disambiguation {
            crate::resolve::shared::settle_shared(text, spans, g, v);
        }
        if r.short_forms || r.acronyms {
            crate::resolve::cues::find_cues(text, &starts, spans, (g, v), r, whole);
        }
    }

    /// Finds the mentions of one document.
    pub fn process(&self, doc: &Document) -> Processed {
        self.scan(&doc.text, doc.date.or(self.doc_date), &mut Whole)
    }

    /// The stages over `text`, with relative dates resolved against `anchor`; `hook` keeps
    /// what it needs on the way (see [`Hook`]).
    pub(crate) fn scan<H: Hook>(
        &self,
        text: &str,
        anchor: Option<jiff::civil::Date>,
        hook: &mut H,
    ) -> Processed {
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (folded, spans) = &mut *guard;
            spans.clear();
            fold_into(text, self.fold, folded);
            find_mentions(text, folded, &self.matcher, spans);
            self.refine(text, spans, !H::KEEP_ALL);
            // With cues, a whole document is settled after every mention is known.
            let settle = !H::KEEP_ALL && spans.iter().any(|s| s.cue.is_some());
            let date_opts = DateOptions {
                order: self.date_order,
                anchor,
            };
            let mut dates = if self.want_dates || !spans.is_empty() || H::KEEP_ALL {
                hook.dates(&self.dates, text, &date_opts)
            } else {
                Vec::new()
            };
            dates.retain(|d| {
                d.start < d.end
                    && text.is_char_boundary(d.start)
                    && text.is_char_boundary(d.end)
                    && d.end <= text.len()
            });
            let ranges: Vec<(usize, usize)> = dates.iter().map(|d| (d.start, d.end)).collect();
            hook.spans(spans, &ranges);
            let items = merge_with_dates(spans, &ranges);
            let sentences = Sentences::split(text);
            let mut out = Processed {
                mentions: Vec::with_capacity(items.len()),
                sentences: sentences.count(),
                chars: 0,
            };
            let mut cp = CodePoints::default();
            let mut tok = Tokens::default();
            for it in items {
                let Some((target, wanted, origin)) =
                    self.target(&it, spans, &dates, H::KEEP_ALL || settle)
                else {
                    continue;
                };
                let (token_start, token_end) = if self.tokens {
                    (tok.at(text, it.start), tok.at(text, it.end))
                } else {
                    (0, 0)
                };
                out.mentions.push(Mention {
                    byte_start: it.start,
                    byte_end: it.end,
                    start: cp.at(text, it.start),
                    end: cp.at(text, it.end),
                    sentence: sentences.index_of(it.start),
                    token_start,
                    token_end,
                    target,
                    origin,
                });
                hook.mention(wanted);
            }
            if settle {
                settle_document(
                    &mut DocContext::new(),
                    text,
                    0,
                    &mut out.mentions,
                    &self.gazetteer,
                );
                out.mentions.retain(|m| self.wants(&m.target));
            }
            out.chars = cp.at(text, text.len());
            hook.sentences(sentences);
            out
        })
    }

    /// What a resolved span refers to, whether its type is emitted, and why it matched;
    /// None when it is not kept (a type not emitted, unless `keep_all`).
    fn target(
        &self,
        it: &Item,
        spans: &[Span],
        dates: &[DateMention],
        keep_all: bool,
    ) -> Option<(Target, bool, Origin)> {
        if it.date {
            if !self.want_dates && !keep_all {
                return None;
            }
            let d = dates.get(it.index)?;
            return Some((Target::Date(d.clone()), self.want_dates, Origin::default()));
        }
        let span = spans.get(it.index)?;
        let target = match &span.cue {
            Some(c) => Target::Cue(c.clone()),
            None => Target::Entry(span.entry),
        };
        let wanted = self.wants(&target);
        (wanted || keep_all).then(|| (target, wanted, span.origin.clone()))
    }

    /// The date finder (for the parts of long texts, see `chunk`).
    pub(crate) fn date_finder(&self) -> &DateFinder {
        &self.dates
    }

    /// The reading of ambiguous numeric dates asked for.
    pub(crate) fn date_order(&self) -> DateOrder {
        self.date_order
    }

    /// The anchor of relative dates in documents without a date of their own.
    pub(crate) fn doc_date(&self) -> Option<jiff::civil::Date> {
        self.doc_date
    }

    /// Whether mentions carry token positions.
    pub(crate) fn counts_tokens(&self) -> bool {
        self.tokens
    }
}

/// Settles the cues among `mentions` (in text order; offsets relative to byte `base` of
/// `text`) with what the document said before (`cx`, updated): short forms and acronyms
/// become mentions of their entity, the rest is dropped (see `resolve::document`).
pub(crate) fn settle_document(
    cx: &mut DocContext,
    text: &str,
    base: usize,
    mentions: &mut Vec<Mention>,
    g: &Gazetteer,
) {
    let mut drop = false;
    for m in mentions.iter_mut() {
        let surface = m
            .byte_start
            .checked_sub(base)
            .zip(m.byte_end.checked_sub(base))
            .and_then(|(s, e)| text.get(s..e))
            .unwrap_or("");
        let outcome = match &m.target {
            Target::Entry(e) => cx.settle(surface, Some((*e, &m.origin)), None, g),
            Target::Cue(c) => cx.settle(surface, None, Some(c), g),
            Target::Date(_) => continue,
        };
        match outcome {
            Outcome::Keep => {}
            Outcome::Drop => {
                m.target = Target::Cue(Cue::Acronym);
                drop = true;
            }
            Outcome::Set(e, o) => {
                m.target = Target::Entry(e);
                m.origin = o;
            }
        }
    }
    if drop {
        mentions.retain(|m| !matches!(m.target, Target::Cue(_)));
    }
}

/// What a scan of a text keeps beside its mentions. [`Pipeline::process`], the whole-document
/// path, keeps nothing more; the long-text path (`chunk`) keeps what joining the parts of a
/// document needs. The defaults are the whole-document path's.
pub(crate) trait Hook {
    /// Keep every mention, also those of types not emitted, and always look for dates.
    const KEEP_ALL: bool = false;

    /// The dates of `text`.
    fn dates(&mut self, finder: &DateFinder, text: &str, opts: &DateOptions) -> Vec<DateMention> {
        finder.find(text, opts)
    }

    /// Every gazetteer span (`names`) and date span found, before overlaps are settled.
    fn spans(&mut self, _names: &[Span], _dates: &[(usize, usize)]) {}

    /// The next mention kept, and whether its type is emitted.
    fn mention(&mut self, _wanted: bool) {}

    /// The sentences of the text.
    fn sentences(&mut self, _sentences: Sentences) {}
}

/// The whole-document path: nothing kept beside the mentions.
struct Whole;
impl Hook for Whole {}

/// Code points of `text` before byte `byte`.
pub(crate) fn chars_before(text: &str, byte: usize) -> usize {
    CodePoints::default().at(text, byte)
}

/// Word tokens of `text` that start before byte `byte`.
pub(crate) fn tokens_before(text: &str, byte: usize) -> usize {
    Tokens::default().at(text, byte)
}

/// Converts increasing byte offsets to code point offsets incrementally.
#[derive(Default)]
struct CodePoints {
    byte: usize,
    cp: usize,
}

impl CodePoints {
    fn at(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.cp = 0;
        }
        let slice = text.as_bytes().get(self.byte..byte).unwrap_or(&[]);
        self.cp += slice.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        self.byte = byte;
        self.cp
    }
}

/// Counts word tokens (maximal runs of letters, digits and marks) before increasing byte
/// offsets: `at(p)` is the number of tokens that start before `p`.
#[derive(Default)]
struct Tokens {
    byte: usize,
    count: usize,
    in_word: bool,
}

impl Tokens {
    fn at(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            *self = Tokens::default();
        }
        if let Some(slice) = text.get(self.byte..byte) {
            for c in slice.chars() {
                let w = crate::resolve::is_word_char(c);
                if w && !self.in_word {
                    self.count += 1;
                }
                self.in_word = w;
            }
            self.byte = byte;
        }
        self.count
    }
}
