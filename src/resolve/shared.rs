//! Shared names (issue 11, rule 5): when one surface names several entries (the French and
//! the Texan Paris, Tripoli in Libya and in Lebanon), the entry is chosen by the `country`
//! attribute of the unambiguous mentions around it, then by list order; and a one-word place
//! that is part of a person's name is not that place.
//!
//! - Evidence: every mention within [`WINDOW`] bytes that names one entry only gives that
//!   entry's `country` values (split on `|`, `,`, `;`) and its canonical name (so that a
//!   `country` column of names also works with country rows); a candidate scores one per
//!   evidence value equal (folded) to one of its own `country` values, two when the evidence
//!   is within [`NEAR`] bytes (`Paris, Texas`). The best score wins; ties go to list order.
//! - Person names: a one-word PLACE right after a capitalised given name or a title
//!   (`Andrew Jackson`, `Mr Jackson`, `General Jackson`), or that is itself a given name right
//!   before a capitalised word that begins no place and is no designator or organisation word
//!   and is no common word (`Victoria Nuland`, `Chad Smith`, but `Jordan River`, `Chad
//!   Basin`, `Jordan Armed Forces`), loses its PLACE entries (and the mention goes when no
//!   other entry is left). Only a capitalised place that is no common word can be so.
//!
//! The window is bounded so that a long text read in chunks gives the same choices
//! (`chunk::stitch` joins the chunks where their scans agree).

use super::Span;
pub use crate::gazetteer::variants::is_title;
use crate::gazetteer::variants::{folded_hash, is_common_hash, is_common_word, Variants};
use crate::gazetteer::Gazetteer;
use crate::normalize::skeleton::{is_dash, word_at};
use crate::normalize::{fold, is_word_char, FoldOptions};

/// How far around a shared name evidence is looked for, in bytes.
pub const WINDOW: usize = 4096;
/// Evidence this close counts double.
pub const NEAR: usize = 120;

/// Words that continue a place's name (designators) or make it an organisation's.
const PLACE_OR_ORG_WORDS: &[&str] = &[
    "province",
    "region",
    "district",
    "city",
    "oblast",
    "krai",
    "river",
    "valley",
    "lake",
    "mountains",
    "mountain",
    "mount",
    "sea",
    "gulf",
    "bay",
    "island",
    "islands",
    "peninsula",
    "county",
    "state",
    "republic",
    "territory",
    "governorate",
    "prefecture",
    "municipality",
    "airport",
    "street",
    "avenue",
    "square",
    "bridge",
    "dam",
    "falls",
    "basin",
    "desert",
    "plateau",
    "pass",
    "gorge",
    "canal",
    "coast",
    "border",
    "crossing",
    "camp",
    "prison",
    "hotel",
    "stadium",
    "station",
    "port",
    "harbour",
    "harbor",
    "strait",
    "delta",
    "oasis",
    "army",
    "forces",
    "force",
    "police",
    "ministry",
    "council",
    "party",
    "front",
    "movement",
    "group",
    "university",
    "college",
    "school",
    "times",
    "post",
    "news",
    "herald",
    "tribune",
    "daily",
    "journal",
    "television",
    "tv",
    "radio",
    "bank",
    "company",
    "corporation",
    "airlines",
    "airways",
    "government",
    "assembly",
    "parliament",
    "committee",
    "commission",
    "agency",
    "institute",
    "centre",
    "center",
    "foundation",
    "club",
    "fc",
    "union",
    "league",
    "church",
    "mosque",
    "hospital",
    "court",
    "national",
    "international",
    "federal",
];

/// The word that ends right before byte `at` (only spaces or tabs between), with whether
/// a period ends it (`Gen.`).
pub fn word_before(text: &str, at: usize) -> Option<(usize, usize)> {
    let before = text.get(..at)?;
    let trimmed = before.trim_end_matches([' ', '\t', '\u{a0}']);
    if trimmed.len() == before.len() && at > 0 {
        return None;
    }
    let end = trimmed.len();
    let body = trimmed.strip_suffix('.').unwrap_or(trimmed);
    let start = body
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map(|(i, _)| i)?;
    Some((start, end))
}

/// The word that begins right after byte `at` (only spaces between): (start, end).
pub fn word_after(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = text.get(at..)?;
    let t = rest.trim_start_matches([' ', '\t', '\u{a0}']);
    if t.len() == rest.len() {
        return None;
    }
    let start = at + rest.len() - t.len();
    word_at(text, start).map(|w| (w.start, w.end))
}

fn folded(text: &str, (s, e): (usize, usize)) -> String {
    fold(text.get(s..e).unwrap_or(""), FoldOptions::default())
}

fn capitalised(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|t| t.chars().next())
        .is_some_and(char::is_uppercase)
}

