//! NumPy-style printing of arrays: what `print(arr)` shows, plus a header line with the
//! shape and dtype (the values alone do not say whether `[1 2 3]` is int8 or uint64).
//!
//! All elements of an array share one format, so columns align; rows wrap at 75 columns;
//! arrays of more than 1000 elements are summarised with `...`, keeping the first and last
//! three entries of each long axis. A 0-d array prints as a plain scalar, as NumPy does.
//! Floats print with the shortest digits that round-trip (see [`float`]).

mod float;
#[cfg(test)]
mod tests;

use ndarray::{ArrayD, ArrayViewD, Axis};
use vex::{Array, C128, C64};

use float::{Float, FloatFormat};

/// NumPy's `threshold`: arrays with more elements than this are summarised.
const THRESHOLD: usize = 1000;
/// NumPy's `edgeitems`: entries kept at each end of a summarised axis.
const EDGE_ITEMS: usize = 3;
/// NumPy's `linewidth`.
const LINE_WIDTH: usize = 75;

/// The array as the CLI shows a result: `array(shape=(2,), dtype=int64)` and the values on
/// the next line, or just the value for a 0-d array. No trailing newline.
pub fn display(a: &Array) -> String {
    if a.ndim() == 0 {
        return format_values(a);
    }
    format!(
        "array(shape={}, dtype={})\n{}",
        shape_str(a.shape()),
        a.dtype(),
        format_values(a)
    )
}

/// The values alone, as NumPy's `str(arr)`.
pub fn format_values(a: &Array) -> String {
    match a {
        Array::Bool(a) => format_typed(a),
        Array::I8(a) => format_typed(a),
        Array::I16(a) => format_typed(a),
        Array::I32(a) => format_typed(a),
        Array::I64(a) => format_typed(a),
        Array::U8(a) => format_typed(a),
        Array::U16(a) => format_typed(a),
        Array::U32(a) => format_typed(a),
        Array::U64(a) => format_typed(a),
        Array::F32(a) => format_typed(a),
        Array::F64(a) => format_typed(a),
        Array::C64(a) => format_typed(a),
        Array::C128(a) => format_typed(a),
    }
}

/// A shape as Python writes a tuple: `()`, `(3,)`, `(2, 3)`.
pub fn shape_str(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => {
            let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
            format!("({})", dims.join(", "))
        }
    }
}

/// An element type that can be printed.
trait Printable: Clone {
    /// Formats the elements that will be shown, all with one shared format and width.
    fn format_all(shown: &[Self]) -> Vec<String>;
    /// Formats a lone value (a 0-d array).
    fn scalar(&self) -> String;
}

impl Printable for bool {
    fn format_all(shown: &[bool]) -> Vec<String> {
        // NumPy pads True so that it lines up with False.
        let t = |&b: &bool| if b { " True" } else { "False" }.to_string();
        shown.iter().map(t).collect()
    }
    fn scalar(&self) -> String {
        if *self { "True" } else { "False" }.to_string()
    }
}

