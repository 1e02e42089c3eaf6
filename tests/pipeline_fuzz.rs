//! Random programs through the whole pipeline (parse, check, lower, optimise, interpret).
//!
//! Three properties: no program, however odd, panics — it evaluates or returns a typed
//! error; every backend agrees with the reference interpreter; and the result does not
//! depend on the memory layout of the inputs (C order,
//! Fortran order, reversed, strided views of the same values give identical results).

#[path = "common/programs.rs"]
mod programs;

use ndarray::{s, Array1, Array2, ArrayD, ShapeBuilder};
use programs::expr;
use proptest::prelude::*;
use vex::{Array, Vars};
use vex_expr::ir::{BinaryOp, Func};
use vex_expr::vmath;

/// The test operands: a, m, i, u, c, z.
type Data = (
    Array1<f64>,
    Array2<f64>,
    Array1<i16>,
    Array1<u8>,
    Array1<bool>,
    Array1<vex::C128>,
);

fn data() -> Data {
    let a = Array1::from(vec![0.5, -1.0, 0.0, 3.25, f64::NAN]);
    let m = Array2::from_shape_fn((2, 5), |(i, j)| i as f64 * 2.0 - j as f64 + 0.5);
    let i = Array1::from(vec![-32768i16, -1, 0, 7, 32767]);
    let u = Array1::from(vec![0u8, 1, 2, 128, 255]);
    let c = Array1::from(vec![true, false, true, true, false]);
    let z = Array1::from(vec![
        vex::C128::new(1.0, -1.0),
        vex::C128::new(0.0, 0.0),
        vex::C128::new(-2.5, 3.0),
        vex::C128::new(f64::INFINITY, 0.0),
        vex::C128::new(0.0, 1e-300),
    ]);
    (a, m, i, u, c, z)
}

/// Floats equal up to the last bits that a different summation order may change.
fn close(x: f64, y: f64) -> bool {
    (x.is_nan() && y.is_nan()) || x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
}

/// Results of two backends: integers and bools exactly, floats with [`close`].
fn agree(x: &[Array], y: &[Array]) -> bool {
    agree_with(x, y, &|u, v, _| close(u, v))
}

/// The functions (by name as programs write them) that the JIT may compute with its own
/// vector math (`vex_expr::vmath`) rather than the interpreter's libm: results then
/// differ by a few ULP.
const MATH_FUNCS: &[(&str, Func)] = &[
    ("sin", Func::Sin),
    ("cos", Func::Cos),
    ("exp", Func::Exp),
    ("log", Func::Log),
    ("arctan", Func::Arctan),
    ("tanh", Func::Tanh),
    ("expm1", Func::Expm1),
    ("log1p", Func::Log1p),
    ("cbrt", Func::Cbrt),
    ("arctan2", Func::Arctan2),
    ("hypot", Func::Hypot),
    ("logaddexp", Func::Logaddexp),
];

/// Operations whose result jumps by whole units when an operand moves by an ULP
/// (rounding, comparisons, signs, integer and float32 casts, remainders, bit operations).
const DISCONTINUOUS: &[&str] = &[
    "floor(",
    "round(",
    "sign(",
    "bool(",
    "int8(",
    "uint16(",
    "int64(",
    "float32(",
    "complex64(",
    "fmod(",
    "nextafter(",
    "where(",
    "any(",
    "all(",
    "isnan(",
    "//",
    "%",
    "<",
    ">",
    "==",
    "!=",
    "&",
    "|",
    "^",
    "~",
];

/// Whether `src` may use the JIT's inline vector math (see [`MATH_FUNCS`]).
fn uses_inline_math(src: &str) -> bool {
    MATH_FUNCS
        .iter()
        .any(|(name, f)| vmath::has(*f) && src.contains(&format!("{name}(")))
        || (vmath::has_binary(BinaryOp::Pow) && src.contains("**"))
}

/// A few ULP of the inline math, carried through continuous operations: relative to the
/// float's own precision, with a little absolute room for sums that cancel.
fn math_close(x: f64, y: f64, single: bool) -> bool {
    let rel = if single { 1e-5 } else { 1e-9 };
    (x.is_nan() && y.is_nan())
        || x == y
        || (x.is_finite() && y.is_finite() && (x - y).abs() <= rel * x.abs().max(y.abs()) + 1e-12)
}

/// Whether `src` may compute in single precision somewhere, whatever its outputs' dtypes:
/// math on the small integers `i` (int16), `u` (uint8) and bools `c` runs in float32, as do explicit
/// float32/complex64 casts; a float64 output then carries float32 rounding.
fn may_compute_in_single(src: &str) -> bool {
    src.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| matches!(word, "i" | "u" | "c" | "float32" | "complex64"))
}

/// Results of two backends: integers and bools exactly, floats (and complex components)
/// with `close(expected, got, is single precision)`.
fn agree_with(x: &[Array], y: &[Array], close: &dyn Fn(f64, f64, bool) -> bool) -> bool {
    fn floats(a: &Array) -> Option<Vec<f64>> {
        Some(match a {
            Array::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            Array::F64(v) => v.iter().copied().collect(),
            Array::C64(v) => v
                .iter()
                .flat_map(|z| [f64::from(z.re), f64::from(z.im)])
                .collect(),
            Array::C128(v) => v.iter().flat_map(|z| [z.re, z.im]).collect(),
            _ => return None,
        })
    }
    x.len() == y.len()
        && x.iter().zip(y).all(|(p, q)| {
            p.dtype() == q.dtype()
                && p.shape() == q.shape()
                && match (floats(p), floats(q)) {
                    (Some(a), Some(b)) => {
                        let single = matches!(p, Array::F32(_) | Array::C64(_));
                        a.iter().zip(&b).all(|(&u, &v)| close(u, v, single))
                    }
                    _ => p == q,
                }
        })
}

