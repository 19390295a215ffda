//! Spill: keeps pair counts bounded in memory. A pair map that grows past its threshold is
//! sorted and written as a run (`.gazex-spill-*.run`, blocks of delta-coded rows, about 5
//! bytes a row: see `codec`) into the output folder; at the end the runs and the rows still
//! in memory are merged (k-way, at most [`FAN_IN`] files open at once) into one stream with
//! equal pairs summed, and, for the table, sorted again in table order the same way. The
//! table's merge is cut by key range into one part per thread (a run knows the first key of
//! each block, so a part seeks to the block it starts in), and only the last table-order
//! merge is one stream. Run files are deleted once read (or dropped), unless a checkpoint
//! [keeps](Run::keep) them for a resume. It does not count (see the parent module) and does
//! not format tables (see `tables`).

use super::PairCounts;
use std::cmp::Ordering;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;

mod codec;
mod merge;
mod parts;
use merge::{merge, take_rows, Merged, Source};
pub(crate) use merge::{merge_runs, Rows, Streams};
pub(crate) use parts::table_rows;

use codec::{Decoder, Encoder, HEADER_BYTES};

/// At most this many run files are open at once while merging; more runs are first merged
/// in groups into longer runs.
pub(crate) const FAN_IN: usize = 256;

/// One pair and its counts. In [`Order::Keys`] streams `a` < `b` are entity keys; in
/// [`Order::Table`] streams they are ranks of the ids (the table's source and target).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PairRow {
    /// Smaller key (or rank).
    pub(crate) a: u32,
    /// Larger key (or rank).
    pub(crate) b: u32,
    /// Counts.
    pub(crate) c: PairCounts,
}

impl PairRow {
    /// Keys and counts all zero.
    pub(crate) const ZERO: PairRow = PairRow {
        a: 0,
        b: 0,
        c: PairCounts {
            documents: 0,
            sentences: 0,
            window: 0,
        },
    };

    /// The row with its keys replaced by `rank` (smaller first), or None when a key has no
    /// rank (its entity is left out of the table).
    #[inline]
    pub(crate) fn ranked(self, rank: &(dyn Fn(u32) -> Option<u32> + Sync)) -> Option<PairRow> {
        let (x, y) = (rank(self.a)?, rank(self.b)?);
        let (a, b) = if x < y { (x, y) } else { (y, x) };
        Some(PairRow { a, b, c: self.c })
    }
}

/// The order of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// By (a, b).
    Keys,
    /// By documents descending, then (a, b): the order of `cooccurrence.tsv` when a and b
    /// are id ranks.
    Table,
}

impl Order {
    /// Compares two rows in this order.
    #[inline]
    pub(crate) fn cmp(self, x: &PairRow, y: &PairRow) -> Ordering {
        match self {
            Order::Keys => (x.a, x.b).cmp(&(y.a, y.b)),
            Order::Table => (y.c.documents, x.a, x.b).cmp(&(x.c.documents, y.a, y.b)),
        }
    }

    /// A row's position in this order, as one number (rows of equal key are the same pair).
    #[inline]
    pub(crate) fn key(self, r: &PairRow) -> u128 {
        let pair = (u128::from(r.a) << 32) | u128::from(r.b);
        match self {
            Order::Keys => pair,
            Order::Table => (u128::from(u64::MAX - r.c.documents) << 64) | pair,
        }
    }

