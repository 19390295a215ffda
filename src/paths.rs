//! Paths: two spellings of one place made equal, and gazex output folders recognised (a folder
//! whose `manifest.json` is gazex's, written first thing by every run), for the readers that
//! must not take one for input and the writers that must not write over one.

use std::path::{Component, Path, PathBuf};

/// The largest `manifest.json` read to tell whether a folder is gazex's.
const MANIFEST_LIMIT: u64 = 64 << 20;

/// Is `dir` a gazex output folder (complete or not)?
pub(crate) fn is_output_folder(dir: &Path) -> bool {
    use std::io::Read;
    let m = dir.join("manifest.json");
    if !m.is_file() {
        return false;
    }
    let mut text = Vec::new();
    let read = std::fs::File::open(&m).and_then(|f| f.take(MANIFEST_LIMIT).read_to_end(&mut text));
    read.is_ok()
        && serde_json::from_slice::<serde_json::Value>(&text)
            .is_ok_and(|v| v.get("gazex").is_some_and(serde_json::Value::is_string))
}

/// `path` made absolute, with symbolic links and `..` resolved as far as it exists (the rest,
/// not created yet, appended as given): two spellings of one place compare equal.
pub(crate) fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    let mut cur: &Path = &abs;
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                if *r == ".." {
                    out.pop();
                } else {
                    out.push(r);
                }
            }
            return out;
        }
        match (cur.parent(), cur.components().next_back()) {
            (Some(parent), Some(Component::Normal(name))) => {
                rest.push(name);
                cur = parent;
            }
            (Some(parent), Some(Component::ParentDir)) => {
                rest.push("..".as_ref());
                cur = parent;
            }
            (Some(parent), Some(_)) => cur = parent,
            _ => return abs,
        }
    }
}

/// The gazex output folder `path` lies in (itself excluded), with the path relative to it.
pub(crate) fn output_folder_of(path: &Path) -> Option<(PathBuf, PathBuf)> {
    let p = resolve(path);
    p.ancestors()
        .skip(1)
        .find(|a| is_output_folder(a))
        .and_then(|root| Some((root.to_path_buf(), p.strip_prefix(root).ok()?.to_path_buf())))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_place_resolve_alike() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("a")).unwrap();
        let x = resolve(&d.path().join("a/../a/new/file"));
        let y = resolve(&d.path().join("a/new/file"));
        assert_eq!(x, y);
        assert!(x.ends_with("a/new/file"));
    }

    #[test]
    fn a_folder_with_a_gazex_manifest_is_an_output_folder() {
        let d = tempfile::tempdir().unwrap();
        assert!(!is_output_folder(d.path()));
        std::fs::write(d.path().join("manifest.json"), "{\"other\": 1}").unwrap();
        assert!(!is_output_folder(d.path()));
        std::fs::write(d.path().join("manifest.json"), "{\"gazex\": \"0.1.0\"}").unwrap();
        assert!(is_output_folder(d.path()));
        let (root, rel) = output_folder_of(&d.path().join("entities.jsonl")).unwrap();
        assert_eq!(
            (root, rel),
            (resolve(d.path()), PathBuf::from("entities.jsonl"))
        );
    }
}
