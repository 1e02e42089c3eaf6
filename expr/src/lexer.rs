//! Tokens of the vex language: a hand-written, tolerant lexer.
//!
//! [`tokenize`] never stops at bad text: it marks it with a [`TokenKind::Error`] token,
//! remembers the error and goes on, so that a REPL can highlight a whole line while it is
//! still being typed. The parser reads the same tokens and reports a lexical error only when
//! it reaches the bad token, so that errors come out in source order.
//!
//! Numbers follow Python's rules (`1_000`, `0xff`, `0o17`, `0b101`, `1.5e-3`, `.5`, `5.`,
//! `2j`); names are ASCII identifiers.

use crate::error::{Error, ErrorKind, Span};

/// What a token is, coarse enough for syntax highlighting; the parser looks at the text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TokenKind {
    /// An integer, float or imaginary literal.
    Number,
    /// An identifier that is not a keyword.
    Name,
    /// A Python keyword (`True`, `None`, `and`, `if`, …); only `True`, `False` and `None`
    /// mean something in vex, the others exist to give good errors.
    Keyword,
    /// Arithmetic, comparison, bitwise and assignment operators (`+`, `**`, `<=`, `=`, `+=`, …).
    Operator,
    /// Brackets and separators: `( ) [ ] , : ; . ...`
    Punct,
    /// `# …` up to the end of the line (the newline excluded).
    Comment,
    /// A newline, which ends a statement outside brackets.
    Newline,
    /// A `\` with the newline it escapes.
    Continuation,
    /// Text that is not a valid token; its error is reported by [`tokenize`].
    Error,
}

/// A token: its kind and the byte span of its text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Where its text is.
    pub span: Span,
}

/// Python's keywords. vex rejects most of them, with a message saying what to use instead.
pub const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Operators and punctuation, longest first so that the first match is the longest one.
const SYMBOLS: &[(&str, TokenKind)] = &[
    ("**=", TokenKind::Operator),
    ("//=", TokenKind::Operator),
    ("<<=", TokenKind::Operator),
    (">>=", TokenKind::Operator),
    ("...", TokenKind::Punct),
    ("**", TokenKind::Operator),
    ("//", TokenKind::Operator),
    ("<<", TokenKind::Operator),
    (">>", TokenKind::Operator),
    ("<=", TokenKind::Operator),
    (">=", TokenKind::Operator),
    ("==", TokenKind::Operator),
    ("!=", TokenKind::Operator),
    ("+=", TokenKind::Operator),
    ("-=", TokenKind::Operator),
    ("*=", TokenKind::Operator),
    ("/=", TokenKind::Operator),
    ("%=", TokenKind::Operator),
    ("&=", TokenKind::Operator),
    ("|=", TokenKind::Operator),
    ("^=", TokenKind::Operator),
    ("+", TokenKind::Operator),
    ("-", TokenKind::Operator),
    ("*", TokenKind::Operator),
    ("/", TokenKind::Operator),
    ("%", TokenKind::Operator),
    ("<", TokenKind::Operator),
    (">", TokenKind::Operator),
    ("=", TokenKind::Operator),
    ("&", TokenKind::Operator),
    ("|", TokenKind::Operator),
    ("^", TokenKind::Operator),
    ("~", TokenKind::Operator),
    ("@", TokenKind::Operator),
    ("(", TokenKind::Punct),
    (")", TokenKind::Punct),
    ("[", TokenKind::Punct),
    ("]", TokenKind::Punct),
    (",", TokenKind::Punct),
    (":", TokenKind::Punct),
    (";", TokenKind::Punct),
    (".", TokenKind::Punct),
];

/// Splits `source` into tokens, never stopping early.
///
/// Returns every token (comments, newlines and bad text included, in order, with spans that
/// cover the source without overlapping) and the first error, if any.
pub fn tokenize(source: &str) -> (Vec<Token>, Option<Error>) {
    let (tokens, errors) = lex(source);
    (tokens, errors.into_iter().next())
}

