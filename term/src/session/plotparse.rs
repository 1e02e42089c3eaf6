//! Recognising plot statements in a cell: `plot(x, y, title="damped")` and its kin.
//!
//! The vex language has no strings, so a statement whose top level is a call to `plot`,
//! `scatter`, `hist` or `imshow` is taken out of the cell before vex sees it. Its arguments
//! are split at top-level commas (respecting brackets and quoted strings); keyword options
//! (`title="…"`, `bins=50`) are told apart from positional expressions, which vex then
//! evaluates. Every piece keeps its byte range in the cell, so that errors point at it.

use super::CellError;
use crate::plot::spec::Colormap;

/// The plotting statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotKind {
    Plot,
    Scatter,
    Hist,
    Imshow,
}

/// The names of the plotting statements, as typed.
pub const NAMES: [&str; 4] = ["plot", "scatter", "hist", "imshow"];

impl PlotKind {
    fn from_name(name: &str) -> Option<PlotKind> {
        Some(match name {
            "plot" => PlotKind::Plot,
            "scatter" => PlotKind::Scatter,
            "hist" => PlotKind::Hist,
            "imshow" => PlotKind::Imshow,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PlotKind::Plot => "plot",
            PlotKind::Scatter => "scatter",
            PlotKind::Hist => "hist",
            PlotKind::Imshow => "imshow",
        }
    }

    /// The keyword options the statement takes.
    pub fn options(self) -> &'static [&'static str] {
        match self {
            PlotKind::Plot | PlotKind::Scatter => &["title", "xlabel", "ylabel", "label", "labels"],
            PlotKind::Hist => &["title", "xlabel", "ylabel", "label", "labels", "bins"],
            PlotKind::Imshow => &["title", "xlabel", "ylabel", "cmap", "vmin", "vmax"],
        }
    }
}

/// A byte range of the cell.
pub type Span = (usize, usize);

/// One plot statement of a cell.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotCall {
    pub kind: PlotKind,
    /// The whole statement, from the name to the closing parenthesis.
    pub span: Span,
    /// Positional arguments: vex expressions, by their range in the cell.
    pub positional: Vec<Span>,
    /// Keyword options in the order written.
    pub options: Vec<Opt>,
}

impl PlotCall {
    /// How many vex expressions the statement has: its positional arguments, then the
    /// options whose value is an expression (the order of the session's hidden names).
    pub fn expression_count(&self) -> usize {
        let options = self.options.iter().filter(|o| o.value == OptValue::Expr);
        self.positional.len() + options.count()
    }
}

/// A keyword option `key=value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Opt {
    pub key: String,
    pub key_span: Span,
    pub value: OptValue,
    pub value_span: Span,
}

/// The value of a keyword option.
#[derive(Clone, Debug, PartialEq)]
pub enum OptValue {
    /// A quoted string.
    Str(String),
    /// A bracketed list of quoted strings: `("a", "b")` or `["a", "b"]`.
    Strs(Vec<String>),
    /// Anything else: a vex expression (its range is the option's `value_span`).
    Expr,
}

fn error(message: impl Into<String>, span: Span) -> CellError {
    CellError {
        message: message.into(),
        span: Some(span),
        help: None,
    }
}

/// The statements of a cell as byte ranges, split at `;` and line ends outside brackets
/// and strings (a `\` continuation or an open bracket joins lines). Comments are left in.
pub fn statements(src: &str) -> Vec<Span> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut depth, mut i) = (0, 0usize, 0);
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                i = string_end(b, i).unwrap_or(b.len());
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\\' => {
                // A continuation: the line break after it joins lines.
                let mut j = i + 1;
                while j < b.len() && (b[j] == b' ' || b[j] == b'\t' || b[j] == b'\r') {
                    j += 1;
                }
                if j < b.len() && b[j] == b'\n' {
                    i = j + 1;
                    continue;
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b';' | b'\n' if depth == 0 => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, b.len()));
    out
}

/// The index just past the string literal that starts at `start`, or `None` if it is not
/// closed. A backslash escapes the next character.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let quote = b[start];
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == quote => return Some(i + 1),
            b'\n' => return None,
            _ => i += 1,
        }
    }
    None
}

