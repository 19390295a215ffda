//! Tables: writes `entities.tsv` and `cooccurrence.tsv` from the totals (CONTRACT "Output
//! folder"), with every cell made safe for spreadsheets, and reads them back (for `merge` and
//! `export`). It does not count (see `cooccur`).

use crate::cooccur::{PairCounts, Totals};
use std::io::Write;

/// The header of `entities.tsv` before the attribute columns.
pub const ENTITY_COLUMNS: [&str; 5] = ["id", "type", "name", "mentions", "documents"];

/// The header of `cooccurrence.tsv`.
pub const PAIR_COLUMNS: [&str; 8] = [
    "source",
    "target",
    "source_type",
    "target_type",
    "documents",
    "sentences",
    "window",
    "npmi",
];

/// Makes a cell safe for spreadsheets: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`, so Excel and LibreOffice read it as text (OWASP CSV
/// injection). A cell that already starts with `'` gets one too, so [`unescape_cell`] gives
/// the original back exactly. Numbers written by gazex never need it.
pub fn safe_cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// The inverse of [`safe_cell`]: the text of a cell as gazex wrote it.
pub fn unescape_cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest)
            if matches!(
                rest.as_bytes().first(),
                Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'')
            ) =>
        {
            rest
        }
        _ => s,
    }
}

/// A TSV reader for gazex's tables (header row, no quoting surprises).
pub fn tsv_reader<R: std::io::Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(true)
        .flexible(false)
        .from_reader(r)
}

/// Formats an npmi value as the tables write it (6 decimals, never `-0.000000`).
pub fn format_npmi(v: f64) -> String {
    let s = format!("{v:.6}");
    if s == "-0.000000" {
        "0.000000".into()
    } else {
        s
    }
}

fn tsv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(w)
}

/// Writes `entities.tsv`: one row per distinct entity, most mentioned first, then by id;
/// `columns` are the attribute columns (each entity's `attrs` in that order).
pub fn write_entities<W: Write>(w: W, t: &Totals, columns: &[String]) -> std::io::Result<()> {
    let mut out = tsv_writer(w);
    let header = ENTITY_COLUMNS
        .iter()
        .map(|s| s.to_string())
        .chain(columns.iter().map(|h| safe_cell(h).into_owned()));
    out.write_record(header)?;
    let mut rows: Vec<_> = t.entities.iter().collect();
    rows.sort_by(|a, b| {
        b.1 .1
            .mentions
            .cmp(&a.1 .1.mentions)
            .then_with(|| a.0.cmp(b.0))
    });
    for (id, (info, c)) in rows {
        let mut rec: Vec<String> = vec![
            safe_cell(id).into_owned(),
            safe_cell(&info.kind).into_owned(),
            safe_cell(&info.name).into_owned(),
            c.mentions.to_string(),
            c.documents.to_string(),
        ];
        for col in 0..columns.len() {
            let v = info.attrs.get(col).map_or("", |v| v.as_str());
            rec.push(safe_cell(v).into_owned());
        }
        out.write_record(&rec)?;
    }
    out.flush()
}