/// Like [`tokenize`], with every error: one per [`TokenKind::Error`] token, with its span.
pub(crate) fn lex(source: &str) -> (Vec<Token>, Vec<Error>) {
    let mut lexer = Lexer {
        src: source,
        pos: 0,
        tokens: Vec::new(),
        errors: Vec::new(),
    };
    lexer.run();
    (lexer.tokens, lexer.errors)
}

struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    tokens: Vec<Token>,
    errors: Vec<Error>,
}

impl Lexer<'_> {
    fn run(&mut self) {
        while let Some(c) = self.src[self.pos..].chars().next() {
            let start = self.pos;
            let rest = &self.src[start..];
            let next = rest.as_bytes().get(1).copied();
            match c {
                ' ' | '\t' | '\r' | '\x0c' => self.pos += 1,
                '\n' => self.push(TokenKind::Newline, start + 1),
                '#' => {
                    let end = rest.find('\n').map_or(self.src.len(), |i| start + i);
                    self.push(TokenKind::Comment, end);
                }
                '\\' => self.continuation(),
                '0'..='9' => self.number(),
                '.' if next.is_some_and(|b| b.is_ascii_digit()) => self.number(),
                c if c.is_ascii_alphabetic() || c == '_' => {
                    let end = start + ident_len(rest);
                    let kind = if KEYWORDS.contains(&&self.src[start..end]) {
                        TokenKind::Keyword
                    } else {
                        TokenKind::Name
                    };
                    self.push(kind, end);
                }
                _ => match SYMBOLS.iter().find(|(s, _)| rest.starts_with(s)) {
                    Some((s, kind)) => self.push(*kind, start + s.len()),
                    None => self.bad_char(c),
                },
            }
        }
    }

    fn push(&mut self, kind: TokenKind, end: usize) {
        self.tokens.push(Token {
            kind,
            span: Span::new(self.pos, end),
        });
        self.pos = end;
    }

    fn error(&mut self, end: usize, error: Error) {
        self.errors.push(error.with_span(Span::new(self.pos, end)));
        self.push(TokenKind::Error, end);
    }

    /// `\` must be the last character of its line.
    fn continuation(&mut self) {
        let rest = &self.src[self.pos + 1..];
        let newline = if rest.starts_with('\n') {
            Some(1)
        } else if rest.starts_with("\r\n") {
            Some(2)
        } else {
            None
        };
        let end = self.pos + 1;
        match newline {
            Some(n) => self.push(TokenKind::Continuation, end + n),
            None if rest.is_empty() => self.error(
                end,
                syntax("unexpected end of input after line continuation '\\'"),
            ),
            None => self.error(
                end,
                syntax("unexpected character after line continuation '\\'")
                    .with_help("'\\' must be the last character of its line"),
            ),
        }
    }

    fn number(&mut self) {
        let rest = &self.src[self.pos..];
        let (len, result) = scan_number(rest);
        let end = self.pos + len;
        match result {
            Ok(_) => self.push(TokenKind::Number, end),
            Err(NumberError { message, help }) => {
                let mut error = syntax(message);
                if let Some(help) = help {
                    error = error.with_help(help);
                }
                self.error(end, error);
            }
        }
    }

    fn bad_char(&mut self, c: char) {
        if c == '\'' || c == '"' {
            let error = syntax("strings are not supported");
            return self.error(self.pos + 1, error);
        }
        let shown = if c.is_ascii() {
            format!("unexpected character '{}'", c.escape_debug())
        } else {
            format!(
                "unexpected character '{}' (U+{:04X})",
                c.escape_debug(),
                u32::from(c)
            )
        };
        let mut error = syntax(shown);
        match c {
            '!' => error = error.with_help("use '~' for not, '!=' for not equal"),
            '{' | '}' => error = error.with_help("vex has no sets or dictionaries"),
            _ => {}
        }
        self.error(self.pos + c.len_utf8(), error);
    }
}

