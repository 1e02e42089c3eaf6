//! complex64/complex128 in the JIT: every operation, cast, view and reduction on edge
//! values (zeros of both signs, subnormals, huge values, infinities, NaN) must agree with
//! the interpreter bit for bit (a NaN part matches any NaN).

mod common;

use common::{compile, ident, inputs_for, jit, one_kernel};
use ndarray::{ArrayD, IxDyn};
use vex_expr::ir::{BinaryOp, Literal, Node, Op, Source};
use vex_expr::{interp, Array, DType, Operand, C128, C64};
use vex_jit::{Jit, JitError};

/// The parts complex edge values are made of.
const PARTS: [f64; 14] = [
    0.0,
    -0.0,
    1.0,
    -1.5,
    0.5,
    3.0,
    2.5,
    1e300,
    -1e-310,
    1e-300,
    f64::MAX,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

/// Every pair of [`PARTS`] as a complex number.
fn edge_values() -> Vec<C128> {
    PARTS
        .iter()
        .flat_map(|&re| PARTS.iter().map(move |&im| C128::new(re, im)))
        .collect()
}

fn c128_array(v: Vec<C128>, shape: &[usize]) -> Array {
    Array::C128(ArrayD::from_shape_vec(IxDyn(shape), v).expect("shape"))
}

fn c64_array(v: Vec<C128>, shape: &[usize]) -> Array {
    let v = v
        .iter()
        .map(|z| C64::new(z.re as f32, z.im as f32))
        .collect();
    Array::C64(ArrayD::from_shape_vec(IxDyn(shape), v).expect("shape"))
}

/// Whether two floats are the same bits (any two NaNs match).
fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

fn assert_exact(got: &Array, want: &Array, what: &str) {
    assert_eq!(got.dtype(), want.dtype(), "{what}: dtype");
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    let bad = |i: usize, g: &dyn std::fmt::Debug, w: &dyn std::fmt::Debug| {
        panic!("{what}: element {i}: JIT {g:?}, interpreter {w:?}")
    };
    match (got, want) {
        (Array::C128(g), Array::C128(w)) => {
            for (i, (g, w)) in g.iter().zip(w.iter()).enumerate() {
                if !same(g.re, w.re) || !same(g.im, w.im) {
                    bad(i, g, w);
                }
            }
        }
        (Array::C64(g), Array::C64(w)) => {
            for (i, (g, w)) in g.iter().zip(w.iter()).enumerate() {
                let ok = same(g.re.into(), w.re.into()) && same(g.im.into(), w.im.into());
                if !ok {
                    bad(i, g, w);
                }
            }
        }
        (Array::F64(g), Array::F64(w)) => {
            for (i, (g, w)) in g.iter().zip(w.iter()).enumerate() {
                if !same(*g, *w) {
                    bad(i, g, w);
                }
            }
        }
        (Array::F32(g), Array::F32(w)) => {
            for (i, (g, w)) in g.iter().zip(w.iter()).enumerate() {
                if !same((*g).into(), (*w).into()) {
                    bad(i, g, w);
                }
            }
        }
        _ => assert_eq!(got, want, "{what}"),
    }
}

/// Runs `src` on the JIT (which must compile it) and the interpreter; results must be
/// identical, errors of the same kind.
fn check(jit: &Jit, src: &str, vars: &[(&str, Operand)]) {
    let p = compile(src, vars).unwrap_or_else(|e| panic!("{src}: {e}"));
    let inputs = inputs_for(&p, vars);
    let want = interp::run(&p, &inputs);
    match (jit.run(&p, &inputs), want) {
        (Ok(g), Ok(w)) => {
            assert_eq!(g.len(), w.len(), "{src}");
            for (g, w) in g.iter().zip(&w) {
                assert_exact(g, w, src);
            }
        }
        (Err(JitError::Eval(e)), Err(w)) => assert_eq!(e.kind, w.kind, "{src}"),
        (g, w) => panic!("{src}: JIT {g:?}, interpreter {w:?}"),
    }
}

/// Elementwise programs over `a` (a column) and `b` (a row): every pair of edge values.
const ELEMENTWISE: &[&str] = &[
    "a + b",
    "a - b",
    "-a + b",
    "a * b",
    "a / b",
    "a ** b",
    "a == b",
    "a != b",
    "a < b",
    "a <= b",
    "a > b",
    "a >= b",
    "conj(a) * b",
    "real(a) + imag(b)",
    "abs(a) + abs(b)",
    "maximum(a, b)",
    "minimum(a, b)",
    "where(real(a) > imag(b), a, b)",
    "complex(imag(a), real(b))",
    "isnan(a * b) | isinf(a / b)",
    "isfinite(a + b)",
    "round(a) + sign(b)",
    "sqrt(a) + a * b",
    "exp(a - b) / (b - 1j)",
    "a * 2 + 1j",
    "x = log(a); y = x * b; exp(y) + x",
];

/// Functions of one complex operand, all through the interpreter's code.
const FUNCTIONS: &[&str] = &[
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
    "arccosh", "arctanh", "exp", "expm1", "log", "log1p", "log10", "log2", "sqrt", "sign", "abs",
    "conj", "real", "imag", "round", "isnan", "isfinite", "isinf",
];

const CASTS: &[&str] = &[
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "complex64",
    "complex128",
];

#[test]
fn elementwise_operations_match_the_interpreter() {
    let jit = jit();
    let z = edge_values();
    let n = z.len();
    for make in [c128_array, c64_array] {
        let a = make(z.clone(), &[n, 1]);
        let b = make(z.clone(), &[n]);
        let vars = [("a", Operand::from(&a)), ("b", Operand::from(&b))];
        for src in ELEMENTWISE {
            check(&jit, src, &vars);
        }
        for f in FUNCTIONS {
            check(&jit, &format!("{f}(b)"), &vars);
        }
        for t in CASTS {
            check(&jit, &format!("{t}(b)"), &vars);
        }
    }
}

#[test]
fn real_values_convert_to_complex_as_astype() {
    let jit = jit();
    let r = Array::F64(ArrayD::from_shape_vec(IxDyn(&[PARTS.len()]), PARTS.to_vec()).unwrap());
    let r32 = Array::F32(
        ArrayD::from_shape_vec(
            IxDyn(&[PARTS.len()]),
            PARTS.iter().map(|&x| x as f32).collect(),
        )
        .unwrap(),
    );
    let ints =
        Array::I64(ArrayD::from_shape_vec(IxDyn(&[4]), vec![i64::MIN, -1, 0, i64::MAX]).unwrap());
    let u = Array::U64(ArrayD::from_shape_vec(IxDyn(&[3]), vec![0, 7, u64::MAX]).unwrap());
    let flags = Array::Bool(ArrayD::from_shape_vec(IxDyn(&[2]), vec![true, false]).unwrap());
    for x in [&r, &r32, &ints, &u, &flags] {
        let vars = [("x", Operand::from(x))];
        for src in [
            "complex64(x)",
            "complex128(x)",
            "complex128(x) * 1j",
            "x + 0.5j",
        ] {
            check(&jit, src, &vars);
        }
    }
}

#[test]
fn views_strides_and_broadcasts() {
    let jit = jit();
    let z = edge_values();
    for make in [c128_array, c64_array] {
        let m = make(z[..12 * 9].to_vec(), &[12, 9]);
        let v = make(z[100..109].to_vec(), &[9]);
        let vars = [("m", Operand::from(&m)), ("v", Operand::from(&v))];
        for src in [
            "m[::2, 1:] * conj(m[::-2, :-1])",
            "m[::-1, ::-1] + v",
            "m[:, 3:4] - v[::-1]",
            "m[1:, ::3] / m[:-1, ::-3]",
            "exp(m[::-1, :]) + v[None, ::-1]",
            "complex128(arange(9)) + m[0]",
            "arange(0, 9) * 1j + v[::-1]",
            "linspace(-1, 1, 9) * v",
        ] {
            check(&jit, src, &vars);
        }
    }
}

#[test]
fn reductions_fold_in_the_interpreters_order() {
    let jit = jit();
    let z = edge_values();
    // Finite values only, so that the products and sums are not all NaN.
    let finite: Vec<C128> = z
        .iter()
        .copied()
        .filter(|c| c.re.is_finite() && c.im.is_finite() && c.norm() < 1e10)
        .collect();
    for make in [c128_array, c64_array] {
        let m = make(finite[..6 * 7].to_vec(), &[6, 7]);
        let e = make(z[..12 * 9].to_vec(), &[12, 9]);
        let vars = [("m", Operand::from(&m)), ("e", Operand::from(&e))];
        for src in [
            "sum(m)",
            "sum(m, axis=0)",
            "sum(m, axis=1)",
            "mean(m, axis=0)",
            "mean(m)",
            "prod(m, axis=1)",
            "prod(m * 0.5, axis=0)",
            "min(m, axis=1)",
            "max(m, axis=0)",
            "max(e, axis=1)",
            "min(e, axis=0)",
            "sum(e, axis=1)",
            "prod(e, axis=0)",
            "sum(sqrt(m) * m, axis=1)",
        ] {
            check(&jit, src, &vars);
        }
    }
}

#[test]
fn index_sources_in_complex_dtypes() {
    let jit = jit();
    let sources = [
        Source::Arange {
            start: Literal::Complex(0.25, -3.0),
            step: Literal::Complex(0.1, 1e-3),
            len: 300,
        },
        Source::Arange {
            start: Literal::Int(-7),
            step: Literal::Float(0.3),
            len: 300,
        },
        Source::Linspace {
            start: -1.0,
            stop: 2.0,
            num: 300,
        },
    ];
    for dtype in [DType::C64, DType::C128] {
        for source in &sources {
            let nodes = vec![
                Node {
                    op: Op::Load {
                        source: source.clone(),
                        view: ident(1),
                    },
                    dtype,
                },
                Node {
                    op: Op::Binary(BinaryOp::Mul, 1, 0),
                    dtype,
                },
            ];
            let x = c128_array(vec![C128::new(1.5, -0.5); 300], &[300]);
            let x = if dtype == DType::C64 {
                c64_array(vec![C128::new(1.5, -0.5); 300], &[300])
            } else {
                x
            };
            let p = one_kernel(&[(dtype, vec![300])], &[300], nodes, 2, None);
            let inputs = [vex_expr::ArrayRef::from(&x)];
            let want = interp::run(&p, &inputs).expect("interpreter");
            let got = jit.run(&p, &inputs).expect("JIT");
            assert_exact(&got[0], &want[0], &format!("{source:?} as {dtype}"));
        }
    }
}

/// A one-off measurement (`cargo test -p vex-jit --release --test complex -- --ignored
/// --nocapture`): complex128 programs on 10^6 points, JIT (one thread) against the
/// interpreter.
#[test]
#[ignore]
fn speed_against_the_interpreter() {
    use std::time::Instant;
    let n = 1_000_000;
    let z: Vec<C128> = (0..n)
        .map(|i| C128::new((i % 1000) as f64 * 0.01 - 5.0, (i % 37) as f64 * 0.1 - 1.8))
        .collect();
    let w: Vec<C128> = z.iter().rev().map(|c| c * 0.5 + 0.25).collect();
    let (a, b) = (c128_array(z, &[n]), c128_array(w, &[n]));
    let vars = [("a", Operand::from(&a)), ("b", Operand::from(&b))];
    let jit = jit();
    jit.set_threads(1);
    let best = |f: &mut dyn FnMut()| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    for src in [
        "a * b + conj(a)",
        "a / b",
        "abs(a) + real(b)",
        "exp(a) * b",
        "sum(a * b)",
        "where(real(a) > 0, a, b) == b",
    ] {
        let p = compile(src, &vars).unwrap();
        let inputs = inputs_for(&p, &vars);
        let t_jit = best(&mut || {
            std::hint::black_box(jit.run(&p, &inputs).unwrap());
        });
        let t_int = best(&mut || {
            std::hint::black_box(interp::run(&p, &inputs).unwrap());
        });
        println!(
            "{src:32} jit {:7.2} ms  interpreter {:7.2} ms  ({:.1}x)",
            t_jit * 1e3,
            t_int * 1e3,
            t_int / t_jit
        );
    }
}

#[test]
fn large_reductions_do_not_depend_on_the_thread_count() {
    let n = 300_000;
    let z: Vec<C128> = (0..n)
        .map(|i| {
            C128::new(
                (i % 1013) as f64 * 0.37 - 150.0,
                (i % 29) as f64 * 1e-3 - 0.01,
            )
        })
        .collect();
    for make in [c128_array, c64_array] {
        let a = make(z.clone(), &[n / 100, 100]);
        let vars = [("a", Operand::from(&a))];
        for src in [
            "sum(a)",
            "mean(a, axis=0)",
            "sum(a, axis=1)",
            "max(a)",
            "min(a, axis=0)",
            "prod(a * 0 + 1j, axis=0)",
        ] {
            let p = compile(src, &vars).unwrap();
            let inputs = inputs_for(&p, &vars);
            let want = interp::run(&p, &inputs).unwrap();
            let mut first: Option<Vec<Array>> = None;
            for threads in [1, 2, 5] {
                let jit = jit();
                jit.set_threads(threads);
                let got = jit.run(&p, &inputs).unwrap();
                match &first {
                    None => first = Some(got),
                    Some(f) => assert_exact(&got[0], &f[0], &format!("{src}: {threads} threads")),
                }
            }
            // Sums and products along the parallel axis fold per chunk, then merge the
            // chunks: another order than the interpreter's, so within a few roundings of
            // it (and a zero's sign may differ); min and max exactly.
            let got = first.unwrap();
            if !(src.starts_with("max") || src.starts_with("min")) {
                let close = |g: f64, w: f64| (g - w).abs() <= 1e-6 * w.abs().max(1.0);
                match (&got[0], &want[0]) {
                    (Array::C128(g), Array::C128(w)) => assert!(g
                        .iter()
                        .zip(w.iter())
                        .all(|(g, w)| close(g.re, w.re) && close(g.im, w.im))),
                    (Array::C64(g), Array::C64(w)) => assert!(g
                        .iter()
                        .zip(w.iter())
                        .all(|(g, w)| close(g.re.into(), w.re.into())
                            && close(g.im.into(), w.im.into()))),
                    _ => panic!("{src}: dtype"),
                }
            } else {
                assert_exact(&got[0], &want[0], src);
            }
        }
    }
}
