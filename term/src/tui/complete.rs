//! Tab completion: the candidates for the word before the cursor (variables, functions
//! and constants in expressions, `:commands` after a colon, and their arguments: variable
//! names, files for `:load`, `:save`, `:saveplot` and `:open`, backends), and the menu
//! state when there are several.

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
    // The arguments before the one being typed.
    let after_name = before.trim_start().split_once(char::is_whitespace)?.1;
    let mut earlier: Vec<&str> = after_name.split_whitespace().collect();
    if !after_name.ends_with(char::is_whitespace) {
        earlier.pop();
    }
    if let Some(extensions) = file_argument(name, &earlier) {
        let mut found = paths(before, extensions);
        if name == "save" && earlier.is_empty() && found.range.start == start {
            // `:save NAME FILE.npy`: the first argument may be a variable instead.
            let names: Vec<&str> = vars.iter().map(String::as_str).collect();
            let mut items = words(&names, Kind::Variable).items;
            items.append(&mut found.items);
            found.items = items;
        }
        return Some(found);
    }
    match name {
        "time" | "explain" => expression(before, start, word, vars),
        "del" => {
            let names: Vec<&str> = vars.iter().map(String::as_str).collect();
            Some(words(&names, Kind::Variable))
        }
        "load" if earlier.len() == 1 => Some(words(&["as"], Kind::Word)),
        "backend" => Some(words(&["auto", "interp", "jit"], Kind::Word)),
        "plots" => Some(words(&["auto", "image", "text"], Kind::Word)),
        "help" | "h" | "?" => {
            let mut topics = vec!["functions", "types"];
            topics.extend(COMMANDS);
            Some(words(&topics, Kind::Word))
        }
        _ => None,
    }
}

/// The extensions of the files offered for the argument after `earlier` of `:command`, if
/// that argument is a file: `:load FILE`, `:save NAME FILE.npy` or `:save FILE.md`,
/// `:saveplot [N] FILE.png`, `:open FILE.md`.
fn file_argument(command: &str, earlier: &[&str]) -> Option<&'static [&'static str]> {
    Some(match (command, earlier) {
        ("load", []) => &[".npy", ".npz", ".csv"],
        ("save", []) | ("open", []) => &[".md"],
        ("save", [name]) if crate::bindings::is_identifier(name) => &[".npy"],
        ("saveplot", []) => &[".png"],
        ("saveplot", [n]) if n.parse::<u64>().is_ok() => &[".png"],
        _ => return None,
    })
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

/// Files with one of the `extensions` and directories (always, so that the user can walk
/// into them), for the path before the cursor.
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

    /// A folder with files of every kind the commands take, one other file, a hidden
    /// file and a subfolder.
    fn files() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "a.npy",
            "ab.csv",
            "c.npz",
            "notes.txt",
            "s.md",
            "p.png",
            ".hidden.npy",
        ] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("arrays")).unwrap();
        std::fs::write(dir.path().join("arrays/inner.md"), "").unwrap();
        dir
    }

    /// The candidates at the end of `text`, with the folder `d` taken off their front.
    fn files_at(text: &str, d: &str, vars: &[String]) -> Vec<String> {
        let c = complete(text, text.len(), vars).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(c.range.end, text.len());
        c.items
            .iter()
            .map(|c| c.text.strip_prefix(d).unwrap_or(&c.text).to_string())
            .collect()
    }

    #[test]
    fn load_completes_data_files_and_directories() {
        let dir = files();
        let d = dir.path().to_str().unwrap();
        let text = format!(":load {d}/a");
        let c = complete(&text, text.len(), &[]).unwrap();
        let expected: Vec<String> = ["a.npy", "ab.csv", "arrays/"]
            .iter()
            .map(|f| format!("{d}/{f}"))
            .collect();
        assert_eq!(names(&c), expected);
        assert_eq!(c.range, 6..text.len());
        assert_eq!(c.items[2].kind, Kind::Directory);
        assert_eq!(c.items[0].kind, Kind::File);
        let all = files_at(&format!(":load {d}/"), d, &[]);
        assert_eq!(all, ["/a.npy", "/ab.csv", "/arrays/", "/c.npz"]);
        // Hidden files only when asked for.
        assert_eq!(files_at(&format!(":load {d}/."), d, &[]), ["/.hidden.npy"]);
        // After the file: `as`, then a new name (nothing to offer).
        assert_eq!(files_at(&format!(":load {d}/a.npy "), d, &[]), ["as"]);
        assert_eq!(complete(":load a.npy as ", 15, &vars()), None);
    }

    #[test]
    fn each_command_completes_its_files_where_its_file_goes() {
        let dir = files();
        let d = dir.path().to_str().unwrap();
        let at = |text: String| files_at(&text, d, &vars());
        // `:save FILE.md` or `:save NAME FILE.npy`.
        assert_eq!(at(format!(":save {d}/")), ["/arrays/", "/s.md"]);
        assert_eq!(at(format!(":save xs {d}/")), ["/a.npy", "/arrays/"]);
        let first = at(":save x".into());
        assert_eq!(first[..2], ["x", "xs"]);
        // The file after a name: no variables there.
        let second = at(":save xs ".into());
        assert!(!second.iter().any(|c| c == "x" || c == "xs"), "{second:?}");
        assert_eq!(complete(":save 1x ", 9, &vars()), None);
        // `:saveplot [N] FILE.png`.
        assert_eq!(at(format!(":saveplot {d}/")), ["/arrays/", "/p.png"]);
        assert_eq!(at(format!(":saveplot 3 {d}/p")), ["/p.png"]);
        assert_eq!(complete(":saveplot a.png ", 16, &vars()), None);
        // `:open FILE.md`, walking into a folder.
        assert_eq!(at(format!(":open {d}/")), ["/arrays/", "/s.md"]);
        assert_eq!(at(format!(":open {d}/arrays/")), ["/arrays/inner.md"]);
        let mut e = Editor::new();
        e.set_text(&format!(":open {d}/ar"));
        assert_eq!(tab(&mut e, &[]), Tab::Inserted);
        assert_eq!(e.text(), format!(":open {d}/arrays/"));
        assert_eq!(tab(&mut e, &[]), Tab::Inserted);
        assert_eq!(e.text(), format!(":open {d}/arrays/inner.md"));
        // Commands without files complete no paths.
        assert_eq!(complete(":del ", 5, &vars()).unwrap().items.len(), 3);
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
