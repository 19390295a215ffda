//! Finding the documents: files as given, folders walked in sorted order with an explicit
//! stack (no recursion, so a folder nested thousands of levels deep cannot overflow the
//! stack), each file listed once however the inputs overlap, no gazex output folder (nor the
//! run's own `-o`) taken for input, and document ids made unique (`a.txt#2`).

use super::Entry;
use crate::error::Error;
use crate::paths::{is_output_folder, resolve};
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs::{DirEntry, Metadata};
use std::path::{Path, PathBuf};

/// What the walk found: the entries in order with the metadata read of each, warnings about
/// the inputs as a whole, and the ids given to documents whose id was taken (new id ->
/// warning for the document).
#[derive(Debug, Default)]
pub(super) struct Found {
    pub(super) entries: Vec<(Entry, Option<Metadata>)>,
    pub(super) warnings: Vec<String>,
    pub(super) renamed: HashMap<String, String>,
}

/// One folder being walked: its entries left, sorted by name.
struct Frame {
    dir: PathBuf,
    /// Its path relative to the input argument, `/`-separated ("" for the argument itself).
    rel: String,
    entries: std::vec::IntoIter<(OsString, DirEntry)>,
}

struct Walk {
    follow: bool,
    /// The run's output folder, resolved, and what identifies it on disk (when it exists).
    out: Option<PathBuf>,
    out_key: Option<FileKey>,
    /// Real folders visited, with the input argument that listed them (symbolic-link loops
    /// are walked once).
    dirs: HashMap<FileKey, usize>,
    /// Files listed (by device and inode), with the input argument that listed them, so that
    /// overlapping inputs read each file once (within one input, a link is a document of its
    /// own).
    files: HashMap<FileKey, usize>,
    /// The input argument being walked.
    arg: usize,
    /// Real folders walked (each once, whatever links lead to it).
    dirs_walked: HashSet<FileKey>,
    /// Files and folders left out because an earlier input listed them.
    repeated: usize,
    found: Found,
}

