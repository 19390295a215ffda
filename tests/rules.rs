//! The matching rules of issue 11 end to end: spelling variants, reversed names, short forms,
//! in-text acronyms and shared names, scored on passages written for them (precision and
//! recall on span, type and entity id), each rule switched off from the command line, the
//! record's provenance keys, compiled gazetteers and long texts read in chunks.

use crate::util::{gazex, jsonl, tmp, write};
use gazex::Rules;
use gazex::{Document, Gazetteer, Pipeline, Target};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn passages_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/passages")
}

/// (start, end, type, id) of a gold span, in code points.
type Gold = (usize, usize, String, String);

/// The passages of a markup file (`### id`, `[[surface|TYPE|id]]`; see markup.py).
fn passages(name: &str) -> Vec<(String, String, Vec<Gold>)> {
    let text = std::fs::read_to_string(passages_dir().join(name)).unwrap();
    let mut out: Vec<(String, String, Vec<Gold>)> = Vec::new();
    let mut body = String::new();
    let mut id: Option<String> = None;
    let flush = |id: &Option<String>, body: &str, out: &mut Vec<(String, String, Vec<Gold>)>| {
        if let Some(id) = id {
            let (t, g) = unmark(body.trim_matches('\n'));
            out.push((id.clone(), t, g));
        }
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("### ") {
            flush(&id, &body, &mut out);
            id = Some(rest.trim().to_string());
            body.clear();
        } else if id.is_some() {
            body.push_str(line);
            body.push('\n');
        }
    }
    flush(&id, &body, &mut out);
    out
}

fn unmark(marked: &str) -> (String, Vec<Gold>) {
    let (mut text, mut spans) = (String::new(), Vec::new());
    let mut rest = marked;
    while let Some(a) = rest.find("[[") {
        text.push_str(&rest[..a]);
        let b = rest[a..].find("]]").unwrap() + a;
        let parts: Vec<&str> = rest[a + 2..b].split('|').collect();
        let start = text.chars().count();
        text.push_str(parts[0]);
        let id = parts.get(2).copied().unwrap_or("").to_string();
        spans.push((start, start + parts[0].chars().count(), parts[1].into(), id));
        rest = &rest[b + 2..];
    }
    text.push_str(rest);
    (text, spans)
}

