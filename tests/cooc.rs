//! Co-occurrence tables, shard merge and graph exports, through the CLI: the tables agree
//! with the mentions, spilling to disk changes nothing, 3 shards merged equal one run, merge
//! refuses parts made differently, exports escape every text and keep every cell out of a
//! spreadsheet's formula reading.

use crate::util::{gazex, jsonl, shared, tmp, write};
use predicates::str::contains;
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Names that need escaping in every format: `&`, `<`, quotes, non-ASCII, formula starts.
const GAZ: &str = "id\ttype\tname\taliases\tnote\n\
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov\t\"quoted\" & <b>\n\
org:irpt\tORG\tIslamic Renaissance Party of Tajikistan\tIRPT\t=1+1\n\
place:kaluga\tPLACE\tKaluga\t\t@SUM(A1)\n\
org:at\tORG\tAT&T <Labs>\t\t-2\n\
person:rahmon\tPERSON\tЭмомали Рахмон\tRahmon\t'quote\n\
org:formula\tORG\t=HYPERLINK(\"x\")\tHyperlink Group\t+1\n";

const DOCS: [&str; 5] = [
    "Gulmurod Khalimov left the IRPT in May 2015. Khalimov went to Kaluga.",
    "Rahmon met AT&T <Labs> in Kaluga on 3 March 2016. The IRPT protested.",
    "The Hyperlink Group and Khalimov. Rahmon spoke in 2015.",
    "Nothing here.",
    "Kaluga, Kaluga and Khalimov; Rahmon and the IRPT in May 2015.",
];

/// Writes the test corpus as JSONL and the gazetteer; gives (gazetteer, corpus).
fn corpus(dir: &Path) -> (PathBuf, PathBuf) {
    let g = write(dir, "g.tsv", GAZ);
    let lines: Vec<String> = DOCS
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": format!("d{i}"), "text": t}).to_string())
        .collect();
    let c = write(dir, "docs.jsonl", lines.join("\n") + "\n");
    (g, c)
}

fn extract(g: &Path, inputs: &[&Path], out: &Path, extra: &[&str], env: Option<&str>) {
    let mut cmd = gazex();
    cmd.args(["extract", "--no-builtin", "-q", "--window", "5", "-g"])
        .arg(g)
        .arg("-o")
        .arg(out)
        .args(extra)
        .args(inputs);
    if let Some(n) = env {
        cmd.env("GAZEX_SPILL_PAIRS", n);
    } else {
        cmd.env_remove("GAZEX_SPILL_PAIRS");
    }
    cmd.assert().success();
}

fn tsv(p: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const TABLES: [&str; 4] = [
    "entities.jsonl",
    "documents.jsonl",
    "entities.tsv",
    "cooccurrence.tsv",
];

/// The pair counts computed from `entities.jsonl` the way a reader would.
fn pairs_from_mentions(out: &Path) -> BTreeMap<(String, String), (u64, u64)> {
    let mut docs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut sents: BTreeMap<(String, u64), BTreeSet<String>> = BTreeMap::new();
    for r in jsonl(&out.join("entities.jsonl")) {
        let (d, id) = (r["doc"].as_str().unwrap(), r["id"].as_str().unwrap());
        docs.entry(d.into()).or_default().insert(id.into());
        sents
            .entry((d.into(), r["sentence"].as_u64().unwrap()))
            .or_default()
            .insert(id.into());
    }
    let mut m: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for (set, col) in [
        (docs.values().collect::<Vec<_>>(), 0),
        (sents.values().collect(), 1),
    ] {
        for s in set {
            let v: Vec<_> = s.iter().collect();
            for (i, a) in v.iter().enumerate() {
                for b in &v[i + 1..] {
                    let e = m.entry(((*a).clone(), (*b).clone())).or_default();
                    if col == 0 {
                        e.0 += 1
                    } else {
                        e.1 += 1
                    }
                }
            }
        }
    }
    m
}

/// A table cell as gazex wrote it before making it safe for spreadsheets (README
/// "Co-occurrence tables": one leading `'` before `= + - @`, tab, CR or `'`).
fn unescape(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) => rest.into(),
        _ => s.into(),
    }
}

