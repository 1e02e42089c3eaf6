//! The circular functions `sin`, `cos` and `tan`, within 1 ULP for every float64 argument.
//!
//! All three start from [`reduce::pio2`]: `x = q·π/2 + r` with a double-double `r`, exact
//! enough for the hugest arguments. The polynomials follow SLEEF's `u1` functions
//! (`xsin_u1`, `xcos_u1`, `xtan_u1`), whose published minimax coefficients they use:
//!
//! - `sin` reduces by multiples of π (an even `q`, `|r| <= π/2`) and `cos` by odd multiples
//!   of π/2, so both are `±sin(r)`, one odd polynomial on `[−π/2, π/2]` for every lane.
//! - `tan` evaluates an odd polynomial on `[−π/4, π/4]`; in odd quadrants
//!   `tan(r + π/2) = −1/tan(r)`, a reciprocal refined by one Newton step.
//!
//! The polynomial's leading terms are carried in double-double (`s·(1 + s²·(−1/6 + …))` has
//! its `1 + …` and the product by `s` exact enough), so the final rounding is the one that
//! matters and the error stays near 0.5 ULP.

use super::dd::{self, Dd};
use super::reduce::{self, Parity};
use super::Builder;

/// `c1 … c7` with `sin(s) ≈ s·(1 + s²·(−1/6 + s²·(c1 + c2·s² + … + c7·s¹²)))` on
/// `|s| <= π/2` (SLEEF's `xsin_u1`).
const SIN_TAIL: [f64; 7] = [
    0.00833333333333318,
    -0.00019841269841204645,
    2.7557319210442822e-06,
    -2.5052106814843123e-08,
    1.605893701172779e-10,
    -7.642925941139545e-13,
    2.7205241613852957e-15,
];
/// −1/6 rounded to float64, the leading coefficient of the sine's tail.
const SIN_C0: f64 = -0.16666666666666666;

/// `c1 … c14` with `tan(s) ≈ s·(1 + s²·(c0 + s²·(c1 + c2·s² + … + c14·s²⁶)))` on
/// `|s| <= π/4` (SLEEF's `xtan_u1`).
const TAN_TAIL: [f64; 14] = [
    0.13333333333312594,
    0.05396825397812984,
    0.02186948828538464,
    0.008863239443624016,
    0.003592087438369066,
    0.0014561278892281243,
    0.0005885051687435872,
    0.00024488493187933185,
    8.096745182801592e-05,
    7.147075040842427e-05,
    -3.050330144339465e-05,
    5.2338808191589986e-05,
    -2.595197915859247e-05,
    1.0141971851108337e-05,
];
/// About 1/3, the leading coefficient of the tangent's tail (as fitted, not 1/3 rounded).
const TAN_C0: f64 = 0.333333333333335;

/// `sin(x)` within 1 ULP: `sin(±0) = ±0`, NaN for `±inf` and NaN.
#[inline(always)]
pub fn sin<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let (q, r) = reduce::pio2(b, x, Parity::Even);
    let y = signed_sin(b, q, r);
    let zero = b.splat(0.0);
    let is_zero = b.eq(x, zero);
    b.select(is_zero, x, y)
}

/// `cos(x)` within 1 ULP: `cos(±0) = 1`, NaN for `±inf` and NaN.
#[inline(always)]
pub fn cos<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let (q, r) = reduce::pio2(b, x, Parity::Odd);
    // cos((2k + 1)·π/2 + r) = (−1)^(k+1)·sin(r): the sign of an even q + 1.
    let one = b.splat_i(1);
    let q = b.iadd(q, one);
    signed_sin(b, q, r)
}

