#!/usr/bin/env python3
"""Bound exactness and simplify soundness of symshape against the exact oracles of ../shared/peers
(isl exact min/max for quasi-affine expressions, z3 equivalence of simplified forms).

Not part of the normal test run (it needs the peers venv: ../shared/peers/setup.sh). Usage:
    cargo build --release -p symshape
    ~/.cache/symshape-peers/venv/bin/python benches/oracle_check.py [N] [--seed S]
Prints the fraction of random quasi-affine expressions whose bound equals isl's exact extremes,
and the number of simplified forms z3 proved equal / refuted.
"""
import json
import os
import random
import subprocess
import sys

CACHE = os.path.expanduser(os.environ.get("PEERS_HOME", "~/.cache/symshape-peers"))
sys.path.insert(0, CACHE)
import oracles  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("SYMSHAPE_BIN", os.path.join(HERE, "..", "target", "release", "symshape"))


def affine(r, syms, depth):
    terms = []
    for s in r.sample(syms, r.randint(1, len(syms))):
        terms.append(f"{r.choice([1, 1, 2, 3, 4, 8, 16, 64])}*{s}")
    if r.random() < 0.5:
        terms.append(str(r.randint(-8, 8)))
    e = " + ".join(terms)
    if depth > 0 and r.random() < 0.7:
        d = r.choice([2, 3, 4, 8, 16, 64])
        kind = r.random()
        inner = affine(r, syms, depth - 1)
        if kind < 0.35:
            e = f"FloorDiv({inner}, {d})"
        elif kind < 0.7:
            e = f"Mod({inner}, {d})"
        elif kind < 0.85:
            e = f"ModularIndexing({inner}, {r.choice([1, 2, 4])}, {d})"
        else:
            e = f"{r.choice([1, 2, 4, 8])}*FloorDiv({inner}, {d}) + Mod({inner}, {d})"
    return e


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 300
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    r = random.Random(seed)
    cases = []
    for i in range(n):
        syms = [f"x{k}" for k in range(r.randint(1, 3))]
        ranges = {}
        for s in syms:
            lo = r.randint(-20, 20)
            ranges[s] = [lo, lo + r.randint(0, 300)]
        cases.append((affine(r, syms, 2), ranges))
    reqs = []
    for i, (e, rg) in enumerate(cases):
        reqs.append(json.dumps({"id": f"b{i}", "op": "bound", "expr": e, "ranges": rg}))
        reqs.append(json.dumps({"id": f"s{i}", "op": "simplify", "expr": e, "ranges": rg}))
    out = subprocess.run([BIN, "batch"], input="\n".join(reqs) + "\n", capture_output=True, text=True, check=True).stdout
    resp = {}
    for line in out.splitlines():
        o = json.loads(line)
        resp[o["id"]] = o
    exact = total = unsound = proved = refuted = unknown = isl_wrong = 0
    for i, (e, rg) in enumerate(cases):
        b = resp[f"b{i}"]
        ex = oracles.exact_bounds(e, rg)
        if ex is not None and b.get("ok"):
            total += 1
            lo, hi = b["lower"], b["upper"]
            if (lo, hi) != tuple(ex):
                # The isl translation in ../shared/peers prints `k*x mod m` without parentheses,
                # which isl reads as k*(x mod m): confirm disagreements with z3's exact optimum.
                z = oracles.exact_bounds_nonlinear(e, rg)
                if z is not None and z != tuple(ex):
                    isl_wrong += 1
                    ex = z
            if (lo is not None and lo > ex[0]) or (hi is not None and hi < ex[1]):
                unsound += 1
                print("UNSOUND bound", e, rg, (lo, hi), ex)
            elif (lo, hi) == tuple(ex):
                exact += 1
            elif "-v" in sys.argv:
                print("loose", e, rg, (lo, hi), "exact", ex)
        s = resp[f"s{i}"]
        if s.get("ok"):
            v = oracles.prove_equal(e, s["expr"], rg)
            if v == "proved":
                proved += 1
            elif v.startswith("REFUTED"):
                refuted += 1
                print("REFUTED simplify", e, "->", s["expr"], rg, v)
            else:
                unknown += 1
    print(f"bound: {exact}/{total} exact ({100.0 * exact / max(total, 1):.1f}%), {unsound} unsound "
          f"(isl oracle contradicted by z3 on {isl_wrong}; z3's exact optimum used there)")
    print(f"simplify: {proved} proved equal by z3, {refuted} refuted, {unknown} unknown")
    sys.exit(1 if unsound or refuted else 0)


if __name__ == "__main__":
    main()
