//! The interactive REPL: `vex` on a terminal. A client of [`crate::session`]: the session
//! runs on its own thread ([`worker`]); this module turns keys into edits and events, and
//! the session's answers into lines inserted above an inline viewport ([`screen`]), so that
//! inputs and results go into the terminal's own scrollback and stay there after exit.
//!
//! [`App`] is the state (the editor, history, search, completion menu, the variables'
//! signatures) and reacts to keys and answers with [`Effect`]s; [`run`] owns the terminal
//! and applies them.

mod ansi;
mod complete;
mod editor;
mod graphics;
mod highlight;
mod history;
mod keys;
mod lint;
mod screen;
mod scrollback;
#[cfg(test)]
mod tests;
mod theme;
mod view;
mod worker;
mod wrap;

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use crossterm::event::{self, Event as TermEvent, KeyEvent};
use ratatui::text::{Line, Span};

use complete::{Menu, Tab};
use editor::Editor;
use graphics::picture::Picture;
use graphics::Detection;
use highlight::highlight;
use history::{History, Search};
use keys::Action;
use screen::Screen;
use theme::Theme;
use view::{Status, View};
use worker::{Answer, VarSigs, Worker};

use crate::session::{is_command, Cell, Command, Event, Notice, PlotMode, Session};

/// A running cell shows its progress line after this long.
pub const PROGRESS_AFTER: Duration = Duration::from_millis(300);

/// What the terminal should do after a key or an answer.
#[derive(Debug, PartialEq)]
pub enum Effect {
    /// Insert lines into the scrollback, above the viewport.
    Print(Vec<Line<'static>>),
    /// Insert a plot drawn as an image (its text if the screen has no room for it).
    Image(Box<Picture>),
    /// Clear the screen (Ctrl-L, `:clear`).
    Clear,
    Quit,
}

/// The REPL's state.
pub struct App {
    editor: Editor,
    history: History,
    search: Option<Search>,
    menu: Option<Menu>,
    /// The session's variables, as of its last answer.
    vars: VarSigs,
    worker: Worker,
    theme: Theme,
    /// A one-off message for the status line, cleared by the next key.
    hint: Option<String>,
    /// The terminal's columns and rows, for drawing plots.
    size: (u16, u16),
    /// What the terminal can show, found at start.
    graphics: Detection,
    /// The session's `:plots` setting, as of its last answer.
    plots: PlotMode,
}

impl App {
    #[cfg(test)]
    pub fn new(history: History, theme: Theme) -> App {
        App::with_session(history, theme, Session::new())
    }

    /// The REPL on a session set up beforehand (its settings from the environment).
    pub fn with_session(history: History, theme: Theme, session: Session) -> App {
        let plots = session.settings().plots;
        App {
            editor: Editor::new(),
            history,
            search: None,
            menu: None,
            vars: Vec::new(),
            worker: Worker::spawn(session),
            theme,
            hint: None,
            size: (80, 24),
            graphics: Detection::none("not asked"),
            plots,
        }
    }

    fn var_names(&self) -> Vec<String> {
        self.vars.iter().map(|(n, _)| n.clone()).collect()
    }

    pub fn busy(&self) -> bool {
        self.worker.busy_for().is_some()
    }

    /// Reacts to a key.
    pub fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match keys::action(key) {
            Some(action) => {
                self.hint = None;
                self.act(action)
            }
            None => Vec::new(),
        }
    }

