//! Cranelift code for one IR operation on one element (or one vector of elements), with
//! exactly the semantics of `vex_expr::ops`.
//!
//! Integers and bools must match the interpreter bit for bit, so every operation that
//! Cranelift would trap on or define differently is guarded: division by zero and
//! `MIN / -1` (both trap in `sdiv`/`udiv`), shift counts outside `0..bits` (Cranelift
//! masks them), float → integer casts (saturating, with NumPy's wrap-through-64-bits
//! rule). Float operations are the IEEE ones the interpreter uses; nothing is fused.
//!
//! Transcendental functions and float `**` with a `vex_expr::vmath` algorithm are calls
//! into the per-process math library emitted by [`super::vmath`] (within a few ULP of the
//! interpreter's libm, not bit-identical). Complex numbers are lowered as (re, im) pairs by
//! `super::complex`. What has no code here (functions without a vmath algorithm, float
//! `//` and `%`) returns `Err(reason)`; such kernels run on the blocked path, whose helpers
//! (`crate::helpers`) run once per block of points.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, InstBuilder, MemFlagsData, Type, Value};
use cranelift_frontend::FunctionBuilder;
use vex_expr::ir::{BinaryOp, Func, Literal, UnaryOp};
use vex_expr::ops;
use vex_expr::DType;

/// The result of emitting an operation: a value, or why it is not supported.
pub(crate) type Emit = Result<Value, String>;

/// The Cranelift type holding one element of `dtype` (bool is an `i8` 0 or 1).
pub(crate) fn clif_type(dtype: DType) -> Option<Type> {
    Some(match dtype {
        DType::Bool | DType::I8 | DType::U8 => types::I8,
        DType::I16 | DType::U16 => types::I16,
        DType::I32 | DType::U32 => types::I32,
        DType::I64 | DType::U64 => types::I64,
        DType::F32 => types::F32,
        DType::F64 => types::F64,
        DType::C64 | DType::C128 => return None,
    })
}

fn unsupported(what: &str, dtype: DType) -> String {
    format!("'{what}' on {dtype} is not compiled by the JIT")
}

/// An integer constant of type `ty` from its two's complement bits (masked to the width,
/// as Cranelift requires for narrow types).
pub(crate) fn iconst(b: &mut FunctionBuilder, ty: Type, bits: i64) -> Value {
    let w = ty.bits();
    let v = if w >= 64 {
        bits
    } else {
        bits & ((1i64 << w) - 1)
    };
    b.ins().iconst(ty, v)
}

/// The constant `lit` converted to `dtype` exactly as the interpreter splats it.
pub(crate) fn constant(b: &mut FunctionBuilder, lit: Literal, dtype: DType) -> Emit {
    use vex_expr::block::Block;
    let ty = clif_type(dtype).ok_or_else(|| unsupported("constant", dtype))?;
    let block = ops::splat(lit, dtype, 1);
    let bits: i64 = match &block {
        Block::Bool(v) => v.first().map_or(0, |&x| x as i64),
        Block::I8(v) => v.first().map_or(0, |&x| x as i64),
        Block::I16(v) => v.first().map_or(0, |&x| x as i64),
        Block::I32(v) => v.first().map_or(0, |&x| x as i64),
        Block::I64(v) => v.first().map_or(0, |&x| x),
        Block::U8(v) => v.first().map_or(0, |&x| x as i64),
        Block::U16(v) => v.first().map_or(0, |&x| x as i64),
        Block::U32(v) => v.first().map_or(0, |&x| x as i64),
        Block::U64(v) => v.first().map_or(0, |&x| x as i64),
        Block::F32(v) => return Ok(b.ins().f32const(v.first().copied().unwrap_or(0.0))),
        Block::F64(v) => return Ok(b.ins().f64const(v.first().copied().unwrap_or(0.0))),
        _ => return Err(unsupported("constant", dtype)),
    };
    Ok(iconst(b, ty, bits))
}

