#!/usr/bin/env python3
"""Every record of ../shared/corpus/real through symshape.torch, side by side with PyTorch.

For each record the input is rebuilt as sympy objects from its `srepr` fields, then:
  * symshape's answer is checked by exact evaluation (floor semantics, the independent evaluator
    of shared/tools/symcheck.py on the printed forms) at sampled points inside the ranges;
  * its size (SEMANTICS.md operation count) is compared with PyTorch's stored result (simplify),
    its bound with PyTorch's stored bound (bound_sympy), its relation with PyTorch's (try_solve);
  * both implementations are timed on the same objects in this run: the median of REPS calls
    per record (warm: sympy's caches and symshape's conversion memo as in a compilation), and
    the first call on the freshly rebuilt objects (cold). Which implementation goes first
    alternates between records (the first call warms sympy's caches, hashes and assumptions of
    the shared objects for the second).

Usage (in the torch venv with symshape installed):
  python crates/python/bench/corpus.py [--only simplify,ranges,bound,solve] [--reps 5] [--dump FILE]
                                      [--answers FILE]

--new-questions gives simplify_with_ranges a distinct copy of var_ranges (kept alive) at every call,
so that each call is a question symshape has not seen (its per-question entries are keyed by the
dict object), with its conversion memos warm: the case of a compilation, where PyTorch's ranges
cache is in front and few questions come twice.

Each line also gives PyTorch's times recorded in the capture (the record's own calls inside the
compilations that produced it: the median over its calls, and its first call), against
symshape's times of this run: a reference only, not a side-by-side measurement (PyTorch's
calls there ran between other work, with its caches in another state).

--answers writes every answer (record id and the answer's srepr), one a line in corpus order, to
compare two versions byte for byte.
"""
import argparse
import gzip
import json
import math
import os
import random
import statistics
import sys
import time
import warnings
import zlib

warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SYMSHAPE_SHARED", os.path.join(HERE, "..", "..", "..", "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "tools"))
import symcheck as S  # noqa: E402

import sympy  # noqa: E402
import torch  # noqa: E402,F401
import torch.utils._sympy.functions as TF  # noqa: E402
from torch.utils._sympy.numbers import int_oo  # noqa: E402
from torch.utils._sympy.solve import try_solve as torch_try_solve  # noqa: E402
from torch.utils._sympy.value_ranges import ValueRanges  # noqa: E402
from torch.utils._sympy.value_ranges import bound_sympy as torch_bound_sympy  # noqa: E402

import symshape.torch as st  # noqa: E402

# REALCHECK_CORPUS: another corpus of the same format (as for realcheck.py), e.g. bench/mutants.py's.
CORPUS = os.environ.get("REALCHECK_CORPUS") or os.path.join(SHARED, "corpus", "real")
NS = {n: getattr(sympy, n) for n in dir(sympy) if not n.startswith("_")}
NS.update({n: getattr(TF, n) for n in dir(TF) if not n.startswith("_")})
NS.update({"int_oo": int_oo, "oo": sympy.oo, "true": sympy.true, "false": sympy.false})


def build(srepr):
    return eval(srepr, {"__builtins__": {}}, NS)  # noqa: S307 - corpus srepr, sympy names only


# SYMSHAPE_CORPUS_HALF=even|odd: only the records whose id's CRC-32 is even (odd), for every
# script that loads records here (a profile trained on one half, measured on the other).
HALF = os.environ.get("SYMSHAPE_CORPUS_HALF")
if HALF not in (None, "", "even", "odd"):
    raise SystemExit(f"SYMSHAPE_CORPUS_HALF={HALF!r}: expected even or odd")


def load(name):
    out = [json.loads(line) for line in open(os.path.join(CORPUS, name))]
    big = os.path.join(CORPUS, name.replace(".jsonl", "_large.jsonl.gz"))
    if os.path.exists(big):
        out += [json.loads(line) for line in gzip.open(big, "rt")]
    if HALF:
        parity = 0 if HALF == "even" else 1
        out = [r for r in out if zlib.crc32(r["id"].encode()) % 2 == parity]
    return out


def text(e):
    """The sympy object printed as PyTorch's records print it (``str``: what symcheck evaluates
    and sizes, and how the stored results were written)."""
    return str(e)


def timed(f, reps):
    t = []
    r = None
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        r = f()
        t.append(time.perf_counter_ns() - t0)
    return r, t


class TheirsFailed(Exception):
    pass


ANSWERS = None


