//! Reducing plot data to what a picture can show, before it is stored: a plot of 10^8
//! points keeps a few thousand, chosen so that nothing visible is lost.
//!
//! - Lines: the index range is cut into [`LINE_BUCKETS`] buckets, and each keeps its first,
//!   last, lowest and highest point, in their order (the "M4" reduction). Drawn at up to
//!   that many columns, the line covers exactly the pixels the full line would.
//! - Scatter: up to [`SCATTER_MAX`] points are kept as they are; beyond that, one point per
//!   occupied cell of a [`SCATTER_GRID`]² grid over the data, so that outliers stay.
//! - Histograms are bin counts; images are block averages to at most [`IMAGE_MAX`] a side.
//!
//! Non-finite values are gaps: they are stored as NaN and skipped by ranges.

use super::spec::{HistSet, Histogram};

/// Buckets of a decimated line (4 points each at most).
pub const LINE_BUCKETS: usize = 2048;
/// Scatter series up to this size are stored whole.
pub const SCATTER_MAX: usize = 20_000;
/// The grid of a larger scatter series: one point per occupied cell.
pub const SCATTER_GRID: usize = 256;
/// Images are block-averaged to at most this many rows and columns.
pub const IMAGE_MAX: usize = 512;

/// `v`, or NaN where it is infinite.
fn finite_or_nan(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        f64::NAN
    }
}

/// The x value of point `i`: `x[i]`, or `i` itself for a plot against the index.
fn x_at(x: Option<&[f64]>, i: usize) -> f64 {
    x.map_or(i as f64, |x| x[i])
}

/// A line series reduced to at most 4 points per bucket (see the module documentation).
/// `x` is `None` for a plot against the index; otherwise it has `y`'s length.
pub fn line(x: Option<&[f64]>, y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = y.len();
    if n <= 4 * LINE_BUCKETS {
        let xs = (0..n).map(|i| finite_or_nan(x_at(x, i))).collect();
        let ys = y.iter().map(|&v| finite_or_nan(v)).collect();
        return (xs, ys);
    }
    let mut xs = Vec::with_capacity(4 * LINE_BUCKETS);
    let mut ys = Vec::with_capacity(4 * LINE_BUCKETS);
    for b in 0..LINE_BUCKETS {
        let (start, end) = (b * n / LINE_BUCKETS, (b + 1) * n / LINE_BUCKETS);
        let mut keep = [usize::MAX; 4]; // first, lowest, highest, last (finite points)
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut gap = false;
        for (i, &v) in y.iter().enumerate().take(end).skip(start) {
            if !(v.is_finite() && x_at(x, i).is_finite()) {
                gap = true;
                continue;
            }
            if keep[0] == usize::MAX {
                keep[0] = i;
            }
            keep[3] = i;
            if v < lo {
                lo = v;
                keep[1] = i;
            }
            if v > hi {
                hi = v;
                keep[2] = i;
            }
        }
        keep.sort_unstable();
        let mut last = usize::MAX;
        for &i in keep.iter().filter(|&&i| i != usize::MAX) {
            if i != last {
                xs.push(x_at(x, i));
                ys.push(y[i]);
                last = i;
            }
        }
        if gap {
            // The line is broken somewhere in the bucket; a NaN point breaks it there.
            xs.push(f64::NAN);
            ys.push(f64::NAN);
        }
    }
    (xs, ys)
}

