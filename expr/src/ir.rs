//! The kernel IR: what every backend executes.
//!
//! A [`Program`] is a sequence of [`Kernel`]s over concrete shapes. Each kernel is a typed
//! DAG of elementwise [`Node`]s evaluated at every point of its iteration space (its
//! `shape`, in C order) and a list of [`Store`]s that write nodes to buffers, either
//! elementwise or reduced over some axes. Kernels read the program's inputs, the buffers
//! written by earlier kernels, and index-based sources (`arange`, `linspace`, random
//! numbers) through
//! [`View`]s, which express broadcasting, slicing, new axes and integer indexing as affine
//! index maps: no view ever copies data.
//!
//! Invariants the lowering guarantees and backends may rely on:
//! - nodes are in topological order (operands have smaller ids);
//! - the operands of [`Op::Binary`] have the same dtype; comparisons produce bool, every
//!   other binary op produces that dtype;
//! - [`Op::Unary`], [`Op::Call`] and [`Op::Where`] operands have the dtypes listed on
//!   [`UnaryOp`], [`Func`] and [`Op::Where`];
//! - a `Store`'s buffer has the dtype of the stored node, and the kernel's shape without
//!   the reduced axes;
//! - every source index produced by a view is in bounds (checked when lowering);
//! - `Min`/`Max` reductions never run over an empty axis (rejected when lowering).

use std::fmt;

use crate::dtype::DType;

pub use crate::ast::BinaryOp;

/// Index of a node within its kernel.
pub type NodeId = usize;
/// Index of an intermediate or output buffer within its program.
pub type BufferId = usize;

/// A lowered program over concrete shapes.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// The arrays the caller provides, in the order backends receive them.
    pub inputs: Vec<InputDecl>,
    /// Arrays written by kernels (intermediates and outputs), allocated by the executor.
    pub buffers: Vec<BufferDecl>,
    /// Run in order; a kernel reads only buffers written by earlier kernels.
    pub kernels: Vec<Kernel>,
    /// The program's results, in order.
    pub outputs: Vec<BufferId>,
}

/// A program input.
#[derive(Clone, Debug, PartialEq)]
pub struct InputDecl {
    /// The name the caller binds.
    pub name: String,
    /// Its dtype.
    pub dtype: DType,
    /// Its shape.
    pub shape: Vec<usize>,
}

/// An array written by a kernel.
#[derive(Clone, Debug, PartialEq)]
pub struct BufferDecl {
    /// Its dtype.
    pub dtype: DType,
    /// Its shape.
    pub shape: Vec<usize>,
}

/// One fused pass over an iteration space.
#[derive(Clone, Debug, PartialEq)]
pub struct Kernel {
    /// The iteration space, traversed in C order.
    pub shape: Vec<usize>,
    /// The elementwise DAG, operands before users.
    pub nodes: Vec<Node>,
    /// What the kernel writes.
    pub stores: Vec<Store>,
}

/// One value of the DAG.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// How it is computed.
    pub op: Op,
    /// The dtype of the node's value.
    pub dtype: DType,
}

/// Node operations.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Reads `source` at the index the view maps the current point to. The value has the
    /// source's dtype (inputs, buffers) or the node's dtype (index sources).
    Load {
        /// Where the value is read.
        source: Source,
        /// How the kernel's point maps to the source's index.
        view: View,
    },
    /// A constant, converted exactly to the node's dtype (the lowering checks it fits).
    Const(Literal),
    /// A unary operation, see [`UnaryOp`].
    Unary(UnaryOp, NodeId),
    /// A binary operation on operands of one dtype.
    Binary(BinaryOp, NodeId, NodeId),
    /// A function of one or more operands, see [`Func`] for the types.
    Call(Func, Vec<NodeId>),
    /// Converts the operand to the node's dtype with NumPy's `astype` rules (wrapping
    /// integers, truncating floats toward zero, complex to real drops the imaginary part,
    /// anything to bool is `!= 0`). Float to integer for NaN or out-of-range values is
    /// implementation-defined in NumPy; vex saturates (NaN → 0).
    Cast(NodeId),
    /// `where(cond, a, b)`: `cond` is bool, `a` and `b` have the node's dtype.
    Where(NodeId, NodeId, NodeId),
}

