#!/usr/bin/env python3
"""Generates vex's conformance corpus: `*.cases` files next to this script.

Run by hand after changing it (`python3 tests/corpus/generate.py`, NumPy >= 2); the output is
committed so that `cargo test --test conformance` needs no Python. Expected values come from
NumPy through the model of vex in `vexnp.py`; the file format is described in README.md.
Inputs are drawn from a fixed seed per topic, so regenerating gives identical files.
"""

import os
import sys
import warnings
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from vexnp import (  # noqa: E402
    COMPLEX, DTYPES, FLOATS, INTS, SHORT, SIGNED, UNSIGNED, Corpus, Weak,
)
from topics_more import (  # noqa: E402
    broadcast, casts, errors, index, kernels, large, layouts, literals, mixed, programs,
    reduce, sources,
)

C = Corpus()


def rng_for(topic):
    return np.random.default_rng(zlib.crc32(topic.encode()))


# ---------------------------------------------------------------------------------------
# Input values.


def vals(rng, dt, n, kind="any"):
    """`n` values of dtype `dt` drawn for a purpose (`kind`)."""
    dt = np.dtype(dt)
    if dt == np.bool_:
        if kind in ("pos", "ge1", "nonzero"):
            return np.ones(n, bool)
        return rng.random(n) < 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = {
            "any": (-10, 10),
            "small": (-4, 4),
            "pos": (1, 9),
            "ge1": (1, 9),
            "unit": (-1, 1),
            "expo": (0, 3),
            "shift": (0, 7),
            "nonzero": (-9, 9),
        }[kind]
        lo = max(lo, int(info.min))
        x = rng.integers(lo, hi + 1, n).astype(dt)
        if kind == "nonzero":
            x[x == 0] = 1
        if kind == "any" and n >= 6:
            # a few values from the whole range, for wrapping
            k = n // 3
            x[:k] = rng.integers(info.min, info.max, k, dtype=dt, endpoint=True)
        return x
    real = np.float32 if dt in (np.float32, np.complex64) else np.float64

    def one(kind):
        if kind == "any":
            r = rng.normal(0, 4, n)
        elif kind == "small":
            r = rng.normal(0, 1.5, n)
        elif kind == "pos":
            r = rng.uniform(0.05, 8, n)
        elif kind == "ge1":
            r = rng.uniform(1, 8, n)
        elif kind == "unit":
            r = rng.uniform(-0.98, 0.98, n)
        elif kind == "expo":
            r = rng.uniform(0, 3, n)
        elif kind == "nonzero":
            r = rng.normal(0, 4, n)
            r[np.abs(r) < 0.1] = 0.5
        else:
            raise ValueError(kind)
        return r.astype(real)

    if dt.kind == "f":
        return one(kind)
    k = "small" if kind in ("any", "expo") else kind
    return (one(k) + 1j * one(k)).astype(dt)


def arr(rng, dt, shape=(6,), kind="any"):
    n = int(np.prod(shape))
    return vals(rng, dt, n, kind).reshape(shape)


def scalar0(rng, dt, kind="small"):
    return vals(rng, dt, 1, kind).reshape(())


# ---------------------------------------------------------------------------------------

ARITH = ["+", "-", "*", "/", "//", "%", "**"]
OPNAME = {"+": "add", "-": "sub", "*": "mul", "/": "div", "//": "floordiv", "%": "mod",
          "**": "pow", "<": "lt", "<=": "le", "==": "eq", "!=": "ne", ">=": "ge", ">": "gt",
          "&": "and", "|": "or", "^": "xor", "<<": "shl", ">>": "shr"}
UNOP = {"-": "neg", "+": "pos", "~": "invert"}
WEAK_LITERALS = [("bool", "True"), ("int", "3"), ("float", "2.5"), ("complex", "(1.5-2j)")]