/// A scatter series: whole up to [`SCATTER_MAX`] finite points, else the first point of
/// each occupied cell of a [`SCATTER_GRID`]² grid over the finite points' bounds.
pub fn scatter(x: Option<&[f64]>, y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let finite = |i: usize| x_at(x, i).is_finite() && y[i].is_finite();
    let count = (0..y.len()).filter(|&i| finite(i)).count();
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    if count <= SCATTER_MAX {
        for i in (0..y.len()).filter(|&i| finite(i)) {
            xs.push(x_at(x, i));
            ys.push(y[i]);
        }
        return (xs, ys);
    }
    let xr = bounds((0..y.len()).filter(|&i| finite(i)).map(|i| x_at(x, i)));
    let yr = bounds((0..y.len()).filter(|&i| finite(i)).map(|i| y[i]));
    let (Some(xr), Some(yr)) = (xr, yr) else {
        return (xs, ys);
    };
    let cell = |v: f64, (lo, hi): (f64, f64)| {
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
        ((t * SCATTER_GRID as f64) as usize).min(SCATTER_GRID - 1)
    };
    let mut seen = vec![false; SCATTER_GRID * SCATTER_GRID];
    for i in (0..y.len()).filter(|&i| finite(i)) {
        let k = cell(y[i], yr) * SCATTER_GRID + cell(x_at(x, i), xr);
        if !seen[k] {
            seen[k] = true;
            xs.push(x_at(x, i));
            ys.push(y[i]);
        }
    }
    (xs, ys)
}

