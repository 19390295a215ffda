//! Documents from Arrow: an Arrow IPC stream (or an IPC file, read the same way) whose rows
//! are documents, with the id, text and date columns named like the JSONL fields
//! (`--id-field`, `--text-field`, `--date-field`). Like a JSONL line, a row never stops the
//! run: a null text, a bad date, a missing id are warnings on that row's document, and a
//! stream that cannot be read is one skipped document with the reason.

use crate::document::{parse_doc_date, Document, ReadOptions};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_ipc::reader::StreamReader;
use arrow_schema::DataType;
use std::borrow::Cow;
use std::io::{BufRead, Read};

/// The first bytes of an Arrow IPC file; its stream follows them after NUL padding (to 8 or
/// 64 bytes, as the writer aligned it).
const FILE_MAGIC: &[u8; 6] = b"ARROW1";
/// The first bytes of an IPC stream message (its continuation marker).
const STREAM_MARKER: &[u8; 4] = &[0xff; 4];
/// The largest schema message accepted at the start (a guard against reading other data).
const MAX_SCHEMA_BYTES: u32 = 16 << 20;

type Input = Box<dyn Read + Send>;

/// A document that stands for an input that could not be read.
pub(crate) fn skipped(source: String, id: String, why: String) -> Document {
    Document {
        id,
        source,
        warnings: vec![format!("skipped: {why}")],
        ..Document::default()
    }
}

/// The documents of one Arrow input, in row order.
pub(crate) struct ArrowDocuments {
    reader: Option<StreamReader<Input>>,
    columns: Columns,
    batch: Option<RecordBatch>,
    /// Next row of `batch`.
    row: usize,
    /// Rows read before `batch`.
    rows: usize,
    source: String,
    opts: ReadOptions,
    /// A document to give before anything else (why the input cannot be read).
    failed: Option<Document>,
}

/// Where the document fields are in the stream's columns.
#[derive(Debug, Default, Clone, Copy)]
struct Columns {
    id: Option<usize>,
    text: usize,
    date: Option<usize>,
}

impl ArrowDocuments {
    /// Opens `input`, named `source` in warnings (`-` for standard input).
    pub(crate) fn new(
        mut input: Box<dyn BufRead + Send>,
        source: &str,
        opts: &ReadOptions,
    ) -> Self {
        let mut docs = ArrowDocuments {
            reader: None,
            columns: Columns::default(),
            batch: None,
            row: 0,
            rows: 0,
            source: source.to_string(),
            opts: opts.clone(),
            failed: None,
        };
        let opened = skip_file_magic(&mut input)
            .and_then(|()| StreamReader::try_new(input as Input, None).map_err(|e| e.to_string()));
        let found = opened.and_then(|r| {
            let c = find_columns(&r, opts)?;
            Ok((r, c))
        });
        match found {
            Ok((r, c)) => {
                docs.reader = Some(r);
                docs.columns = c;
            }
            Err(why) => docs.failed = Some(skipped(source.into(), source.into(), why)),
        }
        docs
    }

    /// The document of row `i` of `b`.
    fn document(&self, b: &RecordBatch, i: usize) -> Document {
        let c = self.columns;
        let mut doc = Document {
            source: "arrow".into(),
            ..Document::default()
        };
        let row = self.rows + i + 1;
        doc.id = match c.id.and_then(|k| cell(b.column(k), i)) {
            Some(id) => id.into_owned(),
            None => {
                doc.warnings.push(format!(
                    "no `{}` value: id taken from the row",
                    self.opts.id_field
                ));
                format!("{}:{row}", self.source)
            }
        };
        if let Some(s) = c.date.and_then(|k| cell(b.column(k), i)) {
            if !s.trim().is_empty() {
                match parse_doc_date(&s) {
                    Some(d) => doc.date = Some(d),
                    None => doc
                        .warnings
                        .push(format!("date `{s}` is not a YYYY-MM-DD date: ignored")),
                }
            }
        }
        let Some(text) = cell(b.column(c.text), i) else {
            doc.warnings.push(format!(
                "skipped: `{}` is null in row {row}",
                self.opts.text_field
            ));
            return doc;
        };
        doc.bytes = text.len() as u64;
        let max = self.opts.max_doc_bytes;
        let mut cut = text.len().min(max);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut < text.len() {
            doc.warnings
                .push(format!("truncated at {max} bytes (--max-doc-bytes)"));
        }
        doc.text = text.get(..cut).unwrap_or_default().to_string();
        doc
    }
}

