#!/usr/bin/env python3
"""First calls of one drop-in function over the real corpus, for an exact instruction count
(with --warm W: the calls after W earlier calls on the same objects, a repeated question).

Every record is rebuilt from its `srepr` fields (sympy's cache cleared first, so the objects are
new), then the drop-in function is called once per record, in corpus order, on an engine that
has seen nothing. The calls run inside `itertools.starmap`, so that callgrind can count them
alone (its `--toggle-collect=starmap_next` collects only while a call runs; nothing else here
uses `starmap`). Wall-clock first calls on this machine move by 50% between runs; the
instruction count is the same to 0.1%, which is how the drop-in's first calls are compared
(crates/python/README.md).

Usage (in the torch venv; PYTHONPATH may point at another copy of the package to compare):
  PYTHONHASHSEED=0 valgrind --tool=callgrind --toggle-collect=starmap_next \\
      --callgrind-out-file=cg.out python crates/python/bench/first_calls.py bound --n 600
  callgrind_annotate cg.out | grep 'PROGRAM TOTALS'     # divided by the calls printed
Without valgrind it prints the median wall time per first call as well.
"""
import argparse
import itertools
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus as C  # noqa: E402

import sympy  # noqa: E402
import sympy.core.random  # noqa: E402

import symshape.torch as st  # noqa: E402

FNS = {"bound": "bound_sympy", "ranges": "simplify_with_ranges", "simplify": "simplify",
       "solve": "try_solve"}


def records(name, fn, n):
    """The first ``n`` records of the corpus file ``name`` (of the function ``fn``, if given;
    all of them when ``n`` is None)."""
    return [r for r in C.load(name) if fn is None or r["fn"] == fn][:n]


def items(kind, n):
    """The arguments of the first ``n`` records of ``kind`` (all for None), as new sympy
    objects."""
    sympy.core.cache.clear_cache()
    out = []
    if kind == "ranges":
        for r in records("simplify.jsonl", "simplify_with_ranges", n):
            out.append((C.build(r["expr_srepr"]),
                        {C.build(a): C.build(b) for a, b, _, _ in r.get("var_ranges") or []},
                        {C.build(a): C.vr(d) for a, d in r.get("var_to_range") or [] if d},
                        {C.build(a): C.build(b) for a, b in r.get("replacements") or []},
                        [C.build(a) for a in r.get("axioms") or []]))
    elif kind == "bound":
        for r in records("bound.jsonl", None, n):
            out.append((C.build(r["expr_srepr"]),
                        {C.build(a): C.vr(d) for a, d, src in r["ranges"]
                         if src != "default_from_assumptions"}))
    elif kind == "simplify":
        for r in records("simplify.jsonl", "simplify", n):
            repl = {C.build(a): C.build(b) for a, b in r.get("replacements") or []}
            out.append((C.build(r["expr_srepr"]), repl or None))
    else:
        for r in records("solve.jsonl", None, n):
            out.append((C.build(r["expr_srepr"]), C.build(r["thing"]), r["trials"],
                        r["floordiv_inequality"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=sorted(FNS))
    ap.add_argument("--n", type=int, default=600, help="the first N records")
    ap.add_argument("--warm", type=int, default=0,
                    help="call each record W times before the counted pass, which then counts "
                         "warm calls (repeated questions on the same objects) instead of first calls")
    args = ap.parse_args()
    its = items(args.kind, args.n)
    # sympy's assumption queries try their rules in an order shuffled by its own generator,
    # which PYTHONHASHSEED does not fix: seeded, repeated counts agree to 0.01% (unseeded,
    # they move by about 5%).
    sympy.core.random.seed(0)
    fn = getattr(st, FNS[args.kind])
    times = []

    def timed(*a):
        t = time.perf_counter()
        fn(*a)
        times.append(time.perf_counter() - t)

    for _ in range(args.warm):
        for a in its:
            fn(*a)
    list(itertools.starmap(timed, its))
    what = "first calls" if not args.warm else f"calls after {args.warm} warm-up calls each"
    print(f"{args.kind}: {len(its)} {what}, median {statistics.median(times) * 1e6:.1f} µs "
          f"(wall clock; {st.__file__})")


if __name__ == "__main__":
    main()
