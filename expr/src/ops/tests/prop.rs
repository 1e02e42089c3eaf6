//! Property tests: the block operations agree with plain Rust arithmetic where the
//! semantics coincide, and floor division/modulo satisfy Python's identities.

use proptest::prelude::*;

use super::*;

/// Finite and special f64 values, weighted toward ordinary magnitudes.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -1e6f64..1e6,
        2 => any::<f64>(),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(f64::NAN),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn f64_binary_ops_agree_with_rust(pairs in proptest::collection::vec((any_f64(), any_f64()), 1..40)) {
        use BinaryOp::*;
        let (a, b): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        let n = a.len();
        let check = |op: BinaryOp, f: &dyn Fn(f64, f64) -> f64| {
            let got = bin::<f64, f64>(op, &a, &b);
            (0..n).all(|i| same(got[i], f(a[i], b[i])))
        };
        prop_assert!(check(Add, &|x, y| x + y));
        prop_assert!(check(Sub, &|x, y| x - y));
        prop_assert!(check(Mul, &|x, y| x * y));
        prop_assert!(check(Div, &|x, y| x / y));
        prop_assert!(check(Pow, &|x, y| x.powf(y)));
        let fmod = f2::<f64, f64>(Func::Fmod, &a, &b);
        let hypot = f2::<f64, f64>(Func::Hypot, &a, &b);
        let cmp = |op: BinaryOp, f: &dyn Fn(f64, f64) -> bool| {
            let got = bin::<f64, bool>(op, &a, &b);
            (0..n).all(|i| got[i] == f(a[i], b[i]))
        };
        for i in 0..n {
            prop_assert!(same(fmod[i], a[i] % b[i]));
            prop_assert!(same(hypot[i], a[i].hypot(b[i])));
        }
        prop_assert!(cmp(Lt, &|x, y| x < y) && cmp(Le, &|x, y| x <= y));
        prop_assert!(cmp(Eq, &|x, y| x == y) && cmp(Ne, &|x, y| x != y));
        prop_assert!(cmp(Gt, &|x, y| x > y) && cmp(Ge, &|x, y| x >= y));
    }

    #[test]
    fn f64_floor_division_and_modulo_follow_python(a in -1e12f64..1e12, b in -1e6f64..1e6) {
        prop_assume!(b != 0.0);
        let q = bin::<f64, f64>(BinaryOp::FloorDiv, &[a], &[b])[0];
        let m = bin::<f64, f64>(BinaryOp::Mod, &[a], &[b])[0];
        // The quotient is the floor of the exact quotient (up to rounding of a / b) and
        // the remainder has the divisor's sign and magnitude below it.
        prop_assert_eq!(q, q.floor());
        prop_assert!((q - (a / b).floor()).abs() <= 1.0);
        prop_assert!(m == 0.0 || (m < 0.0) == (b < 0.0));
        prop_assert!(m.abs() <= b.abs());
        prop_assert!((q * b + m - a).abs() <= 1e-9 * a.abs().max(1.0) * 4.0);
    }

    #[test]
    fn i32_floor_division_and_modulo_follow_python(a in any::<i32>(), b in any::<i32>()) {
        let q = bin::<i32, i32>(BinaryOp::FloorDiv, &[a], &[b])[0];
        let m = bin::<i32, i32>(BinaryOp::Mod, &[a], &[b])[0];
        if b == 0 {
            prop_assert_eq!((q, m), (0, 0));
        } else {
            prop_assert_eq!(q.wrapping_mul(b).wrapping_add(m), a);
            prop_assert!(m == 0 || (m < 0) == (b < 0));
            prop_assert_eq!(i64::from(q), (f64::from(a) / f64::from(b)).floor() as i64 as i32 as i64);
        }
    }

    #[test]
    fn complex_arithmetic_is_consistent(
        re in proptest::collection::vec((-1e3f64..1e3, -1e3f64..1e3), 4),
    ) {
        let a = [C128::new(re[0].0, re[0].1), C128::new(re[1].0, re[1].1)];
        let b = [C128::new(re[2].0, re[2].1), C128::new(re[3].0, re[3].1)];
        let p = bin::<C128, C128>(BinaryOp::Mul, &a, &b);
        let q = bin::<C128, C128>(BinaryOp::Div, &a, &b);
        for i in 0..2 {
            let naive = a[i] * b[i];
            prop_assert!((p[i] - naive).norm() <= 1e-12 * (a[i].norm() * b[i].norm()).max(1e-300));
            if b[i].norm() > 1e-6 {
                let back = q[i] * b[i];
                prop_assert!((back - a[i]).norm() <= 1e-12 * a[i].norm().max(1.0));
            }
        }
    }
}
