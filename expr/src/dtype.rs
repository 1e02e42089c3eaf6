//! Element types and NumPy 2 type promotion.
//!
//! vex has NumPy's numeric types except float16 (where NumPy would produce float16, vex
//! produces float32). Promotion between two *strong* types (arrays, typed scalars) follows
//! `numpy.result_type`; Python literals are *weak* (NEP 50) and take the kind of the strong
//! operand where they can, see [`Ty`].

use std::fmt;

use num_complex::Complex;

/// 64-bit complex (two f32), NumPy's `complex64`.
pub type C64 = Complex<f32>;
/// 128-bit complex (two f64), NumPy's `complex128`.
pub type C128 = Complex<f64>;

/// An element type: one of NumPy's numeric dtypes (all but float16).
///
/// [`DType::promote`] is `numpy.result_type` for two arrays; [`DType::name`] and
/// [`DType::from_name`] convert to and from NumPy's spelling, which is also the
/// [`Display`](fmt::Display) form and the name of the cast functions in programs.
///
/// ```
/// use vex_expr::DType;
///
/// // Mixed signedness needs a wider signed type; nothing holds both int64 and uint64.
/// assert_eq!(DType::promote(DType::I8, DType::U8), DType::I16);
/// assert_eq!(DType::promote(DType::I64, DType::U64), DType::F64);
/// // Small integers fit float32 exactly, int32 does not.
/// assert_eq!(DType::promote(DType::I16, DType::F32), DType::F32);
/// assert_eq!(DType::promote(DType::I32, DType::F32), DType::F64);
///
/// assert_eq!(DType::F32.name(), "float32");
/// assert_eq!(DType::C128.to_string(), "complex128");
/// assert_eq!(DType::from_name("uint8"), Some(DType::U8));
/// assert_eq!(DType::from_name("float16"), None); // vex has no float16
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum DType {
    /// Boolean (NumPy's `bool`), one byte.
    Bool,
    /// 8-bit signed integer (`int8`).
    I8,
    /// 16-bit signed integer (`int16`).
    I16,
    /// 32-bit signed integer (`int32`).
    I32,
    /// 64-bit signed integer (`int64`), the default for Python integers.
    I64,
    /// 8-bit unsigned integer (`uint8`).
    U8,
    /// 16-bit unsigned integer (`uint16`).
    U16,
    /// 32-bit unsigned integer (`uint32`).
    U32,
    /// 64-bit unsigned integer (`uint64`).
    U64,
    /// IEEE single precision (`float32`).
    F32,
    /// IEEE double precision (`float64`), the default for Python floats.
    F64,
    /// Complex of two float32 (`complex64`).
    C64,
    /// Complex of two float64 (`complex128`), the default for Python complex numbers.
    C128,
}

/// The broad kind of a type, ordered as NumPy orders kinds for weak promotion.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Kind {
    /// Booleans.
    Bool,
    /// Signed and unsigned integers.
    Int,
    /// Real floating point.
    Float,
    /// Complex floating point.
    Complex,
}

