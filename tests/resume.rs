//! `--resume` after `kill -9`: a run over a few thousand documents is killed at 10 different
//! moments and resumed; every time the output files are byte-identical to an uninterrupted
//! run. Also the cases where a resume is refused (exit 2) or has nothing to do.

use crate::util::{gazex, same_outputs, tmp, write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GAZ: &str = "id\ttype\tname\taliases\tcountry\n\
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov|Halimov\tTJ\n\
person:rahmon\tPERSON\tEmomali Rahmon\tRahmon\tTJ\n\
org:irpt\tORG\tIslamic Renaissance Party of Tajikistan\tIRPT\tTJ\n\
org:un\tORG\tUnited Nations\tUN\t\n\
place:kaluga\tPLACE\tKaluga\t\tRU\n\
place:dushanbe\tPLACE\tDushanbe\t\tTJ\n\
place:moscow\tPLACE\tMoscow\t\tRU\n\
place:bishkek\tPLACE\tBishkek\t\tKG\n\
place:kabul\tPLACE\tKabul\t\tAF\n\
place:tashkent\tPLACE\tTashkent\t\tUZ\n";

const WORDS: [&str; 16] = [
    "Khalimov",
    "Rahmon",
    "IRPT",
    "the United Nations",
    "Kaluga",
    "Dushanbe",
    "Moscow",
    "Bishkek",
    "Kabul",
    "Tashkent",
    "on 3 March 2015",
    "in 2019",
    "the delegation",
    "met officials",
    "reported that",
    "security forces",
];

/// A deterministic corpus of `n` text documents of a few KB each.
fn corpus(dir: &Path, n: usize) -> PathBuf {
    let root = dir.join("corpus");
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..n {
        let mut text = String::new();
        for s in 0..40 {
            for _ in 0..8 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
                text.push(' ');
            }
            text.push_str(if s % 7 == 6 { ".\n\n" } else { ". " });
        }
        write(&root, &format!("d{:02}/r{i:05}.txt", i % 13), text);
    }
    root
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("gazex")
}

fn extract_cmd(g: &Path, out: &Path, input: &Path) -> Command {
    let mut c = Command::new(bin());
    c.args(["extract", "--no-builtin", "-q", "-j", "2", "-g"])
        .arg(g)
        .arg("-o")
        .arg(out)
        .arg(input)
        .env("GAZEX_CHECKPOINT_MS", "0")
        .env("GAZEX_BATCH_DOCS", "48")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn same_files(a: &Path, b: &Path, what: &str) {
    same_outputs(a, b, what);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(b.join("manifest.json")).unwrap()).unwrap();
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["complete"], true, "{what}");
    assert_eq!(m["counts"], r["counts"], "{what}: counts differ");
    assert_eq!(m["warnings"], r["warnings"], "{what}: warnings differ");
    let leftovers: Vec<String> = std::fs::read_dir(b)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".gazex-"))
        .collect();
    assert!(leftovers.is_empty(), "{what}: leftovers {leftovers:?}");
}

