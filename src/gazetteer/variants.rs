//! Variant keys (issue 11): one romanisation skeleton key per name (`normalize::skeleton`),
//! built once when the gazetteer is loaded or compiled, never a list of spellings; plus, for a
//! PERSON name of two or three parts, one key with its last part first (`Umarov Doku` for
//! `Doku Umarov`). Also the tables the document rules need: the surnames of PERSON names
//! (for short forms) and the given names (for places that are part of a person's name).
//!
//! Which names get a key: rows whose case policy is not `exact`, names of words only (white
//! space, dashes, apostrophes inside words), not written in short capitals (acronyms), with at
//! least one capitalised word. A one-word name, or one of fewer than 6 letters, gets a key only
//! where it cannot collide with common words: one word of at least 5 letters whose skeleton is
//! no common English word's or given name's (`common-words.txt`, `given-names.txt`), or several
//! words that are not all common words.
//!
//! A key is the hash of the skeletons of the name's words, each followed by a space; the hash
//! after each word is a prefix, so the text is walked word by word (`resolve::variants`).

use super::compiled::{Dec, Enc};
use super::{CasePolicy, Gazetteer};
use crate::normalize::skeleton::{article, name_words, skeleton_word, Word};
use crate::normalize::{fold, FoldOptions};
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

/// The list of frequent words: common words, then (after `# capitalised`) words mostly
/// written capitalised.
const WORD_LIST: &str = include_str!("common-words.txt");
const MARK: &str = "\n# capitalised\n";

/// The list's two parts: common words, and words mostly written capitalised.
fn word_parts() -> (&'static str, &'static str) {
    WORD_LIST.split_once(MARK).unwrap_or((WORD_LIST, ""))
}
const GIVEN_NAMES: &str = include_str!("given-names.txt");

/// What a variant key stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantTarget {
    /// Index into [`Gazetteer::entries`].
    pub entry: u32,
    /// Index into the entry's names: the spelling the key was made from.
    pub name: u32,
    /// Bit `k`: the key's word `k` must be capitalised in the text.
    pub caps: u32,
    /// The key has the name's last part first.
    pub reordered: bool,
}

/// The variant keys of a gazetteer and the tables of the document rules.
#[derive(Debug, Clone, Default)]
pub struct Variants {
    /// Key hash -> range of `targets`.
    keys: FxHashMap<u64, (u32, u32)>,
    targets: Vec<VariantTarget>,
    /// Hashes of the first words of keys that have more words.
    prefixes: FxHashSet<u64>,
    /// Skeleton hash of a PERSON surname -> range of `surname_entries`.
    surnames: FxHashMap<u64, (u32, u32)>,
    surname_entries: Vec<u32>,
    /// Folded given names (hashed): the built-in list and the first words of PERSON names.
    given: FxHashSet<u64>,
    /// Most words in a key.
    longest: usize,
}

/// FNV-1a over bytes, continued from `h`.
#[inline]
pub fn hash_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The hash of a key before its first word.
pub const KEY_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// The hash after one more word of a key (its skeleton), from the hash before it.
#[inline]
pub fn key_step(h: u64, skeleton: &[u8]) -> u64 {
    hash_bytes(hash_bytes(h, skeleton), b" ")
}

/// The hash of a folded word, for the given-name set.
pub fn word_hash(folded: &str) -> u64 {
    hash_bytes(KEY_SEED, folded.as_bytes())
}

/// The words of the lists, each read both ways: skeleton hash -> hashes of the folded words
/// that have it (for collisions), built once.
fn known_skeletons() -> &'static FxHashMap<u64, Vec<u64>> {
    static MAP: OnceLock<FxHashMap<u64, Vec<u64>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m: FxHashMap<u64, Vec<u64>> = FxHashMap::default();
        let mut buf = Vec::new();
        let (common, names) = word_parts();
        let all = list_words(common)
            .chain(list_words(names))
            .chain(list_words(GIVEN_NAMES));
        for w in all {
            let f = word_hash(&fold(w, FoldOptions::default()));
            for alt in [false, true] {
                buf.clear();
                if !skeleton_word(w, alt, &mut buf) && alt {
                    continue;
                }
                let v = m.entry(hash_bytes(KEY_SEED, &buf)).or_default();
                if !v.contains(&f) {
                    v.push(f);
                }
            }
        }
        m
    })
}

/// Is there a frequent word or given name other than `folded` with this skeleton?
fn collides(folded: &str, skel: &[u8]) -> bool {
    let own = word_hash(folded);
    known_skeletons()
        .get(&hash_bytes(KEY_SEED, skel))
        .is_some_and(|v| v.iter().any(|&h| h != own))
}

