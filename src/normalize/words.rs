//! Words in a folded or original text: which characters are word-internal, where a word
//! ends (eight ASCII bytes at a time).
//! Hot paths, so the common scripts are answered without Unicode table lookups (tests check
//! those answers against the tables for every character).

use super::keyhash::{load, KeyHasher};
use unicode_normalization::char::is_combining_mark;

/// Is `c` word-internal (a letter, a digit or a combining mark)? The one definition of a word
/// used for boundaries, tokens and the first-word filter.
#[inline]
pub fn is_word_char(c: char) -> bool {
    // The Latin, combining-mark and Cyrillic blocks answered without the Unicode tables
    // (a test checks them against the tables).
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0xD7 | 0xF7 | 0x482 => false,
        0xC0..=0x24F | 0x300..=0x36F | 0x400..=0x52F | 0x1E00..=0x1EFF => true,
        _ => c.is_alphanumeric() || is_combining_mark(c),
    }
}

/// Is `c` a combining mark (`unicode_normalization`'s definition, with the Latin, Greek and
/// Cyrillic letters answered without a table lookup; a test checks every character)?
#[inline]
pub(crate) fn is_mark(c: char) -> bool {
    match c as u32 {
        0..=0x2FF | 0x370..=0x482 | 0x48A..=0x52F | 0x1E00..=0x1EFF => false,
        0x300..=0x36F => true,
        _ => is_combining_mark(c),
    }
}

/// The character that begins at byte `i` of UTF-8 `bytes` (None if `i` is not a boundary).
#[inline]
pub(crate) fn char_at(bytes: &[u8], i: usize) -> Option<char> {
    let b = *bytes.get(i)?;
    let len = match b {
        0..=0x7F => return Some(char::from(b)),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    std::str::from_utf8(bytes.get(i..i + len)?)
        .ok()?
        .chars()
        .next()
}

/// The end of the word that begins at byte `i` (`i` itself when no word begins there).
#[inline]
pub(crate) fn word_end(bytes: &[u8], mut i: usize) -> usize {
    loop {
        i += ascii_alnum_run(bytes, i);
        match bytes.get(i) {
            Some(&b) if b >= 0x80 => match char_at(bytes, i) {
                Some(c) if is_word_char(c) => i += c.len_utf8(),
                _ => return i,
            },
            _ => return i,
        }
    }
}

/// The end of the word that begins at byte `i` (as [`word_end`]) and the `key_hash` of
/// its bytes.
#[inline]
pub(crate) fn word_end_and_hash(bytes: &[u8], i: usize) -> (usize, u64) {
    let end = word_end(bytes, i);
    // Hashed in place, so that the blocks are read from the text without a copy.
    (end, KeyHasher::new(i).hash_to(bytes, end))
}

/// The number of ASCII letters and digits from byte `i` on, eight bytes at a time.
#[inline]
pub(crate) fn ascii_alnum_run(bytes: &[u8], i: usize) -> usize {
    let mut n = 0;
    loop {
        let run = (!alnum_mask(load(bytes, i + n, 8)) & HIGH).trailing_zeros() as usize / 8;
        n += run;
        if run < 8 {
            return n;
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte set where the byte of `x` is an ASCII letter or digit. Each range test
/// adds to the low 7 bits, so no byte carries into the next.
#[inline]
fn alnum_mask(x: u64) -> u64 {
    let low = x & !HIGH;
    let lower = low | (ONES * 0x20);
    let at_least = |v: u64, lo: u8| v + ONES * u64::from(0x80 - lo);
    let above = |v: u64, hi: u8| v + ONES * u64::from(0x7f - hi);
    let letter = at_least(lower, b'a') & !above(lower, b'z');
    let digit = at_least(low, b'0') & !above(low, b'9');
    (letter | digit) & !x & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_char_fast_paths_agree_with_the_tables() {
        for c in (0..=0x1EFFu32).filter_map(char::from_u32) {
            let slow = if c.is_ascii() {
                c.is_ascii_alphanumeric()
            } else {
                c.is_alphanumeric() || is_combining_mark(c)
            };
            assert_eq!(is_word_char(c), slow, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn mark_fast_paths_agree_with_the_tables() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_mark(c), is_combining_mark(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn alnum_runs_agree_with_byte_tests() {
        for b in 0..=255u8 {
            let s = [
                b'x', b, b'y', b'z', b'1', b'2', b'3', b'4', b'5', b'6', b'7', b,
            ];
            let slow = |i: usize| {
                s[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count()
            };
            for i in 0..=s.len() {
                assert_eq!(ascii_alnum_run(&s, i), slow(i), "byte {b:#x} at {i}");
            }
        }
    }

    #[test]
    fn word_ends_at_the_first_non_word_character() {
        let s = "Khalímov's 12kg Ξένη—déjà vu e\u{301}x";
        let slow = |i: usize| {
            s[i..]
                .char_indices()
                .find(|&(_, c)| !is_word_char(c))
                .map_or(s.len(), |(k, _)| i + k)
        };
        for i in (0..=s.len()).filter(|&i| s.is_char_boundary(i)) {
            assert_eq!(word_end(s.as_bytes(), i), slow(i), "at {i}");
        }
    }

    #[test]
    fn char_at_decodes_or_refuses() {
        let s = "aé€🔥";
        for (i, c) in s.char_indices() {
            assert_eq!(char_at(s.as_bytes(), i), Some(c));
        }
        assert_eq!(char_at(s.as_bytes(), 2), None);
        assert_eq!(char_at(s.as_bytes(), s.len()), None);
        assert_eq!(char_at(&[0xE2, 0x82], 0), None);
        assert_eq!(char_at(&[0xC0, 0x80], 0), None);
    }
}
