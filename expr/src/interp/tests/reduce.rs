//! Reduced stores: every op, over various axes, empty extents, and accuracy.

use ndarray::{ArrayD, Axis, IxDyn};

use super::*;
use crate::dtype::{C128, C64};
use crate::error::ErrorKind;

/// Folds `x` over `axes` (any order) with `f` from `init`, the way the IR defines it.
fn reference<T: Clone>(
    x: &ArrayD<T>,
    axes: &[usize],
    init: T,
    f: impl Fn(&T, &T) -> T,
) -> ArrayD<T> {
    let mut out = x.clone();
    for &a in axes.iter().rev() {
        out = out.fold_axis(Axis(a), init.clone(), |acc, v| f(acc, v));
    }
    out
}

/// Every sorted subset of `0..ndim`.
fn axis_sets(ndim: usize) -> Vec<Vec<usize>> {
    (0..1usize << ndim)
        .map(|m| (0..ndim).filter(|a| m >> a & 1 == 1).collect())
        .collect()
}

#[test]
fn float_reductions_over_every_axis_set() {
    for shape in [
        vec![3, 4, 1025],
        vec![1, 5, 2],
        vec![2, 0, 3],
        vec![1030, 3],
    ] {
        // Small integers: every sum is exact, so the reference can be a plain fold.
        let x = iota(&shape).mapv(|v| (v % 17.0) - 8.0);
        for axes in axis_sets(shape.len()) {
            let xr = aref(x.view());
            let run = |op| {
                run1::<f64>(
                    &reduce_program(DType::F64, &shape, op, &axes),
                    std::slice::from_ref(&xr),
                )
            };
            let count: usize = axes.iter().map(|&a| shape[a]).product();
            let sum = reference(&x, &axes, 0.0, |a, b| a + b);
            assert_eq!(run(ReduceOp::Sum), sum, "sum {shape:?} {axes:?}");
            let mean = sum.mapv(|s| s / count as f64);
            let got = run(ReduceOp::Mean);
            assert!(
                got.iter()
                    .zip(&mean)
                    .all(|(g, m)| g == m || (g.is_nan() && m.is_nan())),
                "mean {shape:?} {axes:?}"
            );
            let prod = reference(&x.mapv(|v| 1.0 + v / 64.0), &axes, 1.0, |a, b| a * b);
            let xp = x.mapv(|v| 1.0 + v / 64.0);
            let got = run1::<f64>(
                &reduce_program(DType::F64, &shape, ReduceOp::Prod, &axes),
                &[aref(xp.view())],
            );
            assert!(
                got.iter()
                    .zip(&prod)
                    .all(|(g, p)| (g - p).abs() <= 1e-12 * p.abs()),
                "prod {shape:?} {axes:?}"
            );
            if count > 0 {
                let max = reference(&x, &axes, f64::NEG_INFINITY, |a, b| a.max(*b));
                assert_eq!(run(ReduceOp::Max), max, "max {shape:?} {axes:?}");
                let min = reference(&x, &axes, f64::INFINITY, |a, b| a.min(*b));
                assert_eq!(run(ReduceOp::Min), min, "min {shape:?} {axes:?}");
            }
        }
    }
}

#[test]
fn integer_reductions_wrap() {
    let x =
        ArrayD::from_shape_vec(IxDyn(&[2, 3]), vec![100i8, 100, 27, -128, -1, 5]).expect("shape");
    let run = |op, axes: &[usize]| {
        run1::<i8>(
            &reduce_program(DType::I8, &[2, 3], op, axes),
            &[aref(x.view())],
        )
    };
    assert_eq!(
        run(ReduceOp::Sum, &[1]).into_raw_vec_and_offset().0,
        vec![-29, -124]
    );
    assert_eq!(
        run(ReduceOp::Sum, &[0]).into_raw_vec_and_offset().0,
        vec![-28, 99, 32]
    );
    assert_eq!(
        run(ReduceOp::Prod, &[0]).into_raw_vec_and_offset().0,
        vec![0, -100, -121]
    );
    assert_eq!(
        run(ReduceOp::Min, &[0, 1]).into_raw_vec_and_offset().0,
        vec![-128]
    );
    assert_eq!(
        run(ReduceOp::Max, &[1]).into_raw_vec_and_offset().0,
        vec![100, 5]
    );
    let n = 3000u64;
    let x = ArrayD::from_shape_fn(IxDyn(&[n as usize]), |i| u64::MAX - i[0] as u64);
    let got = run1::<u64>(
        &reduce_program(DType::U64, &[n as usize], ReduceOp::Sum, &[0]),
        &[aref(x.view())],
    );
    let want = (0..n).fold(0u64, |a, i| a.wrapping_add(u64::MAX - i));
    assert_eq!(got[IxDyn(&[])], want);
}

