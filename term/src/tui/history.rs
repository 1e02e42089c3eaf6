//! Input history: entries recalled with Up/Down and found with Ctrl-R, kept in a file
//! across runs.
//!
//! The file has one entry per line; a multi-line entry's newlines are written `\n` and
//! backslashes `\\`. Entries are appended as they are entered, so that several sessions
//! add to one history, and the file is rewritten only to trim it to [`MAX_ENTRIES`].

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Entries kept; older ones are dropped when the file is loaded.
pub const MAX_ENTRIES: usize = 5000;

/// Where the history lives: `$VEX_HISTORY`, else `$XDG_DATA_HOME/vex/history`, else
/// `~/.local/share/vex/history`; `None` when there is no home directory.
pub fn default_path() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(p) = var("VEX_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let data = var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| Path::new(&h).join(".local/share")))?;
    Some(data.join("vex").join("history"))
}

/// The entries, oldest first, and where Up/Down has got to.
#[derive(Debug, Default)]
pub struct History {
    entries: Vec<String>,
    path: Option<PathBuf>,
    /// The entry Up/Down shows, or `None` when the user is on the new input.
    position: Option<usize>,
    /// What the user had typed before going back in history.
    draft: String,
}

fn escape(entry: &str) -> String {
    entry.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some('n')) => {
                out.push('\n');
                chars.next();
            }
            ('\\', Some('\\')) => {
                out.push('\\');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

impl History {
    /// A history that is not saved.
    pub fn in_memory() -> History {
        History::default()
    }

    /// Loads the history kept at `path` (none yet is an empty history); later entries are
    /// appended there.
    pub fn load(path: PathBuf) -> io::Result<History> {
        let text = match fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let mut entries: Vec<String> = text.lines().map(unescape).collect();
        let mut history = History {
            path: Some(path),
            ..History::default()
        };
        if entries.len() > MAX_ENTRIES {
            entries.drain(..entries.len() - MAX_ENTRIES);
            history.entries = entries;
            history.rewrite()?;
        } else {
            history.entries = entries;
        }
        Ok(history)
    }

    fn rewrite(&self) -> io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut text = String::new();
        for e in &self.entries {
            text.push_str(&escape(e));
            text.push('\n');
        }
        fs::write(path, text)
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Adds an entry (not a blank one, nor a repeat of the last) and appends it to the
    /// file; resets Up/Down to the new input.
    pub fn add(&mut self, entry: &str) -> io::Result<()> {
        self.position = None;
        self.draft.clear();
        if entry.trim().is_empty() || self.entries.last().is_some_and(|l| l == entry) {
            return Ok(());
        }
        self.entries.push(entry.to_string());
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        writeln!(file, "{}", escape(entry))
    }

    /// Up: the entry before the one shown, remembering `current` (the user's own input)
    /// when leaving it; `None` at the oldest entry.
    pub fn back(&mut self, current: &str) -> Option<&str> {
        let next = match self.position {
            None if self.entries.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                self.entries.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.position = Some(next);
        Some(&self.entries[next])
    }

    /// Down: the entry after the one shown, or the user's own input again; `None` when
    /// already on it.
    pub fn forward(&mut self) -> Option<&str> {
        let i = self.position?;
        if i + 1 < self.entries.len() {
            self.position = Some(i + 1);
            Some(&self.entries[i + 1])
        } else {
            self.position = None;
            Some(&self.draft)
        }
    }

    /// Forgets where Up/Down had got to (the user edited the text).
    pub fn reset_position(&mut self) {
        self.position = None;
    }

    /// The newest entry before `before` (an index; `entries().len()` searches them all)
    /// that contains `query`: its index and the byte offset of the match.
    pub fn search(&self, query: &str, before: usize) -> Option<(usize, usize)> {
        self.entries[..before.min(self.entries.len())]
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, e)| e.find(query).map(|at| (i, at)))
    }
}

/// Ctrl-R's state: the query and the entry it found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Search {
    pub query: String,
    /// The index of the entry shown and the byte offset of the match in it.
    pub found: Option<(usize, usize)>,
    /// The input before the search began, restored when it is cancelled.
    pub original: String,
}

