//! Resume: what identifies a run (options, gazetteers, inputs) and how an interrupted run's
//! output folder is taken up again from its last checkpoint (`--resume`): the streamed files
//! are cut back to the checkpointed lengths and the counts reloaded. The checkpoint format is
//! `checkpoint`'s; driving the run is `run`'s.
#![deny(clippy::indexing_slicing)]

use crate::checkpoint;
use crate::checkpoint::Saved;
use crate::config::{ExtractConfig, Summary};
use crate::cooccur::spill::RUN_PREFIX;
use crate::error::{Error, Result};
use crate::lines::{Lines, MAX_LINE};
use crate::manifest::Manifest;
use crate::output::{OutDir, Writer};
use crate::pipeline::Pipeline;
use serde_json::json;
use std::collections::HashSet;

/// What an interrupted run had done at its last checkpoint.
#[derive(Default)]
pub(crate) struct Resumed {
    /// Units of work done (one per document record).
    pub(crate) units: u64,
    /// The counts of the documents done.
    pub(crate) summary: Summary,
    /// Their co-occurrence totals.
    pub(crate) saved: Saved,
    /// Byte lengths of `entities.jsonl` and `documents.jsonl` then.
    pub(crate) entities_len: u64,
    pub(crate) documents_len: u64,
    /// The document ids written (to flag repeats).
    pub(crate) seen_ids: HashSet<String>,
}

/// What must be equal between an interrupted run and its `--resume`; `listing` is the
/// fingerprint of the inputs found ([`crate::checkpoint::Listing`]).
pub(crate) fn fingerprint(
    pipeline: &Pipeline,
    cfg: &ExtractConfig,
    listing: &str,
) -> serde_json::Value {
    json!({
        "options": cfg.options,
        "gazetteers": pipeline.gazetteer().fingerprint(),
        "inputs": cfg.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "input_format": format!("{:?}", cfg.format),
        "follow": cfg.follow,
        "listing": listing,
    })
}

/// Explains how two fingerprints differ.
pub(crate) fn fingerprint_diff(old: &serde_json::Value, new: &serde_json::Value) -> String {
    let mut what = Vec::new();
    for k in [
        "options",
        "gazetteers",
        "inputs",
        "input_format",
        "follow",
        "listing",
    ] {
        if old.get(k) != new.get(k) {
            what.push(match k {
                "listing" => "the input files changed".to_string(),
                "gazetteers" => "the gazetteers differ".to_string(),
                _ => format!("{k} differ"),
            });
        }
    }
    what.join(", ")
}

/// What a finished run records of its inputs in `manifest.json` (`"inputs"`), so that a later
/// `--resume` can tell whether it was given the same: the paths as given, how they were read,
/// and the fingerprint of the files listed (sizes and times).
pub(crate) fn inputs_record(fp: &serde_json::Value) -> serde_json::Value {
    json!({
        "paths": fp.get("inputs"),
        "input_format": fp.get("input_format"),
        "follow": fp.get("follow"),
        "listing": fp.get("listing"),
    })
}

/// Checks that a `--resume` on the complete run of `dir` (its manifest `m`) was given what that
/// run was: the same options, gazetteers and inputs (`fp` is this resume's fingerprint).
/// Anything else is refused, naming what changed: the resume would do nothing, and whatever
/// was added would never be read.
pub(crate) fn check_complete(
    dir: &std::path::Path,
    m: &Manifest,
    fp: &serde_json::Value,
) -> Result<()> {
    let mut what = Vec::new();
    if Some(&m.options) != fp.get("options") {
        what.push("the options differ".to_string());
    }
    if fp.get("gazetteers").and_then(serde_json::Value::as_str) != Some(&m.gazetteer_fingerprint) {
        what.push("the gazetteers differ".to_string());
    }
    let now = inputs_record(fp);
    match &m.inputs {
        None => what.push(
            "the folder does not record its inputs (a merged run, or one made by an older gazex)"
                .into(),
        ),
        Some(was) if *was != now => what.push(inputs_diff(was, &now)),
        Some(_) => {}
    }
    if what.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{}: holds a complete run, but {}: nothing to resume; run without --resume (and with --force, or another -o) to read these inputs",
        dir.display(),
        what.join(", ")
    )))
}

