//! Programs built by the real pipeline (parse → check → lower → optimize), with odd
//! sizes, strides, broadcasts and thread counts, against the interpreter.

mod common;

use common::*;
use ndarray::{s, Array1, Array2, ArrayD, IxDyn, ShapeBuilder};
use vex_expr::{Array, Operand};
use vex_jit::{Jit, JitError};

const SIZES: [usize; 11] = [0, 1, 2, 3, 7, 15, 16, 17, 1023, 1025, 65537];

fn data(n: usize, seed: u64) -> Array1<f64> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    Array1::from_iter((0..n).map(|_| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 11) as f64 / (1u64 << 53) as f64) * 20.0 - 10.0
    }))
}

/// Runs `src` with the interpreter and with the JIT on 1, 2, 3 and 8 threads; results
/// must match the interpreter (within `tol`) and be identical across thread counts.
fn check_src(jits: &[Jit], src: &str, vars: &[(&str, Operand)], tol: f64) {
    let p = compile(src, vars).unwrap_or_else(|e| panic!("{src}: {e}"));
    let inputs = inputs_for(&p, vars);
    let want = vex_expr::interp::run(&p, &inputs);
    let mut first: Option<Vec<Array>> = None;
    for jit in jits {
        let got = match (jit.run(&p, &inputs), &want) {
            (Ok(g), Ok(w)) => {
                for (g, w) in g.iter().zip(w) {
                    assert_same(g, w, tol, &format!("{src} on {} threads", jit.threads()));
                }
                g
            }
            (Err(JitError::Eval(e)), Err(w)) => {
                assert_eq!(e.kind, w.kind, "{src}");
                continue;
            }
            (g, w) => panic!("{src}: JIT {g:?}, interpreter {w:?}"),
        };
        match &first {
            None => first = Some(got),
            Some(f) => {
                for (a, b) in f.iter().zip(&got) {
                    assert_same(a, b, 0.0, &format!("{src}: thread counts differ"));
                }
            }
        }
    }
}

fn jits() -> Vec<Jit> {
    [1, 2, 3, 8]
        .into_iter()
        .map(|n| {
            let j = jit();
            j.set_threads(n);
            j
        })
        .collect()
}

#[test]
fn elementwise_float_expressions_at_many_sizes() {
    let jits = jits();
    for n in SIZES {
        let (a, b, c) = (data(n, 1), data(n, 2), data(n, 3));
        let vars = [
            ("a", Operand::from(&a)),
            ("b", Operand::from(&b)),
            ("c", Operand::from(&c)),
        ];
        for src in [
            "a + b*c",
            "sqrt(abs(a)) - b / c",
            "maximum(a, b) * minimum(b, c) + floor(c)",
            "where(a > b, a, c * 2)",
            "-a + 1.5",
            "float32(a) * float32(b)",
            "(a > 0) & (b < 1)",
        ] {
            check_src(&jits, src, &vars, 0.0);
        }
    }
}

#[test]
fn integer_expressions_at_many_sizes() {
    let jits = jits();
    for n in SIZES {
        let a: Array1<i32> = data(n, 4).mapv(|x| (x * 1000.0) as i32);
        let b: Array1<i32> = data(n, 5).mapv(|x| (x * 3.0) as i32);
        let u: Array1<u8> = data(n, 6).mapv(|x| (x * 20.0) as i64 as u8);
        let vars = [
            ("a", Operand::from(&a)),
            ("b", Operand::from(&b)),
            ("u", Operand::from(&u)),
        ];
        for src in [
            "a + b * 3",
            "a // b + a % b",
            "a << b",
            "a >> (b & 7)",
            "u * u - 7",
            "abs(a) ^ b",
            "int64(a) * int64(b)",
            "float64(a) / 3",
            "u // 3 + u % 5",
        ] {
            check_src(&jits, src, &vars, 0.0);
        }
    }
}

#[test]
fn strided_negative_and_broadcast_operands() {
    let jits = jits();
    for n in [1usize, 2, 3, 7, 17, 1025, 40000] {
        let base = data(3 * n, 7);
        let rev = base.slice(s![..;-3]).to_owned();
        let m = Array2::from_shape_fn((n.min(300), 5), |(i, j)| (i * 5 + j) as f64 * 0.5 - 3.0);
        let col = Array2::from_shape_fn((m.nrows(), 1), |(i, _)| i as f64 - 1.0);
        let row = Array1::from_iter((0..5).map(|j| j as f64 * 2.0));
        let a = base.slice(s![..;-3]);
        let b = base.slice(s![1..;3]);
        let t = m.t();
        let vars = [
            ("a", Operand::from(a)),
            ("b", Operand::from(b)),
            ("r", Operand::from(&rev)),
            ("m", Operand::from(&m)),
            ("t", Operand::from(t)),
            ("col", Operand::from(&col)),
            ("row", Operand::from(&row)),
        ];
        for src in [
            "a + b * r",
            "a[::-1] - sum(b[::2])",
            "m * col + row",
            "t * 2 + 1",
            "m[::-1, 1:4] * row[1:4]",
            "m.T[::2] + 0.5",
        ] {
            check_src(&jits, src, &vars, 0.0);
        }
    }
}

