//! The .npy header: magic, version, and the Python dict literal that describes the array.
//!
//! The header is parsed here rather than by ndarray-npy so that a file of any dtype can be
//! opened without knowing its element type first, and so that every malformed or
//! unsupported file gets a message that says what is wrong with it.

use vex::DType;

/// The array description at the start of a .npy file.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub dtype: DType,
    /// Whether multi-byte elements are stored big-endian.
    pub big_endian: bool,
    pub fortran_order: bool,
    pub shape: Vec<usize>,
    /// Offset of the first data byte.
    pub data_start: usize,
}

const MAGIC: &[u8] = b"\x93NUMPY";

/// Parses the header at the start of `bytes`.
pub fn parse_header(bytes: &[u8]) -> Result<Header, String> {
    if !bytes.starts_with(MAGIC) {
        return Err("not a .npy file (it does not start with the \\x93NUMPY magic)".into());
    }
    let rest = &bytes[MAGIC.len()..];
    let (len, start) = match rest {
        [1, _, a, b, ..] => (u16::from_le_bytes([*a, *b]) as usize, MAGIC.len() + 4),
        [2 | 3, _, a, b, c, d, ..] => (
            u32::from_le_bytes([*a, *b, *c, *d]) as usize,
            MAGIC.len() + 6,
        ),
        [major, minor, ..] => {
            return Err(format!("unsupported .npy format version {major}.{minor}"));
        }
        _ => return Err("the .npy header is truncated".into()),
    };
    let text = start
        .checked_add(len)
        .and_then(|end| bytes.get(start..end))
        .ok_or("the .npy header is truncated")?;
    let text = std::str::from_utf8(text).map_err(|_| "the .npy header is not valid text")?;
    let dict = Literal::parse(text).map_err(|e| format!("malformed .npy header: {e}"))?;
    let Literal::Dict(entries) = dict else {
        return Err("malformed .npy header: it is not a dict".into());
    };
    let field = |key: &str| {
        entries
            .iter()
            .find(|(k, _)| matches!(k, Literal::Str(s) if s == key))
            .map(|(_, v)| v)
            .ok_or_else(|| format!("malformed .npy header: no '{key}' entry"))
    };
    let (dtype, big_endian) = match field("descr")? {
        Literal::Str(descr) => parse_descr(descr)?,
        Literal::List(_) => {
            return Err("unsupported dtype: structured arrays are not supported".into())
        }
        _ => return Err("malformed .npy header: 'descr' is not a string".into()),
    };
    let fortran_order = match field("fortran_order")? {
        Literal::Bool(b) => *b,
        _ => return Err("malformed .npy header: 'fortran_order' is not True or False".into()),
    };
    let shape = match field("shape")? {
        Literal::Tuple(dims) => dims
            .iter()
            .map(|d| match d {
                Literal::Int(n) => usize::try_from(*n).ok(),
                _ => None,
            })
            .collect::<Option<Vec<usize>>>()
            .ok_or("malformed .npy header: 'shape' is not a tuple of sizes")?,
        _ => return Err("malformed .npy header: 'shape' is not a tuple".into()),
    };
    Ok(Header {
        dtype,
        big_endian,
        fortran_order,
        shape,
        data_start: start + len,
    })
}

/// Parses a NumPy type string such as `<f8`, `|b1` or `>c16` into a dtype and byte order.
pub fn parse_descr(descr: &str) -> Result<(DType, bool), String> {
    let (big_endian, code) = match descr.as_bytes().first() {
        Some(b'<') => (false, &descr[1..]),
        Some(b'>') => (true, &descr[1..]),
        Some(b'=' | b'|') => (cfg!(target_endian = "big"), &descr[1..]),
        _ => (cfg!(target_endian = "big"), descr),
    };
    let dtype = match code {
        "b1" | "?" => DType::Bool,
        "i1" | "b" => DType::I8,
        "i2" => DType::I16,
        "i4" => DType::I32,
        "i8" => DType::I64,
        "u1" | "B" => DType::U8,
        "u2" => DType::U16,
        "u4" => DType::U32,
        "u8" => DType::U64,
        "f4" => DType::F32,
        "f8" => DType::F64,
        "c8" => DType::C64,
        "c16" => DType::C128,
        _ => {
            return Err(format!(
                "unsupported dtype '{descr}'{}; vex reads bool, int8 to int64, uint8 to uint64, \
                 float32, float64, complex64 and complex128",
                describe_unsupported(code)
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ))
        }
    };
    Ok((dtype, big_endian))
}

