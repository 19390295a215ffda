//! Co-occurrence: per-document entity and pair counts (computed in the workers) and their
//! run totals (summed on the main thread). Totals are a monoid: `Default` + `+=`, so shards
//! merge exactly. It does not write files (see `tables`).

use crate::document::Document;
use crate::gazetteer::Gazetteer;
use crate::pipeline::{Processed, Target};
use crate::record::identity;
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
            let e = self.entities.entry(id).or_insert_with(|| (info, EntityCounts::default()));
            e.1 += c;
        }
        for (k, c) in o.pairs {
            *self.pairs.entry(k).or_default() += c;
        }
    }
}

impl Totals {
    /// The counts of one processed document.
    pub fn of_document(doc: &Document, p: &Processed, g: &Gazetteer, opts: &CoocOptions) -> Totals {
        let _ = doc;
        let mut t = Totals {
            documents: 1,
            ..Totals::default()
        };
        let mut date_id = String::new();
        // Mention -> entity index in this document (for pairs).
        let mut ids: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut per_mention: Vec<Option<usize>> = Vec::with_capacity(p.mentions.len());
        for m in &p.mentions {
            let (id, kind, name) = identity(m, g, &mut date_id);
            let entry = match m.target {
                Target::Entry(i) => Some(i),
                Target::Date(_) => None,
            };
            let e = t.entities.entry(id.to_string()).or_insert_with(|| {
                (
                    EntityInfo {
                        kind: kind.to_string(),
                        name: name.to_string(),
                        entry,
                    },
                    EntityCounts { mentions: 0, documents: 1 },
                )
            });
            e.1.mentions += 1;
            let in_pairs = opts.types.as_ref().is_none_or(|s| s.contains(kind));
            per_mention.push(if in_pairs {
                let n = ids.len();
                Some(*index.entry(id.to_string()).or_insert_with(|| {
                    ids.push(id.to_string());
                    n
                }))
            } else {
                None
            });
        }
        if ids.len() < 2 {
            return t;
        }
        let mut doc_pairs: HashMap<(usize, usize), PairCounts> = HashMap::new();
        let key = |a: usize, b: usize| if ids[a] < ids[b] { (a, b) } else { (b, a) };
        for a in 0..ids.len() {
            for b in a + 1..ids.len() {
                doc_pairs.entry(key(a, b)).or_default().documents = 1;
            }
        }
        // Sentences: distinct entities per sentence.
        let mut i = 0;
        while i < p.mentions.len() {
            let s = p.mentions[i].sentence;
            let mut set: Vec<usize> = Vec::new();
            while i < p.mentions.len() && p.mentions[i].sentence == s {
                if let Some(x) = per_mention[i] {
                    if !set.contains(&x) {
                        set.push(x);
                    }
                }
                i += 1;
            }
            for (k, &a) in set.iter().enumerate() {
                for &b in &set[k + 1..] {
                    doc_pairs.entry(key(a, b)).or_default().sentences += 1;
                }
            }
        }
        for ((a, b), c) in doc_pairs {
            t.pairs.insert((ids[a].clone(), ids[b].clone()), c);
        }
        t
    }

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
