//! Run time on the JIT of the logarithms, `**` on floats and a mixed program, per element.
//!
//! `VEX_NUM_THREADS=1 cargo run --release -p vex --example log_speed [N]` prints, for
//! float64 arrays of `N` points (default 10^6; `a` uniform in [0.01, 100), `b` in
//! [0, 10)), the median nanoseconds per element over 15 runs (fresh outputs,
//! `Program::run`) of `log(a)`, `log2(a)`, `log10(a)`, `log1p(b)`, `a ** b`,
//! `exp(-a) * log1p(b)`, and `a + b` for the memory traffic alone. Built before the
//! logarithms had inline vector math, the same program times the libm calls instead.

#[path = "common/speed.rs"]
mod speed;

use speed::{median_ns_per_element, uniform};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let ctx = vex::Context::with_backend(vex::Backend::Jit);
    let a = uniform(n, 1, 0.01, 100.0);
    let b = uniform(n, 2, 0.0, 10.0);
    let vars = vex::Vars::new().with("a", &a).with("b", &b);
    for expr in [
        "a + b",
        "log(a)",
        "log2(a)",
        "log10(a)",
        "log1p(b)",
        "a ** b",
        "exp(-a) * log1p(b)",
    ] {
        let p = ctx.compile(expr, &vex::Signature::of(&vars)).unwrap();
        let ns = median_ns_per_element(n, || {
            std::hint::black_box(p.run(&vars).unwrap());
        });
        println!("{expr:20} {ns:6.2} ns/element ({} threads)", vex::threads());
    }
}
