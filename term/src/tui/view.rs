//! The viewport at the bottom of the terminal: the input with its prompt, the completion
//! menu and a status line (the error in the input, a search, a running evaluation, hints).
//! A plain struct built from the REPL's state each frame, laid out into rows.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::complete::{Kind, Menu};
use super::theme::Theme;
use super::wrap::{str_width, wrap};

/// The prompt of an input's first line and of its continuation lines.
pub const PROMPT: &str = ">>> ";
pub const CONTINUATION: &str = "... ";

/// Rows the completion menu takes at most.
pub const MENU_ROWS: usize = 6;

/// What the status line shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Empty,
    /// The error in the input as typed.
    Error(String),
    Hint(String),
    /// Ctrl-R: the query, and whether it matches nothing.
    Search {
        query: String,
        failed: bool,
    },
    /// A cell being evaluated, for how long, and how far (when the engine says).
    Running {
        elapsed: Duration,
        fraction: Option<f64>,
        cancelled: bool,
    },
    /// The menu's selected candidate and their count.
    Menu {
        selected: Option<usize>,
        total: usize,
    },
}

/// The input lines (highlighted) with their prompts.
pub fn with_prompts(lines: Vec<Line<'static>>, theme: &Theme) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, mut line)| {
            let prompt = if i == 0 { PROMPT } else { CONTINUATION };
            line.spans.insert(0, Span::styled(prompt, theme.prompt));
            line
        })
        .collect()
}

/// The viewport's content.
pub struct View<'a> {
    /// The input, highlighted, one line per line of text.
    pub input: Vec<Line<'static>>,
    /// The cursor in the input: line and display column.
    pub cursor: (usize, usize),
    pub menu: Option<&'a Menu>,
    pub status: Status,
    pub theme: &'a Theme,
}

/// The rows to draw and where the cursor goes.
#[derive(Debug, PartialEq)]
pub struct Layout {
    pub rows: Vec<Line<'static>>,
    pub cursor: Position,
}

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

impl View<'_> {
    /// The rows at `width` columns, at most `max_height` of them: when the input is taller
    /// than that, its rows around the cursor.
    pub fn layout(&self, width: u16, max_height: u16) -> Layout {
        let width = usize::from(width.max(1));
        let mut rows = Vec::new();
        let mut cursor = (0, 0);
        for (i, line) in with_prompts(self.input.clone(), self.theme)
            .into_iter()
            .enumerate()
        {
            if i == self.cursor.0 {
                let col = PROMPT.len() + self.cursor.1;
                cursor = (rows.len() + col / width, col % width);
            }
            rows.extend(wrap(line, width));
        }
        let menu = self
            .menu
            .map_or(Vec::new(), |m| menu_rows(m, width, self.theme));
        let (status, status_cursor) = self.status_line();
        // An error's message wraps, to be read whole; hints are cut at the width.
        let mut status = wrap(status, width);
        if !matches!(self.status, Status::Error(_)) {
            status.truncate(1);
        }
        let below = menu.len() + status.len();
        let room = usize::from(max_height.max(1)).saturating_sub(below).max(1);
        // Scroll a tall input so that the cursor's row shows.
        let skip = (cursor.0 + 1)
            .saturating_sub(room)
            .min(rows.len().saturating_sub(room));
        rows.drain(..skip);
        rows.truncate(room);
        cursor.0 -= skip.min(cursor.0);
        rows.extend(menu);
        let status_row = rows.len();
        rows.extend(status);
        rows.truncate(usize::from(max_height.max(1)));
        let cursor = match status_cursor {
            Some(col) if status_row < rows.len() => (status_row, col.min(width - 1)),
            _ => cursor,
        };
        Layout {
            cursor: Position::new(cursor.1 as u16, cursor.0.min(rows.len() - 1) as u16),
            rows,
        }
    }

    /// The status line, and the cursor's column in it when it has the focus (a search).
    fn status_line(&self) -> (Line<'static>, Option<usize>) {
        let t = self.theme;
        match &self.status {
            Status::Empty => (Line::default(), None),
            Status::Error(message) => (Line::styled(message.clone(), t.error_message), None),
            Status::Hint(hint) => (Line::styled(hint.clone(), t.hint), None),
            Status::Search { query, failed } => {
                let label = if *failed {
                    "search (no match): "
                } else {
                    "search: "
                };
                let style = if *failed { t.error_message } else { t.hint };
                let col = label.len() + str_width(query);
                let line = Line::from(vec![
                    Span::styled(label, style),
                    Span::raw(query.clone()),
                    Span::styled("   Enter runs · arrows edit · Esc cancels", t.hint),
                ]);
                (line, Some(col))
            }
            Status::Running {
                elapsed,
                fraction,
                cancelled,
            } => {
                let tick = (elapsed.as_millis() / 100) as usize % SPINNER.len();
                let mut text = format!("{} running {:.1} s", SPINNER[tick], elapsed.as_secs_f64());
                if let Some(f) = fraction {
                    const BAR: usize = 20;
                    let full = ((f * BAR as f64).round() as usize).min(BAR);
                    text.push_str(&format!(
                        "  {}{} {:>3.0}%",
                        "█".repeat(full),
                        "░".repeat(BAR - full),
                        f * 100.0
                    ));
                }
                let action = if *cancelled {
                    "  cancelling…"
                } else {
                    "  Ctrl-C cancels"
                };
                let line = Line::from(vec![
                    Span::styled(text, t.progress),
                    Span::styled(action, t.hint),
                ]);
                (line, None)
            }
            Status::Menu { selected, total } => {
                let text = match selected {
                    Some(i) => format!("{} of {total}", i + 1),
                    None => format!("{total} candidates"),
                };
                let line = Line::from(vec![
                    Span::styled(text, t.hint),
                    Span::styled("   Tab next · Enter accepts · Esc cancels", t.hint),
                ]);
                (line, None)
            }
        }
    }
}

impl Widget for &Layout {
    fn render(self, area: Rect, buf: &mut Buffer) {
        for (i, row) in self.rows.iter().take(usize::from(area.height)).enumerate() {
            buf.set_line(area.x, area.y + i as u16, row, area.width);
        }
    }
}

/// The menu as a grid, row by row, showing the page that holds the selected candidate.
fn menu_rows(menu: &Menu, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let items = &menu.completion.items;
    let col_width = items.iter().map(|c| str_width(&c.text)).max().unwrap_or(0) + 2;
    let cols = (width / col_width).max(1);
    let page = cols * MENU_ROWS;
    let first = menu.selected.map_or(0, |s| s / page * page);
    let shown = &items[first..items.len().min(first + page)];
    shown
        .chunks(cols)
        .enumerate()
        .map(|(r, row)| {
            let spans = row.iter().enumerate().flat_map(|(c, item)| {
                let index = first + r * cols + c;
                let mut style = match item.kind {
                    Kind::Function => theme.function,
                    Kind::Constant => theme.constant,
                    Kind::Command => theme.command,
                    Kind::Directory => theme.number,
                    Kind::Variable | Kind::Word | Kind::File => theme.variable,
                };
                if menu.selected == Some(index) {
                    style = style.patch(theme.selected);
                }
                let pad = col_width - str_width(&item.text);
                [
                    Span::styled(item.text.clone(), style),
                    Span::raw(" ".repeat(pad)),
                ]
            });
            Line::from(spans.collect::<Vec<_>>())
        })
        .collect()
}
