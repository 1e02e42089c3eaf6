//! The exponential: `exp`, `expm1` and [`exp_dd`], the exponential of a double-double
//! argument that `pow` is built on (`pow(x, y) = exp_dd(y · log_dd(x))`).
//!
//! All of them reduce `x = k·ln2 + r` with `k = rint(x / ln2)` and `|r| <= ln2/2` (Cody and
//! Waite's reduction, `ln2` split in two float64 parts), approximate `e^r` by a polynomial
//! and scale by `2^k`. The split of `ln2` makes the first step `x − k·ln2_hi` exact (one
//! fused multiply-add whose exact result fits in 53 bits for `|k| <= 1100`), so the reduced
//! argument is as accurate as the second part allows; that is what keeps `exp` within
//! 1 ULP over the whole range, as in SLEEF's `xexp` (u10), whose structure this follows.
//!
//! Arguments are clamped to a range just beyond the overflow and underflow thresholds
//! before reducing, so that `k` stays within [`Builder::ldexp`]'s range and infinities,
//! huge finite values and the overflowing results all come out of the same arithmetic
//! (`ldexp` overflows to `inf` and underflows to subnormals and `0` by itself). NaN passes
//! through the clamps and propagates through the arithmetic: the integer `k` of a NaN lane
//! is meaningless but only ever scales that lane's NaN.

use super::dd::{self, Dd};
use super::Builder;

/// `ln 2` rounded to float64: the exact first part of the reduction.
const LN2_HI: f64 = std::f64::consts::LN_2;
/// `ln 2 − LN2_HI` rounded to float64 (what remains is below 6e-34).
const LN2_LO: f64 = 2.319_046_813_846_299_6e-17;
/// `1 / ln 2`.
const LOG2_E: f64 = std::f64::consts::LOG2_E;

/// `c3 … c12` with `e^r ≈ 1 + r + r²/2 + r³·(c3 + c4·r + … + c12·r⁹)` on `|r| <= 0.35`:
/// a Chebyshev fit of `(e^r − 1 − r − r²/2) / r³` (near-minimax), rounded to float64. The
/// whole approximation, evaluated exactly with these coefficients, is within 2^-59.8
/// relative of `e^r`, well below the float64 rounding it feeds (the Taylor coefficients
/// `1/n!` perturbed in the last digits).
pub(crate) const EXP_TAIL: [f64; 10] = [
    0.166_666_666_666_666_69,
    0.041_666_666_666_666_664,
    0.008_333_333_333_329_796,
    0.001_388_888_888_888_636_3,
    0.000_198_412_698_643_649_33,
    2.480_158_731_808_093_7e-5,
    2.755_726_644_235_342_4e-6,
    2.755_728_152_871_036_4e-7,
    2.510_133_585_478_852_2e-8,
    2.091_191_529_904_469_4e-9,
];

/// Above this `exp` is `inf` (it overflows beyond 709.78); also keeps `k <= 1039`.
const CLAMP_HI: f64 = 720.0;
/// Below this `exp` is `0` (it underflows completely below −745.14); also keeps
/// `k >= −1097`.
const CLAMP_LO: f64 = -760.0;
/// Below this `expm1` rounds to −1 (`e^x < 2^-54` from −37.5 on).
const EXPM1_CLAMP_LO: f64 = -40.0;
/// Above this `expm1` is `inf` (from 709.78); as low as that to keep `k <= 1024`.
const EXPM1_CLAMP_HI: f64 = 709.79;
/// Below this magnitude `expm1(x)` is `x` (from `2^-54` on, in fact).
const TINY: f64 = 1e-300;

/// `x` limited to `[lo, hi]`, with NaN passed through (both comparisons are false for it).
#[inline(always)]
pub(crate) fn clamp<B: Builder>(b: &mut B, x: B::F, lo: f64, hi: f64) -> B::F {
    let hi = b.splat(hi);
    let above = b.gt(x, hi);
    let x = b.select(above, hi, x);
    let lo = b.splat(lo);
    let below = b.lt(x, lo);
    b.select(below, lo, x)
}

