//! Spill: keeps pair counts bounded in memory. A pair map that grows past its threshold is
//! sorted and written as a run of fixed-size numeric rows (`.gazex-spill-*.run`, 32 bytes a
//! row) into the output folder; at the end the runs and the rows still in memory are merged
//! (k-way, at most [`FAN_IN`] files open at once) into one stream with equal pairs summed, and,
//! for the table, sorted again in table order the same way. Run files are deleted once read
//! (or dropped), unless a checkpoint [keeps](Run::keep) them for a resume. It does not count
//! (see the parent module) and does not format tables (see `tables`).

use super::PairCounts;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;

/// At most this many run files are open at once while merging; more runs are first merged
/// in groups into longer runs.
pub const FAN_IN: usize = 64;

/// Bytes of one row in a run file.
const ROW_BYTES: usize = 32;

/// One pair and its counts. In [`Order::Keys`] streams `a` < `b` are entity keys; in
/// [`Order::Table`] streams they are ranks of the ids (the table's source and target).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairRow {
    /// Smaller key (or rank).
    pub a: u32,
    /// Larger key (or rank).
    pub b: u32,
    /// Counts.
    pub c: PairCounts,
}

/// The order of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By (a, b).
    Keys,
    /// By documents descending, then (a, b): the order of `cooccurrence.tsv` when a and b
    /// are id ranks.
    Table,
}

impl Order {
    /// Compares two rows in this order.
    #[inline]
    pub fn cmp(self, x: &PairRow, y: &PairRow) -> Ordering {
        match self {
            Order::Keys => (x.a, x.b).cmp(&(y.a, y.b)),
            Order::Table => (y.c.documents, x.a, x.b).cmp(&(x.c.documents, y.a, y.b)),
        }
    }

    /// Sorts rows in this order.
    pub fn sort(self, rows: &mut [PairRow]) {
        match self {
            Order::Keys => rows.sort_unstable_by_key(|r| (u64::from(r.a) << 32) | u64::from(r.b)),
            Order::Table => rows.sort_unstable_by_key(|r| {
                (u128::from(u64::MAX - r.c.documents) << 64)
                    | (u128::from(r.a) << 32)
                    | u128::from(r.b)
            }),
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

/// A run file on disk, deleted when dropped unless kept.
#[derive(Debug)]
pub struct Run {
    path: PathBuf,
    keep: bool,
    synced: bool,
}

impl Drop for Run {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Run {
    /// Adopts an existing run file (written by an interrupted run and listed in its
    /// checkpoint): it must hold whole rows.
    pub fn adopt(path: PathBuf) -> io::Result<Run> {
        let len = std::fs::metadata(&path)?.len();
        if len % ROW_BYTES as u64 != 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: not a whole run ({len} bytes)", path.display()),
            ));
        }
        Ok(Run {
            path,
            keep: false,
            synced: true,
        })
    }

    /// The file name of the run (inside the spill folder).
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Keeps the file on disk when this run is dropped (a checkpoint refers to it).
    pub fn keep(&mut self, keep: bool) {
        self.keep = keep;
    }

    /// Makes the file durable (before a checkpoint lists it); once per run.
    pub fn sync(&mut self) -> io::Result<()> {
        if !self.synced {
            File::open(&self.path)?.sync_all()?;
            self.synced = true;
        }
        Ok(())
    }
}

/// The name prefix of every run file.
pub const RUN_PREFIX: &str = ".gazex-spill-";

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

