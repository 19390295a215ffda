//! `gazex extract [OPTIONS] <INPUT>...`: read documents, find entities, write the output
//! folder (CONTRACT "Command line"). Turns the flags into a `Pipeline` and an `ExtractConfig`.

use super::out::note;
use super::progress::Bar;
use crate::config::{ExtractConfig, Summary};
use crate::cooccur::CoocOptions;
use crate::corpus::InputFormat;
use crate::dates::DateOrder;
use crate::document::{parse_doc_date, ReadOptions};
use crate::gazetteer::{compiled, Matcher};
use crate::pipeline::Rules;
use crate::run::{extract, find_inputs};
use crate::{Error, Gazetteer, Pipeline};
use anyhow::Result;
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    Auto,
    Text,
    Jsonl,
    Arrow,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StdoutFormat {
    Jsonl,
    Arrow,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Order {
    Dmy,
    Mdy,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum When {
    Auto,
    Always,
    Never,
}

/// Read documents, find entities, write the output folder.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Files, folders (walked recursively, in sorted order), or `-` for standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// A gazetteer file or a folder of them; repeatable.
    #[arg(short = 'g', long = "gazetteer")]
    gazetteers: Vec<PathBuf>,
    /// Use only the --gazetteer files, not the built-in gazetteers.
    #[arg(long)]
    no_builtin: bool,
    /// Output folder, created if missing [default: output, none with --stdout].
    #[arg(short = 'o', long = "out")]
    out: Option<PathBuf>,
    /// auto: .jsonl/.ndjson (also .gz/.zst) is JSONL, all else is text; arrow: every input is
    /// an Arrow IPC stream or file, one document a row (columns named by the --*-field flags).
    #[arg(long, value_enum, default_value = "auto")]
    input_format: Format,
    /// JSONL field (Arrow column) with the document id.
    #[arg(long, default_value = "id")]
    id_field: String,
    /// JSONL field (Arrow column) with the text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSONL field (Arrow column) with the document date (anchors relative dates).
    #[arg(long, default_value = "date")]
    date_field: String,
    /// Anchor for relative dates when a document has no date of its own (YYYY-MM-DD).
    #[arg(long)]
    doc_date: Option<String>,
    /// Entity types to emit, comma separated [default: all].
    #[arg(long, value_delimiter = ',')]
    types: Vec<String>,
    /// Also count co-occurrences within N tokens; 0 turns it off.
    #[arg(long, default_value_t = 0)]
    window: usize,
    /// Entity types that enter the co-occurrence tables, comma separated [default: all].
    #[arg(long, value_delimiter = ',')]
    cooc_types: Vec<String>,
    /// Reading of ambiguous numeric dates such as 03/04/2024.
    #[arg(long, value_enum, default_value = "dmy")]
    date_order: Order,
    /// Longer documents are truncated there, with a warning.
    #[arg(long, default_value_t = 256 << 20)]
    max_doc_bytes: usize,
    /// Match accents exactly instead of folding them (Khalímov ≠ Khalimov).
    #[arg(long)]
    keep_diacritics: bool,
    /// Do not match romanisation variants (`Muhtar Jumaev` for `Mukhtar Dzhumaev`).
    #[arg(long)]
    no_variants: bool,
    /// Do not match PERSON names with their last part first (`Umarov Doku`).
    #[arg(long)]
    no_reorder: bool,
    /// Do not match a surname alone after the full name in the same document.
    #[arg(long)]
    no_short_forms: bool,
    /// Do not match acronyms defined in the text (`the Islamic Jihad Union (IJU)`).
    #[arg(long)]
    no_acronyms: bool,
    /// Take the first listed entry for a shared name, and keep places inside person names.
    #[arg(long)]
    no_disambiguation: bool,
    /// Follow symbolic links while walking folders.
    #[arg(long)]
    follow: bool,
    /// Overwrite a non-empty output folder.
    #[arg(long, conflicts_with = "resume")]
    force: bool,
    /// Continue an interrupted run in the same output folder (same inputs and options).
    #[arg(long)]
    resume: bool,
    /// Worker threads [default: all cores].
    #[arg(short = 'j', long)]
    threads: Option<usize>,
    /// Stream entity records to standard output instead of entities.jsonl.
    #[arg(long)]
    stdout: bool,
    /// Format of the records on standard output: JSON lines, or an Arrow IPC stream (typed
    /// columns and each record's JSON line; see README "Arrow").
    #[arg(long, value_enum, default_value = "jsonl", requires = "stdout")]
    stdout_format: StdoutFormat,
    /// Progress bar on standard error (auto: only on a terminal).
    #[arg(long, value_enum, default_value = "auto")]
    progress: When,
    /// No progress, no summary.
    #[arg(short, long)]
    quiet: bool,
}

fn type_set(v: &[String], flag: &str) -> Result<Option<HashSet<String>>, Error> {
    if v.is_empty() {
        return Ok(None);
    }
    let mut s = HashSet::new();
    for t in v {
        let t = t.trim().to_uppercase();
        if t.is_empty()
            || !t
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(Error::Usage(format!(
                "{flag}: `{t}` is not an entity type such as PERSON,ORG,PLACE,DATE"
            )));
        }
        s.insert(t);
    }
    Ok(Some(s))
}