#[test]
fn index_sources() {
    let jits = jits();
    for src in [
        "arange(5) * 2",
        "arange(100000) % 7",
        "linspace(0, 1, 50001)[::-1] * 3",
        "arange(1, 2, 0.25)",
        "linspace(-1, 1, 1) + 0",
        "arange(70000) * 0.5 + linspace(0, 10, 70000)",
    ] {
        check_src(&jits, src, &[], 0.0);
    }
}

#[test]
fn reductions_match_and_do_not_depend_on_threads() {
    let jits = jits();
    for n in SIZES {
        let a = data(n, 8);
        let i: Array1<i64> = a.mapv(|x| (x * 100.0) as i64);
        let m = ArrayD::from_shape_fn(IxDyn(&[n.min(700), 3, 5]), |ix| {
            (ix[0] * 15 + ix[1] * 5 + ix[2]) as f64 * 0.25 - 7.0
        });
        let vars = [
            ("a", Operand::from(&a)),
            ("i", Operand::from(&i)),
            ("m", Operand::from(&m)),
        ];
        for src in [
            "sum(a)",
            "sum(a * a) + mean(a)",
            "a - mean(a)",
            "prod(a[:20] * 0.1 + 1)",
            "sum(i) + prod(i[:5]) + sum(i * i)",
            "any(a > 9.99) + all(a < 10)",
            "sum(m, axis=0)",
            "sum(m, axis=1)",
            "sum(m, axis=2)",
            "mean(m, axis=0) + mean(m, axis=(1, 2))[:, None, None]",
            "sum(float32(m), axis=(0, 2))",
            // Rows of 5 (shorter than a vector step) and of 15 (longer).
            "sqrt(sum((m[:, None, 0, :] - m[None, :, 1, :])**2, axis=2))",
            "sum(m[:, None, :, :] * m[None, :5, :, :], axis=(2, 3))",
        ] {
            check_src(&jits, src, &vars, 1e-12);
        }
        if n > 0 {
            for src in ["min(a) + max(a)", "max(m, axis=1)", "min(i) - max(i)"] {
                check_src(&jits, src, &vars, 1e-12);
            }
        }
    }
}

#[test]
fn run_into_writes_in_place_and_through_copies() {
    let jit = jit();
    let a = data(50000, 9);
    let vars = [("a", Operand::from(&a))];
    let p = compile("a * 2, sum(a)", &vars).unwrap();
    let inputs = inputs_for(&p, &vars);
    let want = vex_expr::interp::run(&p, &inputs).unwrap();
    let mut outs = vec![
        Array::zeros(want[0].dtype(), want[0].shape()),
        Array::zeros(want[1].dtype(), want[1].shape()),
    ];
    jit.run_into(&p, &inputs, &mut outs).unwrap();
    assert_same(&outs[0], &want[0], 0.0, "in place");
    assert_same(&outs[1], &want[1], 1e-12, "sum");
    // A Fortran-order output goes through a copy.
    let m = Array2::from_shape_fn((40, 30), |(i, j)| (i * 30 + j) as f64);
    let vars = [("m", Operand::from(&m))];
    let p = compile("m + 1", &vars).unwrap();
    let inputs = inputs_for(&p, &vars);
    let want = vex_expr::interp::run(&p, &inputs).unwrap();
    let f = ndarray::Array2::<f64>::zeros((40, 30).f()).into_dyn();
    let mut outs = vec![Array::F64(f)];
    jit.run_into(&p, &inputs, &mut outs).unwrap();
    assert_same(&outs[0], &want[0], 0.0, "fortran");
    // Wrong output shapes are the interpreter's input error.
    let mut bad = vec![Array::zeros(vex_expr::DType::F64, &[3])];
    assert!(matches!(
        jit.run_into(&p, &inputs, &mut bad),
        Err(JitError::Eval(e)) if e.kind == vex_expr::ErrorKind::Input
    ));
}

