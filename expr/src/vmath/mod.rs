//! Vector math: the language's transcendental functions as branch-free algorithms (range
//! reduction plus minimax polynomials, after the methods SLEEF publishes), written once and
//! instantiated by every backend.
//!
//! An algorithm is a generic function over a [`Builder`]: it never branches on a value, it
//! computes every case and picks lanes with [`Builder::select`], so the same code describes
//! one scalar, a SIMD vector of lanes, or a GPU invocation. Each backend implements
//! [`Builder`] for its own values: the JIT emits Cranelift IR, the GPU backend WGSL text,
//! and [`Scalar`] evaluates directly on `f64` (the tests' view of exactly what the generated
//! code computes, since every operation is IEEE-exact and [`Builder::fma`] is fused).
//!
//! Every generic function here is `#[inline(always)]`: a backend that runs an algorithm
//! natively (the JIT's AVX2 library) instantiates it inside a function compiled with the
//! CPU features its [`Builder`] needs, and Rust applies a function's target features only
//! to code inlined into it.
//!
//! Everything here works on float64; float32 callers evaluate in float64 and round once,
//! which keeps the error of the f32 result within 1 ULP of its correctly rounded value.
//! Accuracy bounds per function are measured against MPFR by `tests/accuracy.rs` and listed
//! in the README.

pub mod ahyperbolic;
pub mod atrig;
pub mod cbrt;
pub mod convert;
pub mod dd;
pub mod exp;
pub mod hyperbolic;
pub mod hypot;
pub mod log;
pub mod pow;
pub mod reduce;
#[cfg(test)]
mod testutil;
pub mod trig;

use crate::ir::{BinaryOp, Func};

/// The operations the algorithms are built from, over some representation of float64
/// values (`F`), 64-bit integers with the same lane count (`I`), and lane masks (`M`).
///
/// Every float operation is IEEE 754 binary64 with round-to-nearest-even, and [`fma`]
/// is a fused multiply-add (one rounding): the double-double arithmetic in [`dd`] depends
/// on it. Integer operations wrap.
///
/// [`fma`]: Builder::fma
pub trait Builder {
    /// A float64 value (or vector of lanes).
    type F: Copy;
    /// A signed 64-bit integer value with the same lanes as [`Builder::F`].
    type I: Copy;
    /// A lane mask, the result of a comparison.
    type M: Copy;

    /// The constant `c` in every lane.
    fn splat(&mut self, c: f64) -> Self::F;
    /// The integer constant `c` in every lane.
    fn splat_i(&mut self, c: i64) -> Self::I;

