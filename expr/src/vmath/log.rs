//! The logarithms `log`, `log2`, `log10` and `log1p`, and [`log_dd`], the natural
//! logarithm as a double-double (within 2^-67) that `pow` is built on.
//!
//! All of them reduce `1 + x` (for `log`, `x − 1`'s exact counterpart) to `2^k · (1 + f)`
//! with `1 + f` in `[√½, √2)`, found from the bits alone (adding `1 − √½` to the bit
//! pattern carries into the exponent exactly where the mantissa passes `√½`), so that
//! `f = m − 1` is exact. Then `log(1 + f) = 2·atanh(s)` with `s = f/(2 + f)`,
//! `|s| <= 0.1716`, carried in double-double (one division, corrected by the exactly
//! computable remainder), and `2·atanh(s) = 2s + s³·P(s²)` with `P` a near-minimax
//! polynomial (as SLEEF's `xlog_u1`, whose structure this follows). The leading terms
//! `k·ln2` (with `ln2`'s first part short enough that `k·LN2_HI` is exact) and `2s` are
//! summed exactly, and the one rounding of consequence is the final `hi + lo`: the
//! polynomial's rounding is scaled down by `s²/3 < 1/100` relative to the result.
//! `log2` and `log10` multiply `2·atanh(s)` by `log2 e` or `log10 e` in double-double
//! before adding `k` or `k·log10 2`, so exact powers of two give exact `log2` and powers
//! of ten exact `log10`.
//!
//! `log1p` forms `1 + x` as an exact two-sum `u + c` and reduces `u`; the rounding error
//! `c`, scaled by `2^-k`, becomes the low part of `f`, so no accuracy is lost where
//! `1 + x` rounds (small `x`) or where it is exact but cancels (`x` near −1).
//!
//! Special values are selected at the end: `log(±0) = −inf`, `log(x < 0) = NaN`,
//! `log(inf) = inf`, NaN for NaN (likewise `log1p` at −1, below −1 and at `inf`); the
//! general path computes meaningless finite values there. Subnormal arguments are scaled
//! by 2^64 first (and `k` corrected), so they are as accurate as normal ones.

use super::dd::{self, Dd};
use super::Builder;

/// The bits of `√½` rounded to float64: the bottom of the reduced range.
const SQRT_HALF_BITS: i64 = 0x3fe6_a09e_667f_3bcd;
/// Added to a positive float's bits, carries into the exponent field exactly where its
/// mantissa reaches `√½`: the exponent field of the sum is `k + 1023`.
const REDUCE_OFFSET: i64 = 0x3ff0_0000_0000_0000 - SQRT_HALF_BITS;
/// The mantissa field.
const MANTISSA: i64 = 0x000f_ffff_ffff_ffff;
/// The bits of `2^52`; or-ing a biased exponent `e < 2^11` into it gives `2^52 + e`.
const TWO_52_BITS: i64 = 0x4330_0000_0000_0000;
/// `2^52 + 1023`: subtracted from `2^52 + (k + 1023)` leaves `k` exactly.
const TWO_52_PLUS_BIAS: f64 = 4_503_599_627_371_519.0;

/// Below this a positive argument is subnormal and is scaled by [`SUBNORMAL_SCALE`].
const SMALLEST_NORMAL: f64 = f64::MIN_POSITIVE;
/// `2^64`.
const SUBNORMAL_SCALE: f64 = 18_446_744_073_709_551_616.0;

