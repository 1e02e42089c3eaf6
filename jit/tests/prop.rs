//! Random small programs of supported operations, JIT against the interpreter.

mod common;

use common::*;
use proptest::prelude::*;
use vex_expr::ir::{AxisMap, BinaryOp, Func, Literal, Node, Op, ReduceOp, Source, UnaryOp, View};
use vex_expr::{Array, DType};

const DTYPES: [DType; 10] = [
    DType::I8,
    DType::I32,
    DType::I64,
    DType::U8,
    DType::U64,
    DType::F32,
    DType::F64,
    DType::I16,
    DType::C64,
    DType::C128,
];

/// Whether float operation `k` of [`push_op`] is continuous in its operands, so that a
/// few ULP of difference in them (from the JIT's own vector math, see
/// [`common::inexact_call`]) stay a small relative difference in its result. Rounding,
/// comparisons, signs and casts are not: such values would change the result by whole
/// units, so they never take an inexact operand.
fn continuous(k: u8) -> bool {
    matches!(k % 20, 0..=4 | 8..=11 | 16 | 19)
}

/// The `k`-th operation on nodes of dtype `d` (operands among `pool`), appended to
/// `nodes`; returns the new node of dtype `d`.
fn push_op(nodes: &mut Vec<Node>, d: DType, k: u8, x: usize, y: usize) -> usize {
    use BinaryOp::*;
    if d.is_complex() {
        return push_complex_op(nodes, d, k, x, y);
    }
    let float = d.is_float();
    let mut push = |op: Op, dtype: DType| {
        nodes.push(Node { op, dtype });
        nodes.len() - 1
    };
    let bin = |op| Op::Binary(op, x, y);
    match (k % 20, float) {
        (0, _) => push(bin(Add), d),
        (1, _) => push(bin(Sub), d),
        (2, _) => push(bin(Mul), d),
        (3, false) => push(bin(FloorDiv), d),
        (3, true) => push(bin(Div), d),
        (4, false) => push(bin(Mod), d),
        (4, true) => push(Op::Call(Func::Sqrt, vec![x]), d),
        (5, false) => push(bin(Shl), d),
        (5, true) => push(Op::Call(Func::Floor, vec![x]), d),
        (6, false) => push(bin(Shr), d),
        (6, true) => push(Op::Call(Func::Round, vec![x]), d),
        (7, false) => push(bin(Xor), d),
        (7, true) => push(Op::Call(Func::Copysign, vec![x, y]), d),
        (8, _) => push(Op::Unary(UnaryOp::Neg, x), d),
        (9, _) => push(Op::Call(Func::Abs, vec![x]), d),
        (10, _) => push(Op::Call(Func::Maximum, vec![x, y]), d),
        (11, _) => push(Op::Call(Func::Minimum, vec![x, y]), d),
        (12, _) => {
            let c = push(bin(if k & 16 == 0 { Lt } else { Ne }), DType::Bool);
            push(Op::Where(c, x, y), d)
        }
        (13, _) => {
            let other = if float { DType::F32 } else { DType::I16 };
            let c = push(Op::Cast(x), other);
            push(Op::Cast(c), d)
        }
        (16, true) => push(Op::Call(Func::Sin, vec![x]), d),
        (17, true) => push(bin(FloorDiv), d),
        (18, true) => push(bin(Mod), d),
        (19, true) => push(Op::Call(Func::Arctan2, vec![x, y]), d),
        (16..=19, false) => push(bin(Add), d),
        (14, false) => push(Op::Call(Func::Fmod, vec![x, y]), d),
        (14, true) => push(Op::Call(Func::Sign, vec![x]), d),
        (15, false) => push(Op::Unary(UnaryOp::Not, x), d),
        _ => {
            let c = push(Op::Cast(x), DType::I32);
            push(Op::Cast(c), d)
        }
    }
}

