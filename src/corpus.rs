//! Corpus: finds the documents of a run from the command's inputs (files, folders walked
//! recursively in sorted order, `-` for standard input) and yields them as units of work in
//! input order: a text file to read, or a JSONL line to parse. Reading and decoding happen in
//! the workers (`document`); this module only lists and splits.

#![deny(clippy::indexing_slicing)]

use crate::chunk::{ChunkConfig, Opened, Pool, TextStream};
use crate::document::{decompressing, Compression, Document, ReadOptions};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How input files are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum InputFormat {
    /// `.jsonl`/`.ndjson` (also compressed) are JSONL; all else is text. Standard input is
    /// JSONL when its first non-blank byte is `{`.
    #[default]
    Auto,
    /// Every file is one text document.
    Text,
    /// Every file holds one JSON document a line.
    Jsonl,
}

/// A unit of work, in input order.
#[derive(Debug)]
pub(crate) enum Unit {
    /// A text file to read as one document.
    File {
        /// Its path.
        path: PathBuf,
        /// Its document id.
        id: String,
        /// Its size when the inputs were listed.
        len: u64,
    },
    /// A JSONL line to parse.
    Line {
        /// The raw line without its `\n`.
        bytes: Vec<u8>,
        /// The file it came from.
        source: String,
        /// 1-based line number.
        line: usize,
    },
    /// A document ready as it is (standard input text, or a skipped file with a warning).
    Ready(Document),
    /// Bytes read (and decompressed) by the reader, to decode as one document.
    Raw {
        /// Document id.
        id: String,
        /// Where it came from.
        source: String,
        /// The bytes.
        raw: Vec<u8>,
        /// Reading warnings.
        warnings: Vec<String>,
    },
    /// A chunk of a long text (only with [`Units::chunked`]; see `chunk`).
    Chunk(Box<crate::chunk::Chunk>),
}

/// One input found by the walk, before reading.
#[derive(Debug, Clone)]
pub(crate) enum Entry {
    /// A regular file, its document id and its size when listed.
    File(PathBuf, String, u64),
    /// Standard input.
    Stdin,
    /// Something that is skipped, with the reason.
    Skipped(PathBuf, String, String),
}

/// Lists every input in order: files as given, folders walked recursively (sorted by name,
/// hidden files skipped, symbolic links followed only with `follow`).
pub(crate) fn discover(inputs: &[PathBuf], follow: bool) -> Result<Vec<Entry>, crate::Error> {
    Ok(discover_with_meta(inputs, follow)?
        .into_iter()
        .map(|(e, _)| e)
        .collect())
}

/// [`discover`], with the metadata the walk found of each entry (one `stat` per file).
fn discover_with_meta(
    inputs: &[PathBuf],
    follow: bool,
) -> Result<Vec<(Entry, Option<std::fs::Metadata>)>, crate::Error> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push((Entry::Stdin, None));
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| {
            crate::Error::Runtime(format!("{}: cannot read input: {e}", input.display()))
        })?;
        if meta.is_dir() {
            let mut seen = HashSet::new();
            if let Ok(c) = input.canonicalize() {
                seen.insert(c);
            }
            walk(input, input, follow, &mut seen, &mut out);
        } else {
            let id = input.file_name().map_or_else(
                || input.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            out.push((classify(input, id, &meta), Some(meta)));
        }
    }
    Ok(out)
}

fn classify(path: &Path, id: String, meta: &std::fs::Metadata) -> Entry {
    if meta.is_file() {
        Entry::File(path.to_path_buf(), id, meta.len())
    } else {
        Entry::Skipped(
            path.to_path_buf(),
            id,
            "skipped: not a regular file (FIFO, socket or device)".into(),
        )
    }
}

type Found = Vec<(Entry, Option<std::fs::Metadata>)>;

