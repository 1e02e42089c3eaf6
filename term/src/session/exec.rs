//! What each `:command` does to a session.

use std::path::Path;
use std::time::{Duration, Instant};

use vex::{Array, Scalar, Signature, Value};

use super::command::Command;
use super::{help, operands, CellError, Outcome, Output, Session};
use crate::bindings::is_identifier;
use crate::print::shape_str;
use crate::{csv, npy};

/// `:time` runs an expression for about this long in all…
const TIME_BUDGET: Duration = Duration::from_millis(500);
/// …at least this many times (after one warm-up run)…
const TIME_MIN_RUNS: usize = 3;
/// …and at most this many.
const TIME_MAX_RUNS: usize = 1000;
/// A warm-up run this slow is timed once more, not three times.
const TIME_SLOW_RUN: Duration = Duration::from_secs(1);

impl Command {
    /// The command as a user types it, and the offset of its expression (if any) in that
    /// text, for the log of a command given as an event.
    pub fn text(&self) -> (String, usize) {
        let plain = |s: String| (s, 0);
        match self {
            Command::Help(None) => plain(":help".into()),
            Command::Help(Some(t)) => plain(format!(":help {t}")),
            Command::Vars => plain(":vars".into()),
            Command::Del(names) => plain(format!(":del {}", names.join(" "))),
            Command::Load { path, name: None } => plain(format!(":load {}", path.display())),
            Command::Load {
                path,
                name: Some(n),
            } => plain(format!(":load {} as {n}", path.display())),
            Command::Save { name, path } => plain(format!(":save {name} {}", path.display())),
            Command::SaveNotebook(path) => plain(format!(":save {}", path.display())),
            Command::Open(path) => plain(format!(":open {}", path.display())),
            Command::SavePlot { cell: None, path } => {
                plain(format!(":saveplot {}", path.display()))
            }
            Command::SavePlot {
                cell: Some(n),
                path,
            } => plain(format!(":saveplot {n} {}", path.display())),
            Command::Time(e) => (format!(":time {e}"), ":time ".len()),
            Command::Explain(e) => (format!(":explain {e}"), ":explain ".len()),
            Command::Backend(None) => plain(":backend".into()),
            Command::Backend(Some(b)) => plain(format!(":backend {}", b.name())),
            Command::Threads(None) => plain(":threads".into()),
            Command::Threads(Some(n)) => plain(format!(":threads {n}")),
            Command::Plots(None) => plain(":plots".into()),
            Command::Plots(Some(m)) => plain(format!(":plots {}", m.name())),
            Command::Clear => plain(":clear".into()),
            Command::Quit => plain(":quit".into()),
        }
    }
}

impl Session {
    /// Runs a command other than `:clear` and `:quit` (which act on the log itself). The
    /// expression of `:time` and `:explain` starts `offset` bytes into the input.
    pub(super) fn run_command(&mut self, command: Command, offset: usize) -> Outcome {
        match command {
            Command::Help(topic) => match help::help(topic.as_deref()) {
                Ok(text) => Outcome::text(text),
                Err(e) => Outcome::error(CellError::plain(e)),
            },
            Command::Vars => Outcome::text(self.vars_table()),
            Command::Del(names) => self.delete(&names),
            Command::Load { path, name } => self.load(&path, name),
            Command::Save { name, path } => self.save(&name, &path),
            Command::SaveNotebook(path) => self.save_notebook(&path),
            Command::SavePlot { cell, path } => self.save_plot(cell, &path),
            Command::Time(expr) => self.time(&expr, offset),
            Command::Explain(expr) => {
                let vars = operands(&self.vars);
                let ctx = self.engine.context(&self.settings);
                match ctx
                    .compile(&expr, &Signature::of(&vars))
                    .and_then(|p| p.explain(&vars))
                {
                    Ok(ir) => Outcome::text(ir.trim_end()),
                    Err(e) => Outcome::error(CellError::from_vex(&e, offset)),
                }
            }
            Command::Backend(choice) => {
                if let Some(b) = choice {
                    self.settings.backend = b;
                }
                Outcome::text(format!("backend: {}", self.settings.backend.name()))
            }
            Command::Threads(n) => {
                let now = match n {
                    Some(n) => {
                        self.settings.threads = Some(n);
                        self.engine.context(&self.settings);
                        vex::threads()
                    }
                    None => vex::threads(),
                };
                Outcome::text(format!("threads: {now}"))
            }
            Command::Plots(mode) => {
                if let Some(m) = mode {
                    self.settings.plots = m;
                }
                Outcome::text(format!("plots: {}", self.settings.plots.name()))
            }
            // These act on the log itself, in `Session::handle`.
            Command::Clear | Command::Quit | Command::Open(_) => Outcome::default(),
        }
    }

