//! Mention records as Arrow record batches: one column per record field, typed, in record
//! order ([`MENTION_COLUMNS`], the one list to extend when the record gains a field), and last
//! the record's own JSON line ([`RECORD_COLUMN`]), so that a consumer writes `entities.jsonl`
//! byte for byte without formatting anything. The batches are filled from the JSON lines the
//! workers formatted (see `record`), so both outputs come from the same bytes.

use arrow_array::builder::{BooleanBuilder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::Write;
use std::sync::Arc;

/// The Arrow type of a record field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A string (Utf8).
    Str,
    /// An offset or index (Int64, which Spark reads as `long`).
    Int,
    /// A flag (Boolean).
    Bool,
    /// A list of strings (List of Utf8), such as `alternatives`.
    StrList,
}

/// The fields of a mention record as Arrow columns, in record order (CONTRACT "Output folder").
/// A field that a record does not carry (the DATE fields of a name, `relative` when false) is
/// null in its row. Adding a field to the record is adding its line here.
pub(crate) const MENTION_COLUMNS: &[(&str, Kind)] = &[
    ("doc", Kind::Str),
    ("id", Kind::Str),
    ("type", Kind::Str),
    ("name", Kind::Str),
    ("text", Kind::Str),
    ("start", Kind::Int),
    ("end", Kind::Int),
    ("byte_start", Kind::Int),
    ("byte_end", Kind::Int),
    ("sentence", Kind::Int),
    ("alias", Kind::Str),
    ("match", Kind::Str),
    ("alternatives", Kind::StrList),
    ("value", Kind::Str),
    ("start_date", Kind::Str),
    ("end_date", Kind::Str),
    ("relative", Kind::Bool),
];

/// The last column: the record as one JSON line (without its `\n`), as `entities.jsonl` has it.
pub(crate) const RECORD_COLUMN: &str = "record";

/// Rows per record batch written (the last one may be shorter).
pub(crate) const BATCH_ROWS: usize = 8192;

fn data_type(k: Kind) -> DataType {
    match k {
        Kind::Str => DataType::Utf8,
        Kind::Int => DataType::Int64,
        Kind::Bool => DataType::Boolean,
        Kind::StrList => DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
    }
}

/// The schema of the mention batches: [`MENTION_COLUMNS`], then [`RECORD_COLUMN`].
pub(crate) fn mention_schema() -> SchemaRef {
    let mut fields: Vec<Field> = MENTION_COLUMNS
        .iter()
        .map(|&(name, k)| Field::new(name, data_type(k), true))
        .collect();
    fields.push(Field::new(RECORD_COLUMN, DataType::Utf8, false));
    Arc::new(Schema::new(fields))
}

enum Column {
    Str(StringBuilder),
    Int(Int64Builder),
    Bool(BooleanBuilder),
    StrList(ListBuilder<StringBuilder>),
}

impl Column {
    fn new(k: Kind) -> Self {
        match k {
            Kind::Str => Column::Str(StringBuilder::new()),
            Kind::Int => Column::Int(Int64Builder::new()),
            Kind::Bool => Column::Bool(BooleanBuilder::new()),
            Kind::StrList => Column::StrList(ListBuilder::new(StringBuilder::new())),
        }
    }

    fn append_null(&mut self) {
        match self {
            Column::Str(b) => b.append_null(),
            Column::Int(b) => b.append_null(),
            Column::Bool(b) => b.append_null(),
            Column::StrList(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Str(b) => Arc::new(b.finish()),
            Column::Int(b) => Arc::new(b.finish()),
            Column::Bool(b) => Arc::new(b.finish()),
            Column::StrList(b) => Arc::new(b.finish()),
        }
    }
}

/// The rows of one record batch being filled.
pub(crate) struct MentionBatch {
    schema: SchemaRef,
    columns: Vec<Column>,
    /// Which columns the record being read has set.
    set: Vec<bool>,
    record: StringBuilder,
    rows: usize,
    /// Bytes of JSON in the batch.
    bytes: usize,
}

impl Default for MentionBatch {
    fn default() -> Self {
        Self::new()
    }
}

impl MentionBatch {
    /// An empty batch.
    pub(crate) fn new() -> Self {
        MentionBatch {
            schema: mention_schema(),
            columns: MENTION_COLUMNS
                .iter()
                .map(|&(_, k)| Column::new(k))
                .collect(),
            set: vec![false; MENTION_COLUMNS.len()],
            record: StringBuilder::new(),
            rows: 0,
            bytes: 0,
        }
    }

    /// Rows so far.
    pub(crate) fn len(&self) -> usize {
        self.rows
    }

