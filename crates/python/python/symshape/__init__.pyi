"""symshape: the engine from Python (see the package docstring)."""
from ._native import (
    Context as Context,
    Error as Error,
    EvalError as EvalError,
    Expr as Expr,
    Facts as Facts,
    LimitError as LimitError,
    ParseError as ParseError,
    RangeError as RangeError,
    Solution as Solution,
    UnsupportedError as UnsupportedError,
)

__all__: list
__version__: str
