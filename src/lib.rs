//! vex: fused array expressions on ndarray.
//!
//! Write array math as a string; vex parses it, fuses it into as few passes over memory as
//! possible and evaluates it without the temporaries a chain of ndarray operations would
//! allocate.
//!
//! ```
//! use ndarray::array;
//!
//! let a = array![1.0, 2.0, 3.0];
//! let b = array![4.0, 5.0, 6.0];
//! let r = vex::eval!("sqrt(a*a + b*b)", a = &a, b = &b).unwrap();
//! assert_eq!(r.as_f64().unwrap()[[1]], (29.0f64).sqrt());
//! ```
//!
//! Names bind to ndarray arrays or views of any supported dtype and dimension (any
//! strides), or to plain numbers, which behave like Python scalars in NumPy 2 (they do not
//! widen an array's dtype: `float32_array * 2.5` stays float32).
//!
//! For repeated evaluation, a [`Context`] caches compiled programs; [`Context::compile`]
//! gives a [`Program`] that can run many times, also into existing arrays.
//!
//! Long evaluations can be followed and cancelled from another thread through a
//! [`Control`] ([`Program::run_with`], [`Context::run_cell_with`]): it counts points done
//! out of the total, and a cancel stops the run within milliseconds with
//! [`ErrorKind::Cancelled`].

#![warn(missing_docs)]

mod cell;
mod context;

pub use cell::{is_blank, Cell, Value};
pub use context::{set_threads, threads, Backend, Context, Program, Signature, Vars};
/// The kernel IR, as returned by [`Program::lower`].
pub use vex_expr::ir;
pub use vex_expr::{
    Array, ArrayElement, ArrayRef, Control, DType, Error, ErrorKind, Kind, Operand, Progress,
    Scalar, Span, C128, C64,
};

/// The result type of every fallible vex call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Evaluates a program with a single output, using a shared default [`Context`].
///
/// ```
/// use ndarray::array;
/// let x = array![[1.0f32, -2.0], [3.0, -4.0]];
/// let vars = vex::Vars::new().with("x", &x);
/// let r = vex::evaluate("where(x > 0, x, 0)", &vars).unwrap();
/// assert_eq!(r.dtype(), vex::DType::F32);
/// assert_eq!(r.as_f32().unwrap(), &array![[1.0f32, 0.0], [3.0, 0.0]].into_dyn());
/// ```
pub fn evaluate(expr: &str, vars: &Vars<'_>) -> Result<Array> {
    context::with_default(|ctx| ctx.evaluate(expr, vars))
}

/// Evaluates a program and returns all its outputs (a final tuple `x/l, y/l` gives two).
///
/// ```
/// use ndarray::array;
/// let x = array![3.0, 0.0];
/// let y = array![4.0, 2.0];
/// let vars = vex::Vars::new().with("x", &x).with("y", &y);
/// let out = vex::evaluate_many("l = hypot(x, y); x/l, y/l", &vars).unwrap();
/// assert_eq!(out.len(), 2);
/// assert_eq!(out[1].as_f64().unwrap()[[0]], 0.8);
/// ```
pub fn evaluate_many(expr: &str, vars: &Vars<'_>) -> Result<Vec<Array>> {
    context::with_default(|ctx| ctx.evaluate_many(expr, vars))
}

/// Evaluates an expression with names bound inline: `eval!("a + b*c", a = &a, b = &b, c = 2.0)`.
///
/// Each value may be anything that converts into an [`Operand`]: `&Array<T, D>`, an
/// `ArrayView`, a [`vex::Array`](Array) reference, or a number (a weak scalar).
#[macro_export]
macro_rules! eval {
    ($expr:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::evaluate($expr, &$crate::Vars::new()$(.with(stringify!($name), $value))*)
    };
}

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
