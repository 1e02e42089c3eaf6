//! Each [`Clif`] primitive, compiled into a tiny function and run on scalars and on
//! `f64x2` vectors, against [`vmath::Scalar`] on awkward values; then every registered
//! algorithm through [`call`]/[`binary`] on f64, f64x2, f32 and f32x4.

use cranelift_codegen::ir::{AbiParam, UserFuncName};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::FunctionBuilderContext;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};
use vex_expr::vmath::Scalar;

use super::*;

/// What a primitive returns; masks are compared as 0/1.
enum Out<B: Builder> {
    F(B::F),
    I(B::I),
    M(B::M),
}

/// A primitive under test, taking `NF` floats and `NI` integers.
trait Case {
    const NF: usize;
    const NI: usize;
    fn emit<B: Builder>(b: &mut B, f: &[B::F], i: &[B::I]) -> Out<B>;
}

macro_rules! case {
    ($name:ident, $nf:expr, $ni:expr, |$b:ident, $f:ident, $i:ident| $body:expr) => {
        struct $name;
        impl Case for $name {
            const NF: usize = $nf;
            const NI: usize = $ni;
            #[allow(unused_variables)]
            fn emit<B: Builder>($b: &mut B, $f: &[B::F], $i: &[B::I]) -> Out<B> {
                $body
            }
        }
    };
}

/// The host ISA, configured as `Jit::new` configures it (through `cranelift_native`).
fn host_isa() -> cranelift_codegen::isa::OwnedTargetIsa {
    let mut flags = settings::builder();
    flags.set("opt_level", "speed").expect("flag");
    flags.set("is_pic", "false").expect("flag");
    cranelift_native::builder()
        .expect("host ISA")
        .finish(settings::Flags::new(flags))
        .expect("host ISA")
}

/// A JIT module for the host.
fn module() -> JITModule {
    JITModule::new(JITBuilder::with_isa(
        host_isa(),
        cranelift_module::default_libcall_names(),
    ))
}

#[test]
#[cfg(target_arch = "x86_64")]
fn fma_is_an_instruction_where_the_cpu_has_one() {
    // With `has_fma`, Cranelift lowers `fma` to `vfmadd`; without, it calls libm's `fma`
    // (still fused, much slower). `cranelift_native` sets it from the CPU's features.
    let fma = host_isa()
        .isa_flags()
        .iter()
        .find(|v| v.name == "has_fma")
        .and_then(|v| v.as_bool());
    assert_eq!(fma, Some(std::is_x86_feature_detected!("fma")));
}

type TestFn = unsafe extern "C" fn(*const u64, *mut u64);

/// Compiles `extern "C" fn(args, out)`: `load` reads the arguments from `args`, `body`
/// computes the result stored at `out`. The module must outlive calls of the function.
fn compile(body: impl FnOnce(&mut FunctionBuilder, Value) -> Value) -> (JITModule, TestFn) {
    let mut m = module();
    let mut ctx = m.make_context();
    ctx.func.signature.params.push(AbiParam::new(types::I64));
    ctx.func.signature.params.push(AbiParam::new(types::I64));
    let id = m
        .declare_function("t", Linkage::Local, &ctx.func.signature)
        .expect("declare");
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let mut fctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        let (args, out) = (b.block_params(block)[0], b.block_params(block)[1]);
        let r = body(&mut b, args);
        b.ins().store(MemFlagsData::new().with_notrap(), r, out, 0);
        b.ins().return_(&[]);
        b.seal_all_blocks();
        b.finalize(m.target_config());
    }
    m.define_function(id, &mut ctx).expect("define");
    m.clear_context(&mut ctx);
    m.finalize_definitions().expect("finalize");
    let ptr = m.get_finalized_function(id);
    // SAFETY: defined above with exactly this signature.
    (m, unsafe { std::mem::transmute::<*const u8, TestFn>(ptr) })
}

