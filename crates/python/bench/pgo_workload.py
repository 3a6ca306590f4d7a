#!/usr/bin/env python3
"""The Python package's training run for profile-guided optimization (scripts/pgo-train,
docs/pgo.md): what a compilation asks the extension, on the real records.

Every record of shared/corpus/real goes through symshape.torch's drop-in as bench/corpus.py
sends it (rebuilt from its `srepr` fields): the first call on the fresh objects (conversion of
a new sympy tree, the answer built as sympy objects), then REPS calls more (the conversion
memos warm, as in a compilation). Then the records' texts through `symshape.Context` (parse,
simplify, bound, solve). symshape's side only: no PyTorch calls, no checks (bench/corpus.py
checks the answers). Run in the torch venv with the instrumented package first on the path.

    python crates/python/bench/pgo_workload.py [--reps 5]

SYMSHAPE_CORPUS_HALF=even|odd trains on one half of the records (bench/corpus.py's `load`), to
measure the gain on the other half.
"""
import argparse
import os
import sys
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus as C  # noqa: E402

import symshape  # noqa: E402
import symshape.torch as st  # noqa: E402


def calls(f, reps):
    """The first call and `reps` more; an error is an answer here (bench/corpus.py counts them)."""
    for _ in range(1 + reps):
        try:
            f()
        except Exception:  # noqa: BLE001
            return


def drop_in(reps):
    simplify = C.load("simplify.jsonl")
    n = 0
    for r in simplify:
        if r["fn"] != "simplify":
            continue
        expr = C.build(r["expr_srepr"])
        repl = {C.build(a): C.build(b) for a, b in r.get("replacements") or []}
        calls(lambda: st.simplify(expr, repl), reps)
        n += 1
    for r in simplify:
        if r["fn"] != "simplify_with_ranges":
            continue
        expr = C.build(r["expr_srepr"])
        var_ranges = {C.build(a): C.build(b) for a, b, _, _ in r.get("var_ranges") or []}
        vtr = {C.build(a): C.vr(d) for a, d in r.get("var_to_range") or [] if d}
        repl = {C.build(a): C.build(b) for a, b in r.get("replacements") or []}
        axioms = [C.build(a) for a in r.get("axioms") or []]
        calls(lambda: st.simplify_with_ranges(expr, var_ranges, vtr, repl, axioms), reps)
        n += 1
    for r in C.load("bound.jsonl"):
        expr = C.build(r["expr_srepr"])
        ranges = {C.build(a): C.vr(d) for a, d, src in r["ranges"] if src != "default_from_assumptions"}
        calls(lambda: st.bound_sympy(expr, ranges), reps)
        n += 1
    for r in C.load("solve.jsonl"):
        expr = C.build(r["expr_srepr"])
        thing = C.build(r["thing"])
        calls(lambda: st.try_solve(expr, thing, r["trials"], r["floordiv_inequality"]), reps)
        n += 1
    return n


def context_api():
    """The records' texts through the engine's own API: a context per text, as a caller that
    reads expressions from strings makes them."""
    n = 0
    for name in ("simplify.jsonl", "bound.jsonl"):
        for r in C.load(name):
            cx = symshape.Context()
            try:
                e = cx.parse(r["expr"])
                cx.simplify(e)
                if name == "bound.jsonl":
                    cx.bound(e)
            except symshape.Error:
                continue
            n += 1
    for r in C.load("solve.jsonl"):
        cx = symshape.Context()
        try:
            cx.solve(cx.parse(r["expr"]), str(C.build(r["thing"])))
        except (symshape.Error, TypeError):
            continue
        n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    a = drop_in(args.reps)
    b = context_api()
    print(f"pgo_workload: {a} drop-in records ({1 + args.reps} calls each), {b} texts through Context",
          file=sys.stderr)


if __name__ == "__main__":
    main()
