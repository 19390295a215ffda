//! Words in a folded or original text: which characters are word-internal, where a word
//! ends, and the hash of a word's bytes that the matcher's filter and name table use.
//! Hot paths, so the common scripts are answered without Unicode table lookups (tests check
//! those answers against the tables for every character).

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
pub fn is_mark(c: char) -> bool {
    match c as u32 {
        0..=0x2FF | 0x370..=0x482 | 0x48A..=0x52F | 0x1E00..=0x1EFF => false,
        0x300..=0x36F => true,
        _ => is_combining_mark(c),
    }
}

/// The character that begins at byte `i` of UTF-8 `bytes` (None if `i` is not a boundary).
#[inline]
pub fn char_at(bytes: &[u8], i: usize) -> Option<char> {
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
pub fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if !b.is_ascii_alphanumeric() {
                break;
            }
            i += 1;
        } else {
            match char_at(bytes, i) {
                Some(c) if is_word_char(c) => i += c.len_utf8(),
                _ => break,
            }
        }
    }
    i
}

/// The end of the word that begins at byte `i` (as [`word_end`]) and the [`word_hash`] of
/// its bytes, in one pass.
#[inline]
pub fn word_end_and_hash(bytes: &[u8], mut i: usize) -> (usize, u64) {
    let mut h = WORD_HASH_SEED;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if !b.is_ascii_alphanumeric() {
                break;
            }
            h = word_hash_step(h, b);
            i += 1;
        } else {
            match char_at(bytes, i) {
                Some(c) if is_word_char(c) => {
                    for &x in bytes.get(i..i + c.len_utf8()).unwrap_or(&[]) {
                        h = word_hash_step(h, x);
                    }
                    i += c.len_utf8();
                }
                _ => break,
            }
        }
    }
    (i, h)
}

/// A 64-bit hash of a word's bytes (for the matcher's first-word filter and name table).
#[inline]
pub fn word_hash(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(WORD_HASH_SEED, |h, &b| word_hash_step(h, b))
}

/// The hash of no bytes: [`word_hash`] starts from it.
pub const WORD_HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// [`word_hash`] one byte further: `word_hash(ab) = word_hash_step(word_hash(a), b)`, so a
/// walk along a text extends the hash of what it has passed.
#[inline]
pub fn word_hash_step(h: u64, b: u8) -> u64 {
    (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95)
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
