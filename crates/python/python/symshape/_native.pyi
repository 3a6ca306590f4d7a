"""Type stubs of the Rust extension ``symshape._native`` (see ``symshape``)."""
from typing import Any, Callable, Dict, FrozenSet, Iterable, Mapping, Optional, Tuple, Union

Operand = Union["Expr", int, float, bool]
ExprLike = Union["Expr", int, float, bool, str]
RangeEndLike = Union["Expr", int, float, str, None]

class Error(ValueError):
    """Base class of symshape's errors (a ValueError)."""

class ParseError(Error):
    """Malformed expression text; ``column`` is the 1-based column of the offending token.

    ``ParseError(message, column)`` sets it (the message stays the only argument)."""
    column: int
    def __init__(self, *args: Any) -> None: ...

class UnsupportedError(Error):
    """Well-formed but outside what the engine represents; the message names the function,
    ``column`` where it is (``UnsupportedError(message, column)``)."""
    column: int
    def __init__(self, *args: Any) -> None: ...

class RangeError(Error):
    """Invalid range, assumption, type, or a constant outside the signed 64-bit range."""

class EvalError(Error):
    """Evaluation failed: division by zero, overflow, a missing value or a type mismatch."""

class LimitError(Error):
    """A resource limit of the context was reached (``Context(**limits)``); ``limit`` names it
    (``time``, ``input_nodes``, ``context_nodes``, ``context_operands``);
    ``LimitError(message, limit)`` sets it."""
    limit: str
    def __init__(self, *args: Any) -> None: ...

