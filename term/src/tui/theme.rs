//! The REPL's colours, in one place; with `NO_COLOR` set every style keeps only its
//! modifiers (bold, underline, reverse), never a colour.

use ratatui::style::{Color, Modifier, Style};

/// Styles for each kind of text the REPL shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub color: bool,
    pub number: Style,
    pub function: Style,
    pub constant: Style,
    pub keyword: Style,
    pub operator: Style,
    pub comment: Style,
    pub string: Style,
    pub command: Style,
    pub bad_token: Style,
    /// The span of the error found while typing.
    pub error_span: Style,
    pub prompt: Style,
    pub error_message: Style,
    pub hint: Style,
    pub progress: Style,
    pub selected: Style,
    pub search_match: Style,
    pub variable: Style,
}

impl Theme {
    /// Colours when `color`, else only modifiers.
    pub fn new(color: bool) -> Theme {
        let c = |style: Style, fg: Color| if color { style.fg(fg) } else { style };
        let plain = Style::new();
        let bold = plain.add_modifier(Modifier::BOLD);
        let dim = plain.add_modifier(Modifier::DIM);
        Theme {
            color,
            number: c(plain, Color::Cyan),
            function: c(plain, Color::Blue),
            constant: c(plain, Color::Magenta),
            keyword: c(plain, Color::Magenta),
            operator: c(plain, Color::Yellow),
            comment: c(dim.add_modifier(Modifier::ITALIC), Color::Gray),
            string: c(plain, Color::Green),
            command: c(bold, Color::Green),
            bad_token: c(plain, Color::Red),
            error_span: c(plain.add_modifier(Modifier::UNDERLINED), Color::Red),
            prompt: c(bold, Color::Green),
            error_message: c(plain, Color::Red),
            hint: dim,
            progress: c(plain, Color::Yellow),
            selected: plain.add_modifier(Modifier::REVERSED),
            search_match: plain.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            variable: plain,
        }
    }
}
