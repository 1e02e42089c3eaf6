//! Plots as terminal text: lines and points in Braille (2 × 4 dots a cell), histograms in
//! eighth blocks, heatmaps in half blocks (two square pixels a cell), with axes, nice
//! ticks, title, axis labels, legend and colour bar. Drawn into a ratatui [`Buffer`] at
//! any size, so that the terminal UI can `insert_before` it; [`to_string`] gives the same
//! as plain or ANSI-coloured text for script mode.
//!
//! Colour is 24-bit (the series palette of [`super::style`], perceptual colour maps for
//! heatmaps); without colour, heatmaps use shade characters.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;

use super::canvas::Braille;
use super::decimate;
use super::spec::{xy_bounds, Histogram, Image, PlotData, PlotSpec, Series};
use super::style::{self, Theme};
use super::ticks;

/// Below this size a plot is summarised in one line instead.
const MIN_WIDTH: u16 = 20;
const MIN_HEIGHT: u16 = 6;
/// Eighth blocks, from one eighth to seven.
const EIGHTHS: [char; 7] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇'];
/// Shades for heatmaps without colour, from low to high.
const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];

/// One axis of the plot area: the data range over `cells` cells of `sub` steps each.
#[derive(Clone, Copy)]
struct Axis {
    lo: f64,
    hi: f64,
    cells: usize,
    sub: usize,
    /// Values are edges of cells (histogram bins, image pixels) rather than centres of
    /// dots (lines, points).
    edges: bool,
    /// The axis runs downwards from `hi` (a y axis).
    down: bool,
    /// Only whole numbers make ticks (image rows and columns).
    whole: bool,
}

impl Axis {
    /// The position of `v` in steps from the start of the axis (left or top).
    fn step(&self, v: f64) -> i64 {
        let t = (v - self.lo) / (self.hi - self.lo);
        let t = if self.down { 1.0 - t } else { t };
        let n = (self.cells * self.sub) as f64;
        let s = if self.edges {
            (t * n).floor()
        } else {
            (t * (n - 1.0)).round()
        };
        s.clamp(0.0, n - 1.0) as i64
    }

    fn cell(&self, v: f64) -> usize {
        self.step(v) as usize / self.sub
    }
}

/// A short description of a plot, for places too small to draw it.
pub fn describe(spec: &PlotSpec) -> String {
    let what = match &spec.data {
        PlotData::Line(s) | PlotData::Scatter(s) => {
            let points: u64 = s.iter().map(|s| s.points).sum();
            let kind = if matches!(spec.data, PlotData::Line(_)) {
                "line plot"
            } else {
                "scatter plot"
            };
            format!("{kind}: {} series, {points} points", s.len())
        }
        PlotData::Hist(h) => format!("histogram: {} bins", h.bins()),
        PlotData::Image(i) => format!("image: {} x {}", i.shape.0, i.shape.1),
    };
    match &spec.title {
        Some(t) => format!("[{t}: {what}]"),
        None => format!("[{what}]"),
    }
}

#[allow(dead_code)] // for the terminal UI; script mode prints [`to_string`]
/// The plot as `height` lines of `width` cells (fewer for a heatmap, which keeps its
/// aspect ratio).
pub fn lines(spec: &PlotSpec, width: u16, height: u16, color: bool) -> Vec<Line<'static>> {
    let buf = buffer(spec, width, height, color);
    (0..buf.area.height)
        .map(|y| {
            let spans: Vec<ratatui::text::Span<'static>> = (0..buf.area.width)
                .map(|x| {
                    let c = &buf[(x, y)];
                    ratatui::text::Span::styled(c.symbol().to_string(), c.style())
                })
                .collect();
            Line::from(spans)
        })
        .collect()
}

/// The plot drawn into a fresh buffer of `width` × at most `height` cells.
pub fn buffer(spec: &PlotSpec, width: u16, height: u16, color: bool) -> Buffer {
    let height = height.min(needed_height(spec, width, height));
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    render(spec, buf.area, &mut buf, color);
    buf
}

/// The plot as text lines: with ANSI 24-bit colour escapes when `color`, plain otherwise.
pub fn to_string(spec: &PlotSpec, width: u16, height: u16, color: bool) -> String {
    style::buffer_text(&buffer(spec, width, height, color), color)
}

