use super::*;
use crate::ast::{Expr, ExprKind, Index, Stmt};

/// A compact S-expression of a tree: `(+ a (* b c))`, `(call f a (= axis 1))`.
fn sexp(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(v) => v.to_string(),
        ExprKind::Float(v) => format!("{v:?}"),
        ExprKind::Imag(v) => format!("{v:?}j"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Unary { op, operand } => format!("({} {})", op.symbol(), sexp(operand)),
        ExprKind::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", op.symbol(), sexp(lhs), sexp(rhs))
        }
        ExprKind::Call { func, args, kwargs } => {
            let mut s = format!("(call {}", func.name);
            for a in args {
                s += &format!(" {}", sexp(a));
            }
            for (k, v) in kwargs {
                s += &format!(" (= {} {})", k.name, sexp(v));
            }
            s + ")"
        }
        ExprKind::Index { target, indices } => {
            let mut s = format!("(index {}", sexp(target));
            for i in indices {
                s += " ";
                s += &match i {
                    Index::At(e) => sexp(e),
                    Index::NewAxis(_) => "newaxis".into(),
                    Index::Ellipsis(_) => "...".into(),
                    Index::Slice {
                        start, stop, step, ..
                    } => {
                        let part = |p: &Option<Expr>| p.as_ref().map_or("_".into(), sexp);
                        format!("(slice {} {} {})", part(start), part(stop), part(step))
                    }
                };
            }
            s + ")"
        }
        ExprKind::Attr { target, name } => format!("(. {} {})", sexp(target), name.name),
        ExprKind::Tuple(items) => {
            let items: Vec<_> = items.iter().map(sexp).collect();
            format!("(tuple {})", items.join(" "))
        }
    }
}

fn stmt_sexp(s: &Stmt) -> String {
    match s {
        Stmt::Assign { name, value, .. } => format!("(let {} {})", name.name, sexp(value)),
        Stmt::Expr(e) => sexp(e),
    }
}

/// The program as S-expressions, statements separated by `; `.
fn p(src: &str) -> String {
    match parse(src) {
        Ok(prog) => prog
            .stmts
            .iter()
            .map(stmt_sexp)
            .collect::<Vec<_>>()
            .join("; "),
        Err(e) => panic!("{src:?} failed: {}", e.locate(src)),
    }
}

/// The error's message and the text under its span.
fn err(src: &str) -> (String, String) {
    let e = parse(src).expect_err(src);
    let span = e.span.expect("syntax errors have spans");
    (e.message, src[span.start..span.end].to_string())
}

fn the_expr(src: &str) -> Expr {
    match parse(src).unwrap().stmts.pop().unwrap() {
        Stmt::Expr(e) => e,
        s => panic!("not an expression: {s:?}"),
    }
}

fn text(src: &str, span: Span) -> &str {
    &src[span.start..span.end]
}

#[test]
fn literals() {
    assert_eq!(p("1_000_000"), "1000000");
    assert_eq!(p("0xff; 0o17; 0b101"), "255; 15; 5");
    assert_eq!(p("1.5; 1e-3; .5; 5.; 1_0.5"), "1.5; 0.001; 0.5; 5.0; 10.5");
    assert_eq!(p("2j; 1.5e3J"), "2.0j; 1500.0j");
    assert_eq!(p("True; False"), "true; false");
    assert_eq!(p("1.5+2j"), "(+ 1.5 2.0j)");
    assert_eq!(p("1e999"), "inf");
}

#[test]
fn precedence_follows_python() {
    assert_eq!(p("a + b * c"), "(+ a (* b c))");
    assert_eq!(p("a * b + c"), "(+ (* a b) c)");
    assert_eq!(p("a - b - c"), "(- (- a b) c)");
    assert_eq!(p("a / b // c % d"), "(% (// (/ a b) c) d)");
    assert_eq!(p("a << b + c"), "(<< a (+ b c))");
    assert_eq!(p("a & b << c"), "(& a (<< b c))");
    assert_eq!(p("a ^ b & c"), "(^ a (& b c))");
    assert_eq!(p("a | b ^ c"), "(| a (^ b c))");
    assert_eq!(p("a < b | c"), "(< a (| b c))");
    assert_eq!(p("a | b | c"), "(| (| a b) c)");
    assert_eq!(p("a >> b >> c"), "(>> (>> a b) c)");
    assert_eq!(p("(a > 0) & (b <= 1)"), "(& (> a 0) (<= b 1))");
    assert_eq!(
        p("a == b; a != b; a >= b; a > b; a <= b"),
        "(== a b); (!= a b); (>= a b); (> a b); (<= a b)"
    );
}

