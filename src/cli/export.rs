//! `gazex export --format <graphml|gexf|neo4j|csv> [-o <DEST>] <OUT_DIR>`: write the
//! co-occurrence network of an output folder for graph tools, into DEST (default
//! `OUT_DIR/graph/FORMAT/`, one folder per format so that no export replaces another's files):
//! `graph.graphml`, `graph.gexf`, `nodes.csv` + `edges.csv` (Gephi), or `nodes.csv` +
//! `relationships.csv` (neo4j-admin import).

use super::out::note;
use crate::export::{export, ExportOptions, Format as ExportFormat};
use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    /// graph.graphml (NetworkX, igraph, Gephi, yEd, Cytoscape)
    Graphml,
    /// graph.gexf, GEXF 1.3 (Gephi, NetworkX)
    Gexf,
    /// nodes.csv + relationships.csv for neo4j-admin database import
    Neo4j,
    /// nodes.csv + edges.csv for Gephi's spreadsheet import
    Csv,
}

/// Write the co-occurrence network of an output folder for graph tools.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// An output folder of `gazex extract` or `gazex merge`.
    out_dir: PathBuf,
    /// The graph format.
    #[arg(long, value_enum)]
    format: Format,
    /// Destination folder [default: OUT_DIR/graph/FORMAT].
    #[arg(short = 'o', long = "out")]
    dest: Option<PathBuf>,
    /// Keep only pairs found in at least N documents.
    #[arg(long, default_value_t = 1, value_name = "N")]
    min_documents: u64,
    /// Keep only the N pairs found in most documents.
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// No summary.
    #[arg(short, long)]
    quiet: bool,
}

pub(crate) fn run(a: Args) -> Result<i32> {
    let format = match a.format {
        Format::Graphml => ExportFormat::Graphml,
        Format::Gexf => ExportFormat::Gexf,
        Format::Neo4j => ExportFormat::Neo4j,
        Format::Csv => ExportFormat::Csv,
    };
    let dest = match &a.dest {
        Some(d) => d.clone(),
        None => a.out_dir.join("graph").join(format.name()),
    };
    super::guard::folder(&dest, "-o", true, &[a.out_dir.as_path()])?;
    let opts = ExportOptions {
        min_documents: a.min_documents,
        top: a.top,
    };
    let s = export(&a.out_dir, format, &dest, opts)?;
    if !a.quiet {
        let files: Vec<String> = s.files.iter().map(|f| f.display().to_string()).collect();
        note!(
            "gazex: {} nodes, {} edges -> {}",
            s.nodes,
            s.edges,
            files.join(", ")
        );
    }
    Ok(0)
}