/// Loads argument `k` of type `ty` from `args` (arguments of one type stored one after
/// the other).
fn arg(b: &mut FunctionBuilder, args: Value, ty: Type, k: usize) -> Value {
    let off = (k * ty.bytes() as usize) as i32;
    b.ins()
        .load(ty, MemFlagsData::new().with_notrap(), args, off)
}

/// The output of `C` as (bits, is a float).
fn emit_out<B: Builder, C: Case>(b: &mut B, f: &[B::F], i: &[B::I]) -> (B::I, bool) {
    match C::emit(b, f, i) {
        Out::F(x) => (b.to_bits(x), true),
        Out::I(x) => (x, false),
        Out::M(m) => {
            let (one, zero) = (b.splat_i(1), b.splat_i(0));
            (b.select_i(m, one, zero), false)
        }
    }
}

/// Runs case `C` on every combination of `fs` (for its float arguments) and `is` (for
/// its integers), compiled for scalars and for vectors (neighbouring combinations in the
/// two lanes), and compares each lane with [`Scalar`] bit for bit (NaNs as NaNs).
fn check<C: Case>(fs: &[f64], is: &[i64]) {
    let mut combos: Vec<(Vec<f64>, Vec<i64>)> = vec![(vec![], vec![])];
    for _ in 0..C::NF {
        combos = combos
            .iter()
            .flat_map(|(f, i)| {
                fs.iter()
                    .map(move |&x| ([f.clone(), vec![x]].concat(), i.clone()))
            })
            .collect();
    }
    for _ in 0..C::NI {
        combos = combos
            .iter()
            .flat_map(|(f, i)| {
                is.iter()
                    .map(move |&x| (f.clone(), [i.clone(), vec![x]].concat()))
            })
            .collect();
    }
    let mut is_float = false;
    let expected: Vec<u64> = combos
        .iter()
        .map(|(f, i)| {
            let (bits, fl) = emit_out::<Scalar, C>(&mut Scalar, f, i);
            is_float = fl;
            bits as u64
        })
        .collect();
    let same = |got: u64, want: u64| {
        got == want || (is_float && f64::from_bits(got).is_nan() && f64::from_bits(want).is_nan())
    };
    for vector in [false, true] {
        let (fty, ity, lanes) = if vector {
            (types::F64X2, types::I64X2, 2)
        } else {
            (types::F64, types::I64, 1)
        };
        let (_m, func) = compile(|b, args| {
            let f: Vec<Value> = (0..C::NF).map(|k| arg(b, args, fty, k)).collect();
            let i: Vec<Value> = (0..C::NI).map(|k| arg(b, args, ity, C::NF + k)).collect();
            emit_out::<Clif, C>(&mut Clif::new(b, vector), &f, &i).0
        });
        for (c, _) in combos.iter().enumerate() {
            let picks: Vec<usize> = (0..lanes).map(|l| (c + l) % combos.len()).collect();
            let mut buf = vec![0u64; (C::NF + C::NI) * lanes];
            for (l, &p) in picks.iter().enumerate() {
                let (f, i) = &combos[p];
                for (k, x) in f.iter().enumerate() {
                    buf[k * lanes + l] = x.to_bits();
                }
                for (k, x) in i.iter().enumerate() {
                    buf[(C::NF + k) * lanes + l] = *x as u64;
                }
            }
            let mut out = vec![0u64; lanes];
            // SAFETY: `buf` holds every argument's lanes, `out` one result.
            unsafe { func(buf.as_ptr(), out.as_mut_ptr()) };
            for (l, &p) in picks.iter().enumerate() {
                assert!(
                    same(out[l], expected[p]),
                    "vector={vector} lane {l} args {:?}: got {:#x}, want {:#x}",
                    combos[p],
                    out[l],
                    expected[p]
                );
            }
        }
    }
}

/// Floats where operations differ: signed zeros, infinities, NaN, subnormals, ties of
/// rounding, the ends of the range.
const FLOATS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    3.5,
    0.1,
    -1.0 / 3.0,
    4_503_599_627_370_497.0,
    -4_503_599_627_370_495.5,
    1e300,
    -1e-300,
    f64::MAX,
    f64::MIN_POSITIVE,
    -5e-324,
    2.2e-310,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

