//! Co-occurrence: entity and pair counts. Each worker adds its documents into its own
//! [`Accumulator`] (numeric keys, no strings on the hot path); at the end the accumulators
//! become string-keyed [`Totals`], which are a monoid (`Default` + `+=`), so threads and shards
//! merge exactly and the tables do not depend on the thread count. It does not write files
//! (see `tables`).

use crate::gazetteer::Gazetteer;
use crate::pipeline::{Processed, Target};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Which entity types enter the tables.
#[derive(Debug, Clone, Default)]
pub struct CoocOptions {
    /// Types that enter the co-occurrence pairs (None: all).
    pub types: Option<HashSet<String>>,
    /// Count mention pairs within this many tokens (0: off).
    pub window: usize,
}

/// An entity as it appears in the tables.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntityInfo {
    /// Type.
    pub kind: String,
    /// Canonical name.
    pub name: String,
    /// Gazetteer entry index, for attributes (None for dates).
    pub entry: Option<u32>,
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

/// The counts of one document (or of many, once summed).
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Documents counted.
    pub documents: u64,
    /// Entity id -> info and counts.
    pub entities: BTreeMap<String, (EntityInfo, EntityCounts)>,
    /// (source id, target id) with source < target -> counts.
    pub pairs: HashMap<(String, String), PairCounts>,
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
        for (k, c) in o.pairs {
            *self.pairs.entry(k).or_default() += c;
        }
    }
}

impl Totals {
    /// Normalised PMI of a pair over documents, from the final totals.
    pub fn npmi(&self, pair: &PairCounts, a: &str, b: &str) -> f64 {
        let n = self.documents as f64;
        let da = self.entities.get(a).map_or(0, |e| e.1.documents) as f64;
        let db = self.entities.get(b).map_or(0, |e| e.1.documents) as f64;
        let dab = pair.documents as f64;
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
    }

    /// The string-keyed totals of this accumulator.
    pub fn into_totals(self, g: &Gazetteer) -> Totals {
        let n = g.entries.len() as u32;
        let info = |k: u32| -> (String, EntityInfo) {
            if k < n {
                match g.entries.get(k as usize) {
                    Some(e) => (
                        e.id.clone(),
                        EntityInfo {
                            kind: e.kind.clone(),
                            name: e.name.clone(),
                            entry: Some(k),
                        },
                    ),
                    None => (String::new(), EntityInfo::default()),
                }
            } else {
                let v = self.dates.get((k - n) as usize).map_or("", |v| &**v);
                (
                    format!("date:{v}"),
                    EntityInfo {
                        kind: "DATE".into(),
                        name: v.to_string(),
                        entry: None,
                    },
                )
            }
        };
        let mut t = Totals {
            documents: self.documents,
            ..Totals::default()
        };
        let mut ids: FxHashMap<u32, String> = FxHashMap::default();
        for (k, c) in &self.entities {
            let (id, inf) = info(*k);
            ids.insert(*k, id.clone());
            t.entities.insert(id, (inf, *c));
        }
        for ((a, b), c) in self.pairs {
            let (Some(x), Some(y)) = (ids.get(&a), ids.get(&b)) else {
                continue;
            };
            let key = if x < y {
                (x.clone(), y.clone())
            } else {
                (y.clone(), x.clone())
            };
            *t.pairs.entry(key).or_default() += c;
        }
        t
    }
}
