//! Gazetteers: the lists of named entities (TSV files, CONTRACT "Gazetteers") loaded in order,
//! validated, and compiled into one name table over their folded names (`matcher`).
//!
//! This module owns the entry table (ids, types, canonical names, attributes), the case policy
//! of each name, the name table, and compiled gazetteers (both in one file, `compiled`); it
//! does not decide which matches are kept (see `resolve`).

pub(crate) mod compiled;
mod edges;
mod filters;
pub mod hygiene;
mod matcher;
#[cfg(test)]
mod names_tests;
mod parse;
mod prefixes;
pub mod variants;
mod words;

pub use matcher::Matcher;
pub(crate) use matcher::Target;

use crate::error::{Diagnostic, Error, Result};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// How the names of a row match case (CONTRACT `case` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CasePolicy {
    /// Case-insensitive, except a name of up to 5 letters all in capitals matches only so.
    #[default]
    Smart,
    /// Every name matches only as written.
    Exact,
    /// Always case-insensitive.
    Fold,
}

/// One gazetteer row: an entity with its names.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// Unique id across all loaded gazetteers.
    pub id: String,
    /// Entity type: PERSON, ORG, PLACE or another upper-case word.
    pub kind: String,
    /// Canonical name.
    pub name: String,
    /// The canonical name followed by the aliases, as written.
    pub names: Vec<String>,
    /// Case policy of the row.
    pub case: CasePolicy,
    /// Attribute values: (index into [`Gazetteer::attribute_columns`], value).
    pub attrs: Vec<(usize, String)>,
    /// Index into [`Gazetteer::sources`].
    pub file: usize,
    /// 1-based line in that file.
    pub line: usize,
}

/// A loaded gazetteer file.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path, or `<builtin>/NAME` for embedded files.
    pub path: String,
    /// FNV-1a fingerprint of the file's bytes.
    pub fingerprint: String,
    /// Rows loaded from it.
    pub entries: usize,
}

/// All loaded gazetteer rows, in load order.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    /// Rows in load order (earlier rows win ties).
    pub entries: Vec<Entry>,
    /// Attribute column names, in first-seen order.
    pub attribute_columns: Vec<String>,
    /// The files, in load order.
    pub sources: Vec<Source>,
    /// Things worth saying about the files that do not stop them loading (a byte order mark
    /// inside a file, a file that is a built-in one), with file and line.
    pub warnings: Vec<Diagnostic>,
}

/// Built-in gazetteers embedded at build time: (file name, contents).
pub(crate) const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

