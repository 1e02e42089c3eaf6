//! Property tests of the lexer, parser and pretty-printer:
//! - no input makes them panic, and every span they report lies within the input;
//! - printing a tree and parsing the text gives the same tree back (spans aside).

use proptest::collection::vec;
use proptest::prelude::*;
use vex_expr::ast::{BinaryOp, Expr, ExprKind, Ident, Index, Program, Stmt, UnaryOp};
use vex_expr::lexer::{tokenize, KEYWORDS};
use vex_expr::parser::is_incomplete;
use vex_expr::{parse, Span};

// ----- span walking -----

fn walk_index(i: &mut Index, f: &mut impl FnMut(&mut Span)) {
    match i {
        Index::At(e) => walk(e, f),
        Index::Slice {
            start,
            stop,
            step,
            span,
        } => {
            f(span);
            for e in [start, stop, step].into_iter().flatten() {
                walk(e, f);
            }
        }
        Index::NewAxis(span) | Index::Ellipsis(span) => f(span),
    }
}

fn walk_ident(i: &mut Ident, f: &mut impl FnMut(&mut Span)) {
    f(&mut i.span);
}

/// Calls `f` on every span of the tree.
fn walk(e: &mut Expr, f: &mut impl FnMut(&mut Span)) {
    f(&mut e.span);
    match &mut e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Imag(_)
        | ExprKind::Bool(_)
        | ExprKind::Name(_) => {}
        ExprKind::Unary { operand, .. } => walk(operand, f),
        ExprKind::Binary {
            op_span, lhs, rhs, ..
        } => {
            f(op_span);
            walk(lhs, f);
            walk(rhs, f);
        }
        ExprKind::Call { func, args, kwargs } => {
            walk_ident(func, f);
            args.iter_mut().for_each(|a| walk(a, f));
            for (k, v) in kwargs {
                walk_ident(k, f);
                walk(v, f);
            }
        }
        ExprKind::Index { target, indices } => {
            walk(target, f);
            indices.iter_mut().for_each(|i| walk_index(i, f));
        }
        ExprKind::Attr { target, name } => {
            walk(target, f);
            walk_ident(name, f);
        }
        ExprKind::Tuple(items) => items.iter_mut().for_each(|e| walk(e, f)),
    }
}

fn walk_program(p: &mut Program, f: &mut impl FnMut(&mut Span)) {
    for s in &mut p.stmts {
        match s {
            Stmt::Assign { name, value, span } => {
                f(span);
                walk_ident(name, f);
                walk(value, f);
            }
            Stmt::Expr(e) => walk(e, f),
        }
    }
}

/// The program with every span zeroed, for comparisons modulo spans.
fn erased(p: &Program) -> Program {
    let mut p = p.clone();
    walk_program(&mut p, &mut |s| *s = Span::default());
    p
}

fn assert_span_in(src: &str, span: Span) -> Result<(), TestCaseError> {
    prop_assert!(span.start <= span.end && span.end <= src.len(), "{span:?}");
    prop_assert!(src.is_char_boundary(span.start) && src.is_char_boundary(span.end));
    Ok(())
}

/// Everything the front end does with `src` must not panic and must stay within it.
fn check_source(src: &str) -> Result<(), TestCaseError> {
    let (tokens, error) = tokenize(src);
    let mut at = 0;
    for t in &tokens {
        assert_span_in(src, t.span)?;
        prop_assert!(t.span.start >= at && !t.span.is_empty(), "tokens in order");
        at = t.span.end;
    }
    if let Some(e) = error {
        assert_span_in(src, e.span.unwrap())?;
    }
    let _ = is_incomplete(src);
    match parse(src) {
        Err(e) => {
            let span = e.span.expect("syntax errors have a span");
            assert_span_in(src, span)?;
            let _ = e.clone().locate(src).render(src, true);
        }
        Ok(mut program) => {
            let mut spans = Vec::new();
            walk_program(&mut program, &mut |s| spans.push(*s));
            for span in spans {
                assert_span_in(src, span)?;
            }
            let printed = program.to_string();
            let again = parse(&printed)
                .map_err(|e| TestCaseError::fail(format!("{printed:?} does not parse: {e}")))?;
            prop_assert_eq!(erased(&again), erased(&program), "{:?}", printed);
        }
    }
    Ok(())
}

// ----- random source text -----

const VOCABULARY: &[&str] = &[
    "x",
    "y1",
    "_",
    "f",
    "sum",
    "real",
    "1",
    "0",
    "42",
    "1_000",
    "0xff",
    "0o17",
    "0b101",
    "1.5",
    ".5",
    "5.",
    "1e-3",
    "1e999",
    "2j",
    "1.5e3J",
    "1__0",
    "1_",
    "0x",
    "1e",
    "0b2",
    "09",
    "2x",
    "99999999999999999999999999999999999999999",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "<",
    "<=",
    "==",
    "!=",
    ">=",
    ">",
    "&",
    "|",
    "^",
    "~",
    "<<",
    ">>",
    "=",
    "+=",
    "**=",
    ">>=",
    "@",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    ";",
    ".",
    "...",
    "True",
    "False",
    "None",
    "and",
    "or",
    "not",
    "if",
    "else",
    "lambda",
    "for",
    "in",
    "#c",
    "\\",
    "\n",
    "\r\n",
    "é",
    "$",
    "'",
    "!",
    "{",
    "\u{0}",
    "🦀",
    "\t",
];

