//! Shared helpers of the integration tests: temporary folders, the binary, gold files.

use std::path::{Path, PathBuf};

/// The shared folder beside the checkout (gold data, bench data), which the tests that use it
/// need: where it is absent (a checkout on its own) they say so and are skipped.
pub fn shared(test: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if p.join("gold/seed.jsonl").exists() {
        return Some(p);
    }
    eprintln!(
        "skipped {test}: it needs ../shared (gold and bench data) beside the checkout, not found at {}",
        p.display()
    );
    None
}

/// A gazex command.
pub fn gazex() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("gazex").expect("binary");
    c.env_remove("RUST_LOG");
    c
}

/// A fresh temporary folder.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// Writes `text` to `dir/name`, creating folders.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, text).expect("write");
    p
}

/// Reads a JSONL file into values.
pub fn jsonl(p: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(p)
        .expect("read jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

/// The output files two runs must write alike.
pub const COMPARED: [&str; 4] = [
    "entities.jsonl",
    "documents.jsonl",
    "entities.tsv",
    "cooccurrence.tsv",
];

/// Asserts that output folder `b` holds the same [`COMPARED`] files as the reference `a`
/// (which must have them, not empty), naming the first line that differs.
pub fn same_outputs(a: &Path, b: &Path, what: &str) {
    for f in COMPARED {
        let x = std::fs::read(a.join(f)).unwrap_or_default();
        let y = std::fs::read(b.join(f)).unwrap_or_default();
        assert!(
            !x.is_empty(),
            "{what}: {f} missing or empty in the reference"
        );
        if x != y {
            let (x, y) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
            let line = x.lines().zip(y.lines()).position(|(p, q)| p != q);
            panic!("{what}: {f} differs from the reference at line {line:?}");
        }
    }
}
