//! The inverse hyperbolic functions `arcsinh`, `arccosh` and `arctanh`, on the
//! double-double logarithm [`super::log::log_dd`].
//!
//! Each is the logarithm of an argument formed in double-double: `y + √(y² + 1)`,
//! `x + √(x² − 1)` and `(1 + y)/(1 − y)` (with `y = |x|`). The square, the sums, the
//! square root ([`dd::sqrt`]) and the quotient lose nothing that matters, so the argument
//! `z = hi + lo` is good to about 2^-100; then `ln z = ln hi + ln(1 + lo/hi)`, which is
//! `log_dd(hi) + lo/hi` (the dropped `(lo/hi)²/2` is below 2^-100), rounded once. That
//! keeps the cancellations these functions are known for harmless: near 0 (`arcsinh`,
//! `arctanh`) and near 1 (`arccosh`) the result is small but `z − 1` is known to 2^-100
//! absolutely, far below the result's ULP wherever the logarithm is used (results above
//! 2^-27). The double-doubles are left unnormalised where the next step does not need it.
//!
//! Below 2^-26, `arcsinh y = y − y³/6` and `arctanh y = y + y³/3` to within 2^-104
//! relative, and these odd polynomials give `±0` and subnormals exactly. For huge
//! arguments (above 2^28) `arcsinh` and `arccosh` are `ln y + ln 2` (the next term,
//! `±1/(4y²)`, is below 2^-58 of the result), so `y²` never overflows.

use super::dd::{self, Dd};
use super::log::log_dd;
use super::Builder;

/// `ln 2` as a double-double.
const LN2: (f64, f64) = (std::f64::consts::LN_2, 2.319_046_813_846_299_6e-17);
/// Below this magnitude the odd polynomials replace the logarithm (2^-26).
const SMALL: f64 = 1.490_116_119_384_765_6e-8;
/// Above this the argument of the logarithm is `2y` (2^28).
const LARGE: f64 = 268_435_456.0;

/// `ln(hi·(1 + ratio)) + c` rounded to float64, for `hi >= 1`, `|ratio| < 2^-50` and an
/// optional double-double `c` (`|c.hi| <= |ln hi|` or `c = 0`). The ratio and `c`'s low
/// part only touch the low part of the sum: they are far below its leading part.
#[inline(always)]
fn log_sum<B: Builder>(b: &mut B, hi: B::F, ratio: B::F, c: Option<Dd<B::F>>) -> B::F {
    let l = log_dd(b, hi);
    let lo = b.add(l.lo, ratio);
    let (hi, lo) = match c {
        None => (l.hi, lo),
        Some(c) => {
            let s = dd::fast_two_sum(b, l.hi, c.hi);
            let lo = b.add(lo, c.lo);
            (s.hi, b.add(lo, s.lo))
        }
    };
    b.add(hi, lo)
}

/// `ln(z.hi + z.lo)` where `large` is false, `ln(y) + ln 2` where it is true, rounded to
/// float64: the two uses of the logarithm share one evaluation.
#[inline(always)]
fn log_or_log2y<B: Builder>(b: &mut B, large: B::M, z: Dd<B::F>, y: B::F) -> B::F {
    let zero = b.splat(0.0);
    let hi = b.select(large, y, z.hi);
    let ratio = b.div(z.lo, z.hi);
    let ratio = b.select(large, zero, ratio);
    let ln2_hi = b.select_c(large, LN2.0, zero);
    let ln2_lo = b.select_c(large, LN2.1, zero);
    log_sum(b, hi, ratio, Some(Dd::new(ln2_hi, ln2_lo)))
}

/// `√(x² + c) + x` as an unnormalised double-double, for `c = ±1` and `x >= 0` with
/// `x² + c >= 0`: the square exactly, the sum with `c` as a two-sum, the root by
/// [`dd::sqrt`]; the root is at least `x` for `c = 1` and at most `x` for `c = −1`, so
/// the last sum is a fast two-sum either way (ordered by `c`).
#[inline(always)]
fn root_plus<B: Builder>(b: &mut B, x: B::F, c: f64) -> Dd<B::F> {
    let sq = dd::two_prod(b, x, x);
    let cf = b.splat(c);
    let s = dd::two_sum(b, sq.hi, cf);
    let s_lo = b.add(s.lo, sq.lo);
    let root = dd::sqrt(b, Dd::new(s.hi, s_lo));
    let z = if c > 0.0 {
        dd::fast_two_sum(b, root.hi, x)
    } else {
        dd::fast_two_sum(b, x, root.hi)
    };
    let lo = b.add(z.lo, root.lo);
    Dd::new(z.hi, lo)
}

