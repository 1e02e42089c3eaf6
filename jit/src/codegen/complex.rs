//! complex64/complex128 in compiled code, with exactly the interpreter's semantics
//! (`vex_expr::ops::complex`, `ops::cast`, the interpreter's complex reductions).
//!
//! A complex node value is the pair (re, im) held in one vector value: complex128 as an
//! `f64x2` `[re, im]`, complex64 as an `f32x4` `[re, im, 0, 0]`. Holding the pair in one
//! value lets every path that moves node values around (a point's memo of values,
//! `where`, the stack buffers between helper passes, register accumulators) carry it
//! unchanged; arithmetic takes the two lanes apart and works on scalars, so complex
//! kernels run in the scalar loop (they are never vectorised). In memory a complex
//! element is interleaved `(re, im)`: 16 bytes, or 8 for complex64, whose loads and
//! stores therefore move one 64-bit word.
//!
//! Inline, with the interpreter's exact operation sequences: `+ - *` (`*` with fused
//! multiply-adds, as `ops::complex::mul_fused`), Smith's division, comparisons, `conj`,
//! `real`, `imag`, `round`, `maximum`/`minimum`, `complex(re, im)`, `isnan`/`isfinite`/
//! `isinf`, casts, `where`, `arange`/`linspace` in complex dtypes, and the folds of
//! `sum`/`mean`/`prod`/`min`/`max`. Functions that need libm (`abs` is `hypot`; `exp`,
//! `log`, `sqrt`, trigonometry, `**`, `sign`) run out of line, once per block, in
//! [`crate::helpers_complex`].

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{types, Endianness, InstBuilder, MemFlagsData, Type, Value};
use cranelift_frontend::FunctionBuilder;
use vex_expr::block::Block;
use vex_expr::ir::{BinaryOp, Func, Kernel, Literal, Op, Source, UnaryOp};
use vex_expr::{ops as vops, DType};

use super::ops::{self, Emit};
use crate::layout::{AccKind, FoldOp};

/// The vector type holding a complex value of `dtype`, or `None` for real dtypes.
pub(crate) fn value_type(dtype: DType) -> Option<Type> {
    match dtype {
        DType::C128 => Some(types::F64X2),
        DType::C64 => Some(types::F32X4),
        _ => None,
    }
}

/// The Cranelift type of a node value of any dtype.
pub(crate) fn node_type(dtype: DType) -> Option<Type> {
    ops::clif_type(dtype).or_else(|| value_type(dtype))
}

/// The real dtype of one part of complex `dtype`.
fn part_dtype(dtype: DType) -> DType {
    if dtype == DType::C64 {
        DType::F32
    } else {
        DType::F64
    }
}

/// Whether node `i` produces or consumes a complex value.
pub(crate) fn involves(kernel: &Kernel, i: usize) -> bool {
    let nodes = &kernel.nodes;
    nodes.get(i).is_some_and(|n| {
        n.dtype.is_complex()
            || super::operands(&n.op)
                .iter()
                .any(|&x| nodes.get(x).is_some_and(|x| x.dtype.is_complex()))
    })
}

/// Vector accesses may be misaligned for the vector (complex elements are aligned to
/// their part), so they carry no `aligned` flag.
fn vflags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

fn little() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

/// Loads a value of type `ty` (a node or accumulator type) from `addr`. In the scalar
/// paths vector types only ever hold complex values, so an `f32x4` is a complex64 of 8
/// bytes in memory; every other type is loaded as it is.
pub(crate) fn load(b: &mut FunctionBuilder, ty: Type, addr: Value) -> Value {
    match ty {
        types::F32X4 => {
            let w = b.ins().load(types::I64, vflags(), addr, 0);
            let v = b.ins().scalar_to_vector(types::I64X2, w);
            b.ins().bitcast(types::F32X4, little(), v)
        }
        t if t.is_vector() => b.ins().load(t, vflags(), addr, 0),
        t => b.ins().load(t, MemFlagsData::trusted(), addr, 0),
    }
}

