//! The report's data: reads an output folder (two passes over `entities.jsonl`, one over
//! `cooccurrence.tsv`, the selected rows of `entities.tsv`) into one bounded JSON value.

use super::snippets::{self, Pending};
use super::Options;
use crate::error::{Error, Result};
use crate::lines::{Lines, MAX_LINE};
use crate::manifest::Manifest;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufReader;
use std::path::Path;

/// Totals of one entity from the first pass.
struct Ent {
    id: String,
    kind: String,
    name: String,
    mentions: u64,
    documents: u64,
    last_doc: String,
}

/// Documents listed per entity in the drill-down (the first ones, in input order).
const DOCS_PER_ENTITY: usize = 50;

fn open_lines(path: &Path) -> Result<impl Iterator<Item = (usize, std::io::Result<String>)>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let f = BufReader::with_capacity(1 << 20, f);
    Ok(Lines::new(f, MAX_LINE).enumerate().map(|(i, l)| (i + 1, l)))
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Year and month of an EDTF value with an explicit year, where a timeline places it
/// (`2024-03-21`, `2024-03`, `2024`; an interval at its first end, `2017/2021` and `2015/..` at
/// 2015, and one open at the start at its last, `../2020-06` at June 2020); none for `199X`,
/// `XXXX-12-31`, ...
pub(crate) fn year_month(value: &str) -> Option<(u32, Option<u32>)> {
    let value = value.strip_prefix("../").unwrap_or(value);
    let b = value.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() > 4 && !matches!(b[4], b'-' | b'/') {
        return None;
    }
    let year: u32 = value.get(..4)?.parse().ok()?;
    let month = (b.len() >= 7 && b[4] == b'-' && b[5].is_ascii_digit() && b[6].is_ascii_digit())
        .then(|| value.get(5..7).and_then(|m| m.parse::<u32>().ok()))
        .flatten()
        .filter(|m| (1..=12).contains(m))
        .filter(|_| b.len() == 7 || matches!(b[7], b'-' | b'/'));
    Some((year, month))
}

/// Undoes the formula guard of the TSV writers (a leading `'` before `= + - @`, tab, CR).
fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) => rest,
        _ => s,
    }
}

/// How a mention was written and why it matched: (text, match, alias).
type Spelling = (String, String, String);

/// Distinct spellings kept per entity for the drill-down.
const SPELLINGS_PER_ENTITY: usize = 40;

/// Counts the (text, match, alias) of a mention record into an entity's list (bounded).
fn count_spelling(list: &mut Vec<(Spelling, u64)>, v: &Value) {
    let how = str_of(v, "match");
    if how.is_empty() {
        return;
    }
    let key = (
        str_of(v, "text").to_string(),
        how.to_string(),
        str_of(v, "alias").to_string(),
    );
    if let Some((_, n)) = list.iter_mut().find(|(k, _)| *k == key) {
        *n += 1;
    } else if list.len() < SPELLINGS_PER_ENTITY {
        list.push((key, 1));
    }
}

/// The drill-down's "found as" rows, most frequent first: [text, match, alias, mentions].
fn spellings_json(list: &mut [(Spelling, u64)]) -> Value {
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Value::Array(
        list.iter()
            .take(12)
            .map(|((t, m, a), n)| json!([t, m, a, n]))
            .collect(),
    )
}

