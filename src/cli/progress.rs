//! The progress bar on standard error (indicatif): bytes, documents, rate and time left. The
//! time left is gazex's own estimate (`crate::run::eta`), from the rate since reading began,
//! shown once there is enough to go on.

use crate::run::{eta, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// A progress bar, or nothing when hidden.
pub(crate) struct Bar {
    bar: Option<ProgressBar>,
    docs: AtomicU64,
    /// When reading began (the bar itself starts before the gazetteer is loaded).
    started: OnceLock<Instant>,
}

impl Bar {
    /// A bar shown when `show` is true.
    pub(crate) fn new(show: bool) -> Self {
        let bar = show.then(|| {
            let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(4));
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {binary_bytes_per_sec} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            b.set_style(style);
            b
        });
        Bar {
            bar,
            docs: AtomicU64::new(0),
            started: OnceLock::new(),
        }
    }
}

impl Progress for Bar {
    fn total(&self, bytes: u64) {
        self.started.get_or_init(Instant::now);
        if let Some(b) = &self.bar {
            b.set_length(bytes);
        }
    }

    fn advance(&self, bytes: u64, docs: u64) {
        if let Some(b) = &self.bar {
            let d = self.docs.fetch_add(docs, Ordering::Relaxed) + docs;
            b.inc(bytes);
            let start = *self.started.get_or_init(Instant::now);
            let left = eta(start.elapsed(), b.position(), b.length().unwrap_or(0));
            let left = left.map_or_else(
                || "ETA --".to_string(),
                |t| format!("ETA {}", indicatif::HumanDuration(t)),
            );
            b.set_message(format!("{d} docs {left}"));
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
