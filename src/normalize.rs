//! Normalize: the folded view of a text that the matcher scans, and the map back to the original.
//!
//! Folding makes typographic variants equal: Unicode case (Cyrillic, Greek, accented Latin,
//! Turkish dotted I), optionally diacritics (Khalímov = Khalimov), apostrophes (' ’ ʼ),
//! dashes (- ‐ ‑ – — −, with any white space around a dash dropped, so `State — Khorasan` =
//! `State-Khorasan`), and any run of white space (line breaks, no-break spaces) as one space.
//! Gazetteer names go through the same function, so a name matches every variant of itself.
//!
//! The folded text keeps a sparse list of anchors back to the original byte offsets: mapping is
//! linear between anchors, and a character whose fold changes its length is an atomic region,
//! so a match can begin or end only at the edges of original characters. This module does not
//! decide what a match is (see `resolve`).

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

mod keyhash;
pub mod skeleton;
mod words;
pub(crate) use keyhash::{key_hash, KeyHasher};
pub use words::is_word_char;
pub(crate) use words::{ascii_alnum_run, char_at, is_mark, word_end_and_hash};

/// What folding does besides the always-on typographic folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoldOptions {
    /// Fold Unicode case to lower case.
    pub lowercase: bool,
    /// Drop diacritics (combining marks after canonical decomposition).
    pub diacritics: bool,
}

impl Default for FoldOptions {
    fn default() -> Self {
        FoldOptions {
            lowercase: true,
            diacritics: true,
        }
    }
}

/// A folded text with its map back to the original.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    /// The folded text (valid UTF-8).
    pub text: String,
    /// (folded offset, original offset, atomic) in increasing folded order.
    anchors: Vec<Anchor>,
    orig_len: usize,
}

#[derive(Debug, Clone, Copy)]
struct Anchor {
    folded: usize,
    orig: usize,
    atomic: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Plain,
    Space,
    Dash,
    Apostrophe,
}

#[inline]
fn is_plain_ascii(b: u8) -> bool {
    PLAIN_ASCII[b as usize]
}

/// Are these 8 bytes all ASCII that folds to itself (but for case), each space followed by
/// such a byte within them? (Then the byte-by-byte run in `fold_into` would take them all.)
/// False may be wrong (a slower path decides), true is exact.
#[inline]
fn plain_chunk(chunk: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
        return false;
    };
    let x = u64::from_le_bytes(bytes);
    // Bit 7 of each byte set where the byte may be zero (a strict superset of the zeros).
    let zeros = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    let spaces = zeros(x ^ (ONES * 0x20));
    x & HIGH == 0
        && control == 0
        && zeros(x ^ (ONES * u64::from(b'-'))) == 0
        && spaces & (spaces >> 8) == 0
        && spaces >> 56 == 0
}

/// The bytes that are ASCII and fold to themselves (but for case): not white space, not a dash.
static PLAIN_ASCII: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x80 {
        t[b] = matches!(ascii_class(b as u8), Class::Plain);
        b += 1;
    }
    t
};

const fn ascii_class(b: u8) -> Class {
    match b {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Class::Space,
        b'-' => Class::Dash,
        _ => Class::Plain,
    }
}

fn char_class(c: char) -> Class {
    match c {
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}'
        | '\u{00AD}' => Class::Dash,
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{02BB}' | '\u{02B9}'
        | '\u{2032}' | '\u{FF07}' | '`' | '\u{00B4}' => Class::Apostrophe,
        c if c.is_whitespace() => Class::Space,
        _ => Class::Plain,
    }
}

struct Builder<'a> {
    out: &'a mut Folded,
    /// orig - folded at the end of the last linear emission
    delta: isize,
    pending_space: Option<usize>,
    after_dash: bool,
}

