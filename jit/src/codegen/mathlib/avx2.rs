//! The library's functions compiled ahead of time by rustc for x86-64 hosts with AVX2 and
//! FMA: [`Avx2`] implements [`vmath::Builder`] on four float64 lanes, and each algorithm is
//! instantiated inside a function compiled with those features.
//!
//! Nothing is compiled at run time, so the first program using `sin` in a process pays no
//! compile cost, and LLVM schedules the code better than Cranelift does. The bits are the same: every [`Builder`] operation is IEEE-exact (the
//! fused multiply-add included), and the primitives without one instruction (`to_int`
//! and `to_float` through [`vmath::convert`], as the Cranelift builder does), so every
//! lane computes what [`vmath::Scalar`] and the Cranelift-compiled library compute.

use std::arch::x86_64::*;

use vex_expr::ir::{BinaryOp, Func};
use vex_expr::vmath::{self, Builder, LaneFn};

use super::{Entry, MathFn, LANES};

/// Whether this host runs the functions of this module.
pub(super) fn supported() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// [`Builder`] on four float64 lanes as two 128-bit halves, with the AVX2 and FMA
/// instructions' 128-bit (VEX) forms. Its methods are only ever inlined into the
/// `#[target_feature]` functions of [`entry`].
///
/// Why not one 256-bit vector: the kernels calling these functions are Cranelift's, which
/// mix legacy SSE encodings into their code, and on the development machine (AMD Zen 3)
/// each call of a function using 256-bit registers from such code cost ~30 cycles more
/// (≈7 ns per four lanes, measured with a one-instruction function), which ate the whole
/// gain. Two independent 128-bit halves keep both FMA pipes busy with no such penalty.
#[derive(Clone, Copy)]
pub(super) struct Avx2;

/// A float64 value of every lane: two halves of two lanes.
type F = [__m128d; 2];
/// 64-bit integers, likewise.
type I = [__m128i; 2];

/// `op` on each half.
#[inline(always)]
fn each<T: Copy, U>(a: [T; 2], op: impl Fn(T) -> U) -> [U; 2] {
    [op(a[0]), op(a[1])]
}

/// `op` on each pair of halves.
#[inline(always)]
fn each2<T: Copy, U: Copy, V>(a: [T; 2], b: [U; 2], op: impl Fn(T, U) -> V) -> [V; 2] {
    [op(a[0], b[0]), op(a[1], b[1])]
}

// SAFETY (every `unsafe` block of the impl): the intrinsics need at most AVX2 and FMA, and
// these methods are only called from functions compiled with both features, which run
// only on hosts that have them (`supported`).
impl Builder for Avx2 {
    type F = F;
    type I = I;
    type M = F;

