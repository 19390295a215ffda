//! The co-occurrence counts of a library caller's documents: each document's part
//! ([`Processed::cooccurrence`]) summed with `+=`, then written as the two tables of an
//! output folder. The counting is `extract`'s (`cooccur`), all in memory.

use super::{write_cooccurrence, write_entities, EntityTable};
use crate::cooccur::{describe_key, Accumulator, CoocOptions, Keys, Totals};
use crate::pipeline::{Pipeline, Processed};
use std::io::Write;
use std::sync::Arc;

/// Co-occurrence counts: entity mentions and documents, and for each pair of entities the
/// documents and sentences that hold both and their mentions within the token window, as in
/// `entities.tsv` and `cooccurrence.tsv`. A document's part comes from
/// [`Processed::cooccurrence`]; parts add up with `+=` in any order and grouping; the
/// default is the counts of no document.
///
/// Everything is held in memory: for collections whose pairs outgrow it, `gazex extract`
/// counts the same way and spills to disk.
#[derive(Debug, Default)]
pub struct Cooccurrence {
    /// The keys the counts are under (None before the first document).
    keys: Option<Arc<Keys>>,
    totals: Totals,
}

impl Processed {
    /// This document's part of the co-occurrence counts, for the entity types `opts` lets
    /// into the pairs (and its token window, which needs a pipeline built with
    /// [`tokens(true)`](crate::PipelineBuilder::tokens)).
    pub fn cooccurrence(&self, pipeline: &Pipeline, opts: &CoocOptions) -> Cooccurrence {
        let g = pipeline.gazetteer();
        let keys = Arc::new(Keys::new(g.entries.len()));
        let mut acc = Accumulator::new(keys.clone(), None);
        acc.add(self, g, opts);
        Cooccurrence {
            keys: Some(keys),
            totals: acc.take(),
        }
    }
}

impl std::ops::AddAssign for Cooccurrence {
    fn add_assign(&mut self, other: Cooccurrence) {
        let Some(theirs) = other.keys else { return };
        let ours = self.keys.get_or_insert_with(|| theirs.clone()).clone();
        if Arc::ptr_eq(&ours, &theirs) {
            self.totals += other.totals;
            return;
        }
        // Dates are keyed in the order each part met them: key them as these counts do.
        let key = |k: u32| match theirs.interned(k) {
            Some(id) => ours.intern(&id),
            None => k,
        };
        let t = other.totals;
        self.totals.documents += t.documents;
        for (k, c) in t.entities {
            *self.totals.entities.entry(key(k)).or_default() += c;
        }
        for r in t.pairs.into_held().unwrap_or_default() {
            self.totals.add_pair(key(r.a), key(r.b), r.c);
        }
    }
}

impl Cooccurrence {
    /// Documents counted.
    pub fn documents(&self) -> u64 {
        self.totals.documents
    }

    /// Writes `entities.tsv` into `entities` and `cooccurrence.tsv` into `pairs`, as
    /// `gazex extract` writes them (`pipeline` names and describes the entities: the one the
    /// documents were processed with).
    pub fn write_tables(
        self,
        pipeline: &Pipeline,
        entities: impl Write,
        pairs: impl Write + Send,
    ) -> std::io::Result<()> {
        let g = pipeline.gazetteer();
        let keys = self
            .keys
            .unwrap_or_else(|| Arc::new(Keys::new(g.entries.len())));
        let describe = |k: u32| describe_key(g, &keys, k);
        let table = EntityTable::new(&self.totals.entities, &describe);
        write_entities(entities, &table, &g.attribute_columns)?;
        write_cooccurrence(pairs, &table, self.totals.documents, self.totals.pairs)?;
        Ok(())
    }
}
