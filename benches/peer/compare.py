#!/usr/bin/env python3
"""vex against numexpr and NumPy on the anchor workloads (benches/common/mod.rs).

    python3 benches/peer/compare.py [--threads T] [SIZE ...]

Runs the vex side (`cargo bench -p vex --bench peer`, release build, VEX_NUM_THREADS=T),
then the same workloads with numexpr (set_num_threads(T)) and NumPy on inputs uniform in [0, 1)
(the Rust side's xorshift stream up to 10^5 points, NumPy's generator above), and prints one table of median seconds per
call with fresh outputs, plus first-call and N = 16 per-call costs. NumPy and the plain Rust
loop are single-threaded. Compare numbers within one run only: the machine drifts.
"""

import argparse
import json
import os
import subprocess
import time

import numexpr as ne
import numpy as np

DIST_POINTS = 2000
ARC_NE = ("2*arctan2(sqrt(sin((theta_2-theta_1)/2)**2 + cos(theta_1)*cos(theta_2)*sin((phi_2-phi_1)/2)**2),"
          " sqrt(1 - (sin((theta_2-theta_1)/2)**2 + cos(theta_1)*cos(theta_2)*sin((phi_2-phi_1)/2)**2)))")


def uniform(n, seed):
    """The xorshift64 stream of benches/common/mod.rs; NumPy's generator for large n."""
    mask = (1 << 64) - 1
    s = ((seed * 0x9E3779B97F4A7C15) & mask) | 1
    out = np.empty(n)
    # Pure Python is slow at 1e7; the values only need to be uniform, not bit-identical.
    if n > 100_000:
        return np.random.default_rng(seed).random(n)
    for i in range(n):
        s ^= (s << 13) & mask
        s ^= s >> 7
        s ^= (s << 17) & mask
        out[i] = (s >> 11) / float(1 << 53)
    return out


def median_s(f):
    t = time.perf_counter()
    f()
    once = max(time.perf_counter() - t, 1e-9)
    inner = min(max(int(0.02 / once), 1), 100_000)
    samples = []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(inner):
            f()
        samples.append((time.perf_counter() - t) / inner)
    return sorted(samples)[3]


def workloads(n):
    a, b, c = uniform(n, 1), uniform(n, 2), uniform(n, 3)
    af, bf = a.astype(np.float32), b.astype(np.float32)
    env = dict(a=a, b=b, c=c, af=af, bf=bf, theta_1=a, theta_2=b, phi_1=c, phi_2=b)
    # (name, numexpr callable, numpy callable)
    return [
        ("a+b*c", lambda: ne.evaluate("a + b*c", env), lambda: a + b * c),
        ("2*a+3*b", lambda: ne.evaluate("2*a + 3*b", env), lambda: 2 * a + 3 * b),
        ("sqrt(a*a+b*b)", lambda: ne.evaluate("sqrt(a*a + b*b)", env), lambda: np.sqrt(a * a + b * b)),
        ("sqrt(a*a+b*b) f32", lambda: ne.evaluate("sqrt(af*af + bf*bf)", env),
         lambda: np.sqrt(af * af + bf * bf)),
        ("sin(a)**2+cos(b)**2", lambda: ne.evaluate("sin(a)**2 + cos(b)**2", env),
         lambda: np.sin(a) ** 2 + np.cos(b) ** 2),
        ("exp(-a)*log1p(b)", lambda: ne.evaluate("exp(-a) * log1p(b)", env),
         lambda: np.exp(-a) * np.log1p(b)),
        ("where(a>0.5,a,b*c)", lambda: ne.evaluate("where(a > 0.5, a, b*c)", env),
         lambda: np.where(a > 0.5, a, b * c)),
        ("arctan2(a,b)", lambda: ne.evaluate("arctan2(a, b)", env), lambda: np.arctan2(a, b)),
        ("sum(a*b)", lambda: ne.evaluate("sum(a*b)", env), lambda: np.sum(a * b)),
        ("arc-distance", lambda: ne.evaluate(ARC_NE, env), lambda: arc_numpy(a, b, c, b)),
    ]


