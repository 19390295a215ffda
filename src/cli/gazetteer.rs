//! `gazex gazetteer check|stats <PATH>...`: validate gazetteer files (every problem with
//! file:line) and summarise them.

use anyhow::Result;
use gazex::Gazetteer;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Validate gazetteer files: every error with file:line; warnings for ambiguous names.
    Check {
        /// Gazetteer files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Check them together with the built-in gazetteers (duplicate ids, ambiguity).
        #[arg(long)]
        with_builtin: bool,
    },
    /// Summarise gazetteers: entries and names per type and per file.
    Stats {
        /// Gazetteer files or folders (none: the built-in gazetteers).
        paths: Vec<PathBuf>,
    },
}

pub fn run(c: Command) -> Result<i32> {
    match c {
        Command::Check {
            paths,
            with_builtin,
        } => {
            let g = Gazetteer::load(&paths, with_builtin)?;
            let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, e) in g.entries.iter().enumerate() {
                let mut seen = std::collections::HashSet::new();
                for n in &e.names {
                    let f = gazex::normalize::fold(n, Default::default());
                    if seen.insert(f.clone()) {
                        by_name.entry(f).or_default().push(i);
                    }
                }
            }
            let mut amb: Vec<_> = by_name.into_iter().filter(|(_, v)| v.len() > 1).collect();
            amb.sort();
            for (name, v) in &amb {
                let first = &g.entries[v[0]];
                let others: Vec<String> = v[1..].iter().map(|&i| g.entries[i].id.clone()).collect();
                println!(
                    "{}:{}: warning: name `{name}` of {} is also a name of {} (the first row wins)",
                    g.sources[first.file].path,
                    first.line,
                    first.id,
                    others.join(", ")
                );
            }
            println!(
                "ok: {} entries in {} files, {} ambiguous names",
                g.entries.len(),
                g.sources.len(),
                amb.len()
            );
            Ok(0)
        }
        Command::Stats { paths } => {
            let g = Gazetteer::load(&paths, paths.is_empty())?;
            let mut by_type: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
            for e in &g.entries {
                let t = by_type.entry(e.kind.as_str()).or_default();
                t.0 += 1;
                t.1 += e.names.len();
            }
            println!("file\tentries\tfingerprint");
            for s in &g.sources {
                println!("{}\t{}\t{}", s.path, s.entries, s.fingerprint);
            }
            println!("\ntype\tentries\tnames");
            for (t, (e, n)) in by_type {
                println!("{t}\t{e}\t{n}");
            }
            Ok(0)
        }
    }
}