pub(crate) fn run(a: Args) -> Result<i32> {
    // Every problem with the flags is listed at once, before any work.
    let out = match (&a.out, a.stdout) {
        (Some(o), _) => Some(o.clone()),
        (None, false) => Some(PathBuf::from("output")),
        (None, true) => None,
    };
    let mut problems = flag_problems(&a, out.as_deref());
    let doc_date = match &a.doc_date {
        Some(s) => {
            let d = parse_doc_date(s);
            if d.is_none() {
                problems.push(format!("--doc-date `{s}` is not a date: use YYYY-MM-DD"));
            }
            d
        }
        None => None,
    };
    let types = type_set(&a.types, "--types");
    let cooc_types = type_set(&a.cooc_types, "--cooc-types");
    for r in [&types, &cooc_types] {
        if let Err(e) = r {
            problems.push(e.to_string());
        }
    }
    // Parallel parts of start-up (compiling the gazetteer) use the threads asked for.
    let threads = a.threads.unwrap_or(0);
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    // The inputs are found (folders walked, files sized) while the gazetteer compiles.
    let finding = {
        let (inputs, follow, o) = (a.inputs.clone(), a.follow, out.clone());
        std::thread::spawn(move || find_inputs(&inputs, follow, o.as_deref()))
    };
    let (gazetteer, matcher, builtin) = load_gazetteer(&a);
    if !problems.is_empty() {
        let mut msg = problems.join("\n");
        if let Err(e) = &gazetteer {
            msg.push('\n');
            msg.push_str(&e.to_string());
        }
        return Err(Error::Usage(msg).into());
    }
    let (types, cooc_types) = (types?, cooc_types?);
    let gazetteer = gazetteer?;
    for w in &gazetteer.warnings {
        note!("gazex: {w}");
    }
    check_types(
        &gazetteer,
        &[("--types", &types), ("--cooc-types", &cooc_types)],
    )?;
    let pipeline = Pipeline::builder()
        .gazetteer(gazetteer)
        .types(types.clone())
        .date_order(match a.date_order {
            Order::Dmy => DateOrder::Dmy,
            Order::Mdy => DateOrder::Mdy,
        })
        .doc_date(doc_date)
        .keep_diacritics(a.keep_diacritics)
        .tokens(a.window > 0)
        .rules(rules(&a))
        .matcher(matcher)
        .build()?;
    let cfg = config(&a, out, threads, (types, cooc_types), builtin);
    let show = !a.quiet
        && match a.progress {
            When::Always => true,
            When::Never => false,
            When::Auto => std::io::stderr().is_terminal(),
        };
    let bar = Bar::new(show);
    let found = finding
        .join()
        .unwrap_or_else(|_| Err(Error::Internal("the input walk stopped".into())));
    if let Ok(f) = &found {
        for w in &f.warnings {
            note!("gazex: warning: {w}");
        }
    }
    let s = extract(&pipeline, &cfg, &bar, found)?;
    // The process ends next: freeing every gazetteer row one by one would only delay it.
    std::mem::forget(pipeline);
    if !a.quiet {
        summary(&s, cfg.out.as_deref());
    }
    Ok(0)
}

