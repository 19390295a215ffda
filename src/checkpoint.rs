//! Checkpoints of an interrupted `extract` run, for `--resume`. A checkpoint records how many
//! units of work are done, the byte lengths of the streamed temporary files at that moment, the
//! run's counters and the co-occurrence totals of the documents done, plus a fingerprint of the
//! options, gazetteers and input listing. It is one file (`.gazex-checkpoint` in the output
//! folder), written under a temporary name, synced and renamed, so a crash leaves either the old
//! or the new checkpoint, never half of one. It does not decide when to checkpoint (see `run`).
#![deny(clippy::indexing_slicing)]

#[cfg(test)]
use crate::cooccur::PairCounts;
use crate::cooccur::{EntityCounts, Totals};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

/// The checkpoint file name inside the output folder.
pub(crate) const FILE: &str = ".gazex-checkpoint";
/// Checkpoint format: 3 since pair runs are written in blocks of coded rows.
const FORMAT: u32 = 3;

/// The counters of the run so far.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Counters {
    /// Documents written (including skipped ones).
    pub(crate) documents: u64,
    /// Mentions written.
    pub(crate) mentions: u64,
    /// Documents with warnings.
    pub(crate) warned_documents: u64,
    /// Warnings in all.
    pub(crate) warnings: u64,
    /// Input bytes.
    pub(crate) bytes: u64,
    /// The first warnings (document id, warning).
    pub(crate) first_warnings: Vec<(String, String)>,
}

/// Everything a checkpoint holds besides the totals.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Header {
    /// Checkpoint format version.
    pub(crate) format: u32,
    /// What must be equal for a resume: options, gazetteers, inputs, listing.
    pub(crate) fingerprint: serde_json::Value,
    /// Units of work done (one per document record).
    pub(crate) units: u64,
    /// Byte length of the entities temporary file at this checkpoint.
    pub(crate) entities_len: u64,
    /// Byte length of the documents temporary file at this checkpoint.
    pub(crate) documents_len: u64,
    /// Counters of the documents done.
    pub(crate) counters: Counters,
}

impl Header {
    /// A header for `units` done.
    pub(crate) fn new(fingerprint: serde_json::Value, units: u64) -> Self {
        Header {
            format: FORMAT,
            fingerprint,
            units,
            entities_len: 0,
            documents_len: 0,
            counters: Counters::default(),
        }
    }
}

/// Writes the checkpoint atomically into `dir` (temporary file, sync, rename). The pairs of
/// `totals` must all be in runs on disk ([`crate::cooccur::PairMap::flush`]); the checkpoint
/// lists them, with the interned ids their keys refer to.
pub(crate) fn write(
    dir: &Path,
    header: &Header,
    totals: &Totals,
    interned: &[String],
) -> Result<()> {
    let tmp = dir.join(".gazex-checkpoint.tmp");
    let f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let io = |e: std::io::Error| Error::io(&tmp, e);
    serde_json::to_writer(&mut w, header).map_err(|e| io(e.into()))?;
    w.write_all(b"\n").map_err(io)?;
    write_totals(&mut w, totals, interned).map_err(io)?;
    let f = w.into_inner().map_err(|e| io(e.into_error()))?;
    f.sync_all().map_err(io)?;
    drop(f);
    let dest = dir.join(FILE);
    std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
    sync_dir(dir);
    Ok(())
}

/// The co-occurrence state a checkpoint holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Saved {
    /// Documents counted.
    pub(crate) documents: u64,
    /// Ids interned after the gazetteer entries, in key order.
    pub(crate) interned: Vec<String>,
    /// Entity key -> counts.
    pub(crate) entities: Vec<(u32, EntityCounts)>,
    /// File names of the pair runs (in the output folder).
    pub(crate) runs: Vec<String>,
}

/// Reads the checkpoint of `dir`, if there is one. A checkpoint that cannot be read is an
/// error naming the file.
pub(crate) fn read(dir: &Path) -> Result<Option<(Header, Saved)>> {
    let p = dir.join(FILE);
    let f = match std::fs::File::open(&p) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&p, e)),
    };
    let bad = |m: String| Error::Usage(format!("{}: unreadable checkpoint: {m}", p.display()));
    let mut r =
        crate::lines::Lines::new(BufReader::with_capacity(1 << 20, f), crate::lines::MAX_LINE);
    let line = r.next().transpose().map_err(|e| Error::io(&p, e))?;
    let header: Header =
        serde_json::from_str(&line.unwrap_or_default()).map_err(|e| bad(e.to_string()))?;
    if header.format != FORMAT {
        return Err(bad(format!("format {} (want {FORMAT})", header.format)));
    }
    let totals = read_totals(r.into_inner()).map_err(bad)?;
    Ok(Some((header, totals)))
}

/// Removes the checkpoint files of `dir` (after a complete run).
pub(crate) fn remove(dir: &Path) {
    for n in [FILE, ".gazex-checkpoint.tmp"] {
        let _ = std::fs::remove_file(dir.join(n));
    }
}

