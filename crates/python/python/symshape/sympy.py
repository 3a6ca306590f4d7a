"""The sympy bridge: sympy trees (with PyTorch's function classes) to symshape and back.

:func:`from_sympy` walks the sympy tree (no string round trip) and builds the expression in a
:class:`symshape.Context`; :func:`to_sympy` builds the inverse: ``from_sympy(to_sympy(e), cx)``
has the value of ``e`` everywhere, and is ``e`` itself except where sympy's constructors
rewrite what they are given (``Abs(Abs(x))`` is ``Abs(x)``, a ``Where`` whose condition sympy
decides is its branch, ``-f`` of a float is ``-1.0*f``) and for ``CeilDiv`` with torch, written
``-FloorDiv(-a, b)`` (below).

Input mapping (anything else raises :class:`symshape.UnsupportedError` naming it):

============================================  ==============================================
sympy / torch                                 symshape
============================================  ==============================================
Integer, Float, ``true``/``false``            constants (an Integer outside int64: RangeError)
Rational ``p/q`` (non-integer)                ``IntTrueDiv(p, q)`` (a float)
Symbol                                        ``integer`` -> int symbol, ``real`` -> float
                                              symbol (neither: UnsupportedError);
                                              ``positive`` -> range ``[1, oo]``,
                                              ``nonnegative`` -> ``[0, oo]``, ``negative`` ->
                                              ``[-oo, -1]`` (set when first seen)
Add, Mul, Pow (integer exponent)              sums, products, powers (``x**-k`` is a true
                                              division)
Min, Max, Abs, Mod (sympy's and torch's)      the same (Mod is floor modulo: sympy's meaning,
                                              and torch's on its domain ``p >= 0, q >= 1``)
floor, ceiling                                ``FloorDiv``/``CeilDiv`` when the argument is
                                              a quotient of integers (a sum over one
                                              denominator, ``x/y + 1/2`` as
                                              ``(2*x + y)/(2*y)``); of a float expression
                                              ``FloorToInt``/``CeilToInt``; of other exact
                                              rationals UnsupportedError (doubles would
                                              round)
Eq, Ne, Lt, Le, Gt, Ge, And, Or, Not          relations and logic
FloorDiv, CleanDiv, CeilDiv, ModularIndexing  the same (floor semantics)
PythonMod                                     ``Mod``
Where, IntTrueDiv, FloatTrueDiv, ToFloat,     the same
TruncToInt, FloorToInt, CeilToInt,
RoundToInt, PowByNatural, Identity
``int_oo``, ``oo``, ``nan``                   UnsupportedError (no infinite values)
============================================  ==============================================

Output mapping (:func:`to_sympy`), chosen so that PyTorch's C++ and Triton printers, which print
``Mod``/``ModularIndexing`` as C ``%`` and ``FloorDiv`` as C ``/`` where they believe the
operands non-negative, keep the meaning:

* ``Mod(FloorDiv(a, b), m)`` -> ``ModularIndexing(a, b, m)`` only when ``a >= 0``, ``b >= 0`` and
  ``m >= 0`` are proven under the context's current facts (a divisor that is 0 leaves the
  expression undefined in every form, the caller's included, so on the domain ``b, m >= 0``
  means ``b, m > 0``: ``m = 7*((s + 6)//31)`` with ``s >= 1`` keeps ``ModularIndexing``);
* ``Mod(a, m)`` -> torch ``Mod(a, m)`` only when ``a >= 0`` and ``m >= 0`` are proven, otherwise
  ``PythonMod(a, m)`` (printed ``c10::div_mod`` / ``triton_helpers.remainder_integer``);
* ``FloorDiv(a, b)`` -> torch ``FloorDiv(a, b)``; the printers use ``/`` only when sympy's
  assumptions say both operands are non-negative, which holds for every node we emit (``Mod``
  is emitted only where it is non-negative);
* ``CeilDiv(a, b)`` -> ``-FloorDiv(-a, b)`` (exact for every divisor; torch's ``CeilDiv``
  constructor writes ``FloorDiv(a + b - 1, b)``, exact only for ``b > 0``);
* ``IntTrueDiv``/``FloatTrueDiv`` by the constant 0: ``UnsupportedError`` (no sympy form);
* torch's constructors are called with ``evaluate=False`` so that their unchecked rewrites
  (``FloorDiv(FloorDiv(x, c), b)`` for ``b < 0``, term stripping in ``ModularIndexing``) do not
  run on our answer;
* without torch: ``sympy.floor(a / b)``, ``sympy.Mod`` (floor modulo), ``sympy.Piecewise``.
"""
import weakref
from fractions import Fraction
from math import gcd

from . import _need_sympy

_sp = _need_sympy(__name__)

from ._native import Context, Converter, Error, Expr, RangeError, SympyHash, UnsupportedError

__all__ = ["from_sympy", "to_sympy", "torch_functions"]

_torch_fns = None


def torch_functions():
    """PyTorch's ``torch.utils._sympy.functions`` module, or ``None`` when torch is missing."""
    global _torch_fns
    if _torch_fns is None:
        try:
            import torch.utils._sympy.functions as F  # noqa: PLC0415
            from torch.utils._sympy import numbers as N  # noqa: PLC0415

            _torch_fns = (F, N)
        except Exception:  # noqa: BLE001 - any import failure means "no torch"
            _torch_fns = False
    return _torch_fns[0] if _torch_fns else None


