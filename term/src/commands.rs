//! The batch commands, `vex eval` and `vex explain`, independent of argument parsing.

use std::path::PathBuf;

use vex::{Context, DType, ErrorKind, Signature};

use crate::bindings::{is_identifier, BindError, Binding, Inputs, Value};
use crate::npy;
use crate::print;

/// Why a command failed, which decides the exit status and how the message is shown.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage (exit status 2).
    Usage(String),
    /// An input that cannot be read or written (exit status 1).
    Input(String),
    /// The program is wrong or cannot run on these inputs (exit status 1); rendered with
    /// the program text.
    Program(vex::Error),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Input(_) | Failure::Program(_) => 1,
        }
    }

    /// The diagnostic for stderr, ending in a newline.
    pub fn render(&self, program: &str, color: bool) -> String {
        match self {
            Failure::Usage(m) | Failure::Input(m) => {
                vex::Error::new(ErrorKind::Input, m.clone()).render("", color)
            }
            Failure::Program(e) => e.render(program, color),
        }
    }
}

impl From<BindError> for Failure {
    fn from(e: BindError) -> Failure {
        match e {
            BindError::Usage(m) => Failure::Usage(m),
            BindError::Input(m) => Failure::Input(m),
        }
    }
}

/// `vex eval`: evaluates `program` and writes its outputs to `outputs` (one file per
/// output) or, with no outputs given, returns them printed NumPy-style.
///
/// Every output is computed before anything is written, and the files are written all or
/// nothing, so a failure leaves no file behind.
pub fn eval(program: &str, bindings: &[Binding], outputs: &[PathBuf]) -> Result<String, Failure> {
    for (i, path) in outputs.iter().enumerate() {
        if outputs[..i].contains(path) {
            return Err(Failure::Usage(format!(
                "-o {} is given twice",
                path.display()
            )));
        }
    }
    let inputs = Inputs::load(bindings, false)?;
    let vars = inputs.vars().map_err(Failure::Input)?;
    let results = Context::new()
        .evaluate_many(program, &vars)
        .map_err(Failure::Program)?;
    if outputs.is_empty() {
        let shown: Vec<String> = results.iter().map(print::display).collect();
        return Ok(format!("{}\n", shown.join("\n\n")));
    }
    if outputs.len() != results.len() {
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        return Err(Failure::Usage(format!(
            "the program has {} but {} given; give one -o per output",
            plural(results.len(), "output"),
            plural(outputs.len(), "-o file"),
        )));
    }
    let pairs: Vec<(PathBuf, &vex::Array)> = outputs.iter().cloned().zip(&results).collect();
    npy::write_all(&pairs).map_err(Failure::Input)?;
    Ok(String::new())
}

/// The shape assumed for names that `vex explain` is not given, when no array is given.
const DEFAULT_SHAPE: [usize; 1] = [1000];

/// The explanation and the names that were given default types, with their shapes.
#[derive(Debug)]
pub struct Explained {
    pub ir: String,
    pub defaulted: Vec<(String, Vec<usize>)>,
}

/// `vex explain`: the typed, optimised kernel IR of `program` for these bindings.
///
/// Names the program uses but that are not bound default to float64, of the shape of the
/// given array with the most dimensions (so that they broadcast with it), or of shape
/// `[1000]` when no array is given.
pub fn explain(program: &str, bindings: &[Binding]) -> Result<Explained, Failure> {
    let mut inputs = Inputs::load(bindings, true)?;
    let default_shape = inputs
        .largest_shape()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_SHAPE.to_vec());
    let ctx = Context::new();
    let mut defaulted = Vec::new();
    // Each round binds at most one more name; a program cannot use more names than it has
    // bytes, so this bound is never what stops a valid program.
    for _ in 0..=program.len() {
        let attempt = {
            let vars = inputs.vars().map_err(Failure::Input)?;
            ctx.compile(program, &Signature::of(&vars))
                .and_then(|p| p.explain(&vars))
        };
        match attempt {
            Ok(ir) => return Ok(Explained { ir, defaulted }),
            Err(e) => match unknown_name(program, &e) {
                Some(name) if !inputs.contains(name) => {
                    inputs.push(name, Value::spec(DType::F64, default_shape.clone()));
                    defaulted.push((name.to_string(), default_shape.clone()));
                }
                _ => return Err(Failure::Program(e)),
            },
        }
    }
    Err(Failure::Usage("the program uses too many names".into()))
}

/// The name an "unknown name" error points at, if it points at a name.
fn unknown_name<'p>(program: &'p str, e: &vex::Error) -> Option<&'p str> {
    if e.kind != ErrorKind::UnknownName {
        return None;
    }
    let span = e.span?;
    let name = program.get(span.start..span.end)?;
    is_identifier(name).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vex::Span;

    #[test]
    fn unknown_names_are_read_from_the_span() {
        let program = "a + bee * 2";
        let e = vex::Error::at(
            ErrorKind::UnknownName,
            Span::new(4, 7),
            "unknown name 'bee'",
        );
        assert_eq!(unknown_name(program, &e), Some("bee"));
        let wrong_kind = vex::Error::at(ErrorKind::Type, Span::new(4, 7), "…");
        assert_eq!(unknown_name(program, &wrong_kind), None);
        let not_a_name = vex::Error::at(ErrorKind::UnknownName, Span::new(2, 7), "…");
        assert_eq!(unknown_name(program, &not_a_name), None);
        let out_of_range = vex::Error::at(ErrorKind::UnknownName, Span::new(4, 70), "…");
        assert_eq!(unknown_name(program, &out_of_range), None);
        assert_eq!(
            unknown_name(program, &vex::Error::new(ErrorKind::UnknownName, "…")),
            None
        );
    }

    #[test]
    fn failures_have_exit_codes_and_plain_messages() {
        assert_eq!(Failure::Usage("u".into()).exit_code(), 2);
        assert_eq!(Failure::Input("i".into()).exit_code(), 1);
        let f = Failure::Input("cannot read 'x.npy': gone".into());
        assert_eq!(
            f.render("a + 1", false),
            "error: cannot read 'x.npy': gone\n"
        );
    }

    #[test]
    fn eval_rejects_repeated_outputs_before_reading_anything() {
        let out = [PathBuf::from("a.npy"), PathBuf::from("a.npy")];
        let bindings = [Binding {
            name: "x".into(),
            value: "/no/such.npy".into(),
        }];
        let e = eval("x", &bindings, &out).unwrap_err();
        assert!(matches!(e, Failure::Usage(m) if m.contains("twice")));
    }
}