/// The rows a plot uses at most `height` rows: all of them, except for a heatmap, which
/// needs no more rows than its aspect ratio fills.
pub fn needed_height(spec: &PlotSpec, width: u16, height: u16) -> u16 {
    let PlotData::Image(img) = &spec.data else {
        return height;
    };
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return height.min(1);
    }
    let frame = Frame::new(spec, Rect::new(0, 0, width, height), None);
    let (_, rows) = image_cells(img, frame.plot.width as usize, frame.plot.height as usize);
    height - (frame.plot.height - rows as u16)
}

/// Draws `spec` into `area` of `buf`.
pub fn render(spec: &PlotSpec, area: Rect, buf: &mut Buffer, color: bool) {
    let theme = Theme::new(color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        buf.set_stringn(
            area.x,
            area.y,
            describe(spec),
            area.width as usize,
            theme.label,
        );
        return;
    }
    match &spec.data {
        PlotData::Line(series) | PlotData::Scatter(series) => {
            let lines = matches!(spec.data, PlotData::Line(_));
            draw_xy(spec, series, lines, area, buf, &theme);
        }
        PlotData::Hist(h) => draw_hist(spec, h, area, buf, &theme),
        PlotData::Image(img) => draw_image(spec, img, area, buf, &theme),
    }
}

/// Where the parts of a plot go: the plot area, and the rows around it.
struct Frame {
    /// The area inside the axes.
    plot: Rect,
    /// The outer area.
    area: Rect,
    /// y tick values and their labels.
    y_ticks: Vec<(f64, String)>,
    title_row: Option<u16>,
    ylabel_row: Option<u16>,
    xlabel_row: Option<u16>,
    legend_row: Option<u16>,
}

impl Frame {
    /// Lays out `spec` in `area` with y ticks over `y` (lo, hi) if given; the colour bar of
    /// a heatmap takes columns on the right.
    fn new(spec: &PlotSpec, area: Rect, y: Option<(f64, f64, bool)>) -> Frame {
        let title_w = spec.title.as_ref().map_or(0, |t| t.chars().count());
        let ylabel_w = spec.ylabel.as_ref().map_or(0, |t| t.chars().count());
        let mut top = 0;
        let title_row = spec.title.as_ref().map(|_| {
            top += 1;
            area.y
        });
        let ylabel_row = spec.ylabel.as_ref().map(|_| {
            // Beside the title when both fit on one row.
            if title_row.is_some() && ylabel_w + title_w + 4 < area.width as usize / 2 + title_w / 2
            {
                area.y
            } else {
                top += 1;
                area.y + top - 1
            }
        });
        let legend = !spec.legend().is_empty();
        let bottom = 2 + u16::from(spec.xlabel.is_some()) + u16::from(legend);
        let plot_h = area.height.saturating_sub(top + bottom).max(1);
        let y_ticks: Vec<(f64, String)> = match y {
            Some((lo, hi, integers)) => {
                let mut t = ticks::ticks(lo, hi, (plot_h as usize / 2).clamp(2, 8));
                if integers {
                    t.retain(|v| v.fract() == 0.0);
                }
                let labels = ticks::labels(&t);
                t.into_iter().zip(labels).collect()
            }
            None => Vec::new(),
        };
        let left = y_ticks
            .iter()
            .map(|(_, l)| l.chars().count())
            .max()
            .unwrap_or(0) as u16
            + 1;
        let right = match &spec.data {
            PlotData::Image(img) => colorbar_width(img) + 1,
            _ => 1,
        };
        let plot = Rect::new(
            area.x + left,
            area.y + top,
            area.width.saturating_sub(left + right).max(1),
            plot_h,
        );
        let mut row = plot.y + plot.height + 2;
        let mut next = |present: bool| {
            present.then(|| {
                row += 1;
                row - 1
            })
        };
        let xlabel_row = next(spec.xlabel.is_some());
        let legend_row = next(legend);
        Frame {
            plot,
            area,
            y_ticks,
            title_row,
            ylabel_row,
            xlabel_row,
            legend_row,
        }
    }

