//! Index sources, constants, and programs of several kernels passing buffers.

use ndarray::{ArrayD, IxDyn, ShapeBuilder};

use super::*;
use crate::dtype::{C128, C64};

/// A one-kernel program storing index source `src` (1-D of `len`) through `view`.
fn source_program(src: Source, dtype: DType, v: View, shape: &[usize]) -> Program {
    Program {
        inputs: vec![],
        buffers: vec![buffer(dtype, shape)],
        kernels: vec![kernel(shape, vec![load(src, v, dtype)], vec![store(0, 0)])],
        outputs: vec![0],
    }
}

fn arange(start: Literal, step: Literal, len: usize) -> Source {
    Source::Arange { start, step, len }
}

#[test]
fn integer_arange_is_exact_and_wraps() {
    for n in SIZES {
        let p = source_program(
            arange(Literal::Int(-5), Literal::Int(3), n),
            DType::I64,
            View::identity(1),
            &[n],
        );
        let got = run1::<i64>(&p, &[]).into_raw_vec_and_offset().0;
        let want: Vec<i64> = (0..n as i64).map(|i| -5 + 3 * i).collect();
        assert_eq!(got, want, "n = {n}");
    }
    // uint8 wraps: 250, 253, 0, 3, …
    let p = source_program(
        arange(Literal::Int(250), Literal::Int(3), 6),
        DType::U8,
        View::identity(1),
        &[6],
    );
    let got = run1::<u8>(&p, &[]).into_raw_vec_and_offset().0;
    assert_eq!(got, vec![250, 253, 0, 3, 6, 9]);
    // int64 near the top, exact (no float rounding).
    let p = source_program(
        arange(Literal::Int(i64::MAX as i128 - 4), Literal::Int(2), 3),
        DType::I64,
        View::identity(1),
        &[3],
    );
    let got = run1::<i64>(&p, &[]).into_raw_vec_and_offset().0;
    assert_eq!(got, vec![i64::MAX - 4, i64::MAX - 2, i64::MAX]);
}

#[test]
fn float_and_complex_arange() {
    let p = source_program(
        arange(Literal::Float(0.1), Literal::Float(0.3), 5),
        DType::F64,
        View::identity(1),
        &[5],
    );
    let got = run1::<f64>(&p, &[]).into_raw_vec_and_offset().0;
    let want: Vec<f64> = (0..5).map(|i| 0.1 + i as f64 * 0.3).collect();
    assert_eq!(got, want);
    // float32: computed in f64, then rounded.
    let p = source_program(
        arange(Literal::Float(0.1), Literal::Float(0.3), 5),
        DType::F32,
        View::identity(1),
        &[5],
    );
    let got = run1::<f32>(&p, &[]).into_raw_vec_and_offset().0;
    let want: Vec<f32> = (0..5).map(|i| (0.1 + i as f64 * 0.3) as f32).collect();
    assert_eq!(got, want);
    let p = source_program(
        arange(Literal::Complex(1.0, 2.0), Literal::Complex(0.5, -1.0), 3),
        DType::C64,
        View::identity(1),
        &[3],
    );
    let got = run1::<C64>(&p, &[]).into_raw_vec_and_offset().0;
    assert_eq!(
        got,
        vec![C64::new(1.0, 2.0), C64::new(1.5, 1.0), C64::new(2.0, 0.0)]
    );
}

#[test]
fn arange_through_views() {
    // arange(10)[::-2] broadcast over (3, 5): rows of 9, 7, 5, 3, 1.
    let p = source_program(
        arange(Literal::Int(0), Literal::Int(1), 10),
        DType::I32,
        view(&[(9, -2, Some(1))]),
        &[3, 5],
    );
    let got = run1::<i32>(&p, &[]);
    let row = ndarray::arr1(&[9, 7, 5, 3, 1]);
    assert_eq!(
        got,
        row.broadcast((3, 5)).expect("bcast").to_owned().into_dyn()
    );
}

