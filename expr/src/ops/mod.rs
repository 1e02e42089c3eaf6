//! Elementwise semantics of every IR operation on [`Block`]s, exactly as NumPy 2 defines
//! them. The reference interpreter and the optimizer's constant folding both use these,
//! so this module *is* the definition of what each operation means.
//!
//! The public functions check the operands and dispatch once per block on the dtype;
//! the kernels below them are generic over the element traits in `elem` and
//! monomorphized per dtype, so the per-element work is a tight loop.
//!
//! Layout: `int` (integers and bool), `float`, `complex` (arithmetic and the exponential
//! family), `ctrig` (complex trigonometric and hyperbolic functions), `cast`
//! (conversions and literals).
//!
//! Where NumPy's result depends on the platform, the reference is NumPy 2 on x86-64
//! Linux: complex `*` uses fused multiply-adds as NumPy's SIMD loops do there, float
//! `maximum`/`minimum` return the second operand on ties (`maximum(-0.0, 0.0)` is
//! `0.0`), and the complex functions follow glibc's special values.
//!
//! Deliberate deviations: float → integer casts of NaN, infinities and values beyond the
//! 64-bit range saturate (NumPy's result is undefined there); transcendental functions
//! use the platform libm in the operand's precision (real `arcsinh`/`arccosh`/`arctanh`
//! are computed here, as Rust's overflow or lose digits), so NumPy's SIMD loops may
//! differ in the last ulp or two; complex `log1p` is accurate near 0, where NumPy's
//! formula loses all digits.

mod cast;
mod complex;
mod ctrig;
mod elem;
mod float;
mod int;
#[cfg(test)]
mod tests;

use crate::block::{Block, BlockElement};
use crate::dtype::DType;
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{BinaryOp, Func, Literal, UnaryOp};

/// `op x`. See [`UnaryOp`] for the types.
pub fn unary(op: UnaryOp, x: &Block) -> Result<Block> {
    match x {
        Block::Bool(v) => int::bool_unary(op, v),
        Block::I8(v) => Ok(int::unary(op, v)),
        Block::I16(v) => Ok(int::unary(op, v)),
        Block::I32(v) => Ok(int::unary(op, v)),
        Block::I64(v) => Ok(int::unary(op, v)),
        Block::U8(v) => Ok(int::unary(op, v)),
        Block::U16(v) => Ok(int::unary(op, v)),
        Block::U32(v) => Ok(int::unary(op, v)),
        Block::U64(v) => Ok(int::unary(op, v)),
        Block::F32(v) => float_unary(op, v),
        Block::F64(v) => float_unary(op, v),
        Block::C64(v) => complex_unary(op, v),
        Block::C128(v) => complex_unary(op, v),
    }
}

fn float_unary<F: elem::Float>(op: UnaryOp, x: &[F]) -> Result<Block> {
    match op {
        UnaryOp::Neg => Ok(map1(x, |v: F| -v)),
        UnaryOp::Not => Err(unsupported("~", F::DTYPE)),
    }
}

fn complex_unary<F: elem::Float>(op: UnaryOp, x: &[num_complex::Complex<F>]) -> Result<Block> {
    match op {
        UnaryOp::Neg => Ok(complex::neg(x)),
        UnaryOp::Not => Err(unsupported("~", F::COMPLEX_DTYPE)),
    }
}

