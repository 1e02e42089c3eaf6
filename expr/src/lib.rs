//! vex-expr: the vex expression language.
//!
//! Text flows one way: [`parse`] turns it into an [`ast::Program`] with spans, [`check()`]
//! types it against the operands' dtypes and dimensions, [`lower()`] turns the checked program
//! into kernel [`ir`] for concrete shapes, [`optimize`] simplifies the kernels, and a backend
//! executes them: here the reference interpreter ([`interp`]), the oracle for every other backend.

#![warn(missing_docs)]

pub mod ast;
pub mod block;
pub mod check;
pub mod control;
pub mod dtype;
pub mod error;
pub mod interp;
pub mod ir;
pub mod lexer;
pub mod lower;
pub mod ops;
pub mod optimize;
pub mod parser;
pub mod pretty;
pub mod random;
pub mod validate;
pub mod value;
pub mod vmath;

pub use check::{check, Checked, OperandSig};
pub use control::{Control, Progress};
pub use dtype::{DType, Kind, C128, C64};
pub use error::{Error, ErrorKind, Result, Span};
pub use lower::lower;
pub use parser::parse;
pub use value::{Array, ArrayElement, ArrayRef, Operand, Scalar};

/// The signature entry of an operand: its dtype and dimensions, or a weak scalar's kind.
pub fn operand_sig(operand: &Operand<'_>) -> OperandSig {
    match operand {
        Operand::Array(a) => OperandSig {
            dtype: a.dtype(),
            ndim: a.ndim(),
            weak: false,
        },
        Operand::Scalar(s) => OperandSig {
            dtype: DType::default_for(s.kind()),
            ndim: 0,
            weak: true,
        },
    }
}

/// The whole front end in one call: parses, checks and lowers `source` for `operands`,
/// then optimises the kernels. Errors are located in `source`.
///
/// ```
/// use vex_expr::{compile, Operand};
/// let a = ndarray::array![1.0, 2.0];
/// let program = compile("a * 2 + 1", &[("a", Operand::from(&a))]).unwrap();
/// assert_eq!(program.kernels.len(), 1);
/// let out = vex_expr::interp::run(&program, &[a.view().into()]).unwrap();
/// assert_eq!(out[0].as_f64().unwrap().as_slice().unwrap(), &[3.0, 5.0]);
/// ```
pub fn compile(source: &str, operands: &[(&str, Operand<'_>)]) -> Result<ir::Program> {
    let located = |e: Error| e.locate(source);
    let ast = parse(source).map_err(located)?;
    let sigs: Vec<(String, OperandSig)> = operands
        .iter()
        .map(|(n, v)| (n.to_string(), operand_sig(v)))
        .collect();
    let checked = check(&ast, &sigs).map_err(located)?.with_source(source);
    let refs: Vec<(&str, &Operand<'_>)> = operands.iter().map(|(n, v)| (*n, v)).collect();
    let mut program = lower(&checked, &refs).map_err(located)?;
    optimize::optimize(&mut program);
    Ok(program)
}
