//! Compilation contexts, compiled programs and their cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use vex_expr::{Array, ArrayRef, Control, Error, ErrorKind, Operand, OperandSig};

use crate::Result;

/// Which engine executes kernels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// The reference interpreter: block-at-a-time evaluation, always available, and the
    /// oracle other backends are tested against.
    Interpreter,
    /// Native code compiled with Cranelift, run on all cores. Programs it cannot compile
    /// yet (complex numbers) fail with an error naming what is missing.
    Jit,
    /// The JIT where the host supports it and the program compiles, the interpreter
    /// otherwise and for programs without a single point (nothing worth compiling). A
    /// repeated call of a cached program costs less on the JIT than on the interpreter
    /// from the smallest arrays on (measured by `examples/overhead.rs`). The environment
    /// variable `VEX_BACKEND=interp|jit` overrides the choice.
    #[default]
    Auto,
}

impl Backend {
    /// The backend `Auto` stands for in this process (`VEX_BACKEND`, read once).
    fn resolve(self) -> Backend {
        static FROM_ENV: OnceLock<Backend> = OnceLock::new();
        match self {
            Backend::Auto => {
                *FROM_ENV.get_or_init(|| match std::env::var("VEX_BACKEND").as_deref() {
                    Ok("interp") | Ok("interpreter") => Backend::Interpreter,
                    Ok("jit") => Backend::Jit,
                    _ => Backend::Auto,
                })
            }
            b => b,
        }
    }
}

/// The process-wide JIT (compiled kernels are shared by every context), or why there is
/// none on this host.
fn jit() -> Result<&'static vex_jit::Jit, &'static str> {
    static JIT: OnceLock<Result<vex_jit::Jit, String>> = OnceLock::new();
    JIT.get_or_init(|| vex_jit::Jit::new().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| e.as_str())
}

/// Sets the number of threads the JIT runs large kernels on (at least 1), for the whole
/// process (the JIT and its thread pool are shared), and returns the number now in use:
/// 1 where no pool could be built or the host has no JIT.
pub fn set_threads(n: usize) -> usize {
    match jit() {
        Ok(jit) => {
            jit.set_threads(n);
            jit.threads()
        }
        Err(_) => 1,
    }
}

/// The number of threads the JIT runs large kernels on (`VEX_NUM_THREADS` or the available
/// parallelism unless [`set_threads`] changed it).
pub fn threads() -> usize {
    jit().map(|j| j.threads()).unwrap_or(1)
}

/// Whether `Auto` runs `ir` on the interpreter although the JIT could: only where it has
/// no point at all (nothing worth compiling). Since the JIT replays prepared kernels
/// (`vex_jit::Prepared`), its cost per repeated call is below the interpreter's at every
/// size `examples/overhead.rs` measures: at 16 points, `a + b*c` takes 0.43 µs on the JIT
/// and 1.1 µs on the interpreter, a 4-input program 0.5 and 1.8 µs, `sum(a*b)` 0.41 and
/// 1.3 µs. (Before, `Auto` kept programs of up to 256 points on the interpreter.)
fn auto_prefers_interpreter(ir: &vex_expr::ir::Program) -> bool {
    total_points(ir) == 0
}

fn total_points(ir: &vex_expr::ir::Program) -> usize {
    ir.kernels
        .iter()
        .map(|k| k.shape.iter().product::<usize>())
        .fold(0usize, usize::saturating_add)
}

