//! Errors of the library: configuration problems (with file and line) and run-time I/O failures.
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
    /// An I/O failure on a named path.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An invalid option value.
    #[error("{0}")]
    Usage(String),
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