    /// `:vars`: one row per variable, columns aligned.
    fn vars_table(&self) -> String {
        if self.vars.is_empty() {
            return "no variables".into();
        }
        let mut rows = vec![[
            "name".to_string(),
            "shape".into(),
            "dtype".into(),
            "memory".into(),
        ]];
        for (name, value) in &self.vars {
            rows.push(match value {
                Value::Array(a) => [
                    name.clone(),
                    shape_str(a.shape()),
                    a.dtype().name().into(),
                    bytes(a.len() * a.dtype().size()),
                ],
                Value::Scalar(s) => [name.clone(), "()".into(), weak_kind(s), "-".into()],
            });
        }
        let widths: Vec<usize> = (0..4)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        let lines: Vec<String> = rows
            .iter()
            .map(|r| {
                let cells: Vec<String> = r
                    .iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(c, (text, &w))| match c {
                        3 => format!("{text:>w$}"),
                        _ => format!("{text:<w$}"),
                    })
                    .collect();
                cells.join("  ").trim_end().to_string()
            })
            .collect();
        lines.join("\n")
    }

    /// `:del`: all the names or none.
    fn delete(&mut self, names: &[String]) -> Outcome {
        if let Some(missing) = names.iter().find(|n| !self.vars.contains_key(*n)) {
            return self.unknown(missing);
        }
        for n in names {
            self.vars.remove(n);
        }
        Outcome::text(format!("deleted {}", names.join(", ")))
    }

    /// `:load FILE [as NAME]`: a .npy file, or a numeric CSV file.
    fn load(&mut self, path: &Path, name: Option<String>) -> Outcome {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let loaded = match extension.as_deref() {
            Some("csv") => load_csv(path, name),
            Some("npz") => load_npz(path, name),
            _ => stem_or(path, name).and_then(|name| Ok(vec![(name, npy::read_npy(path)?)])),
        };
        let arrays = match loaded {
            Ok(arrays) => arrays,
            Err(e) => return Outcome::error(CellError::plain(e)),
        };
        let mut lines = Vec::new();
        let mut bound = Vec::new();
        for (name, a) in arrays {
            lines.push(format!(
                "{name}: shape {}, {} from {}",
                shape_str(a.shape()),
                a.dtype(),
                path.display()
            ));
            self.vars.insert(name.clone(), Value::Array(a));
            bound.push(name);
        }
        Outcome {
            bound,
            ..Outcome::text(lines.join("\n"))
        }
    }

    /// `:save NAME FILE.npy`.
    fn save(&self, name: &str, path: &Path) -> Outcome {
        let Some(value) = self.vars.get(name) else {
            return self.unknown(name);
        };
        let array = match value {
            Value::Array(a) => a.clone(),
            Value::Scalar(s) => scalar_array(s),
        };
        match npy::write_all(&[(path.to_path_buf(), &array)]) {
            Ok(()) => Outcome::text(format!(
                "saved {name} (shape {}, {}) to {}",
                shape_str(array.shape()),
                array.dtype(),
                path.display()
            )),
            Err(e) => Outcome::error(CellError::plain(e)),
        }
    }

    /// `:save FILE.md`: the log as a notebook, its plots as PNG files beside it.
    fn save_notebook(&self, path: &Path) -> Outcome {
        match crate::notebook::save(&self.cells, path) {
            Ok(saved) => Outcome::text(saved.to_string()),
            Err(e) => Outcome::error(CellError::plain(e)),
        }
    }

    /// `:saveplot [N] FILE.png`: the last plot of cell N, or the last plot of the log.
    fn save_plot(&self, number: Option<u64>, path: &Path) -> Outcome {
        fn plots_of(c: &super::Cell) -> Option<(u64, &crate::plot::PlotSpec)> {
            c.outputs.iter().rev().find_map(|o| match o {
                Output::Plot(p) => Some((c.number, p)),
                _ => None,
            })
        }
        let found = match number {
            Some(n) => match self.cells.iter().find(|c| c.number == n) {
                Some(c) => plots_of(c).ok_or_else(|| format!("cell {n} has no plot")),
                None => Err(format!("there is no cell {n} in the log")),
            },
            None => self
                .cells
                .iter()
                .rev()
                .find_map(plots_of)
                .ok_or_else(|| "there is no plot in the log yet".to_string()),
        };
        let (n, spec) = match found {
            Ok(f) => f,
            Err(e) => return Outcome::error(CellError::plain(e)),
        };
        let size = crate::plot::raster::DEFAULT_SIZE;
        match crate::plot::raster::save(spec, path, size) {
            Ok(()) => Outcome::text(format!(
                "saved the plot of cell {n} ({}x{} PNG) to {}",
                size.0,
                size.1,
                path.display()
            )),
            Err(e) => Outcome::error(CellError::plain(e)),
        }
    }

    /// The error for a name that is not a variable, with a suggestion.
    fn unknown(&self, name: &str) -> Outcome {
        let mut e = CellError::plain(format!("no variable named '{name}'"));
        e.help = vex_expr::error::did_you_mean(name, self.vars.keys().map(String::as_str))
            .map(|s| format!("did you mean '{s}'?"));
        Outcome::error(e)
    }

    /// `:time EXPR`: a warm-up run, then repeated runs; the median and the cost per point
    /// the kernels iterate over.
    fn time(&mut self, expr: &str, offset: usize) -> Outcome {
        let vars = operands(&self.vars);
        let ctx = self.engine.context(&self.settings);
        let fail = |e: vex::Error| Outcome::error(CellError::from_vex(&e, offset));
        let program = match ctx.compile(expr, &Signature::of(&vars)) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        let points: usize = match program.lower(&vars) {
            Ok(ir) => ir
                .kernels
                .iter()
                .map(|k| k.shape.iter().product::<usize>())
                .sum(),
            Err(e) => return fail(e),
        };
        // Every run under one control: a cancel stops the whole `:time`.
        let evaluation = self.interrupt.begin();
        let run = || -> Result<Duration, vex::Error> {
            let start = Instant::now();
            program.run_with(&vars, &evaluation.control)?;
            Ok(start.elapsed())
        };
        let warm = match run() {
            Ok(t) => t,
            Err(e) => return fail(e),
        };
        let runs = if warm >= TIME_SLOW_RUN {
            1
        } else {
            let fit = TIME_BUDGET.as_secs_f64() / warm.as_secs_f64().max(1e-9);
            (fit as usize).clamp(TIME_MIN_RUNS, TIME_MAX_RUNS)
        };
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            match run() {
                Ok(t) => times.push(t),
                Err(e) => return fail(e),
            }
        }
        times.sort();
        let median = times[times.len() / 2];
        let mut text = format!(
            "{} median of {runs} run{} (min {}, max {})",
            duration(median),
            if runs == 1 { "" } else { "s" },
            duration(times[0]),
            duration(times[times.len() - 1]),
        );
        if points > 0 {
            let per = median.as_secs_f64() * 1e9 / points as f64;
            text.push_str(&format!("\n{per:.3} ns per element ({points} elements)"));
        }
        Outcome::text(text)
    }
}