/// Runs `lowered` on `backend`: the single place where backends are chosen. With
/// `outputs`, writes into them and returns `None`. Either backend checks and advances
/// `control` as it goes.
fn execute(
    backend: Backend,
    lowered: &Lowered,
    inputs: &[ArrayRef<'_>],
    mut outputs: Option<&mut [Array]>,
    control: Option<&Control>,
) -> Result<Option<Vec<Array>>> {
    let ir = &*lowered.ir;
    let backend = backend.resolve();
    let small = backend == Backend::Auto && auto_prefers_interpreter(ir);
    if backend != Backend::Interpreter && !small {
        match jit() {
            Ok(jit) => {
                let result = match lowered.prepared(jit) {
                    Ok(prepared) => match outputs.as_deref_mut() {
                        Some(outs) => prepared
                            .run_into_with(jit, inputs, outs, control)
                            .map(|()| None),
                        None => prepared.run_with(jit, inputs, control).map(Some),
                    },
                    Err(PrepareError::Eval(e)) => return Err(e.clone()),
                    Err(PrepareError::Unsupported(why)) => {
                        Err(vex_jit::JitError::Unsupported(why.clone()))
                    }
                };
                match result {
                    Ok(r) => return Ok(r),
                    Err(vex_jit::JitError::Eval(e)) => return Err(e),
                    Err(vex_jit::JitError::Unsupported(why)) if backend == Backend::Jit => {
                        return Err(Error::new(
                            ErrorKind::Unsupported,
                            format!("the JIT backend cannot run this program: {why}"),
                        ))
                    }
                    // The JIT says so before writing anything: the interpreter takes over.
                    Err(vex_jit::JitError::Unsupported(_)) => {}
                }
            }
            Err(why) if backend == Backend::Jit => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!("the JIT is not available on this machine: {why}"),
                ))
            }
            Err(_) => {}
        }
    }
    match outputs {
        Some(outs) => vex_expr::interp::run_into_with(ir, inputs, outs, control).map(|()| None),
        None => vex_expr::interp::run_with(ir, inputs, control).map(Some),
    }
}

/// Named operands for one evaluation.
///
/// ```
/// let a = ndarray::Array1::<f64>::zeros(4);
/// let vars = vex::Vars::new().with("a", &a).with("k", 2.5);
/// assert_eq!(vars.len(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Vars<'a> {
    entries: Vec<(String, Operand<'a>)>,
}

impl<'a> Vars<'a> {
    /// An empty set of bindings.
    pub fn new() -> Vars<'a> {
        Vars::default()
    }

    /// Adds (or replaces) a binding and returns the set, for chaining.
    pub fn with(mut self, name: &str, value: impl Into<Operand<'a>>) -> Vars<'a> {
        self.insert(name, value);
        self
    }

    /// Adds a binding, replacing any earlier one of the same name.
    pub fn insert(&mut self, name: &str, value: impl Into<Operand<'a>>) {
        let value = value.into();
        match self.entries.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((name.to_string(), value)),
        }
    }

    /// The operand bound to `name`.
    pub fn get(&self, name: &str) -> Option<&Operand<'a>> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Number of bindings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no bindings.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bindings in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Operand<'a>)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }
}

impl<'a, S: AsRef<str>, V: Into<Operand<'a>>> FromIterator<(S, V)> for Vars<'a> {
    fn from_iter<I: IntoIterator<Item = (S, V)>>(iter: I) -> Self {
        let mut vars = Vars::new();
        for (n, v) in iter {
            vars.insert(n.as_ref(), v);
        }
        vars
    }
}

/// The dtypes and dimensions of a set of operands: what a compiled program is specialised
/// for. Shapes are not part of it; one program runs on every shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    entries: Vec<(String, OperandSig)>,
}

impl Signature {
    /// The signature of concrete operands.
    pub fn of(vars: &Vars<'_>) -> Signature {
        let mut entries: Vec<(String, OperandSig)> = vars
            .iter()
            .map(|(n, v)| (n.to_string(), vex_expr::operand_sig(v)))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Signature { entries }
    }

    /// Whether `vars` has exactly this signature; allocates nothing.
    fn matches(&self, vars: &Vars<'_>) -> bool {
        self.entries.len() == vars.len()
            && self.entries.iter().all(|(n, sig)| {
                vars.get(n)
                    .is_some_and(|v| vex_expr::operand_sig(v) == *sig)
            })
    }