    /// True when no row was added since the last [`MentionBatch::finish`].
    pub(crate) fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Adds one mention record, a JSON line without its `\n`. A key that is no column is an
    /// error (the record gained a field that [`MENTION_COLUMNS`] lacks); after an error the
    /// batch is not to be used.
    pub(crate) fn push(&mut self, line: &[u8]) -> Result<(), String> {
        let text = std::str::from_utf8(line).map_err(|e| format!("record: {e}"))?;
        self.set.iter_mut().for_each(|s| *s = false);
        let mut de = serde_json::Deserializer::from_str(text);
        Row(self)
            .deserialize(&mut de)
            .and_then(|()| de.end())
            .map_err(|e| format!("record {text}: {e}"))?;
        for (c, set) in self.columns.iter_mut().zip(&self.set) {
            if !set {
                c.append_null();
            }
        }
        self.record.append_value(text);
        self.rows += 1;
        self.bytes += line.len();
        Ok(())
    }

    /// The rows added so far as a record batch; the batch starts empty again.
    pub(crate) fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let mut arrays: Vec<ArrayRef> = self.columns.iter_mut().map(Column::finish).collect();
        arrays.push(Arc::new(self.record.finish()));
        self.rows = 0;
        self.bytes = 0;
        RecordBatch::try_new(self.schema.clone(), arrays)
    }
}

/// Reads one record's map into the columns.
struct Row<'a>(&'a mut MentionBatch);

impl<'de> DeserializeSeed<'de> for Row<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Row<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mention record (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.0;
        while let Some(i) = map.next_key_seed(Key)? {
            match (b.columns.get_mut(i), b.set.get_mut(i)) {
                (Some(col), Some(set)) if !*set => {
                    *set = true;
                    map.next_value_seed(Cell(col))?;
                }
                _ => return Err(A::Error::custom("a field given twice")),
            }
        }
        Ok(())
    }
}

/// A key: the index of its column.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Key {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<usize, E> {
        MENTION_COLUMNS
            .iter()
            .position(|(name, _)| *name == v)
            .ok_or_else(|| E::custom(format!("field `{v}` has no Arrow column (MENTION_COLUMNS)")))
    }
}

/// A value, appended to its column.
struct Cell<'a>(&'a mut Column);

impl<'de> DeserializeSeed<'de> for Cell<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Cell<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value of the column's type")
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.0.append_null();
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        match self.0 {
            Column::Str(b) => {
                b.append_value(v);
                Ok(())
            }
            _ => Err(E::custom("a string in a column of another type")),
        }
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        let v = i64::try_from(v).map_err(E::custom)?;
        self.visit_i64(v)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        match self.0 {
            Column::Int(b) => {
                b.append_value(v);
                Ok(())
            }
            _ => Err(E::custom("a number in a column of another type")),
        }
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        match self.0 {
            Column::Bool(b) => {
                b.append_value(v);
                Ok(())
            }
            _ => Err(E::custom("a boolean in a column of another type")),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Column::StrList(b) = self.0 else {
            return Err(A::Error::custom("a list in a column of another type"));
        };
        while let Some(s) = seq.next_element::<std::borrow::Cow<'de, str>>()? {
            b.values().append_value(s);
        }
        b.append(true);
        Ok(())
    }
}

/// Writes mention records as an Arrow IPC stream: the schema first (also when no record
/// follows), batches of [`BATCH_ROWS`] rows, and the end-of-stream marker on
/// [`MentionWriter::finish`].
pub(crate) struct MentionWriter<W: Write> {
    ipc: StreamWriter<W>,
    batch: MentionBatch,
}

fn io_error(e: ArrowError) -> std::io::Error {
    match e {
        ArrowError::IoError(_, e) => e,
        e => std::io::Error::other(e),
    }
}

impl<W: Write> MentionWriter<W> {
    /// Starts the stream (writes the schema).
    pub(crate) fn new(w: W) -> std::io::Result<Self> {
        let batch = MentionBatch::new();
        let ipc = StreamWriter::try_new(w, &batch.schema).map_err(io_error)?;
        Ok(MentionWriter { ipc, batch })
    }

