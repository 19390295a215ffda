//! The scheduler: lets the reader's units in as the flight allows (see `flow`), has each one
//! scanned by the first free worker, settles them in input order (long texts' chunks are
//! joined there, see `chunk`) and hands the results to the writer; between batches, when it
//! is time, it drains the counts for a checkpoint. A worker that fails stops the run with an
//! internal error instead of leaving wrong counts behind.

use super::counting::Counting;
use super::flow::{Batches, CloseGuard, Flight, InOrder};
use super::reader::Batch;
use super::workers::Workers;
use super::writer::{DocResult, Msg};
use crate::chunk::{self, ChunkConfig, Scanned, Stitcher};
use crate::config::{ExtractConfig, Tuning};
use crate::corpus::Unit;
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use crate::record::{write_mentions, DocumentRecord};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a worker made of a unit: a whole document, or a chunk to stitch.
enum Work {
    Done(DocResult),
    Chunk(Box<Scanned>),
}

/// The scheduler of one run.
pub(super) struct Scheduler<'a> {
    pipeline: &'a Pipeline,
    cfg: &'a ExtractConfig,
    pool: &'a Workers,
    counting: &'a Counting,
    flight: &'a Flight,
    /// Joins the chunks of long texts, in order.
    stitcher: Mutex<Stitcher>,
    /// Checkpoints are taken (there is an output folder that holds the records).
    checkpointing: bool,
    /// Milliseconds the last checkpoint took (set by the writer).
    cost: &'a AtomicU64,
    /// The first failure of a worker.
    failure: Mutex<Option<Error>>,
}

impl<'a> Scheduler<'a> {
    /// A scheduler of `pipeline` on `pool`, counting into `counting`.
    pub(crate) fn new(
        pipeline: &'a Pipeline,
        cfg: &'a ExtractConfig,
        pool: &'a Workers,
        counting: &'a Counting,
        flight: &'a Flight,
        chunking: ChunkConfig,
        cost: &'a AtomicU64,
    ) -> Self {
        Scheduler {
            pipeline,
            cfg,
            pool,
            counting,
            flight,
            stitcher: Mutex::new(Stitcher::new(chunking)),
            checkpointing: cfg.out.is_some() && !cfg.stdout,
            cost,
            failure: Mutex::new(None),
        }
    }

    /// Runs every unit of `batches`, sending the results (and checkpoints) to `tx` in
    /// batches; gives the first failure of a worker.
    pub(crate) fn run(&self, batches: Receiver<Batch>, tx: Sender<Vec<Msg>>) -> Result<()> {
        let order = InOrder::new();
        // The writer gets settled units about 1 MB (or 64 units) at a time.
        let to_writer = Batches::new(64, 1 << 20);
        // Units are settled in their order, messages (units and checkpoints) written in theirs.
        let (mut unit, mut seq) = (0u64, 0u64);
        // The last unit let in ends a document: a checkpoint may follow it.
        let mut at_doc_end = true;
        let mut last = Instant::now();
        let settle = |unit: u64, (w, bytes, seq): (Work, u64, u64)| {
            let results = match self.settle(w) {
                Ok(r) => r,
                Err(e) => return self.fail(e),
            };
            let m = Msg {
                seq,
                results,
                checkpoint: None,
                bytes,
            };
            // Fails only once the writer has stopped, which closed the flight.
            if let Some(batch) = to_writer.push(unit, m, bytes) {
                let _ = tx.send(batch);
            }
        };
        self.pool.in_place_scope_fifo(|sc| {
            for batch in batches {
                for (u, bytes) in batch {
                    if !self.flight.enter(bytes) {
                        return;
                    }
                    at_doc_end = match &u {
                        Unit::Chunk(c) => c.end.is_some(),
                        _ => true,
                    };
                    let (k, n) = (unit, seq);
                    unit += 1;
                    seq += 1;
                    to_writer.entered(unit);
                    let (settle, order) = (&settle, &order);
                    sc.spawn_fifo(move |_| {
                        let _guard = CloseGuard {
                            flight: self.flight,
                            always: false,
                        };
                        let done = catch_unwind(AssertUnwindSafe(|| match self.scan(u) {
                            Ok(w) => order.deliver(k, (w, bytes, n), settle),
                            Err(e) => self.fail(e),
                        }));
                        if done.is_err() {
                            self.fail(Error::Internal("a worker stopped on a panic".into()));
                        }
                    });
                }
                if self.checkpointing && at_doc_end && last.elapsed() >= self.spacing() {
                    match self.checkpoint(seq) {
                        Ok(Some(m)) => {
                            last = Instant::now();
                            seq += 1;
                            if tx.send(vec![m]).is_err() {
                                return;
                            }
                        }
                        Ok(None) => {}
                        Err(e) => return self.fail(e),
                    }
                }
            }
        });
        let failure = self
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        failure.map_or(Ok(()), Err)
    }

