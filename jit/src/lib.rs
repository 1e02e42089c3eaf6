//! vex-jit: compiles vex kernel IR to native code with Cranelift and runs it on all cores.
//!
//! [`Jit::run`] and [`Jit::run_into`] have the contract of `vex_expr::interp::run` and
//! `run_into`: same results and same errors. Integers and bools match bit for bit; float
//! elementwise results too (nothing is fused, and the out-of-line helpers run the
//! interpreter's own functions), except transcendental functions and `**` that have a
//! `vex_expr::vmath` algorithm: those are vectorised, each a library function kernels call
//! four lanes at a time (`codegen::mathlib`: rustc's AVX2 code where the host has it, else
//! compiled with Cranelift once per process; `codegen::vmath` emits the calls), within a
//! few ULP of the interpreter's libm, identically in the vector and scalar loops; float sums and means are compensated (Neumaier) like the
//! interpreter's but may be summed in another order (per chunk, per SIMD lane), so they
//! can differ from it in the last bits while staying bit-identical for any thread count.
//! Complex numbers are compiled as (re, im) pairs (`codegen::complex`), their libm-based
//! functions run out of line (`helpers_complex`). A program using something the JIT
//! cannot compile (anything `vex_expr::ops` has no loop for) gives
//! [`JitError::Unsupported`] before anything runs, and the caller falls back to the
//! interpreter.
//!
//! Layout: `layout` (how accesses are described to compiled code), `codegen`
//! (Cranelift IR: loops, scalar and SIMD bodies, vector math calls, blocked passes around
//! helper calls), `helpers` (the other transcendental functions and float `//`, `%`, `**`
//! out of line, once per block of points), `exec` (buffers, chunks, threads), `reduce` (accumulators),
//! `validate`, `buffers`.
//!
//! Compiled kernels are cached by their nodes and access layout (not shapes or strides,
//! which are run-time arguments), at most [`CACHE_CAPACITY`] of them; each lives in its
//! own `JITModule`, whose code is freed when the kernel is evicted.
//!
//! Threads: `VEX_NUM_THREADS` (else the available parallelism), or [`Jit::set_threads`].
//! Kernels under 32K points run on the calling thread.

#![warn(missing_docs)]

mod buffers;
mod codegen;
mod exec;
mod helpers;
mod helpers_complex;
mod layout;
mod prepared;
mod reduce;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use vex_expr::ir::{Kernel, Program};
use vex_expr::validate;
use vex_expr::{Array, ArrayRef, Error};

use crate::exec::Slot;
use crate::layout::{KernelKey, Layout};
pub use crate::prepared::Prepared;

/// Why the JIT did not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum JitError {
    /// The program uses something the JIT cannot compile (yet): run the interpreter.
    #[error("not supported by the JIT: {0}")]
    Unsupported(String),
    /// A real evaluation error, the one the interpreter reports.
    #[error(transparent)]
    Eval(#[from] Error),
}

/// How many compiled kernels are kept.
pub const CACHE_CAPACITY: usize = 256;

/// The signature of every compiled kernel: a pointer to its argument block.
type KernelFn = unsafe extern "C" fn(*const i64);

/// One compiled kernel and the module that owns its code.
pub(crate) struct Compiled {
    module: Option<JITModule>,
    func: KernelFn,
}

// SAFETY: after `finalize_definitions` the module is only kept to free its memory; the
// code it owns is immutable and callable from any thread.
unsafe impl Send for Compiled {}
unsafe impl Sync for Compiled {}

impl Drop for Compiled {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: the last `Arc` to this kernel is gone, so no thread can be running
            // (or about to call) its code.
            unsafe { m.free_memory() };
        }
    }
}

struct Cache {
    /// Compiled kernels by full key, with the clock of their last use.
    map: HashMap<(KernelKey, Layout), (Arc<Compiled>, u64)>,
    clock: u64,
    /// Whether a kernel (by kernel key) can be compiled.
    supported: HashMap<KernelKey, Result<(), String>>,
}

struct Threads {
    n: usize,
    pool: Option<Arc<rayon::ThreadPool>>,
}

/// The JIT backend: a target ISA, a cache of compiled kernels and a thread pool.
pub struct Jit {
    isa: OwnedTargetIsa,
    cache: Mutex<Cache>,
    threads: Mutex<Threads>,
}

impl std::fmt::Debug for Jit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jit")
            .field("threads", &self.threads())
            .finish_non_exhaustive()
    }
}

