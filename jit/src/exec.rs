//! Running a validated program: buffers, one compiled function per kernel, chunks of the
//! outer iteration axis on the thread pool, and reductions.
//!
//! Chunking depends only on the kernel's sizes (never on the thread count), and chunks
//! that reduce over the parallel axis get private accumulators merged in chunk order, so
//! every result is identical whatever the number of threads. Small kernels (fewer than
//! [`PAR_MIN`] points) run as one chunk on the calling thread without synchronisation.
//! A chunk is a range of coalesced axis 0; kernels with fewer rows than wanted chunks
//! (and no reductions) are cut into column ranges of single rows instead.
//!
//! Each chunk runs as consecutive calls of at most [`SLICE`] points (whole rows of axis 0,
//! or one row's range), and a [`Control`] is checked and advanced between calls: a cancel
//! stops every thread within one slice's work. The slicing depends on sizes only and
//! happens with or without a control, so results never depend on it.

use std::sync::atomic::{AtomicI64, Ordering};

use rayon::prelude::*;
use vex_expr::control::Control;
use vex_expr::ir::{Kernel, Op, Program, Source, View};
use vex_expr::{Array, ArrayRef, Error, ErrorKind};

use crate::buffers::{array_mut_ptr, array_raw, checked_len, view_raw, Fresh};
use crate::codegen::STATUS_NEGATIVE_POWER;
use crate::layout::{
    access_kinds, coalesce, inner_class, AccessKind, ArgLayout, KernelKey, Layout, RtAccess,
    W_EXTENTS, W_HI, W_LO, W_STATUS,
};
use crate::prepared::{AccPlan, BaseOf, Call, KernelPlan};
use crate::reduce::Acc;
use crate::{Compiled, Jit, JitError};
use std::sync::Arc;
use vex_expr::validate::{invalid, view as check_view};

/// Kernels with fewer points run on the calling thread.
pub(crate) const PAR_MIN: usize = 32 * 1024;
/// Target points per chunk of a parallel kernel.
const GRAIN: usize = 32 * 1024;
/// At most this many chunks per kernel.
const MAX_CHUNKS: usize = 4096;
/// Memory allowed for per-chunk partial accumulators of one kernel.
const PARTIAL_BYTES: usize = 64 << 20;
/// At most this many points per call of compiled code (unless one row of axis 0 has
/// more): between calls, a [`Control`] is checked. A few milliseconds of work even for
/// transcendental functions (~20 ns a point), small enough for a prompt cancel. Chunks
/// are at most `total / MAX_CHUNKS` points, so kernels below ~10^9 points are never
/// sliced at all.
const SLICE: usize = 256 * 1024;

/// A program buffer.
pub(crate) enum Slot<'o> {
    Empty,
    Owned(Array),
    /// A caller's standard-layout output array, written in place.
    Borrowed(&'o mut Array),
}

impl Slot<'_> {
    fn array(&self) -> Option<&Array> {
        match self {
            Slot::Empty => None,
            Slot::Owned(a) => Some(a),
            Slot::Borrowed(a) => Some(a),
        }
    }
}

/// Where a store writes: an existing array or a fresh allocation.
enum Target {
    Existing(*mut u8),
    Fresh(Fresh),
}

impl Target {
    fn ptr(&self) -> *mut u8 {
        match self {
            Target::Existing(p) => *p,
            Target::Fresh(f) => f.ptr(),
        }
    }
}

pub(crate) fn negative_power() -> Error {
    Error::new(
        ErrorKind::NegativePower,
        "integers to negative integer powers are not allowed",
    )
}

