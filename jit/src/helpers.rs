//! Out-of-line helpers for float operations Cranelift has no instruction for
//! (transcendental functions, `//`, `%` and `**` on floats, `fmod`, `hypot`, …).
//!
//! Compiled code calls a helper once per block of up to [`BLOCK`] points, never once per
//! point: it materialises the operands of the operation into stack buffers, calls the
//! helper, and reads the results back (see `codegen::blocked`). The helpers run the very
//! code the interpreter runs (`vex_expr::ops`), so results are bit-identical to it; the
//! functions `ops` takes straight from `std` (`sin`, `exp`, …) are called directly, and
//! the differential tests in `tests/ops.rs` check that this stays the same function.
//!
//! Operations with a `vex_expr::vmath` algorithm come here only where the process has the
//! native block library (`codegen::mathlib::block`), which computes the algorithm's bits;
//! elsewhere they are emitted inline and vectorised (`codegen::vmath`).

use vex_expr::block::Block;
use vex_expr::ir::{BinaryOp, Func, Op};
use vex_expr::{ops, DType};

use crate::codegen::mathlib::{self, MathFn};

/// Points per helper call.
pub(crate) const BLOCK: i64 = 256;

/// Functions computed by the helpers, indexed by their code.
pub(crate) const CALLS: [Func; 24] = [
    Func::Sin,
    Func::Cos,
    Func::Tan,
    Func::Arcsin,
    Func::Arccos,
    Func::Arctan,
    Func::Sinh,
    Func::Cosh,
    Func::Tanh,
    Func::Arcsinh,
    Func::Arccosh,
    Func::Arctanh,
    Func::Exp,
    Func::Expm1,
    Func::Log,
    Func::Log1p,
    Func::Log10,
    Func::Log2,
    Func::Cbrt,
    Func::Arctan2,
    Func::Hypot,
    Func::Nextafter,
    Func::Logaddexp,
    Func::Fmod,
];

/// Binary operators computed by the helpers, codes from [`BIN_BASE`].
const BINS: [BinaryOp; 3] = [BinaryOp::FloorDiv, BinaryOp::Mod, BinaryOp::Pow];
const BIN_BASE: i64 = 100;

/// Codes from here (below the complex helpers' codes, from 1000) are vector math functions
/// run by the native block library (`codegen::mathlib::block`): the code of the same
/// operation without it, plus this.
const NATIVE_BASE: i64 = 500;

/// The helper code of `op` when its operands have dtype `arg`, or `None` if the operation
/// is compiled inline (or not at all). Operations with a `vex_expr::vmath` algorithm run
/// as native block functions where the process has them, else inline (vectorised calls,
/// `codegen::vmath`).
pub(crate) fn code(op: &Op, arg: DType) -> Option<i64> {
    if arg.is_complex() {
        return crate::helpers_complex::code(op, arg);
    }
    if !arg.is_float() {
        return None;
    }
    let plain = match op {
        Op::Call(f, _) => CALLS.iter().position(|c| c == f).map(|i| i as i64),
        Op::Binary(b, _, _) => BINS
            .iter()
            .position(|c| c == b)
            .map(|i| BIN_BASE + i as i64),
        _ => None,
    }?;
    if !crate::codegen::vmath::covers(op, arg) {
        return Some(plain);
    }
    let native = math_fn(plain).is_some_and(|f| mathlib::block(f).is_some());
    native.then_some(NATIVE_BASE + plain)
}

/// The operation of the plain (not native) helper code `code`.
fn math_fn(code: i64) -> Option<MathFn> {
    if code >= BIN_BASE {
        let op = *BINS.get(usize::try_from(code - BIN_BASE).ok()?)?;
        Some(MathFn::Binary(op))
    } else {
        Some(MathFn::Call(*CALLS.get(usize::try_from(code).ok()?)?))
    }
}

/// The name the JIT links `vex_jit_helper_f64`/`_f32` under.
pub(crate) const F64_NAME: &str = "vex_jit_helper_f64";
pub(crate) const F32_NAME: &str = "vex_jit_helper_f32";

/// Computes operation `code` over `n` points: `out[i] = op(x[i], y[i])` (`y` ignored for
/// one-operand functions). Errors (none are possible for valid codes) give NaN.
fn apply(code: i64, x: Block, y: Block) -> Option<Block> {
    match math_fn(code)? {
        MathFn::Binary(op) => ops::binary(op, &x, &y).ok(),
        MathFn::Call(f) if f.arity() == 2 => ops::call(f, &[&x, &y]).ok(),
        MathFn::Call(f) => ops::call(f, &[&x]).ok(),
    }
}

