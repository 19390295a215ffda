//! Run: drives an `extract` over a corpus. A reader thread lists and batches the units of work,
//! rayon workers read, decode and process each document (records are formatted in the
//! workers) as soon as one is free, with no barrier between batches (see `flow`), and one
//! writer thread writes the files in input order and sums the totals, so output is
//! byte-identical for any thread count and memory stays bounded by the units in flight.
//! A text longer than a chunk is read by the reader thread in chunks that the workers scan
//! in parallel and that are joined in order between the two (see `chunk`).
//! Every so often (adaptively, so that checkpoints cost a few per cent of the run at most) the
//! writer syncs the streamed files and writes a checkpoint (see `checkpoint`) from which
//! `--resume` continues after a crash, with output identical to an uninterrupted run.
#![deny(clippy::indexing_slicing)]

use crate::checkpoint::{self, Header};
use crate::chunk::{self, ChunkConfig, Scanned, Stitcher};
use crate::cooccur::spill::remove_runs;
use crate::cooccur::{describe_key, drain, Accumulator, CoocOptions, Keys, Run, Spiller, Totals};
pub use crate::corpus::{find_inputs, Inputs};
use crate::corpus::{InputFormat, Unit, Units};
use crate::document::ReadOptions;
use crate::error::{Error, Result};
use crate::output::{OutDir, Writer};
use crate::pipeline::Pipeline;
use crate::record::{write_mentions, DocumentRecord};
use crate::resume::{fingerprint, resume_from, Start};
use crate::tables::{write_cooccurrence, write_entities, EntityTable};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod flow;
mod ids;
mod progress;
mod summary;
mod workers;
use flow::{Batches, CloseGuard, Flight, InOrder, Reorder};
pub use progress::{eta, NoProgress, Progress};
pub use summary::Summary;
use workers::Workers;

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
    /// Continue an interrupted run in the output folder.
    pub resume: bool,
    /// Stream mention records to standard output instead of `entities.jsonl`.
    pub stdout: bool,
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// Co-occurrence settings.
    pub cooc: CoocOptions,
    /// The options as given, recorded in the manifest.
    pub options: serde_json::Value,
    /// Bytes of text per chunk of a long text (0: `GAZEX_CHUNK_BYTES`, else
    /// [`ChunkConfig::DEFAULT_BYTES`]; see `chunk`). The output does not depend on it.
    pub chunk_bytes: usize,
}

struct DocResult {
    mentions_json: Vec<u8>,
    /// None for a chunk that is not a document's last.
    record: Option<DocumentRecord>,
    /// Input bytes, for progress.
    progress: u64,
}

/// What a worker made of a unit: a whole document, or a chunk to stitch.
enum Work {
    Done(DocResult),
    Chunk(Box<Scanned>),
}

/// For the writer: the results of one unit, or the totals of the documents processed since
/// the last checkpoint when it is time for one.
struct Msg {
    /// Place in input order (see `flow::Reorder`).
    seq: u64,
    results: Vec<DocResult>,
    checkpoint: Option<Totals>,
    /// Bytes of the unit, let out of the flight once written.
    bytes: u64,
}

const BATCH_DOCS: usize = 512;
/// Bytes of text per batch of the reader; about two batches are in flight at once.
const BATCH_BYTES: u64 = 4 << 20;
/// Shortest time between two checkpoints.
const CHECKPOINT_MIN: Duration = Duration::from_secs(5);
/// Checkpoints are spaced at least this many times their own cost apart.
const CHECKPOINT_SPACING: u32 = 30;

/// Runs `extract`: reads every input, writes the output folder (and/or standard output).
pub fn extract(
    pipeline: &Pipeline,
    cfg: &ExtractConfig,
    progress: &dyn Progress,
) -> Result<Summary> {
    extract_inputs(
        pipeline,
        cfg,
        progress,
        find_inputs(&cfg.inputs, cfg.follow, cfg.out.as_deref()),
    )
}

