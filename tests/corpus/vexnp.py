"""NumPy model of vex, and the writer of conformance case files.

`generate.py` builds cases with `Corpus.case(...)`; this module evaluates each program with
NumPy (in a namespace that maps vex's names to NumPy, with vex's deliberate differences
applied), picks the tolerance class, and writes the case as text. See README.md for the file
format.
"""

import math
import re
import warnings

import numpy as np

assert int(np.__version__.split(".")[0]) >= 2, "the corpus needs NumPy >= 2 (NEP 50)"

DTYPES = [
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128",
]
INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
SIGNED = INTS[:4]
UNSIGNED = INTS[4:]
FLOATS = ["float32", "float64"]
COMPLEX = ["complex64", "complex128"]
INEXACT = FLOATS + COMPLEX
SHORT = {
    "bool": "b", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8",
    "uint16": "u16", "uint32": "u32", "uint64": "u64", "float32": "f32", "float64": "f64",
    "complex64": "c64", "complex128": "c128",
}


class Weak:
    """A weak Python scalar input (bound with `vex::Scalar`)."""

    def __init__(self, value):
        assert isinstance(value, (bool, int, float, complex)), value
        self.value = value


class Layout:
    """A strong array input handed to vex as a non-contiguous view.

    `F`: Fortran order; `rev`: axis 0 reversed (negative stride); `step2`: every other
    element of a twice-as-long axis 0; `bcast`: axis 0 broadcast from length 1 (zero stride;
    every row must be equal).
    """

    def __init__(self, array, layout):
        assert layout in ("F", "rev", "step2", "bcast"), layout
        if layout == "bcast":
            assert array.ndim >= 1 and (array == array[:1]).all()
        if layout == "F":
            assert array.ndim >= 2
        self.array = array
        self.layout = layout


class GenSkip(Exception):
    """The case depends on implementation-defined behaviour; the generator drops it."""


# ---------------------------------------------------------------------------------------
# Recording what an evaluation did, to choose the tolerance class.


class Recorder:
    def __init__(self):
        self.transc = 0  # calls of functions that are not correctly rounded
        self.atol = 0.0  # error bound from reductions (absolute)
        self.rtol = 0.0  # error bound from reductions (relative)
        self.maxmag = 0.0  # the largest finite magnitude a wrapped call produced

    def see(self, r):
        a = np.asarray(r)
        if a.dtype.kind in "fc" and a.size:
            m = np.abs(a[np.isfinite(a)])
            if m.size:
                self.maxmag = max(self.maxmag, float(m.max()))


REC = Recorder()

# ---------------------------------------------------------------------------------------
# The vex namespace.

SMALL = {np.dtype(d) for d in ("bool", "int8", "uint8")}
UPCAST = {np.dtype(d) for d in ("bool", "int8", "uint8", "int16", "uint16", "float32")}


def _is_np(x):
    return isinstance(x, (np.ndarray, np.generic))


def _dtype_of(r):
    return np.asarray(r).dtype


def _fix16(args):
    return [a.astype(np.float32) if _is_np(a) and a.dtype in SMALL else a for a in args]


def _up(args):
    out = []
    for a in args:
        if _is_np(a) and a.dtype in UPCAST:
            a = a.astype(np.float64)
        elif _is_np(a) and a.dtype == np.complex64:
            a = a.astype(np.complex128)
        out.append(a)
    return out


def ufunc(f, transc=False, transc_complex=False):
    """A NumPy function as vex computes it: float32 where NumPy gives float16; float32 and
    complex64 transcendental results computed in double precision and rounded (the oracle
    is then the correctly rounded value)."""

    def g(*args):
        r = f(*args)
        dt = _dtype_of(r)
        if dt == np.float16:
            dt = np.dtype(np.float32)
            r = f(*_fix16(args))
        is_transc = transc or (transc_complex and any(_dtype_of(a).kind == "c" for a in args))
        if is_transc:
            REC.transc += 1
            if dt in (np.float32, np.complex64):
                r = np.asarray(f(*_up(args))).astype(dt)
        REC.see(r)
        return r

    return g


