//! The baseline of the speed benchmarks (not part of the product): the bare cost of scanning
//! text files with one leftmost-longest Aho-Corasick automaton built from a gazetteer's names
//! and aliases, ASCII case-insensitive, with an ASCII word-boundary check, counting matches.
//! No folding, no records, no output. `benches/run.sh` times it against `gazex extract`.
//!
//! Usage: barescan GAZETTEER.tsv FILE_OR_DIR...

use aho_corasick::{AhoCorasick, MatchKind};
use std::path::{Path, PathBuf};

fn names(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        if line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if let Some(n) = cols.get(2).filter(|n| !n.is_empty()) {
            out.push(n.to_string());
        }
        if let Some(a) = cols.get(3) {
            out.extend(a.split('|').filter(|a| !a.is_empty()).map(str::to_string));
        }
    }
    out
}

fn files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        v.sort();
        for q in v {
            files(&q, out);
        }
    } else {
        out.push(p.to_path_buf());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((gaz, inputs)) = args.split_first() else {
        eprintln!("usage: barescan GAZETTEER.tsv FILE_OR_DIR...");
        std::process::exit(2);
    };
    let t0 = std::time::Instant::now();
    let pats = names(Path::new(gaz));
    let ac = match AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&pats)
    {
        Ok(a) => a,
        Err(e) => {
            eprintln!("barescan: {e}");
            std::process::exit(1);
        }
    };
    let build = t0.elapsed().as_secs_f64();
    let mut list = Vec::new();
    for i in inputs {
        files(Path::new(i), &mut list);
    }
    let (mut bytes, mut count) = (0usize, 0usize);
    for f in &list {
        let hay = std::fs::read(f).unwrap_or_default();
        let word = |i: usize| hay.get(i).is_some_and(|b| b.is_ascii_alphanumeric());
        for m in ac.find_iter(&hay) {
            if (m.start() == 0 || !word(m.start() - 1)) && !word(m.end()) {
                count += 1;
            }
        }
        bytes += hay.len();
    }
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "barescan: {} names, build {build:.3} s, {bytes} bytes, {count} matches, {secs:.3} s",
        pats.len()
    );
    println!("{count}");
}
