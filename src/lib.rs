//! gazex finds the people, organisations, places and dates in large collections of reports
//! and turns them into data: one JSON Lines record per entity mention, and co-occurrence
//! tables (who appears with whom, where and when) that graph tools load as they are.
//!
//! The library holds the whole pipeline and is usable without the command line:
//!
//! ```
//! use gazex::{Document, Gazetteer, Pipeline};
//! let g = Gazetteer::from_tsv("demo.tsv", "id\ttype\tname\taliases\n\
//!     person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov|Halimov\n").unwrap();
//! let p = Pipeline::builder().gazetteer(g).build().unwrap();
//! let doc = Document { id: "d1".into(), text: "Colonel Gulmurod\nKhalimov defected.".into(), ..Default::default() };
//! let out = p.process(&doc);
//! assert_eq!(out.mentions.len(), 1);
//! assert_eq!(&doc.text[out.mentions[0].byte_start..out.mentions[0].byte_end], "Gulmurod\nKhalimov");
//! ```
//!
//! Stages, one module each, in the order data flows: [`corpus`] (find inputs) →
//! [`document`] (read and decode) → [`normalize`] (folded view with offset map) →
//! [`gazetteer`] (names and automaton) → [`dates`] → [`resolve`] (boundaries, case, overlaps) →
//! [`sentence`] → [`pipeline`] (the per-document function) → [`record`] (JSONL schema) →
//! [`cooccur`] (counts) → [`tables`] and [`output`] (files), driven by [`run`].

pub mod checkpoint;
pub mod chunk;
pub mod cooccur;
pub mod corpus;
pub mod dates;
pub mod document;
pub mod error;
pub mod eval;
pub mod export;
pub mod gazetteer;
pub mod import;
pub mod lines;
pub mod merge;
pub mod normalize;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod record;
pub mod report;
pub mod resolve;
pub mod resume;
pub mod run;
pub mod sentence;
pub mod tables;

pub use document::Document;
pub use error::{Diagnostic, Error, Result};
pub use gazetteer::Gazetteer;
pub use pipeline::{Mention, Pipeline, Processed, Target};