impl DType {
    /// Every dtype, in declaration order.
    pub const ALL: [DType; 13] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F32,
        DType::F64,
        DType::C64,
        DType::C128,
    ];

    /// NumPy's name for the type (`"float64"`, `"uint8"`, `"bool"` …).
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C64 => "complex64",
            DType::C128 => "complex128",
        }
    }

    /// Parses a NumPy type name, as used by the cast functions (`float32(x)`).
    pub fn from_name(name: &str) -> Option<DType> {
        DType::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The kind (bool, integer, float, complex) of the type.
    pub fn kind(self) -> Kind {
        match self {
            DType::Bool => Kind::Bool,
            DType::I8 | DType::I16 | DType::I32 | DType::I64 => Kind::Int,
            DType::U8 | DType::U16 | DType::U32 | DType::U64 => Kind::Int,
            DType::F32 | DType::F64 => Kind::Float,
            DType::C64 | DType::C128 => Kind::Complex,
        }
    }

    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 | DType::C64 => 8,
            DType::C128 => 16,
        }
    }

    /// Whether this is `bool`.
    pub fn is_bool(self) -> bool {
        self == DType::Bool
    }
    /// Whether this is a signed or unsigned integer type.
    pub fn is_int(self) -> bool {
        self.kind() == Kind::Int
    }
    /// Whether this is `int8`…`int64`.
    pub fn is_signed_int(self) -> bool {
        matches!(self, DType::I8 | DType::I16 | DType::I32 | DType::I64)
    }
    /// Whether this is `uint8`…`uint64`.
    pub fn is_unsigned_int(self) -> bool {
        matches!(self, DType::U8 | DType::U16 | DType::U32 | DType::U64)
    }
    /// Whether this is `float32` or `float64`.
    pub fn is_float(self) -> bool {
        self.kind() == Kind::Float
    }
    /// Whether this is `complex64` or `complex128`.
    pub fn is_complex(self) -> bool {
        self.kind() == Kind::Complex
    }
    /// Bool or integer: the types on which `& | ^ ~` are defined.
    pub fn is_integral(self) -> bool {
        matches!(self.kind(), Kind::Bool | Kind::Int)
    }

    /// Bit width of an integer type (8 for bool).
    pub fn bits(self) -> u32 {
        (self.size() * 8) as u32
    }

    /// The real type of the same precision: complex128 → float64; others unchanged.
    pub fn real(self) -> DType {
        match self {
            DType::C64 => DType::F32,
            DType::C128 => DType::F64,
            d => d,
        }
    }

    /// The complex type that holds this type's values (float32 → complex64,
    /// everything else → complex128).
    pub fn to_complex(self) -> DType {
        match self {
            DType::F32 | DType::C64 => DType::C64,
            DType::Bool | DType::I8 | DType::U8 | DType::I16 | DType::U16 => DType::C64,
            _ => DType::C128,
        }
    }

    /// The floating type a transcendental function computes in for this input type.
    ///
    /// NumPy uses float16 for bool/int8/uint8 and float32 for int16/uint16; vex has no
    /// float16 and uses float32 for all five. Floats and complex are unchanged.
    pub fn to_inexact(self) -> DType {
        match self {
            DType::Bool | DType::I8 | DType::U8 | DType::I16 | DType::U16 => DType::F32,
            DType::I32 | DType::U32 | DType::I64 | DType::U64 => DType::F64,
            d => d,
        }
    }

    /// `numpy.result_type(a, b)` for two strong types (float16 replaced by float32).
    pub fn promote(a: DType, b: DType) -> DType {
        use DType::*;
        if a == b {
            return a;
        }
        let (ka, kb) = (a.kind(), b.kind());
        match (ka, kb) {
            (Kind::Bool, _) => b,
            (_, Kind::Bool) => a,
            (Kind::Int, Kind::Int) => {
                match (a.is_signed_int(), b.is_signed_int()) {
                    (true, true) | (false, false) => a.max_by_size(b),
                    _ => {
                        let (s, u) = if a.is_signed_int() { (a, b) } else { (b, a) };
                        if s.size() > u.size() {
                            s
                        } else {
                            // The unsigned type needs the next larger signed type; uint64 has none
                            // and NumPy goes to float64.
                            match u {
                                U8 => I16,
                                U16 => I32,
                                U32 => I64,
                                _ => F64,
                            }
                        }
                    }
                }
            }
            (Kind::Int, Kind::Float) | (Kind::Float, Kind::Int) => {
                let (i, f) = if ka == Kind::Int { (a, b) } else { (b, a) };
                if f == F64 || i.size() >= 4 {
                    F64
                } else {
                    F32
                }
            }
            (Kind::Float, Kind::Float) => F64,
            (Kind::Complex, Kind::Complex) => C128,
            (Kind::Complex, _) | (_, Kind::Complex) => {
                let (c, o) = if ka == Kind::Complex { (a, b) } else { (b, a) };
                if c == C128 {
                    C128
                } else {
                    // complex64 with an integer or float: precision of the other decides.
                    match o.to_inexact() {
                        F32 => C64,
                        _ => C128,
                    }
                }
            }
        }
    }

    fn max_by_size(self, other: DType) -> DType {
        if self.size() >= other.size() {
            self
        } else {
            other
        }
    }

    /// The default strong type of a weak Python scalar of this kind.
    pub fn default_for(kind: Kind) -> DType {
        match kind {
            Kind::Bool => DType::Bool,
            Kind::Int => DType::I64,
            Kind::Float => DType::F64,
            Kind::Complex => DType::C128,
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The static type of a value in a program: a dtype, and whether it is *weak*.
///
/// Weak values are Python-like scalars: literals, the constants `pi e inf nan`, scalar
/// inputs given as plain numbers, and arithmetic among them. Under NEP 50 a weak value
/// adopts the type of a strong operand of the same or higher kind (`float32_array * 2.5`
/// is float32), and only decides the result type against a strong operand of a lower kind
/// (`int8_array * 2.5` is float64). A weak value's `dtype` is its default strong type
/// (int64, float64, complex128, bool).
///
/// ```
/// use vex_expr::dtype::Ty;
/// use vex_expr::{DType, Kind};
///
/// let literal = Ty::weak(Kind::Float); // `2.5` in a program
/// assert_eq!(literal.dtype, DType::F64);
/// // The literal adopts a float array's precision…
/// assert_eq!(Ty::promote(Ty::strong(DType::F32), literal), Ty::strong(DType::F32));
/// // …but an integer array is of a lower kind, so the default float wins.
/// assert_eq!(Ty::promote(Ty::strong(DType::I8), literal), Ty::strong(DType::F64));
/// // Weak with weak stays weak, of the higher kind.
/// assert_eq!(Ty::promote(Ty::weak(Kind::Int), literal), literal);
/// assert_eq!(literal.to_string(), "python float");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Ty {
    /// The dtype (for a weak value: its kind's default dtype).
    pub dtype: DType,
    /// Whether the value is a weak Python scalar.
    pub weak: bool,
}

impl Ty {
    /// A strong (array or typed) value of `dtype`.
    pub fn strong(dtype: DType) -> Ty {
        Ty { dtype, weak: false }
    }
    /// A weak Python scalar of `kind`, with that kind's default dtype.
    pub fn weak(kind: Kind) -> Ty {
        Ty {
            dtype: DType::default_for(kind),
            weak: true,
        }
    }

    /// The common type of two operands of an arithmetic operator (NEP 50).
    pub fn promote(a: Ty, b: Ty) -> Ty {
        match (a.weak, b.weak) {
            (false, false) => Ty::strong(DType::promote(a.dtype, b.dtype)),
            (true, true) => Ty::weak(a.dtype.kind().max(b.dtype.kind())),
            (true, false) => Ty::strong(promote_weak(b.dtype, a.dtype.kind())),
            (false, true) => Ty::strong(promote_weak(a.dtype, b.dtype.kind())),
        }
    }
}

/// The result type of a strong `dtype` combined with a weak scalar of `kind` (NEP 50).
///
/// A scalar of the same or a lower kind never changes the array's dtype (a value that does
/// not fit it is an [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) when lowering); a
/// higher kind gives that kind's default dtype, except that complex keeps float32's
/// precision.
///
/// ```
/// use vex_expr::dtype::promote_weak;
/// use vex_expr::{DType, Kind};
///
/// assert_eq!(promote_weak(DType::U8, Kind::Int), DType::U8); // uint8_array + 1
/// assert_eq!(promote_weak(DType::Bool, Kind::Int), DType::I64); // bool_array + 1
/// assert_eq!(promote_weak(DType::I16, Kind::Float), DType::F64); // int16_array * 0.5
/// assert_eq!(promote_weak(DType::F32, Kind::Complex), DType::C64); // float32_array * 1j
/// ```
pub fn promote_weak(dtype: DType, kind: Kind) -> DType {
    if kind <= dtype.kind() {
        return dtype;
    }
    match kind {
        Kind::Bool => dtype,
        Kind::Int => DType::I64,
        // A Python float with an integer or bool array gives the default float, NumPy's
        // float64 (int8 * 2.5 is float64, not float16/32).
        Kind::Float => DType::F64,
        Kind::Complex => match dtype {
            DType::F32 => DType::C64,
            _ => DType::C128,
        },
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.weak {
            let k = match self.dtype.kind() {
                Kind::Bool => "bool",
                Kind::Int => "int",
                Kind::Float => "float",
                Kind::Complex => "complex",
            };
            write!(f, "python {k}")
        } else {
            write!(f, "{}", self.dtype)
        }
    }
}

/// A Rust element type that vex arrays can hold.
pub trait Element: Copy + Send + Sync + Default + PartialEq + fmt::Debug + 'static {
    /// The vex dtype of this Rust type.
    const DTYPE: DType;
}

