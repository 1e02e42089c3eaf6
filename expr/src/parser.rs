//! Recursive-descent parser with Python's precedence.

use crate::ast::Program;
use crate::error::Result;

/// Parses a vex program.
pub fn parse(source: &str) -> Result<Program> {
    let _ = source;
    todo!()
}
