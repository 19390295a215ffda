//! Long texts read in chunks (issue 4): a text longer than a chunk (`GAZEX_CHUNK_BYTES`, a
//! few KB here) is read in pieces, scanned in parallel and stitched; every output file is
//! byte for byte that of the same text read whole, for any chunk size and thread count,
//! for plain, gzip, zstd, UTF-16 and Latin-1 files and standard input, with names, dates and
//! sentences at the chunk edges; and `--resume` after `kill -9` inside a chunked document
//! gives the same files.

use crate::util::{gazex, same_outputs, tmp, write};
use proptest::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const GAZ: &str = "id\ttype\tname\taliases\n\
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov|Халимов\n\
org:isis-k\tORG\tISIS-K\tIslamic State Khorasan Province\n\
org:un\tORG\tUnited Nations\tUN\n\
place:moscow\tPLACE\tMoscow\tМосква\n\
place:kaluga\tPLACE\tKaluga\t\n\
place:koln\tPLACE\tKöln\tCologne\n\
place:cote\tPLACE\tCôte d'Ivoire\t\n";

const WORDS: &[&str] = &[
    "Gulmurod\r\nKhalimov",
    "Khalimov",
    "the delegation",
    "met in",
    "Moscow",
    "Kaluga",
    "Köln",
    "on 3 March 2015",
    "the same year",
    "in 2019",
    "two days later",
    "Islamic State —\r\nKhorasan\n\nProvince",
    "Москва",
    "ХАЛИМОВ",
    "Cote d\u{2019}Ivoire",
    "e\u{301}te\u{301}",
    "ISIS-K",
    "He left.",
    "Then",
    "Christmas",
    "UN",
    "United\nNations",
    "Gen. Smith",
];

/// A deterministic text of `n` words with names, dates and sentence ends; `ambiguous` adds
/// numeric dates whose day-month order the whole document settles.
fn text(seed: u64, n: usize, ambiguous: bool) -> String {
    let mut x = seed | 1;
    let mut t = String::new();
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        t.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
        if ambiguous && x % 97 == 0 {
            t.push_str(" on 03/04/2024");
        }
        t.push_str(match (x >> 20) % 20 {
            0 => ".\r\n\r\n",
            1 | 2 => "\r\n",
            3 => ". ",
            _ => " ",
        });
    }
    if ambiguous {
        t.push_str("Signed 25/12/2023.\n");
    }
    t
}

/// Runs `gazex extract` into `out` with chunks of `chunk` bytes (0: the default, 8 MiB).
fn run_cli(g: &Path, out: &Path, input: &[&Path], chunk: usize, extra: &[&str], stdin: &[u8]) {
    let mut c = gazex();
    c.args(["extract", "--no-builtin", "-q", "--window", "5", "-g"])
        .arg(g)
        .arg("-o")
        .arg(out)
        .args(extra)
        .args(input)
        .write_stdin(stdin.to_vec())
        .timeout(Duration::from_secs(300));
    if chunk > 0 {
        c.env("GAZEX_CHUNK_BYTES", chunk.to_string());
    }
    c.assert().success();
}

#[test]
fn chunked_files_give_the_bytes_of_whole_files() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let t = text(3, 12_000, true);
    let root = d.path().join("in");
    write(
        &root,
        "a-short.txt",
        "Khalimov left Kaluga on 3 March 2015.",
    );
    write(&root, "b-long.txt", &t);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(t.as_bytes()).unwrap();
    write(&root, "c-long.txt.gz", gz.finish().unwrap());
    write(
        &root,
        "d-long.txt.zst",
        zstd::encode_all(t.as_bytes(), 1).unwrap(),
    );
    let mut u16 = vec![0xFF, 0xFE];
    u16.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
    write(&root, "e-utf16.txt", u16);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text(5, 9000, false).as_bytes());
    bom.extend_from_slice(b"\xff\xfe broken \xc3 bytes\n");
    write(&root, "f-bom-invalid.txt", bom);
    let latin: Vec<u8> = text(9, 9000, false)
        .chars()
        .filter(|&c| u32::from(c) < 0x80 || c == 'ö')
        .map(|c| u32::from(c) as u8)
        .collect();
    write(&root, "g-latin1.txt", latin);
    write(
        &root,
        "h.jsonl",
        "{\"id\":\"j1\",\"text\":\"Khalimov in Moscow\"}\n",
    );
    let whole = d.path().join("whole");
    run_cli(&g, &whole, &[&root], 0, &["-j", "1"], b"");
    let docs = std::fs::read_to_string(whole.join("documents.jsonl")).unwrap();
    assert!(
        docs.contains("Windows-1252") && docs.contains("invalid UTF-8"),
        "{docs}"
    );
    for (chunk, j) in [(3000, "2"), (20_000, "1"), (64 << 10, "2")] {
        let out = d.path().join(format!("c{chunk}"));
        run_cli(&g, &out, &[&root], chunk, &["-j", j], b"");
        same_outputs(&whole, &out, &format!("chunks of {chunk}, -j {j}"));
    }
    // Truncated at --max-doc-bytes inside a chunked text.
    let (w, c) = (d.path().join("w-max"), d.path().join("c-max"));
    run_cli(&g, &w, &[&root], 0, &["--max-doc-bytes", "100001"], b"");
    run_cli(&g, &c, &[&root], 5000, &["--max-doc-bytes", "100001"], b"");
    same_outputs(&w, &c, "--max-doc-bytes");
    assert!(std::fs::read_to_string(c.join("documents.jsonl"))
        .unwrap()
        .contains("truncated at 100001 bytes"));
}