/// Builds the report data of `out_dir`.
pub(crate) fn build(out_dir: &Path, opts: &Options) -> Result<Value> {
    let manifest = Manifest::read_complete(out_dir);
    let ent_path = out_dir.join("entities.jsonl");
    let FirstPass {
        ents,
        years,
        months,
        undated,
        docs_seen,
        bad_lines,
        mentions_total,
    } = first_pass(&ent_path)?;
    let n_docs = manifest
        .as_ref()
        .map_or(docs_seen.len() as u64, |m| m.counts.documents);
    let Selection {
        nodes,
        top,
        selected,
        pos,
        sel_by_id,
    } = select(&ents, opts);
    let per_doc_cap = if n_docs <= 1 {
        opts.snippets_per_entity
    } else {
        3
    };
    let (docs_of, mut found_as, pending) =
        second_pass(&ent_path, &sel_by_id, selected.len(), per_doc_cap, opts)?;
    let options = manifest.as_ref().map(|m| &m.options);
    let cut = snippets::cut(out_dir, options.unwrap_or(&Value::Null), &pending, opts)?;
    let node_set: HashSet<&str> = nodes.iter().map(|&i| ents[i].id.as_str()).collect();
    let (mut edges, pairs_total) = read_edges(out_dir, &node_set, &sel_by_id)?;
    let edges_total = edges.len();
    edges.truncate(opts.max_edges);
    // Attributes of the selected entities.
    let attrs = read_attributes(&out_dir.join("entities.tsv"), &sel_by_id);
    let entities: Vec<Value> = selected
        .iter()
        .enumerate()
        .map(|(p, &i)| {
            let e = &ents[i];
            let mut o = Map::new();
            o.insert("id".into(), e.id.clone().into());
            o.insert("type".into(), e.kind.clone().into());
            o.insert("name".into(), e.name.clone().into());
            o.insert("mentions".into(), e.mentions.into());
            o.insert("documents".into(), e.documents.into());
            o.insert(
                "docs".into(),
                Value::Array(docs_of[p].iter().map(|(d, n)| json!([d, n])).collect()),
            );
            o.insert(
                "more_docs".into(),
                e.documents.saturating_sub(docs_of[p].len() as u64).into(),
            );
            o.insert(
                "snippets".into(),
                Value::Array(cut.snippets.get(&p).cloned().unwrap_or_default()),
            );
            if let Some(a) = attrs.get(&p) {
                o.insert("attrs".into(), Value::Object(a.clone()));
            }
            if !found_as[p].is_empty() {
                o.insert("found_as".into(), spellings_json(&mut found_as[p]));
            }
            Value::Object(o)
        })
        .collect();
    let mut top_json = Map::new();
    for (t, v) in &top {
        top_json.insert(
            t.clone(),
            Value::Array(v.iter().map(|i| pos[i].into()).collect()),
        );
    }
    Ok(json!({
        "generator": format!("gazex {}", env!("CARGO_PKG_VERSION")),
        "manifest": manifest,
        "totals": {
            "documents": n_docs,
            "mentions": mentions_total,
            "entities": ents.len(),
            "pairs": pairs_total,
            "pairs_among_nodes": edges_total,
            "unreadable_lines": bad_lines,
        },
        "entities": entities,
        "top": top_json,
        "nodes": nodes.iter().map(|i| pos[i]).collect::<Vec<_>>(),
        "edges": edges.iter().map(|e| json!([e.0, e.1, e.2, e.3, e.4, (e.5 * 1000.0).round() / 1000.0])).collect::<Vec<_>>(),
        "timeline": {
            "years": years.iter().map(|(y, n)| json!([y, n])).collect::<Vec<_>>(),
            "months": months.iter().map(|(m, n)| json!([m, n])).collect::<Vec<_>>(),
            "without_year": undated,
        },
        "texts": {
            "found": cut.found,
            "missing": cut.missing,
            "missing_examples": cut.missing_examples,
            "changed": cut.changed,
            "from": if opts.docs.is_empty() { "documents.jsonl sources" } else { "--docs" },
        },
    }))
}

/// Pass 1 over `entities.jsonl`: totals per entity, the timeline, the documents seen.
struct FirstPass {
    ents: Vec<Ent>,
    years: BTreeMap<u32, u64>,
    months: BTreeMap<String, u64>,
    undated: u64,
    docs_seen: HashSet<String>,
    bad_lines: u64,
    mentions_total: u64,
}

fn first_pass(ent_path: &Path) -> Result<FirstPass> {
    let mut ents: Vec<Ent> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut years: BTreeMap<u32, u64> = BTreeMap::new();
    let mut months: BTreeMap<String, u64> = BTreeMap::new();
    let mut undated: u64 = 0;
    let mut docs_seen: HashSet<String> = HashSet::new();
    let mut bad_lines = 0u64;
    let mut mentions_total = 0u64;
    for (_, line) in open_lines(ent_path)? {
        let line = line.map_err(|e| Error::io(ent_path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            bad_lines += 1;
            continue;
        };
        let (id, doc) = (str_of(&v, "id"), str_of(&v, "doc"));
        if id.is_empty() {
            bad_lines += 1;
            continue;
        }
        mentions_total += 1;
        if docs_seen.len() < 1_000_000 && !docs_seen.contains(doc) {
            docs_seen.insert(doc.to_string());
        }
        let i = match index.get(id) {
            Some(&i) => i,
            None => {
                index.insert(id.to_string(), ents.len());
                ents.push(Ent {
                    id: id.to_string(),
                    kind: str_of(&v, "type").to_string(),
                    name: str_of(&v, "name").to_string(),
                    mentions: 0,
                    documents: 0,
                    last_doc: String::new(),
                });
                ents.len() - 1
            }
        };
        let e = &mut ents[i];
        e.mentions += 1;
        if e.documents == 0 || e.last_doc != doc {
            e.documents += 1;
            e.last_doc = doc.to_string();
        }
        if e.kind == "DATE" {
            let value = v
                .get("value")
                .and_then(Value::as_str)
                .unwrap_or(e.name.as_str());
            match year_month(value) {
                Some((y, m)) => {
                    *years.entry(y).or_default() += 1;
                    if let Some(m) = m {
                        *months.entry(format!("{y:04}-{m:02}")).or_default() += 1;
                    }
                }
                None => undated += 1,
            }
        }
    }
    Ok(FirstPass {
        ents,
        years,
        months,
        undated,
        docs_seen,
        bad_lines,
        mentions_total,
    })
}

/// The entities the page carries: the network's nodes, the top ones per type, and where
/// each goes in the page's entity list.
struct Selection<'a> {
    nodes: Vec<usize>,
    top: BTreeMap<String, Vec<usize>>,
    selected: Vec<usize>,
    /// Entity index -> position in the page's entity list.
    pos: HashMap<usize, usize>,
    sel_by_id: HashMap<&'a str, usize>,
}