/// NumPy's name for a type code vex does not support, to make the error concrete.
fn describe_unsupported(code: &str) -> Option<&'static str> {
    let name = match code {
        "f2" | "e" => "float16",
        "f12" | "f16" | "g" => "longdouble",
        "c24" | "c32" | "G" => "clongdouble",
        _ => match code.chars().next()? {
            'O' => "Python objects",
            'U' => "unicode strings",
            'S' | 'a' => "byte strings",
            'V' => "raw or structured records",
            'M' => "datetime64",
            'm' => "timedelta64",
            _ => return None,
        },
    };
    Some(name)
}

/// The subset of Python literals a .npy header uses.
#[derive(Clone, Debug, PartialEq)]
enum Literal {
    Str(String),
    Int(i128),
    Bool(bool),
    None,
    Tuple(Vec<Literal>),
    List(Vec<Literal>),
    Dict(Vec<(Literal, Literal)>),
}

/// Nesting deeper than this is not a header numpy writes; refusing it bounds the recursion.
const MAX_DEPTH: usize = 16;

impl Literal {
    fn parse(text: &str) -> Result<Literal, String> {
        let mut p = LiteralParser {
            s: text.as_bytes(),
            pos: 0,
        };
        let value = p.value(0)?;
        p.skip_ws();
        if p.pos != p.s.len() {
            return Err(format!("unexpected text at byte {}", p.pos));
        }
        Ok(value)
    }
}