/// The default thread count: `VEX_NUM_THREADS` if set to a positive integer, else the
/// available parallelism.
fn default_threads() -> usize {
    std::env::var("VEX_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
}

impl Jit {
    /// A JIT for the host, or `Unsupported` where Cranelift does not support it.
    pub fn new() -> Result<Jit, JitError> {
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| {
            f.set(k, v)
                .map_err(|e| JitError::Unsupported(format!("cranelift setting {k}: {e}")))
        };
        set(&mut flags, "opt_level", "speed")?;
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "use_colocated_libcalls", "false")?;
        // Cranelift verifies every function it compiles by default: a fifth of the compile
        // time of a kernel with inline vector math. Debug builds (the test suite) keep it.
        let verify = if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        };
        set(&mut flags, "enable_verifier", verify)?;
        let isa = cranelift_native::builder()
            .map_err(|e| JitError::Unsupported(format!("host not supported: {e}")))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| JitError::Unsupported(format!("host not supported: {e}")))?;
        let jit = Jit {
            isa,
            cache: Mutex::new(Cache {
                map: HashMap::new(),
                clock: 0,
                supported: HashMap::new(),
            }),
            threads: Mutex::new(Threads { n: 1, pool: None }),
        };
        jit.set_threads(default_threads());
        Ok(jit)
    }

    /// Uses `n` threads (at least 1) for large kernels.
    pub fn set_threads(&self, n: usize) {
        let n = n.max(1);
        let pool = if n > 1 {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .thread_name(|i| format!("vex-jit-{i}"))
                // Kernels with helper calls keep up to 256 KiB of buffers on the stack.
                .stack_size(8 << 20)
                .build()
                .ok()
                .map(Arc::new)
        } else {
            None
        };
        let n = if pool.is_some() { n } else { 1 };
        if let Ok(mut t) = self.threads.lock() {
            *t = Threads { n, pool };
        }
    }

    /// The number of threads large kernels use.
    pub fn threads(&self) -> usize {
        self.threads.lock().map(|t| t.n).unwrap_or(1)
    }

    pub(crate) fn pool(&self) -> Option<Arc<rayon::ThreadPool>> {
        self.threads.lock().ok().and_then(|t| t.pool.clone())
    }

    /// Number of compiled kernels in the cache.
    pub fn cached_kernels(&self) -> usize {
        self.cache.lock().map(|c| c.map.len()).unwrap_or(0)
    }

    /// Runs `program` on `inputs` (in the order of `program.inputs`) and returns its
    /// outputs, as `vex_expr::interp::run`.
    pub fn run(&self, program: &Program, inputs: &[ArrayRef]) -> Result<Vec<Array>, JitError> {
        let last_use = validate::program(program)?;
        validate::inputs(program, inputs)?;
        let keys = self.check_supported(program)?;
        let mut slots: Vec<Slot<'_>> = program.buffers.iter().map(|_| Slot::Empty).collect();
        exec::execute(
            self, program, inputs, &mut slots, &last_use, &keys, None, None,
        )?;
        prepared::collect_outputs(program, |b| {
            match std::mem::replace(&mut slots[b], Slot::Empty) {
                Slot::Owned(a) => Some(a),
                _ => None,
            }
        })
    }

    /// Runs `program`, writing its outputs into caller-provided arrays of the right dtype
    /// and shape, as `vex_expr::interp::run_into`. Standard-layout outputs are written in
    /// place; others get a copy at the end.
    pub fn run_into(
        &self,
        program: &Program,
        inputs: &[ArrayRef],
        outputs: &mut [Array],
    ) -> Result<(), JitError> {
        let last_use = validate::program(program)?;
        let keys = self.check_supported(program)?;
        self.run_into_checked(program, inputs, outputs, &last_use, &keys, None)
    }

    /// [`Jit::run_into`] once the program is validated (`last_use`) and its kernels are
    /// known to compile (`keys`).
    fn run_into_checked(
        &self,
        program: &Program,
        inputs: &[ArrayRef],
        outputs: &mut [Array],
        last_use: &[Option<usize>],
        keys: &[KernelKey],
        control: Option<&vex_expr::Control>,
    ) -> Result<(), JitError> {
        validate::inputs(program, inputs)?;
        validate::outputs(program, outputs)?;
        let mut copies = Vec::new();
        let mut owned = Vec::new();
        {
            let mut slots: Vec<Slot<'_>> = program.buffers.iter().map(|_| Slot::Empty).collect();
            for (j, out) in outputs.iter_mut().enumerate() {
                let b = program.outputs[j];
                if matches!(slots[b], Slot::Empty)
                    && buffers::is_standard(out)
                    && !program.outputs[..j].contains(&b)
                {
                    slots[b] = Slot::Borrowed(out);
                } else {
                    copies.push(j);
                }
            }
            exec::execute(
                self, program, inputs, &mut slots, last_use, keys, None, control,
            )?;
            for (b, slot) in slots.into_iter().enumerate() {
                if let Slot::Owned(a) = slot {
                    owned.push((b, a));
                }
            }
        }
        for j in copies {
            let b = program.outputs[j];
            if let Some((_, a)) = owned.iter().find(|(x, _)| *x == b) {
                buffers::assign(&mut outputs[j], a)?;
            } else {
                let first = program.outputs[..j]
                    .iter()
                    .position(|&x| x == b)
                    .ok_or_else(|| validate::invalid(format!("output buffer {b} missing")))?;
                let (head, tail) = outputs.split_at_mut(j);
                buffers::assign(&mut tail[0], &head[first])?;
            }
        }
        Ok(())
    }

    /// Fails with `Unsupported` if some kernel cannot be compiled, before anything runs
    /// (so that a fallback never repeats work or sees half-written outputs); returns each
    /// kernel's `layout::kernel_key`. Compiles nothing: the check emits the nodes into a
    /// scratch function (see `codegen::check`), and its verdict is cached by kernel key.
    fn check_supported(&self, program: &Program) -> Result<Vec<KernelKey>, JitError> {
        let mut keys = Vec::with_capacity(program.kernels.len());
        for kernel in &program.kernels {
            let key = layout::kernel_key(kernel);
            let known = self
                .cache
                .lock()
                .ok()
                .and_then(|c| c.supported.get(&key).cloned());
            let verdict = match known {
                Some(v) => v,
                None => {
                    let v = layout::access_kinds(kernel)
                        .map(|_| ())
                        .and_then(|()| codegen::check(kernel));
                    if let Ok(mut c) = self.cache.lock() {
                        if c.supported.len() >= 4 * CACHE_CAPACITY {
                            c.supported.clear();
                        }
                        c.supported.insert(key.clone(), v.clone());
                    }
                    v
                }
            };
            verdict.map_err(JitError::Unsupported)?;
            keys.push(key);
        }
        Ok(keys)
    }

    /// The compiled code of `kernel` for `layout`, from the cache or compiled now.
    pub(crate) fn compiled(
        &self,
        kernel: &Kernel,
        kernel_key: &KernelKey,
        layout: &Layout,
    ) -> Result<Arc<Compiled>, JitError> {
        let key = layout::cache_key(kernel_key, layout);
        if let Ok(mut c) = self.cache.lock() {
            c.clock += 1;
            let now = c.clock;
            if let Some((k, used)) = c.map.get_mut(&key) {
                *used = now;
                return Ok(k.clone());
            }
        }
        let compiled = Arc::new(self.compile(kernel, layout)?);
        if let Ok(mut c) = self.cache.lock() {
            if c.map.len() >= CACHE_CAPACITY {
                let oldest = c
                    .map
                    .iter()
                    .min_by_key(|(_, (_, used))| *used)
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    c.map.remove(&k);
                }
            }
            let now = c.clock;
            c.map.insert(key, (compiled.clone(), now));
        }
        Ok(compiled)
    }

    fn compile(&self, kernel: &Kernel, layout: &Layout) -> Result<Compiled, JitError> {
        let mut builder =
            JITBuilder::with_isa(self.isa.clone(), cranelift_module::default_libcall_names());
        builder.symbols(helpers::symbols());
        builder.symbols(helpers_complex::symbols());
        let mut module = JITModule::new(builder);
        let unsupported = |e: String| JitError::Unsupported(format!("compiling a kernel: {e}"));
        let id = codegen::compile(&mut module, kernel, layout).map_err(unsupported)?;
        module
            .finalize_definitions()
            .map_err(|e| unsupported(e.to_string()))?;
        let ptr = module.get_finalized_function(id);
        // SAFETY: `codegen::compile` defines the function with exactly this signature
        // (one pointer argument, no results, the platform's C calling convention).
        let func = unsafe { std::mem::transmute::<*const u8, KernelFn>(ptr) };
        Ok(Compiled {
            module: Some(module),
            func,
        })
    }
}
