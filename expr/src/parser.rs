//! Recursive-descent parser with Python's precedence.
//!
//! Grammar, lowest precedence first (every binary level is left-associative except `**`):
//!
//! ```text
//! program    := (statement? (';' | NEWLINE))* statement?
//! statement  := tuple (('=' | '+=' | '-=' | …) tuple)?
//! tuple      := expr (',' expr)* ','?
//! expr       := bitor (('<' | '<=' | '==' | '!=' | '>=' | '>') bitor)?   // no chains
//! bitor      := bitor '|' xor      and so on for '^', '&', '<<' '>>', '+' '-', '*' '/' '//' '%'
//! unary      := ('-' | '+' | '~') unary | power
//! power      := primary ('**' unary)?                                   // right-assoc.
//! primary    := atom (call | '[' indices ']' | '.' NAME)*               // call: NAME only
//! atom       := NUMBER | NAME | 'True' | 'False' | '(' ')' | '(' tuple ')'
//! ```
//!
//! Newlines end statements, except inside brackets, after a `\`, and after an operator or a
//! comma: a line ending in `+`, `=` or `,` goes on on the next line, which is also what
//! [`is_incomplete`] reports to a REPL. (So a one-element tuple at the end of a line must be
//! written `(a,)`.)
//!
//! Spans: a node covers its whole text; a parenthesized expression's span includes the
//! parentheses. Expressions may nest at most [`MAX_DEPTH`] levels, counting both the
//! recursion of the parser and the height of the tree, so that neither this parser nor the
//! later passes that recurse over the tree can overflow the stack.

mod expr;
mod messages;
#[cfg(test)]
mod tests;

use crate::ast::{BinaryOp, Expr, ExprKind, Program, Stmt};
use crate::error::{line_col, Error, Result, Span};
use crate::lexer::{self, Token, TokenKind};
use messages::syntax;

/// The deepest expressions may nest, in parser recursion and in tree height.
pub const MAX_DEPTH: usize = 200;

/// Parses a vex program.
pub fn parse(source: &str) -> Result<Program> {
    Parser::new(source).program().map_err(|e| *e)
}

/// Whether `source` is a valid beginning that only lacks an ending: an open bracket, a
/// trailing operator, `,` or `\`. A REPL then reads another line, joined with a newline.
pub fn is_incomplete(source: &str) -> bool {
    let mut parser = Parser::new(source);
    if parser.ends_in_backslash {
        return true;
    }
    match parser.program() {
        Ok(_) => parser.tokens.last().is_some_and(|&t| parser.text(t) == ","),
        Err(_) => parser.hit_end,
    }
}

/// An expression and the height of its tree, so that depth is checked as nodes are built.
///
/// Boxed, like the errors of [`PResult`], so that the parser's frames stay small: without
/// optimizations every temporary takes its own stack slot, and each nesting level of the
/// input costs a dozen frames.
struct Node {
    expr: Box<Expr>,
    height: usize,
}

impl Node {
    fn leaf(kind: ExprKind, span: Span) -> Node {
        Node {
            expr: Box::new(Expr { kind, span }),
            height: 1,
        }
    }
}

/// The parser's results: a boxed error keeps `Result`s small (see [`Node`]).
type PResult<T> = std::result::Result<T, Box<Error>>;

