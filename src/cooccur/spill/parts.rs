//! The end of the table's sort, in parallel: the key range of the runs and lists is cut
//! into one part per thread, and each part is merged, summed, ranked and sorted into
//! table-order runs on its own. Rows are fixed-size, so a cut is a binary search in each run.

use super::{
    merge, merge_runs, take_rows, Merged, Order, PairRow, Rows, Run, RunReader, Source, Spiller,
    FAN_IN, ROW_BYTES,
};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Rows of a run file.
fn run_rows(run: &Run) -> io::Result<u64> {
    Ok(std::fs::metadata(&run.path)?.len() / ROW_BYTES as u64)
}

/// The [`Order::Keys`] key of row `i` of a run file.
fn key_at(f: &mut File, i: u64) -> io::Result<u64> {
    f.seek(SeekFrom::Start(i * ROW_BYTES as u64))?;
    let mut b = [0u8; 8];
    f.read_exact(&mut b)?;
    let [a0, a1, a2, a3, b0, b1, b2, b3] = b;
    let (a, b) = (
        u32::from_le_bytes([a0, a1, a2, a3]),
        u32::from_le_bytes([b0, b1, b2, b3]),
    );
    Ok((u64::from(a) << 32) | u64::from(b))
}

/// One sorted input of [`table_rows`], as it is cut into parts.
enum Input<'a> {
    Run(&'a Run, File, u64),
    Mem(&'a [PairRow]),
}

impl Input<'_> {
    fn len(&self) -> u64 {
        match self {
            Input::Run(_, _, n) => *n,
            Input::Mem(m) => m.len() as u64,
        }
    }

    fn key(&mut self, i: u64) -> io::Result<u64> {
        match self {
            Input::Run(_, f, _) => key_at(f, i),
            Input::Mem(m) => Ok(m
                .get(i as usize)
                .map_or(u64::MAX, |r| Order::Keys.key(r) as u64)),
        }
    }

    /// The first row whose key is `key` or more.
    fn lower_bound(&mut self, key: u64) -> io::Result<u64> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key(mid)? < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    }

    fn source(&self, from: u64, to: u64) -> io::Result<Source> {
        Ok(match self {
            Input::Run(r, _, _) => Source::Run(Box::new(RunReader::range(&r.path, from, to)?)),
            Input::Mem(m) => Source::Mem(
                m.get(from as usize..to as usize)
                    .unwrap_or_default()
                    .to_vec()
                    .into_iter(),
            ),
        })
    }
}

