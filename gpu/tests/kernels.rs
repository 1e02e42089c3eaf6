//! Elementwise kernels on the device against the reference interpreter
//! (`vex_expr::interp::run`), on random data of sizes around the workgroup (0, 1, 63, 64,
//! 65, 1025), 2-D shapes, broadcasts and slices, for every dtype the backend computes.
//! Arithmetic, comparisons, `where`, casts: the same bits. Math functions: within the
//! bound of the two implementations (the interpreter calls the platform's libm, the GPU
//! the vmath algorithms; both are within 1 ULP of the exact result).

use ndarray::{ArrayD, IxDyn};
use vex_expr::{compile, interp, Array, ArrayElement, Operand};
use vex_gpu::{Device, GpuError};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Random values of type `T` (awkward ones included: zeros, negatives, NaN, ±inf where
/// the type has them) in an array of `shape`.
fn random<T: ArrayElement>(rng: &mut Rng, shape: &[usize], f: impl Fn(u64) -> T) -> Array {
    let n: usize = shape.iter().product();
    let data: Vec<T> = (0..n).map(|_| f(rng.next())).collect();
    T::wrap(ArrayD::from_shape_vec(IxDyn(shape), data).unwrap())
}

fn float(bits: u64) -> f64 {
    match bits % 16 {
        0 => 0.0,
        1 => -0.0,
        2 => f64::NAN,
        3 => f64::INFINITY,
        4 => -f64::INFINITY,
        5 => f64::from_bits(bits >> 12), // subnormal or tiny
        6 => ((bits >> 8) % 7) as f64 - 3.0,
        _ => ((bits >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2f64.powi((bits % 40) as i32 - 20),
    }
}

fn array(rng: &mut Rng, dtype: &str, shape: &[usize]) -> Array {
    match dtype {
        "float64" => random(rng, shape, float),
        "float32" => random(rng, shape, |b| float(b) as f32),
        "int32" => random(rng, shape, |b| match b % 4 {
            0 => (b >> 32) as i32,
            _ => ((b >> 20) % 200) as i32 - 100,
        }),
        "uint32" => random(rng, shape, |b| match b % 4 {
            0 => (b >> 32) as u32,
            _ => ((b >> 20) % 200) as u32,
        }),
        "bool" => random(rng, shape, |b| b % 2 == 0),
        _ => unreachable!(),
    }
}

/// Same bits (NaN of any payload matches NaN), or within `ulps` for floats.
fn agree(got: &Array, want: &Array, ulps: u64) -> Result<(), String> {
    if got.dtype() != want.dtype() || got.shape() != want.shape() {
        return Err(format!(
            "{:?}{:?} vs {:?}{:?}",
            got.dtype(),
            got.shape(),
            want.dtype(),
            want.shape()
        ));
    }
    fn close(g: f64, w: f64, ulps: u64) -> bool {
        if g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()) {
            return true;
        }
        g.is_finite()
            && w.is_finite()
            && (g.is_sign_negative() == w.is_sign_negative())
            && (g.to_bits() as i64 - w.to_bits() as i64).unsigned_abs() <= ulps
    }
    let bad = match (got, want) {
        (Array::F64(g), Array::F64(w)) => g.iter().zip(w).position(|(a, b)| !close(*a, *b, ulps)),
        (Array::F32(g), Array::F32(w)) => g.iter().zip(w).position(|(a, b)| {
            let (a, b) = (*a, *b);
            !(a.to_bits() == b.to_bits()
                || (a.is_nan() && b.is_nan())
                || (a.is_finite()
                    && b.is_finite()
                    && a.is_sign_negative() == b.is_sign_negative()
                    && (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() <= ulps))
        }),
        _ => (got != want).then_some(0),
    };
    match bad {
        None => Ok(()),
        Some(i) => {
            let flat = |a: &Array| -> String {
                match a {
                    Array::F64(v) => format!(
                        "{:e} ({:#x})",
                        v.iter().nth(i).unwrap(),
                        v.iter().nth(i).unwrap().to_bits()
                    ),
                    Array::F32(v) => format!(
                        "{:e} ({:#x})",
                        v.iter().nth(i).unwrap(),
                        v.iter().nth(i).unwrap().to_bits()
                    ),
                    other => format!("{other:?}"),
                }
            };
            Err(format!(
                "first difference at flat index {i}: got {}, want {}",
                flat(got),
                flat(want)
            ))
        }
    }
}

/// Runs `expr` over operands `a`, `b`, `c` of `dtype` and the given shapes on the GPU and
/// in the interpreter; compares.
fn check(device: &Device, rng: &mut Rng, expr: &str, dtype: &str, shapes: &[&[usize]], ulps: u64) {
    let arrays: Vec<Array> = shapes.iter().map(|s| array(rng, dtype, s)).collect();
    let names = ["a", "b", "c"];
    let operands: Vec<(&str, Operand)> = arrays
        .iter()
        .zip(names)
        .map(|(a, n)| (n, Operand::from(a.view())))
        .collect();
    let program = compile(expr, &operands).unwrap_or_else(|e| panic!("{expr}: {e}"));
    // Only the operands the expression uses become program inputs.
    let inputs: Vec<_> = program
        .inputs
        .iter()
        .map(|d| arrays[names.iter().position(|n| *n == d.name).unwrap()].view())
        .collect();
    let want = interp::run(&program, &inputs).unwrap();
    let got = device
        .run_program(&program, &inputs)
        .unwrap_or_else(|e| panic!("{expr} on {dtype} {shapes:?}: {e}"));
    for (g, w) in got.iter().zip(&want) {
        if let Err(e) = agree(g, w, ulps) {
            panic!("{expr} on {dtype} {shapes:?}: {e}");
        }
    }
}

const SIZES: [usize; 6] = [0, 1, 63, 64, 65, 1025];

#[test]
fn arithmetic_and_comparisons_match_the_interpreter_bit_for_bit() {
    let device = Device::new().unwrap();
    let mut rng = Rng(0xDEAD_BEEF);
    let numeric = [
        "a + b * c",
        "a * b - c",
        "where(a < b, a, c)",
        "(a == b) | (b != c)",
        "(a <= b) & (b > c)",
        "-a + b",
    ];
    for dtype in ["float64", "float32", "int32", "uint32"] {
        for expr in numeric {
            for n in SIZES {
                check(&device, &mut rng, expr, dtype, &[&[n], &[n], &[n]], 0);
            }
            // Broadcasts: a column against rows, a scalar-like axis, 2-D.
            check(
                &device,
                &mut rng,
                expr,
                dtype,
                &[&[5, 1], &[65], &[1, 65]],
                0,
            );
            check(&device, &mut rng, expr, dtype, &[&[3, 0], &[1], &[3, 1]], 0);
            check(
                &device,
                &mut rng,
                expr,
                dtype,
                &[&[2, 3, 4], &[3, 1], &[4]],
                0,
            );
        }
    }
    for dtype in ["float64", "float32"] {
        for n in SIZES {
            check(
                &device,
                &mut rng,
                "a / b + c",
                dtype,
                &[&[n], &[n], &[n]],
                0,
            );
        }
    }
    for n in SIZES {
        check(
            &device,
            &mut rng,
            "(a & b) ^ c",
            "bool",
            &[&[n], &[n], &[n]],
            0,
        );
        check(
            &device,
            &mut rng,
            "where(a, b, c)",
            "bool",
            &[&[n], &[n], &[n]],
            0,
        );
        check(
            &device,
            &mut rng,
            "(a ^ b) | ~c",
            "int32",
            &[&[n], &[n], &[n]],
            0,
        );
    }
}

#[test]
fn slices_and_reversed_views_read_the_right_elements() {
    let device = Device::new().unwrap();
    let mut rng = Rng(7);
    for dtype in ["float64", "int32"] {
        check(
            &device,
            &mut rng,
            "a[::-1] + b[1:]",
            dtype,
            &[&[66], &[67]],
            0,
        );
        check(
            &device,
            &mut rng,
            "a[1:, ::2] * b",
            dtype,
            &[&[4, 9], &[5]],
            0,
        );
        check(&device, &mut rng, "a.T - b", dtype, &[&[3, 5], &[5, 3]], 0);
    }
}

#[test]
fn ranges_are_computed_in_the_shader_as_the_interpreter_computes_them() {
    let device = Device::new().unwrap();
    let mut rng = Rng(17);
    for dtype in ["float64", "float32"] {
        for (expr, shape) in [
            ("a + linspace(0, 1, 65)", vec![65]),
            ("a * linspace(-1, 1, 5)", vec![3, 5]),
            ("a + linspace(0, 1, 65)[::-1]", vec![65]),
            ("a + linspace(2, 3, 1)", vec![4]),
            ("a + linspace(0, 5e-324, 7)", vec![7]),
            ("a - arange(0.5, 6.5, 0.1)", vec![60]),
            ("a + arange(-3.0, 1e3, 7.25)", vec![139]),
        ] {
            check(&device, &mut rng, expr, dtype, &[&shape], 0);
        }
    }
}

#[test]
fn rounding_sign_and_extrema_functions_match_the_interpreter() {
    let device = Device::new().unwrap();
    let mut rng = Rng(23);
    for n in [1, 65, 1025] {
        for dtype in ["float64", "float32"] {
            for expr in [
                "floor(a)",
                "ceil(a)",
                "trunc(a)",
                "round(a)",
                "sign(a)",
                "abs(a)",
                "copysign(a, b)",
                "maximum(a, b)",
                "minimum(a, b)",
                "where(isnan(a) | isinf(b), 1.0, 0.0)",
            ] {
                check(&device, &mut rng, expr, dtype, &[&[n], &[n]], 0);
            }
        }
        for dtype in ["int32", "uint32"] {
            for expr in ["maximum(a, b)", "minimum(a, b)", "abs(a)", "sign(a)"] {
                check(&device, &mut rng, expr, dtype, &[&[n], &[n]], 0);
            }
        }
    }
}

#[test]
fn casts_match_the_interpreter() {
    let device = Device::new().unwrap();
    let mut rng = Rng(11);
    for n in [1, 65, 1025] {
        for (expr, dtype) in [
            ("float64(a) + 1", "int32"),
            ("float32(a)", "float64"),
            ("float64(a)", "float32"),
            ("int32(a)", "float64"),
            ("uint32(a)", "float32"),
            ("float32(a)", "int32"),
            ("int32(a)", "uint32"),
            ("bool(a)", "float64"),
            ("float64(a)", "bool"),
        ] {
            check(&device, &mut rng, expr, dtype, &[&[n]], 0);
        }
    }
}

#[test]
fn math_functions_agree_within_the_documented_bound() {
    let device = Device::new().unwrap();
    let mut rng = Rng(3);
    for dtype in ["float64", "float32"] {
        for n in [1, 64, 1025] {
            for expr in ["sin(a)", "cos(a)", "exp(a)", "log(a)", "tanh(a)", "cbrt(a)"] {
                check(&device, &mut rng, expr, dtype, &[&[n]], 2);
            }
            check(&device, &mut rng, "arctan2(a, b)", dtype, &[&[n], &[n]], 2);
            check(&device, &mut rng, "a ** b", dtype, &[&[n], &[n]], 2);
        }
    }
}

#[test]
fn dispatches_beyond_the_per_dimension_limit_use_two_dimensions() {
    let mut device = Device::new().unwrap();
    // 1025 points are 17 workgroups: with 5 per dimension, a 5 x 4 grid with 3 to spare.
    device.limit_workgroups(5);
    let mut rng = Rng(5);
    check(
        &device,
        &mut rng,
        "a * b + c",
        "float64",
        &[&[1025], &[1025], &[1025]],
        0,
    );
    check(
        &device,
        &mut rng,
        "a - b",
        "int32",
        &[&[7, 150], &[150], &[7, 1]],
        0,
    );
    // 64 · 2 · 2 = 256 invocations at most: 1025 points do not fit.
    device.limit_workgroups(2);
    let a = ndarray::Array1::<f32>::zeros(1025).into_dyn();
    let program = compile("a + 1", &[("a", Operand::from(&a))]).unwrap();
    let err = device
        .run_program(&program, &[a.view().into()])
        .unwrap_err();
    assert!(matches!(err, GpuError::Unsupported(_)), "{err}");
}

#[test]
fn one_pipeline_serves_every_size_of_a_kernel() {
    let device = Device::new().unwrap();
    let mut rng = Rng(13);
    let mut counts = Vec::new();
    for n in [1, 64, 1025] {
        check(&device, &mut rng, "a * b + 2", "float32", &[&[n], &[n]], 0);
        check(
            &device,
            &mut rng,
            "a * b + 2",
            "float32",
            &[&[3, n], &[n]],
            0,
        );
        counts.push(device.cached_pipelines());
    }
    // The first sizes compile the 1-D and the 2-D kernel (and the fma probe); the others
    // reuse them.
    assert_eq!(counts, [counts[0]; 3]);
    assert!(counts[0] <= 3, "{counts:?}");
}

#[test]
fn arrays_above_the_largest_binding_are_refused_not_truncated() {
    let device = Device::new().unwrap();
    let limit = device.summary().max_storage_binding;
    // lavapipe's limit is 128 MiB; skip where it would need an unreasonable allocation.
    if limit > 256 << 20 {
        return;
    }
    let a = ndarray::Array1::<f32>::zeros(limit as usize / 4 + 1).into_dyn();
    let program = compile("a + 1", &[("a", Operand::from(&a))]).unwrap();
    let err = device
        .run_program(&program, &[a.view().into()])
        .unwrap_err();
    assert!(err.to_string().contains("largest storage binding"), "{err}");
}

mod random_programs {
    use super::*;
    use proptest::prelude::*;

    /// A shape of up to 3 axes from lengths around the workgroup size.
    fn shape() -> impl Strategy<Value = Vec<usize>> {
        prop::collection::vec(
            prop::sample::select(vec![0usize, 1, 2, 3, 5, 63, 64, 65]),
            0..=3,
        )
        .prop_filter("not too large", |s| s.iter().product::<usize>() <= 20_000)
    }

    /// `shape` broadcast-compatible with an operand: some axes set to 1, some leading
    /// axes dropped.
    fn broadcast_of(shape: Vec<usize>) -> impl Strategy<Value = Vec<usize>> {
        let n = shape.len();
        (prop::collection::vec(any::<bool>(), n), 0..=n).prop_map(move |(ones, drop)| {
            shape
                .iter()
                .zip(&ones)
                .map(|(&d, &one)| if one { 1 } else { d })
                .skip(drop)
                .collect()
        })
    }

    const EXPRS: [&str; 6] = [
        "a + b * c",
        "where(a > b, c, a - b)",
        "(a == c) | (b < c)",
        "a * a - b * c",
        "-(a - c) + b",
        "where(a != a, b, c)",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn agree_with_the_interpreter(
            (sa, sb, sc) in shape().prop_flat_map(|s| (Just(s.clone()), broadcast_of(s.clone()), broadcast_of(s))),
            expr in prop::sample::select(EXPRS.to_vec()),
            dtype in prop::sample::select(vec!["float64", "float32", "int32", "uint32"]),
            seed in any::<u64>(),
        ) {
            let device = shared_device();
            let mut rng = Rng(seed | 1);
            check(device, &mut rng, expr, dtype, &[&sa, &sb, &sc], 0);
        }
    }

    /// One device for every case (opening one per case would dominate the run).
    fn shared_device() -> &'static Device {
        static DEVICE: std::sync::OnceLock<Device> = std::sync::OnceLock::new();
        DEVICE.get_or_init(|| Device::new().unwrap())
    }
}

#[test]
fn what_the_gpu_can_not_compute_is_refused_with_the_reason() {
    let device = Device::new().unwrap();
    let a = ndarray::array![1i64, 2, 3].into_dyn();
    let program = compile("a + 1", &[("a", Operand::from(&a))]).unwrap();
    let err = device
        .run_program(&program, &[a.view().into()])
        .unwrap_err();
    assert!(
        matches!(&err, GpuError::Unsupported(m) if m.contains("I64")),
        "{err}"
    );
    let x = ndarray::array![1.0, 2.0].into_dyn();
    let program = compile("sum(x)", &[("x", Operand::from(&x))]).unwrap();
    let err = device
        .run_program(&program, &[x.view().into()])
        .unwrap_err();
    assert_eq!(err, GpuError::Unsupported("reductions".into()));
    let program = compile("x + rand(2)", &[("x", Operand::from(&x))]).unwrap();
    let err = device
        .run_program(&program, &[x.view().into()])
        .unwrap_err();
    assert!(err.to_string().contains("random sources"), "{err}");
}
