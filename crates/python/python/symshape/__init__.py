"""symshape: the symbolic-integer middle end of dynamic-shape ML compilers, from Python.

The engine (a Rust extension, ``symshape._native``) answers four questions about integer
expressions with floor semantics: *simplify*, *bound*, *prove* and *solve*, plus exact *eval*::

    import symshape
    cx = symshape.Context()
    cx.set_range("x0", 0, "s0 - 1")
    e = cx.parse("FloorDiv(x0 + s0*x1, s0)")
    print(cx.simplify(e))            # x1

Submodules:

* :mod:`symshape.sympy` converts sympy trees (with PyTorch's function classes) both ways;
* :mod:`symshape.torch` is a drop-in for PyTorch's ``bound_sympy``, ``try_solve`` and
  ``simplify_with_ranges``, with :func:`symshape.torch.install` to route Inductor's own calls.

Threads: a :class:`Context` may be shared between threads (its calls are serialized by a lock);
simplify, bound, prove and solve on large inputs release the GIL. For parallel work use one
context per thread. An :class:`Expr` is only valid with the context that made it: using it with
another raises ``ValueError``.
"""
from ._native import (  # noqa: F401
    Context,
    Error,
    EvalError,
    Expr,
    Facts,
    LimitError,
    ParseError,
    RangeError,
    Solution,
    UnsupportedError,
)

__all__ = [
    "Context",
    "Expr",
    "Solution",
    "Facts",
    "Error",
    "ParseError",
    "UnsupportedError",
    "RangeError",
    "EvalError",
    "LimitError",
]
__version__ = "0.1.0"


def _need_sympy(module):
    """sympy, for the submodule ``module`` that needs it (an optional dependency, the
    ``sympy`` extra): an ImportError that says what to install when it is missing."""
    try:
        import sympy  # noqa: PLC0415
    except ImportError as e:
        raise ImportError(
            f"{module} needs sympy (>= 1.12), which is not installed: "
            "pip install 'symshape[sympy]' or pip install sympy"
        ) from e
    return sympy
