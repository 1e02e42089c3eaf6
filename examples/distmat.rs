//! Times the distance-matrix workload on the JIT: `cargo run --release --example distmat`.
use std::time::Instant;

fn main() {
    let n = 2000;
    let r =
        ndarray::Array2::from_shape_fn((n, 3), |(i, k)| ((i * 7 + k * 13) % 101) as f64 / 101.0);
    let vars = vex::Vars::new().with("r", &r);
    let src = "sqrt(sum((r[:, None, :] - r[None, :, :])**2, axis=2))";
    let ctx = vex::Context::with_backend(vex::Backend::Jit);
    let p = ctx.compile(src, &vex::Signature::of(&vars)).unwrap();
    p.run(&vars).unwrap();
    let mut best = f64::INFINITY;
    for _ in 0..10 {
        let t = Instant::now();
        std::hint::black_box(p.run(&vars).unwrap());
        best = best.min(t.elapsed().as_secs_f64());
    }
    // The hand-written loop, for the ratio.
    let mut lbest = f64::INFINITY;
    for _ in 0..10 {
        let t = Instant::now();
        let mut out = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                let mut s = 0.0;
                for k in 0..3 {
                    let d = r[[i, k]] - r[[j, k]];
                    s += d * d;
                }
                out[i * n + j] = f64::sqrt(s);
            }
        }
        std::hint::black_box(&out);
        lbest = lbest.min(t.elapsed().as_secs_f64());
    }
    println!("vex {:.2} ms, loop {:.2} ms", best * 1e3, lbest * 1e3);
}
