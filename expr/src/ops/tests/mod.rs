//! Tests of the operation semantics. Expected values were taken from NumPy 2.4 on
//! x86-64 Linux (`python3 -c "import numpy as np; …"`), or from mpmath where accuracy
//! rather than agreement is the point.

// The tables hold NumPy's printed values, some of which happen to be π/2, √2, ….
#![allow(clippy::approx_constant)]

mod cast;
mod cast_data;
mod complex;
mod complex_data;
mod float;
mod int;
mod prop;

use super::*;
use crate::block::BlockElement;
use crate::dtype::{C128, C64};

/// A block holding `v`.
pub(super) fn blk<T: BlockElement>(v: &[T]) -> Block {
    T::wrap(v.to_vec())
}

/// The values of a block of element type `T` (panics on another dtype: tests only).
pub(super) fn vals<T: BlockElement>(b: &Block) -> Vec<T> {
    match b.as_slice::<T>() {
        Some(s) => s.to_vec(),
        None => panic!("expected {}, got {}", T::DTYPE, b.dtype()),
    }
}

pub(super) fn bin<T: BlockElement, R: BlockElement>(op: BinaryOp, a: &[T], b: &[T]) -> Vec<R> {
    vals(&binary(op, &blk(a), &blk(b)).unwrap())
}

pub(super) fn f1<T: BlockElement, R: BlockElement>(f: Func, x: &[T]) -> Vec<R> {
    vals(&call(f, &[&blk(x)]).unwrap())
}

pub(super) fn f2<T: BlockElement, R: BlockElement>(f: Func, a: &[T], b: &[T]) -> Vec<R> {
    vals(&call(f, &[&blk(a), &blk(b)]).unwrap())
}

/// Equal including the sign of zero; any NaN equals any NaN.
pub(super) fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

pub(super) fn same_c(a: C128, b: C128) -> bool {
    same(a.re, b.re) && same(a.im, b.im)
}

/// Distance in units of the last place of `want` at precision `p` (24 or 53 bits);
/// 0 for identical values (NaNs included), infinite for a NaN/inf mismatch.
pub(super) fn ulps(got: f64, want: f64, p: i32) -> f64 {
    if same(got, want) || got == want {
        return 0.0;
    }
    if !got.is_finite() || !want.is_finite() {
        return f64::INFINITY;
    }
    let min_exp = if p == 24 { -126 } else { -1022 };
    let e = if want == 0.0 {
        min_exp
    } else {
        (want.abs().log2().floor() as i32).max(min_exp)
    };
    (got - want).abs() / 2f64.powi(e - (p - 1))
}

pub(super) fn assert_ulps(got: f64, want: f64, p: i32, max: f64, what: &str) {
    let u = ulps(got, want, p);
    assert!(u <= max, "{what}: got {got:e}, want {want:e} ({u} ulps)");
}

/// Edge values of every dtype, for the exhaustive type and no-panic checks.
fn edge_block(dt: DType) -> Block {
    let ints = Block::I64(vec![i64::MIN, -129, -2, -1, 0, 1, 2, 7, 64, 255, i64::MAX]);
    let floats = Block::F64(vec![
        f64::NEG_INFINITY,
        -1e300,
        -2.5,
        -1.0,
        -0.0,
        0.0,
        0.5,
        1.0,
        3.0,
        1e300,
        f64::INFINITY,
        f64::NAN,
    ]);
    match dt.kind() {
        crate::dtype::Kind::Bool | crate::dtype::Kind::Int => cast(&ints, dt),
        crate::dtype::Kind::Float => cast(&floats, dt),
        crate::dtype::Kind::Complex => {
            let f = vals::<f64>(&floats);
            let z: Vec<C128> = f
                .iter()
                .zip(f.iter().rev())
                .map(|(&re, &im)| C128::new(re, im))
                .collect();
            cast(&Block::C128(z), dt)
        }
    }
}

