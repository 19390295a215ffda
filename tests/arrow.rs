//! Arrow in and out (`--input-format arrow`, `--stdout-format arrow`): the same documents as
//! an Arrow stream and as JSONL give the same records and tables, and every field of every
//! record is a typed column.

use crate::util::{gazex, tmp, write};
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use serde_json::Value;
use std::sync::Arc;

/// (id, text, date) of the test documents: names, absolute and relative dates, a document
/// with nothing to find, characters beyond ASCII.
type Doc = (&'static str, &'static str, Option<&'static str>);
const DOCS: [Doc; 4] = [
    (
        "a",
        "The United Nations met in Kabul on 3 March 2024. Two days later the Taliban left Kabul.",
        Some("2024-03-01"),
    ),
    ("b", "Nothing here.", None),
    (
        "c",
        "Ürümqi and Kabul, yesterday: the United Nations and the Taliban again.",
        Some("2023-12-31"),
    ),
    ("d", "In 2019 the Taliban met the United Nations.", None),
];

fn arrow_stream() -> Vec<u8> {
    let col = |f: fn(&Doc) -> Option<&'static str>| -> ArrayRef {
        Arc::new(StringArray::from(DOCS.iter().map(f).collect::<Vec<_>>()))
    };
    let b = RecordBatch::try_from_iter([
        ("id", col(|d| Some(d.0))),
        ("text", col(|d| Some(d.1))),
        ("date", col(|d| d.2)),
    ])
    .unwrap();
    let mut w = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &b.schema()).unwrap();
    // Two batches: documents run across batch ends.
    w.write(&b.slice(0, 1)).unwrap();
    w.write(&b.slice(1, 3)).unwrap();
    w.into_inner().unwrap()
}

fn jsonl_docs() -> String {
    DOCS.iter()
        .map(|(id, text, date)| {
            serde_json::json!({"id": id, "text": text, "date": date}).to_string() + "\n"
        })
        .collect()
}

/// The value of row `i` of column `a` as JSON (null when null).
fn cell(a: &ArrayRef, i: usize) -> Value {
    if a.is_null(i) {
        return Value::Null;
    }
    if let Some(s) = a.as_string_opt::<i32>() {
        return Value::from(s.value(i));
    }
    if let Some(n) = a.as_primitive_opt::<Int64Type>() {
        return Value::from(n.value(i));
    }
    if let Some(b) = a.as_boolean_opt() {
        return Value::from(b.value(i));
    }
    let l = a.as_list::<i32>().value(i);
    let s = l.as_string::<i32>();
    Value::from((0..s.len()).map(|k| s.value(k)).collect::<Vec<_>>())
}

#[test]
fn arrow_in_and_out_give_the_records_and_tables_of_jsonl() {
    let d = tmp();
    let input = write(d.path(), "docs.jsonl", jsonl_docs());
    let (a, j) = (d.path().join("arrow"), d.path().join("jsonl"));
    let run = |args: &[&str]| {
        let mut c = gazex();
        c.args(["extract", "-j", "1", "-q", "--window", "3"])
            .args(args);
        c
    };
    run(&["-o", j.to_str().unwrap(), input.to_str().unwrap()])
        .assert()
        .success();
    let out = run(&[
        "--input-format",
        "arrow",
        "--stdout",
        "--stdout-format",
        "arrow",
        "-o",
        a.to_str().unwrap(),
        "-",
    ])
    .write_stdin(arrow_stream())
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["entities.tsv", "cooccurrence.tsv"] {
        let (x, y) = (std::fs::read(j.join(f)), std::fs::read(a.join(f)));
        assert_eq!(x.unwrap(), y.unwrap(), "{f}");
    }
    let want = std::fs::read_to_string(j.join("entities.jsonl")).unwrap();
    let r = arrow_ipc::reader::StreamReader::try_new(out.stdout.as_slice(), None).unwrap();
    let (mut lines, mut kinds) = (String::new(), std::collections::BTreeSet::new());
    for b in r {
        let b = b.unwrap();
        let record = b.column_by_name("record").unwrap().as_string::<i32>();
        for i in 0..b.num_rows() {
            lines.push_str(record.value(i));
            lines.push('\n');
            // Every field of the record is its column's value; every other column is null.
            let rec: serde_json::Map<String, Value> =
                serde_json::from_str(record.value(i)).unwrap();
            for (f, col) in b.schema().fields().iter().zip(b.columns()) {
                if f.name() != "record" {
                    let v = rec.get(f.name()).cloned().unwrap_or(Value::Null);
                    assert_eq!(cell(col, i), v, "{} of {}", f.name(), record.value(i));
                }
            }
            let is_relative = rec.get("relative") == Some(&Value::Bool(true));
            kinds.insert((rec["type"].as_str().unwrap().to_string(), is_relative));
        }
    }
    assert_eq!(
        lines, want,
        "the record column is entities.jsonl, byte for byte"
    );
    // The documents hold names, dates and relative dates, so every kind of record was seen.
    assert!(kinds.contains(&("DATE".into(), true)), "{kinds:?}");
    assert!(kinds.contains(&("DATE".into(), false)), "{kinds:?}");
    assert!(kinds.iter().any(|k| k.0 != "DATE"), "{kinds:?}");
}

#[test]
fn arrow_input_with_jsonl_output_and_flags_checked() {
    let out = gazex()
        .args(["extract", "-q", "--input-format", "arrow", "--stdout", "-"])
        .write_stdin(arrow_stream())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("{\"doc\":\"c\"")),
        "{text}"
    );
    // --stdout-format needs --stdout.
    gazex()
        .args(["extract", "--stdout-format", "arrow", "-"])
        .assert()
        .code(2);
}
