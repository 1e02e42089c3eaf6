//! Elementwise semantics of every IR operation on [`Block`]s, exactly as NumPy 2 defines
//! them. The reference interpreter and the optimizer's constant folding both use these,
//! so this module *is* the definition of what each operation means.

use crate::block::Block;
use crate::dtype::DType;
use crate::error::Result;
use crate::ir::{BinaryOp, Func, Literal, UnaryOp};

/// `op x`. See [`UnaryOp`] for the types.
pub fn unary(op: UnaryOp, x: &Block) -> Result<Block> {
    let _ = (op, x);
    todo!()
}

/// `a op b` on two blocks of the same dtype and length. Comparisons give bool, the rest
/// the operands' dtype.
pub fn binary(op: BinaryOp, a: &Block, b: &Block) -> Result<Block> {
    let _ = (op, a, b);
    todo!()
}

/// `f(args…)` on blocks of equal length. See [`Func`] for the types.
pub fn call(f: Func, args: &[&Block]) -> Result<Block> {
    let _ = (f, args);
    todo!()
}

/// Converts to `to` with NumPy's `astype` rules (see [`crate::ir::Op::Cast`]).
pub fn cast(x: &Block, to: DType) -> Block {
    let _ = (x, to);
    todo!()
}

/// `where(cond, a, b)` elementwise; `a` and `b` share a dtype.
pub fn select(cond: &Block, a: &Block, b: &Block) -> Block {
    let _ = (cond, a, b);
    todo!()
}

/// A block of `len` copies of `lit` converted to `dtype`.
pub fn splat(lit: Literal, dtype: DType, len: usize) -> Block {
    let _ = (lit, dtype, len);
    todo!()
}
