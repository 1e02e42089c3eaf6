//! Running a cell that has plot statements: the expressions of every plot are evaluated
//! with the rest of the cell in one fused run, then turned into [`PlotSpec`]s.
//!
//! Each plot statement is replaced, in the text vex evaluates, by assignments of its
//! expressions to hidden names (`__plot0_1 = (sin(x))`); the other statements are kept as
//! written. A table of the copied pieces maps the positions of vex's errors back to the
//! cell, so that a caret points at what the user typed.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use vex::{Array, Scalar, Value};

use super::plotparse::{keyword, plot_call, statements, trim, OptValue, PlotCall, PlotKind, Span};
use super::{CellError, Output};
use crate::plot::decimate;
use crate::plot::spec::{Colormap, Image, PlotData, PlotSpec, Series};

/// The prefix of the hidden names that carry plot arguments out of the evaluation.
const HIDDEN: &str = "__plot";
/// The default number of histogram bins.
pub const DEFAULT_BINS: usize = 50;
/// The most histogram bins.
const MAX_BINS: usize = 100_000;

/// A cell with its plot statements replaced by hidden assignments.
pub struct Rewritten {
    /// The text for vex.
    pub source: String,
    /// The plot statements, in order.
    pub calls: Vec<PlotCall>,
    /// Copied pieces: (start in `source`, start in the cell, length).
    pieces: Vec<(usize, usize, usize)>,
    /// Arguments that are a session variable as it stands (a bare name no earlier
    /// statement of the cell assigns): taken as they are rather than evaluated, which
    /// saves copying a large array. By hidden name, the variable's name.
    direct: HashMap<String, String>,
}

/// The hidden name of expression `arg` of plot `call`: its positional arguments, then its
/// options whose value is an expression, in order.
pub fn hidden(call: usize, arg: usize) -> String {
    format!("{HIDDEN}{call}_{arg}")
}

/// Whether `name` is one of the hidden names.
pub fn is_hidden(name: &str) -> bool {
    name.starts_with(HIDDEN)
}

/// The cell rewritten for vex, or `None` if it has no plot statement; `is_var` tells the
/// names of the session's variables.
pub fn rewrite(src: &str, is_var: impl Fn(&str) -> bool) -> Result<Option<Rewritten>, CellError> {
    let mut calls = Vec::new();
    // For each plot, the names the cell assigns before it.
    let mut assigned_before: Vec<HashSet<String>> = Vec::new();
    let mut assigned = HashSet::new();
    for stmt in statements(src) {
        match plot_call(src, stmt)? {
            Some(call) => {
                calls.push(call);
                assigned_before.push(assigned.clone());
            }
            None => {
                if let Some(((s, e), _)) = keyword(src, trim(src, stmt)) {
                    assigned.insert(src[s..e].to_string());
                }
            }
        }
    }
    if calls.is_empty() {
        return Ok(None);
    }
    let mut out = Rewritten {
        source: String::new(),
        calls: Vec::new(),
        pieces: Vec::new(),
        direct: HashMap::new(),
    };
    let mut at = 0;
    for (k, call) in calls.iter().enumerate() {
        out.copy(src, (at, call.span.0));
        let exprs = call.positional.iter().copied().chain(
            call.options
                .iter()
                .filter(|o| o.value == OptValue::Expr)
                .map(|o| o.value_span),
        );
        let mut first = true;
        for (j, span) in exprs.enumerate() {
            let text = &src[span.0..span.1];
            if crate::bindings::is_identifier(text)
                && is_var(text)
                && !assigned_before[k].contains(text)
            {
                out.direct.insert(hidden(k, j), text.to_string());
                continue;
            }
            if !first {
                out.source.push_str("; ");
            }
            first = false;
            out.source.push_str(&hidden(k, j));
            out.source.push_str(" = (");
            out.copy(src, span);
            out.source.push(')');
        }
        at = call.span.1;
    }
    out.copy(src, (at, src.len()));
    out.calls = calls;
    Ok(Some(out))
}