fn token_soup() -> impl Strategy<Value = String> {
    let word = prop::sample::select(VOCABULARY);
    let gap = prop::sample::select(&["", " ", "", "\n"][..]);
    vec((word, gap), 0..40).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(w, g)| [w, g])
            .collect::<String>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        check_source(&src)?;
    }

    #[test]
    fn token_soup_never_panics(src in token_soup()) {
        check_source(&src)?;
    }

    #[test]
    fn edited_programs_never_panic(
        program in program(),
        cut in any::<prop::sample::Index>(),
        len in 0usize..4,
        insert in prop::sample::select(VOCABULARY),
    ) {
        // Near-valid text reaches deeper into the parser than random text does.
        let text = program.to_string();
        let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let at = bounds[cut.index(bounds.len())];
        let end = bounds[(cut.index(bounds.len()) + len).min(bounds.len() - 1)];
        check_source(&format!("{}{}", &text[..at], &text[end..]))?;
        check_source(&format!("{}{}{}", &text[..at], insert, &text[at..]))?;
    }

    #[test]
    fn printed_programs_parse_back(program in program()) {
        let printed = program.to_string();
        let parsed = parse(&printed)
            .map_err(|e| TestCaseError::fail(format!("{printed:?} does not parse: {e}")))?;
        prop_assert_eq!(erased(&parsed), program, "{:?}", printed);
    }
}

// ----- random trees (with zero spans, as the parser could produce them) -----

fn e(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn ident() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,5}".prop_filter("keywords are not names", |s| {
        !KEYWORDS.contains(&s.as_str())
    })
}

fn id(name: String) -> Ident {
    Ident {
        name,
        span: Span::default(),
    }
}

/// Literals the parser produces: no negative numbers, no NaN.
fn leaf() -> impl Strategy<Value = Expr> {
    let float = any::<f64>().prop_filter("parsable", |v| !v.is_nan() && v.is_sign_positive());
    prop_oneof![
        (0i128..1000).prop_map(ExprKind::Int),
        (0..=i128::MAX).prop_map(ExprKind::Int),
        float.clone().prop_map(ExprKind::Float),
        float.prop_map(ExprKind::Imag),
        any::<bool>().prop_map(ExprKind::Bool),
        ident().prop_map(ExprKind::Name),
    ]
    .prop_map(e)
}

fn binary_op() -> impl Strategy<Value = BinaryOp> {
    use BinaryOp::*;
    prop::sample::select(
        &[
            Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Lt, Le, Eq, Ne, Ge, Gt, And, Or, Xor, Shl, Shr,
        ][..],
    )
}

fn index(inner: impl Strategy<Value = Expr> + Clone) -> impl Strategy<Value = Index> {
    let part = proptest::option::of(inner.clone());
    prop_oneof![
        inner.prop_map(Index::At),
        (part.clone(), part.clone(), part).prop_map(|(start, stop, step)| Index::Slice {
            start,
            stop,
            step,
            span: Span::default()
        }),
        Just(Index::NewAxis(Span::default())),
        Just(Index::Ellipsis(Span::default())),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 48, 4, |inner| {
        let unary = prop::sample::select(&[UnaryOp::Neg, UnaryOp::Pos, UnaryOp::Invert][..]);
        prop_oneof![
            (unary, inner.clone()).prop_map(|(op, x)| e(ExprKind::Unary {
                op,
                operand: Box::new(x)
            })),
            (binary_op(), inner.clone(), inner.clone()).prop_map(|(op, l, r)| e(
                ExprKind::Binary {
                    op,
                    op_span: Span::default(),
                    lhs: Box::new(l),
                    rhs: Box::new(r)
                }
            )),
            (
                ident(),
                vec(inner.clone(), 0..3),
                vec((ident(), inner.clone()), 0..3)
            )
                .prop_map(|(f, args, mut kwargs)| {
                    let mut seen = std::collections::HashSet::new();
                    kwargs.retain(|(k, _)| seen.insert(k.clone()));
                    e(ExprKind::Call {
                        func: id(f),
                        args,
                        kwargs: kwargs.into_iter().map(|(k, v)| (id(k), v)).collect(),
                    })
                }),
            (inner.clone(), vec(index(inner.clone()), 1..4)).prop_map(|(t, indices)| e(
                ExprKind::Index {
                    target: Box::new(t),
                    indices
                }
            )),
            (inner.clone(), ident()).prop_map(|(t, name)| e(ExprKind::Attr {
                target: Box::new(t),
                name: id(name)
            })),
            vec(inner, 0..4).prop_map(|items| e(ExprKind::Tuple(items))),
        ]
    })
}

fn program() -> impl Strategy<Value = Program> {
    let stmt = prop_oneof![
        expr().prop_map(Stmt::Expr),
        (ident(), expr()).prop_map(|(name, value)| Stmt::Assign {
            name: id(name),
            value,
            span: Span::default()
        }),
    ];
    vec(stmt, 1..4).prop_map(|stmts| Program { stmts })
}

#[test]
fn walker_sees_every_span() {
    let src = "y = f(a, k=b[1:2, None, ...].real) + (c, -d)";
    let mut program = parse(src).unwrap();
    let mut n = 0;
    walk_program(&mut program, &mut |_| n += 1);
    // assign, y, +, call, f, a, k, attr, index, b, slice, 1, 2, None, ..., real, tuple, c, -, d
    assert_eq!(n, 21);
}
