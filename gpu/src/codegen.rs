//! Lowers one elementwise IR [`Kernel`] to a WGSL compute shader: one invocation per
//! point of the iteration space, which it finds from its flat index by the kernel's
//! shape, then reads every load at `base + Σ coordinate·stride`, evaluates the DAG and
//! writes each store at the flat index (stored buffers are C-contiguous).
//!
//! Shape, bases and strides arrive in a storage buffer (`vx_layout`), not in the code, so one
//! shader serves every array size of the same kernel structure. What the shader can not
//! compute exactly as the reference interpreter does is refused with
//! [`GpuError::Unsupported`] naming the reason, never approximated: reductions, random
//! sources, 8/16/64-bit integers and complex numbers for now, and float64 (also the math
//! functions, ranges and float32 division, which go through float64) without
//! `SHADER_F64`/`SHADER_INT64`. Float `arange` and `linspace` are index arithmetic in the
//! shader.
//!
//! Float arithmetic goes through `vm_keep`/`vm_keep32` (see `wgsl/prelude.wgsl`): a shader
//! compiler may otherwise contract `a·b + c` into one rounding, which the interpreter
//! never does.

use std::fmt::Write;

use vex_expr::ir::{BinaryOp, Func, Kernel, Literal, Op, Program, Source, UnaryOp};
use vex_expr::DType;

use crate::dispatch::{INDEX, MAIN_PARAMS, WORKGROUP};
use crate::error::GpuError;
use crate::wgsl::math::{f64_literal, MathLibrary, TABLES, VM_INIT};

/// What the device offers that code generation depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// `SHADER_F64` and `SHADER_INT64` (the math library needs both).
    pub f64: bool,
    /// Whether float64 `fma` rounds once.
    pub fused_fma: bool,
}

/// A data array the kernel reads: a program input or an earlier kernel's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// `program.inputs[i]`.
    Input(usize),
    /// `program.buffers[b]`.
    Buffer(usize),
}

/// A generated shader and how to bind it. Bindings of group 0, in order: each of
/// `operands` (read-only), `vx_layout` (read-only `array<i32>`: the size, shape, and each load's base and strides), the math tables if
/// `tables` is non-empty (read-only `array<f64>`), then one read-write buffer per store.
#[derive(Debug, Clone)]
pub struct Shader {
    /// The WGSL source.
    pub code: String,
    /// The arrays read, one binding each, with their dtypes.
    pub operands: Vec<(Operand, DType)>,
    /// For each load node, in order: the shape of what it reads (an operand, or an
    /// index source's virtual array), and its view.
    pub loads: Vec<(Vec<usize>, vex_expr::ir::View)>,
    /// The math library's tables.
    pub tables: Vec<f64>,
    /// The buffers written, with their dtypes.
    pub stores: Vec<(usize, DType)>,
}

/// The WGSL type a dtype is computed in, and the one it is stored in (bool is stored as
/// one `u32` per element: WGSL has no byte-sized storage).
fn wgsl_type(dtype: DType, caps: Caps) -> Result<(&'static str, &'static str), GpuError> {
    Ok(match dtype {
        DType::Bool => ("bool", "u32"),
        DType::I32 => ("i32", "i32"),
        DType::U32 => ("u32", "u32"),
        DType::F32 => ("f32", "f32"),
        DType::F64 if caps.f64 => ("f64", "f64"),
        DType::F64 => {
            return Err(GpuError::Unsupported(
                "float64 on a device without SHADER_F64 and SHADER_INT64".into(),
            ))
        }
        other => {
            return Err(GpuError::Unsupported(format!(
                "dtype {other:?} (the GPU backend computes bool, int32, uint32, float32, float64)"
            )))
        }
    })
}

/// The kernel's own helpers: `vm_keep32` for float32 results (as `vm_keep` for float64).
const PRELUDE32: &str = "var<private> vm_zero32: u32;\n\
fn vm_keep32(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) | vm_zero32); }\n";

/// Bit of `Gen::helpers`: the kernel uses [`F2I32`].
const HELPER_F2I32: u32 = 1;

