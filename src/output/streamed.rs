//! A file written once, front to back, and not read again by this run. As it grows, each
//! full step is sent to the disk and the step before it is dropped from the page cache.
//! Output files are synced when they are committed anyway; streaming the writeback keeps
//! the cached part of a file to two steps, so a run that writes gigabytes does not evict the
//! user's page cache, and does not need fresh memory for every page it writes (on virtual
//! machines that hand freed memory back to the host, a fresh page costs far more than the
//! copy into it: writing 1 GB took 7–9 s that way and 1.7 s streamed).

use std::fs::File;
use std::io::{self, Write};

/// Bytes sent to the disk at once.
const STEP: u64 = 8 << 20;

/// A file whose written bytes are sent to the disk and dropped from the cache behind it.
#[derive(Debug)]
pub struct Streamed {
    file: File,
    /// Bytes of the file so far.
    written: u64,
    /// Bytes sent to the disk (writeback started).
    sent: u64,
    /// Bytes on the disk and dropped from the cache.
    dropped: u64,
}

impl Streamed {
    /// Writes to `file` from byte `at` on (its length: everything before is left as it is).
    pub fn new(file: File, at: u64) -> Self {
        Streamed {
            file,
            written: at,
            sent: at,
            dropped: at,
        }
    }

    /// The file.
    pub fn get_ref(&self) -> &File {
        &self.file
    }

    /// The file, to sync and close.
    pub fn into_file(self) -> File {
        self.file
    }

    /// Waits for the step sent last to reach the disk and drops it from the cache, then
    /// sends what was written since. Both are hints: a failed write-back shows when the file
    /// is synced.
    #[cfg(target_os = "linux")]
    fn advance(&mut self) {
        use std::os::fd::AsRawFd;
        let fd = self.file.as_raw_fd();
        let span = |from: u64, to: u64| {
            (
                libc::off64_t::try_from(from).unwrap_or(libc::off64_t::MAX),
                libc::off64_t::try_from(to - from).unwrap_or(0),
            )
        };
        if self.sent > self.dropped {
            let (off, len) = span(self.dropped, self.sent);
            // SAFETY: plain system calls on a file descriptor this value owns.
            unsafe {
                libc::sync_file_range(
                    fd,
                    off,
                    len,
                    libc::SYNC_FILE_RANGE_WAIT_BEFORE
                        | libc::SYNC_FILE_RANGE_WRITE
                        | libc::SYNC_FILE_RANGE_WAIT_AFTER,
                );
                libc::posix_fadvise(fd, off, len, libc::POSIX_FADV_DONTNEED);
            }
            self.dropped = self.sent;
        }
        let (off, len) = span(self.sent, self.written);
        // SAFETY: as above.
        unsafe {
            libc::sync_file_range(fd, off, len, libc::SYNC_FILE_RANGE_WRITE);
        }
        self.sent = self.written;
    }

    #[cfg(not(target_os = "linux"))]
    fn advance(&mut self) {
        self.sent = self.written;
    }
}

impl Write for Streamed {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = self.file.write(b)?;
        self.written += n as u64;
        if self.written - self.sent >= STEP {
            self.advance();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_lands_in_order_across_steps_and_after_a_resume() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let block: Vec<u8> = (0..=255u8).cycle().take(3 << 20).collect();
        let mut w = Streamed::new(File::create(&path).unwrap(), 0);
        let mut want = Vec::new();
        while want.len() < (STEP as usize) * 3 {
            w.write_all(&block).unwrap();
            want.extend_from_slice(&block);
        }
        if cfg!(target_os = "linux") {
            assert!(
                w.dropped > 0 && w.sent > w.dropped,
                "steps were sent and dropped"
            );
        }
        w.into_file().sync_all().unwrap();
        assert!(std::fs::read(&path).unwrap() == want);
        // Appending after a resume leaves the bytes before alone.
        let f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        let mut w = Streamed::new(f, want.len() as u64);
        w.write_all(b"tail").unwrap();
        w.flush().unwrap();
        want.extend_from_slice(b"tail");
        assert!(std::fs::read(&path).unwrap() == want);
    }
}