def _reduction(npf, kind):
    def g(x, axis=None, keepdims=False):
        r = npf(x, axis=axis, keepdims=keepdims)
        a = np.asarray(x)
        if kind in ("sum", "mean", "prod") and (a.dtype.kind in "fc" or kind == "mean"):
            axes = range(a.ndim) if axis is None else np.atleast_1d(axis)
            n = int(np.prod([a.shape[i] for i in axes]))
            n = max(n, 1)
            fa = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
            eps = float(np.finfo(np.asarray(r).dtype).eps)
            finite = np.where(np.isfinite(fa), np.abs(fa), 0.0)
            if kind in ("sum", "mean") and a.size:
                s = np.sum(finite, axis=axis)
                bound = 2.0 * n * eps * float(np.max(s))
                if kind == "mean":
                    bound /= n
                REC.atol = max(REC.atol, bound)
            REC.rtol = max(REC.rtol, 2.0 * n * eps)
        REC.see(r)
        return r

    return g


def _cast(dtname):
    dt = np.dtype(dtname)

    def g(x):
        if isinstance(x, (bool, int, float, complex)):
            if dt.kind in "iu" and not isinstance(x, (bool, int)):
                _check_float_to_int(np.asarray(x), dt)
                return np.asarray(x).astype(dt)[()]
            return dt.type(x)  # raises OverflowError for out-of-range Python ints
        a = np.asarray(x)
        if dt.kind in "iu" and a.dtype.kind in "fc":
            _check_float_to_int(a, dt)
        return x.astype(dt)

    return g


def _check_float_to_int(a, dt):
    re_ = a.real if a.dtype.kind == "c" else a
    info = np.iinfo(dt)
    lo = -1.0 if dt.kind == "u" else float(info.min)
    # Values that truncate into range; the float → int conversion of anything else is
    # implementation-defined (C's undefined behaviour), so such cases are not generated.
    ok = np.isfinite(re_) & (re_ > lo - 1) & (re_ < float(info.max) + 1)
    if dt.kind == "u":
        ok &= re_ >= 0
    if not np.all(ok):
        raise GenSkip("float to int out of range")


def _complex(a, b):
    if isinstance(a, (int, float, bool)) and isinstance(b, (int, float, bool)):
        return np.complex128(complex(a, b))
    dt = np.result_type(a, b)
    if dt.kind == "c":
        raise TypeError("complex() of complex")
    if dt.kind in "biu":
        dt = np.dtype(np.float32 if dt in {np.dtype(d) for d in ("bool", "int8", "uint8", "int16", "uint16")} else np.float64)
    cdt = np.complex64 if dt == np.float32 else np.complex128
    ra = np.asarray(a).astype(dt) if _is_np(a) else np.asarray(a, dtype=dt)
    rb = np.asarray(b).astype(dt) if _is_np(b) else np.asarray(b, dtype=dt)
    shape = np.broadcast_shapes(ra.shape, rb.shape)
    out = np.empty(shape, cdt)
    out.real = ra
    out.imag = rb
    return out


def _reciprocal(x):
    # vex's reciprocal is true division: integers give float64. Like every function, it
    # gives a strong value even for a Python scalar (as np.sin(2.0) is a strong float64).
    r = 1 / x
    return np.asarray(r)[()] if isinstance(r, (float, complex)) else r


T = True
NAMESPACE = {
    "where": np.where,
    "isnan": ufunc(np.isnan),
    "isfinite": ufunc(np.isfinite),
    "isinf": ufunc(np.isinf),
    "signbit": ufunc(np.signbit),
    **{n: ufunc(getattr(np, n), transc=T) for n in [
        "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
        "arccosh", "arctanh", "exp", "expm1", "log", "log1p", "log10", "log2", "cbrt",
        "arctan2", "hypot", "logaddexp", "deg2rad", "rad2deg"]},
    "sqrt": ufunc(np.sqrt, transc_complex=T),
    "abs": ufunc(np.abs, transc_complex=T),
    "sign": ufunc(np.sign, transc_complex=T),
    **{n: ufunc(getattr(np, n)) for n in [
        "nextafter", "copysign", "maximum", "minimum", "fmod", "ceil", "floor", "trunc",
        "round", "conj", "real", "imag", "square", "clip"]},
    "complex": _complex,
    "copy": np.copy,
    "ones_like": np.ones_like,
    "reciprocal": _reciprocal,
    **{d: _cast(d) for d in DTYPES},
    "sum": _reduction(np.sum, "sum"),
    "prod": _reduction(np.prod, "prod"),
    "min": _reduction(np.min, "min"),
    "max": _reduction(np.max, "max"),
    "mean": _reduction(np.mean, "mean"),
    "any": _reduction(np.any, "any"),
    "all": _reduction(np.all, "all"),
    "arange": np.arange,
    "linspace": np.linspace,
    "zeros": np.zeros,
    "ones": np.ones,
    "pi": math.pi,
    "e": math.e,
    "inf": math.inf,
    "nan": math.nan,
}

ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)")


