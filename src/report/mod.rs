//! Report: one self-contained HTML page over an output folder of `gazex extract`, for an
//! analyst to look at: the run summary (`manifest.json`), the top entities per type, the
//! co-occurrence network (`cooccurrence.tsv`), a timeline of DATE mentions by year and month,
//! and for a chosen entity its documents and sentence snippets.
//!
//! The page works offline: the style sheet and the script (plain JavaScript drawing SVG, no
//! library) are inlined from `src/report/`, and the data is one JSON block
//! (`<script type="application/json">`, every `<` written `\u003c` so no text can close it).
//!
//! The data is bounded whatever the corpus size: the network keeps the `max_nodes` entities
//! found in most documents and the `max_edges` strongest pairs among them; snippets are kept
//! for those entities and the top entities per type only, a few per entity. Snippets need the
//! document texts, which the output folder does not hold: they are read back from the sources
//! named in `documents.jsonl` (a text file, or `FILE:LINE` of a JSONL file) or from the inputs
//! given in [`Options::docs`]; when a text cannot be found, its snippets are left out and the
//! page says so. This module reads and renders; it does not extract.

mod data;
mod snippets;

pub(crate) use data::build;

use std::path::PathBuf;

const TEMPLATE: &str = include_str!("template.html");
const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// What goes into a report.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Entities in the network (those found in most documents, then most mentioned).
    pub(crate) max_nodes: usize,
    /// Pairs in the network (the strongest among those entities).
    pub(crate) max_edges: usize,
    /// Entities listed per type.
    pub(crate) top_per_type: usize,
    /// Snippets kept per entity.
    pub(crate) snippets_per_entity: usize,
    /// Characters of context on each side of a mention in a snippet.
    pub(crate) context_chars: usize,
    /// The inputs of the run, to read the texts from (none: the sources in `documents.jsonl`).
    pub(crate) docs: Vec<PathBuf>,
    /// Page title.
    pub(crate) title: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_nodes: 300,
            max_edges: 4000,
            top_per_type: 25,
            snippets_per_entity: 8,
            context_chars: 110,
            docs: Vec::new(),
            title: None,
        }
    }
}

/// Fills the template: title, style, script and the data block.
pub(crate) fn page(title: &str, data: &serde_json::Value) -> String {
    TEMPLATE
        .replace("{{TITLE}}", &html_escape(title))
        .replace("{{STYLE}}", STYLE)
        .replace("{{SCRIPT}}", SCRIPT)
        .replace("{{DATA}}", &json_for_script(data))
}

/// JSON that is safe inside a `<script>` element: no `<` at all (so no `</script>` or
/// `<!--`), and U+2028/U+2029 escaped as well.
pub(crate) fn json_for_script(v: &serde_json::Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(s.len() + s.len() / 50);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cannot_close_the_script() {
        let v = serde_json::json!({"t": "</script><!-- & \u{2028}"});
        let s = json_for_script(&v);
        assert!(!s.contains('<') && !s.contains("\u{2028}"));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
