//! Copies through views and through inputs of every layout.

use ndarray::{arr0, s, Array2, ArrayD, Axis, IxDyn, ShapeBuilder};

use super::*;
use crate::dtype::{C128, C64};
use crate::interp::iter::{Access, Space};

#[test]
fn identity_copy_at_block_boundaries() {
    for n in SIZES {
        let x = iota(&[n]);
        let p = copy_program(DType::F64, &[n], View::identity(1), &[n]);
        assert_eq!(run1::<f64>(&p, &[aref(x.view())]), x, "n = {n}");
    }
}

#[test]
fn identity_copy_2d_and_3d() {
    for shape in [vec![3, 1025], vec![1025, 3], vec![7, 0, 5], vec![2, 3, 700]] {
        let x = iota(&shape);
        let p = copy_program(DType::F64, &shape, View::identity(shape.len()), &shape);
        assert_eq!(run1::<f64>(&p, &[aref(x.view())]), x, "{shape:?}");
    }
}

#[test]
fn zero_dimensional() {
    let x = arr0(4.5).into_dyn();
    let p = copy_program(DType::F64, &[], View::identity(0), &[]);
    let out = run1::<f64>(&p, &[aref(x.view())]);
    assert_eq!(out.shape(), &[] as &[usize]);
    assert_eq!(out[IxDyn(&[])], 4.5);
}

#[test]
fn stepped_slices() {
    for n in SIZES {
        let x = iota(&[n]);
        // x[1::3]
        let len = n.saturating_sub(1).div_ceil(3);
        let p = copy_program(DType::F64, &[n], view(&[(1, 3, Some(0))]), &[len]);
        let want = x.slice(s![1.min(n)..;3]).to_owned().into_dyn();
        assert_eq!(run1::<f64>(&p, &[aref(x.view())]), want, "n = {n}");
    }
}

#[test]
fn negative_steps() {
    for n in SIZES {
        let x = iota(&[n]);
        // x[::-1]
        let p = copy_program(
            DType::F64,
            &[n],
            view(&[(n.saturating_sub(1), -1, Some(0))]),
            &[n],
        );
        let want = x.slice(s![..;-1]).to_owned().into_dyn();
        assert_eq!(run1::<f64>(&p, &[aref(x.view())]), want, "n = {n}");
        // x[-2::-2]
        if n >= 2 {
            let len = (n - 2) / 2 + 1;
            let p = copy_program(DType::F64, &[n], view(&[(n - 2, -2, Some(0))]), &[len]);
            let want: Vec<f64> = (0..len).map(|i| (n - 2 - 2 * i) as f64).collect();
            assert_eq!(
                run1::<f64>(&p, &[aref(x.view())])
                    .into_raw_vec_and_offset()
                    .0,
                want
            );
        }
    }
}

#[test]
fn new_axes_and_integer_indexing() {
    let x = iota(&[4, 5]);
    // x[None, 2, :, None] over kernel (1, 5, 1)
    let p = copy_program(
        DType::F64,
        &[4, 5],
        view(&[(2, 0, None), (0, 1, Some(1))]),
        &[1, 5, 1],
    );
    let want = x
        .index_axis(Axis(0), 2)
        .to_owned()
        .into_shape_with_order(IxDyn(&[1, 5, 1]))
        .expect("shape");
    assert_eq!(run1::<f64>(&p, &[aref(x.view())]), want);
    // x[1:, 3] over kernel (3,)
    let p = copy_program(
        DType::F64,
        &[4, 5],
        view(&[(1, 1, Some(0)), (3, 0, None)]),
        &[3],
    );
    let want = x.slice(s![1.., 3]).to_owned().into_dyn();
    assert_eq!(run1::<f64>(&p, &[aref(x.view())]), want);
}

#[test]
fn broadcasting_length_one_and_missing_axes() {
    for m in [1, 3, 1025] {
        let n = 4;
        // A (1, m) row broadcast over (n, m): the length-1 axis maps with step 0.
        let row = iota(&[1, m]);
        let p = copy_program(
            DType::F64,
            &[1, m],
            view(&[(0, 0, Some(0)), (0, 1, Some(1))]),
            &[n, m],
        );
        let want = row.broadcast(IxDyn(&[n, m])).expect("bcast").to_owned();
        assert_eq!(run1::<f64>(&p, &[aref(row.view())]), want, "m = {m}");
        // A (m,) vector missing the leading axis.
        let v = iota(&[m]);
        let p = copy_program(DType::F64, &[m], view(&[(0, 1, Some(1))]), &[n, m]);
        let want = v.broadcast(IxDyn(&[n, m])).expect("bcast").to_owned();
        assert_eq!(run1::<f64>(&p, &[aref(v.view())]), want, "m = {m}");
        // A (m, 1) column broadcast along the inner axis.
        let col = iota(&[m, 1]);
        let p = copy_program(
            DType::F64,
            &[m, 1],
            view(&[(0, 1, Some(0)), (0, 0, None)]),
            &[m, n],
        );
        let want = col.broadcast(IxDyn(&[m, n])).expect("bcast").to_owned();
        assert_eq!(run1::<f64>(&p, &[aref(col.view())]), want, "m = {m}");
    }
}

