//! The element traits the kernels are generic over: [`Int`] for the eight integer types
//! and [`Float`] for f32/f64 (also the component type of complex64/complex128).
//!
//! Each trait is implemented once per Rust type by a macro, so every kernel is
//! monomorphized per dtype and its per-element work is straight-line code.

use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Rem, Sub, SubAssign};

use num_complex::Complex;

use crate::block::{Block, BlockElement};
use crate::dtype::{DType, Element};

/// An integer element type with NumPy's (wrapping, Python-flavoured) semantics.
pub(crate) trait Int: BlockElement + Ord {
    const ZERO: Self;

    fn wrapping_add(self, b: Self) -> Self;
    fn wrapping_sub(self, b: Self) -> Self;
    fn wrapping_mul(self, b: Self) -> Self;
    fn wrapping_neg(self) -> Self;
    fn not(self) -> Self;
    fn and(self, b: Self) -> Self;
    fn or(self, b: Self) -> Self;
    fn xor(self, b: Self) -> Self;
    /// Python's `//`: rounds toward −∞; by zero gives 0; `MIN // -1` wraps to `MIN`.
    fn floor_div(self, b: Self) -> Self;
    /// Python's `%`: the sign of the divisor; by zero gives 0.
    fn py_mod(self, b: Self) -> Self;
    /// C's `%`: the sign of the dividend; by zero gives 0.
    fn c_fmod(self, b: Self) -> Self;
    /// `self << b`, 0 when `b` is negative or at least the bit width (NumPy's npy_lshift).
    fn shl(self, b: Self) -> Self;
    /// `self >> b` (arithmetic for signed types); out-of-range counts give 0, or −1 for a
    /// negative `self` (NumPy's npy_rshift).
    fn shr(self, b: Self) -> Self;
    /// `self ** b` by repeated squaring, wrapping; `None` for a negative exponent.
    fn pow(self, b: Self) -> Option<Self>;
    fn is_negative(self) -> bool;
    /// −1, 0 or 1.
    fn sign(self) -> Self;
    /// Wrapping absolute value (`abs(MIN) == MIN`).
    fn wrapping_abs(self) -> Self;
}

/// The parts of [`Int`] that differ between signed and unsigned types.
macro_rules! impl_int {
    ($($t:ty => $u:ty, $signed:expr;)*) => {$(
        impl Int for $t {
            const ZERO: Self = 0;

            #[inline(always)]
            fn wrapping_add(self, b: Self) -> Self { <$t>::wrapping_add(self, b) }
            #[inline(always)]
            fn wrapping_sub(self, b: Self) -> Self { <$t>::wrapping_sub(self, b) }
            #[inline(always)]
            fn wrapping_mul(self, b: Self) -> Self { <$t>::wrapping_mul(self, b) }
            #[inline(always)]
            fn wrapping_neg(self) -> Self { <$t>::wrapping_neg(self) }
            #[inline(always)]
            fn not(self) -> Self { !self }
            #[inline(always)]
            fn and(self, b: Self) -> Self { self & b }
            #[inline(always)]
            fn or(self, b: Self) -> Self { self | b }
            #[inline(always)]
            fn xor(self, b: Self) -> Self { self ^ b }

            #[inline(always)]
            fn floor_div(self, b: Self) -> Self {
                if b == 0 {
                    return 0;
                }
                let q = self.wrapping_div(b);
                let r = self.wrapping_rem(b);
                // A non-zero remainder whose sign differs from the divisor's means the
                // truncated quotient is one above the floor (never at MIN: |q| < |MIN|).
                if $signed && r != 0 && ((r as $u) ^ (b as $u)) >> (<$t>::BITS - 1) != 0 {
                    q - 1
                } else {
                    q
                }
            }

            #[inline(always)]
            fn py_mod(self, b: Self) -> Self {
                if b == 0 {
                    return 0;
                }
                let r = self.wrapping_rem(b);
                if $signed && r != 0 && ((r as $u) ^ (b as $u)) >> (<$t>::BITS - 1) != 0 {
                    r.wrapping_add(b)
                } else {
                    r
                }
            }

            #[inline(always)]
            fn c_fmod(self, b: Self) -> Self {
                if b == 0 { 0 } else { self.wrapping_rem(b) }
            }

            #[inline(always)]
            fn shl(self, b: Self) -> Self {
                // A negative count becomes huge as unsigned, so one test covers both.
                if (b as $u as u64) < u64::from(<$t>::BITS) {
                    self.wrapping_shl(b as u32)
                } else {
                    0
                }
            }

            #[inline(always)]
            fn shr(self, b: Self) -> Self {
                if (b as $u as u64) < u64::from(<$t>::BITS) {
                    self.wrapping_shr(b as u32)
                } else if Int::is_negative(self) {
                    // All ones: −1 for the signed types (unsigned never get here).
                    !0
                } else {
                    0
                }
            }

            #[inline(always)]
            fn pow(self, b: Self) -> Option<Self> {
                if Int::is_negative(b) {
                    return None;
                }
                let mut exp = b as $u;
                let mut base = self;
                let mut acc: $t = 1;
                while exp != 0 {
                    if exp & 1 == 1 {
                        acc = acc.wrapping_mul(base);
                    }
                    exp >>= 1;
                    if exp != 0 {
                        base = base.wrapping_mul(base);
                    }
                }
                Some(acc)
            }

            #[inline(always)]
            #[allow(unused_comparisons)]
            fn is_negative(self) -> bool { self < 0 }

            #[inline(always)]
            #[allow(unused_comparisons)]
            fn sign(self) -> Self {
                // `as` from bool is 0/1; the subtraction only matters for signed types,
                // and for unsigned ones `self < 0` is always false.
                (self > 0) as $t - (self < 0) as $t
            }

            #[inline(always)]
            fn wrapping_abs(self) -> Self {
                if Int::is_negative(self) { self.wrapping_neg() } else { self }
            }
        }
    )*};
}