/// The problems of the flags that can be seen before any work: values out of range,
/// inputs that cannot be read, an output folder (`out`) that cannot be written.
fn flag_problems(a: &Args, out: Option<&Path>) -> Vec<String> {
    let mut problems = Vec::new();
    if a.threads == Some(0) {
        problems
            .push("--threads 0: give at least 1 (or leave it out to use all cores)".to_string());
    }
    if a.max_doc_bytes == 0 {
        problems.push("--max-doc-bytes must be at least 1".into());
    }
    for p in &a.inputs {
        if p.as_os_str() == "-" {
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => problems.push(format!(
                "{}: input not found or unreadable: {e}",
                p.display()
            )),
            Ok(m) if m.is_dir() => {
                if let Err(e) = std::fs::read_dir(p) {
                    problems.push(format!(
                        "{}: input folder cannot be listed: {e}",
                        p.display()
                    ));
                }
            }
            Ok(_) => {}
        }
    }
    if let Some(o) = out {
        if let Err(e) = super::guard::folder(o, "--out", false, &[]) {
            problems.push(e.to_string());
        }
    }
    problems
}

/// The gazetteers of `--gazetteer` (and the built-ins): TSV files, or one compiled gazetteer
/// that brings its name table and stands alone; and whether the built-ins are in (a compiled
/// file says itself).
fn load_gazetteer(a: &Args) -> (Result<Gazetteer, Error>, Option<Matcher>, bool) {
    let compiled = a.gazetteers.iter().any(|p| compiled::is_compiled(p));
    let builtin = !a.no_builtin;
    if !compiled {
        return (Gazetteer::load(&a.gazetteers, builtin), None, builtin);
    }
    let [one] = a.gazetteers.as_slice() else {
        let e = Error::Usage(
            "a compiled gazetteer must be the only --gazetteer: compile the others with it".into(),
        );
        return (Err(e), None, builtin);
    };
    match compiled::load(one, a.no_builtin) {
        Ok((g, m, rebuilt, with_builtin)) => {
            if rebuilt && !a.quiet {
                note!(
                    "gazex: {}: a source changed since it was compiled: compiled again",
                    one.display()
                );
            }
            (Ok(g), Some(m), with_builtin)
        }
        Err(e) => (Err(e), None, builtin),
    }
}

/// The matching rules that the `--no-...` flags leave on.
fn rules(a: &Args) -> Rules {
    Rules {
        variants: !a.no_variants,
        reorder: !a.no_reorder,
        short_forms: !a.no_short_forms,
        acronyms: !a.no_acronyms,
        disambiguation: !a.no_disambiguation,
    }
}

