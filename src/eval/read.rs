//! Reading gold spans and mention records for `eval`: JSON Lines decoded as documents are
//! (BOM, UTF-16), lines ending at LF, CRLF or CR, each bounded (an endless input such as
//! `/dev/zero` is an error at its first line, not a process that eats the memory), spans
//! checked (`start <= end`, inside the text). Problems are listed with file and line.

use super::{Gold, GoldDoc, GoldSpan, Prediction};
use crate::error::{Diagnostic, Error, Result};
use crate::lines::{Line, Lines, MAX_LINE};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Problems listed before a file is given up.
const MAX_PROBLEMS: usize = 20;

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
        .and_then(|x| usize::try_from(x).ok())
        .ok_or_else(|| format!("`{key}` is not a non-negative integer"))
}

/// Calls `f` on every line of `r` that is not blank, with its number; problems (from `f`,
/// or a line over the bound) are collected with file and line, at most [`MAX_PROBLEMS`].
fn each_line(
    path: &str,
    r: impl std::io::Read + Send,
    mut f: impl FnMut(&str) -> std::result::Result<(), String>,
) -> Result<Vec<Diagnostic>> {
    let io = |e: std::io::Error| Error::io(path, e);
    let mut lines = Lines::new(crate::document::decoded(r).map_err(io)?, MAX_LINE);
    let mut buf = Vec::new();
    let mut diags = Vec::new();
    while let Some(kind) = lines.next_into(&mut buf).map_err(io)? {
        let n = lines.number();
        if kind == Line::TooLong {
            diags.push(diag(
                path,
                n,
                format!("line longer than {MAX_LINE} bytes (no line end?): not a JSON Lines file"),
            ));
            break;
        }
        let line = String::from_utf8_lossy(&buf);
        if line.trim().is_empty() {
            continue;
        }
        if let Err(m) = f(&line) {
            diags.push(diag(path, n, m));
            if diags.len() >= MAX_PROBLEMS {
                break;
            }
        }
    }
    Ok(diags)
}

impl Gold {
    /// Reads a gold JSONL file.
    pub(crate) fn load(path: &Path) -> Result<Self> {
        let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&path.display().to_string(), f)
    }

    /// Parses gold JSONL text (for tests).
    #[cfg(test)]
    pub(crate) fn from_jsonl(text: &str) -> Result<Self> {
        Self::parse("<gold>", text.as_bytes())
    }

    fn parse(path: &str, r: impl std::io::Read + Send) -> Result<Self> {
        let mut docs: Vec<GoldDoc> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let diags = each_line(path, r, |line| {
            let d = parse_gold_line(line)?;
            match index.get(&d.id).and_then(|&i| docs.get_mut(i)) {
                Some(slot) => *slot = d,
                None => {
                    index.insert(d.id.clone(), docs.len());
                    docs.push(d);
                }
            }
            Ok(())
        })?;
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
    let text: Option<Vec<char>> = v
        .get("text")
        .and_then(Value::as_str)
        .map(|t| t.chars().collect());
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
        if start > end {
            return Err(bad(format!("start {start} is after end {end}")));
        }
        if let Some(t) = &text {
            if end > t.len() {
                return Err(bad(format!(
                    "end {end} is past the end of the text ({} code points)",
                    t.len()
                )));
            }
        }
        let kind = s
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no string `type`".into()))?
            .to_string();
        let span_text = match (s.get("text").and_then(Value::as_str), &text) {
            (Some(t), _) => t.to_string(),
            (None, Some(t)) => t
                .get(start..end)
                .map(|c| c.iter().collect())
                .unwrap_or_default(),
            (None, None) => String::new(),
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
pub(crate) fn load_predictions(path: &Path) -> Result<Vec<Prediction>> {
    let file = if path.is_dir() {
        path.join("entities.jsonl")
    } else {
        path.to_path_buf()
    };
    let f = std::fs::File::open(&file).map_err(|e| Error::io(&file, e))?;
    let mut out = Vec::new();
    let diags = each_line(&file.display().to_string(), f, |line| {
        out.push(parse_prediction(line)?);
        Ok(())
    })?;
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
