//! Source text for syntax trees: `Display` for [`Program`], [`Stmt`], [`Expr`] and [`Index`].
//!
//! The text re-parses to the same tree (spans aside), with only the parentheses that
//! precedence requires, for every tree the parser can produce. Literals that the parser never
//! produces print as the nearest source text: a negative number as `(-5)` (which parses as a
//! negation), infinity as `1e999`, NaN as the name `nan`.

use std::fmt::{self, Display, Formatter};

use crate::ast::{BinaryOp, Expr, ExprKind, Index, Program, Stmt};

// Precedence levels, low to high, as in the parser.
const COMPARE: u8 = 1;
const UNARY: u8 = 8;
const POWER: u8 = 9;
const ATOM: u8 = 10;

fn binary_precedence(op: BinaryOp) -> u8 {
    use BinaryOp::*;
    match op {
        Lt | Le | Eq | Ne | Ge | Gt => COMPARE,
        Or => 2,
        Xor => 3,
        And => 4,
        Shl | Shr => 5,
        Add | Sub => 6,
        Mul | Div | FloorDiv | Mod => 7,
        Pow => POWER,
    }
}

/// How tightly `e` binds as printed (tuples and negative literals print parenthesized).
fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { op, .. } => binary_precedence(*op),
        ExprKind::Unary { .. } => UNARY,
        _ => ATOM,
    }
}

fn operand(f: &mut Formatter<'_>, e: &Expr, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

/// Floats print in Rust's shortest round-trip form, which always has a `.` or an exponent.
fn float(f: &mut Formatter<'_>, v: f64, suffix: &str) -> fmt::Result {
    if v.is_nan() {
        f.write_str("nan")
    } else if v == f64::INFINITY {
        write!(f, "1e999{suffix}")
    } else if v == f64::NEG_INFINITY {
        write!(f, "(-1e999{suffix})")
    } else if v.is_sign_negative() {
        write!(f, "({v:?}{suffix})")
    } else {
        write!(f, "{v:?}{suffix}")
    }
}

/// A tuple: parenthesized (with a trailing comma for one element) unless `bare`.
fn tuple(f: &mut Formatter<'_>, items: &[Expr], bare: bool) -> fmt::Result {
    let bare = bare && items.len() > 1;
    if !bare {
        f.write_str("(")?;
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    if items.len() == 1 {
        f.write_str(",")?;
    }
    if !bare {
        f.write_str(")")?;
    }
    Ok(())
}

/// A statement's value: a tuple of several items needs no parentheses there.
fn top_level(f: &mut Formatter<'_>, e: &Expr) -> fmt::Result {
    match &e.kind {
        ExprKind::Tuple(items) => tuple(f, items, true),
        _ => write!(f, "{e}"),
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Int(v) if *v < 0 => write!(f, "({v})"),
            ExprKind::Int(v) => write!(f, "{v}"),
            ExprKind::Float(v) => float(f, *v, ""),
            ExprKind::Imag(v) => float(f, *v, "j"),
            ExprKind::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            ExprKind::Name(name) => f.write_str(name),
            ExprKind::Unary { op, operand: e } => {
                f.write_str(op.symbol())?;
                operand(f, e, precedence(e) < UNARY)
            }
            ExprKind::Binary { op, lhs, rhs, .. } => {
                let p = binary_precedence(*op);
                let (l, r) = (precedence(lhs), precedence(rhs));
                let (left, right) = match op {
                    // Right-associative, and the exponent may be a unary expression.
                    BinaryOp::Pow => (l <= POWER, r < UNARY),
                    // Comparisons do not chain.
                    _ if op.is_comparison() => (l <= COMPARE, r <= COMPARE),
                    _ => (l < p, r <= p),
                };
                operand(f, lhs, left)?;
                write!(f, " {} ", op.symbol())?;
                operand(f, rhs, right)
            }
            ExprKind::Call { func, args, kwargs } => {
                write!(f, "{}(", func.name)?;
                let args = args.iter().map(|a| (None, a));
                let kwargs = kwargs.iter().map(|(k, v)| (Some(k), v));
                for (i, (key, value)) in args.chain(kwargs).enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if let Some(key) = key {
                        write!(f, "{}=", key.name)?;
                    }
                    write!(f, "{value}")?;
                }
                f.write_str(")")
            }
            ExprKind::Index { target, indices } => {
                operand(f, target, precedence(target) < ATOM)?;
                f.write_str("[")?;
                for (i, index) in indices.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{index}")?;
                }
                f.write_str("]")
            }
            ExprKind::Attr { target, name } => {
                // `1.real` would lex as a malformed number.
                let number = matches!(
                    target.kind,
                    ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Imag(_)
                );
                operand(f, target, number || precedence(target) < ATOM)?;
                write!(f, ".{}", name.name)
            }
            ExprKind::Tuple(items) => tuple(f, items, false),
        }
    }
}

impl Display for Index {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Index::At(e) => write!(f, "{e}"),
            Index::NewAxis(_) => f.write_str("None"),
            Index::Ellipsis(_) => f.write_str("..."),
            Index::Slice {
                start, stop, step, ..
            } => {
                if let Some(e) = start {
                    write!(f, "{e}")?;
                }
                f.write_str(":")?;
                if let Some(e) = stop {
                    write!(f, "{e}")?;
                }
                if let Some(e) = step {
                    write!(f, ":{e}")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Stmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Stmt::Assign { name, value, .. } => {
                write!(f, "{} = ", name.name)?;
                top_level(f, value)
            }
            Stmt::Expr(e) => top_level(f, e),
        }
    }
}

/// One statement per line.
impl Display for Program {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, stmt) in self.stmts.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{stmt}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::parse;

    /// Parses, prints, and checks the printed text.
    fn shown(src: &str) -> String {
        parse(src).unwrap().to_string()
    }

    #[test]
    fn minimal_parentheses() {
        assert_eq!(shown("(a+b)*c - (d-e) - f"), "(a + b) * c - (d - e) - f");
        assert_eq!(
            shown("-2**2; (-2)**2; 2**-1; (2**3)**2; 2**3**2"),
            "-2 ** 2\n(-2) ** 2\n2 ** -1\n(2 ** 3) ** 2\n2 ** 3 ** 2"
        );
        assert_eq!(shown("(a<b) == (c<d)"), "(a < b) == (c < d)");
        assert_eq!(shown("a | b & c ^ d"), "a | b & c ^ d");
        assert_eq!(shown("(a | b) & c"), "(a | b) & c");
        assert_eq!(shown("-(a+b)"), "-(a + b)");
        assert_eq!(shown("(a+b)[1].real"), "(a + b)[1].real");
        assert_eq!(shown("(1).real + 1.5.imag"), "(1).real + (1.5).imag");
    }

    #[test]
    fn statements_calls_and_subscripts() {
        assert_eq!(
            shown("x = f(a, (1, 2), axis=(0,)); y = x/l, y/l; (a,)"),
            "x = f(a, (1, 2), axis=(0,))\ny = x / l, y / l\n(a,)"
        );
        assert_eq!(
            shown("m[1:-1, ::2, :, None, ..., 3, ::-1, a:]"),
            "m[1:-1, ::2, :, None, ..., 3, ::-1, a:]"
        );
        assert_eq!(shown("x += 1"), "x = x + 1");
        assert_eq!(
            shown("1e300 + 2.5j + 0.1 + 5. + True + ()"),
            "1e300 + 2.5j + 0.1 + 5.0 + True + ()"
        );
    }
}
