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
pub mod spill;

pub use accumulate::{drain, Accumulator, DocParts};

use crate::gazetteer::Gazetteer;
use crate::pipeline::{Processed, Target};
use rustc_hash::FxHashMap;
use spill::Order;
pub use spill::{PairRow, Rows, Run, Spiller};
use std::collections::HashSet;
use std::io;
use std::sync::{Arc, Mutex};

/// Distinct pairs a map holds in memory before it spills to disk, unless set otherwise
/// (about 4 MiB of map per worker).
pub const DEFAULT_SPILL_PAIRS: usize = 100_000;

/// Which entity types enter the tables, and how they are counted.
#[derive(Debug, Clone)]
pub struct CoocOptions {
    /// Types that enter the co-occurrence pairs (None: all).
    pub types: Option<HashSet<String>>,
    /// Count mention pairs within this many tokens (0: off).
    pub window: usize,
    /// Distinct pairs held in memory (per worker, and in the totals) before they spill to
    /// sorted runs on disk.
    pub spill_pairs: usize,
}

impl Default for CoocOptions {
    fn default() -> Self {
        CoocOptions {
            types: None,
            window: 0,
            spill_pairs: DEFAULT_SPILL_PAIRS,
        }
    }
}

impl CoocOptions {
    /// The defaults, with `spill_pairs` taken from the `GAZEX_SPILL_PAIRS` environment
    /// variable when it holds a number (a knob for tests and small machines).
    pub fn from_env() -> Self {
        let spill_pairs = std::env::var("GAZEX_SPILL_PAIRS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(DEFAULT_SPILL_PAIRS);
        CoocOptions {
            spill_pairs,
            ..CoocOptions::default()
        }
    }
}

/// An entity as it appears in the tables.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntityInfo {
    /// Type.
    pub kind: String,
    /// Canonical name.
    pub name: String,
    /// Attribute values, one per attribute column of the gazetteer (empty for dates).
    pub attrs: Vec<String>,
}

/// Counts of one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntityCounts {
    /// Mentions.
    pub mentions: u64,
    /// Documents holding at least one mention.
    pub documents: u64,
}

/// Counts of one unordered pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PairCounts {
    /// Documents holding both.
    pub documents: u64,
    /// Sentences holding both.
    pub sentences: u64,
    /// Mention pairs within the token window.
    pub window: u64,
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
pub struct Keys {
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
    pub fn new(fixed: usize) -> Self {
        Keys {
            fixed: u32::try_from(fixed).unwrap_or(u32::MAX),
            extra: Mutex::default(),
        }
    }

    /// Number of fixed keys (gazetteer entries).
    pub fn fixed(&self) -> u32 {
        self.fixed
    }