/// The lane-wise minimum of two integers.
#[inline(always)]
pub(crate) fn imin<B: Builder>(b: &mut B, x: B::I, y: B::I) -> B::I {
    let less = b.ilt(x, y);
    b.select_i(less, x, y)
}

/// `e^x` in float64 pieces for `|x| <= 760`: returns `(s, w, k)` with
/// `e^x ≈ 2^k · (1 + s·w)`, where `s` is the reduced argument (`|s| <= 0.35`) and
/// `w ≈ (e^s − 1)/s`. Keeping the last step `1 + s·w` open lets callers fold more terms
/// into its single rounding (`exp` adds the 1, `sinh`/`cosh` also `∓e^-x`).
#[inline(always)]
pub(crate) fn exp_parts<B: Builder>(b: &mut B, x: B::F) -> (B::F, B::F, B::I) {
    let u = b.mul_c(x, LOG2_E);
    let u = b.rint(u);
    let k = b.to_int(u);
    let minus_hi = b.splat(-LN2_HI);
    let s = b.fma(u, minus_hi, x);
    let minus_lo = b.splat(-LN2_LO);
    let s = b.fma(u, minus_lo, s);
    let p = b.poly(s, &EXP_TAIL);
    let w = b.mla_c(p, s, 0.5);
    let w = b.mla_c(w, s, 1.0);
    (s, w, k)
}

/// `e^x`, within 1 ULP: `+inf` from 709.78 on, subnormals below −708.40, `0` below
/// −745.13, `exp(-inf) = 0`, NaN for NaN.
#[inline(always)]
pub fn exp<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let x = clamp(b, x, CLAMP_LO, CLAMP_HI);
    let (s, w, k) = exp_parts(b, x);
    let one = b.splat(1.0);
    let v = b.fma(w, s, one);
    b.ldexp(v, k)
}

/// `e^r − 1` for a double-double `|r| <= 0.35`, as a normalised double-double with a
/// relative error near 2^-59 (the polynomial's).
///
/// `r + r²/2` is carried exactly (the leading terms hold nearly all of the value), the
/// `r³` tail and the corrections from `r.lo` are float64 terms of the low part, whose
/// rounding is at most 2^-53 of `r²/6` relative to the result.
#[inline(always)]
fn expm1_reduced<B: Builder>(b: &mut B, r: Dd<B::F>) -> Dd<B::F> {
    let p = b.poly(r.hi, &EXP_TAIL);
    let half = b.mul_c(r.hi, 0.5);
    let sq_half = dd::two_prod(b, r.hi, half);
    // |r.hi| >= r.hi²/2 for |r.hi| < 2: the fast sum is exact.
    let lead = dd::fast_two_sum(b, r.hi, sq_half.hi);
    let r2 = b.mul(r.hi, r.hi);
    let rp = b.mul(r.hi, p);
    let tail = b.mul(r2, rp);
    // d(r + r²/2)/dr = 1 + r: the first-order effect of r.lo.
    let lo = b.fma(r.lo, r.hi, r.lo);
    let lo = b.add(lo, sq_half.lo);
    let lo = b.add(lo, lead.lo);
    let lo = b.add(lo, tail);
    dd::fast_two_sum(b, lead.hi, lo)
}

/// The reduction of a double-double `x` (`|x.hi| <= 760`): `k` and the double-double
/// `r = x − k·ln2`, accurate to about 2^-100 absolutely.
#[inline(always)]
fn reduce_dd<B: Builder>(b: &mut B, x: Dd<B::F>) -> (B::I, Dd<B::F>) {
    let u = b.mul_c(x.hi, LOG2_E);
    let u = b.rint(u);
    let k = b.to_int(u);
    let minus_hi = b.splat(-LN2_HI);
    let head = b.fma(u, minus_hi, x.hi);
    let minus_lo = b.splat(-LN2_LO);
    let second = b.mul(u, minus_lo);
    let r = dd::two_sum(b, head, x.lo);
    let r = dd::add_f(b, r, second);
    (k, r)
}