#[test]
fn linspace_matches_numpy() {
    // Values from numpy.linspace (NumPy 2.4), compared bit for bit.
    let cases: Vec<(f64, f64, usize, Vec<f64>)> = vec![
        (0.0, 1.0, 5, vec![0.0, 0.25, 0.5, 0.75, 1.0]),
        (
            0.0,
            1.0,
            7,
            vec![
                0.0,
                0.16666666666666666,
                0.3333333333333333,
                0.5,
                0.6666666666666666,
                0.8333333333333333,
                1.0,
            ],
        ),
        (-0.0, 1.0, 1, vec![0.0]),
        (3.0, 3.0, 3, vec![3.0, 3.0, 3.0]),
        (1.0, 0.0, 0, vec![]),
        // Denormal range: the step underflows to 0 and NumPy divides first.
        (5e-324, 1e-323, 3, vec![5e-324, 5e-324, 1e-323]),
    ];
    for (start, stop, num, want) in cases {
        let p = source_program(
            Source::Linspace { start, stop, num },
            DType::F64,
            View::identity(1),
            &[num],
        );
        let got = run1::<f64>(&p, &[]).into_raw_vec_and_offset().0;
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&want), "linspace({start}, {stop}, {num})");
    }
    // Long: the last value is exactly `stop`, the rest `i*step + start`.
    let n = 3001;
    let p = source_program(
        Source::Linspace {
            start: -1.0,
            stop: 2.0,
            num: n,
        },
        DType::F64,
        View::identity(1),
        &[n],
    );
    let got = run1::<f64>(&p, &[]).into_raw_vec_and_offset().0;
    let step = 3.0 / (n - 1) as f64;
    for (i, &g) in got.iter().enumerate() {
        let want = if i == n - 1 {
            2.0
        } else {
            i as f64 * step + -1.0
        };
        assert_eq!(g, want, "i = {i}");
    }
}

#[test]
fn constants_fill_the_kernel() {
    for n in SIZES {
        let p = Program {
            inputs: vec![],
            buffers: vec![buffer(DType::C128, &[2, n])],
            kernels: vec![kernel(
                &[2, n],
                vec![constant(Literal::Complex(1.5, -2.0), DType::C128)],
                vec![store(0, 0)],
            )],
            outputs: vec![0],
        };
        let got = run1::<C128>(&p, &[]);
        assert_eq!(got, ArrayD::from_elem(IxDyn(&[2, n]), C128::new(1.5, -2.0)));
    }
}

#[test]
fn kernels_pass_buffers() {
    // kernel 0: buf0 = x[::-1]; kernel 1: buf1 = buf0 broadcast to (3, n) with a new
    // axis; kernel 2: buf2 = sum(buf1, axis 0) written twice as outputs.
    let n = 1500;
    let x = iota(&[n]);
    let p = Program {
        inputs: vec![input(DType::F64, &[n])],
        buffers: vec![
            buffer(DType::F64, &[n]),
            buffer(DType::F64, &[3, n]),
            buffer(DType::F64, &[n]),
        ],
        kernels: vec![
            kernel(
                &[n],
                vec![load(
                    Source::Input(0),
                    view(&[(n - 1, -1, Some(0))]),
                    DType::F64,
                )],
                vec![store(0, 0)],
            ),
            kernel(
                &[3, n],
                vec![load(
                    Source::Buffer(0),
                    view(&[(0, 1, Some(1))]),
                    DType::F64,
                )],
                vec![store(0, 1)],
            ),
            kernel(
                &[3, n],
                vec![load(Source::Buffer(1), View::identity(2), DType::F64)],
                vec![reduced(0, 2, ReduceOp::Sum, &[0])],
            ),
        ],
        outputs: vec![2, 1, 2],
    };
    let outs = crate::interp::run(&p, &[aref(x.view())]).expect("runs");
    let rev = x.slice(ndarray::s![..;-1]).to_owned();
    assert_eq!(outs.len(), 3);
    assert_eq!(outs[0].as_f64().expect("f64"), &(&rev * 3.0).into_dyn());
    assert_eq!(
        outs[1].as_f64().expect("f64"),
        &rev.broadcast((3, n)).expect("bcast").to_owned().into_dyn()
    );
    assert_eq!(outs[2], outs[0]);

    // run_into: standard outputs in place, a Fortran-order one copied, a repeat copied.
    let mut outputs = vec![
        owned(ArrayD::<f64>::zeros(IxDyn(&[n]))),
        owned(ArrayD::<f64>::zeros(IxDyn(&[3, n]).f())),
        owned(ArrayD::<f64>::zeros(IxDyn(&[n]))),
    ];
    crate::interp::run_into(&p, &[aref(x.view())], &mut outputs).expect("runs");
    assert_eq!(outputs, outs);
    assert!(!outputs[1].as_f64().expect("f64").is_standard_layout());
}
