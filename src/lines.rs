//! Lines of the text formats gazex reads (gazetteers, gold spans, JSONL documents, mention
//! records, tables, manifests, imported lists, checkpoints): every line ends at LF, CRLF or a
//! lone CR (old Mac files), and no line is held in memory past a bound, so that an endless
//! input with no line end (`/dev/zero`) is an error, not a process that eats the machine.
//! Decoding (BOM, UTF-16) comes before, from `document::decoded`.

use std::io::{BufRead, Read};

/// The longest line any reader accepts by default: the default `--max-doc-bytes` (a JSONL line
/// holds a whole document) and 1 MiB for the rest of the record.
pub(crate) const MAX_LINE: usize = (256 << 20) + (1 << 20);

/// What [`Lines::next_into`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    /// A whole line, without its end, is in the buffer.
    Whole,
    /// The line was longer than the bound: the buffer holds its first bytes. With
    /// [`Lines::skipping_long`] the rest was read past and dropped (the next line follows);
    /// without, reading stopped there (the caller gives up on the input).
    TooLong,
}

/// A reader of lines ending at LF, CRLF or CR, each at most `limit` bytes in memory.
pub(crate) struct Lines<R> {
    inner: R,
    limit: usize,
    /// The last line ended with a CR: a LF right after it belongs to that line end.
    after_cr: bool,
    /// Lines read so far (the 1-based number of the last one).
    number: usize,
    /// Read past the rest of an over-long line instead of stopping at the bound.
    skip_long: bool,
    /// Reading stopped inside an endless line: the input ends here.
    stopped: bool,
}

/// How far past its bound an over-long line is read before the input is given up as endless:
/// 16 times the bound, and at least 4 GiB (so a 1 GB line of a JSONL corpus is only skipped).
const SKIP_FACTOR: usize = 16;
const SKIP_AT_LEAST: usize = 4 << 30;

impl<R: BufRead> Lines<R> {
    /// Lines of `inner`, each bounded by `limit` bytes.
    pub(crate) fn new(inner: R, limit: usize) -> Self {
        Lines {
            inner,
            limit,
            after_cr: false,
            number: 0,
            skip_long: false,
            stopped: false,
        }
    }

    /// True when reading stopped inside a line: an over-long line without
    /// [`Lines::skipping_long`], or one that did not end within many times the bound with it.
    /// The input is taken to end there.
    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }

    /// Reads past over-long lines to the next line (for documents, where one bad line is
    /// skipped with a warning) instead of stopping at the bound (for formats where it is an
    /// error, and an endless input must not be read on). A line still going on after 16
    /// times the bound (and at least 4 GiB) ends the input.
    pub(crate) fn skipping_long(mut self) -> Self {
        self.skip_long = true;
        self
    }

    /// The reader beneath, where the last line read ended (after a CR, a LF may follow).
    pub(crate) fn into_inner(self) -> R {
        self.inner
    }

    /// The 1-based number of the line last read.
    pub(crate) fn number(&self) -> usize {
        self.number
    }

    /// Reads the next line into `buf` (cleared first, line end left out); `None` at the end.
    pub(crate) fn next_into(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<Line>> {
        buf.clear();
        if self.stopped {
            return Ok(None);
        }
        let mut any = false;
        let mut long = false;
        let mut skipped = 0usize;
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            if std::mem::take(&mut self.after_cr) && avail.first() == Some(&b'\n') {
                self.inner.consume(1);
                continue;
            }
            any = true;
            let (piece, used, end) = match memchr::memchr2(b'\n', b'\r', avail) {
                Some(i) => (
                    avail.get(..i).unwrap_or_default(),
                    i + 1,
                    avail.get(i).copied(),
                ),
                None => (avail, avail.len(), None),
            };
            let room = self.limit.saturating_sub(buf.len());
            if piece.len() > room {
                long = true;
                skipped = skipped.saturating_add(piece.len() - room);
                let endless = skipped > self.limit.saturating_mul(SKIP_FACTOR).max(SKIP_AT_LEAST);
                // Without skipping, the input ends at its first over-long line.
                self.stopped |= !self.skip_long || endless;
                if !self.skip_long || endless {
                    buf.extend_from_slice(piece.get(..room).unwrap_or_default());
                    self.inner.consume(room);
                    break;
                }
            }
            buf.extend_from_slice(piece.get(..piece.len().min(room)).unwrap_or_default());
            self.inner.consume(used);
            if let Some(e) = end {
                self.after_cr = e == b'\r';
                break;
            }
        }
        self.number += 1;
        Ok(Some(if long { Line::TooLong } else { Line::Whole }))
    }

    /// Reads the next whole line as text (invalid UTF-8 replaced); `None` at the end. A line
    /// over the bound is an error of kind `InvalidData` naming the line.
    pub(crate) fn next_text(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<String>> {
        match self.next_into(buf)? {
            None => Ok(None),
            Some(Line::Whole) => Ok(Some(String::from_utf8_lossy(buf).into_owned())),
            Some(Line::TooLong) => Err(too_long(self.number, self.limit)),
        }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = std::io::Result<String>;

    /// Whole lines as text; an over-long line is an error (see [`Lines::next_text`]).
    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::new();
        self.next_text(&mut buf).transpose()
    }
}

