//! The vector math library: each [`vmath`] algorithm as a function of its own, which
//! kernels call by address, four float64 lanes per call.
//!
//! Inlining an algorithm at every use made a kernel's compile time grow with each
//! transcendental call it contains (the arc-distance program inlines sine and cosine twice
//! each and `arctan2`: ~10 ms of Cranelift). As library functions, the algorithms cost a
//! kernel only calls, and kernels compile in a fraction of a millisecond. At run time a
//! call costs a few cycles against the ~60–150 operations of an algorithm on four lanes.
//!
//! Where the host has AVX2 and FMA (x86-64 from 2013 on), the functions are rustc's,
//! compiled ahead of time ([`avx2`]): nothing to compile at run time, and LLVM's four-lane
//! code. Elsewhere each is compiled once per process with Cranelift on first use
//! ([`clif`]), for the host ISA with the flags `Jit::new` uses. Both compute the bits of
//! [`vmath::Scalar`] in every lane. `VEX_MATHLIB=cranelift` picks the Cranelift library
//! on any host (for testing it).
//!
//! The calling convention is the platform's C convention with one pointer argument, the
//! same for both: the caller stores each argument as [`LANES`] float64 values in a row
//! (argument `k` at float `LANES·k`), and the function writes its result over the first
//! argument. (Cranelift cannot pass a 256-bit vector, and Rust cannot return two 128-bit
//! ones in registers: memory is the interface both agree on, at the cost of a store and
//! a load per lane group.) Functions live for the rest of the process: kernels anywhere
//! may hold their address.

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

/// A library function: arguments and result at the pointer, see the module doc.
type Entry = unsafe extern "C" fn(*mut f64);

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
    /// rustc's AVX2 + FMA functions.
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

/// The address of `f`'s library function: the native one, or the Cranelift one, compiled
/// now if this is its first use in the process.
pub(crate) fn address(f: MathFn) -> Result<usize, String> {
    match source() {
        #[cfg(target_arch = "x86_64")]
        Source::Native => avx2::entry(f)
            .map(|e| e as usize)
            .ok_or_else(|| format!("no vector math algorithm for {f:?}")),
        _ => compiled(f),
    }
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
            let f: Entry = std::mem::transmute(addr);
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

    #[test]
    fn native_and_cranelift_functions_compute_the_scalar_bits_in_every_lane() {
        let xs = inputs();
        for f in all() {
            let addrs: Vec<(&str, usize)> = [
                Some(("cranelift", compiled(f).expect("compiles"))),
                #[cfg(target_arch = "x86_64")]
                avx2::supported()
                    .then(|| ("avx2", avx2::entry(f).expect("every function") as usize)),
            ]
            .into_iter()
            .flatten()
            .collect();
            for group in xs.chunks(LANES).filter(|g| g.len() == LANES) {
                let x: [f64; LANES] = std::array::from_fn(|l| group[l]);
                // The second argument: the same values in another order.
                let y: [f64; LANES] = std::array::from_fn(|l| group[(l + 1) % LANES]);
                let args: Vec<[f64; LANES]> = [x, y].into_iter().take(f.arity()).collect();
                let want: [f64; LANES] = std::array::from_fn(|l| {
                    let a: Vec<f64> = args.iter().map(|a| a[l]).collect();
                    match f {
                        MathFn::Call(g) => vmath::eval(g, &a),
                        MathFn::Binary(op) => vmath::binary(&mut vmath::Scalar, op, a[0], a[1]),
                    }
                    .expect("an algorithm")
                });
                for (name, addr) in &addrs {
                    let got = run(*addr, &args);
                    for l in 0..LANES {
                        assert!(
                            same(got[l], want[l]),
                            "{name} {f:?}{:?}: {} vs scalar {}",
                            args.iter().map(|a| a[l]).collect::<Vec<_>>(),
                            got[l],
                            want[l]
                        );
                    }
                }
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