/// [`push_op`] on complex nodes: inline arithmetic, comparisons, casts and the helper
/// functions (every one exact: the helpers run the interpreter's code).
fn push_complex_op(nodes: &mut Vec<Node>, d: DType, k: u8, x: usize, y: usize) -> usize {
    use BinaryOp::*;
    let part = if d == DType::C64 {
        DType::F32
    } else {
        DType::F64
    };
    let mut push = |op: Op, dtype: DType| {
        nodes.push(Node { op, dtype });
        nodes.len() - 1
    };
    let bin = |op| Op::Binary(op, x, y);
    match k % 16 {
        0 => push(bin(Add), d),
        1 => push(bin(Sub), d),
        2 => push(bin(Mul), d),
        3 => push(bin(Div), d),
        4 => push(Op::Unary(UnaryOp::Neg, x), d),
        5 => push(Op::Call(Func::Conj, vec![x]), d),
        6 => push(Op::Call(Func::Maximum, vec![x, y]), d),
        7 => push(Op::Call(Func::Minimum, vec![x, y]), d),
        8 => {
            let op = [Lt, Ge, Eq, Ne][usize::from(k >> 4) % 4];
            let c = push(bin(op), DType::Bool);
            push(Op::Where(c, x, y), d)
        }
        9 => {
            let other = if d == DType::C64 {
                DType::C128
            } else {
                DType::C64
            };
            let c = push(Op::Cast(x), other);
            push(Op::Cast(c), d)
        }
        10 => {
            let re = push(Op::Call(Func::Real, vec![x]), part);
            let im = push(Op::Call(Func::Imag, vec![y]), part);
            push(Op::Call(Func::Complex, vec![re, im]), d)
        }
        11 => push(Op::Call(Func::Sqrt, vec![x]), d),
        12 => push(Op::Call(Func::Exp, vec![x]), d),
        13 => {
            let a = push(Op::Call(Func::Abs, vec![x]), part);
            push(Op::Cast(a), d)
        }
        14 => push(Op::Call(Func::Round, vec![x]), d),
        _ => push(bin(Pow), d),
    }
}

fn values(raw: &[i64], n: usize, d: DType) -> Array {
    if d.is_complex() {
        // Parts from two floats of the stream.
        let re = values(raw, n, DType::F64);
        let im = values(&raw[raw.len() / 3..], n, DType::F64);
        let (Array::F64(re), Array::F64(im)) = (re, im) else {
            unreachable!("float64 values")
        };
        let z: Vec<_> = re
            .iter()
            .zip(im.iter())
            .map(|(&r, &i)| vex_expr::C128::new(r, i))
            .collect();
        let b = vex_expr::ops::cast(&vex_expr::block::Block::C128(z), d);
        return block_array(&b, &[n]);
    }
    if d.is_float() {
        let v: Vec<f64> = (0..n)
            .map(|i| {
                let r = raw[i % raw.len()];
                match r.rem_euclid(23) {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => -0.0,
                    3 => 1e300,
                    _ => (r % 2000) as f64 / 8.0,
                }
            })
            .collect();
        from_f64(&v, d)
    } else {
        let v: Vec<i64> = (0..n)
            .map(|i| {
                let r = raw[i % raw.len()];
                if r % 3 == 0 {
                    r
                } else {
                    r % 9
                }
            })
            .collect();
        from_i64(&v, d)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_programs_match_the_interpreter(
        dt in 0..DTYPES.len(),
        n in 0usize..70,
        reverse in any::<bool>(),
        broadcast in any::<bool>(),
        reduce in 0u8..4,
        ops in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..10),
        raw in prop::collection::vec(any::<i64>(), 1..50),
        konst in -20i64..20,
    ) {
        let d = DTYPES[dt];
        let n1 = if broadcast { 1 } else { n };
        let mut nodes = vec![
            Node {
                op: Op::Load {
                    source: Source::Input(0),
                    view: if reverse && n > 0 {
                        View { axes: vec![AxisMap { start: n - 1, step: -1, kernel_axis: Some(0) }] }
                    } else {
                        View::identity(1)
                    },
                },
                dtype: d,
            },
            Node {
                op: Op::Load { source: Source::Input(1), view: broadcast_view(&[n1], &[n]) },
                dtype: d,
            },
            Node { op: Op::Const(Literal::Int(konst as i128)), dtype: d },
        ];
        let mut pool = vec![0usize, 1, 2];
        // Nodes whose value depends on an inexact function (see `continuous`).
        let mut inexact = vec![false; nodes.len()];
        for (k, x, y) in ops {
            let (x, y) = (pool[x % pool.len()], pool[y % pool.len()]);
            let tainted = inexact[x] || inexact[y];
            let k = if tainted && d.is_float() && !continuous(k) { 0 } else { k };
            let id = push_op(&mut nodes, d, k, x, y);
            while inexact.len() < nodes.len() {
                let op = &nodes[inexact.len()].op;
                let own = matches!(op, Op::Call(f, _) if d.is_float() && inexact_call(*f));
                inexact.push(tainted || own);
            }
            pool.push(id);
        }
        let any_inexact = inexact.iter().any(|&t| t);
        let out = *pool.last().unwrap();
        let red = match reduce {
            1 if d.is_float() || d.is_complex() => Some((ReduceOp::Sum, vec![0])),
            3 if d.is_complex() => Some((ReduceOp::Prod, vec![0])),
            1 => Some((ReduceOp::Prod, vec![0])),
            2 if n > 0 => Some((ReduceOp::Max, vec![0])),
            _ => None,
        };
        let inexact_dtype = d.is_float() || d.is_complex();
        let mut tol = if red.is_some() && inexact_dtype { 1e-9 } else { 0.0 };
        if any_inexact {
            // A few ULP of the inline math, carried through continuous operations.
            tol = f64::max(tol, if d == DType::F32 { 1e-5 } else { 1e-12 });
        }
        // Loads of input 0 and 1 come first in `one_kernel`; ours are explicit, so build
        // the program with no implicit loads.
        let mut p = one_kernel(&[], &[n], nodes, out, red);
        p.inputs = vec![
            vex_expr::ir::InputDecl { name: "a".into(), dtype: d, shape: vec![n] },
            vex_expr::ir::InputDecl { name: "b".into(), dtype: d, shape: vec![n1] },
        ];
        let a = values(&raw, n, d);
        let b = values(&raw[raw.len() / 2..], n1, d);
        let jit = jit();
        for threads in [1, 3] {
            jit.set_threads(threads);
            check_program(&jit, &p, &[a.view(), b.view()], tol, &format!("{p}"));
        }
    }
}

