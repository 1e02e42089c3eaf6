//! Reduced stores: per-output-element accumulators fed one block at a time.
//!
//! A reduced store's output element for a kernel point is the point with the reduced axes
//! dropped, an affine access with stride 0 along reduced axes. Each accumulator keeps one
//! state per output element, folds every run of a block into it (a run along a reduced
//! innermost axis folds into a single element), and writes the results at the end.
//!
//! Float and complex sums (and means) use a compensated sum (Knuth's TwoSum, i.e.
//! Neumaier-style) carried in f64: its error is about one rounding of the result, better
//! than NumPy's pairwise sum. float32 is accumulated in f64 too and rounded once at the
//! end. Minimum and maximum follow NumPy's `maximum`/`minimum` (NaN-propagating, complex
//! lexicographic), starting from an identity that never wins against a real element.

use super::elem::{array_slice_mut, Elem};
use super::iter::Segments;
use super::load::invalid;
use super::storage::try_filled;
use crate::block::Block;
use crate::dtype::{DType, C128, C64};
use crate::error::{Error, Result};
use crate::ir::ReduceOp;
use crate::value::Array;

/// The running state of one reduced store.
pub(super) trait Accumulator {
    /// Folds the block `values` (the stored node's values at the points of `segs`) into
    /// the outputs given by `segs`' `access`-th access.
    fn add(&mut self, values: &Block, segs: &Segments, access: usize) -> Result<()>;
    /// Writes the results into `out`, a standard-layout array of the output's dtype.
    fn finish(self: Box<Self>, out: &mut Array) -> Result<()>;
}

/// The accumulator for `op` over values of `dtype`, for `len` outputs each reducing
/// `count` points.
pub(super) fn accumulator(
    op: ReduceOp,
    dtype: DType,
    len: usize,
    count: usize,
) -> Result<Box<dyn Accumulator>> {
    use ReduceOp::*;
    macro_rules! int {
        ($t:ty) => {
            match op {
                Sum => fold::<$t, _>(len, 0, |a, b| a.wrapping_add(b)),
                Prod => fold::<$t, _>(len, 1, |a, b| a.wrapping_mul(b)),
                Min => fold::<$t, _>(len, <$t>::MAX, |a, b| a.min(b)),
                Max => fold::<$t, _>(len, <$t>::MIN, |a, b| a.max(b)),
                Any | All | Mean => Err(unsupported(op, dtype)),
            }
        };
    }
    macro_rules! float {
        ($t:ty) => {
            match op {
                Sum => compensated::<$t>(len, None),
                Mean => compensated::<$t>(len, Some(count)),
                Prod => fold::<$t, _>(len, 1.0, |a, b| a * b),
                Min => fold::<$t, _>(
                    len,
                    <$t>::INFINITY,
                    |a, b| {
                        if a < b || a.is_nan() {
                            a
                        } else {
                            b
                        }
                    },
                ),
                Max => fold::<$t, _>(len, <$t>::NEG_INFINITY, |a, b| {
                    if a > b || a.is_nan() {
                        a
                    } else {
                        b
                    }
                }),
                Any | All => Err(unsupported(op, dtype)),
            }
        };
    }
    macro_rules! complex {
        ($c:ident, $t:ty) => {
            match op {
                Sum => compensated::<$c>(len, None),
                Mean => compensated::<$c>(len, Some(count)),
                Prod => fold::<$c, _>(len, $c::new(1.0, 0.0), |a, b| a * b),
                Min => fold::<$c, _>(len, $c::new(<$t>::INFINITY, <$t>::INFINITY), |a, b| {
                    let le = (a.re < b.re && !a.im.is_nan() && !b.im.is_nan())
                        || (a.re == b.re && a.im <= b.im);
                    if a.re.is_nan() || a.im.is_nan() || le {
                        a
                    } else {
                        b
                    }
                }),
                Max => fold::<$c, _>(
                    len,
                    $c::new(<$t>::NEG_INFINITY, <$t>::NEG_INFINITY),
                    |a, b| {
                        let ge = (a.re > b.re && !a.im.is_nan() && !b.im.is_nan())
                            || (a.re == b.re && a.im >= b.im);
                        if a.re.is_nan() || a.im.is_nan() || ge {
                            a
                        } else {
                            b
                        }
                    },
                ),
                Any | All => Err(unsupported(op, dtype)),
            }
        };
    }
    match dtype {
        // On bool, sum and max are `or`, prod and min are `and` (NumPy's add/multiply/
        // maximum/minimum reduce on bool arrays).
        DType::Bool => match op {
            Any | Sum | Max => fold::<bool, _>(len, false, |a, b| a | b),
            All | Prod | Min => fold::<bool, _>(len, true, |a, b| a & b),
            Mean => Err(unsupported(op, dtype)),
        },
        DType::I8 => int!(i8),
        DType::I16 => int!(i16),
        DType::I32 => int!(i32),
        DType::I64 => int!(i64),
        DType::U8 => int!(u8),
        DType::U16 => int!(u16),
        DType::U32 => int!(u32),
        DType::U64 => int!(u64),
        DType::F32 => float!(f32),
        DType::F64 => float!(f64),
        DType::C64 => complex!(C64, f32),
        DType::C128 => complex!(C128, f64),
    }
}

