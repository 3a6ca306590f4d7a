#!/usr/bin/env python3
"""What a call of Context.simplify from Python adds to the Rust call, and the resident size over
10^5 drop-in calls.

Overhead: for index expressions of the real corpus (parsed once, ranges from their records),
`cx.simplify(e)` called from Python against `cx._bench_simplify(e, n)` (the same call looped
inside Rust on the same context); per expression the best of 5 runs of N calls each, then the
median over expressions of (Python - Rust).

Memory: 10^5 calls of symshape.torch.bound_sympy / simplify on distinct expressions; the
resident size (VmRSS) before and after.

Usage: python crates/python/bench/overhead.py [--exprs 300] [--calls 2000]
"""
import argparse
import json
import os
import statistics
import time
import warnings

warnings.filterwarnings("ignore")

import symshape  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SYMSHAPE_SHARED", os.path.join(HERE, "..", "..", "..", "..", "shared"))


def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def overhead(n_exprs, calls):
    recs = []
    for line in open(os.path.join(SHARED, "corpus", "real", "simplify.jsonl")):
        r = json.loads(line)
        if r["fn"] == "simplify_with_ranges" and len(r["expr"]) < 300:
            recs.append(r)
        if len(recs) >= n_exprs:
            break
    diffs, rust, py = [], [], []
    for r in recs:
        cx = symshape.Context()
        try:
            for _, _, name, size in r.get("var_ranges") or []:
                cx.set_range(name, 0, f"{size} - 1")
            e = cx.parse(r["expr"])
        except symshape.Error:
            continue
        f = cx.simplify
        best_py = best_rust = float("inf")
        for _ in range(5):
            t0 = time.perf_counter_ns()
            for _ in range(calls):
                f(e)
            best_py = min(best_py, (time.perf_counter_ns() - t0) / calls)
            best_rust = min(best_rust, cx._bench_simplify(e, calls))
        py.append(best_py)
        rust.append(best_rust)
        diffs.append(best_py - best_rust)
    med = statistics.median
    print(f"overhead: {len(diffs)} expressions, Context.simplify from Python {med(py):.0f} ns, "
          f"in Rust {med(rust):.0f} ns, added by the call median {med(diffs):.0f} ns "
          f"(p90 {sorted(diffs)[int(len(diffs) * 0.9)]:.0f} ns, max {max(diffs):.0f} ns)")


def memory(n):
    import sympy
    from torch.utils._sympy.functions import FloorDiv, ModularIndexing
    from torch.utils._sympy.value_ranges import ValueRanges

    import symshape.torch as st

    s = sympy.Symbol("s0", integer=True, positive=True)
    x = sympy.Symbol("x0", integer=True, nonnegative=True)
    before = rss_kib()
    marks = []
    for k in range(n):
        e = FloorDiv(x + (k % 50_000) * s, 64) + ModularIndexing(x, 1, k % 97 + 1)
        st.bound_sympy(e, {x: ValueRanges(0, 63)})
        st.simplify(e + k)
        if k % (n // 5) == n // 5 - 1:
            marks.append(rss_kib())
    print(f"memory: {n} drop-in bound_sympy + {n} simplify calls on distinct expressions: "
          f"VmRSS {before / 1024:.0f} MiB before, "
          + ", ".join(f"{m / 1024:.0f}" for m in marks) + " MiB after each fifth")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--exprs", type=int, default=300)
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--memory-calls", type=int, default=100_000)
    a = ap.parse_args()
    overhead(a.exprs, a.calls)
    memory(a.memory_calls)
