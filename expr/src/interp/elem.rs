//! Typed access to the dynamically typed containers the interpreter fills: the vector
//! inside a [`Block`], the array inside an [`Array`], and conversion of index-source values
//! (`arange`, `linspace`) to an element type.

use ndarray::ArrayD;

use crate::block::{Block, BlockElement, BLOCK_LEN};
use crate::dtype::{C128, C64};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{Array, ArrayElement};

/// An element type of blocks and arrays, with mutable typed access to both.
pub(super) trait Elem: BlockElement + ArrayElement {
    /// The block's vector if the block has this dtype.
    fn into_vec(b: Block) -> Option<Vec<Self>>;
    /// The array if it has this dtype.
    fn array_mut(a: &mut Array) -> Option<&mut ArrayD<Self>>;
    /// An integer `arange` value, wrapped to the type (bool: `!= 0`).
    fn from_int(v: i128) -> Self;
    /// A float `arange`/`linspace` value, converted like `astype` (saturating for ints).
    fn from_float(v: f64) -> Self;
    /// A complex `arange` value (real types drop the imaginary part).
    fn from_complex(v: C128) -> Self;
}

macro_rules! impl_elem {
    ($($t:ty => $v:ident, $int:expr, $float:expr, $complex:expr);* $(;)?) => {$(
        impl Elem for $t {
            fn into_vec(b: Block) -> Option<Vec<Self>> {
                match b {
                    Block::$v(x) => Some(x),
                    _ => None,
                }
            }
            fn array_mut(a: &mut Array) -> Option<&mut ArrayD<Self>> {
                match a {
                    Array::$v(x) => Some(x),
                    _ => None,
                }
            }
            #[allow(clippy::redundant_closure_call)]
            fn from_int(v: i128) -> Self {
                ($int)(v)
            }
            #[allow(clippy::redundant_closure_call)]
            fn from_float(v: f64) -> Self {
                ($float)(v)
            }
            #[allow(clippy::redundant_closure_call)]
            fn from_complex(v: C128) -> Self {
                ($complex)(v)
            }
        }
    )*};
}

impl_elem!(
    bool => Bool, |v: i128| v != 0, |v: f64| v != 0.0, |v: C128| v.re != 0.0 || v.im != 0.0;
    i8 => I8, |v: i128| v as i8, |v: f64| v as i8, |v: C128| v.re as i8;
    i16 => I16, |v: i128| v as i16, |v: f64| v as i16, |v: C128| v.re as i16;
    i32 => I32, |v: i128| v as i32, |v: f64| v as i32, |v: C128| v.re as i32;
    i64 => I64, |v: i128| v as i64, |v: f64| v as i64, |v: C128| v.re as i64;
    u8 => U8, |v: i128| v as u8, |v: f64| v as u8, |v: C128| v.re as u8;
    u16 => U16, |v: i128| v as u16, |v: f64| v as u16, |v: C128| v.re as u16;
    u32 => U32, |v: i128| v as u32, |v: f64| v as u32, |v: C128| v.re as u32;
    u64 => U64, |v: i128| v as u64, |v: f64| v as u64, |v: C128| v.re as u64;
    f32 => F32, |v: i128| v as f32, |v: f64| v as f32, |v: C128| v.re as f32;
    f64 => F64, |v: i128| v as f64, |v: f64| v, |v: C128| v.re;
    C64 => C64, |v: i128| C64::new(v as f32, 0.0), |v: f64| C64::new(v as f32, 0.0),
        |v: C128| C64::new(v.re as f32, v.im as f32);
    C128 => C128, |v: i128| C128::new(v as f64, 0.0), |v: f64| C128::new(v, 0.0), |v: C128| v;
);

/// Takes the vector out of a node's block to refill it, keeping its allocation when the
/// block already has type `T` (a node's block is reused from one block of points to the
/// next). The block is left empty; put the vector back with [`BlockElement::wrap`].
pub(super) fn take_vec<T: Elem>(b: &mut Block) -> Vec<T> {
    let old = std::mem::replace(b, Block::Bool(Vec::new()));
    let mut v = T::into_vec(old).unwrap_or_else(|| Vec::with_capacity(BLOCK_LEN));
    v.clear();
    v
}

/// The C-order data of a standard-layout array of type `T`.
pub(super) fn array_slice_mut<T: Elem>(a: &mut Array) -> Result<&mut [T]> {
    let dtype = a.dtype();
    T::array_mut(a)
        .and_then(|x| x.as_slice_mut())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Input,
                format!(
                    "internal: expected a standard-layout {} buffer, found {dtype}",
                    T::DTYPE
                ),
            )
        })
}