/// `tan(x)` within 1 ULP: `tan(±0) = ±0`, NaN for `±inf` and NaN.
#[inline(always)]
pub fn tan<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let (q, r) = reduce::pio2(b, x, Parity::Any);
    let s2 = square(b, r);
    let u = b.poly(s2.hi, &TAN_TAIL);
    let w = one_plus_tail(b, TAN_C0, u, s2);
    // t = tan(r) = r·w in double-double.
    let p = dd::two_prod(b, r.hi, w.hi);
    let c = b.mul(r.hi, w.lo);
    let c = b.fma(r.lo, w.hi, c);
    let lo = b.add(p.lo, c);
    let t = dd::Dd::new(p.hi, lo);

    // Odd quadrants: tan(r + π/2) = −1/tan(r). The residual 1 − q1·t.hi of the rounded
    // reciprocal is exact in a fused multiply-add, so one Newton step from it (less the
    // low part's share) rounds once.
    let one = b.splat(1.0);
    let q1 = b.div(one, t.hi);
    let minus_q1 = b.neg(q1);
    let e = b.fma(minus_q1, t.hi, one);
    let e = b.fma(minus_q1, t.lo, e);
    let recip = b.fma(q1, e, q1);
    let minus_recip = b.neg(recip);
    let t = dd::to_f(b, t);

    let one_i = b.splat_i(1);
    let low_bit = b.iand(q, one_i);
    let odd = b.ieq(low_bit, one_i);
    let y = b.select(odd, minus_recip, t);
    let zero = b.splat(0.0);
    let is_zero = b.eq(x, zero);
    b.select(is_zero, x, y)
}

/// `±sin(r)` for `|r| <= π/2`, negated where bit 1 of the even quadrant `q` is set
/// (`x = (q/2)·π + r`).
#[inline(always)]
fn signed_sin<B: Builder>(b: &mut B, q: B::I, r: Dd<B::F>) -> B::F {
    let s2 = square(b, r);
    let u = b.poly(s2.hi, &SIN_TAIL);
    let w = one_plus_tail(b, SIN_C0, u, s2);
    // r·w, rounded once (r.lo·w.lo is below 2^-100 of it).
    let c = b.mul(r.hi, w.lo);
    let c = b.fma(r.lo, w.hi, c);
    let y = b.fma(r.hi, w.hi, c);
    // Bit 1 of q into the sign bit (masked: q is garbage where x is not finite, and y
    // must stay NaN there).
    let sign = b.shl(q, 62);
    let sign_bit = b.splat_i(i64::MIN);
    let sign = b.iand(sign, sign_bit);
    let bits = b.to_bits(y);
    let bits = b.ixor(bits, sign);
    b.bits_to_float(bits)
}

/// `s²` for a double-double `s`, as an unnormalised double-double (`|lo| <= 2^-51·|hi|`).
#[inline(always)]
fn square<B: Builder>(b: &mut B, s: Dd<B::F>) -> Dd<B::F> {
    let p = dd::two_prod(b, s.hi, s.hi);
    let twice = b.add(s.hi, s.hi);
    let lo = b.fma(twice, s.lo, p.lo);
    Dd::new(p.hi, lo)
}

/// `1 + s²·(c0 + u·s²)` as a normalised double-double, for the sine's and tangent's
/// tails (where `|c0·s²| <= 1/2` and `|u·s⁴| <= |c0·s²|/4`).
///
/// `c0·s²` is split exactly (two-product, plus `c0·s².lo`), and the sums with `u·s⁴` and
/// with 1 are exact fast two-sums, so the one rounding of note is that of `u·s⁴` itself,
/// as in SLEEF's `u1` functions.
#[inline(always)]
fn one_plus_tail<B: Builder>(b: &mut B, c0: f64, u: B::F, s2: Dd<B::F>) -> Dd<B::F> {
    let us = b.mul(u, s2.hi);
    let c0v = b.splat(c0);
    let p = dd::two_prod(b, c0v, s2.hi);
    let small = b.fma(c0v, s2.lo, p.lo);
    let small = b.fma(us, s2.lo, small);
    let m = b.mul(us, s2.hi);
    let v = dd::fast_two_sum(b, p.hi, m);
    let lo = b.add(v.lo, small);
    let one = b.splat(1.0);
    let w = dd::fast_two_sum(b, one, v.hi);
    let lo = b.add(w.lo, lo);
    Dd::new(w.hi, lo)
}

#[cfg(test)]
mod tests {
    use super::super::Scalar;
    use super::*;

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    fn ulps(got: f64, want: f64) -> u64 {
        let key = |v: f64| {
            let i = v.to_bits() as i64;
            if i < 0 {
                i64::MIN - i
            } else {
                i
            }
        };
        key(got).abs_diff(key(want))
    }

