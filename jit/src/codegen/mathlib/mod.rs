//! The vector math library: each [`vmath`] algorithm as a function of its own, which
//! kernels call instead of inlining it, in one of two forms.
//!
//! Where the host has AVX2 and FMA (x86-64 from 2013 on), the functions are rustc's,
//! compiled ahead of time over whole blocks of points ([`avx2`], [`block`]): kernels run
//! them like the other out-of-line helpers, once per block of up to 256 points
//! (`codegen::blocked`). Nothing is compiled at run time, and LLVM's 256-bit loops run two
//! to three times as fast as the per-vector calls below.
//!
//! Elsewhere, or with `VEX_MATHLIB=cranelift` (for testing it on any host), each algorithm
//! is compiled once per process with Cranelift on first use ([`clif`]), for the host ISA
//! with the flags `Jit::new` uses, and the vectorised loops call it ([`address`]) four
//! float64 lanes at a time: the caller stores each argument as [`LANES`] float64 values in
//! a row of a stack slot (argument `k` at float `LANES·k`), passes its address (the
//! platform's C convention), and reads the result from the first row. Functions live for
//! the rest of the process: kernels anywhere may hold their address.
//!
//! Both forms compute the bits of [`vmath::Scalar`] in every lane.
//!
//! Inlining the algorithms at every use, as vex first did, made a kernel's compile time
//! grow with each transcendental call it contains (arc distance: ~10 ms of Cranelift).

#[cfg(target_arch = "x86_64")]
mod avx2;
mod clif;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use cranelift_codegen::ir::{types, AbiParam, Signature};
use cranelift_codegen::isa::CallConv;
use vex_expr::ir::{BinaryOp, Func};

/// Float64 lanes per call.
pub(crate) const LANES: usize = 4;

/// An algorithm of the library: a function or a binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum MathFn {
    /// `vmath::call(f, …)`.
    Call(Func),
    /// `vmath::binary(op, …)`.
    Binary(BinaryOp),
}

impl MathFn {
    /// How many arguments its library function takes.
    pub(crate) fn arity(self) -> usize {
        match self {
            MathFn::Call(f) => f.arity(),
            MathFn::Binary(_) => 2,
        }
    }
}

/// The signature of every library function, with `call_conv` (the caller's default).
pub(crate) fn signature(call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(types::I64));
    sig
}

/// Which implementation this process uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// rustc's AVX2 + FMA block functions.
    Native,
    /// Cranelift, compiled on first use.
    Cranelift,
}

fn source() -> Source {
    static SOURCE: OnceLock<Source> = OnceLock::new();
    *SOURCE.get_or_init(|| {
        let forced = std::env::var("VEX_MATHLIB").is_ok_and(|v| v == "cranelift");
        #[cfg(target_arch = "x86_64")]
        if !forced && avx2::supported() {
            return Source::Native;
        }
        let _ = forced;
        Source::Cranelift
    })
}

/// A block function on float64 points: `out[i] = f(x[i], y[i])` for `i < n`.
#[cfg(target_arch = "x86_64")]
pub(crate) type BlockF64 = avx2::Block<f64>;
/// A block function on float32 points (computed in float64, rounded once).
#[cfg(target_arch = "x86_64")]
pub(crate) type BlockF32 = avx2::Block<f32>;
/// Block functions exist only on x86-64.
#[cfg(not(target_arch = "x86_64"))]
pub(crate) type BlockF64 = unsafe fn(*const f64, *const f64, *mut f64, usize);
/// Block functions exist only on x86-64.
#[cfg(not(target_arch = "x86_64"))]
pub(crate) type BlockF32 = unsafe fn(*const f32, *const f32, *mut f32, usize);

/// The block functions of `f` where this process uses them (see the module doc); `None`
/// means kernels call `f` per vector through [`address`].
pub(crate) fn block(f: MathFn) -> Option<(BlockF64, BlockF32)> {
    match source() {
        #[cfg(target_arch = "x86_64")]
        Source::Native => avx2::block(f),
        _ => None,
    }
}

/// The address of `f`'s per-vector library function, compiled now if this is its first
/// use in the process.
pub(crate) fn address(f: MathFn) -> Result<usize, String> {
    compiled(f)
}

/// A Cranelift-compiled function's address, or why it could not be compiled.
type Compiled = Arc<OnceLock<Result<usize, String>>>;

