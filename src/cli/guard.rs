//! Guards on output paths, shared by the subcommands: an output must not be one of the
//! command's inputs, lie inside a folder it reads as a source (which would then take in its
//! own output next time), or replace a file of a gazex output folder (which would then no
//! longer be what its manifest says). A refusal is a usage error (exit status 2) given before
//! anything is written. Paths are compared resolved, so `./a`, `a/../a` and links to `a` are
//! one place.

use crate::output::{DERIVED, FILES};
use crate::paths::{output_folder_of, resolve};
use crate::Error;
use std::path::{Component, Path};

/// Refuses the file `out` (given with `flag`) when it is one of `read`, lies inside one of the
/// folders `walked`, is a folder, or is a file of a gazex output folder other than the names
/// in `own` (what this command writes there itself, such as the report).
pub(crate) fn file(
    out: &Path,
    flag: &str,
    own: &[&str],
    read: &[&Path],
    walked: &[&Path],
) -> Result<(), Error> {
    let o = resolve(out);
    let shown = out.display();
    if o.is_dir() {
        return refuse(format!("{flag} {shown}: is a folder: give a file name"));
    }
    for p in read.iter().chain(walked) {
        if resolve(p) == o {
            return refuse(format!(
                "{flag} {shown}: is an input of this command: writing it would destroy it; pick another {flag}"
            ));
        }
    }
    for p in walked {
        let r = resolve(p);
        if r.is_dir() && o.starts_with(&r) {
            return refuse(format!(
                "{flag} {shown}: lies inside the source folder {}, which would then read it as a source; pick another {flag}",
                p.display()
            ));
        }
    }
    // The output folder `out` lies in, and any folder read that holds it (an output folder
    // whose manifest is missing is still one).
    let roots = output_folder_of(out)
        .into_iter()
        .chain(read.iter().filter_map(|p| {
            let r = resolve(p);
            let rel = o.strip_prefix(&r).ok()?.to_path_buf();
            r.is_dir().then_some((r, rel))
        }));
    for (root, rel) in roots {
        let first = first_name(&rel);
        let ours = FILES.contains(&first.as_str())
            || DERIVED.contains(&first.as_str())
            || first.starts_with(".gazex-");
        if ours && !own.contains(&rel.to_string_lossy().as_ref()) {
            return refuse(format!(
                "{flag} {shown}: is a file of the gazex output folder {}: writing it would break that output; pick another {flag}",
                root.display()
            ));
        }
    }
    Ok(())
}

/// Refuses the folder `out` (given with `flag`) when it is a file, one of `read` or inside
/// one, or inside a gazex output folder; with `exports`, the `graph/` folder of an output
/// folder is where exports go and is allowed.
pub(crate) fn folder(out: &Path, flag: &str, exports: bool, read: &[&Path]) -> Result<(), Error> {
    let o = resolve(out);
    let shown = out.display();
    if o.exists() && !o.is_dir() {
        return refuse(format!(
            "{flag} {shown}: exists and is not a folder: pick another {flag}"
        ));
    }
    let graph_ok = |rel: &Path| exports && first_name(rel) == "graph";
    for p in read {
        let r = resolve(p);
        if r == o {
            return refuse(format!(
                "{flag} {shown}: is an input of this command: pick another {flag}"
            ));
        }
        if let Ok(rel) = o.strip_prefix(&r) {
            if !graph_ok(rel) {
                return refuse(format!(
                    "{flag} {shown}: lies inside the input {}: pick a folder outside it{}",
                    p.display(),
                    if exports {
                        " (or inside its graph/ folder)"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    if let Some((root, rel)) = output_folder_of(out) {
        if !graph_ok(&rel) {
            return refuse(format!(
                "{flag} {shown}: lies inside the gazex output folder {}{}: pick a folder outside it",
                root.display(),
                if exports {
                    " (or inside its graph/ folder)"
                } else {
                    ""
                }
            ));
        }
    }
    Ok(())
}

/// The first name of a relative path (`graph` of `graph/csv/nodes.csv`).
fn first_name(rel: &Path) -> String {
    match rel.components().next() {
        Some(Component::Normal(n)) => n.to_string_lossy().into_owned(),
        _ => String::new(),
    }
}

fn refuse(m: String) -> Result<(), Error> {
    Err(Error::Usage(m))
}
