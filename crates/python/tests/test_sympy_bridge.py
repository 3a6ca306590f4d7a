"""symshape.sympy: sympy (and PyTorch's function classes) to symshape and back; the forms handed
back to PyTorch keep their meaning under Inductor's C++ printer (compiled and run)."""
import os
import random
import re
import shutil
import subprocess
import tempfile
import unittest

import sympy

import symshape
from symshape import Context, RangeError, UnsupportedError
from symshape.sympy import from_sympy, to_sympy, torch_functions

F = torch_functions()
needs_torch = unittest.skipUnless(F is not None, "torch is not installed")

x = sympy.Symbol("x", integer=True)
y = sympy.Symbol("y", integer=True)
i0 = sympy.Symbol("i0", integer=True, nonnegative=True)
s0 = sympy.Symbol("s0", integer=True, positive=True)
zf = sympy.Symbol("zf", real=True)


class FromSympy(unittest.TestCase):
    def conv(self, e, text, cx=None):
        cx = cx or Context()
        got = from_sympy(e, cx)
        self.assertEqual(got, cx.parse(text), f"{e} -> {got}, want {text}")
        return cx, got

    def test_basic_nodes(self):
        self.conv(sympy.Integer(-5), "-5")
        self.conv(x + 2 * y - 3, "x + 2*y - 3")
        self.conv(x * y * 3, "3*x*y")
        self.conv(x**3, "x**3")
        self.conv(sympy.Min(x, y, 3), "Min(x, y, 3)")
        self.conv(sympy.Max(x, 0), "Max(x, 0)")
        self.conv(sympy.Abs(x - y), "Abs(x - y)")
        self.conv(sympy.Mod(x, 7), "Mod(x, 7)")
        self.conv(sympy.floor(x / 4), "FloorDiv(x, 4)")
        self.conv(sympy.ceiling((x + y) / 3), "CeilDiv(x + y, 3)")
        self.conv(sympy.floor(x / 2 + y / 3), "FloorDiv(3*x + 2*y, 6)")
        self.conv(sympy.Eq(x, y + 1), "Eq(x, y + 1)")
        self.conv(sympy.Ne(x, 2), "Ne(x, 2)")
        self.conv(x < y, "x < y")
        self.conv(x >= 3, "x >= 3")
        self.conv(sympy.And(x < 3, y > 1), "(x < 3) & (y > 1)")
        self.conv(sympy.Or(x < 3, sympy.Not(y > 1)), "(x < 3) | (y <= 1)")
        self.conv(sympy.true, "True")
        self.conv(zf * 2.5, "zf*2.5", cx=self._float_cx())
        cx, e = self.conv(x**-1 if False else sympy.Rational(1, 2), "IntTrueDiv(1, 2)")
        self.assertEqual(e.type, "float")

    def _float_cx(self):
        cx = Context()
        cx.symbol("zf", "float")
        return cx

    @needs_torch
    def test_torch_functions(self):
        self.conv(F.FloorDiv(x, y), "FloorDiv(x, y)")
        self.conv(F.CleanDiv(x * 4, y), "FloorDiv(4*x, y)")
        self.conv(F.CeilDiv(x, 4), "FloorDiv(x + 3, 4)")  # torch builds FloorDiv(x + 3, 4)
        self.conv(F.ModularIndexing(i0, 4, s0), "ModularIndexing(i0, 4, s0)")
        self.conv(F.PythonMod(x, y), "Mod(x, y)")
        self.conv(F.Mod(i0, s0), "Mod(i0, s0)")
        self.conv(F.Where(x < 3, x, y), "Where(x < 3, x, y)")
        self.conv(F.IntTrueDiv(x, y), "IntTrueDiv(x, y)")
        self.conv(F.ToFloat(x), "ToFloat(x)")
        self.conv(F.TruncToInt(F.ToFloat(x)), "TruncToInt(ToFloat(x))")
        self.conv(F.FloorToInt(zf), "FloorToInt(zf)", cx=self._float_cx())
        self.conv(F.CeilToInt(zf), "CeilToInt(zf)", cx=self._float_cx())
        self.conv(F.RoundToInt(zf), "RoundToInt(zf)", cx=self._float_cx())
        self.conv(F.FloatTrueDiv(zf, 2.0), "FloatTrueDiv(zf, 2.0)", cx=self._float_cx())
        self.conv(F.Identity(x + 1), "x + 1")
        self.conv(F.PowByNatural(x, 3), "x**3")
        self.conv(F.Min(x, y), "Min(x, y)")
        from torch.utils._sympy.numbers import int_oo

        with self.assertRaises(UnsupportedError) as c:
            from_sympy(x + int_oo if False else sympy.Max(x, int_oo, evaluate=False), Context())
        self.assertIn("oo", str(c.exception))

    def test_symbol_assumptions(self):
        cx = Context()
        e = from_sympy(s0 + i0, cx)
        self.assertEqual(cx.bound(e), (1, None))
        from_sympy(sympy.Symbol("neg", integer=True, negative=True), cx)
        self.assertEqual(cx.bound("neg"), (None, -1))
        self.assertEqual(from_sympy(zf, cx).type, "float")
        with self.assertRaises(RangeError):
            from_sympy(sympy.Symbol("s0", integer=True), cx)  # other assumptions
        with self.assertRaises(UnsupportedError):
            from_sympy(sympy.Symbol("plain"), cx)  # no integer or real assumption

    def test_unsupported_named(self):
        cx = Context()
        for e, name in ((sympy.sin(x), "sin"), (x ** sympy.Rational(1, 2), "exponent"),
                        (x**y, "exponent"), (sympy.oo, "oo"), (sympy.Function("Frob")(x), "Frob")):
            with self.assertRaises(UnsupportedError) as c:
                from_sympy(e, cx)
            self.assertIn(name, str(c.exception))



