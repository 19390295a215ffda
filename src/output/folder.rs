//! The files gazex derives from a finished output folder (the report, the graph exports),
//! which `--force` removes with the run they describe.

use std::path::Path;

/// What gazex writes into an output folder besides the run's own files: the default report
/// and the default folder of the graph exports.
pub(crate) const DERIVED: [&str; 2] = ["report.html", "graph"];

/// Removes what gazex derived from an earlier run of the folder `dir` (the report and the
/// files of the graph exports, found by name; any other file is left), since they no longer
/// describe it. Empty folders of the exports go too.
pub(crate) fn remove_derived(dir: &Path) -> std::io::Result<()> {
    let gone = |p: &Path| match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    };
    gone(&dir.join("report.html"))?;
    let graph = dir.join("graph");
    if !graph.is_dir() {
        return Ok(());
    }
    for f in crate::export::Format::ALL {
        for name in f.files() {
            // The folder of each format, and the shared folder earlier versions wrote to.
            gone(&graph.join(f.name()).join(name))?;
            gone(&graph.join(name))?;
        }
        let _ = std::fs::remove_dir(graph.join(f.name()));
    }
    let _ = std::fs::remove_dir(&graph);
    Ok(())
}
