//! spaCy EntityRuler patterns (`patterns.jsonl`): one JSON object a line,
//! `{"label": "ORG", "pattern": "Apple", "id": "apple"}`.
//!
//! - Phrase patterns (a string `pattern`) are imported; token patterns (a list of token
//!   dictionaries) cannot be expressed as names and are skipped, counted.
//! - Patterns that share a label and an `id` become one row: the first pattern is the
//!   canonical name, the others aliases; the row id is `<type>:<id>`. Patterns without an `id`
//!   become one row per distinct text.
//! - Labels map to gazex types with [`super::map_type`] (`GPE`, `LOC`, `FAC` -> PLACE).

use super::{map_type, slug, Row, Sink, Summary};
use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, Write};

pub(super) fn import(
    input: Box<dyn BufRead + Send>,
    path: &str,
    out: &mut dyn Write,
    out_name: &str,
) -> Result<Summary> {
    let mut rows: Vec<Row> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut summary = Summary::default();
    let mut lines = crate::lines::Lines::new(input, crate::lines::MAX_LINE);
    while let Some(line) = lines.next().transpose().map_err(|e| Error::io(path, e))? {
        let at = format!("{path}:{}", lines.number());
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                summary.warn("not a JSON object", format!("{at}: not valid JSON: {e}"));
                continue;
            }
        };
        let Some(label) = v.get("label").and_then(Value::as_str) else {
            summary.warn("no label", format!("{at}: no string `label`: skipped"));
            continue;
        };
        let pattern = match v.get("pattern") {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Array(_)) => {
                summary.skip("token pattern (only phrase patterns can be imported)");
                continue;
            }
            _ => {
                summary.warn("no pattern", format!("{at}: no `pattern`: skipped"));
                continue;
            }
        };
        let kind = map_type(label);
        let id = match v.get("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::Number(x)) => Some(x.to_string()),
            _ => None,
        };
        let key = (kind.clone(), id.clone().unwrap_or_else(|| slug(&pattern)));
        match index.get(&key) {
            Some(&i) => rows[i].aliases.push(pattern),
            None => {
                index.insert(key.clone(), rows.len());
                rows.push(Row {
                    id: format!("{}:{}", kind.to_lowercase(), key.1),
                    kind,
                    name: pattern,
                    aliases: Vec::new(),
                    attrs: Vec::new(),
                });
            }
        }
    }
    let mut sink = Sink::new(
        out,
        out_name,
        &format!("Imported by gazex from {path} (spaCy EntityRuler phrase patterns)"),
        &[],
    )?;
    sink.summary = summary;
    for r in rows {
        sink.push(r)?;
    }
    sink.finish()
}
