//! Configuration of an `extract` run: what to read and where to write ([`ExtractConfig`]),
//! the run's tuning ([`Tuning`]: batch size, checkpoint gap, spill threshold, chunk size),
//! and what a run did ([`Summary`]). It sits below the modules that drive a run (`run`), own
//! its output folder (`output`) and take it up again (`resume`), which all read it; it reads
//! no environment (the command line turns its knobs into a [`Tuning`]).

use crate::checkpoint::Counters;
use crate::chunk::ChunkConfig;
use crate::cooccur::{CoocOptions, DEFAULT_SPILL_PAIRS};
use crate::corpus::InputFormat;
use crate::document::ReadOptions;
use crate::error::{Error, Result};
use std::path::PathBuf;
use std::time::Duration;

/// Everything an extract run needs besides the pipeline.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExtractConfig {
    /// Files, folders, or `-`.
    pub(crate) inputs: Vec<PathBuf>,
    /// Output folder (None: no folder, with `stdout`).
    pub(crate) out: Option<PathBuf>,
    /// How files are read.
    pub(crate) format: InputFormat,
    /// Reading limits and JSONL fields.
    pub(crate) read: ReadOptions,
    /// Follow symbolic links while walking folders.
    pub(crate) follow: bool,
    /// Overwrite a non-empty output folder.
    pub(crate) force: bool,
    /// Continue an interrupted run in the output folder.
    pub(crate) resume: bool,
    /// Stream mention records to standard output instead of `entities.jsonl`.
    pub(crate) stdout: bool,
    /// Worker threads (0: all cores).
    pub(crate) threads: usize,
    /// Co-occurrence settings.
    pub(crate) cooc: CoocOptions,
    /// The options as given, recorded in the manifest.
    pub(crate) options: serde_json::Value,
    /// Sizes and intervals that change how the run goes, never what it writes.
    pub(crate) tuning: Tuning,
}

impl ExtractConfig {
    /// Refuses flags that contradict each other (a usage error).
    pub(crate) fn check(&self) -> Result<()> {
        if self.resume && self.stdout {
            return Err(Error::Usage(
                "--resume cannot continue a --stdout run (standard output cannot be rewound)"
                    .into(),
            ));
        }
        if self.resume && self.force {
            return Err(Error::Usage(
                "--resume and --force contradict each other: pick one".into(),
            ));
        }
        Ok(())
    }
}

/// The run's tuning: how much work goes at once, how often a checkpoint is taken, when pair
/// counts spill to disk, how long texts are cut. The outputs do not depend on any of it (the
/// tests set small values to reach every path with small inputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tuning {
    /// Documents per batch of the reader, the most a checkpoint waits for.
    pub(crate) batch_docs: usize,
    /// A fixed time between checkpoints (zero: after every batch); None: adaptive, at least
    /// [`Tuning::CHECKPOINT_MIN`] apart and [`Tuning::CHECKPOINT_SPACING`] times their cost.
    pub(crate) checkpoint_every: Option<Duration>,
    /// Distinct pairs held in memory (per worker, and in the totals) before they spill to
    /// sorted runs on disk.
    pub(crate) spill_pairs: usize,
    /// Bytes of text per chunk: a longer text is read in chunks scanned in parallel.
    pub(crate) chunk_bytes: usize,
}

impl Tuning {
    /// Documents per batch, unless set otherwise.
    pub(crate) const BATCH_DOCS: usize = 512;
    /// Bytes of text per batch of the reader; about two batches are in flight at once.
    pub(crate) const BATCH_BYTES: u64 = 4 << 20;
    /// Shortest time between two adaptive checkpoints.
    pub(crate) const CHECKPOINT_MIN: Duration = Duration::from_secs(5);
    /// Adaptive checkpoints are spaced at least this many times their own cost apart.
    pub(crate) const CHECKPOINT_SPACING: u32 = 30;
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            batch_docs: Self::BATCH_DOCS,
            checkpoint_every: None,
            spill_pairs: DEFAULT_SPILL_PAIRS,
            chunk_bytes: ChunkConfig::DEFAULT_BYTES,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Summary {
    /// Documents read (including skipped ones).
    pub(crate) documents: u64,
    /// Mentions written.
    pub(crate) mentions: u64,
    /// Documents with warnings.
    pub(crate) warned_documents: u64,
    /// Warnings in all.
    pub(crate) warnings: u64,
    /// Input bytes.
    pub(crate) bytes: u64,
    /// Distinct entities.
    pub(crate) entities: usize,
    /// Distinct pairs.
    pub(crate) pairs: usize,
    /// Seconds of the whole run.
    pub(crate) seconds: f64,
    /// The first warnings (document id, warning), at most 1000.
    pub(crate) first_warnings: Vec<(String, String)>,
    /// Seconds from the start of the run until every document was processed.
    pub(crate) documents_seconds: f64,
    /// Seconds spent writing the tables after that.
    pub(crate) tables_seconds: f64,
    /// With `--resume`: documents taken from the checkpoint instead of being processed again.
    pub(crate) resumed_documents: u64,
    /// With `--resume`: input bytes of the documents taken from the checkpoint.
    pub(crate) resumed_bytes: u64,
    /// With `--resume`: the folder already held a complete run; nothing was done.
    pub(crate) already_complete: bool,
}

impl Summary {
    /// The summary of the documents a checkpoint counted.
    pub(crate) fn from_counters(c: Counters) -> Self {
        Summary {
            documents: c.documents,
            mentions: c.mentions,
            warned_documents: c.warned_documents,
            warnings: c.warnings,
            bytes: c.bytes,
            first_warnings: c.first_warnings,
            ..Summary::default()
        }
    }

    /// The counters a checkpoint keeps.
    pub(crate) fn counters(&self) -> Counters {
        Counters {
            documents: self.documents,
            mentions: self.mentions,
            warned_documents: self.warned_documents,
            warnings: self.warnings,
            bytes: self.bytes,
            first_warnings: self.first_warnings.clone(),
        }
    }
}
