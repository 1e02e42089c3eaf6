//! Type checking: resolves names and functions, checks arities, dtypes and numbers of
//! dimensions, and produces a typed tree ([`TExpr`]) in which every implicit conversion is
//! an explicit [`TKind::Cast`]. Shapes are not known here (a checked program runs on every
//! shape); [`crate::lower()`] handles them.

mod calls;
mod random;

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{self, BinaryOp, ExprKind, Stmt, UnaryOp};
use crate::dtype::{DType, Kind, Ty};
use crate::error::{did_you_mean, Error, ErrorKind, Result, Span};
use crate::ir::{Literal, ReduceOp};

pub use calls::FUNCTIONS;

/// What the checker needs to know of an operand: its dtype and number of dimensions, or
/// that it is a weak Python scalar of the dtype's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OperandSig {
    /// The operand's dtype (for a weak scalar: its kind's default dtype).
    pub dtype: DType,
    /// Number of dimensions (0 for scalars).
    pub ndim: usize,
    /// Whether the operand is a weak Python-like scalar.
    pub weak: bool,
}

/// A type-checked program, ready to lower for concrete shapes.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The operands it was checked against, in the order `lower` expects them.
    pub operands: Vec<(String, OperandSig)>,
    /// The program's results.
    pub outputs: Vec<Arc<TExpr>>,
    /// Every name assigned by the program, with its final value, in the order the names
    /// were last assigned. Weak values stay weak (`n = 5` is a Python-like scalar that a
    /// REPL binds as such); [`strengthen`] gives the typed value to compute.
    pub bindings: Vec<(String, Arc<TExpr>)>,
    /// The program text, when known, so that later errors can quote sub-expressions.
    pub source: Option<Arc<str>>,
    /// Whether the program calls `rand`/`randn` without `seed=`: every lowering then draws
    /// new seeds, so a lowering must not be reused for another run.
    pub fresh_seeds: bool,
}

impl Checked {
    /// Attaches the program text (see [`Checked::source`]).
    pub fn with_source(mut self, source: &str) -> Checked {
        self.source = Some(Arc::from(source));
        self
    }
}

/// A typed expression. `ndim` is the number of dimensions of its value.
#[derive(Clone, Debug)]
pub struct TExpr {
    /// What the expression computes.
    pub kind: TKind,
    /// Its type (dtype, and whether weak).
    pub ty: Ty,
    /// Number of dimensions of its value.
    pub ndim: usize,
    /// The program text it came from.
    pub span: Span,
}

/// Typed expressions are shared: a name bound once may be used many times.
pub type TRef = Arc<TExpr>;

/// The kinds of typed expression.
#[derive(Clone, Debug)]
pub enum TKind {
    /// The operand with this index in [`Checked::operands`].
    Operand(usize),
    /// A literal or constant (weak).
    Literal(Literal),
    /// `arange`: start, stop and step are scalar constants (weak).
    Arange {
        /// First value.
        start: TRef,
        /// End (exclusive).
        stop: TRef,
        /// Step.
        step: TRef,
    },
    /// `linspace(start, stop, num)`, float64.
    Linspace {
        /// First value.
        start: TRef,
        /// Last value.
        stop: TRef,
        /// Number of points.
        num: TRef,
    },
    /// `zeros(shape)` / `ones(shape)`: `value` everywhere; the dims are constant integers.
    Fill {
        /// The value everywhere.
        value: Literal,
        /// The dimensions.
        dims: Vec<TRef>,
    },
    /// `rand(shape, seed=…)` / `randn(shape, seed=…)`: float64 random numbers, uniform in
    /// `[0, 1)` or standard normal (see [`crate::random`]); the dims and the seed are
    /// constant integers. Without a seed, lowering draws a fresh one every time.
    Random {
        /// `randn` rather than `rand`.
        normal: bool,
        /// The dimensions.
        dims: Vec<TRef>,
        /// The seed, if given.
        seed: Option<TRef>,
    },
    /// `ones_like(x)`: `value` in the shape of `like`.
    FillLike {
        /// The value everywhere.
        value: Literal,
        /// The expression whose shape is taken.
        like: TRef,
    },
    /// A unary operation; the operand has the node's dtype.
    Unary(crate::ir::UnaryOp, TRef),
    /// A binary operation; operands share a dtype (see `ir::Op::Binary`).
    Binary(BinaryOp, TRef, TRef),
    /// A function call; operand and result types as `ir::Func` documents.
    Call(crate::ir::Func, Vec<TRef>),
    /// Conversion to the node's dtype. Applied to a weak value, this is where a Python
    /// scalar gets its concrete type (and where an out-of-range integer is reported).
    Cast(TRef),
    /// `where(cond, a, b)`: cond is bool, a and b have the node's dtype.
    Where(TRef, TRef, TRef),
    /// A reduction over `axes` (sorted, distinct, within the operand's dimensions).
    Reduce {
        /// Which reduction.
        op: ReduceOp,
        /// The reduced axes.
        axes: Vec<usize>,
        /// Whether reduced axes stay with length 1.
        keepdims: bool,
        /// The reduced expression, already in the accumulation dtype.
        arg: TRef,
    },
    /// Basic indexing; the ellipsis is already expanded, so there is one entry per
    /// operand axis except `NewAxis` entries.
    Index {
        /// The indexed expression.
        target: TRef,
        /// One entry per axis of the result or of the target.
        items: Vec<TIndex>,
    },
    /// `x.T`: axes reversed.
    Transpose(TRef),
}

