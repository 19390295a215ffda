//! Import: converts other name lists into the gazetteer TSV format of the CONTRACT
//! (`id type name aliases` + attribute columns), one file per source format:
//! [`ofac`] (the US Treasury SDN list, `sdn.csv` layout), [`spacy`] (spaCy EntityRuler phrase
//! patterns), [`table`] (a CSV with `name,type[,id,aliases,...]` columns) and [`geonames`]
//! (the GeoNames dump: `cities15000.txt`, `allCountries.txt`).
//!
//! Rows are written as they are read (memory grows with the number of ids, not with the
//! names), through a [`Sink`] that cleans every name (no tab, line break or `|`; white space
//! collapsed), drops names without a letter or digit, drops repeated names and keeps ids
//! unique, so the output always loads. This module does not validate or match; see `gazetteer`.

pub(crate) mod geonames;
pub(crate) mod ofac;
pub(crate) mod spacy;
pub(crate) mod table;

use crate::error::{Error, Result};
use crate::normalize::{fold, FoldOptions};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Write};
use std::path::Path;

/// The source formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// OFAC SDN list, `sdn.csv` layout (no header).
    OfacSdn,
    /// spaCy EntityRuler patterns, one JSON object a line.
    SpacyPatterns,
    /// CSV with a header: `name`, `type`, optional `id`, `aliases` (`|`-separated), attributes.
    Csv,
    /// GeoNames dump (tab-separated, no header).
    Geonames,
}

/// Options of an import.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// GeoNames: scripts an alternate name must be written in (see [`geonames::SCRIPTS`]).
    pub(crate) scripts: Vec<String>,
    /// GeoNames: feature classes kept (`A` countries and regions, `P` populated places, ...);
    /// empty keeps all.
    pub(crate) feature_classes: Vec<String>,
    /// GeoNames: smallest population kept (0 keeps all).
    pub(crate) min_population: u64,
    /// The type of rows whose source has none (CSV without a `type` column).
    pub(crate) default_type: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            scripts: vec!["latin".into()],
            feature_classes: vec!["A".into(), "P".into()],
            min_population: 0,
            default_type: None,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Rows written.
    pub(crate) entries: usize,
    /// Names written (canonical names and aliases).
    pub(crate) names: usize,
    /// Rows per type.
    pub(crate) by_type: BTreeMap<String, usize>,
    /// Input records skipped, by reason.
    pub(crate) skipped: BTreeMap<String, usize>,
    /// The first problems met, each with file:line.
    pub(crate) warnings: Vec<String>,
}

impl Summary {
    /// Counts a skipped record.
    pub(crate) fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }

    /// Records a problem (the first 20 are kept) and counts it as skipped.
    pub(crate) fn warn(&mut self, reason: &str, message: String) {
        self.skip(reason);
        if self.warnings.len() < 20 {
            self.warnings.push(message);
        }
    }
}

/// One gazetteer row to write.
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    /// Wanted id (made unique by the sink).
    pub(crate) id: String,
    /// Entity type (an upper-case word).
    pub(crate) kind: String,
    /// Canonical name.
    pub(crate) name: String,
    /// Further names.
    pub(crate) aliases: Vec<String>,
    /// Attribute values, in the order of the sink's attribute columns (empty: none).
    pub(crate) attrs: Vec<String>,
}

/// Reads the next record of a delimited file into `rec`; an unreadable row is counted as a
/// warning naming `path:line` and skipped. False at the end of the input; an I/O error (a
/// line over the bound among them) is an error.
pub(crate) fn next_record<R: std::io::Read>(
    rd: &mut csv::Reader<R>,
    rec: &mut csv::StringRecord,
    summary: &mut Summary,
    path: &str,
) -> Result<bool> {
    loop {
        match rd.read_record(rec) {
            Ok(more) => return Ok(more),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                if let csv::ErrorKind::Io(io) = e.kind() {
                    let io = std::io::Error::new(io.kind(), io.to_string());
                    return Err(Error::io(format!("{path}:{line}"), io));
                }
                summary.warn(
                    "unreadable row",
                    format!("{path}:{line}: unreadable row: {e}"),
                );
            }
        }
    }
}

/// Writes rows in the gazetteer TSV format: cleans names, keeps ids unique.
pub(crate) struct Sink<'a> {
    out: &'a mut dyn Write,
    attrs: usize,
    ids: HashSet<String>,
    path: String,
    /// The counts so far.
    pub(crate) summary: Summary,
}

