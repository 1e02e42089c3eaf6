//! A Braille dot canvas: each terminal cell holds 2 × 4 dots, so a plot area of W × H
//! cells has 2W × 4H points of resolution. Each cell remembers the series that drew in it
//! last, for its colour.

/// The bit of each dot of a cell in the Unicode Braille block (U+2800), by column and row.
const DOT_BITS: [[u8; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];

pub struct Braille {
    width: usize,
    height: usize,
    bits: Vec<u8>,
    owner: Vec<usize>,
}

impl Braille {
    /// A blank canvas of `width` × `height` cells.
    pub fn new(width: usize, height: usize) -> Braille {
        Braille {
            width,
            height,
            bits: vec![0; width * height],
            owner: vec![0; width * height],
        }
    }

    /// Dots across and down.
    pub fn dots(&self) -> (usize, usize) {
        (2 * self.width, 4 * self.height)
    }

    /// Sets dot (x, y), counted from the top left, for `series`; dots outside are ignored.
    pub fn set(&mut self, x: i64, y: i64, series: usize) {
        let (w, h) = self.dots();
        if x < 0 || y < 0 || x >= w as i64 || y >= h as i64 {
            return;
        }
        let (x, y) = (x as usize, y as usize);
        let cell = (y / 4) * self.width + x / 2;
        self.bits[cell] |= DOT_BITS[x % 2][y % 4];
        self.owner[cell] = series;
    }

    /// Draws a straight line of dots from (x0, y0) to (x1, y1) (Bresenham).
    pub fn line(&mut self, (x0, y0): (i64, i64), (x1, y1): (i64, i64), series: usize) {
        let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
        let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
        let (mut x, mut y, mut err) = (x0, y0, dx + dy);
        loop {
            self.set(x, y, series);
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    /// The character of cell (column, row) and the series that drew in it, if any dot is
    /// set.
    pub fn cell(&self, column: usize, row: usize) -> Option<(char, usize)> {
        let i = row * self.width + column;
        let bits = self.bits[i];
        (bits != 0).then(|| {
            let c = char::from_u32(0x2800 + u32::from(bits)).expect("Braille block");
            (c, self.owner[i])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_map_to_braille() {
        let mut c = Braille::new(2, 1);
        c.set(0, 0, 0);
        c.set(1, 3, 1);
        assert_eq!(c.cell(0, 0), Some(('⢁', 1)));
        assert_eq!(c.cell(1, 0), None);
        c.line((0, 0), (3, 3), 2);
        assert_eq!(c.cell(0, 0), Some(('\u{2891}', 2)));
        assert_eq!(c.cell(1, 0), Some(('\u{2884}', 2)));
        assert_eq!(c.dots(), (4, 4));
    }
}