class Context:
    """Owns expressions, symbols, ranges and assumptions.

    May be shared between threads (calls are serialized); questions on large inputs release
    the GIL. Expressions are only valid with the context that made them.
    """
    def __init__(
        self,
        *,
        time_ms: Optional[int] = ...,
        input_nodes: Optional[int] = ...,
        context_nodes: Optional[int] = ...,
        context_operands: Optional[int] = ...,
        rewrite_steps: Optional[int] = ...,
        proof_work: int = ...,
        nesting: int = ...,
        expand_terms: int = ...,
        solve_cases: int = ...,
    ) -> None:
        """A new, empty context with optional resource limits (docs/limits.md; ``None``: no
        limit): a query stopped by ``time_ms``, ``context_nodes`` or ``context_operands``, an
        input over ``input_nodes`` or a result (of parsing, the operators, ``call``) that
        would take the context beyond those two, raises ``LimitError``; the other limits make
        answers less thorough, never wrong. ``context_operands`` (the operands the context's
        sums, products and lists hold together) is ``2**28`` unless given: a product built one
        factor at a time holds quadratic memory, which would otherwise end the interpreter."""
    @property
    def limits(self) -> Dict[str, Optional[int]]:
        """The context's limits, ``None`` for no limit."""
    def symbol(self, name: str, type: str = "int") -> Expr:
        """The symbol ``name`` as an expression, declared with ``type`` ("int" or "float")."""
    def set_range(self, name: Union[str, Expr], lo: RangeEndLike, hi: RangeEndLike) -> None:
        """Declares ``lo <= name <= hi``; an end is an int (float for float symbols), an
        expression over other symbols (``Expr`` or text) or ``None`` for unbounded (also
        ``-inf``/``"-oo"`` as the lower end and ``inf``/``"oo"`` as the upper one; the other
        side's infinity leaves no value in the range: ``RangeError``)."""
    def assume(self, pred: Union[Expr, str, bool]) -> None:
        """Adds a boolean fact that holds for every assignment."""
    def facts(
        self,
        ranges: Optional[Iterable[Tuple[Union[str, Expr], RangeEndLike, RangeEndLike]]] = None,
        assumptions: Optional[Iterable[Union[Expr, str, bool]]] = None,
    ) -> Facts:
        """A reusable set of facts of this context for ``simplify_with_facts``: ``ranges`` are
        ``(name, lo, hi)`` triples as ``set_range`` takes them, ``assumptions`` predicates as
        ``assume`` takes them. Values of the wrong kind raise here; the engine checks the facts
        themselves when they are set. New names are declared as ``set_range`` declares them."""
    def simplify_with_facts(self, e: ExprLike, facts: Facts) -> Expr:
        """``clear_facts()``, ``set_range`` for each range of ``facts``, ``assume`` for each
        assumption (in order), ``check_facts()`` and ``simplify(e)`` in one call; the facts
        stay set. The facts the previous call set are not set again while nothing changed
        the context's facts (``set_range``, ``assume``, ``clear_facts``, ``solve``): what the
        engine derived from them is reused, with the same answers."""
    def check_facts(self) -> None:
        """Raises ``RangeError`` when the ranges and assumptions leave some symbol no value."""
    def clear_facts(self) -> None:
        """Removes every range and assumption (expressions stay valid)."""
    def parse(self, text: str) -> Expr:
        """Parses sympy-syntax text (as PyTorch prints it); ``ParseError`` names the column."""
    def call(self, name: str, *args: Operand) -> Expr:
        """Builds ``name(*args)`` for the operators of docs/language.md and PyTorch's functions:
        Add, Mul, Sub, Neg, Pow, FloorDiv, CleanDiv, CeilDiv, Mod, PythonMod, ModularIndexing,
        Min, Max, Abs, Where, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Not, ToFloat, IntTrueDiv,
        FloatTrueDiv, TruncToInt, FloorToInt, CeilToInt, RoundToInt, Identity. An integer
        ``Add`` or ``Mul`` of many operands is built in one step (memory linear in them; one
        operand at a time, with ``+`` or ``*``, interns every partial sum: quadratic), its
        constant exact (only the result's must fit int64); equal in value to the
        one-at-a-time form, and mostly the same node (a product's constant goes into its first
        sum factor, which can differ: ``(x + 1)*(2*y + 2)`` against ``(2*x + 2)*(y + 1)``)."""
    def simplify(self, e: ExprLike) -> Expr:
        """Sound canonical and range-aware simplification."""
    def expand(self, e: ExprLike, max_terms: int = 64, deep: bool = True) -> Optional[Expr]:
        """``e`` fully expanded, like sympy's ``expand`` of an integer expression (products of
        sums distributed, powers of sums multiplied out; with ``deep`` in every operand,
        without only through the sums, products and powers at the top). Not a
        simplification: the terms can overflow int64 where the product does not. ``None``
        when a product or power would have more than ``max_terms`` terms, a coefficient
        overflows int64, or a float product has a float sum operand."""
    def bound(self, e: ExprLike) -> Tuple[Optional[Union[int, float, bool]], Optional[Union[int, float, bool]]]:
        """A sound inclusive bound ``(lo, hi)``; ``None`` for an infinite end."""
    def prove(self, pred: ExprLike) -> Optional[bool]:
        """``True`` (always holds), ``False`` (never holds) or ``None`` (unknown)."""
    def solve(self, rel: ExprLike, target: Union[str, Expr], cases: bool = False) -> Optional[Solution]:
        """Isolates ``target`` in the relation; ``None`` when it cannot (see
        ``last_unsolved_reason``). The target is a symbol (its name or ``Expr``) or any
        expression of the relation taken as a whole (``2*s0`` in ``Eq(2*s0 + 1, 5)``,
        ``Mod(s0, 16)``). With ``cases``, answers that depend on a sign or a divisibility
        come back as guarded ``Solution.cases``."""
    @property
    def last_unsolved_reason(self) -> Optional[str]:
        """Why the last ``solve`` returned ``None``."""
    def eval(self, e: ExprLike, values: Optional[Mapping[str, Union[int, float, bool]]] = None) -> Union[int, float, bool]:
        """Exact evaluation with floor semantics; ``EvalError`` on overflow, division by zero
        or a missing value. A ``str`` is evaluated as written: a divisor that parsing cancelled
        (``"0*FloorDiv(x, y)"``) is still a division by zero at ``y = 0``. An ``Expr`` is
        already its normal form (``0`` there)."""
    def is_nonnegative(self, e: ExprLike) -> bool:
        """Whether ``e >= 0`` is proven under the current facts."""
    def is_positive(self, e: ExprLike) -> bool:
        """Whether ``e > 0`` is proven under the current facts."""
    @property
    def node_count(self) -> int:
        """Number of interned nodes (a measure of memory use)."""