/// Whether `op` is defined on `dt`, from the IR's documented types.
fn binary_defined(op: BinaryOp, dt: DType) -> bool {
    use BinaryOp::*;
    let (b, i, f, c) = (dt.is_bool(), dt.is_int(), dt.is_float(), dt.is_complex());
    match op {
        Add | Mul | Lt | Le | Eq | Ne | Ge | Gt => true,
        Sub => !b,
        Div => f || c,
        FloorDiv | Mod => i || f,
        Pow => i || f || c,
        And | Or | Xor => b || i,
        Shl | Shr => i,
    }
}

fn func_defined(f: Func, dt: DType) -> bool {
    use Func::*;
    let (b, i, fl, c) = (dt.is_bool(), dt.is_int(), dt.is_float(), dt.is_complex());
    match f {
        IsNan | IsFinite | IsInf | Sin | Cos | Tan | Arcsin | Arccos | Arctan | Sinh | Cosh
        | Tanh | Arcsinh | Arccosh | Arctanh | Exp | Expm1 | Log | Log1p | Log10 | Log2 | Sqrt
        | Round => fl || c,
        SignBit | Cbrt | Arctan2 | Hypot | Nextafter | Copysign | Logaddexp | Ceil | Floor
        | Trunc | Complex => fl,
        Fmod => i || fl,
        Maximum | Minimum => true,
        Sign => i || fl || c,
        Abs => b || i || fl || c,
        Conj | Real | Imag => c,
    }
}

fn func_result(f: Func, dt: DType) -> DType {
    use Func::*;
    match f {
        IsNan | IsFinite | IsInf | SignBit => DType::Bool,
        Real | Imag => dt.real(),
        Abs => dt.real(),
        Complex => dt.to_complex(),
        _ => dt,
    }
}

const ALL_BINARY: [BinaryOp; 18] = {
    use BinaryOp::*;
    [
        Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Lt, Le, Eq, Ne, Ge, Gt, And, Or, Xor, Shl, Shr,
    ]
};

const ALL_FUNCS: [Func; 42] = {
    use Func::*;
    [
        IsNan, IsFinite, IsInf, SignBit, Sin, Cos, Tan, Arcsin, Arccos, Arctan, Sinh, Cosh, Tanh,
        Arcsinh, Arccosh, Arctanh, Exp, Expm1, Log, Log1p, Log10, Log2, Sqrt, Cbrt, Arctan2, Hypot,
        Nextafter, Copysign, Logaddexp, Fmod, Maximum, Minimum, Ceil, Floor, Trunc, Round, Sign,
        Abs, Conj, Real, Imag, Complex,
    ]
};

