//! Stitching: joins the scanned chunks of a document, in order, into exactly the mentions,
//! sentence indices, document record and co-occurrence counts of the whole text.
//!
//! - Offsets: each chunk knows its byte offset; code points and word tokens before it are
//!   summed chunk by chunk.
//! - Mentions: the gazetteer scan is greedy leftmost-longest, so a chunk's scan, started fresh
//!   at its first byte, agrees with the whole-text scan from the first word start that neither
//!   covers with a span. The earlier chunk's scan of its overlap stands in for the whole text:
//!   the sync point `p` is the first word start in the overlap that no span of either scan
//!   covers and after which both list the same mentions (dates included) up to where the
//!   earlier window stops being reliable. Mentions before `p` come from the earlier chunk,
//!   from `p` on from the later one. A text with no such point (pathological white space or
//!   marks) falls back to the first place no mention straddles, with a warning.
//! - Sentences: a chunk begins after white space, where the whole-text splitter also passes,
//!   so its sentence starts after its first byte are the whole text's; whether a sentence
//!   starts at its first byte is the earlier chunk's answer.
//! - Dates: the anaphora reference (`the same year`) at `p` is tracked from the mentions taken;
//!   a chunk that read a different reference before setting its own is scanned again from
//!   that state. The reading of ambiguous numeric dates is settled by the whole document: a
//!   chunk that settled it otherwise from its own text is scanned again (the file is read a
//!   second time to count; standard input cannot be, which gives a warning).
//! - Co-occurrence: each chunk's mentions go to `Accumulator::add_part`; only the document's
//!   distinct entities, open sentence and window tail are carried.

use super::{ChunkConfig, ChunkDoc, Scanned, Window};
use crate::cooccur::{Accumulator, CoocOptions, DocParts};
use crate::dates::{DateEvent, DateRef, PartStart};
use crate::gazetteer::Gazetteer;
use crate::pipeline::{settle_document, DocContext, Mention, Pipeline, Target};
use crate::record::{write_mentions_in, DocumentRecord};
use std::sync::Arc;

/// The mentions of one chunk, ready to be written (and the document record after the last).
#[derive(Debug)]
pub(crate) struct Emit {
    doc: Arc<ChunkDoc>,
    window: Window,
    base: usize,
    mentions: Vec<Mention>,
    /// The document record, with the document's last chunk.
    pub(crate) record: Option<DocumentRecord>,
    /// Input bytes, for progress.
    pub(crate) progress: u64,
}

impl Emit {
    /// The mention records, one JSON line each.
    pub(crate) fn format(&self, g: &Gazetteer) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.mentions.len() * 200);
        write_mentions_in(
            &mut out,
            &self.doc.id,
            &self.window,
            self.base,
            &self.mentions,
            g,
        );
        out
    }

    #[cfg(test)]
    /// The mentions, with offsets in the whole document.
    pub(crate) fn mentions(&self) -> &[Mention] {
        &self.mentions
    }
}

const ORDER_WARNING: &str = "ambiguous numeric dates (such as 03/04/2024)";

/// What the stitcher needs besides the chunks.
pub(crate) struct Context<'a> {
    /// The pipeline the chunks were scanned with.
    pub(crate) pipeline: &'a Pipeline,
    /// Co-occurrence settings.
    pub(crate) cooc: &'a CoocOptions,
}

/// Where a chunk stands in the whole document.
#[derive(Debug, Clone, Copy, Default)]
struct Frame {
    cp: usize,
    tok: usize,
    /// Sentence starts before the chunk.
    sent: usize,
    /// The chunk's local sentence start at 0 is not one of the whole text.
    artificial: bool,
}

/// What is kept of a chunk once its own part is written: its overlap, until the next chunk
/// says where the two join. Offsets are local to the chunk's window.
#[derive(Debug)]
struct Pending {
    /// Byte offset of the window in the document, and of the overlap in the window.
    start: usize,
    len: usize,
    window_len: usize,
    at_end: bool,
    /// The overlap text (`window[len..]`).
    overlap: Window,
    /// Mentions starting in the overlap, whether each is emitted, spans ending in it, and
    /// date events in it.
    mentions: Vec<Mention>,
    wanted: Vec<bool>,
    cover: Vec<(usize, usize)>,
    events: Vec<DateEvent>,
    frame: Frame,
    /// The frame of the next chunk.
    next: Frame,
    /// Mentions are taken from here on.
    from: usize,
    /// The end of the last mention taken.
    taken_end: usize,
}