/// `name`, or else the file's stem if it is a valid variable name.
fn stem_or(path: &Path, name: Option<String>) -> Result<String, String> {
    if let Some(n) = name {
        return Ok(n);
    }
    match path.file_stem().and_then(|s| s.to_str()) {
        Some(stem) if is_identifier(stem) => Ok(stem.to_string()),
        _ => Err(format!(
            "'{}' does not make a variable name; write :load {} as NAME",
            path.display(),
            path.display()
        )),
    }
}

/// A CSV file as variables: one float64 column each, named by the header, or (without a
/// header, or with `as NAME`) the whole table as one 2-D array.
fn load_csv(path: &Path, name: Option<String>) -> Result<Vec<(String, Array)>, String> {
    let table = csv::read_csv(path)?;
    let header = match (&table.header, &name) {
        (Some(h), None) => h,
        _ => return Ok(vec![(stem_or(path, name)?, table.values.into_dyn().into())]),
    };
    let names: Vec<String> = header.iter().map(|h| csv::column_name(h)).collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(format!(
                "two columns of '{}' make the variable name '{n}'; write :load {} as NAME \
                 for the whole table",
                path.display(),
                path.display()
            ));
        }
    }
    Ok(names
        .into_iter()
        .enumerate()
        .map(|(j, n)| (n, table.column(j).into_dyn().into()))
        .collect())
}

