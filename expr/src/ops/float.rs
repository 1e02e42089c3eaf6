//! float32/float64 semantics: NumPy's floor division and modulo, NaN-propagating
//! maximum/minimum, `sign`, `logaddexp`, `nextafter`, and inverse hyperbolic functions
//! more accurate than Rust's `std` versions (which overflow for huge arguments and lose
//! digits near 1).

use crate::block::Block;
use crate::error::Result;
use crate::ir::{BinaryOp, Func};

use super::elem::Float;
use super::{compare, map1, map2, unsupported};

/// Python's `divmod` for floats, exactly as NumPy's `npy_divmod`: the remainder has the
/// sign of the divisor (zero remainders take the divisor's sign) and the quotient is the
/// floor, snapped to the nearest integer to undo rounding in `(a - mod) / b`.
///
/// `b == 0` is handled by the callers (`a / b` for the quotient, NaN for the remainder).
#[inline]
fn divmod<F: Float>(a: F, b: F) -> (F, F) {
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != F::ZERO {
        if (b < F::ZERO) != (m < F::ZERO) {
            m += b;
            div -= F::ONE;
        }
    } else {
        m = F::ZERO.copysign(b);
    }
    let floordiv = if div != F::ZERO {
        let f = div.floor();
        if div - f > F::HALF {
            f + F::ONE
        } else {
            f
        }
    } else {
        F::ZERO.copysign(a / b)
    };
    (floordiv, m)
}

/// `a // b` as NumPy computes it for floats.
#[inline]
pub(crate) fn floor_div<F: Float>(a: F, b: F) -> F {
    if b == F::ZERO {
        a / b
    } else {
        divmod(a, b).0
    }
}

/// `a % b` as NumPy computes it for floats (sign of the divisor).
#[inline]
pub(crate) fn py_mod<F: Float>(a: F, b: F) -> F {
    if b == F::ZERO {
        // fmod by zero: NaN.
        a % b
    } else {
        divmod(a, b).1
    }
}

/// NaN-propagating maximum: the first NaN operand if any, otherwise the larger one. On
/// ties (`-0.0` vs `0.0`) NumPy's x86-64 loops return the second operand, and so do we.
#[inline]
pub(crate) fn maximum<F: Float>(a: F, b: F) -> F {
    if a > b || a.is_nan() {
        a
    } else {
        b
    }
}

/// NaN-propagating minimum, see [`maximum`].
#[inline]
pub(crate) fn minimum<F: Float>(a: F, b: F) -> F {
    if a < b || a.is_nan() {
        a
    } else {
        b
    }
}

/// −1, +0 or 1; NaN for NaN (NumPy: `sign(-0.0)` is `+0.0`).
#[inline]
pub(crate) fn sign<F: Float>(x: F) -> F {
    if x > F::ZERO {
        F::ONE
    } else if x < F::ZERO {
        -F::ONE
    } else if x == F::ZERO {
        F::ZERO
    } else {
        x
    }
}

/// `log(exp(a) + exp(b))` without overflow, as NumPy's `npy_logaddexp`.
#[inline]
pub(crate) fn logaddexp<F: Float>(a: F, b: F) -> F {
    if a == b {
        // Also covers equal infinities, where a - b would be NaN.
        return a + F::LN_2;
    }
    let d = a - b;
    if d > F::ZERO {
        a + (-d).exp().ln_1p()
    } else if d <= F::ZERO {
        b + d.exp().ln_1p()
    } else {
        // NaN in either operand.
        d
    }
}

/// C's `nextafter`: the next representable value after `a` toward `b`.
#[inline]
pub(crate) fn nextafter<F: Float>(a: F, b: F) -> F {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        b
    } else if a < b {
        a.next_up()
    } else {
        a.next_down()
    }
}

/// `asinh(x)`, accurate to a few ulps over the whole range (FreeBSD's method).
pub(crate) fn asinh<F: Float>(x: F) -> F {
    let ax = x.abs();
    if !ax.is_finite() || ax < F::TINY_ARG {
        // ±inf, NaN, ±0 and tiny values are their own asinh.
        return x;
    }
    let r = if ax > F::LARGE_ARG {
        ax.ln() + F::LN_2
    } else if ax > F::TWO {
        (F::TWO * ax + F::ONE / ((ax * ax + F::ONE).sqrt() + ax)).ln()
    } else {
        let t = ax * ax;
        (ax + t / (F::ONE + (F::ONE + t).sqrt())).ln_1p()
    };
    r.copysign(x)
}

