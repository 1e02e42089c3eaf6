//! The library's transcendental functions as WGSL: [`Wgsl`] implements
//! [`vmath::Builder`] by writing one `let` per operation, so the algorithms of
//! [`vex_expr::vmath`] (the ones the JIT compiles) become WGSL functions that compute the
//! same bits.
//!
//! WGSL's own `exp`, `sin`, … are not used: their accuracy is implementation-defined and
//! none exist for float64. The algorithms evaluate in float64 and manipulate float64 bit
//! patterns as 64-bit integers, so a device needs `SHADER_F64` and `SHADER_INT64` (naga
//! has no way to reinterpret a float64 as two 32-bit words: its `bitcast` keeps the
//! scalar width, so `bitcast<vec2<u32>>(f64)` becomes a `u64`).
//!
//! Exactness on the device, which a shader compiler does not give by default (measured
//! on lavapipe, Mesa 22.3; WGSL has no way to mark an operation exact):
//! - every float result passes through `vm_keep` (see [`PRELUDE`]), an opaque integer
//!   `or` with zero on its bits, so the compiler can not reassociate, contract or
//!   simplify across operations (lavapipe turned `x·y + y` into a fused operation and
//!   `(x + c) − c` into `x`, breaking every two-sum);
//! - `fma` is the device's only where [`crate::Device::fma_is_fused`] finds it rounds
//!   once, else an exact emulation (lavapipe rounds twice);
//! - `trunc`, `floor` and `rint` work on the bits (lavapipe's float64 `trunc` and
//!   `round` return inputs above about 2^23 unrounded);
//! - `neg`, `abs`, `copysign` and the NaN test are bit operations (naga compiles
//!   `a != a` to an ordered comparison, false for NaN), conversions use the same exact
//!   tricks as the JIT (a WGSL conversion of NaN or an out-of-range value is undefined).

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use vex_expr::ir::{BinaryOp, Func};
use vex_expr::vmath::{self, Builder};

use crate::error::GpuError;

/// One WGSL value: the `let` (or argument) named `v{n}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Val(u32);

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// The name of the storage buffer holding the algorithms' lookup tables (all tables one
/// after another; see [`MathLibrary::tables`]).
pub const TABLES: &str = "vm_tables";

/// The helper functions every library starts with.
pub const PRELUDE: &str = include_str!("prelude.wgsl");

/// The first statement of an entry point using the library: sets `vm_zero` (see
/// [`PRELUDE`]) to 0 from a value the shader compiler can not know (the dispatch's
/// third dimension is always far below 2^31).
///
/// Why the library needs it: shader compilers apply rewrites that are only valid in real
/// arithmetic (lavapipe reassociates products and contracts a product and a sum into
/// one rounding) unless an operation is marked exact (SPIR-V `NoContraction`), which
/// WGSL can not express; such rewrites break the error-free transformations (two-sum,
/// two-product) the algorithms are built on.
pub const VM_INIT: &str = "vm_zero = i64(nwg.z >> 31u);";

/// A float64 constant as a WGSL expression that evaluates to exactly `c`.
///
/// Finite values are written as their shortest round-trip decimal (naga parses `lf`
/// literals with Rust's correctly rounded parser); non-finite ones, which have no
/// literal, as the bits reinterpreted.
pub fn f64_literal(c: f64) -> String {
    if c.is_finite() {
        let digits = format!("{:e}", c.abs());
        if c.is_sign_negative() {
            format!("(-{digits}lf)")
        } else {
            format!("{digits}lf")
        }
    } else {
        format!("bitcast<f64>({})", i64_literal(c.to_bits() as i64))
    }
}

/// A 64-bit integer constant as a WGSL expression (`i64::MIN` has no literal).
pub fn i64_literal(c: i64) -> String {
    match c {
        i64::MIN => format!("({}li - 1li)", i64::MIN + 1),
        c if c < 0 => format!("({c}li)"),
        c => format!("{c}li"),
    }
}

/// Writes WGSL statements for one function body; implements [`Builder`].
pub struct Wgsl<'t> {
    fused_fma: bool,
    body: String,
    indent: usize,
    next: u32,
    tables: &'t mut Tables,
}

/// The lookup tables the emitted code reads, packed into one buffer.
#[derive(Debug, Default)]
struct Tables {
    data: Vec<f64>,
    /// Offset in `data` of each table already packed, by its address (the algorithms'
    /// tables are statics, so the address identifies one).
    offsets: HashMap<usize, usize>,
}

impl Tables {
    fn offset(&mut self, table: &'static [f64]) -> usize {
        let data = &mut self.data;
        *self
            .offsets
            .entry(table.as_ptr() as usize)
            .or_insert_with(|| {
                let at = data.len();
                data.extend_from_slice(table);
                at
            })
    }
}

