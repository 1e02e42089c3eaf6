//! complex64/complex128 semantics: arithmetic (Smith's division), NumPy's lexicographic
//! ordering and NaN-propagating maximum/minimum, `sign`, and the exponential family
//! (`exp`, `log`, `sqrt`, `pow` and relatives) with C99 Annex G special values.
//!
//! NumPy calls the platform's C99 complex functions (glibc on Linux) and otherwise its
//! own ports of FreeBSD's msun; the algorithms here follow those, computing each
//! precision in itself.

use num_complex::Complex;

use crate::block::Block;
use crate::error::Result;
use crate::ir::{BinaryOp, Func};

use super::elem::Float;
use super::{ctrig, float, map1, map2, unsupported};

/// Applies `f` to every element, collecting complex results of precision `F`.
#[inline]
fn map1c<T: Copy, F: Float>(x: &[T], f: impl Fn(T) -> Complex<F>) -> Block {
    F::wrap_complex(x.iter().map(|&v| f(v)).collect())
}

/// Applies `f` pairwise, collecting complex results of precision `F`.
#[inline]
fn map2c<T: Copy, F: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> Complex<F>) -> Block {
    F::wrap_complex(a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect())
}

/// Shorthand constructor.
#[inline(always)]
pub(crate) fn c<F>(re: F, im: F) -> Complex<F> {
    Complex::new(re, im)
}

/// `(ac − bd) + (ad + bc)i`, the plain formula of NumPy's scalar code (used by `pow`).
#[inline]
pub(crate) fn mul<F: Float>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
}

/// The `*` operator as NumPy's array loops compute it on x86-64 (fused multiply-add:
/// `fma(a, c, −bd) + fma(a, d, bc)i`): one rounding less than [`mul`], and e.g.
/// `(1e300+1e300j)**2` is `-inf+infj` rather than `nan+infj`.
#[inline]
pub(crate) fn mul_fused<F: Float>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    c(
        a.re.mul_add(b.re, -(a.im * b.im)),
        a.re.mul_add(b.im, a.im * b.re),
    )
}

/// Smith's algorithm as in NumPy's division loop: scales by the larger component of the
/// divisor so that huge or tiny values do not overflow or underflow. Division by zero
/// gives inf/NaN components as real division would.
#[inline]
pub(crate) fn div<F: Float>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    let (abr, abi) = (b.re.abs(), b.im.abs());
    if abr >= abi {
        if abr == F::ZERO && abi == F::ZERO {
            c(a.re / abr, a.im / abr)
        } else {
            let rat = b.im / b.re;
            let scl = F::ONE / (b.re + b.im * rat);
            c((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl)
        }
    } else {
        // Also the path when b has a NaN component.
        let rat = b.re / b.im;
        let scl = F::ONE / (b.im + b.re * rat);
        c((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl)
    }
}

/// NumPy's complex ordering: lexicographic, but a NaN imaginary part spoils a decision
/// made on the real parts (so any NaN makes the comparison false).
#[inline]
fn lt<F: Float>(a: Complex<F>, b: Complex<F>) -> bool {
    (a.re < b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im < b.im)
}
#[inline]
fn le<F: Float>(a: Complex<F>, b: Complex<F>) -> bool {
    (a.re < b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im <= b.im)
}
#[inline]
fn gt<F: Float>(a: Complex<F>, b: Complex<F>) -> bool {
    (a.re > b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im > b.im)
}
#[inline]
fn ge<F: Float>(a: Complex<F>, b: Complex<F>) -> bool {
    (a.re > b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im >= b.im)
}

#[inline]
fn has_nan<F: Float>(z: Complex<F>) -> bool {
    z.re.is_nan() || z.im.is_nan()
}

/// The first operand with a NaN part, else the lexicographically larger (ties: `a`).
#[inline]
fn maximum<F: Float>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    if has_nan(a) || ge(a, b) {
        a
    } else {
        b
    }
}

#[inline]
fn minimum<F: Float>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    if has_nan(a) || le(a, b) {
        a
    } else {
        b
    }
}

/// NumPy 2's complex sign `z / |z|`, with 0 for 0, the unit direction of an infinite
/// component, and NaN when that is undefined.
#[inline]
fn sign<F: Float>(z: Complex<F>) -> Complex<F> {
    let abs = z.re.hypot(z.im);
    if abs.is_nan() {
        c(F::NAN, F::NAN)
    } else if abs.is_infinite() {
        if z.re.is_infinite() {
            if z.im.is_infinite() {
                c(F::NAN, F::NAN)
            } else {
                c(float::sign(z.re), F::ZERO)
            }
        } else {
            c(F::ZERO, float::sign(z.im))
        }
    } else if abs == F::ZERO {
        c(F::ZERO, F::ZERO)
    } else {
        c(z.re / abs, z.im / abs)
    }
}