/// `acosh(x)`, accurate near 1 and without overflow for huge `x`.
pub(crate) fn acosh<F: Float>(x: F) -> F {
    if x.is_nan() || x < F::ONE {
        F::NAN
    } else if x > F::LARGE_ARG {
        // Also +inf.
        x.ln() + F::LN_2
    } else if x > F::TWO {
        (F::TWO * x - F::ONE / (x + (x * x - F::ONE).sqrt())).ln()
    } else {
        let t = x - F::ONE;
        (t + (F::TWO * t + t * t).sqrt()).ln_1p()
    }
}

/// `atanh(x)` via `log1p`, accurate for small `x` and near ±1.
pub(crate) fn atanh<F: Float>(x: F) -> F {
    let ax = x.abs();
    if ax.is_nan() || ax > F::ONE {
        return F::NAN;
    }
    if ax < F::TINY_ARG {
        return x;
    }
    let r = if ax < F::HALF {
        let t = ax + ax;
        F::HALF * (t + t * ax / (F::ONE - ax)).ln_1p()
    } else {
        // ax == 1 gives +inf.
        F::HALF * ((ax + ax) / (F::ONE - ax)).ln_1p()
    };
    r.copysign(x)
}

/// Float binary operators.
pub(crate) fn binary<F: Float>(op: BinaryOp, a: &[F], b: &[F]) -> Result<Block> {
    use BinaryOp::*;
    Ok(match op {
        Add => map2(a, b, |x, y| x + y),
        Sub => map2(a, b, |x, y| x - y),
        Mul => map2(a, b, |x, y| x * y),
        Div => map2(a, b, |x, y| x / y),
        FloorDiv => map2(a, b, floor_div),
        Mod => map2(a, b, py_mod),
        Pow => map2(a, b, F::powf),
        Lt | Le | Eq | Ne | Ge | Gt => compare(op, a, b),
        And | Or | Xor | Shl | Shr => return Err(unsupported(op.symbol(), F::DTYPE)),
    })
}

/// Float functions of one operand.
pub(crate) fn call1<F: Float>(f: Func, x: &[F]) -> Result<Block> {
    use Func::*;
    Ok(match f {
        IsNan => map1(x, F::is_nan),
        IsFinite => map1(x, F::is_finite),
        IsInf => map1(x, F::is_infinite),
        SignBit => map1(x, F::is_sign_negative),
        Sin => map1(x, F::sin),
        Cos => map1(x, F::cos),
        Tan => map1(x, F::tan),
        Arcsin => map1(x, F::asin),
        Arccos => map1(x, F::acos),
        Arctan => map1(x, F::atan),
        Sinh => map1(x, F::sinh),
        Cosh => map1(x, F::cosh),
        Tanh => map1(x, F::tanh),
        Arcsinh => map1(x, asinh),
        Arccosh => map1(x, acosh),
        Arctanh => map1(x, atanh),
        Exp => map1(x, F::exp),
        Expm1 => map1(x, F::exp_m1),
        Log => map1(x, F::ln),
        Log1p => map1(x, F::ln_1p),
        Log10 => map1(x, F::log10),
        Log2 => map1(x, F::log2),
        Sqrt => map1(x, F::sqrt),
        Cbrt => map1(x, F::cbrt),
        Ceil => map1(x, F::ceil),
        Floor => map1(x, F::floor),
        Trunc => map1(x, F::trunc),
        Round => map1(x, F::round_ties_even),
        Sign => map1(x, sign),
        Abs => map1(x, F::abs),
        Conj | Real | Imag | Arctan2 | Hypot | Nextafter | Copysign | Logaddexp | Fmod
        | Maximum | Minimum | Complex => return Err(unsupported(f.name(), F::DTYPE)),
    })
}

/// Float functions of two operands.
pub(crate) fn call2<F: Float>(f: Func, a: &[F], b: &[F]) -> Result<Block> {
    use Func::*;
    Ok(match f {
        Arctan2 => map2(a, b, F::atan2),
        Hypot => map2(a, b, F::hypot),
        Nextafter => map2(a, b, nextafter),
        Copysign => map2(a, b, F::copysign),
        Logaddexp => map2(a, b, logaddexp),
        Fmod => map2(a, b, |x, y| x % y),
        Maximum => map2(a, b, maximum),
        Minimum => map2(a, b, minimum),
        Complex => F::wrap_complex(
            a.iter()
                .zip(b)
                .map(|(&re, &im)| num_complex::Complex::new(re, im))
                .collect(),
        ),
        _ => return Err(unsupported(f.name(), F::DTYPE)),
    })
}
