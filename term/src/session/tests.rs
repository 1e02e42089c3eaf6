//! Tests of the session: bindings, weak scalars, errors keeping state, every command, and
//! serialisation; snapshots of what cells print.

use vex::{DType, Scalar, Value};

use super::*;

/// A session on the interpreter, so that results do not depend on the host's JIT.
fn session() -> Session {
    let mut s = Session::new();
    s.handle(Event::Command(Command::Backend(Some(
        BackendChoice::Interp,
    ))));
    s
}

/// Submits `text` and returns the one cell it logs.
fn cell(s: &mut Session, text: &str) -> Cell {
    match s.submit(text).as_slice() {
        [Notice::Cell(c)] => c.clone(),
        other => panic!("{text}: expected one cell, got {other:?}"),
    }
}

/// Submits `text`, asserts it succeeded and returns everything it printed.
fn shown(s: &mut Session, text: &str) -> String {
    let c = cell(s, text);
    assert!(c.error.is_none(), "{text}: {:?}", c.error);
    let texts: Vec<&str> = c.outputs.iter().map(Output::text).collect();
    texts.join("\n")
}

/// Submits `text`, asserts it failed and returns the rendered error.
fn failure(s: &mut Session, text: &str) -> String {
    let c = cell(s, text);
    let e = c.error.unwrap_or_else(|| panic!("{text} should fail"));
    assert!(c.outputs.is_empty() && c.bound.is_empty());
    e.render(&c.input, 0, false)
}

#[test]
fn statements_bind_and_a_final_expression_prints() {
    let mut s = session();
    let c = cell(&mut s, "x = linspace(0, 4*pi, 1000); y = sin(x)*exp(-x/8)");
    assert_eq!(c.bound, ["x", "y"]);
    assert!(c.outputs.is_empty());
    let Value::Array(y) = &s.vars()["y"] else {
        panic!("y is an array")
    };
    assert_eq!((y.dtype(), y.shape()), (DType::F64, &[1000][..]));
    assert_eq!(shown(&mut s, "y[0], x[999] == 4*pi"), "0.0\nTrue");
    assert_eq!(s.cells().len(), 3);
    assert_eq!(s.cells()[2].number, 3);
}

#[test]
fn weak_scalars_keep_array_dtypes() {
    let mut s = session();
    cell(
        &mut s,
        "x = float32(arange(3)); n = 5; s = 2.5; i8 = int8(arange(3))",
    );
    assert_eq!(s.vars()["n"], Value::Scalar(Scalar::Int(5)));
    assert_eq!(s.vars()["s"], Value::Scalar(Scalar::Float(2.5)));
    assert_eq!(
        shown(&mut s, "x * n * s"),
        "array(shape=(3,), dtype=float32)\n[ 0.  12.5 25. ]"
    );
    assert!(shown(&mut s, "i8 + n").contains("dtype=int8"));
    // A typed scalar is strong, as numpy.float64(2) is.
    cell(&mut s, "t = float64(2)");
    assert!(matches!(s.vars()["t"], Value::Array(_)));
    assert!(shown(&mut s, "x * t").contains("dtype=float64"));
}

#[test]
fn errors_keep_the_session_intact() {
    let mut s = session();
    cell(&mut s, "a = arange(3)");
    let before = s.vars().clone();
    // The first statement is fine, the second is not: neither takes effect.
    let e = failure(&mut s, "a = a * 10\nb = a + nope");
    assert!(
        e.contains("unknown name 'nope'") && e.contains("--> 2:9"),
        "{e}"
    );
    assert_eq!(s.vars(), &before);
    let e = failure(&mut s, "a +");
    assert!(e.starts_with("error:"), "{e}");
    assert_eq!(
        shown(&mut s, "a"),
        "array(shape=(3,), dtype=int64)\n[0 1 2]"
    );
    assert_eq!(
        s.cells().len(),
        5,
        "the :backend of session() and four cells"
    );
}

#[test]
fn blank_input_logs_nothing() {
    let mut s = session();
    assert!(s.submit("  # only a comment").is_empty());
    assert!(s.submit("").is_empty());
    assert_eq!(s.cells().len(), 1, "just the :backend of session()");
}