class SymbolConflict(RangeError):
    """A symbol name seen again with other sympy assumptions."""


class _State:
    """Per-context bridge state: the sympy symbols by name (to give back the same objects).
    It holds no ``Expr`` (which would keep its context alive through this weak mapping)."""

    __slots__ = ("symbols", "untyped", "__weakref__")

    def __init__(self):
        self.symbols = {}
        # Every commutative symbol is declared an integer symbol without a range, whatever its
        # assumptions (symshape.torch's polynomial context: polynomial identities hold in
        # every commutative ring, so an expansion computed over the integers is sympy's).
        self.untyped = False


_states = weakref.WeakKeyDictionary()


def _state(cx):
    st = _states.get(cx)
    if st is None:
        st = _states[cx] = _State()
    return st


# ------------------------------------------------------------------ sympy -> symshape
_REL = {
    "Equality": "Eq",
    "Unequality": "Ne",
    "StrictLessThan": "Lt",
    "LessThan": "Le",
    "StrictGreaterThan": "Gt",
    "GreaterThan": "Ge",
}
_DIRECT = {
    "Add": "Add",
    "Mul": "Mul",
    "Min": "Min",
    "Max": "Max",
    "Abs": "Abs",
    "Mod": "Mod",
    "PythonMod": "Mod",
    "FloorDiv": "FloorDiv",
    "CleanDiv": "FloorDiv",
    "CeilDiv": "CeilDiv",
    "ModularIndexing": "ModularIndexing",
    "Where": "Where",
    "IntTrueDiv": "IntTrueDiv",
    "FloatTrueDiv": "FloatTrueDiv",
    "ToFloat": "ToFloat",
    "TruncToInt": "TruncToInt",
    "FloorToInt": "FloorToInt",
    "CeilToInt": "CeilToInt",
    "RoundToInt": "RoundToInt",
    "PowByNatural": "Pow",
    "Identity": "Identity",
    "And": "And",
    "Or": "Or",
    "Not": "Not",
    **_REL,
}
# Classes whose name is taken as is only when they come from sympy or torch.
_TRUSTED = ("sympy.", "torch.utils._sympy.")
_kind_cache = {}


def _kind(t):
    """The conversion kind of a sympy class (cached per class)."""
    k = _kind_cache.get(t)
    if k is not None:
        return k
    k = "?"
    if t in (int, float, bool):
        _kind_cache[t] = "py"
        return "py"
    for c in t.__mro__:
        if not (c.__module__ or "").startswith(_TRUSTED):
            continue
        n = c.__name__
        if n in _DIRECT:
            k = n
            break
        if n in ("Integer", "Rational", "Float", "Symbol", "Dummy", "BooleanTrue", "BooleanFalse",
                 "Pow", "floor", "ceiling", "IntInfinity", "NegativeIntInfinity", "Infinity",
                 "NegativeInfinity", "NaN", "Piecewise"):
            k = n
            break
    _kind_cache[t] = k
    return k


def _declare(cx, st, s):
    name = s.name
    prev = st.symbols.get(name)
    if prev is not None:
        if prev is s or prev == s:
            return cx.symbol(name, "int" if s.is_integer or st.untyped else "float")
        raise SymbolConflict(
            f"symbol '{name}' was seen with other assumptions ({_sp.srepr(prev)} vs {_sp.srepr(s)})"
        )
    if st.untyped:
        if s.is_commutative is not True:
            raise UnsupportedError(f"symbol '{name}' is not commutative")
        e = cx.symbol(name, "int")
        st.symbols[name] = s
        return e
    if s.is_integer:
        ty = "int"
    elif s.is_real and s.is_integer is False or s.is_real and s.is_integer is None:
        ty = "float"
    else:
        # No integer or real assumption (a sympy default Symbol): its values are unknown.
        raise UnsupportedError(f"symbol '{name}' has neither an integer nor a real assumption")
    e = cx.symbol(name, ty)
    st.symbols[name] = s
    if ty == "int":
        if s.is_positive:
            cx.set_range(name, 1, None)
        elif s.is_nonnegative:
            cx.set_range(name, 0, None)
        elif s.is_negative:
            cx.set_range(name, None, -1)
        elif s.is_nonpositive:
            cx.set_range(name, None, 0)
    return e


def _rational_parts(a):
    """``a`` as ``(num, den)`` with ``num`` a sympy expression of integer terms and ``den`` a
    positive int, when ``a`` is a sum/product with rational coefficients; else ``None``."""
    terms = _sp.Add.make_args(a)
    coeffs = []
    for t in terms:
        c, rest = t.as_coeff_Mul()
        if not c.is_Rational:
            return None
        coeffs.append((Fraction(int(c.p), int(c.q)), rest))
    den = 1
    for c, _ in coeffs:
        den = den * c.denominator // gcd(den, c.denominator)
    if den == 1:
        return None
    num = _sp.Add(*[int(c * den) * rest for c, rest in coeffs])
    if not all(r.is_integer for _, r in coeffs):
        return None
    return num, den


# torch's functions whose values are doubles.
_FLOAT_FUNCTIONS = frozenset(
    {"ToFloat", "FloatTrueDiv", "IntTrueDiv", "FloatPow", "TruncToFloat", "OpaqueUnaryFn_sqrt"}
)


