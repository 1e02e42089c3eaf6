//! The reference interpreter: executes an [`ir::Program`](crate::ir::Program) block by
//! block. Simple and obviously correct first, reasonably fast second; every other
//! backend is tested against it.
//!
//! Kernels run in order, each numexpr-style: its iteration space is walked in C order in
//! blocks of [`BLOCK_LEN`](crate::block::BLOCK_LEN) points (`iter`); for each block every
//! node is evaluated in order into one [`Block`] (loads in `load`, everything else by
//! [`crate::ops`], which defines the elementwise semantics), then elementwise stores copy
//! the block into their buffer and reduced stores fold it into accumulators
//! (`reduce`). There are no whole-array temporaries: memory is the inputs, the buffers,
//! and a block per node.
//!
//! Buffers are allocated (fallibly) when first written and intermediates are freed after
//! the last kernel that reads them. [`run_into`] writes standard-layout output arrays in
//! place.
//!
//! Programs are checked first (`validate`): a program that breaks an IR invariant gives
//! an `Input` error starting with "invalid program", never a panic.

mod elem;
mod iter;
mod load;
mod reduce;
mod storage;

#[cfg(test)]
mod tests;

use self::iter::{checked_len, Access, Segments, Space};
use self::load::{invalid, Load};
use self::reduce::Accumulator;
use self::storage::{alloc, assign, is_standard, try_clone, write_block, Storage};
use crate::block::Block;
use crate::control::{total_points, Control};
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{BufferId, Kernel, Op, Program, Source};
use crate::ops;
use crate::validate;
use crate::value::{each_variant, Array, ArrayElement, ArrayRef};

/// Runs `program` on `inputs` (in the order of `program.inputs`) and returns its outputs.
pub fn run(program: &Program, inputs: &[ArrayRef]) -> Result<Vec<Array>> {
    run_with(program, inputs, None)
}

/// [`run`], checking `control` after every block of points (see [`crate::control`]): a
/// cancel stops the run with [`ErrorKind::Cancelled`] within one block's work.
pub fn run_with(
    program: &Program,
    inputs: &[ArrayRef],
    control: Option<&Control>,
) -> Result<Vec<Array>> {
    let last_use = validate::program(program)?;
    validate::inputs(program, inputs)?;
    if let Some(c) = control {
        c.start(total_points(program))?;
    }
    let mut slots: Vec<Option<Storage<'static>>> = program.buffers.iter().map(|_| None).collect();
    execute(program, inputs, &mut slots, &last_use, control)?;
    let mut outputs: Vec<Array> = Vec::with_capacity(program.outputs.len());
    for (j, &b) in program.outputs.iter().enumerate() {
        let out = match program.outputs[..j].iter().position(|&x| x == b) {
            Some(first) => try_clone(&outputs[first])?,
            None => match slots[b].take() {
                Some(Storage::Owned(a)) => a,
                // Validation guarantees every output is written, hence allocated.
                _ => return Err(invalid(format!("output buffer {b} was never written"))),
            },
        };
        outputs.push(out);
    }
    Ok(outputs)
}

/// Runs `program`, writing its outputs into caller-provided arrays of the right dtype and
/// shape (checked).
///
/// Standard-layout outputs are written in place; others (e.g. Fortran order) get a copy at
/// the end. On error the outputs' contents are unspecified.
pub fn run_into(program: &Program, inputs: &[ArrayRef], outputs: &mut [Array]) -> Result<()> {
    run_into_with(program, inputs, outputs, None)
}