/// `arcsinh x = ln(x + √(x² + 1))`, within 1 ULP (about 0.5): odd (`arcsinh(-0) = -0`),
/// `x` itself for tiny and subnormal `x`, `±inf` for `±inf`, NaN for NaN.
#[inline(always)]
pub fn arcsinh<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let y = b.abs(x);

    let y2 = b.mul(y, y);
    let t = b.mul_c(y2, -1.0 / 6.0);
    let small = b.fma(y, t, y);

    let z = root_plus(b, y, 1.0);
    let limit = b.splat(LARGE);
    let large = b.gt(y, limit);
    let r = log_or_log2y(b, large, z, y);

    let limit = b.splat(SMALL);
    let is_small = b.lt(y, limit);
    let r = b.select(is_small, small, r);
    // inf and NaN are their own results (the logarithm's are not defined here).
    let inf = b.splat(f64::INFINITY);
    let finite = b.lt(y, inf);
    let r = b.select(finite, r, y);
    b.copysign(r, x)
}

/// `arccosh x = ln(x + √(x² − 1))`, within 1 ULP (about 0.5): `+0` at 1, NaN below 1 and
/// for NaN, `inf` for `inf`. For `1 <= x <= 2^28`, `x² − 1` is exact (the square as a
/// product, its leading part minus 1 as a two-sum), which is what keeps it accurate near 1.
#[inline(always)]
pub fn arccosh<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let z = root_plus(b, x, -1.0);
    let limit = b.splat(LARGE);
    let large = b.gt(x, limit);
    let r = log_or_log2y(b, large, z, x);

    let one = b.splat(1.0);
    let valid = b.ge(x, one);
    let nan = b.splat(f64::NAN);
    let r = b.select(valid, r, nan);
    let inf = b.splat(f64::INFINITY);
    let at_inf = b.eq(x, inf);
    b.select(at_inf, inf, r)
}

