//! Spill: keeps pair totals bounded in memory. When a pair map grows past the threshold, its
//! rows are sorted and written as a run (`.gazex-spill-N.run`) into the output folder; at the
//! end the runs and the rows still in memory are merged (k-way, at most [`FAN_IN`] files open at
//! once) into one stream sorted by ids with equal pairs summed, and, for the table, re-sorted by
//! documents the same way. Run files are deleted as soon as they are read (or dropped). It does
//! not count (see the parent module) and does not format tables (see `tables`).

use super::PairCounts;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;

/// At most this many run files are open at once while merging; more runs are first merged
/// in groups into longer runs.
pub const FAN_IN: usize = 64;

/// One pair and its counts (`a` < `b`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairRow {
    /// Source id.
    pub a: String,
    /// Target id.
    pub b: String,
    /// Counts.
    pub c: PairCounts,
}

/// The order of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By (source, target).
    Ids,
    /// By documents descending, then (source, target): the order of `cooccurrence.tsv`.
    Documents,
}

impl Order {
    /// Compares two rows in this order.
    pub fn cmp(self, x: &PairRow, y: &PairRow) -> Ordering {
        let ids = || (x.a.as_str(), x.b.as_str()).cmp(&(y.a.as_str(), y.b.as_str()));
        match self {
            Order::Ids => ids(),
            Order::Documents => y.c.documents.cmp(&x.c.documents).then_with(ids),
        }
    }
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    threshold: usize,
    next: AtomicU64,
}

/// Where and when pair maps spill: a folder and a threshold of distinct pairs. Cheap to clone;
/// clones share the run counter, so workers never pick the same file name.
#[derive(Debug, Clone)]
pub struct Spiller {
    inner: Arc<Inner>,
}

/// A run file on disk, deleted when dropped.
#[derive(Debug)]
pub struct Run {
    path: PathBuf,
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Spiller {
    /// Spills into `dir` whenever a map holds more than `threshold` pairs (at least 1).
    pub fn new(dir: &Path, threshold: usize) -> Self {
        Spiller {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                threshold: threshold.max(1),
                next: AtomicU64::new(0),
            }),
        }
    }

    /// The threshold in distinct pairs.
    pub fn threshold(&self) -> usize {
        self.inner.threshold
    }

    fn create(&self) -> io::Result<(Run, BufWriter<File>)> {
        let n = self.inner.next.fetch_add(1, AtomicOrdering::Relaxed);
        let path = self
            .inner
            .dir
            .join(format!(".gazex-spill-{}-{n}.run", std::process::id()));
        let f = File::create(&path)?;
        Ok((Run { path }, BufWriter::with_capacity(1 << 16, f)))
    }

    /// Sorts `rows` in `order` and writes them as a run.
    pub fn write_sorted(&self, mut rows: Vec<PairRow>, order: Order) -> io::Result<Run> {
        rows.sort_unstable_by(|x, y| order.cmp(x, y));
        self.write_stream(rows.into_iter().map(Ok))
    }

    /// Writes rows that are already in order as a run.
    pub fn write_stream(&self, rows: impl Iterator<Item = io::Result<PairRow>>) -> io::Result<Run> {
        let (run, mut w) = self.create()?;
        for r in rows {
            write_row(&mut w, &r?)?;
        }
        w.flush()?;
        Ok(run)
    }
}

fn write_row<W: Write>(w: &mut W, r: &PairRow) -> io::Result<()> {
    for s in [&r.a, &r.b] {
        let len = u32::try_from(s.len()).map_err(|_| io::Error::other("id too long"))?;
        w.write_all(&len.to_le_bytes())?;
        w.write_all(s.as_bytes())?;
    }
    for n in [r.c.documents, r.c.sentences, r.c.window] {
        w.write_all(&n.to_le_bytes())?;
    }
    Ok(())
}

