//! Typing of function calls: the elementwise functions, casts, reductions and index
//! sources.

use std::sync::Arc;

use super::{binary, cast, cast_weak, describe, node, unify, Checker, TExpr, TKind, TRef};
use crate::ast::{self, BinaryOp, ExprKind};
use crate::dtype::{DType, Kind, Ty};
use crate::error::{did_you_mean, Error, ErrorKind, Result, Span};
use crate::ir::{Func, Literal, ReduceOp};

/// Every function name vex knows, for completion and "did you mean".
pub const FUNCTIONS: &[&str] = &[
    "where",
    "isnan",
    "isfinite",
    "isinf",
    "signbit",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "arctan2",
    "sinh",
    "cosh",
    "tanh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "exp",
    "expm1",
    "log",
    "log1p",
    "log10",
    "log2",
    "sqrt",
    "hypot",
    "nextafter",
    "copysign",
    "maximum",
    "minimum",
    "fmod",
    "ceil",
    "floor",
    "trunc",
    "round",
    "sign",
    "abs",
    "conj",
    "real",
    "imag",
    "complex",
    "copy",
    "ones_like",
    "clip",
    "square",
    "cbrt",
    "reciprocal",
    "deg2rad",
    "rad2deg",
    "logaddexp",
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "sum",
    "prod",
    "min",
    "max",
    "mean",
    "any",
    "all",
    "arange",
    "linspace",
    "zeros",
    "ones",
    "rand",
    "randn",
];

const TRANSCENDENTAL: &[(&str, Func)] = &[
    ("sin", Func::Sin),
    ("cos", Func::Cos),
    ("tan", Func::Tan),
    ("arcsin", Func::Arcsin),
    ("arccos", Func::Arccos),
    ("arctan", Func::Arctan),
    ("sinh", Func::Sinh),
    ("cosh", Func::Cosh),
    ("tanh", Func::Tanh),
    ("arcsinh", Func::Arcsinh),
    ("arccosh", Func::Arccosh),
    ("arctanh", Func::Arctanh),
    ("exp", Func::Exp),
    ("expm1", Func::Expm1),
    ("log", Func::Log),
    ("log1p", Func::Log1p),
    ("log10", Func::Log10),
    ("log2", Func::Log2),
    ("sqrt", Func::Sqrt),
];

const FLOAT_BINARY: &[(&str, Func)] = &[
    ("arctan2", Func::Arctan2),
    ("hypot", Func::Hypot),
    ("nextafter", Func::Nextafter),
    ("copysign", Func::Copysign),
    ("logaddexp", Func::Logaddexp),
];

const REDUCTIONS: &[(&str, ReduceOp)] = &[
    ("sum", ReduceOp::Sum),
    ("prod", ReduceOp::Prod),
    ("min", ReduceOp::Min),
    ("max", ReduceOp::Max),
    ("mean", ReduceOp::Mean),
    ("any", ReduceOp::Any),
    ("all", ReduceOp::All),
];

/// The inexact dtype a float function computes `t` in (weak values: the defaults).
fn inexact(t: &TExpr) -> DType {
    if t.ty.weak {
        match t.ty.dtype.kind() {
            Kind::Complex => DType::C128,
            _ => DType::F64,
        }
    } else {
        t.ty.dtype.to_inexact()
    }
}

fn call_node(f: Func, args: Vec<TRef>, dtype: DType, span: Span) -> TRef {
    let ndim = args.iter().map(|a| a.ndim).max().unwrap_or(0);
    node(TKind::Call(f, args), Ty::strong(dtype), ndim, span)
}

/// `x.real` / `x.imag` and the functions `real(x)` / `imag(x)`.
pub(super) fn real_imag(f: Func, x: TRef, span: Span) -> Result<TRef> {
    let x = super::strengthen(x);
    let dt = x.ty.dtype;
    if dt.is_complex() {
        return Ok(call_node(f, vec![x], dt.real(), span));
    }
    if f == Func::Real {
        return Ok(x);
    }
    // The imaginary part of a real array: zeros of its dtype and shape.
    let ndim = x.ndim;
    Ok(node(
        TKind::FillLike {
            value: Literal::Int(0),
            like: x,
        },
        Ty::strong(dt),
        ndim,
        span,
    ))
}

