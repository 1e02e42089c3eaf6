//! Errors: mismatched inputs and outputs, impossible sizes, and invalid programs.

use ndarray::{ArrayD, IxDyn};

use super::*;
use crate::error::ErrorKind;

fn kind_of(r: crate::Result<Vec<Array>>) -> (ErrorKind, String) {
    let e = r.expect_err("should fail");
    (e.kind, e.message)
}

#[test]
fn inputs_must_match_their_declarations() {
    let p = copy_program(DType::F64, &[3], View::identity(1), &[3]);
    let good = ArrayD::<f64>::zeros(IxDyn(&[3]));
    let wrong_shape = ArrayD::<f64>::zeros(IxDyn(&[4]));
    let wrong_dtype = ArrayD::<f32>::zeros(IxDyn(&[3]));
    let (k, m) = kind_of(crate::interp::run(&p, &[aref(wrong_shape.view())]));
    assert_eq!(k, ErrorKind::Input);
    assert!(
        m.contains("expected float64 array of shape (3,), got float64 array of shape (4,)"),
        "{m}"
    );
    let (k, m) = kind_of(crate::interp::run(&p, &[aref(wrong_dtype.view())]));
    assert_eq!(k, ErrorKind::Input);
    assert!(m.contains("got float32"), "{m}");
    let (k, _) = kind_of(crate::interp::run(&p, &[]));
    assert_eq!(k, ErrorKind::Input);
    let (k, _) = kind_of(crate::interp::run(
        &p,
        &[aref(good.view()), aref(good.view())],
    ));
    assert_eq!(k, ErrorKind::Input);
}

#[test]
fn run_into_checks_outputs() {
    let p = copy_program(DType::F64, &[3], View::identity(1), &[3]);
    let x = ArrayD::from_shape_vec(IxDyn(&[3]), vec![1.0, 2.0, 3.0]).expect("shape");
    let cases = vec![
        (vec![], "expected 1 output arrays, got 0"),
        (
            vec![owned(ArrayD::<f64>::zeros(IxDyn(&[2])))],
            "output 0: expected float64 array of shape (3,), got float64 array of shape (2,)",
        ),
        (
            vec![owned(ArrayD::<i64>::zeros(IxDyn(&[3])))],
            "output 0: expected float64 array of shape (3,), got int64 array of shape (3,)",
        ),
    ];
    for (mut outs, msg) in cases {
        let e = crate::interp::run_into(&p, &[aref(x.view())], &mut outs).expect_err("fails");
        assert_eq!(e.kind, ErrorKind::Input);
        assert_eq!(e.message, msg);
    }
    let mut outs = vec![owned(ArrayD::<f64>::zeros(IxDyn(&[3])))];
    crate::interp::run_into(&p, &[aref(x.view())], &mut outs).expect("runs");
    assert_eq!(outs[0], owned(x.clone()));
    // A standard-layout view into a larger allocation (offset data) is written in place.
    let mut big = ArrayD::<f64>::zeros(IxDyn(&[5]));
    big.slice_collapse(ndarray::s![2..]);
    let mut outs = vec![owned(big)];
    crate::interp::run_into(&p, &[aref(x.view())], &mut outs).expect("runs");
    assert_eq!(outs[0], owned(x));
}

#[test]
fn impossible_sizes_are_too_large() {
    // 2^62 bytes cannot be allocated; the product of (2^40, 2^40) does not even fit.
    for shape in [
        vec![1usize << 62],
        vec![1 << 40, 1 << 40],
        vec![1 << 61, 16],
    ] {
        let p = Program {
            inputs: vec![],
            buffers: vec![buffer(DType::U8, &shape)],
            kernels: vec![kernel(
                &shape,
                vec![constant(Literal::Int(1), DType::U8)],
                vec![store(0, 0)],
            )],
            outputs: vec![0],
        };
        let (k, m) = kind_of(crate::interp::run(&p, &[]));
        assert_eq!(k, ErrorKind::TooLarge, "{shape:?}");
        assert!(m.contains("would need") && m.contains("bytes"), "{m}");
    }
    // A sum over 2^62 x 2^62 points does not fit the point count.
    let p = Program {
        inputs: vec![],
        buffers: vec![buffer(DType::F64, &[])],
        kernels: vec![kernel(
            &[1 << 62, 1 << 62],
            vec![constant(Literal::Float(1.0), DType::F64)],
            vec![reduced(0, 0, ReduceOp::Sum, &[0, 1])],
        )],
        outputs: vec![0],
    };
    assert_eq!(kind_of(crate::interp::run(&p, &[])).0, ErrorKind::TooLarge);
}