/// `ln 2` to 42 bits (`|k|·LN2_HI` is exact for `|k| < 2^11`), and the rest.
const LN2: (f64, f64) = (0.693_147_180_559_890_3, 5.497_923_018_708_371e-14);
/// `log10 2` to 42 bits, and the rest.
const LOG10_2: (f64, f64) = (0.301_029_995_663_952_83, 2.836_339_455_104_496_4e-14);
/// `log2 e` as a double-double.
const LOG2_E: (f64, f64) = (std::f64::consts::LOG2_E, 2.035_527_374_093_103_3e-17);
/// `log10 e` as a double-double.
const LOG10_E: (f64, f64) = (std::f64::consts::LOG10_E, 1.098_319_650_216_765e-17);
/// `2/3` as a double-double: [`log_dd`]'s cubic coefficient.
const TWO_THIRDS: (f64, f64) = (0.666_666_666_666_666_6, 3.700_743_415_417_188e-17);

/// `p0 … p7` with `2·atanh s ≈ 2s + s³·(p0 + p1·z + … + p7·z⁷)`, `z = s²`, on
/// `z <= 0.0295`: a Chebyshev fit (near-minimax) of `(2·atanh s − 2s)/s³`. With the
/// coefficients rounded to float64, the approximation's error is below 2^-60.6 of the
/// logarithm it is part of (from `p0`'s rounding; the fit alone is 2^-58.7 of `P`).
const ATANH_TAIL: [f64; 8] = [
    0.666_666_666_666_666_6,
    0.400_000_000_000_008_9,
    0.285_714_285_707_954_3,
    0.222_222_223_935_666_1,
    0.181_817_954_423_719_84,
    0.153_862_504_479_401_9,
    0.132_684_856_806_544_27,
    0.130_896_291_606_746_23,
];

/// `2/5` as a double-double: [`log_dd`]'s fifth-degree coefficient.
const TWO_FIFTHS: (f64, f64) = (0.4, -2.220_446_049_250_313e-17);

/// `q0 … q7` with `2·atanh s ≈ 2s + (2/3)s³ + (2/5)s⁵ + s⁷·(q0 + q1·z + … + q7·z⁷)` on
/// the same range: a Chebyshev fit of `(2·atanh s − 2s − (2/3)s³ − (2/5)s⁵)/s⁷`, for
/// [`log_dd`], where the cubic and fifth-degree terms are double-doubles and this tail
/// is below 2^-18 of the result. Rounded to float64, its error is below 2^-72 of the
/// logarithm.
const ATANH_TAIL_DD: [f64; 8] = [
    0.285_714_285_714_285_7,
    0.222_222_222_222_229_6,
    0.181_818_181_812_942_13,
    0.153_846_155_264_104_4,
    0.133_333_145_165_150_07,
    0.117_660_587_638_998_55,
    0.104_726_685_902_816_24,
    0.106_195_138_265_213_65,
];

/// Below this magnitude `log1p(x)` is `x − x²/2` (`x³/3` is below 2^-80 of it). It also
/// keeps the general path away from arguments where `1 + x` rounds by a large part of
/// `x` itself (`|x|` near 2^-53): there the reduced `f`'s low part is as large as its
/// high part, and the rounding of the low terms would count against the result.
const LOG1P_SMALL: f64 = 9.094_947_017_729_282e-13; // 2^-40

/// A positive float `u` (normal, finite) as `2^k · m` with `m` in `[√½, √2)`: returns
/// `(k as float, m, e)` where `e = k + 1023` is `k`'s biased integer form.
#[inline(always)]
fn split<B: Builder>(b: &mut B, u: B::F) -> (B::F, B::F, B::I) {
    let bits = b.to_bits(u);
    let offset = b.splat_i(REDUCE_OFFSET);
    let v = b.iadd(bits, offset);
    let e = b.lshr(v, 52);
    let mask = b.splat_i(MANTISSA);
    let mant = b.iand(v, mask);
    let base = b.splat_i(SQRT_HALF_BITS);
    let m = b.iadd(mant, base);
    let m = b.bits_to_float(m);
    let magic = b.splat_i(TWO_52_BITS);
    let k = b.ior(e, magic);
    let k = b.bits_to_float(k);
    let bias = b.splat(TWO_52_PLUS_BIAS);
    let k = b.sub(k, bias);
    (k, m, e)
}

