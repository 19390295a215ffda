//! The edges a user hits first (issue [9], points 1 to 11): no data silently lost or wrong, no
//! panic, no crash, no unbounded memory. Each test reproduces one point and is named after
//! the problem it pins; `tests/first_minutes.rs` holds points 12 to 17.

use crate::util::{gazex, jsonl, tmp, write};
use predicates::str::contains;
use std::path::Path;
use std::process::Command;

const GAZ: &str = "id\ttype\tname\taliases\n\
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov\n\
org:irpt\tORG\tIslamic Renaissance Party of Tajikistan\tIRPT\n\
place:kaluga\tPLACE\tKaluga\t\n";

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("gazex")
}

/// `gazex extract --no-builtin -q -g G -o OUT` with `args` after.
fn extract(g: &Path, out: &Path, args: &[&Path]) -> assert_cmd::Command {
    let mut c = gazex();
    c.args(["extract", "--no-builtin", "-q", "-g"])
        .arg(g)
        .arg("-o")
        .arg(out)
        .args(args);
    c
}

fn lines(p: &Path) -> usize {
    std::fs::read_to_string(p).map_or(0, |s| s.lines().count())
}

fn docs_of(out: &Path) -> Vec<String> {
    jsonl(&out.join("documents.jsonl"))
        .iter()
        .map(|d| d["doc"].as_str().unwrap_or("").to_string())
        .collect()
}

// 1
#[test]
fn resume_of_a_complete_run_with_an_added_input_is_refused() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let a = write(
        d.path(),
        "a.jsonl",
        "{\"id\":\"a1\",\"text\":\"Khalimov\"}\n",
    );
    let b = write(d.path(), "b.jsonl", "{\"id\":\"b1\",\"text\":\"Kaluga\"}\n");
    let c = write(d.path(), "c.jsonl", "{\"id\":\"c1\",\"text\":\"IRPT\"}\n");
    let out = d.path().join("out");
    extract(&g, &out, &[&a, &b]).assert().success();
    let before = std::fs::read(out.join("entities.jsonl")).unwrap();
    extract(&g, &out, &[&a, &b, &c])
        .arg("--resume")
        .assert()
        .code(2)
        .stderr(contains("c.jsonl"))
        .stderr(contains("added"));
    // One left out, and a file changed since: refused too, naming what changed.
    extract(&g, &out, &[&a])
        .arg("--resume")
        .assert()
        .code(2)
        .stderr(contains("left out"));
    assert_eq!(std::fs::read(out.join("entities.jsonl")).unwrap(), before);
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(
        d.path(),
        "b.jsonl",
        "{\"id\":\"b1\",\"text\":\"Kaluga and Khalimov\"}\n",
    );
    extract(&g, &out, &[&a, &b])
        .arg("--resume")
        .assert()
        .code(2)
        .stderr(contains("changed"));
    // The same inputs again: nothing to do.
    write(d.path(), "b.jsonl", "{\"id\":\"b1\",\"text\":\"Kaluga\"}\n");
    extract(&g, &out, &[&a, &b])
        .arg("--force")
        .assert()
        .success();
    extract(&g, &out, &[&a, &b])
        .arg("--resume")
        .assert()
        .success();
}

// 2
#[test]
fn an_output_folder_inside_the_input_is_not_read_as_documents() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let input = d.path().join("in");
    write(&input, "a.txt", "Khalimov went to Kaluga.");
    let out = input.join("out");
    extract(&g, &out, &[&input]).assert().success();
    extract(&g, &out, &[&input])
        .arg("--force")
        .assert()
        .success()
        .stderr(contains("not read as input"));
    assert_eq!(docs_of(&out), ["a.txt"]);
    // Another gazex output folder inside the input is left out as well.
    extract(&g, &input.join("old"), &[&write(d.path(), "x.txt", "IRPT")])
        .assert()
        .success();
    let other = d.path().join("other");
    extract(&g, &other, &[&input]).assert().success();
    assert_eq!(docs_of(&other), ["a.txt"]);
    // An input inside the output folder would be overwritten: refused.
    extract(&g, &out, &[&out.join("entities.jsonl")])
        .arg("--force")
        .assert()
        .code(2)
        .stderr(contains("in the output folder"));
}

