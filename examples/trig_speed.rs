//! Run time of the inline trigonometric functions and of the arc-distance program on the
//! JIT, per element, and the first-call compile time of arc distance in this process.
//!
//! `VEX_NUM_THREADS=1 cargo run --release -p vex --example trig_speed [N]` prints, for
//! float64 arrays of `N` points (default 10^6, uniform in [0, 1) like the peer benchmark's
//! inputs, and in [-1000, 1000) for the functions alone), the median nanoseconds per
//! element of `sin`, `cos`, `tan` and arc distance (fresh outputs, `Program::run`). The
//! first line is the first call of arc distance in a fresh process (compile + a 16-point
//! run): it includes compiling whatever vector math the JIT builds once per process.

#[path = "common/speed.rs"]
mod speed;

use std::time::Instant;

use ndarray::Array1;
use speed::{median_ns_per_element, uniform};

const ARC_DISTANCE: &str = "t = sin((theta_2-theta_1)/2)**2 + \
    cos(theta_1)*cos(theta_2)*sin((phi_2-phi_1)/2)**2; 2*arctan2(sqrt(t), sqrt(1-t))";

fn first_call(ctx: &vex::Context, expr: &str, names: &[&str]) -> f64 {
    let small = Array1::from_shape_fn(16, |i| i as f64 / 16.0);
    let mut vars = vex::Vars::new();
    for n in names {
        vars.insert(n, &small);
    }
    let start = Instant::now();
    let p = ctx.compile(expr, &vex::Signature::of(&vars)).unwrap();
    p.run(&vars).unwrap();
    start.elapsed().as_secs_f64() * 1e6
}

/// `VEX_COMPILE_LOOP=K`: compiles arc distance `K` times on fresh JITs (for profiling).
fn compile_loop(k: usize) {
    let small = Array1::from_shape_fn(16, |i| i as f64 / 16.0);
    let mut vars = vex::Vars::new();
    for n in ["theta_1", "theta_2", "phi_1", "phi_2"] {
        vars.insert(n, &small);
    }
    let ctx = vex::Context::with_backend(vex::Backend::Jit);
    let p = ctx
        .compile(ARC_DISTANCE, &vex::Signature::of(&vars))
        .unwrap();
    let ir = std::sync::Arc::new(p.lower(&vars).unwrap());
    let inputs: Vec<vex::ArrayRef<'_>> = ir
        .inputs
        .iter()
        .map(|_| vex::ArrayRef::from(small.view().into_dyn()))
        .collect();
    let mut times = Vec::new();
    for _ in 0..k {
        let jit = vex_jit::Jit::new().unwrap();
        let start = Instant::now();
        let prepared = jit.prepare(ir.clone()).unwrap();
        prepared.run(&jit, &inputs).unwrap();
        times.push(start.elapsed().as_secs_f64() * 1e6);
    }
    println!(
        "compile loop: first {:.0} µs, then {:?} µs",
        times[0],
        &times[1..times.len().min(8)]
    );
}

fn main() {
    if let Some(k) = std::env::var("VEX_COMPILE_LOOP")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        compile_loop(k);
        return;
    }
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let arc_names = ["theta_1", "theta_2", "phi_1", "phi_2"];
    let ctx = vex::Context::with_backend(vex::Backend::Jit);
    let first = first_call(&ctx, ARC_DISTANCE, &arc_names);
    // Another program with the same functions (other names, no factor 2: new kernels),
    // compiled with whatever the first call built once per process already there.
    let renamed = ARC_DISTANCE
        .replace("theta", "lat")
        .replace("phi", "lon")
        .replace("2*arctan2", "arctan2");
    let again = first_call(
        &vex::Context::with_backend(vex::Backend::Jit),
        &renamed,
        &["lat_1", "lat_2", "lon_1", "lon_2"],
    );
    println!("arc distance first call: {first:.0} µs in a fresh process, {again:.0} µs for a second new program");

    let (a, b, c) = (
        uniform(n, 1, 0.0, 1.0),
        uniform(n, 2, 0.0, 1.0),
        uniform(n, 3, 0.0, 1.0),
    );
    let wide = uniform(n, 4, -1000.0, 1000.0);
    for (label, x) in [("[0, 1)", &a), ("[-1000, 1000)", &wide)] {
        for f in ["sin", "cos", "tan"] {
            let vars = vex::Vars::new().with("x", x);
            let p = ctx
                .compile(&format!("{f}(x)"), &vex::Signature::of(&vars))
                .unwrap();
            let ns = median_ns_per_element(n, || {
                std::hint::black_box(p.run(&vars).unwrap());
            });
            println!("{f:4} on {label:14} {ns:6.2} ns/element");
        }
    }
    let vars = vex::Vars::new()
        .with("theta_1", &a)
        .with("theta_2", &b)
        .with("phi_1", &c)
        .with("phi_2", &b);
    let p = ctx
        .compile(ARC_DISTANCE, &vex::Signature::of(&vars))
        .unwrap();
    let ns = median_ns_per_element(n, || {
        std::hint::black_box(p.run(&vars).unwrap());
    });
    println!(
        "arc distance            {ns:6.2} ns/element ({} threads)",
        vex::threads()
    );
}