/// Does a sentence begin at byte `at` (text start, or after `.`, `!`, `?`, `:` or a line
/// break, with white space between)?
pub fn sentence_start(text: &str, at: usize) -> bool {
    let before = text
        .get(..at)
        .unwrap_or("")
        .trim_end_matches([' ', '\t', '\u{a0}']);
    before.is_empty()
        || before.ends_with(['.', '!', '?', ':', '\n', '\r', '"', '\u{201c}'])
        || text.get(before.len()..at).is_some_and(|g| g.contains('\n'))
}

/// Is the one-word PLACE at `s` part of a person's name?
fn in_person_name(text: &str, s: &Span, spans: &[Span], k: usize, v: &Variants) -> bool {
    if !capitalised(text, s.start) {
        return false;
    }
    let own = folded_hash(text.get(s.start..s.end).unwrap_or(""));
    if is_common_hash(own) {
        return false;
    }
    if let Some(p) = word_before(text, s.start) {
        if capitalised(text, p.0) {
            let f = folded(text, p);
            if is_title(&f) {
                return true;
            }
            let dotted = text.get(p.1 - 1..p.1) == Some(".");
            let common_at_start = is_common_word(&f) && sentence_start(text, p.0);
            if !dotted && v.is_given_name(&f) && !common_at_start {
                return true;
            }
        }
    }
    if !v.is_given_hash(own) {
        return false;
    }
    let Some(n) = word_after(text, s.end) else {
        return false;
    };
    if !capitalised(text, n.0) {
        return false;
    }
    let next_is_place = spans
        .get(k + 1)
        .is_some_and(|x| x.start == n.0 && x.cue.is_none());
    let next = folded(text, n);
    !next_is_place && !PLACE_OR_ORG_WORDS.contains(&next.as_str()) && !is_common_word(&next)
}

fn one_word(text: &str, s: &Span) -> bool {
    text.get(s.start..s.end)
        .is_some_and(|t| !t.chars().any(|c| c.is_whitespace() || is_dash(c)))
}

/// Applies the person-name rule and the choice by evidence to `spans` (in text order).
pub fn settle_shared(text: &str, spans: &mut Vec<Span>, g: &Gazetteer, v: &Variants) {
    let kind = |e: u32| g.entries.get(e as usize).map_or("", |x| x.kind.as_str());
    let mut drop = vec![false; spans.len()];
    for k in 0..spans.len() {
        let s = &spans[k];
        let places = std::iter::once(s.entry)
            .chain(s.origin.alternatives.iter().copied())
            .any(|e| kind(e) == "PLACE");
        if !places || s.cue.is_some() || !one_word(text, s) || !in_person_name(text, s, spans, k, v)
        {
            continue;
        }
        let rest: Vec<u32> = std::iter::once(s.entry)
            .chain(s.origin.alternatives.iter().copied())
            .filter(|&e| kind(e) != "PLACE")
            .collect();
        match rest.split_first() {
            None => drop[k] = true,
            Some((&first, others)) => {
                let s = &mut spans[k];
                s.entry = first;
                s.origin.alternatives = others.to_vec();
            }
        }
    }
    let mut k = 0;
    spans.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
    choose_by_country(text, spans, g);
}

/// The folded `country` values of an entry (empty without that column).
fn countries(g: &Gazetteer, col: usize, e: u32) -> Vec<String> {
    let Some(x) = g.entries.get(e as usize) else {
        return Vec::new();
    };
    x.attrs
        .iter()
        .filter(|(c, _)| *c == col)
        .flat_map(|(_, v)| v.split(['|', ',', ';']))
        .map(|v| fold(v.trim(), FoldOptions::default()))
        .filter(|v| !v.is_empty())
        .collect()
}