impl Rewritten {
    fn copy(&mut self, src: &str, (s, e): Span) {
        self.pieces.push((self.source.len(), s, e - s));
        self.source.push_str(&src[s..e]);
    }

    /// A vex error about `source`, placed in the cell.
    pub fn error(&self, e: &vex::Error) -> CellError {
        let span = e.span.map(|sp| {
            // The copied piece that holds the start, or else the first one inside the span
            // (vex may include the parentheses around a hidden assignment's expression).
            let piece = self
                .pieces
                .iter()
                .find(|&&(o, _, n)| sp.start >= o && sp.start < o + n)
                .or_else(|| {
                    self.pieces
                        .iter()
                        .find(|&&(o, _, n)| o >= sp.start && o < sp.end.max(sp.start + 1) && n > 0)
                });
            match piece {
                Some(&(o, c, n)) => {
                    let start = sp.start.max(o);
                    let end = sp.end.clamp(start, o + n);
                    (c + start - o, c + end - o)
                }
                None => {
                    // At the end of the text, or between pieces: the next cell position.
                    let c = self
                        .pieces
                        .iter()
                        .find(|&&(o, _, _)| o >= sp.start)
                        .or(self.pieces.last())
                        .map_or(0, |&(o, c, n)| if o >= sp.start { c } else { c + n });
                    (c, c)
                }
            }
        });
        CellError {
            message: e.message.clone(),
            span,
            help: e.help.clone(),
        }
    }

    /// The plots, from the values of the hidden names and the session's variables.
    pub fn plots(
        &self,
        values: &HashMap<String, Value>,
        vars: &BTreeMap<String, Value>,
    ) -> Result<Vec<Output>, CellError> {
        let value = |name: String| match self.direct.get(&name) {
            Some(var) => &vars[var],
            None => &values[&name],
        };
        let mut out = Vec::new();
        for (k, call) in self.calls.iter().enumerate() {
            let expr_options = || call.options.iter().filter(|o| o.value == OptValue::Expr);
            let values: Vec<&Value> = (0..call.expression_count())
                .map(|j| value(hidden(k, j)))
                .collect();
            check_dims(
                call,
                |j| value_shape(values[j]).len(),
                |j| format!("has shape {}", shape_text(value_shape(values[j]))),
            )?;
            let args: Vec<(Span, &Value)> = call
                .positional
                .iter()
                .copied()
                .zip(values.iter().copied())
                .collect();
            let exprs: HashMap<&str, &Value> = expr_options()
                .map(|o| o.key.as_str())
                .zip(values[call.positional.len()..].iter().copied())
                .collect();
            out.push(Output::Plot(build(call, &args, &exprs)?));
        }
        Ok(out)
    }
}

/// Checks the number of dimensions of each expression of a plot before anything is drawn:
/// `plot` and `scatter` take 1-D arrays, `imshow` a 2-D one (`hist` any), and `bins=`,
/// `vmin=`, `vmax=` take numbers. Expressions are numbered as for [`hidden`]; `ndim(j)`
/// gives the dimensions of expression `j` and `describe(j)` says what it is in the
/// message ("has shape (3, 4)" from a value, "is 2-D" from a type check).
pub fn check_dims(
    call: &PlotCall,
    ndim: impl Fn(usize) -> usize,
    describe: impl Fn(usize) -> String,
) -> Result<(), CellError> {
    let name = call.kind.name();
    let n = call.positional.len();
    for (j, &span) in call.positional.iter().enumerate() {
        let message = match call.kind {
            PlotKind::Plot | PlotKind::Scatter if ndim(j) != 1 => {
                let what = if n > 1 && j % 2 == 0 { "x" } else { "y" };
                format!("{name}() needs 1-D arrays; {what} {}", describe(j))
            }
            PlotKind::Imshow if ndim(j) != 2 => {
                format!("imshow() needs a 2-D array; this {}", describe(j))
            }
            _ => continue,
        };
        return Err(error(message, span));
    }
    let exprs = call.options.iter().filter(|o| o.value == OptValue::Expr);
    for (j, o) in (n..).zip(exprs) {
        if ndim(j) != 0 {
            return Err(error(
                format!("{}= takes a number, not an array", o.key),
                o.value_span,
            ));
        }
    }
    Ok(())
}

