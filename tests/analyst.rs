//! Analyst tools: `gazex eval` (hand-computed cases, agreement with the reference scorer),
//! `gazex gazetteer check|stats|import` (inline samples and the real OFAC list), `gazex report`
//! (a self-contained page), completions and the man page.

use crate::util::{gazex, jsonl, shared, tmp, write};
use serde_json::Value;

const GOLD: &str = r#"{"id":"d1","text":"Khalimov met Rahmon in Dushanbe in March 2015 and they left.","spans":[{"start":0,"end":8,"type":"PERSON","text":"Khalimov"},{"start":13,"end":19,"type":"PERSON","text":"Rahmon"},{"start":23,"end":31,"type":"PLACE","text":"Dushanbe"},{"start":35,"end":45,"type":"DATE","text":"March 2015","value":"2015-03"},{"start":50,"end":54,"type":"PERSON","text":"they","name":false}]}
{"id":"d2","text":"Nothing here.","spans":[]}
"#;

fn pred(kind: &str, start: usize, end: usize, text: &str, value: Option<&str>) -> String {
    let mut v = serde_json::json!({"doc": "d1", "id": "x", "type": kind, "name": text, "text": text, "start": start, "end": end});
    if let Some(x) = value {
        v["value"] = x.into();
    }
    v.to_string()
}

fn preds() -> String {
    [
        pred("PERSON", 0, 8, "Khalimov", None),
        pred("PERSON", 0, 8, "Khalimov", None), // a duplicate counts once
        pred("PERSON", 13, 22, "Rahmon in", None), // relaxed only
        pred("ORG", 23, 31, "Dushanbe", None),  // wrong type
        pred("DATE", 35, 45, "March 2015", Some("2015-03")),
        pred("PERSON", 50, 54, "they", None), // overlaps a "name": false span: ignored
    ]
    .join("\n")
        + "\n"
}

fn close(v: &Value, path: &str, want: f64) {
    let got = v.pointer(path).and_then(Value::as_f64).unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-9, "{path}: got {got}, want {want}");
}

#[test]
fn eval_hand_computed_case() {
    let d = tmp();
    let g = write(d.path(), "gold.jsonl", GOLD);
    let p = write(d.path(), "out/entities.jsonl", preds());
    let out = gazex()
        .args(["eval", "--json", "--gold"])
        .arg(&g)
        .arg(p.parent().unwrap())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["PERSON"]["gold"], 2);
    assert_eq!(v["PERSON"]["predicted"], 2);
    close(&v, "/PERSON/strict/precision", 0.5);
    close(&v, "/PERSON/strict/f1", 0.5);
    close(&v, "/PERSON/relaxed/recall", 1.0);
    close(&v, "/PLACE/strict/recall", 0.0);
    close(&v, "/ORG/strict/precision", 0.0);
    close(&v, "/DATE/strict/f1", 1.0);
    assert_eq!(v["ALL"]["gold"], 4);
    assert_eq!(v["ALL"]["predicted"], 4);
    close(&v, "/ALL/strict/f1", 0.5);
    close(&v, "/ALL/relaxed/precision", 0.75);
    close(&v, "/ALL/relaxed/recall", 0.75);
    close(&v, "/DATE_value_accuracy", 1.0);
    // The text form lists the errors.
    gazex()
        .args(["eval", "--gold"])
        .arg(&g)
        .arg(&p)
        .assert()
        .success()
        .stdout(predicates::str::contains("Rahmon in"))
        .stdout(predicates::str::contains("False positives"))
        .stdout(predicates::str::contains("Misses"));
}

