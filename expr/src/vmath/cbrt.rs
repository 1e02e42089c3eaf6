//! The cube root, `cbrt`.
//!
//! `|x| = a·2^(3q)` with `a = m·2^r` in `[1, 8)` (`m` the significand in `[1, 2)`,
//! `r = e mod 3` from the exponent `e`), so `cbrt |x| = cbrt(a)·2^q` with the scaling
//! exact. The exponent is divided by 3 in float64 (exact for these small integers), the
//! first guess is a polynomial for `cbrt m` times `cbrt(2^r)`, within 2^-19; one Halley
//! step takes it to about the float64 rounding, and a last Newton step with the residual
//! `a − y³` carried in double-double (the square and the cube's leading product exact)
//! leaves the final addition `y + (a − y³)/(3y²)` as the only rounding of consequence:
//! about 0.5 ULP, and exact cubes come out exact.

use super::dd;
use super::Builder;

/// `c0 … c5` with `cbrt m ≈ c0 + c1·t + … + c5·t⁵` for `t = 2m − 3` (`m` in `[1, 2]`):
/// a Chebyshev fit, within 2^-19 relative, the first guess for the Halley step.
const GUESS: [f64; 6] = [
    1.144_712_948_162_971,
    0.127_190_822_812_267_32,
    -0.014_109_073_670_681_86,
    0.002_610_790_342_797_188,
    -0.000_641_948_171_379_996_9,
    0.000_158_529_791_414_921_6,
];
/// `cbrt 2`.
const CBRT_2: f64 = 1.259_921_049_894_873_2;
/// `cbrt 4`.
const CBRT_4: f64 = 1.587_401_051_968_199_6;
/// `2^54 = (2^18)³`: lifts a subnormal into the normal range, an exact cube.
const SUBNORMAL_SCALE: f64 = 18_014_398_509_481_984.0;
/// The exponent of [`SUBNORMAL_SCALE`]'s cube root.
const SUBNORMAL_SCALE_ROOT_EXP: i64 = 18;
/// The significand bits of a float64.
const MANTISSA: i64 = (1 << 52) - 1;
/// The exponent bias of float64.
const BIAS: i64 = 1023;

