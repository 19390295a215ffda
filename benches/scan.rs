//! Criterion benchmarks on the fixed bench inputs (`../shared/bench/`): the bare Aho-Corasick
//! scan (the cost floor) against the whole gazex pipeline per document, with the same
//! 153,578-name places gazetteer, on the first 1,000 UN speeches (about 24 MB), one thread.
//! `dates-only` runs the date stage alone, and the run ends by printing its share of the
//! pipeline's time (`date stage: N% of the pipeline`, rounds interleaved).
//! Each benchmark asserts what it found, so a fast but wrong change fails.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use aho_corasick::{AhoCorasick, MatchKind};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gazex::{Document, Gazetteer, Pipeline};
use std::hint::black_box;
use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

fn corpus(n: usize) -> Vec<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/ungdc-0.jsonl.zst");
    let f = std::fs::File::open(&p).expect("bench corpus (../shared/bench)");
    let r = std::io::BufReader::new(zstd::stream::read::Decoder::new(f).expect("zstd"));
    r.lines()
        .take(n)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("line")).expect("json");
            v["text"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

fn places() -> (String, Vec<String>) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/bench-places.tsv");
    let text = std::fs::read_to_string(p).expect("bench-places.tsv");
    let mut names = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        names.extend(cols.get(2).map(|s| s.to_string()));
        if let Some(a) = cols.get(3) {
            names.extend(a.split('|').filter(|a| !a.is_empty()).map(str::to_string));
        }
    }
    (text, names)
}

fn bench(c: &mut Criterion) {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    if !shared.is_dir() {
        eprintln!("skipped: the benchmarks need ../shared/bench beside the checkout");
        return;
    }
    let docs = corpus(1000);
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let (tsv, names) = places();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&names)
        .expect("automaton");
    let bare = || {
        let mut n = 0;
        for d in &docs {
            let h = d.as_bytes();
            let w = |i: usize| h.get(i).is_some_and(|b| b.is_ascii_alphanumeric());
            n += ac
                .find_iter(h)
                .filter(|m| (m.start() == 0 || !w(m.start() - 1)) && !w(m.end()))
                .count();
        }
        n
    };
    let g = Gazetteer::from_tsv("bench-places.tsv", &tsv).expect("gazetteer");
    let p = Pipeline::builder().gazetteer(g).build().expect("pipeline");
    let documents: Vec<Document> = docs
        .iter()
        .enumerate()
        .map(|(i, t)| Document {
            id: i.to_string(),
            text: t.clone(),
            ..Document::default()
        })
        .collect();
    let full = || {
        let mut places = 0;
        let mut dates = 0;
        for d in &documents {
            for m in p.process(d).mentions {
                match m.target {
                    gazex::Target::Entry(_) => places += 1,
                    gazex::Target::Date(_) => dates += 1,
                    // Settled before `process` returns.
                    gazex::Target::Cue(_) => {}
                }
            }
        }
        (places, dates)
    };
    let base = bare();
    let (pl, dt) = full();
    eprintln!("bare scan: {base} matches; gazex: {pl} places, {dt} dates");
    // The same names over the same text: gazex folds more (Unicode case, dashes, accents) and
    // checks Unicode boundaries, so its count differs a little from the bare scan's, never much.
    assert!(
        pl as f64 >= 0.9 * base as f64 && pl as f64 <= 1.3 * base as f64,
        "places {pl} vs bare {base}"
    );
    assert!(dt > 1_000, "dates {dt}");
    let mut group = c.benchmark_group("ungdc-1000");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("bare-aho-corasick-scan", |b| {
        b.iter(|| assert_eq!(bare(), base))
    });
    group.bench_function("gazex-pipeline", |b| {
        b.iter(|| assert_eq!(full(), (pl, dt)))
    });
    // The date stage alone: its time over the pipeline's is the share dates cost.
    let finder = gazex::internals::DateFinder::new();
    let opts = gazex::internals::DateOptions::default();
    let only_dates = || {
        docs.iter()
            .map(|d| finder.find(d, &opts).len())
            .sum::<usize>()
    };
    let nd = only_dates();
    assert!(
        nd >= dt,
        "dates alone {nd} < dates kept by the pipeline {dt}"
    );
    group.bench_function("dates-only", |b| b.iter(|| assert_eq!(only_dates(), nd)));
    group.finish();
    share(&docs, &full, &only_dates);
}

/// The date stage's share of the time, measured in one run (rounds interleaved, medians), so
/// that machine load hits all alike: of the in-process pipeline (the per-document part of
/// `gazex extract`), and of the whole `gazex extract -j 1` process on the same documents
/// (reading, writing and the tables included: the end-to-end figure).
fn share<A, B>(docs: &[String], full: &dyn Fn() -> A, dates: &dyn Fn() -> B) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let input = dir.path().join("docs.jsonl");
    let lines: Vec<String> = docs
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": i.to_string(), "text": t}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").expect("write the documents");
    let gaz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/bench-places.tsv");
    let extract = || {
        let out = dir.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        let ok = std::process::Command::new(env!("CARGO_BIN_EXE_gazex"))
            .args(["extract", "-j", "1", "--no-builtin", "-q", "-g"])
            .arg(&gaz)
            .arg("-o")
            .arg(&out)
            .arg(&input)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "gazex extract failed");
    };
    let (mut tf, mut td, mut te) = (Vec::new(), Vec::new(), Vec::new());
    let time = |v: &mut Vec<f64>, f: &dyn Fn()| {
        let t = Instant::now();
        f();
        v.push(t.elapsed().as_secs_f64());
    };
    for _ in 0..7 {
        time(&mut tf, &|| {
            black_box(full());
        });
        time(&mut td, &|| {
            black_box(dates());
        });
        time(&mut te, &extract);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2)
            .copied()
            .unwrap_or(0.0)
            .max(f64::MIN_POSITIVE)
    };
    let (f, d, e) = (median(&mut tf), median(&mut td), median(&mut te));
    eprintln!(
        "date stage: {d:.3} s = {:.1}% of the pipeline ({f:.3} s) and {:.1}% of end-to-end \
         `gazex extract -j 1` ({e:.3} s); medians of 7 interleaved rounds",
        100.0 * d / f,
        100.0 * d / e
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