macro_rules! helper {
    ($name:ident, $t:ty, $variant:ident, $native:tt) => {
        /// See [`apply`].
        ///
        /// # Safety
        /// `x` and `y` must be valid for reading, and `out` for writing, `n` values.
        pub(crate) unsafe extern "C" fn $name(
            code: i64,
            x: *const $t,
            y: *const $t,
            out: *mut $t,
            n: i64,
        ) {
            let n = usize::try_from(n).unwrap_or(0);
            if n == 0 {
                return;
            }
            // SAFETY: the caller (compiled code) passes buffers of at least `n` values.
            let (xs, ys, outs) = unsafe {
                (
                    std::slice::from_raw_parts(x, n),
                    std::slice::from_raw_parts(y, n),
                    std::slice::from_raw_parts_mut(out, n),
                )
            };
            if (NATIVE_BASE..NATIVE_BASE + BIN_BASE + BINS.len() as i64).contains(&code) {
                if let Some(blocks) = math_fn(code - NATIVE_BASE).and_then(mathlib::block) {
                    // SAFETY: as above; the block function reads and writes `n` points.
                    unsafe { (blocks.$native)(x, y, out, n) };
                } else {
                    outs.fill(<$t>::NAN);
                }
                return;
            }
            // Functions the interpreter takes straight from `std` run in place, without
            // copying into blocks.
            let direct: Option<fn($t) -> $t> =
                match usize::try_from(code).ok().and_then(|c| CALLS.get(c)) {
                    Some(Func::Sin) => Some(<$t>::sin),
                    Some(Func::Cos) => Some(<$t>::cos),
                    Some(Func::Tan) => Some(<$t>::tan),
                    Some(Func::Arcsin) => Some(<$t>::asin),
                    Some(Func::Arccos) => Some(<$t>::acos),
                    Some(Func::Arctan) => Some(<$t>::atan),
                    Some(Func::Sinh) => Some(<$t>::sinh),
                    Some(Func::Cosh) => Some(<$t>::cosh),
                    Some(Func::Tanh) => Some(<$t>::tanh),
                    Some(Func::Exp) => Some(<$t>::exp),
                    Some(Func::Expm1) => Some(<$t>::exp_m1),
                    Some(Func::Log) => Some(<$t>::ln),
                    Some(Func::Log1p) => Some(<$t>::ln_1p),
                    Some(Func::Log10) => Some(<$t>::log10),
                    Some(Func::Log2) => Some(<$t>::log2),
                    Some(Func::Cbrt) => Some(<$t>::cbrt),
                    _ => None,
                };
            if let Some(f) = direct {
                for (o, &x) in outs.iter_mut().zip(xs) {
                    *o = f(x);
                }
                return;
            }
            // Never unwind into compiled code.
            let r = std::panic::catch_unwind(|| {
                apply(
                    code,
                    Block::$variant(xs.to_vec()),
                    Block::$variant(ys.to_vec()),
                )
            });
            match r.ok().flatten().as_ref().and_then(|b| b.as_slice::<$t>()) {
                Some(v) if v.len() == n => outs.copy_from_slice(v),
                _ => outs.fill(<$t>::NAN),
            }
        }
    };
}

helper!(helper_f64, f64, F64, 0);
helper!(helper_f32, f32, F32, 1);

/// The symbols to register with every JIT module.
pub(crate) fn symbols() -> [(&'static str, *const u8); 2] {
    [
        (F64_NAME, helper_f64 as *const u8),
        (F32_NAME, helper_f32 as *const u8),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_per_dtype_and_each_range_decodes_to_its_operation() {
        let ops: Vec<(Op, MathFn)> = CALLS
            .iter()
            .map(|&f| (Op::Call(f, vec![0; f.arity()]), MathFn::Call(f)))
            .chain(
                BINS.iter()
                    .map(|&b| (Op::Binary(b, 0, 0), MathFn::Binary(b))),
            )
            .collect();
        let mut native = 0;
        for dtype in [DType::F32, DType::F64, DType::C64, DType::C128] {
            let codes: Vec<(MathFn, i64)> = ops
                .iter()
                .filter_map(|(op, f)| code(op, dtype).map(|c| (*f, c)))
                .collect();
            assert!(codes.len() >= 10, "{dtype}: {} codes", codes.len());
            for (i, (f, c)) in codes.iter().enumerate() {
                for (g, d) in &codes[i + 1..] {
                    assert_ne!(c, d, "{f:?} and {g:?} on {dtype}");
                }
                assert_eq!(crate::helpers_complex::is_code(*c), dtype.is_complex());
                if (NATIVE_BASE..1000).contains(c) {
                    assert_eq!(math_fn(c - NATIVE_BASE), Some(*f), "{dtype}");
                    assert!(mathlib::block(*f).is_some(), "{f:?}");
                    native += 1;
                } else if !dtype.is_complex() {
                    assert_eq!(math_fn(*c), Some(*f), "{dtype}");
                    assert!(mathlib::block(*f).is_none(), "{f:?}");
                }
            }
        }
        if mathlib::block(MathFn::Call(Func::Sin)).is_some() {
            assert!(native >= 40, "{native} native codes");
        }
    }
}
