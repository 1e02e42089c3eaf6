//! Loads: filling a node's block from an array (a program input or a buffer) or from an
//! index source (`arange`, `linspace`, random numbers) through a [`View`].
//!
//! A view composed with the source's strides is an affine [`Access`]; the walk hands each
//! load runs of points with a fixed stride, which become slice copies (unit stride),
//! fills (stride 0) or strided gathers. Array reads use raw pointers; they are sound
//! because [`Load::array`] proves, once per kernel, that every index the view can produce
//! is inside the source's shape.

pub(super) use crate::validate::invalid;
use ndarray::ArrayViewD;

use super::elem::{take_vec, Elem};
use super::iter::{Access, Segments};
use crate::block::{Block, BlockElement};
use crate::dtype::{DType, C128};
use crate::error::Result;
use crate::ir::{Literal, NodeId, Source, View};
use crate::value::{each_variant, ArrayRef};

/// Where a load's values come from.
#[derive(Clone, Debug)]
enum Values<'a> {
    Array(ArrayRef<'a>),
    /// `arange` in an integer or bool dtype: exact, wrapping.
    IntRange {
        start: i128,
        step: i128,
    },
    /// `arange` in a float dtype: `start + i*step` in f64.
    FloatRange {
        start: f64,
        step: f64,
    },
    /// `arange` in a complex dtype: `start + i*step` in complex128.
    ComplexRange {
        start: C128,
        step: C128,
    },
    Linspace(Linspace),
    /// Random numbers: the value at flat index `i` is `draw.at(i)`.
    Uniform(crate::random::Uniform),
}

/// NumPy's `linspace(start, stop, num)`, evaluated one index at a time exactly as NumPy
/// evaluates the whole array.
#[derive(Clone, Copy, Debug)]
struct Linspace {
    start: f64,
    stop: f64,
    num: usize,
    delta: f64,
    step: f64,
    div: f64,
}

impl Linspace {
    fn new(start: f64, stop: f64, num: usize) -> Linspace {
        let delta = stop - start;
        let div = num.saturating_sub(1) as f64;
        Linspace {
            start,
            stop,
            num,
            delta,
            step: delta / div,
            div,
        }
    }

    fn at(&self, i: usize) -> f64 {
        let x = i as f64;
        if self.num > 1 && i == self.num - 1 {
            self.stop
        } else if self.num <= 1 {
            // NumPy: no step for one point; `y * delta + start` (so `start` unless delta is
            // not finite).
            x * self.delta + self.start
        } else if self.step == 0.0 {
            // NumPy divides first when the step underflows to 0 (denormal ranges).
            x / self.div * self.delta + self.start
        } else {
            x * self.step + self.start
        }
    }
}

/// One load node of a kernel.
#[derive(Clone, Debug)]
pub(super) struct Load<'a> {
    /// The node's dtype: what `fill` produces.
    dtype: DType,
    values: Values<'a>,
    /// The element offset (arrays) or index (index sources) of each kernel point.
    pub access: Access,
}

