//! Program buffers as compiled code sees them: raw pointers and element strides of the
//! caller's arrays, and fresh outputs allocated without initialisation so that the kernel
//! threads do the first touch (page faults are then spread over the threads that write).

use std::mem::ManuallyDrop;
pub(crate) use vex_expr::validate::checked_len;

use ndarray::{ArrayD, IxDyn};
use vex_expr::{Array, ArrayElement, ArrayRef, DType, Error, ErrorKind};

/// `match` over every variant of [`Array`]/[`ArrayRef`], binding the typed array.
macro_rules! each {
    ($e:expr, $enum:ident, $a:ident => $body:expr) => {
        match $e {
            $enum::Bool($a) => $body,
            $enum::I8($a) => $body,
            $enum::I16($a) => $body,
            $enum::I32($a) => $body,
            $enum::I64($a) => $body,
            $enum::U8($a) => $body,
            $enum::U16($a) => $body,
            $enum::U32($a) => $body,
            $enum::U64($a) => $body,
            $enum::F32($a) => $body,
            $enum::F64($a) => $body,
            $enum::C64($a) => $body,
            $enum::C128($a) => $body,
        }
    };
}

/// The first element's address and the strides (in elements) of a view.
pub(crate) fn view_raw(a: &ArrayRef<'_>) -> (*const u8, Vec<isize>) {
    each!(a, ArrayRef, v => (v.as_ptr().cast::<u8>(), v.strides().to_vec()))
}

/// [`view_raw`] without copying the strides.
pub(crate) fn view_parts<'a>(a: &'a ArrayRef<'_>) -> (*const u8, &'a [isize]) {
    each!(a, ArrayRef, v => (v.as_ptr().cast::<u8>(), v.strides()))
}

/// The first element's address of an array.
pub(crate) fn array_ptr(a: &Array) -> *const u8 {
    each!(a, Array, v => v.as_ptr().cast::<u8>())
}

/// The first element's address and the strides (in elements) of an array.
pub(crate) fn array_raw(a: &Array) -> (*const u8, Vec<isize>) {
    each!(a, Array, v => (v.as_ptr().cast::<u8>(), v.strides().to_vec()))
}

/// A mutable pointer to the first element of a standard-layout array.
pub(crate) fn array_mut_ptr(a: &mut Array) -> *mut u8 {
    each!(a, Array, v => v.as_mut_ptr().cast::<u8>())
}

/// Whether the array is in standard (C-contiguous) layout.
pub(crate) fn is_standard(a: &Array) -> bool {
    each!(a, Array, v => v.is_standard_layout())
}

/// Copies `src` into `dst` (same dtype and shape, any layouts).
pub(crate) fn assign(dst: &mut Array, src: &Array) -> Result<(), Error> {
    fn typed<T: ArrayElement + Clone>(dst: &mut ArrayD<T>, src: &Array) -> Result<(), Error> {
        match src.as_array::<T>() {
            Some(s) if s.shape() == dst.shape() => {
                dst.assign(s);
                Ok(())
            }
            _ => Err(Error::new(
                ErrorKind::Input,
                "copying an output between arrays of different types",
            )),
        }
    }
    each!(dst, Array, d => typed(d, src))
}

pub(crate) fn too_large(dtype: DType, shape: &[usize]) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!(
            "a {dtype} array of shape {shape:?} cannot be allocated ({} bytes per element)",
            dtype.size()
        ),
    )
}

/// Asks Linux to back a large fresh allocation with transparent huge pages: writing a
/// fresh 80 MB array costs about as much again as computing it, in 4 KiB page faults;
/// with 2 MiB pages much less. Only a hint: failures are ignored.
#[cfg(target_os = "linux")]
pub(crate) fn advise_huge_pages(ptr: *mut u8, bytes: usize) {
    const MIN_BYTES: usize = 4 << 20;
    const PAGE: usize = 4096;
    const MADV_HUGEPAGE: i32 = 14;
    extern "C" {
        fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: i32) -> i32;
    }
    if bytes < MIN_BYTES {
        return;
    }
    let start = (ptr as usize).next_multiple_of(PAGE);
    let end = (ptr as usize + bytes) / PAGE * PAGE;
    if end > start {
        // SAFETY: the range lies inside the allocation just made and still unused;
        // MADV_HUGEPAGE changes no contents and no mapping, only how pages are backed.
        unsafe { madvise(start as *mut std::ffi::c_void, end - start, MADV_HUGEPAGE) };
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn advise_huge_pages(_ptr: *mut u8, _bytes: usize) {}

/// An allocated but uninitialised standard-layout array, filled by a kernel.
pub(crate) struct Fresh {
    dtype: DType,
    shape: Vec<usize>,
    ptr: *mut u8,
    len: usize,
    cap: usize,
}

// SAFETY: `Fresh` owns its allocation exclusively, like the `Vec` it came from.
unsafe impl Send for Fresh {}

impl Fresh {
    /// Room for an array of `dtype` and `shape`, or `TooLarge`.
    pub fn new(dtype: DType, shape: &[usize]) -> Result<Fresh, Error> {
        let len = checked_len(shape).ok_or_else(|| too_large(dtype, shape))?;
        if len
            .checked_mul(dtype.size())
            .is_none_or(|b| b > isize::MAX as usize)
        {
            return Err(too_large(dtype, shape));
        }
        vex_expr::dispatch_dtype!(dtype, T => {
            let mut v: Vec<T> = Vec::new();
            v.try_reserve_exact(len).map_err(|_| too_large(dtype, shape))?;
            let mut v = ManuallyDrop::new(v);
            advise_huge_pages(v.as_mut_ptr().cast::<u8>(), v.capacity() * std::mem::size_of::<T>());
            Ok(Fresh {
                dtype,
                shape: shape.to_vec(),
                ptr: v.as_mut_ptr().cast::<u8>(),
                len,
                cap: v.capacity(),
            })
        })
    }

    pub fn ptr(&self) -> *mut u8 {
        self.ptr
    }

    /// The finished array.
    ///
    /// # Safety
    /// Every element must have been written with a valid value of the dtype.
    pub unsafe fn into_array(self) -> Result<Array, Error> {
        let this = ManuallyDrop::new(self);
        let (dtype, len, cap, ptr) = (this.dtype, this.len, this.cap, this.ptr);
        // SAFETY: the shape is moved out exactly once; `this` is never used or dropped
        // afterwards.
        let shape = unsafe { std::ptr::read(&this.shape) };
        vex_expr::dispatch_dtype!(dtype, T => {
            // SAFETY: `ptr`/`cap` come from a `Vec<T>` (see `new`), and the caller promises
            // the first `len` elements are initialised.
            let v = unsafe { Vec::from_raw_parts(ptr as *mut T, len, cap) };
            ArrayD::from_shape_vec(IxDyn(&shape), v)
                .map(T::wrap)
                .map_err(|_| too_large(dtype, &shape))
        })
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        let (ptr, cap) = (self.ptr, self.cap);
        vex_expr::dispatch_dtype!(self.dtype, T => {
            // SAFETY: `ptr`/`cap` come from a `Vec<T>`; length 0 drops no elements.
            drop(unsafe { Vec::from_raw_parts(ptr as *mut T, 0, cap) })
        })
    }
}
