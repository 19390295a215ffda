//! The progress bar on standard error (indicatif): bytes, documents, rate and ETA.

use crate::run::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicU64, Ordering};

/// A progress bar, or nothing when hidden.
pub(crate) struct Bar {
    bar: Option<ProgressBar>,
    docs: AtomicU64,
}

impl Bar {
    /// A bar shown when `show` is true.
    pub(crate) fn new(show: bool) -> Self {
        let bar = show.then(|| {
            let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(4));
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {binary_bytes_per_sec} {msg} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            b.set_style(style);
            b
        });
        Bar {
            bar,
            docs: AtomicU64::new(0),
        }
    }
}

impl Progress for Bar {
    fn total(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_length(bytes);
        }
    }

    fn advance(&self, bytes: u64, docs: u64) {
        if let Some(b) = &self.bar {
            let d = self.docs.fetch_add(docs, Ordering::Relaxed) + docs;
            b.inc(bytes);
            b.set_message(format!("{d} docs"));
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
