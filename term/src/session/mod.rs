//! The session model every client of vex sits on (the script runner today, the terminal UI
//! and shared sessions next): variables, the ordered log of cells and settings, driven only
//! through [`Event`]s, each answered with [`Notice`]s. No terminal or network code lives
//! here, and the whole session serialises with serde (see [`store`] for how arrays are
//! written), so that it can be saved, restored or sent to another client.
//!
//! A cell is one input: statements (`x = linspace(0, 1, 5); y = x**2`), evaluated in one
//! fused run by [`vex::Context::run_cell`], or a `:command`. A failing cell changes nothing
//! but the log: its assignments are all or nothing.

pub(crate) mod base64;
mod command;
mod exec;
mod help;
mod interrupt;
mod open;
pub(crate) mod plotparse;
pub(crate) mod plotrun;
#[cfg(test)]
mod plottests;
mod store;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use vex::{Array, Context, Value};

pub use command::{is_command, BackendChoice, Command, PlotMode};
#[allow(unused_imports)] // for the terminal UI; the script runner needs only `handle`
pub use interrupt::{Interrupt, Running};

/// What a client asks of the session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// Text the user entered: statements, or a `:command` (which the session parses).
    Submit(String),
    /// A command given directly (a menu, a key binding such as Ctrl-D for `:quit`).
    Command(Command),
}

/// What the session tells its clients in answer to an event. The event's own cell comes
/// first; only `:open` adds more: one cell per notebook cell it ran, which a client shows
/// with its input, as if it had been typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// A cell finished and was appended to the log (this is a copy of it).
    Cell(Cell),
    /// The log of cells was emptied (`:clear`).
    Cleared,
    /// The session is over (`:quit`).
    Quit,
}

/// One entry of the log: an input and what came of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Counts the cells of the session from 1 (`:clear` does not reset it).
    pub number: u64,
    /// The text that was entered (for a [`Event::Command`], the command as it is typed).
    pub input: String,
    /// What the cell printed, in order.
    pub outputs: Vec<Output>,
    /// Why the cell failed, if it did; a failed cell binds nothing.
    pub error: Option<CellError>,
    /// The variables the cell assigned (or loaded), in order.
    pub bound: Vec<String>,
    /// Wall-clock time the cell took, in nanoseconds.
    pub elapsed_ns: u64,
}

/// Something a cell printed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Output {
    /// The value of an expression, printed NumPy-style by [`crate::print::display`].
    Value {
        dtype: String,
        shape: Vec<usize>,
        text: String,
    },
    /// The text a command printed.
    Text(String),
    /// A plot (`plot(x, y)`, `scatter`, `hist`, `imshow`), drawn by each client for its
    /// size (see [`crate::plot`]).
    Plot(crate::plot::PlotSpec),
}

impl Output {
    fn value(a: &Array) -> Output {
        Output::Value {
            dtype: a.dtype().name().to_string(),
            shape: a.shape().to_vec(),
            text: crate::print::display(a),
        }
    }

    /// The text to show; a plot has none (draw it with [`crate::plot`]).
    pub fn text(&self) -> &str {
        match self {
            Output::Value { text, .. } | Output::Text(text) => text,
            Output::Plot(_) => "",
        }
    }
}

/// Why a cell failed. The span is a byte range of the cell's input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellError {
    pub message: String,
    pub span: Option<(usize, usize)>,
    pub help: Option<String>,
}

impl CellError {
    /// An error without a place in the input.
    fn plain(message: impl Into<String>) -> CellError {
        CellError {
            message: message.into(),
            span: None,
            help: None,
        }
    }

    /// Whether this is the error of a cancelled evaluation (see [`Interrupt`]).
    pub fn is_cancel(&self) -> bool {
        self.message == "cancelled"
    }

    /// A vex error about text that starts `offset` bytes into the cell's input.
    fn from_vex(e: &vex::Error, offset: usize) -> CellError {
        CellError {
            message: e.message.clone(),
            span: e.span.map(|s| (s.start + offset, s.end + offset)),
            help: e.help.clone(),
        }
    }