impl Builder<'_> {
    fn fp(&self) -> usize {
        self.out.text.len()
    }

    /// Emits `s` for the original bytes `op..op_end`; `linear` when lengths match byte for byte.
    fn emit(&mut self, s: &str, op: usize, op_end: usize, linear: bool) {
        let fp = self.fp();
        if linear {
            let d = op as isize - fp as isize;
            if d != self.delta {
                self.out.anchors.push(Anchor {
                    folded: fp,
                    orig: op,
                    atomic: false,
                });
                self.delta = d;
            }
            self.out.text.push_str(s);
        } else {
            self.out.anchors.push(Anchor {
                folded: fp,
                orig: op,
                atomic: true,
            });
            self.out.text.push_str(s);
            let fe = self.fp();
            self.out.anchors.push(Anchor {
                folded: fe,
                orig: op_end,
                atomic: false,
            });
            self.delta = op_end as isize - fe as isize;
        }
    }

    /// Flushes a pending white-space run ending at `op` as one space.
    fn flush_space(&mut self, op: usize) {
        if let Some(ws) = self.pending_space.take() {
            self.emit(" ", ws, op, op - ws == 1);
        }
    }

    fn plain(&mut self, s: &str, op: usize, op_end: usize, linear: bool) {
        self.flush_space(op);
        self.after_dash = false;
        self.emit(s, op, op_end, linear);
    }

    fn space(&mut self, op: usize) {
        if self.pending_space.is_none() && !self.after_dash && !self.out.text.is_empty() {
            self.pending_space = Some(op);
        }
    }

    /// The character at `op..op_end` folds to nothing (a combining mark): the next
    /// emission anchors past it.
    fn dropped(&mut self, op: usize, op_end: usize) {
        self.flush_space(op);
        self.after_dash = false;
        let fp = self.fp();
        self.out.anchors.push(Anchor {
            folded: fp,
            orig: op,
            atomic: true,
        });
        self.out.anchors.push(Anchor {
            folded: fp,
            orig: op_end,
            atomic: false,
        });
        self.delta = op_end as isize - fp as isize;
    }

    fn dash(&mut self, op: usize, op_end: usize) {
        self.pending_space = None;
        self.after_dash = true;
        self.emit("-", op, op_end, op_end - op == 1);
    }
}

