//! Run: drives an `extract` over a corpus. A reader thread lists and batches the units of work,
//! rayon workers read, decode and process each document (records are formatted in the
//! workers), and one writer thread writes the files in input order and sums the totals, so
//! output is byte-identical for any thread count and memory stays bounded by the batch size.

use crate::cooccur::{Accumulator, CoocOptions, Totals};
use crate::corpus::{discover, InputFormat, Unit, Units};
use crate::document::ReadOptions;
use crate::error::{Error, Result};
use crate::output::OutDir;
use crate::pipeline::Pipeline;
use crate::record::{write_mentions, DocumentRecord};
use crate::tables::{write_cooccurrence, write_entities};
use rayon::prelude::*;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

/// Everything an extract run needs besides the pipeline.
#[derive(Debug, Clone, Default)]
pub struct ExtractConfig {
    /// Files, folders, or `-`.
    pub inputs: Vec<PathBuf>,
    /// Output folder (None: no folder, with `stdout`).
    pub out: Option<PathBuf>,
    /// How files are read.
    pub format: InputFormat,
    /// Reading limits and JSONL fields.
    pub read: ReadOptions,
    /// Follow symbolic links while walking folders.
    pub follow: bool,
    /// Overwrite a non-empty output folder.
    pub force: bool,
    /// Stream mention records to standard output instead of `entities.jsonl`.
    pub stdout: bool,
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// Co-occurrence settings.
    pub cooc: CoocOptions,
    /// The options as given, recorded in the manifest.
    pub options: serde_json::Value,
}

/// Progress reporting, implemented by the binary (a bar) or nothing.
pub trait Progress: Sync {
    /// Total input bytes, when known.
    fn total(&self, _bytes: u64) {}
    /// `bytes` of input and `docs` documents done.
    fn advance(&self, _bytes: u64, _docs: u64) {}
    /// The run ended.
    fn finish(&self) {}
}

/// No progress reporting.
pub struct NoProgress;
impl Progress for NoProgress {}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Documents read (including skipped ones).
    pub documents: u64,
    /// Mentions written.
    pub mentions: u64,
    /// Documents with warnings.
    pub warned_documents: u64,
    /// Warnings in all.
    pub warnings: u64,
    /// Input bytes.
    pub bytes: u64,
    /// Distinct entities.
    pub entities: usize,
    /// Distinct pairs.
    pub pairs: usize,
    /// Seconds of the whole run.
    pub seconds: f64,
    /// The first warnings (document id, warning), at most 1000.
    pub first_warnings: Vec<(String, String)>,
}

struct DocResult {
    mentions_json: Vec<u8>,
    record: DocumentRecord,
}

const BATCH_DOCS: usize = 512;
const BATCH_BYTES: u64 = 8 << 20;