def float_sourced(x) -> bool:
    """Whether the sympy expression ``x`` computes in doubles by its own terms: a ``Float``
    constant, a real symbol that is not an integer, or one of torch's float functions
    (``ToFloat``, ``FloatTrueDiv``, ``IntTrueDiv``, ...). Otherwise its non-integer values come
    from sympy's exact rational arithmetic (a ``Rational``, a negative power of an integer),
    which :func:`from_sympy` maps to doubles (``IntTrueDiv``): a value that may differ from
    sympy's by a rounding. Callers that need sympy's exact value (a floor, a bound, a
    comparison) then leave the question to PyTorch."""
    for n in _sp.preorder_traversal(x):
        if n.is_Float or (n.is_Symbol and not n.is_integer):
            return True
        if type(n).__name__ in _FLOAT_FUNCTIONS:
            return True
    return False


def from_sympy(expr, cx: Context, *, memo=None) -> Expr:
    """Converts a sympy expression (or a Python int/float/bool) into an expression of ``cx``.

    Symbols are declared from their sympy assumptions (see the module docstring); a symbol
    seen again with other assumptions raises :class:`symshape.RangeError`. ``memo`` (a dict
    owned by the caller, for this context only) remembers converted nodes across calls, so
    repeated subtrees cost a lookup.
    Anything outside the mapping raises :class:`symshape.UnsupportedError` naming it.
    """
    if isinstance(expr, (bool, int, float)):
        return cx.call("Identity", expr)
    return _conv(expr, cx, _state(cx), {} if memo is None else memo)


def _conv(x, cx, st, m):
    """The conversion of ``x``: integers and the functions of ``_DIRECT`` in Rust
    (``_native.Converter``), every other node by :func:`_conv_py`; the same result and errors
    as :func:`_conv_py` alone (and memo entries: src/convert.rs says the one exception)."""
    return converter(cx, st, m).convert(x)


def converter(cx, st, m):
    """A ``_native.Converter`` into ``cx`` with the memo ``m`` (keep it for repeated
    conversions with the same memo); it stores sympy's hash on the nodes of a new tree
    natively (:data:`HASHER`) before its memo hashes them."""
    return Converter(cx, m, st, _kind, _conv_py, HASHER if NATIVE_HASH else None)


def _hash_samples():
    """New sympy trees (every node above the leaves built by ``Basic.__new__``, so none has its
    hash yet) of the shapes the drop-in meets: sums, products, powers, relations, logic,
    ``Mod``, with symbols, small, negative and big integers, a rational and a float."""
    B = _sp.Basic.__new__
    x = _sp.Symbol("_symshape_hash_x", integer=True)
    y = _sp.Symbol("_symshape_hash_y", integer=True, positive=True)
    big, neg = _sp.Integer(2**70 + 3), _sp.Integer(-1)
    s = B(_sp.Add, _sp.Integer(3), x, B(_sp.Mul, neg, y))
    p = B(_sp.Mul, _sp.Integer(-7), B(_sp.Pow, x, _sp.Integer(2)), y)
    return [
        s,
        p,
        B(_sp.Mod, B(_sp.Add, big, s), _sp.Integer(64)),
        B(_sp.Add, _sp.Rational(1, 3), _sp.Float(0.5), p),
        B(_sp.And, B(_sp.Eq, s, _sp.Integer(0)), B(_sp.Le, p, neg), B(_sp.Not, B(_sp.Lt, x, y))),
        B(_sp.Max, x, B(_sp.Min, y, _sp.Integer(-2**63))),
    ]


def _nodes(e):
    """Every node of a sympy tree, parents first (each occurrence)."""
    out, stack = [], [e]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(n.args)
    return out


def _check_hasher(h):
    """Whether ``h`` gives sympy's own hash on every node of new sample trees (computed on two
    separate copies, one by ``h`` and one by sympy's ``__hash__``, children before their
    parent), and stores it as sympy does."""
    mine, theirs = _hash_samples(), _hash_samples()
    for a, b in zip(mine, theirs):
        h.prehash(a)
        for m, t in zip(reversed(_nodes(a)), reversed(_nodes(b))):
            if m.is_Atom:
                if h.hash(m) != hash(t):
                    return False
            elif m._mhash is None or m._mhash != hash(t):
                return False
    return True


def _make_hasher():
    try:
        h = SympyHash(_sp.Basic.__hash__, _sp.Integer.__hash__,
                      [_sp.Basic._hashable_content, _sp.Expr._hashable_content])
        return h, _check_hasher(h)
    except Exception:  # noqa: BLE001 - any surprise: sympy's own hash
        return None, False


HASHER, NATIVE_HASH = _make_hasher()
"""``_native.SympyHash``, sympy's hash of new trees computed natively, and whether it gave
sympy's own on the sample trees at import (``NATIVE_HASH``; it depends on CPython's tuple
hash). Only where it did is it used (``False`` turns it off, for the differential test, for
the converters made after)."""


def prehash(x):
    """Stores sympy's hash on every node of the new sympy tree ``x`` natively (what its first
    lookup in a dict would compute in Python, the same value), where :data:`NATIVE_HASH`."""
    if NATIVE_HASH:
        HASHER.prehash(x)