def random_sympy(rng, depth=3, top=True):
    """Random sympy trees over every kind the bridge converts (and a few it refuses), built
    without sympy's evaluation where it has a switch (so that they stay cheap to make)."""
    leaves = [x, y, i0, s0, zf, sympy.Integer(rng.randint(-9, 9)), sympy.Integer(2**70),
              sympy.Rational(rng.randint(-5, 5), rng.randint(2, 5)), sympy.Float(1.5)]
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(leaves)
    a, b = random_sympy(rng, depth - 1, False), random_sympy(rng, depth - 1, False)
    k = rng.randint(-3, 9)
    ops = [lambda: sympy.Add(a, b, evaluate=False), lambda: sympy.Mul(a, b, evaluate=False),
           lambda: sympy.Mul(a, k, evaluate=False), lambda: sympy.Max(a, b, evaluate=False),
           lambda: sympy.Min(a, k, evaluate=False), lambda: sympy.Mod(a, b, evaluate=False),
           lambda: sympy.Pow(a, 2, evaluate=False), lambda: sympy.floor(a / 3, evaluate=False),
           lambda: sympy.Abs(a, evaluate=False), lambda: sympy.sin(a, evaluate=False)]
    if top:
        ops += [lambda: sympy.Lt(a, b, evaluate=False), lambda: sympy.Eq(a, k, evaluate=False),
                lambda: sympy.And(sympy.Lt(a, b, evaluate=False), sympy.Ne(a, 0, evaluate=False),
                                  evaluate=False)]
    if F is not None:
        ops += [lambda: F.FloorDiv(a, k), lambda: F.ModularIndexing(a, 1, k),
                lambda: F.ModularIndexing(a, k, b), lambda: F.PythonMod(a, b),
                lambda: F.CleanDiv(a, k), lambda: F.CeilDiv(a, b), lambda: F.IntTrueDiv(a, b),
                lambda: F.ToFloat(a), lambda: F.FloorToInt(zf), lambda: F.FloorDiv(a, 2**70)]
        if top:
            ops.append(lambda: F.Where(sympy.Lt(a, b, evaluate=False), a, b))
    try:
        return rng.choice(ops)()
    except Exception:  # noqa: BLE001 - sympy or torch refused the combination: a leaf
        return rng.choice(leaves)