def _srepr(r):
    try:
        return sympy.srepr(r)
    except Exception:  # noqa: BLE001
        return repr(r)


def answer(kind, rid, r, warm=None):
    """Writes our answer to ``--answers`` (``srepr`` of sympy objects, ``repr`` of the rest),
    and the last warm call's answer too when it differs from the first call's."""
    if ANSWERS is not None:
        text = _srepr(r)
        ANSWERS.write(f"{kind} {rid} {text}\n")
        if warm is not None and _srepr(warm) != text:
            ANSWERS.write(f"{kind}-warm-differs {rid} {_srepr(warm)}\n")


def side_by_side(rep, ours, theirs, reps, after_ours=None):
    """Times both implementations on the same objects: the first call of each (cold), then
    ``reps`` calls of each (warm, the median kept). Whichever goes first warms sympy's caches
    (hashes, expand, assumptions) for the other, so the order alternates between records.
    Returns our first answer; ``ours`` raising propagates (nothing recorded), ``theirs``
    raising is counted in ``rep.extra["torch-replay-errors"]`` and its times dropped.
    ``after_ours()`` runs right after our first call (to read the fallback counters)."""
    ours_first = rep.n % 2 == 1
    got = {}

    def one(k):
        f = ours if k == "o" else theirs
        t0 = time.perf_counter_ns()
        try:
            r = f()
        except Exception:  # noqa: BLE001
            if k == "o":
                raise
            got["t-failed"] = True
            return
        got[k] = (r, time.perf_counter_ns() - t0)
        if k == "o" and after_ours is not None:
            after_ours()

    order = ("o", "t") if ours_first else ("t", "o")
    for k in order:
        one(k)
    for k in order:
        if k == "t" and got.get("t-failed"):
            continue
        r, t = timed(ours if k == "o" else theirs, reps)
        (rep.ours if k == "o" else rep.theirs).append(statistics.median(t))
        if k == "o":
            rep.warm = r
    rep.ours_cold.append(got["o"][1])
    if got.get("t-failed"):
        rep.extra["torch-replay-errors"] = rep.extra.get("torch-replay-errors", 0) + 1
    else:
        rep.theirs_cold.append(got["t"][1])
    return got["o"][0]


class FallbackCount:
    """The fallbacks of ``fn`` counted by ``st.stats()`` during our first call of a record."""

    def __init__(self, fn):
        self.fn = fn
        self.before = self.get()
        self.n = 0

    def get(self):
        return st.stats().get(self.fn, {}).get("fallbacks", 0)

    def after(self):
        self.n = self.get() - self.before


rng = random.Random(1)


def env_for(names, types, lo_of, hi_of):
    env = {}
    for n in names:
        if types.get(n) == "float":
            env[n] = rng.choice([0.5, 1.25, 3.0, 7.75, 1e-5])
            continue
        lo, hi = lo_of(n), hi_of(n)
        v = S.sample_value(lo if lo is not None else -40, hi if hi is not None else (lo or 0) + 300, rng)
        env[n] = v
    return env


def sym_info(expr):
    types, lows = {}, {}
    for s in expr.free_symbols:
        types[s.name] = "int" if s.is_integer else "float"
        lows[s.name] = 1 if s.is_positive else (0 if s.is_nonnegative else None)
    return types, lows


class Report:
    def __init__(self, kind):
        self.kind = kind
        self.n = self.err = self.unsound = self.fallback = 0
        self.larger = self.smaller = self.looser = self.tighter = 0
        self.ours, self.theirs, self.ours_cold, self.theirs_cold = [], [], [], []
        self.extra = {}
        self.warm = None  # the answer of the last warm call (side_by_side)
        # PyTorch's own times in the capture (the record's calls inside the compilations that
        # made it: t_us_median over its calls, t_us_first), in µs.
        self.cap_median, self.cap_first = [], []

    def capture(self, r):
        if r.get("t_us_median") is not None:
            self.cap_median.append(r["t_us_median"])
        if r.get("t_us_first") is not None:
            self.cap_first.append(r["t_us_first"])

    def line(self):
        med = lambda xs: statistics.median(xs) / 1000 if xs else float("nan")  # noqa: E731
        mo, mt = med(self.ours), med(self.theirs)
        co, ct = med(self.ours_cold), med(self.theirs_cold)
        extra = ", ".join(f"{k} {v}" for k, v in self.extra.items())
        return (f"{self.kind}: {self.n} records, errors {self.err}, unsound {self.unsound}, "
                f"fallbacks {self.fallback}, larger {self.larger}, smaller {self.smaller}, "
                f"looser {self.looser}, tighter {self.tighter}{', ' + extra if extra else ''}; "
                f"median µs/call warm: symshape {mo:.2f} vs PyTorch {mt:.2f} (x{mt / mo:.1f}); "
                f"first call: {co:.2f} vs {ct:.2f} (x{ct / co:.1f})"
                + (f"; PyTorch in the capture (not this run): median of its calls "
                   f"{statistics.median(self.cap_median):.1f} (x{statistics.median(self.cap_median) / mo:.0f} "
                   f"to symshape warm), first {statistics.median(self.cap_first):.1f} "
                   f"(x{statistics.median(self.cap_first) / co:.1f} to symshape's first call)"
                   if self.cap_median and self.cap_first else ""))


