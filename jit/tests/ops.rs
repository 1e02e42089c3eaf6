//! Every supported operation on every dtype, on edge values, against the interpreter.

mod common;

use common::*;
use vex_expr::ir::{BinaryOp, Func, Literal, Node, Op, UnaryOp};
use vex_expr::{vmath, Array, ArrayRef, DType};
use vex_jit::JitError;

const INTS: [DType; 8] = [
    DType::I8,
    DType::I16,
    DType::I32,
    DType::I64,
    DType::U8,
    DType::U16,
    DType::U32,
    DType::U64,
];

/// All pairs of `values` as two arrays.
fn pairs(values: &Array) -> (Array, Array) {
    let n = values.len();
    let idx_a: Vec<f64> = (0..n * n).map(|i| (i / n) as f64).collect();
    let idx_b: Vec<f64> = (0..n * n).map(|i| (i % n) as f64).collect();
    let take = |idx: &[f64]| -> Array {
        let v = values.view();
        vex_expr::dispatch_dtype!(v.dtype(), T => {
            let a = v.downcast::<T>().unwrap();
            let flat: Vec<T> = a.iter().copied().collect();
            let out: Vec<T> = idx.iter().map(|&i| flat[i as usize]).collect();
            Array::from(ndarray::Array1::from(out))
        })
    };
    (take(&idx_a), take(&idx_b))
}

fn edges(dtype: DType) -> Array {
    if dtype.is_float() {
        from_f64(&float_edges(), dtype)
    } else if dtype.is_bool() {
        from_i64(&[0, 1], dtype)
    } else {
        from_i64(&int_edges(dtype), dtype)
    }
}

fn run_binary(op: BinaryOp, dtype: DType) {
    let jit = jit();
    let (a, b) = pairs(&edges(dtype));
    let n = a.len();
    let out_dt = if matches!(
        op,
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Ge | BinaryOp::Gt
    ) {
        DType::Bool
    } else {
        dtype
    };
    let p = one_kernel(
        &[(dtype, vec![n]), (dtype, vec![n])],
        &[n],
        vec![Node {
            op: Op::Binary(op, 0, 1),
            dtype: out_dt,
        }],
        2,
        None,
    );
    let inputs: Vec<ArrayRef> = vec![a.view(), b.view()];
    let what = format!("{dtype} {}", op.symbol());
    match jit.run(&p, &inputs) {
        Err(JitError::Unsupported(_)) => {
            // Only where the interpreter has no loop either.
            assert!(
                vex_expr::interp::run(&p, &inputs).is_err(),
                "{what} unsupported"
            );
        }
        _ if dtype.is_float() && inexact_binary(op) => {
            check_program_ulp(&jit, &p, &inputs, MATH_ULP, &what)
        }
        _ => check_program(&jit, &p, &inputs, 0.0, &what),
    }
}

#[test]
fn binary_ops_match_the_interpreter_on_edge_values() {
    use BinaryOp::*;
    let ops = [
        Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Lt, Le, Eq, Ne, Ge, Gt, And, Or, Xor, Shl, Shr,
    ];
    for dtype in INTS
        .into_iter()
        .chain([DType::Bool, DType::F32, DType::F64])
    {
        for op in ops {
            run_binary(op, dtype);
        }
    }
}

#[test]
fn integer_power_with_non_negative_exponents() {
    let jit = jit();
    for dtype in INTS {
        let base = from_i64(&[0, 1, -1, 2, 3, -3, 7, 100, -128, 255], dtype);
        let exp = from_i64(&[0, 1, 2, 3, 5, 7, 8, 13, 31, 63], dtype);
        let n = base.len();
        let p = one_kernel(
            &[(dtype, vec![n]), (dtype, vec![n])],
            &[n],
            vec![Node {
                op: Op::Binary(BinaryOp::Pow, 0, 1),
                dtype,
            }],
            2,
            None,
        );
        check_program(
            &jit,
            &p,
            &[base.view(), exp.view()],
            0.0,
            &format!("{dtype} **"),
        );
    }
}

