"""Corpus topics on structure rather than element types: reductions, broadcasting, indexing,
index sources, programs, literals, casts, whole kernels, errors and input layouts.

Each topic is `topic(C, rng_for, arr, vals, scalar0)`, called by generate.py.
"""

import numpy as np

from vexnp import COMPLEX, DTYPES, FLOATS, SHORT, Layout, Weak

REDUCTIONS = ["sum", "prod", "min", "max", "mean", "any", "all"]


def loose(dt, mag=1.0):
    """Tolerance for whole kernels: many roundings, some cancellation."""
    eps = float(np.finfo(np.dtype(dt)).eps)
    t = f"ulp=8 atol={256 * eps * mag:.3g} rtol={64 * eps:.3g}"
    if np.dtype(dt).kind == "c":
        t += " cplx=32"
    return t


def reduce(C, rng_for, arr, vals, scalar0):
    C.begin("reduce", "# Reductions: every dtype and axis form, empty arrays, reductions inside expressions.")
    rng = rng_for("reduce")
    forms = ["", ", axis=0", ", axis=-1", ", axis=(0, 1)", ", axis=0, keepdims=True", ", 1"]
    for red in REDUCTIONS:
        for d in DTYPES:
            a = arr(rng, d, (3, 4), "small" if red == "prod" else "any")
            for i, form in enumerate(forms):
                C.case(f"{red}_{SHORT[d]}_{i}", f"{red}(a{form})", {"a": a})
        for d in ["float64", "int32", "float32"]:
            t = arr(rng, d, (2, 3, 4), "small")
            for i, form in enumerate([", axis=(0, 2)", ", axis=1", ", axis=(-1, -3)",
                                      ", axis=(0, 2), keepdims=True", ", axis=None", ", keepdims=True"]):
                C.case(f"{red}_3d_{SHORT[d]}_{i}", f"{red}(t{form})", {"t": t})
        for d in ["float64", "int32", "bool", "complex64"]:
            e = np.zeros((0, 3), d)
            for i, form in enumerate(["", ", axis=0", ", axis=1"]):
                C.case(f"{red}_empty_{SHORT[d]}_{i}", f"{red}(e{form})", {"e": e})
        s = scalar0(rng, "float64")
        C.case(f"{red}_0d", f"{red}(s)", {"s": s})
        at = len(f"{red}(s, axis=")
        C.case(f"{red}_0d_axis_error", f"{red}(s, axis=0)", {"s": s}, span=(at, at + 1),
               error="Axis", note="NumPy accepts axis=0 on 0-d arrays except in mean")
        C.case(f"{red}_weak", f"{red}(2.5)")
    # axis errors: the checker points at the offending axis
    m = arr(rng, "float64", (3, 4))
    C.case("axis_out_of_range", "sum(m, axis=2)", {"m": m}, span=(12, 13))
    C.case("axis_negative_out_of_range", "mean(m, axis=-3)", {"m": m}, span=(13, 15))
    C.case("axis_repeated", "sum(m, axis=(0, 0))", {"m": m}, error="Axis")
    C.case("axis_repeated_negative", "max(m, axis=(1, -1))", {"m": m}, error="Axis")
    # accuracy of long float sums
    for d in FLOATS + COMPLEX:
        x = arr(rng, d, (50,), "any") * np.array(10.0, d) ** rng.integers(-3, 4, 50).astype(d)
        C.case(f"sum_long_{SHORT[d]}", "sum(x), mean(x)", {"x": x.astype(d)})
        C.case(f"prod_long_{SHORT[d]}", "prod(x)", {"x": (1 + arr(rng, d, (40,), "small") / 10).astype(d)})
    # reductions anywhere in an expression
    x = arr(rng, "float64", (4, 5))
    y = arr(rng, "float32", (4, 5))
    i8 = arr(rng, "int8", (4, 5))
    exprs = [
        "a - mean(a)", "a / sqrt(sum(a**2, axis=1))[:, None]", "a - mean(a, axis=0)",
        "max(a, axis=-1) - min(a, axis=-1)", "mean(a * a, axis=(0, 1))", "sum(sum(a, axis=0))",
        "any(a > 0, axis=0)", "all(isfinite(a))", "sum(a > 0)", "mean(a, axis=0)[1:]",
        "sum(a[::2], axis=0)", "where(a > mean(a), a, 0)", "sum(a, axis=1, keepdims=True) / a",
        "a / max(abs(a))", "sum(a, axis=0) + sum(a, axis=1)[:, None]", "prod(a > -1, axis=1)",
        "sum(a * 2 + 1, axis=1)", "mean(a) + mean(a, axis=0) * 0", "min(a) < max(a)",
        "sqrt(mean((a - mean(a))**2))", "sum(a[:, None, :] * a[None, :, :], axis=2)",
        "sum(a, axis=0) + sum(a, axis=1)",
    ]
    for j, ex in enumerate(exprs):
        for name, v in [("f64", x), ("f32", y), ("i8", i8)]:
            C.case(f"expr{j}_{name}", ex, {"a": v})
    C.case("sum_bool_is_int64", "sum(b), sum(b, axis=0), prod(b)", {"b": vals(rng, "bool", 6).reshape(2, 3)})
    C.case("sum_u8_is_u64", "sum(a)", {"a": np.full(300, 200, np.uint8).reshape(30, 10)})
    C.case("sum_i8_is_i64", "sum(a, axis=0)", {"a": np.full((30, 2), -100, np.int8)})
    C.case("sum_i64_wraps", "sum(a)", {"a": np.array([2**62, 2**62, 2**62], np.int64)})
    C.case("mean_int_is_f64", "mean(a)", {"a": np.array([1, 2, 4], np.int16)})
    C.case("mean_empty_nan", "mean(e)", {"e": np.zeros(0)})
    C.case("min_empty_error", "min(e)", {"e": np.zeros(0, np.float32)})
    C.case("max_empty_axis_error", "max(e, axis=0)", {"e": np.zeros((0, 3), np.int8)})
    C.case("max_empty_other_axis_ok", "max(e, axis=1)", {"e": np.zeros((0, 3), np.int8)})
    C.case("min_arange0_error", "min(arange(0))")
    C.case("keepdims_broadcast", "a - mean(a, axis=1, keepdims=True)", {"a": y})
    C.case("reduce_of_broadcast", "sum(a[:, None] + b[None, :], axis=0)",
           {"a": arr(rng, "float64", (3,)), "b": arr(rng, "float64", (4,))})
    C.case("minmax_complex_lexicographic", "min(z), max(z)",
           {"z": np.array([1 + 2j, 1 + 1j, 0 + 5j, 1 - 1j])})
    C.case("shape_error_after_reduce", "sum(a, axis=0) + sum(a, axis=1)", {"a": x}, span=(0, 31))


