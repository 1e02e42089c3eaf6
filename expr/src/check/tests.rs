//! Checker tests: result types, and diagnostics exactly as a user sees them.

use ndarray::{ArrayD, IxDyn};

use super::{check, OperandSig};
use crate::dtype::DType;
use crate::error::{Error, ErrorKind};
use crate::parse;
use crate::value::{ArrayRef, Operand, Scalar};

fn sig(vars: &[(&str, DType, usize)]) -> Vec<(String, OperandSig)> {
    vars.iter()
        .map(|&(n, dtype, ndim)| {
            (
                n.to_string(),
                OperandSig {
                    dtype,
                    ndim,
                    weak: false,
                },
            )
        })
        .collect()
}

fn types(src: &str, vars: &[(&str, DType, usize)]) -> Vec<(DType, usize)> {
    let checked = check(&parse(src).unwrap(), &sig(vars)).unwrap();
    checked
        .outputs
        .iter()
        .map(|o| (o.ty.dtype, o.ndim))
        .collect()
}

fn check_err(src: &str, vars: &[(&str, DType, usize)]) -> Error {
    let ast = parse(src).unwrap();
    check(&ast, &sig(vars)).unwrap_err()
}

#[test]
fn result_types_follow_numpy() {
    use DType::*;
    let v = [
        ("a", F32, 1),
        ("b", F64, 2),
        ("i", I8, 1),
        ("u", U8, 1),
        ("c", C64, 1),
        ("m", Bool, 1),
    ];
    let cases: &[(&str, DType, usize)] = &[
        ("a * 2.5", F32, 1),
        ("a * b", F64, 2),
        ("i * 2", I8, 1),
        ("i * 2.5", F64, 1),
        ("i / i", F64, 1),
        ("i // i", I8, 1),
        ("i + u", I16, 1),
        ("sin(i)", F32, 1),
        ("sin(u * 1000)", F32, 1),
        ("a + 1j", C64, 1),
        ("abs(c)", F32, 1),
        ("c.real", F32, 1),
        ("sum(i)", I64, 0),
        ("sum(u, axis=0)", U64, 0),
        ("mean(i)", F64, 0),
        ("max(b, axis=1)", F64, 1),
        ("any(b > 0, axis=(0, 1))", Bool, 0),
        ("m + m", Bool, 1),
        ("m // m", I8, 1),
        ("where(m, a, 0)", F32, 1),
        ("where(m, 1, 0)", I64, 1),
        ("2 * 3", I64, 0),
        ("7 / 2", F64, 0),
        ("a[:, None] + a[None, :]", F32, 2),
        ("b[0]", F64, 1),
        ("b[..., None]", F64, 3),
        ("arange(4)", I64, 1),
        ("arange(0, 1, 0.5)", F64, 1),
        ("zeros((2, 3))", F64, 2),
        ("float32(i)", F32, 1),
        ("complex(a, a)", C64, 1),
        ("clip(i, 0, 5)", I8, 1),
        ("floor(i)", I8, 1),
        ("round(m)", F32, 1),
        ("isnan(i)", Bool, 1),
        ("x = a; x", F32, 1),
        ("sum(b, axis=1, keepdims=True)", F64, 2),
    ];
    for &(src, dtype, ndim) in cases {
        assert_eq!(types(src, &v), vec![(dtype, ndim)], "{src}");
    }
    assert_eq!(types("a, b", &v), vec![(F32, 1), (F64, 2)]);
}

#[test]
fn error_kinds() {
    use DType::*;
    let v = [("a", F64, 1), ("i", I32, 1), ("m", Bool, 1), ("c", C128, 1)];
    let cases: &[(&str, ErrorKind)] = &[
        ("sinn(a)", ErrorKind::UnknownFunction),
        ("b + 1", ErrorKind::UnknownName),
        ("sin(a, a)", ErrorKind::Arguments),
        ("a & a", ErrorKind::Type),
        ("~a", ErrorKind::Type),
        ("m - m", ErrorKind::Type),
        ("-m", ErrorKind::Type),
        ("i ** -1", ErrorKind::NegativePower),
        ("2 ** -1", ErrorKind::NegativePower),
        ("sum(a, axis=1)", ErrorKind::Axis),
        ("sum(a, axis=(0, 0))", ErrorKind::Axis),
        ("c // c", ErrorKind::Type),
        ("cbrt(c)", ErrorKind::Type),
        ("a.foo", ErrorKind::UnknownName),
        ("a[0.5]", ErrorKind::Type),
        ("a[0, 0]", ErrorKind::Shape),
        ("a << 1", ErrorKind::Type),
        ("sum(a, kind=1)", ErrorKind::Arguments),
        ("a(1)", ErrorKind::UnknownFunction),
        ("a + None", ErrorKind::Syntax),
        ("a[None + 1]", ErrorKind::Syntax),
    ];
    for &(src, kind) in cases {
        assert_eq!(check_err(src, &v).kind, kind, "{src}");
    }
}

/// Every stage's error for `src`, rendered as the terminal shows it (without colour).
fn rendered(src: &str, vars: &[(&str, Operand)]) -> String {
    let run = || -> crate::Result<()> {
        let ast = parse(src)?;
        let sigs: Vec<(String, OperandSig)> = vars
            .iter()
            .map(|(n, v)| (n.to_string(), crate::operand_sig(v)))
            .collect();
        let checked = check(&ast, &sigs)?.with_source(src);
        let ops: Vec<(&str, &Operand)> = vars.iter().map(|(n, v)| (*n, v)).collect();
        crate::lower(&checked, &ops)?;
        Ok(())
    };
    match run() {
        Ok(()) => panic!("{src} should fail"),
        Err(e) => {
            let e = e.locate(src);
            format!("{e}\n{}", e.render(src, false))
        }
    }
}

#[test]
fn diagnostics_as_users_see_them() {
    let a = ArrayD::<f64>::zeros(IxDyn(&[3]));
    let b = ArrayD::<f64>::zeros(IxDyn(&[4]));
    let m = ArrayD::<f64>::zeros(IxDyn(&[2, 3]));
    let i8s = ArrayD::<i8>::zeros(IxDyn(&[3]));
    let vars = [
        ("a", Operand::Array(ArrayRef::from(&a))),
        ("b", Operand::Array(ArrayRef::from(&b))),
        ("m", Operand::Array(ArrayRef::from(&m))),
        ("small", Operand::Array(ArrayRef::from(&i8s))),
        ("k", Operand::Scalar(Scalar::Float(2.0))),
    ];
    let cases = [
        "1 + sinn(a)",
        "a + bb",
        "exp(a, 2)",
        "a & (a > 0)",
        "(a > 0) - (a > 1)",
        "small ** -2",
        "sum(m, axis=2)",
        "a + b",
        "m / sqrt(sum(m**2, axis=0))[:, None]",
        "small + 300",
        "min(a[5:])",
        "a[3]",
        "zeros((1000000, 1000000, 1000000))",
        "a.imag2",
        "m[0, 0, 0]",
        "a[::0]",
        "arange(0, 10, 0)",
        "sin",
        "atan2(a, a)",
        "t = a; t, t + 1; t",
    ];
    let mut out = String::new();
    for src in cases {
        out.push_str(&format!(">>> {src}\n{}\n", rendered(src, &vars)));
    }
    insta::assert_snapshot!(out);
}
