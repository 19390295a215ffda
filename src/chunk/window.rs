//! Windows: the text buffers of chunks. A [`Pool`] bounds how many are alive at once (the
//! reader waits for one to be freed before it reads on), which bounds the memory of a long
//! text to a few chunks, and it hands freed buffers back for reuse, so that the big
//! allocations neither repeat nor fragment the heap.

use std::ops::Deref;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// Bounds the chunk windows alive at once and reuses their buffers.
#[derive(Debug)]
pub(crate) struct Pool {
    /// Windows alive, and freed buffers.
    state: Mutex<(usize, Vec<String>)>,
    freed: Condvar,
    limit: usize,
}

impl Pool {
    /// A pool of at most `limit` windows alive at once (at least 2).
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Pool {
            state: Mutex::new((0, Vec::new())),
            freed: Condvar::new(),
            limit: limit.max(2),
        })
    }

    /// A window of at least `capacity` bytes; waits while `limit` windows are alive.
    pub(crate) fn take(self: &Arc<Self>, capacity: usize) -> Window {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while st.0 >= self.limit {
            st = self.freed.wait(st).unwrap_or_else(PoisonError::into_inner);
        }
        st.0 += 1;
        let mut text = st.1.pop().unwrap_or_default();
        drop(st);
        text.clear();
        text.reserve(capacity);
        Window {
            text,
            pool: Some(self.clone()),
        }
    }
}

/// The text of a chunk: a buffer of a [`Pool`], handed back when dropped, or a plain one.
#[derive(Debug, Default)]
pub(crate) struct Window {
    text: String,
    pool: Option<Arc<Pool>>,
}

impl Window {
    /// A window outside any pool.
    pub(crate) fn plain(text: String) -> Self {
        Window { text, pool: None }
    }

    pub(crate) fn text_mut(&mut self) -> &mut String {
        &mut self.text
    }
}

impl Clone for Window {
    fn clone(&self) -> Self {
        Window::plain(self.text.clone())
    }
}

impl Deref for Window {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        if let Some(p) = self.pool.take() {
            let mut st = p.state.lock().unwrap_or_else(PoisonError::into_inner);
            st.0 = st.0.saturating_sub(1);
            if st.1.len() < p.limit {
                st.1.push(std::mem::take(&mut self.text));
            }
            drop(st);
            p.freed.notify_all();
        }
    }
}
