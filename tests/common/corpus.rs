//! Reading the conformance corpus (`tests/corpus/*.cases`, written by
//! `tests/corpus/generate.py`; the format is described in tests/corpus/README.md).
//!
//! A case is a block of lines:
//!
//! ```text
//! case arith/add_i8_f32
//! expr: a + b
//! in a: int8 (2,3) [1 -2 3 4 5 6]
//! in b: float32 (3,) F [0.5 nan -0.0]
//! in k: weak float 2.5
//! out: float32 (2,3) [...]
//! tol: ulp=1 atol=1e-12
//! ```
//!
//! or, instead of `out:`/`tol:`, `error: Shape @0..5` (an `ErrorKind` and optionally the
//! byte span the error must point at).

use std::fmt;
use std::path::{Path, PathBuf};

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Slice};
use vex::{Array, ArrayElement, ArrayRef, DType, ErrorKind, Scalar, Span, C128, C64};

/// One conformance case.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    /// Where the case starts, for messages: `tests/corpus/arith.cases:12`.
    pub origin: String,
    pub program: String,
    pub inputs: Vec<Input>,
    pub expect: Expect,
    pub tol: Tol,
}

#[derive(Clone, Debug)]
pub struct Input {
    pub name: String,
    pub value: InputValue,
}

#[derive(Clone, Debug)]
pub enum InputValue {
    /// A weak Python scalar.
    Weak(Scalar),
    /// A strong array, handed to vex as a view with the given memory layout.
    Array(Array, Layout),
}

/// How an input array is laid out in memory (its logical value is the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Contiguous, C order.
    C,
    /// Fortran order (axes reversed in memory).
    F,
    /// Axis 0 reversed: a negative stride.
    Rev,
    /// Every other element of a twice-as-long axis 0.
    Step2,
    /// Axis 0 broadcast from length 1: a zero stride.
    Bcast,
}

#[derive(Clone, Debug)]
pub enum Expect {
    Outputs(Vec<Array>),
    Error { kind: ErrorKind, span: Option<Span> },
}

/// How close a float result must be; see the comparison policy in tests/conformance.rs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tol {
    /// Units in the last place allowed per float (per component for complex).
    pub ulp: u64,
    /// Complex components may differ by `cplx * eps * |expected|`.
    pub cplx: f64,
    /// Absolute error allowed on top (reductions, whole kernels).
    pub atol: f64,
    /// Relative error allowed on top (reductions).
    pub rtol: f64,
}

impl Default for Tol {
    fn default() -> Self {
        Tol {
            ulp: 0,
            cplx: 0.0,
            atol: 0.0,
            rtol: 0.0,
        }
    }
}

impl fmt::Display for Tol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ulp={}", self.ulp)?;
        if self.cplx != 0.0 {
            write!(f, " cplx={}", self.cplx)?;
        }
        if self.atol != 0.0 {
            write!(f, " atol={:e}", self.atol)?;
        }
        if self.rtol != 0.0 {
            write!(f, " rtol={:e}", self.rtol)?;
        }
        Ok(())
    }
}

/// The directory with the `.cases` files.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every `.cases` file of the corpus, sorted by name.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cases"))
        .collect();
    files.sort();
    files
}

/// Reads and parses one corpus file.
pub fn load_file(path: &Path) -> Result<Vec<Case>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let label = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string();
    parse_cases(&text, &label)
}

/// Parses the text of a corpus file; `label` names it in messages.
pub fn parse_cases(text: &str, label: &str) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if !block.is_empty() {
                cases.push(parse_block(&block, label)?);
                block.clear();
            }
        } else if !line.starts_with('#') || !block.is_empty() {
            block.push((i + 1, line));
        }
    }
    if !block.is_empty() {
        cases.push(parse_block(&block, label)?);
    }
    Ok(cases)
}

