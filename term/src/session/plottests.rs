//! Tests of plot statements in a session: evaluation with the cell, options, errors that
//! point into the input, serialisation and `:saveplot`.

use crate::plot::spec::{Colormap, PlotData, PlotSpec};

use super::*;

fn session() -> Session {
    let mut s = Session::new();
    s.handle(Event::Command(Command::Backend(Some(
        BackendChoice::Interp,
    ))));
    s
}

fn cell(s: &mut Session, text: &str) -> Cell {
    match s.submit(text).as_slice() {
        [Notice::Cell(c)] => c.clone(),
        other => panic!("{text}: expected one cell, got {other:?}"),
    }
}

/// The plots of a cell that must succeed.
fn plots(s: &mut Session, text: &str) -> Vec<PlotSpec> {
    let c = cell(s, text);
    assert!(c.error.is_none(), "{text}: {:?}", c.error);
    c.outputs
        .iter()
        .filter_map(|o| match o {
            Output::Plot(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

/// The rendered error of a cell that must fail (and bind nothing).
fn failure(s: &mut Session, text: &str) -> String {
    let c = cell(s, text);
    let e = c.error.unwrap_or_else(|| panic!("{text} should fail"));
    assert!(c.outputs.is_empty() && c.bound.is_empty());
    e.render(&c.input, 0, false)
}

#[test]
fn a_plot_in_a_cell_of_statements() {
    let mut s = session();
    let c = cell(
        &mut s,
        "x = linspace(0, 2, 5); y = x**2; plot(x, y, x, -y, title=\"squares\", \
         labels=(\"up\", 'down'), xlabel=\"x\"); y[4]",
    );
    assert_eq!(c.bound, ["x", "y"], "hidden names are not bound");
    assert!(c.error.is_none(), "{:?}", c.error);
    let [Output::Plot(p), Output::Value { text, .. }] = c.outputs.as_slice() else {
        panic!("a plot, then the final value: {:?}", c.outputs)
    };
    assert_eq!(text, "4.0");
    let PlotData::Line(series) = &p.data else {
        panic!("{p:?}")
    };
    assert_eq!(series[0].x, [0.0, 0.5, 1.0, 1.5, 2.0]);
    assert_eq!(series[0].y, [0.0, 0.25, 1.0, 2.25, 4.0]);
    assert_eq!(series[1].y, [-0.0, -0.25, -1.0, -2.25, -4.0]);
    assert_eq!(series[0].label.as_deref(), Some("up"));
    assert_eq!(series[1].label.as_deref(), Some("down"));
    assert_eq!(
        (p.title.as_deref(), p.xlabel.as_deref()),
        (Some("squares"), Some("x"))
    );
    assert_eq!(p.ylabel, None);
    // The variables of earlier cells, and a plot against the index.
    let p = &plots(&mut s, "plot(y * 2, label=\"twice\")  # a comment")[0];
    let PlotData::Line(series) = &p.data else {
        panic!("{p:?}")
    };
    assert_eq!(series[0].x, [0.0, 1.0, 2.0, 3.0, 4.0]);
    assert_eq!(series[0].y, [0.0, 0.5, 2.0, 4.5, 8.0]);
    // Statements after a plot see the names it saw; two plots in one cell.
    let ps = plots(&mut s, "scatter(y, x)\ny = y + 1\nhist(y, bins=2)");
    assert_eq!(ps.len(), 2);
    let PlotData::Hist(h) = &ps[1].data else {
        panic!("{ps:?}")
    };
    assert_eq!(h.range, (1.0, 5.0));
    assert_eq!(h.sets[0].counts, [3, 2]);
}

#[test]
fn a_variable_is_plotted_as_it_stands_at_the_statement() {
    let mut s = session();
    cell(&mut s, "x = arange(3)");
    let ps = plots(&mut s, "plot(x); x = x * 2; plot(x); x = x + 1");
    let ys: Vec<&[f64]> = ps.iter().map(|p| &p.series()[0].y[..]).collect();
    assert_eq!(ys, [&[0.0, 1.0, 2.0][..], &[0.0, 2.0, 4.0][..]]);
    assert_eq!(plots(&mut s, "plot(x)")[0].series()[0].y, [1.0, 3.0, 5.0]);
}

#[test]
fn options_are_expressions_or_strings() {
    let mut s = session();
    cell(&mut s, "a = arange(100) % 10; n = 5");
    let PlotData::Hist(h) = &plots(&mut s, "hist(a, bins=n * 2)")[0].data else {
        panic!()
    };
    assert_eq!(h.sets[0].counts, [10; 10]);
    cell(&mut s, "m = arange(600 * 700).reshape((600, 700))");
    let c = cell(&mut s, "m = float64(arange(600)[:, None] + arange(700))");
    assert!(c.error.is_none(), "{:?}", c.error);
    let p = &plots(&mut s, "imshow(m, cmap=\"magma\", vmin=0, vmax=n * 100)")[0];
    let PlotData::Image(img) = &p.data else {
        panic!()
    };
    assert_eq!((img.shape, img.rows, img.cols), ((600, 700), 512, 512));
    assert_eq!(
        (img.vmin, img.vmax, img.cmap),
        (0.0, 500.0, Colormap::Magma)
    );
    // Block means: the first stored value averages m[0:2, 0:2] (600/512 rounds to 1 or 2
    // rows a block), all within the array's range.
    assert!(img.values.iter().all(|v| (0.0..=1298.0).contains(v)));
    let p = &plots(&mut s, "imshow(m)")[0];
    let PlotData::Image(img) = &p.data else {
        panic!()
    };
    assert_eq!(
        (img.vmin, img.vmax),
        (0.0, 1298.0),
        "the whole array's range"
    );
}

#[test]
fn mistakes_point_into_the_input() {
    let mut s = session();
    cell(&mut s, "x = linspace(0, 1, 10); m = x[:, None] * x");
    let before = s.vars().clone();
    let cases = [
        (
            "y = x * 2; plot(x, nope)",
            "unknown name 'nope'",
            "                   ^^^^",
        ),
        ("plot(x, y=2)", "plot() has no option 'y'", "        ^"),
        (
            "plot(x, x[:3])",
            "x has 10 points and y has 3; they must match",
            "     ^^^^^^^^",
        ),
        ("plot(x, x, x)", "this y has no x", "           ^"),
        (
            "plot(m)",
            "plot() needs 1-D arrays; y has shape (10, 10)",
            "     ^",
        ),
        (
            "plot(x, title=3)",
            "title= takes a quoted string",
            "              ^",
        ),
        (
            "plot(x, x, x, x, label=\"a\")",
            "label= names one series; this plot has 2",
            "                 ^^^^^",
        ),
        (
            "hist(x, labels=(\"a\", \"b\"))",
            "2 labels for 1 series",
            "               ^^^^^^^^^^",
        ),
        (
            "hist(x, bins=0)",
            "bins= takes a whole number from 1 to 100000",
            "             ^",
        ),
        (
            "hist(x, bins=x)",
            "bins= takes a number, not an array",
            "             ^",
        ),
        (
            "imshow(x)",
            "imshow() needs a 2-D array; this has shape (10,)",
            "       ^",
        ),
        (
            "imshow(m, cmap=\"jet\")",
            "no colour map named 'jet'",
            "               ^^^^^",
        ),
        (
            "scatter(complex(x, x))",
            "cannot plot complex values",
            "        ^^^^^^^^^^^^^",
        ),
        (
            "plot(x, title=\"open)",
            "this string is not closed",
            "              ^",
        ),
        (
            "x = x + 1; plot(x +* 2)",
            "expected an expression, found '*'",
            "                   ^",
        ),
    ];
    for (input, message, caret) in cases {
        let e = failure(&mut s, input);
        assert!(e.contains(message), "{input}: {e}");
        assert!(
            e.contains(&format!("1 | {input}\n  | {caret}")),
            "{input}:\n{e}"
        );
    }
    assert_eq!(s.vars(), &before, "a failing plot cell binds nothing");
    let e = failure(&mut s, "imshow(m, vmin=2, vmax=1)");
    assert!(e.contains("vmin (2) is above vmax (1)"), "{e}");
    let PlotData::Image(img) = &plots(&mut s, "imshow(m * 0)")[0].data else {
        panic!()
    };
    assert_eq!((img.vmin, img.vmax), (-0.5, 0.5), "a constant image");
    let e = failure(&mut s, "imshow(m, cmap=\"jet\")");
    assert!(e.contains("colour maps: viridis, magma"), "{e}");
}

#[test]
fn a_long_series_is_decimated_with_its_extremes() {
    let mut s = session();
    let p = &plots(
        &mut s,
        "x = arange(3_000_000); plot(x, sin(x / 1000.0) + (x == 1234567) * 5)",
    )[0];
    let PlotData::Line(series) = &p.data else {
        panic!()
    };
    assert_eq!(series[0].points, 3_000_000);
    assert!(series[0].x.len() <= 4 * crate::plot::decimate::LINE_BUCKETS);
    let top = series[0].y.iter().copied().fold(f64::MIN, f64::max);
    let at = series[0].y.iter().position(|&v| v == top).unwrap();
    assert_eq!(series[0].x[at], 1234567.0, "the spike survives");
}

#[test]
fn plot_cells_roundtrip_through_json() {
    let mut s = session();
    cell(&mut s, "x = linspace(0, 1, 30)");
    cell(
        &mut s,
        "plot(x, sin(x), title=\"t\", label=\"s\"); hist(x); imshow(x[:, None] * x)",
    );
    cell(&mut s, "y = x / (x > 0.5); plot(x, y)"); // NaN gaps (0/0) and infinities
    let json = serde_json::to_string(&s).unwrap();
    let back: Session = serde_json::from_str(&json).unwrap();
    assert_eq!(back.cells()[..3], s.cells()[..3]);
    // NaN is not equal to itself: compare the gappy plot through its JSON.
    let again = serde_json::to_string(&back).unwrap();
    assert_eq!(again, json);
    let Output::Plot(p) = &back.cells()[3].outputs[0] else {
        panic!()
    };
    assert!(p.series()[0].y[0].is_nan(), "0/0 is a gap");
}

#[test]
fn saveplot_writes_the_last_plot_or_a_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).display().to_string();
    let mut s = session();
    let e = failure(&mut s, &format!(":saveplot {}", path("none.png")));
    assert!(e.contains("there is no plot in the log yet"), "{e}");
    cell(&mut s, "x = linspace(0, 1, 30); plot(x)");
    cell(&mut s, "hist(x)");
    let c = cell(&mut s, &format!(":saveplot {}", path("last.png")));
    // Cell 2 was the failed :saveplot.
    assert!(
        c.outputs[0]
            .text()
            .starts_with("saved the plot of cell 4 (800x500 PNG)"),
        "{c:?}"
    );
    let c = cell(&mut s, &format!(":saveplot 3 {}", path("first.png")));
    assert!(
        c.outputs[0].text().starts_with("saved the plot of cell 3"),
        "{c:?}"
    );
    for f in ["last.png", "first.png"] {
        let bytes = std::fs::read(dir.path().join(f)).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
    }
    let e = failure(&mut s, &format!(":saveplot 5 {}", path("x.png")));
    assert!(e.contains("cell 5 has no plot"), "{e}");
    let e = failure(&mut s, &format!(":saveplot 99 {}", path("x.png")));
    assert!(e.contains("there is no cell 99"), "{e}");
    let e = failure(&mut s, ":saveplot /nonexistent/dir/p.png");
    assert!(e.contains("cannot write '/nonexistent/dir/p.png'"), "{e}");
}
