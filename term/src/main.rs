//! `vex`: evaluate and explain vex array programs from the command line.
//!
//! `vex eval 'sqrt(a*a + b*b)' a=a.npy b=b.npy -o r.npy` evaluates a program on .npy files
//! and numbers; `vex explain 'a - mean(a)' a=float32[1000]` shows the kernels it compiles
//! to; `vex run notes.md` replays a Markdown notebook (see [`notebook`]). Exit status: 0
//! on success, 1 for a bad program or input (with a diagnostic on stderr, and no file
//! written), 2 for bad usage. With no command, `vex` on a terminal is
//! the interactive REPL (see [`tui`]), and with stdin not a terminal (`vex < script.vex`)
//! runs the script (see [`script`]).

mod bindings;
mod commands;
mod csv;
mod notebook;
mod npy;
mod number;
mod plot;
mod print;
mod script;
mod session;
mod tui;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use bindings::{parse_binding, Binding};
use commands::Failure;

/// Fused, JIT-compiled array expressions with NumPy semantics.
#[derive(Parser, Debug)]
#[command(name = "vex", version, about, after_help = MODES)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

// The doc comments are the CLI help text, where brackets are literal.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate a program on .npy files and numbers.
    #[command(after_help = EVAL_EXAMPLES)]
    Eval {
        /// The program, e.g. 'sqrt(a*a + b*b)' or 'l = hypot(x, y); x/l, y/l'.
        #[arg(allow_hyphen_values = true)]
        program: String,
        /// Inputs as NAME=FILE.npy or NAME=NUMBER (a weak scalar: `a*2.5` keeps a's dtype).
        #[arg(value_name = "NAME=VALUE", value_parser = parse_binding)]
        bindings: Vec<Binding>,
        /// Write an output to this .npy file instead of printing it; once per output.
        #[arg(short, long = "output", value_name = "OUT.npy")]
        outputs: Vec<PathBuf>,
    },
    /// Show the typed, optimised kernels a program compiles to.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain {
        /// The program.
        #[arg(allow_hyphen_values = true)]
        program: String,
        /// Inputs as NAME=DTYPE[SHAPE] (e.g. x=float32[1000,3]), NAME=FILE.npy or
        /// NAME=NUMBER. Names not given are float64 of shape [1000].
        #[arg(value_name = "NAME=VALUE", value_parser = parse_binding)]
        bindings: Vec<Binding>,
    },
    /// Replay a Markdown notebook (as :save FILE.md writes) in a fresh session.
    #[command(after_help = RUN_HELP)]
    Run {
        /// The notebook: a Markdown file whose ```vex code blocks are the cells.
        notebook: PathBuf,
        /// Write the replayed notebook here (its plots as PNG files in OUT_files/)
        /// instead of printing it.
        #[arg(short, long, value_name = "OUT.md")]
        output: Option<PathBuf>,
    },
}

const EVAL_EXAMPLES: &str = "\
Examples:
  vex eval 'sqrt(a*a + b*b)' a=a.npy b=b.npy -o r.npy
  vex eval 'mean(x), max(abs(x))' x=data.npy
  vex eval 'a * k' a=a.npy k=2.5";

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  vex explain 'a - mean(a)' a=float32[1000]
  vex explain 'x / sqrt(sum(x**2, axis=1))[:, None]' x=float64[100,3]";

const RUN_HELP: &str = "\
Runs the ```vex blocks in order, as cells typed at the prompt, and replaces the ```output
block after each with what it prints now (plots as 80-column text, and an image link);
prose and other code blocks are kept as they are. Printed to stdout, image links keep the
notebook's own NAME_files/ names and no PNG is written, so that
`vex run notes.md | diff notes.md -` checks the results still come out the same.

Exit status: 0 when every cell ran; 1 when a cell failed (the notebook is still printed or
written, with the error under that cell, and each failure is listed on stderr as
FILE:LINE) or the notebook cannot be read or written; 2 for bad usage.

Examples:
  vex run notes.md
  vex run notes.md -o notes.md      replay in place, PNGs in notes_files/";

const MODES: &str = "\
Without a command:
  vex                   the interactive REPL, on a terminal (:help inside lists commands)
  vex < SCRIPT.vex      run statements and :commands, one per line";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = stderr_color();
    let (program, result) = match cli.command {
        None if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() => {
            return tui::run();
        }
        // Script mode, also when only the output is redirected (`vex | tee log`).
        None => return run_script(color),
        Some(Command::Eval {
            program,
            bindings,
            outputs,
        }) => {
            let r = commands::eval(&program, &bindings, &outputs);
            (program, r)
        }
        Some(Command::Run { notebook, output }) => {
            let mut out = std::io::stdout().lock();
            let mut err = std::io::stderr().lock();
            return ExitCode::from(notebook::run_file(
                &notebook,
                output.as_deref(),
                &mut out,
                &mut err,
            ));
        }
        Some(Command::Explain { program, bindings }) => {
            let r = commands::explain(&program, &bindings).map(|ex| {
                for (name, shape) in &ex.defaulted {
                    eprintln!("note: '{name}' is not given; assuming float64{shape:?}");
                }
                ex.ir
            });
            (program, r)
        }
    };
    match result {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`vex eval … | head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            ExitCode::SUCCESS
        }
        Err(failure) => report(&failure, &program, color),
    }
}

/// Script mode: statements from stdin (see [`script`]).
fn run_script(color: bool) -> ExitCode {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match script::run(stdin, &mut out, &mut err, color) {
        Ok(script::Ending::Success) => ExitCode::SUCCESS,
        Ok(script::Ending::Failed) => ExitCode::from(1),
        Err(e) => {
            let _ = writeln!(err, "error: cannot read the script: {e}");
            ExitCode::from(1)
        }
    }
}

fn report(failure: &Failure, program: &str, color: bool) -> ExitCode {
    eprint!("{}", failure.render(program, color));
    ExitCode::from(failure.exit_code() as u8)
}

/// Colored diagnostics only on a terminal, and never when NO_COLOR is set (no-color.org).
fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_eval_arguments_in_any_order() {
        let cli =
            Cli::try_parse_from(["vex", "eval", "a*k", "a=a.npy", "-o", "r.npy", "k=-2"]).unwrap();
        let Some(Command::Eval {
            program,
            bindings,
            outputs,
        }) = cli.command
        else {
            panic!("eval expected")
        };
        assert_eq!(program, "a*k");
        assert_eq!(bindings.len(), 2);
        assert_eq!(bindings[1].value, "-2");
        assert_eq!(outputs, [PathBuf::from("r.npy")]);
    }

    #[test]
    fn a_program_may_start_with_a_minus() {
        let cli = Cli::try_parse_from(["vex", "eval", "-a", "a=1"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Eval { program, .. }) if program == "-a"));
    }

    #[test]
    fn bad_bindings_are_usage_errors() {
        let e = Cli::try_parse_from(["vex", "eval", "a", "a"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("NAME=VALUE"), "{e}");
    }
}
