//! The hyperbolic functions `sinh`, `cosh` and `tanh`, on the exponential's pieces from
//! [`super::exp`].
//!
//! `sinh` and `cosh` are `(e^y ∓ e^-y)/2` with `y = |x|`, computed as
//! `2^(k−1)·(1 + s·w ∓ q)` where `e^y = 2^k·(1 + s·w)` and `q = 2^(−2k)/(1 + s·w)` is
//! `e^-y` on the same scale: the halving is folded into the exponent, so they overflow
//! exactly where the true result does (from 710.48), not where `e^y` does (709.78), and
//! the final `1 + (s·w ∓ q)` is the only rounding of consequence. Near zero, where
//! `e^y − e^-y` cancels, `sinh` is an odd polynomial instead. `tanh` is
//! `expm1(2y) / (expm1(2y) + 2)` with `expm1(2y)` in double-double and one corrected
//! division.

use super::dd::{self, Dd};
use super::exp::{clamp, exp_parts, half_expm1, imin};
use super::Builder;

/// Beyond this `sinh` and `cosh` overflow (from 710.48); it keeps `k` in range.
const CLAMP_HI: f64 = 720.0;
/// Beyond this `tanh` rounds to ±1 (`1 − tanh y < 2^-54` from 19.06 on).
const TANH_CLAMP: f64 = 20.0;
/// Where `sinh` switches from the polynomial to exponentials: above it `e^-y` is at most
/// e^-2 of `e^y`, so their difference loses less than a bit.
const SINH_POLY_LIMIT: f64 = 1.0;
/// `c0 … c6` with `sinh x ≈ x + x³·(c0 + c1·x² + … + c6·x¹²)` on `|x| <= 1`: a Chebyshev
/// fit in `x²` of `(sinh x − x)/x³` (near-minimax), within 2^-56.6 relative of `sinh x`.
const SINH_TAIL: [f64; 7] = [
    0.166_666_666_666_666_66,
    0.008_333_333_333_333_299,
    0.000_198_412_698_413_241_98,
    2.755_731_919_138_181_6e-6,
    2.505_211_769_590_782_3e-8,
    1.605_767_962_380_163_8e-10,
    7.746_178_593_018_827e-13,
];
/// Past this `k`, `e^-y` is below 2^-80 of `e^y` and its scale is clamped (to keep
/// `2^(−2k)` a normal number).
const MAX_K_FOR_RECIPROCAL: i64 = 40;

/// `e^y` for `0 <= y <= 720` (or NaN) as `2^(k−1)·(1 + s·w)`, and `q = 2^(−2k)/(1 + s·w)`,
/// which is `e^-y` on the same scale `2^(k−1)`.
#[inline(always)]
fn half_exp_pair<B: Builder>(b: &mut B, y: B::F) -> (B::F, B::F, B::F, B::I) {
    let (s, w, k) = exp_parts(b, y);
    let one = b.splat(1.0);
    let e = b.fma(s, w, one);
    let limit = b.splat_i(MAX_K_FOR_RECIPROCAL);
    let kc = imin(b, k, limit);
    let twice = b.iadd(kc, kc);
    let zero = b.splat_i(0);
    let minus_twice = b.isub(zero, twice);
    let scale = b.pow2i(minus_twice);
    let q = b.div(scale, e);
    let one_i = b.splat_i(1);
    let k_half = b.isub(k, one_i);
    (s, w, q, k_half)
}

/// `sinh x`, within 2 ULP: odd (`sinh(-0) = -0`), `±inf` only where the result overflows,
/// NaN for NaN.
#[inline(always)]
pub fn sinh<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let y = b.abs(x);

    let x2 = b.mul(x, x);
    let p = b.poly(x2, &SINH_TAIL);
    let x3 = b.mul(x2, x);
    let small = b.fma(x3, p, x);

    let yc = clamp(b, y, 0.0, CLAMP_HI);
    let (s, w, q, k) = half_exp_pair(b, yc);
    let nq = b.neg(q);
    let t = b.fma(s, w, nq);
    let c = b.add_c(t, 1.0);
    let large = b.ldexp(c, k);
    let large = b.copysign(large, x);

    let limit = b.splat(SINH_POLY_LIMIT);
    let is_small = b.lt(y, limit);
    b.select(is_small, small, large)
}

/// `cosh x`, within 2 ULP: even, `+inf` only where the result overflows, NaN for NaN.
/// `e^y + e^-y` never cancels, so one formula covers the whole range.
#[inline(always)]
pub fn cosh<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let y = b.abs(x);
    let yc = clamp(b, y, 0.0, CLAMP_HI);
    let (s, w, q, k) = half_exp_pair(b, yc);
    let t = b.fma(s, w, q);
    let c = b.add_c(t, 1.0);
    b.ldexp(c, k)
}