/// [`split`] of a positive finite `x`, subnormals included: `(k, m)` with `x = 2^k·m`.
#[inline(always)]
fn split_any<B: Builder>(b: &mut B, x: B::F) -> (B::F, B::F) {
    let limit = b.splat(SMALLEST_NORMAL);
    let sub = b.lt(x, limit);
    let scaled = b.mul_c(x, SUBNORMAL_SCALE);
    let u = b.select(sub, scaled, x);
    let (k, m, _) = split(b, u);
    let zero = b.splat(0.0);
    let adjust = b.select_c(sub, 64.0, zero);
    let k = b.sub(k, adjust);
    (k, m)
}

/// `s = f/(2 + f)` as an unnormalised double-double `(s, s_lo)`, for `|f_hi| < 0.42` and
/// a low part `|f_lo| < 2^-12·|f_hi|`, to about 2^-100 relative.
///
/// `2 + f_hi` is split exactly; the quotient is `f_hi` times the rounded reciprocal,
/// within about an ULP, and the remainder `f − s·(2 + f)`, which fused multiply-adds get
/// to far more bits than it needs, divided by the same reciprocal gives the low part.
/// One division instead of two.
#[inline(always)]
fn ratio<B: Builder>(b: &mut B, f_hi: B::F, f_lo: Option<B::F>) -> (B::F, B::F) {
    let two = b.splat(2.0);
    let d = dd::fast_two_sum(b, two, f_hi);
    let one = b.splat(1.0);
    let r = b.div(one, d.hi);
    let s = b.mul(f_hi, r);
    let ns = b.neg(s);
    let rem = b.fma(ns, d.hi, f_hi);
    let rem = match f_lo {
        None => b.fma(ns, d.lo, rem),
        Some(f_lo) => {
            let d_lo = b.add(d.lo, f_lo);
            let low = b.fma(ns, d_lo, f_lo);
            b.add(rem, low)
        }
    };
    let s_lo = b.mul(rem, r);
    (s, s_lo)
}

/// `log(1 + f) = 2·atanh s` from [`ratio`]'s `s`, as an unnormalised double-double whose
/// high part `2s` is exact, within about 2^-60 relative.
#[inline(always)]
fn atanh2<B: Builder>(b: &mut B, s: B::F, s_lo: B::F) -> Dd<B::F> {
    let z = b.mul(s, s);
    let p = b.poly(z, &ATANH_TAIL);
    let s3 = b.mul(s, z);
    let tail = b.mul(s3, p);
    let hi = b.add(s, s);
    let two = b.splat(2.0);
    let lo = b.fma(s_lo, two, tail);
    Dd::new(hi, lo)
}

/// `k·c + t` rounded once, for an integral float `k`, a constant `c` split as in [`LN2`]
/// (`k·c.0` exact) and a double-double `t` with `|t.hi| < |c.0|`, so that the leading sum
/// needs no comparison.
#[inline(always)]
fn scaled_sum<B: Builder>(b: &mut B, k: B::F, c: (f64, f64), t: Dd<B::F>) -> B::F {
    let kh = b.mul_c(k, c.0);
    let lead = dd::fast_two_sum(b, kh, t.hi);
    let cl = b.splat(c.1);
    let lo = b.fma(k, cl, t.lo);
    let lo = b.add(lo, lead.lo);
    b.add(lead.hi, lo)
}

/// The double-double product `t · c` (unnormalised), for a constant `c`.
#[inline(always)]
fn times<B: Builder>(b: &mut B, t: Dd<B::F>, c: (f64, f64)) -> Dd<B::F> {
    let ch = b.splat(c.0);
    let p = dd::two_prod(b, t.hi, ch);
    let cl = b.splat(c.1);
    let lo = b.fma(t.hi, cl, p.lo);
    let lo = b.fma(t.lo, ch, lo);
    Dd::new(p.hi, lo)
}