impl<'a> Sink<'a> {
    /// A sink writing a comment naming `origin`, then the header with `attrs` columns.
    pub(crate) fn new(
        out: &'a mut dyn Write,
        path: &str,
        origin: &str,
        attrs: &[&str],
    ) -> Result<Self> {
        let mut s = Sink {
            out,
            attrs: attrs.len(),
            ids: HashSet::new(),
            path: path.to_string(),
            summary: Summary::default(),
        };
        let mut head = format!("# {}\nid\ttype\tname\taliases", clean(origin));
        for a in attrs {
            head.push('\t');
            head.push_str(&clean(a).replace(' ', "_").to_lowercase());
        }
        head.push('\n');
        s.write(head.as_bytes())?;
        Ok(s)
    }

    fn write(&mut self, b: &[u8]) -> Result<()> {
        self.out
            .write_all(b)
            .map_err(|e| Error::io(self.path.clone(), e))
    }

    /// Writes one row; false (and nothing written) when it has no usable name or type.
    pub(crate) fn push(&mut self, row: Row) -> Result<bool> {
        let kind = row.kind.trim().to_uppercase();
        if !is_type(&kind) {
            self.summary.skip("type is not an upper-case word");
            return Ok(false);
        }
        let mut names: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for n in std::iter::once(&row.name).chain(&row.aliases) {
            let c = clean(n);
            if !c.chars().any(char::is_alphanumeric) {
                continue;
            }
            if seen.insert(dedupe_key(&c)) {
                names.push(c);
            }
        }
        if names.is_empty() {
            self.summary.skip("no name with a letter or digit");
            return Ok(false);
        }
        let mut id = clean(&row.id).replace(' ', "-");
        if id.is_empty() || id.starts_with('#') {
            id = format!("{}:{}", kind.to_lowercase(), slug(&names[0]));
        }
        if !self.ids.insert(id.clone()) {
            let mut n = 2;
            while !self.ids.insert(format!("{id}-{n}")) {
                n += 1;
            }
            id = format!("{id}-{n}");
        }
        let mut line = format!("{id}\t{kind}\t{}\t{}", names[0], names[1..].join("|"));
        for i in 0..self.attrs {
            line.push('\t');
            line.push_str(&clean(row.attrs.get(i).map_or("", String::as_str)));
        }
        line.push('\n');
        self.write(line.as_bytes())?;
        self.summary.entries += 1;
        self.summary.names += names.len();
        *self.summary.by_type.entry(kind).or_default() += 1;
        Ok(true)
    }

    /// Flushes the output and gives the counts.
    pub(crate) fn finish(self) -> Result<Summary> {
        let path = self.path.clone();
        self.out.flush().map_err(|e| Error::io(path, e))?;
        Ok(self.summary)
    }
}

/// Imports `input` (`-`: standard input; `.gz`/`.zst` decompressed) as `format` into `out`.
pub(crate) fn import(
    format: Format,
    input: &Path,
    out: &mut dyn Write,
    out_name: &str,
    opts: &Options,
) -> Result<Summary> {
    let name = input.display().to_string();
    let raw: Box<dyn std::io::Read + Send> = if input.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        let f = std::fs::File::open(input).map_err(|e| Error::io(input, e))?;
        crate::document::decompressing(f, crate::document::Compression::of(&name))
            .map_err(|e| Error::io(input, e))?
    };
    // Decoded as documents are (BOM, UTF-16), every line bounded (CSV parsers read on their
    // own: the bound is on the bytes beneath them).
    let bounded = crate::lines::Bounded::new(raw, crate::lines::MAX_LINE);
    let reader: Box<dyn BufRead + Send> =
        crate::document::decoded(bounded).map_err(|e| Error::io(input, e))?;
    match format {
        Format::OfacSdn => ofac::import(reader, &name, out, out_name),
        Format::SpacyPatterns => spacy::import(reader, &name, out, out_name),
        Format::Csv => table::import(reader, &name, out, out_name, opts),
        Format::Geonames => geonames::import(reader, &name, out, out_name, opts),
    }
}

