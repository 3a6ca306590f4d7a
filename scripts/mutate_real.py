#!/usr/bin/env python3
"""Mutation fuzzing of `symshape batch` for soundness, seeded from the real corpus.

Takes the requests that /work/shared/tools/symcheck.py builds from the real corpus (core_requests,
ranges_requests, bound_requests, solve_requests), mutates them with a seeded RNG (integer literals in the
expression and in assumption / range texts, range ends, assumptions, the op, the solve target, relation
operators, `form`/`deep`), runs them through `symshape batch --jobs N` in chunks and checks every `ok`
answer by exact evaluation with floor semantics (SEMANTICS.md) at sampled points inside the ranges and
assumptions (range boundaries first; exhaustive enumeration when the box has <= 2000 points):

  simplify  answer == input wherever the input is defined (and of the same type: int / bool / float)
  bound     lower <= value <= upper wherever the input is defined
  solve     {x in x's range : rel} == {x : relations and conditions} (cases: the first matching guard)
  prove     "true" only if the predicate holds at every point, "false" only if it fails at every point

A point where the input cannot be evaluated (zero divisor, ...) is outside the domain and is skipped; a
point where the input evaluates and the answer does not is reported separately (`answer-undefined`).
Crashes (process exit, missing output line), hangs (per-request timeout) and `internal` errors are reported.

Usage:
  scripts/mutate_real.py [--bin PATH] [--minutes 60] [--seed 1] [--jobs 2] [--chunk 2000] [--out DIR] [--heavy] [--timed]
  scripts/mutate_real.py --minimize DIR/failures.jsonl [--bin PATH] [--out DIR]   # shrink the failures found
  scripts/mutate_real.py --recheck FILE.jsonl [--bin PATH]                        # run + check given requests

Writes DIR/stats.json (counts, updated after every chunk), DIR/failures.jsonl (every unsound answer, crash,
hang or internal error, with the request, the answer, the point and both values) and, with --minimize,
DIR/minimized.jsonl. Python 3 standard library only; the corpus tools come from $SYMSHAPE_TOOLS
(default: ../../shared/tools relative to this repository, i.e. /work/shared/tools).
"""
import argparse, ast, copy, itertools, json, math, os, random, re, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.environ.get("SYMSHAPE_TOOLS") or os.path.normpath(os.path.join(HERE, "..", "..", "shared", "tools"))
sys.path.insert(0, TOOLS)
import symcheck as S  # noqa: E402  (realcheck.py runs on import, so its sampling logic is redone here)

# ====================================================================== exact evaluation (floor semantics)
class Undefined(Exception):
    """The expression has no value at this point (zero divisor, negative exponent, overflow to inf...)."""

class TooBig(Exception):
    """The checker refuses to compute this (astronomically large power): the point is skipped."""

def _pow(a, k):
    if isinstance(k, bool) or isinstance(a, bool):
        raise Undefined("pow of bool")
    if isinstance(k, int):
        if k < 0:
            raise Undefined("negative exponent")
        if isinstance(a, int) and abs(a) > 1 and k * a.bit_length() > 1 << 17:
            raise TooBig("pow")
    r = a ** k
    if isinstance(r, complex):
        raise Undefined("complex")
    return r

