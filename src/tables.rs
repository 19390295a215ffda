//! Tables: writes `entities.tsv` and `cooccurrence.tsv` from the totals (CONTRACT "Output
//! folder"), with every cell made safe for spreadsheets, and reads them back (for `merge` and
//! `export`). It does not count (see `cooccur`).

mod cooccurrence;
pub use cooccurrence::Cooccurrence;

use crate::cooccur::spill::Order;
use crate::cooccur::{Describe, EntityCounts, EntityInfo, PairCounts, PairMap, PairRow, Streams};
use rustc_hash::FxHashMap;
use std::io::Write;

/// The header of `entities.tsv` before the attribute columns.
pub(crate) const ENTITY_COLUMNS: [&str; 5] = ["id", "type", "name", "mentions", "documents"];

/// The header of `cooccurrence.tsv`.
pub(crate) const PAIR_COLUMNS: [&str; 8] = [
    "source",
    "target",
    "source_type",
    "target_type",
    "documents",
    "sentences",
    "window",
    "npmi",
];

/// Makes a cell safe for spreadsheets: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`, so Excel and LibreOffice read it as text (OWASP CSV
/// injection). A cell that already starts with `'` gets one too, so [`unescape_cell`] gives
/// the original back exactly. Numbers written by gazex never need it.
pub(crate) fn safe_cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// The inverse of [`safe_cell`]: the text of a cell as gazex wrote it.
pub(crate) fn unescape_cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest)
            if matches!(
                rest.as_bytes().first(),
                Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'')
            ) =>
        {
            rest
        }
        _ => s,
    }
}

/// A TSV reader for gazex's tables (header row, no quoting surprises, every line bounded).
pub(crate) fn tsv_reader<R: std::io::Read>(r: R) -> csv::Reader<crate::lines::Bounded<R>> {
    csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(true)
        .flexible(false)
        .from_reader(crate::lines::Bounded::new(r, crate::lines::MAX_LINE))
}

/// Formats an npmi value as the tables write it (6 decimals, never `-0.000000`).
pub(crate) fn format_npmi(v: f64) -> String {
    let s = format!("{v:.6}");
    if s == "-0.000000" {
        "0.000000".into()
    } else {
        s
    }
}

/// Appends an npmi value exactly as [`format_npmi`] writes it, without its allocation: the
/// scaled value rounds the same as the exact decimal expansion unless it lies within 1e-6 of a
/// half (its error is below 1e-9), and those rare values take the slow path.
pub(crate) fn push_npmi(out: &mut Vec<u8>, v: f64) {
    let x = v * 1e6;
    if !(x.is_finite() && x.abs() < 1e15 && ((x - x.trunc()).abs() - 0.5).abs() > 1e-6) {
        out.extend_from_slice(format_npmi(v).as_bytes());
        return;
    }
    let n = x.round() as i64;
    if n < 0 {
        out.push(b'-');
    }
    let a = n.unsigned_abs();
    let mut buf = itoa::Buffer::new();
    out.extend_from_slice(buf.format(a / 1_000_000).as_bytes());
    out.push(b'.');
    let frac = buf.format(a % 1_000_000).as_bytes();
    out.extend(std::iter::repeat_n(b'0', 6 - frac.len()));
    out.extend_from_slice(frac);
}

fn tsv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(w)
}

/// The entities of a run, sorted by id: the table writers' view of the totals. A key's rank
/// is its row's position, so sorting pairs by ranks sorts them by ids.
#[derive(Debug, Default)]
pub(crate) struct EntityTable {
    /// (id, description, counts), by id.
    pub(crate) rows: Vec<(String, EntityInfo, EntityCounts)>,
    /// Key -> rank + 1 (0: not a row).
    rank: Vec<u32>,
}

