//! Accumulate: the counts of the documents one worker processes, added a whole document at a
//! time or, for a long text read in chunks, part by part (`parts`). The keys, maps and totals
//! it fills are the parent module's.

use super::*;

mod parts;
pub(crate) use parts::DocParts;

/// The counts of the documents one worker processed.
#[derive(Debug)]
pub(crate) struct Accumulator {
    keys: Arc<Keys>,
    /// Date value -> key, a local cache of `keys`.
    dates: FxHashMap<Box<str>, u32>,
    totals: Totals,
    spiller: Option<Spiller>,
    // scratch
    keys_of: Vec<u32>,
    in_pairs: Vec<bool>,
    set: Vec<u32>,
}

impl Accumulator {
    /// An empty accumulator over `keys`, spilling with `spiller`.
    pub(crate) fn new(keys: Arc<Keys>, spiller: Option<Spiller>) -> Self {
        Accumulator {
            keys,
            dates: FxHashMap::default(),
            totals: Totals::with_spill(spiller.clone()),
            spiller,
            keys_of: Vec::new(),
            in_pairs: Vec::new(),
            set: Vec::new(),
        }
    }

    fn key(&mut self, t: &Target) -> u32 {
        match t {
            Target::Entry(i) => *i,
            // Settled before counting (`pipeline::settle_document`); never here.
            Target::Cue(_) => u32::MAX,
            Target::Date(d) => {
                if let Some(&k) = self.dates.get(d.value.as_str()) {
                    return k;
                }
                let k = self.keys.intern(&format!("date:{}", d.value));
                self.dates.insert(d.value.as_str().into(), k);
                k
            }
        }
    }

    /// Adds one processed document.
    pub(crate) fn add(&mut self, p: &Processed, g: &Gazetteer, opts: &CoocOptions) {
        self.totals.documents += 1;
        let mut keys = std::mem::take(&mut self.keys_of);
        keys.clear();
        for m in &p.mentions {
            let k = self.key(&m.target);
            keys.push(k);
            self.totals.entities.entry(k).or_default().mentions += 1;
        }
        // Distinct entities of the document.
        let mut distinct = std::mem::take(&mut self.set);
        distinct.clear();
        distinct.extend_from_slice(&keys);
        distinct.sort_unstable();
        distinct.dedup();
        for k in &distinct {
            if let Some(e) = self.totals.entities.get_mut(k) {
                e.documents += 1;
            }
        }
        let fixed = self.keys.fixed();
        let wanted = |k: u32| -> bool {
            let Some(set) = &opts.types else { return true };
            if k < fixed {
                g.entries
                    .get(k as usize)
                    .is_some_and(|e| set.contains(&e.kind))
            } else {
                set.contains("DATE")
            }
        };
        distinct.retain(|&k| wanted(k));
        let mut in_pairs = std::mem::take(&mut self.in_pairs);
        in_pairs.clear();
        in_pairs.extend(keys.iter().map(|&k| distinct.binary_search(&k).is_ok()));
        let pairs = &mut self.totals.pairs;
        for (i, &a) in distinct.iter().enumerate() {
            for &b in &distinct[i + 1..] {
                pairs.entry(a, b).documents += 1;
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
            if set.len() < 2 {
                continue;
            }
            set.sort_unstable();
            set.dedup();
            for (x, &a) in set.iter().enumerate() {
                for &b in &set[x + 1..] {
                    pairs.entry(a, b).sentences += 1;
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
                    pairs.entry(a, b).window += 1;
                }
            }
        }
        pairs.maybe_spill();
        self.keys_of = keys;
        self.in_pairs = in_pairs;
        self.set = distinct;
    }

    /// Takes the counts out, leaving the accumulator empty (its date cache stays).
    pub(crate) fn take(&mut self) -> Totals {
        std::mem::replace(&mut self.totals, Totals::with_spill(self.spiller.clone()))
    }
}