#[test]
fn transcendental_functions_and_float_division_run_through_helpers() {
    let jits = jits();
    for n in [0usize, 1, 3, 255, 256, 257, 1000, 40000] {
        let (a, b, c) = (data(n, 13), data(n, 14), data(n, 15));
        let m = ArrayD::from_shape_fn(IxDyn(&[n.min(300), 7]), |ix| {
            (ix[0] * 7 + ix[1]) as f64 * 0.01 - 3.0
        });
        let vars = [
            ("a", Operand::from(&a)),
            ("b", Operand::from(&b)),
            ("c", Operand::from(&c)),
            ("m", Operand::from(&m)),
        ];
        for src in [
            "sin(a) * cos(b) + exp(c / 10)",
            "a // b + a % b",
            "abs(a) ** b",
            "arctan2(a, b) + hypot(a, b) - fmod(a, c)",
            "log(abs(a) + 1) + sum(sin(a))",
            "where(a > 0, sqrt(a), sin(a))",
            "mean(exp(m / 4), axis=1)",
            "sum(cos(m), axis=0) + 1",
            "logaddexp(a, b) * 2 + log1p(abs(c))",
            "x = sin(a); y = cos(x) + x; y * tan(y) + x",
        ] {
            check_src(&jits, src, &vars, 1e-12);
        }
        // float32 `**` runs in vector math (in float64, rounded once), the interpreter in
        // libm's powf: the two may differ by an ULP of float32.
        let src = "float32(a) ** float32(b) + float32(tanh(c))";
        check_src(&jits, src, &vars, 2.0 * f64::from(f32::EPSILON));
    }
}

#[test]
fn complex_numbers_are_compiled() {
    // More in tests/complex.rs; here through several thread counts.
    let a = data(1000, 10);
    let vars = [("a", Operand::from(&a))];
    for src in ["a * 1j + 1", "exp(a * 1j) * (a + 2j)", "sum((a + 1j) ** 2)"] {
        check_src(&jits(), src, &vars, 0.0);
    }
}

#[test]
fn wrong_inputs_are_errors_not_panics() {
    let jit = jit();
    let a = data(10, 11);
    let vars = [("a", Operand::from(&a))];
    let p = compile("a + 1", &vars).unwrap();
    let short = data(9, 1);
    let r = jit.run(&p, &[short.view().into_dyn().into()]);
    assert!(matches!(r, Err(JitError::Eval(e)) if e.kind == vex_expr::ErrorKind::Input));
    assert!(matches!(jit.run(&p, &[]), Err(JitError::Eval(_))));
}

#[test]
fn the_cache_reuses_kernels_across_shapes() {
    let jit = jit();
    for n in [10usize, 20, 30] {
        let a = data(n, 12);
        let vars = [("a", Operand::from(&a))];
        let p = compile("a * 3 + 1", &vars).unwrap();
        let inputs = inputs_for(&p, &vars);
        jit.run(&p, &inputs).unwrap();
    }
    assert_eq!(jit.cached_kernels(), 1);
}

#[test]
fn multi_dimensional_chunks_and_partials() {
    let jits = jits();
    for n in [1usize, 5, 40000] {
        let big = Array2::from_shape_fn((n, 5), |(i, j)| ((i * 5 + j) % 97) as f64 * 0.125 - 4.0);
        let m = big.slice(s![.., 1..4]);
        let vars = [("m", Operand::from(m))];
        for src in [
            "m * 2 + 1",
            "sum(m, axis=0)",
            "sum(m, axis=1)",
            "max(m, axis=0) - min(m, axis=0)",
            "mean(m * m)",
            "sum(int64(m * 8), axis=0)",
            "any(m > 7, axis=0)",
            "all(m > -4, axis=1)",
            "sin(m) + cos(m.T).T",
        ] {
            check_src(&jits, src, &vars, 1e-12);
        }
    }
}

#[test]
fn zero_dimensional_and_empty_operands() {
    let jits = jits();
    let z = ndarray::arr0(2.5).into_dyn();
    let e = Array2::<f64>::zeros((0, 4));
    let c = Array2::from_shape_fn((4, 1), |(i, _)| i as f64);
    let r = Array2::from_shape_fn((1, 6), |(_, j)| j as f64 * 3.0);
    let vars = [
        ("z", Operand::from(&z)),
        ("e", Operand::from(&e)),
        ("c", Operand::from(&c)),
        ("r", Operand::from(&r)),
    ];
    for src in [
        "z * 2 + 1",
        "e * z",
        "sum(e, axis=0)",
        "sum(e)",
        "mean(e, axis=1)",
        "c * r + z",
        "sum(c * r, axis=1)",
        "exp(z) + sum(sin(c * r))",
    ] {
        check_src(&jits, src, &vars, 1e-12);
    }
}

