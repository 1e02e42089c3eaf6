//! Buffers: fallible allocation, the caller's output arrays used in place, and copies.

use ndarray::{ArrayD, IxDyn};

use super::elem::{array_slice_mut, Elem};
use super::iter::checked_len;
use super::load::invalid;
use crate::block::Block;
use crate::dtype::DType;
use crate::error::{Error, ErrorKind, Result};
use crate::value::{each_variant, Array, ArrayElement};

/// A program buffer: allocated here, or a caller's standard-layout output array that the
/// kernels write directly (no copy at the end).
#[derive(Debug)]
pub(super) enum Storage<'o> {
    Owned(Array),
    Borrowed(&'o mut Array),
}

impl Storage<'_> {
    pub fn array(&self) -> &Array {
        match self {
            Storage::Owned(a) => a,
            Storage::Borrowed(a) => a,
        }
    }

    pub fn array_mut(&mut self) -> &mut Array {
        match self {
            Storage::Owned(a) => a,
            Storage::Borrowed(a) => a,
        }
    }
}

fn too_large(size: usize, shape: &[usize]) -> Error {
    let bytes = shape
        .iter()
        .try_fold(size as u128, |acc, &d| acc.checked_mul(d as u128));
    let bytes = match bytes {
        Some(b) => b.to_string(),
        None => format!("more than {}", u128::MAX),
    };
    Error::new(
        ErrorKind::TooLarge,
        format!("an array of shape {shape:?} would need {bytes} bytes"),
    )
}

/// A `Vec` of `len` copies of `value`, or `TooLarge` when it cannot be allocated.
pub(super) fn try_filled<T: Clone>(len: usize, value: T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| too_large(std::mem::size_of::<T>(), &[len]))?;
    v.resize(len, value);
    Ok(v)
}

/// A zero-filled, standard-layout array, or `TooLarge` when it cannot be allocated.
pub(super) fn alloc(dtype: DType, shape: &[usize]) -> Result<Array> {
    let len = checked_len(shape).ok_or_else(|| too_large(dtype.size(), shape))?;
    crate::dispatch_dtype!(dtype, T => {
        let v = try_filled(len, T::default()).map_err(|_| too_large(dtype.size(), shape))?;
        // Fails only when the shape's size overflows `isize` (possible with a 0 axis).
        ArrayD::from_shape_vec(IxDyn(shape), v)
            .map(T::wrap)
            .map_err(|_| too_large(dtype.size(), shape))
    })
}

/// Whether the array is in standard (C-contiguous) layout.
pub(super) fn is_standard(a: &Array) -> bool {
    each_variant!(a, Array, x => x.is_standard_layout())
}

/// Copies `src` into `dst` (same dtype and shape; any layouts).
pub(super) fn assign(dst: &mut Array, src: &Array) -> Result<()> {
    fn typed<T: Elem>(dst: &mut Array, src: &Array) -> Result<()> {
        match (T::array_mut(dst), T::unwrap_ref(src)) {
            (Some(d), Some(s)) if d.shape() == s.shape() => {
                d.assign(s);
                Ok(())
            }
            _ => Err(invalid(
                "copying an output between arrays of different types",
            )),
        }
    }
    crate::dispatch_dtype!(src.dtype(), T => typed::<T>(dst, src))
}

/// A fresh copy of `src` in standard layout.
pub(super) fn try_clone(src: &Array) -> Result<Array> {
    let mut a = alloc(src.dtype(), src.shape())?;
    assign(&mut a, src)?;
    Ok(a)
}

/// Writes block `b` at C-order positions `start..start + b.len()` of `out`.
pub(super) fn write_block(out: &mut Array, start: usize, b: &Block) -> Result<()> {
    fn typed<T: Elem>(out: &mut Array, start: usize, v: &[T]) -> Result<()> {
        array_slice_mut::<T>(out)?
            .get_mut(start..start + v.len())
            .ok_or_else(|| invalid("an elementwise store past the end of its buffer"))?
            .copy_from_slice(v);
        Ok(())
    }
    crate::each_block!(b, v => typed(out, start, v))
}