    /// Sorts rows in this order.
    pub(crate) fn sort(self, rows: &mut [PairRow]) {
        match self {
            Order::Keys => rows.sort_unstable_by_key(|r| (u64::from(r.a) << 32) | u64::from(r.b)),
            Order::Table => rows.sort_unstable_by_key(|r| self.key(r)),
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
pub(crate) struct Spiller {
    inner: Arc<Inner>,
}

/// A run file on disk, deleted when dropped unless kept.
#[derive(Debug)]
pub(crate) struct Run {
    path: PathBuf,
    keep: bool,
    synced: bool,
    /// Where each block starts, with its first row's [`Order::Keys`] key.
    blocks: Vec<Block>,
}

/// A block of a run file: its byte offset and the key of its first row.
#[derive(Debug, Clone, Copy)]
struct Block {
    offset: u64,
    first: u64,
}

/// The [`Order::Keys`] key of a row, as one number.
#[inline]
fn pair_key(r: &PairRow) -> u64 {
    (u64::from(r.a) << 32) | u64::from(r.b)
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
    /// checkpoint): it must be whole blocks of rows that decode.
    pub(crate) fn adopt(path: PathBuf) -> io::Result<Run> {
        let bad = |what: &str| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: not a whole run ({what})", path.display()),
            )
        };
        let mut file = io::BufReader::new(File::open(&path)?);
        let (mut blocks, mut offset, mut payload) = (Vec::new(), 0u64, Vec::new());
        while let Some((rows, len)) = read_block(&mut file, &mut payload).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                bad("cut short")
            } else {
                e
            }
        })? {
            let (mut dec, mut at) = (Decoder::new(), 0);
            let mut first = None;
            for _ in 0..rows {
                let row = dec.next(&payload, &mut at).ok_or_else(|| bad("bad row"))?;
                first.get_or_insert(pair_key(&row));
            }
            if at != len {
                return Err(bad("bad block"));
            }
            let first = first.ok_or_else(|| bad("empty block"))?;
            blocks.push(Block { offset, first });
            offset += (HEADER_BYTES + len) as u64;
        }
        Ok(Run {
            path,
            keep: false,
            synced: true,
            blocks,
        })
    }

    /// The file name of the run (inside the spill folder).
    pub(crate) fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Keeps the file on disk when this run is dropped (a checkpoint refers to it).
    pub(crate) fn keep(&mut self, keep: bool) {
        self.keep = keep;
    }

    /// Makes the file durable (before a checkpoint lists it); once per run.
    pub(crate) fn sync(&mut self) -> io::Result<()> {
        if !self.synced {
            File::open(&self.path)?.sync_all()?;
            self.synced = true;
        }
        Ok(())
    }
}

/// The name prefix of every run file.
pub(crate) const RUN_PREFIX: &str = ".gazex-spill-";

impl Spiller {
    /// Spills into `dir` whenever a map holds more than `threshold` pairs (at least 1).
    pub(crate) fn new(dir: &Path, threshold: usize) -> Self {
        Spiller {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                threshold: threshold.max(1),
                next: AtomicU64::new(0),
            }),
        }
    }

    /// The threshold in distinct pairs.
    pub(crate) fn threshold(&self) -> usize {
        self.inner.threshold
    }

    /// The folder runs are written to.
    pub(crate) fn dir(&self) -> &Path {
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
                            blocks: Vec::new(),
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
    pub(crate) fn write_sorted(&self, mut rows: Vec<PairRow>, order: Order) -> io::Result<Run> {
        order.sort(&mut rows);
        self.write_stream(rows.into_iter().map(Ok))
    }

    /// Writes rows that are already in order as a run.
    pub(crate) fn write_stream(
        &self,
        rows: impl Iterator<Item = io::Result<PairRow>>,
    ) -> io::Result<Run> {
        let (mut run, mut w) = self.create()?;
        let (mut enc, mut block, mut offset) = (Encoder::new(), Vec::new(), 0u64);
        let mut first = 0;
        let mut flush = |enc: &mut Encoder, first: u64, run: &mut Run| -> io::Result<()> {
            enc.finish(&mut block);
            w.write_all(&block)?;
            run.blocks.push(Block { offset, first });
            offset += block.len() as u64;
            Ok(())
        };
        for r in rows {
            let r = r?;
            if enc.rows() == 0 {
                first = pair_key(&r);
            }
            if enc.push(&r) {
                flush(&mut enc, first, &mut run)?;
            }
        }
        if enc.rows() > 0 {
            flush(&mut enc, first, &mut run)?;
        }
        w.flush()?;
        Ok(run)
    }
}

