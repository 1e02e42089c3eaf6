//! Complex trigonometric and hyperbolic functions and their inverses, principal branches
//! with C99 Annex G special values.
//!
//! `sinh`/`cosh` follow FreeBSD's msun with glibc's scaling for arguments whose `exp`
//! overflows, `tanh` follows glibc. The inverses follow Hull, Fairgrieve and Tang,
//! "Implementing the complex arcsine and arccosine functions using exception handling"
//! (ACM TOMS 23(3), 1997) as FreeBSD's `catrig.c` does: accurate to a few ulps
//! everywhere, including near the branch points and for huge arguments. The circular
//! functions are the hyperbolic ones rotated by `i`.

use num_complex::Complex;

use super::complex::{c, exp_cis_large, sin_cos};
use super::elem::Float;
use super::float;

/// `(b, a)` for `a + bi`: the map `z ↦ i·conj(z)`, an involution that turns the
/// hyperbolic inverses into the circular ones.
#[inline]
fn swap<F: Float>(z: Complex<F>) -> Complex<F> {
    c(z.im, z.re)
}

/// `i·z`.
#[inline]
fn mul_i<F: Float>(z: Complex<F>) -> Complex<F> {
    c(-z.im, z.re)
}

/// `−i·z`.
#[inline]
fn mul_neg_i<F: Float>(z: Complex<F>) -> Complex<F> {
    c(z.im, -z.re)
}

pub(crate) fn sinh<F: Float>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    let (xfin, yfin) = (x.is_finite(), y.is_finite());
    if xfin && yfin {
        if y == F::ZERO {
            return c(x.sinh(), y);
        }
        let (s, cs) = sin_cos(y);
        let ax = x.abs();
        return if ax > F::EXP_SPLIT {
            // sinh(x) ≈ sign(x)·exp(|x|)/2 and cosh(x) ≈ exp(|x|)/2.
            let cs = if x < F::ZERO { -cs } else { cs };
            exp_cis_large(ax, F::HALF, cs, s)
        } else {
            c(x.sinh() * cs, x.cosh() * s)
        };
    }
    if x == F::ZERO {
        // sinh(±0 ± i·inf/NaN) = ±0 + NaN·i.
        return c(x, F::NAN);
    }
    if y == F::ZERO {
        return if x.is_nan() { z } else { c(x, y) };
    }
    if xfin {
        return c(F::NAN, F::NAN);
    }
    if !x.is_nan() {
        // x = ±inf, y non-zero.
        if !yfin {
            return c(x * x, F::NAN);
        }
        let (s, cs) = sin_cos(y);
        return c(x * cs, F::INFINITY * s);
    }
    c(F::NAN, F::NAN)
}

pub(crate) fn cosh<F: Float>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    let (xfin, yfin) = (x.is_finite(), y.is_finite());
    if xfin && yfin {
        if y == F::ZERO {
            return c(x.cosh(), x * y);
        }
        let (s, cs) = sin_cos(y);
        let ax = x.abs();
        return if ax > F::EXP_SPLIT {
            let s = if x < F::ZERO { -s } else { s };
            exp_cis_large(ax, F::HALF, cs, s)
        } else {
            c(x.cosh() * cs, x.sinh() * s)
        };
    }
    if x == F::ZERO {
        // cosh(±0 ± i·inf/NaN) = NaN ± 0i.
        return c(F::NAN, F::ZERO);
    }
    if y == F::ZERO {
        // cosh(±inf ± 0i) = inf ± 0i (sign of x·y); cosh(NaN ± 0i) = NaN ± 0i.
        return if x.is_nan() {
            c(x, y)
        } else {
            c(x * x, F::ZERO.copysign(x) * y)
        };
    }
    if xfin {
        return c(F::NAN, F::NAN);
    }
    if x.is_infinite() {
        if !yfin {
            return c(x * x, F::NAN);
        }
        let (s, cs) = sin_cos(y);
        return c((x * x) * cs, x * s);
    }
    c(F::NAN, F::NAN)
}