/// `gazex eval` gives the numbers of the reference scorer `../shared/checks/lib/score.py`.
#[test]
fn eval_agrees_with_reference_scorer() {
    let Some(sh) = shared("eval_agrees_with_reference_scorer") else {
        return;
    };
    let gold = sh.join("gold/seed.jsonl");
    let d = tmp();
    let docs: String = std::fs::read_to_string(&gold)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            serde_json::json!({"id": v["id"], "text": v["text"], "date": v["doc_date"]}).to_string()
                + "\n"
        })
        .collect();
    let input = write(d.path(), "docs.jsonl", docs);
    // Only part of the built-ins, so that there are errors to count.
    let out = d.path().join("out");
    gazex()
        .args(["extract", "-q", "--types", "PERSON,PLACE,DATE", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let mine: Value = serde_json::from_slice(
        &gazex()
            .args(["eval", "--json", "--gold"])
            .arg(&gold)
            .arg(&out)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let Ok(py) = std::process::Command::new("python3")
        .arg(sh.join("checks/lib/score.py"))
        .arg(&gold)
        .arg(out.join("entities.jsonl"))
        .arg("--json")
        .output()
    else {
        eprintln!("python3 not found: reference comparison skipped");
        return;
    };
    let theirs: Value = serde_json::from_slice(&py.stdout).unwrap();
    for t in ["PERSON", "ORG", "PLACE", "DATE", "ALL"] {
        for (k, i, name) in [
            ("strict", 0, "precision"),
            ("strict", 1, "recall"),
            ("strict", 2, "f1"),
            ("relaxed", 2, "f1"),
        ] {
            let a = theirs[t][k][i].as_f64().unwrap();
            let b = mine[t][k][name].as_f64().unwrap();
            assert!(
                (a - b).abs() < 1e-12,
                "{t} {k} {name}: score.py {a}, gazex {b}"
            );
        }
        assert_eq!(theirs[t]["gold"], mine[t]["gold"]);
        assert_eq!(theirs[t]["pred"], mine[t]["predicted"]);
    }
    assert!(mine["ORG"]["strict"]["recall"].as_f64() == Some(0.0));
}

fn tsv_rows(p: &std::path::Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn import_ofac_real_list() {
    let Some(sh) = shared("import_ofac_real_list") else {
        return;
    };
    let d = tmp();
    let out = d.path().join("ofac.tsv");
    gazex()
        .args(["gazetteer", "import", "--from", "ofac-sdn"])
        .arg(sh.join("data/ofac-sdn-2024-05-03.csv"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "imported 13738 entries (6884 ORG, 6854 PERSON)",
        ))
        .stderr(predicates::str::contains("skipped 851: vessel"))
        .stderr(predicates::str::contains("skipped 376: aircraft"));
    let rows = tsv_rows(&out);
    assert_eq!(
        rows[0],
        ["id", "type", "name", "aliases", "source", "program"]
    );
    assert_eq!(rows.len(), 1 + 13738);
    let find = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    let k = find("ofac:18634");
    assert_eq!(
        (k[1].as_str(), k[2].as_str(), k[3].as_str()),
        ("PERSON", "Gulmurod Khalimov", "KHALIMOV, Gulmurod")
    );
    assert_eq!(find("ofac:18647")[2], "ISIL KHORASAN");
    assert_eq!(
        find("ofac:33958")[3],
        "KHALOZAI, Ismatullah|Sher Omar Khel|KHEL, Sher Omar"
    );
    assert_eq!(find("ofac:306")[3], "BNC");
    gazex()
        .args(["gazetteer", "check", "-q"])
        .arg(&out)
        .assert()
        .success();
    // It works as a gazetteer.
    let doc = write(
        d.path(),
        "doc.txt",
        "Gulmurod Khalimov joined ISIL Khorasan.",
    );
    gazex()
        .args(["extract", "--no-builtin", "--stdout", "-g"])
        .arg(&out)
        .arg(&doc)
        .assert()
        .success()
        .stdout(predicates::str::contains("ofac:18634"))
        .stdout(predicates::str::contains("ofac:18647"));
}

#[test]
fn import_inline_samples() {
    let d = tmp();
    let run = |from: &str, name: &str, text: &str, extra: &[&str]| {
        let input = write(d.path(), name, text);
        let out = d.path().join(format!("{name}.tsv"));
        gazex()
            .args(["gazetteer", "import", "--from", from])
            .args(extra)
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        gazex()
            .args(["gazetteer", "check", "-q"])
            .arg(&out)
            .assert()
            .success();
        tsv_rows(&out)
    };
    // OFAC: an individual with a.k.a. names, an entity, a vessel.
    let rows = run(
        "ofac-sdn",
        "sdn.csv",
        "1,\"AL-HASAN, Abu\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1970; a.k.a. 'ABU-'UMAR'; a.k.a. 'Abu Miskin'.\"\n\
         2,\"SOME FRONT CO.\",-0- ,\"SDGT] [FTO\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"f.k.a. 'OLD FRONT'.\"\n\
         3,\"SEA BIRD\",\"vessel\",\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n",
        &[],
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1],
        [
            "ofac:1",
            "PERSON",
            "Abu Al-Hasan",
            "AL-HASAN, Abu|ABU-'UMAR|Abu Miskin",
            "OFAC SDN",
            "SDGT"
        ]
    );
    assert_eq!(
        rows[2],
        [
            "ofac:2",
            "ORG",
            "SOME FRONT CO.",
            "OLD FRONT",
            "OFAC SDN",
            "SDGT,FTO"
        ]
    );
    // spaCy: phrase patterns grouped by id, a token pattern skipped, GPE -> PLACE.
    let rows = run(
        "spacy-patterns",
        "patterns.jsonl",
        "{\"label\":\"ORG\",\"pattern\":\"Apple\",\"id\":\"apple\"}\n\
         {\"label\":\"ORG\",\"pattern\":\"Apple Inc.\",\"id\":\"apple\"}\n\
         {\"label\":\"GPE\",\"pattern\":\"San Francisco\"}\n\
         {\"label\":\"GPE\",\"pattern\":[{\"LOWER\":\"san\"},{\"LOWER\":\"fran\"}]}\n",
        &[],
    );
    assert_eq!(rows[1], ["org:apple", "ORG", "Apple", "Apple Inc."]);
    assert_eq!(
        rows[2],
        ["place:san-francisco", "PLACE", "San Francisco", ""]
    );
    assert_eq!(rows.len(), 3);
    // CSV: name,type,id,aliases plus an attribute; a quoted cell with a comma.
    let rows = run(
        "csv",
        "list.csv",
        "name,type,id,aliases,wikidata\n\"Khalimov, Gulmurod\",person,p:1,Halimov|Гулмурод Халимов,Q1\nKaluga,GPE,,Kaluga Oblast,\n",
        &[],
    );
    assert_eq!(rows[0], ["id", "type", "name", "aliases", "wikidata"]);
    assert_eq!(
        rows[1],
        [
            "p:1",
            "PERSON",
            "Khalimov, Gulmurod",
            "Halimov|Гулмурод Халимов",
            "Q1"
        ]
    );
    assert_eq!(
        rows[2],
        ["place:kaluga", "PLACE", "Kaluga", "Kaluga Oblast", ""]
    );
    // GeoNames: alternate names filtered to the wanted scripts, codes dropped, classes kept.
    let geo = "1221874\tDushanbe\tDushanbe\tDYU,Douchanbe,Duschanbe,Dušanbe,Stalinabad,Душанбе,دوشنبه,杜尚别\t38.53575\t68.77905\tP\tPPLC\tTJ\t\t04\t\t\t\t863400\t\t806\tAsia/Dushanbe\t2023-01-01\n\
               1220409\tTajikistan\tTajikistan\tTadschikistan,Таджикистан\t39\t71\tA\tPCLI\tTJ\t\t00\t\t\t\t8873669\t\t1000\tAsia/Dushanbe\t2023-01-01\n\
               9999999\tVarzob River\tVarzob River\tВарзоб\t38.8\t68.8\tH\tSTM\tTJ\t\t\t\t\t\t0\t\t900\tAsia/Dushanbe\t2023-01-01\n";
    let rows = run(
        "geonames",
        "cities.txt",
        geo,
        &["--scripts", "latin,cyrillic"],
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0],
        [
            "id",
            "type",
            "name",
            "aliases",
            "country",
            "lat",
            "lon",
            "geonames",
            "feature",
            "population"
        ]
    );
    assert_eq!(rows[1][0], "geonames:1221874");
    assert_eq!(rows[1][3], "Douchanbe|Duschanbe|Dušanbe|Stalinabad|Душанбе");
    assert_eq!(
        &rows[1][4..],
        ["TJ", "38.53575", "68.77905", "1221874", "P.PPLC", "863400"]
    );
    let rows = run(
        "geonames",
        "cities2.txt",
        geo,
        &["--min-population", "1000000"],
    );
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][3], "Tadschikistan");
    // An unknown script is a usage error.
    let input = write(d.path(), "g.txt", geo);
    gazex()
        .args([
            "gazetteer",
            "import",
            "--from",
            "geonames",
            "--scripts",
            "klingon",
        ])
        .arg(&input)
        .args(["-o", "-"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown script"));
}

#[test]
fn check_warns_and_stats_summarise() {
    let d = tmp();
    let g = write(
        d.path(),
        "g.tsv",
        "id\ttype\tname\taliases\tcase\n\
         place:reading\tPLACE\tReading\t\t\n\
         place:reading-pa\tPLACE\tReading, Pennsylvania\tReading\texact\n\
         org:un\tORG\tUnited Nations\tUN\t\n\
         person:x\tPERSON\tXi\t\t\n",
    );
    gazex()
        .args(["gazetteer", "check"])
        .arg(&g)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "g.tsv:2: warning: ambiguous name `reading`",
        ))
        .stdout(predicates::str::contains(
            "g.tsv:2: warning: name `Reading` of place:reading is a common English word",
        ))
        .stdout(predicates::str::contains(
            "g.tsv:5: warning: name `Xi` of person:x is very short",
        ))
        .stdout(predicates::str::contains(
            "1 ambiguous names, 1 common words, 1 very short names",
        ));
    gazex()
        .args(["gazetteer", "stats"])
        .arg(&g)
        .assert()
        .success()
        .stdout(predicates::str::contains("PLACE\t2\t3\t1"))
        .stdout(predicates::str::contains("ALL\t4\t6\t1"))
        .stdout(predicates::str::contains(
            "21\tplace:reading-pa\tReading, Pennsylvania",
        ));
    // Errors are listed with file:line and exit 2.
    let bad = write(
        d.path(),
        "bad.tsv",
        "id\ttype\tname\taliases\nx\tplace\tX\t\nx\tPLACE\t--\t\n",
    );
    gazex()
        .args(["gazetteer", "check"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.tsv:2:"))
        .stderr(predicates::str::contains("bad.tsv:3:"));
}

#[test]
fn report_is_one_offline_page() {
    let d = tmp();
    let out = d.path().join("out");
    let input =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("input/seed-crocus-analysis.txt");
    gazex()
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let html = d.path().join("r.html");
    gazex()
        .arg("report")
        .arg(&out)
        .arg("-o")
        .arg(&html)
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.len() > 20_000);
    assert!(!page.contains("src=\"http") && !page.contains("href=\"http"));
    let start = page
        .find("<script type=\"application/json\" id=\"gazex-data\">")
        .unwrap();
    let rest = &page[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    let data: Value = serde_json::from_str(body).unwrap();
    assert_eq!(data["totals"]["documents"], 1);
    assert!(data["edges"].as_array().unwrap().len() > 10);
    assert!(!data["timeline"]["years"].as_array().unwrap().is_empty());
    let ents = data["entities"].as_array().unwrap();
    let iskp = ents.iter().find(|e| e["id"] == "org:iskp").unwrap();
    let snip = &iskp["snippets"][0];
    assert!(snip["pre"].is_string() && snip["text"].as_str().unwrap().contains("Khorasan"));
    // Without the texts the page still builds and says so; --docs gives them back.
    let copy = write(
        d.path(),
        "in/seed-crocus-analysis.txt",
        std::fs::read(&input).unwrap(),
    );
    let out2 = d.path().join("out2");
    gazex()
        .args(["extract", "-q", "-o"])
        .arg(&out2)
        .arg(&copy)
        .assert()
        .success();
    std::fs::remove_file(&copy).unwrap();
    let data_of = |extra: &[&std::path::Path]| {
        let mut c = gazex();
        c.arg("report").arg(&out2).args(["-o", "-"]);
        for p in extra {
            c.arg("--docs").arg(p);
        }
        let page = String::from_utf8(c.output().unwrap().stdout).unwrap();
        let start = page.find("id=\"gazex-data\">").unwrap() + "id=\"gazex-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        serde_json::from_str::<Value>(&page[start..end]).unwrap()
    };
    let v = data_of(&[]);
    assert_eq!(v["texts"]["missing"], 1);
    assert!(v["entities"][0]["snippets"][0]["pre"].is_null());
    let v = data_of(&[input.as_path()]);
    assert_eq!(v["texts"]["found"], 1);
    assert!(v["entities"][0]["snippets"][0]["pre"].is_string());
    assert_eq!(jsonl(&out2.join("documents.jsonl")).len(), 1);
}

#[test]
fn completions_and_man_page() {
    for sh in ["bash", "zsh", "fish"] {
        gazex()
            .args(["completions", sh])
            .assert()
            .success()
            .stdout(predicates::str::contains("gazetteer"));
    }
    gazex()
        .arg("man")
        .assert()
        .success()
        .stdout(predicates::str::contains(".TH gazex 1"));
    gazex()
        .args(["man", "report"])
        .assert()
        .success()
        .stdout(predicates::str::contains("gazex\\-report"));
}