def broadcast(C, rng_for, arr, vals, scalar0):
    C.begin("broadcast", "# Broadcasting: compatible and incompatible shape pairs, nested errors.")
    rng = rng_for("broadcast")
    good = [((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 3)), ((2, 3), ()), ((0, 3), (1, 3)),
            ((0, 3), (3,)), ((2, 1, 4), (3, 1)), ((1,), (5,)), ((5,), (1,)), ((1, 1), (2, 3)),
            ((4, 1, 1), (1, 2, 3)), ((3, 1), (3, 4)), ((0,), (1,)), ((1, 0), (3, 1)), ((2, 3), (2, 3)),
            ((1, 1, 1), ()), ((3,), (2, 1))]
    bad = [((4,), (3,)), ((2, 3), (3, 2)), ((2, 3), (2,)), ((0,), (2,)), ((3, 1, 2), (4, 2)),
           ((2, 3), (1, 2))]
    combos = [("float64", "float64"), ("int32", "int32"), ("int8", "float32"), ("bool", "int16")]
    for sa, sb in good + bad:
        for da, db in combos:
            for op in ["+", "*", "<"]:
                name = f"{'x'.join(map(str, sa)) or 's'}_{'x'.join(map(str, sb)) or 's'}_{SHORT[da]}_{SHORT[db]}"
                C.case(f"{name}_{op}", f"a {op} b", {"a": arr(rng, da, sa), "b": arr(rng, db, sb)},
                       span=(0, 5))
    C.case("three_way", "a + b + c",
           {"a": arr(rng, "float64", (3, 1, 1)), "b": arr(rng, "float64", (1, 4, 1)), "c": arr(rng, "float64", (2,))})
    C.case("three_way_where", "where(c, a, b)",
           {"c": vals(rng, "bool", 2).reshape(2, 1, 1), "a": arr(rng, "int32", (3, 1)), "b": arr(rng, "int32", (4,))})
    C.case("nested_error_inner", "a * (b + c)",
           {"a": arr(rng, "float64", (3,)), "b": arr(rng, "float64", (3,)), "c": arr(rng, "float64", (4,))},
           span="(b + c)", note="the span of a parenthesised expression includes the parentheses")
    C.case("nested_error_outer", "(a + b) * c",
           {"a": arr(rng, "float64", (3,)), "b": arr(rng, "float64", (3,)), "c": arr(rng, "float64", (4,))},
           span=(0, 11))
    C.case("error_in_call_arg", "sin(a + b)",
           {"a": arr(rng, "float64", (3,)), "b": arr(rng, "float64", (4,))}, span="a + b")
    C.case("error_in_second_statement", "t = a * 2\nt + b",
           {"a": arr(rng, "float64", (3,)), "b": arr(rng, "float64", (4,))}, span=(10, 15))
    C.case("reduce_then_broadcast_error", "a - mean(a, axis=1)", {"a": arr(rng, "float64", (3, 4))},
           span=(0, 19))
    C.case("zero_size_result", "sum(a + b, axis=0)", {"a": arr(rng, "float64", (0, 3)), "b": arr(rng, "float64", (3,))})
    C.case("outer_product", "a[:, None] * b[None, :]", {"a": arr(rng, "int16", (4,)), "b": arr(rng, "int16", (5,))})
    C.case("broadcast_0d_strong", "a * s", {"a": arr(rng, "float32", (2, 2)), "s": scalar0(rng, "float64")})


def index(C, rng_for, arr, vals, scalar0):
    C.begin("index", "# Basic indexing: integers, slices, None, ..., .T, on inputs and subexpressions.")
    rng = rng_for("index")
    a = arr(rng, "float64", (8,))
    m = arr(rng, "int32", (4, 5))
    t = arr(rng, "float32", (2, 3, 4))
    s = scalar0(rng, "int16")
    b = arr(rng, "float64", (8,))
    ok = [
        "a[1:]", "a[:-2]", "a[::2]", "a[::-1]", "a[:, None]", "a[None, :]", "a[None]", "a[1]",
        "a[-1]", "a[2:6:2]", "a[6:2:-1]", "a[-3:]", "a[100:]", "a[-100:]", "a[1:1]", "a[5:1]",
        "a[::3]", "a[::-3]", "a[:, None] * a[None, :]", "a[...]", "a[..., None]",
        "a[1:] - a[:-1]", "(a + b)[::2]", "(a * b)[::-1][1:]", "a[1 + 1]", "a[2*2:]", "a[-8]",
        "a[7:-9:-1]", "a[-2::-2]", "a[:0]",
        "m[1:-1, 1:-1]", "m[0]", "m[:, 0]", "m[-1, -1]", "m[1]", "m[..., 0]", "m[0, ...]",
        "m[None]", "m[:, None, :]", "m[::-1, ::2]", "m[1:3, ::-2]", "m.T", "m.T[0]",
        "(m + 1).T[1:]", "m[:, 1:] - m[:, :-1]", "m[0] + m[:, 0][:, None]", "m[2, 1:4]",
        "m[:, :, None]", "sum(m, axis=0)[1:]", "m[1:, :][::2]", "m[0][1]", "m[-4]", "m[3:, :]",
        "m[4:]", "m[1:3][0]", "m[None, 1:, None, 2]", "m.T.T", "m.T[::-1, 1]",
        "t[..., 0]", "t[0, ..., 1]", "t[:, 1]", "t[1, 2, 3]", "t[::-1, :, ::2]", "t[None, ..., None]",
        "t.T", "t[:, None, ...]", "t[1][::-1]", "sum(t, axis=1)[:, ::2]", "t.T[0, 0]",
        "s[None]", "s[...]", "s[None, None]", "s[None] + a",
        "a[k]", "a[k:]", "a[-k]", "a[:k] * 2", "a[k:k + 2]",
    ]
    for j, ex in enumerate(ok):
        C.case(f"ok{j}", ex, _used(ex, {"a": a, "m": m, "t": t, "s": s, "b": b, "k": Weak(3)}))
    bad = [
        ("a[8]", "Shape", None), ("a[-9]", "Shape", None), ("a[0, 0]", "Shape", None),
        ("m[4]", "Shape", None), ("m[0, 5]", "Shape", None), ("s[0]", "Shape", None),
        ("a[1.5]", "Type", "1.5"), ("a[c]", "Type", "c"), ("a[..., ...]", "Syntax", None),
        ("a[k + 10]", "Shape", None), ("a[::0]", "Shape", None), ("a[x]", "Type", "x"),
        ("t[0, 0, 0, 0]", "Shape", None),
    ]
    env = {"a": a, "m": m, "s": s, "t": t, "c": np.array([0, 1], np.int64), "k": Weak(3), "x": Weak(1.0)}
    for j, (ex, kind, span) in enumerate(bad):
        C.case(f"err{j}", ex, _used(ex, env), error=kind, span=span,
               note="vex has no advanced indexing" if kind == "Type" else None)


