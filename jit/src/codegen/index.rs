//! Index sources (`arange`, `linspace`, random numbers): their values computed from the
//! index, exactly as the interpreter's `Load::index_value` computes them.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, InstBuilder, Type, Value};
use cranelift_frontend::FunctionBuilder;
use vex_expr::ir::{Literal, Source};
use vex_expr::random::{Uniform, PHILOX_M, PHILOX_ROUNDS, PHILOX_W, TWO_POW_M53};
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
        Source::Uniform { draw, .. } if dtype == DType::F64 => Ok(uniform(b, draw, i)),
        _ => Err(format!("index source {source:?} as {dtype}")),
    }
}

/// `draw.at(i)` (see `vex_expr::random`): Philox4x32-10 in 32-bit integer operations (the
/// key schedule folded into constants), then 53 of the bits scaled, exactly as
/// `Uniform::at` computes them.
fn uniform(b: &mut FunctionBuilder, draw: Uniform, i: Value) -> Value {
    let i32t = types::I32;
    let hi = b.ins().ushr_imm_u(i, 32);
    let mut c = [
        b.ins().ireduce(i32t, i),
        b.ins().ireduce(i32t, hi),
        b.ins().iconst(i32t, i64::from(draw.stream)),
        b.ins().iconst(i32t, 0),
    ];
    let m0 = b.ins().iconst(i32t, i64::from(PHILOX_M[0]));
    let m1 = b.ins().iconst(i32t, i64::from(PHILOX_M[1]));
    let mut k = draw.key();
    for round in 0..PHILOX_ROUNDS {
        if round > 0 {
            k = [
                k[0].wrapping_add(PHILOX_W[0]),
                k[1].wrapping_add(PHILOX_W[1]),
            ];
        }
        let hi0 = b.ins().umulhi(m0, c[0]);
        let lo0 = b.ins().imul(m0, c[0]);
        let hi1 = b.ins().umulhi(m1, c[2]);
        let lo1 = b.ins().imul(m1, c[2]);
        let x0 = b.ins().bxor(hi1, c[1]);
        let x0 = b.ins().bxor_imm_u(x0, i64::from(k[0]));
        let x2 = b.ins().bxor(hi0, c[3]);
        let x2 = b.ins().bxor_imm_u(x2, i64::from(k[1]));
        c = [x0, lo1, x2, lo0];
    }
    let h = usize::from(draw.half & 1) * 2;
    let low = b.ins().uextend(types::I64, c[h]);
    let high = b.ins().uextend(types::I64, c[h + 1]);
    let high = b.ins().ishl_imm_u(high, 32);
    let bits = b.ins().bor(high, low);
    let mut k53 = b.ins().ushr_imm_u(bits, 11);
    if draw.open_low {
        k53 = b.ins().iadd_imm_s(k53, 1);
    }
    // Exact: at most 2^53.
    let x = b.ins().fcvt_from_uint(types::F64, k53);
    let scale = b.ins().f64const(TWO_POW_M53);
    b.ins().fmul(x, scale)
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
