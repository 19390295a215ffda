//! Documents: turning raw bytes into a [`Document`] (decompression, BOM, UTF-16, lossy UTF-8,
//! binary detection, size limit) and parsing JSONL document lines. Every problem becomes a
//! warning on the document; nothing here fails the run. Finding the inputs is `corpus`'s job.

#![deny(clippy::indexing_slicing)]

use jiff::civil::Date;
use std::io::{BufRead, BufReader, Read};

mod decode;
pub(crate) use decode::{bom, Decoder};

/// One document to process.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Document id: relative path for files, the id field for JSONL lines.
    pub id: String,
    /// Where it came from: a path, with `:LINE` for JSONL lines; `-` for standard input.
    pub source: String,
    /// The decoded text.
    pub text: String,
    /// The document date that anchors relative dates.
    pub date: Option<Date>,
    /// Bytes read (before decoding).
    pub bytes: u64,
    /// Problems met while reading or decoding; the document is still processed.
    pub warnings: Vec<String>,
}

/// Limits and field names used when reading documents.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Longer documents are truncated, with a warning.
    pub max_doc_bytes: usize,
    /// JSONL field with the document id.
    pub id_field: String,
    /// JSONL field with the text.
    pub text_field: String,
    /// JSONL field with the document date.
    pub date_field: String,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_doc_bytes: 256 << 20,
            id_field: "id".into(),
            text_field: "text".into(),
            date_field: "date".into(),
        }
    }
}

/// Compression of a file, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    /// Plain bytes.
    None,
    /// gzip (`.gz`).
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
}

impl Compression {
    /// By file name ending.
    pub(crate) fn of(name: &str) -> Self {
        if name.ends_with(".gz") {
            Compression::Gzip
        } else if name.ends_with(".zst") {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// A reader that decompresses `r` as `c` says.
pub(crate) fn decompressing<'a, R: Read + Send + 'a>(
    r: R,
    c: Compression,
) -> std::io::Result<Box<dyn Read + Send + 'a>> {
    Ok(match c {
        Compression::None => Box::new(r),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(r)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(r)?),
    })
}

/// A stream of lines (JSONL) decoded the way text documents are: a UTF-8 byte order mark is
/// skipped, and UTF-16 LE/BE after its mark is turned into UTF-8 (bad units become U+FFFD),
/// so that the lines split after it are the same whatever the encoding.
pub(crate) fn decoded<'a>(
    mut r: impl Read + Send + 'a,
) -> std::io::Result<Box<dyn BufRead + Send + 'a>> {
    let mut head = [0u8; 3];
    let mut n = 0;
    while n < head.len() {
        match r.read(head.get_mut(n..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let got = head.get(..n).unwrap_or_default();
    let (skip, utf16) = bom(got);
    let rest = std::io::Cursor::new(got.get(skip..).unwrap_or_default().to_vec()).chain(r);
    Ok(match utf16 {
        None => Box::new(BufReader::with_capacity(1 << 20, rest)),
        Some(le) => Box::new(BufReader::with_capacity(
            1 << 20,
            Utf16Reader {
                inner: rest,
                decoder: Some(Decoder::new(Some(le))),
                raw: vec![0; 64 << 10],
                text: String::new(),
                at: 0,
            },
        )),
    })
}

/// UTF-16 bytes read as UTF-8, a block at a time.
struct Utf16Reader<R> {
    inner: R,
    /// None once the input ended.
    decoder: Option<Decoder>,
    /// Room for the bytes read.
    raw: Vec<u8>,
    /// Decoded text not handed out yet, from byte `at`.
    text: String,
    at: usize,
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.text.len() {
            let Some(dec) = self.decoder.as_mut() else {
                return Ok(0);
            };
            self.text.clear();
            self.at = 0;
            let n = self.inner.read(&mut self.raw)?;
            if n == 0 {
                if let Some(d) = self.decoder.take() {
                    d.finish(&mut self.text, &mut Vec::new());
                }
            } else {
                dec.feed(self.raw.get(..n).unwrap_or_default(), &mut self.text);
            }
        }
        let rest = self.text.as_bytes().get(self.at..).unwrap_or_default();
        let k = rest.len().min(buf.len());
        buf.get_mut(..k)
            .unwrap_or_default()
            .copy_from_slice(rest.get(..k).unwrap_or_default());
        self.at += k;
        Ok(k)
    }
}

/// Reads a whole file as one document, decompressing and decoding it.
pub(crate) fn read_text_file(path: &std::path::Path, id: String, opts: &ReadOptions) -> Document {
    let source = path.display().to_string();
    let mut doc = Document {
        id,
        source,
        ..Document::default()
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            doc.warnings.push(format!("skipped: cannot read: {e}"));
            return doc;
        }
    };
    let c = Compression::of(&path.to_string_lossy());
    // A plain file is read into room for all of it: two reads, not a dozen growing ones.
    let expect = match c {
        Compression::None => file.metadata().map_or(0, |m| m.len()),
        _ => 0,
    };
    let raw = match read_limited(file, c, expect, opts.max_doc_bytes, &mut doc.warnings) {
        Some(r) => r,
        None => return doc,
    };
    doc.bytes = raw.len() as u64;
    decode_into(&mut doc, raw, opts.max_doc_bytes);
    doc
}