/// `a op b` on two blocks of the same dtype and length. Comparisons give bool, the rest
/// the operands' dtype.
pub fn binary(op: BinaryOp, a: &Block, b: &Block) -> Result<Block> {
    same_len(a, b)?;
    match (a, b) {
        (Block::Bool(a), Block::Bool(b)) => int::bool_binary(op, a, b),
        (Block::I8(a), Block::I8(b)) => int::binary(op, a, b),
        (Block::I16(a), Block::I16(b)) => int::binary(op, a, b),
        (Block::I32(a), Block::I32(b)) => int::binary(op, a, b),
        (Block::I64(a), Block::I64(b)) => int::binary(op, a, b),
        (Block::U8(a), Block::U8(b)) => int::binary(op, a, b),
        (Block::U16(a), Block::U16(b)) => int::binary(op, a, b),
        (Block::U32(a), Block::U32(b)) => int::binary(op, a, b),
        (Block::U64(a), Block::U64(b)) => int::binary(op, a, b),
        (Block::F32(a), Block::F32(b)) => float::binary(op, a, b),
        (Block::F64(a), Block::F64(b)) => float::binary(op, a, b),
        (Block::C64(a), Block::C64(b)) => complex::binary(op, a, b),
        (Block::C128(a), Block::C128(b)) => complex::binary(op, a, b),
        _ => Err(mixed(op.symbol(), a, b)),
    }
}

/// `f(args…)` on blocks of equal length. See [`Func`] for the types.
pub fn call(f: Func, args: &[&Block]) -> Result<Block> {
    if args.len() != f.arity() {
        return Err(Error::new(
            ErrorKind::Arguments,
            format!(
                "{}() takes {} argument(s), got {}",
                f.name(),
                f.arity(),
                args.len()
            ),
        ));
    }
    match *args {
        [x] => call1(f, x),
        [a, b] => {
            same_len(a, b)?;
            call2(f, a, b)
        }
        _ => Err(Error::new(
            ErrorKind::Arguments,
            format!("{}() with {} arguments", f.name(), args.len()),
        )),
    }
}

fn call1(f: Func, x: &Block) -> Result<Block> {
    match x {
        Block::Bool(v) => int::bool_call1(f, v),
        Block::I8(v) => int::call1(f, v),
        Block::I16(v) => int::call1(f, v),
        Block::I32(v) => int::call1(f, v),
        Block::I64(v) => int::call1(f, v),
        Block::U8(v) => int::call1(f, v),
        Block::U16(v) => int::call1(f, v),
        Block::U32(v) => int::call1(f, v),
        Block::U64(v) => int::call1(f, v),
        Block::F32(v) => float::call1(f, v),
        Block::F64(v) => float::call1(f, v),
        Block::C64(v) => complex::call1(f, v),
        Block::C128(v) => complex::call1(f, v),
    }
}

fn call2(f: Func, a: &Block, b: &Block) -> Result<Block> {
    match (a, b) {
        (Block::Bool(a), Block::Bool(b)) => int::bool_call2(f, a, b),
        (Block::I8(a), Block::I8(b)) => int::call2(f, a, b),
        (Block::I16(a), Block::I16(b)) => int::call2(f, a, b),
        (Block::I32(a), Block::I32(b)) => int::call2(f, a, b),
        (Block::I64(a), Block::I64(b)) => int::call2(f, a, b),
        (Block::U8(a), Block::U8(b)) => int::call2(f, a, b),
        (Block::U16(a), Block::U16(b)) => int::call2(f, a, b),
        (Block::U32(a), Block::U32(b)) => int::call2(f, a, b),
        (Block::U64(a), Block::U64(b)) => int::call2(f, a, b),
        (Block::F32(a), Block::F32(b)) => float::call2(f, a, b),
        (Block::F64(a), Block::F64(b)) => float::call2(f, a, b),
        (Block::C64(a), Block::C64(b)) => complex::call2(f, a, b),
        (Block::C128(a), Block::C128(b)) => complex::call2(f, a, b),
        _ => Err(mixed(f.name(), a, b)),
    }
}

/// Converts to `to` with NumPy's `astype` rules (see [`crate::ir::Op::Cast`]).
pub fn cast(x: &Block, to: DType) -> Block {
    cast::cast(x, to)
}

