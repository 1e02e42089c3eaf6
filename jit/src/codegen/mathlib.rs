//! The vector math library: each [`vmath`] algorithm compiled once per process as its own
//! function `f64x2 (, f64x2) -> f64x2`, which kernels call by address.
//!
//! Inlining an algorithm at every use made a kernel's compile time grow with each
//! transcendental call it contains (the arc-distance program inlines sine and cosine twice
//! each and `arctan2`: ~10 ms of Cranelift). Compiled here once, on first use, the
//! algorithm costs a kernel only a call: kernels compile in a fraction of a millisecond,
//! and the first program using, say, `sin` in a process pays for compiling `sin` once.
//! At run time a call costs a few cycles against the ~60–150 operations of an algorithm.
//!
//! Functions live for the rest of the process (their code is never freed: kernels anywhere
//! may hold their address). They are compiled for the host ISA with the flags
//! `Jit::new` uses, and called with the platform's C convention (`f64x2` in vector
//! registers). Scalars and `f32` lanes are widened into an `f64x2` by the caller
//! ([`super::vmath`]): one library function per algorithm serves every float type, with
//! the same bits per lane.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use cranelift_codegen::ir::{types, AbiParam, InstBuilder, Signature, UserFuncName, Value};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};
use vex_expr::ir::{BinaryOp, Func};
use vex_expr::vmath;

use super::vmath::Clif;

/// An algorithm of the library: a function or a binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum MathFn {
    /// `vmath::call(f, …)`.
    Call(Func),
    /// `vmath::binary(op, …)`.
    Binary(BinaryOp),
}

impl MathFn {
    /// How many `f64x2` arguments its library function takes.
    pub(crate) fn arity(self) -> usize {
        match self {
            MathFn::Call(f) => f.arity(),
            MathFn::Binary(_) => 2,
        }
    }
}

/// A compiled function's address, or why it could not be compiled.
type Entry = Arc<OnceLock<Result<usize, String>>>;

fn entries() -> &'static Mutex<HashMap<MathFn, Entry>> {
    static ENTRIES: OnceLock<Mutex<HashMap<MathFn, Entry>>> = OnceLock::new();
    ENTRIES.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The signature of the library function of `f`, with `call_conv` (the caller's default).
pub(crate) fn signature(f: MathFn, call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    for _ in 0..f.arity() {
        sig.params.push(AbiParam::new(types::F64X2));
    }
    sig.returns.push(AbiParam::new(types::F64X2));
    sig
}

/// The address of `f`'s library function, compiled now if this is its first use in the
/// process. Concurrent first uses of one function compile it once; other functions
/// compile in parallel. (Compiling a kernel's missing functions on parallel threads was
/// tried: on the 2-core development machine under load it was no faster.)
pub(crate) fn address(f: MathFn) -> Result<usize, String> {
    let entry = {
        let mut map = entries()
            .lock()
            .map_err(|_| "the vector math library's lock is poisoned".to_string())?;
        map.entry(f).or_default().clone()
    };
    entry.get_or_init(|| compile(f)).clone()
}

/// The host ISA as `Jit::new` configures it, built once.
fn isa() -> Result<OwnedTargetIsa, String> {
    static ISA: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut flags = settings::builder();
        let verify = if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        };
        for (k, v) in [
            ("opt_level", "speed"),
            ("is_pic", "false"),
            ("use_colocated_libcalls", "false"),
            ("enable_verifier", verify),
        ] {
            flags
                .set(k, v)
                .map_err(|e| format!("cranelift setting {k}: {e}"))?;
        }
        cranelift_native::builder()
            .map_err(|e| format!("host not supported: {e}"))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| format!("host not supported: {e}"))
    })
    .clone()
}

/// Compiles `f`'s library function into a module of its own, kept for the rest of the
/// process.
fn compile(f: MathFn) -> Result<usize, String> {
    let isa = isa()?;
    let call_conv = isa.default_call_conv();
    let mut module = JITModule::new(JITBuilder::with_isa(
        isa,
        cranelift_module::default_libcall_names(),
    ));
    let mut ctx = module.make_context();
    ctx.func.signature = signature(f, call_conv);
    let id = module
        .declare_function("vmath", Linkage::Local, &ctx.func.signature)
        .map_err(|e| e.to_string())?;
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let mut fctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        let args: Vec<Value> = b.block_params(block).to_vec();
        let mut clif = Clif::new(&mut b, true);
        let r = match f {
            MathFn::Call(func) => vmath::call(&mut clif, func, &args),
            MathFn::Binary(op) => vmath::binary(&mut clif, op, args[0], args[1]),
        }
        .ok_or_else(|| format!("no vector math algorithm for {f:?}"))?;
        b.ins().return_(&[r]);
        b.seal_all_blocks();
        b.finalize(module.target_config());
    }
    module
        .define_function(id, &mut ctx)
        .map_err(|e| format!("{e:?}"))?;
    module.clear_context(&mut ctx);
    module.finalize_definitions().map_err(|e| e.to_string())?;
    let ptr = module.get_finalized_function(id);
    // The module is dropped without `free_memory`: its code stays mapped for the rest of
    // the process, as kernels call it by address.
    drop(module);
    Ok(ptr as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_compiles_once_for_the_process() {
        let all = crate::helpers::CALLS
            .into_iter()
            .filter(|&f| vmath::has(f) && f != Func::Sqrt)
            .map(MathFn::Call);
        let mut n = 0;
        for f in all {
            let first = address(f).expect("compiles");
            assert_ne!(first, 0);
            // Later uses, from any thread, get the same code.
            let again = std::thread::spawn(move || address(f))
                .join()
                .expect("no panic");
            assert_eq!(again, Ok(first), "{f:?}");
            n += 1;
        }
        assert!(n >= 3, "sin, cos and tan at least have algorithms");
    }

    #[test]
    fn functions_without_an_algorithm_are_an_error_not_a_panic() {
        let err = address(MathFn::Call(Func::IsNan)).expect_err("no algorithm");
        assert!(err.contains("IsNan"), "{err}");
    }
}