#[test]
fn standard_input_text_in_chunks() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let t = text(11, 15_000, false);
    let (w, c) = (d.path().join("w"), d.path().join("c"));
    run_cli(&g, &w, &[Path::new("-")], 0, &[], t.as_bytes());
    run_cli(&g, &c, &[Path::new("-")], 4000, &[], t.as_bytes());
    same_outputs(&w, &c, "standard input");
}

/// `gazex extract --window 3` on `input` into `out`, in chunks of `chunk_bytes`.
fn run_chunked(input: &Path, out: &Path, chunk_bytes: usize, threads: usize) {
    let d = input.parent().unwrap();
    let g = d.join("g.tsv");
    if !g.exists() {
        write(d, "g.tsv", GAZ);
    }
    gazex()
        .args([
            "extract",
            "--no-builtin",
            "-q",
            "--force",
            "--window",
            "3",
            "-g",
        ])
        .arg(&g)
        .arg("-j")
        .arg(threads.to_string())
        .arg("-o")
        .arg(out)
        .arg(input)
        .env("GAZEX_CHUNK_BYTES", chunk_bytes.to_string())
        .assert()
        .success();
}

/// One long document and its whole-text output, made once for all cases.
fn reference() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static R: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    R.get_or_init(|| {
        let d = tmp();
        let input = write(d.path(), "doc.txt", text(21, 20_000, true));
        let out = d.path().join("whole");
        run_chunked(&input, &out, usize::MAX, 1);
        (d, input, out)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_chunk_size_gives_the_same_bytes(chunk in 1000usize..60_000, threads in 1usize..3) {
        let (_d, input, whole) = reference();
        let d = tmp();
        let out = d.path().join("out");
        run_chunked(input, &out, chunk, threads);
        same_outputs(whole, &out, &format!("chunks of {chunk}, {threads} threads"));
    }
}

fn extract_cmd(g: &Path, out: &Path, input: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("gazex"));
    c.args(["extract", "--no-builtin", "-q", "-j", "2", "-g"])
        .arg(g)
        .arg("-o")
        .arg(out)
        .arg(input)
        .env("GAZEX_CHECKPOINT_MS", "0")
        .env("GAZEX_BATCH_DOCS", "4")
        .env("GAZEX_CHUNK_BYTES", "3000")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

#[test]
fn resume_after_kill_inside_a_chunked_document() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let root = d.path().join("in");
    for i in 0..40 {
        write(&root, &format!("a{i:02}.txt"), text(i, 300, false));
    }
    write(&root, "m-long.txt", text(77, 120_000, true));
    for i in 0..40 {
        write(&root, &format!("z{i:02}.txt"), text(100 + i, 300, false));
    }
    let reference = d.path().join("ref");
    let t = Instant::now();
    assert!(extract_cmd(&g, &reference, &root)
        .status()
        .unwrap()
        .success());
    let full = t.elapsed();
    let moments = 6;
    for i in 0..moments {
        let out = d.path().join(format!("k{i}"));
        let mut child = extract_cmd(&g, &out, &root).spawn().unwrap();
        let wait = full.mul_f64((i as f64 + 0.5) / moments as f64);
        std::thread::sleep(wait.max(Duration::from_millis(3)));
        let _ = child.kill();
        let _ = child.wait();
        let mut c = extract_cmd(&g, &out, &root);
        c.arg("--resume");
        assert!(c.status().unwrap().success(), "resume {i} failed");
        same_outputs(&reference, &out, &format!("kill {i} then --resume"));
    }
}