/// The folded common words (for surnames and multi-word short names), built once.
fn common_words() -> &'static FxHashSet<u64> {
    static SET: OnceLock<FxHashSet<u64>> = OnceLock::new();
    SET.get_or_init(|| list_words(word_parts().0).map(word_hash).collect())
}

fn list_words(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
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
    common_words().contains(&word_hash(folded))
}

/// A word's skeleton as a key word: an Arabic article as `al`, the ezafe `e` as `i`.
pub fn key_word(s: &mut Vec<u8>, dash_after: bool) -> bool {
    if article(s, dash_after) {
        *s = b"al".to_vec();
        return true;
    }
    if s == b"e" {
        *s = b"i".to_vec();
    }
    false
}

/// The skeletons of a name's words (articles as `al`, the ezafe `e` as `i`) and which must
/// be capitalised; None when the name cannot have a key.
fn name_key(name: &str) -> Option<(Vec<Vec<u8>>, Vec<Word>, u32)> {
    let words = name_words(name)?;
    if words.len() > 32 {
        return None;
    }
    let mut sk = Vec::with_capacity(words.len());
    let mut caps = 0u32;
    for (k, w) in words.iter().enumerate() {
        let mut s = Vec::new();
        skeleton_word(name.get(w.start..w.end)?, false, &mut s);
        let dash_after = words.get(k + 1).is_some_and(|n| n.after_dash);
        if !key_word(&mut s, dash_after) && w.capital {
            caps |= 1 << k;
        }
        sk.push(s);
    }
    (caps != 0).then_some((sk, words, caps))
}

/// May this name have a variant key (see the module comment)?
fn may_vary(name: &str, words: &[Word], sk: &[Vec<u8>]) -> bool {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if words.len() == 1 {
        return sk
            .first()
            .is_some_and(|s| s.len() >= 6 && !collides(&fold(name, FoldOptions::default()), s));
    }
    letters >= 6
        || !words.iter().all(|w| {
            is_common_word(&fold(
                name.get(w.start..w.end).unwrap_or(""),
                FoldOptions::default(),
            ))
        })
}

/// Smart case: a name written entirely in capitals, of up to 5 letters (an acronym).
fn short_capitals(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.len() <= 5 && letters.iter().all(|c| c.is_uppercase())
}

/// The keys, surnames and given names of one entry.
#[derive(Default)]
struct Part {
    keys: Vec<(u64, Vec<u64>, VariantTarget)>,
    surnames: Vec<(u64, u32)>,
    given: Vec<u64>,
}

fn entry_keys(g: &Gazetteer, i: usize, out: &mut Part) {
    let Some(e) = g.entries.get(i) else { return };
    if e.case == CasePolicy::Exact {
        return;
    }
    let person = e.kind == "PERSON";
    for (k, name) in e.names.iter().enumerate() {
        if short_capitals(name) {
            continue;
        }
        let Some((sk, words, caps)) = name_key(name) else {
            continue;
        };
        let target = VariantTarget {
            entry: i as u32,
            name: k as u32,
            caps,
            reordered: false,
        };
        if may_vary(name, &words, &sk) {
            push_key(&sk, target, out);
        }
        let n = sk.len();
        let all_caps = caps.count_ones() as usize == n;
        if person && (2..=3).contains(&n) && all_caps {
            let mut r = sk.clone();
            r.rotate_right(1);
            push_key(
                &r,
                VariantTarget {
                    reordered: true,
                    ..target
                },
                out,
            );
        }
        if person && n >= 2 {
            person_tables(name, &words, &sk, i as u32, out);
        }
    }
}

fn push_key(sk: &[Vec<u8>], t: VariantTarget, out: &mut Part) {
    let mut h = KEY_SEED;
    let mut prefixes = Vec::with_capacity(sk.len());
    for s in sk {
        h = key_step(h, s);
        prefixes.push(h);
    }
    prefixes.pop();
    out.keys.push((h, prefixes, t));
}

/// The surname (last word, not an article or common word, 3 letters or more) and the given
/// name (first word) of a PERSON name.
fn person_tables(name: &str, words: &[Word], sk: &[Vec<u8>], entry: u32, out: &mut Part) {
    let (Some(last), Some(ls)) = (words.last(), sk.last()) else {
        return;
    };
    let surface = name.get(last.start..last.end).unwrap_or("");
    let folded = fold(surface, FoldOptions::default());
    if last.capital && folded.chars().count() >= 3 && !is_common_word(&folded) {
        out.surnames.push((hash_bytes(KEY_SEED, ls), entry));
    }
    if let Some(first) = words.first().filter(|w| w.capital) {
        let f = fold(
            name.get(first.start..first.end).unwrap_or(""),
            FoldOptions::default(),
        );
        if f.chars().count() >= 3 && !is_common_word(&f) {
            out.given.push(word_hash(&f));
        }
    }
}

