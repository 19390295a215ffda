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
//!   whose predicted `value` equals it; the others are listed (`wrong_values`).
//!
//! This module reads (`read`: gold and mention files, any line end, every line bounded, bad
//! spans refused) and scores; it does not run the pipeline and does not print.

use serde_json::Value;
use std::collections::{HashMap, HashSet};

mod kinds;
mod read;
use kinds::KindCounts;
pub(crate) use kinds::{format_kinds, KindScore};
pub(crate) use read::load_predictions;

/// The entity types scored when none are given.
pub(crate) const DEFAULT_TYPES: [&str; 4] = ["PERSON", "ORG", "PLACE", "DATE"];

/// One gold span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GoldSpan {
    /// Code point start.
    pub(crate) start: usize,
    /// Code point end (exclusive).
    pub(crate) end: usize,
    /// Entity type.
    pub(crate) kind: String,
    /// False for spans that are not scored (`"name": false`).
    pub(crate) name: bool,
    /// The gold DATE value (`null` or absent: none).
    pub(crate) value: Option<Value>,
    /// The span's text (from the gold record, else sliced from the document).
    pub(crate) text: String,
}

/// One gold document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GoldDoc {
    /// Document id (matches the `doc` of mention records).
    pub(crate) id: String,
    /// Its spans, in file order.
    pub(crate) spans: Vec<GoldSpan>,
}

/// A gold file: documents in file order (a repeated id replaces the earlier document).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Gold {
    /// The documents.
    pub(crate) docs: Vec<GoldDoc>,
}

/// One predicted mention (the fields of a mention record that scoring reads).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prediction {
    /// Document id.
    pub(crate) doc: String,
    /// Entity type.
    pub(crate) kind: String,
    /// Code point start.
    pub(crate) start: usize,
    /// Code point end (exclusive).
    pub(crate) end: usize,
    /// Matched text.
    pub(crate) text: String,
    /// DATE value, if any.
    pub(crate) value: Option<Value>,
    /// The record's `"match"`, if any.
    pub(crate) how: Option<String>,
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub(crate) struct Prf {
    /// True positives / predicted (0 when nothing was predicted).
    pub(crate) precision: f64,
    /// True positives / gold (0 when there is no gold).
    pub(crate) recall: f64,
    /// Harmonic mean of the two (0 when both are 0).
    pub(crate) f1: f64,
}

impl Prf {
    /// From counts, as score.py computes them.
    pub(crate) fn new(tp: usize, gold: usize, predicted: usize) -> Self {
        let ratio = |a: usize, b: usize| if b > 0 { a as f64 / b as f64 } else { 0.0 };
        let (p, r) = (ratio(tp, predicted), ratio(tp, gold));
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
pub(crate) struct TypeScore {
    /// Same span and type.
    pub(crate) strict: Prf,
    /// Overlapping span, same type, one-to-one.
    pub(crate) relaxed: Prf,
    /// Scored gold spans (distinct per document).
    pub(crate) gold: usize,
    /// Scored predictions (distinct spans per document).
    pub(crate) predicted: usize,
    /// Strict true positives.
    pub(crate) strict_tp: usize,
    /// Relaxed true positives.
    pub(crate) relaxed_tp: usize,
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
pub(crate) struct ErrorCount {
    /// The text of the span.
    pub(crate) text: String,
    /// Its type.
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// Occurrences.
    pub(crate) count: usize,
}

/// A DATE span found with another value than the gold one, and how often.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct ValueError {
    /// The gold span's text.
    pub(crate) text: String,
    /// The gold value.
    pub(crate) gold: String,
    /// The predicted value (`null` when the prediction had none).
    pub(crate) predicted: String,
    /// Occurrences.
    pub(crate) count: usize,
}

/// The result of [`score`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Scores {
    /// Per type, in the order asked for.
    pub(crate) types: Vec<(String, TypeScore)>,
    /// All types together (counts summed).
    pub(crate) all: TypeScore,
    /// Relaxed-matched DATE spans with a gold value.
    pub(crate) date_values_checked: usize,
    /// Of those, the ones whose predicted value equals the gold value.
    pub(crate) date_values_correct: usize,
    /// Gold documents with spans but no prediction at all (a sign of mismatched ids).
    pub(crate) docs_without_predictions: usize,
    /// Gold documents matched to predictions by their id without its file extension
    /// (`seed` and `seed.txt`): see [`id_key`].
    pub(crate) ids_matched_without_extension: usize,
    /// Strict false positives (scored predictions whose span is not a gold span of their
    /// type), most frequent first.
    pub(crate) false_positives: Vec<ErrorCount>,
    /// Strict misses (scored gold spans no prediction of their type has exactly), most
    /// frequent first.
    pub(crate) misses: Vec<ErrorCount>,
    /// Relaxed-matched DATE spans whose value differs from the gold one, most frequent first.
    pub(crate) wrong_values: Vec<ValueError>,
    /// Precision and recall per kind of match (`"match"` of the records).
    pub(crate) kinds: Vec<KindScore>,
}

impl Scores {
    /// DATE value accuracy, when any matched DATE span had a gold value.
    pub(crate) fn date_value_accuracy(&self) -> Option<f64> {
        (self.date_values_checked > 0)
            .then(|| self.date_values_correct as f64 / self.date_values_checked as f64)
    }

