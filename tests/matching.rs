//! Table-driven matching cases: boundaries, case policies, overlaps, possessives, hyphenated
//! names, names across line breaks, typographic variants, scripts and ambiguity.

use gazex::{Document, Gazetteer, Pipeline, Target};

const GAZ: &str = "id\ttype\tname\taliases\tcase
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov|Halimov|Гулмурод Халимов|Халимов\t
person:rahmon\tPERSON\tEmomali Rahmon\tRahmon|Rakhmon|Rahmonov|Рахмон\t
org:irpt\tORG\tIslamic Renaissance Party of Tajikistan\tIRPT|IRP\t
org:isis-k\tORG\tIslamic State – Khorasan Province\tISIS-K|ISKP|IS-K\t
org:isis\tORG\tIslamic State\tISIS\t
org:un\tORG\tUnited Nations\tUN\t
place:us\tPLACE\tUnited States\tUS|U.S.\t
org:fsb\tORG\tFederal Security Service\tFSB\t
place:reading\tPLACE\tReading\t\texact
place:kaluga\tPLACE\tKaluga\t\t
place:kaluga-oblast\tPLACE\tKaluga Oblast\tKaluga region\t
place:moscow\tPLACE\tMoscow\tМосква\t
place:cote\tPLACE\tCôte d'Ivoire\tIvory Coast\t
person:odysseus\tPERSON\tΟδυσσεύς\t\t
place:istanbul\tPLACE\tİstanbul\tIstanbul\t
org:nyt\tORG\tThe New York Times\tNew York Times\t
place:new-york\tPLACE\tNew York\t\t
org:sco\tORG\tSco Mixed\tsco\tfold
place:dup\tPLACE\tTajikistan\t\t
place:dup2\tPLACE\tTajikistan\tTajik Republic\t
";

