//! `vex run NOTEBOOK.md [-o OUT.md]`: a notebook's cells run in order in a fresh session,
//! and the notebook again with each cell's output replaced by what it printed now.

use std::io::{self, Write};
use std::path::Path;

use super::markdown::Notebook;
use super::output;
use crate::plot::PlotSpec;
use crate::session::{Cell, Event, Notice, Session};

/// A replayed notebook.
#[derive(Debug)]
pub struct Replay {
    /// The notebook with the new outputs.
    pub text: String,
    /// The plots, with their file names in the files folder.
    pub plots: Vec<(String, PlotSpec)>,
    /// The cells that failed, in order.
    pub failures: Vec<Failure>,
}

/// A cell that failed.
#[derive(Debug, PartialEq)]
pub struct Failure {
    /// The notebook's cell, counted from 1.
    pub cell: usize,
    /// The notebook line the error is about (the cell's first line when it has no place).
    pub line: usize,
    pub message: String,
}

/// Runs the notebook's cells in `session` (a fresh one for `vex run`). Image links name
/// the folder `files`. A failing cell gets its error as output and the others still run;
/// after `:quit` the remaining cells are not run and get no output.
pub fn replay(session: &mut Session, notebook: &Notebook, files: &str) -> Replay {
    let mut outputs = Vec::with_capacity(notebook.cells.len());
    let mut plots = Vec::new();
    let mut failures = Vec::new();
    let mut quit = false;
    for (k, block) in notebook.cells.iter().enumerate() {
        if quit {
            outputs.push(String::new());
            continue;
        }
        let mut cells: Vec<Cell> = Vec::new();
        for notice in session.handle(Event::Submit(block.code.clone())) {
            match notice {
                Notice::Cell(c) => cells.push(c),
                Notice::Quit => quit = true,
                Notice::Cleared => {}
            }
        }
        for (j, cell) in cells.iter().enumerate() {
            if let Some(e) = &cell.error {
                // Spans of the cells an `:open` ran are in another file.
                let within = match e.span {
                    Some((start, _)) if j == 0 => cell.input[..start].matches('\n').count(),
                    _ => 0,
                };
                failures.push(Failure {
                    cell: k + 1,
                    line: block.line + 1 + within,
                    message: e.message.clone(),
                });
            }
        }
        let refs: Vec<&Cell> = cells.iter().collect();
        let (text, cell_plots) = output::render(&refs, k + 1, files);
        outputs.push(text);
        plots.extend(cell_plots.into_iter().map(|(n, s)| (n, s.clone())));
    }
    Replay {
        text: notebook.with_outputs(&outputs),
        plots,
        failures,
    }
}

/// `vex run`: replays the notebook at `input`, printing it to `out`, or writing it to
/// `output` with its PNG files; failures and problems go to `err`. Returns the exit
/// status: 0 when every cell ran, 1 when one failed (the notebook is still written) or
/// the notebook cannot be read or written.
pub fn run_file(
    input: &Path,
    output: Option<&Path>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> u8 {
    // Reporting to stderr is best effort: there is nowhere else to say it failed.
    let notebook = match super::read(input) {
        Ok(n) => n,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 1;
        }
    };
    if notebook.cells.is_empty() {
        let _ = writeln!(
            err,
            "note: '{}' has no ```vex code blocks to run",
            input.display()
        );
    }
    let files = super::files_dir(output.unwrap_or(input));
    let replay = Session::new().with_notebook(input, |s| replay(s, &notebook, &files));
    let written = match output {
        Some(path) => {
            let plots: Vec<(String, &PlotSpec)> =
                replay.plots.iter().map(|(n, s)| (n.clone(), s)).collect();
            super::write_plots(path, &files, &plots).and_then(|()| {
                std::fs::write(path, &replay.text)
                    .map_err(|e| format!("cannot write '{}': {e}", path.display()))
            })
        }
        None => match out
            .write_all(replay.text.as_bytes())
            .and_then(|()| out.flush())
        {
            // A closed pipe (`vex run nb.md | head`) is not worth reporting.
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                Err(format!("cannot write the notebook: {e}"))
            }
            _ => Ok(()),
        },
    };
    if let Err(e) = written {
        let _ = writeln!(err, "error: {e}");
        return 1;
    }
    for f in &replay.failures {
        let _ = writeln!(
            err,
            "{}:{}: cell {} failed: {}",
            input.display(),
            f.line,
            f.cell,
            f.message
        );
    }
    u8::from(!replay.failures.is_empty())
}
