#!/usr/bin/env python3
"""TVM's answers for the `simplify_with_ranges` records of a corpus directory, written as its
`tvm.jsonl` (the real corpus's format: id, tvm, tvm_size), so that realcheck.py
(`REALCHECK_CORPUS=DIR`) counts compact answers larger than TVM's on any corpus, for instance
one made by `crates/python/bench/mutants.py` (records nobody tuned against).

Run with the peers venv (`../shared/peers/setup.sh` installs it in ~/.cache/symshape-peers):
  ~/.cache/symshape-peers/venv/bin/python scripts/tvm_answers.py DIR

TVM 0.27's `arith.Analyzer.simplify` under the record's facts, as symcheck.py builds the request:
each symbol with constant range ends bound to them (an unbounded end becomes +-2**31), each index
variable bound to [0, size) with its symbolic size. Weaker than the corpus's own TVM answers:
symbolic range ends of other symbols are not bound, and records the neutral AST of
bench_peers.py cannot carry (floats, comparisons, Where, Abs, powers beyond it) get no answer.
On the real corpus this gives an answer for 1403 of the 2348 records the corpus's tvm.jsonl
answers, of the same size for 1106 and larger for 297, never smaller: a count of answers
larger than these is a lower bound of the count against the corpus's TVM.
"""
import json
import os
import sys

sys.path.insert(0, os.path.expanduser("~/.cache/symshape-peers"))
sys.path.insert(0, os.environ.get("SYMSHAPE_TOOLS") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "tools"))
import bench_peers as B  # noqa: E402
import symcheck as S  # noqa: E402
import tvm  # noqa: E402
from tvm import sym  # noqa: E402
from tvm import tirx as T  # noqa: E402

UNSUPPORTED = ("<", ">", "==", "!=", "Where", "ToFloat", "TrueDiv", "ToInt", "Abs")


def answer(expr, ranges, idx):
    names = set(S.free_names(expr))
    for k, v in ranges.items():
        names.add(k)
        for e in v:
            if isinstance(e, str):
                names |= set(S.free_names(e))
    V = {n: T.Var(n, "int64") for n in names}
    an = sym.Analyzer()
    for n, (lo, hi) in ranges.items():
        if isinstance(lo, str) or isinstance(hi, str):
            continue
        lo = -(2**31) if lo is None else lo
        hi = 2**31 if hi is None else hi
        an.bind(V[n], tvm.ir.Range(lo, hi + 1))
    for n, size in idx:
        extent = B.to_tvm(B.parse_expr(size, names), V)
        an.bind(V[n], tvm.ir.Range.from_min_extent(T.IntImm("int64", 0), extent))
    s = an.simplify(B.to_tvm(B.parse_expr(expr, names), V))
    # bench_peers prints Min/Max as Python's min/max; the corpus syntax has them capitalized.
    text = B.ast_str(B.from_tvm(s)).replace("min(", "Min(").replace("max(", "Max(")
    return text, S.size(text)


def main():
    S.CORPUS = sys.argv[1]
    n = made = 0
    with open(os.path.join(S.CORPUS, "tvm.jsonl"), "w") as out:
        for _, (r, expr, ranges, idx, _assume, _hints) in S.ranges_requests(repeat=1):
            n += 1
            if "Float" in r["expr_srepr"] or any(k in expr for k in UNSUPPORTED):
                continue
            try:
                text, size = answer(expr, ranges, idx)
            except Exception:  # noqa: BLE001 - a node the neutral AST, sympy's parser or TVM
                continue  # does not take (TVM's errors have no one base class to name)
            out.write(json.dumps({"id": r["id"], "tvm": text, "tvm_size": size}) + "\n")
            made += 1
    print(f"{S.CORPUS}: {n} simplify_with_ranges records, {made} TVM answers")


if __name__ == "__main__":
    main()
