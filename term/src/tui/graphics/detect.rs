//! What the terminal can show, asked once at start: ratatui-image's capability query
//! (kitty's graphics query and whether kitty takes compressed pixels, the device
//! attributes that list sixels, the cell size in pixels, then a status report every
//! terminal answers), its parser for the answers, and
//! the environment for what a query cannot tell (iTerm2's protocol, tmux, known bugs).
//!
//! The answers are read here, with a timeout, by polling stdin: ratatui-image's own
//! `Picker::from_query_stdio` reads on a thread that stays blocked on stdin when nothing
//! answers (it would then take the user's first keys) and turns on tmux's passthrough for
//! the pane. Inside tmux the query goes to tmux itself, which answers for what it can keep
//! in its own history: sixels when built with them, never kitty or iTerm2 images.

use std::time::Duration;

use ratatui_image::picker::cap_parser::{Parser, Response};

use super::{Detection, Graphics, Protocol, DEFAULT_CELL};

/// How long to wait for the terminal's answers. Terminals answer in milliseconds; this
/// bounds the start-up delay where something in between swallows the query.
pub const TIMEOUT: Duration = Duration::from_millis(500);

/// The environment variables that say which terminal this is.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub term: String,
    pub term_program: String,
    pub lc_terminal: String,
    /// `TMUX` is set.
    pub tmux: bool,
    /// `KITTY_WINDOW_ID` is set (kitty, or a tmux started in kitty).
    pub kitty_window: bool,
    /// `KONSOLE_VERSION` is set.
    pub konsole: bool,
}

impl Env {
    pub fn from_process() -> Env {
        let var = |name| std::env::var(name).unwrap_or_default();
        let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        Env {
            term: var("TERM"),
            term_program: var("TERM_PROGRAM"),
            lc_terminal: var("LC_TERMINAL"),
            tmux: set("TMUX") || var("TERM_PROGRAM") == "tmux",
            kitty_window: set("KITTY_WINDOW_ID"),
            konsole: set("KONSOLE_VERSION"),
        }
    }

    /// Why not to query at all: terminals that would print the query as text.
    pub fn skip_query(&self) -> Option<String> {
        match self.term.as_str() {
            "" | "dumb" => Some(format!("TERM={:?}", self.term)),
            "linux" => Some("the Linux console".into()),
            _ => None,
        }
    }

    /// Terminals known by name to show iTerm2 images (and whose kitty or sixel support
    /// ratatui-image avoids as incomplete: WezTerm).
    fn iterm2(&self) -> bool {
        !self.tmux
            && (["iTerm.app", "WezTerm", "mintty"].contains(&self.term_program.as_str())
                || self.lc_terminal == "iTerm2")
    }

    /// Terminals whose answers are not to be trusted for a protocol (per ratatui-image:
    /// WezTerm's and Konsole's kitty placeholders and Konsole's sixels are broken).
    fn no_kitty_or_sixel(&self) -> bool {
        self.konsole || self.term_program == "WezTerm"
    }

    /// The protocol to force when none was found, from the environment's hints.
    fn guess(&self) -> Protocol {
        let kitty_like = self.term == "xterm-kitty"
            || self.term == "xterm-ghostty"
            || self.kitty_window
            || self.term_program == "ghostty";
        let iterm2_like = ["iTerm.app", "WezTerm", "mintty", "vscode", "Tabby", "rio"]
            .contains(&self.term_program.as_str())
            || self.lc_terminal == "iTerm2";
        if kitty_like {
            Protocol::Kitty
        } else if iterm2_like {
            Protocol::Iterm2
        } else {
            Protocol::Sixel
        }
    }
}

/// What the terminal answered, and whether it answered at all (its status report came).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answers {
    pub responses: Vec<Response>,
    pub complete: bool,
    /// Its name and version, from XTVERSION (`kitty(0.26.5)`, `tmux 3.3a`), where it
    /// answers that.
    pub version: Option<String>,
}

