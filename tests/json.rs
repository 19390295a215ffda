//! The JSON outputs decoded the way a consumer reads them: `entities.jsonl`, `documents.jsonl`
//! and `manifest.json` into this test's own `Deserialize` types (CONTRACT "Output folder"), so
//! that a field renamed, retyped or dropped fails here; then what the files say of each other
//! is checked (offsets slice back to the text, counts add up, the manifest counts the records
//! and the tables).

use crate::util::{gazex, tmp, write};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// One line of `entities.jsonl`. Fields added later are ignored, as a consumer would.
#[derive(Debug, Deserialize)]
struct MentionLine {
    doc: String,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    name: String,
    text: String,
    start: usize,
    end: usize,
    byte_start: usize,
    byte_end: usize,
    sentence: usize,
    /// DATE only: the EDTF value.
    #[serde(default)]
    value: Option<String>,
    /// DATE only: the last calendar day (null when unknown).
    #[serde(default)]
    end_date: Option<Option<String>>,
}

/// One line of `documents.jsonl`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentLine {
    doc: String,
    source: String,
    bytes: u64,
    chars: usize,
    sentences: usize,
    mentions: usize,
    warnings: Vec<String>,
}

/// `manifest.json`.
#[derive(Debug, Deserialize)]
struct Manifest {
    gazex: String,
    complete: bool,
    options: serde_json::Map<String, serde_json::Value>,
    gazetteers: Vec<GazetteerFile>,
    gazetteer_fingerprint: String,
    counts: Counts,
    warnings: Vec<Warning>,
    timings: Timings,
    #[serde(default)]
    merged_from: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GazetteerFile {
    path: String,
    fingerprint: String,
    entries: u64,
}

#[derive(Debug, Deserialize, PartialEq, Eq, Clone, Copy)]
struct Counts {
    documents: u64,
    mentions: u64,
    documents_with_warnings: u64,
    warnings: u64,
    bytes: u64,
    entities: u64,
    pairs: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Warning {
    doc: String,
    warning: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Timings {
    seconds: f64,
    #[serde(default)]
    documents_seconds: Option<f64>,
    #[serde(default)]
    tables_seconds: Option<f64>,
    #[serde(default)]
    resumed_after_documents: Option<u64>,
}

const GAZ: &str = "id\ttype\tname\taliases\tcountry\n\
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov\tTJ\n\
org:irpt\tORG\tIslamic Renaissance Party of Tajikistan\tIRPT\tTJ\n\
place:dushanbe\tPLACE\tDushanbe\tДушанбе\tTJ\n\
place:kaluga\tPLACE\tKaluga\t\tRU\n";

fn lines<T: serde::de::DeserializeOwned>(p: &Path) -> Vec<T> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}:{}: {e}: {l}", p.display(), i + 1))
        })
        .collect()
}

