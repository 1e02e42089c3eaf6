//! Compilation contexts, compiled programs and their cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use vex_expr::{Array, ArrayRef, Error, ErrorKind, Operand, OperandSig};

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
    /// otherwise, and for small programs (up to 256 points in all), where its lower
    /// fixed cost per call wins. The environment variable `VEX_BACKEND=interp|jit`
    /// overrides the choice.
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

/// Up to this many points in all (summed over kernels), `Auto` runs the interpreter: its
/// fixed cost per call is lower than the JIT's, which only wins on longer loops
/// (`examples/overhead.rs` measured them even at about 256 points of `a + b*c`, 1.7 µs a
/// call, with the JIT ahead from there on).
const AUTO_INTERPRETER_POINTS: usize = 256;

fn total_points(ir: &vex_expr::ir::Program) -> usize {
    ir.kernels
        .iter()
        .map(|k| k.shape.iter().product::<usize>())
        .fold(0usize, usize::saturating_add)
}

/// Runs `ir` on `backend`: the single place where backends are chosen. With `outputs`,
/// writes into them and returns `None`.
fn execute(
    backend: Backend,
    ir: &vex_expr::ir::Program,
    inputs: &[ArrayRef<'_>],
    mut outputs: Option<&mut [Array]>,
) -> Result<Option<Vec<Array>>> {
    let backend = backend.resolve();
    let small = backend == Backend::Auto && total_points(ir) <= AUTO_INTERPRETER_POINTS;
    if backend != Backend::Interpreter && !small {
        match jit() {
            Ok(jit) => {
                let result = match outputs.as_deref_mut() {
                    Some(outs) => jit.run_into(ir, inputs, outs).map(|()| None),
                    None => jit.run(ir, inputs).map(Some),
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
        Some(outs) => vex_expr::interp::run_into(ir, inputs, outs).map(|()| None),
        None => vex_expr::interp::run(ir, inputs).map(Some),
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
    signature: Signature,
    checked: Arc<vex_expr::Checked>,
    backend: Backend,
    /// The IR lowered for the last operand shapes and scalar values seen: repeated calls
    /// with the same shapes skip lowering and optimisation.
    lowered: Arc<Mutex<LastLowered>>,
}

/// What lowering depends on beyond the signature: array shapes and scalar values (in the
/// signature's order).
type LowerKey = Vec<KeyPart>;
type LastLowered = Option<(LowerKey, Arc<vex_expr::ir::Program>)>;

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
        let ir = self.lower_cached(vars)?;
        let inputs = self.inputs(&ir, vars)?;
        execute(self.backend, &ir, &inputs, None)
            .map(|outs| outs.expect("outputs are returned when none are given"))
            .map_err(|e| e.locate(&self.source))
    }

    /// Runs the program, writing its outputs into `outputs`, which must have the result
    /// dtypes and shapes (see [`Program::run`] for what they are).
    pub fn run_into(&self, vars: &Vars<'_>, outputs: &mut [Array]) -> Result<()> {
        let ir = self.lower_cached(vars)?;
        let inputs = self.inputs(&ir, vars)?;
        execute(self.backend, &ir, &inputs, Some(outputs))
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
        Ok(self.lower(vars)?.to_string())
    }

    /// Lowers and optimises the program for the operands' shapes.
    pub fn lower(&self, vars: &Vars<'_>) -> Result<vex_expr::ir::Program> {
        Ok((*self.lower_cached(vars)?).clone())
    }

    /// [`Program::lower`], reusing the last result when shapes and scalars are unchanged.
    fn lower_cached(&self, vars: &Vars<'_>) -> Result<Arc<vex_expr::ir::Program>> {
        let sig = Signature::of(vars);
        if sig != self.signature {
            return Err(Error::new(
                ErrorKind::Input,
                "operands do not match the signature this program was compiled for",
            ));
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
        {
            let last = self.lowered.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((k, ir)) = last.as_ref() {
                // Scalars compare by value; NaN never matches and simply re-lowers.
                if *k == key {
                    return Ok(ir.clone());
                }
            }
        }
        let ir = Arc::new(self.lower_uncached(vars)?);
        *self.lowered.lock().unwrap_or_else(|p| p.into_inner()) = Some((key, ir.clone()));
        Ok(ir)
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

#[derive(Debug, Default)]
struct Cache {
    map: HashMap<(Arc<str>, Signature), (Program, u64)>,
    clock: u64,
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
        let key: (Arc<str>, Signature) = (Arc::from(expr), signature.clone());
        {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.clock += 1;
            let now = cache.clock;
            if let Some((prog, used)) = cache.map.get_mut(&key) {
                *used = now;
                return Ok(prog.clone());
            }
        }
        let ast = vex_expr::parse(expr).map_err(|e| e.locate(expr))?;
        let checked = vex_expr::check(&ast, &signature.entries)
            .map_err(|e| e.locate(expr))?
            .with_source(expr);
        let program = Program {
            source: key.0.clone(),
            signature: signature.clone(),
            checked: Arc::new(checked),
            backend: self.backend,
            lowered: Arc::default(),
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.map.len() >= CACHE_CAPACITY {
            // Evict the least recently used program.
            if let Some(old) = cache
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            {
                cache.map.remove(&old);
            }
        }
        let now = cache.clock;
        cache.map.insert(key, (program.clone(), now));
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
        self.compile(expr, &Signature::of(vars))?.run(vars)
    }

    /// Number of compiled programs in the cache.
    pub fn cached(&self) -> usize {
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .len()
    }
}

pub(crate) fn with_default<T>(f: impl FnOnce(&Context) -> T) -> T {
    static DEFAULT: OnceLock<Context> = OnceLock::new();
    f(DEFAULT.get_or_init(Context::new))
}

#[cfg(test)]
mod tests {
    use ndarray::array;

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
