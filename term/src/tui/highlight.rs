//! Syntax highlighting of the input from vex-expr's lexer tokens: numbers, names known as
//! functions or constants, keywords, operators, comments, a `:command`'s name, and the span
//! of the error found while typing, underlined.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use vex_expr::check::{CONSTANTS, FUNCTIONS};
use vex_expr::lexer::{tokenize, TokenKind};

use super::lint::PLOT_STATEMENTS;
use super::theme::Theme;
use crate::session::{is_command, Command};

/// The styles of `text`, one per byte, before they are grouped into spans.
fn styles(text: &str, theme: &Theme) -> Vec<Style> {
    let mut styles = vec![Style::new(); text.len()];
    if is_command(text) {
        let colon = text.len() - text.trim_start().len();
        let name_end = text[colon..]
            .find(char::is_whitespace)
            .map_or(text.len(), |i| colon + i);
        styles[colon..name_end].fill(theme.command);
        if let Ok((Command::Time(_) | Command::Explain(_), offset)) = Command::parse(text) {
            code(&text[offset..], theme, &mut styles[offset..]);
        }
    } else {
        code(text, theme, &mut styles);
    }
    styles
}

/// Styles code by token, and quoted strings (a plot's options), which vex's lexer does
/// not know: they are blanked before it reads the text.
fn code(text: &str, theme: &Theme, styles: &mut [Style]) {
    let strings = strings(text);
    let mut masked = text.as_bytes().to_vec();
    for r in &strings {
        masked[r.clone()].fill(b' ');
    }
    let masked = String::from_utf8(masked).expect("whole characters were blanked");
    let (tokens, _) = tokenize(&masked);
    for t in tokens {
        let word = &masked[t.span.start..t.span.end];
        let style = match t.kind {
            TokenKind::Number => theme.number,
            TokenKind::Name if FUNCTIONS.contains(&word) || PLOT_STATEMENTS.contains(&word) => {
                theme.function
            }
            TokenKind::Name if CONSTANTS.iter().any(|(c, _)| *c == word) => theme.constant,
            TokenKind::Name => theme.variable,
            TokenKind::Keyword => theme.keyword,
            TokenKind::Operator => theme.operator,
            TokenKind::Comment => theme.comment,
            TokenKind::Error => theme.bad_token,
            TokenKind::Punct | TokenKind::Newline | TokenKind::Continuation => continue,
        };
        styles[t.span.start..t.span.end].fill(style);
    }
    for r in strings {
        styles[r].fill(theme.string);
    }
}

/// The byte ranges of quoted strings, quotes included; an unclosed one runs to the end
/// of its line.
fn strings(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices();
    while let Some((start, c)) = chars.next() {
        match c {
            '#' => {
                // A comment: up to the end of the line.
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' | '\'' => {
                let mut end = text.len();
                for (i, d) in chars.by_ref() {
                    if d == c || d == '\n' {
                        end = i + usize::from(d == c);
                        break;
                    }
                }
                out.push(start..end);
            }
            _ => {}
        }
    }
    out
}

/// The lines of `text`, highlighted, with `mark` (a byte range: an error's span, a search
/// match) drawn in its style on top. An empty range (something missing) marks the
/// character after it, or a space added at the end of the line.
pub fn highlight(
    text: &str,
    mark: Option<(Range<usize>, Style)>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut styles = styles(text, theme);
    let mut text = text.to_string();
    if let Some((r, mark_style)) = mark {
        let start = r.start.min(text.len());
        let mut end = r.end.clamp(start, text.len());
        if start == end {
            match text[start..].chars().next() {
                Some('\n') | None => {
                    text.insert(start, ' ');
                    styles.insert(start, Style::new());
                }
                Some(_) => {}
            }
            end = start + text[start..].chars().next().map_or(0, char::len_utf8);
        }
        for s in &mut styles[start..end] {
            *s = s.patch(mark_style);
        }
    }
    let mut lines = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        lines.push(group(line, &styles[line_start..line_start + line.len()]));
        line_start += line.len() + 1;
    }
    lines
}

/// Spans of equal style.
fn group(line: &str, styles: &[Style]) -> Line<'static> {
    if line.is_empty() {
        return Line::default();
    }
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, _) in line.char_indices().skip(1).chain([(line.len(), ' ')]) {
        if i == line.len() || styles[i] != styles[start] {
            spans.push(Span::styled(line[start..i].to_string(), styles[start]));
            start = i;
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    /// Each span as `text:colour` (no colour: `text`), `!` when underlined.
    fn show(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| {
                        let mut out = format!("[{}", s.content);
                        if let Some(c) = s.style.fg {
                            out.push_str(&format!(":{c}"));
                        }
                        if s.style.add_modifier.contains(Modifier::UNDERLINED) {
                            out.push('!');
                        }
                        out + "]"
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn tokens_get_their_colours() {
        let theme = Theme::new(true);
        let lines = highlight("y = sin(x) * pi + 2.5 # note", None, &theme);
        assert_eq!(
            show(&lines),
            ["[y ][=:Yellow][ ][sin:Blue][(x) ][*:Yellow][ ][pi:Magenta][ ][+:Yellow][ ][2.5:Cyan][ ][# note:Gray]"]
        );
        assert_eq!(lines[0].spans[0].style, Style::new());
    }

    #[test]
    fn commands_and_their_expressions() {
        let theme = Theme::new(true);
        let show_one = |t| show(&highlight(t, None, &theme)).join("|");
        assert_eq!(
            show_one(":time sqrt(x)"),
            "[:time:Green][ ][sqrt:Blue][(x)]"
        );
        assert_eq!(show_one(":load a.npy"), "[:load:Green][ a.npy]");
    }

    #[test]
    fn plot_statements_and_their_strings() {
        let theme = Theme::new(true);
        let lines = highlight("plot(x, title='a # b') # c", None, &theme);
        assert_eq!(
            show(&lines),
            ["[plot:Blue][(x, title][=:Yellow]['a # b':Green][) ][# c:Gray]"]
        );
        let lines = highlight("hist(y, title=\"open", None, &theme);
        assert_eq!(
            show(&lines),
            ["[hist:Blue][(y, title][=:Yellow][\"open:Green]"]
        );
    }

    #[test]
    fn errors_are_underlined_across_lines() {
        let theme = Theme::new(true);
        let lines = highlight(
            "a = (1 +\nsinn(x))",
            Some((9..13, theme.error_span)),
            &theme,
        );
        assert_eq!(
            show(&lines),
            [
                "[a ][=:Yellow][ (][1:Cyan][ ][+:Yellow]",
                "[sinn:Red!][(x))]"
            ]
        );
        // An empty span at the end marks a space after the text.
        let lines = highlight("x +", Some((3..3, theme.error_span)), &theme);
        assert_eq!(show(&lines), ["[x ][+:Yellow][ :Red!]"]);
    }

    #[test]
    fn no_color_keeps_only_modifiers() {
        let theme = Theme::new(false);
        let lines = highlight("sinn(x) + 1", Some((0..4, theme.error_span)), &theme);
        assert_eq!(show(&lines), ["[sinn!][(x) + 1]"]);
        assert!(lines[0].spans.iter().all(|s| s.style.fg.is_none()));
    }
}
