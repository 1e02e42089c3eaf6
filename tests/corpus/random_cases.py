#!/usr/bin/env python3
"""Writes random.cases: rand/randn cases whose expected values come from an independent
Python implementation of Philox4x32-10 (Random123) and Box-Muller, with NumPy for the
slicing, broadcasting and reductions. NumPy's own generators are not used: vex's
counter-based streams are its own (see expr/src/random.rs). Deterministic:

    python3 tests/corpus/random_cases.py
"""

import math
import os

import numpy as np

M0, M1 = 0xD2511F53, 0xCD9E8D57
W0, W1 = 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox(ctr, key):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(10):
        if r:
            k0, k1 = (k0 + W0) & MASK, (k1 + W1) & MASK
        p0, p1 = M0 * c0, M1 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & MASK, (p0 >> 32) ^ c3 ^ k1, p0 & MASK
    return c0, c1, c2, c3


def block(seed, stream, i):
    return philox((i & MASK, i >> 32, stream, 0), (seed & MASK, seed >> 32))


def top53(b, w):
    return ((b[w + 1] << 32) | b[w]) >> 11


def rand(shape, seed):
    n = int(np.prod(shape, dtype=np.int64))
    v = [top53(block(seed, 0, i), 0) / 2.0**53 for i in range(n)]
    return np.array(v, dtype=np.float64).reshape(shape)


def randn(shape, seed):
    n = int(np.prod(shape, dtype=np.int64))
    v = []
    for i in range(n):
        b = block(seed, 1, i)
        u1 = (top53(b, 0) + 1) / 2.0**53
        u2 = top53(b, 2) / 2.0**53
        v.append(math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2))
    return np.array(v, dtype=np.float64).reshape(shape)


def values(a):
    a = np.asarray(a)
    if a.dtype == np.bool_:
        return " ".join("True" if x else "False" for x in a.ravel())
    if a.dtype == np.float32:
        return " ".join(str(x) for x in a.ravel())
    return " ".join(repr(float(x)) for x in a.ravel())


def shape(a):
    s = np.asarray(a).shape
    return "(" + ",".join(str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


def out(a):
    a = np.asarray(a)
    name = {np.float64: "float64", np.float32: "float32", np.bool_: "bool"}[a.dtype.type]
    return f"out: {name} {shape(a)} [{values(a)}]"


CASES = []


def case(name, expr, result, tol=None, note=None, inputs=()):
    lines = [f"case random/{name}"]
    if note:
        lines.append(f"note: {note}")
    lines.append(f"expr: {expr}")
    lines.extend(inputs)
    for r in result if isinstance(result, tuple) else (result,):
        lines.append(out(r))
    if tol:
        lines.append(f"tol: {tol}")
    CASES.append("\n".join(lines))


def error(name, expr, kind):
    CASES.append(f"case random/{name}\nexpr: {expr}\nerror: {kind}")


# rand is exact on every backend: integers scaled by a power of two.
case("rand_1d", "rand(7, seed=0)", rand((7,), 0), "ulp=0")
case("rand_2d", "rand((3, 4), seed=42)", rand((3, 4), 42), "ulp=0")
case("rand_big_seed", "rand(5, seed=2**63 + 12345)", rand((5,), 2**63 + 12345), "ulp=0")
case("rand_0d", "rand((), seed=3)", rand((), 3), "ulp=0")
case("rand_empty", "rand((0, 3), seed=3)", rand((0, 3), 3), "ulp=0")
case("rand_slice", "rand((6, 5), seed=7)[1::2, ::-2]", rand((6, 5), 7)[1::2, ::-2], "ulp=0")
case("rand_transpose", "rand((3, 4), seed=8).T", rand((3, 4), 8).T, "ulp=0")
case("rand_index", "rand((4, 5), seed=9)[2]", rand((4, 5), 9)[2], "ulp=0")
case(
    "rand_broadcast",
    "rand(4, seed=1)[:, None] - rand(3, seed=2)",
    rand((4,), 1)[:, None] - rand((3,), 2),
    "ulp=1",
)
case(
    "rand_with_input",
    "x * rand((2, 3), seed=5)",
    np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]]) * rand((2, 3), 5),
    "ulp=1",
    inputs=["in x: float64 (2,3) F [1.0 -2.0 0.5 3.0 0.25 -1.0]"],
)
case("rand_compare", "rand(10, seed=4) < 0.5", rand((10,), 4) < 0.5)
case("rand_float32", "float32(rand(6, seed=6))", rand((6,), 6).astype(np.float32), "ulp=0")
case(
    "rand_sum",
    "sum(rand((50, 40), seed=10), axis=0)",
    rand((50, 40), 10).sum(axis=0),
    "rtol=1e-14",
)
case("rand_program", "u = rand(6, seed=11); u * (1 - u)", rand((6,), 11) * (1 - rand((6,), 11)), "ulp=1")
# randn: Box-Muller through log, sqrt and cos, which may differ by a few ULPs by backend.
case("randn_1d", "randn(9, seed=0)", randn((9,), 0), "ulp=4")
case("randn_2d", "randn((3, 3), seed=123)", randn((3, 3), 123), "ulp=4")
case("randn_slice", "randn((5, 6), seed=2)[::-1, 1:4]", randn((5, 6), 2)[::-1, 1:4], "ulp=4")
case(
    "randn_mean",
    "mean(randn(2000, seed=5))",
    np.float64(randn((2000,), 5).mean()),
    "atol=1e-12",
)
error("negative_dim", "rand(-1)", "Arguments @5..7")
error("negative_seed", "randn(3, seed=-5)", "Arguments @14..16")
error("float_dim", "rand(2.0)", "Type @5..8")
error("unknown_keyword", "rand(3, size=2)", "Arguments @8..12")
error("no_shape", "randn()", "Arguments @0..7")

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "random.cases"), "w") as f:
    f.write(
        "# rand and randn: expected values from an independent Philox4x32-10 and Box-Muller\n"
        "# (tests/corpus/random_cases.py; NumPy only slices, broadcasts and reduces them).\n\n"
    )
    f.write("\n\n".join(CASES) + "\n")
