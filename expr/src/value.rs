//! Dynamically typed arrays: owned results ([`Array`]), borrowed inputs ([`ArrayRef`]),
//! Python-like scalars ([`Scalar`]) and the operand a caller binds to a name ([`Operand`]).

use ndarray::{ArrayD, ArrayViewD, Dimension, IxDyn};

use crate::dtype::{DType, Element, Kind, C128, C64};

macro_rules! dyn_array_enum {
    ($(#[$m:meta])* $name:ident $(<$lt:lifetime>)?, $arr:ident) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq)]
        pub enum $name $(<$lt>)? {
            #[doc = concat!("Elements of Rust type `", stringify!(bool), "`.")]
            Bool($arr<$($lt,)? bool>),
            #[doc = concat!("Elements of Rust type `", stringify!(i8), "`.")]
            I8($arr<$($lt,)? i8>),
            #[doc = concat!("Elements of Rust type `", stringify!(i16), "`.")]
            I16($arr<$($lt,)? i16>),
            #[doc = concat!("Elements of Rust type `", stringify!(i32), "`.")]
            I32($arr<$($lt,)? i32>),
            #[doc = concat!("Elements of Rust type `", stringify!(i64), "`.")]
            I64($arr<$($lt,)? i64>),
            #[doc = concat!("Elements of Rust type `", stringify!(u8), "`.")]
            U8($arr<$($lt,)? u8>),
            #[doc = concat!("Elements of Rust type `", stringify!(u16), "`.")]
            U16($arr<$($lt,)? u16>),
            #[doc = concat!("Elements of Rust type `", stringify!(u32), "`.")]
            U32($arr<$($lt,)? u32>),
            #[doc = concat!("Elements of Rust type `", stringify!(u64), "`.")]
            U64($arr<$($lt,)? u64>),
            #[doc = concat!("Elements of Rust type `", stringify!(f32), "`.")]
            F32($arr<$($lt,)? f32>),
            #[doc = concat!("Elements of Rust type `", stringify!(f64), "`.")]
            F64($arr<$($lt,)? f64>),
            #[doc = concat!("Elements of Rust type `", stringify!(C64), "`.")]
            C64($arr<$($lt,)? C64>),
            #[doc = concat!("Elements of Rust type `", stringify!(C128), "`.")]
            C128($arr<$($lt,)? C128>),
        }
    };
}

dyn_array_enum!(
    /// An owned n-dimensional array of any vex dtype: what evaluation returns.
    ///
    /// Build one from any typed ndarray with `From`; get the typed array back by borrowing
    /// ([`Array::as_array`], or the shorthands `as_f64`, `as_i64`, …, which are `None` for
    /// another dtype) or by value ([`Array::downcast`], which hands the array back on a
    /// mismatch so nothing is lost).
    ///
    /// ```
    /// use ndarray::{array, ArrayD};
    /// use vex_expr::{Array, DType};
    ///
    /// let a = Array::from(array![[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(a.dtype(), DType::F64);
    /// assert_eq!((a.shape(), a.ndim(), a.len()), (&[2, 2][..], 2, 4));
    ///
    /// assert_eq!(a.as_f64().unwrap()[[1, 0]], 3.0);
    /// assert!(a.as_i64().is_none());
    ///
    /// let a = a.downcast::<f32>().unwrap_err(); // wrong type: the array comes back
    /// let typed: ArrayD<f64> = a.downcast().unwrap();
    /// assert_eq!(typed.sum(), 10.0);
    /// ```
    Array, ArrayD
);

type ArrayViewDyn<'a, T> = ArrayViewD<'a, T>;
dyn_array_enum!(
    /// A borrowed n-dimensional array view of any vex dtype: what evaluation reads.
    /// Any strides (negative, zero, non-contiguous) and any size (0-d, empty) are fine.
    ///
    /// Made from an ndarray view or a reference to an ndarray array with `From`, without
    /// copying; [`ArrayRef::to_owned`] copies into a standard-layout [`Array`].
    ///
    /// ```
    /// use ndarray::{s, Array2};
    /// use vex_expr::{ArrayRef, DType};
    ///
    /// let m = Array2::from_shape_fn((3, 4), |(i, j)| (10 * i + j) as i32);
    /// // Every other column, last first: a strided view with a negative stride.
    /// let v = ArrayRef::from(m.slice(s![.., ..;-2]));
    /// assert_eq!(v.dtype(), DType::I32);
    /// assert_eq!(v.shape(), &[3, 2]);
    /// assert_eq!(v.strides(), &[4, -2]);
    /// assert_eq!(v.downcast::<i32>().unwrap()[[2, 0]], 23);
    ///
    /// let owned = v.to_owned();
    /// let data = owned.as_array::<i32>().unwrap();
    /// assert_eq!(data.as_slice().unwrap(), &[3, 1, 13, 11, 23, 21]);
    /// ```
    ArrayRef<'a>, ArrayViewDyn
);

/// Applies `$body` to the typed array inside any variant of [`Array`] or [`ArrayRef`]:
/// `each_variant!(arr, Array, a => a.len())`.
macro_rules! each_variant {
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
pub(crate) use each_variant;

/// Conversions between typed ndarray values and the dynamic enums.
pub trait ArrayElement: Element {
    /// Wraps a typed array.
    fn wrap(a: ArrayD<Self>) -> Array;
    /// Wraps a typed view.
    fn wrap_view(a: ArrayViewD<'_, Self>) -> ArrayRef<'_>;
    /// The typed array, or the array back if its dtype differs.
    fn unwrap(a: Array) -> Result<ArrayD<Self>, Array>;
    /// A reference to the typed array, if the dtype matches.
    fn unwrap_ref(a: &Array) -> Option<&ArrayD<Self>>;
    /// The typed view, if the dtype matches.
    fn unwrap_view<'a>(a: &ArrayRef<'a>) -> Option<ArrayViewD<'a, Self>>;
}

macro_rules! impl_array_element {
    ($($t:ty => $v:ident),*) => {$(
        impl ArrayElement for $t {
            fn wrap(a: ArrayD<Self>) -> Array { Array::$v(a) }
            fn wrap_view(a: ArrayViewD<'_, Self>) -> ArrayRef<'_> { ArrayRef::$v(a) }
            fn unwrap(a: Array) -> Result<ArrayD<Self>, Array> {
                match a { Array::$v(x) => Ok(x), other => Err(other) }
            }
            fn unwrap_ref(a: &Array) -> Option<&ArrayD<Self>> {
                match a { Array::$v(x) => Some(x), _ => None }
            }
            fn unwrap_view<'a>(a: &ArrayRef<'a>) -> Option<ArrayViewD<'a, Self>> {
                match a { ArrayRef::$v(x) => Some(x.clone()), _ => None }
            }
        }
    )*};
}
impl_array_element!(
    bool => Bool, i8 => I8, i16 => I16, i32 => I32, i64 => I64,
    u8 => U8, u16 => U16, u32 => U32, u64 => U64,
    f32 => F32, f64 => F64, C64 => C64, C128 => C128
);

impl Array {
    /// The element type.
    pub fn dtype(&self) -> DType {
        each_variant!(self, Array, a => elem_dtype(a))
    }
    /// The length of each axis.
    pub fn shape(&self) -> &[usize] {
        each_variant!(self, Array, a => a.shape())
    }
    /// The number of axes.
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }
    /// The number of elements.
    pub fn len(&self) -> usize {
        self.shape().iter().product()
    }
    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A borrowed view of the whole array.
    pub fn view(&self) -> ArrayRef<'_> {
        each_variant!(self, Array, a => ArrayElement::wrap_view(a.view()))
    }
    /// The array as `ArrayD<T>` if its dtype is `T`.
    pub fn downcast<T: ArrayElement>(self) -> Result<ArrayD<T>, Array> {
        T::unwrap(self)
    }
    /// A reference to the array as `ArrayD<T>` if its dtype is `T`.
    pub fn as_array<T: ArrayElement>(&self) -> Option<&ArrayD<T>> {
        T::unwrap_ref(self)
    }
    /// The array as float64, if it is float64.
    pub fn as_f64(&self) -> Option<&ArrayD<f64>> {
        self.as_array()
    }
    /// The array as float32, if it is float32.
    pub fn as_f32(&self) -> Option<&ArrayD<f32>> {
        self.as_array()
    }
    /// The array as int64, if it is int64.
    pub fn as_i64(&self) -> Option<&ArrayD<i64>> {
        self.as_array()
    }
    /// The array as bool, if it is bool.
    pub fn as_bool(&self) -> Option<&ArrayD<bool>> {
        self.as_array()
    }
    /// The array as complex128, if it is complex128.
    pub fn as_c128(&self) -> Option<&ArrayD<C128>> {
        self.as_array()
    }
    /// An array of `shape` filled with the dtype's zero.
    pub fn zeros(dtype: DType, shape: &[usize]) -> Array {
        crate::dispatch_dtype!(dtype, T => T::wrap(ArrayD::<T>::default(IxDyn(shape))))
    }
}