/// A name as a gazetteer cell: no tab, line break or `|`, white space collapsed.
pub(crate) fn clean(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '|' || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Names that match the same text are written once: short all-capital names (which the
/// `smart` case policy matches only in capitals) by their exact form, others folded.
fn dedupe_key(name: &str) -> String {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if letters <= 5 && !name.chars().any(char::is_lowercase) {
        format!("={name}")
    } else {
        format!("~{}", fold(name, FoldOptions::default()))
    }
}

/// An id-friendly form of a name: lower case, letters and digits joined by `-`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The CONTRACT's type rule: an upper-case ASCII word (digits and `_` allowed after the first).
pub(crate) fn is_type(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Maps other tools' labels to gazex types: spaCy/OntoNotes `GPE`, `LOC`, `FAC` and CoNLL
/// `LOCATION` become PLACE, `PER` and `PERSON` PERSON, `ORGANIZATION`/`ORGANISATION` ORG;
/// anything else is upper-cased, with other characters turned into `_`.
pub(crate) fn map_type(label: &str) -> String {
    let up: String = label
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    match up.as_str() {
        "GPE" | "LOC" | "FAC" | "LOCATION" | "PLACE" => "PLACE".into(),
        "PER" | "PERSON" => "PERSON".into(),
        "ORGANIZATION" | "ORGANISATION" | "ORG" => "ORG".into(),
        _ => up,
    }
}

/// Title case for words written entirely in capitals (`KHALIMOV` -> `Khalimov`,
/// `AL-ZAWAHIRI` -> `Al-Zawahiri`, `O'NEIL` -> `O'Neil`); other words are left as written,
/// and so are Roman numerals (`II`, `IV`).
pub(crate) fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let all_caps = w.chars().any(char::is_uppercase) && !w.chars().any(char::is_lowercase);
            let roman = w.len() <= 4 && w.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
            if !all_caps || roman {
                return w.to_string();
            }
            let mut out = String::new();
            let mut start = true;
            let mut seg_len = 0;
            for c in w.chars() {
                if start && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                    start = false;
                    seg_len = 1;
                } else if c.is_alphabetic() {
                    out.extend(c.to_lowercase());
                    seg_len += 1;
                } else {
                    out.push(c);
                    // A new capital after a hyphen, and after a one-letter prefix such as O' or D'.
                    start = c == '-' || (matches!(c, '\'' | '’') && seg_len == 1);
                    seg_len = 0;
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_words_in_capitals() {
        assert_eq!(title_case("KHALIMOV"), "Khalimov");
        assert_eq!(title_case("AL-ZAWAHIRI Ayman"), "Al-Zawahiri Ayman");
        assert_eq!(title_case("O'NEIL"), "O'Neil");
        assert_eq!(title_case("QA'IDA"), "Qa'ida");
        assert_eq!(title_case("HUSSEIN II"), "Hussein II");
        assert_eq!(title_case("McDonald"), "McDonald");
    }

    #[test]
    fn types_and_slugs() {
        assert_eq!(map_type("GPE"), "PLACE");
        assert_eq!(map_type("work of art"), "WORK_OF_ART");
        assert_eq!(slug("Gulmurod  Khalimov!"), "gulmurod-khalimov");
        assert_eq!(clean(" a\tb|c\n d "), "a b c d");
    }

    #[test]
    fn sink_cleans_dedupes_and_keeps_ids_unique() {
        let mut buf = Vec::new();
        let mut s = Sink::new(&mut buf, "x", "test", &["country"]).unwrap();
        let row = |id: &str, name: &str, al: &[&str]| Row {
            id: id.into(),
            kind: "PLACE".into(),
            name: name.into(),
            aliases: al.iter().map(|a| a.to_string()).collect(),
            attrs: vec!["TJ".into()],
        };
        assert!(s
            .push(row(
                "p:1",
                "Dushanbe",
                &["DUSHANBE", "Душанбе", "UN", "Un", "--"]
            ))
            .unwrap());
        assert!(s.push(row("p:1", "Khujand", &[])).unwrap());
        assert!(!s.push(row("p:2", "...", &[])).unwrap());
        let sum = s.finish().unwrap();
        assert_eq!(sum.entries, 2);
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "# test\nid\ttype\tname\taliases\tcountry\n\
             p:1\tPLACE\tDushanbe\tДушанбе|UN|Un\tTJ\n\
             p:1-2\tPLACE\tKhujand\t\tTJ\n"
        );
    }
}
