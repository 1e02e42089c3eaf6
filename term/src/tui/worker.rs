//! The session on its own thread, so that the terminal stays responsive while a cell is
//! evaluated: the UI sends [`Event`]s and polls for the answers, with the variables'
//! signatures (for completion and for checking the input while it is typed), and follows
//! or cancels the evaluation through the session's [`Interrupt`].

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use vex_expr::check::OperandSig;

use crate::session::{Event, Interrupt, Notice, PlotMode, Running, Session};

/// The name of the session's thread; the panic hook leaves its panics to [`Worker`].
pub const THREAD_NAME: &str = "vex-session";

/// The variables' names and signatures, sorted by name.
pub type VarSigs = Vec<(String, OperandSig)>;

/// What the session answered to one event.
#[derive(Debug)]
pub enum Answer {
    Notices {
        notices: Vec<Notice>,
        vars: VarSigs,
        /// The `:plots` setting (each client draws plots for itself).
        plots: PlotMode,
    },
    /// The session panicked on the event (a bug); it keeps running.
    Panicked(String),
}

/// A handle on the session's thread.
pub struct Worker {
    requests: Sender<Event>,
    answers: Receiver<Answer>,
    /// When the event being handled was sent.
    started: Option<Instant>,
    interrupt: Interrupt,
}

fn signatures(session: &Session) -> VarSigs {
    session
        .vars()
        .iter()
        .map(|(n, v)| (n.clone(), vex_expr::operand_sig(&v.operand())))
        .collect()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

impl Worker {
    /// Starts the thread that owns `session`.
    pub fn spawn(mut session: Session) -> Worker {
        let interrupt = session.interrupt();
        let (requests, events) = mpsc::channel::<Event>();
        let (send, answers) = mpsc::channel();
        thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || {
                for event in events {
                    let answer =
                        match panic::catch_unwind(AssertUnwindSafe(|| session.handle(event))) {
                            Ok(notices) => Answer::Notices {
                                notices,
                                vars: signatures(&session),
                                plots: session.settings().plots,
                            },
                            Err(payload) => Answer::Panicked(panic_message(&*payload)),
                        };
                    if send.send(answer).is_err() {
                        break;
                    }
                }
            })
            .expect("cannot start the session's thread");
        Worker {
            requests,
            answers,
            started: None,
            interrupt,
        }
    }

    /// Sends an event; its answer comes from [`Worker::poll`].
    pub fn send(&mut self, event: Event) {
        self.started = Some(Instant::now());
        // The thread ends only with this handle, so the send cannot fail.
        let _ = self.requests.send(event);
    }

    /// How long the current event has been running; `None` when idle.
    pub fn busy_for(&self) -> Option<Duration> {
        self.started.map(|s| s.elapsed())
    }

    /// The evaluation in progress (its progress, whether it was cancelled); `None` when
    /// the session is idle or busy with something other than evaluating (`:load`).
    pub fn running(&self) -> Option<Running> {
        self.interrupt.running()
    }

    /// Cancels the evaluation in progress; false when there is none to cancel.
    pub fn cancel(&self) -> bool {
        self.interrupt.cancel()
    }

    /// The answer to the event sent, once it is there.
    pub fn poll(&mut self) -> Option<Answer> {
        match self.answers.try_recv() {
            Ok(answer) => {
                self.started = None;
                Some(answer)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.started = None;
                Some(Answer::Panicked("the session's thread stopped".into()))
            }
        }
    }

    /// Waits up to `timeout` for the answer: a quick cell's answer is shown as soon as
    /// it comes, not at the next tick.
    pub fn wait(&mut self, timeout: Duration) -> Option<Answer> {
        match self.answers.recv_timeout(timeout) {
            Ok(answer) => {
                self.started = None;
                Some(answer)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => self.poll(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_answered_with_the_variables() {
        let mut w = Worker::spawn(Session::new());
        assert_eq!(w.busy_for(), None);
        w.send(Event::Submit("x = linspace(0, 1, 5); x * 2".into()));
        assert!(w.busy_for().is_some());
        let Some(Answer::Notices { notices, vars, .. }) = w.wait(Duration::from_secs(30)) else {
            panic!("no answer")
        };
        assert_eq!(w.busy_for(), None);
        let [Notice::Cell(cell)] = notices.as_slice() else {
            panic!("{notices:?}")
        };
        assert_eq!(
            cell.outputs[0].text(),
            "array(shape=(5,), dtype=float64)\n[0.  0.5 1.  1.5 2. ]"
        );
        assert_eq!(vars.len(), 1);
        assert_eq!((vars[0].0.as_str(), vars[0].1.ndim), ("x", 1));
        assert!(!w.cancel(), "nothing to cancel");
    }

    #[test]
    fn a_long_evaluation_shows_progress_and_can_be_cancelled() {
        let mut w = Worker::spawn(Session::new());
        w.send(Event::Submit("sum(sin(arange(10**11)))".into()));
        let deadline = Instant::now() + Duration::from_secs(60);
        let running = loop {
            match w.running() {
                Some(r) if r.progress.total > 0 => break r,
                _ if Instant::now() > deadline => panic!("the evaluation did not start"),
                _ => thread::sleep(Duration::from_millis(5)),
            }
        };
        assert_eq!(running.progress.total, 100_000_000_000);
        assert!(w.cancel());
        let Some(Answer::Notices { notices, vars, .. }) = w.wait(Duration::from_secs(60)) else {
            panic!("no answer")
        };
        let [Notice::Cell(cell)] = notices.as_slice() else {
            panic!("{notices:?}")
        };
        assert_eq!(
            cell.error.as_ref().map(|e| e.message.as_str()),
            Some("cancelled")
        );
        assert!(vars.is_empty());
        assert_eq!(w.running(), None);
    }
}