#[test]
fn cooccurrence_table_agrees_with_the_mentions() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let out = d.path().join("out");
    extract(&g, &[&c], &out, &[], None);
    let rows = tsv(&out.join("cooccurrence.tsv"));
    assert_eq!(
        rows[0],
        [
            "source",
            "target",
            "source_type",
            "target_type",
            "documents",
            "sentences",
            "window",
            "npmi"
        ]
    );
    let expected = pairs_from_mentions(&out);
    let mut got = BTreeMap::new();
    let mut last_docs = u64::MAX;
    for r in &rows[1..] {
        let (a, b) = (unescape(&r[0]), unescape(&r[1]));
        assert!(a < b, "source < target: {a} {b}");
        let docs: u64 = r[4].parse().unwrap();
        assert!(docs <= last_docs, "rows by documents descending");
        last_docs = docs;
        let npmi: f64 = r[7].parse().unwrap();
        assert!((-1.0..=1.0).contains(&npmi), "{npmi}");
        got.insert((a, b), (docs, r[5].parse::<u64>().unwrap()));
    }
    assert_eq!(got, expected);
    // DATE entities take part, linked to their actors.
    assert!(got.contains_key(&("date:2015-05".to_string(), "person:khalimov".to_string())));
    // The window counts mention pairs within 5 tokens: "Khalimov left the IRPT" (3 tokens apart).
    let w = rows
        .iter()
        .find(|r| r[0] == "org:irpt" && r[1] == "person:khalimov")
        .unwrap();
    assert!(w[6].parse::<u64>().unwrap() >= 1, "{w:?}");
}

#[test]
fn cooc_types_restrict_the_pairs_not_the_entities() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let out = d.path().join("out");
    extract(&g, &[&c], &out, &["--cooc-types", "PERSON,DATE"], None);
    let rows = tsv(&out.join("cooccurrence.tsv"));
    assert!(rows.len() > 1);
    for r in &rows[1..] {
        for t in [&r[2], &r[3]] {
            assert!(t == "PERSON" || t == "DATE", "{r:?}");
        }
    }
    let ents = tsv(&out.join("entities.tsv"));
    assert!(ents.iter().any(|r| r[1] == "PLACE"));
}

#[test]
fn spilling_pairs_to_disk_gives_the_same_tables() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let Some(bench) = bench_corpus(
        d.path(),
        120,
        "spilling_pairs_to_disk_gives_the_same_tables",
    ) else {
        return;
    };
    let (mem, disk) = (d.path().join("mem"), d.path().join("disk"));
    extract(&g, &[&c, &bench], &mem, &["-j", "2"], None);
    extract(&g, &[&c, &bench], &disk, &["-j", "2"], Some("3"));
    for f in TABLES {
        assert!(
            read(&mem.join(f)) == read(&disk.join(f)),
            "{f} differs after spilling"
        );
    }
    assert!(
        tsv(&mem.join("cooccurrence.tsv")).len() > 200,
        "enough pairs to spill"
    );
    let left: Vec<_> = std::fs::read_dir(&disk)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".gazex"))
        .collect();
    assert!(left.is_empty(), "spill runs left behind: {left:?}");
}

#[test]
fn tables_are_identical_for_any_thread_count() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let Some(bench) = bench_corpus(d.path(), 60, "tables_are_identical_for_any_thread_count")
    else {
        return;
    };
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    extract(&g, &[&c, &bench], &a, &["-j", "1"], None);
    extract(&g, &[&c, &bench], &b, &["-j", "3"], None);
    for f in TABLES {
        assert!(read(&a.join(f)) == read(&b.join(f)), "{f} differs");
    }
}

/// The first `n` speeches of the bench corpus, written as JSONL (gazetteers: the built-ins);
/// None (and `test` is skipped) without ../shared.
fn bench_corpus(dir: &Path, n: usize, test: &str) -> Option<PathBuf> {
    let f = std::fs::File::open(shared(test)?.join("bench/ungdc-0.jsonl.zst")).unwrap();
    let r = std::io::BufReader::new(zstd::Decoder::new(f).unwrap());
    let lines: Vec<String> = r.lines().take(n).map(Result::unwrap).collect();
    Some(write(dir, "bench.jsonl", lines.join("\n") + "\n"))
}

