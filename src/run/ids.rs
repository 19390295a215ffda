//! Document ids, unique within a run: the writer sees every document in input order and gives
//! one whose id an earlier document took (two JSONL lines with one id, a JSONL id equal to a
//! file's) the first free `ID#2`, `ID#3`, ..., with a warning, rewriting its mention records.
//! File ids are made unique when the inputs are listed (`corpus`); their warning is added here.

use crate::record::DocumentRecord;
use std::collections::{HashMap, HashSet};

/// The ids seen so far in a run, and the warnings of files renamed when listed.
pub(super) struct DocIds {
    seen: HashSet<String>,
    renamed: HashMap<String, String>,
}

impl DocIds {
    /// Ids written before (a resumed run's), and the files renamed by the listing.
    pub(super) fn new(seen: HashSet<String>, renamed: HashMap<String, String>) -> Self {
        DocIds { seen, renamed }
    }

    /// Makes the id of `rec` unique, its mention records `mentions` following. `whole` is
    /// false when part of the document's records was written already (a long text read in
    /// chunks): such a document keeps its id, with a warning.
    pub(super) fn admit(&mut self, rec: &mut DocumentRecord, mentions: &mut Vec<u8>, whole: bool) {
        if let Some(w) = self.renamed.get(&rec.doc) {
            rec.warnings.push(w.clone());
        }
        if self.seen.insert(rec.doc.clone()) {
            return;
        }
        if !whole {
            rec.warnings
                .push(format!("duplicate document id `{}`", rec.doc));
            return;
        }
        let old = std::mem::take(&mut rec.doc);
        let new = (2..)
            .map(|n| format!("{old}#{n}"))
            .find(|c| !self.seen.contains(c))
            .unwrap_or_default();
        rec.warnings.push(format!(
            "duplicate document id `{old}`: this document is `{new}`"
        ));
        *mentions = renamed_records(mentions, &old, &new);
        self.seen.insert(new.clone());
        rec.doc = new;
    }
}

/// Mention records (JSON lines that begin with their `doc`) with `old` replaced by `new`.
fn renamed_records(mentions: &[u8], old: &str, new: &str) -> Vec<u8> {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let from = format!("{{\"doc\":{},", quoted(old));
    let to = format!("{{\"doc\":{},", quoted(new));
    let mut out = Vec::with_capacity(mentions.len() + mentions.len() / 8);
    for line in mentions.split_inclusive(|&b| b == b'\n') {
        match line.strip_prefix(from.as_bytes()) {
            Some(rest) => {
                out.extend_from_slice(to.as_bytes());
                out.extend_from_slice(rest);
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rec(id: &str) -> DocumentRecord {
        DocumentRecord {
            doc: id.into(),
            source: "jsonl".into(),
            bytes: 0,
            chars: 0,
            sentences: 0,
            mentions: 0,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_repeated_id_gets_the_next_free_number() {
        let mut ids = DocIds::new(HashSet::new(), HashMap::new());
        let mut m = Vec::new();
        ids.admit(&mut rec("a\"1"), &mut m, true);
        let mut r = rec("a\"1#2");
        ids.admit(&mut r, &mut m, true);
        assert!(r.warnings.is_empty());
        let mut r = rec("a\"1");
        let mut m =
            b"{\"doc\":\"a\\\"1\",\"id\":\"x\"}\n{\"doc\":\"a\\\"1\",\"id\":\"y\"}\n".to_vec();
        ids.admit(&mut r, &mut m, true);
        assert_eq!(r.doc, "a\"1#3");
        assert!(r.warnings[0].contains("duplicate"));
        let text = String::from_utf8(m).unwrap();
        assert_eq!(text.matches("\"doc\":\"a\\\"1#3\"").count(), 2, "{text}");
    }
}
