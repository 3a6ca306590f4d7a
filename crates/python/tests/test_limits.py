"""Resource limits from Python (docs/limits.md): Context(**limits), LimitError."""
import time
import unittest

from symshape import Context, Error, LimitError


def deep(n=100_000):
    return "FloorDiv(" * n + "x" + ", 3)" * n


class Limits(unittest.TestCase):
    def test_defaults_and_names(self):
        self.assertEqual(
            Context().limits,
            {
                "time_ms": None,
                "input_nodes": None,
                "context_nodes": None,
                "context_operands": 2**28,
                "rewrite_steps": None,
                "proof_work": 4096,
                "nesting": 12,
                "expand_terms": 64,
                "solve_cases": 8,
            },
        )
        cx = Context(time_ms=5, input_nodes=100)
        self.assertEqual(cx.limits["time_ms"], 5)
        self.assertEqual(cx.limits["input_nodes"], 100)
        with self.assertRaisesRegex(TypeError, "did you mean 'time_ms'"):
            Context(time_mss=5)
        with self.assertRaisesRegex(TypeError, "nonnegative int"):
            Context(time_ms=-1)
        # None: no limit, where a limit can be absent.
        cx = Context(context_operands=None, time_ms=None, context_nodes=None)
        self.assertIsNone(cx.limits["context_operands"])
        self.assertIsNone(cx.limits["time_ms"])
        with self.assertRaisesRegex(TypeError, "no 'no limit'"):
            Context(nesting=None)

    def test_input_nodes(self):
        cx = Context(input_nodes=3)
        with self.assertRaises(LimitError) as e:
            cx.parse("x + y + z")
        self.assertEqual(e.exception.limit, "input_nodes")
        self.assertIsInstance(e.exception, Error)
        self.assertEqual(str(cx.parse("x + y")), "x + y")

    def test_time_limit(self):
        cx = Context(time_ms=5)
        cx.set_range("x", 0, None)
        e = cx.parse(deep())
        # prove of e >= x, not e >= 0: the intervals of the two sides decide e >= 0 in one pass,
        # which may end before the limit.
        x = cx.parse("x")
        for op, arg in ((cx.simplify, e), (cx.prove, cx.call("Ge", e, x)), (cx.bound, e - x)):
            t = time.perf_counter()
            with self.assertRaises(LimitError) as err:
                op(arg)
            took = time.perf_counter() - t
            self.assertEqual(err.exception.limit, "time")
            self.assertLess(took, 2.0)
        # A typical question under the limit is answered as without it.
        self.assertEqual(str(cx.simplify("FloorDiv(8*x + 4, 8)")), "x")

    def test_less_thorough_limits(self):
        cx = Context(proof_work=0)
        cx.set_range("s0", 1, None)
        cx.set_range("x0", 0, "s0 - 1")
        self.assertIsNone(cx.prove("x0 < s0"))
        cx = Context(solve_cases=2)
        self.assertIsNone(cx.solve("a*b < 1", "a", cases=True))
        self.assertIn("more than 2 cases", cx.last_unsolved_reason)


if __name__ == "__main__":
    unittest.main()


class LongSumsAndProducts(unittest.TestCase):
    """``Context.call("Add" | "Mul", ...)`` and the sympy conversion build a long integer sum
    or product in one step: memory linear in its operands (one at a time, every partial sum
    was interned: 20,000 factors took 1.2 GB). The answer is the one-at-a-time normal form in
    value, and the same node on short lists."""

    def test_linear_memory(self):
        import resource

        cx = Context()
        xs = [cx.symbol(f"x{i}") for i in range(50_000)]
        factors = [x + 1 for x in xs]
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        p = cx.call("Mul", *factors)
        s = cx.call("Add", *[2 * x for x in xs], 7)
        grew_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        # Quadratic building holds 50,000**2 / 2 operands: gigabytes. One step: a few MB.
        self.assertLess(grew_kb, 200_000)
        self.assertEqual(len(p.free_symbols), 50_000)
        self.assertEqual(cx.eval(s, {f"x{i}": 1 for i in range(50_000)}), 100_007)

    def test_short_lists_as_one_at_a_time(self):
        cx = Context()
        a, b, c = (cx.parse(t) for t in ("x + 1", "2*y", "FloorDiv(z, 3)"))
        self.assertEqual(cx.call("Mul", a, b, c), a * b * c)
        self.assertEqual(cx.call("Add", a, b, c, 5), a + b + c + 5)
        # The constant is exact in one step: only the sum's must fit.
        big = 2**62
        self.assertEqual(cx.call("Add", big, big, -big), big)
        with self.assertRaises(Error):
            cx.call("Add", big, big)


class ContextOperands(unittest.TestCase):
    """``context_operands`` (2**28 unless given) bounds the memory a product built one factor
    at a time holds (quadratic: ``1 + 2 + ... + n`` operands), which otherwise ends the
    interpreter: the operators and ``call`` raise ``LimitError`` and keep nothing of the
    refused result."""

    def test_stepwise_product_is_refused(self):
        cx = Context(context_operands=100_000)
        xs = [cx.symbol(f"x{i}") for i in range(1000)]
        e = xs[0]
        n = 1
        with self.assertRaises(LimitError) as err:
            for x in xs[1:]:
                e = e * x
                n += 1
        self.assertEqual(err.exception.limit, "context_operands")
        self.assertTrue(440 <= n <= 450, n)
        before = cx.node_count
        with self.assertRaises(LimitError):
            e * xs[-1]
        self.assertEqual(cx.node_count, before)
        # The context still answers what fits.
        self.assertEqual(str(cx.simplify(xs[0] + xs[1] - xs[0])), "x1")
        with self.assertRaises(LimitError):
            cx.parse(" + ".join(f"x{i}" for i in range(1000)))