def _used(ex, env):
    import re

    names = set(re.findall(r"[A-Za-z_]\w*", ex))
    return {n: v for n, v in env.items() if n in names}


def sources(C, rng_for, arr, vals, scalar0):
    C.begin("sources", "# Index sources and fills: arange, linspace, zeros, ones, ones_like, copy.")
    rng = rng_for("sources")
    progs = [
        "arange(5)", "arange(2, 10)", "arange(2, 10, 3)", "arange(10, 0, -2)", "arange(0.0, 1.0, 0.25)",
        "arange(0, 1, 0.1)", "arange(-3, 3)", "arange(0)", "arange(5, 2)", "arange(1.5)",
        "arange(-1.5, 1.5, 0.5)", "arange(5)[::-1]", "arange(6)[1:4]", "arange(3)[:, None] + arange(4)",
        "sum(arange(101))", "arange(1099511627776, 1099511627779)", "arange(True, 4)", "arange(10, 1, -3)",
        "arange(0, -1, -0.25)", "arange(1, 2, 0.3)",
        "linspace(0, 1, 5)", "linspace(1, 0, 3)", "linspace(0, 1, 1)", "linspace(0, 1, 0)",
        "linspace(-1, 1, 7)", "linspace(0, 10, 11)", "linspace(0.1, 0.7, 4)", "linspace(0, 1, 5)[::2]",
        "linspace(0, 1, 4)[:, None] * linspace(1, 2, 3)", "linspace(2, 2, 3)", "linspace(0, 1e300, 3)",
        "zeros(3)", "zeros((2, 3))", "ones(4)", "ones((2, 1, 3))", "zeros(())", "ones((0, 3))",
        "ones(3) * 2", "zeros(2) - 0.0", "sum(ones((3, 4)), axis=0)", "ones(k)", "arange(k)",
        "linspace(0, k, k + 1)", "zeros((k, 2))",
    ]
    for j, p in enumerate(progs):
        C.case(f"p{j}", p, {"k": Weak(4)} if "k" in p else {})
    for d in DTYPES:
        a = arr(rng, d, (2, 3))
        C.case(f"ones_like_{SHORT[d]}", "ones_like(a)", {"a": a})
        C.case(f"copy_{SHORT[d]}", "copy(a)", {"a": a})
        C.case(f"arange_plus_{SHORT[d]}", "a + arange(3)", {"a": a})
        C.case(f"linspace_times_{SHORT[d]}", "a * linspace(0, 1, 3)", {"a": a})
        C.case(f"zeros_plus_{SHORT[d]}", "zeros((2, 3)) + a", {"a": a})
    C.case("ones_like_0d", "ones_like(s)", {"s": scalar0(rng, "int8")})
    C.case("ones_like_expr", "ones_like(a * 2.5)", {"a": arr(rng, "float32", (3,))})
    C.case("copy_of_slice", "copy(a[::-2])", {"a": arr(rng, "int64", (7,))})
    C.case("arange_array_error", "arange(a)", {"a": arr(rng, "int64", (3,))}, error="Type", span=(7, 8))
    C.case("zeros_array_error", "zeros(a)", {"a": arr(rng, "int64", (3,))}, error="Type", span=(6, 7))
    C.case("linspace_float_num_error", "linspace(0, 1, 2.5)", error="Type", span="2.5")
    C.case("linspace_default_num", "linspace(0, 1)", error="Arguments",
           note="NumPy defaults num to 50; vex asks for it")
    C.case("arange_complex_error", "arange(1j)", error="Type")


