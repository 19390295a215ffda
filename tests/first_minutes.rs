//! The first ten minutes of a new user (issue [9], points 12 to 17): re-running after a
//! report, the shipped gazetteers given again, gold ids without the extension, what the README
//! must say, types that nothing produces, the summary line, and the small things of point 17.
//! Each test reproduces one point and is named after the problem it pins.

use crate::util::{gazex, jsonl, tmp, write};
use predicates::str::contains;
use std::path::Path;
use std::process::Command;

const GAZ: &str = "id\ttype\tname\taliases\n\
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov\n\
org:irpt\tORG\tIslamic Renaissance Party of Tajikistan\tIRPT\n\
place:kaluga\tPLACE\tKaluga\t\n";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn stderr_of(c: &mut assert_cmd::Command) -> String {
    String::from_utf8_lossy(&c.assert().get_output().stderr).into_owned()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

// 12
#[test]
fn force_reruns_into_a_folder_holding_the_report_and_graphs() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let a = write(d.path(), "a.txt", "Khalimov met the IRPT in Kaluga.");
    let out = d.path().join("out");
    let extract = |force: bool| {
        let mut c = gazex();
        c.args(["extract", "--no-builtin", "-q", "-g"])
            .arg(&g)
            .arg("-o")
            .arg(&out)
            .arg(&a);
        if force {
            c.arg("--force");
        }
        c
    };
    extract(false).assert().success();
    gazex().arg("report").arg(&out).assert().success();
    gazex()
        .args(["export", "-q", "--format", "csv"])
        .arg(&out)
        .assert()
        .success();
    extract(true).assert().success();
    // The report and the graph of the earlier run no longer describe the folder: gone.
    assert!(!out.join("report.html").exists());
    assert!(!out.join("graph/csv/nodes.csv").exists());
    assert!(out.join("entities.jsonl").is_file());
    // A file gazex did not write is still refused.
    write(&out, "notes.txt", "mine");
    extract(true).assert().code(2).stderr(contains("notes.txt"));
}

// 13
#[test]
fn the_shipped_gazetteers_given_again_are_read_once() {
    let d = tmp();
    let shipped = repo().join("gazetteers");
    let gzc = d.path().join("shipped.gzc");
    let err = stderr_of(
        gazex()
            .args(["gazetteer", "compile"])
            .arg(&shipped)
            .arg("-o")
            .arg(&gzc),
    );
    assert!(err.lines().count() <= 3, "{err}");
    assert!(err.contains("--no-builtin"), "{err}");
    // A changed copy of a shipped file: one problem for the file, with the fix.
    let copy = d.path().join("mine");
    std::fs::create_dir_all(&copy).unwrap();
    let people = std::fs::read_to_string(shipped.join("10-domain-people.tsv")).unwrap();
    write(
        &copy,
        "people.tsv",
        format!("{people}person:new\tPERSON\tAnna Karenina\t\n"),
    );
    let o = gazex()
        .args(["extract", "-q", "-g"])
        .arg(&copy)
        .arg(repo().join("input"))
        .arg("-o")
        .arg(d.path().join("out"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    assert!(err.lines().count() <= 3, "{err}");
    assert!(err.contains("--no-builtin"), "{err}");
    // Compiled with --no-builtin: extract follows the file, no flag needed.
    let g = write(d.path(), "g.tsv", GAZ);
    let own = d.path().join("own.gzc");
    gazex()
        .args(["gazetteer", "compile", "-q", "--no-builtin"])
        .arg(&g)
        .arg("-o")
        .arg(&own)
        .assert()
        .success();
    let a = write(d.path(), "a.txt", "Khalimov in Kaluga, then Tajikistan.");
    let out = d.path().join("own-out");
    gazex()
        .args(["extract", "-q", "-g"])
        .arg(&own)
        .arg("-o")
        .arg(&out)
        .arg(&a)
        .assert()
        .success();
    let ids: Vec<String> = jsonl(&out.join("entities.jsonl"))
        .iter()
        .filter(|m| m["type"] != "DATE")
        .map(|m| m["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(ids, ["person:khalimov", "place:kaluga"]);
    assert_eq!(manifest(&out)["options"]["builtin"], false);
    // A file with the built-ins, and --no-builtin: the flags contradict the file.
    gazex()
        .args(["extract", "-q", "--no-builtin", "-g"])
        .arg(&gzc)
        .arg(&a)
        .arg("-o")
        .arg(d.path().join("x"))
        .assert()
        .code(2)
        .stderr(contains("compiled with the built-in gazetteers"));
}

// 14
#[test]
fn eval_matches_gold_ids_with_or_without_the_file_extension() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let text = "Khalimov met the IRPT in Kaluga.";
    let input = d.path().join("in");
    write(&input, "seed-report.txt", text);
    let out = d.path().join("out");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    for id in ["seed-report", "seed-report.txt"] {
        let gold = write(
            d.path(),
            "gold.jsonl",
            format!(
                "{{\"id\":\"{id}\",\"text\":\"{text}\",\"spans\":[{{\"start\":0,\"end\":8,\"type\":\"PERSON\"}},{{\"start\":25,\"end\":31,\"type\":\"PLACE\"}}]}}\n"
            ),
        );
        let o = gazex()
            .args(["eval", "--json", "--gold"])
            .arg(&gold)
            .arg(&out)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&o).unwrap();
        assert_eq!(v["ALL"]["strict"]["recall"], 1.0, "{id}: {v}");
        assert_eq!(v["docs_without_predictions"], 0, "{id}");
    }
    // Without the extension, the text output says how the ids were matched.
    gazex()
        .args(["eval", "--gold"])
        .arg(write(
            d.path(),
            "gold.jsonl",
            format!("{{\"id\":\"seed-report\",\"text\":\"{text}\",\"spans\":[]}}\n"),
        ))
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("without the file extension"));
}

// 15
#[test]
fn the_readme_answers_the_first_questions_and_report_takes_several_docs() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for must in [
        "cargo install --path .",
        "target/release/gazex",
        "../shared",
        "--docs",
    ] {
        assert!(readme.contains(must), "README lacks `{must}`");
    }
    // `--docs` once per path, repeated: both texts are quoted.
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let a = write(
        d.path(),
        "a.jsonl",
        "{\"id\":\"a1\",\"text\":\"Khalimov left.\"}\n",
    );
    let b = write(
        d.path(),
        "b.jsonl",
        "{\"id\":\"b1\",\"text\":\"Kaluga stayed.\"}\n",
    );
    let out = d.path().join("out");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    let html = gazex()
        .arg("report")
        .arg(&out)
        .args(["-o", "-", "--docs"])
        .arg(&a)
        .arg("--docs")
        .arg(&b)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let html = String::from_utf8_lossy(&html);
    assert!(html.contains(" left.") && html.contains(" stayed."));
}

