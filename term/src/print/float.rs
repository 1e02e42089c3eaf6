//! Floating-point formatting as NumPy prints it, with shortest round-trip digits.
//!
//! NumPy's `print(arr)` rounds to 8 significant digits; vex prints every value with the
//! fewest digits that read back to the same float (what NumPy does for scalars), so that
//! printed results are exact. Everything else follows NumPy's `FloatingFormat`: one
//! format for the whole array, positional or scientific, aligned on the decimal point.

use std::fmt::LowerExp;

/// The float types vex prints: f32 and f64.
pub trait Float: Copy + LowerExp + PartialOrd {
    /// NumPy's threshold at or above which an array switches to scientific notation:
    /// `10 ** min(8, finfo.precision)`.
    const EXP_CUTOFF: f64;
    /// The magnitude at or above which a scalar is printed in scientific notation.
    const SCALAR_CUTOFF: f64;
    fn to_f64(self) -> f64;
    /// `x` rounded to this type, so that comparisons happen in the array's precision,
    /// as NumPy compares a float32 array with a Python float.
    fn from_f64(x: f64) -> Self;
    fn abs(self) -> Self;
    fn is_finite(self) -> bool;
}

impl Float for f32 {
    const EXP_CUTOFF: f64 = 1e6;
    const SCALAR_CUTOFF: f64 = 1e6;
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    fn abs(self) -> Self {
        f32::abs(self)
    }
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
}

impl Float for f64 {
    const EXP_CUTOFF: f64 = 1e8;
    const SCALAR_CUTOFF: f64 = 1e16;
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(x: f64) -> Self {
        x
    }
    fn abs(self) -> Self {
        f64::abs(self)
    }
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}

/// The shortest round-trip digits of a finite `|x|`: `(digits, exp)` with
/// `|x| = 0.d1d2d3… × 10^(exp+1)`, i.e. `d1.d2d3… × 10^exp`. Zero is `("0", 0)`.
fn digits<T: Float>(x: T) -> (String, i32) {
    let s = format!("{:e}", x.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

fn sign_str(negative: bool, plus: bool) -> &'static str {
    match (negative, plus) {
        (true, _) => "-",
        (false, true) => "+",
        (false, false) => "",
    }
}

/// Digits NumPy prints for array elements by default (`precision=8`, `floatmode='maxprec'`):
/// at most this many after the point, fewer when fewer already identify the value.
pub const ARRAY_PRECISION: usize = 8;

/// Positional notation split at the point: `("-12", "5")` for -12.5; `("1", "")` for 1.
/// With `precision`, at most that many fractional digits (rounded, trailing zeros dropped).
fn positional<T: Float>(x: T, plus: bool, precision: Option<usize>) -> (String, String) {
    let sign = sign_str(x.to_f64().is_sign_negative(), plus);
    if let Some(p) = precision {
        let (d, exp) = digits(x);
        // Only round when the shortest digits are longer than the precision allows.
        let frac_len = (d.len() as i32 - exp - 1).max(0) as usize;
        if frac_len > p {
            let s = format!("{:.p$}", x.abs().to_f64());
            let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
            return (
                format!("{sign}{int}"),
                frac.trim_end_matches('0').to_string(),
            );
        }
    }
    let (d, exp) = digits(x);
    if exp >= 0 {
        let point = exp as usize + 1;
        if d.len() <= point {
            let zeros = "0".repeat(point - d.len());
            (format!("{sign}{d}{zeros}"), String::new())
        } else {
            (format!("{sign}{}", &d[..point]), d[point..].to_string())
        }
    } else {
        let zeros = "0".repeat((-exp - 1) as usize);
        (format!("{sign}0"), format!("{zeros}{d}"))
    }
}

/// Scientific notation in parts: `("-1", "25", -3)` for -1.25e-03. With `precision`, at most
/// that many mantissa digits after the point.
fn scientific<T: Float>(x: T, plus: bool, precision: Option<usize>) -> (String, String, i32) {
    let sign = sign_str(x.to_f64().is_sign_negative(), plus);
    let (d, exp) = digits(x);
    if let Some(p) = precision {
        if d.len() > p + 1 {
            let s = format!("{:.p$e}", x.abs().to_f64());
            let (mantissa, e) = s.split_once('e').unwrap_or((&s, "0"));
            let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
            let frac = frac.trim_end_matches('0').to_string();
            return (format!("{sign}{int}"), frac, e.parse().unwrap_or(exp));
        }
    }
    (format!("{sign}{}", &d[..1]), d[1..].to_string(), exp)
}

fn exponent(exp: i32, width: usize) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("e{sign}{:0width$}", exp.unsigned_abs())
}