fn manifest(dir: &Path) -> Manifest {
    let p = dir.join("manifest.json");
    serde_json::from_slice(&std::fs::read(&p).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn rows(p: &Path) -> u64 {
    std::fs::read_to_string(p).unwrap().lines().count() as u64 - 1
}

/// Decodes the three files of `out` and checks them against each other and the texts.
fn check(out: &Path, texts: &HashMap<String, String>) -> (Manifest, Vec<MentionLine>) {
    let mentions: Vec<MentionLine> = lines(&out.join("entities.jsonl"));
    let docs: Vec<DocumentLine> = lines(&out.join("documents.jsonl"));
    let m = manifest(out);
    assert!(m.complete && !m.gazex.is_empty() && m.gazetteer_fingerprint.len() == 16);
    assert!(m
        .gazetteers
        .iter()
        .all(|g| g.fingerprint.len() == 16 && !g.path.is_empty() && g.entries > 0));
    assert!(m.timings.seconds >= 0.0 && m.options.contains_key("window"));
    let mut per_doc: HashMap<&str, usize> = HashMap::new();
    for x in &mentions {
        *per_doc.entry(x.doc.as_str()).or_default() += 1;
        let text = &texts[&x.doc];
        assert_eq!(&text[x.byte_start..x.byte_end], x.text, "{x:?}");
        let by_chars: String = text.chars().skip(x.start).take(x.end - x.start).collect();
        assert_eq!(by_chars, x.text, "{x:?}");
        assert!(!x.name.is_empty() && !x.kind.is_empty());
        if x.kind == "DATE" {
            let v = x.value.as_deref().expect("a DATE mention has a value");
            assert_eq!(x.id, format!("date:{v}"));
            assert!(x.end_date.is_some(), "{x:?}");
        } else {
            assert!(x.value.is_none() && x.end_date.is_none(), "{x:?}");
        }
    }
    let mut warned = 0;
    for d in &docs {
        assert_eq!(
            per_doc.get(d.doc.as_str()).copied().unwrap_or(0),
            d.mentions,
            "{d:?}"
        );
        assert!(!d.source.is_empty() && d.bytes as usize >= d.chars, "{d:?}");
        let max = mentions
            .iter()
            .filter(|x| x.doc == d.doc)
            .map(|x| x.sentence)
            .max();
        assert!(max.is_none_or(|s| s < d.sentences), "{d:?}");
        warned += u64::from(!d.warnings.is_empty());
    }
    let c = m.counts;
    assert_eq!(c.documents, docs.len() as u64);
    assert_eq!(c.mentions, mentions.len() as u64);
    assert_eq!(c.bytes, docs.iter().map(|d| d.bytes).sum::<u64>());
    assert_eq!(c.documents_with_warnings, warned);
    assert_eq!(
        c.warnings,
        docs.iter().map(|d| d.warnings.len() as u64).sum::<u64>()
    );
    assert_eq!(m.warnings.len() as u64, c.warnings);
    assert!(m
        .warnings
        .iter()
        .all(|w| !w.warning.is_empty() && docs.iter().any(|d| d.doc == w.doc)));
    assert_eq!(c.entities, rows(&out.join("entities.tsv")));
    assert_eq!(c.pairs, rows(&out.join("cooccurrence.tsv")));
    (m, mentions)
}

fn extract(g: &Path, input: &Path, out: &Path) {
    gazex()
        .args(["extract", "--no-builtin", "-q", "--window", "5", "-g"])
        .arg(g)
        .arg("-o")
        .arg(out)
        .arg(input)
        .assert()
        .success();
}

const DOCS: [(&str, &str); 3] = [
    (
        "r1",
        "Gulmurod Khalimov left Dushanbe on 3 March 2015.\n\nThe IRPT met in Kaluga in 2019.",
    ),
    (
        "r2",
        "Khalimov, of the Islamic Renaissance Party of Tajikistan, was seen in Душанбе the same year.",
    ),
    ("r3", ""),
];

#[test]
fn extract_outputs_decode_into_their_documented_types() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let jsonl: String = DOCS
        .iter()
        .map(|(id, t)| {
            serde_json::json!({"id": id, "text": t, "date": "2020-01-01"}).to_string() + "\n"
        })
        .collect();
    let input = write(d.path(), "in.jsonl", jsonl);
    let out = d.path().join("out");
    extract(&g, &input, &out);
    let texts = DOCS
        .iter()
        .map(|(i, t)| (i.to_string(), t.to_string()))
        .collect();
    let (m, mentions) = check(&out, &texts);
    assert!(m.merged_from.is_none() && m.timings.documents_seconds.is_some());
    assert!(m
        .timings
        .tables_seconds
        .is_some_and(|t| t <= m.timings.seconds));
    assert_eq!(m.timings.resumed_after_documents, Some(0));
    assert_eq!(m.counts.documents, 3);
    assert!(
        m.warnings.iter().any(|w| w.doc == "r3"),
        "the empty text is flagged: {:?}",
        m.warnings
    );
    for kind in ["PERSON", "ORG", "PLACE", "DATE"] {
        assert!(mentions.iter().any(|x| x.kind == kind), "no {kind} mention");
    }
}

#[test]
fn merged_outputs_decode_into_the_same_types() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let mut parts = Vec::new();
    let mut texts = HashMap::new();
    for (id, text) in &DOCS[..2] {
        let name = format!("{id}.txt");
        let input = write(&d.path().join(id), &name, text);
        let out = d.path().join(format!("part-{id}"));
        extract(&g, &input, &out);
        texts.insert(name, text.to_string());
        parts.push(out);
    }
    let merged = d.path().join("merged");
    gazex()
        .args(["merge", "-q", "-o"])
        .arg(&merged)
        .args(&parts)
        .assert()
        .success();
    let (m, _) = check(&merged, &texts);
    assert_eq!(m.merged_from.as_ref().map(Vec::len), Some(2));
    assert_eq!(m.counts.documents, 2);
    assert!(m.timings.documents_seconds.is_none());
}