def programs(C, rng_for, arr, vals, scalar0):
    C.begin("programs", "# Multi-statement programs, several outputs, constants and shadowing, comments.")
    rng = rng_for("programs")
    a = arr(rng, "float64", (5,))
    b = arr(rng, "float64", (5,))
    i = arr(rng, "int8", (5,))
    f = arr(rng, "float32", (5,))
    env = {"a": a, "b": b, "i": i, "f": f}
    progs = [
        "t = a; t = t + 1; t * 2", "x = a * 2; y = x + b; x, y", "t = a + 1", "a, b", "(a, b)",
        "l = hypot(a, b); a/l, b/l", "x = a + 1\ny = x * 2\ny - a", "a + 1  # add one",
        "x = a # first\n# a comment line\nx * 2", "pi * a", "pi = 3; pi * a", "e", "pi", "inf",
        "-inf", "nan", "e * i", "nan * a", "x = 2; x * i", "x = 2.5; f * x", "x = a; a = x + 1; a * x",
        "s = sum(a); a / s", "m = mean(a); v = mean((a - m)**2); m, v", "p = 1; q = 2; p + q",
        "a, b, a + b", "t = i; t = t * 2; t = t - 1; t", "x = f * 2\nx", "a + 1;", "\na + 1\n",
        "  a  +  1  ", "a+b", "x = a\ny = x\nz = y\nz", "c = a > 0; where(c, a, -a), c",
        "x = i + 1; x, x * 2, x // 2", "inf * 0", "y = sin(a)**2 + cos(a)**2; y",
        "i * 2; f * 2", "t = 1\nt", "k2 = k * 2; i * k2", "x = k; x + 0.5",
    ]
    for j, p in enumerate(progs):
        inp = _used(p, {**env, "k": Weak(3)})
        C.case(f"p{j}", p, inp)
    # an input named like a constant wins
    for d in ["float64", "int32"]:
        C.case(f"shadow_e_{SHORT[d]}", "e + 1", {"e": arr(rng, d, (3,))})
        C.case(f"shadow_pi_{SHORT[d]}", "pi * 2", {"pi": arr(rng, d, (3,))})
        C.case(f"shadow_nan_{SHORT[d]}", "isnan(nan)" if d != "int32" else "nan + 1", {"nan": arr(rng, d, (3,))})
        C.case(f"shadow_inf_weak_{SHORT[d]}", "a * inf", {"a": arr(rng, d, (3,)), "inf": Weak(2)})
        C.case(f"assign_shadows_input_{SHORT[d]}", "a = a * 2; a + 1", {"a": arr(rng, d, (3,))})
    C.case("undefined_before_assign", "y = y + 1", {}, error="UnknownName", span=(4, 5))
    C.case("later_name_unknown", "x = 1; y", {}, error="UnknownName", span="y")
    C.case("tuple_not_last", "a, b; a", {"a": a, "b": b}, error="Syntax")
    C.case("tuple_assign", "t = (a, b)", {"a": a, "b": b}, error="Syntax")


def literals(C, rng_for, arr, vals, scalar0):
    C.begin("literals", "# Literal forms and operator precedence.")
    rng = rng_for("literals")
    a = arr(rng, "int16", (4,))
    f = arr(rng, "float64", (4,))
    b = arr(rng, "float64", (4,))
    c = arr(rng, "float64", (4,), "nonzero")
    i = arr(rng, "int32", (4,))
    j = arr(rng, "int32", (4,))
    progs = [
        "0xff + a", "0XFF + a", "0b101 * a", "0o17 + a", "1_000 + a", "1_000.5 * f", ".5 * f",
        "5. * f", "1e3 * f", "1E-3 * f", "2j * f", "1.5e3J", "1j", "0j", "True", "False", "1e308 * 10",
        "9223372036854775807", "-9223372036854775808", "0.1", "1e-320", "123456789012345678",
        "0x7fff + a * 0", "1_0 * a", "2.5e+2", "0.0", "-0.0", "1E5j",
        "-2**2", "2**3**2", "(-2)**2", "-f**2", "2 * -f", "-a % 3", "f - b - c", "f / b / c",
        "i // j * 3", "2 ** -f", "f + b * c ** 2", "(f + b) * c", "~i & j", "-f ** 2", "f ** -2.0",
        "+f - -b", "f*-1", "2**-1.5", "10 - 2 - 3", "2 ** 2 ** 0.5", "100 // 7 % 3", "1 << 2 + 1",
        "7 & 3 | 8", "6 ^ 3 & 5", "i << 1 + 1", "(i < j) == (i > 0)",
        "-i ** 2", "f * 2 ** 2", "f ** 2 * 2", "-(f + b)", "f < b + 1", "i & 1 == 1",
        "~i + 1", "f % b * c", "2 * f ** -1", "f+b*c-f/b", "(((f)))",
    ]
    env = {"a": a, "f": f, "b": b, "c": c, "i": i, "j": j}
    for k, p in enumerate(progs):
        C.case(f"p{k}", p, _used(p, env))


def casts(C, rng_for, arr, vals, scalar0):
    C.begin("casts", "# Casts between all dtypes (no NaN/inf/out-of-range float to int), weak casts.")
    pools = {
        "bool": [True, False, True],
        "int": [0, 1, -1, 100, -100, 42, 127, -128, 255, 256, 65535, 2**31 - 1, -2**31, 2**32 + 5,
                2**63 - 1, -2**63, 2**53 + 1, 16777217],
        "float": [0.0, -0.0, 0.7, -0.7, 1.5, -1.5, 2.9, -2.9, 100.7, -100.7, 126.9, 200.5, 1e9 + 0.5,
                  4e18, 1e10, 16777217.0, 0.1, 1e-40, 3.4e38, 1e300, -1e300, np.nan, np.inf, -np.inf],
    }
    for src in DTYPES:
        sdt = np.dtype(src)
        for dst in DTYPES:
            ddt = np.dtype(dst)
            if sdt.kind == "b":
                v = np.array(pools["bool"], src)
            elif sdt.kind in "iu":
                info = np.iinfo(sdt)
                v = np.array([x for x in pools["int"] if info.min <= x <= info.max], src)
            else:
                xs = pools["float"]
                if ddt.kind in "iu":
                    info = np.iinfo(ddt)
                    xs = [x for x in xs if np.isfinite(x) and info.min <= np.trunc(x) <= info.max
                          and (ddt.kind == "i" or x >= 0)]
                    xs = [x for x in xs if info.min <= np.trunc(np.asarray(x, src).real) <= info.max]
                v = np.array(xs, src)
                if sdt.kind == "c":
                    v.imag = 0.5 if ddt.kind in "iu" else np.array(xs[::-1], v.real.dtype)
            C.case(f"{SHORT[src]}_to_{SHORT[dst]}", f"{dst}(a)", {"a": v})
    for p in ["float32(2.5)", "int8(100)", "uint8(255)", "int8(300)", "uint8(-1)", "bool(2)",
              "bool(0.0)", "complex64(1.5)", "float64(True)", "int64(2.7)", "float32(1e300)",
              "int8(k)", "float32(k) * a", "int16(-32768)", "uint64(18446744073709551615)",
              "complex128(2)", "bool(0j)", "int32(-2.9)"]:
        C.case(f"weak_{p.split('(')[0]}_{len(C.topics['casts'])}", p,
               {"k": Weak(5), "a": np.array([1.5, 2.5], np.float32)} if "k" in p and "a" in p else
               ({"k": Weak(5)} if "k" in p else {}))
    rng = rng_for("casts")
    a = arr(rng, "float64", (5,), "small")
    b = arr(rng, "int32", (5,))
    for p in ["float32(a) * 2.5", "int16(b) + int16(b)", "float64(float32(a))", "complex64(a) * 1j",
              "bool(b) & (b > 0)", "uint8(b) >> 1", "int8(b) * 1", "float32(b) / 3",
              "int64(a * 10)", "float32(a) + float64(a)", "real(complex64(a))", "uint16(b) - 1"]:
        C.case(f"expr_{len(C.topics['casts'])}", p, _used(p, {"a": a, "b": b}))


