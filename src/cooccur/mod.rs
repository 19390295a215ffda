//! Co-occurrence: entity and pair counts. Each worker adds its documents into its own
//! [`Accumulator`] (numeric keys, no strings on the hot path); at the end the accumulators
//! become string-keyed [`Totals`], which are a monoid (`Default` + `+=`), so threads and shards
//! merge exactly and the tables do not depend on the thread count.
//!
//! Memory is bounded by distinct pairs: with a [`Spiller`], a pair map that grows past the
//! threshold is written to disk as a sorted run, and [`Totals::into_pairs`] merges the runs at
//! the end (see [`spill`]). This module does not write the tables (see `tables`).

pub mod spill;

use crate::gazetteer::Gazetteer;
use crate::pipeline::{Processed, Target};
use rustc_hash::FxHashMap;
use spill::{Order, Rows, Run};
pub use spill::{PairRow, Spiller};
use std::collections::{BTreeMap, HashSet};
use std::io;

/// Distinct pairs a map may hold before it spills to disk, unless set otherwise.
pub const DEFAULT_SPILL_PAIRS: usize = 4_000_000;

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

/// The counts of one document (or of many, once summed). Pairs live in `pairs` and, once a
/// [`Spiller`] made them spill, in sorted runs on disk; [`Totals::into_pairs`] gives them all.
#[derive(Debug, Default)]
pub struct Totals {
    /// Documents counted.
    pub documents: u64,
    /// Entity id -> info and counts.
    pub entities: BTreeMap<String, (EntityInfo, EntityCounts)>,
    /// (source id, target id) with source < target -> counts (those still in memory).
    pub pairs: FxHashMap<(String, String), PairCounts>,
    spiller: Option<Spiller>,
    runs: Vec<Run>,
    error: Option<io::Error>,
}

impl std::ops::AddAssign for Totals {
    fn add_assign(&mut self, o: Self) {
        self.documents += o.documents;
        for (id, (info, c)) in o.entities {
            let e = self
                .entities
                .entry(id)
                .or_insert_with(|| (info, EntityCounts::default()));
            e.1 += c;
        }
        if self.pairs.is_empty() {
            // The common case (one worker, or the first one): take the map as it is.
            self.pairs = o.pairs;
        } else {
            self.pairs.reserve(o.pairs.len());
            for (k, c) in o.pairs {
                *self.pairs.entry(k).or_default() += c;
            }
        }
        self.runs.extend(o.runs);
        if self.error.is_none() {
            self.error = o.error;
        }
        self.maybe_spill();
    }
}

impl Totals {
    /// Empty totals that spill with `spiller` (None: all in memory).
    pub fn with_spill(spiller: Option<Spiller>) -> Self {
        Totals {
            spiller,
            ..Totals::default()
        }
    }

    /// Adds the counts of one pair (`a` < `b`).
    pub fn add_pair(&mut self, a: String, b: String, c: PairCounts) {
        *self.pairs.entry((a, b)).or_default() += c;
        self.maybe_spill();
    }

    /// Whether some pairs were spilled to disk.
    pub fn spilled(&self) -> bool {
        !self.runs.is_empty()
    }

    fn maybe_spill(&mut self) {
        let Some(s) = &self.spiller else { return };
        if self.pairs.len() <= s.threshold() || self.error.is_some() {
            return;
        }
        let rows = drain_rows(&mut self.pairs);
        match s.write_sorted(rows, Order::Ids) {
            Ok(run) => self.runs.push(run),
            Err(e) => self.error = Some(e),
        }
    }