impl EntityTable {
    /// The entities counted in `entities`, described by `describe` (keys it does not know
    /// are left out).
    pub(crate) fn new(entities: &FxHashMap<u32, EntityCounts>, describe: &Describe<'_>) -> Self {
        use rayon::prelude::*;
        // Described and sorted in parallel, on rayon's current pool.
        let counted: Vec<(u32, EntityCounts)> = entities.iter().map(|(&k, &c)| (k, c)).collect();
        let mut keyed: Vec<(u32, String, EntityInfo, EntityCounts)> = counted
            .into_par_iter()
            .filter_map(|(k, c)| describe(k).map(|(id, info)| (k, id, info, c)))
            .collect();
        keyed.par_sort_unstable_by(|x, y| x.1.cmp(&y.1));
        let top = keyed.iter().map(|x| x.0 as usize + 1).max().unwrap_or(0);
        let mut rank = vec![0u32; top];
        let rows = keyed
            .into_iter()
            .enumerate()
            .map(|(i, (k, id, info, c))| {
                if let Some(r) = rank.get_mut(k as usize) {
                    *r = i as u32 + 1;
                }
                (id, info, c)
            })
            .collect();
        EntityTable { rows, rank }
    }

    /// The rank (row) of a key.
    #[inline]
    pub(crate) fn rank(&self, key: u32) -> Option<u32> {
        self.rank.get(key as usize).and_then(|&r| r.checked_sub(1))
    }
}

/// Writes `entities.tsv`: one row per distinct entity, most mentioned first, then by id;
/// `columns` are the attribute columns (each entity's `attrs` in that order).
pub(crate) fn write_entities<W: Write>(
    w: W,
    t: &EntityTable,
    columns: &[String],
) -> std::io::Result<()> {
    let mut out = tsv_writer(w);
    let header = ENTITY_COLUMNS
        .iter()
        .map(|s| s.to_string())
        .chain(columns.iter().map(|h| safe_cell(h).into_owned()));
    out.write_record(header)?;
    let mut order: Vec<usize> = (0..t.rows.len()).collect();
    // Rows are sorted by id already: a stable sort by mentions keeps ids in order.
    order.sort_by_key(|&i| std::cmp::Reverse(t.rows.get(i).map_or(0, |r| r.2.mentions)));
    let mut rec: Vec<String> = Vec::with_capacity(ENTITY_COLUMNS.len() + columns.len());
    for i in order {
        let Some((id, info, c)) = t.rows.get(i) else {
            continue;
        };
        if c.mentions == 0 && c.documents == 0 {
            // Named only by a pair of a merged part: no entity row to write.
            continue;
        }
        rec.clear();
        rec.extend([
            safe_cell(id).into_owned(),
            safe_cell(&info.kind).into_owned(),
            safe_cell(&info.name).into_owned(),
            c.mentions.to_string(),
            c.documents.to_string(),
        ]);
        for col in 0..columns.len() {
            let v = info.attrs.get(col).map_or("", |v| v.as_str());
            rec.push(safe_cell(v).into_owned());
        }
        out.write_record(&rec)?;
    }
    out.flush()
}

/// A cell as the TSV writer writes it (spreadsheet-safe, quoted when it must be).
fn tsv_cell(s: &str) -> std::io::Result<Vec<u8>> {
    let cell = safe_cell(s);
    // A cell the TSV writer would not quote is written as it is (most are: ids and types),
    // without setting up a writer and its zeroed buffer for it.
    if !cell.is_empty()
        && !cell
            .bytes()
            .any(|b| matches!(b, b'\t' | b'"' | b'\r' | b'\n'))
    {
        return Ok(cell.as_bytes().to_vec());
    }
    tsv_cell_written(&cell)
}

/// A cell as the TSV writer writes it, by writing it.
fn tsv_cell_written(cell: &str) -> std::io::Result<Vec<u8>> {
    let mut w = tsv_writer(Vec::new());
    // A second cell, so an empty first one is not quoted as a lone empty record would be.
    w.write_record([cell, ""])?;
    let mut b = w.into_inner().map_err(|e| e.into_error())?;
    // Strip the empty second cell and the record end: "\t\n".
    b.truncate(b.len().saturating_sub(2));
    Ok(b)
}

