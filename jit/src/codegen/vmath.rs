//! The vector math algorithms of [`vex_expr::vmath`] as Cranelift IR, and calls of them.
//!
//! Kernels call each algorithm's function in the process-wide [`mathlib`] ([`call`],
//! [`binary`]), which is compiled from [`Clif`]; only `sqrt`, one instruction, is emitted
//! in place. [`Clif`] implements [`vmath::Builder`] over one `f64` (the scalar loop and tails) or
//! one `f64x2` (the vector loop): floats are `F64`/`F64X2` values, integers `I64`/`I64X2`,
//! and masks what a comparison gives (`I8` 0/1 for scalars, all-ones `I64X2` lanes for
//! vectors). float32 operands are promoted to float64, computed, and rounded once
//! ([`call`], [`binary`]); an `f32x4` is computed as two `f64x2` halves.
//!
//! Where Cranelift's x86-64 backend has no direct lowering, the primitives use exact
//! integer/float tricks instead of slow per-lane fallbacks: `copysign` on vectors is bit
//! arithmetic, and `to_int` and `to_float` on vectors are `vmath::convert`'s exact bit
//! tricks (`to_int` on scalars too, so both loops give the same bits).

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, BlockArg, ConstantData, Endianness, InstBuilder, MemFlagsData, Opcode,
    Signature, StackSlotData, StackSlotKind, Type, Value, ValueDef,
};
use cranelift_frontend::FunctionBuilder;
use vex_expr::ir::{BinaryOp, Func, Op};
use vex_expr::vmath::{self, Builder};
use vex_expr::DType;

use super::mathlib::{self, MathFn};

/// Whether node operation `op`, with operands of dtype `arg`, is computed inline by a
/// [`vmath`] algorithm (float operands, a registered function or operator).
pub(crate) fn covers(op: &Op, arg: DType) -> bool {
    if !matches!(arg, DType::F32 | DType::F64) {
        return false;
    }
    match op {
        Op::Call(f, _) => vmath::has(*f),
        Op::Binary(o, _, _) => vmath::has_binary(*o),
        _ => false,
    }
}

/// `f(args)` for arguments of one type among `F64`, `F32`, `F64X2` and `F32X4`, as a call
/// of its [`mathlib`] function (inline where the algorithm is a single instruction);
/// `None` where [`vmath`] has no algorithm for `f`, the type is another, or the library
/// function could not be compiled.
pub(crate) fn call(b: &mut FunctionBuilder, f: Func, args: &[Value]) -> Option<Value> {
    if !vmath::has(f) {
        return None;
    }
    if f == Func::Sqrt {
        return per_f64(b, args, |m, xs| Some(m.sqrt(xs[0])));
    }
    library_call(b, MathFn::Call(f), args)
}

/// The float binary operator `op` (see [`call`]).
pub(crate) fn binary(b: &mut FunctionBuilder, op: BinaryOp, x: Value, y: Value) -> Option<Value> {
    if !vmath::has_binary(op) {
        return None;
    }
    library_call(b, MathFn::Binary(op), &[x, y])
}

/// The library function of node operation `op` (a call or `**` that [`covers`]) on two
/// `f64x2` vectors at once, `args[u]` holding the operands of vector `u`: one library
/// call for all four lanes. `None` where [`call`] would give `None`.
pub(crate) fn call_pair(
    b: &mut FunctionBuilder,
    op: &Op,
    args: [&[Value]; 2],
) -> Option<[Value; 2]> {
    let f = match op {
        Op::Call(f, _) if *f != Func::Sqrt && vmath::has(*f) => MathFn::Call(*f),
        Op::Binary(o, _, _) if vmath::has_binary(*o) => MathFn::Binary(*o),
        _ => return None,
    };
    if args.iter().any(|a| a.len() != f.arity()) {
        return None;
    }
    let all_f64x2 = args
        .iter()
        .flat_map(|a| a.iter())
        .all(|&v| b.func.dfg.value_type(v) == types::F64X2);
    if !all_f64x2 {
        return None;
    }
    let halves: Vec<[Value; 2]> = (0..f.arity()).map(|k| [args[0][k], args[1][k]]).collect();
    invoke(b, f, &halves)
}