/// One format shared by all printed elements of an array, as NumPy's `FloatingFormat`.
#[derive(Clone, Debug)]
pub struct FloatFormat {
    /// Always print a sign (the imaginary part of a complex number).
    plus: bool,
    exp_format: bool,
    pad_left: usize,
    pad_right: usize,
    /// Digits after the point in scientific notation (all mantissas get as many).
    precision: usize,
    exp_digits: usize,
}

impl FloatFormat {
    /// The format that fits every value in `values` (the elements that will be printed).
    pub fn new<T: Float>(values: &[T], plus: bool) -> FloatFormat {
        let finite: Vec<T> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let zero = T::from_f64(0.0);
        let nonzero: Vec<T> = finite
            .iter()
            .map(|x| x.abs())
            .filter(|&x| x != zero)
            .collect();
        let mut f = FloatFormat {
            plus,
            exp_format: false,
            pad_left: 0,
            pad_right: 0,
            precision: 0,
            exp_digits: 2,
        };
        if let (Some(&max), Some(&min)) = (
            nonzero
                .iter()
                .max_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)),
            nonzero
                .iter()
                .min_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)),
        ) {
            let ratio = T::from_f64(max.to_f64() / min.to_f64());
            f.exp_format = max >= T::from_f64(T::EXP_CUTOFF)
                || min < T::from_f64(1e-4)
                || ratio > T::from_f64(1000.0);
        }
        if finite.is_empty() {
            // Only NaN and infinities: no digits to align.
        } else if f.exp_format {
            for &x in &finite {
                let (int, frac, exp) = scientific(x, plus, Some(ARRAY_PRECISION));
                f.pad_left = f.pad_left.max(int.len());
                f.precision = f.precision.max(frac.len());
                f.exp_digits = f.exp_digits.max(exp.unsigned_abs().to_string().len());
            }
            f.pad_right = f.exp_digits + 2 + f.precision;
        } else {
            for &x in &finite {
                let (int, frac) = positional(x, plus, Some(ARRAY_PRECISION));
                f.pad_left = f.pad_left.max(int.len());
                f.pad_right = f.pad_right.max(frac.len());
            }
        }
        if finite.len() != values.len() {
            let neg_inf = plus || values.iter().any(|&x| !x.is_finite() && x < zero);
            let offset = f.pad_right + 1;
            f.pad_left = f
                .pad_left
                .max(3usize.saturating_sub(offset))
                .max((3 + usize::from(neg_inf)).saturating_sub(offset));
        }
        f
    }

    /// Formats one element to the common width.
    pub fn format<T: Float>(&self, x: T) -> String {
        if !x.is_finite() {
            let text = non_finite(x, self.plus);
            let width = self.pad_left + self.pad_right + 1;
            return format!("{text:>width$}");
        }
        let (pl, pr) = (self.pad_left, self.pad_right);
        if self.exp_format {
            let (int, frac, exp) = scientific(x, self.plus, Some(ARRAY_PRECISION));
            let p = self.precision;
            format!("{int:>pl$}.{frac:0<p$}{}", exponent(exp, self.exp_digits))
        } else {
            let (int, frac) = positional(x, self.plus, Some(ARRAY_PRECISION));
            format!("{int:>pl$}.{frac:<pr$}")
        }
    }
}

fn non_finite<T: Float>(x: T, plus: bool) -> String {
    let v = x.to_f64();
    if v.is_nan() {
        format!("{}nan", if plus { "+" } else { "" })
    } else {
        format!("{}inf", sign_str(v < 0.0, plus))
    }
}