/// Writes `cooccurrence.tsv`: one row per pair, by documents descending, then ids, with npmi
/// over `documents` documents. Consumes the pairs (merging any spilled runs) and gives the
/// number of rows written.
pub(crate) fn write_cooccurrence<W: Write + Send>(
    w: W,
    t: &EntityTable,
    documents: u64,
    pairs: PairMap,
) -> std::io::Result<u64> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, w);
    out.write_all(PAIR_COLUMNS.join("\t").as_bytes())?;
    out.write_all(b"\n")?;
    let streams = pairs.into_table(&|k| t.rank(k))?;
    // Cells of every entity, escaped once.
    let cells = t
        .rows
        .iter()
        .map(|(id, info, c)| Ok((tsv_cell(id)?, tsv_cell(&info.kind)?, c.documents)))
        .collect::<std::io::Result<Vec<_>>>()?;
    // Rows are formatted in blocks, the blocks of a group in parallel, and written in order.
    let format = |block: &[PairRow]| -> Vec<u8> {
        let mut buf = Vec::with_capacity(block.len() * 80);
        let mut num = itoa::Buffer::new();
        for row in block {
            let (Some(a), Some(b)) = (cells.get(row.a as usize), cells.get(row.b as usize)) else {
                continue;
            };
            let npmi = crate::cooccur::npmi(documents, a.2, b.2, row.c.documents);
            for cell in [&a.0, &b.0, &a.1, &b.1] {
                buf.extend_from_slice(cell);
                buf.push(b'\t');
            }
            for n in [row.c.documents, row.c.sentences, row.c.window] {
                buf.extend_from_slice(num.format(n).as_bytes());
                buf.push(b'\t');
            }
            push_npmi(&mut buf, npmi);
            buf.push(b'\n');
        }
        buf
    };
    const BLOCK: usize = 4096;
    let group = rayon::current_num_threads().max(1) * 2;
    let next_group = |rows: &mut Streams| -> std::io::Result<Vec<Vec<PairRow>>> {
        let mut blocks = Vec::with_capacity(group);
        while blocks.len() < group {
            let block = rows.take(BLOCK)?;
            if block.is_empty() {
                break;
            }
            blocks.push(block);
        }
        Ok(blocks)
    };
    // Three stages at once: the blocks of one group are formatted (in parallel) while the
    // next group is merged and the text of the one before is written, each a task of its
    // own, so that no thread does both of the serial ones.
    let mut sorted = Streams::new(streams, Order::Table, 2 * BLOCK);
    let mut n = 0u64;
    let mut blocks = next_group(&mut sorted)?;
    let mut texts: Vec<Vec<u8>> = Vec::new();
    while !blocks.is_empty() {
        n += blocks.iter().map(|b| b.len() as u64).sum::<u64>();
        let (formatted, (next, written)) = rayon::join(
            || {
                use rayon::prelude::*;
                blocks
                    .par_iter()
                    .map(|b| format(b))
                    .collect::<Vec<Vec<u8>>>()
            },
            || {
                rayon::join(
                    || next_group(&mut sorted),
                    || texts.iter().try_for_each(|t| out.write_all(t)),
                )
            },
        );
        written?;
        texts = formatted;
        blocks = next?;
    }
    texts.iter().try_for_each(|t| out.write_all(t))?;
    out.flush()?;
    Ok(n)
}

/// One row of `cooccurrence.tsv` as read back (cells unescaped, npmi as written).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PairLine {
    /// Source id.
    pub(crate) source: String,
    /// Target id.
    pub(crate) target: String,
    /// Source type.
    pub(crate) source_type: String,
    /// Target type.
    pub(crate) target_type: String,
    /// Counts.
    pub(crate) counts: PairCounts,
    /// npmi.
    pub(crate) npmi: f64,
}

fn bad(what: &str, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{what}: {e}"))
}

impl PairLine {
    /// Parses one record of `cooccurrence.tsv`.
    pub(crate) fn parse(r: &csv::StringRecord) -> std::io::Result<Self> {
        let cell = |i: usize| r.get(i).ok_or_else(|| bad("short row", i));
        let num = |i: usize| -> std::io::Result<u64> {
            cell(i)?.parse().map_err(|e| bad(PAIR_COLUMNS[i], e))
        };
        Ok(PairLine {
            source: unescape_cell(cell(0)?).to_string(),
            target: unescape_cell(cell(1)?).to_string(),
            source_type: unescape_cell(cell(2)?).to_string(),
            target_type: unescape_cell(cell(3)?).to_string(),
            counts: PairCounts {
                documents: num(4)?,
                sentences: num(5)?,
                window: num(6)?,
            },
            npmi: cell(7)?.parse().map_err(|e| bad("npmi", e))?,
        })
    }
}