/// The Cranelift-compiled function of `f`. Concurrent first uses of one function compile
/// it once; other functions compile in parallel.
fn compiled(f: MathFn) -> Result<usize, String> {
    static COMPILED: OnceLock<Mutex<HashMap<MathFn, Compiled>>> = OnceLock::new();
    let entry = {
        let mut map = COMPILED
            .get_or_init(|| Mutex::new(HashMap::new()))
            .lock()
            .map_err(|_| "the vector math library's lock is poisoned".to_string())?;
        map.entry(f).or_default().clone()
    };
    entry.get_or_init(|| clif::compile(f)).clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vex_expr::vmath;

    /// Every function of the library.
    fn all() -> Vec<MathFn> {
        crate::helpers::CALLS
            .into_iter()
            .filter(|&f| vmath::has(f) && f != Func::Sqrt)
            .map(MathFn::Call)
            .chain([MathFn::Binary(BinaryOp::Pow)])
            .collect()
    }

    /// Runs the library function at `addr` on `args` (one value per lane and argument).
    fn run(addr: usize, args: &[[f64; LANES]]) -> [f64; LANES] {
        let mut buf: Vec<f64> = args.iter().flatten().copied().collect();
        // SAFETY: `addr` is a library function (see `address`), and `buf` holds its
        // arguments, LANES floats each.
        unsafe {
            let f: unsafe extern "C" fn(*mut f64) = std::mem::transmute(addr);
            f(buf.as_mut_ptr());
        }
        std::array::from_fn(|l| buf[l])
    }

    /// Awkward arguments: specials, boundaries of the algorithms' cases, huge values for
    /// the trigonometric reduction, and pseudo-random bit patterns over the whole range.
    fn inputs() -> Vec<f64> {
        let mut xs = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            2.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::MAX,
            -f64::MAX,
            709.78,
            -745.2,
            1e-300,
            1e22,
            -1e300,
            std::f64::consts::PI,
            std::f64::consts::FRAC_PI_2,
            0.999_999_999,
            1.000_000_001,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..4000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            xs.push(f64::from_bits(state));
            // Also moderate magnitudes, where most inputs of a program live.
            xs.push((state >> 11) as f64 / (1u64 << 53) as f64 * 40.0 - 20.0);
        }
        xs
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    /// `f` on plain numbers.
    fn scalar(f: MathFn, a: &[f64]) -> f64 {
        match f {
            MathFn::Call(g) => vmath::eval(g, a),
            MathFn::Binary(op) => vmath::binary(&mut vmath::Scalar, op, a[0], a[1]),
        }
        .expect("an algorithm")
    }

    #[test]
    fn cranelift_functions_compute_the_scalar_bits_in_every_lane() {
        let xs = inputs();
        for f in all() {
            let addr = compiled(f).expect("compiles");
            for group in xs.chunks_exact(LANES) {
                let x: [f64; LANES] = std::array::from_fn(|l| group[l]);
                // The second argument: the same values in another order.
                let y: [f64; LANES] = std::array::from_fn(|l| group[(l + 1) % LANES]);
                let args: Vec<[f64; LANES]> = [x, y].into_iter().take(f.arity()).collect();
                let got = run(addr, &args);
                for l in 0..LANES {
                    let a: Vec<f64> = args.iter().map(|a| a[l]).collect();
                    let want = scalar(f, &a);
                    assert!(
                        same(got[l], want),
                        "{f:?}{a:?}: {} vs scalar {want}",
                        got[l]
                    );
                }
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn native_block_functions_compute_the_scalar_bits_at_every_length() {
        if !avx2::supported() {
            eprintln!("no AVX2 and FMA here: the block functions are not used");
            return;
        }
        let xs = inputs();
        let ys: Vec<f64> = xs.iter().rev().copied().collect();
        let sentinel = 12345.0;
        for f in all() {
            let (b64, b32) = avx2::block(f).expect("every function has one");
            for n in [0, 1, 2, 3, 4, 5, 7, 8, 9, 255, xs.len()] {
                let mut out = vec![sentinel; n + 5];
                // SAFETY: both inputs hold at least n points, `out` n + 5.
                unsafe { b64(xs.as_ptr(), ys.as_ptr(), out.as_mut_ptr(), n) };
                for i in 0..n {
                    let a = [xs[i], ys[i]];
                    let want = scalar(f, &a[..f.arity()]);
                    assert!(
                        same(out[i], want),
                        "{f:?}{a:?} (n = {n}): {} vs {want}",
                        out[i]
                    );
                }
                assert!(
                    out[n..].iter().all(|&v| v == sentinel),
                    "{f:?} wrote past {n}"
                );

                let x32: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
                let y32: Vec<f32> = ys.iter().map(|&v| v as f32).collect();
                let mut out32 = vec![sentinel as f32; n + 5];
                // SAFETY: as above.
                unsafe { b32(x32.as_ptr(), y32.as_ptr(), out32.as_mut_ptr(), n) };
                for i in 0..n {
                    let a = [f64::from(x32[i]), f64::from(y32[i])];
                    let want = scalar(f, &a[..f.arity()]) as f32;
                    let ok = out32[i].to_bits() == want.to_bits()
                        || (out32[i].is_nan() && want.is_nan());
                    assert!(ok, "{f:?}{a:?} f32 (n = {n}): {} vs {want}", out32[i]);
                }
                assert!(out32[n..].iter().all(|&v| v == sentinel as f32));
            }
        }
    }

    #[test]
    fn every_algorithm_has_one_function_for_the_process() {
        let mut n = 0;
        for f in all() {
            let first = address(f).expect("compiles");
            assert_ne!(first, 0);
            // Later uses, from any thread, get the same code.
            let again = std::thread::spawn(move || address(f))
                .join()
                .expect("no panic");
            assert_eq!(again, Ok(first), "{f:?}");
            n += 1;
        }
        assert!(n >= 20, "every listed function, {n} found");
    }

    #[test]
    fn functions_without_an_algorithm_are_an_error_not_a_panic() {
        let err = address(MathFn::Call(Func::IsNan)).expect_err("no algorithm");
        assert!(err.contains("IsNan"), "{err}");
        let err = compiled(MathFn::Call(Func::IsNan)).expect_err("no algorithm");
        assert!(err.contains("IsNan"), "{err}");
    }
}
