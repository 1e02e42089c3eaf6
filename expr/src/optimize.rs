//! Kernel-level simplification: constant folding, strength reduction of powers, common
//! subexpression elimination and removal of dead nodes.
//!
//! Every rewrite keeps NumPy's results: folding uses the same [`crate::ops`] the
//! interpreter runs, integer powers become multiplication chains only where that is exact
//! (integers wrap the same way) or where NumPy itself takes the shortcut (`x**2`, `x**0.5`,
//! `x**-1`, `x**1` on floats, as its `fast_scalar_power` does).

use std::collections::HashMap;

use crate::block::Block;
use crate::dtype::DType;
use crate::ir::{BinaryOp, Func, Kernel, Literal, Node, NodeId, Op, Program};
use crate::ops;

/// Simplifies every kernel of `program` in place.
pub fn optimize(program: &mut Program) {
    for k in &mut program.kernels {
        simplify(k);
        remove_dead(k);
    }
}

struct Rebuilder {
    nodes: Vec<Node>,
    interned: HashMap<String, NodeId>,
}

impl Rebuilder {
    fn emit(&mut self, op: Op, dtype: DType) -> NodeId {
        let op = self.fold(op, dtype);
        let key = format!("{op:?}|{dtype:?}");
        if let Some(&id) = self.interned.get(&key) {
            return id;
        }
        self.nodes.push(Node { op, dtype });
        let id = self.nodes.len() - 1;
        self.interned.insert(key, id);
        id
    }

    fn literal(&self, id: NodeId) -> Option<Literal> {
        match self.nodes[id].op {
            Op::Const(l) => Some(l),
            _ => None,
        }
    }

    fn block(&self, id: NodeId) -> Option<Block> {
        let l = self.literal(id)?;
        Some(ops::splat(l, self.nodes[id].dtype, 1))
    }

    /// Evaluates an operation whose operands are all constants.
    fn fold(&self, op: Op, dtype: DType) -> Op {
        let folded = match &op {
            Op::Unary(u, x) => self.block(*x).and_then(|b| ops::unary(*u, &b).ok()),
            Op::Binary(b, x, y) => match (self.block(*x), self.block(*y)) {
                (Some(a), Some(c)) => ops::binary(*b, &a, &c).ok(),
                _ => None,
            },
            Op::Call(f, args) => {
                let blocks: Option<Vec<Block>> = args.iter().map(|a| self.block(*a)).collect();
                blocks.and_then(|bs| {
                    let refs: Vec<&Block> = bs.iter().collect();
                    ops::call(*f, &refs).ok()
                })
            }
            Op::Cast(x) => self.block(*x).map(|b| ops::cast(&b, dtype)),
            Op::Where(c, a, b) => match (self.block(*c), self.block(*a), self.block(*b)) {
                (Some(c), Some(a), Some(b)) => Some(ops::select(&c, &a, &b)),
                _ => None,
            },
            _ => None,
        };
        match folded {
            Some(b) if b.dtype() == dtype && b.len() == 1 => {
                Op::Const(crate::lower::literal_of(&b))
            }
            _ => op,
        }
    }
}

fn simplify(k: &mut Kernel) {
    let mut rb = Rebuilder {
        nodes: Vec::with_capacity(k.nodes.len()),
        interned: HashMap::new(),
    };
    let mut map: Vec<NodeId> = Vec::with_capacity(k.nodes.len());
    for node in &k.nodes {
        let m = |i: &NodeId| map[*i];
        let op = match &node.op {
            Op::Load { .. } | Op::Const(_) => node.op.clone(),
            Op::Unary(u, x) => Op::Unary(*u, m(x)),
            Op::Binary(b, x, y) => Op::Binary(*b, m(x), m(y)),
            Op::Call(f, args) => Op::Call(*f, args.iter().map(m).collect()),
            Op::Cast(x) => Op::Cast(m(x)),
            Op::Where(c, a, b) => Op::Where(m(c), m(a), m(b)),
        };
        let id = match op {
            Op::Binary(BinaryOp::Pow, x, y) => power(&mut rb, x, y, node.dtype),
            op => rb.emit(op, node.dtype),
        };
        map.push(id);
    }
    for s in &mut k.stores {
        s.node = map[s.node];
    }
    k.nodes = rb.nodes;
}

