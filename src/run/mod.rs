//! Run: drives an `extract` over a corpus. A reader thread lists and batches the units of
//! work (`reader`); rayon workers read, decode and process each document (records are
//! formatted in the workers) as soon as one is free, with no barrier between batches
//! (`scheduler`, `flow`); one writer thread writes the files in input order and sums the
//! counts (`writer`), so output is byte-identical for any thread count and memory stays
//! bounded by the units in flight. A text longer than a chunk is read in chunks that the
//! workers scan in parallel and that are joined in order between the two (see `chunk`).
//! Every so often (adaptively, so that checkpoints cost a few per cent of the run at most) the
//! writer syncs the streamed files and writes a checkpoint (see `checkpoint`) from which
//! `--resume` continues after a crash (`start`), with output identical to an uninterrupted
//! run. At the end the tables and the manifest are written (`finish`, which `merge` shares).
#![deny(clippy::indexing_slicing)]

use crate::checkpoint;
use crate::chunk::ChunkConfig;
use crate::config::{ExtractConfig, Summary};
use crate::cooccur::spill::remove_runs;
pub(crate) use crate::corpus::{find_inputs, Inputs};
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use crate::pipeline::Pipeline;
use crate::resume::{fingerprint, inputs_record, Resumed};
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{channel, sync_channel};
use std::time::Instant;

mod counting;
mod finish;
mod flow;
mod ids;
mod progress;
mod reader;
mod scheduler;
mod start;
mod workers;
mod writer;

use counting::Counting;
pub(crate) use finish::{finish, Finished, Tables};
use flow::Flight;
pub(crate) use progress::{eta, Progress};
use reader::Reader;
use scheduler::Scheduler;
use start::Start;
use workers::Workers;
use writer::{Checkpoints, RecordWriter, Written};

/// Runs `extract` over `inputs` (found by [`find_inputs`] on `cfg.inputs`): writes the output
/// folder (and/or standard output) and says what it did.
pub(crate) fn extract(
    pipeline: &Pipeline,
    cfg: &ExtractConfig,
    progress: &dyn Progress,
    inputs: Result<Inputs>,
) -> Result<Summary> {
    let t0 = Instant::now();
    cfg.check()?;
    let inputs = inputs?;
    let fp = fingerprint(pipeline, cfg, &inputs.listing);
    let (out, mut resumed) = match Start::open(cfg, &fp)? {
        Start::Fresh(out) => (out, Resumed::default()),
        Start::Resumed(out, r) => (out, *r),
        // The folder already holds this run, complete: nothing to do.
        Start::Complete(s) => return Ok(s),
    };
    progress.total(inputs.bytes);
    let pool = Workers::new(cfg.threads)?;
    let workers = pool.current_num_threads();
    let dir = out.dir.as_ref().map(|o| o.path());
    let entries = pipeline.gazetteer().entries.len();
    let counting = Counting::new(entries, workers, dir, cfg.tuning.spill_pairs);
    let totals = counting.restore(std::mem::take(&mut resumed.saved))?;
    let chunking = ChunkConfig::new(cfg.tuning.chunk_bytes, pipeline.matcher().longest_name());
    let (done, done_bytes) = (resumed.units, resumed.summary.bytes);
    let reader = Reader::new(inputs.entries, cfg, chunking, workers, done);
    let flight = reader.flight();
    let cost = AtomicU64::new(0);
    // Checkpoints need a folder that holds the mention records.
    let dir = dir.filter(|_| !cfg.stdout);
    let checkpoints = Checkpoints::start(dir, &fp, &counting.keys, &cost, done)?;
    let files = (out.entities, out.documents);
    let writer = RecordWriter::new(files, cfg, resumed, inputs.renamed, totals, checkpoints);
    let scheduler = Scheduler::new(pipeline, cfg, &pool, &counting, &flight, chunking, &cost);
    let written = run_threads(reader, writer, &scheduler, &flight, progress)?;
    let (mut summary, mut totals, streamed) = (written.summary, written.totals, written.streamed);
    summary.documents_seconds = t0.elapsed().as_secs_f64();
    (summary.resumed_documents, summary.resumed_bytes) = (done, done_bytes);
    totals += pool.install(|| counting.drain())?;
    if let Some(o) = &out.dir {
        let manifest = |w: Finished| {
            (summary.entities, summary.pairs) = (w.entities, w.pairs as usize);
            summary.seconds = t0.elapsed().as_secs_f64();
            summary.tables_seconds = summary.seconds - summary.documents_seconds;
            Manifest::of_run(pipeline, cfg, &summary, inputs_record(&fp))
        };
        let g = pipeline.gazetteer();
        pool.install(|| counting.finish(o, g, totals, streamed, manifest))?;
        clean_up(o.path());
    } else {
        // No folder: the tables are counted all the same, for the summary.
        let t = pool.install(|| counting.count(pipeline.gazetteer(), totals))?;
        (summary.entities, summary.pairs) = (t.entities, t.pairs as usize);
    }
    summary.seconds = t0.elapsed().as_secs_f64();
    progress.finish();
    Ok(summary)
}

/// Removes what only an interrupted run needs: the checkpoint and the pair runs it lists.
pub(super) fn clean_up(dir: &std::path::Path) {
    checkpoint::remove(dir);
    remove_runs(dir);
    checkpoint::sync_dir(dir);
}

/// The threads of a run: the reader and the writer each on their own, the scheduler on the
/// calling thread (its tasks on the workers). A worker's failure explains whatever the
/// writer then saw, so it comes first.
fn run_threads(
    reader: Reader,
    writer: RecordWriter,
    scheduler: &Scheduler,
    flight: &Flight,
    progress: &dyn Progress,
) -> Result<Written> {
    let (batch_tx, batch_rx) = sync_channel(2);
    let (res_tx, res_rx) = channel();
    std::thread::scope(|s| {
        s.spawn(|| reader.run(batch_tx));
        let writing = s.spawn(|| writer.run(res_rx, flight, progress));
        let scheduled = scheduler.run(batch_rx, res_tx);
        let written = writing
            .join()
            .map_err(|_| Error::Internal("the writer thread stopped".into()));
        scheduled.and_then(|()| written?)
    })
}
