//! The compiled name table: every name of every entry, folded, in one hash table (`prefixes`)
//! that maps each folded name, and each of its beginnings that ends at a word edge, to what it
//! is: a whole name (a pattern number, with the entries the folded name stands for) and/or the
//! beginning of a longer name, with a small filter of the keys one word edge longer. Names are
//! only ever looked for where a word begins (and where a 2-Mbit filter of first words lets
//! them), so the search is an anchored walk along the text that looks the text read so far
//! up at each word edge (where a letter or digit meets anything else, or before a combining
//! mark, but not after a space between two words: see `edges`) and stops at the first piece
//! no name begins with (by the filters, or else the table), reporting every name ending on
//! the way (longest first to the caller). Building it is one pass over the names (folded in
//! parallel on rayon's current pool), with no sort and no automaton to minimise. It does not
//! check boundaries or case (see `resolve`).
//!
//! Looking only at word edges finds every name `resolve` can accept: a name is accepted only
//! where it ends at a word boundary of the original text (combining marks that follow it
//! count as its own), and folding never turns a character that is not a letter, digit or mark
//! into one (a test checks every character), so such an end is a word edge of the folded
//! text too.

use super::edges::{after_joining_space, char_class, edges};
use super::filters::{
    first_word_bit, has_bit, later_key_bit, lone_key_bit, set_bit, FIRST_WORD_BITS, LATER_KEY_BITS,
    LONE_KEY_BITS,
};
use super::prefixes::{child_bit, shard_of, Prefixes, SHARDS};
use super::variants::Variants;
use super::{CasePolicy, Entry, Gazetteer};
use crate::error::{Error, Result};
use crate::normalize::{ascii_alnum_run, fold_into, key_hash, FoldOptions, Folded, KeyHasher};
use rayon::prelude::*;

/// What a folded name stands for: an entry, and the case-preserving form when the name must
/// match as written.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Index into [`Gazetteer::entries`].
    pub(crate) entry: u32,
    /// Index into the entry's names: the spelling this folded name comes from.
    pub(crate) name: u32,
    /// For case-sensitive names: the name folded without lower-casing.
    pub(crate) exact: Option<Box<str>>,
    /// The name is written with diacritics. A text that spells it without any diacritic
    /// must then begin with a capital and have at least 5 letters, so that `Frōm` or `Çan`
    /// never match `from` or `can`, while `KHALIMOV` still matches `Khalímov`.
    pub(crate) accented: bool,
}

/// The name table over all folded names.
#[derive(Clone)]
pub struct Matcher {
    /// Every folded name, concatenated (the prefix table's keys point into it).
    pub(super) arena: Vec<u8>,
    /// The table, in [`SHARDS`] shards.
    pub(super) prefixes: Vec<Prefixes>,
    /// For pattern `p`: targets `targets[offsets[p]..offsets[p+1]]`, in load order.
    pub(super) offsets: Vec<u32>,
    pub(super) targets: Vec<Target>,
    pub(super) diacritics: bool,
    pub(super) longest_name: usize,
    /// Byte length of the longest folded name.
    pub(super) longest_folded: usize,
    /// Bytes that begin at least one folded name.
    pub(super) first: [bool; 256],
    /// A bit set of the hashes of the first words of all names (a Bloom-style filter: a
    /// text word whose bit is clear begins no name).
    pub(super) first_words: Vec<u64>,
    /// The same for the keys after the first of each name: a key that passes its parent's
    /// small filter but not this one is surely not in the table (common words such as `the`
    /// begin so many names that their own filter lets everything through).
    pub(super) later_keys: Vec<u64>,
    /// The same for the names of one key (a first word with nothing after it, mostly): a
    /// walk need not look its first word up when it is surely no name by itself.
    pub(super) lone_keys: Vec<u64>,
    /// The romanisation skeleton keys of the names, and the document rules' tables.
    pub(super) variants: Variants,
}

/// Entries folded per parallel task.
const CHUNK: usize = 2048;

/// A folded name, with what the table needs of it.
struct Name {
    /// Where it begins in its chunk's text.
    start: usize,
    /// The end of its word edges in its chunk's edges (the last edge is the whole name).
    edge_to: usize,
    /// The hash of its first word (of nothing when it begins with no word character).
    first_word: u64,
}