def kernels(C, rng_for, arr, vals, scalar0):
    C.begin("kernels", "# Whole kernels: arc distance, softmax, normalisation and friends.")
    rng = rng_for("kernels")
    arc = ("temp = sin((t2 - t1) / 2)**2 + cos(t1) * cos(t2) * sin((p2 - p1) / 2)**2\n"
           "2 * arctan2(sqrt(temp), sqrt(1 - temp))")
    for d in FLOATS:
        inp = {n: (rng.uniform(-np.pi, np.pi, 20)).astype(d) for n in ["t1", "p1", "t2", "p2"]}
        C.case(f"arc_distance_{SHORT[d]}", arc, inp, tol=loose(d, 4))
        outer = ("temp = sin((t2[None, :] - t1[:, None]) / 2)**2 + cos(t1[:, None]) * cos(t2[None, :]) * "
                 "sin((p2[None, :] - p1[:, None]) / 2)**2\n2 * arctan2(sqrt(temp), sqrt(1 - temp))")
        inp = {"t1": rng.uniform(-3, 3, 5).astype(d), "p1": rng.uniform(-3, 3, 5).astype(d),
               "t2": rng.uniform(-3, 3, 6).astype(d), "p2": rng.uniform(-3, 3, 6).astype(d)}
        C.case(f"arc_distance_outer_{SHORT[d]}", outer, inp, tol=loose(d, 4))
        x = arr(rng, d, (4, 6), "any")
        ks = [
            ("softmax", "m = max(x, axis=1)[:, None]; ex = exp(x - m); ex / sum(ex, axis=1)[:, None]", 1),
            ("logsumexp", "m = max(x, axis=1); m + log(sum(exp(x - m[:, None]), axis=1))", 20),
            ("sigmoid", "1 / (1 + exp(-x))", 1),
            ("rms", "sqrt(mean(x**2, axis=0))", 10),
            ("normalize", "x / sqrt(sum(x**2, axis=1))[:, None]", 1),
            ("standardize", "(x - mean(x, axis=0)) / sqrt(mean((x - mean(x, axis=0))**2, axis=0))", 10),
            ("gaussian", "exp(-0.5 * ((x - 1.5) / 2.0)**2) / (2.0 * sqrt(2 * pi))", 1),
            ("horner", "((0.5 * x - 1.25) * x + 2.0) * x - 3.5", 300),
            ("distance_matrix", "r = x[:, 0]; sqrt((r[:, None] - r[None, :])**2 + 1)", 20),
            ("minmax_scale", "clip((x - min(x)) / (max(x) - min(x)), 0, 1)", 1),
            ("piecewise", "where(x < 0, -x**2, sqrt(abs(x)))", 100),
            ("variance", "mean(x**2) - mean(x)**2", 100),
            ("cosine_similarity", "u = x[0]; v = x[1]; sum(u * v) / sqrt(sum(u * u) * sum(v * v))", 1),
            ("huber", "where(abs(x) < 1, 0.5 * x**2, abs(x) - 0.5)", 20),
            ("tanh_identity", "(exp(2 * x) - 1) / (exp(2 * x) + 1) - tanh(x)", 1e6),
            ("log_softplus", "log1p(exp(-abs(x))) + maximum(x, 0)", 20),
        ]
        for name, prog, mag in ks:
            C.case(f"{name}_{SHORT[d]}", prog, {"x": x}, tol=loose(d, mag))
    for d in COMPLEX:
        z = arr(rng, d, (8,), "small")
        th = arr(rng, "float32" if d == "complex64" else "float64", (8,), "small")
        C.case(f"phasor_{SHORT[d]}", "abs(z * exp(1j * th)) - abs(z)", {"z": z, "th": th}, tol=loose(d, 10))
        C.case(f"mandelbrot_{SHORT[d]}", "w = z * z + z; w = w * w + z; w = w * w + z; abs(w) < 2, w",
               {"z": (z / 3).astype(d)}, tol=loose(d, 100))
        C.case(f"polar_{SHORT[d]}", "abs(z), arctan2(z.imag, z.real)", {"z": z}, tol=loose(d, 4))