#[test]
fn bool_any_all() {
    for n in SIZES {
        for pattern in 0..3 {
            let x = ArrayD::from_shape_fn(IxDyn(&[3, n]), |i| match pattern {
                0 => false,
                1 => true,
                _ => i[1] == n / 2 && i[0] == 1,
            });
            for axes in axis_sets(2) {
                let run = |op| {
                    run1::<bool>(
                        &reduce_program(DType::Bool, &[3, n], op, &axes),
                        &[aref(x.view())],
                    )
                };
                let any = reference(&x, &axes, false, |a, b| *a || *b);
                let all = reference(&x, &axes, true, |a, b| *a && *b);
                assert_eq!(run(ReduceOp::Any), any, "any n={n} {pattern} {axes:?}");
                assert_eq!(run(ReduceOp::All), all, "all n={n} {pattern} {axes:?}");
            }
        }
    }
}

#[test]
fn empty_extents_give_identities() {
    let x = ArrayD::<f64>::zeros(IxDyn(&[0, 4]));
    let run = |op, axes: &[usize]| {
        run1::<f64>(
            &reduce_program(DType::F64, &[0, 4], op, axes),
            &[aref(x.view())],
        )
    };
    assert_eq!(run(ReduceOp::Sum, &[0]), ArrayD::zeros(IxDyn(&[4])));
    assert_eq!(
        run(ReduceOp::Prod, &[0]),
        ArrayD::from_elem(IxDyn(&[4]), 1.0)
    );
    assert!(run(ReduceOp::Mean, &[0, 1]).iter().all(|v| v.is_nan()));
    assert_eq!(run(ReduceOp::Sum, &[0, 1]).shape(), &[] as &[usize]);
    // Reducing the other axis: an empty result.
    assert_eq!(run(ReduceOp::Max, &[1]).shape(), &[0]);
    let b = ArrayD::<bool>::from_elem(IxDyn(&[5, 0]), true);
    let run = |op| {
        run1::<bool>(
            &reduce_program(DType::Bool, &[5, 0], op, &[1]),
            &[aref(b.view())],
        )
    };
    assert_eq!(run(ReduceOp::Any), ArrayD::from_elem(IxDyn(&[5]), false));
    assert_eq!(run(ReduceOp::All), ArrayD::from_elem(IxDyn(&[5]), true));
    let c = ArrayD::<C128>::zeros(IxDyn(&[0]));
    let got = run1::<C128>(
        &reduce_program(DType::C128, &[0], ReduceOp::Mean, &[0]),
        &[aref(c.view())],
    );
    assert!(got[IxDyn(&[])].re.is_nan() && got[IxDyn(&[])].im.is_nan());
    // Min/Max have no identity.
    for op in [ReduceOp::Min, ReduceOp::Max] {
        let err = crate::interp::run(
            &reduce_program(DType::F64, &[0, 4], op, &[0]),
            &[aref(x.view())],
        )
        .expect_err("empty min/max");
        assert_eq!(err.kind, ErrorKind::EmptyReduction);
    }
}

