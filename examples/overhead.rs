//! Per-call overhead of small cached programs per backend, and the first-call cost of
//! compiling a larger one.
//!
//! `cargo run --release -p vex --example overhead` prints:
//! - the median time of one call of a few programs on float64 arrays of small sizes
//!   through `Context::evaluate` (cache lookup included) and through a compiled
//!   `Program::run`, per backend: where the interpreter's lower fixed cost beats the JIT's
//!   faster loop (what `Backend::Auto`'s small-size threshold is set from);
//! - the first-call cost of the arc-distance program on four arrays of 10^6 points, split
//!   into the front end (parse and check, then lower and optimise) and the JIT's part
//!   (validating and compiling every kernel with Cranelift), each the median over fresh
//!   contexts and fresh JITs.

use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// Programs of 3 and 4 inputs (elementwise) and a reduction, over `a`, `b`, `c`, `d`.
const PROGRAMS: [&str; 3] = ["a + b*c", "(a - b)*c + d/(a + 1)", "sum(a*b)"];

fn per_call() {
    for n in [16usize, 256, 1024, 4096, 16384] {
        let a = Array1::from_shape_fn(n, |i| i as f64);
        let (b, c, d) = (a.clone(), a.clone(), a.clone());
        let vars = vex::Vars::new()
            .with("a", &a)
            .with("b", &b)
            .with("c", &c)
            .with("d", &d);
        for program in PROGRAMS {
            for backend in [
                vex::Backend::Interpreter,
                vex::Backend::Jit,
                vex::Backend::Auto,
            ] {
                let ctx = vex::Context::with_backend(backend);
                let evaluate = median_ns(|| {
                    ctx.evaluate(program, &vars).unwrap();
                });
                let compiled = ctx.compile(program, &vex::Signature::of(&vars)).unwrap();
                let run = median_ns(|| {
                    compiled.run(&vars).unwrap();
                });
                println!(
                    "N = {n:5}  {program:22} {:12} evaluate {evaluate:8.0} ns   Program::run {run:8.0} ns",
                    format!("{backend:?}")
                );
            }
        }
    }
}

const ARC_DISTANCE: &str = "t = sin((theta_2-theta_1)/2)**2 + \
    cos(theta_1)*cos(theta_2)*sin((phi_2-phi_1)/2)**2; 2*arctan2(sqrt(t), sqrt(1-t))";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn first_call() {
    const N: usize = 1_000_000;
    const REPS: usize = 11;
    let x = |k: f64| Array1::from_shape_fn(N, |i| (i as f64 * k).sin());
    let (t1, t2, p1, p2) = (x(1e-3), x(2e-3), x(3e-3), x(4e-3));
    let vars = vex::Vars::new()
        .with("theta_1", &t1)
        .with("theta_2", &t2)
        .with("phi_1", &p1)
        .with("phi_2", &p2);
    let signature = vex::Signature::of(&vars);
    let small = Array1::from_shape_fn(16, |i| i as f64 / 16.0).into_dyn();
    let small_vars = ["theta_1", "theta_2", "phi_1", "phi_2"]
        .into_iter()
        .map(|n| (n, &small))
        .collect::<vex::Vars<'_>>();
    let inputs: Vec<vex::ArrayRef<'_>> = ["phi_1", "phi_2", "theta_1", "theta_2"]
        .iter()
        .map(|n| match vars.get(n) {
            Some(vex::Operand::Array(a)) => a.clone(),
            _ => unreachable!("arrays bound above"),
        })
        .collect();
    let (mut parse, mut lower, mut compile, mut run) = (vec![], vec![], vec![], vec![]);
    let (mut kernels, mut threads) = (0, 1);
    for _ in 0..REPS {
        // Fresh context and JIT: nothing cached.
        let ctx = vex::Context::with_backend(vex::Backend::Jit);
        let jit = vex_jit::Jit::new().expect("a JIT for this host");
        threads = jit.threads();
        let start = Instant::now();
        let program = ctx.compile(ARC_DISTANCE, &signature).unwrap();
        parse.push(start.elapsed());
        let start = Instant::now();
        let ir = Arc::new(program.lower(&vars).unwrap());
        lower.push(start.elapsed());
        kernels = ir.kernels.len();
        let by_name = |name: &str| {
            let i = ["phi_1", "phi_2", "theta_1", "theta_2"]
                .iter()
                .position(|n| *n == name)
                .expect("an input of the program");
            inputs[i].clone()
        };
        // The first run compiles every kernel; the second only runs them. Compiling is
        // timed on a 16-point instance of the same program: the same kernels and code
        // (shapes are run-time arguments), without the 10^6-point run's noise.
        let small_ir = Arc::new(program.lower(&small_vars).unwrap());
        let small_inputs: Vec<vex::ArrayRef<'_>> = small_ir
            .inputs
            .iter()
            .map(|_| vex::ArrayRef::from(small.view()))
            .collect();
        let start = Instant::now();
        let prepared = jit.prepare(small_ir).unwrap();
        prepared.run(&jit, &small_inputs).unwrap();
        compile.push(start.elapsed());
        if std::env::var("DBG").is_ok() {
            let s2 = Instant::now();
            prepared.run(&jit, &small_inputs).unwrap();
            eprintln!("first {:?} again {:?}", compile.last(), s2.elapsed());
        }
        let ordered: Vec<vex::ArrayRef<'_>> = ir.inputs.iter().map(|d| by_name(&d.name)).collect();
        let prepared = jit.prepare(ir.clone()).unwrap();
        let start = Instant::now();
        prepared.run(&jit, &ordered).unwrap();
        run.push(start.elapsed());
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (parse, lower) = (median(parse), median(lower));
    let (compile, run) = (median(compile), median(run));
    println!(
        "arc distance, {N} points, {kernels} kernel(s), first call (median of {REPS}):\n  \
         front end {:7.1} µs (parse + check {:.1} µs, lower + optimise {:.1} µs)\n  \
         JIT       {:7.1} µs (validation + Cranelift, and a 16-point run)\n  \
         run       {:7.1} µs (cached kernels, {} threads)",
        us(parse + lower),
        us(parse),
        us(lower),
        us(compile),
        us(run),
        threads,
    );
}

fn main() {
    let only = std::env::args().nth(1);
    if only.as_deref() != Some("compile") {
        per_call();
    }
    if only.as_deref() != Some("per-call") {
        first_call();
    }
}
