//! Prepared programs: the per-program work of [`Jit::run`] done once.
//!
//! A call of `Jit::run` validates the program, checks every kernel can be compiled, hashes
//! each kernel's structure to find its code, works out and coalesces every access and
//! allocates the argument blocks: at 16 points, far more time than the loop itself. A
//! [`Prepared`] program keeps the validation, and after a run whose kernels all ran as
//! one chunk (fewer than `exec::PAR_MIN` points) into fresh buffers, a *replay*: each
//! kernel's code and argument block with the words holding base addresses marked, and
//! its reductions' accumulator shapes. A later call whose input strides equal the
//! recorded ones (shapes and dtypes are validated on every call) only allocates the
//! outputs and accumulators, patches their and the inputs' addresses into a copy of each
//! block, calls, and finishes the reductions: with the same shapes and strides every view
//! check, coalesced stride, layout class and therefore every compiled kernel is the same,
//! and only the addresses differ. Larger kernels run as `Jit::run` runs them (minus the
//! validation), where the set-up is small next to the loop.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use vex_expr::ir::Program;
use vex_expr::validate;
use vex_expr::{Array, ArrayRef, Control, DType};

use crate::buffers::{
    array_mut_ptr, array_ptr, assign, checked_len, is_standard, view_parts, Fresh,
};
use crate::codegen::STATUS_NEGATIVE_POWER;
use crate::exec::{self, negative_power, Slot, PAR_MIN};
use crate::layout::{AccKind, KernelKey, W_STATUS};
use crate::reduce::Acc;
use crate::{Compiled, Jit, JitError};

/// Where a base word of a replayed argument block points, given this call's arrays.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BaseOf {
    /// Into input `n`, `offset` bytes from its first element.
    Input { n: usize, offset: i64 },
    /// Into buffer `b` (written by an earlier kernel of the same run), `offset` bytes from
    /// its first element.
    Buffer { b: usize, offset: i64 },
    /// The first element of the fresh array for buffer `b`, stored by this kernel.
    Store(usize),
    /// The accumulator(s) of the kernel's `i`-th reduced store (see [`AccPlan`]).
    Acc(usize),
    /// Not an address (index sources): the recorded word stands.
    Fixed,
}

/// A reduced store's accumulators: allocated at the identity for each call, folded into
/// by the kernel, then finished into the store's buffer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AccPlan {
    /// The store, of the kernel's stores.
    pub store: usize,
    pub acc: AccKind,
    /// The dtype of the reduced node.
    pub dtype: DType,
    /// Outputs (accumulators) and points folded into each.
    pub len: usize,
    pub count: usize,
}

/// One recorded call of a kernel's code.
pub(crate) struct Call {
    pub compiled: Arc<Compiled>,
    /// The argument block of the whole iteration space as one chunk.
    pub block: Vec<i64>,
    /// The words of `block` holding addresses, and where they point.
    pub bases: Vec<(usize, BaseOf)>,
}

/// How to replay one kernel.
pub(crate) struct KernelPlan {
    /// `None` for a kernel without points, which only allocates its outputs.
    pub call: Option<Call>,
    /// The buffers the kernel stores, each a fresh array of its declared shape.
    pub stores: Vec<usize>,
    /// Its reduced stores' accumulators, in store order.
    pub accs: Vec<AccPlan>,
}

/// A recorded run: the input strides it is valid for and its kernels.
struct Replay {
    strides: Vec<Vec<isize>>,
    kernels: Vec<KernelPlan>,
}

/// Argument blocks up to this many words are built on the stack.
const STACK_WORDS: usize = 64;

/// A program validated and checked for the JIT once, for repeated runs (see the module
/// documentation). Made by [`Jit::prepare`].
pub struct Prepared {
    program: Arc<Program>,
    last_use: Vec<Option<usize>>,
    keys: Vec<KernelKey>,
    /// Whether every kernel runs as one chunk, so that a run can record a replay.
    small: bool,
    replay: Mutex<Option<Arc<Replay>>>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("kernels", &self.program.kernels.len())
            .finish_non_exhaustive()
    }
}

impl Jit {
    /// Validates `program` and checks that the JIT compiles every kernel, once, for
    /// [`Prepared::run`]; fails as [`Jit::run`] would before running anything.
    pub fn prepare(&self, program: Arc<Program>) -> Result<Prepared, JitError> {
        let last_use = validate::program(&program)?;
        let keys = self.check_supported(&program)?;
        let small = program
            .kernels
            .iter()
            .all(|k| checked_len(&k.shape).is_some_and(|n| n < PAR_MIN));
        Ok(Prepared {
            program,
            last_use,
            keys,
            small,
            replay: Mutex::new(None),
        })
    }
}

impl Prepared {
    /// The program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// [`Jit::run`] for the prepared program: replays the last run where the input
    /// strides match it, and records a replay otherwise.
    pub fn run(&self, jit: &Jit, inputs: &[ArrayRef]) -> Result<Vec<Array>, JitError> {
        self.run_with(jit, inputs, None)
    }