class Expr:
    """An expression of one context: immutable, hashable, ``==`` structural.

    ``+ - *`` build sums and products; ``//`` and ``%`` have floor semantics exactly as Python
    integers (division by a constant zero raises ``ZeroDivisionError``); ``/`` is true division
    (``IntTrueDiv`` of integers); ``**`` takes a constant natural exponent.
    """
    def __add__(self, other: Operand) -> Expr: ...
    def __radd__(self, other: Operand) -> Expr: ...
    def __sub__(self, other: Operand) -> Expr: ...
    def __rsub__(self, other: Operand) -> Expr: ...
    def __mul__(self, other: Operand) -> Expr: ...
    def __rmul__(self, other: Operand) -> Expr: ...
    def __floordiv__(self, other: Operand) -> Expr: ...
    def __rfloordiv__(self, other: Operand) -> Expr: ...
    def __mod__(self, other: Operand) -> Expr: ...
    def __rmod__(self, other: Operand) -> Expr: ...
    def __truediv__(self, other: Operand) -> Expr: ...
    def __pow__(self, other: int, modulo: None = None) -> Expr: ...
    def __neg__(self) -> Expr: ...
    def __pos__(self) -> Expr: ...
    def __bool__(self) -> bool:
        """A constant's value; ``TypeError`` for any other boolean expression (as sympy's
        relations: use ``Context.prove``); ``True`` for any other expression."""
    def __int__(self) -> int:
        """The value of an integer constant (``TypeError`` otherwise)."""
    def _compares_floats(self) -> bool:
        """Whether this boolean has a comparison of floats (through And, Or, Not)."""
    def __hash__(self) -> int:
        """A constant hashes as the Python number or bool it equals; any other expression by
        its context and node."""
    def __eq__(self, other: object) -> bool:
        """Structural equality (an int, float or bool compares with the constant); semantic
        equality is ``Context.prove(a.eq(b))``."""
    def __ne__(self, other: object) -> bool: ...
    def eq(self, other: Operand) -> Expr:
        """``Eq(self, other)``."""
    def ne(self, other: Operand) -> Expr:
        """``Ne(self, other)``."""
    def lt(self, other: Operand) -> Expr:
        """``self < other``."""
    def le(self, other: Operand) -> Expr:
        """``self <= other``."""
    def gt(self, other: Operand) -> Expr:
        """``self > other``."""
    def ge(self, other: Operand) -> Expr:
        """``self >= other``."""
    @property
    def context_(self) -> Context:
        """The context this expression belongs to."""
    @property
    def type(self) -> str:
        """"int", "float" or "bool"."""
    @property
    def free_symbols(self) -> FrozenSet[Expr]:
        """The free symbols (symbol expressions)."""
    @property
    def name(self) -> Optional[str]:
        """The name of a bare symbol, else ``None``."""
    @property
    def size(self) -> int:
        """The operation count of docs/language.md §5 (what "smaller" means)."""
    def node(self) -> tuple:
        """The node: ``("Integer", v)``, ``("Float", v)``, ``("Boolean", b)``,
        ``("Symbol", name, type)``, ``("Add", ((term, coeff), ...), const)``,
        ``("Mul", factors)``, ``("Pow", base, k)`` or ``(name, *operands)``."""

class Facts:
    """An immutable set of facts of one context (``Context.facts``), set by
    ``Context.simplify_with_facts``."""
    @property
    def n_ranges(self) -> int:
        """How many ranges the facts set."""
    @property
    def n_assumptions(self) -> int:
        """How many assumptions the facts add."""

class Solution:
    """A solved relation: ``symbol OP rhs`` for every relation, under every condition, or
    guarded ``cases``."""
    @property
    def symbol(self) -> Expr:
        """The target solved for (a symbol, or the expression given as the target)."""
    @property
    def relations(self) -> Tuple[Tuple[str, Expr], ...]:
        """``(op, rhs)`` pairs; ``op`` is one of ``== != < <= > >=``."""
    @property
    def conditions(self) -> Tuple[Expr, ...]:
        """Boolean side conditions free of the symbol."""
    @property
    def cases(self) -> Tuple[Tuple[Expr, Tuple[Tuple[str, Expr], ...], Tuple[Expr, ...]], ...]:
        """``(when, relations, conditions)`` with exclusive guards covering the domain, when
        the answer depends on a sign or a divisibility (then ``relations`` and ``conditions``
        are empty); empty for a plain answer."""
    @property
    def defined_where(self) -> Tuple[Expr, ...]:
        """Facts (``Ne(d, 0)``) that hold wherever the relation is defined, used by the answer."""
    @property
    def unique(self) -> Optional[Expr]:
        """The value when the solution is a single equality (and no cases)."""

