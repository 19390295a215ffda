//! The reader: one thread that lists the units of work (documents, and chunks of long
//! texts: see `corpus` and `chunk`) and hands them to the scheduler in batches, read ahead
//! of the workers.

use super::flow::Flight;
use crate::chunk::{self, ChunkConfig};
use crate::config::{ExtractConfig, Tuning};
use crate::corpus::{Entry, Unit, Units};
use std::sync::mpsc::SyncSender;

/// A batch of units, each with its size in bytes.
pub(super) type Batch = Vec<(Unit, u64)>;

/// The units of a run and how they are batched.
pub(super) struct Reader {
    units: Units,
    /// Most documents in a batch.
    docs: usize,
    /// Most chunks in a batch: one per worker.
    chunks: usize,
    /// Most bytes in a batch of chunks.
    chunk_bytes: u64,
}

impl Reader {
    /// The units of `entries` after the first `skip` (done before a resume), texts longer
    /// than `chunking` says read in chunks, for `workers` workers.
    pub(crate) fn new(
        entries: Vec<Entry>,
        cfg: &ExtractConfig,
        chunking: ChunkConfig,
        workers: usize,
        skip: u64,
    ) -> Self {
        let workers = workers.max(1);
        // Batches of chunks hold one chunk per worker. Windows alive at once: the batch being
        // settled, the one scanned meanwhile, one read ahead, and the window the stitcher
        // keeps for the overlap (fewer would deadlock: the next batch could never be read).
        let windows = chunk::Pool::new(3 * workers + 1);
        let units = Units::new(entries, cfg.format, cfg.read.clone())
            .chunked(chunking, windows)
            .skipping(usize::try_from(skip).unwrap_or(usize::MAX));
        Reader {
            units,
            docs: cfg.tuning.batch_docs.max(1),
            chunks: workers,
            chunk_bytes: (Tuning::BATCH_BYTES as usize)
                .max(workers.saturating_mul(chunking.chunk_bytes)) as u64,
        }
    }

    /// The units between the reader and the writer: about two batches (one scanned, one
    /// written).
    pub(crate) fn flight(&self) -> Flight {
        Flight::new(
            self.docs.saturating_mul(2),
            self.chunk_bytes.saturating_mul(2),
        )
    }

    /// Sends the units in batches until there are no more or the receiver is gone. A batch
    /// ends at `docs` units, or at [`Tuning::BATCH_BYTES`] (once it holds a chunk: at one
    /// chunk per worker or `chunk_bytes`).
    pub(crate) fn run(self, tx: SyncSender<Batch>) {
        let mut batch = Vec::new();
        let mut size = 0;
        let mut chunks = 0;
        for u in self.units {
            let hint = u.size_hint();
            size += hint;
            chunks += usize::from(matches!(u, Unit::Chunk(_)));
            batch.push((u, hint));
            let full = if chunks > 0 {
                chunks >= self.chunks || size >= self.chunk_bytes
            } else {
                size >= Tuning::BATCH_BYTES
            };
            if batch.len() >= self.docs || full {
                if tx.send(std::mem::take(&mut batch)).is_err() {
                    return;
                }
                size = 0;
                chunks = 0;
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(batch);
        }
    }
}