/// Results compared bit for bit, NaN payloads included (same code path, same bits).
fn same(x: &[Array], y: &[Array]) -> bool {
    x.len() == y.len()
        && x.iter().zip(y).all(|(p, q)| {
            p.dtype() == q.dtype() && p.shape() == q.shape() && format!("{p:?}") == format!("{q:?}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, .. ProptestConfig::default() })]

    #[test]
    fn random_programs_evaluate_or_fail_cleanly(src in expr()) {
        let (a, m, i, u, c, z) = data();
        let b = m.row(1).to_owned();
        let vars = Vars::new()
            .with("a", &a).with("b", &b).with("m", &m).with("i", &i)
            .with("u", &u).with("c", &c).with("z", &z).with("k", 2.5);
        let ctx = vex::Context::with_backend(vex::Backend::Interpreter);
        match ctx.evaluate_many(&src, &vars) {
            Ok(outs) => prop_assert!(!outs.is_empty()),
            Err(e) => {
                // Errors carry a position inside the program text.
                if let Some(span) = e.span {
                    prop_assert!(span.end <= src.len(), "{src}: span {span:?}");
                }
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn every_backend_agrees_with_the_interpreter(src in expr()) {
        let (a, m, i, u, c, z) = data();
        let b = m.row(1).to_owned();
        let vars = Vars::new()
            .with("a", &a).with("b", &b).with("m", &m).with("i", &i)
            .with("u", &u).with("c", &c).with("z", &z).with("k", 2.5);
        let oracle = vex::Context::with_backend(vex::Backend::Interpreter).evaluate_many(&src, &vars);
        for backend in [vex::Backend::Auto, vex::Backend::Jit] {
            let got = vex::Context::with_backend(backend).evaluate_many(&src, &vars);
            match (&oracle, got) {
                // Inline math differs from libm by ULPs: compared loosely, and not at all
                // where a discontinuous operation may turn ULPs into whole units (only
                // the outputs' number, dtypes and shapes then).
                (Ok(want), Ok(got)) if uses_inline_math(&src) => {
                    if DISCONTINUOUS.iter().any(|d| src.contains(d)) {
                        prop_assert!(
                            want.len() == got.len()
                                && want.iter().zip(&got).all(|(p, q)| p.dtype() == q.dtype() && p.shape() == q.shape()),
                            "{backend:?}: {src}\n{want:?}\n{got:?}"
                        );
                    } else {
                        let single = may_compute_in_single(&src);
                        let close = |x, y, out_single| math_close(x, y, out_single || single);
                        prop_assert!(agree_with(want, &got, &close), "{backend:?}: {src}\n{want:?}\n{got:?}");
                    }
                }
                (Ok(want), Ok(got)) => prop_assert!(agree(want, &got), "{backend:?}: {src}\n{want:?}\n{got:?}"),
                (Err(want), Err(got)) => prop_assert_eq!(want.kind, got.kind, "{:?}: {}", backend, src),
                // The JIT compiles every program the interpreter runs.
                (Ok(_), Err(got)) => prop_assert!(false, "{backend:?}: {src}: {got}"),
                (Err(want), Ok(_)) => prop_assert!(false, "{backend:?}: {src}: interpreter failed with {want} but the backend did not"),
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_input_layout(src in expr()) {
        let (a, m, i, u, c, z) = data();
        let b = m.row(1).to_owned();
        let ctx = vex::Context::with_backend(vex::Backend::Interpreter);
        let plain = Vars::new()
            .with("a", &a).with("b", &b).with("m", &m).with("i", &i)
            .with("u", &u).with("c", &c).with("z", &z).with("k", 2.5);
        let Ok(want) = ctx.evaluate_many(&src, &plain) else { return Ok(()) };

        // The same values in other layouts: Fortran order, reversed storage, every other
        // element of a larger array.
        let mut mf = Array2::<f64>::zeros((2, 5).f());
        mf.assign(&m);
        let a_rev_store: Array1<f64> = a.slice(s![..;-1]).to_owned();
        let a_rev = a_rev_store.slice(s![..;-1]);
        let wide: Array1<i16> = i.iter().flat_map(|&v| [v, 0]).collect();
        let i_strided = wide.slice(s![..;2]);
        let b_col_store = Array2::from_shape_fn((5, 3), |(r, _)| b[r]);
        let b_col = b_col_store.column(1);
        let zd: ArrayD<vex::C128> = z.clone().into_dyn();
        let other = Vars::new()
            .with("a", a_rev).with("b", b_col).with("m", &mf).with("i", i_strided)
            .with("u", &u).with("c", &c).with("z", &zd).with("k", 2.5);
        let got = ctx.evaluate_many(&src, &other).expect("same signature, same values");
        prop_assert!(same(&want, &got), "{src}");
    }
}
