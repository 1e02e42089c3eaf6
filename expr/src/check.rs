//! Type checking: names, functions, arities, dtypes and dimensions.

use crate::ast;
use crate::dtype::DType;
use crate::error::Result;

/// What the checker needs to know of an operand: its dtype and number of dimensions, or
/// that it is a weak Python scalar of the dtype's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OperandSig {
    pub dtype: DType,
    pub ndim: usize,
    pub weak: bool,
}

/// A type-checked program, ready to lower for concrete shapes.
#[derive(Clone, Debug)]
pub struct Checked {}

/// Checks `program` against the named operands.
pub fn check(program: &ast::Program, operands: &[(String, OperandSig)]) -> Result<Checked> {
    let _ = (program, operands);
    todo!()
}
