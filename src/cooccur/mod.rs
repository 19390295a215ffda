//! Co-occurrence: entity and pair counts, kept numeric from the first document to the table
//! writer. Every entity has a [`Keys`] number (gazetteer entries their index, dates interned
//! after them, shared by all workers); each worker adds its documents into its own
//! [`Accumulator`], and the parts sum into [`Totals`], a monoid (`Default` + `+=`), so threads,
//! checkpoints and shards merge exactly and the tables do not depend on the thread count.
//!
//! Memory is bounded: a [`PairMap`] holds at most its threshold of distinct pairs and spills
//! the rest to sorted runs on disk (see [`spill`]), merged when the table is written. This
//! module does not write the tables (see `tables`).

mod accumulate;
mod pairs;
pub(crate) mod spill;

pub(crate) use accumulate::{Accumulator, DocParts};
pub(crate) use pairs::PairMap;

use crate::gazetteer::Gazetteer;
use crate::pipeline::{Processed, Target};
use rustc_hash::FxHashMap;
pub(crate) use spill::{PairRow, Run, Spiller, Streams};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Distinct pairs a map holds in memory before it spills to disk, unless set otherwise
/// (about 4 MiB of map per worker).
pub(crate) const DEFAULT_SPILL_PAIRS: usize = 100_000;

/// Which entity types enter the tables, and how they are counted.
#[derive(Debug, Clone, Default)]
pub struct CoocOptions {
    /// Types that enter the co-occurrence pairs (None: all).
    pub types: Option<HashSet<String>>,
    /// Count mention pairs within this many tokens (0: off).
    pub window: usize,
}

/// An entity as it appears in the tables.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct EntityInfo {
    /// Type.
    pub(crate) kind: String,
    /// Canonical name.
    pub(crate) name: String,
    /// Attribute values, one per attribute column of the gazetteer (empty for dates).
    pub(crate) attrs: Vec<String>,
}

/// Counts of one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct EntityCounts {
    /// Mentions.
    pub(crate) mentions: u64,
    /// Documents holding at least one mention.
    pub(crate) documents: u64,
}

/// Counts of one unordered pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PairCounts {
    /// Documents holding both.
    pub(crate) documents: u64,
    /// Sentences holding both.
    pub(crate) sentences: u64,
    /// Mention pairs within the token window.
    pub(crate) window: u64,
}

impl std::ops::AddAssign for PairCounts {
    fn add_assign(&mut self, o: Self) {
        self.documents += o.documents;
        self.sentences += o.sentences;
        self.window += o.window;
    }
}

impl std::ops::AddAssign for EntityCounts {
    fn add_assign(&mut self, o: Self) {
        self.mentions += o.mentions;
        self.documents += o.documents;
    }
}

/// Entity keys: gazetteer entries are `0..entries`; every other id (a date's `date:<value>`,
/// or any id in a merge) is interned after them on first use. Shared by all workers, so a key
/// means the same entity in every accumulator, run and checkpoint of a run.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    fixed: u32,
    extra: Mutex<Interner>,
}

#[derive(Debug, Default)]
struct Interner {
    index: FxHashMap<Box<str>, u32>,
    ids: Vec<Box<str>>,
}

impl Keys {
    /// Keys for a gazetteer of `fixed` entries.
    pub(crate) fn new(fixed: usize) -> Self {
        Keys {
            fixed: u32::try_from(fixed).unwrap_or(u32::MAX),
            extra: Mutex::default(),
        }
    }

    /// Number of fixed keys (gazetteer entries).
    pub(crate) fn fixed(&self) -> u32 {
        self.fixed
    }

