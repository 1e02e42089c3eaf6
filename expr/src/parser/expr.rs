//! Expressions: precedence climbing over the binary operators, then unary operators,
//! powers, trailers (calls, subscripts, attributes) and atoms.
//!
//! Stack use matters here: a nesting level of the input (`(`, `f(`, `a[`, `-`) costs a
//! dozen of these frames, and without optimizations every temporary of a function keeps its
//! own stack slot for the whole call. So the functions on the recursive path hold only small
//! values (boxed [`Node`]s, spans) and leave building nodes, indices and errors to helpers
//! that are not on the path.

use super::messages::{self, syntax};
use super::{Node, PResult, Parser, MAX_DEPTH};
use crate::ast::{BinaryOp, Expr, ExprKind, Ident, Index, UnaryOp};
use crate::error::Span;
use crate::lexer::{self, Number, TokenKind};

/// A subscript entry as parsed, small until [`Parser::push_index`] builds the [`Index`].
enum Part {
    At(Node),
    Slice {
        start: Option<Node>,
        stop: Option<Node>,
        step: Option<Node>,
        span: Span,
    },
    NewAxis(Span),
    Ellipsis(Span),
}

impl Parser<'_> {
    /// `a, b, c` (with an optional trailing comma), or a single expression.
    pub(super) fn tuple(&mut self) -> PResult<Node> {
        let first = self.expr()?;
        if !self.at(",") {
            return Ok(first);
        }
        let start = first.expr.span;
        let (items, height, end) = self.tuple_rest(first)?;
        self.node(ExprKind::Tuple(items), start.to(end), height, start)
    }

    /// The items of a tuple after its first, the height of the highest and the last span.
    fn tuple_rest(&mut self, first: Node) -> PResult<(Vec<Expr>, usize, Span)> {
        let mut end = first.expr.span;
        let mut height = first.height;
        let mut items = vec![*first.expr];
        while let Some(comma) = self.eat(",") {
            end = comma;
            if !self.starts_expression() {
                break;
            }
            let item = self.expr()?;
            end = item.expr.span;
            height = height.max(item.height);
            items.push(*item.expr);
        }
        Ok((items, height, end))
    }

    /// An expression without a top-level tuple.
    pub(super) fn expr(&mut self) -> PResult<Node> {
        self.binary(1)
    }

    /// Precedence climbing over the binary operators of precedence `min` and above.
    fn binary(&mut self, min: u8) -> PResult<Node> {
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
            lhs = self.binary_node(op, op_span, lhs, rhs)?;
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
    /// (An error ends the parse, so `depth` need not be restored on that path.)
    fn unary(&mut self) -> PResult<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(messages::too_deep(self.here()));
        }
        let node = match self.unary_op() {
            None => self.power()?,
            Some(op) => {
                let op_span = self.here();
                self.pos += 1;
                let operand = self.unary()?;
                self.unary_node(op, op_span, operand)?
            }
        };
        self.depth -= 1;
        Ok(node)
    }

    fn unary_op(&self) -> Option<UnaryOp> {
        let t = self.peek().filter(|t| t.kind == TokenKind::Operator)?;
        match self.text(t) {
            "-" => Some(UnaryOp::Neg),
            "+" => Some(UnaryOp::Pos),
            "~" => Some(UnaryOp::Invert),
            _ => None,
        }
    }

    /// `base ** exponent`: binds tighter than a unary minus on its left (`-2**2` is
    /// `-(2**2)`), while the exponent may itself be negated (`2**-1`).
    fn power(&mut self) -> PResult<Node> {
        let base = self.primary()?;
        let Some(op_span) = self.eat("**") else {
            return Ok(base);
        };
        let exponent = self.unary()?;
        self.binary_node(BinaryOp::Pow, op_span, base, exponent)
    }

    /// An atom and its trailers: calls (of a plain name only), subscripts, attributes.
    fn primary(&mut self) -> PResult<Node> {
        let mut callable = self.peek().is_some_and(|t| t.kind == TokenKind::Name);
        let mut node = self.atom()?;
        loop {
            node = if self.at("(") {
                if !callable {
                    return Err(messages::not_callable(&node.expr));
                }
                self.call(node)?
            } else if self.at("[") {
                self.subscript(node)?
            } else if self.at(".") {
                self.attribute(node)?
            } else {
                return Ok(node);
            };
            callable = false;
        }
    }

    fn atom(&mut self) -> PResult<Node> {
        if self.at("(") {
            self.parenthesized()
        } else {
            self.simple_atom()
        }
    }

    /// `(e)`, `()`, `(a,)`, `(a, b)`.
    fn parenthesized(&mut self) -> PResult<Node> {
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
            let mut node = first;
            node.expr.span = open.to(close);
            return Ok(node);
        }
        let (items, height, _) = self.tuple_rest(first)?;
        let close = self.expect_close(open, ")", "',' or ')'")?;
        self.node(ExprKind::Tuple(items), open.to(close), height, open)
    }

    /// `func(a, b, key=value)`: positional arguments first.
    fn call(&mut self, func: Node) -> PResult<Node> {
        let open = self.here();
        self.pos += 1;
        self.open += 1;
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        let mut height = 0;
        while self.peek().is_some() && !self.at(")") {
            let key = self.keyword_argument(&kwargs)?;
            let value = self.expr()?;
            height = value.height.max(height);
            match key {
                Some(key) => kwargs.push((key, *value.expr)),
                None if kwargs.is_empty() => args.push(*value.expr),
                None => return Err(messages::positional_after_keyword(&value.expr, &kwargs)),
            }
            if self.eat(",").is_none() {
                break;
            }
        }
        let close = self.expect_close(open, ")", "',' or ')'")?;
        let func = ident(func);
        let span = func.span.to(close);
        self.node(ExprKind::Call { func, args, kwargs }, span, height, open)
    }

    /// Consumes `name=` if the next argument is a keyword argument, and returns the name.
    fn keyword_argument(&mut self, seen: &[(Ident, Expr)]) -> PResult<Option<Ident>> {
        let Some(t) = self.peek().filter(|t| t.kind == TokenKind::Name) else {
            return Ok(None);
        };
        if !self.is(self.tokens.get(self.pos + 1).copied(), "=") {
            return Ok(None);
        }
        self.pos += 2;
        let name = self.text(t);
        if seen.iter().any(|(k, _)| k.name == name) {
            let message = format!("keyword argument '{name}' repeated");
            return Err(syntax(t.span, message));
        }
        Ok(Some(Ident {
            name: name.to_string(),
            span: t.span,
        }))
    }

    /// `target[i, j:k, ::2, None, ...]`
    fn subscript(&mut self, target: Node) -> PResult<Node> {
        let open = self.here();
        self.pos += 1;
        self.open += 1;
        let mut indices = Vec::new();
        let mut height = target.height;
        loop {
            let part = self.index(&mut height)?;
            push_index(&mut indices, part);
            if self.eat(",").is_none() || self.at("]") {
                break;
            }
        }
        let close = self.expect_close(open, "]", "',' or ']'")?;
        let span = target.expr.span.to(close);
        let kind = ExprKind::Index {
            target: target.expr,
            indices,
        };
        self.node(kind, span, height, open)
    }

    /// One entry of a subscript; raises `height` to that of its expressions.
    fn index(&mut self, height: &mut usize) -> PResult<Part> {
        if let Some(span) = self.eat("...") {
            return Ok(Part::Ellipsis(span));
        }
        let next = self.tokens.get(self.pos + 1).copied();
        if self.at("None") && (self.is(next, ",") || self.is(next, "]")) {
            let span = self.here();
            self.pos += 1;
            return Ok(Part::NewAxis(span));
        }
        let start = if self.at(":") {
            None
        } else {
            let e = self.expr()?;
            *height = e.height.max(*height);
            if !self.at(":") {
                return Ok(Part::At(e));
            }
            Some(e)
        };
        let first = start.as_ref().map_or(self.here(), |e| e.expr.span);
        let mut end = self.here();
        self.pos += 1;
        let mut stop = None;
        if self.starts_expression() {
            let e = self.expr()?;
            *height = e.height.max(*height);
            end = e.expr.span;
            stop = Some(e);
        }
        let mut step = None;
        if let Some(colon) = self.eat(":") {
            end = colon;
            if self.starts_expression() {
                let e = self.expr()?;
                *height = e.height.max(*height);
                end = e.expr.span;
                step = Some(e);
            }
        }
        Ok(Part::Slice {
            start,
            stop,
            step,
            span: first.to(end),
        })
    }

    /// `target.name`
    fn attribute(&mut self, target: Node) -> PResult<Node> {
        let dot = self.here();
        self.pos += 1;
        let Some(t) = self.peek().filter(|t| t.kind == TokenKind::Name) else {
            return Err(self.found(self.peek(), "an attribute name after '.'"));
        };
        self.pos += 1;
        let name = Ident {
            name: self.text(t).to_string(),
            span: t.span,
        };
        let span = target.expr.span.to(t.span);
        let kind = ExprKind::Attr {
            target: target.expr,
            name,
        };
        self.node(kind, span, target.height, dot)
    }

    /// Atoms other than parentheses: literals and names, or an error.
    fn simple_atom(&mut self) -> PResult<Node> {
        let Some(t) = self.peek() else {
            return Err(self.found(None, "an expression"));
        };
        let text = self.text(t);
        let kind = match t.kind {
            TokenKind::Number => match lexer::scan_number(text).1 {
                Ok(Number::Int(v)) => ExprKind::Int(v),
                Ok(Number::Float(v)) => ExprKind::Float(v),
                Ok(Number::Imag(v)) => ExprKind::Imag(v),
                Err(e) => return Err(syntax(t.span, e.message)),
            },
            TokenKind::Name => ExprKind::Name(text.to_string()),
            TokenKind::Keyword if text == "True" || text == "False" => {
                ExprKind::Bool(text == "True")
            }
            // `None` is a value only as `axis=None`; the checker rejects it elsewhere.
            TokenKind::Keyword if text == "None" => ExprKind::Name("None".to_string()),
            TokenKind::Punct if text == "[" => {
                let mut error = syntax(t.span, "list literals are not supported");
                error.help = Some("use a tuple, as in axis=(0, 1)".into());
                return Err(error);
            }
            TokenKind::Punct if matches!(text, ")" | "]") && self.open == 0 => {
                return Err(messages::closes_nothing(text, t.span));
            }
            _ => return Err(self.unexpected(Some(t), Some("an expression"))),
        };
        self.pos += 1;
        Ok(Node::leaf(kind, t.span))
    }

    // ----- building nodes, off the recursive path -----

    /// Builds a node over children of height `child`, checking the depth limit.
    pub(super) fn node(&self, kind: ExprKind, span: Span, child: usize, at: Span) -> PResult<Node> {
        let height = child + 1;
        if height > MAX_DEPTH {
            return Err(messages::too_deep(at));
        }
        Ok(Node {
            expr: Box::new(Expr { kind, span }),
            height,
        })
    }

    pub(super) fn binary_node(
        &self,
        op: BinaryOp,
        op_span: Span,
        lhs: Node,
        rhs: Node,
    ) -> PResult<Node> {
        let span = lhs.expr.span.to(rhs.expr.span);
        let height = lhs.height.max(rhs.height);
        let kind = ExprKind::Binary {
            op,
            op_span,
            lhs: lhs.expr,
            rhs: rhs.expr,
        };
        self.node(kind, span, height, op_span)
    }

    fn unary_node(&self, op: UnaryOp, op_span: Span, operand: Node) -> PResult<Node> {
        let span = op_span.to(operand.expr.span);
        let kind = ExprKind::Unary {
            op,
            operand: operand.expr,
        };
        self.node(kind, span, operand.height, op_span)
    }
}

/// The name of a callee, which `primary` checked to be a plain name.
fn ident(node: Node) -> Ident {
    let span = node.expr.span;
    let name = match node.expr.kind {
        ExprKind::Name(name) => name,
        _ => String::new(),
    };
    Ident { name, span }
}

fn push_index(indices: &mut Vec<Index>, part: Part) {
    let unbox = |n: Option<Node>| n.map(|n| *n.expr);
    indices.push(match part {
        Part::At(e) => Index::At(*e.expr),
        Part::Slice {
            start,
            stop,
            step,
            span,
        } => Index::Slice {
            start: unbox(start),
            stop: unbox(stop),
            step: unbox(step),
            span,
        },
        Part::NewAxis(span) => Index::NewAxis(span),
        Part::Ellipsis(span) => Index::Ellipsis(span),
    });
}
