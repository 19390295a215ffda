//! Reliability (issue 5): every kind of bad input is skipped or repaired with a warning while
//! the run goes on (exit 0); bad configuration exits 2 before any work with every problem
//! listed; write failures exit 1 naming the file and leave no complete manifest; nothing is
//! written outside `--out`; thread counts and shards + merge give identical files.

use crate::util::{gazex, jsonl, tmp, write};
use predicates::str::contains;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const GAZ: &str = "id\ttype\tname\taliases\n\
place:kaluga\tPLACE\tKaluga\t\n\
place:moscow\tPLACE\tMoscow\t\n\
place:koln\tPLACE\tKöln\tCologne\n\
place:tajikistan\tPLACE\tTajikistan\t\n\
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov\n";

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn zst(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).unwrap()
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs extract on `input` with the test gazetteer; returns documents by id and mentions.
fn run(
    d: &Path,
    input: &Path,
    extra: &[&str],
) -> (HashMap<String, Value>, Vec<Value>, Value, PathBuf) {
    let g = write(d, "g.tsv", GAZ);
    let out = d.join(format!("out{}", extra.len()));
    gazex()
        .args(["extract", "--no-builtin", "-q", "--force", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .args(extra)
        .arg(input)
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
    let docs = jsonl(&out.join("documents.jsonl"))
        .into_iter()
        .map(|v| (v["doc"].as_str().unwrap_or("").to_string(), v))
        .collect();
    let ents = jsonl(&out.join("entities.jsonl"));
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    (docs, ents, m, out)
}

fn warnings(docs: &HashMap<String, Value>, id: &str) -> String {
    let d = docs
        .get(id)
        .unwrap_or_else(|| panic!("no document {id} in {:?}", docs.keys()));
    d["warnings"].to_string()
}

fn found(ents: &[Value], doc: &str, text: &str) -> bool {
    ents.iter().any(|e| e["doc"] == doc && e["text"] == text)
}

#[test]
fn a_folder_of_bad_text_documents_runs_to_the_end() {
    let d = tmp();
    let b = d.path().join("bad");
    write(&b, "empty.txt", "");
    write(&b, "ws.txt", " \n\t\r\n   ");
    write(&b, "nul.txt", b"Kaluga\x00\x00\x01binary".repeat(50));
    // Invalid UTF-8 in the middle of a UTF-8 text (it has valid multi-byte characters).
    write(
        &b,
        "bad-utf8.txt",
        b"\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 before \xff\xfe\xc3 bytes. Then Kaluga.",
    );
    let mut le = vec![0xFF, 0xFE];
    le.extend(
        "Report on Tajikistan."
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    write(&b, "utf16le.txt", le);
    let mut be = vec![0xFE, 0xFF];
    be.extend(
        "Report from Kaluga."
            .encode_utf16()
            .flat_map(u16::to_be_bytes),
    );
    write(&b, "utf16be.txt", be);
    write(&b, "bom.txt", "\u{FEFF}Moscow.");
    write(
        &b,
        "latin1.txt",
        b"Treffen in K\xf6ln und Tajikistan, \x93Zitat\x94.",
    );
    write(&b, "crlf.txt", "Kaluga\r\nTajikistan\r\nMoscow\r\n");
    write(&b, "cr.txt", "Kaluga\rTajikistan\rGulmurod\rKhalimov\r");
    write(&b, "corrupt.gz", b"\x1f\x8b\x08\x00garbage-not-deflate");
    write(&b, "corrupt.zst", b"\x28\xb5\x2f\xfdgarbage-not-zstd-data");
    let g = gz("Tajikistan Kaluga ".repeat(5000).as_bytes());
    write(&b, "truncated.gz", &g[..g.len() / 2]);
    let z = zst("Moscow Kaluga ".repeat(50_000).as_bytes());
    write(&b, "truncated.zst", &z[..z.len() / 2]);
    write(&b, "ok.txt.gz", gz(b"Kaluga is here."));
    write(&b, "ok.txt.zst", zst(b"Moscow is there."));
    // A decompression bomb: 64 MB of text in a few hundred KB, limit 1 MB.
    write(&b, "bomb.txt.gz", gz(&b"Kaluga ".repeat(64 << 20 >> 3)));
    let (docs, ents, m, _) = run(d.path(), &b, &["--max-doc-bytes", "1000000"]);
    assert!(warnings(&docs, "empty.txt").contains("empty"));
    assert!(warnings(&docs, "ws.txt").contains("white space"));
    assert!(warnings(&docs, "nul.txt").contains("binary"));
    assert!(warnings(&docs, "bad-utf8.txt").contains("invalid UTF-8"));
    assert!(found(&ents, "bad-utf8.txt", "Kaluga"));
    assert!(found(&ents, "utf16le.txt", "Tajikistan"));
    assert!(found(&ents, "utf16be.txt", "Kaluga"));
    assert_eq!(warnings(&docs, "utf16le.txt"), "[]");
    assert!(found(&ents, "bom.txt", "Moscow"));
    let e = ents
        .iter()
        .find(|e| e["doc"] == "bom.txt")
        .expect("bom mention");
    assert_eq!(e["start"], 0, "the BOM is not part of the text");
    assert!(warnings(&docs, "latin1.txt").contains("Windows-1252"));
    assert!(found(&ents, "latin1.txt", "Köln"));
    assert!(found(&ents, "latin1.txt", "Tajikistan"));
    for (doc, names) in [
        ("crlf.txt", &["Kaluga", "Tajikistan", "Moscow"][..]),
        (
            "cr.txt",
            &["Kaluga", "Tajikistan", "Gulmurod\rKhalimov"][..],
        ),
    ] {
        for n in names {
            assert!(found(&ents, doc, n), "{doc}: {n}");
        }
        assert_eq!(warnings(&docs, doc), "[]");
    }
    assert!(warnings(&docs, "corrupt.gz").contains("corrupt"));
    assert!(
        warnings(&docs, "corrupt.zst").contains("corrupt")
            || warnings(&docs, "corrupt.zst").contains("decompress")
    );
    assert!(warnings(&docs, "truncated.gz").contains("truncated"));
    assert!(
        found(&ents, "truncated.gz", "Tajikistan"),
        "text before the cut is kept"
    );
    assert!(warnings(&docs, "truncated.zst").contains("truncated"));
    assert!(found(&ents, "ok.txt.gz", "Kaluga"));
    assert!(found(&ents, "ok.txt.zst", "Moscow"));
    assert!(warnings(&docs, "bomb.txt.gz").contains("--max-doc-bytes"));
    assert!(docs["bomb.txt.gz"]["bytes"].as_u64().unwrap() <= 1_000_001);
    // Every mention slices back to its text in the decoded document (offsets stay exact).
    for e in &ents {
        let (s, t) = (
            e["byte_start"].as_u64().unwrap(),
            e["byte_end"].as_u64().unwrap(),
        );
        assert!(s < t, "{e}");
    }
    // The manifest counts the warnings and lists them.
    assert!(m["counts"]["documents_with_warnings"].as_u64().unwrap() >= 10);
    assert!(m["warnings"].to_string().contains("corrupt.gz"));
    assert_eq!(m["complete"], true);
}

#[test]
fn links_fifos_and_permissions() {
    let d = tmp();
    let b = d.path().join("in");
    write(&b, "a.txt", "Kaluga.");
    write(&b, "sub/b.txt", "Moscow.");
    std::os::unix::fs::symlink("does-not-exist.txt", b.join("dangling.txt")).unwrap();
    std::os::unix::fs::symlink("..", b.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("a.txt", b.join("link-to-a.txt")).unwrap();
    let fifo = b.join("fifo.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo");
    let locked = write(&b, "locked.txt", "Kaluga.");
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    // Without --follow: links are not followed (like ripgrep), the FIFO is a warned document.
    let (docs, _, _, _) = run(d.path(), &b, &[]);
    assert!(!docs.contains_key("dangling.txt") && !docs.contains_key("link-to-a.txt"));
    assert!(warnings(&docs, "fifo.txt").contains("not a regular file"));
    assert!(docs.contains_key("sub/b.txt"));
    if is_root() {
        eprintln!("skipped the no-read-permission case: running as root, which reads any file");
    } else {
        assert!(warnings(&docs, "locked.txt").contains("cannot read"));
    }
    // With --follow: the dangling link is a warned document, the loop is walked once.
    let (docs, _, _, _) = run(d.path(), &b, &["--follow"]);
    assert!(warnings(&docs, "dangling.txt").contains("broken symbolic link"));
    assert!(docs.contains_key("link-to-a.txt"));
    assert!(!docs.keys().any(|k| k.contains("up/")), "{:?}", docs.keys());
    // A FIFO given directly is skipped too, not read (which would block).
    let (docs, _, _, _) = run(d.path(), &fifo, &["--input-format", "text"]);
    assert!(warnings(&docs, "fifo.txt").contains("not a regular file"));
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
}

#[test]
fn bad_jsonl_lines_are_warned_and_skipped() {
    let d = tmp();
    // A line of over 100 MB: mostly words that match nothing, one name at the end.
    let mut big = "lorem ipsum dolor sit\n".repeat(4_600_000);
    big.push_str("Kaluga");
    let mut body = String::new();
    body.push_str("{\"id\":\"ok1\",\"text\":\"Kaluga and Moscow.\"}\n");
    body.push_str("not json at all\n");
    body.push_str("[1,2,3]\n");
    body.push_str("{\"id\":\"notext\"}\n");
    body.push_str("{\"id\":\"numtext\",\"text\":42}\n");
    body.push_str("{\"id\":\"ok1\",\"text\":\"Moscow again.\"}\n");
    body.push_str("\n   \n");
    body.push_str("{\"id\":\"crlf\",\"text\":\"Moscow\"}\r\n");
    body.push_str(&serde_json::json!({"id": "big", "text": big}).to_string());
    drop(big);
    body.push('\n');
    body.push_str("{\"id\":\"date\",\"text\":\"Kaluga\",\"date\":\"yesterday\"}\n");
    body.push_str("{\"id\":\"last\",\"text\":\"Tajikistan\"}");
    let mut raw = body.into_bytes();
    // A truly invalid UTF-8 byte inside a JSON string.
    raw.extend_from_slice(b"\n{\"id\":\"rawbad\",\"text\":\"Moscow \xff\"}\n");
    let f = write(d.path(), "docs.jsonl", &raw);
    assert!(raw.len() > 100 << 20, "a line of over 100 MB");
    let (docs, ents, _, _) = run(d.path(), &f, &[]);
    let by_line = |n: usize| warnings(&docs, &format!("{}:{n}", f.display()));
    assert!(by_line(2).contains("not valid JSON") && by_line(2).contains(":2"));
    assert!(by_line(3).contains("not a JSON object"));
    assert!(by_line(4).contains("no `text` field"));
    assert!(by_line(5).contains("not a string"));
    assert!(found(&ents, "ok1", "Kaluga"));
    let ok1 = jsonl(&d.path().join("out0/documents.jsonl"))
        .into_iter()
        .filter(|v| v["doc"] == "ok1" || v["doc"] == "ok1#2")
        .collect::<Vec<_>>();
    assert_eq!(ok1.len(), 2);
    // Ids are unique within a run: the second `ok1` is `ok1#2`, with a warning.
    assert_eq!(ok1[1]["doc"], "ok1#2");
    assert!(ok1[1]["warnings"]
        .to_string()
        .contains("duplicate document id"));
    assert!(found(&ents, "crlf", "Moscow"));
    assert!(found(&ents, "big", "Kaluga"));
    assert!(warnings(&docs, "date").contains("not a YYYY-MM-DD"));
    assert!(found(&ents, "last", "Tajikistan"));
    assert!(warnings(&docs, "rawbad").contains("invalid UTF-8"));
    assert!(found(&ents, "rawbad", "Moscow"));
    // With a 1 MB limit the 100 MB line is skipped with a warning, the rest goes on.
    let (docs, ents, _, _) = run(d.path(), &f, &["--max-doc-bytes", "1000000"]);
    assert!(by_line_in(&docs, &f, 10).contains("longer than"));
    assert!(found(&ents, "last", "Tajikistan"));
}

fn by_line_in(docs: &HashMap<String, Value>, f: &Path, n: usize) -> String {
    warnings(docs, &format!("{}:{n}", f.display()))
}

#[test]
fn compressed_jsonl_bomb_and_corruption() {
    let d = tmp();
    let mut lines = b"{\"id\":\"a\",\"text\":\"Kaluga\"}\n".to_vec();
    lines.extend_from_slice(b"{\"id\":\"bomb\",\"text\":\"");
    lines.extend(std::iter::repeat_n(b'x', 8 << 20));
    lines.extend_from_slice(b"\"}\n{\"id\":\"b\",\"text\":\"Moscow\"}\n");
    write(d.path(), "in/bomb.jsonl.gz", gz(&lines));
    let z = zst(&lines);
    write(d.path(), "in/cut.jsonl.zst", &z[..z.len() - 20]);
    let (docs, ents, _, _) = run(
        d.path(),
        &d.path().join("in"),
        &["--max-doc-bytes", "100000"],
    );
    assert!(found(&ents, "a", "Kaluga") && found(&ents, "b", "Moscow"));
    assert!(docs
        .values()
        .any(|v| v["warnings"].to_string().contains("longer than")));
    assert!(docs.values().any(
        |v| v["source"].as_str().unwrap_or("").contains("cut.jsonl.zst")
            && !v["warnings"].as_array().unwrap().is_empty()
    ));
}

#[test]
fn bad_configuration_exits_2_listing_every_problem_before_any_work() {
    let d = tmp();
    write(d.path(), "in/a.txt", "Kaluga.");
    let file_out = write(d.path(), "iamafile", "x");
    let g = write(
        d.path(),
        "bad.tsv",
        "# comment\nid\ttype\tname\taliases\tcase\n\
         x:1\tPERSON\tA Name\t\t\n\
         x:1\tPERSON\tDup Id\t\t\n\
         x:3\tPLACE\t\t\t\n\
         x:4\tORG\tOk\t\tloud\n\
         x:5\tORG\t...\t\t\n\
         x:6\tORG\ttoo\tmany\tsmart\textra\tcolumns\n\
         x:7\tORG\n",
    );
    let o = gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&file_out)
        .args(["--threads", "0", "--doc-date", "last tuesday"])
        .arg(d.path().join("in"))
        .arg(d.path().join("missing-input"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&o);
    for needle in [
        "--threads 0",
        "--doc-date",
        "missing-input",
        "iamafile",
        "bad.tsv:4",
        "bad.tsv:5",
        "bad.tsv:6",
        "bad.tsv:7",
        "bad.tsv:9",
    ] {
        assert!(err.contains(needle), "{needle} not in: {err}");
    }
    assert!(!err.contains("panicked"));
    // Missing header.
    let nh = write(d.path(), "nohead.tsv", "x:1\tPERSON\tA Name\t\n");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&nh)
        .arg("-o")
        .arg(d.path().join("o2"))
        .arg(d.path().join("in"))
        .assert()
        .code(2)
        .stderr(contains("nohead.tsv:1"));
    assert!(
        !d.path().join("o2").exists(),
        "no work before the configuration is valid"
    );
    // CRLF line ends and a BOM are accepted.
    let crlf = write(
        d.path(),
        "crlf.tsv",
        "\u{FEFF}id\ttype\tname\taliases\r\nplace:kaluga\tPLACE\tKaluga\t\r\n",
    );
    let out = d.path().join("o3");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&crlf)
        .arg("-o")
        .arg(&out)
        .arg(d.path().join("in"))
        .assert()
        .success();
    let e = jsonl(&out.join("entities.jsonl"));
    assert_eq!(e[0]["id"], "place:kaluga");
    // A non-empty output folder is refused without --force.
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&crlf)
        .arg("-o")
        .arg(&out)
        .arg(d.path().join("in"))
        .assert()
        .code(2)
        .stderr(contains("--force"));
}

/// A folder of `n` documents big enough to overflow small write limits.
fn many_docs(dir: &Path, n: usize) -> PathBuf {
    let root = dir.join("many");
    for i in 0..n {
        write(
            &root,
            &format!("p{}/d{i:04}.txt", i % 3),
            "Gulmurod Khalimov met in Kaluga, then Moscow and Tajikistan. ".repeat(40),
        );
    }
    root
}

#[test]
fn write_failures_exit_1_naming_the_file_and_leave_no_complete_manifest() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let input = many_docs(d.path(), 60);
    let out = d.path().join("out");
    // A file size limit (as on a full disk): writes fail with EFBIG. SIGXFSZ is ignored in the
    // shell so that gazex sees the error instead of being killed.
    let bin = assert_cmd::cargo::cargo_bin("gazex");
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec '{}' extract --no-builtin -q -g '{}' -o '{}' '{}'",
        bin.display(),
        g.display(),
        out.display(),
        input.display()
    );
    let o = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("entities.jsonl"), "names the file: {err}");
    let m = std::fs::read_to_string(out.join("manifest.json")).unwrap_or_default();
    assert!(!m.contains("\"complete\": true"), "{m}");
    assert!(!out.join("entities.jsonl").exists());
    // Standard output that cannot be written.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    if let Ok(full) = full {
        let o = std::process::Command::new(&bin)
            .args(["extract", "--no-builtin", "-q", "--stdout", "-g"])
            .arg(&g)
            .arg(&input)
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("stdout"), "{err}");
    }
}

