//! Standard output and standard error of the subcommands. Every write to standard output is
//! checked: a closed pipe (`| head`) ends the command quietly with status 0 (see
//! `cli::report`), any other failure (`> /dev/full`) is an error naming standard output
//! (status 1). No `println!`, which panics on both. Messages on standard error are best
//! effort: a failure there has nowhere to be reported.

use std::io::Write;

/// Writes `bytes` to standard output and flushes it.
pub fn stdout(bytes: &[u8]) -> Result<(), gazex::Error> {
    let mut o = std::io::stdout().lock();
    o.write_all(bytes)
        .and_then(|()| o.flush())
        .map_err(|e| gazex::Error::io("<stdout>", e))
}

/// Is this error a closed standard output (a reader such as `head` that stopped reading)?
pub fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<gazex::Error>().is_some_and(|g| {
            matches!(g, gazex::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
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