def arith():
    C.begin("arith", "# Arithmetic operators: every dtype pair, weak literals, named weak inputs, 0-d arrays.")
    rng = rng_for("arith")
    for op in ARITH:
        for da in DTYPES:
            for db in DTYPES:
                a = arr(rng, da, (6,), "any" if op in "+-*" else "small")
                kind_b = {"**": "expo", "/": "any", "//": "any", "%": "any"}.get(op, "small")
                b = arr(rng, db, (6,), kind_b)
                prog = f"a {op} b"
                C.case(f"{OPNAME[op]}_{SHORT[da]}_{SHORT[db]}", prog, {"a": a, "b": b}, span=op)
    # weak literals on either side
    for op in ARITH:
        for da in DTYPES:
            for wk, lit in WEAK_LITERALS:
                kind_a = "small"
                a = arr(rng, da, (2, 3), kind_a)
                C.case(f"{OPNAME[op]}_{SHORT[da]}_weak{wk}", f"a {op} {lit}", {"a": a})
                b = arr(rng, da, (2, 3), "expo" if op == "**" else "nonzero")
                C.case(f"{OPNAME[op]}_weak{wk}_{SHORT[da]}", f"{lit} {op} b", {"b": b})
    # named weak inputs
    weak_vals = {"bool": True, "int": -3, "float": -1.25, "complex": complex(0.5, -1.5)}
    for op in ["+", "*", "-", "/"]:
        for da in DTYPES:
            for wk, v in weak_vals.items():
                a = arr(rng, da, (5,), "small")
                C.case(f"{OPNAME[op]}_{SHORT[da]}_input{wk}", f"a {op} k", {"a": a, "k": Weak(v)})
    # 0-d strong arrays keep their dtype
    for op in ["+", "*", "/"]:
        for da in DTYPES:
            for ds in ["int8", "uint8", "int64", "float32", "float64", "complex64"]:
                a = arr(rng, da, (4,), "small")
                s = scalar0(rng, ds)
                C.case(f"{OPNAME[op]}_{SHORT[da]}_0d{SHORT[ds]}", f"a {op} s", {"a": a, "s": s})
    # two 0-d arrays and weak-only arithmetic
    for da in DTYPES:
        C.case(f"add_0d_0d_{SHORT[da]}", "s + t", {"s": scalar0(rng, da), "t": scalar0(rng, da)})
    for prog in ["1 + 2", "7 // 2", "-7 // 2", "7 % -3", "1 / 4", "2 ** 10", "2.5 * 4",
                 "True + True", "True * 3", "1 + 2j", "(1 + 2j) * (3 - 1j)", "3 - 4.5",
                 "0.1 + 0.2", "-7.5 // 2", "7.5 % -2", "2 ** 0.5", "10 / 3", "k * 2", "k / 2",
                 "k + 0.5", "k ** 2", "-k"]:
        C.case(f"weakonly_{len(C.topics['arith'])}", prog, {"k": Weak(7)} if "k" in prog else {})


def unary():
    C.begin("unary", "# Unary operators - + ~ on every dtype, arrays, 0-d arrays, weak scalars.")
    rng = rng_for("unary")
    for op in ["-", "+", "~"]:
        for d in DTYPES:
            C.case(f"{UNOP[op]}_{SHORT[d]}", f"{op}a", {"a": arr(rng, d, (6,), "any")}, span=f"{op}a")
            C.case(f"{UNOP[op]}_0d_{SHORT[d]}", f"{op}s", {"s": scalar0(rng, d, "any")})
            C.case(f"{UNOP[op]}_paren_{SHORT[d]}", f"{op}(a * b)",
                   {"a": arr(rng, d, (4,), "small"), "b": arr(rng, d, (4,), "small")})
    for prog in ["-True", "~5", "-(-3)", "--3", "+2.5", "-(1+2j)", "~0", "-k", "~k", "+k"]:
        for kv in [None] if "k" not in prog else [7, True, -2.5]:
            inp = {"k": Weak(kv)} if kv is not None else {}
            if prog == "~k" and kv is True:
                continue
            C.case(f"weak_{len(C.topics['unary'])}", prog, inp)
    # Python's ~True is -2 (deprecated); vex follows NumPy's bool: logical not
    C.case("invert_weak_true", "~True", expect=[np.False_])
    C.case("invert_weak_bool_input", "~k", {"k": Weak(True)}, expect=[np.False_])
    # the checker's error spans: the whole unary expression
    C.case("neg_bool_error", "-a", {"a": arr(rng, "bool")}, error="Type", span="-a")
    C.case("invert_float_error", "b + ~a", {"a": arr(rng, "float64"), "b": arr(rng, "float64")},
           error="Type", span="~a")


