//! CLI tests on temporary folders: each output file, exit codes 0/1/2, gazetteer errors listed
//! with file:line, bad documents counted while the run goes on, identical output for any
//! thread count.

use crate::util::{gazex, jsonl, tmp, write};
use predicates::str::contains;

const GAZ: &str = "id\ttype\tname\taliases\tcountry\n\
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov|Halimov\tTJ\n\
org:irpt\tORG\tIslamic Renaissance Party of Tajikistan\tIRPT\tTJ\n\
place:kaluga\tPLACE\tKaluga\t\tRU\n\
org:formula\tORG\tGeneral Assembly\t\t=1+1\n";

#[test]
fn extract_writes_every_output_file() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    write(
        d.path(),
        "in/a.txt",
        "Colonel Gulmurod Khalimov left the IRPT.\n\nHe went to Kaluga. Khalimov stayed.",
    );
    write(
        d.path(),
        "in/sub/b.txt",
        "The General Assembly met in Kaluga.",
    );
    let out = d.path().join("out");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(d.path().join("in"))
        .assert()
        .success();
    let ents = jsonl(&out.join("entities.jsonl"));
    let docs: Vec<_> = ents
        .iter()
        .map(|r| r["doc"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        docs,
        ["a.txt", "a.txt", "a.txt", "a.txt", "sub/b.txt", "sub/b.txt"]
    );
    let first = &ents[0];
    // Keys in contract order, read from the raw line.
    let raw = std::fs::read_to_string(out.join("entities.jsonl")).expect("read");
    let line = raw.lines().next().unwrap_or("");
    let pos: Vec<usize> = [
        "doc",
        "id",
        "type",
        "name",
        "text",
        "start",
        "end",
        "byte_start",
        "byte_end",
        "sentence",
    ]
    .iter()
    .map(|k| line.find(&format!("\"{k}\":")).unwrap_or(usize::MAX))
    .collect();
    assert!(
        pos.windows(2).all(|w| w[0] < w[1]),
        "keys out of order: {line}"
    );
    assert_eq!(first["text"], "Gulmurod Khalimov");
    assert_eq!(ents[2]["text"], "Kaluga");
    assert_eq!(ents[2]["sentence"], 1);
    assert_eq!(ents[3]["sentence"], 2);
    let dj = jsonl(&out.join("documents.jsonl"));
    assert_eq!(dj.len(), 2);
    assert_eq!(dj[0]["mentions"], 4);
    assert_eq!(dj[0]["sentences"], 3);
    let tsv = std::fs::read_to_string(out.join("entities.tsv")).expect("entities.tsv");
    assert!(
        tsv.starts_with("id\ttype\tname\tmentions\tdocuments\tcountry\n"),
        "{tsv}"
    );
    assert!(
        tsv.contains("place:kaluga\tPLACE\tKaluga\t2\t2\tRU\n"),
        "{tsv}"
    );
    assert!(
        tsv.contains("\t'=1+1\n"),
        "formula cell must be escaped: {tsv}"
    );
    let cooc = std::fs::read_to_string(out.join("cooccurrence.tsv")).expect("cooccurrence.tsv");
    assert!(cooc.starts_with(
        "source\ttarget\tsource_type\ttarget_type\tdocuments\tsentences\twindow\tnpmi\n"
    ));
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(m["complete"], true);
    assert_eq!(m["counts"]["documents"], 2);
    assert_eq!(m["counts"]["mentions"], 6);
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".gazex-")), "{names:?}");
}

#[test]
fn same_bytes_for_any_thread_count() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    for i in 0..40 {
        write(
            d.path(),
            &format!("in/{i:03}.txt"),
            format!(
                "Doc {i}: Khalimov and the IRPT met in Kaluga. {}",
                "Halimov. ".repeat(i)
            ),
        );
    }
    let mut outs = Vec::new();
    for j in ["1", "2", "7"] {
        let out = d.path().join(format!("out{j}"));
        gazex()
            .args(["extract", "--no-builtin", "-q", "-j", j, "-g"])
            .arg(&g)
            .arg("-o")
            .arg(&out)
            .arg(d.path().join("in"))
            .assert()
            .success();
        outs.push(out);
    }
    for f in [
        "entities.jsonl",
        "documents.jsonl",
        "entities.tsv",
        "cooccurrence.tsv",
    ] {
        let a = std::fs::read(outs[0].join(f)).expect("read");
        for o in &outs[1..] {
            assert_eq!(a, std::fs::read(o.join(f)).expect("read"), "{f} differs");
        }
    }
}

