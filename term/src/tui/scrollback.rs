//! What goes into the terminal's scrollback: the input as it was entered (with its prompt
//! and colours), then what the cell printed (values, text, plots drawn by
//! [`crate::plot::text`] at the terminal's width) or its error with a caret under the span.

use std::time::Duration;

use ratatui::text::{Line, Span};

use super::ansi;
use super::graphics::picture::{picture, Picture};
use super::graphics::Graphics;
use super::highlight::highlight;
use super::theme::Theme;
use super::view::with_prompts;
use crate::plot;
use crate::session::{Cell, Output};

/// Cells slower than this say how long they took.
pub const SHOW_TIME_AFTER: Duration = Duration::from_secs(1);

/// The input, highlighted, behind its prompts.
pub fn echo(input: &str, theme: &Theme) -> Vec<Line<'static>> {
    with_prompts(highlight(input, None, theme), theme)
}

/// The rows a plot takes in a terminal of `rows` rows: most of a screen, within reason.
pub fn plot_height(rows: u16) -> u16 {
    (rows.saturating_mul(2) / 3).clamp(8, 24)
}

/// Part of what a cell printed: lines, or a plot as an image.
#[derive(Debug)]
pub enum Block {
    Lines(Vec<Line<'static>>),
    Picture(Box<Picture>),
}

/// What a finished cell printed, for a terminal of `(width, rows)` cells: plots are drawn
/// at its width, as text.
#[cfg(test)]
pub fn cell(cell: &Cell, theme: &Theme, size: (u16, u16)) -> Vec<Line<'static>> {
    blocks(cell, theme, size, None)
        .into_iter()
        .flat_map(|b| match b {
            Block::Lines(lines) => lines,
            Block::Picture(p) => p.fallback,
        })
        .collect()
}

/// What a finished cell printed, with its plots as images when `graphics` is given (as
/// text if one cannot be encoded).
pub fn blocks(
    cell: &Cell,
    theme: &Theme,
    (width, rows): (u16, u16),
    graphics: Option<&Graphics>,
) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = Vec::new();
    for output in &cell.outputs {
        match output {
            Output::Plot(spec) => {
                let height = plot_height(rows);
                let text = plot::text::lines(spec, width, height, theme.color);
                match graphics.map(|g| picture(spec, g, (width, height), text.clone())) {
                    Some(Ok(p)) => {
                        if !lines.is_empty() {
                            blocks.push(Block::Lines(std::mem::take(&mut lines)));
                        }
                        blocks.push(Block::Picture(Box::new(p)));
                    }
                    None | Some(Err(_)) => lines.extend(text),
                }
            }
            _ => lines.extend(output.text().lines().map(|l| Line::raw(l.to_string()))),
        }
    }
    if let Some(e) = &cell.error {
        let text = e.render(&cell.input, 0, theme.color);
        lines.extend(ansi::lines(text.trim_end_matches('\n')));
    }
    let elapsed = Duration::from_nanos(cell.elapsed_ns);
    if elapsed >= SHOW_TIME_AFTER {
        lines.push(Line::from(Span::styled(
            format!("({:.2} s)", elapsed.as_secs_f64()),
            theme.hint,
        )));
    }
    if !lines.is_empty() {
        blocks.push(Block::Lines(lines));
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn text(lines: &[Line]) -> String {
        let rows: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        rows.join("\n")
    }

    fn run(session: &mut Session, input: &str) -> Cell {
        match session.submit(input).pop() {
            Some(crate::session::Notice::Cell(c)) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_and_errors_with_a_caret() {
        let theme = Theme::new(false);
        let mut s = Session::new();
        let c = run(&mut s, "x = linspace(0, 1, 5)\nx * 2");
        insta::assert_snapshot!(text(&echo(&c.input, &theme)) + "\n" + &text(&cell(&c, &theme, (80, 24))), @r#"
            >>> x = linspace(0, 1, 5)
            ... x * 2
            array(shape=(5,), dtype=float64)
            [0.  0.5 1.  1.5 2. ]
            "#);
        let c = run(&mut s, "sinn(x)");
        insta::assert_snapshot!(text(&cell(&c, &theme, (80, 24))), @r#"
            error: unknown function 'sinn'
             --> 1:1
              |
            1 | sinn(x)
              | ^^^^ did you mean 'sin'?
            "#);
    }

    #[test]
    fn plots_are_drawn_at_the_terminals_width() {
        let mut s = Session::new();
        let c = run(
            &mut s,
            "x = linspace(0, 6, 200); plot(x, sin(x), title='wave')",
        );
        assert!(c.error.is_none(), "{:?}", c.error);
        for (width, rows) in [(60, 24), (100, 40)] {
            let lines = cell(&c, &Theme::new(false), (width, rows));
            assert_eq!(lines.len(), usize::from(plot_height(rows)));
            assert!(lines.iter().all(|l| l.width() <= usize::from(width)));
            let text = text(&lines);
            assert!(text.contains("wave"), "{text}");
            assert!(
                text.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
                "braille: {text}"
            );
        }
    }

    #[test]
    fn errors_are_coloured_unless_no_color() {
        let mut s = Session::new();
        let c = run(&mut s, "1 + nope");
        let coloured = cell(&c, &Theme::new(true), (80, 24));
        assert!(coloured
            .iter()
            .flat_map(|l| &l.spans)
            .any(|s| s.style.fg.is_some()));
        let plain = cell(&c, &Theme::new(false), (80, 24));
        assert!(plain
            .iter()
            .flat_map(|l| &l.spans)
            .all(|s| s.style.fg.is_none()));
        assert_eq!(text(&coloured), text(&plain));
    }
}