/// `op x` for a node of `dtype`.
pub(crate) fn unary(b: &mut FunctionBuilder, op: UnaryOp, dtype: DType, x: Value) -> Emit {
    Ok(match (op, dtype) {
        (UnaryOp::Not, DType::Bool) => b.ins().bxor_imm_s(x, 1),
        (UnaryOp::Neg, DType::Bool) => return Err(unsupported("unary -", dtype)),
        (UnaryOp::Neg, d) if d.is_int() => b.ins().ineg(x),
        (UnaryOp::Not, d) if d.is_int() => b.ins().bnot(x),
        (UnaryOp::Neg, d) if d.is_float() => b.ins().fneg(x),
        _ => return Err(unsupported(&format!("{op:?}"), dtype)),
    })
}

/// Where an error found while running compiled code is reported: the compiled function
/// stores a non-zero code through `status` and the executor turns it into an error.
#[derive(Clone, Copy)]
pub(crate) struct Status {
    pub ptr: Value,
}

/// Status code: an integer raised to a negative power.
pub(crate) const STATUS_NEGATIVE_POWER: i64 = 1;

fn int_cc(op: BinaryOp, signed: bool) -> IntCC {
    match (op, signed) {
        (BinaryOp::Lt, true) => IntCC::SignedLessThan,
        (BinaryOp::Le, true) => IntCC::SignedLessThanOrEqual,
        (BinaryOp::Ge, true) => IntCC::SignedGreaterThanOrEqual,
        (BinaryOp::Gt, true) => IntCC::SignedGreaterThan,
        (BinaryOp::Lt, false) => IntCC::UnsignedLessThan,
        (BinaryOp::Le, false) => IntCC::UnsignedLessThanOrEqual,
        (BinaryOp::Ge, false) => IntCC::UnsignedGreaterThanOrEqual,
        (BinaryOp::Gt, false) => IntCC::UnsignedGreaterThan,
        (BinaryOp::Eq, _) => IntCC::Equal,
        _ => IntCC::NotEqual,
    }
}

fn float_cc(op: BinaryOp) -> FloatCC {
    match op {
        BinaryOp::Lt => FloatCC::LessThan,
        BinaryOp::Le => FloatCC::LessThanOrEqual,
        BinaryOp::Ge => FloatCC::GreaterThanOrEqual,
        BinaryOp::Gt => FloatCC::GreaterThan,
        BinaryOp::Eq => FloatCC::Equal,
        // Unordered or not equal: NaN != x is true.
        _ => FloatCC::NotEqual,
    }
}

fn is_comparison(op: BinaryOp) -> bool {
    use BinaryOp::*;
    matches!(op, Lt | Le | Eq | Ne | Ge | Gt)
}