/// Stores `v` at `addr`: the counterpart of [`load`].
pub(crate) fn store(b: &mut FunctionBuilder, v: Value, addr: Value) {
    match b.func.dfg.value_type(v) {
        types::F32X4 => {
            let i = b.ins().bitcast(types::I64X2, little(), v);
            let w = b.ins().extractlane(i, 0);
            b.ins().store(vflags(), w, addr, 0);
        }
        t if t.is_vector() => {
            b.ins().store(vflags(), v, addr, 0);
        }
        _ => {
            b.ins().store(MemFlagsData::trusted(), v, addr, 0);
        }
    }
}

/// `(re, im)` of a complex value.
fn parts(b: &mut FunctionBuilder, v: Value) -> (Value, Value) {
    (b.ins().extractlane(v, 0), b.ins().extractlane(v, 1))
}

/// The complex value `re + im·i` (both `f64` or both `f32`).
fn pack(b: &mut FunctionBuilder, re: Value, im: Value) -> Value {
    let vty = if b.func.dfg.value_type(re) == types::F64 {
        types::F64X2
    } else {
        types::F32X4
    };
    let v = b.ins().scalar_to_vector(vty, re);
    b.ins().insertlane(v, im, 1)
}

/// A complex constant of `dtype` from its parts.
fn complex_const(b: &mut FunctionBuilder, dtype: DType, re: f64, im: f64) -> Emit {
    let (re, im) = match dtype {
        DType::C128 => (b.ins().f64const(re), b.ins().f64const(im)),
        DType::C64 => (b.ins().f32const(re as f32), b.ins().f32const(im as f32)),
        d => return Err(format!("complex constant of {d}")),
    };
    Ok(pack(b, re, im))
}

/// The constant `lit` in complex `dtype`, exactly as the interpreter splats it.
pub(crate) fn constant(b: &mut FunctionBuilder, lit: Literal, dtype: DType) -> Emit {
    match vops::splat(lit, dtype, 1) {
        Block::C128(v) => {
            let z = v.first().copied().unwrap_or_default();
            complex_const(b, dtype, z.re, z.im)
        }
        Block::C64(v) => {
            let z = v.first().copied().unwrap_or_default();
            complex_const(b, dtype, f64::from(z.re), f64::from(z.im))
        }
        _ => Err(format!("complex constant of {dtype}")),
    }
}

/// Zero in complex `dtype` (a stand-in value when checking a kernel).
pub(crate) fn zero(b: &mut FunctionBuilder, dtype: DType) -> Emit {
    complex_const(b, dtype, 0.0, 0.0)
}

/// The value of an index source at index `i` in complex `dtype`, as the interpreter's
/// `Load::index_value`: `arange` is `start + step·i` in complex128 (then rounded part by
/// part), `linspace` its real value with a zero imaginary part.
pub(crate) fn index_value(
    b: &mut FunctionBuilder,
    source: &Source,
    dtype: DType,
    i: Value,
) -> Emit {
    let part = part_dtype(dtype);
    // The real part is the real index source's value.
    let re = super::index::index_value(b, source, part, i)?;
    let im = match *source {
        Source::Arange { start, step, .. } => {
            let (s, d) = (lit_im(start), lit_im(step));
            let x = b.ins().fcvt_from_uint(types::F64, i);
            let dv = b.ins().f64const(d);
            let sv = b.ins().f64const(s);
            let m = b.ins().fmul(dv, x);
            let v = b.ins().fadd(sv, m);
            if part == DType::F32 {
                b.ins().fdemote(types::F32, v)
            } else {
                v
            }
        }
        _ => ops::float_const(b, ops::clif_type(part).unwrap_or(types::F64), 0.0),
    };
    Ok(pack(b, re, im))
}

fn lit_im(l: Literal) -> f64 {
    match l {
        Literal::Complex(_, im) => im,
        _ => 0.0,
    }
}