#[test]
fn negative_integer_power_is_the_interpreters_error() {
    let jit = jit();
    let base = from_i64(&[2, 3], DType::I32);
    let exp = from_i64(&[1, -1], DType::I32);
    let p = one_kernel(
        &[(DType::I32, vec![2]), (DType::I32, vec![2])],
        &[2],
        vec![Node {
            op: Op::Binary(BinaryOp::Pow, 0, 1),
            dtype: DType::I32,
        }],
        2,
        None,
    );
    match jit.run(&p, &[base.view(), exp.view()]) {
        Err(JitError::Eval(e)) => assert_eq!(e.kind, vex_expr::ErrorKind::NegativePower),
        other => panic!("expected the negative power error, got {other:?}"),
    }
}

fn run_unary_like(op: Op, dtype: DType, out: DType, what: &str) {
    let jit = jit();
    let inexact = matches!(&op, Op::Call(f, _) if dtype.is_float() && inexact_call(*f));
    let a = edges(dtype);
    let n = a.len();
    let p = one_kernel(
        &[(dtype, vec![n])],
        &[n],
        vec![Node { op, dtype: out }],
        1,
        None,
    );
    let inputs = [a.view()];
    match jit.run(&p, &inputs) {
        Err(JitError::Unsupported(m)) => {
            assert!(
                vex_expr::interp::run(&p, &inputs).is_err(),
                "{what} on {dtype}: {m}"
            );
        }
        _ if inexact => {
            check_program_ulp(&jit, &p, &inputs, MATH_ULP, &format!("{what} on {dtype}"))
        }
        _ => check_program(&jit, &p, &inputs, 0.0, &format!("{what} on {dtype}")),
    }
}

#[test]
fn unary_ops_and_functions_match() {
    use Func::*;
    for dtype in INTS
        .into_iter()
        .chain([DType::Bool, DType::F32, DType::F64])
    {
        for op in [UnaryOp::Neg, UnaryOp::Not] {
            run_unary_like(Op::Unary(op, 0), dtype, dtype, &format!("{op:?}"));
        }
        let mut funcs = vec![Abs, Sign];
        if dtype.is_float() {
            funcs.extend([
                Sqrt, Floor, Ceil, Trunc, Round, Sin, Cos, Tan, Arcsin, Arccos, Arctan, Sinh, Cosh,
                Tanh, Arcsinh, Arccosh, Arctanh, Exp, Expm1, Log, Log1p, Log10, Log2, Cbrt,
            ]);
            for f in [IsNan, IsFinite, IsInf, SignBit] {
                run_unary_like(Op::Call(f, vec![0]), dtype, DType::Bool, f.name());
            }
        }
        for f in funcs {
            run_unary_like(Op::Call(f, vec![0]), dtype, dtype, f.name());
        }
    }
}

#[test]
fn binary_functions_match() {
    let jit = jit();
    for dtype in INTS
        .into_iter()
        .chain([DType::Bool, DType::F32, DType::F64])
    {
        let (a, b) = pairs(&edges(dtype));
        let n = a.len();
        for f in [
            Func::Maximum,
            Func::Minimum,
            Func::Fmod,
            Func::Copysign,
            Func::Arctan2,
            Func::Hypot,
            Func::Nextafter,
            Func::Logaddexp,
        ] {
            let p = one_kernel(
                &[(dtype, vec![n]), (dtype, vec![n])],
                &[n],
                vec![Node {
                    op: Op::Call(f, vec![0, 1]),
                    dtype,
                }],
                2,
                None,
            );
            let inputs = [a.view(), b.view()];
            match jit.run(&p, &inputs) {
                Err(JitError::Unsupported(_)) => {
                    assert!(
                        vex_expr::interp::run(&p, &inputs).is_err(),
                        "{} on {dtype}",
                        f.name()
                    );
                }
                _ if dtype.is_float() && inexact_call(f) => check_program_ulp(
                    &jit,
                    &p,
                    &inputs,
                    MATH_ULP,
                    &format!("{} {dtype}", f.name()),
                ),
                _ => check_program(&jit, &p, &inputs, 0.0, &format!("{} {dtype}", f.name())),
            }
        }
    }
}