/// Reads at most `limit` bytes of decompressed content (one more to detect overflow),
/// `expect` bytes (0: unknown) reserved up front.
pub(crate) fn read_limited<R: Read + Send>(
    r: R,
    c: Compression,
    expect: u64,
    limit: usize,
    warnings: &mut Vec<String>,
) -> Option<Vec<u8>> {
    let room = usize::try_from(expect).map_or(limit, |e| e.min(limit));
    let mut buf = Vec::with_capacity(room.saturating_add(1));
    let reader = match decompressing(r, c) {
        Ok(x) => x,
        Err(e) => {
            warnings.push(format!("skipped: cannot decompress: {e}"));
            return None;
        }
    };
    let mut limited = reader.take(limit as u64 + 1);
    if let Err(e) = limited.read_to_end(&mut buf) {
        let what = if c == Compression::None {
            "read error"
        } else {
            "corrupt or truncated compressed data"
        };
        warnings.push(format!(
            "{what}: {e}; kept the {} bytes read before it",
            buf.len()
        ));
    }
    Some(buf)
}

/// Decodes raw bytes into `doc.text`: BOM, UTF-16 with BOM, binary detection, lossy UTF-8,
/// truncation at `max` bytes.
pub fn decode_into(doc: &mut Document, mut raw: Vec<u8>, max: usize) {
    if raw.len() > max {
        let mut cut = max;
        // Do not split a UTF-8 sequence.
        while cut > 0 && raw.get(cut).is_some_and(|b| (b & 0xC0) == 0x80) {
            cut -= 1;
        }
        raw.truncate(cut);
        doc.warnings
            .push(format!("truncated at {max} bytes (--max-doc-bytes)"));
    }
    if let Some((le, rest)) = raw
        .strip_prefix(&[0xFF, 0xFE])
        .map(|r| (true, r))
        .or_else(|| raw.strip_prefix(&[0xFE, 0xFF]).map(|r| (false, r)))
    {
        let units = rest.chunks_exact(2).map(|p| {
            let pair = [
                p.first().copied().unwrap_or(0),
                p.get(1).copied().unwrap_or(0),
            ];
            if le {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        let mut bad = 0usize;
        doc.text = char::decode_utf16(units)
            .map(|r| {
                r.unwrap_or_else(|_| {
                    bad += 1;
                    char::REPLACEMENT_CHARACTER
                })
            })
            .collect();
        if rest.len() % 2 == 1 {
            bad += 1;
        }
        if bad > 0 {
            doc.warnings.push(format!(
                "{bad} invalid UTF-16 sequence(s) replaced with U+FFFD"
            ));
        }
        warn_if_empty(doc);
        return;
    }
    let body = raw.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&raw);
    let head = body.get(..body.len().min(8192)).unwrap_or(body);
    if head.contains(&0) {
        doc.warnings
            .push("skipped: binary file (NUL byte in the first 8 KiB)".into());
        return;
    }
    let start = raw.len() - body.len();
    if start > 0 {
        raw.drain(..start);
    }
    match String::from_utf8(raw) {
        Ok(s) => doc.text = s,
        Err(e) => {
            let bytes = e.into_bytes();
            if looks_like_cp1252(&bytes) {
                doc.text = bytes.iter().map(|&b| cp1252_char(b)).collect();
                doc.warnings
                    .push("not UTF-8: decoded as Windows-1252 (Latin-1)".into());
            } else {
                let bad = bytes
                    .utf8_chunks()
                    .filter(|c| !c.invalid().is_empty())
                    .count();
                doc.text = String::from_utf8_lossy(&bytes).into_owned();
                doc.warnings.push(format!(
                    "{bad} invalid UTF-8 sequence(s) replaced with U+FFFD"
                ));
            }
        }
    }
    warn_if_empty(doc);
}

/// Adds a warning to a document that has no text to search.
pub(crate) fn warn_if_empty(doc: &mut Document) {
    if !doc.warnings.is_empty() {
        return;
    }
    if doc.text.is_empty() {
        doc.warnings.push("empty: no text".into());
    } else if doc.text.chars().all(char::is_whitespace) {
        doc.warnings.push("empty: only white space".into());
    }
}

/// Bytes 0x80..=0x9F of Windows-1252 (the rest of 0x80..=0xFF is Latin-1). Undefined bytes
/// map to the C1 control of the same value.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

pub(crate) fn cp1252_char(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_HIGH
            .get(usize::from(b - 0x80))
            .copied()
            .unwrap_or(char::REPLACEMENT_CHARACTER),
        _ => char::from(b),
    }
}

/// Is this invalid UTF-8 rather a Windows-1252 (Latin-1) text? Yes when it holds no valid
/// multi-byte UTF-8 sequence at all (a UTF-8 file with a few bad bytes has some), no byte that
/// Windows-1252 leaves undefined, at most one byte in four outside ASCII, and most of those
/// bytes touch an ASCII letter (accented letters and quotes sit in or at words; stray garbage
/// such as `\xff\xfe` between spaces stays invalid UTF-8, replaced with U+FFFD).
pub(crate) fn looks_like_cp1252(bytes: &[u8]) -> bool {
    for chunk in bytes.utf8_chunks() {
        if !chunk.valid().is_ascii() {
            return false;
        }
    }
    let mut high = 0usize;
    let mut in_words = 0usize;
    let letter = |i: Option<usize>| {
        i.and_then(|i| bytes.get(i))
            .is_some_and(|b| b.is_ascii_alphabetic())
    };
    for (i, &b) in bytes.iter().enumerate() {
        if b < 0x80 {
            continue;
        }
        if matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D) {
            return false;
        }
        high += 1;
        if letter(i.checked_sub(1)) || letter(i.checked_add(1)) {
            in_words += 1;
        }
    }
    high > 0 && high * 4 <= bytes.len() && in_words * 2 > high
}

