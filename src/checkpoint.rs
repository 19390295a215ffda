//! Checkpoints of an interrupted `extract` run, for `--resume`. A checkpoint records how many
//! units of work are done, the byte lengths of the streamed temporary files at that moment, the
//! run's counters and the co-occurrence totals of the documents done, plus a fingerprint of the
//! options, gazetteers and input listing. It is one file (`.gazex-checkpoint` in the output
//! folder), written under a temporary name, synced and renamed, so a crash leaves either the old
//! or the new checkpoint, never half of one. It does not decide when to checkpoint (see `run`).
#![deny(clippy::indexing_slicing)]

use crate::cooccur::{EntityCounts, EntityInfo, PairCounts, Totals};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The checkpoint file name inside the output folder.
pub const FILE: &str = ".gazex-checkpoint";
const FORMAT: u32 = 1;

/// The counters of the run so far.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counters {
    /// Documents written (including skipped ones).
    pub documents: u64,
    /// Mentions written.
    pub mentions: u64,
    /// Documents with warnings.
    pub warned_documents: u64,
    /// Warnings in all.
    pub warnings: u64,
    /// Input bytes.
    pub bytes: u64,
    /// The first warnings (document id, warning).
    pub first_warnings: Vec<(String, String)>,
}

/// Everything a checkpoint holds besides the totals.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Header {
    /// Checkpoint format version.
    pub format: u32,
    /// What must be equal for a resume: options, gazetteers, inputs, listing.
    pub fingerprint: serde_json::Value,
    /// Units of work done (one per document record).
    pub units: u64,
    /// Byte length of the entities temporary file at this checkpoint.
    pub entities_len: u64,
    /// Byte length of the documents temporary file at this checkpoint.
    pub documents_len: u64,
    /// Counters of the documents done.
    pub counters: Counters,
}

impl Header {
    /// A header for `units` done.
    pub fn new(fingerprint: serde_json::Value, units: u64) -> Self {
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

/// Writes the checkpoint atomically. Totals whose pairs were spilled to disk cannot be saved
/// (the caller keeps the previous checkpoint, still consistent, instead). into `dir` (temporary file, sync, rename).
pub fn write(dir: &Path, header: &Header, totals: &Totals) -> Result<()> {
    let tmp = dir.join(".gazex-checkpoint.tmp");
    let f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let io = |e: std::io::Error| Error::io(&tmp, e);
    serde_json::to_writer(&mut w, header).map_err(|e| io(e.into()))?;
    w.write_all(b"\n").map_err(io)?;
    write_totals(&mut w, totals).map_err(io)?;
    let f = w.into_inner().map_err(|e| io(e.into_error()))?;
    f.sync_all().map_err(io)?;
    drop(f);
    let dest = dir.join(FILE);
    std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
    sync_dir(dir);
    Ok(())
}

/// Reads the checkpoint of `dir`, if there is one. A checkpoint that cannot be read is an
/// error naming the file.
pub fn read(dir: &Path) -> Result<Option<(Header, Totals)>> {
    let p = dir.join(FILE);
    let f = match std::fs::File::open(&p) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&p, e)),
    };
    let bad = |m: String| Error::Usage(format!("{}: unreadable checkpoint: {m}", p.display()));
    let mut r = BufReader::with_capacity(1 << 20, f);
    let mut line = String::new();
    r.read_line(&mut line).map_err(|e| Error::io(&p, e))?;
    let header: Header = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
    if header.format != FORMAT {
        return Err(bad(format!("format {} (want {FORMAT})", header.format)));
    }
    let totals = read_totals(&mut r).map_err(bad)?;
    Ok(Some((header, totals)))
}

/// Removes the checkpoint files of `dir` (after a complete run).
pub fn remove(dir: &Path) {
    for n in [FILE, ".gazex-checkpoint.tmp"] {
        let _ = std::fs::remove_file(dir.join(n));
    }
}