#[derive(Debug)]
struct DocState {
    doc: Arc<ChunkDoc>,
    prev: Option<Pending>,
    sentences: usize,
    /// The current sentence has text.
    open: bool,
    chars: usize,
    mentions: usize,
    reference: DateRef,
    warnings: Vec<String>,
    cooc: DocParts,
    /// The document's short forms and acronyms so far.
    names: DocContext,
}

/// Joins scanned chunks in input order; see the module comment.
#[derive(Debug)]
pub(crate) struct Stitcher {
    cfg: ChunkConfig,
    doc: Option<DocState>,
}

impl Stitcher {
    /// A stitcher for chunks cut as `cfg` says.
    pub(crate) fn new(cfg: ChunkConfig) -> Self {
        Stitcher { cfg, doc: None }
    }

    /// No document is half done (a checkpoint may be taken).
    pub(crate) fn idle(&self) -> bool {
        self.doc.is_none()
    }

    /// Takes the next scanned chunk; pushes onto `out` what can be written now (the previous
    /// chunk's overlap mentions before the join, this chunk's own mentions, and the document
    /// record with its last chunk), adding those mentions to `acc`.
    pub(crate) fn push(
        &mut self,
        s: Scanned,
        cx: &Context,
        acc: &mut Accumulator,
        out: &mut Vec<Emit>,
    ) {
        let mut s = s;
        if s.chunk.index == 0 || self.doc.is_none() {
            if let Some(mut d) = self.doc.take() {
                // Chunks missing at the end of a document: write what there is.
                d.warnings
                    .push("the text ended before its last chunk was read".into());
                if let Some(a) = d.prev.take() {
                    let end = a.window_len;
                    let e = d.emit_overlap(a, end, cx, acc);
                    out.push(e);
                }
                out.push(d.finish(None, cx, acc));
            }
            self.doc = Some(DocState {
                doc: s.chunk.doc.clone(),
                prev: None,
                sentences: 0,
                open: false,
                chars: 0,
                mentions: 0,
                reference: DateRef::default(),
                warnings: Vec::new(),
                cooc: DocParts::default(),
                names: DocContext::new(),
            });
        }
        let Some(d) = self.doc.as_mut() else { return };
        if s.part.dates.settled.is_some()
            && s.chunk.doc.order_unknowable()
            && !d.warnings.iter().any(|w| w.starts_with(ORDER_WARNING))
        {
            // The whole text could not be read again to settle the order (see `scan`).
            d.warnings.push(format!(
                "{ORDER_WARNING} were read in the order the unambiguous ones of their own chunk suggest: the text cannot be read a second time to settle it for the whole document"
            ));
        }
        let frame = d.prev.as_ref().map(|a| a.next).unwrap_or_default();
        if frame.artificial {
            d.open |= s.segs.first;
        } else {
            d.sentences += usize::from(d.open);
            d.open = s.segs.first;
        }
        if s.segs.starts >= 2 {
            d.sentences += usize::from(d.open) + s.segs.mid;
            d.open = s.segs.last;
        }
        d.chars += s.part.chars;
        let from = match d.prev.take() {
            None => 0,
            Some(a) => {
                // The date reference where `s` may begin to be taken, so that its dates
                // compare with the earlier scan's; then again at the sync point.
                let x = a.from.saturating_sub(a.len);
                let at_x = reference_after(d.reference, &a, a.len + x);
                d.check_reference(&mut s, x, at_x, cx.pipeline);
                let (p, from) = d.sync(&a, &s, self.cfg);
                d.reference = reference_after(d.reference, &a, a.len + p);
                let upto = a.len + p;
                out.push(d.emit_overlap(a, upto, cx, acc));
                d.check_reference(&mut s, p, d.reference, cx.pipeline);
                from
            }
        };
        let last = s.chunk.end.is_some();
        let (emit, pending) = d.emit_own(s, frame, from, cx, acc);
        out.push(emit);
        if last {
            if let Some(d) = self.doc.take() {
                out.push(d.finish(pending.end, cx, acc));
            }
        } else {
            d.prev = Some(pending.pending);
        }
    }
}

