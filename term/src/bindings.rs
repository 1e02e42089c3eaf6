//! `NAME=VALUE` arguments: what each name is bound to, and the [`vex::Vars`] built from them.
//!
//! A value is, in this order: a number (a weak scalar, see [`crate::number`]), a
//! type-and-shape spec such as `float32[1000,3]` (for `vex explain`, which needs no data),
//! or the path of a .npy file. To name a file that looks like a number, write `./3`.

use std::path::Path;

use ndarray::IxDyn;
use vex::{Array, ArrayRef, DType, Scalar, Vars};

use crate::npy;
use crate::number::parse_number;

/// A `NAME=VALUE` argument, split but not yet interpreted.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub name: String,
    pub value: String,
}

/// Splits `NAME=VALUE`; the error is a usage error (clap reports it and exits with 2).
pub fn parse_binding(arg: &str) -> Result<Binding, String> {
    let Some((name, value)) = arg.split_once('=') else {
        return Err(format!(
            "expected NAME=VALUE (a .npy file, a number or, for explain, a type like \
             float64[1000]), got '{arg}'"
        ));
    };
    if !is_identifier(name) {
        return Err(format!("'{name}' is not a valid name"));
    }
    if value.is_empty() {
        return Err(format!("no value given for '{name}'"));
    }
    Ok(Binding {
        name: name.to_string(),
        value: value.to_string(),
    })
}

/// Whether `s` is a name the language accepts: a letter or `_`, then letters, digits, `_`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What a name is bound to.
#[derive(Clone, Debug)]
pub enum Value {
    Array(Array),
    Scalar(Scalar),
    /// A type and shape without data: a single zero seen through a zero-strided view.
    Spec {
        zero: Array,
        shape: Vec<usize>,
    },
}

impl Value {
    /// A spec value: `dtype` elements of shape `shape`, all zero, no memory per element.
    pub fn spec(dtype: DType, shape: Vec<usize>) -> Value {
        Value::Spec {
            zero: Array::zeros(dtype, &[]),
            shape,
        }
    }
}

/// Why an argument could not be used.
#[derive(Clone, Debug, PartialEq)]
pub enum BindError {
    /// The command line is wrong (exit status 2).
    Usage(String),
    /// The value given cannot be read or used (exit status 1).
    Input(String),
}

/// The interpreted `NAME=VALUE` arguments, in order.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    entries: Vec<(String, Value)>,
}

impl Inputs {
    /// Interprets the arguments, reading .npy files. Specs are accepted only if
    /// `allow_specs` (a spec has no data to evaluate).
    pub fn load(bindings: &[Binding], allow_specs: bool) -> Result<Inputs, BindError> {
        let mut inputs = Inputs::default();
        for b in bindings {
            if inputs.contains(&b.name) {
                return Err(BindError::Usage(format!("'{}' is given twice", b.name)));
            }
            let value = interpret(&b.value, allow_specs)
                .map_err(|e| e.map(|m| format!("{}: {m}", b.name)))?;
            inputs.push(&b.name, value);
        }
        Ok(inputs)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| n == name)
    }

    pub fn push(&mut self, name: &str, value: Value) {
        self.entries.push((name.to_string(), value));
    }

    /// The shape of the array (or spec) with the most dimensions, the first of those.
    pub fn largest_shape(&self) -> Option<Vec<usize>> {
        let shapes = self.entries.iter().filter_map(|(_, v)| match v {
            Value::Array(a) => Some(a.shape()),
            Value::Spec { shape, .. } => Some(shape.as_slice()),
            Value::Scalar(_) => None,
        });
        let mut best: Option<&[usize]> = None;
        for s in shapes {
            if best.is_none_or(|b| s.len() > b.len()) {
                best = Some(s);
            }
        }
        best.map(<[usize]>::to_vec)
    }

    /// The bindings as vex operands, borrowing the arrays.
    pub fn vars(&self) -> Result<Vars<'_>, String> {
        let mut vars = Vars::new();
        for (name, value) in &self.entries {
            match value {
                Value::Array(a) => vars.insert(name, a.view()),
                Value::Scalar(s) => vars.insert(name, *s),
                Value::Spec { zero, shape } => vars.insert(
                    name,
                    broadcast(zero, shape)
                        .ok_or_else(|| format!("{name}: the shape {shape:?} is too large"))?,
                ),
            }
        }
        Ok(vars)
    }
}

impl BindError {
    fn map(self, f: impl FnOnce(String) -> String) -> BindError {
        match self {
            BindError::Usage(m) => BindError::Usage(f(m)),
            BindError::Input(m) => BindError::Input(f(m)),
        }
    }
}

fn interpret(value: &str, allow_specs: bool) -> Result<Value, BindError> {
    if let Some(n) = parse_number(value) {
        return n.map(Value::Scalar).map_err(BindError::Input);
    }
    if let Some(spec) = parse_spec(value) {
        let (dtype, shape) = spec.map_err(BindError::Usage)?;
        if !allow_specs {
            return Err(BindError::Usage(format!(
                "{value} is a type and shape, with no data to evaluate; give a .npy file or a \
                 number (type specs are for `vex explain`)"
            )));
        }
        return Ok(Value::spec(dtype, shape));
    }
    npy::read_npy(Path::new(value))
        .map(Value::Array)
        .map_err(BindError::Input)
}