/// Integers around the edges of lanes and of float bit patterns.
const INTS: &[i64] = &[
    0,
    1,
    -1,
    2,
    -12345,
    1 << 31,
    (1 << 32) - 1,
    1 << 52,
    -(1 << 51) + 1,
    (1 << 53) + 1,
    0x7ff0_0000_0000_0000,
    0x3ff8_0000_0000_0001,
    i64::MAX,
    i64::MIN,
    i64::MIN + 1,
];

case!(Add, 2, 0, |b, f, i| Out::F(b.add(f[0], f[1])));
case!(Sub, 2, 0, |b, f, i| Out::F(b.sub(f[0], f[1])));
case!(Mul, 2, 0, |b, f, i| Out::F(b.mul(f[0], f[1])));
case!(Div, 2, 0, |b, f, i| Out::F(b.div(f[0], f[1])));
case!(Fma, 3, 0, |b, f, i| Out::F(b.fma(f[0], f[1], f[2])));
case!(Neg, 1, 0, |b, f, i| Out::F(b.neg(f[0])));
case!(Abs, 1, 0, |b, f, i| Out::F(b.abs(f[0])));
case!(Sqrt, 1, 0, |b, f, i| Out::F(b.sqrt(f[0])));
case!(Floor, 1, 0, |b, f, i| Out::F(b.floor(f[0])));
case!(Trunc, 1, 0, |b, f, i| Out::F(b.trunc(f[0])));
case!(Rint, 1, 0, |b, f, i| Out::F(b.rint(f[0])));
case!(Copysign, 2, 0, |b, f, i| Out::F(b.copysign(f[0], f[1])));
case!(Splat, 1, 0, |b, f, i| Out::F(b.add_c(f[0], -0.1)));
case!(SplatI, 0, 1, |b, f, i| {
    let c = b.splat_i(-0x1234_5678_9abc);
    Out::I(b.iadd(i[0], c))
});

#[test]
fn float_arithmetic_matches_scalar() {
    check::<Add>(FLOATS, &[]);
    check::<Sub>(FLOATS, &[]);
    check::<Mul>(FLOATS, &[]);
    check::<Div>(FLOATS, &[]);
    check::<Neg>(FLOATS, &[]);
    check::<Abs>(FLOATS, &[]);
    check::<Sqrt>(FLOATS, &[]);
    check::<Copysign>(FLOATS, &[]);
    check::<Splat>(FLOATS, &[]);
    check::<SplatI>(&[], INTS);
}

#[test]
fn fma_rounds_once() {
    check::<Fma>(FLOATS, &[]);
    // 0.1 · 10 − 1 is 2^-54 fused and exactly 0 in two roundings.
    check::<Fma>(
        &[
            0.1,
            10.0,
            -1.0,
            1.0 + f64::EPSILON,
            -1.0 - 2.0 * f64::EPSILON,
        ],
        &[],
    );
    let mut b = Scalar;
    assert_ne!(b.fma(0.1, 10.0, -1.0), 0.0);
}

#[test]
fn rounding_matches_scalar() {
    check::<Floor>(FLOATS, &[]);
    check::<Trunc>(FLOATS, &[]);
    check::<Rint>(FLOATS, &[]);
}