/// Float to 32-bit integers as the interpreter converts (`vex_expr::ops::cast`): the
/// truncated value `t`, if `-2^63 <= t < 2^64`, wrapped to its low 32 bits:
/// `t − floor(t·2^-32)·2^32` is exact there, every step being a power-of-two scaling or a
/// difference of integers whose result fits. Beyond, saturated to the target's range;
/// NaN to 0.
const F2I32: &str = "fn vx_low32(t: f64, below: u32, above: u32) -> u32 {
    let low = vm_keep(t - vm_keep(vm_floor(vm_keep(t * 0x1p-32lf)) * 0x1p32lf));
    let inside = (t >= -0x1p63lf) & (t < 0x1p64lf);
    let nan = (bitcast<i64>(t) & 9223372036854775807li) > 9218868437227405312li;
    return select(select(select(above, below, t < 0.0lf), 0u, nan), u32(low), inside);
}
fn vx_f2i32(x: f64) -> i32 {
    return bitcast<i32>(vx_low32(vm_trunc(x), 0x80000000u, 0x7fffffffu));
}
fn vx_f2u32(x: f64) -> u32 {
    return vx_low32(vm_trunc(x), 0u, 0xffffffffu);
}
";

struct Gen<'a> {
    program: &'a Program,
    kernel: &'a Kernel,
    caps: Caps,
    lib: MathLibrary,
    uses_f64: bool,
    helpers: u32,
    body: String,
    shader: Shader,
}

/// Generates the shader of `kernel` (of `program`).
pub fn generate(program: &Program, kernel: &Kernel, caps: Caps) -> Result<Shader, GpuError> {
    if kernel.stores.iter().any(|s| s.reduce.is_some()) {
        return Err(GpuError::Unsupported("reductions".into()));
    }
    let mut g = Gen {
        program,
        kernel,
        caps,
        lib: MathLibrary::new(caps.fused_fma),
        uses_f64: false,
        helpers: 0,
        body: String::new(),
        shader: Shader {
            code: String::new(),
            operands: Vec::new(),
            loads: Vec::new(),
            tables: Vec::new(),
            stores: Vec::new(),
        },
    };
    for id in 0..kernel.nodes.len() {
        g.node(id)?;
    }
    g.finish()
}