/// A `--resume` on the complete run of `dir` (its manifest `m`): checked against this
/// command ([`check_complete`]), the clean-up a kill may have left undone finished, and the
/// run's counts given back (`already_complete`).
pub(crate) fn already_complete(
    dir: &std::path::Path,
    o: &OutDir,
    m: &Manifest,
    fp: &serde_json::Value,
) -> Result<Summary> {
    check_complete(dir, m, fp)?;
    // Killed between the manifest and the clean-up: finish the clean-up.
    checkpoint::remove(o.path());
    crate::cooccur::spill::remove_runs(o.path());
    let c = m.counts;
    Ok(Summary {
        documents: c.documents,
        mentions: c.mentions,
        warned_documents: c.documents_with_warnings,
        warnings: c.warnings,
        bytes: c.bytes,
        entities: usize::try_from(c.entities).unwrap_or(usize::MAX),
        pairs: usize::try_from(c.pairs).unwrap_or(usize::MAX),
        resumed_documents: c.documents,
        already_complete: true,
        ..Summary::default()
    })
}

/// Says how the inputs of a finished run (`was`) and of this command (`now`) differ.
fn inputs_diff(was: &serde_json::Value, now: &serde_json::Value) -> String {
    let paths = |v: &serde_json::Value| -> Vec<String> {
        v.get("paths")
            .and_then(|p| p.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, b) = (paths(was), paths(now));
    let added: Vec<&str> = b
        .iter()
        .filter(|p| !a.contains(p))
        .map(String::as_str)
        .collect();
    let gone: Vec<&str> = a
        .iter()
        .filter(|p| !b.contains(p))
        .map(String::as_str)
        .collect();
    let mut what = Vec::new();
    if !added.is_empty() {
        what.push(format!("input(s) added: {}", added.join(", ")));
    }
    if !gone.is_empty() {
        what.push(format!("input(s) left out: {}", gone.join(", ")));
    }
    if what.is_empty() && a != b {
        what.push("the inputs are in another order".into());
    }
    if what.is_empty() && was.get("listing") != now.get("listing") {
        what.push(
            "the input files changed since (sizes, times, or files added or removed in a folder)"
                .into(),
        );
    }
    if what.is_empty() {
        what.push("the inputs are read otherwise (--input-format or --follow)".into());
    }
    what.join(", ")
}

/// Prepares a resume: reads the checkpoint, checks it belongs to this run, reopens the
/// streamed files at the checkpointed lengths and rebuilds the set of document ids seen.
/// None when the run was interrupted before its first checkpoint (start again).
pub(crate) fn resume_from(
    o: &OutDir,
    fp: &serde_json::Value,
) -> Result<Option<(Resumed, Writer, Writer)>> {
    let checkpoint = checkpoint::read(o.path())?;
    // Pair runs of the interrupted process that no checkpoint lists are of no use.
    let listed: HashSet<&str> = checkpoint
        .as_ref()
        .map(|(_, s)| s.runs.iter().map(String::as_str).collect())
        .unwrap_or_default();
    for e in std::fs::read_dir(o.path())
        .map_err(|e| Error::io(o.path(), e))?
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(RUN_PREFIX) && !listed.contains(name.as_str()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let Some((h, saved)) = checkpoint else {
        return Ok(None);
    };
    if &h.fingerprint != fp {
        return Err(Error::Usage(format!(
            "{}: cannot resume: the interrupted run used other settings ({}); run with the same inputs and options, or use --force to start again",
            o.path().display(),
            fingerprint_diff(&h.fingerprint, fp)
        )));
    }
    let ent = o.reopen("entities.jsonl", h.entities_len)?;
    let docs = o.reopen("documents.jsonl", h.documents_len)?;
    let mut seen_ids = HashSet::new();
    let path = o.temp("documents.jsonl");
    let f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut r = Lines::new(std::io::BufReader::with_capacity(1 << 20, f), MAX_LINE);
    let mut line = Vec::new();
    let mut lines = 0u64;
    while lines < h.units {
        if r.next_into(&mut line)
            .map_err(|e| Error::io(&path, e))?
            .is_none()
        {
            break;
        }
        lines += 1;
        let doc = serde_json::from_slice::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| v.get("doc").and_then(|d| d.as_str()).map(str::to_string));
        if let Some(d) = doc {
            seen_ids.insert(d);
        }
    }
    if lines != h.units {
        return Err(Error::Usage(format!(
            "{}: holds {lines} documents, the checkpoint says {}: cannot resume; start again with --force",
            path.display(),
            h.units
        )));
    }
    let start = Resumed {
        units: h.units,
        summary: Summary::from_counters(h.counters),
        saved,
        entities_len: h.entities_len,
        documents_len: h.documents_len,
        seen_ids,
    };
    Ok(Some((start, ent, docs)))
}
