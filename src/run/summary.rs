//! The summary of a run: its counts (kept in checkpoints) and timings (in the manifest).

use crate::checkpoint::Counters;
use crate::cooccur::{describe_key, Keys, Totals};
use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::tables::{write_cooccurrence, EntityTable};

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Documents read (including skipped ones).
    pub documents: u64,
    /// Mentions written.
    pub mentions: u64,
    /// Documents with warnings.
    pub warned_documents: u64,
    /// Warnings in all.
    pub warnings: u64,
    /// Input bytes.
    pub bytes: u64,
    /// Distinct entities.
    pub entities: usize,
    /// Distinct pairs.
    pub pairs: usize,
    /// Seconds of the whole run.
    pub seconds: f64,
    /// The first warnings (document id, warning), at most 1000.
    pub first_warnings: Vec<(String, String)>,
    /// Seconds from the start of the run until every document was processed.
    pub documents_seconds: f64,
    /// Seconds spent writing the tables after that.
    pub tables_seconds: f64,
    /// With `--resume`: documents taken from the checkpoint instead of being processed again.
    pub resumed_documents: u64,
    /// With `--resume`: input bytes of the documents taken from the checkpoint.
    pub resumed_bytes: u64,
    /// With `--resume`: the folder already held a complete run; nothing was done.
    pub already_complete: bool,
}

impl Summary {
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

    pub(super) fn counters(&self) -> Counters {
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

/// The distinct entities and pairs of `totals` (for a run with no output folder, whose tables
/// are not written but still summed up).
pub(super) fn count_tables(
    g: &Gazetteer,
    keys: &Keys,
    mut totals: Totals,
) -> Result<(usize, usize)> {
    let describe = |k: u32| describe_key(g, keys, k);
    let table = EntityTable::new(&totals.entities, &describe);
    let pairs = std::mem::take(&mut totals.pairs);
    let n = write_cooccurrence(std::io::sink(), &table, totals.documents, pairs)
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    Ok((table.len(), usize::try_from(n).unwrap_or(usize::MAX)))
}