fn kill_and_resume(
    g: &Path,
    input: &Path,
    work: &Path,
    moments: usize,
    tag: &str,
    env: &[(&str, &str)],
    min_midway: usize,
) {
    let cmd = |out: &Path| {
        let mut c = extract_cmd(g, out, input);
        c.envs(env.iter().copied());
        c
    };
    let reference = work.join(format!("{tag}-ref"));
    let t = Instant::now();
    let st = cmd(&reference).status().unwrap();
    assert!(st.success(), "reference run failed");
    let full = t.elapsed();
    let mut resumed_midway = 0;
    for i in 0..moments {
        let out = work.join(format!("{tag}-k{i}"));
        let mut child = cmd(&out).spawn().unwrap();
        // From very early (before the folder exists) to about the end of the run.
        let wait = full.mul_f64((i as f64 + 0.3) / moments as f64);
        std::thread::sleep(wait.max(Duration::from_millis(3)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let o = cmd(&out).arg("--resume").output().unwrap();
        assert!(
            o.status.success(),
            "{tag}: resume after a kill at {wait:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        same_files(&reference, &out, &format!("{tag}: kill at {wait:?}"));
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        if m["timings"]["resumed_after_documents"]
            .as_u64()
            .unwrap_or(0)
            > 0
        {
            resumed_midway += 1;
        }
    }
    assert!(
        resumed_midway >= min_midway,
        "{tag}: only {resumed_midway} of {moments} resumes continued from a checkpoint"
    );
}

#[test]
fn kill_9_at_ten_moments_then_resume_gives_identical_files() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let input = corpus(d.path(), 3000);
    kill_and_resume(&g, &input, d.path(), 10, "text", &[], 3);
}

#[test]
fn resume_of_compressed_jsonl_with_spilled_pairs() {
    // JSONL lines (skipped by count on resume), gzip, and pair maps that spill to disk: the
    // checkpoints list the runs, so resumes still continue from them midway.
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let src = corpus(d.path(), 1500);
    let mut lines = String::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in std::fs::read_dir(&src).unwrap().flatten() {
        for f in std::fs::read_dir(sub.path()).unwrap().flatten() {
            files.push(f.path());
        }
    }
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(f).unwrap();
        let date = format!("2020-01-{:02}", i % 28 + 1);
        lines.push_str(&serde_json::json!({"id": i, "text": text, "date": date}).to_string());
        lines.push('\n');
        if i % 300 == 7 {
            lines.push_str("not json\n");
        }
    }
    let gz = d.path().join("docs.jsonl.gz");
    {
        use std::io::Write;
        let f = std::fs::File::create(&gz).unwrap();
        let mut e = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        e.write_all(lines.as_bytes()).unwrap();
        e.finish().unwrap();
    }
    kill_and_resume(
        &g,
        &gz,
        d.path(),
        4,
        "jsonl",
        &[("GAZEX_SPILL_PAIRS", "40")],
        2,
    );
}

#[test]
fn resume_refusals_and_nothing_to_do() {
    let d = tmp();
    let g = write(d.path(), "g.tsv", GAZ);
    let input = corpus(d.path(), 60);
    let out = d.path().join("out");
    // No folder yet: --resume starts afresh.
    let run = |extra: &[&str]| {
        let mut c = gazex();
        c.args(["extract", "--no-builtin", "-q", "-g"])
            .arg(&g)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .arg(&input);
        c
    };
    run(&["--resume"]).assert().success();
    let before = std::fs::read(out.join("entities.jsonl")).unwrap();
    // Complete: nothing to do, exit 0, files untouched.
    run(&["--resume"]).assert().success();
    assert_eq!(std::fs::read(out.join("entities.jsonl")).unwrap(), before);
    // A complete run with other options: refused.
    run(&["--resume", "--types", "PLACE"]).assert().code(2);
    // An interrupted run of another configuration (its checkpoint says so): refused. That
    // run reads standard input, so it waits there after its first checkpoint until killed.
    let checkpoint = out.join(".gazex-checkpoint");
    let mut other = Command::new(bin())
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
        .arg("-o")
        .arg(&out)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !checkpoint.exists() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = other.kill();
    let _ = other.wait();
    assert!(
        checkpoint.exists(),
        "the other run wrote its first checkpoint"
    );
    run(&["--resume"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("options differ"));
    // --force and --resume contradict; --stdout cannot be resumed.
    run(&["--resume", "--force"]).assert().code(2);
    run(&["--resume", "--stdout"]).assert().code(2);
    // A folder with other files is not gazex's to continue.
    write(&out, "notes.txt", "mine");
    run(&["--resume"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("notes.txt"));
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    // Without the foreign checkpoint, the same options start afresh and give the same files.
    std::fs::remove_file(&checkpoint).unwrap();
    run(&["--resume"]).assert().success();
    assert_eq!(std::fs::read(out.join("entities.jsonl")).unwrap(), before);
}
