//! The units of work of a run, in input order: text files (long ones as chunks read here),
//! and JSONL files and standard input line by line (decoded as text documents are: BOM,
//! UTF-16; lines ending at LF, CRLF or CR, each bounded).

use super::{is_jsonl, Entry, InputFormat, Unit};
use crate::chunk::{ChunkConfig, Opened, Pool, TextStream};
use crate::document::{decoded, decompressing, Compression, Document, ReadOptions};
use crate::lines::{Line, Lines};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

/// Yields the units of all entries in order; JSONL files are streamed line by line, and with
/// [`Units::chunked`] long texts chunk by chunk.
pub(crate) struct Units {
    entries: std::vec::IntoIter<Entry>,
    format: InputFormat,
    opts: ReadOptions,
    current: Option<LineReader>,
    chunking: Option<(ChunkConfig, Arc<Pool>)>,
    text: Option<Box<TextStream>>,
    skip: usize,
}

struct LineReader {
    lines: Lines<Box<dyn BufRead + Send>>,
    source: String,
}

impl Units {
    /// Units of `entries`.
    pub(crate) fn new(entries: Vec<Entry>, format: InputFormat, opts: ReadOptions) -> Self {
        Units {
            entries: entries.into_iter(),
            format,
            opts,
            current: None,
            chunking: None,
            text: None,
            skip: 0,
        }
    }

    /// Reads text files longer than a chunk, compressed text files and standard input text
    /// on this thread, long ones as [`Unit::Chunk`]s whose windows come from `pool`.
    pub(crate) fn chunked(mut self, cfg: ChunkConfig, pool: Arc<Pool>) -> Self {
        self.chunking = Some((cfg, pool));
        self
    }

    /// Skips the first `n` documents (a chunked text counts once, and is not read).
    pub(crate) fn skipping(mut self, n: usize) -> Self {
        self.skip = n;
        self
    }

    /// False while documents are being skipped (counting this one).
    fn keep(&mut self) -> bool {
        if self.skip > 0 {
            self.skip -= 1;
            return false;
        }
        true
    }

    /// The unit of a text read by `chunk::open`, or None when it is a stream of chunks.
    fn opened(&mut self, o: Opened, id: String, source: String) -> Option<Unit> {
        match o {
            Opened::Small { raw, warnings } => Some(Unit::Raw {
                id,
                source,
                raw,
                warnings,
            }),
            Opened::Done(d) => Some(Unit::Ready(d)),
            Opened::Stream(ts) => {
                self.text = Some(ts);
                None
            }
        }
    }

    /// The longest JSONL line read: a document at the limit, and its fields.
    fn line_limit(&self) -> usize {
        self.opts.max_doc_bytes.saturating_add(1 << 20)
    }

    /// Starts reading `r` (decoded as text documents are) line by line.
    fn open_lines(&mut self, r: Box<dyn std::io::Read + Send>, source: String) -> Option<Unit> {
        match decoded(r) {
            Ok(r) => {
                let limit = self.line_limit();
                self.current = Some(LineReader {
                    lines: Lines::new(r, limit).skipping_long(),
                    source,
                });
                None
            }
            Err(e) => Some(Unit::Ready(Document {
                id: source.clone(),
                source,
                warnings: vec![format!("skipped: cannot read: {e}")],
                ..Document::default()
            })),
        }
    }

