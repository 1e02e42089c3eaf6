//! Cancelling an evaluation and following its progress from another thread.
//!
//! A [`Control`] is a cheap, cloneable handle shared by whoever runs an evaluation and
//! whoever watches it (a terminal UI's input thread, say). The backends check it between
//! pieces of work: the interpreter after every block of points, the JIT after every slice
//! of a chunk (a few hundred thousand points at most, a few milliseconds of work), so a
//! [`Control::cancel`] stops even a 10^10-point evaluation within milliseconds. A
//! cancelled evaluation fails with [`ErrorKind::Cancelled`]; what it had written into
//! caller-provided outputs is unspecified, and everything it allocated is dropped.
//!
//! Progress is counted in *points*: one per element of each kernel's iteration space (a
//! reduction's points are those of the array it reduces), so `sum(sin(x))` over 10^9
//! elements has 10^9 points. A backend sets the total when it starts running a program
//! and adds points as it finishes pieces of work.
//!
//! ```
//! use vex_expr::control::Control;
//! let control = Control::new();
//! let watcher = control.clone();
//! assert!(!watcher.is_cancelled());
//! watcher.cancel();
//! assert!(control.is_cancelled());
//! assert_eq!(control.check().unwrap_err().kind, vex_expr::ErrorKind::Cancelled);
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};

/// A cancel flag and progress counters for one evaluation; clones share them. See the
/// [module documentation](self).
///
/// A `Control` is a one-shot token: once cancelled it stays cancelled, and every later
/// evaluation run with it fails at once. Use a fresh one per evaluation.
#[derive(Clone, Debug, Default)]
pub struct Control {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
}

/// How far an evaluation has come, in points (see the [module documentation](self)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Points computed so far.
    pub done: u64,
    /// Points of the whole evaluation; 0 before a backend starts it.
    pub total: u64,
}

impl Progress {
    /// `done / total` in `[0, 1]`; 0 while the total is unknown.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64).min(1.0)
        }
    }
}

impl Control {
    /// A fresh handle: not cancelled, no progress.
    pub fn new() -> Control {
        Control::default()
    }

    /// Asks the evaluation to stop. Safe from any thread, any number of times; takes
    /// effect at the backend's next check (within milliseconds).
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`Control::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
    }

    /// The progress counters now.
    pub fn progress(&self) -> Progress {
        // `total` first: a reader never sees more points done than a fresh total allows
        // for long (both are only estimates while the run goes on).
        let total = self.inner.total.load(Ordering::Relaxed);
        let done = self.inner.done.load(Ordering::Relaxed);
        Progress { done, total }
    }

    /// For backends: a program of `total` points starts (again, after a fallback from one
    /// backend to another): progress restarts at 0 of `total`. Fails if cancelled.
    pub fn start(&self, total: u64) -> Result<()> {
        self.inner.done.store(0, Ordering::Relaxed);
        self.inner.total.store(total, Ordering::Relaxed);
        self.check()
    }

    /// For backends: `points` more points are done.
    pub fn advance(&self, points: u64) {
        self.inner.done.fetch_add(points, Ordering::Relaxed);
    }

    /// `Err(cancelled())` once the evaluation was cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(cancelled())
        } else {
            Ok(())
        }
    }
}

/// The error of a cancelled evaluation.
pub fn cancelled() -> Error {
    Error::new(ErrorKind::Cancelled, "cancelled")
}

/// Points of a program: the sum of its kernels' iteration spaces (saturating).
pub fn total_points(program: &crate::ir::Program) -> u64 {
    program
        .kernels
        .iter()
        .map(|k| {
            k.shape
                .iter()
                .fold(1u64, |n, &d| n.saturating_mul(d as u64))
        })
        .fold(0u64, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_flag_and_the_counters() {
        let a = Control::new();
        let b = a.clone();
        a.start(10).unwrap();
        b.advance(4);
        assert_eq!(a.progress(), Progress { done: 4, total: 10 });
        assert_eq!(a.progress().fraction(), 0.4);
        a.start(20).unwrap();
        assert_eq!(b.progress(), Progress { done: 0, total: 20 });
        b.cancel();
        assert_eq!(a.check().unwrap_err().kind, ErrorKind::Cancelled);
        assert_eq!(a.start(5).unwrap_err().message, "cancelled");
        assert_eq!(Progress::default().fraction(), 0.0);
    }
}
