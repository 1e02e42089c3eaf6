//! A plot as an image in the scrollback: drawn by [`crate::plot::raster`] at the
//! terminal's pixel size (its width in cells times the cell's pixels), encoded by
//! ratatui-image, and put above the inline viewport with `insert_before`, so that it scrolls
//! into the terminal's history with the text around it and later redraws of the viewport
//! never touch it.
//!
//! kitty images are cells (ratatui-image's `Image` widget writes Unicode placeholders that
//! kitty replaces with the image), so they go in as inserted lines. Sixel and iTerm2 images
//! are one escape sequence that paints a block of cells: `insert_before` reserves blank
//! rows, and the sequence is written at their top-left corner. So are kitty's for kitty
//! before 0.28 (no placeholders): transmitted and placed at the cursor in one command
//! ([`kitty_placed`], which ratatui-image does not write).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};

use crossterm::cursor::MoveTo;
use crossterm::queue;
use crossterm::style::Print;
use image::{DynamicImage, RgbImage};
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::text::Line;
use ratatui::widgets::Widget;
use ratatui::Terminal;
use ratatui_image::protocol::iterm2::Iterm2;
use ratatui_image::protocol::kitty::Kitty;
use ratatui_image::protocol::sixel::Sixel;

use super::{Graphics, Protocol};
use crate::plot::{raster, PlotSpec};

/// An encoded image.
#[derive(Clone, Debug, PartialEq)]
pub enum Encoded {
    /// Cells to insert as they are (kitty's placeholders, the first carrying the image).
    Cells(Buffer),
    /// A sequence that paints the image from the cursor down (sixel, iTerm2).
    Escape(String),
}

/// A plot ready for the scrollback.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// The cells it covers.
    pub cols: u16,
    pub rows: u16,
    /// The image's size in pixels.
    pub pixels: (u32, u32),
    pub image: Encoded,
    /// The plot as text, for when the screen has no room for the image (a viewport as
    /// tall as the terminal, or a terminal resized smaller since).
    pub fallback: Vec<Line<'static>>,
}

/// The pixel size of an image covering `cols` × `rows` cells. Sixel images are painted
/// in bands of six pixel rows: the height is rounded down to whole bands, so that the last
/// band cannot spill into the row below.
pub fn pixel_size(g: &Graphics, (cols, rows): (u16, u16)) -> (u32, u32) {
    let w = u32::from(cols) * u32::from(g.cell.0);
    let h = u32::from(rows) * u32::from(g.cell.1);
    match g.protocol {
        Protocol::Sixel => (w, h - h % 6),
        Protocol::Kitty | Protocol::KittyPlaced | Protocol::Iterm2 => (w, h),
    }
}

/// The plot drawn and encoded for `cols` × `rows` cells.
pub fn picture(
    spec: &PlotSpec,
    g: &Graphics,
    (cols, rows): (u16, u16),
    fallback: Vec<Line<'static>>,
) -> Result<Picture, String> {
    let (w, h) = pixel_size(g, (cols, rows));
    if w == 0 || h == 0 {
        return Err("no room for an image".into());
    }
    let raster = raster::draw(spec, (w, h));
    let rgb = RgbImage::from_raw(w, h, raster.rgb8()).ok_or("raster of the wrong size")?;
    let img = DynamicImage::ImageRgb8(rgb);
    let size = Size::new(cols, rows);
    let failed = |e: ratatui_image::errors::Errors| e.to_string();
    let image = match g.protocol {
        Protocol::Kitty => {
            let kitty = Kitty::new(img, size, image_id(), g.tmux, g.compress).map_err(failed)?;
            let protocol = ratatui_image::protocol::Protocol::Kitty(kitty);
            let mut cells = Buffer::empty(Rect::new(0, 0, cols, rows));
            ratatui_image::Image::new(&protocol).render(cells.area, &mut cells);
            Encoded::Cells(cells)
        }
        Protocol::KittyPlaced => Encoded::Escape(kitty_placed(
            img.as_bytes(),
            (w, h),
            (cols, rows),
            g.compress,
        )),
        Protocol::Sixel => Encoded::Escape(Sixel::new(img, size, g.tmux).map_err(failed)?.data),
        Protocol::Iterm2 => Encoded::Escape(Iterm2::new(img, size, g.tmux).map_err(failed)?.data),
    };
    Ok(Picture {
        cols,
        rows,
        pixels: (w, h),
        image,
        fallback,
    })
}

