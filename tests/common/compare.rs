//! Comparing vex's results with the corpus's expected ones, under a case's [`Tol`].

use ndarray::ArrayD;
use vex::{Array, C128, C64};

use super::corpus::Tol;

/// An element type as the comparison sees it.
pub trait Elem: Copy {
    /// Whether `got` is acceptably close to `expected`.
    fn close(expected: Self, got: Self, tol: &Tol) -> bool;
    /// The value as the corpus writes it.
    fn show(self) -> String;
}

macro_rules! exact_elem {
    ($($t:ty),*) => {$(
        impl Elem for $t {
            fn close(expected: Self, got: Self, _: &Tol) -> bool {
                expected == got
            }
            fn show(self) -> String {
                self.to_string()
            }
        }
    )*};
}
exact_elem!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Elem for bool {
    fn close(expected: Self, got: Self, _: &Tol) -> bool {
        expected == got
    }
    fn show(self) -> String {
        if self { "True" } else { "False" }.to_string()
    }
}

/// f32 and f64, through f64 and their bit patterns.
pub trait Float: Copy + std::fmt::Debug {
    const EPS: f64;
    fn wide(self) -> f64;
    /// The position of the value on the line of representable values, so that adjacent
    /// floats differ by one (+0.0 and -0.0 are the same point).
    fn ordinal(self) -> i64;
}

impl Float for f32 {
    const EPS: f64 = f32::EPSILON as f64;
    fn wide(self) -> f64 {
        self as f64
    }
    fn ordinal(self) -> i64 {
        let b = self.to_bits();
        let mag = (b & 0x7fff_ffff) as i64;
        if b >> 31 == 1 {
            -mag
        } else {
            mag
        }
    }
}

impl Float for f64 {
    const EPS: f64 = f64::EPSILON;
    fn wide(self) -> f64 {
        self
    }
    fn ordinal(self) -> i64 {
        let b = self.to_bits();
        let mag = (b & 0x7fff_ffff_ffff_ffff) as i64;
        if b >> 63 == 1 {
            -mag
        } else {
            mag
        }
    }
}

/// Units in the last place between two finite floats.
pub fn ulp_distance<F: Float>(a: F, b: F) -> u64 {
    a.ordinal().abs_diff(b.ordinal())
}

/// The float rule: NaN matches NaN, infinities match exactly, and finite values match
/// within `tol.ulp` ULP or the absolute/relative allowances (`scale` is the magnitude the
/// complex allowance is relative to; 0 for real numbers). With the strictest tolerances
/// (at most 1 ULP and nothing else) the sign of zero must match too.
pub fn float_close<F: Float>(expected: F, got: F, tol: &Tol, scale: f64) -> bool {
    let (e, g) = (expected.wide(), got.wide());
    if e.is_nan() || g.is_nan() {
        return e.is_nan() && g.is_nan();
    }
    if e.is_infinite() || g.is_infinite() {
        return e == g;
    }
    let strict = tol.cplx == 0.0 && tol.atol == 0.0 && tol.rtol == 0.0 && tol.ulp <= 1;
    if strict && e == 0.0 && g == 0.0 {
        return e.is_sign_negative() == g.is_sign_negative();
    }
    if ulp_distance(expected, got) <= tol.ulp {
        return true;
    }
    let allowed = tol.atol + tol.rtol * e.abs() + tol.cplx * F::EPS * scale;
    (e - g).abs() <= allowed
}

impl Elem for f32 {
    fn close(expected: Self, got: Self, tol: &Tol) -> bool {
        float_close(expected, got, tol, 0.0)
    }
    fn show(self) -> String {
        show_float(self.wide(), format!("{self:?}"))
    }
}

impl Elem for f64 {
    fn close(expected: Self, got: Self, tol: &Tol) -> bool {
        float_close(expected, got, tol, 0.0)
    }
    fn show(self) -> String {
        show_float(self, format!("{self:?}"))
    }
}

fn show_float(x: f64, debug: String) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        debug
    }
}

