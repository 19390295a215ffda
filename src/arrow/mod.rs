//! Arrow: documents in and mention records out as Arrow IPC streams (`--input-format arrow`,
//! `--stdout-format arrow`), so that a columnar host (Spark's `mapInArrow`, pyarrow, DuckDB)
//! hands gazex its documents and takes its records without touching a row. [`read`] turns
//! the rows of a stream into documents; [`write`] turns mention records into batches.

pub(crate) mod read;
pub(crate) mod write;

use crate::error::{Error, Result};
use std::io::Write;

/// The format of the mention records that `--stdout` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum StdoutFormat {
    /// JSON Lines, as `entities.jsonl` holds them.
    #[default]
    Jsonl,
    /// An Arrow IPC stream of [`write::mention_schema`] batches.
    Arrow,
}

/// The mention records of a `--stdout` run, written in the format asked for.
pub(crate) enum StdoutRecords<W: Write> {
    /// JSON lines as they come.
    Jsonl(W),
    /// Record batches (boxed: the batch builders are large).
    Arrow(Box<write::MentionWriter<std::io::BufWriter<W>>>),
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

impl StdoutRecords<std::io::Stdout> {
    /// The records of a run on standard output when `on` (`--stdout`), else None.
    pub(crate) fn stdout(on: bool, format: StdoutFormat) -> Result<Option<Self>> {
        on.then(|| Self::new(format, std::io::stdout())).transpose()
    }
}

impl<W: Write> StdoutRecords<W> {
    /// Starts writing to `w` (an Arrow stream starts with its schema).
    pub(crate) fn new(format: StdoutFormat, w: W) -> Result<Self> {
        Ok(match format {
            StdoutFormat::Jsonl => StdoutRecords::Jsonl(w),
            StdoutFormat::Arrow => StdoutRecords::Arrow(Box::new(
                write::MentionWriter::new(std::io::BufWriter::with_capacity(1 << 20, w))
                    .map_err(stdout_error)?,
            )),
        })
    }

    /// Writes the records of `lines` (JSON lines, each ending in `\n`).
    pub(crate) fn write(&mut self, lines: &[u8]) -> Result<()> {
        match self {
            StdoutRecords::Jsonl(w) => w.write_all(lines),
            StdoutRecords::Arrow(w) => w.write_lines(lines),
        }
        .map_err(stdout_error)
    }

    /// Lets the reader see the records written so far: JSON lines at once, Arrow records
    /// when their batch is full (or at [`StdoutRecords::finish`]).
    pub(crate) fn flush(&mut self) -> Result<()> {
        match self {
            StdoutRecords::Jsonl(w) => w.flush().map_err(stdout_error),
            StdoutRecords::Arrow(_) => Ok(()),
        }
    }

    /// Writes what is left (the last batch and the end of an Arrow stream) and flushes.
    pub(crate) fn finish(self) -> Result<()> {
        match self {
            StdoutRecords::Jsonl(mut w) => w.flush(),
            StdoutRecords::Arrow(w) => w.finish().map(drop),
        }
        .map_err(stdout_error)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const LINE: &[u8] = b"{\"doc\":\"d\",\"id\":\"x\",\"type\":\"ORG\",\"name\":\"X\",\"text\":\"X\",\"start\":0,\"end\":1,\"byte_start\":0,\"byte_end\":1,\"sentence\":0}\n";

    #[test]
    fn jsonl_records_pass_through_and_arrow_records_are_batched() {
        let mut buf = Vec::new();
        let mut j = StdoutRecords::new(StdoutFormat::Jsonl, &mut buf).unwrap();
        j.write(LINE).unwrap();
        j.flush().unwrap();
        j.finish().unwrap();
        assert_eq!(buf, LINE);

        let mut buf = Vec::new();
        let mut a = StdoutRecords::new(StdoutFormat::Arrow, &mut buf).unwrap();
        a.write(LINE).unwrap();
        a.write(LINE).unwrap();
        a.finish().unwrap();
        let r = arrow_ipc::reader::StreamReader::try_new(buf.as_slice(), None).unwrap();
        let rows: usize = r.map(|b| b.unwrap().num_rows()).sum();
        assert_eq!(rows, 2);
    }
}
