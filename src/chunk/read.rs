//! Reading a long text as a stream of chunks (on the reader thread): the first piece decides
//! whether the text is short (handed whole to a worker, as before), binary (skipped) or long;
//! a long text is decoded incrementally and cut at white space into chunks with their
//! overlaps, holding only about one chunk and one overlap of text at a time. Bytes, warnings
//! and the `--max-doc-bytes` cut are exactly those of `document::read_limited` and
//! `document::decode_into` on the whole.

use super::window::{Pool, Window};
use super::{Chunk, ChunkConfig, ChunkDoc, DocEnd};
use crate::document::Document;
use crate::document::{bom, Decoder};
use std::io::Read;
use std::sync::Arc;

/// Bytes read from the input at a time.
const BLOCK: usize = 64 << 10;
/// Most raw bytes held back for a cut at `--max-doc-bytes` (which moves back over UTF-8
/// continuation bytes): only a run of continuation bytes longer than this is decoded early.
const HOLD_MAX: usize = 64 << 10;

/// A text input after its first piece was read.
pub(crate) enum Opened {
    /// Short: the raw bytes and the reading warnings, for `document::decode_into`.
    Small {
        /// The decompressed bytes.
        raw: Vec<u8>,
        /// Read errors.
        warnings: Vec<String>,
    },
    /// Nothing to read in chunks (binary): the document record as it is.
    Done(Document),
    /// A long text, to read chunk by chunk.
    Stream(Box<TextStream>),
}

/// A long text being read chunk by chunk.
pub(crate) struct TextStream {
    doc: Arc<ChunkDoc>,
    src: std::io::Take<Box<dyn Read + Send>>,
    compressed: bool,
    max: usize,
    cfg: ChunkConfig,
    dec: Option<Decoder>,
    /// Raw bytes read but not decoded yet, from raw offset `held_at`.
    held: Vec<u8>,
    held_at: u64,
    /// Raw bytes read in all, and reported as progress.
    raw: u64,
    reported: u64,
    eof: bool,
    /// Decoded text not sent yet; `buf[0]` is at byte `base` of the document's text. It
    /// becomes the next chunk's window.
    buf: Window,
    pool: Arc<Pool>,
    base: usize,
    index: usize,
    /// Some character that is not white space was decoded.
    seen_text: bool,
    warnings: Vec<String>,
    cut_warnings: Vec<String>,
    done: bool,
}

fn read_error(compressed: bool, e: &std::io::Error, n: u64) -> String {
    let what = if compressed {
        "corrupt or truncated compressed data"
    } else {
        "read error"
    };
    format!("{what}: {e}; kept the {n} bytes read before it")
}

/// Reads into `buf` until it holds `want` bytes; true at the end of the input (or an error,
/// with its warning).
fn fill(
    src: &mut impl Read,
    buf: &mut Vec<u8>,
    want: usize,
    compressed: bool,
    warnings: &mut Vec<String>,
) -> bool {
    let mut block = vec![0u8; BLOCK.min(want.max(1))];
    while buf.len() < want {
        let room = (want - buf.len()).min(block.len());
        match src.read(block.get_mut(..room).unwrap_or_default()) {
            Ok(0) => return true,
            Ok(n) => buf.extend_from_slice(block.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                warnings.push(read_error(compressed, &e, buf.len() as u64));
                return true;
            }
        }
    }
    false
}

