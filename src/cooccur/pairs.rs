//! The pair map: pair counts under entity keys, bounded in memory by spilling to sorted runs
//! (see [`spill`]), and turned into the rows of `cooccurrence.tsv` at the end.

use super::spill::{self, Order, PairRow, Rows, Run, Spiller};
use super::PairCounts;
use rustc_hash::FxHashMap;
use std::io;

#[inline]
fn pack(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Pair counts keyed by entity keys: at most the spiller's threshold of distinct pairs in
/// memory, the rest in sorted runs on disk. Summing two maps moves runs and lists, never rows.
#[derive(Debug, Default)]
pub(crate) struct PairMap {
    map: FxHashMap<u64, PairCounts>,
    /// Sorted (by keys) lists taken from other maps.
    sorted: Vec<Vec<PairRow>>,
    runs: Vec<Run>,
    spiller: Option<Spiller>,
    error: Option<io::Error>,
}

impl PairMap {
    /// An empty map that spills with `spiller` (None: all in memory).
    pub(crate) fn with_spill(spiller: Option<Spiller>) -> Self {
        PairMap {
            spiller,
            ..PairMap::default()
        }
    }

    /// The counts of pair (`a`, `b`), `a` < `b`, created empty.
    #[inline]
    pub(super) fn entry(&mut self, a: u32, b: u32) -> &mut PairCounts {
        self.map.entry(pack(a, b)).or_default()
    }

    /// Adds counts to the pair of `a` and `b` (in either order).
    pub(crate) fn add(&mut self, a: u32, b: u32, c: PairCounts) {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        *self.entry(a, b) += c;
        self.maybe_spill();
    }

    /// Rows held in memory.
    pub(crate) fn held(&self) -> usize {
        self.map.len() + self.sorted.iter().map(Vec::len).sum::<usize>()
    }

    #[cfg(test)]
    /// Whether some pairs are on disk.
    pub(crate) fn spilled(&self) -> bool {
        !self.runs.is_empty()
    }

    /// Takes a run written outside the map, or keeps the error that stopped it (the first).
    pub(super) fn add_run(&mut self, run: io::Result<Run>) {
        match run {
            Ok(run) => self.runs.push(run),
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(e);
                }
            }
        }
    }

    /// The runs on disk.
    pub(crate) fn runs_mut(&mut self) -> &mut Vec<Run> {
        &mut self.runs
    }

    /// The file names of the runs on disk.
    pub(crate) fn run_names(&self) -> Vec<String> {
        self.runs.iter().map(Run::file_name).collect()
    }

    /// Spills when more rows than the threshold are held.
    pub(crate) fn maybe_spill(&mut self) {
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
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.spill()
    }

    /// Takes in the rows and runs of `o`. It does not spill: the rows were in memory already,
    /// and a checkpoint [flushes](PairMap::flush) them right after.
    pub(crate) fn absorb(&mut self, mut o: PairMap) {
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
    pub(crate) fn seal(&mut self) {
        if !self.map.is_empty() {
            let rows = self.map_rows();
            self.sorted.push(rows);
        }
    }

    /// Every pair once, counts summed, with keys replaced by `rank` (pairs with an unranked
    /// key are left out; a < b), in [`Order::Table`]: the rows of `cooccurrence.tsv`. Pairs
    /// that all fit in memory are summed, ranked and sorted in parallel on rayon's current
    /// pool; otherwise they stream through sorted runs on disk, one stream per part of the
    /// key range (no pair in two of them: see [`spill::Streams`]).
    pub(crate) fn into_table(
        mut self,
        rank: &(dyn Fn(u32) -> Option<u32> + Sync),
    ) -> io::Result<Vec<Rows>> {
        use rayon::prelude::*;
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
        let mut rows: Vec<PairRow> = summed
            .into_par_iter()
            .filter_map(|r| r.ranked(rank))
            .collect();
        rows.par_sort_unstable_by_key(|r| Order::Table.key(r));
        Ok(vec![Box::new(rows.into_iter().map(Ok))])
    }

    /// The rows of a map that never spilled (a pair may come more than once: adding them all
    /// sums it); None when some rows are on disk.
    pub(crate) fn into_held(mut self) -> Option<Vec<PairRow>> {
        if !self.runs.is_empty() || self.error.is_some() {
            return None;
        }
        let mut rows = self.map_rows();
        rows.extend(self.sorted.into_iter().flatten());
        Some(rows)
    }

    #[cfg(test)]
    /// Every pair once, counts summed, sorted by keys; fails when spilling failed.
    pub(crate) fn into_rows(mut self) -> io::Result<(Rows, Option<Spiller>)> {
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
