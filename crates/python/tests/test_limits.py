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
