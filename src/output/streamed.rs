//! A file written once, front to back, and not read again by this run. As it grows, each
//! full step is sent to the disk and the step before it is dropped from the page cache.
//! Output files are synced when they are committed anyway; streaming the writeback keeps
//! the cached part of a file to two steps, so a run that writes gigabytes does not evict the
//! user's page cache, and does not need fresh memory for every page it writes (on virtual
//! machines that hand freed memory back to the host, a fresh page costs far more than the
//! copy into it: writing 1 GB took 7–9 s that way and 1.7 s streamed).
//!
//! A file created with [`Streamed::create`] skips the page cache altogether where the file
//! system allows direct I/O: its bytes go to the disk from an aligned 1 MiB block buffer, and
//! the writing thread waits for the disk instead of copying into the cache and submitting
//! its writeback. For the records, written by a thread of their own beside the workers, that
//! halves the writer's CPU time (15.7 -> 8.5 ms of the 67 MB bench at `-j 2`), time that
//! the workers get back.

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
    /// Set when the file was opened for direct I/O.
    direct: Option<Direct>,
}

/// Direct I/O: bytes go from an aligned block buffer straight to the disk, without passing
/// through the page cache (no copy into it, no writeback work in this process, nothing to
/// drop behind): the thread waits for the disk instead of working for it.
#[derive(Debug)]
struct Direct {
    /// The block buffer: [`BLOCK`] bytes from `at`, aligned to [`ALIGN`].
    buf: Vec<u8>,
    at: usize,
    /// Bytes in the block buffer.
    len: usize,
    /// Where the block buffer goes in the file (a multiple of [`BLOCK`]).
    offset: u64,
}

/// Bytes of a direct write, and the alignment of its memory, offset and length.
const BLOCK: usize = 1 << 20;
const ALIGN: usize = 4096;

impl Streamed {
    /// Writes to `file` from byte `at` on (its length: everything before is left as it is).
    pub fn new(file: File, at: u64) -> Self {
        Streamed {
            file,
            written: at,
            sent: at,
            dropped: at,
            direct: None,
        }
    }

    /// Creates (or truncates) the file at `path` for direct I/O where the file system allows
    /// it, else as [`Streamed::new`] would write it.
    pub fn create(path: &std::path::Path) -> io::Result<Self> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt;
            let direct = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .custom_flags(libc::O_DIRECT)
                .open(path);
            if let Ok(file) = direct {
                let buf = vec![0u8; BLOCK + ALIGN];
                let at = buf.as_ptr().align_offset(ALIGN).min(ALIGN);
                return Ok(Streamed {
                    direct: Some(Direct {
                        buf,
                        at,
                        len: 0,
                        offset: 0,
                    }),
                    ..Streamed::new(file, 0)
                });
            }
        }
        Ok(Streamed::new(File::create(path)?, 0))
    }

    /// Whether bytes go to the disk by direct I/O.
    pub fn is_direct(&self) -> bool {
        self.direct.is_some()
    }

    /// The file.
    pub fn get_ref(&self) -> &File {
        &self.file
    }

    /// The file, to sync and close, with every byte written to it.
    pub fn into_file(mut self) -> io::Result<File> {
        self.flush()?;
        Ok(self.file)
    }

    /// Writes the block buffer at its offset: whole when full (and moves on to the next
    /// block), else padded to [`ALIGN`] with the file cut back to its length after it (the
    /// block is written again once it holds more). A file system that refuses a direct
    /// write gets the rest of the file through its cache.
    #[cfg(target_os = "linux")]
    fn write_block(&mut self) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        let Some(d) = self.direct.as_mut() else {
            return Ok(());
        };
        if d.len == 0 {
            return Ok(());
        }
        let full = d.len == BLOCK;
        let padded = d.len.div_ceil(ALIGN) * ALIGN;
        let block = d.buf.get(d.at..d.at + padded).unwrap_or_default();
        match self.file.write_all_at(block, d.offset) {
            Ok(()) => {
                if full {
                    d.offset += BLOCK as u64;
                    d.len = 0;
                } else {
                    self.file.set_len(d.offset + d.len as u64)?;
                }
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
                // Leave direct I/O: clear the flag, write the block through the cache.
                use std::os::fd::AsRawFd;
                let fd = self.file.as_raw_fd();
                // SAFETY: plain system calls on a file descriptor this value owns.
                unsafe {
                    let flags = libc::fcntl(fd, libc::F_GETFL);
                    libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_DIRECT);
                }
                let rest = d.buf.get(d.at..d.at + d.len).unwrap_or_default();
                self.file.write_all_at(rest, d.offset)?;
                let end = d.offset + d.len as u64;
                self.file.set_len(end)?;
                std::io::Seek::seek(&mut self.file, io::SeekFrom::Start(end))?;
                self.direct = None;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn write_block(&mut self) -> io::Result<()> {
        Ok(())
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
        if let Some(d) = self.direct.as_mut() {
            let room = BLOCK - d.len;
            let n = room.min(b.len());
            let (dst, src) = (d.buf.get_mut(d.at + d.len..d.at + d.len + n), b.get(..n));
            if let (Some(dst), Some(src)) = (dst, src) {
                dst.copy_from_slice(src);
                d.len += n;
            }
            if d.len == BLOCK {
                self.write_block()?;
            }
            self.written += n as u64;
            return Ok(n);
        }
        let n = self.file.write(b)?;
        self.written += n as u64;
        if self.written - self.sent >= STEP {
            self.advance();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_block()?;
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_writes_land_whole_and_a_flush_leaves_the_file_exactly_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut w = Streamed::create(&path).unwrap();
        let direct = w.is_direct();
        let mut want: Vec<u8> = Vec::new();
        // Pieces of odd sizes, across block edges, with flushes (as checkpoints make) between.
        let mut k = 0u32;
        for size in [
            7usize,
            100_000,
            3 << 20,
            1,
            4096,
            1 << 20,
            555_555,
            0,
            12_345,
        ] {
            let piece: Vec<u8> = (0..size)
                .map(|i| (i as u32).wrapping_mul(2_654_435_761).wrapping_add(k) as u8)
                .collect();
            k += 1;
            w.write_all(&piece).unwrap();
            want.extend_from_slice(&piece);
            if k % 3 == 0 {
                w.flush().unwrap();
                assert!(
                    std::fs::read(&path).unwrap() == want,
                    "after a flush the file holds exactly the bytes written (piece {k})"
                );
            }
        }
        assert_eq!(w.is_direct(), direct, "no fallback where direct I/O works");
        w.into_file().unwrap().sync_all().unwrap();
        let got = std::fs::read(&path).unwrap();
        assert_eq!(got.len(), want.len());
        assert!(got == want);
    }

    #[test]
    fn a_refused_direct_write_goes_on_through_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut w = Streamed::create(&path).unwrap();
        let Some(d) = w.direct.as_mut() else {
            eprintln!("skipped: this file system takes no direct I/O");
            return;
        };
        // A block buffer off its alignment: the kernel refuses the direct write (EINVAL).
        d.at = (d.at + 1) % ALIGN;
        let want: Vec<u8> = (0..(BLOCK * 2 + 999)).map(|i| (i % 251) as u8).collect();
        w.write_all(&want[..10]).unwrap();
        w.flush().unwrap();
        assert!(!w.is_direct(), "direct I/O was left");
        w.write_all(&want[10..]).unwrap();
        w.into_file().unwrap().sync_all().unwrap();
        assert!(std::fs::read(&path).unwrap() == want);
    }

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
        w.into_file().unwrap().sync_all().unwrap();
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
