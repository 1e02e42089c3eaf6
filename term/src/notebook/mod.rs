//! Markdown notebooks: `:save FILE.md` writes the session's log as one, `vex run FILE.md`
//! replays one in a fresh session ([`replay`]), and `:open FILE.md` runs one's cells in
//! the current session (`session::open`).
//!
//! A notebook is any Markdown file. Its cells are the ```` ```vex ```` code blocks (one
//! block is one cell, as typed at the prompt); everything else is prose, code blocks in
//! other languages included, and is kept as it is. What a cell printed is the
//! ```` ```output ```` block right after it (blank lines aside), followed by an image line
//! `![vex plot…](NAME_files/cell-N.png)` for each plot, N counting the notebook's cells
//! from 1; a replay replaces exactly these. See [`markdown`] for the fences understood.
//!
//! `:save` keeps the cells that make the results: code, and the commands that change
//! variables or settings (`:load`, `:del`, `:backend NAME`, `:threads N`). Commands that
//! only show something (`:help`, `:vars`, `:time`, `:explain`) or write files (`:save`,
//! `:saveplot`) are left out, and so is an `:open` (its cells are kept instead).

mod markdown;
mod output;
mod replay;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

pub use markdown::{parse, Notebook};
pub use replay::run_file;

use crate::plot::PlotSpec;
use crate::session::{is_command, Cell, Command};

/// Reads and parses the notebook at `path`; the error names the file (and the line).
pub fn read(path: &Path) -> Result<Notebook, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("'{}' is not UTF-8 text", path.display()))?;
    parse(&text).map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.message))
}

/// The folder of a notebook's PNG files, as its links name it (relative to the
/// notebook): `session.md` has `session_files`.
pub fn files_dir(notebook: &Path) -> String {
    let stem = notebook
        .file_stem()
        .map_or("notebook".into(), |s| s.to_string_lossy());
    format!("{stem}_files")
}

/// Where the folder `files` of `notebook` is.
fn files_path(notebook: &Path, files: &str) -> PathBuf {
    notebook.parent().unwrap_or(Path::new("")).join(files)
}

/// Writes plots as PNG files named as given, in the folder `files` beside `notebook`
/// (made if needed), and removes the plot files there that the notebook no longer links
/// (`cell-N.png` and `cell-N-K.png` from an earlier version of it; nothing else).
pub fn write_plots(
    notebook: &Path,
    files: &str,
    plots: &[(String, &PlotSpec)],
) -> Result<(), String> {
    let dir = files_path(notebook, files);
    if let Ok(listing) = std::fs::read_dir(&dir) {
        for entry in listing.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if output::is_plot_file(&name) && !plots.iter().any(|(n, _)| *n == name) {
                std::fs::remove_file(entry.path())
                    .map_err(|e| format!("cannot remove '{}': {e}", entry.path().display()))?;
            }
        }
    }
    if plots.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("cannot make the folder '{}': {e}", dir.display()))?;
    for (name, spec) in plots {
        crate::plot::raster::save(spec, &dir.join(name), output::PNG_SIZE)?;
    }
    Ok(())
}

/// Whether `:save` writes this cell (see the module documentation).
pub fn keeps(cell: &Cell) -> bool {
    if !is_command(&cell.input) {
        return true;
    }
    matches!(
        Command::parse(&cell.input),
        Ok((
            Command::Load { .. }
                | Command::Del(_)
                | Command::Backend(Some(_))
                | Command::Threads(Some(_)),
            _
        ))
    )
}

/// What `:save FILE.md` wrote.
#[derive(Debug, PartialEq)]
pub struct Saved {
    pub path: PathBuf,
    pub cells: usize,
    pub plots: usize,
    /// The folder of the PNG files.
    pub files: PathBuf,
}

impl fmt::Display for Saved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "saved {} cell{} to {}",
            self.cells,
            s(self.cells),
            self.path.display()
        )?;
        if self.plots > 0 {
            write!(
                f,
                ", {} plot{} in {}/",
                self.plots,
                s(self.plots),
                self.files.display()
            )?;
        }
        Ok(())
    }
}

/// The notebook text of `cells` (those [`keeps`] accepts), and their plots with file
/// names in the folder `files`.
pub fn markdown<'c>(cells: &[&'c Cell], files: &str) -> (String, Vec<(String, &'c PlotSpec)>) {
    let mut text = String::from(
        "<!-- A vex notebook: ```vex blocks are cells, each followed by what it printed. \
         Replay it with `vex run`. -->\n",
    );
    let mut plots = Vec::new();
    for (k, cell) in cells.iter().enumerate() {
        text.push('\n');
        text.push_str(&markdown::fenced(markdown::CELL_LANG, &cell.input));
        let (out, cell_plots) = output::render(&[cell], k + 1, files);
        text.push_str(&out);
        plots.extend(cell_plots);
    }
    (text, plots)
}

/// `:save FILE.md`: the log as a notebook, its plots as PNG files beside it.
pub fn save(cells: &[Cell], path: &Path) -> Result<Saved, String> {
    let kept: Vec<&Cell> = cells.iter().filter(|c| keeps(c)).collect();
    let files = files_dir(path);
    let (text, plots) = markdown(&kept, &files);
    write_plots(path, &files, &plots)?;
    std::fs::write(path, text).map_err(|e| format!("cannot write '{}': {e}", path.display()))?;
    Ok(Saved {
        path: path.to_path_buf(),
        cells: kept.len(),
        plots: plots.len(),
        files: files_path(path, &files),
    })
}
