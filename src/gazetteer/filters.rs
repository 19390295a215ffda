//! The matcher's bit filters over key hashes: each says "surely not" for most keys that are
//! not in the name table, at the cost of one bit per key and one memory read per question,
//! so a walk along a text touches the table itself only for likely keys.

/// Bits of the filter of first words (256 KiB: about one bit in 20 set for 100,000 words).
pub(super) const FIRST_WORD_BITS: usize = 1 << 21;
/// Bits of the filter of the keys after each name's first.
pub(super) const LATER_KEY_BITS: usize = 1 << 20;
/// Bits of the filter of names of one key.
pub(super) const LONE_KEY_BITS: usize = 1 << 20;

/// The filter bit of a name of one key (bits apart from [`first_word_bit`]'s, so that a
/// word let through by chance by one filter is not let through by the other for the same
/// reason).
#[inline]
pub(super) fn lone_key_bit(hash: u64) -> usize {
    (hash >> 20) as usize & (LONE_KEY_BITS - 1)
}

/// The filter bit of a key after the first, from its `key_hash` (bits apart from
/// `child_bit`'s, which the parent filter has already tested).
#[inline]
pub(super) fn later_key_bit(hash: u64) -> usize {
    (hash >> 14) as usize & (LATER_KEY_BITS - 1)
}

/// Sets bit `i`.
pub(super) fn set_bit(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// Is bit `i` set?
#[inline]
pub(super) fn has_bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// The filter bit of a word, from its `key_hash`.
#[inline]
pub(super) fn first_word_bit(hash: u64) -> usize {
    (hash >> (64 - 21)) as usize
}
