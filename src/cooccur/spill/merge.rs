//! The k-way merge of sorted runs and in-memory lists: a heap of each source's next row by
//! its sort key, with rows of the same pair summed in [`Order::Keys`]. Too many runs are
//! first merged in groups of [`FAN_IN`] into longer ones.

use super::{Order, PairRow, Run, RunReader, Spiller, FAN_IN};
use std::collections::BinaryHeap;
use std::io;

/// A stream of pair rows.
pub(crate) type Rows = Box<dyn Iterator<Item = io::Result<PairRow>> + Send>;

/// One sorted input of a merge.
pub(super) enum Source {
    Run(Box<RunReader>),
    Mem(std::vec::IntoIter<PairRow>),
}

impl Source {
    #[inline]
    fn next_row(&mut self) -> io::Result<Option<PairRow>> {
        match self {
            Source::Run(r) => r.next_row(),
            Source::Mem(m) => Ok(m.next()),
        }
    }
}

/// A k-way merge of sorted sources (a heap of each source's next row, by the row's sort
/// key); with [`Order::Keys`], consecutive rows of the same pair are summed.
pub(super) struct Merged {
    sources: Vec<Source>,
    /// The next row of each source.
    heads: Vec<PairRow>,
    /// (key, source) of every source with a next row; reversed, so the max-heap yields the
    /// smallest key, ties to the earlier source.
    heap: BinaryHeap<std::cmp::Reverse<(u128, u32)>>,
    order: Order,
    started: bool,
    done: bool,
    /// A row read ahead while summing.
    pending: Option<PairRow>,
}

impl Merged {
    pub(super) fn new(sources: Vec<Source>, order: Order) -> Self {
        Merged {
            heads: Vec::with_capacity(sources.len()),
            heap: BinaryHeap::with_capacity(sources.len()),
            sources,
            order,
            started: false,
            done: false,
            pending: None,
        }
    }

