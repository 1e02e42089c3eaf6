//! How a kernel's memory accesses are described to compiled code.
//!
//! Every access of a kernel (a load from an array through its view, an index source, an
//! elementwise store, a reduction's accumulator) is affine in the kernel point:
//! `base + Σ point[k] * stride[k]`, with strides in bytes (index units for index sources).
//! Before compiling, the iteration space is *coalesced* as NumPy's iterator does (and the
//! interpreter's `iter::Space`): length-1 axes are dropped and adjacent axes merged where
//! every access agrees, so a contiguous n-d kernel runs as one long loop.
//!
//! Compiled code depends only on the [`Layout`]: the number of coalesced axes and, for
//! each access, whether its innermost stride is one element (`Contig`), zero (`Zero`) or
//! anything else. Bases, strides and extents are read at run time from an argument block
//! of 64-bit words laid out by [`ArgLayout`], so one compiled kernel serves every shape
//! and stride of the same class.

use vex_expr::ir::{Kernel, Literal, NodeId, Op, ReduceOp, Source};
use vex_expr::DType;

/// How a reduction is accumulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum AccKind {
    /// A compensated f64 sum (two f64 arrays: sum and compensation) of a float node;
    /// `mean` divides at the end.
    Kahan { mean: bool },
    /// A fold with a binary operation in the node's dtype.
    Fold(FoldOp),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum FoldOp {
    Add,
    Mul,
    Min,
    Max,
    Or,
    And,
}

/// The accumulator for reduction `op` over a node of `dtype`, or why it is unsupported.
pub(crate) fn acc_kind(op: ReduceOp, dtype: DType) -> Result<AccKind, String> {
    use ReduceOp::*;
    let fold = |f| Ok(AccKind::Fold(f));
    match dtype {
        DType::Bool => match op {
            Any | Sum | Max => fold(FoldOp::Or),
            All | Prod | Min => fold(FoldOp::And),
            Mean => Err("mean of bool".into()),
        },
        d if d.is_int() => match op {
            Sum => fold(FoldOp::Add),
            Prod => fold(FoldOp::Mul),
            Min => fold(FoldOp::Min),
            Max => fold(FoldOp::Max),
            _ => Err(format!("{} of {d}", op.name())),
        },
        d if d.is_float() => match op {
            Sum => Ok(AccKind::Kahan { mean: false }),
            Mean => Ok(AccKind::Kahan { mean: true }),
            Prod => fold(FoldOp::Mul),
            Min => fold(FoldOp::Min),
            Max => fold(FoldOp::Max),
            _ => Err(format!("{} of {d}", op.name())),
        },
        // As the interpreter: compensated sums of both parts, the plain product,
        // lexicographic extrema.
        d if d.is_complex() => match op {
            Sum => Ok(AccKind::Kahan { mean: false }),
            Mean => Ok(AccKind::Kahan { mean: true }),
            Prod => fold(FoldOp::Mul),
            Min => fold(FoldOp::Min),
            Max => fold(FoldOp::Max),
            _ => Err(format!("{} of {d}", op.name())),
        },
        d => Err(format!("{} of {d} is not compiled by the JIT", op.name())),
    }
}

/// What an access reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum AccessKind {
    /// Load node `node` from an input or buffer of `dtype`.
    Load { node: NodeId, dtype: DType },
    /// Index source load node `node`: the "pointer" is the index into the source.
    Index { node: NodeId },
    /// Elementwise store of `node` (dtype `dtype`).
    Store { node: NodeId, dtype: DType },
    /// The accumulator(s) of reduced store `store`, of node `node` (dtype `dtype`).
    Acc {
        store: usize,
        node: NodeId,
        dtype: DType,
        acc: AccKind,
    },
}

impl AccessKind {
    /// Bytes per element (1 for index sources, whose strides are in elements).
    pub fn unit(self) -> usize {
        match self {
            AccessKind::Load { dtype, .. } | AccessKind::Store { dtype, .. } => dtype.size(),
            AccessKind::Index { .. } => 1,
            AccessKind::Acc { acc, dtype, .. } => match acc {
                // Complex sums keep (re, im) pairs of f64.
                AccKind::Kahan { .. } if dtype.is_complex() => 16,
                AccKind::Kahan { .. } => 8,
                AccKind::Fold(_) => dtype.size(),
            },
        }
    }

