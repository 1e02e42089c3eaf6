//! Up-front checks of a program's IR invariants and of the caller's arrays, shared by
//! every backend.
//!
//! Backends must never panic, and compiled code reads and writes raw memory, so before
//! running anything they check what they rely on: inputs and outputs against their
//! declarations, operand ids, the dtypes the elementwise ops assume, store shapes, that a
//! buffer is written before it is read (and never read by the kernel that writes it), and
//! — per load, where the unchecked reads happen — that every view stays inside its source.
//! Failures are `Input` errors starting with "invalid program" for broken IR.

use crate::dtype::DType;
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{Kernel, Op, Program, ReduceOp, Source, View};
use crate::value::ArrayRef;

/// An error for a program that breaks an IR invariant.
pub fn invalid(msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Input, format!("invalid program: {msg}"))
}

/// The number of elements of `shape`, or `None` if it overflows `usize`.
pub fn checked_len(shape: &[usize]) -> Option<usize> {
    if shape.contains(&0) {
        return Some(0);
    }
    shape.iter().try_fold(1usize, |acc, &n| acc.checked_mul(n))
}

/// `float64 array of shape (2, 3)`
pub fn describe(dtype: DType, shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    format!("{dtype} array of shape {shape}")
}

/// Checks the inputs against `program.inputs`.
pub fn inputs(program: &Program, inputs: &[ArrayRef]) -> Result<()> {
    if inputs.len() != program.inputs.len() {
        return Err(Error::new(
            ErrorKind::Input,
            format!(
                "expected {} input arrays, got {}",
                program.inputs.len(),
                inputs.len()
            ),
        ));
    }
    for (i, (decl, a)) in program.inputs.iter().zip(inputs).enumerate() {
        if decl.dtype != a.dtype() || decl.shape != a.shape() {
            return Err(Error::new(
                ErrorKind::Input,
                format!(
                    "input {i} ('{}'): expected {}, got {}",
                    decl.name,
                    describe(decl.dtype, &decl.shape),
                    describe(a.dtype(), a.shape())
                ),
            ));
        }
    }
    Ok(())
}

/// Checks the program's invariants; returns, for each buffer, the index of the last
/// kernel that reads or writes it (`None` if none does), so that intermediates can be
/// freed early.
pub fn program(program: &Program) -> Result<Vec<Option<usize>>> {
    let nbuf = program.buffers.len();
    let mut written = vec![false; nbuf];
    let mut last_use = vec![None; nbuf];
    for (k, kernel) in program.kernels.iter().enumerate() {
        kernel_nodes(program, kernel, k, &written)?;
        for node in &kernel.nodes {
            if let Op::Load {
                source: Source::Buffer(b),
                ..
            } = node.op
            {
                last_use[b] = Some(k);
            }
        }
        for (s, store) in kernel.stores.iter().enumerate() {
            let (node, buf) = (store.node, store.buffer);
            let Some(n) = kernel.nodes.get(node) else {
                return Err(invalid(format!("kernel {k} store {s}: no node {node}")));
            };
            let Some(decl) = program.buffers.get(buf) else {
                return Err(invalid(format!("kernel {k} store {s}: no buffer {buf}")));
            };
            if decl.dtype != n.dtype {
                return Err(invalid(format!(
                    "kernel {k} store {s}: node {node} is {}, buffer {buf} {}",
                    n.dtype, decl.dtype
                )));
            }
            let expected: Vec<usize> = match &store.reduce {
                None => kernel.shape.clone(),
                Some(r) => {
                    let sorted = r.axes.windows(2).all(|w| w[0] < w[1]);
                    if !sorted || r.axes.iter().any(|&a| a >= kernel.shape.len()) {
                        return Err(invalid(format!(
                            "kernel {k} store {s}: bad reduction axes {:?} for {} axes",
                            r.axes,
                            kernel.shape.len()
                        )));
                    }
                    let extents: Vec<usize> = r.axes.iter().map(|&a| kernel.shape[a]).collect();
                    if matches!(r.op, ReduceOp::Min | ReduceOp::Max)
                        && checked_len(&extents) == Some(0)
                    {
                        return Err(Error::new(
                            ErrorKind::EmptyReduction,
                            format!("zero-size reduction '{}' has no identity", r.op.name()),
                        ));
                    }
                    (0..kernel.shape.len())
                        .filter(|a| !r.axes.contains(a))
                        .map(|a| kernel.shape[a])
                        .collect()
                }
            };
            if decl.shape != expected {
                return Err(invalid(format!(
                    "kernel {k} store {s}: buffer {buf} has shape {:?}, the store writes {:?}",
                    decl.shape, expected
                )));
            }
            last_use[buf] = Some(k);
        }
        // Marked after the whole kernel: a kernel may not read what it writes.
        for store in &kernel.stores {
            written[store.buffer] = true;
        }
    }
    for (i, &b) in program.outputs.iter().enumerate() {
        if !written.get(b).copied().unwrap_or(false) {
            return Err(invalid(format!(
                "output {i} is buffer {b}, which no kernel writes"
            )));
        }
    }
    Ok(last_use)
}