def arc_numpy(t1, t2, p1, p2):
    t = np.sin((t2 - t1) / 2) ** 2 + np.cos(t1) * np.cos(t2) * np.sin((p2 - p1) / 2) ** 2
    return 2 * np.arctan2(np.sqrt(t), np.sqrt(1 - t))


def dist_numexpr(x, y):
    # numexpr has no indexing and a reduction must be outermost: two calls.
    s = ne.evaluate("sum((x - y)**2, axis=2)")
    return ne.evaluate("sqrt(s)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("sizes", nargs="*", type=int, default=[1_000, 100_000, 1_000_000, 10_000_000])
    args = ap.parse_args()
    ne.set_num_threads(args.threads)
    env = dict(os.environ, VEX_NUM_THREADS=str(args.threads))
    out = subprocess.run(
        ["cargo", "bench", "-q", "-p", "vex", "--bench", "peer", "--"] + [str(s) for s in args.sizes],
        env=env, check=True, capture_output=True, text=True,
    ).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    vex = {(r["workload"], r["n"]): r for r in rows if r["kind"] == "time"}
    first = next(r for r in rows if r["kind"] == "first_call")
    over = next(r for r in rows if r["kind"] == "overhead16")

    table = []
    for n in args.sizes:
        for name, nef, npf in workloads(n):
            table.append((name, n, vex[(name, n)], median_s(nef), median_s(npf)))
    r = uniform(DIST_POINTS * 3, 4).reshape(DIST_POINTS, 3)
    x, y = r[:, None, :], r[None, :, :]
    table.append(("distance-matrix", DIST_POINTS, vex[("distance-matrix", DIST_POINTS)],
                  median_s(lambda: dist_numexpr(x, y)),
                  median_s(lambda: np.sqrt(np.sum((x - y) ** 2, axis=2)))))

    def us(s):
        return "   n/a" if s is None else f"{s * 1e6:10.1f}"

    def ratio(v, o):
        return "   n/a" if v is None else f"{o / v:6.2f}"

    print(f"threads = {args.threads} (vex JIT, numexpr); NumPy and loop: 1 thread. "
          "Times in µs per call (median); ratios = other / vex (> 1: vex faster).")
    print(f"{'workload':22}{'N':>10}{'vex JIT':>11}{'numexpr':>11}{'NumPy':>11}{'loop':>11}"
          f"{'ne/vex':>8}{'np/vex':>8}{'loop/vex':>9}")
    for name, n, v, nes, nps in table:
        vs = v["vex"]
        print(f"{name:22}{n:>10}{us(vs)} {us(nes)} {us(nps)} {us(v['loop'])}  "
              f"{ratio(vs, nes)}  {ratio(vs, nps)}   {ratio(vs, v['loop'])}")

    # First call of the arc-distance program at N = 1000: numexpr's cache is keyed by the
    # expression text, so a never-seen variant (extra "+0") forces its compile.
    a, b, c = uniform(1000, 1), uniform(1000, 2), uniform(1000, 3)
    fresh = dict(theta_1=a, theta_2=b, phi_1=c, phi_2=b)
    t = time.perf_counter()
    ne.evaluate(ARC_NE + " + 0", fresh)
    ne_first = time.perf_counter() - t
    print(f"\narc-distance first call (N = 1000): vex {first['vex'] * 1e6:.0f} µs, "
          f"numexpr {ne_first * 1e6:.0f} µs")
    a16, b16, c16 = uniform(16, 1), uniform(16, 2), uniform(16, 3)
    ne16 = median_s(lambda: ne.evaluate("a + b*c", dict(a=a16, b=b16, c=c16)))
    np16 = median_s(lambda: a16 + b16 * c16)
    print(f"per call at N = 16 (a + b*c): vex evaluate (Auto) {over['vex_evaluate_auto'] * 1e6:.2f} µs, "
          f"vex Program::run (JIT) {over['vex_run_jit'] * 1e6:.2f} µs, numexpr {ne16 * 1e6:.2f} µs, "
          f"NumPy {np16 * 1e6:.2f} µs")


if __name__ == "__main__":
    main()
