//! The library's functions compiled with Cranelift, for hosts without the native ones:
//! each algorithm emitted by [`Clif`] on two `f64x2` halves (Cranelift's vectors stop at
//! 128 bits), in a module of its own kept for the rest of the process.

use std::sync::OnceLock;

use cranelift_codegen::ir::{types, InstBuilder, MemFlagsData, UserFuncName, Value};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};
use vex_expr::vmath;

use super::super::vmath::Clif;
use super::{signature, MathFn, LANES};

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
/// process, and returns its address.
pub(super) fn compile(f: MathFn) -> Result<usize, String> {
    let isa = isa()?;
    let call_conv = isa.default_call_conv();
    let mut module = JITModule::new(JITBuilder::with_isa(
        isa,
        cranelift_module::default_libcall_names(),
    ));
    let mut ctx = module.make_context();
    ctx.func.signature = signature(call_conv);
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
        let buf = b.block_params(block)[0];
        let flags = MemFlagsData::trusted();
        let half = (LANES / 2 * 8) as i32;
        for h in 0..2 {
            let args: Vec<Value> = (0..f.arity())
                .map(|k| {
                    let at = (LANES * 8 * k) as i32 + half * h;
                    b.ins().load(types::F64X2, flags, buf, at)
                })
                .collect();
            let mut clif = Clif::new(&mut b, true);
            let r = match f {
                MathFn::Call(func) => vmath::call(&mut clif, func, &args),
                MathFn::Binary(op) => vmath::binary(&mut clif, op, args[0], args[1]),
            }
            .ok_or_else(|| format!("no vector math algorithm for {f:?}"))?;
            b.ins().store(flags, r, buf, half * h);
        }
        b.ins().return_(&[]);
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
