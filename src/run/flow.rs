//! The flow of units from the reader to the writer, without a barrier between batches: each
//! unit is scanned as soon as a worker is free, settled in input order by whichever worker
//! finished the next one in order ([`InOrder`]), handed to the writer a few at a time
//! ([`Batches`]), and written in order by the writer, which lets units out of [`Flight`] so
//! that memory stays bounded.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug, Default)]
struct Load {
    units: usize,
    bytes: u64,
    closed: bool,
    /// A thread waits for the flight to drain (to its low-water mark, or to empty).
    waiting: bool,
}

/// The units (and their bytes) between the start of their scan and the writer's write of
/// their records: at most `max_units` and `max_bytes` (one larger unit goes in alone).
/// Once full, the flight is refilled only after it has drained to half, so that the thread
/// letting units in and the writer wake each other once per half flight, not once per unit
/// (each wake-up costs microseconds, more in a virtual machine).
#[derive(Debug)]
pub(super) struct Flight {
    load: Mutex<Load>,
    changed: Condvar,
    max_units: usize,
    max_bytes: u64,
}

impl Flight {
    pub(crate) fn new(max_units: usize, max_bytes: u64) -> Self {
        Flight {
            load: Mutex::new(Load::default()),
            changed: Condvar::new(),
            max_units: max_units.max(1),
            max_bytes,
        }
    }

    /// Waits for room for one more unit of `bytes`; false once the flow is closed.
    pub(crate) fn enter(&self, bytes: u64) -> bool {
        let mut l = lock(&self.load);
        if self.full(&l, bytes) {
            while !l.closed && l.units > 0 && (!self.low(&l) || self.full(&l, bytes)) {
                l.waiting = true;
                l = self.changed.wait(l).unwrap_or_else(|e| e.into_inner());
            }
        }
        if l.closed {
            return false;
        }
        l.units += 1;
        l.bytes = l.bytes.saturating_add(bytes);
        true
    }

    /// No room for a unit of `bytes` beside those in flight.
    fn full(&self, l: &Load, bytes: u64) -> bool {
        l.units > 0 && (l.units >= self.max_units || l.bytes.saturating_add(bytes) > self.max_bytes)
    }

    /// Drained to the low-water mark: half the bounds.
    fn low(&self, l: &Load) -> bool {
        l.units <= self.max_units / 2 && l.bytes <= self.max_bytes / 2
    }

    /// `units` units of `bytes` in all are written.
    pub(crate) fn leave(&self, units: usize, bytes: u64) {
        let mut l = lock(&self.load);
        l.units = l.units.saturating_sub(units);
        l.bytes = l.bytes.saturating_sub(bytes);
        if l.waiting && (self.low(&l) || l.units == 0) {
            l.waiting = false;
            self.changed.notify_all();
        }
    }

    /// Waits until every unit let in is written; false once the flow is closed.
    pub(crate) fn wait_empty(&self) -> bool {
        let mut l = lock(&self.load);
        while !l.closed && l.units > 0 {
            l.waiting = true;
            l = self.changed.wait(l).unwrap_or_else(|e| e.into_inner());
        }
        !l.closed
    }

    /// Nothing more will be written (the writer stopped, or a worker failed): waiters wake.
    pub(crate) fn close(&self) {
        lock(&self.load).closed = true;
        self.changed.notify_all();
    }
}

/// Closes a [`Flight`] when dropped while the thread panics, or always if `always`, so that
/// the thread that lets units in never waits for a writer that is gone.
pub(super) struct CloseGuard<'a> {
    pub(crate) flight: &'a Flight,
    pub(crate) always: bool,
}

impl Drop for CloseGuard<'_> {
    fn drop(&mut self) {
        if self.always || std::thread::panicking() {
            self.flight.close();
        }
    }
}

#[derive(Debug)]
struct Queue<T> {
    items: Reorder<T>,
    busy: bool,
}

/// Items numbered 0, 1, 2... handed in by any thread in any order and settled one at a time
/// in number order, by a thread that handed one in: no thread waits for another to settle.
#[derive(Debug)]
pub(super) struct InOrder<T> {
    queue: Mutex<Queue<T>>,
}

impl<T> InOrder<T> {
    pub(crate) fn new() -> Self {
        InOrder {
            queue: Mutex::new(Queue {
                items: Reorder::new(),
                busy: false,
            }),
        }
    }

    /// Hands in item `seq`. Unless another thread is settling, settles with `settle` every
    /// item that is next in order, those handed in meanwhile by other threads included.
    pub(crate) fn deliver(&self, seq: u64, item: T, mut settle: impl FnMut(u64, T)) {
        let mut q = lock(&self.queue);
        q.items.put(seq, item);
        if q.busy {
            return;
        }
        q.busy = true;
        loop {
            let n = q.items.next;
            let Some(item) = q.items.take() else {
                break;
            };
            drop(q);
            settle(n, item);
            q = lock(&self.queue);
        }
        q.busy = false;
    }
}

/// Items settled in order, handed on in batches so that the writer is woken once per batch,
/// not once per unit. A batch goes when it holds `max_items` items or `max_bytes` bytes, or
/// when its last unit is the last one let in so far: no later unit would send it.
#[derive(Debug)]
pub(super) struct Batches<T> {
    pending: Mutex<(Vec<T>, u64)>,
    entered: AtomicU64,
    max_items: usize,
    max_bytes: u64,
}

