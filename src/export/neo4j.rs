//! Neo4j bulk import CSV, for `neo4j-admin database import full`: `nodes.csv` with
//! `entityId:ID(Entity)`, `name`, `:LABEL` (`Entity;<TYPE>`), `type`, `mentions:long`,
//! `documents:long` and the gazetteer attributes (strings); `relationships.csv` with
//! `:START_ID(Entity)`, `:END_ID(Entity)`, `:TYPE` (`CO_OCCURS`), `documents:long`,
//! `sentences:long`, `window:long`, `npmi:double`. Every text cell is formula-safe.

use super::gephi::csv_writer;
use super::{write_file, At, Exporter, Graph};
use crate::error::Result;
use crate::tables::{format_npmi, safe_cell};
use std::path::Path;

/// The Neo4j import exporter.
pub(crate) struct Neo4j;

/// A property name usable in a Neo4j import header (no `:`, which starts a type there).
fn property(name: &str) -> String {
    safe_cell(&name.replace(':', "_")).into_owned()
}

impl Exporter for Neo4j {
    fn files(&self) -> &'static [&'static str] {
        &["nodes.csv", "relationships.csv"]
    }

    fn write(&self, g: &Graph, dest: &Path) -> Result<()> {
        write_file(dest, "nodes.csv", |out, p| {
            let mut w = csv_writer(out);
            let header = [
                "entityId:ID(Entity)",
                "name",
                ":LABEL",
                "type",
                "mentions:long",
                "documents:long",
            ]
            .iter()
            .map(|s| s.to_string())
            .chain(g.columns.iter().map(|c| property(c)));
            w.write_record(header).at(p)?;
            for n in &g.nodes {
                let rec = [
                    safe_cell(&n.id).into_owned(),
                    safe_cell(&n.name).into_owned(),
                    safe_cell(&format!("Entity;{}", n.kind)).into_owned(),
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
        write_file(dest, "relationships.csv", |out, p| {
            let mut w = csv_writer(out);
            w.write_record([
                ":START_ID(Entity)",
                ":END_ID(Entity)",
                ":TYPE",
                "documents:long",
                "sentences:long",
                "window:long",
                "npmi:double",
            ])
            .at(p)?;
            for e in g.edges()? {
                let e = e?;
                let c = e.counts;
                w.write_record([
                    safe_cell(&e.source).as_ref(),
                    safe_cell(&e.target).as_ref(),
                    "CO_OCCURS",
                    &c.documents.to_string(),
                    &c.sentences.to_string(),
                    &c.window.to_string(),
                    &format_npmi(e.npmi),
                ])
                .at(p)?;
            }
            w.flush().at(p)
        })
    }
}
