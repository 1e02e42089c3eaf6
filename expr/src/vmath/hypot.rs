//! `hypot(x, y) = √(x² + y²)` without spurious overflow or underflow.
//!
//! Both arguments are scaled by the same power of two, chosen from the larger one's
//! exponent so that it lands in `[1, 4)` (or just below 1 when it is subnormal): the
//! squares then neither overflow nor lose anything that matters to underflow, and
//! scaling back is exact (or overflows exactly where the result does). The sum of squares
//! is carried in double-double (each square exact by a fused multiply-add), and its square
//! root is `r + (S − r²)/(2r)` with `r = √S.hi` and the residual in double-double, so the
//! final addition is the only rounding of consequence: about 0.5 ULP.

use super::dd;
use super::exp::imin;
use super::Builder;

/// The largest biased exponent used for the scale: `2^(1023 − 2045) = 2^-1022` is still
/// a normal number, so the scale is exact to form.
const MAX_BIASED: i64 = 2045;
/// The exponent bias of float64.
const BIAS: i64 = 1023;

/// `√(x² + y²)`, within 1 ULP (about 0.5): `+inf` if either argument is infinite (even
/// if the other is NaN), otherwise NaN if either is NaN; `hypot(x, ±0) = |x|`; `+inf`
/// only where the result overflows; subnormal arguments and results included.
#[inline(always)]
pub fn hypot<B: Builder>(b: &mut B, x: B::F, y: B::F) -> B::F {
    let ax = b.abs(x);
    let ay = b.abs(y);
    // big = max, small = min; a NaN `ay` ends up in `small`, a NaN `ax` in `big`.
    let x_smaller = b.lt(ax, ay);
    let big = b.select(x_smaller, ay, ax);
    let small = b.select(x_smaller, ax, ay);

    // Biased exponent of big, limited to [1, 2045]: the scale 2^(1023 − E) and its
    // inverse are normal numbers, and big·scale is in [1, 4) (below 1 for subnormals).
    let bits = b.to_bits(big);
    let biased = b.lshr(bits, 52);
    let max_biased = b.splat_i(MAX_BIASED);
    let e = imin(b, biased, max_biased);
    let one_i = b.splat_i(1);
    let below_one = b.ilt(e, one_i);
    let e = b.select_i(below_one, one_i, e);
    let bias = b.splat_i(BIAS);
    let down = b.isub(bias, e);
    let up = b.isub(e, bias);
    let scale = b.pow2i(down);
    let unscale = b.pow2i(up);
    let u = b.mul(big, scale);
    let v = b.mul(small, scale);

    // S = u² + v² in double-double; |v| <= |u|, so u² leads.
    let uu = dd::two_prod(b, u, u);
    let vv = dd::two_prod(b, v, v);
    let sum = dd::add(b, uu, vv);

    let root = dd::sqrt(b, sum);
    let root = dd::to_f(b, root);
    let res = b.mul(root, unscale);

    let x_inf = b.is_inf(x);
    let y_inf = b.is_inf(y);
    let any_inf = b.or(x_inf, y_inf);
    b.select_c(any_inf, f64::INFINITY, res)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{same, ulps};
    use super::super::Scalar;
    use super::*;

    /// A deterministic spread of float64 bit patterns (all magnitudes, both signs).
    fn any_bits(n: usize) -> impl Iterator<Item = f64> {
        let mut s = 0x2545_f491_4f6c_dd1du64;
        (0..n).map(move |_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            f64::from_bits(s)
        })
    }

    const INF: f64 = f64::INFINITY;
    const NAN: f64 = f64::NAN;

    #[test]
    fn special_values() {
        for (x, y, want) in [
            (0.0, 0.0, 0.0),
            (-0.0, -0.0, 0.0),
            (-0.0, 0.0, 0.0),
            (-3.0, 0.0, 3.0),
            (-0.0, -5e-324, 5e-324),
            (INF, NAN, INF),
            (NAN, -INF, INF),
            (-INF, 1.0, INF),
            (NAN, 1.0, NAN),
            (0.0, NAN, NAN),
            (NAN, NAN, NAN),
            (3.0, 4.0, 5.0),
            (-5.0, 12.0, 13.0),
            (3e300, 4e300, 5e300),
            (3e-320, 4e-320, 5e-320),
            (f64::MAX, f64::MAX, INF),
            (f64::MAX, 1.0, f64::MAX),
            (1e308, 1e308, 1.414_213_562_373_095_1e308),
            (5e-324, 5e-324, 5e-324),
            (1e-320, 1e-300, 1e-300),
        ] {
            for (a, c) in [(x, y), (y, x)] {
                let got = hypot(&mut Scalar, a, c);
                assert!(
                    same(got, want),
                    "hypot({a:e}, {c:e}) = {got:e}, want {want:e}"
                );
            }
        }
    }

    #[test]
    fn pythagorean_triples_are_exact() {
        for m in 2..60i64 {
            for n in 1..m {
                let (a, c, h) = (m * m - n * n, 2 * m * n, m * m + n * n);
                let got = hypot(&mut Scalar, a as f64, c as f64);
                assert_eq!(got, h as f64, "hypot({a}, {c})");
            }
        }
    }

    #[test]
    fn matches_std_within_one_ulp() {
        let xs: Vec<f64> = any_bits(300_000).filter(|x| x.is_finite()).collect();
        let near = (0..100_000).map(|i| (i as f64 * 0.37).sin() * 1e3);
        let near: Vec<f64> = near.collect();
        for pair in xs.chunks(2).chain(near.chunks(2)) {
            let (x, y) = (pair[0], pair[pair.len() - 1]);
            // Also pairs of similar magnitude, where both squares matter.
            for (x, y) in [(x, y), (x, x * 0.75 + y * 1e-10)] {
                let (got, want) = (hypot(&mut Scalar, x, y), x.hypot(y));
                assert!(
                    ulps(got, want) <= 1,
                    "hypot({x:e}, {y:e}) = {got:e}, std {want:e}"
                );
            }
        }
    }
}
