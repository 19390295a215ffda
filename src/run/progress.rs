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

/// The time left, from the rate since the run started reading (`elapsed`), once there is
/// something to go on: none before a second has passed and 1% of the `total` bytes is
/// `done` (the first blocks are no guide, so a 2-second run never shows 2 minutes).
pub(crate) fn eta(
    elapsed: std::time::Duration,
    done: u64,
    total: u64,
) -> Option<std::time::Duration> {
    if elapsed < std::time::Duration::from_secs(1) || done == 0 || done.saturating_mul(100) < total
    {
        return None;
    }
    let left = total.saturating_sub(done);
    Some(elapsed.mul_f64(left as f64 / done as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_progress_eta_waits_for_enough_to_go_on() {
        use std::time::Duration;
        let ms = Duration::from_millis;
        // The first blocks of a 2-second run: no estimate yet (it would say minutes).
        assert_eq!(eta(ms(40), 1 << 10, 100 << 20), None);
        assert_eq!(eta(ms(900), 40 << 20, 100 << 20), None);
        // Once a second has passed, the rate so far.
        assert_eq!(eta(ms(1000), 50 << 20, 100 << 20), Some(ms(1000)));
    }
}