/// A view of a source of shape `src` for a kernel of shape `kshape`, from random picks:
/// each source axis is an integer index or follows a kernel axis with a step in -2..=2,
/// always staying in bounds.
fn random_view(src: &[usize], kshape: &[usize], picks: &[(u8, u8, i8)]) -> View {
    let axes = src
        .iter()
        .enumerate()
        .map(|(a, &d)| {
            let (k, start, step) = picks[a % picks.len()];
            let start = start as usize % d;
            let k = k as usize % (kshape.len() + 1);
            if k < kshape.len() {
                let ext = kshape[k].max(1) as isize;
                let step = (step % 3) as isize;
                let last = start as isize + step * (ext - 1);
                if (0..d as isize).contains(&last) {
                    return AxisMap {
                        start,
                        step,
                        kernel_axis: Some(k),
                    };
                }
            }
            AxisMap {
                start,
                step: 0,
                kernel_axis: None,
            }
        })
        .collect();
    View { axes }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_views_over_inputs_and_buffers(
        src in prop::collection::vec(1usize..5, 1..4),
        kshape in prop::collection::vec(0usize..6, 0..4),
        picks in prop::collection::vec((any::<u8>(), any::<u8>(), any::<i8>()), 1..4),
        picks2 in prop::collection::vec((any::<u8>(), any::<u8>(), any::<i8>()), 1..4),
        transposed in any::<bool>(),
    ) {
        use vex_expr::ir::{BufferDecl, InputDecl, Kernel, Program, Store};
        let len: usize = src.iter().product();
        let data: Vec<f64> = (0..len).map(|i| i as f64 * 1.5 - 3.0).collect();
        let arr = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&src), data).unwrap();
        // A transposed (non-contiguous) input when asked.
        let view_in = if transposed { arr.t() } else { arr.view() };
        let src_shape: Vec<usize> = view_in.shape().to_vec();
        let v1 = random_view(&src_shape, &kshape, &picks);
        // Kernel 2 reads kernel 1's buffer (of the kernel's shape) through another view.
        let k2shape: Vec<usize> = kshape.iter().rev().copied().collect();
        let buf_shape = kshape.clone();
        let v2 = if buf_shape.is_empty() || buf_shape.contains(&0) {
            View::identity(buf_shape.len())
        } else {
            random_view(&buf_shape, &k2shape, &picks2)
        };
        let k2shape = if buf_shape.contains(&0) { kshape.clone() } else { k2shape };
        let node = |op, dtype| Node { op, dtype };
        let p = Program {
            inputs: vec![InputDecl { name: "x".into(), dtype: DType::F64, shape: src_shape.clone() }],
            buffers: vec![
                BufferDecl { dtype: DType::F64, shape: kshape.clone() },
                BufferDecl { dtype: DType::F64, shape: k2shape.clone() },
            ],
            kernels: vec![
                Kernel {
                    shape: kshape.clone(),
                    nodes: vec![
                        node(Op::Load { source: Source::Input(0), view: v1 }, DType::F64),
                        node(Op::Const(Literal::Float(0.5)), DType::F64),
                        node(Op::Binary(BinaryOp::Add, 0, 1), DType::F64),
                    ],
                    stores: vec![Store { node: 2, buffer: 0, reduce: None }],
                },
                Kernel {
                    shape: k2shape.clone(),
                    nodes: vec![
                        node(Op::Load { source: Source::Buffer(0), view: v2 }, DType::F64),
                        node(Op::Call(Func::Sin, vec![0]), DType::F64),
                    ],
                    stores: vec![Store { node: 1, buffer: 1, reduce: None }],
                },
            ],
            outputs: vec![1, 0],
        };
        let jit = jit();
        let inputs = [vex_expr::ArrayRef::from(view_in)];
        if inexact_call(Func::Sin) {
            check_program_ulp(&jit, &p, &inputs, MATH_ULP, &format!("{p}"));
        } else {
            check_program(&jit, &p, &inputs, 0.0, &format!("{p}"));
        }
    }
}
