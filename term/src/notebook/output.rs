//! What a notebook shows under a cell: one ```` ```output ```` block with everything the
//! cell printed as plain text (values, plots drawn in text at a fixed size, the error with
//! its caret), then an image line for each plot, whose PNG goes in the notebook's files
//! folder. Fixed sizes and no colour make the text the same on every machine.

use super::markdown::{fenced, image_line, OUTPUT_LANG};
use crate::plot::{self, PlotSpec};
use crate::session::{Cell, Output};

/// Plots are drawn in text this many columns wide…
pub const PLOT_WIDTH: u16 = 80;
/// …and at most this many rows high (a heatmap takes fewer when its shape says so).
pub const PLOT_HEIGHT: u16 = 22;
/// The pixel size of the PNG images of plots.
pub const PNG_SIZE: (u32, u32) = plot::raster::DEFAULT_SIZE;

/// The output of notebook cell `number` (from 1): the Markdown that follows the cell
/// (empty when it printed nothing), and the plots to write as PNGs, each with its file
/// name in the folder `files` (a path relative to the notebook, `/`-separated).
///
/// `cells` are the session's cells the notebook cell ran: one, or for an `:open`, that
/// cell and the cells of the notebook it opened.
pub fn render<'c>(
    cells: &[&'c Cell],
    number: usize,
    files: &str,
) -> (String, Vec<(String, &'c PlotSpec)>) {
    let mut text = Vec::new();
    let mut plots = Vec::new();
    for cell in cells {
        for output in &cell.outputs {
            match output {
                Output::Plot(spec) => {
                    text.push(plot_text(spec));
                    let name = match plots.len() {
                        0 => format!("cell-{number}.png"),
                        k => format!("cell-{number}-{}.png", k + 1),
                    };
                    plots.push((name, spec));
                }
                other => text.push(other.text().to_string()),
            }
        }
        if let Some(e) = &cell.error {
            text.push(e.render(&cell.input, 0, false));
        }
    }
    if text.is_empty() {
        return (String::new(), plots);
    }
    let lines: Vec<&str> = text
        .iter()
        .flat_map(|t| t.trim_end_matches('\n').split('\n'))
        .map(str::trim_end)
        .collect();
    let mut markdown = fenced(OUTPUT_LANG, &lines.join("\n"));
    for (name, spec) in &plots {
        markdown.push_str(&image_line(
            spec.title.as_deref(),
            &format!("{files}/{name}"),
        ));
    }
    (markdown, plots)
}

/// Whether a file name is one [`render`] gives a plot: `cell-N.png` or `cell-N-K.png`.
pub fn is_plot_file(name: &str) -> bool {
    let Some(numbers) = name
        .strip_prefix("cell-")
        .and_then(|n| n.strip_suffix(".png"))
    else {
        return false;
    };
    let mut parts = numbers.split('-');
    let number =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    number(parts.next()) && parts.clone().count() <= 1 && parts.all(|p| number(Some(p)))
}

/// A plot in plain text at the notebook's size, without the blank rows a heatmap leaves.
fn plot_text(spec: &PlotSpec) -> String {
    let height = plot::text::needed_height(spec, PLOT_WIDTH, PLOT_HEIGHT);
    let text = plot::text::to_string(spec, PLOT_WIDTH, height, false);
    text.trim_end().to_string()
}
