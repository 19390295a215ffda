//! The hash of a name-table key (a folded name, or its beginning up to a word edge), shared by
//! the table's build, its first-word filter and the walk along a text, which must agree on
//! every key. Bytes are taken eight at a time from the key's first byte, so a walk that
//! extends a key only hashes each block once, and a word of up to eight bytes costs one
//! multiply; the finishing multiply spreads every input bit over the whole hash, whose bits
//! pick the table shard, slot, tag and filter bits.

/// Starting state: the hash of a key is `finish(absorb(..absorb(SEED, block)..), tail, len)`.
const SEED: u64 = 0x243f_6a88_85a3_08d3;
const K_BLOCK: u64 = 0x9e37_79b9_7f4a_7c15;
const K_FINISH: u64 = 0xff51_afd7_ed55_8ccd;

/// The 128-bit product of `a` and `b`, its halves xor-ed: every bit depends on every bit of
/// `a` (for an odd `b`).
#[inline]
fn folded_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

#[inline]
fn absorb(h: u64, block: u64) -> u64 {
    folded_mul(h ^ block, K_BLOCK)
}

/// `tail` holds the key's last `len % 8` bytes (little-endian, the rest zero), so it never
/// reaches the top byte, where the length goes.
#[inline]
fn finish(h: u64, tail: u64, len: usize) -> u64 {
    folded_mul(h ^ tail ^ ((len as u64) << 56), K_FINISH)
}

/// `bytes[at..at + n]` (n <= 8) as a little-endian integer, the missing high bytes zero.
#[inline]
pub(crate) fn load(bytes: &[u8], at: usize, n: usize) -> u64 {
    if let Some(b) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(b).unwrap_or([0; 8]));
        return if n >= 8 {
            x
        } else {
            x & ((1u64 << (8 * n)) - 1)
        };
    }
    let mut buf = [0u8; 8];
    let part = bytes.get(at..).unwrap_or(&[]);
    let n = n.min(part.len()).min(8);
    buf[..n].copy_from_slice(&part[..n]);
    u64::from_le_bytes(buf)
}

/// The hash of a key's bytes.
#[inline]
pub(crate) fn key_hash(key: &[u8]) -> u64 {
    KeyHasher::new(0).hash_to(key, key.len())
}

/// Hashes the keys `hay[from..p]` for growing `p`: what is behind `p` is absorbed once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyHasher {
    from: usize,
    /// Bytes after `from` already absorbed (a multiple of 8).
    done: usize,
    h: u64,
}

impl KeyHasher {
    /// A hasher of keys that begin at byte `from`.
    #[inline]
    pub(crate) fn new(from: usize) -> Self {
        KeyHasher {
            from,
            done: 0,
            h: SEED,
        }
    }

    /// [`key_hash`] of `hay[from..p]`; `p` must not be less than in an earlier call.
    #[inline]
    pub(crate) fn hash_to(&mut self, hay: &[u8], p: usize) -> u64 {
        let len = p.saturating_sub(self.from);
        while self.done + 8 <= len {
            self.h = absorb(self.h, load(hay, self.from + self.done, 8));
            self.done += 8;
        }
        let rest = len - self.done.min(len);
        finish(self.h, load(hay, self.from + self.done, rest), len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_walk_hashes_each_prefix_as_a_whole(s in proptest::collection::vec(any::<u8>(), 0..40), from in 0usize..8) {
            let from = from.min(s.len());
            let mut k = KeyHasher::new(from);
            for p in from..=s.len() {
                prop_assert_eq!(k.hash_to(&s, p), key_hash(&s[from..p]));
            }
        }
    }

    #[test]
    fn keys_that_differ_hash_apart() {
        // Trailing zero bytes, a block edge, and one byte apart anywhere.
        let keys: [&[u8]; 8] = [
            b"",
            b"\0",
            b"\0\0",
            b"abcdefgh",
            b"abcdefgh\0",
            b"abcdefg",
            b"new york",
            b"new yorl",
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(key_hash(a), key_hash(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn every_filter_bit_is_used() {
        // The filter and table use the top bits and bits 8..14: three-letter words reach
        // every value of the top 10 bits and of the child bit.
        let (mut top, mut mid) = (std::collections::HashSet::new(), 0u64);
        for a in b'a'..=b'z' {
            for b in b'a'..=b'z' {
                for c in b'a'..=b'z' {
                    let h = key_hash(&[a, b, c]);
                    top.insert(h >> 54);
                    mid |= 1 << ((h >> 8) & 63);
                }
            }
        }
        assert_eq!(top.len(), 1 << 10);
        assert_eq!(mid, u64::MAX);
    }
}