/// Reads the first piece of a text input (`src` already decompressed) and says how to go on;
/// the windows of a long text come from `pool`.
pub(crate) fn open(
    src: Box<dyn Read + Send>,
    compressed: bool,
    doc: ChunkDoc,
    max: usize,
    cfg: ChunkConfig,
    pool: &Arc<Pool>,
) -> Opened {
    let mut src = src.take(max as u64 + 1);
    let mut raw = Vec::new();
    let mut warnings = Vec::new();
    let first = cfg.chunk_bytes.max(8195).saturating_add(1);
    if fill(&mut src, &mut raw, first, compressed, &mut warnings) {
        return Opened::Small { raw, warnings };
    }
    let (skip, utf16) = bom(&raw);
    if utf16.is_none() {
        let body = raw.get(skip..).unwrap_or_default();
        if body.get(..8192).unwrap_or(body).contains(&0) {
            // Binary: skipped, but its size is still counted as `read_limited` counts it.
            let mut total = raw.len() as u64;
            let mut block = vec![0u8; BLOCK];
            loop {
                match src.read(&mut block) {
                    Ok(0) => break,
                    Ok(n) => total += n as u64,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        warnings.push(read_error(compressed, &e, total));
                        break;
                    }
                }
            }
            if total > max as u64 {
                warnings.push(format!("truncated at {max} bytes (--max-doc-bytes)"));
            }
            warnings.push("skipped: binary file (NUL byte in the first 8 KiB)".into());
            return Opened::Done(Document {
                id: doc.id,
                source: doc.source,
                bytes: total,
                warnings,
                ..Document::default()
            });
        }
    }
    let n = raw.len() as u64;
    raw.drain(..skip.min(raw.len()));
    let mut doc = doc;
    doc.read = Some((max, cfg));
    let mut ts = TextStream {
        doc: Arc::new(doc),
        src,
        compressed,
        max,
        cfg,
        dec: Some(Decoder::new(utf16)),
        held: Vec::new(),
        held_at: skip as u64,
        raw: n,
        reported: 0,
        eof: false,
        buf: pool.take(capacity(cfg)),
        pool: pool.clone(),
        base: 0,
        index: 0,
        seen_text: false,
        warnings,
        cut_warnings: Vec::new(),
        done: false,
    };
    ts.absorb(&raw);
    Opened::Stream(Box::new(ts))
}

/// The bytes a window may grow to: a chunk, its overlap and white space after it, and the
/// text of the last block read.
fn capacity(cfg: ChunkConfig) -> usize {
    let ov = cfg.overlap;
    cfg.chunk_bytes
        .saturating_add(ov)
        .saturating_add(ov / 4)
        .saturating_add(3 * BLOCK)
}

impl TextStream {
    /// Takes new raw bytes and decodes all but those a cut at the limit could remove.
    fn absorb(&mut self, bytes: &[u8]) {
        self.held.extend_from_slice(bytes);
        let last_lead = self
            .held
            .iter()
            .rposition(|b| b & 0xC0 != 0x80)
            .unwrap_or(0);
        let keep = last_lead.max(self.held.len().saturating_sub(HOLD_MAX));
        self.decode(keep);
    }

    /// Decodes `held[..n]`.
    fn decode(&mut self, n: usize) {
        let n = n.min(self.held.len());
        let from = self.buf.len();
        if let Some(d) = self.dec.as_mut() {
            d.feed(self.held.get(..n).unwrap_or_default(), self.buf.text_mut());
        }
        self.held.drain(..n);
        self.held_at += n as u64;
        self.note_text(from);
    }

    fn note_text(&mut self, from: usize) {
        if !self.seen_text {
            self.seen_text = self
                .buf
                .get(from..)
                .is_some_and(|t| t.chars().any(|c| !c.is_whitespace()));
        }
    }

    /// Reads one more block; at the end, cuts at the limit and finishes decoding.
    fn read_block(&mut self) {
        let mut block = Vec::new();
        let end = fill(
            &mut self.src,
            &mut block,
            BLOCK,
            self.compressed,
            &mut self.warnings,
        );
        self.raw += block.len() as u64;
        if !block.is_empty() {
            self.absorb(&block);
        }
        if end {
            self.finish();
        }
    }

