//! Folding one point into a reduction's accumulator state (see [`crate::reduce`] for the
//! accumulators themselves).

use cranelift_codegen::ir::{types, InstBuilder, Type, Value};
use cranelift_frontend::FunctionBuilder;
use vex_expr::DType;

use super::ops;
use crate::layout::{AccKind, AccessKind, FoldOp};

/// The type of one accumulator word.
pub(super) fn acc_type(kind: AccessKind) -> Result<Type, String> {
    match kind {
        AccessKind::Acc {
            acc: AccKind::Kahan { .. },
            dtype,
            ..
        } => Ok(if dtype.is_complex() {
            // Both parts' sums (or compensations) at once.
            types::F64X2
        } else {
            types::F64
        }),
        AccessKind::Acc { dtype, .. } => {
            super::complex::node_type(dtype).ok_or_else(|| format!("accumulator of {dtype}"))
        }
        _ => Err("not an accumulator".into()),
    }
}

/// Folds `x` (of `dtype`) into the accumulator state, returning the new state.
pub(crate) fn fold(
    b: &mut FunctionBuilder,
    acc: AccKind,
    dtype: DType,
    state: &[Value],
    x: Value,
) -> Vec<Value> {
    if dtype.is_complex() {
        return super::complex::fold(b, acc, dtype, state, x);
    }
    match acc {
        AccKind::Kahan { .. } => {
            let x = if dtype == DType::F32 {
                b.ins().fpromote(types::F64, x)
            } else {
                x
            };
            let (s, c) = (state[0], state.get(1).copied().unwrap_or(state[0]));
            // TwoSum: t + err == s + x exactly.
            let t = b.ins().fadd(s, x);
            let bp = b.ins().fsub(t, s);
            let tb = b.ins().fsub(t, bp);
            let e1 = b.ins().fsub(s, tb);
            let e2 = b.ins().fsub(x, bp);
            let err = b.ins().fadd(e1, e2);
            let c = b.ins().fadd(c, err);
            vec![t, c]
        }
        AccKind::Fold(op) => {
            let a = state[0];
            let signed = dtype.is_signed_int();
            let v = match op {
                FoldOp::Add => b.ins().iadd(a, x),
                FoldOp::Mul if dtype.is_float() => b.ins().fmul(a, x),
                FoldOp::Mul => b.ins().imul(a, x),
                FoldOp::Or => b.ins().bor(a, x),
                FoldOp::And => b.ins().band(a, x),
                FoldOp::Min | FoldOp::Max if dtype.is_float() => {
                    let f = if op == FoldOp::Max {
                        vex_expr::ir::Func::Maximum
                    } else {
                        vex_expr::ir::Func::Minimum
                    };
                    // Never fails for floats.
                    ops::call(b, f, dtype, &[a, x]).unwrap_or(a)
                }
                FoldOp::Min if signed => b.ins().smin(a, x),
                FoldOp::Min => b.ins().umin(a, x),
                FoldOp::Max if signed => b.ins().smax(a, x),
                FoldOp::Max => b.ins().umax(a, x),
            };
            vec![v]
        }
    }
}