def compare():
    C.begin("compare", "# Comparison operators: dtype pairs, weak literals (incl. out of range), NaN.")
    rng = rng_for("compare")
    ops = ["<", "<=", "==", "!=", ">=", ">"]
    for op in ops:
        pairs = [(a, b) for a in DTYPES for b in DTYPES] if op in ("<", "==") else \
            [(d, d) for d in DTYPES] + [("int64", "uint64"), ("int8", "uint8"), ("float32", "float64"),
                                        ("int32", "float32"), ("bool", "int8"), ("uint64", "float64")]
        for da, db in pairs:
            a = arr(rng, da, (8,), "small")
            b = arr(rng, db, (8,), "small")
            b[:3] = a[:3].astype(db) if np.dtype(db).kind != "b" else b[:3]
            C.case(f"{OPNAME[op]}_{SHORT[da]}_{SHORT[db]}", f"a {op} b", {"a": a, "b": b})
    for op in ops:
        for d in DTYPES:
            for wk, lit in WEAK_LITERALS:
                C.case(f"{OPNAME[op]}_{SHORT[d]}_weak{wk}", f"a {op} {lit}",
                       {"a": arr(rng, d, (5,), "small")})
    # NumPy 2 compares Python ints outside the array's range correctly (no OverflowError)
    for d in INTS:
        a = arr(rng, d, (5,), "any")
        C.case(f"lt_{SHORT[d]}_outofrange", "a < 300000000000000000000", {"a": a},
               note="NumPy 2 compares out-of-range Python ints exactly")
        C.case(f"gt_{SHORT[d]}_negative", "a > -1", {"a": a})
        C.case(f"eq_{SHORT[d]}_outofrange", "a == 1000", {"a": a})
    # extremes: int64 vs uint64 compare through float64 in NumPy
    a = np.array([-1, 0, 2**62, -2**63, 2**53 + 1], np.int64)
    b = np.array([2**63, 0, 2**62, 0, 2**53], np.uint64)
    for op in ops:
        C.case(f"{OPNAME[op]}_i64_u64_extremes", f"a {op} b", {"a": a, "b": b})
    nanv = np.array([np.nan, 1.0, np.inf, -np.inf, 0.0, -0.0, np.nan, 2.0])
    nanw = np.array([np.nan, np.nan, np.inf, np.inf, -0.0, 0.0, 1.0, 2.0])
    for d in FLOATS:
        for op in ops:
            C.case(f"{OPNAME[op]}_{SHORT[d]}_specials", f"a {op} b",
                   {"a": nanv.astype(d), "b": nanw.astype(d)})
    for d in COMPLEX:
        a = np.array([1 + 1j, 1 + 2j, 2 + 0j, np.nan + 0j, 1j, -1 - 1j], d)
        b = np.array([1 + 2j, 1 + 1j, 1 + 5j, 1 + 0j, 1j, -1 + 1j], d)
        for op in ops:
            C.case(f"{OPNAME[op]}_{SHORT[d]}_lexicographic", f"a {op} b", {"a": a, "b": b})
    C.case("chain_and", "(a < b) & (b < c)",
           {"a": arr(rng, "float64"), "b": arr(rng, "float64"), "c": arr(rng, "float64")})
    C.case("compare_weak_weak", "2 < 3.5")
    C.case("compare_then_sum", "sum(a > 0)", {"a": arr(rng, "float32", (3, 4))})


def bitwise():
    C.begin("bitwise", "# & | ^ << >> ~ on bool and integers; type errors on floats and complex.")
    rng = rng_for("bitwise")
    integral = ["bool"] + INTS
    for op in ["&", "|", "^", "<<", ">>"]:
        for da in integral:
            for db in integral:
                a = arr(rng, da, (6,), "any")
                b = arr(rng, db, (6,), "shift" if op in ("<<", ">>") else "any")
                C.case(f"{OPNAME[op]}_{SHORT[da]}_{SHORT[db]}", f"a {op} b", {"a": a, "b": b})
        for d in integral:
            for lit in ["True", "3", "0x0f"]:
                C.case(f"{OPNAME[op]}_{SHORT[d]}_lit", f"a {op} {lit}", {"a": arr(rng, d, (5,), "any")})
        for d in ["float32", "float64", "complex128"]:
            C.case(f"{OPNAME[op]}_{SHORT[d]}_error", f"a {op} b",
                   {"a": arr(rng, d, (3,)), "b": arr(rng, d, (3,))}, span=op)
            C.case(f"{OPNAME[op]}_{SHORT[d]}_int_error", f"a {op} b",
                   {"a": arr(rng, d, (3,)), "b": arr(rng, "int32", (3,))}, span=op)
        C.case(f"{OPNAME[op]}_i32_weakfloat_error", f"a {op} 1.5", {"a": arr(rng, "int32", (3,))},
               span=op)
    for d in integral:
        C.case(f"invert_{SHORT[d]}", "~a", {"a": arr(rng, d, (6,), "any")})
    C.case("precedence_and_or", "a & b | c", {n: arr(rng, "int16", (6,)) for n in "abc"})
    C.case("precedence_or_xor_and", "a | b ^ c & d", {n: arr(rng, "uint8", (6,)) for n in "abcd"})
    C.case("precedence_shift_add", "a << 1 + 1", {"a": arr(rng, "int32", (6,))})
    C.case("precedence_and_cmp", "(a > 0) & (a < 5) | ~(a == 3)", {"a": arr(rng, "int8", (8,))})