#[test]
fn casts_between_all_real_dtypes() {
    let jit = jit();
    let all: Vec<DType> = INTS
        .into_iter()
        .chain([DType::Bool, DType::F32, DType::F64])
        .collect();
    for &from in &all {
        let a = edges(from);
        let n = a.len();
        for &to in &all {
            let p = one_kernel(
                &[(from, vec![n])],
                &[n],
                vec![Node {
                    op: Op::Cast(0),
                    dtype: to,
                }],
                1,
                None,
            );
            check_program(&jit, &p, &[a.view()], 0.0, &format!("{from} -> {to}"));
        }
    }
}

#[test]
fn constants_and_where() {
    let jit = jit();
    for dtype in INTS.into_iter().chain([DType::F32, DType::F64]) {
        let (a, b) = pairs(&edges(dtype));
        let n = a.len();
        // where(a < b, a * 3, -7)
        let p = one_kernel(
            &[(dtype, vec![n]), (dtype, vec![n])],
            &[n],
            vec![
                Node {
                    op: Op::Binary(BinaryOp::Lt, 0, 1),
                    dtype: DType::Bool,
                },
                Node {
                    op: Op::Const(Literal::Int(3)),
                    dtype,
                },
                Node {
                    op: Op::Binary(BinaryOp::Mul, 0, 3),
                    dtype,
                },
                Node {
                    op: Op::Const(Literal::Float(-7.9)),
                    dtype,
                },
                Node {
                    op: Op::Where(2, 4, 5),
                    dtype,
                },
            ],
            6,
            None,
        );
        check_program(
            &jit,
            &p,
            &[a.view(), b.view()],
            0.0,
            &format!("where {dtype}"),
        );
    }
}

/// Arguments across the whole float range: both signs, tiny to huge magnitudes, a dense
/// stretch around the origin, and the edge values. Odd length, so that the vector loop
/// and its scalar tail both run.
fn math_inputs() -> Vec<f64> {
    let mut v = float_edges();
    let mut s = 0x2545_f491_4f6c_dd1du64;
    for k in 0..3000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let mant = 1.0 + (s >> 12) as f64 / 2f64.powi(52);
        let e = match k % 3 {
            0 => (s % 2100) as i32 - 1075,
            _ => (s % 24) as i32 - 12,
        };
        let sign = if s & 1 == 0 { 1.0 } else { -1.0 };
        v.push(sign * mant * 2f64.powi(e));
    }
    if v.len().is_multiple_of(2) {
        v.push(0.75);
    }
    v
}

#[test]
fn inline_math_is_within_ulp_of_libm_across_the_range() {
    let jit = jit();
    let xs = math_inputs();
    let n = xs.len();
    // The second operand of binary functions: the same values in another order.
    let ys: Vec<f64> = (0..n).map(|i| xs[(i * 7 + 3) % n]).collect();
    for dtype in [DType::F32, DType::F64] {
        let (a, b) = (from_f64(&xs, dtype), from_f64(&ys, dtype));
        let mut ops: Vec<(Op, usize)> = TRANSCENDENTAL
            .into_iter()
            .filter(|&f| inexact_call(f))
            .map(|f| (Op::Call(f, (0..f.arity()).collect()), f.arity()))
            .collect();
        if inexact_binary(BinaryOp::Pow) {
            ops.push((Op::Binary(BinaryOp::Pow, 0, 1), 2));
        }
        for (op, arity) in ops {
            let what = format!("{op:?} on {dtype}");
            let p = one_kernel(
                &vec![(dtype, vec![n]); arity],
                &[n],
                vec![Node { op, dtype }],
                arity,
                None,
            );
            let inputs = [a.view(), b.view()];
            check_program_ulp(&jit, &p, &inputs[..arity], MATH_ULP, &what);
        }
    }
}

