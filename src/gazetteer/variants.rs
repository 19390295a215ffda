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
    /// A bit set of the hashes of keys of one word and first words of longer keys (a
    /// Bloom-style filter: a clear bit says surely no key begins so).
    first: Vec<u64>,
}

/// Bits of [`Variants`]'s first-word filter (256 KiB).
const FIRST_BITS: usize = 1 << 21;

fn first_bit(h: u64) -> usize {
    (h >> 43) as usize & (FIRST_BITS - 1)
}

use super::words::{collides, collides_hash, sorted_contains, GIVEN_HASHES};
pub use super::words::{folded_hash, is_common_hash, is_common_word, is_title, word_hash};
pub use crate::normalize::skeleton::{hash_bytes, KEY_SEED};

/// The hash after one more word of a key (its skeleton), from the hash before it.
#[inline]
pub fn key_step(h: u64, skeleton: &[u8]) -> u64 {
    key_mix(h, hash_bytes(KEY_SEED, skeleton))
}

/// [`key_step`] given the hash of the word's skeleton (`hash_bytes(KEY_SEED, ..)`), so that
/// a text word's skeleton is hashed once, whatever the keys it may continue.
#[inline]
pub fn key_mix(h: u64, word: u64) -> u64 {
    (h.rotate_left(23) ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15)
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
    let mut n = 0;
    for c in name.chars().filter(|c| c.is_alphabetic()) {
        n += 1;
        if n > 5 || !c.is_uppercase() {
            return false;
        }
    }
    n > 0
}

/// The key of a name of one word, the common case (no allocation): true when `name` is one
/// word (whether or not it gets a key).
fn one_word_key(name: &str, target: VariantTarget, buf: &mut Vec<u8>, out: &mut Part) -> bool {
    let t = name.trim();
    let Some(w) = crate::normalize::skeleton::word_at(t, 0) else {
        return false;
    };
    if w.end != t.len() {
        return false;
    }
    if !w.capital {
        return true;
    }
    buf.clear();
    skeleton_word(t, false, buf);
    key_word(buf, false);
    if buf.len() >= 6 && !collides_hash(folded_hash(t), buf) {
        let h = key_step(KEY_SEED, buf);
        out.longest = out.longest.max(1);
        out.firsts.push(h);
        out.keys.push((h, VariantTarget { caps: 1, ..target }));
    }
    true
}

/// The keys, surnames and given names of one entry.
#[derive(Default)]
struct Part {
    keys: Vec<(u64, VariantTarget)>,
    prefixes: Vec<u64>,
    /// The hash of each key's first word.
    firsts: Vec<u64>,
    longest: usize,
    surnames: Vec<(u64, u32)>,
    given: Vec<u64>,
}

fn entry_keys(g: &Gazetteer, i: usize, out: &mut Part) {
    let Some(e) = g.entries.get(i) else { return };
    if e.case == CasePolicy::Exact {
        return;
    }
    let person = e.kind == "PERSON";
    let mut buf = Vec::with_capacity(32);
    for (k, name) in e.names.iter().enumerate() {
        if short_capitals(name) {
            continue;
        }
        let one = VariantTarget {
            entry: i as u32,
            name: k as u32,
            caps: 1,
            reordered: false,
        };
        if one_word_key(name, one, &mut buf, out) {
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
    for (i, s) in sk.iter().enumerate() {
        h = key_step(h, s);
        if i == 0 {
            out.firsts.push(h);
        }
        if i + 1 < sk.len() {
            out.prefixes.push(h);
        }
    }
    out.longest = out.longest.max(sk.len());
    out.keys.push((h, t));
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
        let mut firsts: Vec<u64> = Vec::new();
        for p in parts {
            v.longest = v.longest.max(p.longest);
            v.prefixes.extend(p.prefixes);
            firsts.extend(p.firsts);
            keyed.extend(p.keys);
            surnames.extend(p.surnames);
            v.given.extend(p.given);
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
        v.fill_first(firsts.into_iter());
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

    /// Can a key begin with a word of this skeleton hash (`key_step(KEY_SEED, ..)`)? False
    /// means surely not (one bit read); true is checked by [`Variants::get`] and
    /// [`Variants::continues`].
    #[inline]
    pub fn may_begin(&self, h: u64) -> bool {
        let i = first_bit(h);
        self.first
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Fills the first-word filter from the keys and prefixes of one word.
    fn fill_first(&mut self, one_word: impl Iterator<Item = u64>) {
        self.first = vec![0u64; FIRST_BITS / 64];
        for h in one_word {
            let i = first_bit(h);
            if let Some(w) = self.first.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        }
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

    /// Is this folded word a given name (of the built-in list, or the first word of a PERSON
    /// name of the gazetteer)?
    pub fn is_given_name(&self, folded: &str) -> bool {
        self.is_given_hash(word_hash(folded))
    }

    /// [`Variants::is_given_name`] of a word's [`folded_hash`].
    pub fn is_given_hash(&self, h: u64) -> bool {
        sorted_contains(GIVEN_HASHES, h) || self.given.contains(&h)
    }

    /// Most words in a key.
    #[cfg(test)]
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// Number of keys.
    #[cfg(test)]
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
        e.u64(self.longest as u64);
        e.u64s(&self.first);
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
        let longest = usize::try_from(d.u64()?).ok()?;
        let first = d.u64s()?;
        let fits = |m: &FxHashMap<u64, (u32, u32)>, n: usize| {
            m.values().all(|&(a, b)| a <= b && b as usize <= n)
        };
        let sized = first.len() * 64 == FIRST_BITS;
        (sized && fits(&keys, targets.len()) && fits(&surnames, surname_entries.len())).then_some(
            Variants {
                keys,
                targets,
                prefixes,
                surnames,
                surname_entries,
                given,
                longest,
                first,
            },
        )
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
    fn tables_survive_a_compiled_file() {
        let v = keys_of(
            "id\ttype\tname\taliases\n\
             p:1\tPERSON\tMukhtar Dzhumaev\tAndrew Jackson\n\
             c:1\tPLACE\tDushanbe\t\n",
        );
        let mut e = Enc::default();
        v.encode(&mut e);
        let w = Variants::decode(&mut Dec::new(&e.0)).unwrap();
        assert_eq!(w.len(), v.len());
        assert_eq!(w.longest(), 2);
        assert!(w.continues(key(&["Muhtar"])) && !w.get(key(&["Душанбе"])).is_empty());
        assert!(w.is_given_name("andrew"));
        // A truncated table is refused, not misread.
        assert!(Variants::decode(&mut Dec::new(&e.0[..e.0.len() - 1])).is_none());
    }

    #[test]
    fn word_lists_are_read() {
        assert!(is_common_word("armed") && is_common_word("the"));
        assert!(!is_common_word("syrian") && !is_common_word("umarov"));
        assert!(collides("siryan", b"siryan"));
        assert!(!collides("dushanbe", b"dushanbe"));
        // Surnames and dictionary words block other spellings of themselves, not themselves.
        let sk = |w: &str| crate::normalize::skeleton::skeleton(w).into_bytes();
        assert!(collides("khenderson", &sk("Khenderson")));
        assert!(collides("đining", &sk("Đining")));
        assert!(!collides("henderson", &sk("Henderson")));
        assert!(!collides("samarkand", &sk("Samarqand")));
        assert!(!collides("mirziyoyev", &sk("Mirziyoev")));
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
