//! Errors of the library, in two kinds that the command line maps to its exit status (CONTRACT
//! "Command line"): usage and configuration (exit 2: a bad flag, an invalid gazetteer, an
//! output folder that does not fit the command, a resume or merge of runs that do not match;
//! the user must change the command) and run-time failures (exit 1: reading input, writing
//! output, internal errors). Every message names the file concerned and what to do.
//! Per-document problems are not errors: they are warnings carried in the document's record.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a configuration file, located by file and line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in (`<builtin>/NAME` for embedded gazetteers).
    pub path: String,
    /// 1-based line number; 0 when the problem concerns the whole file.
    pub line: usize,
    /// What is wrong, and where useful what to do instead.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.path, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Errors returned by the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid configuration (gazetteers, options): every problem found, each with file:line.
    #[error("{}", format_diagnostics(.0))]
    Config(Vec<Diagnostic>),
    /// An invalid option, or a folder that does not fit the command (the message names it
    /// and says what to do instead).
    #[error("{0}")]
    Usage(String),
    /// An I/O failure on a named path, at run time.
    #[error("{}: {source}{}", path.display(), io_hint(source))]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A run-time failure that is not an I/O error on one path (the message names what
    /// failed).
    #[error("{0}")]
    Runtime(String),
    /// A bug: something that cannot happen did.
    #[error(
        "internal error: {0} (a bug in gazex: please report it with the command that showed it)"
    )]
    Internal(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// True for errors of configuration or usage (exit status 2), false for run-time failures (1).
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Config(_) | Error::Usage(_))
    }

    /// The exit status of the command line: 2 for usage and configuration, 1 at run time.
    pub fn exit_code(&self) -> i32 {
        if self.is_usage() {
            2
        } else {
            1
        }
    }
}

/// What to do about the I/O errors a user can fix.
fn io_hint(e: &std::io::Error) -> &'static str {
    const ENOSPC: i32 = 28;
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        " (check the permissions of the file and its folder)"
    } else if e.raw_os_error() == Some(ENOSPC) {
        " (free some space on that disk; `gazex extract --resume` then continues an interrupted run)"
    } else {
        ""
    }
}

fn format_diagnostics(d: &[Diagnostic]) -> String {
    let mut s = String::new();
    for (i, x) in d.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&x.to_string());
    }
    s
}

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
