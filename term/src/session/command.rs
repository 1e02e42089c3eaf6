//! The session's `:commands`: their parsed form and the parser from the text a user types.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::bindings::is_identifier;

/// Which engine evaluates cells (see [`vex::Backend`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    /// The reference interpreter.
    Interp,
    /// Native code from the JIT.
    Jit,
    /// The JIT for large work, the interpreter for small (the default).
    #[default]
    Auto,
}

impl BackendChoice {
    pub fn backend(self) -> vex::Backend {
        match self {
            BackendChoice::Interp => vex::Backend::Interpreter,
            BackendChoice::Jit => vex::Backend::Jit,
            BackendChoice::Auto => vex::Backend::Auto,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            BackendChoice::Interp => "interp",
            BackendChoice::Jit => "jit",
            BackendChoice::Auto => "auto",
        }
    }
}

/// How a client draws plots (see [`crate::plot`]): each client decides for itself what
/// `Auto` means (the terminal UI shows images where the terminal has an image protocol).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlotMode {
    /// Braille and half-block text graphics.
    Text,
    /// Raster images, where the client can show them (text elsewhere).
    Image,
    /// Images where the client can show them, text elsewhere (the default).
    #[default]
    Auto,
}

impl PlotMode {
    pub fn name(self) -> &'static str {
        match self {
            PlotMode::Text => "text",
            PlotMode::Image => "image",
            PlotMode::Auto => "auto",
        }
    }

    /// `text`, `image` or `auto`, as `:plots` and `VEX_PLOTS` take them.
    pub fn parse(word: &str) -> Option<PlotMode> {
        [PlotMode::Text, PlotMode::Image, PlotMode::Auto]
            .into_iter()
            .find(|m| m.name() == word)
    }
}

/// A session command, as `:name arguments` parses to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// `:help [topic]`.
    Help(Option<String>),
    /// `:vars`: the variables with their shapes, dtypes and memory.
    Vars,
    /// `:del NAME…`: forgets variables.
    Del(Vec<String>),
    /// `:load FILE [as NAME]`: binds an array read from a .npy file (the name defaults to
    /// the file's stem), or the columns of a numeric CSV file.
    Load { path: PathBuf, name: Option<String> },
    /// `:save NAME FILE.npy`: writes a variable to a file.
    Save { name: String, path: PathBuf },
    /// `:save FILE.md`: writes the log as a Markdown notebook (see [`crate::notebook`]).
    SaveNotebook(PathBuf),
    /// `:open FILE.md`: runs a notebook's cells in this session, each logged as if typed.
    Open(PathBuf),
    /// `:saveplot [N] FILE.png`: writes the last plot (or cell N's) as a PNG image.
    SavePlot { cell: Option<u64>, path: PathBuf },
    /// `:time EXPR`: runs an expression repeatedly and reports the median time.
    Time(String),
    /// `:explain EXPR`: the kernels an expression compiles to.
    Explain(String),
    /// `:backend [interp|jit|auto]`: shows or sets the backend.
    Backend(Option<BackendChoice>),
    /// `:threads [N]`: shows or sets the JIT's thread count.
    Threads(Option<usize>),
    /// `:plots [text|image|auto]`: shows or sets how plots are drawn.
    Plots(Option<PlotMode>),
    /// `:clear`: empties the log of cells (variables stay).
    Clear,
    /// `:quit`: ends the session.
    Quit,
}

/// Every command's name, for `:help` and suggestions.
pub const NAMES: [&str; 14] = [
    "help", "vars", "del", "load", "save", "saveplot", "open", "time", "explain", "backend",
    "threads", "plots", "clear", "quit",
];

/// A command that does not parse: the message, and the byte range of the input it is
/// about (for a caret under it).
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: (usize, usize),
    pub help: Option<String>,
}