fn parse_block(lines: &[(usize, &str)], label: &str) -> Result<Case, String> {
    let (first_no, first) = lines[0];
    let at = |no: usize, msg: String| format!("{label}:{no}: {msg}");
    let name = first
        .strip_prefix("case ")
        .ok_or_else(|| at(first_no, format!("expected 'case NAME', found {first:?}")))?
        .trim()
        .to_string();
    let mut program: Vec<&str> = Vec::new();
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    let mut error = None;
    let mut tol = Tol::default();
    for &(no, line) in &lines[1..] {
        let (key, rest) = line
            .split_once(':')
            .ok_or_else(|| at(no, format!("expected 'key: value', found {line:?}")))?;
        // Only the single space after the colon is syntax: programs keep their spacing.
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        match key {
            "expr" => program.push(rest),
            "note" => {}
            "out" => outputs.push(parse_array(rest).map_err(|e| at(no, e))?.0),
            "tol" => tol = parse_tol(rest).map_err(|e| at(no, e))?,
            "error" => error = Some(parse_error(rest).map_err(|e| at(no, e))?),
            _ => match key.strip_prefix("in ") {
                Some(input) => inputs.push(Input {
                    name: input.trim().to_string(),
                    value: parse_input(rest.trim()).map_err(|e| at(no, e))?,
                }),
                None => return Err(at(no, format!("unknown key {key:?}"))),
            },
        }
    }
    if program.is_empty() {
        return Err(at(first_no, format!("case {name} has no 'expr:' line")));
    }
    let expect = match (error, outputs.is_empty()) {
        (Some((kind, span)), true) => Expect::Error { kind, span },
        (None, false) => Expect::Outputs(outputs),
        (Some(_), false) => {
            return Err(at(
                first_no,
                format!("case {name} has outputs and an error"),
            ))
        }
        (None, true) => {
            return Err(at(
                first_no,
                format!("case {name} has no outputs nor error"),
            ))
        }
    };
    Ok(Case {
        name,
        origin: format!("{label}:{first_no}"),
        program: program.join("\n"),
        inputs,
        expect,
        tol,
    })
}

fn parse_tol(s: &str) -> Result<Tol, String> {
    let mut tol = Tol::default();
    for item in s.split_whitespace() {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| format!("bad tolerance item {item:?}"))?;
        let num = |v: &str| {
            v.parse::<f64>()
                .map_err(|e| format!("bad tolerance {item:?}: {e}"))
        };
        match k {
            "ulp" => tol.ulp = v.parse().map_err(|e| format!("bad ulp {v:?}: {e}"))?,
            "cplx" => tol.cplx = num(v)?,
            "atol" => tol.atol = num(v)?,
            "rtol" => tol.rtol = num(v)?,
            _ => return Err(format!("unknown tolerance {k:?}")),
        }
    }
    Ok(tol)
}

/// `ErrorKind` by its variant name.
pub fn error_kind(name: &str) -> Option<ErrorKind> {
    use ErrorKind::*;
    Some(match name {
        "Syntax" => Syntax,
        "UnknownName" => UnknownName,
        "UnknownFunction" => UnknownFunction,
        "Arguments" => Arguments,
        "Type" => Type,
        "Shape" => Shape,
        "Axis" => Axis,
        "NegativePower" => NegativePower,
        "TooLarge" => TooLarge,
        "EmptyReduction" => EmptyReduction,
        "Overflow" => Overflow,
        "Input" => Input,
        _ => return None,
    })
}

fn parse_error(s: &str) -> Result<(ErrorKind, Option<Span>), String> {
    let mut parts = s.split_whitespace();
    let kind = parts.next().ok_or("empty error line")?;
    let kind = error_kind(kind).ok_or_else(|| format!("unknown error kind {kind:?}"))?;
    let span = match parts.next() {
        None => None,
        Some(sp) => {
            let (a, b) = sp
                .strip_prefix('@')
                .and_then(|r| r.split_once(".."))
                .ok_or_else(|| format!("bad span {sp:?}, expected @START..END"))?;
            let n = |x: &str| {
                x.parse::<usize>()
                    .map_err(|e| format!("bad span {sp:?}: {e}"))
            };
            Some(Span::new(n(a)?, n(b)?))
        }
    };
    Ok((kind, span))
}

