//! Typing of the random sources `rand(shape, seed=…)` and `randn(shape, seed=…)`.

use super::{node, Checker, TKind, TRef};
use crate::ast::{self, ExprKind};
use crate::dtype::{DType, Ty};
use crate::error::{Error, ErrorKind, Result, Span};

impl Checker<'_> {
    /// `rand`/`randn`: one shape argument, spelled as for `zeros` (an integer or a tuple
    /// of them), and an optional `seed=` integer constant.
    pub(super) fn random(
        &mut self,
        func: &ast::Ident,
        args: &[ast::Expr],
        kwargs: &[(ast::Ident, ast::Expr)],
        span: Span,
    ) -> Result<TRef> {
        let name = func.name.as_str();
        if args.len() != 1 {
            return Err(Error::at(
                ErrorKind::Arguments,
                span,
                format!(
                    "usage: {name}(shape) or {name}(shape, seed=n), e.g. {name}((3, 4), seed=1)"
                ),
            ));
        }
        let mut seed = None;
        for (k, v) in kwargs {
            match k.name.as_str() {
                "seed" if seed.is_none() => seed = Some(self.const_int(v, "the seed")?),
                "seed" => return Err(Error::at(ErrorKind::Arguments, k.span, "seed given twice")),
                other => {
                    return Err(Error::at(
                        ErrorKind::Arguments,
                        k.span,
                        format!("{name}() has no argument '{other}'"),
                    )
                    .with_help("the only keyword argument is seed="))
                }
            }
        }
        self.fresh_seeds |= seed.is_none();
        let dims = match &args[0].kind {
            ExprKind::Tuple(items) => items
                .iter()
                .map(|e| self.const_int(e, "a dimension"))
                .collect::<Result<Vec<_>>>()?,
            _ => vec![self.const_int(&args[0], "a dimension")?],
        };
        let ndim = dims.len();
        Ok(node(
            TKind::Random {
                normal: name == "randn",
                dims,
                seed,
            },
            Ty::strong(DType::F64),
            ndim,
            span,
        ))
    }
}
