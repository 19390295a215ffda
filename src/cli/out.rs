//! Standard output and standard error of the subcommands. Every write to standard output is
//! checked: a closed pipe (`| head`) ends the command quietly with status 0 (see
//! `cli::report`), any other failure (`> /dev/full`) is an error naming standard output
//! (status 1). No `println!`, which panics on both. Messages on standard error are best
//! effort: a failure there has nowhere to be reported.

use std::io::Write;

/// Writes `bytes` to standard output and flushes it.
pub(crate) fn stdout(bytes: &[u8]) -> Result<(), crate::Error> {
    let mut o = std::io::stdout().lock();
    o.write_all(bytes)
        .and_then(|()| o.flush())
        .map_err(|e| crate::Error::io("<stdout>", e))
}

/// Is `path` written as a stream rather than as a file replaced whole: `-` (standard output),
/// or something that exists and is neither a file nor a folder (`/dev/stdout`, a FIFO, a
/// device). A stream is written in place: the temporary file and rename that keep a file
/// whole would replace the device itself.
pub(crate) fn is_stream(path: &std::path::Path) -> bool {
    path.as_os_str() == "-" || std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Opens the stream `path` ([`is_stream`]) for writing.
pub(crate) fn open_stream(path: &std::path::Path) -> Result<Box<dyn Write>, crate::Error> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdout().lock()));
    }
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| crate::Error::io(path, e))?;
    Ok(Box::new(f))
}

/// Writes `bytes` to the stream `path` ([`is_stream`]) and flushes it.
pub(crate) fn to_stream(path: &std::path::Path, bytes: &[u8]) -> Result<(), crate::Error> {
    let name = if path.as_os_str() == "-" {
        std::path::Path::new("<stdout>")
    } else {
        path
    };
    let mut w = open_stream(path)?;
    w.write_all(bytes)
        .and_then(|()| w.flush())
        .map_err(|e| crate::Error::io(name, e))
}

/// Is this error a closed standard output (a reader such as `head` that stopped reading)?
pub(crate) fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<crate::Error>().is_some_and(|g| {
            matches!(g, crate::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
        }) || c
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `eprintln!` that never panics (standard error full or closed).
macro_rules! note {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($t)*);
    }};
}
pub(crate) use note;
