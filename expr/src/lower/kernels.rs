//! Cutting the value graph into kernels.
//!
//! Every output and every reduction is a *target*: something a kernel stores. A target's
//! iteration space is its own shape (for a reduction, its operand's shape), and its level
//! is one more than the deepest reduction it reads (0 if none). Targets with the same level
//! and iteration space share one kernel, so `x/l, y/l` is one pass and `sum(a*b)` fuses the
//! product into the reduction; a new kernel starts only where a reduction's result is
//! needed by later elementwise work.

use std::collections::HashMap;

use super::graph::{GSource, Gid, Graph, G};
use crate::error::Result;
use crate::ir::{
    BufferDecl, InputDecl, Kernel, Node, NodeId, Op, Program, Reduce, Source, Store, View,
};

enum Target {
    /// Store this value, elementwise, into the output buffer.
    Output { value: Gid, buffer: usize },
    /// Store this reduction's result.
    Reduction { reduce: Gid, buffer: usize },
}

pub(super) fn build(g: &Graph, inputs: Vec<InputDecl>, outputs: &[Gid]) -> Result<Program> {
    let mut buffers: Vec<BufferDecl> = Vec::new();
    let mut reduce_buffer: HashMap<Gid, usize> = HashMap::new();
    let mut targets: Vec<Target> = Vec::new();

    // Reductions reachable from the outputs, operands before users.
    let mut order = Vec::new();
    let mut seen = HashMap::new();
    for &o in outputs {
        collect_reductions(g, o, &mut seen, &mut order);
    }
    for &r in &order {
        let n = &g.nodes[r];
        buffers.push(BufferDecl {
            dtype: n.dtype,
            shape: n.shape.clone(),
        });
        reduce_buffer.insert(r, buffers.len() - 1);
        targets.push(Target::Reduction {
            reduce: r,
            buffer: buffers.len() - 1,
        });
    }
    let mut program_outputs = Vec::new();
    for &o in outputs {
        // An output that is exactly a reduction's result needs no copy.
        if let G::Load(GSource::Result(r), view) = &g.nodes[o].op {
            if *view == View::identity(g.nodes[o].shape.len())
                && !program_outputs.contains(&reduce_buffer[r])
            {
                program_outputs.push(reduce_buffer[r]);
                continue;
            }
        }
        let n = &g.nodes[o];
        buffers.push(BufferDecl {
            dtype: n.dtype,
            shape: n.shape.clone(),
        });
        let buffer = buffers.len() - 1;
        targets.push(Target::Output { value: o, buffer });
        program_outputs.push(buffer);
    }

    // Levels and iteration spaces.
    let mut level_memo: HashMap<Gid, usize> = HashMap::new();
    // (level, iteration space) → the targets stored by that kernel.
    type Group = ((usize, Vec<usize>), Vec<usize>);
    let mut groups: Vec<Group> = Vec::new();
    for (ti, t) in targets.iter().enumerate() {
        let (root, space) = match t {
            Target::Output { value, .. } => (*value, g.nodes[*value].shape.clone()),
            Target::Reduction { reduce, .. } => {
                let G::Reduce { arg, .. } = &g.nodes[*reduce].op else {
                    unreachable!()
                };
                (*arg, g.nodes[*arg].shape.clone())
            }
        };
        let level = level_of(g, root, &mut level_memo);
        let key = (level, space);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(ti),
            None => groups.push((key, vec![ti])),
        }
    }
    groups.sort_by_key(|((level, _), _)| *level);

    let mut kernels = Vec::new();
    for ((_, space), members) in groups {
        let mut kb = KernelBuilder {
            g,
            reduce_buffer: &reduce_buffer,
            nodes: Vec::new(),
            memo: HashMap::new(),
        };
        let mut stores = Vec::new();
        for ti in members {
            match &targets[ti] {
                Target::Output { value, buffer } => {
                    let node = kb.node(*value);
                    stores.push(Store {
                        node,
                        buffer: *buffer,
                        reduce: None,
                    });
                }
                Target::Reduction { reduce, buffer } => {
                    let G::Reduce { op, axes, arg } = &g.nodes[*reduce].op else {
                        unreachable!()
                    };
                    let node = kb.node(*arg);
                    stores.push(Store {
                        node,
                        buffer: *buffer,
                        reduce: Some(Reduce {
                            op: *op,
                            axes: axes.clone(),
                        }),
                    });
                }
            }
        }
        kernels.push(Kernel {
            shape: space,
            nodes: kb.nodes,
            stores,
        });
    }
    Ok(Program {
        inputs,
        buffers,
        kernels,
        outputs: program_outputs,
    })
}

