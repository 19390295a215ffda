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
use crate::output::OutDir;
use crate::tables::{
    check_pair_header, entity_attribute_columns, tsv_reader, write_cooccurrence, write_entities,
    EntityLine, EntityTable, PairLine,
};
use serde_json::{json, Map, Value};
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

fn read_manifest(part: &Path) -> Result<Value> {
    let p = part.join("manifest.json");
    let text = crate::lines::read_file(&p, crate::lines::MAX_LINE).map_err(|e| Error::io(&p, e))?;
    serde_json::from_slice(&text).map_err(|e| {
        Error::Usage(format!(
            "{}: not a gazex manifest ({e}): give output folders of `gazex extract`",
            p.display()
        ))
    })
}

/// The options that must agree between parts.
fn comparable_options(m: &Value) -> Value {
    let mut o = m.get("options").cloned().unwrap_or(Value::Null);
    if let Some(map) = o.as_object_mut() {
        for k in IGNORED_OPTIONS {
            map.remove(k);
        }
    }
    o
}

/// Checks that every part is a complete gazex output made like the first one.
fn check_parts(parts: &[PathBuf]) -> Result<Vec<Value>> {
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
        let m = read_manifest(part)?;
        if m.get("complete") != Some(&Value::Bool(true)) {
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
        let get = |m: &Value, k: &str| m.get(k).cloned().unwrap_or(Value::Null);
        differs(
            "gazetteers",
            &get(first, "gazetteer_fingerprint"),
            &get(m, "gazetteer_fingerprint"),
        )?;
        let fps = |m: &Value| -> Value {
            Value::Array(
                m.get("gazetteers")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(|g| get(g, "fingerprint")).collect())
                    .unwrap_or_default(),
            )
        };
        differs("gazetteer files", &fps(first), &fps(m))?;
        differs(
            "options",
            &comparable_options(first),
            &comparable_options(m),
        )?;
        differs("gazex versions", &get(first, "gazex"), &get(m, "gazex"))?;
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
    manifests: &[Value],
    t: &mut Totals,
    loaded: &mut Loaded,
) -> Result<Vec<String>> {
    let mut columns: Option<Vec<String>> = None;
    for (part, m) in parts.iter().zip(manifests) {
        t.documents += m
            .pointer("/counts/documents")
            .and_then(Value::as_u64)
            .unwrap_or(0);
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

/// Sums the manifests' counts (every integer field).
fn sum_counts(manifests: &[Value]) -> Map<String, Value> {
    let mut sum: Map<String, Value> = Map::new();
    for m in manifests {
        let Some(c) = m.get("counts").and_then(Value::as_object) else {
            continue;
        };
        for (k, v) in c {
            if let Some(n) = v.as_u64() {
                let cur = sum.get(k).and_then(Value::as_u64).unwrap_or(0);
                sum.insert(k.clone(), json!(cur + n));
            }
        }
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
    let table = EntityTable::new(&totals.entities, &describe);
    let mut ent_tsv = dir.open("entities.tsv")?;
    write_entities(ent_tsv.inner(), &table, &columns).map_err(|e| Error::io(ent_tsv.path(), e))?;
    let mut cooc = dir.open("cooccurrence.tsv")?;
    let pairs = std::mem::take(&mut totals.pairs);
    summary.pairs = write_cooccurrence(cooc.inner(), &table, totals.documents, pairs)
        .map_err(|e| Error::io(cooc.path(), e))?;
    summary.entities = table
        .rows
        .iter()
        .filter(|r| r.2.mentions > 0 || r.2.documents > 0)
        .count();
    for w in [ent, docs, ent_tsv, cooc] {
        dir.commit(w)?;
    }

    let mut counts = sum_counts(&manifests);
    counts.insert("entities".into(), json!(summary.entities));
    counts.insert("pairs".into(), json!(summary.pairs));
    summary.documents = counts.get("documents").and_then(Value::as_u64).unwrap_or(0);
    summary.mentions = counts.get("mentions").and_then(Value::as_u64).unwrap_or(0);
    let warnings: Vec<Value> = manifests
        .iter()
        .filter_map(|m| m.get("warnings").and_then(Value::as_array))
        .flatten()
        .take(1000)
        .cloned()
        .collect();
    let mut m = manifests[0].clone();
    if let Some(obj) = m.as_object_mut() {
        obj.insert("counts".into(), Value::Object(counts));
        obj.insert("warnings".into(), Value::Array(warnings));
        obj.insert(
            "merged_from".into(),
            json!(parts
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()),
        );
        obj.insert(
            "timings".into(),
            json!({"seconds": (t0.elapsed().as_secs_f64() * 1000.0).round() / 1000.0}),
        );
        obj.insert("complete".into(), json!(true));
        // What one part's run read is not what the merged folder holds.
        obj.remove("inputs");
    }
    let mut w = dir.open("manifest.json")?;
    let text = serde_json::to_vec_pretty(&m).map_err(|e| Error::Usage(e.to_string()))?;
    w.write_all(&text)?;
    w.write_all(b"\n")?;
    dir.commit(w)?;
    Ok(summary)
}
