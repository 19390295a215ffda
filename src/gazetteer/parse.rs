//! Reading gazetteer TSV files: header, rows, case column, attribute columns, and validation
//! that reports every problem at once with file:line. It does not build the name table.

use super::{CasePolicy, Entry, Gazetteer, Source};
use crate::error::Diagnostic;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

const REQUIRED: [&str; 3] = ["id", "type", "name"];

/// The ids seen so far: where each was first defined (index into `Gazetteer::sources`, line).
pub(super) type Seen<'t> = FxHashMap<&'t str, (usize, usize)>;

/// The pieces of `s` between the bytes `sep` (as `str::split`, by byte for speed: memchr
/// for long pieces such as lines, a plain loop for short ones such as fields).
fn split(s: &str, sep: u8, long: bool) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        let at = if long {
            memchr::memchr(sep, r.as_bytes())
        } else {
            r.bytes().position(|b| b == sep)
        };
        match at {
            // `sep` is ASCII, so both sides are on character boundaries.
            Some(i) => {
                rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// `s.trim()` (byte order marks trimmed too), at once when `s` begins and ends with visible
/// ASCII.
#[inline]
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(0x21..=0x7e), Some(0x21..=0x7e)) => s,
        _ => s.trim_matches(|c: char| c.is_whitespace() || c == BOM),
    }
}

const BOM: char = '\u{feff}';

/// The text with every line end made one the rows can be split at: a lone CR (old Mac files)
/// becomes LF; LF and CRLF are read as they are.
pub(super) fn unify_line_ends(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let lone = memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'));
    lone.then(|| text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Can the name ever match: does its folded form keep a letter or digit? (Folding keeps
/// every letter and digit but for a few that are punctuation in disguise, such as `ʼ`.)
fn matchable(name: &str) -> bool {
    if name.is_ascii() {
        return name.bytes().any(|b| b.is_ascii_alphanumeric());
    }
    crate::normalize::fold(name, crate::normalize::FoldOptions::default())
        .chars()
        .any(char::is_alphanumeric)
}

/// Bytes of rows parsed per parallel task.
const BLOCK_BYTES: usize = 64 << 10;

/// Parses one gazetteer file's text into `g`, appending every problem to `diags`. Rows are
/// parsed in parallel (on rayon's current pool) in blocks of lines, then taken in order.
pub(super) fn parse_into<'t>(
    g: &mut Gazetteer,
    path: &str,
    text: &'t str,
    first_seen: &mut Seen<'t>,
    diags: &mut Vec<Diagnostic>,
) -> Parsed<'t> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let file = g.sources.len();
    g.sources.push(Source {
        path: path.to_string(),
        fingerprint: String::new(),
        entries: 0,
    });
    let (header, line_no, rest) = find_header(text);
    if header.is_some_and(|h| h.contains(BOM)) {
        g.warnings.push(bom_warning(path, line_no));
    }
    let Some(names) = header_columns(header, path, line_no, diags) else {
        return Parsed::default();
    };
    let mut cols = Columns::from_header(&names);
    let mut attr_index: Vec<usize> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if !matches!(name.as_str(), "id" | "type" | "name" | "aliases" | "case") {
            attr_index.push(g.attribute_column(name));
            cols.attrs.push(i);
        }
    }
    let layout = Layout {
        cols,
        attr_index,
        width: names.len(),
        file,
    };
    // The file's fingerprint is taken while its rows are parsed.
    let (fp, mut parsed) = rayon::join(
        || fingerprint(text.as_bytes()),
        || -> Vec<Vec<Row<'t>>> {
            line_blocks(rest, line_no + 1)
                .par_iter()
                .map(|&(first, block)| parse_block(block, first, &layout))
                .collect()
        },
    );
    let kept = check_rows(g, path, &mut parsed, first_seen, diags);
    if let Some(s) = g.sources.get_mut(file) {
        s.fingerprint = fp;
        s.entries = kept;
    }
    Parsed(parsed)
}

/// The header (the first line that is neither blank nor a comment, a BOM left out), its line
/// number, and the text after it.
fn find_header(text: &str) -> (Option<&str>, usize, &str) {
    let mut rest = text;
    let mut line_no = 0;
    while !rest.is_empty() {
        let (raw, tail) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i + 1..).unwrap_or("")),
            None => (rest, ""),
        };
        rest = tail;
        line_no += 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if !(line.trim().is_empty() || line.starts_with('#')) {
            return (Some(line.trim_start_matches(BOM)), line_no, rest);
        }
    }
    (None, line_no, rest)
}

