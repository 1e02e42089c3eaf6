//! Out-of-line helpers for the complex operations compiled code does not compute inline
//! (those that need libm: `abs` is `hypot`; `exp`, `log`, `sqrt`, trigonometric and
//! hyperbolic functions, `**`, `sign`).
//!
//! As for the real helpers (`crate::helpers`), compiled code calls the helper once per
//! block of up to `helpers::BLOCK` points with the operands in stack buffers of
//! interleaved `(re, im)` elements, and the helper runs the interpreter's own code
//! (`vex_expr::ops`) on them, so results are bit-identical to it.

use num_complex::Complex;
use vex_expr::block::Block;
use vex_expr::ir::{BinaryOp, Func, Op};
use vex_expr::{ops, DType};

/// The name the JIT links [`helper_complex`] under.
pub(crate) const NAME: &str = "vex_jit_helper_complex";

/// Complex functions computed by the helper, indexed by their code.
const CALLS: [Func; 21] = [
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
    Func::Sqrt,
    Func::Sign,
    Func::Abs,
];

/// `**`, after the functions.
const POW: usize = CALLS.len();

/// Complex codes start here, above every real helper code; a code is
/// `BASE + 2·operation + (1 for complex128)`.
const BASE: i64 = 1000;

/// Whether `code` is a complex helper code (see [`code`]).
pub(crate) fn is_code(code: i64) -> bool {
    code >= BASE
}

/// The helper code of `op` on complex operands of dtype `arg`, or `None` if compiled code
/// computes it inline.
pub(crate) fn code(op: &Op, arg: DType) -> Option<i64> {
    let index = match op {
        Op::Call(f, _) => CALLS.iter().position(|c| c == f)?,
        Op::Binary(BinaryOp::Pow, _, _) => POW,
        _ => return None,
    };
    let wide = match arg {
        DType::C128 => 1,
        DType::C64 => 0,
        _ => return None,
    };
    Some(BASE + 2 * index as i64 + wide)
}

/// The operation and operand dtype of a code.
fn decode(code: i64) -> Option<(usize, DType)> {
    let k = usize::try_from(code.checked_sub(BASE)?).ok()?;
    let dtype = if k % 2 == 1 { DType::C128 } else { DType::C64 };
    Some((k / 2, dtype))
}

/// A block of `n` complex values of `dtype` copied from `p`.
///
/// # Safety
/// `p` must be valid for reading `n` elements of `dtype`.
unsafe fn read(dtype: DType, p: *const u8, n: usize) -> Block {
    // SAFETY: the caller's guarantee; `Complex<F>` is `repr(C)` `(re, im)` and the buffers
    // are aligned to 8 bytes.
    unsafe {
        if dtype == DType::C128 {
            Block::C128(std::slice::from_raw_parts(p as *const Complex<f64>, n).to_vec())
        } else {
            Block::C64(std::slice::from_raw_parts(p as *const Complex<f32>, n).to_vec())
        }
    }
}

/// Copies `r` (of `n` values) to `out`, or NaNs of `dtype` if there is no such result.
///
/// # Safety
/// `out` must be valid for writing `n` elements of `dtype`.
unsafe fn write(r: Option<Block>, dtype: DType, out: *mut u8, n: usize) {
    fn put<T: Copy>(v: &[T], nan: T, out: *mut u8, n: usize) {
        // SAFETY: the caller of `write` guarantees room for `n` values of `T`.
        let o = unsafe { std::slice::from_raw_parts_mut(out as *mut T, n) };
        if v.len() == n {
            o.copy_from_slice(v);
        } else {
            o.fill(nan);
        }
    }
    let empty = Block::Bool(Vec::new());
    let r = r.filter(|b| b.dtype() == dtype).unwrap_or(empty);
    let (c128, c64) = (
        Complex::new(f64::NAN, f64::NAN),
        Complex::new(f32::NAN, f32::NAN),
    );
    match (dtype, &r) {
        (DType::C128, Block::C128(v)) => put(v, c128, out, n),
        (DType::C64, Block::C64(v)) => put(v, c64, out, n),
        (DType::F64, Block::F64(v)) => put(v, f64::NAN, out, n),
        (DType::F32, Block::F32(v)) => put(v, f32::NAN, out, n),
        (DType::C128, _) => put(&[], c128, out, n),
        (DType::C64, _) => put(&[], c64, out, n),
        (DType::F64, _) => put(&[], f64::NAN, out, n),
        _ => put(&[], f32::NAN, out, n),
    }
}