/// `x op y` on operands of `dtype`.
pub(crate) fn binary(
    b: &mut FunctionBuilder,
    op: BinaryOp,
    dtype: DType,
    x: Value,
    y: Value,
    status: Status,
) -> Emit {
    use BinaryOp::*;
    if dtype.is_bool() {
        return Ok(match op {
            Add | Or => b.ins().bor(x, y),
            Mul | And => b.ins().band(x, y),
            Xor => b.ins().bxor(x, y),
            _ if is_comparison(op) => b.ins().icmp(int_cc(op, false), x, y),
            _ => return Err(unsupported(op.symbol(), dtype)),
        });
    }
    if dtype.is_float() {
        return Ok(match op {
            Add => b.ins().fadd(x, y),
            Sub => b.ins().fsub(x, y),
            Mul => b.ins().fmul(x, y),
            Div => b.ins().fdiv(x, y),
            _ if is_comparison(op) => b.ins().fcmp(float_cc(op), x, y),
            // `**` (and any operator with a vector math algorithm) inline.
            _ => {
                super::vmath::binary(b, op, x, y).ok_or_else(|| unsupported(op.symbol(), dtype))?
            }
        });
    }
    if !dtype.is_int() {
        return Err(unsupported(op.symbol(), dtype));
    }
    let signed = dtype.is_signed_int();
    let ty = b.func.dfg.value_type(x);
    Ok(match op {
        Add => b.ins().iadd(x, y),
        Sub => b.ins().isub(x, y),
        Mul => b.ins().imul(x, y),
        FloorDiv | Mod => div_mod(b, op, signed, x, y),
        Pow => int_pow(b, signed, x, y, status),
        And => b.ins().band(x, y),
        Or => b.ins().bor(x, y),
        Xor => b.ins().bxor(x, y),
        Shl => {
            let ok = b
                .ins()
                .icmp_imm_s(IntCC::UnsignedLessThan, y, i64::from(ty.bits()));
            let shifted = b.ins().ishl(x, y);
            let zero = iconst(b, ty, 0);
            b.ins().select(ok, shifted, zero)
        }
        Shr => {
            let ok = b
                .ins()
                .icmp_imm_s(IntCC::UnsignedLessThan, y, i64::from(ty.bits()));
            if signed {
                let shifted = b.ins().sshr(x, y);
                let fill = b.ins().sshr_imm_s(x, i64::from(ty.bits() - 1));
                b.ins().select(ok, shifted, fill)
            } else {
                let shifted = b.ins().ushr(x, y);
                let zero = iconst(b, ty, 0);
                b.ins().select(ok, shifted, zero)
            }
        }
        _ if is_comparison(op) => b.ins().icmp(int_cc(op, signed), x, y),
        Div => return Err(unsupported(op.symbol(), dtype)),
        _ => return Err(unsupported(op.symbol(), dtype)),
    })
}

/// A divisor that never traps: 1 where `y` is 0 (or −1 for signed types, where
/// `MIN / -1` traps). Returns `(safe divisor, y == 0, y == -1)`.
fn safe_divisor(b: &mut FunctionBuilder, signed: bool, y: Value) -> (Value, Value, Option<Value>) {
    let ty = b.func.dfg.value_type(y);
    let one = iconst(b, ty, 1);
    let zero = b.ins().icmp_imm_s(IntCC::Equal, y, 0);
    if signed {
        let minus_one = iconst(b, ty, -1);
        let m1 = b.ins().icmp(IntCC::Equal, y, minus_one);
        let bad = b.ins().bor(zero, m1);
        (b.ins().select(bad, one, y), zero, Some(m1))
    } else {
        (b.ins().select(zero, one, y), zero, None)
    }
}

/// Python's `//` and `%` on integers: floor semantics, 0 on division by zero,
/// `MIN // -1 == MIN` (wrapping).
fn div_mod(b: &mut FunctionBuilder, op: BinaryOp, signed: bool, x: Value, y: Value) -> Value {
    let ty = b.func.dfg.value_type(x);
    let (ys, zero, m1) = safe_divisor(b, signed, y);
    let zero_v = iconst(b, ty, 0);
    if !signed {
        return if op == BinaryOp::FloorDiv {
            let q = b.ins().udiv(x, ys);
            b.ins().select(zero, zero_v, q)
        } else {
            // x % 1 == 0 covers the division by zero.
            b.ins().urem(x, ys)
        };
    }
    let q = b.ins().sdiv(x, ys);
    let r = b.ins().srem(x, ys);
    // A non-zero remainder whose sign differs from the divisor's: one below the truncation.
    let rnz = b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
    let sx = b.ins().bxor(r, y);
    let differ = b.ins().icmp_imm_s(IntCC::SignedLessThan, sx, 0);
    let adjust = b.ins().band(rnz, differ);
    if op == BinaryOp::FloorDiv {
        let q1 = b.ins().iadd_imm_s(q, -1);
        let q = b.ins().select(adjust, q1, q);
        let neg = b.ins().ineg(x);
        let q = match m1 {
            Some(m1) => b.ins().select(m1, neg, q),
            None => q,
        };
        b.ins().select(zero, zero_v, q)
    } else {
        // With the safe divisor 1 (y == 0 or -1) the remainder is already 0.
        let r1 = b.ins().iadd(r, y);
        b.ins().select(adjust, r1, r)
    }
}

