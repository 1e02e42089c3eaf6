//! REPL cells: one input of several statements, run in one evaluation, giving the value of
//! every name it assigns as well as its final expression's.
//!
//! `x = linspace(0, 4*pi, 1000); y = sin(x)*exp(-x/8)` computes `x` and `y` in one fused
//! program. Names a cell assigns to a plain number (`n = 5`, `s = 2.5`) come back as weak
//! scalars ([`Value::Scalar`]), so that binding them for the next cell keeps NumPy's rules:
//! `x * n` stays float32 when `x` is, as it would in Python.

use std::sync::Arc;

use vex_expr::ast::Stmt;
use vex_expr::check::{strengthen, TRef};
use vex_expr::lexer::TokenKind;
use vex_expr::{Array, Control, Error, ErrorKind, Kind, Operand, Scalar};

use crate::context::{Context, Signature, Vars};
use crate::Result;

/// The value of a name: an array, or a weak Python-like scalar.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An array (a 0-d array is a typed scalar such as `float32(2)`).
    Array(Array),
    /// A weak scalar: takes the type of the arrays it meets when it can.
    Scalar(Scalar),
}

impl Value {
    /// The value as an operand of a later evaluation.
    pub fn operand(&self) -> Operand<'_> {
        match self {
            Value::Array(a) => Operand::Array(a.view()),
            Value::Scalar(s) => Operand::Scalar(*s),
        }
    }
}

/// What one cell computed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    /// Every name the cell assigned, with its final value, in the order the names were
    /// last assigned.
    pub bindings: Vec<(String, Value)>,
    /// The value of the final bare expression (several for a final tuple `a, b`); empty
    /// when the cell ends with an assignment or has no statements.
    pub outputs: Vec<Array>,
}

impl Context {
    /// Runs a REPL cell: every statement of `source` in one evaluation, on the operands
    /// `vars` (typically the session's variables). Returns the values of the names it
    /// assigns and of its final expression; a cell with no statements (blank, or only
    /// comments) gives an empty [`Cell`]. Errors are located in `source`.
    ///
    /// ```
    /// use ndarray::array;
    /// let x = array![1.0f32, 2.0];
    /// let ctx = vex::Context::new();
    /// let cell = ctx.run_cell("n = 3; y = x * n; y + 1", &vex::Vars::new().with("x", &x))?;
    /// assert_eq!(cell.bindings[0], ("n".to_string(), vex::Value::Scalar(vex::Scalar::Int(3))));
    /// assert_eq!(cell.bindings[1].0, "y");
    /// assert_eq!(cell.outputs[0].as_f32().unwrap(), &array![4.0f32, 7.0].into_dyn());
    /// # Ok::<(), vex::Error>(())
    /// ```
    pub fn run_cell(&self, source: &str, vars: &Vars<'_>) -> Result<Cell> {
        self.run_cell_controlled(source, vars, None)
    }

    /// [`Context::run_cell`] under a [`Control`]: a REPL keeps a clone of `control` to
    /// draw a progress bar from [`Control::progress`] and to [`Control::cancel`] the
    /// evaluation (on Ctrl-C) from another thread while this call runs. A cancelled cell
    /// fails with [`ErrorKind::Cancelled`] and gives no bindings, so the caller's
    /// variables stay as they were. Parsing, checking and compiling are not counted in the
    /// progress and are not interrupted (they take milliseconds); a control cancelled
    /// before the call fails it as soon as evaluation starts.
    ///
    /// ```
    /// let ctx = vex::Context::new();
    /// let control = vex::Control::new();
    /// let watcher = control.clone(); // e.g. moved to the UI thread
    /// let cell = ctx.run_cell_with("x = linspace(0, 1, 5000); s = sum(x)", &vex::Vars::new(), &control)?;
    /// assert_eq!(cell.bindings.len(), 2);
    /// let p = watcher.progress();
    /// assert_eq!((p.done, p.total), (5000, 5000));
    /// assert_eq!(p.fraction(), 1.0);
    /// # Ok::<(), vex::Error>(())
    /// ```
    pub fn run_cell_with(&self, source: &str, vars: &Vars<'_>, control: &Control) -> Result<Cell> {
        self.run_cell_controlled(source, vars, Some(control))
    }

