//! The word lists of the matching rules (issue 11), prepared as sorted hashes by `build.rs`
//! from `common-words.txt` and `given-names.txt`: frequent words (for variant collisions and
//! surnames), given names and titles (for places inside person names and short forms); and
//! from `surnames.txt` and `english-words.txt`, which only block one-word variant keys
//! (`Henderson` is no variant of a town's alias `Khenderson`, nor `Dining` of `Đining`).

use crate::normalize::skeleton::{hash_bytes, KEY_SEED};
use crate::normalize::{fold, FoldOptions};

/// The hash of a folded word, for the given-name set.
pub fn word_hash(folded: &str) -> u64 {
    hash_bytes(KEY_SEED, folded.as_bytes())
}

/// The word lists, prepared by `build.rs` (little-endian u64s, sorted): (skeleton hash,
/// folded word hash) of every word of the four lists in both readings; the folded common words'
/// hashes; the folded given names' hashes.
static KNOWN_SKELETONS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/known-skeletons.bin"));
static COMMON_HASHES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/common-words.bin"));
pub(super) static GIVEN_HASHES: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/given-names.bin"));

/// The `i`-th little-endian u64 of `b` (0 past its end).
fn u64_at(b: &[u8], i: usize) -> u64 {
    b.get(i * 8..i * 8 + 8)
        .and_then(|x| <[u8; 8]>::try_from(x).ok())
        .map_or(0, u64::from_le_bytes)
}

/// Is `h` in the sorted u64s of `b` (every `stride`-th one)?
fn first_at_least(b: &[u8], stride: usize, h: u64) -> usize {
    let n = b.len() / 8 / stride;
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if u64_at(b, mid * stride) < h {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

pub(super) fn sorted_contains(b: &[u8], h: u64) -> bool {
    u64_at(b, first_at_least(b, 1, h)) == h && b.len() >= 8
}

/// Is there a frequent word or given name other than `folded` with this skeleton?
pub(super) fn collides(folded: &str, skel: &[u8]) -> bool {
    collides_hash(word_hash(folded), skel)
}

/// [`collides`] for the word of folded hash `own`.
pub(super) fn collides_hash(own: u64, skel: &[u8]) -> bool {
    let sh = hash_bytes(KEY_SEED, skel);
    let n = KNOWN_SKELETONS.len() / 16;
    let mut i = first_at_least(KNOWN_SKELETONS, 2, sh);
    while i < n && u64_at(KNOWN_SKELETONS, i * 2) == sh {
        if u64_at(KNOWN_SKELETONS, i * 2 + 1) != own {
            return true;
        }
        i += 1;
    }
    false
}

/// Titles before a name (folded, without a final period).
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "general",
    "gen",
    "colonel",
    "col",
    "lieutenant",
    "lt",
    "major",
    "maj",
    "captain",
    "capt",
    "sergeant",
    "sgt",
    "commander",
    "cmdr",
    "admiral",
    "marshal",
    "brigadier",
    "president",
    "minister",
    "senator",
    "sen",
    "governor",
    "gov",
    "judge",
    "justice",
    "professor",
    "prof",
    "sheikh",
    "shaykh",
    "mullah",
    "mawlawi",
    "maulvi",
    "imam",
    "emir",
    "amir",
    "king",
    "queen",
    "prince",
    "princess",
    "lord",
    "lady",
    "sir",
    "ambassador",
    "secretary",
    "chairman",
    "chief",
    "commissioner",
    "mayor",
    "deputy",
    "rev",
    "reverend",
    "father",
    "sister",
    "brother",
    "mufti",
    "hajji",
    "haji",
    "ustaz",
    "comrade",
];

/// Is this folded word a title written before names?
pub fn is_title(folded: &str) -> bool {
    TITLES.contains(&folded.trim_end_matches('.'))
}

/// Is this folded word a frequent lower-case English word?
pub fn is_common_word(folded: &str) -> bool {
    is_common_hash(word_hash(folded))
}

/// [`is_common_word`] of a word's [`folded_hash`].
pub fn is_common_hash(h: u64) -> bool {
    sorted_contains(COMMON_HASHES, h)
}

/// The hash of a word's folded form (`word_hash(fold(word))`; no allocation for ASCII).
pub fn folded_hash(word: &str) -> u64 {
    if word.is_ascii() {
        let mut h = KEY_SEED;
        for b in word.bytes() {
            h = hash_bytes(h, &[b.to_ascii_lowercase()]);
        }
        h
    } else {
        word_hash(&fold(word, FoldOptions::default()))
    }
}
