//! Export: the co-occurrence network of an output folder, written for graph tools. Nodes are
//! the entities of `entities.tsv` that take part in a kept pair (in that table's order), edges
//! the rows of `cooccurrence.tsv` (in its order), optionally cut to pairs in at least
//! `min_documents` documents and to the `top` pairs. Edges are streamed from the table twice
//! (once to find the nodes, once to write them), so memory holds the nodes only.
//!
//! One file per format, each behind the small [`Exporter`] trait: [`graphml`] (GraphML with
//! typed keys), [`gexf`] (GEXF 1.3), [`gephi`] (Gephi's spreadsheet CSV) and [`neo4j`]
//! (`neo4j-admin database import` CSV). It reads tables through `tables` and never counts.

pub(crate) mod gephi;
pub(crate) mod gexf;
pub(crate) mod graphml;
pub(crate) mod neo4j;

use crate::error::{Error, Result};
use crate::tables::{
    check_pair_header, entity_attribute_columns, tsv_reader, EntityLine, PairLine,
};
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `graph.graphml`.
    Graphml,
    /// `graph.gexf` (GEXF 1.3).
    Gexf,
    /// `nodes.csv` + `relationships.csv` with `neo4j-admin database import` headers.
    Neo4j,
    /// `nodes.csv` + `edges.csv` in Gephi's spreadsheet convention.
    Csv,
}

impl Format {
    /// Every format.
    pub(crate) const ALL: [Format; 4] = [Format::Graphml, Format::Gexf, Format::Neo4j, Format::Csv];

    /// Its name on the command line, and of its default folder (`OUT_DIR/graph/NAME/`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::Neo4j => "neo4j",
            Format::Csv => "csv",
        }
    }

    fn exporter(self) -> &'static dyn Exporter {
        match self {
            Format::Graphml => &graphml::GraphMl,
            Format::Gexf => &gexf::Gexf,
            Format::Neo4j => &neo4j::Neo4j,
            Format::Csv => &gephi::Gephi,
        }
    }

    /// The files this format writes.
    pub(crate) fn files(self) -> &'static [&'static str] {
        self.exporter().files()
    }
}

/// Which part of the network to export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Keep pairs found in at least this many documents (0 or 1: all).
    pub min_documents: u64,
    /// Keep only the first this many pairs, by documents (None: all).
    pub top: Option<usize>,
}

/// One node: an entity of `entities.tsv`.
pub(crate) type Node = EntityLine;
/// One edge: a row of `cooccurrence.tsv`.
pub(crate) type Edge = PairLine;

/// The network of an output folder, as the exporters see it.
#[derive(Debug)]
pub(crate) struct Graph {
    /// The attribute columns of `entities.tsv`, renamed where they would clash with the
    /// fixed node fields.
    pub(crate) columns: Vec<String>,
    /// The nodes, in `entities.tsv` order.
    pub(crate) nodes: Vec<Node>,
    pairs: PathBuf,
    opts: ExportOptions,
    edges: u64,
}

/// Node fields every format writes; attribute columns with these names get an `attr_` prefix.
const RESERVED: [&str; 6] = ["id", "label", "type", "name", "mentions", "documents"];

fn bad_table(p: &Path, e: impl std::fmt::Display) -> Error {
    Error::Usage(format!(
        "{}: {e}: not a table written by gazex extract",
        p.display()
    ))
}

impl Graph {
    /// Reads the network of the output folder `dir`.
    pub(crate) fn load(dir: &Path, opts: ExportOptions) -> Result<Self> {
        let pairs = dir.join("cooccurrence.tsv");
        let ents = dir.join("entities.tsv");
        for p in [&pairs, &ents] {
            if !p.is_file() {
                return Err(Error::Usage(format!(
                    "{}: not found: give the output folder of `gazex extract` or `gazex merge`",
                    p.display()
                )));
            }
        }
        let mut g = Graph {
            columns: Vec::new(),
            nodes: Vec::new(),
            pairs,
            opts,
            edges: 0,
        };
        let mut ids: HashSet<String> = HashSet::new();
        let mut edges = 0;
        for e in g.edges()? {
            let e = e?;
            edges += 1;
            ids.insert(e.source);
            ids.insert(e.target);
        }
        g.edges = edges;
        let mut r = tsv_reader(BufReader::new(
            File::open(&ents).map_err(|e| Error::io(&ents, e))?,
        ));
        let h = r.headers().map_err(|e| bad_table(&ents, e))?.clone();
        g.columns = entity_attribute_columns(&h)
            .map_err(|e| bad_table(&ents, e))?
            .into_iter()
            .map(|c| {
                if RESERVED.contains(&c.as_str()) {
                    format!("attr_{c}")
                } else {
                    c
                }
            })
            .collect();
        for rec in r.records() {
            let rec = rec.map_err(|e| bad_table(&ents, e))?;
            let n = EntityLine::parse(&rec).map_err(|e| bad_table(&ents, e))?;
            if ids.remove(&n.id) {
                g.nodes.push(n);
            }
        }
        if let Some(missing) = ids.iter().min() {
            return Err(bad_table(
                &g.pairs,
                format!("pair entity `{missing}` is not in entities.tsv"),
            ));
        }
        Ok(g)
    }

