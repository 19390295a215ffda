//! The compiled automaton: every name of every entry, folded, in one minimal finite state
//! transducer (the `fst` crate) mapping each folded name to its pattern number, with the entries
//! each folded name stands for. Names are only ever looked for where a word begins, so the
//! search is an anchored walk from the root that reports every name ending on the way (longest
//! first to the caller); no failure links are needed, which makes the automaton cheap to build
//! (a sort and one pass) and small. It does not check boundaries or case (see `resolve`).

use super::{CasePolicy, Gazetteer};
use crate::error::{Error, Result};
use crate::normalize::{fold, word_end, word_hash, FoldOptions};
use fst::raw::{Fst, Output};

/// What a folded name stands for: an entry, and the case-preserving form when the name must
/// match as written.
#[derive(Debug, Clone)]
pub struct Target {
    /// Index into [`Gazetteer::entries`].
    pub entry: u32,
    /// For case-sensitive names: the name folded without lower-casing.
    pub exact: Option<Box<str>>,
    /// The name is written with diacritics. A text that spells it without any diacritic
    /// must then begin with a capital and have at least 5 letters, so that `Frōm` or `Çan`
    /// never match `from` or `can`, while `KHALIMOV` still matches `Khalímov`.
    pub accented: bool,
}

/// The automaton over all folded names.
#[derive(Clone)]
pub struct Matcher {
    fst: Fst<Vec<u8>>,
    /// For pattern `p`: targets `targets[offsets[p]..offsets[p+1]]`, in load order.
    offsets: Vec<u32>,
    targets: Vec<Target>,
    diacritics: bool,
    longest_name: usize,
    /// Bytes that begin at least one folded name.
    first: [bool; 256],
    /// A bit set of the hashes of the first words of all names (a Bloom-style filter: a
    /// text word whose bit is clear begins no name).
    first_words: Vec<u64>,
    /// The root's transitions, by byte: (node address, output so far).
    root: Vec<Option<(fst::raw::CompiledAddr, u64)>>,
}

impl Matcher {
    /// Compiles all names of `g`; `diacritics` folds accents away in names and texts alike.
    pub fn new(g: &Gazetteer, diacritics: bool) -> Result<Self> {
        let lower = FoldOptions {
            lowercase: true,
            diacritics,
        };
        let keep_case = FoldOptions {
            lowercase: false,
            diacritics,
        };
        // Every (folded name, target) in load order; sorting by name (stable, so load order
        // is kept within a name) groups the targets of each distinct name, in the byte order
        // the transducer is built in.
        let mut items: Vec<(String, Target)> = Vec::new();
        let mut longest_name = 0;
        for (ei, e) in g.entries.iter().enumerate() {
            for name in &e.names {
                let folded = fold(name, lower);
                if folded.is_empty() {
                    continue;
                }
                let exact = match e.case {
                    CasePolicy::Exact => true,
                    CasePolicy::Fold => false,
                    CasePolicy::Smart => is_short_capitals(name),
                };
                let exact = exact.then(|| fold(name, keep_case).into_boxed_str());
                let accented = diacritics
                    && !name.is_ascii()
                    && fold(
                        name,
                        FoldOptions {
                            lowercase: true,
                            diacritics: false,
                        },
                    ) != folded;
                longest_name = longest_name.max(name.len());
                items.push((
                    folded,
                    Target {
                        entry: ei as u32,
                        exact,
                        accented,
                    },
                ));
            }
        }
        items.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut first = [false; 256];
        let mut first_words = vec![0u64; FIRST_WORD_BITS / 64];
        let mut builder = fst::MapBuilder::memory();
        let mut offsets: Vec<u32> = Vec::new();
        let mut targets: Vec<Target> = Vec::with_capacity(items.len());
        let mut last: Option<String> = None;
        for (name, t) in items {
            if last.as_deref() != Some(name.as_str()) {
                let pattern = offsets.len() as u64;
                offsets.push(targets.len() as u32);
                if let Some(&b) = name.as_bytes().first() {
                    first[b as usize] = true;
                }
                let nb = name.as_bytes();
                let h = first_word_bit(nb.get(..word_end(nb, 0)).unwrap_or(&[]));
                if let Some(w) = first_words.get_mut(h / 64) {
                    *w |= 1 << (h % 64);
                }
                builder.insert(name.as_bytes(), pattern).map_err(|e| {
                    Error::Usage(format!("cannot build the gazetteer automaton: {e}"))
                })?;
                last = Some(name);
            }
            let start = offsets.last().copied().unwrap_or(0) as usize;
            // Duplicate names within an entry merge silently.
            let dup = targets
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .any(|x| x.entry == t.entry && x.exact == t.exact && x.accented == t.accented);
            if !dup {
                targets.push(t);
            }
        }
        offsets.push(targets.len() as u32);
        let bytes = builder
            .into_inner()
            .map_err(|e| Error::Usage(format!("cannot build the gazetteer automaton: {e}")))?;
        let fst = Fst::new(bytes)
            .map_err(|e| Error::Usage(format!("cannot build the gazetteer automaton: {e}")))?;
        let mut root = vec![None; 256];
        let r = fst.root();
        for t in r.transitions() {
            if let Some(slot) = root.get_mut(t.inp as usize) {
                *slot = Some((t.addr, t.out.value()));
            }
        }
        Ok(Matcher {
            first_words,
            root,
            fst,
            offsets,
            targets,
            diacritics,
            longest_name,
            first,
        })
    }

    /// Every name that begins at `from` in `hay`, as (end, pattern), shortest first, into
    /// `out` (cleared first).
    #[inline]
    pub fn names_at(&self, hay: &[u8], from: usize, out: &mut Vec<(usize, usize)>) {
        out.clear();
        let Some(&Some((addr, out0))) = hay.get(from).and_then(|&b| self.root.get(b as usize))
        else {
            return;
        };
        let mut node = self.fst.node(addr);
        let mut acc = Output::new(out0);
        if node.is_final() {
            out.push((from + 1, acc.cat(node.final_output()).value() as usize));
        }
        for (i, &b) in hay.get(from + 1..).unwrap_or(&[]).iter().enumerate() {
            let Some(k) = node.find_input(b) else { break };
            let t = node.transition(k);
            acc = acc.cat(t.out);
            node = self.fst.node(t.addr);
            if node.is_final() {
                out.push((from + i + 2, acc.cat(node.final_output()).value() as usize));
            }
        }
    }

    /// May a name begin with this word (its bytes in the folded text)? False means surely not.
    #[inline]
    pub fn may_begin_with(&self, word: &[u8]) -> bool {
        let h = first_word_bit(word);
        self.first_words
            .get(h / 64)
            .is_some_and(|w| w & (1 << (h % 64)) != 0)
    }

    /// Can a name begin with byte `b`?
    #[inline]
    pub fn may_start(&self, b: u8) -> bool {
        self.first[b as usize]
    }

    /// The entries a pattern stands for, in load order.
    pub fn targets(&self, pattern: usize) -> &[Target] {
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
    pub fn longest_name(&self) -> usize {
        self.longest_name
    }
}

const FIRST_WORD_BITS: usize = 1 << 21;

fn first_word_bit(word: &[u8]) -> usize {
    (word_hash(word) >> (64 - 21)) as usize
}

/// Smart case: a name written entirely in capitals, of up to 5 letters, matches only so.
fn is_short_capitals(name: &str) -> bool {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    letters > 0
        && letters <= 5
        && name
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase())
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("patterns", &self.patterns())
            .field("fst_bytes", &self.fst.as_bytes().len())
            .finish()
    }
}