#[test]
fn every_op_on_every_dtype_has_the_documented_type_or_a_type_error() {
    for dt in DType::ALL {
        let x = edge_block(dt);
        let n = x.len();
        for op in ALL_BINARY {
            // Pow on signed edge values has negative exponents: NegativePower.
            match binary(op, &x, &x) {
                Ok(r) => {
                    assert!(binary_defined(op, dt), "{op:?} on {dt} should fail");
                    let cmp = matches!(
                        op,
                        BinaryOp::Lt
                            | BinaryOp::Le
                            | BinaryOp::Eq
                            | BinaryOp::Ne
                            | BinaryOp::Ge
                            | BinaryOp::Gt
                    );
                    let want = if cmp { DType::Bool } else { dt };
                    assert_eq!((r.dtype(), r.len()), (want, n), "{op:?} on {dt}");
                }
                Err(e) if e.kind == ErrorKind::NegativePower => {
                    assert!(op == BinaryOp::Pow && dt.is_signed_int())
                }
                Err(e) => {
                    assert_eq!(e.kind, ErrorKind::Type, "{op:?} on {dt}");
                    assert!(!binary_defined(op, dt), "{op:?} on {dt}: {e}");
                }
            }
        }
        for op in [UnaryOp::Neg, UnaryOp::Not] {
            let defined = match op {
                UnaryOp::Neg => !dt.is_bool(),
                UnaryOp::Not => dt.is_integral(),
            };
            match unary(op, &x) {
                Ok(r) => {
                    assert!(defined, "{op:?} on {dt}");
                    assert_eq!((r.dtype(), r.len()), (dt, n));
                }
                Err(e) => assert!(!defined && e.kind == ErrorKind::Type, "{op:?} on {dt}"),
            }
        }
        for f in ALL_FUNCS {
            let args: Vec<&Block> = vec![&x; f.arity()];
            match call(f, &args) {
                Ok(r) => {
                    assert!(func_defined(f, dt), "{f:?} on {dt} should fail");
                    assert_eq!(
                        (r.dtype(), r.len()),
                        (func_result(f, dt), n),
                        "{f:?} on {dt}"
                    );
                }
                Err(e) => {
                    assert_eq!(e.kind, ErrorKind::Type, "{f:?} on {dt}");
                    assert!(!func_defined(f, dt), "{f:?} on {dt}: {e}");
                }
            }
        }
        for to in DType::ALL {
            let r = cast(&x, to);
            assert_eq!((r.dtype(), r.len()), (to, n));
        }
    }
}

#[test]
fn mismatched_operands_are_errors() {
    let a = blk(&[1i32, 2]);
    let b = blk(&[1i64, 2]);
    let short = blk(&[1i32]);
    assert_eq!(
        binary(BinaryOp::Add, &a, &b).unwrap_err().kind,
        ErrorKind::Type
    );
    assert_eq!(
        binary(BinaryOp::Add, &a, &short).unwrap_err().kind,
        ErrorKind::Shape
    );
    assert_eq!(
        call(Func::Maximum, &[&a, &b]).unwrap_err().kind,
        ErrorKind::Type
    );
    assert_eq!(
        call(Func::Maximum, &[&a, &short]).unwrap_err().kind,
        ErrorKind::Shape
    );
    assert_eq!(
        call(Func::Sin, &[&a, &a]).unwrap_err().kind,
        ErrorKind::Arguments
    );
    assert_eq!(
        call(Func::Hypot, &[&a]).unwrap_err().kind,
        ErrorKind::Arguments
    );
    assert_eq!(call(Func::Sin, &[]).unwrap_err().kind, ErrorKind::Arguments);
}

#[test]
fn empty_blocks_work() {
    let e = blk::<f64>(&[]);
    assert!(binary(BinaryOp::Add, &e, &e).unwrap().is_empty());
    assert!(call(Func::Sin, &[&e]).unwrap().is_empty());
    assert!(cast(&e, DType::C64).is_empty());
    assert!(splat(Literal::Int(3), DType::U8, 0).is_empty());
}

#[test]
fn select_picks_elementwise() {
    let c = blk(&[true, false, true]);
    let a = blk(&[1.0f32, 2.0, 3.0]);
    let b = blk(&[-1.0f32, -2.0, -3.0]);
    assert_eq!(vals::<f32>(&select(&c, &a, &b)), [1.0, -2.0, 3.0]);
    let a = blk(&[C64::new(1.0, 1.0), C64::new(2.0, 2.0)]);
    let b = blk(&[C64::new(0.0, -1.0), C64::new(0.0, -2.0)]);
    let c = blk(&[false, true]);
    assert_eq!(
        vals::<C64>(&select(&c, &a, &b)),
        [C64::new(0.0, -1.0), C64::new(2.0, 2.0)]
    );
    // Malformed operands do not panic: non-bool conditions test != 0, short ones are false.
    let c = blk(&[0u8, 5, 1]);
    let a = blk(&[1i8, 2, 3]);
    let b = blk(&[9i8]);
    assert_eq!(vals::<i8>(&select(&c, &a, &b)), [9, 2, 3]);
}