    #[inline(always)]
    fn splat(&mut self, c: f64) -> F {
        unsafe { [_mm_set1_pd(c); 2] }
    }
    #[inline(always)]
    fn splat_i(&mut self, c: i64) -> I {
        unsafe { [_mm_set1_epi64x(c); 2] }
    }
    #[inline(always)]
    fn add(&mut self, a: F, b: F) -> F {
        each2(a, b, |a, b| unsafe { _mm_add_pd(a, b) })
    }
    #[inline(always)]
    fn sub(&mut self, a: F, b: F) -> F {
        each2(a, b, |a, b| unsafe { _mm_sub_pd(a, b) })
    }
    #[inline(always)]
    fn mul(&mut self, a: F, b: F) -> F {
        each2(a, b, |a, b| unsafe { _mm_mul_pd(a, b) })
    }
    #[inline(always)]
    fn div(&mut self, a: F, b: F) -> F {
        each2(a, b, |a, b| unsafe { _mm_div_pd(a, b) })
    }
    #[inline(always)]
    fn fma(&mut self, a: F, b: F, c: F) -> F {
        [unsafe { _mm_fmadd_pd(a[0], b[0], c[0]) }, unsafe {
            _mm_fmadd_pd(a[1], b[1], c[1])
        }]
    }
    #[inline(always)]
    fn neg(&mut self, a: F) -> F {
        each(a, |a| unsafe { _mm_xor_pd(a, _mm_set1_pd(-0.0)) })
    }
    #[inline(always)]
    fn abs(&mut self, a: F) -> F {
        each(a, |a| unsafe { _mm_andnot_pd(_mm_set1_pd(-0.0), a) })
    }
    #[inline(always)]
    fn sqrt(&mut self, a: F) -> F {
        each(a, |a| unsafe { _mm_sqrt_pd(a) })
    }
    #[inline(always)]
    fn floor(&mut self, a: F) -> F {
        each(a, |a| unsafe {
            _mm_round_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(a)
        })
    }
    #[inline(always)]
    fn trunc(&mut self, a: F) -> F {
        each(a, |a| unsafe {
            _mm_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(a)
        })
    }
    #[inline(always)]
    fn rint(&mut self, a: F) -> F {
        each(a, |a| unsafe {
            _mm_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(a)
        })
    }
    #[inline(always)]
    fn copysign(&mut self, mag: F, sign: F) -> F {
        each2(mag, sign, |mag, sign| unsafe {
            let bit = _mm_set1_pd(-0.0);
            _mm_or_pd(_mm_andnot_pd(bit, mag), _mm_and_pd(bit, sign))
        })
    }
    #[inline(always)]
    fn lt(&mut self, a: F, b: F) -> F {
        each2(a, b, |a, b| unsafe { _mm_cmplt_pd(a, b) })
    }
    #[inline(always)]
    fn le(&mut self, a: F, b: F) -> F {
        each2(a, b, |a, b| unsafe { _mm_cmple_pd(a, b) })
    }
    #[inline(always)]
    fn eq(&mut self, a: F, b: F) -> F {
        each2(a, b, |a, b| unsafe { _mm_cmpeq_pd(a, b) })
    }
    #[inline(always)]
    fn is_nan(&mut self, a: F) -> F {
        each(a, |a| unsafe { _mm_cmpunord_pd(a, a) })
    }
    #[inline(always)]
    fn select(&mut self, m: F, a: F, b: F) -> F {
        // Masks are all ones or all zeros per lane; blendv looks at the sign bit.
        [unsafe { _mm_blendv_pd(b[0], a[0], m[0]) }, unsafe {
            _mm_blendv_pd(b[1], a[1], m[1])
        }]
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
        each2(a, b, |a, b| unsafe { _mm_and_pd(a, b) })
    }
    #[inline(always)]
    fn or(&mut self, a: F, b: F) -> F {
        each2(a, b, |a, b| unsafe { _mm_or_pd(a, b) })
    }
    #[inline(always)]
    fn not(&mut self, a: F) -> F {
        each(a, |a| unsafe {
            _mm_xor_pd(a, _mm_castsi128_pd(_mm_set1_epi64x(-1)))
        })
    }
    #[inline(always)]
    fn to_bits(&mut self, a: F) -> I {
        each(a, |a| unsafe { _mm_castpd_si128(a) })
    }
    #[inline(always)]
    fn bits_to_float(&mut self, a: I) -> F {
        each(a, |a| unsafe { _mm_castsi128_pd(a) })
    }
    #[inline(always)]
    fn iadd(&mut self, a: I, b: I) -> I {
        each2(a, b, |a, b| unsafe { _mm_add_epi64(a, b) })
    }
    #[inline(always)]
    fn isub(&mut self, a: I, b: I) -> I {
        each2(a, b, |a, b| unsafe { _mm_sub_epi64(a, b) })
    }
    #[inline(always)]
    fn iand(&mut self, a: I, b: I) -> I {
        each2(a, b, |a, b| unsafe { _mm_and_si128(a, b) })
    }
    #[inline(always)]
    fn ior(&mut self, a: I, b: I) -> I {
        each2(a, b, |a, b| unsafe { _mm_or_si128(a, b) })
    }
    #[inline(always)]
    fn ixor(&mut self, a: I, b: I) -> I {
        each2(a, b, |a, b| unsafe { _mm_xor_si128(a, b) })
    }
    #[inline(always)]
    fn shl(&mut self, a: I, n: u32) -> I {
        // The count is a constant of the algorithm: LLVM folds this into an immediate.
        each(a, |a| unsafe {
            _mm_sll_epi64(a, _mm_cvtsi64_si128(i64::from(n)))
        })
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
        each(a, |a| unsafe {
            _mm_srl_epi64(a, _mm_cvtsi64_si128(i64::from(n)))
        })
    }
    #[inline(always)]
    fn ieq(&mut self, a: I, b: I) -> F {
        each2(a, b, |a, b| unsafe {
            _mm_castsi128_pd(_mm_cmpeq_epi64(a, b))
        })
    }
    #[inline(always)]
    fn ilt(&mut self, a: I, b: I) -> F {
        each2(a, b, |a, b| unsafe {
            _mm_castsi128_pd(_mm_cmpgt_epi64(b, a))
        })
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
        each(index, |i| unsafe {
            _mm_i64gather_pd::<8>(table.as_ptr(), i)
        })
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
    unsafe { _mm_movemask_pd(_mm_or_pd(m[0], m[1])) != 0 }
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
    // SAFETY: two __m128d and [f64; 4] have the same size, and every bit pattern is valid.
    unsafe { std::mem::transmute(v) }
}

fn from_array(v: [f64; LANES]) -> F {
    // SAFETY: as in `to_array`.
    unsafe { std::mem::transmute(v) }
}

/// One library function: `arity` arguments of [`LANES`] lanes each at `buf` (argument `k`
/// at `buf[LANES·k ..]`), the result written over the first.
macro_rules! entries {
    ($($name:ident: $f:expr, $arity:literal;)*) => {
        $(
            /// # Safety
            /// The host has AVX2 and FMA; `buf` points to `arity · LANES` float64 values,
            /// readable and writable.
            #[target_feature(enable = "avx2,fma")]
            unsafe extern "C" fn $name(buf: *mut f64) {
                let mut b = Avx2;
                let args: [F; $arity] = std::array::from_fn(|k| unsafe {
                    let at = buf.add(LANES * k);
                    [_mm_loadu_pd(at), _mm_loadu_pd(at.add(2))]
                });
                let r = match $f {
                    MathFn::Call(f) => vmath::call(&mut b, f, &args),
                    MathFn::Binary(op) => vmath::binary(&mut b, op, args[0], args[$arity - 1]),
                };
                // Every entry below has an algorithm (checked by the tests); a missing one
                // would leave its argument in place rather than fault.
                if let Some(r) = r {
                    unsafe {
                        _mm_storeu_pd(buf, r[0]);
                        _mm_storeu_pd(buf.add(2), r[1]);
                    }
                }
            }
        )*

        /// The native function of `f`, if it has one.
        pub(super) fn entry(f: MathFn) -> Option<Entry> {
            $(
                if f == $f {
                    return Some($name);
                }
            )*
            None
        }
    };
}

entries! {
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