def intedge():
    C.begin("intedge", "# Integer edge cases: wrapping, division by zero, INT_MIN // -1, shifts, powers.")
    for d in INTS:
        info = np.iinfo(d)
        mn, mx = int(info.min), int(info.max)
        ext = np.array([mn, mx, 0, 1, mn + 1, mx - 1], d)
        one = np.ones(6, d)
        C.case(f"add_wrap_{SHORT[d]}", "a + b", {"a": ext, "b": one})
        C.case(f"sub_wrap_{SHORT[d]}", "a - b", {"a": ext, "b": one})
        C.case(f"mul_wrap_{SHORT[d]}", "a * b", {"a": ext, "b": np.full(6, 3, d)})
        C.case(f"mul_self_{SHORT[d]}", "a * a", {"a": ext})
        C.case(f"neg_{SHORT[d]}", "-a", {"a": ext})
        C.case(f"abs_{SHORT[d]}", "abs(a)", {"a": ext})
        C.case(f"sign_{SHORT[d]}", "sign(a)", {"a": ext})
        C.case(f"square_{SHORT[d]}", "square(a)", {"a": ext})
        C.case(f"max_min_{SHORT[d]}", "maximum(a, b), minimum(a, b)", {"a": ext, "b": ext[::-1].copy()})
        zero = np.array([0, 0, 0, 0, 0, 0], d)
        C.case(f"floordiv_zero_{SHORT[d]}", "a // b", {"a": ext, "b": zero})
        C.case(f"mod_zero_{SHORT[d]}", "a % b", {"a": ext, "b": zero})
        C.case(f"fmod_zero_{SHORT[d]}", "fmod(a, b)", {"a": ext, "b": zero})
        C.case(f"div_zero_{SHORT[d]}", "a / b", {"a": ext, "b": zero})
        if d in SIGNED:
            m1 = np.full(6, -1, d)
            C.case(f"floordiv_min_m1_{SHORT[d]}", "a // b", {"a": ext, "b": m1})
            C.case(f"mod_min_m1_{SHORT[d]}", "a % b", {"a": ext, "b": m1})
            C.case(f"fmod_min_m1_{SHORT[d]}", "fmod(a, b)", {"a": ext, "b": m1})
            sgn = np.array([7, -7, 7, -7, 0, -1], d)
            dv = np.array([2, 2, -2, -2, 3, 5], d)
            C.case(f"floordiv_signs_{SHORT[d]}", "a // b, a % b, fmod(a, b)", {"a": sgn, "b": dv})
        bits = np.dtype(d).itemsize * 8
        sh = np.array([0, 1, bits - 1, bits, bits + 1, 2 * bits] if d in UNSIGNED
                      else [0, 1, bits - 1, bits, bits + 1, -1], d)
        C.case(f"shl_width_{SHORT[d]}", "a << b", {"a": np.array([1, 1, 1, 1, 1, 1], d), "b": sh})
        C.case(f"shr_width_{SHORT[d]}", "a >> b", {"a": ext, "b": sh})
        C.case(f"shl_neg_values_{SHORT[d]}", "a << b", {"a": ext, "b": np.array([1, 2, 3, 0, 1, 2], d)})
        base = np.array([2, 3, 0, 1, mx, 7], d)
        ex = np.array([bits, 5, 0, 100, 2, 0], d)
        C.case(f"pow_wrap_{SHORT[d]}", "a ** b", {"a": base, "b": ex})
        C.case(f"pow_lit_{SHORT[d]}", "a ** 2", {"a": ext})
        C.case(f"pow_zero_{SHORT[d]}", "a ** 0", {"a": ext})
        if d in SIGNED:
            C.case(f"pow_neg_array_{SHORT[d]}", "a ** b",
                   {"a": np.array([2, 3], d), "b": np.array([1, -1], d)})
            C.case(f"pow_neg_lit_{SHORT[d]}", "a ** -1", {"a": np.array([2, 3], d)},
                   span="-1")
            C.case(f"pow_neg_base_{SHORT[d]}", "a ** 3", {"a": np.array([-2, -1, mn], d)})
        # Python int literals must fit the array's type (NumPy 2: OverflowError)
        C.case(f"lit_max_{SHORT[d]}", f"a + {mx}", {"a": zero})
        C.case(f"lit_min_{SHORT[d]}", f"a + ({mn})" if mn < 0 else "a + 0", {"a": zero})
        C.case(f"lit_over_{SHORT[d]}", f"a + {mx + 1}", {"a": zero}, span=str(mx + 1))
        C.case(f"lit_under_{SHORT[d]}", f"a * {mn - 1}", {"a": zero}, span=str(mn - 1))
        C.case(f"input_over_{SHORT[d]}", "a + k", {"a": zero, "k": Weak(mx + 1)}, error="Overflow")
        C.case(f"where_lit_over_{SHORT[d]}", f"where(a > 0, a, {mx + 1})", {"a": ext},
               error="Overflow", span=str(mx + 1),
               note="NumPy's where wraps here silently; vex reports it like any other operator")
    C.case("weak_int_with_uint64_max", "a + 18446744073709551615",
           {"a": np.zeros(3, np.uint64)})
    C.case("int64_overflow_hex", "a + 0x8000000000000000", {"a": np.zeros(3, np.int64)},
           span="0x8000000000000000")
    C.case("pow_neg_literal_weak", "2 ** -1", error="NegativePower", span="-1",
           note="Python gives 0.5; vex rejects integers to negative integer powers")
    C.case("pow_neg_literal_weak_paren", "a * 2 ** (-2)", {"a": np.ones(2)}, error="NegativePower",
           span="(-2)")
    C.case("pow_float_neg_ok", "2.0 ** -1")
    C.case("int_true_div", "a / b", {"a": np.array([7, -7, 1, 0], np.int64), "b": np.array([2, 2, 3, 0], np.int64)})
    C.case("u64_i64_mix", "a + b", {"a": np.array([2**64 - 1, 0], np.uint64), "b": np.array([-1, -2**63], np.int64)})


