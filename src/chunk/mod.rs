//! Chunks: one long text document processed in parallel pieces with flat memory. The reader
//! thread reads a text longer than a chunk ([`ChunkConfig`], 1 MiB of text by default) as a
//! stream (`read`: decompressed, decoded incrementally by `decode`, split at white space,
//! preferably at a blank line or after a sentence end), and sends each chunk as a unit of
//! work with an overlap: the text after it, at least 4 times the longest name and 64 KiB.
//! Workers scan chunk + overlap with the ordinary pipeline ([`scan`]); the [`Stitcher`]
//! joins the results in order so that every record, the document record and the
//! co-occurrence counts are byte for byte those of the whole text read as one document
//! (`stitch` says how), and hands on each chunk's mentions as soon as the next chunk is in.
//!
//! This module owns the chunked path only: short texts and JSONL lines go through `document`
//! and `pipeline::Pipeline::process` as before, files and order are `run`'s, the input
//! listing `corpus`'s, and the counts `cooccur`'s (which it feeds part by part).

#![deny(clippy::indexing_slicing)]

mod part;
mod read;
mod stitch;
mod window;

pub(crate) use read::{open, open_file, Opened, TextStream};
pub(crate) use stitch::{Context, Stitcher};
pub(crate) use window::{Pool, Window};

use crate::dates::{DateOrder, PartStart};
use crate::pipeline::Pipeline;
use part::{scan_part, Part};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// How long texts are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChunkConfig {
    /// Bytes of text per chunk (a text longer than this is read in chunks).
    pub(crate) chunk_bytes: usize,
    /// Least bytes of text after a chunk that its window also holds.
    pub(crate) overlap: usize,
}

impl ChunkConfig {
    /// The default chunk: 1 MiB of text. Memory grows with it (a worker holds a window, its
    /// folded copy and its records, and one window per worker is read ahead): 1 MiB keeps a
    /// long text within the memory of a small corpus, at about 6 % more scanning (the
    /// overlaps) than 8 MiB chunks, which need some 40 MB more at `-j 2`.
    pub(crate) const DEFAULT_BYTES: usize = 1 << 20;

    /// Chunks of `chunk_bytes` (0: [`ChunkConfig::DEFAULT_BYTES`]) with an overlap of 4 times
    /// `longest_name` bytes, at least 64 KiB.
    pub(crate) fn new(chunk_bytes: usize, longest_name: usize) -> Self {
        ChunkConfig {
            chunk_bytes: if chunk_bytes > 0 {
                chunk_bytes
            } else {
                Self::DEFAULT_BYTES
            },
            overlap: longest_name.saturating_mul(4).max(64 << 10),
        }
    }
}

/// The document a chunk belongs to.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChunkDoc {
    /// Document id.
    pub(crate) id: String,
    /// Where it came from.
    pub(crate) source: String,
    /// The file, when it can be read a second time (not standard input).
    pub(crate) path: Option<PathBuf>,
    /// How it is read (set by [`open`]), to read it again.
    read: Option<(usize, ChunkConfig)>,
    /// The reading of ambiguous numeric dates of the whole text, once a chunk needed it
    /// (None inside: the text cannot be read again).
    order: OnceLock<Option<DateOrder>>,
}

impl ChunkDoc {
    /// The document `id` from `source`, which is the file `path` if it can be read again.
    pub(crate) fn new(id: String, source: String, path: Option<PathBuf>) -> Self {
        ChunkDoc {
            id,
            source,
            path,
            ..ChunkDoc::default()
        }
    }

    /// The order of ambiguous numeric dates that the whole text settles, read again and
    /// counted the first time a chunk asks (by one worker; others wait for it).
    fn whole_order(&self, pipeline: &Pipeline) -> Option<DateOrder> {
        *self.order.get_or_init(|| {
            let (path, (max, cfg)) = (self.path.as_deref()?, self.read?);
            let mut votes = (0, 0);
            let ok = read::each_piece(path, max, cfg, |t| {
                let v = part::order_votes(pipeline, t);
                votes = (votes.0 + v.0, votes.1 + v.1);
            });
            ok.then(|| part::settle_order(pipeline, votes))
        })
    }