    fn finish(&mut self) {
        self.eof = true;
        if self.raw > self.max as u64 {
            // As `decode_into`: cut at the limit, moved back off UTF-8 continuation bytes.
            let mut cut = self.max as u64;
            while cut > 0
                && cut >= self.held_at
                && self
                    .held
                    .get((cut - self.held_at) as usize)
                    .is_some_and(|b| b & 0xC0 == 0x80)
            {
                cut -= 1;
            }
            self.held
                .truncate(cut.saturating_sub(self.held_at) as usize);
            self.warnings
                .push(format!("truncated at {} bytes (--max-doc-bytes)", self.max));
        }
        self.decode(self.held.len());
        let from = self.buf.len();
        if let Some(d) = self.dec.take() {
            d.finish(self.buf.text_mut(), &mut self.warnings);
        }
        self.note_text(from);
        if self.warnings.is_empty() {
            if self.base + self.buf.len() == 0 {
                self.warnings.push("empty: no text".into());
            } else if !self.seen_text {
                self.warnings.push("empty: only white space".into());
            }
        }
    }

    /// The next chunk, or None after the last.
    pub(crate) fn next_chunk(&mut self) -> Option<Chunk> {
        if self.done {
            return None;
        }
        let ov = self.cfg.overlap;
        let want = self
            .cfg
            .chunk_bytes
            .saturating_add(ov)
            .saturating_add(ov / 4);
        while !self.eof && self.buf.len() < want {
            self.read_block();
        }
        let (window, len, at_end, end) = if self.eof
            && self.buf.len() <= self.cfg.chunk_bytes.saturating_add(ov)
        {
            self.done = true;
            let mut warnings = std::mem::take(&mut self.warnings);
            warnings.append(&mut self.cut_warnings);
            let end = DocEnd {
                bytes: self.raw,
                warnings,
            };
            let w = std::mem::take(&mut self.buf);
            let n = w.len();
            (w, n, true, Some(end))
        } else {
            let (e, clean) = split_point(&self.buf, self.cfg.chunk_bytes);
            if !clean {
                self.cut_warnings.push(format!(
                        "no white space near byte {}: the text was cut into chunks inside a word there, mentions at the cut may be missed",
                        self.base + e
                    ));
            }
            let o = overlap_end(&self.buf, e, ov);
            let at_end = self.eof && o >= self.buf.len();
            // The buffer becomes the window; what follows the chunk starts the next.
            let mut next = self.pool.take(capacity(self.cfg));
            next.text_mut()
                .push_str(self.buf.get(e..).unwrap_or_default());
            let mut w = std::mem::replace(&mut self.buf, next);
            w.text_mut().truncate(o);
            (w, e, at_end, None)
        };
        let c = Chunk {
            doc: self.doc.clone(),
            index: self.index,
            start: self.base,
            window,
            len,
            at_end,
            end,
            progress: self.raw - self.reported,
        };
        self.reported = self.raw;
        self.base += len;
        self.index += 1;
        Some(c)
    }
}

/// The first byte at or after `i` that is not white space.
fn skip_space(text: &str, i: usize) -> usize {
    text.get(i..)
        .and_then(|t| t.char_indices().find(|&(_, c)| !c.is_whitespace()))
        .map_or(text.len(), |(k, _)| i + k)
}