/// A word edge of a folded name: the name's beginning up to there is a key of the table.
#[derive(Clone, Copy)]
struct Edge {
    /// Length of the key (the name's bytes up to the edge).
    len: u32,
    /// Index of the name within its chunk.
    name: u32,
    /// The key's [`key_hash`].
    hash: u64,
}

/// The folded names of a run of entries.
#[derive(Default)]
struct Chunk {
    /// The folded names, concatenated.
    text: Vec<u8>,
    /// Per name: its place in this chunk and what it stands for.
    names: Vec<(Name, Target)>,
    /// The word edges of every name, in order.
    edges: Vec<Edge>,
    longest_name: usize,
}

impl Matcher {
    /// Compiles all names of `g`; `diacritics` folds accents away in names and texts alike.
    /// Names are folded, and the table's shards built, in parallel on rayon's current pool.
    pub fn new(g: &Gazetteer, diacritics: bool) -> Result<Self> {
        let (chunks, variants) = rayon::join(|| fold_all(g, diacritics), || Variants::new(g));
        let fail = || Error::Usage("cannot build the gazetteer name table: too many names".into());
        // One arena of all folded names; each chunk keeps its names and edges, known by
        // (where its text begins in the arena, the overall index of its first name).
        let mut chunks = chunks;
        let mut arena = Vec::with_capacity(chunks.iter().map(|c| c.text.len()).sum());
        let mut bases: Vec<(usize, u32)> = Vec::with_capacity(chunks.len());
        let mut count = 0usize;
        for c in &mut chunks {
            bases.push((arena.len(), u32::try_from(count).map_err(|_| fail())?));
            arena.append(&mut c.text);
            count += c.names.len();
        }
        u32::try_from(count).map_err(|_| fail())?;
        let longest_name = chunks.iter().map(|c| c.longest_name).max().unwrap_or(0);
        // Each shard takes the keys of its hashes, (chunk, edge) in load order; a whole name
        // gets the index of the first name folded the same (its pattern, for now).
        let edge_count: usize = chunks.iter().map(|c| c.edges.len()).sum();
        let mut by_shard: Vec<Vec<(u32, u32)>> = (0..SHARDS)
            .map(|_| Vec::with_capacity(edge_count / SHARDS + 16))
            .collect();
        for (ci, c) in chunks.iter().enumerate() {
            for (k, e) in c.edges.iter().enumerate() {
                if let Some(b) = by_shard.get_mut(shard_of(e.hash)) {
                    b.push((ci as u32, k as u32));
                }
            }
        }
        let built: Vec<Option<Shard>> = by_shard
            .into_par_iter()
            .map(|keys| build_shard(&keys, &arena, &chunks, &bases))
            .collect();
        let mut shards = Vec::with_capacity(SHARDS);
        let mut first_of = vec![u32::MAX; count];
        for b in built {
            let (t, firsts) = b.ok_or_else(fail)?;
            for (i, f) in firsts {
                if let Some(x) = first_of.get_mut(i as usize) {
                    *x = f;
                }
            }
            shards.push(t);
        }
        let mut m = Matcher {
            arena,
            prefixes: shards,
            offsets: Vec::new(),
            targets: Vec::new(),
            diacritics,
            longest_name,
            longest_folded: 0,
            first: [false; 256],
            first_words: vec![0u64; FIRST_WORD_BITS / 64],
            later_keys: vec![0u64; LATER_KEY_BITS / 64],
            lone_keys: vec![0u64; LONE_KEY_BITS / 64],
            variants,
        };
        // Patterns are numbered in load order of their first name.
        let mut patterns: Vec<u32> = Vec::with_capacity(count);
        let mut next: u32 = 0;
        for c in &chunks {
            let mut first_edge = 0;
            for (n, _) in &c.names {
                for e in c.edges.get(first_edge + 1..n.edge_to).unwrap_or(&[]) {
                    set_bit(&mut m.later_keys, later_key_bit(e.hash));
                }
                if n.edge_to == first_edge + 1 {
                    if let Some(e) = c.edges.get(first_edge) {
                        set_bit(&mut m.lone_keys, lone_key_bit(e.hash));
                    }
                }
                first_edge = n.edge_to;
            }
        }
        for (c, &(base, _)) in chunks.iter().zip(&bases) {
            for (n, _) in &c.names {
                let i = patterns.len();
                let f = first_of.get(i).copied().unwrap_or(u32::MAX) as usize;
                if f != i {
                    patterns.push(patterns.get(f).copied().ok_or_else(fail)?);
                    continue;
                }
                patterns.push(next);
                next += 1;
                let end = c
                    .edges
                    .get(n.edge_to.wrapping_sub(1))
                    .map_or(0, |e| e.len as usize);
                m.longest_folded = m.longest_folded.max(end);
                if let Some(&b) = m.arena.get(base + n.start) {
                    m.first[b as usize] = true;
                }
                set_bit(&mut m.first_words, first_word_bit(n.first_word));
            }
        }
        // The shards learn their patterns while the targets are gathered (and the chunks
        // freed), both in parallel.
        let prefixes = &mut m.prefixes;
        let ((), targets) = rayon::join(
            || {
                prefixes.par_iter_mut().for_each(|t| {
                    t.map_patterns(|first| patterns.get(first as usize).copied().unwrap_or(0));
                })
            },
            || -> Vec<Target> {
                chunks
                    .into_par_iter()
                    .flat_map_iter(|c| c.names.into_iter().map(|(_, t)| t))
                    .collect()
            },
        );
        m.group(next as usize, &patterns, targets);
        Ok(m)
    }