#[test]
fn transposing_and_diagonal_views() {
    let x = iota(&[37, 41]);
    let p = copy_program(
        DType::F64,
        &[37, 41],
        view(&[(0, 1, Some(1)), (0, 1, Some(0))]),
        &[41, 37],
    );
    assert_eq!(
        run1::<f64>(&p, &[aref(x.view())]),
        x.t().to_owned().into_dyn()
    );
    // x[i, i] for a square input: two source axes on one kernel axis.
    let x = iota(&[30, 30]);
    let p = copy_program(
        DType::F64,
        &[30, 30],
        view(&[(0, 1, Some(0)), (0, 1, Some(0))]),
        &[30],
    );
    let want: Vec<f64> = (0..30).map(|i| (i * 31) as f64).collect();
    assert_eq!(
        run1::<f64>(&p, &[aref(x.view())])
            .into_raw_vec_and_offset()
            .0,
        want
    );
}

#[test]
fn inputs_of_any_layout() {
    let (r, c) = (33, 1030);
    let base = iota(&[r, c])
        .into_dimensionality::<ndarray::Ix2>()
        .expect("2d");
    let fortran = {
        let mut f = Array2::<f64>::zeros((r, c).f());
        f.assign(&base);
        f
    };
    let rev = iota(&[r, c]);
    let rev = rev.slice(s![..;-1, ..;-2]);
    let wide = iota(&[r, 2 * c + 1]);
    let strided = wide.slice(s![.., 1..;2]);
    let big = iota(&[c, r]);
    let transposed = big.t();
    let row = iota(&[c]);
    let broadcast = row.broadcast(IxDyn(&[r, c])).expect("bcast");
    let cases: Vec<(&str, ndarray::ArrayViewD<f64>)> = vec![
        ("fortran", fortran.view().into_dyn()),
        ("negative strides", rev.into_dyn()),
        ("non-contiguous", strided.into_dyn()),
        ("transposed", transposed.into_dyn()),
        ("zero stride", broadcast),
    ];
    for (name, v) in cases {
        let shape = v.shape().to_vec();
        let p = copy_program(DType::F64, &shape, View::identity(2), &shape);
        assert_eq!(run1::<f64>(&p, &[aref(v.clone())]), v.to_owned(), "{name}");
        // And reversed through the view on top of the input's own strides.
        let p = copy_program(
            DType::F64,
            &shape,
            view(&[(shape[0] - 1, -1, Some(0)), (shape[1] - 1, -1, Some(1))]),
            &shape,
        );
        let want = v.slice(s![..;-1, ..;-1]).to_owned().into_dyn();
        assert_eq!(run1::<f64>(&p, &[aref(v.clone())]), want, "{name} reversed");
    }
}

#[test]
fn copies_of_every_dtype() {
    fn check<T: ArrayElement + Copy>(values: Vec<T>) {
        let n = values.len();
        let x = ArrayD::from_shape_vec(IxDyn(&[n]), values).expect("shape");
        let p = copy_program(T::DTYPE, &[n], view(&[(n - 1, -1, Some(0))]), &[n]);
        let want = x.slice(s![..;-1]).to_owned().into_dyn();
        assert_eq!(run1::<T>(&p, &[aref(x.view())]), want);
    }
    check((0..1500).map(|i| i % 3 == 0).collect::<Vec<bool>>());
    check((0..1500).map(|i| i as i8).collect::<Vec<i8>>());
    check((0..1500).map(|i| i as i16 * 7).collect::<Vec<i16>>());
    check((0..1500).map(|i| -i).collect::<Vec<i32>>());
    check(
        (0..1500)
            .map(|i| i as i64 * 1_000_000_007)
            .collect::<Vec<i64>>(),
    );
    check((0..1500).map(|i| i as u8).collect::<Vec<u8>>());
    check((0..1500).map(|i| i as u16).collect::<Vec<u16>>());
    check((0..1500).map(|i| i as u32).collect::<Vec<u32>>());
    check((0..1500).map(|i| u64::MAX - i).collect::<Vec<u64>>());
    check((0..1500).map(|i| i as f32 / 3.0).collect::<Vec<f32>>());
    check(
        (0..1500)
            .map(|i| C64::new(i as f32, -1.0))
            .collect::<Vec<C64>>(),
    );
    check(
        (0..1500)
            .map(|i| C128::new(0.5, i as f64))
            .collect::<Vec<C128>>(),
    );
}

#[test]
fn coalescing_merges_contiguous_runs_only() {
    let acc = |base, strides: &[isize]| Access {
        base,
        strides: strides.to_vec(),
    };
    // C-contiguous (4, 5, 6) merges to one axis.
    let s = Space::new(&[4, 5, 6], vec![acc(0, &[30, 6, 1])]).expect("space");
    assert_eq!(s.shape(), &[120]);
    // A transposed operand keeps the axes apart.
    let s = Space::new(&[4, 5], vec![acc(0, &[5, 1]), acc(0, &[1, 4])]).expect("space");
    assert_eq!(s.shape(), &[4, 5]);
    // Length-1 axes vanish; 0-d becomes one point.
    let s = Space::new(&[1, 7, 1], vec![acc(3, &[99, 1, -5])]).expect("space");
    assert_eq!(s.shape(), &[7]);
    let s = Space::new(&[], vec![acc(3, &[])]).expect("space");
    assert_eq!((s.shape(), s.len()), (&[1usize][..], 1));
    // A broadcast (stride 0) outer axis merges only with another stride-0 axis.
    let s = Space::new(&[3, 4, 5], vec![acc(0, &[0, 0, 1])]).expect("space");
    assert_eq!(s.shape(), &[12, 5]);
}