class NativeConverter(unittest.TestCase):
    """symshape.sympy._conv (integers and _DIRECT functions in Rust) against _conv_py (every
    node in Python): the same expression, the same error, the same memo entries."""

    def test_table_is_direct(self):
        from symshape import _native
        from symshape.sympy import _DIRECT
        self.assertEqual(_native._direct_table(), _DIRECT)

    def outcome(self, f, e):
        cx = Context()
        st = symshape.sympy._state(cx)
        memo = {}
        try:
            r = f(e, cx, st, memo)
            got = ("ok", str(r), r.type)
        except Exception as err:  # noqa: BLE001 - compared below
            got = ("err", type(err).__name__, str(err))
        # The memo: the same keys, each converted to the same expression.
        return got, {k: str(v) for k, v in memo.items()}

    def test_same_as_python(self):
        from symshape.sympy import _conv, _conv_py
        rng = random.Random(7)
        kinds = set()
        for k in range(1500):
            e = random_sympy(rng)
            native, py = self.outcome(_conv, e), self.outcome(_conv_py, e)
            self.assertEqual(native, py, (k, sympy.srepr(e)))
            kinds.add(native[0][0])
        self.assertEqual(kinds, {"ok", "err"})

    def test_overridden_args(self):
        """The native walk reads a node's operands from its slot ``_args`` only where its
        class's ``args`` is sympy's ``Basic.args``: a class with its own ``args`` is read
        through it, as the Python walk reads every node."""
        from symshape.sympy import _conv, _conv_py

        class OwnAdd(sympy.Add):  # its args: the slot's operands, the last one dropped
            @property
            def args(self):
                return self._args[:-1]

        for e in (OwnAdd(x, sympy.Integer(3), evaluate=False),
                  OwnAdd(x, x * 2, 5, evaluate=False),
                  sympy.Max(OwnAdd(x, sympy.Rational(1, 2), evaluate=False), 1)):
            native, py = self.outcome(_conv, e), self.outcome(_conv_py, e)
            self.assertEqual(native, py, sympy.srepr(e))
        self.assertEqual(self.outcome(_conv, OwnAdd(x, sympy.Integer(3), evaluate=False))[0],
                         ("ok", "x", "int"))

    def test_shared_memo_across_calls(self):
        """One converter over many expressions: each answer is what a fresh walk gives."""
        from symshape.sympy import _conv_py, converter
        rng = random.Random(8)
        cx = Context()
        conv = converter(cx, symshape.sympy._state(cx), {})
        for k in range(300):
            e = random_sympy(rng)
            try:
                got = str(conv.convert(e))
            except Exception as err:  # noqa: BLE001
                got = type(err).__name__
            cy = Context()
            try:
                want = str(_conv_py(e, cy, symshape.sympy._state(cy), {}))
            except Exception as err:  # noqa: BLE001
                want = type(err).__name__
            self.assertEqual(got, want, (k, sympy.srepr(e)))

    def test_identity_memo(self):
        """The converter's memo by object identity (asked before the memo by value): the same
        objects and equal new ones give the Python walk's answer again, without a change to
        the memo by value (test_same_as_python compares it with the Python walk's), and objects made and dropped one after the other (whose addresses
        the allocator reuses unless the converter keeps them alive) are never mistaken for one
        another, also past the identity memo's bound (30,000 entries, then emptied)."""
        from symshape.sympy import _conv_py, converter
        rng = random.Random(9)
        cx = Context()
        memo = {}
        conv = converter(cx, symshape.sympy._state(cx), memo)
        exprs = []
        for _ in range(200):
            e = random_sympy(rng)
            try:
                conv.convert(e)
            except Exception:  # noqa: BLE001 - only convertible ones below
                continue
            exprs.append(e)
        cy = Context()
        py_memo = {}
        before = dict(memo)
        for e in exprs:  # the same objects, then equal new ones
            want = str(_conv_py(e, cy, symshape.sympy._state(cy), py_memo))
            self.assertEqual(str(conv.convert(e)), want)
            twin = sympy.Basic.__new__(type(e), *e.args) if e.args else e
            self.assertEqual(str(conv.convert(twin)), want)
        self.assertEqual(len(memo), len(before))
        self.assertTrue(all(memo[k] is v for k, v in before.items()))
        # Dropped objects: each new one is its own (FloorDiv(x + k, k + 2) without sympy's
        # cache, which would keep them alive).
        cz = Context()
        sz = symshape.sympy._state(cz)
        for k in range(31_000):
            e = sympy.Basic.__new__(F.FloorDiv, sympy.Basic.__new__(sympy.Add, x, sympy.Integer(k)),
                                    sympy.Integer(k % 7 + 2))
            self.assertEqual(str(conv.convert(e)), str(_conv_py(e, cz, sz, {})), k)
            del e
        for e in exprs:
            self.assertEqual(str(conv.convert(e)), str(before[e]))

    def test_deep_trees(self):
        """Deeper than the native walk goes (the rest in Python), and deeper than Python's
        recursion limit (sympy's own hash raises RecursionError): an answer or an exception,
        never a crash. The nodes are made without sympy's constructors (which would flatten
        or evaluate them)."""
        from symshape.sympy import _conv, _conv_py

        def deep(n):
            e = x
            for k in range(n):
                e = sympy.Basic.__new__(sympy.Max, e, sympy.Integer(k)) if k % 2 else \
                    sympy.Basic.__new__(sympy.Add, e, y)
            return e

        e = deep(300)
        cx = Context()
        got = _conv(e, cx, symshape.sympy._state(cx), {})
        cy = Context()
        self.assertEqual(str(got), str(_conv_py(e, cy, symshape.sympy._state(cy), {})))
        with self.assertRaises(RecursionError):
            cz = Context()
            _conv(deep(5000), cz, symshape.sympy._state(cz), {})