/// glibc's formulation, which NumPy uses on Linux:
/// `tanh(x + iy) = (sinh x cosh x + i sin y cos y) / (sinh² x + cos² y)`; for large `|x|`
/// the limit `±1` with a tiny imaginary part computed without overflow.
pub(crate) fn tanh<F: Float>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    if !x.is_finite() || !y.is_finite() {
        // Special values as glibc (which NumPy uses on Linux).
        if x.is_infinite() {
            let im = if y.is_finite() && y.abs() > F::ONE {
                y.sin() * y.cos()
            } else {
                y
            };
            return c(F::ONE.copysign(x), F::ZERO.copysign(im));
        }
        if y == F::ZERO {
            return z;
        }
        return c(if x == F::ZERO { x } else { F::NAN }, F::NAN);
    }
    if y == F::ZERO {
        return c(x.tanh(), y);
    }
    let (s, cs) = sin_cos(y);
    // Beyond t, exp(2|x|) overflows: tanh is ±1 and the imaginary part
    // 4·sin(y)cos(y)/exp(2|x|) is computed in two steps.
    let t = (F::EXP_SPLIT * F::HALF).floor();
    if x.abs() > t {
        let e2t = (t + t).exp();
        let im = F::from_f64(4.0) * s * cs / e2t;
        let rx = x.abs() - t;
        let im = if rx > t {
            im / e2t
        } else {
            im / (rx + rx).exp()
        };
        return c(F::ONE.copysign(x), im);
    }
    let (sh, ch) = if x.abs() > F::MIN_POSITIVE {
        (x.sinh(), x.cosh())
    } else {
        (x, F::ONE)
    };
    let den = if sh.abs() > cs.abs() * F::EPSILON {
        sh * sh + cs * cs
    } else {
        cs * cs
    };
    c(sh * ch / den, s * cs / den)
}

pub(crate) fn sin<F: Float>(z: Complex<F>) -> Complex<F> {
    if z.im.is_infinite() && !z.re.is_finite() {
        // glibc's choice of signs for sin(±inf/NaN ± i·inf).
        return c(F::NAN, F::INFINITY);
    }
    mul_neg_i(sinh(mul_i(z)))
}

pub(crate) fn cos<F: Float>(z: Complex<F>) -> Complex<F> {
    cosh(mul_i(z))
}

pub(crate) fn tan<F: Float>(z: Complex<F>) -> Complex<F> {
    mul_neg_i(tanh(mul_i(z)))
}

/// `(hypot(a, b) − b) / 2` without cancellation, given `h = hypot(a, b)`.
#[inline]
fn half_gap<F: Float>(a: F, b: F, h: F) -> F {
    if b < F::ZERO {
        (h - b) * F::HALF
    } else if b == F::ZERO {
        a * F::HALF
    } else {
        a * a / (h + b) * F::HALF
    }
}

/// The shared core of `asinh` and `acos` for `x, y ≥ 0` below `1/EPSILON`, in Hull et
/// al.'s notation with `A = (|z+i| + |z−i|)/2`, `B = y/A`.
struct HardWork<F> {
    /// `Re asinh(x + iy) = log(A + sqrt(A² − 1))`.
    rx: F,
    /// `Some(B)` when `asin(B)` is accurate; otherwise the imaginary part is
    /// `atan2(new_y, sqrt_a2my2)`, both possibly rescaled against underflow.
    b: Option<F>,
    sqrt_a2my2: F,
    new_y: F,
}

