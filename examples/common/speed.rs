//! What the per-function speed examples (log_speed, roots_speed, trig_speed) share:
//! reproducible inputs and a median time per element.

use std::time::Instant;

use ndarray::Array1;

/// `n` values uniform in `[lo, hi)` from an xorshift stream seeded by `seed`.
pub fn uniform(n: usize, seed: u64, lo: f64, hi: f64) -> Array1<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    Array1::from_shape_fn(n, |_| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
    })
}

/// The median of 15 timed calls of `f` (after one untimed warm-up), in nanoseconds per
/// element of an `n`-element workload.
pub fn median_ns_per_element(n: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut samples: Vec<f64> = (0..15)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_nanos() as f64 / n as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