    /// Pasted text goes in as typed, newlines included (nothing runs until Enter).
    pub fn paste(&mut self, text: &str) {
        if let Some(search) = &mut self.search {
            search.query.push_str(text.lines().next().unwrap_or(""));
            search.update(&self.history);
            return;
        }
        self.menu = None;
        self.editor.insert(text);
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        if self.search.is_some() {
            return self.search_act(action);
        }
        let action = match self.menu.take() {
            Some(menu) => match self.menu_act(menu, action) {
                Some(action) => action,
                None => return Vec::new(),
            },
            None => action,
        };
        let names = self.var_names();
        let e = &mut self.editor;
        let mut edited = true;
        match action {
            Action::Insert(c) => e.insert_char(c),
            Action::Enter => return self.enter(),
            Action::Newline => e.insert("\n"),
            Action::Left => e.left(),
            Action::Right => e.right(),
            Action::WordLeft => e.word_left(),
            Action::WordRight => e.word_right(),
            Action::Home => e.home(),
            Action::End => e.end(),
            Action::Backspace => e.backspace(),
            Action::Delete => e.delete(),
            Action::KillToEnd => e.kill_to_end(),
            Action::KillToStart => e.kill_to_start(),
            Action::KillWordBack => e.kill_word_back(),
            Action::KillWordForward => e.kill_word_forward(),
            Action::Yank => e.yank(),
            Action::Up => {
                edited = false;
                if !e.up() {
                    if let Some(entry) = self.history.back(e.text()) {
                        e.set_text(entry);
                    }
                }
            }
            Action::Down => {
                edited = false;
                if !e.down() {
                    if let Some(entry) = self.history.forward() {
                        e.set_text(entry);
                    }
                }
            }
            Action::Complete => {
                edited = false;
                match complete::tab(e, &names) {
                    Tab::Nothing => self.hint = Some("no completions".into()),
                    Tab::Inserted => {}
                    Tab::Menu(menu) => self.menu = Some(menu),
                }
            }
            Action::CompleteBack | Action::Escape => edited = false,
            Action::Search => {
                self.search = Some(Search::new(e.text()));
                edited = false;
            }
            Action::Interrupt => return self.interrupt(),
            Action::EndOfInput if e.is_empty() => return vec![Effect::Quit],
            Action::EndOfInput => e.delete(),
            Action::ClearScreen => return vec![Effect::Clear],
        }
        if edited {
            self.history.reset_position();
        }
        Vec::new()
    }

    /// A key while the menu is open: Tab and Shift-Tab move in it, Enter takes the
    /// selection, Esc puts the typed word back, typing narrows it. Returns the action
    /// when the menu is closed by a key that then acts as usual.
    fn menu_act(&mut self, mut menu: Menu, action: Action) -> Option<Action> {
        let e = &mut self.editor;
        match action {
            Action::Complete | Action::CompleteBack => {
                menu.step(e, action == Action::Complete);
                self.menu = Some(menu);
                None
            }
            Action::Enter if menu.selected.is_some() => {
                menu.accept(e);
                None
            }
            Action::Escape | Action::Interrupt => {
                menu.cancel(e);
                None
            }
            Action::Insert(c) if editor::is_word_char(c) => {
                e.insert_char(c);
                self.reopen_menu();
                None
            }
            Action::Backspace if e.cursor() > menu.completion.range.start => {
                e.backspace();
                self.reopen_menu();
                None
            }
            other => Some(other),
        }
    }

    /// After typing in an open menu: the menu for the new word, if several candidates
    /// remain.
    fn reopen_menu(&mut self) {
        let vars = self.var_names();
        let found = complete::complete(self.editor.text(), self.editor.cursor(), &vars);
        self.menu = found.filter(|c| c.items.len() > 1).map(|completion| Menu {
            typed: self.editor.text()[completion.range.clone()].to_string(),
            completion,
            selected: None,
        });
    }

    /// A key during Ctrl-R: typing refines the query, Ctrl-R finds an older match, Enter
    /// runs the match, Esc and Ctrl-C go back to the input as it was, other keys take the
    /// match into the editor and act there.
    fn search_act(&mut self, action: Action) -> Vec<Effect> {
        let search = self.search.as_mut().expect("searching");
        match action {
            Action::Insert(c) => {
                search.query.push(c);
                search.update(&self.history);
            }
            Action::Search => search.older(&self.history),
            Action::Backspace => search.pop(&self.history),
            Action::Escape | Action::Interrupt => {
                let original = search.original.clone();
                self.editor.set_text(&original);
                self.search = None;
            }
            other => {
                let found = self.search_text().to_string();
                self.editor.set_text(&found);
                self.search = None;
                return self.act(other);
            }
        }
        Vec::new()
    }

    /// The text a search shows: its match, or the input it started from.
    fn search_text(&self) -> &str {
        match &self.search {
            Some(Search {
                found: Some((i, _)),
                ..
            }) => &self.history.entries()[*i],
            Some(s) => &s.original,
            None => self.editor.text(),
        }
    }