impl_int! {
    i8 => u8, true;
    i16 => u16, true;
    i32 => u32, true;
    i64 => u64, true;
    u8 => u8, false;
    u16 => u16, false;
    u32 => u32, false;
    u64 => u64, false;
}

/// An IEEE binary floating-point type: f32 or f64.
///
/// The transcendental methods forward to Rust's `std`, which calls the platform libm (as
/// NumPy does), computing f32 in f32. The constants parameterize the precision-dependent
/// algorithms (complex functions, accurate inverse hyperbolics).
pub(crate) trait Float:
    BlockElement
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Rem<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
{
    const ZERO: Self;
    const ONE: Self;
    const TWO: Self;
    const HALF: Self;
    const NAN: Self;
    const INFINITY: Self;
    const EPSILON: Self;
    const MAX: Self;
    /// The smallest positive normal value.
    const MIN_POSITIVE: Self;
    const LN_2: Self;
    const E: Self;
    const FRAC_PI_2: Self;
    const LOG10_E: Self;
    const LOG2_E: Self;
    const SQRT_2: Self;
    /// Mantissa digits, 24 or 53.
    const MANT_DIG: i32;
    /// One above the largest binary exponent (1024 for f64); the exponent bias is one less.
    const MAX_EXP: i32;
    /// `2**MANT_DIG`: scales subnormals into the normal range exactly.
    const TWO_POW_MANT: Self;
    /// The largest integer `t` with `exp(t)` finite: the reduction step for `exp(x)·c`
    /// when `exp(x)` alone would overflow.
    const EXP_SPLIT: Self;
    /// Below this magnitude `asinh(x)`, `atanh(x)` round to `x` (2**-28 for f64).
    const TINY_ARG: Self;
    /// Above this magnitude `asinh(x)`, `acosh(x)` are `ln(2|x|)` to working precision.
    const LARGE_ARG: Self;
    /// `sqrt(MIN_POSITIVE)`.
    const SQRT_MIN: Self;
    /// `sqrt(MAX) / 4`.
    const QUARTER_SQRT_MAX: Self;
    /// `π/2 − FRAC_PI_2`: the rounding error of `FRAC_PI_2`, for results near π/2.
    const PIO2_LO: Self;
    /// `sqrt(6 * EPSILON)` and `sqrt(3 * EPSILON)`: below these the complex inverse
    /// functions are the identity to working precision.
    const SQRT_6_EPSILON: Self;
    const SQRT_3_EPSILON: Self;

    /// The dtype of complex values with this component type.
    const COMPLEX_DTYPE: DType;

    /// Rounds an f64 constant to this precision.
    fn from_f64(x: f64) -> Self;
    /// `self as i32` (truncating, saturating).
    fn to_i32(self) -> i32;
    /// Packs a vector of complex values of this precision into a block.
    fn wrap_complex(v: Vec<Complex<Self>>) -> Block;
    /// `2**n` for `n` in the normal exponent range.
    fn pow2(n: i32) -> Self;
    /// The raw (biased) exponent field: 0 for zeros and subnormals, all ones for inf/NaN.
    fn biased_exponent(self) -> i32;

    fn is_nan(self) -> bool;
    fn is_finite(self) -> bool;
    fn is_infinite(self) -> bool;
    fn is_sign_negative(self) -> bool;
    fn abs(self) -> Self;
    fn copysign(self, sign: Self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn trunc(self) -> Self;
    fn round_ties_even(self) -> Self;
    fn next_up(self) -> Self;
    fn next_down(self) -> Self;
    fn sqrt(self) -> Self;
    fn cbrt(self) -> Self;
    fn exp(self) -> Self;
    fn exp_m1(self) -> Self;
    fn ln(self) -> Self;
    fn ln_1p(self) -> Self;
    fn log10(self) -> Self;
    fn log2(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn asin(self) -> Self;
    fn acos(self) -> Self;
    fn atan(self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn tanh(self) -> Self;
    fn atan2(self, x: Self) -> Self;
    fn hypot(self, b: Self) -> Self;
    fn powf(self, b: Self) -> Self;
    /// `self * a + b` with a single rounding.
    fn mul_add(self, a: Self, b: Self) -> Self;
}

macro_rules! forward {
    ($t:ty; $($m:ident),*) => {$(
        #[inline(always)]
        fn $m(self) -> Self { <$t>::$m(self) }
    )*};
}

macro_rules! forward2 {
    ($t:ty; $($m:ident),*) => {$(
        #[inline(always)]
        fn $m(self, b: Self) -> Self { <$t>::$m(self, b) }
    )*};
}

macro_rules! impl_float {
    ($t:ident, $bits:ty, $mant:expr, { $($consts:tt)* }) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const TWO: Self = 2.0;
            const HALF: Self = 0.5;
            const NAN: Self = $t::NAN;
            const INFINITY: Self = $t::INFINITY;
            const EPSILON: Self = $t::EPSILON;
            const MAX: Self = $t::MAX;
            const MIN_POSITIVE: Self = $t::MIN_POSITIVE;
            const LN_2: Self = std::$t::consts::LN_2;
            const E: Self = std::$t::consts::E;
            const FRAC_PI_2: Self = std::$t::consts::FRAC_PI_2;
            const LOG10_E: Self = std::$t::consts::LOG10_E;
            const LOG2_E: Self = std::$t::consts::LOG2_E;
            const SQRT_2: Self = std::$t::consts::SQRT_2;
            const MANT_DIG: i32 = $mant;
            const MAX_EXP: i32 = $t::MAX_EXP;
            const COMPLEX_DTYPE: DType = <Complex<$t> as Element>::DTYPE;
            const TWO_POW_MANT: Self = (1u64 << $mant) as $t;
            $($consts)*

            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn to_i32(self) -> i32 {
                self as i32
            }
            #[inline]
            fn wrap_complex(v: Vec<Complex<Self>>) -> Block {
                <Complex<$t> as BlockElement>::wrap(v)
            }
            #[inline]
            fn pow2(n: i32) -> Self {
                let biased = (n + $t::MAX_EXP - 1) as $bits;
                $t::from_bits(biased << ($mant - 1))
            }
            #[inline]
            fn biased_exponent(self) -> i32 {
                ((self.to_bits() >> ($mant - 1)) & ((1 << (<$bits>::BITS - $mant)) - 1)) as i32
            }

            #[inline(always)]
            fn is_nan(self) -> bool { $t::is_nan(self) }
            #[inline(always)]
            fn is_finite(self) -> bool { $t::is_finite(self) }
            #[inline(always)]
            fn is_infinite(self) -> bool { $t::is_infinite(self) }
            #[inline(always)]
            fn is_sign_negative(self) -> bool { $t::is_sign_negative(self) }
            forward!($t; abs, floor, ceil, trunc, round_ties_even, next_up, next_down, sqrt,
                cbrt, exp, exp_m1, ln, ln_1p, log10, log2, sin, cos, tan, asin, acos, atan,
                sinh, cosh, tanh);
            forward2!($t; copysign, atan2, hypot, powf);
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self { <$t>::mul_add(self, a, b) }
        }
    };
}

impl_float!(f32, u32, 24, {
    const EXP_SPLIT: Self = 88.0;
    const TINY_ARG: Self = 1.0 / 4096.0;
    const LARGE_ARG: Self = 4096.0;
    const SQRT_MIN: Self = 1.084_202_2e-19;
    const QUARTER_SQRT_MAX: Self = 4.611_686e18;
    const SQRT_6_EPSILON: Self = 8.457_279e-4;
    const SQRT_3_EPSILON: Self = 5.980_2e-4;
    const PIO2_LO: Self = -4.371_139e-8;
});
impl_float!(f64, u64, 53, {
    const EXP_SPLIT: Self = 709.0;
    const TINY_ARG: Self = 1.0 / 268_435_456.0;
    const LARGE_ARG: Self = 268_435_456.0;
    const SQRT_MIN: Self = 1.491_668_146_240_041_3e-154;
    const QUARTER_SQRT_MAX: Self = 3.351_951_982_485_649e153;
    const SQRT_6_EPSILON: Self = 3.650_024_149_988_857e-8;
    const SQRT_3_EPSILON: Self = 2.580_956_827_951_785e-8;
    const PIO2_LO: Self = 6.123_233_995_736_766e-17;
});
