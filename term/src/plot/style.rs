//! Colours of plots (a colour-blind-safe series palette, the styles of axes and labels)
//! and turning a drawn buffer into plain or ANSI-coloured text.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};

/// The series colours in order (Okabe and Ito's palette, distinguishable with the common
/// colour vision deficiencies, readable on dark and light backgrounds).
pub const PALETTE: [[u8; 3]; 7] = [
    [86, 180, 233],  // sky blue
    [230, 159, 0],   // orange
    [0, 158, 115],   // bluish green
    [213, 94, 0],    // vermillion
    [204, 121, 167], // reddish purple
    [0, 114, 178],   // blue
    [240, 228, 66],  // yellow
];

/// The colour of series `i`.
pub fn series_rgb(i: usize) -> [u8; 3] {
    PALETTE[i % PALETTE.len()]
}

/// The styles a plot is drawn with, in colour or not.
pub struct Theme {
    pub color: bool,
    pub axis: Style,
    pub label: Style,
    pub title: Style,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        if color {
            Theme {
                color,
                axis: Style::new().fg(Color::Rgb(128, 128, 128)),
                label: Style::new(),
                title: bold,
            }
        } else {
            Theme {
                color,
                axis: Style::new(),
                label: Style::new(),
                title: bold,
            }
        }
    }

    /// The style of series `i`.
    pub fn series(&self, i: usize) -> Style {
        if self.color {
            let [r, g, b] = series_rgb(i);
            Style::new().fg(Color::Rgb(r, g, b))
        } else {
            Style::new()
        }
    }
}

/// The buffer's rows as lines of text (each ending in a newline, trailing blanks
/// dropped); with `color`, styles become ANSI escapes (24-bit colours, bold) reset at the
/// end of each line.
pub fn buffer_text(buf: &Buffer, color: bool) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut plain_len = 0;
        let mut current = (Color::Reset, Color::Reset, Modifier::empty());
        for x in 0..buf.area.width {
            let cell = &buf[(buf.area.x + x, buf.area.y + y)];
            if color {
                let want = (cell.fg, cell.bg, cell.modifier);
                if want != current {
                    line.push_str(&sgr(want));
                    current = want;
                }
            }
            line.push_str(cell.symbol());
            let styled_bg = color && cell.bg != Color::Reset;
            if cell.symbol() != " " || styled_bg {
                plain_len = line.len();
            }
        }
        line.truncate(plain_len);
        if color && current != (Color::Reset, Color::Reset, Modifier::empty()) {
            line.push_str("\x1b[0m");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The escape that sets exactly these colours and modifiers.
fn sgr((fg, bg, modifier): (Color, Color, Modifier)) -> String {
    let mut codes = vec!["0".to_string()];
    if modifier.contains(Modifier::BOLD) {
        codes.push("1".into());
    }
    if let Color::Rgb(r, g, b) = fg {
        codes.push(format!("38;2;{r};{g};{b}"));
    }
    if let Color::Rgb(r, g, b) = bg {
        codes.push(format!("48;2;{r};{g};{b}"));
    }
    format!("\x1b[{}m", codes.join(";"))
}
