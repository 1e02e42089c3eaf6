//! vex-expr: the vex expression language.
//!
//! Text flows one way: [`parse`] turns it into an [`ast::Program`] with spans, [`check`]
//! types it against the operands' dtypes and dimensions, [`lower`] turns the checked program
//! into kernel [`ir`] for concrete shapes, [`optimize`] simplifies the kernels, and a backend
//! executes them: here the reference [`interp`]reter, the oracle for every other backend.

pub mod ast;
pub mod block;
pub mod check;
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
pub mod value;

pub use check::{check, Checked, OperandSig};
pub use dtype::{DType, Kind, C128, C64};
pub use error::{Error, ErrorKind, Result, Span};
pub use lower::lower;
pub use parser::parse;
pub use value::{Array, ArrayElement, ArrayRef, Operand, Scalar};