/// Where to end a chunk of about `hi` bytes of `text`: the start of a word after white space
/// (0 < e < len), preferably after a blank line, else after a sentence end, else after any
/// white space in the last quarter before `hi`; else the nearest such place after or before;
/// else `hi` itself (false when that cuts a word).
fn split_point(text: &str, hi: usize) -> (usize, bool) {
    let b = text.as_bytes();
    let len = text.len();
    let mut hi = hi.clamp(1, len.max(1));
    while hi > 0 && !text.is_char_boundary(hi) {
        hi -= 1;
    }
    let lo = hi - hi / 4;
    let (mut blank, mut sentence, mut any) = (None, None, None);
    let mut next_word = skip_space(text, hi);
    for (k, c) in text.get(lo..hi).unwrap_or_default().char_indices().rev() {
        let i = lo + k;
        if !c.is_whitespace() {
            next_word = i;
            continue;
        }
        let e = next_word;
        if e >= len || e == 0 {
            continue;
        }
        any = any.or(Some(e));
        if c == '\n' {
            let mut j = i;
            while j > 0 && matches!(b.get(j - 1), Some(b' ' | b'\t' | b'\r')) {
                j -= 1;
            }
            if j > 0 && b.get(j - 1) == Some(&b'\n') {
                blank = Some(e);
                break;
            }
        }
        if sentence.is_none() {
            let mut j = i;
            while j > 0 && matches!(b.get(j - 1), Some(b'"' | b'\'' | b')' | b']')) {
                j -= 1;
            }
            let terminal = j > 0 && matches!(b.get(j - 1), Some(b'.' | b'!' | b'?'));
            if terminal
                && text
                    .get(e..)
                    .and_then(|t| t.chars().next())
                    .is_some_and(char::is_uppercase)
            {
                sentence = Some(e);
            }
        }
    }
    if let Some(e) = blank.or(sentence).or(any) {
        return (e, true);
    }
    // After `hi`, then before `lo`.
    let after = text
        .get(hi..)
        .and_then(|t| t.char_indices().find(|&(_, c)| c.is_whitespace()))
        .map(|(k, _)| skip_space(text, hi + k))
        .filter(|&e| e < len);
    if let Some(e) = after {
        return (e, true);
    }
    let mut next_word = skip_space(text, lo);
    for (k, c) in text.get(..lo).unwrap_or_default().char_indices().rev() {
        if !c.is_whitespace() {
            next_word = k;
        } else if next_word < len {
            return (next_word, true);
        }
    }
    // No word start at all: only white space is cut cleanly.
    let clean = text
        .get(hi..)
        .is_some_and(|t| t.starts_with(char::is_whitespace))
        || text
            .get(..hi)
            .is_some_and(|t| t.ends_with(char::is_whitespace));
    (hi.max(text.chars().next().map_or(0, char::len_utf8)), clean)
}

/// The end of the window of a chunk ending at `e`: `ov` bytes on, then up to white space.
fn overlap_end(text: &str, e: usize, ov: usize) -> usize {
    let mut o = e.saturating_add(ov).min(text.len());
    while o < text.len() && !text.is_char_boundary(o) {
        o += 1;
    }
    text.get(o..)
        .and_then(|t| t.char_indices().find(|&(_, c)| c.is_whitespace()))
        .map_or(text.len(), |(k, _)| o + k)
}

/// Opens a text file as [`open`] does (decompressing by its name).
pub(crate) fn open_file(
    path: &std::path::Path,
    id: String,
    max: usize,
    cfg: ChunkConfig,
    pool: &Arc<Pool>,
) -> std::io::Result<Opened> {
    let name = path.to_string_lossy().into_owned();
    let c = crate::document::Compression::of(&name);
    let f = std::fs::File::open(path)?;
    let src = crate::document::decompressing(f, c)?;
    Ok(open(
        src,
        c != crate::document::Compression::None,
        ChunkDoc::new(id, path.display().to_string(), Some(path.to_path_buf())),
        max,
        cfg,
        pool,
    ))
}