impl Iterator for ArrowDocuments {
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        if let Some(d) = self.failed.take() {
            return Some(d);
        }
        loop {
            if let Some(b) = &self.batch {
                if self.row < b.num_rows() {
                    let d = self.document(b, self.row);
                    self.row += 1;
                    return Some(d);
                }
                self.rows += b.num_rows();
                self.batch = None;
            }
            match self.reader.as_mut()?.next() {
                Some(Ok(b)) => {
                    self.batch = Some(b);
                    self.row = 0;
                }
                Some(Err(e)) => {
                    self.reader = None;
                    let at = format!("{}:{}", self.source, self.rows + 1);
                    let mut d = skipped(self.source.clone(), at, String::new());
                    d.warnings = vec![format!("stopped reading the Arrow stream: {e}")];
                    return Some(d);
                }
                None => {
                    self.reader = None;
                    return None;
                }
            }
        }
    }
}

/// Skips the magic of an IPC file, and checks that a stream starts where it should.
fn skip_file_magic(input: &mut Box<dyn BufRead + Send>) -> Result<(), String> {
    let head = input.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
    if head.starts_with(FILE_MAGIC) {
        input.consume(FILE_MAGIC.len());
        let pad = input
            .fill_buf()
            .map_err(|e| format!("cannot read: {e}"))?
            .iter()
            .take(64 - FILE_MAGIC.len())
            .take_while(|&&b| b == 0)
            .count();
        input.consume(pad);
    }
    let head = input.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
    let len = head
        .get(4..8)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_le_bytes);
    match len {
        Some(n) if head.starts_with(STREAM_MARKER) && n > 0 && n <= MAX_SCHEMA_BYTES => Ok(()),
        _ if head.is_empty() => Err("empty input: not an Arrow IPC stream".into()),
        _ => Err("not an Arrow IPC stream (no schema message at the start)".into()),
    }
}

/// A string column, or one that is only nulls (what pyarrow infers from Python's `None`s).
fn is_text(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
    )
}

fn is_integer(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int32 | DataType::Int64 | DataType::UInt32 | DataType::UInt64
    )
}

/// The columns of the document fields, or why the stream has no documents.
fn find_columns(r: &StreamReader<Input>, opts: &ReadOptions) -> Result<Columns, String> {
    let schema = r.schema();
    let find = |name: &str, ok: &dyn Fn(&DataType) -> bool| -> Result<Option<usize>, String> {
        let Ok(i) = schema.index_of(name) else {
            return Ok(None);
        };
        let t = schema.field(i).data_type();
        if ok(t) {
            Ok(Some(i))
        } else {
            Err(format!("column `{name}` is {t}, not a string"))
        }
    };
    let text = find(&opts.text_field, &is_text)?.ok_or_else(|| {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        format!(
            "no `{}` column in the Arrow stream (columns: {})",
            opts.text_field,
            names.join(", ")
        )
    })?;
    Ok(Columns {
        id: find(&opts.id_field, &|t| is_text(t) || is_integer(t))?,
        text,
        date: find(&opts.date_field, &is_text)?,
    })
}