// 3
#[test]
fn compile_and_import_refuse_to_write_over_their_sources() {
    let d = tmp();
    let src = write(d.path(), "people.tsv", GAZ);
    let before = std::fs::read(&src).unwrap();
    let compile = |args: &[&Path]| {
        let mut c = gazex();
        c.args(["gazetteer", "compile", "--no-builtin", "-q"])
            .args(args);
        c
    };
    compile(&[&src, Path::new("-o"), &src])
        .assert()
        .code(2)
        .stderr(contains("input"));
    let same = d.path().join("sub/../people.tsv");
    std::fs::create_dir_all(d.path().join("sub")).unwrap();
    compile(&[&src, Path::new("-o"), &same]).assert().code(2);
    // A device is no place for a compiled file (and must not be replaced by one).
    compile(&[&src, Path::new("-o"), Path::new("/dev/null")])
        .assert()
        .code(2)
        .stderr(contains("not a regular file"));
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    assert_eq!(std::fs::read(&src).unwrap(), before);
    // Inside a source folder: the folder would take in its own output next time.
    compile(&[d.path(), Path::new("-o"), &d.path().join("all.gzc")])
        .assert()
        .code(2)
        .stderr(contains("inside the source folder"));
    assert!(!d.path().join("all.gzc").exists());
    let csv = write(d.path(), "list.csv", "name,type\nAnna Karenina,PERSON\n");
    let before = std::fs::read(&csv).unwrap();
    gazex()
        .args(["gazetteer", "import", "--from", "csv"])
        .arg(&csv)
        .arg("-o")
        .arg(&csv)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&csv).unwrap(), before);
}

// 4
#[test]
fn no_command_writes_over_a_file_of_an_output_folder() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let a = write(d.path(), "a.txt", "Khalimov met the IRPT in Kaluga.");
    let run = d.path().join("run");
    extract(&g, &run, &[&a]).assert().success();
    let snapshot = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot(&run);
    for f in ["entities.jsonl", "manifest.json", "cooccurrence.tsv"] {
        gazex()
            .arg("report")
            .arg(&run)
            .arg("-o")
            .arg(run.join(f))
            .assert()
            .code(2)
            .stderr(contains("output folder"));
    }
    gazex()
        .args(["gazetteer", "compile", "--no-builtin", "-q"])
        .arg(&g)
        .arg("-o")
        .arg(run.join("entities.tsv"))
        .assert()
        .code(2);
    gazex()
        .args(["gazetteer", "import", "--from", "csv"])
        .arg(write(d.path(), "l.csv", "name,type\nAnna,PERSON\n"))
        .arg("-o")
        .arg(run.join("documents.jsonl"))
        .assert()
        .code(2);
    gazex()
        .args(["export", "--format", "csv", "-o"])
        .arg(&run)
        .arg(&run)
        .assert()
        .code(2);
    gazex()
        .arg("merge")
        .arg("-o")
        .arg(run.join("all"))
        .arg(&run)
        .assert()
        .code(2);
    assert_eq!(snapshot(&run), before);
    // The report's own place is fine.
    gazex().arg("report").arg(&run).assert().success();
    assert!(run.join("report.html").is_file());
}