#[test]
fn min_max_propagate_nan_like_numpy() {
    let nan = f64::NAN;
    let run = |v: Vec<f64>, op| {
        let x = ArrayD::from_shape_vec(IxDyn(&[v.len()]), v).expect("shape");
        run1::<f64>(
            &reduce_program(DType::F64, &[x.len()], op, &[0]),
            &[aref(x.view())],
        )[IxDyn(&[])]
    };
    assert!(run(vec![1.0, nan, 3.0], ReduceOp::Max).is_nan());
    assert!(run(vec![nan, 1.0], ReduceOp::Min).is_nan());
    assert!(run(vec![1.0, 2.0, nan], ReduceOp::Min).is_nan());
    assert_eq!(run(vec![1.0, f64::NEG_INFINITY], ReduceOp::Max), 1.0);
    assert_eq!(
        run(vec![f64::NEG_INFINITY], ReduceOp::Max),
        f64::NEG_INFINITY
    );
    // NumPy: np.max([-0.0, 0.0]) is 0.0, np.max([0.0, -0.0]) is -0.0 (ties keep the later).
    assert!(run(vec![-0.0, 0.0], ReduceOp::Max).is_sign_positive());
    assert!(run(vec![0.0, -0.0], ReduceOp::Max).is_sign_negative());
    assert!(run(vec![0.0, -0.0], ReduceOp::Min).is_sign_negative());
    assert!(run(vec![-0.0, 0.0], ReduceOp::Min).is_sign_positive());
    // f32 too, over more than a block.
    let mut v: Vec<f32> = (0..3000).map(|i| i as f32).collect();
    v[2500] = f32::NAN;
    let x = ArrayD::from_shape_vec(IxDyn(&[3000]), v).expect("shape");
    let got = run1::<f32>(
        &reduce_program(DType::F32, &[3000], ReduceOp::Max, &[0]),
        &[aref(x.view())],
    );
    assert!(got[IxDyn(&[])].is_nan());
}

#[test]
fn complex_min_max_are_lexicographic_with_nan() {
    let c = |re, im| C128::new(re, im);
    let run = |v: Vec<C128>, op| {
        let x = ArrayD::from_shape_vec(IxDyn(&[v.len()]), v).expect("shape");
        run1::<C128>(
            &reduce_program(DType::C128, &[x.len()], op, &[0]),
            &[aref(x.view())],
        )[IxDyn(&[])]
    };
    let v = vec![c(1.0, 5.0), c(2.0, -1.0), c(2.0, 3.0), c(-4.0, 9.0)];
    assert_eq!(run(v.clone(), ReduceOp::Max), c(2.0, 3.0));
    assert_eq!(run(v, ReduceOp::Min), c(-4.0, 9.0));
    // NumPy: np.max([1+1j, complex(nan, 0), 3]) is nan+0j.
    let got = run(
        vec![c(1.0, 1.0), c(f64::NAN, 0.0), c(3.0, 0.0)],
        ReduceOp::Max,
    );
    assert!(got.re.is_nan() && got.im == 0.0);
    let got = run(vec![c(1.0, 1.0), c(0.0, f64::NAN)], ReduceOp::Min);
    assert!(got.im.is_nan());
    let x = ArrayD::from_shape_vec(
        IxDyn(&[3]),
        vec![C64::new(1.0, 2.0), C64::new(1.0, -2.0), C64::new(0.5, 9.0)],
    )
    .expect("shape");
    let got = run1::<C64>(
        &reduce_program(DType::C64, &[3], ReduceOp::Min, &[0]),
        &[aref(x.view())],
    );
    assert_eq!(got[IxDyn(&[])], C64::new(0.5, 9.0));
}

/// Integers scaled by 2^-30 with wildly different magnitudes: the exact sum is known.
fn exact_case(n: usize, seed: u64) -> (Vec<f64>, f64) {
    let mut s = seed;
    let mut total: i128 = 0;
    let v = (0..n)
        .map(|i| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let shift = (s >> 58) as u32 % 40;
            let m = ((s >> 11) as i64 >> shift) * if i % 2 == 0 { 1 } else { -1 };
            total += m as i128;
            m as f64 * 2f64.powi(-30)
        })
        .collect();
    (v, total as f64 * 2f64.powi(-30))
}