#[test]
fn nothing_is_written_outside_the_output_folder() {
    let d = tmp();
    let work = d.path().join("cwd");
    write(&work, "g.tsv", GAZ);
    let input = many_docs(&work, 30);
    let listing = |p: &Path| {
        let mut v = Vec::new();
        let mut stack = vec![p.to_path_buf()];
        while let Some(x) = stack.pop() {
            for e in std::fs::read_dir(&x).unwrap().flatten() {
                let p = e.path();
                if p.starts_with(work.join("out")) {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p.clone());
                }
                v.push(p);
            }
        }
        v.sort();
        v
    };
    let before = listing(&work);
    gazex()
        .current_dir(&work)
        .env("GAZEX_SPILL_PAIRS", "2")
        .args([
            "extract",
            "--no-builtin",
            "-q",
            "-g",
            "g.tsv",
            "-o",
            "out/run",
        ])
        .arg(&input)
        .assert()
        .success();
    assert_eq!(listing(&work), before);
    let names: Vec<String> = std::fs::read_dir(work.join("out/run"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".gazex-")), "{names:?}");
}

#[test]
fn thread_counts_and_shards_plus_merge_give_identical_files() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let input = many_docs(d.path(), 90);
    write(&input, "p0/zz-bad.txt", b"K\xf6ln \xff and Kaluga");
    write(&input, "p1/zz-empty.txt", "");
    write(
        &input,
        "p2/zz-docs.jsonl",
        "{\"id\":\"j1\",\"text\":\"Moscow\"}\nnope\n",
    );
    let parts: Vec<PathBuf> = ["p0", "p1", "p2"].iter().map(|p| input.join(p)).collect();
    let extract = |out: &Path, threads: &str, inputs: &[PathBuf]| {
        gazex()
            .args([
                "extract",
                "--no-builtin",
                "-q",
                "--window",
                "5",
                "-j",
                threads,
                "-g",
            ])
            .arg(&g)
            .arg("-o")
            .arg(out)
            .args(inputs)
            .assert()
            .success();
    };
    let one = d.path().join("t1");
    extract(&one, "1", &parts);
    for t in ["2", "7"] {
        let o = d.path().join(format!("t{t}"));
        extract(&o, t, &parts);
        for f in [
            "entities.jsonl",
            "documents.jsonl",
            "entities.tsv",
            "cooccurrence.tsv",
        ] {
            assert!(
                std::fs::read(one.join(f)).unwrap() == std::fs::read(o.join(f)).unwrap(),
                "--threads {t}: {f} differs"
            );
        }
    }
    // Three shards, then merge.
    let mut shard_dirs = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let o = d.path().join(format!("shard{i}"));
        extract(&o, "2", std::slice::from_ref(p));
        shard_dirs.push(o);
    }
    let merged = d.path().join("merged");
    gazex()
        .args(["merge", "-q", "-o"])
        .arg(&merged)
        .args(&shard_dirs)
        .assert()
        .success();
    for f in [
        "entities.jsonl",
        "documents.jsonl",
        "entities.tsv",
        "cooccurrence.tsv",
    ] {
        assert!(
            std::fs::read(one.join(f)).unwrap() == std::fs::read(merged.join(f)).unwrap(),
            "3 shards + merge: {f} differs"
        );
    }
}
