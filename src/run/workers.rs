//! The worker threads of an extract run.

use crate::error::{Error, Result};

/// The worker threads: rayon's global pool when it has the number asked for (the command
/// line sizes it so, and compiles the gazetteer on it), else a pool of their own. Workers
/// that compiled the gazetteer reuse the memory it freed, already in their allocator's
/// arenas, instead of touching fresh pages.
pub(super) enum Workers {
    Global,
    Own(rayon::ThreadPool),
}

impl Workers {
    /// `threads` workers (0: rayon's default).
    pub(crate) fn new(threads: usize) -> Result<Self> {
        if threads == 0 || threads == rayon::current_num_threads() {
            return Ok(Workers::Global);
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map(Workers::Own)
            .map_err(|e| Error::Runtime(format!("cannot start {threads} worker threads: {e}")))
    }

    /// How many.
    pub(crate) fn current_num_threads(&self) -> usize {
        match self {
            Workers::Global => rayon::current_num_threads(),
            Workers::Own(p) => p.current_num_threads(),
        }
    }

    /// Runs `f` on one of these workers (so that its parallel parts use them, and it
    /// takes part in them instead of waiting for each).
    pub(crate) fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match self {
            // A scope opened outside the pool runs its body on a worker of the global pool.
            Workers::Global => rayon::scope(|_| f()),
            Workers::Own(p) => p.install(f),
        }
    }

    /// A scope on the calling thread whose spawned tasks run on these workers, in order.
    pub(crate) fn in_place_scope_fifo<'s, R>(
        &self,
        f: impl FnOnce(&rayon::ScopeFifo<'s>) -> R,
    ) -> R {
        match self {
            Workers::Global => rayon::in_place_scope_fifo(f),
            Workers::Own(p) => p.in_place_scope_fifo(f),
        }
    }
}