/// What `emit_own` leaves: the overlap to keep, or the document's end.
struct Left {
    pending: Pending,
    end: Option<super::DocEnd>,
}

impl DocState {
    fn rescan(&self, s: &mut Scanned, p: &Pipeline, reference_at: Option<(usize, DateRef)>) {
        let start = PartStart {
            continues: s.chunk.index > 0,
            order: self.doc.known_order(),
            reference_at,
        };
        s.part = super::scan_part(p, &s.chunk.window, s.chunk.len, &start);
    }

    /// Scans `s` again from date reference `whole` at `p` (the whole text's there) when its
    /// own scan read another one after `p` before setting its own.
    fn check_reference(&self, s: &mut Scanned, p: usize, whole: DateRef, pipeline: &Pipeline) {
        let events = &s.part.dates.events;
        let mut own = DateRef::default();
        for e in events.iter().take_while(|e| e.at < p) {
            if let Some(r) = e.set {
                own = r;
            }
        }
        if own == whole {
            return;
        }
        for e in events.iter().filter(|e| e.at >= p) {
            if e.read {
                self.rescan(s, pipeline, Some((p, whole)));
                return;
            }
            if e.set.is_some() {
                return;
            }
        }
    }

    /// The sync point `p` of chunk `b` after `a` (local to `b`), and where `b`'s mentions are
    /// taken from (`p` unless the fallback had to skip a straddling mention).
    fn sync(&mut self, a: &Pending, b: &Scanned, cfg: ChunkConfig) -> (usize, usize) {
        let alen = a.len;
        let bw = &b.chunk.window;
        let margin = cfg.overlap / 2;
        let ov_a = a.window_len.saturating_sub(alen);
        let lim_a = if a.at_end {
            ov_a
        } else {
            ov_a.saturating_sub(margin)
        };
        let lim_b = if b.chunk.at_end {
            bw.len()
        } else {
            bw.len().saturating_sub(margin)
        };
        let limit = lim_a.min(lim_b);
        let floor = a.from.saturating_sub(alen);
        let (am, aw) = (&a.mentions, &a.wanted);
        let (bm, bwanted) = (&b.part.mentions, &b.part.wanted);
        let a_hi = am.partition_point(|m| m.byte_start < alen + limit);
        let b_hi = bm.partition_point(|m| m.byte_start < limit);
        // Both scans list the same mentions from some point on: where?
        let (mut i, mut j) = (a_hi, b_hi);
        while i > 0 && j > 0 {
            let same = match (am.get(i - 1), bm.get(j - 1)) {
                (Some(x), Some(y)) => {
                    same_mention(x, y, alen)
                        && aw.get(i - 1).copied() == bwanted.get(j - 1).copied()
                }
                _ => false,
            };
            if !same {
                break;
            }
            i -= 1;
            j -= 1;
        }
        let differ_end = am
            .get(..i)
            .unwrap_or_default()
            .iter()
            .map(|m| m.byte_end.saturating_sub(alen))
            .chain(bm.get(..j).unwrap_or_default().iter().map(|m| m.byte_end))
            .max()
            .unwrap_or(0);
        let local =
            |(s, e): (usize, usize), off: usize| (s as i64 - off as i64, e as i64 - off as i64);
        let mut cover: Vec<(i64, i64)> = a
            .cover
            .iter()
            .map(|&x| local(x, alen))
            .chain(b.part.cover.iter().map(|&x| local(x, 0)))
            .collect();
        cover.sort_unstable();
        let q0 = floor.max(differ_end);
        if let Some(p) = first_free(bw, q0, limit, &cover, true) {
            return (p, p);
        }
        // No sync point: take the first place no mention straddles, and say so.
        let taken = a.taken_end.saturating_sub(alen) as i64;
        let mut items: Vec<(i64, i64)> = am
            .iter()
            .map(|m| local((m.byte_start, m.byte_end), alen))
            .chain(bm.iter().map(|m| local((m.byte_start, m.byte_end), 0)))
            .chain(std::iter::once((i64::MIN, taken)))
            .collect();
        items.sort_unstable();
        let p = first_free(bw, q0, bw.len(), &items, false)
            .or_else(|| first_free(bw, floor, bw.len(), &items, false))
            .unwrap_or(floor);
        let taken_end = am
            .iter()
            .filter(|m| m.byte_start >= a.from && m.byte_start < alen + p)
            .map(|m| m.byte_end)
            .max()
            .unwrap_or(0)
            .max(a.taken_end)
            .saturating_sub(alen);
        self.warnings.push(format!(
            "chunks joined at byte {} without a point where their scans agree: mentions near it may differ from reading the text whole",
            b.chunk.start + p
        ));
        (p, p.max(taken_end))
    }

