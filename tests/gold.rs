//! Gold tests: precision, recall and F1 per type on the hand-checked seed report (built-in
//! gazetteers) and on re3d with an oracle gazetteer of its own gold names.

use crate::util::shared;
use gazex::{Document, Gazetteer, Pipeline, Target};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

struct GoldDoc {
    id: String,
    text: String,
    date: Option<String>,
    spans: Vec<Value>,
}

fn load(path: &std::path::Path) -> Vec<GoldDoc> {
    std::fs::read_to_string(path)
        .expect("gold file")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("gold json");
            GoldDoc {
                id: v["id"].as_str().unwrap_or_default().to_string(),
                text: v["text"].as_str().unwrap_or_default().to_string(),
                date: v["doc_date"].as_str().map(str::to_string),
                spans: v["spans"].as_array().cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// Strict (same span and type) precision, recall and F1 per type; gold spans marked
/// `"name": false` are ignored, and predictions overlapping them count neither way.
fn score(p: &Pipeline, docs: &[GoldDoc], types: &[&str]) -> BTreeMap<String, (f64, f64, f64)> {
    let mut tp: BTreeMap<String, usize> = BTreeMap::new();
    let mut ng: BTreeMap<String, usize> = BTreeMap::new();
    let mut np: BTreeMap<String, usize> = BTreeMap::new();
    let g = p.gazetteer();
    for d in docs {
        let doc = Document {
            id: d.id.clone(),
            text: d.text.clone(),
            date: d
                .date
                .as_deref()
                .and_then(|s| s.get(..10)?.parse::<jiff::civil::Date>().ok()),
            ..Document::default()
        };
        let out = p.process(&doc);
        let span = |s: &Value| {
            (
                s["start"].as_u64().unwrap_or(0) as usize,
                s["end"].as_u64().unwrap_or(0) as usize,
            )
        };
        let care: HashSet<(usize, usize, String)> = d
            .spans
            .iter()
            .filter(|s| s["name"].as_bool().unwrap_or(true))
            .map(|s| {
                (
                    span(s).0,
                    span(s).1,
                    s["type"].as_str().unwrap_or("").to_string(),
                )
            })
            .filter(|s| types.contains(&s.2.as_str()))
            .collect();
        let dont: Vec<(usize, usize)> = d
            .spans
            .iter()
            .filter(|s| !s["name"].as_bool().unwrap_or(true))
            .map(span)
            .collect();
        for m in &out.mentions {
            let kind = match &m.target {
                Target::Entry(i) => g.entries[*i as usize].kind.clone(),
                Target::Date(_) => "DATE".to_string(),
                Target::Cue(c) => panic!("an unsettled cue in a processed document: {c:?}"),
            };
            if !types.contains(&kind.as_str()) {
                continue;
            }
            let key = (m.start, m.end, kind.clone());
            let ignored = dont.iter().any(|&(s, e)| m.start < e && s < m.end);
            if ignored && !care.contains(&key) {
                continue;
            }
            *np.entry(kind.clone()).or_default() += 1;
            if care.contains(&key) {
                *tp.entry(kind).or_default() += 1;
            }
        }
        for (_, _, t) in &care {
            *ng.entry(t.clone()).or_default() += 1;
        }
    }
    let mut out = BTreeMap::new();
    let (mut ta, mut ga, mut pa) = (0, 0, 0);
    for t in types {
        let (a, b, c) = (
            tp.get(*t).copied().unwrap_or(0),
            ng.get(*t).copied().unwrap_or(0),
            np.get(*t).copied().unwrap_or(0),
        );
        ta += a;
        ga += b;
        pa += c;
        out.insert(t.to_string(), prf(a, b, c));
    }
    out.insert("ALL".into(), prf(ta, ga, pa));
    out
}

fn prf(tp: usize, gold: usize, pred: usize) -> (f64, f64, f64) {
    let p = if pred > 0 {
        tp as f64 / pred as f64
    } else {
        0.0
    };
    let r = if gold > 0 {
        tp as f64 / gold as f64
    } else {
        0.0
    };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

#[test]
fn seed_report_with_builtin_gazetteers() {
    let Some(sh) = shared("seed_report_with_builtin_gazetteers") else {
        return;
    };
    let docs = load(&sh.join("gold/seed.jsonl"));
    let g = Gazetteer::load(&[], true).expect("built-in gazetteers load");
    let p = Pipeline::builder().gazetteer(g).build().expect("pipeline");
    let s = score(&p, &docs, &["PERSON", "ORG", "PLACE"]);
    eprintln!("seed strict P/R/F1: {s:?}");
    for t in ["PERSON", "ORG", "PLACE"] {
        assert!(s[t].2 >= 0.95, "{t} strict F1 {:.3} < 0.95 ({s:?})", s[t].2);
    }
}

#[test]
fn re3d_with_oracle_gazetteer() {
    let Some(sh) = shared("re3d_with_oracle_gazetteer") else {
        return;
    };
    let docs = load(&sh.join("eval/re3d/re3d.jsonl"));
    // Every distinct PERSON/ORG/PLACE gold surface with its most frequent type.
    let mut by: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for d in &docs {
        for s in &d.spans {
            let t = s["type"].as_str().unwrap_or("");
            if ["PERSON", "ORG", "PLACE"].contains(&t) && s["name"].as_bool().unwrap_or(true) {
                let surface = s["text"]
                    .as_str()
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                *by.entry(surface)
                    .or_default()
                    .entry(t.to_string())
                    .or_default() += 1;
            }
        }
    }
    let mut tsv = String::from("id\ttype\tname\taliases\n");
    for (i, (surface, c)) in by.iter().enumerate() {
        let mut best: Vec<_> = c.iter().collect();
        best.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let t = best[0].0;
        tsv.push_str(&format!("{}:{i}\t{t}\t{surface}\t\n", t.to_lowercase()));
    }
    let g = Gazetteer::from_tsv("oracle.tsv", &tsv).expect("oracle gazetteer");
    let p = Pipeline::builder().gazetteer(g).build().expect("pipeline");
    let s = score(&p, &docs, &["PERSON", "ORG", "PLACE"]);
    eprintln!("re3d oracle strict P/R/F1: {s:?}");
    assert!(
        s["ALL"].2 >= 0.90,
        "re3d oracle strict F1 {:.3} < 0.90 ({s:?})",
        s["ALL"].2
    );
}
