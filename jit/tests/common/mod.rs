//! Shared test helpers: building programs (by hand and through the real pipeline),
//! arrays of edge values, and comparing JIT results with the interpreter's.
#![allow(dead_code)]

use ndarray::{ArrayD, IxDyn};
use vex_expr::block::Block;
use vex_expr::ir::{
    AxisMap, BinaryOp, BufferDecl, Func, InputDecl, Kernel, Node, Op, Program, Reduce, ReduceOp,
    Source, Store, View,
};
use vex_expr::{interp, vmath, Array, ArrayElement, ArrayRef, DType, Operand};
use vex_jit::{Jit, JitError};

pub fn jit() -> Jit {
    Jit::new().expect("the JIT supports this host")
}

#[allow(unused_imports)] // Not every test file compiles programs.
pub use vex_expr::compile;

/// The program's inputs, looked up by name among `vars`.
pub fn inputs_for<'a>(p: &Program, vars: &[(&str, Operand<'a>)]) -> Vec<ArrayRef<'a>> {
    p.inputs
        .iter()
        .map(
            |d| match &vars.iter().find(|(n, _)| *n == d.name).expect("input").1 {
                Operand::Array(a) => a.clone(),
                Operand::Scalar(_) => panic!("scalar input"),
            },
        )
        .collect()
}

/// A block as an array of `shape`.
pub fn block_array(b: &Block, shape: &[usize]) -> Array {
    vex_expr::dispatch_dtype!(b.dtype(), T => {
        let v: Vec<T> = b.as_slice::<T>().expect("typed").to_vec();
        T::wrap(ArrayD::from_shape_vec(IxDyn(shape), v).expect("shape"))
    })
}

/// `values` converted to `dtype` with astype rules, as a 1-D array.
pub fn from_f64(values: &[f64], dtype: DType) -> Array {
    let b = vex_expr::ops::cast(&Block::F64(values.to_vec()), dtype);
    block_array(&b, &[values.len()])
}

/// `values` (wrapped) as a 1-D array of an integral dtype.
pub fn from_i64(values: &[i64], dtype: DType) -> Array {
    let b = vex_expr::ops::cast(&Block::I64(values.to_vec()), dtype);
    block_array(&b, &[values.len()])
}

/// Integer edge values for a dtype of `bits` bits.
pub fn int_edges(dtype: DType) -> Vec<i64> {
    let bits = dtype.bits() as i64;
    let mut v = vec![
        0,
        1,
        -1,
        2,
        -2,
        3,
        -3,
        5,
        -7,
        100,
        -100,
        bits - 1,
        bits,
        bits + 1,
    ];
    let (min, max) = match dtype {
        DType::I8 => (i8::MIN as i64, i8::MAX as i64),
        DType::I16 => (i16::MIN as i64, i16::MAX as i64),
        DType::I32 => (i32::MIN as i64, i32::MAX as i64),
        DType::I64 => (i64::MIN, i64::MAX),
        DType::U8 => (0, u8::MAX as i64),
        DType::U16 => (0, u16::MAX as i64),
        DType::U32 => (0, u32::MAX as i64),
        _ => (0, -1),
    };
    v.extend([min, max, min.wrapping_add(1), max.wrapping_sub(1)]);
    v
}

pub fn float_edges() -> Vec<f64> {
    vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        3.0,
        -7.25,
        255.9,
        -129.5,
        1e20,
        -1e20,
        9.3e18,
        -9.3e18,
        1.9e19,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1e-310,
        f64::MAX,
        f64::MIN_POSITIVE,
        1e300,
    ]
}

fn same_float(a: f64, b: f64, tol: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if tol == 0.0 {
        return a.to_bits() == b.to_bits();
    }
    a == b || (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-300)
}