#[test]
fn unary_and_power() {
    assert_eq!(p("-2**2"), "(- (** 2 2))");
    assert_eq!(p("2**-1"), "(** 2 (- 1))");
    assert_eq!(p("2**3**2"), "(** 2 (** 3 2))");
    assert_eq!(p("(2**3)**2"), "(** (** 2 3) 2)");
    assert_eq!(p("-a * b"), "(* (- a) b)");
    assert_eq!(p("--a"), "(- (- a))");
    assert_eq!(p("~+a"), "(~ (+ a))");
    assert_eq!(p("~(a < b)"), "(~ (< a b))");
    assert_eq!(p("a ** -b ** c"), "(** a (- (** b c)))");
    assert_eq!(p("-x.real ** 2"), "(- (** (. x real) 2))");
    assert_eq!(p("a**b[1]"), "(** a (index b 1))");
}

#[test]
fn calls() {
    assert_eq!(p("f()"), "(call f)");
    assert_eq!(p("f(a, b, axis=1)"), "(call f a b (= axis 1))");
    assert_eq!(
        p("sum(a, axis=(0, 1))"),
        "(call sum a (= axis (tuple 0 1)))"
    );
    assert_eq!(p("f(a,)"), "(call f a)");
    assert_eq!(p("f(g(x), y=h(z))"), "(call f (call g x) (= y (call h z)))");
    assert_eq!(p("f((a, b))"), "(call f (tuple a b))");
    assert_eq!(p("f(a == b)"), "(call f (== a b))");
    assert_eq!(p("f(x)[0]"), "(index (call f x) 0)");
    assert_eq!(p("f(\n  a,\n  b,\n)"), "(call f a b)");
}

#[test]
fn subscripts_and_attributes() {
    assert_eq!(p("a[1:]"), "(index a (slice 1 _ _))");
    assert_eq!(p("a[:-2]"), "(index a (slice _ (- 2) _))");
    assert_eq!(p("a[::2]"), "(index a (slice _ _ 2))");
    assert_eq!(p("a[::-1]"), "(index a (slice _ _ (- 1)))");
    assert_eq!(p("a[:]"), "(index a (slice _ _ _))");
    assert_eq!(p("a[::]"), "(index a (slice _ _ _))");
    assert_eq!(p("a[1:2:3]"), "(index a (slice 1 2 3))");
    assert_eq!(p("a[:, None]"), "(index a (slice _ _ _) newaxis)");
    assert_eq!(
        p("m[1:-1, 1:-1]"),
        "(index m (slice 1 (- 1) _) (slice 1 (- 1) _))"
    );
    assert_eq!(p("a[0]"), "(index a 0)");
    assert_eq!(p("a[..., 0]"), "(index a ... 0)");
    assert_eq!(p("a[None]"), "(index a newaxis)");
    assert_eq!(p("a[0,]"), "(index a 0)");
    assert_eq!(p("(a+b)[1]"), "(index (+ a b) 1)");
    assert_eq!(p("a[1][2]"), "(index (index a 1) 2)");
    assert_eq!(p("a[i+1:n-1]"), "(index a (slice (+ i 1) (- n 1) _))");
    assert_eq!(p("x.real"), "(. x real)");
    assert_eq!(p("x.real.imag"), "(. (. x real) imag)");
    assert_eq!(p("f(x).imag[0]"), "(index (. (call f x) imag) 0)");
    assert_eq!(p("1.5.real; (1).imag"), "(. 1.5 real); (. 1 imag)");
}

#[test]
fn tuples() {
    assert_eq!(p("x/l, y/l"), "(tuple (/ x l) (/ y l))");
    assert_eq!(p("(a, b)"), "(tuple a b)");
    assert_eq!(p("(a,)"), "(tuple a)");
    assert_eq!(p("a,"), "(tuple a)");
    assert_eq!(p("()"), "(tuple )");
    assert_eq!(p("(a)"), "a");
    assert_eq!(p("((a, b), c)"), "(tuple (tuple a b) c)");
    assert_eq!(p("r = a, b"), "(let r (tuple a b))");
}

