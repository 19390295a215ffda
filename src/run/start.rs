//! The start of a run: a new output folder, the checkpoint of an interrupted run
//! (`--resume`), or a folder that already holds this run, complete.

use crate::config::{ExtractConfig, Summary};
use crate::error::Result;
use crate::output::{OutDir, Writer};
use crate::resume::{already_complete, resume_from, Resumed};
use std::path::Path;

/// Where a run starts.
pub(super) enum Start {
    /// From nothing: a new folder (or none, with `--stdout`), or a resume of a run that was
    /// interrupted before its first checkpoint.
    Fresh(Output),
    /// From the last checkpoint of an interrupted run.
    Resumed(Output, Box<Resumed>),
    /// The folder already holds this run, complete: nothing to do but say so.
    Complete(Summary),
}

/// Where a run writes: its folder and the files streamed into it as documents are done.
pub(super) struct Output {
    /// The output folder (None: records go to standard output only).
    pub(crate) dir: Option<OutDir>,
    /// `entities.jsonl` (None with `--stdout`).
    pub(crate) entities: Option<Writer>,
    /// `documents.jsonl`.
    pub(crate) documents: Option<Writer>,
}

impl Start {
    /// Claims the output folder of `cfg`: created (or replaced with `--force`), or taken up
    /// again with `--resume` when the checkpoint there has fingerprint `fp`.
    pub(crate) fn open(cfg: &ExtractConfig, fp: &serde_json::Value) -> Result<Self> {
        let Some(d) = &cfg.out else {
            return Ok(Start::Fresh(Output {
                dir: None,
                entities: None,
                documents: None,
            }));
        };
        if cfg.resume {
            return Self::resume(d, fp);
        }
        let o = OutDir::create(d, cfg.force)?;
        Ok(Start::Fresh(Output::fresh(o, cfg.stdout)?))
    }

    fn resume(d: &Path, fp: &serde_json::Value) -> Result<Self> {
        let (o, complete) = OutDir::resume(d)?;
        if let Some(m) = complete {
            return Ok(Start::Complete(already_complete(d, &o, &m, fp)?));
        }
        match resume_from(&o, fp)? {
            Some((r, entities, documents)) => Ok(Start::Resumed(
                Output {
                    dir: Some(o),
                    entities: Some(entities),
                    documents: Some(documents),
                },
                Box::new(r),
            )),
            None => Ok(Start::Fresh(Output::fresh(o, false)?)),
        }
    }
}

impl Output {
    /// The streamed files of a new run in folder `o` (no `entities.jsonl` with `--stdout`).
    fn fresh(o: OutDir, stdout: bool) -> Result<Self> {
        let entities = if stdout {
            None
        } else {
            Some(o.open("entities.jsonl")?)
        };
        let documents = Some(o.open("documents.jsonl")?);
        Ok(Output {
            dir: Some(o),
            entities,
            documents,
        })
    }
}
