//! The finish of a run or a merge: the tables (`entities.tsv`, `cooccurrence.tsv`) written
//! from the totals while the streamed files are committed, then `manifest.json`, whose
//! commit makes the folder complete.

use crate::cooccur::{Describe, Totals};
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use crate::output::{OutDir, Writer};
use crate::tables::{write_cooccurrence, write_entities, EntityTable};

/// What the tables are made of.
pub(crate) struct Tables<'a> {
    /// The counts.
    pub(crate) totals: Totals,
    /// The id and description of each entity key.
    pub(crate) describe: &'a Describe<'a>,
    /// The attribute columns of `entities.tsv`.
    pub(crate) columns: &'a [String],
}

/// What the tables hold.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Finished {
    /// Entities with mentions or documents (rows of `entities.tsv`).
    pub(crate) entities: usize,
    /// Rows of `cooccurrence.tsv`.
    pub(crate) pairs: u64,
}

/// Writes the tables into `o` (on rayon's current pool: the table writers' parallel parts
/// use its threads) while `streamed` (the files written as documents were done) are
/// committed; then the manifest that `manifest` makes of what the tables hold.
pub(crate) fn finish(
    o: &OutDir,
    streamed: Vec<Writer>,
    tables: Tables,
    manifest: impl FnOnce(Finished) -> Manifest,
) -> Result<Finished> {
    let Tables {
        mut totals,
        describe,
        columns,
    } = tables;
    let (cooc, written) = std::thread::scope(|s| -> Result<_> {
        let committing = s.spawn(|| streamed.into_iter().try_for_each(|w| o.commit(w)));
        let table = EntityTable::new(&totals.entities, describe);
        let entities = table
            .rows
            .iter()
            .filter(|r| r.2.mentions > 0 || r.2.documents > 0)
            .count();
        let pairs = std::mem::take(&mut totals.pairs);
        // The entity table is written (and committed) beside the pair table.
        let (ent, pairs) = rayon::join(
            || -> Result<()> {
                let mut w = o.open("entities.tsv")?;
                write_entities(w.inner(), &table, columns).map_err(|e| Error::io(w.path(), e))?;
                o.commit(w)
            },
            || -> Result<(Writer, u64)> {
                let mut w = o.open("cooccurrence.tsv")?;
                let n = write_cooccurrence(w.inner(), &table, totals.documents, pairs)
                    .map_err(|e| Error::io(w.path(), e))?;
                Ok((w, n))
            },
        );
        ent?;
        let (cooc, pairs) = pairs?;
        committing
            .join()
            .map_err(|_| Error::Internal("the thread committing the records stopped".into()))??;
        Ok((cooc, Finished { entities, pairs }))
    })?;
    o.commit(cooc)?;
    let mut m = o.open("manifest.json")?;
    m.write_all(&manifest(written).to_bytes())?;
    o.commit(m)?;
    Ok(written)
}
