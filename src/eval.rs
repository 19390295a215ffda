//! Evaluation: scores mention records against gold spans (`../shared/gold/GUIDELINES.md`
//! format) with strict and relaxed precision, recall and F1 per type, DATE value accuracy, and
//! the most frequent errors.
//!
//! The rules are those of the reference scorer `../shared/checks/lib/score.py`, reproduced
//! exactly so that both give the same numbers:
//!
//! - **strict**: a prediction and a gold span of the same type with the same `start` and `end`
//!   (code points). Spans are counted as sets per document and type, so a duplicated span
//!   counts once.
//! - **relaxed**: overlapping spans of the same type, matched one-to-one greedily: gold spans
//!   in order of `start`, each taking the first unused overlapping prediction.
//! - gold spans with `"name": false` (pronouns, descriptions, times) are not scored, and a
//!   prediction overlapping one counts neither way, unless it has exactly the span of a scored
//!   gold span.
//! - DATE value accuracy: among relaxed-matched DATE spans whose gold `value` is set, the share
//!   whose predicted `value` equals it.
//!
//! This module reads and scores; it does not run the pipeline and does not print.
//!
//! ```
//! use gazex::eval::{score, Gold, Prediction};
//! let gold = Gold::from_jsonl(concat!(r#"{"id":"d","text":"Khalimov met Rahmon.","spans":["#,
//!   r#"{"start":0,"end":8,"type":"PERSON"},{"start":13,"end":19,"type":"PERSON"}]}"#)).unwrap();
//! let pred = vec![Prediction { doc: "d".into(), kind: "PERSON".into(), start: 0, end: 8,
//!   text: "Khalimov".into(), value: None, how: Some("exact".into()) }];
//! let s = score(&gold, &pred, &["PERSON"]);
//! assert_eq!(s.all.strict.precision, 1.0);
//! assert_eq!(s.all.strict.recall, 0.5);
//! assert_eq!((s.kinds[0].kind.as_str(), s.kinds[0].precision), ("exact", 1.0));
//! ```

mod kinds;
use crate::error::{Diagnostic, Error, Result};
use kinds::KindCounts;
pub use kinds::{format_kinds, KindScore};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The entity types scored when none are given.
pub const DEFAULT_TYPES: [&str; 4] = ["PERSON", "ORG", "PLACE", "DATE"];

/// One gold span.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldSpan {
    /// Code point start.
    pub start: usize,
    /// Code point end (exclusive).
    pub end: usize,
    /// Entity type.
    pub kind: String,
    /// False for spans that are not scored (`"name": false`).
    pub name: bool,
    /// The gold DATE value (`null` or absent: none).
    pub value: Option<Value>,
    /// The span's text (from the gold record, else sliced from the document).
    pub text: String,
}

/// One gold document.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldDoc {
    /// Document id (matches the `doc` of mention records).
    pub id: String,
    /// Its spans, in file order.
    pub spans: Vec<GoldSpan>,
}

/// A gold file: documents in file order (a repeated id replaces the earlier document).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gold {
    /// The documents.
    pub docs: Vec<GoldDoc>,
}

/// One predicted mention (the fields of a mention record that scoring reads).
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Document id.
    pub doc: String,
    /// Entity type.
    pub kind: String,
    /// Code point start.
    pub start: usize,
    /// Code point end (exclusive).
    pub end: usize,
    /// Matched text.
    pub text: String,
    /// DATE value, if any.
    pub value: Option<Value>,
    /// The record's `"match"`, if any.
    pub how: Option<String>,
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Prf {
    /// True positives / predicted (0 when nothing was predicted).
    pub precision: f64,
    /// True positives / gold (0 when there is no gold).
    pub recall: f64,
    /// Harmonic mean of the two (0 when both are 0).
    pub f1: f64,
}

impl Prf {
    /// From counts, as score.py computes them.
    pub fn new(tp: usize, gold: usize, predicted: usize) -> Self {
        let p = if predicted > 0 {
            tp as f64 / predicted as f64
        } else {
            0.0
        };
        let r = if gold > 0 {
            tp as f64 / gold as f64
        } else {
            0.0
        };
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        Prf {
            precision: p,
            recall: r,
            f1,
        }
    }
}