/// The value of node `i`, which produces or consumes complex values, from its operands'.
pub(crate) fn eval_node(
    b: &mut FunctionBuilder,
    kernel: &Kernel,
    i: usize,
    vals: &[Option<Value>],
) -> Emit {
    let nodes = &kernel.nodes;
    let n = nodes.get(i).ok_or("missing node")?;
    let get = |id: usize| {
        vals.get(id)
            .copied()
            .flatten()
            .ok_or_else(|| format!("node {i}: operand {id} is not available"))
    };
    let dt = |id: usize| nodes.get(id).map(|n| n.dtype).unwrap_or(DType::Bool);
    match &n.op {
        Op::Unary(UnaryOp::Neg, x) if dt(*x).is_complex() => Ok(b.ins().fneg(get(*x)?)),
        Op::Binary(op, x, y) if dt(*x).is_complex() && dt(*y) == dt(*x) => {
            binary(b, *op, get(*x)?, get(*y)?)
                .ok_or_else(|| format!("'{}' on {} is not compiled inline", op.symbol(), dt(*x)))
        }
        Op::Call(f, xs) => {
            let args: Vec<Value> = xs.iter().map(|&x| get(x)).collect::<Result<_, _>>()?;
            let arg = xs.first().map_or(n.dtype, |&x| dt(x));
            if xs.iter().any(|&x| dt(x) != arg) {
                return Err(format!("{}() with mixed operand dtypes", f.name()));
            }
            call(b, *f, arg, n.dtype, &args)
                .ok_or_else(|| format!("{}() on {arg} is not compiled inline", f.name()))
        }
        Op::Cast(x) => cast(b, dt(*x), n.dtype, get(*x)?),
        Op::Where(c, x, y) if dt(*x) == n.dtype && dt(*y) == n.dtype => {
            let (c, x, y) = (get(*c)?, get(*x)?, get(*y)?);
            Ok(b.ins().select(c, x, y))
        }
        op => Err(format!("{op:?} on {} is not compiled by the JIT", n.dtype)),
    }
}

/// NumPy's lexicographic complex ordering (`ops::complex::lt` and relatives): a decision
/// on the real parts holds only when neither imaginary part is NaN.
fn ordered(b: &mut FunctionBuilder, cc: FloatCC, x: Value, y: Value) -> Value {
    let ((xr, xi), (yr, yi)) = (parts(b, x), parts(b, y));
    let strict = match cc {
        FloatCC::LessThan | FloatCC::LessThanOrEqual => FloatCC::LessThan,
        _ => FloatCC::GreaterThan,
    };
    let by_re = b.ins().fcmp(strict, xr, yr);
    let no_nan = b.ins().fcmp(FloatCC::Ordered, xi, yi);
    let first = b.ins().band(by_re, no_nan);
    let re_eq = b.ins().fcmp(FloatCC::Equal, xr, yr);
    let by_im = b.ins().fcmp(cc, xi, yi);
    let second = b.ins().band(re_eq, by_im);
    b.ins().bor(first, second)
}

fn has_nan(b: &mut FunctionBuilder, x: Value) -> Value {
    let (re, im) = parts(b, x);
    let r = b.ins().fcmp(FloatCC::Unordered, re, re);
    let i = b.ins().fcmp(FloatCC::Unordered, im, im);
    b.ins().bor(r, i)
}

/// `x op y` on complex operands, or `None` where the helper computes it.
fn binary(b: &mut FunctionBuilder, op: BinaryOp, x: Value, y: Value) -> Option<Value> {
    use BinaryOp::*;
    Some(match op {
        Add => b.ins().fadd(x, y),
        Sub => b.ins().fsub(x, y),
        Mul => {
            // mul_fused: fma(a, c, −bd) + fma(a, d, bc)i.
            let ((a, bb), (c, d)) = (parts(b, x), parts(b, y));
            let bd = b.ins().fmul(bb, d);
            let nbd = b.ins().fneg(bd);
            let re = b.ins().fma(a, c, nbd);
            let bc = b.ins().fmul(bb, c);
            let im = b.ins().fma(a, d, bc);
            pack(b, re, im)
        }
        Div => smith_div(b, x, y),
        Lt => ordered(b, FloatCC::LessThan, x, y),
        Le => ordered(b, FloatCC::LessThanOrEqual, x, y),
        Gt => ordered(b, FloatCC::GreaterThan, x, y),
        Ge => ordered(b, FloatCC::GreaterThanOrEqual, x, y),
        Eq | Ne => {
            let ((xr, xi), (yr, yi)) = (parts(b, x), parts(b, y));
            let (cc, join_and) = if op == Eq {
                (FloatCC::Equal, true)
            } else {
                (FloatCC::NotEqual, false)
            };
            let r = b.ins().fcmp(cc, xr, yr);
            let i = b.ins().fcmp(cc, xi, yi);
            if join_and {
                b.ins().band(r, i)
            } else {
                b.ins().bor(r, i)
            }
        }
        _ => return None,
    })
}