fn unsupported(op: ReduceOp, dtype: DType) -> Error {
    invalid(format!("{} reduction of a {dtype} node", op.name()))
}

/// Calls `f(output_index, values_of_run, output_stride)` for each run of `segs`, after
/// checking that the run's outputs are inside `0..len`.
fn for_runs<T>(
    values: &[T],
    segs: &Segments,
    access: usize,
    len: usize,
    mut f: impl FnMut(usize, &[T], usize),
) -> Result<()> {
    let stride = segs.inner[access];
    let mut pos = 0;
    for (off, n) in segs.runs(access) {
        let run = values
            .get(pos..pos + n)
            .ok_or_else(|| invalid("a stored block is shorter than its points"))?;
        pos += n;
        let last = (off as i128) + (n as i128 - 1) * stride as i128;
        if off < 0 || stride < 0 || last >= len as i128 {
            return Err(invalid("a reduced store's output offset is out of range"));
        }
        f(off as usize, run, stride as usize);
    }
    Ok(())
}

/// Folds with `f` from an identity: products, minima, maxima, integer sums, any/all.
struct Fold<T, F> {
    acc: Vec<T>,
    f: F,
}

fn fold<T: Elem, F: Fn(T, T) -> T + 'static>(
    len: usize,
    identity: T,
    f: F,
) -> Result<Box<dyn Accumulator>> {
    Ok(Box::new(Fold {
        acc: try_filled(len, identity)?,
        f,
    }))
}

impl<T: Elem, F: Fn(T, T) -> T> Accumulator for Fold<T, F> {
    fn add(&mut self, values: &Block, segs: &Segments, access: usize) -> Result<()> {
        let values = values
            .as_slice::<T>()
            .ok_or_else(|| invalid("a reduced node's block has the wrong dtype"))?;
        let (acc, f) = (&mut self.acc, &self.f);
        let len = acc.len();
        for_runs(values, segs, access, len, |o, run, stride| {
            if stride == 0 {
                let a = &mut acc[o];
                for &x in run {
                    *a = f(*a, x);
                }
            } else {
                for (t, &x) in run.iter().enumerate() {
                    let a = &mut acc[o + t * stride];
                    *a = f(*a, x);
                }
            }
        })
    }

    fn finish(self: Box<Self>, out: &mut Array) -> Result<()> {
        copy_into(out, &self.acc)
    }
}

fn copy_into<T: Elem>(out: &mut Array, values: &[T]) -> Result<()> {
    let out = array_slice_mut::<T>(out)?;
    if out.len() != values.len() {
        return Err(invalid("a reduced store's buffer has the wrong size"));
    }
    out.copy_from_slice(values);
    Ok(())
}