    /// How many base pointers share this access's strides.
    pub fn nptr(self) -> usize {
        match self {
            AccessKind::Acc {
                acc: AccKind::Kahan { .. },
                ..
            } => 2,
            _ => 1,
        }
    }
}

/// The innermost stride of an access, as far as code generation cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Inner {
    /// One element.
    Contig,
    /// Zero: the same element along the whole inner loop.
    Zero,
    Other,
}

/// The compile-time shape of a kernel's accesses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Layout {
    /// Coalesced axes, at least 1.
    pub ndim: usize,
    pub accesses: Vec<(AccessKind, Inner)>,
}

/// Word offsets in the argument block.
pub(crate) struct ArgLayout {
    /// Per access: the word of its first base; strides follow the bases.
    pub access_words: Vec<usize>,
    pub len: usize,
}

/// Argument block words: the range `lo..hi` of coalesced axis 0 to run.
pub(crate) const W_LO: usize = 0;
pub(crate) const W_HI: usize = 1;
/// A pointer to an `i64` status word (non-zero: an evaluation error).
pub(crate) const W_STATUS: usize = 2;
/// The extents of the coalesced axes start here.
pub(crate) const W_EXTENTS: usize = 3;

impl ArgLayout {
    pub fn new(ndim: usize, kinds: impl Iterator<Item = AccessKind>) -> ArgLayout {
        let mut w = W_EXTENTS + ndim;
        let mut access_words = Vec::new();
        for k in kinds {
            access_words.push(w);
            w += k.nptr() + ndim;
        }
        ArgLayout {
            access_words,
            len: w,
        }
    }

    /// The word of access `a`'s stride along coalesced axis `k`.
    pub fn stride_word(&self, a: usize, nptr: usize, k: usize) -> usize {
        self.access_words[a] + nptr + k
    }
}

/// The accesses of `kernel` in the fixed order compiled code and executor agree on: loads
/// (array or index) in node order, then stores in store order.
pub(crate) fn access_kinds(kernel: &Kernel) -> Result<Vec<AccessKind>, String> {
    let mut kinds = Vec::new();
    for (i, n) in kernel.nodes.iter().enumerate() {
        if let Op::Load { source, .. } = &n.op {
            kinds.push(match source {
                Source::Input(_) | Source::Buffer(_) => AccessKind::Load {
                    node: i,
                    dtype: n.dtype,
                },
                Source::Arange { .. } | Source::Linspace { .. } | Source::Uniform { .. } => {
                    AccessKind::Index { node: i }
                }
            });
        }
    }
    for (s, store) in kernel.stores.iter().enumerate() {
        let dtype = kernel
            .nodes
            .get(store.node)
            .map(|n| n.dtype)
            .ok_or_else(|| format!("store {s} of a missing node"))?;
        kinds.push(match &store.reduce {
            None => AccessKind::Store {
                node: store.node,
                dtype,
            },
            Some(r) => AccessKind::Acc {
                store: s,
                node: store.node,
                dtype,
                acc: acc_kind(r.op, dtype)?,
            },
        });
    }
    Ok(kinds)
}

/// One access at run time: its base(s) and per-kernel-axis strides, in bytes (index
/// units for index sources).
#[derive(Clone, Debug)]
pub(crate) struct RtAccess {
    pub bases: [i64; 2],
    pub strides: Vec<isize>,
}

/// A coalesced iteration space.
#[derive(Clone, Debug)]
pub(crate) struct Coalesced {
    /// At least one axis.
    pub dims: Vec<usize>,
    /// Per access, one stride per coalesced axis.
    pub strides: Vec<Vec<isize>>,
}