    /// The machine-readable form: `{"PERSON": {"strict": {..}, "relaxed": {..}, "gold",
    /// "predicted"}, ..., "ALL": {..}, "DATE_value_accuracy", ...}`.
    pub(crate) fn to_json(&self) -> Value {
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
            "ids_matched_without_extension".into(),
            self.ids_matched_without_extension.into(),
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
            "DATE_value_errors".into(),
            serde_json::to_value(&self.wrong_values).unwrap_or(Value::Null),
        );
        m.insert(
            "match_kinds".into(),
            serde_json::to_value(&self.kinds).unwrap_or(Value::Null),
        );
        Value::Object(m)
    }
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

/// DATE values of matched spans: checked, right, wrong ones by (text, gold, predicted).
#[derive(Default)]
struct Values {
    checked: usize,
    correct: usize,
    wrong: HashMap<(String, String, String), usize>,
}

impl Values {
    fn add(&mut self, s: &GoldSpan, x: &Prediction) {
        let Some(gv) = &s.value else { return };
        self.checked += 1;
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        match &x.value {
            Some(v) if v == gv => self.correct += 1,
            v => {
                let v = text(v.as_ref().unwrap_or(&Value::Null));
                *self.wrong.entry((s.text.clone(), text(gv), v)).or_default() += 1;
            }
        }
    }
}

/// A document id without its file extension (`seed.txt` and `seed.txt.gz` give `seed`), so
/// that gold ids written with or without it match the ids of a run on files: a gold id is
/// matched by its key when no prediction has it exactly and one document has that key.
pub(crate) fn id_key(id: &str) -> &str {
    let s = [".gz", ".zst"]
        .iter()
        .find_map(|c| id.strip_suffix(c))
        .unwrap_or(id);
    match s.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && !stem.ends_with('/')
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            stem
        }
        _ => s,
    }
}

/// Predictions by document id; a gold id no prediction has is looked up by [`id_key`]
/// (unless the document found is a gold document of its own). Gives the number of gold
/// documents matched so.
fn predictions_by_gold_id<'p>(
    gold: &Gold,
    predictions: &'p [Prediction],
) -> (HashMap<String, Vec<&'p Prediction>>, usize) {
    let mut by_doc: HashMap<String, Vec<&Prediction>> = HashMap::new();
    for p in predictions {
        by_doc.entry(p.doc.clone()).or_default().push(p);
    }
    let gold_ids: HashSet<&str> = gold.docs.iter().map(|d| d.id.as_str()).collect();
    // key -> the one document with it (None: several).
    let mut by_key: HashMap<&str, Option<&str>> = HashMap::new();
    for doc in by_doc.keys().filter(|d| !gold_ids.contains(d.as_str())) {
        by_key
            .entry(id_key(doc))
            .and_modify(|v| *v = None)
            .or_insert(Some(doc.as_str()));
    }
    let found: Vec<(String, String)> = gold
        .docs
        .iter()
        .filter(|d| !by_doc.contains_key(&d.id))
        .filter_map(|d| {
            let doc = by_key.get(id_key(&d.id)).copied().flatten()?;
            Some((d.id.clone(), doc.to_string()))
        })
        .collect();
    let matched = found.len();
    for (gold_id, doc) in found {
        if let Some(v) = by_doc.get(&doc).cloned() {
            by_doc.insert(gold_id, v);
        }
    }
    (by_doc, matched)
}