def _fdiv(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return math.floor(a / b)
    return a // b

def _mod(a, b):
    return a - b * _fdiv(a, b)

def _not(a):
    if not isinstance(a, bool):
        raise Undefined("Not of non-bool")
    return not a

FUNCS = dict(S.FUNCS)
FUNCS.update({"Pow": _pow, "PowByNatural": _pow, "_pow": _pow, "Not": _not, "FloorDiv": _fdiv,
              "CleanDiv": _fdiv, "Mod": _mod, "PythonMod": _mod,
              "ModularIndexing": lambda a, b, m: _mod(_fdiv(a, b), m)})
_ALLOWED = S._ALLOWED

class _Rewrite(ast.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            return ast.copy_location(ast.Call(func=ast.Name(id="_pow", ctx=ast.Load()),
                                              args=[node.left, node.right], keywords=[]), node)
        return node
    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Invert):  # sympy's ~p is Not(p)
            return ast.copy_location(ast.Call(func=ast.Name(id="Not", ctx=ast.Load()),
                                              args=[node.operand], keywords=[]), node)
        return node

_cache = {}
def compile_expr(s):
    c = _cache.get(s)
    if c is not None:
        return c
    if len(_cache) > 200000:
        _cache.clear()
    tree = ast.parse(s.strip(), mode="eval")
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise S.Unsafe(f"{type(node).__name__} in {s[:80]}")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCS):
            raise S.Unsafe(f"call in {s[:80]}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, bool)):
            raise S.Unsafe(f"constant {node.value!r}")
        if isinstance(node, ast.Name) and node.id not in FUNCS and node.id not in ("True", "False"):
            names.add(node.id)
    tree = ast.fix_missing_locations(_Rewrite().visit(tree))
    c = (compile(tree, "<expr>", "eval"), frozenset(names))
    _cache[s] = c
    return c

def free_names(s):
    return compile_expr(s)[1]

_BASE_NS = dict(FUNCS)
_BASE_NS["True"], _BASE_NS["False"] = True, False
def evaluate(s, env):
    code, _ = compile_expr(s)
    ns = dict(_BASE_NS)
    ns.update(env)
    try:
        v = eval(code, {"__builtins__": {}}, ns)
    except (Undefined, TooBig):
        raise
    except (ZeroDivisionError, OverflowError, ValueError, TypeError, RecursionError, MemoryError) as e:
        raise Undefined(type(e).__name__) from None
    if isinstance(v, complex):
        raise Undefined("complex")
    return v

def vtype(v):
    return "bool" if isinstance(v, bool) else ("float" if isinstance(v, float) else "int")

def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return vtype(a) == vtype(b) and a == b

# ====================================================================== points inside ranges / assumptions
BIG = [2**31 - 1, 2**31, 2**32, 2**40, 2**53 + 1, 2**62 - 1, 2**62, 2**63 - 1]
FLOATS = [0.0, 0.5, 1.0, 1.25, -1.0, -2.5, 3.0, 7.75, 1e-5, 0.1, 100.0, 1e10, -0.0, 2.0**53, 0.3]

def topo(ranges, names):
    """Names in an order where every symbolic range end only uses earlier names (None if cyclic)."""
    dep = {}
    for n in names:
        d = set()
        for e in ranges.get(n, (None, None)):
            if isinstance(e, str):
                try:
                    d |= set(free_names(e))
                except Exception:  # noqa: BLE001
                    return None
        dep[n] = d - {n}
    out, seen, stack = [], set(), set()
    def visit(n):
        if n in seen: return True
        if n in stack: return False
        stack.add(n)
        for m in sorted(dep.get(n, ())):
            if m in dep and not visit(m): return False
        stack.discard(n); seen.add(n); out.append(n)
        return True
    for n in sorted(names):
        if not visit(n):
            return None
    return out

def end_value(e, env):
    if e is None: return None
    if isinstance(e, int): return e
    v = evaluate(e, env)
    if isinstance(v, float):
        raise Undefined("float range end")
    return int(v)

def pick(lo, hi, mode, rng):
    if lo is not None and hi is not None:
        if hi < lo: raise Undefined("empty")
        span = hi - lo
        if mode == "lo": return lo
        if mode == "hi": return hi
        c = rng.random()
        if c < 0.2: return lo + rng.randint(0, min(span, 3))
        if c < 0.4: return hi - rng.randint(0, min(span, 3))
        if c < 0.75: return lo + rng.randint(0, min(span, 300))
        return rng.randint(lo, hi)
    if lo is not None:
        if mode == "lo": return lo
        if mode == "hi": return lo + rng.choice([1, 2, 64, 1000])
        c = rng.random()
        if c < 0.3: return lo + rng.randint(0, 4)
        if c < 0.7: return lo + rng.randint(0, 300)
        if c < 0.93: return lo + rng.randint(0, 1 << rng.randint(9, 24))
        return max(lo, rng.choice(BIG))
    if hi is not None:
        if mode == "hi": return hi
        if mode == "lo": return hi - rng.choice([1, 2, 64, 1000])
        c = rng.random()
        if c < 0.3: return hi - rng.randint(0, 4)
        if c < 0.7: return hi - rng.randint(0, 300)
        if c < 0.93: return hi - rng.randint(0, 1 << rng.randint(9, 24))
        return min(hi, -rng.choice(BIG))
    c = rng.random()
    if mode == "lo": return rng.choice([0, -1, 1])
    if mode == "hi": return rng.choice([2, -2, 3, 64])
    if c < 0.35: return rng.randint(-4, 4)
    if c < 0.7: return rng.randint(-300, 300)
    if c < 0.93: return rng.randint(-(1 << 20), 1 << 20)
    return rng.choice(BIG) * rng.choice([1, -1])

class Domain:
    """Ranges, float symbols and assumptions of a request; draws points inside them."""
    def __init__(self, q, extra_texts=()):
        self.ranges = {k: list(v) for k, v in (q.get("ranges") or {}).items()}
        self.floats = {k for k, t in (q.get("types") or {}).items() if t == "float"}
        self.assume = list(q.get("assume") or [])
        names = set(self.ranges)
        for t in [q["expr"]] + self.assume + list(extra_texts):
            names |= set(free_names(t))
        for v in self.ranges.values():
            for e in v:
                if isinstance(e, str): names |= set(free_names(e))
        self.names = names
        self.order = topo(self.ranges, names)

    def valid(self, env):
        """Does env (all names set) satisfy every range and assumption?"""
        try:
            for n, (lo, hi) in self.ranges.items():
                if n in self.floats: continue
                v = env[n]
                l, h = end_value(lo, env), end_value(hi, env)
                if (l is not None and v < l) or (h is not None and v > h): return False
            for a in self.assume:
                if evaluate(a, env) is not True: return False
        except (Undefined, TooBig, KeyError):
            return False
        return True

    def _draw(self, mode, rng):
        env = {}
        for n in self.order:
            if n in self.floats:
                env[n] = rng.choice(FLOATS) if mode == "mix" else (0.0 if mode == "lo" else 1.5); continue
            lo, hi = self.ranges.get(n, (None, None))
            l, h = end_value(lo, env), end_value(hi, env)
            m = mode if mode != "mixed" else rng.choice(["lo", "hi", "mix", "mix"])
            env[n] = pick(l, h, m, rng)
        return env

    def enumerate(self, budget=2000):
        """Every point of a small box (None if the box is unbounded or has more than `budget` points)."""
        if self.order is None or any(n in self.floats for n in self.names): return None
        out, count = [], [0]
        order = self.order
        def rec(i, env):
            count[0] += 1
            if count[0] > 10 * budget: raise StopIteration
            if i == len(order):
                if len(out) >= budget: raise StopIteration
                if all(self._assume_ok(env)): out.append(dict(env))
                return
            n = order[i]
            lo, hi = self.ranges.get(n, (None, None))
            try:
                l, h = end_value(lo, env), end_value(hi, env)
            except (Undefined, TooBig):
                return
            if l is None or h is None: raise StopIteration
            if h - l + 1 > budget: raise StopIteration
            for v in range(l, h + 1):
                env[n] = v
                rec(i + 1, env)
            env.pop(n, None)
        try:
            rec(0, {})
        except StopIteration:
            return None
        return out

    def _assume_ok(self, env):
        for a in self.assume:
            try:
                yield evaluate(a, env) is True
            except (Undefined, TooBig):
                yield False

    def points(self, rng, k=40):
        if self.order is None: return []
        ex = self.enumerate()
        if ex is not None: return ex
        outs, tries = [], 0
        modes = ["lo", "hi", "mixed", "mixed"]
        while len(outs) < k and tries < k * 30:
            mode = modes[tries] if tries < len(modes) else ("mixed" if tries % 3 == 0 else "mix")
            tries += 1
            try:
                env = self._draw(mode, rng)
            except (Undefined, TooBig):
                continue
            if self.valid(env): outs.append(env)
        return outs

# ====================================================================== checking answers
def rel_sides(text):
    """The two sides of a relation text (`a <= b` or `Le(a, b)`), as source strings, else None."""
    try:
        t = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if isinstance(t, ast.Compare) and len(t.ops) == 1:
        return ast.unparse(t.left), ast.unparse(t.comparators[0])
    if isinstance(t, ast.Call) and isinstance(t.func, ast.Name) and t.func.id in ("Eq", "Ne", "Lt", "Le", "Gt", "Ge") and len(t.args) == 2:
        return ast.unparse(t.args[0]), ast.unparse(t.args[1])
    return None

def check_simplify(q, o, rng, k=40):
    dom = Domain(q, [o["expr"]])
    for env in dom.points(rng, k):
        try:
            a = evaluate(q["expr"], env)
        except (Undefined, TooBig):
            continue
        try:
            b = evaluate(o["expr"], env)
        except TooBig:
            continue
        except Undefined as e:
            return {"kind": "answer-undefined", "at": env, "input_value": a, "answer_error": str(e)}
        if not same(a, b):
            return {"kind": "unsound", "at": env, "input_value": a, "answer_value": b}
    return None

def defined_points(q, rng, k):
    """(point, the input's value) at up to k points of q's domain where the input is defined."""
    for env in Domain(q).points(rng, k):
        try:
            v = evaluate(q["expr"], env)
        except (Undefined, TooBig):
            continue
        yield env, v

def check_bound(q, o, rng, k=40):
    lo, hi = o.get("lower"), o.get("upper")
    for env, v in defined_points(q, rng, k):
        if isinstance(v, float) and math.isnan(v): continue
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            return {"kind": "unsound", "at": env, "input_value": v, "answer_value": [lo, hi]}
    return None

def check_prove(q, o, rng, k=40):
    res = o.get("result")
    if res not in ("true", "false"): return None
    want = res == "true"
    for env, v in defined_points(q, rng, k):
        if bool(v) != want:
            return {"kind": "unsound", "at": env, "input_value": v, "answer_value": res}
    return None

def solve_answer(o, env):
    """Truth of a solve answer at env (raises Undefined when it cannot be evaluated)."""
    if o.get("cases"):
        for c in o["cases"]:
            if evaluate(c.get("when", "True"), env) is True:
                return all(evaluate(t, env) is True for t in c.get("relations", []) + c.get("conditions", []))
        raise Undefined("no case guard holds")
    return all(evaluate(t, env) is True for t in list(o.get("relations", [])) + list(o.get("conditions", [])))

def check_solve(q, o, rng, k=16):
    if not o.get("solved"): return None
    sym = q["symbol"]
    texts = list(o.get("relations", [])) + list(o.get("conditions", []))
    for c in o.get("cases") or []:
        texts += [c.get("when", "True")] + c.get("relations", []) + c.get("conditions", [])
    dom = Domain(q, texts)
    atom = sym.isidentifier()
    sides = [s for t in texts for s in (rel_sides(t) or ())]
    sides = [s for s in sides if sym not in free_names(s)] if atom else []
    for env in dom.points(rng, k):
        xs = [None]
        if atom:
            if sym in dom.floats:
                xs = list(FLOATS) + [x / 4 for x in range(-40, 80)]
            else:
                base = env.get(sym, 0)
                cand = set(range(-40, 41)) | set(range(base - 20, base + 21))
                lo, hi = dom.ranges.get(sym, (None, None))
                for e in (lo, hi):
                    try:
                        v = end_value(e, env)
                    except (Undefined, TooBig):
                        v = None
                    if v is not None: cand |= set(range(v - 3, v + 4))
                for s in sides:
                    try:
                        v = evaluate(s, env)
                        if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 1e18:
                            v = int(math.floor(v)); cand |= set(range(v - 3, v + 4))
                    except (Undefined, TooBig):
                        pass
                xs = sorted(cand)
        for x in xs:
            e = dict(env)
            if atom: e[sym] = x
            if x is not None and not dom.valid(e): continue
            try:
                a = evaluate(q["expr"], e)
            except (Undefined, TooBig):
                continue
            if not isinstance(a, bool): continue
            try:
                b = solve_answer(o, e)
            except TooBig:
                continue
            except Undefined as err:
                return {"kind": "answer-undefined", "at": e, "input_value": a, "answer_error": str(err)}
            if a != b:
                return {"kind": "unsound", "at": e, "input_value": a, "answer_value": b}
    return None

def witness(q, rng):
    """A point satisfying every range and assumption of q, if sampling finds one (else None)."""
    dom = Domain(q)
    pts = dom.points(rng, 3)
    return pts[0] if pts else None

CHECKS = {"simplify": check_simplify, "bound": check_bound, "prove": check_prove, "solve": check_solve}

def check(q, o, rng, k=None):
    f = CHECKS.get(q["op"])
    if f is None: return None
    n = len(q["expr"])
    if k is None:
        k = 16 if q["op"] == "solve" else (40 if n < 300 else (16 if n < 1500 else 6))
    return f(q, o, rng, k)

# ====================================================================== mutation
LIT = re.compile(r"(?<![\w.])(?<![eE][-+])\d+(?![\w.])")
POW2 = [2**i for i in range(0, 65)]
HUGE = [2**31 - 1, 2**31, 2**31 + 1, 2**32, 2**62 - 1, 2**62, 2**62 + 1, 2**63 - 1, 2**63, 2**64,
        -(2**31), -(2**62), -(2**63), -(2**63) + 1]

def new_value(v, others, rng):
    c = rng.random()
    if c < 0.30: return v + rng.choice([1, -1])
    if c < 0.45: return rng.choice([0, 1, 2, -1, -2])
    if c < 0.55: return -v
    if c < 0.68: return rng.choice(POW2[:13])
    if c < 0.73: return rng.choice(POW2)
    if c < 0.85 and others: return rng.choice(others)
    if c < 0.93: return rng.choice([3, 5, 6, 7, 9, 12, 15, 24, 31, 33, 63, 65, 127, 255, 1000, 4095, v * 2, v // 2 if v else 3, v * v])
    return rng.choice(HUGE)

def fmt_int(v):
    return str(v) if v >= 0 else f"({v})"

def mutate_literals(text, rng, n=None):
    ms = list(LIT.finditer(text))
    if not ms: return text, False
    vals = [int(m.group()) for m in ms]
    n = n or rng.choice([1, 1, 1, 2, 3])
    chosen = sorted(rng.sample(range(len(ms)), min(n, len(ms))), reverse=True)
    for i in chosen:
        m = ms[i]
        before = text[:m.start()].rstrip()
        if before.endswith("**"):
            nv = rng.choice([0, 1, 2, 3, 4, 5, 7, 8])
        else:
            nv = new_value(vals[i], [x for j, x in enumerate(vals) if j != i], rng)
        text = text[:m.start()] + fmt_int(nv) + text[m.end():]
    return text, True

TINY = [[0, 0], [1, 1], [0, 1], [0, 3], [-5, 5], [2, 2], [-1, -1], [-3, 0], [1, 4], [-2, 2], [0, 7], [3, 3]]

def int_syms(q):
    names = set(free_names(q["expr"]))
    return sorted(n for n in names if n not in (q.get("types") or {}))

def mut_range(q, rng):
    r = q.setdefault("ranges", {})
    syms = sorted(set(r) | set(int_syms(q)))
    syms = [s for s in syms if s not in (q.get("types") or {})]
    if not syms: return None
    s = rng.choice(syms)
    lo, hi = r.get(s, [None, None])
    c = rng.random()
    if c < 0.25:
        r[s] = list(rng.choice(TINY)); return "range-tiny"
    if c < 0.40:
        r[s] = [rng.choice([-1, -2, -8, -100, -(2**31)]), hi]; return "range-neg-lo"
    if c < 0.52:
        if rng.random() < 0.5: r[s] = [None, hi]
        else: r[s] = [lo, None]
        return "range-drop-end"
    if c < 0.64:
        def const(e):
            if isinstance(e, str): return rng.choice([0, 1, 2, 3, 7, 15, 63, 128])
            return e
        r[s] = [const(lo), const(hi)]; return "range-const-end"
    if c < 0.76:
        def shift(e):
            if isinstance(e, int): return e + rng.choice([-2, -1, 1, 2, 5])
            if isinstance(e, str): return mutate_literals(e, rng)[0]
            return e
        r[s] = [shift(lo), shift(hi)]; return "range-shift"
    if c < 0.84:
        r.pop(s, None); return "range-remove"
    if c < 0.92:  # a symbolic end over another symbol
        others = [t for t in syms if t != s]
        if not others: r[s] = list(rng.choice(TINY)); return "range-tiny"
        t = rng.choice(others)
        if t in r:
            # only if it keeps the ranges acyclic
            test = dict(r); test[s] = [0, f"{t} - 1"]
            if topo(test, set(test)) is None: return None
        r[s] = rng.choice([[0, f"{t} - 1"], [1, t], [0, f"2*{t}"], [f"{t}", None], [None, f"{t} + 3"]])
        return "range-symbolic-end"
    lo2 = rng.randint(-10, 10)
    r[s] = [lo2, lo2 + rng.choice([0, 1, 2, 5, 31, 100])]; return "range-small"

def mut_assume(q, rng):
    a = q.setdefault("assume", [])
    syms = int_syms(q)
    c = rng.random()
    if a and c < 0.3:
        a.pop(rng.randrange(len(a))); return "assume-drop"
    if a and c < 0.55:
        i = rng.randrange(len(a))
        t, ok = mutate_literals(a[i], rng)
        if not ok: return None
        a[i] = t; return "assume-literal"
    if not syms: return None
    s = rng.choice(syms); t = rng.choice(syms)
    k = rng.choice([2, 3, 4, 8, 16, 7, 64])
    tmpl = rng.choice([f"Eq(Mod({s}, {k}), 0)", f"{s} >= {rng.choice([0, 1, 2, 3, 8])}",
                       f"{s} <= {rng.choice([0, 1, 3, 15, 64, 1000])}", f"Ne({s}, {rng.choice([0, 1, 2])})",
                       f"{s} <= {t}", f"Lt({s}, {t})", f"Eq(Mod({s}, {k}), {rng.randint(0, k - 1)})",
                       f"Ge(FloorDiv({s}, {k}), {rng.choice([1, 2])})", f"Eq({s}, {rng.choice([0, 1, 2, 5, 16])})",
                       f"Ne(Mod({s}, {k}), 0)", f"{s} >= -{rng.choice([1, 4, 100])}", f"Eq({s}, {k}*{t})"])
    a.append(tmpl); return "assume-add"

RELOPS = ["Eq", "Ne", "Lt", "Le", "Gt", "Ge"]
def mut_relop(q, rng):
    t = q["expr"]
    ms = list(re.finditer(r"\b(Eq|Ne|Lt|Le|Gt|Ge)\(", t)) + list(re.finditer(r"(<=|>=|<|>|==|!=)", t))
    if not ms: return None
    m = rng.choice(ms)
    if m.group().endswith("("):
        rep = rng.choice([x for x in RELOPS if x != m.group(1)]) + "("
    else:
        rep = rng.choice([x for x in ["<=", ">=", "<", ">", "==", "!="] if x != m.group()])
    q["expr"] = t[:m.start()] + rep + t[m.end():]
    return "relop"

def is_bool_expr(q):
    t = q["expr"]
    try:
        tree = ast.parse(t.strip(), mode="eval").body
    except SyntaxError:
        return False
    if isinstance(tree, (ast.Compare, ast.BoolOp)): return True
    if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id in RELOPS + ["And", "Or", "Not"]: return True
    if isinstance(tree, ast.BinOp) and isinstance(tree.op, (ast.BitAnd, ast.BitOr)): return True
    if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Invert): return True
    return False

def mut_op(q, rng):
    op = q["op"]
    if op == "simplify":
        c = rng.random()
        if c < 0.5: q["op"] = "bound"; q.pop("form", None); q.pop("deep", None); return "op-bound"
        if c < 0.7 and is_bool_expr(q): q["op"] = "prove"; q.pop("form", None); return "op-prove"
        if c < 0.9: q["form"] = "compact"; return "form-compact"
        q["deep"] = True; return "deep"
    if op == "bound":
        if is_bool_expr(q) and rng.random() < 0.4: q["op"] = "prove"; return "op-prove"
        q["op"] = "simplify"
        if rng.random() < 0.3: q["form"] = "compact"
        return "op-simplify"
    if op == "solve":
        c = rng.random()
        if c < 0.4:
            syms = int_syms(q)
            others = [s for s in syms if s != q["symbol"]]
            if not others: return None
            q["symbol"] = rng.choice(others); return "solve-target"
        if c < 0.7:
            q["op"] = "prove"; q.pop("symbol"); return "op-prove"
        q["op"] = "bound"; q.pop("symbol"); return "op-bound"
    return None

SWAPS = {"FloorDiv": ["CeilDiv", "Mod", "CleanDiv", "PythonMod"], "CleanDiv": ["FloorDiv", "CeilDiv"],
         "CeilDiv": ["FloorDiv", "Mod"], "Mod": ["FloorDiv", "PythonMod", "CeilDiv"], "PythonMod": ["Mod", "FloorDiv"],
         "Min": ["Max"], "Max": ["Min"]}
def mut_structure(q, rng):
    """Swap a division-like function for another, Min for Max, or flip one + / - (same shape of text)."""
    t = q["expr"]
    c = rng.random()
    if c < 0.55:
        ms = list(re.finditer(r"\b(" + "|".join(SWAPS) + r")\(", t))
        if not ms: return None
        m = rng.choice(ms)
        q["expr"] = t[:m.start()] + rng.choice(SWAPS[m.group(1)]) + "(" + t[m.end():]
        return "func-swap"
    if c < 0.8:
        ms = list(re.finditer(r" [+-] ", t))
        if not ms: return None
        m = rng.choice(ms)
        q["expr"] = t[:m.start()] + (" - " if m.group() == " + " else " + ") + t[m.end():]
        return "sign-flip"
    ms = list(re.finditer(r"//", t))  # a // b  ->  a % b
    if not ms: return None
    m = rng.choice(ms)
    q["expr"] = t[:m.start()] + "%" + t[m.end():]
    return "floordiv-to-mod"

HEAVY = False  # --heavy: more mutations per request, more structural ones
TIMED = False  # --timed: half the requests carry `repeat: 1` (the paths of timed requests)

def mutate(q0, rng):
    q = copy.deepcopy(q0)
    q.pop("repeat", None)
    applied = []
    for _ in range(rng.choice([3, 4, 5, 6, 8] if HEAVY else [1, 1, 2, 2, 3, 4])):
        c = rng.random()
        if HEAVY and rng.random() < 0.15:
            c = 0.86  # a structural mutation
        m = None
        if c < 0.42:
            t, ok = mutate_literals(q["expr"], rng)
            if ok: q["expr"] = t; m = "literal"
        elif c < 0.70:
            m = mut_range(q, rng)
        elif c < 0.82:
            m = mut_assume(q, rng)
        elif c < 0.85:
            m = mut_relop(q, rng)
        elif c < 0.91:
            m = mut_structure(q, rng)
        else:
            m = mut_op(q, rng)
        if m: applied.append(m)
    if not q.get("assume"): q.pop("assume", None)
    if not q.get("ranges"): q.pop("ranges", None)
    # A timed request answers as an untimed one (`t_ns` aside) but may take the shortcuts of
    # a request answered alone (docs/cli.md): half carry `repeat: 1` under --timed.
    if TIMED and rng.random() < 0.5:
        q["repeat"] = 1
    return q, applied

# ====================================================================== running the binary
def limit_memory():
    try:
        resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))
    except Exception:  # noqa: BLE001
        pass