#[test]
fn sums_are_compensated() {
    // 1e16, 1, -1e16 repeated: a naive sum gives 0, the exact sum is the repeat count.
    for reps in [1, 341, 1000, 5000] {
        let v: Vec<f64> = (0..reps).flat_map(|_| [1e16, 1.0, -1e16]).collect();
        let n = v.len();
        let x = ArrayD::from_shape_vec(IxDyn(&[n]), v).expect("shape");
        let got = run1::<f64>(
            &reduce_program(DType::F64, &[n], ReduceOp::Sum, &[0]),
            &[aref(x.view())],
        );
        assert_eq!(got[IxDyn(&[])], reps as f64);
        // Along an outer axis too (one accumulator per column, strided runs).
        let x2 = x.into_shape_with_order(IxDyn(&[reps, 3])).expect("shape");
        let xt = x2.t();
        let got = run1::<f64>(
            &reduce_program(DType::F64, &[3, reps], ReduceOp::Sum, &[1]),
            &[aref(xt.view())],
        );
        assert_eq!(
            got.into_raw_vec_and_offset().0,
            vec![1e16 * reps as f64, reps as f64, -1e16 * reps as f64]
        );
        let got = run1::<f64>(
            &reduce_program(DType::F64, &[reps, 3], ReduceOp::Sum, &[0, 1]),
            &[aref(x2.view())],
        );
        assert_eq!(got[IxDyn(&[])], reps as f64);
    }
    for (n, seed) in [(1023, 1), (3000, 2), (100_000, 3)] {
        let (v, exact) = exact_case(n, seed);
        let x = ArrayD::from_shape_vec(IxDyn(&[n]), v.clone()).expect("shape");
        let got = run1::<f64>(
            &reduce_program(DType::F64, &[n], ReduceOp::Sum, &[0]),
            &[aref(x.view())],
        )[IxDyn(&[])];
        let ulp = f64::EPSILON * exact.abs();
        assert!((got - exact).abs() <= ulp, "n = {n}: {got} vs {exact}");
        let mean = run1::<f64>(
            &reduce_program(DType::F64, &[n], ReduceOp::Mean, &[0]),
            &[aref(x.view())],
        )[IxDyn(&[])];
        assert!((mean - exact / n as f64).abs() <= 2.0 * f64::EPSILON * (exact / n as f64).abs());
        // float32 and complex64 are accumulated in f64, rounded once.
        let x32 = x.mapv(|v| v as f32);
        let exact32: f64 = x32.iter().map(|&v| v as f64).sum::<f64>();
        let got = run1::<f32>(
            &reduce_program(DType::F32, &[n], ReduceOp::Sum, &[0]),
            &[aref(x32.view())],
        )[IxDyn(&[])];
        assert!(
            (got as f64 - exact32).abs() <= 1e-6 * exact32.abs() + 1e-3,
            "f32 n = {n}"
        );
        let xc = x.mapv(|v| C128::new(v, -2.0 * v));
        let got = run1::<C128>(
            &reduce_program(DType::C128, &[n], ReduceOp::Sum, &[0]),
            &[aref(xc.view())],
        )[IxDyn(&[])];
        assert!((got.re - exact).abs() <= ulp && (got.im + 2.0 * exact).abs() <= 2.0 * ulp);
    }
}

#[test]
fn infinities_and_nan_in_sums() {
    let run = |v: Vec<f64>| {
        let x = ArrayD::from_shape_vec(IxDyn(&[v.len()]), v).expect("shape");
        run1::<f64>(
            &reduce_program(DType::F64, &[x.len()], ReduceOp::Sum, &[0]),
            &[aref(x.view())],
        )[IxDyn(&[])]
    };
    assert_eq!(run(vec![1.0, f64::INFINITY, 2.0]), f64::INFINITY);
    assert!(run(vec![f64::INFINITY, f64::NEG_INFINITY]).is_nan());
    assert!(run(vec![1.0, f64::NAN]).is_nan());
    assert_eq!(run(vec![f64::MAX, f64::MAX]), f64::INFINITY);
    assert_eq!(run(vec![-0.0]), 0.0);
}