def statements(program):
    out = []
    for line in program.split("\n"):
        line = line.split("#", 1)[0]
        out.extend(s for s in line.split(";") if s.strip())
    return out


def evaluate(program, inputs):
    """Runs `program` the way vex should; returns the list of outputs (ndarrays)."""
    ns = {"__builtins__": {"__import__": __import__}}
    ns.update(NAMESPACE)
    for name, v in inputs.items():
        if isinstance(v, Weak):
            ns[name] = v.value
        elif isinstance(v, Layout):
            ns[name] = v.array
        else:
            ns[name] = v
    stmts = statements(program)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for s in stmts[:-1]:
            exec(s.strip(), ns)
        last = stmts[-1].strip()
        m = ASSIGN.match(last)
        if m:
            exec(last, ns)
            value = ns[m.group(1)]
        else:
            value = eval(last, ns)
    values = list(value) if isinstance(value, tuple) else [value]
    outs = []
    for v in values:
        a = np.asarray(v)
        if a.dtype == np.float16 or a.dtype.name not in DTYPES:
            raise AssertionError(f"{program!r}: unexpected result dtype {a.dtype}")
        outs.append(a.copy())
    return outs


def classify(exc):
    """The vex ErrorKind for how NumPy failed."""
    msg = str(exc)
    if isinstance(exc, np.exceptions.AxisError):
        return "Axis"
    if isinstance(exc, OverflowError):
        return "Overflow"
    if isinstance(exc, TypeError):
        return "Type"
    if isinstance(exc, ValueError):
        if "negative integer powers" in msg:
            return "NegativePower"
        if "zero-size array" in msg:
            return "EmptyReduction"
        if "broadcast" in msg:
            return "Shape"
        if "duplicate value in 'axis'" in msg:
            return "Axis"
    if isinstance(exc, IndexError):
        return "Shape"
    raise exc


# ---------------------------------------------------------------------------------------
# Formatting.


def fmt_float(x, dt):
    if dt == np.float32:
        s = str(np.float32(x))
    else:
        s = repr(float(x))
    if s in ("nan", "-nan"):
        return "nan"
    return s


def fmt_elem(x, dt):
    dt = np.dtype(dt)
    if dt == np.bool_:
        return "True" if x else "False"
    if dt.kind in "iu":
        return str(int(x))
    if dt.kind == "f":
        return fmt_float(x, dt)
    rdt = np.float32 if dt == np.complex64 else np.float64
    re_ = fmt_float(x.real, rdt)
    im = fmt_float(x.imag, rdt)
    if not im.startswith("-"):
        im = "+" + im
    return f"{re_}{im}j"


def fmt_shape(shape):
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ",".join(str(d) for d in shape) + ")"


def fmt_array(a):
    a = np.asarray(a)
    vals = " ".join(fmt_elem(x, a.dtype) for x in a.reshape(-1))
    return f"{a.dtype.name} {fmt_shape(a.shape)} [{vals}]"


def fmt_input(name, v):
    if isinstance(v, Weak):
        x = v.value
        if isinstance(x, bool):
            return f"in {name}: weak bool {x}"
        if isinstance(x, int):
            return f"in {name}: weak int {x}"
        if isinstance(x, float):
            return f"in {name}: weak float {fmt_float(x, np.float64)}"
        return f"in {name}: weak complex {fmt_elem(np.complex128(x), np.complex128)}"
    if isinstance(v, Layout):
        a = np.asarray(v.array)
        vals = " ".join(fmt_elem(x, a.dtype) for x in a.reshape(-1))
        return f"in {name}: {a.dtype.name} {fmt_shape(a.shape)} {v.layout} [{vals}]"
    assert isinstance(v, np.ndarray), (name, type(v))
    return f"in {name}: {fmt_array(v)}"


