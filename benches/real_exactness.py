#!/usr/bin/env python3
"""Compare symshape `bound` with exact isl (and a z3 sample) bounds on the real PyTorch corpus.

Not part of the normal test run (it needs the peers venv: ../shared/peers/setup.sh, and the real
corpus in ../shared). The nineteenth session's study with it found every quasi-affine record exact
and the two largest groups of looser non-quasi-affine ones (division by the numerator's own
quotient, sums with shared factors), since fixed (docs/performance.md). Usage:
  cargo build --release -p symshape
  ~/.cache/symshape-peers/venv/bin/python benches/real_exactness.py [--cap 1048576] [--brute N]
      [--z3 N] [--symbolic] [--out DIR]
Requests: bound.jsonl (bound_requests) + simplify.jsonl simplify_with_ranges (ranges_requests, the expr as a
bound question).  Every infinite end / unranged symbol is capped to a finite box; the SAME numeric box is
given to symshape and to the oracle.  Symbolic index-var ends ("s0 - 1") are turned into numbers by
evaluating them at the other symbols' upper ends (clamped to [0, cap]).  `assume` facts are dropped.
Oracle calls run in one child process (one core), killed and restarted after a timeout.
"""
import argparse, ast, collections, json, multiprocessing as mp, os, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "tools"))
import symcheck as sc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("SYMSHAPE_BIN", os.path.join(HERE, "..", "target", "release", "symshape"))
PEERS = os.path.expanduser("~/.cache/symshape-peers")

OK_CALLS = {"FloorDiv", "CleanDiv", "Mod", "PythonMod", "ModularIndexing", "CeilDiv", "Min", "Max"}


class Skip(Exception):
    pass


def to_oracle(s):
    """sympy-syntax text -> text accepted by bench_peers.parse_expr (no //, %), or raise Skip(reason)."""
    tree = ast.parse(s.strip(), mode="eval").body

    def go(n):
        if isinstance(n, ast.Constant):
            if isinstance(n.value, bool):
                raise Skip("bool constant")
            if not isinstance(n.value, int):
                raise Skip("float constant")
            return f"({n.value})" if n.value < 0 else str(n.value)
        if isinstance(n, ast.Name):
            if n.id in ("True", "False"):
                raise Skip("bool constant")
            return n.id
        if isinstance(n, ast.UnaryOp):
            if isinstance(n.op, ast.USub):
                return f"(-{go(n.operand)})"
            if isinstance(n.op, ast.UAdd):
                return go(n.operand)
            raise Skip("unary " + type(n.op).__name__)
        if isinstance(n, ast.BinOp):
            a, b = go(n.left), go(n.right)
            op = type(n.op).__name__
            if op == "Add": return f"({a} + {b})"
            if op == "Sub": return f"({a} - {b})"
            if op == "Mult": return f"({a}*{b})"
            if op == "FloorDiv": return f"FloorDiv({a}, {b})"
            if op == "Mod": return f"Mod({a}, {b})"
            if op == "Pow":
                if isinstance(n.right, ast.Constant) and isinstance(n.right.value, int) and n.right.value >= 1:
                    return f"({a})**{n.right.value}"
                raise Skip("non-natural power")
            raise Skip("binop " + op)
        if isinstance(n, ast.Call):
            f = n.func.id if isinstance(n.func, ast.Name) else "?"
            if f not in OK_CALLS:
                raise Skip("func " + f)
            return f + "(" + ", ".join(go(x) for x in n.args) + ")"
        if isinstance(n, (ast.Compare, ast.BoolOp)):
            raise Skip("relation/bool")
        raise Skip("node " + type(n).__name__)
    return go(tree)


def cap_range(lo, hi, cap):
    if lo is None:
        lo = -cap if (hi is None or hi > -cap) else hi - cap
    if hi is None:
        hi = cap if lo < cap else lo + cap
    return [lo, hi]


def numeric_box(expr, ranges, cap, keep_symbolic=False):
    """{name: [lo, hi]} finite integer box for every free symbol of expr (and of symbolic range ends)."""
    box, symb = {}, {}
    for n, (lo, hi) in ranges.items():
        if isinstance(lo, str) or isinstance(hi, str):
            symb[n] = (lo, hi)
        else:
            box[n] = cap_range(lo, hi, cap)
    names = set(sc.free_names(expr))
    for lo, hi in symb.values():
        for t in (lo, hi):
            if isinstance(t, str):
                names |= set(sc.free_names(t))
    for n in names:
        if n not in box and n not in symb:
            box[n] = [-cap, cap]
    for n, (lo, hi) in symb.items():
        if keep_symbolic:
            box[n] = [lo if lo is not None else -cap, hi if hi is not None else cap]
            continue
        env = {k: v[1] for k, v in box.items()}
        def ev(t, dflt):
            if t is None:
                return dflt
            if isinstance(t, int):
                return t
            return sc.evaluate(t, env)
        l = ev(lo, -cap)
        h = ev(hi, cap)
        h = max(l, min(h, cap if l < cap else l + cap))
        box[n] = [int(l), int(h)]
    return {n: box[n] for n in sorted(box) if n in names}