    /// Adds the records of `lines` (JSON lines, each ending in `\n`), writing every batch that
    /// fills up.
    pub(crate) fn write_lines(&mut self, lines: &[u8]) -> std::io::Result<()> {
        for line in lines.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            self.batch
                .push(line)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            if self.batch.len() >= BATCH_ROWS || self.batch.bytes >= 32 << 20 {
                self.write_batch()?;
            }
        }
        Ok(())
    }

    fn write_batch(&mut self) -> std::io::Result<()> {
        let b = self.batch.finish().map_err(io_error)?;
        self.ipc.write(&b).map_err(io_error)
    }

    /// Writes the last batch and the end of the stream, and gives the writer back (flushed).
    pub(crate) fn finish(mut self) -> std::io::Result<W> {
        if !self.batch.is_empty() {
            self.write_batch()?;
        }
        self.ipc.finish().map_err(io_error)?;
        let mut w = self.ipc.into_inner().map_err(io_error)?;
        w.flush()?;
        Ok(w)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    use arrow_array::Array;
    use arrow_ipc::reader::StreamReader;

    const NAME: &str = r#"{"doc":"a.txt","id":"person:x","type":"PERSON","name":"X \"Y\"","text":"Ю","start":3,"end":4,"byte_start":3,"byte_end":5,"sentence":0}"#;
    const DATE: &str = r#"{"doc":"a.txt","id":"date:2024-03","type":"DATE","name":"2024-03","text":"March","start":9,"end":14,"byte_start":10,"byte_end":15,"sentence":1,"value":"2024-03","start_date":"2024-03-01","end_date":null,"relative":true}"#;

    fn round_trip(lines: &str) -> Vec<RecordBatch> {
        let mut w = MentionWriter::new(Vec::new()).unwrap();
        w.write_lines(lines.as_bytes()).unwrap();
        let bytes = w.finish().unwrap();
        let r = StreamReader::try_new(bytes.as_slice(), None).unwrap();
        assert_eq!(r.schema(), mention_schema());
        r.map(|b| b.unwrap()).collect()
    }

    #[test]
    fn records_become_typed_columns_and_their_own_line() {
        let b = round_trip(&format!("{NAME}\n{DATE}\n"));
        assert_eq!(b.len(), 1);
        let b = &b[0];
        assert_eq!(b.num_rows(), 2);
        let s = |c: &str, i: usize| {
            let a = b.column_by_name(c).unwrap().as_string::<i32>();
            (!a.is_null(i)).then(|| a.value(i).to_string())
        };
        let n = |c: &str, i: usize| {
            b.column_by_name(c)
                .unwrap()
                .as_primitive::<Int64Type>()
                .value(i)
        };
        assert_eq!(s("name", 0).as_deref(), Some("X \"Y\""));
        assert_eq!(s("text", 0).as_deref(), Some("Ю"));
        assert_eq!(
            (n("start", 0), n("byte_end", 0), n("sentence", 1)),
            (3, 5, 1)
        );
        // The fields a record does not carry are null; a JSON null is null.
        assert_eq!(s("value", 0), None);
        assert_eq!(s("start_date", 1).as_deref(), Some("2024-03-01"));
        assert_eq!(s("end_date", 1), None);
        let rel = b.column_by_name("relative").unwrap().as_boolean();
        assert!(rel.is_null(0) && rel.value(1));
        assert_eq!(s(RECORD_COLUMN, 0).as_deref(), Some(NAME));
        assert_eq!(s(RECORD_COLUMN, 1).as_deref(), Some(DATE));
    }

    #[test]
    fn an_empty_stream_still_has_the_schema() {
        assert!(round_trip("").is_empty());
    }

    #[test]
    fn batches_hold_at_most_batch_rows() {
        let lines = format!("{NAME}\n").repeat(BATCH_ROWS + 3);
        let sizes: Vec<usize> = round_trip(&lines).iter().map(|b| b.num_rows()).collect();
        assert_eq!(sizes, vec![BATCH_ROWS, 3]);
    }

    #[test]
    fn a_field_without_a_column_is_an_error() {
        let mut b = MentionBatch::new();
        let e = b.push(br#"{"doc":"a","cues":["x"]}"#).unwrap_err();
        assert!(e.contains("`cues` has no Arrow column"), "{e}");
        assert!(MentionBatch::new()
            .push(br#"{"doc":"a","doc":"b"}"#)
            .is_err());
        assert!(MentionBatch::new().push(br#"{"start":"3"}"#).is_err());
    }

    #[test]
    fn string_lists_are_list_columns() {
        let mut b = MentionBatch::new();
        let mut col = Column::new(Kind::StrList);
        let mut de = serde_json::Deserializer::from_str(r#"["a","b\"c"]"#);
        Cell(&mut col).deserialize(&mut de).unwrap();
        let mut de = serde_json::Deserializer::from_str("null");
        Cell(&mut col).deserialize(&mut de).unwrap();
        let a = col.finish();
        let l = a.as_list::<i32>();
        assert_eq!(l.len(), 2);
        assert!(l.is_null(1));
        let v = l.value(0);
        let v = v.as_string::<i32>();
        assert_eq!((v.value(0), v.value(1)), ("a", "b\"c"));
        assert_eq!(
            data_type(Kind::StrList),
            a.data_type().clone(),
            "the schema's list type is the builder's"
        );
        assert!(b.finish().unwrap().num_rows() == 0);
    }
}