    /// The folder runs are written to.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    fn create(&self) -> io::Result<(Run, BufWriter<File>)> {
        loop {
            let n = self.inner.next.fetch_add(1, AtomicOrdering::Relaxed);
            let path = self
                .inner
                .dir
                .join(format!("{RUN_PREFIX}{}-{n}.run", std::process::id()));
            // A resumed run may share the pid of the one it continues: never reuse a name.
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(f) => {
                    return Ok((
                        Run {
                            path,
                            keep: false,
                            synced: false,
                        },
                        BufWriter::with_capacity(1 << 16, f),
                    ))
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Sorts `rows` in `order` and writes them as a run.
    pub fn write_sorted(&self, mut rows: Vec<PairRow>, order: Order) -> io::Result<Run> {
        order.sort(&mut rows);
        self.write_stream(rows.into_iter().map(Ok))
    }

    /// Writes rows that are already in order as a run.
    pub fn write_stream(&self, rows: impl Iterator<Item = io::Result<PairRow>>) -> io::Result<Run> {
        let (run, mut w) = self.create()?;
        for r in rows {
            w.write_all(&encode(&r?))?;
        }
        w.flush()?;
        Ok(run)
    }
}

fn encode(r: &PairRow) -> [u8; ROW_BYTES] {
    let mut b = [0u8; ROW_BYTES];
    b[0..4].copy_from_slice(&r.a.to_le_bytes());
    b[4..8].copy_from_slice(&r.b.to_le_bytes());
    b[8..16].copy_from_slice(&r.c.documents.to_le_bytes());
    b[16..24].copy_from_slice(&r.c.sentences.to_le_bytes());
    b[24..32].copy_from_slice(&r.c.window.to_le_bytes());
    b
}

fn decode(b: &[u8; ROW_BYTES]) -> PairRow {
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let u64_at = |i: usize| {
        let mut x = [0u8; 8];
        x.copy_from_slice(&b[i..i + 8]);
        u64::from_le_bytes(x)
    };
    PairRow {
        a: u32_at(0),
        b: u32_at(4),
        c: PairCounts {
            documents: u64_at(8),
            sentences: u64_at(16),
            window: u64_at(24),
        },
    }
}

/// Reads a run back; the file is deleted when the reader is dropped (unless kept).
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
        let mut b = [0u8; ROW_BYTES];
        let mut got = 0;
        while got < ROW_BYTES {
            let n = self.r.read(&mut b[got..])?;
            if n == 0 {
                return if got == 0 {
                    Ok(None)
                } else {
                    Err(io::ErrorKind::UnexpectedEof.into())
                };
            }
            got += n;
        }
        Ok(Some(decode(&b)))
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

/// Sums consecutive rows of the same pair (input sorted by keys).
struct Summed<I> {
    inner: I,
    pending: Option<PairRow>,
}

impl<I: Iterator<Item = io::Result<PairRow>>> Iterator for Summed<I> {
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

fn merge(runs: Vec<Run>, mem: Vec<Vec<PairRow>>, order: Order) -> io::Result<Rows> {
    let mut sources: Vec<Rows> = Vec::with_capacity(runs.len() + mem.len());
    for r in runs {
        sources.push(Box::new(RunReader::open(r)?));
    }
    for rows in mem {
        sources.push(Box::new(rows.into_iter().map(Ok)));
    }
    let merged: Rows = if sources.len() == 1 {
        sources
            .pop()
            .unwrap_or_else(|| Box::new(std::iter::empty()))
    } else {
        Box::new(Merged::new(sources, order))
    };
    Ok(match order {
        Order::Keys => Box::new(Summed {
            inner: merged,
            pending: None,
        }),
        Order::Table => merged,
    })
}

/// Merges runs and in-memory row lists, each sorted in `order`, into one stream in `order`;
/// with [`Order::Keys`], rows of the same pair are summed.
pub fn merge_runs(
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
    merge(runs, mem, order)
}

/// Sorts a stream of distinct pairs in [`Order::Table`], holding at most the spill threshold
/// of rows in memory at once (more go through sorted runs on disk).
pub fn sort_table(
    spiller: &Spiller,
    rows: impl Iterator<Item = io::Result<PairRow>>,
) -> io::Result<Rows> {
    let mut runs = Vec::new();
    let mut buf = Vec::new();
    for r in rows {
        buf.push(r?);
        if buf.len() >= spiller.threshold() {
            runs.push(spiller.write_sorted(std::mem::take(&mut buf), Order::Table)?);
        }
    }
    Order::Table.sort(&mut buf);
    merge_runs(spiller, runs, vec![buf], Order::Table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: u32) -> Vec<PairRow> {
        // Every pair three times, in a scrambled order, with varied counts.
        let mut v = Vec::new();
        for round in 0..3u64 {
            for i in 0..n {
                let k = (i * 7919 + round as u32 * 31) % n;
                v.push(PairRow {
                    a: k % 17,
                    b: 100 + k,
                    c: PairCounts {
                        documents: 1 + u64::from(k % 5),
                        sentences: round,
                        window: u64::from(k),
                    },
                });
            }
        }
        v
    }

    #[test]
    fn runs_merge_to_the_in_memory_sums() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spiller::new(dir.path(), 1);
        let all = rows(300);
        // Many tiny runs (over FAN_IN, so they are merged in groups first) and one list.
        let mut runs = Vec::new();
        for chunk in all[..600].chunks(7) {
            runs.push(s.write_sorted(chunk.to_vec(), Order::Keys).unwrap());
        }
        let mut rest = all[600..].to_vec();
        Order::Keys.sort(&mut rest);
        let merged: Vec<PairRow> = merge_runs(&s, runs, vec![rest], Order::Keys)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut want: std::collections::BTreeMap<(u32, u32), PairCounts> = Default::default();
        for r in &all {
            *want.entry((r.a, r.b)).or_default() += r.c;
        }
        let want: Vec<PairRow> = want
            .into_iter()
            .map(|((a, b), c)| PairRow { a, b, c })
            .collect();
        assert_eq!(merged, want);
        let table: Vec<PairRow> = sort_table(&s, merged.into_iter().map(Ok))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(table.len(), 300);
        assert!(table
            .windows(2)
            .all(|w| Order::Table.cmp(&w[0], &w[1]) == Ordering::Less));
        let left = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, 0, "runs are deleted once read");
    }

    #[test]
    fn kept_runs_stay_and_can_be_adopted() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spiller::new(dir.path(), 10);
        let mut run = s.write_sorted(rows(20), Order::Keys).unwrap();
        run.keep(true);
        let name = run.file_name();
        drop(run);
        let back = Run::adopt(dir.path().join(&name)).unwrap();
        let n = merge(vec![back], Vec::new(), Order::Keys)
            .unwrap()
            .map(Result::unwrap)
            .count();
        assert_eq!(n, 20);
        assert!(!dir.path().join(&name).exists());
        std::fs::write(dir.path().join("cut.run"), [0u8; 33]).unwrap();
        assert!(Run::adopt(dir.path().join("cut.run")).is_err());
    }
}