# ---------------------------------------------------------------- oracle child process
def isl_symbolic(text, box):
    """Exact min/max over {numeric box} + symbolic ends (strings) as isl constraints. None if not QA."""
    import bench_peers as _b
    import islpy as isl
    names = list(box)
    e = _b.to_isl(_b.parse_expr(text, names))
    if e is None:
        return None
    cons = []
    for n, (lo, hi) in box.items():
        for t, op in ((lo, "<="), (hi, ">=")):
            if isinstance(t, str):
                ti = _b.to_isl(_b.parse_expr(to_oracle(t), names))
                if ti is None:
                    return None
            else:
                ti = str(t)
            cons.append(f"{n} <= {ti}" if op == ">=" else f"{ti} <= {n}")
    vs = ", ".join(names)
    pa = isl.PwAff(f"{{ [{vs}] -> [({e})] }}")
    dom = isl.Set(f"{{ [{vs}] : {' and '.join(cons) or 'true'} }}")
    if dom.is_empty():
        return None
    r = pa.intersect_domain(dom)
    return int(r.min_val().to_python()), int(r.max_val().to_python())


def _worker(conn):
    sys.path.insert(0, PEERS)
    import oracles
    while True:
        msg = conn.recv()
        if msg is None:
            return
        kind, text, box, tmo = msg
        try:
            if kind == "isl":
                r = oracles.exact_bounds(text, box)
            elif kind == "isl_sym":
                r = isl_symbolic(text, box)
            else:
                r = oracles.exact_bounds_nonlinear(text, box, tmo)
            conn.send(("ok", None if r is None else [int(r[0]), int(r[1])]))
        except Exception as e:  # noqa: BLE001
            conn.send(("err", f"{type(e).__name__}: {str(e)[:100]}"))


class Oracle:
    def __init__(self):
        self.p = None

    def start(self):
        self.a, b = mp.Pipe()
        self.p = mp.Process(target=_worker, args=(b,), daemon=True)
        self.p.start()

    def call(self, kind, text, box, timeout, tmo=2000):
        if self.p is None or not self.p.is_alive():
            self.start()
        self.a.send((kind, text, box, tmo))
        if self.a.poll(timeout):
            return self.a.recv()
        self.p.kill(); self.p.join(); self.p = None
        return ("timeout", None)


def np_eval(text, env, shape):
    """(values, valid) of a sympy-syntax expression over numpy int64 arrays (floor semantics); valid is
    False where a divisor is 0."""
    import numpy as np
    valid = np.ones(shape, dtype=bool)
    tree = ast.parse(text.strip(), mode="eval").body

    def fd(a, b):
        nonlocal valid
        b = np.broadcast_to(b, shape)
        valid &= (b != 0)
        bb = np.where(b == 0, 1, b)
        return np.floor_divide(a, bb)

    def md(a, b):
        return a - np.broadcast_to(b, shape) * fd(a, b)

    def go(n):
        if isinstance(n, ast.Constant):
            return np.full(shape, n.value, dtype=np.int64)
        if isinstance(n, ast.Name):
            return env[n.id]
        if isinstance(n, ast.UnaryOp):
            return -go(n.operand) if isinstance(n.op, ast.USub) else go(n.operand)
        if isinstance(n, ast.BinOp):
            a, b = go(n.left), go(n.right)
            op = type(n.op).__name__
            if op == "Add": return a + b
            if op == "Sub": return a - b
            if op == "Mult": return a * b
            if op == "FloorDiv": return fd(a, b)
            if op == "Mod": return md(a, b)
            if op == "Pow": return a ** n.right.value
            raise Skip(op)
        if isinstance(n, ast.Call):
            f = n.func.id
            a = [go(x) for x in n.args]
            if f in ("FloorDiv", "CleanDiv"): return fd(a[0], a[1])
            if f in ("Mod", "PythonMod"): return md(a[0], a[1])
            if f == "ModularIndexing": return md(fd(a[0], a[1]), a[2])
            if f == "CeilDiv": return -fd(-a[0], a[1])
            if f == "Min": return np.minimum.reduce(a)
            if f == "Max": return np.maximum.reduce(a)
        raise Skip("brute node")
    v = go(tree)
    return np.broadcast_to(v, shape), valid