fn parse_input(s: &str) -> Result<InputValue, String> {
    if let Some(rest) = s.strip_prefix("weak ") {
        let (kind, v) = rest
            .split_once(' ')
            .ok_or_else(|| format!("bad weak scalar {s:?}"))?;
        let v = v.trim();
        let bad = |e: &dyn fmt::Display| format!("bad weak {kind} {v:?}: {e}");
        let scalar = match kind {
            "bool" => Scalar::Bool(parse_bool(v)?),
            "int" => Scalar::Int(v.parse::<i128>().map_err(|e| bad(&e))?),
            "float" => Scalar::Float(parse_f64(v)?),
            "complex" => {
                let (re, im) = split_complex(v)?;
                Scalar::Complex(C128::new(parse_f64(re)?, parse_f64(im)?))
            }
            _ => return Err(format!("unknown weak kind {kind:?}")),
        };
        return Ok(InputValue::Weak(scalar));
    }
    let (array, layout) = parse_array(s)?;
    Ok(InputValue::Array(array, layout))
}

/// `DTYPE (SHAPE) [LAYOUT] [v v v …]`
pub fn parse_array(s: &str) -> Result<(Array, Layout), String> {
    let open = s.find('[').ok_or_else(|| format!("no values in {s:?}"))?;
    let close = s
        .rfind(']')
        .ok_or_else(|| format!("unclosed values in {s:?}"))?;
    let head: Vec<&str> = s[..open].split_whitespace().collect();
    let values: Vec<&str> = s[open + 1..close].split_whitespace().collect();
    let (dtype, shape, layout) = match head.as_slice() {
        [d, sh] => (*d, *sh, "C"),
        [d, sh, l] => (*d, *sh, *l),
        _ => {
            return Err(format!(
                "expected 'DTYPE (SHAPE) [LAYOUT] [...]', found {s:?}"
            ))
        }
    };
    let dtype = DType::from_name(dtype).ok_or_else(|| format!("unknown dtype {dtype:?}"))?;
    let shape = parse_shape(shape)?;
    let layout = match layout {
        "C" => Layout::C,
        "F" => Layout::F,
        "rev" => Layout::Rev,
        "step2" => Layout::Step2,
        "bcast" => Layout::Bcast,
        _ => return Err(format!("unknown layout {layout:?}")),
    };
    let n: usize = shape.iter().product();
    if values.len() != n {
        return Err(format!(
            "shape {shape:?} needs {n} values, found {}",
            values.len()
        ));
    }
    let array = match dtype {
        DType::Bool => build(&shape, &values, parse_bool)?,
        DType::I8 => build(&shape, &values, parse_int::<i8>)?,
        DType::I16 => build(&shape, &values, parse_int::<i16>)?,
        DType::I32 => build(&shape, &values, parse_int::<i32>)?,
        DType::I64 => build(&shape, &values, parse_int::<i64>)?,
        DType::U8 => build(&shape, &values, parse_int::<u8>)?,
        DType::U16 => build(&shape, &values, parse_int::<u16>)?,
        DType::U32 => build(&shape, &values, parse_int::<u32>)?,
        DType::U64 => build(&shape, &values, parse_int::<u64>)?,
        DType::F32 => build(&shape, &values, parse_f32)?,
        DType::F64 => build(&shape, &values, parse_f64)?,
        DType::C64 => build(&shape, &values, |v| {
            let (re, im) = split_complex(v)?;
            Ok(C64::new(parse_f32(re)?, parse_f32(im)?))
        })?,
        DType::C128 => build(&shape, &values, |v| {
            let (re, im) = split_complex(v)?;
            Ok(C128::new(parse_f64(re)?, parse_f64(im)?))
        })?,
    };
    Ok((array, layout))
}

fn build<T: ArrayElement>(
    shape: &[usize],
    values: &[&str],
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Array, String> {
    let v = values
        .iter()
        .map(|s| parse(s))
        .collect::<Result<Vec<T>, String>>()?;
    let a = ArrayD::from_shape_vec(IxDyn(shape), v).map_err(|e| e.to_string())?;
    Ok(Array::from(a))
}

fn parse_shape(s: &str) -> Result<Vec<usize>, String> {
    let inner = s
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("bad shape {s:?}"))?;
    inner
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<usize>()
                .map_err(|e| format!("bad shape {s:?}: {e}"))
        })
        .collect()
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "True" => Ok(true),
        "False" => Ok(false),
        _ => Err(format!("bad bool {s:?}")),
    }
}