case!(Lt, 2, 0, |b, f, i| Out::M(b.lt(f[0], f[1])));
case!(Le, 2, 0, |b, f, i| Out::M(b.le(f[0], f[1])));
case!(Eq, 2, 0, |b, f, i| Out::M(b.eq(f[0], f[1])));
case!(IsNan, 1, 0, |b, f, i| Out::M(b.is_nan(f[0])));
case!(IsInf, 1, 0, |b, f, i| Out::M(b.is_inf(f[0])));
case!(Select, 2, 0, |b, f, i| {
    let m = b.lt(f[0], f[1]);
    Out::F(b.select(m, f[0], f[1]))
});
case!(SelectByInt, 2, 0, |b, f, i| {
    let (x, y) = (b.to_bits(f[0]), b.to_bits(f[1]));
    let m = b.ilt(x, y);
    Out::F(b.select(m, f[0], f[1]))
});
case!(SelectI, 0, 2, |b, f, i| {
    let m = b.ilt(i[0], i[1]);
    Out::I(b.select_i(m, i[1], i[0]))
});
case!(MaskLogic, 2, 0, |b, f, i| {
    let lt = b.lt(f[0], f[1]);
    let nan = b.is_nan(f[0]);
    let eq = b.eq(f[0], f[1]);
    let either = b.or(lt, nan);
    let not_eq = b.not(eq);
    Out::M(b.and(either, not_eq))
});
case!(NotSelects, 2, 0, |b, f, i| {
    let le = b.le(f[0], f[1]);
    let gt = b.not(le);
    Out::F(b.select(gt, f[0], f[1]))
});

#[test]
fn comparisons_and_masks_match_scalar() {
    check::<Lt>(FLOATS, &[]);
    check::<Le>(FLOATS, &[]);
    check::<Eq>(FLOATS, &[]);
    check::<IsNan>(FLOATS, &[]);
    check::<IsInf>(FLOATS, &[]);
    check::<Select>(FLOATS, &[]);
    check::<SelectByInt>(FLOATS, &[]);
    check::<SelectI>(&[], INTS);
    check::<MaskLogic>(FLOATS, &[]);
    check::<NotSelects>(FLOATS, &[]);
}

case!(ToBits, 1, 0, |b, f, i| Out::I(b.to_bits(f[0])));
case!(FromBits, 0, 1, |b, f, i| Out::F(b.bits_to_float(i[0])));
case!(Iadd, 0, 2, |b, f, i| Out::I(b.iadd(i[0], i[1])));
case!(Isub, 0, 2, |b, f, i| Out::I(b.isub(i[0], i[1])));
case!(Iand, 0, 2, |b, f, i| Out::I(b.iand(i[0], i[1])));
case!(Ior, 0, 2, |b, f, i| Out::I(b.ior(i[0], i[1])));
case!(Ixor, 0, 2, |b, f, i| Out::I(b.ixor(i[0], i[1])));
case!(Ieq, 0, 2, |b, f, i| Out::M(b.ieq(i[0], i[1])));
case!(Ilt, 0, 2, |b, f, i| Out::M(b.ilt(i[0], i[1])));

macro_rules! shifts {
    ($($name:ident: $op:ident by $n:expr;)*) => {
        $(case!($name, 0, 1, |b, f, i| Out::I(b.$op(i[0], $n)));)*
        #[test]
        fn shifts_match_scalar() {
            $(check::<$name>(&[], INTS);)*
        }
    };
}

shifts! {
    Shl1: shl by 1;
    Shl32: shl by 32;
    Shl52: shl by 52;
    Shl63: shl by 63;
    Ashr1: ashr by 1;
    Ashr11: ashr by 11;
    Ashr52: ashr by 52;
    Ashr63: ashr by 63;
    Lshr1: lshr by 1;
    Lshr32: lshr by 32;
    Lshr52: lshr by 52;
    Lshr63: lshr by 63;
}

#[test]
fn integer_operations_match_scalar() {
    check::<ToBits>(FLOATS, &[]);
    check::<FromBits>(&[], INTS);
    check::<Iadd>(&[], INTS);
    check::<Isub>(&[], INTS);
    check::<Iand>(&[], INTS);
    check::<Ior>(&[], INTS);
    check::<Ixor>(&[], INTS);
    check::<Ieq>(&[], INTS);
    check::<Ilt>(&[], INTS);
}

case!(ToFloat, 0, 1, |b, f, i| Out::F(b.to_float(i[0])));
case!(ToInt, 1, 0, |b, f, i| Out::I(b.to_int(f[0])));

