//! Following and cancelling the cell a session is evaluating, from another thread.
//!
//! [`Session::handle`](super::Session::handle) takes `&mut Session` and blocks while a
//! cell evaluates, so a client runs it on a worker thread and keeps an [`Interrupt`]
//! (from [`Session::interrupt`](super::Session::interrupt), taken before the session
//! moves to that thread) on its input thread:
//!
//! ```text
//! let interrupt = session.interrupt();
//! let worker = thread::spawn(move || { let notices = session.handle(event); (session, notices) });
//! loop {                                   // the UI thread, every ~50 ms
//!     if ctrl_c_pressed() { interrupt.cancel(); }
//!     if let Some(run) = interrupt.running() {
//!         if run.elapsed >= Duration::from_millis(300) { draw_bar(run.progress.fraction()); }
//!     }
//!     if worker.is_finished() { break; }
//! }
//! ```
//!
//! Each evaluation gets a fresh [`vex::Control`], so a cancel never outlives the cell it
//! was meant for: [`Interrupt::cancel`] while the session is idle does nothing. A cancelled
//! cell is logged like any failed cell, with the error message `cancelled`, and binds
//! nothing: the variables stay as they were. `:time` runs are cancellable too.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use vex::{Control, Progress};

/// A cloneable handle on the evaluation a session is running; see the module
/// documentation. `Send + Sync`, cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Interrupt {
    current: Arc<Mutex<Option<Current>>>,
}

#[derive(Debug)]
struct Current {
    control: Control,
    started: Instant,
}

/// An evaluation in progress, as [`Interrupt::running`] sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Running {
    /// Points done and total (see [`vex::Progress`]); the total is 0 while the cell is
    /// still being compiled.
    pub progress: Progress,
    /// Time since the evaluation started.
    pub elapsed: Duration,
    /// Whether [`Interrupt::cancel`] was called for it (it stops within milliseconds).
    pub cancelled: bool,
}

impl Interrupt {
    /// Cancels the evaluation in progress, if there is one, and says whether there was.
    /// The cell then fails with the error `cancelled` and changes no variable.
    pub fn cancel(&self) -> bool {
        match &*self.lock() {
            Some(c) => {
                c.control.cancel();
                true
            }
            None => false,
        }
    }

    /// The evaluation in progress, or `None` while the session is idle.
    pub fn running(&self) -> Option<Running> {
        self.lock().as_ref().map(|c| Running {
            progress: c.control.progress(),
            elapsed: c.started.elapsed(),
            cancelled: c.control.is_cancelled(),
        })
    }

    /// Whether the session is evaluating a cell now.
    #[allow(dead_code)] // for clients; the terminal UI polls `running` instead
    pub fn is_busy(&self) -> bool {
        self.lock().is_some()
    }

    /// Starts an evaluation: a fresh control, visible to every clone until the guard is
    /// dropped.
    pub(super) fn begin(&self) -> Evaluation<'_> {
        let control = Control::new();
        *self.lock() = Some(Current {
            control: control.clone(),
            started: Instant::now(),
        });
        Evaluation {
            interrupt: self,
            control,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<Current>> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The evaluation [`Interrupt::begin`] started; ends (the session is idle again) when
/// dropped, on every path out of the evaluation.
pub(super) struct Evaluation<'a> {
    interrupt: &'a Interrupt,
    pub control: Control,
}

impl Drop for Evaluation<'_> {
    fn drop(&mut self) {
        *self.interrupt.lock() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BackendChoice, Command, Event, Notice, Session};
    use super::*;
    use vex::Value;

    /// Cancels through `interrupt` from another thread once the evaluation has started
    /// computing.
    fn cancel_when_started(interrupt: &Interrupt) -> std::thread::JoinHandle<Running> {
        let watcher = interrupt.clone();
        std::thread::spawn(move || loop {
            if let Some(run) = watcher.running() {
                if run.progress.done > 0 {
                    assert!(watcher.cancel());
                    return run;
                }
            }
            std::thread::sleep(Duration::from_millis(1));
        })
    }

    #[test]
    fn a_cancelled_cell_is_an_error_and_changes_no_variable() {
        for backend in [BackendChoice::Interp, BackendChoice::Auto] {
            let mut s = Session::new();
            s.handle(Event::Command(Command::Backend(Some(backend))));
            s.submit("x = arange(3); n = 5");
            let before = s.vars().clone();
            let interrupt = s.interrupt();
            let canceller = cancel_when_started(&interrupt);
            let notices = s.submit("x = x + 1; y = sum(sin(arange(10**10))); n = 6");
            let seen = canceller.join().unwrap();
            // The sum's 10^10 points and a few for x and n.
            assert!(seen.progress.total > 10_000_000_000, "{seen:?}");
            let [Notice::Cell(cell)] = notices.as_slice() else {
                panic!("one cell: {notices:?}")
            };
            let error = cell.error.as_ref().expect("the cell failed");
            assert_eq!(error.message, "cancelled");
            assert!(cell.bound.is_empty() && cell.outputs.is_empty());
            assert_eq!(s.vars(), &before);
            assert!(!interrupt.is_busy(), "idle after the cell");
            assert_eq!(interrupt.running(), None);
            // The next cell runs normally: the cancel does not outlive its cell.
            s.submit("x = x * 2");
            assert_eq!(
                s.vars()["x"],
                Value::Array(vex::Array::I64(ndarray::array![0i64, 2, 4].into_dyn()))
            );
        }
    }

    #[test]
    fn a_time_command_is_cancellable() {
        let mut s = Session::new();
        let canceller = cancel_when_started(&s.interrupt());
        let notices = s.submit(":time sum(exp(-arange(10**10)))");
        canceller.join().unwrap();
        let [Notice::Cell(cell)] = notices.as_slice() else {
            panic!("one cell: {notices:?}")
        };
        assert_eq!(cell.error.as_ref().unwrap().message, "cancelled");
    }

    #[test]
    fn a_cancel_reaches_only_the_evaluation_in_progress() {
        let i = Interrupt::default();
        let watcher = i.clone();
        assert!(!watcher.cancel(), "idle: nothing to cancel");
        assert_eq!(watcher.running(), None);
        {
            let run = i.begin();
            assert!(watcher.is_busy());
            run.control.start(8).unwrap();
            run.control.advance(2);
            let r = watcher.running().unwrap();
            assert_eq!((r.progress.done, r.progress.total), (2, 8));
            assert!(!r.cancelled);
            assert!(watcher.cancel());
            assert!(watcher.running().unwrap().cancelled);
            assert!(run.control.check().is_err());
        }
        assert!(!watcher.is_busy());
        let next = i.begin();
        assert!(
            next.control.check().is_ok(),
            "a fresh control per evaluation"
        );
    }
}