/// The shape of a value; a scalar has none.
fn value_shape(value: &Value) -> &[usize] {
    match value {
        Value::Scalar(_) => &[],
        Value::Array(a) => a.shape(),
    }
}

fn error(message: impl Into<String>, span: Span) -> CellError {
    CellError {
        message: message.into(),
        span: Some(span),
        help: None,
    }
}

/// The values of an array (or scalar) as float64, and its shape; borrowed when it is
/// float64 in standard layout already.
fn floats(value: &Value, span: Span) -> Result<(Cow<'_, [f64]>, Vec<usize>), CellError> {
    let complex = || {
        let mut e = error("cannot plot complex values", span);
        e.help = Some("plot real(z), imag(z) or abs(z)".into());
        e
    };
    let a = match value {
        Value::Scalar(Scalar::Complex(_)) => return Err(complex()),
        Value::Scalar(s) => {
            let v = match *s {
                Scalar::Bool(b) => f64::from(u8::from(b)),
                Scalar::Int(i) => i as f64,
                Scalar::Float(f) => f,
                Scalar::Complex(_) => unreachable!("handled above"),
            };
            return Ok((Cow::Owned(vec![v]), Vec::new()));
        }
        Value::Array(a) => a,
    };
    let shape = a.shape().to_vec();
    fn conv<T: Copy>(a: &ndarray::ArrayD<T>, f: impl Fn(T) -> f64) -> Cow<'static, [f64]> {
        Cow::Owned(a.iter().map(|&v| f(v)).collect())
    }
    let values = match a {
        Array::F64(x) => match x.as_slice() {
            Some(s) => Cow::Borrowed(s),
            None => conv(x, |v| v),
        },
        Array::F32(x) => conv(x, f64::from),
        Array::Bool(x) => conv(x, |v| f64::from(u8::from(v))),
        Array::I8(x) => conv(x, f64::from),
        Array::I16(x) => conv(x, f64::from),
        Array::I32(x) => conv(x, f64::from),
        Array::I64(x) => conv(x, |v| v as f64),
        Array::U8(x) => conv(x, f64::from),
        Array::U16(x) => conv(x, f64::from),
        Array::U32(x) => conv(x, f64::from),
        Array::U64(x) => conv(x, |v| v as f64),
        Array::C64(_) | Array::C128(_) => return Err(complex()),
    };
    Ok((values, shape))
}

/// A real scalar option (`bins=`, `vmin=`), which [`check_dims`] has found to be a number.
fn scalar_option(value: &Value, span: Span) -> Result<f64, CellError> {
    let (v, _) = floats(value, span)?;
    Ok(v.first().copied().unwrap_or(f64::NAN))
}

fn shape_text(shape: &[usize]) -> String {
    crate::print::shape_str(shape)
}