#[test]
fn conversions_match_scalar() {
    // Every i64 converts with one rounding, including those that need it.
    let mut ints = INTS.to_vec();
    ints.extend([
        (1 << 53) + 3,
        -(1 << 62) - 1,
        0x7fff_ffff_ffff_fdff,
        123_456_789,
    ]);
    check::<ToFloat>(&[], &ints);
    // Integral values below 2^51 in magnitude.
    let m = 2f64.powi(51) - 1.0;
    check::<ToInt>(
        &[0.0, -0.0, 1.0, -1.0, 1023.0, -1075.0, 1e15, -1e15, m, -m],
        &[],
    );
}

static TABLE: [f64; 5] = [0.5, -1.25, f64::INFINITY, 3e-310, 7.0];

case!(Lookup, 0, 1, |b, f, i| Out::F(b.lookup(&TABLE, i[0])));
case!(Ldexp, 1, 1, |b, f, i| Out::F(b.ldexp(f[0], i[0])));

#[test]
fn lookup_and_ldexp_match_scalar() {
    check::<Lookup>(&[], &[0, 1, 2, 3, 4]);
    check::<Ldexp>(FLOATS, &[-2044, -1100, -1074, -1022, -3, 0, 7, 1023, 2046]);
}

/// The functions the helpers compute, plus `sqrt`: every one [`vmath`] may cover.
fn float_funcs() -> impl Iterator<Item = Func> {
    crate::helpers::CALLS.into_iter().chain([Func::Sqrt])
}

/// Inputs for the whole-algorithm comparison: the awkward values plus a spread of
/// magnitudes and signs.
fn inputs() -> Vec<f64> {
    let mut v = FLOATS.to_vec();
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    for k in 0..400i32 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let mant = 1.0 + (s >> 12) as f64 / 2f64.powi(52);
        let e = k % 80 - 40;
        let sign = if s & 1 == 0 { 1.0 } else { -1.0 };
        v.push(sign * mant * 2f64.powi(e));
    }
    v
}

/// `f`'s algorithm (or `**`'s when `op` is given) through [`call`]/[`binary`] on each of
/// the four float types, against [`vmath::Scalar`] (f32: evaluated in f64, rounded once).
fn check_algorithm(f: Option<Func>, op: Option<BinaryOp>, arity: usize) {
    let xs = inputs();
    let want = |a: &[f64]| -> f64 {
        match (f, op) {
            (Some(f), _) => vmath::eval(f, a).expect("registered"),
            (None, Some(op)) => vmath::binary(&mut Scalar, op, a[0], a[1]).expect("registered"),
            _ => unreachable!(),
        }
    };
    let emit = |b: &mut FunctionBuilder, args: &[Value]| -> Value {
        match (f, op) {
            (Some(f), _) => call(b, f, args).expect("inline"),
            (None, Some(op)) => binary(b, op, args[0], args[1]).expect("inline"),
            _ => unreachable!(),
        }
    };
    for ty in [types::F64, types::F64X2, types::F32, types::F32X4] {
        let lanes = ty.lane_count() as usize;
        let (_m, func) = compile(|b, args| {
            let a: Vec<Value> = (0..arity).map(|k| arg(b, args, ty, k)).collect();
            emit(b, &a)
        });
        let f32_lanes = ty.lane_type() == types::F32;
        let width = if f32_lanes { 4 } else { 8 };
        for c in 0..xs.len() {
            // Argument k of lane l (f32 lanes hold the value rounded to f32).
            let point = |l: usize, k: usize| {
                let x = xs[(c + l + 7 * k) % xs.len()];
                if f32_lanes {
                    f64::from(x as f32)
                } else {
                    x
                }
            };
            let mut buf = [0u8; 32];
            for k in 0..arity {
                for l in 0..lanes {
                    let at = (k * lanes + l) * width;
                    let x = point(l, k);
                    if f32_lanes {
                        buf[at..at + 4].copy_from_slice(&(x as f32).to_le_bytes());
                    } else {
                        buf[at..at + 8].copy_from_slice(&x.to_le_bytes());
                    }
                }
            }
            let mut out = [0u8; 16];
            // SAFETY: the arguments fit `buf` and one result `out`; loads and stores are
            // unaligned.
            unsafe { func(buf.as_ptr().cast(), out.as_mut_ptr().cast()) };
            for l in 0..lanes {
                let a: Vec<f64> = (0..arity).map(|k| point(l, k)).collect();
                let (got, w) = if f32_lanes {
                    let g = f32::from_le_bytes(out[l * 4..l * 4 + 4].try_into().expect("4"));
                    (f64::from(g), f64::from(want(&a) as f32))
                } else {
                    let g = f64::from_le_bytes(out[l * 8..l * 8 + 8].try_into().expect("8"));
                    (g, want(&a))
                };
                assert!(
                    got.to_bits() == w.to_bits() || (got.is_nan() && w.is_nan()),
                    "{f:?}{op:?} on {ty} lane {l} at {a:?}: got {got:e}, want {w:e}"
                );
            }
        }
    }
}