/// Where a load reads from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// The program input with this index.
    Input(usize),
    /// A buffer written by an earlier kernel.
    Buffer(BufferId),
    /// A virtual 1-D array of `len` values `start + i*step` in the node's dtype (NumPy's
    /// `arange`). Integer dtypes compute exactly (wrapping); floats as `start + i*step`.
    Arange {
        /// The value at index 0.
        start: Literal,
        /// The difference between neighbours.
        step: Literal,
        /// Number of values.
        len: usize,
    },
    /// A virtual 1-D float64 array of NumPy's `linspace(start, stop, num)`: `start + i*step`
    /// with `step = (stop - start) / (num - 1)`, and exactly `stop` at the last index.
    Linspace {
        /// The first value.
        start: f64,
        /// The last value.
        stop: f64,
        /// Number of values.
        num: usize,
    },
    /// A virtual float64 array of `shape` whose element at flat (C-order) index `i` is
    /// `draw.at(i)`: uniform random numbers of a counter-based generator (see
    /// [`crate::random`]; `rand`, and the two halves of `randn`'s Box–Muller).
    Uniform {
        /// Which draw: seed, stream, bits and interval.
        draw: crate::random::Uniform,
        /// The array's shape; a view indexes it like an input of this shape.
        shape: Vec<usize>,
    },
}

impl Source {
    /// The shape of an index source (`None` for inputs and buffers).
    pub fn index_shape(&self) -> Option<Vec<usize>> {
        match self {
            Source::Input(_) | Source::Buffer(_) => None,
            Source::Arange { len, .. } => Some(vec![*len]),
            Source::Linspace { num, .. } => Some(vec![*num]),
            Source::Uniform { shape, .. } => Some(shape.clone()),
        }
    }
}

/// An affine map from the kernel's iteration index to an index into a source.
///
/// For each source axis `a`: `index[a] = axes[a].start + axes[a].step * point[kernel_axis]`,
/// or just `start` when `kernel_axis` is `None` (integer indexing, or a broadcast length-1
/// axis). Kernel axes that no source axis refers to are broadcast.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct View {
    /// One entry per source axis.
    pub axes: Vec<AxisMap>,
}

/// How one source axis is indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AxisMap {
    /// The source index at point 0.
    pub start: usize,
    /// Source index change per step along `kernel_axis`.
    pub step: isize,
    /// The kernel axis this source axis follows, or `None` for a fixed index.
    pub kernel_axis: Option<usize>,
}

impl View {
    /// The identity view of a source with the kernel's own shape.
    pub fn identity(ndim: usize) -> View {
        View {
            axes: (0..ndim)
                .map(|k| AxisMap {
                    start: 0,
                    step: 1,
                    kernel_axis: Some(k),
                })
                .collect(),
        }
    }

    /// The source index for a kernel point.
    pub fn source_index(&self, point: &[usize], out: &mut Vec<usize>) {
        out.clear();
        out.extend(self.axes.iter().map(|m| match m.kernel_axis {
            Some(k) => (m.start as isize + m.step * point[k] as isize) as usize,
            None => m.start,
        }));
    }

    /// The element offset of a kernel point's source element, given the source's strides
    /// (in elements): `base + Σ point[k] * kernel_strides[k]`, see
    /// [`View::kernel_strides`].
    pub fn base_offset(&self, source_strides: &[isize]) -> isize {
        self.axes
            .iter()
            .zip(source_strides)
            .map(|(m, s)| m.start as isize * s)
            .sum()
    }

    /// The stride, in source elements, of one step along each kernel axis.
    pub fn kernel_strides(&self, source_strides: &[isize], kernel_ndim: usize) -> Vec<isize> {
        let mut strides = vec![0isize; kernel_ndim];
        for (m, s) in self.axes.iter().zip(source_strides) {
            if let Some(k) = m.kernel_axis {
                strides[k] += m.step * s;
            }
        }
        strides
    }
}

/// Writes a node to a buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct Store {
    /// The stored node.
    pub node: NodeId,
    /// The buffer written.
    pub buffer: BufferId,
    /// `None`: one value per point. `Some`: reduced over the given kernel axes (sorted,
    /// distinct); the buffer has the kernel's shape without them.
    pub reduce: Option<Reduce>,
}

/// A reduction over kernel axes.
#[derive(Clone, Debug, PartialEq)]
pub struct Reduce {
    /// Which reduction.
    pub op: ReduceOp,
    /// The reduced kernel axes, sorted and distinct.
    pub axes: Vec<usize>,
}