    fn next_line(&mut self) -> Option<Unit> {
        let limit = self.line_limit();
        let cur = self.current.as_mut()?;
        let mut buf = Vec::new();
        // Lines end at LF, CRLF or CR (a U+2028 inside a JSON string is not a break); a line
        // longer than the document limit is read past and skipped.
        let read = cur.lines.next_into(&mut buf);
        let at = format!("{}:{}", cur.source, cur.lines.number());
        match read {
            Ok(None) => {
                self.current = None;
                None
            }
            Ok(Some(Line::TooLong)) => {
                let end = if cur.lines.stopped() {
                    "; it does not end: stopped reading this input"
                } else {
                    ""
                };
                Some(Unit::Ready(Document {
                    id: at.clone(),
                    source: at,
                    warnings: vec![format!("skipped: line longer than {limit} bytes{end}")],
                    ..Document::default()
                }))
            }
            // Blank: `next` reads on while the file is open.
            Ok(Some(Line::Whole)) if buf.iter().all(|b| b.is_ascii_whitespace()) => None,
            Ok(Some(Line::Whole)) => Some(Unit::Line {
                bytes: buf,
                source: cur.source.clone(),
                line: cur.lines.number(),
            }),
            Err(e) => {
                let doc = Document {
                    id: format!("{}:{}", cur.source, cur.lines.number() + 1),
                    source: cur.source.clone(),
                    warnings: vec![format!("stopped reading: {e}")],
                    ..Document::default()
                };
                self.current = None;
                Some(Unit::Ready(doc))
            }
        }
    }
}

impl Iterator for Units {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        loop {
            if let Some(ts) = self.text.as_mut() {
                if let Some(c) = ts.next_chunk() {
                    return Some(Unit::Chunk(Box::new(c)));
                }
                self.text = None;
            }
            if self.current.is_some() {
                if let Some(u) = self.next_line() {
                    if self.keep() {
                        return Some(u);
                    }
                }
                continue;
            }
            let entry = self.entries.next()?;
            match entry {
                Entry::Skipped(path, id, why) => {
                    if !self.keep() {
                        continue;
                    }
                    return Some(Unit::Ready(Document {
                        id,
                        source: path.display().to_string(),
                        warnings: vec![why],
                        ..Document::default()
                    }));
                }
                Entry::File(path, id, len) => {
                    let name = path.to_string_lossy().into_owned();
                    if !is_jsonl(&name, self.format) {
                        if !self.keep() {
                            continue;
                        }
                        let long = self.chunking.clone().filter(|(cfg, _)| {
                            Compression::of(&name) != Compression::None
                                || len > cfg.chunk_bytes as u64
                        });
                        let Some((cfg, pool)) = long else {
                            return Some(Unit::File { path, id, len });
                        };
                        let max = self.opts.max_doc_bytes;
                        match crate::chunk::open_file(&path, id.clone(), max, cfg, &pool) {
                            Ok(o) => match self.opened(o, id, path.display().to_string()) {
                                Some(u) => return Some(u),
                                None => continue,
                            },
                            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                                return Some(skipped(&path, id, e))
                            }
                            Err(e) => return Some(unopened(&path, id, e)),
                        }
                    }
                    match std::fs::File::open(&path) {
                        Ok(f) => match decompressing(f, Compression::of(&name)) {
                            Ok(r) => {
                                if let Some(u) = self.open_lines(r, name) {
                                    return Some(u);
                                }
                            }
                            Err(e) => return Some(skipped(&path, id, e)),
                        },
                        Err(e) => return Some(skipped(&path, id, e)),
                    }
                }
                Entry::Stdin => {
                    let mut stdin = BufReader::with_capacity(1 << 20, std::io::stdin());
                    let jsonl = match self.format {
                        InputFormat::Jsonl => true,
                        InputFormat::Text => false,
                        InputFormat::Auto => stdin.fill_buf().is_ok_and(starts_like_jsonl),
                    };
                    if jsonl {
                        if let Some(u) = self.open_lines(Box::new(stdin), "-".into()) {
                            return Some(u);
                        }
                    } else {
                        if !self.keep() {
                            continue;
                        }
                        if let Some((cfg, pool)) = self.chunking.clone() {
                            let doc = crate::chunk::ChunkDoc::new("-".into(), "-".into(), None);
                            let max = self.opts.max_doc_bytes;
                            let o =
                                crate::chunk::open(Box::new(stdin), false, doc, max, cfg, &pool);
                            match self.opened(o, "-".into(), "-".into()) {
                                Some(u) => return Some(u),
                                None => continue,
                            }
                        }
                        return Some(read_stdin(stdin, self.opts.max_doc_bytes));
                    }
                }
            }
        }
    }
}