/// Syncs a folder so a rename inside it survives a power cut (best effort).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes totals as JSON arrays, one a line: `["N", documents]`, `["E", id, type, name, [attributes],
/// mentions, documents]`, `["P", source, target, documents, sentences, window]`, and a last
/// `["END", entities, pairs]` line that proves the file whole.
pub fn write_totals<W: Write>(mut w: W, t: &Totals) -> std::io::Result<()> {
    serde_json::to_writer(&mut w, &("N", t.documents))?;
    w.write_all(b"\n")?;
    for (id, (info, c)) in &t.entities {
        serde_json::to_writer(
            &mut w,
            &(
                "E",
                id,
                &info.kind,
                &info.name,
                &info.attrs,
                c.mentions,
                c.documents,
            ),
        )?;
        w.write_all(b"\n")?;
    }
    for ((a, b), c) in &t.pairs {
        serde_json::to_writer(&mut w, &("P", a, b, c.documents, c.sentences, c.window))?;
        w.write_all(b"\n")?;
    }
    serde_json::to_writer(&mut w, &("END", t.entities.len(), t.pairs.len()))?;
    w.write_all(b"\n")
}

/// Reads totals written by [`write_totals`]; an error says what is wrong.
pub fn read_totals<R: BufRead>(r: R) -> std::result::Result<Totals, String> {
    let mut t = Totals::default();
    let mut ended = false;
    for (i, line) in r.lines().enumerate() {
        let line = line.map_err(|e| e.to_string())?;
        let v: Vec<serde_json::Value> =
            serde_json::from_str(&line).map_err(|e| format!("totals line {}: {e}", i + 1))?;
        let bad = || format!("totals line {}: unexpected record", i + 1);
        let s = |k: usize| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let n = |k: usize| v.get(k).and_then(|x| x.as_u64());
        match s(0).as_deref() {
            Some("N") => t.documents = n(1).ok_or_else(bad)?,
            Some("E") => {
                let (Some(id), Some(kind), Some(name), Some(m), Some(d)) =
                    (s(1), s(2), s(3), n(5), n(6))
                else {
                    return Err(bad());
                };
                let Some(attrs) = v.get(4).and_then(|x| x.as_array()) else {
                    return Err(bad());
                };
                let attrs = attrs
                    .iter()
                    .map(|a| a.as_str().map(str::to_string).ok_or_else(bad))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                let counts = EntityCounts {
                    mentions: m,
                    documents: d,
                };
                t.entities
                    .insert(id, (EntityInfo { kind, name, attrs }, counts));
            }
            Some("P") => {
                let (Some(a), Some(b), Some(d), Some(se), Some(w)) = (s(1), s(2), n(3), n(4), n(5))
                else {
                    return Err(bad());
                };
                t.pairs.insert(
                    (a, b),
                    PairCounts {
                        documents: d,
                        sentences: se,
                        window: w,
                    },
                );
            }
            Some("END") => {
                if n(1) != Some(t.entities.len() as u64) || n(2) != Some(t.pairs.len() as u64) {
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
pub fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A fingerprint of an input listing: every path with its size and modification time, so a
/// resume over changed inputs is refused.
pub fn listing_fingerprint<'a>(paths: impl Iterator<Item = &'a PathBuf>) -> String {
    let mut s = String::new();
    for p in paths {
        let (len, mtime) = std::fs::metadata(p)
            .map(|m| {
                let t = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                (m.len(), t)
            })
            .unwrap_or((0, 0));
        s.push_str(&format!("{}\t{len}\t{mtime}\n", p.display()));
    }
    fnv(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_round_trip() {
        let mut t = Totals::default();
        t.documents = 3;
        t.entities.insert(
            "place:x\t\"y\"".into(),
            (
                EntityInfo {
                    kind: "PLACE".into(),
                    name: "X\nY".into(),
                    attrs: vec!["Q1".into(), String::new()],
                },
                EntityCounts {
                    mentions: 5,
                    documents: 2,
                },
            ),
        );
        t.entities.insert(
            "date:2024".into(),
            (
                EntityInfo {
                    kind: "DATE".into(),
                    name: "2024".into(),
                    attrs: Vec::new(),
                },
                EntityCounts {
                    mentions: 1,
                    documents: 1,
                },
            ),
        );
        t.pairs.insert(
            ("date:2024".into(), "place:x\t\"y\"".into()),
            PairCounts {
                documents: 1,
                sentences: 2,
                window: 3,
            },
        );
        let mut buf = Vec::new();
        write_totals(&mut buf, &t).ok();
        let back = read_totals(&buf[..]).ok();
        let back = back.as_ref();
        assert_eq!(back.map(|b| b.documents), Some(3));
        assert_eq!(back.map(|b| &b.entities), Some(&t.entities));
        assert_eq!(back.map(|b| &b.pairs), Some(&t.pairs));
        // Cut short: refused.
        let cut = buf.len() - 5;
        assert!(read_totals(buf.get(..cut).unwrap_or(&[])).is_err());
    }
}