/// Calls `f`'s library function on `args`: scalars splatted (lane 0 of the result kept),
/// an `f64x2` in both halves of the call, `f32` lanes promoted and the result rounded
/// back once, an `f32x4` as its two promoted halves.
fn library_call(b: &mut FunctionBuilder, f: MathFn, args: &[Value]) -> Option<Value> {
    if args.len() != f.arity() {
        return None;
    }
    let ty = b.func.dfg.value_type(*args.first()?);
    if args.iter().any(|&a| b.func.dfg.value_type(a) != ty) {
        return None;
    }
    match ty {
        types::F64 | types::F32 => {
            let wide: Vec<[Value; 2]> = args
                .iter()
                .map(|&a| {
                    let a = if ty == types::F32 {
                        b.ins().fpromote(types::F64, a)
                    } else {
                        a
                    };
                    let v = b.ins().splat(types::F64X2, a);
                    [v, v]
                })
                .collect();
            let [r, _] = invoke(b, f, &wide)?;
            let r = b.ins().extractlane(r, 0);
            Some(if ty == types::F32 {
                b.ins().fdemote(types::F32, r)
            } else {
                r
            })
        }
        types::F64X2 => {
            let both: Vec<[Value; 2]> = args.iter().map(|&a| [a, a]).collect();
            Some(invoke(b, f, &both)?[0])
        }
        types::F32X4 => {
            let halves: Vec<[Value; 2]> = args.iter().map(|&a| promote_halves(b, a)).collect();
            let [lo, hi] = invoke(b, f, &halves)?;
            Some(demote_halves(b, lo, hi))
        }
        _ => None,
    }
}

/// One call of `f`'s library function on [`mathlib::LANES`] lanes: `args[k]` is argument
/// `k` as two `f64x2` halves; returns the result's halves. The arguments go through a
/// stack slot (see the [`mathlib`] calling convention).
fn invoke(b: &mut FunctionBuilder, f: MathFn, args: &[[Value; 2]]) -> Option<[Value; 2]> {
    let addr = mathlib::address(f).ok()?;
    let row = (mathlib::LANES * 8) as u32;
    let slot = b.create_sized_stack_slot(StackSlotData::new(
        StackSlotKind::ExplicitSlot,
        row * args.len() as u32,
        5,
    ));
    let base = b.ins().stack_addr(types::I64, slot, 0);
    let flags = MemFlagsData::trusted();
    for (k, halves) in args.iter().enumerate() {
        for (h, &v) in halves.iter().enumerate() {
            b.ins()
                .store(flags, v, base, (row as usize * k + 16 * h) as i32);
        }
    }
    let sig = mathlib::signature(b.func.signature.call_conv);
    let sig = b.import_signature(sig);
    let callee = b.ins().iconst(types::I64, addr as i64);
    b.ins().call_indirect(sig, callee, &[base]);
    Some([0, 16].map(|at| b.ins().load(types::F64X2, flags, base, at)))
}

/// The low and high halves of an `f32x4`, each promoted to `f64x2`.
fn promote_halves(b: &mut FunctionBuilder, x: Value) -> [Value; 2] {
    let lo = b.ins().fvpromote_low(x);
    let swapped = swap_halves(b, x);
    let hi = b.ins().fvpromote_low(swapped);
    [lo, hi]
}

/// Two `f64x2` rounded to float32 and joined into one `f32x4` (`lo` in the low lanes).
fn demote_halves(b: &mut FunctionBuilder, lo: Value, hi: Value) -> Value {
    let n_lo = b.ins().fvdemote(lo);
    let n_hi = b.ins().fvdemote(hi);
    // The low 64 bits of each narrowed half: [lo0, lo1, hi0, hi1].
    byte_shuffle(b, n_lo, n_hi, |k| k)
}