    /// [`Prepared::run`] checking and advancing `control` (see `vex_expr::control`):
    /// between slices of at most a few hundred thousand points of every chunk, so a
    /// cancel from another thread stops the run within milliseconds with
    /// `ErrorKind::Cancelled`.
    pub fn run_with(
        &self,
        jit: &Jit,
        inputs: &[ArrayRef],
        control: Option<&Control>,
    ) -> Result<Vec<Array>, JitError> {
        let program = &*self.program;
        validate::inputs(program, inputs)?;
        if let Some(replay) = self.replay_for(inputs) {
            let mut slots = replay.execute(program, &self.last_use, inputs, &[], control)?;
            return collect_outputs(program, |b| slots[b].take());
        }
        let mut slots: Vec<Slot<'_>> = program.buffers.iter().map(|_| Slot::Empty).collect();
        let mut plans = Vec::with_capacity(program.kernels.len());
        exec::execute(
            jit,
            program,
            inputs,
            &mut slots,
            &self.last_use,
            &self.keys,
            Some(&mut plans),
            control,
        )?;
        if let Some(kernels) = plans.into_iter().collect::<Option<Vec<_>>>() {
            let strides = inputs.iter().map(|a| view_parts(a).1.to_vec()).collect();
            if let Ok(mut r) = self.replay.lock() {
                *r = Some(Arc::new(Replay { strides, kernels }));
            }
        }
        collect_outputs(program, |b| {
            match std::mem::replace(&mut slots[b], Slot::Empty) {
                Slot::Owned(a) => Some(a),
                _ => None,
            }
        })
    }

    /// [`Jit::run_into`] for the prepared program: replays the last run as
    /// [`Prepared::run`] does, writing standard-layout outputs in place. Where no replay
    /// matches, a small program runs as [`Prepared::run`] (recording one) and its results
    /// are copied into `outputs`; a large one runs as `Jit::run_into`.
    pub fn run_into(
        &self,
        jit: &Jit,
        inputs: &[ArrayRef],
        outputs: &mut [Array],
    ) -> Result<(), JitError> {
        self.run_into_with(jit, inputs, outputs, None)
    }

    /// [`Prepared::run_into`] with a control, as [`Prepared::run_with`]. A cancelled run
    /// leaves the outputs' contents unspecified.
    pub fn run_into_with(
        &self,
        jit: &Jit,
        inputs: &[ArrayRef],
        outputs: &mut [Array],
        control: Option<&Control>,
    ) -> Result<(), JitError> {
        let program = &*self.program;
        validate::inputs(program, inputs)?;
        validate::outputs(program, outputs)?;
        let Some(replay) = self.replay_for(inputs) else {
            if !self.small {
                return jit.run_into_checked(
                    program,
                    inputs,
                    outputs,
                    &self.last_use,
                    &self.keys,
                    control,
                );
            }
            let results = self.run_with(jit, inputs, control)?;
            for (out, r) in outputs.iter_mut().zip(&results) {
                assign(out, r)?;
            }
            return Ok(());
        };
        // Each output buffer's first standard-layout output is written in place.
        let mut borrowed = vec![std::ptr::null_mut(); program.buffers.len()];
        for (j, out) in outputs.iter_mut().enumerate() {
            let b = program.outputs[j];
            if !program.outputs[..j].contains(&b) && is_standard(out) {
                borrowed[b] = array_mut_ptr(out);
            }
        }
        let slots = replay.execute(program, &self.last_use, inputs, &borrowed, control)?;
        for j in 0..outputs.len() {
            let b = program.outputs[j];
            let first = program.outputs[..j].iter().position(|&x| x == b);
            match (first, &slots[b]) {
                (None, _) if !borrowed[b].is_null() => {}
                (_, Some(a)) => assign(&mut outputs[j], a)?,
                (Some(first), None) => {
                    let (head, tail) = outputs.split_at_mut(j);
                    assign(&mut tail[0], &head[first])?;
                }
                (None, None) => {
                    return Err(validate::invalid(format!("output buffer {b} missing")).into())
                }
            }
        }
        Ok(())
    }

    /// The recorded replay, if it was recorded for inputs with these strides.
    fn replay_for(&self, inputs: &[ArrayRef]) -> Option<Arc<Replay>> {
        let replay = self.replay.lock().ok().and_then(|r| r.clone())?;
        replay.matches(inputs).then_some(replay)
    }
}

impl Replay {
    fn matches(&self, inputs: &[ArrayRef]) -> bool {
        self.strides.len() == inputs.len()
            && self
                .strides
                .iter()
                .zip(inputs)
                .all(|(s, a)| view_parts(a).1 == s.as_slice())
    }