#[test]
fn jsonl_input_and_bad_documents() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let lines = "{\"id\":\"r1\",\"text\":\"Khalimov in Kaluga\",\"date\":\"2024-03-22\"}\n\
        not json\n\
        [1,2]\n\
        {\"id\":\"r4\",\"text\":5}\n\
        {\"id\":\"r5\",\"text\":\"IRPT\\u2028line\"}\n";
    let f = write(d.path(), "docs.jsonl", lines);
    write(d.path(), "bin.txt", b"abc\0def");
    write(d.path(), "bad.txt", b"Kaluga \xff\xfe Khalimov");
    let out = d.path().join("out");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(&f)
        .arg(d.path().join("bin.txt"))
        .arg(d.path().join("bad.txt"))
        .assert()
        .success();
    let dj = jsonl(&out.join("documents.jsonl"));
    assert_eq!(dj.len(), 7, "{dj:?}");
    let warn = |i: usize| dj[i]["warnings"].to_string();
    assert!(
        warn(1).contains("not valid JSON") && warn(1).contains(":2"),
        "{}",
        warn(1)
    );
    assert!(warn(2).contains("not a JSON object"));
    assert!(warn(3).contains("not a string"));
    assert_eq!(dj[4]["doc"], "r5");
    assert!(warn(5).contains("binary"));
    assert!(warn(6).contains("invalid UTF-8"));
    let ents = jsonl(&out.join("entities.jsonl"));
    let texts: Vec<&str> = ents
        .iter()
        .map(|r| r["text"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(texts, ["Khalimov", "Kaluga", "IRPT", "Kaluga", "Khalimov"]);
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(m["counts"]["documents_with_warnings"], 5);
}

#[test]
fn stdin_and_stdout() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let out = gazex()
        .args(["extract", "--no-builtin", "-q", "--stdout", "-g"])
        .arg(&g)
        .arg("-")
        .write_stdin("{\"id\":\"x\",\"text\":\"Khalimov\"}\n{\"id\":\"y\",\"text\":\"IRPT\"}\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).expect("utf8");
    assert_eq!(s.lines().count(), 2, "{s}");
    assert!(s.contains("\"doc\":\"y\""));
}

#[test]
fn gazetteer_errors_exit_2_with_file_and_line() {
    let d = tmp();
    let g = write(
        d.path(),
        "bad.tsv",
        "id\ttype\tname\taliases\nx\tPERSON\t\t\ny\tnope\tY\t\n",
    );
    write(d.path(), "in/a.txt", "text");
    gazex()
        .args(["extract", "--no-builtin", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(d.path().join("out"))
        .arg(d.path().join("in"))
        .assert()
        .code(2)
        .stderr(contains("bad.tsv:2: empty name"))
        .stderr(contains("bad.tsv:3: type `nope`"));
    assert!(
        !d.path().join("out").exists(),
        "nothing is written before the gazetteers are valid"
    );
}

#[test]
fn usage_errors_exit_2() {
    let d = tmp();
    write(d.path(), "a.txt", "x");
    let a = d.path().join("a.txt");
    gazex()
        .args(["extract", "--bogus"])
        .arg(&a)
        .assert()
        .code(2);
    gazex()
        .args(["extract", "-j", "0"])
        .arg(&a)
        .assert()
        .code(2)
        .stderr(contains("--threads"));
    gazex()
        .args(["extract", "--doc-date", "yesterday"])
        .arg(&a)
        .assert()
        .code(2)
        .stderr(contains("--doc-date"));
    gazex()
        .args(["extract", "-o"])
        .arg(&a)
        .arg(&a)
        .assert()
        .code(2)
        .stderr(contains("not a folder"));
    gazex()
        .arg("extract")
        .arg(d.path().join("missing"))
        .assert()
        .code(2)
        .stderr(contains("missing"));
    let out = d.path().join("full");
    write(&out, "keep.txt", "mine");
    gazex()
        .arg("extract")
        .arg("-o")
        .arg(&out)
        .arg(&a)
        .assert()
        .code(2)
        .stderr(contains("--force"));
}

#[test]
fn write_failure_exits_1() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    write(d.path(), "a.txt", "Khalimov");
    // /dev/full: every write fails with "no space left".
    if std::path::Path::new("/dev/full").exists() {
        let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("gazex"))
            .args(["extract", "--no-builtin", "-q", "--stdout", "-g"])
            .arg(&g)
            .arg(d.path().join("a.txt"))
            .stdout(std::fs::File::create("/dev/full").expect("dev full"))
            .stderr(std::process::Stdio::null())
            .status()
            .expect("run");
        assert_eq!(status.code(), Some(1));
    }
}

#[test]
fn gazetteer_check_reports_ambiguity() {
    let d = tmp();
    let g = write(
        d.path(),
        "g.tsv",
        "id\ttype\tname\taliases\na\tPLACE\tGeorgia\t\nb\tPLACE\tGeorgia State\tGeorgia\n",
    );
    gazex()
        .args(["gazetteer", "check"])
        .arg(&g)
        .assert()
        .success()
        .stdout(contains(
            "g.tsv:2: warning: ambiguous name `georgia` of a is also a name of b",
        ));
}

#[test]
fn a_folder_holding_only_a_readme_counts_as_empty() {
    // The repository's `output/` holds a README line; the quick-start command must work there.
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    write(d.path(), "a.txt", "Khalimov");
    let out = d.path().join("output");
    write(&out, "README.md", "generated output goes here");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(d.path().join("a.txt"))
        .assert()
        .success();
    assert!(out.join("entities.jsonl").exists() && out.join("README.md").exists());
    // A second run into the same folder is refused without --force, and works with it.
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(d.path().join("a.txt"))
        .assert()
        .code(2);
    gazex()
        .args(["extract", "--no-builtin", "-q", "--force", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(d.path().join("a.txt"))
        .assert()
        .success();
}
