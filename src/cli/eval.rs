//! `gazex eval --gold <GOLD.jsonl> <OUT_DIR or entities.jsonl>`: precision, recall and F1 per
//! type against gold spans, strict and relaxed, with DATE value accuracy and the most frequent
//! errors (`--json` for machines). The rules are those of `../shared/checks/lib/score.py`; see
//! `crate::eval`.

use crate::eval::{format_table, load_predictions, score, Gold, DEFAULT_TYPES};
use anyhow::Result;
use std::path::PathBuf;

/// Score mention records against gold spans: strict and relaxed P/R/F1 per type.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Gold spans, JSON Lines: {"id", "text", "spans": [{"start", "end", "type", "value", "name"}]}.
    #[arg(long)]
    gold: PathBuf,
    /// An output folder of `gazex extract` (its entities.jsonl) or a mention JSONL file.
    predictions: PathBuf,
    /// Entity types to score, comma separated.
    #[arg(long, value_delimiter = ',', default_value = "PERSON,ORG,PLACE,DATE")]
    types: Vec<String>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// How many of the most frequent false positives and misses to list.
    #[arg(long, default_value_t = 15)]
    top: usize,
}

pub(crate) fn run(a: Args) -> Result<i32> {
    let gold = Gold::load(&a.gold)?;
    let preds = load_predictions(&a.predictions)?;
    let mut types: Vec<String> = a
        .types
        .iter()
        .map(|t| t.trim().to_uppercase())
        .filter(|t| !t.is_empty())
        .collect();
    if types.is_empty() {
        types = DEFAULT_TYPES.iter().map(|t| t.to_string()).collect();
    }
    let types: Vec<&str> = types.iter().map(String::as_str).collect();
    let s = score(&gold, &preds, &types);
    let text = if a.json {
        format!("{}\n", s.to_json())
    } else {
        report(&s, a.top)
    };
    // Into a closed pipe: status 0, quietly; into a full disk: status 1, naming it.
    super::out::stdout(text.as_bytes())?;
    Ok(0)
}

/// The scores as text: the table, DATE value accuracy, notes on ids, the frequent errors.
fn report(s: &crate::eval::Scores, top: usize) -> String {
    use std::fmt::Write;
    let mut o = format_table(s);
    let _ = match s.date_value_accuracy() {
        Some(acc) => writeln!(
            o,
            "DATE value accuracy {acc:.3} ({} of {} matched DATE spans with a gold value)",
            s.date_values_correct, s.date_values_checked
        ),
        None => writeln!(
            o,
            "DATE value accuracy: no matched DATE span has a gold value"
        ),
    };
    if s.ids_matched_without_extension > 0 {
        let _ = writeln!(
            o,
            "note: {} gold documents matched by their id without the file extension (`seed` = `seed.txt`)",
            s.ids_matched_without_extension
        );
    }
    if s.docs_without_predictions > 0 {
        let _ = writeln!(
            o,
            "warning: {} gold documents with spans have no prediction at all (do the document ids match? gold ids must be the `doc` of the records: the file name for text files, the id field for JSONL)",
            s.docs_without_predictions
        );
    }
    let mut list = |title: &str, v: &[crate::eval::ErrorCount]| {
        if v.is_empty() {
            return;
        }
        let _ = writeln!(o, "\n{title} (strict, most frequent first):");
        for e in v.iter().take(top) {
            let _ = writeln!(
                o,
                "  {:>4}  {:<7} {}",
                e.count,
                e.kind,
                e.text.replace('\n', " ")
            );
        }
        if v.len() > top {
            let _ = writeln!(o, "  ... and {} more", v.len() - top);
        }
    };
    list("False positives", &s.false_positives);
    list("Misses", &s.misses);
    if !s.wrong_values.is_empty() {
        let _ = writeln!(
            o,
            "\nWrong DATE values (gold span: gold value -> predicted, most frequent first):"
        );
        for e in s.wrong_values.iter().take(top) {
            let text = e.text.replace('\n', " ");
            let _ = writeln!(o, "  {:>4}  {text}: {} -> {}", e.count, e.gold, e.predicted);
        }
        if s.wrong_values.len() > top {
            let _ = writeln!(o, "  ... and {} more", s.wrong_values.len() - top);
        }
    }
    o
}