impl Command {
    /// Parses `input`, which starts with `:` (after optional blanks). Expressions in
    /// `:time` and `:explain` are returned as written, with the byte offset at which they
    /// start in `input` (so that their errors can point into it).
    pub fn parse(input: &str) -> Result<(Command, usize), ParseError> {
        let trimmed = input.trim_start();
        let colon = input.len() - trimmed.len();
        let body = trimmed.strip_prefix(':').unwrap_or(trimmed);
        let name_start = colon + (trimmed.len() - body.len());
        let name_len = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
        let name = &body[..name_len];
        let rest_raw = &body[name_len..];
        let rest_start = name_start + name_len + (rest_raw.len() - rest_raw.trim_start().len());
        let rest = rest_raw.trim();
        let words: Vec<&str> = rest.split_whitespace().collect();
        let name_span = (name_start, name_start + name_len);
        let rest_span = (rest_start, rest_start + rest.len());
        let err = |message: String, span: (usize, usize)| ParseError {
            message,
            span,
            help: None,
        };
        let usage = |u: &str| err(format!("usage: {u}"), rest_span);
        let no_args = |cmd: Command| {
            if words.is_empty() {
                Ok(cmd)
            } else {
                Err(err(format!(":{name} takes no arguments"), rest_span))
            }
        };
        let command = match name {
            "help" | "h" | "?" => match words.as_slice() {
                [] => Ok(Command::Help(None)),
                [topic] => Ok(Command::Help(Some(topic.trim_start_matches(':').into()))),
                _ => Err(usage(":help [TOPIC]")),
            },
            "vars" | "who" => no_args(Command::Vars),
            "del" => {
                if words.is_empty() {
                    return Err(usage(":del NAME..."));
                }
                if let Some(bad) = words.iter().find(|w| !is_identifier(w)) {
                    return Err(err(format!("'{bad}' is not a variable name"), rest_span));
                }
                Ok(Command::Del(words.iter().map(|w| w.to_string()).collect()))
            }
            "load" => match words.as_slice() {
                [path] => Ok(Command::Load {
                    path: path.into(),
                    name: None,
                }),
                [path, "as", name] if is_identifier(name) => Ok(Command::Load {
                    path: path.into(),
                    name: Some(name.to_string()),
                }),
                _ => Err(usage(":load FILE [as NAME]")),
            },
            "save" => match words.as_slice() {
                [name, path] if is_identifier(name) => Ok(Command::Save {
                    name: name.to_string(),
                    path: path.into(),
                }),
                [path] if is_markdown(path) => Ok(Command::SaveNotebook(path.into())),
                _ => Err(usage(
                    ":save NAME FILE.npy, or :save FILE.md for a notebook",
                )),
            },
            "open" => match words.as_slice() {
                [path] => Ok(Command::Open(path.into())),
                _ => Err(usage(":open FILE.md")),
            },
            "saveplot" => match words.as_slice() {
                [path] => Ok(Command::SavePlot {
                    cell: None,
                    path: path.into(),
                }),
                [n, path] => match n.parse::<u64>() {
                    Ok(n) => Ok(Command::SavePlot {
                        cell: Some(n),
                        path: path.into(),
                    }),
                    Err(_) => Err(err(
                        format!("expected a cell number, not '{n}'"),
                        (rest_start, rest_start + n.len()),
                    )),
                },
                _ => Err(usage(":saveplot [N] FILE.png")),
            },
            "time" | "timeit" if !rest.is_empty() => Ok(Command::Time(rest.into())),
            "time" | "timeit" => Err(usage(":time EXPR")),
            "explain" if !rest.is_empty() => Ok(Command::Explain(rest.into())),
            "explain" => Err(usage(":explain EXPR")),
            "backend" => match words.as_slice() {
                [] => Ok(Command::Backend(None)),
                ["interp" | "interpreter"] => Ok(Command::Backend(Some(BackendChoice::Interp))),
                ["jit"] => Ok(Command::Backend(Some(BackendChoice::Jit))),
                ["auto"] => Ok(Command::Backend(Some(BackendChoice::Auto))),
                _ => Err(usage(":backend [interp|jit|auto]")),
            },
            "threads" => match words.as_slice() {
                [] => Ok(Command::Threads(None)),
                [n] => match n.parse::<usize>() {
                    Ok(n) if n > 0 => Ok(Command::Threads(Some(n))),
                    _ => Err(err(
                        format!("the thread count must be a positive integer, not '{n}'"),
                        rest_span,
                    )),
                },
                _ => Err(usage(":threads [N]")),
            },
            "plots" => match words.as_slice() {
                [] => Ok(Command::Plots(None)),
                [mode] => match PlotMode::parse(mode) {
                    Some(m) => Ok(Command::Plots(Some(m))),
                    None => Err(usage(":plots [text|image|auto]")),
                },
                _ => Err(usage(":plots [text|image|auto]")),
            },
            "clear" | "cls" => no_args(Command::Clear),
            "quit" | "q" | "exit" => no_args(Command::Quit),
            "" => Err(err(
                "expected a command after ':'".into(),
                (colon, colon + 1),
            )),
            other => Err(ParseError {
                message: format!("unknown command ':{other}'"),
                span: name_span,
                help: Some(match vex_expr::error::did_you_mean(other, NAMES) {
                    Some(s) => format!("did you mean ':{s}'?"),
                    None => "':help' lists the commands".into(),
                }),
            }),
        }?;
        Ok((command, rest_start))
    }
}