def floatedge():
    C.begin("floatedge", "# Float edge cases: NaN, infinities, signed zeros, floor division and modulo signs.")
    spec = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -2.5, 5e-324]
    for d in FLOATS:
        sv = np.array(spec, d)
        if d == "float32":
            sv[7] = np.float32(1e-45)
        a = np.repeat(sv, 8)
        b = np.tile(sv, 8)
        for op in ARITH + ["<", "=="]:
            C.case(f"{OPNAME[op]}_{SHORT[d]}_specials", f"a {op} b", {"a": a, "b": b})
        for f in ["maximum", "minimum", "copysign", "nextafter", "fmod", "arctan2", "hypot", "logaddexp"]:
            C.case(f"{f}_{SHORT[d]}_specials", f"{f}(a, b)", {"a": a, "b": b})
        sgn_a = np.array([7, -7, 7, -7, 7.5, -7.5, 0.0, -0.0, 1.0, -1.0, 6.0, -6.0], d)
        sgn_b = np.array([2, 2, -2, -2, 2, -2, 3, 3, 0.1, 0.1, 3.0, 3.0], d)
        C.case(f"floordiv_signs_{SHORT[d]}", "a // b", {"a": sgn_a, "b": sgn_b})
        C.case(f"mod_signs_{SHORT[d]}", "a % b", {"a": sgn_a, "b": sgn_b})
        C.case(f"fmod_signs_{SHORT[d]}", "fmod(a, b)", {"a": sgn_a, "b": sgn_b})
        C.case(f"weak_mod_{SHORT[d]}", "a % 3, a // 3, a % -3, a // -3", {"a": sgn_a})
        C.case(f"neg_zero_{SHORT[d]}", "-a, a * -1, 0 - a, a + 0.0, a - 0.0, abs(a), sign(a)",
               {"a": np.array([0.0, -0.0, 1.0, -1.0], d)})
        C.case(f"round_half_even_{SHORT[d]}", "round(a)",
               {"a": np.array([0.5, 1.5, 2.5, -0.5, -1.5, 3.49, -0.0, 1e20], d)})
        for f in ["floor", "ceil", "trunc", "round"]:
            C.case(f"{f}_{SHORT[d]}_specials", f"{f}(a)",
                   {"a": np.array([np.nan, np.inf, -np.inf, -0.0, -0.4, 0.4, -2.5, 2.5], d)})
        C.case(f"isnan_family_{SHORT[d]}", "isnan(a), isinf(a), isfinite(a), signbit(a)",
               {"a": np.array(spec, d)})
        C.case(f"nan_compare_{SHORT[d]}", "a == a, a != a, a < inf, a >= -inf",
               {"a": np.array(spec, d)})
        C.case(f"inf_arith_{SHORT[d]}", "a * 0, a - a, a / a, a * inf",
               {"a": np.array(spec, d)})
        C.case(f"overflow_{SHORT[d]}", "a * a, a + a",
               {"a": np.array([np.finfo(d).max, -np.finfo(d).max, np.finfo(d).tiny, 1.0], d)})
        C.case(f"nextafter_zero_{SHORT[d]}", "nextafter(a, b)",
               {"a": np.array([0.0, 0.0, -0.0, 1.0], d), "b": np.array([1.0, -1.0, 1.0, 2.0], d)})
        C.case(f"sign_specials_{SHORT[d]}", "sign(a)", {"a": np.array(spec, d)})
        C.case(f"clip_nan_{SHORT[d]}", "clip(a, -1.0, 1.0)", {"a": np.array(spec, d)})
        C.case(f"max_nan_reduce_{SHORT[d]}", "max(a), min(a), sum(a)",
               {"a": np.array([1.0, np.nan, 3.0], d)})
        C.case(f"sqrt_specials_{SHORT[d]}", "sqrt(a)", {"a": np.array(spec + [4.0, 2.0], d)})
    C.case("f32_weak_overflow", "a * 1e300", {"a": np.array([1.0, 0.0, -1.0], np.float32)})
    C.case("f32_weak_underflow", "a * 1e-300", {"a": np.array([1.0, 0.0, -1.0], np.float32)})
    C.case("f32_weak_rounding", "a + 0.1", {"a": np.array([1.0, 0.0, 1e8], np.float32)})
    C.case("complex_specials_isnan", "isnan(z), isinf(z), isfinite(z)",
           {"z": np.array([complex(np.nan, 0), complex(0, np.inf), 1 + 1j, complex(-np.inf, np.nan)])})
    C.case("complex_abs_specials", "abs(z)",
           {"z": np.array([complex(np.nan, np.inf), complex(3, 4), complex(-0.0, 0.0), complex(1e300, 1e300)])})