fn parse_int<T: TryFrom<i128>>(s: &str) -> Result<T, String> {
    let v: i128 = s.parse().map_err(|e| format!("bad integer {s:?}: {e}"))?;
    T::try_from(v).map_err(|_| format!("integer {s} out of range"))
}

fn parse_f64(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .map_err(|e| format!("bad float {s:?}: {e}"))
}

fn parse_f32(s: &str) -> Result<f32, String> {
    s.parse::<f32>()
        .map_err(|e| format!("bad float32 {s:?}: {e}"))
}

/// `1.5-2.0j` → (`1.5`, `-2.0`): the split is at the last sign that does not belong to
/// an exponent.
fn split_complex(s: &str) -> Result<(&str, &str), String> {
    let body = s
        .strip_suffix('j')
        .ok_or_else(|| format!("bad complex {s:?}"))?;
    let bytes = body.as_bytes();
    let at = (1..bytes.len())
        .rev()
        .find(|&i| matches!(bytes[i], b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'))
        .ok_or_else(|| format!("bad complex {s:?}"))?;
    let im = &body[at..];
    Ok((&body[..at], im.strip_prefix('+').unwrap_or(im)))
}

/// Memory for an input with a layout: the array the view borrows from.
pub struct Storage {
    base: Array,
    layout: Layout,
    shape: Vec<usize>,
}

impl Storage {
    /// Lays `logical` out in memory as `layout` asks.
    pub fn new(logical: &Array, layout: Layout) -> Storage {
        macro_rules! arm {
            ($($v:ident),*) => {
                match logical {
                    $(Array::$v(a) => Array::$v(lay_out(a, layout)),)*
                }
            };
        }
        let base = arm!(Bool, I8, I16, I32, I64, U8, U16, U32, U64, F32, F64, C64, C128);
        Storage {
            base,
            layout,
            shape: logical.shape().to_vec(),
        }
    }

    /// The view with the logical value of the input and the requested strides.
    pub fn view(&self) -> ArrayRef<'_> {
        macro_rules! arm {
            ($($v:ident),*) => {
                match &self.base {
                    $(Array::$v(a) => ArrayRef::from(view_of(a, self.layout, &self.shape)),)*
                }
            };
        }
        arm!(Bool, I8, I16, I32, I64, U8, U16, U32, U64, F32, F64, C64, C128)
    }
}

fn lay_out<T: Clone + Default>(a: &ArrayD<T>, layout: Layout) -> ArrayD<T> {
    match layout {
        Layout::C => a.as_standard_layout().into_owned(),
        // C-contiguous storage of the transpose; its transposed view is `a` in F order.
        Layout::F => a.t().as_standard_layout().into_owned(),
        Layout::Rev => a
            .slice_axis(Axis(0), Slice::new(0, None, -1))
            .as_standard_layout()
            .into_owned(),
        Layout::Step2 => {
            let mut shape = a.shape().to_vec();
            shape[0] *= 2;
            let mut base = ArrayD::from_elem(IxDyn(&shape), T::default());
            base.slice_axis_mut(Axis(0), Slice::new(0, None, 2))
                .assign(a);
            base
        }
        Layout::Bcast => a
            .slice_axis(Axis(0), Slice::new(0, Some(1), 1))
            .as_standard_layout()
            .into_owned(),
    }
}

fn view_of<'a, T>(base: &'a ArrayD<T>, layout: Layout, shape: &[usize]) -> ArrayViewD<'a, T> {
    match layout {
        Layout::C => base.view(),
        Layout::F => base.view().reversed_axes(),
        Layout::Rev => base.slice_axis(Axis(0), Slice::new(0, None, -1)),
        Layout::Step2 => base.slice_axis(Axis(0), Slice::new(0, None, 2)),
        // Broadcast back to the logical shape, whose rows all equal the stored one.
        Layout::Bcast => base
            .broadcast(IxDyn(shape))
            .expect("a length-1 axis broadcasts"),
    }
}