    /// The frame for a plot area of `height` rows (a heatmap's, shorter than laid out).
    fn with_plot_height(mut self, height: u16) -> Frame {
        let cut = self.plot.height - height;
        self.plot.height = height;
        self.xlabel_row = self.xlabel_row.map(|r| r - cut);
        self.legend_row = self.legend_row.map(|r| r - cut);
        self
    }

    /// Title, axis labels, axes with ticks, and legend.
    fn draw(&self, spec: &PlotSpec, x: &Axis, y: &Axis, buf: &mut Buffer, theme: &Theme) {
        let (p, area) = (self.plot, self.area);
        let right = area.x + area.width;
        if let (Some(row), Some(t)) = (self.title_row, &spec.title) {
            let w = t.chars().count() as u16;
            let start = (p.x + p.width.saturating_sub(w) / 2)
                .min(right.saturating_sub(w))
                .max(area.x);
            buf.set_stringn(start, row, t, (right - start) as usize, theme.title);
        }
        if let (Some(row), Some(t)) = (self.ylabel_row, &spec.ylabel) {
            buf.set_stringn(area.x, row, t, area.width as usize, theme.label);
        }
        // The y axis, its ticks and labels.
        let axis_x = p.x - 1;
        for row in p.y..p.y + p.height {
            buf[(axis_x, row)].set_char('│').set_style(theme.axis);
        }
        for (v, label) in &self.y_ticks {
            let row = p.y + y.cell(*v) as u16;
            buf[(axis_x, row)].set_char('┤').set_style(theme.axis);
            let w = label.chars().count() as u16;
            buf.set_string(axis_x - w, row, label, theme.label);
        }
        // The x axis.
        let axis_y = p.y + p.height;
        buf[(axis_x, axis_y)].set_char('└').set_style(theme.axis);
        for col in p.x..p.x + p.width {
            buf[(col, axis_y)].set_char('─').set_style(theme.axis);
        }
        let mut xt = ticks::ticks(x.lo, x.hi, (p.width as usize / 10).clamp(2, 10));
        if x.whole {
            xt.retain(|v| v.fract() == 0.0 && *v >= 0.0);
        }
        let mut free_from = area.x;
        for (v, label) in xt.iter().zip(ticks::labels(&xt)) {
            let col = p.x + x.cell(*v) as u16;
            buf[(col, axis_y)].set_char('┬').set_style(theme.axis);
            let w = label.chars().count() as u16;
            let start = col
                .saturating_sub(w / 2)
                .min(right.saturating_sub(w))
                .max(area.x);
            if start >= free_from {
                buf.set_string(start, axis_y + 1, &label, theme.label);
                free_from = start + w + 1;
            }
        }
        if let (Some(row), Some(t)) = (self.xlabel_row, &spec.xlabel) {
            let w = t.chars().count() as u16;
            let start = (p.x + p.width.saturating_sub(w) / 2)
                .min(right.saturating_sub(w))
                .max(area.x);
            buf.set_stringn(start, row, t, (right - start) as usize, theme.label);
        }
        if let Some(row) = self.legend_row {
            let marker = match &spec.data {
                PlotData::Scatter(_) => "⠶",
                PlotData::Hist(h) if h.sets.len() == 1 => "█",
                _ => "──",
            };
            let mut col = p.x;
            for (i, label) in spec.legend() {
                if col >= right {
                    break;
                }
                let (c, _) =
                    buf.set_stringn(col, row, marker, (right - col) as usize, theme.series(i));
                let (c, _) = buf.set_stringn(
                    c + 1,
                    row,
                    label,
                    right.saturating_sub(c + 1) as usize,
                    theme.label,
                );
                col = c + 3;
            }
        }
    }
}

fn draw_xy(
    spec: &PlotSpec,
    series: &[Series],
    lines: bool,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let ((xlo, xhi), (ylo, yhi)) = xy_bounds(series);
    let frame = Frame::new(spec, area, Some((ylo, yhi, false)));
    let p = frame.plot;
    let x = Axis {
        lo: xlo,
        hi: xhi,
        cells: p.width as usize,
        sub: 2,
        edges: false,
        down: false,
        whole: false,
    };
    let y = Axis {
        lo: ylo,
        hi: yhi,
        cells: p.height as usize,
        sub: 4,
        edges: false,
        down: true,
        whole: false,
    };
    frame.draw(spec, &x, &y, buf, theme);
    let mut canvas = Braille::new(p.width as usize, p.height as usize);
    for (i, s) in series.iter().enumerate() {
        let mut prev: Option<(i64, i64)> = None;
        for (&vx, &vy) in s.x.iter().zip(&s.y) {
            if !(vx.is_finite() && vy.is_finite()) {
                prev = None;
                continue;
            }
            let dot = (x.step(vx), y.step(vy));
            match prev {
                Some(q) if lines => canvas.line(q, dot, i),
                _ => canvas.set(dot.0, dot.1, i),
            }
            prev = Some(dot);
        }
    }
    blit(&canvas, p, buf, theme);
}