    /// The order of the whole text, if already known.
    fn known_order(&self) -> Option<DateOrder> {
        self.order.get().copied().flatten()
    }

    /// A chunk needed the order of the whole text, which could not be read again.
    fn order_unknowable(&self) -> bool {
        self.order.get() == Some(&None)
    }
}

/// What is known of a chunked document once it has been read to its end.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocEnd {
    /// Bytes read (before decoding), as in the document record.
    pub(crate) bytes: u64,
    /// Reading and decoding warnings, in the order `document` gives them.
    pub(crate) warnings: Vec<String>,
}

/// One chunk of a long text document and the text after it.
#[derive(Debug, Clone)]
pub(crate) struct Chunk {
    /// The document.
    pub(crate) doc: Arc<ChunkDoc>,
    /// 0-based position among the document's chunks.
    pub(crate) index: usize,
    /// Byte offset of the window in the document's text.
    pub(crate) start: usize,
    /// The chunk followed by its overlap.
    pub(crate) window: Window,
    /// Bytes of the chunk proper (`window[..len]`).
    pub(crate) len: usize,
    /// The window reaches the end of the document.
    pub(crate) at_end: bool,
    /// For the last chunk: the document's size and warnings.
    pub(crate) end: Option<DocEnd>,
    /// Input bytes read since the previous chunk (for progress).
    pub(crate) progress: u64,
}

/// Sentence starts of a chunk proper, summarised for joining.
#[derive(Debug, Clone, Copy, Default)]
struct Segs {
    /// Local sentence starts before `len` (the first is always 0).
    starts: usize,
    /// The sentence at 0 has text before the next start or `len`.
    first: bool,
    /// Sentences with text strictly between the first and the last.
    mid: usize,
    /// The last sentence starting before `len` has text before `len`.
    last: bool,
    /// A sentence starts exactly at `len` (where the next chunk begins).
    at_len: bool,
}

impl Segs {
    fn of(part: &Part, text: &str, len: usize) -> Self {
        let all = part.sentences.starts();
        let n = all.partition_point(|&s| s < len).max(1);
        let starts = all.get(..n).unwrap_or(&[0]);
        let has = |k: usize| {
            let a = starts.get(k).copied().unwrap_or(0);
            let b = starts.get(k + 1).copied().unwrap_or(len);
            text.get(a..b).is_some_and(|t| !t.trim().is_empty())
        };
        Segs {
            starts: n,
            first: has(0),
            mid: (1..n.saturating_sub(1)).filter(|&k| has(k)).count(),
            last: has(n - 1),
            at_len: len > 0 && all.binary_search(&len).is_ok(),
        }
    }
}

/// A chunk scanned by a worker.
#[derive(Debug)]
pub(crate) struct Scanned {
    chunk: Chunk,
    part: Part,
    segs: Segs,
}

impl Scanned {}

/// Scans a chunk and its overlap (in a worker thread). A chunk with ambiguous numeric dates
/// reads them in the order of the whole text (scanned again if it settled another).
pub(crate) fn scan(pipeline: &Pipeline, chunk: Chunk) -> Scanned {
    let mut start = PartStart {
        continues: chunk.index > 0,
        order: chunk.doc.known_order(),
        ..PartStart::default()
    };
    let mut part = scan_part(pipeline, &chunk.window, chunk.len, &start);
    if let Some(own) = part.dates.settled {
        if let Some(whole) = chunk.doc.whole_order(pipeline).filter(|&o| o != own) {
            start.order = Some(whole);
            part = scan_part(pipeline, &chunk.window, chunk.len, &start);
        }
    }
    let segs = Segs::of(&part, &chunk.window, chunk.len);
    Scanned { chunk, part, segs }
}

#[cfg(test)]
mod tests;