fn select<'a>(ents: &'a [Ent], opts: &Options) -> Selection<'a> {
    let rank = |a: &usize, b: &usize| {
        let (x, y) = (&ents[*a], &ents[*b]);
        y.documents
            .cmp(&x.documents)
            .then(y.mentions.cmp(&x.mentions))
            .then_with(|| x.id.cmp(&y.id))
    };
    let mut order: Vec<usize> = (0..ents.len()).collect();
    order.sort_by(rank);
    let date_cap = (opts.max_nodes / 5).max(1);
    let mut nodes: Vec<usize> = Vec::new();
    let (mut n_other, mut n_date) = (0, 0);
    for &i in &order {
        if ents[i].kind == "DATE" {
            if n_date < date_cap {
                n_date += 1;
                nodes.push(i);
            }
        } else if n_other < opts.max_nodes {
            n_other += 1;
            nodes.push(i);
        }
    }
    let mut by_type: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in ents.iter().enumerate() {
        by_type.entry(e.kind.as_str()).or_default().push(i);
    }
    let mut top: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (t, v) in by_type.iter_mut() {
        v.sort_by(|a, b| {
            let (x, y) = (&ents[*a], &ents[*b]);
            y.mentions
                .cmp(&x.mentions)
                .then(y.documents.cmp(&x.documents))
                .then_with(|| x.id.cmp(&y.id))
        });
        top.insert(
            t.to_string(),
            v.iter().take(opts.top_per_type).copied().collect(),
        );
    }
    let mut selected: Vec<usize> = nodes.clone();
    for v in top.values() {
        selected.extend(v);
    }
    selected.sort_unstable();
    selected.dedup();
    let pos: HashMap<usize, usize> = selected.iter().enumerate().map(|(p, &i)| (i, p)).collect();
    let sel_by_id: HashMap<&str, usize> = selected
        .iter()
        .map(|&i| (ents[i].id.as_str(), pos[&i]))
        .collect();

    Selection {
        nodes,
        top,
        selected,
        pos,
        sel_by_id,
    }
}

/// Pass 2 over `entities.jsonl`: the first documents of each selected entity (with their
/// mentions of it), their spellings (the drill-down's "found as"), and the mentions to cut
/// snippets from (at most `per_doc_cap` a document).
#[allow(clippy::type_complexity)]
fn second_pass(
    ent_path: &Path,
    sel_by_id: &HashMap<&str, usize>,
    n_selected: usize,
    per_doc_cap: usize,
    opts: &Options,
) -> Result<(
    Vec<Vec<(String, u64)>>,
    Vec<Vec<(Spelling, u64)>>,
    Vec<Pending>,
)> {
    let mut docs_of: Vec<Vec<(String, u64)>> = vec![Vec::new(); n_selected];
    let mut found_as: Vec<Vec<(Spelling, u64)>> = vec![Vec::new(); n_selected];
    let mut taken: Vec<usize> = vec![0; n_selected];
    let mut pending: Vec<Pending> = Vec::new();
    for (_, line) in open_lines(ent_path)? {
        let line = line.map_err(|e| Error::io(ent_path, e))?;
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(&p) = sel_by_id.get(str_of(&v, "id")) else {
            continue;
        };
        count_spelling(&mut found_as[p], &v);
        let doc = str_of(&v, "doc");
        let list = &mut docs_of[p];
        let same = list.last().is_some_and(|l| l.0 == doc);
        let this_doc = if same {
            list.last_mut().map_or(u64::MAX, |last| {
                last.1 += 1;
                last.1
            })
        } else if list.len() < DOCS_PER_ENTITY {
            list.push((doc.to_string(), 1));
            1
        } else {
            u64::MAX
        };
        if taken[p] < opts.snippets_per_entity && this_doc <= per_doc_cap as u64 {
            taken[p] += 1;
            let num = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
            pending.push(Pending {
                entity: p,
                doc: doc.to_string(),
                byte_start: num("byte_start"),
                byte_end: num("byte_end"),
                sentence: num("sentence"),
                text: str_of(&v, "text").to_string(),
            });
        }
    }
    Ok((docs_of, found_as, pending))
}

