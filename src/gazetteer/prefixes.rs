//! The prefix table: an open-addressing hash table from byte strings (the folded names and
//! their prefixes at word edges) to what they are: a whole name (its pattern number), the
//! beginning of a longer name, or both. Keys are not stored: each entry points into the
//! arena of folded names, whose bytes the lookup compares, so a hash collision never gives
//! a wrong answer. It knows nothing of folding or words (see `matcher`).

/// No pattern: the key only begins longer names.
const NONE: u32 = u32::MAX;
/// Bit of `Entry::len` set when the key begins a longer name.
const LONGER: u32 = 1 << 31;

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// A filter of the keys that extend this one to the next word edge: bit
    /// [`child_bit`] of each one's hash.
    next: u64,
    /// Where the key's bytes are in the arena.
    off: u32,
    /// Key length, with [`LONGER`].
    len: u32,
    /// The pattern the key is, or [`NONE`].
    pattern: u32,
    /// The high half of the key's hash (its slot and tag, kept for growing the table).
    high: u32,
}

/// What a key is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    /// The pattern of the name equal to the key.
    pub(crate) pattern: Option<usize>,
    /// Some longer name begins with the key.
    pub(crate) longer: bool,
    /// The filter of the keys that extend it to the next word edge: a key of hash `h` is
    /// surely not one of them when `next & child_bit(h)` is 0.
    pub(crate) next: u64,
}

/// The bit of a key's hash in its parent's [`Found::next`] filter.
#[inline]
pub(crate) fn child_bit(h: u64) -> u64 {
    1 << ((h >> 8) & 63)
}

/// Shards of the name table: a key lives in shard [`shard_of`] of its hash, so the shards
/// can be built in parallel and each is small enough to stay in cache while it is built.
pub(crate) const SHARDS: usize = 8;

/// The shard of a key's hash (bits apart from those that pick its slot, tag and
/// [`child_bit`]).
#[inline]
pub(crate) fn shard_of(h: u64) -> usize {
    ((h >> 24) as usize) & (SHARDS - 1)
}

/// The table; keys live in an arena the caller owns and passes to every call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Prefixes {
    /// 0: empty; else the high half of the key's hash (high half) and entry index + 1 (low
    /// half). A key's first slot is given by the top bits of its hash; linear probing; at
    /// most half full.
    slots: Vec<u64>,
    /// 32 - log2(number of slots).
    shift: u32,
    entries: Vec<Entry>,
}

/// `a == b` for keys of the same length, short ones without a call to `memcmp`.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let word = |x: &[u8]| <[u8; 8]>::try_from(x).map(u64::from_ne_bytes).unwrap_or(0);
    a8.by_ref()
        .zip(b8.by_ref())
        .all(|(x, y)| word(x) == word(y))
        && a8
            .remainder()
            .iter()
            .zip(b8.remainder())
            .all(|(x, y)| x == y)
}

/// The high half of a hash: a key's slot (its top bits) and tag.
#[inline]
fn high(h: u64) -> u32 {
    (h >> 32) as u32
}

impl Prefixes {
    /// A table that holds `keys` keys before it grows.
    pub(crate) fn with_capacity(keys: usize) -> Self {
        let want = keys.saturating_mul(2).clamp(4, 1 << 32).next_power_of_two();
        Prefixes {
            slots: vec![0; want],
            shift: 32 - want.trailing_zeros(),
            entries: Vec::with_capacity(keys),
        }
    }

    /// The first slot to try for a key whose hash has this high half.
    #[inline]
    fn home(&self, high: u32) -> usize {
        high.checked_shr(self.shift).unwrap_or(0) as usize
    }

    /// Doubles the slots and puts every key in again.
    fn grow(&mut self) {
        let n = self.slots.len().saturating_mul(2);
        self.slots = vec![0; n];
        self.shift = self.shift.saturating_sub(1);
        let mask = n - 1;
        for (k, e) in self.entries.iter().enumerate() {
            let mut i = self.home(e.high);
            while let Some(s) = self.slots.get_mut(i & mask) {
                if *s == 0 {
                    *s = u64::from(e.high) << 32 | (k as u64 + 1);
                    break;
                }
                i += 1;
            }
        }
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    fn slot_of(&self, arena: &[u8], key: &[u8], h: u64) -> Result<usize, usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let t = u64::from(high(h));
        let mut i = self.home(high(h));
        for _ in 0..self.slots.len() {
            i &= mask;
            let s = self.slots.get(i).copied().unwrap_or(0);
            if s == 0 {
                return Err(i);
            }
            if s >> 32 == t {
                let e = self.entries.get((s as u32 as usize).wrapping_sub(1));
                if let Some(e) = e {
                    let off = e.off as usize;
                    let len = (e.len & !LONGER) as usize;
                    if arena.get(off..off + len).is_some_and(|k| same(k, key)) {
                        return Ok(i);
                    }
                }
            }
            i += 1;
        }
        Err(usize::MAX)
    }

    /// What the key (with hash `h`) is, if it is in the table.
    #[inline]
    pub(crate) fn find(&self, arena: &[u8], key: &[u8], h: u64) -> Option<Found> {
        let i = self.slot_of(arena, key, h).ok()?;
        let s = self.slots.get(i)?;
        let e = self.entries.get((*s as u32 as usize).wrapping_sub(1))?;
        Some(Found {
            pattern: (e.pattern != NONE).then_some(e.pattern as usize),
            longer: e.len & LONGER != 0,
            next: e.next,
        })
    }

