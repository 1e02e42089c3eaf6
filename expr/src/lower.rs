//! Lowering a checked program to kernel IR for concrete shapes.

use crate::check::Checked;
use crate::error::Result;
use crate::ir::Program;
use crate::value::Operand;

/// Lowers `checked` for the given operands (the same names, in the same order, as the
/// signature it was checked against).
pub fn lower(checked: &Checked, operands: &[(&str, &Operand)]) -> Result<Program> {
    let _ = (checked, operands);
    todo!()
}