/// Checks that a header is `cooccurrence.tsv`'s.
pub(crate) fn check_pair_header(h: &csv::StringRecord) -> std::io::Result<()> {
    if h.iter().eq(PAIR_COLUMNS.iter().copied()) {
        Ok(())
    } else {
        Err(bad(
            "not a cooccurrence.tsv header",
            h.iter().collect::<Vec<_>>().join(" "),
        ))
    }
}

/// One row of `entities.tsv` as read back (cells unescaped).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EntityLine {
    /// Id.
    pub(crate) id: String,
    /// Type.
    pub(crate) kind: String,
    /// Canonical name.
    pub(crate) name: String,
    /// Mentions.
    pub(crate) mentions: u64,
    /// Documents.
    pub(crate) documents: u64,
    /// Attribute values, one per attribute column.
    pub(crate) attrs: Vec<String>,
}

impl EntityLine {
    /// Parses one record of `entities.tsv`.
    pub(crate) fn parse(r: &csv::StringRecord) -> std::io::Result<Self> {
        let cell = |i: usize| r.get(i).ok_or_else(|| bad("short row", i));
        let num = |i: usize| -> std::io::Result<u64> {
            cell(i)?.parse().map_err(|e| bad(ENTITY_COLUMNS[i], e))
        };
        Ok(EntityLine {
            id: unescape_cell(cell(0)?).to_string(),
            kind: unescape_cell(cell(1)?).to_string(),
            name: unescape_cell(cell(2)?).to_string(),
            mentions: num(3)?,
            documents: num(4)?,
            attrs: r
                .iter()
                .skip(ENTITY_COLUMNS.len())
                .map(|c| unescape_cell(c).to_string())
                .collect(),
        })
    }
}

/// The attribute columns of an `entities.tsv` header (after checking its first columns).
pub(crate) fn entity_attribute_columns(h: &csv::StringRecord) -> std::io::Result<Vec<String>> {
    if h.len() < ENTITY_COLUMNS.len()
        || !h
            .iter()
            .take(ENTITY_COLUMNS.len())
            .eq(ENTITY_COLUMNS.iter().copied())
    {
        return Err(bad(
            "not an entities.tsv header",
            h.iter().collect::<Vec<_>>().join(" "),
        ));
    }
    Ok(h.iter()
        .skip(ENTITY_COLUMNS.len())
        .map(|c| unescape_cell(c).to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_the_tsv_writers_with_or_without_the_writer() {
        for s in [
            "a",
            "",
            "x\ty",
            "q\"r",
            "=1+2",
            "'",
            "'=x",
            "line\nbreak",
            "cr\rx",
            "#hash",
            " space ",
            "ünï",
            "-5",
            "\tlead",
            "place:kaluga-1",
            "DATE",
        ] {
            let cell = safe_cell(s);
            assert_eq!(
                tsv_cell(s).unwrap(),
                tsv_cell_written(&cell).unwrap(),
                "cell {s:?}"
            );
        }
    }

    #[test]
    fn formula_cells_are_text() {
        for s in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe_cell(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(safe_cell("Kaluga"), "Kaluga");
    }

    #[test]
    fn escaped_cells_read_back_exactly() {
        for s in [
            "=1+1", "'=1", "'quoted", "''", "Kaluga", "", "-", "@x", "a=b",
        ] {
            assert_eq!(unescape_cell(&safe_cell(s)), s, "{s:?}");
        }
    }

    #[test]
    fn fast_npmi_is_formatted_as_the_slow_one() {
        let mut vals: Vec<f64> = vec![0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-7, -1e-7, 4.9999995e-7];
        // Halves at the sixth decimal and values around them, and a spread of others.
        for k in 0..2000 {
            let h = (k as f64 + 0.5) / 1e6;
            vals.extend([h, -h, h + 1e-13, h - 1e-13]);
            vals.push(((k * 7919) % 2001) as f64 / 1000.0 - 1.0 + 1e-9 * k as f64);
        }
        for v in vals {
            let mut b = Vec::new();
            push_npmi(&mut b, v);
            assert_eq!(String::from_utf8(b).unwrap(), format_npmi(v), "{v:e}");
        }
    }

    #[test]
    fn npmi_has_no_negative_zero() {
        assert_eq!(format_npmi(-0.0000001), "0.000000");
        assert_eq!(format_npmi(-0.5), "-0.500000");
    }
}
