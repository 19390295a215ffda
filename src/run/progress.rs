//! What a run reports as it goes: the binary draws a bar, a library caller may ignore it.

/// Progress reporting, implemented by the binary (a bar) or nothing.
pub trait Progress: Sync {
    /// Total input bytes, when known.
    fn total(&self, _bytes: u64) {}
    /// `bytes` of input and `docs` documents done.
    fn advance(&self, _bytes: u64, _docs: u64) {}
    /// The run ended.
    fn finish(&self) {}
}

/// No progress reporting.
pub struct NoProgress;
impl Progress for NoProgress {}

/// The time left, from the rate since the run started reading (`elapsed`), once there is
/// something to go on: none before a second has passed and 1% of the `total` bytes is
/// `done` (the first blocks are no guide, so a 2-second run never shows 2 minutes).
pub fn eta(elapsed: std::time::Duration, done: u64, total: u64) -> Option<std::time::Duration> {
    if elapsed < std::time::Duration::from_secs(1) || done == 0 || done.saturating_mul(100) < total
    {
        return None;
    }
    let left = total.saturating_sub(done);
    Some(elapsed.mul_f64(left as f64 / done as f64))
}
