//! `:open FILE.md`: runs a notebook's ```` ```vex ```` cells in the session, in order, each
//! logged as its own cell (as if typed), after the `:open` cell itself.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{CellError, Event, Notice, Outcome, Session};

impl Session {
    /// Runs the notebook at `path`; `input` is the `:open` command as typed. A failing
    /// cell does not stop the others (as when typing them); `:quit` in the notebook and
    /// a cancelled cell end the notebook, not the session. A notebook that `:open`s one
    /// being opened (itself, or an outer one) is refused, so opening cannot recurse.
    pub(super) fn open(&mut self, input: String, path: &Path) -> Vec<Notice> {
        let start = Instant::now();
        let notebook = match crate::notebook::read(path) {
            Ok(n) => n,
            Err(e) => return vec![self.log(input, Outcome::error(CellError::plain(e)), start)],
        };
        let key = identity(path);
        if self.opening.contains(&key) {
            let e = CellError::plain(format!(
                "'{}' is already being opened: a notebook cannot open itself",
                path.display()
            ));
            return vec![self.log(input, Outcome::error(e), start)];
        }
        let count = notebook.cells.len();
        let summary = format!(
            "running {count} cell{} of {}",
            if count == 1 { "" } else { "s" },
            path.display()
        );
        let mut notices = vec![self.log(input, Outcome::text(summary), start)];
        self.opening.push(key);
        'cells: for cell in notebook.cells {
            for notice in self.handle(Event::Submit(cell.code)) {
                match notice {
                    Notice::Quit => break 'cells,
                    Notice::Cell(c) if c.error.as_ref().is_some_and(CellError::is_cancel) => {
                        notices.push(Notice::Cell(c));
                        break 'cells;
                    }
                    other => notices.push(other),
                }
            }
        }
        self.opening.pop();
        notices
    }

    /// Runs `run` with the notebook at `path` counted as being opened, so that its cells
    /// cannot `:open` it again (for `vex run`, which replays it cell by cell).
    pub fn with_notebook<T>(&mut self, path: &Path, run: impl FnOnce(&mut Session) -> T) -> T {
        self.opening.push(identity(path));
        let result = run(self);
        self.opening.pop();
        result
    }
}

/// What tells two paths to one notebook apart from paths to two.
fn identity(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