/// kitty's graphics command that transmits RGB pixels and shows them at the cursor,
/// scaled to `cols` × `rows` cells, leaving the cursor where it was (`C=1`) and asking
/// for no reply (`q=2`); the base64 payload goes in chunks of 4096 bytes, as the
/// protocol requires.
pub fn kitty_placed(
    rgb: &[u8],
    (w, h): (u32, u32),
    (cols, rows): (u16, u16),
    zlib: bool,
) -> String {
    let payload = if zlib {
        crate::session::base64::encode(&miniz_oxide::deflate::compress_to_vec_zlib(rgb, 1))
    } else {
        crate::session::base64::encode(rgb)
    };
    let chunks: Vec<&[u8]> = payload.as_bytes().chunks(4096).collect();
    let mut out = String::with_capacity(payload.len() + chunks.len() * 16 + 80);
    for (i, chunk) in chunks.iter().enumerate() {
        let more = u8::from(i + 1 < chunks.len());
        let chunk = std::str::from_utf8(chunk).expect("base64 is ASCII");
        if i == 0 {
            let o = if zlib { "o=z," } else { "" };
            out.push_str(&format!(
                "\x1b_Gq=2,a=T,f=24,{o}s={w},v={h},c={cols},r={rows},C=1,m={more};{chunk}\x1b\\"
            ));
        } else {
            out.push_str(&format!("\x1b_Gm={more};{chunk}\x1b\\"));
        }
    }
    out
}

/// A kitty image id, random so that images of other programs (and of other vex
/// sessions in the same kitty window) are not replaced; never 0, which kitty reserves.
fn image_id() -> u32 {
    let random = RandomState::new().build_hasher().finish();
    (random as u32).max(1)
}

/// Whether the picture fits above a viewport of `viewport_rows` rows in a terminal of
/// `size` cells: it must be wholly on the screen when it is written.
pub fn fits(picture: &Picture, viewport_rows: u16, (cols, rows): (u16, u16)) -> bool {
    picture.cols <= cols && picture.rows + viewport_rows <= rows
}