    /// The key of `id`, an id outside the fixed range, interned on first use.
    pub(crate) fn intern(&self, id: &str) -> u32 {
        let mut x = self.extra.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&k) = x.index.get(id) {
            return k;
        }
        let k = self.fixed.saturating_add(x.ids.len() as u32);
        x.ids.push(id.into());
        x.index.insert(id.into(), k);
        k
    }

    /// The id of an interned key (None for fixed keys and unknown ones).
    pub(crate) fn interned(&self, key: u32) -> Option<String> {
        let i = key.checked_sub(self.fixed)? as usize;
        let x = self.extra.lock().unwrap_or_else(|e| e.into_inner());
        x.ids.get(i).map(|s| s.to_string())
    }

    /// Every interned id, in key order (what a checkpoint saves).
    pub(crate) fn interned_ids(&self) -> Vec<String> {
        let x = self.extra.lock().unwrap_or_else(|e| e.into_inner());
        x.ids.iter().map(|s| s.to_string()).collect()
    }

    /// Interns `ids` in order, so that they get the keys a checkpoint recorded; fails when
    /// keys were already given out.
    pub(crate) fn restore(&self, ids: Vec<String>) -> Result<(), String> {
        let mut x = self.extra.lock().unwrap_or_else(|e| e.into_inner());
        if !x.ids.is_empty() {
            return Err("keys were given out before the checkpoint was restored".into());
        }
        for id in ids {
            let k = self.fixed.saturating_add(x.ids.len() as u32);
            if x.index.insert(id.as_str().into(), k).is_some() {
                return Err(format!("id `{id}` listed twice"));
            }
            x.ids.push(id.into());
        }
        Ok(())
    }
}

/// The counts of documents (one, a worker's, a checkpoint's, or all), keyed by [`Keys`].
#[derive(Debug, Default)]
pub(crate) struct Totals {
    /// Documents counted.
    pub(crate) documents: u64,
    /// Entity key -> counts.
    pub(crate) entities: FxHashMap<u32, EntityCounts>,
    /// Pair counts.
    pub(crate) pairs: PairMap,
}

impl std::ops::AddAssign for Totals {
    fn add_assign(&mut self, o: Self) {
        self.documents += o.documents;
        if self.entities.is_empty() {
            self.entities = o.entities;
        } else {
            for (k, c) in o.entities {
                *self.entities.entry(k).or_default() += c;
            }
        }
        self.pairs.absorb(o.pairs);
    }
}

impl Totals {
    /// Empty totals that spill with `spiller` (None: all in memory).
    pub(crate) fn with_spill(spiller: Option<Spiller>) -> Self {
        Totals {
            pairs: PairMap::with_spill(spiller),
            ..Totals::default()
        }
    }

    /// Adds the counts of one pair.
    pub(crate) fn add_pair(&mut self, a: u32, b: u32, c: PairCounts) {
        self.pairs.add(a, b, c);
    }

    #[cfg(test)]
    /// Whether some pairs were spilled to disk.
    pub(crate) fn spilled(&self) -> bool {
        self.pairs.spilled()
    }
}

/// Normalised pointwise mutual information of two entities over `n` documents, from the
/// documents holding each (`da`, `db`) and both (`dab`): 1 when they always occur together,
/// 0 when independent (or undefined), towards -1 when they avoid each other.
pub(crate) fn npmi(n: u64, da: u64, db: u64, dab: u64) -> f64 {
    let (n, da, db, dab) = (n as f64, da as f64, db as f64, dab as f64);
    if n == 0.0 || da == 0.0 || db == 0.0 || dab == 0.0 {
        return 0.0;
    }
    let pab = dab / n;
    if pab >= 1.0 {
        return 1.0;
    }
    let pmi = (pab / ((da / n) * (db / n))).ln();
    pmi / -pab.ln()
}

/// What the tables say of one entity key: its id and description.
pub(crate) type Describe<'a> = dyn Fn(u32) -> Option<(String, EntityInfo)> + Sync + 'a;