    /// Builds a signature from `(name, dtype, ndim)` triples of array operands.
    pub fn arrays<'n>(
        items: impl IntoIterator<Item = (&'n str, vex_expr::DType, usize)>,
    ) -> Signature {
        let mut entries: Vec<(String, OperandSig)> = items
            .into_iter()
            .map(|(n, dtype, ndim)| {
                (
                    n.to_string(),
                    OperandSig {
                        dtype,
                        ndim,
                        weak: false,
                    },
                )
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Signature { entries }
    }
}

/// A program compiled for one [`Signature`]; runs on operands of any shapes that match it.
#[derive(Clone, Debug)]
pub struct Program {
    source: Arc<str>,
    signature: Arc<Signature>,
    checked: Arc<vex_expr::Checked>,
    backend: Backend,
    /// The IR lowered for the last operand shapes and scalar values seen: repeated calls
    /// with the same shapes skip lowering and optimisation, and on the JIT its
    /// validation, kernel lookup and argument set-up too (`vex_jit::Prepared`).
    lowered: Arc<Mutex<LastLowered>>,
}

/// What lowering depends on beyond the signature: array shapes and scalar values (in the
/// signature's order).
type LowerKey = Vec<KeyPart>;
type LastLowered = Option<(LowerKey, Arc<Lowered>)>;

/// A program lowered for some shapes and scalars, and its JIT preparation once made.
#[derive(Debug)]
struct Lowered {
    ir: Arc<vex_expr::ir::Program>,
    jit: OnceLock<Result<vex_jit::Prepared, PrepareError>>,
}

/// Why `vex_jit::Jit::prepare` failed, kept for every later call.
#[derive(Debug)]
enum PrepareError {
    Eval(Error),
    Unsupported(String),
}

impl Lowered {
    fn prepared(&self, jit: &vex_jit::Jit) -> Result<&vex_jit::Prepared, &PrepareError> {
        self.jit
            .get_or_init(|| {
                jit.prepare(self.ir.clone()).map_err(|e| match e {
                    vex_jit::JitError::Eval(e) => PrepareError::Eval(e),
                    vex_jit::JitError::Unsupported(why) => PrepareError::Unsupported(why),
                })
            })
            .as_ref()
    }
}

/// Whether `key` is the lowering key of `vars` (matching `signature`); allocates nothing.
fn key_matches(key: &LowerKey, signature: &Signature, vars: &Vars<'_>) -> bool {
    key.len() == signature.entries.len()
        && key
            .iter()
            .zip(&signature.entries)
            .all(|(part, (n, _))| match (part, vars.get(n)) {
                (KeyPart::Shape(s), Some(Operand::Array(a))) => s.as_slice() == a.shape(),
                // Scalars compare by value; NaN never matches and simply re-lowers.
                (KeyPart::Scalar(s), Some(Operand::Scalar(v))) => s == v,
                _ => false,
            })
}

#[derive(Clone, Debug, PartialEq)]
enum KeyPart {
    Shape(Vec<usize>),
    Scalar(vex_expr::Scalar),
}

impl Program {
    /// The program text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Runs the program and returns all its outputs.
    pub fn run(&self, vars: &Vars<'_>) -> Result<Vec<Array>> {
        self.run_controlled(vars, None)
    }

    /// [`Program::run`] under a [`Control`]: another thread holding a clone of `control`
    /// can follow the run's progress ([`Control::progress`], in points: elements of every
    /// kernel's iteration space) and cancel it ([`Control::cancel`]). The backends check
    /// between blocks (interpreter) or slices of a few hundred thousand points (JIT), so a
    /// cancel takes effect within milliseconds and the run fails with
    /// [`ErrorKind::Cancelled`]; nothing it computed is returned.
    ///
    /// ```
    /// let ctx = vex::Context::new();
    /// let prog = ctx.compile("sum(sin(arange(10**6)))", &vex::Signature::of(&vex::Vars::new()))?;
    /// let control = vex::Control::new();
    /// prog.run_with(&vex::Vars::new(), &control)?;
    /// assert_eq!(control.progress().done, 1_000_000);
    /// assert_eq!(control.progress().total, 1_000_000);
    ///
    /// control.cancel(); // a cancelled control stops every later run at once
    /// let err = prog.run_with(&vex::Vars::new(), &control).unwrap_err();
    /// assert_eq!(err.kind, vex::ErrorKind::Cancelled);
    /// # Ok::<(), vex::Error>(())
    /// ```
    pub fn run_with(&self, vars: &Vars<'_>, control: &Control) -> Result<Vec<Array>> {
        self.run_controlled(vars, Some(control))
    }

    fn run_controlled(&self, vars: &Vars<'_>, control: Option<&Control>) -> Result<Vec<Array>> {
        let lowered = self.lower_cached(vars)?;
        let inputs = self.inputs(&lowered.ir, vars)?;
        execute(self.backend, &lowered, &inputs, None, control)
            .map(|outs| outs.expect("outputs are returned when none are given"))
            .map_err(|e| e.locate(&self.source))
    }

    /// Runs the program, writing its outputs into `outputs`, which must have the result
    /// dtypes and shapes (see [`Program::run`] for what they are).
    pub fn run_into(&self, vars: &Vars<'_>, outputs: &mut [Array]) -> Result<()> {
        self.run_into_controlled(vars, outputs, None)
    }

    /// [`Program::run_into`] under a [`Control`], as [`Program::run_with`]. A cancelled
    /// run leaves the contents of `outputs` unspecified (partly written).
    pub fn run_into_with(
        &self,
        vars: &Vars<'_>,
        outputs: &mut [Array],
        control: &Control,
    ) -> Result<()> {
        self.run_into_controlled(vars, outputs, Some(control))
    }

    fn run_into_controlled(
        &self,
        vars: &Vars<'_>,
        outputs: &mut [Array],
        control: Option<&Control>,
    ) -> Result<()> {
        let lowered = self.lower_cached(vars)?;
        let inputs = self.inputs(&lowered.ir, vars)?;
        execute(self.backend, &lowered, &inputs, Some(outputs), control)
            .map(|_| ())
            .map_err(|e| e.locate(&self.source))
    }

    /// The same program computing `outputs` (typed nodes of its checked program) instead of
    /// its own results; lowered afresh.
    pub(crate) fn with_outputs(&self, outputs: Vec<vex_expr::check::TRef>) -> Program {
        let mut checked = (*self.checked).clone();
        checked.outputs = outputs;
        Program {
            checked: Arc::new(checked),
            lowered: Arc::default(),
            ..self.clone()
        }
    }

    /// The type-checked program.
    pub(crate) fn checked(&self) -> &vex_expr::Checked {
        &self.checked
    }

    /// The optimised kernel IR this program runs for these operands, as text.
    pub fn explain(&self, vars: &Vars<'_>) -> Result<String> {
        Ok(self.lower_cached(vars)?.ir.to_string())
    }

    /// Lowers and optimises the program for the operands' shapes.
    pub fn lower(&self, vars: &Vars<'_>) -> Result<vex_expr::ir::Program> {
        Ok((*self.lower_cached(vars)?.ir).clone())
    }

    /// [`Program::lower`], reusing the last result when shapes and scalars are unchanged.
    fn lower_cached(&self, vars: &Vars<'_>) -> Result<Arc<Lowered>> {
        if !self.signature.matches(vars) {
            return Err(Error::new(
                ErrorKind::Input,
                "operands do not match the signature this program was compiled for",
            ));
        }
        // A program with unseeded `rand`/`randn` draws new seeds every time it is lowered,
        // so its lowering is never reused.
        if !self.checked.fresh_seeds {
            let last = self.lowered.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((k, lowered)) = last.as_ref() {
                if key_matches(k, &self.signature, vars) {
                    return Ok(lowered.clone());
                }
            }
        }
        let key: LowerKey = self
            .signature
            .entries
            .iter()
            .map(|(n, _)| match vars.get(n).expect("signature matched") {
                Operand::Array(a) => KeyPart::Shape(a.shape().to_vec()),
                Operand::Scalar(v) => KeyPart::Scalar(*v),
            })
            .collect();
        let lowered = Arc::new(Lowered {
            ir: Arc::new(self.lower_uncached(vars)?),
            jit: OnceLock::new(),
        });
        *self.lowered.lock().unwrap_or_else(|p| p.into_inner()) = Some((key, lowered.clone()));
        Ok(lowered)
    }

    fn lower_uncached(&self, vars: &Vars<'_>) -> Result<vex_expr::ir::Program> {
        let operands: Vec<(&str, &Operand<'_>)> = self
            .signature
            .entries
            .iter()
            .map(|(n, _)| (n.as_str(), vars.get(n).expect("signature matched")))
            .collect();
        let mut ir =
            vex_expr::lower(&self.checked, &operands).map_err(|e| e.locate(&self.source))?;
        vex_expr::optimize::optimize(&mut ir);
        Ok(ir)
    }

    fn inputs<'v>(&self, ir: &vex_expr::ir::Program, vars: &Vars<'v>) -> Result<Vec<ArrayRef<'v>>> {
        ir.inputs
            .iter()
            .map(|decl| match vars.get(&decl.name) {
                Some(Operand::Array(a)) => Ok(a.clone()),
                _ => Err(Error::new(
                    ErrorKind::Input,
                    format!("input '{}' must be an array", decl.name),
                )),
            })
            .collect()
    }
}

/// Compiles programs and caches them by text and signature.
///
/// ```
/// use ndarray::array;
/// let ctx = vex::Context::new();
/// let a = array![1i32, 2, 3];
/// let vars = vex::Vars::new().with("a", &a);
/// let prog = ctx.compile("a * 2 + 1", &vex::Signature::of(&vars)).unwrap();
/// let out = prog.run(&vars).unwrap();
/// assert_eq!(out[0].as_array::<i32>().unwrap(), &array![3, 5, 7].into_dyn());
/// ```
#[derive(Debug)]
pub struct Context {
    backend: Backend,
    cache: Mutex<Cache>,
}

/// Compiled programs kept by a context, at most this many.
const CACHE_CAPACITY: usize = 256;

/// Programs by text (looked up without allocating), then by signature, each with the
/// clock of its last use.
#[derive(Debug, Default)]
struct Cache {
    map: HashMap<Arc<str>, Vec<(Program, u64)>>,
    len: usize,
    clock: u64,
}

impl Cache {
    /// The cached program for `expr` whose signature satisfies `matches`, marked used.
    fn find(&mut self, expr: &str, matches: impl Fn(&Signature) -> bool) -> Option<Program> {
        self.clock += 1;
        let now = self.clock;
        let (prog, used) = self
            .map
            .get_mut(expr)?
            .iter_mut()
            .find(|(p, _)| matches(&p.signature))?;
        *used = now;
        Some(prog.clone())
    }