macro_rules! impl_element {
    ($($t:ty => $d:ident),* $(,)?) => {
        $(impl Element for $t { const DTYPE: DType = DType::$d; })*
    };
}
impl_element!(
    bool => Bool, i8 => I8, i16 => I16, i32 => I32, i64 => I64,
    u8 => U8, u16 => U16, u32 => U32, u64 => U64,
    f32 => F32, f64 => F64, C64 => C64, C128 => C128,
);

/// Expands `$body` once per dtype with `$T` bound to the Rust element type, matching on a
/// [`DType`] value: `dispatch_dtype!(dt, T => size_of::<T>())`.
#[macro_export]
macro_rules! dispatch_dtype {
    ($dt:expr, $T:ident => $body:expr) => {
        match $dt {
            $crate::dtype::DType::Bool => {
                type $T = bool;
                $body
            }
            $crate::dtype::DType::I8 => {
                type $T = i8;
                $body
            }
            $crate::dtype::DType::I16 => {
                type $T = i16;
                $body
            }
            $crate::dtype::DType::I32 => {
                type $T = i32;
                $body
            }
            $crate::dtype::DType::I64 => {
                type $T = i64;
                $body
            }
            $crate::dtype::DType::U8 => {
                type $T = u8;
                $body
            }
            $crate::dtype::DType::U16 => {
                type $T = u16;
                $body
            }
            $crate::dtype::DType::U32 => {
                type $T = u32;
                $body
            }
            $crate::dtype::DType::U64 => {
                type $T = u64;
                $body
            }
            $crate::dtype::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::dtype::DType::F64 => {
                type $T = f64;
                $body
            }
            $crate::dtype::DType::C64 => {
                type $T = $crate::dtype::C64;
                $body
            }
            $crate::dtype::DType::C128 => {
                type $T = $crate::dtype::C128;
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::DType::*;
    use super::*;

    #[test]
    fn strong_promotion_matches_numpy_result_type() {
        // Values from numpy.result_type on NumPy 2.
        let cases = [
            (Bool, I8, I8),
            (I8, U8, I16),
            (I16, U16, I32),
            (I32, U32, I64),
            (I64, U64, F64),
            (U8, I64, I64),
            (U64, I8, F64),
            (I8, F32, F32),
            (I16, F32, F32),
            (I32, F32, F64),
            (U64, F32, F64),
            (F32, F64, F64),
            (F32, C64, C64),
            (F64, C64, C128),
            (I16, C64, C64),
            (I32, C64, C128),
            (U8, U32, U32),
        ];
        for (a, b, r) in cases {
            assert_eq!(DType::promote(a, b), r, "{a} with {b}");
            assert_eq!(DType::promote(b, a), r, "{b} with {a}");
        }
    }

    #[test]
    fn weak_scalars_follow_nep50() {
        let f32a = Ty::strong(F32);
        assert_eq!(Ty::promote(f32a, Ty::weak(Kind::Float)), Ty::strong(F32));
        assert_eq!(
            Ty::promote(Ty::strong(I8), Ty::weak(Kind::Int)),
            Ty::strong(I8)
        );
        assert_eq!(
            Ty::promote(Ty::strong(I8), Ty::weak(Kind::Float)),
            Ty::strong(F64)
        );
        assert_eq!(Ty::promote(f32a, Ty::weak(Kind::Complex)), Ty::strong(C64));
        assert_eq!(
            Ty::promote(Ty::strong(Bool), Ty::weak(Kind::Int)),
            Ty::strong(I64)
        );
        assert_eq!(
            Ty::promote(Ty::weak(Kind::Int), Ty::weak(Kind::Float)),
            Ty::weak(Kind::Float)
        );
    }
}
