//! The innermost loop of kernels with helper operations (see [`crate::helpers`]):
//! strip-mined into blocks of up to `helpers::BLOCK` points, each block run in passes.
//!
//! Every node gets a *level*: leaves 0, a helper node one more than its deepest operand,
//! anything else its deepest operand's. Pass `L` computes the inline nodes of level `L`
//! for every point of the block; between pass `L-1` and pass `L` the helpers of level
//! `L` run once over the block. Values crossing a pass boundary (helper operands and
//! results, inline values used by a later pass) live in stack buffers (room for
//! `BLOCK` values of up to 8 bytes, stored contiguously in their own type); loads and constants are simply recomputed where needed. Stores and
//! reductions run in the last pass, so reductions still fold in point order.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, FuncRef, InstBuilder, StackSlot, StackSlotData, StackSlotKind, Value,
};
use cranelift_frontend::{FunctionBuilder, Variable};
use vex_expr::ir::{Kernel, Op};
use vex_expr::DType;

use super::{eval_node, operands, Env, Gen, Row};
use crate::helpers;

/// At most this many stack buffers (of `helpers::BLOCK * 8` bytes each) per kernel, so
/// that compiled code stays well inside a thread's stack.
pub(crate) const MAX_TEMPS: usize = 128;

/// The pass structure of a kernel with helpers.
pub(crate) struct BlockPlan {
    level: Vec<usize>,
    /// The helper code of each helper node.
    helper: Vec<Option<i64>>,
    /// Nodes whose values are kept in a stack buffer.
    temp: Vec<bool>,
    last_level: usize,
}

impl BlockPlan {
    /// Fails when the kernel needs more stack buffers than [`MAX_TEMPS`].
    pub fn check(&self) -> Result<(), String> {
        let n = self.temp.iter().filter(|&&t| t).count();
        if n > MAX_TEMPS {
            Err(format!(
                "{n} intermediate values cross helper calls (at most {MAX_TEMPS})"
            ))
        } else {
            Ok(())
        }
    }
}

fn is_leaf(op: &Op) -> bool {
    matches!(op, Op::Load { .. } | Op::Const(_))
}

/// The helper code of node `i`, if it is computed by a helper.
pub(crate) fn helper_code(kernel: &Kernel, i: usize) -> Option<i64> {
    let n = kernel.nodes.get(i)?;
    let arg = operands(&n.op)
        .first()
        .and_then(|&x| kernel.nodes.get(x))
        .map_or(n.dtype, |x| x.dtype);
    helpers::code(&n.op, arg)
}

impl BlockPlan {
    /// The plan for `kernel`, or `None` if it has no helper nodes.
    pub fn new(kernel: &Kernel) -> Option<BlockPlan> {
        let n = kernel.nodes.len();
        let helper: Vec<Option<i64>> = (0..n).map(|i| helper_code(kernel, i)).collect();
        if helper.iter().all(Option::is_none) {
            return None;
        }
        let mut level = vec![0usize; n];
        for (i, node) in kernel.nodes.iter().enumerate() {
            let deepest = operands(&node.op)
                .iter()
                .filter_map(|&x| level.get(x).copied())
                .max()
                .unwrap_or(0);
            level[i] = if helper[i].is_some() {
                deepest + 1
            } else {
                deepest
            };
        }
        let last_level = level.iter().copied().max().unwrap_or(0);
        let mut temp: Vec<bool> = helper.iter().map(Option::is_some).collect();
        for (c, node) in kernel.nodes.iter().enumerate() {
            for x in operands(&node.op) {
                let Some(xn) = kernel.nodes.get(x) else {
                    continue;
                };
                if helper[x].is_some() {
                    continue;
                }
                let crosses = if helper[c].is_some() {
                    true
                } else {
                    !is_leaf(&xn.op) && level[c] > level[x]
                };
                if crosses {
                    temp[x] = true;
                }
            }
        }
        for s in &kernel.stores {
            if let Some(node) = kernel.nodes.get(s.node) {
                if !is_leaf(&node.op) && helper[s.node].is_none() && level[s.node] < last_level {
                    temp[s.node] = true;
                }
            }
        }
        Some(BlockPlan {
            level,
            helper,
            temp,
            last_level,
        })
    }
}