/// Reads the next block of a run into `payload`: Some((rows, payload bytes)), or None at
/// the end of the file.
fn read_block(file: &mut impl Read, payload: &mut Vec<u8>) -> io::Result<Option<(usize, usize)>> {
    let mut head = [0u8; HEADER_BYTES];
    let mut got = 0;
    while got < HEADER_BYTES {
        match file.read(head.get_mut(got..).unwrap_or_default()) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let (rows, len) = codec::header(head).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "a run block header out of range",
        )
    })?;
    payload.resize(len, 0);
    file.read_exact(payload)?;
    Ok(Some((rows, len)))
}

/// Reads a run back, a block at a time (a few KiB: up to [`FAN_IN`] runs are read at
/// once), optionally only the rows with keys in a range; the file is deleted when the
/// reader is dropped (unless kept).
struct RunReader {
    file: io::BufReader<File>,
    /// The current block's payload, where the next row begins in it and rows left in it.
    payload: Vec<u8>,
    at: usize,
    left: usize,
    dec: Decoder,
    /// Rows with [`Order::Keys`] keys below `from` are skipped; the reader ends at the first
    /// row at `to` or above.
    from: u64,
    to: Option<u64>,
    ended: bool,
    _run: Option<Run>,
}

impl RunReader {
    fn open(run: Run) -> io::Result<Self> {
        let mut r = RunReader::range(&run, 0, None)?;
        r._run = Some(run);
        Ok(r)
    }

    /// Reads the rows of `run` whose keys are `from` or more and below `to` (the caller
    /// keeps the run; only for runs in [`Order::Keys`]).
    fn range(run: &Run, from: u64, to: Option<u64>) -> io::Result<Self> {
        // The last block that starts below `from` may hold it.
        let start = run.blocks.partition_point(|b| b.first < from);
        let offset = run
            .blocks
            .get(start.saturating_sub(1))
            .map_or(0, |b| b.offset);
        let mut file = File::open(&run.path)?;
        file.seek(SeekFrom::Start(offset))?;
        Ok(RunReader {
            file: io::BufReader::with_capacity(1 << 13, file),
            payload: Vec::new(),
            at: 0,
            left: 0,
            dec: Decoder::new(),
            from,
            to,
            ended: false,
            _run: None,
        })
    }

    #[inline]
    fn next_row(&mut self) -> io::Result<Option<PairRow>> {
        while !self.ended {
            if self.left == 0 {
                match read_block(&mut self.file, &mut self.payload)? {
                    Some((rows, _)) => (self.left, self.at, self.dec) = (rows, 0, Decoder::new()),
                    None => return Ok(None),
                }
            }
            let row = self
                .dec
                .next(&self.payload, &mut self.at)
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "a bad run row"))?;
            self.left -= 1;
            let key = pair_key(&row);
            if key < self.from {
                continue;
            }
            if self.to.is_some_and(|to| key >= to) {
                self.ended = true;
                break;
            }
            return Ok(Some(row));
        }
        Ok(None)
    }
}

/// Removes the pair runs left in the output folder (after a complete run).
pub(crate) fn remove_runs(dir: &Path) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(RUN_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn rows(n: u32) -> Vec<PairRow> {
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
        for chunk in all[..600].chunks(2) {
            runs.push(s.write_sorted(chunk.to_vec(), Order::Keys).unwrap());
        }
        assert!(runs.len() > FAN_IN);
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
        let left = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, 0, "runs are deleted once read");
    }

    #[test]
    fn kept_runs_stay_and_can_be_adopted() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spiller::new(dir.path(), 10);
        // Longer than a read block, so it is read back in several.
        let mut run = s.write_sorted(rows(700), Order::Keys).unwrap();
        run.keep(true);
        let name = run.file_name();
        drop(run);
        let back = Run::adopt(dir.path().join(&name)).unwrap();
        let n = merge(vec![back], Vec::new(), Order::Keys)
            .unwrap()
            .map(Result::unwrap)
            .count();
        assert_eq!(n, 700, "2,100 rows, every pair three times, summed");
        assert!(!dir.path().join(&name).exists());
        std::fs::write(dir.path().join("cut.run"), [0u8; 33]).unwrap();
        assert!(Run::adopt(dir.path().join("cut.run")).is_err());
    }
}