/// Runs every kernel of a validated program; `last_use` as from `validate::program`,
/// `keys` the kernels' `layout::kernel_key`s. With `plans`, pushes each kernel's
/// [`KernelPlan`] (`None` where the kernel cannot be replayed) for `prepared`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn execute(
    jit: &Jit,
    program: &Program,
    inputs: &[ArrayRef],
    slots: &mut [Slot<'_>],
    last_use: &[Option<usize>],
    keys: &[KernelKey],
    mut plans: Option<&mut Vec<Option<KernelPlan>>>,
    control: Option<&Control>,
) -> Result<(), JitError> {
    if let Some(c) = control {
        c.start(vex_expr::control::total_points(program))?;
    }
    for (k, kernel) in program.kernels.iter().enumerate() {
        let key = keys
            .get(k)
            .ok_or_else(|| invalid(format!("no cache key for kernel {k}")))?;
        let plan = run_kernel(
            jit,
            program,
            kernel,
            key,
            inputs,
            slots,
            plans.is_some(),
            control,
        )?;
        if let Some(plans) = plans.as_deref_mut() {
            plans.push(plan);
        }
        for (b, &last) in last_use.iter().enumerate() {
            if last == Some(k) && !program.outputs.contains(&b) {
                slots[b] = Slot::Empty;
            }
        }
    }
    Ok(())
}

/// The affine access of `view` over a source with element `strides`: element offset of
/// the first point and per-kernel-axis strides (wrapping, exact on every offset that
/// addresses an element).
fn compose(view: &View, strides: &[isize], ndim: usize) -> (isize, Vec<isize>) {
    let mut base = 0isize;
    let mut out = vec![0isize; ndim];
    for (m, &s) in view.axes.iter().zip(strides) {
        base = base.wrapping_add((m.start as isize).wrapping_mul(s));
        if let Some(k) = m.kernel_axis {
            out[k] = out[k].wrapping_add(m.step.wrapping_mul(s));
        }
    }
    (base, out)
}

/// C-order strides (in elements) of `shape`, with `keep[a] == false` axes dropped
/// (stride 0).
fn c_strides(shape: &[usize], keep: impl Fn(usize) -> bool) -> Vec<isize> {
    let mut strides = vec![0isize; shape.len()];
    let mut step = 1isize;
    for a in (0..shape.len()).rev() {
        if keep(a) {
            strides[a] = step;
            step = step.wrapping_mul(shape[a] as isize);
        }
    }
    strides
}

