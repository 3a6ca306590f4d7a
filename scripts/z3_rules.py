#!/usr/bin/env python3
"""Proves symshape's answers equal to their inputs with z3 (floor semantics), through the peer
harness's oracle (../shared/peers/oracles.py, installed by ../shared/peers/setup.sh), on
quasi-affine expressions over integer boxes: random FloorDiv / CeilDiv / Mod / ModularIndexing
of affine forms and sums of them (the rules of docs/rules.md, coefficient splits and the
affine-on-a-small-range rule among them), and their compact forms (`"form": "compact"`).

Usage (the peers' venv has z3):
    cargo build --release -p symshape
    ~/.cache/symshape-peers/venv/bin/python scripts/z3_rules.py [N] [--seed S]

Prints one line per refuted case (with z3's counterexample) and a summary:
`proved P, refuted R, unknown U, unchanged K` (unknown = z3 timeout). Exit status 1 if anything
is refuted. A proof covers every point of the box, where the tests sample.
"""
import argparse, json, os, random, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.environ.get("PEERS_HOME", os.path.expanduser("~/.cache/symshape-peers"))
sys.path.insert(0, PEERS)
import oracles  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("n", nargs="?", type=int, default=300)
ap.add_argument("--seed", type=int, default=1)
args = ap.parse_args()
rng = random.Random(args.seed)
BIN = os.environ.get("SYMSHAPE_BIN", os.path.join(ROOT, "target", "release", "symshape"))


def affine(names):
    terms = [f"{rng.randint(-20, 20)}*{n}" for n in names if rng.random() < 0.8]
    terms.append(str(rng.randint(-30, 30)))
    return " + ".join(terms)


def quasi_affine(names, depth=2):
    r = rng.random()
    if depth == 0 or r < 0.25:
        return affine(names)
    c = rng.choice([2, 3, 4, 5, 7, 8, 16, -3, -4])
    inner = quasi_affine(names, depth - 1)
    if r < 0.45:
        return f"FloorDiv({inner}, {c})"
    if r < 0.6:
        return f"CeilDiv({inner}, {c})"
    if r < 0.75:
        return f"Mod({inner}, {abs(c)})"
    if r < 0.85:
        return f"ModularIndexing({inner}, {abs(c)}, {rng.choice([2, 3, 4, 8])})"
    k = rng.randint(-5, 5)
    return f"{k}*({quasi_affine(names, depth - 1)}) + {quasi_affine(names, depth - 1)}"


cases = []
for _ in range(args.n):
    names = rng.sample(["x", "y", "z"], rng.randint(1, 3))
    ranges = {}
    for n in names:
        lo = rng.choice([0, 0, 0, -8, 1])
        ranges[n] = [lo, lo + rng.choice([1, 2, 3, 7, 15, 63, 1000])]
    cases.append((quasi_affine(names), ranges))

reqs = []
for i, (e, rg) in enumerate(cases):
    reqs.append({"id": f"c{i}", "op": "simplify", "expr": e, "ranges": rg})
    reqs.append({"id": f"k{i}", "op": "simplify", "expr": e, "ranges": rg, "form": "compact"})
out = subprocess.run([BIN, "batch", "--jobs", "1"], input="\n".join(json.dumps(q) for q in reqs) + "\n",
                     capture_output=True, text=True, check=True).stdout
got = {json.loads(l)["id"]: json.loads(l) for l in out.splitlines() if l.strip()}

proved = refuted = unknown = same = errors = 0
for i, (e, rg) in enumerate(cases):
    for tag in ("c", "k"):
        r = got.get(f"{tag}{i}")
        if not r or not r.get("ok"):
            errors += 1
            print(f"ERROR {e} {rg}: {r}")
            continue
        s = r["expr"]
        if s.replace(" ", "") == e.replace(" ", ""):
            same += 1
            continue
        v = oracles.prove_equal(e, s, rg, timeout_ms=10000)
        if v == "proved":
            proved += 1
        elif v.startswith("REFUTED"):
            refuted += 1
            print(f"REFUTED {'compact' if tag == 'k' else 'canonical'}: {e} -> {s} on {rg}: {v}")
        else:
            unknown += 1
print(f"proved {proved}, refuted {refuted}, unknown {unknown}, unchanged {same}, errors {errors} "
      f"({args.n} expressions, canonical and compact)")
sys.exit(1 if refuted or errors else 0)
