//! The vectorised innermost loop: 128-bit vectors (Cranelift's limit on x86-64), unrolled
//! ×4, for kernels whose every node has one dtype (f64, f32, i64 or i32; bools as lane
//! masks, see [`plan`]), whose every
//! access is contiguous or broadcast along the inner axis, and whose every operation has a
//! vector form with the scalar semantics lane by lane (no fusing: `a*b + c` stays two
//! roundings, bit-identical to the interpreter). Transcendental functions and `**` with a
//! `vex_expr::vmath` algorithm are vector code too (see [`super::vmath`]), computing the
//! same bits as the scalar tail. Anything else runs the scalar loop only.

use cranelift_codegen::ir::{types, InstBuilder, MemFlagsData, Type, Value};
use cranelift_frontend::{FunctionBuilder, Variable};
use vex_expr::ir::{BinaryOp, Func, Kernel, Op, UnaryOp};
use vex_expr::{vmath, DType};

use super::{fold, ops, Env, Row};
use crate::layout::{AccKind, AccessKind, Inner, Layout};

/// How one kernel is vectorised.
pub(crate) struct Plan {
    vty: Type,
    lanes: i64,
    unroll: i64,
}

impl Plan {
    /// Points per iteration of the vector loop.
    pub fn step(&self) -> i64 {
        self.lanes * self.unroll
    }
}

const UNROLL: i64 = 4;

/// Kernels with vector math are unrolled ×2 in float64, so that each library call takes
/// two `f64x2` vectors: the [`super::mathlib`] computes four lanes per call. float32
/// kernels are not unrolled, an `f32x4` being four lanes already. (When the algorithms
/// were inline, four copies cost three times the compile time and spilled registers; a
/// call now clobbers every vector register, so more copies only add spills.)
fn unroll_with_math(vty: Type) -> i64 {
    if vty == types::F64X2 {
        2
    } else {
        1
    }
}

/// Whether node operation `op` of `kernel` is emitted by [`super::vmath`] (not a single
/// instruction like `sqrt`).
fn inline_math(kernel: &Kernel, op: &Op) -> bool {
    let arg = super::operands(op)
        .first()
        .and_then(|&x| kernel.nodes.get(x))
        .map(|x| x.dtype);
    let native = matches!(op, Op::Call(Func::Sqrt, _));
    arg.is_some_and(|arg| !native && super::vmath::covers(op, arg))
}

/// The vector plan for `kernel`, or `None` if its inner loop stays scalar.
///
/// Bool nodes are allowed as lane masks (all ones or zeros, the width of the data type):
/// comparisons of data values, `& | ^ ~` of masks, and as `where` conditions; they are
/// never loaded or stored.
pub(crate) fn plan(kernel: &Kernel, layout: &Layout) -> Option<Plan> {
    let dtype = kernel.nodes.iter().find(|n| !n.dtype.is_bool())?.dtype;
    let vty = match dtype {
        DType::F64 => types::F64X2,
        DType::F32 => types::F32X4,
        DType::I64 => types::I64X2,
        DType::I32 => types::I32X4,
        _ => return None,
    };
    for (kind, inner) in &layout.accesses {
        let ok = match kind {
            AccessKind::Load { dtype: d, .. } => {
                *d == dtype && matches!(inner, Inner::Contig | Inner::Zero)
            }
            AccessKind::Store { dtype: d, .. } => *d == dtype && *inner == Inner::Contig,
            // Compensated f64 sums along the inner axis: one Kahan state per lane.
            AccessKind::Acc {
                acc: AccKind::Kahan { .. },
                dtype: DType::F64,
                ..
            } => dtype == DType::F64 && *inner == Inner::Zero,
            AccessKind::Index { .. } | AccessKind::Acc { .. } => false,
        };
        if !ok {
            return None;
        }
    }
    let float = dtype.is_float();
    let dt = |id: usize| kernel.nodes.get(id).map(|n| n.dtype);
    for n in &kernel.nodes {
        let ok = if n.dtype.is_bool() {
            match &n.op {
                Op::Binary(op, x, _) => {
                    use BinaryOp::*;
                    match op {
                        Lt | Le | Eq | Ne | Ge | Gt => dt(*x) == Some(dtype),
                        And | Or | Xor => dt(*x) == Some(DType::Bool),
                        _ => false,
                    }
                }
                Op::Unary(UnaryOp::Not, _) => true,
                _ => false,
            }
        } else if n.dtype != dtype {
            false
        } else {
            match &n.op {
                Op::Load { .. } | Op::Const(_) | Op::Where(..) => true,
                Op::Unary(UnaryOp::Neg, _) => true,
                Op::Unary(UnaryOp::Not, _) => !float,
                Op::Binary(op, _, _) => {
                    use BinaryOp::*;
                    match op {
                        Add | Sub => true,
                        Mul => float || dtype == DType::I32,
                        Div => float,
                        And | Or | Xor => !float,
                        // `**` where vector math has it.
                        _ => float && vmath::has_binary(*op),
                    }
                }
                Op::Call(f, _) => {
                    use Func::*;
                    float
                        && (matches!(
                            f,
                            Sqrt | Abs | Floor | Ceil | Trunc | Round | Maximum | Minimum
                        ) || vmath::has(*f))
                }
                Op::Cast(_) => false,
            }
        };
        if !ok {
            return None;
        }
    }
    let math = kernel.nodes.iter().any(|n| inline_math(kernel, &n.op));
    Some(Plan {
        vty,
        lanes: i64::from(vty.lane_count()),
        unroll: if math { unroll_with_math(vty) } else { UNROLL },
    })
}