/// The run's configuration from the flags (and the tuning knobs of the environment).
fn config(
    a: &Args,
    out: Option<PathBuf>,
    threads: usize,
    (types, cooc_types): (Option<HashSet<String>>, Option<HashSet<String>>),
    builtin: bool,
) -> ExtractConfig {
    let rules = rules(a);
    let sorted = |s: &Option<HashSet<String>>| {
        s.as_ref().map(|s| {
            let mut v: Vec<_> = s.iter().cloned().collect();
            v.sort();
            v
        })
    };
    let options = serde_json::json!({
        "input_format": format!("{:?}", a.input_format).to_lowercase(),
        "id_field": a.id_field, "text_field": a.text_field, "date_field": a.date_field,
        "doc_date": a.doc_date, "types": sorted(&types), "cooc_types": sorted(&cooc_types),
        "window": a.window, "date_order": format!("{:?}", a.date_order).to_lowercase(),
        "max_doc_bytes": a.max_doc_bytes, "keep_diacritics": a.keep_diacritics,
        "builtin": builtin,
        "rules": {"variants": rules.variants, "reorder": rules.reorder,
            "short_forms": rules.short_forms, "acronyms": rules.acronyms,
            "disambiguation": rules.disambiguation},
    });
    ExtractConfig {
        inputs: a.inputs.clone(),
        out,
        format: match a.input_format {
            Format::Auto => InputFormat::Auto,
            Format::Text => InputFormat::Text,
            Format::Jsonl => InputFormat::Jsonl,
            Format::Arrow => InputFormat::Arrow,
        },
        read: ReadOptions {
            max_doc_bytes: a.max_doc_bytes,
            id_field: a.id_field.clone(),
            text_field: a.text_field.clone(),
            date_field: a.date_field.clone(),
        },
        follow: a.follow,
        force: a.force,
        resume: a.resume,
        stdout: a.stdout,
        stdout_format: match a.stdout_format {
            StdoutFormat::Jsonl => crate::arrow::StdoutFormat::Jsonl,
            StdoutFormat::Arrow => crate::arrow::StdoutFormat::Arrow,
        },
        threads,
        cooc: CoocOptions {
            types: cooc_types,
            window: a.window,
        },
        options,
        tuning: super::tuning(),
    }
}

/// Refuses entity types that nothing loaded can produce (`PERSN` for `PERSON`), naming the
/// types that exist: those of the gazetteers' rows, and DATE.
fn check_types(g: &Gazetteer, flags: &[(&str, &Option<HashSet<String>>)]) -> Result<(), Error> {
    let known: std::collections::BTreeSet<&str> = g
        .entries
        .iter()
        .map(|e| e.kind.as_str())
        .chain(crate::pipeline::STAGE_TYPES.iter().copied())
        .collect();
    let mut problems = Vec::new();
    for (flag, set) in flags {
        let mut unknown: Vec<&str> = set
            .iter()
            .flatten()
            .map(String::as_str)
            .filter(|t| !known.contains(t))
            .collect();
        unknown.sort_unstable();
        if !unknown.is_empty() {
            problems.push(format!(
                "{flag}: no loaded gazetteer or stage gives the type(s) {}: the types are {}",
                unknown.join(", "),
                known.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Usage(problems.join("\n")))
    }
}

/// `N thing` or `N things`.
fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The line on standard error at the end of a run.
fn summary(s: &Summary, out: Option<&Path>) {
    let shown = out.map(|o| o.display().to_string()).unwrap_or_default();
    if s.already_complete {
        note!("gazex: {shown} already holds a complete run of these inputs with these options: nothing to resume");
        return;
    }
    if s.resumed_documents > 0 {
        note!(
            "gazex: resumed after {} done before the interruption",
            count(s.resumed_documents, "document", "documents")
        );
    }
    // The rate counts what this process read, not what the interrupted run had.
    let mb = s.bytes as f64 / 1e6;
    let read = s.bytes.saturating_sub(s.resumed_bytes) as f64 / 1e6;
    note!(
        "gazex: {} ({:.1} MB), {} of {}, {}, {} in {}; {:.2} s ({:.1} MB/s){}",
        count(s.documents, "document", "documents"),
        mb,
        count(s.mentions, "mention", "mentions"),
        count(s.entities as u64, "entity", "entities"),
        count(s.pairs as u64, "pair", "pairs"),
        count(s.warnings, "warning", "warnings"),
        count(s.warned_documents, "document", "documents"),
        s.seconds,
        read / s.seconds.max(1e-9),
        out.map(|o| format!(" -> {}", o.display()))
            .unwrap_or_default()
    );
}