/// Syncs a folder so a rename inside it survives a power cut (best effort).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes totals as JSON arrays, one a line: `["N", documents]`, `["K", id]` for each
/// interned id in key order, `["E", key, mentions, documents]`, `["R", run file name]`, and a
/// last `["END", ids, entities, runs]` line that proves the file whole.
pub(crate) fn write_totals<W: Write>(
    mut w: W,
    t: &Totals,
    interned: &[String],
) -> std::io::Result<()> {
    serde_json::to_writer(&mut w, &("N", t.documents))?;
    w.write_all(b"\n")?;
    for id in interned {
        serde_json::to_writer(&mut w, &("K", id))?;
        w.write_all(b"\n")?;
    }
    let mut entities: Vec<_> = t.entities.iter().collect();
    entities.sort_unstable_by_key(|e| *e.0);
    for (k, c) in &entities {
        serde_json::to_writer(&mut w, &("E", k, c.mentions, c.documents))?;
        w.write_all(b"\n")?;
    }
    if t.pairs.held() > 0 {
        return Err(std::io::Error::other(
            "internal: pairs held in memory at a checkpoint",
        ));
    }
    let runs = t.pairs.run_names();
    for r in &runs {
        serde_json::to_writer(&mut w, &("R", r))?;
        w.write_all(b"\n")?;
    }
    serde_json::to_writer(&mut w, &("END", interned.len(), entities.len(), runs.len()))?;
    w.write_all(b"\n")
}

/// Reads totals written by [`write_totals`]; an error says what is wrong.
pub(crate) fn read_totals<R: BufRead>(r: R) -> std::result::Result<Saved, String> {
    let mut t = Saved::default();
    let mut ended = false;
    for (i, line) in crate::lines::Lines::new(r, crate::lines::MAX_LINE).enumerate() {
        let line = line.map_err(|e| e.to_string())?;
        let v: Vec<serde_json::Value> =
            serde_json::from_str(&line).map_err(|e| format!("totals line {}: {e}", i + 1))?;
        let bad = || format!("totals line {}: unexpected record", i + 1);
        let s = |k: usize| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let n = |k: usize| v.get(k).and_then(|x| x.as_u64());
        match s(0).as_deref() {
            Some("N") => t.documents = n(1).ok_or_else(bad)?,
            Some("K") => t.interned.push(s(1).ok_or_else(bad)?),
            Some("E") => {
                let (Some(k), Some(m), Some(d)) = (n(1), n(2), n(3)) else {
                    return Err(bad());
                };
                let k = u32::try_from(k).map_err(|_| bad())?;
                t.entities.push((
                    k,
                    EntityCounts {
                        mentions: m,
                        documents: d,
                    },
                ));
            }
            Some("R") => {
                let name = s(1).ok_or_else(bad)?;
                // Only run files inside the folder, never a path elsewhere.
                if !name.starts_with(crate::cooccur::spill::RUN_PREFIX)
                    || name.contains('/')
                    || name.contains('\\')
                {
                    return Err(bad());
                }
                t.runs.push(name);
            }
            Some("END") => {
                if n(1) != Some(t.interned.len() as u64)
                    || n(2) != Some(t.entities.len() as u64)
                    || n(3) != Some(t.runs.len() as u64)
                {
                    return Err("totals: counts do not match the END line".into());
                }
                ended = true;
                break;
            }
            _ => return Err(bad()),
        }
    }
    if ended {
        Ok(t)
    } else {
        Err("totals: no END line (the file is cut short)".into())
    }
}

/// FNV-1a 64-bit hash, as 16 hex digits.
pub(crate) fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Builds the fingerprint of an input listing: every path with its size and modification
/// time, so a resume over changed inputs is refused.
#[derive(Default)]
pub(crate) struct Listing {
    text: String,
}

impl Listing {
    /// Adds a path and what `metadata` said of it (None: it could not be read); gives the
    /// size.
    pub(crate) fn add(&mut self, p: &Path, meta: Option<&std::fs::Metadata>) -> u64 {
        let (len, mtime) = meta.map_or((0, 0), |m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            (m.len(), t)
        });
        use std::fmt::Write as _;
        let _ = writeln!(self.text, "{}\t{len}\t{mtime}", p.display());
        len
    }

    /// The fingerprint.
    pub(crate) fn finish(&self) -> String {
        fnv(self.text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let s = crate::cooccur::Spiller::new(dir.path(), 100);
        let mut t = Totals::with_spill(Some(s));
        t.documents = 3;
        t.entities.insert(
            7,
            EntityCounts {
                mentions: 5,
                documents: 2,
            },
        );
        t.entities.insert(
            11,
            EntityCounts {
                mentions: 1,
                documents: 1,
            },
        );
        t.add_pair(
            11,
            7,
            PairCounts {
                documents: 1,
                sentences: 2,
                window: 3,
            },
        );
        t.pairs.flush().unwrap();
        let interned = vec!["date:2024".to_string(), "date:\"x\"\t".to_string()];
        let mut buf = Vec::new();
        write_totals(&mut buf, &t, &interned).unwrap();
        let back = read_totals(&buf[..]).unwrap();
        assert_eq!(back.documents, 3);
        assert_eq!(back.interned, interned);
        assert_eq!(back.entities.len(), 2);
        assert_eq!(back.runs, t.pairs.run_names());
        assert_eq!(back.runs.len(), 1);
        // Cut short: refused.
        let cut = buf.len() - 5;
        assert!(read_totals(buf.get(..cut).unwrap_or(&[])).is_err());
    }
}