#[test]
fn vars_del_and_settings() {
    let mut s = session();
    assert_eq!(shown(&mut s, ":vars"), "no variables");
    cell(&mut s, "big = zeros((1000, 1000)); k = 3; flag = True");
    insta::assert_snapshot!(shown(&mut s, ":vars"));
    let e = failure(&mut s, ":del big kk");
    assert!(
        e.contains("no variable named 'kk'") && e.contains("did you mean 'k'?"),
        "{e}"
    );
    assert_eq!(s.vars().len(), 3, "all or nothing");
    assert_eq!(shown(&mut s, ":del big k"), "deleted big, k");
    assert_eq!(s.vars().keys().collect::<Vec<_>>(), ["flag"]);

    assert_eq!(shown(&mut s, ":backend"), "backend: interp");
    assert_eq!(shown(&mut s, ":backend auto"), "backend: auto");
    assert_eq!(s.settings().backend, BackendChoice::Auto);
    assert_eq!(shown(&mut s, ":threads 2"), "threads: 2");
    assert_eq!(s.settings().threads, Some(2));

    assert_eq!(shown(&mut s, ":plots"), "plots: auto");
    assert_eq!(shown(&mut s, ":plots text"), "plots: text");
    assert_eq!(s.settings().plots, PlotMode::Text);
    assert!(failure(&mut s, ":plots kitty").contains("usage: :plots [text|image|auto]"));
    assert_eq!(
        s.settings().plots,
        PlotMode::Text,
        "a bad :plots changes nothing"
    );
    let json = serde_json::to_string(&s).unwrap();
    let old = json.replace(",\"plots\":\"text\"", "");
    assert!(old.len() < json.len(), "{json}");
    let restored: Session = serde_json::from_str(&old).unwrap();
    assert_eq!(
        restored.settings().plots,
        PlotMode::Auto,
        "saved before :plots existed"
    );
}

#[test]
fn save_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let mut s = session();
    cell(&mut s, "m = float32(arange(6)); w = 2.5");
    let out = shown(&mut s, &format!(":save m {}", path("m.npy")));
    assert!(
        out.starts_with("saved m (shape (6,), float32) to "),
        "{out}"
    );
    shown(&mut s, &format!(":save w {}", path("w.npy")));
    let c = cell(&mut s, &format!(":load {}", path("m.npy")));
    assert_eq!(c.bound, ["m"]);
    let c = cell(&mut s, &format!(":load {} as w2", path("w.npy")));
    assert_eq!(c.bound, ["w2"]);
    assert_eq!(s.vars()["w2"], Value::Array(ndarray::arr0(2.5f64).into()));
    assert_eq!(shown(&mut s, "m[-1] + w2"), "7.5");

    let e = failure(&mut s, &format!(":load {}", path("nothing.npy")));
    assert!(
        e.contains("cannot read") && e.contains("nothing.npy"),
        "{e}"
    );
    let e = failure(&mut s, &format!(":load {}", path("1st.npy")));
    assert!(e.contains("as NAME"), "{e}");
    let e = failure(&mut s, ":save nope x.npy");
    assert!(e.contains("no variable named 'nope'"), "{e}");
}

#[test]
fn csv_columns() {
    let dir = tempfile::tempdir().unwrap();
    let with_header = dir.path().join("weather.csv");
    std::fs::write(&with_header, "day,temp (C)\n1,20.5\n2,\n3,18\n").unwrap();
    let plain = dir.path().join("grid.csv");
    std::fs::write(&plain, "1,2,3\n4,5,6\n").unwrap();
    let mut s = session();
    let c = cell(&mut s, &format!(":load {}", with_header.display()));
    assert_eq!(c.bound, ["day", "temp__C_"]);
    assert_eq!(shown(&mut s, "sum(day), isnan(temp__C_[1])"), "6.0\nTrue");
    let c = cell(&mut s, &format!(":load {} as w", with_header.display()));
    assert_eq!(c.bound, ["w"]);
    assert!(shown(&mut s, "w").starts_with("array(shape=(3, 2), dtype=float64)"));
    cell(&mut s, &format!(":load {}", plain.display()));
    assert_eq!(
        shown(&mut s, "sum(grid, axis=0)"),
        "array(shape=(3,), dtype=float64)\n[5. 7. 9.]"
    );
}

#[test]
fn time_and_explain() {
    let mut s = session();
    cell(&mut s, "x = arange(100000)");
    let out = shown(&mut s, ":time sum(x * 2)");
    assert!(
        out.contains(" median of ") && out.contains("runs (min "),
        "{out}"
    );
    assert!(out.contains("ns per element (100000 elements)"), "{out}");
    let out = shown(&mut s, ":explain x * 2 + 1");
    assert!(out.contains("kernel 0 over (100000,)"), "{out}");
    // Errors point into the command's expression.
    insta::assert_snapshot!(failure(&mut s, ":time  sum(x * nope)"));
    let e = failure(&mut s, ":explain x +");
    assert!(e.starts_with("error:"), "{e}");
}