/// Copies a Braille canvas into the plot area.
fn blit(canvas: &Braille, p: Rect, buf: &mut Buffer, theme: &Theme) {
    for row in 0..p.height {
        for col in 0..p.width {
            if let Some((c, series)) = canvas.cell(col as usize, row as usize) {
                buf[(p.x + col, p.y + row)]
                    .set_char(c)
                    .set_style(theme.series(series));
            }
        }
    }
}

fn draw_hist(spec: &PlotSpec, h: &Histogram, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let top = h
        .sets
        .iter()
        .flat_map(|s| s.counts.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let frame = Frame::new(spec, area, Some((0.0, top as f64, true)));
    let p = frame.plot;
    let (lo, hi) = h.range;
    let bins = h.bins();
    let x = Axis {
        lo,
        hi,
        cells: p.width as usize,
        sub: 1,
        edges: true,
        down: false,
        whole: false,
    };
    let y = Axis {
        lo: 0.0,
        hi: top as f64,
        cells: p.height as usize,
        sub: 8,
        edges: true,
        down: true,
        whole: false,
    };
    frame.draw(spec, &x, &y, buf, theme);
    // The bins a span of the x axis covers; a column showing several shows the highest.
    let covered = |start: f64, end: f64| {
        let b0 = ((start * bins as f64).floor() as usize).min(bins - 1);
        let b1 = (((end * bins as f64).ceil() as usize).max(b0 + 1)).min(bins);
        b0..b1
    };
    if let [set] = h.sets.as_slice() {
        let levels = (p.height as usize * 8) as f64;
        for col in 0..p.width as usize {
            let w = p.width as f64;
            let range = covered(col as f64 / w, (col + 1) as f64 / w);
            let count = set.counts[range].iter().copied().max().unwrap_or(0);
            let level = (count as f64 / top as f64 * levels).round() as usize;
            let level = if count > 0 { level.max(1) } else { 0 };
            for r in 0..p.height as usize {
                let filled = level.saturating_sub(r * 8).min(8);
                if filled == 0 {
                    break;
                }
                let c = if filled == 8 {
                    '█'
                } else {
                    EIGHTHS[filled - 1]
                };
                let cell = &mut buf[(p.x + col as u16, p.y + p.height - 1 - r as u16)];
                cell.set_char(c).set_style(theme.series(0));
            }
        }
        return;
    }
    // Several sets: a step outline each, in Braille.
    let mut canvas = Braille::new(p.width as usize, p.height as usize);
    let (w, hd) = canvas.dots();
    for (i, set) in h.sets.iter().enumerate() {
        let mut prev = None;
        for dx in 0..w {
            let b = covered(dx as f64 / w as f64, (dx + 1) as f64 / w as f64);
            let count = set.counts[b].iter().copied().max().unwrap_or(0) as f64;
            let dy = ((1.0 - count / top as f64) * (hd - 1) as f64).round() as i64;
            let dot = (dx as i64, dy);
            match prev {
                Some(q) => canvas.line(q, dot, i),
                None => canvas.set(dot.0, dot.1, i),
            }
            prev = Some(dot);
        }
    }
    blit(&canvas, p, buf, theme);
}

/// The cells (columns, rows) a heatmap fills in `width` × `height`, keeping square
/// pixels (a cell is two pixels high).
fn image_cells(img: &Image, width: usize, height: usize) -> (usize, usize) {
    let (rows, cols) = (img.shape.0 as f64, img.shape.1 as f64);
    let scale = (width as f64 / cols).min(2.0 * height as f64 / rows);
    let w = ((cols * scale).round() as usize).clamp(1, width);
    let h = ((rows * scale / 2.0).ceil() as usize).clamp(1, height);
    (w, h)
}

/// Columns the colour bar and its labels take.
fn colorbar_width(img: &Image) -> u16 {
    let t = ticks::ticks(img.vmin, img.vmax, 6);
    let w = ticks::labels(&t)
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1);
    1 + 2 + 1 + w as u16
}