    /// Every pair once, summed, in the order of `cooccurrence.tsv` (documents descending,
    /// then ids), merging what was spilled. Takes the pairs out of the totals (entities and
    /// documents stay for npmi). Fails when spilling failed or a run cannot be read.
    pub fn into_pairs(&mut self) -> io::Result<Box<dyn Iterator<Item = io::Result<PairRow>>>> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let rows = drain_rows(&mut self.pairs);
        let runs = std::mem::take(&mut self.runs);
        match &self.spiller {
            Some(s) if !runs.is_empty() => {
                let by_ids: Rows = spill::merge_runs(s, runs, rows, Order::Ids)?;
                spill::by_documents(s, by_ids)
            }
            _ => {
                // Table order without string comparisons: the entities are sorted by id, so
                // their positions rank the ids.
                let rank: FxHashMap<&str, u32> = self
                    .entities
                    .keys()
                    .enumerate()
                    .map(|(i, id)| (id.as_str(), i as u32))
                    .collect();
                let r = |id: &str| rank.get(id).copied().unwrap_or(u32::MAX);
                let mut keyed: Vec<(u64, u32, u32, PairRow)> = rows
                    .into_iter()
                    .map(|row| (u64::MAX - row.c.documents, r(&row.a), r(&row.b), row))
                    .collect();
                keyed.sort_unstable_by(|x, y| {
                    (x.0, x.1, x.2)
                        .cmp(&(y.0, y.1, y.2))
                        .then_with(|| Order::Documents.cmp(&x.3, &y.3))
                });
                Ok(Box::new(keyed.into_iter().map(|k| Ok(k.3))))
            }
        }
    }

    /// Normalised PMI of a pair over documents, from the final totals.
    pub fn npmi(&self, pair: &PairCounts, a: &str, b: &str) -> f64 {
        let da = self.entities.get(a).map_or(0, |e| e.1.documents);
        let db = self.entities.get(b).map_or(0, |e| e.1.documents);
        npmi(self.documents, da, db, pair.documents)
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

fn drain_rows(pairs: &mut FxHashMap<(String, String), PairCounts>) -> Vec<PairRow> {
    pairs
        .drain()
        .map(|((a, b), c)| PairRow { a, b, c })
        .collect()
}

/// Counts of the documents one worker processed, keyed by numbers: gazetteer entries are
/// their index, dates `entries + n` for the n-th distinct date value this worker met.
#[derive(Debug, Default)]
pub struct Accumulator {
    entries: u32,
    date_index: FxHashMap<Box<str>, u32>,
    dates: Vec<Box<str>>,
    documents: u64,
    entities: FxHashMap<u32, EntityCounts>,
    pairs: FxHashMap<(u32, u32), PairCounts>,
    spiller: Option<Spiller>,
    runs: Vec<Run>,
    error: Option<io::Error>,
    // scratch
    keys: Vec<u32>,
    in_pairs: Vec<bool>,
}

impl Accumulator {
    /// An empty accumulator for a gazetteer of `entries` rows.
    pub fn new(entries: usize) -> Self {
        Accumulator {
            entries: entries as u32,
            ..Accumulator::default()
        }
    }

    /// Spills this accumulator's pairs with `spiller` when they grow past its threshold.
    pub fn with_spill(mut self, spiller: Option<Spiller>) -> Self {
        self.spiller = spiller;
        self
    }

    fn key(&mut self, t: &Target) -> u32 {
        match t {
            Target::Entry(i) => *i,
            Target::Date(d) => {
                if let Some(&k) = self.date_index.get(d.value.as_str()) {
                    return k;
                }
                let k = self.entries + self.dates.len() as u32;
                self.dates.push(d.value.as_str().into());
                self.date_index.insert(d.value.as_str().into(), k);
                k
            }
        }
    }

    /// Adds one processed document.
    pub fn add(&mut self, p: &Processed, g: &Gazetteer, opts: &CoocOptions) {
        self.documents += 1;
        let mut keys = std::mem::take(&mut self.keys);
        keys.clear();
        for m in &p.mentions {
            let k = self.key(&m.target);
            keys.push(k);
            let e = self.entities.entry(k).or_default();
            e.mentions += 1;
        }
        // Distinct entities of the document.
        let mut distinct: Vec<u32> = keys.clone();
        distinct.sort_unstable();
        distinct.dedup();
        for k in &distinct {
            if let Some(e) = self.entities.get_mut(k) {
                e.documents += 1;
            }
        }
        let wanted = |k: u32, kinds: &Option<HashSet<String>>| -> bool {
            let Some(set) = kinds else { return true };
            if k < g.entries.len() as u32 {
                g.entries
                    .get(k as usize)
                    .is_some_and(|e| set.contains(&e.kind))
            } else {
                set.contains("DATE")
            }
        };
        distinct.retain(|&k| wanted(k, &opts.types));
        let mut in_pairs = std::mem::take(&mut self.in_pairs);
        in_pairs.clear();
        in_pairs.extend(keys.iter().map(|&k| distinct.binary_search(&k).is_ok()));
        for (i, &a) in distinct.iter().enumerate() {
            for &b in &distinct[i + 1..] {
                self.pairs.entry((a, b)).or_default().documents += 1;
            }
        }
        // Sentences: distinct wanted entities per sentence.
        let mut set: Vec<u32> = Vec::new();
        let mut i = 0;
        while i < p.mentions.len() {
            let s = p.mentions[i].sentence;
            set.clear();
            while i < p.mentions.len() && p.mentions[i].sentence == s {
                if in_pairs[i] {
                    set.push(keys[i]);
                }
                i += 1;
            }
            set.sort_unstable();
            set.dedup();
            for (x, &a) in set.iter().enumerate() {
                for &b in &set[x + 1..] {
                    self.pairs.entry((a, b)).or_default().sentences += 1;
                }
            }
        }
        // Window: mention pairs within `window` tokens.
        if opts.window > 0 {
            for x in 0..p.mentions.len() {
                if !in_pairs[x] {
                    continue;
                }
                for y in x + 1..p.mentions.len() {
                    let (mx, my) = (&p.mentions[x], &p.mentions[y]);
                    if my.token_start.saturating_sub(mx.token_end) > opts.window {
                        break;
                    }
                    if !in_pairs[y] || keys[x] == keys[y] {
                        continue;
                    }
                    let (a, b) = if keys[x] < keys[y] {
                        (keys[x], keys[y])
                    } else {
                        (keys[y], keys[x])
                    };
                    self.pairs.entry((a, b)).or_default().window += 1;
                }
            }
        }
        self.keys = keys;
        self.in_pairs = in_pairs;
        if let Some(s) = self.spiller.clone() {
            if self.pairs.len() > s.threshold() && self.error.is_none() {
                let rows = self.string_rows(g);
                match s.write_sorted(rows, Order::Ids) {
                    Ok(run) => self.runs.push(run),
                    Err(e) => self.error = Some(e),
                }
            }
        }
    }

    /// The string id of key `k`.
    fn id(&self, k: u32, g: &Gazetteer) -> String {
        if k < self.entries {
            g.entries
                .get(k as usize)
                .map_or_else(String::new, |e| e.id.clone())
        } else {
            let v = self
                .dates
                .get((k - self.entries) as usize)
                .map_or("", |v| &**v);
            format!("date:{v}")
        }
    }

    /// Drains the pair map into string-keyed rows (`a` < `b`).
    fn string_rows(&mut self, g: &Gazetteer) -> Vec<PairRow> {
        let mut ids: FxHashMap<u32, String> = FxHashMap::default();
        let mut rows = Vec::with_capacity(self.pairs.len());
        let pairs = std::mem::take(&mut self.pairs);
        for ((a, b), c) in pairs {
            let x = ids.entry(a).or_insert_with(|| self.id(a, g)).clone();
            let y = ids.entry(b).or_insert_with(|| self.id(b, g)).clone();
            let (a, b) = if x < y { (x, y) } else { (y, x) };
            rows.push(PairRow { a, b, c });
        }
        rows
    }

    /// The string-keyed totals of this accumulator (with the runs it spilled, if any).
    pub fn into_totals(mut self, g: &Gazetteer) -> Totals {
        let mut t = Totals {
            documents: self.documents,
            ..Totals::default()
        };
        let columns = g.attribute_columns.len();
        for (&k, c) in &self.entities {
            let info = match g.entries.get(k as usize).filter(|_| k < self.entries) {
                Some(e) => {
                    let mut attrs = vec![String::new(); columns];
                    for (col, v) in &e.attrs {
                        if let Some(slot) = attrs.get_mut(*col) {
                            slot.clone_from(v);
                        }
                    }
                    EntityInfo {
                        kind: e.kind.clone(),
                        name: e.name.clone(),
                        attrs,
                    }
                }
                None => EntityInfo {
                    kind: "DATE".into(),
                    name: self
                        .dates
                        .get((k - self.entries) as usize)
                        .map_or(String::new(), |v| v.to_string()),
                    attrs: Vec::new(),
                },
            };
            t.entities.insert(self.id(k, g), (info, *c));
        }
        for row in self.string_rows(g) {
            *t.pairs.entry((row.a, row.b)).or_default() += row.c;
        }
        t.runs = std::mem::take(&mut self.runs);
        t.error = self.error.take();
        t
    }
}