impl Checker<'_> {
    pub(super) fn call(
        &mut self,
        func: &ast::Ident,
        args: &[ast::Expr],
        kwargs: &[(ast::Ident, ast::Expr)],
        span: Span,
    ) -> Result<TRef> {
        let name = func.name.as_str();
        if let Some((_, op)) = REDUCTIONS.iter().find(|(n, _)| *n == name) {
            return self.reduction(*op, func, args, kwargs, span);
        }
        match name {
            "arange" | "linspace" | "zeros" | "ones" => {
                return self.source(func, args, kwargs, span)
            }
            "rand" | "randn" => return self.random(func, args, kwargs, span),
            _ => {}
        }
        if !FUNCTIONS.contains(&name) {
            return Err(self.unknown_function(func));
        }
        if let Some((k, _)) = kwargs.first() {
            return Err(Error::at(
                ErrorKind::Arguments,
                k.span,
                format!("{name}() takes no keyword argument '{}'", k.name),
            ));
        }
        let arity = match name {
            "where" | "clip" => 3,
            "complex" => 2,
            _ if FLOAT_BINARY.iter().any(|(n, _)| *n == name) => 2,
            "maximum" | "minimum" | "fmod" => 2,
            _ => 1,
        };
        if args.len() != arity {
            return Err(Error::at(
                ErrorKind::Arguments,
                span,
                format!(
                    "{name}() takes {arity} argument{} but {} {} given",
                    if arity == 1 { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 { "was" } else { "were" }
                ),
            ));
        }
        let mut a = args
            .iter()
            .map(|e| self.expr(e))
            .collect::<Result<Vec<_>>>()?;
        let type_error = |t: &TExpr, what: &str| {
            Error::at(
                ErrorKind::Type,
                t.span,
                format!("{name}() is not defined for {}", describe(t)),
            )
            .with_help(what.to_string())
        };
        if let Some((_, f)) = TRANSCENDENTAL.iter().find(|(n, _)| *n == name) {
            let x = a.remove(0);
            let dt = inexact(&x);
            return Ok(call_node(*f, vec![cast(x, dt)], dt, span));
        }
        if let Some((_, f)) = FLOAT_BINARY.iter().find(|(n, _)| *n == name) {
            let (x, y) = (a.remove(0), a.remove(0));
            let (x, y, _) = unify(x, y);
            let dt = inexact(&x).max(inexact(&y));
            if dt.is_complex() {
                let bad = if x.ty.dtype.is_complex() { &x } else { &y };
                return Err(type_error(bad, "this function is defined for real numbers"));
            }
            return Ok(call_node(*f, vec![cast(x, dt), cast(y, dt)], dt, span));
        }
        let x = a.remove(0);
        match name {
            "cbrt" => {
                let dt = inexact(&x);
                if dt.is_complex() {
                    return Err(type_error(&x, "cbrt is defined for real numbers"));
                }
                Ok(call_node(Func::Cbrt, vec![cast(x, dt)], dt, span))
            }
            "fmod" | "maximum" | "minimum" => {
                let y = a.remove(0);
                let (x, y, ty) = unify(x, y);
                let mut dt = ty.dtype;
                let f = match name {
                    "fmod" => {
                        if dt.is_complex() {
                            return Err(type_error(&x, "fmod is defined for real numbers"));
                        }
                        if dt.is_bool() {
                            dt = DType::I8;
                        }
                        Func::Fmod
                    }
                    "maximum" => Func::Maximum,
                    _ => Func::Minimum,
                };
                Ok(call_node(f, vec![cast(x, dt), cast(y, dt)], dt, span))
            }
            "ceil" | "floor" | "trunc" | "round" => {
                let x = super::strengthen(x);
                let dt = x.ty.dtype;
                let f = match name {
                    "ceil" => Func::Ceil,
                    "floor" => Func::Floor,
                    "trunc" => Func::Trunc,
                    _ => Func::Round,
                };
                match dt.kind() {
                    Kind::Int => Ok(x),
                    Kind::Bool if f != Func::Round => Ok(x),
                    Kind::Bool => Ok(call_node(f, vec![cast(x, DType::F32)], DType::F32, span)),
                    Kind::Complex if f != Func::Round => Err(type_error(
                        &x,
                        "rounding toward an integer is defined for real numbers",
                    )),
                    _ => Ok(call_node(f, vec![x], dt, span)),
                }
            }
            "sign" => {
                let x = super::strengthen(x);
                if x.ty.dtype.is_bool() {
                    return Err(type_error(&x, "sign is not defined for bool"));
                }
                let dt = x.ty.dtype;
                Ok(call_node(Func::Sign, vec![x], dt, span))
            }
            "abs" => {
                let x = super::strengthen(x);
                let dt = x.ty.dtype;
                if dt.is_bool() {
                    return Ok(x);
                }
                Ok(call_node(Func::Abs, vec![x], dt.real(), span))
            }
            "conj" => {
                let x = super::strengthen(x);
                let dt = x.ty.dtype;
                match dt.kind() {
                    Kind::Complex => Ok(call_node(Func::Conj, vec![x], dt, span)),
                    // NumPy has no bool loop for conjugate: the result is int8.
                    Kind::Bool => Ok(cast(x, DType::I8)),
                    _ => Ok(x),
                }
            }
            "real" => real_imag(Func::Real, x, span),
            "imag" => real_imag(Func::Imag, x, span),
            "complex" => {
                let y = a.remove(0);
                let (x, y, _) = unify(x, y);
                let dt = inexact(&x).max(inexact(&y));
                if dt.is_complex() {
                    let bad = if x.ty.dtype.is_complex() { &x } else { &y };
                    return Err(type_error(bad, "complex(re, im) takes real parts"));
                }
                Ok(call_node(
                    Func::Complex,
                    vec![cast(x, dt), cast(y, dt)],
                    dt.to_complex(),
                    span,
                ))
            }
            "isnan" | "isfinite" | "isinf" | "signbit" => {
                let f = match name {
                    "isnan" => Func::IsNan,
                    "isfinite" => Func::IsFinite,
                    "isinf" => Func::IsInf,
                    _ => Func::SignBit,
                };
                let dt = inexact(&x);
                if f == Func::SignBit && dt.is_complex() {
                    return Err(type_error(&x, "signbit is defined for real numbers"));
                }
                Ok(call_node(f, vec![cast(x, dt)], DType::Bool, span))
            }
            "where" => {
                let (t, f) = (a.remove(0), a.remove(0));
                let cond = cast(x, DType::Bool);
                let (t, f, ty) = unify(t, f);
                let dt = ty.dtype;
                let ndim = cond.ndim.max(t.ndim).max(f.ndim);
                Ok(node(
                    TKind::Where(cond, cast(t, dt), cast(f, dt)),
                    Ty::strong(dt),
                    ndim,
                    span,
                ))
            }
            "copy" => Ok(super::strengthen(x)),
            "ones_like" => {
                let x = super::strengthen(x);
                let (ty, ndim) = (x.ty, x.ndim);
                Ok(node(
                    TKind::FillLike {
                        value: Literal::Int(1),
                        like: x,
                    },
                    ty,
                    ndim,
                    span,
                ))
            }
            "clip" => {
                let (lo, hi) = (a.remove(0), a.remove(0));
                // NumPy: the result type of all three operands.
                let ty = Ty::promote(Ty::promote(x.ty, lo.ty), hi.ty);
                let dt = ty.dtype;
                let lower = call_node(Func::Maximum, vec![cast(x, dt), cast(lo, dt)], dt, span);
                Ok(call_node(
                    Func::Minimum,
                    vec![lower, cast(hi, dt)],
                    dt,
                    span,
                ))
            }
            "square" => {
                // NumPy has no bool loop for square: it squares in int8.
                let x = super::strengthen(x);
                let x = if x.ty.dtype.is_bool() {
                    cast(x, DType::I8)
                } else {
                    x
                };
                binary(BinaryOp::Mul, x.clone(), x, span, span)
            }
            "reciprocal" => {
                let one = node(
                    TKind::Literal(Literal::Int(1)),
                    Ty::weak(Kind::Int),
                    0,
                    span,
                );
                binary(BinaryOp::Div, one, x, span, span).map(super::strengthen)
            }
            "deg2rad" | "rad2deg" => {
                let dt = inexact(&x);
                if dt.is_complex() {
                    return Err(type_error(&x, "angles are real numbers"));
                }
                let factor = if name == "deg2rad" {
                    std::f64::consts::PI / 180.0
                } else {
                    180.0 / std::f64::consts::PI
                };
                let k = node(
                    TKind::Literal(Literal::Float(factor)),
                    Ty::weak(Kind::Float),
                    0,
                    span,
                );
                binary(BinaryOp::Mul, cast(x, dt), k, span, span)
            }
            _ => {
                let dt = DType::from_name(name).expect("every remaining function is a cast");
                Ok(cast(x, dt))
            }
        }
    }

    fn unknown_function(&self, func: &ast::Ident) -> Error {
        let name = func.name.as_str();
        let mut err = Error::at(
            ErrorKind::UnknownFunction,
            func.span,
            format!("unknown function '{name}'"),
        );
        if self.scope.contains_key(name) || self.operands.iter().any(|(n, _)| n == name) {
            err = err.with_help(format!("'{name}' is a variable, not a function"));
        } else if let Some(s) = did_you_mean(name, FUNCTIONS.iter().copied()) {
            err = err.with_help(format!("did you mean '{s}'?"));
        } else if let Some(alt) = numpy_alias(name) {
            err = err.with_help(format!("vex calls it '{alt}'"));
        }
        err
    }

    fn reduction(
        &mut self,
        op: ReduceOp,
        func: &ast::Ident,
        args: &[ast::Expr],
        kwargs: &[(ast::Ident, ast::Expr)],
        span: Span,
    ) -> Result<TRef> {
        let name = func.name.as_str();
        if args.is_empty() || args.len() > 2 {
            return Err(Error::at(
                ErrorKind::Arguments,
                span,
                format!("{name}() takes an array and an optional axis, e.g. {name}(x, axis=0)"),
            ));
        }
        let mut axis: Option<&ast::Expr> = args.get(1);
        let mut keepdims = false;
        for (k, v) in kwargs {
            match k.name.as_str() {
                "axis" if axis.is_none() => axis = Some(v),
                "axis" => {
                    return Err(Error::at(ErrorKind::Arguments, k.span, "axis given twice"));
                }
                "keepdims" => match v.kind {
                    ExprKind::Bool(b) => keepdims = b,
                    _ => {
                        return Err(Error::at(
                            ErrorKind::Arguments,
                            v.span,
                            "keepdims must be True or False",
                        ))
                    }
                },
                other => {
                    return Err(Error::at(
                        ErrorKind::Arguments,
                        k.span,
                        format!("{name}() has no argument '{other}'"),
                    )
                    .with_help("the arguments are axis= and keepdims="))
                }
            }
        }
        let x = super::strengthen(self.expr(&args[0])?);
        let ndim = x.ndim;
        let axes = match axis {
            None => (0..ndim).collect(),
            Some(e) => axes_of(e, ndim)?,
        };
        let dt = x.ty.dtype;
        let acc = match op {
            ReduceOp::Sum | ReduceOp::Prod => match dt {
                DType::Bool | DType::I8 | DType::I16 | DType::I32 => DType::I64,
                DType::U8 | DType::U16 | DType::U32 => DType::U64,
                d => d,
            },
            ReduceOp::Mean => match dt.kind() {
                Kind::Bool | Kind::Int => DType::F64,
                _ => dt,
            },
            ReduceOp::Min | ReduceOp::Max => dt,
            ReduceOp::Any | ReduceOp::All => DType::Bool,
        };
        let out_ndim = if keepdims { ndim } else { ndim - axes.len() };
        Ok(node(
            TKind::Reduce {
                op,
                axes,
                keepdims,
                arg: cast(x, acc),
            },
            Ty::strong(acc),
            out_ndim,
            span,
        ))
    }

    fn source(
        &mut self,
        func: &ast::Ident,
        args: &[ast::Expr],
        kwargs: &[(ast::Ident, ast::Expr)],
        span: Span,
    ) -> Result<TRef> {
        let name = func.name.as_str();
        if let Some((k, _)) = kwargs.first() {
            return Err(Error::at(
                ErrorKind::Arguments,
                k.span,
                format!("{name}() takes no keyword argument '{}'", k.name),
            ));
        }
        let usage = |n: &str| Error::at(ErrorKind::Arguments, span, format!("usage: {n}"));
        match name {
            "arange" => {
                if args.is_empty() || args.len() > 3 {
                    return Err(usage(
                        "arange(stop), arange(start, stop) or arange(start, stop, step)",
                    ));
                }
                let vals = args
                    .iter()
                    .map(|e| self.const_number(e, "arange bounds"))
                    .collect::<Result<Vec<_>>>()?;
                let int = vals.iter().all(|v| v.ty.dtype.kind() <= Kind::Int);
                let lit = |v: i128| {
                    node(
                        TKind::Literal(Literal::Int(v)),
                        Ty::weak(Kind::Int),
                        0,
                        span,
                    )
                };
                let (start, stop, step) = match vals.len() {
                    1 => (lit(0), vals[0].clone(), lit(1)),
                    2 => (vals[0].clone(), vals[1].clone(), lit(1)),
                    _ => (vals[0].clone(), vals[1].clone(), vals[2].clone()),
                };
                let dt = if int { DType::I64 } else { DType::F64 };
                Ok(node(
                    TKind::Arange { start, stop, step },
                    Ty::strong(dt),
                    1,
                    span,
                ))
            }
            "linspace" => {
                if args.len() != 3 {
                    return Err(usage("linspace(start, stop, num)"));
                }
                let start = self.const_number(&args[0], "linspace bounds")?;
                let stop = self.const_number(&args[1], "linspace bounds")?;
                let num = self.const_int(&args[2], "the number of points")?;
                Ok(node(
                    TKind::Linspace { start, stop, num },
                    Ty::strong(DType::F64),
                    1,
                    span,
                ))
            }
            _ => {
                if args.len() != 1 {
                    return Err(usage(&format!("{name}(shape), e.g. {name}((3, 4))")));
                }
                let dims = match &args[0].kind {
                    ExprKind::Tuple(items) => items
                        .iter()
                        .map(|e| self.const_int(e, "a dimension"))
                        .collect::<Result<Vec<_>>>()?,
                    _ => vec![self.const_int(&args[0], "a dimension")?],
                };
                let value = Literal::Int(i128::from(name == "ones"));
                let ndim = dims.len();
                Ok(node(
                    TKind::Fill { value, dims },
                    Ty::strong(DType::F64),
                    ndim,
                    span,
                ))
            }
        }
    }

    /// A weak int or float constant.
    fn const_number(&mut self, e: &ast::Expr, what: &str) -> Result<TRef> {
        let t = self.expr(e)?;
        if !t.ty.weak || t.ty.dtype.is_complex() {
            return Err(Error::at(
                ErrorKind::Type,
                e.span,
                format!("{what} must be real number constants, not {}", describe(&t)),
            ));
        }
        if t.ty.dtype.is_bool() {
            return Ok(cast_weak(t, Kind::Int));
        }
        Ok(t)
    }
}