fn read_string<R: Read>(r: &mut R, first: Option<[u8; 4]>) -> io::Result<String> {
    let len = match first {
        Some(b) => b,
        None => {
            let mut b = [0u8; 4];
            r.read_exact(&mut b)?;
            b
        }
    };
    let mut buf = vec![0u8; u32::from_le_bytes(len) as usize];
    r.read_exact(&mut buf)?;
    String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn read_u64<R: Read>(r: &mut R) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// Reads a run back; the file is deleted when the reader is dropped.
struct RunReader {
    r: BufReader<File>,
    _run: Run,
}

impl RunReader {
    fn open(run: Run) -> io::Result<Self> {
        let f = File::open(&run.path)?;
        Ok(RunReader {
            r: BufReader::with_capacity(1 << 16, f),
            _run: run,
        })
    }

    fn next_row(&mut self) -> io::Result<Option<PairRow>> {
        let mut len = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            let n = self.r.read(&mut len[got..])?;
            if n == 0 {
                return if got == 0 {
                    Ok(None)
                } else {
                    Err(io::ErrorKind::UnexpectedEof.into())
                };
            }
            got += n;
        }
        let a = read_string(&mut self.r, Some(len))?;
        let b = read_string(&mut self.r, None)?;
        let c = PairCounts {
            documents: read_u64(&mut self.r)?,
            sentences: read_u64(&mut self.r)?,
            window: read_u64(&mut self.r)?,
        };
        Ok(Some(PairRow { a, b, c }))
    }
}

impl Iterator for RunReader {
    type Item = io::Result<PairRow>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().transpose()
    }
}

/// A stream of pair rows.
pub type Rows = Box<dyn Iterator<Item = io::Result<PairRow>>>;

struct Head {
    row: PairRow,
    src: usize,
    order: Order,
}

impl PartialEq for Head {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Head {
    // Reversed, so the max-heap yields the smallest row; ties go to the earlier source.
    fn cmp(&self, o: &Self) -> Ordering {
        self.order
            .cmp(&o.row, &self.row)
            .then_with(|| o.src.cmp(&self.src))
    }
}

/// A k-way merge of sorted streams.
struct Merged {
    sources: Vec<Rows>,
    heap: BinaryHeap<Head>,
    order: Order,
    started: bool,
}

impl Merged {
    fn new(sources: Vec<Rows>, order: Order) -> Self {
        Merged {
            heap: BinaryHeap::with_capacity(sources.len()),
            sources,
            order,
            started: false,
        }
    }

