//! Embeds the built-in gazetteers (`gazetteers/*.tsv`, in sorted order) into the binary, and
//! the word lists of the matching rules as sorted hashes (see `word_lists`).
use std::io::Write;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("gazetteers");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let out =
        std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("builtin.rs");
    let mut f = match std::fs::File::create(&out) {
        Ok(f) => f,
        Err(e) => panic!("cannot write {}: {e}", out.display()),
    };
    let mut s = String::from("&[\n");
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        s.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            p.display().to_string()
        ));
    }
    s.push(']');
    if let Err(e) = f.write_all(s.as_bytes()) {
        panic!("cannot write {}: {e}", out.display());
    }
    if let Some(dir) = out.parent() {
        word_lists(dir);
    }
}

/// The skeletons (`src/normalize/skeleton.rs`, the very module the library uses).
#[allow(dead_code)]
#[path = "src/normalize/skeleton.rs"]
mod skeleton;

/// Writes the word lists of the matching rules (`src/gazetteer/common-words.txt`,
/// `given-names.txt`; `surnames.txt` and `english-words.txt` only in the first) as sorted hashes into OUT_DIR, so that gazex does not spell 25,000 words
/// at every start: `known-skeletons.bin` (skeleton hash, folded word hash) of every word in
/// both readings, `common-words.bin` (the words before `# capitalised`), `given-names.bin`.
/// The words are ASCII, so lower case is their folded form.
fn word_lists(out_dir: &std::path::Path) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gazetteer");
    let read = |name: &str| {
        let p = dir.join(name);
        println!("cargo:rerun-if-changed={}", p.display());
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    };
    let (words, given) = (read("common-words.txt"), read("given-names.txt"));
    // Only block variant keys: frequent surnames and the English dictionary's words.
    let blockers = read("surnames.txt") + &read("english-words.txt");
    let (common, names) = words
        .split_once("\n# capitalised\n")
        .unwrap_or((words.as_str(), ""));
    let list = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let hash = |w: &str| skeleton::hash_bytes(skeleton::KEY_SEED, w.as_bytes());
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    let mut buf = Vec::new();
    let all = list(common)
        .into_iter()
        .chain(list(names))
        .chain(list(&given))
        .chain(list(&blockers));
    for w in all {
        for alt in [false, true] {
            buf.clear();
            if !skeleton::skeleton_word(&w, alt, &mut buf) && alt {
                continue;
            }
            pairs.push((skeleton::hash_bytes(skeleton::KEY_SEED, &buf), hash(&w)));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut bytes = Vec::with_capacity(pairs.len() * 16);
    for (a, b) in pairs {
        bytes.extend_from_slice(&a.to_le_bytes());
        bytes.extend_from_slice(&b.to_le_bytes());
    }
    let sorted = |v: Vec<String>| {
        let mut h: Vec<u64> = v.iter().map(|w| hash(w)).collect();
        h.sort_unstable();
        h.dedup();
        h.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>()
    };
    for (name, data) in [
        ("known-skeletons.bin", bytes),
        ("common-words.bin", sorted(list(common))),
        ("given-names.bin", sorted(list(&given))),
    ] {
        let p = out_dir.join(name);
        if let Err(e) = std::fs::write(&p, data) {
            panic!("cannot write {}: {e}", p.display());
        }
    }
}
