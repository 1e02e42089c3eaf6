//! A kernel's iteration space and the walk over it in blocks.
//!
//! Every array access of a kernel (a load through a view, a reduced store) is affine in the
//! kernel point: `offset = base + Σ point[k] * strides[k]`. Before walking, the space is
//! *coalesced* the way NumPy's iterator does it: length-1 axes are dropped and adjacent
//! axes merged wherever every access agrees they are one run, so that a contiguous 2-D
//! array, or a `(n, 1)` shape, walks as one long axis. Coalescing never reorders axes, so
//! the walk stays in the kernel's C order and the `i`-th point walked is the `i`-th point
//! in C order.
//!
//! A block of points is described as [`Segments`]: runs along the innermost axis, each with
//! the offset of its first point in every access. Loads and reductions then work one run at
//! a time with a fixed stride, which keeps the per-point work to a copy or a fold.

use crate::block::BLOCK_LEN;
use crate::error::{Error, ErrorKind, Result};
pub(super) use crate::validate::checked_len;

/// One affine access: the element offset of a point is `base + Σ point[k] * strides[k]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Access {
    pub base: isize,
    /// One stride per kernel axis (per coalesced axis once inside a [`Space`]).
    pub strides: Vec<isize>,
}

/// A coalesced iteration space with its accesses.
#[derive(Clone, Debug)]
pub(super) struct Space {
    /// Never empty: a 0-d kernel walks as one axis of length 1.
    shape: Vec<usize>,
    accesses: Vec<Access>,
    len: usize,
}

impl Space {
    /// Coalesces `shape` for `accesses` (each with one stride per axis of `shape`).
    ///
    /// Fails with `TooLarge` when the number of points does not fit in `usize`.
    pub fn new(shape: &[usize], accesses: Vec<Access>) -> Result<Space> {
        let len = checked_len(shape).ok_or_else(|| {
            Error::new(
                ErrorKind::TooLarge,
                format!("iteration space {shape:?} has more than usize::MAX points"),
            )
        })?;
        let mut dims: Vec<usize> = Vec::new();
        let mut merged: Vec<Vec<isize>> = vec![Vec::new(); accesses.len()];
        for (k, &n) in shape.iter().enumerate() {
            if n == 1 {
                // The index along a length-1 axis is always 0: the axis contributes nothing.
                continue;
            }
            let can_merge = len > 0
                && !dims.is_empty()
                && accesses
                    .iter()
                    .zip(&merged)
                    .all(|(a, m)| m.last().copied() == (a.strides[k]).checked_mul(n as isize));
            if can_merge {
                let last = dims.len() - 1;
                dims[last] *= n;
                for (a, m) in accesses.iter().zip(merged.iter_mut()) {
                    m[last] = a.strides[k];
                }
            } else {
                dims.push(n);
                for (a, m) in accesses.iter().zip(merged.iter_mut()) {
                    m.push(a.strides[k]);
                }
            }
        }
        if dims.is_empty() {
            dims.push(1);
            merged.iter_mut().for_each(|m| m.push(0));
        }
        let accesses = accesses
            .into_iter()
            .zip(merged)
            .map(|(a, strides)| Access {
                base: a.base,
                strides,
            })
            .collect();
        Ok(Space {
            shape: dims,
            accesses,
            len,
        })
    }

    /// Number of points (for tests).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The coalesced shape (for tests).
    #[cfg(test)]
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// A walk over all points in blocks of at most [`BLOCK_LEN`].
    pub fn walk(&self) -> Walk<'_> {
        Walk {
            space: self,
            index: vec![0; self.shape.len()],
            done: 0,
        }
    }
}

/// The points of one block as runs along the innermost axis.
#[derive(Clone, Debug, Default)]
pub(super) struct Segments {
    naccess: usize,
    /// The number of points in each run.
    pub lens: Vec<usize>,
    /// Run-major: the offset of the run's first point in each access.
    offsets: Vec<isize>,
    /// The stride of each access along the innermost axis (the same for every run).
    pub inner: Vec<isize>,
}

impl Segments {
    /// The offset of run `seg`'s first point in `access`.
    pub fn offset(&self, seg: usize, access: usize) -> isize {
        self.offsets[seg * self.naccess + access]
    }

    /// `(offset, len)` of each run, for one access.
    pub fn runs(&self, access: usize) -> impl Iterator<Item = (isize, usize)> + '_ {
        self.lens
            .iter()
            .enumerate()
            .map(move |(s, &len)| (self.offset(s, access), len))
    }
}

/// An in-progress walk; see [`Space::walk`].
pub(super) struct Walk<'s> {
    space: &'s Space,
    /// The multi-index of the next point.
    index: Vec<usize>,
    done: usize,
}

impl Walk<'_> {
    /// Describes the next block in `segs`; returns its number of points, 0 when the walk
    /// is over.
    pub fn next_block(&mut self, segs: &mut Segments) -> usize {
        let space = self.space;
        let n = BLOCK_LEN.min(space.len - self.done);
        let naccess = space.accesses.len();
        let inner_axis = space.shape.len() - 1;
        segs.naccess = naccess;
        segs.lens.clear();
        segs.offsets.clear();
        segs.inner.clear();
        segs.inner
            .extend(space.accesses.iter().map(|a| a.strides[inner_axis]));
        let mut remaining = n;
        while remaining > 0 {
            let len = remaining.min(space.shape[inner_axis] - self.index[inner_axis]);
            segs.lens.push(len);
            for a in &space.accesses {
                // Wrapping is exact here: the true offset of every walked point fits in
                // `isize` (it addresses an element), and wrapping arithmetic agrees with
                // exact arithmetic on every result that fits.
                let off = self
                    .index
                    .iter()
                    .zip(&a.strides)
                    .fold(a.base, |acc, (&i, &s)| {
                        acc.wrapping_add((i as isize).wrapping_mul(s))
                    });
                segs.offsets.push(off);
            }
            remaining -= len;
            self.advance(len);
        }
        self.done += n;
        n
    }

    /// Moves the index `len` points along the innermost axis (not past its end), carrying
    /// into outer axes at the end of a run.
    fn advance(&mut self, len: usize) {
        let shape = &self.space.shape;
        let mut k = shape.len() - 1;
        self.index[k] += len;
        while self.index[k] == shape[k] && k > 0 {
            self.index[k] = 0;
            k -= 1;
            self.index[k] += 1;
        }
    }
}
