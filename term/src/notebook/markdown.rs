//! Reading and writing the Markdown of notebooks: finding the ```` ```vex ```` cells and
//! the output that follows each, without touching anything else.
//!
//! Fences follow CommonMark: at most three spaces of indentation, then three or more
//! backticks or tildes and an info string whose first word is the language; a block ends
//! at a line of at least as many of the same character and nothing else. A fence that is
//! indented four spaces or more, or sits in a block quote or list item, is not a cell. An
//! HTML comment (`<!--` at the start of a line, to the line holding `-->`) hides what it
//! holds, cells included. Lines may end in LF or CRLF, and the last may have no ending.

use std::fmt;
use std::ops::Range;

/// The language of the code blocks that are cells.
pub const CELL_LANG: &str = "vex";
/// The language of the block that holds a cell's output; it is the cell's only when it
/// comes right after the cell (blank lines aside).
pub const OUTPUT_LANG: &str = "output";
/// What an image line that is part of a cell's output starts with: `![vex plot…](…)`.
pub const PLOT_ALT: &str = "vex plot";

/// A notebook as read: its text, and where its cells and their outputs are in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Notebook {
    pub source: String,
    pub cells: Vec<CodeCell>,
    /// The line ending the notebook uses (that of its first line), for new output.
    pub newline: &'static str,
}

/// One ```` ```vex ```` block.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeCell {
    /// The code, lines joined by `\n` (the fence's indentation removed from each).
    pub code: String,
    /// The line of the opening fence, counted from 1.
    pub line: usize,
    /// The byte just past the closing fence's line (its line ending included).
    pub end: usize,
    /// The bytes of the output that follows: the ```` ```output ```` block and the plot
    /// image lines after it, with the blank lines before each; it starts at `end`.
    pub output: Option<Range<usize>>,
}

/// Why a notebook cannot be read: the message, and the line (from 1) it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// One line: its text without the line ending, and the bytes of the whole line.
struct Line<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// The lines of `source`; a byte-order mark is kept in the first line's bytes but not in
/// its text.
fn split(source: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < source.len() {
        let end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i + 1);
        let mut text = source[start..end].trim_end_matches('\n');
        text = text.strip_suffix('\r').unwrap_or(text);
        if start == 0 {
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        lines.push(Line { text, start, end });
        start = end;
    }
    lines
}

/// An opening code fence.
struct Fence<'a> {
    /// `` ` `` or `~`.
    mark: char,
    len: usize,
    indent: usize,
    info: &'a str,
}

impl<'a> Fence<'a> {
    fn open(line: &'a str) -> Option<Fence<'a>> {
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let mark = body.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let len = body.len() - body.trim_start_matches(mark).len();
        let info = body[len..].trim();
        if indent > 3 || len < 3 || (mark == '`' && info.contains('`')) {
            return None;
        }
        Some(Fence {
            mark,
            len,
            indent,
            info,
        })
    }

    /// The language: the info string's first word.
    fn lang(&self) -> &'a str {
        self.info.split_whitespace().next().unwrap_or("")
    }

    fn closes(&self, line: &str) -> bool {
        let body = line.trim_start_matches(' ');
        let run = body.len() - body.trim_start_matches(self.mark).len();
        line.len() - body.len() <= 3 && run >= self.len && body[run..].trim().is_empty()
    }

    /// The index of the line that closes this fence, opened on line `at`.
    fn close(&self, lines: &[Line], at: usize) -> Option<usize> {
        (at + 1..lines.len()).find(|&i| self.closes(lines[i].text))
    }

    /// The fence as written, for messages: ```` ```vex ````.
    fn shown(&self) -> String {
        format!("{}{}", self.mark.to_string().repeat(self.len), self.lang())
    }

    /// A content line without the fence's indentation.
    fn unindent<'l>(&self, line: &'l str) -> &'l str {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        &line[spaces.min(self.indent)..]
    }
}

/// Whether a line starts an HTML comment block.
fn opens_comment(line: &str) -> bool {
    let body = line.trim_start_matches(' ');
    line.len() - body.len() <= 3 && body.starts_with("<!--")
}

/// Whether a line is an image of a cell's plot, as [`image_line`] writes it.
fn is_plot_image(line: &str) -> bool {
    let t = line.trim();
    t.strip_prefix("![")
        .is_some_and(|rest| rest.starts_with(PLOT_ALT) && t.ends_with(')'))
}

