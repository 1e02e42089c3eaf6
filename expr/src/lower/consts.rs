//! Evaluation of weak (Python scalar) expressions to constants.
//!
//! Python integers are exact and unbounded; vex keeps them in i128 (far past every int64
//! and uint64 value) and reports overflow instead of wrapping. Floats and complex values
//! use the same operations as arrays ([`crate::ops`]) in float64 / complex128.

use crate::block::Block;
use crate::check::{TExpr, TKind};
use crate::dtype::{DType, Kind};
use crate::error::{Error, ErrorKind, Result, Span};
use crate::ir::{BinaryOp, Literal, UnaryOp};
use crate::ops;
use crate::value::Scalar;

/// The value of weak expression `e`; `scalar(i)` gives scalar operand `i`'s value.
pub(super) fn eval(e: &TExpr, scalar: &dyn Fn(usize) -> Option<Scalar>) -> Result<Literal> {
    let not_const = || Error::at(ErrorKind::Type, e.span, "expected a scalar constant here");
    let kind = e.ty.dtype.kind();
    match &e.kind {
        TKind::Literal(l) => Ok(*l),
        TKind::Operand(i) => match scalar(*i).ok_or_else(not_const)? {
            Scalar::Bool(b) => Ok(Literal::Bool(b)),
            Scalar::Int(v) => Ok(Literal::Int(v)),
            Scalar::Float(v) => Ok(Literal::Float(v)),
            Scalar::Complex(c) => Ok(Literal::Complex(c.re, c.im)),
        },
        TKind::Cast(x) => Ok(lift(eval(x, scalar)?, kind)),
        TKind::Unary(op, x) => {
            let v = eval(x, scalar)?;
            match (op, v) {
                (UnaryOp::Neg, Literal::Int(i)) => i
                    .checked_neg()
                    .map(Literal::Int)
                    .ok_or_else(|| overflow(e.span)),
                (UnaryOp::Not, Literal::Int(i)) => Ok(Literal::Int(!i)),
                (UnaryOp::Not, Literal::Bool(b)) => Ok(Literal::Bool(!b)),
                (UnaryOp::Neg, Literal::Float(f)) => Ok(Literal::Float(-f)),
                (UnaryOp::Neg, Literal::Complex(re, im)) => Ok(Literal::Complex(-re, -im)),
                _ => Err(not_const()),
            }
        }
        TKind::Binary(op, a, b) => {
            let (x, y) = (eval(a, scalar)?, eval(b, scalar)?);
            match (x, y) {
                (Literal::Int(x), Literal::Int(y)) => int_binary(*op, x, y, e.span, b.span),
                _ => via_ops(*op, x, y, e.span),
            }
        }
        _ => Err(not_const()),
    }
}

/// Python integer arithmetic, with vex's rules for the cases Python raises on.
fn int_binary(op: BinaryOp, x: i128, y: i128, span: Span, rhs: Span) -> Result<Literal> {
    use BinaryOp::*;
    let of = || overflow(span);
    let v = match op {
        Add => x.checked_add(y).ok_or_else(of)?,
        Sub => x.checked_sub(y).ok_or_else(of)?,
        Mul => x.checked_mul(y).ok_or_else(of)?,
        // Division and modulo by zero give 0, as for integer arrays.
        FloorDiv => {
            if y == 0 {
                0
            } else {
                x.checked_div_euclid(y)
                    .map(|_| floor_div(x, y))
                    .ok_or_else(of)?
            }
        }
        Mod => {
            if y == 0 {
                0
            } else {
                x - floor_div(x, y) * y
            }
        }
        Pow => {
            if y < 0 {
                return Err(Error::at(
                    ErrorKind::NegativePower,
                    rhs,
                    "integers to negative integer powers are not allowed",
                )
                .with_help("make the base a float: 2.0**-1"));
            }
            let e = u32::try_from(y).map_err(|_| of())?;
            x.checked_pow(e).ok_or_else(of)?
        }
        Lt => return Ok(Literal::Bool(x < y)),
        Le => return Ok(Literal::Bool(x <= y)),
        Eq => return Ok(Literal::Bool(x == y)),
        Ne => return Ok(Literal::Bool(x != y)),
        Ge => return Ok(Literal::Bool(x >= y)),
        Gt => return Ok(Literal::Bool(x > y)),
        And => x & y,
        Or => x | y,
        Xor => x ^ y,
        Shl => {
            if y < 0 {
                return Err(Error::at(ErrorKind::Type, rhs, "negative shift count"));
            }
            let s = u32::try_from(y).map_err(|_| of())?;
            let r = x.checked_shl(s).ok_or_else(of)?;
            if r >> s != x {
                return Err(of());
            }
            r
        }
        Shr => {
            if y < 0 {
                return Err(Error::at(ErrorKind::Type, rhs, "negative shift count"));
            }
            x >> y.min(127)
        }
        Div => unreachable!("true division of ints is typed as float"),
    };
    Ok(Literal::Int(v))
}

