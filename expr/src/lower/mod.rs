//! Lowering a checked program to kernel IR for concrete shapes.
//!
//! Two steps. First the typed tree becomes a graph of whole-array values with concrete
//! shapes (`graph`): broadcasting, slicing, new axes and transposes are pushed down to
//! the loads as affine views, so no view ever becomes a copy, and identical values are
//! shared. Then the graph is cut into kernels (`kernels`): one per iteration space and
//! dependency level, with a boundary only where a reduction's result feeds later
//! elementwise work.

mod consts;
mod graph;
mod kernels;
mod random;

use std::collections::HashMap;
use std::sync::Arc;

use crate::check::{Checked, TExpr, TIndex, TKind, TRef};
use crate::dtype::{DType, Kind};
use crate::error::{Error, ErrorKind, Result, Span};
use crate::ir::{AxisMap, InputDecl, Literal, Program, ReduceOp, View};
use crate::value::Operand;

use graph::{GSource, Gid, Graph, G};

pub(crate) use consts::literal_of;

/// Lowers `checked` for the given operands (the same names, in the same order, as the
/// signature it was checked against).
pub fn lower(checked: &Checked, operands: &[(&str, &Operand)]) -> Result<Program> {
    if operands.len() != checked.operands.len() {
        return Err(Error::new(
            ErrorKind::Input,
            format!(
                "expected {} operands, got {}",
                checked.operands.len(),
                operands.len()
            ),
        ));
    }
    for ((name, op), (want, sig)) in operands.iter().zip(&checked.operands) {
        let ok = name == want
            && match op {
                Operand::Array(a) => !sig.weak && a.dtype() == sig.dtype && a.ndim() == sig.ndim,
                Operand::Scalar(s) => sig.weak && s.kind() == sig.dtype.kind(),
            };
        if !ok {
            return Err(Error::new(
                ErrorKind::Input,
                format!("operand '{name}' does not match the compiled signature"),
            ));
        }
    }
    let mut lw = Lowerer {
        source: checked.source.as_deref(),
        operands,
        g: Graph::default(),
        memo: HashMap::new(),
        inputs: Vec::new(),
        input_of: HashMap::new(),
    };
    let mut outs = Vec::new();
    for out in &checked.outputs {
        outs.push(lw.value(out)?);
    }
    kernels::build(&lw.g, lw.inputs, &outs)
}

struct Lowerer<'a, 'b, 'c> {
    source: Option<&'a str>,
    operands: &'a [(&'b str, &'b Operand<'c>)],
    g: Graph,
    /// Typed nodes already lowered, by address: programs are DAGs (`t = …; t*t`).
    memo: HashMap<*const TExpr, Gid>,
    inputs: Vec<InputDecl>,
    input_of: HashMap<usize, usize>,
}