    /// `a + b`.
    fn add(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a - b`.
    fn sub(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b`.
    fn mul(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a / b`.
    fn div(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b + c` with a single rounding.
    fn fma(&mut self, a: Self::F, b: Self::F, c: Self::F) -> Self::F;
    /// `-a` (flips the sign bit, also of NaN and zero).
    fn neg(&mut self, a: Self::F) -> Self::F;
    /// `|a|` (clears the sign bit).
    fn abs(&mut self, a: Self::F) -> Self::F;
    /// Correctly rounded square root.
    fn sqrt(&mut self, a: Self::F) -> Self::F;
    /// Rounds towards negative infinity.
    fn floor(&mut self, a: Self::F) -> Self::F;
    /// Rounds towards zero.
    fn trunc(&mut self, a: Self::F) -> Self::F;
    /// Rounds to the nearest integer, ties to even.
    fn rint(&mut self, a: Self::F) -> Self::F;
    /// The magnitude of `mag` with the sign bit of `sign`.
    fn copysign(&mut self, mag: Self::F, sign: Self::F) -> Self::F;

    /// `a < b` (false if either is NaN).
    fn lt(&mut self, a: Self::F, b: Self::F) -> Self::M;
    /// `a <= b` (false if either is NaN).
    fn le(&mut self, a: Self::F, b: Self::F) -> Self::M;
    /// `a == b` (false if either is NaN).
    fn eq(&mut self, a: Self::F, b: Self::F) -> Self::M;
    /// True in the lanes where `a` is NaN.
    fn is_nan(&mut self, a: Self::F) -> Self::M;
    /// `a` where `m` is set, else `b`.
    fn select(&mut self, m: Self::M, a: Self::F, b: Self::F) -> Self::F;
    /// `a` where `m` is set, else `b`, on integers.
    fn select_i(&mut self, m: Self::M, a: Self::I, b: Self::I) -> Self::I;
    /// Lanes set in both masks.
    fn and(&mut self, a: Self::M, b: Self::M) -> Self::M;
    /// Lanes set in either mask.
    fn or(&mut self, a: Self::M, b: Self::M) -> Self::M;
    /// Lanes not set in `a`.
    fn not(&mut self, a: Self::M) -> Self::M;

    /// The bits of `a` as an integer.
    fn to_bits(&mut self, a: Self::F) -> Self::I;
    /// The float with bits `a`.
    fn bits_to_float(&mut self, a: Self::I) -> Self::F;
    /// `a + b`, wrapping.
    fn iadd(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// `a - b`, wrapping.
    fn isub(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// Bitwise and.
    fn iand(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// Bitwise or.
    fn ior(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// Bitwise exclusive or.
    fn ixor(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// Shift left by `n` (< 64) bits.
    fn shl(&mut self, a: Self::I, n: u32) -> Self::I;
    /// Arithmetic shift right by `n` (< 64) bits.
    fn ashr(&mut self, a: Self::I, n: u32) -> Self::I;
    /// Logical shift right by `n` (< 64) bits.
    fn lshr(&mut self, a: Self::I, n: u32) -> Self::I;
    /// `a == b`.
    fn ieq(&mut self, a: Self::I, b: Self::I) -> Self::M;
    /// `a < b`, signed.
    fn ilt(&mut self, a: Self::I, b: Self::I) -> Self::M;
    /// `a` converted to float; exact while `|a| < 2^53`.
    fn to_float(&mut self, a: Self::I) -> Self::F;
    /// `a`, which holds an integral value with `|a| < 2^51`, as an integer.
    fn to_int(&mut self, a: Self::F) -> Self::I;
    /// `table[index]` per lane; the algorithm guarantees `0 <= index < table.len()`.
    fn lookup(&mut self, table: &'static [f64], index: Self::I) -> Self::F;

    // Conveniences with one definition for every backend.

    /// `a > b` (false if either is NaN).
    #[inline(always)]
    fn gt(&mut self, a: Self::F, b: Self::F) -> Self::M {
        self.lt(b, a)
    }
    /// `a >= b` (false if either is NaN).
    #[inline(always)]
    fn ge(&mut self, a: Self::F, b: Self::F) -> Self::M {
        self.le(b, a)
    }
    /// `a * b + c` with a constant `c`.
    #[inline(always)]
    fn mla_c(&mut self, a: Self::F, b: Self::F, c: f64) -> Self::F {
        let c = self.splat(c);
        self.fma(a, b, c)
    }
    /// `a * c` with a constant `c`.
    #[inline(always)]
    fn mul_c(&mut self, a: Self::F, c: f64) -> Self::F {
        let c = self.splat(c);
        self.mul(a, c)
    }
    /// `a + c` with a constant `c`.
    #[inline(always)]
    fn add_c(&mut self, a: Self::F, c: f64) -> Self::F {
        let c = self.splat(c);
        self.add(a, c)
    }
    /// True where `a` is `+inf` or `-inf`.
    #[inline(always)]
    fn is_inf(&mut self, a: Self::F) -> Self::M {
        let m = self.abs(a);
        let inf = self.splat(f64::INFINITY);
        self.eq(m, inf)
    }
    /// `c` where `m` is set, else `b`.
    #[inline(always)]
    fn select_c(&mut self, m: Self::M, c: f64, b: Self::F) -> Self::F {
        let c = self.splat(c);
        self.select(m, c, b)
    }
    /// The polynomial `coeffs[0] + coeffs[1] x + coeffs[2] x² + …` by Horner's rule with
    /// fused multiply-adds.
    #[inline(always)]
    fn poly(&mut self, x: Self::F, coeffs: &[f64]) -> Self::F {
        let (last, rest) = coeffs.split_last().expect("a polynomial has coefficients");
        let mut acc = self.splat(*last);
        for &c in rest.iter().rev() {
            acc = self.mla_c(acc, x, c);
        }
        acc
    }
    /// `x · 2^k` for an integer `k` with `-2044 <= k <= 2046`, exact whenever the result is
    /// a normal number or zero, correctly rounded into the subnormals. Scales in two steps
    /// so that neither factor overflows.
    #[inline(always)]
    fn ldexp(&mut self, x: Self::F, k: Self::I) -> Self::F {
        let half = self.ashr(k, 1);
        let rest = self.isub(k, half);
        let f1 = self.pow2i(half);
        let f2 = self.pow2i(rest);
        let y = self.mul(x, f1);
        self.mul(y, f2)
    }
    /// Values that `slow` computes, needed only in the lanes where `m` is set: a rare,
    /// costly case (e.g. the huge-argument reduction of the trigonometric functions).
    /// Where no lane of `m` is set, a backend that can branch skips `slow` and returns
    /// `skip` (one value per value `slow` returns) instead, so callers must use the
    /// result only in `m`'s lanes (typically through [`Builder::select`]). The default
    /// always runs `slow`, which is what [`Scalar`] and any backend without branches do.
    /// Fixed-size arrays rather than vectors: a backend running natively calls this on
    /// every evaluation and must not allocate.
    #[inline(always)]
    fn when_any<const N: usize>(
        &mut self,
        m: Self::M,
        skip: [Self::F; N],
        slow: impl FnOnce(&mut Self) -> [Self::F; N],
    ) -> [Self::F; N] {
        let _ = (m, skip);
        slow(self)
    }
    /// [`when_any`] for a computation `L` on plain float64 lanes: `L::emit(args)` where
    /// some lane of `m` is set, `skip` otherwise. The default emits `L` like any other
    /// code; a backend may instead evaluate it out of line, lane by lane on [`Scalar`]
    /// (same bits), so that a rare, long computation costs it no code to compile.
    ///
    /// [`when_any`]: Builder::when_any
    #[inline(always)]
    fn when_any_lanewise<L: LaneFn<IN, OUT>, const IN: usize, const OUT: usize>(
        &mut self,
        m: Self::M,
        skip: [Self::F; OUT],
        args: [Self::F; IN],
    ) -> [Self::F; OUT]
    where
        Self: Sized,
    {
        self.when_any(m, skip, |b| L::emit(b, args))
    }
    /// `2^k` for an integer `-1022 <= k <= 1023`.
    #[inline(always)]
    fn pow2i(&mut self, k: Self::I) -> Self::F {
        let bias = self.splat_i(1023);
        let e = self.iadd(k, bias);
        let bits = self.shl(e, 52);
        self.bits_to_float(bits)
    }
}

/// A computation over float64 values that a backend may run out of line, lane by lane
/// (see [`Builder::when_any_lanewise`]): `IN` arguments, `OUT` results.
pub trait LaneFn<const IN: usize, const OUT: usize>: 'static {
    /// Emits the computation with `b`.
    fn emit<B: Builder>(b: &mut B, args: [B::F; IN]) -> [B::F; OUT];
}

/// [`Builder`] for plain `f64` values: evaluates an algorithm on one number. This is what
/// the tests and the accuracy suite run; every backend's generated code computes the same
/// bits lane by lane.
#[derive(Debug, Default, Clone, Copy)]
pub struct Scalar;

impl Builder for Scalar {
    type F = f64;
    type I = i64;
    type M = bool;

    fn splat(&mut self, c: f64) -> f64 {
        c
    }
    fn splat_i(&mut self, c: i64) -> i64 {
        c
    }
    fn add(&mut self, a: f64, b: f64) -> f64 {
        a + b
    }
    fn sub(&mut self, a: f64, b: f64) -> f64 {
        a - b
    }
    fn mul(&mut self, a: f64, b: f64) -> f64 {
        a * b
    }
    fn div(&mut self, a: f64, b: f64) -> f64 {
        a / b
    }
    fn fma(&mut self, a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    fn neg(&mut self, a: f64) -> f64 {
        -a
    }
    fn abs(&mut self, a: f64) -> f64 {
        a.abs()
    }
    fn sqrt(&mut self, a: f64) -> f64 {
        a.sqrt()
    }
    fn floor(&mut self, a: f64) -> f64 {
        a.floor()
    }
    fn trunc(&mut self, a: f64) -> f64 {
        a.trunc()
    }
    fn rint(&mut self, a: f64) -> f64 {
        a.round_ties_even()
    }
    fn copysign(&mut self, mag: f64, sign: f64) -> f64 {
        mag.copysign(sign)
    }
    fn lt(&mut self, a: f64, b: f64) -> bool {
        a < b
    }
    fn le(&mut self, a: f64, b: f64) -> bool {
        a <= b
    }
    fn eq(&mut self, a: f64, b: f64) -> bool {
        a == b
    }
    fn is_nan(&mut self, a: f64) -> bool {
        a.is_nan()
    }
    fn select(&mut self, m: bool, a: f64, b: f64) -> f64 {
        if m {
            a
        } else {
            b
        }
    }
    fn select_i(&mut self, m: bool, a: i64, b: i64) -> i64 {
        if m {
            a
        } else {
            b
        }
    }
    fn and(&mut self, a: bool, b: bool) -> bool {
        a && b
    }
    fn or(&mut self, a: bool, b: bool) -> bool {
        a || b
    }
    fn not(&mut self, a: bool) -> bool {
        !a
    }
    fn to_bits(&mut self, a: f64) -> i64 {
        a.to_bits() as i64
    }
    fn bits_to_float(&mut self, a: i64) -> f64 {
        f64::from_bits(a as u64)
    }
    fn iadd(&mut self, a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }
    fn isub(&mut self, a: i64, b: i64) -> i64 {
        a.wrapping_sub(b)
    }
    fn iand(&mut self, a: i64, b: i64) -> i64 {
        a & b
    }
    fn ior(&mut self, a: i64, b: i64) -> i64 {
        a | b
    }
    fn ixor(&mut self, a: i64, b: i64) -> i64 {
        a ^ b
    }
    fn shl(&mut self, a: i64, n: u32) -> i64 {
        a << n
    }
    fn ashr(&mut self, a: i64, n: u32) -> i64 {
        a >> n
    }
    fn lshr(&mut self, a: i64, n: u32) -> i64 {
        ((a as u64) >> n) as i64
    }
    fn ieq(&mut self, a: i64, b: i64) -> bool {
        a == b
    }
    fn ilt(&mut self, a: i64, b: i64) -> bool {
        a < b
    }
    fn to_float(&mut self, a: i64) -> f64 {
        a as f64
    }
    fn to_int(&mut self, a: f64) -> i64 {
        a as i64
    }
    fn lookup(&mut self, table: &'static [f64], index: i64) -> f64 {
        table[index as usize]
    }
}

/// Whether [`call`] has an inline algorithm for `f` (float64 and float32 arguments).
pub fn has(f: Func) -> bool {
    call(&mut Probe, f, &[(); 2]).is_some()
}

/// Whether [`binary`] has an inline algorithm for `op` on floats.
pub fn has_binary(op: BinaryOp) -> bool {
    binary(&mut Probe, op, (), ()).is_some()
}

/// Emits `f(args)` with `b`, or returns `None` when `f` has no algorithm here (the backend
/// then computes it some other way). `args` holds one value per argument of `f`.
#[inline(always)]
pub fn call<B: Builder>(b: &mut B, f: Func, args: &[B::F]) -> Option<B::F> {
    Some(match f {
        Func::Sqrt => b.sqrt(args[0]),
        Func::Exp => exp::exp(b, args[0]),
        Func::Expm1 => exp::expm1(b, args[0]),
        Func::Sinh => hyperbolic::sinh(b, args[0]),
        Func::Cosh => hyperbolic::cosh(b, args[0]),
        Func::Tanh => hyperbolic::tanh(b, args[0]),
        Func::Arctan => atrig::arctan(b, args[0]),
        Func::Arctan2 => atrig::arctan2(b, args[0], args[1]),
        Func::Arcsin => atrig::arcsin(b, args[0]),
        Func::Arccos => atrig::arccos(b, args[0]),
        Func::Sin => trig::sin(b, args[0]),
        Func::Cos => trig::cos(b, args[0]),
        Func::Tan => trig::tan(b, args[0]),
        Func::Log => log::log(b, args[0]),
        Func::Log2 => log::log2(b, args[0]),
        Func::Log10 => log::log10(b, args[0]),
        Func::Log1p => log::log1p(b, args[0]),
        Func::Cbrt => cbrt::cbrt(b, args[0]),
        Func::Hypot => hypot::hypot(b, args[0], args[1]),
        Func::Arcsinh => ahyperbolic::arcsinh(b, args[0]),
        Func::Arccosh => ahyperbolic::arccosh(b, args[0]),
        Func::Arctanh => ahyperbolic::arctanh(b, args[0]),
        _ => return None,
    })
}

/// Emits the float binary operator `op` on `x` and `y`, or returns `None` when it has no
/// algorithm here.
#[inline(always)]
pub fn binary<B: Builder>(b: &mut B, op: BinaryOp, x: B::F, y: B::F) -> Option<B::F> {
    matches!(op, BinaryOp::Pow).then(|| pow::pow(b, x, y))
}

/// A builder that builds nothing, for asking [`call`] which functions it covers.
struct Probe;

impl Builder for Probe {
    type F = ();
    type I = ();
    type M = ();
    fn splat(&mut self, _: f64) {}
    fn splat_i(&mut self, _: i64) {}
    fn add(&mut self, _: (), _: ()) {}
    fn sub(&mut self, _: (), _: ()) {}
    fn mul(&mut self, _: (), _: ()) {}
    fn div(&mut self, _: (), _: ()) {}
    fn fma(&mut self, _: (), _: (), _: ()) {}
    fn neg(&mut self, _: ()) {}
    fn abs(&mut self, _: ()) {}
    fn sqrt(&mut self, _: ()) {}
    fn floor(&mut self, _: ()) {}
    fn trunc(&mut self, _: ()) {}
    fn rint(&mut self, _: ()) {}
    fn copysign(&mut self, _: (), _: ()) {}
    fn lt(&mut self, _: (), _: ()) {}
    fn le(&mut self, _: (), _: ()) {}
    fn eq(&mut self, _: (), _: ()) {}
    fn is_nan(&mut self, _: ()) {}
    fn select(&mut self, _: (), _: (), _: ()) {}
    fn select_i(&mut self, _: (), _: (), _: ()) {}
    fn and(&mut self, _: (), _: ()) {}
    fn or(&mut self, _: (), _: ()) {}
    fn not(&mut self, _: ()) {}
    fn to_bits(&mut self, _: ()) {}
    fn bits_to_float(&mut self, _: ()) {}
    fn iadd(&mut self, _: (), _: ()) {}
    fn isub(&mut self, _: (), _: ()) {}
    fn iand(&mut self, _: (), _: ()) {}
    fn ior(&mut self, _: (), _: ()) {}
    fn ixor(&mut self, _: (), _: ()) {}
    fn shl(&mut self, _: (), _: u32) {}
    fn ashr(&mut self, _: (), _: u32) {}
    fn lshr(&mut self, _: (), _: u32) {}
    fn ieq(&mut self, _: (), _: ()) {}
    fn ilt(&mut self, _: (), _: ()) {}
    fn to_float(&mut self, _: ()) {}
    fn to_int(&mut self, _: ()) {}
    fn lookup(&mut self, _: &'static [f64], _: ()) {}
}

/// `f(args)` on plain numbers through [`Scalar`], or `None` where [`call`] has no algorithm.
pub fn eval(f: Func, args: &[f64]) -> Option<f64> {
    call(&mut Scalar, f, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldexp_covers_the_whole_exponent_range() {
        let mut b = Scalar;
        for k in [-1100i64, -1074, -1022, -1, 0, 1, 1023, 1100] {
            let got = b.ldexp(1.0, k);
            assert_eq!(got, 2f64.powi(k as i32), "2^{k}");
        }
        // Rounded into the subnormals once, not twice.
        assert_eq!(b.ldexp(1.5, -1074), f64::from_bits(2));
        assert_eq!(
            b.ldexp(f64::MAX, -2044),
            f64::MAX * 2f64.powi(-1022) * 2f64.powi(-1022)
        );
    }

    #[test]
    fn poly_is_horner_from_the_constant_term() {
        assert_eq!(
            Scalar.poly(2.0, &[1.0, 3.0, 5.0]),
            1.0 + 3.0 * 2.0 + 5.0 * 4.0
        );
    }
}
