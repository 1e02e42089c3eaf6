//! Casts (`astype`) and literal splats.

use super::cast_data::{sources, CASTS, V};
use super::*;

/// The values of any block in the dtype-independent form of the table.
fn canon(b: &Block) -> Vec<V> {
    match b {
        Block::Bool(v) => v.iter().map(|&x| V::B(x)).collect(),
        Block::I8(v) => v.iter().map(|&x| V::I(x.into())).collect(),
        Block::I16(v) => v.iter().map(|&x| V::I(x.into())).collect(),
        Block::I32(v) => v.iter().map(|&x| V::I(x.into())).collect(),
        Block::I64(v) => v.iter().map(|&x| V::I(x.into())).collect(),
        Block::U8(v) => v.iter().map(|&x| V::I(x.into())).collect(),
        Block::U16(v) => v.iter().map(|&x| V::I(x.into())).collect(),
        Block::U32(v) => v.iter().map(|&x| V::I(x.into())).collect(),
        Block::U64(v) => v.iter().map(|&x| V::I(x.into())).collect(),
        Block::F32(v) => v.iter().map(|&x| V::F(x.into())).collect(),
        Block::F64(v) => v.iter().map(|&x| V::F(x)).collect(),
        Block::C64(v) => v.iter().map(|x| V::C(x.re.into(), x.im.into())).collect(),
        Block::C128(v) => v.iter().map(|x| V::C(x.re, x.im)).collect(),
    }
}

/// Equal, with floats compared bitwise (signed zeros) and NaN equal to NaN.
fn same_v(a: V, b: V) -> bool {
    match (a, b) {
        (V::F(x), V::F(y)) => same(x, y),
        (V::C(a, b), V::C(c, d)) => same(a, c) && same(b, d),
        _ => a == b,
    }
}

#[test]
fn casts_between_all_dtype_pairs_match_numpy() {
    assert_eq!(CASTS.len(), 13 * 13);
    for (from, to, want) in CASTS {
        let got = canon(&cast(&sources(*from), *to));
        assert_eq!(got.len(), want.len(), "{from} -> {to}");
        for (g, w) in got.iter().zip(want.iter()) {
            assert!(
                same_v(*g, *w),
                "{from} -> {to}: got {g:?}, NumPy {w:?}\n{got:?}"
            );
        }
    }
}

#[test]
fn float_to_int_wraps_through_64_bits() {
    // NumPy on x86-64: these go through int64/uint64 and wrap.
    let x = [
        -1.0,
        300.0,
        2f64.powi(63),
        -1e10,
        3e9,
        -2.9,
        18_446_744_073_709_549_568.0,
    ];
    assert_eq!(
        vals::<u64>(&cast(&blk(&x), DType::U64)),
        [
            u64::MAX,
            300,
            1 << 63,
            18_446_744_063_709_551_616,
            3_000_000_000,
            u64::MAX - 1,
            18_446_744_073_709_549_568
        ]
    );
    assert_eq!(
        vals::<i64>(&cast(&blk(&x), DType::I64)),
        [-1, 300, i64::MIN, -10_000_000_000, 3_000_000_000, -2, -2048]
    );
    assert_eq!(
        vals::<u8>(&cast(&blk(&[-1.0f32, 300.0]), DType::U8)),
        [255, 44]
    );
    assert_eq!(
        vals::<i8>(&cast(&blk(&[-1.0f32, 300.0]), DType::I8)),
        [-1, 44]
    );
}

#[test]
fn float_to_int_saturates_where_numpy_is_undefined() {
    // A documented deviation: NaN → 0, infinities and values beyond 64 bits clamp.
    let x = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e30, -1e30];
    assert_eq!(
        vals::<i64>(&cast(&blk(&x), DType::I64)),
        [0, i64::MAX, i64::MIN, i64::MAX, i64::MIN]
    );
    assert_eq!(vals::<u8>(&cast(&blk(&x), DType::U8)), [0, 255, 0, 255, 0]);
    assert_eq!(
        vals::<i16>(&cast(&blk(&x), DType::I16)),
        [0, i16::MAX, i16::MIN, i16::MAX, i16::MIN]
    );
    let z = [C128::new(f64::NAN, 1.0), C128::new(-f64::INFINITY, 0.0)];
    assert_eq!(vals::<u32>(&cast(&blk(&z), DType::U32)), [0, 0]);
}