/// `x ** y` with a constant exponent, rewritten where that is exact or NumPy's own shortcut.
fn power(rb: &mut Rebuilder, x: NodeId, y: NodeId, dtype: DType) -> NodeId {
    let general = |rb: &mut Rebuilder| rb.emit(Op::Binary(BinaryOp::Pow, x, y), dtype);
    let Some(exp) = rb.literal(y) else {
        return general(rb);
    };
    let mul =
        |rb: &mut Rebuilder, a: NodeId, b: NodeId| rb.emit(Op::Binary(BinaryOp::Mul, a, b), dtype);
    if dtype.is_int() {
        let Literal::Int(e) = exp else {
            return general(rb);
        };
        if !(0..=16).contains(&e) {
            return general(rb);
        }
        if e == 0 {
            return rb.emit(Op::Const(Literal::Int(1)), dtype);
        }
        // Square-and-multiply: exact, since integer multiplication wraps associatively.
        let mut result: Option<NodeId> = None;
        let mut base = x;
        let mut e = e;
        while e > 0 {
            if e & 1 == 1 {
                result = Some(match result {
                    None => base,
                    Some(r) => mul(rb, r, base),
                });
            }
            e >>= 1;
            if e > 0 {
                base = mul(rb, base, base);
            }
        }
        return result.expect("e > 0");
    }
    if !dtype.is_float() {
        return general(rb);
    }
    let e = match exp {
        Literal::Float(f) => f,
        Literal::Int(i) => i as f64,
        _ => return general(rb),
    };
    if e == 2.0 {
        mul(rb, x, x)
    } else if e == 1.0 {
        x
    } else if e == 0.5 {
        rb.emit(Op::Call(Func::Sqrt, vec![x]), dtype)
    } else if e == -1.0 {
        let one = rb.emit(Op::Const(Literal::Float(1.0)), dtype);
        rb.emit(Op::Binary(BinaryOp::Div, one, x), dtype)
    } else {
        general(rb)
    }
}

/// Drops nodes no store depends on, renumbering the rest in order.
fn remove_dead(k: &mut Kernel) {
    let n = k.nodes.len();
    let mut live = vec![false; n];
    for s in &k.stores {
        live[s.node] = true;
    }
    for i in (0..n).rev() {
        if !live[i] {
            continue;
        }
        for o in operands(&k.nodes[i].op) {
            live[o] = true;
        }
    }
    let mut map = vec![usize::MAX; n];
    let mut nodes = Vec::with_capacity(n);
    for (i, node) in k.nodes.iter().enumerate() {
        if !live[i] {
            continue;
        }
        let m = |x: &NodeId| map[*x];
        let op = match &node.op {
            Op::Load { .. } | Op::Const(_) => node.op.clone(),
            Op::Unary(u, x) => Op::Unary(*u, m(x)),
            Op::Binary(b, x, y) => Op::Binary(*b, m(x), m(y)),
            Op::Call(f, args) => Op::Call(*f, args.iter().map(m).collect()),
            Op::Cast(x) => Op::Cast(m(x)),
            Op::Where(c, a, b) => Op::Where(m(c), m(a), m(b)),
        };
        nodes.push(Node {
            op,
            dtype: node.dtype,
        });
        map[i] = nodes.len() - 1;
    }
    for s in &mut k.stores {
        s.node = map[s.node];
    }
    k.nodes = nodes;
}

/// The operand ids of an operation.
pub fn operands(op: &Op) -> Vec<NodeId> {
    match op {
        Op::Load { .. } | Op::Const(_) => vec![],
        Op::Unary(_, x) | Op::Cast(x) => vec![*x],
        Op::Binary(_, a, b) => vec![*a, *b],
        Op::Call(_, args) => args.clone(),
        Op::Where(c, a, b) => vec![*c, *a, *b],
    }
}
