//! Snapshots of printed arrays; the expected texts were checked against NumPy 2's
//! `print(arr)` (which rounds floats to 8 digits where vex prints the shortest exact ones).

use insta::assert_snapshot;
use ndarray::{arr0, array, ArrayD, IxDyn};
use vex::{Array, C128, C64};

use super::display;

fn arange_f64(n: usize) -> ndarray::Array1<f64> {
    ndarray::Array1::from_iter((0..n).map(|i| i as f64))
}

#[test]
fn bool_array() {
    assert_snapshot!(display(&array![true, false, true].into()));
}

#[test]
fn signed_ints() {
    let s = [
        display(&array![-128i8, 0, 127].into()),
        display(&array![-1i16, 300].into()),
        display(&array![1i32, -20, 300].into()),
        display(&array![i64::MIN, 0, i64::MAX].into()),
    ];
    assert_snapshot!(s.join("\n"));
}

#[test]
fn unsigned_ints() {
    let s = [
        display(&array![0u8, 255].into()),
        display(&array![65535u16, 1].into()),
        display(&array![u32::MAX, 7].into()),
        display(&array![u64::MAX, 0].into()),
    ];
    assert_snapshot!(s.join("\n"));
}

#[test]
fn floats() {
    let s = [
        display(&array![1.5, 2.0, 3.0].into()),
        display(&array![0.1f32, 0.25, -3.0].into()),
        display(&array![0.1 + 0.2, 1.0].into()),
        display(&array![1e-5, 1.5, 250.0].into()),
        display(&array![1e300, -1e-300].into()),
        display(&array![-0.0, 0.0].into()),
        display(&array![1e7f32, 0.5].into()),
    ];
    assert_snapshot!(s.join("\n"));
}

#[test]
fn nan_and_inf() {
    let s = [
        display(&array![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5].into()),
        display(&array![f64::NAN, f64::NAN].into()),
        display(&array![f32::INFINITY, 1e-5].into()),
        display(&array![C128::new(f64::NAN, f64::INFINITY), C128::new(1.0, -1.0)].into()),
    ];
    assert_snapshot!(s.join("\n"));
}

#[test]
fn complex() {
    let s = [
        display(&array![C128::new(1.0, 2.0), C128::new(-3.5, -1.0)].into()),
        display(&array![C64::new(0.5, 0.0), C64::new(0.0, -0.25)].into()),
        display(&array![C128::new(1.0, 1e-5), C128::new(2.0, 0.0)].into()),
    ];
    assert_snapshot!(s.join("\n"));
}

#[test]
fn zero_dimensional_arrays_print_as_scalars() {
    let values: Vec<Array> = vec![
        arr0(true).into(),
        arr0(-7i8).into(),
        arr0(u64::MAX).into(),
        arr0(1.0f64).into(),
        arr0(0.1f32).into(),
        arr0(1e-5f64).into(),
        arr0(1e16f64).into(),
        arr0(f64::NAN).into(),
        arr0(f32::NEG_INFINITY).into(),
        arr0(C128::new(1.0, 2.0)).into(),
        arr0(C128::new(0.0, 2.0)).into(),
        arr0(C128::new(-0.0, -0.0)).into(),
        arr0(C64::new(1.5, f32::NAN)).into(),
        arr0(C128::new(1e20, 1e-7)).into(),
    ];
    let s: Vec<String> = values.iter().map(display).collect();
    assert_snapshot!(s.join("\n"));
}

#[test]
fn n_dimensional() {
    let s = [
        display(&array![[1.0, 2.5], [-3.0, 4.0]].into()),
        display(
            &ArrayD::from_shape_vec(IxDyn(&[2, 3, 4]), (0..24).collect::<Vec<i64>>())
                .unwrap()
                .into(),
        ),
        display(&array![[true], [false]].into()),
        display(
            &ArrayD::from_shape_vec(IxDyn(&[1, 1, 1, 2]), vec![1u8, 2])
                .unwrap()
                .into(),
        ),
    ];
    assert_snapshot!(s.join("\n"));
}

#[test]
fn empty_arrays() {
    let s = [
        display(&ndarray::Array1::<f64>::zeros(0).into()),
        display(&ArrayD::<i32>::zeros(IxDyn(&[2, 0])).into()),
        display(&ArrayD::<bool>::default(IxDyn(&[0, 3, 1])).into()),
    ];
    assert_snapshot!(s.join("\n"));
}

#[test]
fn long_rows_wrap_at_75_columns() {
    let ints = ndarray::Array1::from_iter(0..100i64);
    let s = [
        display(&ints.into()),
        display(&arange_f64(30).mapv(|x| x / 4.0).into()),
    ];
    assert_snapshot!(s.join("\n"));
}

#[test]
fn large_arrays_are_summarized() {
    let s = [
        display(&arange_f64(2000).into()),
        display(
            &arange_f64(2000)
                .into_shape_with_order((2, 1000))
                .unwrap()
                .into(),
        ),
        display(
            &ndarray::Array1::from_iter(0..8000i32)
                .into_shape_with_order((20, 20, 20))
                .unwrap()
                .into(),
        ),
        // Exactly 1000 elements: printed in full, so only the tail is snapshotted.
        display(&ndarray::Array1::from_iter(0..1000u16).into())
            .lines()
            .last()
            .unwrap_or_default()
            .to_string(),
    ];
    assert_snapshot!(s.join("\n"));
}
