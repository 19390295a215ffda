//! Automaton engines compared (issue 5, target 5; a benchmark, not part of the product):
//! aho-corasick (contiguous NFA, leftmost-longest), daachorse (bytewise and charwise,
//! leftmost-longest) and gazex's own `Matcher` (`src/gazetteer/matcher.rs`) (anchored longest-first walks
//! of a prefix table where words begin), on two name sets:
//!
//! - `places`: the names and aliases of `../shared/bench/bench-places.tsv`;
//! - `1m`: those, the OFAC SDN names and `a.k.a.`/`f.k.a.` aliases of
//!   `../shared/data/ofac-sdn-2024-05-03.csv`, and generated "First Last" person names made from
//!   the OFAC individuals' name parts (deterministic), 1,000,000 names in all.
//!
//! For each (set, engine) a child process of this program builds the engine, so that each peak
//! RSS is its own; then the driver builds all engines of the set and scans ~20 MB of UN speeches
//! (`../shared/bench/ungdc-0.jsonl.zst`) with each in turn, in interleaved rounds, so that the
//! speed ratios are taken under the same conditions on a shared machine. Reported: build time;
//! RSS before the build (names in memory), peak RSS during the build (`/proc/self/status` VmHWM,
//! reset through `/proc/self/clear_refs` first) and RSS after it; scan speed over the text
//! (median of 3 rounds), with and without preparing it (aho-corasick and daachorse: the text
//! lower-cased with `str::to_lowercase`, names too; gazex: `fold_into` (`src/normalize.rs`), names folded
//! the same way by `Matcher::new`); and the matches. aho-corasick and daachorse have the same
//! semantics (leftmost-longest over the same lower-cased text, then a word-boundary filter), so
//! their counts and match positions must agree, which is asserted. gazex matches only where words
//! begin and tries shorter names when the longest fails a boundary or case check, folds more
//! (accents, dashes, apostrophes, white space) and applies case policies, so its count is
//! reported beside theirs, not asserted equal.
//!
//! Usage:
//!   engines [--text-bytes N] [--sets places,1m] [--engines LIST] [--work DIR]
//!       the table, in Markdown; each set is written to DIR/names-SET.tsv (default
//!       target/peers-work) and the children read it from there
//!   engines --write-tsv SET PATH                   the set as a gazex TSV
//!   engines --child ENGINE SET TSV TEXT_BYTES      one build (and scan unless 0; internal)
//!
//! `benches/peers/engines.sh` runs it in release mode and appends the table to
//! BENCHMARKS-PEERS.md.

use anyhow::{anyhow, bail, Context, Result};
use gazex::internals::{find_mentions, fold_into, is_word_char, FoldOptions, Folded, Matcher};
use gazex::Gazetteer;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

const ENGINES: [&str; 4] = ["aho-corasick", "daachorse", "daachorse-charwise", "gazex"];
const TARGET_NAMES: usize = 1_000_000;
const ROUNDS: usize = 3;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join(rel)
}

/// One gazetteer row: id, type, names (the first is the canonical name).
struct Row {
    id: String,
    kind: &'static str,
    names: Vec<String>,
}

/// The names of a set, and the gazex TSV text that holds the same rows.
struct NameSet {
    names: Vec<String>,
    tsv: String,
}

fn places_tsv() -> Result<String> {
    let p = shared("bench/bench-places.tsv");
    std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))
}