#[test]
fn the_ulp_comparison_rejects_a_wrong_function() {
    let up = |x: f64, k: u64| f64::from_bits(x.to_bits() + k);
    let x = 1.3f64.exp();
    assert!(within_ulp(x, up(x, 4), 4, false));
    assert!(!within_ulp(x, up(x, 5), 4, false));
    assert!(!within_ulp(x, 1.3f64.exp_m1(), 4, false));
    assert!(!within_ulp(0.3f64.sin(), 0.3f64.tan(), 4, false));
    // f32 results are compared in f32 ULP.
    let y = 0.7f32.ln();
    let y_up = f32::from_bits(y.to_bits() + 3);
    assert!(within_ulp(f64::from(y), f64::from(y_up), 4, true));
    assert!(!within_ulp(
        f64::from(y),
        f64::from(y) * (1.0 + 1e-6),
        4,
        true
    ));
    // NaN-ness, infinities and zeros (with their sign) exactly.
    assert!(within_ulp(f64::NAN, -f64::NAN, 4, false));
    assert!(!within_ulp(f64::NAN, f64::MAX, 4, false));
    assert!(!within_ulp(f64::INFINITY, f64::MAX, 4, false));
    assert!(!within_ulp(0.0, 5e-324, 4, false));
    assert!(!within_ulp(-0.0, 0.0, 4, false));
    assert!(within_ulp(5e-324, 1e-323, 4, false));
    // Spacing near the bottom of the normal range.
    let tiny = 7.867363903082593e-294;
    assert!(within_ulp(tiny, up(tiny, 1), 4, false));
    assert!(!within_ulp(tiny, up(tiny, 5), 4, false));
    assert_eq!(ulp_at(f64::MIN_POSITIVE, false), 5e-324);
    assert_eq!(ulp_at(1e-310, false), 5e-324);
    assert_eq!(ulp_at(1.0, true), f64::from(f32::EPSILON));
}

#[test]
fn inline_math_and_helpers_mix_in_one_kernel() {
    // f(x) * g(x, y) with f inline and g a helper: the blocked loop computes f in its
    // scalar passes. The product adds one rounding to f's few ULP.
    let inline = TRANSCENDENTAL
        .into_iter()
        .find(|&f| inexact_call(f) && f.arity() == 1);
    let helper = [Func::Arctan2, Func::Hypot, Func::Fmod, Func::Logaddexp]
        .into_iter()
        .find(|&f| !vmath::has(f));
    let (Some(f), Some(g)) = (inline, helper) else {
        return;
    };
    let jit = jit();
    let xs = math_inputs();
    let n = xs.len();
    let ys: Vec<f64> = (0..n).map(|i| xs[(i * 5 + 1) % n]).collect();
    for dtype in [DType::F32, DType::F64] {
        let (a, b) = (from_f64(&xs, dtype), from_f64(&ys, dtype));
        let p = one_kernel(
            &[(dtype, vec![n]), (dtype, vec![n])],
            &[n],
            vec![
                Node {
                    op: Op::Call(f, vec![0]),
                    dtype,
                },
                Node {
                    op: Op::Call(g, vec![0, 1]),
                    dtype,
                },
                Node {
                    op: Op::Binary(BinaryOp::Mul, 2, 3),
                    dtype,
                },
            ],
            4,
            None,
        );
        let what = format!("{}(x) * {}(x, y) on {dtype}", f.name(), g.name());
        check_program_ulp(&jit, &p, &[a.view(), b.view()], MATH_ULP + 2, &what);
    }
}