#[test]
fn registered_algorithms_compute_the_scalar_bits() {
    let mut n = 0;
    for f in float_funcs().filter(|&f| vmath::has(f)) {
        check_algorithm(Some(f), None, f.arity());
        n += 1;
    }
    if vmath::has_binary(BinaryOp::Pow) {
        check_algorithm(None, Some(BinaryOp::Pow), 2);
        n += 1;
    }
    assert!(n >= 1, "sqrt at least is registered");
}

#[test]
fn uncovered_functions_and_types_are_declined() {
    let mut func = cranelift_codegen::ir::Function::new();
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fctx);
    let block = b.create_block();
    b.switch_to_block(block);
    let x = b.ins().iconst(types::I64, 3);
    assert!(call(&mut b, Func::Sqrt, &[x]).is_none());
    let y = b.ins().f64const(2.0);
    assert!(call(&mut b, Func::Sqrt, &[y]).is_some());
    assert!(call(&mut b, Func::IsNan, &[y]).is_none());
    assert!(!covers(&Op::Call(Func::Sqrt, vec![0]), DType::I64));
    assert!(covers(&Op::Call(Func::Sqrt, vec![0]), DType::F32));
}

case!(WhenAny, 1, 0, |b, f, i| {
    let x = f[0];
    let zero = b.splat(0.0);
    let m = b.lt(x, zero);
    let seven = b.splat(7.0);
    let r = b.when_any(m, [seven, seven], |b| {
        let n = b.neg(x);
        let t = b.mul_c(x, 3.0);
        [n, t]
    });
    let s = b.add(r[0], r[1]);
    Out::F(b.select(m, s, x))
});

#[test]
fn when_any_computes_the_masked_lanes() {
    check::<WhenAny>(FLOATS, &[]);
}

#[test]
fn when_any_skips_the_slow_values_where_no_lane_needs_them() {
    for vector in [false, true] {
        let ty = if vector { types::F64X2 } else { types::F64 };
        let (_m, func) = compile(|b, args| {
            let x = arg(b, args, ty, 0);
            let mut c = Clif::new(b, vector);
            let zero = c.splat(0.0);
            let m = c.lt(x, zero);
            let seven = c.splat(7.0);
            c.when_any(m, [seven], |c| [c.neg(x)])[0]
        });
        let lanes = if vector { 2 } else { 1 };
        let run = |xs: [f64; 2]| {
            let buf = xs.map(f64::to_bits);
            let mut out = [0u64; 2];
            // SAFETY: one argument and one result of at most two lanes.
            unsafe { func(buf.as_ptr(), out.as_mut_ptr()) };
            out.map(f64::from_bits)
        };
        assert_eq!(run([1.0, 2.0])[..lanes], [7.0, 7.0][..lanes]);
        assert_eq!(run([-1.0, 2.0])[..lanes], [1.0, -2.0][..lanes]);
        if vector {
            assert_eq!(run([1.0, -2.0]), [-1.0, 2.0]);
        }
    }
}