/// For each span that names several entries, the entry whose `country` the unambiguous
/// mentions around it name most (then list order).
fn choose_by_country(_text: &str, spans: &mut [Span], g: &Gazetteer) {
    let Some(col) = g
        .attribute_columns
        .iter()
        .position(|c| c.eq_ignore_ascii_case("country"))
    else {
        return;
    };
    for k in 0..spans.len() {
        if spans[k].origin.alternatives.is_empty() || spans[k].cue.is_some() {
            continue;
        }
        let (s, e) = (spans[k].start, spans[k].end);
        let lo = spans.partition_point(|x| x.end + WINDOW < s);
        let mut evidence: Vec<(String, usize)> = Vec::new();
        for x in spans.iter().skip(lo) {
            if x.start > e + WINDOW {
                break;
            }
            if !x.origin.alternatives.is_empty() || x.cue.is_some() {
                continue;
            }
            let dist = if x.end <= s {
                s - x.end
            } else {
                x.start.saturating_sub(e)
            };
            let w = if dist <= NEAR { 2 } else { 1 };
            for c in countries(g, col, x.entry) {
                evidence.push((c, w));
            }
            if let Some(own) = g.entries.get(x.entry as usize) {
                evidence.push((fold(&own.name, FoldOptions::default()), w));
            }
        }
        if evidence.is_empty() {
            continue;
        }
        let candidates: Vec<u32> = std::iter::once(spans[k].entry)
            .chain(spans[k].origin.alternatives.iter().copied())
            .collect();
        let score = |c: u32| -> usize {
            let own = countries(g, col, c);
            evidence
                .iter()
                .filter(|(v, _)| own.contains(v))
                .map(|(_, w)| w)
                .sum()
        };
        let mut best = (0usize, 0usize);
        for (i, &c) in candidates.iter().enumerate() {
            let sc = score(c);
            if sc > best.1 {
                best = (i, sc);
            }
        }
        if best.0 > 0 {
            let chosen = candidates[best.0];
            let sp = &mut spans[k];
            sp.entry = chosen;
            sp.origin.alternatives = candidates.into_iter().filter(|&c| c != chosen).collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Matcher;
    use crate::normalize::{fold_into, Folded};
    use crate::resolve::find_mentions;

    const GAZ: &str = "id\ttype\tname\taliases\tcountry\n\
        place:paris-fr\tPLACE\tParis\t\tFR\n\
        place:paris-tx\tPLACE\tParis\t\tUS\n\
        place:lyon\tPLACE\tLyon\t\tFR\n\
        place:dallas\tPLACE\tDallas\t\tUS\n\
        place:texas\tPLACE\tTexas\t\tUS\n\
        place:tripoli-ly\tPLACE\tTripoli\t\tLY\n\
        place:tripoli-lb\tPLACE\tTripoli\t\tLB\n\
        place:lebanon\tPLACE\tLebanon\t\tLB\n\
        place:beirut\tPLACE\tBeirut\t\tLB\n\
        place:jackson\tPLACE\tJackson\t\tUS\n\
        place:victoria\tPLACE\tVictoria\t\tAU\n\
        place:chad\tPLACE\tChad\t\tTD\n\
        place:jordan\tPLACE\tJordan\t\tJO\n\
        place:hospital\tPLACE\tHospital\t\tJO\n";

    fn ids(text: &str) -> Vec<(String, String)> {
        let g = Gazetteer::from_tsv("t.tsv", GAZ).unwrap();
        let m = Matcher::new(&g, true).unwrap();
        let mut f = Folded::default();
        fold_into(text, FoldOptions::default(), &mut f);
        let mut spans = Vec::new();
        find_mentions(text, &f, &m, &mut spans);
        settle_shared(text, &mut spans, &g, m.variants());
        spans
            .iter()
            .map(|s| {
                (
                    text[s.start..s.end].to_string(),
                    g.entries[s.entry as usize].id.clone(),
                )
            })
            .collect()
    }

    fn has(text: &str, surface: &str) -> Option<String> {
        ids(text)
            .into_iter()
            .find(|(s, _)| s == surface)
            .map(|(_, id)| id)
    }

    #[test]
    fn shared_names_by_the_places_around() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("Dallas and Paris, Texas", "Paris", Some("place:paris-tx")),
            ("Lyon and Paris", "Paris", Some("place:paris-fr")),
            ("talks in Paris", "Paris", Some("place:paris-fr")),
            ("Tripoli, Lebanon", "Tripoli", Some("place:tripoli-lb")),
            (
                "from Beirut to Tripoli",
                "Tripoli",
                Some("place:tripoli-lb"),
            ),
            ("Tripoli was calm", "Tripoli", Some("place:tripoli-ly")),
        ];
        for (text, surface, want) in cases {
            assert_eq!(has(text, surface).as_deref(), *want, "{text}");
        }
        let alt = {
            let g = Gazetteer::from_tsv("t.tsv", GAZ).unwrap();
            let m = Matcher::new(&g, true).unwrap();
            let text = "Lyon and Paris";
            let mut f = Folded::default();
            fold_into(text, FoldOptions::default(), &mut f);
            let mut spans = Vec::new();
            find_mentions(text, &f, &m, &mut spans);
            settle_shared(text, &mut spans, &g, m.variants());
            spans[1].origin.alternatives.clone()
        };
        assert_eq!(alt, vec![1]);
    }

    #[test]
    fn places_inside_person_names() {
        let cases: &[(&str, &str, bool)] = &[
            ("Andrew Jackson said", "Jackson", false),
            ("Mr Jackson said", "Jackson", false),
            ("Mr. Jackson said", "Jackson", false),
            ("General Jackson said", "Jackson", false),
            ("Victoria Nuland said", "Victoria", false),
            ("Chad Smith said", "Chad", false),
            // negatives: the place stays
            ("flights to Jackson today", "Jackson", true),
            ("Jackson is a city", "Jackson", true),
            ("the Jordan River", "Jordan", true),
            ("Chad Basin", "Chad", true),
            ("Chad and Jordan", "Chad", true),
            ("in Victoria, Australia", "Victoria", true),
            ("Victoria Beirut", "Victoria", true),
            ("the Jordan Armed Forces", "Jordan", true),
            ("Salem hospital", "hospital", true),
        ];
        for (text, surface, kept) in cases {
            assert_eq!(has(text, surface).is_some(), *kept, "{text}");
        }
    }
}