/// Coalesces `shape` for `accesses` (each with one stride per axis of `shape`), exactly as
/// the interpreter does. `shape` has no zero extent.
pub(crate) fn coalesce(shape: &[usize], accesses: &[RtAccess]) -> Coalesced {
    let mut dims: Vec<usize> = Vec::new();
    let mut merged: Vec<Vec<isize>> = vec![Vec::new(); accesses.len()];
    for (k, &n) in shape.iter().enumerate() {
        if n == 1 {
            continue;
        }
        let can_merge = !dims.is_empty()
            && accesses
                .iter()
                .zip(&merged)
                .all(|(a, m)| m.last().copied() == a.strides[k].checked_mul(n as isize));
        if can_merge {
            let last = dims.len() - 1;
            dims[last] *= n;
            for (a, m) in accesses.iter().zip(merged.iter_mut()) {
                m[last] = a.strides[k];
            }
        } else {
            dims.push(n);
            for (a, m) in accesses.iter().zip(merged.iter_mut()) {
                m.push(a.strides[k]);
            }
        }
    }
    if dims.is_empty() {
        dims.push(1);
        merged.iter_mut().for_each(|m| m.push(0));
    }
    Coalesced {
        dims,
        strides: merged,
    }
}

/// The class of an innermost stride.
pub(crate) fn inner_class(kind: AccessKind, stride: isize) -> Inner {
    if stride == 0 {
        Inner::Zero
    } else if stride == kind.unit() as isize {
        Inner::Contig
    } else {
        Inner::Other
    }
}

/// The part of a compiled kernel's cache key that depends on the kernel alone: its nodes
/// and stores (views and buffer ids are left out: they only change run-time bases and
/// strides), encoded word by word so that equal keys mean equal code. Built on every call,
/// so it avoids formatting: a key costs a few words per node.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct KernelKey(Vec<u64>);

pub(crate) fn kernel_key(kernel: &Kernel) -> KernelKey {
    let mut w: Vec<u64> = Vec::with_capacity(kernel.nodes.len() * 4 + kernel.stores.len() * 3);
    for n in &kernel.nodes {
        w.push(n.dtype as u64);
        match &n.op {
            Op::Load { source, .. } => match source {
                Source::Input(_) | Source::Buffer(_) => w.push(0),
                Source::Arange { start, step, len } => {
                    w.push(1);
                    literal_words(&mut w, start);
                    literal_words(&mut w, step);
                    w.push(*len as u64);
                }
                Source::Linspace { start, stop, num } => {
                    w.extend([2, start.to_bits(), stop.to_bits(), *num as u64]);
                }
                // The shape only sets run-time strides; the draw is compiled in.
                Source::Uniform { draw, .. } => w.extend([
                    14,
                    draw.seed,
                    u64::from(draw.stream),
                    u64::from(draw.half),
                    u64::from(draw.open_low),
                ]),
            },
            Op::Const(l) => {
                w.push(3);
                literal_words(&mut w, l);
            }
            Op::Unary(op, a) => w.extend([4, *op as u64, *a as u64]),
            Op::Binary(op, a, b) => w.extend([5, *op as u64, *a as u64, *b as u64]),
            Op::Call(f, args) => {
                w.extend([6, *f as u64, args.len() as u64]);
                w.extend(args.iter().map(|&a| a as u64));
            }
            Op::Cast(a) => w.extend([7, *a as u64]),
            Op::Where(c, a, b) => w.extend([8, *c as u64, *a as u64, *b as u64]),
        }
    }
    for s in &kernel.stores {
        let reduce = s.reduce.as_ref().map_or(u64::MAX, |r| r.op as u64);
        w.extend([9, s.node as u64, reduce]);
    }
    KernelKey(w)
}

fn literal_words(w: &mut Vec<u64>, l: &Literal) {
    match *l {
        Literal::Bool(b) => w.extend([10, u64::from(b)]),
        Literal::Int(i) => w.extend([11, i as u64, (i >> 64) as u64]),
        Literal::Float(f) => w.extend([12, f.to_bits()]),
        Literal::Complex(re, im) => w.extend([13, re.to_bits(), im.to_bits()]),
    }
}

/// The full cache key: the kernel's key and its layout.
pub(crate) fn cache_key(kernel_key: &KernelKey, layout: &Layout) -> (KernelKey, Layout) {
    (kernel_key.clone(), layout.clone())
}