    /// The key of `id`, an id outside the fixed range, interned on first use.
    pub fn intern(&self, id: &str) -> u32 {
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
    pub fn interned(&self, key: u32) -> Option<String> {
        let i = key.checked_sub(self.fixed)? as usize;
        let x = self.extra.lock().unwrap_or_else(|e| e.into_inner());
        x.ids.get(i).map(|s| s.to_string())
    }

    /// Every interned id, in key order (what a checkpoint saves).
    pub fn interned_ids(&self) -> Vec<String> {
        let x = self.extra.lock().unwrap_or_else(|e| e.into_inner());
        x.ids.iter().map(|s| s.to_string()).collect()
    }

    /// Interns `ids` in order, so that they get the keys a checkpoint recorded; fails when
    /// keys were already given out.
    pub fn restore(&self, ids: Vec<String>) -> Result<(), String> {
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

#[inline]
fn pack(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Pair counts keyed by entity keys: at most the spiller's threshold of distinct pairs in
/// memory, the rest in sorted runs on disk. Summing two maps moves runs and lists, never rows.
#[derive(Debug, Default)]
pub struct PairMap {
    map: FxHashMap<u64, PairCounts>,
    /// Sorted (by keys) lists taken from other maps.
    sorted: Vec<Vec<PairRow>>,
    runs: Vec<Run>,
    spiller: Option<Spiller>,
    error: Option<io::Error>,
}

impl PairMap {
    /// An empty map that spills with `spiller` (None: all in memory).
    pub fn with_spill(spiller: Option<Spiller>) -> Self {
        PairMap {
            spiller,
            ..PairMap::default()
        }
    }

    /// The counts of pair (`a`, `b`), `a` < `b`, created empty.
    #[inline]
    fn entry(&mut self, a: u32, b: u32) -> &mut PairCounts {
        self.map.entry(pack(a, b)).or_default()
    }

    /// Adds counts to the pair of `a` and `b` (in either order).
    pub fn add(&mut self, a: u32, b: u32, c: PairCounts) {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        *self.entry(a, b) += c;
        self.maybe_spill();
    }

    /// Rows held in memory.
    pub fn held(&self) -> usize {
        self.map.len() + self.sorted.iter().map(Vec::len).sum::<usize>()
    }

    /// Whether some pairs are on disk.
    pub fn spilled(&self) -> bool {
        !self.runs.is_empty()
    }

    /// The runs on disk.
    pub fn runs_mut(&mut self) -> &mut Vec<Run> {
        &mut self.runs
    }

    /// The file names of the runs on disk.
    pub fn run_names(&self) -> Vec<String> {
        self.runs.iter().map(Run::file_name).collect()
    }

    /// Spills when more rows than the threshold are held.
    pub fn maybe_spill(&mut self) {
        let over = self
            .spiller
            .as_ref()
            .is_some_and(|s| self.held() > s.threshold());
        if over && self.error.is_none() {
            if let Err(e) = self.spill() {
                self.error = Some(e);
            }
        }
    }

    fn map_rows(&mut self) -> Vec<PairRow> {
        let mut rows: Vec<PairRow> = self
            .map
            .drain()
            .map(|(k, c)| PairRow {
                a: (k >> 32) as u32,
                b: k as u32,
                c,
            })
            .collect();
        Order::Keys.sort(&mut rows);
        rows
    }

    /// Writes every row held in memory to one run (nothing when none is held).
    fn spill(&mut self) -> io::Result<()> {
        let Some(s) = self.spiller.clone() else {
            return Ok(());
        };
        if self.held() == 0 {
            return Ok(());
        }
        let mut mem = std::mem::take(&mut self.sorted);
        if !self.map.is_empty() {
            mem.push(self.map_rows());
        }
        let rows = spill::merge_runs(&s, Vec::new(), mem, Order::Keys)?;
        let run = s.write_stream(rows)?;
        self.runs.push(run);
        Ok(())
    }

    /// Moves everything held in memory to disk (for a checkpoint) and gives the first error
    /// met while spilling, if any.
    pub fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.spill()
    }

    /// Takes in the rows and runs of `o`. It does not spill: the rows were in memory already,
    /// and a checkpoint [flushes](PairMap::flush) them right after.
    pub fn absorb(&mut self, mut o: PairMap) {
        if self.error.is_none() {
            self.error = o.error.take();
        }
        self.runs.append(&mut o.runs);
        self.sorted.append(&mut o.sorted);
        if !o.map.is_empty() {
            if self.map.is_empty() && self.sorted.is_empty() {
                // The common case (one worker, or the first one): take the map as it is.
                std::mem::swap(&mut self.map, &mut o.map);
            } else {
                self.sorted.push(o.map_rows());
            }
        }
    }

    /// Turns the rows of the hash map into a sorted list (so that [`PairMap::absorb`] has no
    /// sorting left to do; maps can be sealed in parallel).
    pub fn seal(&mut self) {
        if !self.map.is_empty() {
            let rows = self.map_rows();
            self.sorted.push(rows);
        }
    }

    /// Every pair once, counts summed, with keys replaced by `rank` (pairs with an unranked
    /// key are left out; a < b), in [`Order::Table`]: the rows of `cooccurrence.tsv`. Pairs
    /// that all fit in memory are summed, ranked and sorted in parallel on rayon's current
    /// pool; otherwise they stream through sorted runs on disk.
    pub fn into_table(mut self, rank: &(dyn Fn(u32) -> Option<u32> + Sync)) -> io::Result<Rows> {
        use rayon::prelude::*;
        let ranked = |r: PairRow| -> Option<PairRow> {
            let (x, y) = (rank(r.a)?, rank(r.b)?);
            let (a, b) = if x < y { (x, y) } else { (y, x) };
            Some(PairRow { a, b, c: r.c })
        };
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.seal();
        let (runs, lists) = (
            std::mem::take(&mut self.runs),
            std::mem::take(&mut self.sorted),
        );
        if let (Some(s), false) = (&self.spiller, runs.is_empty()) {
            return spill::table_rows(s, runs, lists, rank);
        }
        // Each list is sorted by keys and holds a pair once: merging them sums the counts.
        let summed = lists.into_par_iter().reduce(Vec::new, merge_sum);
        let mut rows: Vec<PairRow> = summed.into_par_iter().filter_map(ranked).collect();
        rows.par_sort_unstable_by_key(|r| Order::Table.key(r));
        Ok(Box::new(rows.into_iter().map(Ok)))
    }

    /// Every pair once, counts summed, sorted by keys; fails when spilling failed.
    pub fn into_rows(mut self) -> io::Result<(Rows, Option<Spiller>)> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut mem = std::mem::take(&mut self.sorted);
        if !self.map.is_empty() {
            mem.push(self.map_rows());
        }
        let runs = std::mem::take(&mut self.runs);
        let spiller = self.spiller.clone();
        let rows = match &spiller {
            Some(s) => spill::merge_runs(s, runs, mem, Order::Keys)?,
            None => {
                let mut all: Vec<PairRow> = mem.into_iter().flatten().collect();
                Order::Keys.sort(&mut all);
                let mut out: Vec<PairRow> = Vec::with_capacity(all.len());
                for r in all {
                    match out.last_mut() {
                        Some(l) if l.a == r.a && l.b == r.b => l.c += r.c,
                        _ => out.push(r),
                    }
                }
                Box::new(out.into_iter().map(Ok))
            }
        };
        Ok((rows, spiller))
    }
}

/// Two lists sorted by keys, each holding a pair at most once, as one such list.
fn merge_sum(x: Vec<PairRow>, y: Vec<PairRow>) -> Vec<PairRow> {
    if x.is_empty() || y.is_empty() {
        return if x.is_empty() { y } else { x };
    }
    let mut out = Vec::with_capacity(x.len() + y.len());
    let (mut x, mut y) = (x.into_iter().peekable(), y.into_iter().peekable());
    while let (Some(p), Some(q)) = (x.peek(), y.peek()) {
        match Order::Keys.cmp(p, q) {
            std::cmp::Ordering::Less => out.extend(x.next()),
            std::cmp::Ordering::Greater => out.extend(y.next()),
            std::cmp::Ordering::Equal => {
                if let (Some(mut p), Some(q)) = (x.next(), y.next()) {
                    p.c += q.c;
                    out.push(p);
                }
            }
        }
    }
    out.extend(x);
    out.extend(y);
    out
}

/// The counts of documents (one, a worker's, a checkpoint's, or all), keyed by [`Keys`].
#[derive(Debug, Default)]
pub struct Totals {
    /// Documents counted.
    pub documents: u64,
    /// Entity key -> counts.
    pub entities: FxHashMap<u32, EntityCounts>,
    /// Pair counts.
    pub pairs: PairMap,
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
    pub fn with_spill(spiller: Option<Spiller>) -> Self {
        Totals {
            pairs: PairMap::with_spill(spiller),
            ..Totals::default()
        }
    }

    /// Adds the counts of one pair.
    pub fn add_pair(&mut self, a: u32, b: u32, c: PairCounts) {
        self.pairs.add(a, b, c);
    }

    /// Whether some pairs were spilled to disk.
    pub fn spilled(&self) -> bool {
        self.pairs.spilled()
    }
}

/// Normalised pointwise mutual information of two entities over `n` documents, from the
/// documents holding each (`da`, `db`) and both (`dab`): 1 when they always occur together,
/// 0 when independent (or undefined), towards -1 when they avoid each other.
pub fn npmi(n: u64, da: u64, db: u64, dab: u64) -> f64 {
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
pub type Describe<'a> = dyn Fn(u32) -> Option<(String, EntityInfo)> + 'a;

/// The description of the keys of an extract run: gazetteer entries, then interned dates.
pub fn describe_key(g: &Gazetteer, keys: &Keys, k: u32) -> Option<(String, EntityInfo)> {
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
