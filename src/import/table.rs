//! A CSV list with a header row: `name` and `type` columns (type may be left out when
//! `--type` gives one for all rows), optional `id` and `aliases` (`|`- or `;`-separated), and
//! any further columns, which become attributes. Column names are matched case-insensitively;
//! types map with [`super::map_type`]. Rows without an id get `<type>:<slug of name>`.

use super::{map_type, next_record, Row, Sink, Summary};
use crate::error::{Diagnostic, Error, Result};
use std::io::{BufRead, Write};

pub(super) fn import(
    input: Box<dyn BufRead + Send>,
    path: &str,
    out: &mut dyn Write,
    out_name: &str,
    opts: &super::Options,
) -> Result<Summary> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let header: Vec<String> = rd
        .headers()
        .map_err(|e| usage(path, 1, format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let pos = |n: &str| header.iter().position(|h| h == n);
    let name_col = pos("name").ok_or_else(|| {
        usage(
            path,
            1,
            "the header has no `name` column: expected name,type[,id,aliases,...]".into(),
        )
    })?;
    let type_col = pos("type");
    if type_col.is_none() && opts.default_type.is_none() {
        return Err(usage(
            path,
            1,
            "the header has no `type` column: add one, or give every row a type with --type PLACE"
                .into(),
        ));
    }
    let id_col = pos("id");
    let alias_col = pos("aliases");
    let attr_cols: Vec<usize> = (0..header.len())
        .filter(|i| ![Some(name_col), type_col, id_col, alias_col].contains(&Some(*i)))
        .filter(|&i| !header[i].is_empty() && header[i] != "case")
        .collect();
    let attr_names: Vec<&str> = attr_cols.iter().map(|&i| header[i].as_str()).collect();
    let mut sink = Sink::new(
        out,
        out_name,
        &format!("Imported by gazex from {path} (CSV)"),
        &attr_names,
    )?;
    let mut rec = csv::StringRecord::new();
    while next_record(&mut rd, &mut rec, &mut sink.summary, path)? {
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
        let name = get(Some(name_col));
        let kind = match get(type_col) {
            "" => opts.default_type.clone().unwrap_or_default(),
            t => map_type(t),
        };
        if name.is_empty() || kind.is_empty() {
            sink.summary.warn(
                "row without name or type",
                format!("{path}:{line}: row without name or type: skipped"),
            );
            continue;
        }
        let aliases = get(alias_col)
            .split(['|', ';'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
        let id = get(id_col).to_string();
        let attrs = attr_cols
            .iter()
            .map(|&i| rec.get(i).unwrap_or("").trim().to_string())
            .collect();
        if !sink.push(Row {
            id,
            kind,
            name: name.to_string(),
            aliases,
            attrs,
        })? && sink.summary.warnings.len() < 20
        {
            sink.summary
                .warnings
                .push(format!("{path}:{line}: no usable name or type: skipped"));
        }
    }
    sink.finish()
}

fn usage(path: &str, line: usize, message: String) -> Error {
    Error::Config(vec![Diagnostic {
        path: path.to_string(),
        line,
        message,
    }])
}
