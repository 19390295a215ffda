//! `gazex merge -o <DIR> <PART_DIR>...`: merge the output folders of several `extract` runs
//! over disjoint document sets (shards) into one, as if one run had read all documents
//! (CONTRACT "Command line"). Parts made with different gazetteers or options are refused
//! (exit 2).

use super::out::note;
use anyhow::Result;
use std::path::PathBuf;

/// Merge the output folders of several extract runs (shards) into one.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output folders of `gazex extract`, in document order.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// The merged output folder, created if missing.
    #[arg(short = 'o', long = "out", required = true)]
    out: PathBuf,
    /// Overwrite an earlier gazex output in the output folder.
    #[arg(long)]
    force: bool,
    /// No summary.
    #[arg(short, long)]
    quiet: bool,
}

pub(crate) fn run(a: Args) -> Result<i32> {
    let parts: Vec<&std::path::Path> = a.parts.iter().map(PathBuf::as_path).collect();
    super::guard::folder(&a.out, "-o", false, &parts)?;
    let spill = super::tuning().spill_pairs;
    let s = crate::merge::merge(&a.parts, &a.out, a.force, spill)?;
    if !a.quiet {
        note!(
            "gazex: merged {} parts: {} documents, {} mentions of {} entities, {} pairs -> {}",
            s.parts,
            s.documents,
            s.mentions,
            s.entities,
            s.pairs,
            a.out.display()
        );
    }
    Ok(0)
}
