//! Integer and bool semantics: wrapping arithmetic, Python-style floor division and
//! modulo (0 on division by zero, as NumPy 2), NumPy's shift rules, and bool's logical
//! operators.

use crate::block::Block;
use crate::dtype::DType;
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{BinaryOp, Func, UnaryOp};

use super::elem::Int;
use super::{compare, map1, map2, unsupported};

/// The error for `int ** negative`, NumPy's ValueError.
pub(crate) fn negative_power() -> Error {
    Error::new(
        ErrorKind::NegativePower,
        "integers to negative integer powers are not allowed",
    )
}

pub(crate) fn unary<T: Int>(op: UnaryOp, x: &[T]) -> Block {
    match op {
        UnaryOp::Neg => map1(x, T::wrapping_neg),
        UnaryOp::Not => map1(x, T::not),
    }
}

pub(crate) fn binary<T: Int>(op: BinaryOp, a: &[T], b: &[T]) -> Result<Block> {
    use BinaryOp::*;
    Ok(match op {
        Add => map2(a, b, T::wrapping_add),
        Sub => map2(a, b, T::wrapping_sub),
        Mul => map2(a, b, T::wrapping_mul),
        FloorDiv => map2(a, b, T::floor_div),
        Mod => map2(a, b, T::py_mod),
        Pow => {
            // NumPy rejects the whole operation if any exponent is negative.
            if b.iter().any(|&e| e.is_negative()) {
                return Err(negative_power());
            }
            map2(a, b, |x, y| x.pow(y).unwrap_or(T::ZERO))
        }
        Lt | Le | Eq | Ne | Ge | Gt => compare(op, a, b),
        And => map2(a, b, T::and),
        Or => map2(a, b, T::or),
        Xor => map2(a, b, T::xor),
        Shl => map2(a, b, T::shl),
        Shr => map2(a, b, T::shr),
        // True division of integers is float division; the lowering casts first.
        Div => return Err(unsupported(op.symbol(), T::DTYPE)),
    })
}

pub(crate) fn call1<T: Int>(f: Func, x: &[T]) -> Result<Block> {
    match f {
        Func::Sign => Ok(map1(x, T::sign)),
        Func::Abs => Ok(map1(x, T::wrapping_abs)),
        _ => Err(unsupported(f.name(), T::DTYPE)),
    }
}

pub(crate) fn call2<T: Int>(f: Func, a: &[T], b: &[T]) -> Result<Block> {
    match f {
        Func::Fmod => Ok(map2(a, b, T::c_fmod)),
        Func::Maximum => Ok(map2(a, b, |x, y| x.max(y))),
        Func::Minimum => Ok(map2(a, b, |x, y| x.min(y))),
        _ => Err(unsupported(f.name(), T::DTYPE)),
    }
}

pub(crate) fn bool_unary(op: UnaryOp, x: &[bool]) -> Result<Block> {
    match op {
        UnaryOp::Not => Ok(map1(x, |v: bool| !v)),
        // NumPy: "The numpy boolean negative, the `-` operator, is not supported".
        UnaryOp::Neg => Err(unsupported("unary -", DType::Bool)),
    }
}

/// bool operators: `+` is logical or and `*` logical and (as NumPy); comparisons order
/// false before true; `-`, `/`, `//`, `%`, `**` and shifts are not defined on bool (NumPy
/// either rejects them or computes them in int8, which the lowering makes explicit).
pub(crate) fn bool_binary(op: BinaryOp, a: &[bool], b: &[bool]) -> Result<Block> {
    use BinaryOp::*;
    Ok(match op {
        Add | Or => map2(a, b, |x: bool, y: bool| x | y),
        Mul | And => map2(a, b, |x: bool, y: bool| x & y),
        Xor => map2(a, b, |x: bool, y: bool| x ^ y),
        Lt | Le | Eq | Ne | Ge | Gt => compare(op, a, b),
        Sub | Div | FloorDiv | Mod | Pow | Shl | Shr => {
            return Err(unsupported(op.symbol(), DType::Bool))
        }
    })
}

pub(crate) fn bool_call1(f: Func, x: &[bool]) -> Result<Block> {
    match f {
        // abs is the identity on bool in NumPy; sign has no bool loop.
        Func::Abs => Ok(Block::Bool(x.to_vec())),
        _ => Err(unsupported(f.name(), DType::Bool)),
    }
}

pub(crate) fn bool_call2(f: Func, a: &[bool], b: &[bool]) -> Result<Block> {
    match f {
        Func::Maximum => Ok(map2(a, b, |x: bool, y: bool| x | y)),
        Func::Minimum => Ok(map2(a, b, |x: bool, y: bool| x & y)),
        _ => Err(unsupported(f.name(), DType::Bool)),
    }
}