/// One entry of a typed subscript.
#[derive(Clone, Debug)]
pub enum TIndex {
    /// A constant integer position.
    At(TRef),
    /// Constant integer bounds; `None` parts take the defaults.
    Slice {
        /// First index.
        start: Option<TRef>,
        /// End index (exclusive).
        stop: Option<TRef>,
        /// Step.
        step: Option<TRef>,
        /// The slice's text.
        span: Span,
    },
    /// `None`: a new axis of length 1.
    NewAxis,
}

/// Names that stand for constants unless an operand or assignment shadows them.
pub const CONSTANTS: [(&str, f64); 4] = [
    ("pi", std::f64::consts::PI),
    ("e", std::f64::consts::E),
    ("inf", f64::INFINITY),
    ("nan", f64::NAN),
];

/// Checks `program` against the named operands.
pub fn check(program: &ast::Program, operands: &[(String, OperandSig)]) -> Result<Checked> {
    let mut cx = Checker {
        operands,
        scope: HashMap::new(),
        bindings: Vec::new(),
        fresh_seeds: false,
    };
    let mut outputs = Vec::new();
    let last = program.stmts.len().saturating_sub(1);
    for (i, stmt) in program.stmts.iter().enumerate() {
        match stmt {
            Stmt::Assign { name, value, .. } => {
                if let ExprKind::Tuple(_) = value.kind {
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        value.span,
                        "a tuple cannot be assigned to a name",
                    ));
                }
                let v = cx.expr(value)?;
                cx.scope.insert(name.name.clone(), v.clone());
                cx.bindings.retain(|(n, _)| n != &name.name);
                cx.bindings.push((name.name.clone(), v.clone()));
                if i == last {
                    outputs.push(v);
                }
            }
            Stmt::Expr(e) => {
                let values = match &e.kind {
                    ExprKind::Tuple(items) if i == last => items
                        .iter()
                        .map(|it| cx.expr(it))
                        .collect::<Result<Vec<_>>>()?,
                    ExprKind::Tuple(_) => {
                        return Err(Error::at(
                            ErrorKind::Syntax,
                            e.span,
                            "several outputs are only allowed in the last statement",
                        ))
                    }
                    _ => vec![cx.expr(e)?],
                };
                if i == last {
                    outputs = values;
                }
            }
        }
    }
    if outputs.is_empty() {
        return Err(Error::new(ErrorKind::Syntax, "the program has no value"));
    }
    // A weak result gets its default type, as NumPy gives a Python scalar result.
    let outputs = outputs.into_iter().map(strengthen).collect();
    Ok(Checked {
        operands: operands.to_vec(),
        outputs,
        bindings: cx.bindings,
        source: None,
        fresh_seeds: cx.fresh_seeds,
    })
}

/// A weak value cast to its default dtype (what NumPy gives for a Python scalar result);
/// strong values unchanged.
pub fn strengthen(e: TRef) -> TRef {
    if e.ty.weak {
        let dtype = e.ty.dtype;
        cast(e, dtype)
    } else {
        e
    }
}

