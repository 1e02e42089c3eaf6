//! Hard wrapping of styled lines at the terminal's width, as the terminal itself would
//! wrap them: needed to know how many rows output takes before it is inserted above the
//! viewport, and where the cursor of a long input line is.

use ratatui::text::{Line, Span};

/// Columns `c` takes on the terminal.
pub fn char_width(c: char) -> usize {
    if c.is_ascii() {
        usize::from(!c.is_ascii_control())
    } else {
        let mut buf = [0; 4];
        Span::raw(&*c.encode_utf8(&mut buf)).width()
    }
}

/// Columns `s` takes.
pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `line` cut into rows of at most `width` columns (at least one row).
pub fn wrap(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    if line.width() <= width {
        return vec![line];
    }
    let mut rows = Vec::new();
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = char_width(c);
            if used + w > width && used > 0 {
                if !piece.is_empty() {
                    row.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                rows.push(Line::from(std::mem::take(&mut row)));
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        if !piece.is_empty() {
            row.push(Span::styled(piece, span.style));
        }
    }
    rows.push(Line::from(row));
    rows
}

/// Every line wrapped.
pub fn wrap_all(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    lines.into_iter().flat_map(|l| wrap(l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Style, Stylize};

    #[test]
    fn rows_keep_their_styles() {
        let line = Line::from(vec![Span::raw("abc"), "defgh".red()]);
        let rows = wrap(line, 4);
        assert_eq!(
            rows,
            [
                Line::from(vec![Span::raw("abc"), "d".red()]),
                Line::from(vec!["efgh".red()]),
            ]
        );
        assert_eq!(wrap(Line::from("ab"), 4), [Line::from("ab")]);
        assert_eq!(wrap(Line::default(), 4).len(), 1);
        let wide = wrap(Line::from(Span::styled("a漢字b", Style::new())), 3);
        assert_eq!(wide, [Line::from("a漢"), Line::from("字b")]);
        assert_eq!(str_width("a漢"), 3);
    }
}