import resource  # noqa: E402

def run_batch(binp, reqs, jobs, timeout):
    """{id: response}, and a note when the process failed (exit status, timeout)."""
    data = "".join(json.dumps(q) + "\n" for q in reqs)
    note = None
    try:
        r = subprocess.run([binp, "batch", "--jobs", str(jobs)], input=data, capture_output=True, text=True,
                           timeout=timeout, preexec_fn=limit_memory)
        out, err = r.stdout, r.stderr
        if r.returncode != 0:
            note = f"exit {r.returncode}: {err[-400:]}"
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        note = "timeout"
    got = {}
    for line in out.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if isinstance(o, dict) and "id" in o:
            got[o["id"]] = o
    return got, note

def run_checked(binp, reqs, jobs, timeout, single_timeout=20):
    """Run a chunk; requests with no answer are rerun one by one to find crashes and hangs."""
    got, note = run_batch(binp, reqs, jobs, timeout)
    crashes = []
    missing = [q for q in reqs if q["id"] not in got]
    if missing:
        for q in missing:
            g, n = run_batch(binp, [q], 1, single_timeout)
            if q["id"] in g and n is None:
                got[q["id"]] = g[q["id"]]
            else:
                crashes.append((q, n or "no output line", g.get(q["id"])))
    return got, note, crashes

