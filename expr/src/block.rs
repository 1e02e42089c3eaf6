//! A block: a short run of values of one dtype, the unit the reference interpreter
//! computes on (numexpr-style, so that temporaries stay in cache).

use crate::dtype::{DType, C128, C64};

/// Values of one dtype, usually [`BLOCK_LEN`] of them.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// bool values.
    Bool(Vec<bool>),
    /// int8 values.
    I8(Vec<i8>),
    /// int16 values.
    I16(Vec<i16>),
    /// int32 values.
    I32(Vec<i32>),
    /// int64 values.
    I64(Vec<i64>),
    /// uint8 values.
    U8(Vec<u8>),
    /// uint16 values.
    U16(Vec<u16>),
    /// uint32 values.
    U32(Vec<u32>),
    /// uint64 values.
    U64(Vec<u64>),
    /// float32 values.
    F32(Vec<f32>),
    /// float64 values.
    F64(Vec<f64>),
    /// complex64 values.
    C64(Vec<C64>),
    /// complex128 values.
    C128(Vec<C128>),
}

/// Elements per block: small enough that a dozen temporaries fit in L1/L2, large enough
/// to amortise the per-block dispatch.
pub const BLOCK_LEN: usize = 1024;

/// Applies `$body` to the vector inside any [`Block`] variant, bound as `$v`.
#[macro_export]
macro_rules! each_block {
    ($e:expr, $v:ident => $body:expr) => {
        match $e {
            $crate::block::Block::Bool($v) => $body,
            $crate::block::Block::I8($v) => $body,
            $crate::block::Block::I16($v) => $body,
            $crate::block::Block::I32($v) => $body,
            $crate::block::Block::I64($v) => $body,
            $crate::block::Block::U8($v) => $body,
            $crate::block::Block::U16($v) => $body,
            $crate::block::Block::U32($v) => $body,
            $crate::block::Block::U64($v) => $body,
            $crate::block::Block::F32($v) => $body,
            $crate::block::Block::F64($v) => $body,
            $crate::block::Block::C64($v) => $body,
            $crate::block::Block::C128($v) => $body,
        }
    };
}

/// Typed access to a block's vector.
pub trait BlockElement: crate::dtype::Element {
    /// Wraps a vector of this type.
    fn wrap(v: Vec<Self>) -> Block;
    /// The block's values, if they are of this type.
    fn slice(b: &Block) -> Option<&[Self]>;
}

macro_rules! impl_block_element {
    ($($t:ty => $v:ident),*) => {$(
        impl BlockElement for $t {
            fn wrap(v: Vec<Self>) -> Block { Block::$v(v) }
            fn slice(b: &Block) -> Option<&[Self]> {
                match b { Block::$v(x) => Some(x), _ => None }
            }
        }
    )*};
}
impl_block_element!(
    bool => Bool, i8 => I8, i16 => I16, i32 => I32, i64 => I64,
    u8 => U8, u16 => U16, u32 => U32, u64 => U64,
    f32 => F32, f64 => F64, C64 => C64, C128 => C128
);

impl Block {
    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            Block::Bool(_) => DType::Bool,
            Block::I8(_) => DType::I8,
            Block::I16(_) => DType::I16,
            Block::I32(_) => DType::I32,
            Block::I64(_) => DType::I64,
            Block::U8(_) => DType::U8,
            Block::U16(_) => DType::U16,
            Block::U32(_) => DType::U32,
            Block::U64(_) => DType::U64,
            Block::F32(_) => DType::F32,
            Block::F64(_) => DType::F64,
            Block::C64(_) => DType::C64,
            Block::C128(_) => DType::C128,
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        each_block!(self, v => v.len())
    }

    /// Whether the block has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The block's values as `&[T]`, if its dtype is `T`.
    pub fn as_slice<T: BlockElement>(&self) -> Option<&[T]> {
        T::slice(self)
    }

    /// An empty block of `dtype` with room for `cap` values.
    pub fn with_capacity(dtype: DType, cap: usize) -> Block {
        crate::dispatch_dtype!(dtype, T => T::wrap(Vec::<T>::with_capacity(cap)))
    }
}