// 5
#[test]
fn jsonl_with_a_bom_or_in_utf16_loses_no_document() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let docs = |p: &str| {
        format!(
            "{{\"id\":\"{p}1\",\"text\":\"Kaluga\"}}\n{{\"id\":\"{p}2\",\"text\":\"Khalimov\"}}\n"
        )
    };
    let utf16 = |s: &str, le: bool| -> Vec<u8> {
        let mut b: Vec<u8> = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in s.encode_utf16() {
            b.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        b
    };
    let bom = write(
        d.path(),
        "bom.jsonl",
        [&b"\xEF\xBB\xBF"[..], docs("a").as_bytes()].concat(),
    );
    let le = write(d.path(), "le.jsonl", utf16(&docs("b"), true));
    let be = d.path().join("be.jsonl.gz");
    {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(
            std::fs::File::create(&be).unwrap(),
            flate2::Compression::fast(),
        );
        e.write_all(&utf16(&docs("c"), false)).unwrap();
        e.finish().unwrap();
    }
    let out = d.path().join("out");
    extract(&g, &out, &[&bom, &le, &be]).assert().success();
    assert_eq!(docs_of(&out), ["a1", "a2", "b1", "b2", "c1", "c2"]);
    for doc in jsonl(&out.join("documents.jsonl")) {
        assert_eq!(doc["warnings"], serde_json::json!([]), "{doc}");
        assert_eq!(doc["mentions"], 1, "{doc}");
    }
    // Standard input, with a BOM (auto-detected as JSONL) and in UTF-16.
    for input in [
        [&b"\xEF\xBB\xBF"[..], docs("s").as_bytes()].concat(),
        utf16(&docs("s"), true),
    ] {
        let o = gazex()
            .args(["extract", "--no-builtin", "-q", "--stdout", "-g"])
            .arg(&g)
            .arg("-")
            .write_stdin(input)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(o).unwrap();
        assert!(
            text.contains("\"doc\":\"s1\"") && text.contains("\"doc\":\"s2\""),
            "{text}"
        );
    }
}

// 6
#[test]
fn gazetteers_gold_and_jsonl_with_cr_line_ends_are_read() {
    let d = tmp();
    for (name, end) in [("cr", "\r"), ("crlf", "\r\n")] {
        let g = write(d.path(), &format!("{name}.tsv"), GAZ.replace('\n', end));
        let input = write(
            d.path(),
            &format!("{name}.jsonl"),
            format!(
                "{{\"id\":\"x\",\"text\":\"Khalimov in Kaluga\"}}{end}{{\"id\":\"y\",\"text\":\"IRPT\"}}{end}"
            ),
        );
        let out = d.path().join(format!("out-{name}"));
        extract(&g, &out, &[&input]).assert().success();
        let ids: Vec<String> = jsonl(&out.join("entities.jsonl"))
            .iter()
            .map(|m| m["id"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(
            ids,
            ["person:khalimov", "place:kaluga", "org:irpt"],
            "{name}"
        );
        gazex()
            .args(["gazetteer", "check", "-q"])
            .arg(&g)
            .assert()
            .success()
            .stdout(contains("ok: 3 entries"));
        let gold = write(
            d.path(),
            &format!("{name}-gold.jsonl"),
            format!(
                "{{\"id\":\"x\",\"text\":\"Khalimov in Kaluga\",\"spans\":[{{\"start\":0,\"end\":8,\"type\":\"PERSON\"}}]}}{end}{{\"id\":\"y\",\"text\":\"IRPT\",\"spans\":[]}}{end}"
            ),
        );
        gazex()
            .args(["eval", "--json", "--gold"])
            .arg(&gold)
            .arg(&out)
            .assert()
            .success()
            .stdout(contains("\"gold\":1"));
    }
}

// 7
#[test]
fn merge_refuses_a_part_given_twice_or_parts_sharing_a_document() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let a = write(
        d.path(),
        "a.jsonl",
        "{\"id\":\"a1\",\"text\":\"Khalimov\"}\n",
    );
    let p1 = d.path().join("p1");
    let p2 = d.path().join("p2");
    extract(&g, &p1, &[&a]).assert().success();
    extract(&g, &p2, &[&a]).assert().success();
    let merge = |parts: &[&Path], out: &str| {
        let mut c = gazex();
        c.args(["merge", "-q", "-o"])
            .arg(d.path().join(out))
            .args(parts);
        c
    };
    merge(&[&p1, &p1], "m1")
        .assert()
        .code(2)
        .stderr(contains("given twice"));
    merge(&[&p1, &d.path().join("p2/../p1")], "m2")
        .assert()
        .code(2);
    merge(&[&p1, &p2], "m3")
        .assert()
        .code(2)
        .stderr(contains("`a1`"))
        .stderr(contains("shard"));
    for m in ["m1", "m2", "m3"] {
        assert!(!d.path().join(m).exists(), "{m} was written");
    }
}

// 8
#[test]
fn export_formats_each_get_their_own_default_folder() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let a = write(d.path(), "a.txt", "Khalimov met the IRPT in Kaluga.");
    let run = d.path().join("run");
    extract(&g, &run, &[&a]).assert().success();
    for f in ["neo4j", "csv", "graphml", "gexf"] {
        gazex()
            .args(["export", "-q", "--format", f])
            .arg(&run)
            .assert()
            .success();
    }
    let neo = std::fs::read_to_string(run.join("graph/neo4j/nodes.csv")).unwrap();
    assert!(neo.starts_with("entityId:ID(Entity)"), "{neo}");
    let gephi = std::fs::read_to_string(run.join("graph/csv/nodes.csv")).unwrap();
    assert!(gephi.starts_with("Id,Label"), "{gephi}");
    assert!(run.join("graph/neo4j/relationships.csv").is_file());
    assert!(run.join("graph/csv/edges.csv").is_file());
    assert!(run.join("graph/graphml/graph.graphml").is_file());
    assert!(run.join("graph/gexf/graph.gexf").is_file());
}

