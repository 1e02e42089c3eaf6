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

mod messages;
#[cfg(test)]
mod tests;

use crate::ast::{BinaryOp, Expr, ExprKind, Ident, Index, Program, Stmt, UnaryOp};
use crate::error::{line_col, Error, ErrorKind, Result, Span};
use crate::lexer::{self, Number, Token, TokenKind};

/// The deepest expressions may nest, in parser recursion and in tree height.
pub const MAX_DEPTH: usize = 200;

/// Parses a vex program.
pub fn parse(source: &str) -> Result<Program> {
    Parser::new(source).program()
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
struct Node {
    expr: Expr,
    height: usize,
}

impl Node {
    fn leaf(kind: ExprKind, span: Span) -> Node {
        Node {
            expr: Expr { kind, span },
            height: 1,
        }
    }
}

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

    /// Builds a node over children of height `child`, checking the depth limit.
    fn node(&self, kind: ExprKind, span: Span, child: usize, at: Span) -> Result<Node> {
        let height = child + 1;
        if height > MAX_DEPTH {
            return Err(messages::too_deep(at));
        }
        Ok(Node {
            expr: Expr { kind, span },
            height,
        })
    }

    // ----- statements -----

    fn program(&mut self) -> Result<Program> {
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
            return Err(Error::at(
                ErrorKind::Syntax,
                Span::new(0, 0),
                "empty program",
            ));
        }
        Ok(Program { stmts })
    }

    fn statement(&mut self) -> Result<Stmt> {
        let target = self.tuple()?;
        let Some(t) = self.peek().filter(|t| t.kind == TokenKind::Operator) else {
            return Ok(Stmt::Expr(target.expr));
        };
        let augmented = augmented_op(self.text(t));
        if self.text(t) != "=" && augmented.is_none() {
            return Ok(Stmt::Expr(target.expr));
        }
        let name = messages::assign_target(&target.expr)?;
        self.pos += 1;
        let value = self.tuple()?;
        if let Some(t2) = self.peek() {
            if self.text(t2) == "=" || augmented_op(self.text(t2)).is_some() {
                return Err(Error::at(
                    ErrorKind::Syntax,
                    t2.span,
                    "chained assignment is not supported",
                )
                .with_help("assign one name per statement"));
            }
        }
        let span = target.expr.span.to(value.expr.span);
        let value = match augmented {
            // `x += e` is `x = x + e`, the operator pointing at `+=`.
            Some(op) => {
                let kind = ExprKind::Binary {
                    op,
                    op_span: t.span,
                    lhs: Box::new(target.expr),
                    rhs: Box::new(value.expr),
                };
                self.node(kind, span, target.height.max(value.height), t.span)?
                    .expr
            }
            None => value.expr,
        };
        Ok(Stmt::Assign { name, value, span })
    }

    fn end_of_statement_error(&mut self, t: Token) -> Error {
        let text = self.text(t);
        if t.kind == TokenKind::Punct && matches!(text, ")" | "]") {
            return Error::at(ErrorKind::Syntax, t.span, format!("unexpected '{text}'"))
                .with_help("it closes no bracket");
        }
        let error = self.unexpected(Some(t), None);
        if error.help.is_none() && matches!(t.kind, TokenKind::Number | TokenKind::Name) {
            return error.with_help("an operator, ',' or ';' may be missing before it");
        }
        error
    }

    // ----- expressions -----

    /// `a, b, c` (with an optional trailing comma), or a single expression.
    fn tuple(&mut self) -> Result<Node> {
        let first = self.expr()?;
        if !self.at(",") {
            return Ok(first);
        }
        let start = first.expr.span;
        let (items, height, end) = self.tuple_rest(first)?;
        self.node(ExprKind::Tuple(items), start.to(end), height, start)
    }

    /// The items of a tuple after its first, the height of the highest and the last span.
    fn tuple_rest(&mut self, first: Node) -> Result<(Vec<Expr>, usize, Span)> {
        let mut end = first.expr.span;
        let mut height = first.height;
        let mut items = vec![first.expr];
        while let Some(comma) = self.eat(",") {
            end = comma;
            if !self.starts_expression() {
                break;
            }
            let item = self.expr()?;
            end = item.expr.span;
            height = height.max(item.height);
            items.push(item.expr);
        }
        Ok((items, height, end))
    }

    /// An expression without a top-level tuple.
    fn expr(&mut self) -> Result<Node> {
        self.binary(1)
    }

    /// Precedence climbing over the binary operators of precedence `min` and above.
    fn binary(&mut self, min: u8) -> Result<Node> {
        let mut lhs = self.unary()?;
        let mut compared = false;
        while let Some((op, prec, op_span)) = self.binary_op() {
            if prec < min {
                break;
            }
            self.pos += 1;
            let rhs = self.binary(prec + 1)?;
            if compared && op.is_comparison() {
                return Err(messages::chained_comparison(
                    self.src, &lhs.expr, op, op_span, &rhs.expr,
                ));
            }
            let span = lhs.expr.span.to(rhs.expr.span);
            let height = lhs.height.max(rhs.height);
            let kind = ExprKind::Binary {
                op,
                op_span,
                lhs: Box::new(lhs.expr),
                rhs: Box::new(rhs.expr),
            };
            lhs = self.node(kind, span, height, op_span)?;
            compared = op.is_comparison();
        }
        Ok(lhs)
    }

    /// The binary operator at the current token (not `**`), with its precedence.
    fn binary_op(&self) -> Option<(BinaryOp, u8, Span)> {
        use BinaryOp::*;
        let t = self.peek().filter(|t| t.kind == TokenKind::Operator)?;
        let (op, prec) = match self.text(t) {
            "<" => (Lt, 1),
            "<=" => (Le, 1),
            "==" => (Eq, 1),
            "!=" => (Ne, 1),
            ">=" => (Ge, 1),
            ">" => (Gt, 1),
            "|" => (Or, 2),
            "^" => (Xor, 3),
            "&" => (And, 4),
            "<<" => (Shl, 5),
            ">>" => (Shr, 5),
            "+" => (Add, 6),
            "-" => (Sub, 6),
            "*" => (Mul, 7),
            "/" => (Div, 7),
            "//" => (FloorDiv, 7),
            "%" => (Mod, 7),
            _ => return None,
        };
        Some((op, prec, t.span))
    }

    /// Every level of nesting goes through here, so this is where recursion is limited.
    fn unary(&mut self) -> Result<Node> {
        self.depth += 1;
        let result = if self.depth > MAX_DEPTH {
            Err(messages::too_deep(self.here()))
        } else {
            self.unary_inner()
        };
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Node> {
        let op = match self.peek().filter(|t| t.kind == TokenKind::Operator) {
            Some(t) if self.text(t) == "-" => UnaryOp::Neg,
            Some(t) if self.text(t) == "+" => UnaryOp::Pos,
            Some(t) if self.text(t) == "~" => UnaryOp::Invert,
            _ => return self.power(),
        };
        let op_span = self.here();
        self.pos += 1;
        let operand = self.unary()?;
        let span = op_span.to(operand.expr.span);
        let kind = ExprKind::Unary {
            op,
            operand: Box::new(operand.expr),
        };
        self.node(kind, span, operand.height, op_span)
    }

    /// `base ** exponent`: binds tighter than a unary minus on its left (`-2**2` is
    /// `-(2**2)`), while the exponent may itself be negated (`2**-1`).
    fn power(&mut self) -> Result<Node> {
        let base = self.primary()?;
        let Some(op_span) = self.eat("**") else {
            return Ok(base);
        };
        let exponent = self.unary()?;
        let span = base.expr.span.to(exponent.expr.span);
        let height = base.height.max(exponent.height);
        let kind = ExprKind::Binary {
            op: BinaryOp::Pow,
            op_span,
            lhs: Box::new(base.expr),
            rhs: Box::new(exponent.expr),
        };
        self.node(kind, span, height, op_span)
    }

    /// An atom and its trailers: calls, subscripts and attributes.
    fn primary(&mut self) -> Result<Node> {
        let mut callee = self
            .peek()
            .filter(|t| t.kind == TokenKind::Name)
            .map(|t| Ident {
                name: self.text(t).to_string(),
                span: t.span,
            });
        let mut node = self.atom()?;
        loop {
            node = if self.at("(") {
                match callee.take() {
                    Some(func) => self.call(func)?,
                    None => return Err(messages::not_callable(&node.expr)),
                }
            } else if self.at("[") {
                self.subscript(node)?
            } else if self.at(".") {
                self.attribute(node)?
            } else {
                return Ok(node);
            };
            callee = None;
        }
    }

    fn atom(&mut self) -> Result<Node> {
        let Some(t) = self.peek() else {
            return Err(self.found(None, "an expression"));
        };
        let text = self.text(t);
        let leaf = |kind| Ok(Node::leaf(kind, t.span));
        match t.kind {
            TokenKind::Number => {
                self.pos += 1;
                match lexer::scan_number(text).1 {
                    Ok(Number::Int(v)) => leaf(ExprKind::Int(v)),
                    Ok(Number::Float(v)) => leaf(ExprKind::Float(v)),
                    Ok(Number::Imag(v)) => leaf(ExprKind::Imag(v)),
                    Err(e) => Err(Error::at(ErrorKind::Syntax, t.span, e.message)),
                }
            }
            TokenKind::Name => {
                self.pos += 1;
                leaf(ExprKind::Name(text.to_string()))
            }
            TokenKind::Keyword if text == "True" || text == "False" => {
                self.pos += 1;
                leaf(ExprKind::Bool(text == "True"))
            }
            TokenKind::Punct if text == "(" => self.parenthesized(),
            TokenKind::Punct if text == "[" => {
                Err(
                    Error::at(ErrorKind::Syntax, t.span, "list literals are not supported")
                        .with_help("use a tuple, as in axis=(0, 1)"),
                )
            }
            TokenKind::Punct if matches!(text, ")" | "]") && self.open == 0 => {
                Err(
                    Error::at(ErrorKind::Syntax, t.span, format!("unexpected '{text}'"))
                        .with_help("it closes no bracket"),
                )
            }
            _ => Err(self.unexpected(Some(t), Some("an expression"))),
        }
    }

    /// `(e)`, `()`, `(a,)`, `(a, b)`.
    fn parenthesized(&mut self) -> Result<Node> {
        let open = self.here();
        self.pos += 1;
        self.open += 1;
        if let Some(close) = self.eat(")") {
            self.open -= 1;
            return Ok(Node::leaf(ExprKind::Tuple(Vec::new()), open.to(close)));
        }
        let first = self.expr()?;
        if !self.at(",") {
            let close = self.expect_close(open, ")", "')'")?;
            return Ok(Node {
                expr: Expr {
                    kind: first.expr.kind,
                    span: open.to(close),
                },
                height: first.height,
            });
        }
        let (items, height, _) = self.tuple_rest(first)?;
        let close = self.expect_close(open, ")", "',' or ')'")?;
        self.node(ExprKind::Tuple(items), open.to(close), height, open)
    }

    /// `func(a, b, key=value)`: positional arguments first.
    fn call(&mut self, func: Ident) -> Result<Node> {
        let open = self.here();
        self.pos += 1;
        self.open += 1;
        let mut args = Vec::new();
        let mut kwargs: Vec<(Ident, Expr)> = Vec::new();
        let mut height = 0;
        while self.peek().is_some() && !self.at(")") {
            let t = self.here();
            let is_kwarg = self.peek().is_some_and(|t| t.kind == TokenKind::Name)
                && self.is(self.tokens.get(self.pos + 1).copied(), "=");
            if is_kwarg {
                let name = Ident {
                    name: self.src[t.start..t.end].to_string(),
                    span: t,
                };
                self.pos += 2;
                if kwargs.iter().any(|(k, _)| k.name == name.name) {
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        t,
                        format!("keyword argument '{}' repeated", name.name),
                    ));
                }
                let value = self.expr()?;
                height = value.height.max(height);
                kwargs.push((name, value.expr));
            } else {
                let arg = self.expr()?;
                if let Some((key, _)) = kwargs.last() {
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        arg.expr.span,
                        "positional argument after keyword argument",
                    )
                    .with_help(format!("move it before '{}='", key.name)));
                }
                height = arg.height.max(height);
                args.push(arg.expr);
            }
            if self.eat(",").is_none() {
                break;
            }
        }
        let close = self.expect_close(open, ")", "',' or ')'")?;
        let span = func.span.to(close);
        self.node(ExprKind::Call { func, args, kwargs }, span, height, open)
    }

    /// `target[i, j:k, ::2, None, ...]`
    fn subscript(&mut self, target: Node) -> Result<Node> {
        let open = self.here();
        self.pos += 1;
        self.open += 1;
        let mut indices = Vec::new();
        let mut height = target.height;
        loop {
            indices.push(self.index(&mut height)?);
            if self.eat(",").is_none() || self.at("]") {
                break;
            }
        }
        let close = self.expect_close(open, "]", "',' or ']'")?;
        let span = target.expr.span.to(close);
        let kind = ExprKind::Index {
            target: Box::new(target.expr),
            indices,
        };
        self.node(kind, span, height, open)
    }

    /// One entry of a subscript; raises `height` to that of its expressions.
    fn index(&mut self, height: &mut usize) -> Result<Index> {
        if let Some(span) = self.eat("...") {
            return Ok(Index::Ellipsis(span));
        }
        let next = self.tokens.get(self.pos + 1).copied();
        if self.at("None") && (self.is(next, ",") || self.is(next, "]")) {
            let span = self.here();
            self.pos += 1;
            return Ok(Index::NewAxis(span));
        }
        let mut part = |p: &mut Self| -> Result<Expr> {
            let node = p.expr()?;
            *height = (*height).max(node.height);
            Ok(node.expr)
        };
        let start = if self.at(":") {
            None
        } else {
            let e = part(self)?;
            if !self.at(":") {
                return Ok(Index::At(e));
            }
            Some(e)
        };
        let first = start.as_ref().map_or(self.here(), |e| e.span);
        let mut end = self.here();
        self.pos += 1;
        let mut stop = None;
        if self.starts_expression() {
            let e = part(self)?;
            end = e.span;
            stop = Some(e);
        }
        let mut step = None;
        if let Some(colon) = self.eat(":") {
            end = colon;
            if self.starts_expression() {
                let e = part(self)?;
                end = e.span;
                step = Some(e);
            }
        }
        Ok(Index::Slice {
            start,
            stop,
            step,
            span: first.to(end),
        })
    }

    /// `target.name`
    fn attribute(&mut self, target: Node) -> Result<Node> {
        let dot = self.here();
        self.pos += 1;
        match self.peek() {
            Some(t) if t.kind == TokenKind::Name => {
                self.pos += 1;
                let name = Ident {
                    name: self.text(t).to_string(),
                    span: t.span,
                };
                let span = target.expr.span.to(t.span);
                let kind = ExprKind::Attr {
                    target: Box::new(target.expr),
                    name,
                };
                self.node(kind, span, target.height, dot)
            }
            other => Err(self.found(other, "an attribute name after '.'")),
        }
    }

    // ----- errors -----

    /// Consumes the closing bracket of the one opened at `open`.
    fn expect_close(&mut self, open: Span, closer: &str, expected: &str) -> Result<Span> {
        let opener = &self.src[open.start..open.end];
        let Some(t) = self.peek() else {
            self.hit_end = true;
            return Err(Error::at(
                ErrorKind::Syntax,
                open,
                format!("unclosed '{opener}'"),
            ));
        };
        let text = self.text(t);
        if self.is(Some(t), closer) {
            self.pos += 1;
            self.open = self.open.saturating_sub(1);
            return Ok(t.span);
        }
        let (line, col) = line_col(self.src, open.start);
        if t.kind == TokenKind::Punct && matches!(text, ")" | "]") {
            return Err(Error::at(
                ErrorKind::Syntax,
                t.span,
                format!("closing '{text}' does not match the '{opener}' at {line}:{col}"),
            ));
        }
        let error = self.unexpected(Some(t), Some(expected));
        let later_line = self.src[open.end..t.span.start].contains('\n');
        if error.help.is_none() && later_line && t.kind != TokenKind::Error {
            return Err(error.with_help(format!("the '{opener}' at {line}:{col} is not closed")));
        }
        Err(error)
    }

    /// "expected …, found …", or the lexer's error when the token is bad text.
    fn found(&mut self, t: Option<Token>, expected: &str) -> Error {
        match t {
            None => {
                self.hit_end = true;
                let end = Span::new(self.src.len(), self.src.len());
                Error::at(
                    ErrorKind::Syntax,
                    end,
                    format!("expected {expected}, found end of input"),
                )
            }
            Some(t) if t.kind == TokenKind::Error => self.lex_error(t),
            Some(t) => Error::at(
                ErrorKind::Syntax,
                t.span,
                format!("expected {expected}, found {}", self.describe(t)),
            ),
        }
    }

    /// An error for a token that cannot stand here; Python keywords and `@` get a message
    /// that says what to write instead.
    fn unexpected(&mut self, t: Option<Token>, expected: Option<&str>) -> Error {
        if let Some(t) = t {
            let text = self.text(t);
            if let Some(e) = messages::unsupported(t.kind, text, t.span) {
                return e;
            }
            if t.kind == TokenKind::Error {
                return self.lex_error(t);
            }
            if expected.is_none() {
                let message = format!("unexpected {}", self.describe(t));
                return Error::at(ErrorKind::Syntax, t.span, message);
            }
        }
        self.found(t, expected.unwrap_or("the end of the statement"))
    }

    fn lex_error(&self, t: Token) -> Error {
        self.lex_errors
            .iter()
            .find(|e| e.span == Some(t.span))
            .cloned()
            .unwrap_or_else(|| {
                let text = self.text(t);
                Error::at(ErrorKind::Syntax, t.span, format!("unexpected '{text}'"))
            })
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
        ("none_outside_subscript", "a + None"),
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
