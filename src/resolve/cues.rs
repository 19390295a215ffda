//! Cues (issue 11, rules 3 and 4): the words only the document can settle, found here
//! without looking at the rest of the document, so that every part of a long text finds the
//! same ones; [`super::document`] settles them in text order.
//!
//! - A capitalised word whose skeleton is the surname of some PERSON names (the last word of
//!   a name of two words or more), standing alone: no capitalised word right after it, and
//!   none right before it unless a title (`General Umarov`) or the first word of a sentence
//!   that is a common word. An Arabic article joined by a dash is taken in (`al-Baghdadi`). A
//!   list's own match of the word (a one-word alias, a place) is kept as what it is otherwise;
//!   a place right after a preposition of place (`in Jackson`) is no cue.
//! - `Name (ACR)` and `ACR (Name)`, where no list holds the acronym and, unless the name is
//!   an organisation's (whose acronym may be of its name in another language: `State
//!   Committee for National Security (GKNB)`), the acronym can abbreviate the name
//!   ([`abbreviates`]; not `al-Qaeda in Iraq (AQI)` read as `Iraq (AQI)`): the acronym is
//!   defined there for the name's entry (the parenthesis is not part of either span).
//! - A word written like an acronym (2 to 10 letters, digits or dashes, capitalised, at least
//!   two capitals and no more small letters than capitals) that no list holds, outside a run
//!   of words in capitals: it names what the document defined it for, if anything.

use super::shared::{is_title, sentence_start, word_after, word_before};
use super::{Cue, Rules, Span};
use crate::gazetteer::variants::{hash_bytes, is_common_word, Variants, KEY_SEED};
use crate::gazetteer::Gazetteer;
use crate::normalize::skeleton::{is_dash, skeleton_word, Word};
use crate::normalize::{fold, is_word_char, FoldOptions};

/// Prepositions of place: a place name right after one is the place, not a surname.
const LOCATIVE: &[&str] = &[
    "in", "at", "to", "from", "near", "into", "outside", "inside", "around", "across", "via",
    "towards", "toward",
];

/// Does `tok` look like an acronym?
pub fn acronym_like(tok: &str) -> bool {
    let n = tok.chars().count();
    let upper = tok.chars().filter(|c| c.is_uppercase()).count();
    let lower = tok.chars().filter(|c| c.is_lowercase()).count();
    let roman = tok.chars().all(|c| "IVXLCDM".contains(c)) && n <= 4;
    (2..=10).contains(&n)
        && tok.chars().next().is_some_and(char::is_uppercase)
        && tok.chars().last().is_some_and(char::is_alphanumeric)
        && tok
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '&')
        && upper >= 2
        && lower <= upper
        && !roman
}

/// Can `acr` abbreviate `name`? Its capitals, matched in order to the initials of the
/// name's words (split at spaces and dashes, small words included), must begin at the
/// first or second word and cover at least half of them (`al-Qaeda in Iraq (AQI)`,
/// `Federal Security Service (FSB)`, not `Iraq (AQI)`).
pub fn abbreviates(acr: &str, name: &str) -> bool {
    let initials: Vec<char> = name
        .split(|c: char| c.is_whitespace() || is_dash(c))
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .flat_map(char::to_uppercase)
        .collect();
    let letters: Vec<char> = acr.chars().filter(|c| c.is_uppercase()).collect();
    let mut at = 0;
    let mut matched = 0;
    let mut first_ok = false;
    for (i, l) in letters.iter().enumerate() {
        if let Some(k) = initials
            .get(at..)
            .and_then(|r| r.iter().position(|c| c == l))
        {
            if i == 0 {
                first_ok = at + k <= 1;
            }
            matched += 1;
            at += k + 1;
        }
    }
    first_ok && matched * 2 >= letters.len()
}

/// The token at `at` for an acronym: letters, digits, `-` and `&`.
fn token_at(text: &str, at: usize) -> (usize, usize) {
    let end = text
        .get(at..)
        .unwrap_or("")
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '-' || c == '&'))
        .map_or(text.len(), |(i, _)| at + i);
    (at, end)
}

fn all_caps_word(text: &str, w: Option<(usize, usize)>) -> bool {
    w.and_then(|(s, e)| text.get(s..e)).is_some_and(|t| {
        t.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !t.chars().any(char::is_lowercase)
    })
}