impl<'t> Wgsl<'t> {
    fn new(fused_fma: bool, tables: &'t mut Tables) -> Self {
        Wgsl {
            fused_fma,
            body: String::new(),
            indent: 1,
            next: 0,
            tables,
        }
    }

    /// `let v{n}: ty = expr;` and its value.
    fn bind(&mut self, ty: &str, expr: impl std::fmt::Display) -> Val {
        let v = Val(self.next);
        self.next += 1;
        let pad = "    ".repeat(self.indent);
        let _ = writeln!(self.body, "{pad}let {v}: {ty} = {expr};");
        v
    }

    fn f(&mut self, expr: impl std::fmt::Display) -> Val {
        self.bind("f64", expr)
    }

    fn i(&mut self, expr: impl std::fmt::Display) -> Val {
        self.bind("i64", expr)
    }

    fn m(&mut self, expr: impl std::fmt::Display) -> Val {
        self.bind("bool", expr)
    }

    fn line(&mut self, text: &str) {
        let pad = "    ".repeat(self.indent);
        let _ = writeln!(self.body, "{pad}{text}");
    }
}

impl Builder for Wgsl<'_> {
    type F = Val;
    type I = Val;
    type M = Val;

    fn splat(&mut self, c: f64) -> Val {
        self.f(f64_literal(c))
    }
    fn splat_i(&mut self, c: i64) -> Val {
        self.i(i64_literal(c))
    }
    fn add(&mut self, a: Val, b: Val) -> Val {
        self.f(format_args!("vm_keep({a} + {b})"))
    }
    fn sub(&mut self, a: Val, b: Val) -> Val {
        self.f(format_args!("vm_keep({a} - {b})"))
    }
    fn mul(&mut self, a: Val, b: Val) -> Val {
        self.f(format_args!("vm_keep({a} * {b})"))
    }
    fn div(&mut self, a: Val, b: Val) -> Val {
        self.f(format_args!("vm_keep({a} / {b})"))
    }
    fn fma(&mut self, a: Val, b: Val, c: Val) -> Val {
        if self.fused_fma {
            self.f(format_args!("vm_keep(fma({a}, {b}, {c}))"))
        } else {
            self.f(format_args!("vm_fma_emulated({a}, {b}, {c})"))
        }
    }
    fn neg(&mut self, a: Val) -> Val {
        // On the bits: `-a` may be compiled as `0 - a`, which loses the sign of zero.
        let bits = self.to_bits(a);
        let sign = self.splat_i(i64::MIN);
        let flipped = self.ixor(bits, sign);
        self.bits_to_float(flipped)
    }
    fn abs(&mut self, a: Val) -> Val {
        let bits = self.to_bits(a);
        let magnitude = self.splat_i(i64::MAX);
        let cleared = self.iand(bits, magnitude);
        self.bits_to_float(cleared)
    }
    fn sqrt(&mut self, a: Val) -> Val {
        self.f(format_args!("vm_keep(sqrt({a}))"))
    }
    fn floor(&mut self, a: Val) -> Val {
        self.f(format_args!("vm_floor({a})"))
    }
    fn trunc(&mut self, a: Val) -> Val {
        self.f(format_args!("vm_trunc({a})"))
    }
    fn rint(&mut self, a: Val) -> Val {
        self.f(format_args!("vm_rint({a})"))
    }
    fn copysign(&mut self, mag: Val, sign: Val) -> Val {
        let m = self.to_bits(mag);
        let s = self.to_bits(sign);
        let magnitude = self.splat_i(i64::MAX);
        let sign_bit = self.splat_i(i64::MIN);
        let m = self.iand(m, magnitude);
        let s = self.iand(s, sign_bit);
        let bits = self.ior(m, s);
        self.bits_to_float(bits)
    }
    fn lt(&mut self, a: Val, b: Val) -> Val {
        self.m(format_args!("{a} < {b}"))
    }
    fn le(&mut self, a: Val, b: Val) -> Val {
        self.m(format_args!("{a} <= {b}"))
    }
    fn eq(&mut self, a: Val, b: Val) -> Val {
        self.m(format_args!("{a} == {b}"))
    }
    fn is_nan(&mut self, a: Val) -> Val {
        // On the bits: naga compiles `a != a` to an ordered comparison (false for NaN),
        // and WGSL lets implementations assume floats are not NaN.
        let bits = self.to_bits(a);
        let magnitude = self.splat_i(i64::MAX);
        let m = self.iand(bits, magnitude);
        let inf = self.splat_i(f64::INFINITY.to_bits() as i64);
        self.ilt(inf, m)
    }
    fn select(&mut self, m: Val, a: Val, b: Val) -> Val {
        self.f(format_args!("select({b}, {a}, {m})"))
    }
    fn select_i(&mut self, m: Val, a: Val, b: Val) -> Val {
        self.i(format_args!("select({b}, {a}, {m})"))
    }
    fn and(&mut self, a: Val, b: Val) -> Val {
        // `&` on bools evaluates both sides: no branch.
        self.m(format_args!("{a} & {b}"))
    }
    fn or(&mut self, a: Val, b: Val) -> Val {
        self.m(format_args!("{a} | {b}"))
    }
    fn not(&mut self, a: Val) -> Val {
        self.m(format_args!("!{a}"))
    }
    fn to_bits(&mut self, a: Val) -> Val {
        self.i(format_args!("bitcast<i64>({a})"))
    }
    fn bits_to_float(&mut self, a: Val) -> Val {
        self.f(format_args!("bitcast<f64>({a})"))
    }
    fn iadd(&mut self, a: Val, b: Val) -> Val {
        // WGSL integer arithmetic wraps.
        self.i(format_args!("{a} + {b}"))
    }
    fn isub(&mut self, a: Val, b: Val) -> Val {
        self.i(format_args!("{a} - {b}"))
    }
    fn iand(&mut self, a: Val, b: Val) -> Val {
        self.i(format_args!("{a} & {b}"))
    }
    fn ior(&mut self, a: Val, b: Val) -> Val {
        self.i(format_args!("{a} | {b}"))
    }
    fn ixor(&mut self, a: Val, b: Val) -> Val {
        self.i(format_args!("{a} ^ {b}"))
    }
    fn shl(&mut self, a: Val, n: u32) -> Val {
        self.i(format_args!("{a} << {n}u"))
    }
    fn ashr(&mut self, a: Val, n: u32) -> Val {
        // `>>` on a signed integer is arithmetic in WGSL.
        self.i(format_args!("{a} >> {n}u"))
    }
    fn lshr(&mut self, a: Val, n: u32) -> Val {
        self.i(format_args!("bitcast<i64>(bitcast<u64>({a}) >> {n}u)"))
    }
    fn ieq(&mut self, a: Val, b: Val) -> Val {
        self.m(format_args!("{a} == {b}"))
    }
    fn ilt(&mut self, a: Val, b: Val) -> Val {
        self.m(format_args!("{a} < {b}"))
    }
    fn to_float(&mut self, a: Val) -> Val {
        // The exact bit trick the JIT uses, for every 64-bit a (a WGSL conversion's
        // rounding is left to the implementation).
        vmath::convert::to_float(self, a)
    }
    fn to_int(&mut self, a: Val) -> Val {
        // As the JIT. A WGSL conversion of NaN or an out-of-range value (lanes whose
        // result is discarded) would be undefined; this is defined for every input.
        vmath::convert::to_int(self, a)
    }
    fn lookup(&mut self, table: &'static [f64], index: Val) -> Val {
        let offset = self.tables.offset(table);
        // The algorithm guarantees 0 <= index < table.len().
        self.f(format_args!("{TABLES}[u32({index}) + {offset}u]"))
    }
    fn when_any<const N: usize>(
        &mut self,
        m: Val,
        skip: [Val; N],
        slow: impl FnOnce(&mut Self) -> [Val; N],
    ) -> [Val; N] {
        // One invocation is one lane: a branch, taken only where the mask is set.
        let slots: [Val; N] = std::array::from_fn(|_| {
            let v = Val(self.next);
            self.next += 1;
            v
        });
        for (slot, skip) in slots.iter().zip(skip) {
            self.line(&format!("var {slot}: f64 = {skip};"));
        }
        self.line(&format!("if {m} {{"));
        self.indent += 1;
        let results = slow(self);
        for (slot, value) in slots.iter().zip(results) {
            self.line(&format!("{slot} = {value};"));
        }
        self.indent -= 1;
        self.line("}");
        slots.map(|slot| self.f(slot))
    }
}

