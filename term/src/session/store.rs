//! How variables are serialised: arrays compactly, scalars exactly.
//!
//! An array is `{"array": {"dtype": "float32", "shape": [2, 3], "data": …}}` where `data`
//! holds the elements in C order as little-endian bytes (complex numbers as real, then
//! imaginary part): a base64 string in human-readable formats such as JSON, raw bytes in
//! binary formats. A weak scalar is `{"bool": true}`, `{"int": 5}`, `{"float": "2.5"}` or
//! `{"complex": ["1", "-2"]}`; floats are written as text so that `nan` and `inf` survive
//! formats (JSON) that have no spelling for them, and every finite value round-trips
//! exactly.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use vex::{DType, Scalar, Value, C128};

use super::base64;
use crate::npy;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Stored {
    Array {
        dtype: String,
        shape: Vec<usize>,
        data: Bytes,
    },
    Bool(bool),
    Int(i128),
    Float(String),
    Complex([String; 2]),
}

/// Element bytes: base64 text where the format is human-readable, raw bytes elsewhere.
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&base64::encode(&self.0))
        } else {
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        struct BytesVisitor;
        impl<'de> Visitor<'de> for BytesVisitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("base64 text or bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Bytes, E> {
                base64::decode(v).map(Bytes).map_err(E::custom)
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        if d.is_human_readable() {
            d.deserialize_str(BytesVisitor)
        } else {
            d.deserialize_byte_buf(BytesVisitor)
        }
    }
}

fn store(value: &Value) -> Stored {
    match value {
        Value::Array(a) => Stored::Array {
            dtype: a.dtype().name().to_string(),
            shape: a.shape().to_vec(),
            data: Bytes(npy::raw_le_bytes(a)),
        },
        Value::Scalar(Scalar::Bool(b)) => Stored::Bool(*b),
        Value::Scalar(Scalar::Int(i)) => Stored::Int(*i),
        Value::Scalar(Scalar::Float(x)) => Stored::Float(x.to_string()),
        Value::Scalar(Scalar::Complex(z)) => Stored::Complex([z.re.to_string(), z.im.to_string()]),
    }
}

fn restore(stored: Stored) -> Result<Value, String> {
    let float = |s: &str| {
        s.parse::<f64>()
            .map_err(|_| format!("'{s}' is not a float"))
    };
    Ok(match stored {
        Stored::Array { dtype, shape, data } => {
            let dtype =
                DType::from_name(&dtype).ok_or_else(|| format!("unknown dtype '{dtype}'"))?;
            Value::Array(npy::decode_data(dtype, &shape, false, false, &data.0)?)
        }
        Stored::Bool(b) => Value::Scalar(Scalar::Bool(b)),
        Stored::Int(i) => Value::Scalar(Scalar::Int(i)),
        Stored::Float(x) => Value::Scalar(Scalar::Float(float(&x)?)),
        Stored::Complex([re, im]) => {
            Value::Scalar(Scalar::Complex(C128::new(float(&re)?, float(&im)?)))
        }
    })
}

/// `#[serde(with = "store::vars")]` for a map of variables.
pub mod vars {
    use super::*;

    pub fn serialize<S: Serializer>(
        vars: &BTreeMap<String, Value>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let stored: BTreeMap<&str, Stored> =
            vars.iter().map(|(n, v)| (n.as_str(), store(v))).collect();
        stored.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, Value>, D::Error> {
        let stored = BTreeMap::<String, Stored>::deserialize(d)?;
        stored
            .into_iter()
            .map(|(n, v)| {
                let value = restore(v).map_err(|e| de::Error::custom(format!("'{n}': {e}")))?;
                Ok((n, value))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{arr0, array};
    use vex::Array;

    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Vars(#[serde(with = "vars")] BTreeMap<String, Value>);

    fn sample() -> Vars {
        let values: Vec<(&str, Value)> = vec![
            (
                "m",
                Value::Array(array![[1.5f32, -2.0], [3.0, 4.0]].t().to_owned().into()),
            ),
            ("b", Value::Array(array![true, false].into())),
            ("z", Value::Array(array![C128::new(1.0, -0.5)].into())),
            ("u", Value::Array(arr0(u64::MAX).into())),
            ("e", Value::Array(Array::zeros(DType::I16, &[0, 3]))),
            ("n", Value::Scalar(Scalar::Int(-5))),
            ("s", Value::Scalar(Scalar::Float(0.1))),
            (
                "w",
                Value::Scalar(Scalar::Complex(C128::new(f64::INFINITY, -0.0))),
            ),
            ("t", Value::Scalar(Scalar::Bool(true))),
        ];
        Vars(
            values
                .into_iter()
                .map(|(n, v)| (n.to_string(), v))
                .collect(),
        )
    }

    #[test]
    fn json_is_compact_and_exact() {
        let json = serde_json::to_string(&sample()).unwrap();
        assert!(
            json.contains(r#""m":{"array":{"dtype":"float32","shape":[2,2],"data":"AADAPwAAQEAAAADAAACAQA=="}}"#),
            "{json}"
        );
        assert!(json.contains(r#""s":{"float":"0.1"}"#), "{json}");
        assert!(json.contains(r#""w":{"complex":["inf","-0"]}"#), "{json}");
        let back: Vars = serde_json::from_str(&json).unwrap();
        assert_eq!(back, sample());
    }

    #[test]
    fn nan_survives() {
        let v = Vars([("x".to_string(), Value::Scalar(Scalar::Float(f64::NAN)))].into());
        let back: Vars = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        assert!(matches!(back.0["x"], Value::Scalar(Scalar::Float(x)) if x.is_nan()));
    }

    #[test]
    fn bad_data_is_an_error_naming_the_variable() {
        let json = r#"{"a":{"array":{"dtype":"float64","shape":[2],"data":"AAAA"}}}"#;
        let e = serde_json::from_str::<Vars>(json).unwrap_err().to_string();
        assert!(e.contains("'a'") && e.contains("do not hold"), "{e}");
        let json = r#"{"a":{"array":{"dtype":"float16","shape":[],"data":"AAA="}}}"#;
        let e = serde_json::from_str::<Vars>(json).unwrap_err().to_string();
        assert!(e.contains("unknown dtype 'float16'"), "{e}");
    }
}
