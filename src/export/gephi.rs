//! Gephi spreadsheet CSV: `nodes.csv` (`Id,Label,type,mentions,documents,` then the gazetteer
//! attributes) and `edges.csv` (`Source,Target,Type,Weight,documents,sentences,npmi,window`,
//! `Type` = `Undirected`, `Weight` = documents), for Gephi's "Import spreadsheet" (nodes
//! first, then edges). Every text cell is formula-safe (`tables::safe_cell`).

use super::{write_file, At, Exporter, Graph};
use crate::error::Result;
use crate::tables::{format_npmi, safe_cell};
use std::path::Path;

/// The Gephi CSV exporter.
pub(crate) struct Gephi;

pub(crate) fn csv_writer<W: std::io::Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(w)
}

impl Exporter for Gephi {
    fn files(&self) -> &'static [&'static str] {
        &["nodes.csv", "edges.csv"]
    }

    fn write(&self, g: &Graph, dest: &Path) -> Result<()> {
        write_file(dest, "nodes.csv", |out, p| {
            let mut w = csv_writer(out);
            let header = ["Id", "Label", "type", "mentions", "documents"]
                .iter()
                .map(|s| s.to_string())
                .chain(g.columns.iter().map(|c| safe_cell(c).into_owned()));
            w.write_record(header).at(p)?;
            for n in &g.nodes {
                let rec = [
                    safe_cell(&n.id).into_owned(),
                    safe_cell(&n.name).into_owned(),
                    safe_cell(&n.kind).into_owned(),
                    n.mentions.to_string(),
                    n.documents.to_string(),
                ]
                .into_iter()
                .chain(n.attrs.iter().map(|a| safe_cell(a).into_owned()));
                w.write_record(rec).at(p)?;
            }
            w.flush().at(p)
        })?;
        write_file(dest, "edges.csv", |out, p| {
            let mut w = csv_writer(out);
            w.write_record([
                "Source",
                "Target",
                "Type",
                "Weight",
                "documents",
                "sentences",
                "npmi",
                "window",
            ])
            .at(p)?;
            for e in g.edges()? {
                let e = e?;
                let c = e.counts;
                w.write_record([
                    safe_cell(&e.source).as_ref(),
                    safe_cell(&e.target).as_ref(),
                    "Undirected",
                    &c.documents.to_string(),
                    &c.documents.to_string(),
                    &c.sentences.to_string(),
                    &format_npmi(e.npmi),
                    &c.window.to_string(),
                ])
                .at(p)?;
            }
            w.flush().at(p)
        })
    }
}