/// The column names of the header (lower case), or None with the problem in `diags`: no
/// header, a column named twice, a required column missing.
fn header_columns(
    header: Option<&str>,
    path: &str,
    line_no: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    let mut err = |line: usize, message: String| {
        diags.push(Diagnostic {
            path: path.to_string(),
            line,
            message,
        });
        None
    };
    let Some(header) = header else {
        return err(
            0,
            "no header line: the first line must be a tab-separated header such as `id\ttype\tname\taliases`".into(),
        );
    };
    let names: Vec<String> = split(header, b'\t', false)
        .map(|f| trim(f).to_lowercase())
        .collect();
    let mut twice: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, n)| names.get(..*i).is_some_and(|before| before.contains(n)))
        .map(|(_, n)| n.as_str())
        .collect();
    twice.dedup();
    if !twice.is_empty() {
        return err(
            line_no,
            format!(
                "column(s) {} appear more than once in the header: name each column once",
                twice.join(", ")
            ),
        );
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|r| !names.iter().any(|n| n == *r))
        .copied()
        .collect();
    if !missing.is_empty() {
        return err(
            line_no,
            format!(
                "header lacks column(s) {}: the first line must be a tab-separated header such as `id\ttype\tname\taliases`",
                missing.join(", ")
            ),
        );
    }
    Some(names)
}

/// Takes the problems of the parsed rows of the file `path` (the last source of `g`) in
/// order, checks their ids against those seen before, and gives the number of rows kept. Ids
/// the built-in gazetteers define too make one problem for the file, not one a row.
fn check_rows<'t>(
    g: &mut Gazetteer,
    path: &str,
    parsed: &mut [Vec<Row<'t>>],
    first_seen: &mut Seen<'t>,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let file = g.sources.len().saturating_sub(1);
    let err = |diags: &mut Vec<Diagnostic>, line: usize, message: String| {
        diags.push(Diagnostic {
            path: path.to_string(),
            line,
            message,
        })
    };
    first_seen.reserve(parsed.iter().map(Vec::len).sum());
    let mut kept = 0;
    let mut builtin_dups: Option<(usize, String)> = None;
    let mut n_builtin_dups = 0;
    for row in parsed.iter_mut().flatten() {
        for m in std::mem::take(&mut row.errors) {
            err(diags, row.line, m);
        }
        if row.bom {
            g.warnings.push(bom_warning(path, row.line));
        }
        if !row.id.is_empty() {
            match first_seen.entry(row.id) {
                std::collections::hash_map::Entry::Occupied(o) => {
                    let (f, l) = *o.get();
                    let p = g.sources.get(f).map_or("", |s| s.path.as_str());
                    if p.starts_with(BUILTIN_PREFIX) && !path.starts_with(BUILTIN_PREFIX) {
                        n_builtin_dups += 1;
                        builtin_dups
                            .get_or_insert_with(|| (row.line, format!("`{}` of {p}:{l}", row.id)));
                    } else {
                        err(
                            diags,
                            row.line,
                            format!("duplicate id `{}` (first defined at {p}:{l})", row.id),
                        );
                    }
                    row.entry = None;
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert((file, row.line));
                }
            }
        }
        kept += usize::from(row.entry.is_some());
    }
    if let Some((line, first)) = builtin_dups {
        err(
            diags,
            line,
            format!(
                "{n_builtin_dups} ids of this file are ids of the built-in gazetteers too (the first: {first}): the built-ins are loaded unless --no-builtin; add --no-builtin to use only the files given, or give these entries ids of their own"
            ),
        );
    }
    kept
}

/// The rows of a file, in blocks, checked for duplicate ids: those whose entry is left are
/// added by [`add_entries`].
#[derive(Default)]
pub(super) struct Parsed<'t>(Vec<Vec<Row<'t>>>);

/// Appends the entries of parsed files, in order. The rows are moved into place in
/// parallel, a block per task: most of the cost is the first touch of the new memory.
pub(super) fn add_entries(g: &mut Gazetteer, files: Vec<Parsed<'_>>) {
    let blocks: Vec<Vec<Row<'_>>> = files.into_iter().flat_map(|p| p.0).collect();
    let counts: Vec<usize> = blocks
        .iter()
        .map(|b| b.iter().filter(|r| r.entry.is_some()).count())
        .collect();
    let start = g.entries.len();
    let total: usize = counts.iter().sum();
    g.entries
        .par_extend((0..total).into_par_iter().map(|_| Entry::default()));
    let mut slots: Vec<&mut [Entry]> = Vec::with_capacity(blocks.len());
    let mut rest = g.entries.get_mut(start..).unwrap_or_default();
    for &c in &counts {
        let (here, tail) = rest.split_at_mut(c.min(rest.len()));
        slots.push(here);
        rest = tail;
    }
    slots.into_par_iter().zip(blocks).for_each(|(slot, block)| {
        let entries = block.into_iter().filter_map(|r| r.entry);
        for (s, e) in slot.iter_mut().zip(entries) {
            *s = e;
        }
    });
}

/// What a row needs of its file's header.
struct Layout {
    cols: Columns,
    /// For each attribute column of the file: its index in `Gazetteer::attribute_columns`.
    attr_index: Vec<usize>,
    /// Number of columns.
    width: usize,
    /// Index of the file in `Gazetteer::sources`.
    file: usize,
}