def errors(C, rng_for, arr, vals, scalar0):
    C.begin("errors", "# Errors by kind: syntax, unknown names and functions, arguments, types, axes, sizes.")
    rng = rng_for("errors")
    env = {"a": arr(rng, "float64", (3,)), "b": arr(rng, "float64", (3,)), "c": arr(rng, "float64", (3,)),
           "m": arr(rng, "float64", (2, 3)), "s": scalar0(rng, "float64"), "i": arr(rng, "int32", (3,))}
    cases = [
        ("a +", "Syntax", None), ("(a + b", "Syntax", None), ("a + b)", "Syntax", None),
        ("a and b", "Syntax", "and"), ("a or b", "Syntax", "or"), ("not a", "Syntax", "not"),
        ("a if b else c", "Syntax", "if"), ("a b", "Syntax", None), ("a[1", "Syntax", None),
        ("a = ", "Syntax", None), ("", "Syntax", None), ("# just a comment", "Syntax", None),
        ("import os", "Syntax", None), ("lambda x: x", "Syntax", None), ("a @ b", "Syntax", "@"),
        ("$a", "Syntax", "$"), ("a[1:2:3:4]", "Syntax", None), ("1.2.3", "Syntax", None),
        ("0x", "Syntax", None), ("1__0", "Syntax", None), ("a ===b", "Syntax", None),
        ("sum(axis=0, a)", "Syntax", None), ("a, b = 1, 2", "Syntax", None), ("x = a, b", "Syntax", None),
        ("sin(a", "Syntax", None), ("a[]", "Syntax", None), ("a = = b", "Syntax", None),
        ("1 +* 2", "Syntax", None), ("a ! b", "Syntax", None), ("'text'", "Syntax", None),
        ("a ? b", "Syntax", None), ("a & & b", "Syntax", None), ("(", "Syntax", None), (")", "Syntax", None),
        ("b2 + 1", "UnknownName", "b2"), ("a + bb", "UnknownName", "bb"), ("sin", "UnknownName", "sin"),
        ("E * a", "UnknownName", "E"), ("Pi", "UnknownName", "Pi"), ("a.foo", "UnknownName", "foo"),
        ("sinn(a)", "UnknownFunction", "sinn"), ("asin(a)", "UnknownFunction", "asin"),
        ("fabs(a)", "UnknownFunction", "fabs"), ("power(a, 2)", "UnknownFunction", "power"),
        ("len(a)", "UnknownFunction", "len"), ("float(a)", "UnknownFunction", "float"),
        ("int(a)", "UnknownFunction", "int"), ("a + zeros_like(a)", "UnknownFunction", "zeros_like"),
        ("sin()", "Arguments", None), ("sin(a, a)", "Arguments", None), ("hypot(a)", "Arguments", None),
        ("where(a > 0, a)", "Arguments", None), ("clip(a, 1)", "Arguments", None), ("sum()", "Arguments", None),
        ("sum(a, axis=0, foo=1)", "Arguments", "foo"), ("sin(x=a)", "Arguments", "x"),
        ("arange()", "Arguments", None), ("arange(1, 2, 3, 4)", "Arguments", None), ("zeros()", "Arguments", None),
        ("zeros(2, 3)", "Arguments", None), ("sum(a, 0, axis=0)", "Arguments", None),
        ("sum(m, keepdims=1)", "Arguments", None), ("complex(a)", "Arguments", None),
        ("float32(a, b)", "Arguments", None), ("ones_like()", "Arguments", None), ("sum(a, 0, 1)", "Arguments", None),
        ("a & b", "Type", "&"), ("~a", "Type", None), ("floor(a + 1j)", "Type", None),
        ("sum(a)[0]", "Shape", None), ("a[1.5]", "Type", "1.5"), ("i % (1 + 2j)", "Type", "%"),
        ("sum(m, axis=2)", "Axis", "2"), ("mean(m, axis=-3)", "Axis", "-3"),
        ("sum(m, axis=(0, 0))", "Axis", None), ("sum(s, axis=0)", "Axis", "0"),
        ("i ** -1", "NegativePower", "-1"), ("k ** -1", "NegativePower", "-1"),
        ("zeros((10000000000, 10000000000))", "TooLarge", None),
        ("ones((4294967296, 4294967296, 2))", "TooLarge", None),
        ("arange(0.0, 1e30)", "TooLarge", None),
        ("min(zeros(0))", "EmptyReduction", None), ("max(zeros((0, 3)), axis=0)", "EmptyReduction", None),
        ("a + b2", "UnknownName", "b2"), ("sinn(b2)", "UnknownFunction", "sinn"),
        ("a + c[:2]", "Shape", (0, 9)), ("m + a[:2]", "Shape", (0, 9)),
    ]
    for j, (p, kind, span) in enumerate(cases):
        inp = _used(p, {**env, "k": Weak(7)})
        C.case(f"{kind.lower()}{j}", p, inp, error=kind, span=span)


def layouts(C, rng_for, arr, vals, scalar0):
    C.begin("layouts", "# Inputs given as non-contiguous views: Fortran order, negative and large strides, broadcast.")
    rng = rng_for("layouts")
    for d in ["float64", "float32", "int8", "int64", "complex128", "bool"]:
        m = arr(rng, d, (3, 4))
        row = arr(rng, d, (1, 4))
        rows = np.repeat(row, 3, axis=0)
        v = arr(rng, d, (6,))
        b = arr(rng, d, (4,))
        for lay in ["F", "rev", "step2"]:
            for p in ["m * 1", "sum(m, axis=0)", "m[1:, ::2]", "m.T", "m + b", "copy(m)", "m[::-1]"]:
                if d == "bool" and p in ("m * 1", "m + b"):
                    p = p.replace("*", "&").replace("+", "|")
                C.case(f"{lay}_{SHORT[d]}_{p}", p, {"m": Layout(m, lay), "b": b})
        for lay in ["rev", "step2"]:
            for p in ["v * 2" if d != "bool" else "~v", "v[::2]", "v[::-1]", "sum(v)", "v[:, None] == v[None, :]"]:
                C.case(f"{lay}_{SHORT[d]}_{p}", p, {"v": Layout(v, lay)})
        for p in ["m * 1" if d != "bool" else "m & True", "sum(m, axis=0)", "sum(m, axis=1)", "m.T", "m[1]"]:
            C.case(f"bcast_{SHORT[d]}_{p}", p, {"m": Layout(rows, "bcast")})
        C.case(f"mixed_{SHORT[d]}", "x == y", {"x": Layout(m, "F"), "y": Layout(m.copy(), "rev")})
    t = arr(rng, "float64", (2, 3, 4))
    for lay in ["F", "rev", "step2"]:
        C.case(f"{lay}_3d", "sum(t, axis=1) + t[:, 0, :]", {"t": Layout(t, lay)})
    x = arr(rng, "float32", (4, 5))
    C.case("F_transcendental", "sin(x) + exp(x / 4)", {"x": Layout(x, "F")})
    C.case("rev_reduction_mean", "x - mean(x, axis=0)", {"x": Layout(x, "rev")})


