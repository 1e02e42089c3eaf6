//! Errors found while typing: the input is parsed and type-checked against the session's
//! variables (their dtypes and dimensions), never evaluated, so that a misspelt function
//! or a dtype mismatch shows before Enter. Plot statements are taken apart by the
//! session's own parser, so their options and arguments are checked the same way.

use std::ops::Range;

use vex_expr::check::OperandSig;

use super::editor::is_word_char;
use crate::session::plotparse::{open_at_end, statements};
use crate::session::plotrun::{check_dims, hidden, rewrite, Rewritten};
use crate::session::{is_command, CellError, Command};

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

    fn from_cell(e: CellError) -> Diagnostic {
        Diagnostic {
            message: e
                .help
                .map_or(e.message.clone(), |h| format!("{} ({h})", e.message)),
            span: e.span.map(|(s, e)| s..e),
        }
    }
}

/// Statements the session recognises before vex sees them: plots, whose options may be
/// strings, which vex has no syntax for. Cells with them are checked through the session's
/// own plot-statement parser.
pub use crate::session::plotparse::NAMES as PLOT_STATEMENTS;

/// The first error in `text`, if any. Input that only lacks its ending (an open bracket, a
/// trailing operator) is not an error yet, and neither is a name still being typed at the
/// end of the input (`cursor` there, the span ending with it).
pub fn diagnose(text: &str, cursor: usize, vars: &[(String, OperandSig)]) -> Option<Diagnostic> {
    let found = if is_command(text) {
        command(text, cursor == text.len(), vars)
    } else {
        cell(text, vars)
    }?;
    let typing = cursor == text.len()
        && found.span.as_ref().is_some_and(|s| {
            s.end == text.len() && (s.is_empty() || text[s.clone()].chars().all(is_word_char))
        });
    (!typing).then_some(found)
}

/// Checks a `:command`. One that another word at the cursor would complete (`:load FILE
/// as` with its name to come) is not an error yet.
fn command(text: &str, at_end: bool, vars: &[(String, OperandSig)]) -> Option<Diagnostic> {
    match Command::parse(text) {
        Ok((Command::Time(expr) | Command::Explain(expr), offset)) => code(&expr, offset, vars),
        Ok(_) => None,
        Err(_) if at_end && Command::parse(&format!("{text} x")).is_ok() => None,
        Err(e) => Some(Diagnostic {
            message: e
                .help
                .map_or(e.message.clone(), |h| format!("{} ({h})", e.message)),
            span: Some(e.span.0..e.span.1),
        }),
    }
}

/// Checks a cell as the session runs it: its plot statements are taken apart by the
/// session's parser (their options checked there), and the rest of the cell with the
/// plots' expressions is parsed and checked as vex code.
fn cell(text: &str, vars: &[(String, OperandSig)]) -> Option<Diagnostic> {
    if vex::is_blank(text) {
        return None;
    }
    match rewrite(text, |_| false) {
        Ok(None) => code(text, 0, vars),
        Ok(Some(rewritten)) => plot_cell(&rewritten, vars),
        Err(e) => {
            // A plot statement still open at the end (`plot(x, si`) is being typed: only
            // the statements before it are checked.
            let last = statements(text).last().map_or(0, |s| s.0);
            if open_at_end(text) && e.span.is_none_or(|s| s.0 >= last) {
                cell(&text[..last.saturating_sub(1)], vars)
            } else {
                Some(Diagnostic::from_cell(e))
            }
        }
    }
}

/// Checks a cell whose plot statements are rewritten as assignments of their expressions,
/// and the dimensions of those expressions; errors are placed back in the cell.
fn plot_cell(rewritten: &Rewritten, vars: &[(String, OperandSig)]) -> Option<Diagnostic> {
    let source = rewritten.source.as_str();
    let place = |e: vex::Error| Some(Diagnostic::from_cell(rewritten.error(&e)));
    let ast = match vex_expr::parse(source) {
        Ok(ast) => ast,
        Err(_) if vex_expr::parser::is_incomplete(source) => return None,
        Err(e) => return place(e),
    };
    let checked = match vex_expr::check(&ast, vars) {
        Ok(checked) => checked,
        Err(e) => return place(e),
    };
    // The plots' expressions by their types' dimensions, as the session checks values.
    let ndim = |name: &str| {
        let found = checked.bindings.iter().find(|(n, _)| n == name);
        found.map(|(_, t)| t.ndim)
    };
    rewritten.calls.iter().enumerate().find_map(|(k, call)| {
        let dims: Option<Vec<usize>> = (0..call.expression_count())
            .map(|j| ndim(&hidden(k, j)))
            .collect();
        let dims = dims?;
        let describe = |j: usize| match dims[j] {
            0 => "is a number".to_string(),
            d => format!("is {d}-D"),
        };
        check_dims(call, |j| dims[j], describe)
            .err()
            .map(Diagnostic::from_cell)
    })
}

