//! gazex finds the people, organisations, places and dates in large collections of reports
//! and turns them into data: one JSON Lines record per entity mention, and co-occurrence
//! tables (who appears with whom, where and when) that graph tools load as they are.
//!
//! The library holds the whole job; the `gazex` command line adds the corpus walk, the
//! parallel run with checkpoints and the output folder around it. Documents in, mentions
//! out, then the tables:
//!
//! ```
//! use gazex::{CoocOptions, Cooccurrence, Document, Gazetteer, Pipeline, Target};
//!
//! let gazetteer = Gazetteer::from_tsv(
//!     "demo.tsv",
//!     "id\ttype\tname\taliases\n\
//!      person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov|Halimov\n\
//!      place:kaluga\tPLACE\tKaluga\t\n",
//! )?;
//! let pipeline = Pipeline::builder().gazetteer(gazetteer).build()?;
//! let doc = |id: &str, text: &str| Document { id: id.into(), text: text.into(), ..Default::default() };
//! let docs = [
//!     doc("d1", "Colonel Gulmurod\nKhalimov was seen in Kaluga in May 2015."),
//!     doc("d2", "Halimov left Kaluga."),
//! ];
//! let (mut records, mut counts) = (Vec::new(), Cooccurrence::default());
//! for d in &docs {
//!     let found = pipeline.process(d);
//!     // Every mention points at the exact text it was found in.
//!     let first = &found.mentions[0];
//!     assert!(matches!(first.target, Target::Entry(_)));
//!     assert!(d.text[first.byte_start..first.byte_end].ends_with("alimov"));
//!     gazex::write_mentions(&mut records, d, &found, pipeline.gazetteer());
//!     counts += found.cooccurrence(&pipeline, &CoocOptions::default());
//! }
//! assert_eq!(String::from_utf8(records)?.lines().count(), 5); // with the date, `May 2015`
//! let (mut entities, mut pairs) = (Vec::new(), Vec::new());
//! counts.write_tables(&pipeline, &mut entities, &mut pairs)?;
//! let pairs = String::from_utf8(pairs)?;
//! // source, target, their types, documents, sentences, window, npmi
//! assert_eq!(
//!     pairs.lines().nth(1),
//!     Some("person:khalimov\tplace:kaluga\tPERSON\tPLACE\t2\t2\t0\t1.000000")
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The stages, one module each, in the order data flows (ARCHITECTURE.md draws them):
//! corpus (find inputs) → document (read and decode) → normalize (a folded view with an
//! offset map) → gazetteer (the name table) → dates → resolve (boundaries, case, overlaps)
//! → sentence → pipeline (the per-document function) → record (the JSON Lines schema) →
//! cooccur (counts) → tables and output (files), driven by run; merge and export work on
//! finished output folders.

#![deny(missing_docs)]

mod arrow;
mod checkpoint;
mod chunk;
pub mod cli;
mod config;
mod cooccur;
mod corpus;
mod dates;
mod document;
mod error;
mod eval;
mod export;
mod gazetteer;
mod import;
mod lines;
mod manifest;
mod merge;
mod normalize;
mod output;
mod paths;
mod pipeline;
mod record;
mod report;
mod resolve;
mod resume;
mod run;
mod sentence;
mod tables;

pub use cooccur::CoocOptions;
pub use dates::{DateMention, DateOrder};
pub use document::Document;
pub use error::{Diagnostic, Error, Result};
pub use export::{export, ExportOptions, ExportSummary, Format as ExportFormat};
pub use gazetteer::{CasePolicy, Entry, Gazetteer, Source};
pub use merge::{merge, MergeSummary};
pub use pipeline::{Cue, Mention, Origin, Pipeline, PipelineBuilder, Processed, Rules, Target};
pub use record::write_mentions;
pub use resolve::Match;
pub use tables::Cooccurrence;

/// Internals that this repository's fuzz targets, benchmarks and examples reach: not part of
/// the API (no documentation, no stability).
#[doc(hidden)]
pub mod internals {
    pub use crate::dates::{DateFinder, DateOptions};
    pub use crate::document::{decode_into, parse_jsonl_line, ReadOptions};
    pub use crate::gazetteer::Matcher;
    pub use crate::normalize::{fold_into, is_word_char, FoldOptions, Folded};
    pub use crate::resolve::find_mentions;
}