def large(C, rng_for, arr, vals, scalar0):
    C.begin("large", "# Arrays longer than the interpreter's 1024-element blocks: chunking, reductions across blocks, strides.")
    rng = rng_for("large")
    # quarter-integers print short and sum exactly
    q64 = (rng.integers(-50, 50, 2500) / 4).astype(np.float64)
    q32 = (rng.integers(-50, 50, 2500) / 4).astype(np.float32)
    i16 = rng.integers(-100, 100, 2500).astype(np.int16)
    for name, v in [("f64", q64), ("f32", q32), ("i16", i16)]:
        a = v[:1025].copy()
        m = v.reshape(50, 50)
        t = v[:1320].reshape(10, 11, 12)
        for p, inp in [
            ("a * 2 + 1", {"a": a}), ("a[::-1] - a", {"a": a}), ("a[::7]", {"a": a}),
            ("sum(a), max(a), min(a)", {"a": v}), ("mean(a)", {"a": v}), ("a[1:] - a[:-1]", {"a": v}),
            ("sum(m, axis=0)", {"m": m}), ("sum(m, axis=1)", {"m": m}), ("m - mean(m, axis=0)", {"m": m}),
            ("m.T[::-1, ::3]", {"m": m}), ("m[::-1] * m", {"m": m}), ("max(m, axis=0) - min(m, axis=1)", {"m": m}),
            ("sum(t, axis=(0, 2))", {"t": t}), ("sum(t, axis=1)", {"t": t}), ("t[:, ::-1, 1:] + t[0]", {"t": t}),
            ("any(m > 12, axis=1), all(m > -12, axis=0)", {"m": m}),
        ]:
            C.case(f"{name}_{p}", p, inp)
        for lay in ["F", "rev", "step2"]:
            C.case(f"{name}_{lay}_sum1", "sum(m, axis=1), m * 1", {"m": Layout(m, lay)})
        C.case(f"{name}_outer", "a[:, None] + b[None, :]", {"a": v[:40].copy(), "b": v[40:100].copy()})
        C.case(f"{name}_outer_sum", "sum(a[:, None] * b[None, :], axis=1)", {"a": v[:40].copy(), "b": v[40:100].copy()})
    C.case("where_large", "where(i > 0, i, -i) * 2", {"i": i16})
    C.case("arange_mod", "arange(3000) % 7")
    C.case("arange_sum", "sum(arange(5000)), sum(arange(5000.0))")
    C.case("linspace_large", "linspace(0, 1, 2001)[::100]")
    p = (1 + rng.integers(-8, 8, 2000) / 1024).astype(np.float64)
    C.case("prod_large", "prod(p)", {"p": p})
    C.case("sum_u8_large", "sum(u), sum(u, axis=0)", {"u": rng.integers(0, 256, 3000).astype(np.uint8).reshape(1500, 2)})