    fn pull(&mut self, src: usize) -> io::Result<()> {
        if let Some(s) = self.sources.get_mut(src) {
            if let Some(row) = s.next().transpose()? {
                self.heap.push(Head {
                    row,
                    src,
                    order: self.order,
                });
            }
        }
        Ok(())
    }
}

impl Iterator for Merged {
    type Item = io::Result<PairRow>;
    fn next(&mut self) -> Option<Self::Item> {
        if !self.started {
            self.started = true;
            for i in 0..self.sources.len() {
                if let Err(e) = self.pull(i) {
                    return Some(Err(e));
                }
            }
        }
        let h = self.heap.pop()?;
        if let Err(e) = self.pull(h.src) {
            return Some(Err(e));
        }
        Some(Ok(h.row))
    }
}

/// Sums consecutive rows of the same pair (input sorted by ids).
struct Summed {
    inner: Merged,
    pending: Option<PairRow>,
}

impl Iterator for Summed {
    type Item = io::Result<PairRow>;
    fn next(&mut self) -> Option<Self::Item> {
        let mut cur = match self.pending.take() {
            Some(r) => r,
            None => match self.inner.next()? {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            },
        };
        loop {
            match self.inner.next() {
                None => return Some(Ok(cur)),
                Some(Err(e)) => return Some(Err(e)),
                Some(Ok(r)) if r.a == cur.a && r.b == cur.b => cur.c += r.c,
                Some(Ok(r)) => {
                    self.pending = Some(r);
                    return Some(Ok(cur));
                }
            }
        }
    }
}

fn open_all(runs: Vec<Run>) -> io::Result<Vec<Rows>> {
    runs.into_iter()
        .map(|r| RunReader::open(r).map(|r| Box::new(r) as Rows))
        .collect()
}

fn merge(runs: Vec<Run>, extra: Option<Vec<PairRow>>, order: Order) -> io::Result<Rows> {
    let mut sources = open_all(runs)?;
    if let Some(rows) = extra {
        sources.push(Box::new(rows.into_iter().map(Ok)));
    }
    let m = Merged::new(sources, order);
    Ok(match order {
        Order::Ids => Box::new(Summed {
            inner: m,
            pending: None,
        }),
        Order::Documents => Box::new(m),
    })
}

/// Merges runs (sorted by `order`) and sorted rows in memory into one stream in `order`;
/// with [`Order::Ids`], rows of the same pair are summed.
pub fn merge_runs(
    spiller: &Spiller,
    mut runs: Vec<Run>,
    mut mem: Vec<PairRow>,
    order: Order,
) -> io::Result<Rows> {
    while runs.len() >= FAN_IN {
        let group: Vec<Run> = runs.drain(..FAN_IN).collect();
        let run = spiller.write_stream(merge(group, None, order)?)?;
        runs.push(run);
    }
    mem.sort_unstable_by(|x, y| order.cmp(x, y));
    merge(runs, Some(mem), order)
}

/// Re-sorts a stream of distinct pairs by [`Order::Documents`], holding at most the spill
/// threshold of rows in memory at once.
pub fn by_documents(spiller: &Spiller, rows: Rows) -> io::Result<Rows> {
    let mut runs = Vec::new();
    let mut buf = Vec::new();
    for r in rows {
        buf.push(r?);
        if buf.len() >= spiller.threshold() {
            runs.push(spiller.write_sorted(std::mem::take(&mut buf), Order::Documents)?);
        }
    }
    merge_runs(spiller, runs, buf, Order::Documents)
}

#[cfg(test)]
mod tests {
    use super::super::{PairCounts, Totals};
    use super::*;

    fn pairs(n: u64) -> Vec<(String, String, PairCounts)> {
        // Every pair three times, in a scrambled order, with varied counts.
        let mut v = Vec::new();
        for round in 0..3 {
            for i in 0..n {
                let k = (i * 7919 + round * 31) % n;
                v.push((
                    format!("a{:03}", k % 17),
                    format!("b{k:04}"),
                    PairCounts {
                        documents: 1 + k % 5,
                        sentences: round,
                        window: k,
                    },
                ));
            }
        }
        v
    }

    fn table(mut t: Totals) -> Vec<PairRow> {
        t.into_pairs().unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn spilled_runs_merge_to_the_in_memory_table() {
        let dir = tempfile::tempdir().unwrap();
        let mut mem = Totals::default();
        // Threshold 1: a run per pair, over FAN_IN runs, so runs are merged in groups first.
        let mut disk = Totals::with_spill(Some(Spiller::new(dir.path(), 1)));
        for (a, b, c) in pairs(300) {
            mem.add_pair(a.clone(), b.clone(), c);
            disk.add_pair(a, b, c);
        }
        assert!(disk.spilled());
        let (m, d) = (table(mem), table(disk));
        assert_eq!(m.len(), 300);
        assert_eq!(m, d);
        assert!(m
            .windows(2)
            .all(|w| Order::Documents.cmp(&w[0], &w[1]) == Ordering::Less));
        let left = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, 0, "runs are deleted once read");
    }

    #[test]
    fn totals_summed_from_spilling_parts_equal_one_total() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spiller::new(dir.path(), 10);
        let mut whole = Totals::default();
        let mut sum = Totals::with_spill(Some(s.clone()));
        for chunk in pairs(120).chunks(50) {
            let mut part = Totals::with_spill(Some(s.clone()));
            for (a, b, c) in chunk {
                whole.add_pair(a.clone(), b.clone(), *c);
                part.add_pair(a.clone(), b.clone(), *c);
            }
            sum += part;
        }
        assert_eq!(table(whole), table(sum));
    }
}