impl Gen<'_> {
    /// The blocked inner loop over `start..end` (see the module doc).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn blocked_inner(
        &self,
        b: &mut FunctionBuilder,
        env: &Env,
        rows: &[Row],
        held: &[Option<Vec<Variable>>],
        last: usize,
        start: Value,
        end: Value,
        plan: &BlockPlan,
    ) -> Result<(), String> {
        let (Some(f64_helper), Some(f32_helper)) = (self.helper_f64, self.helper_f32) else {
            return Err("helpers not declared".into());
        };
        let slots: Vec<Option<StackSlot>> = plan
            .temp
            .iter()
            .zip(&self.kernel.nodes)
            .map(|(&t, node)| {
                // Complex128 values take 16 bytes.
                let elem = node.dtype.size().max(8) as i64;
                t.then(|| {
                    b.create_sized_stack_slot(StackSlotData::new(
                        StackSlotKind::ExplicitSlot,
                        (helpers::BLOCK * elem) as u32,
                        3,
                    ))
                })
            })
            .collect();
        let jb_var = b.declare_var(types::I64);
        b.def_var(jb_var, start);
        let header = b.create_block();
        let body = b.create_block();
        let exit = b.create_block();
        b.ins().jump(header, &[]);
        b.switch_to_block(header);
        let jb = b.use_var(jb_var);
        let go = b.ins().icmp(IntCC::SignedLessThan, jb, end);
        b.ins().brif(go, body, &[], exit, &[]);
        b.switch_to_block(body);
        let rem = b.ins().isub(end, jb);
        let full = b.ins().iconst(types::I64, helpers::BLOCK);
        let m = b.ins().smin(rem, full);
        let zero = b.ins().iconst(types::I64, 0);
        for level in 0..=plan.last_level {
            if level > 0 {
                for (i, code) in plan.helper.iter().enumerate() {
                    let Some(code) = *code else { continue };
                    if plan.level[i] != level {
                        continue;
                    }
                    let node = &self.kernel.nodes[i];
                    let ops = operands(&node.op);
                    let x = *ops.first().ok_or("helper without operands")?;
                    let y = ops.get(1).copied().unwrap_or(x);
                    let addr = |b: &mut FunctionBuilder, n: usize| {
                        slots
                            .get(n)
                            .copied()
                            .flatten()
                            .map(|s| b.ins().stack_addr(types::I64, s, 0))
                            .ok_or_else(|| format!("node {n} has no buffer"))
                    };
                    let (xa, ya, oa) = (addr(b, x)?, addr(b, y)?, addr(b, i)?);
                    let func: FuncRef = match node.dtype {
                        _ if crate::helpers_complex::is_code(code) => {
                            self.helper_complex.ok_or("complex helper not declared")?
                        }
                        DType::F64 => f64_helper,
                        DType::F32 => f32_helper,
                        d => return Err(format!("helper on {d}")),
                    };
                    let code = b.ins().iconst(types::I64, code);
                    b.ins().call(func, &[code, xa, ya, oa, m]);
                }
            }
            Self::counted(b, zero, m, 1, |b, t| {
                self.pass(b, env, rows, held, last, jb, t, level, plan, &slots)
            })?;
        }
        let next = b.ins().iadd(jb, m);
        b.def_var(jb_var, next);
        b.ins().jump(header, &[]);
        b.switch_to_block(exit);
        Ok(())
    }

    /// Pass `level` at point `t` of the block starting at `jb`.
    #[allow(clippy::too_many_arguments)]
    fn pass(
        &self,
        b: &mut FunctionBuilder,
        env: &Env,
        rows: &[Row],
        held: &[Option<Vec<Variable>>],
        last: usize,
        jb: Value,
        t: Value,
        level: usize,
        plan: &BlockPlan,
        slots: &[Option<StackSlot>],
    ) -> Result<(), String> {
        let nodes = &self.kernel.nodes;
        let j = b.ins().iadd(jb, t);
        // Buffers hold values of the node's type contiguously (as helpers read them).
        let offset = |b: &mut FunctionBuilder, x: usize| -> Result<Value, String> {
            Ok(b.ins().imul_imm_s(t, nodes[x].dtype.size() as i64))
        };
        let mut memo: Vec<Option<Value>> = vec![None; nodes.len()];
        // The value of node `x` in this pass: computed, recomputed (leaves) or read back.
        let resolve = |b: &mut FunctionBuilder,
                       memo: &mut Vec<Option<Value>>,
                       x: usize|
         -> Result<Value, String> {
            if let Some(v) = memo[x] {
                return Ok(v);
            }
            let v = if is_leaf(&nodes[x].op) {
                self.leaf(b, env, rows, last, j, x)?
            } else {
                let slot = slots[x].ok_or_else(|| format!("node {x} is not available"))?;
                let ty = super::complex::node_type(nodes[x].dtype)
                    .ok_or_else(|| format!("temp of {}", nodes[x].dtype))?;
                let base = b.ins().stack_addr(types::I64, slot, 0);
                let off = offset(b, x)?;
                let addr = b.ins().iadd(base, off);
                super::complex::load(b, ty, addr)
            };
            memo[x] = Some(v);
            Ok(v)
        };
        for (i, node) in nodes.iter().enumerate() {
            let leaf = is_leaf(&node.op);
            let compute = if leaf {
                level == 0 && plan.temp[i]
            } else {
                plan.helper[i].is_none() && plan.level[i] == level
            };
            if !compute {
                continue;
            }
            let v = if leaf {
                resolve(b, &mut memo, i)?
            } else {
                for x in operands(&node.op) {
                    resolve(b, &mut memo, x)?;
                }
                eval_node(b, self.kernel, i, env.status, &memo)?
            };
            memo[i] = Some(v);
            if plan.temp[i] {
                let slot = slots[i].ok_or("missing buffer")?;
                let base = b.ins().stack_addr(types::I64, slot, 0);
                let off = offset(b, i)?;
                let addr = b.ins().iadd(base, off);
                super::complex::store(b, v, addr);
            }
        }
        if level == plan.last_level {
            for s in &self.kernel.stores {
                resolve(b, &mut memo, s.node)?;
            }
            self.emit_stores(b, rows, held, last, j, &memo)?;
        }
        Ok(())
    }
}
