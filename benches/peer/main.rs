//! The vex side of the numexpr comparison, driven by `benches/peer/compare.py`.
//!
//! `cargo bench --bench peer -- SIZE...` prints one JSON object per line: for every anchor
//! workload and size, the median seconds per call of the vex JIT (`Program::run`, fresh
//! outputs) and of the plain Rust loop; then the arc-distance program's first call in a
//! fresh context (parse, check, lower, compile, run at N = 1000) and the per-call cost of
//! a cached program at N = 16. The JIT's thread count comes from `VEX_NUM_THREADS`.

#[path = "../common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{workloads, Inputs, ARC, DIST_POINTS};

/// Median seconds per call: 7 samples, each long enough (~20 ms or one call) to be timed.
fn median_s(mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    f();
    let once = t.elapsed().as_secs_f64().max(1e-9);
    let inner = ((0.02 / once) as usize).clamp(1, 100_000);
    let mut samples: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..inner {
                f();
            }
            t.elapsed().as_secs_f64() / inner as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 100_000, 1_000_000, 10_000_000]
    } else {
        sizes
    };
    let ctx = vex::Context::with_backend(vex::Backend::Jit);
    for w in workloads() {
        let ns: Vec<usize> = if w.fixed_size {
            vec![DIST_POINTS]
        } else {
            sizes.clone()
        };
        for n in ns {
            let inputs = Inputs::new(n);
            let vars = inputs.vars_for(&w);
            let vex_s = match ctx.compile(w.expr, &vex::Signature::of(&vars)) {
                Ok(p) => match p.run(&vars) {
                    Ok(_) => median_s(|| {
                        black_box(p.run(black_box(&vars)).unwrap());
                    }),
                    Err(e) => {
                        eprintln!("{}: {e}", w.name);
                        f64::NAN
                    }
                },
                Err(e) => {
                    eprintln!("{}: {e}", w.name);
                    f64::NAN
                }
            };
            let loop_s = median_s(|| {
                black_box((w.plain)(black_box(&inputs)));
            });
            let vex_s = if vex_s.is_nan() {
                "null".to_string()
            } else {
                format!("{vex_s:e}")
            };
            println!(
                "{{\"kind\": \"time\", \"workload\": \"{}\", \"n\": {n}, \"vex\": {vex_s}, \"loop\": {loop_s:e}}}",
                w.name
            );
        }
    }

    // First call: a fresh context has nothing cached, like numexpr's first evaluate.
    let inputs = Inputs::new(1_000);
    let arc = workloads().into_iter().find(|w| w.expr == ARC).unwrap();
    let vars = inputs.vars_for(&arc);
    let t = Instant::now();
    let first = vex::Context::with_backend(vex::Backend::Jit).evaluate(ARC, &vars);
    let first_s = t.elapsed().as_secs_f64();
    if let Err(e) = first {
        eprintln!("arc-distance first call: {e}");
    }
    println!("{{\"kind\": \"first_call\", \"vex\": {first_s:e}}}");

    // Per-call overhead at N = 16: cached evaluate (string lookup) and a compiled program.
    let small = Inputs::new(16);
    let w = workloads().into_iter().next().unwrap();
    let vars = small.vars_for(&w);
    let auto = vex::Context::new();
    let evaluate_s = median_s(|| {
        black_box(auto.evaluate(w.expr, &vars).unwrap());
    });
    let program = ctx.compile(w.expr, &vex::Signature::of(&vars)).unwrap();
    let run_s = median_s(|| {
        black_box(program.run(&vars).unwrap());
    });
    println!(
        "{{\"kind\": \"overhead16\", \"vex_evaluate_auto\": {evaluate_s:e}, \"vex_run_jit\": {run_s:e}}}"
    );
}
