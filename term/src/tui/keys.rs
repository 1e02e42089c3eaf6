//! The key bindings: crossterm key events to the REPL's actions (emacs-style, as readline).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Insert(char),
    /// Enter: run the input, or continue it on a new line when it is unfinished.
    Enter,
    /// Alt-Enter, Ctrl-J: a new line whatever the input.
    Newline,
    Left,
    Right,
    WordLeft,
    WordRight,
    Home,
    End,
    Up,
    Down,
    Backspace,
    Delete,
    KillToEnd,
    KillToStart,
    KillWordBack,
    KillWordForward,
    Yank,
    Complete,
    CompleteBack,
    Search,
    Escape,
    /// Ctrl-C: clear the input, cancel a search, a menu or a running evaluation.
    Interrupt,
    /// Ctrl-D: quit on an empty input, else delete the character under the cursor.
    EndOfInput,
    ClearScreen,
}

/// The action of a key press (releases and repeats of modifiers are ignored).
pub fn action(key: KeyEvent) -> Option<Action> {
    use Action::*;
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    Some(match key.code {
        KeyCode::Char(c) if ctrl => match c.to_ascii_lowercase() {
            'a' => Home,
            'e' => End,
            'b' => Left,
            'f' => Right,
            'p' => Up,
            'n' => Down,
            'h' => Backspace,
            'k' => KillToEnd,
            'u' => KillToStart,
            'w' => KillWordBack,
            'y' => Yank,
            'j' => Newline,
            'r' => Search,
            'g' => Escape,
            'c' => Interrupt,
            'd' => EndOfInput,
            'l' => ClearScreen,
            _ => return None,
        },
        KeyCode::Char(c) if alt => match c {
            'b' => WordLeft,
            'f' => WordRight,
            'd' => KillWordForward,
            _ => return None,
        },
        KeyCode::Char(c) => Insert(c),
        KeyCode::Enter if alt => Newline,
        KeyCode::Enter => Enter,
        KeyCode::Backspace if alt || ctrl => KillWordBack,
        KeyCode::Backspace => Backspace,
        KeyCode::Delete => Delete,
        KeyCode::Left if alt || ctrl => WordLeft,
        KeyCode::Right if alt || ctrl => WordRight,
        KeyCode::Left => Left,
        KeyCode::Right => Right,
        KeyCode::Up => Up,
        KeyCode::Down => Down,
        KeyCode::Home => Home,
        KeyCode::End => End,
        KeyCode::Tab => Complete,
        KeyCode::BackTab => CompleteBack,
        KeyCode::Esc => Escape,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
        action(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn emacs_and_plain_keys() {
        let none = KeyModifiers::NONE;
        let ctrl = KeyModifiers::CONTROL;
        let alt = KeyModifiers::ALT;
        assert_eq!(key(KeyCode::Char('a'), ctrl), Some(Action::Home));
        assert_eq!(key(KeyCode::Char('A'), ctrl), Some(Action::Home));
        assert_eq!(key(KeyCode::Char('b'), alt), Some(Action::WordLeft));
        assert_eq!(
            key(KeyCode::Char('B'), KeyModifiers::SHIFT),
            Some(Action::Insert('B'))
        );
        assert_eq!(key(KeyCode::Enter, alt), Some(Action::Newline));
        assert_eq!(key(KeyCode::Char('j'), ctrl), Some(Action::Newline));
        assert_eq!(key(KeyCode::Enter, none), Some(Action::Enter));
        assert_eq!(key(KeyCode::Backspace, alt), Some(Action::KillWordBack));
        assert_eq!(key(KeyCode::Char('z'), ctrl), None);
        let mut release = KeyEvent::new(KeyCode::Char('x'), none);
        release.kind = KeyEventKind::Release;
        assert_eq!(action(release), None);
    }
}