/// The logarithm's special values over a result `r` of the general path: NaN below zero
/// and for NaN, `−inf` at `±0`, `inf` at `inf`. `zero` is where the result is `−inf`
/// (0 for `log`, −1 for `log1p`).
#[inline(always)]
fn special<B: Builder>(b: &mut B, x: B::F, zero: f64, r: B::F) -> B::F {
    let z = b.splat(zero);
    let valid = b.ge(x, z);
    let nan = b.splat(f64::NAN);
    let r = b.select(valid, r, nan);
    let at_zero = b.eq(x, z);
    let r = b.select_c(at_zero, f64::NEG_INFINITY, r);
    let inf = b.splat(f64::INFINITY);
    let at_inf = b.eq(x, inf);
    b.select(at_inf, inf, r)
}

/// `(k, 2·atanh s)` for `x = 2^k·(1 + f)`: the common part of `log`, `log2` and `log10`.
#[inline(always)]
fn reduce<B: Builder>(b: &mut B, x: B::F) -> (B::F, Dd<B::F>) {
    let (k, m) = split_any(b, x);
    let f = b.add_c(m, -1.0);
    let (s, s_lo) = ratio(b, f, None);
    (k, atanh2(b, s, s_lo))
}

/// `ln x`, within 0.52 ULP (measured against MPFR): `−inf` at `±0`, NaN below zero,
/// `inf` at `inf`, NaN for NaN; subnormal arguments as accurate as normal ones.
#[inline(always)]
pub fn log<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let (k, t) = reduce(b, x);
    let r = scaled_sum(b, k, LN2, t);
    special(b, x, 0.0, r)
}

/// `log2 x`, within 0.51 ULP, exact for exact powers of two; special values as [`log`].
#[inline(always)]
pub fn log2<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let (k, t) = reduce(b, x);
    let t = times(b, t, LOG2_E);
    let r = scaled_sum(b, k, (1.0, 0.0), t);
    special(b, x, 0.0, r)
}

/// `log10 x`, within 0.51 ULP, exact for the powers of ten whose logarithm rounds to an
/// integer (all float64 `10^n`); special values as [`log`].
#[inline(always)]
pub fn log10<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let (k, t) = reduce(b, x);
    let t = times(b, t, LOG10_E);
    let r = scaled_sum(b, k, LOG10_2, t);
    special(b, x, 0.0, r)
}

/// `ln(1 + x)`, within 0.52 ULP: `x − x²/2` below 2^-40 in magnitude (`x` itself for
/// tiny and subnormal `x`, `log1p(−0) = −0`),
/// `−inf` at −1, NaN below −1 and for NaN, `inf` at `inf`.
#[inline(always)]
pub fn log1p<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let one = b.splat(1.0);
    let u = dd::two_sum(b, one, x);
    let (k, m, e) = split(b, u.hi);
    let f = b.sub(m, one);
    // The low part c·2^-k, as (c/2)·2^(1−k): 2^(1−k) has the biased exponent 2047 − e,
    // which is 0 (so the low part 0, far below the result's ULP) where k = 1024.
    let top = b.splat_i(2047);
    let scale = b.isub(top, e);
    let scale = b.shl(scale, 52);
    let scale = b.bits_to_float(scale);
    let c = b.mul_c(u.lo, 0.5);
    let f_lo = b.mul(c, scale);
    let (s, s_lo) = ratio(b, f, Some(f_lo));
    let t = atanh2(b, s, s_lo);
    let r = scaled_sum(b, k, LN2, t);
    let r = special(b, x, -1.0, r);
    let mag = b.abs(x);
    let limit = b.splat(LOG1P_SMALL);
    let small = b.lt(mag, limit);
    let h = b.mul_c(x, -0.5);
    let near = b.fma(h, x, x);
    b.select(small, near, r)
}