impl Gen<'_> {
    fn ty(&mut self, dtype: DType) -> Result<&'static str, GpuError> {
        if dtype == DType::F64 {
            self.uses_f64 = true;
        }
        Ok(wgsl_type(dtype, self.caps)?.0)
    }

    /// Needs float64 to compute exactly (float32 math and division go through it).
    fn need_f64(&mut self, what: &str) -> Result<(), GpuError> {
        if !self.caps.f64 {
            return Err(GpuError::Unsupported(format!(
                "{what} needs float64 (SHADER_F64 and SHADER_INT64) on the device"
            )));
        }
        self.uses_f64 = true;
        Ok(())
    }

    fn operand(&mut self, op: Operand, dtype: DType) -> Result<usize, GpuError> {
        wgsl_type(dtype, self.caps)?;
        if let Some(k) = self.shader.operands.iter().position(|&(o, _)| o == op) {
            return Ok(k);
        }
        self.shader.operands.push((op, dtype));
        Ok(self.shader.operands.len() - 1)
    }

    fn node(&mut self, id: usize) -> Result<(), GpuError> {
        let node = &self.kernel.nodes[id];
        let dtype = node.dtype;
        let ty = self.ty(dtype)?;
        let n = |k: usize| format!("n{k}");
        let src = |k: usize| self.kernel.nodes[k].dtype;
        let expr = match &node.op {
            Op::Load { source, view } => {
                let shape = match source {
                    Source::Input(i) => self.program.inputs[*i].shape.clone(),
                    Source::Buffer(b) => self.program.buffers[*b].shape.clone(),
                    other => other.index_shape().unwrap_or_default(),
                };
                let slot = self.shader.loads.len();
                self.shader.loads.push((shape, view.clone()));
                let ndim = self.kernel.shape.len();
                let mut offset = format!("vx_layout[{}]", 1 + ndim + slot * (ndim + 1));
                for d in 0..ndim {
                    let _ = write!(
                        offset,
                        " + c{d} * vx_layout[{}]",
                        2 + ndim + slot * (ndim + 1) + d
                    );
                }
                let (op, sdtype) = match source {
                    Source::Input(i) => (Operand::Input(*i), self.program.inputs[*i].dtype),
                    Source::Buffer(b) => (Operand::Buffer(*b), self.program.buffers[*b].dtype),
                    index => return self.index_source(id, index, dtype, &offset),
                };
                let k = self.operand(op, sdtype)?;
                let load = format!("src{k}[u32({offset})]");
                if sdtype == DType::Bool {
                    format!("{load} != 0u")
                } else {
                    load
                }
            }
            Op::Const(lit) => literal(*lit, dtype)?,
            Op::Unary(UnaryOp::Neg, a) => match dtype {
                DType::F64 => format!("bitcast<f64>(bitcast<i64>({}) ^ {})", n(*a), i64_min()),
                DType::F32 => format!("bitcast<f32>(bitcast<u32>({}) ^ 0x80000000u)", n(*a)),
                DType::U32 => format!("0u - {}", n(*a)),
                _ => format!("-{}", n(*a)),
            },
            Op::Unary(UnaryOp::Not, a) => match dtype {
                DType::Bool => format!("!{}", n(*a)),
                _ => format!("~{}", n(*a)),
            },
            Op::Binary(op, a, b) => self.binary(*op, src(*a), &n(*a), &n(*b))?,
            Op::Call(f, args) => {
                let names: Vec<String> = args.iter().map(|&k| n(k)).collect();
                self.call(*f, src(args[0]), &names)?
            }
            Op::Cast(a) => self.cast(src(*a), dtype, &n(*a))?,
            Op::Where(c, a, b) => format!("select({}, {}, {})", n(*b), n(*a), n(*c)),
        };
        let _ = writeln!(self.body, "    let n{id}: {ty} = {expr};");
        Ok(())
    }

    /// `let n{id}` for a load of an index source at flat index `offset`, computed as the
    /// interpreter computes it (`vex_expr::interp`'s `load`): `arange` in float64 as
    /// `start + i·step` then rounded to the node's dtype (integer ranges are int64, which
    /// the backend refuses); `linspace` as NumPy's formula for its size. The parameters are constants of the
    /// code: a different range compiles another shader.
    fn index_source(
        &mut self,
        id: usize,
        source: &Source,
        dtype: DType,
        offset: &str,
    ) -> Result<(), GpuError> {
        let ty = self.ty(dtype)?;
        let x = format!("f64({offset})");
        let wide = match *source {
            Source::Arange { start, step, .. } if matches!(dtype, DType::F32 | DType::F64) => {
                self.need_f64("arange")?;
                let float = |lit: Literal| match lit {
                    Literal::Int(v) => Ok(v as f64),
                    Literal::Float(v) => Ok(v),
                    _ => Err(GpuError::Unsupported(format!("arange of {lit:?}"))),
                };
                let (start, step) = (float(start)?, float(step)?);
                format!(
                    "vm_keep({} + vm_keep({x} * {}))",
                    f64_literal(start),
                    f64_literal(step)
                )
            }
            Source::Linspace { start, stop, num } if matches!(dtype, DType::F32 | DType::F64) => {
                self.need_f64("linspace")?;
                let delta = stop - start;
                let div = num.saturating_sub(1) as f64;
                let step = delta / div;
                let (start, stop, delta) =
                    (f64_literal(start), f64_literal(stop), f64_literal(delta));
                if num <= 1 {
                    format!("vm_keep(vm_keep({x} * {delta}) + {start})")
                } else {
                    let inner = if step == 0.0 {
                        format!(
                            "vm_keep(vm_keep(vm_keep({x} / {}) * {delta}) + {start})",
                            f64_literal(div)
                        )
                    } else {
                        format!("vm_keep(vm_keep({x} * {}) + {start})", f64_literal(step))
                    };
                    format!("select({inner}, {stop}, {offset} == {})", num - 1)
                }
            }
            Source::Uniform { .. } => {
                return Err(GpuError::Unsupported("random sources (rand, randn)".into()))
            }
            _ => {
                return Err(GpuError::Unsupported(format!(
                    "index source {source:?} as {dtype:?}"
                )))
            }
        };
        let value = if dtype == DType::F32 {
            format!("f32({wide})")
        } else {
            wide
        };
        let _ = writeln!(self.body, "    let n{id}: {ty} = {value};");
        Ok(())
    }

    fn binary(&mut self, op: BinaryOp, dtype: DType, a: &str, b: &str) -> Result<String, GpuError> {
        use BinaryOp::*;
        let float = matches!(dtype, DType::F32 | DType::F64);
        let keep = |e: String| match dtype {
            DType::F64 => format!("vm_keep({e})"),
            DType::F32 => format!("vm_keep32({e})"),
            _ => e,
        };
        Ok(match op {
            Add | Sub | Mul => {
                let sym = match op {
                    Add => "+",
                    Sub => "-",
                    _ => "*",
                };
                keep(format!("{a} {sym} {b}"))
            }
            // Float32 division through float64 is correctly rounded (53 >= 2·24 + 2),
            // whatever precision the device gives float32 division.
            Div if dtype == DType::F32 => {
                self.need_f64("float32 division")?;
                format!("f32(vm_keep(f64({a}) / f64({b})))")
            }
            Div if dtype == DType::F64 => keep(format!("{a} / {b}")),
            Pow if float => {
                self.need_f64("pow")?;
                let f = self.lib.binary(Pow)?;
                wrap32(dtype, &f, &[a, b])
            }
            Lt | Le | Gt | Ge | Eq => {
                let sym = match op {
                    Lt => "<",
                    Le => "<=",
                    Gt => ">",
                    Ge => ">=",
                    _ => "==",
                };
                if dtype == DType::Bool {
                    // WGSL orders no bools: compare them as 0 and 1.
                    format!("u32({a}) {sym} u32({b})")
                } else {
                    format!("{a} {sym} {b}")
                }
            }
            // naga compiles float `!=` to an ordered comparison (false for NaN).
            Ne if float => format!("!({a} == {b})"),
            Ne => format!("{a} != {b}"),
            And if !float => format!("{a} & {b}"),
            Or if !float => format!("{a} | {b}"),
            Xor if dtype == DType::Bool => format!("{a} != {b}"),
            Xor if !float => format!("{a} ^ {b}"),
            _ => {
                return Err(GpuError::Unsupported(format!(
                    "operator {} on {dtype:?}",
                    op.symbol()
                )))
            }
        })
    }

    fn call(&mut self, f: Func, dtype: DType, args: &[String]) -> Result<String, GpuError> {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let a = &args[0];
        let b = args.get(1).map(String::as_str).unwrap_or_default();
        let float = matches!(dtype, DType::F32 | DType::F64);
        // Float bit patterns as integers: the type, the magnitude mask, the sign bit and
        // the bits of +inf.
        let (int, mag, sign, inf) = match dtype {
            DType::F64 => (
                "i64",
                "9223372036854775807li",
                i64_min(),
                "9218868437227405312li",
            ),
            _ => ("u32", "0x7fffffffu", "0x80000000u", "0x7f800000u"),
        };
        let fty = if dtype == DType::F64 { "f64" } else { "f32" };
        let class = |x: &str, op: &str| format!("(bitcast<{int}>({x}) & {mag}) {op} {inf}");
        Ok(match f {
            Func::IsNan if float => class(a, ">"),
            Func::IsInf if float => class(a, "=="),
            Func::IsFinite if float => class(a, "<"),
            Func::Abs if float => format!("bitcast<{fty}>(bitcast<{int}>({a}) & {mag})"),
            Func::Copysign if float => format!(
                "bitcast<{fty}>((bitcast<{int}>({a}) & {mag}) | (bitcast<{int}>({b}) & {sign}))"
            ),
            // NaN-propagating, first operand on ties (`vex_expr::ops::float::maximum`).
            Func::Maximum if float => format!("select({b}, {a}, ({a} > {b}) | ({}))", class(a, ">")),
            Func::Minimum if float => format!("select({b}, {a}, ({a} < {b}) | ({}))", class(a, ">")),
            // 1, -1, +0 for either zero, NaN for NaN.
            Func::Sign if float => format!(
                "select(select(select({a}, {fty}(0), {a} == {fty}(0)), {fty}(-1), {a} < {fty}(0)), {fty}(1), {a} > {fty}(0))"
            ),
            // On the bits (see `wgsl/prelude.wgsl`); float32 values are exact in float64,
            // and so are their integral parts back in float32.
            Func::Floor | Func::Trunc | Func::Round | Func::Ceil if float => {
                self.need_f64(f.name())?;
                let wide = if dtype == DType::F32 { format!("f64({a})") } else { a.clone() };
                let flip64 = |x: &str| format!("bitcast<f64>(bitcast<i64>({x}) ^ {})", i64_min());
                let r = match f {
                    Func::Floor => format!("vm_floor({wide})"),
                    Func::Trunc => format!("vm_trunc({wide})"),
                    Func::Round => format!("vm_rint({wide})"),
                    _ => flip64(&format!("vm_floor({})", flip64(&wide))),
                };
                if dtype == DType::F32 {
                    format!("f32({r})")
                } else {
                    r
                }
            }
            Func::Maximum if !float => format!("max({a}, {b})"),
            Func::Minimum if !float => format!("min({a}, {b})"),
            Func::Abs if dtype == DType::I32 => format!("select({a}, -{a}, {a} < 0i)"),
            Func::Abs if dtype == DType::U32 => a.clone(),
            Func::Sign if dtype == DType::I32 => format!("select(0i, 1i, {a} > 0i) - select(0i, 1i, {a} < 0i)"),
            Func::Sign if dtype == DType::U32 => format!("select(0u, 1u, {a} > 0u)"),
            f if float && vex_expr::vmath::has(f) => {
                self.need_f64(&format!("{} on the GPU", f.name()))?;
                let name = self.lib.function(f)?;
                wrap32(dtype, &name, &refs)
            }
            _ => {
                return Err(GpuError::Unsupported(format!(
                    "function {} on {dtype:?}",
                    f.name()
                )))
            }
        })
    }

    fn cast(&mut self, from: DType, to: DType, a: &str) -> Result<String, GpuError> {
        use DType::*;
        let (to_ty, _) = wgsl_type(to, self.caps)?;
        Ok(match (from, to) {
            _ if from == to => a.to_string(),
            (Bool, _) => format!("select({to_ty}(0), {to_ty}(1), {a})"),
            (F32 | F64, Bool) => format!("!({a} == {}(0))", wgsl_type(from, self.caps)?.0),
            (_, Bool) => format!("{a} != {}(0)", wgsl_type(from, self.caps)?.0),
            (I32, U32) | (U32, I32) => format!("bitcast<{to_ty}>({a})"),
            // Exact conversions.
            (I32 | U32 | F32, F64) => format!("f64({a})"),
            // Correctly rounded through float64 (exact there), whatever rounding the
            // device's own conversion has.
            (I32 | U32, F32) => {
                self.need_f64("int to float32 conversion")?;
                format!("f32(f64({a}))")
            }
            (F64, F32) => format!("f32({a})"),
            // The interpreter's rule, see `F2I32`.
            (F32 | F64, I32 | U32) => {
                self.need_f64("float to int conversion")?;
                self.helpers |= HELPER_F2I32;
                if to == I32 {
                    format!("vx_f2i32(f64({a}))")
                } else {
                    format!("vx_f2u32(f64({a}))")
                }
            }
            _ => {
                return Err(GpuError::Unsupported(format!(
                    "conversion from {from:?} to {to:?}"
                )))
            }
        })
    }

    fn finish(mut self) -> Result<Shader, GpuError> {
        let ndim = self.kernel.shape.len();
        let mut code = String::new();
        if self.uses_f64 {
            code.push_str(self.lib.code());
        }
        code.push_str(PRELUDE32);
        if self.helpers & HELPER_F2I32 != 0 {
            code.push_str(F2I32);
        }
        let mut binding = 0;
        for (k, &(_, dtype)) in self.shader.operands.iter().enumerate() {
            let store_ty = wgsl_type(dtype, self.caps)?.1;
            let _ = writeln!(
                code,
                "@group(0) @binding({binding}) var<storage, read> src{k}: array<{store_ty}>;"
            );
            binding += 1;
        }
        let _ = writeln!(
            code,
            "@group(0) @binding({binding}) var<storage, read> vx_layout: array<i32>;"
        );
        binding += 1;
        self.shader.tables = self.lib.tables().to_vec();
        if self.uses_f64 && !self.shader.tables.is_empty() {
            let _ = writeln!(
                code,
                "@group(0) @binding({binding}) var<storage, read> {TABLES}: array<f64>;"
            );
            binding += 1;
        } else {
            self.shader.tables.clear();
        }
        let mut writes = String::new();
        for (j, store) in self.kernel.stores.iter().enumerate() {
            let dtype = self.kernel.nodes[store.node].dtype;
            let store_ty = wgsl_type(dtype, self.caps)?.1;
            let _ = writeln!(
                code,
                "@group(0) @binding({binding}) var<storage, read_write> dst{j}: array<{store_ty}>;"
            );
            binding += 1;
            let value = if dtype == DType::Bool {
                format!("select(0u, 1u, n{})", store.node)
            } else {
                format!("n{}", store.node)
            };
            let _ = writeln!(writes, "    dst{j}[i] = {value};");
            self.shader.stores.push((store.buffer, dtype));
        }
        let _ = writeln!(
            code,
            "\n@compute @workgroup_size({WORKGROUP})\nfn main({MAIN_PARAMS}) {{"
        );
        if self.uses_f64 {
            let _ = writeln!(code, "    {VM_INIT}");
        }
        let _ = writeln!(code, "    vm_zero32 = nwg.z >> 31u;");
        let _ = writeln!(code, "    let i = {INDEX};");
        let _ = writeln!(code, "    if i >= u32(vx_layout[0]) {{ return; }}");
        // The point's coordinates, last axis fastest (C order).
        let _ = writeln!(code, "    var rest = i32(i);");
        for d in (0..ndim).rev() {
            let _ = writeln!(code, "    let c{d} = rest % vx_layout[{}];", 1 + d);
            let _ = writeln!(code, "    rest = rest / vx_layout[{}];", 1 + d);
        }
        code.push_str(&self.body);
        code.push_str(&writes);
        code.push_str("}\n");
        self.shader.code = code;
        Ok(self.shader)
    }
}