def run_simplify(recs, reps, dump):
    rep = Report("simplify")
    for r in recs:
        if r["fn"] != "simplify":
            continue
        rep.n += 1
        rep.capture(r)
        expr = build(r["expr_srepr"])
        repl = {build(a): build(b) for a, b in r.get("replacements") or []}
        fb = FallbackCount("simplify")
        try:
            ours = side_by_side(rep, lambda: st.simplify(expr, repl),
                                lambda: sympy.expand(expr).xreplace(repl), reps, fb.after)
        except Exception as e:  # noqa: BLE001
            rep.err += 1
            dump and dump.write(json.dumps({"kind": "simplify-error", "id": r["id"], "err": repr(e)}) + "\n")
            continue
        rep.fallback += fb.n
        answer("simplify", r["id"], ours, rep.warm)
        check_simplify(rep, r, expr.xreplace(repl) if repl else expr, ours, r["result"], dump, {}, {})
    return rep


def check_simplify(rep, r, expr, ours, torch_text, dump, ranges, idx, assume=()):
    try:
        src, out = text(expr), text(ours)
        so, stt = S.size(out), S.size(torch_text)
    except Exception as e:  # noqa: BLE001
        rep.err += 1
        dump and dump.write(json.dumps({"kind": "print-error", "id": r["id"], "err": repr(e)}) + "\n")
        return
    rep.larger += so > stt
    rep.smaller += so < stt
    if so > stt and dump:
        dump.write(json.dumps({"kind": "larger", "id": r["id"], "expr": src, "ours": out, "torch": torch_text}) + "\n")
    types, lows = sym_info(expr)
    names = set(S.free_names(src)) | set(S.free_names(out))
    checked = 0
    for _ in range(40):
        if checked >= 10:
            break
        env = env_for(names, types, lambda n: ranges.get(n, (lows.get(n), None))[0] if n in ranges else lows.get(n),
                      lambda n: ranges[n][1] if n in ranges else None)
        try:
            for n, size in idx.items():
                m = S.evaluate(size, env)
                if m < 1:
                    raise ValueError
                env[n] = rng.randrange(0, m) if rng.random() < 0.7 else m - 1
            if not all(S.evaluate(a, env) for a in assume):
                continue
            want = S.evaluate(src, env)
        except Exception:  # noqa: BLE001
            continue
        checked += 1
        try:
            got = S.evaluate(out, env)
        except Exception:  # noqa: BLE001
            got = None
        if got != want and not (isinstance(want, float) and got is not None and math.isclose(got, want)):
            rep.unsound += 1
            dump and dump.write(json.dumps({"kind": "unsound", "id": r["id"], "expr": src, "ours": out, "env": env}) + "\n")
            break


def vr(d):
    return ValueRanges(build(d["lower_srepr"]), build(d["upper_srepr"]))


NEW_QUESTIONS = False


