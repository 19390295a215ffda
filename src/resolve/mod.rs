//! Resolve: turns the name table's candidates into entity mentions. It maps each candidate
//! back to the original text, checks word boundaries there (Unicode letters, marks and digits
//! are word-internal, so `IRP` never matches inside `IRPT` while `Rahmon's` gives `Rahmon`),
//! applies each name's case policy, and settles overlaps: the longest span wins, then the
//! earlier-loaded gazetteer row. It also merges date spans with gazetteer spans under the same
//! rule. It does not fold text (see `normalize`) nor find dates (see `dates`).
//!
//! The matching rules of issue 11 are stages of their own, in the order they run:
//! [`variants`] (romanisation variants and reversed PERSON names, where no exact name is),
//! [`shared`] (the right entry for a shared name, and places that are part of a person's
//! name), [`cues`] (surnames and acronyms that the document may settle) and [`document`]
//! (the document's own short forms and acronyms, in text order). [`Rules`] switches them.

pub mod cues;
pub mod document;
pub mod shared;
pub mod variants;

use crate::gazetteer::Matcher;
use crate::normalize::{fold, FoldOptions, Folded};

/// How a mention was found (the record's `"match"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub enum Match {
    /// The text is the list's spelling, byte for byte.
    #[default]
    Exact,
    /// The list's spelling up to case, accents and typography.
    Folded,
    /// A romanisation or transliteration of the list's spelling.
    Variant,
    /// A PERSON name with its last part first.
    Reordered,
    /// A surname alone after the full name in the same document.
    ShortForm,
    /// An acronym the document defines.
    Acronym,
}

impl Match {
    /// The record's name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Match::Exact => "exact",
            Match::Folded => "folded",
            Match::Variant => "variant",
            Match::Reordered => "reordered",
            Match::ShortForm => "short_form",
            Match::Acronym => "acronym",
        }
    }

    /// All kinds, in record order.
    pub const ALL: [Match; 6] = [
        Match::Exact,
        Match::Folded,
        Match::Variant,
        Match::Reordered,
        Match::ShortForm,
        Match::Acronym,
    ];
}

/// Why a mention names its entry: the kind of match, the list's spelling it derives from,
/// and the other entries the same surface names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The kind of match.
    pub how: Match,
    /// Index into the entry's names (canonical name first): the spelling matched, or for a
    /// short form or acronym the spelling of the full mention it refers to.
    pub alias: u32,
    /// Other entries the surface also names (load order); the mention's entry is the choice.
    pub alternatives: Vec<u32>,
}

/// A word that only the document can settle (a surname alone, an acronym), by what the
/// document said before it; never written as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cue {
    /// A capitalised surname alone, of these PERSON entries: the one named in full most
    /// recently before it, if any; else `otherwise` (the list's own match of the word).
    Surname {
        /// Candidate PERSON entries.
        persons: Box<[u32]>,
        /// The entry and origin the word has without a short form.
        otherwise: Option<Box<(u32, Origin)>>,
    },
    /// A word written like an acronym that no list holds: the entity the document defined
    /// it for, if any.
    Acronym,
    /// `Name (ACR)`: the acronym defined here for the entry, with the alias of the name.
    Defines {
        /// The entry.
        entry: u32,
        /// The alias of the full name.
        alias: u32,
    },
}

/// Which matching rules are on (all by default; each has a `--no-...` flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Romanisation variants (`--no-variants`).
    pub variants: bool,
    /// PERSON names with the last part first (`--no-reorder`).
    pub reorder: bool,
    /// Surnames alone after the full name (`--no-short-forms`).
    pub short_forms: bool,
    /// Acronyms defined in the text (`--no-acronyms`).
    pub acronyms: bool,
    /// The right entry for a shared name, and places inside person names
    /// (`--no-disambiguation`).
    pub disambiguation: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            variants: true,
            reorder: true,
            short_forms: true,
            acronyms: true,
            disambiguation: true,
        }
    }
}