/// The rows of `cooccurrence.tsv` from runs and lists sorted by keys: equal pairs summed,
/// keys replaced by `rank` (pairs with an unranked key left out), sorted in
/// [`Order::Table`]. The key range is cut into one part per thread of rayon's current pool;
/// each part is merged, summed, ranked and sorted into runs on its own, and the parts'
/// runs are merged at the end. At most twice the spill threshold of rows is held at once.
pub fn table_rows(
    spiller: &Spiller,
    mut runs: Vec<Run>,
    mem: Vec<Vec<PairRow>>,
    rank: &(dyn Fn(u32) -> Option<u32> + Sync),
) -> io::Result<Rows> {
    use rayon::prelude::*;
    let parts = rayon::current_num_threads().max(1);
    // Every part reads every input: merge runs in groups first so that few files are open.
    while runs.len() + mem.len() > (FAN_IN / parts).max(2) && runs.len() >= 2 {
        let take = runs.len().min(FAN_IN);
        let group: Vec<Run> = runs.drain(..take).collect();
        let run = spiller.write_stream(merge(group, Vec::new(), Order::Keys)?)?;
        runs.push(run);
    }
    let mut inputs: Vec<Input<'_>> = Vec::with_capacity(runs.len() + mem.len());
    for r in &runs {
        inputs.push(Input::Run(r, File::open(&r.path)?, run_rows(r)?));
    }
    inputs.extend(mem.iter().map(|m| Input::Mem(m)));
    // Cut points: quantiles of keys sampled evenly across all rows.
    let total: u64 = inputs.iter().map(Input::len).sum();
    let stride = (total / (64 * parts as u64)).max(1);
    let mut samples = Vec::new();
    for input in &mut inputs {
        let mut i = stride / 2;
        while i < input.len() {
            samples.push(input.key(i)?);
            i += stride;
        }
    }
    samples.sort_unstable();
    let cuts: Vec<u64> = (1..parts)
        .filter_map(|p| samples.get(p * samples.len() / parts).copied())
        .collect();
    // Where each cut falls in each input: part p reads bounds[p]..bounds[p+1] of each.
    let mut bounds: Vec<Vec<u64>> = Vec::with_capacity(inputs.len());
    for input in &mut inputs {
        let mut b = vec![0];
        for &c in &cuts {
            b.push(input.lower_bound(c)?);
        }
        b.push(input.len());
        bounds.push(b);
    }
    let buffer = (2 * spiller.threshold() / parts).max(1);
    let done: Vec<(Vec<Run>, Vec<PairRow>)> = (0..=cuts.len())
        .into_par_iter()
        .map(|p| -> io::Result<(Vec<Run>, Vec<PairRow>)> {
            let mut sources = Vec::with_capacity(inputs.len());
            for (input, b) in inputs.iter().zip(&bounds) {
                let (from, to) = (b.get(p).copied(), b.get(p + 1).copied());
                if let (Some(from), Some(to)) = (from, to) {
                    if from < to {
                        sources.push(input.source(from, to)?);
                    }
                }
            }
            let mut rows = Merged::new(sources, Order::Keys).filter_map(|r| match r {
                Ok(r) => {
                    let (x, y) = (rank(r.a)?, rank(r.b)?);
                    let (a, b) = if x < y { (x, y) } else { (y, x) };
                    Some(Ok(PairRow { a, b, c: r.c }))
                }
                Err(e) => Some(Err(e)),
            });
            let mut out = Vec::new();
            loop {
                let mut buf = take_rows(&mut rows, buffer)?;
                if buf.len() < buffer {
                    Order::Table.sort(&mut buf);
                    return Ok((out, buf));
                }
                out.push(spiller.write_sorted(buf, Order::Table)?);
            }
        })
        .collect::<io::Result<_>>()?;
    drop(inputs);
    drop(runs);
    let (mut table_runs, mut lists) = (Vec::new(), Vec::new());
    for (r, l) in done {
        table_runs.extend(r);
        lists.push(l);
    }
    merge_runs(spiller, table_runs, lists, Order::Table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cooccur::spill::tests::rows;
    use crate::cooccur::PairCounts;

    #[test]
    fn table_rows_sum_rank_and_sort_in_any_number_of_parts() {
        let dir = tempfile::tempdir().unwrap();
        let all = rows(300);
        // Ranks reverse the keys (so pairs swap ends) and leave key 3 out.
        let rank = |k: u32| (k != 3).then(|| 1000 - k);
        let mut want: std::collections::BTreeMap<(u32, u32), PairCounts> = Default::default();
        for r in &all {
            if let (Some(x), Some(y)) = (rank(r.a), rank(r.b)) {
                *want.entry((x.min(y), x.max(y))).or_default() += r.c;
            }
        }
        let mut want: Vec<PairRow> = want
            .into_iter()
            .map(|((a, b), c)| PairRow { a, b, c })
            .collect();
        Order::Table.sort(&mut want);
        for (threads, threshold) in [(1, 1), (2, 1), (3, 7), (2, 100_000)] {
            let s = Spiller::new(dir.path(), threshold);
            let mut runs = Vec::new();
            for chunk in all[..600].chunks(5) {
                runs.push(s.write_sorted(chunk.to_vec(), Order::Keys).unwrap());
            }
            let mut rest = all[600..].to_vec();
            Order::Keys.sort(&mut rest);
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let got: Vec<PairRow> = pool
                .install(|| table_rows(&s, runs, vec![rest], &rank))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(got, want, "{threads} threads, threshold {threshold}");
            let left = std::fs::read_dir(dir.path()).unwrap().count();
            assert_eq!(left, 0, "runs are deleted once read");
        }
    }
}