#[test]
fn three_shards_merged_equal_one_run() {
    let d = tmp();
    let test = "three_shards_merged_equal_one_run";
    let (Some(sh), Some(bench)) = (shared(test), bench_corpus(d.path(), 90, test)) else {
        return;
    };
    let seed = std::fs::read_to_string(sh.join("gold/seed.jsonl")).unwrap();
    let bench = std::fs::read_to_string(bench).unwrap();
    let lines: Vec<&str> = seed.lines().chain(bench.lines()).collect();
    let all = write(d.path(), "all.jsonl", lines.join("\n") + "\n");
    let third = lines.len().div_ceil(3);
    let mut parts = Vec::new();
    for (i, chunk) in lines.chunks(third).enumerate() {
        let p = write(d.path(), &format!("part{i}.jsonl"), chunk.join("\n") + "\n");
        let out = d.path().join(format!("p{i}"));
        let mut cmd = gazex();
        cmd.args(["extract", "-q", "--window", "10", "-o"])
            .arg(&out)
            .arg(&p)
            .assert()
            .success();
        parts.push(out);
    }
    assert_eq!(parts.len(), 3);
    let one = d.path().join("one");
    gazex()
        .args(["extract", "-q", "--window", "10", "-o"])
        .arg(&one)
        .arg(&all)
        .assert()
        .success();
    let merged = d.path().join("merged");
    gazex()
        .args(["merge", "-q", "-o"])
        .arg(&merged)
        .args(&parts)
        .env("GAZEX_SPILL_PAIRS", "7")
        .assert()
        .success();
    for f in TABLES {
        assert!(
            read(&one.join(f)) == read(&merged.join(f)),
            "merged {f} differs from one run"
        );
    }
    let m1: serde_json::Value = serde_json::from_slice(&read(&one.join("manifest.json"))).unwrap();
    let m2: serde_json::Value =
        serde_json::from_slice(&read(&merged.join("manifest.json"))).unwrap();
    assert_eq!(m1["counts"], m2["counts"]);
    assert_eq!(m2["complete"], true);
    assert_eq!(m1["gazetteer_fingerprint"], m2["gazetteer_fingerprint"]);
}

#[test]
fn merge_refuses_parts_made_with_different_options() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    extract(&g, &[&c], &a, &[], None);
    extract(&g, &[&c], &b, &["--cooc-types", "PERSON"], None);
    gazex()
        .args(["merge", "-o"])
        .arg(d.path().join("m"))
        .arg(&a)
        .arg(&b)
        .assert()
        .code(2)
        .stderr(contains("different options"));
    // A different gazetteer.
    let g2 = write(
        d.path(),
        "g2.tsv",
        GAZ.replace("Kaluga\t\t@", "Kaluga\tKaluzhskaya\t@"),
    );
    let e = d.path().join("e");
    extract(&g2, &[&c], &e, &[], None);
    gazex()
        .args(["merge", "-o"])
        .arg(d.path().join("m"))
        .arg(&a)
        .arg(&e)
        .assert()
        .code(2)
        .stderr(contains("different gazetteers"));
}

#[test]
fn merge_refuses_an_incomplete_part() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    extract(&g, &[&c], &a, &[], None);
    extract(&g, &[&c], &b, &[], None);
    let m = std::fs::read_to_string(b.join("manifest.json")).unwrap();
    std::fs::write(
        b.join("manifest.json"),
        m.replace("\"complete\": true", "\"complete\": false"),
    )
    .unwrap();
    gazex()
        .args(["merge", "-o"])
        .arg(d.path().join("m"))
        .arg(&a)
        .arg(&b)
        .assert()
        .code(2)
        .stderr(contains("did not complete"));
    std::fs::remove_file(b.join("manifest.json")).unwrap();
    gazex()
        .args(["merge", "-o"])
        .arg(d.path().join("m"))
        .arg(&a)
        .arg(&b)
        .assert()
        .code(2)
        .stderr(contains("no manifest.json"));
}

