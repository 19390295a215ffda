//! The parts of a merge must hold disjoint documents: the same part given twice (however
//! spelled), or two parts that hold one document id, would count documents twice. Checked
//! before anything is written, with the id named and what to do instead.

use crate::error::{Error, Result};
use crate::lines::{Line, Lines, MAX_LINE};
use crate::paths::resolve;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// Refuses parts given twice and parts that share a document id.
pub(super) fn check_disjoint(parts: &[PathBuf]) -> Result<()> {
    let resolved: Vec<PathBuf> = parts.iter().map(|p| resolve(p)).collect();
    for (i, (part, r)) in parts.iter().zip(&resolved).enumerate() {
        if let Some(j) = resolved
            .get(..i)
            .and_then(|b| b.iter().position(|x| x == r))
        {
            return Err(Error::Usage(format!(
                "{}: this part is given twice (also as {}): give each part once",
                part.display(),
                parts
                    .get(j)
                    .map_or_else(String::new, |p| p.display().to_string())
            )));
        }
    }
    // Ids are held as 128-bit hashes: a merge of millions of documents stays small.
    let mut seen: HashMap<u128, usize> = HashMap::new();
    let mut buf = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let p = part.join("documents.jsonl");
        let f = std::fs::File::open(&p).map_err(|e| Error::io(&p, e))?;
        let mut lines = Lines::new(std::io::BufReader::with_capacity(1 << 20, f), MAX_LINE);
        while let Some(kind) = lines.next_into(&mut buf).map_err(|e| Error::io(&p, e))? {
            if kind == Line::TooLong {
                return Err(Error::Usage(format!(
                    "{}:{}: line longer than {MAX_LINE} bytes: not a file written by gazex",
                    p.display(),
                    lines.number()
                )));
            }
            #[derive(serde::Deserialize)]
            struct Doc {
                doc: String,
            }
            let Ok(d) = serde_json::from_slice::<Doc>(&buf) else {
                continue;
            };
            match seen.entry(hash128(&d.doc)) {
                std::collections::hash_map::Entry::Occupied(o) if *o.get() != i => {
                    let other = parts.get(*o.get()).map(|p| p.display().to_string());
                    return Err(Error::Usage(format!(
                        "document `{}` is in both {} and {}: the parts of a merge must hold disjoint documents; shard the corpus by document (each document in one part) and extract the parts again",
                        d.doc,
                        other.unwrap_or_default(),
                        part.display()
                    )));
                }
                std::collections::hash_map::Entry::Occupied(_) => {}
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i);
                }
            }
        }
    }
    Ok(())
}

/// A 128-bit hash of `s` (two SipHash values of different inputs).
fn hash128(s: &str) -> u128 {
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut h);
        s.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}
