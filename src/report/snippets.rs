//! Snippets: reads back the texts of the documents the report quotes and cuts a short
//! context around each chosen mention (to the sentence where the window allows).
//!
//! Texts come from the run's inputs given with `--docs` (walked as `extract` walks them), or
//! else from the `source` of each document in `documents.jsonl`: a text file, or `FILE:LINE`
//! of a JSONL file (a relative path is tried from the working folder, then from the output
//! folder's parent). A mention whose offsets no longer slice to its text (the file changed
//! since the run) gets no context.

use super::Options;
use crate::corpus::{discover, InputFormat, Unit, Units};
use crate::document::{Compression, ReadOptions};
use crate::error::{Error, Result};
use crate::lines::{Lines, MAX_LINE};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// A mention to quote.
pub(super) struct Pending {
    /// Position of its entity in the page's entity list.
    pub(crate) entity: usize,
    pub(crate) doc: String,
    pub(crate) byte_start: usize,
    pub(crate) byte_end: usize,
    pub(crate) sentence: usize,
    pub(crate) text: String,
}

/// The snippets, per entity position, and how the texts were found.
#[derive(Default)]
pub(super) struct Cut {
    pub(crate) snippets: HashMap<usize, Vec<Value>>,
    pub(crate) found: usize,
    pub(crate) missing: usize,
    pub(crate) missing_examples: Vec<String>,
    pub(crate) changed: usize,
    /// Documents whose text was found.
    done: HashSet<String>,
}

/// How the run read its documents, from the options of its manifest.
fn read_options(o: &Value) -> (ReadOptions, InputFormat) {
    let s = |k: &str, d: &str| o.get(k).and_then(Value::as_str).unwrap_or(d).to_string();
    let mut r = ReadOptions {
        id_field: s("id_field", "id"),
        text_field: s("text_field", "text"),
        date_field: s("date_field", "date"),
        ..ReadOptions::default()
    };
    if let Some(m) = o.get("max_doc_bytes").and_then(Value::as_u64) {
        r.max_doc_bytes = m as usize;
    }
    let f = match s("input_format", "auto").as_str() {
        "text" => InputFormat::Text,
        "jsonl" => InputFormat::Jsonl,
        _ => InputFormat::Auto,
    };
    (r, f)
}

pub(super) fn cut(
    out_dir: &Path,
    options: &Value,
    pending: &[Pending],
    opts: &Options,
) -> Result<Cut> {
    let mut by_doc: HashMap<&str, Vec<(usize, &Pending)>> = HashMap::new();
    for (i, p) in pending.iter().enumerate() {
        by_doc.entry(p.doc.as_str()).or_default().push((i, p));
    }
    let mut out = Cut::default();
    let (ropts, format) = read_options(options);
    let quote = |out: &mut Cut, id: &str, text: &str| {
        if let Some(ps) = by_doc.get(id) {
            if out.done.insert(id.to_string()) {
                out.found += 1;
                for (i, p) in ps {
                    let s = snippet(*i, p, Some(text), opts.context_chars, &mut out.changed);
                    out.snippets.entry(p.entity).or_default().push(s);
                }
            }
        }
    };
    if !opts.docs.is_empty() {
        let needed: HashSet<&str> = by_doc.keys().copied().collect();
        let entries = discover(&opts.docs, false)?;
        for unit in Units::new(entries, format, ropts.clone()) {
            if out.done.len() == needed.len() {
                break;
            }
            if let Unit::File { id, .. } = &unit {
                if !needed.contains(id.as_str()) {
                    continue;
                }
            }
            let doc = unit.into_document(&ropts);
            quote(&mut out, &doc.id, &doc.text);
        }
    } else {
        let sources = read_sources(&out_dir.join("documents.jsonl"), &by_doc)?;
        let mut jsonl: BTreeMap<PathBuf, BTreeMap<usize, String>> = BTreeMap::new();
        for (doc, source) in &sources {
            if let Some((file, line)) = source
                .rsplit_once(':')
                .and_then(|(f, l)| Some((f, l.parse::<usize>().ok()?)))
                .and_then(|(f, l)| Some((locate(out_dir, f)?, l)))
            {
                jsonl.entry(file).or_default().insert(line, doc.clone());
            } else if let Some(path) = locate(out_dir, source) {
                let d = crate::document::read_text_file(&path, doc.clone(), &ropts);
                if d.text.is_empty() && !d.warnings.is_empty() {
                    continue;
                }
                quote(&mut out, doc, &d.text);
            }
        }
        for (file, lines) in &jsonl {
            let name = file.display().to_string();
            let mut rd = jsonl_lines(file, &ropts)?;
            let last = lines.keys().next_back().copied().unwrap_or(0);
            let mut buf = Vec::new();
            let mut n = 0;
            while n < last {
                match rd.next_into(&mut buf) {
                    Ok(Some(_)) => n = rd.number(),
                    Ok(None) | Err(_) => break,
                }
                let Some(want) = lines.get(&n) else {
                    continue;
                };
                let mut warn = String::new();
                if let Some(d) =
                    crate::document::parse_jsonl_line(&buf, name.clone(), n, &ropts, &mut warn)
                {
                    if &d.id == want {
                        quote(&mut out, want, &d.text);
                    }
                }
            }
        }
    }
    // Documents whose text was not found: the mention alone.
    let mut missing: Vec<&str> = by_doc
        .keys()
        .copied()
        .filter(|d| !out.done.contains(*d))
        .collect();
    missing.sort_unstable();
    out.missing = missing.len();
    out.missing_examples = missing.iter().take(5).map(|s| s.to_string()).collect();
    for d in missing {
        for (i, p) in &by_doc[d] {
            let s = snippet(*i, p, None, 0, &mut out.changed);
            out.snippets.entry(p.entity).or_default().push(s);
        }
    }
    in_read_order(&mut out.snippets);
    Ok(out)
}

