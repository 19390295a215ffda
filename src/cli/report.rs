//! `gazex report <OUT_DIR> -o <report.html>`: one self-contained HTML page over an output
//! folder (run summary, top entities, co-occurrence network, timeline of dates, entity
//! drill-down with snippets). Works offline; see `crate::report` for what it holds.

use super::guard;
use super::out::note;
use crate::report::{build, page, Options};
use anyhow::Result;
use std::path::PathBuf;

/// Write one self-contained HTML page over an output folder.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The output folder of `gazex extract`.
    out_dir: PathBuf,
    /// The HTML file to write [default: OUT_DIR/report.html]; `-` for standard output.
    #[arg(short = 'o', long = "out")]
    out: Option<PathBuf>,
    /// The run's inputs (files or folders, as given to extract), to quote snippets from when
    /// the sources recorded in documents.jsonl are not at hand (e.g. a run on standard input).
    /// One path per --docs; repeat it for several.
    #[arg(long = "docs", value_name = "PATH")]
    docs: Vec<PathBuf>,
    /// Entities in the network (those found in most documents).
    #[arg(long, default_value_t = 300)]
    max_nodes: usize,
    /// Pairs in the network (the strongest among those entities).
    #[arg(long, default_value_t = 4000)]
    max_edges: usize,
    /// Entities listed per type.
    #[arg(long, default_value_t = 25)]
    top: usize,
    /// Snippets per entity.
    #[arg(long, default_value_t = 8)]
    snippets: usize,
    /// Page title.
    #[arg(long)]
    title: Option<String>,
}

pub(crate) fn run(a: Args) -> Result<i32> {
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| a.out_dir.join("report.html"));
    if !super::out::is_stream(&out) {
        let docs: Vec<&std::path::Path> = a.docs.iter().map(PathBuf::as_path).collect();
        let read: Vec<&std::path::Path> = std::iter::once(a.out_dir.as_path())
            .chain(docs.iter().copied())
            .collect();
        guard::file(&out, "-o", &["report.html"], &read, &docs)?;
    }
    let opts = Options {
        max_nodes: a.max_nodes,
        max_edges: a.max_edges,
        top_per_type: a.top,
        snippets_per_entity: a.snippets,
        docs: a.docs,
        title: a.title,
        ..Options::default()
    };
    if !a.out_dir.join("entities.jsonl").is_file() {
        return Err(crate::Error::Usage(format!(
            "{}: no entities.jsonl here: give the output folder of `gazex extract`",
            a.out_dir.display()
        ))
        .into());
    }
    let data = build(&a.out_dir, &opts)?;
    let missing = data
        .pointer("/texts/missing")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    if missing > 0 {
        note!(
            "note: the texts of {missing} quoted documents were not found (JSONL and standard-input documents are not recorded by path): snippets show the mention alone; pass the run's inputs with --docs to quote them"
        );
    }
    let title = opts.title.clone().unwrap_or_else(|| {
        let name = a
            .out_dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| a.out_dir.display().to_string());
        format!("gazex report: {name}")
    });
    let html = page(&title, &data);
    if super::out::is_stream(&out) {
        super::out::to_stream(&out, html.as_bytes())?;
        return Ok(0);
    }
    let mut tmp = out.clone().into_os_string();
    tmp.push(".gazex-tmp");
    let tmp = PathBuf::from(tmp);
    let written = std::fs::write(&tmp, html.as_bytes())
        .map_err(|e| crate::Error::io(&tmp, e))
        .and_then(|()| std::fs::rename(&tmp, &out).map_err(|e| crate::Error::io(&out, e)));
    if let Err(e) = written {
        // A full disk leaves no temporary file behind.
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    note!("wrote {} ({} KB)", out.display(), html.len().div_ceil(1024));
    Ok(0)
}
