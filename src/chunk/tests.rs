//! Stitching against the whole text: chunks cut at many sizes, with small overlaps so that
//! names, dates and sentences straddle the cuts, give exactly the mentions, document record
//! and co-occurrence counts of `Pipeline::process` and `Accumulator::add` on the whole text.

use super::*;
use crate::cooccur::{Accumulator, CoocOptions, Keys, PairRow, Totals};
use crate::record::DocumentRecord;
use crate::{Document, Gazetteer, Mention};
use std::io::Cursor;

const GAZ: &str = "id\ttype\tname\taliases
person:khalimov\tPERSON\tGulmurod Khalimov\tKhalimov|Халимов
org:isis-k\tORG\tISIS-K\tIslamic State Khorasan Province
org:un\tORG\tUnited Nations\tUN
place:moscow\tPLACE\tMoscow\tМосква
place:kaluga\tPLACE\tKaluga\t
place:cote\tPLACE\tCôte d'Ivoire\t
";

const WORDS: &[&str] = &[
    "Gulmurod\r\nKhalimov",
    "Khalimov",
    "the",
    "delegation",
    "met in",
    "Moscow",
    "Kaluga",
    "on 3 March 2015",
    "the same year",
    "in 2019",
    "03/04/2024",
    "Islamic State —\nKhorasan\n\nProvince",
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

fn text(seed: u64, n: usize) -> String {
    let mut x = seed | 1;
    let mut t = String::new();
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        t.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
        t.push_str(match (x >> 20) % 20 {
            0 => ".\r\n\r\n",
            1 | 2 => "\n",
            3 => ". ",
            _ => " ",
        });
    }
    t
}

fn pipeline() -> Pipeline {
    Pipeline::builder()
        .gazetteer(Gazetteer::from_tsv("t.tsv", GAZ).unwrap())
        .tokens(true)
        .build()
        .unwrap()
}

fn rows(t: Totals) -> (Vec<(u32, u64, u64)>, Vec<PairRow>) {
    let mut e: Vec<_> = t
        .entities
        .iter()
        .map(|(k, c)| (*k, c.mentions, c.documents))
        .collect();
    e.sort_unstable();
    let p = t.pairs.into_rows().unwrap().0.map(Result::unwrap).collect();
    (e, p)
}

/// The mentions and record of `text` read in chunks, and the counts they added to `acc`.
fn stitched(
    p: &Pipeline,
    text: &str,
    chunk_bytes: usize,
    overlap: usize,
    cooc: &CoocOptions,
    acc: &mut Accumulator,
) -> (Vec<Mention>, DocumentRecord) {
    let cfg = ChunkConfig {
        chunk_bytes,
        overlap,
    };
    // A file, so that the order of ambiguous numeric dates can be counted a second time.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.txt");
    std::fs::write(&path, text).unwrap();
    let doc = ChunkDoc::new("d".into(), String::new(), Some(path));
    let src = Box::new(Cursor::new(text.as_bytes().to_vec()));
    let pool = Pool::new(usize::MAX);
    let Opened::Stream(mut ts) = open(src, false, doc, 1 << 30, cfg, &pool) else {
        panic!("not read in chunks");
    };
    let mut st = Stitcher::new(cfg);
    let cx = Context { pipeline: p, cooc };
    let mut out = Vec::new();
    let mut chunks = 0;
    while let Some(c) = ts.next_chunk() {
        chunks += 1;
        st.push(scan(p, c), &cx, acc, &mut out);
    }
    assert!(chunks > 2 || text.len() < 3 * chunk_bytes + overlap);
    assert!(st.idle());
    let record = out.last().and_then(|e| e.record.clone()).unwrap();
    let mentions = out.iter().flat_map(|e| e.mentions().to_vec()).collect();
    (mentions, record)
}

#[test]
fn stitched_chunks_equal_the_whole_text() {
    let p = pipeline();
    let cooc = CoocOptions {
        window: 4,
        ..CoocOptions::default()
    };
    for seed in [1, 7, 42] {
        let t = text(seed, 6000);
        let doc = Document {
            id: "d".into(),
            text: t.clone(),
            ..Document::default()
        };
        let whole = p.process(&doc);
        let keys = Arc::new(Keys::new(p.gazetteer().entries.len()));
        let mut acc = Accumulator::new(keys.clone(), None);
        acc.add(&whole, p.gazetteer(), &cooc);
        let want = rows(acc.take());
        for (chunk, overlap) in [
            (700, 200),
            (1500, 90),
            (4000, 400),
            (9000, 3000),
            (30_000, 64 << 10),
        ] {
            let mut acc = Accumulator::new(keys.clone(), None);
            let (m, r) = stitched(&p, &t, chunk, overlap, &cooc, &mut acc);
            let what = format!("seed {seed}, chunks of {chunk}, overlap {overlap}");
            assert!(r.warnings.is_empty(), "{what}: {:?}", r.warnings);
            assert_eq!(m.len(), whole.mentions.len(), "{what}");
            for (a, b) in m.iter().zip(&whole.mentions) {
                assert_eq!(a, b, "{what}");
            }
            assert_eq!(
                (r.chars, r.sentences, r.mentions, r.bytes),
                (
                    whole.chars,
                    whole.sentences,
                    whole.mentions.len(),
                    t.len() as u64
                ),
                "{what}"
            );
            assert_eq!(rows(acc.take()), want, "{what}");
        }
    }
}

#[test]
fn a_text_without_sync_points_is_warned_and_never_overlaps() {
    let p = pipeline();
    // Names spanning white space longer than the overlap, and words with hundreds of marks.
    let mut t = String::new();
    for i in 0..60 {
        t.push_str("Gulmurod");
        t.push_str(&" ".repeat(300 + i));
        t.push_str("Khalimov Kaluga ");
        t.push_str(&"e\u{301}".repeat(200));
        t.push_str(" Moscow\n");
    }
    let mut acc = Accumulator::new(Arc::new(Keys::new(10)), None);
    let (m, r) = stitched(&p, &t, 700, 128, &CoocOptions::default(), &mut acc);
    for w in m.windows(2) {
        assert!(w[0].byte_end <= w[1].byte_start, "{:?}", &w);
    }
    for x in &m {
        assert!(t.is_char_boundary(x.byte_start) && t.is_char_boundary(x.byte_end));
    }
    let doc = Document {
        text: t.clone(),
        ..Document::default()
    };
    let whole = p.process(&doc);
    assert!(
        m == whole.mentions || !r.warnings.is_empty(),
        "differs from the whole text without a warning"
    );
}