#[test]
fn statements() {
    assert_eq!(
        p("x = 1; y = x + 1\nx * y"),
        "(let x 1); (let y (+ x 1)); (* x y)"
    );
    assert_eq!(p("\n\n;; x = 1;\n\n x;"), "(let x 1); x");
    assert_eq!(p("x = 1 # one\n# nothing\nx"), "(let x 1); x");
    assert_eq!(p("x = 1 + \\\n  2"), "(let x (+ 1 2))");
    assert_eq!(p("x = (1 +\n  2)\nx"), "(let x (+ 1 2)); x");
    assert_eq!(p("x = a[1,\n 2]"), "(let x (index a 1 2))");
    assert_eq!(p("x = 1 +\n  2"), "(let x (+ 1 2))");
    assert_eq!(p("x =\n 1"), "(let x 1)");
    assert_eq!(p("a,\nb"), "(tuple a b)");
    assert_eq!(p("x = 1\r\ny = 2\r\n"), "(let x 1); (let y 2)");
    assert_eq!(p("(x) = 1"), "(let x 1)");
}

#[test]
fn augmented_assignments() {
    let ops = [
        ("+=", "+"),
        ("-=", "-"),
        ("*=", "*"),
        ("/=", "/"),
        ("//=", "//"),
        ("%=", "%"),
        ("**=", "**"),
        ("&=", "&"),
        ("|=", "|"),
        ("^=", "^"),
        ("<<=", "<<"),
        (">>=", ">>"),
    ];
    for (aug, op) in ops {
        let src = format!("x {aug} y + 1");
        assert_eq!(p(&src), format!("(let x ({op} x (+ y 1)))"), "{src}");
    }
    let src = "total **= 2";
    let Stmt::Assign { name, value, span } = &parse(src).unwrap().stmts[0] else {
        panic!()
    };
    assert_eq!(text(src, name.span), "total");
    assert_eq!(text(src, *span), src);
    let ExprKind::Binary { op_span, lhs, .. } = &value.kind else {
        panic!()
    };
    assert_eq!(text(src, *op_span), "**=");
    assert_eq!(text(src, lhs.span), "total");
    assert_eq!(text(src, value.span), src);
}

#[test]
fn spans_cover_the_text_of_each_node() {
    let src = "f(a, k=2) + -b[1:, ::2].real ** (c)";
    let e = the_expr(src);
    assert_eq!(text(src, e.span), src);
    let ExprKind::Binary {
        op_span, lhs, rhs, ..
    } = &e.kind
    else {
        panic!()
    };
    assert_eq!(text(src, *op_span), "+");
    assert_eq!(text(src, lhs.span), "f(a, k=2)");
    let ExprKind::Call { func, args, kwargs } = &lhs.kind else {
        panic!()
    };
    assert_eq!(text(src, func.span), "f");
    assert_eq!(text(src, args[0].span), "a");
    assert_eq!(text(src, kwargs[0].0.span), "k");
    assert_eq!(text(src, kwargs[0].1.span), "2");
    assert_eq!(text(src, rhs.span), "-b[1:, ::2].real ** (c)");
    let ExprKind::Unary { operand, .. } = &rhs.kind else {
        panic!()
    };
    let ExprKind::Binary {
        op_span, lhs, rhs, ..
    } = &operand.kind
    else {
        panic!()
    };
    assert_eq!(text(src, *op_span), "**");
    assert_eq!(text(src, rhs.span), "(c)", "parentheses belong to the span");
    assert_eq!(text(src, lhs.span), "b[1:, ::2].real");
    let ExprKind::Attr { target, name } = &lhs.kind else {
        panic!()
    };
    assert_eq!(text(src, name.span), "real");
    assert_eq!(text(src, target.span), "b[1:, ::2]");
    let ExprKind::Index { indices, .. } = &target.kind else {
        panic!()
    };
    assert_eq!(text(src, indices[0].span()), "1:");
    assert_eq!(text(src, indices[1].span()), "::2");
}

#[test]
fn index_and_tuple_spans() {
    let src = "a[:, None, ..., 1:2:3, ::]";
    let ExprKind::Index { indices, .. } = the_expr(src).kind else {
        panic!()
    };
    let spans: Vec<_> = indices.iter().map(|i| text(src, i.span())).collect();
    assert_eq!(spans, [":", "None", "...", "1:2:3", "::"]);
    let src = "x, y,";
    assert_eq!(text(src, the_expr(src).span), "x, y,");
    let src = "(x, y)";
    assert_eq!(text(src, the_expr(src).span), "(x, y)");
    let src = "y = 2 * x";
    assert_eq!(text(src, parse(src).unwrap().stmts[0].span()), src);
}