/// `(sin y, cos y)`, skipping the calls for zero and subnormal `y` (exact there).
#[inline]
pub(crate) fn sin_cos<F: Float>(y: F) -> (F, F) {
    if y.abs() > F::MIN_POSITIVE {
        (y.sin(), y.cos())
    } else {
        (y, F::ONE)
    }
}

/// `exp(x)·k·(cos + i sin)` for `x > EXP_SPLIT`, where `exp(x)` alone overflows but the
/// product may not: the factor `exp(EXP_SPLIT)` is applied to the small factors first
/// (glibc's method). `k` is 1 or 1/2 (for cosh/sinh).
pub(crate) fn exp_cis_large<F: Float>(x: F, k: F, cos: F, sin: F) -> Complex<F> {
    let t = F::EXP_SPLIT;
    let et = t.exp();
    let mut x = x - t;
    let (mut cs, mut sn) = (cos * (et * k), sin * (et * k));
    if x > t {
        x -= t;
        cs *= et;
        sn *= et;
    }
    if x > t {
        // Overflows for certain (x > 3t), except for exact zeros.
        c(F::MAX * cs, F::MAX * sn)
    } else {
        let e = x.exp();
        c(e * cs, e * sn)
    }
}

/// Complex exponential with C99 Annex G special values.
pub(crate) fn exp<F: Float>(z: Complex<F>) -> Complex<F> {
    let (r, i) = (z.re, z.im);
    if r.is_finite() {
        if !i.is_finite() {
            return c(F::NAN, F::NAN);
        }
        let (s, cs) = sin_cos(i);
        if r > F::EXP_SPLIT {
            exp_cis_large(r, F::ONE, cs, s)
        } else {
            let e = r.exp();
            c(e * cs, e * s)
        }
    } else if r.is_nan() {
        if i == F::ZERO {
            z
        } else {
            c(r, F::NAN)
        }
    } else if r > F::ZERO {
        if i == F::ZERO {
            z
        } else if i.is_finite() {
            c(r * i.cos(), r * i.sin())
        } else {
            c(r, F::NAN)
        }
    } else if i.is_finite() {
        // exp(−inf) = +0 times the direction of i: signed zeros.
        c(F::ZERO * i.cos(), F::ZERO * i.sin())
    } else {
        c(F::ZERO, F::ZERO.copysign(i))
    }
}

/// Natural logarithm, principal branch (imaginary part in (−π, π], the sign of a zero
/// imaginary part selecting the side of the cut). CPython's and NumPy's method: rescale
/// huge and subnormal arguments, and use `log1p` of an exact `|z|² − 1` when `|z|` is
/// near 1.
pub(crate) fn log<F: Float>(z: Complex<F>) -> Complex<F> {
    let (ax, ay) = (z.re.abs(), z.im.abs());
    if ax.is_nan() && ay.is_finite() {
        return c(ax, F::NAN);
    }
    let quarter_max = F::MAX * F::HALF * F::HALF;
    let rr = if ax > quarter_max || ay > quarter_max {
        (ax * F::HALF).hypot(ay * F::HALF).ln() + F::LN_2
    } else if ax < F::MIN_POSITIVE && ay < F::MIN_POSITIVE {
        if ax > F::ZERO || ay > F::ZERO {
            let s = F::TWO_POW_MANT;
            (ax * s).hypot(ay * s).ln() - F::from_f64(f64::from(F::MANT_DIG)) * F::LN_2
        } else {
            // log(±0 ± 0i) = −inf + i·arg.
            return c(-F::INFINITY, z.im.atan2(z.re));
        }
    } else {
        let h = ax.hypot(ay);
        if F::from_f64(0.71) <= h && h <= F::from_f64(1.73) {
            let (am, an) = if ax >= ay { (ax, ay) } else { (ay, ax) };
            x2y2m1(am, an).ln_1p() * F::HALF
        } else {
            h.ln()
        }
    };
    c(rr, z.im.atan2(z.re))
}

