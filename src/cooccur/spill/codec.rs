//! The bytes of a run file: blocks of up to [`BLOCK_ROWS`] rows, each a header (rows and
//! payload length, u32 little-endian) and a payload of rows coded against the row before
//! (zigzag deltas and LEB128 varints). Runs are sorted, so neighbouring rows share most of
//! their key and the counts are small: a row takes about 5 bytes instead of 32 fixed, and a
//! spilling run writes and reads back a sixth of the bytes. Every block starts afresh, so a
//! reader can start at any block.

use super::PairRow;
use crate::cooccur::PairCounts;

/// Rows of a full block.
pub(super) const BLOCK_ROWS: usize = 1024;

/// Bytes of a block header.
pub(super) const HEADER_BYTES: usize = 8;

/// The most bytes one coded row can take (two u32 and three u64 varints).
const MAX_ROW_BYTES: usize = 5 + 5 + 10 + 10 + 10;

/// The most bytes a block's payload can take.
pub(super) const MAX_PAYLOAD: usize = BLOCK_ROWS * MAX_ROW_BYTES;

/// The row a block's first row is coded against.
const ZERO: PairRow = PairRow::ZERO;

#[inline]
fn put(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

#[inline]
fn get(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..70).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f).checked_shl(shift)?;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

#[inline]
fn zigzag32(d: u32) -> u64 {
    let d = d as i32;
    u64::from(((d << 1) ^ (d >> 31)) as u32)
}

#[inline]
fn unzigzag32(z: u64) -> u32 {
    let z = z as u32;
    (z >> 1) ^ (z & 1).wrapping_neg()
}

#[inline]
fn zigzag64(d: u64) -> u64 {
    let d = d as i64;
    ((d << 1) ^ (d >> 63)) as u64
}

#[inline]
fn unzigzag64(z: u64) -> u64 {
    (z >> 1) ^ (z & 1).wrapping_neg()
}

/// Where `b` is coded from: the previous `b` while `a` stays, else `a` itself (b > a).
#[inline]
fn base_b(a: u32, prev: &PairRow) -> u32 {
    if a == prev.a {
        prev.b
    } else {
        a
    }
}

/// Codes the rows of one block.
pub(super) struct Encoder {
    prev: PairRow,
    rows: usize,
    payload: Vec<u8>,
}

impl Encoder {
    pub(super) fn new() -> Self {
        Encoder {
            prev: ZERO,
            rows: 0,
            payload: Vec::with_capacity(16 * BLOCK_ROWS),
        }
    }

    /// Adds a row; true when the block is full.
    #[inline]
    pub(super) fn push(&mut self, r: &PairRow) -> bool {
        let p = &self.prev;
        let buf = &mut self.payload;
        put(buf, zigzag32(r.a.wrapping_sub(p.a)));
        put(buf, zigzag32(r.b.wrapping_sub(base_b(r.a, p))));
        put(buf, zigzag64(r.c.documents.wrapping_sub(p.c.documents)));
        put(buf, r.c.sentences);
        put(buf, r.c.window);
        self.prev = *r;
        self.rows += 1;
        self.rows >= BLOCK_ROWS
    }

    /// Rows in the block so far.
    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    /// The block as written (header and payload), and a fresh start for the next one.
    pub(super) fn finish(&mut self, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(&(self.rows as u32).to_le_bytes());
        out.extend_from_slice(&(self.payload.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.payload);
        self.payload.clear();
        self.rows = 0;
        self.prev = ZERO;
    }
}

/// A block header: (rows, payload bytes), or None when it cannot be one this code wrote.
pub(super) fn header(b: [u8; HEADER_BYTES]) -> Option<(usize, usize)> {
    let [r0, r1, r2, r3, l0, l1, l2, l3] = b;
    let rows = u32::from_le_bytes([r0, r1, r2, r3]) as usize;
    let len = u32::from_le_bytes([l0, l1, l2, l3]) as usize;
    (rows > 0 && rows <= BLOCK_ROWS && len <= MAX_PAYLOAD).then_some((rows, len))
}

/// Decodes the rows of one block's payload, in turn.
pub(super) struct Decoder {
    prev: PairRow,
}

impl Decoder {
    /// A decoder at the start of a block.
    pub(super) fn new() -> Self {
        Decoder { prev: ZERO }
    }

    /// The row at `at` in `payload` (and moves `at` past it), or None when the bytes end or
    /// are not a row.
    #[inline]
    pub(super) fn next(&mut self, payload: &[u8], at: &mut usize) -> Option<PairRow> {
        let p = &self.prev;
        let a = p.a.wrapping_add(unzigzag32(get(payload, at)?));
        let b = base_b(a, p).wrapping_add(unzigzag32(get(payload, at)?));
        let documents = p.c.documents.wrapping_add(unzigzag64(get(payload, at)?));
        let sentences = get(payload, at)?;
        let window = get(payload, at)?;
        let r = PairRow {
            a,
            b,
            c: PairCounts {
                documents,
                sentences,
                window,
            },
        };
        self.prev = r;
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_in_any_order_and_at_the_extremes() {
        let mut rows = crate::cooccur::spill::tests::rows(500);
        rows.push(PairRow {
            a: u32::MAX - 1,
            b: u32::MAX,
            c: PairCounts {
                documents: u64::MAX,
                sentences: u64::MAX,
                window: 0,
            },
        });
        rows.push(ZERO);
        let mut enc = Encoder::new();
        let mut blocks = Vec::new();
        let mut bytes = Vec::new();
        for r in &rows {
            if enc.push(r) {
                enc.finish(&mut bytes);
                blocks.push(bytes.clone());
            }
        }
        enc.finish(&mut bytes);
        blocks.push(bytes);
        assert_eq!(blocks.len(), rows.len().div_ceil(BLOCK_ROWS));
        let mut back = Vec::new();
        for block in &blocks {
            let head: [u8; HEADER_BYTES] = block[..HEADER_BYTES].try_into().unwrap();
            let (n, len) = header(head).unwrap();
            let payload = &block[HEADER_BYTES..];
            assert_eq!(payload.len(), len);
            let (mut dec, mut at) = (Decoder::new(), 0);
            for _ in 0..n {
                back.push(dec.next(payload, &mut at).unwrap());
            }
            assert_eq!(at, len, "a block decodes to its last byte");
        }
        assert_eq!(back, rows);
        // Sorted rows take a few bytes each.
        let mut sorted = crate::cooccur::spill::tests::rows(500);
        crate::cooccur::spill::Order::Keys.sort(&mut sorted);
        let mut enc = Encoder::new();
        sorted.iter().take(BLOCK_ROWS).for_each(|r| {
            enc.push(r);
        });
        assert!(enc.payload.len() < 8 * BLOCK_ROWS, "{}", enc.payload.len());
    }

    #[test]
    fn cut_bytes_are_not_rows() {
        let r = PairRow {
            a: 7,
            b: 300,
            c: PairCounts {
                documents: 2,
                sentences: 1000,
                window: 3,
            },
        };
        let mut enc = Encoder::new();
        enc.push(&r);
        let mut bytes = Vec::new();
        enc.finish(&mut bytes);
        let payload = &bytes[HEADER_BYTES..];
        for cut in 0..payload.len() {
            assert_eq!(Decoder::new().next(&payload[..cut], &mut 0), None, "{cut}");
        }
        assert_eq!(header([0; HEADER_BYTES]), None, "a block has rows");
        assert_eq!(
            header([1, 0, 0, 0, 255, 255, 255, 255]),
            None,
            "and a bounded payload"
        );
    }
}