/// [`run_into`] with a [`Control`], as [`run_with`]. A cancelled run leaves the outputs'
/// contents unspecified.
pub fn run_into_with(
    program: &Program,
    inputs: &[ArrayRef],
    outputs: &mut [Array],
    control: Option<&Control>,
) -> Result<()> {
    let last_use = validate::program(program)?;
    validate::inputs(program, inputs)?;
    validate::outputs(program, outputs)?;
    if let Some(c) = control {
        c.start(total_points(program))?;
    }
    // Outputs filled by copying after the run: repeats of a buffer, and non-standard ones.
    let mut copies = Vec::new();
    let mut owned = Vec::new();
    {
        let mut slots: Vec<Option<Storage<'_>>> = program.buffers.iter().map(|_| None).collect();
        for (j, out) in outputs.iter_mut().enumerate() {
            let b = program.outputs[j];
            if slots[b].is_none() && is_standard(out) && !program.outputs[..j].contains(&b) {
                slots[b] = Some(Storage::Borrowed(out));
            } else {
                copies.push(j);
            }
        }
        execute(program, inputs, &mut slots, &last_use, control)?;
        for (b, slot) in slots.into_iter().enumerate() {
            if let Some(Storage::Owned(a)) = slot {
                owned.push((b, a));
            }
        }
    }
    for j in copies {
        let b = program.outputs[j];
        if let Some((_, a)) = owned.iter().find(|(x, _)| *x == b) {
            assign(&mut outputs[j], a)?;
        } else {
            // The buffer lives in the first output that names it, written in place.
            let first = program.outputs[..j]
                .iter()
                .position(|&x| x == b)
                .ok_or_else(|| invalid(format!("output buffer {b} was never written")))?;
            let (head, tail) = outputs.split_at_mut(j);
            assign(&mut tail[0], &head[first])?;
        }
    }
    Ok(())
}