// 16
#[test]
fn a_type_nothing_can_produce_is_refused_and_the_summary_counts() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let a = write(
        d.path(),
        "a.txt",
        "Khalimov met the IRPT in Kaluga in 2015.",
    );
    let run = |args: &[&str]| {
        let mut c = gazex();
        c.args(["extract", "--no-builtin", "-g"])
            .arg(&g)
            .arg("-o")
            .arg(d.path().join("out"))
            .args(args)
            .arg(&a);
        c
    };
    for flag in ["--types", "--cooc-types"] {
        run(&["-q", flag, "PERSON,PERSN"])
            .assert()
            .code(2)
            .stderr(contains("PERSN"))
            .stderr(contains("DATE, ORG, PERSON, PLACE"));
    }
    run(&["-q", "--types", "person,date"]).assert().success();
    // --stdout: the summary counts the entities and pairs all the same; one document.
    let err = stderr_of(
        gazex()
            .args(["extract", "--no-builtin", "--stdout", "-g"])
            .arg(&g)
            .arg(&a),
    );
    assert!(
        err.contains("1 document (") && err.contains("4 entities, 6 pairs"),
        "{err}"
    );
}

// 16: a resumed run's rate counts only what it read.
#[test]
fn a_resumed_run_reports_the_rate_of_what_it_read() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let input = d.path().join("in");
    let text = "The delegation met officials in the region. ".repeat(40) + "Kaluga.";
    for i in 0..3000 {
        write(&input, &format!("d{i:04}.txt"), &text);
    }
    let out = d.path().join("out");
    let bin = assert_cmd::cargo::cargo_bin("gazex");
    let script = |limit: &str| {
        format!(
            "trap '' XFSZ; ulimit -f {limit}; GAZEX_CHECKPOINT_MS=0 GAZEX_BATCH_DOCS=50 exec '{}' extract --no-builtin -q -j 1 -g '{}' -o '{}' '{}'",
            bin.display(),
            g.display(),
            out.display(),
            input.display()
        )
    };
    // A file size limit at 3/4 of the largest output ends the run late, after checkpoints
    // (SIGXFSZ ignored, so that gazex sees the error).
    let o = Command::new("bash")
        .args(["-c", &script("unlimited")])
        .output()
        .unwrap();
    assert!(o.status.success());
    let largest = ["entities.jsonl", "documents.jsonl"]
        .iter()
        .map(|f| std::fs::metadata(out.join(f)).map_or(0, |m| m.len()))
        .max()
        .unwrap_or(0);
    std::fs::remove_dir_all(&out).unwrap();
    let script = script(&(largest * 3 / 4 / 1024).to_string());
    let o = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = stderr_of(
        gazex()
            .args(["extract", "--no-builtin", "--resume", "-g"])
            .arg(&g)
            .arg("-o")
            .arg(&out)
            .arg(&input),
    );
    let num = |after: &str, before: &str| -> f64 {
        let at = err.find(before).unwrap_or(0);
        let head = &err[..at];
        head.rsplit(after)
            .next()
            .unwrap_or("")
            .trim()
            .parse()
            .unwrap_or(f64::NAN)
    };
    let resumed: f64 = num("resumed after", "documents done");
    let (mb, secs, rate) = (
        num("documents (", "MB)"),
        num(";", " s ("),
        num(" s (", "MB/s"),
    );
    assert!(resumed >= 1000.0, "{err}");
    let left = mb * (1.0 - resumed / 3000.0);
    // The rate is that of the megabytes left, not of the whole corpus.
    assert!(rate * secs <= left * 1.5 + 0.1, "{err}");
}