/// `x ** y` by repeated squaring (wrapping); a negative `y` sets the status flag.
fn int_pow(b: &mut FunctionBuilder, signed: bool, x: Value, y: Value, status: Status) -> Value {
    let ty = b.func.dfg.value_type(x);
    if signed {
        let neg = b.ins().icmp_imm_s(IntCC::SignedLessThan, y, 0);
        let flag = b.create_block();
        let cont = b.create_block();
        b.set_cold_block(flag);
        b.ins().brif(neg, flag, &[], cont, &[]);
        b.switch_to_block(flag);
        let code = b.ins().iconst(types::I64, STATUS_NEGATIVE_POWER);
        b.ins().store(MemFlagsData::trusted(), code, status.ptr, 0);
        b.ins().jump(cont, &[]);
        b.switch_to_block(cont);
    }
    let acc = b.declare_var(ty);
    let base = b.declare_var(ty);
    let exp = b.declare_var(ty);
    let one = iconst(b, ty, 1);
    b.def_var(acc, one);
    b.def_var(base, x);
    b.def_var(exp, y);
    let header = b.create_block();
    let body = b.create_block();
    let exit = b.create_block();
    b.ins().jump(header, &[]);
    b.switch_to_block(header);
    let e = b.use_var(exp);
    b.ins().brif(e, body, &[], exit, &[]);
    b.switch_to_block(body);
    let (a, bs, e) = (b.use_var(acc), b.use_var(base), b.use_var(exp));
    let bit = b.ins().band_imm_s(e, 1);
    let prod = b.ins().imul(a, bs);
    let a = b.ins().select(bit, prod, a);
    let bs = b.ins().imul(bs, bs);
    let e = b.ins().ushr_imm_s(e, 1);
    b.def_var(acc, a);
    b.def_var(base, bs);
    b.def_var(exp, e);
    b.ins().jump(header, &[]);
    b.switch_to_block(exit);
    b.use_var(acc)
}

/// `maximum`/`minimum` of floats (scalars or vectors): the first operand if it wins or is
/// NaN, otherwise the second (NumPy's x86-64 tie rule).
fn float_extremum(b: &mut FunctionBuilder, max: bool, x: Value, y: Value) -> Value {
    let ty = b.func.dfg.value_type(x);
    let cc = if max {
        FloatCC::GreaterThan
    } else {
        FloatCC::LessThan
    };
    let wins = b.ins().fcmp(cc, x, y);
    let nan = b.ins().fcmp(FloatCC::Unordered, x, x);
    let pick = b.ins().bor(wins, nan);
    if ty.is_vector() {
        let mask = b.ins().bitcast(ty, MemFlagsData::new(), pick);
        b.ins().bitselect(mask, x, y)
    } else {
        b.ins().select(pick, x, y)
    }
}