impl<'a> Load<'a> {
    /// A load from an input or buffer, after checking that the view stays inside it.
    pub fn array(
        node: NodeId,
        src: ArrayRef<'a>,
        view: &View,
        kernel_shape: &[usize],
    ) -> Result<Load<'a>> {
        crate::validate::view(node, view, src.shape(), kernel_shape)?;
        let access = compose(view, src.strides(), kernel_shape.len());
        Ok(Load {
            dtype: src.dtype(),
            values: Values::Array(src),
            access,
        })
    }

    /// A load from an index source, producing values of `dtype`.
    pub fn index(
        node: NodeId,
        dtype: DType,
        source: &Source,
        view: &View,
        kernel_shape: &[usize],
    ) -> Result<Load<'a>> {
        let (shape, values) = match *source {
            Source::Arange { start, step, len } => {
                let values = match dtype {
                    d if d.is_integral() => Values::IntRange {
                        start: lit_int(start),
                        step: lit_int(step),
                    },
                    d if d.is_float() => Values::FloatRange {
                        start: lit_complex(start).re,
                        step: lit_complex(step).re,
                    },
                    _ => Values::ComplexRange {
                        start: lit_complex(start),
                        step: lit_complex(step),
                    },
                };
                (vec![len], values)
            }
            Source::Linspace { start, stop, num } => {
                (vec![num], Values::Linspace(Linspace::new(start, stop, num)))
            }
            Source::Uniform { draw, ref shape } => (shape.clone(), Values::Uniform(draw)),
            Source::Input(_) | Source::Buffer(_) => {
                return Err(invalid(format!(
                    "node {node}: an array source is not an index source"
                )))
            }
        };
        crate::validate::view(node, view, &shape, kernel_shape)?;
        // The access yields the flat C-order index of each point's source element.
        let mut strides = vec![0isize; shape.len()];
        let mut step = 1isize;
        for (s, &d) in strides.iter_mut().zip(&shape).rev() {
            *s = step;
            step = step.wrapping_mul(d as isize);
        }
        Ok(Load {
            dtype,
            values,
            access: compose(view, &strides, kernel_shape.len()),
        })
    }

    /// Replaces `out` with this load's values at the points of `segs`, whose `access`-th
    /// access is this load's.
    pub fn fill(&self, segs: &Segments, access: usize, out: &mut Block) {
        match &self.values {
            Values::Array(a) => each_variant!(a, ArrayRef, v => gather(v, segs, access, out)),
            _ => crate::dispatch_dtype!(self.dtype, T => self.fill_index::<T>(segs, access, out)),
        }
    }

    fn fill_index<T: Elem>(&self, segs: &Segments, access: usize, out: &mut Block) {
        let mut v = take_vec::<T>(out);
        let stride = segs.inner[access];
        for (off, len) in segs.runs(access) {
            for t in 0..len {
                // In 0..len of the source: checked by `check_view`.
                let i = off.wrapping_add((t as isize).wrapping_mul(stride)) as usize;
                v.push(self.index_value(i));
            }
        }
        *out = <T as BlockElement>::wrap(v);
    }

    fn index_value<T: Elem>(&self, i: usize) -> T {
        match &self.values {
            Values::IntRange { start, step } => {
                // Exact modulo 2^128, hence exact after wrapping to at most 64 bits.
                T::from_int(start.wrapping_add((i as i128).wrapping_mul(*step)))
            }
            Values::FloatRange { start, step } => T::from_float(start + i as f64 * step),
            Values::ComplexRange { start, step } => T::from_complex(start + step * i as f64),
            Values::Linspace(l) => T::from_float(l.at(i)),
            Values::Uniform(u) => T::from_float(u.at(i as u64)),
            // Array loads never get here (see `fill`); a zero keeps this total.
            Values::Array(_) => T::default(),
        }
    }
}

/// Copies the elements of `view` at the points of `segs` into `out`.
fn gather<T: Elem>(view: &ArrayViewD<'_, T>, segs: &Segments, access: usize, out: &mut Block) {
    let mut v = take_vec::<T>(out);
    let ptr = view.as_ptr();
    let stride = segs.inner[access];
    for (off, len) in segs.runs(access) {
        // SAFETY: `Load::array` checked (`check_view`) that for every kernel point each
        // source index the view produces lies in `0..dim` of that source axis, so the
        // point's offset `Σ index[a] * strides[a]` is the offset of an element of `view`.
        // The walk produces `off + t*stride` exactly as that offset for the run's `t`-th
        // point (see `compose` and `iter::Space`), so every read below is of an element of
        // `view`; a unit-stride run is `len` adjacent elements, hence a valid slice.
        unsafe {
            let first = ptr.offset(off);
            match stride {
                1 => v.extend_from_slice(std::slice::from_raw_parts(first, len)),
                0 => v.extend(std::iter::repeat_n(*first, len)),
                _ => v.extend((0..len).map(|t| *first.offset(t as isize * stride))),
            }
        }
    }
    *out = <T as BlockElement>::wrap(v);
}

/// The affine access of a view over a source with `strides`: wrapping arithmetic, exact on
/// every offset that addresses an element (see `iter::Walk::next_block`).
fn compose(view: &View, strides: &[isize], kernel_ndim: usize) -> Access {
    let mut access = Access {
        base: 0,
        strides: vec![0; kernel_ndim],
    };
    for (m, &s) in view.axes.iter().zip(strides) {
        access.base = access.base.wrapping_add((m.start as isize).wrapping_mul(s));
        if let Some(k) = m.kernel_axis {
            access.strides[k] = access.strides[k].wrapping_add(m.step.wrapping_mul(s));
        }
    }
    access
}

fn lit_int(l: Literal) -> i128 {
    match l {
        Literal::Bool(b) => b as i128,
        Literal::Int(i) => i,
        Literal::Float(f) => f as i128,
        Literal::Complex(re, _) => re as i128,
    }
}

fn lit_complex(l: Literal) -> C128 {
    match l {
        Literal::Bool(b) => C128::new(b as u8 as f64, 0.0),
        Literal::Int(i) => C128::new(i as f64, 0.0),
        Literal::Float(f) => C128::new(f, 0.0),
        Literal::Complex(re, im) => C128::new(re, im),
    }
}