#[test]
fn invalid_programs_are_errors_not_panics() {
    let x = ArrayD::<f64>::zeros(IxDyn(&[4]));
    let xr = || vec![aref(x.view())];
    let invalid = |p: &Program, inputs: &[ArrayRef]| {
        let (k, m) = kind_of(crate::interp::run(p, inputs));
        assert_eq!(k, ErrorKind::Input);
        assert!(m.starts_with("invalid program"), "{m}");
    };
    // Views reading out of bounds: past the end, before the start, a fixed index.
    invalid(
        &copy_program(DType::F64, &[4], view(&[(1, 1, Some(0))]), &[4]),
        &xr(),
    );
    invalid(
        &copy_program(DType::F64, &[4], view(&[(2, -1, Some(0))]), &[4]),
        &xr(),
    );
    invalid(
        &copy_program(DType::F64, &[4], view(&[(4, 0, None)]), &[4]),
        &xr(),
    );
    invalid(
        &copy_program(DType::F64, &[4], view(&[(0, 1, Some(1))]), &[4]),
        &xr(),
    );
    invalid(&copy_program(DType::F64, &[4], view(&[]), &[4]), &xr());
    // An arange view past its length.
    let p = Program {
        inputs: vec![],
        buffers: vec![buffer(DType::I64, &[4])],
        kernels: vec![kernel(
            &[4],
            vec![load(
                Source::Arange {
                    start: Literal::Int(0),
                    step: Literal::Int(1),
                    len: 3,
                },
                View::identity(1),
                DType::I64,
            )],
            vec![store(0, 0)],
        )],
        outputs: vec![0],
    };
    invalid(&p, &[]);
    // Dtype mismatches: load, store, and a where with a non-bool condition.
    let mut p = copy_program(DType::F64, &[4], View::identity(1), &[4]);
    p.kernels[0].nodes[0].dtype = DType::F32;
    invalid(&p, &xr());
    let mut p = copy_program(DType::F64, &[4], View::identity(1), &[4]);
    p.buffers[0].dtype = DType::I64;
    invalid(&p, &xr());
    let mut p = copy_program(DType::F64, &[4], View::identity(1), &[4]);
    p.kernels[0].nodes.push(Node {
        op: Op::Where(0, 0, 0),
        dtype: DType::F64,
    });
    invalid(&p, &xr());
    // Operands that are not earlier nodes; a store of a missing node or buffer.
    let mut p = copy_program(DType::F64, &[4], View::identity(1), &[4]);
    p.kernels[0].nodes.push(Node {
        op: Op::Cast(5),
        dtype: DType::F64,
    });
    invalid(&p, &xr());
    let mut p = copy_program(DType::F64, &[4], View::identity(1), &[4]);
    p.kernels[0].stores[0].node = 3;
    invalid(&p, &xr());
    let mut p = copy_program(DType::F64, &[4], View::identity(1), &[4]);
    p.kernels[0].stores[0].buffer = 3;
    invalid(&p, &xr());
    // Wrong store shape; unsorted or out-of-range reduction axes.
    let mut p = copy_program(DType::F64, &[4], View::identity(1), &[4]);
    p.buffers[0].shape = vec![5];
    invalid(&p, &xr());
    let y = ArrayD::<f64>::zeros(IxDyn(&[2, 3]));
    let mut p = reduce_program(DType::F64, &[2, 3], ReduceOp::Sum, &[0, 1]);
    p.kernels[0].stores[0].reduce = Some(Reduce {
        op: ReduceOp::Sum,
        axes: vec![1, 0],
    });
    invalid(&p, &[aref(y.view())]);
    let mut p = reduce_program(DType::F64, &[2, 3], ReduceOp::Sum, &[1]);
    p.kernels[0].stores[0].reduce = Some(Reduce {
        op: ReduceOp::Sum,
        axes: vec![2],
    });
    invalid(&p, &[aref(y.view())]);
    // any/all need bool, mean needs float or complex.
    invalid(
        &reduce_program(DType::F64, &[2, 3], ReduceOp::Any, &[1]),
        &[aref(y.view())],
    );
    let yi = ArrayD::<i32>::zeros(IxDyn(&[2, 3]));
    invalid(
        &reduce_program(DType::I32, &[2, 3], ReduceOp::Mean, &[1]),
        &[aref(yi.view())],
    );
    // A buffer read before it is written; an output never written.
    let mut p = copy_program(DType::F64, &[4], View::identity(1), &[4]);
    p.kernels[0].nodes[0] = load(Source::Buffer(0), View::identity(1), DType::F64);
    invalid(&p, &xr());
    let mut p = copy_program(DType::F64, &[4], View::identity(1), &[4]);
    p.kernels.clear();
    invalid(&p, &xr());
    p.outputs = vec![7];
    invalid(&p, &xr());
}

#[test]
fn empty_kernels_need_no_valid_view() {
    // A kernel with a zero-length axis reads nothing, so any view start is acceptable.
    let x = ArrayD::<f64>::zeros(IxDyn(&[0]));
    let p = copy_program(DType::F64, &[0], view(&[(0, 1, Some(0))]), &[0]);
    assert_eq!(run1::<f64>(&p, &[aref(x.view())]).len(), 0);
    let p = copy_program(DType::F64, &[0], view(&[(0, 1, Some(1))]), &[3, 0]);
    assert_eq!(run1::<f64>(&p, &[aref(x.view())]).shape(), &[3, 0]);
}
