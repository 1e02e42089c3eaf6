//! End-to-end tests of the `vex` binary on real .npy files in a temporary directory.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ndarray::{arr0, array, ArrayD, IxDyn, ShapeBuilder};
use ndarray_npy::{ReadNpyExt, ReadableElement, WritableElement, WriteNpyExt};
use num_complex::Complex;

/// A temporary working directory for one test.
struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().expect("temp dir"))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    /// Writes `a` as `name` and returns `name`, for use in a NAME=FILE argument.
    fn save<T: WritableElement, D: ndarray::Dimension>(
        &self,
        name: &str,
        a: &ndarray::Array<T, D>,
    ) -> String {
        a.write_npy(File::create(self.path(name)).expect("create"))
            .expect("write npy");
        name.to_string()
    }

    fn load<T: ReadableElement>(&self, name: &str) -> ArrayD<T> {
        ArrayD::<T>::read_npy(File::open(self.path(name)).expect("open output"))
            .expect("read output")
    }

    /// Runs `vex args…` in this directory.
    fn vex(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_vex"))
            .args(args)
            .current_dir(self.0.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run vex");
        Run(out)
    }

    /// The names of the files in the directory, sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.0.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

struct Run(Output);

impl Run {
    fn code(&self) -> i32 {
        self.0.status.code().expect("exit code")
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    /// Asserts success and returns stdout.
    fn ok(&self) -> String {
        assert_eq!(self.code(), 0, "stderr:\n{}", self.stderr());
        self.stdout()
    }
    /// Asserts the exit code and returns stderr.
    fn fails(&self, code: i32) -> String {
        assert_eq!(
            self.code(),
            code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        assert!(self.stdout().is_empty(), "stdout: {}", self.stdout());
        self.stderr()
    }
}

/// Writes `a`, evaluates `x + x` and the identity on it, and checks both outputs.
fn eval_roundtrip<T>(a: ndarray::Array2<T>, twice: ndarray::Array2<T>)
where
    T: WritableElement + ReadableElement + PartialEq + std::fmt::Debug + Clone,
{
    let d = Dir::new();
    let x = d.save("x.npy", &a);
    d.vex(&[
        "eval",
        "x, x + x",
        &format!("x={x}"),
        "-o",
        "same.npy",
        "-o",
        "twice.npy",
    ])
    .ok();
    assert_eq!(d.load::<T>("same.npy"), a.into_dyn());
    assert_eq!(d.load::<T>("twice.npy"), twice.into_dyn());
}

#[test]
fn every_dtype_reads_and_writes() {
    eval_roundtrip(array![[true, false]], array![[true, false]]);
    eval_roundtrip(array![[1i8, -100]], array![[2i8, 56]]);
    eval_roundtrip(array![[1i16, -2]], array![[2i16, -4]]);
    eval_roundtrip(array![[1i32, -2]], array![[2i32, -4]]);
    eval_roundtrip(array![[1i64, -2]], array![[2i64, -4]]);
    eval_roundtrip(array![[1u8, 200]], array![[2u8, 144]]);
    eval_roundtrip(array![[1u16, 2]], array![[2u16, 4]]);
    eval_roundtrip(array![[1u32, 2]], array![[2u32, 4]]);
    eval_roundtrip(array![[1u64, u64::MAX]], array![[2u64, u64::MAX - 1]]);
    eval_roundtrip(array![[1.5f32, -2.0]], array![[3.0f32, -4.0]]);
    eval_roundtrip(array![[1.5f64], [-2.0]], array![[3.0f64], [-4.0]]);
    eval_roundtrip(
        array![[Complex::new(1.0f32, -2.0)]],
        array![[Complex::new(2.0f32, -4.0)]],
    );
    eval_roundtrip(
        array![[Complex::new(1.0f64, 0.5), Complex::new(0.0, 1.0)]],
        array![[Complex::new(2.0f64, 1.0), Complex::new(0.0, 2.0)]],
    );
}

#[test]
fn fortran_order_inputs() {
    let d = Dir::new();
    let c = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
    let mut f = ndarray::Array2::<f64>::zeros((2, 3).f());
    f.assign(&c);
    assert!(!f.is_standard_layout());
    d.save("f.npy", &f);
    let header = std::fs::read(d.path("f.npy")).unwrap();
    assert!(String::from_utf8_lossy(&header[..128]).contains("'fortran_order': True"));
    d.vex(&[
        "eval",
        "f[1] * 10, f.T",
        "f=f.npy",
        "-o",
        "row.npy",
        "-o",
        "t.npy",
    ])
    .ok();
    assert_eq!(
        d.load::<f64>("row.npy"),
        array![40.0, 50.0, 60.0].into_dyn()
    );
    assert_eq!(d.load::<f64>("t.npy"), c.t().to_owned().into_dyn());
}

#[test]
fn big_endian_inputs() {
    let d = Dir::new();
    let dict = "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }";
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((dict.len() as u16).to_le_bytes());
    bytes.extend(dict.as_bytes());
    bytes.extend(7i32.to_be_bytes());
    bytes.extend((-1i32).to_be_bytes());
    std::fs::write(d.path("be.npy"), bytes).unwrap();
    let out = d.vex(&["eval", "b + 1", "b=be.npy"]).ok();
    assert_eq!(out, "array(shape=(2,), dtype=int32)\n[8 0]\n");
}

#[test]
fn zero_dimensional_files_are_typed_scalars() {
    let d = Dir::new();
    d.save("s.npy", &arr0(2.5f32));
    d.save("a.npy", &array![1i8, 2]);
    // A 0-d float32 is strong: int8 array times float32 scalar is float32.
    d.vex(&["eval", "a * s", "a=a.npy", "s=s.npy", "-o", "r.npy"])
        .ok();
    assert_eq!(d.load::<f32>("r.npy"), array![2.5f32, 5.0].into_dyn());
    // A 0-d result prints as a plain scalar and is written as a 0-d file.
    assert_eq!(d.vex(&["eval", "s * 2", "s=s.npy"]).ok(), "5.0\n");
    d.vex(&["eval", "s", "s=s.npy", "-o", "r0.npy"]).ok();
    assert_eq!(d.load::<f32>("r0.npy"), arr0(2.5f32).into_dyn());
}

#[test]
fn empty_arrays() {
    let d = Dir::new();
    d.save("e.npy", &ArrayD::<f64>::zeros(IxDyn(&[0, 3])));
    let out = d.vex(&["eval", "e * 2", "e=e.npy"]).ok();
    assert_eq!(out, "array(shape=(0, 3), dtype=float64)\n[]\n");
    d.vex(&["eval", "e + 1", "e=e.npy", "-o", "r.npy"]).ok();
    assert_eq!(d.load::<f64>("r.npy").shape(), &[0, 3]);
}

#[test]
fn prints_numpy_style() {
    let d = Dir::new();
    d.save("a.npy", &array![1i64, 2, 3]);
    d.save("m.npy", &array![[1.5f64, -2.0], [3.0, 4.25]]);
    assert_eq!(
        d.vex(&["eval", "a + 1", "a=a.npy"]).ok(),
        "array(shape=(3,), dtype=int64)\n[2 3 4]\n"
    );
    assert_eq!(
        d.vex(&["eval", "m", "m=m.npy"]).ok(),
        "array(shape=(2, 2), dtype=float64)\n[[ 1.5  -2.  ]\n [ 3.    4.25]]\n"
    );
    assert_eq!(
        d.vex(&["eval", "a > 1", "a=a.npy"]).ok(),
        "array(shape=(3,), dtype=bool)\n[False  True  True]\n"
    );
    // Several outputs are separated by a blank line.
    assert_eq!(
        d.vex(&["eval", "sum(a), a * 2", "a=a.npy"]).ok(),
        "6\n\narray(shape=(3,), dtype=int64)\n[2 4 6]\n"
    );
}

#[test]
fn large_results_are_summarized() {
    let d = Dir::new();
    d.save("a.npy", &ndarray::Array1::from_iter(0..5000i32));
    let out = d.vex(&["eval", "a", "a=a.npy"]).ok();
    assert_eq!(
        out,
        "array(shape=(5000,), dtype=int32)\n[   0    1    2 ... 4997 4998 4999]\n"
    );
}

#[test]
fn numbers_are_weak_scalars() {
    let d = Dir::new();
    d.save("f.npy", &array![1.0f32, 2.0]);
    d.save("i.npy", &array![1i8, 2]);
    let cases: [(&str, &str, &str); 6] = [
        ("f * k", "k=2.5", "dtype=float32"),
        ("i + k", "k=1", "dtype=int8"),
        ("i * k", "k=2.5", "dtype=float64"),
        ("f * k", "k=1.5+2j", "dtype=complex64"),
        ("f + k", "k=0xff", "dtype=float32"),
        ("i & k", "k=True", "dtype=int8"),
    ];
    for (program, k, dtype) in cases {
        let out = d.vex(&["eval", program, "f=f.npy", "i=i.npy", k]).ok();
        assert!(out.contains(dtype), "{program} with {k}: {out}");
    }
    d.vex(&["eval", "f * k", "f=f.npy", "k=2.5", "-o", "r.npy"])
        .ok();
    assert_eq!(d.load::<f32>("r.npy"), array![2.5f32, 5.0].into_dyn());
    // Numbers alone follow Python: 3 / 2 is 1.5; a number input is a 0-d result.
    assert_eq!(d.vex(&["eval", "a / b", "a=3", "b=2"]).ok(), "1.5\n");
    assert_eq!(d.vex(&["eval", "x * 2", "x=-1e-3"]).ok(), "-0.002\n");
}

#[test]
fn program_errors_exit_1_with_a_diagnostic() {
    let d = Dir::new();
    d.save("a.npy", &array![1.0f64, 2.0]);
    let err = d.vex(&["eval", "sinn(a)", "a=a.npy"]).fails(1);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("sinn(a)") && err.contains('^'), "{err}");
    assert!(!err.contains('\x1b'), "NO_COLOR is set: {err}");
    let err = d.vex(&["eval", "a + b", "a=a.npy"]).fails(1);
    assert!(err.contains("'b'"), "{err}");
    let err = d.vex(&["eval", "a +", "a=a.npy"]).fails(1);
    assert!(err.starts_with("error: "), "{err}");
}

#[test]
fn input_errors_exit_1() {
    let d = Dir::new();
    let err = d.vex(&["eval", "a", "a=missing.npy"]).fails(1);
    assert!(err.contains("cannot read 'missing.npy'"), "{err}");

    std::fs::write(d.path("junk.npy"), b"not an npy file at all").unwrap();
    let err = d.vex(&["eval", "a", "a=junk.npy"]).fails(1);
    assert!(err.contains("not a .npy file"), "{err}");

    let dict = "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }";
    let mut half = b"\x93NUMPY\x01\x00".to_vec();
    half.extend((dict.len() as u16).to_le_bytes());
    half.extend(dict.as_bytes());
    half.extend([0, 60]);
    std::fs::write(d.path("half.npy"), half).unwrap();
    let err = d.vex(&["eval", "a", "a=half.npy"]).fails(1);
    assert!(err.contains("'<f2' (float16)"), "{err}");

    let err = d.vex(&[
        "eval",
        "n",
        "n=1e999999999999999999999999999999999999999999",
    ]);
    // A float literal too large is inf, not an error.
    assert_eq!(err.ok(), "inf\n");
    let err = d
        .vex(&["eval", "n", "n=999999999999999999999999999999999999999999"])
        .fails(1);
    assert!(err.contains("too large"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new();
    d.save("a.npy", &array![1.0f64, 2.0]);
    d.vex(&["eval"]).fails(2);
    d.vex(&["frobnicate"]).fails(2);
    let err = d.vex(&["eval", "a", "a.npy"]).fails(2);
    assert!(err.contains("NAME=VALUE"), "{err}");
    let err = d.vex(&["eval", "a", "a=a.npy", "a=2"]).fails(2);
    assert!(err.contains("given twice"), "{err}");
    let err = d.vex(&["eval", "a", "a=float64[3]"]).fails(2);
    assert!(err.contains("vex explain"), "{err}");
    let err = d.vex(&["eval", "a, a", "a=a.npy", "-o", "x.npy"]).fails(2);
    assert!(err.contains("2 outputs but 1 -o file"), "{err}");
    d.vex(&["eval", "a", "a=a.npy", "-o", "x.npy", "-o", "y.npy"])
        .fails(2);
    assert_eq!(d.files(), ["a.npy"], "nothing is written on a usage error");
}

#[test]
fn nothing_is_written_when_evaluation_fails() {
    let d = Dir::new();
    d.save("a.npy", &array![1.0f64, 2.0]);
    d.save("b.npy", &array![1.0f64, 2.0, 3.0]);
    d.vex(&[
        "eval",
        "a * 2, a + b",
        "a=a.npy",
        "b=b.npy",
        "-o",
        "x.npy",
        "-o",
        "y.npy",
    ])
    .fails(1);
    d.vex(&["eval", "nope(a)", "a=a.npy", "-o", "x.npy"])
        .fails(1);
    // The second output's directory does not exist: the first is not written either.
    let err = d
        .vex(&[
            "eval",
            "a, a",
            "a=a.npy",
            "-o",
            "x.npy",
            "-o",
            "no/such/dir/y.npy",
        ])
        .fails(1);
    assert!(err.contains("cannot write"), "{err}");
    assert_eq!(d.files(), ["a.npy", "b.npy"]);
}

#[test]
fn outputs_replace_existing_files() {
    let d = Dir::new();
    d.save("a.npy", &array![1.0f64, 2.0]);
    d.vex(&["eval", "a * 3", "a=a.npy", "-o", "a.npy"]).ok();
    assert_eq!(d.load::<f64>("a.npy"), array![3.0, 6.0].into_dyn());
    assert_eq!(d.files(), ["a.npy"]);
}

#[test]
fn explain_shows_kernels() {
    let d = Dir::new();
    let out = d.vex(&["explain", "a - mean(a)", "a=float32[1000]"]).ok();
    assert!(out.contains("kernel"), "{out}");
    assert!(out.contains("float32"), "{out}");

    // Files and numbers work too, and names not given get a default, with a note.
    d.save("x.npy", &array![[1i16, 2], [3, 4]]);
    let run = d.vex(&["explain", "x * k + y", "x=x.npy", "k=2"]);
    let out = run.ok();
    assert!(out.contains("kernel") && out.contains("int16"), "{out}");
    let note = run.stderr();
    assert!(
        note.contains("'y' is not given; assuming float64[2, 2]"),
        "{note}"
    );

    let run = d.vex(&["explain", "sqrt(u*u + v*v)"]);
    assert!(run.ok().contains("kernel"));
    assert!(run
        .stderr()
        .contains("'u' is not given; assuming float64[1000]"));
    assert!(run.stderr().contains("'v' is not given"));
}

#[test]
fn explain_errors() {
    let d = Dir::new();
    let err = d.vex(&["explain", "sinn(a)"]).fails(1);
    assert!(err.contains("sinn"), "{err}");
    let err = d.vex(&["explain", "a.foo"]).fails(1);
    assert!(err.contains("foo"), "{err}");
    let err = d.vex(&["explain", "a", "a=float16[3]"]).fails(2);
    assert!(err.contains("unknown dtype 'float16'"), "{err}");
}

#[test]
fn help_and_version() {
    let d = Dir::new();
    // Bare `vex` opens the REPL on a terminal; here stdin is not one, so it runs the
    // (empty) script on stdin (see tests/script.rs).
    assert_eq!(d.vex(&[]).ok(), "");
    let out = d.vex(&["--version"]).ok();
    assert!(out.starts_with("vex "), "{out}");
    let out = d.vex(&["--help"]).ok();
    assert!(out.contains("eval") && out.contains("explain"), "{out}");
    let out = d.vex(&["eval", "--help"]).ok();
    assert!(out.contains("-o, --output"), "{out}");
}

#[test]
fn files_that_look_like_numbers_need_a_path() {
    let d = Dir::new();
    d.save("3", &array![1u8, 2]);
    assert_eq!(d.vex(&["eval", "x", "x=3"]).ok(), "3\n");
    let out = d.vex(&["eval", "x", "x=./3"]).ok();
    assert!(out.contains("uint8"), "{out}");
    assert!(Path::new(&d.path("3")).exists());
}

/// `vex run`: a notebook replayed to stdout and with -o, and its exit codes.
#[test]
fn run_replays_a_notebook() {
    let d = Dir::new();
    let nb = "# Sines\n\n```vex\nx = linspace(0, 1, 3)\nx * 2\n```\n```output\nstale\n```\n\n\
              Prose stays.\n\n```python\nprint('not run')\n```\n\n\
              ```vex\nplot(x, x)\n```\n";
    std::fs::write(d.path("nb.md"), nb).expect("write");
    let out = d.vex(&["run", "nb.md"]).ok();
    assert!(
        out.starts_with(
            "# Sines\n\n```vex\nx = linspace(0, 1, 3)\nx * 2\n```\n```output\n\
             array(shape=(3,), dtype=float64)\n[0. 1. 2.]\n```\n\nProse stays.\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("```\n![vex plot](nb_files/cell-2.png)\n"),
        "{out}"
    );
    // To stdout, no PNG is written; with -o, the notebook and its PNG are.
    assert_eq!(d.files(), ["nb.md"]);
    assert_eq!(d.vex(&["run", "nb.md", "-o", "out.md"]).ok(), "");
    assert_eq!(
        std::fs::read_to_string(d.path("out.md")).unwrap(),
        out.replace("nb_files", "out_files")
    );
    let png = std::fs::read(d.path("out_files/cell-2.png")).expect("the plot's PNG");
    assert!(png.starts_with(b"\x89PNG"));
    // Replaying the replay changes nothing.
    assert_eq!(
        d.vex(&["run", "out.md"]).ok(),
        std::fs::read_to_string(d.path("out.md")).unwrap()
    );

    // A failing cell: the notebook is still printed, with the error; exit status 1.
    std::fs::write(
        d.path("bad.md"),
        "```vex\na = 1\n```\n```vex\na + nope\n```\n```vex\na\n```\n",
    )
    .expect("write");
    let run = d.vex(&["run", "bad.md"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stdout()
            .contains("```output\nerror: unknown name 'nope'\n"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stdout()
            .ends_with("```vex\na\n```\n```output\n1\n```\n"),
        "{}",
        run.stdout()
    );
    assert_eq!(
        run.stderr(),
        "bad.md:5: cell 2 failed: unknown name 'nope'\n"
    );

    // Unreadable and malformed notebooks: a clear error, nothing printed, status 1.
    let err = d.vex(&["run", "missing.md"]).fails(1);
    assert!(
        err.starts_with("error: cannot read 'missing.md': "),
        "{err}"
    );
    std::fs::write(d.path("open.md"), "Intro\r\n\r\n```vex\r\nx = 1\r\n").expect("write");
    let err = d.vex(&["run", "open.md"]).fails(1);
    assert_eq!(
        err,
        "error: open.md:3: the ```vex block opened here is never closed\n"
    );
    let err = d.vex(&["run"]).fails(2);
    assert!(err.contains("<NOTEBOOK>"), "{err}");
    let help = d.vex(&["run", "--help"]).ok();
    assert!(
        help.contains("Exit status: 0 when every cell ran; 1 when a cell failed"),
        "{help}"
    );
}