# ---------------------------------------------------------------------------------------
# Functions.

UNARY_DOMAIN = {
    "sin": "any", "cos": "any", "tan": "small", "arcsin": "unit", "arccos": "unit",
    "arctan": "any", "sinh": "small", "cosh": "small", "tanh": "any", "arcsinh": "any",
    "arccosh": "ge1", "arctanh": "unit", "exp": "small", "expm1": "small", "log": "pos",
    "log1p": "pos", "log10": "pos", "log2": "pos", "sqrt": "pos", "cbrt": "any",
    "square": "any", "reciprocal": "nonzero", "deg2rad": "any", "rad2deg": "any",
    "ceil": "any", "floor": "any", "trunc": "any", "round": "any", "sign": "any", "abs": "any",
    "conj": "any", "real": "any", "imag": "any", "isnan": "any", "isfinite": "any",
    "isinf": "any", "signbit": "any", "copy": "any", "ones_like": "any",
}
SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 1e-300, 1e300, 700.0, -700.0]


def funcs_unary():
    C.begin("funcs_unary", "# One-argument functions on every dtype; special values; weak and 0-d arguments.")
    rng = rng_for("funcs_unary")
    for f, kind in UNARY_DOMAIN.items():
        for d in DTYPES:
            a = arr(rng, d, (2, 3), kind)
            C.case(f"{f}_{SHORT[d]}", f"{f}(a)", {"a": a})
        for d in FLOATS:
            sv = np.array(SPECIALS, d)
            C.case(f"{f}_{SHORT[d]}_specials", f"{f}(a)", {"a": sv})
        C.case(f"{f}_0d_f32", f"{f}(s)", {"s": scalar0(rng, "float32", "pos" if kind in ("pos", "ge1") else "unit")})
        lit = {"pos": "2.5", "ge1": "2.5", "unit": "0.25", "nonzero": "4"}.get(kind, "0.75")
        if f not in ("ones_like", "copy", "real", "imag", "conj"):
            C.case(f"{f}_weak_literal", f"{f}({lit})")
            C.case(f"{f}_weak_int", f"{f}(k)", {"k": Weak(2)})
            C.case(f"{f}_in_f32_expr", f"a * {f}({lit})", {"a": arr(rng, "float32", (3,), "small")},
                   note="a function of a Python scalar returns a strong float64 in NumPy")
        C.case(f"{f}_nested", f"{f}(a + 1) * 2" if kind != "unit" else f"{f}(a / 2) * 2",
               {"a": arr(rng, "float64", (4,), kind)})
    for d in DTYPES:
        a = arr(rng, d, (4,), "any")
        C.case(f"attr_real_imag_{SHORT[d]}", "a.real, a.imag", {"a": a})
    for d in COMPLEX:
        z = arr(rng, d, (6,), "small")
        z[0] = 0
        C.case(f"sign_complex_zero_{SHORT[d]}", "sign(z)", {"z": z})
        C.case(f"abs_then_arith_{SHORT[d]}", "abs(z) + z.real", {"z": z})
    C.case("abs_int8_min", "abs(a)", {"a": np.array([-128, 127, -1], np.int8)})
    C.case("reciprocal_int_is_true_division", "reciprocal(a)", {"a": np.array([1, 2, -4, 0], np.int32)})
    C.case("reciprocal_f32", "reciprocal(a)", {"a": np.array([1, 3, -4, 0], np.float32)})
    C.case("round_int_keeps_dtype", "round(a)", {"a": np.array([1, -2, 3], np.int16)})
    C.case("floor_bool_keeps_dtype", "floor(a)", {"a": np.array([True, False])})
    C.case("sqrt_negative", "sqrt(a)", {"a": np.array([-1.0, -0.0, 4.0])})
    C.case("log_zero_negative", "log(a), log2(a), log10(a), log1p(a - 1)",
           {"a": np.array([0.0, -1.0, 1.0, np.e])})