    /// Runs the recorded kernels on `inputs`, which `matches` accepted and
    /// `validate::inputs` checked against the program, and returns the buffers. Buffer `b`
    /// is written at `borrowed[b]` where that is not null (a caller's standard-layout
    /// array of the buffer's dtype and shape, checked by `validate::outputs`) and into a
    /// fresh array otherwise. Every kernel is small (one chunk): `control` is checked
    /// before each and advanced after it.
    fn execute(
        &self,
        program: &Program,
        last_use: &[Option<usize>],
        inputs: &[ArrayRef],
        borrowed: &[*mut u8],
        control: Option<&Control>,
    ) -> Result<Vec<Option<Array>>, JitError> {
        if let Some(c) = control {
            c.start(vex_expr::control::total_points(program))?;
        }
        let in_place = |b: usize| borrowed.get(b).copied().filter(|p| !p.is_null());
        let mut slots: Vec<Option<Array>> = program.buffers.iter().map(|_| None).collect();
        for (k, plan) in self.kernels.iter().enumerate() {
            if let Some(c) = control {
                c.check()?;
            }
            let mut fresh = Vec::with_capacity(plan.stores.len());
            for &b in &plan.stores {
                let decl = &program.buffers[b];
                fresh.push(match in_place(b) {
                    Some(_) => None,
                    None => Some(Fresh::new(decl.dtype, &decl.shape)?),
                });
            }
            let fresh_ptr = |b: usize| {
                let i = plan.stores.iter().position(|&s| s == b);
                match (in_place(b), i.and_then(|i| fresh[i].as_ref())) {
                    (Some(p), _) => p,
                    (None, Some(f)) => f.ptr(),
                    (None, None) => std::ptr::null_mut(),
                }
            };
            let mut accs = Vec::with_capacity(plan.accs.len());
            for a in &plan.accs {
                accs.push(Acc::new(a.acc, a.dtype, a.len)?);
            }
            if let Some(Call {
                compiled,
                block,
                bases,
            }) = &plan.call
            {
                let status = AtomicI64::new(0);
                let mut stack = [0i64; STACK_WORDS];
                let mut heap = Vec::new();
                let args: &mut [i64] = if block.len() <= STACK_WORDS {
                    &mut stack[..block.len()]
                } else {
                    heap.resize(block.len(), 0);
                    &mut heap
                };
                args.copy_from_slice(block);
                args[W_STATUS] = status.as_ptr() as i64;
                for &(word, base) in bases {
                    let (ptr, offset) = match base {
                        BaseOf::Input { n, offset } => (view_parts(&inputs[n]).0, offset),
                        BaseOf::Buffer { b, offset } => match (&slots[b], in_place(b)) {
                            (Some(a), _) => (array_ptr(a), offset),
                            (None, Some(p)) => (p.cast_const(), offset),
                            (None, None) => {
                                return Err(validate::invalid("replay lost a buffer").into())
                            }
                        },
                        BaseOf::Store(b) => (fresh_ptr(b).cast_const(), 0),
                        BaseOf::Acc(i) => {
                            let ptrs = accs[i].ptrs();
                            args[word] = ptrs[0];
                            if matches!(plan.accs[i].acc, AccKind::Kahan { .. }) {
                                args[word + 1] = ptrs[1];
                            }
                            continue;
                        }
                        BaseOf::Fixed => continue,
                    };
                    args[word] = (ptr as i64).wrapping_add(offset);
                }
                // SAFETY: the block is the one recorded for inputs of these shapes (checked
                // by `validate::inputs`) and strides (checked by `matches`) and buffers of
                // the program's fixed shapes, with every address moved to this call's
                // arrays: it addresses exactly the elements the recorded, checked run did.
                unsafe { (compiled.func)(args.as_ptr()) };
                if status.load(Ordering::Relaxed) == STATUS_NEGATIVE_POWER {
                    return Err(negative_power().into());
                }
            }
            if let Some(c) = control {
                c.advance(checked_len(&program.kernels[k].shape).unwrap_or(0) as u64);
            }
            for (a, acc) in plan.accs.iter().zip(&mut accs) {
                let store = &program.kernels[k].stores[a.store];
                let dtype = program.kernels[k].nodes[store.node].dtype;
                // SAFETY: the fresh buffer holds the store's shape, the kernel's without the
                // reduced axes: exactly `len` outputs (as recorded from a checked run).
                unsafe { acc.finish(dtype, a.count, fresh_ptr(store.buffer))? };
            }
            for (&b, f) in plan.stores.iter().zip(fresh) {
                if let Some(f) = f {
                    // SAFETY: an elementwise store covers its buffer's whole shape, a
                    // reduced store's outputs were all written by `finish`.
                    slots[b] = Some(unsafe { f.into_array()? });
                }
            }
            for (b, &last) in last_use.iter().enumerate() {
                if last == Some(k) && !program.outputs.contains(&b) {
                    slots[b] = None;
                }
            }
        }
        Ok(slots)
    }
}

/// The program's outputs in order, each taken once from its buffer by `take` (an output
/// listed twice is cloned).
pub(crate) fn collect_outputs(
    program: &Program,
    mut take: impl FnMut(usize) -> Option<Array>,
) -> Result<Vec<Array>, JitError> {
    let mut outputs: Vec<Array> = Vec::with_capacity(program.outputs.len());
    for (j, &b) in program.outputs.iter().enumerate() {
        let out = match program.outputs[..j].iter().position(|&x| x == b) {
            Some(first) => outputs[first].clone(),
            None => take(b)
                .ok_or_else(|| validate::invalid(format!("output buffer {b} was never written")))?,
        };
        outputs.push(out);
    }
    Ok(outputs)
}