/// Parses and checks code (without plot statements) that starts `offset` bytes into the
/// input.
fn code(text: &str, offset: usize, vars: &[(String, OperandSig)]) -> Option<Diagnostic> {
    if vex::is_blank(text) {
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

    /// The message and the text under the span of the error at the end of `text`.
    fn error_at(text: &str) -> (String, &str) {
        let d = at_end(text).unwrap_or_else(|| panic!("no error in {text:?}"));
        let span = d.span.clone().unwrap_or_else(|| panic!("no span: {d:?}"));
        (d.message, &text[span])
    }

    #[test]
    fn correct_plot_statements_pass() {
        assert_eq!(at_end("plot(x, title=\"a (b\")"), None);
        assert_eq!(at_end("y = x * 2; hist(y, bins=20)"), None);
        assert_eq!(
            at_end("y = x[:, None] * x\nimshow(y, cmap=\"magma\", vmin=0)"),
            None
        );
        assert_eq!(
            at_end("plot(x, sin(x), x, cos(x), labels=(\"s\", \"c\"))"),
            None
        );
        // A name that is not at the start of a statement is an ordinary call.
        let (m, at) = error_at("y = plot(x) + 1");
        assert!(m.contains("plot"), "{m}");
        assert_eq!(at, "plot");
        assert!(at_end("(plot(x))").is_some());
    }

    #[test]
    fn plot_arguments_are_checked_as_vex_expressions() {
        let (m, at) = error_at("plot(x, sinn(x))");
        assert!(m.contains("unknown function 'sinn'"), "{m}");
        assert!(m.contains("did you mean 'sin'"), "{m}");
        assert_eq!(at, "sinn");
        let (m, at) = error_at("hist(x, bins=fifty)");
        assert!(m.contains("unknown name 'fifty'"), "{m}");
        assert_eq!(at, "fifty");
        let (m, at) = error_at("scatter(x, b << 2.5, title=\"t\")");
        // The session's variables' dtypes: `b` is a bool array.
        assert!(m.starts_with("'<<' is not defined for a bool array"), "{m}");
        assert_eq!(at, "<<");
        let (m, at) = error_at("plot(x, x +* 2)");
        assert!(m.contains("'*'"), "{m}");
        assert_eq!(at, "*");
        // A name the cell assigns before its plot is known to the plot.
        assert_eq!(at_end("z = x * 2; plot(x, z)"), None);
        let (_, at) = error_at("plot(x, z); z = x * 2");
        assert_eq!(at, "z");
    }

    #[test]
    fn plot_options_are_checked_with_their_spans() {
        let (m, at) = error_at("plot(x, x, titel=\"t\")");
        assert_eq!(m, "plot() has no option 'titel' (did you mean 'title'?)");
        assert_eq!(at, "titel");
        let (m, at) = error_at("plot(x, title=3)");
        assert_eq!(m, "title= takes a quoted string, as in title=\"…\"");
        assert_eq!(at, "3");
        let (m, at) = error_at("hist(x, bins=\"many\")");
        assert_eq!(m, "bins= takes a whole number, not a string");
        assert_eq!(at, "\"many\"");
        let (m, at) = error_at("imshow(x, cmap=\"jet\", vmax=1)");
        assert!(
            m.starts_with("no colour map named 'jet' (colour maps: viridis"),
            "{m}"
        );
        assert_eq!(at, "\"jet\"");
        let (m, at) = error_at("plot(x, label=(\"a\", \"b\"))");
        assert!(m.starts_with("label= names one series"), "{m}");
        assert_eq!(at, "(\"a\", \"b\")");
        let (m, at) = error_at("imshow(x, vmin=\"0\")");
        assert_eq!(m, "vmin= takes a number, not a string");
        assert_eq!(at, "\"0\"");
    }

    #[test]
    fn plot_arguments_have_the_dimensions_the_plot_takes() {
        let (m, at) = error_at("m = x[:, None] * x; plot(x, m)");
        assert_eq!(m, "plot() needs 1-D arrays; y is 2-D");
        assert_eq!(at, "m");
        let (m, at) = error_at("scatter(sum(x), x)");
        assert_eq!(m, "scatter() needs 1-D arrays; x is a number");
        assert_eq!(at, "sum(x)");
        let (m, at) = error_at("imshow(x, cmap=\"gray\")");
        assert_eq!(m, "imshow() needs a 2-D array; this is 1-D");
        assert_eq!(at, "x");
        let (m, at) = error_at("hist(x, bins=x * 2)");
        assert_eq!(m, "bins= takes a number, not an array");
        assert_eq!(at, "x * 2");
        assert_eq!(at_end("hist(x[:, None] * x, bins=sum(b))"), None);
        assert_eq!(at_end("imshow(x[:, None] * x, vmin=-1, vmax=max(x))"), None);
        // How many arrays each plot takes.
        let (m, at) = error_at("plot(x, x, x)");
        assert_eq!(
            m,
            "this y has no x: plot() takes y, or pairs x, y (plot(x, y1, x, y2) draws two series)"
        );
        assert_eq!(&at_end("plot(x, x, x)").unwrap().span, &Some(11..12));
        assert_eq!(at, "x");
        let (m, _) = error_at("imshow(x, x)");
        assert_eq!(m, "imshow() takes one 2-D array");
    }

    #[test]
    fn cells_mixing_plots_and_code_check_both() {
        assert_eq!(at_end("x = linspace(0, 1, 100); plot(x, x**2)"), None);
        let (m, at) = error_at("w = linspce(0, 1, 100); plot(w, w**2)");
        assert!(m.contains("linspce"), "{m}");
        assert_eq!(at, "linspce");
        let (_, at) = error_at("w = x * 2\nplot(w, w**2)\nv = nope + w");
        assert_eq!(at, "nope");
        let (m, at) = error_at("w = x\nhist(w, bins=4, bins=5)");
        assert_eq!(m, "'bins' is given twice");
        assert_eq!(at, "bins");
        // The error is placed in the cell, after the plot that the session rewrites.
        let text = "plot(x, title=\"long title\"); y = nope + x";
        assert_eq!(at_end(text).unwrap().span, Some(33..37));
        assert_eq!(&text[33..37], "nope");
    }

    #[test]
    fn unfinished_plot_statements_are_not_errors_yet() {
        for text in [
            "plot(",
            "plot(x, si",
            "plot(x, sin(x) +",
            "plot(x, title=\"unfinished",
            "plot(x, title=",
            "hist(x, bins=5,",
            "plot(x, x)\nhist(x, bins=",
            "plot(x, nop",
        ] {
            assert_eq!(at_end(text), None, "{text}");
        }
        // What comes before the unfinished plot is checked.
        let (_, at) = error_at("y = nope * 2; plot(y, ");
        assert_eq!(at, "nope");
        let (m, _) = error_at("plot(x, titel=\"a\")\nplot(x,");
        assert!(m.contains("titel"), "{m}");
        // A plot closed with nothing to plot, or a string that the line does not close.
        let (m, at) = error_at("plot()");
        assert_eq!(m, "expected an argument of plot()");
        assert_eq!(at, "");
        let (m, at) = error_at("plot(x, title=\"a\nb\")");
        assert_eq!(m, "this string is not closed");
        assert_eq!(at, "\"");
        // A name being typed at the cursor inside a closed plot is not an error yet
        // either way: only the end of the input counts.
        assert!(diagnose("plot(x, nope)", 12, &vars()).is_some());
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
        // Arguments still to come.
        assert_eq!(at_end(":load a.npy as"), None);
        assert_eq!(at_end(":load a.npy as "), None);
        assert_eq!(at_end(":save x "), None);
        assert_eq!(at_end(":saveplot 2 "), None);
        // Too many, or with the cursor elsewhere.
        let d = at_end(":load a.npy as b c").unwrap();
        assert_eq!(d.message, "usage: :load FILE [as NAME]");
        assert_eq!(d.span, Some(6..18));
        assert!(diagnose(":load a.npy as ", 3, &vars()).is_some());
    }
}