/// `tanh x`, within 2 ULP: odd (`tanh(-0) = -0`), exactly `±1` from `|x| >= 19.1`,
/// NaN for NaN.
///
/// With `H = expm1(2y)/2` as a double-double, `tanh y = H / (H + 1)`: no cancellation for
/// any `y`, and tiny `y` give `H = y` exactly. The quotient is `q0 = H·(1/d)` corrected
/// by the double-double remainder `(H − q0·d)/d`, so only the final rounding remains.
#[inline(always)]
pub fn tanh<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let y = b.abs(x);
    let yc = clamp(b, y, 0.0, TANH_CLAMP);
    let twice = b.add(yc, yc);
    let h = half_expm1(b, twice);
    let h = dd::normalize(b, h);
    let one = b.splat(1.0);
    let den = dd::add_f(b, h, one);
    let inv = b.div(one, den.hi);
    let q0 = b.mul(h.hi, inv);
    let rem = remainder(b, h, q0, den);
    let q = b.fma(rem, inv, q0);
    b.copysign(q, x)
}

/// `num − q·den` for `q ≈ num/den`, accurate to a few ULP of the (small) result: the
/// leading difference is exact (Sterbenz) and the product is carried exactly.
#[inline(always)]
fn remainder<B: Builder>(b: &mut B, num: Dd<B::F>, q: B::F, den: Dd<B::F>) -> B::F {
    let p = dd::two_prod(b, q, den.hi);
    let lead = b.sub(num.hi, p.hi);
    let lead = b.sub(lead, p.lo);
    let nq = b.neg(q);
    let trail = b.fma(nq, den.lo, num.lo);
    b.add(lead, trail)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{same, ulps};
    use super::super::Scalar;
    use super::*;

    fn points(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        (0..n).map(move |_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            lo + (hi - lo) * unit
        })
    }

    type F = fn(&mut Scalar, f64) -> f64;
    /// A function under test: name, vmath algorithm, std reference, argument range.
    type Case = (&'static str, F, fn(f64) -> f64, f64);

    fn check_specials(name: &str, f: F, cases: &[(f64, f64)]) {
        for &(x, want) in cases {
            let got = f(&mut Scalar, x);
            assert!(same(got, want), "{name}({x}) = {got}, want {want}");
        }
    }

    const INF: f64 = f64::INFINITY;

    #[test]
    fn special_values() {
        check_specials(
            "sinh",
            sinh,
            &[
                (0.0, 0.0),
                (-0.0, -0.0),
                (INF, INF),
                (-INF, -INF),
                (f64::NAN, f64::NAN),
                (5e-324, 5e-324),
                (-1e-300, -1e-300),
                (710.47, 1.7871893267684048e308),
                // The last finite result and the first overflow (MPFR).
                (710.4758600739439, 1.7976931348621744e308),
                (710.475860073944, INF),
                (-710.48, -INF),
                (1e300, INF),
            ],
        );
        check_specials(
            "cosh",
            cosh,
            &[
                (0.0, 1.0),
                (-0.0, 1.0),
                (INF, INF),
                (-INF, INF),
                (f64::NAN, f64::NAN),
                (1e-300, 1.0),
                (-710.47, 1.7871893267684048e308),
                (-710.4758600739439, 1.7976931348621744e308),
                (710.475860073944, INF),
            ],
        );
        check_specials(
            "tanh",
            tanh,
            &[
                (0.0, 0.0),
                (-0.0, -0.0),
                (INF, 1.0),
                (-INF, -1.0),
                (f64::NAN, f64::NAN),
                (5e-324, 5e-324),
                (-1e-300, -1e-300),
                (19.1, 1.0),
                (-25.0, -1.0),
                (1e300, 1.0),
            ],
        );
    }

    #[test]
    fn match_std_within_two_ulp() {
        let cases: [Case; 3] = [
            ("sinh", sinh, f64::sinh, 710.4),
            ("cosh", cosh, f64::cosh, 710.4),
            ("tanh", tanh, f64::tanh, 20.0),
        ];
        for (name, f, reference, range) in cases {
            let near_zero = points(-1.5, 1.5, 5_000);
            let tiny = points(-1e-6, 1e-6, 1_000);
            for x in points(-range, range, 10_000).chain(near_zero).chain(tiny) {
                let (got, want) = (f(&mut Scalar, x), reference(x));
                assert!(ulps(got, want) <= 2, "{name}({x}) = {got:e}, std {want:e}");
            }
        }
    }
}
