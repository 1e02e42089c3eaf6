//! The terminal: raw mode, an inline viewport at the bottom whose height follows its
//! content, output inserted above it into the real scrollback, and the terminal restored
//! on every way out (a normal exit, an error, a panic).
//!
//! ratatui fixes an inline viewport's height when the terminal is made, so a new height
//! means a new `Terminal` on the same screen row (the cursor is put at the old viewport's
//! top first, which is where the new one starts).

use std::io::{self, Stdout, Write};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};
use ratatui::backend::{Backend, ClearType, CrosstermBackend};
use ratatui::layout::Position;
use ratatui::text::Line;
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::graphics::picture::{self, Picture};
use super::view::Layout;
use super::wrap::wrap_all;

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Puts the terminal back as it was: cooked mode, no bracketed paste, a visible cursor.
/// Safe to call more than once and from a panic hook.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableBracketedPaste, cursor::Show);
}

/// Installs a panic hook that restores the terminal before the panic is reported, except
/// on the session's thread, whose panics the worker catches and shows as an error.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some(super::worker::THREAD_NAME) {
            return;
        }
        restore();
        previous(info);
    }));
}

/// The terminal in raw mode with the viewport.
pub struct Screen {
    terminal: Term,
    height: u16,
}

fn open_terminal(height: u16) -> io::Result<Term> {
    Terminal::with_options(
        CrosstermBackend::new(io::stdout()),
        TerminalOptions {
            viewport: Viewport::Inline(height),
        },
    )
}

impl Screen {
    /// Raw mode and a viewport of one row at the cursor.
    pub fn open() -> io::Result<Screen> {
        enable_raw_mode()?;
        execute!(io::stdout(), EnableBracketedPaste)?;
        let height = 1;
        Ok(Screen {
            terminal: open_terminal(height)?,
            height,
        })
    }

    pub fn size(&self) -> io::Result<(u16, u16)> {
        let s = self.terminal.size()?;
        Ok((s.width, s.height))
    }

    /// Gives the viewport `height` rows: clears the old one and opens the new one at
    /// its top.
    fn set_height(&mut self, height: u16) -> io::Result<()> {
        if height == self.height {
            return Ok(());
        }
        self.clear_viewport()?;
        self.terminal = open_terminal(height)?;
        self.height = height;
        Ok(())
    }

    /// Blanks the viewport's rows, one by one, and leaves the cursor at its top. (Not
    /// one "clear to the end of the screen": from the top-left corner, tmux takes that
    /// for clearing the screen and first scrolls the screen into its history.)
    fn clear_viewport(&mut self) -> io::Result<()> {
        let area = self.terminal.get_frame().area();
        let backend = self.terminal.backend_mut();
        for y in area.top()..area.bottom() {
            backend.set_cursor_position(Position::new(0, y))?;
            backend.clear_region(ClearType::CurrentLine)?;
        }
        backend.set_cursor_position(Position::new(0, area.top()))?;
        Backend::flush(backend)
    }

    /// Draws the viewport, resized to the rows laid out by `layout` (given the width and
    /// the terminal's height).
    pub fn draw(&mut self, layout: impl Fn(u16, u16) -> Layout) -> io::Result<()> {
        let (width, height) = self.size()?;
        let laid = layout(width, height);
        self.set_height(laid.rows.len().max(1) as u16)?;
        self.terminal.draw(|frame| {
            let area = frame.area();
            frame.render_widget(&laid, area);
            frame.set_cursor_position(Position::new(
                area.x + laid.cursor.x,
                area.y + laid.cursor.y,
            ));
        })?;
        Ok(())
    }

    /// Inserts lines above the viewport, wrapped at the terminal's width.
    pub fn insert(&mut self, lines: Vec<Line<'static>>) -> io::Result<()> {
        let (width, _) = self.size()?;
        let rows = wrap_all(lines, usize::from(width));
        for chunk in rows.chunks(1000) {
            self.terminal.insert_before(chunk.len() as u16, |buf| {
                for (i, row) in chunk.iter().enumerate() {
                    buf.set_line(0, i as u16, row, width);
                }
            })?;
        }
        Ok(())
    }

    /// Inserts a plot's image above the viewport, or its text where the screen has no
    /// room for the image.
    pub fn insert_picture(&mut self, p: &Picture) -> io::Result<()> {
        if picture::fits(p, self.height, self.size()?) {
            picture::insert(&mut self.terminal, p)
        } else {
            self.insert(p.fallback.clone())
        }
    }

    /// Ctrl-L: an empty screen with the viewport at the top (the scrollback stays).
    pub fn clear(&mut self) -> io::Result<()> {
        let backend = self.terminal.backend_mut();
        backend.clear_region(ClearType::All)?;
        backend.set_cursor_position(Position::ORIGIN)?;
        Backend::flush(backend)?;
        self.terminal = open_terminal(self.height)?;
        Ok(())
    }

    /// Leaves: the viewport cleared, the cursor where it started, so that the shell's
    /// prompt follows the last output.
    pub fn close(mut self) -> io::Result<()> {
        self.clear_viewport()?;
        drop(self);
        restore();
        io::stdout().flush()
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}