/// The plot one statement describes.
fn build(
    call: &PlotCall,
    args: &[(Span, &Value)],
    exprs: &HashMap<&str, &Value>,
) -> Result<PlotSpec, CellError> {
    let opt = |key: &str| call.options.iter().find(|o| o.key == key);
    // `plot_call` has checked each option's kind of value: a string option is a string.
    let text = |key: &str| match opt(key).map(|o| &o.value) {
        Some(OptValue::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let title = text("title");
    let xlabel = text("xlabel");
    let ylabel = text("ylabel");
    let data = match call.kind {
        PlotKind::Plot | PlotKind::Scatter => {
            let series = xy_series(args)?;
            let labels = labels(call, series.len())?;
            let series = series
                .into_iter()
                .zip(labels)
                .map(|((x, y), label)| {
                    let (xs, ys) = if call.kind == PlotKind::Plot {
                        decimate::line(x.as_deref(), &y)
                    } else {
                        decimate::scatter(x.as_deref(), &y)
                    };
                    Series {
                        label,
                        x: xs,
                        y: ys,
                        points: y.len() as u64,
                    }
                })
                .collect();
            if call.kind == PlotKind::Plot {
                PlotData::Line(series)
            } else {
                PlotData::Scatter(series)
            }
        }
        PlotKind::Hist => {
            let bins = match opt("bins") {
                None => DEFAULT_BINS,
                Some(o) => {
                    let v = match exprs.get("bins") {
                        Some(v) => scalar_option(v, o.value_span)?,
                        None => f64::NAN,
                    };
                    if !(v.fract() == 0.0 && (1.0..=MAX_BINS as f64).contains(&v)) {
                        return Err(error(
                            format!("bins= takes a whole number from 1 to {MAX_BINS}"),
                            o.value_span,
                        ));
                    }
                    v as usize
                }
            };
            let data: Vec<Cow<[f64]>> = args
                .iter()
                .map(|&(span, v)| floats(v, span).map(|(v, _)| v))
                .collect::<Result<_, _>>()?;
            let labels = labels(call, data.len())?;
            let sets: Vec<(Option<String>, &[f64])> = labels
                .into_iter()
                .zip(data.iter().map(|d| &d[..]))
                .collect();
            PlotData::Hist(decimate::histogram(&sets, bins))
        }
        PlotKind::Imshow => PlotData::Image(image(call, args, exprs)?),
    };
    Ok(PlotSpec {
        data,
        title,
        xlabel,
        ylabel,
    })
}

/// A series' data: x (`None` against the index) and y.
type XY<'a> = (Option<Cow<'a, [f64]>>, Cow<'a, [f64]>);

/// The series of `plot`/`scatter`: `(y)` or pairs `(x, y, x, y, …)` (as `plot_call`
/// checked), all 1-D (as [`check_dims`] checked), x and y of one length.
fn xy_series<'a>(args: &[(Span, &'a Value)]) -> Result<Vec<XY<'a>>, CellError> {
    let one_d = |(span, v): (Span, &'a Value)| floats(v, span).map(|(values, _)| values);
    if args.len() == 1 {
        return Ok(vec![(None, one_d(args[0])?)]);
    }
    let mut out = Vec::new();
    for pair in args.chunks_exact(2) {
        let (x, y) = (one_d(pair[0])?, one_d(pair[1])?);
        if x.len() != y.len() {
            return Err(error(
                format!(
                    "x has {} points and y has {}; they must match",
                    x.len(),
                    y.len()
                ),
                (pair[0].0 .0, pair[1].0 .1),
            ));
        }
        out.push((Some(x), y));
    }
    Ok(out)
}

/// The labels of `n` series from `label=` (one series) or `labels=(…)` (one each).
fn labels(call: &PlotCall, n: usize) -> Result<Vec<Option<String>>, CellError> {
    let mut out = vec![None; n];
    for o in &call.options {
        match (o.key.as_str(), &o.value) {
            ("label", OptValue::Str(s)) if n == 1 => out[0] = Some(s.clone()),
            ("label", OptValue::Str(_)) => {
                let mut e = error(
                    format!("label= names one series; this plot has {n}"),
                    o.key_span,
                );
                e.help = Some("give one label each: labels=(\"a\", \"b\")".into());
                return Err(e);
            }
            ("labels", OptValue::Strs(v)) if v.len() == n => {
                out = v.iter().cloned().map(Some).collect();
            }
            ("labels", OptValue::Strs(v)) => {
                return Err(error(
                    format!("{} labels for {n} series", v.len()),
                    o.value_span,
                ))
            }
            ("labels", OptValue::Str(s)) if n == 1 => out[0] = Some(s.clone()),
            ("labels", OptValue::Str(_)) => {
                return Err(error(format!("1 label for {n} series"), o.value_span))
            }
            // Other kinds of value were refused by `plot_call`.
            _ => {}
        }
    }
    Ok(out)
}

