//! Criterion benches of the anchor workloads: vex JIT, vex interpreter, ndarray with
//! temporaries and a plain Rust loop, at N = 10^3, 10^5, 10^6 and 10^7.
//!
//! The JIT reads `VEX_NUM_THREADS` once per process, so the thread count is chosen per run:
//!
//! ```text
//! VEX_NUM_THREADS=1 cargo bench --bench anchors   # single-threaded JIT
//! cargo bench --bench anchors                     # JIT on all cores
//! ```
//!
//! Bench ids carry the thread count (`jit-1t`, `jit-2t`, ...), so both runs can sit side by
//! side in `target/criterion`. Every vex call uses a compiled [`vex::Program`] and
//! allocates fresh outputs, like the baselines do; `a+b*c` also has a `run_into` variant
//! into a reused output. Samples are few and short so the whole run stays within minutes on
//! two cores: compare numbers from one run only (the machine is shared and drifts).

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{workloads, Inputs, Workload, DIST_POINTS};
use criterion::{BenchmarkId, Criterion, Throughput};

const SIZES: [usize; 4] = [1_000, 100_000, 1_000_000, 10_000_000];

/// The JIT's thread count in this process, as `vex-jit` reads it.
fn jit_threads() -> usize {
    std::env::var("VEX_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn bench_workload(c: &mut Criterion, w: &Workload, sizes: &[usize]) {
    let jit_id = format!("jit-{}t", jit_threads());
    let jit = vex::Context::with_backend(vex::Backend::Jit);
    let interp = vex::Context::with_backend(vex::Backend::Interpreter);
    let mut group = c.benchmark_group(w.name);
    for &n in sizes {
        let inputs = Inputs::new(n);
        let vars = inputs.vars_for(w);
        let points = if w.fixed_size {
            DIST_POINTS * DIST_POINTS
        } else {
            n
        };
        group.throughput(Throughput::Elements(points as u64));
        // Few, short samples (criterion's minimum is 10): ~1.2 s per bench, so the whole
        // run (about 220 benches) stays within a few minutes.
        group.measurement_time(Duration::from_secs(1));
        group.warm_up_time(Duration::from_millis(200));
        group.sample_size(10);
        let sig = vex::Signature::of(&vars);
        for (id, ctx) in [(jit_id.as_str(), &jit), ("interp", &interp)] {
            match ctx
                .compile(w.expr, &sig)
                .and_then(|p| p.run(&vars).map(|_| p))
            {
                Ok(program) => {
                    group.bench_function(BenchmarkId::new(id, n), |bch| {
                        bch.iter(|| black_box(program.run(black_box(&vars)).unwrap()))
                    });
                    if w.name == "a+b*c" {
                        let mut out = program.run(&vars).unwrap();
                        group.bench_function(
                            BenchmarkId::new(format!("{id}-run_into"), n),
                            |bch| {
                                bch.iter(|| program.run_into(black_box(&vars), &mut out).unwrap())
                            },
                        );
                    }
                }
                Err(e) => eprintln!("{} ({id}): skipped: {e}", w.name),
            }
        }
        group.bench_function(BenchmarkId::new("ndarray", n), |bch| {
            bch.iter(|| black_box((w.ndarray)(black_box(&inputs))))
        });
        group.bench_function(BenchmarkId::new("loop", n), |bch| {
            bch.iter(|| black_box((w.plain)(black_box(&inputs))))
        });
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    for w in workloads() {
        let sizes: &[usize] = if w.fixed_size { &[DIST_POINTS] } else { &SIZES };
        bench_workload(&mut c, &w, sizes);
    }
    c.final_summary();
}