    /// `n` points spread evenly over `[lo, hi]`, plus their bit-neighbours.
    fn points(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        (0..n).map(move |i| lo + (hi - lo) * (i as f64 + 0.5) / n as f64)
    }

    /// Arguments over the whole float64 range by bit pattern (positive and negative).
    fn wide_points(n: u64) -> impl Iterator<Item = f64> {
        let max = f64::MAX.to_bits();
        (0..n).flat_map(move |i| {
            let x = f64::from_bits(max / n * i + i % 977);
            [x, -x]
        })
    }

    /// A function's name, its vmath algorithm and its std (glibc) counterpart.
    type Case = (&'static str, fn(&mut Scalar, f64) -> f64, fn(f64) -> f64);
    const FUNCS: [Case; 3] = [
        ("sin", sin::<Scalar>, f64::sin),
        ("cos", cos::<Scalar>, f64::cos),
        ("tan", tan::<Scalar>, f64::tan),
    ];

    #[test]
    fn special_values() {
        let mut b = Scalar;
        let nan = f64::NAN;
        for (x, s, c, t) in [
            (0.0, 0.0, 1.0, 0.0),
            (-0.0, -0.0, 1.0, -0.0),
            (f64::INFINITY, nan, nan, nan),
            (f64::NEG_INFINITY, nan, nan, nan),
            (nan, nan, nan, nan),
            (5e-324, 5e-324, 1.0, 5e-324),
            (-1e-310, -1e-310, 1.0, -1e-310),
            (1e-200, 1e-200, 1.0, 1e-200),
        ] {
            assert!(same(sin(&mut b, x), s), "sin({x})");
            assert!(same(cos(&mut b, x), c), "cos({x})");
            assert!(same(tan(&mut b, x), t), "tan({x})");
        }
        assert_eq!(sin(&mut b, std::f64::consts::FRAC_PI_2), 1.0);
        assert_eq!(cos(&mut b, std::f64::consts::PI), -1.0);
        assert_eq!(tan(&mut b, std::f64::consts::FRAC_PI_4), 0.9999999999999999);
        // sin(π rounded) is the part of π that rounding dropped.
        assert_eq!(sin(&mut b, std::f64::consts::PI), 1.2246467991473532e-16);
    }

    #[test]
    fn match_std_near_zero_and_in_the_usual_range() {
        let mut b = Scalar;
        for (name, f, want) in FUNCS {
            let usual = points(-20.0, 20.0, 6_000);
            let medium = points(-1e7, 1e7, 2_000);
            let near_limit = points(5e8, 2e9, 2_000);
            for x in usual.chain(medium).chain(near_limit) {
                let (got, want) = (f(&mut b, x), want(x));
                assert!(
                    ulps(got, want) <= 1,
                    "{name}({x:e}) = {got:e}, std {want:e}"
                );
            }
        }
    }

    #[test]
    fn match_std_over_the_whole_range() {
        let mut b = Scalar;
        for (name, f, want) in FUNCS {
            for x in wide_points(3_000) {
                let (got, want) = (f(&mut b, x), want(x));
                assert!(
                    ulps(got, want) <= 1,
                    "{name}({x:e}) = {got:e}, std {want:e}"
                );
            }
        }
    }

    #[test]
    fn arguments_closest_to_multiples_of_pi_over_2() {
        // The float64 closest to a multiple of π/2 (Muller): sin or cos of it is tiny and
        // must still come out to full precision.
        let mut b = Scalar;
        // Correctly rounded values from mpmath at 3000 bits (glibc's cos is 5 ULP off here).
        let x = 6_381_956_970_095_103.0 * 2f64.powi(797);
        assert_eq!(cos(&mut b, x), -4.687165924254628e-19);
        assert_eq!(sin(&mut b, x), 1.0);
        assert_eq!(tan(&mut b, x), -2.133485385753704e+18);
        // Multiples of π rounded, where sin is the dropped part.
        for k in 1..2_000 {
            let x = k as f64 * std::f64::consts::PI;
            for (name, f, want) in FUNCS {
                let (got, want) = (f(&mut b, x), want(x));
                assert!(
                    ulps(got, want) <= 1,
                    "{name}({x:e}) = {got:e}, std {want:e}"
                );
            }
        }
    }
}