BINARY_FUNCS = ["arctan2", "hypot", "nextafter", "copysign", "logaddexp", "fmod", "maximum",
                "minimum", "complex"]
MIXES = [("float32", "float64"), ("int8", "float32"), ("int16", "float32"), ("int32", "float32"),
         ("int8", "int16"), ("uint8", "int8"), ("int64", "float64"), ("bool", "float32"),
         ("uint64", "int64"), ("float32", "complex64")]


def funcs_binary():
    C.begin("funcs_binary", "# Two- and three-argument functions: dtypes, mixes, weak scalars, where and clip.")
    rng = rng_for("funcs_binary")
    for f in BINARY_FUNCS:
        for d in DTYPES:
            kb = "nonzero" if f == "fmod" else "any"
            C.case(f"{f}_{SHORT[d]}", f"{f}(a, b)",
                   {"a": arr(rng, d, (6,), "any"), "b": arr(rng, d, (6,), kb)})
        for da, db in MIXES:
            C.case(f"{f}_{SHORT[da]}_{SHORT[db]}", f"{f}(a, b)",
                   {"a": arr(rng, da, (5,), "small"), "b": arr(rng, db, (5,), "nonzero")})
        for d in ["int8", "int32", "float32", "float64"]:
            for lit in ["2", "1.5", "True"]:
                C.case(f"{f}_{SHORT[d]}_weak{lit}", f"{f}(a, {lit})", {"a": arr(rng, d, (4,), "small")})
                C.case(f"{f}_weak{lit}_{SHORT[d]}", f"{f}({lit}, a)", {"a": arr(rng, d, (4,), "nonzero")})
        C.case(f"{f}_broadcast", f"{f}(a, b)",
               {"a": arr(rng, "float64", (3, 1), "small"), "b": arr(rng, "float64", (4,), "nonzero")})
        C.case(f"{f}_shape_error", f"{f}(a, b)",
               {"a": arr(rng, "float64", (3,)), "b": arr(rng, "float64", (4,))})
    # where: every dtype pair for the branches, weak branches, broadcast condition
    for da in DTYPES:
        for db in DTYPES:
            c = vals(rng, "bool", 6)
            C.case(f"where_{SHORT[da]}_{SHORT[db]}", "where(c, a, b)",
                   {"c": c, "a": arr(rng, da, (6,)), "b": arr(rng, db, (6,))})
    for d in DTYPES:
        for wk, lit in WEAK_LITERALS:
            C.case(f"where_{SHORT[d]}_weak{wk}", f"where(a > 0, a, {lit})" if d not in COMPLEX + ["bool"]
                   else f"where(c, a, {lit})", {"a": arr(rng, d, (5,)), "c": vals(rng, "bool", 5)})
    C.case("where_weak_weak", "where(c, 1, 2.5)", {"c": vals(rng, "bool", 6)})
    C.case("where_int_cond", "where(a, 1, 0)", {"a": arr(rng, "int32", (6,))})
    C.case("where_float_cond", "where(a, b, 0)", {"a": np.array([0.0, 1.0, np.nan, -0.0]), "b": np.arange(4.0)})
    C.case("where_broadcast", "where(c, a, b)",
           {"c": vals(rng, "bool", 3).reshape(3, 1), "a": arr(rng, "float32", (4,)), "b": arr(rng, "float32", (3, 4))})
    C.case("where_shape_error", "where(c, a, b)",
           {"c": vals(rng, "bool", 3), "a": arr(rng, "float32", (4,)), "b": arr(rng, "float32", (4,))})
    C.case("where_nested", "where(a > 0, where(a > 1, 2, 1), where(a < -1, -2, -1))",
           {"a": arr(rng, "float64", (8,), "small")})
    # clip
    for d in DTYPES:
        C.case(f"clip_{SHORT[d]}_weak", "clip(a, 1, 5)" if d != "bool" else "clip(a, False, True)",
               {"a": arr(rng, d, (6,), "any")})
        C.case(f"clip_{SHORT[d]}_arrays", "clip(a, lo, hi)",
               {"a": arr(rng, d, (6,), "any"), "lo": arr(rng, d, (6,), "small"), "hi": arr(rng, d, (6,), "small")})
    C.case("clip_int8_float_bounds", "clip(a, -1.5, 2.5)", {"a": arr(rng, "int8", (6,))})
    C.case("clip_f32_broadcast", "clip(a, lo, 1.0)", {"a": arr(rng, "float32", (2, 3)), "lo": arr(rng, "float32", (3,))})
    C.case("clip_lo_gt_hi", "clip(a, 5, 1)", {"a": arr(rng, "int32", (6,))})
    # complex() precision
    C.case("complex_f32_f32", "complex(a, b)", {"a": arr(rng, "float32", (4,)), "b": arr(rng, "float32", (4,))})
    C.case("complex_f32_weak", "complex(a, 0.5)", {"a": arr(rng, "float32", (4,))})
    C.case("complex_f64_f32", "complex(a, b)", {"a": arr(rng, "float64", (4,)), "b": arr(rng, "float32", (4,))})
    C.case("complex_of_complex_error", "complex(z, z)", {"z": arr(rng, "complex128", (3,))}, error="Type")


