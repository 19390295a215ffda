//! The co-occurrence counting of a run: entity keys shared by every worker, one accumulator
//! per worker whose pair maps spill into the output folder, the totals a checkpoint saved, and
//! the drain of the accumulators at each checkpoint and at the end.

use super::finish::{finish, Finished, Tables};
use crate::checkpoint::Saved;
use crate::cooccur::{describe_key, Accumulator, CoocOptions, Keys, Run, Spiller, Totals};
use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::manifest::Manifest;
use crate::output::{OutDir, Writer};
use crate::pipeline::Processed;
use crate::tables::{write_cooccurrence, EntityTable};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// The counts of a run being made.
pub(super) struct Counting {
    /// Entity keys: gazetteer entries, then dates as they are met.
    pub(crate) keys: Arc<Keys>,
    /// Where pair maps spill.
    pub(crate) spiller: Spiller,
    /// One accumulator per worker thread.
    accs: Vec<Mutex<Accumulator>>,
}

impl Counting {
    /// Counting for a gazetteer of `entries` on `workers` threads; pair maps hold up to
    /// `spill_pairs` pairs before they spill to sorted runs in `dir` (the output folder; None:
    /// the system's temporary folder).
    pub(crate) fn new(
        entries: usize,
        workers: usize,
        dir: Option<&Path>,
        spill_pairs: usize,
    ) -> Self {
        let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let spiller = Spiller::new(&dir, spill_pairs);
        let keys = Arc::new(Keys::new(entries));
        let accs = (0..workers.max(1))
            .map(|_| Mutex::new(Accumulator::new(keys.clone(), Some(spiller.clone()))))
            .collect();
        Counting {
            keys,
            spiller,
            accs,
        }
    }

    /// The totals a checkpoint saved, as the start of this run's: their keys restored and
    /// their pair runs (in the output folder) adopted and kept until the next checkpoint.
    pub(crate) fn restore(&self, saved: Saved) -> Result<Totals> {
        let dir = self.spiller.dir();
        let bad = |m: String| {
            Error::Usage(format!(
                "{}: cannot resume from the checkpoint: {m}; start again with --force",
                dir.display()
            ))
        };
        let mut totals = Totals::with_spill(Some(self.spiller.clone()));
        self.keys.restore(saved.interned).map_err(bad)?;
        totals.documents = saved.documents;
        totals.entities.extend(saved.entities);
        for name in saved.runs {
            let mut run =
                Run::adopt(dir.join(&name)).map_err(|e| bad(format!("pair run {name}: {e}")))?;
            // The checkpoint on disk still lists it.
            run.keep(true);
            totals.pairs.runs_mut().push(run);
        }
        Ok(totals)
    }

    /// Adds a processed document to the accumulator of the calling worker.
    pub(crate) fn add(&self, p: &Processed, g: &Gazetteer, opts: &CoocOptions) -> Result<()> {
        let slot = rayon::current_thread_index().unwrap_or(0) % self.accs.len();
        self.lock(slot)?.add(p, g, opts);
        Ok(())
    }

    /// The first accumulator (the one the chunks of long texts are counted in).
    pub(crate) fn first(&self) -> Result<MutexGuard<'_, Accumulator>> {
        self.lock(0)
    }

    fn lock(&self, slot: usize) -> Result<MutexGuard<'_, Accumulator>> {
        let m = self
            .accs
            .get(slot)
            .ok_or_else(|| Error::Internal(format!("no accumulator {slot}")))?;
        m.lock().map_err(|_| poisoned())
    }

    /// Takes the counts out of the accumulators, leaving them empty (on rayon's current
    /// pool: each worker's pairs are sorted in parallel, then joined).
    pub(crate) fn drain(&self) -> Result<Totals> {
        use rayon::prelude::*;
        let parts: Vec<Totals> = self
            .accs
            .par_iter()
            .map(|m| {
                let mut t = m.lock().map_err(|_| poisoned())?.take();
                t.pairs.seal();
                Ok(t)
            })
            .collect::<Result<_>>()?;
        let mut t = Totals::with_spill(Some(self.spiller.clone()));
        for p in parts {
            t += p;
        }
        Ok(t)
    }
}

impl Counting {
    /// Writes the tables of `totals` (keys of gazetteer `g`) and the manifest into `o` (see
    /// [`finish`]).
    pub(crate) fn finish(
        &self,
        o: &OutDir,
        g: &Gazetteer,
        totals: Totals,
        streamed: Vec<Writer>,
        manifest: impl FnOnce(Finished) -> Manifest,
    ) -> Result<Finished> {
        let describe = |k: u32| describe_key(g, &self.keys, k);
        let tables = Tables {
            totals,
            describe: &describe,
            columns: &g.attribute_columns,
        };
        finish(o, streamed, tables, manifest)
    }

    /// What the tables of `totals` would hold (for a run with no output folder, whose tables
    /// are not written but still summed up).
    pub(crate) fn count(&self, g: &Gazetteer, mut totals: Totals) -> Result<Finished> {
        let describe = |k: u32| describe_key(g, &self.keys, k);
        let table = EntityTable::new(&totals.entities, &describe);
        let pairs = std::mem::take(&mut totals.pairs);
        let n = write_cooccurrence(std::io::sink(), &table, totals.documents, pairs)
            .map_err(|e| Error::io(self.spiller.dir(), e))?;
        Ok(Finished {
            entities: table.rows.len(),
            pairs: n,
        })
    }
}

/// A worker failed while it held an accumulator: its counts cannot be trusted.
fn poisoned() -> Error {
    Error::Internal(
        "a worker failed while adding to the co-occurrence counts, which cannot be trusted".into(),
    )
}