/// Smith's division exactly as `ops::complex::div`, without branches and with its two
/// divisions: the branch the interpreter takes selects the operands of each operation
/// (the same operations in the same order as there), so that both branches, and the
/// division by zero, share the two `fdiv`s.
fn smith_div(b: &mut FunctionBuilder, x: Value, y: Value) -> Value {
    let ((xr, xi), (yr, yi)) = (parts(b, x), parts(b, y));
    let ty = b.func.dfg.value_type(xr);
    let one = ops::float_const(b, ty, 1.0);
    let zero = ops::float_const(b, ty, 0.0);
    let abr = b.ins().fabs(yr);
    let abi = b.ins().fabs(yi);
    // `ge`: |re| >= |im| (false with a NaN part); `both0`: division by zero, where the
    // interpreter divides the parts by |re|.
    let ge = b.ins().fcmp(FloatCC::GreaterThanOrEqual, abr, abi);
    let r0 = b.ins().fcmp(FloatCC::Equal, abr, zero);
    let i0 = b.ins().fcmp(FloatCC::Equal, abi, zero);
    let both0 = b.ins().band(r0, i0);
    // The divisor's larger and smaller parts: rat = q / p, scl = 1 / (p + q·rat).
    let p = b.ins().select(ge, yr, yi);
    let q = b.ins().select(ge, yi, yr);
    let n1 = b.ins().select(both0, xr, q);
    let m1 = b.ins().select(both0, abr, p);
    let rat = b.ins().fdiv(n1, m1);
    let t = b.ins().fmul(q, rat);
    let den = b.ins().fadd(p, t);
    let n2 = b.ins().select(both0, xi, one);
    let m2 = b.ins().select(both0, abr, den);
    let scl = b.ins().fdiv(n2, m2);
    let pr = b.ins().fmul(xr, rat);
    let pi = b.ins().fmul(xi, rat);
    // ge: (xr + xi·rat)·scl, (xi − xr·rat)·scl; else (xr·rat + xi)·scl, (xi·rat − xr)·scl.
    let a1 = b.ins().select(ge, xr, pr);
    let a2 = b.ins().select(ge, pi, xi);
    let re_n = b.ins().fadd(a1, a2);
    let s1 = b.ins().select(ge, xi, pi);
    let s2 = b.ins().select(ge, pr, xr);
    let im_n = b.ins().fsub(s1, s2);
    let re = b.ins().fmul(re_n, scl);
    let im = b.ins().fmul(im_n, scl);
    // Division by zero: the two quotients themselves.
    let re = b.ins().select(both0, rat, re);
    let im = b.ins().select(both0, scl, im);
    pack(b, re, im)
}

/// `f(args)` with operands of `arg` and a result of `out`, or `None` where the helper
/// computes it.
fn call(b: &mut FunctionBuilder, f: Func, arg: DType, out: DType, args: &[Value]) -> Option<Value> {
    use Func::*;
    let (&x, y) = (args.first()?, args.get(1).copied());
    if f == Complex {
        // complex(re, im) of two floats of the result's precision.
        return (arg.is_float() && out.is_complex() && part_dtype(out) == arg)
            .then(|| pack(b, x, y.unwrap_or(x)));
    }
    if !arg.is_complex() {
        return None;
    }
    Some(match f {
        IsNan => has_nan(b, x),
        IsFinite | IsInf => {
            let (re, im) = parts(b, x);
            let ty = b.func.dfg.value_type(re);
            let inf = ops::float_const(b, ty, f64::INFINITY);
            let (ar, ai) = (b.ins().fabs(re), b.ins().fabs(im));
            if f == IsFinite {
                let r = b.ins().fcmp(FloatCC::LessThan, ar, inf);
                let i = b.ins().fcmp(FloatCC::LessThan, ai, inf);
                b.ins().band(r, i)
            } else {
                let r = b.ins().fcmp(FloatCC::Equal, ar, inf);
                let i = b.ins().fcmp(FloatCC::Equal, ai, inf);
                b.ins().bor(r, i)
            }
        }
        Conj => {
            let (re, im) = parts(b, x);
            let im = b.ins().fneg(im);
            pack(b, re, im)
        }
        Real => b.ins().extractlane(x, 0),
        Imag => b.ins().extractlane(x, 1),
        // round_ties_even on each part.
        Round => {
            let (re, im) = parts(b, x);
            let (re, im) = (b.ins().nearest(re), b.ins().nearest(im));
            pack(b, re, im)
        }
        Maximum | Minimum => extremum(b, f == Maximum, x, y?),
        _ => return None,
    })
}

