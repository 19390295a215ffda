//! The GeoNames dump (`cities15000.txt`, `allCountries.txt`, a country's `XX.txt`): tab-separated,
//! no header, columns `geonameid, name, asciiname, alternatenames (comma-separated), latitude,
//! longitude, feature class, feature code, country code, cc2, admin1..admin4, population,
//! elevation, dem, timezone, modification date`.
//!
//! Every kept row becomes a PLACE with id `geonames:<geonameid>`, canonical `name`, the
//! `asciiname` and the alternate names written in the wanted scripts (`--scripts`, default
//! Latin) as aliases, and the attributes `country`, `lat`, `lon`, `geonames`, `feature`
//! (`class.code`) and `population` (the first four are the columns of the built-in places).
//! Alternate names that are codes rather than names (3 capital letters or fewer, such as
//! IATA codes, anything with a digit, links) are left out. Rows are kept by feature class
//! (default `A` and `P`: countries, regions, populated places) and minimum population.

use super::{next_record, Row, Sink, Summary};
use crate::error::{Error, Result};
use std::io::{BufRead, Write};

/// The scripts `--scripts` accepts, with their Unicode blocks.
pub(crate) const SCRIPTS: &[(&str, &[(u32, u32)])] = &[
    (
        "latin",
        &[
            (0x41, 0x5A),
            (0x61, 0x7A),
            (0xAA, 0xAA),
            (0xBA, 0xBA),
            (0xC0, 0xD6),
            (0xD8, 0xF6),
            (0xF8, 0x2AF),
            (0x1D00, 0x1D7F),
            (0x1E00, 0x1EFF),
            (0x2C60, 0x2C7F),
            (0xA720, 0xA7FF),
            (0xAB30, 0xAB6F),
            (0xFF21, 0xFF3A),
            (0xFF41, 0xFF5A),
        ],
    ),
    (
        "cyrillic",
        &[
            (0x400, 0x52F),
            (0x1C80, 0x1C8F),
            (0x2DE0, 0x2DFF),
            (0xA640, 0xA69F),
        ],
    ),
    ("greek", &[(0x370, 0x3FF), (0x1F00, 0x1FFF)]),
    (
        "arabic",
        &[
            (0x600, 0x6FF),
            (0x750, 0x77F),
            (0x8A0, 0x8FF),
            (0xFB50, 0xFDFF),
            (0xFE70, 0xFEFF),
        ],
    ),
    ("hebrew", &[(0x590, 0x5FF), (0xFB1D, 0xFB4F)]),
    ("armenian", &[(0x530, 0x58F)]),
    ("georgian", &[(0x10A0, 0x10FF), (0x1C90, 0x1CBF)]),
    ("devanagari", &[(0x900, 0x97F)]),
    ("thai", &[(0xE00, 0xE7F)]),
    (
        "han",
        &[
            (0x2E80, 0x2FDF),
            (0x3005, 0x3007),
            (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF),
            (0xF900, 0xFAFF),
            (0x20000, 0x3FFFF),
        ],
    ),
    (
        "kana",
        &[(0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F)],
    ),
    (
        "hangul",
        &[(0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)],
    ),
];

/// The blocks of the named scripts; an error naming the unknown ones and the known ones.
pub(crate) fn script_ranges(names: &[String]) -> Result<Vec<(u32, u32)>> {
    let mut out = Vec::new();
    for n in names {
        let n = n.trim().to_lowercase();
        let n = match n.as_str() {
            "cjk" | "chinese" => "han".to_string(),
            "japanese" | "hiragana" | "katakana" => "kana".to_string(),
            "korean" => "hangul".to_string(),
            _ => n,
        };
        match SCRIPTS.iter().find(|(s, _)| *s == n) {
            Some((_, r)) => out.extend_from_slice(r),
            None => {
                let known: Vec<&str> = SCRIPTS.iter().map(|(s, _)| *s).collect();
                return Err(Error::Usage(format!(
                    "unknown script `{n}`: use a comma-separated list of {}",
                    known.join(", ")
                )));
            }
        }
    }
    Ok(out)
}

/// True when every letter of `name` is in one of `ranges` (digits, marks, punctuation and
/// spaces do not count), and it has a letter.
pub(crate) fn in_scripts(name: &str, ranges: &[(u32, u32)]) -> bool {
    let mut letters = 0;
    for c in name.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        let u = c as u32;
        if !ranges.iter().any(|&(a, b)| a <= u && u <= b) {
            return false;
        }
    }
    letters > 0
}

/// Alternate names that are codes or links rather than names.
fn is_code(name: &str) -> bool {
    let n = name.trim();
    n.contains("://")
        || n.chars().any(|c| c.is_ascii_digit())
        || (n.chars().count() <= 3 && n.chars().all(|c| c.is_ascii_uppercase()))
}

pub(super) fn import(
    input: Box<dyn BufRead + Send>,
    path: &str,
    out: &mut dyn Write,
    out_name: &str,
    opts: &super::Options,
) -> Result<Summary> {
    let ranges = script_ranges(&opts.scripts)?;
    let classes: Vec<String> = opts
        .feature_classes
        .iter()
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    let mut sink = Sink::new(
        out,
        out_name,
        &format!("Imported by gazex from {path} (GeoNames, CC BY 4.0, geonames.org)"),
        &["country", "lat", "lon", "geonames", "feature", "population"],
    )?;
    let mut rd = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut rec = csv::StringRecord::new();
    while next_record(&mut rd, &mut rec, &mut sink.summary, path)? {
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        if get(0).starts_with('#') {
            continue;
        }
        if rec.len() < 15 || get(0).parse::<u64>().is_err() {
            sink.summary.warn(
                "not a GeoNames row",
                format!(
                    "{path}:{line}: not a GeoNames row ({} columns, expected 19, the first a number)",
                    rec.len()
                ),
            );
            continue;
        }
        let class = get(6).to_uppercase();
        if !classes.is_empty() && !classes.contains(&class) {
            sink.summary
                .skip("feature class not wanted (--feature-classes)");
            continue;
        }
        let population: u64 = get(14).parse().unwrap_or(0);
        if population < opts.min_population {
            sink.summary.skip("population below --min-population");
            continue;
        }
        let mut aliases = vec![get(2).to_string()];
        aliases.extend(
            get(3)
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty() && !is_code(a) && in_scripts(a, &ranges))
                .map(str::to_string),
        );
        sink.push(Row {
            id: format!("geonames:{}", get(0)),
            kind: "PLACE".into(),
            name: get(1).to_string(),
            aliases,
            attrs: vec![
                get(8).to_string(),
                get(4).to_string(),
                get(5).to_string(),
                get(0).to_string(),
                format!("{class}.{}", get(7)),
                get(14).to_string(),
            ],
        })?;
    }
    sink.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts() {
        let latin = script_ranges(&["latin".into()]).unwrap();
        let lc = script_ranges(&["latin".into(), "cyrillic".into()]).unwrap();
        assert!(in_scripts("Düsseldorf", &latin));
        assert!(in_scripts("Saint-Étienne", &latin));
        assert!(!in_scripts("Душанбе", &latin));
        assert!(in_scripts("Душанбе", &lc));
        assert!(!in_scripts("دوشنبه", &lc));
        assert!(!in_scripts("123", &lc));
        assert!(script_ranges(&["klingon".into()]).is_err());
        assert!(is_code("DYU") && is_code("https://x") && !is_code("Dushanbe"));
    }
}
