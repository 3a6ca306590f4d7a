#!/usr/bin/env python3
"""A corpus of new questions with PyTorch's own answers: the real records, mutated, answered again.

Acceptance checks symshape against real records it does not see ("other real records of the same
kind"). The real corpus here is what we tune against, so passing it says little about records we
have not seen. This script makes records of the same kind that nobody has tuned against: every
record of ../shared/corpus/real is mutated with a seeded RNG, then the mutated question is put to
PyTorch 2.15 (in this process: the torch venv), and its answer is written as the record's result,
in the corpus's own format. realcheck.py (REALCHECK_CORPUS=DIR) and bench/corpus.py
(REALCHECK_CORPUS=DIR) then check symshape against it: never larger than PyTorch's simplify,
never looser than its bound, never None where its try_solve answers, and sound everywhere.

Mutations, per record (each with its own RNG stream, so a record's mutant does not depend on
the others):
  * every symbol renamed to another number with the same prefix and the same assumptions
    (`s27` -> `s4`, `q0` -> `q7`): the order of terms and factors follows names in both sympy
    and symshape, so a form that was right by accident of the names shows here;
  * about a third of the integer constants of the expression changed (k +- 1, 2k, k // 2, a
    power of two, a small value of the same sign; never 0 where it divides);
  * integer range ends of `var_to_range` (simplify_with_ranges) and of the ranges of bound_sympy
    moved (the lower end by -2..3 where it stays below the upper one, never below 1 for a range
    that was positive nor below 0 for one that was not negative; the upper end scaled).

A record PyTorch raises on (a constant made a divisor 0, ...) is dropped and counted. The
mutated record keeps its id with a suffix, so a finding can be traced to its origin.

Usage (in the torch venv):
  python crates/python/bench/mutants.py --out DIR [--seed 1] [--copies 1] [--only simplify,ranges,bound,solve]
"""
import argparse
import json
import os
import random
import re
import sys
import warnings

warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus as C  # noqa: E402  (build(), load(), vr(): the same reading of records as the bench)

import sympy  # noqa: E402
from torch.utils._sympy.solve import try_solve as torch_try_solve  # noqa: E402
from torch.utils._sympy.value_ranges import bound_sympy as torch_bound_sympy  # noqa: E402

SYM = re.compile(r"Symbol\('([A-Za-z_]+?)(\d+)'")
WORD = re.compile(r"\b([A-Za-z_]+?)(\d+)\b")
INT = re.compile(r"Integer\((-?\d+)\)")


def rename_map(rec_text, rng):
    """A map from every symbol name of the record to a new name with the same prefix."""
    names = sorted(set(SYM.findall(rec_text)))
    used = {p + d for p, d in names}
    out = {}
    for p, d in names:
        while True:
            n = f"{p}{rng.randrange(0, 120)}"
            if n not in used:
                used.add(n)
                out[p + d] = n
                break
    return out


def renamed(value, m):
    """``value`` (a JSON value of the record) with every symbol name replaced by ``m``."""
    if isinstance(value, str):
        value = SYM.sub(lambda g: "Symbol('" + m.get(g.group(1) + g.group(2), g.group(1) + g.group(2)) + "'", value)
        return WORD.sub(lambda g: m.get(g.group(0), g.group(0)), value)
    if isinstance(value, list):
        return [renamed(v, m) for v in value]
    if isinstance(value, dict):
        return {k: renamed(v, m) for k, v in value.items()}
    return value


