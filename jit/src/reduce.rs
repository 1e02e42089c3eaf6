//! Reduction accumulators on the Rust side: allocation at the identity, merging per-chunk
//! partials in a fixed order, and writing the results.
//!
//! Compiled code folds points into these arrays (see `codegen`). When the parallel axis
//! is reduced, each chunk of it gets its own partial accumulators and the partials are
//! merged in chunk order; chunk boundaries depend only on the kernel's sizes, never on
//! the thread count, so results are bit-identical whatever the number of threads.
//!
//! Float sums use Neumaier's compensated sum in f64 (as the interpreter does): its error
//! is about one rounding of the result, better than NumPy's pairwise sum.

use vex_expr::{DType, Error, ErrorKind, C128, C64};

use crate::layout::{AccKind, FoldOp};

/// The accumulators of one reduced store (one output element each).
pub(crate) enum Acc {
    /// Sum and compensation of each output.
    Kahan {
        sum: Vec<f64>,
        comp: Vec<f64>,
        mean: bool,
    },
    /// The running fold of each output, as raw elements of `dtype` (8-byte aligned).
    Fold {
        op: FoldOp,
        dtype: DType,
        words: Vec<u64>,
        len: usize,
    },
}

/// Element types the folds run on.
trait FoldElem: Copy {
    fn identity(op: FoldOp) -> Self;
    fn fold(op: FoldOp, a: Self, b: Self) -> Self;
}

macro_rules! int_fold {
    ($($t:ty),*) => {$(
        impl FoldElem for $t {
            fn identity(op: FoldOp) -> Self {
                match op {
                    FoldOp::Mul => 1,
                    FoldOp::Min => <$t>::MAX,
                    FoldOp::Max => <$t>::MIN,
                    FoldOp::And => !0,
                    FoldOp::Add | FoldOp::Or => 0,
                }
            }
            fn fold(op: FoldOp, a: Self, b: Self) -> Self {
                match op {
                    FoldOp::Add => a.wrapping_add(b),
                    FoldOp::Mul => a.wrapping_mul(b),
                    FoldOp::Min => a.min(b),
                    FoldOp::Max => a.max(b),
                    FoldOp::Or => a | b,
                    FoldOp::And => a & b,
                }
            }
        }
    )*};
}
int_fold!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_fold {
    ($($t:ty),*) => {$(
        impl FoldElem for $t {
            fn identity(op: FoldOp) -> Self {
                match op {
                    FoldOp::Mul => 1.0,
                    FoldOp::Min => <$t>::INFINITY,
                    FoldOp::Max => <$t>::NEG_INFINITY,
                    _ => 0.0,
                }
            }
            fn fold(op: FoldOp, a: Self, b: Self) -> Self {
                match op {
                    FoldOp::Mul => a * b,
                    FoldOp::Min => if a < b || a.is_nan() { a } else { b },
                    FoldOp::Max => if a > b || a.is_nan() { a } else { b },
                    _ => a + b,
                }
            }
        }
    )*};
}
float_fold!(f32, f64);

/// Complex folds as the interpreter's: the plain product (`num_complex`'s `*`) and
/// NumPy's lexicographic, NaN-propagating extrema.
macro_rules! complex_fold {
    ($($c:ident => $t:ty),*) => {$(
        impl FoldElem for $c {
            fn identity(op: FoldOp) -> Self {
                match op {
                    FoldOp::Mul => $c::new(1.0, 0.0),
                    FoldOp::Min => $c::new(<$t>::INFINITY, <$t>::INFINITY),
                    FoldOp::Max => $c::new(<$t>::NEG_INFINITY, <$t>::NEG_INFINITY),
                    _ => $c::new(0.0, 0.0),
                }
            }
            fn fold(op: FoldOp, a: Self, b: Self) -> Self {
                let nan = a.re.is_nan() || a.im.is_nan();
                let by_re = !a.im.is_nan() && !b.im.is_nan();
                match op {
                    FoldOp::Mul => a * b,
                    FoldOp::Min => {
                        let le = (a.re < b.re && by_re) || (a.re == b.re && a.im <= b.im);
                        if nan || le { a } else { b }
                    }
                    FoldOp::Max => {
                        let ge = (a.re > b.re && by_re) || (a.re == b.re && a.im >= b.im);
                        if nan || ge { a } else { b }
                    }
                    _ => a + b,
                }
            }
        }
    )*};
}
complex_fold!(C64 => f32, C128 => f64);

