//! The syntax tree produced by the parser. Every node keeps the byte span it came from,
//! so that later stages can point at the exact text in their errors.

use crate::error::Span;

/// A whole program: statements separated by `;` or newlines.
///
/// The value of the program is the value of its last statement: an expression, a tuple of
/// expressions (several outputs), or an assignment (its assigned value).
#[derive(Clone, PartialEq, Debug)]
pub struct Program {
    /// The statements, in order.
    pub stmts: Vec<Stmt>,
}

/// One statement.
#[derive(Clone, PartialEq, Debug)]
pub enum Stmt {
    /// `name = value`
    Assign {
        /// The name bound.
        name: Ident,
        /// Its value.
        value: Expr,
        /// The whole statement.
        span: Span,
    },
    /// An expression statement (the program's value when last).
    Expr(Expr),
}

impl Stmt {
    /// The text the statement covers.
    pub fn span(&self) -> Span {
        match self {
            Stmt::Assign { span, .. } => *span,
            Stmt::Expr(e) => e.span,
        }
    }
}

/// An identifier with its span.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Ident {
    /// The identifier as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// An expression with its span.
#[derive(Clone, PartialEq, Debug)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// The text it covers (parentheses included).
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, PartialEq, Debug)]
pub enum ExprKind {
    /// An integer literal (`42`, `1_000`, `0xff`, `0b101`, `0o17`), kept wide so that uint64
    /// values and out-of-range literals can be reported precisely.
    Int(i128),
    /// A float literal (`1.5`, `1e-3`, `.5`, `5.`).
    Float(f64),
    /// An imaginary literal (`2j`, `1.5e3J`): the value is the imaginary part.
    Imag(f64),
    /// `True` / `False`.
    Bool(bool),
    /// A variable, input or constant (`pi`, `e`, `inf`, `nan`).
    Name(String),
    /// `-x`, `+x`, `~x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `lhs op rhs`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The span of the operator token itself.
        op_span: Span,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `f(args, key=value)`
    Call {
        /// The function's name.
        func: Ident,
        /// Positional arguments.
        args: Vec<Expr>,
        /// Keyword arguments (`axis=1`), in order.
        kwargs: Vec<(Ident, Expr)>,
    },
    /// `target[i, j:k, ::2, None, ...]`
    Index {
        /// The indexed expression.
        target: Box<Expr>,
        /// One entry per comma-separated part.
        indices: Vec<Index>,
    },
    /// `target.name` (only `.real` and `.imag` type-check).
    Attr {
        /// The expression whose attribute is taken.
        target: Box<Expr>,
        /// The attribute's name.
        name: Ident,
    },
    /// `a, b` or `(a, b)`: several outputs, or a tuple argument such as `axis=(0, 1)`.
    Tuple(Vec<Expr>),
}

/// One entry of a subscript.
// Slices are rare and short-lived; boxing their bounds would only add noise to the parser.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Debug)]
pub enum Index {
    /// An integer position (`a[0]`, `a[-1]`): removes the axis.
    At(Expr),
    /// `start:stop:step`, each part optional.
    Slice {
        /// First index (default: the start, or the end for negative steps).
        start: Option<Expr>,
        /// One past the last index (default: the end).
        stop: Option<Expr>,
        /// Step (default 1).
        step: Option<Expr>,
        /// The text of the slice.
        span: Span,
    },
    /// `None`: a new axis of length 1.
    NewAxis(Span),
    /// `...`: as many full slices as needed.
    Ellipsis(Span),
}

impl Index {
    /// The text the entry covers.
    pub fn span(&self) -> Span {
        match self {
            Index::At(e) => e.span,
            Index::Slice { span, .. } | Index::NewAxis(span) | Index::Ellipsis(span) => *span,
        }
    }
}

/// Prefix operators.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `~x`: logical not on bool, bitwise not on integers.
    Invert,
}

/// Infix operators.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`, true division.
    Div,
    /// `//`, floor division.
    FloorDiv,
    /// `%`, Python's modulo (sign of the divisor).
    Mod,
    /// `**`
    Pow,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `&`: logical on bool, bitwise on integers.
    And,
    /// `|`
    Or,
    /// `^`
    Xor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            FloorDiv => "//",
            Mod => "%",
            Pow => "**",
            Lt => "<",
            Le => "<=",
            Eq => "==",
            Ne => "!=",
            Ge => ">=",
            Gt => ">",
            And => "&",
            Or => "|",
            Xor => "^",
            Shl => "<<",
            Shr => ">>",
        }
    }

    /// Whether the operator compares (and gives bool).
    pub fn is_comparison(self) -> bool {
        use BinaryOp::*;
        matches!(self, Lt | Le | Eq | Ne | Ge | Gt)
    }
}

impl UnaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Invert => "~",
        }
    }
}