/// A text file that could not be opened for reading in chunks: a document with a warning.
fn unopened(path: &Path, id: String, e: std::io::Error) -> Unit {
    if std::fs::File::open(path).is_err() {
        return skipped(path, id, e);
    }
    Unit::Ready(Document {
        id,
        source: path.display().to_string(),
        warnings: vec![format!("skipped: cannot decompress: {e}")],
        ..Document::default()
    })
}

/// Standard input read whole as one text document `-`.
fn read_stdin(stdin: impl std::io::Read + Send, max: usize) -> Unit {
    let mut doc = Document {
        id: "-".into(),
        source: "-".into(),
        ..Document::default()
    };
    if let Some(raw) =
        crate::document::read_limited(stdin, Compression::None, 0, max, &mut doc.warnings)
    {
        doc.bytes = raw.len() as u64;
        crate::document::decode_into(&mut doc, raw, max);
    }
    Unit::Ready(doc)
}

fn skipped(path: &Path, id: String, e: std::io::Error) -> Unit {
    Unit::Ready(Document {
        id,
        source: path.display().to_string(),
        warnings: vec![format!("skipped: cannot read: {e}")],
        ..Document::default()
    })
}

impl Unit {
    /// Reads or parses the unit into a document (in a worker thread).
    pub(crate) fn into_document(self, opts: &ReadOptions) -> Document {
        match self {
            Unit::Ready(d) => d,
            Unit::File { path, id, .. } => crate::document::read_text_file(&path, id, opts),
            Unit::Raw {
                id,
                source,
                raw,
                warnings,
            } => {
                let mut doc = Document {
                    id,
                    source,
                    bytes: raw.len() as u64,
                    warnings,
                    ..Document::default()
                };
                crate::document::decode_into(&mut doc, raw, opts.max_doc_bytes);
                doc
            }
            // Only the chunk proper: a chunk is one part of a document (see `chunk`).
            Unit::Chunk(c) => Document {
                id: c.doc.id.clone(),
                source: c.doc.source.clone(),
                bytes: c.len as u64,
                text: c.window.get(..c.len).unwrap_or_default().to_string(),
                ..Document::default()
            },
            Unit::Line {
                bytes,
                source,
                line,
            } => {
                let mut warn = String::new();
                crate::document::parse_jsonl_line(&bytes, source.clone(), line, opts, &mut warn)
                    // A JSONL document is known by its id; its file and line are not recorded,
                    // so shards of a corpus merge into exactly the records of one run.
                    .map(|d| Document {
                        source: "jsonl".into(),
                        ..d
                    })
                    .unwrap_or_else(|| Document {
                        id: format!("{source}:{line}"),
                        source: format!("{source}:{line}"),
                        bytes: bytes.len() as u64,
                        warnings: vec![warn],
                        ..Document::default()
                    })
            }
        }
    }

    /// Approximate size in bytes, for batching and progress.
    pub(crate) fn size_hint(&self) -> u64 {
        match self {
            Unit::Ready(d) => d.text.len() as u64,
            Unit::File { len, .. } => *len,
            Unit::Line { bytes, .. } => bytes.len() as u64,
            Unit::Raw { raw, .. } => raw.len() as u64,
            Unit::Chunk(c) => c.window.len() as u64,
        }
    }
}

/// Does standard input begin like JSONL (its first character that is not white space, after
/// a byte order mark, is `{`)?
fn starts_like_jsonl(head: &[u8]) -> bool {
    let (n, utf16) = crate::document::bom(head);
    let rest = head.get(n..).unwrap_or_default();
    let first = match utf16 {
        None => rest
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            .map(|&c| u16::from(c)),
        Some(le) => rest
            .chunks_exact(2)
            .filter_map(|p| match *p {
                [a, b] if le => Some(u16::from_le_bytes([a, b])),
                [a, b] => Some(u16::from_be_bytes([a, b])),
                _ => None,
            })
            .find(|&u| !u8::try_from(u).is_ok_and(|c| c.is_ascii_whitespace())),
    };
    first == Some(u16::from(b'{'))
}
