//! Snapshots of every kind of plot drawn as text at two sizes (plain, so that they are
//! readable), colour output, and PNG files decoded back.

use super::decimate;
use super::spec::{Colormap, Image, PlotData, PlotSpec, Series};
use super::{raster, style, text};

fn linspace(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
        .collect()
}

/// Deterministic pseudo-random numbers in [0, 1) (a 64-bit LCG).
fn uniform(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

fn series(label: Option<&str>, x: Vec<f64>, y: Vec<f64>) -> Series {
    Series {
        label: label.map(String::from),
        points: y.len() as u64,
        x,
        y,
    }
}

fn line_plot() -> PlotSpec {
    let x = linspace(0.0, 4.0 * std::f64::consts::PI, 500);
    let y1 = x.iter().map(|v| v.sin() * (-v / 8.0).exp()).collect();
    let y2 = x.iter().map(|v| 0.5 * v.cos()).collect();
    PlotSpec {
        data: PlotData::Line(vec![
            series(Some("damped"), x.clone(), y1),
            series(Some("cos/2"), x, y2),
        ]),
        title: Some("damped sine".into()),
        xlabel: Some("x".into()),
        ylabel: Some("y".into()),
    }
}

fn scatter_plot() -> PlotSpec {
    let (a, b) = (uniform(200, 1), uniform(200, 2));
    let y: Vec<f64> = a.iter().zip(&b).map(|(a, b)| 2.0 * a + b).collect();
    PlotSpec {
        data: PlotData::Scatter(vec![series(None, a.iter().map(|v| v * 10.0).collect(), y)]),
        title: None,
        xlabel: Some("a".into()),
        ylabel: None,
    }
}

fn hist_plot() -> PlotSpec {
    // Sums of four uniforms: a bell shape.
    let u: Vec<Vec<f64>> = (0..4).map(|k| uniform(5000, 10 + k)).collect();
    let v: Vec<f64> = (0..5000).map(|i| u.iter().map(|u| u[i]).sum()).collect();
    PlotSpec {
        data: PlotData::Hist(decimate::histogram(&[(None, &v)], 30)),
        title: Some("sum of 4 uniforms".into()),
        xlabel: None,
        ylabel: None,
    }
}

fn image_plot() -> PlotSpec {
    let (rows, cols) = (40, 60);
    let values = (0..rows * cols)
        .map(|k| ((k / cols) as f64 / 6.0).sin() * ((k % cols) as f64 / 9.0).cos())
        .collect();
    PlotSpec {
        data: PlotData::Image(Image {
            shape: (rows, cols),
            rows,
            cols,
            values,
            vmin: -1.0,
            vmax: 1.0,
            cmap: Colormap::Viridis,
        }),
        title: Some("waves".into()),
        xlabel: None,
        ylabel: None,
    }
}

#[test]
fn every_kind_as_plain_text_at_two_sizes() {
    let plots = [
        ("line", line_plot()),
        ("scatter", scatter_plot()),
        ("hist", hist_plot()),
        ("image", image_plot()),
    ];
    for (name, spec) in &plots {
        for (w, h) in [(60, 16), (100, 30)] {
            let out = text::to_string(spec, w, h, false);
            assert!(!out.contains('\x1b'), "{name}: no escapes without colour");
            assert!(out.lines().all(|l| l.chars().count() <= w as usize));
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), out);
        }
    }
}

#[test]
fn a_tiny_area_gets_a_summary() {
    assert_eq!(
        text::to_string(&line_plot(), 60, 4, false),
        "[damped sine: line plot: 2 series, 1000 points]\n\n\n\n"
    );
}

