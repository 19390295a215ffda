//! The `gazex` command line, for the binary (`src/main.rs`): definitions (clap derive) and
//! dispatch. Each subcommand turns its arguments into library configuration in its own file;
//! the rest of the library never sees clap, and reads no environment variable (the tuning
//! knobs of the environment are read here, into the run's configuration).

mod completions;
mod eval;
mod export;
mod extract;
mod gazetteer;
mod guard;
mod merge;
mod out;
mod progress;
mod report;

use crate::config::Tuning;
use out::note;

use clap::{Parser, Subcommand};

/// Find the people, organisations, places and dates in report collections; write mentions as
/// JSON Lines and co-occurrence tables for graph tools.
#[derive(Debug, Parser)]
#[command(name = "gazex", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read documents, find entities, write the output folder.
    Extract(Box<extract::Args>),
    /// Validate, summarise or import gazetteers.
    #[command(subcommand)]
    Gazetteer(gazetteer::Command),
    /// Merge the output folders of several extract runs (shards) into one.
    Merge(merge::Args),
    /// Write the co-occurrence network of an output folder for graph tools.
    Export(export::Args),
    /// Score mention records against gold spans: P/R/F1 per type, strict and relaxed.
    Eval(eval::Args),
    /// Write one self-contained HTML page over an output folder: summary, network, timeline.
    Report(report::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionArgs),
    /// Print the man page (roff) of gazex or of one subcommand.
    Man(completions::ManArgs),
}

/// Runs the command line; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let shown = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    // Help into a closed pipe is fine; into a full disk it is a failure.
                    match shown {
                        Err(w) if w.kind() != std::io::ErrorKind::BrokenPipe => {
                            note!("gazex: error: cannot write standard output: {w}");
                            1
                        }
                        _ => 0,
                    }
                }
                _ => 2,
            };
        }
    };
    let result = match cli.command {
        Command::Extract(a) => extract::run(*a),
        Command::Gazetteer(c) => gazetteer::run(c),
        Command::Merge(a) => merge::run(a),
        Command::Export(a) => export::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Report(a) => report::run(a),
        Command::Completions(a) => completions::completions(a),
        Command::Man(a) => completions::man(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

/// The run's tuning, with the knobs set in the environment (for tests and small machines:
/// README "Input documents" and "Co-occurrence tables"): `GAZEX_BATCH_DOCS` documents per
/// batch, `GAZEX_CHECKPOINT_MS` a fixed time between checkpoints (0: after every batch),
/// `GAZEX_SPILL_PAIRS` pairs held in memory before they spill, `GAZEX_CHUNK_BYTES` bytes per
/// chunk of a long text. A variable that does not hold a number (above 0, but for the
/// checkpoint time) is ignored.
pub(crate) fn tuning() -> Tuning {
    let knob = |name: &str| -> Option<u64> { std::env::var(name).ok()?.trim().parse().ok() };
    let size = |name: &str| {
        knob(name)
            .filter(|&n| n > 0)
            .and_then(|n| usize::try_from(n).ok())
    };
    let d = Tuning::default();
    Tuning {
        batch_docs: size("GAZEX_BATCH_DOCS").unwrap_or(d.batch_docs),
        checkpoint_every: knob("GAZEX_CHECKPOINT_MS").map(std::time::Duration::from_millis),
        spill_pairs: size("GAZEX_SPILL_PAIRS").unwrap_or(d.spill_pairs),
        chunk_bytes: size("GAZEX_CHUNK_BYTES").unwrap_or(d.chunk_bytes),
    }
}

/// Prints an error and gives its exit status: 0 for a closed standard output (the reader
/// stopped: nothing is wrong), 2 for usage and configuration, 1 for the rest.
fn report(e: &anyhow::Error) -> i32 {
    if out::closed_pipe(e) {
        return 0;
    }
    if let Some(ge) = e.downcast_ref::<crate::Error>() {
        note!("gazex: error: {ge}");
        return ge.exit_code();
    }
    note!("gazex: error: {e:#}");
    1
}