/// The WGSL functions of the library that a shader calls, and the tables they read.
#[derive(Debug)]
pub struct MathLibrary {
    fused_fma: bool,
    code: String,
    names: HashSet<String>,
    tables: Tables,
}

impl MathLibrary {
    /// A library with only the helpers of [`PRELUDE`]. `fused_fma` says whether the
    /// device's float64 `fma` rounds once (see [`crate::Device::fma_is_fused`]); if not,
    /// [`Builder::fma`] calls an exact emulation.
    pub fn new(fused_fma: bool) -> Self {
        MathLibrary {
            fused_fma,
            code: PRELUDE.to_string(),
            names: HashSet::new(),
            tables: Tables::default(),
        }
    }

    /// The name of the WGSL function `fn(f64, …) -> f64` computing `f`, emitting it on
    /// first use. Fails for functions without a vmath algorithm.
    pub fn function(&mut self, f: Func) -> Result<String, GpuError> {
        if !vmath::has(f) {
            return Err(GpuError::Unsupported(format!(
                "{f:?} has no GPU implementation"
            )));
        }
        let name = format!("vm_{f:?}").to_lowercase();
        let arity = if matches!(f, Func::Arctan2 | Func::Hypot) {
            2
        } else {
            1
        };
        let body = |b: &mut Wgsl<'_>, args: &[Val]| vmath::call(b, f, args);
        self.emit(&name, arity, body)?;
        Ok(name)
    }

