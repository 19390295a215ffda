//! Tables: writes `entities.tsv` and `cooccurrence.tsv` from the run totals (CONTRACT "Output
//! folder"), with every cell made safe for spreadsheets. It does not count (see `cooccur`).

use crate::cooccur::Totals;
use crate::gazetteer::Gazetteer;
use std::io::Write;

/// Makes a cell safe for spreadsheets: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`, so Excel and LibreOffice read it as text (OWASP CSV
/// injection). Numbers written by gazex never need it.
pub fn safe_cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

fn tsv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(w)
}

/// Writes `entities.tsv`: one row per distinct entity, most mentioned first, then by id.
pub fn write_entities<W: Write>(w: W, t: &Totals, g: &Gazetteer) -> std::io::Result<()> {
    let mut out = tsv_writer(w);
    let mut header: Vec<String> = ["id", "type", "name", "mentions", "documents"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(g.attribute_columns.iter().cloned());
    out.write_record(header.iter().map(|h| safe_cell(h).into_owned()))?;
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
        let attrs = info
            .entry
            .and_then(|i| g.entries.get(i as usize))
            .map(|e| e.attrs.as_slice())
            .unwrap_or(&[]);
        for col in 0..g.attribute_columns.len() {
            let v = attrs
                .iter()
                .find(|(c, _)| *c == col)
                .map_or("", |(_, v)| v.as_str());
            rec.push(safe_cell(v).into_owned());
        }
        out.write_record(&rec)?;
    }
    out.flush()
}

/// Writes `cooccurrence.tsv`: one row per pair, by documents descending, then ids.
pub fn write_cooccurrence<W: Write>(w: W, t: &Totals) -> std::io::Result<()> {
    let mut out = tsv_writer(w);
    out.write_record([
        "source",
        "target",
        "source_type",
        "target_type",
        "documents",
        "sentences",
        "window",
        "npmi",
    ])?;
    let mut rows: Vec<_> = t.pairs.iter().collect();
    rows.sort_by(|a, b| b.1.documents.cmp(&a.1.documents).then_with(|| a.0.cmp(b.0)));
    let kind = |id: &str| {
        t.entities
            .get(id)
            .map_or(String::new(), |e| e.0.kind.clone())
    };
    for ((a, b), c) in rows {
        let npmi = t.npmi(c, a, b);
        out.write_record([
            safe_cell(a).into_owned(),
            safe_cell(b).into_owned(),
            safe_cell(&kind(a)).into_owned(),
            safe_cell(&kind(b)).into_owned(),
            c.documents.to_string(),
            c.sentences.to_string(),
            c.window.to_string(),
            format!("{npmi:.6}"),
        ])?;
    }
    out.flush()
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
}