# ====================================================================== main fuzzing loop
def base_requests():
    out = []
    for q, _ in S.core_requests(): out.append(("core", q))
    for q, _ in S.ranges_requests(): out.append(("ranges", q))
    for q, _ in S.bound_requests(): out.append(("bound", q))
    try:
        for q, _ in S.solve_requests(): out.append(("solve", q))
    except FileNotFoundError:
        pass
    return out

def jdump(x):
    return json.loads(json.dumps(x, default=str))

def fuzz(args):
    binp = args.bin
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    crng = random.Random(args.seed + 1)
    bases = base_requests()
    by_kind = {}
    for k, q in bases: by_kind.setdefault(k, []).append(q)
    kinds = list(by_kind)
    weights = {"core": 3, "ranges": 4, "bound": 3, "solve": 2}
    fail_f = open(os.path.join(args.out, "failures.jsonl"), "a")
    stats = {"requests": 0, "by_op": {}, "by_base": {}, "ok": 0, "errors": {}, "unsound": 0,
             "answer_undefined": 0, "crash": 0, "hang": 0, "internal": 0, "false_range_error": 0,
             "chunks": 0, "check_exceptions": 0, "by_mutation": {}, "error_messages": {}}
    t_end = time.time() + args.minutes * 60
    seq = 0

    def make_chunk():
        nonlocal seq
        reqs, meta = [], {}
        while len(reqs) < args.chunk:
            kind = rng.choices(kinds, [weights.get(k, 1) for k in kinds])[0]
            base = rng.choice(by_kind[kind])
            q, muts = mutate(base, rng)
            if not muts: continue
            seq += 1
            q["id"] = f"m{args.seed}-{seq}"
            reqs.append(q)
            meta[q["id"]] = (kind, base["id"], muts)
        return reqs, meta

    def record(kind, q, meta, o=None, detail=None):
        fail_f.write(json.dumps(jdump({"kind": kind, "request": q, "base": meta[1], "base_kind": meta[0],
                                        "mutations": meta[2], "answer": o, "detail": detail})) + "\n")
        fail_f.flush()

    def bump(d, k, n=1):
        d[k] = d.get(k, 0) + n

    pool = ThreadPoolExecutor(1)
    reqs, meta = make_chunk()
    fut = pool.submit(run_checked, binp, reqs, args.jobs, args.timeout)
    while True:
        got, note, crashes = fut.result()
        cur_reqs, cur_meta = reqs, meta
        last = time.time() >= t_end
        if not last:
            reqs, meta = make_chunk()
            fut = pool.submit(run_checked, binp, reqs, args.jobs, args.timeout)
        stats["chunks"] += 1
        if note: bump(stats, "chunk_notes_" + note.split(":")[0])
        for q, n, o in crashes:
            kind = "hang" if n == "timeout" else "crash"
            stats[kind] += 1
            record(kind, q, cur_meta[q["id"]], o, n)
        for q in cur_reqs:
            m = cur_meta[q["id"]]
            stats["requests"] += 1
            bump(stats["by_op"], q["op"]); bump(stats["by_base"], m[0])
            for mu in m[2]: bump(stats["by_mutation"], mu)
            o = got.get(q["id"])
            if o is None: continue
            if not o.get("ok"):
                ek = (o.get("error") or {}).get("kind", "?")
                bump(stats["errors"], f"{q['op']}:{ek}")
                msg = re.sub(r"\d+", "N", (o.get("error") or {}).get("message", ""))
                msg = re.sub(r"'[^']*'", "'X'", msg)[:90]
                if len(stats["error_messages"]) < 400 or msg in stats["error_messages"]:
                    bump(stats["error_messages"], f"{ek}: {msg}")
                if ek == "internal":
                    stats["internal"] += 1
                    record("internal", q, m, o)
                elif ek == "range":
                    # the engine says no assignment exists: look for one
                    try:
                        w = witness(q, crng)
                    except Exception:  # noqa: BLE001
                        w = None
                    if w is not None:
                        stats["false_range_error"] += 1
                        record("false-range-error", q, m, o, {"kind": "false-range-error", "at": w})
                continue
            stats["ok"] += 1
            bump(stats, "ok_" + q["op"])
            try:
                res = check(q, o, crng)
            except (S.Unsafe, SyntaxError, RecursionError) as e:
                stats["check_exceptions"] += 1
                bump(stats, "check_exc_" + type(e).__name__)
                continue
            except Exception as e:  # noqa: BLE001
                stats["check_exceptions"] += 1
                bump(stats, "check_exc_" + type(e).__name__)
                continue
            if res:
                if res["kind"] == "unsound": stats["unsound"] += 1; bump(stats, "unsound_" + q["op"])
                else: stats["answer_undefined"] += 1; bump(stats, "answer_undefined_" + q["op"])
                record(res["kind"], q, m, o, res)
        stats["elapsed_s"] = round(time.time() - (t_end - args.minutes * 60))
        with open(os.path.join(args.out, "stats.json"), "w") as f:
            json.dump(stats, f, indent=1, sort_keys=True)
        print(f"[{stats['elapsed_s']}s] requests {stats['requests']} ok {stats['ok']} unsound {stats['unsound']} "
              f"answer-undefined {stats['answer_undefined']} crash {stats['crash']} hang {stats['hang']} "
              f"internal {stats['internal']} false-range-error {stats['false_range_error']}", file=sys.stderr, flush=True)
        if last: break
    pool.shutdown()
    print(json.dumps(stats, indent=1, sort_keys=True))