/// The pairs of `cooccurrence.tsv` among the nodes (page positions, counts, npmi), most
/// documents first; also the pairs in all.
#[allow(clippy::type_complexity)]
fn read_edges(
    out_dir: &Path,
    node_set: &HashSet<&str>,
    sel_by_id: &HashMap<&str, usize>,
) -> Result<(Vec<(usize, usize, u64, u64, u64, f64)>, u64)> {
    let mut edges: Vec<(usize, usize, u64, u64, u64, f64)> = Vec::new();
    let mut pairs_total = 0u64;
    let cooc = out_dir.join("cooccurrence.tsv");
    if cooc.is_file() {
        let mut rd = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .quoting(false)
            .flexible(true)
            .from_path(&cooc)
            .map_err(|e| Error::Runtime(format!("{}: {e}", cooc.display())))?;
        let mut rec = csv::StringRecord::new();
        while rd.read_record(&mut rec).unwrap_or(false) {
            pairs_total += 1;
            let s = unguard(rec.get(0).unwrap_or(""));
            let t = unguard(rec.get(1).unwrap_or(""));
            if !(node_set.contains(s) && node_set.contains(t)) {
                continue;
            }
            let num = |i: usize| {
                rec.get(i)
                    .and_then(|x| x.trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let npmi = rec
                .get(7)
                .and_then(|x| x.trim().parse::<f64>().ok())
                .filter(|x| x.is_finite())
                .unwrap_or(0.0);
            if let (Some(&a), Some(&b)) = (sel_by_id.get(s), sel_by_id.get(t)) {
                edges.push((a, b, num(4), num(5), num(6), npmi));
            }
        }
    }
    edges.sort_by(|x, y| {
        (y.2, y.3, y.4)
            .cmp(&(x.2, x.3, x.4))
            .then((x.0, x.1).cmp(&(y.0, y.1)))
    });

    Ok((edges, pairs_total))
}

/// Attribute columns of `entities.tsv` for the selected entities (page position -> map).
fn read_attributes(path: &Path, sel: &HashMap<&str, usize>) -> HashMap<usize, Map<String, Value>> {
    let mut out = HashMap::new();
    let Ok(mut rd) = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .flexible(true)
        .from_path(path)
    else {
        return out;
    };
    let header: Vec<String> = match rd.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(_) => return out,
    };
    let mut rec = csv::StringRecord::new();
    while rd.read_record(&mut rec).unwrap_or(false) {
        let Some(&p) = sel.get(unguard(rec.get(0).unwrap_or(""))) else {
            continue;
        };
        let mut m = Map::new();
        for (i, h) in header.iter().enumerate().skip(5) {
            let v = unguard(rec.get(i).unwrap_or("")).trim();
            if !v.is_empty() {
                m.insert(h.clone(), v.into());
            }
        }
        if !m.is_empty() {
            out.insert(p, m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_months_of_values() {
        assert_eq!(year_month("2024-03-21"), Some((2024, Some(3))));
        assert_eq!(year_month("2024-03"), Some((2024, Some(3))));
        assert_eq!(year_month("2024"), Some((2024, None)));
        assert_eq!(year_month("2017/2021"), Some((2017, None)));
        assert_eq!(year_month("2023-21"), Some((2023, None)));
        assert_eq!(year_month("2015/.."), Some((2015, None)));
        assert_eq!(year_month("2014-03/.."), Some((2014, Some(3))));
        assert_eq!(year_month("../2020-06"), Some((2020, Some(6))));
        assert_eq!(year_month("../XXXX-06"), None);
        assert_eq!(year_month("2017-22"), Some((2017, None)));
        assert_eq!(year_month("199X"), None);
        assert_eq!(year_month("XXXX-12-31"), None);
        assert_eq!(unguard("'-x"), "-x");
        assert_eq!(unguard("'abc"), "'abc");
    }
}
