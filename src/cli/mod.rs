//! Command-line definitions (clap derive) and dispatch. The library never sees clap: each
//! subcommand turns its arguments into library configuration in its own file.

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

use out::note;

use clap::{Parser, Subcommand};

/// Find the people, organisations, places and dates in report collections; write mentions as
/// JSON Lines and co-occurrence tables for graph tools.
#[derive(Debug, Parser)]
#[command(name = "gazex", version, about, long_about = None)]
pub struct Cli {
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

/// Prints an error and gives its exit status: 0 for a closed standard output (the reader
/// stopped: nothing is wrong), 2 for usage and configuration, 1 for the rest.
fn report(e: &anyhow::Error) -> i32 {
    if out::closed_pipe(e) {
        return 0;
    }
    if let Some(ge) = e.downcast_ref::<gazex::Error>() {
        note!("gazex: error: {ge}");
        return if ge.is_usage() { 2 } else { 1 };
    }
    note!("gazex: error: {e:#}");
    1
}