/// Runs `emit` on `args` as float64: directly for `F64`/`F64X2`, promoted and rounded
/// back once for `F32`, and on two promoted halves for `F32X4`.
fn per_f64(
    b: &mut FunctionBuilder,
    args: &[Value],
    emit: impl Fn(&mut Clif, &[Value]) -> Option<Value>,
) -> Option<Value> {
    let ty = b.func.dfg.value_type(*args.first()?);
    if args.iter().any(|&a| b.func.dfg.value_type(a) != ty) {
        return None;
    }
    match ty {
        types::F64 => emit(&mut Clif::new(b, false), args),
        types::F64X2 => emit(&mut Clif::new(b, true), args),
        types::F32 => {
            let wide: Vec<Value> = args
                .iter()
                .map(|&a| b.ins().fpromote(types::F64, a))
                .collect();
            let r = emit(&mut Clif::new(b, false), &wide)?;
            Some(b.ins().fdemote(types::F32, r))
        }
        types::F32X4 => per_f32x4_half(b, args, |b, xs| emit(&mut Clif::new(b, true), xs)),
        _ => None,
    }
}

/// `emit` (on `f64x2` values) applied to the low and the high halves of `f32x4` `args`,
/// each promoted, and the two results narrowed back into one `f32x4`.
fn per_f32x4_half(
    b: &mut FunctionBuilder,
    args: &[Value],
    emit: impl Fn(&mut FunctionBuilder, &[Value]) -> Option<Value>,
) -> Option<Value> {
    let halves: Vec<[Value; 2]> = args.iter().map(|&a| promote_halves(b, a)).collect();
    let lo: Vec<Value> = halves.iter().map(|h| h[0]).collect();
    let hi: Vec<Value> = halves.iter().map(|h| h[1]).collect();
    let r_lo = emit(b, &lo)?;
    let r_hi = emit(b, &hi)?;
    Some(demote_halves(b, r_lo, r_hi))
}

fn little() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

/// The 128-bit vector whose byte `k` is byte `pick(k)` of `x` (`k < 8`) and of `y`
/// (`k >= 8`, where `pick(k - 8) + 16` indexes `y`): `x`'s and `y`'s low halves chosen
/// by `pick` over `0..8`.
fn byte_shuffle(b: &mut FunctionBuilder, x: Value, y: Value, pick: impl Fn(u8) -> u8) -> Value {
    let ty = b.func.dfg.value_type(x);
    let mask: Vec<u8> = (0..8)
        .map(&pick)
        .chain((0..8).map(|k| pick(k) + 16))
        .collect();
    let mask = b.func.dfg.immediates.push(ConstantData::from(mask));
    let xb = b.ins().bitcast(types::I8X16, little(), x);
    let yb = b.ins().bitcast(types::I8X16, little(), y);
    let r = b.ins().shuffle(xb, yb, mask);
    b.ins().bitcast(ty, little(), r)
}

/// `x` with its 64-bit halves exchanged.
fn swap_halves(b: &mut FunctionBuilder, x: Value) -> Value {
    let ty = b.func.dfg.value_type(x);
    let mask: Vec<u8> = (8..16).chain(0..8).collect();
    let mask = b.func.dfg.immediates.push(ConstantData::from(mask));
    let xb = b.ins().bitcast(types::I8X16, little(), x);
    let r = b.ins().shuffle(xb, xb, mask);
    b.ins().bitcast(ty, little(), r)
}

/// The sign bit of a float64.
const SIGN: i64 = i64::MIN;

/// [`vmath::Builder`] emitting Cranelift IR on one `f64` (`vector: false`) or one `f64x2`.
pub(crate) struct Clif<'a, 'f> {
    b: &'a mut FunctionBuilder<'f>,
    vector: bool,
}

impl<'a, 'f> Clif<'a, 'f> {
    /// A builder emitting into `b` on scalars or on `f64x2` vectors.
    pub(crate) fn new(b: &'a mut FunctionBuilder<'f>, vector: bool) -> Self {
        Clif { b, vector }
    }