fn hard_work<F: Float>(x: F, y: F) -> HardWork<F> {
    let a_crossover = F::from_f64(10.0);
    let b_crossover = F::from_f64(0.6417);
    let four_sqrt_min = F::from_f64(4.0) * F::SQRT_MIN;
    let eps = F::EPSILON;
    let eps_128 = eps / F::from_f64(128.0);

    let r = x.hypot(y + F::ONE);
    let s = x.hypot(y - F::ONE);
    // A ≥ 1 mathematically; enforce it against rounding.
    let mut a = (r + s) * F::HALF;
    if a < F::ONE {
        a = F::ONE;
    }

    let rx = if a < a_crossover {
        if y == F::ONE && x < eps * eps_128 {
            x.sqrt()
        } else if x >= eps * (y - F::ONE).abs() {
            let am1 = half_gap(x, F::ONE + y, r) + half_gap(x, F::ONE - y, s);
            (am1 + (am1 * (a + F::ONE)).sqrt()).ln_1p()
        } else if y < F::ONE {
            x / ((F::ONE - y) * (F::ONE + y)).sqrt()
        } else {
            ((y - F::ONE) + ((y - F::ONE) * (y + F::ONE)).sqrt()).ln_1p()
        }
    } else {
        (a + (a * a - F::ONE).sqrt()).ln()
    };

    if y < four_sqrt_min {
        // y/A could underflow: rescale and let the caller use atan2.
        let k = F::TWO / eps;
        return HardWork {
            rx,
            b: None,
            sqrt_a2my2: a * k,
            new_y: y * k,
        };
    }

    let b = y / a;
    if b <= b_crossover {
        return HardWork {
            rx,
            b: Some(b),
            sqrt_a2my2: F::ZERO,
            new_y: y,
        };
    }
    // asin(B) is ill-conditioned near B = 1: compute sqrt(A² − y²) instead.
    let mut new_y = y;
    let sqrt_a2my2 = if y == F::ONE && x < eps_128 {
        x.sqrt() * ((a + y) * F::HALF).sqrt()
    } else if x >= eps * (y - F::ONE).abs() {
        let amy = half_gap(x, y + F::ONE, r) + half_gap(x, y - F::ONE, s);
        (amy * (a + y)).sqrt()
    } else if y > F::ONE {
        let k = F::from_f64(4.0) / eps / eps;
        new_y = y * k;
        x * k * y / ((y + F::ONE) * (y - F::ONE)).sqrt()
    } else {
        ((F::ONE - y) * (F::ONE + y)).sqrt()
    };
    HardWork {
        rx,
        b: None,
        sqrt_a2my2,
        new_y,
    }
}

/// `log(z)` for finite `|z|` above about `1/EPSILON`, avoiding overflow in `|z|²`.
fn log_large<F: Float>(x: F, y: F) -> Complex<F> {
    let (mut ax, mut ay) = (x.abs(), y.abs());
    if ax < ay {
        std::mem::swap(&mut ax, &mut ay);
    }
    let re = if ax > F::MAX * F::HALF {
        (x / F::E).hypot(y / F::E).ln() + F::ONE
    } else if ax > F::QUARTER_SQRT_MAX || ay < F::SQRT_MIN {
        x.hypot(y).ln()
    } else {
        (ax * ax + ay * ay).ln() * F::HALF
    };
    c(re, y.atan2(x))
}

pub(crate) fn asinh<F: Float>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    let (ax, ay) = (x.abs(), y.abs());
    if x.is_nan() || y.is_nan() {
        if x.is_infinite() {
            return c(x, y + y);
        }
        if y.is_infinite() {
            return c(F::INFINITY, x + x);
        }
        if y == F::ZERO {
            return c(x + x, y);
        }
        return c(F::NAN, F::NAN);
    }
    let recip_eps = F::ONE / F::EPSILON;
    if ax > recip_eps || ay > recip_eps {
        let w = if x.is_sign_negative() {
            log_large(-x, -y)
        } else {
            log_large(x, y)
        };
        return c((w.re + F::LN_2).copysign(x), w.im.copysign(y));
    }
    if x == F::ZERO && y == F::ZERO {
        return z;
    }
    let small = F::SQRT_6_EPSILON * F::HALF * F::HALF;
    if ax < small && ay < small {
        return z;
    }
    let hw = hard_work(ax, ay);
    let ry = match hw.b {
        Some(b) => b.asin(),
        None => hw.new_y.atan2(hw.sqrt_a2my2),
    };
    c(hw.rx.copysign(x), ry.copysign(y))
}

pub(crate) fn acos<F: Float>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    let (ax, ay) = (x.abs(), y.abs());
    let (sx, sy) = (x.is_sign_negative(), y.is_sign_negative());
    if x.is_nan() || y.is_nan() {
        if x.is_infinite() {
            return c(y + y, -F::INFINITY);
        }
        if y.is_infinite() {
            return c(x + x, -y);
        }
        if x == F::ZERO {
            return c(F::FRAC_PI_2, y + y);
        }
        return c(F::NAN, F::NAN);
    }
    let recip_eps = F::ONE / F::EPSILON;
    if ax > recip_eps || ay > recip_eps {
        let w = log_large(x, y);
        let ry = w.re + F::LN_2;
        return c(w.im.abs(), if sy { ry } else { -ry });
    }
    if x == F::ONE && y == F::ZERO {
        return c(F::ZERO, -y);
    }
    let small = F::SQRT_6_EPSILON * F::HALF * F::HALF;
    if ax < small && ay < small {
        return c(F::FRAC_PI_2 - (x - F::PIO2_LO), -y);
    }
    // acos(x + iy) relates to asinh(y + ix): the roles of x and y swap.
    let hw = hard_work(ay, ax);
    let rx = match hw.b {
        Some(b) => {
            if sx {
                (-b).acos()
            } else {
                b.acos()
            }
        }
        None => {
            let nx = if sx { -hw.new_y } else { hw.new_y };
            hw.sqrt_a2my2.atan2(nx)
        }
    };
    c(rx, if sy { hw.rx } else { -hw.rx })
}