impl<'a> ArrayRef<'a> {
    /// The element type.
    pub fn dtype(&self) -> DType {
        each_variant!(self, ArrayRef, a => elem_dtype_view(a))
    }
    /// The length of each axis.
    pub fn shape(&self) -> &[usize] {
        each_variant!(self, ArrayRef, a => a.shape())
    }
    /// The number of axes.
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }
    /// The number of elements.
    pub fn len(&self) -> usize {
        self.shape().iter().product()
    }
    /// Whether the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Strides in elements (may be negative or zero).
    pub fn strides(&self) -> &[isize] {
        each_variant!(self, ArrayRef, a => a.strides())
    }
    /// The view as `ArrayViewD<T>` if its dtype is `T`.
    pub fn downcast<T: ArrayElement>(&self) -> Option<ArrayViewD<'a, T>> {
        T::unwrap_view(self)
    }
    /// Copies the view into an owned, standard-layout array.
    pub fn to_owned(&self) -> Array {
        each_variant!(self, ArrayRef, a => ArrayElement::wrap(a.to_owned()))
    }
}

fn elem_dtype<T: Element>(_: &ArrayD<T>) -> DType {
    T::DTYPE
}
fn elem_dtype_view<T: Element>(_: &ArrayViewD<'_, T>) -> DType {
    T::DTYPE
}