def brute_bounds(text, box, max_points, sym_ends=None):
    """Exact min/max by enumerating the whole (numeric) box with numpy; points where a divisor is 0 are
    excluded; sym_ends {name: (lo, hi)} (ints or expression strings) further restrict the points.
    None if the box is too large or nothing is defined.  Values must stay within int64 (checked)."""
    import numpy as np
    names = list(box)
    npts = 1
    for l, h in box.values():
        npts *= (h - l + 1)
    if npts > max_points:
        return None
    grids = np.meshgrid(*[np.arange(l, h + 1, dtype=np.int64) for l, h in box.values()], indexing="ij") if names else []
    env = {n: g.ravel() for n, g in zip(names, grids)}
    shape = (npts,)
    v, valid = np_eval(text, env, shape)
    for n, (lo, hi) in (sym_ends or {}).items():
        for t, is_lo in ((lo, True), (hi, False)):
            if isinstance(t, str):
                tv, tvalid = np_eval(to_oracle(t), env, shape)
                valid &= tvalid & ((tv <= env[n]) if is_lo else (env[n] <= tv))
    v = v[valid]
    if v.size == 0:
        return None
    if max(abs(int(v.min())), abs(int(v.max()))) > 2 ** 62:
        return None
    return [int(v.min()), int(v.max())]


def q_box(box, cap):
    """numeric envelope of a box whose ends may be expression strings (evaluated at the others' ends)."""
    num = {n: v for n, v in box.items() if not any(isinstance(t, str) for t in v)}
    out = dict(num)
    for n, (lo, hi) in box.items():
        if n in num:
            continue
        def ev(t, pick):
            if isinstance(t, int):
                return t
            env = {k: v[pick] for k, v in num.items()}
            return int(sc.evaluate(t, env))
        l, h = ev(lo, 0), ev(hi, 1)
        out[n] = [min(l, h), max(l, h)]
    return out


def brute_at(ot, nbox, maxp, box):
    sym_ends = {n: v for n, v in box.items() if any(isinstance(t, str) for t in v)}
    return brute_bounds(ot, nbox, maxp, sym_ends)


