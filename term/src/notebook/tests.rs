//! Tests of notebooks: the Markdown reader on the fences people write, the writer (read
//! back exactly), `:save` and `vex run` giving the same text and PNG bytes, and `:open`.

use std::path::Path;

use super::markdown::{fenced, image_line, parse, ParseError};
use super::replay::{replay, run_file, Failure};
use super::*;
use crate::session::{Event, Notice, Output, Session};

/// The cells' code of a notebook.
fn codes(source: &str) -> Vec<String> {
    parse(source)
        .unwrap_or_else(|e| panic!("{e}"))
        .cells
        .into_iter()
        .map(|c| c.code)
        .collect()
}

fn parse_error(source: &str) -> ParseError {
    parse(source).expect_err("should not parse")
}

/// Runs `inputs` in a fresh session and returns it.
fn session_of(inputs: &[&str]) -> Session {
    let mut s = Session::new();
    for input in inputs {
        s.handle(Event::Submit(input.to_string()));
    }
    s
}

/// `notebook` with every cell's output replaced by `out`.
fn outputs_replaced(notebook: &str, out: &str) -> String {
    let nb = parse(notebook).unwrap();
    nb.with_outputs(&vec![out.to_string(); nb.cells.len()])
}

#[test]
fn cells_are_vex_blocks_fenced_any_way() {
    let source = "# Notes\n\
                  ```vex\nx = 1\n```\n\
                  ~~~vex\ny = 2\n~~~\n\
                  ````vex  trailing words\nz = [\n```\n]\n`````\n\
                  ```python\nnot = run\n```\n\
                  ``` vex\nw = 4\n```\n\
                  \x20\x20```vex\n\x20\x20\x20\x20a = 5\n\x20b = 6\n\x20\x20```\n\
                  \x20\x20\x20\x20```vex\nindented = code\n\x20\x20\x20\x20```\n\
                  > ```vex\n> quoted\n> ```\n\
                  ```vex`\nnot a fence\n";
    assert_eq!(
        codes(source),
        ["x = 1", "y = 2", "z = [\n```\n]", "w = 4", "  a = 5\nb = 6"]
    );
    // A block that is never closed, other than a cell, runs to the end (CommonMark).
    assert!(codes("```text\n```vex\nx\n```\n").is_empty());
    assert_eq!(codes("~~~\n```vex\n~~~\n```vex\nx\n```"), ["x"]);
    assert_eq!(codes("```vex\n```\n"), [""]);
}

#[test]
fn html_comments_hide_cells() {
    let source =
        "<!-- one line ```vex -->\n```vex\na\n```\n<!--\n```vex\nb\n```\n-->\n```vex\nc\n```\n";
    assert_eq!(codes(source), ["a", "c"]);
    assert!(codes("<!--\n```vex\nnever closed\n").is_empty());
}

#[test]
fn crlf_and_a_missing_last_newline() {
    let source = "Intro\r\n```vex\r\nx = 1\r\nx\r\n```";
    let nb = parse(source).unwrap();
    assert_eq!(nb.cells[0].code, "x = 1\nx");
    assert_eq!(nb.newline, "\r\n");
    assert_eq!(
        nb.with_outputs(&["```output\n1\n```\n".into()]),
        "Intro\r\n```vex\r\nx = 1\r\nx\r\n```\r\n```output\r\n1\r\n```\r\n"
    );
    // No output: the text is kept byte for byte.
    assert_eq!(nb.with_outputs(&[String::new()]), source);
    // A byte-order mark is kept, and does not hide a fence on the first line.
    let bom = "\u{feff}```vex\n1\n```\n";
    assert_eq!(codes(bom), ["1"]);
    assert_eq!(parse(bom).unwrap().with_outputs(&[String::new()]), bom);
}

#[test]
fn only_the_output_right_after_a_cell_is_replaced() {
    let source = "```vex\na\n```\n\n```output\nold\n```\n\
                  ![vex plot: t](n_files/cell-1.png)\n\n\
                  ![vex plot](n_files/cell-1-2.png)\n\
                  ![a picture of mine](me.png)\n\
                  \n```output\nmine, after prose\n```\n\
                  ```vex\nb\n```\nText.\n```output\nmine too\n```\n";
    let replaced = outputs_replaced(source, "```output\nNEW\n```\n");
    assert_eq!(
        replaced,
        "```vex\na\n```\n```output\nNEW\n```\n\
         ![a picture of mine](me.png)\n\
         \n```output\nmine, after prose\n```\n\
         ```vex\nb\n```\n```output\nNEW\n```\nText.\n```output\nmine too\n```\n"
    );
    // A cell that prints nothing loses its old output; the prose after it stays.
    assert_eq!(
        outputs_replaced(source, ""),
        "```vex\na\n```\n![a picture of mine](me.png)\n\
         \n```output\nmine, after prose\n```\n\
         ```vex\nb\n```\nText.\n```output\nmine too\n```\n"
    );
    // Replacing twice changes nothing more.
    let again = outputs_replaced(&replaced, "```output\nNEW\n```\n");
    assert_eq!(again, replaced);
}