/// Adds the cues of `text` to `spans` (in text order, not overlapping).
///
/// `whole`: the text is a whole document, so a cue the document cannot settle (an acronym
/// use without a definition in it) is not even made; a part of a longer text makes them all,
/// since an earlier part may have defined it.
pub fn find_cues(
    text: &str,
    starts: &[Word],
    spans: &mut Vec<Span>,
    (g, v): (&Gazetteer, &Variants),
    rules: Rules,
    whole: bool,
) {
    let mut cues: Vec<Span> = Vec::new();
    let mut rules = rules;
    if rules.acronyms {
        definitions(text, spans, g, &mut cues);
        rules.acronyms = !(whole && cues.is_empty());
    }
    let has_surnames = rules.short_forms && !v.surnames_empty();
    if has_surnames || rules.acronyms {
        words(text, starts, spans, (g, v), rules, has_surnames, &mut cues);
    }
    if cues.is_empty() {
        return;
    }
    cues.sort_by_key(|c| c.start);
    // A cue replaces a span of the same extent; else it goes where no span is.
    let old = std::mem::take(spans);
    let mut out: Vec<Span> = Vec::with_capacity(old.len() + cues.len());
    let mut old = old.into_iter().peekable();
    for c in cues {
        while old.peek().is_some_and(|s| s.start < c.start) {
            out.extend(old.next());
        }
        if out.last().is_some_and(|l| l.end > c.start) {
            continue;
        }
        match old.peek() {
            Some(s) if s.start == c.start && s.end == c.end => {
                old.next();
                out.push(c);
            }
            Some(s) if s.start < c.end => {}
            _ => out.push(c),
        }
    }
    out.extend(old);
    *spans = out;
}

/// `Name (ACR)` and `ACR (Name)` after and around each span.
fn definitions(text: &str, spans: &[Span], g: &Gazetteer, out: &mut Vec<Span>) {
    for s in spans.iter().filter(|s| s.cue.is_none()) {
        // An organisation's acronym is often of its name in another language (`GKNB`);
        // for anything else the acronym must abbreviate the name (not `Iraq (AQI)`).
        let org = g
            .entries
            .get(s.entry as usize)
            .is_some_and(|e| e.kind == "ORG");
        let fits = |tok: &str, name: &str| org || abbreviates(tok, name);
        let def = |at: usize, end: usize| Span {
            cue: Some(Cue::Defines {
                entry: s.entry,
                alias: s.origin.alias,
            }),
            ..Span::new(at, end, s.entry, super::Match::Acronym, s.origin.alias)
        };
        let after = text.get(s.end..).unwrap_or("");
        let t = after.trim_start_matches([' ', '\u{a0}']);
        if let Some(inner) = t.strip_prefix('(') {
            let at = text.len() - inner.len();
            let (a, e) = token_at(text, at);
            let tok = text.get(a..e).unwrap_or("");
            let name = text.get(s.start..s.end).unwrap_or("");
            if acronym_like(tok) && text.get(e..).is_some_and(|r| r.starts_with(')')) {
                if fits(tok, name) && span_at(spans, a).is_none() {
                    out.push(def(a, e));
                }
                continue;
            }
        }
        // ACR (Name)
        let before = text.get(..s.start).unwrap_or("");
        let inside = text.get(s.end..).is_some_and(|r| r.starts_with(')'));
        if let Some(b) = before.strip_suffix('(').filter(|_| inside) {
            let b = b.trim_end_matches([' ', '\u{a0}']);
            let start = b
                .char_indices()
                .rev()
                .take_while(|&(_, c)| c.is_alphanumeric() || c == '-' || c == '&')
                .last()
                .map(|(i, _)| i);
            if let Some(a) = start {
                let tok = b.get(a..).unwrap_or("");
                let name = text.get(s.start..s.end).unwrap_or("");
                if acronym_like(tok) && fits(tok, name) && span_at(spans, a).is_none() {
                    out.push(def(a, b.len()));
                }
            }
        }
    }
}

/// The span that covers byte `at`, if any.
fn span_at(spans: &[Span], at: usize) -> Option<&Span> {
    let k = spans.partition_point(|s| s.end <= at);
    spans.get(k).filter(|s| s.start <= at)
}

/// Surname and acronym cues, word by word.
fn words(
    text: &str,
    starts: &[Word],
    spans: &[Span],
    (g, v): (&Gazetteer, &Variants),
    rules: Rules,
    surnames: bool,
    out: &mut Vec<Span>,
) {
    let mut done = 0;
    for &w in starts.iter().filter(|w| w.capital) {
        if w.start < done {
            continue;
        }
        let covering = span_at(spans, w.start);
        if surnames {
            if let Some(c) = surname(text, spans, covering, g, v, w) {
                out.push(c);
            }
        }
        if rules.acronyms && covering.is_none() && second_capital(text, w.start) {
            let (a, e) = token_at(text, w.start);
            let tok = text.get(a..e).unwrap_or("");
            let run = all_caps_word(text, word_before(text, a))
                && all_caps_word(text, word_after(text, e));
            if acronym_like(tok) && !run && span_at(spans, e.saturating_sub(1)).is_none() {
                let mut s = Span::new(a, e, u32::MAX, super::Match::Acronym, 0);
                s.cue = Some(Cue::Acronym);
                out.push(s);
                done = e;
            }
        }
    }
}

/// Is one of the two characters after the first of the word at `at` a capital (a cheap
/// test before [`acronym_like`]: `IJU`, `HuT`)?
fn second_capital(text: &str, at: usize) -> bool {
    text.get(at..)
        .is_some_and(|t| t.chars().skip(1).take(2).any(char::is_uppercase))
}