impl<T: ArrayElement, D: Dimension> From<ndarray::Array<T, D>> for Array {
    fn from(a: ndarray::Array<T, D>) -> Array {
        T::wrap(a.into_dyn())
    }
}

impl<'a, T: ArrayElement, D: Dimension> From<ndarray::ArrayView<'a, T, D>> for ArrayRef<'a> {
    fn from(a: ndarray::ArrayView<'a, T, D>) -> ArrayRef<'a> {
        T::wrap_view(a.into_dyn())
    }
}

impl<'a, T: ArrayElement, D: Dimension> From<&'a ndarray::Array<T, D>> for ArrayRef<'a> {
    fn from(a: &'a ndarray::Array<T, D>) -> ArrayRef<'a> {
        T::wrap_view(a.view().into_dyn())
    }
}

impl<'a> From<&'a Array> for ArrayRef<'a> {
    fn from(a: &'a Array) -> ArrayRef<'a> {
        a.view()
    }
}

/// A Python-like scalar: *weak* in type promotion (NEP 50), so `float32_array * 2.5` stays
/// float32. Integers are kept wide enough for every int64 and uint64 value.
///
/// Rust numbers convert with `From`: every integer type to [`Scalar::Int`], `f32`/`f64`
/// to [`Scalar::Float`]; the Rust type is forgotten, only the kind remains.
///
/// ```
/// use vex_expr::{Kind, Scalar};
///
/// assert_eq!(Scalar::from(u64::MAX), Scalar::Int(u64::MAX as i128));
/// assert_eq!(Scalar::from(7u8), Scalar::from(7i64)); // both just a Python int
/// assert_eq!(Scalar::from(2.5f32).kind(), Kind::Float);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// Python's `True`/`False`.
    Bool(bool),
    /// A Python integer (every int64 and uint64 value fits).
    Int(i128),
    /// A Python float.
    Float(f64),
    /// A Python complex number.
    Complex(C128),
}