/// Predicted (start, end, type, id) of a document.
fn predict(p: &Pipeline, text: &str) -> Vec<Gold> {
    let doc = Document {
        id: "d".into(),
        text: text.into(),
        ..Default::default()
    };
    let g = p.gazetteer();
    p.process(&doc)
        .mentions
        .iter()
        .filter_map(|m| match &m.target {
            Target::Entry(e) => {
                let e = &g.entries[*e as usize];
                Some((m.start, m.end, e.kind.clone(), e.id.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Linked (span, type and id) or strict (span and type) precision, recall and F1 over the
/// PERSON, ORG and PLACE spans; gold spans without an id are neither counted nor penalised
/// in linked scoring (as ../shared/checks/lib/score_ids.py).
fn score(p: &Pipeline, docs: &[(String, String, Vec<Gold>)], linked: bool) -> (f64, f64, f64) {
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let types = ["PERSON", "ORG", "PLACE"];
    for (_, text, gold) in docs {
        let key = |s: &Gold| {
            (
                s.0,
                s.1,
                s.2.clone(),
                if linked { s.3.clone() } else { String::new() },
            )
        };
        let skip: HashSet<(usize, usize)> = gold
            .iter()
            .filter(|s| linked && s.3.is_empty())
            .map(|s| (s.0, s.1))
            .collect();
        let g: HashSet<_> = gold
            .iter()
            .filter(|s| types.contains(&s.2.as_str()) && !(linked && s.3.is_empty()))
            .map(key)
            .collect();
        let pr: HashSet<_> = predict(p, text)
            .iter()
            .filter(|s| types.contains(&s.2.as_str()) && !skip.contains(&(s.0, s.1)))
            .map(key)
            .collect();
        tp += g.intersection(&pr).count();
        fp += pr.difference(&g).count();
        fn_ += g.difference(&pr).count();
    }
    let prec = tp as f64 / (tp + fp).max(1) as f64;
    let rec = tp as f64 / (tp + fn_).max(1) as f64;
    (prec, rec, 2.0 * prec * rec / (prec + rec).max(1e-9))
}

fn variants_pipeline(tsv_name: &str, rules: Rules) -> Pipeline {
    let tsv = std::fs::read_to_string(passages_dir().join(tsv_name)).unwrap();
    let g = Gazetteer::from_tsv(tsv_name, &tsv).unwrap();
    Pipeline::builder()
        .gazetteer(g)
        .rules(rules)
        .build()
        .unwrap()
}

#[test]
fn variants_short_forms_acronyms_and_shared_names_are_linked_right() {
    // The second set was written after the rules, as a check of the first one's generality.
    for set in ["variants", "variants-2"] {
        let docs = passages(&format!("{set}.txt"));
        let tsv = format!("{set}.tsv");
        let (p, r, f) = score(&variants_pipeline(&tsv, Rules::default()), &docs, true);
        assert!(f >= 0.95, "{set}: linked P {p:.3} R {r:.3} F1 {f:.3}");
        // Without the rules the same passages lose many names, so the rules are tested.
        let (_, r0, f0) = score(&variants_pipeline(&tsv, Rules::none()), &docs, true);
        assert!(
            f0 < 0.8 && r0 < r,
            "{set} without the rules: R {r0:.3} F1 {f0:.3}"
        );
    }
}

#[test]
fn report_passages_with_the_builtins() {
    let p = Pipeline::builder()
        .gazetteer(Gazetteer::load(&[], true).unwrap())
        .build()
        .unwrap();
    for set in ["domain.txt", "domain-2.txt"] {
        let (pr, r, f) = score(&p, &passages(set), false);
        assert!(f >= 0.92, "{set}: strict P {pr:.3} R {r:.3} F1 {f:.3}");
    }
}

const GAZ: &str = "id\ttype\tname\taliases\tcountry\n\
person:dzhumaev\tPERSON\tMukhtar Dzhumaev\t\tTJ\n\
person:umarov\tPERSON\tDoku Umarov\t\tRU\n\
org:iju\tORG\tIslamic Jihad Union\t\tUZ\n\
place:paris-fr\tPLACE\tParis\t\tFR\n\
place:paris-tx\tPLACE\tParis\t\tUS\n\
place:texas\tPLACE\tTexas\t\tUS\n\
place:jackson\tPLACE\tJackson\t\tUS\n";

/// `gazex extract --stdout` on `text` with GAZ and `flags`: (text, id, match) of each mention.
fn extract(dir: &Path, text: &str, flags: &[&str]) -> Vec<(String, String, String)> {
    let g = write(dir, "g.tsv", GAZ);
    let d = write(dir, "d.txt", text);
    let out = gazex()
        .args(["extract", "--stdout", "-q", "--no-builtin", "-g"])
        .arg(&g)
        .args(flags)
        .arg(&d)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            (s("text"), s("id"), s("match"))
        })
        .collect()
}

#[test]
fn each_rule_is_switched_off_by_its_flag() {
    let dir = tmp();
    // (text, flag, a mention (text, id, match) found by default and not with the flag)
    let cases: &[(&str, &str, (&str, &str, &str))] = &[
        (
            "Muhtar Jumaev left.",
            "--no-variants",
            ("Muhtar Jumaev", "person:dzhumaev", "variant"),
        ),
        (
            "Umarov Doku spoke.",
            "--no-reorder",
            ("Umarov Doku", "person:umarov", "reordered"),
        ),
        (
            "Doku Umarov spoke. Later, Umarov left.",
            "--no-short-forms",
            ("Umarov", "person:umarov", "short_form"),
        ),
        (
            "The Islamic Jihad Union (IJU) grew. The IJU split.",
            "--no-acronyms",
            ("IJU", "org:iju", "acronym"),
        ),
        (
            "Talks in Dallas and Paris, Texas.",
            "--no-disambiguation",
            ("Paris", "place:paris-tx", "exact"),
        ),
        ("Andrew Jackson spoke.", "--no-disambiguation", ("", "", "")),
    ];
    for (text, flag, want) in cases {
        let on = extract(dir.path(), text, &[]);
        let off = extract(dir.path(), text, &[flag]);
        let want = (want.0.to_string(), want.1.to_string(), want.2.to_string());
        if want.0.is_empty() {
            // The place inside a person's name comes back without the rule.
            assert!(on.is_empty(), "{text}: {on:?}");
            assert_eq!(off.len(), 1, "{text} {flag}: {off:?}");
        } else {
            assert!(on.contains(&want), "{text}: {on:?}");
            assert!(!off.contains(&want), "{text} {flag}: {off:?}");
        }
    }
}

#[test]
fn records_say_why_each_mention_fired() {
    let dir = tmp();
    let g = write(dir.path(), "g.tsv", GAZ);
    let d = write(
        dir.path(),
        "d.txt",
        "Mukhtar Dzhumaev and MUKHTAR DZHUMAEV went to Paris on 3 May 2024.",
    );
    gazex()
        .args(["extract", "-q", "--no-builtin", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg(&d)
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("out/entities.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with(r#""sentence":0,"alias":"Mukhtar Dzhumaev","match":"exact"}"#));
    assert!(lines[1].contains(r#""alias":"Mukhtar Dzhumaev","match":"folded"}"#));
    assert!(
        lines[2].ends_with(r#""alias":"Paris","match":"exact","alternatives":["place:paris-tx"]}"#)
    );
    // DATE records carry no provenance.
    assert!(!lines[3].contains("\"match\"") && lines[3].contains("\"DATE\""));
    let v = jsonl(&dir.path().join("out/entities.jsonl"));
    assert_eq!(v.len(), 4);
}

#[test]
fn compiled_gazetteers_keep_the_variant_keys() {
    let dir = tmp();
    let g = write(dir.path(), "g.tsv", GAZ);
    let c = dir.path().join("g.gzc");
    gazex()
        .args(["gazetteer", "compile", "--no-builtin", "-o"])
        .arg(&c)
        .arg(&g)
        .assert()
        .success();
    let d = write(
        dir.path(),
        "d.txt",
        "Мухтар Джумаев met Umarov Doku; Dzhumaev left for Paris, Texas.",
    );
    let run = |gz: &Path| {
        gazex()
            .args(["extract", "--stdout", "-q", "--no-builtin", "-g"])
            .arg(gz)
            .arg(&d)
            .output()
            .unwrap()
            .stdout
    };
    let (a, b) = (run(&g), run(&c));
    assert_eq!(a, b);
    let text = String::from_utf8(a).unwrap();
    for want in [
        "\"variant\"",
        "\"reordered\"",
        "\"short_form\"",
        "place:paris-tx",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

#[test]
fn long_texts_read_in_chunks_settle_short_forms_and_acronyms_as_whole_ones() {
    let dir = tmp();
    let g = write(dir.path(), "g.tsv", GAZ);
    let mut text = String::from("Doku Umarov and the Islamic Jihad Union (IJU) were named.\n\n");
    for i in 0..400 {
        text.push_str(&format!(
            "Paragraph {i} says little. Umarov was seen{}; the IJU denied it.\n\n",
            if i % 3 == 0 {
                " with Muhtar Jumaev"
            } else {
                ""
            }
        ));
    }
    let d = write(dir.path(), "long.txt", &text);
    let run = |chunk: &str| {
        let o = gazex()
            .env("GAZEX_CHUNK_BYTES", chunk)
            .args(["extract", "--stdout", "-q", "--no-builtin", "-g"])
            .arg(&g)
            .arg(&d)
            .output()
            .unwrap();
        assert!(o.status.success());
        o.stdout
    };
    let whole = run("100000000");
    let records = String::from_utf8(whole.clone()).unwrap();
    assert_eq!(records.matches("\"short_form\"").count(), 400);
    assert_eq!(records.matches("\"acronym\"").count(), 401);
    for chunk in ["1500", "4096", "9000"] {
        assert!(run(chunk) == whole, "chunks of {chunk} bytes");
    }
}

#[test]
fn gazetteer_check_warns_about_aliases_that_carry_more_than_a_name() {
    let dir = tmp();
    let g = write(
        dir.path(),
        "g.tsv",
        "id\ttype\tname\taliases\n\
         place:crocus\tPLACE\tCrocus City Hall\tCrocus City Hall concert venue\n\
         place:tver\tPLACE\tTver\tTver region\n",
    );
    gazex()
        .args(["gazetteer", "check"])
        .arg(&g)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "g.tsv:2: warning: name `Crocus City Hall concert venue` of place:crocus carries more than a name",
        ))
        .stdout(predicates::str::contains("1 names carrying more than a name"));
    // The built-ins pass clean.
    gazex()
        .args(["gazetteer", "check", "-q"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("gazetteers"))
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "0 names carrying more than a name",
        ));
}

/// A gazetteer for the rule tables: the issue's examples, with a `country` column.
const TABLE_GAZ: &str = "id\ttype\tname\taliases\tcountry\n\
person:dzhumaev\tPERSON\tMukhtar Dzhumaev\t\tTJ\n\
person:yuldashev\tPERSON\tKhurshed Yuldashev\t\tUZ\n\
person:nikolaev\tPERSON\tAleksei Nikolaev\t\tRU\n\
person:umarov\tPERSON\tDoku Umarov\t\tRU\n\
person:haqqani\tPERSON\tSirajuddin Haqqani\t\tAF\n\
org:iju\tORG\tIslamic Jihad Union\t\tUZ\n\
org:ansar\tORG\tAnsar al-Sharia\t\tLY\n\
org:jaish\tORG\tJaish al-Adl\t\tIR\n\
place:dushanbe\tPLACE\tDushanbe\t\tTJ\n\
place:paris-fr\tPLACE\tParis\t\tFR\n\
place:paris-tx\tPLACE\tParis\t\tUS\n\
place:lyon\tPLACE\tLyon\t\tFR\n\
place:dallas\tPLACE\tDallas\t\tUS\n\
place:texas\tPLACE\tTexas\t\tUS\n\
place:tripoli-ly\tPLACE\tTripoli\t\tLY\n\
place:tripoli-lb\tPLACE\tTripoli\t\tLB\n\
place:lebanon\tPLACE\tLebanon\t\tLB\n\
place:beirut\tPLACE\tBeirut\t\tLB\n\
place:victoria-au\tPLACE\tVictoria\t\tAU\n\
place:victoria-sc\tPLACE\tVictoria\t\tSC\n\
place:seychelles\tPLACE\tSeychelles\t\tSC\n\
place:melbourne\tPLACE\tMelbourne\t\tAU\n\
place:chad\tPLACE\tChad\t\tTD\n\
place:jackson\tPLACE\tJackson\t\tUS\n";

/// Each rule with its positives (mentions `(text, id, match)` that must be found) and its
/// negatives (surfaces that must not be a mention at all, or not with that id), the issue's
/// named negatives among them.
#[test]
fn each_rule_with_positive_and_negative_cases() {
    let dir = tmp();
    let g = write(dir.path(), "g.tsv", TABLE_GAZ);
    type Case<'a> = (
        &'a str,
        &'a [(&'a str, &'a str, &'a str)],
        &'a [(&'a str, &'a str)],
    );
    let cases: &[Case] = &[
        // 1. Romanisation variants.
        (
            "Muhtar Jumaev, Mukhtar Dzhumayev, Muhtar Dzhumaev and Мухтар Джумаев met.",
            &[
                ("Muhtar Jumaev", "person:dzhumaev", "variant"),
                ("Mukhtar Dzhumayev", "person:dzhumaev", "variant"),
                ("Muhtar Dzhumaev", "person:dzhumaev", "variant"),
                ("Мухтар Джумаев", "person:dzhumaev", "variant"),
            ],
            &[],
        ),
        (
            "Hurshed Iuldashev and Xurshed Yo'ldashev; Alexei Nikolaev; Душанбе.",
            &[
                ("Hurshed Iuldashev", "person:yuldashev", "variant"),
                ("Xurshed Yo'ldashev", "person:yuldashev", "variant"),
                ("Alexei Nikolaev", "person:nikolaev", "variant"),
                ("Душанбе", "place:dushanbe", "variant"),
            ],
            &[],
        ),
        (
            "Ansar al-Shari'a, Ansar al\u{2011}Shariʿa, Ansar el-Sharia and Jaysh al-Adl; \
             Sirajiddin Haqqani.",
            &[
                ("Ansar al-Shari'a", "org:ansar", "variant"),
                ("Ansar al\u{2011}Shariʿa", "org:ansar", "variant"),
                ("Ansar el-Sharia", "org:ansar", "variant"),
                ("Jaysh al-Adl", "org:jaish", "variant"),
                ("Sirajiddin Haqqani", "person:haqqani", "variant"),
            ],
            &[],
        ),
        (
            // Exact beats variant; other names are no variants.
            "Mukhtar Dzhumaev met Mukhtar Dzhumabaev and the Ansar of Sharia.",
            &[("Mukhtar Dzhumaev", "person:dzhumaev", "exact")],
            &[("Mukhtar Dzhumabaev", ""), ("Ansar", ""), ("Sharia", "")],
        ),
        // 2. Name order.
        (
            "Umarov Doku and Jumaev Mukhtar spoke.",
            &[
                ("Umarov Doku", "person:umarov", "reordered"),
                ("Jumaev Mukhtar", "person:dzhumaev", "variant"),
            ],
            &[],
        ),
        ("umarov doku spoke.", &[], &[("umarov doku", "")]),
        // 3. Short forms.
        (
            "Doku Umarov spoke. Later Umarov left; Zarina Umarova stayed.",
            &[("Umarov", "person:umarov", "short_form")],
            &[("Umarova", ""), ("Zarina Umarova", "")],
        ),
        (
            "Muhtar Jumaev arrived. Police said Jumaev had left.",
            &[("Jumaev", "person:dzhumaev", "short_form")],
            &[],
        ),
        (
            "Umarov spoke. Ms Umarova left.",
            &[],
            &[("Umarov", ""), ("Umarova", "")],
        ),
        // 4. Acronyms defined in the text.
        (
            "The Islamic Jihad Union (IJU) grew. The IJU split.",
            &[
                ("Islamic Jihad Union", "org:iju", "exact"),
                ("IJU", "org:iju", "acronym"),
            ],
            &[("(IJU)", ""), ("Islamic Jihad Union (IJU)", "")],
        ),
        (
            "The IJU and the KTJ met; later the Islamic Jihad Union spoke.",
            &[("Islamic Jihad Union", "org:iju", "exact")],
            &[("IJU", ""), ("KTJ", "")],
        ),
        // 5. Shared names by the country of the places around, then list order.
        (
            "Talks in Dallas and Paris, Texas.",
            &[("Paris", "place:paris-tx", "exact")],
            &[("Paris", "place:paris-fr")],
        ),
        (
            "Trains from Lyon and Paris.",
            &[("Paris", "place:paris-fr", "exact")],
            &[("Paris", "place:paris-tx")],
        ),
        (
            "Clashes in Tripoli, Lebanon. From Beirut the convoy drove to Tripoli.",
            &[("Tripoli", "place:tripoli-lb", "exact")],
            &[("Tripoli", "place:tripoli-ly")],
        ),
        (
            "The ferry left Victoria, the capital of the Seychelles.",
            &[("Victoria", "place:victoria-sc", "exact")],
            &[("Victoria", "place:victoria-au")],
        ),
        (
            "Nothing else is named: Tripoli.",
            &[("Tripoli", "place:tripoli-ly", "exact")],
            &[],
        ),
        // 5. A place inside a person's name is not that place.
        (
            "Andrew Jackson, Mr Jackson and General Jackson spoke; Victoria Nuland and Chad \
             Smith listened.",
            &[],
            &[("Jackson", ""), ("Victoria", ""), ("Chad", "")],
        ),
        (
            "The depot in Jackson; troops in Chad; the capital of Victoria is Melbourne.",
            &[
                ("Jackson", "place:jackson", "exact"),
                ("Chad", "place:chad", "exact"),
                ("Victoria", "place:victoria-au", "exact"),
            ],
            &[],
        ),
    ];
    for (i, (text, want, never)) in cases.iter().enumerate() {
        let d = write(dir.path(), &format!("d{i}.txt"), text);
        let out = gazex()
            .args(["extract", "--stdout", "-q", "--no-builtin", "-g"])
            .arg(&g)
            .arg(&d)
            .output()
            .unwrap();
        assert!(out.status.success(), "{text}");
        let got: Vec<(String, String, String)> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
                (s("text"), s("id"), s("match"))
            })
            .filter(|m| !m.1.starts_with("date:"))
            .collect();
        for (t, id, how) in want.iter() {
            let w = (t.to_string(), id.to_string(), how.to_string());
            assert!(got.contains(&w), "{text}: want {w:?} in {got:?}");
        }
        for (t, id) in never.iter() {
            let bad = got
                .iter()
                .any(|m| m.0 == *t && (id.is_empty() || m.1 == *id));
            assert!(!bad, "{text}: {t} {id} should not be found: {got:?}");
        }
    }
}
