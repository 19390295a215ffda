//! Corpus: finds the documents of a run from the command's inputs (files, folders walked
//! recursively in sorted order, `-` for standard input; see `walk`) and yields them as units
//! of work in input order: a text file to read, or a JSONL line to parse (see `units`).
//! Reading and decoding happen in the workers (`document`); this module only lists and splits.

#![deny(clippy::indexing_slicing)]

use crate::document::Document;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

mod units;
mod walk;
pub(crate) use units::Units;

/// How input files are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum InputFormat {
    /// `.jsonl`/`.ndjson` (also compressed) are JSONL; all else is text. Standard input is
    /// JSONL when its first non-blank byte is `{`.
    #[default]
    Auto,
    /// Every file is one text document.
    Text,
    /// Every file holds one JSON document a line.
    Jsonl,
}

/// A unit of work, in input order.
#[derive(Debug)]
pub(crate) enum Unit {
    /// A text file to read as one document.
    File {
        /// Its path.
        path: PathBuf,
        /// Its document id.
        id: String,
        /// Its size when the inputs were listed.
        len: u64,
    },
    /// A JSONL line to parse.
    Line {
        /// The raw line without its `\n`.
        bytes: Vec<u8>,
        /// The file it came from.
        source: String,
        /// 1-based line number.
        line: usize,
    },
    /// A document ready as it is (standard input text, or a skipped file with a warning).
    Ready(Document),
    /// Bytes read (and decompressed) by the reader, to decode as one document.
    Raw {
        /// Document id.
        id: String,
        /// Where it came from.
        source: String,
        /// The bytes.
        raw: Vec<u8>,
        /// Reading warnings.
        warnings: Vec<String>,
    },
    /// A chunk of a long text (only with [`Units::chunked`]; see `chunk`).
    Chunk(Box<crate::chunk::Chunk>),
}

/// One input found by the walk, before reading.
#[derive(Debug, Clone)]
pub(crate) enum Entry {
    /// A regular file, its document id and its size when listed.
    File(PathBuf, String, u64),
    /// Standard input.
    Stdin,
    /// Something that is skipped, with the reason.
    Skipped(PathBuf, String, String),
}

/// Lists every input in order: files as given, folders walked recursively (sorted by name,
/// hidden files and gazex output folders skipped, symbolic links followed only with
/// `follow`), each file once, ids made unique.
pub(crate) fn discover(inputs: &[PathBuf], follow: bool) -> Result<Vec<Entry>, crate::Error> {
    Ok(walk::walk_inputs(inputs, follow, None)?
        .entries
        .into_iter()
        .map(|(e, _)| e)
        .collect())
}

/// Is this file JSONL under `format`?
pub(crate) fn is_jsonl(name: &str, format: InputFormat) -> bool {
    match format {
        InputFormat::Jsonl => true,
        InputFormat::Text => false,
        InputFormat::Auto => {
            let n = name
                .strip_suffix(".gz")
                .or_else(|| name.strip_suffix(".zst"))
                .unwrap_or(name);
            n.ends_with(".jsonl") || n.ends_with(".ndjson")
        }
    }
}
/// The inputs of a run, found before reading: every entry in order, the bytes of the files
/// (the total the progress bar counts towards), the fingerprint of the listing (what a
/// resume checks), and what the walk has to say.
#[derive(Debug)]
pub(crate) struct Inputs {
    pub(crate) entries: Vec<Entry>,
    pub(crate) bytes: u64,
    pub(crate) listing: String,
    /// Documents whose id an earlier document took: their new id -> the warning for them.
    pub(crate) renamed: HashMap<String, String>,
    /// Warnings about the inputs as a whole (an output folder not read, files listed by two
    /// inputs), for the caller to show once.
    pub(crate) warnings: Vec<String>,
}

/// Finds the inputs (walks folders, reads each file's size and time once), leaving out the
/// run's output folder `out`. Needs no gazetteer, so a caller can run it on a thread of its
/// own while the gazetteer is compiled, and pass it to [`crate::run::extract_inputs`].
pub(crate) fn find_inputs(
    inputs: &[PathBuf],
    follow: bool,
    out: Option<&Path>,
) -> Result<Inputs, crate::Error> {
    let found = walk::walk_inputs(inputs, follow, out)?;
    let mut listing = crate::checkpoint::Listing::default();
    let mut bytes = 0;
    let mut entries = Vec::with_capacity(found.entries.len());
    for (e, meta) in found.entries {
        match &e {
            Entry::File(p, _, _) => bytes += listing.add(p, meta.as_ref()),
            Entry::Skipped(p, _, _) => {
                listing.add(p, meta.as_ref());
            }
            Entry::Stdin => {}
        }
        entries.push(e);
    }
    Ok(Inputs {
        entries,
        bytes,
        listing: listing.finish(),
        renamed: found.renamed,
        warnings: found.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::ReadOptions;

    #[test]
    fn a_file_that_vanishes_between_listing_and_reading_is_a_warned_document() {
        let d = tempfile::tempdir().unwrap();
        let b = d.path().join("in");
        std::fs::create_dir_all(b.join("sub")).unwrap();
        std::fs::write(b.join("a.txt"), "Kaluga.").unwrap();
        std::fs::write(b.join("sub/b.txt"), "Moscow.").unwrap();
        let entries = discover(std::slice::from_ref(&b), false).unwrap();
        std::fs::remove_file(b.join("a.txt")).unwrap();
        let opts = ReadOptions::default();
        let units = Units::new(entries, InputFormat::Auto, opts.clone());
        let docs: Vec<_> = units.map(|u| u.into_document(&opts)).collect();
        let a = docs.iter().find(|d| d.id == "a.txt").expect("a.txt listed");
        assert!(a.text.is_empty(), "{a:?}");
        assert!(
            a.warnings
                .first()
                .is_some_and(|w| w.contains("cannot read")),
            "{a:?}"
        );
        assert!(docs
            .iter()
            .any(|d| d.id == "sub/b.txt" && d.text == "Moscow."));
    }
}
