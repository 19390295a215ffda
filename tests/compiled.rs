//! `gazex gazetteer compile`: a compiled gazetteer gives the same outputs as its sources, is
//! compiled again when a source changes, and is refused with a clear message where it
//! cannot stand (other gazetteers beside it, --no-builtin on a file with the built-ins,
//! damage, `check`).

use crate::util::{gazex, same_outputs, tmp, write};
use predicates::prelude::*;
use std::path::Path;

const GAZ: &str = "id\ttype\tname\taliases\n\
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov|Халимов\n\
org:irpt\tORG\tIslamic Renaissance Party of Tajikistan\tIRPT\n\
place:kaluga\tPLACE\tKaluga\t\n";

fn extract(args: &[&str], g: &Path, input: &Path, out: &Path) -> assert_cmd::assert::Assert {
    gazex()
        .arg("extract")
        .args(args)
        .arg("-g")
        .arg(g)
        .arg("-o")
        .arg(out)
        .arg(input)
        .assert()
}

fn compile(args: &[&str], src: &Path, out: &Path) {
    gazex()
        .args(["gazetteer", "compile", "-q"])
        .args(args)
        .arg(src)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

#[test]
fn compiled_gives_what_the_sources_give() {
    let d = tmp();
    let src = write(d.path(), "g/people.tsv", GAZ);
    let input = write(
        d.path(),
        "in/a.txt",
        "Gulmurod Khalimov (ХАЛИМОВ) left the IRPT for Kaluga on 3 May 2015. Ivan Petrov stayed in Moscow.",
    );
    let gzc = d.path().join("all.gzc");
    // With the built-ins (a folder of sources), and without them.
    compile(&[], src.parent().unwrap(), &gzc);
    for (flags, g) in [
        (vec![], &gzc),
        (vec![], &src.parent().unwrap().to_path_buf()),
    ] {
        let out = d.path().join(format!("out-{}", g.extension().is_some()));
        extract(&[&["-q"], flags.as_slice()].concat(), g, &input, &out).success();
    }
    same_outputs(
        &d.path().join("out-false"),
        &d.path().join("out-true"),
        "compiled with built-ins",
    );
    let lone = d.path().join("lone.gzc");
    compile(&["--no-builtin"], &src, &lone);
    for keep in [false, true] {
        let mut flags = vec!["-q", "--no-builtin"];
        if keep {
            flags.push("--keep-diacritics");
        }
        let (a, b) = (
            d.path().join(format!("tsv-{keep}")),
            d.path().join(format!("gzc-{keep}")),
        );
        extract(&flags, &src, &input, &a).success();
        extract(&flags, &lone, &input, &b).success();
        same_outputs(&a, &b, "compiled without built-ins");
    }
}

#[test]
fn a_changed_source_is_compiled_again() {
    let d = tmp();
    let src = write(d.path(), "g.tsv", GAZ);
    let input = write(d.path(), "a.txt", "Khalimov met Ivan Petrov in Kaluga.");
    let gzc = d.path().join("g.gzc");
    compile(&["--no-builtin"], &src, &gzc);
    let ids = |out: &Path| -> Vec<String> {
        crate::util::jsonl(&out.join("entities.jsonl"))
            .iter()
            .map(|v| v["id"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    extract(&["--no-builtin", "-q"], &gzc, &input, &d.path().join("o1")).success();
    assert_eq!(
        ids(&d.path().join("o1")),
        ["person:khalimov", "place:kaluga"]
    );
    // Touched without a change: still fresh, nothing said.
    let same = std::fs::read(&src).unwrap();
    std::fs::write(&src, &same).unwrap();
    extract(&["--no-builtin"], &gzc, &input, &d.path().join("o2"))
        .success()
        .stderr(predicates::str::contains("compiled again").not());
    // A new row: used at once, and the file written again.
    write(
        d.path(),
        "g.tsv",
        format!("{GAZ}person:petrov\tPERSON\tIvan Petrov\t\n"),
    );
    extract(&["--no-builtin"], &gzc, &input, &d.path().join("o3"))
        .success()
        .stderr(predicates::str::contains("compiled again"));
    assert_eq!(
        ids(&d.path().join("o3")),
        ["person:khalimov", "person:petrov", "place:kaluga"]
    );
    extract(&["--no-builtin"], &gzc, &input, &d.path().join("o4"))
        .success()
        .stderr(predicates::str::contains("compiled again").not());
    // Compiled again from elsewhere, the sources keep the names they were given.
    let rel = |args: &[&str]| gazex().current_dir(d.path()).args(args).assert().success();
    rel(&[
        "gazetteer",
        "compile",
        "-q",
        "--no-builtin",
        "g.tsv",
        "-o",
        "rel.gzc",
    ]);
    write(d.path(), "g.tsv", GAZ);
    let sub = write(d.path(), "sub/x", "");
    gazex()
        .current_dir(sub.parent().unwrap())
        .args([
            "extract",
            "-q",
            "--no-builtin",
            "-g",
            "../rel.gzc",
            "-o",
            "../o5",
            "../a.txt",
        ])
        .assert()
        .success();
    rel(&[
        "extract",
        "-q",
        "--no-builtin",
        "-g",
        "g.tsv",
        "-o",
        "o6",
        "a.txt",
    ]);
    let sources = |o: &str| {
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(d.path().join(o).join("manifest.json")).unwrap())
                .unwrap();
        m["gazetteers"].clone()
    };
    assert_eq!(sources("o5"), sources("o6"));
    assert_eq!(sources("o6")[0]["path"], "g.tsv");
}

#[test]
fn misuse_and_damage_exit_2_with_a_reason() {
    let d = tmp();
    let src = write(d.path(), "g.tsv", GAZ);
    let input = write(d.path(), "a.txt", "Khalimov.");
    let gzc = d.path().join("g.gzc");
    compile(&["--no-builtin"], &src, &gzc);
    let o = d.path().join("o");
    // A file with the built-ins in, and --no-builtin: the flag contradicts the file (one
    // compiled without them is followed as it is, with or without the flag).
    let with = d.path().join("with.gzc");
    let own = write(
        d.path(),
        "own.tsv",
        "id\ttype\tname\taliases\ntest:anna\tPERSON\tAnna Karenina\t\n",
    );
    compile(&[], &own, &with);
    extract(&["--no-builtin"], &with, &input, &o)
        .code(2)
        .stderr(predicate::str::contains("--no-builtin"));
    gazex()
        .args(["extract", "--no-builtin", "-g"])
        .arg(&gzc)
        .arg("-g")
        .arg(&src)
        .arg("-o")
        .arg(&o)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the only --gazetteer"));
    let bytes = std::fs::read(&gzc).unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 1] {
        let bad = write(d.path(), "bad.gzc", &bytes[..cut]);
        extract(&["--no-builtin"], &bad, &input, &o)
            .code(2)
            .stderr(predicate::str::contains("damaged"));
    }
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 1;
    let bad = write(d.path(), "flipped.gzc", &flipped);
    extract(&["--no-builtin"], &bad, &input, &o)
        .code(2)
        .stderr(predicate::str::contains("damaged"));
    gazex()
        .args(["gazetteer", "check"])
        .arg(&gzc)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("compiled gazetteer"));
    gazex()
        .args(["gazetteer", "compile", "--no-builtin"])
        .arg(&gzc)
        .arg("-o")
        .arg(d.path().join("again.gzc"))
        .assert()
        .code(2);
    assert!(!o.join("entities.jsonl").exists());
}
