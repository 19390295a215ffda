//! Precision and recall per kind of match (the mention record's `"match"`: `exact`,
//! `folded`, `variant`, `reordered`, `short_form`, `acronym`, or none for DATE and records
//! without it): among the scored predictions of a kind, the share that are strict true
//! positives (precision), and the share of all scored gold spans they find (recall; the
//! kinds' recalls add up to the overall strict recall).

use serde::Serialize;

/// The counts and scores of one kind of match.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct KindScore {
    /// The kind (`-` for predictions without one).
    #[serde(rename = "match")]
    pub(crate) kind: String,
    /// Scored predictions of this kind (distinct spans per document and type).
    pub(crate) predicted: usize,
    /// Of those, strict true positives.
    pub(crate) strict_tp: usize,
    /// strict_tp / predicted.
    pub(crate) precision: f64,
    /// strict_tp / all scored gold spans.
    pub(crate) recall: f64,
}

/// Counting per kind while scoring.
#[derive(Debug, Clone, Default)]
pub(super) struct KindCounts(Vec<(String, usize, usize)>);

impl KindCounts {
    /// One scored prediction of `kind`, a strict true positive or not.
    pub(super) fn add(&mut self, kind: Option<&str>, tp: bool) {
        let k = kind.unwrap_or("-");
        let i = match self.0.iter().position(|(x, _, _)| x == k) {
            Some(i) => i,
            None => {
                self.0.push((k.to_string(), 0, 0));
                self.0.len() - 1
            }
        };
        if let Some(c) = self.0.get_mut(i) {
            c.1 += 1;
            c.2 += usize::from(tp);
        }
    }

    /// The scores, in the record's order of kinds, given all scored gold spans.
    pub(super) fn scores(&self, gold: usize) -> Vec<KindScore> {
        const ORDER: [&str; 8] = [
            "exact",
            "folded",
            "variant",
            "reordered",
            "short_form",
            "acronym",
            "guessed",
            "-",
        ];
        let rank = |k: &str| ORDER.iter().position(|o| *o == k).unwrap_or(ORDER.len());
        let mut v: Vec<KindScore> = self
            .0
            .iter()
            .map(|(k, p, tp)| KindScore {
                kind: k.clone(),
                predicted: *p,
                strict_tp: *tp,
                precision: if *p > 0 { *tp as f64 / *p as f64 } else { 0.0 },
                recall: if gold > 0 {
                    *tp as f64 / gold as f64
                } else {
                    0.0
                },
            })
            .collect();
        v.sort_by(|a, b| (rank(&a.kind), &a.kind).cmp(&(rank(&b.kind), &b.kind)));
        v
    }
}

/// The text table of the scores per kind.
pub(crate) fn format_kinds(kinds: &[KindScore]) -> String {
    let mut out = String::from("\nmatch         pred    tp   strict P  recall\n");
    for k in kinds {
        out.push_str(&format!(
            "{:<12} {:>5} {:>5}   {:>8.3}  {:.3}\n",
            k.kind, k.predicted, k.strict_tp, k.precision, k.recall
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_and_recall_per_kind() {
        let mut k = KindCounts::default();
        // (kind, true positive)
        let preds = [
            (Some("variant"), true),
            (Some("exact"), true),
            (Some("exact"), false),
            (Some("variant"), false),
            (Some("short_form"), true),
            (None, true),
        ];
        for (kind, tp) in preds {
            k.add(kind, tp);
        }
        let s = k.scores(8);
        let got: Vec<(&str, usize, usize, f64, f64)> = s
            .iter()
            .map(|x| {
                (
                    x.kind.as_str(),
                    x.predicted,
                    x.strict_tp,
                    x.precision,
                    x.recall,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("exact", 2, 1, 0.5, 0.125),
                ("variant", 2, 1, 0.5, 0.125),
                ("short_form", 1, 1, 1.0, 0.125),
                ("-", 1, 1, 1.0, 0.125),
            ]
        );
        assert!(format_kinds(&s).contains("short_form"));
    }
}
