//! Accumulate: the counts of the documents one worker processes, added a whole document at a
//! time or, for a long text read in chunks, part by part. The keys, maps and totals it fills are
//! the parent module's.

use super::*;

/// The counts of the documents one worker processed.
#[derive(Debug)]
pub struct Accumulator {
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
    pub fn new(keys: Arc<Keys>, spiller: Option<Spiller>) -> Self {
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
    pub fn add(&mut self, p: &Processed, g: &Gazetteer, opts: &CoocOptions) {
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

    /// Whether entity `k` enters the pairs under `opts`.
    fn wanted(&self, k: u32, g: &Gazetteer, opts: &CoocOptions) -> bool {
        let Some(set) = &opts.types else { return true };
        if k < self.keys.fixed() {
            g.entries
                .get(k as usize)
                .is_some_and(|e| set.contains(&e.kind))
        } else {
            set.contains("DATE")
        }
    }

    /// Adds one part of a document read in parts (a long text read in chunks), in order:
    /// `mentions` are the part's mentions with offsets, sentences and tokens of the whole
    /// document. The sentence and window pairs that reach into earlier parts are counted from
    /// what `doc` carries; the document's distinct entities are counted by
    /// [`Accumulator::end_parts`]. Adding every part and then ending gives the counts of
    /// [`Accumulator::add`] over the whole document.
    pub fn add_part(
        &mut self,
        doc: &mut DocParts,
        mentions: &[crate::pipeline::Mention],
        g: &Gazetteer,
        opts: &CoocOptions,
    ) {
        for m in mentions {
            let k = self.key(&m.target);
            self.totals.entities.entry(k).or_default().mentions += 1;
            doc.keys.push(k);
            if doc.sentence != Some(m.sentence) {
                self.close_sentence(doc);
                doc.sentence = Some(m.sentence);
            }
            if !self.wanted(k, g, opts) {
                continue;
            }
            doc.sentence_keys.push(k);
            if opts.window > 0 {
                // Token ends only grow: whatever is out of reach now stays so.
                while doc
                    .tail
                    .front()
                    .is_some_and(|&(_, te)| m.token_start.saturating_sub(te) > opts.window)
                {
                    doc.tail.pop_front();
                }
                for &(x, _) in &doc.tail {
                    if x != k {
                        let (a, b) = if x < k { (x, k) } else { (k, x) };
                        self.totals.pairs.entry(a, b).window += 1;
                    }
                }
                doc.tail.push_back((k, m.token_end));
            }
        }
        doc.keys.sort_unstable();
        doc.keys.dedup();
        doc.sentence_keys.sort_unstable();
        doc.sentence_keys.dedup();
        self.totals.pairs.maybe_spill();
    }

    /// Counts the pairs of the open sentence of `doc` and closes it.
    fn close_sentence(&mut self, doc: &mut DocParts) {
        let set = &mut doc.sentence_keys;
        set.sort_unstable();
        set.dedup();
        for (x, &a) in set.iter().enumerate() {
            for &b in set.get(x + 1..).unwrap_or(&[]) {
                self.totals.pairs.entry(a, b).sentences += 1;
            }
        }
        set.clear();
    }

    /// Ends a document added in parts: its last sentence, its distinct entities and their
    /// pairs. A document with more distinct pairs than the spill threshold writes them
    /// straight to a run (they come out sorted).
    pub fn end_parts(&mut self, mut doc: DocParts, g: &Gazetteer, opts: &CoocOptions) {
        self.close_sentence(&mut doc);
        self.totals.documents += 1;
        let mut distinct = std::mem::take(&mut doc.keys);
        for k in &distinct {
            if let Some(e) = self.totals.entities.get_mut(k) {
                e.documents += 1;
            }
        }
        distinct.retain(|&k| self.wanted(k, g, opts));
        let n = distinct.len();
        let pairs = &mut self.totals.pairs;
        if let Some(s) = self
            .spiller
            .as_ref()
            .filter(|s| n.saturating_mul(n) / 2 > s.threshold())
        {
            let rows = distinct.iter().enumerate().flat_map(|(i, &a)| {
                distinct.get(i + 1..).unwrap_or(&[]).iter().map(move |&b| {
                    Ok(PairRow {
                        a,
                        b,
                        c: PairCounts {
                            documents: 1,
                            ..PairCounts::default()
                        },
                    })
                })
            });
            pairs.add_run(s.write_stream(rows));
        } else {
            for (i, &a) in distinct.iter().enumerate() {
                for &b in distinct.get(i + 1..).unwrap_or(&[]) {
                    pairs.entry(a, b).documents += 1;
                }
            }
        }
        pairs.maybe_spill();
    }

    /// Takes the counts out, leaving the accumulator empty (its date cache stays).
    pub fn take(&mut self) -> Totals {
        std::mem::replace(&mut self.totals, Totals::with_spill(self.spiller.clone()))
    }
}

/// The co-occurrence state of a document added in parts (see [`Accumulator::add_part`]):
/// its distinct entities, its open sentence and the mentions a later one may be within
/// `--window` of. It holds distinct entities, not mentions, so it stays small.
#[derive(Debug, Default)]
pub struct DocParts {
    /// Every entity of the document so far (sorted, distinct).
    keys: Vec<u32>,
    /// The sentence of the last mention.
    sentence: Option<usize>,
    /// The wanted entities of that sentence.
    sentence_keys: Vec<u32>,
    /// Wanted mentions still within reach of later ones: (key, token end).
    tail: std::collections::VecDeque<(u32, usize)>,
}

/// Takes the counts out of the worker accumulators, leaving them empty (on rayon's current
/// pool: each worker's pairs are sorted in parallel).
pub fn drain(accs: &[std::sync::Mutex<Accumulator>], spiller: &Spiller) -> Totals {
    // Each worker's pairs are sorted in parallel, then joined.
    use rayon::prelude::*;
    let parts: Vec<Totals> = accs
        .par_iter()
        .filter_map(|m| {
            let mut t = m.lock().ok()?.take();
            t.pairs.seal();
            Some(t)
        })
        .collect();
    let mut t = Totals::with_spill(Some(spiller.clone()));
    for p in parts {
        t += p;
    }
    t
}