/// A cell a spreadsheet would read as a formula.
fn formula(c: &str) -> bool {
    matches!(
        c.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && c.parse::<f64>().is_err()
}

fn csv_cells(p: &Path, delim: u8) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .from_path(p)
        .unwrap();
    r.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn export(out: &Path, format: &str, extra: &[&str]) -> PathBuf {
    let dest = out.join("graph").join(format!("test-{format}"));
    gazex()
        .args(["export", "-q", "--format", format, "-o"])
        .arg(&dest)
        .args(extra)
        .arg(out)
        .assert()
        .success();
    dest
}

#[test]
fn no_cell_is_read_as_a_formula_in_any_table_or_csv_export() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let out = d.path().join("out");
    extract(&g, &[&c], &out, &[], None);
    let gephi = export(&out, "csv", &[]);
    let neo = export(&out, "neo4j", &[]);
    let files = [
        (out.join("entities.tsv"), b'\t'),
        (out.join("cooccurrence.tsv"), b'\t'),
        (gephi.join("nodes.csv"), b','),
        (gephi.join("edges.csv"), b','),
        (neo.join("nodes.csv"), b','),
        (neo.join("relationships.csv"), b','),
    ];
    for (f, delim) in &files {
        let cells = csv_cells(f, *delim);
        assert!(cells.len() > 1, "{}", f.display());
        for c in cells.iter().flatten() {
            assert!(!formula(c), "{}: formula-like cell {c:?}", f.display());
        }
    }
    // Escaped cells read back exactly; the `'quote` attribute keeps its quote.
    let ents = csv_cells(&out.join("entities.tsv"), b'\t');
    let names: BTreeSet<String> = ents.iter().map(|r| unescape(&r[2])).collect();
    assert!(names.contains("=HYPERLINK(\"x\")"));
    assert!(ents.iter().any(|r| unescape(&r[5]) == "'quote"));
}

#[test]
fn csv_exports_have_gephi_and_neo4j_headers() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let out = d.path().join("out");
    extract(&g, &[&c], &out, &[], None);
    let pairs = tsv(&out.join("cooccurrence.tsv")).len() - 1;
    let gephi = export(&out, "csv", &[]);
    let nodes = csv_cells(&gephi.join("nodes.csv"), b',');
    assert_eq!(
        nodes[0][..5],
        ["Id", "Label", "type", "mentions", "documents"]
    );
    let edges = csv_cells(&gephi.join("edges.csv"), b',');
    assert_eq!(
        edges[0][..7],
        [
            "Source",
            "Target",
            "Type",
            "Weight",
            "documents",
            "sentences",
            "npmi"
        ]
    );
    assert_eq!(edges.len() - 1, pairs);
    assert!(edges[1..]
        .iter()
        .all(|r| r[2] == "Undirected" && r[3] == r[4]));
    let neo = export(&out, "neo4j", &[]);
    let nodes = csv_cells(&neo.join("nodes.csv"), b',');
    assert_eq!(
        nodes[0][..6],
        [
            "entityId:ID(Entity)",
            "name",
            ":LABEL",
            "type",
            "mentions:long",
            "documents:long"
        ]
    );
    assert!(nodes[1..].iter().all(|r| r[2].starts_with("Entity;")));
    let rels = csv_cells(&neo.join("relationships.csv"), b',');
    assert_eq!(
        rels[0],
        [
            ":START_ID(Entity)",
            ":END_ID(Entity)",
            ":TYPE",
            "documents:long",
            "sentences:long",
            "window:long",
            "npmi:double"
        ]
    );
    assert_eq!(rels.len() - 1, pairs);
    // Every relationship end is a node.
    let ids: BTreeSet<&String> = nodes[1..].iter().map(|r| &r[0]).collect();
    assert!(rels[1..]
        .iter()
        .all(|r| ids.contains(&r[0]) && ids.contains(&r[1])));
}

