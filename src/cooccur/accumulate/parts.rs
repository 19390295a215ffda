//! A document added in parts (a long text read in chunks, see `chunk`), in order: the pairs
//! that reach across parts are counted from the little the document carries ([`DocParts`]),
//! so that adding every part and then ending gives the counts of `Accumulator::add` over the
//! whole document.

use super::super::{PairCounts, PairRow};
use super::Accumulator;
use crate::cooccur::CoocOptions;
use crate::gazetteer::Gazetteer;

impl Accumulator {
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
    pub(crate) fn add_part(
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
    pub(crate) fn end_parts(&mut self, mut doc: DocParts, g: &Gazetteer, opts: &CoocOptions) {
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
}

/// The co-occurrence state of a document added in parts (see [`Accumulator::add_part`]):
/// its distinct entities, its open sentence and the mentions a later one may be within
/// `--window` of. It holds distinct entities, not mentions, so it stays small.
#[derive(Debug, Default)]
pub(crate) struct DocParts {
    /// Every entity of the document so far (sorted, distinct).
    keys: Vec<u32>,
    /// The sentence of the last mention.
    sentence: Option<usize>,
    /// The wanted entities of that sentence.
    sentence_keys: Vec<u32>,
    /// Wanted mentions still within reach of later ones: (key, token end).
    tail: std::collections::VecDeque<(u32, usize)>,
}