def _conv_py(x, cx, st, m):
    """The conversion of ``x`` in Python (every node kind; its recursion stays in Python)."""
    r = m.get(x)
    if r is not None:
        return r
    t = type(x)
    k = _kind_cache.get(t)
    if k is None:
        k = _kind(t)
    call = cx.call
    if k == "py":
        r = call("Identity", x)
    elif k == "Integer":
        r = call("Identity", int(x))
    elif k == "Symbol" or k == "Dummy":
        r = _declare(cx, st, x)
    elif k in _DIRECT:
        # Integer operands go in as Python ints (``call`` takes them as constants, as
        # ``Identity(n)`` would be): no handle made or memoized for them.
        args = []
        for a in x.args:
            ka = _kind_cache.get(type(a))
            args.append(int(a) if ka == "Integer" else _conv_py(a, cx, st, m))
        r = call(_DIRECT[k], *args)
    elif k == "Pow":
        b, e = x.args
        if not e.is_Integer:
            raise UnsupportedError(f"Pow with the exponent {e} (only integer exponents)")
        base = _conv_py(b, cx, st, m)
        n = int(e)
        if n >= 0:
            r = call("Pow", base, n)
        else:
            den = call("Pow", base, -n)
            r = call("IntTrueDiv" if den.type == "int" else "FloatTrueDiv", 1, den)
    elif k == "Rational":
        r = call("IntTrueDiv", int(x.p), int(x.q))
    elif k == "Float":
        r = call("Identity", float(x))
    elif k == "BooleanTrue":
        r = call("Identity", True)
    elif k == "BooleanFalse":
        r = call("Identity", False)
    elif k in ("floor", "ceiling"):
        (a,) = x.args
        parts = _rational_parts(a)
        if parts is None and (a.is_Mul or a.is_Pow):
            num, den = _sp.fraction(a)
            if den != 1:
                ne, de = _conv_py(num, cx, st, m), _conv_py(den, cx, st, m)
                if ne.type == "int" and de.type == "int":
                    parts = ne, de
        if parts is None and a.is_Add and not float_sourced(a):
            # A sum of integers and exact quotients (``x/y + 1/2``, sympy's exact rationals):
            # over one denominator, ``(2*x + y)/(2*y)``, its floor is a floor division.
            num, den = _sp.fraction(_sp.together(a))
            if den != 1:
                ne, de = _conv_py(num, cx, st, m), _conv_py(den, cx, st, m)
                if ne.type == "int" and de.type == "int":
                    parts = ne, de
        if parts is not None:
            num, den = parts
            if not isinstance(num, Expr):
                num = _conv_py(num, cx, st, m)
            r = call("FloorDiv" if k == "floor" else "CeilDiv", num, den)
        else:
            inner = _conv_py(a, cx, st, m)
            if inner.type == "int":
                r = inner
            elif not float_sourced(a):
                # Exact rational arithmetic that is no quotient of integers here: converted,
                # it would be computed in doubles, whose rounding can move the floor
                # (``floor(x/y + 1/2)`` at x = 147, y = 98 is 2; ``x*(1/y) + 0.5`` in doubles
                # is just below 2).
                raise UnsupportedError(
                    f"{k} of a rational-valued expression that is no quotient of integers "
                    "(sympy computes it exactly; symshape would round in doubles)"
                )
            else:
                r = call("FloorToInt" if k == "floor" else "CeilToInt", inner)
    elif k in ("IntInfinity", "NegativeIntInfinity", "Infinity", "NegativeInfinity", "NaN"):
        raise UnsupportedError(f"{x} (no infinite or NaN values in symshape expressions)")
    else:
        raise UnsupportedError(f"unsupported sympy function '{type(x).__name__}'")
    m[x] = r
    return r


# ------------------------------------------------------------------ symshape -> sympy
def to_sympy(e: Expr, *, use_torch: bool = True, symbols=None, _exact=None, _longer=None,
             _floats=None, _given=None):
    """Builds the sympy expression of ``e`` (PyTorch's function classes when torch is importable
    and ``use_torch``). Symbols come back as the objects :func:`from_sympy` saw (else integer or
    real symbols); ``symbols`` ({name: sympy.Symbol}) overrides them. The forms are chosen to
    keep their meaning under Inductor's printers (module docstring); the non-negativity proofs
    use the context's facts at the time of the call.

    ``_longer`` (a list, internal): gets an entry for every ``Mod(FloorDiv(a, b), m)`` node
    emitted as ``PythonMod(FloorDiv(a, b), m)`` because ``ModularIndexing`` could not be proven
    safe: one operation more than symshape's own form (``Expr.size``) counts. A node that occurs
    more than once in the tree is built once (the memo) and listed once: a lower count, so a
    caller comparing sizes with it keeps symshape's answer a little more often.

    ``_floats`` (a list, internal): gets an entry for every float constant and float sum,
    product or negation built. symshape types an integer operand of a float operation as a
    float (``2*t`` with a real ``t`` is ``2.0*t`` here), so such a form is equal in value to
    the input's but not always the same sympy expression (``2.0*t`` is not ``2*t``).

    ``_given`` (a dict, internal): sympy objects to use for some nodes of ``e`` (the caller's
    own objects of which they are the conversion), built no other way and not listed in
    ``_floats``.
    """
    cx = e.context_
    st = _state(cx)
    syms = st.symbols
    if symbols:
        syms = {**syms, **symbols}
    F = torch_functions() if use_torch else None
    memo = dict(_given) if _given else {}
    if _longer is not None:
        memo[_LONGER] = _longer
    if _floats is not None:
        memo[_FLOATS] = _floats
    if _exact is not None:
        # FloorDiv(p, k) known to be exact: true division (used by try_solve).
        p, k = _exact
        fd = cx.call("FloorDiv", p, k)
        memo[fd] = _true_div(_back(p, cx, F, syms, memo), _back(k, cx, F, syms, memo))
    try:
        return _back(e, cx, F, syms, memo)
    except (ValueError, TypeError) as err:
        if isinstance(err, Error):
            raise
        # sympy's constructors refuse some forms symshape has (a ``Min`` with an operand
        # divided by the constant 0: "not comparable"): symshape's error, which the drop-in
        # answers by PyTorch's implementation, never a bare sympy exception.
        raise UnsupportedError(f"sympy cannot build {e}: {err}") from err