/// Parses XML with quick-xml; gives (element name, attributes) of every start/empty tag and
/// the text of every `<data>` element, with entities unescaped.
fn xml(p: &Path) -> (Vec<(String, BTreeMap<String, String>)>, Vec<String>) {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(p).unwrap();
    let mut r = quick_xml::Reader::from_str(&text);
    let (mut tags, mut texts) = (Vec::new(), Vec::new());
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                            a.unescape_value().unwrap().into_owned(),
                        )
                    })
                    .collect();
                tags.push((name, attrs));
            }
            Event::Text(t) => texts.push(t.unescape().unwrap().into_owned()),
            Event::Eof => break,
            _ => {}
        }
    }
    (tags, texts)
}

#[test]
fn graphml_and_gexf_escape_every_name_and_count_every_pair() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let out = d.path().join("out");
    extract(&g, &[&c], &out, &[], None);
    let pairs = tsv(&out.join("cooccurrence.tsv")).len() - 1;
    let gm = export(&out, "graphml", &[]).join("graph.graphml");
    let (tags, texts) = xml(&gm);
    let count = |n: &str| tags.iter().filter(|t| t.0 == n).count();
    assert_eq!(count("edge"), pairs);
    assert!(texts.iter().any(|t| t == "AT&T <Labs>"));
    assert!(texts.iter().any(|t| t == "Эмомали Рахмон"));
    assert!(texts.iter().any(|t| t == "\"quoted\" & <b>"));
    let graph = tags.iter().find(|t| t.0 == "graph").unwrap();
    assert_eq!(graph.1["edgedefault"], "undirected");
    let key = |name: &str, f: &str| {
        tags.iter()
            .find(|t| t.0 == "key" && t.1["attr.name"] == name && t.1["for"] == f)
            .map(|t| t.1["attr.type"].clone())
    };
    assert_eq!(key("weight", "edge").as_deref(), Some("double"));
    assert_eq!(key("documents", "edge").as_deref(), Some("int"));
    assert_eq!(key("npmi", "edge").as_deref(), Some("double"));
    assert_eq!(key("type", "node").as_deref(), Some("string"));
    assert_eq!(key("note", "node").as_deref(), Some("string"));

    let gx = export(&out, "gexf", &[]).join("graph.gexf");
    let (tags, _) = xml(&gx);
    let root = tags.iter().find(|t| t.0 == "gexf").unwrap();
    assert_eq!(root.1["version"], "1.3");
    assert_eq!(root.1["xmlns"], "http://gexf.net/1.3");
    assert_eq!(tags.iter().filter(|t| t.0 == "edge").count(), pairs);
    let labels: BTreeSet<&str> = tags
        .iter()
        .filter(|t| t.0 == "node")
        .map(|t| t.1["label"].as_str())
        .collect();
    assert!(labels.contains("AT&T <Labs>") && labels.contains("=HYPERLINK(\"x\")"));
}

#[test]
fn export_keeps_the_top_pairs_and_those_in_enough_documents() {
    let d = tmp();
    let (g, c) = corpus(d.path());
    let out = d.path().join("out");
    extract(&g, &[&c], &out, &[], None);
    let rows = tsv(&out.join("cooccurrence.tsv"));
    let at_least_2 = rows[1..].iter().filter(|r| r[4] != "1").count();
    assert!(at_least_2 > 0 && at_least_2 < rows.len() - 1);
    let dest = export(&out, "csv", &["--min-documents", "2"]);
    assert_eq!(
        csv_cells(&dest.join("edges.csv"), b',').len() - 1,
        at_least_2
    );
    let dest = export(&out, "csv", &["--top", "3"]);
    let edges = csv_cells(&dest.join("edges.csv"), b',');
    assert_eq!(edges.len() - 1, 3);
    for (e, r) in edges[1..].iter().zip(&rows[1..]) {
        assert_eq!(
            (&e[0], &e[1]),
            (&r[0], &r[1]),
            "the first rows of the table"
        );
    }
    // Nodes are the entities of the kept pairs.
    let nodes = csv_cells(&dest.join("nodes.csv"), b',');
    let ends: BTreeSet<&String> = edges[1..].iter().flat_map(|r| [&r[0], &r[1]]).collect();
    assert_eq!(nodes.len() - 1, ends.len());
    // The default destination is OUT_DIR/graph/FORMAT/.
    gazex()
        .args(["export", "-q", "--format", "graphml"])
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("graph/graphml/graph.graphml").is_file());
}