/// f64 words per compensated-sum output: two for complex (re, im), one otherwise.
pub(crate) fn kahan_parts(dtype: DType) -> usize {
    if dtype.is_complex() {
        2
    } else {
        1
    }
}

impl FoldElem for bool {
    fn identity(op: FoldOp) -> Self {
        op == FoldOp::And
    }
    fn fold(op: FoldOp, a: Self, b: Self) -> Self {
        match op {
            FoldOp::And | FoldOp::Mul | FoldOp::Min => a & b,
            _ => a | b,
        }
    }
}

fn alloc_err(len: usize) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!("a reduction with {len} outputs cannot be allocated"),
    )
}

/// Element types whose all-zero bit pattern is the value zero.
trait ZeroBits: Copy {}
impl ZeroBits for f64 {}
impl ZeroBits for u64 {}

/// `len` zeros, allocated zeroed rather than written: a large allocation then comes from
/// the kernel as untouched zero pages, so the compiled code's threads take its page faults
/// in parallel instead of this thread filling it first (a 2000² distance matrix's sums
/// spent ~15% of their time in a single-threaded memset).
fn zeroed<T: ZeroBits>(len: usize) -> Result<Vec<T>, Error> {
    if len == 0 {
        return Ok(Vec::new());
    }
    let layout = std::alloc::Layout::array::<T>(len).map_err(|_| alloc_err(len))?;
    // SAFETY: `layout` has a non-zero size; the memory is zeroed, which is a valid `T`
    // (ZeroBits), and `Vec` frees it with the same layout (capacity `len` of `T`).
    unsafe {
        let ptr = std::alloc::alloc_zeroed(layout) as *mut T;
        if ptr.is_null() {
            return Err(alloc_err(len));
        }
        crate::buffers::advise_huge_pages(ptr.cast(), layout.size());
        Ok(Vec::from_raw_parts(ptr, len, len))
    }
}

/// Runs `$body` with `$T` bound to the Rust type of `$dtype` (every dtype folds).
macro_rules! fold_type {
    ($dtype:expr, $T:ident => $body:expr) => {
        match $dtype {
            DType::Bool => {
                type $T = bool;
                $body
            }
            DType::I8 => {
                type $T = i8;
                $body
            }
            DType::I16 => {
                type $T = i16;
                $body
            }
            DType::I32 => {
                type $T = i32;
                $body
            }
            DType::I64 => {
                type $T = i64;
                $body
            }
            DType::U8 => {
                type $T = u8;
                $body
            }
            DType::U16 => {
                type $T = u16;
                $body
            }
            DType::U32 => {
                type $T = u32;
                $body
            }
            DType::U64 => {
                type $T = u64;
                $body
            }
            DType::F32 => {
                type $T = f32;
                $body
            }
            DType::F64 => {
                type $T = f64;
                $body
            }
            DType::C64 => {
                type $T = C64;
                $body
            }
            DType::C128 => {
                type $T = C128;
                $body
            }
        }
    };
}

/// The elements of a fold's words as `&mut [T]`.
fn typed_mut<T: FoldElem>(words: &mut [u64], len: usize) -> &mut [T] {
    debug_assert!(len * std::mem::size_of::<T>() <= words.len() * 8);
    // SAFETY: `words` holds at least `len` elements of `T` (see `Acc::new`), u64 alignment
    // suffices for every fold type, and every bit pattern written is a valid `T` (the
    // words start as identities of `T` and only compiled folds of `T` write them).
    unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr() as *mut T, len) }
}