/// `where(cond, a, b)` elementwise; `a` and `b` share a dtype.
///
/// The result has `a`'s dtype and length. Never fails on malformed operands, which the
/// lowering never produces: a non-bool `cond` is tested `!= 0`, a `b` of another dtype is
/// cast to `a`'s, missing conditions count as false and a short `b` repeats its last
/// value.
pub fn select(cond: &Block, a: &Block, b: &Block) -> Block {
    let cond_owned;
    let cond: &[bool] = match cond {
        Block::Bool(c) => c,
        other => {
            cond_owned = cast::cast(other, DType::Bool);
            cond_owned.as_slice().unwrap_or(&[])
        }
    };
    let b_owned;
    let b = if b.dtype() == a.dtype() {
        b
    } else {
        b_owned = cast::cast(b, a.dtype());
        &b_owned
    };
    fn pick<T: BlockElement>(cond: &[bool], a: &[T], b: &[T]) -> Block {
        let fallback = |i: usize| b.get(i).or(b.last()).copied().unwrap_or_default();
        if cond.len() == a.len() && b.len() == a.len() {
            T::wrap(
                cond.iter()
                    .zip(a.iter().zip(b))
                    .map(|(&c, (&x, &y))| if c { x } else { y })
                    .collect(),
            )
        } else {
            T::wrap(
                (0..a.len())
                    .map(|i| {
                        if cond.get(i).copied().unwrap_or(false) {
                            a[i]
                        } else {
                            fallback(i)
                        }
                    })
                    .collect(),
            )
        }
    }
    crate::dispatch_dtype!(a.dtype(), T => pick::<T>(
        cond,
        a.as_slice().unwrap_or(&[]),
        b.as_slice().unwrap_or(&[]),
    ))
}

/// A block of `len` copies of `lit` converted to `dtype`.
///
/// Integers wrap to integer dtypes and round to nearest for float/complex ones; floats
/// truncate toward zero into integers (as [`cast`]); complex values keep their real part
/// in real dtypes; anything is `!= 0` as bool.
pub fn splat(lit: Literal, dtype: DType, len: usize) -> Block {
    cast::splat(lit, dtype, len)
}

/// Applies `f` to every element.
#[inline]
pub(crate) fn map1<T: Copy, R: BlockElement>(x: &[T], f: impl Fn(T) -> R) -> Block {
    R::wrap(x.iter().map(|&v| f(v)).collect())
}

/// Applies `f` pairwise (the slices have equal length).
#[inline]
pub(crate) fn map2<T: Copy, R: BlockElement>(a: &[T], b: &[T], f: impl Fn(T, T) -> R) -> Block {
    R::wrap(a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect())
}

/// A comparison operator on a totally or partially ordered type (NaN compares false
/// except under `!=`).
pub(crate) fn compare<T: Copy + PartialOrd>(op: BinaryOp, a: &[T], b: &[T]) -> Block {
    match op {
        BinaryOp::Lt => map2(a, b, |x, y| x < y),
        BinaryOp::Le => map2(a, b, |x, y| x <= y),
        BinaryOp::Eq => map2(a, b, |x, y| x == y),
        BinaryOp::Ne => map2(a, b, |x, y| x != y),
        BinaryOp::Ge => map2(a, b, |x, y| x >= y),
        // Gt; callers pass comparisons only.
        _ => map2(a, b, |x, y| x > y),
    }
}

/// The error for an operation that has no loop for a dtype.
pub(crate) fn unsupported(what: &str, dtype: DType) -> Error {
    Error::new(
        ErrorKind::Type,
        format!("operation '{what}' is not supported for {dtype}"),
    )
}

fn mixed(what: &str, a: &Block, b: &Block) -> Error {
    Error::new(
        ErrorKind::Type,
        format!(
            "operation '{what}' needs operands of one dtype, got {} and {}",
            a.dtype(),
            b.dtype()
        ),
    )
}

fn same_len(a: &Block, b: &Block) -> Result<()> {
    if a.len() == b.len() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Shape,
            format!("blocks of different lengths: {} and {}", a.len(), b.len()),
        ))
    }
}