/// `ln x` as a normalised double-double, within 2^-67 relative, for positive finite `x`
/// (subnormals included); `(0, 0)` exactly at `x = 1`. Other arguments give meaningless
/// values: callers select their special cases themselves (as `pow` does).
///
/// As [`log`], with the powers `s²`, `s³`, `s⁵` and the terms `(2/3)s³` and `(2/5)s⁵`
/// also in double-double (the quotient's low part matters: `s` alone is only within an
/// ULP or so of `f/(2 + f)`, which `s⁵` would multiply by five), and only the remaining
/// tail (below 2^-18 of the result) in float64.
#[inline(always)]
pub fn log_dd<B: Builder>(b: &mut B, x: B::F) -> Dd<B::F> {
    let (k, m) = split_any(b, x);
    let f = b.add_c(m, -1.0);
    let (s, s_lo) = ratio(b, f, None);
    let two_s = b.add(s, s);
    // z = s² (the s_lo² term is below 2^-200 of it), s³ = z·s, s⁵ = s³·z.
    let z = dd::two_prod(b, s, s);
    let z_lo = b.fma(two_s, s_lo, z.lo);
    let z = Dd::new(z.hi, z_lo);
    let cube = product(b, z, Dd::new(s, s_lo));
    let fifth = product(b, cube, z);
    let c3 = times(b, cube, TWO_THIRDS);
    let c5 = times(b, fifth, TWO_FIFTHS);
    let q = b.poly(z.hi, &ATANH_TAIL_DD);
    let s7 = b.mul(fifth.hi, z.hi);
    let rest = b.mul(s7, q);

    let kh = b.mul_c(k, LN2.0);
    let lead = dd::fast_two_sum(b, kh, two_s);
    // |lead.hi| >= 0.34 > |c3| > |c5| where k ≠ 0; 2s > (2/3)s³ > (2/5)s⁵ where k = 0.
    let next = dd::fast_two_sum(b, lead.hi, c3.hi);
    let last = dd::fast_two_sum(b, next.hi, c5.hi);
    let lo = b.add(s_lo, s_lo);
    let lo = b.add(lo, rest);
    let lo = b.add(lo, c5.lo);
    let lo = b.add(lo, c3.lo);
    let lo = b.add(lo, lead.lo);
    let lo = b.add(lo, next.lo);
    let lo = b.add(lo, last.lo);
    let ln2_lo = b.splat(LN2.1);
    let lo = b.fma(k, ln2_lo, lo);
    dd::fast_two_sum(b, last.hi, lo)
}

/// The product of two small double-doubles, unnormalised (`|lo|` a few ULP of `hi`);
/// the `lo·lo` term is left out.
#[inline(always)]
fn product<B: Builder>(b: &mut B, x: Dd<B::F>, y: Dd<B::F>) -> Dd<B::F> {
    let p = dd::two_prod(b, x.hi, y.hi);
    let lo = b.fma(x.lo, y.hi, p.lo);
    let lo = b.fma(x.hi, y.lo, lo);
    Dd::new(p.hi, lo)
}

#[cfg(test)]
mod tests {
    use super::super::exp::exp_dd;
    use super::super::testutil::{same, ulps};
    use super::super::Scalar;
    use super::*;