class Converter:
    """Converts sympy expressions into one context with one memo ({sympy expr: Expr}):
    integers and the functions of ``symshape.sympy._DIRECT`` natively, every other node by
    ``walk`` (``symshape.sympy._conv_py``); the same results and errors as
    ``walk`` alone (the operands of a class whose ``args`` is sympy's ``Basic.args`` are read
    from its slot ``_args``, the same tuple). Made by ``symshape.sympy.converter``."""
    def __init__(
        self, cx: Context, memo: Dict[Any, Expr], state: Any, kind_of: Callable[[type], str],
        walk: Callable[[Any, Context, Any, Dict[Any, Expr]], Expr],
        hasher: Optional["SympyHash"] = None,
    ) -> None:
        """With ``hasher``, a tree converted gets sympy's hash stored on its nodes
        (``SympyHash.prehash``) before the memo's lookup hashes it."""
    def convert(self, x: Any) -> Expr:
        """The ``Expr`` of the sympy expression ``x``."""
    def range_ends(
        self, vr: Any, is_int: bool, end: Callable[..., Any]
    ) -> Tuple[Any, Any]:
        """``(end(vr.lower, is_int), end(vr.upper, is_int, True))`` of a ValueRanges, integer
        ends of integer symbols and infinities read natively (``end``:
        ``symshape.torch._end``)."""
    def set_ranges(
        self, e: Expr, ranges: Optional[Mapping[Any, Any]],
        fallback: Optional[Mapping[Any, Any]], symbols: Dict[str, Any],
        end: Callable[..., Any], default_range: Callable[[Any], Tuple[Any, Any]],
    ) -> None:
        """``symshape.torch._set_ranges_py``: the range of every free symbol of ``e`` from
        ``ranges``, else ``fallback``, else its assumptions, set in the context."""
    def set_assumption_ranges(
        self, e: Expr, arng: Dict[str, Tuple[Any, Any]], arange: Callable[[Any], Tuple[Any, Any]],
    ) -> None:
        """``symshape.torch._set_assumption_ranges_py``: the context's facts cleared, then the
        range every free symbol of ``e`` gets from its sympy assumptions set (memoized by name
        in ``arng``; ``arange``: ``symshape.torch._assumption_range``)."""
    def names(self, e: Expr) -> FrozenSet[str]:
        """``symshape.torch._names_py``: the names of the free symbols of ``e``."""
    def free_syms(self, e: Expr) -> Tuple[Tuple[str, Any], ...]:
        """``symshape.torch._free_syms_py``: ``(name, sympy symbol)`` of each free symbol of
        ``e``, in the order of ``e.free_symbols``."""

class SympyHash:
    """sympy's structural hash computed natively: ``hash((type(x).__name__,) + x._args)``
    (CPython's tuple hash) for the classes whose ``__hash__`` is ``basic_hash``
    (``Basic.__hash__``) and whose ``_hashable_content`` is one of ``contents`` (those that
    return ``self._args``), stored in ``_mhash`` as ``Basic.__hash__`` stores it;
    ``hash(x.p)`` for the classes whose ``__hash__`` is ``integer_hash``
    (``Integer.__hash__``); ``hash()`` itself for everything else. ``symshape.sympy`` checks
    it against sympy at import and uses it only where they agree."""
    def __init__(self, basic_hash: Any, integer_hash: Any, contents: Iterable[Any]) -> None: ...
    def hash(self, x: Any) -> int:
        """``hash(x)``, computed natively where the class allows it."""
    def prehash(self, x: Any) -> None:
        """Stores sympy's hash on every node of ``x`` that has none (``x`` of a class
        computed natively; anything else is left as it is). Errors are dropped."""

class PlainSyms:
    """``symshape.torch._plain_syms_py`` natively: made with the sympy classes ``Add``,
    ``Mul``, ``Pow``, ``Symbol`` and ``Integer`` (the operands read from ``_args`` when the
    first three's ``args`` is sympy's ``Basic.args``)."""
    def __init__(self, add: type, mul: type, pow: type, symbol: type, integer: type) -> None: ...
    def syms(self, x: Any) -> Optional[Tuple[Any, ...]]:
        """The symbols of ``x`` (with repeats) when it is an expanded polynomial with int64
        coefficients, else ``None``."""