    /// The shard of the table a key of hash `h` lives in.
    #[inline]
    fn shard(&self, h: u64) -> Option<&Prefixes> {
        self.prefixes.get(shard_of(h))
    }

    /// Groups the targets by pattern, in place (a counting sort, stable, so each pattern's
    /// targets stay in load order); duplicate names within an entry merge silently.
    fn group(&mut self, n: usize, patterns: &[u32], mut targets: Vec<Target>) {
        let mut offsets = vec![0u32; n + 1];
        for &p in patterns {
            if let Some(o) = offsets.get_mut(p as usize + 1) {
                *o += 1;
            }
        }
        for k in 1..offsets.len() {
            offsets[k] += offsets[k - 1];
        }
        // Where each target goes; then the permutation is applied cycle by cycle.
        let mut next = offsets.clone();
        let mut dest: Vec<u32> = patterns
            .iter()
            .map(|&p| {
                let slot = next.get_mut(p as usize).map_or(0, |d| {
                    *d += 1;
                    *d - 1
                });
                slot
            })
            .collect();
        for i in 0..dest.len() {
            while let Some(&d) = dest.get(i) {
                let d = d as usize;
                if d == i || d >= dest.len() {
                    break;
                }
                targets.swap(i, d);
                dest.swap(i, d);
            }
        }
        // Keep the first of equal targets within each pattern, moving the kept ones down.
        let mut kept = 0;
        self.offsets = Vec::with_capacity(n + 1);
        for w in offsets.windows(2) {
            let group = kept;
            self.offsets.push(group as u32);
            for k in w[0] as usize..w[1] as usize {
                let dup = match (targets.get(group..kept), targets.get(k)) {
                    (Some(done), Some(t)) => done.iter().any(|x| {
                        x.entry == t.entry && x.exact == t.exact && x.accented == t.accented
                    }),
                    _ => true,
                };
                if !dup {
                    targets.swap(kept, k);
                    kept += 1;
                }
            }
        }
        self.offsets.push(kept as u32);
        targets.truncate(kept);
        self.targets = targets;
    }

    #[cfg(test)]
    /// Every name that begins at `from` in `hay` and ends at a word edge of it, as (end,
    /// pattern), shortest first, into `out` (cleared first).
    pub(crate) fn names_at(&self, hay: &[u8], from: usize, out: &mut Vec<(usize, usize)>) {
        let (end, hash) = crate::normalize::word_end_and_hash(hay, from);
        self.names_after_word(hay, from, end, hash, out);
    }

