//! Record: the one place where the JSON Lines schemas live (mention records and document
//! records, CONTRACT "Output folder"). Serialize-only wire types with keys in contract order.
//!
//! A mention record:
//! `{"doc","id","type","name","text","start","end","byte_start","byte_end","sentence"}`,
//! then for an entity mention `"alias"` (the list's spelling the match derives from),
//! `"match"` (`exact`, `folded`, `variant`, `reordered`, `short_form`, `acronym`) and, when
//! the surface also names other entries, `"alternatives": [ids]`;
//! a DATE mention adds `"value"` (EDTF), `"start_date"` and `"end_date"` (first and last calendar
//! day, `YYYY-MM-DD`, or null where the interval is open or the year unknown) and
//! `"relative": true` when resolved against an anchor (the document date or an earlier date).

use crate::document::Document;
use crate::gazetteer::Gazetteer;
use crate::pipeline::{Mention, Processed, Target};
use serde::Serialize;

#[derive(Serialize)]
struct MentionRecord<'a> {
    doc: &'a str,
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    name: &'a str,
    text: &'a str,
    start: usize,
    end: usize,
    byte_start: usize,
    byte_end: usize,
    sentence: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    alias: Option<&'a str>,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    how: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    alternatives: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<Option<String>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    relative: bool,
}

/// The id, type and name of a mention's entity.
pub(crate) fn identity<'a>(
    m: &'a Mention,
    g: &'a Gazetteer,
    date_id: &'a mut String,
) -> (&'a str, &'a str, &'a str) {
    match &m.target {
        Target::Entry(i) => match g.entries.get(*i as usize) {
            Some(e) => (e.id.as_str(), e.kind.as_str(), e.name.as_str()),
            None => ("", "", ""),
        },
        Target::Cue(_) => ("", "", ""),
        Target::Date(d) => {
            date_id.clear();
            date_id.push_str("date:");
            date_id.push_str(&d.value);
            (date_id.as_str(), "DATE", d.value.as_str())
        }
    }
}

/// Appends the mention records of a document, one JSON line each, to `out`.
pub fn write_mentions(out: &mut Vec<u8>, doc: &Document, p: &Processed, g: &Gazetteer) {
    write_mentions_in(out, &doc.id, &doc.text, 0, &p.mentions, g);
}

/// Appends the records of `mentions` of document `doc`, one JSON line each, to `out`, where
/// `text` is the part of the document's text that starts at byte `base`.
pub(crate) fn write_mentions_in(
    out: &mut Vec<u8>,
    doc: &str,
    text: &str,
    base: usize,
    mentions: &[Mention],
    g: &Gazetteer,
) {
    let mut date_id = String::new();
    for m in mentions {
        let text = m
            .byte_start
            .checked_sub(base)
            .zip(m.byte_end.checked_sub(base))
            .and_then(|(s, e)| text.get(s..e))
            .unwrap_or("");
        let (date, entry) = match &m.target {
            Target::Date(d) => (Some(d), None),
            Target::Entry(e) => (None, g.entries.get(*e as usize)),
            // Settled before writing; a cue left over names nothing.
            Target::Cue(_) => continue,
        };
        let alias = entry.and_then(|e| e.names.get(m.origin.alias as usize));
        let alternatives = match entry {
            Some(_) => m
                .origin
                .alternatives
                .iter()
                .filter_map(|&a| g.entries.get(a as usize).map(|x| x.id.as_str()))
                .collect(),
            None => Vec::new(),
        };
        let (id, kind, name) = identity(m, g, &mut date_id);
        let rec = MentionRecord {
            doc,
            id,
            kind,
            name,
            text,
            start: m.start,
            end: m.end,
            byte_start: m.byte_start,
            byte_end: m.byte_end,
            sentence: m.sentence,
            alias: alias.map(String::as_str),
            how: entry.map(|_| m.origin.how.as_str()),
            alternatives,
            value: date.map(|d| d.value.as_str()),
            start_date: date.map(|d| d.start_date.map(|x| x.to_string())),
            end_date: date.map(|d| d.end_date.map(|x| x.to_string())),
            relative: date.is_some_and(|d| d.relative),
        };
        if serde_json::to_writer(&mut *out, &rec).is_ok() {
            out.push(b'\n');
        }
    }
}

/// The fields of a document record (`documents.jsonl`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DocumentRecord {
    /// Document id.
    pub(crate) doc: String,
    /// Where it came from.
    pub(crate) source: String,
    /// Bytes read.
    pub(crate) bytes: u64,
    /// Code points of the text.
    pub(crate) chars: usize,
    /// Sentences.
    pub(crate) sentences: usize,
    /// Mentions written.
    pub(crate) mentions: usize,
    /// Warnings.
    pub(crate) warnings: Vec<String>,
}

impl DocumentRecord {
    /// The record of a processed document.
    pub(crate) fn new(doc: &Document, p: &Processed) -> Self {
        DocumentRecord {
            doc: doc.id.clone(),
            source: doc.source.clone(),
            bytes: doc.bytes,
            chars: p.chars,
            sentences: p.sentences,
            mentions: p.mentions.len(),
            warnings: doc.warnings.clone(),
        }
    }

    /// Appends the record as one JSON line to `out`.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        if serde_json::to_writer(&mut *out, self).is_ok() {
            out.push(b'\n');
        }
    }
}