class IdMemo:
    """Answers by the identity of the question's object, ``id(expr) -> (expr, answer)`` (the
    entry keeps ``expr`` alive), with counters of the calls ``FastSimplify`` answered from it.
    One per thread (``thread_memo()``)."""
    def __init__(self) -> None: ...
    def put(self, expr: Any, answer: Any) -> None:
        """Keeps ``answer`` for the object ``expr``."""
    def get(self, expr: Any) -> Any:
        """The answer kept for the object ``expr``, or ``None``."""
    def clear(self) -> None:
        """Empties the table (the counters stay)."""
    def __len__(self) -> int: ...
    def set_limit(self, n: int) -> None:
        """The most entries ``FastSimplify`` adds itself (first questions on expanded
        polynomials); 0 (none) until set."""
    def counter_once(self) -> Optional["HitCounter"]:
        """The memo's counters (an object that outlives the memo) the first time it is asked,
        ``None`` after."""

class HitCounter:
    """The counters of one ``IdMemo``."""
    def stats(self) -> Tuple[int, float]:
        """``(calls, seconds)`` answered from the memo since the last ``reset_stats``."""
    def reset_stats(self) -> None: ...

class FastSimplify:
    """``symshape.torch.simplify``: a repeated question on the same expression object without
    replacements is answered from the calling thread's ``IdMemo`` (``thread_memo()``) while
    ``globals["CACHE_ANSWERS"]`` is true, and so is a first one on an expanded polynomial
    (``plain.syms(expr)`` is not ``None``: its own answer, kept in the memo below its limit);
    every other call is ``slow(expr, replacements)``."""
    def __init__(self, globals: Dict[str, Any], slow: Callable[..., Any],
                 plain: Optional[PlainSyms] = None) -> None: ...
    def __call__(self, expr: Any, replacements: Optional[Mapping[Any, Any]] = None) -> Any: ...

def thread_memo() -> IdMemo:
    """The calling thread's ``IdMemo`` (kept in the interpreter's thread state), made on first
    use."""

def _has_symbol(e: Any, s: Any, symbol: type, basic_args: Any = None) -> Optional[bool]:
    """``symshape.torch._has_symbol_py`` natively: sympy's ``e.has(s)`` for a plain symbol
    ``s`` (``symbol``: sympy's ``Symbol``), or ``None`` where a node of ``e`` has no ``args``.
    The nodes of a class whose ``args`` is ``basic_args`` (sympy's ``Basic.args``) are read
    from their slot ``_args``, which that property returns."""

def _has_symbol_sides(lhs: Any, rhs: Any, s: Any, symbol: type,
                      basic_args: Any = None) -> Optional[Tuple[bool, bool]]:
    """``(_has_symbol(lhs, s, ...), _has_symbol(rhs, s, ...))`` in one call, or ``None`` where
    either is ``None``."""

def _has_type(e: Any, cls: type, basic_args: Any = None) -> Optional[bool]:
    """sympy's ``e.has(cls)`` for a class ``cls`` (a node of ``e`` an instance of it), or
    ``None`` where a node is not a sympy object (no ``args``)."""

def _has_key_symbol(e: Any, keys: Dict[Any, Any], symbol: type,
                    basic_args: Any = None) -> Optional[bool]:
    """Whether a symbol of ``e`` (an instance of ``symbol``) is a key of the dict ``keys``,
    or ``None`` where a node is not a sympy object (no ``args``)."""

def _direct_table() -> Dict[str, str]:
    """The native converter's table of ``symshape.sympy._DIRECT`` (checked equal by a test)."""

def _axiom_preds(
    axioms: Iterable[Any], known: FrozenSet[str], ax_ids: Dict[int, Any],
    shallow_ok: Dict[type, bool], ax_shallow: Dict[Tuple[Any, ...], Any],
    slow: Callable[[Any, Any], Any], eng: Any,
) -> list:
    """The axioms loop of ``symshape.torch._ranges_facts``: the predicates of ``axioms`` that
    symshape represents with every symbol in ``known``, looked up in the engine's axiom memos
    (``slow(eng, a)``, ``symshape.torch._axiom``, for what they do not hold); the same list
    and the same memos as ``symshape.torch._axiom_preds_py`` (checked by a test)."""