#[test]
fn int_to_float_rounds_to_nearest() {
    // NumPy: uint64 max → float32 1.8446744e19 (correctly rounded, not via float64).
    assert_eq!(
        vals::<f32>(&cast(&blk(&[u64::MAX]), DType::F32)),
        [1.844_674_4e19]
    );
    assert_eq!(
        vals::<f32>(&cast(
            &blk(&[16_777_217i64, i64::MAX, -16_777_219]),
            DType::F32
        )),
        [16_777_216.0, 9.223_372e18, -16_777_220.0]
    );
    // 2**53 + 1 rounds to even.
    assert_eq!(
        vals::<f64>(&cast(&blk(&[(1u64 << 53) + 1]), DType::F64)),
        [9_007_199_254_740_992.0]
    );
    let big = (1u64 << 63) + (1 << 40) + 1;
    let want = big as f32;
    assert_eq!(
        vals::<C64>(&cast(&blk(&[big]), DType::C64)),
        [C64::new(want, 0.0)]
    );
}

#[test]
fn float_narrowing_overflows_to_infinity() {
    let x = [1e39, -1e39, 0.1, 3.402_823_567_797_336_6e38, 1e-50, -1e-50];
    let got = vals::<f32>(&cast(&blk(&x), DType::F32));
    assert_eq!(
        got[..4],
        [f32::INFINITY, f32::NEG_INFINITY, 0.1, f32::INFINITY]
    );
    assert!(same(got[4].into(), 0.0) && same(got[5].into(), -0.0));
    let z = [C128::new(1e39, 0.1)];
    assert_eq!(
        vals::<C64>(&cast(&blk(&z), DType::C64)),
        [C64::new(f32::INFINITY, 0.1)]
    );
}

#[test]
fn anything_to_bool_is_nonzero() {
    let x = [f64::NAN, -0.0, 0.0, 1e-320, f64::NEG_INFINITY];
    assert_eq!(
        vals::<bool>(&cast(&blk(&x), DType::Bool)),
        [true, false, false, true, true]
    );
    let z = [
        C64::new(0.0, -0.0),
        C64::new(0.0, 1.0),
        C64::new(f32::NAN, 0.0),
    ];
    assert_eq!(
        vals::<bool>(&cast(&blk(&z), DType::Bool)),
        [false, true, true]
    );
    assert_eq!(
        vals::<bool>(&cast(&blk(&[0u64, 1 << 40]), DType::Bool)),
        [false, true]
    );
}

#[test]
fn splat_converts_literals() {
    let s = |lit, dt| splat(lit, dt, 2);
    assert_eq!(vals::<i8>(&s(Literal::Int(300), DType::I8)), [44, 44]);
    assert_eq!(vals::<u64>(&s(Literal::Int(-1), DType::U64)), [u64::MAX; 2]);
    assert_eq!(
        vals::<u64>(&s(Literal::Int(u64::MAX.into()), DType::U64)),
        [u64::MAX; 2]
    );
    assert_eq!(
        vals::<f32>(&s(Literal::Int(16_777_217), DType::F32)),
        [16_777_216.0; 2]
    );
    assert_eq!(
        vals::<f32>(&s(Literal::Int(i128::MAX), DType::F32)),
        [1.701_411_8e38; 2]
    );
    assert_eq!(
        vals::<C128>(&s(Literal::Int(-3), DType::C128)),
        [C128::new(-3.0, 0.0); 2]
    );
    assert_eq!(vals::<bool>(&s(Literal::Int(2), DType::Bool)), [true; 2]);
    assert_eq!(vals::<i32>(&s(Literal::Float(-2.9), DType::I32)), [-2; 2]);
    assert_eq!(vals::<u8>(&s(Literal::Float(-1.0), DType::U8)), [255; 2]);
    assert_eq!(vals::<f32>(&s(Literal::Float(0.1), DType::F32)), [0.1; 2]);
    assert_eq!(
        vals::<bool>(&s(Literal::Float(f64::NAN), DType::Bool)),
        [true; 2]
    );
    assert_eq!(
        vals::<C64>(&s(Literal::Float(1.5), DType::C64)),
        [C64::new(1.5, 0.0); 2]
    );
    assert_eq!(
        vals::<f64>(&s(Literal::Complex(2.5, -1.0), DType::F64)),
        [2.5; 2]
    );
    assert_eq!(
        vals::<i16>(&s(Literal::Complex(-7.5, 3.0), DType::I16)),
        [-7; 2]
    );
    assert_eq!(
        vals::<bool>(&s(Literal::Complex(0.0, 3.0), DType::Bool)),
        [true; 2]
    );
    assert_eq!(
        vals::<C64>(&s(Literal::Complex(0.1, -0.0), DType::C64)),
        [C64::new(0.1, -0.0); 2]
    );
    assert_eq!(vals::<u16>(&s(Literal::Bool(true), DType::U16)), [1; 2]);
    assert_eq!(vals::<f64>(&s(Literal::Bool(false), DType::F64)), [0.0; 2]);
    assert_eq!(
        vals::<C128>(&s(Literal::Bool(true), DType::C128)),
        [C128::new(1.0, 0.0); 2]
    );
    for dt in DType::ALL {
        assert_eq!(splat(Literal::Int(1), dt, 5), cast(&blk(&[1i64; 5]), dt));
    }
}