    /// Number of kept edges.
    pub(crate) fn edge_count(&self) -> u64 {
        self.edges
    }

    /// The kept edges, read from the table in its order.
    pub(crate) fn edges(&self) -> Result<impl Iterator<Item = Result<Edge>> + '_> {
        let p = &self.pairs;
        let mut r = tsv_reader(BufReader::new(File::open(p).map_err(|e| Error::io(p, e))?));
        let h = r.headers().map_err(|e| bad_table(p, e))?.clone();
        check_pair_header(&h).map_err(|e| bad_table(p, e))?;
        let min = self.opts.min_documents;
        let top = self.opts.top.unwrap_or(usize::MAX);
        Ok(r.into_records()
            .map(move |rec| {
                let rec = rec.map_err(|e| bad_table(p, e))?;
                PairLine::parse(&rec).map_err(|e| bad_table(p, e))
            })
            .filter(move |e| e.as_ref().map_or(true, |e| e.counts.documents >= min))
            .take(top))
    }
}

/// One export format.
pub(crate) trait Exporter: Sync {
    /// The files written into the destination folder.
    fn files(&self) -> &'static [&'static str];
    /// Writes the graph into `dest` (an existing folder).
    fn write(&self, g: &Graph, dest: &Path) -> Result<()>;
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    /// Nodes written.
    pub nodes: usize,
    /// Edges written.
    pub edges: u64,
    /// The files written.
    pub files: Vec<PathBuf>,
}

/// Writes the network of the output folder `dir` in `format` into `dest` (created if
/// missing).
pub fn export(
    dir: &Path,
    format: Format,
    dest: &Path,
    opts: ExportOptions,
) -> Result<ExportSummary> {
    let g = Graph::load(dir, opts)?;
    std::fs::create_dir_all(dest).map_err(|e| Error::io(dest, e))?;
    let x = format.exporter();
    x.write(&g, dest)?;
    Ok(ExportSummary {
        nodes: g.nodes.len(),
        edges: g.edge_count(),
        files: x.files().iter().map(|f| dest.join(f)).collect(),
    })
}

/// Names the file of an I/O error.
pub(crate) trait At<T> {
    /// The error as an [`Error::Io`] on `p`.
    fn at(self, p: &Path) -> Result<T>;
}

impl<T> At<T> for std::io::Result<T> {
    fn at(self, p: &Path) -> Result<T> {
        self.map_err(|e| Error::io(p, e))
    }
}

impl<T> At<T> for csv::Result<T> {
    fn at(self, p: &Path) -> Result<T> {
        self.map_err(|e| Error::io(p, e.into()))
    }
}

/// Writes `dest/name` through a temporary file renamed when complete; `body` gets the writer
/// and the temporary path (for errors).
pub(crate) fn write_file(
    dest: &Path,
    name: &str,
    body: impl FnOnce(&mut BufWriter<File>, &Path) -> Result<()>,
) -> Result<()> {
    let tmp = dest.join(format!(".gazex-{name}.tmp"));
    let path = dest.join(name);
    let f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let written = body(&mut w, &tmp)
        .and_then(|()| w.flush().map_err(|e| Error::io(&tmp, e)))
        .and_then(|()| std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e)));
    drop(w);
    if written.is_err() {
        // A full disk leaves no temporary file behind.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Text made valid for XML 1.0: characters XML cannot carry even escaped (most control
/// characters, U+FFFE, U+FFFF) become U+FFFD. Escaping of `&`, `<`, quotes is the writer's.
pub(crate) fn xml_text(s: &str) -> std::borrow::Cow<'_, str> {
    let ok = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}'
    };
    if s.chars().all(ok) {
        s.into()
    } else {
        s.chars()
            .map(|c| if ok(c) { c } else { '\u{FFFD}' })
            .collect::<String>()
            .into()
    }
}

/// A number as a GraphML/GEXF double (`3.0`).
pub(crate) fn double(v: f64) -> String {
    format!("{v:?}")
}
