//! Compiles one kernel to a native function `extern "C" fn(args: *const i64)`.
//!
//! The function runs the kernel over points `lo..hi` of coalesced axis 0 (all of the other
//! axes), reading bases, strides and extents from the argument block (see
//! [`crate::layout`]). Its shape is a loop nest, outer axes first; each outer level adds
//! `i * stride` to every access's base, and the innermost loop addresses elements as
//! `row_base + j * stride` (a shift for contiguous accesses). Where every operand is
//! contiguous or broadcast and every operation has a vector form, the innermost loop is
//! vectorised ([`simd`]) with a scalar tail.
//!
//! Reductions: an accumulator whose innermost stride is zero (the inner axis is reduced)
//! is held in registers for the whole row, loaded before and stored after it, so the fold
//! order is exactly the interpreter's; otherwise each point folds into memory.

mod blocked;
mod complex;
mod fold;
mod index;
pub(crate) mod mathlib;
mod ops;
mod simd;
pub(crate) mod vmath;

use self::fold::{acc_type, fold};
use self::index::index_value;

use cranelift_codegen::ir::{
    types, AbiParam, FuncRef, InstBuilder, MemFlagsData, Signature, UserFuncName, Value,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module};
use vex_expr::ir::{Kernel, Op, Source};
use vex_expr::DType;

use crate::layout::{AccessKind, ArgLayout, Inner, Layout, W_EXTENTS, W_HI, W_LO, W_STATUS};
pub(crate) use ops::STATUS_NEGATIVE_POWER;

/// Compiles `kernel` for `layout` into `module` (not yet finalized).
pub(crate) fn compile(
    module: &mut JITModule,
    kernel: &Kernel,
    layout: &Layout,
) -> Result<FuncId, String> {
    let ptr = module.target_config().pointer_type();
    if ptr != types::I64 {
        return Err("the JIT needs a 64-bit target".into());
    }
    let mut ctx = module.make_context();
    ctx.func.signature.params.push(AbiParam::new(types::I64));
    let id = module
        .declare_function("kernel", Linkage::Local, &ctx.func.signature)
        .map_err(|e| e.to_string())?;
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let helper_ids = if blocked::BlockPlan::new(kernel).is_some() {
        let mut sig = Signature::new(module.isa().default_call_conv());
        for _ in 0..5 {
            sig.params.push(AbiParam::new(types::I64));
        }
        let declare = |m: &mut JITModule, name: &str| {
            m.declare_function(name, Linkage::Import, &sig)
                .map_err(|e| e.to_string())
        };
        Some((
            declare(module, crate::helpers::F64_NAME)?,
            declare(module, crate::helpers::F32_NAME)?,
            declare(module, crate::helpers_complex::NAME)?,
        ))
    } else {
        None
    };
    let mut fctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let mut gen = Gen::new(kernel, layout)?;
        if let Some((f64_id, f32_id, complex_id)) = helper_ids {
            gen.helper_f64 = Some(module.declare_func_in_func(f64_id, b.func));
            gen.helper_f32 = Some(module.declare_func_in_func(f32_id, b.func));
            gen.helper_complex = Some(module.declare_func_in_func(complex_id, b.func));
        }
        gen.emit(&mut b)?;
        b.seal_all_blocks();
        b.finalize(module.target_config());
    }
    module
        .define_function(id, &mut ctx)
        .map_err(|e| format!("{e:?}"))?;
    module.clear_context(&mut ctx);
    Ok(id)
}

/// Per-node information resolved once before emitting.
struct Gen<'k> {
    kernel: &'k Kernel,
    layout: &'k Layout,
    args: ArgLayout,
    /// For each load node, its access index.
    load_access: Vec<Option<usize>>,
    /// The pass structure, for kernels with helper operations.
    blocked: Option<blocked::BlockPlan>,
    helper_f64: Option<FuncRef>,
    helper_f32: Option<FuncRef>,
    helper_complex: Option<FuncRef>,
}

/// The run-time values of one access at one loop level.
#[derive(Clone)]
struct Row {
    bases: Vec<Value>,
    /// The access's stride along each coalesced axis.
    strides: Vec<Value>,
}

fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