/// [`extract`], with the inputs found already by [`find_inputs`] on `cfg.inputs`.
pub fn extract_inputs(
    pipeline: &Pipeline,
    cfg: &ExtractConfig,
    progress: &dyn Progress,
    inputs: Result<Inputs>,
) -> Result<Summary> {
    let t0 = Instant::now();
    if cfg.resume && cfg.stdout {
        return Err(Error::Usage(
            "--resume cannot continue a --stdout run (standard output cannot be rewound)".into(),
        ));
    }
    if cfg.resume && cfg.force {
        return Err(Error::Usage(
            "--resume and --force contradict each other: pick one".into(),
        ));
    }
    let Inputs {
        entries,
        bytes: total,
        listing,
        renamed,
        ..
    } = inputs?;
    let g = pipeline.gazetteer();
    let fp = fingerprint(pipeline, cfg, &listing);
    // Checkpoints need a folder that holds the entity records.
    let checkpointing = cfg.out.is_some() && !cfg.stdout;
    let mut start = Start::default();
    let (out, ent_w, doc_w) = match &cfg.out {
        Some(d) if cfg.resume => {
            let (o, complete) = OutDir::resume(d)?;
            if let Some(m) = complete {
                return crate::resume::already_complete(d, &o, &m, &fp);
            }
            let (s, e, dw) = resume_from(&o, &fp)?;
            start = s;
            (Some(o), Some(e), Some(dw))
        }
        Some(d) => {
            let o = OutDir::create(d, cfg.force)?;
            let e = if cfg.stdout {
                None
            } else {
                Some(o.open_direct("entities.jsonl")?)
            };
            let dw = o.open_direct("documents.jsonl")?;
            (Some(o), e, Some(dw))
        }
        None => (None, None, None),
    };
    if let (Some(o), true) = (&out, checkpointing) {
        if start.units == 0 {
            // A first checkpoint, so that a resume can check it belongs to this run.
            checkpoint::write(
                o.path(),
                &Header::new(fp.clone(), 0),
                &Totals::default(),
                &[],
            )?;
        }
    }
    progress.total(total);
    let pool = Workers::new(cfg.threads)?;

    // Batches of units with their sizes, read ahead of the workers.
    let (batch_tx, batch_rx) = sync_channel::<Vec<(Unit, u64)>>(2);
    let (res_tx, res_rx) = channel::<Vec<Msg>>();
    let skip = usize::try_from(start.units).unwrap_or(usize::MAX);
    // Test knob: GAZEX_BATCH_DOCS sets the documents per batch (the unit of a checkpoint).
    let batch_docs = flow::knob("GAZEX_BATCH_DOCS")
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0)
        .unwrap_or(BATCH_DOCS);
    let chunking = ChunkConfig::new(cfg.chunk_bytes, pipeline.matcher().longest_name());
    // Batches of chunks hold one chunk per worker. Windows alive at once: the batch being
    // settled, the one scanned meanwhile, one read ahead, and the window the stitcher keeps
    // for the overlap (fewer would deadlock: the next batch could never be read).
    let workers = pool.current_num_threads().max(1);
    let windows = chunk::Pool::new(3 * workers + 1);
    let units = Units::new(entries, cfg.format, cfg.read.clone())
        .chunked(chunking, windows)
        .skipping(skip);
    let chunk_batch =
        (BATCH_BYTES as usize).max(workers.saturating_mul(chunking.chunk_bytes)) as u64;
    // Between the reader and the writer: about two batches (one scanned, one written).
    let flight = &Flight::new(batch_docs.saturating_mul(2), chunk_batch.saturating_mul(2));

    type Writers = (Option<Writer>, Option<Writer>);
    // Pair maps that grow too large spill to sorted runs in the output folder.
    let spill_dir = out
        .as_ref()
        .map_or_else(std::env::temp_dir, |o| o.path().to_path_buf());
    let spiller = Spiller::new(&spill_dir, cfg.cooc.spill_pairs);
    let keys = Arc::new(Keys::new(g.entries.len()));
    let accs: Vec<Mutex<Accumulator>> = (0..pool.current_num_threads())
        .map(|_| Mutex::new(Accumulator::new(keys.clone(), Some(spiller.clone()))))
        .collect();
    let checkpoint_cost_ms = AtomicU64::new(0);
    let resumed_documents = start.units;
    let resumed_bytes = start.summary.bytes;
    let Start {
        units: start_units,
        summary: start_summary,
        saved,
        entities_len,
        documents_len,
        seen_ids,
    } = start;
    let mut start_totals = Totals::with_spill(Some(spiller.clone()));
    {
        let bad = |m: String| {
            Error::Usage(format!(
                "{}: cannot resume from the checkpoint: {m}; start again with --force",
                spill_dir.display()
            ))
        };
        keys.restore(saved.interned).map_err(bad)?;
        start_totals.documents = saved.documents;
        start_totals.entities.extend(saved.entities);
        for name in saved.runs {
            let mut run = Run::adopt(spill_dir.join(&name))
                .map_err(|e| bad(format!("pair run {name}: {e}")))?;
            // The checkpoint on disk still lists it.
            run.keep(true);
            start_totals.pairs.runs_mut().push(run);
        }
    }
    let keys_ref = &keys;
    let out_dir = out.as_ref().map(|o| o.path().to_path_buf());
    let cost = &checkpoint_cost_ms;
    let fp_ref = &fp;
    let outcome: Result<(Summary, Totals, Writers)> = std::thread::scope(|s| {
        s.spawn(move || {
            let mut batch = Vec::new();
            let mut size = 0;
            let mut chunks = 0;
            for u in units {
                let hint = u.size_hint();
                size += hint;
                chunks += usize::from(matches!(u, Unit::Chunk(_)));
                batch.push((u, hint));
                let full = if chunks > 0 {
                    chunks >= workers || size >= chunk_batch
                } else {
                    size >= BATCH_BYTES
                };
                if batch.len() >= batch_docs || full {
                    if batch_tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                    size = 0;
                    chunks = 0;
                }
            }
            if !batch.is_empty() {
                let _ = batch_tx.send(batch);
            }
        });
        let writer = s.spawn(move || -> Result<(Summary, Totals, Writers)> {
            let mut sum = start_summary;
            let mut totals = start_totals;
            let mut units_done = start_units;
            let (mut ent_len, mut doc_len) = (entities_len, documents_len);
            let stdout = std::io::stdout();
            let (mut ent_w, mut doc_w) = (ent_w, doc_w);
            let mut ids = ids::DocIds::new(seen_ids, renamed);
            // Records of a document read in chunks were written before its last chunk.
            let mut partial = false;
            let mut line = Vec::new();
            // However the writer ends, nothing more is let in.
            let _close = CloseGuard {
                flight,
                always: true,
            };
            let mut order = Reorder::new();
            for batch in res_rx {
                for m in batch {
                    order.put(m.seq, m);
                }
                while let Some(msg) = order.take() {
                    let got_checkpoint = msg.checkpoint.is_some();
                    let (unit, unit_bytes) = (usize::from(msg.checkpoint.is_none()), msg.bytes);
                    let mut n = 0;
                    let mut b = 0;
                    for mut r in msg.results {
                        if let Some(rec) = r.record.as_mut() {
                            ids.admit(rec, &mut r.mentions_json, !partial);
                        }
                        partial = r.record.is_none();
                        if cfg.stdout {
                            stdout
                                .lock()
                                .write_all(&r.mentions_json)
                                .map_err(|e| Error::io("<stdout>", e))?;
                        } else if let Some(w) = ent_w.as_mut() {
                            w.write_all(&r.mentions_json)?;
                        }
                        b += r.progress;
                        let Some(mut rec) = r.record else { continue };
                        let rec = &mut rec;
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
                        if let Some(w) = doc_w.as_mut() {
                            line.clear();
                            rec.write(&mut line);
                            w.write_all(&line)?;
                        }
                        n += 1;
                    }
                    units_done += n;
                    if cfg.stdout {
                        std::io::stdout()
                            .flush()
                            .map_err(|e| Error::io("<stdout>", e))?;
                    }
                    if let Some(delta) = msg.checkpoint {
                        totals += delta;
                    }
                    if let (true, Some(dir)) = (got_checkpoint, &out_dir) {
                        let t = Instant::now();
                        // Every pair goes to a run on disk that the checkpoint lists and keeps.
                        totals.pairs.flush().map_err(|e| Error::io(dir, e))?;
                        for r in totals.pairs.runs_mut() {
                            r.sync().map_err(|e| Error::io(dir, e))?;
                            r.keep(true);
                        }
                        if let Some(w) = ent_w.as_mut() {
                            ent_len = w.sync()?;
                        }
                        if let Some(w) = doc_w.as_mut() {
                            doc_len = w.sync()?;
                        }
                        let h = Header {
                            entities_len: ent_len,
                            documents_len: doc_len,
                            counters: sum.counters(),
                            ..Header::new(fp_ref.clone(), units_done)
                        };
                        checkpoint::write(dir, &h, &totals, &keys_ref.interned_ids())?;
                        cost.store(t.elapsed().as_millis() as u64, Ordering::Relaxed);
                    }
                    progress.advance(b, n);
                    flight.leave(unit, unit_bytes);
                }
            }
            if order.stranded() > 0 {
                return Err(Error::Usage(
                    "internal error: results were lost between the workers and the writer".into(),
                ));
            }
            Ok((sum, totals, (ent_w, doc_w)))
        });
        // Test knob: GAZEX_CHECKPOINT_MS sets a fixed time between checkpoints (0: every batch).
        let fixed_gap = flow::knob("GAZEX_CHECKPOINT_MS").map(Duration::from_millis);
        let mut last = Instant::now();
        let stitcher = Mutex::new(Stitcher::new(chunking));
        let g = pipeline.gazetteer();
        let order = InOrder::new();
        // The writer gets settled units about 1 MB (or 64 units) at a time.
        let batches = Batches::new(64, 1 << 20);
        // A worker's part of a unit, in any order: a document processed, a chunk scanned.
        let scan = |u: Unit| match u {
            Unit::Chunk(c) => Work::Chunk(Box::new(chunk::scan(pipeline, *c))),
            u => Work::Done(process_unit(pipeline, cfg, u, &accs)),
        };
        // The part in input order: chunks joined (see `chunk`) and their records formatted.
        let settle = |unit: u64, (w, bytes, seq): (Work, u64, u64)| {
            let results = match w {
                Work::Done(r) => vec![r],
                Work::Chunk(s) => {
                    let cx = chunk::Context {
                        pipeline,
                        cooc: &cfg.cooc,
                    };
                    let mut emits = Vec::new();
                    if let Some(m) = accs.first() {
                        if let Ok(mut acc) = m.lock() {
                            let mut st = stitcher.lock().unwrap_or_else(|e| e.into_inner());
                            st.push(*s, &cx, &mut acc, &mut emits);
                        }
                    }
                    emits
                        .into_iter()
                        .map(|e| DocResult {
                            mentions_json: e.format(g),
                            record: e.record,
                            progress: e.progress,
                        })
                        .collect()
                }
            };
            // Fails only once the writer has stopped, which closed the flight.
            let m = Msg {
                seq,
                results,
                checkpoint: None,
                bytes,
            };
            if let Some(batch) = batches.push(unit, m, bytes) {
                let _ = res_tx.send(batch);
            }
        };
        // Units are settled in their order, messages (units and checkpoints) written in theirs.
        let (mut unit, mut seq) = (0u64, 0u64);
        // The last unit let in ends a document: a checkpoint may follow it.
        let mut at_doc_end = true;
        pool.in_place_scope_fifo(|sc| {
            for batch in batch_rx {
                for (u, bytes) in batch {
                    if !flight.enter(bytes) {
                        return;
                    }
                    at_doc_end = match &u {
                        Unit::Chunk(c) => c.end.is_some(),
                        _ => true,
                    };
                    let (k, n) = (unit, seq);
                    unit += 1;
                    seq += 1;
                    batches.entered(unit);
                    let (scan, settle, order) = (&scan, &settle, &order);
                    sc.spawn_fifo(move |_| {
                        let _guard = CloseGuard {
                            flight,
                            always: false,
                        };
                        let w = scan(u);
                        order.deliver(k, (w, bytes, n), settle);
                    });
                }
                let spacing = fixed_gap.unwrap_or_else(|| {
                    Duration::from_millis(cost.load(Ordering::Relaxed))
                        .saturating_mul(CHECKPOINT_SPACING)
                        .max(CHECKPOINT_MIN)
                });
                // A checkpoint counts whole documents: every unit let in is written first,
                // which is only worth waiting for at the end of a document.
                if checkpointing && at_doc_end && last.elapsed() >= spacing {
                    if !flight.wait_empty() {
                        return;
                    }
                    let idle = stitcher.lock().is_ok_and(|s| s.idle());
                    if idle {
                        last = Instant::now();
                        let delta = pool.install(|| drain(&accs, &spiller));
                        let m = Msg {
                            seq,
                            results: Vec::new(),
                            checkpoint: Some(delta),
                            bytes: 0,
                        };
                        seq += 1;
                        if res_tx.send(vec![m]).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        drop(res_tx);
        writer
            .join()
            .map_err(|_| Error::Usage("internal error: the writer thread stopped".into()))?
    });
    let (mut summary, mut totals, (mut ent_w, mut doc_w)) = outcome?;
    summary.documents_seconds = t0.elapsed().as_secs_f64();
    totals += pool.install(|| drain(&accs, &spiller));
    summary.resumed_documents = resumed_documents;
    summary.resumed_bytes = resumed_bytes;
    if let Some(o) = &out {
        // The streamed files reach the disk while the tables are computed.
        let streamed: Vec<Writer> = ent_w.take().into_iter().chain(doc_w.take()).collect();
        // In the worker pool, so the table writer's parallel parts use `--threads` threads.
        let cooc = pool.install(|| {
            std::thread::scope(|s| -> Result<_> {
                let committing = s.spawn(|| streamed.into_iter().try_for_each(|w| o.commit(w)));
                let describe = |k: u32| describe_key(g, &keys, k);
                let table = EntityTable::new(&totals.entities, &describe);
                summary.entities = table.len();
                let pairs = std::mem::take(&mut totals.pairs);
                // The entity table is written (and committed) beside the pair table.
                let (entities, pairs) = rayon::join(
                    || -> Result<()> {
                        let mut ent_tsv = o.open("entities.tsv")?;
                        write_entities(ent_tsv.inner(), &table, &g.attribute_columns)
                            .map_err(|e| Error::io(ent_tsv.path(), e))?;
                        o.commit(ent_tsv)
                    },
                    || -> Result<(Writer, u64)> {
                        let mut cooc = o.open("cooccurrence.tsv")?;
                        let n = write_cooccurrence(cooc.inner(), &table, totals.documents, pairs)
                            .map_err(|e| Error::io(cooc.path(), e))?;
                        Ok((cooc, n))
                    },
                );
                entities?;
                let (cooc, n) = pairs?;
                summary.pairs = n as usize;
                committing.join().map_err(|_| {
                    Error::Usage("internal error: a commit thread stopped".into())
                })??;
                Ok(cooc)
            })
        })?;
        o.commit(cooc)?;
        summary.seconds = t0.elapsed().as_secs_f64();
        summary.tables_seconds = summary.seconds - summary.documents_seconds;
        let mut m = o.open("manifest.json")?;
        let mut manifest = crate::output::manifest(pipeline, cfg, &summary);
        if let Some(m) = manifest.as_object_mut() {
            m.insert("inputs".into(), crate::resume::inputs_record(&fp));
        }
        let text = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Usage(e.to_string()))?;
        m.write_all(&text)?;
        m.write_all(b"\n")?;
        o.commit(m)?;
        checkpoint::remove(o.path());
        remove_runs(o.path());
        checkpoint::sync_dir(o.path());
    } else {
        // No folder: the tables are counted all the same, for the summary.
        let (entities, pairs) = pool.install(|| summary::count_tables(g, &keys, totals))?;
        summary.entities = entities;
        summary.pairs = pairs;
    }
    summary.seconds = t0.elapsed().as_secs_f64();
    progress.finish();
    Ok(summary)
}

fn process_unit(
    pipeline: &Pipeline,
    cfg: &ExtractConfig,
    u: Unit,
    accs: &[Mutex<Accumulator>],
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
    let record = DocumentRecord::new(&doc, &p);
    DocResult {
        mentions_json,
        progress: record.bytes,
        record: Some(record),
    }
}