/// Whether `path` names a Markdown file (`.md`, any case), which `:save` writes as a
/// notebook.
fn is_markdown(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// Whether `input` is a command rather than code: its first non-blank character is `:`.
pub fn is_command(input: &str) -> bool {
    input.trim_start().starts_with(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Command {
        Command::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}")).0
    }

    #[test]
    fn every_command_parses() {
        assert_eq!(parse(":help"), Command::Help(None));
        assert_eq!(parse(":help :load"), Command::Help(Some("load".into())));
        assert_eq!(parse(":vars"), Command::Vars);
        assert_eq!(
            parse(":del a b"),
            Command::Del(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            parse(":load data/x.npy"),
            Command::Load {
                path: "data/x.npy".into(),
                name: None
            }
        );
        assert_eq!(
            parse("  :load x.npy as y "),
            Command::Load {
                path: "x.npy".into(),
                name: Some("y".into())
            }
        );
        assert_eq!(
            parse(":save y out.npy"),
            Command::Save {
                name: "y".into(),
                path: "out.npy".into()
            }
        );
        assert_eq!(
            parse(":save notes/s.MD"),
            Command::SaveNotebook("notes/s.MD".into())
        );
        assert_eq!(parse(":open s.md"), Command::Open("s.md".into()));
        assert_eq!(
            parse(":saveplot p.png"),
            Command::SavePlot {
                cell: None,
                path: "p.png".into()
            }
        );
        assert_eq!(
            parse(":saveplot 12 out/p.png"),
            Command::SavePlot {
                cell: Some(12),
                path: "out/p.png".into()
            }
        );
        assert_eq!(parse(":backend"), Command::Backend(None));
        assert_eq!(
            parse(":backend jit"),
            Command::Backend(Some(BackendChoice::Jit))
        );
        assert_eq!(parse(":threads 4"), Command::Threads(Some(4)));
        assert_eq!(parse(":plots"), Command::Plots(None));
        assert_eq!(parse(":plots image"), Command::Plots(Some(PlotMode::Image)));
        assert_eq!(parse(":plots  text "), Command::Plots(Some(PlotMode::Text)));
        assert_eq!(parse(":plots auto"), Command::Plots(Some(PlotMode::Auto)));
        assert_eq!(parse(":clear"), Command::Clear);
        assert_eq!(parse(":q"), Command::Quit);
    }

    #[test]
    fn expressions_keep_their_offset() {
        let input = ":time  sum(x * 2) ";
        let (cmd, at) = Command::parse(input).unwrap();
        assert_eq!(cmd, Command::Time("sum(x * 2)".into()));
        assert_eq!(&input[at..at + 10], "sum(x * 2)");
        let (cmd, at) = Command::parse(":explain a+b").unwrap();
        assert_eq!((cmd, at), (Command::Explain("a+b".into()), 9));
    }

    #[test]
    fn mistakes_say_what_is_expected() {
        let e = Command::parse(":lod x.npy").unwrap_err();
        assert_eq!(e.message, "unknown command ':lod'");
        assert_eq!(e.span, (1, 4));
        assert_eq!(e.help.as_deref(), Some("did you mean ':load'?"));
        let e = Command::parse(":save x").unwrap_err();
        assert_eq!(
            e.message,
            "usage: :save NAME FILE.npy, or :save FILE.md for a notebook"
        );
        assert!(Command::parse(":save x.npy").is_err());
        assert!(Command::parse(":open").is_err());
        assert!(Command::parse(":open a.md b.md").is_err());
        let e = Command::parse(":threads 0").unwrap_err();
        assert!(e.message.contains("positive integer"), "{}", e.message);
        assert!(Command::parse(":vars x").is_err());
        assert!(Command::parse(":del 1x").is_err());
        assert!(Command::parse(":time").is_err());
        let e = Command::parse(":saveplot x p.png").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.span),
            ("expected a cell number, not 'x'", (10, 11))
        );
        assert!(Command::parse(":saveplot").is_err());
        assert!(Command::parse(":backend gpu").is_err());
        let e = Command::parse(":plots sixel").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.span),
            ("usage: :plots [text|image|auto]", (7, 12))
        );
        assert!(Command::parse(":plots text image").is_err());
        assert_eq!(Command::parse(":").unwrap_err().span, (0, 1));
        assert!(is_command("  :vars") && !is_command("x = 1"));
    }
}