    /// Adds the key `arena[off..off + len]` (hash `h`) if new: as the beginning of a longer
    /// name when `longer`, else as a whole name that gets `pattern` unless it already has
    /// one. Returns the key's entry and its pattern (None for a mere beginning), or None when
    /// the key cannot be held (an offset or length past `u32`, or more than 2^31 keys).
    pub(crate) fn insert(
        &mut self,
        arena: &[u8],
        (off, len): (usize, usize),
        h: u64,
        longer: bool,
        pattern: u32,
    ) -> Option<(usize, u32)> {
        let key = arena.get(off..off + len)?;
        match self.slot_of(arena, key, h) {
            Ok(i) => {
                let at = (*self.slots.get(i)? as u32 as usize).wrapping_sub(1);
                let e = self.entries.get_mut(at)?;
                if longer {
                    e.len |= LONGER;
                } else if e.pattern == NONE {
                    e.pattern = pattern;
                }
                Some((at, e.pattern))
            }
            Err(mut i) => {
                let entry = Entry {
                    next: 0,
                    off: u32::try_from(off).ok()?,
                    len: u32::try_from(len).ok().filter(|&l| l < LONGER)?
                        | if longer { LONGER } else { 0 },
                    pattern: if longer { NONE } else { pattern },
                    high: high(h),
                };
                // Keep the table at most half full.
                if self.entries.len() + 1 > self.slots.len() / 2 {
                    if self.slots.len() >= 1 << 32 {
                        return None;
                    }
                    self.grow();
                    i = self.slot_of(arena, key, h).err()?;
                }
                let at = self.entries.len();
                let slot = self.slots.get_mut(i)?;
                *slot = u64::from(entry.high) << 32 | (at as u64 + 1);
                self.entries.push(entry);
                Some((at, entry.pattern))
            }
        }
    }

    /// Replaces every pattern `p` with `to(p)`.
    pub(crate) fn map_patterns(&mut self, to: impl Fn(u32) -> u32) {
        for e in &mut self.entries {
            if e.pattern != NONE {
                e.pattern = to(e.pattern);
            }
        }
    }

    /// Records that the key of hash `h` extends the key of entry `parent` to the next word
    /// edge.
    pub(crate) fn add_child(&mut self, parent: usize, h: u64) {
        if let Some(e) = self.entries.get_mut(parent) {
            e.next |= child_bit(h);
        }
    }
}

impl Prefixes {
    /// Writes the table for a compiled gazetteer.
    pub(super) fn encode(&self, e: &mut super::compiled::Enc) {
        e.u32(self.shift);
        e.u64s(&self.slots);
        e.len(self.entries.len());
        for x in &self.entries {
            e.u64(x.next);
            e.u32(x.off);
            e.u32(x.len);
            e.u32(x.pattern);
            e.u32(x.high);
        }
    }

    /// Reads a table written by [`Prefixes::encode`]; None when it cannot be one (a slot
    /// past the entries, a size that is not a power of two).
    pub(super) fn decode(d: &mut super::compiled::Dec<'_>) -> Option<Self> {
        let shift = d.u32()?;
        let slots = d.u64s()?;
        let n = d.len()?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            entries.push(Entry {
                next: d.u64()?,
                off: d.u32()?,
                len: d.u32()?,
                pattern: d.u32()?,
                high: d.u32()?,
            });
        }
        let sized = slots.len().is_power_of_two()
            && Some(slots.len().trailing_zeros()) == 32u32.checked_sub(shift);
        let inside = slots
            .iter()
            .all(|&s| s == 0 || (s as u32 as usize).wrapping_sub(1) < entries.len());
        (sized && inside).then_some(Prefixes {
            slots,
            shift,
            entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::key_hash as hash;

    #[test]
    fn finds_what_was_inserted() {
        let arena = b"new york citynew yorkthe hague".to_vec();
        // Room for two keys: it grows on the third.
        let mut t = Prefixes::with_capacity(2);
        let key = |o: usize, l: usize| (o, l, hash(&arena[o..o + l]));
        for (o, l, longer) in [(0, 3, true), (0, 4, true), (0, 8, true), (0, 13, false)] {
            let (o, l, h) = key(o, l);
            assert!(t.insert(&arena, (o, l), h, longer, 0).is_some());
        }
        let (o, l, h) = key(13, 8);
        assert_eq!(t.insert(&arena, (o, l), h, false, 1), Some((2, 1)));
        t.add_child(1, hash(b"new york"));
        let found = |k: &[u8]| t.find(&arena, k, hash(k)).map(|f| (f.pattern, f.longer));
        assert_eq!(found(b"new york"), Some((Some(1), true)));
        assert_eq!(found(b"new york city"), Some((Some(0), false)));
        assert_eq!(found(b"new"), Some((None, true)));
        let next = t.find(&arena, b"new ", hash(b"new ")).map_or(0, |f| f.next);
        assert_ne!(next & child_bit(hash(b"new york")), 0);
        assert_eq!(found(b"new yor"), None);
        assert_eq!(t.slots.len(), 8);
        assert_eq!(found(b"the hague"), None);
        assert_eq!(t.len(), 4);
    }
}