/// Reductions. The stored node already has the accumulation dtype (the lowering casts,
/// e.g. int8 → int64 for `sum`, int → float64 for `mean`), and the result has that dtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    /// Sum; for floats and complex at least as accurate as NumPy's pairwise sum. Empty: 0.
    Sum,
    /// Product. Empty: 1.
    Prod,
    /// Minimum, NaN-propagating. Never empty.
    Min,
    /// Maximum, NaN-propagating. Never empty.
    Max,
    /// Logical or of a bool node. Empty: false.
    Any,
    /// Logical and of a bool node. Empty: true.
    All,
    /// Sum divided by the count, float or complex only. Empty: NaN.
    Mean,
}

impl ReduceOp {
    /// The name as written in vex.
    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "sum",
            ReduceOp::Prod => "prod",
            ReduceOp::Min => "min",
            ReduceOp::Max => "max",
            ReduceOp::Any => "any",
            ReduceOp::All => "all",
            ReduceOp::Mean => "mean",
        }
    }
}

/// A constant value; its dtype is the node's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Literal {
    /// `True` / `False`.
    Bool(bool),
    /// An integer, exact.
    Int(i128),
    /// A float.
    Float(f64),
    /// A complex number (real, imaginary).
    Complex(f64, f64),
}

/// Unary operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// Negation: integers wrap, floats and complex flip the sign. Not on bool.
    Neg,
    /// Logical not on bool, bitwise not on integers.
    Not,
}

/// Elementwise functions. Unless stated, operands and result share one dtype.
///
/// "float" means float32/float64; "inexact" adds complex64/complex128; "numeric" is every
/// dtype but bool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    /// inexact → bool
    IsNan,
    /// inexact → bool
    IsFinite,
    /// inexact → bool
    IsInf,
    /// float → bool
    SignBit,
    /// inexact → inexact
    Sin,
    /// inexact → inexact
    Cos,
    /// inexact → inexact
    Tan,
    /// inexact → inexact
    Arcsin,
    /// inexact → inexact
    Arccos,
    /// inexact → inexact
    Arctan,
    /// inexact → inexact
    Sinh,
    /// inexact → inexact
    Cosh,
    /// inexact → inexact
    Tanh,
    /// inexact → inexact
    Arcsinh,
    /// inexact → inexact
    Arccosh,
    /// inexact → inexact
    Arctanh,
    /// inexact → inexact
    Exp,
    /// inexact → inexact
    Expm1,
    /// inexact → inexact
    Log,
    /// inexact → inexact
    Log1p,
    /// inexact → inexact
    Log10,
    /// inexact → inexact
    Log2,
    /// inexact → inexact
    Sqrt,
    /// float only
    Cbrt,
    /// float, float → float
    Arctan2,
    /// float, float → float
    Hypot,
    /// float, float → float
    Nextafter,
    /// float, float → float
    Copysign,
    /// float, float → float: `log(exp(a) + exp(b))` without overflow
    Logaddexp,
    /// numeric, numeric → numeric: C's fmod (sign of the dividend); integer by zero is 0
    Fmod,
    /// any, any → any; NaN-propagating; complex compares lexicographically
    Maximum,
    /// any, any → any; NaN-propagating; complex compares lexicographically
    Minimum,
    /// float only
    Ceil,
    /// float only
    Floor,
    /// float only
    Trunc,
    /// float/complex: round half to even (NumPy's `round`/`rint`)
    Round,
    /// numeric: -1, 0, 1 (NaN for NaN); complex: z/|z| (0 for 0), NumPy 2
    Sign,
    /// numeric; integers wrap (abs(int8 -128) is -128); complex → its real dtype
    Abs,
    /// complex only
    Conj,
    /// complex → real dtype
    Real,
    /// complex → real dtype
    Imag,
    /// float, float → complex of that precision
    Complex,
}

