//! A one-off measurement (run with `cargo test -p vex-jit --release --test bench --
//! --ignored --nocapture`): `a + b*c` on 10^7 float64 with 2 threads against a plain
//! Rust loop.

mod common;

use std::time::Instant;

use common::*;
use ndarray::Array1;
use vex_expr::{Array, Operand};

fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

#[test]
#[ignore]
fn a_plus_b_times_c_at_ten_million() {
    let n = 10_000_000;
    let a = Array1::from_iter((0..n).map(|i| i as f64 * 0.5));
    let b = Array1::from_iter((0..n).map(|i| (i % 17) as f64));
    let c = Array1::from_iter((0..n).map(|i| 1.0 / (i as f64 + 1.0)));
    let vars = [
        ("a", Operand::from(&a)),
        ("b", Operand::from(&b)),
        ("c", Operand::from(&c)),
    ];
    let p = compile("a + b*c", &vars).unwrap();
    let inputs = inputs_for(&p, &vars);
    let jit = jit();
    jit.set_threads(2);
    let mut out = vec![Array::zeros(vex_expr::DType::F64, &[n])];
    jit.run_into(&p, &inputs, &mut out).unwrap();
    let reused = best_of(10, || jit.run_into(&p, &inputs, &mut out).unwrap());
    let fresh = best_of(10, || {
        std::hint::black_box(jit.run(&p, &inputs).unwrap());
    });
    let (sa, sb, sc) = (
        a.as_slice().unwrap(),
        b.as_slice().unwrap(),
        c.as_slice().unwrap(),
    );
    let mut r = vec![0.0f64; n];
    let plain = best_of(10, || {
        for i in 0..n {
            r[i] = sa[i] + sb[i] * sc[i];
        }
        std::hint::black_box(&r);
    });
    let plain_fresh = best_of(10, || {
        let v: Vec<f64> = (0..n).map(|i| sa[i] + sb[i] * sc[i]).collect();
        std::hint::black_box(v);
    });
    let ns = |t: f64| t * 1e9 / n as f64;
    println!(
        "a + b*c, 10^7 f64: JIT 2 threads into a reused output {:.2} ns/elem, fresh output \
         {:.2}; plain Rust loop (1 thread) reused {:.2}, fresh {:.2}; ratio plain/JIT \
         reused {:.2}x, fresh {:.2}x",
        ns(reused),
        ns(fresh),
        ns(plain),
        ns(plain_fresh),
        plain / reused,
        plain_fresh / fresh
    );
    assert_same(
        &out[0],
        &vex_expr::interp::run(&p, &inputs).unwrap()[0],
        0.0,
        "bench result",
    );
}

#[test]
#[ignore]
fn reductions_and_helpers_at_ten_million() {
    let n = 10_000_000;
    let a = Array1::from_iter((0..n).map(|i| (i % 1000) as f64 * 0.001 - 0.3));
    let vars = [("a", Operand::from(&a))];
    let jit = jit();
    jit.set_threads(2);
    for src in ["sum(a)", "sin(a) * 2", "where(a > 0, a, -a) + 1"] {
        let p = compile(src, &vars).unwrap();
        let inputs = inputs_for(&p, &vars);
        let t = Instant::now();
        let want = vex_expr::interp::run(&p, &inputs).unwrap();
        let interp = t.elapsed().as_secs_f64();
        jit.run(&p, &inputs).unwrap();
        let t = Instant::now();
        let got = jit.run(&p, &inputs).unwrap();
        let jitted = t.elapsed().as_secs_f64();
        assert_same(&got[0], &want[0], 1e-12, src);
        println!(
            "{src}, 10^7 f64: interpreter {:.2} ns/elem, JIT (2 threads) {:.2} ns/elem",
            interp * 1e9 / n as f64,
            jitted * 1e9 / n as f64
        );
    }
}

#[test]
#[ignore]
fn compile_time_of_a_small_kernel() {
    let a = Array1::from_iter((0..10).map(|i| i as f64));
    let vars = [("a", Operand::from(&a))];
    let p = compile("sqrt(a*a + 1) * 3 - a / 7", &vars).unwrap();
    let inputs = inputs_for(&p, &vars);
    let t = Instant::now();
    let reps = 50;
    for _ in 0..reps {
        // A fresh JIT each time: nothing cached.
        let jit = jit();
        jit.set_threads(1);
        jit.run(&p, &inputs).unwrap();
    }
    println!(
        "compile + run of a small kernel with a fresh JIT: {:.3} ms",
        t.elapsed().as_secs_f64() * 1e3 / reps as f64
    );
}

#[test]
#[ignore]
fn overhead_of_a_tiny_cached_run() {
    let a = Array1::from_iter((0..10).map(|i| i as f64));
    let vars = [("a", Operand::from(&a))];
    let p = compile("sqrt(a*a + 1) * 3 - a / 7", &vars).unwrap();
    let inputs = inputs_for(&p, &vars);
    let jit = jit();
    jit.run(&p, &inputs).unwrap();
    let reps = 20000;
    let t = Instant::now();
    for _ in 0..reps {
        std::hint::black_box(jit.run(&p, &inputs).unwrap());
    }
    let jitted = t.elapsed().as_secs_f64() * 1e6 / reps as f64;
    let t = Instant::now();
    for _ in 0..reps {
        std::hint::black_box(vex_expr::interp::run(&p, &inputs).unwrap());
    }
    let interp = t.elapsed().as_secs_f64() * 1e6 / reps as f64;
    println!("10 elements, cached kernel: JIT {jitted:.2} us per run, interpreter {interp:.2} us");
}