    /// Adds `program` (replacing one of the same text and signature, which a concurrent
    /// compile may have added), evicting the least recently used one when full.
    fn insert(&mut self, program: Program) {
        let now = self.clock;
        if let Some(slot) = self
            .map
            .get_mut(&*program.source)
            .and_then(|v| v.iter_mut().find(|(p, _)| p.signature == program.signature))
        {
            *slot = (program, now);
            return;
        }
        if self.len >= CACHE_CAPACITY {
            let oldest = self
                .map
                .iter()
                .flat_map(|(k, v)| v.iter().enumerate().map(move |(i, (_, t))| (*t, k, i)))
                .min_by_key(|(t, _, _)| *t)
                .map(|(_, k, i)| (k.clone(), i));
            if let Some((k, i)) = oldest {
                let list = self.map.get_mut(&k).expect("found above");
                list.swap_remove(i);
                if list.is_empty() {
                    self.map.remove(&k);
                }
                self.len -= 1;
            }
        }
        self.map
            .entry(program.source.clone())
            .or_default()
            .push((program, now));
        self.len += 1;
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new()
    }
}

impl Context {
    /// A context with the [`Backend::Auto`] backend.
    pub fn new() -> Context {
        Context::with_backend(Backend::Auto)
    }

    /// A context that runs programs on `backend`.
    pub fn with_backend(backend: Backend) -> Context {
        Context {
            backend,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The backend programs compiled here run on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Parses and type-checks `expr` for operands with `signature`; cached.
    pub fn compile(&self, expr: &str, signature: &Signature) -> Result<Program> {
        let found = self.cache().find(expr, |s| s == signature);
        match found {
            Some(program) => Ok(program),
            None => self.compile_uncached(expr, signature),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn compile_uncached(&self, expr: &str, signature: &Signature) -> Result<Program> {
        let ast = vex_expr::parse(expr).map_err(|e| e.locate(expr))?;
        let checked = vex_expr::check(&ast, &signature.entries)
            .map_err(|e| e.locate(expr))?
            .with_source(expr);
        let program = Program {
            source: Arc::from(expr),
            signature: Arc::new(signature.clone()),
            checked: Arc::new(checked),
            backend: self.backend,
            lowered: Arc::default(),
        };
        self.cache().insert(program.clone());
        Ok(program)
    }

    /// Compiles (or finds in the cache) and runs a program with a single output.
    pub fn evaluate(&self, expr: &str, vars: &Vars<'_>) -> Result<Array> {
        let mut outs = self.evaluate_many(expr, vars)?;
        if outs.len() != 1 {
            return Err(Error::new(
                ErrorKind::Input,
                format!(
                    "the program has {} outputs; use evaluate_many to get all of them",
                    outs.len()
                ),
            ));
        }
        Ok(outs.pop().expect("one output"))
    }

    /// Compiles (or finds in the cache) and runs a program, returning every output.
    pub fn evaluate_many(&self, expr: &str, vars: &Vars<'_>) -> Result<Vec<Array>> {
        let found = self.cache().find(expr, |s| s.matches(vars));
        match found {
            Some(program) => program.run(vars),
            None => self.compile_uncached(expr, &Signature::of(vars))?.run(vars),
        }
    }

    /// Number of compiled programs in the cache.
    pub fn cached(&self) -> usize {
        self.cache().len
    }
}

pub(crate) fn with_default<T>(f: impl FnOnce(&Context) -> T) -> T {
    static DEFAULT: OnceLock<Context> = OnceLock::new();
    f(DEFAULT.get_or_init(Context::new))
}

#[cfg(test)]
mod tests {
    use ndarray::{array, ShapeBuilder};

    use super::*;

    #[test]
    fn a_program_reruns_correctly_when_shapes_and_scalars_change() {
        let ctx = Context::with_backend(Backend::Interpreter);
        let a = array![1.0, 2.0];
        let b = array![1.0, 2.0, 3.0];
        let vars = Vars::new().with("a", &a).with("k", 2.0);
        let prog = ctx.compile("a * k", &Signature::of(&vars)).unwrap();
        let run = |x: &ndarray::Array1<f64>, k: f64| {
            let out = prog.run(&Vars::new().with("a", x).with("k", k)).unwrap();
            out[0].as_f64().unwrap().iter().copied().collect::<Vec<_>>()
        };
        assert_eq!(run(&a, 2.0), vec![2.0, 4.0]);
        assert_eq!(run(&a, 2.0), vec![2.0, 4.0]);
        assert_eq!(run(&b, 2.0), vec![2.0, 4.0, 6.0]);
        assert_eq!(run(&b, 3.0), vec![3.0, 6.0, 9.0]);
        assert_eq!(run(&a, 3.0), vec![3.0, 6.0]);
    }

    /// Runs `expr` on the JIT context and the interpreter and asserts equal results (or
    /// equal error kinds).
    fn same_on_both(jit: &Context, expr: &str, vars: &Vars<'_>) {
        let interp = Context::with_backend(Backend::Interpreter);
        let want = interp.evaluate_many(expr, vars);
        for _ in 0..3 {
            let got = jit.evaluate_many(expr, vars);
            match (&want, got) {
                (Ok(w), Ok(g)) => assert_eq!(w, &g, "{expr}"),
                (Err(w), Err(g)) => assert_eq!(w.kind, g.kind, "{expr}"),
                (w, g) => panic!("{expr}: interpreter {w:?}, JIT {g:?}"),
            }
        }
    }

    #[test]
    fn repeated_jit_calls_follow_strides_shapes_and_values() {
        if jit().is_err() {
            return;
        }
        let a = ndarray::Array2::from_shape_fn((4, 6), |(i, j)| (i * 6 + j) as f64);
        let b = a.mapv(|x| x * 0.5 - 3.0);
        let exprs = [
            "a + b*c",
            "(a - b)*c + a/(b + 100)",
            "(a + 1)[1:, ::2].T * c",
            "sum(a * b, axis=0) * 2",
            "mean(a - b) + max(a + c, axis=1)[0]",
            "any(a > b, axis=1), prod(c[:, :2] + 1, axis=1)",
        ];
        for expr in exprs {
            // One context: its program keeps its lowering and JIT replay between calls.
            let jit = Context::with_backend(Backend::Jit);
            // Same shapes, then other strides (a replay must not be reused), then others.
            for (x, y) in [
                (a.view(), b.view()),
                (a.view(), b.view()),
                (a.slice(ndarray::s![..;-1, ..]), b.view()),
                (
                    a.slice(ndarray::s![.., ..;-1]),
                    b.slice(ndarray::s![..;-1, ..]),
                ),
                (a.view(), b.view()),
            ] {
                let c = x.t().t().to_owned();
                let vars = Vars::new().with("a", x).with("b", y).with("c", &c);
                same_on_both(&jit, expr, &vars);
            }
            let small = array![[1.0, 2.0], [3.0, 4.0]];
            let vars = Vars::new()
                .with("a", &small)
                .with("b", &small)
                .with("c", &small);
            same_on_both(&jit, expr, &vars);
        }
    }

    #[test]
    fn repeated_jit_run_into_writes_every_output_layout() {
        if jit().is_err() {
            return;
        }
        let a = ndarray::Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64);
        let b = a.mapv(|x| 7.0 - x);
        let exprs = ["a * b + 1", "t = a - b; t, t", "sum(a * b, axis=1), a + b"];
        for expr in exprs {
            let vars = Vars::new().with("a", &a).with("b", &b);
            let want = Context::with_backend(Backend::Interpreter)
                .evaluate_many(expr, &vars)
                .unwrap();
            let prog = Context::with_backend(Backend::Jit)
                .compile(expr, &Signature::of(&vars))
                .unwrap();
            // Standard-layout outputs (written in place) and Fortran-order ones (copied).
            for fortran in [false, true, false] {
                for _ in 0..3 {
                    let mut outs: Vec<Array> = want
                        .iter()
                        .map(|w| {
                            let z = Array::zeros(w.dtype(), w.shape());
                            match (fortran, z) {
                                (true, Array::F64(x)) if x.ndim() == 2 => {
                                    let mut f = ndarray::Array2::<f64>::zeros(
                                        (x.shape()[0], x.shape()[1]).f(),
                                    );
                                    f.fill(-1.0);
                                    Array::F64(f.into_dyn())
                                }
                                (_, z) => z,
                            }
                        })
                        .collect();
                    prog.run_into(&vars, &mut outs).unwrap();
                    assert_eq!(outs, want, "{expr} (fortran outputs: {fortran})");
                }
            }
        }
    }

    #[test]
    fn a_replayed_jit_kernel_still_reports_negative_powers() {
        if jit().is_err() {
            return;
        }
        let a = array![2i64, 3, 4];
        let ok = array![1i64, 2, 3];
        let bad = array![1i64, -1, 3];
        let ctx = Context::with_backend(Backend::Jit);
        let prog = ctx
            .compile(
                "a ** b",
                &Signature::of(&Vars::new().with("a", &a).with("b", &ok)),
            )
            .unwrap();
        for _ in 0..2 {
            let out = prog.run(&Vars::new().with("a", &a).with("b", &ok)).unwrap();
            assert_eq!(
                out[0].as_array::<i64>().unwrap(),
                &array![2i64, 9, 64].into_dyn()
            );
        }
        let err = prog
            .run(&Vars::new().with("a", &a).with("b", &bad))
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::NegativePower);
    }

    #[test]
    fn the_cache_is_bounded_and_keyed_by_signature() {
        let ctx = Context::with_backend(Backend::Interpreter);
        let f = array![1.0f64];
        let i = array![1i32];
        for n in 0..CACHE_CAPACITY + 10 {
            let vars = Vars::new().with("x", &f);
            ctx.evaluate(&format!("x + {n}"), &vars).unwrap();
        }
        assert_eq!(ctx.cached(), CACHE_CAPACITY);
        let before = ctx.cached();
        ctx.evaluate("x + 1", &Vars::new().with("x", &i)).unwrap();
        assert_eq!(ctx.cached(), before, "evicts to stay within capacity");
        let out = ctx.evaluate("x + 1", &Vars::new().with("x", &i)).unwrap();
        assert_eq!(out.dtype(), vex_expr::DType::I32);
    }
}