/// Scores predictions against gold for the given types (see the module docs for the rules).
pub(crate) fn score(gold: &Gold, predictions: &[Prediction], types: &[&str]) -> Scores {
    let (by_doc, matched_by_key) = predictions_by_gold_id(gold, predictions);
    let mut counts: Vec<Counts> = vec![Counts::default(); types.len()];
    let mut values = Values::default();
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
                            values.add(s, x);
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
                        *fp.entry((t.to_string(), x.text.clone())).or_default() += 1;
                    }
                }
            }
            let mut seen = HashSet::new();
            for s in &g {
                let k = (s.start, s.end);
                if !psx.contains(&k) && seen.insert(k) {
                    *miss.entry((t.to_string(), s.text.clone())).or_default() += 1;
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
        date_values_checked: values.checked,
        date_values_correct: values.correct,
        docs_without_predictions: docs_without,
        ids_matched_without_extension: matched_by_key,
        false_positives: ranked(fp, |(kind, text), count| ErrorCount { text, kind, count }),
        misses: ranked(miss, |(kind, text), count| ErrorCount { text, kind, count }),
        wrong_values: ranked(values.wrong, |(text, gold, predicted), count| ValueError {
            text,
            gold,
            predicted,
            count,
        }),
        kinds: kinds.scores(all.gold),
    }
}

/// Most frequent first, then by key.
fn ranked<K: Ord, T>(m: HashMap<K, usize>, make: impl Fn(K, usize) -> T) -> Vec<T> {
    let mut v: Vec<(K, usize)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(k, c)| make(k, c)).collect()
}

/// A plain-text table of the scores (one line per type, then ALL), like score.py prints it.
pub(crate) fn format_table(s: &Scores) -> String {
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

#[cfg(test)]
mod library_tests {
    use super::*;

    const GOLD: &str = r#"{"id":"d1","text":"Khalimov met Rahmon in Dushanbe in March 2015 and they left.","spans":[{"start":0,"end":8,"type":"PERSON","text":"Khalimov"},{"start":13,"end":19,"type":"PERSON","text":"Rahmon"},{"start":23,"end":31,"type":"PLACE","text":"Dushanbe"},{"start":35,"end":45,"type":"DATE","text":"March 2015","value":"2015-03"},{"start":50,"end":54,"type":"PERSON","text":"they","name":false}]}
{"id":"d2","text":"Nothing here.","spans":[]}
"#;

    fn p(kind: &str, start: usize, end: usize, value: Option<&str>) -> Prediction {
        Prediction {
            doc: "d1".into(),
            kind: kind.into(),
            start,
            end,
            text: String::new(),
            value: value.map(Value::from),
            how: None,
        }
    }

    #[test]
    fn precision_and_recall_per_kind_of_match() {
        let gold = Gold::from_jsonl(GOLD).unwrap();
        let with = |start, end, how: &str| Prediction {
            how: Some(how.into()),
            ..p("PERSON", start, end, None)
        };
        let s = score(
            &gold,
            &[
                with(0, 8, "exact"),
                with(13, 19, "short_form"),
                with(23, 31, "variant"),
            ],
            &["PERSON"],
        );
        let k: Vec<(&str, f64, f64)> = s
            .kinds
            .iter()
            .map(|k| (k.kind.as_str(), k.precision, k.recall))
            .collect();
        assert_eq!(
            k,
            [
                ("exact", 1.0, 0.5),
                ("variant", 0.0, 0.0),
                ("short_form", 1.0, 0.5)
            ]
        );
    }

    #[test]
    fn strict_and_relaxed_matches_and_date_values() {
        let gold = Gold::from_jsonl(GOLD).unwrap();
        // One of two people found exactly.
        let s = score(&gold, &[p("PERSON", 0, 8, None)], &["PERSON"]);
        assert_eq!(s.all.strict.precision, 1.0);
        assert_eq!(s.all.strict.recall, 0.5);
        // A DATE with the wrong value, one character short: relaxed match, value wrong.
        let s = score(&gold, &[p("DATE", 35, 44, Some("2015"))], &["DATE"]);
        assert_eq!(s.all.strict_tp, 0);
        assert_eq!(s.all.relaxed_tp, 1);
        assert_eq!(s.date_value_accuracy(), Some(0.0));
        let w = s
            .wrong_values
            .first()
            .map(|w| (w.text.as_str(), w.gold.as_str(), w.predicted.as_str()));
        assert_eq!(w, Some(("March 2015", "2015-03", "2015")));
        // The right value: nothing listed.
        let s = score(&gold, &[p("DATE", 35, 45, Some("2015-03"))], &["DATE"]);
        assert!(s.wrong_values.is_empty());
        // One prediction overlapping two gold spans matches only one of them (one-to-one).
        let s = score(&gold, &[p("PERSON", 0, 19, None)], &["PERSON"]);
        assert_eq!((s.all.gold, s.all.predicted, s.all.relaxed_tp), (2, 1, 1));
        // No prediction at all: zeros, no division by zero; d1 has no predictions.
        let s = score(&gold, &[], &["PERSON", "ORG", "PLACE", "DATE"]);
        assert_eq!(s.all.strict.f1, 0.0);
        assert_eq!(s.docs_without_predictions, 1);
        assert_eq!(s.date_value_accuracy(), None);
    }
}