#[test]
fn python_keywords_get_advice() {
    let (m, at) = err("a > 0 and b > 0");
    assert_eq!(
        m,
        "'and' is not supported: use '&' (and parenthesize comparisons: (a > 0) & (b > 0))"
    );
    assert_eq!(at, "and");
    let (m, at) = err("a or b");
    assert!(m.starts_with("'or' is not supported: use '|'"), "{m}");
    assert_eq!(at, "or");
    let (m, at) = err("x = not a");
    assert!(m.starts_with("'not' is not supported: use '~'"), "{m}");
    assert_eq!(at, "not");
    assert!(err("a if c else b").0.contains("where("));
    assert!(err("f(lambda x: x)")
        .0
        .starts_with("'lambda' is not supported"));
    assert!(err("(x for x in y)")
        .0
        .starts_with("'for' is not supported"));
    assert!(err("a is b").0.starts_with("'is' is not supported"));
    assert!(err("import numpy")
        .0
        .starts_with("'import' is not supported"));
    assert!(err("a @ b").0.contains("matrix multiplication"));
    // `None` parses as a name (for `axis=None`); the checker rejects it elsewhere.
    assert_eq!(p("a + None"), "(+ a None)");
}

#[test]
fn syntax_errors_point_at_the_problem() {
    assert_eq!(err("(a + b))"), ("unexpected ')'".into(), ")".into()));
    assert_eq!(
        err("a +"),
        (
            "expected an expression, found end of input".into(),
            "".into()
        )
    );
    assert_eq!(err("(a + (b)"), ("unclosed '('".into(), "(".into()));
    assert_eq!(err("f(a, b"), ("unclosed '('".into(), "(".into()));
    assert_eq!(err("a[1:2"), ("unclosed '['".into(), "[".into()));
    assert_eq!(
        err("a $ b"),
        ("unexpected character '$'".into(), "$".into())
    );
    assert_eq!(
        err("a[1 2]"),
        ("expected ',' or ']', found '2'".into(), "2".into())
    );
    assert_eq!(
        err("f(a]"),
        (
            "closing ']' does not match the '(' at 1:2".into(),
            "]".into()
        )
    );
    assert_eq!(
        err("a b"),
        ("unexpected 'b'".into(), "b".into()),
        "two operands in a row"
    );
    assert_eq!(
        err("0 < x < 1"),
        ("comparisons cannot be chained".into(), "<".into())
    );
    let e = parse("0 < x < 1").unwrap_err();
    assert_eq!(e.help.unwrap(), "write (0 < x) & (x < 1)");
    assert_eq!(err("a == b == c").0, "comparisons cannot be chained");
    assert_eq!(err(""), ("empty program".into(), "".into()));
    assert_eq!(err(" ;\n# c\n").0, "empty program");
    assert_eq!(parse("").unwrap_err().span, Some(Span::new(0, 0)));
    assert_eq!(
        err("f(a=1, 2)"),
        (
            "positional argument after keyword argument".into(),
            "2".into()
        )
    );
    assert_eq!(err("f(a=1, a=2)").0, "keyword argument 'a' repeated");
    assert_eq!(
        err("(f)(x)"),
        ("only a function name can be called".into(), "(f)".into())
    );
    assert_eq!(err("x.real(1)").0, "only a function name can be called");
    assert_eq!(err("a[1](2)").0, "only a function name can be called");
    assert_eq!(
        err("x.if").0,
        "expected an attribute name after '.', found 'if'"
    );
    assert_eq!(err("x.1").0, "unexpected '.1'");
    assert_eq!(
        err("[1, 2]"),
        ("list literals are not supported".into(), "[".into())
    );
    assert_eq!(err("a[]").0, "expected an expression, found ']'");
    assert_eq!(err("x = ").0, "expected an expression, found end of input");
    assert_eq!(err("x = ;").0, "expected an expression, found ';'");
    assert_eq!(err("a = b = 1").0, "chained assignment is not supported");
    assert_eq!(err("f(,)").0, "expected an expression, found ','");
    assert_eq!(
        err("1 + \\").0,
        "unexpected end of input after line continuation '\\'"
    );
    assert_eq!(err("...").0, "expected an expression, found '...'");
}

#[test]
fn assignments_need_a_name() {
    assert_eq!(
        err("a[0] = 1"),
        (
            "assignment to a subscript is not supported".into(),
            "a[0]".into()
        )
    );
    assert_eq!(
        err("a[0] += 1").0,
        "assignment to a subscript is not supported"
    );
    assert_eq!(
        err("x.real = 1").0,
        "assignment to an attribute is not supported"
    );
    assert_eq!(
        err("a, b = 1, 2").0,
        "assignment to several names at once is not supported"
    );
    assert_eq!(err("f(x) = 1").0, "cannot assign to a function call");
    assert_eq!(err("1 = x").0, "cannot assign to a literal");
    assert_eq!(err("a + b = c").0, "cannot assign to an expression");
}