/// `arctanh x = ln((1 + x)/(1 − x))/2`, within 1 ULP (about 0.5): odd
/// (`arctanh(-0) = -0`), `x` itself for tiny and subnormal `x`, `±inf` at `±1`, NaN for
/// `|x| > 1` and for NaN.
///
/// `n = 1 + y` and `d = 1 − y` are exact double-doubles; the quotient is `q = n.hi/d.hi`
/// (from a reciprocal) and `ln(n/d) = ln q + ln(1 + ρ)` with `ρ = (n − q·d)/n`, the
/// remainder computed by fused multiply-adds. One division gives both reciprocals:
/// `1/d.hi = n.hi/(n.hi·d.hi)` and `1/n.hi = d.hi/(n.hi·d.hi)`.
#[inline(always)]
pub fn arctanh<B: Builder>(b: &mut B, x: B::F) -> B::F {
    let y = b.abs(x);

    let y2 = b.mul(y, y);
    let t = b.mul_c(y2, 1.0 / 3.0);
    let small = b.fma(y, t, y);

    // |y| <= 1 wherever the result is used, so 1 leads both sums.
    let one = b.splat(1.0);
    let num = dd::fast_two_sum(b, one, y);
    let ny = b.neg(y);
    let den = dd::fast_two_sum(b, one, ny);
    let prod = b.mul(num.hi, den.hi);
    let inv = b.div(one, prod);
    let inv_den = b.mul(num.hi, inv);
    let inv_num = b.mul(den.hi, inv);
    let q = b.mul(num.hi, inv_den);
    let nq = b.neg(q);
    let rem = b.fma(nq, den.hi, num.hi);
    let rem = b.add(rem, num.lo);
    let rem = b.fma(nq, den.lo, rem);
    let ratio = b.mul(rem, inv_num);
    let l = log_sum(b, q, ratio, None);
    let r = b.mul_c(l, 0.5);

    let limit = b.splat(SMALL);
    let is_small = b.lt(y, limit);
    let r = b.select(is_small, small, r);
    let below_one = b.lt(y, one);
    let nan = b.splat(f64::NAN);
    let r = b.select(below_one, r, nan);
    let at_one = b.eq(y, one);
    let r = b.select_c(at_one, f64::INFINITY, r);
    b.copysign(r, x)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{same, ulps};
    use super::super::Scalar;
    use super::*;

    /// A deterministic spread of float64 bit patterns (all magnitudes, both signs).
    fn any_bits(n: usize) -> impl Iterator<Item = f64> {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        (0..n).map(move |_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            f64::from_bits(s)
        })
    }

    /// `n` points spread evenly over `[lo, hi]`.
    fn spread(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        (0..n).map(move |i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
    }

    type F = fn(&mut Scalar, f64) -> f64;
    /// A function under test: name, algorithm, reference, interesting range.
    type Case = (&'static str, F, fn(f64) -> f64, f64, f64);

    fn check_specials(name: &str, f: F, cases: &[(f64, f64)]) {
        for &(x, want) in cases {
            let got = f(&mut Scalar, x);
            assert!(same(got, want), "{name}({x:e}) = {got:e}, want {want:e}");
        }
    }

    const INF: f64 = f64::INFINITY;
    const NAN: f64 = f64::NAN;

    #[test]
    fn special_values() {
        check_specials(
            "arcsinh",
            arcsinh,
            &[
                (0.0, 0.0),
                (-0.0, -0.0),
                (INF, INF),
                (-INF, -INF),
                (NAN, NAN),
                (5e-324, 5e-324),
                (-1e-300, -1e-300),
                (1e-10, 1e-10),
                (f64::MAX, 710.475_860_073_944),
                (-f64::MAX, -710.475_860_073_944),
                // 2^28 and the next float64: both sides of the switch to ln y + ln 2.
                (LARGE, 20.101_268_236_238_415),
                (
                    -f64::from_bits(LARGE.to_bits() + 1),
                    -20.101_268_236_238_415,
                ),
            ],
        );
        check_specials(
            "arccosh",
            arccosh,
            &[
                (1.0, 0.0),
                (INF, INF),
                (NAN, NAN),
                (1.0 - f64::EPSILON / 2.0, NAN),
                (0.0, NAN),
                (-1.0, NAN),
                (-INF, NAN),
                (f64::MAX, 710.475_860_073_944),
                // arccosh(1 + 2^-52) = 2^-25.5·(1 − 2^-54/3 …).
                (1.0 + f64::EPSILON, 2.107_342_425_544_701_4e-8),
            ],
        );
        check_specials(
            "arctanh",
            arctanh,
            &[
                (0.0, 0.0),
                (-0.0, -0.0),
                (1.0, INF),
                (-1.0, -INF),
                (NAN, NAN),
                (1.0 + f64::EPSILON, NAN),
                (-2.0, NAN),
                (INF, NAN),
                (-INF, NAN),
                (5e-324, 5e-324),
                (-1e-300, -1e-300),
                (1e-10, 1e-10),
                // arctanh(1 − 2^-53) = (54 ln 2 + ln(1 − 2^-54))/2.
                (1.0 - f64::EPSILON / 2.0, 18.714_973_875_118_524),
            ],
        );
    }

    // glibc's, within 2 ULP (Rust's `f64::asinh` and friends are formulas of their own that
    // lose accuracy and overflow for huge arguments).
    extern "C" {
        fn asinh(x: f64) -> f64;
        fn acosh(x: f64) -> f64;
        fn atanh(x: f64) -> f64;
    }

    #[test]
    fn match_glibc_within_two_ulp() {
        // SAFETY: glibc's functions of one float64, defined for every argument.
        let cases: [Case; 3] = [
            ("arcsinh", arcsinh, |x| unsafe { asinh(x) }, -1e3, 1e3),
            ("arccosh", arccosh, |x| unsafe { acosh(x) }, 1.0, 1e3),
            ("arctanh", arctanh, |x| unsafe { atanh(x) }, -1.0, 1.0),
        ];
        for (name, f, reference, lo, hi) in cases {
            let wide = any_bits(100_000).filter(|x| x.is_finite());
            let near = spread(lo, hi, 50_000);
            let edge = spread(-1.0, 1.0, 20_000).map(|u| u * 1e-6);
            let edge = edge.chain(spread(1.0, 1.0 + 1e-6, 20_000));
            let edge = edge.chain(spread(1.0 - 1e-6, 1.0, 20_000));
            for x in wide.chain(near).chain(edge) {
                let (got, want) = (f(&mut Scalar, x), reference(x));
                if want.is_nan() {
                    assert!(got.is_nan(), "{name}({x:e}) = {got:e}, std NaN");
                } else {
                    assert!(
                        ulps(got, want) <= 2,
                        "{name}({x:e}) = {got:e}, std {want:e}"
                    );
                }
            }
        }
    }
}