/// Asserts `a == b`: exact for integers and bools, bitwise (any NaN equal) for floats
/// and each part of complex numbers when `tol == 0`, else within a relative `tol`.
pub fn assert_same(a: &Array, b: &Array, tol: f64, what: &str) {
    assert_eq!(a.dtype(), b.dtype(), "{what}: dtype");
    assert_eq!(a.shape(), b.shape(), "{what}: shape");
    match (a, b) {
        (Array::F64(x), Array::F64(y)) => {
            for (i, (p, q)) in x.iter().zip(y.iter()).enumerate() {
                assert!(
                    same_float(*p, *q, tol),
                    "{what}: element {i}: {p:?} vs {q:?}"
                );
            }
        }
        (Array::F32(x), Array::F32(y)) => {
            for (i, (p, q)) in x.iter().zip(y.iter()).enumerate() {
                assert!(
                    same_float(*p as f64, *q as f64, tol),
                    "{what}: element {i}: {p:?} vs {q:?}"
                );
            }
        }
        // Complex: each part as a float.
        (Array::C128(x), Array::C128(y)) => {
            for (i, (p, q)) in x.iter().zip(y.iter()).enumerate() {
                assert!(
                    same_float(p.re, q.re, tol) && same_float(p.im, q.im, tol),
                    "{what}: element {i}: {p:?} vs {q:?}"
                );
            }
        }
        (Array::C64(x), Array::C64(y)) => {
            for (i, (p, q)) in x.iter().zip(y.iter()).enumerate() {
                let (pr, pi, qr, qi) = (p.re as f64, p.im as f64, q.re as f64, q.im as f64);
                assert!(
                    same_float(pr, qr, tol) && same_float(pi, qi, tol),
                    "{what}: element {i}: {p:?} vs {q:?}"
                );
            }
        }
        _ => assert_eq!(a, b, "{what}"),
    }
}

/// Runs `p` with the interpreter and the JIT and compares (the JIT must support it).
pub fn check_program(jit: &Jit, p: &Program, inputs: &[ArrayRef], tol: f64, what: &str) {
    compare_runs(jit, p, inputs, what, |g, w, what| {
        assert_same(g, w, tol, what)
    });
}

/// [`check_program`] for programs whose float results come from the JIT's own vector
/// math ([`inexact_call`]): floats within `ulps` ULP ([`assert_within_ulp`]), everything
/// else exactly.
pub fn check_program_ulp(jit: &Jit, p: &Program, inputs: &[ArrayRef], ulps: u64, what: &str) {
    compare_runs(jit, p, inputs, what, |g, w, what| {
        assert_within_ulp(g, w, ulps, what)
    });
}

fn compare_runs(
    jit: &Jit,
    p: &Program,
    inputs: &[ArrayRef],
    what: &str,
    compare: impl Fn(&Array, &Array, &str),
) {
    let want = interp::run(p, inputs);
    let got = jit.run(p, inputs);
    match (want, got) {
        (Ok(w), Ok(g)) => {
            assert_eq!(w.len(), g.len());
            for (i, (w, g)) in w.iter().zip(&g).enumerate() {
                compare(g, w, &format!("{what}: output {i}"));
            }
        }
        (Err(e), Err(JitError::Eval(f))) => assert_eq!(e.kind, f.kind, "{what}: {e} vs {f}"),
        (w, g) => panic!("{what}: interpreter {w:?}, JIT {g:?}"),
    }
}

/// ULP allowed between the JIT's inline vector math and the interpreter's libm: each is
/// within 1–2 ULP of the exact result.
pub const MATH_ULP: u64 = 4;

/// The functions the interpreter takes from libm (and the JIT computed with the same
/// libm before it had vector math).
pub const TRANSCENDENTAL: [Func; 21] = [
    Func::Sin,
    Func::Cos,
    Func::Tan,
    Func::Arcsin,
    Func::Arccos,
    Func::Arctan,
    Func::Sinh,
    Func::Cosh,
    Func::Tanh,
    Func::Arcsinh,
    Func::Arccosh,
    Func::Arctanh,
    Func::Exp,
    Func::Expm1,
    Func::Log,
    Func::Log1p,
    Func::Log10,
    Func::Log2,
    Func::Cbrt,
    Func::Arctan2,
    Func::Hypot,
];

/// Whether the JIT computes `f` on floats with its own algorithm (`vex_expr::vmath`)
/// instead of the interpreter's libm: results then agree within [`MATH_ULP`], not bit for
/// bit. Functions without an algorithm still run the interpreter's code and must match
/// exactly.
pub fn inexact_call(f: Func) -> bool {
    TRANSCENDENTAL.contains(&f) && vmath::has(f)
}

/// [`inexact_call`] for a float binary operator (`**`).
pub fn inexact_binary(op: BinaryOp) -> bool {
    op == BinaryOp::Pow && vmath::has_binary(op)
}

