//! JSONL and text document reading: any bytes as a JSONL file (line by line) and as a text
//! file. Invariants: no panic; a skipped line has a warning naming its file and line; a read
//! document respects the size limit; the pipeline's mentions on it slice back to their text.
#![no_main]

use gazex::internals::{decode_into, parse_jsonl_line, ReadOptions};
use gazex::{Document, Gazetteer, Pipeline};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static PIPE: OnceLock<Option<Pipeline>> = OnceLock::new();

fn pipeline() -> Option<&'static Pipeline> {
    PIPE.get_or_init(|| {
        let g = Gazetteer::from_tsv(
            "f.tsv",
            "id\ttype\tname\taliases\nplace:kaluga\tPLACE\tKaluga\tKaluga Oblast\n\
             person:k\tPERSON\tGulmurod Khalimov\tKhalimov|Халимов\norg:un\tORG\tUN\t\n",
        )
        .ok()?;
        Pipeline::builder().gazetteer(g).build().ok()
    })
    .as_ref()
}

fn check(doc: &Document) {
    let Some(p) = pipeline() else { return };
    let out = p.process(doc);
    for m in &out.mentions {
        assert!(doc.text.get(m.byte_start..m.byte_end).is_some(), "{m:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions {
        max_doc_bytes: 4096,
        ..ReadOptions::default()
    };
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        let mut warn = String::new();
        match parse_jsonl_line(line, "f.jsonl".into(), i + 1, &opts, &mut warn) {
            Some(doc) => {
                assert!(doc.text.len() <= opts.max_doc_bytes);
                check(&doc);
            }
            None => assert!(warn.starts_with(&format!("f.jsonl:{}:", i + 1)), "{warn}"),
        }
    }
    let mut doc = Document::default();
    decode_into(&mut doc, data.to_vec(), opts.max_doc_bytes);
    if doc.text.is_empty() && !data.is_empty() {
        assert!(!doc.warnings.is_empty(), "text lost without a warning");
    }
    check(&doc);
});
