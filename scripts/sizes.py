#!/usr/bin/env python3
"""Compares the size of symshape's answers with other answers on any corpus.

Size is the operation count of docs/language.md §5 (as `sym::Context::size` and
`Context::compact_size` count): each binary `+ - * ** // %`, each unary minus on a non-constant,
each call counts 1; symbols and constants 0.

Input: JSON Lines, one record per line:
    {"expr": "...", "ranges": {name: [lo, hi]}, "answers": {"torch": "...", "tvm": "..."}}
(`ranges` optional, as in `symshape batch`; `answers` any number of named reference answers).
Output: for symshape's canonical and compact forms, against each named answer:
larger / equal / smaller counts, and the records where symshape is larger (with --show).

Usage: scripts/sizes.py CORPUS.jsonl [--bin target/release/symshape] [--show]
"""
import argparse, ast, json, os, subprocess, sys
from collections import defaultdict


def size(text):
    """Operation count of a sympy-syntax expression (see the module docstring)."""
    tree = ast.parse(text.strip(), mode="eval")
    n = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp):
            n += 1
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            n += 0 if isinstance(node.operand, ast.Constant) else 1
        elif isinstance(node, ast.Call):
            n += 1
        elif isinstance(node, ast.Compare):
            n += len(node.ops)
        elif isinstance(node, ast.BoolOp):
            n += len(node.values) - 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--bin", default=os.environ.get("SYMSHAPE_BIN", "target/release/symshape"))
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    recs = [json.loads(l) for l in open(a.corpus) if l.strip()]
    reqs = []
    for i, r in enumerate(recs):
        base = {"op": "simplify", "expr": r["expr"]}
        if r.get("ranges"):
            base["ranges"] = r["ranges"]
        reqs.append(base | {"id": f"c{i}"})
        reqs.append(base | {"id": f"k{i}", "form": "compact"})
    out = subprocess.run([a.bin, "batch"], input="\n".join(json.dumps(q) for q in reqs) + "\n",
                         capture_output=True, text=True, check=True).stdout
    got = {o["id"]: o for o in map(json.loads, out.splitlines())}
    counts = defaultdict(lambda: [0, 0, 0])
    errors = 0
    for i, r in enumerate(recs):
        for form, tag in (("canonical", "c"), ("compact", "k")):
            o = got.get(f"{tag}{i}")
            if not o or not o.get("ok"):
                errors += 1
                continue
            mine = size(o["expr"])
            for name, ans in (r.get("answers") or {}).items():
                try:
                    theirs = size(ans)
                except SyntaxError:
                    continue
                c = counts[(form, name)]
                c[0 if mine > theirs else 1 if mine == theirs else 2] += 1
                if a.show and mine > theirs:
                    print(f"larger ({form} vs {name}): {o['expr']}  |  {ans}")
    for (form, name), (lg, eq, sm) in sorted(counts.items()):
        print(f"{form:9s} vs {name:8s}: larger {lg}, equal {eq}, smaller {sm}")
    if errors:
        print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