    fn run_cell_controlled(
        &self,
        source: &str,
        vars: &Vars<'_>,
        control: Option<&Control>,
    ) -> Result<Cell> {
        if is_blank(source) {
            return Ok(Cell::default());
        }
        let ast = vex_expr::parse(source).map_err(|e| e.locate(source))?;
        let ends_in_expr = matches!(ast.stmts.last(), Some(Stmt::Expr(_)));
        let program = self.compile(source, &Signature::of(vars))?;
        let checked = program.checked();

        // One output per distinct value: `y = sin(x); y` computes y once.
        let mut outputs: Vec<TRef> = Vec::new();
        let mut slot = |e: TRef| match outputs.iter().position(|o| Arc::ptr_eq(o, &e)) {
            Some(i) => i,
            None => {
                outputs.push(e);
                outputs.len() - 1
            }
        };
        let bound: Vec<(String, bool, usize)> = checked
            .bindings
            .iter()
            .map(|(name, e)| {
                let weak = e.ty.weak && e.ndim == 0;
                (name.clone(), weak, slot(strengthen(e.clone())))
            })
            .collect();
        let finals: Vec<usize> = if ends_in_expr {
            checked.outputs.iter().map(|e| slot(e.clone())).collect()
        } else {
            Vec::new()
        };

        let program = program.with_outputs(outputs);
        let values = match control {
            Some(c) => program.run_with(vars, c)?,
            None => program.run(vars)?,
        };
        let bindings = bound
            .into_iter()
            .map(|(name, weak, i)| {
                let value = if weak {
                    Value::Scalar(weak_scalar(&values[i])?)
                } else {
                    Value::Array(values[i].clone())
                };
                Ok((name, value))
            })
            .collect::<Result<Vec<_>>>()?;
        let outputs = finals.into_iter().map(|i| values[i].clone()).collect();
        Ok(Cell { bindings, outputs })
    }
}

/// Whether `source` has no statements: only blanks, comments, newlines and `;`.
pub fn is_blank(source: &str) -> bool {
    let (tokens, error) = vex_expr::lexer::tokenize(source);
    error.is_none()
        && tokens.iter().all(|t| match t.kind {
            TokenKind::Comment | TokenKind::Newline | TokenKind::Continuation => true,
            TokenKind::Punct => &source[t.span.start..t.span.end] == ";",
            _ => false,
        })
}