    /// The name of the WGSL function computing the float binary operator `op`, emitting
    /// it on first use.
    pub fn binary(&mut self, op: BinaryOp) -> Result<String, GpuError> {
        if !vmath::has_binary(op) {
            return Err(GpuError::Unsupported(format!(
                "{op:?} has no GPU implementation"
            )));
        }
        let name = format!("vm_{op:?}").to_lowercase();
        self.emit(&name, 2, |b, args| vmath::binary(b, op, args[0], args[1]))?;
        Ok(name)
    }

    /// Defines the WGSL function `name` of `arity` float64 arguments computing `body`
    /// (once: a second definition of the same name is ignored), and returns its name.
    pub fn define(
        &mut self,
        name: &str,
        arity: usize,
        body: impl FnOnce(&mut Wgsl<'_>, &[Val]) -> Val,
    ) -> String {
        let emitted = self.emit(name, arity, |b, args| Some(body(b, args)));
        debug_assert!(emitted.is_ok());
        name.to_string()
    }

    fn emit(
        &mut self,
        name: &str,
        arity: usize,
        body: impl FnOnce(&mut Wgsl<'_>, &[Val]) -> Option<Val>,
    ) -> Result<(), GpuError> {
        if self.names.contains(name) {
            return Ok(());
        }
        let mut b = Wgsl::new(self.fused_fma, &mut self.tables);
        let args: Vec<Val> = (0..arity).map(|k| b.f(format_args!("a{k}"))).collect();
        let result = body(&mut b, &args)
            .ok_or_else(|| GpuError::Unsupported(format!("{name} has no algorithm")))?;
        let params: Vec<String> = (0..arity).map(|k| format!("a{k}: f64")).collect();
        let _ = writeln!(
            self.code,
            "fn {name}({}) -> f64 {{\n{}    return {result};\n}}\n",
            params.join(", "),
            b.body
        );
        self.names.insert(name.to_string());
        Ok(())
    }

    /// The WGSL text of the helpers and every function emitted so far. The kernel's
    /// entry point must run [`VM_INIT`] before calling any of them.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The lookup tables, one after another: bind them as `array<f64>` named [`TABLES`]
    /// (only needed when non-empty).
    pub fn tables(&self) -> &[f64] {
        &self.tables.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_exact_and_finite_ones_are_decimal() {
        assert_eq!(f64_literal(1.5), "1.5e0lf");
        assert_eq!(f64_literal(-0.0), "(-0e0lf)");
        assert_eq!(f64_literal(5e-324), "5e-324lf");
        assert_eq!(
            f64_literal(f64::INFINITY),
            "bitcast<f64>(9218868437227405312li)"
        );
        for c in [std::f64::consts::PI, 1.0 / 3.0, f64::MAX, f64::MIN_POSITIVE] {
            let text = f64_literal(c);
            let digits = text.trim_end_matches("lf");
            assert_eq!(digits.parse::<f64>().unwrap().to_bits(), c.to_bits());
        }
        assert_eq!(i64_literal(i64::MIN), "(-9223372036854775807li - 1li)");
        assert_eq!(i64_literal(-3), "(-3li)");
    }

    #[test]
    fn a_function_is_emitted_once_and_unknown_ones_are_refused() {
        let mut lib = MathLibrary::new(true);
        assert_eq!(lib.function(Func::Exp).unwrap(), "vm_exp");
        let len = lib.code().len();
        lib.function(Func::Exp).unwrap();
        assert_eq!(lib.code().len(), len);
        assert!(lib.code().starts_with(PRELUDE));
        assert!(lib.code()[PRELUDE.len()..].starts_with("fn vm_exp(a0: f64) -> f64 {"));
        assert!(matches!(
            lib.function(Func::Abs),
            Err(GpuError::Unsupported(_))
        ));
    }
}
