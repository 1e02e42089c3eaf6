//! Double-double arithmetic over a [`Builder`]: a value is the unevaluated sum `hi + lo`
//! of two float64s with `|lo| <= ulp(hi)/2`, about 106 bits of precision. The 1-ULP
//! algorithms carry their range reduction and the last polynomial steps in it, so that
//! the only rounding that matters is the final `hi + lo`.
//!
//! The error-free transformations are Knuth's two-sum, Dekker's fast-two-sum and the
//! fused-multiply-add product; the compound operations follow the usual double-double
//! formulas (their relative error is a small multiple of 2^-104).

use super::Builder;

/// A double-double value `hi + lo`.
#[derive(Debug, Clone, Copy)]
pub struct Dd<F> {
    /// The leading part, the value rounded to float64.
    pub hi: F,
    /// The trailing part.
    pub lo: F,
}

impl<F> Dd<F> {
    /// `hi + lo`.
    pub fn new(hi: F, lo: F) -> Self {
        Dd { hi, lo }
    }
}

/// `a + b` exactly as `s + e` (Knuth's two-sum; no condition on the magnitudes).
#[inline(always)]
pub fn two_sum<B: Builder>(b: &mut B, x: B::F, y: B::F) -> Dd<B::F> {
    let s = b.add(x, y);
    let yv = b.sub(s, x);
    let xv = b.sub(s, yv);
    let ey = b.sub(y, yv);
    let ex = b.sub(x, xv);
    let e = b.add(ex, ey);
    Dd::new(s, e)
}

/// `a + b` exactly as `s + e`, given `|a| >= |b|` (or `a` zero).
#[inline(always)]
pub fn fast_two_sum<B: Builder>(b: &mut B, x: B::F, y: B::F) -> Dd<B::F> {
    let s = b.add(x, y);
    let t = b.sub(s, x);
    let e = b.sub(y, t);
    Dd::new(s, e)
}

/// `a * b` exactly as `p + e` (barring over- and underflow).
#[inline(always)]
pub fn two_prod<B: Builder>(b: &mut B, x: B::F, y: B::F) -> Dd<B::F> {
    let p = b.mul(x, y);
    let np = b.neg(p);
    let e = b.fma(x, y, np);
    Dd::new(p, e)
}

/// Renormalises `hi + lo` so that `hi` is the rounded sum.
#[inline(always)]
pub fn normalize<B: Builder>(b: &mut B, x: Dd<B::F>) -> Dd<B::F> {
    fast_two_sum(b, x.hi, x.lo)
}

/// The double-double sum of two double-doubles.
#[inline(always)]
pub fn add<B: Builder>(b: &mut B, x: Dd<B::F>, y: Dd<B::F>) -> Dd<B::F> {
    let s = two_sum(b, x.hi, y.hi);
    let t = two_sum(b, x.lo, y.lo);
    let lo = b.add(s.lo, t.hi);
    let u = fast_two_sum(b, s.hi, lo);
    let lo = b.add(u.lo, t.lo);
    fast_two_sum(b, u.hi, lo)
}

/// The double-double sum of a double-double and a float64.
#[inline(always)]
pub fn add_f<B: Builder>(b: &mut B, x: Dd<B::F>, y: B::F) -> Dd<B::F> {
    let s = two_sum(b, x.hi, y);
    let lo = b.add(s.lo, x.lo);
    fast_two_sum(b, s.hi, lo)
}

/// The double-double product of two double-doubles.
#[inline(always)]
pub fn mul<B: Builder>(b: &mut B, x: Dd<B::F>, y: Dd<B::F>) -> Dd<B::F> {
    let p = two_prod(b, x.hi, y.hi);
    let cross = b.mul(x.hi, y.lo);
    let cross = b.fma(x.lo, y.hi, cross);
    let lo = b.add(p.lo, cross);
    fast_two_sum(b, p.hi, lo)
}

/// The double-double product of a double-double and a float64.
#[inline(always)]
pub fn mul_f<B: Builder>(b: &mut B, x: Dd<B::F>, y: B::F) -> Dd<B::F> {
    let p = two_prod(b, x.hi, y);
    let lo = b.fma(x.lo, y, p.lo);
    fast_two_sum(b, p.hi, lo)
}

