//! Gazetteer parsing: any bytes as a TSV gazetteer. Invariants: no panic; errors are located
//! in this file at a line that exists; a gazetteer that loads finds mentions in its own text
//! whose offsets lie on char boundaries and slice back to the record text.
#![no_main]

use gazex::{Document, Error, Gazetteer, Pipeline};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count().max(1);
    match Gazetteer::from_tsv("fuzz.tsv", &text) {
        Ok(g) => {
            let Ok(p) = Pipeline::builder().gazetteer(g).build() else {
                return;
            };
            let doc = Document {
                id: "d".into(),
                text: text.replace('\t', " "),
                ..Document::default()
            };
            let out = p.process(&doc);
            let mut last = 0;
            for m in &out.mentions {
                assert!(m.byte_start < m.byte_end, "empty span {m:?}");
                assert!(m.byte_start >= last, "mentions out of order or overlapping");
                last = m.byte_end;
                assert!(
                    doc.text.get(m.byte_start..m.byte_end).is_some(),
                    "not on char boundaries"
                );
            }
        }
        Err(Error::Config(diags)) => {
            assert!(!diags.is_empty());
            for d in diags {
                assert_eq!(d.path, "fuzz.tsv");
                assert!(
                    d.line <= lines + 1,
                    "line {} of {lines}: {}",
                    d.line,
                    d.message
                );
                assert!(!d.message.is_empty());
            }
        }
        Err(e) => panic!("unexpected error kind: {e}"),
    }
});