def new_constant(k, rng):
    if k == 0:
        return 0
    choices = [k + 1, k - 1, 2 * k, k // 2 if abs(k) > 1 else k, rng.choice([2, 4, 8, 16, 32, 64, 128, 256])]
    if k < 0:
        choices[-1] = -choices[-1]
    choices.append(rng.randrange(1, 65) * (1 if k > 0 else -1))
    c = rng.choice(choices)
    return c if c != 0 else k


def mutate_constants(srepr, rng, p=0.35):
    return INT.sub(lambda g: f"Integer({new_constant(int(g.group(1)), rng)})" if rng.random() < p
                   else g.group(0), srepr)


def mutate_range(d, rng):
    """A `ValueRanges` record dict with integer ends moved (infinite and float ends kept)."""
    if d is None or d.get("is_bool"):
        return d
    lo_s, hi_s = d["lower_srepr"], d["upper_srepr"]
    lo = int(INT.fullmatch(lo_s).group(1)) if INT.fullmatch(lo_s) else None
    hi = int(INT.fullmatch(hi_s).group(1)) if INT.fullmatch(hi_s) else None
    if lo is not None and rng.random() < 0.5:
        # A size stays positive (the symbol's own assumption says so) and an index
        # non-negative.
        nl = max(lo + rng.randrange(-2, 4), 1 if lo >= 1 else 0 if lo >= 0 else lo - 2)
        if hi is None or nl <= hi:
            lo = nl
    if hi is not None and rng.random() < 0.5:
        nh = max(hi * rng.choice([1, 2, 4]) // rng.choice([1, 2]) + rng.randrange(-1, 2), lo if lo is not None else hi)
        hi = nh
    out = dict(d)
    if lo is not None:
        out["lower"], out["lower_srepr"] = str(lo), f"Integer({lo})"
    if hi is not None:
        out["upper"], out["upper_srepr"] = str(hi), f"Integer({hi})"
    return out


def ser_vr(v):
    return {"lower": str(v.lower), "upper": str(v.upper), "lower_srepr": sympy.srepr(v.lower),
            "upper_srepr": sympy.srepr(v.upper), "is_bool": bool(getattr(v, "is_bool", False))}


def mutant(r, rng):
    """The mutated record with PyTorch's answer, or None when PyTorch raises on it."""
    m = rename_map(json.dumps(r), rng)
    q = renamed({k: v for k, v in r.items() if k not in ("result", "result_srepr")}, m)
    q["id"] = r["id"] + "-m" + str(rng.randrange(10**6))
    expr = C.build(mutate_constants(q["expr_srepr"], rng))
    q["expr_srepr"], q["expr"] = sympy.srepr(expr), str(expr)
    fn = r["fn"]
    if fn == "simplify":
        repl = {C.build(a): C.build(b) for a, b in q.get("replacements") or []}
        res = sympy.expand(expr).xreplace(repl)
        q["result"], q["result_srepr"] = str(res), sympy.srepr(res)
    elif fn == "simplify_with_ranges":
        from torch._inductor.sizevars import SizeVarAllocator
        from torch.fx.experimental.symbolic_shapes import ShapeEnv

        q["var_to_range"] = [[a, mutate_range(d, rng)] for a, d in q.get("var_to_range") or []]
        var_ranges = {C.build(a): C.build(b) for a, b, _, _ in q.get("var_ranges") or []}
        vtr = {C.build(a): C.vr(d) for a, d in q["var_to_range"] if d}
        senv = ShapeEnv()
        senv.var_to_range.update(vtr)
        sv = SizeVarAllocator(senv)
        sv.replacements.update({C.build(a): C.build(b) for a, b in q.get("replacements") or []})
        res = sv._simplify_with_ranges(expr, var_ranges)
        q["result"], q["result_srepr"] = str(res), sympy.srepr(res)
    elif fn == "bound_sympy":
        q["ranges"] = [[a, mutate_range(d, rng), src] for a, d, src in q["ranges"]]
        ranges = {C.build(a): C.vr(d) for a, d, src in q["ranges"] if src != "default_from_assumptions"}
        res = torch_bound_sympy(expr, ranges)
        q["result"] = ser_vr(res)
        # the ranges the bound used for the symbols of the defaults, as the capture records them
        q["ranges"] = [[a, d if src != "default_from_assumptions" else
                        ser_vr(torch_default_range(C.build(a))), src] for a, d, src in q["ranges"]]
    elif fn == "try_solve":
        thing = C.build(q["thing"])
        res = torch_try_solve(expr, thing, q["trials"], q["floordiv_inequality"])
        if res is None:
            q["result"] = q["result_srepr"] = None
        else:
            q["result"] = [str(res[0]), str(res[1])]
            q["result_srepr"] = [sympy.srepr(res[0]), sympy.srepr(res[1])]
    return q


def torch_default_range(s):
    from torch.utils._sympy import value_ranges as vr_mod
    return vr_mod._default_symbol_range(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--copies", type=int, default=1, help="mutants per record")
    ap.add_argument("--only", default="simplify,ranges,bound,solve")
    args = ap.parse_args()
    parts = args.only.split(",")
    os.makedirs(args.out, exist_ok=True)
    jobs = []
    if "simplify" in parts or "ranges" in parts:
        keep = {"simplify"} if "simplify" in parts else set()
        keep |= {"simplify_with_ranges"} if "ranges" in parts else set()
        jobs.append(("simplify.jsonl", [r for r in C.load("simplify.jsonl") if r["fn"] in keep]))
    if "bound" in parts:
        jobs.append(("bound.jsonl", C.load("bound.jsonl")))
    if "solve" in parts:
        jobs.append(("solve.jsonl", C.load("solve.jsonl")))
    for name, recs in jobs:
        made = dropped = 0
        why = {}
        with open(os.path.join(args.out, name), "w") as f:
            for i, r in enumerate(recs):
                for c in range(args.copies):
                    rng = random.Random(f"{args.seed}:{r['id']}:{c}")
                    try:
                        q = mutant(r, rng)
                    except Exception as e:  # noqa: BLE001 - PyTorch refused the mutated question
                        dropped += 1
                        why[type(e).__name__] = why.get(type(e).__name__, 0) + 1
                        continue
                    f.write(json.dumps(q) + "\n")
                    made += 1
        print(f"{name}: {made} mutants, {dropped} dropped (PyTorch raised: {why})", flush=True)


if __name__ == "__main__":
    main()
