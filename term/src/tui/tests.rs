//! The REPL driven by key sequences, as a user types, with the viewport rendered into a
//! buffer (ratatui's `TestBackend` style) and checked as text.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::*;

fn app() -> App {
    App::new(History::in_memory(), Theme::new(false))
}

fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app.key(KeyEvent::new(code, modifiers))
}

/// Types text (a `\n` presses Enter) and returns the effects.
fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        effects.extend(press(app, code, KeyModifiers::NONE));
    }
    effects
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    press(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Waits for the session's answer to what was submitted.
fn settle(app: &mut App) -> Vec<Effect> {
    let answer = app.worker.wait(Duration::from_secs(60)).expect("an answer");
    app.answer(answer)
}

/// The text of printed lines.
fn printed(effects: &[Effect]) -> String {
    let mut out = Vec::new();
    for e in effects {
        match e {
            Effect::Print(lines) => out.extend(lines.iter().map(|l| l.to_string())),
            other => out.push(format!("<{other:?}>")),
        }
    }
    out.join("\n")
}

/// The viewport at `width` columns as text, `█` at the cursor.
fn screen(app: &App, width: u16) -> String {
    let layout = app.view().layout(width, 20);
    let area = Rect::new(0, 0, width, layout.rows.len() as u16);
    let mut buf = Buffer::empty(area);
    (&layout).render(area, &mut buf);
    buf[(layout.cursor.x, layout.cursor.y)].set_symbol("█");
    (0..area.height)
        .map(|y| {
            let row: String = (0..width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            row.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn statements_run_and_their_output_is_printed() {
    let mut app = app();
    let echo = typed(&mut app, "x = linspace(0, 1, 5)\n");
    assert_eq!(printed(&echo), ">>> x = linspace(0, 1, 5)");
    assert_eq!(printed(&settle(&mut app)), "");
    typed(&mut app, "x * 2\n");
    insta::assert_snapshot!(printed(&settle(&mut app)), @r#"
        array(shape=(5,), dtype=float64)
        [0.  0.5 1.  1.5 2. ]
        "#);
    // The variable is now known to completion and to the checker.
    assert_eq!(app.vars[0].0, "x");
}

#[test]
fn an_unfinished_expression_continues_on_the_next_line() {
    let mut app = app();
    assert_eq!(typed(&mut app, "y = (1 +\n"), []);
    assert_eq!(app.editor.text(), "y = (1 +\n");
    typed(&mut app, "2)");
    insta::assert_snapshot!(screen(&app, 30), @r#"
        >>> y = (1 +
        ... 2)█
        "#);
    let echo = typed(&mut app, "\n");
    assert_eq!(printed(&echo), ">>> y = (1 +\n... 2)");
    settle(&mut app);
    // Alt-Enter forces a new line in a complete input.
    typed(&mut app, "y");
    press(&mut app, KeyCode::Enter, KeyModifiers::ALT);
    assert_eq!(app.editor.text(), "y\n");
}

#[test]
fn errors_show_while_typing_and_with_a_caret_after_enter() {
    let mut app = app();
    typed(&mut app, "sinn(1)");
    insta::assert_snapshot!(screen(&app, 60), @r#"
        >>> sinn(1)█
        unknown function 'sinn' (did you mean 'sin'?)
        "#);
    typed(&mut app, "\n");
    insta::assert_snapshot!(printed(&settle(&mut app)), @r#"
        error: unknown function 'sinn'
         --> 1:1
          |
        1 | sinn(1)
          | ^^^^ did you mean 'sin'?
        "#);
}

#[test]
fn history_recall_and_search() {
    let mut app = app();
    for line in ["a = 1\n", "b = 2\n", "a + b\n"] {
        typed(&mut app, line);
        settle(&mut app);
    }
    typed(&mut app, "dr");
    press(&mut app, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(app.editor.text(), "a + b");
    press(&mut app, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(app.editor.text(), "b = 2");
    press(&mut app, KeyCode::Down, KeyModifiers::NONE);
    press(&mut app, KeyCode::Down, KeyModifiers::NONE);
    assert_eq!(app.editor.text(), "dr");
    ctrl(&mut app, 'u');
    ctrl(&mut app, 'r');
    typed(&mut app, "a");
    insta::assert_snapshot!(screen(&app, 70), @r#"
        >>> a + b
        search: a█  Enter runs · arrows edit · Esc cancels
        "#);
    ctrl(&mut app, 'r');
    assert_eq!(app.search_text(), "a = 1");
    // An arrow takes the match into the editor.
    press(&mut app, KeyCode::Left, KeyModifiers::NONE);
    assert_eq!((app.editor.text(), app.editor.cursor()), ("a = 1", 4));
    // Esc puts back what was typed.
    ctrl(&mut app, 'r');
    typed(&mut app, "zz");
    assert!(screen(&app, 70).contains("search (no match): zz"));
    press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(app.editor.text(), "a = 1");
    // Enter runs the match.
    ctrl(&mut app, 'u');
    ctrl(&mut app, 'r');
    typed(&mut app, "+");
    assert_eq!(printed(&typed(&mut app, "\n")), ">>> a + b");
    assert_eq!(printed(&settle(&mut app)), "3");
}

#[test]
fn tab_completes_and_shows_a_menu() {
    let mut app = app();
    typed(&mut app, "signal = 1\n");
    settle(&mut app);
    typed(&mut app, "y = sig");
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    insta::assert_snapshot!(screen(&app, 40), @r#"
        >>> y = sign█
        signal   sign     signbit
        3 candidates   Tab next · Enter accepts
        "#);
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(app.editor.text(), "y = sign");
    typed(&mut app, "b");
    assert!(app.menu.is_none(), "one candidate left");
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(app.editor.text(), "y = signbit(");
    ctrl(&mut app, 'u');
    typed(&mut app, ":ti");
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(app.editor.text(), ":time ");
}

#[test]
fn ctrl_c_clears_and_ctrl_d_quits() {
    let mut app = app();
    typed(&mut app, "1 + 2");
    assert_eq!(ctrl(&mut app, 'c'), []);
    assert_eq!(app.editor.text(), "");
    ctrl(&mut app, 'c');
    assert!(
        screen(&app, 40).contains("Ctrl-D or :quit exits"),
        "{}",
        screen(&app, 40)
    );
    typed(&mut app, "ab");
    ctrl(&mut app, 'a');
    assert_eq!(ctrl(&mut app, 'd'), []);
    assert_eq!(app.editor.text(), "b");
    ctrl(&mut app, 'k');
    assert_eq!(ctrl(&mut app, 'd'), [Effect::Quit]);
    typed(&mut app, ":quit\n");
    assert_eq!(settle(&mut app), [Effect::Quit]);
}

#[test]
fn a_long_input_wraps_and_the_cursor_follows() {
    let mut app = app();
    typed(&mut app, "total = sum(x * 2) + sum(x * 3)");
    ctrl(&mut app, 'a');
    press(&mut app, KeyCode::Right, KeyModifiers::ALT);
    insta::assert_snapshot!(screen(&app, 20), @r#"
        >>> total█= sum(x *
        2) + sum(x * 3)
        unknown name 'x' (di
        d you mean 'e'?)
        "#);
}

#[test]
fn output_goes_into_an_inline_terminals_scrollback() {
    let mut app = app();
    let backend = TestBackend::new(30, 6);
    let mut terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Inline(2),
        },
    )
    .unwrap();
    let mut effects = typed(&mut app, "arange(3) * 2\n");
    effects.extend(settle(&mut app));
    for e in effects {
        let Effect::Print(lines) = e else { continue };
        let rows = wrap::wrap_all(lines, 30);
        terminal
            .insert_before(rows.len() as u16, |buf| {
                for (i, row) in rows.iter().enumerate() {
                    buf.set_line(0, i as u16, row, 30);
                }
            })
            .unwrap();
    }
    terminal
        .draw(|f| {
            let layout = app.view().layout(30, 6);
            f.render_widget(&layout, f.area());
        })
        .unwrap();
    // The viewport started at the top; the output pushed it down.
    let expected = [
        ">>> arange(3) * 2",
        "array(shape=(3,), dtype=int64)",
        "[0 2 4]",
        ">>>",
        "",
        "",
    ];
    let buf = terminal.backend().buffer();
    let rows: Vec<String> = (0..6)
        .map(|y| {
            let row: String = (0..30).map(|x| buf[(x, y)].symbol().to_string()).collect();
            row.trim_end().to_string()
        })
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn ctrl_c_cancels_a_long_evaluation() {
    let mut app = app();
    typed(&mut app, "s = sum(sin(arange(10**11)))\n");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    // Until the evaluation has started (its total known).
    while app.worker.running().is_none_or(|r| r.progress.total == 0) {
        assert!(
            std::time::Instant::now() < deadline,
            "the evaluation did not start"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // Enter while it runs does not start another cell.
    typed(&mut app, "1\n");
    assert_eq!(app.editor.text(), "1");
    ctrl(&mut app, 'c');
    insta::assert_snapshot!(printed(&settle(&mut app)), @r#"error: cancelled"#);
    assert!(app.vars.is_empty(), "a cancelled cell binds nothing");
}

#[test]
fn the_progress_line() {
    let theme = Theme::new(false);
    let view = |fraction, cancelled| View {
        input: vec![Line::default()],
        cursor: (0, 0),
        menu: None,
        status: Status::Running {
            elapsed: Duration::from_millis(1250),
            fraction,
            cancelled,
        },
        theme: &theme,
    };
    let text = |v: View| {
        let rows: Vec<String> = v
            .layout(80, 10)
            .rows
            .iter()
            .map(|l| l.to_string().trim_end().to_string())
            .collect();
        rows.join("\n")
    };
    insta::assert_snapshot!(text(view(Some(0.45), false)), @r#"
        >>>
        ⠹ running 1.2 s  █████████░░░░░░░░░░░  45%  Ctrl-C cancels
        "#);
    insta::assert_snapshot!(text(view(None, true)), @r#"
        >>>
        ⠹ running 1.2 s  cancelling…
        "#);
}

#[test]
fn open_shows_each_cell_with_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let nb = dir.path().join("nb.md");
    std::fs::write(
        &nb,
        "```vex\nx = arange(3)\n```\nProse.\n```vex\nx * 2\n```\n",
    )
    .unwrap();
    let mut app = app();
    typed(&mut app, &format!(":open {}\n", nb.display()));
    assert_eq!(
        printed(&settle(&mut app)),
        format!(
            "running 2 cells of {}\n>>> x = arange(3)\n>>> x * 2\narray(shape=(3,), dtype=int64)\n[0 2 4]",
            nb.display()
        )
    );
    assert_eq!(app.vars[0].0, "x");
}

#[test]
fn plots_are_images_where_the_setting_and_the_terminal_allow() {
    let mut app = app();
    app.size = (60, 24);
    let plot = "x = linspace(0, 6, 50); plot(x, sin(x)); x[0]\n";
    // No image protocol found: `auto` draws text.
    typed(&mut app, plot);
    let effects = settle(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::Print(_)]),
        "{effects:?}"
    );
    typed(&mut app, ":plots\n");
    assert_eq!(
        printed(&settle(&mut app)),
        "plots: auto\nterminal: no image protocol found (not asked); plots are drawn as text"
    );

    app.graphics = graphics::Detection {
        found: Some(graphics::Graphics {
            protocol: graphics::Protocol::Sixel,
            cell: (8, 16),
            tmux: false,
            compress: false,
        }),
        ..graphics::Detection::none("")
    };
    typed(&mut app, plot);
    match settle(&mut app).as_slice() {
        [Effect::Image(p), Effect::Print(after)] => {
            assert_eq!(
                printed(&[Effect::Print(after.clone())]),
                "0.0",
                "the value after it"
            );
            // The terminal's width, the text plot's height (16 rows of a 24-row screen).
            assert_eq!((p.cols, p.rows, p.pixels), (60, 16, (480, 252)));
            assert_eq!(p.fallback.len(), 16, "the text, for a screen without room");
        }
        other => panic!("{other:?}"),
    }
    typed(&mut app, ":plots text\n");
    assert_eq!(
        printed(&settle(&mut app)),
        "plots: text\nterminal: sixel, cells of 8×16 px; plots are drawn as text"
    );
    typed(&mut app, plot);
    assert!(matches!(settle(&mut app).as_slice(), [Effect::Print(_)]));
}
