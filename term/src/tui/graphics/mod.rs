//! Plots as raster images in the scrollback, for terminals with an image protocol (kitty,
//! sixel, iTerm2): what the terminal can show ([`detect`]), whether a plot is drawn as an
//! image or as text ([`choose`], from the session's `:plots` setting), and the image itself
//! ([`picture`]: drawn by [`crate::plot::raster`], encoded by ratatui-image, written above
//! the viewport so that it stays in the scrollback).

pub mod detect;
pub mod picture;

use crate::session::PlotMode;

/// An image protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// kitty's graphics protocol, with Unicode placeholders (kitty, Ghostty).
    Kitty,
    /// kitty's graphics protocol, the image placed at the cursor (kitty before 0.28,
    /// which has no placeholders).
    KittyPlaced,
    /// DEC sixels (xterm -ti vt340, foot, mlterm, Windows Terminal, tmux built with them).
    Sixel,
    /// iTerm2's inline images (iTerm2, WezTerm, mintty, VS Code).
    Iterm2,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Kitty => "kitty graphics",
            Protocol::KittyPlaced => "kitty graphics (placed at the cursor)",
            Protocol::Sixel => "sixel",
            Protocol::Iterm2 => "iTerm2 inline images",
        }
    }
}

/// How images are sent to this terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Graphics {
    pub protocol: Protocol,
    /// The pixels of one cell, (width, height): images are drawn at the terminal's own
    /// resolution.
    pub cell: (u16, u16),
    /// Sequences go through tmux's passthrough to the terminal outside: only for images
    /// forced inside a tmux that answered for none (its own sixels need no wrapping).
    pub tmux: bool,
    /// kitty: the terminal inflates zlib-compressed pixels (`o=z`), a plot's flat
    /// colours shrink from megabytes to tens of kilobytes.
    pub compress: bool,
}

/// The cell size assumed when the terminal does not tell it (ratatui-image's default).
pub const DEFAULT_CELL: (u16, u16) = (10, 20);

/// What was found out about the terminal at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    /// The protocol the terminal reported (or is known by its environment to have), with
    /// its cell size; `None` when images are not known to work.
    pub found: Option<Graphics>,
    /// The protocol to use when `:plots image` forces images without one found: a hint
    /// from the environment, else sixel, the most widely implemented.
    pub guess: Graphics,
    /// Why, in words, for `:plots` ("no answer within 500 ms", "tmux", …).
    pub note: String,
}

impl Detection {
    /// Nothing known: text only (tests, and terminals that are not asked).
    pub fn none(note: impl Into<String>) -> Detection {
        Detection {
            found: None,
            guess: Graphics {
                protocol: Protocol::Sixel,
                cell: DEFAULT_CELL,
                tmux: false,
                compress: false,
            },
            note: note.into(),
        }
    }

    /// The line `:plots` adds in the terminal: what was found and what plots become.
    pub fn describe(&self, mode: PlotMode) -> String {
        let found = match &self.found {
            Some(g) => format!(
                "terminal: {}, cells of {}×{} px",
                g.protocol.name(),
                g.cell.0,
                g.cell.1
            ),
            None => format!("terminal: no image protocol found ({})", self.note),
        };
        let drawn = match (choose(mode, self), &self.found) {
            (None, _) => "plots are drawn as text".to_string(),
            (Some(_), Some(_)) => "plots are drawn as images".to_string(),
            (Some(g), None) => format!(
                "plots are drawn as {} images anyway (cells taken as {}×{} px)",
                g.protocol.name(),
                g.cell.0,
                g.cell.1
            ),
        };
        format!("{found}; {drawn}")
    }
}

/// How plots are drawn: as images with these graphics, or as text (`None`). `auto` uses
/// images only where the terminal was found to show them; `image` uses them everywhere
/// (with the guessed protocol where none was found); `text` never.
pub fn choose(mode: PlotMode, detection: &Detection) -> Option<Graphics> {
    match mode {
        PlotMode::Text => None,
        PlotMode::Auto => detection.found,
        PlotMode::Image => Some(detection.found.unwrap_or(detection.guess)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sixel(cell: (u16, u16)) -> Graphics {
        Graphics {
            protocol: Protocol::Sixel,
            cell,
            tmux: false,
            compress: false,
        }
    }

    #[test]
    fn the_setting_and_what_was_found_decide() {
        let kitty = Graphics {
            protocol: Protocol::Kitty,
            cell: (9, 18),
            tmux: false,
            compress: true,
        };
        let found = Detection {
            found: Some(kitty),
            ..Detection::none("")
        };
        let nothing = Detection::none("tmux");
        assert_eq!(choose(PlotMode::Auto, &found), Some(kitty));
        assert_eq!(choose(PlotMode::Image, &found), Some(kitty));
        assert_eq!(choose(PlotMode::Text, &found), None);
        assert_eq!(choose(PlotMode::Auto, &nothing), None);
        assert_eq!(choose(PlotMode::Text, &nothing), None);
        assert_eq!(
            choose(PlotMode::Image, &nothing),
            Some(sixel(DEFAULT_CELL)),
            "forced: the guess"
        );
        assert_eq!(
            found.describe(PlotMode::Auto),
            "terminal: kitty graphics, cells of 9×18 px; plots are drawn as images"
        );
        assert_eq!(
            found.describe(PlotMode::Text),
            "terminal: kitty graphics, cells of 9×18 px; plots are drawn as text"
        );
        assert_eq!(
            nothing.describe(PlotMode::Auto),
            "terminal: no image protocol found (tmux); plots are drawn as text"
        );
        assert_eq!(
            nothing.describe(PlotMode::Image),
            "terminal: no image protocol found (tmux); plots are drawn as sixel images \
             anyway (cells taken as 10×20 px)"
        );
    }
}