/// Runs `cmd` in bash with its standard output read by `head -c 1` (which closes the pipe),
/// and again into /dev/full; gives (status into the pipe, status and stderr into the disk).
fn pipe_and_full(cmd: &str) -> (i32, i32, String) {
    let piped = Command::new("bash")
        .args([
            "-o",
            "pipefail",
            "-c",
            &format!("{cmd} | head -c 1 >/dev/null"),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&piped.stderr).into_owned();
    assert!(!err.contains("panicked"), "{cmd}: {err}");
    let full = Command::new("bash")
        .args(["-c", &format!("{cmd} > /dev/full")])
        .output()
        .unwrap();
    let ferr = String::from_utf8_lossy(&full.stderr).into_owned();
    assert!(!ferr.contains("panicked"), "{cmd}: {ferr}");
    (
        piped.status.code().unwrap_or(-1),
        full.status.code().unwrap_or(-1),
        ferr,
    )
}

// 9
#[test]
fn a_closed_pipe_exits_0_and_a_full_disk_exits_1_in_every_subcommand() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let mut gold = String::new();
    let mut docs = String::new();
    // Misses of distinct texts: the output is far larger than a pipe's buffer.
    for i in 0..6000 {
        let text = format!("Khalimov met the IRPT in Kaluga, report {i}.");
        gold.push_str(&format!(
            "{{\"id\":\"d{i}\",\"text\":\"{text}\",\"spans\":[{{\"start\":9,\"end\":12,\"type\":\"PLACE\",\"text\":\"m{i}\"}}]}}\n"
        ));
        docs.push_str(&format!("{{\"id\":\"d{i}\",\"text\":\"{text}\"}}\n"));
    }
    let gold = write(d.path(), "gold.jsonl", gold);
    let docs = write(d.path(), "docs.jsonl", docs);
    let csv = write(d.path(), "list.csv", "name,type\nAnna Karenina,PERSON\n");
    let run = d.path().join("run");
    extract(&g, &run, &[&docs]).assert().success();
    let gz = bin().display().to_string();
    let (g, gold, docs, run) = (g.display(), gold.display(), docs.display(), run.display());
    let csv = csv.display();
    for cmd in [
        format!("'{gz}' eval --gold '{gold}' '{run}' --top 100000"),
        format!("'{gz}' eval --json --gold '{gold}' '{run}'"),
        format!("'{gz}' gazetteer stats"),
        format!("'{gz}' gazetteer check --with-builtin '{g}'"),
        format!("'{gz}' report '{run}' -o -"),
        // A device or FIFO is written in place, never replaced by a file.
        format!("'{gz}' report '{run}' -o /dev/stdout"),
        format!("'{gz}' gazetteer import --from csv '{csv}' -o /dev/stdout"),
        format!("'{gz}' extract --no-builtin -q -g '{g}' --stdout '{docs}'"),
        format!("'{gz}' gazetteer import --from csv '{csv}' -o -"),
        format!("'{gz}' completions bash"),
        format!("'{gz}' man"),
        format!("'{gz}' --help"),
    ] {
        let (pipe, full, err) = pipe_and_full(&cmd);
        assert_eq!(pipe, 0, "{cmd} into a closed pipe");
        assert_eq!(full, 1, "{cmd} into /dev/full: {err}");
        assert!(!err.is_empty(), "{cmd} into /dev/full says nothing");
    }
}