/// `e^(x.hi + x.lo)` rounded to float64, within 1 ULP (about 0.5 ULP plus 2^-59 relative
/// before the one final rounding), for any double-double argument: `+inf` when the result
/// overflows, subnormal results rounded once from the double-double value (no double
/// rounding), `0` when it underflows completely, `0` for `x.hi = -inf`, `+inf` for
/// `x.hi = +inf` and NaN for a NaN `x.hi`.
///
/// `x.lo` is ignored where `x.hi` is infinite or beyond the thresholds, so an argument
/// `(±inf, NaN)` still gives `inf` or `0`. A NaN `x.lo` with a finite, in-range `x.hi`
/// gives NaN. Note that [`dd::mul_f`] of a product that overflows returns a NaN `hi`
/// (`inf + (−inf)` in its final two-sum), so a caller forming `y · log_dd(x)` should keep
/// the product finite first (clamping `|y|` to 2^900 changes no result: beyond it
/// `|y·ln x| > 746` for every `x ≠ 1`). The argument need not be
/// normalised, but `|x.lo|` should be below about `2^-40`, as it is for a normalised one.
///
/// Method: `x = k·ln2 + r` in double-double, `e^r = 1 + expm1(r)` in double-double,
/// then `2^k · (hi + lo)`. Where the result is normal that is [`Builder::ldexp`] of the
/// rounded sum (exact scaling). Where it is subnormal, rounding `hi + lo` to 53 bits first
/// and then again into the subnormal grid could err by more than half an ULP, so the sum
/// is scaled to `y = 2^(k+1022)·(hi + lo) < 1` and rounded once at the subnormal
/// granularity by adding and removing 1 (whose ULP, 2^-52, is the subnormal ULP 2^-1074
/// after the final exact scaling by 2^-1022).
#[inline(always)]
pub fn exp_dd<B: Builder>(b: &mut B, x: Dd<B::F>) -> B::F {
    let hi = clamp(b, x.hi, CLAMP_LO, CLAMP_HI);
    let inside = b.eq(hi, x.hi);
    let zero = b.splat(0.0);
    let lo = b.select(inside, x.lo, zero);
    let (k, r) = reduce_dd(b, Dd::new(hi, lo));
    let e = expm1_reduced(b, r);
    let one = b.splat(1.0);
    let v = dd::fast_two_sum(b, one, e.hi);
    let v_lo = b.add(v.lo, e.lo);
    let v = dd::fast_two_sum(b, v.hi, v_lo);

    let rounded = dd::to_f(b, v);
    let normal = b.ldexp(rounded, k);

    // Subnormal results. min(k + 1022, 1) keeps the scale finite in every lane and makes
    // y >= 1.4 (so this path is not taken) wherever the result is normal.
    let bias = b.splat_i(1022);
    let ks = b.iadd(k, bias);
    let one_i = b.splat_i(1);
    let ks = imin(b, ks, one_i);
    let scale = b.pow2i(ks);
    let y_hi = b.mul(v.hi, scale);
    let y_lo = b.mul(v.lo, scale);
    let y = dd::fast_two_sum(b, y_hi, y_lo);
    let shifted = dd::fast_two_sum(b, one, y.hi);
    let shifted_lo = b.add(shifted.lo, y.lo);
    let grid = b.add(shifted.hi, shifted_lo);
    let frac = b.sub(grid, one);
    let tiny = b.mul_c(frac, f64::from_bits(1 << 52)); // 2^-1022
    let is_subnormal = b.lt(y.hi, one);
    b.select(is_subnormal, tiny, normal)
}

/// `e^x − 1`, within 1 ULP by construction (double-double up to the one final rounding):
/// exact for tiny `x` (`expm1(-0) = -0`), `−1` below −37.4, `+inf` from 709.78 on, NaN for
/// NaN.
#[inline(always)]
pub fn expm1<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let xc = clamp(b, x, EXPM1_CLAMP_LO, EXPM1_CLAMP_HI);
    let half = half_expm1(b, xc);
    let rounded = dd::to_f(b, half);
    // Doubling after the rounding is exact, or overflows exactly where the result does.
    let res = b.add(rounded, rounded);
    // Below 2^-1021 the halving inside lost bits; there expm1(x) = x anyway.
    let mag = b.abs(x);
    let limit = b.splat(TINY);
    let tiny = b.lt(mag, limit);
    let res = b.select(tiny, x, res);
    // expm1 has the sign of x (this also makes expm1(-0) = -0, which the reduction, an
    // exact zero sum, turns into +0).
    b.copysign(res, x)
}

