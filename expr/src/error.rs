//! Typed errors with source spans, and their rendering as diagnostics.

use std::fmt;

/// A byte range `start..end` in the program text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    /// Length in bytes.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }
    /// Whether the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// What went wrong, for callers that want to branch on it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ErrorKind {
    /// The text is not a valid program (bad token, unbalanced bracket, …).
    Syntax,
    /// A name that is neither an input, a bound variable nor a constant.
    UnknownName,
    /// A call of a function vex does not have.
    UnknownFunction,
    /// Wrong number or kind of arguments to a function.
    Arguments,
    /// An operation not defined on the operand types.
    Type,
    /// Shapes that do not broadcast, or an index out of range.
    Shape,
    /// A reduction axis out of range or repeated.
    Axis,
    /// Integers to negative integer powers.
    NegativePower,
    /// A result or intermediate too large to allocate.
    TooLarge,
    /// A reduction with no identity over an empty array (`min`, `max`).
    EmptyReduction,
    /// A Python integer literal that does not fit the array's integer type.
    Overflow,
    /// An input that was provided but cannot be used (unsupported layout, …).
    Input,
    /// The chosen backend cannot run this program (e.g. the JIT and complex numbers);
    /// `Backend::Auto` never reports this, it falls back to the interpreter.
    Unsupported,
    /// The evaluation was cancelled through its [`Control`](crate::control::Control).
    Cancelled,
}

/// An error from parsing, checking or evaluating a vex program.
///
/// `span` points into the program text; `position` (line and column, both from 1) is
/// filled in once the text is known, see [`Error::locate`]. Display gives the compact one-
/// line form `1:7: unknown function 'sinn' — did you mean 'sin'?`; [`Error::render`] the
/// multi-line form with the source line and a caret.
///
/// ```
/// use vex_expr::{Error, ErrorKind, Span};
///
/// let source = "1 + 2*sinn(x)";
/// let err = Error::at(ErrorKind::UnknownFunction, Span::new(6, 10), "unknown function 'sinn'")
///     .with_help("did you mean 'sin'?");
/// assert_eq!(err.kind, ErrorKind::UnknownFunction); // branch on this, not the message
/// assert_eq!(err.span, Some(Span::new(6, 10)));
/// assert_eq!(err.to_string(), "unknown function 'sinn' — did you mean 'sin'?");
///
/// // Once located in the text, Display leads with line:column.
/// let err = err.locate(source);
/// assert_eq!(err.position, Some((1, 7)));
/// assert_eq!(err.to_string(), "1:7: unknown function 'sinn' — did you mean 'sin'?");
///
/// assert_eq!(
///     err.render(source, false),
///     "error: unknown function 'sinn'
///  --> 1:7
///   |
/// 1 | 1 + 2*sinn(x)
///   |       ^^^^ did you mean 'sin'?
/// "
/// );
/// ```
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The one-line description.
    pub message: String,
    /// The program text the error is about, when there is one.
    pub span: Option<Span>,
    /// A hint shown after the message (`did you mean 'sin'?`).
    pub help: Option<String>,
    /// Line and column of the span's start, once located.
    pub position: Option<(usize, usize)>,
}

impl Error {
    /// An error without a span.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            span: None,
            help: None,
            position: None,
        }
    }

    /// An error about the text at `span`.
    pub fn at(kind: ErrorKind, span: Span, message: impl Into<String>) -> Error {
        Error::new(kind, message).with_span(span)
    }

    /// Sets the span.
    pub fn with_span(mut self, span: Span) -> Error {
        self.span = Some(span);
        self
    }

    /// Adds a hint shown after the message.
    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    /// Computes the line and column of the span in `source`.
    pub fn locate(mut self, source: &str) -> Error {
        if let Some(span) = self.span {
            self.position = Some(line_col(source, span.start));
        }
        self
    }

    /// Multi-line rendering: message, the source line, a caret under the span, the help.
    ///
    /// With `color`, ANSI escapes highlight the heading and caret.
    pub fn render(&self, source: &str, color: bool) -> String {
        let (red, bold, cyan, reset) = if color {
            ("\x1b[1;31m", "\x1b[1m", "\x1b[1;36m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let mut out = format!("{red}error{reset}{bold}: {}{reset}\n", self.message);
        let Some(span) = self.span else {
            if let Some(help) = &self.help {
                out.push_str(&format!("  = help: {help}\n"));
            }
            return out;
        };
        let start = span.start.min(source.len());
        let (line_no, col) = line_col(source, start);
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = &source[line_start..line_end];
        let gutter = line_no.to_string().len();
        let pad = " ".repeat(gutter);
        out.push_str(&format!("{pad}{cyan}-->{reset} {line_no}:{col}\n"));
        out.push_str(&format!("{pad} {cyan}|{reset}\n"));
        out.push_str(&format!("{cyan}{line_no} |{reset} {line}\n"));
        let caret_start = source[line_start..start].chars().count();
        let end = span.end.clamp(start, line_end);
        let width = source[start..end].chars().count().max(1);
        out.push_str(&format!(
            "{pad} {cyan}|{reset} {}{red}{}{reset}",
            " ".repeat(caret_start),
            "^".repeat(width)
        ));
        if let Some(help) = &self.help {
            out.push_str(&format!(" {red}{help}{reset}"));
        }
        out.push('\n');
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, col)) = self.position {
            write!(f, "{line}:{col}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " — {help}")?;
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_col(source: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(source.len());
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// The candidate closest to `name` by edit distance, if close enough to be a likely typo.
///
/// "Close enough" is at most one edit per three characters (at least one), where swapping
/// two neighbouring characters counts as one edit; ties go to the shorter candidate.
///
/// ```
/// use vex_expr::error::did_you_mean;
///
/// let functions = ["sin", "sinh", "cos", "arcsin"];
/// assert_eq!(did_you_mean("sinn", functions), Some("sin"));
/// assert_eq!(did_you_mean("cso", functions), Some("cos")); // a swap is one edit
/// assert_eq!(did_you_mean("tan", functions), None); // two edits from "sin": too far
/// ```
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// Optimal string alignment distance: edits, counting a swap of neighbours as one
/// (`cso` → `cos`), the commonest typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The result of every fallible vex-expr call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let fns = ["sin", "sinh", "cos", "arcsin"];
        assert_eq!(did_you_mean("sinn", fns), Some("sin"));
        assert_eq!(did_you_mean("cso", fns), Some("cos"));
        assert_eq!(did_you_mean("zzzzzz", fns), None);
    }

    #[test]
    fn compact_form_has_position_and_help() {
        let e = Error::at(
            ErrorKind::UnknownFunction,
            Span::new(6, 10),
            "unknown function 'sinn'",
        )
        .with_help("did you mean 'sin'?")
        .locate("1 + 2*sinn(x)");
        assert_eq!(
            e.to_string(),
            "1:7: unknown function 'sinn' — did you mean 'sin'?"
        );
    }
}