#[test]
fn bad_notebooks_say_which_line() {
    let e = parse_error("# T\n\n~~~~vex\nx = 1\n~~~\n");
    assert_eq!(
        e.to_string(),
        "line 3: the ~~~~vex block opened here is never closed"
    );
    let e = parse_error("```vex\nx\n```\n\n```output\n1\n");
    assert_eq!(
        e.to_string(),
        "line 5: the ```output block opened here (the output of the cell above) is never closed"
    );
    // An output block that is not after a cell is prose, closed or not.
    assert!(parse("text\n```output\n1\n").unwrap().cells.is_empty());
}

#[test]
fn written_blocks_read_back_exactly() {
    for content in [
        "x = 1",
        "",
        "a\n\nb\n",
        "s = '```'\n````",
        "  indented",
        "\n",
    ] {
        let block = fenced("vex", content);
        assert_eq!(codes(&block), [content], "{block}");
    }
    assert_eq!(fenced("vex", "x # ``` `"), "````vex\nx # ``` `\n````\n");
    assert_eq!(
        image_line(Some("a [b]\nc\\"), "n_files/cell-2.png"),
        "![vex plot: a \\[b\\] c\\\\](n_files/cell-2.png)\n"
    );
    assert_eq!(
        image_line(None, "my notes_files/cell-1.png"),
        "![vex plot](<my notes_files/cell-1.png>)\n"
    );
}

#[test]
fn save_keeps_the_cells_that_make_the_results() {
    let s = session_of(&[
        "x = arange(3)",
        ":vars",
        ":help",
        ":time x * 2",
        ":explain x * 2",
        ":backend interp",
        ":backend",
        ":threads",
        ":del x",
        ":lod typo",
        "x = linspace(0, 1, 3); x * 2",
        "plot(x, x**2, title='square')",
        "x + nope",
    ]);
    let kept: Vec<&Cell> = s.cells().iter().filter(|c| keeps(c)).collect();
    let inputs: Vec<&str> = kept.iter().map(|c| c.input.as_str()).collect();
    assert_eq!(
        inputs,
        [
            "x = arange(3)",
            ":backend interp",
            ":del x",
            "x = linspace(0, 1, 3); x * 2",
            "plot(x, x**2, title='square')",
            "x + nope",
        ]
    );
    let (text, plots) = markdown(&kept, "s_files");
    assert_eq!(plots.len(), 1);
    assert_eq!(plots[0].0, "cell-5.png");
    insta::assert_snapshot!(text);
}

#[test]
fn plot_files_are_known_by_name() {
    for name in ["cell-1.png", "cell-12-2.png"] {
        assert!(output::is_plot_file(name), "{name}");
    }
    for name in [
        "cell-.png",
        "cell-1-.png",
        "cell-1-2-3.png",
        "cell-a.png",
        "cell-1.PNG",
        "me.png",
    ] {
        assert!(!output::is_plot_file(name), "{name}");
    }
}

#[test]
fn rewriting_a_notebook_removes_the_plots_it_no_longer_has() {
    let dir = tempfile::tempdir().unwrap();
    let nb = dir.path().join("nb.md");
    let files = dir.path().join("nb_files");
    std::fs::write(
        &nb,
        "```vex\nplot(arange(3.0))\n```\n```vex\nscatter(arange(3.0), arange(3.0))\n```\n",
    )
    .unwrap();
    assert_eq!(
        run_file(&nb, Some(&nb), &mut Vec::new(), &mut Vec::new()),
        0
    );
    assert!(files.join("cell-1.png").exists() && files.join("cell-2.png").exists());
    std::fs::write(files.join("mine.png"), "a file of the user's").unwrap();
    std::fs::write(
        &nb,
        "```vex\n1\n```\n```vex\nscatter(arange(3.0), arange(3.0))\n```\n",
    )
    .unwrap();
    assert_eq!(
        run_file(&nb, Some(&nb), &mut Vec::new(), &mut Vec::new()),
        0
    );
    let mut left: Vec<_> = std::fs::read_dir(&files)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["cell-2.png", "mine.png"]);
}

