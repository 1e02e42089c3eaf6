//! The text of `:help` and `:help TOPIC`.

use super::command::NAMES;

const OVERVIEW: &str = "\
Type statements and expressions; a bare expression prints its value.
  x = linspace(0, 4*pi, 1_000_000)
  y = sin(x) * exp(-x/8)
  mean(y), max(y)
Statements on one line are separated by ';'. An unfinished expression (an open bracket,
a trailing operator or ',') continues on the next line. Plain numbers (n = 5) are
Python-like scalars: x * n keeps x's dtype.
Plots: plot(x, y), scatter(x, y), hist(a, bins=50), imshow(m), with options such as
title=\"…\" (':help plot').

Commands:
  :help [TOPIC]          this text; topics: functions, types, plot, or a command's name
  :vars                  variables with their shapes, dtypes and memory
  :del NAME...           forget variables
  :load FILE [as NAME]   read a .npy or .npz file, or the columns of a numeric .csv
  :save NAME FILE.npy    write a variable
  :save FILE.md          write the session as a Markdown notebook (':help notebook')
  :open FILE.md          run a notebook's cells here, as if typed
  :saveplot [N] FILE.png write the last plot (or cell N's) as a PNG image
  :time EXPR             run EXPR repeatedly; median time and cost per element
  :explain EXPR          the fused kernels EXPR compiles to
  :backend [interp|jit|auto]   show or set the engine
  :threads [N]           show or set the JIT's thread count
  :plots [text|image|auto]   show or set how plots are drawn (images where the terminal can)
  :clear                 clear the log of cells (variables stay)
  :quit                  end the session";

const NOTEBOOKS: &str = "\
:save FILE.md writes the log (since the last :clear) as a Markdown notebook: each cell as a
```vex block, then an ```output block with what it printed (plots as 80-column text) and
a link to each plot's PNG, written to FILE_files/cell-N.png. It keeps the cells that make
the results: code, and :load, :del, :backend NAME and :threads N. Commands that only show
something (:help, :vars, :time, :explain, :plots) or write files (:save, :saveplot) are
left out, and an :open is replaced by the cells it ran.
From the shell, vex run FILE.md replays a notebook in a fresh session and prints it with
new outputs (vex run FILE.md -o OUT.md writes it, and its PNGs); prose and other code
blocks are kept. Edit a notebook freely: only ```vex blocks are run, and only the
```output block right after one (and its ![vex plot…] lines) is replaced.";

const RANDOM: &str = "\
rand(shape, seed=n)    float64 numbers uniform in [0, 1)
randn(shape, seed=n)   float64 numbers from the standard normal distribution
The shape is written as for zeros: rand(1000), rand((100, 3)). With seed=n (an integer
from 0 to 2**64 - 1) the numbers are reproducible, the same on every backend, and any
slice or broadcast of the array sees the same values: rand((100, 3), seed=1)[5] is row 5
of the whole array. Without seed=, every call picks a new seed from the operating
system's randomness and the clock, so rerunning a cell gives new numbers. The arrays are
never stored: each element is computed where it is used, from the seed and its position
(the Philox4x32-10 counter-based generator; randn by Box-Muller, whose log and cos may
differ by a few units in the last place between the interpreter and the JIT).";

const TYPES: &str = "\
Types: bool, int8 int16 int32 int64, uint8 uint16 uint32 uint64, float32 float64,
complex64 complex128; cast with float32(x) and so on.
Promotion follows NumPy 2: arrays and typed values are strong; plain numbers (literals,
constants, variables assigned a plain number) are weak and take the array's type when they
can: float32_array * 2.5 is float32, int8_array + 1 is int8, int8_array + 300 is an error.";

const PLOTS: &str = r#"Plot statements draw their arguments, vex expressions evaluated with the rest of the cell:
  plot(y)                    y against its index
  plot(x, y1, x, y2)         lines, one series per x, y pair (1-D arrays of one length)
  scatter(x, y)              points, as plot
  hist(a, b, bins=50)        histograms of every element of a and b, on shared bins
  imshow(m)                  a 2-D array as a heatmap with a colour bar (row 0 at the top)
Options, after the arrays:
  title="…" xlabel="…" ylabel="…"   text, in "…" or '…' (escapes: \" \' \\ \n)
  label="…"                  the legend entry of the only series
  labels=("a", "b")          one legend entry per series (plot, scatter, hist)
  bins=N                     histogram bins, an expression (default 50)
  cmap="viridis"             imshow colours: viridis, magma, inferno, plasma, cividis, gray
  vmin=V  vmax=V             imshow: the values at the ends of the colour map
Large data is reduced before it is kept: lines to the extremes of 2048 buckets, scatter
beyond 20000 points to one point per cell of a 256x256 grid, images to 512x512 averages.
:saveplot FILE.png writes the last plot as an image."#;

/// The help text for `topic` (the overview without one).
pub fn help(topic: Option<&str>) -> Result<String, String> {
    let Some(topic) = topic else {
        return Ok(OVERVIEW.to_string());
    };
    let text = match topic {
        "functions" | "funcs" => functions(),
        "types" | "dtypes" => TYPES.to_string(),
        "random" | "rand" | "randn" => RANDOM.to_string(),
        "help" => ":help [TOPIC]: the overview, or help on a topic: functions, types, or a \
                   command's name (:help load)."
            .into(),
        "vars" => ":vars: lists the variables: name, shape, dtype and memory. A weak scalar \
                   (assigned a plain number) shows its kind, e.g. 'int (weak)'."
            .into(),
        "del" => ":del NAME...: forgets the named variables (all or none: an unknown name is \
                  an error and nothing is deleted)."
            .into(),
        "load" => ":load FILE.npy [as NAME]: reads a .npy file of any dtype (C or Fortran \
                   order, either byte order) and binds it to NAME, or to the file's stem \
                   (data/x.npy gives x). A 0-d file gives a typed scalar.\n\
                   :load FILE.csv [as NAME]: reads comma-separated numbers as float64 (an \
                   empty field is NaN). With a header row, each column becomes a variable \
                   named by its header; without one, or with 'as NAME', the whole table \
                   becomes one 2-D array (rows, columns).\n\
                   :load FILE.npz: binds every array of the archive (numpy.savez or \
                   savez_compressed) by its name."
            .into(),
        "save" => format!(
            ":save NAME FILE.npy: writes a variable to a .npy file (a weak scalar is \
             written as a 0-d array of its default type: int64, float64, …).\n{NOTEBOOKS}"
        ),
        "open" | "notebook" | "notebooks" | "run" => format!(
            ":open FILE.md: runs the ```vex cells of a Markdown notebook in this session, in \
             order, each shown and logged as if typed; a failing cell does not stop the \
             others, a cancelled one does. Paths in cells are relative to the current \
             directory.\n{NOTEBOOKS}"
        ),
        "plot" | "scatter" | "hist" | "imshow" => PLOTS.to_string(),
        "plots" => ":plots [text|image|auto]: shows or sets how plots are drawn. text: Braille \
                    and half-block characters; image: raster images through the kitty, iTerm2 \
                    or sixel protocol, where the terminal has one (text elsewhere); auto (the \
                    default) is image where the terminal says it can show images. Without an \
                    argument, also what the terminal was found to support. The VEX_PLOTS \
                    environment variable (text, image or auto) sets it at start. \
                    (':help plot' is about plot statements.)"
            .into(),
        "saveplot" => ":saveplot [N] FILE.png: writes the last plot of the log, or the last \
                       plot of cell N, as an 800x500 PNG image."
            .into(),
        "time" => ":time EXPR: evaluates EXPR once to warm up, then repeatedly for about half \
                   a second (at least 3 and at most 1000 runs), and reports the median time \
                   and the time per element of the work (the points all kernels iterate \
                   over)."
            .into(),
        "explain" => ":explain EXPR: the typed, optimised kernels EXPR compiles to for the \
                      current variables: where work is fused and where it is split."
            .into(),
        "backend" => ":backend [interp|jit|auto]: shows or sets the engine. auto (the \
                      default) uses the JIT for large work and the interpreter for small."
            .into(),
        "threads" => ":threads [N]: shows or sets how many threads the JIT uses for large \
                      kernels (for the whole process)."
            .into(),
        "clear" => ":clear: clears the log of cells; variables stay.".into(),
        "quit" => ":quit (or :q, :exit): ends the session.".into(),
        other => {
            let known =
                NAMES
                    .iter()
                    .copied()
                    .chain(["functions", "types", "plot", "random", "notebook"]);
            let hint = match vex_expr::error::did_you_mean(other, known) {
                Some(s) => format!("; did you mean '{s}'?"),
                None => "; topics: functions, types, plot, random, or a command's name".into(),
            };
            return Err(format!("no help on '{other}'{hint}"));
        }
    };
    Ok(text)
}

/// The functions the language knows, wrapped at 80 columns.
fn functions() -> String {
    let mut out = String::from("Functions (NumPy's meaning):\n");
    let mut line = String::from(" ");
    for f in vex_expr::check::FUNCTIONS {
        if line.len() + 1 + f.len() > 80 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(f);
    }
    out.push_str(&line);
    out.push_str(
        "\nReductions take axis=N or a tuple and keepdims=True; sources: arange, linspace, \
         zeros, ones, and rand, randn (':help random').",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_help() {
        for name in NAMES {
            let text = help(Some(name)).unwrap();
            assert!(text.starts_with(&format!(":{name}")), "{name}: {text}");
        }
        assert!(help(None).unwrap().contains(":load FILE [as NAME]"));
        assert!(help(Some("functions")).unwrap().contains("arctan2"));
    }

    #[test]
    fn unknown_topics_suggest() {
        assert_eq!(
            help(Some("lod")).unwrap_err(),
            "no help on 'lod'; did you mean 'load'?"
        );
    }
}