    /// As [`Matcher::names_at`], given the end and the [`key_hash`] of the word that begins
    /// at `from` (`word_end_and_hash`), which the caller has already computed.
    #[inline]
    pub(crate) fn names_after_word(
        &self,
        hay: &[u8],
        from: usize,
        word_end: usize,
        word_hash: u64,
        out: &mut Vec<(usize, usize)>,
    ) {
        out.clear();
        let limit = from.saturating_add(self.longest_folded);
        // Start after the first word, unless a combining mark in it (kept in the text when
        // diacritics are not folded) makes a word edge before it that must be looked at.
        let skip = word_end > from
            && (self.diacritics || hay.get(from..word_end).is_some_and(<[u8]>::is_ascii));
        let mut p = if skip { word_end } else { from };
        let mut hasher = KeyHasher::new(from);
        let mut hash_at = |p: usize| {
            if skip && p == word_end {
                word_hash
            } else {
                hasher.hash_to(hay, p)
            }
        };
        // A first word that is surely no name by itself is not looked up: the walk goes on
        // to the keys after it as if it began longer names (the later-key filter and the table
        // say whether they do).
        let lone = |p: usize| !(skip && p == word_end) || self.may_be_lone(word_hash);
        // The character before `p` is a word character (or there is none).
        let mut prev_word = true;
        // The filter of the keys that may follow the last one found (all, before the first).
        let mut next = u64::MAX;
        let mut first = true;
        while p < hay.len() {
            let Some((word, edge, len)) = char_class(hay, p) else {
                return;
            };
            if p > from && (!prev_word || edge) && !after_joining_space(hay, from, p) {
                if !first || lone(p) {
                    match self.look_up(hay, from, p, hash_at(p), next, first, out) {
                        Some(n) => next = n,
                        None => return,
                    }
                }
                first = false;
            }
            if p >= limit {
                return;
            }
            // A run of ASCII letters and digits has no word edge inside.
            p += if word && len == 1 {
                ascii_alnum_run(hay, p)
            } else {
                len
            };
            prev_word = word;
        }
        if p > from && (!first || lone(p)) {
            self.look_up(hay, from, p, hash_at(p), next, first, out);
        }
    }

    /// Looks `hay[from..p]` (hash `h`) up, unless the filter `next` of the key before it, or
    /// the later-key filter (for any key but a walk's `first`), says it is not there: pushes
    /// it if it is a name; returns its own filter if some longer name begins with it.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn look_up(
        &self,
        hay: &[u8],
        from: usize,
        p: usize,
        h: u64,
        next: u64,
        first: bool,
        out: &mut Vec<(usize, usize)>,
    ) -> Option<u64> {
        if next & child_bit(h) == 0 || !first && !has_bit(&self.later_keys, later_key_bit(h)) {
            return None;
        }
        let f = self.shard(h)?.find(&self.arena, hay.get(from..p)?, h)?;
        if let Some(pat) = f.pattern {
            out.push((p, pat));
        }
        f.longer.then_some(f.next)
    }

    /// May a name begin with the word of this [`key_hash`] (its bytes in the folded text)?
    /// False means surely not.
    #[inline]
    pub(crate) fn may_begin_with_hash(&self, hash: u64) -> bool {
        has_bit(&self.first_words, first_word_bit(hash))
    }

    /// May the word of this [`key_hash`] be a whole name by itself? False means surely not.
    #[inline]
    fn may_be_lone(&self, hash: u64) -> bool {
        has_bit(&self.lone_keys, lone_key_bit(hash))
    }

    /// Can a name begin with byte `b`?
    #[inline]
    pub(crate) fn may_start(&self, b: u8) -> bool {
        self.first[b as usize]
    }

    /// The entries a pattern stands for, in load order.
    pub(crate) fn targets(&self, pattern: usize) -> &[Target] {
        let lo = self.offsets.get(pattern).copied().unwrap_or(0) as usize;
        let hi = self.offsets.get(pattern + 1).copied().unwrap_or(0) as usize;
        self.targets.get(lo..hi).unwrap_or(&[])
    }

    /// Whether names and texts are folded without diacritics.
    pub fn folds_diacritics(&self) -> bool {
        self.diacritics
    }

    /// Number of distinct folded names.
    pub fn patterns(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Byte length of the longest name, as written.
    pub(crate) fn longest_name(&self) -> usize {
        self.longest_name
    }

    /// The variant keys and the document rules' tables.
    pub(crate) fn variants(&self) -> &Variants {
        &self.variants
    }
}

/// Folds the names of all entries, in chunks in parallel.
fn fold_all(g: &Gazetteer, diacritics: bool) -> Vec<Chunk> {
    g.entries
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(k, es)| fold_chunk(es, k * CHUNK, diacritics))
        .collect()
}