struct Parser<'s> {
    src: &'s str,
    /// The tokens that matter: no comments, continuations or insignificant newlines.
    tokens: Vec<Token>,
    /// The lexer's errors, one per `TokenKind::Error` token, reported when reached.
    lex_errors: Vec<Error>,
    pos: usize,
    /// Current recursion depth, in `unary` frames.
    depth: usize,
    /// How many brackets are open where the parser stands.
    open: usize,
    /// Set when an error is due to the input ending too early.
    hit_end: bool,
    ends_in_backslash: bool,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Parser<'s> {
        let (raw, lex_errors) = lexer::lex(src);
        let ends_in_backslash = raw.last().is_some_and(|t| {
            t.kind == TokenKind::Error && t.span.end == src.len() && &src[t.span.start..] == "\\"
        });
        let mut tokens: Vec<Token> = Vec::with_capacity(raw.len());
        let mut brackets = 0usize;
        for t in raw {
            let text = &src[t.span.start..t.span.end];
            match t.kind {
                TokenKind::Comment | TokenKind::Continuation => continue,
                TokenKind::Newline => {
                    let continues = tokens.last().is_some_and(|p| {
                        p.kind == TokenKind::Operator || &src[p.span.start..p.span.end] == ","
                    });
                    if brackets > 0 || continues {
                        continue;
                    }
                }
                TokenKind::Punct if text == "(" || text == "[" => brackets += 1,
                TokenKind::Punct if text == ")" || text == "]" => {
                    brackets = brackets.saturating_sub(1);
                }
                _ => {}
            }
            tokens.push(t);
        }
        Parser {
            src,
            tokens,
            lex_errors,
            pos: 0,
            depth: 0,
            open: 0,
            hit_end: false,
            ends_in_backslash,
        }
    }

    // ----- token helpers -----

    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.pos).copied()
    }

    fn text(&self, t: Token) -> &'s str {
        &self.src[t.span.start..t.span.end]
    }

    /// Whether `t` is the operator, punctuation, keyword or newline `s`.
    fn is(&self, t: Option<Token>, s: &str) -> bool {
        t.is_some_and(|t| {
            matches!(
                t.kind,
                TokenKind::Operator | TokenKind::Punct | TokenKind::Keyword | TokenKind::Newline
            ) && self.text(t) == s
        })
    }

    fn at(&self, s: &str) -> bool {
        self.is(self.peek(), s)
    }

    fn eat(&mut self, s: &str) -> Option<Span> {
        let t = self.peek().filter(|_| self.at(s))?;
        self.pos += 1;
        Some(t.span)
    }

    /// Where the parser stands: the next token, or the end of the input.
    fn here(&self) -> Span {
        self.peek()
            .map_or(Span::new(self.src.len(), self.src.len()), |t| t.span)
    }

    fn is_separator(&self, t: Token) -> bool {
        t.kind == TokenKind::Newline || self.is(Some(t), ";")
    }

    /// Whether the next token can begin an expression (or gives a better error as one).
    fn starts_expression(&self) -> bool {
        self.peek().is_some_and(|t| match t.kind {
            TokenKind::Number | TokenKind::Name | TokenKind::Keyword | TokenKind::Error => true,
            TokenKind::Operator | TokenKind::Punct => {
                matches!(self.text(t), "(" | "[" | "-" | "+" | "~")
            }
            _ => false,
        })
    }

    // ----- statements -----

    fn program(&mut self) -> PResult<Program> {
        let mut stmts = Vec::new();
        while let Some(t) = self.peek() {
            if self.is_separator(t) {
                self.pos += 1;
                continue;
            }
            stmts.push(self.statement()?);
            match self.peek() {
                None => break,
                Some(t) if self.is_separator(t) => self.pos += 1,
                Some(t) => return Err(self.end_of_statement_error(t)),
            }
        }
        if stmts.is_empty() {
            return Err(syntax(Span::new(0, 0), "empty program"));
        }
        Ok(Program { stmts })
    }

    fn statement(&mut self) -> PResult<Stmt> {
        let target = self.tuple()?;
        let Some(t) = self.peek().filter(|t| t.kind == TokenKind::Operator) else {
            return Ok(Stmt::Expr(*target.expr));
        };
        let augmented = augmented_op(self.text(t));
        if self.text(t) != "=" && augmented.is_none() {
            return Ok(Stmt::Expr(*target.expr));
        }
        let name = messages::assign_target(&target.expr)?;
        self.pos += 1;
        let value = self.tuple()?;
        if let Some(t2) = self.peek() {
            if self.text(t2) == "=" || augmented_op(self.text(t2)).is_some() {
                let mut error = syntax(t2.span, "chained assignment is not supported");
                error.help = Some("assign one name per statement".into());
                return Err(error);
            }
        }
        let span = target.expr.span.to(value.expr.span);
        let value = match augmented {
            // `x += e` is `x = x + e`, the operator pointing at `+=`.
            Some(op) => {
                let kind = ExprKind::Binary {
                    op,
                    op_span: t.span,
                    lhs: target.expr,
                    rhs: value.expr,
                };
                *self
                    .node(kind, span, target.height.max(value.height), t.span)?
                    .expr
            }
            None => *value.expr,
        };
        Ok(Stmt::Assign { name, value, span })
    }

    fn end_of_statement_error(&mut self, t: Token) -> Box<Error> {
        let text = self.text(t);
        if t.kind == TokenKind::Punct && matches!(text, ")" | "]") {
            return messages::closes_nothing(text, t.span);
        }
        let mut error = self.unexpected(Some(t), None);
        if error.help.is_none() && matches!(t.kind, TokenKind::Number | TokenKind::Name) {
            error.help = Some("an operator, ',' or ';' may be missing before it".into());
        }
        error
    }

    // ----- errors -----

    /// Consumes the closing bracket of the one opened at `open`.
    fn expect_close(&mut self, open: Span, closer: &str, expected: &str) -> PResult<Span> {
        let opener = &self.src[open.start..open.end];
        let Some(t) = self.peek() else {
            self.hit_end = true;
            return Err(syntax(open, format!("unclosed '{opener}'")));
        };
        let text = self.text(t);
        if self.is(Some(t), closer) {
            self.pos += 1;
            self.open = self.open.saturating_sub(1);
            return Ok(t.span);
        }
        let (line, col) = line_col(self.src, open.start);
        if t.kind == TokenKind::Punct && matches!(text, ")" | "]") {
            let message = format!("closing '{text}' does not match the '{opener}' at {line}:{col}");
            return Err(syntax(t.span, message));
        }
        let mut error = self.unexpected(Some(t), Some(expected));
        let later_line = self.src[open.end..t.span.start].contains('\n');
        if error.help.is_none() && later_line && t.kind != TokenKind::Error {
            error.help = Some(format!("the '{opener}' at {line}:{col} is not closed"));
        }
        Err(error)
    }

    /// "expected …, found …", or the lexer's error when the token is bad text.
    fn found(&mut self, t: Option<Token>, expected: &str) -> Box<Error> {
        match t {
            None => {
                self.hit_end = true;
                let end = Span::new(self.src.len(), self.src.len());
                syntax(end, format!("expected {expected}, found end of input"))
            }
            Some(t) if t.kind == TokenKind::Error => self.lex_error(t),
            Some(t) => {
                let message = format!("expected {expected}, found {}", self.describe(t));
                syntax(t.span, message)
            }
        }
    }

    /// An error for a token that cannot stand here; Python keywords and `@` get a message
    /// that says what to write instead.
    fn unexpected(&mut self, t: Option<Token>, expected: Option<&str>) -> Box<Error> {
        if let Some(t) = t {
            if let Some(e) = messages::unsupported(t.kind, self.text(t), t.span) {
                return e;
            }
            if t.kind == TokenKind::Error {
                return self.lex_error(t);
            }
            if expected.is_none() {
                return syntax(t.span, format!("unexpected {}", self.describe(t)));
            }
        }
        self.found(t, expected.unwrap_or("the end of the statement"))
    }

    /// The lexer's error for a `TokenKind::Error` token.
    fn lex_error(&self, t: Token) -> Box<Error> {
        match self.lex_errors.iter().find(|e| e.span == Some(t.span)) {
            Some(e) => Box::new(e.clone()),
            None => syntax(t.span, format!("unexpected '{}'", self.text(t))),
        }
    }

    fn describe(&self, t: Token) -> String {
        match t.kind {
            TokenKind::Newline => "end of line".into(),
            _ => format!("'{}'", self.text(t)),
        }
    }
}

