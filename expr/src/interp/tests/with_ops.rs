//! Kernels that compute (through `crate::ops`), and a rough speed check.

use ndarray::{ArrayD, IxDyn};

use super::*;
use crate::error::ErrorKind;
use crate::ir::{BinaryOp, Func, UnaryOp};

fn node(op: Op, dtype: DType) -> Node {
    Node { op, dtype }
}

/// `a + b*c` over three f64 inputs of `shape` (identity views).
fn fma_program(shape: &[usize]) -> Program {
    let id = || View::identity(shape.len());
    Program {
        inputs: (0..3).map(|_| input(DType::F64, shape)).collect(),
        buffers: vec![buffer(DType::F64, shape)],
        kernels: vec![kernel(
            shape,
            vec![
                load(Source::Input(0), id(), DType::F64),
                load(Source::Input(1), id(), DType::F64),
                load(Source::Input(2), id(), DType::F64),
                node(Op::Binary(BinaryOp::Mul, 1, 2), DType::F64),
                node(Op::Binary(BinaryOp::Add, 0, 3), DType::F64),
            ],
            vec![store(4, 0)],
        )],
        outputs: vec![0],
    }
}

#[test]
fn a_plus_b_times_c() {
    for n in SIZES {
        let (a, b, c) = (noise(&[n], 1), noise(&[n], 2), noise(&[n], 3));
        let got = run1::<f64>(
            &fma_program(&[n]),
            &[aref(a.view()), aref(b.view()), aref(c.view())],
        );
        assert_eq!(got, &a + &(&b * &c), "n = {n}");
    }
}

#[test]
fn computed_values_with_broadcasting_casts_and_where() {
    // where(x > 0, float32(x) * 2, -y) with x: (n,) and y: (3, 1) broadcast to (3, n).
    let n = 1500;
    let x = noise(&[n], 5);
    let y = iota(&[3, 1]).mapv(|v| v as f32);
    let p = Program {
        inputs: vec![input(DType::F64, &[n]), input(DType::F32, &[3, 1])],
        buffers: vec![buffer(DType::F32, &[3, n])],
        kernels: vec![kernel(
            &[3, n],
            vec![
                load(Source::Input(0), view(&[(0, 1, Some(1))]), DType::F64),
                load(
                    Source::Input(1),
                    view(&[(0, 1, Some(0)), (0, 0, None)]),
                    DType::F32,
                ),
                constant(Literal::Float(0.0), DType::F64),
                node(Op::Binary(BinaryOp::Gt, 0, 2), DType::Bool),
                node(Op::Cast(0), DType::F32),
                constant(Literal::Int(2), DType::F32),
                node(Op::Binary(BinaryOp::Mul, 4, 5), DType::F32),
                node(Op::Unary(UnaryOp::Neg, 1), DType::F32),
                node(Op::Where(3, 6, 7), DType::F32),
            ],
            vec![store(8, 0)],
        )],
        outputs: vec![0],
    };
    let got = run1::<f32>(&p, &[aref(x.view()), aref(y.view())]);
    let want = ArrayD::from_shape_fn(IxDyn(&[3, n]), |i| {
        let xv = x[IxDyn(&[i[1]])];
        if xv > 0.0 {
            xv as f32 * 2.0
        } else {
            -(i[0] as f32)
        }
    });
    assert_eq!(got, want);
}

#[test]
fn reduction_of_a_computed_node() {
    // sum(x * x, axis=1) and max over a call.
    let x = noise(&[5, 2000], 9);
    let p = Program {
        inputs: vec![input(DType::F64, &[5, 2000])],
        buffers: vec![buffer(DType::F64, &[5]), buffer(DType::F64, &[2000])],
        kernels: vec![kernel(
            &[5, 2000],
            vec![
                load(Source::Input(0), View::identity(2), DType::F64),
                node(Op::Binary(BinaryOp::Mul, 0, 0), DType::F64),
                node(Op::Call(Func::Abs, vec![0]), DType::F64),
            ],
            vec![
                reduced(1, 0, ReduceOp::Sum, &[1]),
                reduced(2, 1, ReduceOp::Max, &[0]),
            ],
        )],
        outputs: vec![0, 1],
    };
    let outs = crate::interp::run(&p, &[aref(x.view())]).expect("runs");
    let sums = outs[0].as_f64().expect("f64");
    for (r, s) in sums.iter().enumerate() {
        let want: f64 = x
            .index_axis(ndarray::Axis(0), r)
            .iter()
            .map(|v| v * v)
            .sum();
        assert!((s - want).abs() < 1e-12 * want, "row {r}");
    }
    let max = outs[1].as_f64().expect("f64");
    for (c, m) in max.iter().enumerate() {
        let want = (0..5).map(|r| x[IxDyn(&[r, c])].abs()).fold(0.0, f64::max);
        assert_eq!(*m, want);
    }
}