/// Reads a terminal's answers as their bytes arrive.
pub struct Reader {
    parser: Parser,
    raw: Vec<u8>,
    pub answers: Answers,
}

impl Reader {
    pub fn new() -> Reader {
        Reader {
            parser: Parser::new(),
            raw: Vec::new(),
            answers: Answers::default(),
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.raw.extend_from_slice(bytes);
        for &byte in bytes {
            for response in self.parser.push(char::from(byte)) {
                match response {
                    Response::Status => self.answers.complete = true,
                    other => self.answers.responses.push(other),
                }
            }
        }
        if self.answers.version.is_none() {
            self.answers.version = xtversion(&self.raw);
        }
    }
}

/// The text of an XTVERSION answer (`ESC P > | text ESC \`), which ratatui-image's
/// parser skips.
fn xtversion(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let start = text.find("\x1bP>|")? + 4;
    let end = start + text[start..].find("\x1b\\")?;
    Some(text[start..end].to_string())
}

/// Whether a terminal that answers kitty's graphics query shows images by Unicode
/// placeholders (which ratatui-image writes): kitty from 0.28; other terminals that
/// answer (Ghostty) do.
fn has_placeholders(version: Option<&str>) -> bool {
    let Some(v) = version.and_then(|v| v.strip_prefix("kitty(")) else {
        return true;
    };
    let mut numbers = v.trim_end_matches(')').split('.').map(|n| n.parse::<u32>());
    match (numbers.next(), numbers.next()) {
        (Some(Ok(major)), Some(Ok(minor))) => (major, minor) >= (0, 28),
        _ => true,
    }
}

/// The detection from the answers, the environment, and the cell size the kernel knows
/// (`TIOCGWINSZ`'s pixels over its cells, where the terminal fills them in).
pub fn interpret(answers: &Answers, env: &Env, kernel_cell: Option<(u16, u16)>) -> Detection {
    let has = |r: &Response| answers.responses.contains(r);
    let trusted = !env.no_kitty_or_sixel();
    let old_kitty = has(&Response::Kitty) && !has_placeholders(answers.version.as_deref());
    let protocol = if trusted && has(&Response::Kitty) {
        Some(if old_kitty {
            Protocol::KittyPlaced
        } else {
            Protocol::Kitty
        })
    } else if env.iterm2() {
        Some(Protocol::Iterm2)
    } else if trusted && has(&Response::Sixel) {
        Some(Protocol::Sixel)
    } else {
        None
    };
    let answered_cell = answers.responses.iter().find_map(|r| match r {
        Response::CellSize(Some((w, h))) => Some((*w, *h)),
        _ => None,
    });
    let cell = answered_cell.or(kernel_cell);
    let note = if !answers.complete {
        format!("no answer within {} ms", TIMEOUT.as_millis())
    } else if protocol.is_some() {
        "the terminal does not tell its cell size in pixels".into()
    } else if env.tmux {
        "tmux reports no sixel support".into()
    } else {
        "the terminal reports none".into()
    };
    // Inside tmux only tmux itself answers (the query is not wrapped for its passthrough):
    // a protocol found there is tmux's own, sent to tmux as it is.
    let compress = has(&Response::KittyCompression);
    let found = match (protocol, cell) {
        (Some(protocol), Some(cell)) => Some(Graphics {
            protocol,
            cell,
            tmux: false,
            compress,
        }),
        _ => None,
    };
    Detection {
        found,
        guess: Graphics {
            protocol: protocol.unwrap_or_else(|| env.guess()),
            cell: cell.unwrap_or(DEFAULT_CELL),
            tmux: env.tmux,
            compress,
        },
        note,
    }
}

/// Asks the terminal on stdin and stdout (which must be a terminal in raw mode), then
/// clears the line, in case a terminal printed part of the query.
pub fn detect() -> Detection {
    use std::io::IsTerminal;
    let env = Env::from_process();
    if let Some(why) = env.skip_query() {
        return interpret_skipped(&env, why);
    }
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return interpret_skipped(&env, "not a terminal".into());
    }
    match ask(TIMEOUT) {
        Ok(answers) => interpret(&answers, &env, kernel_cell()),
        Err(e) => interpret_skipped(&env, format!("the query failed: {e}")),
    }
}