impl Lowerer<'_, '_, '_> {
    fn value(&mut self, e: &TRef) -> Result<Gid> {
        let key = Arc::as_ptr(e);
        if let Some(&id) = self.memo.get(&key) {
            return Ok(id);
        }
        let id = self.lower_node(e)?;
        self.memo.insert(key, id);
        Ok(id)
    }

    fn lower_node(&mut self, e: &TRef) -> Result<Gid> {
        let dtype = e.ty.dtype;
        if e.ty.weak {
            let lit = self.weak_const(e)?;
            let lit = consts::fit(lit, dtype, e.span)?;
            return Ok(self.g.constant(lit, dtype, vec![]));
        }
        match &e.kind {
            TKind::Operand(i) => {
                let Operand::Array(a) = self.operands[*i].1 else {
                    unreachable!("strong operands are arrays (checked in lower)")
                };
                let shape = a.shape().to_vec();
                let input = *self.input_of.entry(*i).or_insert_with(|| {
                    self.inputs.push(InputDecl {
                        name: self.operands[*i].0.to_string(),
                        dtype,
                        shape: shape.clone(),
                    });
                    self.inputs.len() - 1
                });
                let view = View::identity(shape.len());
                Ok(self
                    .g
                    .add(G::Load(GSource::Input(input), view), dtype, shape))
            }
            TKind::Literal(lit) => {
                let lit = consts::fit(*lit, dtype, e.span)?;
                Ok(self.g.constant(lit, dtype, vec![]))
            }
            TKind::Arange { start, stop, step } => self.arange(e, start, stop, step),
            TKind::Linspace { start, stop, num } => {
                let start = consts::as_f64(self.weak_const(start)?);
                let stop = consts::as_f64(self.weak_const(stop)?);
                let num = self.const_usize(num, "the number of points")?;
                let src = GSource::Linspace { start, stop, num };
                Ok(self
                    .g
                    .add(G::Load(src, View::identity(1)), DType::F64, vec![num]))
            }
            TKind::Fill { value, dims } => {
                let shape = dims
                    .iter()
                    .map(|d| self.const_usize(d, "a dimension"))
                    .collect::<Result<Vec<_>>>()?;
                check_size(&shape, dtype, e.span)?;
                Ok(self.g.constant(*value, dtype, shape))
            }
            TKind::Random { normal, dims, seed } => self.random(e, *normal, dims, seed.as_ref()),
            TKind::FillLike { value, like } => {
                let like = self.value(like)?;
                let shape = self.g.shape(like).to_vec();
                Ok(self.g.constant(*value, dtype, shape))
            }
            TKind::Unary(op, x) => {
                let x = self.value(x)?;
                let shape = self.g.shape(x).to_vec();
                Ok(self.g.add(G::Unary(*op, x), dtype, shape))
            }
            TKind::Binary(op, a, b) => {
                if op.is_comparison() {
                    if let Some(id) = self.out_of_range_comparison(*op, a, b)? {
                        return Ok(id);
                    }
                }
                let (ta, tb) = (a.clone(), b.clone());
                let ids = [self.value(a)?, self.value(b)?];
                let (ids, shape) = self.broadcast_all(&ids, &[&ta, &tb], e.span)?;
                Ok(self.g.add(G::Binary(*op, ids[0], ids[1]), dtype, shape))
            }
            TKind::Call(f, args) => {
                let ids = args
                    .iter()
                    .map(|a| self.value(a))
                    .collect::<Result<Vec<_>>>()?;
                let refs: Vec<&TRef> = args.iter().collect();
                let (ids, shape) = self.broadcast_all(&ids, &refs, e.span)?;
                Ok(self.g.add(G::Call(*f, ids), dtype, shape))
            }
            TKind::Cast(x) => {
                if x.ty.weak {
                    let lit = self.weak_const(x)?;
                    let lit = consts::fit(lit, dtype, x.span)?;
                    return Ok(self.g.constant(lit, dtype, vec![]));
                }
                let id = self.value(x)?;
                if self.g.dtype(id) == dtype {
                    return Ok(id);
                }
                let shape = self.g.shape(id).to_vec();
                Ok(self.g.add(G::Cast(id), dtype, shape))
            }
            TKind::Where(c, a, b) => {
                let ids = [self.value(c)?, self.value(a)?, self.value(b)?];
                let (ids, shape) = self.broadcast_all(&ids, &[c, a, b], e.span)?;
                Ok(self.g.add(G::Where(ids[0], ids[1], ids[2]), dtype, shape))
            }
            TKind::Reduce {
                op,
                axes,
                keepdims,
                arg,
            } => {
                let x = self.value(arg)?;
                let in_shape = self.g.shape(x).to_vec();
                if matches!(op, ReduceOp::Min | ReduceOp::Max) {
                    if let Some(&a) = axes.iter().find(|&&a| in_shape[a] == 0) {
                        return Err(Error::at(
                            ErrorKind::EmptyReduction,
                            e.span,
                            format!(
                                "{}() of an empty array: axis {a} has length 0 and {} has no identity",
                                op.name(),
                                op.name()
                            ),
                        ));
                    }
                }
                let out_shape: Vec<usize> = in_shape
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !axes.contains(i))
                    .map(|(_, &d)| d)
                    .collect();
                let r = self
                    .g
                    .reduce(*op, axes.clone(), x, dtype, out_shape.clone());
                if !*keepdims {
                    return Ok(r);
                }
                // keepdims: the reduced axes come back with length 1.
                let mut k = 0;
                let mut view = Vec::new();
                for (i, _) in in_shape.iter().enumerate() {
                    if !axes.contains(&i) {
                        view.push(AxisMap {
                            start: 0,
                            step: 1,
                            kernel_axis: Some(i),
                        });
                        k += 1;
                    }
                }
                debug_assert_eq!(k, out_shape.len());
                let shape: Vec<usize> = in_shape
                    .iter()
                    .enumerate()
                    .map(|(i, &d)| if axes.contains(&i) { 1 } else { d })
                    .collect();
                Ok(self.g.view(r, &View { axes: view }, shape))
            }
            TKind::Index { target, items } => {
                let t = self.value(target)?;
                self.index(t, items, e.span)
            }
            TKind::Transpose(x) => {
                let x = self.value(x)?;
                let shape = self.g.shape(x).to_vec();
                let n = shape.len();
                let view = View {
                    axes: (0..n)
                        .map(|a| AxisMap {
                            start: 0,
                            step: 1,
                            kernel_axis: Some(n - 1 - a),
                        })
                        .collect(),
                };
                let new_shape = shape.iter().rev().copied().collect();
                Ok(self.g.view(x, &view, new_shape))
            }
        }
    }

    /// `int_array < 300` for an int8 array: NumPy 2 compares with a Python integer outside
    /// the array's range exactly (everything is below it) instead of failing, and so does
    /// vex: the result is a constant.
    fn out_of_range_comparison(
        &mut self,
        op: crate::ir::BinaryOp,
        a: &TRef,
        b: &TRef,
    ) -> Result<Option<Gid>> {
        use crate::ir::BinaryOp::*;
        for (lit, other, lit_on_right) in [(b, a, true), (a, b, false)] {
            let TKind::Cast(x) = &lit.kind else { continue };
            if !(x.ty.weak && x.ty.dtype.kind() == Kind::Int && lit.ty.dtype.is_int()) {
                continue;
            }
            let v = consts::as_i128(self.weak_const(x)?);
            if consts::fit(Literal::Int(v), lit.ty.dtype, x.span).is_ok() {
                continue;
            }
            // Normalise to `other OP v`.
            let op = if lit_on_right {
                op
            } else {
                match op {
                    Lt => Gt,
                    Le => Ge,
                    Gt => Lt,
                    Ge => Le,
                    o => o,
                }
            };
            let above = v > 0;
            let result = match op {
                Ne => true,
                Eq => false,
                Lt | Le => above,
                _ => !above,
            };
            let other = self.value(other)?;
            let shape = self.g.shape(other).to_vec();
            return Ok(Some(self.g.constant(
                Literal::Bool(result),
                DType::Bool,
                shape,
            )));
        }
        Ok(None)
    }

    /// Broadcasts the operands of an elementwise node to their common shape.
    fn broadcast_all(
        &mut self,
        ids: &[Gid],
        exprs: &[&TRef],
        span: Span,
    ) -> Result<(Vec<Gid>, Vec<usize>)> {
        let mut shape: Vec<usize> = Vec::new();
        let mut first: Option<usize> = None;
        for (i, &id) in ids.iter().enumerate() {
            let s = self.g.shape(id).to_vec();
            match broadcast_shapes(&shape, &s) {
                Some(r) => shape = r,
                None => {
                    let j = first.unwrap_or(0);
                    let other = self.g.shape(ids[j]).to_vec();
                    let name = |k: usize| match self.source {
                        Some(src) => {
                            let sp = exprs[k].span;
                            let text = src.get(sp.start..sp.end).unwrap_or("?");
                            format!("`{text}`")
                        }
                        None => format!("operand {}", k + 1),
                    };
                    return Err(Error::at(
                        ErrorKind::Shape,
                        span,
                        format!(
                            "shapes {} and {} cannot be broadcast together",
                            shape_str(&other),
                            shape_str(&s)
                        ),
                    )
                    .with_help(format!(
                        "{} has shape {}, {} has shape {}",
                        name(j),
                        shape_str(&other),
                        name(i),
                        shape_str(&s)
                    )));
                }
            }
            if first.is_none() && !s.is_empty() {
                first = Some(i);
            }
        }
        check_size(&shape, DType::Bool, span)?;
        let ids = ids.iter().map(|&id| self.g.broadcast(id, &shape)).collect();
        Ok((ids, shape))
    }

    fn arange(&mut self, e: &TExpr, start: &TRef, stop: &TRef, step: &TRef) -> Result<Gid> {
        let (a, b, s) = (
            self.weak_const(start)?,
            self.weak_const(stop)?,
            self.weak_const(step)?,
        );
        let zero_step = || {
            Error::at(
                ErrorKind::Arguments,
                step.span,
                "arange step must not be zero",
            )
        };
        if e.ty.dtype == DType::I64 {
            let (a, b, s) = (consts::as_i128(a), consts::as_i128(b), consts::as_i128(s));
            if s == 0 {
                return Err(zero_step());
            }
            for (v, t) in [(a, start), (b, stop)] {
                consts::fit(Literal::Int(v), DType::I64, t.span)?;
            }
            let len = if s > 0 {
                (b - a + s - 1).div_euclid(s)
            } else {
                (a - b - s - 1).div_euclid(-s)
            }
            .max(0);
            let len = usize::try_from(len).map_err(|_| too_large(e.span))?;
            check_size(&[len], DType::I64, e.span)?;
            let src = GSource::Arange {
                start: Literal::Int(a),
                step: Literal::Int(s),
                len,
            };
            return Ok(self
                .g
                .add(G::Load(src, View::identity(1)), DType::I64, vec![len]));
        }
        let (a, b, s) = (consts::as_f64(a), consts::as_f64(b), consts::as_f64(s));
        if s == 0.0 {
            return Err(zero_step());
        }
        let len = ((b - a) / s).ceil();
        if len.is_nan() {
            return Err(Error::at(
                ErrorKind::Arguments,
                e.span,
                "arange bounds must be finite numbers",
            ));
        }
        if len > 1e18 {
            return Err(too_large(e.span));
        }
        let len = len.max(0.0) as usize;
        check_size(&[len], DType::F64, e.span)?;
        // NumPy fills a float arange with `start + i*delta` where `delta = (start + step) -
        // start`, which is not always `step` in floating point.
        let src = GSource::Arange {
            start: Literal::Float(a),
            step: Literal::Float((a + s) - a),
            len,
        };
        Ok(self
            .g
            .add(G::Load(src, View::identity(1)), DType::F64, vec![len]))
    }

    fn index(&mut self, t: Gid, items: &[TIndex], span: Span) -> Result<Gid> {
        let shape = self.g.shape(t).to_vec();
        let mut axes = Vec::new();
        let mut new_shape = Vec::new();
        let mut src_axis = 0;
        for item in items {
            match item {
                TIndex::NewAxis => new_shape.push(1),
                TIndex::At(e) => {
                    let n = shape[src_axis];
                    let v = consts::as_i128(self.weak_const(e)?);
                    let i = if v < 0 { v + n as i128 } else { v };
                    if i < 0 || i >= n as i128 {
                        return Err(Error::at(
                            ErrorKind::Shape,
                            e.span,
                            format!("index {v} is out of bounds for axis {src_axis} with size {n}"),
                        ));
                    }
                    axes.push(AxisMap {
                        start: i as usize,
                        step: 0,
                        kernel_axis: None,
                    });
                    src_axis += 1;
                }
                TIndex::Slice {
                    start,
                    stop,
                    step,
                    span: slice_span,
                } => {
                    let n = shape[src_axis] as i128;
                    let part = |p: &Option<TRef>| -> Result<Option<i128>> {
                        p.as_ref()
                            .map(|e| self.weak_const(e).map(consts::as_i128))
                            .transpose()
                    };
                    let (a, b, s) = (part(start)?, part(stop)?, part(step)?);
                    let s = s.unwrap_or(1);
                    if s == 0 {
                        return Err(Error::at(
                            ErrorKind::Shape,
                            *slice_span,
                            "slice step cannot be zero",
                        ));
                    }
                    let (first, len) = slice_indices(n, a, b, s);
                    axes.push(AxisMap {
                        start: if len == 0 { 0 } else { first as usize },
                        step: s.clamp(isize::MIN as i128, isize::MAX as i128) as isize,
                        kernel_axis: Some(new_shape.len()),
                    });
                    new_shape.push(len as usize);
                    src_axis += 1;
                }
            }
        }
        debug_assert_eq!(src_axis, shape.len());
        let _ = span;
        Ok(self.g.view(t, &View { axes }, new_shape))
    }

    /// Evaluates a weak (Python scalar) expression to its value.
    fn weak_const(&self, e: &TExpr) -> Result<Literal> {
        consts::eval(e, &|i| match self.operands[i].1 {
            Operand::Scalar(s) => Some(*s),
            Operand::Array(_) => None,
        })
    }

    fn const_usize(&self, e: &TExpr, what: &str) -> Result<usize> {
        let v = consts::as_i128(self.weak_const(e)?);
        usize::try_from(v).map_err(|_| {
            Error::at(
                ErrorKind::Arguments,
                e.span,
                format!("{what} must not be negative (got {v})"),
            )
        })
    }
}