# The keys of ``to_sympy``'s ``_longer`` and ``_floats`` lists in its memo (never an ``Expr``).
_LONGER = object()
_FLOATS = object()


def _sym_of(name, ty, syms):
    s = syms.get(name)
    if s is None:
        # Not seen by from_sympy (``syms`` is then not extended: it may be the context's own).
        s = _sp.Symbol(name, integer=True) if ty == "int" else _sp.Symbol(name, real=True)
    return s


def _back(e, cx, F, syms, memo):
    r = memo.get(e)
    if r is not None:
        return r
    n = e.node()
    k = n[0]
    go = lambda a: _back(a, cx, F, syms, memo)  # noqa: E731
    if k == "Integer":
        r = _sp.Integer(n[1])
    elif k == "Float":
        r = _sp.Float(n[1])
    elif k == "Boolean":
        r = _sp.true if n[1] else _sp.false
    elif k == "Symbol":
        r = _sym_of(n[1], n[2], syms)
    elif k == "Add":
        if _FAST_TERMS:
            r = _add([_term(c, go(t)) for t, c in n[1]], _sp.Integer(n[2]) if n[2] else None)
        else:  # the operators' construction (the reference the fast one is tested against)
            r = _sp.Add(*[_sp.Integer(c) * go(t) for t, c in n[1]], _sp.Integer(n[2]))
    elif k == "Mul":
        r = _mul(None, [go(f) for f in n[1]])
    elif k == "Pow":
        r = _sp.Pow(go(n[1]), _sp.Integer(n[2]))
    elif k == "FloorDiv":
        a, b = go(n[1]), go(n[2])
        r = _unevaluated(F.FloorDiv, a, b) if F else _sp.floor(a / b, evaluate=False)
    elif k == "CeilDiv":
        # ceil(a/b) = -floor(-a/b) for every b != 0. Not torch's CeilDiv: its constructor
        # writes FloorDiv(a + b - 1, b), right only for b > 0; nor sympy's ceiling(a/b), which
        # Inductor's C++ printer writes as std::ceil of a C division. Without torch, sympy's
        # ceiling (from_sympy reads it back as CeilDiv).
        a, b = go(n[1]), go(n[2])
        r = -_unevaluated(F.FloorDiv, -a, b) if F else _sp.ceiling(a / b, evaluate=False)
    elif k == "Mod":
        r = _mod_back(n[1], n[2], cx, F, go, memo)
    elif k in ("Min", "Max"):
        args = [go(a) for a in n[1:]]
        cls = getattr(F, k) if F else getattr(_sp, k)
        r = cls(*args)
    elif k == "Abs":
        r = _sp.Abs(go(n[1]))
    elif k == "Where":
        c, a, b = go(n[1]), go(n[2]), go(n[3])
        r = F.Where(c, a, b) if F else _sp.Piecewise((a, c), (b, True))
    elif k in ("Eq", "Ne", "Lt", "Le"):
        r = getattr(_sp, k)(go(n[1]), go(n[2]))
    elif k in ("And", "Or"):
        r = getattr(_sp, k)(*[go(a) for a in n[1:]])
    elif k == "Not":
        r = _sp.Not(go(n[1]))
    elif k == "FAdd":
        r = _sp.Add(go(n[1]), go(n[2]))
    elif k == "FMul":
        r = _sp.Mul(go(n[1]), go(n[2]))
    elif k == "FNeg":
        r = -go(n[1])
    elif k in ("ToFloat", "IntTrueDiv", "FloatTrueDiv", "TruncToInt", "FloorToInt", "CeilToInt",
               "RoundToInt"):
        args = [go(a) for a in n[1:]]
        if k in ("IntTrueDiv", "FloatTrueDiv") and args[1].is_zero:
            # torch's constructors raise ZeroDivisionError; sympy's division gives zoo.
            raise UnsupportedError(f"{k} by zero has no sympy form")
        if F:
            r = getattr(F, k)(*args)
        elif k == "ToFloat":
            r = args[0]
        elif k in ("IntTrueDiv", "FloatTrueDiv"):
            r = args[0] / args[1]
        else:
            r = {"TruncToInt": lambda v: _sp.sign(v) * _sp.floor(_sp.Abs(v)), "FloorToInt": _sp.floor,
                 "CeilToInt": _sp.ceiling, "RoundToInt": lambda v: _sp.Function("round")(v)}[k](args[0])
    else:
        raise UnsupportedError(f"no sympy form for '{k}'")
    if k in ("Float", "FAdd", "FMul", "FNeg"):
        floats = memo.get(_FLOATS)
        if floats is not None:
            floats.append(e)
    memo[e] = r
    return r