/// Parses one JSONL line into a document; `None` (with a warning in `warn`) when the line is
/// not a JSON object with a string text field.
pub fn parse_jsonl_line(
    line: &[u8],
    source: String,
    line_no: usize,
    opts: &ReadOptions,
    warn: &mut String,
) -> Option<Document> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // Invalid UTF-8 inside a line is repaired (U+FFFD) with a warning rather than losing it.
    let mut repaired = None;
    let line: std::borrow::Cow<'_, [u8]> = match std::str::from_utf8(line) {
        Ok(_) => line.into(),
        Err(_) => {
            let bad = line
                .utf8_chunks()
                .filter(|c| !c.invalid().is_empty())
                .count();
            repaired = Some(format!(
                "{bad} invalid UTF-8 sequence(s) replaced with U+FFFD"
            ));
            String::from_utf8_lossy(line)
                .into_owned()
                .into_bytes()
                .into()
        }
    };
    let line: &[u8] = &line;
    let value: serde_json::Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            *warn = format!("{source}:{line_no}: skipped: not valid JSON ({e})");
            return None;
        }
    };
    let serde_json::Value::Object(mut map) = value else {
        *warn = format!("{source}:{line_no}: skipped: not a JSON object");
        return None;
    };
    let text = match map.remove(&opts.text_field) {
        Some(serde_json::Value::String(s)) => s,
        Some(_) => {
            *warn = format!(
                "{source}:{line_no}: skipped: field `{}` is not a string",
                opts.text_field
            );
            return None;
        }
        None => {
            *warn = format!(
                "{source}:{line_no}: skipped: no `{}` field",
                opts.text_field
            );
            return None;
        }
    };
    let mut doc = Document {
        source: format!("{source}:{line_no}"),
        bytes: line.len() as u64,
        warnings: repaired.into_iter().collect(),
        ..Document::default()
    };
    doc.id = match map.get(&opts.id_field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => {
            doc.warnings.push(format!(
                "no `{}` field: id taken from the line",
                opts.id_field
            ));
            format!("{source}:{line_no}")
        }
    };
    match map.get(&opts.date_field) {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => match parse_doc_date(s) {
            Some(d) => doc.date = Some(d),
            None => doc
                .warnings
                .push(format!("date `{s}` is not a YYYY-MM-DD date: ignored")),
        },
        _ => {}
    }
    let max = opts.max_doc_bytes;
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        doc.text = text.get(..cut).unwrap_or_default().to_string();
        doc.warnings
            .push(format!("truncated at {max} bytes (--max-doc-bytes)"));
    } else {
        doc.text = text;
    }
    warn_if_empty(&mut doc);
    Some(doc)
}