/// Puts each entity's snippets in the order their mentions were read.
fn in_read_order(snippets: &mut HashMap<usize, Vec<Value>>) {
    for v in snippets.values_mut() {
        v.sort_by(|a, b| {
            let k = |x: &Value| {
                (
                    x.get("order").and_then(Value::as_u64).unwrap_or(0),
                    x.get("sentence").and_then(Value::as_u64).unwrap_or(0),
                )
            };
            k(a).cmp(&k(b))
        });
        for s in v.iter_mut() {
            if let Some(o) = s.as_object_mut() {
                o.remove("order");
            }
        }
    }
}

/// The lines of a JSONL file, numbered as `extract` numbers them (decompressed, decoded, any
/// line end, bounded as `--max-doc-bytes` bounds them).
fn jsonl_lines(file: &Path, ropts: &ReadOptions) -> Result<Lines<Box<dyn BufRead + Send>>> {
    let io = |e| Error::io(file, e);
    let f = std::fs::File::open(file).map_err(io)?;
    let r =
        crate::document::decompressing(f, Compression::of(&file.to_string_lossy())).map_err(io)?;
    let limit = ropts.max_doc_bytes.saturating_add(1 << 20);
    Ok(Lines::new(crate::document::decoded(r).map_err(io)?, limit).skipping_long())
}

/// `doc -> source` for the documents in `want`.
fn read_sources(
    path: &Path,
    want: &HashMap<&str, Vec<(usize, &Pending)>>,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let Ok(f) = std::fs::File::open(path) else {
        return Ok(out);
    };
    for line in Lines::new(BufReader::new(f), MAX_LINE) {
        let line = line.map_err(|e| Error::io(path, e))?;
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let doc = v.get("doc").and_then(Value::as_str).unwrap_or("");
        if want.contains_key(doc) {
            if let Some(s) = v.get("source").and_then(Value::as_str) {
                out.push((doc.to_string(), s.to_string()));
            }
        }
    }
    Ok(out)
}

/// The file a recorded source names: as written, else from the output folder's parent.
fn locate(out_dir: &Path, source: &str) -> Option<PathBuf> {
    if source.is_empty() || source == "-" {
        return None;
    }
    let p = PathBuf::from(source);
    if p.is_file() {
        return Some(p);
    }
    if p.is_relative() {
        let q = out_dir.join("..").join(&p);
        if q.is_file() {
            return Some(q);
        }
    }
    None
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One snippet: `{"doc", "sentence", "pre", "text", "post"}` (no pre/post without the text).
fn snippet(
    order: usize,
    p: &Pending,
    text: Option<&str>,
    context: usize,
    changed: &mut usize,
) -> Value {
    let Some(text) = text else {
        return json!({"doc": p.doc, "sentence": p.sentence, "text": p.text, "order": order});
    };
    if text.get(p.byte_start..p.byte_end) != Some(p.text.as_str()) {
        *changed += 1;
        return json!({"doc": p.doc, "sentence": p.sentence, "text": p.text, "order": order});
    }
    let before = &text[..p.byte_start];
    let after = &text[p.byte_end..];
    // Up to `context` characters either side, cut at a sentence or paragraph end if one is
    // in the window, else at a space (with an ellipsis).
    let start = before
        .char_indices()
        .rev()
        .nth(context.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let mut pre = &before[start..];
    let mut pre_cut = start > 0;
    if pre_cut {
        if let Some(i) = [". ", "! ", "? ", "\n\n", ".\n"]
            .iter()
            .filter_map(|m| pre.rfind(m).map(|i| i + m.len()))
            .max()
        {
            pre = &pre[i..];
            pre_cut = false;
        } else if let Some(i) = pre.find(char::is_whitespace) {
            pre = &pre[i..];
        }
    }
    let end = after
        .char_indices()
        .nth(context)
        .map_or(after.len(), |(i, _)| i);
    let mut post = &after[..end];
    let mut post_cut = end < after.len();
    if let Some(i) = [". ", "! ", "? ", "\n\n", ".\n"]
        .iter()
        .filter_map(|m| post.find(m).map(|i| i + 1))
        .min()
    {
        post = &post[..i];
        post_cut = false;
    } else if post_cut {
        if let Some(i) = post.rfind(char::is_whitespace) {
            post = &post[..i];
        }
    }
    let mut pre_s = collapse(pre);
    if !pre_s.is_empty() && pre.ends_with(char::is_whitespace) {
        pre_s.push(' ');
    }
    if pre_cut {
        pre_s.insert_str(0, "… ");
    }
    let mut post_s = String::new();
    if post.starts_with(char::is_whitespace) {
        post_s.push(' ');
    }
    post_s.push_str(&collapse(post));
    if post_cut {
        post_s.push_str(" …");
    }
    json!({
        "doc": p.doc,
        "sentence": p.sentence,
        "pre": pre_s,
        "text": collapse(&p.text),
        "post": post_s,
        "order": order,
    })
}