#[test]
fn several_stores_in_one_kernel() {
    // Over (4, n): elementwise copy, sum over axis 1, max over axis 0, prod over nothing.
    for n in [1, 1024, 1500] {
        let x = noise(&[4, n], n as u64);
        let p = Program {
            inputs: vec![input(DType::F64, &[4, n])],
            buffers: vec![
                buffer(DType::F64, &[4, n]),
                buffer(DType::F64, &[4]),
                buffer(DType::F64, &[n]),
                buffer(DType::F64, &[4, n]),
            ],
            kernels: vec![kernel(
                &[4, n],
                vec![load(Source::Input(0), View::identity(2), DType::F64)],
                vec![
                    store(0, 0),
                    reduced(0, 1, ReduceOp::Sum, &[1]),
                    reduced(0, 2, ReduceOp::Max, &[0]),
                    reduced(0, 3, ReduceOp::Prod, &[]),
                ],
            )],
            outputs: vec![0, 1, 2, 3],
        };
        let outs = crate::interp::run(&p, &[aref(x.view())]).expect("runs");
        assert_eq!(outs[0].as_f64().expect("f64"), &x);
        let sums = outs[1].as_f64().expect("f64");
        for (r, &s) in sums.iter().enumerate() {
            let want: f64 = x.index_axis(Axis(0), r).sum();
            assert!((s - want).abs() <= 1e-12 * n as f64, "row {r}");
        }
        let max = reference(&x, &[0], f64::NEG_INFINITY, |a, b| a.max(*b));
        assert_eq!(outs[2].as_f64().expect("f64"), &max);
        assert_eq!(outs[3].as_f64().expect("f64"), &x);
    }
}

#[test]
fn complex_sum_prod_mean_over_axes() {
    let x = ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| {
        C128::new(i[0] as f64 - 1.0, 0.5 * i[1] as f64)
    });
    let run = |op, axes: &[usize]| {
        run1::<C128>(
            &reduce_program(DType::C128, &[3, 4], op, axes),
            &[aref(x.view())],
        )
    };
    let zero = C128::new(0.0, 0.0);
    let one = C128::new(1.0, 0.0);
    assert_eq!(
        run(ReduceOp::Sum, &[0]),
        reference(&x, &[0], zero, |a, b| a + b)
    );
    assert_eq!(
        run(ReduceOp::Prod, &[1]),
        reference(&x, &[1], one, |a, b| a * b)
    );
    assert_eq!(
        run(ReduceOp::Mean, &[0, 1]),
        reference(&x, &[0, 1], zero, |a, b| a + b).mapv(|s| s / 12.0)
    );
    let x64 = x.mapv(|c| C64::new(c.re as f32, c.im as f32));
    let got = run1::<C64>(
        &reduce_program(DType::C64, &[3, 4], ReduceOp::Mean, &[1]),
        &[aref(x64.view())],
    );
    let want = reference(&x64, &[1], C64::new(0.0, 0.0), |a, b| a + b).mapv(|s| s / 4.0);
    assert_eq!(got, want);
}

#[test]
fn zero_dimensional_and_axis_free_reductions() {
    // A 0-d kernel reduced over no axes stores its one value.
    let x = ndarray::arr0(2.5).into_dyn();
    for op in [
        ReduceOp::Sum,
        ReduceOp::Prod,
        ReduceOp::Min,
        ReduceOp::Max,
        ReduceOp::Mean,
    ] {
        let got = run1::<f64>(&reduce_program(DType::F64, &[], op, &[]), &[aref(x.view())]);
        assert_eq!(got[IxDyn(&[])], 2.5, "{op:?}");
    }
    // Reducing a reversed, transposed input through its view.
    let y = iota(&[6, 5]);
    let yt = y.t();
    let yr = yt.slice(ndarray::s![..;-1, ..]);
    let got = run1::<f64>(
        &reduce_program(DType::F64, &[5, 6], ReduceOp::Sum, &[1]),
        &[aref(yr.into_dyn())],
    );
    let want: Vec<f64> = (0..5)
        .rev()
        .map(|c| (0..6).map(|r| (r * 5 + c) as f64).sum())
        .collect();
    assert_eq!(got.into_raw_vec_and_offset().0, want);
}
