//! Script mode: `vex < script.vex` or `… | vex` runs statements and `:commands` read from
//! stdin through a [`Session`], printing values to stdout and errors to stderr.
//!
//! Each line is a cell; a line that leaves an expression unfinished (an open bracket, a
//! trailing operator, `,` or `\`) continues on the next. A failing cell is reported and
//! the script goes on (the session keeps everything it had), but the exit status is then
//! 1; `:quit` ends the script early. Plots are printed as text (Braille and block
//! characters, coloured like errors are), as wide as `COLUMNS` says. `:open FILE.md` runs a
//! notebook's cells the same way; their errors point into the cell's own lines.

use std::io::{self, BufRead, Write};

use crate::plot;
use crate::session::{is_command, Event, Notice, Output, Session};

/// The width of printed plots when `COLUMNS` does not say.
const PLOT_WIDTH: u16 = 80;
/// The height of printed plots, in lines.
const PLOT_HEIGHT: u16 = 22;

/// The size plots are printed at: `COLUMNS` wide (80 if unset), 22 lines high.
fn plot_size() -> (u16, u16) {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .map_or(PLOT_WIDTH, |w| w.clamp(20, 500));
    (width, PLOT_HEIGHT)
}

/// How a script ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every cell ran.
    Success,
    /// At least one cell failed.
    Failed,
}

/// Runs the script read from `input`. Errors are rendered against the script so far, so
/// that their line numbers are the script's. A closed `out` (`vex < s | head`) ends the
/// script quietly.
pub fn run(
    input: impl BufRead,
    out: &mut impl Write,
    err: &mut impl Write,
    color: bool,
) -> io::Result<Ending> {
    let mut runner = Runner {
        session: Session::new(),
        script: String::new(),
        failed: false,
    };
    let mut pending = String::new();
    let mut pending_start = 0;
    for line in input.lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                writeln!(err, "error: the script is not UTF-8 text")?;
                return Ok(Ending::Failed);
            }
            Err(e) => return Err(e),
        };
        if pending.is_empty() {
            pending_start = runner.script.len();
        } else {
            pending.push('\n');
        }
        pending.push_str(&line);
        runner.script.push_str(&line);
        runner.script.push('\n');
        if !is_command(&pending) && vex_expr::parser::is_incomplete(&pending) {
            continue;
        }
        let cell = std::mem::take(&mut pending);
        match runner.submit(cell, pending_start, out, err, color) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => break,
            Err(e) => return Err(e),
        }
    }
    if !pending.is_empty() {
        // An unfinished last statement: submitted as is, so its error says what is missing.
        match runner.submit(pending, pending_start, out, err, color) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e),
            _ => {}
        }
    }
    Ok(if runner.failed {
        Ending::Failed
    } else {
        Ending::Success
    })
}

struct Runner {
    session: Session,
    /// Every line read so far, for rendering errors with the script's line numbers.
    script: String,
    failed: bool,
}

impl Runner {
    /// Runs one cell that starts `offset` bytes into the script; false once the session
    /// is over.
    fn submit(
        &mut self,
        cell: String,
        offset: usize,
        out: &mut impl Write,
        err: &mut impl Write,
        color: bool,
    ) -> io::Result<bool> {
        let notices = self.session.handle(Event::Submit(cell));
        for (k, notice) in notices.into_iter().enumerate() {
            match notice {
                Notice::Cell(cell) => {
                    for output in &cell.outputs {
                        match output {
                            Output::Plot(spec) => {
                                let (w, h) = plot_size();
                                out.write_all(plot::text::to_string(spec, w, h, color).as_bytes())?;
                            }
                            _ => writeln!(out, "{}", output.text())?,
                        }
                    }
                    if let Some(e) = &cell.error {
                        self.failed = true;
                        out.flush()?;
                        // Cells after the first are a notebook's (`:open`): their
                        // errors point into their own input.
                        let rendered = match k {
                            0 => e.render(&self.script, offset, color),
                            _ => e.render(&cell.input, 0, color),
                        };
                        err.write_all(rendered.as_bytes())?;
                    }
                }
                Notice::Cleared => {}
                Notice::Quit => return Ok(false),
            }
        }
        out.flush()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_script(script: &str) -> (String, String, Ending) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let ending = run(script.as_bytes(), &mut out, &mut err, false).unwrap();
        let s = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (s(out), s(err), ending)
    }

    #[test]
    fn statements_bind_and_expressions_print() {
        let (out, err, ending) = run_script("x = arange(4)\nn = 2\nx * n\n\n# done\n");
        assert_eq!(out, "array(shape=(4,), dtype=int64)\n[0 2 4 6]\n");
        assert_eq!((err.as_str(), ending), ("", Ending::Success));
    }

    #[test]
    fn unfinished_lines_continue() {
        let (out, _, ending) = run_script("y = (1 +\n  2)\nz = [y,\n y]\ny *\\\n 2\n");
        // `[y, y]` is not an expression (no lists): the cell fails as a whole, after its
        // two lines were joined.
        assert_eq!(out, "6\n");
        assert_eq!(ending, Ending::Failed);
    }

    #[test]
    fn errors_point_into_the_script_and_the_script_goes_on() {
        let (out, err, ending) = run_script("a = 1\nb = a + nope\na + 1\n");
        assert_eq!(out, "2\n");
        assert!(err.contains("--> 2:9"), "{err}");
        assert!(err.contains("2 | b = a + nope"), "{err}");
        assert_eq!(ending, Ending::Failed);
    }

    #[test]
    fn quit_stops_and_an_unfinished_end_is_an_error() {
        let (out, _, ending) = run_script("1\n:quit\n2\n");
        assert_eq!((out.as_str(), ending), ("1\n", Ending::Success));
        let (_, err, ending) = run_script("sin(\n");
        assert_eq!(ending, Ending::Failed);
        assert!(err.starts_with("error:"), "{err}");
    }
}
