//! `manifest.json`: what a finished `extract` or `merge` was (version, options, gazetteers,
//! counts, the first warnings, timings; README "Output folder"). One serde type, written by
//! both and read by `--resume`, `merge` and `report`. On disk the keys are in alphabetical
//! order, two-space indented, with a final newline; fields are declared in that order so the
//! file is byte for byte what earlier versions wrote. While a run is in progress the file is a
//! short note saying so ([`incomplete`]), which reads as a manifest that is not complete.

use crate::config::{ExtractConfig, Summary};
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The contents of `manifest.json`. Fields a file lacks read as their defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Manifest {
    /// True once every file of the folder is written.
    pub(crate) complete: bool,
    /// What was read and found.
    pub(crate) counts: Counts,
    /// One fingerprint of all gazetteer files, in load order.
    pub(crate) gazetteer_fingerprint: String,
    /// The gazetteer files, in load order.
    pub(crate) gazetteers: Vec<GazetteerFile>,
    /// The version of gazex that wrote the folder.
    pub(crate) gazex: String,
    /// For an extract: what it read (paths, format, the listing's fingerprint), so that a
    /// `--resume` can tell whether it is given the same inputs (see `resume`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) inputs: Option<serde_json::Value>,
    /// For a merge: the part folders, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) merged_from: Option<Vec<String>>,
    /// The options as given (names and values of the command line).
    pub(crate) options: serde_json::Value,
    /// Seconds spent.
    pub(crate) timings: Timings,
    /// The first warnings (at most 1000).
    pub(crate) warnings: Vec<Warning>,
}

/// The counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Counts {
    /// Input bytes.
    pub(crate) bytes: u64,
    /// Documents read (including skipped ones).
    pub(crate) documents: u64,
    /// Documents with warnings.
    pub(crate) documents_with_warnings: u64,
    /// Distinct entities.
    pub(crate) entities: u64,
    /// Mentions written.
    pub(crate) mentions: u64,
    /// Distinct pairs.
    pub(crate) pairs: u64,
    /// Warnings in all.
    pub(crate) warnings: u64,
}

/// One gazetteer file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct GazetteerFile {
    /// Rows loaded from it.
    pub(crate) entries: u64,
    /// FNV-1a fingerprint of its bytes.
    pub(crate) fingerprint: String,
    /// Path, or `<builtin>/NAME`.
    pub(crate) path: String,
}

/// Timings, in seconds rounded to milliseconds. A merge records only `seconds`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Timings {
    /// Until every document was processed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) documents_seconds: Option<f64>,
    /// With `--resume`: documents done before the interruption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resumed_after_documents: Option<u64>,
    /// The whole run.
    pub(crate) seconds: f64,
    /// Writing the tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tables_seconds: Option<f64>,
}

/// One warning of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Warning {
    /// Document id.
    pub(crate) doc: String,
    /// What is wrong.
    pub(crate) warning: String,
}

/// Seconds rounded to milliseconds.
pub(crate) fn millis(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

impl Manifest {
    /// The manifest of a finished extract run that read `inputs` (see `resume::inputs_record`).
    pub(crate) fn of_run(
        pipeline: &Pipeline,
        cfg: &ExtractConfig,
        s: &Summary,
        inputs: serde_json::Value,
    ) -> Self {
        let g = pipeline.gazetteer();
        Manifest {
            complete: true,
            counts: Counts {
                bytes: s.bytes,
                documents: s.documents,
                documents_with_warnings: s.warned_documents,
                entities: s.entities as u64,
                mentions: s.mentions,
                pairs: s.pairs as u64,
                warnings: s.warnings,
            },
            gazetteer_fingerprint: g.fingerprint(),
            gazetteers: g
                .sources
                .iter()
                .map(|s| GazetteerFile {
                    entries: s.entries as u64,
                    fingerprint: s.fingerprint.clone(),
                    path: s.path.clone(),
                })
                .collect(),
            gazex: env!("CARGO_PKG_VERSION").into(),
            inputs: Some(inputs),
            merged_from: None,
            options: cfg.options.clone(),
            timings: Timings {
                documents_seconds: Some(millis(s.documents_seconds)),
                resumed_after_documents: Some(s.resumed_documents),
                seconds: millis(s.seconds),
                tables_seconds: Some(millis(s.tables_seconds)),
            },
            warnings: s
                .first_warnings
                .iter()
                .map(|(d, w)| Warning {
                    doc: d.clone(),
                    warning: w.clone(),
                })
                .collect(),
        }
    }

    /// Reads the manifest of output folder `dir`; an error names the file and what to do.
    pub(crate) fn read(dir: &Path) -> Result<Self> {
        let p = dir.join("manifest.json");
        let text =
            crate::lines::read_file(&p, crate::lines::MAX_LINE).map_err(|e| Error::io(&p, e))?;
        serde_json::from_slice(&text).map_err(|e| {
            Error::Usage(format!(
                "{}: not a gazex manifest ({e}): give output folders of `gazex extract`",
                p.display()
            ))
        })
    }

    /// The manifest of `dir` if it says the run is complete.
    pub(crate) fn read_complete(dir: &Path) -> Option<Self> {
        Self::read(dir).ok().filter(|m| m.complete)
    }

    /// The file's bytes.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        pretty(self)
    }
}

/// The bytes of the `manifest.json` of a run in progress or interrupted.
pub(crate) fn incomplete() -> Vec<u8> {
    #[derive(Serialize)]
    struct Incomplete {
        gazex: &'static str,
        complete: bool,
        note: &'static str,
    }
    pretty(&Incomplete {
        gazex: env!("CARGO_PKG_VERSION"),
        complete: false,
        note: "run in progress or interrupted: `gazex extract --resume` with the same options continues it",
    })
}

/// Two-space indented JSON and a newline (serializing these types cannot fail: every map key
/// is a string).
fn pretty<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_default();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_and_writes_keys_in_alphabetical_order() {
        let m = Manifest {
            complete: true,
            counts: Counts {
                documents: 3,
                ..Counts::default()
            },
            gazex: "0.1.0".into(),
            options: serde_json::json!({"window": 0, "builtin": true}),
            timings: Timings {
                seconds: 0.5,
                ..Timings::default()
            },
            ..Manifest::default()
        };
        let bytes = m.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        // The same bytes as a serde_json map (keys sorted) of the same values.
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let mut again = serde_json::to_vec_pretty(&value).unwrap();
        again.push(b'\n');
        assert_eq!(text, String::from_utf8(again).unwrap());
        assert!(text.starts_with("{\n  \"complete\": true,\n  \"counts\": {\n    \"bytes\": 0,"));
        assert!(!text.contains("merged_from") && !text.contains("tables_seconds"));
        let back: Manifest = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn the_note_of_a_run_in_progress_reads_as_incomplete() {
        let text = String::from_utf8(incomplete()).unwrap();
        assert!(text.starts_with("{\n  \"gazex\": \""), "{text}");
        let m: Manifest = serde_json::from_str(&text).unwrap();
        assert!(!m.complete);
    }
}