impl Gazetteer {
    /// An empty gazetteer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads gazetteers from files and folders (a folder: its `.tsv` files in sorted order),
    /// optionally after the built-in ones. Every problem in every file is reported at once.
    pub fn load(paths: &[PathBuf], builtin: bool) -> Result<Self> {
        let mut texts: Vec<(String, Cow<'static, str>)> = Vec::new();
        let mut diags = Vec::new();
        let mut skipped = Vec::new();
        if builtin {
            for (name, text) in BUILTIN {
                texts.push((format!("<builtin>/{name}"), Cow::Borrowed(*text)));
            }
        }
        for p in paths {
            let files = match gazetteer_files(p) {
                Ok(files) => files,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            // Files that are the built-ins themselves (`-g gazetteers/`): read once, said once.
            let mut copies = Vec::new();
            for f in files {
                match read_source(&f, builtin) {
                    Read::Text(s) => texts.push((f.display().to_string(), Cow::Owned(s))),
                    Read::Builtin(name) => copies.push(name),
                    Read::Problem(d) => diags.push(d),
                }
            }
            if !copies.is_empty() {
                skipped.push(Diagnostic {
                    path: p.display().to_string(),
                    line: 0,
                    message: format!(
                        "note: {} the built-in gazetteer(s) {}, loaded already: read once (the built-ins are in unless --no-builtin; add it to load only the files given)",
                        if p.is_dir() { "holds" } else { "is" },
                        copies.join(", ")
                    ),
                });
            }
        }
        let mut g = Gazetteer {
            warnings: skipped,
            ..Gazetteer::new()
        };
        let mut seen = parse::Seen::default();
        let parsed = texts
            .iter()
            .map(|(path, text)| parse::parse_into(&mut g, path, text, &mut seen, &mut diags))
            .collect();
        parse::add_entries(&mut g, parsed);
        if diags.is_empty() {
            Ok(g)
        } else {
            Err(Error::Config(diags))
        }
    }

    /// Parses one gazetteer from text (for tests and embedding).
    pub fn from_tsv(path: &str, text: &str) -> Result<Self> {
        let mut g = Gazetteer::new();
        let mut diags = Vec::new();
        let unified = parse::unify_line_ends(text);
        let text = unified.as_deref().unwrap_or(text);
        let parsed = parse::parse_into(&mut g, path, text, &mut parse::Seen::default(), &mut diags);
        parse::add_entries(&mut g, vec![parsed]);
        if diags.is_empty() {
            Ok(g)
        } else {
            Err(Error::Config(diags))
        }
    }

    /// Index of an attribute column, added if new.
    fn attribute_column(&mut self, name: &str) -> usize {
        if let Some(i) = self.attribute_columns.iter().position(|c| c == name) {
            return i;
        }
        self.attribute_columns.push(name.to_string());
        self.attribute_columns.len() - 1
    }

    /// One fingerprint of all loaded files, in order: equal for equal gazetteers.
    pub fn fingerprint(&self) -> String {
        let joined: Vec<String> = self.sources.iter().map(|s| s.fingerprint.clone()).collect();
        parse::fingerprint(joined.join(",").as_bytes())
    }
}

/// What reading one gazetteer file gave.
enum Read {
    /// Its text, line ends made LF or CRLF.
    Text(String),
    /// It is this built-in gazetteer, byte for byte (and the built-ins are loaded).
    Builtin(&'static str),
    /// It cannot be loaded.
    Problem(Diagnostic),
}

/// Reads one gazetteer file (every line bounded, so `/dev/zero` is an error).
fn read_source(f: &Path, builtin: bool) -> Read {
    let problem = |line, message: String| {
        Read::Problem(Diagnostic {
            path: f.display().to_string(),
            line,
            message,
        })
    };
    let bytes = match crate::lines::read_file(f, crate::lines::MAX_LINE) {
        Ok(b) => b,
        Err(e) => return problem(0, format!("cannot read: {e}")),
    };
    if bytes.starts_with(compiled::MAGIC) {
        return problem(
            0,
            "a compiled gazetteer: `gazex extract -g` reads it; here, give its TSV sources".into(),
        );
    }
    if let Some(name) = builtin.then(|| builtin_named(&bytes)).flatten() {
        return Read::Builtin(name);
    }
    match String::from_utf8(bytes) {
        Ok(s) => Read::Text(parse::unify_line_ends(&s).unwrap_or(s)),
        Err(e) => problem(
            line_of(e.as_bytes(), e.utf8_error().valid_up_to()),
            "not valid UTF-8: save the gazetteer as UTF-8".into(),
        ),
    }
}

/// The name of the built-in gazetteer whose text is `bytes`, if one is.
fn builtin_named(bytes: &[u8]) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(_, text)| text.as_bytes() == bytes)
        .map(|(name, _)| *name)
}

/// The gazetteer files a path names: itself, or a folder's `.tsv` files, sorted.
fn gazetteer_files(p: &Path) -> std::result::Result<Vec<PathBuf>, Diagnostic> {
    let diag = |m: String| Diagnostic {
        path: p.display().to_string(),
        line: 0,
        message: m,
    };
    let meta = std::fs::metadata(p).map_err(|e| diag(format!("cannot read gazetteer: {e}")))?;
    if !meta.is_dir() {
        return Ok(vec![p.to_path_buf()]);
    }
    let mut files = Vec::new();
    let rd = std::fs::read_dir(p).map_err(|e| diag(format!("cannot list folder: {e}")))?;
    for e in rd.flatten() {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "tsv") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(diag("folder holds no .tsv gazetteer".into()));
    }
    Ok(files)
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes
        .get(..offset)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count() + 1)
}