/// `e` converted to `dtype` (strong); no node if it already is.
pub(crate) fn cast(e: TRef, dtype: DType) -> TRef {
    if !e.ty.weak && e.ty.dtype == dtype {
        return e;
    }
    Arc::new(TExpr {
        ty: Ty::strong(dtype),
        ndim: e.ndim,
        span: e.span,
        kind: TKind::Cast(e),
    })
}

struct Checker<'a> {
    operands: &'a [(String, OperandSig)],
    scope: HashMap<String, TRef>,
    bindings: Vec<(String, TRef)>,
    /// See [`Checked::fresh_seeds`].
    fresh_seeds: bool,
}

fn node(kind: TKind, ty: Ty, ndim: usize, span: Span) -> TRef {
    Arc::new(TExpr {
        kind,
        ty,
        ndim,
        span,
    })
}

impl Checker<'_> {
    fn expr(&mut self, e: &ast::Expr) -> Result<TRef> {
        let span = e.span;
        match &e.kind {
            ExprKind::Int(v) => Ok(node(
                TKind::Literal(Literal::Int(*v)),
                Ty::weak(Kind::Int),
                0,
                span,
            )),
            ExprKind::Float(v) => Ok(node(
                TKind::Literal(Literal::Float(*v)),
                Ty::weak(Kind::Float),
                0,
                span,
            )),
            ExprKind::Imag(v) => Ok(node(
                TKind::Literal(Literal::Complex(0.0, *v)),
                Ty::weak(Kind::Complex),
                0,
                span,
            )),
            ExprKind::Bool(b) => Ok(node(
                TKind::Literal(Literal::Bool(*b)),
                Ty::weak(Kind::Bool),
                0,
                span,
            )),
            ExprKind::Name(name) => self.name(name, span),
            ExprKind::Unary { op, operand } => {
                let x = self.expr(operand)?;
                self.unary(*op, x, span)
            }
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => {
                let a = self.expr(lhs)?;
                let b = self.expr(rhs)?;
                binary(*op, a, b, span, *op_span)
            }
            ExprKind::Call { func, args, kwargs } => self.call(func, args, kwargs, span),
            ExprKind::Index { target, indices } => {
                let t = self.expr(target)?;
                self.index(t, indices, span)
            }
            ExprKind::Attr { target, name } => {
                let t = self.expr(target)?;
                match name.name.as_str() {
                    "real" => calls::real_imag(crate::ir::Func::Real, t, span),
                    "imag" => calls::real_imag(crate::ir::Func::Imag, t, span),
                    "T" => {
                        let (ty, ndim) = (t.ty, t.ndim);
                        Ok(node(TKind::Transpose(t), ty, ndim, span))
                    }
                    other => Err(Error::at(
                        ErrorKind::UnknownName,
                        name.span,
                        format!("unknown attribute '.{other}'"),
                    )
                    .with_help("the attributes are .real, .imag and .T")),
                }
            }
            ExprKind::Tuple(_) => Err(Error::at(
                ErrorKind::Syntax,
                span,
                "a tuple is only allowed as the program's outputs or as axis=(…) / a shape",
            )),
        }
    }

    fn name(&self, name: &str, span: Span) -> Result<TRef> {
        if name == "None" {
            return Err(Error::at(
                ErrorKind::Syntax,
                span,
                "'None' is only allowed in a subscript, as a new axis: a[:, None], or as axis=None",
            ));
        }
        if let Some(v) = self.scope.get(name) {
            // Re-anchor the span at the use so errors point where the user looks.
            return Ok(v.clone());
        }
        if let Some(i) = self.operands.iter().position(|(n, _)| n == name) {
            let sig = self.operands[i].1;
            let ty = if sig.weak {
                Ty::weak(sig.dtype.kind())
            } else {
                Ty::strong(sig.dtype)
            };
            return Ok(node(TKind::Operand(i), ty, sig.ndim, span));
        }
        if let Some((_, v)) = CONSTANTS.iter().find(|(n, _)| *n == name) {
            return Ok(node(
                TKind::Literal(Literal::Float(*v)),
                Ty::weak(Kind::Float),
                0,
                span,
            ));
        }
        let mut candidates: Vec<&str> = self.operands.iter().map(|(n, _)| n.as_str()).collect();
        candidates.extend(self.scope.keys().map(|k| k.as_str()));
        candidates.extend(CONSTANTS.iter().map(|(n, _)| *n));
        let mut err = Error::at(
            ErrorKind::UnknownName,
            span,
            format!("unknown name '{name}'"),
        );
        if let Some(s) = did_you_mean(name, candidates) {
            err = err.with_help(format!("did you mean '{s}'?"));
        } else if FUNCTIONS.contains(&name) {
            err = err.with_help(format!("'{name}' is a function: call it, {name}(…)"));
        }
        Err(err)
    }

    fn unary(&mut self, op: UnaryOp, x: TRef, span: Span) -> Result<TRef> {
        let ty = x.ty;
        let ndim = x.ndim;
        match op {
            UnaryOp::Pos | UnaryOp::Neg if ty.dtype.is_bool() => {
                if ty.weak {
                    // Python: -True == -1.
                    let x = cast_weak(x, Kind::Int);
                    return self.unary(op, x, span);
                }
                Err(Error::at(
                    ErrorKind::Type,
                    span,
                    format!("unary '{}' is not defined for bool", op.symbol()),
                )
                .with_help("use '~' for logical not"))
            }
            UnaryOp::Pos => Ok(x),
            UnaryOp::Neg => Ok(node(
                TKind::Unary(crate::ir::UnaryOp::Neg, x),
                ty,
                ndim,
                span,
            )),
            UnaryOp::Invert => {
                if !ty.dtype.is_integral() {
                    return Err(Error::at(
                        ErrorKind::Type,
                        span,
                        format!("'~' is not defined for {ty}"),
                    )
                    .with_help("'~' is logical not on bool and bitwise not on integers"));
                }
                Ok(node(
                    TKind::Unary(crate::ir::UnaryOp::Not, x),
                    ty,
                    ndim,
                    span,
                ))
            }
        }
    }

    fn index(&mut self, target: TRef, indices: &[ast::Index], span: Span) -> Result<TRef> {
        let consumed = indices
            .iter()
            .filter(|i| matches!(i, ast::Index::At(_) | ast::Index::Slice { .. }))
            .count();
        let ellipses: Vec<&ast::Index> = indices
            .iter()
            .filter(|i| matches!(i, ast::Index::Ellipsis(_)))
            .collect();
        if ellipses.len() > 1 {
            return Err(Error::at(
                ErrorKind::Syntax,
                ellipses[1].span(),
                "an index can only have a single ellipsis ('...')",
            ));
        }
        if consumed > target.ndim {
            return Err(Error::at(
                ErrorKind::Shape,
                span,
                format!(
                    "too many indices: the array has {} dimension{} but {consumed} were indexed",
                    target.ndim,
                    if target.ndim == 1 { "" } else { "s" }
                ),
            ));
        }
        let mut items = Vec::new();
        let mut ndim = 0;
        for ix in indices {
            match ix {
                ast::Index::At(e) => {
                    items.push(TIndex::At(self.const_int(e, "an index")?));
                }
                ast::Index::Slice {
                    start,
                    stop,
                    step,
                    span,
                } => {
                    let mut part = |p: &Option<ast::Expr>| -> Result<Option<TRef>> {
                        p.as_ref()
                            .map(|e| self.const_int(e, "a slice bound"))
                            .transpose()
                    };
                    items.push(TIndex::Slice {
                        start: part(start)?,
                        stop: part(stop)?,
                        step: part(step)?,
                        span: *span,
                    });
                    ndim += 1;
                }
                ast::Index::NewAxis(_) => {
                    items.push(TIndex::NewAxis);
                    ndim += 1;
                }
                ast::Index::Ellipsis(_) => {
                    for _ in 0..target.ndim - consumed {
                        items.push(TIndex::Slice {
                            start: None,
                            stop: None,
                            step: None,
                            span,
                        });
                        ndim += 1;
                    }
                }
            }
        }
        // Axes not mentioned are taken whole.
        let mentioned = consumed
            + if ellipses.is_empty() {
                0
            } else {
                target.ndim - consumed
            };
        for _ in mentioned..target.ndim {
            items.push(TIndex::Slice {
                start: None,
                stop: None,
                step: None,
                span,
            });
            ndim += 1;
        }
        let ty = target.ty;
        Ok(node(TKind::Index { target, items }, ty, ndim, span))
    }

    /// A scalar integer constant: literals, scalar operands and arithmetic on them.
    fn const_int(&mut self, e: &ast::Expr, what: &str) -> Result<TRef> {
        let t = self.expr(e)?;
        if !t.ty.weak || !matches!(t.ty.dtype.kind(), Kind::Int | Kind::Bool) {
            return Err(Error::at(
                ErrorKind::Type,
                e.span,
                format!("{what} must be an integer constant, not {}", describe(&t)),
            ));
        }
        Ok(t)
    }
}