impl<'k> Gen<'k> {
    fn new(kernel: &'k Kernel, layout: &'k Layout) -> Result<Gen<'k>, String> {
        let args = ArgLayout::new(layout.ndim, layout.accesses.iter().map(|a| a.0));
        let mut load_access = vec![None; kernel.nodes.len()];
        for (a, (kind, _)) in layout.accesses.iter().enumerate() {
            match *kind {
                AccessKind::Load { node, .. } | AccessKind::Index { node } => {
                    *load_access
                        .get_mut(node)
                        .ok_or_else(|| format!("access of missing node {node}"))? = Some(a);
                }
                _ => {}
            }
        }
        Ok(Gen {
            kernel,
            layout,
            args,
            load_access,
            blocked: blocked::BlockPlan::new(kernel),
            helper_f64: None,
            helper_f32: None,
            helper_complex: None,
        })
    }

    fn word(&self, b: &mut FunctionBuilder, args: Value, w: usize) -> Value {
        b.ins().load(types::I64, flags(), args, (w * 8) as i32)
    }

    fn emit(&mut self, b: &mut FunctionBuilder) -> Result<(), String> {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let args = b.block_params(entry)[0];
        let lo = self.word(b, args, W_LO);
        let hi = self.word(b, args, W_HI);
        let status = ops::Status {
            ptr: self.word(b, args, W_STATUS),
        };
        let ndim = self.layout.ndim;
        let extents: Vec<Value> = (0..ndim)
            .map(|k| self.word(b, args, W_EXTENTS + k))
            .collect();
        let mut rows = Vec::new();
        for (a, (kind, _)) in self.layout.accesses.iter().enumerate() {
            let w = self.args.access_words[a];
            let bases = (0..kind.nptr())
                .map(|p| self.word(b, args, w + p))
                .collect();
            let strides = (0..ndim)
                .map(|k| {
                    let w = self.args.stride_word(a, kind.nptr(), k);
                    self.word(b, args, w)
                })
                .collect();
            rows.push(Row { bases, strides });
        }
        let consts = self.constants(b)?;
        let env = Env {
            status,
            consts,
            extents,
        };
        if ndim == 1 {
            self.inner(b, &env, &rows, lo, hi)?;
        } else {
            self.level(b, &env, rows, 0, lo, hi)?;
        }
        b.ins().return_(&[]);
        Ok(())
    }

    /// Constants, materialised once in the entry block.
    fn constants(&self, b: &mut FunctionBuilder) -> Result<Vec<Option<Value>>, String> {
        let mut out = vec![None; self.kernel.nodes.len()];
        for (i, n) in self.kernel.nodes.iter().enumerate() {
            if let Op::Const(lit) = n.op {
                out[i] = Some(if n.dtype.is_complex() {
                    complex::constant(b, lit, n.dtype)?
                } else {
                    ops::constant(b, lit, n.dtype)?
                });
            }
        }
        Ok(out)
    }

    /// A counted loop `for i in start..end { body(i) }`.
    fn counted(
        b: &mut FunctionBuilder,
        start: Value,
        end: Value,
        step: i64,
        mut body: impl FnMut(&mut FunctionBuilder, Value) -> Result<(), String>,
    ) -> Result<(), String> {
        let var = b.declare_var(types::I64);
        b.def_var(var, start);
        let header = b.create_block();
        let body_block = b.create_block();
        let exit = b.create_block();
        b.ins().jump(header, &[]);
        b.switch_to_block(header);
        let i = b.use_var(var);
        // With step > 1: run while i + step <= end.
        let next = b.ins().iadd_imm_s(i, step);
        let go = if step == 1 {
            b.ins().icmp(
                cranelift_codegen::ir::condcodes::IntCC::SignedLessThan,
                i,
                end,
            )
        } else {
            b.ins().icmp(
                cranelift_codegen::ir::condcodes::IntCC::SignedLessThanOrEqual,
                next,
                end,
            )
        };
        b.ins().brif(go, body_block, &[], exit, &[]);
        b.switch_to_block(body_block);
        body(b, i)?;
        b.def_var(var, next);
        b.ins().jump(header, &[]);
        b.switch_to_block(exit);
        Ok(())
    }

    /// Loop level `k` (not the innermost) over `start..end`.
    fn level(
        &self,
        b: &mut FunctionBuilder,
        env: &Env,
        rows: Vec<Row>,
        k: usize,
        start: Value,
        end: Value,
    ) -> Result<(), String> {
        let ndim = self.layout.ndim;
        Self::counted(b, start, end, 1, |b, i| {
            let inner_rows: Vec<Row> = rows
                .iter()
                .zip(&self.layout.accesses)
                .map(|(r, (kind, _))| {
                    let off = b.ins().imul(i, r.strides[k]);
                    let bases = r.bases.iter().map(|&p| b.ins().iadd(p, off)).collect();
                    let _ = kind;
                    Row {
                        bases,
                        strides: r.strides.clone(),
                    }
                })
                .collect();
            let zero = b.ins().iconst(types::I64, 0);
            let n = env.extents[k + 1];
            if k + 2 == ndim {
                self.inner(b, env, &inner_rows, zero, n)
            } else {
                self.level(b, env, inner_rows, k + 1, zero, n)
            }
        })
    }

    /// The innermost loop over `j in start..end` of rows `rows`.
    fn inner(
        &self,
        b: &mut FunctionBuilder,
        env: &Env,
        rows: &[Row],
        start: Value,
        end: Value,
    ) -> Result<(), String> {
        let last = self.layout.ndim - 1;
        // Register accumulators for reductions along the inner axis.
        let mut held: Vec<Option<Vec<Variable>>> = vec![None; rows.len()];
        for (a, (kind, inner)) in self.layout.accesses.iter().enumerate() {
            if let (AccessKind::Acc { .. }, Inner::Zero) = (kind, inner) {
                let ty = acc_type(*kind)?;
                let vars = rows[a]
                    .bases
                    .iter()
                    .map(|&p| {
                        let v = b.declare_var(ty);
                        let x = complex::load(b, ty, p);
                        b.def_var(v, x);
                        v
                    })
                    .collect();
                held[a] = Some(vars);
            }
        }
        let mut j0 = start;
        if let Some(plan) = &self.blocked {
            self.blocked_inner(b, env, rows, &held, last, start, end, plan)?;
            self.store_held(b, rows, &held);
            return Ok(());
        }
        if let Some(plan) = simd::plan(self.kernel, self.layout) {
            let vacc = simd::init_accs(b, self.layout, &plan);
            let var = b.declare_var(types::I64);
            b.def_var(var, start);
            Self::counted(b, start, end, plan.step(), |b, j| {
                simd::body(b, self.kernel, self.layout, &plan, env, rows, &vacc, j)?;
                let n = b.ins().iadd_imm_s(j, plan.step());
                b.def_var(var, n);
                Ok(())
            })?;
            j0 = b.use_var(var);
            if vacc.iter().any(Option::is_some) {
                // Merging the lanes costs a two-sum per lane and unrolled copy: skipped
                // when the vector loop did not run, as in rows shorter than one step
                // (the 3-long rows of a distance matrix's sums).
                let merge = b.create_block();
                let after = b.create_block();
                let ran =
                    b.ins()
                        .icmp(cranelift_codegen::ir::condcodes::IntCC::NotEqual, j0, start);
                b.ins().brif(ran, merge, &[], after, &[]);
                b.switch_to_block(merge);
                simd::merge_accs(b, &plan, &vacc, &held)?;
                b.ins().jump(after, &[]);
                b.switch_to_block(after);
            }
        }
        Self::counted(b, j0, end, 1, |b, j| {
            self.scalar_body(b, env, rows, &held, last, j)
        })?;
        self.store_held(b, rows, &held);
        Ok(())
    }

    /// Stores the register accumulators back after a row.
    fn store_held(&self, b: &mut FunctionBuilder, rows: &[Row], held: &[Option<Vec<Variable>>]) {
        for (a, vars) in held.iter().enumerate() {
            if let Some(vars) = vars {
                for (v, &p) in vars.iter().zip(&rows[a].bases) {
                    let x = b.use_var(*v);
                    complex::store(b, x, p);
                }
            }
        }
    }

    /// The address (or index) of element `j` of the innermost axis of access `a`, from
    /// base `base`.
    fn address(
        &self,
        b: &mut FunctionBuilder,
        rows: &[Row],
        a: usize,
        base: Value,
        last: usize,
        j: Value,
    ) -> Value {
        let (kind, inner) = self.layout.accesses[a];
        match inner {
            Inner::Zero => base,
            Inner::Contig => {
                let off = match kind.unit() {
                    1 => j,
                    u => b.ins().imul_imm_s(j, u as i64),
                };
                b.ins().iadd(base, off)
            }
            Inner::Other => {
                let off = b.ins().imul(j, rows[a].strides[last]);
                b.ins().iadd(base, off)
            }
        }
    }

    /// One point: every node, then every store.
    fn scalar_body(
        &self,
        b: &mut FunctionBuilder,
        env: &Env,
        rows: &[Row],
        held: &[Option<Vec<Variable>>],
        last: usize,
        j: Value,
    ) -> Result<(), String> {
        let vals = eval_nodes(b, self.kernel, env.status, &mut |b, i| {
            self.leaf(b, env, rows, last, j, i)
        })?;
        let vals: Vec<Option<Value>> = vals.into_iter().map(Some).collect();
        self.emit_stores(b, rows, held, last, j, &vals)
    }

    /// The value of load or constant node `i` at point `j` of the inner axis.
    fn leaf(
        &self,
        b: &mut FunctionBuilder,
        env: &Env,
        rows: &[Row],
        last: usize,
        j: Value,
        i: usize,
    ) -> Result<Value, String> {
        let n = &self.kernel.nodes[i];
        match &n.op {
            Op::Load { source, .. } => {
                let a = self.load_access[i].ok_or("load without access")?;
                let addr = self.address(b, rows, a, rows[a].bases[0], last, j);
                match source {
                    Source::Input(_) | Source::Buffer(_) => {
                        let ty = complex::node_type(n.dtype)
                            .ok_or_else(|| format!("load of {}", n.dtype))?;
                        Ok(complex::load(b, ty, addr))
                    }
                    _ if n.dtype.is_complex() => complex::index_value(b, source, n.dtype, addr),
                    _ => index_value(b, source, n.dtype, addr),
                }
            }
            Op::Const(_) => env.consts[i].ok_or_else(|| "constant not materialised".to_string()),
            _ => Err(format!("node {i} is not a leaf")),
        }
    }

    /// The elementwise stores and reduction folds of point `j`, given the stored nodes'
    /// values.
    fn emit_stores(
        &self,
        b: &mut FunctionBuilder,
        rows: &[Row],
        held: &[Option<Vec<Variable>>],
        last: usize,
        j: Value,
        vals: &[Option<Value>],
    ) -> Result<(), String> {
        for (a, (kind, _)) in self.layout.accesses.iter().enumerate() {
            match *kind {
                AccessKind::Store { node, .. } => {
                    let addr = self.address(b, rows, a, rows[a].bases[0], last, j);
                    let v = vals
                        .get(node)
                        .copied()
                        .flatten()
                        .ok_or("store of a missing node")?;
                    complex::store(b, v, addr);
                }
                AccessKind::Acc {
                    node, dtype, acc, ..
                } => {
                    let x = vals
                        .get(node)
                        .copied()
                        .flatten()
                        .ok_or("reduction of a missing node")?;
                    let ty = acc_type(*kind)?;
                    match &held[a] {
                        Some(vars) => {
                            let state: Vec<Value> = vars.iter().map(|&v| b.use_var(v)).collect();
                            let next = fold(b, acc, dtype, &state, x);
                            for (v, x) in vars.iter().zip(next) {
                                b.def_var(*v, x);
                            }
                        }
                        None => {
                            let addrs: Vec<Value> = rows[a]
                                .bases
                                .iter()
                                .map(|&p| self.address(b, rows, a, p, last, j))
                                .collect();
                            let state: Vec<Value> =
                                addrs.iter().map(|&p| complex::load(b, ty, p)).collect();
                            let next = fold(b, acc, dtype, &state, x);
                            for (p, x) in addrs.iter().zip(next) {
                                complex::store(b, x, *p);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// A leaf's value: `leaf(b, node)` for loads and constants.
type Leaf<'a> = dyn FnMut(&mut FunctionBuilder, usize) -> Result<Value, String> + 'a;

/// The operands of an operation.
fn operands(op: &Op) -> Vec<usize> {
    match op {
        Op::Load { .. } | Op::Const(_) => vec![],
        Op::Unary(_, x) | Op::Cast(x) => vec![*x],
        Op::Binary(_, x, y) => vec![*x, *y],
        Op::Call(_, xs) => xs.clone(),
        Op::Where(c, x, y) => vec![*c, *x, *y],
    }
}

/// The value of inline (not leaf, not helper) node `i` from its operands' values.
fn eval_node(
    b: &mut FunctionBuilder,
    kernel: &Kernel,
    i: usize,
    status: ops::Status,
    vals: &[Option<Value>],
) -> Result<Value, String> {
    let nodes = &kernel.nodes;
    let n = nodes.get(i).ok_or("missing node")?;
    let get = |id: usize| {
        vals.get(id)
            .copied()
            .flatten()
            .ok_or_else(|| format!("node {i}: operand {id} is not available"))
    };
    let dt = |id: usize| nodes.get(id).map(|n| n.dtype).unwrap_or(DType::Bool);
    if !matches!(n.op, Op::Load { .. } | Op::Const(_)) && complex::involves(kernel, i) {
        return complex::eval_node(b, kernel, i, vals);
    }
    Ok(match &n.op {
        Op::Load { .. } | Op::Const(_) => return Err(format!("node {i} is a leaf")),
        Op::Unary(op, x) => ops::unary(b, *op, n.dtype, get(*x)?)?,
        Op::Binary(op, x, y) => ops::binary(b, *op, dt(*x), get(*x)?, get(*y)?, status)?,
        Op::Call(f, xs) => {
            let args: Vec<Value> = xs.iter().map(|&x| get(x)).collect::<Result<_, _>>()?;
            let arg_dt = xs.first().map(|&x| dt(x)).unwrap_or(n.dtype);
            if xs.iter().any(|&x| dt(x) != arg_dt) {
                return Err(format!("{}() with mixed operand dtypes", f.name()));
            }
            ops::call(b, *f, arg_dt, &args)?
        }
        Op::Cast(x) => ops::cast(b, dt(*x), n.dtype, get(*x)?)?,
        Op::Where(c, x, y) => {
            let (c, x, y) = (get(*c)?, get(*x)?, get(*y)?);
            b.ins().select(c, x, y)
        }
    })
}

/// Every node's value at one point; loads, constants and helper nodes from `leaf`.
fn eval_nodes(
    b: &mut FunctionBuilder,
    kernel: &Kernel,
    status: ops::Status,
    leaf: &mut Leaf<'_>,
) -> Result<Vec<Value>, String> {
    let mut vals: Vec<Option<Value>> = Vec::with_capacity(kernel.nodes.len());
    for (i, n) in kernel.nodes.iter().enumerate() {
        let v = match &n.op {
            Op::Load { .. } | Op::Const(_) => leaf(b, i)?,
            _ if blocked::helper_code(kernel, i).is_some() => leaf(b, i)?,
            _ => eval_node(b, kernel, i, status, &vals)?,
        };
        vals.push(Some(v));
    }
    Ok(vals.into_iter().flatten().collect())
}

/// Whether every node of `kernel` can be compiled, without compiling: the nodes are
/// emitted into a scratch function with loads as constants.
pub(crate) fn check(kernel: &Kernel) -> Result<(), String> {
    if let Some(plan) = blocked::BlockPlan::new(kernel) {
        plan.check()?;
    }
    let mut func = cranelift_codegen::ir::Function::new();
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fctx);
    let block = b.create_block();
    b.switch_to_block(block);
    let ptr = b.append_block_param(block, types::I64);
    let status = ops::Status { ptr };
    eval_nodes(&mut b, kernel, status, &mut |b, i| {
        let n = &kernel.nodes[i];
        match &n.op {
            Op::Load {
                source: Source::Input(_) | Source::Buffer(_),
                ..
            } if n.dtype.is_complex() => complex::zero(b, n.dtype),
            Op::Load {
                source: Source::Input(_) | Source::Buffer(_),
                ..
            } => {
                let ty = ops::clif_type(n.dtype).ok_or_else(|| format!("load of {}", n.dtype))?;
                // Any value of the right type stands in for the load.
                Ok(match ty {
                    types::F32 => b.ins().f32const(0.0),
                    types::F64 => b.ins().f64const(0.0),
                    _ => b.ins().iconst(ty, 0),
                })
            }
            Op::Load { source, .. } if n.dtype.is_complex() => {
                complex::index_value(b, source, n.dtype, ptr)
            }
            Op::Load { source, .. } => index_value(b, source, n.dtype, ptr),
            Op::Const(lit) if n.dtype.is_complex() => complex::constant(b, *lit, n.dtype),
            Op::Const(lit) => ops::constant(b, *lit, n.dtype),
            // A helper node: computed out of line, on floats or complex.
            _ => match n.dtype {
                DType::F32 => Ok(b.ins().f32const(0.0)),
                DType::F64 => Ok(b.ins().f64const(0.0)),
                d if d.is_complex() => complex::zero(b, d),
                d => Err(format!("helper producing {d}")),
            },
        }
    })?;
    Ok(())
}

/// Values shared by every loop level.
pub(crate) struct Env {
    status: ops::Status,
    consts: Vec<Option<Value>>,
    extents: Vec<Value>,
}
