//! The REPL on a terminal that answers none of its image-capability queries (only the
//! cursor position reports that ratatui needs): it must start once the query times out,
//! leave no reader behind that would take the user's keys, and draw plots as text. The
//! terminal is a pseudo-terminal made by `script` (util-linux), driven through pipes;
//! skipped (with a note) where `script` is not installed.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Everything vex wrote, with escape sequences, as it arrives.
type Screen = Arc<Mutex<Vec<u8>>>;

/// Waits until `check` accepts what was written; fails showing it after 30 s.
fn wait_until(screen: &Screen, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = String::from_utf8_lossy(&screen.lock().unwrap()).into_owned();
        if check(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "waited for {what}; got:\n{text:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for `what` in the text (cursor moves stand between words where ratatui draws:
/// compared without blanks).
fn wait_for(screen: &Screen, what: &str) -> String {
    let squeezed = |s: &str| s.split_whitespace().collect::<String>();
    wait_until(screen, what, |text| {
        squeezed(&strip_escapes(text)).contains(&squeezed(what))
    })
}

/// The text without CSI sequences and APC strings.
fn strip_escapes(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some('_') => {
                while let Some(c) = chars.next() {
                    if c == '\x1b' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn a_terminal_that_answers_no_query() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("note: script is not installed; the silent-terminal test is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let command = format!(
        "stty cols 80 rows 24; env VEX_HISTORY='{}' NO_COLOR=1 TERM=xterm-256color '{}'",
        dir.path().join("history").display(),
        env!("CARGO_BIN_EXE_vex")
    );
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run script");
    let keys = Arc::new(Mutex::new(child.stdin.take().unwrap()));
    let screen: Screen = Arc::default();
    let mut out = child.stdout.take().unwrap();
    let (reader_keys, reader_screen) = (keys.clone(), screen.clone());
    let reader = std::thread::spawn(move || {
        let mut answered = 0;
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = out.read(&mut buf) {
            let mut seen = reader_screen.lock().unwrap();
            seen.extend_from_slice(&buf[..n]);
            // The only answers this terminal gives: cursor positions.
            let asked = seen.windows(4).filter(|w| w == b"\x1b[6n").count();
            for _ in answered..asked {
                let _ = reader_keys.lock().unwrap().write_all(b"\x1b[3;1R");
            }
            answered = asked;
        }
    });
    let type_line = |text: &str| {
        let mut k = keys.lock().unwrap();
        k.write_all(text.as_bytes()).unwrap();
        k.write_all(b"\r").unwrap();
    };

    let text = wait_for(&screen, "Ctrl-D quits");
    assert!(text.contains("\x1b_Gi=31,"), "the query was sent: {text:?}");
    type_line("1 + 2");
    wait_for(&screen, "3");
    type_line(":plots");
    wait_for(
        &screen,
        "terminal: no image protocol found (no answer within 500 ms); plots are drawn as text",
    );
    type_line("plot(arange(10))");
    wait_until(&screen, "a Braille plot", |text| {
        text.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c))
    });
    type_line(":quit");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    reader.join().unwrap();
}
