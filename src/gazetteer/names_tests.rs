//! The name table against brute force (a white-box test of `Matcher::names_at`): random names and texts built from words, spaces
//! (single, double, at the end), dashes, dots, apostrophes, digits and non-ASCII letters;
//! from every position of the folded text, `Matcher::names_at` must find exactly the names
//! that the text continues with and that end at a word edge.

use super::{Gazetteer, Matcher};
use crate::normalize::{fold, is_word_char, FoldOptions};
use proptest::prelude::*;

const PIECES: [&str; 16] = [
    "new", "york", "la", "vella", "st", "12", "köln", "Ξένη", "al", "b", " ", " ", "  ", "-", ". ",
    "'",
];

/// Pieces joined; names begin with a word (the gazetteer refuses a name without one).
fn phrase(max: usize) -> impl Strategy<Value = String> {
    (
        proptest::sample::select(&PIECES[..10]),
        proptest::collection::vec(proptest::sample::select(&PIECES[..]), 0..max),
    )
        .prop_map(|(w, v)| format!("{w}{}", v.concat()))
}

/// Names, and a text of names (whole or cut short) and pieces, mostly between spaces.
fn names_and_text() -> impl Strategy<Value = (Vec<String>, String)> {
    proptest::collection::vec(phrase(6), 1..8).prop_flat_map(|names| {
        let item = (
            0..names.len() + PIECES.len(),
            0usize..4,
            proptest::sample::select(&[" ", " ", ", ", "-", ""][..]),
        );
        let n = names.clone();
        proptest::collection::vec(item, 1..16).prop_map(move |items| {
            let mut text = String::new();
            for (k, cut, sep) in items {
                match n.get(k) {
                    // A name, or all of it but its last `cut` characters.
                    Some(name) => text.extend(
                        name.chars()
                            .take(name.chars().count().saturating_sub(cut % 2 * cut)),
                    ),
                    None => text.push_str(PIECES[k - n.len()]),
                }
                text.push_str(sep);
            }
            (n.clone(), text)
        })
    })
}

/// Is `p` a word edge of `s`: its end, or where a word character does not continue a word?
fn edge(s: &str, p: usize) -> bool {
    let before = s[..p].chars().next_back().is_some_and(is_word_char);
    let after = s[p..].chars().next().is_some_and(is_word_char);
    p == s.len() || !before || !after
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn names_at_finds_what_brute_force_finds((names, text) in names_and_text()) {
        let mut tsv = String::from("id\ttype\tname\n");
        for (i, n) in names.iter().enumerate() {
            tsv.push_str(&format!("x:{i}\tPLACE\t{n}\n"));
        }
        let g = Gazetteer::from_tsv("names.tsv", &tsv).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let m = Matcher::new(&g, true).unwrap();
        let opts = FoldOptions { lowercase: true, diacritics: true };
        let hay = fold(&text, opts);
        let folded: Vec<String> = g.entries.iter().map(|e| fold(e.names[0].trim(), opts)).collect();
        let mut found = Vec::new();
        for from in (0..hay.len()).filter(|&i| hay.is_char_boundary(i)) {
            m.names_at(hay.as_bytes(), from, &mut found);
            let mut got: Vec<(usize, u32)> = found
                .iter()
                .flat_map(|&(end, pat)| m.targets(pat).iter().map(move |t| (end, t.entry)))
                .collect();
            got.sort_unstable();
            let mut want: Vec<(usize, u32)> = folded
                .iter()
                .enumerate()
                .filter(|(_, f)| !f.is_empty() && hay[from..].starts_with(f.as_str()) && edge(&hay, from + f.len()))
                .map(|(i, f)| (from + f.len(), i as u32))
                .collect();
            want.sort_unstable();
            prop_assert_eq!(got, want, "text {:?} from {}", hay, from);
        }
    }
}

#[test]
fn white_space_at_the_end_of_a_name_is_not_part_of_it() {
    let mut g = Gazetteer::from_tsv("t.tsv", "id\ttype\tname\nx:1\tPLACE\tNew York\n").unwrap();
    // Names built in code are not trimmed the way a TSV's cells are.
    g.entries[0].names[0].push_str(" \u{a0}");
    let m = Matcher::new(&g, true).unwrap();
    let hay = fold("in new york today", FoldOptions::default());
    let mut found = Vec::new();
    m.names_at(hay.as_bytes(), 3, &mut found);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3 + "new york".len());
}