#[test]
fn op_errors_propagate() {
    // 2 ** -1 on int64 is an error in NumPy (integers to negative integer powers).
    let p = Program {
        inputs: vec![],
        buffers: vec![buffer(DType::I64, &[3])],
        kernels: vec![kernel(
            &[3],
            vec![
                constant(Literal::Int(2), DType::I64),
                constant(Literal::Int(-1), DType::I64),
                node(Op::Binary(BinaryOp::Pow, 0, 1), DType::I64),
            ],
            vec![store(2, 0)],
        )],
        outputs: vec![0],
    };
    let e = crate::interp::run(&p, &[]).expect_err("negative power");
    assert_eq!(e.kind, ErrorKind::NegativePower);
}

#[test]
fn min_max_agree_with_ops_maximum_minimum() {
    // The reduction's own min/max must match `ops::call(Maximum/Minimum)` pairwise.
    let specials = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    let mut a = Vec::new();
    let mut b = Vec::new();
    for &x in &specials {
        for &y in &specials {
            a.push(x);
            b.push(y);
        }
    }
    for (op, func) in [
        (ReduceOp::Max, Func::Maximum),
        (ReduceOp::Min, Func::Minimum),
    ] {
        let want = crate::ops::call(
            func,
            &[
                &crate::block::Block::F64(a.clone()),
                &crate::block::Block::F64(b.clone()),
            ],
        )
        .expect("ops");
        let want = want.as_slice::<f64>().expect("f64").to_vec();
        // Reduce each pair (x, y) over an axis of length 2.
        let pairs: Vec<f64> = a.iter().zip(&b).flat_map(|(&x, &y)| [x, y]).collect();
        let x = ArrayD::from_shape_vec(IxDyn(&[a.len(), 2]), pairs).expect("shape");
        let got = run1::<f64>(
            &reduce_program(DType::F64, &[a.len(), 2], op, &[1]),
            &[aref(x.view())],
        );
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(
                g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
                "{op:?}({}, {}): {g} vs {w}",
                a[i],
                b[i]
            );
        }
    }
}

/// `cargo test -p vex-expr --release --lib interp::tests::with_ops::speed -- --ignored
/// --nocapture`: the interpreter against a plain loop for `a + b*c` on 10^6 f64.
#[test]
#[ignore]
fn speed() {
    use std::time::Instant;
    let n = 1_000_000;
    let (a, b, c) = (noise(&[n], 1), noise(&[n], 2), noise(&[n], 3));
    let p = fma_program(&[n]);
    let inputs = [aref(a.view()), aref(b.view()), aref(c.view())];
    let mut out = vec![owned(ArrayD::<f64>::zeros(IxDyn(&[n])))];
    let best = |f: &mut dyn FnMut()| {
        (0..20)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let t_interp = best(&mut || crate::interp::run_into(&p, &inputs, &mut out).expect("runs"));
    let (sa, sb, sc) = (
        a.as_slice().expect("c"),
        b.as_slice().expect("c"),
        c.as_slice().expect("c"),
    );
    let mut dst = vec![0.0; n];
    let t_loop = best(&mut || {
        for i in 0..n {
            dst[i] = sa[i] + sb[i] * sc[i];
        }
        std::hint::black_box(&mut dst);
    });
    println!(
        "a + b*c, 10^6 f64: interpreter {:.3} ms, plain loop {:.3} ms, ratio {:.2}",
        t_interp * 1e3,
        t_loop * 1e3,
        t_interp / t_loop
    );
}
