#!/usr/bin/env python3
"""Where deep mode (`"deep": true`, docs/deep.md) beats the fast path's compact form.

Runs `symshape batch` over ../shared/corpus/real/simplify.jsonl (ranges from the symbols'
assumptions: positive = [1, oo], nonnegative = [0, oo]), the public corpus
(../shared/corpus/public/index_exprs.jsonl, simplify requests) and N random expressions over
small boxes; for each expression it asks the compact form and the deep form (timed with
`repeat`), and lists every input whose deep form is smaller (sizes as scripts/sizes.py counts).

Soundness: every deep answer is evaluated against its input at random points of its ranges
(`eval` requests; points where the input is defined); each improved answer is also proved equal
to the input by z3 (the peers' oracle, ../shared/peers/oracles.py: ranges capped at 10^4 for
z3) when the peers' venv is there.

Usage:
    cargo build --release -p symshape
    ~/.cache/symshape-peers/venv/bin/python scripts/deep_oracle.py [--random N] [--seed S] [--show]

Prints a summary per corpus: inputs, improved, total and largest size gain, median and p99 time
of the deep operation (`t_op_ns`) against the fast one, and unsound (differential or z3
refuted). Exit status 1 if anything is unsound.
"""
import argparse, json, os, random, re, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from sizes import size  # noqa: E402

