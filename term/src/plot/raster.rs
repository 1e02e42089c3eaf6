//! Plots as PNG images (`:saveplot`): an RGB raster drawn here, with anti-aliased lines and
//! points (coverage from the distance to each segment), filled bars, heatmaps, and text in
//! the X11 bitmap fonts that `embedded-graphics` carries (no system fonts needed), written
//! with the `png` crate.

use std::convert::Infallible;
use std::io::Write;

use embedded_graphics::mono_font::iso_8859_1::{FONT_7X13, FONT_9X15_BOLD};
use embedded_graphics::mono_font::{MonoFont, MonoTextStyle};
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::{DrawTarget, OriginDimensions, Pixel, Point, Size};
use embedded_graphics::text::{Baseline, Text};
use embedded_graphics::Drawable;

use super::decimate;
use super::spec::{xy_bounds, Histogram, Image, PlotData, PlotSpec, Series};
use super::style::series_rgb;
use super::ticks;

/// The size of a saved plot, in pixels.
pub const DEFAULT_SIZE: (u32, u32) = (800, 500);

const WHITE: [u8; 3] = [255, 255, 255];
const BLACK: [u8; 3] = [30, 30, 30];
const GRID: [u8; 3] = [232, 232, 232];
const TEXT_FONT: MonoFont = FONT_7X13;
const TITLE_FONT: MonoFont = FONT_9X15_BOLD;
/// Half the width of a drawn line, and the radius of a scatter point, in pixels.
const LINE_HALF_WIDTH: f64 = 0.9;
const POINT_RADIUS: f64 = 2.2;

/// An RGB image being drawn.
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<[u8; 3]>,
}

impl Raster {
    fn new(width: u32, height: u32) -> Raster {
        Raster {
            width,
            height,
            pixels: vec![WHITE; (width * height) as usize],
        }
    }

    /// Blends `color` over pixel (x, y) with opacity `alpha`.
    fn blend(&mut self, x: i64, y: i64, color: [u8; 3], alpha: f64) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let p = &mut self.pixels[(y * i64::from(self.width) + x) as usize];
        for k in 0..3 {
            let v = f64::from(p[k]) * (1.0 - alpha) + f64::from(color[k]) * alpha;
            p[k] = v.round() as u8;
        }
    }

    fn fill(&mut self, (x0, y0, x1, y1): (i64, i64, i64, i64), color: [u8; 3], alpha: f64) {
        // Clipped first: a rectangle may reach far outside (see [`FAR`]).
        let (x0, x1) = (x0.max(0), x1.min(i64::from(self.width)));
        let (y0, y1) = (y0.max(0), y1.min(i64::from(self.height)));
        for y in y0..y1 {
            for x in x0..x1 {
                self.blend(x, y, color, alpha);
            }
        }
    }

    /// Writes `text` with its top-left corner at (x, y); `vertical` turns it to read
    /// upwards, with (x, y) then its bottom-left corner.
    fn text(
        &mut self,
        text: &str,
        (x, y): (i64, i64),
        font: &MonoFont,
        color: [u8; 3],
        vertical: bool,
    ) {
        let mut mask = Mask {
            size: Size::new(text_width(text, font) as u32, font.character_size.height),
            on: Vec::new(),
        };
        let style = MonoTextStyle::new(font, BinaryColor::On);
        let _ = Text::with_baseline(text, Point::zero(), style, Baseline::Top).draw(&mut mask);
        for (px, py) in mask.on {
            let (dx, dy) = if vertical { (py, -px) } else { (px, py) };
            self.blend(x + dx, y + dy, color, 1.0);
        }
    }

    /// The pixels as RGB bytes, row by row: what an image crate (`image::RgbImage`, for
    /// ratatui-image's kitty, iTerm2 or sixel output) takes.
    #[allow(dead_code)] // for the terminal UI's raster images
    pub fn rgb8(&self) -> Vec<u8> {
        self.pixels.iter().flatten().copied().collect()
    }

    /// The image as PNG bytes.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
            writer
                .write_image_data(&self.rgb8())
                .map_err(|e| e.to_string())?;
        }
        Ok(out)
    }
}