_FAST_TERMS = True
"""Whether sums are built through :func:`_term` (the same objects as the operators give;
``False`` builds them with the operators, for the differential test)."""
_Integer = _sp.Integer
_Mul = _sp.Mul
_Expr = _sp.Expr
_PRIORITY = _sp.Integer._op_priority


def _term(c, t):
    """``Integer(c) * t``, the very object it gives, without the operator's dispatch: for an
    ``Expr`` ``t`` whose ``_op_priority`` does not exceed Integer's, ``Integer.__mul__`` of a
    non-number goes down to ``Expr.__mul__``, which is ``Mul(Integer(c), t)``; and ``Mul`` drops
    the factor 1 (``AssocOp.__new__`` filters the identity, one argument left is returned as
    is), so ``1 * t`` is ``t`` itself. Anything else takes the operator."""
    if isinstance(t, _Expr) and not t.is_Number and t._op_priority <= _PRIORITY:
        return t if c == 1 else _mul(_Integer(c), [t])
    return _Integer(c) * t


_FAST_ADD = True
"""Whether :func:`_add` builds a sum without sympy's ``Add`` where it is provably the object
``Add`` builds (``False``: always ``Add``, for the differential test)."""
_Add = _sp.Add
_Pow = _sp.Pow
_Symbol = _sp.Symbol
_Application = _sp.core.function.Application
_One = _sp.S.One
_addsort = _sp.core.add._addsort
_params = _sp.core.parameters.global_parameters
# What _sum_of_distinct and _product_of_distinct built, by their operands: ``(Add, const,
# *terms)`` or ``(Mul, coeff, *factors)`` -> the object. sympy's constructors keep their
# results in its cache by their arguments (equal arguments: the same object back), and the
# drop-in's callers see that: a question asked again is answered with the very object of the
# first answer (``test_fast_paths.ProductOfSumsPrinted``), which their memos by identity
# (``simplify``'s, ``simplify_with_ranges``'s) then find. The objects built here without the
# constructors are kept the same way, in this bounded table (emptied at ``BUILT_LIMIT``
# entries, as sympy's cache drops its oldest); an answer is the same with or without it.
_BUILT = {}
BUILT_LIMIT = 4096


def _add(terms, const):
    """``Add(*terms)`` (then ``const``, a nonzero Integer, or ``None``): the very structure
    sympy's evaluated constructor gives, built without its ``flatten`` where that is provably
    the same (:func:`_sum_of_distinct`), else by ``Add``."""
    if _FAST_ADD and terms and _params.evaluate:
        r = _sum_of_distinct(terms, const)
        if r is not None:
            return r
    return _Add(*terms, const) if const is not None else _Add(*terms)


def _sum_of_distinct(terms, const):
    """The sum of ``terms`` (and ``const``) as ``Add(*terms, const)`` builds it, where each term
    is a commutative product, power or function application (or symbol) as sympy's evaluated
    constructors build them, and no two of them have the same non-numeric part; else
    ``None``. About half of a first ``to_sympy`` of a sum is ``Add``'s ``flatten``, which for
    such terms only takes each term apart into its coefficient and the rest (a new product
    object for a product of several factors, which its dict then hashes), finds no two rests
    equal, and puts each back together into an object equal to the term (``Mul(c, rest)``, or
    ``rest._new_rawargs(c, *rest.args)``: the same operand objects); then it sorts them
    (``_addsort``), puts the number first and makes the sum (``_from_args``, commutative, and
    the constructor's postprocessors). Those last steps are done here as ``Add`` does them, on
    the terms themselves. A term it would take apart otherwise (a number, a sum, an
    unevaluated product with coefficient 1 or 0, a power of a number, anything not
    commutative or of another kind), or two equal rests (which ``Add`` merges), go to
    ``Add``. ``tests/test_fast_paths.py::FastAdd`` compares the two."""
    seen = set()
    for o in terms:
        t = type(o)
        if t is _Mul:
            args = o._args
            c = args[0]
            if c.is_Number:
                rest = args[1:]
                if c is _One or c.is_zero or len(rest) == 0:
                    return None
                if len(rest) == 1:
                    key = rest[0]
                    if key.is_Number or type(key) is _Mul or type(key) is _Pow:
                        return None
                else:
                    # A product object has the equality of its operand tuple.
                    key = (_Mul, rest)
            else:
                key = (_Mul, args)
        elif t is _Pow:
            if o._args[0].is_Number:
                return None
            key = o
        elif isinstance(o, _Symbol) or isinstance(o, _Application) and isinstance(o, _Expr):
            key = o
        else:
            return None
        if o.is_commutative is not True or key in seen:
            return None
        seen.add(key)
    return _assemble((_Add, const, *terms), _Add, list(terms), _addsort, const)


def _assemble(k, cls, seq, sort, lead):
    """The last steps of ``cls``'s evaluated constructor on operands already flattened and
    gathered: ``seq`` sorted by ``sort``, ``lead`` (a number, or ``None``) first, then
    ``_from_args`` and the postprocessors (one operand is itself); the object recorded under
    ``k`` in ``_BUILT``, which answers a repeated ``k`` with the same object."""
    r = _BUILT.get(k)
    if r is not None:
        return r
    sort(seq)
    if lead is not None:
        seq.insert(0, lead)
    r = seq[0] if len(seq) == 1 else cls._exec_constructor_postprocessors(cls._from_args(seq, True))
    return _keep(k, r)