/// A float alone, as NumPy prints a scalar (and Python's `repr`): `1.0`, `0.1`, `1e-05`,
/// `1e+16`, `nan`, `-inf`. `trim_zero` drops the `.0` of whole numbers, as the parts of a
/// complex number are printed (`(1+2j)`).
pub fn scalar<T: Float>(x: T, plus: bool, trim_zero: bool) -> String {
    if !x.is_finite() {
        return non_finite(x, plus);
    }
    let a = x.to_f64().abs();
    if a == 0.0 || (1e-4..T::SCALAR_CUTOFF).contains(&a) {
        let (int, frac) = positional(x, plus, None);
        match (frac.is_empty(), trim_zero) {
            (true, true) => int,
            (true, false) => format!("{int}.0"),
            (false, _) => format!("{int}.{frac}"),
        }
    } else {
        let (int, frac, exp) = scientific(x, plus, None);
        let point = if frac.is_empty() { "" } else { "." };
        format!("{int}{point}{frac}{}", exponent(exp, 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all<T: Float>(values: &[T]) -> Vec<String> {
        let f = FloatFormat::new(values, false);
        values.iter().map(|&x| f.format(x)).collect()
    }

    #[test]
    fn positional_alignment_matches_numpy() {
        assert_eq!(all(&[1.5, 2.0, 3.0]), ["1.5", "2. ", "3. "]);
        assert_eq!(all(&[-0.0, 1.0]), ["-0.", " 1."]);
        assert_eq!(all(&[0.0, 0.0]), ["0.", "0."]);
        assert_eq!(all(&[123456.5]), ["123456.5"]);
        // At most 8 digits after the point, as NumPy prints arrays.
        assert_eq!(all(&[0.1 + 0.2]), ["0.3"]);
        assert_eq!(all(&[2f64.sqrt(), 1.0]), ["1.41421356", "1.        "]);
        assert_eq!(
            all(&[1.0 / 3.0 * 1e-6, 1.0]),
            ["3.33333333e-07", "1.00000000e+00"]
        );
        assert_eq!(all(&[0.1f32, 1.0]), ["0.1", "1. "]);
    }

    #[test]
    fn scientific_when_numpy_switches() {
        assert_eq!(all(&[1.0, 2000.0]), ["1.e+00", "2.e+03"]);
        assert_eq!(all(&[1e-5, 1.5]), ["1.0e-05", "1.5e+00"]);
        assert_eq!(all(&[1e300, -1e-300]), [" 1.e+300", "-1.e-300"]);
        assert_eq!(all(&[1e6f32, 2.0]), ["1.e+06", "2.e+00"]);
        assert_eq!(all(&[1e6f64, 2.0]), ["1.e+06", "2.e+00"]);
        assert_eq!(all(&[1e7f64]), ["10000000."]);
        assert_eq!(all(&[1e8f64]), ["1.e+08"]);
        // A float32 0.0001 is not below the float32 threshold.
        assert_eq!(all(&[0.0001f32]), ["0.0001"]);
    }

    #[test]
    fn non_finite_values_are_right_aligned() {
        assert_eq!(all(&[f64::NAN, f64::NEG_INFINITY]), [" nan", "-inf"]);
        assert_eq!(all(&[f64::NAN, f64::INFINITY, 1.5]), ["nan", "inf", "1.5"]);
        assert_eq!(all(&[f64::NAN, 1e-5]), ["   nan", "1.e-05"]);
        assert_eq!(all(&[f64::INFINITY, -1e10]), ["    inf", "-1.e+10"]);
    }

    #[test]
    fn scalars_print_like_python() {
        assert_eq!(scalar(1.5f64, false, false), "1.5");
        assert_eq!(scalar(1.0f64, false, false), "1.0");
        assert_eq!(scalar(-0.0f64, false, false), "-0.0");
        assert_eq!(scalar(1e16f64, false, false), "1e+16");
        assert_eq!(scalar(9.999999e15f64, false, false), "9999999000000000.0");
        assert_eq!(scalar(1e-5f64, false, false), "1e-05");
        assert_eq!(scalar(1.25e-7f64, false, false), "1.25e-07");
        assert_eq!(scalar(1e-320f64, false, false), "1e-320");
        assert_eq!(scalar(0.1f32, false, false), "0.1");
        assert_eq!(scalar(1e6f32, false, false), "1e+06");
        assert_eq!(scalar(999999.0f32, false, false), "999999.0");
        assert_eq!(scalar(0.0001f32, false, false), "1e-04");
        assert_eq!(scalar(f64::NAN, false, false), "nan");
        assert_eq!(scalar(f64::NEG_INFINITY, false, false), "-inf");
        assert_eq!(scalar(2.0f64, true, true), "+2");
        assert_eq!(scalar(f64::NAN, true, true), "+nan");
    }
}