/// The pixels a text sets (embedded-graphics draws into it).
struct Mask {
    size: Size,
    on: Vec<(i64, i64)>,
}

impl OriginDimensions for Mask {
    fn size(&self) -> Size {
        self.size
    }
}

impl DrawTarget for Mask {
    type Color = BinaryColor;
    type Error = Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<BinaryColor>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), Infallible> {
        for Pixel(p, c) in pixels {
            if c == BinaryColor::On {
                self.on.push((i64::from(p.x), i64::from(p.y)));
            }
        }
        Ok(())
    }
}

fn text_width(text: &str, font: &MonoFont) -> i64 {
    let n = text.chars().count() as i64;
    n * i64::from(font.character_size.width + font.character_spacing)
}

/// Coverage of one colour layer: the most any shape gave each pixel, so that the joints
/// of a polyline are not darker than its segments.
struct Coverage {
    width: usize,
    height: usize,
    alpha: Vec<f32>,
}

impl Coverage {
    fn new(width: u32, height: u32) -> Coverage {
        Coverage {
            width: width as usize,
            height: height as usize,
            alpha: vec![0.0; (width * height) as usize],
        }
    }

    /// A segment of half-width `r` from `a` to `b`, anti-aliased.
    fn segment(&mut self, a: (f64, f64), b: (f64, f64), r: f64) {
        let (x0, x1) = (a.0.min(b.0) - r - 1.0, a.0.max(b.0) + r + 1.0);
        let (y0, y1) = (a.1.min(b.1) - r - 1.0, a.1.max(b.1) + r + 1.0);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        let xs =
            (x0.floor().max(0.0) as usize)..(x1.ceil().min(self.width as f64).max(0.0) as usize);
        for y in
            (y0.floor().max(0.0) as usize)..(y1.ceil().min(self.height as f64).max(0.0) as usize)
        {
            for x in xs.clone() {
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let t = if len2 > 0.0 {
                    (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let (cx, cy) = (a.0 + t * dx - px, a.1 + t * dy - py);
                let d = (cx * cx + cy * cy).sqrt();
                let cover = (r + 0.5 - d).clamp(0.0, 1.0) as f32;
                let slot = &mut self.alpha[y * self.width + x];
                *slot = slot.max(cover);
            }
        }
    }

    fn composite(&self, raster: &mut Raster, color: [u8; 3]) {
        for (i, &a) in self.alpha.iter().enumerate() {
            if a > 0.0 {
                let (x, y) = ((i % self.width) as i64, (i / self.width) as i64);
                raster.blend(x, y, color, f64::from(a));
            }
        }
    }
}

/// Maps data to pixels within the plot rectangle.
#[derive(Clone, Copy)]
struct Frame {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    x: (f64, f64),
    y: (f64, f64),
}

/// Pixel positions are kept within this many pixels of the image: with data near f64's
/// limits an axis span overflows to infinity, and `as i64` of an infinite position
/// saturates to a value that the drawing code's `+ 1` would overflow.
const FAR: f64 = 1e6;

impl Frame {
    fn px(&self, x: f64) -> f64 {
        (self.left + (x - self.x.0) / (self.x.1 - self.x.0) * self.width).clamp(-FAR, FAR)
    }

    fn py(&self, y: f64) -> f64 {
        (self.top + (self.y.1 - y) / (self.y.1 - self.y.0) * self.height).clamp(-FAR, FAR)
    }

    fn rect(&self) -> (i64, i64, i64, i64) {
        (
            self.left as i64,
            self.top as i64,
            (self.left + self.width) as i64,
            (self.top + self.height) as i64,
        )
    }
}

/// The plot drawn at `width` × `height` pixels.
pub fn draw(spec: &PlotSpec, (width, height): (u32, u32)) -> Raster {
    let mut r = Raster::new(width, height);
    let (xr, yr, y_integers) = match &spec.data {
        PlotData::Line(s) | PlotData::Scatter(s) => {
            let (x, (lo, hi)) = xy_bounds(s);
            let pad = (hi - lo) * 0.05;
            (x, (lo - pad, hi + pad), false)
        }
        PlotData::Hist(h) => {
            let top = h
                .sets
                .iter()
                .flat_map(|s| s.counts.iter())
                .copied()
                .max()
                .unwrap_or(1)
                .max(1);
            (h.range, (0.0, top as f64 * 1.05), true)
        }
        PlotData::Image(img) => (
            (-0.5, img.shape.1 as f64 - 0.5),
            (-0.5, img.shape.0 as f64 - 0.5),
            true,
        ),
    };
    let char_w = i64::from(TEXT_FONT.character_size.width + TEXT_FONT.character_spacing);
    let char_h = i64::from(TEXT_FONT.character_size.height);
    let mut yt = ticks::ticks(yr.0, yr.1, 8);
    if y_integers {
        yt.retain(|v| v.fract() == 0.0);
    }
    if let PlotData::Image(_) = spec.data {
        yt.retain(|v| *v >= 0.0);
    }
    let yl = ticks::labels(&yt);
    let ylabel_w = yl
        .iter()
        .map(|l| l.chars().count() as i64)
        .max()
        .unwrap_or(1)
        * char_w;
    let left = 12 + ylabel_w + 8 + if spec.ylabel.is_some() { char_h + 8 } else { 0 };
    let top = if spec.title.is_some() { 40 } else { 16 };
    let bottom = 10
        + char_h
        + 10
        + if spec.xlabel.is_some() {
            char_h + 10
        } else {
            0
        };
    let right = match &spec.data {
        PlotData::Image(img) => 40 + colorbar_label_width(img) * char_w,
        _ => 24,
    };
    let mut frame = Frame {
        left: left as f64,
        top: top as f64,
        width: (i64::from(width) - left - right).max(10) as f64,
        height: (i64::from(height) - top - bottom).max(10) as f64,
        x: xr,
        y: yr,
    };
    if let PlotData::Image(img) = &spec.data {
        // Square pixels: shrink one side, centred.
        let (rows, cols) = (img.shape.0 as f64, img.shape.1 as f64);
        let scale = (frame.width / cols).min(frame.height / rows);
        let (w, h) = (
            (cols * scale).round().max(1.0),
            (rows * scale).round().max(1.0),
        );
        frame.left += ((frame.width - w) / 2.0).floor();
        frame.width = w;
        frame.height = h;
        // The y axis runs downwards for images (row 0 at the top).
        frame.y = (yr.1, yr.0);
    }
    let (fx0, fy0, fx1, fy1) = frame.rect();
    // Grid lines at the ticks, then the data, then the frame and labels on top.
    let mut xt = ticks::ticks(xr.0, xr.1, ((frame.width / 80.0) as usize).clamp(2, 12));
    if let PlotData::Image(_) = spec.data {
        xt.retain(|v| v.fract() == 0.0 && *v >= 0.0);
    }
    if !matches!(spec.data, PlotData::Image(_)) {
        for &v in &xt {
            let x = frame.px(v).round() as i64;
            r.fill((x, fy0, x + 1, fy1), GRID, 1.0);
        }
        for &v in &yt {
            let y = frame.py(v).round() as i64;
            r.fill((fx0, y, fx1, y + 1), GRID, 1.0);
        }
    }
    match &spec.data {
        PlotData::Line(s) => draw_series(&mut r, &frame, s, true),
        PlotData::Scatter(s) => draw_series(&mut r, &frame, s, false),
        PlotData::Hist(h) => draw_hist(&mut r, &frame, h),
        PlotData::Image(img) => draw_image(&mut r, &frame, img),
    }
    // The frame.
    r.fill((fx0 - 1, fy0 - 1, fx1 + 1, fy0), BLACK, 1.0);
    r.fill((fx0 - 1, fy1, fx1 + 1, fy1 + 1), BLACK, 1.0);
    r.fill((fx0 - 1, fy0, fx0, fy1), BLACK, 1.0);
    r.fill((fx1, fy0, fx1 + 1, fy1), BLACK, 1.0);
    // Ticks and their labels.
    for (&v, label) in yt.iter().zip(&yl) {
        let y = frame.py(v).round() as i64;
        r.fill((fx0 - 6, y, fx0 - 1, y + 1), BLACK, 1.0);
        let w = text_width(label, &TEXT_FONT);
        r.text(
            label,
            (fx0 - 10 - w, y - char_h / 2),
            &TEXT_FONT,
            BLACK,
            false,
        );
    }
    let mut free_from = i64::MIN;
    for (&v, label) in xt.iter().zip(ticks::labels(&xt)) {
        let x = frame.px(v).round() as i64;
        if x < fx0 - 1 || x > fx1 {
            continue;
        }
        r.fill((x, fy1 + 1, x + 1, fy1 + 6), BLACK, 1.0);
        let w = text_width(&label, &TEXT_FONT);
        if x - w / 2 >= free_from {
            r.text(&label, (x - w / 2, fy1 + 9), &TEXT_FONT, BLACK, false);
            free_from = x + w / 2 + char_w;
        }
    }
    if let Some(t) = &spec.title {
        let w = text_width(t, &TITLE_FONT);
        let x = (fx0 + fx1) / 2 - w / 2;
        r.text(t, (x.max(4), 12), &TITLE_FONT, BLACK, false);
    }
    if let Some(t) = &spec.xlabel {
        let w = text_width(t, &TEXT_FONT);
        r.text(
            t,
            ((fx0 + fx1) / 2 - w / 2, fy1 + 12 + char_h),
            &TEXT_FONT,
            BLACK,
            false,
        );
    }
    if let Some(t) = &spec.ylabel {
        let w = text_width(t, &TEXT_FONT);
        r.text(t, (10, (fy0 + fy1) / 2 + w / 2), &TEXT_FONT, BLACK, true);
    }
    legend(&mut r, spec, fx1, fy0, char_h);
    r
}

fn draw_series(r: &mut Raster, frame: &Frame, series: &[Series], lines: bool) {
    for (i, s) in series.iter().enumerate() {
        let mut cover = Coverage::new(r.width, r.height);
        let mut prev: Option<(f64, f64)> = None;
        for (&x, &y) in s.x.iter().zip(&s.y) {
            if !(x.is_finite() && y.is_finite()) {
                prev = None;
                continue;
            }
            let p = (frame.px(x), frame.py(y));
            if lines {
                cover.segment(prev.unwrap_or(p), p, LINE_HALF_WIDTH);
            } else {
                cover.segment(p, p, POINT_RADIUS);
            }
            prev = Some(p);
        }
        cover.composite(r, series_rgb(i));
    }
}

fn draw_hist(r: &mut Raster, frame: &Frame, h: &Histogram) {
    let bins = h.bins();
    let (lo, hi) = h.range;
    let alpha = if h.sets.len() == 1 { 1.0 } else { 0.55 };
    for (i, set) in h.sets.iter().enumerate() {
        let color = series_rgb(i);
        for (b, &count) in set.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let x0 = frame.px(lo + (hi - lo) * b as f64 / bins as f64).round() as i64;
            let x1 = frame
                .px(lo + (hi - lo) * (b + 1) as f64 / bins as f64)
                .round() as i64;
            let y0 = frame.py(count as f64).round() as i64;
            let y1 = frame.py(0.0).round() as i64;
            r.fill((x0, y0, x1, y1), color, alpha);
            // A darker edge between bars.
            let edge = color.map(|c| (f64::from(c) * 0.6) as u8);
            r.fill((x0, y0, x1, y0 + 1), edge, 1.0);
            r.fill((x0, y0, x0 + 1, y1), edge, 0.6);
            r.fill((x1 - 1, y0, x1, y1), edge, 0.6);
        }
    }
}

fn colorbar_label_width(img: &Image) -> i64 {
    let t = ticks::ticks(img.vmin, img.vmax, 8);
    ticks::labels(&t)
        .iter()
        .map(|l| l.chars().count() as i64)
        .max()
        .unwrap_or(1)
}

fn draw_image(r: &mut Raster, frame: &Frame, img: &Image) {
    let (w, h) = (frame.width as usize, frame.height as usize);
    let pixels = decimate::resample(&img.values, (img.rows, img.cols), (h, w));
    let span = (img.vmax - img.vmin).max(f64::MIN_POSITIVE);
    let (x0, y0) = (frame.left as i64, frame.top as i64);
    for (k, &v) in pixels.iter().enumerate() {
        let color = if v.is_finite() {
            img.cmap.rgb((v - img.vmin) / span)
        } else {
            WHITE
        };
        r.blend(x0 + (k % w) as i64, y0 + (k / w) as i64, color, 1.0);
    }
    // The colour bar, vmax at the top.
    let bx = x0 + w as i64 + 16;
    for y in 0..h {
        let t = 1.0 - (y as f64 + 0.5) / h as f64;
        r.fill(
            (bx, y0 + y as i64, bx + 16, y0 + y as i64 + 1),
            img.cmap.rgb(t),
            1.0,
        );
    }
    let (fy0, fy1) = (y0, y0 + h as i64);
    r.fill((bx - 1, fy0 - 1, bx + 17, fy0), BLACK, 1.0);
    r.fill((bx - 1, fy1, bx + 17, fy1 + 1), BLACK, 1.0);
    r.fill((bx - 1, fy0, bx, fy1), BLACK, 1.0);
    r.fill((bx + 16, fy0, bx + 17, fy1), BLACK, 1.0);
    let t = ticks::ticks(img.vmin, img.vmax, 8);
    let char_h = i64::from(TEXT_FONT.character_size.height);
    for (&v, label) in t.iter().zip(ticks::labels(&t)) {
        let y = fy0 + ((img.vmax - v) / span * h as f64).round() as i64;
        r.fill((bx + 16, y, bx + 21, y + 1), BLACK, 1.0);
        r.text(&label, (bx + 24, y - char_h / 2), &TEXT_FONT, BLACK, false);
    }
}

/// A legend box in the top-right corner of the plot, if any series is labelled.
fn legend(r: &mut Raster, spec: &PlotSpec, right: i64, top: i64, char_h: i64) {
    let entries = spec.legend();
    if entries.is_empty() {
        return;
    }
    let text_w = entries
        .iter()
        .map(|(_, l)| text_width(l, &TEXT_FONT))
        .max()
        .unwrap_or(0);
    let row_h = char_h + 6;
    let (w, h) = (text_w + 44, row_h * entries.len() as i64 + 8);
    let (x0, y0) = (right - w - 10, top + 10);
    r.fill((x0, y0, x0 + w, y0 + h), WHITE, 0.9);
    r.fill((x0, y0, x0 + w, y0 + 1), [180; 3], 1.0);
    r.fill((x0, y0 + h - 1, x0 + w, y0 + h), [180; 3], 1.0);
    r.fill((x0, y0, x0 + 1, y0 + h), [180; 3], 1.0);
    r.fill((x0 + w - 1, y0, x0 + w, y0 + h), [180; 3], 1.0);
    for (k, (i, label)) in entries.iter().enumerate() {
        let y = y0 + 4 + row_h * k as i64;
        let mid = y + char_h / 2;
        let color = series_rgb(*i);
        match spec.data {
            PlotData::Line(_) => r.fill((x0 + 8, mid - 1, x0 + 32, mid + 1), color, 1.0),
            _ => r.fill((x0 + 12, mid - 5, x0 + 28, mid + 5), color, 0.9),
        }
        r.text(label, (x0 + 38, y), &TEXT_FONT, BLACK, false);
    }
}

/// Writes the plot to `path` as a PNG image of `size` pixels.
pub fn save(spec: &PlotSpec, path: &std::path::Path, size: (u32, u32)) -> Result<(), String> {
    let bytes = draw(spec, size).png()?;
    let mut file = std::fs::File::create(path)
        .map_err(|e| format!("cannot write '{}': {e}", path.display()))?;
    file.write_all(&bytes)
        .map_err(|e| format!("cannot write '{}': {e}", path.display()))
}