#[test]
fn several_plots_in_one_cell_get_numbered_files() {
    let s = session_of(&["x = arange(5.0); plot(x); scatter(x, x); x[0]"]);
    let cell = &s.cells()[0];
    let (text, plots) = output::render(&[cell], 7, "nb_files");
    let names: Vec<&str> = plots.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["cell-7.png", "cell-7-2.png"]);
    assert!(
        text.ends_with(
            "```\n![vex plot](nb_files/cell-7.png)\n![vex plot](nb_files/cell-7-2.png)\n"
        ),
        "{text}"
    );
    // The value after the plots, in the one output block.
    assert!(text.contains("\n0.0\n```\n"), "{text}");
}

/// The round trip the issue asks for: a session with values, a plot and an error is
/// saved; replaying the notebook gives the same text, and the same PNG bytes.
#[test]
fn save_then_run_gives_the_same_notebook_and_images() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("session.md");
    let mut s = session_of(&[
        "x = linspace(0, 6, 100)",
        "y = sin(x); y[:3]",
        ":vars",
        "plot(x, y, title='wave'); hist(y, bins=10)",
        "sinn(x)",
        "imshow(rand((8, 12), seed=3))",
    ]);
    let said = s.submit(&format!(":save {}", saved.display()));
    let Some(Notice::Cell(c)) = said.first() else {
        panic!("{said:?}")
    };
    assert_eq!(
        c.outputs,
        [Output::Text(format!(
            "saved 5 cells to {}, 3 plots in {}/",
            saved.display(),
            dir.path().join("session_files").display()
        ))]
    );
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(!text.contains(":vars"), "{text}");
    assert!(text.contains("^^^^ did you mean 'sin'?"), "{text}");

    // To stdout: the same text, with the links of the notebook itself.
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run_file(&saved, None, &mut out, &mut err), 1);
    assert_eq!(String::from_utf8(out).unwrap(), text);
    let err = String::from_utf8(err).unwrap();
    let line = text.lines().position(|l| l == "sinn(x)").unwrap() + 1;
    assert_eq!(
        err,
        format!(
            "{}:{line}: cell 4 failed: unknown function 'sinn'\n",
            saved.display()
        )
    );

    // With -o elsewhere: the same text and the same PNG files.
    let other = dir.path().join("again/session.md");
    assert_eq!(
        run_file(&saved, Some(&other), &mut Vec::new(), &mut Vec::new()),
        1
    );
    assert_eq!(std::fs::read_to_string(&other).unwrap(), text);
    let pngs = |d: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(d.join("session_files"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        pngs(dir.path()),
        ["cell-3-2.png", "cell-3.png", "cell-5.png"]
    );
    assert_eq!(pngs(&dir.path().join("again")), pngs(dir.path()));
    for name in pngs(dir.path()) {
        let a = std::fs::read(dir.path().join("session_files").join(&name)).unwrap();
        let b = std::fs::read(dir.path().join("again/session_files").join(&name)).unwrap();
        assert!(a.starts_with(b"\x89PNG") && a == b, "{name} differs");
    }
}

#[test]
fn replay_reports_failures_at_their_line_and_stops_at_quit() {
    let nb = parse("```vex\na = 1\n```\n\n```vex\nb = 2\nc = a +\n  nope\n```\n```vex\n:quit\n```\n```vex\na\n```\n```output\nold\n```\n").unwrap();
    let r = replay(&mut Session::new(), &nb, "x_files");
    assert_eq!(
        r.failures,
        [Failure {
            cell: 2,
            line: 8,
            message: "unknown name 'nope'".into()
        }]
    );
    // The cell after `:quit` did not run: its old output is gone, not kept as if new.
    assert!(
        r.text.ends_with("```vex\n:quit\n```\n```vex\na\n```\n"),
        "{}",
        r.text
    );
}

#[test]
fn unreadable_notebooks_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(
        run_file(&dir.path().join("none.md"), None, &mut out, &mut err),
        1
    );
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.starts_with("error: cannot read '") && err.contains("none.md'"),
        "{err}"
    );
    let bad = dir.path().join("bad.md");
    std::fs::write(&bad, b"```vex\n\xff\n```\n").unwrap();
    assert!(read(&bad)
        .unwrap_err()
        .ends_with("bad.md' is not UTF-8 text"));
    std::fs::write(&bad, "text\n```vex\nx\n").unwrap();
    assert_eq!(
        read(&bad).unwrap_err(),
        format!(
            "{}:2: the ```vex block opened here is never closed",
            bad.display()
        )
    );
    assert!(out.is_empty());
}