/// The spacing of floats at magnitude `m` (f32 spacing when `single`).
pub fn ulp_at(m: f64, single: bool) -> f64 {
    let (exp, min_exp, digits) = if single {
        let b = (m as f32).abs().to_bits();
        (i32::try_from(b >> 23).unwrap_or(0) - 127, -126, 23)
    } else {
        let b = m.abs().to_bits();
        (i32::try_from(b >> 52).unwrap_or(0) - 1023, -1022, 52)
    };
    // Subnormals (biased exponent 0) have the spacing of the smallest normal binade.
    pow2(exp.max(min_exp) - digits)
}

/// `2^k` for `-1074 <= k <= 1023`, exactly (`powi` would underflow on the way).
fn pow2(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

/// Whether `a` and `b` agree within `ulps` ULP of the larger magnitude, with NaN-ness,
/// infinities and zeros (with their sign) matching exactly.
pub fn within_ulp(a: f64, b: f64, ulps: u64, single: bool) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() || a == 0.0 || b == 0.0 {
        return a.to_bits() == b.to_bits();
    }
    let m = a.abs().max(b.abs());
    (a - b).abs() <= ulps as f64 * ulp_at(m, single)
}

/// Asserts `a` and `b` agree: floats [`within_ulp`], everything else exactly.
pub fn assert_within_ulp(a: &Array, b: &Array, ulps: u64, what: &str) {
    assert_eq!(a.dtype(), b.dtype(), "{what}: dtype");
    assert_eq!(a.shape(), b.shape(), "{what}: shape");
    match (a, b) {
        (Array::F64(x), Array::F64(y)) => {
            for (i, (p, q)) in x.iter().zip(y.iter()).enumerate() {
                assert!(
                    within_ulp(*p, *q, ulps, false),
                    "{what}: element {i}: {p:e} vs {q:e} (more than {ulps} ULP apart)"
                );
            }
        }
        (Array::F32(x), Array::F32(y)) => {
            for (i, (p, q)) in x.iter().zip(y.iter()).enumerate() {
                assert!(
                    within_ulp(f64::from(*p), f64::from(*q), ulps, true),
                    "{what}: element {i}: {p:e} vs {q:e} (more than {ulps} ULP apart)"
                );
            }
        }
        _ => assert_eq!(a, b, "{what}"),
    }
}

/// An identity 1-D view.
pub fn ident(ndim: usize) -> View {
    View::identity(ndim)
}

/// A program of one kernel over `shape`: loads of every input (identity views), the
/// extra `nodes` (ids continue after the loads), storing node `out`.
pub fn one_kernel(
    inputs: &[(DType, Vec<usize>)],
    shape: &[usize],
    nodes: Vec<Node>,
    out: usize,
    reduce: Option<(ReduceOp, Vec<usize>)>,
) -> Program {
    let mut all: Vec<Node> = inputs
        .iter()
        .enumerate()
        .map(|(i, (d, s))| Node {
            op: Op::Load {
                source: Source::Input(i),
                view: broadcast_view(s, shape),
            },
            dtype: *d,
        })
        .collect();
    all.extend(nodes);
    let dtype = all[out].dtype;
    let out_shape: Vec<usize> = match &reduce {
        None => shape.to_vec(),
        Some((_, axes)) => (0..shape.len())
            .filter(|a| !axes.contains(a))
            .map(|a| shape[a])
            .collect(),
    };
    Program {
        inputs: inputs
            .iter()
            .enumerate()
            .map(|(i, (d, s))| InputDecl {
                name: format!("x{i}"),
                dtype: *d,
                shape: s.clone(),
            })
            .collect(),
        buffers: vec![BufferDecl {
            dtype,
            shape: out_shape,
        }],
        kernels: vec![Kernel {
            shape: shape.to_vec(),
            nodes: all,
            stores: vec![Store {
                node: out,
                buffer: 0,
                reduce: reduce.map(|(op, axes)| Reduce { op, axes }),
            }],
        }],
        outputs: vec![0],
    }
}

/// NumPy broadcasting of a source of `src` shape to `shape` (trailing alignment).
pub fn broadcast_view(src: &[usize], shape: &[usize]) -> View {
    let off = shape.len() - src.len();
    View {
        axes: src
            .iter()
            .enumerate()
            .map(|(a, &n)| {
                if n == 1 && shape[off + a] != 1 {
                    AxisMap {
                        start: 0,
                        step: 0,
                        kernel_axis: Some(off + a),
                    }
                } else {
                    AxisMap {
                        start: 0,
                        step: 1,
                        kernel_axis: Some(off + a),
                    }
                }
            })
            .collect(),
    }
}