    /// Enter: continues an unfinished expression on a new line, else runs the input.
    fn enter(&mut self) -> Vec<Effect> {
        let text = self.editor.text();
        if !is_command(text) && vex_expr::parser::is_incomplete(text) {
            self.editor.insert("\n");
            return Vec::new();
        }
        if self.busy() {
            self.hint = Some("a cell is still running (Ctrl-C cancels it)".into());
            return Vec::new();
        }
        let input = self.editor.take();
        if let Err(e) = self.history.add(&input) {
            self.hint = Some(format!("cannot save the history: {e}"));
        }
        let echo = scrollback::echo(&input, &self.theme);
        if is_command(&input) || !vex::is_blank(&input) {
            self.worker.send(Event::Submit(input));
        }
        vec![Effect::Print(echo)]
    }

    /// Ctrl-C: clears the input; on an empty one, says how to leave.
    fn interrupt(&mut self) -> Vec<Effect> {
        if self.busy() {
            if !self.worker.cancel() {
                self.hint = Some("this command cannot be cancelled".into());
            }
        } else if self.editor.is_empty() {
            self.hint = Some("Ctrl-D or :quit exits".into());
        } else {
            self.editor.take();
            self.history.reset_position();
        }
        Vec::new()
    }

    /// The session's answer: its cells' output into the scrollback.
    pub fn answer(&mut self, answer: Answer) -> Vec<Effect> {
        match answer {
            Answer::Notices {
                notices,
                vars,
                plots,
            } => {
                self.vars = vars;
                self.plots = plots;
                notices
                    .into_iter()
                    .enumerate()
                    .flat_map(|(k, n)| match n {
                        // The cells after the first were not typed (an `:open`'s):
                        // shown with their input, as if they had been.
                        Notice::Cell(cell) if k > 0 => {
                            self.show(&cell, scrollback::echo(&cell.input, &self.theme))
                        }
                        Notice::Cell(cell) => self.show(&cell, Vec::new()),
                        Notice::Cleared => vec![Effect::Clear],
                        Notice::Quit => vec![Effect::Quit],
                    })
                    .collect()
            }
            Answer::Panicked(message) => vec![Effect::Print(vec![Line::from(Span::styled(
                format!("internal error: the session panicked: {message}"),
                self.theme.error_message,
            ))])],
        }
    }

    /// A cell's output after `lines`: text, and plots as images where the `:plots`
    /// setting and the terminal allow; `:plots` also says what the terminal can show.
    fn show(&self, cell: &Cell, mut lines: Vec<Line<'static>>) -> Vec<Effect> {
        let graphics = graphics::choose(self.plots, &self.graphics);
        let mut effects = Vec::new();
        for block in scrollback::blocks(cell, &self.theme, self.size, graphics.as_ref()) {
            match block {
                scrollback::Block::Lines(more) => lines.extend(more),
                scrollback::Block::Picture(p) => {
                    if !lines.is_empty() {
                        effects.push(Effect::Print(std::mem::take(&mut lines)));
                    }
                    effects.push(Effect::Image(p));
                }
            }
        }
        let plots_command = is_command(&cell.input)
            && matches!(Command::parse(&cell.input), Ok((Command::Plots(_), _)));
        if plots_command && cell.error.is_none() {
            lines.push(Line::styled(
                self.graphics.describe(self.plots),
                self.theme.hint,
            ));
        }
        if !lines.is_empty() || effects.is_empty() {
            effects.push(Effect::Print(lines));
        }
        effects
    }