    /// The smallest row of all sources, or None at the end.
    #[inline]
    fn pop(&mut self) -> io::Result<Option<PairRow>> {
        if !self.started {
            self.started = true;
            for (i, s) in self.sources.iter_mut().enumerate() {
                let first = s.next_row()?;
                // A source with no rows left keeps a zero head (never in the heap).
                self.heads.push(first.unwrap_or(PairRow::ZERO));
                if let Some(row) = first {
                    self.heap
                        .push(std::cmp::Reverse((self.order.key(&row), i as u32)));
                }
            }
        }
        let Some(mut top) = self.heap.peek_mut() else {
            return Ok(None);
        };
        let src = top.0 .1 as usize;
        let (Some(source), Some(head)) = (self.sources.get_mut(src), self.heads.get_mut(src))
        else {
            return Ok(None);
        };
        let row = *head;
        match source.next_row()? {
            Some(next) => {
                *head = next;
                *top = std::cmp::Reverse((self.order.key(&next), src as u32));
            }
            None => {
                std::collections::binary_heap::PeekMut::pop(top);
            }
        }
        Ok(Some(row))
    }
}
impl Iterator for Merged {
    type Item = io::Result<PairRow>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let step = |m: &mut Merged| -> io::Result<Option<PairRow>> {
            let mut cur = match m.pending.take() {
                Some(r) => r,
                None => match m.pop()? {
                    Some(r) => r,
                    None => return Ok(None),
                },
            };
            if m.order == Order::Keys {
                while let Some(r) = m.pop()? {
                    if r.a == cur.a && r.b == cur.b {
                        cur.c += r.c;
                    } else {
                        m.pending = Some(r);
                        break;
                    }
                }
            }
            Ok(Some(cur))
        };
        match step(self) {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

pub(super) fn merge(runs: Vec<Run>, mem: Vec<Vec<PairRow>>, order: Order) -> io::Result<Merged> {
    let mut sources: Vec<Source> = Vec::with_capacity(runs.len() + mem.len());
    for r in runs {
        sources.push(Source::Run(Box::new(RunReader::open(r)?)));
    }
    for rows in mem {
        sources.push(Source::Mem(rows.into_iter()));
    }
    Ok(Merged::new(sources, order))
}

/// Merges runs and in-memory row lists, each sorted in `order`, into one stream in `order`;
/// with [`Order::Keys`], rows of the same pair are summed.
pub(crate) fn merge_runs(
    spiller: &Spiller,
    mut runs: Vec<Run>,
    mem: Vec<Vec<PairRow>>,
    order: Order,
) -> io::Result<Rows> {
    while runs.len() + mem.len() > FAN_IN && runs.len() >= 2 {
        let take = runs.len().min(FAN_IN);
        let group: Vec<Run> = runs.drain(..take).collect();
        let run = spiller.write_stream(merge(group, Vec::new(), order)?)?;
        runs.push(run);
    }
    Ok(Box::new(merge(runs, mem, order)?))
}

/// Up to `n` rows of a stream.
pub(super) fn take_rows(
    rows: &mut impl Iterator<Item = io::Result<PairRow>>,
    n: usize,
) -> io::Result<Vec<PairRow>> {
    let mut buf = Vec::with_capacity(n);
    for r in rows.take(n) {
        buf.push(r?);
    }
    Ok(buf)
}

/// Sorted streams of distinct rows, taken in one order a block at a time. Each stream is read
/// ahead in parallel (on rayon's current pool), so that the streams' own merges (of runs on
/// disk) run side by side and only the merge of their heads, a few comparisons a row, is
/// serial.
pub(crate) struct Streams {
    streams: Vec<(Rows, std::collections::VecDeque<PairRow>, bool)>,
    order: Order,
    /// Rows read ahead from each stream.
    ahead: usize,
}

impl Streams {
    /// Merges `rows`, each sorted in `order`, no pair in two of them.
    pub(crate) fn new(rows: Vec<Rows>, order: Order, ahead: usize) -> Self {
        Streams {
            streams: rows
                .into_iter()
                .map(|r| (r, std::collections::VecDeque::new(), false))
                .collect(),
            order,
            ahead: ahead.max(2),
        }
    }

    /// The next `n` rows in order (fewer only at the end).
    pub(crate) fn take(&mut self, n: usize) -> io::Result<Vec<PairRow>> {
        if let [(one, _, _)] = self.streams.as_mut_slice() {
            return take_rows(one, n);
        }
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            self.refill()?;
            if !self.emit(&mut out, n) {
                break;
            }
        }
        Ok(out)
    }

    /// Reads every stream whose buffer is below half up to `ahead` rows, in parallel.
    fn refill(&mut self) -> io::Result<()> {
        use rayon::prelude::*;
        let ahead = self.ahead;
        self.streams
            .par_iter_mut()
            .try_for_each(|(rows, buf, done)| -> io::Result<()> {
                if *done || buf.len() >= ahead / 2 {
                    return Ok(());
                }
                while buf.len() < ahead {
                    match rows.next() {
                        Some(r) => buf.push_back(r?),
                        None => {
                            *done = true;
                            break;
                        }
                    }
                }
                Ok(())
            })
    }

    /// Moves rows into `out` in order until it holds `n`, or a stream that is not done has
    /// nothing read ahead (true: read more), or every stream is done and empty (false).
    fn emit(&mut self, out: &mut Vec<PairRow>, n: usize) -> bool {
        while out.len() < n {
            let mut best: Option<(u128, usize)> = None;
            for (i, (_, buf, done)) in self.streams.iter().enumerate() {
                match buf.front() {
                    Some(r) => {
                        let k = self.order.key(r);
                        if best.is_none_or(|(b, _)| k < b) {
                            best = Some((k, i));
                        }
                    }
                    None if !*done => return true,
                    None => {}
                }
            }
            let Some((_, i)) = best else {
                return false;
            };
            if let Some(r) = self.streams.get_mut(i).and_then(|s| s.1.pop_front()) {
                out.push(r);
            }
        }
        true
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::cooccur::PairCounts;

    #[test]
    fn streams_are_taken_in_order_across_refills_and_ends() {
        // Disjoint rows, dealt to four streams (one empty), each sorted in table order.
        let all: Vec<PairRow> = (0..500u32)
            .map(|i| PairRow {
                a: i % 37,
                b: 1000 + i,
                c: PairCounts {
                    documents: u64::from(i % 7) + 1,
                    sentences: 0,
                    window: 0,
                },
            })
            .collect();
        let mut want = all.clone();
        Order::Table.sort(&mut want);
        for ahead in [2, 3, 64, 10_000] {
            let mut parts: Vec<Vec<PairRow>> = vec![Vec::new(); 4];
            for (i, r) in all.iter().enumerate() {
                if let Some(p) = parts.get_mut([0, 1, 3][i % 3]) {
                    p.push(*r);
                }
            }
            let rows: Vec<Rows> = parts
                .into_iter()
                .map(|mut p| {
                    Order::Table.sort(&mut p);
                    Box::new(p.into_iter().map(Ok)) as Rows
                })
                .collect();
            let mut s = Streams::new(rows, Order::Table, ahead);
            let mut got = Vec::new();
            loop {
                let block = s.take(7).unwrap();
                assert!(block.len() == 7 || got.len() + block.len() == want.len());
                if block.is_empty() {
                    break;
                }
                got.extend(block);
            }
            assert_eq!(got, want, "ahead {ahead}");
        }
    }
}
