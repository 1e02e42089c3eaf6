//! Errors found while typing: the input is parsed and type-checked against the session's
//! variables (their dtypes and dimensions), never evaluated, so that a misspelt function
//! or a dtype mismatch shows before Enter.

use std::ops::Range;

use vex_expr::check::OperandSig;

use vex_expr::lexer::{tokenize, TokenKind};

use super::editor::is_word_char;
use crate::session::{is_command, Command};

/// An error in the input and the byte range it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl Diagnostic {
    fn from_vex(e: vex_expr::Error, offset: usize) -> Diagnostic {
        let mut message = e.message;
        if let Some(help) = e.help {
            message = format!("{message} ({help})");
        }
        Diagnostic {
            message,
            span: e.span.map(|s| s.start + offset..s.end + offset),
        }
    }
}

/// Statements the session recognises before vex sees them (plots, whose options may be
/// strings, which vex has no syntax for); a cell with one is not checked here.
pub const PLOT_STATEMENTS: [&str; 4] = ["plot", "scatter", "hist", "imshow"];

/// Whether a statement of `text` is a plot: a plot name followed by `(` at the start of
/// a statement (outside brackets).
fn has_plot_statement(text: &str) -> bool {
    let (tokens, _) = tokenize(text);
    let mut depth = 0usize;
    let mut at_start = true;
    for (i, t) in tokens.iter().enumerate() {
        let word = &text[t.span.start..t.span.end];
        let next = tokens.get(i + 1).map(|n| &text[n.span.start..n.span.end]);
        match t.kind {
            TokenKind::Name
                if at_start
                    && depth == 0
                    && next == Some("(")
                    && PLOT_STATEMENTS.contains(&word) =>
            {
                return true;
            }
            TokenKind::Punct if matches!(word, "(" | "[") => depth += 1,
            TokenKind::Punct if matches!(word, ")" | "]") => depth = depth.saturating_sub(1),
            _ => {}
        }
        at_start = match t.kind {
            TokenKind::Newline => depth == 0,
            TokenKind::Punct if word == ";" => depth == 0,
            TokenKind::Comment | TokenKind::Continuation => at_start,
            _ => false,
        };
    }
    false
}

/// The first error in `text`, if any. Input that only lacks its ending (an open bracket, a
/// trailing operator) is not an error yet, and neither is a name still being typed at the
/// end of the input (`cursor` there, the span ending with it).
pub fn diagnose(text: &str, cursor: usize, vars: &[(String, OperandSig)]) -> Option<Diagnostic> {
    let found = if is_command(text) {
        command(text, vars)
    } else {
        code(text, 0, vars)
    }?;
    let typing = cursor == text.len()
        && found.span.as_ref().is_some_and(|s| {
            s.end == text.len() && (s.is_empty() || text[s.clone()].chars().all(is_word_char))
        });
    (!typing).then_some(found)
}

fn command(text: &str, vars: &[(String, OperandSig)]) -> Option<Diagnostic> {
    match Command::parse(text) {
        Ok((Command::Time(expr) | Command::Explain(expr), offset)) => code(&expr, offset, vars),
        Ok(_) => None,
        Err(e) => Some(Diagnostic {
            message: e
                .help
                .map_or(e.message.clone(), |h| format!("{} ({h})", e.message)),
            span: Some(e.span.0..e.span.1),
        }),
    }
}

/// Parses and checks code that starts `offset` bytes into the input.
fn code(text: &str, offset: usize, vars: &[(String, OperandSig)]) -> Option<Diagnostic> {
    if vex::is_blank(text) || has_plot_statement(text) {
        return None;
    }
    let ast = match vex_expr::parse(text) {
        Ok(ast) => ast,
        Err(_) if vex_expr::parser::is_incomplete(text) => return None,
        Err(e) => return Some(Diagnostic::from_vex(e, offset)),
    };
    vex_expr::check(&ast, vars)
        .err()
        .map(|e| Diagnostic::from_vex(e, offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vex_expr::DType;

    fn vars() -> Vec<(String, OperandSig)> {
        let sig = |dtype, ndim| OperandSig {
            dtype,
            ndim,
            weak: false,
        };
        vec![
            ("b".into(), sig(DType::Bool, 1)),
            ("x".into(), sig(DType::F64, 1)),
        ]
    }

    fn at_end(text: &str) -> Option<Diagnostic> {
        diagnose(text, text.len(), &vars())
    }

    #[test]
    fn unknown_functions_and_names_are_found_without_evaluating() {
        let d = at_end("sinn(x)").unwrap();
        assert_eq!(d.span, Some(0..4));
        assert!(d.message.contains("sinn"), "{}", d.message);
        assert!(d.message.contains("sin"), "did you mean: {}", d.message);
        let d = at_end("y = x + nope + 1").unwrap();
        assert_eq!(d.span, Some(8..12));
        assert_eq!(at_end("y = x * 2; sum(y)"), None);
    }

    #[test]
    fn type_errors_use_the_variables_dtypes() {
        let d = at_end("b << 2.5").unwrap();
        assert!(d.span.is_some(), "{d:?}");
        assert_eq!(at_end("x << 1").map(|d| d.span.is_some()), Some(true));
    }

    #[test]
    fn unfinished_input_and_a_name_being_typed_are_not_errors_yet() {
        assert_eq!(at_end("sin(x +"), None);
        assert_eq!(at_end("y = (1,"), None);
        assert_eq!(at_end("y = lins"), None);
        // The same name with the cursor elsewhere, or something after it, is an error.
        assert!(diagnose("y = lins", 2, &vars()).is_some());
        assert!(at_end("y = lins + 1").is_some());
        assert!(at_end("y = )").is_some());
        assert_eq!(at_end("   # just a comment"), None);
    }

    #[test]
    fn cells_with_plots_are_left_to_the_session() {
        assert_eq!(at_end("plot(x, title=\"a (b\")"), None);
        assert_eq!(at_end("y = x * 2; hist(y, bins=20)"), None);
        assert_eq!(at_end("y = x\nimshow(y)"), None);
        // A name that is not at the start of a statement is an ordinary call.
        assert!(at_end("y = plot(x) + 1").is_some());
        assert!(at_end("(plot(x))").is_some());
    }

    #[test]
    fn the_plot_statements_are_the_sessions() {
        let mut session = crate::session::Session::new();
        for (name, args) in PLOT_STATEMENTS.iter().zip([
            "arange(3)",
            "arange(3), arange(3)",
            "arange(3)",
            "arange(4)[:, None] * arange(3)",
        ]) {
            let notices = session.submit(&format!("{name}({args})"));
            let [crate::session::Notice::Cell(cell)] = notices.as_slice() else {
                panic!("{notices:?}")
            };
            assert!(cell.error.is_none(), "{name}: {:?}", cell.error);
            assert!(
                matches!(cell.outputs[..], [crate::session::Output::Plot(_)]),
                "{name}"
            );
        }
    }

    #[test]
    fn commands_are_parsed_and_their_expressions_checked() {
        assert_eq!(at_end(":vars"), None);
        let d = at_end(":lod x.npy").unwrap();
        assert_eq!(d.span, Some(1..4));
        assert_eq!(at_end(":time sin(x)"), None);
        let d = at_end(":time sinn(x)").unwrap();
        assert_eq!(d.span, Some(6..10));
        // `:del` with its names still to come.
        assert_eq!(at_end(":del"), None);
    }
}
