//! Gazetteer hygiene (issue 11, rule 7): names that carry more than a name, which a text
//! would not repeat and which make spans longer than the annotation guidelines allow
//! (`gazex gazetteer check` warns about them):
//!
//! - a parenthesis or bracket (`Khalimov (colonel)`, `IMU [Uzbekistan]`);
//! - a leading title (`Colonel Gulmurod Khalimov`; not a religious honorific that is how the
//!   name is written, `Mullah Omar`) or a leading direction in lower case (`eastern
//!   Afghanistan`; `North Waziristan` is a name);
//! - descriptive words after another name of the same row: a word in lower case that is no
//!   designator of a place's or an organisation's name (`Crocus City Hall concert venue`, `IS
//!   group`, but `Tver region`, `Domodedovo Airport`, `Haqqani network`, `Islamic State of
//!   Iraq and the Levant`; see the guidelines).
//!
//! Only aliases are judged: the canonical name is the row's own choice.

use super::Entry;
use crate::normalize::{fold, FoldOptions};

/// Words that may follow a name as part of it.
const DESIGNATORS: &[&str] = &[
    "province",
    "provinces",
    "region",
    "oblast",
    "krai",
    "kray",
    "district",
    "rayon",
    "raion",
    "city",
    "town",
    "village",
    "valley",
    "gorge",
    "mountains",
    "mountain",
    "range",
    "river",
    "lake",
    "airport",
    "airfield",
    "air",
    "base",
    "prison",
    "camp",
    "square",
    "street",
    "bridge",
    "crossing",
    "border",
    "governorate",
    "state",
    "republic",
    "territory",
    "county",
    "municipality",
    "prefecture",
    "island",
    "islands",
    "peninsula",
    "sea",
    "gulf",
    "strait",
    "desert",
    "plateau",
    "pass",
    "hall",
    "stadium",
    "theatre",
    "theater",
    "cathedral",
    "mosque",
    "church",
    "station",
    "port",
    "dam",
    "canal",
    "oasis",
    "corridor",
    "heights",
    "strip",
    "basin",
    "delta",
    "emirate",
    "wilayat",
    "vilayat",
    "viloyat",
    "okrug",
    "autonomous",
    "international",
    "center",
    "centre",
    "party",
    "front",
    "army",
    "network",
    "council",
    "union",
    "brigade",
    "battalion",
    "committee",
    "service",
    "agency",
    "ministry",
    "forces",
    "force",
    "police",
    "guard",
    "guards",
    "federation",
    "court",
    "shrine",
    "mausoleum",
    "airbase",
    "checkpoint",
    "neighbourhood",
    "neighborhood",
    "cemetery",
    "market",
    "compound",
    "quarter",
    "fortress",
    "palace",
    "tower",
    "memorial",
    // words inside names
    "of",
    "the",
    "and",
    "for",
    "at",
    "on",
    "in",
    "de",
    "del",
    "la",
    "le",
    "du",
    "von",
    "van",
    "bin",
    "ibn",
    "wa",
    "wal",
    "e",
    "i",
    "ul",
    "ud",
    "ut",
];

/// Arabic articles, joined by a dash to the word they belong to.
const ARTICLES: &[&str] = &[
    "al", "el", "ash", "as", "ad", "an", "ar", "at", "az", "ul", "ud", "ut", "wal", "bil",
];

/// Directions that describe a part of a place.
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "upper",
    "lower",
];

/// Titles that are no part of a name (the guidelines leave them outside the span; religious
/// honorifics such as `Mullah` or `Sheikh` often are how a name is written, and stay).
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "general",
    "gen",
    "colonel",
    "col",
    "lieutenant",
    "lt",
    "major",
    "captain",
    "capt",
    "sergeant",
    "commander",
    "admiral",
    "president",
    "minister",
    "senator",
    "governor",
    "judge",
    "professor",
    "prof",
    "ambassador",
    "secretary",
    "chairman",
    "mayor",
    "deputy",
    "director",
    "spokesman",
    "spokesperson",
];

/// What the aliases of `e` carry besides a name: each such alias with the reason (the
/// canonical name is the row's own choice and is not judged).
pub fn extras(e: &Entry) -> Vec<(&str, &'static str)> {
    let f = |s: &str| fold(s, FoldOptions::default());
    let own: Vec<String> = e.names.iter().map(|n| f(n)).collect();
    let mut out = Vec::new();
    for (k, n) in e.names.iter().enumerate().skip(1) {
        if n.contains(['(', ')', '[', ']']) {
            out.push((n.as_str(), "a parenthesis"));
            continue;
        }
        let words: Vec<&str> = n.split_whitespace().collect();
        let Some((first, rest)) = words.split_first() else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        let first_f = f(first);
        if e.kind == "PERSON" && TITLES.contains(&first_f.trim_end_matches('.')) {
            out.push((n.as_str(), "a title before the name"));
            continue;
        }
        let lower = |w: &str| w.chars().next().is_some_and(char::is_lowercase);
        if DIRECTIONS.contains(&first_f.as_str()) && lower(first) {
            out.push((n.as_str(), "a direction before the name"));
            continue;
        }
        // Descriptive words after another (shorter) name of the row: a word in lower case
        // that is no designator (`Crocus City Hall concert venue`, `IS group`).
        let longest_prefix = own
            .iter()
            .enumerate()
            .filter(|&(j, o)| j != k && !o.is_empty() && own[k].starts_with(&format!("{o} ")))
            .map(|(_, o)| o.split(' ').count())
            .max();
        if let Some(p) = longest_prefix {
            // An Arabic article joined by a dash begins a name part (`al-Uzbeki`).
            let article = |w: &str| {
                w.split_once(['-', '\u{2011}'])
                    .is_some_and(|(a, _)| ARTICLES.contains(&f(a).as_str()))
            };
            let descriptive = words
                .iter()
                .skip(p)
                .any(|w| lower(w) && !article(w) && !DESIGNATORS.contains(&f(w).as_str()));
            if descriptive {
                out.push((n.as_str(), "descriptive words after the name"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    #[test]
    fn names_that_carry_more_than_a_name() {
        let g = Gazetteer::from_tsv(
            "t.tsv",
            "id\ttype\tname\taliases\n\
             place:crocus\tPLACE\tCrocus City Hall\tCrocus|Crocus concert hall|Crocus City Hall concert venue\n\
             place:afg\tPLACE\tAfghanistan\teastern Afghanistan|Northern Afghanistan|Afghanistan (country)\n\
             place:w\tPLACE\tWaziristan\tNorth Waziristan\n\
             org:isil\tORG\tIslamic State\tIslamic State of Iraq and the Levant\n\
             place:niraq\tPLACE\tNorthern Iraq\t\n\
             place:tver\tPLACE\tTver Oblast\tTver|Tver region|Tver Oblast region\n\
             org:is\tORG\tIslamic State\tIS|IS group|IS-K\n\
             org:hq\tORG\tHaqqani Network\tHaqqani|Haqqani network\n\
             person:k\tPERSON\tGulmurod Khalimov\tColonel Gulmurod Khalimov|Khalimov|Mullah Gulmurod\n\
             person:h\tPERSON\tHafiz Saeed Khan\tHafiz Saeed Khan Orakzai\n",
        )
        .unwrap();
        let flagged: Vec<&str> = g
            .entries
            .iter()
            .flat_map(|e| extras(e))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            flagged,
            vec![
                "Crocus concert hall",
                "Crocus City Hall concert venue",
                "eastern Afghanistan",
                "Afghanistan (country)",
                "IS group",
                "Colonel Gulmurod Khalimov",
            ]
        );
    }
}