/// Parses a document date: `YYYY-MM-DD`, optionally followed by a time (`T...` or ` ...`).
pub(crate) fn parse_doc_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let day = s.get(..10).unwrap_or(s);
    if s.len() > 10 && !matches!(s.as_bytes().get(10), Some(b'T' | b' ' | b't')) {
        return None;
    }
    day.parse::<Date>().ok()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn decode(raw: &[u8]) -> Document {
        let mut d = Document::default();
        decode_into(&mut d, raw.to_vec(), 1 << 20);
        d
    }

    #[test]
    fn decodes_variants() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc").text, "abc");
        assert_eq!(decode(b"\xFF\xFEa\0b\0").text, "ab");
        assert_eq!(decode(b"\xFE\xFF\0a\0b").text, "ab");
        let d = decode("Москва ab\u{FF}cd".as_bytes());
        assert!(d.warnings.is_empty());
        let d = decode(b"\xD0\x9C ab\xFFcd");
        assert_eq!(d.text, "М ab\u{FFFD}cd");
        let d = decode(b"Treffen in K\xF6ln, \x93Zitat\x94");
        assert_eq!(d.text, "Treffen in Köln, “Zitat”");
        assert!(d.warnings[0].contains("Windows-1252"));
        assert_eq!(d.warnings.len(), 1);
        let d = decode(b"ab\0cd");
        assert!(d.text.is_empty() && d.warnings[0].contains("binary"));
    }

    #[test]
    fn truncates_on_char_boundary() {
        let mut d = Document::default();
        decode_into(&mut d, "aé".as_bytes().to_vec(), 2);
        assert_eq!(d.text, "a");
        assert!(d.warnings[0].contains("truncated"));
    }

    #[test]
    fn jsonl_lines() {
        let o = ReadOptions::default();
        let mut w = String::new();
        let d = parse_jsonl_line(
            br#"{"id":7,"text":"x","date":"2024-03-22T10:00:00Z"}"#,
            "f".into(),
            1,
            &o,
            &mut w,
        );
        let d = d.unwrap();
        assert_eq!((d.id.as_str(), d.text.as_str()), ("7", "x"));
        assert_eq!(d.date.map(|d| d.to_string()), Some("2024-03-22".into()));
        assert!(parse_jsonl_line(b"[1]", "f".into(), 2, &o, &mut w).is_none());
        assert!(w.contains("f:2") && w.contains("not a JSON object"));
        assert!(parse_jsonl_line(br#"{"text":5}"#, "f".into(), 3, &o, &mut w).is_none());
        assert!(parse_jsonl_line(b"{oops", "f".into(), 4, &o, &mut w).is_none());
    }
}
