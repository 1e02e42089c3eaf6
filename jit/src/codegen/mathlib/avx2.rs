//! The library's functions compiled ahead of time by rustc for x86-64 hosts with AVX2 and
//! FMA, over whole blocks of points: [`Avx2`] implements [`vmath::Builder`] on four
//! float64 lanes (`__m256d`), and each algorithm is instantiated inside a loop compiled
//! with those features ([`block`]).
//!
//! Kernels call these once per block of points (`codegen::blocked`), not once per vector:
//! nothing is compiled at run time, LLVM's loop overlaps the long dependency chains of
//! consecutive vectors, and the cost of entering 256-bit code from Cranelift's (which
//! mixes in legacy SSE encodings: ~30 cycles per call on the development machine's
//! Zen 3, measured with a one-instruction function) is paid once per block. The bits are
//! those of [`vmath::Scalar`]: every [`Builder`] operation is IEEE-exact (the fused
//! multiply-add included), and `to_int`/`to_float` use [`vmath::convert`] as the Cranelift
//! builder does.

use std::arch::x86_64::*;

use vex_expr::ir::{BinaryOp, Func};
use vex_expr::vmath::{self, Builder, LaneFn};

use super::MathFn;

/// Float64 lanes of one vector.
const LANES: usize = 4;

/// Whether this host runs the functions of this module.
pub(super) fn supported() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// [`Builder`] on four float64 lanes with AVX2 and FMA instructions. Its methods are only
/// ever inlined into the `#[target_feature]` loops of [`block`].
#[derive(Clone, Copy)]
pub(super) struct Avx2;

type F = __m256d;
type I = __m256i;

// SAFETY (every `unsafe` block of the impl): the intrinsics need at most AVX2 and FMA, and
// these methods are only called from functions compiled with both features, which run
// only on hosts that have them (`supported`).
impl Builder for Avx2 {
    type F = F;
    type I = I;
    type M = F;