/// The error of a line over the bound.
pub(crate) fn too_long(line: usize, limit: usize) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("line {line} is longer than {limit} bytes (no line end?)"),
    )
}

/// Reads all of `r`, failing when a line is longer than `limit` bytes (for formats read
/// whole, such as gazetteers and manifests). Line ends are kept as they are.
pub(crate) fn read_all<R: Read>(r: R, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    Bounded::new(r, limit).read_to_end(&mut out)?;
    Ok(out)
}

/// Reads the file at `path` whole, every line bounded by `limit` bytes.
pub(crate) fn read_file(path: &std::path::Path, limit: usize) -> std::io::Result<Vec<u8>> {
    read_all(std::fs::File::open(path)?, limit)
}

/// A reader that fails (`InvalidData`) once more than `limit` bytes pass without a line end:
/// for parsers that read on their own (CSV, JSON), so that they too hold bounded lines.
pub(crate) struct Bounded<R> {
    inner: R,
    limit: usize,
    /// Bytes since the last line end.
    run: usize,
    /// Line ends seen, for the error message.
    lines: usize,
}

impl<R: Read> Bounded<R> {
    /// `inner`, bounded to lines of `limit` bytes.
    pub(crate) fn new(inner: R, limit: usize) -> Self {
        Bounded {
            inner,
            limit,
            run: 0,
            lines: 0,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.run > self.limit {
            return Err(too_long(self.lines + 1, self.limit));
        }
        // Never more than one byte past the bound, so an endless line is noticed at once.
        let room = (self.limit - self.run).saturating_add(1).min(buf.len());
        let n = self.inner.read(buf.get_mut(..room).unwrap_or_default())?;
        let got = buf.get(..n).unwrap_or_default();
        match memchr::memrchr2(b'\n', b'\r', got) {
            Some(i) => {
                self.lines += memchr::memchr2_iter(b'\n', b'\r', got).count();
                self.run = n - i - 1;
            }
            None => self.run += n,
        }
        if self.run > self.limit {
            return Err(too_long(self.lines + 1, self.limit));
        }
        Ok(n)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn all(input: &[u8], limit: usize) -> Vec<(String, Line)> {
        let mut l = Lines::new(input, limit).skipping_long();
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(k) = l.next_into(&mut buf).unwrap() {
            out.push((String::from_utf8(buf.clone()).unwrap(), k));
        }
        out
    }

    #[test]
    fn every_line_end() {
        for input in [
            &b"a\nb\nc"[..],
            b"a\r\nb\r\nc\r\n",
            b"a\rb\rc\r",
            b"a\r\nb\rc\n",
        ] {
            let got: Vec<String> = all(input, 10).into_iter().map(|x| x.0).collect();
            assert_eq!(got, ["a", "b", "c"], "{input:?}");
        }
        let got: Vec<String> = all(b"a\n\n\r\rb", 10).into_iter().map(|x| x.0).collect();
        assert_eq!(got, ["a", "", "", "", "b"]);
    }

    #[test]
    fn a_crlf_split_across_reads_is_one_line_end() {
        let r = std::io::BufReader::with_capacity(2, &b"ab\r\ncd"[..]);
        let mut l = Lines::new(r, 10);
        let got: Vec<String> = (&mut l).map(|x| x.unwrap()).collect();
        assert_eq!(got, ["ab", "cd"]);
        assert_eq!(l.number(), 2);
    }

    #[test]
    fn long_lines_are_cut_and_flagged() {
        let got = all(b"abcdef\nxy\n", 3);
        assert_eq!(got[0], ("abc".into(), Line::TooLong));
        assert_eq!(got[1], ("xy".into(), Line::Whole));
        // Without skipping, an endless line is not read past its bound.
        let mut l = Lines::new(std::io::BufReader::new(std::io::repeat(b'x')), 100);
        let mut buf = Vec::new();
        assert_eq!(l.next_into(&mut buf).unwrap(), Some(Line::TooLong));
        assert_eq!(l.next_into(&mut buf).unwrap(), None);
        let mut l = Lines::new(std::io::BufReader::new(std::io::repeat(b'x')), 100);
        assert!(l.next_text(&mut buf).is_err());
        let mut b = Bounded::new(&b"abc\ndefgh"[..], 4);
        let mut out = Vec::new();
        assert!(b.read_to_end(&mut out).is_err());
        assert_eq!(read_all(&b"ab\ncd\r\nef"[..], 4).unwrap(), b"ab\ncd\r\nef");
        let zeros = std::io::repeat(0).take(1 << 30);
        assert!(read_all(zeros, 1000).is_err());
    }
}
