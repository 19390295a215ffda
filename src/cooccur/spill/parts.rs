//! The end of the table's sort, in parallel: the key range of the runs and lists is cut
//! into one part per thread, and each part is merged, summed, ranked and sorted into
//! table-order runs on its own. A run knows the first key of each of its blocks, so a part
//! starts reading each run at the block that holds its first key.

use super::codec::BLOCK_ROWS;
use super::{
    merge, merge_runs, pair_key, take_rows, Merged, Order, PairRow, Rows, Run, RunReader, Source,
    Spiller, FAN_IN,
};
use std::io;

/// One sorted input of [`table_rows`], as it is cut into parts.
enum Input<'a> {
    Run(&'a Run),
    Mem(&'a [PairRow]),
}

impl Input<'_> {
    /// Keys spread evenly over the input: the first of each run block, or of each block's
    /// worth of a list.
    fn samples(&self, out: &mut Vec<u64>) {
        match self {
            Input::Run(r) => out.extend(r.blocks.iter().map(|b| b.first)),
            Input::Mem(m) => out.extend(m.iter().step_by(BLOCK_ROWS).map(pair_key)),
        }
    }

    /// The rows with keys `from` or more and below `to`.
    fn source(&self, from: u64, to: Option<u64>) -> io::Result<Source> {
        Ok(match self {
            Input::Run(r) => Source::Run(Box::new(RunReader::range(r, from, to)?)),
            Input::Mem(m) => {
                let lo = m.partition_point(|r| pair_key(r) < from);
                let hi = to.map_or(m.len(), |to| m.partition_point(|r| pair_key(r) < to));
                Source::Mem(m.get(lo..hi).unwrap_or_default().to_vec().into_iter())
            }
        })
    }
}

/// The rows of `cooccurrence.tsv` from runs and lists sorted by keys: equal pairs summed,
/// keys replaced by `rank` (pairs with an unranked key left out), sorted in
/// [`Order::Table`]. The key range is cut into one part per thread of rayon's current pool;
/// each part is merged, summed, ranked and sorted into runs on its own, and comes back as
/// a stream of its own (the parts' pairs are disjoint; [`Streams`] merges them). At most twice the spill threshold of rows is held at once.
pub(crate) fn table_rows(
    spiller: &Spiller,
    mut runs: Vec<Run>,
    mem: Vec<Vec<PairRow>>,
    rank: &(dyn Fn(u32) -> Option<u32> + Sync),
) -> io::Result<Vec<Rows>> {
    use rayon::prelude::*;
    let parts = rayon::current_num_threads().max(1);
    // Every part reads every input: merge runs in groups first so that few files are open.
    while runs.len() + mem.len() > (FAN_IN / parts).max(2) && runs.len() >= 2 {
        let take = runs.len().min(FAN_IN);
        let group: Vec<Run> = runs.drain(..take).collect();
        let run = spiller.write_stream(merge(group, Vec::new(), Order::Keys)?)?;
        runs.push(run);
    }
    let mut inputs: Vec<Input<'_>> = runs.iter().map(Input::Run).collect();
    inputs.extend(mem.iter().map(|m| Input::Mem(m)));
    // Cut points: quantiles of keys sampled evenly across all rows. Part p reads the keys
    // from cut p - 1 (or 0) up to cut p (or the end) of every input.
    let mut samples = Vec::new();
    for input in &inputs {
        input.samples(&mut samples);
    }
    samples.sort_unstable();
    let mut cuts: Vec<u64> = (1..parts)
        .filter_map(|p| samples.get(p * samples.len() / parts).copied())
        .collect();
    cuts.dedup();
    let buffer = (2 * spiller.threshold() / parts).max(1);
    let done: Vec<(Vec<Run>, Vec<PairRow>)> = (0..=cuts.len())
        .into_par_iter()
        .map(|p| -> io::Result<(Vec<Run>, Vec<PairRow>)> {
            let from = p.checked_sub(1).and_then(|q| cuts.get(q)).copied();
            let (from, to) = (from.unwrap_or(0), cuts.get(p).copied());
            let sources = inputs
                .iter()
                .map(|input| input.source(from, to))
                .collect::<io::Result<Vec<Source>>>()?;
            let mut rows = Merged::new(sources, Order::Keys).filter_map(|r| match r {
                Ok(r) => r.ranked(rank).map(Ok),
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
    // One stream per part: the parts' pairs are disjoint, and their merges run side by side
    // (see `Streams`).
    done.into_iter()
        .map(|(runs, list)| merge_runs(spiller, runs, vec![list], Order::Table))
        .collect()
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
            let parts = pool
                .install(|| table_rows(&s, runs, vec![rest], &rank))
                .unwrap();
            assert!(parts.len() <= threads);
            // Each part in table order; all of them together, every pair once.
            let mut got: Vec<PairRow> = Vec::new();
            for part in parts {
                let rows: Vec<PairRow> = part.map(Result::unwrap).collect();
                assert!(rows
                    .windows(2)
                    .all(|w| Order::Table.key(&w[0]) < Order::Table.key(&w[1])));
                got.extend(rows);
            }
            Order::Table.sort(&mut got);
            assert_eq!(got, want, "{threads} threads, threshold {threshold}");
            let left = std::fs::read_dir(dir.path()).unwrap().count();
            assert_eq!(left, 0, "runs are deleted once read");
        }
    }
}