impl Rules {
    /// Every rule off: names exactly as the lists write them (folded).
    pub fn none() -> Self {
        Rules {
            variants: false,
            reorder: false,
            short_forms: false,
            acronyms: false,
            disambiguation: false,
        }
    }
}

/// A gazetteer mention in original byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Index of the gazetteer entry (for a cue: its first candidate).
    pub entry: u32,
    /// How it was found.
    pub origin: Origin,
    /// Set when the document must settle it.
    pub cue: Option<Cue>,
}

impl Span {
    /// A span of `entry` found as `how` from its name `alias`.
    pub fn new(start: usize, end: usize, entry: u32, how: Match, alias: u32) -> Self {
        Span {
            start,
            end,
            entry,
            origin: Origin {
                how,
                alias,
                alternatives: Vec::new(),
            },
            cue: None,
        }
    }
}

pub(crate) use crate::normalize::is_word_char;
use crate::normalize::{char_at, word_end_and_hash};

fn boundary_before(text: &str, s: usize) -> bool {
    let first = text.get(s..).and_then(|t| t.chars().next());
    if !first.is_some_and(is_word_char) {
        return true;
    }
    !text
        .get(..s)
        .and_then(|t| t.chars().next_back())
        .is_some_and(is_word_char)
}

fn boundary_after(text: &str, e: usize) -> bool {
    let last = text.get(..e).and_then(|t| t.chars().next_back());
    if !last.is_some_and(is_word_char) {
        return true;
    }
    !text
        .get(e..)
        .and_then(|t| t.chars().next())
        .is_some_and(is_word_char)
}

/// Finds all gazetteer mentions of `text` (folded as `folded`) into `out`, in text order.
///
/// Names are tried only where one may begin: at a byte that starts some name and that does
/// not continue a word. At each such start the longest name is tried first, then shorter
/// ones if it is rejected (boundary or case); an accepted match is never overlapped.
pub fn find_mentions(text: &str, folded: &Folded, m: &Matcher, out: &mut Vec<Span>) {
    let hay = folded.text.as_bytes();
    let n = hay.len();
    let mut i = 0;
    let mut prev_word = false;
    // The names found at one place, reused for every place of the text.
    let mut found = CANDIDATES.with(std::cell::Cell::take);
    while i < n {
        let b = hay[i];
        if !prev_word && m.may_start(b) {
            // Only words that begin some name are looked up in the name table.
            let (we, hash) = word_end_and_hash(hay, i);
            if m.may_begin_with_hash(hash) {
                if let Some(end) = try_at(text, folded, m, (i, we, hash), &mut found, out) {
                    prev_word = word_before(hay, end);
                    i = end;
                    continue;
                }
            }
            if we > i {
                // The rest of this word cannot begin a name.
                prev_word = true;
                i = we;
                continue;
            }
        }
        if b < 0x80 {
            prev_word = b.is_ascii_alphanumeric();
            i += 1;
        } else {
            let c = char_at(hay, i);
            prev_word = c.is_some_and(is_word_char);
            i += c.map_or(1, char::len_utf8);
        }
    }
    CANDIDATES.with(|cell| cell.set(found));
}

/// Is the character that ends at byte `end` word-internal?
fn word_before(hay: &[u8], end: usize) -> bool {
    let mut s = end;
    while s > 0 {
        s -= 1;
        if hay[s] & 0xC0 != 0x80 {
            break;
        }
    }
    char_at(hay, s).is_some_and(is_word_char)
}

/// Tries the names beginning at folded offset `fs` (whose first word ends at `we` with hash
/// `wh`), longest first; returns the folded end of the accepted one.
/// (`found` is scratch space for the names found there.)
fn try_at(
    text: &str,
    folded: &Folded,
    m: &Matcher,
    (fs, we, wh): (usize, usize, u64),
    found: &mut Vec<(usize, usize)>,
    out: &mut Vec<Span>,
) -> Option<usize> {
    let hay = folded.text.as_bytes();
    m.names_after_word(hay, fs, we, wh, found);
    if found.is_empty() {
        return None;
    }
    let s = folded.map_start(fs)?;
    if !boundary_before(text, s) {
        return None;
    }
    for &(fe, pat) in found.iter().rev() {
        if let Some(span) = accept(text, folded, m, s, fe, pat) {
            out.push(span);
            return Some(fe);
        }
    }
    None
}