/// Runs every kernel of a validated program. `slots` holds each buffer's storage once
/// allocated (the caller may pre-fill outputs); intermediates are dropped after their
/// last use.
fn execute<'o>(
    program: &Program,
    inputs: &[ArrayRef],
    slots: &mut [Option<Storage<'o>>],
    last_use: &[Option<usize>],
    control: Option<&Control>,
) -> Result<()> {
    for (k, kernel) in program.kernels.iter().enumerate() {
        // The kernel's store buffers are taken out of `slots` while it runs, so that the
        // kernel can read the others (it never reads its own, see `validate`).
        let mut outs: Vec<(BufferId, Storage<'o>)> = Vec::new();
        let mut store_slot = Vec::with_capacity(kernel.stores.len());
        for store in &kernel.stores {
            let b = store.buffer;
            let pos = match outs.iter().position(|(x, _)| *x == b) {
                Some(pos) => pos,
                None => {
                    let st = match slots[b].take() {
                        Some(st) => st,
                        None => {
                            let decl = &program.buffers[b];
                            Storage::Owned(alloc(decl.dtype, &decl.shape)?)
                        }
                    };
                    outs.push((b, st));
                    outs.len() - 1
                }
            };
            store_slot.push(pos);
        }
        let result = run_kernel(kernel, inputs, slots, &mut outs, &store_slot, control);
        for (b, st) in outs {
            slots[b] = Some(st);
        }
        result?;
        for (b, &last) in last_use.iter().enumerate() {
            if last == Some(k) && !program.outputs.contains(&b) {
                slots[b] = None;
            }
        }
    }
    Ok(())
}

/// Runs one kernel: `outs[store_slot[s]]` is the buffer of store `s`.
fn run_kernel(
    kernel: &Kernel,
    inputs: &[ArrayRef],
    slots: &[Option<Storage<'_>>],
    outs: &mut [(BufferId, Storage<'_>)],
    store_slot: &[usize],
    control: Option<&Control>,
) -> Result<()> {
    let shape = &kernel.shape;
    let mut loads = Vec::new();
    for (i, node) in kernel.nodes.iter().enumerate() {
        if let Op::Load { source, view } = &node.op {
            let load = match *source {
                Source::Input(n) => {
                    let a = inputs.get(n).ok_or_else(|| invalid("missing input"))?;
                    Load::array(i, reborrow(a), view, shape)?
                }
                Source::Buffer(b) => {
                    let st = slots
                        .get(b)
                        .and_then(Option::as_ref)
                        .ok_or_else(|| invalid(format!("buffer {b} is read but not available")))?;
                    Load::array(i, st.array().view(), view, shape)?
                }
                _ => Load::index(i, node.dtype, source, view, shape)?,
            };
            loads.push(load);
        }
    }

    // Accesses: one per load (same order), then one per reduced store.
    let mut accesses: Vec<Access> = loads.iter().map(|l| l.access.clone()).collect();
    let mut accs: Vec<(usize, usize, Box<dyn Accumulator>)> = Vec::new();
    for (s, store) in kernel.stores.iter().enumerate() {
        let Some(r) = &store.reduce else { continue };
        let kept: Vec<usize> = (0..shape.len()).filter(|a| !r.axes.contains(a)).collect();
        let out_shape: Vec<usize> = kept.iter().map(|&a| shape[a]).collect();
        let reduced: Vec<usize> = r.axes.iter().map(|&a| shape[a]).collect();
        let (Some(out_len), Some(count)) = (checked_len(&out_shape), checked_len(&reduced)) else {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!("reduction over a kernel of shape {shape:?} is too large"),
            ));
        };
        // C-order strides of the output, 0 along the reduced axes.
        let mut strides = vec![0isize; shape.len()];
        let mut step = 1isize;
        for &a in kept.iter().rev() {
            strides[a] = step;
            step = step.wrapping_mul(shape[a] as isize);
        }
        accesses.push(Access { base: 0, strides });
        let dtype = kernel.nodes[store.node].dtype;
        accs.push((
            s,
            accesses.len() - 1,
            reduce::accumulator(r.op, dtype, out_len, count)?,
        ));
    }

    let space = Space::new(shape, accesses)?;
    let mut vals: Vec<Block> = kernel
        .nodes
        .iter()
        .map(|n| Block::with_capacity(n.dtype, 0))
        .collect();
    let mut segs = Segments::default();
    let mut walk = space.walk();
    let mut start = 0;
    loop {
        let n = walk.next_block(&mut segs);
        if n == 0 {
            break;
        }
        eval_nodes(kernel, &loads, &segs, n, &mut vals)?;
        for (s, store) in kernel.stores.iter().enumerate() {
            if store.reduce.is_none() {
                write_block(outs[store_slot[s]].1.array_mut(), start, &vals[store.node])?;
            }
        }
        for (s, access, acc) in &mut accs {
            acc.add(&vals[kernel.stores[*s].node], &segs, *access)?;
        }
        start += n;
        if let Some(c) = control {
            c.advance(n as u64);
            c.check()?;
        }
    }
    for (s, _, acc) in accs {
        acc.finish(outs[store_slot[s]].1.array_mut())?;
    }
    Ok(())
}

/// The same view with a shorter lifetime (`ArrayRef` is invariant in its lifetime).
fn reborrow<'b>(a: &'b ArrayRef<'_>) -> ArrayRef<'b> {
    each_variant!(a, ArrayRef, v => ArrayElement::wrap_view(v.view()))
}

/// Evaluates every node of `kernel` at the `n` points of `segs` into `vals`.
fn eval_nodes(
    kernel: &Kernel,
    loads: &[Load],
    segs: &Segments,
    n: usize,
    vals: &mut [Block],
) -> Result<()> {
    let mut next_load = 0;
    for (i, node) in kernel.nodes.iter().enumerate() {
        let value = match &node.op {
            Op::Load { .. } => {
                // Loads are in node order, and access `l` is load `l`'s.
                let l = next_load;
                next_load += 1;
                loads[l].fill(segs, l, &mut vals[i]);
                continue;
            }
            Op::Const(lit) => {
                if vals[i].len() == n && vals[i].dtype() == node.dtype {
                    continue; // Splatted for an earlier block of the same length.
                }
                ops::splat(*lit, node.dtype, n)
            }
            Op::Unary(op, a) => ops::unary(*op, &vals[*a])?,
            Op::Binary(op, a, b) => ops::binary(*op, &vals[*a], &vals[*b])?,
            Op::Call(f, args) => {
                let args: Vec<&Block> = args.iter().map(|&a| &vals[a]).collect();
                ops::call(*f, &args)?
            }
            Op::Cast(a) => ops::cast(&vals[*a], node.dtype),
            Op::Where(c, a, b) => ops::select(&vals[*c], &vals[*a], &vals[*b]),
        };
        if value.dtype() != node.dtype || value.len() != n {
            return Err(invalid(format!(
                "node {i} evaluated to {} {} values, expected {n} of {}",
                value.len(),
                value.dtype(),
                node.dtype
            )));
        }
        vals[i] = value;
    }
    Ok(())
}