/// The heatmap of `imshow(m)`: a 2-D real array, block-averaged to a bounded size.
fn image(
    call: &PlotCall,
    args: &[(Span, &Value)],
    exprs: &HashMap<&str, &Value>,
) -> Result<Image, CellError> {
    // `plot_call` checked that there is one array, and `check_dims` that it is 2-D.
    let (span, value) = args[0];
    let (values, shape) = floats(value, span)?;
    let &[rows, cols] = shape.as_slice() else {
        return Err(error(
            format!(
                "imshow() needs a 2-D array; this has shape {}",
                shape_text(&shape)
            ),
            span,
        ));
    };
    if rows == 0 || cols == 0 {
        return Err(error("imshow() needs a non-empty array", span));
    }
    let (out_rows, out_cols) = decimate::image_shape((rows, cols));
    let stored = if (out_rows, out_cols) == (rows, cols) {
        values
            .iter()
            .map(|&v| if v.is_finite() { v } else { f64::NAN })
            .collect()
    } else {
        decimate::resample(&values, (rows, cols), (out_rows, out_cols))
    };
    let (lo, hi) = decimate::bounds(values.iter().copied()).unwrap_or((0.0, 1.0));
    let limit = |key: &str, default: f64| -> Result<f64, CellError> {
        match (call.options.iter().find(|o| o.key == key), exprs.get(key)) {
            (Some(o), Some(v)) => {
                let x = scalar_option(v, o.value_span)?;
                if x.is_finite() {
                    Ok(x)
                } else {
                    Err(error(format!("{key}= must be finite"), o.value_span))
                }
            }
            (Some(o), None) => Err(error(format!("{key}= takes a number"), o.value_span)),
            (None, _) => Ok(default),
        }
    };
    let (mut vmin, mut vmax) = (limit("vmin", lo)?, limit("vmax", hi)?);
    if vmin > vmax {
        let span = call
            .options
            .iter()
            .find(|o| o.key == "vmin" || o.key == "vmax");
        return Err(error(
            format!("vmin ({vmin}) is above vmax ({vmax})"),
            span.map_or(call.span, |o| o.value_span),
        ));
    }
    if vmin == vmax {
        // One value: the middle of the colour map.
        (vmin, vmax) = (vmin - 0.5, vmax + 0.5);
    }
    // `plot_call` has checked that a `cmap=` names a colour map.
    let cmap = match call
        .options
        .iter()
        .find(|o| o.key == "cmap")
        .map(|o| &o.value)
    {
        Some(OptValue::Str(name)) => Colormap::from_name(name).unwrap_or_default(),
        _ => Colormap::default(),
    };
    Ok(Image {
        shape: (rows, cols),
        rows: out_rows,
        cols: out_cols,
        values: stored,
        vmin,
        vmax,
        cmap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vex_errors_point_into_the_cell() {
        let ctx = vex::Context::with_backend(vex::Backend::Interpreter);
        let x = ndarray::arr1(&[1.0, 2.0]);
        for (src, at, message) in [
            (
                "y = x**2; plot(x, y + nope, title=\"t\")",
                "nope",
                "unknown name 'nope'",
            ),
            ("plot(x, nope)", "nope", "unknown name 'nope'"),
            (
                "a = 1\nhist(x, bins=a +* 2)\nb = 2",
                "*",
                "expected an expression, found '*'",
            ),
        ] {
            let r = rewrite(src, |_| false).unwrap().unwrap();
            let e = ctx
                .run_cell(&r.source, &vex::Vars::new().with("x", &x))
                .unwrap_err();
            let e = r.error(&e);
            let (s, t) = e.span.unwrap();
            assert_eq!(
                (&src[s..t], e.message.as_str()),
                (at, message),
                "{}",
                r.source
            );
        }
    }
}
