//! Random programs through the JIT on odd sizes, negative strides, strided views and
//! broadcasts: the sample `.ci/run` runs under valgrind memcheck, where any read or write
//! outside an array (a kernel's loop bounds, tails of vector loops, reversed or broadcast
//! views, replayed argument blocks) is an error even when it would not crash.
//!
//! Each program runs twice on the JIT (the second call replays the prepared kernels), twice
//! more into caller-provided outputs, and once on the interpreter; both backends must
//! succeed or fail alike, with outputs of the same dtypes and shapes (values are compared
//! by the other fuzz tests, natively).
//! `VEX_MEMCHECK_CASES` sets the number of programs (default 200).

#[path = "common/programs.rs"]
mod programs;

use ndarray::{s, Array1, Array2, ShapeBuilder};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use vex::{Array, Backend, Context, Vars};

/// Sizes around vector widths, unroll factors and block lengths, and empty arrays.
const SIZES: [usize; 10] = [0, 1, 2, 3, 7, 15, 16, 17, 1023, 1025];

fn same_kinds(x: &[Array], y: &[Array]) -> bool {
    x.len() == y.len()
        && x.iter()
            .zip(y)
            .all(|(p, q)| p.dtype() == q.dtype() && p.shape() == q.shape())
}

/// Runs `src` with every array of length `n` (`m` of shape (2, n)); with `odd_layout`,
/// `a` and `m` are reversed views, `i` every other element and `b` a column of a wider
/// array.
fn check(src: &str, n: usize, odd_layout: bool) -> Result<(), TestCaseError> {
    // The generator's constructors have length 5, like its arrays: give them length n.
    let src = src
        .replace("arange(5)", &format!("arange({n})"))
        .replace("linspace(0, 1, 5)", &format!("linspace(0, 1, {n})"))
        .replace("zeros((2, 5))", &format!("zeros((2, {n}))"));
    let x = |k: usize| (k as f64 * 0.37).sin() * 4.0;
    let a_store = Array1::from_shape_fn(n, x);
    let m_store = Array2::from_shape_fn((2, n).f(), |(r, j)| x(j + 7 * r));
    let b_store = Array2::from_shape_fn((n, 3), |(j, c)| x(j * 3 + c));
    let i_store = Array1::from_shape_fn(2 * n, |k| (k as i16).wrapping_mul(997));
    let u = Array1::from_shape_fn(n, |k| (k * 37) as u8);
    let c = Array1::from_shape_fn(n, |k| k % 3 == 1);
    let z = Array1::from_shape_fn(n, |k| vex::C128::new(x(k), x(k + 1)));
    let (a, m, i, b) = if odd_layout {
        (
            a_store.slice(s![..;-1]),
            m_store.slice(s![.., ..;-1]),
            i_store.slice(s![..;2]),
            b_store.column(1),
        )
    } else {
        (
            a_store.view(),
            m_store.view(),
            i_store.slice(s![..n]),
            b_store.column(0),
        )
    };
    let vars = Vars::new()
        .with("a", a)
        .with("b", b)
        .with("m", m)
        .with("i", i)
        .with("u", &u)
        .with("c", &c)
        .with("z", &z)
        .with("k", 2.5);
    let want = Context::with_backend(Backend::Interpreter).evaluate_many(&src, &vars);
    let jit = Context::with_backend(Backend::Jit);
    for call in 0..2 {
        match (&want, jit.evaluate_many(&src, &vars)) {
            (Ok(w), Ok(g)) => {
                prop_assert!(same_kinds(w, &g), "{src} (n = {n}, call {call})");
                // Every value is looked at (formatting branches on it), so that memcheck
                // reports one computed from memory outside an array even where a vector
                // load only partly left it.
                std::hint::black_box(format!("{g:?}"));
            }
            (Err(w), Err(g)) => prop_assert!(
                g.kind == w.kind || g.kind == vex::ErrorKind::Unsupported,
                "{src} (n = {n}): interpreter {w}, JIT {g}"
            ),
            (Ok(_), Err(g)) => prop_assert!(
                g.kind == vex::ErrorKind::Unsupported,
                "{src} (n = {n}): {g}"
            ),
            (Err(w), Ok(_)) => prop_assert!(false, "{src} (n = {n}): only the JIT ran ({w})"),
        }
    }
    // The same into caller-provided outputs (replayed in place from the second call).
    if let Ok(w) = &want {
        let program = jit
            .compile(&src, &vex::Signature::of(&vars))
            .map_err(|e| TestCaseError::fail(format!("{src}: {e}")))?;
        for call in 0..2 {
            let mut outs: Vec<Array> = w
                .iter()
                .map(|a| Array::zeros(a.dtype(), a.shape()))
                .collect();
            match program.run_into(&vars, &mut outs) {
                Ok(()) => {
                    std::hint::black_box(format!("{outs:?}"));
                }
                Err(e) => prop_assert!(
                    e.kind == vex::ErrorKind::Unsupported,
                    "{src} (n = {n}, run_into call {call}): {e}"
                ),
            }
        }
    }
    Ok(())
}

#[test]
fn random_programs_on_odd_shapes_and_layouts() {
    let cases = std::env::var("VEX_MEMCHECK_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (programs::expr(), 0..SIZES.len(), any::<bool>());
    runner
        .run(&strategy, |(src, size, odd_layout)| {
            check(&src, SIZES[size], odd_layout)
        })
        .unwrap();
}
