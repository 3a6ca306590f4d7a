#!/usr/bin/env python3
"""Proves every rule of deep mode (crates/sym/src/deep/rules.rs) with z3, through the peers'
oracle (../shared/peers/oracles.py `prove_equal`, floor semantics).

Each `rule!("name", "lhs", "rhs", cond)` of rules.rs is read, its sides are printed in sympy
syntax, and `lhs == rhs` is proved over boxes of half-width B (default 40): a variable used in a
divisor is split into [-B, -1] and [1, B] (the left side is defined only for nonzero divisors),
and the side condition is encoded by the boxes (`Pos`: [1, B], `NonNeg`: [0, B], `NonZero`: the
split) or by substitution (`Below(a, c)`: c in [1, B] and a := Mod(a, c), which covers every
0 <= a < c; `Le(a, b)`: b := a + t with t in [0, B]). Bounded boxes, because z3's nonlinear
integer arithmetic needs them; the unit test `rules_hold_on_small_box` covers [-6, 6]^k exactly.

Usage: ~/.cache/symshape-peers/venv/bin/python scripts/z3_deep_rules.py [--box B]
Prints one line per rule (proved / REFUTED / unknown per box) and a summary; exit status 1 if
any rule is refuted.
"""
import argparse, itertools, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.environ.get("PEERS_HOME", os.path.expanduser("~/.cache/symshape-peers")))
import oracles  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--box", type=int, default=40)
ap.add_argument("--timeout", type=int, default=20000)
args = ap.parse_args()
B = args.box

src = open(os.path.join(ROOT, "crates", "sym", "src", "deep", "rules.rs")).read()
RULE = re.compile(r'rule!\(\s*"(\w+)",\s*"([^"]*)",\s*"([^"]*)",\s*((?:Cond::)?\w+(?:\([^)]*\))?),?\s*\)', re.S)


def parse(s):
    toks = s.replace("(", " ( ").replace(")", " ) ").split()
    pos = 0

    def rec():
        nonlocal pos
        t = toks[pos]
        pos += 1
        if t == "(":
            out = []
            while toks[pos] != ")":
                out.append(rec())
            pos += 1
            return out
        return t

    return rec()


def subst(t, m):
    if isinstance(t, list):
        return [subst(x, m) for x in t]
    return m.get(t, t)


def show(t):
    if not isinstance(t, list):
        return t[1:] if t.startswith("?") else (f"({t})" if t.startswith("-") else t)
    op, *a = t
    a = [show(x) for x in a]
    return {
        "+": lambda: f"({a[0]} + {a[1]})",
        "*": lambda: f"({a[0]})*({a[1]})",
        "//": lambda: f"FloorDiv({a[0]}, {a[1]})",
        "ceil//": lambda: f"CeilDiv({a[0]}, {a[1]})",
        "%": lambda: f"Mod({a[0]}, {a[1]})",
        "min": lambda: f"Min({a[0]}, {a[1]})",
        "max": lambda: f"Max({a[0]}, {a[1]})",
        "pow": lambda: f"({a[0]})**{a[1]}",
    }[op]()


def variables(t, out):
    if isinstance(t, list):
        for x in t[1:]:
            variables(x, out)
    elif t.startswith("?"):
        out.add(t)
    return out


def divisor_vars(t, out):
    if isinstance(t, list):
        if t[0] in ("//", "ceil//", "%"):
            variables(t[2], out)
        for x in t[1:]:
            divisor_vars(x, out)
    return out


def main():
    rules = RULE.findall(src)
    assert len(rules) >= 40, f"read only {len(rules)} rules from rules.rs"
    counts = {"proved": 0, "refuted": 0, "unknown": 0}
    for name, lhs, rhs, cond in rules:
        l, r = parse(lhs), parse(rhs)
        cv = re.findall(r'"(\?\w+)"', cond)
        kind = cond.split("(")[0].replace("Cond::", "")
        boxes = {v: [[-B, B]] for v in variables(l, set())}
        for v in divisor_vars(l, set()):
            boxes[v] = [[-B, -1], [1, B]]
        m = {}
        if kind == "NonZero":
            boxes[cv[0]] = [[-B, -1], [1, B]]
        elif kind in ("Pos", "Pos2"):
            for v in cv:
                boxes[v] = [[1, B]]
        elif kind == "NonNeg":
            boxes[cv[0]] = [[0, B]]
        elif kind == "Below":
            a, c = cv
            boxes[c] = [[1, B]]
            m[a] = ["%", a, c]
        elif kind == "Le":
            a, b = cv
            boxes["?t_"] = [[0, B]]
            m[b] = ["+", a, "?t_"]
        lt, rt = show(subst(l, m)), show(subst(r, m))
        names = sorted(boxes)
        results = []
        for combo in itertools.product(*(boxes[n] for n in names)):
            ranges = {n[1:]: list(bx) for n, bx in zip(names, combo)}
            results.append(oracles.prove_equal(lt, rt, ranges, timeout_ms=args.timeout))
        verdict = ("refuted" if any(x.startswith("REFUTED") for x in results)
                   else "proved" if all(x == "proved" for x in results) else "unknown")
        counts[verdict] += 1
        detail = "" if verdict == "proved" else f"  {results}"
        print(f"{verdict:8s} {name:20s} {lt} == {rt}  [{kind}, {len(results)} boxes]{detail}")
    print(f"rules {len(rules)}: proved {counts['proved']}, refuted {counts['refuted']}, unknown {counts['unknown']}")
    return 1 if counts["refuted"] else 0


if __name__ == "__main__":
    sys.exit(main())