impl Acc {
    /// `len` accumulators at the identity.
    pub fn new(acc: AccKind, dtype: DType, len: usize) -> Result<Acc, Error> {
        Ok(match acc {
            AccKind::Kahan { mean } => {
                let words = len
                    .checked_mul(kahan_parts(dtype))
                    .ok_or_else(|| alloc_err(len))?;
                Acc::Kahan {
                    sum: zeroed(words)?,
                    comp: zeroed(words)?,
                    mean,
                }
            }
            AccKind::Fold(op) => {
                let bytes = len
                    .checked_mul(dtype.size())
                    .ok_or_else(|| alloc_err(len))?;
                let mut words = zeroed::<u64>(bytes.div_ceil(8))?;
                fold_type!(dtype, T => typed_mut::<T>(&mut words, len).fill(T::identity(op)));
                Acc::Fold {
                    op,
                    dtype,
                    words,
                    len,
                }
            }
        })
    }

    /// The base pointers compiled code folds into.
    pub fn ptrs(&mut self) -> [i64; 2] {
        match self {
            Acc::Kahan { sum, comp, .. } => [sum.as_mut_ptr() as i64, comp.as_mut_ptr() as i64],
            Acc::Fold { words, .. } => [words.as_mut_ptr() as i64, 0],
        }
    }

    /// Folds the partial `other` (same kind and length) into `self`.
    pub fn merge(&mut self, other: &mut Acc) -> Result<(), Error> {
        match (self, other) {
            (
                Acc::Kahan { sum, comp, .. },
                Acc::Kahan {
                    sum: s2, comp: c2, ..
                },
            ) => {
                for i in 0..sum.len().min(s2.len()) {
                    let (s, x) = (sum[i], s2[i]);
                    let t = s + x;
                    let bp = t - s;
                    let err = (s - (t - bp)) + (x - bp);
                    sum[i] = t;
                    comp[i] += err + c2[i];
                }
                Ok(())
            }
            (
                Acc::Fold {
                    op,
                    dtype,
                    words,
                    len,
                },
                Acc::Fold {
                    words: w2, len: l2, ..
                },
            ) => {
                let (op, n) = (*op, (*len).min(*l2));
                fold_type!(*dtype, T => {
                    let b: Vec<T> = typed_mut::<T>(w2, n).to_vec();
                    let a = typed_mut::<T>(words, n);
                    for (x, &y) in a.iter_mut().zip(&b) {
                        *x = T::fold(op, *x, y);
                    }
                });
                Ok(())
            }
            _ => Err(Error::new(
                ErrorKind::Input,
                "merging reductions of different kinds",
            )),
        }
    }

    /// Writes the results to `out`, `len` elements of `dtype` (the stored node's dtype);
    /// a mean divides by `count`.
    ///
    /// # Safety
    /// `out` must be valid for writing `len` elements of `dtype`.
    pub unsafe fn finish(&mut self, dtype: DType, count: usize, out: *mut u8) -> Result<(), Error> {
        match self {
            Acc::Kahan { sum, comp, mean } => {
                for (i, (&s, &c)) in sum.iter().zip(comp.iter()).enumerate() {
                    // With an infinity or NaN among the terms the plain sum is the IEEE
                    // result and the compensation is NaN: leave it out.
                    let mut v = if s.is_finite() { s + c } else { s };
                    if *mean {
                        v /= count as f64;
                    }
                    // SAFETY: the caller guarantees room for `len` elements.
                    unsafe {
                        match dtype {
                            // Complex: the parts interleaved, as the output's elements.
                            DType::F32 | DType::C64 => (out as *mut f32).add(i).write(v as f32),
                            _ => (out as *mut f64).add(i).write(v),
                        }
                    }
                }
                Ok(())
            }
            Acc::Fold {
                dtype: d,
                words,
                len,
                ..
            } => {
                let bytes = *len * d.size();
                // SAFETY: `words` holds `len` elements of the dtype; `out` has room for
                // them (the caller's guarantee); the two never overlap.
                unsafe { std::ptr::copy_nonoverlapping(words.as_ptr() as *const u8, out, bytes) };
                Ok(())
            }
        }
    }
}