fn syntax(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Syntax, message)
}

/// Length of the identifier at the start of `s` (ASCII letters, digits, `_`).
fn ident_len(s: &str) -> usize {
    s.bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(s.len())
}

/// The value of a number literal.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Number {
    Int(i128),
    Float(f64),
    Imag(f64),
}

/// Why a number literal is invalid.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct NumberError {
    pub message: String,
    pub help: Option<String>,
}

/// Scans the number literal at the start of `s` (which starts with a digit, or `.` and a
/// digit) and computes its value.
///
/// Returns the length of the literal and its value. An invalid literal extends over the
/// letters, digits and underscores stuck to it, so that the error covers `2x` or `0x1g`.
pub(crate) fn scan_number(s: &str) -> (usize, Result<Number, NumberError>) {
    let b = s.as_bytes();
    let radix = match (b.first(), b.get(1)) {
        (Some(b'0'), Some(b'x' | b'X')) => Some((16, "hexadecimal")),
        (Some(b'0'), Some(b'o' | b'O')) => Some((8, "octal")),
        (Some(b'0'), Some(b'b' | b'B')) => Some((2, "binary")),
        _ => None,
    };
    if let Some((radix, name)) = radix {
        let len = 2 + ident_len(&s[2..]);
        return (len, prefixed_int(&s[..len], radix, name));
    }
    let int_end = digits_end(b, 0);
    let mut end = int_end;
    let mut is_float = false;
    if b.get(end) == Some(&b'.') {
        is_float = true;
        end = digits_end(b, end + 1);
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let mut exp = end + 1;
        if matches!(b.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        if b.get(exp).is_some_and(u8::is_ascii_digit) {
            is_float = true;
            end = digits_end(b, exp);
        } else {
            let len = exp + ident_len(&s[exp..]);
            return (
                len,
                Err(NumberError {
                    message: format!("invalid number '{}'", &s[..len]),
                    help: Some("an exponent needs digits, as in 1e-3".into()),
                }),
            );
        }
    }
    let imag = matches!(b.get(end), Some(b'j' | b'J'));
    let digits = &s[..end];
    if imag {
        end += 1;
    }
    // Letters, digits or underscores stuck to the literal make it invalid.
    let len = end + ident_len(&s[end..]);
    if len > end || !underscores_ok(digits, 10) {
        let text = &s[..len];
        let help = if !underscores_ok(digits, 10) {
            "'_' may only separate digits, as in 1_000".to_string()
        } else {
            let word = &s[end..len];
            if word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && !is_float && !imag
            {
                format!("to multiply, write '{}*{}'", &s[..end], word)
            } else {
                "a number cannot be followed by letters".into()
            }
        };
        return (
            len,
            Err(NumberError {
                message: format!("invalid number '{text}'"),
                help: Some(help),
            }),
        );
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    let value = if imag {
        float_value(&clean).map(Number::Imag)
    } else if is_float {
        float_value(&clean).map(Number::Float)
    } else if clean.len() > 1 && clean.starts_with('0') && clean.bytes().any(|b| b != b'0') {
        Err(NumberError {
            message: "leading zeros are not allowed in decimal integers".into(),
            help: Some({
                let digits = clean.trim_start_matches('0');
                if digits.bytes().all(|b| b < b'8') {
                    format!("write {digits}, or 0o{digits} for octal")
                } else {
                    format!("write {digits}")
                }
            }),
        })
    } else {
        int_value(&clean, 10).map(Number::Int)
    };
    (len, value)
}

/// End of the run of digits and underscores starting at `i`.
fn digits_end(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    i
}

/// Underscores may only sit between two digits of `radix`.
fn underscores_ok(s: &str, radix: u32) -> bool {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(|&c| char::from(c).is_digit(radix));
    b.iter()
        .enumerate()
        .all(|(i, &c)| c != b'_' || (i > 0 && digit(i - 1) && digit(i + 1)))
}

/// `0x…`, `0o…`, `0b…`: Python also allows one `_` right after the prefix (`0x_ff`).
fn prefixed_int(s: &str, radix: u32, name: &str) -> Result<Number, NumberError> {
    let digits = &s[2..];
    let body = digits.strip_prefix('_').unwrap_or(digits);
    let invalid = |help: String| NumberError {
        message: format!("invalid {name} literal '{s}'"),
        help: Some(help),
    };
    if body.is_empty() {
        return Err(invalid(format!("'{}' must be followed by digits", &s[..2])));
    }
    if let Some(c) = body.chars().find(|&c| c != '_' && !c.is_digit(radix)) {
        return Err(invalid(format!("'{c}' is not a {name} digit")));
    }
    if !underscores_ok(body, radix) {
        return Err(invalid("'_' may only separate digits".into()));
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    int_value(&clean, radix).map(Number::Int)
}

fn int_value(digits: &str, radix: u32) -> Result<i128, NumberError> {
    i128::from_str_radix(digits, radix).map_err(|_| NumberError {
        message: "integer literal too large".into(),
        help: Some(format!("the largest integer literal is {}", i128::MAX)),
    })
}

fn float_value(text: &str) -> Result<f64, NumberError> {
    text.parse::<f64>().map_err(|_| NumberError {
        message: format!("invalid number '{text}'"),
        help: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src)
            .0
            .iter()
            .map(|t| (t.kind, &src[t.span.start..t.span.end]))
            .collect()
    }

    fn value(src: &str) -> Result<Number, String> {
        let (len, v) = scan_number(src);
        assert_eq!(len, src.len(), "{src}: the whole text is one literal");
        v.map_err(|e| e.message)
    }

    use TokenKind::{Comment, Continuation, Keyword, Name, Newline, Operator, Punct};

    #[test]
    fn token_kinds_and_spans() {
        assert_eq!(
            kinds("x1 = a**-2 # hi\nTrue;f(b)[...]"),
            vec![
                (Name, "x1"),
                (Operator, "="),
                (Name, "a"),
                (Operator, "**"),
                (Operator, "-"),
                (TokenKind::Number, "2"),
                (Comment, "# hi"),
                (Newline, "\n"),
                (Keyword, "True"),
                (Punct, ";"),
                (Name, "f"),
                (Punct, "("),
                (Name, "b"),
                (Punct, ")"),
                (Punct, "["),
                (Punct, "..."),
                (Punct, "]"),
            ]
        );
    }

    #[test]
    fn longest_operator_wins() {
        let ops = "**= //= <<= >>= ** // << >> <= >= == != += -= *= /= %= &= |= ^= ~ @";
        let got: Vec<_> = kinds(ops).into_iter().map(|(_, s)| s).collect();
        assert_eq!(got, ops.split(' ').collect::<Vec<_>>());
    }

    #[test]
    fn continuation_swallows_its_newline() {
        assert_eq!(
            kinds("1 \\\n+ 2\\\r\n"),
            vec![
                (TokenKind::Number, "1"),
                (Continuation, "\\\n"),
                (Operator, "+"),
                (TokenKind::Number, "2"),
                (Continuation, "\\\r\n")
            ]
        );
        let (tokens, err) = tokenize("1 + \\");
        assert_eq!(tokens.last().unwrap().kind, TokenKind::Error);
        assert!(err.unwrap().message.contains("end of input"));
        let (_, err) = tokenize("1 \\ \n+ 2");
        assert!(err.unwrap().message.contains("after line continuation"));
    }

    #[test]
    fn integers() {
        assert_eq!(value("0"), Ok(Number::Int(0)));
        assert_eq!(value("000"), Ok(Number::Int(0)));
        assert_eq!(value("1_000_000"), Ok(Number::Int(1_000_000)));
        assert_eq!(value("0xff"), Ok(Number::Int(255)));
        assert_eq!(value("0XfF"), Ok(Number::Int(255)));
        assert_eq!(value("0x_f_f"), Ok(Number::Int(255)));
        assert_eq!(value("0o17"), Ok(Number::Int(15)));
        assert_eq!(value("0b101"), Ok(Number::Int(5)));
        assert_eq!(
            value("170141183460469231731687303715884105727"),
            Ok(Number::Int(i128::MAX))
        );
        assert_eq!(
            value("170141183460469231731687303715884105728"),
            Err("integer literal too large".into())
        );
    }

    #[test]
    fn floats_and_imaginary() {
        assert_eq!(value("1.5"), Ok(Number::Float(1.5)));
        assert_eq!(value("1e-3"), Ok(Number::Float(1e-3)));
        assert_eq!(value("1E+3"), Ok(Number::Float(1e3)));
        assert_eq!(value(".5"), Ok(Number::Float(0.5)));
        assert_eq!(value("5."), Ok(Number::Float(5.0)));
        assert_eq!(value("1.e2"), Ok(Number::Float(100.0)));
        assert_eq!(value("1_0.5"), Ok(Number::Float(10.5)));
        assert_eq!(value("0123.5"), Ok(Number::Float(123.5)));
        assert_eq!(value("1e999"), Ok(Number::Float(f64::INFINITY)));
        assert_eq!(value("1e-999"), Ok(Number::Float(0.0)));
        assert_eq!(value("2j"), Ok(Number::Imag(2.0)));
        assert_eq!(value("1.5e3J"), Ok(Number::Imag(1500.0)));
        assert_eq!(value("0123j"), Ok(Number::Imag(123.0)));
    }

    #[test]
    fn invalid_numbers() {
        for bad in [
            "1__0", "1_", "1_.5", "1._5", "1e", "1e+", "1ex", "0x", "0xg", "0b102", "0o8", "0x_",
            "0x1__2", "2x", "1.5abc", "2jj", "0123", "1_e5",
        ] {
            let (len, v) = scan_number(bad);
            assert_eq!(len, bad.len(), "{bad}");
            assert!(v.is_err(), "{bad} should be invalid");
        }
        let (_, v) = scan_number("2x");
        assert_eq!(v.unwrap_err().help.unwrap(), "to multiply, write '2*x'");
    }

    #[test]
    fn number_ends_before_attribute_and_dots() {
        assert_eq!(
            kinds("1.5.real 1..imag x.5"),
            vec![
                (TokenKind::Number, "1.5"),
                (Punct, "."),
                (Name, "real"),
                (TokenKind::Number, "1."),
                (Punct, "."),
                (Name, "imag"),
                (Name, "x"),
                (TokenKind::Number, ".5"),
            ]
        );
    }

    #[test]
    fn bad_characters_are_tokens_with_errors() {
        let src = "a $ é \"s\"";
        let (tokens, errors) = lex(src);
        let bad: Vec<_> = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Error)
            .map(|t| &src[t.span.start..t.span.end])
            .collect();
        assert_eq!(bad, ["$", "é", "\"", "\""]);
        assert_eq!(errors.len(), 4);
        assert_eq!(errors[0].message, "unexpected character '$'");
        assert_eq!(errors[1].message, "unexpected character 'é' (U+00E9)");
        assert_eq!(errors[1].span, Some(Span::new(4, 6)));
        assert_eq!(errors[2].message, "strings are not supported");
        assert_eq!(tokens.last().unwrap().kind, TokenKind::Error);
    }

    #[test]
    fn keywords_are_recognized() {
        assert_eq!(
            kinds("and or not None nonex"),
            vec![
                (Keyword, "and"),
                (Keyword, "or"),
                (Keyword, "not"),
                (Keyword, "None"),
                (Name, "nonex")
            ]
        );
    }
}