/// A weak value reinterpreted as a weak value of a higher kind (Python's `True + 1`).
fn cast_weak(x: TRef, kind: Kind) -> TRef {
    let (ndim, span) = (x.ndim, x.span);
    node(TKind::Cast(x), Ty::weak(kind), ndim, span)
}

/// "a float32 array", "a Python float", "a 0-d int8 array".
pub(crate) fn describe(t: &TExpr) -> String {
    if t.ty.weak {
        format!("a {}", t.ty)
    } else if t.ndim == 0 {
        format!("a {} scalar", t.ty.dtype)
    } else {
        format!("a {} array", t.ty.dtype)
    }
}

/// Brings both operands to their common type (NEP 50). Two weak operands stay weak.
pub(crate) fn unify(a: TRef, b: TRef) -> (TRef, TRef, Ty) {
    let ty = Ty::promote(a.ty, b.ty);
    if ty.weak {
        let a = if a.ty.dtype.kind() < ty.dtype.kind() {
            cast_weak(a, ty.dtype.kind())
        } else {
            a
        };
        let b = if b.ty.dtype.kind() < ty.dtype.kind() {
            cast_weak(b, ty.dtype.kind())
        } else {
            b
        };
        (a, b, ty)
    } else {
        (cast(a, ty.dtype), cast(b, ty.dtype), ty)
    }
}