fn scale(strides: &[isize], unit: usize) -> Vec<isize> {
    strides
        .iter()
        .map(|s| s.wrapping_mul(unit as isize))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn run_kernel(
    jit: &Jit,
    program: &Program,
    kernel: &Kernel,
    key: &KernelKey,
    inputs: &[ArrayRef],
    slots: &mut [Slot<'_>],
    record: bool,
    control: Option<&Control>,
) -> Result<Option<KernelPlan>, JitError> {
    let shape = &kernel.shape;
    let total = checked_len(shape).ok_or_else(|| {
        Error::new(
            ErrorKind::TooLarge,
            format!("iteration space {shape:?} has more than usize::MAX points"),
        )
    })?;
    let kinds = access_kinds(kernel).map_err(JitError::Unsupported)?;
    let stored: Vec<usize> = kernel.stores.iter().map(|s| s.buffer).collect();

    // Store targets, one per distinct buffer.
    let mut targets: Vec<(usize, Target)> = Vec::new();
    for &b in &stored {
        if targets.iter().any(|(x, _)| *x == b) {
            continue;
        }
        let decl = program
            .buffers
            .get(b)
            .ok_or_else(|| invalid(format!("no buffer {b}")))?;
        let t = match &mut slots[b] {
            Slot::Borrowed(a) => Target::Existing(array_mut_ptr(a)),
            Slot::Owned(a) if a.shape() == decl.shape && a.dtype() == decl.dtype => {
                Target::Existing(array_mut_ptr(a))
            }
            _ => Target::Fresh(Fresh::new(decl.dtype, &decl.shape)?),
        };
        targets.push((b, t));
    }
    let target_ptr = |b: usize| {
        targets
            .iter()
            .find(|(x, _)| *x == b)
            .map(|(_, t)| t.ptr())
            .unwrap_or(std::ptr::null_mut())
    };

    // A replayable kernel runs as one chunk and writes only fresh buffers.
    let record =
        record && total < PAR_MIN && targets.iter().all(|(_, t)| matches!(t, Target::Fresh(_)));
    let mut bases_of: Vec<BaseOf> = Vec::new();
    let mut acc_plans: Vec<AccPlan> = Vec::new();

    // Accumulators of reduced stores, in store order.
    let mut accs: Vec<(usize, Acc, usize)> = Vec::new();
    let mut rt: Vec<RtAccess> = Vec::with_capacity(kinds.len());
    let nloads = kinds
        .iter()
        .filter(|k| matches!(k, AccessKind::Load { .. } | AccessKind::Index { .. }))
        .count();
    for (a, kind) in kinds.iter().enumerate() {
        let unit = kind.unit();
        let access = match *kind {
            AccessKind::Load { node, .. } | AccessKind::Index { node } => {
                let Op::Load { source, view } = &kernel.nodes[node].op else {
                    return Err(invalid("a load access of a non-load node").into());
                };
                match *source {
                    Source::Input(n) => {
                        let a = inputs.get(n).ok_or_else(|| invalid("missing input"))?;
                        check_view(node, view, a.shape(), shape)?;
                        let (ptr, st) = view_raw(a);
                        let access = array_access(view, ptr, &st, shape.len(), unit);
                        let offset = access.bases[0].wrapping_sub(ptr as i64);
                        bases_of.push(BaseOf::Input { n, offset });
                        access
                    }
                    Source::Buffer(b) => {
                        if stored.contains(&b) {
                            return Err(invalid(format!(
                                "a kernel reads buffer {b}, which it writes"
                            ))
                            .into());
                        }
                        let a = slots
                            .get(b)
                            .and_then(Slot::array)
                            .ok_or_else(|| invalid(format!("buffer {b} is not available")))?;
                        check_view(node, view, a.shape(), shape)?;
                        let (ptr, st) = array_raw(a);
                        let access = array_access(view, ptr, &st, shape.len(), unit);
                        let offset = access.bases[0].wrapping_sub(ptr as i64);
                        bases_of.push(BaseOf::Buffer { b, offset });
                        access
                    }
                    Source::Arange { .. } | Source::Linspace { .. } | Source::Uniform { .. } => {
                        // The index into the source: its flat C-order index.
                        let src_shape = source.index_shape().unwrap_or_default();
                        check_view(node, view, &src_shape, shape)?;
                        let (base, st) =
                            compose(view, &c_strides(&src_shape, |_| true), shape.len());
                        bases_of.push(BaseOf::Fixed);
                        RtAccess {
                            bases: [base as i64, 0],
                            strides: st,
                        }
                    }
                }
            }
            AccessKind::Store { .. } => {
                let b = stored[a - nloads];
                bases_of.push(BaseOf::Store(b));
                RtAccess {
                    bases: [target_ptr(b) as i64, 0],
                    strides: scale(&c_strides(shape, |_| true), unit),
                }
            }
            AccessKind::Acc {
                store, dtype, acc, ..
            } => {
                let axes = kernel.stores[store]
                    .reduce
                    .as_ref()
                    .map(|r| r.axes.clone())
                    .unwrap_or_default();
                let out_shape: Vec<usize> = (0..shape.len())
                    .filter(|a| !axes.contains(a))
                    .map(|a| shape[a])
                    .collect();
                let reduced: Vec<usize> = axes.iter().map(|&a| shape[a]).collect();
                let (Some(len), Some(count)) = (checked_len(&out_shape), checked_len(&reduced))
                else {
                    return Err(Error::new(ErrorKind::TooLarge, "reduction too large").into());
                };
                bases_of.push(BaseOf::Acc(accs.len()));
                acc_plans.push(AccPlan {
                    store,
                    acc,
                    dtype,
                    len,
                    count,
                });
                let mut a = Acc::new(acc, dtype, len)?;
                let bases = a.ptrs();
                accs.push((store, a, count));
                RtAccess {
                    bases,
                    strides: scale(&c_strides(shape, |a| !axes.contains(&a)), unit),
                }
            }
        };
        rt.push(access);
    }

    let launched = if total > 0 {
        launch(jit, kernel, key, &kinds, &rt, &mut accs, record, control)?
    } else {
        None
    };
    let plan = record.then(|| KernelPlan {
        call: launched.map(|l| Call {
            compiled: l.compiled,
            block: l.block,
            bases: l.access_words.iter().copied().zip(bases_of).collect(),
        }),
        stores: targets.iter().map(|(b, _)| *b).collect(),
        accs: acc_plans,
    });

    for (store, acc, count) in &mut accs {
        let s = &kernel.stores[*store];
        let dtype = kernel.nodes[s.node].dtype;
        let out = target_ptr(s.buffer);
        // SAFETY: the target holds the buffer's shape, which validation checked is the
        // kernel's shape without the reduced axes: exactly the accumulator's length.
        unsafe { acc.finish(dtype, *count, out)? };
    }
    for (b, t) in targets {
        if let Target::Fresh(f) = t {
            // SAFETY: every element was written: elementwise stores cover the kernel's
            // whole shape (the buffer's), reductions wrote every output in `finish`.
            slots[b] = Slot::Owned(unsafe { f.into_array()? });
        }
    }
    Ok(plan)
}

fn array_access(view: &View, ptr: *const u8, st: &[isize], ndim: usize, unit: usize) -> RtAccess {
    let (base, strides) = compose(view, st, ndim);
    let base = (ptr as i64).wrapping_add((base as i64).wrapping_mul(unit as i64));
    RtAccess {
        bases: [base, 0],
        strides: scale(&strides, unit),
    }
}

/// A kernel run as one chunk, as `prepared` replays it: its code, its argument block and
/// the word of each access's first base in it.
struct Launched {
    compiled: Arc<Compiled>,
    block: Vec<i64>,
    access_words: Vec<usize>,
}

/// Compiles (or finds) the kernel for this layout and runs it over all points; with
/// `record`, returns what replaying it takes if it ran as one chunk. With a cancelled
/// `control`, stops between slices and fails with `Cancelled`.
#[allow(clippy::too_many_arguments)]
fn launch(
    jit: &Jit,
    kernel: &Kernel,
    key: &KernelKey,
    kinds: &[AccessKind],
    rt: &[RtAccess],
    accs: &mut [(usize, Acc, usize)],
    record: bool,
    control: Option<&Control>,
) -> Result<Option<Launched>, JitError> {
    let co = coalesce(&kernel.shape, rt);
    let ndim = co.dims.len();
    let last = ndim - 1;
    let layout = Layout {
        ndim,
        accesses: kinds
            .iter()
            .zip(&co.strides)
            .map(|(&k, s)| (k, inner_class(k, s[last])))
            .collect(),
    };
    let compiled = jit.compiled(kernel, key, &layout)?;
    let args_layout = ArgLayout::new(ndim, kinds.iter().copied());
    let status = AtomicI64::new(0);
    let mut args = vec![0i64; args_layout.len];
    args[W_STATUS] = status.as_ptr() as i64;
    for (k, &d) in co.dims.iter().enumerate() {
        args[W_EXTENTS + k] = d as i64;
    }
    for (a, (kind, access)) in kinds.iter().zip(rt).enumerate() {
        let w = args_layout.access_words[a];
        let nptr = kind.nptr();
        args[w..w + nptr].copy_from_slice(&access.bases[..nptr]);
        for k in 0..ndim {
            args[args_layout.stride_word(a, kind.nptr(), k)] = co.strides[a][k] as i64;
        }
    }

    // Chunks of axis 0, from the sizes only.
    let total: usize = co.dims.iter().product();
    let d0 = co.dims[0];
    let mut nchunks = if total < PAR_MIN {
        1
    } else {
        d0.min(total.div_ceil(GRAIN)).min(MAX_CHUNKS)
    };
    // Accumulators indexed by access: those whose axis-0 stride is 0 need partials.
    let partial: Vec<usize> = kinds
        .iter()
        .enumerate()
        .filter(|(a, k)| matches!(k, AccessKind::Acc { .. }) && co.strides[*a][0] == 0)
        .map(|(a, _)| a)
        .collect();
    if !partial.is_empty() && nchunks > 1 {
        let per_chunk: usize = accs
            .iter()
            .map(|(_, acc, _)| match acc {
                Acc::Kahan { sum, .. } => sum.len() * 16,
                Acc::Fold { words, .. } => words.len() * 8,
            })
            .sum::<usize>()
            .max(1);
        nchunks = nchunks.min((PARTIAL_BYTES / per_chunk).max(1));
    }
    let use_partials = !partial.is_empty() && nchunks > 1;
    // Partial accumulators: per chunk, per accumulator access (same order as `accs`).
    let acc_access: Vec<usize> = kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| matches!(k, AccessKind::Acc { .. }))
        .map(|(a, _)| a)
        .collect();
    let mut partials: Vec<Vec<Option<Acc>>> = Vec::new();
    let mut blocks: Vec<Vec<i64>> = Vec::with_capacity(nchunks);
    let wanted = total.div_ceil(GRAIN).min(MAX_CHUNKS);
    if total >= PAR_MIN && ndim >= 2 && d0 < wanted && acc_access.is_empty() {
        // Few rows (e.g. shape (3, 10^7) with a broadcast operand): split axis 1 too, each
        // chunk one row's column range, by moving the bases and shrinking extent 1. Only
        // without reductions, where no two chunks may share an output.
        blocks = row_pieces(&args, &args_layout, kinds, &co, wanted);
        nchunks = blocks.len();
    }
    if blocks.is_empty() {
        for c in 0..nchunks {
            let lo = (d0 as u128 * c as u128 / nchunks as u128) as i64;
            let hi = (d0 as u128 * (c as u128 + 1) / nchunks as u128) as i64;
            let mut block = args.clone();
            block[W_LO] = lo;
            block[W_HI] = hi;
            if use_partials {
                let mut mine = Vec::new();
                for (i, &a) in acc_access.iter().enumerate() {
                    if partial.contains(&a) {
                        let (_, main, _) = &accs[i];
                        let (acc_kind, dtype, len) = acc_shape(kinds[a], main);
                        let mut p = Acc::new(acc_kind, dtype, len)?;
                        let ptrs = p.ptrs();
                        let w = args_layout.access_words[a];
                        block[w] = ptrs[0];
                        if kinds[a].nptr() > 1 {
                            block[w + 1] = ptrs[1];
                        }
                        mine.push(Some(p));
                    } else {
                        mine.push(None);
                    }
                }
                partials.push(mine);
            }
            blocks.push(block);
        }
    }

    let func = compiled.func;
    let call = |block: &Vec<i64>| {
        // SAFETY: every view was checked to stay inside its source, every store target
        // and accumulator has the size its strides address, and chunks write disjoint
        // outputs (or private partials): the compiled code only touches memory it may.
        // A slice runs a sub-range of the chunk's axis-0 range `lo..hi`, so it touches a
        // subset of what the chunk may.
        for_each_slice(block, ndim, control, |slice| unsafe {
            func(slice.as_ptr())
        })
    };
    // One chunk: on the calling thread, without touching the pool.
    match if nchunks > 1 { jit.pool() } else { None } {
        Some(pool) => pool.install(|| blocks.par_iter().for_each(call)),
        None => blocks.iter().for_each(call),
    }
    if let Some(c) = control {
        c.check()?;
    }
    let launched = (record && blocks.len() == 1 && !use_partials).then(|| Launched {
        compiled,
        block: blocks.swap_remove(0),
        access_words: args_layout.access_words,
    });

    if status.load(Ordering::Relaxed) == STATUS_NEGATIVE_POWER {
        return Err(negative_power().into());
    }
    if use_partials {
        for chunk in &mut partials {
            for (i, p) in chunk.iter_mut().enumerate() {
                if let Some(p) = p {
                    accs[i].1.merge(p)?;
                }
            }
        }
    }
    Ok(launched)
}

/// Calls `run` on copies of argument block `block` that together cover its axis-0 range
/// `lo..hi` in order, each at most [`SLICE`] points (or one row), checking `control`
/// before each and advancing it after; stops early once it is cancelled.
fn for_each_slice(
    block: &[i64],
    ndim: usize,
    control: Option<&Control>,
    mut run: impl FnMut(&[i64]),
) {
    let (lo, hi) = (block[W_LO], block[W_HI]);
    let row: u64 = (1..ndim)
        .map(|k| block[W_EXTENTS + k].max(0) as u64)
        .product();
    let rows_per_slice = (SLICE as u64 / row.max(1)).max(1) as i64;
    if hi - lo <= rows_per_slice {
        if control.is_some_and(Control::is_cancelled) {
            return;
        }
        run(block);
        if let Some(c) = control {
            c.advance((hi - lo).max(0) as u64 * row);
        }
        return;
    }
    let mut slice = block.to_vec();
    let mut at = lo;
    while at < hi {
        if control.is_some_and(Control::is_cancelled) {
            return;
        }
        let end = (at + rows_per_slice).min(hi);
        slice[W_LO] = at;
        slice[W_HI] = end;
        run(&slice);
        if let Some(c) = control {
            c.advance((end - at) as u64 * row);
        }
        at = end;
    }
}

/// Argument blocks running row `i` of axis 0, columns `c0..c1` of axis 1, for every row
/// and about `wanted / rows` column ranges per row.
fn row_pieces(
    args: &[i64],
    layout: &ArgLayout,
    kinds: &[AccessKind],
    co: &crate::layout::Coalesced,
    wanted: usize,
) -> Vec<Vec<i64>> {
    let (d0, d1) = (co.dims[0], co.dims[1]);
    let pieces = wanted.div_ceil(d0.max(1)).clamp(1, d1.max(1));
    let mut blocks = Vec::with_capacity(d0 * pieces);
    for i in 0..d0 {
        for p in 0..pieces {
            let c0 = (d1 as u128 * p as u128 / pieces as u128) as i64;
            let c1 = (d1 as u128 * (p as u128 + 1) / pieces as u128) as i64;
            let mut block = args.to_vec();
            block[W_LO] = 0;
            block[W_HI] = 1;
            block[W_EXTENTS + 1] = c1 - c0;
            for (a, kind) in kinds.iter().enumerate() {
                let (s0, s1) = (co.strides[a][0] as i64, co.strides[a][1] as i64);
                let shift = (i as i64)
                    .wrapping_mul(s0)
                    .wrapping_add(c0.wrapping_mul(s1));
                let w = layout.access_words[a];
                for word in &mut block[w..w + kind.nptr()] {
                    *word = word.wrapping_add(shift);
                }
            }
            blocks.push(block);
        }
    }
    blocks
}

/// The kind, dtype and length of an accumulator like `main` for access `kind`.
fn acc_shape(kind: AccessKind, main: &Acc) -> (crate::layout::AccKind, vex_expr::DType, usize) {
    let (acc, dtype) = match kind {
        AccessKind::Acc { acc, dtype, .. } => (acc, dtype),
        _ => (
            crate::layout::AccKind::Kahan { mean: false },
            vex_expr::DType::F64,
        ),
    };
    let len = match main {
        Acc::Kahan { sum, .. } => sum.len() / crate::reduce::kahan_parts(dtype),
        Acc::Fold { len, .. } => *len,
    };
    (acc, dtype, len)
}