fn floor_div(x: i128, y: i128) -> i128 {
    let q = x / y;
    if (x % y != 0) && ((x < 0) != (y < 0)) {
        q - 1
    } else {
        q
    }
}

/// Float, complex and bool arithmetic through the array operations.
fn via_ops(op: BinaryOp, x: Literal, y: Literal, span: Span) -> Result<Literal> {
    let dtype = match (x, y) {
        (Literal::Complex(..), _) | (_, Literal::Complex(..)) => DType::C128,
        (Literal::Float(_), _) | (_, Literal::Float(_)) => DType::F64,
        (Literal::Int(_), _) | (_, Literal::Int(_)) => DType::I64,
        _ => DType::Bool,
    };
    let a = ops::splat(x, dtype, 1);
    let b = ops::splat(y, dtype, 1);
    let r = ops::binary(op, &a, &b).map_err(|e| e.with_span(span))?;
    Ok(literal_of(&r))
}

/// The first value of a block, as a literal.
pub(crate) fn literal_of(b: &Block) -> Literal {
    match b {
        Block::Bool(v) => Literal::Bool(v[0]),
        Block::I8(v) => Literal::Int(v[0].into()),
        Block::I16(v) => Literal::Int(v[0].into()),
        Block::I32(v) => Literal::Int(v[0].into()),
        Block::I64(v) => Literal::Int(v[0].into()),
        Block::U8(v) => Literal::Int(v[0].into()),
        Block::U16(v) => Literal::Int(v[0].into()),
        Block::U32(v) => Literal::Int(v[0].into()),
        Block::U64(v) => Literal::Int(v[0].into()),
        Block::F32(v) => Literal::Float(v[0].into()),
        Block::F64(v) => Literal::Float(v[0]),
        Block::C64(v) => Literal::Complex(v[0].re.into(), v[0].im.into()),
        Block::C128(v) => Literal::Complex(v[0].re, v[0].im),
    }
}

/// A weak value moved up to a higher kind (Python's `True + 1.5`).
fn lift(v: Literal, kind: Kind) -> Literal {
    match (v, kind) {
        (Literal::Bool(b), Kind::Int) => Literal::Int(b.into()),
        (Literal::Bool(b), Kind::Float) => Literal::Float(f64::from(u8::from(b))),
        (Literal::Bool(b), Kind::Complex) => Literal::Complex(f64::from(u8::from(b)), 0.0),
        (Literal::Int(i), Kind::Float) => Literal::Float(i as f64),
        (Literal::Int(i), Kind::Complex) => Literal::Complex(i as f64, 0.0),
        (Literal::Float(f), Kind::Complex) => Literal::Complex(f, 0.0),
        (v, _) => v,
    }
}

/// Checks that a Python integer fits `dtype` (NumPy 2 raises OverflowError otherwise) and
/// returns the literal to splat.
pub(super) fn fit(v: Literal, dtype: DType, span: Span) -> Result<Literal> {
    if let Literal::Int(i) = v {
        if dtype.is_int() {
            let (lo, hi): (i128, i128) = match dtype {
                DType::I8 => (i8::MIN.into(), i8::MAX.into()),
                DType::I16 => (i16::MIN.into(), i16::MAX.into()),
                DType::I32 => (i32::MIN.into(), i32::MAX.into()),
                DType::I64 => (i64::MIN.into(), i64::MAX.into()),
                DType::U8 => (0, u8::MAX.into()),
                DType::U16 => (0, u16::MAX.into()),
                DType::U32 => (0, u32::MAX.into()),
                _ => (0, u64::MAX.into()),
            };
            if i < lo || i > hi {
                return Err(Error::at(
                    ErrorKind::Overflow,
                    span,
                    format!("Python integer {i} is out of bounds for {dtype}"),
                ));
            }
        }
    }
    Ok(v)
}

pub(super) fn as_f64(v: Literal) -> f64 {
    match v {
        Literal::Bool(b) => f64::from(u8::from(b)),
        Literal::Int(i) => i as f64,
        Literal::Float(f) => f,
        Literal::Complex(re, _) => re,
    }
}

pub(super) fn as_i128(v: Literal) -> i128 {
    match v {
        Literal::Bool(b) => b.into(),
        Literal::Int(i) => i,
        Literal::Float(f) => f as i128,
        Literal::Complex(re, _) => re as i128,
    }
}

fn overflow(span: Span) -> Error {
    Error::at(
        ErrorKind::Overflow,
        span,
        "integer constant too large (vex computes Python integers in 128 bits)",
    )
}