/// The surname cue of word `w`, if it is one.
fn surname(
    text: &str,
    spans: &[Span],
    covering: Option<&Span>,
    g: &Gazetteer,
    v: &Variants,
    w: Word,
) -> Option<Span> {
    let word = text.get(w.start..w.end)?;
    if word.chars().count() < 3 {
        return None;
    }
    let mut sk = Vec::with_capacity(word.len() + 2);
    skeleton_word(word, false, &mut sk);
    let persons = v.surname(hash_bytes(KEY_SEED, &sk));
    if persons.is_empty() {
        return None;
    }
    // An article joined by a dash belongs to the surname (`al-Baghdadi`).
    let start = article_before(text, w.start).unwrap_or(w.start);
    let otherwise = match covering {
        None => None,
        Some(s) if s.start == start && s.end == w.end && s.cue.is_none() => {
            let kind = g
                .entries
                .get(s.entry as usize)
                .map_or("", |e| e.kind.as_str());
            if kind == "PERSON" && persons == [s.entry] {
                return None;
            }
            // `in Jackson`: a place after a preposition of place stays the place.
            let locative = word_before(text, start).is_some_and(|p| {
                let f = fold(text.get(p.0..p.1).unwrap_or(""), FoldOptions::default());
                LOCATIVE.contains(&f.as_str())
            });
            if kind == "PLACE" && locative {
                return None;
            }
            Some(Box::new((s.entry, s.origin.clone())))
        }
        Some(_) => return None,
    };
    if covering.is_none() && span_at(spans, start).is_some() {
        return None;
    }
    // Alone: no capitalised word after it, none before it but a title or a sentence's
    // first common word.
    if word_after(text, w.end).is_some_and(|(a, _)| capital_at(text, a)) {
        return None;
    }
    if let Some(p) = word_before(text, start) {
        let f = fold(text.get(p.0..p.1).unwrap_or(""), FoldOptions::default());
        let sentence_word = is_common_word(&f) && sentence_start(text, p.0);
        // A period after it ends a sentence, unless it abbreviates a title (`Gen.`).
        let sentence_end = f.ends_with('.');
        if capital_at(text, p.0) && !is_title(&f) && !sentence_word && !sentence_end {
            return None;
        }
    }
    let mut s = Span::new(start, w.end, persons[0], super::Match::ShortForm, 0);
    s.cue = Some(Cue::Surname {
        persons: persons.into(),
        otherwise,
    });
    Some(s)
}

fn capital_at(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|t| t.chars().next())
        .is_some_and(char::is_uppercase)
}

/// The start of an Arabic article joined by a dash right before byte `at` (`al-`, `Al-`,
/// `el-`, `ash-`).
fn article_before(text: &str, at: usize) -> Option<usize> {
    let before = text.get(..at)?;
    let dash = before.chars().next_back().filter(|&c| is_dash(c))?;
    let b = before.get(..before.len() - dash.len_utf8())?;
    let start = b
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic())
        .last()
        .map(|(i, _)| i)?;
    let art = fold(b.get(start..)?, FoldOptions::default());
    let ok = matches!(
        art.as_str(),
        "al" | "el" | "ash" | "as" | "ad" | "an" | "ar" | "at" | "az" | "ul" | "ud" | "ut"
    );
    let before_art = b.get(..start)?.chars().next_back();
    (ok && !before_art.is_some_and(is_word_char)).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronym_shapes() {
        let yes = [
            "IJU", "ISIS-K", "HuT", "JeM", "GKNB", "IMU", "KTJ", "AQIS", "TTP",
        ];
        let no = [
            "I", "A", "Iran", "IV", "XII", "iPhone", "(IJU)", "UN-", "Ab",
        ];
        for t in yes {
            assert!(acronym_like(t), "{t}");
        }
        for t in no {
            assert!(!acronym_like(t), "{t}");
        }
    }

    #[test]
    fn acronyms_abbreviate_their_names() {
        let yes = [
            ("IJU", "Islamic Jihad Union"),
            ("AQI", "al-Qaeda in Iraq"),
            ("FSB", "Federal Security Service"),
            ("TTP", "Tehrik-i-Taliban Pakistan"),
            ("KTJ", "Katibat al-Tawhid wal-Jihad"),
            ("HuT", "Hizb ut-Tahrir"),
        ];
        let no = [
            ("AQI", "Iraq"),
            ("UN", "Islamic Jihad Union"),
            ("GKNB", "Kabul"),
        ];
        for (a, n) in yes {
            assert!(abbreviates(a, n), "{a} {n}");
        }
        for (a, n) in no {
            assert!(!abbreviates(a, n), "{a} {n}");
        }
    }

    #[test]
    fn articles_joined_to_surnames() {
        let t = "leader al-Baghdadi and Al‑Zawahiri, but Kabul-Baghdadi";
        let at = |w: &str| t.find(w).unwrap();
        assert_eq!(article_before(t, at("Baghdadi")), Some(at("al-")));
        assert_eq!(article_before(t, at("Zawahiri")), Some(at("Al‑")));
        let last = t.rfind("Baghdadi").unwrap();
        assert_eq!(article_before(t, last), None);
    }
}
