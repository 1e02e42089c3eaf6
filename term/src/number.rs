//! Numbers on the command line (`k=2.5`), parsed as Python would read them.
//!
//! A number given for a name is a *weak* scalar ([`vex::Scalar`]): like a Python literal in
//! NumPy 2 it takes the dtype of the arrays it meets (`float32_array * 2.5` stays float32).
//! The accepted forms are Python's: `3`, `-2`, `1_000`, `0xff`, `0o17`, `0b101`, `3.5`,
//! `1e-3`, `.5`, `inf`, `nan`, `True`, `False`, `2j`, `1.5+2j`, `(1-2j)`.

use vex::{Scalar, C128};

/// Parses `text` as a Python number; `None` when it is not one (then it names a file).
pub fn parse_number(text: &str) -> Option<Result<Scalar, String>> {
    let t = text.trim();
    match t {
        "True" | "true" => return Some(Ok(Scalar::Bool(true))),
        "False" | "false" => return Some(Ok(Scalar::Bool(false))),
        _ => {}
    }
    if let Some(r) = parse_int(t) {
        return Some(r.map(Scalar::Int));
    }
    if let Some(x) = parse_float(t) {
        return Some(Ok(Scalar::Float(x)));
    }
    parse_complex(t).map(|c| Ok(Scalar::Complex(c)))
}

/// An integer literal with an optional sign: `Some(Err)` when it is one but overflows.
fn parse_int(t: &str) -> Option<Result<i128, String>> {
    let (neg, body) = split_sign(t);
    let (radix, digits) = match body.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => (16, &body[2..]),
        Some("0o") => (8, &body[2..]),
        Some("0b") => (2, &body[2..]),
        _ => (10, body),
    };
    let digits = strip_underscores(digits)?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Parse the magnitude as u128 so that i128::MIN's magnitude fits too.
    let overflow = || Err(format!("the integer {t} is too large"));
    let Ok(mag) = u128::from_str_radix(&digits, radix) else {
        return Some(overflow());
    };
    let value = if neg {
        0i128.checked_sub_unsigned(mag)
    } else {
        i128::try_from(mag).ok()
    };
    Some(value.map_or_else(overflow, Ok))
}

/// A real literal (`3.5`, `1e-3`, `.5`, `5.`, `inf`, `nan`) with an optional sign.
fn parse_float(t: &str) -> Option<f64> {
    let (neg, body) = split_sign(t);
    let lower = body.to_ascii_lowercase();
    let mag = match lower.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => {
            let digits = strip_underscores(body)?;
            // Rust's parser also takes "inf"/"nan" spellings handled above and nothing
            // Python would reject, except that it needs a digit somewhere.
            if !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
                || !digits.chars().any(|c| c.is_ascii_digit())
            {
                return None;
            }
            digits.parse::<f64>().ok()?
        }
    };
    Some(if neg { -mag } else { mag })
}

/// A complex literal: `2j`, `-2.5j`, `1+2j`, `1.5-2e3j`, `inf+nanj`, optionally in parens.
fn parse_complex(t: &str) -> Option<C128> {
    let t = t
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(t)
        .trim();
    let body = t.strip_suffix(['j', 'J'])?;
    // The imaginary part starts at the last sign that is not an exponent's sign and not
    // the leading sign of the whole number.
    let split = body
        .char_indices()
        .filter(|&(i, c)| (c == '+' || c == '-') && i > 0 && !body[..i].ends_with(['e', 'E']))
        .map(|(i, _)| i)
        .next_back();
    match split {
        Some(i) => {
            let re = parse_real_part(&body[..i])?;
            let im = parse_real_part(&body[i..])?;
            Some(C128::new(re, im))
        }
        None => Some(C128::new(0.0, parse_real_part(body)?)),
    }
}

/// One part of a complex literal: a decimal integer or real literal, as in Python.
fn parse_real_part(t: &str) -> Option<f64> {
    parse_float(t)
}