/// The binary operator of an augmented assignment (`+=` → `+`).
fn augmented_op(text: &str) -> Option<BinaryOp> {
    use BinaryOp::*;
    Some(match text {
        "+=" => Add,
        "-=" => Sub,
        "*=" => Mul,
        "/=" => Div,
        "//=" => FloorDiv,
        "%=" => Mod,
        "**=" => Pow,
        "&=" => And,
        "|=" => Or,
        "^=" => Xor,
        "<<=" => Shl,
        ">>=" => Shr,
        _ => return None,
    })
}

#[cfg(test)]
mod snapshot_tests {
    //! Errors as users see them. Kept in this file so that the snapshots live in
    //! `src/snapshots/`.

    /// (snapshot name, bad program)
    const CASES: &[(&str, &str)] = &[
        ("unexpected_close", "(a + b))"),
        ("end_of_input", "a +"),
        ("unclosed_paren", "sin(x + (y * 2)"),
        ("unclosed_bracket_multiline", "a[1:\n  2"),
        ("bad_character", "a $ b"),
        ("non_ascii", "x + ÿ"),
        ("expected_bracket", "a[1 2]"),
        ("mismatched", "f(a, b]"),
        ("and_keyword", "a > 0 and b > 0"),
        ("or_keyword", "(a > 0) or (b > 0)"),
        ("not_keyword", "not a"),
        ("conditional", "a if a > 0 else b"),
        ("lambda", "lambda x: x"),
        ("chained_comparison", "0 < x < 1"),
        ("assign_subscript", "a[0] = 1"),
        ("positional_after_keyword", "sum(a, axis=0, 1)"),
        ("callee_not_name", "(f)(x)"),
        ("implicit_multiplication", "2x + 1"),
        ("bad_underscore", "1__000"),
        (
            "integer_too_large",
            "x + 1000000000000000000000000000000000000000",
        ),
        ("bad_hex", "0xfg"),
        ("leading_zero", "x * 0755"),
        ("list_literal", "sum(a, axis=[0, 1])"),
        ("empty_program", "  # nothing here\n"),
        ("second_line", "x = 1\ny = x +* 2"),
        ("line_continuation", "a + \\ # comment\nb"),
        ("string", "f('x')"),
        ("chained_assignment", "a = b = 1"),
    ];

    #[test]
    fn rendered_errors() {
        let deep = format!("x = {}1", "(\n".repeat(super::MAX_DEPTH + 1));
        let cases = CASES.iter().copied().chain([("too_deep", deep.as_str())]);
        for (name, src) in cases {
            let err = crate::parse(src).expect_err(name);
            // Long inputs are shown by their line with the error only.
            let src_shown = if src.len() > 200 { "…" } else { src };
            let shown = format!(
                "{src_shown}\n---\n{}",
                err.clone().locate(src).render(src, false)
            );
            insta::assert_snapshot!(name, shown);
        }
    }
}