/// The least and greatest of the finite values, if any.
pub fn bounds(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Bin counts of every data set over `bins` equal bins spanning the finite values of all
/// (NumPy's rule: the last bin includes its right edge). All values equal gives a range of
/// one around them.
pub fn histogram(sets: &[(Option<String>, &[f64])], bins: usize) -> Histogram {
    let all = sets.iter().flat_map(|(_, v)| v.iter().copied());
    let (lo, hi) = match bounds(all) {
        Some((lo, hi)) if hi > lo => (lo, hi),
        Some((v, _)) => (v - 0.5, v + 0.5),
        None => (0.0, 1.0),
    };
    let width = (hi - lo) / bins as f64;
    let sets = sets
        .iter()
        .map(|(label, values)| {
            let mut counts = vec![0u64; bins];
            let mut skipped = 0;
            for &v in values.iter() {
                if !v.is_finite() {
                    skipped += 1;
                    continue;
                }
                let b = (((v - lo) / width) as usize).min(bins - 1);
                counts[b] += 1;
            }
            HistSet {
                label: label.clone(),
                counts,
                skipped,
            }
        })
        .collect();
    Histogram {
        range: (lo, hi),
        sets,
    }
}

/// `values` (row-major, `rows` × `cols`) resampled to `out_rows` × `out_cols`: each output
/// value is the mean of the finite inputs its block covers (NaN if none), or the nearest
/// input when enlarging.
pub fn resample(
    values: &[f64],
    (rows, cols): (usize, usize),
    (out_rows, out_cols): (usize, usize),
) -> Vec<f64> {
    let span = |o: usize, outs: usize, ins: usize| {
        let start = o * ins / outs;
        let end = ((o + 1) * ins / outs).max(start + 1).min(ins);
        start..end
    };
    let mut out = Vec::with_capacity(out_rows * out_cols);
    for r in 0..out_rows {
        let rs = span(r, out_rows, rows);
        for c in 0..out_cols {
            let cs = span(c, out_cols, cols);
            let (mut sum, mut n) = (0.0, 0u64);
            for i in rs.clone() {
                for &v in &values[i * cols + cs.start..i * cols + cs.end] {
                    if v.is_finite() {
                        sum += v;
                        n += 1;
                    }
                }
            }
            out.push(if n > 0 { sum / n as f64 } else { f64::NAN });
        }
    }
    out
}

/// The stored shape of an image of `shape`: at most [`IMAGE_MAX`] each way.
pub fn image_shape((rows, cols): (usize, usize)) -> (usize, usize) {
    (rows.min(IMAGE_MAX), cols.min(IMAGE_MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_keeps_every_buckets_extremes() {
        let n = 10_000_000;
        // A noisy, non-periodic signal: extremes fall anywhere in a bucket.
        let y: Vec<f64> = (0..n)
            .map(|i| {
                let t = i as f64;
                (t * 1e-5).sin() + 0.3 * (t * 0.7331).sin() * (t * 1.3e-6).cos()
            })
            .collect();
        let (xs, ys) = line(None, &y);
        assert!(xs.len() <= 4 * LINE_BUCKETS && xs.len() >= 2 * LINE_BUCKETS);
        assert_eq!(ys[0], y[0]);
        assert_eq!(*ys.last().unwrap(), y[n - 1]);
        for b in 0..LINE_BUCKETS {
            let (start, end) = (b * n / LINE_BUCKETS, (b + 1) * n / LINE_BUCKETS);
            let bucket = &y[start..end];
            let lo = bucket.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = bucket.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lo_at = start + bucket.iter().position(|&v| v == lo).unwrap();
            let hi_at = start + bucket.iter().position(|&v| v == hi).unwrap();
            for (at, v) in [(lo_at, lo), (hi_at, hi)] {
                // The kept point is the original one, at its own index (x).
                let k = xs.iter().position(|&x| x == at as f64);
                assert_eq!(k.map(|k| ys[k]), Some(v), "bucket {b}: {v} at {at}");
            }
        }
        // Points stay in index order.
        assert!(xs.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn gaps_survive_decimation() {
        let mut y: Vec<f64> = (0..100_000).map(|i| i as f64).collect();
        y[50_000] = f64::NAN;
        y[70_000] = f64::INFINITY;
        let (_, ys) = line(None, &y);
        assert_eq!(ys.iter().filter(|v| v.is_nan()).count(), 2);
        let (_, ys) = line(None, &[1.0, f64::INFINITY, 3.0]);
        assert!(ys[1].is_nan() && ys[2] == 3.0);
    }

    #[test]
    fn scatter_is_bounded_and_keeps_outliers() {
        let n: usize = 1_000_000;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % n) as f64 / n as f64).collect();
        let mut y: Vec<f64> = (0..n)
            .map(|i| ((i * 104_729) % n) as f64 / n as f64)
            .collect();
        y[123] = 3.0; // one outlier, far from the rest
        let (xs, ys) = scatter(Some(&x), &y);
        assert!(xs.len() <= SCATTER_GRID * SCATTER_GRID, "{}", xs.len());
        assert!(xs.len() > 10_000, "{}", xs.len());
        assert!(ys.contains(&3.0));
        let (xs, _) = scatter(None, &[1.0, f64::NAN, 2.0]);
        assert_eq!(xs, [0.0, 2.0]);
    }

    #[test]
    fn histogram_counts_like_numpy() {
        let a = [0.0, 0.5, 1.0, 1.0, 2.0, 3.0, 4.0, f64::NAN];
        let h = histogram(&[(None, &a[..])], 4);
        assert_eq!(h.range, (0.0, 4.0));
        // numpy.histogram([0, .5, 1, 1, 2, 3, 4], 4) -> [2, 2, 1, 2]
        assert_eq!(h.sets[0].counts, [2, 2, 1, 2]);
        assert_eq!(h.sets[0].skipped, 1);
        let h = histogram(&[(None, &[5.0, 5.0][..])], 2);
        assert_eq!((h.range, &h.sets[0].counts[..]), ((4.5, 5.5), &[0, 2][..]));
    }

    #[test]
    fn resampling_averages_blocks() {
        let v: Vec<f64> = (0..16).map(f64::from).collect(); // 4 x 4
        assert_eq!(
            resample(&v, (4, 4), (2, 2)),
            [2.5, 4.5, 10.5, 12.5] // means of the 2 x 2 blocks
        );
        let mut w = v.clone();
        w[0] = f64::NAN;
        assert_eq!(resample(&w, (4, 4), (2, 2))[0], (1.0 + 4.0 + 5.0) / 3.0);
        assert_eq!(
            resample(&[1.0, 2.0], (1, 2), (2, 4)),
            [1., 1., 2., 2., 1., 1., 2., 2.]
        );
    }
}
