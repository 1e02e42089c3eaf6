//! Lowering `rand` and `randn` to uniform random sources (see [`crate::random`]).

use super::graph::{GSource, Gid, G};
use super::{check_size, consts, Lowerer};
use crate::check::{TExpr, TRef};
use crate::dtype::DType;
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{BinaryOp, Func, Literal, View};
use crate::random::{fresh_seed, Uniform, STREAM_RAND, STREAM_RANDN};

impl Lowerer<'_, '_, '_> {
    /// `rand(dims, seed=seed)` or, with `normal`, `randn`: a load of a uniform source, or
    /// Box–Muller's `sqrt(-2·log(u1))·cos(2π·u2)` of two (`u1` in `(0, 1]`, so the
    /// logarithm is finite). Without a seed, a fresh one for this call.
    pub(super) fn random(
        &mut self,
        e: &TExpr,
        normal: bool,
        dims: &[TRef],
        seed: Option<&TRef>,
    ) -> Result<Gid> {
        let shape = dims
            .iter()
            .map(|d| self.const_usize(d, "a dimension"))
            .collect::<Result<Vec<_>>>()?;
        check_size(&shape, DType::F64, e.span)?;
        let seed = match seed {
            Some(s) => {
                let v = consts::as_i128(self.weak_const(s)?);
                u64::try_from(v).map_err(|_| {
                    Error::at(
                        ErrorKind::Arguments,
                        s.span,
                        format!("the seed must be an integer from 0 to 2**64 - 1, not {v}"),
                    )
                })?
            }
            None => fresh_seed(),
        };
        let f64 = DType::F64;
        let load = |lw: &mut Self, stream, half, open_low| {
            let draw = Uniform {
                seed,
                stream,
                half,
                open_low,
            };
            let src = GSource::Uniform {
                draw,
                shape: shape.clone(),
            };
            lw.g.add(
                G::Load(src, View::identity(shape.len())),
                f64,
                shape.clone(),
            )
        };
        if !normal {
            return Ok(load(self, STREAM_RAND, 0, false));
        }
        let u1 = load(self, STREAM_RANDN, 0, true);
        let u2 = load(self, STREAM_RANDN, 1, false);
        let g = &mut self.g;
        let s = || shape.clone();
        let log = g.add(G::Call(Func::Log, vec![u1]), f64, s());
        let minus_two = g.constant(Literal::Float(-2.0), f64, s());
        let r2 = g.add(G::Binary(BinaryOp::Mul, minus_two, log), f64, s());
        let r = g.add(G::Call(Func::Sqrt, vec![r2]), f64, s());
        let tau = g.constant(Literal::Float(std::f64::consts::TAU), f64, s());
        let angle = g.add(G::Binary(BinaryOp::Mul, tau, u2), f64, s());
        let c = g.add(G::Call(Func::Cos, vec![angle]), f64, s());
        Ok(g.add(G::Binary(BinaryOp::Mul, r, c), f64, s()))
    }
}