fn vflags() -> MemFlagsData {
    // Not `aligned`: rows need not be 16-byte aligned.
    MemFlagsData::new().with_notrap()
}

/// One iteration of the vector loop: points `j .. j + plan.step()` of the inner axis.
#[allow(clippy::too_many_arguments)]
pub(crate) fn body(
    b: &mut FunctionBuilder,
    kernel: &Kernel,
    layout: &Layout,
    plan: &Plan,
    env: &Env,
    rows: &[Row],
    vacc: &VectorAccs,
    j: Value,
) -> Result<(), String> {
    let nodes = &kernel.nodes;
    // Access index of each load node.
    let mut load_access = vec![usize::MAX; nodes.len()];
    for (a, (kind, _)) in layout.accesses.iter().enumerate() {
        if let AccessKind::Load { node, .. } = kind {
            if let Some(slot) = load_access.get_mut(*node) {
                *slot = a;
            }
        }
    }
    let scalar_ty = plan.vty.lane_type();
    let size = i64::from(scalar_ty.bytes());
    let copies = plan.unroll as usize;
    let offs: Vec<Value> = (0..plan.unroll)
        .map(|u| {
            let ju = b.ins().iadd_imm_s(j, u * plan.lanes);
            b.ins().imul_imm_s(ju, size)
        })
        .collect();
    // Node by node, each unrolled copy in turn, so that a vector math node can take both
    // copies' operands in one library call.
    let mut vals: Vec<Vec<Value>> = vec![Vec::with_capacity(nodes.len()); copies];
    for (i, n) in nodes.iter().enumerate() {
        if copies == 2 && inline_math(kernel, &n.op) {
            let operands = |u: usize| -> Result<Vec<Value>, String> {
                super::operands(&n.op)
                    .iter()
                    .map(|&x| {
                        vals[u]
                            .get(x)
                            .copied()
                            .ok_or("operand is not earlier".into())
                    })
                    .collect()
            };
            let (x0, x1) = (operands(0)?, operands(1)?);
            if let Some([r0, r1]) = super::vmath::call_pair(b, &n.op, [&x0, &x1]) {
                vals[0].push(r0);
                vals[1].push(r1);
                continue;
            }
        }
        for (u, vals) in vals.iter_mut().enumerate() {
            let v = node(
                b,
                kernel,
                layout,
                plan,
                env,
                rows,
                &load_access,
                vals,
                i,
                offs[u],
            )?;
            vals.push(v);
        }
    }
    for (u, vals) in vals.iter().enumerate() {
        for (a, (kind, _)) in layout.accesses.iter().enumerate() {
            match *kind {
                AccessKind::Store { node, .. } => {
                    let v = *vals.get(node).ok_or("store of a missing node")?;
                    let addr = b.ins().iadd(rows[a].bases[0], offs[u]);
                    b.ins().store(vflags(), v, addr, 0);
                }
                AccessKind::Acc {
                    node, dtype, acc, ..
                } => {
                    let x = *vals.get(node).ok_or("reduction of a missing node")?;
                    let vars = vacc
                        .get(a)
                        .and_then(Option::as_ref)
                        .and_then(|v| v.get(u))
                        .ok_or("vector accumulator missing")?;
                    let state = [b.use_var(vars.0), b.use_var(vars.1)];
                    let next = fold::fold(b, acc, dtype, &state, x);
                    b.def_var(vars.0, next[0]);
                    b.def_var(vars.1, next[1]);
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The vector value of node `i` for one unrolled copy, whose inner-axis byte offset is
/// `off`; `vals` holds that copy's earlier nodes.
#[allow(clippy::too_many_arguments)]
fn node(
    b: &mut FunctionBuilder,
    kernel: &Kernel,
    layout: &Layout,
    plan: &Plan,
    env: &Env,
    rows: &[Row],
    load_access: &[usize],
    vals: &[Value],
    i: usize,
    off: Value,
) -> Result<Value, String> {
    let nodes = &kernel.nodes;
    let n = &nodes[i];
    let scalar_ty = plan.vty.lane_type();
    let get = |id: usize| vals.get(id).copied().ok_or("operand is not earlier");
    Ok(match &n.op {
        Op::Load { .. } => {
            let a = *load_access.get(i).ok_or("load without access")?;
            let (_, inner) = layout.accesses.get(a).ok_or("load without access")?;
            let base = rows[a].bases[0];
            if *inner == Inner::Zero {
                let x = b.ins().load(scalar_ty, vflags(), base, 0);
                b.ins().splat(plan.vty, x)
            } else {
                let addr = b.ins().iadd(base, off);
                b.ins().load(plan.vty, vflags(), addr, 0)
            }
        }
        Op::Const(_) => {
            let c = env.consts[i].ok_or("constant not materialised")?;
            b.ins().splat(plan.vty, c)
        }
        // A mask: flip every bit, not just the lowest.
        Op::Unary(UnaryOp::Not, x) if n.dtype.is_bool() => b.ins().bnot(get(*x)?),
        Op::Unary(op, x) => ops::unary(b, *op, n.dtype, get(*x)?)?,
        Op::Binary(op, x, y) => {
            let operand = nodes.get(*x).map_or(n.dtype, |o| o.dtype);
            ops::binary(b, *op, operand, get(*x)?, get(*y)?, env.status)?
        }
        Op::Where(c, x, y) => {
            let (c, x, y) = (get(*c)?, get(*x)?, get(*y)?);
            let mask = if b.func.dfg.value_type(c) == plan.vty {
                c
            } else {
                b.ins().bitcast(plan.vty, MemFlagsData::new(), c)
            };
            b.ins().bitselect(mask, x, y)
        }
        Op::Call(f, xs) => {
            let args: Vec<Value> = xs.iter().map(|&x| get(x)).collect::<Result<_, _>>()?;
            ops::call(b, *f, n.dtype, &args)?
        }
        Op::Cast(_) => return Err("not vectorisable".into()),
    })
}

/// Per access, per unrolled copy: the (sum, compensation) vectors of a vectorised sum.
pub(crate) type VectorAccs = Vec<Option<Vec<(Variable, Variable)>>>;

/// Zeroed lane accumulators for every reduced store of the plan.
pub(crate) fn init_accs(b: &mut FunctionBuilder, layout: &Layout, plan: &Plan) -> VectorAccs {
    layout
        .accesses
        .iter()
        .map(|(kind, _)| {
            matches!(kind, AccessKind::Acc { .. }).then(|| {
                (0..plan.unroll)
                    .map(|_| {
                        let zero = ops::float_const(b, plan.vty, 0.0);
                        let s = b.declare_var(plan.vty);
                        let c = b.declare_var(plan.vty);
                        b.def_var(s, zero);
                        b.def_var(c, zero);
                        (s, c)
                    })
                    .collect()
            })
        })
        .collect()
}

/// Merges every lane's compensated sum into the scalar state `held` (sum, compensation)
/// of its access, in a fixed order (copy by copy, lane by lane).
pub(crate) fn merge_accs(
    b: &mut FunctionBuilder,
    plan: &Plan,
    vacc: &VectorAccs,
    held: &[Option<Vec<Variable>>],
) -> Result<(), String> {
    for (a, lanes) in vacc.iter().enumerate() {
        let Some(lanes) = lanes else { continue };
        let vars = held
            .get(a)
            .and_then(Option::as_ref)
            .ok_or("reduction state not held in registers")?;
        let (sv, cv) = (vars[0], *vars.get(1).ok_or("no compensation")?);
        for &(ls, lc) in lanes {
            let (vs, vc) = (b.use_var(ls), b.use_var(lc));
            for lane in 0..plan.lanes as u8 {
                let x = b.ins().extractlane(vs, lane);
                let xc = b.ins().extractlane(vc, lane);
                let s = b.use_var(sv);
                let c = b.use_var(cv);
                // TwoSum of the running sum and the lane's sum; both compensations add.
                let t = b.ins().fadd(s, x);
                let bp = b.ins().fsub(t, s);
                let tb = b.ins().fsub(t, bp);
                let e1 = b.ins().fsub(s, tb);
                let e2 = b.ins().fsub(x, bp);
                let err = b.ins().fadd(e1, e2);
                let err = b.ins().fadd(err, xc);
                let c = b.ins().fadd(c, err);
                b.def_var(sv, t);
                b.def_var(cv, c);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use vex_expr::ir::{Node, Source, Store, View};

    use super::*;

    fn kernel(ops: Vec<Op>, dtype: DType) -> Kernel {
        let mut nodes = vec![
            Node {
                op: Op::Load {
                    source: Source::Input(0),
                    view: View::identity(1),
                },
                dtype,
            },
            Node {
                op: Op::Load {
                    source: Source::Input(1),
                    view: View::identity(1),
                },
                dtype,
            },
        ];
        nodes.extend(ops.into_iter().map(|op| Node { op, dtype }));
        let last = nodes.len() - 1;
        Kernel {
            shape: vec![10],
            nodes,
            stores: vec![Store {
                node: last,
                buffer: 0,
                reduce: None,
            }],
        }
    }

    fn layout(dtype: DType, inner: Inner) -> Layout {
        Layout {
            ndim: 1,
            accesses: vec![
                (AccessKind::Load { node: 0, dtype }, Inner::Contig),
                (AccessKind::Load { node: 1, dtype }, inner),
                (AccessKind::Store { node: 3, dtype }, Inner::Contig),
            ],
        }
    }

    #[test]
    fn contiguous_float_arithmetic_is_vectorised() {
        let k = kernel(
            vec![
                Op::Binary(BinaryOp::Mul, 0, 1),
                Op::Binary(BinaryOp::Add, 2, 0),
            ],
            DType::F64,
        );
        let p = plan(&k, &layout(DType::F64, Inner::Contig)).expect("vectorised");
        assert_eq!(p.step(), 8);
        assert!(plan(&k, &layout(DType::F64, Inner::Zero)).is_some());
        assert!(plan(&k, &layout(DType::F64, Inner::Other)).is_none());
        let k32 = kernel(
            vec![
                Op::Binary(BinaryOp::Mul, 0, 1),
                Op::Call(Func::Maximum, vec![2, 0]),
            ],
            DType::F32,
        );
        assert_eq!(
            plan(&k32, &layout(DType::F32, Inner::Contig)).map(|p| p.step()),
            Some(16)
        );
    }

    #[test]
    fn comparisons_feeding_where_are_vectorised_as_masks() {
        let mut k = kernel(
            vec![Op::Binary(BinaryOp::Gt, 0, 1), Op::Where(2, 0, 1)],
            DType::F64,
        );
        k.nodes[2].dtype = DType::Bool;
        assert!(plan(&k, &layout(DType::F64, Inner::Contig)).is_some());
        // A stored bool is not a mask.
        let mut l = layout(DType::F64, Inner::Contig);
        l.accesses[2] = (
            AccessKind::Store {
                node: 2,
                dtype: DType::Bool,
            },
            Inner::Contig,
        );
        assert!(plan(&k, &l).is_none());
    }

    #[test]
    fn functions_with_vector_math_run_in_native_blocks_or_vectorised() {
        use super::super::mathlib::{block, MathFn};
        for f in crate::helpers::CALLS.into_iter().filter(|f| f.arity() == 1) {
            for dtype in [DType::F32, DType::F64] {
                let k = kernel(
                    vec![Op::Call(f, vec![0]), Op::Binary(BinaryOp::Add, 2, 1)],
                    dtype,
                );
                let blocked = super::super::blocked::BlockPlan::new(&k).is_some();
                let native = block(MathFn::Call(f)).is_some();
                // Native block functions where the process has them, else vectorised
                // library calls; functions without an algorithm run blocked on libm.
                assert_eq!(blocked, !vmath::has(f) || native, "{f:?} on {dtype}");
                let p = plan(&k, &layout(dtype, Inner::Contig));
                assert_eq!(p.is_some(), vmath::has(f), "{f:?} on {dtype}");
                if let Some(p) = p.as_ref().filter(|_| f != Func::Sqrt) {
                    // Without native blocks: one library call per iteration, on all
                    // four of its lanes.
                    let lanes = super::super::mathlib::LANES as i64;
                    assert_eq!(p.step(), lanes, "{f:?} on {dtype}");
                }
            }
        }
    }

    #[test]
    fn other_kernels_stay_scalar() {
        let k = kernel(
            vec![
                Op::Binary(BinaryOp::FloorDiv, 0, 1),
                Op::Binary(BinaryOp::Add, 2, 0),
            ],
            DType::I64,
        );
        assert!(plan(&k, &layout(DType::I64, Inner::Contig)).is_none());
        let k = kernel(
            vec![
                Op::Binary(BinaryOp::Add, 0, 1),
                Op::Binary(BinaryOp::Xor, 2, 0),
            ],
            DType::U8,
        );
        assert!(plan(&k, &layout(DType::U8, Inner::Contig)).is_none());
    }
}