/// The axes named by `axis=`: an integer (negative counts from the end), a tuple of them,
/// or None. Sorted, distinct, in range.
fn axes_of(e: &ast::Expr, ndim: usize) -> Result<Vec<usize>> {
    let items: Vec<&ast::Expr> = match &e.kind {
        ExprKind::Tuple(items) => items.iter().collect(),
        ExprKind::Name(n) if n == "None" => return Ok((0..ndim).collect()),
        _ => vec![e],
    };
    let mut axes = Vec::new();
    for item in items {
        let v = match &item.kind {
            ExprKind::Int(v) => *v,
            ExprKind::Unary {
                op: ast::UnaryOp::Neg,
                operand,
            } => match operand.kind {
                ExprKind::Int(v) => -v,
                _ => return Err(not_an_axis(item)),
            },
            _ => return Err(not_an_axis(item)),
        };
        let n = ndim as i128;
        if v < -n || v >= n {
            return Err(Error::at(
                ErrorKind::Axis,
                item.span,
                format!("axis {v} is out of bounds for an array of dimension {ndim}"),
            ));
        }
        let a = if v < 0 { v + n } else { v } as usize;
        if axes.contains(&a) {
            return Err(Error::at(
                ErrorKind::Axis,
                item.span,
                format!("axis {a} is repeated"),
            ));
        }
        axes.push(a);
    }
    axes.sort_unstable();
    Ok(axes)
}

fn not_an_axis(e: &ast::Expr) -> Error {
    Error::at(
        ErrorKind::Axis,
        e.span,
        "an axis must be an integer literal or a tuple of them",
    )
}

/// NumPy/Python spellings users reach for, and vex's name for them.
fn numpy_alias(name: &str) -> Option<&'static str> {
    Some(match name {
        "asin" => "arcsin",
        "acos" => "arccos",
        "atan" => "arctan",
        "atan2" => "arctan2",
        "asinh" => "arcsinh",
        "acosh" => "arccosh",
        "atanh" => "arctanh",
        "ln" => "log",
        "pow" | "power" => "** (the power operator)",
        "absolute" | "fabs" => "abs",
        "amin" | "minimum_reduce" => "min",
        "amax" => "max",
        "average" => "mean",
        "conjugate" => "conj",
        "rint" | "around" => "round",
        "fmax" => "maximum",
        "fmin" => "minimum",
        "float" | "double" => "float64",
        "int" => "int64",
        _ => return None,
    })
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Arc<TExpr>>();
}