/// Lists every input in order (see the module comment); `out` is the run's output folder.
pub(super) fn walk_inputs(
    inputs: &[PathBuf],
    follow: bool,
    out: Option<&Path>,
) -> Result<Found, Error> {
    let mut w = Walk {
        follow,
        out: out.map(resolve),
        out_key: out.and_then(|o| Some(FileKey::of(o, &std::fs::metadata(o).ok()?))),
        dirs: HashMap::new(),
        files: HashMap::new(),
        arg: 0,
        dirs_walked: HashSet::new(),
        repeated: 0,
        found: Found::default(),
    };
    for (arg, input) in inputs.iter().enumerate() {
        w.arg = arg;
        if input.as_os_str() == "-" {
            w.found.entries.push((Entry::Stdin, None));
            continue;
        }
        let meta = std::fs::metadata(input)
            .map_err(|e| Error::Runtime(format!("{}: cannot read input: {e}", input.display())))?;
        if let Some(o) = &w.out {
            if resolve(input).starts_with(o) {
                return Err(Error::Usage(format!(
                    "{}: this input is in the output folder {}: pick another --out",
                    input.display(),
                    o.display()
                )));
            }
        }
        let before = w.repeated;
        if meta.is_dir() {
            w.tree(input, &meta);
        } else {
            let id = input.file_name().map_or_else(
                || input.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            w.file(input, id, meta);
        }
        if w.repeated > before {
            w.found.warnings.push(format!(
                "{}: {} file(s) or folder(s) already listed by an earlier input (overlapping inputs): each file is read once",
                input.display(),
                w.repeated - before
            ));
        }
    }
    let mut found = w.found;
    unique_ids(&mut found);
    Ok(found)
}

impl Walk {
    /// Lists a file, unless an earlier input listed it.
    fn file(&mut self, path: &Path, id: String, meta: Metadata) {
        if meta.is_file() {
            let first = *self
                .files
                .entry(FileKey::of(path, &meta))
                .or_insert(self.arg);
            if first != self.arg {
                self.repeated += 1;
                return;
            }
        }
        let e = if meta.is_file() {
            Entry::File(path.to_path_buf(), id, meta.len())
        } else {
            Entry::Skipped(
                path.to_path_buf(),
                id,
                "skipped: not a regular file (FIFO, socket or device)".into(),
            )
        };
        self.found.entries.push((e, Some(meta)));
    }

    fn skipped(&mut self, path: &Path, id: String, why: String) {
        self.found
            .entries
            .push((Entry::Skipped(path.to_path_buf(), id, why), None));
    }

    /// Opens a folder to walk: None when it was walked already, is an output folder, or
    /// cannot be listed (then a skipped entry says so).
    /// Folders are known by device and inode (`meta` is the folder's), not by canonical path:
    /// resolving a path 1,500 levels deep costs as many look-ups as it has levels, for every
    /// folder on the way.
    fn enter(&mut self, dir: &Path, rel: String, meta: &Metadata) -> Option<Frame> {
        let key = FileKey::of(dir, meta);
        let first = *self.dirs.entry(key.clone()).or_insert(self.arg);
        if first != self.arg {
            self.repeated += 1;
            return None;
        }
        if !self.dirs_walked.insert(key.clone()) {
            return None;
        }
        if self.out_key.as_ref() == Some(&key) {
            self.found.warnings.push(format!(
                "{}: the output folder of this run: not read as input",
                dir.display()
            ));
            return None;
        }
        let mut entries: Vec<(OsString, DirEntry)> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.flatten().map(|e| (e.file_name(), e)).collect(),
            Err(e) => {
                let id = if rel.is_empty() {
                    dir.display().to_string()
                } else {
                    rel
                };
                self.skipped(dir, id, format!("skipped: cannot list folder: {e}"));
                return None;
            }
        };
        if entries.iter().any(|(n, _)| n == "manifest.json") && is_output_folder(dir) {
            self.found.warnings.push(format!(
                "{}: a gazex output folder: not read as input",
                dir.display()
            ));
            return None;
        }
        entries.sort_unstable_by(|x, y| x.0.cmp(&y.0));
        Some(Frame {
            dir: dir.to_path_buf(),
            rel,
            entries: entries.into_iter(),
        })
    }

    /// Walks the folder `root`, depth first in sorted order.
    fn tree(&mut self, root: &Path, meta: &Metadata) {
        let mut stack: Vec<Frame> = self.enter(root, String::new(), meta).into_iter().collect();
        while let Some(top) = stack.last_mut() {
            let Some((name, e)) = top.entries.next() else {
                stack.pop();
                continue;
            };
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let rel = if top.rel.is_empty() {
                name.into_owned()
            } else {
                format!("{}/{name}", top.rel)
            };
            let p = top.dir.join(e.file_name());
            let Ok(lmeta) = e.metadata() else {
                continue;
            };
            let meta = if lmeta.file_type().is_symlink() {
                if !self.follow {
                    continue;
                }
                match std::fs::metadata(&p) {
                    Ok(m) => m,
                    Err(err) => {
                        self.skipped(&p, rel, format!("skipped: broken symbolic link: {err}"));
                        continue;
                    }
                }
            } else {
                lmeta
            };
            if meta.is_dir() {
                if let Some(f) = self.enter(&p, rel, &meta) {
                    stack.push(f);
                }
            } else {
                self.file(&p, rel, meta);
            }
        }
    }
}

/// Gives a document whose id an earlier one took the first free `ID#2`, `ID#3`, ..., and
/// notes it (the warning goes into the document's record).
fn unique_ids(found: &mut Found) {
    let mut taken: HashMap<String, PathBuf> = HashMap::new();
    for (e, _) in &mut found.entries {
        let (Entry::File(path, id, _) | Entry::Skipped(path, id, _)) = e else {
            continue;
        };
        if let Some(first) = taken.get(id.as_str()) {
            let new = (2..)
                .map(|n| format!("{id}#{n}"))
                .find(|c| !taken.contains_key(c))
                .unwrap_or_default();
            found.renamed.insert(
                new.clone(),
                format!(
                    "id `{id}` is taken by {}: this document is `{new}`",
                    first.display()
                ),
            );
            *id = new;
        }
        taken.insert(id.clone(), path.clone());
    }
}

/// What identifies a file on disk, so that one file reached by two inputs is read once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileKey {
    #[cfg(unix)]
    Inode(u64, u64),
    #[allow(dead_code)]
    Path(PathBuf),
}

impl FileKey {
    #[cfg(unix)]
    fn of(_path: &Path, meta: &Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        FileKey::Inode(meta.dev(), meta.ino())
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _meta: &Metadata) -> Self {
        FileKey::Path(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()))
    }
}
