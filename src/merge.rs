//! Merge: combines the output folders of several `extract` runs over disjoint document sets
//! (shards) into exactly what one run over all documents gives: `entities.jsonl` and
//! `documents.jsonl` concatenated in part order, `entities.tsv` and `cooccurrence.tsv` summed
//! (through [`Totals`], so pairs spill to disk the same way), `npmi` recomputed from the summed
//! totals, manifest counts summed. Parts made with different gazetteers, options or versions,
//! or whose run did not complete, are refused before anything is written. It does not count
//! mentions (see `cooccur`) or format tables (see `tables`).

use crate::cooccur::{EntityCounts, EntityInfo, Keys, Spiller, Totals};
use crate::error::{Error, Result};
use crate::lines::{Line, Lines, MAX_LINE};
use crate::manifest::{millis, Counts, Manifest, Timings};
use crate::output::OutDir;
use crate::run::{finish, Finished, Tables};
use crate::tables::{
    check_pair_header, entity_attribute_columns, tsv_reader, EntityLine, PairLine,
};
use serde_json::{json, Value};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod disjoint;

/// Options keys that may differ between parts (where the input came from, how it ran).
const IGNORED_OPTIONS: [&str; 9] = [
    "inputs", "input", "out", "threads", "force", "resume", "progress", "quiet", "stdout",
];

/// The files every part must hold.
const PART_FILES: [&str; 5] = [
    "manifest.json",
    "entities.jsonl",
    "documents.jsonl",
    "entities.tsv",
    "cooccurrence.tsv",
];

/// What a merge did.
#[derive(Debug, Clone, Default)]
pub struct MergeSummary {
    /// Parts merged.
    pub parts: usize,
    /// Documents in all.
    pub documents: u64,
    /// Mentions in all.
    pub mentions: u64,
    /// Distinct entities.
    pub entities: usize,
    /// Distinct pairs.
    pub pairs: u64,
}

/// The options that must agree between parts.
fn comparable_options(m: &Manifest) -> Value {
    let mut o = m.options.clone();
    if let Some(map) = o.as_object_mut() {
        for k in IGNORED_OPTIONS {
            map.remove(k);
        }
    }
    o
}

/// Checks that every part is a complete gazex output made like the first one.
fn check_parts(parts: &[PathBuf]) -> Result<Vec<Manifest>> {
    if parts.is_empty() {
        return Err(Error::Usage(
            "merge: give at least one part folder (gazex merge -o OUT PART...)".into(),
        ));
    }
    let mut manifests = Vec::new();
    for part in parts {
        if !part.is_dir() {
            return Err(Error::Usage(format!(
                "{}: not a folder: give output folders of `gazex extract`",
                part.display()
            )));
        }
        for f in PART_FILES {
            if !part.join(f).is_file() {
                return Err(Error::Usage(format!(
                    "{}: no {f} in this part: give complete output folders of `gazex extract` (a run with --stdout has no entities.jsonl)",
                    part.display()
                )));
            }
        }
        let m = Manifest::read(part)?;
        if !m.complete {
            return Err(Error::Usage(format!(
                "{}: the run did not complete (manifest.json lacks \"complete\": true): finish it with `gazex extract --resume` or run it again",
                part.display()
            )));
        }
        manifests.push(m);
    }
    let first = &manifests[0];
    for (part, m) in parts.iter().zip(&manifests).skip(1) {
        let differs = |what: &str, a: &Value, b: &Value| -> Result<()> {
            if a == b {
                return Ok(());
            }
            Err(Error::Usage(format!(
                "{}: made with different {what} than {} ({} vs {}): extract every part with the same gazetteers and options",
                part.display(),
                parts[0].display(),
                b,
                a
            )))
        };
        differs(
            "gazetteers",
            &json!(first.gazetteer_fingerprint),
            &json!(m.gazetteer_fingerprint),
        )?;
        let fps = |m: &Manifest| -> Value {
            json!(m
                .gazetteers
                .iter()
                .map(|g| g.fingerprint.as_str())
                .collect::<Vec<_>>())
        };
        differs("gazetteer files", &fps(first), &fps(m))?;
        differs(
            "options",
            &comparable_options(first),
            &comparable_options(m),
        )?;
        differs("gazex versions", &json!(first.gazex), &json!(m.gazex))?;
    }
    Ok(manifests)
}

fn open(p: &Path) -> Result<File> {
    File::open(p).map_err(|e| Error::io(p, e))
}

fn bad_table(p: &Path, e: impl std::fmt::Display) -> Error {
    Error::Usage(format!(
        "{}: {e}: not a table written by gazex extract",
        p.display()
    ))
}

/// Appends `name` of every part to the output, in part order (each line bounded).
fn concat(parts: &[PathBuf], out: &OutDir, name: &str) -> Result<crate::output::Writer> {
    let mut w = out.open(name)?;
    let mut line = Vec::new();
    for part in parts {
        let p = part.join(name);
        let f = BufReader::with_capacity(1 << 20, open(&p)?);
        let mut lines = Lines::new(f, MAX_LINE);
        while let Some(kind) = lines.next_into(&mut line).map_err(|e| Error::io(&p, e))? {
            if kind == Line::TooLong {
                return Err(bad_table(
                    &p,
                    format!("line {} is too long", lines.number()),
                ));
            }
            line.push(b'\n');
            w.write_all(&line)?;
        }
    }
    Ok(w)
}

/// The entities met while loading the parts: ids interned as keys, with their descriptions.
#[derive(Default)]
struct Loaded {
    keys: Keys,
    infos: Vec<Option<EntityInfo>>,
}