def random_expr(cx, rng, depth=3):
    """A random integer expression over x (any sign), i0 (index), s0 (size)."""
    names = ["x", "i0", "s0"]
    if depth == 0 or rng.random() < 0.25:
        return cx.symbol(rng.choice(names)) if rng.random() < 0.7 else cx.call("Identity", rng.randint(-9, 9))
    a = random_expr(cx, rng, depth - 1)
    b = random_expr(cx, rng, depth - 1)
    k = rng.randint(1, 9)
    op = rng.randrange(11)
    if op == 0:
        return a + b
    if op == 1:
        return a - b * rng.randint(-3, 3)
    if op == 2:
        return a * b
    if op == 3:
        return a // k
    if op == 4:
        return a % k
    if op == 5:
        return cx.call("Min", a, b)
    if op == 6:
        return cx.call("Max", a, b)
    if op == 7:
        return cx.call("ModularIndexing", a, k, rng.randint(1, 9))
    if op == 9:
        return cx.call("CeilDiv", a, rng.choice((k, -k)))
    if op == 10:
        return cx.call("CeilDiv", a, cx.symbol("s0"))
    return a // cx.symbol("s0")


def facts(cx):
    cx.set_range("s0", 1, 64)
    cx.set_range("i0", 0, "s0 - 1")
    cx.set_range("x", -50, 50)


def points(rng, n=25):
    out = []
    for _ in range(n):
        s = rng.randint(1, 64)
        out.append({"s0": s, "i0": rng.randint(0, s - 1), "x": rng.randint(-50, 50)})
    return out


class RoundTrip(unittest.TestCase):
    def test_from_to_identity(self):
        rng = random.Random(11)
        for use_torch in ((True, False) if F else (False,)):
            cx = Context()
            facts(cx)
            same = 0
            for _ in range(300):
                e = cx.simplify(random_expr(cx, rng))
                back = to_sympy(e, use_torch=use_torch)
                got = from_sympy(back, cx)
                if got == e:
                    same += 1
                    continue
                # sympy's constructors rewrite some forms (Max(s0, Min(a, Max(s0, x))) is
                # Max(s0, Min(a, x))), and CeilDiv comes back -FloorDiv(-a, b) from PyTorch's
                # forms (module docstring): the same values.
                for p in points(rng, 8):
                    self.assertEqual(cx.eval(got, p), cx.eval(e, p), f"{e} -> {back} at {p}")
            # Most come back as they were.
            self.assertGreater(same, 240, use_torch)

    def test_ceildiv_without_torch_comes_back(self):
        cx = Context()
        facts(cx)
        for t in ("CeilDiv(x, 3)", "CeilDiv(x + i0, s0)"):
            e = cx.parse(t)
            self.assertEqual(from_sympy(to_sympy(e, use_torch=False), cx), e, t)
        # sympy writes x/(-3) as -x/3: CeilDiv(-x, 3), the same values.
        e = cx.parse("CeilDiv(x, -3)")
        got = from_sympy(to_sympy(e, use_torch=False), cx)
        for v in range(-7, 8):
            self.assertEqual(cx.eval(got, {"x": v}), cx.eval(e, {"x": v}))

    def test_true_division_by_zero_has_no_sympy_form(self):
        cx = Context()
        for t in ("IntTrueDiv(x, 0)", "FloatTrueDiv(ToFloat(x), 0.0)"):
            for use_torch in ((True, False) if F else (False,)):
                with self.assertRaises(UnsupportedError):
                    to_sympy(cx.parse(t), use_torch=use_torch)

    def test_symbols_come_back_as_given(self):
        cx = Context()
        e = from_sympy(s0 * 2 + i0, cx)
        back = to_sympy(e)
        self.assertEqual(back.free_symbols, {s0, i0})

    @needs_torch
    def test_forms_for_torch(self):
        cx = Context()
        cx.set_range("i", 0, None)
        cx.set_range("s", 1, None)
        cx.symbol("x")
        nonneg_mod = to_sympy(cx.parse("Mod(i, s)"))
        self.assertIs(type(nonneg_mod), F.Mod)
        self.assertIs(type(to_sympy(cx.parse("Mod(x, s)"))), F.PythonMod)
        self.assertIs(type(to_sympy(cx.parse("Mod(i, x)"))), F.PythonMod)
        self.assertIs(type(to_sympy(cx.parse("ModularIndexing(i, 4, s)"))), F.ModularIndexing)
        self.assertIs(type(to_sympy(cx.parse("ModularIndexing(x, 4, s)"))), F.PythonMod)
        self.assertIs(type(to_sympy(cx.parse("FloorDiv(x, 4)"))), F.FloorDiv)
        # A divisor that may be 0 but not negative (`7*((s + 6)//31)` is 0 for s < 25): where
        # it is 0 every form is undefined, so ModularIndexing and Mod keep their meaning.
        m = "7*FloorDiv(s + 6, 31)"
        self.assertIs(type(to_sympy(cx.parse(f"ModularIndexing(i, 256, {m})"))),
                      F.ModularIndexing)
        self.assertIs(type(to_sympy(cx.parse(f"ModularIndexing(i, FloorDiv(s, 2), 3)"))),
                      F.ModularIndexing)
        self.assertIs(type(to_sympy(cx.parse(f"Mod(i, {m})"))), F.Mod)
        # One that may be negative does not.
        self.assertIs(type(to_sympy(cx.parse("Mod(i, FloorDiv(s, 2) - 1)"))), F.PythonMod)
        self.assertIs(type(to_sympy(cx.parse("ModularIndexing(i, 4, s - 2)"))), F.PythonMod)