    /// The error with the line of `source` it is about and a caret under its span;
    /// `source` is the cell's input, or a text that contains it at `offset`.
    pub fn render(&self, source: &str, offset: usize, color: bool) -> String {
        let mut e = match self.span {
            Some((start, end)) => vex::Error::at(
                vex::ErrorKind::Input,
                vex::Span::new(start + offset, end + offset),
                self.message.clone(),
            ),
            None => vex::Error::new(vex::ErrorKind::Input, self.message.clone()),
        };
        e.help = self.help.clone();
        e.locate(source).render(source, color)
    }
}

/// How cells are evaluated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The engine (`:backend`).
    pub backend: BackendChoice,
    /// The JIT's thread count (`:threads`); `None` leaves the default (`VEX_NUM_THREADS`
    /// or all cores).
    pub threads: Option<usize>,
    /// How clients draw plots (`:plots`); absent from sessions saved before it existed.
    #[serde(default)]
    pub plots: PlotMode,
}

/// Variables, the log of cells and settings; see the module documentation.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Session {
    #[serde(with = "store::vars")]
    vars: BTreeMap<String, Value>,
    cells: Vec<Cell>,
    settings: Settings,
    next_number: u64,
    /// The compilation context, rebuilt for the settings after a restore.
    #[serde(skip)]
    engine: Engine,
    /// The evaluation in progress, for clients on other threads.
    #[serde(skip)]
    interrupt: Interrupt,
    /// The notebooks `:open` is running, outermost first (one cannot open itself).
    #[serde(skip)]
    opening: Vec<std::path::PathBuf>,
}

/// The compilation context for the current settings, and the thread count applied.
#[derive(Debug, Default)]
struct Engine {
    context: Option<Context>,
    threads_applied: Option<usize>,
}

impl Engine {
    fn context(&mut self, settings: &Settings) -> &Context {
        if let Some(n) = settings.threads {
            if self.threads_applied != Some(n) {
                vex::set_threads(n);
                self.threads_applied = Some(n);
            }
        }
        let backend = settings.backend.backend();
        if self.context.as_ref().map(Context::backend) != Some(backend) {
            self.context = Some(Context::with_backend(backend));
        }
        self.context.as_ref().expect("just set")
    }
}

/// The variables as operands of an evaluation.
fn operands(vars: &BTreeMap<String, Value>) -> vex::Vars<'_> {
    vars.iter().map(|(n, v)| (n, v.operand())).collect()
}

/// What running one cell gave, before it is logged.
#[derive(Default)]
struct Outcome {
    outputs: Vec<Output>,
    bound: Vec<String>,
    error: Option<CellError>,
}

impl Outcome {
    fn text(text: impl Into<String>) -> Outcome {
        Outcome {
            outputs: vec![Output::Text(text.into())],
            ..Outcome::default()
        }
    }

    fn error(error: CellError) -> Outcome {
        Outcome {
            error: Some(error),
            ..Outcome::default()
        }
    }
}

impl Session {
    /// An empty session with default settings.
    pub fn new() -> Session {
        Session::default()
    }

    /// Handles one event. Blank input gives no notice; everything else one.
    pub fn handle(&mut self, event: Event) -> Vec<Notice> {
        let (input, command) = match event {
            Event::Submit(text) if is_command(&text) => match Command::parse(&text) {
                Ok((command, offset)) => (text, Some((command, offset))),
                Err(e) => {
                    let error = CellError {
                        message: e.message,
                        span: Some(e.span),
                        help: e.help,
                    };
                    return vec![self.log(text, Outcome::error(error), Instant::now())];
                }
            },
            Event::Submit(text) if vex::is_blank(&text) => return Vec::new(),
            Event::Submit(text) => (text, None),
            Event::Command(command) => {
                let (text, offset) = command.text();
                (text, Some((command, offset)))
            }
        };
        let start = Instant::now();
        let outcome = match command {
            None => self.run_code(&input),
            Some((Command::Clear, _)) => {
                self.cells.clear();
                return vec![Notice::Cleared];
            }
            Some((Command::Quit, _)) => return vec![Notice::Quit],
            Some((Command::Open(path), _)) => return self.open(input, &path),
            Some((command, offset)) => self.run_command(command, offset),
        };
        vec![self.log(input, outcome, start)]
    }