impl Loaded {
    fn key(&mut self, id: &str) -> u32 {
        let k = self.keys.intern(id);
        if self.infos.len() <= k as usize {
            self.infos.resize(k as usize + 1, None);
        }
        k
    }
}

/// Reads the tables of every part into one [`Totals`]; gives the attribute columns.
fn load_tables(
    parts: &[PathBuf],
    manifests: &[Manifest],
    t: &mut Totals,
    loaded: &mut Loaded,
) -> Result<Vec<String>> {
    let mut columns: Option<Vec<String>> = None;
    for (part, m) in parts.iter().zip(manifests) {
        t.documents += m.counts.documents;
        let p = part.join("entities.tsv");
        let mut r = tsv_reader(BufReader::new(open(&p)?));
        let h = r.headers().map_err(|e| bad_table(&p, e))?.clone();
        let cols = entity_attribute_columns(&h).map_err(|e| bad_table(&p, e))?;
        match &columns {
            Some(c) if *c != cols => {
                return Err(Error::Usage(format!(
                    "{}: attribute columns differ from the first part's: extract every part with the same gazetteers",
                    p.display()
                )))
            }
            Some(_) => {}
            None => columns = Some(cols),
        }
        for rec in r.records() {
            let rec = rec.map_err(|e| bad_table(&p, e))?;
            let e = EntityLine::parse(&rec).map_err(|e| bad_table(&p, e))?;
            let k = loaded.key(&e.id);
            if let Some(slot @ None) = loaded.infos.get_mut(k as usize) {
                *slot = Some(EntityInfo {
                    kind: e.kind,
                    name: e.name,
                    attrs: e.attrs,
                });
            }
            *t.entities.entry(k).or_default() += EntityCounts {
                mentions: e.mentions,
                documents: e.documents,
            };
        }
        let p = part.join("cooccurrence.tsv");
        let mut r = tsv_reader(BufReader::new(open(&p)?));
        let h = r.headers().map_err(|e| bad_table(&p, e))?.clone();
        check_pair_header(&h).map_err(|e| bad_table(&p, e))?;
        for rec in r.records() {
            let rec = rec.map_err(|e| bad_table(&p, e))?;
            let l = PairLine::parse(&rec).map_err(|e| bad_table(&p, e))?;
            let (a, b) = (loaded.key(&l.source), loaded.key(&l.target));
            // An id only a pair names still needs a row to be ranked (with no counts).
            t.entities.entry(a).or_default();
            t.entities.entry(b).or_default();
            t.add_pair(a, b, l.counts);
        }
    }
    Ok(columns.unwrap_or_default())
}

/// Sums the manifests' counts of documents, mentions and warnings.
fn sum_counts(manifests: &[Manifest]) -> Counts {
    let mut sum = Counts::default();
    for c in manifests.iter().map(|m| m.counts) {
        sum.bytes += c.bytes;
        sum.documents += c.documents;
        sum.documents_with_warnings += c.documents_with_warnings;
        sum.mentions += c.mentions;
        sum.warnings += c.warnings;
    }
    sum
}

/// Merges the output folders `parts` into `out` (created; an existing gazex output is replaced
/// only with `force`). `spill_pairs` bounds the pairs held in memory.
pub fn merge(
    parts: &[PathBuf],
    out: &Path,
    force: bool,
    spill_pairs: usize,
) -> Result<MergeSummary> {
    let t0 = Instant::now();
    let manifests = check_parts(parts)?;
    disjoint::check_disjoint(parts)?;
    if let Ok(o) = out.canonicalize() {
        for p in parts {
            if p.canonicalize().ok().as_deref() == Some(o.as_path()) {
                return Err(Error::Usage(format!(
                    "{}: the output folder is also a part: pick another -o",
                    out.display()
                )));
            }
        }
    }
    let dir = OutDir::create(out, force)?;
    let mut summary = MergeSummary {
        parts: parts.len(),
        ..MergeSummary::default()
    };
    let ent = concat(parts, &dir, "entities.jsonl")?;
    let docs = concat(parts, &dir, "documents.jsonl")?;
    let mut totals = Totals::with_spill(Some(Spiller::new(dir.path(), spill_pairs)));
    let mut loaded = Loaded::default();
    let columns = load_tables(parts, &manifests, &mut totals, &mut loaded)?;
    let describe = |k: u32| {
        let id = loaded.keys.interned(k)?;
        let info = loaded.infos.get(k as usize).cloned().flatten();
        Some((id, info.unwrap_or_default()))
    };
    let tables = Tables {
        totals,
        describe: &describe,
        columns: &columns,
    };
    let manifest = |w: Finished| {
        summary.entities = w.entities;
        summary.pairs = w.pairs;
        let counts = Counts {
            entities: w.entities as u64,
            pairs: w.pairs,
            ..sum_counts(&manifests)
        };
        summary.documents = counts.documents;
        summary.mentions = counts.mentions;
        Manifest {
            complete: true,
            counts,
            warnings: manifests
                .iter()
                .flat_map(|m| m.warnings.iter().cloned())
                .take(1000)
                .collect(),
            merged_from: Some(parts.iter().map(|p| p.display().to_string()).collect()),
            timings: Timings {
                seconds: millis(t0.elapsed().as_secs_f64()),
                ..Timings::default()
            },
            // What one part's run read is not what the merged folder holds.
            inputs: None,
            ..manifests[0].clone()
        }
    };
    finish(&dir, vec![ent, docs], tables, manifest)?;
    Ok(summary)
}