    /// Settles with the document so far (`text`: the window from local byte `at`), then
    /// counts and moves into the whole document the wanted mentions of a chunk at `base`.
    fn take(
        &mut self,
        mut local: Vec<Mention>,
        (text, at): (&str, usize),
        (base, frame): (usize, &Frame),
        cx: &Context,
        acc: &mut Accumulator,
    ) -> Vec<Mention> {
        let g = cx.pipeline.gazetteer();
        settle_document(&mut self.names, text, at, &mut local, g);
        local.retain(|m| cx.pipeline.wants(&m.target));
        let out: Vec<Mention> = local.iter().map(|m| globalize(m, base, frame)).collect();
        acc.add_part(&mut self.cooc, &out, g, cx.cooc);
        self.mentions += out.len();
        out
    }

    /// The mentions of the overlap of `a` from `a.from` up to `upto` (local).
    fn emit_overlap(
        &mut self,
        a: Pending,
        upto: usize,
        cx: &Context,
        acc: &mut Accumulator,
    ) -> Emit {
        let from = a.from;
        let picked = a
            .mentions
            .into_iter()
            .filter(|m| m.byte_start >= from && m.byte_start < upto);
        let (text, at) = ((&*a.overlap, a.len), (a.start, &a.frame));
        let mentions = self.take(picked.collect(), text, at, cx, acc);
        Emit {
            doc: self.doc.clone(),
            window: a.overlap,
            base: a.start + a.len,
            mentions,
            record: None,
            progress: 0,
        }
    }

    /// The mentions of `s` itself, from `from` (local) to its end (all of it for the last
    /// chunk), and what to keep of its overlap.
    fn emit_own(
        &mut self,
        s: Scanned,
        frame: Frame,
        from: usize,
        cx: &Context,
        acc: &mut Accumulator,
    ) -> (Emit, Left) {
        let Scanned { chunk, part, segs } = s;
        let len = chunk.len;
        let upto = if chunk.end.is_some() {
            chunk.window.len()
        } else {
            len
        };
        let mut own = Vec::new();
        let (mut mentions, mut wanted) = (Vec::new(), Vec::new());
        let mut taken_end = 0;
        for (m, w) in part.mentions.into_iter().zip(part.wanted) {
            if m.byte_start >= upto {
                mentions.push(m);
                wanted.push(w);
            } else if m.byte_start >= from {
                taken_end = taken_end.max(m.byte_end);
                own.push(m);
            }
        }
        for e in &part.dates.events {
            if e.at >= from && e.at < upto {
                if let Some(r) = e.set {
                    self.reference = r;
                }
            }
        }
        let keep_from = from.max(upto);
        let pending = Pending {
            start: chunk.start,
            len,
            window_len: chunk.window.len(),
            at_end: chunk.at_end,
            overlap: Window::plain(chunk.window.get(len..).unwrap_or_default().to_string()),
            mentions,
            wanted,
            cover: part.cover.into_iter().filter(|&(_, e)| e > len).collect(),
            events: part
                .dates
                .events
                .into_iter()
                .filter(|e| e.at >= keep_from)
                .collect(),
            frame,
            next: Frame {
                cp: frame.cp + part.chars,
                tok: frame.tok + part.tokens,
                sent: (frame.sent + segs.starts).saturating_sub(usize::from(frame.artificial)),
                artificial: !segs.at_len,
            },
            from,
            taken_end,
        };
        let mentions = self.take(own, (&*chunk.window, 0), (chunk.start, &frame), cx, acc);
        let emit = Emit {
            doc: chunk.doc,
            window: chunk.window,
            base: chunk.start,
            mentions,
            record: None,
            progress: chunk.progress,
        };
        (
            emit,
            Left {
                pending,
                end: chunk.end,
            },
        )
    }