/// `maximum`/`minimum` (and the `max`/`min` folds): the first operand if it has a NaN
/// part or wins lexicographically (ties included), else the second.
fn extremum(b: &mut FunctionBuilder, max: bool, x: Value, y: Value) -> Value {
    let cc = if max {
        FloatCC::GreaterThanOrEqual
    } else {
        FloatCC::LessThanOrEqual
    };
    let wins = ordered(b, cc, x, y);
    let nan = has_nan(b, x);
    let pick = b.ins().bor(nan, wins);
    b.ins().select(pick, x, y)
}

/// Converts `x` from `from` to `to` (one of them complex) as `ops::cast`: complex to real
/// keeps the real part (then converts it as that float), real to complex converts into
/// the part type with a zero imaginary part, and `!= 0` on either part makes a bool.
fn cast(b: &mut FunctionBuilder, from: DType, to: DType, x: Value) -> Emit {
    if from == to {
        return Ok(x);
    }
    match (from.is_complex(), to.is_complex()) {
        (true, true) => Ok(if to == DType::C128 {
            b.ins().fvpromote_low(x)
        } else {
            b.ins().fvdemote(x)
        }),
        (true, false) if to.is_bool() => {
            let (re, im) = parts(b, x);
            let ty = b.func.dfg.value_type(re);
            let zero = ops::float_const(b, ty, 0.0);
            let r = b.ins().fcmp(FloatCC::NotEqual, re, zero);
            let i = b.ins().fcmp(FloatCC::NotEqual, im, zero);
            Ok(b.ins().bor(r, i))
        }
        (true, false) => {
            let re = b.ins().extractlane(x, 0);
            ops::cast(b, part_dtype(from), to, re)
        }
        (false, true) => {
            let part = part_dtype(to);
            let re = ops::cast(b, from, part, x)?;
            let ty = b.func.dfg.value_type(re);
            let im = ops::float_const(b, ty, 0.0);
            Ok(pack(b, re, im))
        }
        (false, false) => Err(format!("cast from {from} to {to} is not complex")),
    }
}

/// Folds complex `x` (of `dtype`) into a reduction's state, as the interpreter's
/// accumulators: compensated sums per part in f64 (one `f64x2` TwoSum), the plain product
/// (`num_complex`'s `*`, no fused multiply-adds), and lexicographic `min`/`max`.
pub(crate) fn fold(
    b: &mut FunctionBuilder,
    acc: AccKind,
    dtype: DType,
    state: &[Value],
    x: Value,
) -> Vec<Value> {
    match acc {
        AccKind::Kahan { .. } => {
            let x = if dtype == DType::C64 {
                b.ins().fvpromote_low(x)
            } else {
                x
            };
            // The f64 TwoSum of `fold` on both lanes at once.
            super::fold::fold(b, acc, DType::F64, state, x)
        }
        AccKind::Fold(op) => {
            let a = state[0];
            let v = match op {
                FoldOp::Mul => {
                    let ((ar, ai), (xr, xi)) = (parts(b, a), parts(b, x));
                    let t1 = b.ins().fmul(ar, xr);
                    let t2 = b.ins().fmul(ai, xi);
                    let re = b.ins().fsub(t1, t2);
                    let t1 = b.ins().fmul(ar, xi);
                    let t2 = b.ins().fmul(ai, xr);
                    let im = b.ins().fadd(t1, t2);
                    pack(b, re, im)
                }
                FoldOp::Min => extremum(b, false, a, x),
                FoldOp::Max => extremum(b, true, a, x),
                // The layout gives complex reductions no other fold.
                FoldOp::Add | FoldOp::Or | FoldOp::And => a,
            };
            vec![v]
        }
    }
}