def run_symshape(reqs):
    data = "".join(json.dumps(q) + "\n" for q in reqs)
    r = subprocess.run([BIN, "batch", "--jobs", "1"], input=data, capture_output=True, text=True, timeout=3000)
    out = {}
    for line in r.stdout.splitlines():
        o = json.loads(line)
        out[o["id"]] = o
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cap", type=int, default=2 ** 20)
    ap.add_argument("--z3", type=int, default=0, help="z3 sample size among non-quasi-affine (2 s timeout)")
    ap.add_argument("--out", default="real_exactness")
    ap.add_argument("--brute", type=int, default=0, help="max box points for the numpy brute-force oracle "
                    "(used for the non-quasi-affine ones, and to cross-check isl)")
    ap.add_argument("--symbolic", action="store_true", help="only records with symbolic range ends (index "
                    "vars 0..size-1), kept symbolic for symshape and as isl constraints")
    ap.add_argument("--isl-timeout", type=float, default=10.0)
    args = ap.parse_args()
    cap = args.cap
    if args.symbolic:
        args.z3 = 0  # z3 oracle takes boxes only
    t0 = time.time()
    skips = collections.Counter()
    items = []  # (source id, text, box, oracle text)
    srcs = [("bound", q) for q, _ in sc.bound_requests()] + [("ranges", q) for q, _ in sc.ranges_requests()]
    tried = len(srcs)
    for src, q in srcs:
        if q.get("types"):
            if set(q["types"]) & set(sc.free_names(q["expr"])):
                skips["float symbol"] += 1; continue
        try:
            otext = to_oracle(q["expr"])
        except Skip as e:
            skips[str(e)] += 1; continue
        except SyntaxError:
            skips["python syntax"] += 1; continue
        try:
            if args.symbolic and not any(isinstance(t, str) for v in (q.get("ranges") or {}).values() for t in v):
                skips["no symbolic range end"] += 1; continue
            box = numeric_box(q["expr"], q.get("ranges") or {}, cap, args.symbolic)
        except Exception as e:  # noqa: BLE001
            skips["box: " + type(e).__name__] += 1; continue
        if any(isinstance(l, int) and isinstance(h, int) and l > h for l, h in box.values()):
            skips["empty box"] += 1; continue
        items.append((src, q["id"], q["expr"], box, otext))
    # dedupe
    uniq = {}
    for src, rid, e, box, ot in items:
        k = (e, json.dumps(box, sort_keys=True))
        uniq.setdefault(k, (src, rid, e, box, ot))
    print(f"[{time.time()-t0:.0f}s] tried {tried}, convertible {len(items)}, distinct {len(uniq)}; skips {dict(skips)}",
          flush=True)
    ulist = list(uniq.values())
    reqs = [{"id": i, "op": "bound", "expr": e, "ranges": box} for i, (_, _, e, box, _) in enumerate(ulist)]
    sym = run_symshape(reqs)
    print(f"[{time.time()-t0:.0f}s] symshape done", flush=True)
    orc = Oracle()
    res = collections.Counter()
    rows = []
    nonqa = []
    for i, (src, rid, e, box, ot) in enumerate(ulist):
        s = sym.get(i)
        if not s or not s.get("ok"):
            res["symshape error"] += 1
            rows.append({"i": i, "src": src, "rid": rid, "status": "symshape error", "req": reqs[i], "sym": s})
            continue
        st, ex = orc.call("isl_sym" if args.symbolic else "isl", ot, box, args.isl_timeout)
        if st != "ok":
            res["isl " + st] += 1
            rows.append({"i": i, "src": src, "rid": rid, "status": "isl " + st, "req": reqs[i], "err": ex})
            continue
        if ex is None:
            res["not quasi-affine"] += 1
            nonqa.append(i)
            continue
        row = classify(i, src, rid, reqs[i], s, ex, "isl")
        res[row["status"]] += 1
        if args.brute:
            bx = brute_at(ot, q_box(box, cap), args.brute, box)
            if bx is not None and bx != ex:
                res["isl/brute DISAGREE"] += 1
                print("isl/brute disagree", reqs[i], ex, bx)
        rows.append(row)
    print(f"[{time.time()-t0:.0f}s] isl done: {dict(res)}", flush=True)
    zres = collections.Counter()
    bres = collections.Counter()
    if args.brute:
        rest = []
        for i in nonqa:
            src, rid, e, box, ot = ulist[i]
            try:
                bx = brute_at(ot, q_box(box, cap), args.brute, box)
            except Exception as ex_:  # noqa: BLE001
                bx = None
            if bx is None:
                bres["too large/undefined"] += 1; rest.append(i); continue
            row = classify(i, src, rid, reqs[i], sym[i], bx, "brute")
            bres[row["status"]] += 1
            rows.append(row)
        nonqa = rest
        print(f"[{time.time()-t0:.0f}s] brute force on non-QA: {dict(bres)}", flush=True)
    if args.z3 and nonqa:
        import random
        rnd = random.Random(1)
        samp = rnd.sample(nonqa, min(args.z3, len(nonqa)))
        for i in samp:
            src, rid, e, box, ot = ulist[i]
            st, ex = orc.call("z3", ot, box, 8.0, 2000)
            if st != "ok" or ex is None:
                zres["z3 " + (st if st != "ok" else "none/timeout")] += 1
                continue
            row = classify(i, src, rid, reqs[i], sym[i], ex, "z3")
            zres[row["status"]] += 1
            rows.append(row)
        print(f"[{time.time()-t0:.0f}s] z3 sample {len(samp)}: {dict(zres)}", flush=True)
    summ = {"cap": cap, "tried": tried, "skips": dict(skips), "convertible": len(items), "distinct": len(ulist),
            "isl": dict(res), "brute": dict(bres), "z3": dict(zres)}
    tag = f"cap{cap}" + ("_sym" if args.symbolic else "")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, f"rows_{tag}.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    with open(os.path.join(args.out, f"summary_{tag}.json"), "w") as f:
        json.dump(summ, f, indent=1)
    print(json.dumps(summ, indent=1))


def classify(i, src, rid, req, s, ex, oracle):
    lo, hi = s.get("lower"), s.get("upper")
    elo, ehi = ex
    unsound = (lo is not None and lo > elo) or (hi is not None and hi < ehi)
    loose_lo = lo is None or lo < elo
    loose_hi = hi is None or hi > ehi
    st = "UNSOUND" if unsound else ("looser" if (loose_lo or loose_hi) else "exact")
    return {"i": i, "src": src, "rid": rid, "status": st, "oracle": oracle, "req": req, "sym": [lo, hi],
            "exact": [elo, ehi], "loose_lo": loose_lo, "loose_hi": loose_hi}


if __name__ == "__main__":
    main()