    /// The document record (after its last mentions were taken).
    fn finish(mut self, end: Option<super::DocEnd>, cx: &Context, acc: &mut Accumulator) -> Emit {
        let end = end.unwrap_or_default();
        let mut warnings = end.warnings;
        warnings.append(&mut self.warnings);
        let record = DocumentRecord {
            doc: self.doc.id.clone(),
            source: self.doc.source.clone(),
            bytes: end.bytes,
            chars: self.chars,
            sentences: self.sentences + usize::from(self.open),
            mentions: self.mentions,
            warnings,
        };
        acc.end_parts(self.cooc, cx.pipeline.gazetteer(), cx.cooc);
        Emit {
            doc: self.doc,
            window: Window::default(),
            base: 0,
            mentions: Vec::new(),
            record: Some(record),
            progress: 0,
        }
    }
}

/// The date reference after the dates `a` gives from where its mentions are taken up to
/// `upto` (local), starting from `r`.
fn reference_after(mut r: DateRef, a: &Pending, upto: usize) -> DateRef {
    for e in &a.events {
        if e.at >= a.from && e.at < upto {
            if let Some(x) = e.set {
                r = x;
            }
        }
    }
    r
}

/// The first word start (or 0) at or after `from` (and before `to`) of `text` that no
/// interval of `cover` (sorted) strictly contains; any such char boundary when `!word`.
fn first_free(
    text: &str,
    from: usize,
    to: usize,
    cover: &[(i64, i64)],
    word: bool,
) -> Option<usize> {
    let mut from = from.min(text.len());
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = to.min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let mut prev = text.get(..from).and_then(|t| t.chars().next_back());
    let mut k = 0;
    let mut reach = i64::MIN;
    for (off, c) in text.get(from..to)?.char_indices() {
        let q = from + off;
        // The chunk's first byte (after white space, or inside a run of it) also counts.
        let at_word =
            !word || q == 0 || (prev.is_some_and(char::is_whitespace) && !c.is_whitespace());
        prev = Some(c);
        if !at_word {
            continue;
        }
        while let Some(&(s, e)) = cover.get(k) {
            if s >= q as i64 {
                break;
            }
            reach = reach.max(e);
            k += 1;
        }
        if reach <= q as i64 {
            return Some(q);
        }
    }
    None
}

/// The same mention in two scans (`x` at offset `off` of `y`'s text).
fn same_mention(x: &Mention, y: &Mention, off: usize) -> bool {
    x.byte_start == y.byte_start + off
        && x.byte_end == y.byte_end + off
        && x.origin == y.origin
        && match (&x.target, &y.target) {
            (Target::Entry(a), Target::Entry(b)) => a == b,
            (Target::Cue(a), Target::Cue(b)) => a == b,
            (Target::Date(a), Target::Date(b)) => {
                a.value == b.value
                    && a.start_date == b.start_date
                    && a.end_date == b.end_date
                    && a.relative == b.relative
            }
            _ => false,
        }
}

/// A mention of a chunk at byte `base`, with offsets, sentence and tokens of the whole text.
fn globalize(m: &Mention, base: usize, f: &Frame) -> Mention {
    let mut g = m.clone();
    g.byte_start += base;
    g.byte_end += base;
    g.start += f.cp;
    g.end += f.cp;
    g.token_start += f.tok;
    g.token_end += f.tok;
    g.sentence = (f.sent + m.sentence).saturating_sub(usize::from(f.artificial));
    if let Target::Date(d) = &mut g.target {
        d.start += base;
        d.end += base;
    }
    g
}