// 10
#[test]
fn a_folder_nested_1500_levels_deep_is_walked_without_overflow() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let mut deep = d.path().join("deep");
    for _ in 0..1500 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("x.txt"), "Kaluga").unwrap();
    let out = d.path().join("out");
    extract(&g, &out, &[&d.path().join("deep")])
        .assert()
        .success();
    let ids = docs_of(&out);
    assert_eq!(ids.len(), 1);
    assert!(ids[0].ends_with("d/d/x.txt") && ids[0].len() == 1500 * 2 + 5);
}

// 11
#[test]
fn endless_or_broken_gold_files_are_refused_in_bounded_memory() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let a = write(d.path(), "a.txt", "Khalimov in Kaluga");
    let run = d.path().join("run");
    extract(&g, &run, &[&a]).assert().success();
    let gold = write(d.path(), "gold.jsonl", "{\"id\":\"a.txt\",\"spans\":[]}\n");
    // /dev/zero has no line end: refused at the bound, in at most ~1 GB of memory.
    for args in [
        vec!["eval", "--gold", "/dev/zero", run.to_str().unwrap()],
        vec!["eval", "--gold", gold.to_str().unwrap(), "/dev/zero"],
        vec!["gazetteer", "check", "/dev/zero"],
        vec![
            "gazetteer",
            "import",
            "--from",
            "csv",
            "/dev/zero",
            "-o",
            "-",
        ],
        vec![
            "gazetteer",
            "import",
            "--from",
            "spacy-patterns",
            "/dev/zero",
            "-o",
            "-",
        ],
    ] {
        let script = format!(
            "ulimit -v 1500000; exec '{}' {}",
            bin().display(),
            args.iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let o = Command::new("bash").args(["-c", &script]).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            matches!(o.status.code(), Some(1 | 2)),
            "{args:?}: {:?} {err}",
            o.status
        );
        assert!(err.contains("longer than"), "{args:?}: {err}");
    }
    for (span, why) in [
        (r#"{"start":5,"end":2,"type":"PLACE"}"#, "after end"),
        (r#"{"start":0,"end":99,"type":"PLACE"}"#, "past the end"),
    ] {
        let gold = write(
            d.path(),
            "bad.jsonl",
            format!("{{\"id\":\"a.txt\",\"text\":\"Khalimov in Kaluga\",\"spans\":[{span}]}}\n"),
        );
        gazex()
            .args(["eval", "--gold"])
            .arg(&gold)
            .arg(&run)
            .assert()
            .code(2)
            .stderr(contains("bad.jsonl:1"))
            .stderr(contains(why));
    }
    assert!(lines(&run.join("documents.jsonl")) == 1);
}