struct LiteralParser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl LiteralParser<'_> {
    fn skip_ws(&mut self) {
        while self.s.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Literal, String> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply".into());
        }
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                while !self.eat(b'}') {
                    let key = self.value(depth + 1)?;
                    if !self.eat(b':') {
                        return Err(format!("expected ':' at byte {}", self.pos));
                    }
                    let value = self.value(depth + 1)?;
                    entries.push((key, value));
                    self.separator(b'}')?;
                }
                Ok(Literal::Dict(entries))
            }
            Some(b'(') => {
                self.pos += 1;
                let (items, trailing_comma) = self.items(b')', depth)?;
                // `(3)` is just 3 in Python; `(3,)` is a tuple.
                if items.len() == 1 && !trailing_comma {
                    Ok(items.into_iter().next().unwrap_or(Literal::None))
                } else {
                    Ok(Literal::Tuple(items))
                }
            }
            Some(b'[') => {
                self.pos += 1;
                Ok(Literal::List(self.items(b']', depth)?.0))
            }
            Some(q @ (b'\'' | b'"')) => {
                self.pos += 1;
                let start = self.pos;
                while self.s.get(self.pos).is_some_and(|&c| c != q && c != b'\\') {
                    self.pos += 1;
                }
                if self.s.get(self.pos) != Some(&q) {
                    return Err("unterminated or escaped string".into());
                }
                let text = String::from_utf8_lossy(&self.s[start..self.pos]).into_owned();
                self.pos += 1;
                Ok(Literal::Str(text))
            }
            Some(_) => {
                let start = self.pos;
                while self
                    .s
                    .get(self.pos)
                    .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                {
                    self.pos += 1;
                }
                let word = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
                match word {
                    "True" => Ok(Literal::Bool(true)),
                    "False" => Ok(Literal::Bool(false)),
                    "None" => Ok(Literal::None),
                    // NumPy writes shapes of Python ints; old versions wrote `3L`.
                    _ => word
                        .strip_suffix('L')
                        .unwrap_or(word)
                        .parse::<i128>()
                        .map(Literal::Int)
                        .map_err(|_| format!("unexpected text at byte {start}")),
                }
            }
            None => Err("unexpected end".into()),
        }
    }

    /// Comma-separated values up to `close`; also says whether a comma came last.
    fn items(&mut self, close: u8, depth: usize) -> Result<(Vec<Literal>, bool), String> {
        let mut items = Vec::new();
        let mut trailing_comma = false;
        while !self.eat(close) {
            items.push(self.value(depth + 1)?);
            trailing_comma = self.separator(close)?;
        }
        Ok((items, trailing_comma))
    }

    /// After an item: a comma (returns true), or the closing bracket (left for the caller).
    fn separator(&mut self, close: u8) -> Result<bool, String> {
        if self.eat(b',') {
            Ok(true)
        } else if self.peek() == Some(close) {
            Ok(false)
        } else {
            Err(format!(
                "expected ',' or '{}' at byte {}",
                close as char, self.pos
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(dict: &str) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend([1, 0]);
        b.extend((dict.len() as u16).to_le_bytes());
        b.extend(dict.as_bytes());
        b
    }

    #[test]
    fn parses_numpy_headers() {
        let h = parse_header(&header(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }          \n",
        ))
        .unwrap();
        assert_eq!(h.dtype, DType::F64);
        assert!(!h.big_endian && !h.fortran_order);
        assert_eq!(h.shape, vec![3, 4]);
        assert_eq!(h.data_start, 10 + 70);

        let h = parse_header(&header(
            "{'descr': '>c8', 'fortran_order': True, 'shape': (5,), }\n",
        ))
        .unwrap();
        assert_eq!(
            (h.dtype, h.big_endian, h.fortran_order),
            (DType::C64, true, true)
        );
        assert_eq!(h.shape, vec![5]);

        let h = parse_header(&header(
            "{'descr': '|b1', 'fortran_order': False, 'shape': ()}",
        ))
        .unwrap();
        assert_eq!((h.dtype, h.shape.len()), (DType::Bool, 0));
    }

    #[test]
    fn version_2_headers_have_a_32_bit_length() {
        let dict = "{'descr': '<u2', 'fortran_order': False, 'shape': (2,)}";
        let mut b = MAGIC.to_vec();
        b.extend([2, 0]);
        b.extend((dict.len() as u32).to_le_bytes());
        b.extend(dict.as_bytes());
        let h = parse_header(&b).unwrap();
        assert_eq!((h.dtype, h.data_start), (DType::U16, 12 + dict.len()));
    }

    #[test]
    fn every_vex_dtype_has_a_descr() {
        for (descr, dtype) in [
            ("|b1", DType::Bool),
            ("|i1", DType::I8),
            ("<i2", DType::I16),
            ("<i4", DType::I32),
            ("<i8", DType::I64),
            ("|u1", DType::U8),
            ("<u2", DType::U16),
            ("<u4", DType::U32),
            ("<u8", DType::U64),
            ("<f4", DType::F32),
            ("<f8", DType::F64),
            ("<c8", DType::C64),
            ("<c16", DType::C128),
        ] {
            assert_eq!(parse_descr(descr).unwrap(), (dtype, false), "{descr}");
        }
        assert_eq!(parse_descr(">i4").unwrap(), (DType::I32, true));
    }

    #[test]
    fn unsupported_dtypes_are_named() {
        let e = parse_descr("<f2").unwrap_err();
        assert!(e.contains("'<f2' (float16)"), "{e}");
        assert!(parse_descr("|O").unwrap_err().contains("Python objects"));
        assert!(parse_descr("<U5").unwrap_err().contains("unicode"));
        assert!(parse_descr("<M8[ns]").unwrap_err().contains("datetime64"));
        let structured = "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}";
        assert!(parse_header(&header(structured))
            .unwrap_err()
            .contains("structured"));
    }

    #[test]
    fn malformed_headers_are_errors() {
        assert!(parse_header(b"PK\x03\x04").unwrap_err().contains("magic"));
        assert!(parse_header(b"\x93NUMPY")
            .unwrap_err()
            .contains("truncated"));
        assert!(parse_header(b"\x93NUMPY\x09\x00")
            .unwrap_err()
            .contains("version 9.0"));
        let mut short = header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}");
        short.truncate(30);
        assert!(parse_header(&short).unwrap_err().contains("truncated"));
        for bad in [
            "{'descr': '<f8', 'shape': (3,)}",
            "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': [3]}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)",
            "{'descr': '<f8' 'fortran_order': False}",
            "['descr']",
            "{'descr: '<f8'}",
            "",
        ] {
            assert!(
                parse_header(&header(bad))
                    .unwrap_err()
                    .contains("malformed"),
                "{bad}"
            );
        }
        let deep = format!("{}{}", "(".repeat(1000), ")".repeat(1000));
        assert!(parse_header(&header(&deep)).unwrap_err().contains("deeply"));
    }
}