/// `(e^x − 1)/2` as an unnormalised double-double (`|lo|` a few ULP of `hi` at most) for
/// `−40 <= x <= 709.79`, accurate to about 2^-59 relative, except below 2^-1021 where
/// halving a subnormal loses its last bit.
///
/// With `x = k·ln2 + r` and `e = e^r − 1`, `(e^x − 1)/2 = 2^(k−1)·e + (2^(k−1) − 1/2)`:
/// the second term is exact as a two-sum, the first an exact scaling, and the two never
/// cancel by much (`k = 0` makes the second term zero), so one two-sum of the leading
/// parts and a float64 sum of the rest lose nothing that matters. The halving keeps
/// `2^(k−1)` finite up to `k = 1024`, the largest `k` below the clamp.
#[inline(always)]
pub(crate) fn half_expm1<B: Builder>(b: &mut B, x: B::F) -> Dd<B::F> {
    let u = b.mul_c(x, LOG2_E);
    let u = b.rint(u);
    let k = b.to_int(u);
    let minus_hi = b.splat(-LN2_HI);
    let head = b.fma(u, minus_hi, x);
    let minus_lo = b.splat(-LN2_LO);
    let second = b.mul(u, minus_lo);
    // |second| < 2.4e-14 is below |head| except for the rare x within that of k·ln2 (k ≠ 0,
    // result at least 0.29 in magnitude), where the low part's inexactness is far below
    // the result's ULP.
    let r = dd::fast_two_sum(b, head, second);
    let e = expm1_reduced(b, r);

    let one_i = b.splat_i(1);
    let m = b.isub(k, one_i);
    let scale = b.pow2i(m);
    let minus_half = b.splat(-0.5);
    // 2^(k−1) − 1/2, exactly.
    let offset = dd::two_sum(b, scale, minus_half);
    let e_hi = b.mul(e.hi, scale);
    let e_lo = b.mul(e.lo, scale);
    let lead = dd::two_sum(b, offset.hi, e_hi);
    let lo = b.add(offset.lo, e_lo);
    let lo = b.add(lo, lead.lo);
    Dd::new(lead.hi, lo)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{same, ulps};
    use super::super::Scalar;
    use super::*;

    /// A deterministic spread of `n` points over `[lo, hi]`.
    fn points(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        (0..n).map(move |_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            lo + (hi - lo) * unit
        })
    }

    #[test]
    fn exp_special_values() {
        let mut b = Scalar;
        for (x, want) in [
            (0.0, 1.0),
            (-0.0, 1.0),
            (f64::INFINITY, f64::INFINITY),
            (f64::NEG_INFINITY, 0.0),
            (f64::NAN, f64::NAN),
            (709.79, f64::INFINITY),
            (1e300, f64::INFINITY),
            (-746.0, 0.0),
            (-1e300, 0.0),
            (1.0, std::f64::consts::E),
        ] {
            let got = exp(&mut b, x);
            assert!(same(got, want), "exp({x}) = {got}, want {want}");
        }
        // The largest finite result and the smallest subnormal.
        assert_eq!(exp(&mut b, 709.782712893384), 1.7976931348622732e308);
        assert_eq!(exp(&mut b, -745.1), 5e-324);
    }

    #[test]
    fn exp_matches_std_within_one_ulp() {
        let mut b = Scalar;
        for x in points(-745.0, 709.7, 20_000).chain(points(-1.0, 1.0, 5_000)) {
            let (got, want) = (exp(&mut b, x), x.exp());
            assert!(ulps(got, want) <= 1, "exp({x}) = {got:e}, std {want:e}");
        }
    }

    #[test]
    fn expm1_special_values() {
        let mut b = Scalar;
        for (x, want) in [
            (0.0, 0.0),
            (-0.0, -0.0),
            (f64::INFINITY, f64::INFINITY),
            (f64::NEG_INFINITY, -1.0),
            (f64::NAN, f64::NAN),
            (710.0, f64::INFINITY),
            (-38.0, -1.0),
            (-1e300, -1.0),
            (5e-324, 5e-324),
            (-1e-310, -1e-310),
            (1e-20, 1e-20),
        ] {
            let got = expm1(&mut b, x);
            assert!(same(got, want), "expm1({x}) = {got}, want {want}");
        }
        assert_eq!(expm1(&mut b, 709.782712893384), 1.7976931348622732e308);
    }

    #[test]
    fn expm1_matches_std_within_one_ulp() {
        let mut b = Scalar;
        let near_zero = points(-1e-5, 1e-5, 3_000);
        let wide = points(-40.0, 709.7, 10_000);
        for x in points(-2.0, 2.0, 10_000).chain(near_zero).chain(wide) {
            let (got, want) = (expm1(&mut b, x), x.exp_m1());
            assert!(ulps(got, want) <= 1, "expm1({x}) = {got:e}, std {want:e}");
        }
    }

    fn exp_dd_of(hi: f64, lo: f64) -> f64 {
        exp_dd(&mut Scalar, Dd::new(hi, lo))
    }

    #[test]
    fn exp_dd_special_values() {
        for (hi, lo, want) in [
            (0.0, 0.0, 1.0),
            (f64::INFINITY, f64::NAN, f64::INFINITY),
            (f64::NEG_INFINITY, f64::NAN, 0.0),
            (f64::NAN, 0.0, f64::NAN),
            (1e300, 1e280, f64::INFINITY),
            (-1e300, 1e280, 0.0),
            (-746.0, 0.0, 0.0),
            (709.79, 0.0, f64::INFINITY),
        ] {
            let got = exp_dd_of(hi, lo);
            assert!(same(got, want), "exp_dd({hi} + {lo}) = {got}, want {want}");
        }
    }

    #[test]
    fn exp_dd_uses_the_low_part() {
        // e^(1 + 2^-60) is e·(1 + 2^-60): below half an ULP of e, so same as e; but
        // e^(ln2_hi + ln2_lo) must be 2 exactly, and e^(x + lo) must follow lo's sign.
        assert_eq!(exp_dd_of(LN2_HI, LN2_LO), 2.0);
        let x = 0.5f64;
        let up = exp_dd_of(x, 2f64.powi(-53) * 0.75);
        let exact_up = (x + f64::EPSILON / 2.0).exp(); // x + one ULP of x
        assert!(ulps(up, exact_up) <= 1 && up >= x.exp());
        for x in points(-700.0, 700.0, 5_000) {
            assert!(ulps(exp_dd_of(x, 0.0), x.exp()) <= 1, "exp_dd({x})");
        }
    }

    #[test]
    fn exp_dd_gives_exact_powers_of_two_down_to_the_smallest_subnormal() {
        for k in [-1074i64, -1073, -1060, -1023, -1022, -1, 1, 1000, 1023] {
            // k·ln2 as a double-double: the product's rounding error goes to the low part.
            let hi = k as f64 * LN2_HI;
            let lo = (k as f64).mul_add(LN2_HI, -hi) + k as f64 * LN2_LO;
            let got = exp_dd_of(hi, lo);
            let want = if k < -1022 {
                f64::from_bits(1 << (k + 1074))
            } else {
                f64::from_bits(((k + 1023) as u64) << 52)
            };
            assert_eq!(got, want, "2^{k}");
        }
    }

    #[test]
    fn exp_dd_subnormals_agree_with_glibc() {
        // glibc rounds subnormal results of exp once (within about 0.5 ULP); a double
        // rounding would differ from it in a visible fraction of these points.
        let mut differ = 0;
        let n = 20_000;
        for x in points(-745.1, -708.4, n) {
            let (got, want) = (exp_dd_of(x, 0.0), x.exp());
            assert!(ulps(got, want) <= 1, "exp_dd({x}) = {got:e}, std {want:e}");
            differ += usize::from(got != want);
        }
        assert!(differ * 1000 < n, "{differ} of {n} differ");
    }
}
