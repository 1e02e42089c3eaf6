//! Run time on the JIT of `cbrt`, `hypot` and the inverse hyperbolic functions, per
//! element.
//!
//! `VEX_NUM_THREADS=1 cargo run --release -p vex --example roots_speed [N]` prints, for
//! float64 arrays of `N` points (default 10^6; `a` uniform in [-1000, 1000), `b` in
//! [-1000, 1000), `c` in [1, 1000), `t` in (-1, 1)), the median nanoseconds per element
//! over 15 runs (fresh outputs, `Program::run`) of `cbrt(a)`, `hypot(a, b)`,
//! `arcsinh(a)`, `arccosh(c)`, `arctanh(t)`, and for comparison `a + b` (the memory
//! traffic alone) and `log(c)` (the logarithm the inverse hyperbolic functions build on).
//! Built before these functions had inline vector math, the same program times the
//! per-block helper calls (libm's `cbrt`, the interpreter's code for the others) instead.

#[path = "common/speed.rs"]
mod speed;

use speed::{median_ns_per_element, uniform};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let ctx = vex::Context::with_backend(vex::Backend::Jit);
    let a = uniform(n, 1, -1000.0, 1000.0);
    let b = uniform(n, 2, -1000.0, 1000.0);
    let c = uniform(n, 3, 1.0, 1000.0);
    let t = uniform(n, 4, -1.0, 1.0);
    let vars = vex::Vars::new()
        .with("a", &a)
        .with("b", &b)
        .with("c", &c)
        .with("t", &t);
    for expr in [
        "a + b",
        "log(c)",
        "cbrt(a)",
        "hypot(a, b)",
        "arcsinh(a)",
        "arccosh(c)",
        "arctanh(t)",
    ] {
        let p = ctx.compile(expr, &vex::Signature::of(&vars)).unwrap();
        let ns = median_ns_per_element(n, || {
            std::hint::black_box(p.run(&vars).unwrap());
        });
        println!("{expr:12} {ns:6.2} ns/element ({} threads)", vex::threads());
    }
}
