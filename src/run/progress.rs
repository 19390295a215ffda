//! What a run reports as it goes: the binary draws a bar, a library caller may ignore it.

/// Progress reporting, implemented by the binary (a bar) or nothing.
pub(crate) trait Progress: Sync {
    /// Total input bytes, when known.
    fn total(&self, _bytes: u64) {}
    /// `bytes` of input and `docs` documents done.
    fn advance(&self, _bytes: u64, _docs: u64) {}
    /// The run ended.
    fn finish(&self) {}
}