/// `f(args)`: `arg` is the operands' dtype, `out` the node's.
pub(crate) fn call(b: &mut FunctionBuilder, f: Func, arg: DType, args: &[Value]) -> Emit {
    use Func::*;
    let (x, y) = match *args {
        [x] => (x, x),
        [x, y] => (x, y),
        _ => return Err(format!("{}() with {} operands", f.name(), args.len())),
    };
    if arg.is_float() {
        let ty = b.func.dfg.value_type(x);
        return Ok(match f {
            IsNan => b.ins().fcmp(FloatCC::Unordered, x, x),
            IsFinite | IsInf => {
                let ax = b.ins().fabs(x);
                let inf = float_const(b, ty, f64::INFINITY);
                let cc = if f == IsInf {
                    FloatCC::Equal
                } else {
                    FloatCC::LessThan
                };
                b.ins().fcmp(cc, ax, inf)
            }
            SignBit => {
                let ity = ty.as_int();
                let bits = b.ins().bitcast(ity, MemFlagsData::new(), x);
                b.ins().icmp_imm_s(IntCC::SignedLessThan, bits, 0)
            }
            Sqrt => b.ins().sqrt(x),
            Floor => b.ins().floor(x),
            Ceil => b.ins().ceil(x),
            Trunc => b.ins().trunc(x),
            Round => b.ins().nearest(x),
            Abs => b.ins().fabs(x),
            Copysign => b.ins().fcopysign(x, y),
            Maximum => float_extremum(b, true, x, y),
            Minimum => float_extremum(b, false, x, y),
            Sign => {
                let zero = float_const(b, ty, 0.0);
                let one = float_const(b, ty, 1.0);
                let m1 = float_const(b, ty, -1.0);
                let gt = b.ins().fcmp(FloatCC::GreaterThan, x, zero);
                let lt = b.ins().fcmp(FloatCC::LessThan, x, zero);
                let eq = b.ins().fcmp(FloatCC::Equal, x, zero);
                let r = b.ins().select(eq, zero, x);
                let r = b.ins().select(lt, m1, r);
                b.ins().select(gt, one, r)
            }
            // Transcendental functions with a vector math algorithm, inline.
            _ => super::vmath::call(b, f, args).ok_or_else(|| unsupported(f.name(), arg))?,
        });
    }
    if arg.is_bool() {
        return Ok(match f {
            Abs => x,
            Maximum => b.ins().bor(x, y),
            Minimum => b.ins().band(x, y),
            _ => return Err(unsupported(f.name(), arg)),
        });
    }
    if !arg.is_int() {
        return Err(unsupported(f.name(), arg));
    }
    let signed = arg.is_signed_int();
    let ty = b.func.dfg.value_type(x);
    Ok(match f {
        Abs if signed => {
            let neg = b.ins().ineg(x);
            let lt = b.ins().icmp_imm_s(IntCC::SignedLessThan, x, 0);
            b.ins().select(lt, neg, x)
        }
        Abs => x,
        Sign => {
            let gt_cc = if signed {
                IntCC::SignedGreaterThan
            } else {
                IntCC::UnsignedGreaterThan
            };
            let gt = b.ins().icmp_imm_s(gt_cc, x, 0);
            let gt = widen_bool(b, ty, gt);
            if signed {
                let lt = b.ins().icmp_imm_s(IntCC::SignedLessThan, x, 0);
                let lt = widen_bool(b, ty, lt);
                b.ins().isub(gt, lt)
            } else {
                gt
            }
        }
        Fmod => {
            let (ys, _, _) = safe_divisor(b, signed, y);
            // x % 1 == 0 covers division by zero and MIN % -1.
            if signed {
                b.ins().srem(x, ys)
            } else {
                b.ins().urem(x, ys)
            }
        }
        Maximum if signed => b.ins().smax(x, y),
        Maximum => b.ins().umax(x, y),
        Minimum if signed => b.ins().smin(x, y),
        Minimum => b.ins().umin(x, y),
        _ => return Err(unsupported(f.name(), arg)),
    })
}

/// A bool (`i8` 0/1) as an integer of type `ty`.
fn widen_bool(b: &mut FunctionBuilder, ty: Type, v: Value) -> Value {
    if ty == types::I8 {
        v
    } else {
        b.ins().uextend(ty, v)
    }
}

/// A float constant of scalar or vector type `ty`.
pub(crate) fn float_const(b: &mut FunctionBuilder, ty: Type, v: f64) -> Value {
    let lane = ty.lane_type();
    let c = if lane == types::F32 {
        b.ins().f32const(v as f32)
    } else {
        b.ins().f64const(v)
    };
    if ty.is_vector() {
        b.ins().splat(ty, c)
    } else {
        c
    }
}