/// The description of the keys of an extract run: gazetteer entries, then interned dates.
pub(crate) fn describe_key(g: &Gazetteer, keys: &Keys, k: u32) -> Option<(String, EntityInfo)> {
    if k < keys.fixed() {
        let e = g.entries.get(k as usize)?;
        let mut attrs = vec![String::new(); g.attribute_columns.len()];
        for (col, v) in &e.attrs {
            if let Some(slot) = attrs.get_mut(*col) {
                slot.clone_from(v);
            }
        }
        return Some((
            e.id.clone(),
            EntityInfo {
                kind: e.kind.clone(),
                name: e.name.clone(),
                attrs,
            },
        ));
    }
    let id = keys.interned(k)?;
    let name = id.strip_prefix("date:").unwrap_or(&id).to_string();
    Some((
        id,
        EntityInfo {
            kind: "DATE".into(),
            name,
            attrs: Vec::new(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_maps_sum_the_same_spilled_or_not() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spiller::new(dir.path(), 5);
        let mut mem = Totals::default();
        let mut sum = Totals::with_spill(Some(s.clone()));
        for part in 0..4u32 {
            let mut t = Totals::with_spill(Some(s.clone()));
            for i in 0..40u32 {
                let c = PairCounts {
                    documents: 1,
                    sentences: u64::from(i % 3),
                    window: u64::from(part),
                };
                let (a, b) = ((i * 7 + part) % 11, 20 + i % 13);
                t.add_pair(b, a, c);
                mem.add_pair(a, b, c);
            }
            sum += t;
        }
        assert!(sum.spilled());
        let rows = |t: Totals| -> Vec<PairRow> {
            t.pairs.into_rows().unwrap().0.map(Result::unwrap).collect()
        };
        let (m, d) = (rows(mem), rows(sum));
        assert!(!m.is_empty());
        assert_eq!(m, d);
        assert!(m.windows(2).all(|w| (w[0].a, w[0].b) < (w[1].a, w[1].b)));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_document_added_in_parts_counts_as_added_whole() {
        use crate::pipeline::{Mention, Processed};
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let (mut sentence, mut token) = (0, 0);
        let mentions: Vec<Mention> = (0..300)
            .map(|_| {
                sentence += usize::from(next(4) == 0);
                token += 1 + next(5) as usize;
                Mention {
                    byte_start: 0,
                    byte_end: 0,
                    start: 0,
                    end: 0,
                    sentence,
                    token_start: token,
                    token_end: token + 2,
                    target: Target::Entry(next(12) as u32),
                    origin: Default::default(),
                }
            })
            .collect();
        let g = Gazetteer::new();
        let opts = CoocOptions {
            window: 6,
            ..CoocOptions::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let rows = |t: Totals| -> (Vec<(u32, EntityCounts)>, Vec<PairRow>) {
            let mut e: Vec<_> = t.entities.iter().map(|(k, c)| (*k, *c)).collect();
            e.sort_unstable_by_key(|r| r.0);
            let p = t.pairs.into_rows().unwrap().0.map(Result::unwrap).collect();
            (e, p)
        };
        let keys = Arc::new(Keys::new(12));
        let mut whole = Accumulator::new(keys.clone(), None);
        let p = Processed {
            mentions: mentions.clone(),
            ..Processed::default()
        };
        whole.add(&p, &g, &opts);
        let want = rows(whole.take());
        // A low threshold: the document's pairs go straight to a run.
        let s = Spiller::new(dir.path(), 20);
        for cuts in [
            vec![0, 300],
            vec![0, 1, 2, 150, 151, 300],
            vec![0, 77, 78, 299, 300],
        ] {
            let mut acc = Accumulator::new(keys.clone(), Some(s.clone()));
            let mut doc = DocParts::default();
            for w in cuts.windows(2) {
                acc.add_part(&mut doc, &mentions[w[0]..w[1]], &g, &opts);
            }
            acc.end_parts(doc, &g, &opts);
            let mut t = Totals::with_spill(Some(s.clone()));
            t += acc.take();
            assert_eq!(rows(t), want, "{cuts:?}");
        }
    }

    #[test]
    fn keys_restore_in_order() {
        let k = Keys::new(10);
        assert_eq!(k.intern("date:2024"), 10);
        assert_eq!(k.intern("date:1999"), 11);
        assert_eq!(k.intern("date:2024"), 10);
        let again = Keys::new(10);
        again.restore(k.interned_ids()).unwrap();
        assert_eq!(again.intern("date:1999"), 11);
        assert_eq!(again.interned(10).as_deref(), Some("date:2024"));
        assert!(again.restore(vec!["x".into()]).is_err());
    }
}
