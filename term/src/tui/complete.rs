//! Tab completion: the candidates for the word before the cursor (variables, functions
//! and constants in expressions, `:commands` after a colon, and their arguments: variable
//! names, files for `:load`, backends), and the menu state when there are several.

use std::ops::Range;
use std::path::Path;

use vex_expr::check::{CONSTANTS, FUNCTIONS};

use super::editor::{is_word_char, Editor};
use super::lint::PLOT_STATEMENTS;

/// The session's commands as typed after `:` (the session keeps its own list private;
/// a test checks this one against `:help`).
pub const COMMANDS: &[&str] = &[
    "backend", "clear", "del", "explain", "help", "load", "open", "plots", "quit", "save",
    "saveplot", "threads", "time", "vars",
];

/// What a candidate is, for its colour in the menu and what accepting it appends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Variable,
    Constant,
    Function,
    Command,
    /// A fixed argument word (`:backend jit`).
    Word,
    Directory,
    File,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub text: String,
    pub kind: Kind,
}

impl Candidate {
    fn new(text: &str, kind: Kind) -> Candidate {
        Candidate {
            text: text.to_string(),
            kind,
        }
    }

    /// What accepting the candidate inserts: a function gets its `(`, a command the
    /// space before its arguments.
    pub fn insertion(&self) -> String {
        match self.kind {
            Kind::Function => format!("{}(", self.text),
            Kind::Command => format!("{} ", self.text),
            _ => self.text.clone(),
        }
    }
}

/// The candidates for the text in `range` (the word before the cursor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub range: Range<usize>,
    pub items: Vec<Candidate>,
}

impl Completion {
    /// The longest prefix all candidates share.
    pub fn common_prefix(&self) -> &str {
        let Some(first) = self.items.first() else {
            return "";
        };
        let mut len = first.text.len();
        for c in &self.items[1..] {
            len = first
                .text
                .char_indices()
                .zip(c.text.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8())
                .min(len);
        }
        &first.text[..len]
    }
}

/// The candidates at `cursor` in `text`, given the session's variable names; `None` where
/// nothing is completed (inside a number, after a `.`).
pub fn complete(text: &str, cursor: usize, vars: &[String]) -> Option<Completion> {
    let before = &text[..cursor];
    let start = before.trim_end_matches(is_word_char).len();
    let word = &before[start..];
    let trimmed = before.trim_start();
    if let Some(body) = trimmed.strip_prefix(':') {
        let name_len = body.find(char::is_whitespace)?;
        return command_argument(&body[..name_len], before, start, vars);
    }
    expression(before, start, word, vars)
}

/// Variables, constants and functions starting with the word at `start`.
fn expression(before: &str, start: usize, word: &str, vars: &[String]) -> Option<Completion> {
    let prev = before[..start].chars().next_back();
    if word.starts_with(|c: char| c.is_ascii_digit()) || prev == Some('.') {
        return None;
    }
    let mut items: Vec<Candidate> = vars
        .iter()
        .filter(|v| v.starts_with(word))
        .map(|v| Candidate::new(v, Kind::Variable))
        .collect();
    let taken = |items: &[Candidate], name: &str| items.iter().any(|c| c.text == name);
    for (name, _) in CONSTANTS {
        if name.starts_with(word) && !taken(&items, name) {
            items.push(Candidate::new(name, Kind::Constant));
        }
    }
    let mut functions: Vec<&str> = FUNCTIONS
        .iter()
        .chain(&PLOT_STATEMENTS)
        .copied()
        .filter(|f| f.starts_with(word) && !taken(&items, f))
        .collect();
    functions.sort_unstable();
    items.extend(
        functions
            .into_iter()
            .map(|f| Candidate::new(f, Kind::Function)),
    );
    Some(Completion {
        range: start..before.len(),
        items,
    })
}

/// Completion after `:name `: command names first (`:`), then each command's arguments.
fn command_argument(name: &str, before: &str, start: usize, vars: &[String]) -> Option<Completion> {
    let word = &before[start..];
    let words = |list: &[&str], kind| Completion {
        range: start..before.len(),
        items: list
            .iter()
            .filter(|w| w.starts_with(word))
            .map(|w| Candidate::new(w, kind))
            .collect(),
    };
    match name {
        "time" | "explain" => expression(before, start, word, vars),
        "del" | "save" => {
            let names: Vec<&str> = vars.iter().map(String::as_str).collect();
            Some(words(&names, Kind::Variable))
        }
        "backend" => Some(words(&["auto", "interp", "jit"], Kind::Word)),
        "plots" => Some(words(&["auto", "image", "text"], Kind::Word)),
        "help" | "h" | "?" => {
            let mut topics = vec!["functions", "types"];
            topics.extend(COMMANDS);
            Some(words(&topics, Kind::Word))
        }
        "load" => Some(paths(before, &[".npy", ".npz", ".csv"])),
        "saveplot" => Some(paths(before, &[".png"])),
        "open" => Some(paths(before, &[".md"])),
        _ => None,
    }
}

