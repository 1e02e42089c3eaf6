//! End-to-end test of the interactive REPL: the real `vex` binary in a tmux pane, driven
//! with `send-keys` and read back with `capture-pane`, as a user would see it. Skipped
//! (with a note) where tmux is not installed; CI installs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A tmux server of our own (its socket in a temp dir, no user configuration).
struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .output()
            .expect("run tmux")
    }

    /// Starts `command` in a 100×30 pane of session `name`.
    fn start(&self, name: &str, command: &str) {
        let out = self.run(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "30",
            command,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Types text literally.
    fn type_text(&self, name: &str, text: &str) {
        assert!(self
            .run(&["send-keys", "-t", name, "-l", text])
            .status
            .success());
    }

    /// Presses keys by tmux's names (`Enter`, `Up`, `C-d`).
    fn press(&self, name: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", name];
        args.extend(keys);
        assert!(self.run(&args).status.success());
    }

    /// The pane's text, with its scrollback.
    fn capture(&self, name: &str) -> String {
        let out = self.run(&["capture-pane", "-p", "-S", "-", "-t", name]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until `check` accepts the pane's text; fails showing the pane after 30 s.
    fn wait_for(&self, name: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.capture(name);
            if check(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; the pane:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, name: &str, needle: &str) -> String {
        self.wait_for(name, needle, |t| t.contains(needle))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The shell command that runs vex with its history at `history`, then says whether the
/// terminal was left in cooked mode and that it is done.
fn vex_command(history: &Path) -> String {
    format!(
        "env VEX_HISTORY='{}' NO_COLOR=1 '{}'; stty -a | grep -o -- '-*icanon'; echo EXITED; sleep 60",
        history.display(),
        env!("CARGO_BIN_EXE_vex")
    )
}

#[test]
fn the_repl_in_a_real_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("note: tmux is not installed; the end-to-end REPL test is skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let history = dir.path().join("data/history");
    let tmux = Tmux {
        socket: dir.path().join("tmux.sock"),
    };
    tmux.start("a", &vex_command(&history));
    tmux.wait_text("a", "Ctrl-D quits");

    // Statements, and a value printed NumPy-style.
    tmux.type_text("a", "x = linspace(0, 1, 5)");
    tmux.press("a", &["Enter"]);
    tmux.type_text("a", "x * 2");
    tmux.press("a", &["Enter"]);
    let result = "[0.  0.5 1.  1.5 2. ]";
    tmux.wait_text("a", result);

    // An error: shown while typing, then with a caret under the span.
    tmux.type_text("a", "sinn(x)");
    tmux.wait_text("a", "unknown function 'sinn' (did you mean 'sin'?)");
    tmux.press("a", &["Enter"]);
    let pane = tmux.wait_text("a", "^^^^");
    assert!(pane.contains("error: unknown function 'sinn'"), "{pane}");
    assert!(pane.contains("1 | sinn(x)"), "{pane}");
    // Plot statements are checked while typing too; the line is then abandoned.
    tmux.type_text("a", "plot(x, x, titel=\"t\")");
    tmux.wait_text("a", "plot() has no option 'titel' (did you mean 'title'?)");
    tmux.press("a", &["C-u"]);

    // History: Up twice recalls `x * 2`, which runs again.
    tmux.press("a", &["Up", "Up"]);
    tmux.wait_for("a", "x * 2 recalled", |t| {
        t.lines().filter(|l| l.trim_end() == ">>> x * 2").count() == 2
    });
    tmux.press("a", &["Enter"]);
    tmux.wait_for("a", "the result twice", |t| t.matches(result).count() == 2);

    // An unfinished line continues; the cell runs once complete.
    tmux.type_text("a", "y = (1 +");
    tmux.press("a", &["Enter"]);
    tmux.type_text("a", "2)");
    tmux.press("a", &["Enter"]);
    tmux.type_text("a", "y * 10");
    tmux.press("a", &["Enter"]);
    let pane = tmux.wait_for("a", "30", |t| t.lines().any(|l| l.trim_end() == "30"));
    assert!(pane.contains(">>> y = (1 +\n... 2)"), "{pane}");

    // Tab completes a variable and a function.
    tmux.type_text("a", "y + sq");
    tmux.press("a", &["Tab"]);
    tmux.wait_text("a", "2 candidates");
    tmux.press("a", &["Tab", "Enter"]);
    tmux.type_text("a", "4)");
    tmux.press("a", &["Enter"]);
    tmux.wait_for("a", "y + sqrt(4)", |t| {
        t.lines().any(|l| l.trim_end() == "5.0")
    });

    // The session saved as a notebook, then opened: its cells run again, shown as typed.
    let notebook = dir.path().join("s.md");
    tmux.type_text("a", &format!(":save {}", notebook.display()));
    tmux.press("a", &["Enter"]);
    tmux.wait_text("a", "saved 7 cells to");
    let saved = std::fs::read_to_string(&notebook).expect("the notebook");
    assert!(saved.contains("```vex\nx * 2\n```\n```output\n"), "{saved}");
    // Tab completes the notebook's file name (the only `.md` file in the folder).
    tmux.type_text("a", &format!(":open {}/s", dir.path().display()));
    tmux.press("a", &["Tab"]);
    tmux.wait_text("a", &format!(":open {}", notebook.display()));
    tmux.press("a", &["Enter"]);
    let pane = tmux.wait_for("a", "the notebook's cells", |t| {
        t.matches(result).count() == 4 && t.lines().filter(|l| l.trim_end() == "5.0").count() == 2
    });
    assert!(pane.contains("running 7 cells of"), "{pane}");

    // tmux shows no images (it answers the REPL's query without sixels): plots are text.
    tmux.type_text("a", ":plots");
    tmux.press("a", &["Enter"]);
    tmux.wait_text(
        "a",
        "terminal: no image protocol found (tmux reports no sixel support); plots are drawn as text",
    );

    // Ctrl-C clears the line and does not quit; Ctrl-D on an empty line quits, leaving
    // the output in the terminal and the terminal in cooked mode.
    tmux.type_text("a", "abandoned");
    tmux.press("a", &["C-c"]);
    tmux.press("a", &["C-c"]);
    tmux.wait_text("a", "Ctrl-D or :quit exits");
    tmux.press("a", &["C-d"]);
    let pane = tmux.wait_text("a", "EXITED");
    assert!(pane.contains(result), "{pane}");
    assert!(!pane.contains("abandoned"), "{pane}");
    let mode = pane.lines().find(|l| l.ends_with("icanon"));
    assert_eq!(mode, Some("icanon"), "raw mode left on:\n{pane}");

    // The history was kept, and a new session recalls it.
    let saved = std::fs::read_to_string(&history).expect("history file");
    assert_eq!(
        saved,
        format!(
            "x = linspace(0, 1, 5)\nx * 2\nsinn(x)\nx * 2\ny = (1 +\\n2)\ny * 10\ny + sqrt(4)\n\
             :save {0}\n:open {0}\n:plots\n",
            notebook.display()
        )
    );
    tmux.start("b", &vex_command(&history));
    tmux.wait_text("b", "Ctrl-D quits");
    tmux.press("b", &["Up"]);
    tmux.wait_for("b", "the last entry", |t| {
        t.lines().any(|l| l.trim_end() == ">>> :plots")
    });
    tmux.press("b", &["C-u"]);
    tmux.type_text("b", ":quit");
    tmux.press("b", &["Enter"]);
    tmux.wait_text("b", "EXITED");
}
