#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/TARGET/) from the public and real
corpora (shared/corpus, default: ../shared/corpus beside the repository) and examples/.

Each seed is a case in the format of fuzz/src/lib.rs: the expression on the first line, then
ranges NAME=LO..HI, `assume P`, `float NAME`, `for TARGET`. Ranges of the real corpus come from
its recorded ranges (bound.jsonl) or from the sympy assumptions of each symbol (srepr:
positive=True gives 1.., nonnegative=True 0..). Usage: fuzz/seed.py [SHARED_CORPUS_DIR]
"""

import hashlib
import json
import os
import random
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpus")
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX_PER_TARGET = 3000

seeds = {t: set() for t in ["parse", "simplify", "bound", "prove", "solve", "batch", "codegen"]}


def jsonl(path):
    p = os.path.join(SRC, path)
    if not os.path.exists(p):
        print(f"seed.py: {p} missing, skipped", file=sys.stderr)
        return []
    with open(p) as f:
        return [json.loads(line) for line in f if line.strip()]


SYM = re.compile(r"Symbol\('([A-Za-z_][A-Za-z0-9_]*)'((?:, \w+=\w+)*)\)")


def ranges_from_srepr(srepr):
    """NAME=LO..HI lines from the sympy assumptions of the symbols of an srepr."""
    out, floats = {}, set()
    for name, attrs in SYM.findall(srepr or ""):
        if "positive=True" in attrs:
            out[name] = f"{name}=1.."
        elif "nonnegative=True" in attrs:
            out[name] = f"{name}=0.."
        if "real=True" in attrs and "integer=True" not in attrs:
            floats.add(name)
    return list(out.values()), sorted(floats)


def end(v):
    v = str(v)
    return "" if v in ("oo", "-oo", "int_oo", "-int_oo") else v


def case(head, ranges=(), floats=(), target=None, assume=()):
    lines = [head] + list(ranges) + [f"assume {a}" for a in assume]
    lines += [f"float {f}" for f in floats]
    if target:
        lines.append(f"for {target}")
    return "\n".join(lines)


# The public corpus: requests with numeric ranges.
for r in jsonl("public/index_exprs.jsonl"):
    e = r.get("expr")
    if not e:
        continue
    rs = [f"{n}={end(lo) if lo is not None else ''}..{end(hi) if hi is not None else ''}"
          for n, (lo, hi) in r.get("ranges", {}).items()]
    seeds["parse"].add(e)
    seeds["simplify"].add(case(e, rs))
    seeds["bound"].add(case(e, rs))
    seeds["prove"].add(case(f"{e} >= 0", rs))
    seeds["batch"].add(json.dumps(r))

# The real corpus: simplify (expr, torch's result), bound (recorded ranges), solve (target).
for r in jsonl("real/simplify.jsonl"):
    e, res = r.get("expr"), r.get("result")
    if not e:
        continue
    rs, fl = ranges_from_srepr(r.get("expr_srepr"))
    seeds["parse"].add(e)
    seeds["simplify"].add(case(e, rs, fl))
    seeds["bound"].add(case(e, rs, fl))
    if res and res != e and not fl:
        seeds["prove"].add(case(f"Eq({e}, {res})", rs))
    if res:
        seeds["parse"].add(res)
    if not fl:
        seeds["batch"].add(json.dumps({"id": r["id"], "op": "simplify", "expr": e,
                                       "ranges": {x.split("=")[0]: [int(x.split("=")[1][:-2]), None]
                                                  for x in rs}}))

for r in jsonl("real/bound.jsonl"):
    e = r.get("expr")
    if not e:
        continue
    rs, fl = [], set()
    try:
        for sym, rng, _ in json.loads(r.get("ranges") or "[]") if isinstance(r.get("ranges"), str) else r.get("ranges") or []:
            m = SYM.match(sym)
            if not m:
                continue
            if "real=True" in m.group(2) and "integer=True" not in m.group(2):
                fl.add(m.group(1))
            rs.append(f"{m.group(1)}={end(rng['lower'])}..{end(rng['upper'])}")
    except (ValueError, TypeError, KeyError):
        pass
    seeds["bound"].add(case(e, rs, sorted(fl)))
    seeds["parse"].add(e)

for r in jsonl("real/solve.jsonl"):
    e = r.get("expr")
    if not e:
        continue
    rs, fl = ranges_from_srepr(r.get("expr_srepr"))
    m = SYM.match(r.get("thing") or "")
    target = m.group(1) if m else None
    seeds["solve"].add(case(e, rs, fl, target))
    seeds["prove"].add(case(e, rs, fl))
    seeds["parse"].add(e)

for r in jsonl("real/tvm.jsonl"):
    if r.get("tvm"):
        seeds["parse"].add(r["tvm"])

# Solve seeds of the shapes the binding planner asks (tests/solve.rs).
for rel, x in [("Eq(2*n + 1, size)", "n"), ("Eq(FloorDiv(s0, 2), t)", "s0"), ("Max(x + 3, y) < 9", "x"),
               ("Eq(Mod(s0*s1, 16), 0)", "Mod(s0*s1, 16)"), ("FloorDiv(s0, 2) < FloorDiv(s0, 2)*s1", "s1"),
               ("Eq(4*s0*s1, 64)", "s0"), ("Ne(3*x - y, 7)", "x"), ("x*y + 2*x >= 5", "x")]:
    seeds["solve"].add(case(rel, ["s0=1..", "y=-4..4"], (), x))

# Codegen: the example signature, its dlpack-friendly variants, and random valid signatures.
with open(os.path.join(ROOT, "examples", "signature.json")) as f:
    example = f.read()
seeds["codegen"].add(example)
rnd = random.Random(16)
dtypes = ["float32", "float16", "bfloat16", "int64", "int32", "uint8", "bool", "float64"]
size_exprs = ["s0", "s1", "2*s1 + 1", "8", "1", "FloorDiv(s0, 2)", "s0*s1", "s0 - 1", "3", "64"]
for i in range(60):
    n_in = rnd.randint(1, 3)
    inputs = []
    for k in range(n_in):
        rank = rnd.randint(0, 4)
        sizes = [rnd.choice(size_exprs) for _ in range(rank)]
        inp = {"name": f"arg{k}_1", "kind": "tensor", "dtype": rnd.choice(dtypes), "device": "cpu",
               "sizes": sizes}
        if rnd.random() < 0.5 and rank:
            strides, acc = [], "1"
            for s in reversed(sizes):
                strides.append(acc)
                acc = f"({acc})*({s})"
            inp["strides"] = list(reversed(strides))
        inputs.append(inp)
    if rnd.random() < 0.3:
        inputs.append({"name": f"s{rnd.randint(2, 5)}", "kind": "scalar", "type": "int"})
    sig = {"mode": "aot", "symbols": {"s0": {"range": [1, rnd.choice([64, 1024, None])]},
                                       "s1": {"range": [rnd.randint(0, 2), None]}},
           "inputs": inputs, "outputs": [], "constants": []}
    seeds["codegen"].add(json.dumps(sig))

for t, items in seeds.items():
    d = os.path.join(OUT, t)
    os.makedirs(d, exist_ok=True)
    items = sorted(items)
    random.Random(t).shuffle(items)
    for s in items[:MAX_PER_TARGET]:
        b = s.encode()
        with open(os.path.join(d, hashlib.sha1(b).hexdigest()[:16]), "wb") as f:
            f.write(b)
    print(f"{t}: {min(len(items), MAX_PER_TARGET)} seeds", file=sys.stderr)