/// `x² + y² − 1` without cancellation near the unit circle (glibc's method, which
/// NumPy's `log` inherits): the squares are split exactly into high and low parts with
/// fused multiply-adds, and the parts summed with compensation.
///
/// Requires `x ≥ y ≥ 0` with `x²` near `[1/2, 2]`.
fn x2y2m1<F: Float>(x: F, y: F) -> F {
    let (hx, hy) = (x * x, y * y);
    let (lx, ly) = (x.mul_add(x, -hx), y.mul_add(y, -hy));
    // hx − 1 is exact where it matters (hx in [1/2, 2], Sterbenz).
    let (mut sum, mut comp) = (hx - F::ONE, F::ZERO);
    for t in [hy, lx, ly] {
        let s = sum + t;
        comp += if sum.abs() >= t.abs() {
            (sum - s) + t
        } else {
            (t - s) + sum
        };
        sum = s;
    }
    sum + comp
}

/// Principal square root (real part ≥ 0), Annex G special values, scaled against
/// overflow (FreeBSD's method, as NumPy's fallback).
pub(crate) fn sqrt<F: Float>(z: Complex<F>) -> Complex<F> {
    let (mut a, mut b) = (z.re, z.im);
    if a == F::ZERO && b == F::ZERO {
        return c(F::ZERO, b);
    }
    if b.is_infinite() {
        return c(F::INFINITY, b);
    }
    if a.is_nan() {
        return c(a, F::NAN);
    }
    if a.is_infinite() {
        // sqrt(inf + iy) = inf + 0i; sqrt(−inf + iy) = 0 + inf·i; NaN y stays NaN.
        return if a.is_sign_negative() {
            c((b * F::ZERO).abs(), F::INFINITY.copysign(b))
        } else {
            c(a, b * F::ZERO)
        };
    }
    let thresh = F::MAX / (F::ONE + F::SQRT_2);
    let scale = a.abs() >= thresh || b.abs() >= thresh;
    if scale {
        let q = F::HALF * F::HALF;
        a *= q;
        b *= q;
    }
    let r = if a >= F::ZERO {
        let t = ((a + a.hypot(b)) * F::HALF).sqrt();
        c(t, b / (F::TWO * t))
    } else {
        let t = ((-a + a.hypot(b)) * F::HALF).sqrt();
        c(b.abs() / (F::TWO * t), t.copysign(b))
    };
    if scale {
        c(r.re * F::TWO, r.im * F::TWO)
    } else {
        r
    }
}

/// `a ** b` as NumPy's `npy_cpow`: `x**0 = 1`; `0**b` is 0 for `Re b > 0` and NaN
/// otherwise; integral real exponents below 100 in magnitude by repeated multiplication
/// (exact for small powers, and what NumPy returns); otherwise `exp(b·log a)`.
pub(crate) fn pow<F: Float>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    let one = c(F::ONE, F::ZERO);
    if b.re == F::ZERO && b.im == F::ZERO {
        return one;
    }
    if a.re == F::ZERO && a.im == F::ZERO {
        return if b.re > F::ZERO {
            c(F::ZERO, F::ZERO)
        } else {
            c(F::NAN, F::NAN)
        };
    }
    let hundred = F::from_f64(100.0);
    if b.im == F::ZERO && b.re > -hundred && b.re < hundred && b.re.trunc() == b.re {
        // Integral and below 100 in magnitude: the conversion is exact.
        let n = b.re.to_i32();
        match n {
            1 => return a,
            2 => return mul(a, a),
            3 => return mul(a, mul(a, a)),
            _ => {
                let mut n = n.unsigned_abs();
                let mut acc = one;
                let mut p = a;
                // Binary powering in NumPy's order, starting from an explicit 1·p so that
                // infinities behave exactly as there.
                loop {
                    if n & 1 == 1 {
                        acc = mul(acc, p);
                    }
                    n >>= 1;
                    if n == 0 {
                        break;
                    }
                    p = mul(p, p);
                }
                return if b.re < F::ZERO { div(one, acc) } else { acc };
            }
        }
    }
    let l = log(a);
    exp(c(l.re * b.re - l.im * b.im, l.re * b.im + l.im * b.re))
}

/// `log(1 + z)`. NumPy computes `log(hypot(1 + x, y))`, which loses all accuracy for
/// small `z`; this uses `log1p` on `x(2 + x) + y²` near 0 and agrees elsewhere.
fn log1p<F: Float>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    let xp1 = x + F::ONE;
    if x.abs() < F::HALF && y.abs() < F::HALF {
        c((x * (F::TWO + x) + y * y).ln_1p() * F::HALF, y.atan2(xp1))
    } else {
        c(log(c(xp1, y)).re, y.atan2(xp1))
    }
}

