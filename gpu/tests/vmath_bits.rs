//! The library's functions emitted as WGSL and run on the device compute the same bits as
//! the reference ([`vmath::eval`] on [`vmath::Scalar`]), on awkward inputs: signed zeros,
//! subnormals, infinities, NaN, the edges of each function's range, huge trigonometric
//! arguments (the Payne–Hanek path), and random bit patterns over every exponent.

use vex_expr::ir::{BinaryOp, Func};
use vex_expr::vmath::{self, Builder, Scalar};
use vex_gpu::dispatch::{INDEX, MAIN_PARAMS};
use vex_gpu::wgsl::math::{MathLibrary, TABLES, VM_INIT};
use vex_gpu::Device;

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// About `n` inputs: the specials, then random bit patterns (every exponent), then
/// random values of moderate size where most functions do their ordinary work.
fn inputs(n: usize, seed: u64) -> Vec<f64> {
    let mut xs = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        f64::from_bits(1),
        -f64::from_bits(1),
        f64::from_bits(0x000F_FFFF_FFFF_FFFF),
        f64::MAX,
        f64::MIN,
        std::f64::consts::PI,
        std::f64::consts::FRAC_PI_2,
        -std::f64::consts::FRAC_PI_4,
        709.782712893384,
        -745.1332191019411,
        710.0,
        -746.0,
        1e22,
        -1e22,
        1e300,
        6381956970095103.0 * 2f64.powi(797),
        1.0 - f64::EPSILON,
        1.0 + f64::EPSILON,
        1e-300,
        0.999_999_999,
    ];
    let mut rng = Rng(seed);
    while xs.len() < n / 2 {
        xs.push(f64::from_bits(rng.next()));
    }
    while xs.len() < n {
        let unit = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
        let scale = [1.0, 4.0, 100.0, 1e6][(rng.next() % 4) as usize];
        xs.push((unit * 2.0 - 1.0) * scale);
    }
    xs
}

/// Same bits, or both NaN (payloads are not specified).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn bytes(xs: &[f64]) -> Vec<u8> {
    xs.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Runs the WGSL function `name` of `lib` over `args` (one or two inputs) on the device.