thread_local! {
    /// Scratch space of `find_mentions`, kept between calls.
    static CANDIDATES: std::cell::Cell<Vec<(usize, usize)>> = const { std::cell::Cell::new(Vec::new()) };
}

fn accept(
    text: &str,
    folded: &Folded,
    m: &Matcher,
    s: usize,
    fe: usize,
    pat: usize,
) -> Option<Span> {
    let e = folded.map_end(fe, text)?;
    if e <= s || !boundary_after(text, e) {
        return None;
    }
    let surface = text.get(s..e)?;
    let keep_case = FoldOptions {
        lowercase: false,
        diacritics: m.folds_diacritics(),
    };
    let mut cased: Option<String> = None;
    let mut plain: Option<bool> = None;
    let mut found: Option<Span> = None;
    for t in m.targets(pat) {
        if let Some(want) = &t.exact {
            let got = cased.get_or_insert_with(|| fold(surface, keep_case));
            if got.as_str() != &**want {
                continue;
            }
        }
        if t.accented {
            // Does the text spell the name without any diacritic?
            let no_marks = *plain.get_or_insert_with(|| {
                fold(
                    surface,
                    FoldOptions {
                        lowercase: false,
                        diacritics: false,
                    },
                ) == fold(surface, keep_case)
            });
            let capital = surface.chars().next().is_some_and(char::is_uppercase);
            if no_marks && (!capital || surface.chars().filter(|c| c.is_alphabetic()).count() < 5) {
                continue;
            }
        }
        match &mut found {
            None => found = Some(Span::new(s, e, t.entry, Match::Exact, t.name)),
            Some(f) => {
                if f.entry != t.entry && !f.origin.alternatives.contains(&t.entry) {
                    f.origin.alternatives.push(t.entry);
                }
            }
        }
    }
    found
}

/// An item to merge: (start, end, is_date, index in its own list).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    /// Byte start.
    pub(crate) start: usize,
    /// Byte end.
    pub(crate) end: usize,
    /// Index into the gazetteer spans or the date spans.
    pub(crate) index: usize,
    /// Whether this is a date.
    pub(crate) date: bool,
}

/// Merges gazetteer spans and date spans (each sorted and non-overlapping) into one sorted,
/// non-overlapping list: where they overlap, the longer span wins, and a gazetteer span wins
/// a tie.
pub(crate) fn merge_with_dates(spans: &[Span], dates: &[(usize, usize)]) -> Vec<Item> {
    let mut out = Vec::with_capacity(spans.len() + dates.len());
    let mut keep_span = vec![true; spans.len()];
    let mut keep_date = vec![true; dates.len()];
    let mut j = 0;
    for (di, &(ds, de)) in dates.iter().enumerate() {
        while j < spans.len() && spans[j].end <= ds {
            j += 1;
        }
        let mut k = j;
        let mut longest = 0;
        while k < spans.len() && spans[k].start < de {
            longest = longest.max(spans[k].end - spans[k].start);
            k += 1;
        }
        if k > j {
            if de - ds > longest {
                for x in keep_span.iter_mut().take(k).skip(j) {
                    *x = false;
                }
            } else {
                keep_date[di] = false;
            }
        }
    }
    let (mut a, mut b) = (0, 0);
    loop {
        while a < spans.len() && !keep_span[a] {
            a += 1;
        }
        while b < dates.len() && !keep_date[b] {
            b += 1;
        }
        let take_span = match (spans.get(a), dates.get(b)) {
            (None, None) => break,
            (Some(s), Some(d)) => s.start <= d.0,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        if take_span {
            out.push(Item {
                start: spans[a].start,
                end: spans[a].end,
                index: a,
                date: false,
            });
            a += 1;
        } else {
            out.push(Item {
                start: dates[b].0,
                end: dates[b].1,
                index: b,
                date: true,
            });
            b += 1;
        }
    }
    out
}