    /// The viewport for the current state.
    pub fn view(&self) -> View<'_> {
        let searching = self.search.is_some();
        let text = self.search_text();
        let (mark, diagnostic) = match &self.search {
            Some(s) => {
                let mark = s
                    .found
                    .map(|(_, at)| (at..at + s.query.len(), self.theme.search_match));
                (mark, None)
            }
            None => {
                let d = lint::diagnose(text, self.editor.cursor(), &self.vars);
                let mark = d
                    .as_ref()
                    .and_then(|d| d.span.clone())
                    .map(|s| (s, self.theme.error_span));
                (mark, d)
            }
        };
        let (line, before) = match &self.search {
            Some(_) => (
                text.matches('\n').count(),
                text.rsplit('\n').next().unwrap_or(""),
            ),
            None => self.editor.cursor_line(),
        };
        let col = wrap::str_width(before);
        let status = match (self.worker.busy_for(), &self.search, &self.menu) {
            (Some(elapsed), _, _) if elapsed >= PROGRESS_AFTER => {
                let running = self.worker.running();
                let progress = running.map(|r| r.progress).filter(|p| p.total > 0);
                Status::Running {
                    elapsed,
                    fraction: progress.map(|p| p.fraction()),
                    cancelled: running.is_some_and(|r| r.cancelled),
                }
            }
            (_, Some(s), _) => Status::Search {
                query: s.query.clone(),
                failed: s.failed(),
            },
            (_, None, Some(m)) => Status::Menu {
                selected: m.selected,
                total: m.completion.items.len(),
            },
            _ => match (&self.hint, diagnostic) {
                (Some(h), _) => Status::Hint(h.clone()),
                (None, Some(d)) => Status::Error(d.message),
                (None, None) => Status::Empty,
            },
        };
        View {
            input: highlight(text, mark, &self.theme),
            cursor: (line, col),
            menu: if searching { None } else { self.menu.as_ref() },
            status,
            theme: &self.theme,
        }
    }
}

/// Colours unless `NO_COLOR` is set (no-color.org).
fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Runs the REPL until Ctrl-D or `:quit`.
pub fn run() -> ExitCode {
    let theme = Theme::new(color());
    let mut notes = Vec::new();
    let history = match history::default_path() {
        Some(path) => History::load(path.clone()).unwrap_or_else(|e| {
            notes.push(format!("history not loaded from {}: {e}", path.display()));
            History::in_memory()
        }),
        None => History::in_memory(),
    };
    let mut session = Session::new();
    if let Some(value) = std::env::var_os("VEX_PLOTS").filter(|v| !v.is_empty()) {
        let value = value.to_string_lossy();
        match PlotMode::parse(value.trim()) {
            Some(mode) => session.settings_mut().plots = mode,
            None => notes.push(format!(
                "VEX_PLOTS={value:?} ignored: it takes text, image or auto"
            )),
        }
    }
    screen::install_panic_hook();
    let mut app = App::with_session(history, theme, session);
    let result = Screen::open().and_then(|mut screen| {
        // Asked once, before anything is drawn or read (the answers come on stdin).
        app.graphics = graphics::detect::detect();
        let mut greeting = vec![Line::from(Span::styled(
            format!(
                "vex {} · :help for help · Tab completes · Ctrl-R searches history · Ctrl-D quits",
                env!("CARGO_PKG_VERSION")
            ),
            app.theme.hint,
        ))];
        greeting.extend(
            notes
                .iter()
                .map(|n| Line::styled(n.clone(), app.theme.error_message)),
        );
        screen.insert(greeting)?;
        event_loop(&mut app, &mut screen)?;
        screen.close()
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            screen::restore();
            eprintln!("error: the terminal failed: {e}");
            ExitCode::from(1)
        }
    }
}

fn event_loop(app: &mut App, screen: &mut Screen) -> io::Result<()> {
    loop {
        screen.draw(|width, height| app.view().layout(width, height))?;
        let mut effects = Vec::new();
        app.size = screen.size()?;
        let wait = if app.busy() {
            if let Some(answer) = app.worker.wait(Duration::from_millis(50)) {
                effects.extend(app.answer(answer));
            }
            Duration::ZERO
        } else {
            Duration::from_secs(1)
        };
        if event::poll(wait)? {
            match event::read()? {
                TermEvent::Key(key) => effects.extend(app.key(key)),
                TermEvent::Paste(text) => app.paste(&text),
                _ => {}
            }
        }
        for effect in effects {
            match effect {
                Effect::Print(lines) => screen.insert(lines)?,
                Effect::Image(picture) => screen.insert_picture(&picture)?,
                Effect::Clear => screen.clear()?,
                Effect::Quit => return Ok(()),
            }
        }
    }
}