    fn fty(&self) -> Type {
        if self.vector {
            types::F64X2
        } else {
            types::F64
        }
    }

    fn ity(&self) -> Type {
        if self.vector {
            types::I64X2
        } else {
            types::I64
        }
    }

    /// A vector constant of type `ty` with `bits` in both 64-bit lanes, from the
    /// function's constant pool (one load, no splat).
    fn vconst(&mut self, ty: Type, bits: u64) -> Value {
        let bytes: Vec<u8> = [bits.to_le_bytes(), bits.to_le_bytes()].concat();
        let c = self.b.func.dfg.constants.insert(ConstantData::from(bytes));
        self.b.ins().vconst(ty, c)
    }

    fn fcmp(&mut self, cc: FloatCC, a: Value, b: Value) -> Value {
        self.b.ins().fcmp(cc, a, b)
    }

    /// Whether `v` is the result of an integer comparison.
    fn is_icmp(&self, v: Value) -> bool {
        let dfg = &self.b.func.dfg;
        match dfg.value_def(v) {
            ValueDef::Result(inst, _) => dfg.insts[inst].opcode() == Opcode::Icmp,
            _ => false,
        }
    }
}

impl Builder for Clif<'_, '_> {
    type F = Value;
    type I = Value;
    type M = Value;

    fn splat(&mut self, c: f64) -> Value {
        if self.vector {
            self.vconst(types::F64X2, c.to_bits())
        } else {
            self.b.ins().f64const(c)
        }
    }
    fn splat_i(&mut self, c: i64) -> Value {
        if self.vector {
            self.vconst(types::I64X2, c as u64)
        } else {
            self.b.ins().iconst(types::I64, c)
        }
    }
    fn add(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fadd(a, b)
    }
    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fsub(a, b)
    }
    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fmul(a, b)
    }
    fn div(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fdiv(a, b)
    }
    fn fma(&mut self, a: Value, b: Value, c: Value) -> Value {
        // `vfmadd` where the ISA has FMA (cranelift_native enables it on such hosts),
        // else the fused libm `fma`.
        self.b.ins().fma(a, b, c)
    }
    fn neg(&mut self, a: Value) -> Value {
        self.b.ins().fneg(a)
    }
    fn abs(&mut self, a: Value) -> Value {
        self.b.ins().fabs(a)
    }
    fn sqrt(&mut self, a: Value) -> Value {
        self.b.ins().sqrt(a)
    }
    fn floor(&mut self, a: Value) -> Value {
        self.b.ins().floor(a)
    }
    fn trunc(&mut self, a: Value) -> Value {
        self.b.ins().trunc(a)
    }
    fn rint(&mut self, a: Value) -> Value {
        self.b.ins().nearest(a)
    }
    fn copysign(&mut self, mag: Value, sign: Value) -> Value {
        if !self.vector {
            return self.b.ins().fcopysign(mag, sign);
        }
        // x86-64 has no vector `fcopysign` lowering: (mag & !SIGN) | (sign & SIGN).
        let m = self.to_bits(mag);
        let s = self.to_bits(sign);
        let keep = self.splat_i(!SIGN);
        let bit = self.splat_i(SIGN);
        let m = self.iand(m, keep);
        let s = self.iand(s, bit);
        let r = self.ior(m, s);
        self.bits_to_float(r)
    }
    fn lt(&mut self, a: Value, b: Value) -> Value {
        self.fcmp(FloatCC::LessThan, a, b)
    }
    fn le(&mut self, a: Value, b: Value) -> Value {
        self.fcmp(FloatCC::LessThanOrEqual, a, b)
    }
    fn eq(&mut self, a: Value, b: Value) -> Value {
        self.fcmp(FloatCC::Equal, a, b)
    }
    fn is_nan(&mut self, a: Value) -> Value {
        self.fcmp(FloatCC::Unordered, a, a)
    }
    fn select(&mut self, m: Value, a: Value, b: Value) -> Value {
        if !self.vector {
            return self.b.ins().select(m, a, b);
        }
        // x86-64 lowers `bitselect` to one blend only where it sees the mask come from a
        // comparison of the same domain (an `fcmp`, or an `icmp` of integer lanes);
        // integer masks therefore select between the floats' bits.
        if self.is_icmp(m) {
            let (ai, bi) = (self.to_bits(a), self.to_bits(b));
            let r = self.b.ins().bitselect(m, ai, bi);
            return self.bits_to_float(r);
        }
        let mask = self.b.ins().bitcast(types::F64X2, MemFlagsData::new(), m);
        self.b.ins().bitselect(mask, a, b)
    }
    fn select_i(&mut self, m: Value, a: Value, b: Value) -> Value {
        if self.vector {
            self.b.ins().bitselect(m, a, b)
        } else {
            self.b.ins().select(m, a, b)
        }
    }
    fn and(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().band(a, b)
    }
    fn or(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().bor(a, b)
    }
    fn not(&mut self, a: Value) -> Value {
        if self.vector {
            self.b.ins().bnot(a)
        } else {
            // A scalar mask is 0 or 1: flip the low bit only.
            self.b.ins().bxor_imm_s(a, 1)
        }
    }
    fn to_bits(&mut self, a: Value) -> Value {
        let ty = self.ity();
        self.b.ins().bitcast(ty, MemFlagsData::new(), a)
    }
    fn bits_to_float(&mut self, a: Value) -> Value {
        let ty = self.fty();
        self.b.ins().bitcast(ty, MemFlagsData::new(), a)
    }
    fn iadd(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().iadd(a, b)
    }
    fn isub(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().isub(a, b)
    }
    fn iand(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().band(a, b)
    }
    fn ior(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().bor(a, b)
    }
    fn ixor(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().bxor(a, b)
    }
    fn shl(&mut self, a: Value, n: u32) -> Value {
        self.b.ins().ishl_imm_s(a, i64::from(n))
    }
    fn ashr(&mut self, a: Value, n: u32) -> Value {
        self.b.ins().sshr_imm_s(a, i64::from(n))
    }
    fn lshr(&mut self, a: Value, n: u32) -> Value {
        self.b.ins().ushr_imm_s(a, i64::from(n))
    }
    fn ieq(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().icmp(IntCC::Equal, a, b)
    }
    fn ilt(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().icmp(IntCC::SignedLessThan, a, b)
    }
    fn to_float(&mut self, a: Value) -> Value {
        if !self.vector {
            return self.b.ins().fcvt_from_sint(types::F64, a);
        }
        // No conversion instruction for i64x2 without AVX-512.
        vmath::convert::to_float(self, a)
    }
    fn to_int(&mut self, a: Value) -> Value {
        // The same bits in the scalar and vector loops (no conversion instruction for
        // i64x2 without AVX-512).
        vmath::convert::to_int(self, a)
    }
    fn when_any<const N: usize>(
        &mut self,
        m: Value,
        skip: [Value; N],
        slow: impl FnOnce(&mut Self) -> [Value; N],
    ) -> [Value; N] {
        // if any lane of m { slow } else { skip }, joined by block parameters; the slow
        // block is laid out cold, away from the common path.
        let any = if self.vector {
            self.b.ins().vany_true(m)
        } else {
            m
        };
        let slow_block = self.b.create_block();
        let merge = self.b.create_block();
        for v in skip {
            let ty = self.b.func.dfg.value_type(v);
            self.b.append_block_param(merge, ty);
        }
        self.b.set_cold_block(slow_block);
        let skip_args: Vec<BlockArg> = skip.iter().map(|&v| BlockArg::Value(v)).collect();
        self.b.ins().brif(any, slow_block, &[], merge, &skip_args);
        self.b.switch_to_block(slow_block);
        self.b.seal_block(slow_block);
        let vals = slow(self);
        let args: Vec<BlockArg> = vals.iter().map(|&v| BlockArg::Value(v)).collect();
        self.b.ins().jump(merge, &args);
        self.b.switch_to_block(merge);
        self.b.seal_block(merge);
        let params = self.b.block_params(merge);
        std::array::from_fn(|k| params[k])
    }
    fn when_any_lanewise<L: vmath::LaneFn<IN, OUT>, const IN: usize, const OUT: usize>(
        &mut self,
        m: Value,
        skip: [Value; OUT],
        args: [Value; IN],
    ) -> [Value; OUT] {
        // Out of line: the arguments go to a stack slot, `lanewise::<L>` computes every
        // lane with `vmath::Scalar` (the same bits) and leaves the results after them.
        let fty = self.fty();
        self.when_any(m, skip, |c| {
            let bytes = 16 * (IN + OUT) as u32;
            let slot = c.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                bytes,
                4,
            ));
            let base = c.b.ins().stack_addr(types::I64, slot, 0);
            let flags = MemFlagsData::trusted();
            for (k, &a) in args.iter().enumerate() {
                c.b.ins().store(flags, a, base, 16 * k as i32);
            }
            let mut sig = Signature::new(c.b.func.signature.call_conv);
            sig.params.push(AbiParam::new(types::I64));
            sig.params.push(AbiParam::new(types::I64));
            let sig = c.b.import_signature(sig);
            let entry = lanewise::<L, IN, OUT> as *const () as usize;
            let callee = c.b.ins().iconst(types::I64, entry as i64);
            let lanes = c.b.ins().iconst(types::I64, if c.vector { 2 } else { 1 });
            c.b.ins().call_indirect(sig, callee, &[base, lanes]);
            std::array::from_fn(|j| {
                let at = 16 * (IN + j) as i32;
                c.b.ins().load(fty, flags, base, at)
            })
        })
    }
    fn lookup(&mut self, table: &'static [f64], index: Value) -> Value {
        let base = self
            .b
            .ins()
            .iconst(types::I64, table.as_ptr() as usize as i64);
        let flags = MemFlagsData::trusted().with_readonly();
        let load = |b: &mut FunctionBuilder, i: Value| {
            let off = b.ins().ishl_imm_s(i, 3);
            let addr = b.ins().iadd(base, off);
            b.ins().load(types::F64, flags, addr, 0)
        };
        if !self.vector {
            return load(self.b, index);
        }
        let i0 = self.b.ins().extractlane(index, 0);
        let i1 = self.b.ins().extractlane(index, 1);
        let v0 = load(self.b, i0);
        let v1 = load(self.b, i1);
        let v = self.b.ins().scalar_to_vector(types::F64X2, v0);
        self.b.ins().insertlane(v, v1, 1)
    }
}

/// Computes `L` on each of the first `lanes` (1 or 2) lanes of the block at `base`: `IN`
/// arguments of 16 bytes each (lane `l` at byte `8·l`), followed by room for `OUT`
/// results laid out the same way. Called from code emitted by
/// [`Clif::when_any_lanewise`].
///
/// # Safety
/// `base` must point to `16·(IN + OUT)` writable bytes, 8-byte aligned, whose arguments
/// are initialised; `lanes <= 2`.
unsafe extern "C" fn lanewise<L: vmath::LaneFn<IN, OUT>, const IN: usize, const OUT: usize>(
    base: *mut f64,
    lanes: usize,
) {
    for l in 0..lanes.min(2) {
        // SAFETY: argument k of lane l is f64 number 2k + l of the block (see above).
        let args: [f64; IN] = std::array::from_fn(|k| unsafe { *base.add(2 * k + l) });
        let out = L::emit(&mut vmath::Scalar, args);
        for (j, v) in out.into_iter().enumerate() {
            // SAFETY: result j of lane l is f64 number 2(IN + j) + l, inside the block.
            unsafe { *base.add(2 * (IN + j) + l) = v };
        }
    }
}

#[cfg(test)]
#[path = "vmath_tests.rs"]
mod tests;