/// Types a binary operator.
pub(crate) fn binary(op: BinaryOp, a: TRef, b: TRef, span: Span, op_span: Span) -> Result<TRef> {
    use BinaryOp::*;
    let ndim = a.ndim.max(b.ndim);
    let type_error = |a: &TExpr, b: &TExpr, help: &str| {
        let mut e = Error::at(
            ErrorKind::Type,
            op_span,
            format!(
                "'{}' is not defined for {} and {}",
                op.symbol(),
                describe(a),
                describe(b)
            ),
        );
        if !help.is_empty() {
            e = e.with_help(help.to_string());
        }
        e
    };
    let both_weak = a.ty.weak && b.ty.weak;
    // Python arithmetic on two bools is integer arithmetic (True + True == 2).
    let (a, b) = if both_weak
        && a.ty.dtype.is_bool()
        && b.ty.dtype.is_bool()
        && !matches!(op, And | Or | Xor | Lt | Le | Eq | Ne | Ge | Gt)
    {
        (cast_weak(a, Kind::Int), cast_weak(b, Kind::Int))
    } else {
        (a, b)
    };
    let (a0, b0) = (a.clone(), b.clone());
    let (a, b, ty) = unify(a, b);
    let dt = ty.dtype;
    let mk = |op: BinaryOp, a: TRef, b: TRef, ty: Ty| node(TKind::Binary(op, a, b), ty, ndim, span);
    match op {
        Add | Sub | Mul => {
            if dt.is_bool() {
                return match op {
                    Add => Ok(mk(Or, a, b, ty)),
                    Mul => Ok(mk(And, a, b, ty)),
                    _ => Err(type_error(
                        &a0,
                        &b0,
                        "use '^' (exclusive or) or '~' for booleans",
                    )),
                };
            }
            Ok(mk(op, a, b, ty))
        }
        Div => {
            let target = match dt.kind() {
                Kind::Bool | Kind::Int => {
                    if ty.weak {
                        return Ok(mk(
                            Div,
                            cast_weak(a, Kind::Float),
                            cast_weak(b, Kind::Float),
                            Ty::weak(Kind::Float),
                        ));
                    }
                    DType::F64
                }
                _ => dt,
            };
            if ty.weak {
                return Ok(mk(Div, a, b, ty));
            }
            if target != dt {
                // Integers divide in float64, and a Python integer goes there directly, so
                // `uint8_array / -3` is fine although -3 is no uint8.
                return Ok(mk(
                    Div,
                    cast(a0, target),
                    cast(b0, target),
                    Ty::strong(target),
                ));
            }
            Ok(mk(
                Div,
                cast(a, target),
                cast(b, target),
                Ty::strong(target),
            ))
        }
        FloorDiv | Mod | Pow => {
            if dt.is_complex() && op != Pow {
                return Err(type_error(
                    &a0,
                    &b0,
                    "complex numbers have no floor division or modulo",
                ));
            }
            if op == Pow && dt.is_int() {
                if let TKind::Literal(Literal::Int(v)) = negated_literal(&b0) {
                    if v < 0 {
                        return Err(Error::at(
                            ErrorKind::NegativePower,
                            b0.span,
                            "integers to negative integer powers are not allowed",
                        )
                        .with_help("make the base a float: 2.0**-1"));
                    }
                }
            }
            if dt.is_bool() {
                // NumPy computes these on bools in int8.
                return Ok(mk(
                    op,
                    cast(a, DType::I8),
                    cast(b, DType::I8),
                    Ty::strong(DType::I8),
                ));
            }
            Ok(mk(op, a, b, ty))
        }
        Lt | Le | Eq | Ne | Ge | Gt => {
            if let Some(exact) = signed_unsigned_comparison(op, &a0, &b0, span) {
                return Ok(exact);
            }
            let rty = if ty.weak {
                Ty::weak(Kind::Bool)
            } else {
                Ty::strong(DType::Bool)
            };
            Ok(mk(op, a, b, rty))
        }
        And | Or | Xor => {
            if !dt.is_integral() {
                return Err(type_error(
                    &a0,
                    &b0,
                    "'&', '|' and '^' work on bool and integers; compare first, e.g. (x > 0) & (y > 0)",
                ));
            }
            Ok(mk(op, a, b, ty))
        }
        Shl | Shr => {
            if !dt.is_integral() {
                return Err(type_error(&a0, &b0, "shifts work on integers"));
            }
            if dt.is_bool() {
                return Ok(mk(
                    op,
                    cast(a, DType::I8),
                    cast(b, DType::I8),
                    Ty::strong(DType::I8),
                ));
            }
            Ok(mk(op, a, b, ty))
        }
    }
}

