//! Per-call overhead of evaluating a small cached program, per backend.
//!
//! `cargo run --release -p vex --example overhead` prints the median time of one call of
//! `a + b*c` on float64 arrays of a few small sizes through `Context::evaluate` (cache
//! lookup included) and through a compiled `Program::run`, per backend: where the
//! interpreter's lower fixed cost beats the JIT's faster loop.

use std::time::Instant;

use ndarray::Array1;

fn median_ns(mut f: impl FnMut()) -> f64 {
    for _ in 0..1_000 {
        f();
    }
    let mut samples: Vec<f64> = (0..31)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..2_000 {
                f();
            }
            start.elapsed().as_nanos() as f64 / 2_000.0
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    for n in [16usize, 256, 1024, 4096, 16384] {
        let a = Array1::from_shape_fn(n, |i| i as f64);
        let (b, c) = (a.clone(), a.clone());
        let vars = vex::Vars::new().with("a", &a).with("b", &b).with("c", &c);
        for backend in [
            vex::Backend::Interpreter,
            vex::Backend::Jit,
            vex::Backend::Auto,
        ] {
            let ctx = vex::Context::with_backend(backend);
            let evaluate = median_ns(|| {
                ctx.evaluate("a + b*c", &vars).unwrap();
            });
            let program = ctx.compile("a + b*c", &vex::Signature::of(&vars)).unwrap();
            let run = median_ns(|| {
                program.run(&vars).unwrap();
            });
            println!(
                "N = {n:5}  {:12} evaluate {evaluate:8.0} ns   Program::run {run:8.0} ns",
                format!("{backend:?}")
            );
        }
    }
}
