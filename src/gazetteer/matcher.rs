//! The compiled automaton: every name of every entry, folded, in one leftmost-longest
//! Aho-Corasick automaton, with the entries each folded name stands for. It finds candidate
//! spans in a folded text; it does not check boundaries or case (see `resolve`).

use super::{CasePolicy, Gazetteer};
use crate::error::{Error, Result};
use crate::normalize::{fold, FoldOptions};
use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};
use std::collections::HashMap;

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
#[derive(Debug, Clone)]
pub struct Matcher {
    ac: AhoCorasick,
    /// For pattern `p`: targets `targets[offsets[p]..offsets[p+1]]`, in load order.
    offsets: Vec<u32>,
    targets: Vec<Target>,
    diacritics: bool,
    longest_name: usize,
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
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut lists: Vec<Vec<Target>> = Vec::new();
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
                    && fold(
                        name,
                        FoldOptions {
                            lowercase: true,
                            diacritics: false,
                        },
                    ) != folded;
                longest_name = longest_name.max(name.len());
                let p = *index.entry(folded).or_insert_with_key(|k| {
                    patterns.push(k.clone());
                    lists.push(Vec::new());
                    patterns.len() - 1
                });
                let list = &mut lists[p];
                // Duplicate names within an entry merge silently.
                if !list
                    .iter()
                    .any(|t| t.entry as usize == ei && t.exact == exact && t.accented == accented)
                {
                    list.push(Target {
                        entry: ei as u32,
                        exact,
                        accented,
                    });
                }
            }
        }
        let kind = if patterns.len() > 5_000 {
            AhoCorasickKind::ContiguousNFA
        } else {
            AhoCorasickKind::DFA
        };
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(kind))
            .build(&patterns)
            .map_err(|e| Error::Usage(format!("cannot build the gazetteer automaton: {e}")))?;
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut targets = Vec::new();
        offsets.push(0);
        for l in lists {
            targets.extend(l);
            offsets.push(targets.len() as u32);
        }
        Ok(Matcher {
            ac,
            offsets,
            targets,
            diacritics,
            longest_name,
        })
    }

    /// The leftmost-longest match in `hay[from..to]`: (start, end, pattern).
    #[inline]
    pub fn find(&self, hay: &[u8], from: usize, to: usize) -> Option<(usize, usize, usize)> {
        let m = self.ac.find(Input::new(hay).range(from..to))?;
        Some((m.start(), m.end(), m.pattern().as_usize()))
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