/// The scores of one type (or of all types together).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct TypeScore {
    /// Same span and type.
    pub strict: Prf,
    /// Overlapping span, same type, one-to-one.
    pub relaxed: Prf,
    /// Scored gold spans (distinct per document).
    pub gold: usize,
    /// Scored predictions (distinct spans per document).
    pub predicted: usize,
    /// Strict true positives.
    pub strict_tp: usize,
    /// Relaxed true positives.
    pub relaxed_tp: usize,
}

impl TypeScore {
    fn from_counts(gold: usize, predicted: usize, strict_tp: usize, relaxed_tp: usize) -> Self {
        TypeScore {
            strict: Prf::new(strict_tp, gold, predicted),
            relaxed: Prf::new(relaxed_tp, gold, predicted),
            gold,
            predicted,
            strict_tp,
            relaxed_tp,
        }
    }
}

/// A frequent error: a surface text and type, and how often it occurred.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorCount {
    /// The text of the span.
    pub text: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Occurrences.
    pub count: usize,
}

/// The result of [`score`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    /// Per type, in the order asked for.
    pub types: Vec<(String, TypeScore)>,
    /// All types together (counts summed).
    pub all: TypeScore,
    /// Relaxed-matched DATE spans with a gold value.
    pub date_values_checked: usize,
    /// Of those, the ones whose predicted value equals the gold value.
    pub date_values_correct: usize,
    /// Gold documents with spans but no prediction at all (a sign of mismatched ids).
    pub docs_without_predictions: usize,
    /// Strict false positives (scored predictions whose span is not a gold span of their
    /// type), most frequent first.
    pub false_positives: Vec<ErrorCount>,
    /// Strict misses (scored gold spans no prediction of their type has exactly), most
    /// frequent first.
    pub misses: Vec<ErrorCount>,
    /// Precision and recall per kind of match (`"match"` of the records).
    pub kinds: Vec<KindScore>,
}

impl Scores {
    /// DATE value accuracy, when any matched DATE span had a gold value.
    pub fn date_value_accuracy(&self) -> Option<f64> {
        (self.date_values_checked > 0)
            .then(|| self.date_values_correct as f64 / self.date_values_checked as f64)
    }

    /// The machine-readable form: `{"PERSON": {"strict": {..}, "relaxed": {..}, "gold",
    /// "predicted"}, ..., "ALL": {..}, "DATE_value_accuracy", ...}`.
    pub fn to_json(&self) -> Value {
        let one = |s: &TypeScore| {
            serde_json::json!({
                "strict": s.strict,
                "relaxed": s.relaxed,
                "gold": s.gold,
                "predicted": s.predicted,
                "strict_tp": s.strict_tp,
                "relaxed_tp": s.relaxed_tp,
            })
        };
        let mut m = serde_json::Map::new();
        for (t, s) in &self.types {
            m.insert(t.clone(), one(s));
        }
        m.insert("ALL".into(), one(&self.all));
        m.insert(
            "DATE_value_accuracy".into(),
            self.date_value_accuracy().map_or(Value::Null, Value::from),
        );
        m.insert(
            "DATE_values".into(),
            serde_json::json!({"checked": self.date_values_checked, "correct": self.date_values_correct}),
        );
        m.insert(
            "docs_without_predictions".into(),
            self.docs_without_predictions.into(),
        );
        m.insert(
            "false_positives".into(),
            serde_json::to_value(&self.false_positives).unwrap_or(Value::Null),
        );
        m.insert(
            "misses".into(),
            serde_json::to_value(&self.misses).unwrap_or(Value::Null),
        );
        m.insert(
            "match_kinds".into(),
            serde_json::to_value(&self.kinds).unwrap_or(Value::Null),
        );
        Value::Object(m)
    }
}

/// Python truthiness of a JSON value (score.py reads `s.get('name', True)`).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn diag(path: &str, line: usize, message: String) -> Diagnostic {
    Diagnostic {
        path: path.to_string(),
        line,
        message,
    }
}

fn offset(v: &Value, key: &str) -> std::result::Result<usize, String> {
    v.get(key)
        .and_then(Value::as_u64)
        .map(|x| x as usize)
        .ok_or_else(|| format!("`{key}` is not a non-negative integer"))
}