@needs_torch
@unittest.skipUnless(shutil.which("g++"), "g++ is not installed")
class InductorPrinter(unittest.TestCase):
    """What we hand back means the same once Inductor's C++ printer has printed it: random
    expressions (negative dividends included) are simplified, converted, printed by ``cexpr``,
    compiled with g++, run, and compared with exact evaluation of the input."""

    def test_cexpr_compiled(self):
        from torch._inductor.codegen.cpp_utils import cexpr
        import torch

        rng = random.Random(5)
        cx = Context()
        facts(cx)
        cases = []
        for _ in range(250):
            e = random_expr(cx, rng, 3)
            s = cx.simplify(e)
            cases.append((e, cexpr(to_sympy(s))))
        # Divisors that are non-negative but 0 for some sizes (`s0 // 3` at s0 < 3): where they
        # are 0 the expression is undefined, so they are printed with C `%` and `/` when the
        # dividend is non-negative; run at the sizes where they are positive.
        zcases = []
        for _ in range(80):
            e = random_expr(cx, rng, 2)
            d = cx.symbol("s0") // rng.choice([2, 3])
            e = cx.call("ModularIndexing", e, rng.randint(1, 4), d) if rng.random() < 0.5 else e % d
            if rng.random() < 0.3:
                e = cx.call("ModularIndexing", e, rng.choice([1, 2]), d)
            zcases.append((e, cexpr(to_sympy(cx.simplify(e)))))
        pts = points(rng, 12) + [{"s0": 3, "i0": 2, "x": 7}, {"s0": 7, "i0": 0, "x": -4}]
        inc = os.path.join(os.path.dirname(torch.__file__), "include")
        src = ["#include <c10/util/generic_math.h>", "#include <algorithm>", "#include <cmath>",
               "#include <cstdint>", "#include <cstdio>", "int main() {"]
        for p in pts:
            src.append("{ int64_t x = %d, i0 = %d, s0 = %d;" % (p["x"], p["i0"], p["s0"]))
            for _, c in cases:
                src.append('  std::printf("%%lld\\n", (long long)(%s));' % c)
            if p["s0"] >= 3:
                for _, c in zcases:
                    src.append('  std::printf("%%lld\\n", (long long)(%s));' % c)
            src.append("}")
        src.append("return 0; }")
        with tempfile.TemporaryDirectory() as d:
            cpp = os.path.join(d, "t.cpp")
            with open(cpp, "w") as f:
                f.write("\n".join(src))
            exe = os.path.join(d, "t")
            subprocess.run(["g++", "-std=c++17", "-O0", "-w", "-I", inc, cpp, "-o", exe], check=True)
            out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout.split()
        k = 0
        bad = []
        for p in pts:
            for e, c in cases + (zcases if p["s0"] >= 3 else []):
                want = cx.eval(e, p)
                if int(out[k]) != want:
                    bad.append((str(e), c, p, int(out[k]), want))
                k += 1
        self.assertEqual(bad, [])
        # The maybe-zero divisors were printed with C's `%` where the dividend is non-negative
        # (not only through c10::div_mod).
        c_mod = re.compile(r"% \(?(static_cast<int64_t>\()?c10::div_floor_integer\("
                           r"static_cast<int64_t>\(s0\)")
        kept = sum(1 for _, c in zcases if c_mod.search(c))
        self.assertGreater(kept, 10, [c for _, c in zcases][:5])


if __name__ == "__main__":
    unittest.main()