def fmt_g(x):
    return f"{x:.3g}"


# ---------------------------------------------------------------------------------------
# Tolerance classes.

SINGLE_CALL = re.compile(r"^\s*\w+\([\w\s,.+\-]*\)\s*$")


def auto_tol(program, outputs, inputs):
    kinds = {o.dtype.kind for o in outputs}
    if not kinds & {"f", "c"}:
        return None
    transc = REC.transc > 0 or "**" in program
    parts = []
    ulp = 4 if transc else 1
    parts.append(f"ulp={ulp}")
    if "c" in kinds:
        parts.append(f"cplx={8 if transc else 4}")
    atol, rtol = REC.atol, REC.rtol
    compound = transc and not (REC.transc <= 1 and SINGLE_CALL.match(program))
    if compound:
        eps = max(float(np.finfo(o.dtype).eps) for o in outputs if o.dtype.kind in "fc")
        mag = max(1.0, REC.maxmag, _maxmag(outputs), _maxmag(_input_arrays(inputs)))
        atol = max(atol, 16 * eps * mag)
    if atol:
        parts.append(f"atol={fmt_g(4 * atol)}")
    if rtol:
        parts.append(f"rtol={fmt_g(4 * rtol)}")
    return " ".join(parts)


def _input_arrays(inputs):
    out = []
    for v in inputs.values():
        if isinstance(v, Weak):
            out.append(np.asarray(v.value))
        elif isinstance(v, Layout):
            out.append(v.array)
        else:
            out.append(v)
    return out


def _maxmag(arrays):
    m = 0.0
    for a in arrays:
        a = np.asarray(a)
        if a.dtype.kind in "fciu" and a.size:
            x = np.abs(a[np.isfinite(a)].astype(np.complex128 if a.dtype.kind == "c" else np.float64))
            if x.size:
                m = max(m, float(x.max()))
    return m


# ---------------------------------------------------------------------------------------
# The corpus.


class Corpus:
    def __init__(self):
        self.topics = {}  # topic -> list of case texts
        self.names = set()
        self.topic = None
        self.stats = {"ok": 0, "error": 0, "skipped": 0}

    def begin(self, topic, doc):
        self.topic = topic
        self.topics[topic] = [doc]

    def case(self, name, program, inputs=None, *, error=None, span=None, tol=None, note=None,
             expect=None):
        """Adds a case. The expected result comes from NumPy unless `error` (an ErrorKind
        name) or `expect` (a list of arrays) is given, for vex's deliberate differences.
        `span` is the (start, end) byte range the error must point at; a string is looked up
        in the program."""
        inputs = inputs or {}
        full = self.topic + "/" + re.sub(r"\s+", "", name)
        base, i = full, 2
        while full in self.names:
            full = f"{base}~{i}"
            i += 1
        REC.__init__()
        outputs = [np.asarray(x) for x in expect] if expect is not None else None
        if error is None and outputs is None:
            try:
                outputs = evaluate(program, inputs)
            except GenSkip:
                self.stats["skipped"] += 1
                return
            except Exception as exc:  # noqa: BLE001 - classified below
                error = classify(exc)
        if isinstance(span, str):
            start = program.index(span)
            span = (start, start + len(span))
        self.names.add(full)
        lines = [f"case {full}"]
        if note:
            lines.append(f"note: {note}")
        for pl in program.split("\n"):
            lines.append(f"expr: {pl}")
        for n, v in inputs.items():
            lines.append(fmt_input(n, v))
        if error is not None:
            self.stats["error"] += 1
            e = f"error: {error}"
            if span is not None:
                e += f" @{span[0]}..{span[1]}"
            lines.append(e)
        else:
            self.stats["ok"] += 1
            for o in outputs:
                lines.append(f"out: {fmt_array(o)}")
            t = tol if tol is not None else auto_tol(program, outputs, inputs)
            if t:
                lines.append(f"tol: {t}")
        self.topics[self.topic].append("\n".join(lines))

    def write(self, directory):
        import os

        for f in os.listdir(directory):
            if f.endswith(".cases"):
                os.remove(os.path.join(directory, f))
        for topic, blocks in self.topics.items():
            with open(os.path.join(directory, f"{topic}.cases"), "w") as fh:
                fh.write("\n\n".join(blocks) + "\n")
