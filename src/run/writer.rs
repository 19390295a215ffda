//! The record writer: one thread that takes the workers' results in input order, writes the
//! mention records (to `entities.jsonl` or standard output) and the document records, sums
//! the run's counts, and at each checkpoint syncs the streamed files and writes the checkpoint
//! (see `checkpoint`), from which `--resume` continues.

use super::flow::{CloseGuard, Flight, Reorder};
use super::ids::DocIds;
use super::progress::Progress;
use crate::checkpoint::{self, Header};
use crate::config::{ExtractConfig, Summary};
use crate::cooccur::{Keys, Totals};
use crate::error::{Error, Result};
use crate::output::Writer;
use crate::record::DocumentRecord;
use crate::resume::Resumed;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::time::Instant;

/// The records of one document (or of one chunk of a long text), formatted by a worker.
pub(super) struct DocResult {
    /// Mention records, one JSON line each.
    pub(crate) mentions_json: Vec<u8>,
    /// The document record (None for a chunk that is not its document's last).
    pub(crate) record: Option<DocumentRecord>,
    /// Input bytes, for progress.
    pub(crate) progress: u64,
}

/// For the writer: the results of one unit of work, or the counts of the documents
/// processed since the last checkpoint when it is time for one.
pub(super) struct Msg {
    /// Place in input order (see `flow::Reorder`).
    pub(crate) seq: u64,
    pub(crate) results: Vec<DocResult>,
    pub(crate) checkpoint: Option<Totals>,
    /// Bytes of the unit, let out of the flight once written.
    pub(crate) bytes: u64,
}

/// What the writer leaves: the run's counts and the streamed files, still to commit.
pub(super) struct Written {
    pub(crate) summary: Summary,
    pub(crate) totals: Totals,
    pub(crate) streamed: Vec<Writer>,
}

/// Where checkpoints go and what they record besides the counts.
pub(super) struct Checkpoints<'a> {
    /// The output folder.
    pub(crate) dir: PathBuf,
    /// What identifies the run (see `resume::fingerprint`).
    pub(crate) fingerprint: &'a serde_json::Value,
    /// The keys the totals refer to.
    pub(crate) keys: &'a Keys,
    /// Milliseconds the last checkpoint took (the scheduler spaces them by it).
    pub(crate) cost: &'a AtomicU64,
}

impl<'a> Checkpoints<'a> {
    /// Checkpoints into `dir` (None: no checkpoints) of the run that `fingerprint`
    /// identifies, `done` units done. A run that starts with nothing done writes a first one,
    /// so that a resume can check it belongs to this run.
    pub(crate) fn start(
        dir: Option<&Path>,
        fingerprint: &'a serde_json::Value,
        keys: &'a Keys,
        cost: &'a AtomicU64,
        done: u64,
    ) -> Result<Option<Self>> {
        let Some(dir) = dir else { return Ok(None) };
        if done == 0 {
            let h = Header::new(fingerprint.clone(), 0);
            checkpoint::write(dir, &h, &Totals::default(), &[])?;
        }
        Ok(Some(Checkpoints {
            dir: dir.to_path_buf(),
            fingerprint,
            keys,
            cost,
        }))
    }
}

/// The record writer's state.
pub(super) struct RecordWriter<'a> {
    summary: Summary,
    totals: Totals,
    /// Units of work written (one per document).
    units: u64,
    /// Bytes of `entities.jsonl` and `documents.jsonl` at the last checkpoint.
    lens: (u64, u64),
    entities: Option<Writer>,
    documents: Option<Writer>,
    /// Mention records go to standard output.
    stdout: bool,
    /// The document ids so far, made unique.
    ids: DocIds,
    /// The records of the last result belong to a document not yet ended (a long text read
    /// in chunks).
    partial: bool,
    line: Vec<u8>,
    checkpoints: Option<Checkpoints<'a>>,
}