    /// Submits text: shorthand for `handle(Event::Submit(text))`.
    #[allow(dead_code)] // for the terminal UI; the script runner needs only `handle`
    pub fn submit(&mut self, text: &str) -> Vec<Notice> {
        self.handle(Event::Submit(text.to_string()))
    }

    /// The variables, by name.
    #[allow(dead_code)] // for the terminal UI; the script runner needs only `handle`
    pub fn vars(&self) -> &BTreeMap<String, Value> {
        &self.vars
    }

    /// The log of cells, oldest first.
    #[allow(dead_code)] // for the terminal UI; the script runner needs only `handle`
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The settings.
    #[allow(dead_code)] // for the terminal UI; the script runner needs only `handle`
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The settings, for a client that sets them before the first cell (`VEX_PLOTS`).
    #[allow(dead_code)] // for the terminal UI; the script runner needs only `handle`
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// A handle another thread can use to follow and cancel the cell this session is
    /// evaluating while [`Session::handle`] runs (see [`Interrupt`]). Take it before moving
    /// the session to a worker thread; every clone sees every later evaluation.
    #[allow(dead_code)] // for the terminal UI; the script runner needs only `handle`
    pub fn interrupt(&self) -> Interrupt {
        self.interrupt.clone()
    }

    fn log(&mut self, input: String, outcome: Outcome, start: Instant) -> Notice {
        self.next_number += 1;
        let cell = Cell {
            number: self.next_number,
            input,
            outputs: outcome.outputs,
            error: outcome.error,
            bound: outcome.bound,
            elapsed_ns: u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX),
        };
        self.cells.push(cell.clone());
        Notice::Cell(cell)
    }

    /// Runs statements: all assignments take effect together, or none do.
    fn run_code(&mut self, code: &str) -> Outcome {
        // Plot statements are replaced by assignments of their arguments (see [`plotrun`]).
        let plots = match plotrun::rewrite(code, |n| self.vars.contains_key(n)) {
            Ok(p) => p,
            Err(e) => return Outcome::error(e),
        };
        let source = plots.as_ref().map_or(code, |p| p.source.as_str());
        let vars = operands(&self.vars);
        let evaluation = self.interrupt.begin();
        let result =
            self.engine
                .context(&self.settings)
                .run_cell_with(source, &vars, &evaluation.control);
        drop(evaluation);
        drop(vars);
        match result {
            Ok(cell) => {
                let mut outputs: Vec<Output> = cell.outputs.iter().map(Output::value).collect();
                let mut bindings = cell.bindings;
                if let Some(plots) = &plots {
                    let hidden;
                    (hidden, bindings) = bindings
                        .into_iter()
                        .partition(|(name, _)| plotrun::is_hidden(name));
                    // The plots come first: vex's outputs are the cell's final expression.
                    match plots.plots(&hidden.into_iter().collect(), &self.vars) {
                        Ok(p) => outputs = p.into_iter().chain(outputs).collect(),
                        Err(e) => return Outcome::error(e),
                    }
                }
                let mut bound = Vec::new();
                for (name, value) in bindings {
                    self.vars.insert(name.clone(), value);
                    bound.push(name);
                }
                Outcome {
                    outputs,
                    bound,
                    error: None,
                }
            }
            Err(e) => Outcome::error(match &plots {
                Some(p) => p.error(&e),
                None => CellError::from_vex(&e, 0),
            }),
        }
    }
}