#[test]
fn lexical_errors_come_in_source_order() {
    assert_eq!(
        err("(a + 1__0"),
        ("invalid number '1__0'".into(), "1__0".into())
    );
    assert_eq!(err("a ) $").0, "unexpected ')'");
    assert_eq!(err("2x").1, "2x");
    assert_eq!(err("0x").0, "invalid hexadecimal literal '0x'");
    assert_eq!(err("1e").0, "invalid number '1e'");
    assert_eq!(err("0b12").0, "invalid binary literal '0b12'");
    assert_eq!(
        err("99999999999999999999999999999999999999999").0,
        "integer literal too large"
    );
    assert_eq!(
        err("x + é"),
        ("unexpected character 'é' (U+00E9)".into(), "é".into())
    );
}

#[test]
fn nesting_is_limited_without_overflowing() {
    let ok = format!(
        "{}x{}",
        "(".repeat(MAX_DEPTH - 1),
        ")".repeat(MAX_DEPTH - 1)
    );
    assert_eq!(p(&ok), "x");
    for deep in [
        format!(
            "{}x{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        ),
        format!("{}x", "-".repeat(MAX_DEPTH + 1)),
        format!(
            "{}x{}",
            "f(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        ),
        format!(
            "{}x{}",
            "a[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        ),
        vec!["2"; MAX_DEPTH + 2].join("**"),
        vec!["x"; MAX_DEPTH + 2].join(" + "),
        format!("x{}", ".real".repeat(MAX_DEPTH + 1)),
        format!("x{}", "[0]".repeat(MAX_DEPTH + 1)),
        "(".repeat(100_000),
        "-".repeat(100_000),
        "a[".repeat(100_000),
        vec!["x"; 100_000].join("+"),
    ] {
        assert_eq!(
            err(&deep).0,
            "expression nested too deeply",
            "{}…",
            &deep[..20]
        );
    }
    // A long but shallow program is fine.
    let wide = format!("f({})", vec!["x"; 10_000].join(", "));
    assert!(parse(&wide).is_ok());
    let many = "x = x + 1\n".repeat(10_000);
    assert_eq!(parse(&many).unwrap().stmts.len(), 10_000);
}

/// The deepest accepted inputs parse within a small stack even without optimizations
/// (about 4 KiB a level there, a quarter of that optimized): a regression guard for the
/// frame sizes of the recursive functions.
#[test]
fn deepest_inputs_fit_a_small_stack() {
    let n = MAX_DEPTH - 1;
    let inputs = [
        format!("{}x{}", "(".repeat(n), ")".repeat(n)),
        format!("{}x{}", "f(".repeat(n), ")".repeat(n)),
        format!("{}x{}", "a[".repeat(n), "]".repeat(n)),
        format!("{}x{}", "a[1:".repeat(n), "]".repeat(n)),
        format!("{}x{}", "(a, ".repeat(n), ")".repeat(n)),
        format!("{}x", "-".repeat(n)),
        vec!["2"; n].join("**"),
        // Nine levels of tree a repetition.
        format!(
            "{}x{}",
            "(a|b^c&d<<e+f*-g**h[".repeat(n / 9),
            "])".repeat(n / 9)
        ),
    ];
    let parsed = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || inputs.map(|src| parse(&src).map(|_| ()).map_err(|e| e.to_string())))
        .unwrap()
        .join()
        .unwrap();
    for result in parsed {
        assert!(result.is_ok(), "{result:?}");
    }
}

#[test]
fn incomplete_input() {
    for src in [
        "(1 + 2",
        "f(a,",
        "a[1:",
        "1 +",
        "x = ",
        "1 + \\",
        "a,",
        "x = (1,\n",
        "x.",
        "f(x, axis=",
        "1 + # more\n",
        "x = 1\ny = a[",
    ] {
        assert!(is_incomplete(src), "{src:?} is incomplete");
    }
    for src in [
        "", "  # c", "1 + 2", "1 + )", "a b", "x = 1;", "(a,)", "1e", "$", "f(a=1, 2", "a\n",
        "1 + 2)",
    ] {
        assert!(!is_incomplete(src), "{src:?} is complete or wrong");
    }
}
