//! The syntax tree produced by the parser. Every node keeps the byte span it came from,
//! so that later stages can point at the exact text in their errors.

use crate::error::Span;

/// A whole program: statements separated by `;` or newlines.
///
/// The value of the program is the value of its last statement: an expression, a tuple of
/// expressions (several outputs), or an assignment (its assigned value).
#[derive(Clone, PartialEq, Debug)]
pub struct Program {
    pub stmts: Vec<Stmt>,
}

#[derive(Clone, PartialEq, Debug)]
pub enum Stmt {
    /// `name = value`
    Assign {
        name: Ident,
        value: Expr,
        span: Span,
    },
    Expr(Expr),
}

impl Stmt {
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
    pub name: String,
    pub span: Span,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

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
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        /// The span of the operator token itself.
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `f(args, key=value)`
    Call {
        func: Ident,
        args: Vec<Expr>,
        kwargs: Vec<(Ident, Expr)>,
    },
    /// `target[i, j:k, ::2, None, ...]`
    Index {
        target: Box<Expr>,
        indices: Vec<Index>,
    },
    /// `target.name` (only `.real` and `.imag` type-check).
    Attr {
        target: Box<Expr>,
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
        start: Option<Expr>,
        stop: Option<Expr>,
        step: Option<Expr>,
        span: Span,
    },
    /// `None`: a new axis of length 1.
    NewAxis(Span),
    /// `...`: as many full slices as needed.
    Ellipsis(Span),
}

impl Index {
    pub fn span(&self) -> Span {
        match self {
            Index::At(e) => e.span,
            Index::Slice { span, .. } | Index::NewAxis(span) | Index::Ellipsis(span) => *span,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `~x`: logical not on bool, bitwise not on integers.
    Invert,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    /// `/`, true division.
    Div,
    /// `//`, floor division.
    FloorDiv,
    /// `%`, Python's modulo (sign of the divisor).
    Mod,
    /// `**`
    Pow,
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
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

    pub fn is_comparison(self) -> bool {
        use BinaryOp::*;
        matches!(self, Lt | Le | Eq | Ne | Ge | Gt)
    }
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Invert => "~",
        }
    }
}