SHARED = os.environ.get("SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
PEERS = os.environ.get("PEERS_HOME", os.path.expanduser("~/.cache/symshape-peers"))
try:
    sys.path.insert(0, PEERS)
    import oracles  # noqa: E402
except Exception:  # z3 or the peers' harness missing: differential checks only
    oracles = None

ap = argparse.ArgumentParser()
ap.add_argument("--random", type=int, default=300)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--repeat", type=int, default=3)
ap.add_argument("--points", type=int, default=20)
ap.add_argument("--show", action="store_true")
ap.add_argument("--bin", default=os.environ.get("SYMSHAPE_BIN", os.path.join(ROOT, "target", "release", "symshape")))
args = ap.parse_args()
rng = random.Random(args.seed)


def batch(reqs):
    out = subprocess.run([args.bin, "batch", "--jobs", "1"], input="\n".join(json.dumps(q) for q in reqs) + "\n",
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines()]


def real_cases():
    out = []
    for line in open(os.path.join(SHARED, "corpus", "real", "simplify.jsonl")):
        r = json.loads(line)
        ranges = {}
        for name, attrs in re.findall(r"Symbol\('(\w+)'((?:, \w+=\w+)*)\)", r.get("expr_srepr", "")):
            if "positive=True" in attrs:
                ranges[name] = [1, None]
            elif "nonnegative=True" in attrs:
                ranges[name] = [0, None]
        out.append((r["expr"], ranges))
    return out


def public_cases():
    out = []
    for line in open(os.path.join(SHARED, "corpus", "public", "index_exprs.jsonl")):
        r = json.loads(line)
        if r.get("op") == "simplify":
            out.append((r["expr"], r.get("ranges") or {}))
    return out


def rand_expr(names, depth):
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(names + [str(rng.randint(-5, 9))])
    a, b = rand_expr(names, depth - 1), rand_expr(names, depth - 1)
    c = rng.choice(["2", "3", "4", "8", "-3", rng.choice(names)])
    return rng.choice([
        f"({a}) + ({b})", f"({a})*({b})", f"({a}) - ({b})", f"FloorDiv({a}, {c})",
        f"CeilDiv({a}, {c})", f"Mod({a}, {c})", f"Min({a}, {b})", f"Max({a}, {b})",
        f"{c}*FloorDiv({a}, {c}) + Mod({a}, {c})", f"({a})*({c}) + ({b})*({c})",
    ])


def random_cases(n):
    out = []
    for _ in range(n):
        names = ["x", "y", "z"][: rng.randint(1, 3)]
        ranges = {}
        for v in names:
            lo = rng.randint(-10, 5)
            ranges[v] = [lo, lo + rng.choice([3, 10, 100, 10000])]
        out.append((rand_expr(names, 3), ranges))
    return out


def point(ranges, names):
    v = {}
    for n in names:
        lo, hi = (ranges.get(n) or [None, None])
        lo = -50 if lo is None else lo
        hi = lo + 60 if hi is None else min(hi, lo + 10000)
        v[n] = rng.randint(lo, hi)
    return v


def run(label, cases):
    reqs = []
    for i, (e, rg) in enumerate(cases):
        base = {"op": "simplify", "expr": e}
        if rg:
            base["ranges"] = rg
        reqs.append(base | {"id": f"k{i}", "form": "compact", "repeat": args.repeat})
        reqs.append(base | {"id": f"d{i}", "deep": True, "repeat": args.repeat})
    got = {o["id"]: o for o in batch(reqs)}
    improved, t_deep, t_fast, errors = [], [], [], 0
    checks = []
    for i, (e, rg) in enumerate(cases):
        k, d = got.get(f"k{i}"), got.get(f"d{i}")
        if not (k and d and k.get("ok") and d.get("ok")):
            errors += 1
            continue
        t_fast.append(k["t_op_ns"])
        t_deep.append(d["t_op_ns"])
        sk, sd = size(k["expr"]), size(d["expr"])
        if sd > sk:
            print(f"LARGER [{label}] {e}: deep {d['expr']} ({sd}) > compact {k['expr']} ({sk})")
            errors += 1
        if sd < sk:
            improved.append((e, rg, k["expr"], d["expr"], sk, sd))
        if d["expr"] != k["expr"]:
            checks.append((e, rg, d["expr"]))
    # Random differential: deep answer vs input at random points of the ranges.
    names_re = re.compile(r"\b([A-Za-z_]\w*)\b(?!\s*\()")
    ev, meta = [], []
    for j, (e, rg, ans) in enumerate(checks):
        names = sorted(set(names_re.findall(e)) | set(names_re.findall(ans)))
        for p in range(args.points):
            v = point(rg, names)
            ev.append({"id": f"a{j}.{p}", "op": "eval", "expr": e, "values": v})
            ev.append({"id": f"b{j}.{p}", "op": "eval", "expr": ans, "values": v})
            meta.append((j, p, v))
    unsound = 0
    if ev:
        res = {o["id"]: o for o in batch(ev)}
        for j, p, v in meta:
            a, b = res[f"a{j}.{p}"], res[f"b{j}.{p}"]
            if a.get("ok") and (not b.get("ok") or a["value"] != b["value"]):
                unsound += 1
                print(f"UNSOUND [{label}] {checks[j][0]} -> {checks[j][2]} at {v}: {a} vs {b}")
    z3 = {"proved": 0, "refuted": 0, "unknown": 0}
    if oracles is not None:
        for e, rg, _, ans, _, _ in improved:
            names = sorted(set(names_re.findall(e)) | set(names_re.findall(ans)))
            zr = {}
            for n in names:
                lo, hi = (rg.get(n) or [None, None])
                lo = -10**4 if lo is None else lo
                hi = lo + 10**4 if hi is None else min(hi, lo + 10**4)
                zr[n] = [lo, hi]
            try:
                r = oracles.prove_equal(e, ans, zr, timeout_ms=3000)
            except Exception as err:  # the harness's parser does not know every call
                r = f"unknown ({err.__class__.__name__})"
            key = "proved" if r == "proved" else "refuted" if r.startswith("REFUTED") else "unknown"
            z3[key] += 1
            if key == "refuted":
                unsound += 1
                print(f"Z3 REFUTED [{label}] {e} -> {ans}: {r}")
    gains = [sk - sd for *_, sk, sd in improved]
    q = lambda xs, f: sorted(xs)[min(len(xs) - 1, int(f * len(xs)))] / 1e6 if xs else 0.0
    print(f"{label}: {len(cases)} inputs, improved {len(improved)} (gain total {sum(gains)}, "
          f"max {max(gains, default=0)}), deep time median {q(t_deep, 0.5):.3f} ms p99 {q(t_deep, 0.99):.3f} ms "
          f"(fast compact median {q(t_fast, 0.5):.3f} ms p99 {q(t_fast, 0.99):.3f} ms), checked {len(checks)} changed "
          f"answers at {args.points} points, z3 {z3}, unsound {unsound}, errors {errors}")
    if args.show:
        for e, rg, k, d, sk, sd in improved:
            print(f"  [{label}] {sk} -> {sd}: {e}  |  compact {k}  |  deep {d}")
    return unsound


def main():
    bad = 0
    bad += run("public", public_cases())
    bad += run("real", real_cases())
    bad += run("random", random_cases(args.random))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
