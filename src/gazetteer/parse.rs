//! Reading gazetteer TSV files: header, rows, case column, attribute columns, and validation
//! that reports every problem at once with file:line. It does not build the name table.

use super::{CasePolicy, Entry, Gazetteer, Source};
use crate::error::Diagnostic;
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

/// `s.trim()`, at once when `s` begins and ends with visible ASCII.
#[inline]
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(0x21..=0x7e), Some(0x21..=0x7e)) => s,
        _ => s.trim(),
    }
}

/// Parses one gazetteer file's text into `g`, appending every problem to `diags`.
pub(super) fn parse_into<'t>(
    g: &mut Gazetteer,
    path: &str,
    text: &'t str,
    first_seen: &mut Seen<'t>,
    diags: &mut Vec<Diagnostic>,
) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut header: Option<Vec<String>> = None;
    let mut cols = Columns::default();
    let mut attr_index: Vec<usize> = Vec::new();
    let file = g.sources.len();
    g.sources.push(Source {
        path: path.to_string(),
        fingerprint: fingerprint(text.as_bytes()),
        entries: 0,
    });
    let err = |diags: &mut Vec<Diagnostic>, line: usize, m: String| {
        diags.push(Diagnostic {
            path: path.to_string(),
            line,
            message: m,
        })
    };
    let mut fields: Vec<&str> = Vec::new();
    g.entries
        .reserve(memchr::memchr_iter(b'\n', text.as_bytes()).count());
    for (n, raw) in split(text, b'\n', true).enumerate() {
        let line_no = n + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        fields.clear();
        fields.extend(split(line, b'\t', false));
        let Some(h) = &header else {
            let names: Vec<String> = fields.iter().map(|f| f.trim().to_lowercase()).collect();
            let missing: Vec<&str> = REQUIRED
                .iter()
                .filter(|r| !names.iter().any(|n| n == *r))
                .copied()
                .collect();
            if !missing.is_empty() {
                err(
                    diags,
                    line_no,
                    format!(
                        "header lacks column(s) {}: the first line must be a tab-separated header such as `id\ttype\tname\taliases`",
                        missing.join(", ")
                    ),
                );
                return;
            }
            cols = Columns::from_header(&names);
            for (i, name) in names.iter().enumerate() {
                if !matches!(name.as_str(), "id" | "type" | "name" | "aliases" | "case") {
                    attr_index.push(g.attribute_column(name));
                    cols.attrs.push(i);
                }
            }
            header = Some(names);
            continue;
        };
        if fields.len() != h.len() {
            err(
                diags,
                line_no,
                format!(
                    "has {} tab-separated columns, the header has {}",
                    fields.len(),
                    h.len()
                ),
            );
            continue;
        }
        let get = |i: Option<usize>| i.and_then(|i| fields.get(i)).map(|s| trim(s)).unwrap_or("");
        let id = get(cols.id);
        let kind = get(cols.kind);
        let name = get(cols.name);
        let mut ok = true;
        if id.is_empty() {
            err(diags, line_no, "empty id".into());
            ok = false;
        }
        if !is_type(kind) {
            err(
                diags,
                line_no,
                format!("type `{kind}` is not an upper-case word such as PERSON, ORG or PLACE"),
            );
            ok = false;
        }
        if name.is_empty() {
            err(diags, line_no, "empty name".into());
            ok = false;
        }
        let case = match get(cols.case) {
            "" | "smart" => CasePolicy::Smart,
            "exact" => CasePolicy::Exact,
            "fold" => CasePolicy::Fold,
            other => {
                err(
                    diags,
                    line_no,
                    format!("unknown case `{other}`: use smart, exact or fold"),
                );
                ok = false;
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
            // Folding keeps every letter and digit (it drops only marks, and changes case,
            // dashes, apostrophes and spaces), so this is "folds to something matchable".
            if !nm.chars().any(|c| c.is_alphanumeric()) {
                err(
                    diags,
                    line_no,
                    format!("name `{nm}` has no letter or digit, so it can never match"),
                );
                ok = false;
            }
        }
        if !id.is_empty() {
            match first_seen.entry(id) {
                std::collections::hash_map::Entry::Occupied(o) => {
                    let (f, l) = *o.get();
                    let p = g.sources.get(f).map_or("", |s| s.path.as_str());
                    err(
                        diags,
                        line_no,
                        format!("duplicate id `{id}` (first defined at {p}:{l})"),
                    );
                    ok = false;
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert((file, line_no));
                }
            }
        }
        if !ok {
            continue;
        }
        let attrs = cols
            .attrs
            .iter()
            .zip(&attr_index)
            .filter_map(|(&i, &col)| {
                let v = trim(fields.get(i)?);
                (!v.is_empty()).then(|| (col, v.to_string()))
            })
            .collect();
        g.sources[file].entries += 1;
        g.entries.push(Entry {
            id: id.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            names,
            case,
            attrs,
            file,
            line: line_no,
        });
    }
    if header.is_none() {
        err(
            diags,
            0,
            "no header line: the first line must be a tab-separated header such as `id\ttype\tname\taliases`".into(),
        );
    }
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