/// Writes `cooccurrence.tsv`: one row per pair, by documents descending, then ids, with npmi
/// from the final totals. Takes the pairs out of `t` (merging any spilled runs) and gives the
/// number of rows written.
pub fn write_cooccurrence<W: Write>(w: W, t: &mut Totals) -> std::io::Result<u64> {
    let mut out = tsv_writer(w);
    out.write_record(PAIR_COLUMNS)?;
    let rows = t.into_pairs()?;
    // id -> (type, documents), hashed once instead of two tree look-ups per id and row.
    let index: rustc_hash::FxHashMap<&str, (&str, u64)> = t
        .entities
        .iter()
        .map(|(id, (info, c))| (id.as_str(), (info.kind.as_str(), c.documents)))
        .collect();
    let get = |id: &str| index.get(id).copied().unwrap_or(("", 0));
    let mut n = 0;
    for row in rows {
        let row = row?;
        let ((ka, da), (kb, db)) = (get(&row.a), get(&row.b));
        let npmi = crate::cooccur::npmi(t.documents, da, db, row.c.documents);
        out.write_record([
            safe_cell(&row.a).as_ref(),
            safe_cell(&row.b).as_ref(),
            safe_cell(ka).as_ref(),
            safe_cell(kb).as_ref(),
            &row.c.documents.to_string(),
            &row.c.sentences.to_string(),
            &row.c.window.to_string(),
            &format_npmi(npmi),
        ])?;
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

/// One row of `cooccurrence.tsv` as read back (cells unescaped, npmi as written).
#[derive(Debug, Clone, PartialEq)]
pub struct PairLine {
    /// Source id.
    pub source: String,
    /// Target id.
    pub target: String,
    /// Source type.
    pub source_type: String,
    /// Target type.
    pub target_type: String,
    /// Counts.
    pub counts: PairCounts,
    /// npmi.
    pub npmi: f64,
}

fn bad(what: &str, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{what}: {e}"))
}

impl PairLine {
    /// Parses one record of `cooccurrence.tsv`.
    pub fn parse(r: &csv::StringRecord) -> std::io::Result<Self> {
        let cell = |i: usize| r.get(i).ok_or_else(|| bad("short row", i));
        let num = |i: usize| -> std::io::Result<u64> {
            cell(i)?.parse().map_err(|e| bad(PAIR_COLUMNS[i], e))
        };
        Ok(PairLine {
            source: unescape_cell(cell(0)?).to_string(),
            target: unescape_cell(cell(1)?).to_string(),
            source_type: unescape_cell(cell(2)?).to_string(),
            target_type: unescape_cell(cell(3)?).to_string(),
            counts: PairCounts {
                documents: num(4)?,
                sentences: num(5)?,
                window: num(6)?,
            },
            npmi: cell(7)?.parse().map_err(|e| bad("npmi", e))?,
        })
    }
}

/// Checks that a header is `cooccurrence.tsv`'s.
pub fn check_pair_header(h: &csv::StringRecord) -> std::io::Result<()> {
    if h.iter().eq(PAIR_COLUMNS.iter().copied()) {
        Ok(())
    } else {
        Err(bad(
            "not a cooccurrence.tsv header",
            h.iter().collect::<Vec<_>>().join(" "),
        ))
    }
}

/// One row of `entities.tsv` as read back (cells unescaped).
#[derive(Debug, Clone, PartialEq)]
pub struct EntityLine {
    /// Id.
    pub id: String,
    /// Type.
    pub kind: String,
    /// Canonical name.
    pub name: String,
    /// Mentions.
    pub mentions: u64,
    /// Documents.
    pub documents: u64,
    /// Attribute values, one per attribute column.
    pub attrs: Vec<String>,
}

impl EntityLine {
    /// Parses one record of `entities.tsv`.
    pub fn parse(r: &csv::StringRecord) -> std::io::Result<Self> {
        let cell = |i: usize| r.get(i).ok_or_else(|| bad("short row", i));
        let num = |i: usize| -> std::io::Result<u64> {
            cell(i)?.parse().map_err(|e| bad(ENTITY_COLUMNS[i], e))
        };
        Ok(EntityLine {
            id: unescape_cell(cell(0)?).to_string(),
            kind: unescape_cell(cell(1)?).to_string(),
            name: unescape_cell(cell(2)?).to_string(),
            mentions: num(3)?,
            documents: num(4)?,
            attrs: r
                .iter()
                .skip(ENTITY_COLUMNS.len())
                .map(|c| unescape_cell(c).to_string())
                .collect(),
        })
    }
}

/// The attribute columns of an `entities.tsv` header (after checking its first columns).
pub fn entity_attribute_columns(h: &csv::StringRecord) -> std::io::Result<Vec<String>> {
    if h.len() < ENTITY_COLUMNS.len()
        || !h
            .iter()
            .take(ENTITY_COLUMNS.len())
            .eq(ENTITY_COLUMNS.iter().copied())
    {
        return Err(bad(
            "not an entities.tsv header",
            h.iter().collect::<Vec<_>>().join(" "),
        ));
    }
    Ok(h.iter()
        .skip(ENTITY_COLUMNS.len())
        .map(|c| unescape_cell(c).to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_text() {
        for s in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe_cell(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(safe_cell("Kaluga"), "Kaluga");
    }

    #[test]
    fn escaped_cells_read_back_exactly() {
        for s in [
            "=1+1", "'=1", "'quoted", "''", "Kaluga", "", "-", "@x", "a=b",
        ] {
            assert_eq!(unescape_cell(&safe_cell(s)), s, "{s:?}");
        }
    }

    #[test]
    fn npmi_has_no_negative_zero() {
        assert_eq!(format_npmi(-0.0000001), "0.000000");
        assert_eq!(format_npmi(-0.5), "-0.500000");
    }
}
