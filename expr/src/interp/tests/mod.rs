//! Tests of the interpreter on hand-built IR programs, against plain ndarray computations.
//!
//! Most tests use only loads, constants and stores so that they do not depend on
//! [`crate::ops`]; `with_ops` covers kernels that compute.

mod errors;
mod random;
mod reduce;
mod sources;
mod views;
mod with_ops;

use ndarray::{ArrayD, IxDyn};

use crate::dtype::DType;
use crate::ir::{
    AxisMap, BufferDecl, InputDecl, Kernel, Literal, Node, Op, Program, Reduce, ReduceOp, Source,
    Store, View,
};
use crate::value::{Array, ArrayElement, ArrayRef};

/// Sizes around the block length, and the edge cases 0 and 1.
pub(super) const SIZES: [usize; 7] = [0, 1, 1023, 1024, 1025, 3000, 2 * 1024 + 7];

pub(super) fn input(dtype: DType, shape: &[usize]) -> InputDecl {
    InputDecl {
        name: "x".into(),
        dtype,
        shape: shape.to_vec(),
    }
}

pub(super) fn buffer(dtype: DType, shape: &[usize]) -> BufferDecl {
    BufferDecl {
        dtype,
        shape: shape.to_vec(),
    }
}

/// A view from `(start, step, kernel_axis)` triples.
pub(super) fn view(axes: &[(usize, isize, Option<usize>)]) -> View {
    View {
        axes: axes
            .iter()
            .map(|&(start, step, kernel_axis)| AxisMap {
                start,
                step,
                kernel_axis,
            })
            .collect(),
    }
}

pub(super) fn load(source: Source, view: View, dtype: DType) -> Node {
    Node {
        op: Op::Load { source, view },
        dtype,
    }
}

pub(super) fn constant(lit: Literal, dtype: DType) -> Node {
    Node {
        op: Op::Const(lit),
        dtype,
    }
}

pub(super) fn store(node: usize, buffer: usize) -> Store {
    Store {
        node,
        buffer,
        reduce: None,
    }
}

pub(super) fn reduced(node: usize, buffer: usize, op: ReduceOp, axes: &[usize]) -> Store {
    Store {
        node,
        buffer,
        reduce: Some(Reduce {
            op,
            axes: axes.to_vec(),
        }),
    }
}

pub(super) fn kernel(shape: &[usize], nodes: Vec<Node>, stores: Vec<Store>) -> Kernel {
    Kernel {
        shape: shape.to_vec(),
        nodes,
        stores,
    }
}

/// A one-kernel program over `shape` that copies input 0 through `view` to output 0.
pub(super) fn copy_program(
    dtype: DType,
    in_shape: &[usize],
    view: View,
    shape: &[usize],
) -> Program {
    Program {
        inputs: vec![input(dtype, in_shape)],
        buffers: vec![buffer(dtype, shape)],
        kernels: vec![kernel(
            shape,
            vec![load(Source::Input(0), view, dtype)],
            vec![store(0, 0)],
        )],
        outputs: vec![0],
    }
}

/// A one-kernel program reducing input 0 (identity view) with `op` over `axes`.
pub(super) fn reduce_program(
    dtype: DType,
    shape: &[usize],
    op: ReduceOp,
    axes: &[usize],
) -> Program {
    let out: Vec<usize> = (0..shape.len())
        .filter(|a| !axes.contains(a))
        .map(|a| shape[a])
        .collect();
    Program {
        inputs: vec![input(dtype, shape)],
        buffers: vec![buffer(dtype, &out)],
        kernels: vec![kernel(
            shape,
            vec![load(Source::Input(0), View::identity(shape.len()), dtype)],
            vec![reduced(0, 0, op, axes)],
        )],
        outputs: vec![0],
    }
}

/// Runs a program and returns its single output as `ArrayD<T>`.
pub(super) fn run1<T: ArrayElement>(program: &Program, inputs: &[ArrayRef]) -> ArrayD<T> {
    let mut outs = super::run(program, inputs).expect("program runs");
    assert_eq!(outs.len(), 1);
    outs.pop()
        .expect("one output")
        .downcast::<T>()
        .expect("output dtype")
}

/// `0, 1, 2, …` as f64 in the given shape.
pub(super) fn iota(shape: &[usize]) -> ArrayD<f64> {
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(|i| i as f64).collect()).expect("shape")
}

/// Pseudo-random f64 values in [-1, 1) (a fixed LCG; no dependencies).
pub(super) fn noise(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let n: usize = shape.iter().product();
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let v = (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).expect("shape")
}

/// The dyn-typed view of an ndarray array or view.
pub(super) fn aref<'a, T: ArrayElement>(a: ndarray::ArrayViewD<'a, T>) -> ArrayRef<'a> {
    T::wrap_view(a)
}

pub(super) fn owned<T: ArrayElement>(a: ArrayD<T>) -> Array {
    T::wrap(a)
}