fn tsv_names(tsv: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if let Some(n) = cols.get(2).map(|s| s.trim()).filter(|n| !n.is_empty()) {
            out.push(n.to_string());
        }
        if let Some(a) = cols.get(3) {
            out.extend(
                a.split('|')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

fn usable(name: &str) -> bool {
    !name.contains(['\t', '|', '\n', '\r']) && name.chars().any(char::is_alphanumeric)
}

/// "KHALIMOV, Gulmurod" -> "Gulmurod KHALIMOV"; other names as they are.
fn person_order(name: &str) -> String {
    match name.split_once(", ") {
        Some((last, first)) if !first.is_empty() => format!("{first} {last}"),
        _ => name.to_string(),
    }
}

fn title_case(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    for (i, c) in w.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// OFAC SDN rows (names and aliases), and the first and last name parts of its individuals.
fn ofac() -> Result<(Vec<Row>, Vec<String>, Vec<String>)> {
    let p = shared("data/ofac-sdn-2024-05-03.csv");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&p)
        .with_context(|| format!("reading {}", p.display()))?;
    let aka = regex::Regex::new(r"[af]\.k\.a\. '(.*?)'(?:[;.),]|$)")?;
    let (mut rows, mut firsts, mut lasts) = (Vec::new(), HashSet::new(), HashSet::new());
    for rec in rdr.records() {
        let rec = rec?;
        let field = |i: usize| {
            rec.get(i)
                .map(str::trim)
                .filter(|s| *s != "-0-")
                .unwrap_or("")
        };
        let person = field(2) == "individual";
        let name = field(1);
        if name.is_empty() {
            continue;
        }
        if person {
            if let Some((last, first)) = name.split_once(", ") {
                let last = last.trim();
                let first = first.split_whitespace().next().unwrap_or("");
                if last.chars().all(char::is_alphabetic) && last.chars().count() >= 3 {
                    lasts.insert(title_case(last));
                }
                if first.chars().all(char::is_alphabetic) && first.chars().count() >= 3 {
                    firsts.insert(title_case(first));
                }
            }
        }
        let fix = |n: &str| {
            if person {
                person_order(n)
            } else {
                n.to_string()
            }
        };
        let mut names = vec![fix(name)];
        for c in aka.captures_iter(field(11)) {
            if let Some(m) = c.get(1) {
                names.push(fix(m.as_str().trim()));
            }
        }
        names.retain(|n| usable(n));
        names.dedup();
        if names.is_empty() {
            continue;
        }
        rows.push(Row {
            id: format!("ofac:{}", field(0)),
            kind: if person { "PERSON" } else { "ORG" },
            names,
        });
    }
    let mut firsts: Vec<String> = firsts.into_iter().collect();
    let mut lasts: Vec<String> = lasts.into_iter().collect();
    firsts.sort();
    lasts.sort();
    Ok((rows, firsts, lasts))
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, v: &'a [String]) -> &'a str {
        v.get((self.next() % v.len().max(1) as u64) as usize)
            .map_or("", String::as_str)
    }
}

fn name_set(set: &str) -> Result<NameSet> {
    let places = places_tsv()?;
    match set {
        "places" => Ok(NameSet {
            names: tsv_names(&places),
            tsv: places,
        }),
        "1m" => {
            let mut names = tsv_names(&places);
            let mut tsv = places;
            if !tsv.ends_with('\n') {
                tsv.push('\n');
            }
            let (rows, firsts, lasts) = ofac()?;
            if firsts.is_empty() || lasts.is_empty() {
                bail!("no name parts in the OFAC list");
            }
            let mut rows = rows;
            let mut seen: HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
            for r in &rows {
                names.extend(r.names.iter().cloned());
                seen.extend(r.names.iter().map(|n| n.to_lowercase()));
            }
            let mut rng = Rng(0x6A7E_5EED);
            let mut n = 0usize;
            let mut tries = 0usize;
            while names.len() < TARGET_NAMES {
                tries += 1;
                let name = if tries % 4 == 0 {
                    // Some three-part names, like "Gulmurod Aziz Khalimov".
                    format!(
                        "{} {} {}",
                        rng.pick(&firsts),
                        rng.pick(&firsts),
                        rng.pick(&lasts)
                    )
                } else {
                    format!("{} {}", rng.pick(&firsts), rng.pick(&lasts))
                };
                if tries > 20 * TARGET_NAMES {
                    bail!("cannot generate {TARGET_NAMES} distinct names");
                }
                if !seen.insert(name.to_lowercase()) {
                    continue;
                }
                n += 1;
                names.push(name.clone());
                rows.push(Row {
                    id: format!("gen:{n}"),
                    kind: "PERSON",
                    names: vec![name],
                });
            }
            for r in &rows {
                let (first, rest) = r.names.split_first().ok_or_else(|| anyhow!("empty row"))?;
                writeln!(tsv, "{}\t{}\t{}\t{}", r.id, r.kind, first, rest.join("|"))?;
            }
            Ok(NameSet { names, tsv })
        }
        other => bail!("unknown name set `{other}` (places, 1m)"),
    }
}

/// The first speeches of the bench corpus, whole, until `limit` bytes.
fn texts(limit: usize) -> Result<Vec<String>> {
    let p = shared("bench/ungdc-0.jsonl.zst");
    let f = std::fs::File::open(&p).with_context(|| format!("reading {}", p.display()))?;
    let r = std::io::BufReader::new(zstd::stream::read::Decoder::new(f)?);
    let (mut out, mut acc) = (Vec::new(), 0);
    for line in r.lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let t = v["text"].as_str().unwrap_or_default().to_string();
        acc += t.len();
        out.push(t);
        if acc >= limit {
            break;
        }
    }
    Ok(out)
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets VmHWM to the current RSS (Linux: `5` to clear_refs); false if it cannot.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn word_at_end(s: &str, i: usize) -> bool {
    s.get(i..)
        .and_then(|t| t.chars().next())
        .is_some_and(is_word_char)
}

fn word_before(s: &str, i: usize) -> bool {
    s.get(..i)
        .and_then(|t| t.chars().next_back())
        .is_some_and(is_word_char)
}

/// Matches: (raw, kept after the word-boundary filter, checksum of kept positions).
#[derive(Default, Clone, Copy)]
struct Count {
    raw: u64,
    kept: u64,
    sum: u64,
}

impl Count {
    fn add(&mut self, doc: usize, hay: &str, s: usize, e: usize) {
        self.raw += 1;
        if !word_before(hay, s) && !word_at_end(hay, e) {
            self.kept += 1;
            self.sum = self
                .sum
                .wrapping_mul(1_000_003)
                .wrapping_add((doc as u64) << 40 ^ (s as u64) << 20 ^ e as u64);
        }
    }
}

enum Engine {
    Ac(aho_corasick::AhoCorasick),
    Daac(daachorse::DoubleArrayAhoCorasick<u32>),
    DaacChar(daachorse::CharwiseDoubleArrayAhoCorasick<u32>),
    Gazex(Box<(Gazetteer, Matcher)>),
}

fn lowered_patterns(names: &[String]) -> Vec<String> {
    let mut p: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    p.sort_unstable();
    p.dedup();
    p.retain(|n| !n.is_empty());
    p
}

fn build(engine: &str, set: &NameSet) -> Result<(Engine, usize, usize)> {
    Ok(match engine {
        "aho-corasick" => {
            let p = lowered_patterns(&set.names);
            let ac = aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(&p)?;
            let heap = ac.memory_usage();
            (Engine::Ac(ac), p.len(), heap)
        }
        "daachorse" => {
            let p = lowered_patterns(&set.names);
            let d = daachorse::DoubleArrayAhoCorasickBuilder::new()
                .match_kind(daachorse::MatchKind::LeftmostLongest)
                .build(&p)
                .map_err(|e| anyhow!("daachorse: {e}"))?;
            let heap = d.heap_bytes();
            (Engine::Daac(d), p.len(), heap)
        }
        "daachorse-charwise" => {
            let p = lowered_patterns(&set.names);
            let d = daachorse::CharwiseDoubleArrayAhoCorasickBuilder::new()
                .match_kind(daachorse::MatchKind::LeftmostLongest)
                .build(&p)
                .map_err(|e| anyhow!("daachorse: {e}"))?;
            let heap = d.heap_bytes();
            (Engine::DaacChar(d), p.len(), heap)
        }
        "gazex" => {
            let g = Gazetteer::from_tsv("names.tsv", &set.tsv).map_err(|e| anyhow!("{e}"))?;
            let m = Matcher::new(&g, true).map_err(|e| anyhow!("{e}"))?;
            let n = m.patterns();
            (Engine::Gazex(Box::new((g, m))), n, 0)
        }
        other => bail!("unknown engine `{other}`"),
    })
}

/// Prepares the texts (lower-case or fold) and scans them: (prep seconds, scan seconds, count).
fn scan(engine: &Engine, docs: &[String]) -> (f64, f64, Count) {
    let mut c = Count::default();
    let (mut prep, mut secs) = (0.0, 0.0);
    match engine {
        Engine::Gazex(b) => {
            let (_, m) = &**b;
            let opts = FoldOptions {
                lowercase: true,
                diacritics: m.folds_diacritics(),
            };
            let mut folded = Folded::default();
            let mut spans = Vec::new();
            for (i, d) in docs.iter().enumerate() {
                let t0 = Instant::now();
                fold_into(d, opts, &mut folded);
                let t1 = Instant::now();
                spans.clear();
                find_mentions(d, &folded, m, &mut spans);
                for s in &spans {
                    c.raw += 1;
                    c.kept += 1;
                    c.sum = c
                        .sum
                        .wrapping_mul(1_000_003)
                        .wrapping_add((i as u64) << 40 ^ (s.start as u64) << 20 ^ s.end as u64);
                }
                prep += (t1 - t0).as_secs_f64();
                secs += t1.elapsed().as_secs_f64();
            }
        }
        _ => {
            for (i, d) in docs.iter().enumerate() {
                let t0 = Instant::now();
                let low = d.to_lowercase();
                let t1 = Instant::now();
                match engine {
                    Engine::Ac(ac) => {
                        for m in ac.find_iter(&low) {
                            c.add(i, &low, m.start(), m.end());
                        }
                    }
                    Engine::Daac(d) => {
                        for m in d.leftmost_find_iter(&low) {
                            c.add(i, &low, m.start(), m.end());
                        }
                    }
                    Engine::DaacChar(d) => {
                        for m in d.leftmost_find_iter(&low) {
                            c.add(i, &low, m.start(), m.end());
                        }
                    }
                    Engine::Gazex(_) => {}
                }
                prep += (t1 - t0).as_secs_f64();
                secs += t1.elapsed().as_secs_f64();
            }
        }
    }
    (prep, secs, c)
}

/// One child measurement, printed as one tab-separated `RESULT` line. The names are read from
/// the TSV file the driver wrote, so that RSS before the build holds only what the engine needs.
fn child(engine: &str, set: &str, tsv_path: &str, text_bytes: usize) -> Result<()> {
    let tsv = std::fs::read_to_string(tsv_path).with_context(|| format!("reading {tsv_path}"))?;
    let ns = if engine == "gazex" {
        // gazex reads the TSV text, as `gazex extract -g` does; the name list is not needed.
        NameSet {
            names: Vec::new(),
            tsv,
        }
    } else {
        let names = tsv_names(&tsv);
        drop(tsv);
        NameSet {
            names,
            tsv: String::new(),
        }
    };
    let reset = reset_peak();
    let base = status_kib("VmRSS:");
    let t0 = Instant::now();
    let (e, patterns, heap) = build(engine, &ns)?;
    let build_s = t0.elapsed().as_secs_f64();
    let peak_build = status_kib("VmHWM:");
    let after = status_kib("VmRSS:");
    drop(ns);
    // Scanning here is optional: the driver scans all engines in one process, interleaved.
    let (bytes, prep, secs, c) = if text_bytes > 0 {
        let docs = texts(text_bytes)?;
        let (prep, secs, c) = scan(&e, &docs);
        (docs.iter().map(String::len).sum(), prep, secs, c)
    } else {
        (0, 0.0, 0.0, Count::default())
    };
    let peak_end = status_kib("VmHWM:");
    println!(
        "RESULT\t{engine}\t{set}\t{patterns}\t{build_s:.4}\t{base}\t{peak_build}\t{after}\t{heap}\t{peak_end}\t{bytes}\t{prep:.4}\t{secs:.4}\t{}\t{}\t{}\t{}",
        c.raw, c.kept, c.sum, reset
    );
    Ok(())
}

struct Res {
    engine: String,
    set: String,
    patterns: usize,
    build: f64,
    base: u64,
    peak_build: u64,
    after: u64,
    heap: u64,
    bytes: usize,
    prep: f64,
    secs: f64,
    raw: u64,
    kept: u64,
    sum: u64,
    reset: bool,
}

fn parse_result(line: &str) -> Result<Res> {
    let f: Vec<&str> = line.split('\t').collect();
    let g = |i: usize| {
        f.get(i)
            .copied()
            .ok_or_else(|| anyhow!("short line: {line}"))
    };
    Ok(Res {
        engine: g(1)?.to_string(),
        set: g(2)?.to_string(),
        patterns: g(3)?.parse()?,
        build: g(4)?.parse()?,
        base: g(5)?.parse()?,
        peak_build: g(6)?.parse()?,
        after: g(7)?.parse()?,
        heap: g(8)?.parse()?,
        bytes: g(10)?.parse()?,
        prep: g(11)?.parse()?,
        secs: g(12)?.parse()?,
        raw: g(13)?.parse()?,
        kept: g(14)?.parse()?,
        sum: g(15)?.parse()?,
        reset: g(16)? == "true",
    })
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn driver(text_bytes: usize, sets: &[String], engines: &[String], work: &Path) -> Result<()> {
    let exe = std::env::current_exe()?;
    let mut all: Vec<Res> = Vec::new();
    let mut ok = true;
    let mut md = String::new();
    std::fs::create_dir_all(work)?;
    let docs = texts(text_bytes)?;
    let bytes: usize = docs.iter().map(String::len).sum();
    for set in sets {
        let (names, tsv_path) = {
            let ns = name_set(set)?;
            let path = work.join(format!("names-{set}.tsv"));
            std::fs::write(&path, &ns.tsv)?;
            (ns.names.len(), path)
        };
        let mut rows: Vec<Res> = Vec::new();
        for engine in engines {
            eprintln!("engines: {set} / {engine} ...");
            let out = std::process::Command::new(&exe)
                .args(["--child", engine, set])
                .arg(&tsv_path)
                .arg("0")
                .stderr(std::process::Stdio::inherit())
                .output()?;
            if !out.status.success() {
                bail!("{engine} on {set} failed ({})", out.status);
            }
            let text = String::from_utf8_lossy(&out.stdout);
            let line = text
                .lines()
                .find(|l| l.starts_with("RESULT\t"))
                .ok_or_else(|| anyhow!("{engine} on {set}: no result"))?;
            let r = parse_result(line)?;
            eprintln!(
                "engines: {set} / {engine}: build {:.2} s, peak RSS {:.0} MiB",
                r.build,
                mib(r.peak_build)
            );
            rows.push(r);
        }
        // Scan speed: all engines in this process, interleaved rounds (the machine is shared, so
        // that each ratio is taken under the same conditions), median of ROUNDS per engine.
        {
            let tsv = std::fs::read_to_string(&tsv_path)?;
            let ns = NameSet {
                names: tsv_names(&tsv),
                tsv,
            };
            let mut built = Vec::new();
            for r in &rows {
                built.push(build(&r.engine, &ns)?.0);
            }
            drop(ns);
            let mut times: Vec<Vec<(f64, f64)>> = vec![Vec::new(); rows.len()];
            for round in 0..ROUNDS {
                for (k, e) in built.iter().enumerate() {
                    let (prep, secs, c) = scan(e, &docs);
                    if let (Some(t), Some(r)) = (times.get_mut(k), rows.get_mut(k)) {
                        t.push((prep, secs));
                        if round > 0 && (r.raw, r.kept, r.sum) != (c.raw, c.kept, c.sum) {
                            bail!("{}: counts differ between rounds", r.engine);
                        }
                        (r.raw, r.kept, r.sum, r.bytes) = (c.raw, c.kept, c.sum, bytes);
                    }
                }
            }
            for (t, r) in times.iter_mut().zip(rows.iter_mut()) {
                t.sort_by(|a, b| (a.0 + a.1).total_cmp(&(b.0 + b.1)));
                if let Some(&(prep, secs)) = t.get(t.len() / 2) {
                    (r.prep, r.secs) = (prep, secs);
                }
                eprintln!(
                    "engines: {set} / {}: scan {:.3} s + prepare {:.3} s, {} matches",
                    r.engine, r.secs, r.prep, r.kept
                );
            }
        }
        let mb = rows.first().map_or(0.0, |r| r.bytes as f64 / 1e6);
        writeln!(
            md,
            "\n### {} names ({set}), {mb:.1} MB of speeches\n",
            fmt_int(names as u64)
        )?;
        md.push_str("| engine | distinct patterns | build s | RSS before build MiB | peak RSS during build MiB (Δ) | RSS after build MiB (Δ) | automaton heap MiB | scan MB/s (prepared text) | prepare + scan MB/s | ratio to aho-corasick (prepare + scan) | matches (raw → kept) |\n");
        md.push_str("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        let ac_speed = rows
            .iter()
            .find(|r| r.engine == "aho-corasick")
            .map(|r| r.bytes as f64 / 1e6 / (r.prep + r.secs));
        for r in &rows {
            let full = r.bytes as f64 / 1e6 / (r.prep + r.secs);
            let ratio = ac_speed.map_or("".to_string(), |a| format!("{:.2}x", full / a));
            let heap = if r.heap > 0 {
                format!("{:.0}", r.heap as f64 / 1048576.0)
            } else {
                "n/a".to_string()
            };
            writeln!(
                md,
                "| {} | {} | {:.2} | {:.0} | {:.0} (+{:.0}) | {:.0} (+{:.0}) | {heap} | {:.1} | {:.1} | {ratio} | {} → {} |",
                r.engine,
                fmt_int(r.patterns as u64),
                r.build,
                mib(r.base),
                mib(r.peak_build),
                mib(r.peak_build.saturating_sub(r.base)),
                mib(r.after),
                mib(r.after.saturating_sub(r.base)),
                r.bytes as f64 / 1e6 / r.secs,
                full,
                fmt_int(r.raw),
                fmt_int(r.kept)
            )?;
        }
        // Same semantics, same counts and positions.
        let same: Vec<&Res> = rows.iter().filter(|r| r.engine != "gazex").collect();
        if let Some(first) = same.first() {
            let agree = same
                .iter()
                .all(|r| (r.raw, r.kept, r.sum) == (first.raw, first.kept, first.sum));
            let list: Vec<&str> = same.iter().map(|r| r.engine.as_str()).collect();
            if agree {
                writeln!(
                    md,
                    "\n{}: the same {} matches at the same positions (asserted).",
                    list.join(", "),
                    fmt_int(first.kept)
                )?;
            } else {
                ok = false;
                writeln!(
                    md,
                    "\n**MISMATCH** between {}: counts or positions differ.",
                    list.join(", ")
                )?;
            }
            if let Some(g) = rows.iter().find(|r| r.engine == "gazex") {
                writeln!(
                    md,
                    "gazex: {} mentions, {:.2}x the leftmost-longest count (different semantics, see below).",
                    fmt_int(g.kept),
                    g.kept as f64 / first.kept.max(1) as f64
                )?;
            }
        }
        if rows.iter().any(|r| !r.reset) {
            md.push_str(
                "\n(VmHWM could not be reset here: peaks include everything before the build.)\n",
            );
        }
        all.extend(rows);
    }
    if let Some(g) = all.iter().find(|r| r.engine == "gazex" && r.set == "1m") {
        let b = if g.build <= 10.0 {
            "holds"
        } else {
            "does NOT hold"
        };
        let m = if g.peak_build <= 1024 * 1024 {
            "holds"
        } else {
            "does NOT hold"
        };
        writeln!(
            md,
            "\nIssue 5 bar for the 1M set, gazex: build <= 10 s {b} ({:.2} s: TSV parse and automaton \
             compile); peak RSS <= 1 GB {m} ({:.0} MiB at the end of the build, whole process with \
             the TSV text).",
            g.build,
            mib(g.peak_build)
        )?;
    }
    print!("{md}");
    if !ok {
        bail!("engines with the same semantics disagree");
    }
    Ok(())
}

fn fmt_int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(0).as_str() {
        "--child" => child(&arg(1), &arg(2), &arg(3), arg(4).parse()?),
        "--write-tsv" => {
            let ns = name_set(&arg(1))?;
            std::fs::write(arg(2), ns.tsv)?;
            eprintln!("engines: {} names written to {}", ns.names.len(), arg(2));
            Ok(())
        }
        _ => {
            let mut text_bytes = 20_000_000;
            let mut sets: Vec<String> = vec!["places".into(), "1m".into()];
            let mut engines: Vec<String> = ENGINES.iter().map(|s| s.to_string()).collect();
            let mut work = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peers-work");
            let mut i = 0;
            while i < args.len() {
                match arg(i).as_str() {
                    "--text-bytes" => text_bytes = arg(i + 1).parse()?,
                    "--sets" => sets = arg(i + 1).split(',').map(str::to_string).collect(),
                    "--engines" => engines = arg(i + 1).split(',').map(str::to_string).collect(),
                    "--work" => work = PathBuf::from(arg(i + 1)),
                    other => bail!(
                        "unknown argument `{other}`: engines [--text-bytes N] [--sets places,1m] [--engines LIST] [--work DIR]"
                    ),
                }
                i += 2;
            }
            driver(text_bytes, &sets, &engines, &work)
        }
    }
}