/// `∛x`, within 1 ULP (about 0.5): odd (`cbrt(-0) = -0`), exact for exact cubes,
/// `±inf` for `±inf`, NaN for NaN, subnormal arguments included.
#[inline(always)]
pub fn cbrt<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let ax = b.abs(x);
    let min_normal = b.splat(f64::MIN_POSITIVE);
    let subnormal = b.lt(ax, min_normal);
    let lifted = b.mul_c(ax, SUBNORMAL_SCALE);
    let a = b.select(subnormal, lifted, ax);
    let zero_i = b.splat_i(0);
    let shift = b.splat_i(SUBNORMAL_SCALE_ROOT_EXP);
    let shift = b.select_i(subnormal, shift, zero_i);

    // e = 3q + r with r in {0, 1, 2}: (e + 1/2)/3 lies at least 1/6 from an integer, far
    // more than the product's rounding, so the floor is exact; so is r = e − 3q.
    let bits = b.to_bits(a);
    let biased = b.lshr(bits, 52);
    let bias = b.splat_i(BIAS);
    let e = b.isub(biased, bias);
    let ef = b.to_float(e);
    let third = b.add_c(ef, 0.5);
    let third = b.mul_c(third, 1.0 / 3.0);
    let q = b.floor(third);
    let minus_three = b.splat(-3.0);
    let r = b.fma(q, minus_three, ef);

    // a' = m·2^r in [1, 8), its significand m in [1, 2).
    let mantissa = b.splat_i(MANTISSA);
    let mant = b.iand(bits, mantissa);
    let ri = b.to_int(r);
    let r_biased = b.iadd(ri, bias);
    let r_field = b.shl(r_biased, 52);
    let a_bits = b.ior(mant, r_field);
    let a = b.bits_to_float(a_bits);
    let one_field = b.shl(bias, 52);
    let m_bits = b.ior(mant, one_field);
    let m = b.bits_to_float(m_bits);

    let one = b.splat(1.0);
    let two = b.splat(2.0);
    // t = 2m − 3, exact.
    let t = b.mla_c(m, two, -3.0);
    let guess = b.poly(t, &GUESS);
    let is_two = b.eq(r, two);
    let factor = b.select_c(is_two, CBRT_4, one);
    let is_one = b.eq(r, one);
    let factor = b.select_c(is_one, CBRT_2, factor);
    let y = b.mul(guess, factor);

    // Halley: y·(y³ + 2a)/(2y³ + a), cubically convergent (2^-19 → below 2^-53).
    let y2 = b.mul(y, y);
    let y3 = b.mul(y2, y);
    let num = b.fma(two, a, y3);
    let den = b.fma(two, y3, a);
    let yn = b.mul(y, num);
    let y = b.div(yn, den);

    // Newton with the residual a − y³ in double-double: y² = s exactly, s.hi·y = p
    // exactly, and a − p.hi is exact (Sterbenz: y³ is within a factor 2 of a).
    let s = dd::two_prod(b, y, y);
    let p = dd::two_prod(b, s.hi, y);
    let d = b.sub(a, p.hi);
    let d = b.sub(d, p.lo);
    let minus_slo = b.neg(s.lo);
    let d = b.fma(minus_slo, y, d);
    let slope = b.mul_c(s.hi, 3.0);
    let c = b.div(d, slope);
    let y = b.add(y, c);

    let qi = b.to_int(q);
    let k = b.isub(qi, shift);
    let scale = b.pow2i(k);
    let res = b.mul(y, scale);
    let res = b.copysign(res, x);

    // ±0, ±inf and NaN are their own cube roots.
    let zero = b.splat(0.0);
    let inf = b.splat(f64::INFINITY);
    let above_zero = b.lt(zero, ax);
    let below_inf = b.lt(ax, inf);
    let regular = b.and(above_zero, below_inf);
    b.select(regular, res, x)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{same, ulps};
    use super::super::Scalar;
    use super::*;

    /// A deterministic spread of float64 bit patterns (all magnitudes, both signs).
    fn any_bits(n: usize) -> impl Iterator<Item = f64> {
        let mut s = 0x853c_49e6_748f_ea9bu64;
        (0..n).map(move |_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            f64::from_bits(s)
        })
    }

    #[test]
    fn special_values() {
        let inf = f64::INFINITY;
        for (x, want) in [
            (0.0, 0.0),
            (-0.0, -0.0),
            (inf, inf),
            (-inf, -inf),
            (f64::NAN, f64::NAN),
            (1.0, 1.0),
            (-8.0, -2.0),
            (27.0, 3.0),
            (0.125, 0.5),
            // The smallest subnormal: ∛(2^-1074) = 2^-358.
            (5e-324, 2f64.powi(-358)),
            (-f64::MAX, -f64::MAX.cbrt()),
        ] {
            let got = cbrt(&mut Scalar, x);
            assert!(same(got, want), "cbrt({x:e}) = {got:e}, want {want:e}");
        }
    }

    #[test]
    fn exact_cubes_are_exact() {
        for n in 1..=20_000i64 {
            let x = (n * n * n) as f64;
            assert_eq!(cbrt(&mut Scalar, x), n as f64, "cbrt({x})");
            assert_eq!(cbrt(&mut Scalar, -x), -n as f64, "cbrt({x})");
        }
        // 27·2^(3k−3) is a float64 (a subnormal one at k = −357).
        for k in -357..=340 {
            let root = 1.5 * 2f64.powi(k);
            let x = root * root * root;
            assert_eq!(cbrt(&mut Scalar, x), root, "cbrt({x:e})");
        }
    }

    #[test]
    fn matches_std_within_one_ulp() {
        let mut inexact = 0;
        let xs = any_bits(200_000).filter(|x| x.is_finite());
        let spread = (0..100_000).map(|i| -1e3 + 2e3 * i as f64 / 1e5);
        for x in xs.chain(spread) {
            let (got, want) = (cbrt(&mut Scalar, x), x.cbrt());
            assert!(ulps(got, want) <= 1, "cbrt({x:e}) = {got:e}, std {want:e}");
            inexact += usize::from(got != want);
        }
        // glibc's cbrt is within 1 ULP too; both near 0.5 agree almost everywhere.
        assert!(inexact < 3_000, "{inexact} differ from std");
    }
}