macro_rules! printable_int {
    ($($t:ty),*) => {$(
        impl Printable for $t {
            fn format_all(shown: &[$t]) -> Vec<String> {
                let strs: Vec<String> = shown.iter().map(|x| x.to_string()).collect();
                let width = strs.iter().map(String::len).max().unwrap_or(0);
                strs.into_iter().map(|s| format!("{s:>width$}")).collect()
            }
            fn scalar(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
printable_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! printable_float {
    ($($t:ty),*) => {$(
        impl Printable for $t {
            fn format_all(shown: &[$t]) -> Vec<String> {
                let f = FloatFormat::new(shown, false);
                shown.iter().map(|&x| f.format(x)).collect()
            }
            fn scalar(&self) -> String {
                float::scalar(*self, false, false)
            }
        }
    )*};
}
printable_float!(f32, f64);

macro_rules! printable_complex {
    ($($t:ty => $f:ty),*) => {$(
        impl Printable for $t {
            fn format_all(shown: &[$t]) -> Vec<String> {
                let re: Vec<$f> = shown.iter().map(|z| z.re).collect();
                let im: Vec<$f> = shown.iter().map(|z| z.im).collect();
                let (fr, fi) = (FloatFormat::new(&re, false), FloatFormat::new(&im, true));
                shown.iter().map(|z| complex_element(fr.format(z.re), fi.format(z.im))).collect()
            }
            fn scalar(&self) -> String {
                complex_scalar(self.re, self.im)
            }
        }
    )*};
}
printable_complex!(C64 => f32, C128 => f64);

/// `1.+2.j` from the two parts, with the `j` before the imaginary part's padding, as NumPy.
fn complex_element(re: String, im: String) -> String {
    let end = im.trim_end().len();
    format!("{re}{}j{}", &im[..end], &im[end..])
}

/// A complex scalar as Python's `repr`: `(1+2j)`, `2j` when the real part is +0.
fn complex_scalar<T: Float>(re: T, im: T) -> String {
    let r = re.to_f64();
    if r == 0.0 && r.is_sign_positive() {
        format!("{}j", float::scalar(im, false, true))
    } else {
        format!(
            "({}{}j)",
            float::scalar(re, false, true),
            float::scalar(im, true, true)
        )
    }
}

fn format_typed<T: Printable>(a: &ArrayD<T>) -> String {
    if a.ndim() == 0 {
        return a.iter().next().map(T::scalar).unwrap_or_default();
    }
    if a.is_empty() {
        return "[]".to_string();
    }
    // Keep only what will be shown: the first and last EDGE_ITEMS of every long axis of a
    // large array, selected without copying the rest.
    let mut summarized = vec![false; a.ndim()];
    let mut reduced: Option<ArrayD<T>> = None;
    if a.len() > THRESHOLD {
        for (ax, flag) in summarized.iter_mut().enumerate() {
            let n = a.len_of(Axis(ax));
            if n > 2 * EDGE_ITEMS {
                let idx: Vec<usize> = (0..EDGE_ITEMS).chain(n - EDGE_ITEMS..n).collect();
                let from = reduced.as_ref().map_or_else(|| a.view(), |r| r.view());
                reduced = Some(from.select(Axis(ax), &idx));
                *flag = true;
            }
        }
    }
    let shown = reduced.unwrap_or_else(|| a.clone());
    let values: Vec<T> = shown.iter().cloned().collect();
    let strings = ArrayD::from_shape_vec(shown.raw_dim(), T::format_all(&values))
        .expect("one string per shown element");
    let mut index = Vec::with_capacity(a.ndim());
    Layout {
        strings: strings.view(),
        summarized: &summarized,
    }
    .recurse(&mut index, " ", LINE_WIDTH)
}

/// Nested brackets and line wrapping, a port of NumPy's `_formatArray` (`print` style:
/// separator `' '`, continuation lines indented by one space per bracket).
struct Layout<'a> {
    strings: ArrayViewD<'a, String>,
    summarized: &'a [bool],
}

impl Layout<'_> {
    fn recurse(&self, index: &mut Vec<usize>, hanging: &str, width: usize) -> String {
        let axis = index.len();
        let axes_left = self.strings.ndim() - axis;
        if axes_left == 0 {
            return self.strings[index.as_slice()].clone();
        }
        let next_hanging = format!("{hanging} ");
        let next_width = width.saturating_sub(1);
        let len = self.strings.len_of(Axis(axis));
        let summary = self.summarized[axis];
        // Positions in the shown array: all of them, or the leading and trailing edges.
        let (leading, trailing) = if summary {
            (EDGE_ITEMS, EDGE_ITEMS)
        } else {
            (0, len)
        };
        let mut item = |i: usize| {
            index.push(i);
            let s = self.recurse(index, &next_hanging, next_width);
            index.pop();
            s
        };
        let mut s = String::new();
        if axes_left == 1 {
            let elem_width = width.saturating_sub(1);
            let mut line = hanging.to_string();
            for i in 0..leading {
                extend_line(&mut s, &mut line, &item(i), elem_width, hanging);
                line.push(' ');
            }
            if summary {
                extend_line(&mut s, &mut line, "...", elem_width, hanging);
                line.push(' ');
            }
            for i in len - trailing..len - 1 {
                extend_line(&mut s, &mut line, &item(i), elem_width, hanging);
                line.push(' ');
            }
            extend_line(&mut s, &mut line, &item(len - 1), elem_width, hanging);
            s.push_str(&line);
        } else {
            let line_sep = "\n".repeat(axes_left - 1);
            for i in 0..leading {
                s.push_str(&format!("{hanging}{}{line_sep}", item(i)));
            }
            if summary {
                s.push_str(&format!("{hanging}...{line_sep}"));
            }
            for i in len - trailing..len - 1 {
                s.push_str(&format!("{hanging}{}{line_sep}", item(i)));
            }
            s.push_str(&format!("{hanging}{}", item(len - 1)));
        }
        format!("[{}]", &s[hanging.len()..])
    }
}

/// Appends `word` to `line`, first moving `line` into `s` if the word would not fit
/// (unless the line holds nothing but its indent, where wrapping would not help).
fn extend_line(s: &mut String, line: &mut String, word: &str, width: usize, prefix: &str) {
    if line.len() + word.len() > width && line.len() > prefix.len() {
        s.push_str(line.trim_end());
        s.push('\n');
        *line = prefix.to_string();
    }
    line.push_str(word);
}
