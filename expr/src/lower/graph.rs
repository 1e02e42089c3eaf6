//! The whole-program value graph: nodes with concrete shapes, hash-consed so identical
//! values are built once, with views pushed down to the loads.

use std::collections::HashMap;

use crate::dtype::DType;
use crate::ir::{AxisMap, BinaryOp, Func, Literal, ReduceOp, UnaryOp, View};

pub(super) type Gid = usize;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum GSource {
    Input(usize),
    /// The result of the reduction node with this id.
    Result(Gid),
    Arange {
        start: Literal,
        step: Literal,
        len: usize,
    },
    Linspace {
        start: f64,
        stop: f64,
        num: usize,
    },
    Uniform {
        draw: crate::random::Uniform,
        shape: Vec<usize>,
    },
}

/// A value. Elementwise nodes have operands of exactly their own shape (broadcasting has
/// been made explicit), so a view of an elementwise node is the same view of each operand.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum G {
    /// Reads a source through a view mapping this node's index to the source's.
    Load(GSource, View),
    /// The same value everywhere.
    Const(Literal),
    Unary(UnaryOp, Gid),
    Binary(BinaryOp, Gid, Gid),
    Call(Func, Vec<Gid>),
    Cast(Gid),
    Where(Gid, Gid, Gid),
    /// A reduction; only ever read through `Load(Result(id))`.
    Reduce {
        op: ReduceOp,
        axes: Vec<usize>,
        arg: Gid,
    },
}

#[derive(Clone, Debug)]
pub(super) struct GNode {
    pub op: G,
    pub dtype: DType,
    pub shape: Vec<usize>,
}

#[derive(Default, Debug)]
pub(super) struct Graph {
    pub nodes: Vec<GNode>,
    intern: HashMap<String, Gid>,
    views: HashMap<(Gid, View, Vec<usize>), Gid>,
}

impl Graph {
    pub fn add(&mut self, op: G, dtype: DType, shape: Vec<usize>) -> Gid {
        // Debug formatting is a faithful structural key (floats print round-trip, NaN
        // payloads aside), and graphs are small.
        let key = format!("{op:?}|{dtype:?}|{shape:?}");
        if let Some(&id) = self.intern.get(&key) {
            return id;
        }
        self.nodes.push(GNode { op, dtype, shape });
        let id = self.nodes.len() - 1;
        self.intern.insert(key, id);
        id
    }

    pub fn constant(&mut self, lit: Literal, dtype: DType, shape: Vec<usize>) -> Gid {
        self.add(G::Const(lit), dtype, shape)
    }

    /// A reduction, returned as the load of its result.
    pub fn reduce(
        &mut self,
        op: ReduceOp,
        axes: Vec<usize>,
        arg: Gid,
        dtype: DType,
        shape: Vec<usize>,
    ) -> Gid {
        let r = self.add(G::Reduce { op, axes, arg }, dtype, shape.clone());
        let view = View::identity(shape.len());
        self.add(G::Load(GSource::Result(r), view), dtype, shape)
    }

    pub fn shape(&self, id: Gid) -> &[usize] {
        &self.nodes[id].shape
    }

    pub fn dtype(&self, id: Gid) -> DType {
        self.nodes[id].dtype
    }

    /// `id` broadcast to `shape` (NumPy rules; the caller checked compatibility).
    pub fn broadcast(&mut self, id: Gid, shape: &[usize]) -> Gid {
        let old = self.shape(id).to_vec();
        if old == shape {
            return id;
        }
        let off = shape.len() - old.len();
        let axes = old
            .iter()
            .enumerate()
            .map(|(j, &d)| {
                if d == 1 && shape[j + off] != 1 {
                    AxisMap {
                        start: 0,
                        step: 0,
                        kernel_axis: None,
                    }
                } else {
                    AxisMap {
                        start: 0,
                        step: 1,
                        kernel_axis: Some(j + off),
                    }
                }
            })
            .collect();
        self.view(id, &View { axes }, shape.to_vec())
    }

    /// The value of `id` seen through `view` (which maps indices of an array of
    /// `new_shape` to indices of `id`), pushed down to the loads.
    pub fn view(&mut self, id: Gid, view: &View, new_shape: Vec<usize>) -> Gid {
        let key = (id, view.clone(), new_shape.clone());
        if let Some(&v) = self.views.get(&key) {
            return v;
        }
        let node = self.nodes[id].clone();
        let dtype = node.dtype;
        let sub = |g: &mut Graph, x: Gid| g.view(x, view, new_shape.clone());
        let out = match node.op {
            G::Const(lit) => self.constant(lit, dtype, new_shape.clone()),
            G::Load(src, inner) => {
                let composed = compose(&inner, view, new_shape.contains(&0));
                self.add(G::Load(src, composed), dtype, new_shape.clone())
            }
            G::Reduce { .. } => {
                // Reductions are materialised; look at the result instead.
                self.add(
                    G::Load(GSource::Result(id), view.clone()),
                    dtype,
                    new_shape.clone(),
                )
            }
            G::Unary(op, x) => {
                let x = sub(self, x);
                self.add(G::Unary(op, x), dtype, new_shape.clone())
            }
            G::Binary(op, a, b) => {
                let (a, b) = (sub(self, a), sub(self, b));
                self.add(G::Binary(op, a, b), dtype, new_shape.clone())
            }
            G::Call(f, args) => {
                let args = args.into_iter().map(|a| sub(self, a)).collect();
                self.add(G::Call(f, args), dtype, new_shape.clone())
            }
            G::Cast(x) => {
                let x = sub(self, x);
                self.add(G::Cast(x), dtype, new_shape.clone())
            }
            G::Where(c, a, b) => {
                let (c, a, b) = (sub(self, c), sub(self, a), sub(self, b));
                self.add(G::Where(c, a, b), dtype, new_shape.clone())
            }
        };
        self.views.insert(key, out);
        out
    }
}

/// `inner` (node index → source index) after `outer` (new index → node index).
///
/// When the new shape is empty of points (`empty`), no index is ever produced, so starts
/// that would fall outside the source are clamped to 0 rather than computed.
fn compose(inner: &View, outer: &View, empty: bool) -> View {
    let axes = inner
        .axes
        .iter()
        .map(|m| match m.kernel_axis {
            None => *m,
            Some(k) => {
                let o = outer.axes[k];
                let start = m.start as isize + m.step * o.start as isize;
                let start = if empty || start < 0 {
                    0
                } else {
                    start as usize
                };
                match o.kernel_axis {
                    None => AxisMap {
                        start,
                        step: 0,
                        kernel_axis: None,
                    },
                    Some(k2) => AxisMap {
                        start,
                        step: m.step * o.step,
                        kernel_axis: Some(k2),
                    },
                }
            }
        })
        .collect();
    View { axes }
}