fn children(op: &G) -> Vec<Gid> {
    match op {
        G::Load(GSource::Result(r), _) => vec![*r],
        G::Load(..) | G::Const(_) => vec![],
        G::Unary(_, x) | G::Cast(x) => vec![*x],
        G::Binary(_, a, b) => vec![*a, *b],
        G::Call(_, args) => args.clone(),
        G::Where(c, a, b) => vec![*c, *a, *b],
        G::Reduce { arg, .. } => vec![*arg],
    }
}

fn collect_reductions(g: &Graph, id: Gid, seen: &mut HashMap<Gid, ()>, order: &mut Vec<Gid>) {
    if seen.insert(id, ()).is_some() {
        return;
    }
    for c in children(&g.nodes[id].op) {
        collect_reductions(g, c, seen, order);
    }
    if matches!(g.nodes[id].op, G::Reduce { .. }) {
        order.push(id);
    }
}

/// 0 for values that read no reduction; else one more than the deepest reduction read.
fn level_of(g: &Graph, id: Gid, memo: &mut HashMap<Gid, usize>) -> usize {
    if let Some(&l) = memo.get(&id) {
        return l;
    }
    let l = match &g.nodes[id].op {
        G::Load(GSource::Result(r), _) => {
            let G::Reduce { arg, .. } = &g.nodes[*r].op else {
                unreachable!()
            };
            level_of(g, *arg, memo) + 1
        }
        op => children(op)
            .into_iter()
            .map(|c| level_of(g, c, memo))
            .max()
            .unwrap_or(0),
    };
    memo.insert(id, l);
    l
}

struct KernelBuilder<'a> {
    g: &'a Graph,
    reduce_buffer: &'a HashMap<Gid, usize>,
    nodes: Vec<Node>,
    memo: HashMap<Gid, NodeId>,
}

impl KernelBuilder<'_> {
    fn node(&mut self, id: Gid) -> NodeId {
        if let Some(&n) = self.memo.get(&id) {
            return n;
        }
        let gn = &self.g.nodes[id];
        let op = match &gn.op {
            G::Load(src, view) => {
                let source = match src {
                    GSource::Input(i) => Source::Input(*i),
                    GSource::Result(r) => Source::Buffer(self.reduce_buffer[r]),
                    GSource::Arange { start, step, len } => Source::Arange {
                        start: *start,
                        step: *step,
                        len: *len,
                    },
                    GSource::Uniform { draw, shape } => Source::Uniform {
                        draw: *draw,
                        shape: shape.clone(),
                    },
                    GSource::Linspace { start, stop, num } => Source::Linspace {
                        start: *start,
                        stop: *stop,
                        num: *num,
                    },
                };
                Op::Load {
                    source,
                    view: view.clone(),
                }
            }
            G::Const(l) => Op::Const(*l),
            G::Unary(op, x) => Op::Unary(*op, self.node(*x)),
            G::Binary(op, a, b) => {
                let (a, b) = (self.node(*a), self.node(*b));
                Op::Binary(*op, a, b)
            }
            G::Call(f, args) => Op::Call(*f, args.iter().map(|a| self.node(*a)).collect()),
            G::Cast(x) => Op::Cast(self.node(*x)),
            G::Where(c, a, b) => {
                let (c, a, b) = (self.node(*c), self.node(*a), self.node(*b));
                Op::Where(c, a, b)
            }
            G::Reduce { .. } => unreachable!("reductions are read through loads of their result"),
        };
        self.nodes.push(Node {
            op,
            dtype: gn.dtype,
        });
        let n = self.nodes.len() - 1;
        self.memo.insert(id, n);
        n
    }
}
