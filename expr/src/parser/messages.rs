//! Errors for Python constructs that vex does not have, saying what to write instead.

use super::MAX_DEPTH;
use crate::ast::{BinaryOp, Expr, ExprKind, Ident};
use crate::error::{Error, ErrorKind, Result, Span};
use crate::lexer::TokenKind;

fn syntax(span: Span, message: impl Into<String>) -> Error {
    Error::at(ErrorKind::Syntax, span, message)
}

pub(super) fn too_deep(at: Span) -> Error {
    syntax(at, "expression nested too deeply").with_help(format!(
        "the limit is {MAX_DEPTH} levels: split it with intermediate variables (t = …; …)"
    ))
}

/// The name assigned by `target = …`, or why `target` cannot be assigned.
pub(super) fn assign_target(target: &Expr) -> Result<Ident> {
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
    Err(syntax(target.span, message).with_help(help))
}

/// `a < b < c`, found at its second operator `op`; `first` is `a < b`.
pub(super) fn chained_comparison(
    src: &str,
    first: &Expr,
    op: BinaryOp,
    op_span: Span,
    last: &Expr,
) -> Error {
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
    syntax(op_span, "comparisons cannot be chained").with_help(format!("write {suggestion}"))
}

/// `(f)(x)`, `x.real(1)`, `2(x)`: only a plain function name can be called.
pub(super) fn not_callable(callee: &Expr) -> Error {
    let error = syntax(callee.span, "only a function name can be called");
    match callee.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Imag(_) => {
            error.with_help("to multiply, write '*' before '('")
        }
        _ => error,
    }
}

/// The error for a keyword (other than `True`/`False`) or `@`, wherever it appears.
pub(super) fn unsupported(kind: TokenKind, text: &str, span: Span) -> Option<Error> {
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