    /// A worker's part of a unit, in any order: a document processed, a chunk scanned.
    fn scan(&self, u: Unit) -> Result<Work> {
        Ok(match u {
            Unit::Chunk(c) => Work::Chunk(Box::new(chunk::scan(self.pipeline, *c))),
            u => Work::Done(self.process(u)?),
        })
    }

    /// Reads, processes and counts a document; formats its records.
    fn process(&self, u: Unit) -> Result<DocResult> {
        let doc = u.into_document(&self.cfg.read);
        let p = self.pipeline.process(&doc);
        let g = self.pipeline.gazetteer();
        let mut mentions_json = Vec::with_capacity(p.mentions.len() * 200);
        write_mentions(&mut mentions_json, &doc, &p, g);
        self.counting.add(&p, g, &self.cfg.cooc)?;
        let record = DocumentRecord::new(&doc, &p);
        Ok(DocResult {
            mentions_json,
            progress: record.bytes,
            record: Some(record),
        })
    }

    /// The part in input order: chunks joined (see `chunk`) and their records formatted.
    fn settle(&self, w: Work) -> Result<Vec<DocResult>> {
        let s = match w {
            Work::Done(r) => return Ok(vec![r]),
            Work::Chunk(s) => s,
        };
        let cx = chunk::Context {
            pipeline: self.pipeline,
            cooc: &self.cfg.cooc,
        };
        let mut emits = Vec::new();
        let mut acc = self.counting.first()?;
        let mut stitcher = self.stitcher.lock().map_err(|_| stitch_failed())?;
        stitcher.push(*s, &cx, &mut acc, &mut emits);
        let g = self.pipeline.gazetteer();
        Ok(emits
            .into_iter()
            .map(|e| DocResult {
                mentions_json: e.format(g),
                record: e.record,
                progress: e.progress,
            })
            .collect())
    }

    /// The time between two checkpoints: fixed by the tuning, or adaptive.
    fn spacing(&self) -> Duration {
        self.cfg.tuning.checkpoint_every.unwrap_or_else(|| {
            Duration::from_millis(self.cost.load(Ordering::Relaxed))
                .saturating_mul(Tuning::CHECKPOINT_SPACING)
                .max(Tuning::CHECKPOINT_MIN)
        })
    }

    /// A checkpoint message (number `seq`) with the counts drained from the workers, once
    /// every unit let in is written and no long text is half stitched; None if one is.
    /// A checkpoint counts whole documents: call it only at the end of a document.
    fn checkpoint(&self, seq: u64) -> Result<Option<Msg>> {
        if !self.flight.wait_empty() {
            return Ok(None);
        }
        let idle = self.stitcher.lock().map_err(|_| stitch_failed())?.idle();
        if !idle {
            return Ok(None);
        }
        let delta = self.pool.install(|| self.counting.drain())?;
        Ok(Some(Msg {
            seq,
            results: Vec::new(),
            checkpoint: Some(delta),
            bytes: 0,
        }))
    }

    /// Records the first failure and stops letting units in.
    fn fail(&self, e: Error) {
        // The slot holds an error and nothing else: a poisoned lock leaves it whole.
        let mut f = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        f.get_or_insert(e);
        drop(f);
        self.flight.close();
    }
}

fn stitch_failed() -> Error {
    Error::Internal("a worker failed while joining the chunks of a long text".into())
}
