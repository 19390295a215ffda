//! Incremental decoding of a long text read in pieces: the same text and warnings as
//! `document::decode_into` on the whole, piece by piece (UTF-8 sequences split across pieces,
//! UTF-16 LE/BE after a BOM with surrogate pairs and an odd last byte, invalid bytes replaced
//! with U+FFFD and counted per maximal invalid sequence). One difference, by design: the
//! Windows-1252 fallback is decided on the first piece holding a byte above ASCII, not on the
//! whole text. BOMs are found by the caller (`chunk::read`, `decoded`), which also holds back the bytes a cut at
//! `--max-doc-bytes` may remove.

use crate::document::{cp1252_char, looks_like_cp1252};

/// How the bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Only ASCII so far: UTF-8 and Windows-1252 read it alike.
    Ascii,
    Utf8,
    Cp1252,
    Utf16 {
        le: bool,
    },
}

/// An incremental decoder; see the module comment.
#[derive(Debug)]
pub(crate) struct Decoder {
    mode: Mode,
    /// Bytes of an unfinished UTF-8 sequence, or the odd byte of a UTF-16 unit.
    carry: Vec<u8>,
    /// A UTF-16 high surrogate waiting for its pair.
    high: Option<u16>,
    /// Invalid sequences replaced so far.
    bad: usize,
}

/// The length of the byte order mark `raw` begins with, and whether it is UTF-16 (`Some(le)`).
pub(crate) fn bom(raw: &[u8]) -> (usize, Option<bool>) {
    if raw.starts_with(&[0xFF, 0xFE]) {
        (2, Some(true))
    } else if raw.starts_with(&[0xFE, 0xFF]) {
        (2, Some(false))
    } else if raw.starts_with(&[0xEF, 0xBB, 0xBF]) {
        (3, None)
    } else {
        (0, None)
    }
}

impl Decoder {
    /// A decoder for bytes after the BOM; `utf16` as [`bom`] says.
    pub(crate) fn new(utf16: Option<bool>) -> Self {
        Decoder {
            mode: utf16.map_or(Mode::Ascii, |le| Mode::Utf16 { le }),
            carry: Vec::new(),
            high: None,
            bad: 0,
        }
    }

    /// Decodes the next bytes onto `out`.
    pub(crate) fn feed(&mut self, raw: &[u8], out: &mut String) {
        if self.mode == Mode::Ascii {
            if raw.is_ascii() {
                out.push_str(std::str::from_utf8(raw).unwrap_or_default());
                return;
            }
            let invalid = match std::str::from_utf8(raw) {
                Ok(_) => false,
                Err(e) => e.error_len().is_some(),
            };
            self.mode = if invalid && looks_like_cp1252(raw) {
                Mode::Cp1252
            } else {
                Mode::Utf8
            };
        }
        match self.mode {
            Mode::Ascii | Mode::Utf8 => {
                if self.carry.is_empty() {
                    self.utf8(raw, false, out);
                } else {
                    let mut joined = std::mem::take(&mut self.carry);
                    joined.extend_from_slice(raw);
                    self.utf8(&joined, false, out);
                }
            }
            Mode::Cp1252 => out.extend(raw.iter().map(|&b| cp1252_char(b))),
            Mode::Utf16 { le } => self.utf16(raw, le, out),
        }
    }