/// `gazetteer check` on a file of `text` exits 2, naming `g.tsv:LINE` and saying `says`.
fn check_refuses(text: &str, line: usize, says: &str) {
    let d = tmp();
    let g = write(d.path(), "g.tsv", text);
    gazex()
        .args(["gazetteer", "check"])
        .arg(&g)
        .assert()
        .code(2)
        .stderr(contains(format!("g.tsv:{line}")))
        .stderr(contains(says));
}

// 17
#[test]
fn a_name_that_folds_to_nothing_is_an_error() {
    check_refuses(
        "id\ttype\tname\taliases\np:1\tPERSON\tAnna Karenina\t\u{2BC}\u{2BC}\n",
        2,
        "can never match",
    );
}

// 17
#[test]
fn a_bom_inside_a_gazetteer_line_is_a_located_warning() {
    let d = tmp();
    let g = write(
        d.path(),
        "g.tsv",
        "\u{feff}id\ttype\tname\taliases\np:1\tPERSON\tAnna Karenina\t\n\u{feff}p:2\tPLACE\tKaluga\t\n",
    );
    let a = write(d.path(), "a.txt", "Anna Karenina went to Kaluga.");
    let out = d.path().join("out");
    gazex()
        .args(["extract", "-q", "--no-builtin", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(&a)
        .assert()
        .success()
        .stderr(contains("g.tsv:3: warning: a byte order mark"));
    let ids: Vec<String> = jsonl(&out.join("entities.jsonl"))
        .iter()
        .map(|m| m["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(ids, ["p:1", "p:2"]);
}

// 17
#[test]
fn a_duplicate_column_header_is_an_error() {
    check_refuses(
        "id\ttype\tname\taliases\tcountry\tCountry\np:1\tPERSON\tAnna\t\tRU\tTJ\n",
        1,
        "country",
    );
}

// 17
#[test]
fn overlapping_inputs_read_each_file_once_and_colliding_ids_stay_distinct() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    write(d.path(), "in/a.txt", "Khalimov");
    write(d.path(), "in/sub/b.txt", "Kaluga");
    write(d.path(), "in2/a.txt", "IRPT");
    let out = d.path().join("out");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(d.path().join("in"))
        .arg(d.path().join("in/sub"))
        .arg(d.path().join("in2"))
        .assert()
        .success()
        .stderr(contains("already listed"));
    let docs = jsonl(&out.join("documents.jsonl"));
    let ids: Vec<&str> = docs
        .iter()
        .map(|d| d["doc"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["a.txt", "sub/b.txt", "a.txt#2"]);
    assert!(docs[2]["warnings"][0]
        .as_str()
        .unwrap_or("")
        .contains("taken"));
    // JSONL ids too: unique within a run, the mentions following.
    let j = write(
        d.path(),
        "d.jsonl",
        "{\"id\":\"x\",\"text\":\"Khalimov\"}\n{\"id\":\"x\",\"text\":\"Kaluga\"}\n",
    );
    let out = d.path().join("out2");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&out)
        .arg(&j)
        .assert()
        .success();
    let docs: Vec<String> = jsonl(&out.join("entities.jsonl"))
        .iter()
        .map(|m| m["doc"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(docs, ["x", "x#2"]);
}

// 17
#[test]
fn gazetteer_stats_into_a_full_disk_exits_1() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else { return };
    let o = Command::new(assert_cmd::cargo::cargo_bin("gazex"))
        .args(["gazetteer", "stats"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stdout"));
}

// 17
#[test]
fn compile_and_report_leave_no_temporary_file_on_a_full_disk() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let a = write(d.path(), "a.txt", "Khalimov met the IRPT in Kaluga.");
    let run = d.path().join("run");
    gazex()
        .args(["extract", "--no-builtin", "-q", "-g"])
        .arg(&g)
        .arg("-o")
        .arg(&run)
        .arg(&a)
        .assert()
        .success();
    let bin = assert_cmd::cargo::cargo_bin("gazex");
    let dest = d.path().join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    for args in [
        format!(
            "gazetteer compile '{}' -o '{}/x.gzc'",
            repo().join("gazetteers/10-domain-people.tsv").display(),
            dest.display()
        ),
        format!("report '{}' -o '{}/r.html'", run.display(), dest.display()),
    ] {
        let script = format!("trap '' XFSZ; ulimit -f 8; exec '{}' {args}", bin.display());
        let o = Command::new("bash").args(["-c", &script]).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(1),
            "{args}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let left: Vec<_> = std::fs::read_dir(&dest)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "{args}: left {left:?}");
    }
}
