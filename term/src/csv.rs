//! Reading numeric CSV files: comma-separated numbers, one row per line, with an optional
//! header row of column names.
//!
//! Every field must be a number (as Rust and Python spell floats: `1`, `-2.5e3`, `nan`,
//! `inf`) or empty, which reads as NaN (a missing value). Blank lines are skipped; every
//! row must have as many fields as the first. The header is the first row when any of its
//! fields is not a number. Values are float64.

use std::path::Path;

use ndarray::{Array1, Array2};

/// A numeric table: column names (from the header, if there was one) and the values.
#[derive(Debug, PartialEq)]
pub struct Table {
    pub header: Option<Vec<String>>,
    /// Rows × columns.
    pub values: Array2<f64>,
}

impl Table {
    /// Column `j` as a 1-D array.
    pub fn column(&self, j: usize) -> Array1<f64> {
        self.values.column(j).to_owned()
    }
}

/// Reads a CSV file (see the module documentation).
pub fn read_csv(path: &Path) -> Result<Table, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    parse_csv(&text).map_err(|e| format!("cannot read '{}': {e}", path.display()))
}

/// Parses CSV text (see the module documentation).
pub fn parse_csv(text: &str) -> Result<Table, String> {
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, split(l)));
    let Some((first_line, first)) = rows.next() else {
        return Err("the file has no rows".into());
    };
    let width = first.len();
    let mut data = Vec::new();
    let mut header = None;
    match first
        .iter()
        .map(|f| number(f))
        .collect::<Option<Vec<f64>>>()
    {
        Some(values) => data.extend(values),
        None => header = Some(first.iter().map(|f| unquote(f).to_string()).collect()),
    }
    let mut n_rows = usize::from(header.is_none());
    for (line, fields) in rows {
        if fields.len() != width {
            return Err(format!(
                "line {line} has {} fields, line {first_line} has {width}",
                fields.len()
            ));
        }
        for (j, f) in fields.iter().enumerate() {
            let x = number(f).ok_or_else(|| {
                format!(
                    "line {line}, column {}: '{}' is not a number",
                    j + 1,
                    f.trim()
                )
            })?;
            data.push(x);
        }
        n_rows += 1;
    }
    let values = Array2::from_shape_vec((n_rows, width), data)
        .map_err(|e| format!("bad table shape: {e}"))?;
    Ok(Table { header, values })
}

fn split(line: &str) -> Vec<&str> {
    line.split(',').collect()
}

/// A field without surrounding blanks and double quotes.
fn unquote(field: &str) -> &str {
    let f = field.trim();
    f.strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(f)
}

/// A field's number; an empty field is NaN (missing).
fn number(field: &str) -> Option<f64> {
    let f = unquote(field);
    if f.is_empty() {
        return Some(f64::NAN);
    }
    f.parse::<f64>().ok()
}

/// A variable name made from a column name: letters, digits and `_`, other characters
/// replaced by `_`, and a leading `_` added where the name would start with a digit.
pub fn column_name(name: &str) -> String {
    let mut out: String = name
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn a_header_and_numbers() {
        let t = parse_csv("time, \"temp (C)\"\n0, 20.5\n\n1,nan\n2,\n").unwrap();
        assert_eq!(t.header, Some(vec!["time".into(), "temp (C)".into()]));
        assert_eq!(t.values.shape(), [3, 2]);
        assert_eq!(t.column(0), array![0.0, 1.0, 2.0]);
        assert!(t.values[[1, 1]].is_nan() && t.values[[2, 1]].is_nan());
        assert_eq!(column_name("temp (C)"), "temp__C_");
        assert_eq!(column_name("2nd"), "_2nd");
    }

    #[test]
    fn no_header() {
        let t = parse_csv("1,2\n3,4e1\n").unwrap();
        assert_eq!(t.header, None);
        assert_eq!(t.values, array![[1.0, 2.0], [3.0, 40.0]]);
    }

    #[test]
    fn ragged_rows_and_words_are_errors() {
        assert_eq!(
            parse_csv("a,b\n1,2\n3\n").unwrap_err(),
            "line 3 has 1 fields, line 1 has 2"
        );
        assert_eq!(
            parse_csv("a,b\n1,x\n").unwrap_err(),
            "line 2, column 2: 'x' is not a number"
        );
        assert!(parse_csv("\n\n").is_err());
    }
}