    #[inline(always)]
    fn splat(&mut self, c: f64) -> F {
        unsafe { _mm256_set1_pd(c) }
    }
    #[inline(always)]
    fn splat_i(&mut self, c: i64) -> I {
        unsafe { _mm256_set1_epi64x(c) }
    }
    #[inline(always)]
    fn add(&mut self, a: F, b: F) -> F {
        unsafe { _mm256_add_pd(a, b) }
    }
    #[inline(always)]
    fn sub(&mut self, a: F, b: F) -> F {
        unsafe { _mm256_sub_pd(a, b) }
    }
    #[inline(always)]
    fn mul(&mut self, a: F, b: F) -> F {
        unsafe { _mm256_mul_pd(a, b) }
    }
    #[inline(always)]
    fn div(&mut self, a: F, b: F) -> F {
        unsafe { _mm256_div_pd(a, b) }
    }
    #[inline(always)]
    fn fma(&mut self, a: F, b: F, c: F) -> F {
        unsafe { _mm256_fmadd_pd(a, b, c) }
    }
    #[inline(always)]
    fn neg(&mut self, a: F) -> F {
        unsafe { _mm256_xor_pd(a, _mm256_set1_pd(-0.0)) }
    }
    #[inline(always)]
    fn abs(&mut self, a: F) -> F {
        unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), a) }
    }
    #[inline(always)]
    fn sqrt(&mut self, a: F) -> F {
        unsafe { _mm256_sqrt_pd(a) }
    }
    #[inline(always)]
    fn floor(&mut self, a: F) -> F {
        unsafe { _mm256_round_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn trunc(&mut self, a: F) -> F {
        unsafe { _mm256_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn rint(&mut self, a: F) -> F {
        unsafe { _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn copysign(&mut self, mag: F, sign: F) -> F {
        unsafe {
            let bit = _mm256_set1_pd(-0.0);
            _mm256_or_pd(_mm256_andnot_pd(bit, mag), _mm256_and_pd(bit, sign))
        }
    }
    #[inline(always)]
    fn lt(&mut self, a: F, b: F) -> F {
        unsafe { _mm256_cmp_pd::<_CMP_LT_OQ>(a, b) }
    }
    #[inline(always)]
    fn le(&mut self, a: F, b: F) -> F {
        unsafe { _mm256_cmp_pd::<_CMP_LE_OQ>(a, b) }
    }
    #[inline(always)]
    fn eq(&mut self, a: F, b: F) -> F {
        unsafe { _mm256_cmp_pd::<_CMP_EQ_OQ>(a, b) }
    }
    #[inline(always)]
    fn is_nan(&mut self, a: F) -> F {
        unsafe { _mm256_cmp_pd::<_CMP_UNORD_Q>(a, a) }
    }
    #[inline(always)]
    fn select(&mut self, m: F, a: F, b: F) -> F {
        // Masks are all ones or all zeros per lane; blendv looks at the sign bit.
        unsafe { _mm256_blendv_pd(b, a, m) }
    }
    #[inline(always)]
    fn select_i(&mut self, m: F, a: I, b: I) -> I {
        let a = self.bits_to_float(a);
        let b = self.bits_to_float(b);
        let r = self.select(m, a, b);
        self.to_bits(r)
    }
    #[inline(always)]
    fn and(&mut self, a: F, b: F) -> F {
        unsafe { _mm256_and_pd(a, b) }
    }
    #[inline(always)]
    fn or(&mut self, a: F, b: F) -> F {
        unsafe { _mm256_or_pd(a, b) }
    }
    #[inline(always)]
    fn not(&mut self, a: F) -> F {
        unsafe { _mm256_xor_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(-1))) }
    }
    #[inline(always)]
    fn to_bits(&mut self, a: F) -> I {
        unsafe { _mm256_castpd_si256(a) }
    }
    #[inline(always)]
    fn bits_to_float(&mut self, a: I) -> F {
        unsafe { _mm256_castsi256_pd(a) }
    }
    #[inline(always)]
    fn iadd(&mut self, a: I, b: I) -> I {
        unsafe { _mm256_add_epi64(a, b) }
    }
    #[inline(always)]
    fn isub(&mut self, a: I, b: I) -> I {
        unsafe { _mm256_sub_epi64(a, b) }
    }
    #[inline(always)]
    fn iand(&mut self, a: I, b: I) -> I {
        unsafe { _mm256_and_si256(a, b) }
    }
    #[inline(always)]
    fn ior(&mut self, a: I, b: I) -> I {
        unsafe { _mm256_or_si256(a, b) }
    }
    #[inline(always)]
    fn ixor(&mut self, a: I, b: I) -> I {
        unsafe { _mm256_xor_si256(a, b) }
    }
    #[inline(always)]
    fn shl(&mut self, a: I, n: u32) -> I {
        // The count is a constant of the algorithm: LLVM folds this into an immediate.
        unsafe { _mm256_sll_epi64(a, _mm_cvtsi64_si128(i64::from(n))) }
    }
    #[inline(always)]
    fn ashr(&mut self, a: I, n: u32) -> I {
        // No 64-bit arithmetic shift before AVX-512: shift logically, then sign-extend
        // from bit 63 - n with (t ^ s) - s, s being that bit alone.
        let t = self.lshr(a, n);
        let s = self.splat_i(1i64 << (63 - n));
        let x = self.ixor(t, s);
        self.isub(x, s)
    }
    #[inline(always)]
    fn lshr(&mut self, a: I, n: u32) -> I {
        unsafe { _mm256_srl_epi64(a, _mm_cvtsi64_si128(i64::from(n))) }
    }
    #[inline(always)]
    fn ieq(&mut self, a: I, b: I) -> F {
        unsafe { _mm256_castsi256_pd(_mm256_cmpeq_epi64(a, b)) }
    }
    #[inline(always)]
    fn ilt(&mut self, a: I, b: I) -> F {
        unsafe { _mm256_castsi256_pd(_mm256_cmpgt_epi64(b, a)) }
    }
    #[inline(always)]
    fn to_float(&mut self, a: I) -> F {
        vmath::convert::to_float(self, a)
    }
    #[inline(always)]
    fn to_int(&mut self, a: F) -> I {
        vmath::convert::to_int(self, a)
    }
    #[inline(always)]
    fn lookup(&mut self, table: &'static [f64], index: I) -> F {
        // The algorithm guarantees 0 <= index < table.len() in every lane.
        unsafe { _mm256_i64gather_pd::<8>(table.as_ptr(), index) }
    }
    #[inline(always)]
    fn when_any<const N: usize>(
        &mut self,
        m: F,
        skip: [F; N],
        slow: impl FnOnce(&mut Self) -> [F; N],
    ) -> [F; N] {
        if any(m) {
            slow(self)
        } else {
            skip
        }
    }
    #[inline(always)]
    fn when_any_lanewise<L: LaneFn<IN, OUT>, const IN: usize, const OUT: usize>(
        &mut self,
        m: F,
        skip: [F; OUT],
        args: [F; IN],
    ) -> [F; OUT] {
        if any(m) {
            lanewise::<L, IN, OUT>(args)
        } else {
            skip
        }
    }
}

/// Whether any lane of mask `m` is set.
#[inline(always)]
fn any(m: F) -> bool {
    unsafe { _mm256_movemask_pd(m) != 0 }
}

/// `L` on each lane of `args` with [`vmath::Scalar`]: out of line and cold, so the rare
/// computation costs the hot code nothing but a branch.
#[cold]
#[inline(never)]
fn lanewise<L: LaneFn<IN, OUT>, const IN: usize, const OUT: usize>(args: [F; IN]) -> [F; OUT] {
    let lanes: [[f64; LANES]; IN] = args.map(to_array);
    let mut out = [[0.0; LANES]; OUT];
    for l in 0..LANES {
        let r = L::emit(&mut vmath::Scalar, std::array::from_fn(|k| lanes[k][l]));
        for (j, v) in r.into_iter().enumerate() {
            out[j][l] = v;
        }
    }
    out.map(from_array)
}

fn to_array(v: F) -> [f64; LANES] {
    // SAFETY: __m256d and [f64; 4] have the same size, and every bit pattern is valid.
    unsafe { std::mem::transmute(v) }
}

fn from_array(v: [f64; LANES]) -> F {
    // SAFETY: as in `to_array`.
    unsafe { std::mem::transmute(v) }
}

/// A block function: `out[i] = f(x[i], y[i])` for `i < n` (`y` unread by one-argument
/// functions), on float64 or float32 points (float32 computed in float64, rounded once).
pub(crate) type Block<T> = unsafe fn(*const T, *const T, *mut T, usize);

/// Points of float64 or float32 as four float64 lanes.
trait Point: Copy + Default {
    /// Four points from `p`.
    ///
    /// # Safety
    /// AVX2 host; `p` readable for four points.
    unsafe fn load(p: *const Self) -> F;
    /// Four points to `p` (float32 rounded once).
    ///
    /// # Safety
    /// AVX2 host; `p` writable for four points.
    unsafe fn store(p: *mut Self, v: F);
}

impl Point for f64 {
    #[inline(always)]
    unsafe fn load(p: *const f64) -> F {
        unsafe { _mm256_loadu_pd(p) }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f64, v: F) {
        unsafe { _mm256_storeu_pd(p, v) }
    }
}

impl Point for f32 {
    #[inline(always)]
    unsafe fn load(p: *const f32) -> F {
        unsafe { _mm256_cvtps_pd(_mm_loadu_ps(p)) }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: F) {
        unsafe { _mm_storeu_ps(p, _mm256_cvtpd_ps(v)) }
    }
}

/// The block functions, one per algorithm and point type: a loop over four points at a
/// time, the last partial vector through a zero-padded copy (so nothing is read or
/// written past `n`).
macro_rules! blocks {
    ($($name:ident: $f:expr, $arity:literal;)*) => {
        $(
            /// # Safety
            /// The host has AVX2 and FMA; `x` (and `y` for two arguments) are readable
            /// and `out` writable for `n` points.
            #[target_feature(enable = "avx2,fma")]
            unsafe fn $name<T: Point>(x: *const T, y: *const T, out: *mut T, n: usize) {
                let compute = |args: [F; $arity]| -> F {
                    let mut b = Avx2;
                    let r = match $f {
                        MathFn::Call(f) => vmath::call(&mut b, f, &args),
                        MathFn::Binary(op) => vmath::binary(&mut b, op, args[0], args[$arity - 1]),
                    };
                    // Every function listed has an algorithm (the tests check them all).
                    r.unwrap_or(args[0])
                };
                let srcs = [x, y];
                let full = n - n % LANES;
                let mut i = 0;
                while i < full {
                    let args: [F; $arity] =
                        std::array::from_fn(|k| unsafe { T::load(srcs[k].add(i)) });
                    unsafe { T::store(out.add(i), compute(args)) };
                    i += LANES;
                }
                if i < n {
                    let rest = n - i;
                    let mut pad = [[T::default(); LANES]; $arity];
                    for (k, p) in pad.iter_mut().enumerate() {
                        for (l, v) in p.iter_mut().take(rest).enumerate() {
                            *v = unsafe { *srcs[k].add(i + l) };
                        }
                    }
                    let args: [F; $arity] = std::array::from_fn(|k| unsafe { T::load(pad[k].as_ptr()) });
                    let mut res = [T::default(); LANES];
                    unsafe { T::store(res.as_mut_ptr(), compute(args)) };
                    for (l, v) in res.iter().take(rest).enumerate() {
                        unsafe { *out.add(i + l) = *v };
                    }
                }
            }
        )*

        /// The block functions of `f` on float64 and float32 points, if it has them.
        pub(super) fn block(f: MathFn) -> Option<(Block<f64>, Block<f32>)> {
            $(
                if f == $f {
                    return Some(($name::<f64>, $name::<f32>));
                }
            )*
            None
        }
    };
}

blocks! {
    exp: MathFn::Call(Func::Exp), 1;
    expm1: MathFn::Call(Func::Expm1), 1;
    log: MathFn::Call(Func::Log), 1;
    log1p: MathFn::Call(Func::Log1p), 1;
    log2: MathFn::Call(Func::Log2), 1;
    log10: MathFn::Call(Func::Log10), 1;
    sin: MathFn::Call(Func::Sin), 1;
    cos: MathFn::Call(Func::Cos), 1;
    tan: MathFn::Call(Func::Tan), 1;
    arcsin: MathFn::Call(Func::Arcsin), 1;
    arccos: MathFn::Call(Func::Arccos), 1;
    arctan: MathFn::Call(Func::Arctan), 1;
    arctan2: MathFn::Call(Func::Arctan2), 2;
    sinh: MathFn::Call(Func::Sinh), 1;
    cosh: MathFn::Call(Func::Cosh), 1;
    tanh: MathFn::Call(Func::Tanh), 1;
    arcsinh: MathFn::Call(Func::Arcsinh), 1;
    arccosh: MathFn::Call(Func::Arccosh), 1;
    arctanh: MathFn::Call(Func::Arctanh), 1;
    cbrt: MathFn::Call(Func::Cbrt), 1;
    hypot: MathFn::Call(Func::Hypot), 2;
    pow: MathFn::Binary(BinaryOp::Pow), 2;
}