impl Func {
    /// The name as written in vex (and NumPy).
    pub fn name(self) -> &'static str {
        use Func::*;
        match self {
            IsNan => "isnan",
            IsFinite => "isfinite",
            IsInf => "isinf",
            SignBit => "signbit",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Arcsin => "arcsin",
            Arccos => "arccos",
            Arctan => "arctan",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Arcsinh => "arcsinh",
            Arccosh => "arccosh",
            Arctanh => "arctanh",
            Exp => "exp",
            Expm1 => "expm1",
            Log => "log",
            Log1p => "log1p",
            Log10 => "log10",
            Log2 => "log2",
            Sqrt => "sqrt",
            Cbrt => "cbrt",
            Arctan2 => "arctan2",
            Hypot => "hypot",
            Nextafter => "nextafter",
            Copysign => "copysign",
            Logaddexp => "logaddexp",
            Fmod => "fmod",
            Maximum => "maximum",
            Minimum => "minimum",
            Ceil => "ceil",
            Floor => "floor",
            Trunc => "trunc",
            Round => "round",
            Sign => "sign",
            Abs => "abs",
            Conj => "conj",
            Real => "real",
            Imag => "imag",
            Complex => "complex",
        }
    }

    /// Number of operands.
    pub fn arity(self) -> usize {
        use Func::*;
        match self {
            Arctan2 | Hypot | Nextafter | Copysign | Logaddexp | Fmod | Maximum | Minimum
            | Complex => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) => write!(f, "{x:?}"),
            Literal::Complex(re, im) => write!(f, "({re:?}{im:+?}j)"),
        }
    }
}

fn shape_str(shape: &[usize]) -> String {
    let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    if shape.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .axes
            .iter()
            .map(|m| match m.kernel_axis {
                None => m.start.to_string(),
                Some(k) => {
                    let mut s = String::new();
                    if m.start != 0 {
                        s.push_str(&format!("{}", m.start));
                    }
                    match m.step {
                        0 => {
                            if s.is_empty() {
                                s.push('0')
                            }
                        }
                        1 => s.push_str(&format!("{}i{k}", if s.is_empty() { "" } else { "+" })),
                        st => s.push_str(&format!(
                            "{}{st}*i{k}",
                            if s.is_empty() || st < 0 { "" } else { "+" }
                        )),
                    }
                    s
                }
            })
            .collect();
        write!(f, "[{}]", parts.join(", "))
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, input) in self.inputs.iter().enumerate() {
            writeln!(
                f,
                "input  %in{i} {}: {}{}",
                input.name,
                input.dtype,
                shape_str(&input.shape)
            )?;
        }
        for (ki, k) in self.kernels.iter().enumerate() {
            writeln!(f, "kernel {ki} over {}:", shape_str(&k.shape))?;
            for (ni, n) in k.nodes.iter().enumerate() {
                let rhs = match &n.op {
                    Op::Load { source, view } => {
                        let src = match source {
                            Source::Input(i) => format!("%in{i}"),
                            Source::Buffer(b) => format!("%buf{b}"),
                            Source::Arange { start, step, len } => {
                                format!("arange(start={start}, step={step}, len={len})")
                            }
                            Source::Linspace { start, stop, num } => {
                                format!("linspace({start:?}, {stop:?}, {num})")
                            }
                            Source::Uniform { draw, shape } => format!(
                                "uniform{}(seed={}, stream={}, half={}, shape={})",
                                if draw.open_low { "(0,1]" } else { "[0,1)" },
                                draw.seed,
                                draw.stream,
                                draw.half,
                                shape_str(shape)
                            ),
                        };
                        format!("load {src}{view}")
                    }
                    Op::Const(l) => format!("const {l}"),
                    Op::Unary(op, a) => format!("{} %{a}", format!("{op:?}").to_lowercase()),
                    Op::Binary(op, a, b) => format!("%{a} {} %{b}", op.symbol()),
                    Op::Call(func, args) => {
                        let a: Vec<String> = args.iter().map(|a| format!("%{a}")).collect();
                        format!("{}({})", func.name(), a.join(", "))
                    }
                    Op::Cast(a) => format!("cast %{a}"),
                    Op::Where(c, a, b) => format!("where(%{c}, %{a}, %{b})"),
                };
                writeln!(f, "  %{ni}: {} = {rhs}", n.dtype)?;
            }
            for s in &k.stores {
                let buf = &self.buffers[s.buffer];
                match &s.reduce {
                    None => writeln!(f, "  store %{} -> %buf{}", s.node, s.buffer)?,
                    Some(r) => writeln!(
                        f,
                        "  store {}(%{}, axes={:?}) -> %buf{}",
                        r.op.name(),
                        s.node,
                        r.axes,
                        s.buffer
                    )?,
                }
                let _ = buf;
            }
        }
        for (i, b) in self.outputs.iter().enumerate() {
            let buf = &self.buffers[*b];
            writeln!(
                f,
                "output {i} = %buf{b}: {}{}",
                buf.dtype,
                shape_str(&buf.shape)
            )?;
        }
        Ok(())
    }
}