/// Python's `slice.indices` followed by the length: the first index and the count.
fn slice_indices(n: i128, start: Option<i128>, stop: Option<i128>, step: i128) -> (i128, i128) {
    let norm = |v: i128, lo: i128, hi: i128| {
        let v = if v < 0 { v + n } else { v };
        v.clamp(lo, hi)
    };
    if step > 0 {
        let a = start.map_or(0, |v| norm(v, 0, n));
        let b = stop.map_or(n, |v| norm(v, 0, n));
        let len = if b > a { (b - a + step - 1) / step } else { 0 };
        (a, len)
    } else {
        let a = start.map_or(n - 1, |v| norm(v, -1, n - 1));
        let b = stop.map_or(-1, |v| norm(v, -1, n - 1));
        let len = if a > b {
            (a - b + (-step) - 1) / (-step)
        } else {
            0
        };
        (a, len)
    }
}

/// NumPy's broadcasting of two shapes, or `None` if they are incompatible.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let db = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

pub(crate) fn shape_str(shape: &[usize]) -> String {
    match shape {
        [d] => format!("({d},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Largest array vex will try to allocate, in bytes (well past any real machine, but far
/// from overflowing pointer arithmetic).
const MAX_BYTES: u128 = 1 << 48;

/// Fails with `TooLarge` when an array of `shape` and `dtype` cannot exist.
fn check_size(shape: &[usize], dtype: DType, span: Span) -> Result<()> {
    let mut n: u128 = 1;
    for &d in shape {
        n = n.saturating_mul(d as u128);
    }
    if n.saturating_mul(dtype.size() as u128) > MAX_BYTES {
        return Err(Error::at(
            ErrorKind::TooLarge,
            span,
            format!(
                "an array of shape {} and dtype {dtype} would need {} bytes",
                shape_str(shape),
                n.saturating_mul(dtype.size() as u128)
            ),
        ));
    }
    Ok(())
}

fn too_large(span: Span) -> Error {
    Error::at(
        ErrorKind::TooLarge,
        span,
        "the array would be too large to allocate",
    )
}

#[allow(dead_code)]
fn is_weak_int(e: &TExpr) -> bool {
    e.ty.weak && e.ty.dtype.kind() == Kind::Int
}

#[cfg(test)]
mod tests;