/// Checks one kernel's nodes: operand ids, load sources, and the dtypes that the
/// infallible ops (`select`) and the store code assume.
fn kernel_nodes(program: &Program, kernel: &Kernel, k: usize, written: &[bool]) -> Result<()> {
    for (i, node) in kernel.nodes.iter().enumerate() {
        let operand = |id: usize| {
            if id < i {
                Ok(kernel.nodes[id].dtype)
            } else {
                Err(invalid(format!(
                    "kernel {k} node {i}: operand {id} is not an earlier node"
                )))
            }
        };
        match &node.op {
            Op::Load { source, .. } => {
                let src_dtype = match *source {
                    Source::Input(n) => program
                        .inputs
                        .get(n)
                        .map(|d| d.dtype)
                        .ok_or_else(|| invalid(format!("kernel {k} node {i}: no input {n}")))?,
                    Source::Buffer(b) => {
                        if !written.get(b).copied().unwrap_or(false) {
                            return Err(invalid(format!(
                                "kernel {k} node {i}: buffer {b} is read before any kernel \
                                 writes it"
                            )));
                        }
                        program.buffers[b].dtype
                    }
                    Source::Arange { .. } => node.dtype,
                    Source::Linspace { .. } => node.dtype,
                    Source::Uniform { .. } if node.dtype == DType::F64 => node.dtype,
                    Source::Uniform { .. } => {
                        return Err(invalid(format!(
                            "kernel {k} node {i}: random numbers are float64, not {}",
                            node.dtype
                        )))
                    }
                };
                if src_dtype != node.dtype {
                    return Err(invalid(format!(
                        "kernel {k} node {i}: loads {src_dtype} as {}",
                        node.dtype
                    )));
                }
            }
            Op::Const(_) => {}
            Op::Unary(_, a) | Op::Cast(a) => {
                operand(*a)?;
            }
            Op::Binary(_, a, b) => {
                if operand(*a)? != operand(*b)? {
                    return Err(invalid(format!(
                        "kernel {k} node {i}: binary operands of different dtypes"
                    )));
                }
            }
            Op::Call(f, args) => {
                if args.len() != f.arity() {
                    return Err(invalid(format!(
                        "kernel {k} node {i}: {} takes {} operands, got {}",
                        f.name(),
                        f.arity(),
                        args.len()
                    )));
                }
                for &a in args {
                    operand(a)?;
                }
            }
            Op::Where(c, a, b) => {
                let (c, a, b) = (operand(*c)?, operand(*a)?, operand(*b)?);
                if c != DType::Bool || a != node.dtype || b != node.dtype {
                    return Err(invalid(format!(
                        "kernel {k} node {i}: where({c}, {a}, {b}) as {}",
                        node.dtype
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Checks that `view` maps every point of `kernel_shape` inside `src_shape` (each source
/// index is affine in one kernel index, so both ends of every axis suffice).
pub fn view(node: usize, view: &View, src_shape: &[usize], kernel_shape: &[usize]) -> Result<()> {
    if view.axes.len() != src_shape.len() {
        return Err(invalid(format!(
            "node {node}: view has {} axes, its source {}",
            view.axes.len(),
            src_shape.len()
        )));
    }
    let empty = kernel_shape.contains(&0);
    for (a, (m, &dim)) in view.axes.iter().zip(src_shape).enumerate() {
        let last = match m.kernel_axis {
            Some(k) if k >= kernel_shape.len() => {
                return Err(invalid(format!(
                    "node {node}: view refers to kernel axis {k} of {}",
                    kernel_shape.len()
                )))
            }
            Some(k) => m.start as i128 + m.step as i128 * (kernel_shape[k] as i128 - 1),
            None => m.start as i128,
        };
        let (lo, hi) = (last.min(m.start as i128), last.max(m.start as i128));
        if !empty && (lo < 0 || hi >= dim as i128) {
            return Err(invalid(format!(
                "node {node}: view {view} reads index {} of axis {a}, which has length {dim}",
                if lo < 0 { lo } else { hi }
            )));
        }
    }
    Ok(())
}

/// Checks caller-provided output arrays (for `run_into`) against the program's output
/// buffers: their number, and each one's dtype and shape.
pub fn outputs(program: &Program, outputs: &[crate::value::Array]) -> Result<()> {
    if outputs.len() != program.outputs.len() {
        return Err(Error::new(
            ErrorKind::Input,
            format!(
                "expected {} output arrays, got {}",
                program.outputs.len(),
                outputs.len()
            ),
        ));
    }
    for (j, (out, &b)) in outputs.iter().zip(&program.outputs).enumerate() {
        let decl = program
            .buffers
            .get(b)
            .ok_or_else(|| invalid(format!("output {j} names no buffer ({b})")))?;
        if out.dtype() != decl.dtype || out.shape() != decl.shape {
            return Err(Error::new(
                ErrorKind::Input,
                format!(
                    "output {j}: expected {}, got {}",
                    describe(decl.dtype, &decl.shape),
                    describe(out.dtype(), out.shape())
                ),
            ));
        }
    }
    Ok(())
}