impl<T> Batches<T> {
    pub(crate) fn new(max_items: usize, max_bytes: u64) -> Self {
        Batches {
            pending: Mutex::new((Vec::new(), 0)),
            entered: AtomicU64::new(0),
            max_items: max_items.max(1),
            max_bytes,
        }
    }

    /// `n` units have been let in (before the last of them is scanned).
    pub(crate) fn entered(&self, n: u64) {
        self.entered.store(n, Ordering::Release);
    }

    /// Adds the item of unit `unit` (of `bytes` bytes); the batch to hand on, when it is due.
    pub(crate) fn push(&self, unit: u64, item: T, bytes: u64) -> Option<Vec<T>> {
        let mut p = lock(&self.pending);
        p.0.push(item);
        p.1 = p.1.saturating_add(bytes);
        let last = unit.saturating_add(1) >= self.entered.load(Ordering::Acquire);
        if last || p.0.len() >= self.max_items || p.1 >= self.max_bytes {
            p.1 = 0;
            return Some(std::mem::take(&mut p.0));
        }
        None
    }
}

/// Messages numbered 0, 1, 2... received in any order, given back in number order.
#[derive(Debug)]
pub(super) struct Reorder<T> {
    next: u64,
    held: BTreeMap<u64, T>,
}

impl<T> Reorder<T> {
    pub(crate) fn new() -> Self {
        Reorder {
            next: 0,
            held: BTreeMap::new(),
        }
    }

    /// Takes message `seq`.
    pub(crate) fn put(&mut self, seq: u64, m: T) {
        self.held.insert(seq, m);
    }

    /// The next message in order, if it has arrived.
    pub(crate) fn take(&mut self) -> Option<T> {
        let m = self.held.remove(&self.next)?;
        self.next += 1;
        Some(m)
    }

    /// Messages received out of order and never given back (a gap: a bug).
    pub(crate) fn stranded(&self) -> usize {
        self.held.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn in_order_settles_each_item_once_in_order_from_many_threads() {
        let order = Arc::new(InOrder::new());
        let settled = Arc::new(Mutex::new(Vec::new()));
        let n = 2000u64;
        let threads: Vec<_> = (0..4u64)
            .map(|t| {
                let (order, settled) = (order.clone(), settled.clone());
                std::thread::spawn(move || {
                    // Each thread hands in every fourth number, backwards in blocks.
                    let mine: Vec<u64> = (0..n).filter(|i| i % 4 == t).collect();
                    for block in mine.chunks(7) {
                        for &i in block.iter().rev() {
                            order.deliver(i, i * 10, |seq, item| {
                                assert_eq!(item, seq * 10);
                                lock(&settled).push(seq);
                            });
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        let got = lock(&settled).clone();
        assert_eq!(got, (0..n).collect::<Vec<_>>());
    }

    #[test]
    fn reorder_gives_back_in_number_order() {
        let mut r = Reorder::new();
        let mut out = Vec::new();
        for i in [2u64, 0, 3, 1, 5] {
            r.put(i, i);
            while let Some(m) = r.take() {
                out.push(m);
            }
        }
        assert_eq!(out, vec![0, 1, 2, 3]);
        assert_eq!(r.stranded(), 1);
    }

    #[test]
    fn flight_bounds_units_and_lets_a_large_unit_in_alone() {
        let f = Arc::new(Flight::new(2, 100));
        assert!(
            f.enter(500),
            "a unit larger than the bound goes in when none is in flight"
        );
        let f2 = f.clone();
        let waiter = std::thread::spawn(move || f2.enter(10));
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(
            !waiter.is_finished(),
            "no room while the large unit is in flight"
        );
        f.leave(1, 500);
        assert!(waiter.join().expect("thread"));
        f.close();
        assert!(!f.enter(1), "closed");
        assert!(!f.wait_empty(), "closed");
    }

    #[test]
    fn a_full_flight_lets_units_in_again_only_once_drained_to_half() {
        let f = Arc::new(Flight::new(4, 1000));
        for _ in 0..4 {
            assert!(f.enter(10));
        }
        let f2 = f.clone();
        let waiter = std::thread::spawn(move || f2.enter(10));
        std::thread::sleep(std::time::Duration::from_millis(50));
        f.leave(1, 10);
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiter.is_finished(), "3 of 4 in flight: above half");
        f.leave(1, 10);
        assert!(waiter.join().expect("thread"), "2 of 4 in flight: in again");
        assert!(f.enter(10), "room for a fourth without waiting");
        assert!(f.full(&lock(&f.load), 10), "full again at 4");
    }

    #[test]
    fn batches_go_when_full_or_when_nothing_later_would_send_them() {
        let b = Batches::new(3, 100);
        b.entered(10);
        assert_eq!(b.push(0, 'a', 10), None);
        assert_eq!(b.push(1, 'b', 10), None);
        assert_eq!(b.push(2, 'c', 10), Some(vec!['a', 'b', 'c']), "3 items");
        assert_eq!(b.push(3, 'd', 100), Some(vec!['d']), "100 bytes");
        assert_eq!(b.push(4, 'e', 1), None);
        assert_eq!(
            b.push(9, 'f', 1),
            Some(vec!['e', 'f']),
            "unit 9 is the last let in"
        );
        b.entered(11);
        assert_eq!(b.push(10, 'g', 1), Some(vec!['g']));
    }
}