/// Folds `text` into `out` (cleared first), keeping the offset map.
pub fn fold_into(text: &str, opts: FoldOptions, out: &mut Folded) {
    out.text.clear();
    out.anchors.clear();
    out.text.reserve(text.len());
    out.orig_len = text.len();
    out.anchors.push(Anchor {
        folded: 0,
        orig: 0,
        atomic: false,
    });
    let mut b = Builder {
        out,
        delta: 0,
        pending_space: None,
        after_dash: false,
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut buf = String::new();
    while i < bytes.len() {
        let c0 = bytes[i];
        if c0 < 0x80 {
            match ascii_class(c0) {
                Class::Plain | Class::Apostrophe => {
                    // A run of plain ASCII bytes in one go, single spaces between words
                    // included (they fold to themselves).
                    let start = i;
                    let mut j = i + 1;
                    loop {
                        // Eight bytes at a time while they are plain or single spaces.
                        while bytes.get(j..j + 8).is_some_and(plain_chunk) {
                            j += 8;
                        }
                        match bytes.get(j) {
                            Some(&c) if is_plain_ascii(c) => j += 1,
                            Some(b' ') if bytes.get(j + 1).is_some_and(|&d| is_plain_ascii(d)) => {
                                j += 2
                            }
                            _ => break,
                        }
                    }
                    b.flush_space(start);
                    b.after_dash = false;
                    let fp = b.fp();
                    let d = start as isize - fp as isize;
                    if d != b.delta {
                        b.out.anchors.push(Anchor {
                            folded: fp,
                            orig: start,
                            atomic: false,
                        });
                        b.delta = d;
                    }
                    let run = &text[start..j];
                    if opts.lowercase {
                        b.out.text.push_str(run);
                        if let Some(tail) = b.out.text.get_mut(fp..) {
                            tail.make_ascii_lowercase();
                        }
                    } else {
                        b.out.text.push_str(run);
                    }
                    i = j;
                }
                Class::Space => {
                    b.space(i);
                    i += 1;
                }
                Class::Dash => {
                    b.dash(i, i + 1);
                    i += 1;
                }
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        let op_end = i + len;
        match char_class(c) {
            Class::Space => b.space(i),
            Class::Dash => b.dash(i, op_end),
            Class::Apostrophe => b.plain("'", i, op_end, len == 1),
            Class::Plain => {
                buf.clear();
                fold_char(c, opts, &mut buf);
                if buf.is_empty() {
                    b.dropped(i, op_end);
                } else {
                    let linear = buf.len() == len && buf.chars().count() == 1;
                    let s = std::mem::take(&mut buf);
                    b.plain(&s, i, op_end, linear);
                    buf = s;
                }
            }
        }
        i = op_end;
    }
    // Close the map at the end of the text.
    let fp = b.fp();
    b.out.anchors.push(Anchor {
        folded: fp,
        orig: text.len(),
        atomic: false,
    });
}

/// Folds one character (not white space, dash or apostrophe) into `out`.
fn fold_char(c: char, opts: FoldOptions, out: &mut String) {
    if opts.diacritics && is_combining_mark(c) {
        return;
    }
    match c {
        // Turkish dotted capital I and dotless i fold to plain i.
        '\u{0130}' | '\u{0131}' if opts.lowercase => {
            out.push('i');
            return;
        }
        'ß' if opts.lowercase => {
            out.push_str("ss");
            return;
        }
        'ς' if opts.lowercase => {
            out.push('σ');
            return;
        }
        _ => {}
    }
    let mut push = |x: char| {
        if opts.lowercase {
            for l in x.to_lowercase() {
                if !(opts.diacritics && is_combining_mark(l)) {
                    out.push(l);
                }
            }
        } else {
            out.push(x);
        }
    };
    if opts.diacritics && !c.is_ascii() {
        let mut any = false;
        decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                any = true;
                push(d);
            }
        });
        if !any {
            push(c);
        }
    } else {
        push(c);
    }
}

/// Folds a short string (a gazetteer name) into a new string.
pub(crate) fn fold(text: &str, opts: FoldOptions) -> String {
    thread_local! {
        static BUF: std::cell::RefCell<Folded> = std::cell::RefCell::new(Folded::default());
    }
    BUF.with(|b| {
        let mut f = b.borrow_mut();
        fold_into(text, opts, &mut f);
        f.text.clone()
    })
}

impl Folded {
    fn anchor_at(&self, p: usize) -> usize {
        // Index of the last anchor with folded <= p.
        self.anchors
            .partition_point(|a| a.folded <= p)
            .saturating_sub(1)
    }

    /// Original byte offset of folded offset `p` as the start of a span; `None` inside a
    /// character whose fold changed its length.
    pub fn map_start(&self, p: usize) -> Option<usize> {
        let a = *self.anchors.get(self.anchor_at(p))?;
        if a.atomic && a.folded != p {
            return None;
        }
        Some(a.orig + (p - a.folded))
    }

    /// Original byte offset of folded offset `p` as the end of a span (exclusive), extended
    /// over combining marks that follow in the original.
    pub fn map_end(&self, p: usize, orig: &str) -> Option<usize> {
        if p == 0 {
            return Some(0);
        }
        let k = self.anchor_at(p - 1);
        let a = *self.anchors.get(k)?;
        let mut e = if a.atomic {
            let b = self.anchors.get(k + 1)?;
            if b.folded != p {
                return None;
            }
            b.orig
        } else {
            a.orig + (p - a.folded)
        };
        if e > self.orig_len || !orig.is_char_boundary(e) {
            return None;
        }
        // Keep combining marks with their base character.
        for c in orig.get(e..)?.chars() {
            if is_combining_mark(c) {
                e += c.len_utf8();
            } else {
                break;
            }
        }
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, name: &str) -> Option<String> {
        let mut f = Folded::default();
        fold_into(text, FoldOptions::default(), &mut f);
        let n = fold(name, FoldOptions::default());
        let p = f.text.find(&n)?;
        let s = f.map_start(p)?;
        let e = f.map_end(p + n.len(), text)?;
        Some(text[s..e].to_string())
    }