def mixed(C, rng_for, arr, vals, scalar0):
    C.begin("mixed", "# Combinations: shared subexpressions, reductions of reductions, folding of weak constants, odd names.")
    rng = rng_for("mixed")
    a = arr(rng, "float64", (4, 6))
    b = arr(rng, "float64", (6,))
    f = arr(rng, "float32", (4, 6))
    i = arr(rng, "int8", (4, 6))
    env = {"a": a, "b": b, "f": f, "i": i, "k": Weak(3)}
    progs = [
        "t = a * b; t + t * t - sin(t)", "t = i * 2; t + t * t", "mean(a - mean(a, axis=0), axis=1)",
        "max(sum(a, axis=1)) - min(sum(a, axis=0))", "sum(a, axis=0)[None, :] * sum(a, axis=1)[:, None]",
        "s = sum(a, axis=0); a - s, s, mean(s)", "sum(a[::-1, ::2] * b[::2], axis=0)",
        "sum(a, axis=1, keepdims=True)[::-1]", "where(True, a, b)", "where(a > 0, 1, b)",
        "mean(f, axis=0) * 2.5", "sum(f * f, axis=1) / 6", "a[k] + b[k]", "a[:, k:] * b[k:]",
        "x = sum(i); y = sum(i, axis=0); x, y, y * x", "sum(i * i, axis=1)", "max(i) + min(i)",
        "m = max(a, axis=0); where(a == m, 1, 0)", "any(isnan(a / a), axis=1)", "all(f < 100)",
        "(a + 1)[1:, ::2].T", "sin(a)[::2] ** 2 + cos(a)[::2] ** 2", "a ** 2, a ** 3, a ** 0.5, a ** -1",
        "i ** 2, i ** 3, i ** 1, i ** 0", "f ** 2, f ** 3, f ** -2", "abs(a) ** 0.5 - sqrt(abs(a))",
        "((((((a))))))", "a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a",
        "sin(sin(sin(sin(sin(sin(sin(sin(a))))))))", "-(-(-(-a)))", "~~i", "a - -a", "a--a",
        "a*(b-1)*(b+1)/(b*b-1)", "x1 = a; _y = x1 * 2; y_2 = _y + 1; y_2",
        "t = a; t = t + 1; t = t * t; t = t - 1; t", "sum(a) / (4 * 6) - mean(a)",
    ]
    for j, p in enumerate(progs):
        C.case(f"p{j}", p, _used(p, env))
    # weak constant arithmetic is exact before it meets a typed operand
    z8 = np.zeros(3, np.int8)
    z64 = np.zeros(3, np.int64)
    for p, inp in [
        ("a * (1000 - 999)", {"a": z8}), ("a + (k * 100)", {"a": z8, "k": Weak(3)}),
        ("a + (k * 10)", {"a": z8, "k": Weak(3)}), ("a + -128", {"a": z8}), ("a + (-129)", {"a": z8}),
        ("a + 2**62 * 2", {"a": z64}), ("a + (2**63 - 1)", {"a": z64}), ("a + 2**62", {"a": z64}),
        ("a + 2**70", {"a": np.zeros(2, np.float32)}), ("a + 2**70", {"a": np.zeros(2, np.float64)}),
        ("a + 2**63", {"a": np.zeros(2, np.uint64)}), ("a + (0 - 1)", {"a": np.zeros(2, np.uint8)}),
        ("a + 0.5 * 2", {"a": z8}), ("a + 7 // 2", {"a": z8}), ("a * (2 ** 7)", {"a": z8}),
        ("a + 255", {"a": np.zeros(2, np.uint8)}), ("a - 255", {"a": np.zeros(2, np.uint8)}),
    ]:
        C.case(f"weak_fold_{len(C.topics['mixed'])}", p, inp)
    # a function name used as an input name is a value; as a call it is the function
    s = arr(rng, "float64", (3,))
    C.case("input_named_like_function", "sin(sin) + sin", {"sin": s},
           expect=[np.sin(s) + s])
    C.case("input_named_sum", "sum(sum)", {"sum": s}, expect=[np.sum(s)])
    # byte spans with non-ASCII text before the error
    C.case("span_after_unicode_comment", "# ünïcødé\nb2 + a", {"a": s}, error="UnknownName",
           span=(len("# ünïcødé\n".encode()), len("# ünïcødé\n".encode()) + 2))
    C.case("span_of_unicode_char", "a + é", {"a": s}, error="Syntax", span=(4, 6))
    C.case("none_as_value", "a + None", {"a": s}, error="Syntax")
    # the same program and signature with other weak values (a compiled program is reused)
    v = arr(rng, "int8", (6,))
    for kv in [3, 300, -5, 127, -129]:
        C.case(f"reuse_add_{kv}", "a + k", {"a": v, "k": Weak(kv)})
    for kv in [2, 100, -1, -6, -7]:
        C.case(f"reuse_index_{kv}", "a[k] * 2", {"a": v, "k": Weak(kv)})
    for kv in [1, 4, 0, -2]:
        C.case(f"reuse_slice_{kv}", "a[k:] + 1", {"a": v, "k": Weak(kv)})
    # many dimensions
    t = arr(rng, "float64", (2, 1, 3, 1, 2, 2))
    for p in ["sum(t, axis=(1, 3, 5))", "t[:, :, ::-1, :, 1, :]", "t.T", "max(t, axis=(0, 2)) + sum(t, axis=(0, 2))",
              "t - mean(t, axis=(2, 4), keepdims=True)", "t[1, 0, 2, 0]", "sum(t)", "t * t.T.T"]:
        C.case(f"highdim_{len(C.topics['mixed'])}", p, {"t": t})
    C.case("same_output_twice", "t = a + 1; t, t", {"a": b})
    C.case("reduce_over_broadcast", "sum(b[:, None] * ones((1, 5)), axis=1)", {"b": b})
    C.case("reduce_weak", "sum(k), mean(k)", {"k": Weak(3)})
    # big unsigned and signed division
    ua = np.array([2**64 - 1, 2**63, 2**63 + 5, 12345678901234567890, 0], np.uint64)
    ub = np.array([3, 2**63, 7, 2**64 - 1, 5], np.uint64)
    C.case("u64_big_divmod", "a // b, a % b, a / b", {"a": ua, "b": ub})
    ia = np.array([-2**63, 2**63 - 1, -2**63 + 1, 5, -5], np.int64)
    ib = np.array([3, -7, 2**63 - 1, -2**63, 2**63 - 1], np.int64)
    C.case("i64_big_divmod", "a // b, a % b, fmod(a, b)", {"a": ia, "b": ib})
    C.case("u64_i64_floordiv", "a // b", {"a": ua, "b": ib})
    # float floor division needing NumPy's correction step
    fa = np.array([1.0, 0.5, 3.0, -1.0, 1e16, 7.0, 1e300, -1e300, 0.3])
    fb = np.array([0.1, 0.1, 0.1, 0.1, 3.0, 0.7, 3.0, 7.0, 0.1])
    for d in FLOATS:
        C.case(f"floordiv_tricky_{SHORT[d]}", "a // b, a % b", {"a": fa.astype(d), "b": fb.astype(d)})
    # complex division and multiplication at extreme magnitudes
    for d in COMPLEX:
        big = 1e300 if d == "complex128" else 1e37
        za = np.array([complex(big, big), complex(1, 1), complex(1 / big, 1 / big), complex(3, 4)], d)
        zb = np.array([complex(big, big), complex(big, -big), complex(1 / big, -1 / big), complex(0, 0)], d)
        C.case(f"complex_div_extreme_{SHORT[d]}", "a / b", {"a": za, "b": zb}, tol="ulp=4 cplx=8")
    for p in ["arange(0, 10, 0.1)", "arange(1, 1.3, 0.1)", "arange(0.5, 10.5, 1)", "arange(-1, 0, 0.3)",
              "arange(10, 9, -0.25)", "linspace(0, 1, 2)", "linspace(-5, 5, 101)[::10]"]:
        C.case(f"sources_{len(C.topics['mixed'])}", p)
    w = arr(rng, "int32", (7,))
    for p in ["a[:-100:-1]", "a[100::-1]", "a[-100::-1]", "a[3:-100:-2]", "a[::100]", "a[-1:-8:-3]", "a[k::-1]"]:
        C.case(f"slice_{len(C.topics['mixed'])}", p, _used(p, {"a": w, "k": Weak(3)}))
    C.case("bool_literals_arith", "a * True + False", {"a": w})