fn split_sign(t: &str) -> (bool, &str) {
    if let Some(rest) = t.strip_prefix('-') {
        (true, rest)
    } else {
        (false, t.strip_prefix('+').unwrap_or(t))
    }
}

/// Removes Python's digit-group underscores; `None` if one is misplaced (`1__0`, `_1`, `1_`).
fn strip_underscores(t: &str) -> Option<String> {
    if t.starts_with('_') || t.ends_with('_') || t.contains("__") {
        return None;
    }
    Some(t.replace('_', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(t: &str) -> Scalar {
        parse_number(t).expect("a number").expect("in range")
    }

    #[test]
    fn integers() {
        assert_eq!(num("3"), Scalar::Int(3));
        assert_eq!(num("-2"), Scalar::Int(-2));
        assert_eq!(num("+7"), Scalar::Int(7));
        assert_eq!(num("1_000_000"), Scalar::Int(1_000_000));
        assert_eq!(num("0xff"), Scalar::Int(255));
        assert_eq!(num("0XFF"), Scalar::Int(255));
        assert_eq!(num("-0o17"), Scalar::Int(-15));
        assert_eq!(num("0b101"), Scalar::Int(5));
        assert_eq!(num("18446744073709551615"), Scalar::Int(u64::MAX as i128));
        assert_eq!(num(&i128::MIN.to_string()), Scalar::Int(i128::MIN));
    }

    #[test]
    fn huge_integers_are_errors() {
        let e = parse_number("1000000000000000000000000000000000000000000").unwrap();
        assert!(e.unwrap_err().contains("too large"));
    }

    #[test]
    fn floats() {
        assert_eq!(num("3.5"), Scalar::Float(3.5));
        assert_eq!(num("1e-3"), Scalar::Float(1e-3));
        assert_eq!(num("-1E3"), Scalar::Float(-1000.0));
        assert_eq!(num(".5"), Scalar::Float(0.5));
        assert_eq!(num("5."), Scalar::Float(5.0));
        assert_eq!(num("1_0.2_5"), Scalar::Float(10.25));
        assert_eq!(num("inf"), Scalar::Float(f64::INFINITY));
        assert_eq!(num("-inf"), Scalar::Float(f64::NEG_INFINITY));
        assert_eq!(num("Infinity"), Scalar::Float(f64::INFINITY));
        assert!(matches!(num("nan"), Scalar::Float(x) if x.is_nan()));
        assert!(matches!(num("NaN"), Scalar::Float(x) if x.is_nan()));
        assert_eq!(num("1e400"), Scalar::Float(f64::INFINITY));
    }

    #[test]
    fn bools() {
        assert_eq!(num("True"), Scalar::Bool(true));
        assert_eq!(num("False"), Scalar::Bool(false));
    }

    #[test]
    fn complex() {
        assert_eq!(num("2j"), Scalar::Complex(C128::new(0.0, 2.0)));
        assert_eq!(num("-2.5J"), Scalar::Complex(C128::new(0.0, -2.5)));
        assert_eq!(num("1.5+2j"), Scalar::Complex(C128::new(1.5, 2.0)));
        assert_eq!(num("1-2j"), Scalar::Complex(C128::new(1.0, -2.0)));
        assert_eq!(num("(1-2j)"), Scalar::Complex(C128::new(1.0, -2.0)));
        assert_eq!(num("-1e-3+1e+3j"), Scalar::Complex(C128::new(-1e-3, 1e3)));
        let Scalar::Complex(c) = num("inf+nanj") else {
            panic!("complex expected")
        };
        assert!(c.re.is_infinite() && c.im.is_nan());
    }

    #[test]
    fn non_numbers_are_file_names() {
        for t in [
            "a.npy",
            "data/x.npy",
            "",
            "-",
            "e",
            "e5",
            "j",
            "1+",
            "1__0",
            "_1",
            "1_",
            "1.2.3",
            "0x",
            "0xg",
            "1+2",
            "1+2j+3j",
            "+-1",
            "True1",
            "nanj1",
            "0x1j",
        ] {
            assert!(parse_number(t).is_none(), "{t:?} parsed as a number");
        }
    }
}