#[test]
fn colour_is_24_bit_and_follows_the_palette() {
    let out = text::to_string(&line_plot(), 60, 16, true);
    let [r, g, b] = style::PALETTE[0];
    assert!(out.contains(&format!("38;2;{r};{g};{b}m")), "{out}");
    let [r, g, b] = style::PALETTE[1];
    assert!(out.contains(&format!("38;2;{r};{g};{b}m")), "{out}");
    assert!(out.contains("\x1b[0;1m"), "a bold title: {out}");
    // A heatmap sets foreground and background from the colour map.
    // A heatmap sets foreground and background from the colour map, from one end to the
    // other.
    let out = text::to_string(&image_plot(), 60, 16, true);
    let colours = rgb_escapes(&out);
    assert!(out.contains("48;2;"), "{out}");
    for t in [0.0, 1.0] {
        let want = Colormap::Viridis.rgb(t);
        let near = |c: &[u8; 3]| (0..3).all(|k| c[k].abs_diff(want[k]) <= 12);
        assert!(
            colours.iter().any(near),
            "viridis({t}) = {want:?} in {colours:?}"
        );
    }
    // Without colour, the same layout.
    let plain = text::to_string(&line_plot(), 60, 16, false);
    let stripped = strip_ansi(&text::to_string(&line_plot(), 60, 16, true));
    assert_eq!(stripped, plain);
}

/// Every 24-bit colour set by an escape in `s`.
fn rgb_escapes(s: &str) -> Vec<[u8; 3]> {
    let mut out = Vec::new();
    for part in s.split("8;2;").skip(1) {
        let nums: Vec<u8> = part
            .split([';', 'm'])
            .take(3)
            .filter_map(|n| n.parse().ok())
            .collect();
        if let [r, g, b] = nums[..] {
            out.push([r, g, b]);
        }
    }
    out
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn lines_for_the_terminal_ui() {
    let lines = text::lines(&line_plot(), 70, 20, true);
    assert_eq!(lines.len(), 20);
    assert!(lines.iter().all(|l| l.width() == 70));
    // A heatmap keeps its aspect ratio: it uses fewer rows than it may.
    let lines = text::lines(&image_plot(), 70, 60, false);
    assert!(lines.len() < 60 && lines.len() > 20, "{}", lines.len());
}

#[test]
fn png_files_decode_with_the_series_colours() {
    let dir = tempfile::tempdir().unwrap();
    for (name, spec) in [
        ("line", line_plot()),
        ("scatter", scatter_plot()),
        ("hist", hist_plot()),
    ] {
        let path = dir.path().join(format!("{name}.png"));
        raster::save(&spec, &path, (640, 400)).unwrap();
        let (info, pixels) = decode(&path);
        assert_eq!((info.width, info.height), (640, 400), "{name}");
        let exact = pixels.chunks(3).filter(|p| *p == style::PALETTE[0]).count();
        assert!(
            exact > 100,
            "{name}: {exact} pixels of the first series' colour"
        );
        let white = pixels.chunks(3).filter(|p| *p == [255, 255, 255]).count();
        assert!(white > 640 * 400 / 3, "{name}: mostly white background");
    }
    let path = dir.path().join("image.png");
    raster::save(&image_plot(), &path, (500, 400)).unwrap();
    let (info, pixels) = decode(&path);
    assert_eq!((info.width, info.height), (500, 400));
    for t in [0.0, 1.0] {
        let want = Colormap::Viridis.rgb(t);
        let near = |p: &[u8]| (0..3).all(|k| p[k].abs_diff(want[k]) <= 6);
        assert!(pixels.chunks(3).any(near), "colour-map end {t}");
    }
}

fn decode(path: &std::path::Path) -> (png::OutputInfo, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info, buf)
}

#[test]
fn huge_values_draw_without_overflow() {
    // Values near f64's limit put the frame's ends at infinity: pixel positions are
    // clamped rather than overflowing (a debug build panicked on `x + 1`).
    let hist: PlotSpec = serde_json::from_str(
        r#"{"data":{"hist":{"range":[-2.247117487993712e+307,5611396.0],"sets":[{"label":null,
        "counts":[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,499],"skipped":0}]}},
        "title":null,"xlabel":null,"ylabel":null}"#,
    )
    .unwrap();
    let v = [-2.247117487993712e307, 5611396.0, 1.7e308];
    let line = PlotSpec {
        data: PlotData::Line(vec![series(None, v.to_vec(), v.to_vec())]),
        title: None,
        xlabel: None,
        ylabel: None,
    };
    for spec in [hist, line] {
        let r = raster::draw(&spec, (660, 312));
        assert_eq!((r.width, r.height, r.pixels.len()), (660, 312, 660 * 312));
        assert_eq!(text::lines(&spec, 60, 16, false).len(), 16);
    }
}