impl Variants {
    /// Builds the keys of every row of `g` (in parallel on rayon's current pool).
    pub fn new(g: &Gazetteer) -> Self {
        use rayon::prelude::*;
        let parts: Vec<Part> = (0..g.entries.len())
            .into_par_iter()
            .with_min_len(1024)
            .fold(Part::default, |mut p, i| {
                entry_keys(g, i, &mut p);
                p
            })
            .collect();
        let mut v = Variants::default();
        let mut keyed: Vec<(u64, VariantTarget)> = Vec::new();
        let mut surnames: Vec<(u64, u32)> = Vec::new();
        for p in parts {
            for (h, pre, t) in p.keys {
                v.longest = v.longest.max(pre.len() + 1);
                v.prefixes.extend(pre);
                keyed.push((h, t));
            }
            surnames.extend(p.surnames);
            v.given.extend(p.given);
        }
        for w in list_words(GIVEN_NAMES) {
            v.given.insert(word_hash(&fold(w, FoldOptions::default())));
        }
        // Stable by key, so that each key's targets stay in load order.
        keyed.sort_by_key(|&(h, t)| (h, t.entry, t.reordered, t.name));
        keyed.dedup_by(|a, b| a.0 == b.0 && a.1.entry == b.1.entry);
        for (h, t) in keyed {
            let n = v.targets.len() as u32;
            let r = v.keys.entry(h).or_insert((n, n));
            r.1 = n + 1;
            v.targets.push(t);
        }
        surnames.sort_unstable();
        surnames.dedup();
        for (h, e) in surnames {
            let n = v.surname_entries.len() as u32;
            let r = v.surnames.entry(h).or_insert((n, n));
            r.1 = n + 1;
            v.surname_entries.push(e);
        }
        v
    }

    /// The targets of a key (empty when it is none).
    #[inline]
    pub fn get(&self, h: u64) -> &[VariantTarget] {
        match self.keys.get(&h) {
            Some(&(a, b)) => self.targets.get(a as usize..b as usize).unwrap_or(&[]),
            None => &[],
        }
    }

    /// Does some key have more words after this prefix?
    #[inline]
    pub fn continues(&self, h: u64) -> bool {
        self.prefixes.contains(&h)
    }

    /// Can a key begin with a word of this skeleton hash (`key_step(KEY_SEED, ..)`)?
    #[inline]
    pub fn may_begin(&self, h: u64) -> bool {
        self.keys.contains_key(&h) || self.prefixes.contains(&h)
    }

    /// The PERSON entries whose surname has this skeleton hash (`hash_bytes(KEY_SEED, ..)`).
    pub fn surname(&self, h: u64) -> &[u32] {
        match self.surnames.get(&h) {
            Some(&(a, b)) => self
                .surname_entries
                .get(a as usize..b as usize)
                .unwrap_or(&[]),
            None => &[],
        }
    }

    /// No PERSON surnames at all.
    pub fn surnames_empty(&self) -> bool {
        self.surnames.is_empty()
    }

    /// Is this folded word a given name?
    pub fn is_given_name(&self, folded: &str) -> bool {
        self.given.contains(&word_hash(folded))
    }

    /// Most words in a key.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// No keys at all.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl Variants {
    /// Writes the tables for a compiled gazetteer (maps as sorted lists).
    pub(super) fn encode(&self, e: &mut Enc) {
        let mut keys: Vec<(&u64, &(u32, u32))> = self.keys.iter().collect();
        keys.sort_unstable();
        e.len(keys.len());
        for (h, (a, b)) in keys {
            e.u64(*h);
            e.u32(*a);
            e.u32(*b);
        }
        e.len(self.targets.len());
        for t in &self.targets {
            e.u32(t.entry);
            e.u32(t.name);
            e.u32(t.caps);
            e.u8(u8::from(t.reordered));
        }
        let sorted = |s: &FxHashSet<u64>| {
            let mut v: Vec<u64> = s.iter().copied().collect();
            v.sort_unstable();
            v
        };
        e.u64s(&sorted(&self.prefixes));
        let mut sur: Vec<(&u64, &(u32, u32))> = self.surnames.iter().collect();
        sur.sort_unstable();
        e.len(sur.len());
        for (h, (a, b)) in sur {
            e.u64(*h);
            e.u32(*a);
            e.u32(*b);
        }
        e.u32s(&self.surname_entries);
        e.u64s(&sorted(&self.given));
        e.len(self.longest);
    }