/// Completion of the command name itself (the cursor right after `:` and a word).
fn command_name(before: &str, start: usize) -> Option<Completion> {
    let colon = before[..start].trim_start();
    if colon != ":" {
        return None;
    }
    let word = &before[start..];
    Some(Completion {
        range: start..before.len(),
        items: COMMANDS
            .iter()
            .filter(|c| c.starts_with(word))
            .map(|c| Candidate::new(c, Kind::Command))
            .collect(),
    })
}

/// Files with one of the `extensions` and directories, for the path before the cursor.
fn paths(before: &str, extensions: &[&str]) -> Completion {
    let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let typed = &before[start..];
    let (dir, prefix) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let listing = std::fs::read_dir(if dir.is_empty() {
        Path::new(".")
    } else {
        Path::new(dir)
    });
    let mut items: Vec<Candidate> = listing
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            if entry.path().is_dir() {
                return Some(Candidate::new(&format!("{dir}{name}/"), Kind::Directory));
            }
            let data = extensions.iter().any(|x| name.ends_with(x));
            data.then(|| Candidate::new(&format!("{dir}{name}"), Kind::File))
        })
        .collect();
    items.sort_by(|a, b| a.text.cmp(&b.text));
    Completion {
        range: start..before.len(),
        items,
    }
}

/// The completion menu: the candidates, which one is chosen (and shown in the input),
/// and the word as typed (restored by Esc).
#[derive(Clone, Debug, PartialEq)]
pub struct Menu {
    pub completion: Completion,
    pub selected: Option<usize>,
    pub typed: String,
}

/// What Tab did.
#[derive(Debug, PartialEq)]
pub enum Tab {
    /// Nothing to complete.
    Nothing,
    /// The only candidate (or the candidates' common prefix) was inserted.
    Inserted,
    /// Several candidates: a menu to show.
    Menu(Menu),
}

/// Tab pressed with no menu open: inserts the only candidate, or the common prefix of
/// several (then offering them in a menu).
pub fn tab(editor: &mut Editor, vars: &[String]) -> Tab {
    let text = editor.text();
    let cursor = editor.cursor();
    let before = &text[..cursor];
    let start = before.trim_end_matches(is_word_char).len();
    let found = command_name(before, start).or_else(|| complete(text, cursor, vars));
    let Some(completion) = found.filter(|c| !c.items.is_empty()) else {
        return Tab::Nothing;
    };
    if let [only] = completion.items.as_slice() {
        editor.replace(completion.range.clone(), &only.insertion());
        return Tab::Inserted;
    }
    let prefix = completion.common_prefix().to_string();
    let range = completion.range.clone();
    editor.replace(range.clone(), &prefix);
    Tab::Menu(Menu {
        completion: Completion {
            range: range.start..range.start + prefix.len(),
            items: completion.items,
        },
        selected: None,
        typed: prefix,
    })
}

impl Menu {
    /// Tab (forward) or Shift-Tab in an open menu: selects the next or previous candidate
    /// and shows it in the input.
    pub fn step(&mut self, editor: &mut Editor, forward: bool) {
        let n = self.completion.items.len();
        self.selected = Some(match (self.selected, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        });
        let text = self.completion.items[self.selected.unwrap_or(0)]
            .text
            .clone();
        self.show(editor, &text);
    }

    /// Puts `text` in place of the word being completed.
    fn show(&mut self, editor: &mut Editor, text: &str) {
        let range = self.completion.range.clone();
        editor.replace(range.clone(), text);
        self.completion.range = range.start..range.start + text.len();
    }

    /// Enter on a selected candidate: inserts it in full (with its `(` or space).
    pub fn accept(mut self, editor: &mut Editor) {
        if let Some(i) = self.selected {
            let text = self.completion.items[i].insertion();
            self.show(editor, &text);
        }
    }