/// Reads the text of a file again, piece by piece at white space as its chunks were cut,
/// calling `f` on each piece; false when it cannot be read.
pub(crate) fn each_piece(
    path: &std::path::Path,
    max: usize,
    cfg: ChunkConfig,
    mut f: impl FnMut(&str),
) -> bool {
    match open_file(path, String::new(), max, cfg, &Pool::new(2)) {
        Ok(Opened::Small { raw, .. }) => {
            let mut d = Document::default();
            crate::document::decode_into(&mut d, raw, max);
            f(&d.text);
            true
        }
        Ok(Opened::Stream(mut ts)) => {
            while let Some(c) = ts.next_chunk() {
                f(c.window.get(..c.len).unwrap_or_default());
            }
            true
        }
        Ok(Opened::Done(_)) | Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &[u8], chunk: usize, max: usize) -> (Vec<Chunk>, Opened) {
        let cfg = ChunkConfig {
            chunk_bytes: chunk,
            overlap: 64,
        };
        let run = |_: ()| {
            open(
                Box::new(std::io::Cursor::new(text.to_vec())),
                false,
                ChunkDoc::default(),
                max,
                cfg,
                &Pool::new(usize::MAX),
            )
        };
        let mut out = Vec::new();
        if let Opened::Stream(mut ts) = run(()) {
            while let Some(c) = ts.next_chunk() {
                out.push(c);
            }
        }
        (out, run(()))
    }

    #[test]
    fn chunks_tile_the_decoded_text() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(["Kaluga ", "and ", "Москва.\r\n", "\n\n", "e\u{301} ", "X"][i % 6]);
        }
        let mut raw = vec![0xEF, 0xBB, 0xBF];
        raw.extend_from_slice(text.as_bytes());
        raw.extend_from_slice(b"\xff tail");
        let mut whole = Document::default();
        decode_into(&mut whole, raw.clone(), 1 << 30);
        let (cs, _) = chunks(&raw, 3000, 1 << 30);
        assert!(cs.len() > 2);
        let mut joined = String::new();
        for c in &cs {
            assert_eq!(c.start, joined.len());
            assert!(c.window.starts_with(c.window.get(..c.len).unwrap()));
            joined.push_str(&c.window[..c.len]);
            if c.end.is_none() {
                assert!(c.window.len() >= c.len + 64);
                let e = c.len;
                assert!(c.window[..e].ends_with(char::is_whitespace));
                assert!(!c.window[e..].starts_with(char::is_whitespace));
            }
        }
        assert_eq!(joined, whole.text);
        let end = cs.last().unwrap().end.clone().unwrap();
        assert_eq!(end.warnings, whole.warnings);
        assert_eq!(end.bytes, raw.len() as u64);
    }

    #[test]
    fn truncation_binary_and_short_texts() {
        let text = "word é ".repeat(3000);
        let max = 10_001;
        let mut whole = Document::default();
        decode_into(&mut whole, text.as_bytes()[..=max].to_vec(), max);
        let (cs, _) = chunks(text.as_bytes(), 4000, max);
        let joined: String = cs.iter().map(|c| &c.window[..c.len]).collect();
        assert_eq!(joined, whole.text);
        let end = cs.last().unwrap().end.clone().unwrap();
        assert_eq!((end.bytes, end.warnings), (max as u64 + 1, whole.warnings));
        let mut bin = vec![b'a'; 20_000];
        bin[100] = 0;
        match chunks(&bin, 4000, 1 << 20).1 {
            Opened::Done(d) => assert!(d.warnings[0].contains("binary") && d.bytes == 20_000),
            _ => panic!("binary not skipped"),
        }
        assert!(matches!(
            chunks(b"short", 4000, 100).1,
            Opened::Small { .. }
        ));
    }

    #[test]
    fn splits_prefer_blank_lines_then_sentences() {
        let t = "aa bb cc.\n\ndd ee. Ff gg hh";
        assert_eq!(split_point(t, 12), (11, true));
        assert_eq!(split_point(t, 20), (18, true));
        let t = "aa bb cc dd. Ee ff gg hh ii";
        assert_eq!(split_point(t, 16), (13, true));
        let t = "aaaaaaaaaaaaaa bbbbbbbbbbbb";
        assert_eq!(split_point(t, 20), (15, true));
        assert_eq!(split_point("abcdefgh", 4), (4, false));
        assert_eq!(split_point("        ", 4), (4, true));
    }

    use crate::document::decode_into;
}