    fn utf8(&mut self, mut rest: &[u8], eof: bool, out: &mut String) {
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(s);
                    return;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    out.push_str(std::str::from_utf8(good).unwrap_or_default());
                    match e.error_len() {
                        Some(n) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            self.bad += 1;
                            rest = bad.get(n..).unwrap_or_default();
                        }
                        None if eof => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            self.bad += 1;
                            return;
                        }
                        None => {
                            self.carry = bad.to_vec();
                            return;
                        }
                    }
                }
            }
        }
    }

    fn utf16(&mut self, raw: &[u8], le: bool, out: &mut String) {
        let mut bytes = raw;
        let mut unit = |pair: [u8; 2], dec: &mut Self| {
            let u = if le {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            };
            dec.unit(u, out);
        };
        if let Some(&first) = self.carry.first() {
            let Some((&second, tail)) = bytes.split_first() else {
                return;
            };
            self.carry.clear();
            unit([first, second], self);
            bytes = tail;
        }
        let mut pairs = bytes.chunks_exact(2);
        for p in &mut pairs {
            unit(
                [
                    p.first().copied().unwrap_or(0),
                    p.get(1).copied().unwrap_or(0),
                ],
                self,
            );
        }
        self.carry.extend_from_slice(pairs.remainder());
    }

    /// One UTF-16 unit, as `char::decode_utf16` reads it.
    fn unit(&mut self, u: u16, out: &mut String) {
        let is_high = (0xD800..0xDC00).contains(&u);
        let is_low = (0xDC00..0xE000).contains(&u);
        if let Some(h) = self.high.take() {
            if is_low {
                let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                return;
            }
            out.push(char::REPLACEMENT_CHARACTER);
            self.bad += 1;
        }
        if is_high {
            self.high = Some(u);
        } else if is_low {
            out.push(char::REPLACEMENT_CHARACTER);
            self.bad += 1;
        } else {
            out.push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
    }

    /// Ends the text: unfinished sequences become U+FFFD; the decoding warning, if any, is
    /// pushed onto `warnings`.
    pub(crate) fn finish(mut self, out: &mut String, warnings: &mut Vec<String>) {
        match self.mode {
            Mode::Ascii | Mode::Utf8 => {
                let carry = std::mem::take(&mut self.carry);
                if !carry.is_empty() {
                    self.utf8(&carry, true, out);
                }
                if self.bad > 0 {
                    warnings.push(format!(
                        "{} invalid UTF-8 sequence(s) replaced with U+FFFD",
                        self.bad
                    ));
                }
            }
            Mode::Cp1252 => {
                warnings.push("not UTF-8: decoded as Windows-1252 (Latin-1)".into());
            }
            Mode::Utf16 { .. } => {
                if self.high.take().is_some() {
                    out.push(char::REPLACEMENT_CHARACTER);
                    self.bad += 1;
                }
                // An odd last byte counts, as in `decode_into`, but gives no character.
                if !self.carry.is_empty() {
                    self.bad += 1;
                }
                if self.bad > 0 {
                    warnings.push(format!(
                        "{} invalid UTF-16 sequence(s) replaced with U+FFFD",
                        self.bad
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{decode_into, Document};
    use proptest::prelude::*;

    /// Decodes `raw` (no NUL check, no truncation) in pieces cut at `cuts`.
    fn pieces(raw: &[u8], cuts: &[usize]) -> (String, Vec<String>) {
        let (skip, utf16) = bom(raw);
        let body = raw.get(skip..).unwrap_or_default();
        let mut d = Decoder::new(utf16);
        let mut out = String::new();
        let mut at = 0;
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (body.len() + 1)).collect();
        cuts.sort_unstable();
        for c in cuts {
            d.feed(body.get(at..c).unwrap_or_default(), &mut out);
            at = c;
        }
        d.feed(body.get(at..).unwrap_or_default(), &mut out);
        let mut w = Vec::new();
        d.finish(&mut out, &mut w);
        (out, w)
    }

    fn whole(raw: &[u8]) -> (String, Vec<String>) {
        let mut doc = Document::default();
        decode_into(&mut doc, raw.to_vec(), usize::MAX / 2);
        (doc.text, doc.warnings)
    }

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"abc ".to_vec()),
            Just("Москва ".as_bytes().to_vec()),
            Just("e\u{301}🔥".as_bytes().to_vec()),
            Just(vec![0xE2, 0x82]),
            Just(vec![0xFF]),
            Just(vec![0xF0, 0x9F]),
            Just(vec![0x80, 0x80]),
            Just(vec![0xD8, 0x3D, 0xDE]),
            Just(vec![0xDC, 0x00]),
            proptest::collection::vec(any::<u8>(), 0..4),
        ];
        let bom = prop_oneof![
            Just(Vec::new()),
            Just(vec![0xEF, 0xBB, 0xBF]),
            Just(vec![0xFF, 0xFE]),
            Just(vec![0xFE, 0xFF]),
        ];
        (bom, proptest::collection::vec(piece, 0..24)).prop_map(|(mut b, v)| {
            b.extend(v.concat().into_iter().filter(|&x| x != 0));
            b
        })
    }

    proptest! {
        #[test]
        fn pieces_decode_as_the_whole(raw in bytes(), cuts in proptest::collection::vec(0usize..200, 0..6)) {
            let (w_text, w_warn) = whole(&raw);
            // The Windows-1252 fallback is decided on the first non-ASCII piece: compare
            // only texts where the whole and the pieces agree on it.
            let (p_text, p_warn) = pieces(&raw, &cuts);
            let latin = |w: &[String]| w.iter().any(|x| x.contains("1252"));
            prop_assume!(latin(&w_warn) == latin(&p_warn));
            prop_assert_eq!(p_text, w_text);
            prop_assert_eq!(p_warn.first(), w_warn.first().filter(|w| !w.starts_with("empty")));
        }
    }

    #[test]
    fn windows_1252_and_split_sequences() {
        let raw = b"Treffen in K\xF6ln, \x93Zitat\x94".to_vec();
        assert_eq!(pieces(&raw, &[3, 13]), whole(&raw));
        let raw = "Ж€🔥".as_bytes();
        for c in 0..raw.len() {
            assert_eq!(pieces(raw, &[c]).0, "Ж€🔥");
        }
        let raw = [0xFF, 0xFE, 0x3D, 0xD8, 0x25, 0xDD, 0x41];
        for c in 0..raw.len() {
            assert_eq!(pieces(&raw, &[c]), whole(&raw));
        }
    }
}
