//! The WGSL helpers the math library builds on, against Rust's IEEE operations: the
//! exact fma emulation (used where the device's fma rounds twice, as on lavapipe) and the
//! rounding functions computed on the bits.

use vex_gpu::dispatch::{INDEX, MAIN_PARAMS};
use vex_gpu::wgsl::math::{MathLibrary, VM_INIT};
use vex_gpu::Device;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A float with a random sign, significand and exponent in `[lo, hi)` (biased).
    fn float(&mut self, lo: u64, hi: u64) -> f64 {
        let e = lo + self.next() % (hi - lo);
        f64::from_bits((self.next() >> 12) | (e << 52) | (self.next() & (1 << 63)))
    }
}

/// Runs `call` (a WGSL expression of `x: array<f64>` elements `x[k·i + j]`) over `n`
/// invocations.
fn run(device: &Device, call: &str, xs: &[f64], n: usize) -> Vec<f64> {
    let lib = MathLibrary::new(false);
    let code = format!(
        "@group(0) @binding(0) var<storage, read> x: array<f64>;\n\
         @group(0) @binding(1) var<storage, read_write> out: array<f64>;\n{}\n\
         @compute @workgroup_size(64)\nfn main({MAIN_PARAMS}) {{\n    {VM_INIT}\n    \
         let i = {INDEX};\n    if i >= arrayLength(&out) {{ return; }}\n    out[i] = {call};\n}}\n",
        lib.code()
    );
    let bytes: Vec<u8> = xs.iter().flat_map(|x| x.to_le_bytes()).collect();
    let out = device
        .run_shader(&code, &[&bytes], &[8 * n as u64], n as u64)
        .unwrap();
    out[0]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn emulated_fma_rounds_once() {
    let device = Device::new().unwrap();
    let mut rng = Rng(0x1234_5678);
    let mut triples: Vec<[f64; 3]> = Vec::new();
    let specials = [
        0.0,
        -0.0,
        1.0,
        f64::INFINITY,
        -f64::INFINITY,
        f64::NAN,
        f64::MAX,
        5e-324,
    ];
    for &a in &specials {
        for &b in &specials {
            for &c in &specials {
                triples.push([a, b, c]);
            }
        }
    }
    for k in 0..6000 {
        let a = rng.float(1023 - 60, 1023 + 60);
        let b = rng.float(1023 - 60, 1023 + 60);
        let c = match k % 4 {
            // Cancellation: c is the rounded product, the result is its error.
            0 => -(a * b),
            1 => -(a * b) * (1.0 + (rng.next() % 64) as f64 * f64::EPSILON),
            2 => rng.float(1023 - 200, 1023 + 200),
            _ => rng.float(1, 2046),
        };
        triples.push([a, b, c]);
        // A huge factor times a tiny one (division remainders), and tiny products.
        let huge = rng.float(2046 - 20, 2046);
        let small = rng.float(1, 40);
        triples.push([huge, small, -(huge * small)]);
        let tiny = rng.float(1023 - 500, 1023 - 480);
        triples.push([tiny, tiny * 0.75, -(tiny * tiny * 0.75)]);
    }
    let xs: Vec<f64> = triples.iter().flatten().copied().collect();
    let got = run(
        &device,
        "vm_fma_emulated(x[3u * i], x[3u * i + 1u], x[3u * i + 2u])",
        &xs,
        triples.len(),
    );
    let bad: Vec<String> = triples
        .iter()
        .zip(&got)
        .filter(|([a, b, c], g)| !same(**g, a.mul_add(*b, *c)))
        .take(8)
        .map(|([a, b, c], g)| {
            format!(
                "fma({a:e}, {b:e}, {c:e}) = {g:e}, want {:e}",
                a.mul_add(*b, *c)
            )
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{} triples:\n{}",
        triples.len(),
        bad.join("\n")
    );
}

#[test]
fn rounding_on_the_bits_matches_ieee() {
    let device = Device::new().unwrap();
    let mut rng = Rng(99);
    let mut xs = vec![
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        0.49999999999999994,
        4503599627370495.5,
        -4503599627370495.5,
        4503599627370496.0,
        -0.0,
        0.0,
        1e300,
        f64::INFINITY,
        -f64::INFINITY,
        f64::NAN,
        5e-324,
        -5e-324,
        -34552631.707719035,
        328979503.6618652,
    ];
    for _ in 0..3000 {
        xs.push((rng.next() % 100_000) as f64 / 8.0 - 5000.0);
        xs.push(f64::from_bits(rng.next()));
        xs.push(rng.float(1023 - 2, 1023 + 54));
    }
    type Round = fn(f64) -> f64;
    let cases: [(&str, Round); 3] = [
        ("vm_trunc", f64::trunc),
        ("vm_floor", f64::floor),
        ("vm_rint", f64::round_ties_even),
    ];
    for (name, reference) in cases {
        let got = run(&device, &format!("{name}(x[i])"), &xs, xs.len());
        let bad: Vec<String> = xs
            .iter()
            .zip(&got)
            .filter(|(x, g)| !same(**g, reference(**x)))
            .take(8)
            .map(|(x, g)| format!("{name}({x:e}) = {g:e}, want {:e}", reference(*x)))
            .collect();
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}