/// The value of the string literal `text` (with its quotes): escapes `\"`, `\'`, `\\`,
/// `\n` and `\t`.
fn unquote(text: &str) -> String {
    let inner = &text[1..text.len() - 1];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// `span` without leading and trailing blanks and comments.
pub fn trim(src: &str, (mut s, mut e): Span) -> Span {
    let b = src.as_bytes();
    loop {
        while s < e && b[s].is_ascii_whitespace() {
            s += 1;
        }
        if s < e && b[s] == b'#' {
            while s < e && b[s] != b'\n' {
                s += 1;
            }
            continue;
        }
        break;
    }
    // A trailing comment: a '#' outside strings.
    let mut i = s;
    while i < e {
        match b[i] {
            b'"' | b'\'' => i = string_end(b, i).unwrap_or(e).min(e),
            b'#' => {
                e = i;
                break;
            }
            _ => i += 1,
        }
    }
    while e > s && b[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    (s, e)
}

/// The plot statement in `stmt` (a range of `src`), if it is one: `Ok(None)` for any
/// other statement, an error for a plot statement that does not parse.
pub fn plot_call(src: &str, stmt: Span) -> Result<Option<PlotCall>, CellError> {
    let (s, e) = trim(src, stmt);
    let text = &src[s..e];
    let name_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let Some(kind) = PlotKind::from_name(&text[..name_len]) else {
        return Ok(None);
    };
    let after = text[name_len..].trim_start();
    if !after.starts_with('(') {
        return Ok(None);
    }
    let open = e - after.len();
    let close = matching_paren(src, open, e)?;
    if trim(src, (close + 1, e)).0 != trim(src, (close + 1, e)).1 {
        return Ok(None); // `plot(x)[0]`: not a statement of ours; vex reports it.
    }
    let mut call = PlotCall {
        kind,
        span: (s, close + 1),
        positional: Vec::new(),
        options: Vec::new(),
    };
    let args = split_args(src, (open + 1, close))?;
    for (i, &arg) in args.iter().enumerate() {
        let arg = trim(src, arg);
        if arg.0 == arg.1 {
            if i + 1 == args.len() && i > 0 {
                continue; // a trailing comma
            }
            return Err(error(
                format!("expected an argument of {}()", kind.name()),
                (arg.0, arg.0),
            ));
        }
        match keyword(src, arg) {
            Some((key_span, value_span)) => {
                let key = &src[key_span.0..key_span.1];
                if !kind.options().contains(&key) {
                    let mut e = error(format!("{}() has no option '{key}'", kind.name()), key_span);
                    e.help = Some(
                        match vex_expr::error::did_you_mean(key, kind.options().iter().copied()) {
                            Some(s) => format!("did you mean '{s}'?"),
                            None => format!("its options: {}", kind.options().join(", ")),
                        },
                    );
                    return Err(e);
                }
                if call.options.iter().any(|o| o.key == key) {
                    return Err(error(format!("'{key}' is given twice"), key_span));
                }
                let opt = Opt {
                    key: key.to_string(),
                    key_span,
                    value: option_value(src, value_span)?,
                    value_span,
                };
                check_value_kind(&opt)?;
                call.options.push(opt);
            }
            None => {
                if !call.options.is_empty() {
                    return Err(error(
                        "a positional argument cannot follow keyword options",
                        arg,
                    ));
                }
                if matches!(src.as_bytes()[arg.0], b'"' | b'\'') {
                    let mut e = error("expected an array expression, found a string", arg);
                    e.help = Some("strings are options: title=\"…\", label=\"…\"".into());
                    return Err(e);
                }
                call.positional.push(arg);
            }
        }
    }
    let n = call.positional.len();
    if n == 0 {
        return Err(error(
            format!("{}() needs an array to plot", kind.name()),
            call.span,
        ));
    }
    if kind == PlotKind::Imshow && n > 1 {
        return Err(error("imshow() takes one 2-D array", call.positional[1]));
    }
    if matches!(kind, PlotKind::Plot | PlotKind::Scatter) && n > 1 && n % 2 == 1 {
        let name = kind.name();
        let mut e = error(
            format!("this y has no x: {name}() takes y, or pairs x, y"),
            call.positional[n - 1],
        );
        e.help = Some(format!("{name}(x, y1, x, y2) draws two series"));
        return Err(e);
    }
    Ok(Some(call))
}

/// Checks that an option's value is of the kind its key takes (a string for a title, a
/// known colour map's name, an expression for a number), before anything is evaluated.
fn check_value_kind(o: &Opt) -> Result<(), CellError> {
    let key = o.key.as_str();
    let message = match (key, &o.value) {
        ("title" | "xlabel" | "ylabel", OptValue::Str(_))
        | ("label", OptValue::Str(_))
        | ("labels", OptValue::Str(_) | OptValue::Strs(_))
        | ("bins" | "vmin" | "vmax", OptValue::Expr) => return Ok(()),
        ("cmap", OptValue::Str(name)) => {
            if Colormap::from_name(name).is_some() {
                return Ok(());
            }
            let mut e = error(format!("no colour map named '{name}'"), o.value_span);
            e.help = Some(format!("colour maps: {}", Colormap::NAMES.join(", ")));
            return Err(e);
        }
        ("title" | "xlabel" | "ylabel", _) => {
            format!("{key}= takes a quoted string, as in {key}=\"…\"")
        }
        ("label", OptValue::Strs(_)) => {
            "label= names one series; labels=(\"a\", \"b\") names several".to_string()
        }
        ("label" | "labels", _) => {
            format!("{key}= takes quoted strings, as in labels=(\"a\", \"b\")")
        }
        ("cmap", _) => "cmap= takes a quoted name, as in cmap=\"magma\"".to_string(),
        ("bins", _) => "bins= takes a whole number, not a string".to_string(),
        _ => format!("{key}= takes a number, not a string"),
    };
    Err(error(message, o.value_span))
}

/// Whether `src` ends inside an open bracket or an unclosed string: a statement still
/// being typed rather than a mistake.
pub fn open_at_end(src: &str) -> bool {
    let b = src.as_bytes();
    let (mut depth, mut i) = (0usize, 0);
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => match string_end(b, i) {
                Some(j) => {
                    i = j;
                    continue;
                }
                None => return !src[i..].contains('\n'),
            },
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    depth > 0
}

/// The index of the `)` that closes the `(` at `open`, before `end`.
fn matching_paren(src: &str, open: usize, end: usize) -> Result<usize, CellError> {
    let b = src.as_bytes();
    let mut stack = Vec::new();
    let mut i = open;
    while i < end {
        match b[i] {
            b'"' | b'\'' => match string_end(b, i) {
                Some(j) if j <= end => {
                    i = j;
                    continue;
                }
                _ => return Err(error("this string is not closed", (i, i + 1))),
            },
            b'(' | b'[' | b'{' => stack.push(i),
            b')' | b']' | b'}' => {
                let Some(o) = stack.pop() else {
                    return Err(error("unmatched closing bracket", (i, i + 1)));
                };
                let want = match b[o] {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if b[i] != want {
                    return Err(error("mismatched bracket", (i, i + 1)));
                }
                if stack.is_empty() {
                    return Ok(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err(error("this parenthesis is not closed", (open, open + 1)))
}

/// The arguments in `inner` (between a call's parentheses), split at top-level commas.
fn split_args(src: &str, (s, e): Span) -> Result<Vec<Span>, CellError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut depth, mut i) = (s, 0usize, s);
    while i < e {
        match b[i] {
            b'"' | b'\'' => {
                i = string_end(b, i).unwrap_or(e);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, e));
    Ok(out)
}

/// The key and value ranges of `key=value`, if `arg` is a keyword argument (or an
/// assignment statement).
pub fn keyword(src: &str, (s, e): Span) -> Option<(Span, Span)> {
    let text = &src[s..e];
    let key_len = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    if key_len == 0 || text.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let rest = text[key_len..].trim_start();
    let value = rest.strip_prefix('=')?;
    if value.starts_with('=') {
        return None; // `a == b`
    }
    let value_start = e - value.len();
    Some(((s, s + key_len), trim(src, (value_start, e))))
}

/// A keyword option's value: a string, a bracketed list of strings, or an expression.
fn option_value(src: &str, (s, e): Span) -> Result<OptValue, CellError> {
    let text = &src[s..e];
    let b = src.as_bytes();
    if s == e {
        return Err(error("expected a value after '='", (s, s)));
    }
    if matches!(b[s], b'"' | b'\'') {
        return match string_end(b, s) {
            Some(j) if j == e => Ok(OptValue::Str(unquote(text))),
            Some(_) => Err(error("expected a single string", (s, e))),
            None => Err(error("this string is not closed", (s, s + 1))),
        };
    }
    let list = (text.starts_with('(') && text.ends_with(')'))
        || (text.starts_with('[') && text.ends_with(']'));
    if list && text.contains(['"', '\'']) {
        let mut items = Vec::new();
        for item in split_args(src, (s + 1, e - 1))? {
            let (is, ie) = trim(src, item);
            if is == ie {
                continue;
            }
            match string_end(b, is) {
                Some(j) if matches!(b[is], b'"' | b'\'') && j == ie => {
                    items.push(unquote(&src[is..ie]))
                }
                _ => return Err(error("expected a quoted string", (is, ie))),
            }
        }
        return Ok(OptValue::Strs(items));
    }
    Ok(OptValue::Expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(src: &str) -> PlotCall {
        let stmts = statements(src);
        plot_call(src, stmts[0]).unwrap().expect("a plot statement")
    }

    fn texts<'a>(src: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|&(s, e)| &src[s..e]).collect()
    }

    #[test]
    fn statements_split_outside_brackets_and_strings() {
        let src = "y = x**2; plot(x, y,\n  title=\"a; b\") # c; d\nz = 1 \\\n + 2";
        let s = statements(src);
        assert_eq!(
            texts(src, &s),
            [
                "y = x**2",
                " plot(x, y,\n  title=\"a; b\") # c; d",
                "z = 1 \\\n + 2"
            ]
        );
    }

    #[test]
    fn arguments_and_options() {
        let src = "plot(x, sin(x) * exp(-x/8), x, f(a, b), title=\"damped, \\\"x\\\"\", \
                   labels=('a', \"b\"))";
        let c = call(src);
        assert_eq!(c.kind, PlotKind::Plot);
        assert_eq!(c.span, (0, src.len()));
        assert_eq!(
            texts(src, &c.positional),
            ["x", "sin(x) * exp(-x/8)", "x", "f(a, b)"]
        );
        assert_eq!(c.options[0].key, "title");
        assert_eq!(c.options[0].value, OptValue::Str("damped, \"x\"".into()));
        assert_eq!(
            c.options[1].value,
            OptValue::Strs(vec!["a".into(), "b".into()])
        );
        let src = "  hist(a, bins = n*2 ) ";
        let c = call(src);
        assert_eq!(c.options[0].value, OptValue::Expr);
        assert_eq!(texts(src, &[c.options[0].value_span]), ["n*2"]);
        assert_eq!(texts(src, &[c.span]), ["hist(a, bins = n*2 )"]);
        // Comparisons are expressions, not options.
        let c = call("scatter(x, x == 1)");
        assert_eq!(c.positional.len(), 2);
    }

    #[test]
    fn other_statements_are_not_plots() {
        for src in ["x = plot", "plot", "plots(x)", "plot(x)[0]", "y = hist(x)"] {
            let stmts = statements(src);
            assert_eq!(plot_call(src, stmts[0]).unwrap(), None, "{src}");
        }
    }

    #[test]
    fn mistakes_point_at_their_place() {
        let at = |src: &str| {
            let e = plot_call(src, statements(src)[0]).unwrap_err();
            (e.message, e.span.unwrap())
        };
        let (m, s) = at("plot(x, tittle=\"t\")");
        assert_eq!((m.as_str(), s), ("plot() has no option 'tittle'", (8, 14)));
        let (m, s) = at("plot(x, title=\"t)");
        assert_eq!((m.as_str(), s), ("this string is not closed", (14, 15)));
        let (m, s) = at("plot(x, y");
        assert_eq!((m.as_str(), s), ("this parenthesis is not closed", (4, 5)));
        let (m, s) = at("hist(bins=3)");
        assert_eq!((m.as_str(), s), ("hist() needs an array to plot", (0, 12)));
        let (m, s) = at("plot(x, title=\"t\", y)");
        assert!(m.contains("positional"), "{m}");
        assert_eq!(s, (19, 20));
        let (m, _) = at("plot(\"x\")");
        assert!(m.contains("found a string"), "{m}");
        let (m, s) = at("plot(x, , y)");
        assert_eq!((m.as_str(), s), ("expected an argument of plot()", (8, 8)));
        let (m, s) = at("imshow(m, title=\"a\", title=\"b\")");
        assert_eq!((m.as_str(), s), ("'title' is given twice", (21, 26)));
        let (_, s) = at("plot(x, labels=(\"a\", b))");
        assert_eq!(s, (21, 22));
    }
}