def run_ranges(recs, reps, dump):
    from torch._inductor.sizevars import SizeVarAllocator
    from torch.fx.experimental.symbolic_shapes import ShapeEnv

    rep = Report("simplify_with_ranges")
    for r in recs:
        if r["fn"] != "simplify_with_ranges":
            continue
        rep.n += 1
        rep.capture(r)
        expr = build(r["expr_srepr"])
        var_ranges = {build(a): build(b) for a, b, _, _ in r.get("var_ranges") or []}
        vtr = {build(a): vr(d) for a, d in r.get("var_to_range") or [] if d}
        repl = {build(a): build(b) for a, b in r.get("replacements") or []}
        axioms = [build(a) for a in r.get("axioms") or []]
        senv = ShapeEnv()
        senv.var_to_range.update(vtr)
        sv = SizeVarAllocator(senv)
        sv.replacements.update(repl)
        if NEW_QUESTIONS:
            mine = [dict(var_ranges) for _ in range(reps + 1)]
            theirs = [dict(var_ranges) for _ in range(reps + 1)]
            ours_f = lambda: st.simplify_with_ranges(expr, mine.pop(), vtr, repl, axioms)  # noqa: E731
            theirs_f = lambda: sv._simplify_with_ranges(expr, theirs.pop())  # noqa: E731
        else:
            ours_f = lambda: st.simplify_with_ranges(expr, var_ranges, vtr, repl, axioms)  # noqa: E731
            theirs_f = lambda: sv._simplify_with_ranges(expr, var_ranges)  # noqa: E731
        try:
            ours = side_by_side(rep, ours_f, theirs_f, reps)
        except Exception as e:  # noqa: BLE001
            rep.fallback += 1
            dump and dump.write(json.dumps({"kind": "ranges-fallback", "id": r["id"], "err": repr(e)[:300]}) + "\n")
            answer("ranges-error", r["id"], type(e).__name__)
            continue
        answer("ranges", r["id"], ours, rep.warm)
        ranges = {}
        for s, v in vtr.items():
            lo, hi = S.vr_bound(str(v.lower)), S.vr_bound(str(v.upper))
            ranges[s.name] = (lo, hi)
        idx = {v.name: text(sz.xreplace(repl) if repl else sz) for v, sz in var_ranges.items()}
        names = set(S.free_names(text(expr)))
        for sz in idx.values():
            names |= set(S.free_names(sz))
        assume = []
        for a in axioms:
            try:
                t = text(a)
            except Exception:  # noqa: BLE001
                continue
            if "Float" in sympy.srepr(a) or not set(S.free_names(t)) <= names:
                continue
            assume.append(t)
        check_simplify(rep, r, expr.xreplace(repl) if repl else expr, ours, r["result"], dump, ranges, idx, assume)
    return rep


def run_bound(recs, reps, dump):
    rep = Report("bound_sympy")
    for r in recs:
        rep.n += 1
        rep.capture(r)
        expr = build(r["expr_srepr"])
        # The ranges passed by the caller and those of the tracing context (which PyTorch merged
        # under them); the defaults from assumptions are derived by both implementations.
        ranges = {build(a): vr(d) for a, d, src in r["ranges"] if src != "default_from_assumptions"}
        fb = FallbackCount("bound_sympy")
        try:
            ours = side_by_side(rep, lambda: st.bound_sympy(expr, ranges),
                                lambda: torch_bound_sympy(expr, ranges), reps, fb.after)
        except Exception as e:  # noqa: BLE001
            rep.err += 1
            dump and dump.write(json.dumps({"kind": "bound-error", "id": r["id"], "err": repr(e)}) + "\n")
            continue
        rep.fallback += fb.n
        answer("bound", r["id"], (ours.lower, ours.upper), (rep.warm.lower, rep.warm.upper))
        want = vr(r["result"]) if not r["result"]["is_bool"] else None
        if want is not None:
            lo_l = ours.lower > want.lower
            hi_l = ours.upper < want.upper
            looser = bool(ours.lower < want.lower) or bool(ours.upper > want.upper)
            rep.looser += looser
            rep.tighter += (bool(lo_l) or bool(hi_l)) and not looser
            if looser and dump:
                dump.write(json.dumps({"kind": "looser", "id": r["id"], "expr": r["expr"], "ours": str(ours), "torch": str(want)}) + "\n")
        else:
            tl, tu = r["result"]["lower"] == "True", r["result"]["upper"] == "True"
            ol, ou = bool(ours.lower), bool(ours.upper)
            rep.looser += (ol, ou) != (tl, tu) and (ol <= tl and ou >= tu)
            rep.tighter += (ol, ou) != (tl, tu) and (ol >= tl and ou <= tu)
        # soundness at sampled points inside the ranges
        all_ranges = {build(a): vr(d) for a, d, _ in r["ranges"]}
        try:
            src = text(expr)
        except Exception:  # noqa: BLE001
            continue
        types = {s.name: ("int" if s.is_integer else "float") for s in expr.free_symbols}
        bounds = {s.name: (S.vr_bound(str(v.lower)), S.vr_bound(str(v.upper))) for s, v in all_ranges.items()}
        for _ in range(10):
            env = env_for(set(types), types, lambda n: bounds.get(n, (None, None))[0],
                          lambda n: bounds.get(n, (None, None))[1])
            try:
                v = S.evaluate(src, env)
            except Exception:  # noqa: BLE001
                continue
            if isinstance(v, bool):
                ok = bool(ours.lower) <= v <= bool(ours.upper)
            elif expr.is_Number:
                ok = ours.lower == ours.upper == expr  # wrapped exactly (str() rounds floats)
            else:
                ok = ours.lower <= v <= ours.upper
            if not ok:
                rep.unsound += 1
                dump and dump.write(json.dumps({"kind": "bound-unsound", "id": r["id"], "expr": src, "ours": str(ours), "env": env}) + "\n")
                break
    return rep


