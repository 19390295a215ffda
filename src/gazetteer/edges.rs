//! Word edges: where the keys of the name table end, in a folded name and in a folded text.
//! The table's build (`edges`) and the walk along a text (`Matcher::names_after_word`) must
//! find the same edges, so both use what is here.

use crate::normalize::{char_at, is_mark, is_word_char, KeyHasher};

/// The character at `p` of UTF-8 `s`: whether it is word-internal, whether a word edge
/// comes before it (it is not word-internal, or it is a combining mark, which `resolve`
/// keeps with the character before it), and its length.
#[inline(always)]
pub(super) fn char_class(s: &[u8], p: usize) -> Option<(bool, bool, usize)> {
    let b = *s.get(p)?;
    if b < 0x80 {
        let word = b.is_ascii_alphanumeric();
        return Some((word, !word, 1));
    }
    let c = char_at(s, p)?;
    let word = is_word_char(c);
    Some((word, !word || is_mark(c), c.len_utf8()))
}

/// Calls `at(p, hash of name[..p], word ends)` at each word edge `p` of a folded name, in
/// order: where a character that is not a letter, digit or mark begins or ends, before a
/// combining mark, and at the end, except after a space that joins two words; `word ends`
/// when no word character follows `p`. `Matcher::names_after_word` finds the same edges in a
/// text, so the two must agree.
pub(super) fn edges(name: &[u8], mut at: impl FnMut(usize, u64, bool)) {
    let mut hasher = KeyHasher::new(0);
    let mut p = 0;
    let mut prev_word = true;
    while p < name.len() {
        let (word, edge, len) = char_class(name, p).unwrap_or((false, true, 1));
        if p > 0 && (!prev_word || edge) && !after_joining_space(name, 0, p) {
            at(p, hasher.hash_to(name, p), !word);
        }
        p += len;
        prev_word = word;
    }
    at(p, hasher.hash_to(name, p), true);
}

/// Is `p` just after a space that follows an ASCII letter or digit (both after `from`)? No
/// key ends there: a folded name never ends in a space (folding drops white space at the
/// end), so the key before the space leads straight to the keys one word longer, and a walk
/// along `new york` looks up `new` and `new york` but not `new `.
#[inline]
pub(super) fn after_joining_space(s: &[u8], from: usize, p: usize) -> bool {
    p >= from + 2
        && s.get(p - 1) == Some(&b' ')
        && s.get(p - 2).is_some_and(u8::is_ascii_alphanumeric)
}