fn interpret_skipped(env: &Env, why: String) -> Detection {
    Detection {
        note: why,
        ..interpret(&Answers::default(), env, kernel_cell())
    }
}

/// The cell size from the kernel's window size, where the terminal sets its pixels.
fn kernel_cell() -> Option<(u16, u16)> {
    let s = crossterm::terminal::window_size().ok()?;
    (s.columns > 0 && s.rows > 0 && s.width > 0 && s.height > 0)
        .then(|| (s.width / s.columns, s.height / s.rows))
        .filter(|&(w, h)| w > 0 && h > 0)
}

/// Sends the query and reads the answers until the status report or the timeout.
#[cfg(unix)]
fn ask(timeout: Duration) -> std::io::Result<Answers> {
    use ratatui_image::picker::cap_parser::QueryStdioOptions;
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    use std::io::Write;
    use std::os::fd::AsFd;
    use std::time::Instant;

    let options = QueryStdioOptions {
        kitty_compression: true,
        ..QueryStdioOptions::default()
    };
    // XTVERSION first: ratatui-image's query ends with the status report.
    let query = format!("\x1b[>q{}", Parser::query(false, options));
    let mut out = std::io::stdout().lock();
    out.write_all(query.as_bytes())?;
    out.flush()?;
    let stdin = std::io::stdin();
    let fd = stdin.as_fd();
    let deadline = Instant::now() + timeout;
    let mut reader = Reader::new();
    let mut buf = [0u8; 256];
    while !reader.answers.complete {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let wait = Timespec {
            tv_sec: left.as_secs() as _,
            tv_nsec: left.subsec_nanos() as _,
        };
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        match poll(&mut fds, Some(&wait)) {
            Ok(0) => break,
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
        let n = rustix::io::read(fd, &mut buf)?;
        if n == 0 {
            break;
        }
        reader.feed(&buf[..n]);
    }
    // A terminal that does not know the kitty query may have printed it.
    out.write_all(b"\r\x1b[2K")?;
    out.flush()?;
    Ok(reader.answers)
}

#[cfg(not(unix))]
fn ask(_timeout: Duration) -> std::io::Result<Answers> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "only asked on Unix",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answers a terminal gives, as bytes on stdin, arriving in small pieces.
    fn answers(bytes: &str) -> Answers {
        let mut reader = Reader::new();
        for piece in bytes.as_bytes().chunks(5) {
            reader.feed(piece);
        }
        reader.answers
    }

    fn env(term: &str, program: &str) -> Env {
        Env {
            term: term.into(),
            term_program: program.into(),
            ..Env::default()
        }
    }

    const KITTY: &str = "\x1b_Gi=31;OK\x1b\\\x1b_Gi=32;OK\x1b\\\x1b[?62;c\x1b[6;20;9t\x1b[0n";
    const XTERM_SIXEL: &str = "\x1b[?63;1;2;4;6;9;15;22c\x1b[6;16;8t\x1b[0n";
    const TMUX: &str = "\x1b[?1;2c\x1b[0n";

    #[test]
    fn the_answers_name_the_protocol_and_cell_size() {
        let kitty = interpret(&answers(KITTY), &env("xterm-kitty", ""), None);
        let g = kitty.found.expect("kitty");
        assert_eq!(
            (g.protocol, g.cell, g.tmux),
            (Protocol::Kitty, (9, 20), false)
        );

        let xterm = interpret(&answers(XTERM_SIXEL), &env("xterm-256color", ""), None);
        let g = xterm.found.expect("sixel");
        assert_eq!(
            (g.protocol, g.cell, g.compress),
            (Protocol::Sixel, (8, 16), false)
        );

        // The cell size from the kernel when the terminal does not answer 16t.
        let foot = interpret(
            &answers("\x1b[?62;4;22c\x1b[0n"),
            &env("foot", ""),
            Some((7, 15)),
        );
        assert_eq!(foot.found.map(|g| g.cell), Some((7, 15)));
        // kitty before 0.28 has no Unicode placeholders: its images are placed.
        let old = format!("\x1bP>|kitty(0.26.5)\x1b\\{KITTY}");
        let d = interpret(&answers(&old), &env("xterm-kitty", ""), None);
        assert_eq!(d.found.map(|g| g.protocol), Some(Protocol::KittyPlaced));
        let new = format!("\x1bP>|kitty(0.35.2)\x1b\\{KITTY}");
        let d = interpret(&answers(&new), &env("xterm-kitty", ""), None);
        assert_eq!(d.found.map(|g| g.protocol), Some(Protocol::Kitty));
        let ghostty = format!("\x1bP>|ghostty 1.1.3\x1b\\{KITTY}");
        let d = interpret(&answers(&ghostty), &env("xterm-ghostty", "ghostty"), None);
        assert_eq!(d.found.map(|g| g.protocol), Some(Protocol::Kitty));
        // Neither: a protocol cannot be sized, so text.
        let unsized_ = interpret(&answers("\x1b[?62;4;22c\x1b[0n"), &env("foot", ""), None);
        assert_eq!(unsized_.found, None);
        assert_eq!(
            unsized_.note,
            "the terminal does not tell its cell size in pixels"
        );
        assert_eq!(unsized_.guess.protocol, Protocol::Sixel);
    }

    #[test]
    fn tmux_and_plain_terminals_get_text() {
        let mut tmux = env("tmux-256color", "tmux");
        tmux.tmux = true;
        tmux.lc_terminal = "iTerm2".into(); // iTerm2 outside: its images do not pass tmux
        let d = interpret(&answers(TMUX), &tmux, Some((10, 20)));
        assert_eq!(d.found, None);
        assert_eq!(d.note, "tmux reports no sixel support");
        assert!(d.guess.tmux);
        // A tmux built with sixels keeps them in its own history: sent to it unwrapped.
        let d = interpret(&answers("\x1b[?62;4c\x1b[0n"), &tmux, Some((10, 20)));
        let g = d.found.expect("tmux's sixels");
        assert_eq!((g.protocol, g.tmux), (Protocol::Sixel, false));

        let d = interpret(
            &answers("\x1b[?65;1;9c\x1b[0n"),
            &env("xterm", ""),
            Some((9, 18)),
        );
        assert_eq!(
            (d.found, d.note.as_str()),
            (None, "the terminal reports none")
        );

        let d = interpret(&Answers::default(), &env("xterm", ""), None);
        assert_eq!(
            (d.found, d.note.as_str()),
            (None, "no answer within 500 ms")
        );
        assert_eq!(d.guess.cell, DEFAULT_CELL);

        assert!(env("dumb", "").skip_query().is_some());
        assert!(env("linux", "").skip_query().is_some());
        assert!(env("xterm-256color", "").skip_query().is_none());
    }

    #[test]
    fn the_environment_names_iterm2_and_vetoes_broken_protocols() {
        let d = interpret(
            &answers("\x1b[?62;4c\x1b[0n"),
            &env("xterm-256color", "iTerm.app"),
            Some((8, 17)),
        );
        assert_eq!(d.found.map(|g| g.protocol), Some(Protocol::Iterm2));
        // WezTerm answers the kitty query but ratatui-image uses iTerm2's protocol there.
        let d = interpret(&answers(KITTY), &env("xterm-256color", "WezTerm"), None);
        assert_eq!(d.found.map(|g| g.protocol), Some(Protocol::Iterm2));
        let mut konsole = env("xterm-256color", "");
        konsole.konsole = true;
        let d = interpret(&answers(XTERM_SIXEL), &konsole, None);
        assert_eq!(d.found, None);
        // Forcing images picks by the environment's hints.
        let d = interpret(&Answers::default(), &env("xterm-ghostty", "ghostty"), None);
        assert_eq!(d.guess.protocol, Protocol::Kitty);
    }
}