/// A compensated f64 sum: `sum + comp` is the running total to about one rounding.
#[derive(Clone, Copy, Debug, Default)]
struct Kahan {
    sum: f64,
    comp: f64,
}

impl Kahan {
    #[inline]
    fn add(&mut self, x: f64) {
        // TwoSum: `t + err == sum + x` exactly, whatever the magnitudes.
        let t = self.sum + x;
        let bp = t - self.sum;
        let err = (self.sum - (t - bp)) + (x - bp);
        self.sum = t;
        self.comp += err;
    }

    fn value(self) -> f64 {
        // With an infinity or NaN among the terms (or an overflow) the plain sum is the
        // IEEE result; the compensation is then NaN and must not be added.
        if self.sum.is_finite() {
            self.sum + self.comp
        } else {
            self.sum
        }
    }
}

/// Float and complex element types summed with compensation.
trait Inexact: Elem {
    type State: Copy + Default;
    fn add(s: &mut Self::State, x: Self);
    /// The sum, or the mean over `count` points.
    fn result(s: Self::State, count: Option<usize>) -> Self;
}

impl Inexact for f64 {
    type State = Kahan;
    #[inline]
    fn add(s: &mut Kahan, x: f64) {
        s.add(x)
    }
    fn result(s: Kahan, count: Option<usize>) -> f64 {
        match count {
            None => s.value(),
            Some(n) => s.value() / n as f64,
        }
    }
}

impl Inexact for f32 {
    type State = Kahan;
    #[inline]
    fn add(s: &mut Kahan, x: f32) {
        s.add(x as f64)
    }
    fn result(s: Kahan, count: Option<usize>) -> f32 {
        f64::result(s, count) as f32
    }
}

impl Inexact for C128 {
    type State = [Kahan; 2];
    #[inline]
    fn add(s: &mut [Kahan; 2], x: C128) {
        s[0].add(x.re);
        s[1].add(x.im);
    }
    fn result(s: [Kahan; 2], count: Option<usize>) -> C128 {
        C128::new(f64::result(s[0], count), f64::result(s[1], count))
    }
}

impl Inexact for C64 {
    type State = [Kahan; 2];
    #[inline]
    fn add(s: &mut [Kahan; 2], x: C64) {
        s[0].add(x.re as f64);
        s[1].add(x.im as f64);
    }
    fn result(s: [Kahan; 2], count: Option<usize>) -> C64 {
        C64::new(f32::result(s[0], count), f32::result(s[1], count))
    }
}

/// Sums (`count: None`) or means (`Some(points per output)`) of floats and complex.
struct Compensated<T: Inexact> {
    acc: Vec<T::State>,
    count: Option<usize>,
}

fn compensated<T: Inexact>(len: usize, count: Option<usize>) -> Result<Box<dyn Accumulator>> {
    Ok(Box::new(Compensated::<T> {
        acc: try_filled(len, T::State::default())?,
        count,
    }))
}

impl<T: Inexact> Accumulator for Compensated<T> {
    fn add(&mut self, values: &Block, segs: &Segments, access: usize) -> Result<()> {
        let values = values
            .as_slice::<T>()
            .ok_or_else(|| invalid("a reduced node's block has the wrong dtype"))?;
        let acc = &mut self.acc;
        let len = acc.len();
        for_runs(values, segs, access, len, |o, run, stride| {
            if stride == 0 {
                let mut s = acc[o];
                for &x in run {
                    T::add(&mut s, x);
                }
                acc[o] = s;
            } else {
                for (t, &x) in run.iter().enumerate() {
                    T::add(&mut acc[o + t * stride], x);
                }
            }
        })
    }

    fn finish(self: Box<Self>, out: &mut Array) -> Result<()> {
        let out = array_slice_mut::<T>(out)?;
        if out.len() != self.acc.len() {
            return Err(invalid("a reduced store's buffer has the wrong size"));
        }
        for (o, &s) in out.iter_mut().zip(&self.acc) {
            *o = T::result(s, self.count);
        }
        Ok(())
    }
}