#[test]
fn open_runs_the_cells_as_if_typed() {
    let dir = tempfile::tempdir().unwrap();
    let nb = dir.path().join("nb.md");
    std::fs::write(
        &nb,
        "Prose.\n```vex\nx = arange(3)\n```\n```vex\nx * nope\n```\n```output\nold\n```\n\
         ```vex\nx * 2\n```\n",
    )
    .unwrap();
    let mut s = Session::new();
    let open = format!(":open {}", nb.display());
    let notices = s.submit(&open);
    let cells: Vec<&Cell> = notices
        .iter()
        .map(|n| match n {
            Notice::Cell(c) => c,
            other => panic!("{other:?}"),
        })
        .collect();
    let inputs: Vec<&str> = cells.iter().map(|c| c.input.as_str()).collect();
    assert_eq!(
        inputs,
        [open.as_str(), "x = arange(3)", "x * nope", "x * 2"]
    );
    assert_eq!(
        cells[0].outputs,
        [Output::Text(format!("running 3 cells of {}", nb.display()))]
    );
    assert_eq!(
        cells[2].error.as_ref().unwrap().message,
        "unknown name 'nope'"
    );
    assert_eq!(
        cells[3].outputs[0].text(),
        "array(shape=(3,), dtype=int64)\n[0 2 4]"
    );
    assert!(s.vars().contains_key("x"));
    // The log holds them as typed cells; saved, the `:open` gives way to its cells.
    assert_eq!(s.cells().len(), 4);
    let kept: Vec<&Cell> = s.cells().iter().filter(|c| keeps(c)).collect();
    assert_eq!(kept.len(), 3);

    // A notebook that opens itself is stopped there; `:quit` ends the notebook only.
    std::fs::write(
        &nb,
        format!(
            "```vex\ny = 1\n```\n```vex\n{open}\n```\n```vex\n:quit\n```\n```vex\ny = 2\n```\n"
        ),
    )
    .unwrap();
    let notices = s.submit(&open);
    let errors: Vec<String> = notices
        .iter()
        .filter_map(|n| match n {
            Notice::Cell(c) => c.error.as_ref().map(|e| e.message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        errors,
        [format!(
            "'{}' is already being opened: a notebook cannot open itself",
            nb.display()
        )]
    );
    assert!(!notices.contains(&Notice::Quit));
    assert_eq!(s.vars()["y"], vex::Value::Scalar(vex::Scalar::Int(1)));

    // Missing and bad notebooks: one failed cell, nothing run.
    let notices = s.submit(":open /no/such/notebook.md");
    let [Notice::Cell(c)] = notices.as_slice() else {
        panic!("{notices:?}")
    };
    assert!(c
        .error
        .as_ref()
        .unwrap()
        .message
        .starts_with("cannot read '/no/such/notebook.md'"));
}

#[test]
fn a_replayed_notebook_cannot_open_itself() {
    let dir = tempfile::tempdir().unwrap();
    let nb = dir.path().join("self.md");
    std::fs::write(&nb, format!("```vex\n:open {}\n```\n", nb.display())).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run_file(&nb, None, &mut out, &mut err), 1);
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.ends_with("a notebook cannot open itself\n```\n"),
        "{out}"
    );
}

/// Every prefix of a notebook full of edge cases (cut anywhere, even inside a fence or a
/// CRLF) reads without panicking; where it reads, new outputs go in and read back.
#[test]
fn any_prefix_reads_or_fails_cleanly() {
    let source =
        "\u{feff}# Ünïcode ✓\r\n```vex\r\nx = 1 # ```\r\n```\r\n\r\n```output\r\nold\r\n```\r\n\
                  ![vex plot: t](a_files/cell-1.png)\r\n<!-- ```vex\r\nhidden\r\n-->\r\n\
                  ~~~~ vex\r\n  y = 2\r\n~~~~~\r\n   ```python\r\n```vex\r\n```\r\n````vex\r\nz";
    let new = "```output\nfresh\n```\n";
    for end in (0..=source.len()).filter(|&i| source.is_char_boundary(i)) {
        let Ok(nb) = parse(&source[..end]) else {
            continue;
        };
        let outputs = vec![new.to_string(); nb.cells.len()];
        let again = parse(&nb.with_outputs(&outputs)).unwrap();
        let codes = |n: &Notebook| n.cells.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&again), codes(&nb), "cut at {end}");
        assert!(
            again.cells.iter().all(|c| c.output.is_some()),
            "cut at {end}"
        );
    }
    // The python block takes the ```vex line as its text and ends at the bare ```.
    assert_eq!(
        parse_error(source).to_string(),
        "line 19: the ````vex block opened here is never closed"
    );
    let cut = source.rfind("````vex").unwrap();
    assert_eq!(codes(&source[..cut]), ["x = 1 # ```", "  y = 2"]);
}