/// Finds the cells of a notebook and the output after each.
pub fn parse(source: &str) -> Result<Notebook, ParseError> {
    let lines = split(source);
    let newline = match lines.first() {
        Some(l) if source[l.start..l.end].ends_with("\r\n") => "\r\n",
        _ => "\n",
    };
    let mut cells = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let text = lines[i].text;
        if opens_comment(text) {
            let rest = &text[text.find("<!--").expect("opens") + 4..];
            i = if rest.contains("-->") {
                i + 1
            } else {
                (i + 1..lines.len())
                    .find(|&j| lines[j].text.contains("-->"))
                    .map_or(lines.len(), |j| j + 1)
            };
            continue;
        }
        let Some(fence) = Fence::open(text) else {
            i += 1;
            continue;
        };
        let close = fence.close(&lines, i);
        if fence.lang() != CELL_LANG {
            // Any other block is prose to us; one never closed runs to the end.
            i = close.map_or(lines.len(), |c| c + 1);
            continue;
        }
        let close = close.ok_or_else(|| ParseError {
            line: i + 1,
            message: format!("the {} block opened here is never closed", fence.shown()),
        })?;
        let code: Vec<&str> = lines[i + 1..close]
            .iter()
            .map(|l| fence.unindent(l.text))
            .collect();
        let end = lines[close].end;
        let (output, next) = output_after(&lines, close + 1)?;
        cells.push(CodeCell {
            code: code.join("\n"),
            line: i + 1,
            end,
            output: output.map(|stop| end..stop),
        });
        i = next;
    }
    Ok(Notebook {
        source: source.to_string(),
        cells,
        newline,
    })
}

/// The output of the cell whose closing fence is the line before `from`: where it ends,
/// and the line after it. None when the next line that is not blank does not open an
/// ```` ```output ```` block.
fn output_after(lines: &[Line], from: usize) -> Result<(Option<usize>, usize), ParseError> {
    let next_text = |at: usize| (at..lines.len()).find(|&j| !lines[j].is_blank());
    let Some(open) = next_text(from) else {
        return Ok((None, from));
    };
    let fence = match Fence::open(lines[open].text) {
        Some(f) if f.lang() == OUTPUT_LANG => f,
        _ => return Ok((None, from)),
    };
    let close = fence.close(lines, open).ok_or_else(|| ParseError {
        line: open + 1,
        message: format!(
            "the {} block opened here (the output of the cell above) is never closed",
            fence.shown()
        ),
    })?;
    let mut end = lines[close].end;
    let mut next = close + 1;
    while let Some(image) = next_text(next).filter(|&j| is_plot_image(lines[j].text)) {
        end = lines[image].end;
        next = image + 1;
    }
    Ok((Some(end), next))
}

impl Notebook {
    /// The notebook with each cell's output replaced by `outputs[k]` (text from
    /// [`fenced`] and [`image_line`], `\n`-terminated lines, or empty for none); the
    /// rest is kept byte for byte.
    pub fn with_outputs(&self, outputs: &[String]) -> String {
        let mut text = String::with_capacity(self.source.len());
        let mut at = 0;
        for (cell, output) in self.cells.iter().zip(outputs) {
            text.push_str(&self.source[at..cell.end]);
            if !output.is_empty() {
                if !text.ends_with('\n') {
                    text.push_str(self.newline);
                }
                match self.newline {
                    "\n" => text.push_str(output),
                    nl => text.push_str(&output.replace('\n', nl)),
                }
            }
            at = cell.output.as_ref().map_or(cell.end, |o| o.end);
        }
        text.push_str(&self.source[at..]);
        text
    }
}

/// A fenced code block of `lang` holding `content` exactly (as [`parse`] reads it back):
/// the fence is longer than any run of backticks in the content.
pub fn fenced(lang: &str, content: &str) -> String {
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body = if content.is_empty() {
        String::new()
    } else {
        format!("{content}\n")
    };
    format!("{fence}{lang}\n{body}{fence}\n")
}

/// The Markdown image line of a cell's plot: `![vex plot: TITLE](PATH)`.
pub fn image_line(title: Option<&str>, path: &str) -> String {
    let alt = match title {
        Some(t) => {
            let t: String = t
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let escaped = t
                .replace('\\', "\\\\")
                .replace('[', "\\[")
                .replace(']', "\\]");
            format!("{PLOT_ALT}: {escaped}")
        }
        None => PLOT_ALT.to_string(),
    };
    let target = if path.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", path.replace('<', "%3C").replace('>', "%3E"))
    } else {
        path.to_string()
    };
    format!("![{alt}]({target})\n")
}
