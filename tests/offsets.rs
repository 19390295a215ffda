//! Offsets property test: random text with gazetteer names inserted in varied case, dashes,
//! apostrophes, line breaks, Cyrillic, combining marks and emoji; every mention slices back to
//! its text by code points and by bytes, and every inserted name is found.

use gazex::{Document, Gazetteer, Pipeline};
use proptest::prelude::*;

const GAZ: &str = "id\ttype\tname\taliases
person:khalimov\tPERSON\tGulmurod Khalimov\tХалимов
org:isis-k\tORG\tISIS-K\tIslamic State - Khorasan Province
person:omar\tPERSON\tAbu Omar al-Shishani\t
place:cote\tPLACE\tCôte d'Ivoire\t
person:rahmon\tPERSON\tRahmon\t
";

/// Variants of each name as they may appear in text.
fn variant() -> impl Strategy<Value = (String, &'static str)> {
    prop_oneof![
        Just(("Gulmurod Khalimov".to_string(), "person:khalimov")),
        Just(("GULMUROD\r\n\tKHALIMOV".to_string(), "person:khalimov")),
        Just((
            "gulmurod\u{a0}khali\u{301}mov".to_string(),
            "person:khalimov"
        )),
        Just(("ХАЛИМОВ".to_string(), "person:khalimov")),
        Just(("ISIS‑K".to_string(), "org:isis-k")),
        Just((
            "Islamic State — Khorasan Province".to_string(),
            "org:isis-k"
        )),
        Just((
            "Islamic  State–Khorasan\nProvince".to_string(),
            "org:isis-k"
        )),
        Just(("Abu Omar al—Shishani".to_string(), "person:omar")),
        Just(("CÔTE D’IVOIRE".to_string(), "place:cote")),
        Just(("Cote dʼIvoire".to_string(), "place:cote")),
        Just(("Rahmon’s".to_string(), "person:rahmon")),
    ]
}

fn filler() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("the ".to_string()),
            Just("é".to_string()),
            Just("e\u{301}".to_string()),
            Just("🔥".to_string()),
            Just("ß".to_string()),
            Just("İ".to_string()),
            Just("Ж".to_string()),
            Just("—".to_string()),
            Just("’".to_string()),
            "[a-zA-Z0-9 .,;]{0,8}",
        ],
        0..6,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn mentions_slice_back_to_their_text(parts in proptest::collection::vec((filler(), variant()), 1..6), tail in filler()) {
        let g = Gazetteer::from_tsv("p.tsv", GAZ).expect("gazetteer");
        let p = Pipeline::builder().gazetteer(g).build().expect("pipeline");
        let mut text = String::new();
        let mut inserted = Vec::new();
        for (f, (name, id)) in &parts {
            text.push_str(f);
            text.push(' ');
            let s = text.len();
            text.push_str(name);
            inserted.push((s, id));
            text.push(' ');
        }
        text.push_str(&tail);
        let doc = Document { id: "d".into(), text: text.clone(), ..Document::default() };
        let out = p.process(&doc);
        let chars: Vec<char> = text.chars().collect();
        for m in &out.mentions {
            let by_bytes = &text[m.byte_start..m.byte_end];
            let by_cp: String = chars[m.start..m.end].iter().collect();
            prop_assert_eq!(by_bytes, by_cp.as_str());
            prop_assert_eq!(text[..m.byte_start].chars().count(), m.start);
        }
        // Every inserted name is found where it was put.
        for (s, id) in inserted {
            let found = out.mentions.iter().any(|m| m.byte_start == s && match &m.target {
                gazex::Target::Entry(i) => p.gazetteer().entries[*i as usize].id == *id,
                _ => false,
            });
            prop_assert!(found, "{} not found at {} in {:?}", id, s, text);
        }
    }
}