#[test]
fn the_jit_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Jit>();
    let jit = jit();
    let a = data(100_000, 16);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                let vars = [("a", Operand::from(&a))];
                let p = compile("a * a - 1", &vars).unwrap();
                let inputs = inputs_for(&p, &vars);
                let got = jit.run(&p, &inputs).unwrap();
                let want = vex_expr::interp::run(&p, &inputs).unwrap();
                assert_same(&got[0], &want[0], 0.0, "shared");
            });
        }
    });
}

#[test]
fn vectorised_masks_with_nans_and_integers() {
    let jits = jits();
    for n in [0usize, 5, 8, 9, 33, 1025, 40001] {
        let mut a = data(n, 17);
        if n > 3 {
            a[1] = f64::NAN;
            a[n - 2] = f64::NAN;
        }
        let b = data(n, 18);
        let af = a.mapv(|x| x as f32);
        let bf = b.mapv(|x| x as f32);
        let i: Array1<i64> = b.mapv(|x| (x * 10.0) as i64);
        let j: Array1<i32> = a.mapv(|x| (x * 7.0) as i32);
        let vars = [
            ("a", Operand::from(&a)),
            ("b", Operand::from(&b)),
            ("af", Operand::from(&af)),
            ("bf", Operand::from(&bf)),
            ("i", Operand::from(&i)),
            ("j", Operand::from(&j)),
        ];
        for src in [
            "where(a > b, a, b) + where(a != b, b, -b)",
            "where((a >= 0) & ~(b < 1), a * b, 3.0)",
            "where((af <= bf) | (af == bf), af, bf * 2)",
            "where(i < 3, i, i * 2) - where(i == i, 1, 0)",
            "where((j > 2) ^ (j < -5), j, -j)",
            "maximum(a, b) + minimum(af, bf)",
        ] {
            check_src(&jits, src, &vars, 0.0);
        }
    }
}

#[test]
fn vectorised_sums_are_accurate_and_handle_specials() {
    let jits = jits();
    for n in [7usize, 8, 9, 100, 40000, 65537] {
        // Large cancellations: a compensated sum gets these exactly.
        let a = Array1::from_iter((0..n).map(|i| match i % 4 {
            0 => 1e16,
            1 => 1.0,
            2 => -1e16,
            _ => 1.0,
        }));
        let mut inf = data(n, 19);
        inf[n / 2] = f64::INFINITY;
        let mut nan = data(n, 20);
        nan[n - 1] = f64::NAN;
        let m = Array2::from_shape_fn((n.min(999), 37), |(i, j)| (i as f64 - j as f64) * 0.1);
        let vars = [
            ("a", Operand::from(&a)),
            ("inf", Operand::from(&inf)),
            ("nan", Operand::from(&nan)),
            ("m", Operand::from(&m)),
        ];
        for src in [
            "sum(a)",
            "mean(a * 2)",
            "sum(inf)",
            "sum(nan)",
            "sum(m, axis=1)",
            "mean(m, axis=1)",
        ] {
            check_src(&jits, src, &vars, 1e-15);
        }
        let p = compile("sum(a)", &vars).unwrap();
        let got = jits[0].run(&p, &inputs_for(&p, &vars)).unwrap();
        let tail = [0.0, 1e16, 1e16 + 1.0, 1.0][n % 4];
        let exact = 2.0 * (n / 4) as f64 + tail;
        let got = got[0].as_f64().unwrap()[[]];
        assert!(
            (got - exact).abs() <= 2.0,
            "sum(a) for {n}: {got} vs {exact}"
        );
    }
}

#[test]
fn few_long_rows_are_split_along_the_second_axis() {
    let jits = jits();
    let big = Array2::from_shape_fn((3, 40000), |(i, j)| (i * 40000 + j) as f64 * 1e-3);
    let c3 = Array2::from_shape_fn((3, 1), |(i, _)| i as f64 + 0.5);
    let cube = ArrayD::from_shape_fn(IxDyn(&[3, 30000, 2]), |ix| {
        (ix[0] * 60000 + ix[1] * 2 + ix[2]) as f64 * 0.5
    });
    let t3 = cube.view().permuted_axes(IxDyn(&[2, 1, 0]));
    let vars = [
        ("big", Operand::from(&big)),
        ("c3", Operand::from(&c3)),
        ("t3", Operand::from(t3)),
    ];
    for src in [
        "big * c3 + 1",
        "where(big > c3, big, -c3)",
        "t3 * 2 - 1",
        "sin(t3) + t3",
        "sum(big * c3, axis=1)",
        "sum(t3, axis=1)",
    ] {
        check_src(&jits, src, &vars, 1e-12);
    }
}
