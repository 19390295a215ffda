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
    let r = std::io::BufReader::with_capacity(1 << 20, f);
    let mut lines = 0u64;
    for line in std::io::BufRead::split(r, b'\n').take(h.units as usize) {
        let line = line.map_err(|e| Error::io(&path, e))?;
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