/// Parses `float32[1000,3]` (or `int8[]` for 0-d); `None` if `text` does not look like one.
pub fn parse_spec(text: &str) -> Option<Result<(DType, Vec<usize>), String>> {
    let (name, rest) = text.split_once('[')?;
    let dims = rest.strip_suffix(']')?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let Some(dtype) = DType::from_name(name) else {
        let names: Vec<&str> = DType::ALL.iter().map(|d| d.name()).collect();
        return Some(Err(format!(
            "unknown dtype '{name}'; the dtypes are {}",
            names.join(", ")
        )));
    };
    let dims = dims.trim();
    if dims.is_empty() {
        return Some(Ok((dtype, Vec::new())));
    }
    let shape: Result<Vec<usize>, String> = dims
        .split(',')
        .map(|d| {
            d.trim()
                .parse::<usize>()
                .map_err(|_| format!("'{}' is not a size in the shape [{dims}]", d.trim()))
        })
        .collect();
    Some(shape.map(|s| (dtype, s)))
}

/// A view of `shape` whose every element is the single element of the 0-d `zero`.
fn broadcast<'a>(zero: &'a Array, shape: &[usize]) -> Option<ArrayRef<'a>> {
    let shape = IxDyn(shape);
    Some(match zero {
        Array::Bool(a) => ArrayRef::Bool(a.broadcast(shape)?),
        Array::I8(a) => ArrayRef::I8(a.broadcast(shape)?),
        Array::I16(a) => ArrayRef::I16(a.broadcast(shape)?),
        Array::I32(a) => ArrayRef::I32(a.broadcast(shape)?),
        Array::I64(a) => ArrayRef::I64(a.broadcast(shape)?),
        Array::U8(a) => ArrayRef::U8(a.broadcast(shape)?),
        Array::U16(a) => ArrayRef::U16(a.broadcast(shape)?),
        Array::U32(a) => ArrayRef::U32(a.broadcast(shape)?),
        Array::U64(a) => ArrayRef::U64(a.broadcast(shape)?),
        Array::F32(a) => ArrayRef::F32(a.broadcast(shape)?),
        Array::F64(a) => ArrayRef::F64(a.broadcast(shape)?),
        Array::C64(a) => ArrayRef::C64(a.broadcast(shape)?),
        Array::C128(a) => ArrayRef::C128(a.broadcast(shape)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vex::Operand;

    fn binding(s: &str) -> Binding {
        parse_binding(s).unwrap()
    }

    #[test]
    fn splits_name_and_value() {
        assert_eq!(
            binding("x=data/a.npy"),
            Binding {
                name: "x".into(),
                value: "data/a.npy".into()
            }
        );
        assert_eq!(binding("k=-2").value, "-2");
        assert_eq!(binding("_k2=a=b").value, "a=b");
        assert!(parse_binding("x").unwrap_err().contains("NAME=VALUE"));
        assert!(parse_binding("2x=1")
            .unwrap_err()
            .contains("not a valid name"));
        assert!(parse_binding("=1")
            .unwrap_err()
            .contains("not a valid name"));
        assert!(parse_binding("x=").unwrap_err().contains("no value"));
    }

    #[test]
    fn specs() {
        assert_eq!(
            parse_spec("float32[1000,3]"),
            Some(Ok((DType::F32, vec![1000, 3])))
        );
        assert_eq!(
            parse_spec("int8[ 2 , 0 ]"),
            Some(Ok((DType::I8, vec![2, 0])))
        );
        assert_eq!(parse_spec("complex128[]"), Some(Ok((DType::C128, vec![]))));
        assert!(parse_spec("float16[3]")
            .unwrap()
            .unwrap_err()
            .contains("unknown dtype"));
        assert!(parse_spec("float64[3,x]")
            .unwrap()
            .unwrap_err()
            .contains("'x'"));
        assert!(parse_spec("float64[-1]").unwrap().is_err());
        assert_eq!(parse_spec("a.npy"), None);
        assert_eq!(parse_spec("dir[1]/a.npy"), None);
    }

    #[test]
    fn numbers_and_specs_become_operands() {
        let inputs = Inputs::load(
            &[binding("k=2.5"), binding("b=True"), binding("m=uint8[4,2]")],
            true,
        )
        .unwrap();
        let vars = inputs.vars().unwrap();
        assert_eq!(vars.get("k"), Some(&Operand::Scalar(Scalar::Float(2.5))));
        assert_eq!(vars.get("b"), Some(&Operand::Scalar(Scalar::Bool(true))));
        let Some(Operand::Array(m)) = vars.get("m") else {
            panic!("m is an array")
        };
        assert_eq!(
            (m.dtype(), m.shape(), m.strides()),
            (DType::U8, &[4, 2][..], &[0, 0][..])
        );
        assert_eq!(inputs.largest_shape(), Some(vec![4, 2]));
        assert_eq!(Inputs::default().largest_shape(), None);
    }

    #[test]
    fn usage_and_input_errors() {
        let e = Inputs::load(&[binding("a=1"), binding("a=2")], true).unwrap_err();
        assert_eq!(e, BindError::Usage("'a' is given twice".into()));
        let e = Inputs::load(&[binding("a=float32[3]")], false).unwrap_err();
        assert!(matches!(e, BindError::Usage(m) if m.starts_with("a: float32[3] is a type")));
        let e = Inputs::load(&[binding("a=/no/such.npy")], false).unwrap_err();
        assert!(matches!(e, BindError::Input(m) if m.contains("cannot read '/no/such.npy'")));
        let e = Inputs::load(
            &[binding("n=99999999999999999999999999999999999999999")],
            false,
        )
        .unwrap_err();
        assert!(matches!(e, BindError::Input(m) if m.contains("too large")));
    }

    #[test]
    fn reads_npy_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.npy");
        let a: Array = ndarray::array![1i16, 2, 3].into();
        npy::write_all(&[(path.clone(), &a)]).unwrap();
        let inputs = Inputs::load(&[binding(&format!("a={}", path.display()))], false).unwrap();
        let vars = inputs.vars().unwrap();
        assert_eq!(vars.get("a"), Some(&Operand::Array(a.view())));
    }
}