/// Computes complex operation `code` over `n` points: `out[i] = op(x[i], y[i])` (`y`
/// read only for `**`). The result is complex of the operands' precision, or real for
/// `abs`. Errors (impossible for valid codes) give NaN.
///
/// # Safety
/// `x` (and `y` for `**`) must be valid for reading `n` operands, `out` for writing `n`
/// results.
pub(crate) unsafe extern "C" fn helper_complex(
    code: i64,
    x: *const u8,
    y: *const u8,
    out: *mut u8,
    n: i64,
) {
    let n = usize::try_from(n).unwrap_or(0);
    let Some((op, dtype)) = decode(code) else {
        return;
    };
    if n == 0 {
        return;
    }
    let out_dtype = match (CALLS.get(op), dtype) {
        (Some(Func::Abs), DType::C128) => DType::F64,
        (Some(Func::Abs), _) => DType::F32,
        _ => dtype,
    };
    // SAFETY: the caller's guarantee.
    let xs = unsafe { read(dtype, x, n) };
    let ys = (op == POW).then(|| unsafe { read(dtype, y, n) });
    // Never unwind into compiled code.
    let r = std::panic::catch_unwind(|| match (CALLS.get(op), &ys) {
        (Some(&f), _) => ops::call(f, &[&xs]).ok(),
        (None, Some(ys)) => ops::binary(BinaryOp::Pow, &xs, ys).ok(),
        _ => None,
    });
    // SAFETY: the caller's guarantee.
    unsafe { write(r.ok().flatten(), out_dtype, out, n) };
}

/// The symbols to register with every JIT module.
pub(crate) fn symbols() -> [(&'static str, *const u8); 1] {
    [(NAME, helper_complex as *const u8)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_stay_above_the_real_ones() {
        for (i, f) in CALLS.iter().enumerate() {
            let op = Op::Call(*f, vec![0]);
            for (d, wide) in [(DType::C64, 0), (DType::C128, 1)] {
                let c = code(&op, d).unwrap();
                assert!(is_code(c));
                assert_eq!(decode(c), Some((i, d)));
                assert_eq!(c % 2, wide);
            }
        }
        let pow = code(&Op::Binary(BinaryOp::Pow, 0, 1), DType::C128).unwrap();
        assert_eq!(decode(pow), Some((POW, DType::C128)));
        assert_eq!(code(&Op::Binary(BinaryOp::Mul, 0, 1), DType::C128), None);
        assert_eq!(code(&Op::Call(Func::Exp, vec![0]), DType::F64), None);
    }

    #[test]
    fn helper_runs_the_interpreters_code() {
        let xs = [Complex::new(0.5f64, -1.25), Complex::new(-3.0, 0.0)];
        let mut out = [Complex::new(0.0f64, 0.0); 2];
        let c = code(&Op::Call(Func::Exp, vec![0]), DType::C128).unwrap();
        // SAFETY: two values in and out.
        unsafe {
            helper_complex(
                c,
                xs.as_ptr() as *const u8,
                xs.as_ptr() as *const u8,
                out.as_mut_ptr() as *mut u8,
                2,
            )
        };
        let want = ops::call(Func::Exp, &[&Block::C128(xs.to_vec())]).unwrap();
        assert_eq!(want.as_slice::<Complex<f64>>().unwrap(), &out);
        let mut abs = [0.0f32; 2];
        let xs32 = [
            Complex::new(3.0f32, 4.0),
            Complex::new(f32::INFINITY, f32::NAN),
        ];
        let c = code(&Op::Call(Func::Abs, vec![0]), DType::C64).unwrap();
        // SAFETY: two values in and out.
        unsafe {
            helper_complex(
                c,
                xs32.as_ptr() as *const u8,
                xs32.as_ptr() as *const u8,
                abs.as_mut_ptr() as *mut u8,
                2,
            )
        };
        assert_eq!(abs, [5.0, f32::INFINITY]);
    }
}