/// `f(args)` for float64 arguments; for float32 ones evaluated in float64 and rounded once.
fn wrap32(dtype: DType, f: &str, args: &[&str]) -> String {
    if dtype == DType::F32 {
        let wide: Vec<String> = args.iter().map(|a| format!("f64({a})")).collect();
        format!("f32({f}({}))", wide.join(", "))
    } else {
        format!("{f}({})", args.join(", "))
    }
}

fn i64_min() -> &'static str {
    "(-9223372036854775807li - 1li)"
}

/// A constant of `dtype` as a WGSL expression with exactly that value.
fn literal(lit: Literal, dtype: DType) -> Result<String, GpuError> {
    let bad = || GpuError::Unsupported(format!("constant {lit:?} as {dtype:?}"));
    Ok(match (lit, dtype) {
        (Literal::Bool(b), DType::Bool) => b.to_string(),
        (Literal::Int(v), DType::I32) => {
            let v = i32::try_from(v).map_err(|_| bad())?;
            if v == i32::MIN {
                "(-2147483647i - 1i)".into()
            } else {
                format!("({v}i)")
            }
        }
        (Literal::Int(v), DType::U32) => format!("{}u", u32::try_from(v).map_err(|_| bad())?),
        (Literal::Int(v), DType::F64) => f64_literal(v as f64),
        (Literal::Float(v), DType::F64) => f64_literal(v),
        (Literal::Int(v), DType::F32) => f32_literal(v as f32),
        (Literal::Float(v), DType::F32) => f32_literal(v as f32),
        (Literal::Int(v), DType::Bool) => (v != 0).to_string(),
        _ => return Err(bad()),
    })
}

/// A float32 constant (shortest round-trip decimal; non-finite ones from their bits).
fn f32_literal(c: f32) -> String {
    if c.is_finite() {
        let digits = format!("{:e}", c.abs());
        if c.is_sign_negative() {
            format!("(-{digits}f)")
        } else {
            format!("{digits}f")
        }
    } else {
        format!("bitcast<f32>({}u)", c.to_bits())
    }
}