# ====================================================================== recheck / minimize
def still_fails(binp, q, kind, seeds=3):
    """Run q alone and check it; returns (answer, failure detail) when it still fails as `kind`."""
    got, note, crashes = run_checked(binp, [q], 1, 30, 30)
    if crashes:
        return (None, {"kind": "crash", "note": crashes[0][1]}) if kind in ("crash", "hang") else None
    o = got.get(q["id"])
    if o is None: return None
    if not o.get("ok"):
        ek = (o.get("error") or {}).get("kind")
        if kind == "internal" and ek == "internal": return (o, o["error"])
        if kind == "false-range-error" and ek == "range":
            for s in range(seeds):
                try:
                    w = witness(q, random.Random(s))
                except Exception:  # noqa: BLE001
                    w = None
                if w is not None: return (o, {"kind": kind, "at": w})
        return None
    if kind not in ("unsound", "answer-undefined"): return None
    for s in range(seeds):
        try:
            res = check(q, o, random.Random(s), k=80)
        except Exception:  # noqa: BLE001
            return None
        if res and res["kind"] == kind:
            return (o, res)
    return None

def subexprs(text):
    """Candidate replacements of the expression: each sub-expression, and each sub-tree replaced by a child
    or a small constant (printed back with ast.unparse, which keeps the sympy-compatible syntax)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return []
    nodes = [n for n in ast.walk(tree.body)]
    out = []
    for n in nodes:  # whole sub-expressions first (biggest reduction)
        if n is not tree.body and isinstance(n, (ast.BinOp, ast.Call, ast.Compare, ast.UnaryOp, ast.BoolOp)):
            out.append(ast.unparse(n))
    def replaced(target, repl):
        t2 = copy.deepcopy(tree)
        idx = nodes.index(target)
        new_nodes = list(ast.walk(t2.body))
        tgt = new_nodes[idx]
        class R(ast.NodeTransformer):
            def generic_visit(self, node):
                for field, old in ast.iter_fields(node):
                    if isinstance(old, list):
                        node.__dict__[field] = [repl if x is tgt else self.visit(x) for x in old]
                    elif old is tgt:
                        setattr(node, field, repl)
                    elif isinstance(old, ast.AST):
                        self.visit(old)
                return node
        if t2.body is tgt:
            return ast.unparse(repl)
        R().visit(t2)
        return ast.unparse(t2)
    for n in nodes:
        kids = []
        if isinstance(n, ast.BinOp): kids = [n.left, n.right]
        elif isinstance(n, ast.Call): kids = list(n.args)
        elif isinstance(n, ast.UnaryOp): kids = [n.operand]
        for c in kids:
            try: out.append(replaced(n, copy.deepcopy(c)))
            except Exception: pass  # noqa: BLE001
        if isinstance(n, ast.Call) and len(n.args) > 2 and n.func.id in ("Min", "Max", "And", "Or"):
            for i in range(len(n.args)):
                m = copy.deepcopy(n); m.args = m.args[:i] + m.args[i + 1:]
                try: out.append(replaced(n, m))
                except Exception: pass  # noqa: BLE001
        if isinstance(n, (ast.BinOp, ast.Call, ast.Name)):
            for v in (0, 1, 2):
                try: out.append(replaced(n, ast.Constant(v)))
                except Exception: pass  # noqa: BLE001
        if isinstance(n, ast.Constant) and isinstance(n.value, int) and not isinstance(n.value, bool) and abs(n.value) > 1:
            for v in sorted({n.value // 2, 1, 2, 3, 4, 8, 0}):
                if v != n.value:
                    try: out.append(replaced(n, ast.Constant(v)))
                    except Exception: pass  # noqa: BLE001
    seen, res = set(), []
    for t in out:
        if t not in seen and t != text:
            seen.add(t); res.append(t)
    return res

def size_of(q):
    return (len(q["expr"]), len(json.dumps(q.get("ranges", {}))) + len(json.dumps(q.get("assume", []))))

def minimize_one(binp, q, kind):
    # (A failure found under --timed keeps its `repeat`: the timed path may be the failing one.)
    q = copy.deepcopy(q)
    r = still_fails(binp, q, kind)
    if not r: return None
    improved = True
    while improved:
        improved = False
        cands = []
        for t in subexprs(q["expr"]):
            c = copy.deepcopy(q); c["expr"] = t; cands.append(c)
        for i in range(len(q.get("assume", []))):
            c = copy.deepcopy(q); c["assume"].pop(i)
            if not c["assume"]: c.pop("assume")
            cands.append(c)
        try:
            names = set(free_names(q["expr"]))
        except Exception:  # noqa: BLE001
            names = set()
        if q["op"] == "solve": names.add(q["symbol"])
        for n in list(q.get("ranges", {})):
            c = copy.deepcopy(q)
            if n not in names:
                c["ranges"].pop(n)
                if not c["ranges"]: c.pop("ranges")
                cands.append(c); continue
            lo, hi = q["ranges"][n]
            for nr in ([lo, None], [None, hi], [0, None], [0, 3], [-3, 3], [0, 15]):
                if nr != [lo, hi] and all(not isinstance(e, str) for e in nr):
                    c = copy.deepcopy(q); c["ranges"][n] = nr; cands.append(c)
            for e in (lo, hi):
                if isinstance(e, str):
                    for t in subexprs(e) + ["0", "1", "7"]:
                        c = copy.deepcopy(q)
                        c["ranges"][n] = [t if lo is e else lo, t if hi is e else hi]
                        c["ranges"][n] = [int(x) if isinstance(x, str) and x.lstrip("-").isdigit() else x for x in c["ranges"][n]]
                        cands.append(c)
        for k2 in ("form", "deep", "types"):
            if k2 in q:
                c = copy.deepcopy(q); c.pop(k2); cands.append(c)
        cands.sort(key=size_of)
        for c in cands:
            if size_of(c) >= size_of(q): continue
            try:
                if c.get("assume") or c.get("ranges"): Domain(c)
            except Exception:  # noqa: BLE001
                continue
            r2 = still_fails(binp, c, kind)
            if r2:
                q, r = c, r2; improved = True
                break
    return q, r

def minimize(args):
    os.makedirs(args.out, exist_ok=True)
    fails = [json.loads(l) for l in open(args.minimize)]
    out = open(os.path.join(args.out, "minimized.jsonl"), "w")
    done = set()
    for f in fails[: args.max_min]:
        q = f["request"]
        key = (f["kind"], q["op"], q["expr"])
        if key in done: continue
        done.add(key)
        r = minimize_one(args.bin, q, f["kind"])
        if not r:
            print("did not reproduce:", json.dumps(q)[:200], file=sys.stderr); continue
        mq, (o, det) = r
        rec = {"kind": f["kind"], "request": mq, "answer": o, "detail": det, "original": q}
        out.write(json.dumps(jdump(rec)) + "\n"); out.flush()
        print(json.dumps(jdump({"kind": f["kind"], "request": mq, "answer": o, "detail": det})), flush=True)

def recheck(args):
    reqs = [json.loads(l) for l in open(args.recheck)]
    for i, q in enumerate(reqs):
        q.setdefault("id", f"r{i}")
    got, note, crashes = run_checked(args.bin, reqs, args.jobs, args.timeout)
    for q, n, o in crashes:
        print(json.dumps({"kind": "crash", "request": q, "note": n}))
    for q in reqs:
        o = got.get(q["id"])
        res = check(q, o, random.Random(0), k=80) if o and o.get("ok") else None
        print(json.dumps(jdump({"request": q, "answer": o, "check": res})))

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("SYMSHAPE_BIN") or os.path.join(HERE, "..", "target", "release", "symshape"))
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=2000)
    ap.add_argument("--timeout", type=float, default=600, help="seconds for one chunk")
    ap.add_argument("--out", default="/tmp/mut/out")
    ap.add_argument("--minimize")
    ap.add_argument("--max-min", type=int, default=200)
    ap.add_argument("--recheck")
    ap.add_argument("--heavy", action="store_true", help="more (and more structural) mutations per request")
    ap.add_argument("--timed", action="store_true", help="half the requests with `repeat: 1` (timed paths)")
    args = ap.parse_args()
    sys.setrecursionlimit(10000)
    global HEAVY, TIMED
    HEAVY = args.heavy
    TIMED = args.timed
    if args.minimize: minimize(args)
    elif args.recheck: recheck(args)
    else: fuzz(args)

if __name__ == "__main__":
    main()