fn walk(root: &Path, dir: &Path, follow: bool, seen: &mut HashSet<PathBuf>, out: &mut Found) {
    let rel = |p: &Path| {
        p.strip_prefix(root)
            .map(|r| {
                r.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_else(|_| p.display().to_string())
    };
    // Entries are sorted by name (within one folder, the order of their paths); their
    // metadata is read relative to the open folder, without resolving the whole path again.
    let mut entries: Vec<(std::ffi::OsString, std::fs::DirEntry)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.flatten().map(|e| (e.file_name(), e)).collect(),
        Err(e) => {
            out.push((
                Entry::Skipped(
                    dir.to_path_buf(),
                    rel(dir),
                    format!("skipped: cannot list folder: {e}"),
                ),
                None,
            ));
            return;
        }
    };
    entries.sort_unstable_by(|x, y| x.0.cmp(&y.0));
    let dir_rel = rel(dir);
    for (name, e) in entries {
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let p = e.path();
        let Ok(lmeta) = e.metadata() else {
            continue;
        };
        let meta = if lmeta.file_type().is_symlink() {
            if !follow {
                continue;
            }
            match std::fs::metadata(&p) {
                Ok(m) => m,
                Err(e) => {
                    out.push((
                        Entry::Skipped(
                            p.clone(),
                            rel(&p),
                            format!("skipped: broken symbolic link: {e}"),
                        ),
                        None,
                    ));
                    continue;
                }
            }
        } else {
            lmeta
        };
        if meta.is_dir() {
            // Symbolic-link loops: visit each real folder once.
            let key = p.canonicalize().unwrap_or_else(|_| p.clone());
            if seen.insert(key) {
                walk(root, &p, follow, seen, out);
            }
        } else {
            let id = if dir_rel.is_empty() {
                name.into_owned()
            } else {
                format!("{dir_rel}/{name}")
            };
            out.push((classify(&p, id, &meta), Some(meta)));
        }
    }
}

/// Is this file JSONL under `format`?
pub(crate) fn is_jsonl(name: &str, format: InputFormat) -> bool {
    match format {
        InputFormat::Jsonl => true,
        InputFormat::Text => false,
        InputFormat::Auto => {
            let n = name
                .strip_suffix(".gz")
                .or_else(|| name.strip_suffix(".zst"))
                .unwrap_or(name);
            n.ends_with(".jsonl") || n.ends_with(".ndjson")
        }
    }
}

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
    reader: Box<dyn BufRead + Send>,
    source: String,
    line: usize,
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

    fn next_line(&mut self) -> Option<Unit> {
        let cur = self.current.as_mut()?;
        let mut buf = Vec::new();
        // Lines are split on \n only (a U+2028 inside a JSON string is not a break); a line
        // longer than the document limit is cut there and skipped.
        let limit = self.opts.max_doc_bytes as u64 + 1024 * 1024;
        let read = (&mut cur.reader).take(limit).read_until(b'\n', &mut buf);
        match read {
            Ok(0) => {
                self.current = None;
                None
            }
            Ok(_) => {
                cur.line += 1;
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                } else if buf.len() as u64 >= limit {
                    // Skip the rest of an over-long line.
                    let mut sink = Vec::new();
                    loop {
                        sink.clear();
                        match (&mut cur.reader).take(1 << 20).read_until(b'\n', &mut sink) {
                            Ok(0) | Err(_) => break,
                            Ok(_) if sink.last() == Some(&b'\n') => break,
                            Ok(_) => {}
                        }
                    }
                    let doc = Document {
                        id: format!("{}:{}", cur.source, cur.line),
                        source: format!("{}:{}", cur.source, cur.line),
                        warnings: vec![format!("skipped: line longer than {limit} bytes")],
                        ..Document::default()
                    };
                    return Some(Unit::Ready(doc));
                }
                if buf.iter().all(|b| b.is_ascii_whitespace()) {
                    // Blank: `next` reads on while the file is open.
                    return None;
                }
                Some(Unit::Line {
                    bytes: buf,
                    source: cur.source.clone(),
                    line: cur.line,
                })
            }
            Err(e) => {
                let doc = Document {
                    id: format!("{}:{}", cur.source, cur.line + 1),
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
                                self.current = Some(LineReader {
                                    reader: Box::new(BufReader::with_capacity(1 << 20, r)),
                                    source: name,
                                    line: 0,
                                })
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
                        InputFormat::Auto => stdin
                            .fill_buf()
                            .map(|b| b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{'))
                            .unwrap_or(false),
                    };
                    if jsonl {
                        self.current = Some(LineReader {
                            reader: Box::new(stdin),
                            source: "-".into(),
                            line: 0,
                        });
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

/// The inputs of a run, found before reading: every entry in order, the bytes of the files
/// (the total the progress bar counts towards), and the fingerprint of the listing (what a
/// resume checks).
#[derive(Debug)]
pub(crate) struct Inputs {
    pub(crate) entries: Vec<Entry>,
    pub(crate) bytes: u64,
    pub(crate) listing: String,
}

/// Finds the inputs (walks folders, reads each file's size and time once). Needs no
/// gazetteer, so a caller can run it on a thread of its own while the gazetteer is compiled,
/// and pass it to [`crate::run::extract_inputs`].
pub(crate) fn find_inputs(inputs: &[PathBuf], follow: bool) -> Result<Inputs, crate::Error> {
    let found = discover_with_meta(inputs, follow)?;
    let mut listing = crate::checkpoint::Listing::default();
    let mut bytes = 0;
    let mut entries = Vec::with_capacity(found.len());
    for (e, meta) in found {
        match &e {
            Entry::File(p, _, _) => bytes += listing.add(p, meta.as_ref()),
            Entry::Skipped(p, _, _) => {
                listing.add(p, meta.as_ref());
            }
            Entry::Stdin => {}
        }
        entries.push(e);
    }
    Ok(Inputs {
        entries,
        bytes,
        listing: listing.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_vanishes_between_listing_and_reading_is_a_warned_document() {
        let d = tempfile::tempdir().unwrap();
        let b = d.path().join("in");
        std::fs::create_dir_all(b.join("sub")).unwrap();
        std::fs::write(b.join("a.txt"), "Kaluga.").unwrap();
        std::fs::write(b.join("sub/b.txt"), "Moscow.").unwrap();
        let entries = discover(std::slice::from_ref(&b), false).unwrap();
        std::fs::remove_file(b.join("a.txt")).unwrap();
        let opts = ReadOptions::default();
        let units = Units::new(entries, InputFormat::Auto, opts.clone());
        let docs: Vec<_> = units.map(|u| u.into_document(&opts)).collect();
        let a = docs.iter().find(|d| d.id == "a.txt").expect("a.txt listed");
        assert!(a.text.is_empty(), "{a:?}");
        assert!(
            a.warnings
                .first()
                .is_some_and(|w| w.contains("cannot read")),
            "{a:?}"
        );
        assert!(docs
            .iter()
            .any(|d| d.id == "sub/b.txt" && d.text == "Moscow."));
    }
}