/// Converts `x` from `from` to `to` with `astype` rules (see `vex_expr::ops::cast`).
pub(crate) fn cast(b: &mut FunctionBuilder, from: DType, to: DType, x: Value) -> Emit {
    if from == to {
        return Ok(x);
    }
    let (Some(fty), Some(tty)) = (clif_type(from), clif_type(to)) else {
        return Err(format!(
            "cast from {from} to {to} is not compiled by the JIT"
        ));
    };
    if to.is_bool() {
        return Ok(if from.is_float() {
            let zero = float_const(b, fty, 0.0);
            b.ins().fcmp(FloatCC::NotEqual, x, zero)
        } else {
            b.ins().icmp_imm_s(IntCC::NotEqual, x, 0)
        });
    }
    if from.is_integral() && to.is_integral() {
        let (fb, tb) = (fty.bits(), tty.bits());
        return Ok(if fb == tb {
            x
        } else if fb > tb {
            b.ins().ireduce(tty, x)
        } else if from.is_signed_int() {
            b.ins().sextend(tty, x)
        } else {
            b.ins().uextend(tty, x)
        });
    }
    if from.is_integral() && to.is_float() {
        // Widen to 64 bits first: a single rounding either way, as Rust's `as`.
        let wide = if fty.bits() == 64 {
            x
        } else if from.is_signed_int() {
            b.ins().sextend(types::I64, x)
        } else {
            b.ins().uextend(types::I64, x)
        };
        return Ok(if from.is_signed_int() {
            b.ins().fcvt_from_sint(tty, wide)
        } else {
            b.ins().fcvt_from_uint(tty, wide)
        });
    }
    if from.is_float() && to.is_float() {
        return Ok(if tty == types::F64 {
            b.ins().fpromote(tty, x)
        } else {
            b.ins().fdemote(tty, x)
        });
    }
    // Float to integer: truncate; through i64 (negative) or u64 (non-negative) and wrap
    // when in range; otherwise saturate (NaN → 0).
    let xd = if fty == types::F32 {
        b.ins().fpromote(types::F64, x)
    } else {
        x
    };
    let t = b.ins().trunc(xd);
    let lo = b.ins().f64const(-9_223_372_036_854_775_808.0);
    let zero = b.ins().f64const(0.0);
    let hi = b.ins().f64const(18_446_744_073_709_551_616.0);
    let ge_lo = b.ins().fcmp(FloatCC::GreaterThanOrEqual, t, lo);
    let lt_zero = b.ins().fcmp(FloatCC::LessThan, t, zero);
    let ge_zero = b.ins().fcmp(FloatCC::GreaterThanOrEqual, t, zero);
    let lt_hi = b.ins().fcmp(FloatCC::LessThan, t, hi);
    let in_neg = b.ins().band(ge_lo, lt_zero);
    let in_pos = b.ins().band(ge_zero, lt_hi);
    let s = b.ins().fcvt_to_sint_sat(types::I64, t);
    let u = b.ins().fcvt_to_uint_sat(types::I64, t);
    let wrapped = b.ins().select(in_neg, s, u);
    let wrapped = if tty == types::I64 {
        wrapped
    } else {
        b.ins().ireduce(tty, wrapped)
    };
    // Saturation: NaN → 0, below → MIN, above → MAX of the target.
    let (min, max) = int_range(to);
    let min_v = iconst(b, tty, min);
    let max_v = iconst(b, tty, max);
    let zero_v = iconst(b, tty, 0);
    let sat = b.ins().select(lt_zero, min_v, max_v);
    let nan = b.ins().fcmp(FloatCC::Unordered, t, t);
    let sat = b.ins().select(nan, zero_v, sat);
    let ok = b.ins().bor(in_neg, in_pos);
    Ok(b.ins().select(ok, wrapped, sat))
}

/// The minimum and maximum of an integer dtype, as two's complement bits.
fn int_range(d: DType) -> (i64, i64) {
    match d {
        DType::I8 => (i8::MIN.into(), i8::MAX.into()),
        DType::I16 => (i16::MIN.into(), i16::MAX.into()),
        DType::I32 => (i32::MIN.into(), i32::MAX.into()),
        DType::I64 => (i64::MIN, i64::MAX),
        DType::U8 => (0, u8::MAX.into()),
        DType::U16 => (0, u16::MAX.into()),
        DType::U32 => (0, u32::MAX.into()),
        _ => (0, -1),
    }
}