    /// Reads tables written by [`Variants::encode`]; None when they cannot be.
    pub(super) fn decode(d: &mut Dec<'_>) -> Option<Self> {
        let ranges = |d: &mut Dec<'_>| -> Option<FxHashMap<u64, (u32, u32)>> {
            let n = d.len()?;
            let mut m = FxHashMap::with_capacity_and_hasher(n, Default::default());
            for _ in 0..n {
                m.insert(d.u64()?, (d.u32()?, d.u32()?));
            }
            Some(m)
        };
        let keys = ranges(d)?;
        let n = d.len()?;
        let mut targets = Vec::with_capacity(n);
        for _ in 0..n {
            targets.push(VariantTarget {
                entry: d.u32()?,
                name: d.u32()?,
                caps: d.u32()?,
                reordered: d.u8()? == 1,
            });
        }
        let prefixes = d.u64s()?.into_iter().collect();
        let surnames = ranges(d)?;
        let surname_entries = d.u32s()?;
        let given = d.u64s()?.into_iter().collect();
        let longest = d.len()?;
        let fits = |m: &FxHashMap<u64, (u32, u32)>, n: usize| {
            m.values().all(|&(a, b)| a <= b && b as usize <= n)
        };
        (fits(&keys, targets.len()) && fits(&surnames, surname_entries.len())).then_some(Variants {
            keys,
            targets,
            prefixes,
            surnames,
            surname_entries,
            given,
            longest,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of(tsv: &str) -> Variants {
        let g = Gazetteer::from_tsv("t.tsv", tsv).unwrap_or_default();
        Variants::new(&g)
    }

    fn key(words: &[&str]) -> u64 {
        let mut h = KEY_SEED;
        for w in words {
            let mut s = Vec::new();
            skeleton_word(w, false, &mut s);
            key_word(&mut s, false);
            h = key_step(h, &s);
        }
        h
    }

    #[test]
    fn word_lists_are_read() {
        assert!(is_common_word("armed") && is_common_word("the"));
        assert!(!is_common_word("syrian") && !is_common_word("umarov"));
        assert!(collides("siryan", b"siryan"));
        assert!(!collides("dushanbe", b"dushanbe"));
    }

    #[test]
    fn which_names_get_keys() {
        let v = keys_of(
            "id\ttype\tname\taliases\tcase\n\
             p:1\tPERSON\tMukhtar Dzhumaev\t\t\n\
             p:2\tPERSON\tDoku Umarov\t\t\n\
             o:1\tORG\tAnsar al-Sharia\tIRPT\t\n\
             c:1\tPLACE\tDushanbe\t\t\n\
             c:2\tPLACE\tSaid\t\t\n\
             c:3\tPLACE\tReading\t\texact\n\
             c:4\tPLACE\tOsh\t\t\n",
        );
        // (words, has a key, reordered)
        let cases: &[(&[&str], bool)] = &[
            (&["Muhtar", "Jumaev"], true),
            (&["Мухтар", "Джумаев"], true),
            (&["Umarov", "Doku"], true),
            (&["Jumaev", "Mukhtar"], true),
            (&["Ansar", "el", "Shari'a"], true),
            (&["Душанбе"], true),
            // negatives: a common word, an exact row, a short name, an acronym
            (&["Saeed"], false),
            (&["Reading"], false),
            (&["Osh"], false),
            (&["IRPT"], false),
        ];
        for (words, want) in cases {
            assert_eq!(!v.get(key(words)).is_empty(), *want, "{words:?}");
        }
        assert!(v.get(key(&["Umarov", "Doku"]))[0].reordered);
        assert!(!v.get(key(&["Doku", "Umarov"]))[0].reordered);
        assert!(v.continues(key(&["Muhtar"])));
        let mut s = Vec::new();
        skeleton_word("Umarov", false, &mut s);
        assert_eq!(v.surname(hash_bytes(KEY_SEED, &s)), &[1]);
        s.clear();
        skeleton_word("Umarova", false, &mut s);
        assert!(v.surname(hash_bytes(KEY_SEED, &s)).is_empty());
        assert!(v.is_given_name("doku") && v.is_given_name("andrew"));
        assert!(!v.is_given_name("umarov"));
    }
}