/// Runs `extract`: reads every input, writes the output folder (and/or standard output).
pub fn extract(
    pipeline: &Pipeline,
    cfg: &ExtractConfig,
    progress: &dyn Progress,
) -> Result<Summary> {
    let t0 = Instant::now();
    let entries = discover(&cfg.inputs, cfg.follow)?;
    let out = match &cfg.out {
        Some(d) => Some(OutDir::create(d, cfg.force)?),
        None => None,
    };
    let total: u64 = entries
        .iter()
        .map(|e| match e {
            crate::corpus::Entry::File(p, _) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum();
    progress.total(total);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {} worker threads: {e}", cfg.threads)))?;

    let ent_w = match (&out, cfg.stdout) {
        (Some(o), false) => Some(o.open("entities.jsonl")?),
        _ => None,
    };
    let doc_w = match &out {
        Some(o) => Some(o.open("documents.jsonl")?),
        None => None,
    };

    let (batch_tx, batch_rx) = sync_channel::<Vec<Unit>>(2);
    let (res_tx, res_rx) = sync_channel::<Vec<DocResult>>(2);
    let units = Units::new(entries, cfg.format, cfg.read.clone());
    let g = pipeline.gazetteer();

    type Writers = (Option<crate::output::Writer>, Option<crate::output::Writer>);
    let accs: Vec<std::sync::Mutex<Accumulator>> = (0..pool.current_num_threads())
        .map(|_| std::sync::Mutex::new(Accumulator::new(g.entries.len())))
        .collect();
    let outcome: Result<(Summary, Writers)> = std::thread::scope(|s| {
        s.spawn(move || {
            let mut batch = Vec::new();
            let mut size = 0;
            for u in units {
                size += u.size_hint();
                batch.push(u);
                if batch.len() >= BATCH_DOCS || size >= BATCH_BYTES {
                    if batch_tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                    size = 0;
                }
            }
            if !batch.is_empty() {
                let _ = batch_tx.send(batch);
            }
        });
        let writer = s.spawn(move || -> Result<(Summary, Writers)> {
            let mut sum = Summary::default();
            let stdout = std::io::stdout();
            let (mut ent_w, mut doc_w) = (ent_w, doc_w);
            let mut seen_ids = std::collections::HashSet::new();
            let mut line = Vec::new();
            for batch in res_rx {
                let mut n = 0;
                let mut b = 0;
                for mut r in batch {
                    let rec = &mut r.record;
                    if !seen_ids.insert(rec.doc.clone()) {
                        rec.warnings
                            .push(format!("duplicate document id `{}`", rec.doc));
                    }
                    sum.documents += 1;
                    sum.mentions += rec.mentions as u64;
                    sum.bytes += rec.bytes;
                    if !rec.warnings.is_empty() {
                        sum.warned_documents += 1;
                        sum.warnings += rec.warnings.len() as u64;
                        for w in &rec.warnings {
                            if sum.first_warnings.len() < 1000 {
                                sum.first_warnings.push((rec.doc.clone(), w.clone()));
                            }
                        }
                    }
                    if cfg.stdout {
                        stdout
                            .lock()
                            .write_all(&r.mentions_json)
                            .map_err(|e| Error::io("<stdout>", e))?;
                    } else if let Some(w) = ent_w.as_mut() {
                        w.write_all(&r.mentions_json)?;
                    }
                    if let Some(w) = doc_w.as_mut() {
                        line.clear();
                        rec.write(&mut line);
                        w.write_all(&line)?;
                    }
                    n += 1;
                    b += rec.bytes;
                }
                if cfg.stdout {
                    std::io::stdout()
                        .flush()
                        .map_err(|e| Error::io("<stdout>", e))?;
                }
                progress.advance(b, n);
            }
            Ok((sum, (ent_w, doc_w)))
        });
        for batch in batch_rx {
            let results: Vec<DocResult> = pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|u| process_unit(pipeline, cfg, u, &accs))
                    .collect()
            });
            if res_tx.send(results).is_err() {
                break;
            }
        }
        drop(res_tx);
        writer
            .join()
            .map_err(|_| Error::Usage("internal error: the writer thread stopped".into()))?
    });
    let (mut summary, (mut ent_w, mut doc_w)) = outcome?;
    let mut totals = Totals::default();
    for a in accs {
        let a = a
            .into_inner()
            .map_err(|_| Error::Usage("internal error: a worker stopped".into()))?;
        totals += a.into_totals(g);
    }
    summary.entities = totals.entities.len();
    summary.pairs = totals.pairs.len();
    if let Some(o) = &out {
        let mut ent_tsv = o.open("entities.tsv")?;
        write_entities(ent_tsv.inner(), &totals, g).map_err(|e| Error::io(ent_tsv.path(), e))?;
        let mut cooc = o.open("cooccurrence.tsv")?;
        write_cooccurrence(cooc.inner(), &totals).map_err(|e| Error::io(cooc.path(), e))?;
        if let Some(w) = ent_w.take() {
            o.commit(w)?;
        }
        if let Some(w) = doc_w.take() {
            o.commit(w)?;
        }
        o.commit(ent_tsv)?;
        o.commit(cooc)?;
        summary.seconds = t0.elapsed().as_secs_f64();
        let mut m = o.open("manifest.json")?;
        let manifest = manifest(pipeline, cfg, &summary, &totals);
        let text = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Usage(e.to_string()))?;
        m.write_all(&text)?;
        m.write_all(b"\n")?;
        o.commit(m)?;
    }
    summary.seconds = t0.elapsed().as_secs_f64();
    progress.finish();
    Ok(summary)
}

fn process_unit(
    pipeline: &Pipeline,
    cfg: &ExtractConfig,
    u: Unit,
    accs: &[std::sync::Mutex<Accumulator>],
) -> DocResult {
    let doc = u.into_document(&cfg.read);
    let p = pipeline.process(&doc);
    let g = pipeline.gazetteer();
    let mut mentions_json = Vec::with_capacity(p.mentions.len() * 200);
    write_mentions(&mut mentions_json, &doc, &p, g);
    let slot = rayon::current_thread_index().unwrap_or(0) % accs.len().max(1);
    if let Some(m) = accs.get(slot) {
        if let Ok(mut acc) = m.lock() {
            acc.add(&p, g, &cfg.cooc);
        }
    }
    DocResult {
        mentions_json,
        record: DocumentRecord::new(&doc, &p),
    }
}

fn manifest(
    pipeline: &Pipeline,
    cfg: &ExtractConfig,
    s: &Summary,
    t: &Totals,
) -> serde_json::Value {
    let g = pipeline.gazetteer();
    json!({
        "gazex": env!("CARGO_PKG_VERSION"),
        "complete": true,
        "options": cfg.options,
        "gazetteers": g.sources.iter().map(|s| json!({"path": s.path, "fingerprint": s.fingerprint, "entries": s.entries})).collect::<Vec<_>>(),
        "gazetteer_fingerprint": g.fingerprint(),
        "counts": {
            "documents": s.documents,
            "mentions": s.mentions,
            "documents_with_warnings": s.warned_documents,
            "warnings": s.warnings,
            "bytes": s.bytes,
            "entities": t.entities.len(),
            "pairs": t.pairs.len(),
        },
        "warnings": s.first_warnings.iter().map(|(d, w)| json!({"doc": d, "warning": w})).collect::<Vec<_>>(),
        "timings": {"seconds": (s.seconds * 1000.0).round() / 1000.0},
    })
}