def run_solve(recs, reps, dump):
    rep = Report("try_solve")
    same = exact = missed = 0
    for r in recs:
        rep.n += 1
        rep.capture(r)
        expr = build(r["expr_srepr"])
        thing = build(r["thing"])
        fb = FallbackCount("try_solve")
        try:
            ours = side_by_side(rep, lambda: st.try_solve(expr, thing, r["trials"], r["floordiv_inequality"]),
                                lambda: torch_try_solve(expr, thing, r["trials"], r["floordiv_inequality"]), reps,
                                fb.after)
        except Exception as e:  # noqa: BLE001
            rep.err += 1
            dump and dump.write(json.dumps({"kind": "solve-error", "id": r["id"], "err": repr(e)}) + "\n")
            continue
        theirs = torch_try_solve(expr, thing, r["trials"], r["floordiv_inequality"])
        rep.fallback += fb.n
        answer("solve", r["id"], ours, rep.warm)
        if ours == theirs:
            same += 1
            continue
        if ours is None:
            missed += 1
            dump and dump.write(json.dumps({"kind": "solve-missed", "id": r["id"], "expr": text(expr),
                                            "thing": str(thing), "torch": text(theirs[0])}) + "\n")
            continue
        # A different answer: exact for integer values of the target at sampled points?
        if not thing.is_integer:
            rep.unsound += 1
            continue
        names = sorted(s.name for s in expr.free_symbols if s != thing)
        types, lows = sym_info(expr)
        src, rel = text(expr), text(ours[0])
        ok = True
        for _ in range(8):
            env = env_for(names, types, lows.get, lambda n: None)
            base = lows.get(thing.name) if lows.get(thing.name) is not None else -60
            for x in range(base, base + 120):
                env[thing.name] = x
                try:
                    a = bool(S.evaluate(src, env))
                except Exception:  # noqa: BLE001
                    continue
                try:
                    b = bool(S.evaluate(rel, env))
                except Exception:  # noqa: BLE001
                    b = None
                if a != b:
                    ok = False
                    break
            if not ok:
                break
        if ok:
            exact += 1
        else:
            rep.unsound += 1
            dump and dump.write(json.dumps({"kind": "solve-wrong", "id": r["id"], "expr": src, "ours": rel}) + "\n")
    rep.extra.update({"same as PyTorch": same, "different and exact": exact, "None where PyTorch solved": missed})
    return rep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="simplify,ranges,bound,solve")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--dump", help="unsound, larger and failed records (JSON lines)")
    ap.add_argument("--answers", help="every answer: record id and srepr, one a line")
    ap.add_argument("--new-questions", action="store_true",
                    help="simplify_with_ranges: a new var_ranges dict object at every call")
    args = ap.parse_args()
    global ANSWERS, NEW_QUESTIONS
    NEW_QUESTIONS = args.new_questions
    ANSWERS = open(args.answers, "w") if args.answers else None
    parts = args.only.split(",")
    dump = open(args.dump, "w") if args.dump else None
    st.reset_stats()
    if "simplify" in parts or "ranges" in parts:
        recs = load("simplify.jsonl")
        if "simplify" in parts:
            print(run_simplify(recs, args.reps, dump).line(), flush=True)
        if "ranges" in parts:
            print(run_ranges(recs, args.reps, dump).line(), flush=True)
    if "bound" in parts:
        print(run_bound(load("bound.jsonl"), args.reps, dump).line(), flush=True)
    if "solve" in parts:
        print(run_solve(load("solve.jsonl"), args.reps, dump).line(), flush=True)
    # Closed here: left to the interpreter's exit, the last buffered lines were lost (the last
    # 24 solve answers of a run, once).
    for f in (ANSWERS, dump):
        if f is not None:
            f.close()


if __name__ == "__main__":
    main()
