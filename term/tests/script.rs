//! End-to-end tests of script mode: `vex` with statements piped to its stdin.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use ndarray::{array, ArrayD};
use ndarray_npy::{ReadNpyExt, WriteNpyExt};

/// Runs `vex` in `dir` with `script` on stdin; returns (exit code, stdout, stderr).
fn run_in(dir: &Path, script: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vex"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("VEX_BACKEND", "interp")
        .env_remove("COLUMNS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run vex");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write script");
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8");
    (
        status.code().expect("exit code"),
        text(stdout),
        text(stderr),
    )
}

fn run(script: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    run_in(dir.path(), script)
}

#[test]
fn a_script_binds_names_and_prints_values() {
    let (code, out, err) = run("\
# a damped sine
x = linspace(0, 4*pi, 1000); y = sin(x)*exp(-x/8)
n = 3
x[:n] * n
max(y) > 0.8, y[0]
");
    assert_eq!(err, "");
    assert_eq!(code, 0);
    assert_eq!(
        out,
        // NumPy: [0.         0.03773685 0.0754737 ]
        "array(shape=(3,), dtype=float64)\n[0.         0.03773685 0.0754737 ]\nTrue\n0.0\n"
    );
}

#[test]
fn weak_scalars_keep_the_arrays_dtype() {
    let (code, out, _) = run("x = float32(arange(3))\nk = 2.5\nx * k\n");
    assert_eq!(code, 0);
    assert_eq!(out, "array(shape=(3,), dtype=float32)\n[0.  2.5 5. ]\n");
}

#[test]
fn errors_go_to_stderr_with_the_script_line_and_the_script_goes_on() {
    let (code, out, err) = run("a = arange(3)\nb = a +\n  nope\na * 2\n");
    assert_eq!(code, 1);
    assert_eq!(out, "array(shape=(3,), dtype=int64)\n[0 2 4]\n");
    assert_eq!(
        err,
        "error: unknown name 'nope'\n --> 3:3\n  |\n3 |   nope\n  |   ^^^^\n"
    );
}

#[test]
fn multi_line_statements_continue_until_complete() {
    let (code, out, err) = run("m = (arange(6) *\n     2)[\n  ::2]\nsum(m,\n    axis=0)\n");
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "12\n");
}

#[test]
fn commands_work_in_scripts() {
    let dir = tempfile::tempdir().expect("temp dir");
    array![1.5f32, 2.5]
        .write_npy(std::fs::File::create(dir.path().join("data.npy")).unwrap())
        .unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        ":load data.npy\nd2 = data * 2\n:save d2 out.npy\n:vars\n:del data\n:vars\n",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "\
data: shape (2,), float32 from data.npy
saved d2 (shape (2,), float32) to out.npy
name  shape  dtype    memory
d2    (2,)   float32     8 B
data  (2,)   float32     8 B
deleted data
name  shape  dtype    memory
d2    (2,)   float32     8 B
"
    );
    let saved =
        ArrayD::<f32>::read_npy(std::fs::File::open(dir.path().join("out.npy")).unwrap()).unwrap();
    assert_eq!(saved, array![3.0f32, 5.0].into_dyn());
}

#[test]
fn a_bad_command_fails_and_quit_ends_the_script() {
    let (code, out, err) = run(":lod x.npy\n1 + 1\n:quit\n2 + 2\n");
    assert_eq!(code, 1);
    assert_eq!(out, "2\n");
    assert!(err.contains("unknown command ':lod'"), "{err}");
    assert!(err.contains("did you mean ':load'?"), "{err}");
}

#[test]
fn an_empty_script_succeeds_silently() {
    assert_eq!(run(""), (0, String::new(), String::new()));
    assert_eq!(run("# nothing\n\n"), (0, String::new(), String::new()));
}

#[test]
fn plots_print_as_text_and_save_as_png() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, out, err) = run_in(
        dir.path(),
        "x = linspace(0, 4*pi, 1000)\n\
         plot(x, sin(x) * exp(-x/8), title=\"damped\", label=\"y\")\n\
         :saveplot damped.png\n\
         hist(x, bins=, 3)\n",
    );
    assert_eq!(code, 1, "the last cell fails: {err}");
    let lines: Vec<&str> = out.lines().collect();
    // Title, plot rows, axis, tick labels, legend: 22 lines of at most 80 columns.
    assert!(lines[0].trim() == "damped", "{out}");
    assert!(
        lines.iter().take(22).all(|l| l.chars().count() <= 80),
        "{out}"
    );
    assert!(out.contains('┤') && out.contains("── y"), "{out}");
    assert!(
        out.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
        "Braille: {out}"
    );
    assert!(!out.contains('\x1b'), "NO_COLOR: {out}");
    assert!(lines[22].starts_with("saved the plot of cell 2 (800x500 PNG) to damped.png"));
    let png = std::fs::read(dir.path().join("damped.png")).expect("the PNG");
    assert_eq!(&png[1..4], b"PNG");
    assert!(err.contains("expected a value after '='"), "{err}");
    assert!(err.contains("4 | hist(x, bins=, 3)"), "{err}");
}

#[test]
fn open_runs_a_notebook_in_a_script() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("nb.md"),
        "# Setup\n```vex\nk = 3\n```\n```vex\nk + nope\n```\n```python\nk = 100\n```\n",
    )
    .expect("write");
    let (code, out, err) = run_in(dir.path(), ":open nb.md\nk * 2\n");
    assert_eq!(out, "running 2 cells of nb.md\n6\n");
    assert!(err.contains("error: unknown name 'nope'"), "{err}");
    assert!(err.contains("1 | k + nope"), "{err}");
    assert_eq!(code, 1);
}