impl Search {
    pub fn new(original: &str) -> Search {
        Search {
            original: original.to_string(),
            ..Search::default()
        }
    }

    /// Whether the query matches nothing (shown as a failed search).
    pub fn failed(&self) -> bool {
        !self.query.is_empty() && self.found.is_none()
    }

    /// The query changed: searches again from the newest entry, keeping the current match
    /// when it still contains the query (as readline does).
    pub fn update(&mut self, history: &History) {
        let from = match self.found {
            Some((i, _)) => i + 1,
            None => history.entries().len(),
        };
        self.found = history.search(&self.query, from);
    }

    /// Ctrl-R again: the next older match.
    pub fn older(&mut self, history: &History) {
        let before = match self.found {
            Some((i, _)) => i,
            None => history.entries().len(),
        };
        if let Some(hit) = history.search(&self.query, before) {
            self.found = Some(hit);
        }
    }

    /// Backspace in the query: searches again from the newest entry.
    pub fn pop(&mut self, history: &History) {
        self.query.pop();
        self.found = history.search(&self.query, history.entries().len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for s in ["a\nb", "a\\nb", "\\", "x = (1 +\n  2)\\", "é\\\\n"] {
            assert_eq!(unescape(&escape(s)), s);
            assert!(!escape(s).contains('\n'));
        }
    }

    #[test]
    fn entries_persist_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/history");
        let mut h = History::load(path.clone()).unwrap();
        h.add("x = 1").unwrap();
        h.add("x = 1").unwrap();
        h.add("   ").unwrap();
        h.add("y = (x +\n  1)").unwrap();
        h.add("path\\n").unwrap();
        let h = History::load(path.clone()).unwrap();
        assert_eq!(h.entries(), ["x = 1", "y = (x +\n  1)", "path\\n"]);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "x = 1\ny = (x +\\n  1)\npath\\\\n\n"
        );
    }

    #[test]
    fn a_long_file_is_trimmed_when_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history");
        let text: String = (0..MAX_ENTRIES + 10).map(|i| format!("{i}\n")).collect();
        fs::write(&path, text).unwrap();
        let h = History::load(path.clone()).unwrap();
        assert_eq!(h.entries().len(), MAX_ENTRIES);
        assert_eq!(h.entries()[0], "10");
        let h = History::load(path).unwrap();
        assert_eq!(h.entries().len(), MAX_ENTRIES);
    }

    #[test]
    fn up_and_down_keep_the_draft() {
        let mut h = History::in_memory();
        for e in ["a", "b", "c"] {
            h.add(e).unwrap();
        }
        assert_eq!(h.back("dra"), Some("c"));
        assert_eq!(h.back("c"), Some("b"));
        assert_eq!(h.back("b"), Some("a"));
        assert_eq!(h.back("a"), None);
        assert_eq!(h.forward(), Some("b"));
        assert_eq!(h.forward(), Some("c"));
        assert_eq!(h.forward(), Some("dra"));
        assert_eq!(h.forward(), None);
        assert_eq!(History::in_memory().back("x"), None);
    }

    #[test]
    fn reverse_search_finds_older_matches() {
        let mut h = History::in_memory();
        for e in ["x = linspace(0, 1, 5)", "y = sin(x)", "x * 2", "sum(x)"] {
            h.add(e).unwrap();
        }
        let mut s = Search::new("typed");
        s.query.push('x');
        s.update(&h);
        assert_eq!(s.found, Some((3, 4)));
        s.older(&h);
        assert_eq!(s.found, Some((2, 0)));
        s.query.push_str(" =");
        s.update(&h);
        assert_eq!(s.found, Some((0, 0)));
        s.older(&h);
        assert_eq!(s.found, Some((0, 0)), "no older match keeps the last one");
        s.query.push('z');
        s.update(&h);
        assert!(s.failed());
        s.pop(&h);
        assert_eq!(s.found, Some((0, 0)));
        assert!(!s.failed());
    }
}
