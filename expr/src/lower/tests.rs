//! Lowering tests: the kernels a program becomes, and end-to-end results through the
//! reference interpreter.

use ndarray::{array, ArrayD, IxDyn};

use crate::dtype::DType;
use crate::error::{ErrorKind, Result};
use crate::interp;
use crate::ir::{Program, Source};
use crate::value::{Array, Operand, Scalar};

fn compile(src: &str, vars: &[(&str, Operand)]) -> Result<Program> {
    crate::compile(src, vars)
}

fn eval(src: &str, vars: &[(&str, Operand)]) -> Result<Vec<Array>> {
    let p = compile(src, vars)?;
    let inputs: Vec<_> = p
        .inputs
        .iter()
        .map(
            |d| match &vars.iter().find(|(n, _)| *n == d.name).unwrap().1 {
                Operand::Array(a) => a.clone(),
                Operand::Scalar(_) => unreachable!(),
            },
        )
        .collect();
    interp::run(&p, &inputs)
}

fn f64s(a: &Array) -> Vec<f64> {
    a.as_f64().expect("float64").iter().copied().collect()
}

#[test]
fn fuses_elementwise_into_one_kernel() {
    let a = array![1.0, 2.0, 3.0];
    let b = array![4.0, 5.0, 6.0];
    let vars = [("a", Operand::from(&a)), ("b", Operand::from(&b))];
    let p = compile("sqrt(a*a + b*b)", &vars).unwrap();
    assert_eq!(p.kernels.len(), 1);
    let out = eval("sqrt(a*a + b*b)", &vars).unwrap();
    assert_eq!(
        f64s(&out[0]),
        vec![17f64.sqrt(), 29f64.sqrt(), 45f64.sqrt()]
    );
}

#[test]
fn reduction_feeding_elementwise_work_starts_a_new_kernel() {
    let a = array![1.0, 2.0, 3.0, 6.0];
    let vars = [("a", Operand::from(&a))];
    let p = compile("a - mean(a)", &vars).unwrap();
    assert_eq!(p.kernels.len(), 2);
    let out = eval("a - mean(a)", &vars).unwrap();
    assert_eq!(f64s(&out[0]), vec![-2.0, -1.0, 0.0, 3.0]);
    // A final reduction fuses with the product it reduces.
    let p = compile("sum(a*a)", &vars).unwrap();
    assert_eq!(p.kernels.len(), 1);
}

#[test]
fn normalises_rows_with_a_reduction_in_the_middle() {
    let x = array![[3.0, 4.0], [0.0, 2.0]];
    let vars = [("x", Operand::from(&x))];
    let out = eval("x / sqrt(sum(x**2, axis=1))[:, None]", &vars).unwrap();
    assert_eq!(f64s(&out[0]), vec![0.6, 0.8, 0.0, 1.0]);
    let out = eval("x / sum(x, axis=1, keepdims=True)", &vars).unwrap();
    assert_eq!(out[0].shape(), &[2, 2]);
    assert_eq!(f64s(&out[0]), vec![3.0 / 7.0, 4.0 / 7.0, 0.0, 1.0]);
}

#[test]
fn several_outputs_share_one_pass() {
    let x = array![3.0, 0.0];
    let y = array![4.0, 2.0];
    let vars = [("x", Operand::from(&x)), ("y", Operand::from(&y))];
    let p = compile("l = sqrt(x*x + y*y); x/l, y/l", &vars).unwrap();
    assert_eq!(p.kernels.len(), 1);
    assert_eq!(p.outputs.len(), 2);
    let out = eval("l = sqrt(x*x + y*y); x/l, y/l", &vars).unwrap();
    assert_eq!(f64s(&out[0]), vec![0.6, 0.0]);
    assert_eq!(f64s(&out[1]), vec![0.8, 1.0]);
}

