//! Cancelling evaluations from another thread and following their progress, on every
//! backend: a cancel stops work that would take minutes, with the `Cancelled` error, and
//! a completed run counts every point.

use std::thread;
use std::time::Duration;

use vex::{Backend, Context, Control, ErrorKind, Signature, Value, Vars};

/// Points of `sum(sin(arange(10**10)))`: minutes of work on any backend.
const HUGE: &str = "sum(sin(arange(10**10)))";

fn backends() -> Vec<Backend> {
    vec![Backend::Interpreter, Backend::Jit, Backend::Auto]
}

/// Cancels `control` from another thread once the run has made some progress.
fn cancel_when_started(control: &Control) -> thread::JoinHandle<()> {
    let watcher = control.clone();
    thread::spawn(move || {
        while watcher.progress().done == 0 {
            thread::sleep(Duration::from_millis(1));
        }
        watcher.cancel();
    })
}

/// Whether this host's JIT works (it may not on some targets).
fn jit_works() -> bool {
    Context::with_backend(Backend::Jit)
        .evaluate("1.0 + arange(3)", &Vars::new())
        .is_ok()
}

#[test]
fn a_cancel_from_another_thread_stops_a_huge_evaluation() {
    for backend in backends() {
        if backend == Backend::Jit && !jit_works() {
            continue;
        }
        let ctx = Context::with_backend(backend);
        let vars = Vars::new();
        let program = ctx.compile(HUGE, &Signature::of(&vars)).unwrap();
        let control = Control::new();
        let canceller = cancel_when_started(&control);
        let err = program.run_with(&vars, &control).unwrap_err();
        canceller.join().unwrap();
        assert_eq!(err.kind, ErrorKind::Cancelled, "{backend:?}: {err}");
        assert_eq!(err.message, "cancelled");
        let p = control.progress();
        assert_eq!(p.total, 10_000_000_000, "{backend:?}");
        assert!(p.done > 0 && p.done < p.total, "{backend:?}: {p:?}");
    }
}

#[test]
fn a_cancelled_control_fails_every_later_run_at_once() {
    for backend in backends() {
        let ctx = Context::with_backend(backend);
        let control = Control::new();
        control.cancel();
        let err = ctx
            .run_cell_with("x = arange(10)", &Vars::new(), &control)
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Cancelled, "{backend:?}");
        assert_eq!(control.progress().done, 0);
    }
}

#[test]
fn progress_reaches_the_total_on_completion() {
    // Small (one chunk, replayed on the JIT's second run) and large (many chunks, and
    // slices on the JIT) programs, with reductions and several kernels.
    let cases: [(&str, u64); 4] = [
        ("x = arange(1000) * 2", 1000),
        ("sum(sin(arange(3 * 10**6)))", 3_000_000),
        // Three kernels: the row sums, their maximum, the quotient.
        (
            "m = ones((1500, 2000)); s = sum(m, axis=1); s / max(s)",
            3_000_000 + 1500 + 1500,
        ),
        ("linspace(0, 1, 700)[:, None] * arange(900)", 630_000),
    ];
    for backend in backends() {
        let ctx = Context::with_backend(backend);
        for (source, points) in cases {
            for _ in 0..2 {
                let control = Control::new();
                let watcher = control.clone();
                let plain = ctx.run_cell(source, &Vars::new()).unwrap();
                let cell = ctx.run_cell_with(source, &Vars::new(), &control).unwrap();
                assert_eq!(cell, plain, "{backend:?} {source}");
                let p = watcher.progress();
                assert_eq!((p.done, p.total), (points, points), "{backend:?} {source}");
                assert_eq!(p.fraction(), 1.0);
            }
        }
    }
}

#[test]
fn a_cancelled_cell_binds_nothing() {
    for backend in backends() {
        if backend == Backend::Jit && !jit_works() {
            continue;
        }
        let ctx = Context::with_backend(backend);
        let x = ndarray::array![1.0, 2.0];
        let vars = Vars::new().with("x", &x);
        let control = Control::new();
        let canceller = cancel_when_started(&control);
        let result = ctx.run_cell_with(
            "x = x + 1; big = sum(cos(arange(10**10))); y = x * big",
            &vars,
            &control,
        );
        canceller.join().unwrap();
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Cancelled);
        // The caller's bindings are untouched (a cell returns its values only on success).
        assert_eq!(vars.len(), 1);
        let again = ctx.run_cell("x", &vars).unwrap();
        assert_eq!(again.outputs[0].as_f64().unwrap()[[1]], 2.0);
        let _ = Value::Scalar(vex::Scalar::Int(0));
    }
}