/// `exp(z) − 1` as NumPy: `expm1(x)cos(y) − 2sin²(y/2)` + `i·exp(x)sin(y)`.
fn expm1<F: Float>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    let h = (y * F::HALF).sin();
    c(x.exp_m1() * y.cos() - F::TWO * h * h, x.exp() * y.sin())
}

/// `log(z)` scaled componentwise, as NumPy's `log10`/`log2` of complex.
fn log_scaled<F: Float>(z: Complex<F>, k: F) -> Complex<F> {
    let l = log(z);
    c(l.re * k, l.im * k)
}

/// Complex binary operators. `//`, `%`, bitwise operators and shifts are not defined.
pub(crate) fn binary<F: Float>(op: BinaryOp, a: &[Complex<F>], b: &[Complex<F>]) -> Result<Block> {
    use BinaryOp::*;
    Ok(match op {
        Add => map2c(a, b, |x, y| c(x.re + y.re, x.im + y.im)),
        Sub => map2c(a, b, |x, y| c(x.re - y.re, x.im - y.im)),
        Mul => map2c(a, b, mul_fused),
        Div => map2c(a, b, div),
        Pow => map2c(a, b, pow),
        Lt => map2(a, b, lt),
        Le => map2(a, b, le),
        Gt => map2(a, b, gt),
        Ge => map2(a, b, ge),
        Eq => map2(a, b, |x: Complex<F>, y: Complex<F>| {
            x.re == y.re && x.im == y.im
        }),
        Ne => map2(a, b, |x: Complex<F>, y: Complex<F>| {
            x.re != y.re || x.im != y.im
        }),
        FloorDiv | Mod | And | Or | Xor | Shl | Shr => {
            return Err(unsupported(op.symbol(), F::COMPLEX_DTYPE))
        }
    })
}

/// `-z`.
pub(crate) fn neg<F: Float>(x: &[Complex<F>]) -> Block {
    map1c(x, |z: Complex<F>| c(-z.re, -z.im))
}

/// Complex functions of one operand.
pub(crate) fn call1<F: Float>(f: Func, x: &[Complex<F>]) -> Result<Block> {
    use Func::*;
    Ok(match f {
        IsNan => map1(x, has_nan),
        IsFinite => map1(x, |z| z.re.is_finite() && z.im.is_finite()),
        IsInf => map1(x, |z| z.re.is_infinite() || z.im.is_infinite()),
        Sin => map1c(x, ctrig::sin),
        Cos => map1c(x, ctrig::cos),
        Tan => map1c(x, ctrig::tan),
        Arcsin => map1c(x, ctrig::asin),
        Arccos => map1c(x, ctrig::acos),
        Arctan => map1c(x, ctrig::atan),
        Sinh => map1c(x, ctrig::sinh),
        Cosh => map1c(x, ctrig::cosh),
        Tanh => map1c(x, ctrig::tanh),
        Arcsinh => map1c(x, ctrig::asinh),
        Arccosh => map1c(x, ctrig::acosh),
        Arctanh => map1c(x, ctrig::atanh),
        Exp => map1c(x, exp),
        Expm1 => map1c(x, expm1),
        Log => map1c(x, log),
        Log1p => map1c(x, log1p),
        Log10 => map1c(x, |z| log_scaled(z, F::LOG10_E)),
        Log2 => map1c(x, |z| log_scaled(z, F::LOG2_E)),
        Sqrt => map1c(x, sqrt),
        Round => map1c(x, |z| c(z.re.round_ties_even(), z.im.round_ties_even())),
        Sign => map1c(x, sign),
        Conj => map1c(x, |z| c(z.re, -z.im)),
        Abs => map1(x, |z| z.re.hypot(z.im)),
        Real => map1(x, |z| z.re),
        Imag => map1(x, |z| z.im),
        SignBit | Cbrt | Ceil | Floor | Trunc | Arctan2 | Hypot | Nextafter | Copysign
        | Logaddexp | Fmod | Maximum | Minimum | Complex => {
            return Err(unsupported(f.name(), F::COMPLEX_DTYPE))
        }
    })
}

/// Complex functions of two operands: only `maximum` and `minimum`.
pub(crate) fn call2<F: Float>(f: Func, a: &[Complex<F>], b: &[Complex<F>]) -> Result<Block> {
    match f {
        Func::Maximum => Ok(map2c(a, b, maximum)),
        Func::Minimum => Ok(map2c(a, b, minimum)),
        _ => Err(unsupported(f.name(), F::COMPLEX_DTYPE)),
    }
}