    /// Esc: puts back the word as typed.
    pub fn cancel(mut self, editor: &mut Editor) {
        let typed = self.typed.clone();
        self.show(editor, &typed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(c: &Completion) -> Vec<&str> {
        c.items.iter().map(|c| c.text.as_str()).collect()
    }

    fn vars() -> Vec<String> {
        vec!["x".into(), "xs".into(), "sig".into()]
    }

    #[test]
    fn expressions_complete_variables_constants_then_functions() {
        let c = complete("y = si", 6, &vars()).unwrap();
        assert_eq!(c.range, 4..6);
        assert_eq!(names(&c), ["sig", "sign", "signbit", "sin", "sinh"]);
        assert_eq!(c.items[0].kind, Kind::Variable);
        assert_eq!(c.items[1].kind, Kind::Function);
        let c = complete("p", 1, &[]).unwrap();
        assert_eq!(names(&c), ["pi", "plot", "prod"]);
        assert_eq!(c.items[0].kind, Kind::Constant);
        // The word before the cursor only.
        let c = complete("lin + x", 3, &vars()).unwrap();
        assert_eq!(names(&c), ["linspace"]);
        assert_eq!(complete("1.5e", 4, &vars()), None);
        assert_eq!(complete("x.re", 4, &vars()), None);
    }

    #[test]
    fn commands_and_their_arguments() {
        let mut e = Editor::new();
        e.set_text(":t");
        let Tab::Menu(menu) = tab(&mut e, &vars()) else {
            panic!("a menu expected")
        };
        assert_eq!(names(&menu.completion), ["threads", "time"]);
        assert_eq!(e.text(), ":t");
        e.set_text(":ex");
        assert_eq!(tab(&mut e, &vars()), Tab::Inserted);
        assert_eq!(e.text(), ":explain ");
        e.insert("hyp");
        assert_eq!(tab(&mut e, &vars()), Tab::Inserted);
        assert_eq!(e.text(), ":explain hypot(");
        let c = complete(":del x", 6, &vars()).unwrap();
        assert_eq!(names(&c), ["x", "xs"]);
        let c = complete(":backend ", 9, &vars()).unwrap();
        assert_eq!(names(&c), ["auto", "interp", "jit"]);
        let c = complete(":help ty", 8, &vars()).unwrap();
        assert_eq!(names(&c), ["types"]);
    }

    #[test]
    fn load_completes_data_files_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        for f in ["a.npy", "ab.csv", "notes.txt"] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("arrays")).unwrap();
        let text = format!(":load {d}/a");
        let c = complete(&text, text.len(), &[]).unwrap();
        let expected: Vec<String> = ["a.npy", "ab.csv", "arrays/"]
            .iter()
            .map(|f| format!("{d}/{f}"))
            .collect();
        assert_eq!(names(&c), expected);
        assert_eq!(c.range, 6..text.len());
        assert_eq!(c.items[2].kind, Kind::Directory);
    }

    #[test]
    fn tab_inserts_the_common_prefix_and_the_menu_cycles() {
        let mut e = Editor::new();
        e.set_text("arc");
        let Tab::Menu(mut menu) = tab(&mut e, &[]) else {
            panic!("a menu expected")
        };
        assert_eq!(e.text(), "arc");
        assert_eq!(menu.completion.items.len(), 7);
        menu.step(&mut e, true);
        assert_eq!(e.text(), "arccos");
        menu.step(&mut e, false);
        assert_eq!(e.text(), "arctanh");
        menu.step(&mut e, false);
        assert_eq!(e.text(), "arctan2");
        menu.clone().cancel(&mut e);
        assert_eq!(e.text(), "arc");
        e.set_text("arctan2");
        menu.accept(&mut e);
        assert_eq!(e.text(), "arctan2(");
        e.set_text("x = log");
        let Tab::Menu(menu) = tab(&mut e, &[]) else {
            panic!("a menu expected")
        };
        assert_eq!(menu.typed, "log");
        assert_eq!(e.text(), "x = log");
        e.set_text("x = logadd");
        assert_eq!(tab(&mut e, &[]), Tab::Inserted);
        assert_eq!(e.text(), "x = logaddexp(");
        e.set_text("zzz");
        assert_eq!(tab(&mut e, &[]), Tab::Nothing);
    }

    #[test]
    fn the_commands_are_those_help_lists() {
        let mut session = crate::session::Session::new();
        let notices = session.submit(":help");
        let [crate::session::Notice::Cell(cell)] = notices.as_slice() else {
            panic!("{notices:?}")
        };
        let mut listed: Vec<&str> = cell.outputs[0]
            .text()
            .lines()
            .filter_map(|l| l.strip_prefix("  :"))
            .map(|l| l.split_whitespace().next().unwrap_or(""))
            .collect();
        listed.sort_unstable();
        listed.dedup(); // `:save` has two lines
        assert_eq!(listed, COMMANDS);
    }

    #[test]
    fn every_listed_command_is_one_the_session_knows() {
        for name in COMMANDS {
            let parsed = crate::session::Command::parse(&format!(":{name}"));
            if let Err(e) = parsed {
                assert!(e.message.starts_with("usage"), ":{name}: {}", e.message);
            }
        }
        let e = crate::session::Command::parse(":nosuch").unwrap_err();
        assert!(!e.message.starts_with("usage"), "{}", e.message);
    }
}
