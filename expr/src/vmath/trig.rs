//! The circular functions `sin`, `cos` and `tan`, within 1 ULP for every float64 argument.
//!
//! All three start from [`reduce::pio2`]: `x = q·π/2 + r` with a double-double `r`,
//! `|r| <= π/4`, exact enough for the hugest arguments. The polynomials and the way they are
//! finished in double-double follow SLEEF's `u1` functions (`xsin_u1`, `xtan_u1`), whose
//! published minimax coefficients they use:
//!
//! - `sin` moves odd quadrants to the nearest multiple of π (`r ∓ π/2`, in double-double),
//!   so one odd polynomial on `[−π/2, π/2]` serves every lane (no second polynomial to
//!   evaluate and select from); `cos(x) = sin(x + π/2)` is the same with `q + 1`.
//! - `tan` evaluates an odd polynomial on `[−π/4, π/4]`; in odd quadrants
//!   `tan(r + π/2) = 1/tan(−r)`, one double-double division.
//!
//! Only the last addition `hi + lo` rounds the result, which keeps the error near 0.5 ULP.

use super::dd::{self, Dd};
use super::reduce;
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
pub fn sin<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let (q, r) = reduce::pio2(b, x);
    let y = sin_quadrant(b, q, r);
    let zero = b.splat(0.0);
    let is_zero = b.eq(x, zero);
    let y = b.select(is_zero, x, y);
    nan_unless_finite(b, x, y)
}

/// `cos(x)` within 1 ULP: `cos(±0) = 1`, NaN for `±inf` and NaN.
pub fn cos<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let (q, r) = reduce::pio2(b, x);
    let one = b.splat_i(1);
    let q = b.iadd(q, one);
    let y = sin_quadrant(b, q, r);
    nan_unless_finite(b, x, y)
}

/// `tan(x)` within 1 ULP: `tan(±0) = ±0`, NaN for `±inf` and NaN.
pub fn tan<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let (q, r) = reduce::pio2(b, x);
    let one_i = b.splat_i(1);
    let low_bit = b.iand(q, one_i);
    let odd = b.ieq(low_bit, one_i);
    let neg_hi = b.neg(r.hi);
    let neg_lo = b.neg(r.lo);
    let s = Dd::new(b.select(odd, neg_hi, r.hi), b.select(odd, neg_lo, r.lo));

    let s2 = dd::square(b, s);
    let u = b.poly(s2.hi, &TAN_TAIL);
    let us = b.mul(u, s2.hi);
    let c0 = b.splat(TAN_C0);
    let v = dd::fast_two_sum(b, c0, us);
    let w = dd::mul(b, v, s2);
    let w = one_plus(b, w);
    let t = dd::mul(b, s, w);

    // Odd quadrants: tan(r + π/2) = −1/tan(r) = 1/tan(−r). One division serves all lanes.
    let one = b.splat(1.0);
    let zero = b.splat(0.0);
    let num = Dd::new(b.select(odd, one, t.hi), b.select(odd, zero, t.lo));
    let den = Dd::new(b.select(odd, t.hi, one), b.select(odd, t.lo, zero));
    let y = dd::div(b, num, den);
    let y = dd::to_f(b, y);

    let is_zero = b.eq(x, zero);
    let y = b.select(is_zero, x, y);
    nan_unless_finite(b, x, y)
}

/// `sin(q·π/2 + r)` for `|r| <= π/4`.
///
/// In an odd quadrant the angle is moved to the nearest multiple of π,
/// `q·π/2 + r = (q ± 1)·π/2 + (r ∓ π/2)`, so that `sin(x) = ±sin(s)` with `|s| <= π/2`
/// and the sign given by the parity of `m = (q ± 1)/2`.
fn sin_quadrant<B: Builder>(b: &mut B, q: B::I, r: Dd<B::F>) -> B::F {
    let one_i = b.splat_i(1);
    let low_bit = b.iand(q, one_i);
    let odd = b.ieq(low_bit, one_i);
    let zero = b.splat(0.0);
    let positive = b.gt(r.hi, zero);
    let not_positive = b.not(positive);
    let up = b.and(odd, positive);
    let down = b.and(odd, not_positive);

    let minus_one_i = b.splat_i(-1);
    let zero_i = b.splat_i(0);
    let step = b.select_i(down, minus_one_i, zero_i);
    let step = b.select_i(up, one_i, step);
    let m = b.iadd(q, step);
    let m = b.ashr(m, 1);

    let (p1, p2) = (reduce::PIO2_1, reduce::PIO2_2);
    let shift_hi = b.select_c(down, p1, zero);
    let shift_hi = b.select_c(up, -p1, shift_hi);
    let shift_lo = b.select_c(down, p2, zero);
    let shift_lo = b.select_c(up, -p2, shift_lo);
    let s = dd::add(b, r, Dd::new(shift_hi, shift_lo));

    let y = sin_poly(b, s);
    // Negate where m is odd.
    let m_odd = b.iand(m, one_i);
    let sign = b.shl(m_odd, 63);
    let bits = b.to_bits(y);
    let bits = b.ixor(bits, sign);
    b.bits_to_float(bits)
}

/// `sin(s)` for a double-double `|s| <= π/2`, rounded once at the end.
fn sin_poly<B: Builder>(b: &mut B, s: Dd<B::F>) -> B::F {
    let s2 = dd::square(b, s);
    let u = b.poly(s2.hi, &SIN_TAIL);
    let us = b.mul(u, s2.hi);
    let c0 = b.splat(SIN_C0);
    let v = dd::fast_two_sum(b, c0, us);
    let w = dd::mul(b, v, s2);
    let w = one_plus(b, w);
    let y = dd::mul(b, s, w);
    dd::to_f(b, y)
}

/// `1 + w` as a double-double, for `|w| < 1`.
fn one_plus<B: Builder>(b: &mut B, w: Dd<B::F>) -> Dd<B::F> {
    let one = b.splat(1.0);
    let sum = dd::fast_two_sum(b, one, w.hi);
    let lo = b.add(sum.lo, w.lo);
    dd::fast_two_sum(b, sum.hi, lo)
}

/// `y` where `x` is finite, NaN where it is infinite or NaN.
fn nan_unless_finite<B: Builder>(b: &mut B, x: B::F, y: B::F) -> B::F {
    let ax = b.abs(x);
    let max = b.splat(f64::MAX);
    let finite = b.le(ax, max);
    let nan = b.splat(f64::NAN);
    b.select(finite, y, nan)
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