    /// A deterministic spread of `n` points over `[lo, hi]`.
    fn points(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        (0..n).map(move |_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            lo + (hi - lo) * unit
        })
    }

    /// Positive floats spread over every binade, subnormals included.
    fn positive_bits(n: usize) -> impl Iterator<Item = f64> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        (0..n).map(move |_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            f64::from_bits(state % f64::MAX.to_bits())
        })
    }

    type Fn1 = fn(&mut Scalar, f64) -> f64;

    fn check_specials(name: &str, f: Fn1, cases: &[(f64, f64)]) {
        for &(x, want) in cases {
            let got = f(&mut Scalar, x);
            assert!(same(got, want), "{name}({x:e}) = {got:e}, want {want:e}");
        }
    }

    #[test]
    fn log_special_values() {
        let inf = f64::INFINITY;
        let specials = [
            (0.0, -inf),
            (-0.0, -inf),
            (-1.0, f64::NAN),
            (-f64::from_bits(1), f64::NAN),
            (-inf, f64::NAN),
            (inf, inf),
            (f64::NAN, f64::NAN),
            (1.0, 0.0),
        ];
        check_specials("log", log, &specials);
        check_specials("log2", log2, &specials);
        check_specials("log10", log10, &specials);
        let mut b = Scalar;
        for x in [f64::from_bits(1), 1e-310, f64::MIN_POSITIVE, f64::MAX, 2.0] {
            assert_eq!(log(&mut b, x), x.ln(), "log({x:e})");
            assert_eq!(log2(&mut b, x), x.log2(), "log2({x:e})");
            assert_eq!(log10(&mut b, x), x.log10(), "log10({x:e})");
        }
        assert_eq!(log(&mut b, std::f64::consts::E), 1.0);
    }

    #[test]
    fn log2_of_powers_of_two_and_log10_of_powers_of_ten_are_exact() {
        let mut b = Scalar;
        for k in -1074..=1023i32 {
            let x = if k < -1022 {
                f64::from_bits(1 << (k + 1074))
            } else {
                f64::from_bits(((k + 1023) as u64) << 52)
            };
            assert_eq!(log2(&mut b, x), f64::from(k), "log2(2^{k})");
        }
        // Where glibc's is exact (every normal 10^k; not the subnormal ones, whose
        // logarithm is no integer).
        let mut exact = 0;
        for k in -323..=308 {
            let x: f64 = format!("1e{k}").parse().unwrap();
            if x.log10() == f64::from(k) {
                assert_eq!(log10(&mut b, x), f64::from(k), "log10(1e{k})");
                exact += 1;
            }
        }
        assert!(exact >= 308 + 308, "{exact} exact powers of ten");
    }

    /// glibc's `log` and `log2` are within about half an ULP, like these; its `log10` is
    /// only within 2 ULP (so are NumPy's, which are glibc's), and this one is compared
    /// with it at that distance (the accuracy suite measures it against MPFR).
    #[test]
    fn logs_match_glibc() {
        let mut b = Scalar;
        let xs = points(0.0, 100.0, 20_000)
            .chain(points(0.5, 2.0, 20_000))
            .chain(points(1.0 - 1e-6, 1.0 + 1e-6, 5_000))
            .chain(positive_bits(20_000));
        let mut differ = 0;
        let mut n = 0;
        for x in xs {
            for (name, f, want, bound) in [
                ("log", log as Fn1, x.ln(), 1),
                ("log2", log2, x.log2(), 1),
                ("log10", log10, x.log10(), 2),
            ] {
                let got = f(&mut b, x);
                let d = ulps(got, want);
                assert!(d <= bound, "{name}({x:e}) = {got:e}, std {want:e}");
                if bound == 1 {
                    differ += usize::from(d != 0);
                    n += 1;
                }
            }
        }
        // Both round results within about half an ULP: they disagree only where the
        // exact value lies close to a rounding boundary.
        assert!(differ * 100 < n, "{differ} of {n} differ from glibc");
    }

    #[test]
    fn log1p_special_values() {
        let inf = f64::INFINITY;
        check_specials(
            "log1p",
            log1p,
            &[
                (0.0, 0.0),
                (-0.0, -0.0),
                (-1.0, -inf),
                (-1.0 - f64::EPSILON, f64::NAN),
                (-inf, f64::NAN),
                (inf, inf),
                (f64::NAN, f64::NAN),
                (f64::from_bits(1), f64::from_bits(1)),
                (-1e-310, -1e-310),
                (1e-20, 1e-20),
                (-1e-17, -1e-17),
                (-6.049_510_882_398_29e-17, -6.049_510_882_398_29e-17),
                (f64::MAX, f64::MAX.ln()),
                (1.0, std::f64::consts::LN_2),
            ],
        );
        // Just above −1, where 1 + x is exact but tiny.
        let x = -1.0 + f64::EPSILON / 2.0;
        assert_eq!(log1p(&mut Scalar, x), x.ln_1p());
    }

    #[test]
    fn log1p_matches_std_within_one_ulp() {
        let mut b = Scalar;
        let xs = points(-1.0, 2.0, 30_000)
            .chain(points(-1e-6, 1e-6, 5_000))
            .chain(points(-1.0, -0.999_999, 5_000))
            .chain(positive_bits(20_000))
            .chain(positive_bits(5_000).map(|x| -x / f64::MAX));
        for x in xs {
            let (got, want) = (log1p(&mut b, x), x.ln_1p());
            assert!(ulps(got, want) <= 1, "log1p({x:e}) = {got:e}, std {want:e}");
        }
    }

    /// `ln x` to about 2^-100 for positive normal `x`: the same reduction, then the atanh
    /// series summed term by term in double-double (an exact quotient, 30 terms).
    fn reference_ln(x: f64) -> Dd<f64> {
        let mut b = Scalar;
        let (k, m) = split_any(&mut b, x);
        let num = Dd::new(m - 1.0, 0.0);
        let den = dd::two_sum(&mut b, m, 1.0);
        let s = dd::div(&mut b, num, den);
        let z = dd::square(&mut b, s);
        let (mut sum, mut term) = (Dd::new(0.0, 0.0), s);
        for i in 0..30 {
            let t = dd::div(&mut b, term, Dd::new(f64::from(2 * i + 1), 0.0));
            sum = dd::add(&mut b, sum, t);
            term = dd::mul(&mut b, term, z);
        }
        let twice = Dd::new(2.0 * sum.hi, 2.0 * sum.lo);
        let k_ln2 = dd::two_prod(&mut b, k, LN2.0);
        let k_ln2 = dd::add_f(&mut b, k_ln2, k * LN2.1);
        dd::add(&mut b, k_ln2, twice)
    }

    #[test]
    fn log_dd_is_accurate_to_2_to_the_minus_66_and_a_half() {
        let mut b = Scalar;
        let mut worst = 0f64;
        let xs = points(0.5, 2.0, 20_000)
            .chain(points(0.70, 0.72, 5_000))
            .chain(points(1.40, 1.42, 5_000))
            .chain(positive_bits(20_000).filter(|&x| x >= f64::MIN_POSITIVE));
        for x in xs {
            if x == 1.0 {
                continue;
            }
            let (got, want) = (log_dd(&mut b, x), reference_ln(x));
            let err = ((got.hi - want.hi) + (got.lo - want.lo)) / want.hi;
            worst = worst.max(err.abs());
        }
        // Measured: 2^-67.0, next to √2 (where s and the tail are largest).
        assert!(worst < 2f64.powf(-66.5), "relative error {worst:e}");
    }

    #[test]
    fn log_dd_is_exact_at_one_and_inverts_exp_dd() {
        let mut b = Scalar;
        let one = log_dd(&mut b, 1.0);
        assert_eq!((one.hi.to_bits(), one.lo.to_bits()), (0, 0));
        // e^(log x) rounds back to x when log x is accurate to well below 2^-53 relative
        // of the exponent's effect: a 2^-60 error would already miss in many points.
        for x in positive_bits(20_000).chain(points(0.0, 4.0, 20_000)) {
            if x < 1e-300 {
                continue; // e^(log x) of subnormals rounds into a coarse grid: trivially x.
            }
            let l = log_dd(&mut b, x);
            assert!(ulps(l.hi, log(&mut b, x)) <= 1, "log_dd({x:e}).hi");
            assert_eq!(exp_dd(&mut b, l), x, "exp_dd(log_dd({x:e}))");
        }
    }
}