/// An exact comparison of a signed integer array with a uint64 one.
///
/// Their common type is float64, which cannot tell 2**63-1 from 2**63; NumPy compares these
/// exactly, and so does vex: a negative signed value is below every unsigned one, and the
/// others compare as uint64.
fn signed_unsigned_comparison(op: BinaryOp, a: &TRef, b: &TRef, span: Span) -> Option<TRef> {
    use BinaryOp::*;
    let strong = |t: &TRef, f: fn(DType) -> bool| !t.ty.weak && f(t.ty.dtype);
    let (s, u, op) = if strong(a, DType::is_signed_int) && strong(b, |d| d == DType::U64) {
        (a.clone(), b.clone(), op)
    } else if strong(b, DType::is_signed_int) && strong(a, |d| d == DType::U64) {
        let flipped = match op {
            Lt => Gt,
            Le => Ge,
            Gt => Lt,
            Ge => Le,
            other => other,
        };
        (b.clone(), a.clone(), flipped)
    } else {
        return None;
    };
    let ndim = s.ndim.max(u.ndim);
    let boolean = Ty::strong(DType::Bool);
    let zero = cast(
        node(
            TKind::Literal(Literal::Int(0)),
            Ty::weak(Kind::Int),
            0,
            span,
        ),
        s.ty.dtype,
    );
    let negative = node(TKind::Binary(Lt, s.clone(), zero), boolean, s.ndim, span);
    let as_unsigned = node(
        TKind::Binary(op, cast(s.clone(), DType::U64), u),
        boolean,
        ndim,
        span,
    );
    Some(match op {
        // True for every negative value.
        Lt | Le | Ne => node(
            TKind::Binary(Or, negative, as_unsigned),
            boolean,
            ndim,
            span,
        ),
        // False for every negative value.
        _ => {
            let not_negative = node(
                TKind::Unary(crate::ir::UnaryOp::Not, negative),
                boolean,
                s.ndim,
                span,
            );
            node(
                TKind::Binary(And, not_negative, as_unsigned),
                boolean,
                ndim,
                span,
            )
        }
    })
}

/// The literal value of `-5`-like expressions, for early error detection.
fn negated_literal(e: &TExpr) -> TKind {
    match &e.kind {
        TKind::Literal(l) => TKind::Literal(*l),
        TKind::Unary(crate::ir::UnaryOp::Neg, x) => match &x.kind {
            TKind::Literal(Literal::Int(v)) => TKind::Literal(Literal::Int(-v)),
            other => other.clone(),
        },
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests;
