#!/usr/bin/env python3
"""The Python package's training run for profile-guided optimization (scripts/pgo-train,
docs/pgo.md): what a compilation asks the extension, on the real records.

Every record of shared/corpus/real goes through symshape.torch's drop-in as bench/corpus.py
sends it (its arguments rebuilt from the `srepr` fields by bench/first_calls.py's `items`): the first call on the fresh objects (conversion of
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
import first_calls as F  # noqa: E402

import symshape  # noqa: E402
import symshape.torch as st  # noqa: E402


def calls(f, args, reps):
    """The first call of `f(*args)` and `reps` more; an error is an answer here
    (bench/corpus.py counts them)."""
    for _ in range(1 + reps):
        try:
            f(*args)
        except Exception:  # noqa: BLE001
            return


def drop_in(reps):
    """Every record's drop-in call, with its arguments as bench/first_calls.py builds them (new
    sympy objects)."""
    n = 0
    for kind in ("simplify", "ranges", "bound", "solve"):
        fn = getattr(st, F.FNS[kind])
        for a in F.items(kind, None):
            calls(fn, a, reps)
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
