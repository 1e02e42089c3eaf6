//! Errors for Python constructs that vex does not have, saying what to write instead, and
//! the other errors built away from the parser's recursive functions, so that these keep
//! small stack frames. They are boxed, as the parser's are (see `PResult`).

use super::MAX_DEPTH;
use crate::ast::{BinaryOp, Expr, ExprKind, Ident};
use crate::error::{Error, ErrorKind, Span};
use crate::lexer::TokenKind;

/// A syntax error, boxed.
pub(super) fn syntax(span: Span, message: impl Into<String>) -> Box<Error> {
    Box::new(Error::at(ErrorKind::Syntax, span, message))
}

fn with_help(mut error: Box<Error>, help: impl Into<String>) -> Box<Error> {
    error.help = Some(help.into());
    error
}

pub(super) fn too_deep(at: Span) -> Box<Error> {
    with_help(
        syntax(at, "expression nested too deeply"),
        format!("the limit is {MAX_DEPTH} levels: split it with intermediate variables (t = …; …)"),
    )
}

/// A `)` or `]` with no bracket open.
pub(super) fn closes_nothing(text: &str, span: Span) -> Box<Error> {
    with_help(
        syntax(span, format!("unexpected '{text}'")),
        "it closes no bracket",
    )
}

/// `f(key=1, 2)`
pub(super) fn positional_after_keyword(arg: &Expr, kwargs: &[(Ident, Expr)]) -> Box<Error> {
    let error = syntax(arg.span, "positional argument after keyword argument");
    match kwargs.first() {
        Some((key, _)) => with_help(error, format!("move it before '{}='", key.name)),
        None => error,
    }
}

/// The name assigned by `target = …`, or why `target` cannot be assigned.
pub(super) fn assign_target(target: &Expr) -> Result<Ident, Box<Error>> {
    let (message, help) = match &target.kind {
        ExprKind::Name(name) => {
            return Ok(Ident {
                name: name.clone(),
                span: target.span,
            })
        }
        ExprKind::Index { .. } => (
            "assignment to a subscript is not supported",
            "arrays are values in vex: build a new one, e.g. with where(mask, new, old)",
        ),
        ExprKind::Attr { .. } => (
            "assignment to an attribute is not supported",
            "only names can be assigned",
        ),
        ExprKind::Tuple(_) => (
            "assignment to several names at once is not supported",
            "assign each name in its own statement",
        ),
        ExprKind::Call { .. } => ("cannot assign to a function call", "did you mean '=='?"),
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Imag(_) | ExprKind::Bool(_) => {
            ("cannot assign to a literal", "did you mean '=='?")
        }
        ExprKind::Unary { .. } | ExprKind::Binary { .. } => (
            "cannot assign to an expression",
            "the left side of '=' must be a name; did you mean '=='?",
        ),
    };
    Err(with_help(syntax(target.span, message), help))
}

/// `a < b < c`, found at its second operator `op`; `first` is `a < b`.
pub(super) fn chained_comparison(
    src: &str,
    first: &Expr,
    op: BinaryOp,
    op_span: Span,
    last: &Expr,
) -> Box<Error> {
    let text = |e: &Expr| src.get(e.span.start..e.span.end).unwrap_or("");
    let suggestion = match &first.kind {
        ExprKind::Binary {
            op: op1, lhs, rhs, ..
        } => {
            let (a, b, c) = (text(lhs), text(rhs), text(last));
            let s = format!("({a} {} {b}) & ({b} {} {c})", op1.symbol(), op.symbol());
            (s.len() <= 60).then_some(s)
        }
        _ => None,
    };
    let suggestion = suggestion.unwrap_or_else(|| "(a < b) & (b < c)".into());
    with_help(
        syntax(op_span, "comparisons cannot be chained"),
        format!("write {suggestion}"),
    )
}

/// `(f)(x)`, `x.real(1)`, `2(x)`: only a plain function name can be called.
pub(super) fn not_callable(callee: &Expr) -> Box<Error> {
    let error = syntax(callee.span, "only a function name can be called");
    match callee.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Imag(_) => {
            with_help(error, "to multiply, write '*' before '('")
        }
        _ => error,
    }
}

/// The error for a keyword (other than `True`/`False`) or `@`, wherever it appears.
pub(super) fn unsupported(kind: TokenKind, text: &str, span: Span) -> Option<Box<Error>> {
    const COMPARE: &str = "and parenthesize comparisons";
    let message = match (kind, text) {
        (TokenKind::Operator, "@") => {
            "'@' (matrix multiplication) is not supported: vex operations are elementwise".into()
        }
        (TokenKind::Keyword, "and") => {
            format!("'and' is not supported: use '&' ({COMPARE}: (a > 0) & (b > 0))")
        }
        (TokenKind::Keyword, "or") => {
            format!("'or' is not supported: use '|' ({COMPARE}: (a > 0) | (b > 0))")
        }
        (TokenKind::Keyword, "not") => {
            format!("'not' is not supported: use '~' ({COMPARE}: ~(a > 0))")
        }
        (TokenKind::Keyword, "None") => {
            "'None' is only allowed in a subscript, as a new axis: a[:, None]".into()
        }
        (TokenKind::Keyword, "if" | "else" | "elif") => {
            format!("'{text}' is not supported: use where(condition, x, y)")
        }
        (TokenKind::Keyword, "is") => "'is' is not supported: use '=='".into(),
        (TokenKind::Keyword, "for" | "while" | "in") => {
            format!("'{text}' is not supported: vex has no loops; operations apply elementwise")
        }
        (TokenKind::Keyword, "lambda" | "def") => {
            format!("'{text}' is not supported: vex has no function definitions")
        }
        (TokenKind::Keyword, "True" | "False") => return None,
        (TokenKind::Keyword, _) => format!(
            "'{text}' is not supported: a vex program is a sequence of expressions and assignments"
        ),
        _ => return None,
    };
    Some(syntax(span, message))
}