/// Inserts the picture above the inline viewport (check [`fits`] first).
pub fn insert<B>(terminal: &mut Terminal<B>, picture: &Picture) -> io::Result<()>
where
    B: Backend<Error = io::Error> + Write,
{
    match &picture.image {
        Encoded::Cells(cells) => terminal.insert_before(picture.rows, |buf| {
            for y in 0..picture.rows.min(buf.area.height) {
                for x in 0..picture.cols.min(buf.area.width) {
                    buf[(x, y)] = cells[(x, y)].clone();
                }
            }
        }),
        Encoded::Escape(sequence) => {
            terminal.insert_before(picture.rows, |_| {})?;
            // The reserved rows are now the ones right above the viewport.
            let top = terminal.get_frame().area().top();
            let backend = terminal.backend_mut();
            queue!(
                backend,
                MoveTo(0, top.saturating_sub(picture.rows)),
                Print(sequence),
                MoveTo(0, top)
            )?;
            Write::flush(backend)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use ratatui::backend::{ClearType, TestBackend, WindowSize};
    use ratatui::buffer::Cell;
    use ratatui::layout::Position;
    use ratatui::{TerminalOptions, Viewport};

    use super::*;
    use crate::session::{Notice, Output, Session};

    /// A backend that keeps the screen as ratatui's test backend does and records the
    /// bytes written to it directly.
    struct Recorder {
        screen: TestBackend,
        bytes: Vec<u8>,
    }

    fn ok<T>(r: Result<T, Infallible>) -> io::Result<T> {
        r.map_err(|e| match e {})
    }

    impl Write for Recorder {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.bytes.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Backend for Recorder {
        type Error = io::Error;
        fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
        where
            I: Iterator<Item = (u16, u16, &'a Cell)>,
        {
            ok(self.screen.draw(content))
        }
        fn append_lines(&mut self, n: u16) -> io::Result<()> {
            ok(self.screen.append_lines(n))
        }
        fn hide_cursor(&mut self) -> io::Result<()> {
            ok(self.screen.hide_cursor())
        }
        fn show_cursor(&mut self) -> io::Result<()> {
            ok(self.screen.show_cursor())
        }
        fn get_cursor_position(&mut self) -> io::Result<Position> {
            ok(self.screen.get_cursor_position())
        }
        fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> io::Result<()> {
            ok(self.screen.set_cursor_position(p))
        }
        fn clear(&mut self) -> io::Result<()> {
            ok(self.screen.clear())
        }
        fn clear_region(&mut self, t: ClearType) -> io::Result<()> {
            ok(self.screen.clear_region(t))
        }
        fn size(&self) -> io::Result<Size> {
            ok(self.screen.size())
        }
        fn window_size(&mut self) -> io::Result<WindowSize> {
            ok(self.screen.window_size())
        }
        fn flush(&mut self) -> io::Result<()> {
            ok(Backend::flush(&mut self.screen))
        }
        fn scroll_region_up(&mut self, r: std::ops::Range<u16>, n: u16) -> io::Result<()> {
            ok(self.screen.scroll_region_up(r, n))
        }
        fn scroll_region_down(&mut self, r: std::ops::Range<u16>, n: u16) -> io::Result<()> {
            ok(self.screen.scroll_region_down(r, n))
        }
    }

    /// A 40 × 20 terminal with a 2-row viewport below two lines of earlier output.
    fn terminal() -> Terminal<Recorder> {
        let mut screen = TestBackend::new(40, 20);
        screen.set_cursor_position((0, 2)).unwrap();
        let mut t = Terminal::with_options(
            Recorder {
                screen,
                bytes: Vec::new(),
            },
            TerminalOptions {
                viewport: Viewport::Inline(2),
            },
        )
        .unwrap();
        t.insert_before(1, |buf| Line::raw(">>> plot(x)").render(buf.area, buf))
            .unwrap();
        t.backend_mut().bytes.clear();
        t
    }

    fn spec() -> PlotSpec {
        let mut s = Session::new();
        match s.submit("x = linspace(0, 6, 50); plot(x, sin(x))").pop() {
            Some(Notice::Cell(c)) => match &c.outputs[0] {
                Output::Plot(spec) => spec.clone(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    fn graphics(protocol: Protocol) -> Graphics {
        Graphics {
            protocol,
            cell: (8, 17),
            tmux: false,
            compress: false,
        }
    }

    fn row(t: &Terminal<Recorder>, y: u16) -> String {
        let buf = t.backend().screen.buffer();
        (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
    }

    /// Writes the picture and checks the rows it reserved: returns the bytes written
    /// besides ratatui's cells.
    fn inserted(picture: &Picture) -> (Terminal<Recorder>, String) {
        let mut t = terminal();
        let top_before = t.get_frame().area().top();
        assert!(fits(picture, 2, (40, 20)));
        insert(&mut t, picture).unwrap();
        let top = t.get_frame().area().top();
        assert_eq!(top, top_before + picture.rows, "the viewport moved down");
        assert_eq!(row(&t, top - picture.rows - 1).trim_end(), ">>> plot(x)");
        let bytes = String::from_utf8(t.backend().bytes.clone()).unwrap();
        (t, bytes)
    }

    #[test]
    fn sixel_images_are_written_into_reserved_rows() {
        let g = graphics(Protocol::Sixel);
        let p = picture(&spec(), &g, (40, 6), Vec::new()).unwrap();
        // 6 rows of 17 px: 102, already whole bands; 40 columns of 8 px.
        assert_eq!(p.pixels, (320, 102));
        let Encoded::Escape(seq) = &p.image else {
            panic!("{:?}", p.image)
        };
        let (mut t, bytes) = inserted(&p);
        let top = t.get_frame().area().top();
        for y in top - 6..top {
            assert_eq!(row(&t, y).trim(), "", "row {y} is reserved (blank)");
        }
        // The cursor goes to the reserved block's top-left corner (1-based in the
        // sequence), the image is painted, and the cursor comes back to the viewport.
        let at = format!("\x1b[{};1H", top - 6 + 1);
        let back = format!("\x1b[{};1H", top + 1);
        assert_eq!(bytes, format!("{at}{seq}{back}"));
        let dcs = seq.find("\x1bP").expect("a device control string");
        assert!(seq.ends_with("\x1b\\"), "{:?}", &seq[seq.len() - 10..]);
        // Raster attributes: 1:1 pixels, 320 × 102.
        assert!(
            seq[dcs..].contains("\"1;1;320;102"),
            "{:?}",
            &seq[..dcs + 40]
        );
        // Before it, the block is blanked without moving the cursor for good.
        assert!(
            seq[..dcs].starts_with("\x1b[40X\x1b[1B"),
            "{:?}",
            &seq[..dcs]
        );
        assert!(seq[..dcs].ends_with("\x1b[6A"), "{:?}", &seq[..dcs]);

        // Heights that are not whole bands are rounded down.
        let p = picture(&spec(), &graphics(Protocol::Sixel), (10, 5), Vec::new()).unwrap();
        assert_eq!(p.pixels, (80, 84));
    }

    #[test]
    fn iterm2_images_are_pngs_of_the_cells_pixels() {
        let p = picture(&spec(), &graphics(Protocol::Iterm2), (40, 6), Vec::new()).unwrap();
        assert_eq!(p.pixels, (320, 102));
        let Encoded::Escape(seq) = &p.image else {
            panic!("{:?}", p.image)
        };
        let (_, bytes) = inserted(&p);
        assert!(bytes.contains(seq.as_str()));
        let start = seq.find("\x1b]1337;File=inline=1;").expect("OSC 1337");
        let header_end = start + seq[start..].find(':').unwrap();
        let header = &seq[start..header_end];
        assert!(
            header.contains(";width=320px;height=102px;doNotMoveCursor=1"),
            "{header}"
        );
        assert!(seq.ends_with('\x07'));
        let png = crate::session::base64::decode(&seq[header_end + 1..seq.len() - 1]).unwrap();
        let size: usize = header
            .split(';')
            .find_map(|kv| kv.strip_prefix("size="))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(png.len(), size);
        let reader = png::Decoder::new(io::Cursor::new(png)).read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (320, 102));
    }

    #[test]
    fn kitty_images_are_placeholder_cells() {
        let p = picture(&spec(), &graphics(Protocol::Kitty), (40, 6), Vec::new()).unwrap();
        assert_eq!(p.pixels, (320, 102));
        let Encoded::Cells(cells) = &p.image else {
            panic!("escape")
        };
        let first = cells[(0, 0)].symbol();
        assert!(first.starts_with("\x1b_Gq=2,i="), "{:?}", &first[..30]);
        assert!(first.contains(",a=T,U=1,f=32,t=d,s=320,v=102,"));
        let (mut t, bytes) = inserted(&p);
        assert_eq!(bytes, "", "everything goes through ratatui's cells");
        let top = t.get_frame().area().top();
        let buf = t.backend().screen.buffer();
        for y in top - 6..top {
            for x in 0..40 {
                assert!(
                    buf[(x, y)].symbol().contains('\u{10EEEE}'),
                    "placeholder at ({x}, {y})"
                );
            }
        }
        assert!(buf[(0, top - 6)].symbol().starts_with("\x1b_G"));

        // Where kitty takes zlib-compressed pixels, a plot's flat colours shrink.
        let raw_len = first.len();
        let g = Graphics {
            compress: true,
            ..graphics(Protocol::Kitty)
        };
        let p = picture(&spec(), &g, (40, 6), Vec::new()).unwrap();
        let Encoded::Cells(cells) = &p.image else {
            panic!("escape")
        };
        let first = cells[(0, 0)].symbol();
        assert!(
            first.contains(",a=T,U=1,f=32,o=z,t=d,s=320,v=102,"),
            "{:?}",
            &first[..60]
        );
        assert!(
            first.len() * 10 < raw_len,
            "{} of {raw_len} bytes",
            first.len()
        );
    }

    #[test]
    fn old_kitty_images_are_placed_in_reserved_rows() {
        for zlib in [false, true] {
            let g = Graphics {
                compress: zlib,
                ..graphics(Protocol::KittyPlaced)
            };
            let p = picture(&spec(), &g, (40, 6), Vec::new()).unwrap();
            let Encoded::Escape(seq) = &p.image else {
                panic!("cells")
            };
            let (mut t, bytes) = inserted(&p);
            let top = t.get_frame().area().top();
            let at = format!("\x1b[{};1H", top - 6 + 1);
            assert_eq!(bytes, format!("{at}{seq}\x1b[{};1H", top + 1));
            // Chunks: the first carries the command, each ends the escape, the last m=0.
            let chunks: Vec<&str> = seq.split("\x1b\\").filter(|c| !c.is_empty()).collect();
            assert!(chunks.len() > 1, "{} chunks", chunks.len());
            let o = if zlib { "o=z," } else { "" };
            let head = format!("\x1b_Gq=2,a=T,f=24,{o}s=320,v=102,c=40,r=6,C=1,m=1;");
            assert!(chunks[0].starts_with(&head), "{:?}", &chunks[0][..60]);
            let mut payload = String::new();
            for (i, c) in chunks.iter().enumerate() {
                let (control, data) = c.split_once(';').unwrap();
                if i > 0 {
                    let m = if i + 1 < chunks.len() { "m=1" } else { "m=0" };
                    assert_eq!(control, format!("\x1b_G{m}"));
                }
                assert!(data.len() <= 4096);
                payload.push_str(data);
            }
            let bytes = crate::session::base64::decode(&payload).unwrap();
            let rgb = if zlib {
                miniz_oxide::inflate::decompress_to_vec_zlib(&bytes).unwrap()
            } else {
                bytes
            };
            assert_eq!(rgb, raster::draw(&spec(), (320, 102)).rgb8());
        }
    }

    #[test]
    fn pictures_that_do_not_fit_are_refused() {
        let p = picture(&spec(), &graphics(Protocol::Sixel), (40, 10), Vec::new()).unwrap();
        assert!(fits(&p, 2, (40, 20)));
        assert!(!fits(&p, 11, (40, 20)), "a tall viewport");
        assert!(!fits(&p, 2, (30, 20)), "a narrower terminal");
    }
}
