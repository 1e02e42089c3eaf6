//! The reference interpreter: executes an [`ir::Program`](crate::ir::Program) block by
//! block. Simple and obviously correct first, reasonably fast second; every other
//! backend is tested against it.

use crate::error::Result;
use crate::ir::Program;
use crate::value::{Array, ArrayRef};

/// Runs `program` on `inputs` (in the order of `program.inputs`) and returns its outputs.
pub fn run(program: &Program, inputs: &[ArrayRef]) -> Result<Vec<Array>> {
    let _ = (program, inputs);
    todo!()
}

/// Runs `program`, writing its outputs into caller-provided arrays of the right dtype and
/// shape (checked).
pub fn run_into(program: &Program, inputs: &[ArrayRef], outputs: &mut [Array]) -> Result<()> {
    let _ = (program, inputs, outputs);
    todo!()
}