impl Gold {
    /// Reads a gold JSONL file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&path.display().to_string(), &text)
    }

    /// Parses gold JSONL text (for tests).
    pub fn from_jsonl(text: &str) -> Result<Self> {
        Self::parse("<gold>", text)
    }

    fn parse(path: &str, text: &str) -> Result<Self> {
        let mut docs: Vec<GoldDoc> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut diags = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match parse_gold_line(line) {
                Ok(d) => match index.get(&d.id) {
                    Some(&i) => docs[i] = d,
                    None => {
                        index.insert(d.id.clone(), docs.len());
                        docs.push(d);
                    }
                },
                Err(m) => diags.push(diag(path, n + 1, m)),
            }
        }
        if diags.is_empty() {
            Ok(Gold { docs })
        } else {
            Err(Error::Config(diags))
        }
    }
}

fn parse_gold_line(line: &str) -> std::result::Result<GoldDoc, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON: {e}"))?;
    let id = match v.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("no string `id`".into()),
    };
    let text: Vec<char> = v
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .collect();
    let mut spans = Vec::new();
    for (i, s) in v
        .get("spans")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let bad = |m: String| format!("span {}: {m}", i + 1);
        let start = offset(s, "start").map_err(bad)?;
        let end = offset(s, "end").map_err(bad)?;
        let kind = s
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no string `type`".into()))?
            .to_string();
        let span_text = match s.get("text").and_then(Value::as_str) {
            Some(t) => t.to_string(),
            None => text
                .get(start.min(text.len())..end.min(text.len()))
                .map(|c| c.iter().collect())
                .unwrap_or_default(),
        };
        spans.push(GoldSpan {
            start,
            end,
            kind,
            name: s.get("name").is_none_or(truthy),
            value: s.get("value").filter(|x| !x.is_null()).cloned(),
            text: span_text,
        });
    }
    Ok(GoldDoc { id, spans })
}

/// Reads mention records (`entities.jsonl`, or an output folder holding one). Blank lines are
/// skipped; a line that is not a record with `doc`, `type`, `start` and `end` is an error
/// naming its line.
pub fn load_predictions(path: &Path) -> Result<Vec<Prediction>> {
    let file = if path.is_dir() {
        path.join("entities.jsonl")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
    let name = file.display().to_string();
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_prediction(line) {
            Ok(p) => out.push(p),
            Err(m) => {
                diags.push(diag(&name, n + 1, m));
                if diags.len() >= 20 {
                    break;
                }
            }
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(Error::Config(diags))
    }
}

fn parse_prediction(line: &str) -> std::result::Result<Prediction, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON: {e}"))?;
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("no string `{k}`"))
    };
    Ok(Prediction {
        doc: s("doc")?,
        kind: s("type")?,
        start: offset(&v, "start")?,
        end: offset(&v, "end")?,
        text: v
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        value: v.get("value").filter(|x| !x.is_null()).cloned(),
        how: v.get("match").and_then(Value::as_str).map(str::to_string),
    })
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Counts per type while scoring.
#[derive(Default, Clone, Copy)]
struct Counts {
    gold: usize,
    pred: usize,
    strict_tp: usize,
    relaxed_tp: usize,
}