    #[test]
    fn folds_and_maps_back() {
        let cases = [
            ("the IRPT said", "irpt", "IRPT"),
            (
                "Islamic State\u{a0}— Khorasan Province",
                "Islamic State-Khorasan Province",
                "Islamic State\u{a0}— Khorasan Province",
            ),
            (
                "Gulmurod\n  Khalimov",
                "Gulmurod Khalimov",
                "Gulmurod\n  Khalimov",
            ),
            ("Khalímov and", "Khalimov", "Khalímov"),
            ("Khali\u{301}mov and", "Khalimov", "Khali\u{301}mov"),
            ("İSTANBUL", "istanbul", "İSTANBUL"),
            ("ГУЛМУРОД Халимов", "Гулмурод халимов", "ГУЛМУРОД Халимов"),
            ("Rahmon’s", "rahmon's", "Rahmon’s"),
            ("Straße x", "strasse", "Straße"),
            ("ΟΔΥΣΣΕΥΣ", "οδυσσευς", "ΟΔΥΣΣΕΥΣ"),
            ("a\r\nb", "a b", "a\r\nb"),
        ];
        for (text, name, want) in cases {
            assert_eq!(
                check(text, name).as_deref(),
                Some(want),
                "{text:?} / {name:?}"
            );
        }
    }

    #[test]
    fn plain_chunks_are_taken_whole_by_the_byte_loop() {
        // Every 8-byte string over these bytes: when `plain_chunk` says yes, the byte-by-byte
        // run of `fold_into` goes through all 8 bytes, whatever follows.
        let alphabet = [b'a', b' ', b'-', b'\n', b'!', 0x01, 0x7f, 0xc3];
        let mut yes = 0;
        for n in 0..alphabet.len().pow(8) {
            let mut chunk = [0u8; 9];
            let mut k = n;
            for b in chunk.iter_mut().take(8) {
                *b = alphabet[k % alphabet.len()];
                k /= alphabet.len();
            }
            if !plain_chunk(&chunk[..8]) {
                continue;
            }
            yes += 1;
            for next in [b'a', b' ', b'\n'] {
                chunk[8] = next;
                let mut j = 0;
                while j < 8 {
                    if is_plain_ascii(chunk[j]) {
                        j += 1;
                    } else if chunk[j] == b' ' && is_plain_ascii(chunk[j + 1]) {
                        j += 2;
                    } else {
                        break;
                    }
                }
                assert_eq!(j, 8, "{chunk:?}");
            }
        }
        assert!(yes > 1000);
    }

    /// The name table looks for names only at word edges of the folded text; that is exact
    /// because folding never turns a character that is not word-internal into one that is.
    #[test]
    fn folding_never_makes_a_word_character() {
        for diacritics in [true, false] {
            let opts = FoldOptions {
                lowercase: true,
                diacritics,
            };
            for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
                if !is_word_char(c) {
                    let f = fold(c.encode_utf8(&mut [0; 4]), opts);
                    assert!(!f.chars().any(is_word_char), "U+{:04X}", c as u32);
                }
            }
        }
    }

    #[test]
    fn no_match_inside_expanded_char() {
        // "ss" from ß cannot be split: a name starting with the second s does not map.
        let mut f = Folded::default();
        fold_into("Straße", FoldOptions::default(), &mut f);
        let p = f.text.find("se").unwrap_or(0);
        assert_eq!(f.map_start(p), None);
    }
}