fn run(device: &Device, lib: &MathLibrary, name: &str, args: &[&[f64]]) -> Vec<f64> {
    let n = args[0].len();
    let mut decls = String::new();
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    let mut call = Vec::new();
    for (k, xs) in args.iter().enumerate() {
        decls += &format!("@group(0) @binding({k}) var<storage, read> in{k}: array<f64>;\n");
        inputs.push(bytes(xs));
        call.push(format!("in{k}[i]"));
    }
    if !lib.tables().is_empty() {
        let k = inputs.len();
        decls += &format!("@group(0) @binding({k}) var<storage, read> {TABLES}: array<f64>;\n");
        inputs.push(bytes(lib.tables()));
    }
    let k = inputs.len();
    decls += &format!("@group(0) @binding({k}) var<storage, read_write> out: array<f64>;\n");
    let code = format!(
        "{decls}\n{}\n@compute @workgroup_size(64)\nfn main({MAIN_PARAMS}) {{\n    {VM_INIT}\n    let i = {INDEX};\n    if i >= arrayLength(&out) {{ return; }}\n    out[i] = {name}({});\n}}\n",
        lib.code(),
        call.join(", ")
    );
    let refs: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    let out = device
        .run_shader(&code, &refs, &[8 * n as u64], n as u64)
        .unwrap_or_else(|e| panic!("{name}: {e}\n{code}"));
    out[0]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn device() -> Device {
    let device = Device::new().expect("a GPU adapter (lavapipe in CI)");
    assert!(
        device.has_f64() && device.has_int64(),
        "{:?}",
        device.summary()
    );
    device
}

/// Compares `got` with `want` elementwise: the first few mismatches, described, added to
/// `report`; prints the count per function (visible with `--nocapture`).
fn check(report: &mut Vec<String>, what: &str, args: &[&[f64]], got: &[f64], want: &[f64]) {
    let bad: Vec<usize> = (0..want.len())
        .filter(|&i| !same(got[i], want[i]))
        .collect();
    println!("{what}: {} of {} inputs differ", bad.len(), want.len());
    for &i in bad.iter().take(4) {
        let xs: Vec<String> = args.iter().map(|a| format!("{:e}", a[i])).collect();
        report.push(format!(
            "{what}({}) = {:e}, want {:e}",
            xs.join(", "),
            got[i],
            want[i]
        ));
    }
}

const UNARY: [Func; 20] = [
    Func::Sqrt,
    Func::Exp,
    Func::Expm1,
    Func::Sinh,
    Func::Cosh,
    Func::Tanh,
    Func::Arctan,
    Func::Arcsin,
    Func::Arccos,
    Func::Sin,
    Func::Cos,
    Func::Tan,
    Func::Log,
    Func::Log2,
    Func::Log10,
    Func::Log1p,
    Func::Cbrt,
    Func::Arcsinh,
    Func::Arccosh,
    Func::Arctanh,
];

#[test]
fn unary_functions_compute_the_reference_bits() {
    let device = device();
    let xs = inputs(4000, 0x9E37_79B9_7F4A_7C15);
    let mut report = Vec::new();
    for f in UNARY {
        let mut lib = MathLibrary::new(device.fma_is_fused().unwrap());
        let name = lib.function(f).unwrap();
        let got = run(&device, &lib, &name, &[&xs]);
        let want: Vec<f64> = xs.iter().map(|&x| vmath::eval(f, &[x]).unwrap()).collect();
        check(&mut report, &name, &[&xs], &got, &want);
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn binary_functions_compute_the_reference_bits() {
    let device = device();
    let xs = inputs(4000, 1);
    // Every special against every special, then random pairs.
    let specials = &xs[..33];
    let (mut a, mut b): (Vec<f64>, Vec<f64>) = specials
        .iter()
        .flat_map(|&x| specials.iter().map(move |&y| (x, y)))
        .unzip();
    let ys = inputs(4000, 2);
    a.extend_from_slice(&xs);
    b.extend(ys.iter().rev());
    let mut report = Vec::new();
    for f in [Func::Arctan2, Func::Hypot] {
        let mut lib = MathLibrary::new(device.fma_is_fused().unwrap());
        let name = lib.function(f).unwrap();
        let got = run(&device, &lib, &name, &[&a, &b]);
        let want: Vec<f64> = (0..a.len())
            .map(|i| vmath::eval(f, &[a[i], b[i]]).unwrap())
            .collect();
        check(&mut report, &name, &[&a, &b], &got, &want);
    }
    let mut lib = MathLibrary::new(device.fma_is_fused().unwrap());
    let name = lib.binary(BinaryOp::Pow).unwrap();
    let got = run(&device, &lib, &name, &[&a, &b]);
    let want: Vec<f64> = (0..a.len())
        .map(|i| vmath::binary(&mut Scalar, BinaryOp::Pow, a[i], b[i]).unwrap())
        .collect();
    check(&mut report, &name, &[&a, &b], &got, &want);
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The primitives whose WGSL is not one operation, on inputs where a naive translation
/// differs: NaN tests, signed zeros, conversions at the edges of their range.
#[test]
fn primitives_built_from_bit_operations_are_exact() {
    let device = device();
    let xs = inputs(2000, 3);
    // Each case: the WGSL function's body through the builder, and the same on Scalar.
    fn emit<B: Builder>(b: &mut B, x: B::F) -> B::F {
        let nan = b.is_nan(x);
        let neg = b.neg(x);
        let abs = b.abs(x);
        let cs = b.copysign(abs, neg);
        let t = b.trunc(x);
        let small = b.splat(1e15);
        let ok = b.lt(abs, small);
        let zero = b.splat(0.0);
        let t = b.select(ok, t, zero);
        let i = b.to_int(t);
        let f = b.to_float(i);
        let back = b.add(f, cs);
        b.select_c(nan, 42.0, back)
    }
    let mut lib = MathLibrary::new(device.fma_is_fused().unwrap());
    let name = lib.define("prims", 1, |b, a| emit(b, a[0]));
    let got = run(&device, &lib, &name, &[&xs]);
    let want: Vec<f64> = xs.iter().map(|&x| emit(&mut Scalar, x)).collect();
    let mut report = Vec::new();
    check(&mut report, &name, &[&xs], &got, &want);
    assert!(report.is_empty(), "{}", report.join("\n"));
}