def _keep(k, r):
    """Records ``r`` as built from the operands ``k`` (``_BUILT``) and returns it."""
    if len(_BUILT) >= BUILT_LIMIT:
        _BUILT.clear()
    _BUILT[k] = r
    return r


_FAST_MUL = True
"""Whether :func:`_mul` builds a product without sympy's ``Mul`` where it is provably the
object ``Mul`` builds (``False``: always ``Mul``, for the differential test)."""
_mulsort = _sp.core.mul._mulsort


def _mul(coeff, factors):
    """``Mul(coeff, *factors)`` (``coeff``: an Integer other than 0 and 1, or ``None`` for
    none): the very structure sympy's evaluated constructor gives, built without its
    ``flatten`` where that is provably the same (:func:`_product_of_distinct`), else by
    ``Mul``."""
    if _FAST_MUL and _params.evaluate:
        r = _product_of_distinct(coeff, factors)
        if r is not None:
            return r
    return _Mul(coeff, *factors) if coeff is not None else _Mul(*factors)


def _product_of_distinct(coeff, factors):
    """The product of ``factors`` (after the Integer ``coeff``, if any) as ``Mul`` builds it,
    where each factor is a commutative symbol, function application, or integer power of
    one, or a product of such factors without a number (as sympy's evaluated
    constructors build them), no two of them with the same base; else ``None``. For such
    factors ``Mul``'s ``flatten`` (most of a first ``to_sympy`` of a product) reads each as
    ``(base, exponent)`` (``as_base_exp``; a product's factors one by one), finds no two bases
    equal (``_gather``, which would add their exponents), puts each back (the factor itself,
    or ``Pow(base, exponent)``, which is the power it was), sorts them (``_mulsort``) and puts
    the coefficient first: those steps and the constructor's last ones (``_from_args``,
    commutative, its postprocessors) are done here as ``Mul`` does them, on the factors
    themselves. Numbers, sums, powers of numbers or of products, exponents that are not
    integers other than 0 and 1, a factor whose ``as_base_exp`` is not itself with
    exponent 1, anything not commutative or of another kind, and equal bases go to ``Mul``.
    ``tests/test_fast_paths.py::FastMul`` compares the two."""
    if coeff is None and len(factors) < 2 or coeff is not None and (coeff is _One or coeff.is_zero):
        # Mul of one operand is that operand; a coefficient 1 is dropped, 0 is the product.
        return None
    flat = []
    for f in factors:
        if type(f) is _Mul:
            if f._args[0].is_Number:
                return None
            flat.extend(f._args)
        else:
            flat.append(f)
    seen = set()
    for o in flat:
        t = type(o)
        if t is _Pow:
            b, e = o._args
            if not e.is_Integer or e is _One or e.is_zero or b.is_Number \
                    or not (isinstance(b, _Symbol) or isinstance(b, _Application)):
                return None
        elif isinstance(o, _Symbol) or isinstance(o, _Application) and isinstance(o, _Expr):
            b, e = o.as_base_exp()
            if b is not o or e is not _One:
                return None
        else:
            return None
        if o.is_commutative is not True or b in seen:
            return None
        seen.add(b)
    return _assemble((_Mul, coeff, *factors), _Mul, flat, _mulsort, coeff)


_FAST_DIV = True
"""Whether :func:`_true_div` builds ``p / k`` without the operator where that is provably the
object it builds (``False``: always the operator, for the differential test)."""
_keep_coeff = _sp.core.mul._keep_coeff
_NegativeOne = _sp.S.NegativeOne
_Expr_truediv = _sp.Expr.__truediv__


def _true_div(p, k):
    """``p / k``, the very structure the operator gives, for ``k`` an Integer above 1 and
    ``p`` a plain symbol or a commutative sum, built as sympy builds it without the
    operator's dispatch and ``Mul``'s cache and first steps. The operator (``Expr.__truediv__``,
    ``p``'s own, ``k`` not of a higher ``_op_priority``) is ``Mul(p, Pow(k, -1))``, with
    ``Pow(k, -1)`` the rational ``r = 1/k``. ``Mul``'s ``flatten`` of those two operands puts
    ``r`` first, takes ``p`` as ``1 * p`` (``as_coeff_Mul``), and then: for a sum (with
    sympy's ``distribute`` on) it is ``Add(*[_keep_coeff(r, t) for t in p.args])``, the one
    operand left, which ``Mul`` returns through its postprocessors; for a symbol it is the
    product ``Mul(r, p)`` (:func:`_mul`). ``_keep_coeff(r, t)`` of a plain symbol ``t`` is
    ``r * t``, which is ``Mul(r, t)`` (:func:`_mul` again); any other term goes to
    ``_keep_coeff`` itself (numbers and products are cheap there), and the sum of the terms to
    :func:`_add`. Anything else takes the operator. ``tests/test_fast_paths.py::FastDiv``
    compares the two."""
    if (_FAST_DIV and type(k) is _Integer and k.p > 1 and _params.evaluate
            and (type(p) is _Symbol or type(p) is _Add and _params.distribute)
            and type(p).__truediv__ is _Expr_truediv and k._op_priority <= p._op_priority
            and p.is_commutative is True):
        r = _Pow(k, _NegativeOne)
        if r.is_Rational and not r.is_Integer:
            if type(p) is _Symbol:
                return _mul(r, [p])
            terms = []
            const = None
            for t in p._args:
                if type(t) is _Symbol and t._op_priority <= r._op_priority:
                    terms.append(_mul(r, [t]))
                    continue
                v = _keep_coeff(r, t)
                if v.is_Number:
                    if const is not None or v.is_zero:
                        return p / k
                    const = v
                else:
                    terms.append(v)
            return _Mul._exec_constructor_postprocessors(_add(terms, const))
    return p / k