/// The weak scalar a 0-d result of a weak kind's default dtype stands for.
fn weak_scalar(a: &Array) -> Result<Scalar> {
    let first = |a: &Array| -> Option<Scalar> {
        Some(match a.dtype().kind() {
            Kind::Bool => Scalar::Bool(*a.as_bool()?.first()?),
            Kind::Int => Scalar::Int(i128::from(*a.as_i64()?.first()?)),
            Kind::Float => Scalar::Float(*a.as_f64()?.first()?),
            Kind::Complex => Scalar::Complex(*a.as_c128()?.first()?),
        })
    };
    first(a).ok_or_else(|| {
        Error::new(
            ErrorKind::Type,
            format!("a weak scalar evaluated to a {} array", a.dtype()),
        )
    })
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;
    use crate::{Backend, DType};

    fn ctx() -> Context {
        Context::with_backend(Backend::Interpreter)
    }

    #[test]
    fn every_assigned_name_and_the_final_value_come_back() {
        let cell = ctx()
            .run_cell(
                "x = linspace(0, 4*pi, 5); y = sin(x)*exp(-x/8); y * 2",
                &Vars::new(),
            )
            .unwrap();
        let names: Vec<&str> = cell.bindings.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x", "y"]);
        let Value::Array(y) = &cell.bindings[1].1 else {
            panic!("y is an array")
        };
        let x = ndarray::Array1::linspace(0.0, 4.0 * std::f64::consts::PI, 5);
        let want = x.mapv(|v| v.sin() * (-v / 8.0).exp());
        for (a, b) in y.as_f64().unwrap().iter().zip(&want) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        assert_eq!(cell.outputs.len(), 1);
        assert_eq!(cell.outputs[0].as_f64().unwrap()[[2]], 2.0 * want[2]);
    }

    #[test]
    fn a_cell_ending_in_an_assignment_has_no_output() {
        let cell = ctx().run_cell("a = 1.5 * 2", &Vars::new()).unwrap();
        assert!(cell.outputs.is_empty());
        assert_eq!(
            cell.bindings,
            [("a".to_string(), Value::Scalar(Scalar::Float(3.0)))]
        );
    }

    #[test]
    fn weak_scalars_keep_the_arrays_dtype_in_later_cells() {
        let ctx = ctx();
        let cell = ctx
            .run_cell("n = 5; s = 2.5; b = True", &Vars::new())
            .unwrap();
        let want = [
            ("n", Scalar::Int(5)),
            ("s", Scalar::Float(2.5)),
            ("b", Scalar::Bool(true)),
        ];
        for ((name, value), (want_name, want_value)) in cell.bindings.iter().zip(want) {
            assert_eq!(name, want_name);
            assert_eq!(value, &Value::Scalar(want_value));
        }
        let x = array![1.0f32, 2.0];
        let mut vars = Vars::new().with("x", &x);
        for (name, value) in &cell.bindings {
            vars.insert(name, value.operand());
        }
        let out = ctx.run_cell("x * n * s", &vars).unwrap();
        assert_eq!(out.outputs[0].dtype(), DType::F32);
        assert_eq!(
            out.outputs[0].as_f32().unwrap(),
            &array![12.5f32, 25.0].into_dyn()
        );
    }

    #[test]
    fn typed_scalars_and_arrays_are_strong() {
        let cell = ctx()
            .run_cell(
                "i = int64(5); z = zeros(3); t = float32(2) * 3",
                &Vars::new(),
            )
            .unwrap();
        for (name, value) in &cell.bindings {
            assert!(matches!(value, Value::Array(_)), "{name}: {value:?}");
        }
        let Value::Array(t) = &cell.bindings[2].1 else {
            unreachable!()
        };
        assert_eq!(t.dtype(), DType::F32);
    }

    #[test]
    fn a_final_tuple_and_a_repeated_value() {
        let x = array![3.0, 0.0];
        let vars = Vars::new().with("x", &x);
        let cell = ctx().run_cell("l = hypot(x, 4); x/l, l", &vars).unwrap();
        assert_eq!(cell.outputs.len(), 2);
        assert_eq!(
            cell.outputs[1].as_f64().unwrap(),
            &array![5.0, 4.0].into_dyn()
        );
        assert_eq!(cell.bindings[0].1, Value::Array(cell.outputs[1].clone()));
    }

    #[test]
    fn rebinding_an_operand_and_empty_cells() {
        let x = array![1i8, 2];
        let vars = Vars::new().with("x", &x);
        let cell = ctx().run_cell("x = x + 1\nx = x * 2", &vars).unwrap();
        let Value::Array(x) = &cell.bindings[0].1 else {
            panic!()
        };
        assert_eq!(x.as_array::<i8>().unwrap(), &array![4i8, 6].into_dyn());
        for blank in ["", "  # just a comment\n", " ;\n\\\n"] {
            assert!(is_blank(blank), "{blank:?}");
            assert_eq!(ctx().run_cell(blank, &vars).unwrap(), Cell::default());
        }
        assert!(!is_blank("# c\nx"));
        assert!(!is_blank("$"));
    }

    #[test]
    fn bindings_of_different_shapes_in_one_cell() {
        let cell = ctx()
            .run_cell(
                "x = linspace(0, 1, 50); m = x[:, None] * x[None, :4]; s = sum(m, axis=0)",
                &Vars::new(),
            )
            .unwrap();
        let shapes: Vec<Vec<usize>> = cell
            .bindings
            .iter()
            .map(|(_, v)| match v {
                Value::Array(a) => a.shape().to_vec(),
                Value::Scalar(_) => vec![],
            })
            .collect();
        assert_eq!(shapes, [vec![50], vec![50, 4], vec![4]]);
        let Value::Array(s) = &cell.bindings[2].1 else {
            unreachable!()
        };
        let x1 = 1.0 / 49.0;
        let want = (0..50).map(|i| i as f64 / 49.0).sum::<f64>() * x1;
        assert!((s.as_f64().unwrap()[[1]] - want).abs() < 1e-12);
    }

    #[test]
    fn errors_are_located_in_the_cell() {
        let e = ctx()
            .run_cell("a = 1\nb = a + nope", &Vars::new())
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownName);
        assert!(e.render("a = 1\nb = a + nope", false).contains("--> 2:9"));
    }
}