/// The double-double square of a double-double.
#[inline(always)]
pub fn square<B: Builder>(b: &mut B, x: Dd<B::F>) -> Dd<B::F> {
    mul(b, x, x)
}

/// The double-double quotient `x / y`.
#[inline(always)]
pub fn div<B: Builder>(b: &mut B, x: Dd<B::F>, y: Dd<B::F>) -> Dd<B::F> {
    let q1 = b.div(x.hi, y.hi);
    // r = x - q1 * y, computed to double-double accuracy.
    let p = mul_f(b, y, q1);
    let nh = b.neg(p.hi);
    let nl = b.neg(p.lo);
    let r = add(b, x, Dd::new(nh, nl));
    let q2 = b.div(r.hi, y.hi);
    fast_two_sum(b, q1, q2)
}

/// The double-double square root of a double-double `x` with `x.hi >= 0`: `r = √x.hi`
/// corrected by `(x − r²)/(2r)`, with `r²` exact as a product and `x.hi − r²` exact
/// (Sterbenz), so only the correction's own rounding remains (about 2^-104 relative).
/// `√0 = 0` (the correction would be `0/0`).
#[inline(always)]
pub fn sqrt<B: Builder>(b: &mut B, x: Dd<B::F>) -> Dd<B::F> {
    let r = b.sqrt(x.hi);
    let p = two_prod(b, r, r);
    let d = b.sub(x.hi, p.hi);
    let d = b.sub(d, p.lo);
    let d = b.add(d, x.lo);
    let twice = b.add(r, r);
    let c = b.div(d, twice);
    let zero = b.splat(0.0);
    let is_zero = b.eq(r, zero);
    let c = b.select(is_zero, zero, c);
    fast_two_sum(b, r, c)
}

/// The value rounded to one float64.
#[inline(always)]
pub fn to_f<B: Builder>(b: &mut B, x: Dd<B::F>) -> B::F {
    b.add(x.hi, x.lo)
}

/// A double-double constant, given as its two float64 parts.
#[inline(always)]
pub fn constant<B: Builder>(b: &mut B, hi: f64, lo: f64) -> Dd<B::F> {
    let hi = b.splat(hi);
    let lo = b.splat(lo);
    Dd::new(hi, lo)
}

#[cfg(test)]
mod tests {
    use super::super::Scalar;
    use super::*;

    #[test]
    fn error_free_transformations_are_exact() {
        let mut b = Scalar;
        let s = two_sum(&mut b, 1.0, 1e-30);
        assert_eq!((s.hi, s.lo), (1.0, 1e-30));
        let p = two_prod(&mut b, 1.0 + f64::EPSILON, 1.0 - f64::EPSILON);
        assert_eq!(p.hi, 1.0);
        assert_eq!(p.lo, -f64::EPSILON * f64::EPSILON);
    }

    #[test]
    fn square_root_carries_the_residual() {
        let mut b = Scalar;
        // √2 to about 106 bits: its square is 2 within 2^-103.
        let r = sqrt(&mut b, Dd::new(2.0, 0.0));
        let back = square(&mut b, r);
        assert_eq!(back.hi, 2.0);
        assert!(back.lo.abs() < 2f64.powi(-102), "{back:?}");
        assert!(r.lo != 0.0);
        // The low part of the argument counts: √(1 + 2^-80) = 1 + 2^-81.
        let r = sqrt(&mut b, Dd::new(1.0, 2f64.powi(-80)));
        assert_eq!((r.hi, r.lo), (1.0, 2f64.powi(-81)));
        let r = sqrt(&mut b, Dd::new(0.0, 0.0));
        assert_eq!((r.hi, r.lo), (0.0, 0.0));
    }

    #[test]
    fn division_carries_the_remainder() {
        let mut b = Scalar;
        let one = Dd::new(1.0, 0.0);
        let three = Dd::new(3.0, 0.0);
        let q = div(&mut b, one, three);
        // 1/3 to about 106 bits: 3·q.hi + 3·q.lo = 1 within 2^-104.
        let back = mul(&mut b, q, three);
        assert_eq!(back.hi, 1.0);
        assert!(back.lo.abs() < 2f64.powi(-100));
        assert!(q.lo != 0.0);
    }
}