#[test]
fn help_and_command_mistakes() {
    let mut s = session();
    assert!(shown(&mut s, ":help").contains(":time EXPR"));
    assert!(shown(&mut s, ":help time").starts_with(":time EXPR"));
    insta::assert_snapshot!(failure(&mut s, ":lod x.npy"));
    let e = failure(&mut s, ":help nothing");
    assert!(e.contains("no help on 'nothing'"), "{e}");
}

#[test]
fn clear_and_quit_are_notices() {
    let mut s = session();
    cell(&mut s, "a = 1");
    assert_eq!(s.submit(":clear"), [Notice::Cleared]);
    assert!(s.cells().is_empty());
    assert_eq!(s.vars().len(), 1, "variables stay");
    assert_eq!(cell(&mut s, "a").number, 3, "numbers go on");
    assert_eq!(s.handle(Event::Command(Command::Quit)), [Notice::Quit]);
}

#[test]
fn commands_given_as_events_are_logged_as_typed() {
    let mut s = session();
    cell(&mut s, "x = arange(3)");
    let notices = s.handle(Event::Command(Command::Explain("x +* 2".into())));
    let [Notice::Cell(c)] = notices.as_slice() else {
        panic!("{notices:?}")
    };
    assert_eq!(c.input, ":explain x +* 2");
    let e = c.error.as_ref().unwrap().render(&c.input, 0, false);
    assert!(e.contains("1 | :explain x +* 2"), "{e}");
}

#[test]
fn cells_print_numpy_style() {
    let mut s = session();
    let mut transcript = String::new();
    for input in [
        "x = linspace(0, 1, 5)",
        "x",
        "x**2, sum(x)",
        "m = arange(12)[:, None] * arange(3)",
        "m.T",
        "z = complex(x, -x); z[1:3]",
        "arange(2000) * 2",
        "x > 0.5",
        "int8(arange(3)) - 1",
    ] {
        transcript.push_str(&format!(">>> {input}\n"));
        let out = shown(&mut s, input);
        if !out.is_empty() {
            transcript.push_str(&out);
            transcript.push('\n');
        }
    }
    insta::assert_snapshot!(transcript);
}

#[test]
fn a_session_roundtrips_through_json() {
    let mut s = session();
    cell(&mut s, "x = float32(linspace(0, 1, 7)); n = 3; y = x * n");
    cell(&mut s, "y + oops");
    shown(&mut s, ":threads 1");
    let json = serde_json::to_string(&s).unwrap();
    let mut back: Session = serde_json::from_str(&json).unwrap();
    assert_eq!(back.vars(), s.vars());
    assert_eq!(back.cells(), s.cells());
    assert_eq!(back.settings(), s.settings());
    // The restored session goes on where the first one was.
    assert_eq!(
        cell(&mut back, "y[1] * n").number,
        s.cells().len() as u64 + 1
    );
    assert_eq!(shown(&mut back, "y[1] * n"), shown(&mut s, "y[1] * n"));
    assert!(json.contains(r#""n":{"int":3}"#), "{json}");

    let event: Event = serde_json::from_str(r#"{"submit":"x + 1"}"#).unwrap();
    assert_eq!(event, Event::Submit("x + 1".into()));
    let event = Event::Command(Command::Load {
        path: "a.npy".into(),
        name: None,
    });
    let json = serde_json::to_string(&event).unwrap();
    assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
}

#[test]
fn a_vars_table_lines_up() {
    let mut s = session();
    cell(&mut s, "a_long_name = ones((2, 3, 4)); z = 1 + 2j");
    let table = shown(&mut s, ":vars");
    let mut lines = table.lines();
    let column = lines.next().unwrap().find("shape").unwrap();
    assert!(lines.all(|l| l.find('(') == Some(column)), "{table}");
    assert!(table.contains("complex (weak)"), "{table}");
}

#[test]
fn the_serialised_form() {
    let mut s = session();
    cell(&mut s, "v = float32(arange(3)) / 2; k = 7");
    cell(&mut s, "v * k");
    cell(&mut s, "v +");
    cell(&mut s, "plot(v, v * k, title=\"v\", label=\"7v\")");
    let mut json = serde_json::to_value(&s).unwrap();
    for c in json["cells"].as_array_mut().unwrap() {
        c["elapsed_ns"] = 0.into();
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&json).unwrap());
}
