//! Random program texts for the fuzz tests (`pipeline_fuzz.rs`, `memcheck.rs`): nested
//! operators, functions, reductions, slices, broadcasts and assignments over the names
//! `a`, `b`, `m`, `i`, `u`, `c`, `z` (arrays: float64 1-D, float64 1-D, float64 2-D, int16,
//! uint8, bool, complex128) and `k` (a float scalar), and a few literals and
//! constructors of length 5 ([`LEAVES`]), seeded random arrays among them (`rand` is
//! bit-identical on every backend; `randn` is left out, its log/cos being inline math).

use proptest::prelude::*;

pub const UNARY_FUNCS: &[&str] = &[
    "sin",
    "cos",
    "exp",
    "log",
    "sqrt",
    "abs",
    "sign",
    "floor",
    "round",
    "isnan",
    "arctan",
    "tanh",
    "expm1",
    "log1p",
    "conj",
    "real",
    "imag",
    "square",
    "cbrt",
    "reciprocal",
    "copy",
    "ones_like",
    "bool",
    "int8",
    "uint16",
    "int64",
    "float32",
    "complex64",
    "deg2rad",
];
pub const BINARY_FUNCS: &[&str] = &[
    "arctan2",
    "hypot",
    "maximum",
    "minimum",
    "fmod",
    "copysign",
    "logaddexp",
    "nextafter",
    "complex",
];
pub const REDUCTIONS: &[&str] = &["sum", "prod", "min", "max", "mean", "any", "all"];
pub const OPS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "**", "<", "<=", "==", "!=", ">", ">=", "&", "|", "^", "<<",
    ">>",
];
pub const LEAVES: &[&str] = &[
    "a",
    "b",
    "m",
    "i",
    "u",
    "c",
    "z",
    "k",
    "2",
    "-3",
    "0.5",
    "1e300",
    "nan",
    "inf",
    "True",
    "2j",
    "pi",
    "0",
    "arange(5)",
    "linspace(0, 1, 5)",
    "zeros((2, 5))",
    "rand(5, seed=3)",
    "rand((2, 5), seed=2**40)",
];

/// A random program of up to 5 levels of nesting.
pub fn expr() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(LEAVES).prop_map(str::to_string);
    leaf.prop_recursive(5, 40, 3, |inner| {
        prop_oneof![
            (inner.clone(), prop::sample::select(OPS), inner.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (prop::sample::select(UNARY_FUNCS), inner.clone())
                .prop_map(|(f, a)| format!("{f}({a})")),
            (
                prop::sample::select(BINARY_FUNCS),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
            (prop::sample::select(REDUCTIONS), inner.clone(), -3i32..3)
                .prop_map(|(f, a, ax)| format!("{f}({a}, axis={ax})")),
            (prop::sample::select(REDUCTIONS), inner.clone())
                .prop_map(|(f, a)| format!("{f}({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("where({c}, {a}, {b})")),
            (
                inner.clone(),
                -6i32..6,
                -6i32..6,
                prop::sample::select(&[1i32, 2, -1, -2][..])
            )
                .prop_map(|(a, x, y, st)| format!("({a})[{x}:{y}:{st}]")),
            inner.clone().prop_map(|a| format!("({a})[:, None]")),
            inner.clone().prop_map(|a| format!("({a})[..., 0]")),
            inner.clone().prop_map(|a| format!("-({a})")),
            inner.clone().prop_map(|a| format!("~({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("t = {a}; t * ({b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a}, {b}")),
        ]
    })
}
