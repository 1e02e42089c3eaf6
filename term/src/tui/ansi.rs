//! Text with ANSI colour codes (SGR sequences, as vex's error renderer writes them) turned
//! into styled lines, so that errors are coloured by the renderer that the script mode
//! and the CLI use, and drawn into ratatui's buffers, which hold styles, not escape codes.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// Applies one SGR parameter to `style`; unknown ones are ignored.
fn apply(style: Style, code: u16) -> Style {
    const COLORS: [Color; 8] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
    ];
    const BRIGHT: [Color; 8] = [
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match code {
        0 => Style::new(),
        1 => style.add_modifier(Modifier::BOLD),
        2 => style.add_modifier(Modifier::DIM),
        3 => style.add_modifier(Modifier::ITALIC),
        4 => style.add_modifier(Modifier::UNDERLINED),
        22 => style.remove_modifier(Modifier::BOLD | Modifier::DIM),
        23 => style.remove_modifier(Modifier::ITALIC),
        24 => style.remove_modifier(Modifier::UNDERLINED),
        30..=37 => style.fg(COLORS[usize::from(code - 30)]),
        39 => style.fg(Color::Reset),
        90..=97 => style.fg(BRIGHT[usize::from(code - 90)]),
        _ => style,
    }
}

/// The lines of `text`, styled by its SGR sequences (other escape sequences are dropped).
pub fn lines(text: &str) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut style = Style::new();
    for raw in text.split('\n') {
        let mut spans: Vec<Span<'static>> = Vec::new();
        let mut rest = raw;
        while let Some(esc) = rest.find('\x1b') {
            if esc > 0 {
                spans.push(Span::styled(rest[..esc].to_string(), style));
            }
            rest = &rest[esc + 1..];
            let Some(body) = rest.strip_prefix('[') else {
                continue;
            };
            let end = body
                .find(|c: char| c.is_ascii_alphabetic())
                .unwrap_or(body.len());
            if body[end..].starts_with('m') {
                let params = &body[..end];
                if params.is_empty() {
                    style = Style::new();
                }
                for p in params.split(';').filter(|p| !p.is_empty()) {
                    style = apply(style, p.parse().unwrap_or(u16::MAX));
                }
            }
            rest = body.get(end + 1..).unwrap_or("");
        }
        if !rest.is_empty() {
            spans.push(Span::styled(rest.to_string(), style));
        }
        lines.push(Line::from(spans));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgr_codes_become_styles() {
        let lines = lines("\x1b[1;31merror\x1b[0m\x1b[1m: bad\x1b[0m\nplain \x1b[36m|\x1b[m x");
        assert_eq!(lines.len(), 2);
        let red_bold = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
        assert_eq!(lines[0].spans[0], Span::styled("error", red_bold));
        assert_eq!(
            lines[0].spans[1],
            Span::styled(": bad", Style::new().add_modifier(Modifier::BOLD))
        );
        assert_eq!(lines[1].spans[0], Span::raw("plain "));
        assert_eq!(
            lines[1].spans[1],
            Span::styled("|", Style::new().fg(Color::Cyan))
        );
        assert_eq!(lines[1].spans[2], Span::raw(" x"));
    }

    #[test]
    fn text_without_codes_and_stray_escapes() {
        assert_eq!(lines("a\nb"), [Line::from("a"), Line::from("b")]);
        assert_eq!(
            lines("a\x1b[2Kb\x1b"),
            [Line::from(vec![Span::raw("a"), Span::raw("b")])]
        );
    }
}