impl<'a> RecordWriter<'a> {
    /// A writer into `entities` and `documents` (or standard output, as `cfg` says),
    /// continuing from `resumed`, with the totals `totals` already counted; `renamed` are the
    /// warnings of the files whose ids the listing made unique.
    pub(crate) fn new(
        (entities, documents): (Option<Writer>, Option<Writer>),
        cfg: &ExtractConfig,
        resumed: Resumed,
        renamed: HashMap<String, String>,
        totals: Totals,
        checkpoints: Option<Checkpoints<'a>>,
    ) -> Self {
        RecordWriter {
            summary: resumed.summary,
            totals,
            units: resumed.units,
            lens: (resumed.entities_len, resumed.documents_len),
            entities,
            documents,
            stdout: cfg.stdout,
            ids: DocIds::new(resumed.seen_ids, renamed),
            partial: false,
            line: Vec::new(),
            checkpoints,
        }
    }

    /// Writes the messages of `rx` in their order until the channel closes, letting each
    /// unit out of `flight` once written.
    pub(crate) fn run(
        mut self,
        rx: Receiver<Vec<Msg>>,
        flight: &Flight,
        progress: &dyn Progress,
    ) -> Result<Written> {
        // However the writer ends, nothing more is let in.
        let _close = CloseGuard {
            flight,
            always: true,
        };
        let mut order = Reorder::new();
        for batch in rx {
            for m in batch {
                order.put(m.seq, m);
            }
            while let Some(msg) = order.take() {
                let unit = usize::from(msg.checkpoint.is_none());
                let (bytes, docs) = self.write_unit(msg.results)?;
                if let Some(delta) = msg.checkpoint {
                    self.checkpoint(delta)?;
                }
                progress.advance(bytes, docs);
                flight.leave(unit, msg.bytes);
            }
        }
        if order.stranded() > 0 {
            return Err(Error::Internal(
                "results were lost between the workers and the writer".into(),
            ));
        }
        Ok(Written {
            summary: self.summary,
            totals: self.totals,
            streamed: self.entities.into_iter().chain(self.documents).collect(),
        })
    }

    /// Writes the results of one unit; gives the input bytes and documents written.
    fn write_unit(&mut self, results: Vec<DocResult>) -> Result<(u64, u64)> {
        let (mut bytes, mut docs) = (0, 0);
        for mut r in results {
            if let Some(rec) = r.record.as_mut() {
                self.ids.admit(rec, &mut r.mentions_json, !self.partial);
            }
            self.partial = r.record.is_none();
            if self.stdout {
                std::io::stdout()
                    .lock()
                    .write_all(&r.mentions_json)
                    .map_err(|e| Error::io("<stdout>", e))?;
            } else if let Some(w) = self.entities.as_mut() {
                w.write_all(&r.mentions_json)?;
            }
            bytes += r.progress;
            let Some(rec) = r.record else { continue };
            self.count(&rec);
            if let Some(w) = self.documents.as_mut() {
                self.line.clear();
                rec.write(&mut self.line);
                w.write_all(&self.line)?;
            }
            docs += 1;
        }
        self.units += docs;
        if self.stdout {
            std::io::stdout()
                .flush()
                .map_err(|e| Error::io("<stdout>", e))?;
        }
        Ok((bytes, docs))
    }

    /// Counts a document record.
    fn count(&mut self, rec: &DocumentRecord) {
        let sum = &mut self.summary;
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
    }

    /// Adds the counts `delta` of the documents written since the last checkpoint and, in an
    /// output folder, writes a checkpoint: every pair goes to a run on disk that the
    /// checkpoint lists and keeps, and the streamed files are synced.
    fn checkpoint(&mut self, delta: Totals) -> Result<()> {
        self.totals += delta;
        let Some(c) = &self.checkpoints else {
            return Ok(());
        };
        let t = Instant::now();
        let dir = &c.dir;
        self.totals.pairs.flush().map_err(|e| Error::io(dir, e))?;
        for r in self.totals.pairs.runs_mut() {
            r.sync().map_err(|e| Error::io(dir, e))?;
            r.keep(true);
        }
        if let Some(w) = self.entities.as_mut() {
            self.lens.0 = w.sync()?;
        }
        if let Some(w) = self.documents.as_mut() {
            self.lens.1 = w.sync()?;
        }
        let h = Header {
            entities_len: self.lens.0,
            documents_len: self.lens.1,
            counters: self.summary.counters(),
            ..Header::new(c.fingerprint.clone(), self.units)
        };
        checkpoint::write(dir, &h, &self.totals, &c.keys.interned_ids())?;
        c.cost
            .store(t.elapsed().as_millis() as u64, Ordering::Relaxed);
        Ok(())
    }
}
