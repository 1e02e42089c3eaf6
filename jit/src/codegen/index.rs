//! Index sources (`arange`, `linspace`): their values computed from the index, exactly as
//! the interpreter's `Load::index_value` computes them.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, InstBuilder, Type, Value};
use cranelift_frontend::FunctionBuilder;
use vex_expr::ir::{Literal, Source};
use vex_expr::DType;

use super::ops;

/// The value of an index source at index `i` (an i64), in `dtype`, as the interpreter's
/// `Load::index_value` computes it.
pub(super) fn index_value(
    b: &mut FunctionBuilder,
    source: &Source,
    dtype: DType,
    i: Value,
) -> Result<Value, String> {
    let ty = ops::clif_type(dtype).ok_or_else(|| format!("index source of {dtype}"))?;
    match *source {
        Source::Arange { start, step, .. } if dtype.is_integral() => {
            // Exact modulo 2^64, hence exact after wrapping to the dtype.
            let (s, d) = (lit_i128(start) as i64, lit_i128(step) as i64);
            let m = b.ins().imul_imm_s(i, d);
            let v = b.ins().iadd_imm_s(m, s);
            Ok(if dtype.is_bool() {
                b.ins().icmp_imm_s(IntCC::NotEqual, v, 0)
            } else if ty == types::I64 {
                v
            } else {
                b.ins().ireduce(ty, v)
            })
        }
        Source::Arange { start, step, .. } if dtype.is_float() => {
            let (s, d) = (lit_f64(start), lit_f64(step));
            let x = b.ins().fcvt_from_uint(types::F64, i);
            let dv = b.ins().f64const(d);
            let sv = b.ins().f64const(s);
            let m = b.ins().fmul(x, dv);
            let v = b.ins().fadd(sv, m);
            Ok(demote(b, ty, v))
        }
        Source::Linspace { start, stop, num } if dtype.is_float() => {
            let delta = stop - start;
            let div = num.saturating_sub(1) as f64;
            let step = delta / div;
            let x = b.ins().fcvt_from_uint(types::F64, i);
            let sv = b.ins().f64const(start);
            let v = if num <= 1 {
                let dv = b.ins().f64const(delta);
                let m = b.ins().fmul(x, dv);
                b.ins().fadd(m, sv)
            } else if step == 0.0 {
                let divv = b.ins().f64const(div);
                let dv = b.ins().f64const(delta);
                let q = b.ins().fdiv(x, divv);
                let m = b.ins().fmul(q, dv);
                b.ins().fadd(m, sv)
            } else {
                let stv = b.ins().f64const(step);
                let m = b.ins().fmul(x, stv);
                let v = b.ins().fadd(m, sv);
                let stop_v = b.ins().f64const(stop);
                let is_last = b.ins().icmp_imm_s(IntCC::Equal, i, (num - 1) as i64);
                b.ins().select(is_last, stop_v, v)
            };
            Ok(demote(b, ty, v))
        }
        _ => Err(format!("index source {source:?} as {dtype}")),
    }
}

fn demote(b: &mut FunctionBuilder, ty: Type, v: Value) -> Value {
    if ty == types::F32 {
        b.ins().fdemote(types::F32, v)
    } else {
        v
    }
}

fn lit_i128(l: Literal) -> i128 {
    match l {
        Literal::Bool(b) => b as i128,
        Literal::Int(i) => i,
        Literal::Float(f) => f as i128,
        Literal::Complex(re, _) => re as i128,
    }
}

fn lit_f64(l: Literal) -> f64 {
    match l {
        Literal::Bool(b) => b as u8 as f64,
        Literal::Int(i) => i as f64,
        Literal::Float(f) => f,
        Literal::Complex(re, _) => re,
    }
}