fn run(text: &str) -> Vec<(String, String)> {
    let g = Gazetteer::from_tsv("t.tsv", GAZ).expect("gazetteer");
    let p = Pipeline::builder()
        .gazetteer(g)
        .types(Some(
            ["PERSON", "ORG", "PLACE"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ))
        .build()
        .expect("pipeline");
    let doc = Document {
        id: "d".into(),
        text: text.into(),
        ..Document::default()
    };
    let out = p.process(&doc);
    out.mentions
        .iter()
        .map(|m| {
            let id = match &m.target {
                Target::Entry(i) => p.gazetteer().entries[*i as usize].id.clone(),
                Target::Date(d) => format!("date:{}", d.value),
                Target::Cue(c) => panic!("an unsettled cue in a processed document: {c:?}"),
            };
            (text[m.byte_start..m.byte_end].to_string(), id)
        })
        .collect()
}

#[test]
fn matching_table() {
    let cases: &[(&str, &str, &[(&str, &str)])] = &[
        (
            "boundary inside word",
            "the IRPT and IRPTX and XIRPT",
            &[("IRPT", "org:irpt")],
        ),
        (
            "IRP not inside IRPT",
            "IRPT, then IRP.",
            &[("IRPT", "org:irpt"), ("IRP", "org:irpt")],
        ),
        (
            "possessive",
            "President Rahmon's family",
            &[("Rahmon", "person:rahmon")],
        ),
        (
            "curly possessive",
            "Rahmon’s family",
            &[("Rahmon", "person:rahmon")],
        ),
        (
            "hyphenated whole",
            "ISIS-K fighters and ISIS",
            &[("ISIS-K", "org:isis-k"), ("ISIS", "org:isis")],
        ),
        (
            "dash variants",
            "Islamic State\u{a0}— Khorasan Province claimed",
            &[("Islamic State\u{a0}— Khorasan Province", "org:isis-k")],
        ),
        (
            "dash without spaces",
            "Islamic State-Khorasan Province",
            &[("Islamic State-Khorasan Province", "org:isis-k")],
        ),
        (
            "line break inside name",
            "Colonel Gulmurod\n   Khalimov, who",
            &[("Gulmurod\n   Khalimov", "person:khalimov")],
        ),
        (
            "smart case: short capitals only in capitals",
            "us and un and fsb; US, UN, FSB",
            &[("US", "place:us"), ("UN", "org:un"), ("FSB", "org:fsb")],
        ),
        (
            "smart case: long names any case",
            "UNITED NATIONS and united nations",
            &[("UNITED NATIONS", "org:un"), ("united nations", "org:un")],
        ),
        ("dotted acronym", "the U.S. said", &[("U.S.", "place:us")]),
        (
            "exact case",
            "Reading is in England; reading is fun",
            &[("Reading", "place:reading")],
        ),
        (
            "fold case column",
            "SCO and sco",
            &[("SCO", "org:sco"), ("sco", "org:sco")],
        ),
        (
            "longest wins",
            "the Kaluga region and Kaluga",
            &[
                ("Kaluga region", "place:kaluga-oblast"),
                ("Kaluga", "place:kaluga"),
            ],
        ),
        (
            "longest wins over nested place",
            "the Islamic Renaissance Party of Tajikistan",
            &[("Islamic Renaissance Party of Tajikistan", "org:irpt")],
        ),
        (
            "ambiguity: earlier row wins",
            "Tajikistan",
            &[("Tajikistan", "place:dup")],
        ),
        (
            "Cyrillic",
            "ГУЛМУРОД ХАЛИМОВ и Рахмон в Москва",
            &[
                ("ГУЛМУРОД ХАЛИМОВ", "person:khalimov"),
                ("Рахмон", "person:rahmon"),
                ("Москва", "place:moscow"),
            ],
        ),
        (
            "Greek final sigma",
            "ΟΔΥΣΣΕΥΣ",
            &[("ΟΔΥΣΣΕΥΣ", "person:odysseus")],
        ),
        (
            "diacritics folded",
            "Khalímov and Khali\u{301}mov",
            &[
                ("Khalímov", "person:khalimov"),
                ("Khali\u{301}mov", "person:khalimov"),
            ],
        ),
        (
            "accented name, plain text",
            "Cote d’Ivoire",
            &[("Cote d’Ivoire", "place:cote")],
        ),
        (
            "Turkish dotted I",
            "İSTANBUL and Istanbul",
            &[
                ("İSTANBUL", "place:istanbul"),
                ("Istanbul", "place:istanbul"),
            ],
        ),
        (
            "title with The",
            "The New York Times reported from New York",
            &[
                ("The New York Times", "org:nyt"),
                ("New York", "place:new-york"),
            ],
        ),
        (
            "rejected longest falls back to shorter",
            "Kaluga Oblastxyz",
            &[("Kaluga", "place:kaluga")],
        ),
        ("emoji around", "🔥Moscow🔥", &[("Moscow", "place:moscow")]),
        ("digits are word-internal", "Moscow2 2Moscow", &[]),
    ];
    let mut failed = Vec::new();
    for (name, text, want) in cases {
        let got = run(text);
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        if got != want {
            failed.push(format!(
                "{name}: {text:?}\n   got  {got:?}\n   want {want:?}"
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn gazetteer_errors_name_file_and_line() {
    let bad = "id\ttype\tname\taliases\tcase\n\
        a\tPERSON\tAlpha\t\t\n\
        a\tPERSON\tAlpha Two\t\t\n\
        b\tperson\tBeta\t\t\n\
        c\tORG\t\t\t\n\
        d\tORG\tDelta\t\tshouty\n\
        e\tORG\t---\t\t\n\
        f\tORG\tToo\tfew\n";
    let err = Gazetteer::from_tsv("bad.tsv", bad).expect_err("invalid gazetteer");
    let msg = err.to_string();
    for want in [
        "bad.tsv:3: duplicate id `a`",
        "bad.tsv:4: type `person`",
        "bad.tsv:5: empty name",
        "bad.tsv:6: unknown case `shouty`",
        "bad.tsv:7: name `---`",
        "bad.tsv:8: has 4 tab-separated columns",
    ] {
        assert!(msg.contains(want), "missing {want:?} in:\n{msg}");
    }
    assert!(Gazetteer::from_tsv("h.tsv", "name\tkind\n")
        .expect_err("no id")
        .to_string()
        .contains("h.tsv:1: header lacks column(s) id, type"));
}

#[test]
fn large_gazetteers_keep_order_and_line_numbers() {
    // Over 64 KiB, so rows are parsed in several blocks: rows stay in file order, and every
    // problem names its own line, in line order.
    let mut t = String::from("# places\nid\ttype\tname\taliases\n");
    for i in 0..6000 {
        t.push_str(&format!(
            "p{i}\tPLACE\tPlace Number {i}\tPN{i}|Number {i} Place\n"
        ));
        if i % 1000 == 999 {
            t.push_str("\n# a comment line\n");
        }
    }
    let g = Gazetteer::from_tsv("big.tsv", &t).expect("valid");
    assert!(t.len() > 3 << 16, "the file must span several blocks");
    assert_eq!(g.entries.len(), 6000);
    for (i, e) in g.entries.iter().enumerate() {
        assert_eq!(e.id, format!("p{i}"));
        assert_eq!(e.names.len(), 3);
    }
    // Line of row i: 2 header lines, then 2 more lines after every 1000 rows.
    let line = |i: usize| 3 + i + 2 * (i / 1000);
    assert_eq!(g.entries[4321].line, line(4321));
    let mut bad = t.clone();
    bad.push_str("p17\tPLACE\tAgain\t\n");
    bad = bad.replace("p4321\tPLACE", "p4321\tplace");
    let msg = Gazetteer::from_tsv("big.tsv", &bad)
        .expect_err("invalid")
        .to_string();
    let at_type = msg.find(&format!("big.tsv:{}: type `place`", line(4321)));
    let dup = format!(
        "big.tsv:{}: duplicate id `p17` (first defined at big.tsv:{})",
        // After the last row: a blank line and a comment.
        line(5999) + 3,
        line(17)
    );
    let at_dup = msg.find(&dup);
    assert!(at_type.is_some() && at_dup.is_some(), "{msg}");
    assert!(at_type < at_dup, "problems in line order:\n{msg}");
}

#[test]
fn crlf_bom_comments_and_attributes() {
    let t = "\u{feff}# comment\r\nid\ttype\tname\taliases\twikidata\r\nplace:kabul\tPLACE\tKabul\tKābul\tQ5838\r\n";
    let g = Gazetteer::from_tsv("c.tsv", t).expect("valid");
    assert_eq!(g.entries.len(), 1);
    assert_eq!(g.attribute_columns, vec!["wikidata".to_string()]);
    assert_eq!(g.entries[0].attrs, vec![(0, "Q5838".to_string())]);
    assert_eq!(
        g.entries[0].names,
        vec!["Kabul".to_string(), "Kābul".to_string()]
    );
}