/// Scores predictions against gold for the given types (see the module docs for the rules).
pub fn score(gold: &Gold, predictions: &[Prediction], types: &[&str]) -> Scores {
    let mut by_doc: HashMap<&str, Vec<&Prediction>> = HashMap::new();
    for p in predictions {
        by_doc.entry(p.doc.as_str()).or_default().push(p);
    }
    let mut counts: Vec<Counts> = vec![Counts::default(); types.len()];
    let (mut checked, mut correct) = (0, 0);
    let mut fp: HashMap<(String, String), usize> = HashMap::new();
    let mut miss: HashMap<(String, String), usize> = HashMap::new();
    let mut docs_without = 0;
    let mut kinds = KindCounts::default();
    let no_preds: Vec<&Prediction> = Vec::new();
    for d in &gold.docs {
        let preds = by_doc.get(d.id.as_str()).unwrap_or(&no_preds);
        if !by_doc.contains_key(d.id.as_str()) && !d.spans.is_empty() {
            docs_without += 1;
        }
        let care: Vec<&GoldSpan> = d
            .spans
            .iter()
            .filter(|s| s.name && types.contains(&s.kind.as_str()))
            .collect();
        let dont: Vec<(usize, usize)> = d
            .spans
            .iter()
            .filter(|s| !s.name)
            .map(|s| (s.start, s.end))
            .collect();
        let care_spans: HashSet<(usize, usize)> = care.iter().map(|s| (s.start, s.end)).collect();
        let ps: Vec<&Prediction> = preds
            .iter()
            .copied()
            .filter(|p| types.contains(&p.kind.as_str()))
            .filter(|p| {
                let k = (p.start, p.end);
                !dont.iter().any(|&s| overlaps(k, s)) || care_spans.contains(&k)
            })
            .collect();
        for (ti, t) in types.iter().enumerate() {
            let g: Vec<&GoldSpan> = care.iter().copied().filter(|s| s.kind == *t).collect();
            let p: Vec<&Prediction> = ps.iter().copied().filter(|x| x.kind == *t).collect();
            let gs: HashSet<(usize, usize)> = g.iter().map(|s| (s.start, s.end)).collect();
            let psx: HashSet<(usize, usize)> = p.iter().map(|x| (x.start, x.end)).collect();
            let c = &mut counts[ti];
            c.strict_tp += gs.intersection(&psx).count();
            c.gold += gs.len();
            c.pred += psx.len();
            let mut sorted = g.clone();
            sorted.sort_by_key(|s| s.start);
            let mut used: HashSet<(usize, usize)> = HashSet::new();
            for s in sorted {
                for x in &p {
                    let k = (x.start, x.end);
                    if !used.contains(&k) && overlaps(k, (s.start, s.end)) {
                        used.insert(k);
                        c.relaxed_tp += 1;
                        if *t == "DATE" {
                            if let Some(gv) = &s.value {
                                checked += 1;
                                if x.value.as_ref() == Some(gv) {
                                    correct += 1;
                                }
                            }
                        }
                        break;
                    }
                }
            }
            let mut seen = HashSet::new();
            for x in &p {
                let k = (x.start, x.end);
                if seen.insert(k) {
                    kinds.add(x.how.as_deref(), gs.contains(&k));
                    if !gs.contains(&k) {
                        *fp.entry((x.text.clone(), t.to_string())).or_default() += 1;
                    }
                }
            }
            let mut seen = HashSet::new();
            for s in &g {
                let k = (s.start, s.end);
                if !psx.contains(&k) && seen.insert(k) {
                    *miss.entry((s.text.clone(), t.to_string())).or_default() += 1;
                }
            }
        }
    }
    let mut all = Counts::default();
    let mut per_type = Vec::new();
    for (t, c) in types.iter().zip(&counts) {
        all.gold += c.gold;
        all.pred += c.pred;
        all.strict_tp += c.strict_tp;
        all.relaxed_tp += c.relaxed_tp;
        per_type.push((
            t.to_string(),
            TypeScore::from_counts(c.gold, c.pred, c.strict_tp, c.relaxed_tp),
        ));
    }
    Scores {
        types: per_type,
        all: TypeScore::from_counts(all.gold, all.pred, all.strict_tp, all.relaxed_tp),
        date_values_checked: checked,
        date_values_correct: correct,
        docs_without_predictions: docs_without,
        false_positives: ranked(fp),
        misses: ranked(miss),
        kinds: kinds.scores(all.gold),
    }
}

/// Most frequent first, then by type and text.
fn ranked(m: HashMap<(String, String), usize>) -> Vec<ErrorCount> {
    let mut v: Vec<ErrorCount> = m
        .into_iter()
        .map(|((text, kind), count)| ErrorCount { text, kind, count })
        .collect();
    v.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.text.cmp(&b.text))
    });
    v
}

/// A plain-text table of the scores (one line per type, then ALL), like score.py prints it.
pub fn format_table(s: &Scores) -> String {
    let mut out = String::new();
    out.push_str("type       gold  pred   strict P     R    F1   relaxed P     R    F1\n");
    let row = |out: &mut String, t: &str, x: &TypeScore| {
        out.push_str(&format!(
            "{t:<8} {:>6} {:>5}   {:>8.3} {:.3} {:.3}   {:>9.3} {:.3} {:.3}\n",
            x.gold,
            x.predicted,
            x.strict.precision,
            x.strict.recall,
            x.strict.f1,
            x.relaxed.precision,
            x.relaxed.recall,
            x.relaxed.f1
        ));
    };
    for (t, x) in &s.types {
        row(&mut out, t, x);
    }
    row(&mut out, "ALL", &s.all);
    out.push_str(&format_kinds(&s.kinds));
    out
}