impl Scalar {
    /// The kind of the scalar (bool, int, float, complex).
    pub fn kind(&self) -> Kind {
        match self {
            Scalar::Bool(_) => Kind::Bool,
            Scalar::Int(_) => Kind::Int,
            Scalar::Float(_) => Kind::Float,
            Scalar::Complex(_) => Kind::Complex,
        }
    }
}

/// What a caller binds to a name: an array view (strong, its dtype counts) or a weak scalar.
///
/// `From` makes one from anything an [`ArrayRef`] comes from (ndarray views, `&` arrays,
/// `&Array`) and from Rust numbers, `bool` and [`C128`] (as a weak [`Scalar`]).
///
/// ```
/// use vex_expr::{DType, Operand};
///
/// let x = ndarray::array![1u8, 2, 3];
/// let array = Operand::from(&x);
/// assert_eq!((array.dtype(), array.shape()), (DType::U8, &[3][..]));
///
/// // A scalar reports its kind's default dtype, but stays weak: `x * 2.5` is float64
/// // only because uint8 is of a lower kind, and `y * 2.5` for float32 `y` stays float32.
/// let scalar = Operand::from(2.5);
/// assert!(matches!(scalar, Operand::Scalar(_)));
/// assert_eq!((scalar.dtype(), scalar.shape()), (DType::F64, &[][..]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Operand<'a> {
    /// An array view; its dtype takes part in promotion.
    Array(ArrayRef<'a>),
    /// A weak Python-like scalar.
    Scalar(Scalar),
}

impl<'a> Operand<'a> {
    /// The dtype of an array, or the default dtype of a scalar's kind.
    pub fn dtype(&self) -> DType {
        match self {
            Operand::Array(a) => a.dtype(),
            Operand::Scalar(s) => DType::default_for(s.kind()),
        }
    }
    /// The operand's shape (`[]` for a scalar).
    pub fn shape(&self) -> &[usize] {
        match self {
            Operand::Array(a) => a.shape(),
            Operand::Scalar(_) => &[],
        }
    }
}

impl<'a, T: Into<ArrayRef<'a>>> From<T> for Operand<'a> {
    fn from(a: T) -> Operand<'a> {
        Operand::Array(a.into())
    }
}

impl From<Scalar> for Operand<'_> {
    fn from(s: Scalar) -> Self {
        Operand::Scalar(s)
    }
}

macro_rules! scalar_from {
    ($($t:ty => $v:ident as $c:ty),*) => {$(
        impl From<$t> for Scalar {
            fn from(x: $t) -> Scalar { Scalar::$v(x as $c) }
        }
    )*};
}
scalar_from!(i8 => Int as i128, i16 => Int as i128, i32 => Int as i128, i64 => Int as i128,
    u8 => Int as i128, u16 => Int as i128, u32 => Int as i128, u64 => Int as i128,
    f32 => Float as f64, f64 => Float as f64);

impl From<bool> for Scalar {
    fn from(x: bool) -> Scalar {
        Scalar::Bool(x)
    }
}
impl From<C128> for Scalar {
    fn from(x: C128) -> Scalar {
        Scalar::Complex(x)
    }
}

macro_rules! operand_from_scalar {
    ($($t:ty),*) => {$(
        impl From<$t> for Operand<'_> {
            fn from(x: $t) -> Self { Operand::Scalar(x.into()) }
        }
    )*};
}
operand_from_scalar!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, bool, C128);