def _mod_back(a, m, cx, F, go, memo):
    """``Mod(a, m)`` (floor modulo) in a form whose printing by Inductor keeps the meaning."""
    if not F:
        return _sp.Mod(go(a), go(m), evaluate=False)
    an = a.node()
    # A divisor proven non-negative is positive wherever the expression is defined: where it is
    # 0, every form of the expression divides by zero (symshape's answers are defined wherever
    # its input is, so the caller's expression is undefined there too). C's `/` and `%` agree
    # with floor division and modulo for a non-negative dividend and a positive divisor.
    if cx.is_nonnegative(m):
        if an[0] == "FloorDiv" and cx.is_nonnegative(an[1]) and cx.is_nonnegative(an[2]):
            return _unevaluated(F.ModularIndexing, go(an[1]), go(an[2]), go(m))
        if cx.is_nonnegative(a):
            return _unevaluated(F.Mod, go(a), go(m))
    if an[0] == "FloorDiv":
        longer = memo.get(_LONGER)
        if longer is not None:
            longer.append(a)
    return _unevaluated(F.PythonMod, go(a), go(m))


_FAST_FN = True
"""Whether :func:`_unevaluated` builds torch's function objects without their constructor
where that is provably the object it builds (``False``: always the constructor, for the
differential test)."""
_Basic = _sp.Basic
_Basic_new = _sp.Basic.__new__
_Function = _sp.Function
_Application_cls = _sp.core.function.Application
# (class, number of operands) -> the ``nargs`` its unevaluated instances get, or ``None`` where
# the class is not built here (:func:`_fn_nargs`).
_FN_NARGS = {}


def _unevaluated(cls, *args):
    """``cls(*args, evaluate=False)`` for a sympy ``Function`` class (torch's ``FloorDiv``,
    ``ModularIndexing``, ``Mod``, ``PythonMod``), the same object. That constructor, without
    evaluation, looks its cache up (hashing the operands), then ``Application.__new__`` makes
    the node as ``Basic.__new__(cls, *args)`` does (its operands are sympy objects, which
    ``sympify`` returns as they are) and sets the instance's ``nargs`` to the class's as a
    ``FiniteSet``: most of a first ``to_sympy`` of an answer with a floor division (about 180k
    instructions each) goes to that ``FiniteSet`` (``ordered``, ``as_dummy``) and to the cache
    wrappers. Here the node is made by ``Basic.__new__`` and given the ``nargs`` object that a
    real construction gave once for the class (:func:`_fn_nargs`, which also checks that the
    class builds that way); the object is kept by its operands in ``_BUILT`` (equal operands:
    the same object back, as sympy's cache gives). ``tests/test_fast_paths.py::FastFunctions``
    compares the two."""
    if _FAST_FN:
        key = (cls, len(args))
        n = _FN_NARGS.get(key, _MISSING)
        if n is _MISSING:
            n = _FN_NARGS[key] = _fn_nargs(cls, len(args))
        if n is not None:
            for a in args:
                if not isinstance(a, _Basic):
                    break
            else:
                k = (cls, *args, *[type(a) for a in args])
                r = _BUILT.get(k)
                if r is None:
                    r = _Basic_new(cls, *args)
                    r.nargs = n
                    r = _keep(k, r)
                return r
    return cls(*args, evaluate=False)


_MISSING = object()


def _fn_nargs(cls, n):
    """The ``nargs`` of ``cls(*args, evaluate=False)`` with ``n`` operands, where that
    constructor is sympy's ``Function``'s (no ``__new__`` of its own in the class or between
    ``Application`` and ``Basic``) and builds, on sample symbols, an object of the class with
    those very operands, the class's default assumptions and no other instance attribute than
    ``nargs``: else ``None`` (always the constructor)."""
    try:
        if cls.__new__ is not _Function.__new__ or cls._new_.__func__ is not _Function._new_.__func__:
            return None
        mro = cls.__mro__
        i = mro.index(_Application_cls)
        for c in mro[:i] + mro[i + 1:]:
            if c is _Basic:
                break
            if "__new__" in c.__dict__ and c is not _Function:
                return None
        syms = tuple(_sp.Symbol(f"_symshape_probe{k}", integer=True) for k in range(n))
        r = cls(*syms, evaluate=False)
        if type(r) is not cls or len(r._args) != n or any(a is not b for a, b in zip(r._args, syms)):
            return None
        if r._assumptions is not cls.default_assumptions or set(vars(r)) != {"nargs"}:
            return None
        return r.nargs
    except Exception:  # noqa: BLE001 - any surprise: the constructor
        return None