/// The value of row `i` of a string (or, for ids, integer) column; None when null.
fn cell(a: &ArrayRef, i: usize) -> Option<Cow<'_, str>> {
    if a.is_null(i) {
        return None;
    }
    if let Some(s) = a.as_string_opt::<i32>() {
        return Some(s.value(i).into());
    }
    if let Some(s) = a.as_string_opt::<i64>() {
        return Some(s.value(i).into());
    }
    if let Some(s) = a.as_string_view_opt() {
        return Some(s.value(i).into());
    }
    let n = if let Some(n) = a.as_primitive_opt::<Int64Type>() {
        n.value(i).to_string()
    } else if let Some(n) = a.as_primitive_opt::<Int32Type>() {
        n.value(i).to_string()
    } else if let Some(n) = a.as_primitive_opt::<UInt64Type>() {
        n.value(i).to_string()
    } else {
        a.as_primitive_opt::<UInt32Type>()?.value(i).to_string()
    };
    Some(n.into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use arrow_array::{Int64Array, StringArray};
    use arrow_ipc::writer::{FileWriter, StreamWriter};
    use std::sync::Arc;

    /// A batch whose columns are all nullable (so that batches of one stream share a schema).
    fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter_with_nullable(cols.into_iter().map(|(n, a)| (n, a, true)))
            .unwrap()
    }

    fn stream(batches: &[RecordBatch]) -> Vec<u8> {
        let mut w = StreamWriter::try_new(Vec::new(), &batches[0].schema()).unwrap();
        for b in batches {
            w.write(b).unwrap();
        }
        w.into_inner().unwrap()
    }

    fn read(bytes: Vec<u8>, opts: &ReadOptions) -> Vec<Document> {
        ArrowDocuments::new(Box::new(std::io::Cursor::new(bytes)), "-", opts).collect()
    }

    fn strings(v: Vec<Option<&str>>) -> ArrayRef {
        Arc::new(StringArray::from(v))
    }

    #[test]
    fn rows_are_documents_across_batches() {
        let b1 = batch(vec![
            ("id", strings(vec![Some("a"), None])),
            ("text", strings(vec![Some("Kabul"), Some("Ürümqi")])),
            ("date", strings(vec![Some("2024-03-01"), Some("soon")])),
        ]);
        let b2 = batch(vec![
            ("id", strings(vec![Some("c")])),
            ("text", strings(vec![None])),
            ("date", strings(vec![None])),
        ]);
        let docs = read(stream(&[b1, b2]), &ReadOptions::default());
        assert_eq!(docs.len(), 3);
        assert_eq!((docs[0].id.as_str(), docs[0].text.as_str()), ("a", "Kabul"));
        assert_eq!(
            docs[0].date.map(|d| d.to_string()).as_deref(),
            Some("2024-03-01")
        );
        assert!(docs[0].warnings.is_empty());
        assert_eq!(docs[0].source, "arrow");
        // A null id is taken from the row; a bad date is a warning.
        assert_eq!(docs[1].id, "-:2");
        assert_eq!(docs[1].text, "Ürümqi");
        assert_eq!(docs[1].bytes, "Ürümqi".len() as u64);
        assert_eq!(docs[1].warnings.len(), 2, "{:?}", docs[1].warnings);
        // A null text is a skipped document that still counts.
        assert_eq!(docs[2].id, "c");
        assert!(docs[2].warnings[0].contains("`text` is null in row 3"));
    }

    #[test]
    fn other_names_integer_ids_and_long_texts() {
        let b = batch(vec![
            ("doc_id", Arc::new(Int64Array::from(vec![7])) as ArrayRef),
            ("body", strings(vec![Some("añb")])),
            ("date", Arc::new(arrow_array::NullArray::new(1)) as ArrayRef),
        ]);
        let opts = ReadOptions {
            id_field: "doc_id".into(),
            text_field: "body".into(),
            max_doc_bytes: 2,
            ..ReadOptions::default()
        };
        let docs = read(stream(&[b]), &opts);
        assert_eq!((docs[0].id.as_str(), docs[0].text.as_str()), ("7", "a"));
        assert_eq!(docs[0].warnings, ["truncated at 2 bytes (--max-doc-bytes)"]);
    }

    #[test]
    fn an_ipc_file_reads_like_a_stream() {
        let b = batch(vec![("text", strings(vec![Some("x"), Some("y")]))]);
        let mut w = FileWriter::try_new(Vec::new(), &b.schema()).unwrap();
        w.write(&b).unwrap();
        w.finish().unwrap();
        let bytes = w.into_inner().unwrap();
        let docs = read(bytes, &ReadOptions::default());
        let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["x", "y"], "{:?}", docs[0].warnings);
    }

    #[test]
    fn unreadable_streams_are_one_skipped_document() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"{\"text\":\"x\"}\n".to_vec(), "not an Arrow IPC stream"),
            (Vec::new(), "empty input"),
            (
                stream(&[batch(vec![("body", strings(vec![Some("x")]))])]),
                "no `text` column in the Arrow stream (columns: body)",
            ),
            (
                stream(&[batch(vec![(
                    "text",
                    Arc::new(Int64Array::from(vec![1])) as ArrayRef,
                )])]),
                "column `text` is Int64, not a string",
            ),
        ];
        for (bytes, want) in cases {
            let docs = read(bytes, &ReadOptions::default());
            assert_eq!(docs.len(), 1);
            assert!(docs[0].warnings[0].contains(want), "{:?}", docs[0].warnings);
            assert!(docs[0].text.is_empty());
        }
    }

    #[test]
    fn a_truncated_stream_keeps_the_rows_before_the_damage() {
        let b = batch(vec![("text", strings(vec![Some("x")]))]);
        let mut bytes = stream(&[b.clone(), b]);
        bytes.truncate(bytes.len() - 10);
        let docs = read(bytes, &ReadOptions::default());
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].text, "x");
        assert!(docs[1].warnings[0].starts_with("stopped reading the Arrow stream"));
    }
}