/// Complex numbers compare per component; the `cplx` allowance is relative to the
/// expected magnitude, since a component can be tiny next to the other one.
fn complex_close<F: Float>(e: (F, F), g: (F, F), tol: &Tol) -> bool {
    let scale = e.0.wide().hypot(e.1.wide());
    let scale = if scale.is_finite() { scale } else { 0.0 };
    float_close(e.0, g.0, tol, scale) && float_close(e.1, g.1, tol, scale)
}

fn show_complex(re: String, im: String) -> String {
    if im.starts_with('-') {
        format!("{re}{im}j")
    } else {
        format!("{re}+{im}j")
    }
}

impl Elem for C64 {
    fn close(expected: Self, got: Self, tol: &Tol) -> bool {
        complex_close((expected.re, expected.im), (got.re, got.im), tol)
    }
    fn show(self) -> String {
        show_complex(self.re.show(), self.im.show())
    }
}

impl Elem for C128 {
    fn close(expected: Self, got: Self, tol: &Tol) -> bool {
        complex_close((expected.re, expected.im), (got.re, got.im), tol)
    }
    fn show(self) -> String {
        show_complex(self.re.show(), self.im.show())
    }
}

/// Checks dtype, shape and values of one output; the message says what differs first.
pub fn compare_array(expected: &Array, got: &Array, tol: &Tol) -> Result<(), String> {
    if expected.dtype() != got.dtype() {
        return Err(format!(
            "dtype: expected {}, got {}",
            expected.dtype(),
            got.dtype()
        ));
    }
    if expected.shape() != got.shape() {
        return Err(format!(
            "shape: expected {:?}, got {:?}",
            expected.shape(),
            got.shape()
        ));
    }
    macro_rules! arms {
        ($($v:ident),*) => {
            match (expected, got) {
                $((Array::$v(e), Array::$v(g)) => compare_values(e, g, tol),)*
                _ => unreachable!("dtypes are equal"),
            }
        };
    }
    arms!(Bool, I8, I16, I32, I64, U8, U16, U32, U64, F32, F64, C64, C128)
}

fn compare_values<T: Elem>(e: &ArrayD<T>, g: &ArrayD<T>, tol: &Tol) -> Result<(), String> {
    let bad = e
        .iter()
        .zip(g.iter())
        .position(|(&x, &y)| !T::close(x, y, tol));
    match bad {
        None => Ok(()),
        Some(flat) => {
            let x = *e.iter().nth(flat).expect("in range");
            let y = *g.iter().nth(flat).expect("in range");
            let nbad = e
                .iter()
                .zip(g.iter())
                .filter(|(&x, &y)| !T::close(x, y, tol))
                .count();
            Err(format!(
                "values differ at {:?} (flat {flat}; {nbad} of {} differ, tol {tol}): expected {}, got {}\n      expected: {}\n      got:      {}",
                unravel(flat, e.shape()),
                e.len(),
                x.show(),
                y.show(),
                show_all(e),
                show_all(g)
            ))
        }
    }
}

/// The values of an array in C order, at most 64 of them.
pub fn show_all<T: Elem>(a: &ArrayD<T>) -> String {
    let mut parts: Vec<String> = a.iter().take(64).map(|x| x.show()).collect();
    if a.len() > 64 {
        parts.push(format!("… ({} more)", a.len() - 64));
    }
    format!("[{}]", parts.join(" "))
}

/// A whole array as the corpus writes it: `float32 (2,3) [...]`.
pub fn describe(a: &Array) -> String {
    macro_rules! arms {
        ($($v:ident),*) => {
            match a { $(Array::$v(x) => show_all(x),)* }
        };
    }
    let shape: Vec<String> = a.shape().iter().map(|d| d.to_string()).collect();
    let shape = if shape.len() == 1 {
        format!("({},)", shape[0])
    } else {
        format!("({})", shape.join(","))
    };
    format!(
        "{} {shape} {}",
        a.dtype(),
        arms!(Bool, I8, I16, I32, I64, U8, U16, U32, U64, F32, F64, C64, C128)
    )
}

fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; shape.len()];
    for (i, &d) in shape.iter().enumerate().rev() {
        if d > 0 {
            idx[i] = flat % d;
            flat /= d;
        }
    }
    idx
}
