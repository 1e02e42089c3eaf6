//! The line editor's buffer: text that may span several lines, a cursor, and the emacs
//! editing operations (word motions, kills and a yank buffer). It knows nothing of keys or
//! of the screen; [`super::keys`] maps keys to these operations and [`super::view`] draws
//! the text.

/// Editable text and a cursor, as a byte offset on a char boundary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Editor {
    text: String,
    cursor: usize,
    /// The text the last kill removed, for [`Editor::yank`].
    killed: String,
}

/// Whether `c` belongs to a word for word motions and kills: what vex names and numbers
/// are made of.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Editor {
    pub fn new() -> Editor {
        Editor::default()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Replaces the text, with the cursor at its end (a history entry, a search match).
    pub fn set_text(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = self.text.len();
    }

    /// Empties the buffer and returns what it held.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        std::mem::take(&mut self.text)
    }

    /// Inserts text at the cursor; pasted `\r\n` and `\r` become `\n` and tabs four spaces.
    pub fn insert(&mut self, text: &str) {
        let clean = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\t', "    ");
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    pub fn insert_char(&mut self, c: char) {
        let mut buf = [0; 4];
        self.insert(c.encode_utf8(&mut buf));
    }

    /// Replaces the byte range `range` (a completed word) and puts the cursor after it.
    pub fn replace(&mut self, range: std::ops::Range<usize>, with: &str) {
        self.text.replace_range(range.clone(), with);
        self.cursor = range.start + with.len();
    }

    fn prev_boundary(&self, at: usize) -> usize {
        self.text[..at].char_indices().last().map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self, at: usize) -> usize {
        self.text[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8())
    }

    pub fn left(&mut self) {
        self.cursor = self.prev_boundary(self.cursor);
    }

    pub fn right(&mut self) {
        self.cursor = self.next_boundary(self.cursor);
    }

    /// The start of the word before the cursor (emacs `backward-word`).
    fn word_start(&self) -> usize {
        let before = &self.text[..self.cursor];
        let end = before.trim_end_matches(|c| !is_word_char(c)).len();
        before[..end].trim_end_matches(is_word_char).len()
    }

    /// The end of the word after the cursor (emacs `forward-word`).
    fn word_end(&self) -> usize {
        let after = &self.text[self.cursor..];
        let skipped = after.len() - after.trim_start_matches(|c| !is_word_char(c)).len();
        let rest = &after[skipped..];
        self.cursor + skipped + (rest.len() - rest.trim_start_matches(is_word_char).len())
    }

    pub fn word_left(&mut self) {
        self.cursor = self.word_start();
    }

    pub fn word_right(&mut self) {
        self.cursor = self.word_end();
    }

    /// Byte offset where the cursor's line starts.
    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }

    /// Byte offset where the cursor's line ends (before its newline).
    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i)
    }

    pub fn home(&mut self) {
        self.cursor = self.line_start();
    }

    pub fn end(&mut self) {
        self.cursor = self.line_end();
    }

    /// The cursor's line (from 0) and the text before it on that line (whose width is
    /// the cursor's column).
    pub fn cursor_line(&self) -> (usize, &str) {
        let line = self.text[..self.cursor].matches('\n').count();
        (line, &self.text[self.line_start()..self.cursor])
    }

    /// Moves to the line above, keeping the column where it can; false on the first line
    /// (the caller then goes back in history).
    pub fn up(&mut self) -> bool {
        let start = self.line_start();
        if start == 0 {
            return false;
        }
        let col = self.text[start..self.cursor].chars().count();
        let prev_start = self.text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        self.cursor = self.column_in(prev_start, start - 1, col);
        true
    }

    /// Moves to the line below; false on the last line.
    pub fn down(&mut self) -> bool {
        let end = self.line_end();
        if end == self.text.len() {
            return false;
        }
        let col = self.text[self.line_start()..self.cursor].chars().count();
        let next_start = end + 1;
        let next_end = self.text[next_start..]
            .find('\n')
            .map_or(self.text.len(), |i| next_start + i);
        self.cursor = self.column_in(next_start, next_end, col);
        true
    }

    /// The offset of column `col` in the line `start..end`, or its end.
    fn column_in(&self, start: usize, end: usize, col: usize) -> usize {
        self.text[start..end]
            .char_indices()
            .nth(col)
            .map_or(end, |(i, _)| start + i)
    }

    pub fn backspace(&mut self) {
        let from = self.prev_boundary(self.cursor);
        self.text.replace_range(from..self.cursor, "");
        self.cursor = from;
    }

    pub fn delete(&mut self) {
        let to = self.next_boundary(self.cursor);
        self.text.replace_range(self.cursor..to, "");
    }

    /// Removes `from..to` into the yank buffer; the cursor goes to `from`.
    fn kill(&mut self, from: usize, to: usize) {
        if from == to {
            return;
        }
        self.killed = self.text[from..to].to_string();
        self.text.replace_range(from..to, "");
        self.cursor = from;
    }

    /// Ctrl-K: kills to the end of the line; at the end of a line, the newline (joining
    /// the next line, as emacs does).
    pub fn kill_to_end(&mut self) {
        let end = self.line_end();
        let to = if end == self.cursor {
            self.next_boundary(end)
        } else {
            end
        };
        self.kill(self.cursor, to);
    }

    /// Ctrl-U: kills from the start of the line to the cursor.
    pub fn kill_to_start(&mut self) {
        self.kill(self.line_start(), self.cursor);
    }

    /// Ctrl-W and Alt-Backspace: kills the word before the cursor.
    pub fn kill_word_back(&mut self) {
        self.kill(self.word_start(), self.cursor);
    }

    /// Alt-D: kills the word after the cursor.
    pub fn kill_word_forward(&mut self) {
        self.kill(self.cursor, self.word_end());
    }

    /// Ctrl-Y: inserts the last killed text.
    pub fn yank(&mut self) {
        let text = self.killed.clone();
        self.insert(&text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with `|` at the cursor.
    fn show(e: &Editor) -> String {
        let mut s = e.text().to_string();
        s.insert(e.cursor(), '|');
        s
    }

    fn editor(text: &str) -> Editor {
        let mut e = Editor::new();
        e.set_text(text);
        e
    }

    #[test]
    fn insert_and_move_by_chars_across_multibyte_text() {
        let mut e = editor("a·b");
        e.left();
        e.left();
        assert_eq!(show(&e), "a|·b");
        e.insert_char('é');
        assert_eq!(show(&e), "aé|·b");
        e.right();
        e.backspace();
        e.delete();
        assert_eq!(show(&e), "aé|");
        e.right();
        assert_eq!(show(&e), "aé|");
        e.insert("x\r\ny\tz");
        assert_eq!(e.text(), "aéx\ny    z");
    }

    #[test]
    fn word_motions_skip_punctuation_then_a_word() {
        let mut e = editor("y = sin(x_1) + 2.5");
        e.word_left();
        assert_eq!(show(&e), "y = sin(x_1) + 2.|5");
        e.word_left();
        e.word_left();
        assert_eq!(show(&e), "y = sin(|x_1) + 2.5");
        e.word_left();
        e.word_left();
        e.word_left();
        assert_eq!(show(&e), "|y = sin(x_1) + 2.5");
        e.word_right();
        e.word_right();
        assert_eq!(show(&e), "y = sin|(x_1) + 2.5");
    }

    #[test]
    fn kills_go_to_the_yank_buffer() {
        let mut e = editor("a = sqrt(x) + y");
        e.kill_word_back();
        assert_eq!(show(&e), "a = sqrt(x) + |");
        e.yank();
        e.yank();
        assert_eq!(show(&e), "a = sqrt(x) + yy|");
        e.home();
        e.word_right();
        e.kill_to_end();
        assert_eq!(show(&e), "a|");
        e.kill_to_start();
        assert_eq!(show(&e), "|");
        e.yank();
        assert_eq!(show(&e), "a|");
        let mut e = editor("f(x, y)");
        e.home();
        e.kill_word_forward();
        assert_eq!(show(&e), "|(x, y)");
    }

    #[test]
    fn lines_home_end_and_vertical_motion() {
        let mut e = editor("x = (1 +\n  22 +\n3)");
        assert_eq!(e.cursor_line(), (2, "3)"));
        assert!(e.up());
        assert_eq!(show(&e), "x = (1 +\n  |22 +\n3)");
        e.end();
        assert_eq!(e.cursor_line(), (1, "  22 +"));
        assert!(e.up());
        assert_eq!(show(&e), "x = (1| +\n  22 +\n3)");
        assert!(!e.up());
        e.home();
        assert_eq!(e.cursor(), 0);
        assert!(e.down());
        assert!(e.down());
        assert_eq!(show(&e), "x = (1 +\n  22 +\n|3)");
        assert!(!e.down());
        e.kill_to_start();
        assert_eq!(show(&e), "x = (1 +\n  22 +\n|3)");
        e.up();
        e.end();
        e.kill_to_end();
        assert_eq!(show(&e), "x = (1 +\n  22 +|3)");
    }

    #[test]
    fn replace_and_take() {
        let mut e = editor("y = lins");
        e.replace(4..8, "linspace(");
        assert_eq!(show(&e), "y = linspace(|");
        assert_eq!(e.take(), "y = linspace(");
        assert!(e.is_empty());
        assert_eq!(e.cursor(), 0);
    }
}