/// One parsed row: its problems, and its entry when it has none (its id is still checked
/// for duplicates); `bom` when the line held a byte order mark (a warning).
struct Row<'t> {
    line: usize,
    id: &'t str,
    errors: Vec<String>,
    entry: Option<Entry>,
    bom: bool,
}

/// How the built-in gazetteers are named among the sources.
const BUILTIN_PREFIX: &str = "<builtin>/";

fn bom_warning(path: &str, line: usize) -> Diagnostic {
    Diagnostic {
        path: path.to_string(),
        line,
        message:
            "warning: a byte order mark (U+FEFF) inside the file, left out (files joined together?)"
                .into(),
    }
}

/// `text` cut after a line end about every [`BLOCK_BYTES`], with the line number each
/// piece begins at.
fn line_blocks(text: &str, first_line: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut rest, mut line) = (text, first_line);
    while !rest.is_empty() {
        let cut = rest
            .as_bytes()
            .get(BLOCK_BYTES..)
            .and_then(|tail| memchr::memchr(b'\n', tail))
            .map_or(rest.len(), |i| BLOCK_BYTES + i + 1);
        let (block, tail) = (
            rest.get(..cut).unwrap_or(rest),
            rest.get(cut..).unwrap_or(""),
        );
        out.push((line, block));
        line += memchr::memchr_iter(b'\n', block.as_bytes()).count();
        rest = tail;
    }
    out
}

/// Parses the rows of a block of lines, the first being line `first`.
fn parse_block<'t>(block: &'t str, first: usize, layout: &Layout) -> Vec<Row<'t>> {
    let mut rows = Vec::with_capacity(memchr::memchr_iter(b'\n', block.as_bytes()).count() + 1);
    let mut fields: Vec<&str> = Vec::new();
    let cols = &layout.cols;
    for (n, raw) in split(block, b'\n', true).enumerate() {
        let line_no = first + n;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let bom = !line.is_ascii() && line.contains(BOM);
        let line = line.trim_start_matches(BOM);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        fields.clear();
        fields.extend(split(line, b'\t', false));
        let mut errors = Vec::new();
        if fields.len() != layout.width {
            errors.push(format!(
                "has {} tab-separated columns, the header has {}",
                fields.len(),
                layout.width
            ));
            rows.push(Row {
                line: line_no,
                id: "",
                errors,
                entry: None,
                bom,
            });
            continue;
        }
        let get = |i: Option<usize>| i.and_then(|i| fields.get(i)).map(|s| trim(s)).unwrap_or("");
        let id = get(cols.id);
        let kind = get(cols.kind);
        let name = get(cols.name);
        if id.is_empty() {
            errors.push("empty id".into());
        }
        if !is_type(kind) {
            errors.push(format!(
                "type `{kind}` is not an upper-case word such as PERSON, ORG or PLACE"
            ));
        }
        if name.is_empty() {
            errors.push("empty name".into());
        }
        let case = match get(cols.case) {
            "" | "smart" => CasePolicy::Smart,
            "exact" => CasePolicy::Exact,
            "fold" => CasePolicy::Fold,
            other => {
                errors.push(format!("unknown case `{other}`: use smart, exact or fold"));
                CasePolicy::Smart
            }
        };
        let mut names: Vec<String> = Vec::new();
        if !name.is_empty() {
            names.push(name.to_string());
        }
        for a in split(get(cols.aliases), b'|', false) {
            let a = trim(a);
            if !a.is_empty() {
                names.push(a.to_string());
            }
        }
        for nm in &names {
            if !matchable(nm) {
                errors.push(format!(
                    "name `{nm}` has no letter or digit once folded, so it can never match: drop it or write it out"
                ));
            }
        }
        let entry = errors.is_empty().then(|| Entry {
            id: id.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            names,
            case,
            attrs: cols
                .attrs
                .iter()
                .zip(&layout.attr_index)
                .filter_map(|(&i, &col)| {
                    let v = trim(fields.get(i)?);
                    (!v.is_empty()).then(|| (col, v.to_string()))
                })
                .collect(),
            file: layout.file,
            line: line_no,
        });
        rows.push(Row {
            line: line_no,
            id,
            errors,
            entry,
            bom,
        });
    }
    rows
}

#[derive(Default)]
struct Columns {
    id: Option<usize>,
    kind: Option<usize>,
    name: Option<usize>,
    aliases: Option<usize>,
    case: Option<usize>,
    attrs: Vec<usize>,
}

impl Columns {
    fn from_header(names: &[String]) -> Self {
        let pos = |n: &str| names.iter().position(|x| x == n);
        Columns {
            id: pos("id"),
            kind: pos("type"),
            name: pos("name"),
            aliases: pos("aliases"),
            case: pos("case"),
            attrs: Vec::new(),
        }
    }
}

fn is_type(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// FNV-1a 64-bit hash as 16 hex digits: a stable fingerprint of a file's bytes.
pub(crate) fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
