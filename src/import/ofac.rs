//! The US Treasury OFAC SDN list in its `sdn.csv` layout: no header; columns `ent_num,
//! SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
//! Vess_owner, Remarks`; `-0-` means empty.
//!
//! - `individual` rows become PERSON. OFAC writes them `LAST, First`; the canonical name is
//!   `First Last` with the surname in title case (`KHALIMOV, Gulmurod` -> `Gulmurod Khalimov`)
//!   and `LAST, First` as written is an alias.
//! - Rows with no type (`-0-`) are entities and become ORG.
//! - `vessel` and `aircraft` rows are skipped (counted).
//! - Aliases come from the remarks: `a.k.a. 'NAME'`, `f.k.a. 'NAME'` (former) and
//!   `n.k.a. 'NAME'` (now known as); an individual's alias written `LAST, First` gives both
//!   forms. Remarks cut short by OFAC (an alias without its closing quote) are ignored.
//!
//! Ids are `ofac:<ent_num>`; attributes `source` (`OFAC SDN`) and `program` (comma-separated).

use super::{next_record, title_case, Row, Sink, Summary};
use crate::error::Result;
use regex::Regex;
use std::io::{BufRead, Write};
use std::sync::OnceLock;

fn alias_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // The alias ends at the first quote followed by `;`, `.`, `)`, `,` or the end, so
        // names with apostrophes (`JAMA'AT`, `ABU-'UMAR`) stay whole.
        #[allow(clippy::expect_used)]
        Regex::new(r"\b[afn]\.k\.a\.,?\s*'(.+?)'(?:[;.),]|\s*$)").expect("valid regex")
    })
}

fn cell(r: &csv::StringRecord, i: usize) -> &str {
    let v = r.get(i).unwrap_or("").trim();
    if v == "-0-" {
        ""
    } else {
        v
    }
}

/// `LAST, First` -> `First Last` (surname in title case); other names title-cased.
pub(crate) fn person_name(sdn: &str) -> String {
    match sdn.split_once(',') {
        Some((last, first)) if !first.trim().is_empty() && !last.trim().is_empty() => {
            format!("{} {}", first.trim(), title_case(last.trim()))
        }
        _ => title_case(sdn.trim()),
    }
}

/// The aliases in a remarks cell.
pub(crate) fn aliases(remarks: &str) -> Vec<String> {
    alias_re()
        .captures_iter(remarks)
        .filter_map(|c| c.get(1).map(|m| m.as_str().trim().to_string()))
        .filter(|a| !a.is_empty())
        .collect()
}

pub(super) fn import(
    input: Box<dyn BufRead + Send>,
    path: &str,
    out: &mut dyn Write,
    out_name: &str,
) -> Result<Summary> {
    let mut sink = Sink::new(
        out,
        out_name,
        &format!("Imported by gazex from {path} (OFAC SDN list, public domain)"),
        &["source", "program"],
    )?;
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut rec = csv::StringRecord::new();
    while next_record(&mut rd, &mut rec, &mut sink.summary, path)? {
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() == 1
            && rec
                .get(0)
                .is_some_and(|c| c.trim_matches(['\u{1a}', ' ']).is_empty())
        {
            continue; // a DOS end-of-file mark
        }
        if rec.len() < 3 {
            sink.summary.warn(
                "row with fewer than 3 columns",
                format!("{path}:{line}: row with {} columns, expected 12", rec.len()),
            );
            continue;
        }
        let ent = cell(&rec, 0);
        let sdn = cell(&rec, 1);
        let kind = cell(&rec, 2).to_lowercase();
        let program = cell(&rec, 3)
            .split("] [")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(",");
        let remarks = rec.get(11).map_or("", |r| r.trim());
        let akas = aliases(remarks);
        let row = match kind.as_str() {
            "individual" => {
                let mut names = vec![person_name(sdn), sdn.to_string()];
                for a in akas {
                    if a.contains(',') {
                        names.push(person_name(&a));
                    }
                    names.push(a);
                }
                Row {
                    id: format!("ofac:{ent}"),
                    kind: "PERSON".into(),
                    name: names.remove(0),
                    aliases: names,
                    attrs: vec!["OFAC SDN".into(), program],
                }
            }
            "" => Row {
                id: format!("ofac:{ent}"),
                kind: "ORG".into(),
                name: sdn.to_string(),
                aliases: akas,
                attrs: vec!["OFAC SDN".into(), program],
            },
            "vessel" | "aircraft" => {
                sink.summary
                    .skip(&format!("{kind} (not a person or organisation)"));
                continue;
            }
            other => {
                sink.summary.warn(
                    "unknown SDN type",
                    format!("{path}:{line}: unknown SDN type `{other}`: skipped"),
                );
                continue;
            }
        };
        if ent.is_empty() || sdn.is_empty() {
            sink.summary.warn(
                "row without ent_num or name",
                format!("{path}:{line}: row without ent_num or name: skipped"),
            );
            continue;
        }
        sink.push(row)?;
    }
    sink.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases() {
        assert_eq!(person_name("KHALIMOV, Gulmurod"), "Gulmurod Khalimov");
        assert_eq!(person_name("AL-BAGHDADI"), "Al-Baghdadi");
        assert_eq!(
            aliases("DOB 1962; a.k.a. 'Haji Rohullah'; a.k.a. 'ABU-'UMAR'; f.k.a. 'JAMA'AT UL DAWA'; Linked To: ISIL."),
            vec!["Haji Rohullah", "ABU-'UMAR", "JAMA'AT UL DAWA"]
        );
        assert_eq!(aliases("a.k.a. 'BNC'."), vec!["BNC"]);
        assert_eq!(aliases("a.k.a. 'WHOIS HACKIN"), Vec::<String>::new());
    }
}