def weak():
    C.begin("weak", "# NEP 50: Python scalars (literals, named scalar inputs, constants) are weak.")
    rng = rng_for("weak")
    for d in DTYPES:
        a = arr(rng, d, (4,), "small")
        for prog in ["a * 2", "a * 2.5", "a + pi", "a * k", "a + k + 1", "a * (k + 0.5)",
                     "a * (1 + 1)", "(a * 0) + 1j"]:
            kv = Weak(3) if "k" in prog else None
            C.case(f"{SHORT[d]}_{len(C.topics['weak'])}", prog, {"a": a, **({"k": kv} if kv else {})})
    C.case("weak_bool_input", "a + k", {"a": arr(rng, "int8"), "k": Weak(True)})
    C.case("weak_float_input_int_array", "a * k", {"a": arr(rng, "int8"), "k": Weak(0.5)})
    C.case("weak_complex_input_f32", "a * k", {"a": arr(rng, "float32"), "k": Weak(1j)})
    C.case("weak_big_int_input_u64", "a + k", {"a": np.zeros(2, np.uint64), "k": Weak(2**64 - 1)})
    C.case("weak_int_input_negative_u8", "a + k", {"a": np.zeros(2, np.uint8), "k": Weak(-1)},
           error="Overflow")
    C.case("weak_only_input_result", "k * 2", {"k": Weak(2.5)})
    C.case("weak_only_input_int", "k + 1", {"k": Weak(41)})
    C.case("weak_bool_only", "k", {"k": Weak(False)})
    C.case("weak_complex_only", "k * 2", {"k": Weak(1 - 1j)})
    C.case("inf_constant_f32", "a + inf, a * nan", {"a": arr(rng, "float32", (3,))})
    C.case("pi_f32_rounds", "a * 0 + pi", {"a": arr(rng, "float32", (2,))})
    C.case("pi_int_promotes", "a * pi", {"a": arr(rng, "int16", (3,))})


def write():
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")
    here = os.path.dirname(os.path.abspath(__file__))
    for topic in [arith, unary, compare, bitwise, intedge, floatedge, funcs_unary, funcs_binary,
                  weak]:
        topic()
    for topic in [reduce, broadcast, index, sources, programs, literals, casts, kernels, errors,
                  layouts, large, mixed]:
        topic(C, rng_for, arr, vals, scalar0)
    C.write(here)
    total = sum(len(v) - 1 for v in C.topics.values())
    print(f"{total} cases in {len(C.topics)} files ({C.stats})")
    for t, v in C.topics.items():
        print(f"  {t}: {len(v) - 1}")


if __name__ == "__main__":
    write()