#[test]
fn slices_are_views_of_the_inputs() {
    let a = array![0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    let vars = [("a", Operand::from(&a))];
    for (src, want) in [
        ("a[1:]", vec![1.0, 2.0, 3.0, 4.0, 5.0]),
        ("a[:-2]", vec![0.0, 1.0, 2.0, 3.0]),
        ("a[::2]", vec![0.0, 2.0, 4.0]),
        ("a[::-1]", vec![5.0, 4.0, 3.0, 2.0, 1.0, 0.0]),
        ("a[-2::-2]", vec![4.0, 2.0, 0.0]),
        ("(a + 1)[::3]", vec![1.0, 4.0]),
        ("a[1:] - a[:-1]", vec![1.0; 5]),
        ("a[4]", vec![4.0]),
        ("a[10:]", vec![]),
    ] {
        let p = compile(src, &vars).unwrap();
        assert!(p.kernels.iter().all(|k| k.nodes.iter().all(|n| !matches!(
            &n.op,
            crate::ir::Op::Load {
                source: Source::Buffer(_),
                ..
            }
        ))));
        let out = eval(src, &vars).unwrap();
        assert_eq!(f64s(&out[0]), want, "{src}");
    }
    let m = ArrayD::from_shape_vec(IxDyn(&[3, 3]), (0..9).map(f64::from).collect()).unwrap();
    let vars = [("m", Operand::from(&m))];
    let out = eval("m[1:-1, 1:-1]", &vars).unwrap();
    assert_eq!(out[0].shape(), &[1, 1]);
    assert_eq!(f64s(&out[0]), vec![4.0]);
    let out = eval("m[:, None, 0]", &vars).unwrap();
    assert_eq!(out[0].shape(), &[3, 1]);
    assert_eq!(f64s(&out[0]), vec![0.0, 3.0, 6.0]);
    let out = eval("m.T[0]", &vars).unwrap();
    assert_eq!(f64s(&out[0]), vec![0.0, 3.0, 6.0]);
    let out = eval("m[..., 2]", &vars).unwrap();
    assert_eq!(f64s(&out[0]), vec![2.0, 5.0, 8.0]);
}

#[test]
fn index_sources_are_computed_not_loaded() {
    let out = eval("arange(5) * 2", &[]).unwrap();
    assert_eq!(
        out[0].as_i64().unwrap().iter().copied().collect::<Vec<_>>(),
        vec![0, 2, 4, 6, 8]
    );
    let out = eval("linspace(0, 1, 5)[::-1]", &[]).unwrap();
    assert_eq!(f64s(&out[0]), vec![1.0, 0.75, 0.5, 0.25, 0.0]);
    let out = eval("arange(1, 2, 0.25)", &[]).unwrap();
    assert_eq!(f64s(&out[0]), vec![1.0, 1.25, 1.5, 1.75]);
    let out = eval("zeros((2, 3)) + ones(3)", &[]).unwrap();
    assert_eq!(out[0].shape(), &[2, 3]);
    assert_eq!(f64s(&out[0]), vec![1.0; 6]);
}

#[test]
fn weak_scalars_keep_the_array_dtype() {
    let a = array![1.0f32, 2.0];
    let vars = [
        ("a", Operand::from(&a)),
        ("k", Operand::Scalar(Scalar::Float(2.5))),
    ];
    let out = eval("a * k + 1", &vars).unwrap();
    assert_eq!(out[0].dtype(), DType::F32);
    let i = array![1i8, 2];
    let vars = [("i", Operand::from(&i))];
    assert_eq!(eval("i + 1", &vars).unwrap()[0].dtype(), DType::I8);
    assert_eq!(eval("i * 2.5", &vars).unwrap()[0].dtype(), DType::F64);
    let err = eval("i + 300", &vars).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Overflow);
    assert_eq!(
        eval("2**70 // 2**68", &[]).unwrap()[0].as_i64().unwrap()[[]],
        4
    );
}

#[test]
fn statements_rebind_names_in_order() {
    let a = array![1i64, 2];
    let vars = [("a", Operand::from(&a))];
    let out = eval("t = a; t = t + 1; t * 2", &vars).unwrap();
    assert_eq!(
        out[0].as_i64().unwrap().iter().copied().collect::<Vec<_>>(),
        vec![4, 6]
    );
    // An input named like a constant shadows it.
    let e = array![10.0];
    let vars = [("e", Operand::from(&e))];
    assert_eq!(f64s(&eval("e + 1", &vars).unwrap()[0]), vec![11.0]);
}

#[test]
fn shape_errors_name_both_shapes() {
    let a = array![1.0, 2.0, 3.0];
    let b = array![1.0, 2.0];
    let vars = [("a", Operand::from(&a)), ("b", Operand::from(&b))];
    let err = eval("1 + (a + b)", &vars).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Shape);
    assert!(
        err.message.contains("(3,)") && err.message.contains("(2,)"),
        "{}",
        err.message
    );
    assert_eq!(err.span.map(|s| (s.start, s.end)), Some((4, 11)));
    let err = eval("a[3]", &vars).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Shape);
    let err = eval("min(a[3:])", &vars).unwrap_err();
    assert_eq!(err.kind, ErrorKind::EmptyReduction);
    let err = eval("zeros((100000, 100000, 100000))", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::TooLarge);
}

#[test]
fn repeated_subexpressions_are_computed_once() {
    let a = array![1.0, 2.0];
    let vars = [("a", Operand::from(&a))];
    let p = compile("sin(a) * sin(a) + sin(a)", &vars).unwrap();
    let sins = p.kernels[0]
        .nodes
        .iter()
        .filter(|n| matches!(n.op, crate::ir::Op::Call(crate::ir::Func::Sin, _)))
        .count();
    assert_eq!(sins, 1);
    // Deep reuse chains stay linear: 2^40 copies would never finish.
    let mut src = String::from("x0 = a");
    for i in 1..=40 {
        src.push_str(&format!("; x{i} = x{} * x{} / x{}", i - 1, i - 1, i - 1));
    }
    src.push_str("; x40");
    assert_eq!(f64s(&eval(&src, &vars).unwrap()[0]), vec![1.0, 2.0]);
}

#[test]
fn constant_folding_and_powers() {
    let a = array![2.0, 3.0];
    let vars = [("a", Operand::from(&a))];
    let p = compile("a**2 + sin(0.0) * 4", &vars).unwrap();
    let text = p.to_string();
    assert!(!text.contains("**"), "{text}");
    assert!(!text.contains("sin"), "{text}");
    assert_eq!(
        f64s(&eval("a**2 + a**0.5", &vars).unwrap()[0]),
        vec![4.0 + 2f64.sqrt(), 9.0 + 3f64.sqrt()]
    );
    let i = array![3i32, -2];
    let vars = [("i", Operand::from(&i))];
    let out = eval("i**5", &vars).unwrap();
    assert_eq!(
        out[0]
            .as_array::<i32>()
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![243, -32]
    );
}