fn draw_image(spec: &PlotSpec, img: &Image, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let (rows, cols) = img.shape;
    let frame = Frame::new(spec, area, Some((-0.5, rows as f64 - 0.5, true)));
    let (w, h) = image_cells(img, frame.plot.width as usize, frame.plot.height as usize);
    let mut frame = frame.with_plot_height(h as u16);
    frame.plot.width = w as u16;
    // Ticks on the y axis count rows downwards from the top, as matplotlib's imshow.
    let y = Axis {
        lo: -0.5,
        hi: rows as f64 - 0.5,
        cells: h,
        sub: 1,
        edges: true,
        down: false,
        whole: false,
    };
    let x = Axis {
        lo: -0.5,
        hi: cols as f64 - 0.5,
        cells: w,
        sub: 1,
        edges: true,
        down: false,
        whole: true,
    };
    frame.y_ticks.retain(|(v, _)| *v >= 0.0);
    frame.draw(spec, &x, &y, buf, theme);
    let p = frame.plot;
    let pixels = decimate::resample(&img.values, (img.rows, img.cols), (2 * h, w));
    let norm = |v: f64| (v - img.vmin) / (img.vmax - img.vmin).max(f64::MIN_POSITIVE);
    for r in 0..h {
        for c in 0..w {
            let (top, bottom) = (pixels[2 * r * w + c], pixels[(2 * r + 1) * w + c]);
            let cell = &mut buf[(p.x + c as u16, p.y + r as u16)];
            half_block(cell, top, bottom, &norm, img, theme);
        }
    }
    // The colour bar: from vmax at the top to vmin at the bottom.
    let bar_x = p.x + p.width + 1;
    let steps = 2 * h;
    for r in 0..h {
        let at = |k: usize| img.vmax - (k as f64 + 0.5) / steps as f64 * (img.vmax - img.vmin);
        for dx in 0..2 {
            let cell = &mut buf[(bar_x + dx, p.y + r as u16)];
            half_block(cell, at(2 * r), at(2 * r + 1), &norm, img, theme);
        }
    }
    let bar = Axis {
        lo: img.vmin,
        hi: img.vmax,
        cells: h,
        sub: 2,
        edges: true,
        down: true,
        whole: false,
    };
    let t = ticks::ticks(img.vmin, img.vmax, (h / 2).clamp(2, 6));
    for (v, label) in t.iter().zip(ticks::labels(&t)) {
        let row = p.y + bar.cell(*v) as u16;
        buf.set_string(bar_x + 3, row, label, theme.label);
    }
}

/// One heatmap cell: the top pixel as foreground of '▀', the bottom as background; shades
/// of the mean without colour. NaN pixels are left blank.
fn half_block(
    cell: &mut ratatui::buffer::Cell,
    top: f64,
    bottom: f64,
    norm: &dyn Fn(f64) -> f64,
    img: &Image,
    theme: &Theme,
) {
    if !theme.color {
        let vals: Vec<f64> = [top, bottom]
            .into_iter()
            .filter(|v| v.is_finite())
            .collect();
        if vals.is_empty() {
            return;
        }
        let t = norm(vals.iter().sum::<f64>() / vals.len() as f64).clamp(0.0, 1.0);
        let k = (t * (SHADES.len() - 1) as f64).round() as usize;
        cell.set_char(SHADES[k]);
        return;
    }
    let rgb = |v: f64| {
        let [r, g, b] = img.cmap.rgb(norm(v));
        Color::Rgb(r, g, b)
    };
    match (top.is_finite(), bottom.is_finite()) {
        (true, true) => cell
            .set_char('▀')
            .set_style(Style::new().fg(rgb(top)).bg(rgb(bottom))),
        (true, false) => cell.set_char('▀').set_style(Style::new().fg(rgb(top))),
        (false, true) => cell.set_char('▄').set_style(Style::new().fg(rgb(bottom))),
        (false, false) => cell,
    };
}
