//! Up-front checks of the caller's arrays and of the program's IR invariants.
//!
//! The interpreter is the oracle for every backend and must never panic, so before running
//! anything it checks what it relies on: inputs and outputs against their declarations,
//! operand ids, the dtypes the elementwise ops assume, store shapes, and that buffers are
//! written before they are read. View bounds are checked per load, where the unchecked
//! reads they justify happen (see `load`).

use super::iter::checked_len;
use super::load::invalid;
use crate::dtype::DType;
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{Kernel, Op, Program, ReduceOp, Source};
use crate::value::ArrayRef;

/// `float64 array of shape (2, 3)`
pub(super) fn describe(dtype: DType, shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    format!("{dtype} array of shape {shape}")
}

/// Checks the inputs against `program.inputs`.
pub(super) fn inputs(program: &Program, inputs: &[ArrayRef]) -> Result<()> {
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
pub(super) fn program(program: &Program) -> Result<Vec<Option<usize>>> {
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