/// An .npz file's arrays, named by their keys; `as NAME` only for a single array.
fn load_npz(path: &Path, name: Option<String>) -> Result<Vec<(String, Array)>, String> {
    let mut arrays = npy::read_npz(path)?;
    if let Some(name) = name {
        return match arrays.len() {
            1 => Ok(vec![(name, arrays.remove(0).1)]),
            n => Err(format!(
                "'{}' holds {n} arrays, bound by their own names: write :load {}",
                path.display(),
                path.display()
            )),
        };
    }
    if let Some((key, _)) = arrays.iter().find(|(k, _)| !is_identifier(k)) {
        return Err(format!(
            "the array '{key}' in '{}' does not have a variable name",
            path.display()
        ));
    }
    Ok(arrays)
}

/// A weak scalar's kind as `:vars` shows it.
fn weak_kind(s: &Scalar) -> String {
    let kind = match s {
        Scalar::Bool(_) => "bool",
        Scalar::Int(_) => "int",
        Scalar::Float(_) => "float",
        Scalar::Complex(_) => "complex",
    };
    format!("{kind} (weak)")
}

/// A weak scalar as a 0-d array of its kind's default dtype (int64, float64, complex128).
fn scalar_array(s: &Scalar) -> Array {
    match *s {
        Scalar::Bool(b) => ndarray::arr0(b).into(),
        // An int beyond int64 cannot come from a cell (its value was computed as int64).
        Scalar::Int(i) => ndarray::arr0(i64::try_from(i).unwrap_or(i64::MAX)).into(),
        Scalar::Float(x) => ndarray::arr0(x).into(),
        Scalar::Complex(z) => ndarray::arr0(z).into(),
    }
}

/// A byte count for people: `800 B`, `7.6 KiB`, `7.6 MiB`.
fn bytes(n: usize) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut x = n as f64;
    let mut unit = 0;
    while x >= 1024.0 && unit + 1 < UNITS.len() {
        x /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{x:.1} {}", UNITS[unit])
    }
}

/// A duration with three significant digits: `812 ns`, `4.21 µs`, `12.3 ms`, `1.50 s`.
pub fn duration(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    let (value, unit) = match ns {
        n if n < 1e3 => (n, "ns"),
        n if n < 1e6 => (n / 1e3, "µs"),
        n if n < 1e9 => (n / 1e6, "ms"),
        n => (n / 1e9, "s"),
    };
    let digits = match value {
        v if v < 10.0 => 2,
        v if v < 100.0 => 1,
        _ => 0,
    };
    format!("{value:.digits$} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_well() {
        assert_eq!(bytes(800), "800 B");
        assert_eq!(bytes(8000), "7.8 KiB");
        assert_eq!(bytes(8_000_000), "7.6 MiB");
        assert_eq!(duration(Duration::from_nanos(812)), "812 ns");
        assert_eq!(duration(Duration::from_nanos(4_213)), "4.21 µs");
        assert_eq!(duration(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(duration(Duration::from_millis(1500)), "1.50 s");
    }

    #[test]
    fn commands_print_as_typed() {
        for text in [
            ":help load",
            ":del a b",
            ":load x.npy as y",
            ":backend jit",
            ":save s.md",
            ":open s.md",
        ] {
            let (cmd, _) = Command::parse(text).unwrap();
            assert_eq!(cmd.text().0, text);
        }
        let (cmd, at) = Command::parse(":time sum(x)").unwrap();
        assert_eq!(cmd.text(), (":time sum(x)".to_string(), at));
    }
}