/// Folds the names of `entries` (the first being entry `first`).
fn fold_chunk(entries: &[Entry], first: usize, diacritics: bool) -> Chunk {
    let lower = FoldOptions {
        lowercase: true,
        diacritics,
    };
    let keep_case = FoldOptions {
        lowercase: false,
        diacritics,
    };
    let plain = FoldOptions {
        lowercase: true,
        diacritics: false,
    };
    // Sized up front: growing these vectors copies them and touches fresh pages twice.
    let names: usize = entries.iter().map(|e| e.names.len()).sum();
    let bytes: usize = entries.iter().flat_map(|e| &e.names).map(String::len).sum();
    let mut c = Chunk {
        text: Vec::with_capacity(bytes + bytes / 8),
        names: Vec::with_capacity(names),
        edges: Vec::with_capacity(names * 4),
        longest_name: 0,
    };
    let (mut f, mut other) = (Folded::default(), Folded::default());
    for (k, e) in entries.iter().enumerate() {
        for (ni, name) in e.names.iter().enumerate() {
            fold_into(name, lower, &mut f);
            if f.text.is_empty() {
                continue;
            }
            let exact = match e.case {
                CasePolicy::Exact => true,
                CasePolicy::Fold => false,
                CasePolicy::Smart => is_short_capitals(name),
            };
            let exact = exact.then(|| {
                fold_into(name, keep_case, &mut other);
                Box::from(other.text.as_str())
            });
            let accented = diacritics && !name.is_ascii() && {
                fold_into(name, plain, &mut other);
                other.text != f.text
            };
            c.longest_name = c.longest_name.max(name.len());
            let start = c.text.len();
            c.text.extend_from_slice(f.text.as_bytes());
            let folded = f.text.as_bytes();
            let starts_word = char_class(folded, 0).is_some_and(|(word, _, _)| word);
            let mut first_word = (!starts_word).then(|| key_hash(&[]));
            let name_index = c.names.len() as u32;
            edges(folded, |p, h, ends_word| {
                if ends_word && first_word.is_none() {
                    first_word = Some(h);
                }
                c.edges.push(Edge {
                    len: p as u32,
                    name: name_index,
                    hash: h,
                });
            });
            c.names.push((
                Name {
                    start,
                    edge_to: c.edges.len(),
                    first_word: first_word.unwrap_or_else(|| key_hash(&[])),
                },
                Target {
                    entry: (first + k) as u32,
                    name: ni as u32,
                    exact,
                    accented,
                },
            ));
        }
    }
    c
}

/// A built shard: its table, and (name index, index of the first name folded the same) for
/// each whole name in it.
type Shard = (Prefixes, Vec<(u32, u32)>);

/// Builds a shard of the table from its keys ((chunk, edge) pairs, in load order): each key,
/// and the filter of the keys one edge longer; gives the table and, for each whole name in
/// it, (name index, index of the first name folded the same). `bases` gives each chunk's
/// place in the arena and the index of its first name. None when a key cannot be held.
fn build_shard(
    keys: &[(u32, u32)],
    arena: &[u8],
    chunks: &[Chunk],
    bases: &[(usize, u32)],
) -> Option<Shard> {
    // Names share beginnings: about half the keys are distinct (the table grows if need be).
    let mut t = Prefixes::with_capacity(keys.len() / 4 * 3 + 16);
    let mut firsts = Vec::new();
    for &(ci, k) in keys {
        let (c, &(base, first_name)) = (chunks.get(ci as usize)?, bases.get(ci as usize)?);
        let e = c.edges.get(k as usize)?;
        let (n, _) = c.names.get(e.name as usize)?;
        let name = first_name + e.name;
        let whole = k as usize + 1 == n.edge_to;
        let (at, first) = t.insert(
            arena,
            (base + n.start, e.len as usize),
            e.hash,
            !whole,
            name,
        )?;
        if whole {
            firsts.push((name, first));
        } else if let Some(longer) = c.edges.get(k as usize + 1) {
            t.add_child(at, longer.hash);
        }
    }
    Some((t, firsts))
}

/// Smart case: a name written entirely in capitals, of up to 5 letters, matches only so.
fn is_short_capitals(name: &str) -> bool {
    let mut letters = 0;
    for c in name.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if letters > 5 || !c.is_uppercase() {
            return false;
        }
    }
    letters > 0
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("patterns", &self.patterns())
            .field(
                "keys",
                &self.prefixes.iter().map(Prefixes::len).sum::<usize>(),
            )
            .finish()
    }
}