pub(crate) fn asin<F: Float>(z: Complex<F>) -> Complex<F> {
    // asin(z) = i·conj(asinh(i·conj(z))).
    swap(asinh(swap(z)))
}

pub(crate) fn acosh<F: Float>(z: Complex<F>) -> Complex<F> {
    // acosh(z) = ±i·acos(z), the sign making the real part non-negative.
    if z.re == F::ZERO && z.im.is_nan() {
        // glibc (and so NumPy) keep the imaginary part of acos(0) here.
        return c(F::NAN, F::FRAC_PI_2);
    }
    let w = acos(z);
    let (rx, ry) = (w.re, w.im);
    if rx.is_nan() && ry.is_nan() {
        return c(ry, rx);
    }
    if rx.is_nan() {
        return c(ry.abs(), rx);
    }
    if ry.is_nan() {
        return c(ry, ry);
    }
    c(ry.abs(), rx.copysign(z.im))
}

/// `Re(1/(x + iy)) = x/(x² + y²)` without overflow or spurious underflow, for
/// non-NaN arguments one of which is huge.
fn real_part_reciprocal<F: Float>(x: F, y: F) -> F {
    let cutoff = F::MANT_DIG / 2 + 1;
    let (ex, ey) = (x.biased_exponent(), y.biased_exponent());
    if ex - ey >= cutoff || x.is_infinite() {
        return F::ONE / x;
    }
    if ey - ex >= cutoff {
        return x / y / y;
    }
    let bias = F::MAX_EXP - 1;
    if ex <= bias + F::MAX_EXP / 2 - cutoff {
        return x / (x * x + y * y);
    }
    // Scale by 2**(1 − exponent of x) into a safe range and back.
    let scale = F::pow2(1 - (ex - bias));
    let (xs, ys) = (x * scale, y * scale);
    xs / (xs * xs + ys * ys) * scale
}

pub(crate) fn atanh<F: Float>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    let (ax, ay) = (x.abs(), y.abs());
    if y == F::ZERO && ax <= F::ONE {
        return c(float::atanh(x), y);
    }
    if x == F::ZERO {
        return c(x, y.atan());
    }
    if x.is_nan() || y.is_nan() {
        if x.is_infinite() {
            return c(F::ZERO.copysign(x), y + y);
        }
        if y.is_infinite() {
            return c(F::ZERO.copysign(x), F::FRAC_PI_2.copysign(y));
        }
        return c(F::NAN, F::NAN);
    }
    let recip_eps = F::ONE / F::EPSILON;
    if ax > recip_eps || ay > recip_eps {
        return c(real_part_reciprocal(x, y), F::FRAC_PI_2.copysign(y));
    }
    let small = F::SQRT_3_EPSILON * F::HALF;
    if ax < small && ay < small {
        return z;
    }
    let rx = if ax == F::ONE && ay < F::EPSILON {
        (F::LN_2 - ay.ln()) * F::HALF
    } else {
        let d = ax - F::ONE;
        // (ax − 1)² + ay², dropping ay² where it would underflow.
        let sum_sq = if ay < F::SQRT_MIN {
            d * d
        } else {
            d * d + ay * ay
        };
        (F::from_f64(4.0) * ax / sum_sq).ln_1p() * F::HALF * F::HALF
    };
    let ry = if ax == F::ONE {
        F::TWO.atan2(-ay) * F::HALF
    } else if ay < F::EPSILON {
        (F::TWO * ay).atan2((F::ONE - ax) * (F::ONE + ax)) * F::HALF
    } else {
        (F::TWO * ay).atan2((F::ONE - ax) * (F::ONE + ax) - ay * ay) * F::HALF
    };
    c(rx.copysign(x), ry.copysign(y))
}

pub(crate) fn atan<F: Float>(z: Complex<F>) -> Complex<F> {
    // atan(z) = i·conj(atanh(i·conj(z))).
    swap(atanh(swap(z)))
}
