"""A drop-in for PyTorch's symbolic-integer calls, answered by symshape.

Functions with PyTorch's signatures and return types:

* :func:`bound_sympy` (``torch.utils._sympy.value_ranges.bound_sympy``) -> ``ValueRanges``;
* :func:`try_solve` (``torch.utils._sympy.solve.try_solve``) -> ``(relation, rhs) | None``;
* :func:`simplify` (``SizeVarAllocator.simplify``: the expression with replacements applied);
* :func:`simplify_with_ranges` (``SizeVarAllocator._simplify_with_ranges``).

:func:`install` routes PyTorch's own calls here (every module alias of ``bound_sympy`` and
``try_solve``, ``SizeVarAllocator.simplify`` and the function behind its ranges cache);
:func:`uninstall` restores them, :func:`installed` is the context manager, and :func:`stats`
reports calls, fallbacks and time per function. Whatever symshape cannot represent (``int_oo``
inside an expression, float symbols in a solve, unknown functions, boolean ranges, ...) is
answered by PyTorch's own implementation: a fallback, counted in the stats.

Where the answers differ from PyTorch's (on purpose; see ``crates/python/README.md``):

* bounds are often tighter (relational reasoning: ``s0 - Mod(s0, 8)`` is ``[0, oo]``, not
  ``[-5, oo]``), never looser in the corpus checks;
* ``try_solve`` answers inequalities over integer symbols in integer form
  (``5*a > b - 5`` gives ``a >= FloorDiv(b - 5, 5) + 1``, where PyTorch gives ``a > (b - 5)/5``;
  both hold exactly for integer ``a``); an equality that needs a divisibility condition
  (``Eq(2*s + 1, n)``) is answered with PyTorch's true division ``(n - 1)/2``, which is exact;
  anything that is not one relation (``Eq(FloorDiv(a, 3), c)`` gives two) is ``None``;
* the forms handed back keep their meaning under Inductor's printers (see ``symshape.sympy``).

Threads: the engine state is per thread (one context per thread), so calls from several threads
never share a context.
"""
import contextlib
import math
import operator
import sys
import threading
import time
from fractions import Fraction

from . import _need_sympy

_sp = _need_sympy(__name__)

from . import _native
from .sympy import (
    HASHER,
    NATIVE_HASH,
    _DIRECT,
    SymbolConflict,
    _kind,
    _state,
    converter,
    float_sourced,
    to_sympy,
)

__all__ = [
    "bound_sympy",
    "try_solve",
    "simplify",
    "simplify_with_ranges",
    "install",
    "uninstall",
    "installed",
    "is_installed",
    "stats",
    "reset_stats",
]

_ERRORS = (_native.Error, TypeError, ZeroDivisionError, RecursionError, OverflowError)

# sympy's hash of a new tree stored on its nodes natively (``symshape.sympy.HASHER``) before
# the first lookup by value of a question (an answer cache, the axioms' memo) hashes it with
# sympy's ``__hash__``, a Python method per node; the same values. ``None`` where the native
# hash did not agree with sympy's at import (or to compare without it).
_prehash = HASHER.prehash if NATIVE_HASH else None


_torch_mods = None


def _torch():
    global _torch_mods
    if _torch_mods is not None:
        return _torch_mods
    import torch  # noqa: PLC0415
    from torch.utils._sympy import numbers as N  # noqa: PLC0415
    from torch.utils._sympy import solve as S  # noqa: PLC0415
    from torch.utils._sympy import value_ranges as VR  # noqa: PLC0415

    _torch_mods = (torch, N, S, VR)
    return _torch_mods


# The routed functions, each with its counters in every engine (stats()).
_FNS = (
    "bound_sympy",
    "try_solve",
    "simplify",
    "simplify_with_ranges",
    "SizeVarAllocator.simplify",
    "SizeVarAllocator._simplify_with_ranges",
)


class _Engine:
    """One context per thread with its conversion memo; renewed when it grows past a limit, so
    memory stays bounded over any number of calls."""

    NODE_LIMIT = 300_000
    MEMO_LIMIT = 30_000
    CHECK_EVERY = 16

    def __init__(self):
        # This thread's counters for stats(): {function: [calls, fallbacks, seconds]}, written
        # by this thread only (no lock per call); kept when the context is renewed. One list
        # per routed function, made here and zeroed in place by reset_stats(), so that a call
        # updates it through an attribute (no lookup by name).
        self.counts = {fn: [0, 0, 0.0] for fn in _FNS}
        self.c_bound, self.c_solve, self.c_simplify, self.c_ranges, self.c_sv_simplify, \
            self.c_sv_ranges = (self.counts[fn] for fn in _FNS)
        # simplify's answers by the identity of the question's object, read natively by
        # ``simplify`` (_native.FastSimplify) before any Python runs: this thread's memo (one
        # per thread, in the interpreter's thread state, shared by every engine the thread
        # makes), which counts the calls it answers itself (stats() adds them). Emptied with
        # the other memos by new().
        self.fast = _native.thread_memo()
        with _stats_lock:
            _thread_counts.append(self.counts)
            h = self.fast.counter_once()
            if h is not None:
                _thread_fast.append(h)
        self.new()

    def new(self):
        self.cx = _native.Context()
        self.st = _state(self.cx)
        self.fast.clear()
        # The entries simplify adds natively (a first question on an expanded polynomial,
        # without a call of check()) stop at the bound of the other memos; past it the Python
        # path answers, and its check() renews them.
        self.fast.set_limit(self.MEMO_LIMIT)
        self.memo = {}
        self.conv = converter(self.cx, self.st, self.memo)
        # Answers by their complete inputs (the expression and the ranges or replacements of
        # its free symbols): the functions are pure, so a repeated question is a lookup, as
        # PyTorch's own caches do for simplify_with_ranges.
        self.answers = {}
        # simplify without replacements: the answer by the expression alone (no key tuple).
        self.simp = {}
        # id(sympy expression) -> (the expression, its symbols when it is an expanded
        # polynomial, else None): _cached_simplify's plain-polynomial test by identity.
        self.plain_ids = {}
        # sympy expression -> its free symbols (sympy objects), for the cache keys.
        self.free = {}
        # symshape expression -> the names of its free symbols.
        self.names = {}
        # symshape expression -> ((name, sympy symbol), ...) of its free symbols.
        self.fsyms = {}
        # symshape expression -> ((name, lo, hi), ...): the ranges its free symbols get from
        # their sympy assumptions (those with an end only; _assumption_facts, the reference of
        # _set_assumption_ranges's test).
        self.afacts = {}
        # symbol name -> (lo, hi) from its sympy assumptions.
        self.arng = {}
        # (symbol name, id(ValueRanges)) -> (the ValueRanges, lo, hi): the range a symbol gets
        # from a var_to_range entry. Keyed by identity (the shape env hands the same immutable
        # objects again; the entry keeps its object alive, so the id cannot be reused while
        # the entry exists, and ``is`` is checked); and (symbol name, id(lower), id(upper)) ->
        # (lower, upper, lo, hi): the same range by the identity of the two ends, for a new
        # ValueRanges around the same end objects (the range is a function of the ends alone).
        self.vr_ends = {}
        # symbol name -> [sympy symbol, ValueRanges or None, (symbol Expr, lo, hi) or None when
        # no end is set, symbol Expr]: the range the name got last time, reused when
        # var_to_range gives the same object again (or None again: the assumptions' range).
        # The symbol is the bridge's (self.st.symbols), updated when that changed.
        self.rlast = {}
        # [var_to_range, its length, {name: its key symbol}]: _native._symbol_keys's memo of
        # the last var_to_range dict simplify_with_ranges got (kept alive here: one dict).
        self.vtr_keys = []
        # sympy axiom -> (its symshape predicate or None when it is not one, names).
        self.axioms = {}
        # id(axiom) -> (axiom, predicate or None, names): the same by identity (no sympy
        # hash or structural ==); the entry keeps the axiom alive.
        self.ax_ids = {}
        # _shallow_key(axiom) -> (axiom, info): the same for an axiom object not seen before
        # whose operands are objects seen before (_shallow_key).
        self.ax_shallow = {}
        # (id(index var), id(size)) -> (var, size, name, size as Expr, (var as Expr, 0,
        # size - 1), names of the size, var as Expr): an index variable of var_ranges and its
        # range by identity (the entry keeps both alive).
        self.idx_ids = {}
        # (id(expression), id(var_ranges)) -> the facts of simplify_with_ranges's last question
        # on them, with the objects they came from, and its answer (_ranges_engine).
        self.rcalls = {}
        # (answer Expr, simplified Expr, id(facts), id(caller's expression)) -> (facts, the
        # caller's expression, the sympy answer): _final's choice (the entry keeps the objects
        # whose ids it holds alive).
        self.finals = {}
        # symshape expression -> its expansion through the top sums, products and powers
        # (Context.expand(deep=False); None when refused): _expand_top.
        self.flat = {}
        # (relation class, each side's evaluation key, ...) -> what sympy's evaluation of such
        # a relation gave: _new_rel.
        self.rel_evals = {}
        # (ValueRanges class, lower, upper) -> the boolean ValueRanges its constructor built
        # (_bool_value_ranges).
        self.bool_vr = {}
        # ValueRanges class -> whether an instance built field by field is the one its
        # constructor builds, checked once on samples (_int_value_ranges).
        self.fast_vr = {}
        # The polynomial context (_poly_expand), made when first needed: (context, converter).
        self.poly = None
        self.poly_memo = {}
        # Every memo above, for check() (derived, so that a new memo cannot be left unbounded).
        self.memos = tuple(v for k, v in vars(self).items()
                           if type(v) is dict and k != "counts" or k == "fast")
        self.tick = 0

    def check(self):
        # Every CHECK_EVERY calls (a call adds at most a few entries per memo, so the bound
        # moves by that much; the sizes of all the memos cost more than a small call's work).
        self.tick -= 1
        if self.tick > 0:
            return
        self.tick = self.CHECK_EVERY
        limit = self.MEMO_LIMIT
        if (self.cx.node_count > self.NODE_LIMIT
                or (self.poly is not None and self.poly[0].node_count > self.NODE_LIMIT)
                or any(len(m) > limit for m in self.memos)):
            self.new()

    def poly_context(self):
        """The context and converter of :func:`_poly_expand` (every symbol an integer)."""
        if self.poly is None:
            pcx = _native.Context()
            pst = _state(pcx)
            pst.untyped = True
            self.poly = (pcx, converter(pcx, pst, self.poly_memo))
        return self.poly


_MISS = object()
_Number = _sp.Number
_Basic = _sp.Basic
CACHE_ANSWERS = True
"""Whether repeated questions are answered from the per-thread answer cache (bounded)."""


def _free_of(eng, expr):
    """The sympy symbols of ``expr`` that its symshape form has, sorted by name (memoized):
    the symbols an answer computed from that form can depend on, so the symbols whose
    ranges or replacements key a cached answer. Read from the converted expression (sympy's
    ``free_symbols`` builds a set per node: the largest cost of a first ``bound_sympy``);
    raises what the conversion raises. Called by its callers after their own lookup of
    ``eng.free`` missed (so not looked up again here)."""
    e = _run(eng, _conv_expr, expr)
    # The bridge's symbols as they are now (var_to_range's key objects once
    # simplify_with_ranges took them: _symbol_facts), not those _free_syms's memo recorded.
    syms = eng.st.symbols
    f = eng.free[expr] = tuple(syms[n] for n, _ in sorted(_free_syms(eng, e)))
    return f


def _run(eng, fn, *args):
    """``fn(eng, *args)``; a symbol seen with other assumptions than before renews the
    engine's context once (names are only unique per context)."""
    eng.check()
    try:
        return fn(eng, *args)
    except SymbolConflict:
        eng.new()
        return fn(eng, *args)


_local = threading.local()


def _engine():
    e = getattr(_local, "engine", None)
    if e is None:
        e = _local.engine = _Engine()
    return e


def _conv_expr(eng, x):
    return eng.conv.convert(x)


_INF_NAMES = ("IntInfinity", "NegativeIntInfinity", "Infinity", "NegativeInfinity")


def _end(v, is_int, upper=False):
    """A ValueRanges end as a symshape range end (None for infinite); a value that is not a
    double (a Rational, a sympy Float of more than 53 bits) is rounded outwards."""
    if isinstance(v, (bool, _sp.logic.boolalg.BooleanAtom)):
        raise _native.UnsupportedError("boolean range")
    k = _kind(type(v))
    if k in _INF_NAMES:
        return None
    if k == "Integer" or k == "py" and isinstance(v, int):
        n = int(v)
        if not is_int and not -(2**53) <= n <= 2**53:
            # An end of a float symbol that is not a double.
            return _outward(float(n), _sp.Integer(n), upper)
        return n
    if k in ("Float", "Rational"):
        if is_int:
            # A non-integer end of an integer symbol: round inwards later; keep it sound by
            # widening to the integer hull.
            raise _native.UnsupportedError("non-integer end of an integer range")
        f = float(v)
        if math.isinf(f):
            # Beyond the doubles: unbounded on the outer side; an inner end there is PyTorch's.
            if (f > 0) == upper:
                return None
            raise _native.UnsupportedError(f"range end {v} beyond the doubles")
        if k == "Rational" or v._prec > 53:
            f = _outward(f, _sp.Rational(v), upper)
        return f
    if isinstance(v, float):
        return None if v in (float("inf"), float("-inf")) else v
    raise _native.UnsupportedError(f"range end {v!r}")


def _outward(f, exact, upper):
    """``f``, the double nearest to the sympy Rational ``exact``, moved one step outwards when
    it is on the inner side of ``exact`` (so that the range keeps every value)."""
    q = Fraction(int(exact.p), int(exact.q))
    d = Fraction(f)
    if upper and d < q:
        return math.nextafter(f, math.inf)
    if not upper and d > q:
        return math.nextafter(f, -math.inf)
    return f


def _default_range(s):
    """PyTorch's defaults from a symbol's assumptions (value_ranges._default_symbol_range)."""
    if s.is_integer:
        if s.is_positive:
            return 1, None
        if s.is_nonnegative:
            return 0, None
        return None, None
    return None, None


def _assumption_range(s):
    if s.is_integer:
        if s.is_positive:
            return 1, None
        if s.is_nonnegative:
            return 0, None
        if s.is_negative:
            return None, -1
        if s.is_nonpositive:
            return None, 0
    return None, None


def _free_syms(eng, e):
    """``((name, sympy symbol), ...)`` of the free symbols of the symshape expression ``e``
    (memoized per engine), in the order of ``e.free_symbols``: ``_free_syms_py`` natively
    (``Converter.free_syms``; a test compares them). The symbols are the bridge's when the
    memo's entry was made: it may hold an equal object since (``_symbol_facts``), which is the
    one to look up in the caller's dicts."""
    f = eng.fsyms.get(e)
    if f is None:
        f = eng.fsyms[e] = eng.conv.free_syms(e)
    return f


def _free_syms_py(eng, e):
    """``_free_syms`` in Python, without the memo (the reference of its test)."""
    syms = eng.st.symbols
    return tuple((x.name, syms[x.name]) for x in e.free_symbols)


def _arange(eng, name, s):
    """``_assumption_range`` of the symbol ``s`` called ``name`` (memoized per engine: a name
    stands for one sympy symbol per context)."""
    r = eng.arng.get(name)
    if r is None:
        r = eng.arng[name] = _assumption_range(s)
    return r


def _assumption_facts(eng, e):
    """``((name, lo, hi), ...)``: the ranges the free symbols of ``e`` get from their sympy
    assumptions, those with an end only (memoized per engine)."""
    f = eng.afacts.get(e)
    if f is None:
        out = []
        for name, s in _free_syms(eng, e):
            lo, hi = _arange(eng, name, s)
            if lo is not None or hi is not None:
                out.append((name, lo, hi))
        f = eng.afacts[e] = tuple(out)
    return f


def _set_assumption_ranges(eng, e):
    """Clears the context's facts, then sets the ranges the free symbols of ``e`` get from
    their sympy assumptions (natively: ``Converter.set_assumption_ranges``, which a test
    compares with ``_set_assumption_ranges_py``)."""
    eng.conv.set_assumption_ranges(e, eng.arng, _assumption_range)


def _set_assumption_ranges_py(eng, e):
    """``_set_assumption_ranges`` in Python (the reference of its test)."""
    cx = eng.cx
    cx.clear_facts()
    for name, lo, hi in _assumption_facts(eng, e):
        cx.set_range(name, lo, hi)


def _set_ranges(eng, e, ranges, fallback_ranges=None):
    """Sets the range of every free symbol of ``e``: from ``ranges`` ({sympy.Symbol:
    ValueRanges}), else ``fallback_ranges``, else the symbol's assumptions (natively:
    ``Converter.set_ranges``, which a test compares with ``_set_ranges_py``)."""
    eng.conv.set_ranges(e, ranges, fallback_ranges, eng.st.symbols, _end, _default_range)


def _set_ranges_py(eng, e, ranges, fallback_ranges=None):
    """``_set_ranges`` in Python (the reference of its test)."""
    cx = eng.cx
    syms = eng.st.symbols
    for fs in e.free_symbols:
        name = fs.name
        s = syms[name]
        vr = None
        if ranges:
            vr = ranges.get(s)
        if vr is None and fallback_ranges:
            vr = fallback_ranges.get(s)
        if vr is None:
            lo, hi = _default_range(s)
        else:
            is_int = fs.type == "int"
            lo, hi = _end(vr.lower, is_int), _end(vr.upper, is_int, True)
        if lo is not None or hi is not None:
            cx.set_range(name, lo, hi)


# ------------------------------------------------------------------ stats and fallbacks
# Counters are per thread (each engine's ``counts``, written by its thread only, so a call
# takes no lock); the lock guards the list of them, which stats() sums.
_stats_lock = threading.Lock()
_thread_counts = []
# The counters of each thread's IdMemo: the simplify calls answered natively. They stay
# after the thread ends, as ``counts`` do; the memo itself goes with the thread.
_thread_fast = []
_perf = time.perf_counter


def stats():
    """Per routed function: ``{"calls", "fallbacks", "time_s"}`` (time includes fallbacks),
    summed over threads. A call that another thread is recording meanwhile may be missed."""
    out = {}
    with _stats_lock:
        rows = [(fn, *c) for counts in _thread_counts for fn, c in list(counts.items())]
        # The simplify calls answered natively (no fallback among them).
        rows += [("simplify", calls, 0, t) for calls, t in (h.stats() for h in _thread_fast)]
        for fn, calls, fbs, t in rows:
            if not calls:
                continue
            s = out.get(fn)
            if s is None:
                s = out[fn] = {"calls": 0, "fallbacks": 0, "time_s": 0.0}
            s["calls"] += calls
            s["fallbacks"] += fbs
            s["time_s"] += t
    return out


def reset_stats():
    """Sets every counter of :func:`stats` back to zero."""
    with _stats_lock:
        for counts in _thread_counts:
            for c in counts.values():
                c[0] = c[1] = 0
                c[2] = 0.0
        for h in _thread_fast:
            h.reset_stats()


_originals = {}


_own = {}


def _original(name):
    """PyTorch's own implementation (also while installed)."""
    f = _originals.get(name)
    if f is not None:
        return f
    f = _own.get(name)
    if f is not None:
        return f
    # Not installed: the module attributes are PyTorch's own (resolved once; the import of
    # torch._inductor, needed only for the SizeVarAllocator methods, is not paid per call).
    torch, N, S, VR = _torch()
    if name == "bound_sympy":
        f = VR.bound_sympy
    elif name == "try_solve":
        f = S.try_solve
    else:
        from torch._inductor.sizevars import SizeVarAllocator  # noqa: PLC0415

        f = getattr(SizeVarAllocator, name)
    _own[name] = f
    return f


# ------------------------------------------------------------------ bound_sympy
_try_get_tracing = None


def _tracing_ranges():
    """The ranges of the current tracing context's shape env, or None."""
    global _try_get_tracing
    get = _try_get_tracing
    try:
        if get is None:
            import torch._guards  # noqa: PLC0415

            get = _try_get_tracing = torch._guards.TracingContext.try_get
        context = get()
    except Exception:  # noqa: BLE001
        return None
    if context and context.fake_mode and context.fake_mode.shape_env:
        return context.fake_mode.shape_env.var_to_range
    return None


def _bound_engine(eng, expr, ranges, tracing):
    torch, N, S, VR = _torch()
    cx = eng.cx
    e = eng.conv.convert(expr)  # _conv_expr written out
    cx.clear_facts()
    _set_ranges(eng, e, ranges, tracing)
    t = e.type
    if (t == "float" or (t == "bool" and e._compares_floats())) and not float_sourced(expr):
        # sympy's exact rationals (``x/y`` of integers), converted to doubles: a rounding
        # could move a bound or a comparison off sympy's exact value. PyTorch answers.
        raise _native.UnsupportedError("a bound of exact rationals (computed in doubles)")
    lo, hi = cx.bound(e)
    if t == "int" and (lo in _I64_EDGE or hi in _I64_EDGE):
        # A bound at the edge of int64 may stand for a value beyond it (PyTorch's integers are
        # unbounded): PyTorch's own analysis answers.
        raise _native.UnsupportedError("bound at the int64 edge")
    if t == "int":
        return _int_value_ranges(eng, VR.ValueRanges, N, lo, hi)
    if t == "bool":
        return _bool_value_ranges(eng, VR.ValueRanges, bool(lo), bool(hi))
    return VR.ValueRanges(
        -_sp.oo if lo is None else _sp.Float(lo), _sp.oo if hi is None else _sp.Float(hi)
    )


_I64_EDGE = (2**63 - 1, -(2**63))
_VR_FIELDS = {"lower": None, "upper": None, "is_bool": False, "is_int": True, "is_float": False}


def _bool_value_ranges(eng, cls, lo, hi):
    """``cls(lo, hi)`` for the booleans ``lo <= hi``: one of three values, built once by the
    constructor (PyTorch's ``ValueRanges`` is a frozen dataclass: equal instances are
    interchangeable). The constructor's checks cost several microseconds, and about half of
    PyTorch's ``bound_sympy`` questions are relations."""
    k = (cls, lo, hi)
    r = eng.bool_vr.get(k)
    if r is None:
        r = eng.bool_vr[k] = cls(_sp.true if lo else _sp.false, _sp.true if hi else _sp.false)
    return r


def _int_value_ranges(eng, cls, N, lo, hi):
    """PyTorch's ``ValueRanges(lower, upper)`` of an integer bound (``None``: infinite), its
    fields set directly: the constructor's checks compare the ends with ``sympy.oo`` and each
    other through sympy, tens of microseconds on integers never compared before (a third of
    a first ``bound_sympy`` call). Used only where, for this class, field-by-field instances
    equal the constructor's (same fields, values, equality and hash on samples); an empty
    range goes to the constructor (which raises, as PyTorch does)."""
    lower = -N.int_oo if lo is None else _sp.Integer(lo)
    upper = N.int_oo if hi is None else _sp.Integer(hi)
    ok = eng.fast_vr.get(cls)
    if ok is None:
        ok = eng.fast_vr[cls] = _check_fast_vr(cls, N)
    if not ok or (lo is not None and hi is not None and lo > hi):
        return cls(lower, upper)
    return _vr_fields(cls, lower, upper)


def _vr_fields(cls, lower, upper):
    r = object.__new__(cls)
    put = object.__setattr__
    put(r, "lower", lower)
    put(r, "upper", upper)
    put(r, "is_bool", False)
    put(r, "is_int", True)
    put(r, "is_float", False)
    return r


def _check_fast_vr(cls, N):
    import dataclasses  # noqa: PLC0415

    try:
        if [f.name for f in dataclasses.fields(cls)] != list(_VR_FIELDS):
            return False
        for lower, upper in ((_sp.Integer(0), _sp.Integer(1)), (-N.int_oo, _sp.Integer(-5)),
                             (_sp.Integer(7), N.int_oo), (-N.int_oo, N.int_oo),
                             (_sp.Integer(3), _sp.Integer(3))):
            slow, fast = cls(lower, upper), _vr_fields(cls, lower, upper)
            if vars(slow) != vars(fast) or slow != fast or hash(slow) != hash(fast):
                return False
        return True
    except Exception:  # noqa: BLE001 - any surprise: the constructor
        return False


def bound_sympy(expr, ranges=None):
    """PyTorch's ``bound_sympy``: a sound ``ValueRanges`` of ``expr`` given ``ranges``
    ({Symbol: ValueRanges}; the tracing context's ranges and the symbols' assumptions fill in
    the rest), computed by symshape (PyTorch's own answer where symshape cannot represent the
    input)."""
    t0 = _perf()
    try:
        eng = _local.engine
    except AttributeError:
        eng = _engine()
    fb = False
    try:
        if isinstance(expr, _Number):
            _, _, _, VR = _torch()
            r = VR.ValueRanges.wrap(expr)
        else:
            tr = _tracing_ranges()
            if CACHE_ANSWERS:
                # The key: the range each free symbol gets (the caller's, else the tracing
                # context's; the assumptions are part of the expression), by identity: the
                # entry keeps the range objects (ValueRanges are immutable) and is used only
                # for the very same ones, without hashing them (a frozen dataclass hashes its
                # fields through sympy at every call); an equal new object is computed again.
                if _prehash is not None:
                    _prehash(expr)
                free = eng.free.get(expr)
                if free is None:
                    free = _free_of(eng, expr)
                rget = ranges.get if ranges else None
                tget = tr.get if tr else None
                if rget is None and tget is None:
                    vals = ()
                elif tget is None:
                    vals = tuple(map(rget, free))
                else:
                    vals = []
                    for x in free:
                        v = rget(x) if rget is not None else None
                        vals.append(tget(x) if v is None else v)
                    vals = tuple(vals)
                key = ("b", expr, *map(id, vals))
                ent = eng.answers.get(key)
                if ent is not None and all(map(_is, ent[0], vals)):
                    r = ent[1]
                else:
                    r = _run(eng, _bound_engine, expr, ranges, tr)
                    eng.answers[key] = (vals, r)
            else:
                r = _run(eng, _bound_engine, expr, ranges, tr)
    except _ERRORS:
        fb = True
        r = _original("bound_sympy")(expr, ranges)
    c = eng.c_bound
    c[0] += 1
    if fb:
        c[1] += 1
    c[2] += _perf() - t0
    return r


# ------------------------------------------------------------------ try_solve
_REL_CLS = {"==": _sp.Eq, "!=": _sp.Ne, "<": _sp.Lt, "<=": _sp.Le, ">": _sp.Gt, ">=": _sp.Ge}


def _solve_engine(eng, expr, thing):
    cx = eng.cx
    if not isinstance(expr, _sp.Rel) or _kind(type(expr)) not in _DIRECT:
        return True, None  # not a relation
    if not isinstance(thing, _sp.Symbol) or not thing.is_integer:
        raise _native.UnsupportedError("only integer symbols are solved by symshape")
    conv = eng.conv.convert  # _conv_expr written out
    e = conv(expr)
    x = conv(thing)
    n = e.node()
    if n[0] in ("Eq", "Ne", "Lt", "Le") and n[1].type != "int":
        raise _native.UnsupportedError("a relation between non-integers")
    _set_assumption_ranges(eng, e)
    sol = cx.solve(e, x)
    if sol is not None and not (sol.cases or sol.relations or sol.conditions):
        # Every value of ``thing`` in its range satisfies the relation (where it is defined):
        # the range's end is the exact answer there (``s77*A >= 1`` with ``A >= 1`` for
        # ``s77 >= 1``: ``s77 >= 1``), in the form PyTorch gives a one-sided answer.
        lo, hi = cx.bound(x)
        if lo is not None:
            r = _sp.Integer(lo)
            return True, (_sp.Ge(thing, r, evaluate=False), r)
        if hi is not None:
            r = _sp.Integer(hi)
            return True, (_sp.Le(thing, r, evaluate=False), r)
        return True, None
    if sol is None or sol.cases or len(sol.relations) != 1:
        # Not solved, or not one relation: None, a sound "cannot solve" (PyTorch answers only
        # what symshape cannot represent).
        return True, None
    op, rhs = sol.relations[0]
    if sol.conditions:
        rhs_s = _exact_quotient(cx, op, rhs, sol.conditions)
        if rhs_s is None:
            return True, None
    else:
        floats = []
        rhs_s = to_sympy(rhs, _floats=floats)
        if floats:  # as in _answer: PyTorch's form
            raise _native.UnsupportedError("a float-typed solution (PyTorch's form is kept)")
    return True, (_REL_CLS[op](thing, rhs_s, evaluate=False), rhs_s)


def _exact_quotient(cx, op, rhs, conds):
    """``x == q + FloorDiv(p, k)`` under ``Eq(Mod(p, k), 0)`` is ``x == q + p/k`` (true
    division): for integer ``x`` and ``q`` both sides hold together whether or not ``k``
    divides ``p`` (``p/k`` is not an integer when it does not). Only for ``==``, one condition,
    a positive ``k``, and ``FloorDiv(p, k)`` occurring once with coefficient 1 or -1."""
    if op != "==" or len(conds) != 1:
        return None
    c = conds[0].node()
    if c[0] != "Eq":
        return None
    m = c[1].node()
    if m[0] != "Mod" or c[2] != 0:
        return None
    k = m[2]
    if not cx.is_positive(k):
        return None
    # The quotient FloorDiv(p, k) of the answer with Mod(p, k) the condition's Mod.
    n = rhs.node()
    terms = [(rhs, 1)] if n[0] == "FloorDiv" else (n[1] if n[0] == "Add" else [])
    hits = []
    for t, coef in terms:
        tn = t.node()
        if tn[0] == "FloorDiv" and tn[2] == k and cx.prove(cx.call("Mod", tn[1], k).eq(c[1])):
            hits.append((t, coef))
    if len(hits) != 1 or hits[0][1] not in (1, -1):
        return None
    fd = hits[0][0]
    if any(_contains(t, fd) for t, _ in terms if t != fd):
        return None
    floats = []
    out = to_sympy(rhs, _exact=(fd.node()[1], k), _floats=floats)
    if floats:  # as in _answer: PyTorch's form
        raise _native.UnsupportedError("a float-typed solution (PyTorch's form is kept)")
    return out


def _contains(e, sub):
    stack = [e]
    while stack:
        x = stack.pop()
        if x == sub:
            return True
        n = x.node()
        if n[0] == "Add":
            stack.extend(t for t, _ in n[1])
        elif n[0] == "Mul":
            stack.extend(n[1])
        else:
            stack.extend(a for a in n[1:] if isinstance(a, _native.Expr))
    return False


_REL_MIRROR = {_sp.Eq: _sp.Eq, _sp.Ne: _sp.Ne, _sp.Ge: _sp.Le, _sp.Gt: _sp.Lt, _sp.Le: _sp.Ge,
               _sp.Lt: _sp.Gt}
_Symbol = _sp.Symbol
_native_has_symbol = _native._has_symbol
_native_has_symbol_sides = _native._has_symbol_sides
_native_has_type = _native._has_type
_native_has_key_symbol = _native._has_key_symbol
# sympy's ``Basic.args`` property: the nodes of a class whose ``args`` it is are read from
# their slot ``_args`` natively (the same tuple, without running the property).
_BASIC_ARGS = _sp.Basic.args
_BooleanAtom = _sp.logic.boolalg.BooleanAtom
_sp_params = _sp.core.parameters.global_parameters
_KEEP = object()
REL_EVALS_LIMIT = 4096


def _eval_key(x):
    """What sympy's evaluation of a relation reads of ``x``, when ``x`` is a plain symbol (its
    assumptions) or a number (its value): else None."""
    t = type(x)
    if t is _Symbol:
        return t, x._assumptions0
    if isinstance(x, _Number):
        return t, x._hashable_content()
    return None


def _has_symbol_py(e, s):
    """``e.has(s)`` for a plain symbol ``s`` (``type(s) is Symbol``), without sympy's hashing
    of every node and its cache: sympy's ``has`` is true when a node of ``e`` (``iterargs``)
    is in ``{s}``; a node that is not a symbol (Symbol has Basic's ``__eq__``: another type is
    never equal) is not, so only the symbols are looked up in that set, the same lookup."""
    ps = {s}
    stack = [e]
    pop = stack.pop
    push = stack.extend
    try:
        while stack:
            n = pop()
            if isinstance(n, _Symbol):
                if n in ps:
                    return True
            else:
                push(n.args)
    except AttributeError:  # a node that is not a sympy object: sympy's
        return e.has(s)
    return False


def _has_symbol(e, s):
    """``_has_symbol_py`` natively (``_native._has_symbol``; a test compares them)."""
    r = _native_has_symbol(e, s, _Symbol, _BASIC_ARGS)
    return e.has(s) if r is None else r


_SAME_MINUS_ZERO = frozenset((_Symbol, _sp.Integer, type(_sp.S.Zero), type(_sp.S.One),
                               type(_sp.S.NegativeOne)))


_Expr = _sp.Expr
_Expr_sub = _Expr.__sub__
_ZERO_PRIORITY = _sp.S.Zero._op_priority


def _minus_zero(x):
    """``x - 0``: ``x`` itself for a plain symbol (sympy's ``Add(x, 0)`` is ``x``) or an integer
    (``Integer(p - 0)``, equal, of the same class); for any other ``Expr`` whose subtraction is
    ``Expr.__sub__`` (not a number: those have their own) and whose ``_op_priority`` is not below
    zero's (so the operator does not hand the operation to ``0``): that method sympifies ``0`` to
    ``S.Zero`` and builds ``Add(x, -S.Zero)``, whose constructor drops ``S.Zero`` (the
    identity, ``is``) and returns the one operand left, ``x`` (or, from sympy's cache, an equal
    object built by an earlier ``Add(x', 0)``: equal either way). sympy's subtraction
    otherwise (a float becomes another object, ``0.0 - 0`` is ``0``) and under
    ``evaluate(False)``."""
    if _sp_params.evaluate:
        t = type(x)
        if t in _SAME_MINUS_ZERO or (isinstance(x, _Expr) and t.__sub__ is _Expr_sub
                                     and not x.is_Number and x._op_priority >= _ZERO_PRIORITY):
            return x
    return x - 0


def _new_rel(memo, cls, lhs, rhs):
    """``cls(lhs, rhs)``, sympy's evaluated relation, the same object. Where each side is a
    plain symbol or a number, sympy's evaluation (``is_eq``, ``is_ge``, ...: a relation left
    as it is, or ``true``/``false``) is a function of the class, each side's type with its
    assumptions (a symbol) or value (a number), and the order of two symbols' names (the order
    of the terms of their difference): the costly part of a first ``try_solve`` on new symbols
    (sympy's assumption queries). It is asked of sympy once per such key (``memo``, the
    engine's ``rel_evals``, at most ``REL_EVALS_LIMIT`` entries) and the answer rebuilt:
    ``cls(lhs, rhs, evaluate=False)`` or the same boolean. Two symbols of one name, other
    operands, and sympy's ``evaluate(False)`` are sympy's."""
    kl = _eval_key(lhs)
    if kl is None or not _sp_params.evaluate:
        return cls(lhs, rhs)
    kr = _eval_key(rhs)
    if kr is None:
        return cls(lhs, rhs)
    if kl[0] is _Symbol and kr[0] is _Symbol:
        if lhs.name == rhs.name:
            return cls(lhs, rhs)
        key = (cls, kl, kr, lhs.name < rhs.name)
    else:
        key = (cls, kl, kr)
    v = memo.get(key)
    if v is _KEEP:
        return cls(lhs, rhs, evaluate=False)
    if v is not None:
        return v
    r = cls(lhs, rhs)
    if isinstance(r, _BooleanAtom):
        v = r
    elif type(r) is cls and r._args[0] is lhs and r._args[1] is rhs:
        v = _KEEP
    else:
        return r
    if len(memo) >= REL_EVALS_LIMIT:
        memo.clear()
    memo[key] = v
    return r


def _left_alone(thing, floordiv_inequality):
    """Whether PyTorch's trials (``_try_isolate_lhs``) only rebuild a relation whose left
    side is ``thing`` itself, as ``op(thing - 0, rhs - 0)``: they move the terms of a sum to
    the right, divide by the factors of a product, and (with ``floordiv_inequality``) rewrite
    a ``FloorDiv`` left side into inequalities; any other expression is left alone. A symbol
    is such a target, and so is a sub-expression such as ``Mod(s0, s0//2)`` (Inductor asks
    ``try_solve`` for those with ``floordiv_inequality=False``). Numbers are not taken."""
    if isinstance(thing, _sp.Symbol):
        return True
    if not isinstance(thing, _sp.Expr) or thing.is_Number or isinstance(thing, (_sp.Add, _sp.Mul)):
        return False
    if floordiv_inequality:
        from torch.utils._sympy.functions import FloorDiv  # noqa: PLC0415
        if isinstance(thing, FloorDiv):
            return False
    return True


def _solve_without_solving(eng, expr, thing, trials, floordiv_inequality=True):
    """PyTorch's own answer where ``try_solve`` takes no solving, or ``_MISS``:

    * ``thing`` (a symbol, or a sub-expression that PyTorch's trials leave alone on the left:
      :func:`_left_alone`) on both sides of a relation (PyTorch gives up) or on neither:
      ``None``;
    * ``thing`` alone on one side and absent from the other: the relation (mirrored when
      ``thing`` is on the right) and its right-hand side. PyTorch's trials rebuild it as
      ``op(thing - 0, rhs - 0)`` until nothing changes; that rebuild changes a float right-hand
      side (``0.0 - 0`` is ``0``) and is done here for those; otherwise the relation is
      returned as it is, without sympy's evaluation of a new relation (the costly part of
      PyTorch's first call). The one difference: a relation built with ``evaluate=False`` that
      sympy would evaluate to a boolean, for which PyTorch answers ``None``; it is its own
      exact solution here."""
    op = type(expr)
    if op not in _REL_MIRROR or not _left_alone(thing, floordiv_inequality):
        return _MISS
    lhs, rhs = expr.args
    if not (isinstance(lhs, _sp.Expr) and isinstance(rhs, _sp.Expr)):
        return _MISS
    if type(thing) is _Symbol:
        both = _native_has_symbol_sides(lhs, rhs, thing, _Symbol, _BASIC_ARGS)
        if both is None:
            in_lhs, in_rhs = _has_symbol(lhs, thing), _has_symbol(rhs, thing)
        else:
            in_lhs, in_rhs = both
    else:
        in_lhs, in_rhs = lhs.has(thing), rhs.has(thing)
    if in_lhs == in_rhs:
        return None
    if trials < 1:
        return _MISS
    if in_rhs:
        if rhs != thing:
            return _MISS
        e = _new_rel(eng.rel_evals, _REL_MIRROR[op], rhs, lhs)
        if not isinstance(e, _sp.Rel):
            return _MISS
        a = e._args
        if a[0] is rhs and a[1] is lhs and _minus_zero(rhs) is rhs and _minus_zero(lhs) is lhs:
            # PyTorch's first trial builds the relation again from ``rhs - 0`` and ``lhs - 0``,
            # here equal to ``rhs`` and ``lhs``: sympy's evaluation of equal operands is the
            # one that kept ``e`` (a relation with these very operands), so the trial is a
            # relation equal to ``e``, and the trials stop there with ``e``.
            return e, lhs
    elif lhs != thing:
        return _MISS
    elif not (rhs.is_Number and not rhs.is_Integer):
        return expr, rhs
    else:
        e = expr
    # PyTorch's trials, until one changes nothing.
    for _ in range(trials):
        t = _new_rel(eng.rel_evals, type(e), _minus_zero(e.lhs), _minus_zero(e.rhs))
        if t == e:
            break
        if not isinstance(t, _sp.Rel) or t.lhs != thing:
            return _MISS
        e = t
    return e, e.rhs


def _no_floordiv(expr):
    """Whether ``expr`` is a sympy relation with no ``FloorDiv`` (or subclass, such as
    ``CleanDiv``) anywhere in it."""
    if not isinstance(expr, _sp.Rel):
        return False
    global _FloorDiv
    if _FloorDiv is None:
        from torch.utils._sympy.functions import FloorDiv as _FloorDiv  # noqa: PLC0415
    r = _native_has_type(expr, _FloorDiv, _BASIC_ARGS)  # expr.has(FloorDiv) natively
    return not (expr.has(_FloorDiv) if r is None else r)


_FloorDiv = None  # torch's FloorDiv, once _no_floordiv needs it


def try_solve(expr, thing, trials=5, floordiv_inequality=True):
    """PyTorch's ``try_solve``: ``(relation, rhs)`` with ``thing`` isolated on the left, or
    ``None``. Solved by symshape for integer symbols (exact integer answers, see the module
    docstring); PyTorch's own implementation answers the rest."""
    t0 = _perf()
    try:
        eng = _local.engine
    except AttributeError:
        eng = _engine()
    c = eng.c_solve
    if not floordiv_inequality and type(expr) is _sp.Eq and _no_floordiv(expr):
        # PyTorch's FloorDiv rules rewrite only a left side that is a FloorDiv (after the
        # terms without ``thing`` are moved and its other factors divided out, neither of
        # which makes one): without a FloorDiv in the relation, PyTorch's answer is the same
        # with the rules as without them, and so is symshape's for an equation (PyTorch's
        # form, true division included; Inductor's calls without the rules are equations).
        # Other relations stay PyTorch's: symshape answers inequalities in integer form
        # (FloorDiv), which a caller that turned the rules off may not expect, and a
        # disequality that needs a divisibility condition not at all.
        floordiv_inequality = True
    # Cached for PyTorch's rules with trials (every answer below is the same for any number
    # of them, at least one).
    cached = floordiv_inequality and CACHE_ANSWERS and trials >= 1
    if cached:
        if _prehash is not None:
            _prehash(expr)
        try:
            r = eng.answers.get(("t", expr, thing), _MISS)
        except TypeError:  # unhashable: PyTorch's (below)
            r = _MISS
        if r is not _MISS:
            c[0] += 1
            c[2] += _perf() - t0
            return r
    fb = False
    r = _solve_without_solving(eng, expr, thing, trials, floordiv_inequality)
    if r is not _MISS:
        if cached:
            eng.answers["t", expr, thing] = r
    elif not floordiv_inequality or trials < 1:
        # PyTorch's own rules without the FloorDiv ones, or no trial at all (an answer only
        # where the relation is already solved as given): PyTorch answers.
        fb = True
        r = _original("try_solve")(expr, thing, trials=trials, floordiv_inequality=floordiv_inequality)
    else:
        try:
            handled, r = _run(eng, _solve_engine, expr, thing)
            if not handled:
                raise _native.UnsupportedError("not solved by symshape in PyTorch's form")
            if cached:
                eng.answers["t", expr, thing] = r
        except _ERRORS:
            fb = True
            r = _original("try_solve")(expr, thing, trials=trials, floordiv_inequality=True)
    c[0] += 1
    if fb:
        c[1] += 1
    c[2] += _perf() - t0
    return r


# ------------------------------------------------------------------ simplify
def _apply_replacements(eng, e, replacements, keys=None):
    """``e`` with the replacements of its free symbols applied. The symbols looked up are the
    bridge's as they are now (not those _free_syms's memo recorded), replaced by the key
    objects of ``keys`` (``_native._symbol_keys`` of var_to_range) where those are other,
    equal ones (``_take_key``): the shape env's objects, which key its replacements too."""
    if not replacements:
        return e
    get = replacements.get
    syms = eng.st.symbols
    subst = None
    for name, _ in _free_syms(eng, e):
        s = syms[name]
        if keys:
            k = keys.get(name)
            if k is not None and k is not s:
                s = _take_key(syms, keys, name, s, k)
        v = get(s)
        if v is not None:
            if subst is None:
                subst = {}
            subst[name] = _conv_expr(eng, v)
            if v == 0 and _has_division(e):
                # A divisor may become 0: PyTorch's rebuild of the division raises
                # ZeroDivisionError, where symshape would hand back `FloorDiv(x, 0)`, which
                # Inductor prints as C `x / 0` (a review's `{y: 0}` on `FloorDiv(x, y)`).
                raise _native.UnsupportedError("a replacement by 0 in an expression with a division")
    if subst is None:
        return e
    return eng.cx.substitute(e, subst)


def _take_key(symbols, keys, name, s, k):
    """The symbol of ``name`` after the bridge (``symbols``, holding ``s``) took the key object
    ``k`` of var_to_range for it: ``k`` where it equals ``s`` (sympy's ``__eq__``, once per
    object taken), else ``s``, and ``keys[name]`` set to ``None`` (not asked again)."""
    if k == s:
        symbols[name] = k
        return k
    keys[name] = None
    return s


_DIVISIONS = ("FloorDiv", "CeilDiv", "Mod")


def _has_division(e):
    """Whether the engine expression ``e`` has a division or remainder node (its normal form
    writes every torch division as one of these)."""
    stack = [e]
    seen = set()
    while stack:
        x = stack.pop()
        if x in seen:
            continue
        seen.add(x)
        n = x.node()
        if n[0] in _DIVISIONS:
            return True
        # Operands: expressions, or tuples of them or of (term, coefficient) pairs (a sum).
        for a in n[1:]:
            if isinstance(a, tuple):
                for t in a:
                    stack.append(t[0] if isinstance(t, tuple) else t)
            elif isinstance(a, _native.Expr):
                stack.append(a)
    return False


def _simplify_engine(eng, expr, replacements):
    try:
        return _simplify_typed(eng, expr, replacements)
    except _native.UnsupportedError:
        # The engine declined (a symbol without an integer or real assumption, such as
        # Inductor's ``tmp`` symbols; a float-typed answer; PyTorch's expansion smaller): a
        # polynomial is still answered as PyTorch answers it, by its expansion.
        r = _poly_expand(eng, expr, replacements)
        if r is None:
            raise
        return r


def _poly_structure(x, syms):
    """Whether ``x`` is a polynomial with int64 integer coefficients in commutative symbols
    (sums, products, natural powers, at any depth); its symbols are appended to ``syms``."""
    t = type(x)
    if t is _Add or t is _Mul:
        for a in x.args:
            if not _poly_structure(a, syms):
                return False
        return True
    if t is _Pow:
        b, k = x.args
        return isinstance(k, _Integer) and 1 < k.p < 2**31 and _poly_structure(b, syms)
    if isinstance(x, _Symbol):
        syms.append(x)
        return x.is_commutative is True
    return isinstance(x, _Integer) and -_I64 <= x.p < _I64


def _poly_expand(eng, expr, replacements):
    """PyTorch's ``expand(expr).xreplace(replacements)`` of a polynomial (:func:`_poly_structure`)
    none of whose symbols ``replacements`` replaces, computed by symshape's exact expansion in
    a context where every symbol is an integer symbol without a range: the expansion of a
    polynomial is the same in every commutative ring, so it is sympy's for any assumptions.
    ``None`` when ``expr`` is not such a polynomial or its expansion is too large
    (``Context.expand``'s term limit, int64 coefficients)."""
    syms = []
    if not _poly_structure(expr, syms) or _replaces(syms, replacements):
        return None
    for _ in range(2):
        pcx, conv = eng.poly_context()
        try:
            x = pcx.expand(conv.convert(expr), max_terms=_POLY_TERMS)
        except SymbolConflict:
            # Two symbols of one name (a name reused with other assumptions since, or two
            # Dummies in ``expr``): a new polynomial context (not the engine's, whose memos
            # stay), once; a conflict within ``expr`` itself goes to PyTorch.
            eng.poly = None
            eng.poly_memo.clear()
            continue
        return None if x is None else to_sympy(x)
    return None


_POLY_TERMS = 256
"""The most terms :func:`_poly_expand` expands a polynomial to (larger: PyTorch's ``expand``)."""


def _simplify_typed(eng, expr, replacements):
    cx = eng.cx
    e0 = _conv_expr(eng, expr)
    e = _apply_replacements(eng, e0, replacements)
    _set_assumption_ranges(eng, e)
    r = cx.simplify(e)
    if r == e0 and _deep_expansion_differs(eng, e):
        # A product of sums inside an operand of a function (or too large an expansion):
        # PyTorch's functions rewrite their expanded operands, so PyTorch's expansion is
        # computed, and where it prints smaller, PyTorch answers.
        t = _sp.expand(expr).xreplace(replacements or {})
        if _printed_size(t) < _printed_size(expr):
            raise _native.UnsupportedError("PyTorch's expansion is smaller")
        return expr
    # Products of sums at the top are expanded by symshape where that prints smaller.
    return _final(eng, r, e0, e, expr, None, replacements)


def _final(eng, r, e0, e, expr, facts, replacements=None):
    """The sympy answer for symshape's answer ``r`` of the caller's ``expr`` (converted:
    ``e0``; simplified after replacements: ``e``) under ``facts`` (``None``: the context's).

    * ``r == e0``: the caller's own object (no sympy construction), else ``r``'s sympy form
      (:func:`_answer`); not the caller's object where it has a symbol ``replacements``
      replaces (the conversion folded it away: ``Where(Eq(u1, 0), 1, 1)`` is 1), which the
      answer must not keep;
    * either way, the expansion of the answer's products of sums where that prints smaller
      (:func:`_smaller_expansion`): symshape keeps a product of sums whose expansion it
      cannot prove free of new int64 overflow for every value in range (docs/rules.md §8),
      as in `x*(FloorDiv(s, 2) - 1)*FloorDiv(t, 4) + x*FloorDiv(t, 4)`, whose expanded term
      `x*FloorDiv(s, 2)*FloorDiv(t, 4)` is one product more than the input computes. PyTorch
      expands every product of sums (``SizeVarAllocator.simplify`` is ``expand``, and
      ``_simplify_with_ranges`` starts with it), so the expansion is what PyTorch itself would
      hand back, and no answer of the drop-in prints larger than that.

    The choice is remembered per answer, simplified expression, facts object and caller's
    object: a repeated question is one lookup, without building its sympy form again."""
    def replaced():
        # Asked only where the caller's object is or could be the answer (a native walk;
        # sympy's free_symbols where a node is not sympy's, or replacements no dict).
        if not replacements or e != e0:
            return False
        if type(replacements) is dict:
            r = _native_has_key_symbol(expr, replacements, _Symbol, _BASIC_ARGS)
            if r is not None:
                return r
        return _replaces(expr.free_symbols, replacements)

    key = (r, e, id(facts), id(expr))
    hit = eng.finals.get(key)
    # (The caller's object remembered as the answer holds while no replacement touches it.)
    if (
        hit is not None
        and hit[0] is facts
        and hit[1] is expr
        and (hit[2] is not expr or not replaced())
    ):
        return hit[2]
    # Not the caller's object where the answer is a constant or a symbol and the object is no
    # atom: a tree built with evaluate=False (`2*(2 + 14)`, `x + 2*0`), which PyTorch's
    # `expand` evaluates (a review found it handed back as it was, larger than PyTorch's).
    keep = r == e0 and (r.size > 0 or expr.is_Atom) and not replaced()
    out = expr if keep else _answer(r, e0, e, expr, replaced, eng)
    alt = _smaller_expansion(eng, r, e, out, facts, expr)
    if alt is not None:
        out = alt
    eng.finals[key] = (facts, expr, out)
    return out


def _smaller_expansion(eng, r, e, out, facts, expr=None):
    """The sympy form of the expansion of the top products of sums of the answer ``r`` or of
    the question ``e`` (operands of functions are left as they are), simplified under
    ``facts``, if it prints smaller than ``out`` (:func:`_final`), else ``None``. The
    question's expansion counts too: symshape's rules can rewrite the kept products one by
    one into forms that no longer merge (`20*x*(FloorDiv(u, 4) - 7) + 29*x*(FloorDiv(u, 4) -
    3)` becomes `20*x*FloorDiv(u - 28, 4) + 29*x*FloorDiv(u - 12, 4)`), where expanding
    first merges them (`49*x*FloorDiv(u, 4) - 227*x`). An expansion is built as sympy only
    when its size in symshape's measure is at most ``r``'s and below the printed size of
    ``out`` (printing ``out`` to count it is the expensive part)."""
    cx = eng.cx
    best = None
    for base in (r, e) if e != r else (r,):
        x = _expand_top(eng, base)
        # The expansion merges like terms as it is built; one already larger than r is not
        # simplified further (the rare simplification that would still bring it below is
        # given up: simplifying is most of the cost).
        if x is None or x == base or x.size > r.size:
            continue
        x = cx.simplify(x) if facts is None else cx.simplify_with_facts(x, facts)
        if best is None or x.size < best.size:
            best = x
    if best is None or best.size > r.size:
        return None
    # The caller's printing of r can be larger than r's size (`32*s*(3*t - 6)` is
    # `s*(96*t - 192)` here). The sympy form of the expansion is built only when its size is
    # below the printed size of ``out``: its printing is rarely smaller than its size, and an
    # expansion missed that way only leaves the answer as it was.
    po = _printed_size(out)
    if best.size >= po:
        return None
    floats = []
    alt = to_sympy(best, _floats=floats)
    if floats and expr is not None:
        # Float parts that are the caller's own objects are built as those (as in _answer).
        floats = []
        alt = to_sympy(best, _floats=floats, _given=_float_parts(eng, expr))
    if floats or _printed_size(alt) >= po:
        return None
    return alt


def _printed_size(x):
    """The size of ``x`` as PyTorch prints it (``str``), counted as SEMANTICS.md counts
    operations (the measure the corpus checks compare answers with): every binary operator and
    call 1, a negation 1 unless of a number, a comparison 1, ``&``/``|`` one less than their
    operands. A sympy tree's shape is not its printing (``-x`` is ``Mul(-1, x)``, a subtraction
    is a sum, ``x/4`` is ``Mul(1/4, x)``), so the tree is walked as the printer writes it,
    without printing (about eight times faster; ``tests/test_fast_paths.py`` holds it to the
    printed count). Trees as sympy builds them: an unevaluated product with two numbers
    (``Mul(-1, x, -2, evaluate=False)``) is counted as if its numbers were one coefficient."""
    if x.is_Atom:
        # A Rational prints as a division; integers, floats, symbols and booleans as atoms.
        return 1 if x.is_Rational and not x.is_Integer else 0
    if x.is_Add:
        args = x.args
        negs = [_prints_negative(t) for t in args]
        n = len(args) - 1
        for t, neg in zip(args, negs):
            n += _printed_size(-t if neg else t)
        # The first term printed with its '-' is a negation of its first atom. Negative
        # numbers are printed last; otherwise sympy's term order decides which comes first.
        if any(neg and not t.is_Number for t, neg in zip(args, negs)):
            first = x.as_ordered_terms()[0]
            if _prints_negative(first) and not _starts_with_number(-first):
                n += 1
        return n
    if x.is_Mul:
        n = 0
        c = x.as_coeff_Mul()[0]
        if c.is_Number and c < 0:
            x = -x
            n += not _starts_with_number(x)
        num, den = [], 0
        for f in x.args:
            if f.is_Pow and f.exp.is_Number and f.exp < 0:
                den += 1
                n += _printed_size(1 / f)
            elif f.is_Rational and not f.is_Integer:
                # p/q: p among the factors (unless 1), q a divisor
                den += 1
                if f.p != 1:
                    num.append(f)
            else:
                num.append(f)
                n += _printed_size(f)
        return n + max(len(num) - 1, 0) + (den > 0) + max(den - 1, 0)
    if x.is_Pow:
        return 1 + _printed_size(x.base) + _printed_size(x.exp)
    if x.is_Relational:
        return 1 + _printed_size(x.lhs) + _printed_size(x.rhs)
    if isinstance(x, (_sp.And, _sp.Or)):
        return len(x.args) - 1 + sum(map(_printed_size, x.args))
    # A call, or an operator a function class prints (`(a//b)`, `~p`): one operation.
    return 1 + sum(map(_printed_size, x.args))


def _prints_negative(t):
    """Whether the term ``t`` of a sum is printed with a leading '-'."""
    if t.is_Number:
        return t < 0
    if t.is_Mul:
        c = t.as_coeff_Mul()[0]
        return c.is_Number and c < 0
    return False


def _starts_with_number(x):
    """Whether ``x`` is printed starting with a number (so a '-' before it negates a number,
    which costs nothing). A coefficient ``1/q`` is printed as a division at the end."""
    if x.is_Number:
        return True
    if x.is_Mul:
        c = x.as_coeff_Mul()[0]
        return c.is_Number and c != 1 and c != -1 and not (c.is_Rational and abs(c.p) == 1)
    return False


def _answer(r, e0, e, expr, replaced=None, eng=None):
    """The sympy form of the simplified ``r`` of the caller's ``expr`` (converted: ``e0``), or
    ``expr`` itself where that form would be larger than it: ``to_sympy`` writes
    ``Mod(FloorDiv(a, b), m)`` as ``PythonMod(FloorDiv(a, b), m)``, one operation more than
    ``ModularIndexing(a, b, m)``, when ``a >= 0`` is not proven (Inductor prints
    ``ModularIndexing`` with C ``/`` and ``%``), so a simplification that rewrote such a node's
    dividend can come back larger than the ``ModularIndexing`` the caller wrote. The caller's
    own expression is then the answer, when no replacement changed it (``e``, the expression
    simplified, is ``e0``) and it has no symbol a replacement replaces (``replaced()``, see
    :func:`_final`): equal in value, and printed by Inductor exactly as it would have been
    without symshape.

    A form with float constants or float operations is not given back: symshape types the
    integer operands of float operations as floats (``2*t`` with a real ``t`` is ``2.0*t``),
    which sympy keeps apart (``2.0*t`` is not ``2*t``, and is larger than ``t`` where
    ``-1*(-t)`` was simplified); PyTorch's implementation answers (a fallback). A float
    constant alone is given back (a float expression evaluated: no integer in it to retype).
    So is a form whose float parts are all the caller's own (:func:`_float_parts`: each one
    the conversion of a float-valued part of ``expr``, built back as that very object):
    `Max(1, TruncToInt(1.7*ToFloat(s53)))` with `s53 >= 2` is `TruncToInt(1.7*ToFloat(s53))`,
    the caller's `1.7*ToFloat(s53)` inside."""
    longer, floats = [], []
    out = to_sympy(r, _longer=longer, _floats=floats)
    if floats and r.node()[0] != "Float" and eng is not None:
        longer, floats = [], []
        out = to_sympy(r, _longer=longer, _floats=floats, _given=_float_parts(eng, expr))
    if floats and r.node()[0] != "Float":
        raise _native.UnsupportedError("a float-typed answer (PyTorch's form is kept)")
    if longer and e == e0 and r.size + len(longer) > e0.size and not (replaced and replaced()):
        return expr
    return out


def _float_parts(eng, expr):
    """{conversion: object} for the largest float-valued parts of the caller's ``expr`` (a
    part whose conversion has type float, not looked into further; the walk goes through
    everything else): :func:`_answer` builds those nodes of its answer as the caller's own
    objects, which mean what the caller wrote wherever Inductor prints them."""
    out = {}
    stack = [expr]
    while stack:
        x = stack.pop()
        if x.is_Atom and not x.is_Float:
            continue
        try:
            c = _conv_expr(eng, x)
        except (_native.Error, TypeError):
            c = None
        if c is not None and c.type == "float":
            out.setdefault(c, x)
        else:
            stack.extend(x.args)
    return out


def _expand_top(eng, x):
    """``eng.cx.expand(x, deep=False)``, memoized per engine: a first simplify asks it of
    its question in _deep_expansion_differs and again in _smaller_expansion (a third of the
    expansions of the real records' first calls were asked twice). An expansion is a function
    of the expression alone (the constructors that distribute read no facts), and the memo
    goes with the context."""
    f = eng.flat.get(x, _MISS)
    if f is _MISS:
        f = eng.flat[x] = eng.cx.expand(x, deep=False)
    return f


def _deep_expansion_differs(eng, e):
    """Whether ``sympy.expand(e)`` (PyTorch's answer for ``e``) may differ from the expansion of
    ``e``'s top polynomial alone, which :func:`_final` weighs itself: a product of sums inside
    an operand of a function (PyTorch's functions rewrite their expanded operands:
    ``ModularIndexing`` drops the terms that are multiples of its modulus, where symshape
    proves first that no new overflow comes of it), or an expansion too big for
    ``Context.expand``."""
    x = eng.cx.expand(e)
    if x is None:
        return True
    return x != e and _expand_top(eng, e) != x


_Add, _Mul, _Pow, _Symbol, _Integer = _sp.Add, _sp.Mul, _sp.Pow, _sp.Symbol, _sp.Integer
_I64 = 1 << 63


def _plain_syms_py(expr):
    """The symbols of ``expr`` (a tuple, with repeats) when it is an expanded polynomial with
    int64 coefficients as sympy builds it evaluated (sums of products of integers, symbols and
    their natural powers), else ``None``. Any symbols: ``sympy.expand`` of such a polynomial is
    itself over every commutative ring, whatever the symbols' assumptions (and for
    non-commutative ones, whose products it does not reorder). A tree built with
    ``evaluate=False`` that ``expand`` would change is refused (``x + 2*0``, ``x*x``,
    ``x + x``, ``x*2``, ``2**3``): an integer only as the first operand, never 0 in a sum nor
    0 or 1 in a product, at least two operands, a power's base a symbol, no symbol twice in a
    product, no two terms with the same symbols and exponents (compared by identity, sympy's
    symbols being cached). The reference of ``_plain_syms``, the same walk in Rust
    (``_native.PlainSyms``; a test compares them)."""
    syms = []
    terms = expr.args if type(expr) is _Add else (expr,)
    if type(expr) is _Add and len(terms) < 2:
        return None
    monomials = set()
    for i, t in enumerate(terms):
        factors = t.args if type(t) is _Mul else (t,)
        if type(t) is _Mul and len(factors) < 2:
            return None
        mono = []
        for j, f in enumerate(factors):
            k = 1
            if type(f) is _Pow:
                f, k = f.args
                if not (isinstance(k, _Integer) and 1 < k.p < 2**31) or not isinstance(f, _Symbol):
                    return None
                k = k.p
            if isinstance(f, _Symbol):
                if any(g is f for g, _ in mono):
                    return None
                syms.append(f)
                mono.append((f, k))
            elif not (isinstance(f, _Integer) and -_I64 <= f.p < _I64):
                return None
            elif j > 0 or i > 0 and len(factors) == 1:
                # An integer after the first operand of a product, or a constant term after
                # the first term of a sum.
                return None
            elif len(factors) > 1 and f.p in (0, 1) or len(terms) > 1 and f.p == 0:
                return None
        if len(terms) > 1:
            key = tuple(sorted((id(g), k) for g, k in mono))
            if key in monomials:
                return None
            monomials.add(key)
    return tuple(syms)


_PLAIN = _native.PlainSyms(_Add, _Mul, _Pow, _Symbol, _Integer)
_plain_syms = _PLAIN.syms


def _plain_polynomial(expr, replacements):
    """Whether ``expr`` is an expanded polynomial (:func:`_plain_syms`) none of whose symbols
    ``replacements`` replaces: PyTorch's answer, ``expand(expr).xreplace(replacements)``, is
    ``expr`` itself. For integer symbols so is the engine path's (the canonical form of such a
    polynomial in symshape is the same terms, under every assumption range, and
    ``_simplify_engine`` then hands back the caller's object); for symbols without an integer
    assumption (Inductor's ``tmp`` symbols) the engine would decline and PyTorch's ``expand``
    would answer, after a conversion attempt and at PyTorch's cost. Answered without
    conversion."""
    syms = _plain_syms(expr)
    return syms is not None and not _replaces(syms, replacements)


def _replaces(syms, replacements):
    """Whether ``replacements`` has an entry for one of ``syms``."""
    if replacements:
        for f in syms:
            if f in replacements:
                return True
    return False


def _cached_simplify(eng, expr, replacements):
    eng.check()
    # Whether ``expr`` is a plain polynomial, by identity (sympy objects are immutable; the
    # entry keeps ``expr`` alive, so its id is not reused while the entry exists), then
    # whether ``replacements`` touches its symbols, asked afresh at every call.
    p = eng.plain_ids.get(id(expr))
    if p is None or p[0] is not expr:
        p = eng.plain_ids[id(expr)] = (expr, _plain_syms(expr))
    if p[1] is not None and not _replaces(p[1], replacements):
        if CACHE_ANSWERS and not replacements:
            eng.simp[expr] = expr
            eng.fast.put(expr, expr)
        return expr
    if not CACHE_ANSWERS:
        return _run(eng, _simplify_engine, expr, replacements)
    if replacements:
        free = eng.free.get(expr)
        if free is None:
            try:
                free = _free_of(eng, expr)
            except _native.UnsupportedError:
                # Not convertible (a symbol without an integer or real assumption): the
                # polynomial path, as _simplify_engine takes it (no cache entry: no key).
                r = _poly_expand(eng, expr, replacements)
                if r is None:
                    raise
                return r
        key = ("s", expr, *map(replacements.get, free))
        r = eng.answers.get(key)
        if r is None:
            r = _run(eng, _simplify_engine, expr, replacements)
            eng.answers[key] = r
        return r
    r = eng.simp.get(expr)
    if r is None:
        r = _run(eng, _simplify_engine, expr, None)
        eng.simp[expr] = r
    eng.fast.put(expr, r)
    return r


def _number_simplify(expr, replacements):
    """PyTorch's ``expand(expr).xreplace(replacements)`` of a sympy number: ``expand`` of a
    number is the number, and ``xreplace`` of an atom is its entry in ``replacements`` or
    itself."""
    return replacements.get(expr, expr) if replacements else expr


def _simplify_py(expr, replacements=None):
    """``SizeVarAllocator.simplify``: ``expr`` with ``replacements`` ({Symbol: expr}) applied,
    simplified by symshape under the symbols' assumptions. The Python implementation of
    :data:`simplify`, which answers a repeated question on the same object without
    replacements natively and everything else through this function."""
    t0 = _perf()
    try:
        eng = _local.engine
    except AttributeError:
        eng = _engine()
    c = eng.c_simplify
    if not replacements and CACHE_ANSWERS:
        # The common repeated question first: one lookup by the expression (only sympy
        # expressions other than numbers are ever stored).
        if _prehash is not None:
            _prehash(expr)
        try:
            r = eng.simp.get(expr)
        except TypeError:  # unhashable: below
            r = None
        if r is not None:
            # An equal object asked before: this one is answered natively from now on.
            eng.fast.put(expr, r)
            c[0] += 1
            c[2] += _perf() - t0
            return r
    fb = False
    try:
        if replacements and not all(isinstance(k, _Symbol) for k in replacements):
            # xreplace matches any subexpression; symshape replaces symbols (as
            # SizeVarAllocator's replacements are): PyTorch's.
            raise _native.UnsupportedError("a replacement of something other than a symbol")
        if isinstance(expr, _Number):
            r = _number_simplify(expr, replacements)
        elif not isinstance(expr, _Basic):
            r = _sp.expand(expr).xreplace(replacements or {})
        else:
            r = _cached_simplify(eng, expr, replacements)
    except _ERRORS:
        fb = True
        r = _sp.expand(expr).xreplace(replacements or {})
    c[0] += 1
    if fb:
        c[1] += 1
    c[2] += _perf() - t0
    return r


simplify = _native.FastSimplify(globals(), _simplify_py, _PLAIN)
"""``SizeVarAllocator.simplify(expr, replacements=None)``: ``expr`` with ``replacements``
({Symbol: expr}) applied, simplified by symshape under the symbols' assumptions. A native
callable (``_native.FastSimplify``): a question asked before on the same expression object
without replacements (``None`` or an empty dict) is answered from this thread's memo by the
object's identity, and a first one on an expanded polynomial (:func:`_plain_polynomial`,
its own answer) is answered and kept there, without running Python (once the thread's
engine exists); every other call is :func:`_simplify_py`'s."""


def _names(eng, e):
    """The names of the free symbols of the symshape expression ``e`` (memoized):
    ``_names_py`` natively (``Converter.names``; a test compares them)."""
    n = eng.names.get(e)
    if n is None:
        n = eng.names[e] = eng.conv.names(e)
    return n


def _names_py(e):
    """``_names`` in Python, without the memo (the reference of its test)."""
    return frozenset(s.name for s in e.free_symbols)


_NOT_AXIOM = (None, None)


def _axiom(eng, a):
    """``(predicate, names)`` of a sympy axiom, or ``(None, None)`` when it is not a predicate
    symshape represents (memoized by identity, then by value)."""
    ent = eng.ax_ids.get(id(a))
    if ent is not None and ent[0] is a:
        return ent[1]
    k = _shallow_key(a)
    ent = eng.ax_shallow.get(k) if k is not None else None
    if ent is not None:
        info = ent[1]
    else:
        if _prehash is not None:
            _prehash(a)
        info = eng.axioms.get(a)
        if info is None:
            try:
                p = _conv_expr(eng, a)
            except _ERRORS:
                p = None
            info = (p, _names(eng, p)) if p is not None and p.type == "bool" else _NOT_AXIOM
            eng.axioms[a] = info
        if k is not None:
            eng.ax_shallow[k] = (a, info)
    eng.ax_ids[id(a)] = (a, info)
    return info


# Per class: whether _shallow_key applies to its instances.
_shallow_ok = {}


def _shallow_class(t):
    """Whether two instances of the sympy class ``t`` with the same operand objects are equal:
    its equality is ``Basic.__eq__`` (the same class and equal ``_hashable_content()``) and its
    ``_hashable_content()`` is Basic's or Expr's, which is the operands (``_args``); not so for
    symbols and numbers, whose identity is in other fields."""
    ok = (
        issubclass(t, _Basic)
        and t.__eq__ is _Basic.__eq__
        and t._hashable_content in (_Basic._hashable_content, _sp.Expr._hashable_content)
    )
    _shallow_ok[t] = ok
    return ok


def _shallow_key(x):
    """``(type(x), id(operand), ...)``, a key that stands for the value of ``x`` wherever the
    entry it keys keeps ``x`` (so its operands) alive: instances of a class that
    :func:`_shallow_class` accepts with the very same operand objects are equal. ``None`` for
    other objects or no operands. It serves objects rebuilt around operands seen before
    (sympy's constructor cache hands back the same operand objects), without sympy's hash and
    structural ``==`` of the new object."""
    t = type(x)
    ok = _shallow_ok.get(t)
    if ok is None:
        ok = _shallow_class(t)
    if not ok:
        return None
    args = x._args
    if not args:
        return None
    return (t, *map(id, args))


_NO_NAMES = frozenset()
_is = operator.is_


class _Lookups:
    """A mapping's ``get`` that records the keys it was asked and the values it gave (so that
    a memo records exactly what its answer was computed from)."""

    __slots__ = ("get_", "keys", "values")

    def __init__(self, mapping):
        self.get_ = mapping.get
        self.keys = []
        self.values = []

    def get(self, k):
        v = self.get_(k)
        self.keys.append(k)
        self.values.append(v)
        return v

    def __bool__(self):
        return True


def _ranges_facts(eng, expr, var_items, var_to_range, replacements, axioms):
    """The facts of a ``simplify_with_ranges`` question: ``(e0, e, ranges, predicates, syms,
    vrs, rsyms)`` with ``e0`` the converted expression, ``e`` it with the replacements applied,
    the ``(name, lo, hi)`` ranges and the predicates in the order the engine gets them (the
    symbols' ranges, those of the index variables, the axioms whose symbols all occur),
    ``syms`` the sympy symbols looked up in var_to_range and ``vrs`` what it gave for them
    (``None`` without var_to_range, or an empty one). ``var_items`` are var_ranges's items; the
    replacements (a mapping or ``_Lookups``) are looked up for the symbols of the expression
    and of the index sizes only. The symbols are var_to_range's key objects where the bridge
    held other, equal ones (``_symbol_facts``)."""
    # The converter looks its memo up itself (by identity, then by value): no lookup here
    # first, and no frame of _conv_expr, which is this call.
    conv = eng.conv.convert
    e0 = conv(expr)
    # var_to_range's key symbols by name (memoized for the last dict): taken by the bridge
    # where it holds other, equal objects (_symbol_facts, _apply_replacements).
    keys = _symbol_keys(eng.vtr_keys, var_to_range, _Symbol) if var_to_range else None
    e = _apply_replacements(eng, e0, replacements, keys) if replacements else e0
    # Symbols of the expression and of the index sizes; the index variables.
    names = eng.names.get(e)
    if names is None:
        names = eng.names[e] = eng.conv.names(e)  # _names written out
    facts = []
    index_names = _NO_NAMES
    idx = None
    if var_items:
        names = set(names)
        idx = []
        index_names = set()
        idx_ids = eng.idx_ids
        for v, size in var_items:
            k = (id(v), id(size))
            ent = idx_ids.get(k)
            if ent is None or ent[0] is not v or ent[1] is not size:
                if not isinstance(v, _sp.Symbol):
                    # PyTorch's index variables are symbols; another key (`z + 1`) is
                    # PyTorch's to answer (it was an AttributeError here).
                    raise _native.UnsupportedError(
                        f"an index variable that is not a symbol: {v!r}"
                    )
                sz = conv(size)
                ve = conv(v)  # declares it (its type and assumptions checked)
                # The fact names the symbol by its Expr (no text to convert in Context.facts).
                ent = idx_ids[k] = (v, size, v.name, sz, (ve, 0, sz - 1), _names(eng, sz), ve)
            fact, ns = ent[4], ent[5]
            if replacements:
                sz = _apply_replacements(eng, ent[3], replacements, keys)
                if sz is not ent[3]:
                    fact, ns = (ent[6], 0, sz - 1), _names(eng, sz)
            names |= ns
            idx.append(fact)
            index_names.add(ent[2])
    syms = []
    if var_to_range:
        vget, vrs = var_to_range.get, []
    else:
        vget = vrs = None
    _symbol_facts(names, index_names, eng.rlast, eng.st.symbols, keys, eng.conv, vget,
                  eng.vr_ends, eng.arng, _end, _assumption_range, _MISS, facts, syms, vrs)
    if idx is not None:
        facts += idx
    if axioms:
        known = names | index_names if idx is not None else names
        preds = _axiom_preds(axioms, known, eng.ax_ids, _shallow_ok, eng.ax_shallow, _axiom, eng)
    else:
        preds = ()
    return e0, e, tuple(facts), tuple(preds), tuple(syms), None if vrs is None else tuple(vrs)


def _symbol_facts_py(names, index_names, last, symbols, keys, conv, vget, vr_ends, arng, end,
                     arange, miss, facts, syms, vrs):
    """``_native._symbol_facts`` in Python (the reference its test compares it with): the
    facts of the symbols of a ``simplify_with_ranges`` question (its ``names`` not in
    ``index_names``), appended to ``facts``, the symbols to ``syms`` and what ``vget``
    (var_to_range's ``get``) gives for them to ``vrs``. ``symbols`` is the bridge's symbols by
    name, ``keys`` (``_native._symbol_keys``, or ``None``) var_to_range's key objects by name,
    which replace the bridge's where they are other, equal objects. ``last`` is the engine's
    ``rlast``, ``vr_ends`` the memo of the ranges read from ValueRanges (``(name, id(vr)) -> (vr, lo,
    hi)`` and ``(name, id(lower), id(upper)) -> (lower, upper, lo, hi)``: ``conv.range_ends``
    with ``end``, ``_end``, the lower end raised to the assumptions'), ``arng`` the one of ``_arange`` (``arange``: ``_assumption_range``), ``miss``
    the marker ``_MISS``."""
    for name in names:
        if name in index_names:
            continue
        # [sympy symbol, the ValueRanges (or None) the name got last time, its fact, the
        # symbol's Expr]: reused when var_to_range gives the same (immutable) object again, or
        # None again (the assumptions' range); the entry keeps the object alive, so ``is`` is
        # an identity.
        # The symbol is the bridge's, replaced by var_to_range's key object where that is
        # another, equal object (the bridge holds the first it met; sympy's cache, emptied or
        # full, gives callers new ones): looked up with the key itself, var_to_range finds it
        # by identity, not by sympy's __eq__ (a Python method, about 2 µs). Where the key is a
        # symbol of the same name that is not equal, it is not asked again.
        s = symbols[name]
        if keys:
            k = keys.get(name)
            if k is not None and k is not s:
                s = _take_key(symbols, keys, name, s, k)
        ent = last.get(name)
        if ent is None:
            ent = last[name] = [s, miss, None, conv.convert(s)]
        elif ent[0] is not s:
            ent[0] = s
        syms.append(s)
        vr = None
        if vget is not None:
            vr = vget(s)
            vrs.append(vr)
        if ent[1] is not vr:
            if vr is None:
                lo, hi = _memo_range(arng, name, s, arange)
            else:
                # The range of var_to_range's entry, memoized by the identity of vr, then
                # by the identity of its two ends: the range is a function of those two
                # objects alone (range_ends reads nothing else of vr; end and the
                # assumptions' range are the same for the same symbol of a context), and the
                # entry keeps them alive (their ids are not reused while it exists). A caller
                # that builds a new ValueRanges per question around the same ends (sympy's
                # cached Integers, int_oo) does not have them read again.
                k = (name, id(vr))
                vent = vr_ends.get(k)
                if vent is not None and vent[0] is vr:
                    lo, hi = vent[1], vent[2]
                else:
                    lower, upper = vr.lower, vr.upper
                    k2 = (name, id(lower), id(upper))
                    vent = vr_ends.get(k2)
                    if vent is not None and vent[0] is lower and vent[1] is upper:
                        lo, hi = vent[2], vent[3]
                    else:
                        # (range_ends reads vr.lower and vr.upper again: the same objects)
                        lo, hi = conv.range_ends(vr, bool(s.is_integer), end)
                        alo, _ = _memo_range(arng, name, s, arange)
                        if alo is not None and (lo is None or lo < alo):
                            lo = alo
                        vr_ends[k] = (vr, lo, hi)
                        vr_ends[k2] = (lower, upper, lo, hi)
            ent[1] = vr
            ent[2] = (ent[3], lo, hi) if lo is not None or hi is not None else None
        if ent[2] is not None:
            facts.append(ent[2])


def _memo_range(arng, name, s, arange):
    r = arng.get(name)
    if r is None:
        r = arng[name] = arange(s)
    return r


_symbol_facts = _native._symbol_facts
_symbol_keys = _native._symbol_keys


def _axiom_preds_py(axioms, known, ax_ids, shallow_ok, ax_shallow, slow, eng):
    """``_native._axiom_preds`` in Python (the reference its test compares it with): the
    predicates of ``axioms`` that symshape represents and whose symbols are all ``known``.
    It takes the native function's arguments; ``shallow_ok`` and ``ax_shallow`` are the ones
    ``slow`` (``_axiom``) reads itself, so here they go unused."""
    preds = []
    for a in axioms:
        ent = ax_ids.get(id(a))
        info = ent[1] if ent is not None and ent[0] is a else slow(eng, a)
        p = info[0]
        if p is not None and info[1] <= known:
            preds.append(p)
    return preds


_axiom_preds = _native._axiom_preds


def _ranges_same_py(c, expr, var_ranges, var_to_range, replacements, axioms):
    """``_native._ranges_same`` in Python (the reference its test compares it with): whether
    the memo entry ``c`` of :func:`_ranges_engine` was made from exactly these objects."""
    vget = var_to_range.get if var_to_range else None
    rget = replacements.get if replacements else None
    return not (
        c[0] is not expr
        or (len(var_ranges) if var_ranges else 0) != len(c[1])
        or var_ranges and not (all(map(_is, var_ranges, c[1]))
                               and all(map(_is, var_ranges.values(), c[2])))
        or (len(axioms) if axioms else 0) != len(c[5])
        or axioms and not all(map(_is, axioms, c[5]))
        or (c[4] is None) != (vget is None)
        or vget is not None and not all(map(_is, map(vget, c[3]), c[4]))
        or (c[7] is None) != (rget is None)
        or rget is not None and not all(map(_is, map(rget, c[6]), c[7]))
    )


_ranges_same = _native._ranges_same
_ranges_hit = _native._ranges_hit


def _ranges_engine(eng, expr, var_ranges, var_to_range, replacements, axioms):
    # The facts and the answer of the last question on the same expression object with the
    # same var_ranges dict, used when every input they came from is the same object again
    # (_ranges_same): the expression, each index variable and size, each ValueRanges of
    # var_to_range and each replacement of the symbols of the expression and sizes (looked
    # up again: the dicts may have changed), each axiom. Identity, not equality: the entry
    # keeps every one of them alive and they are immutable, so the same objects give the
    # same facts and the same answer; the dicts themselves are not trusted (only their items
    # are compared), id(var_ranges) is only part of the key. The callers answer a repeated
    # question from the entry before calling this (_native._ranges_hit), as bound_sympy's
    # and try_solve's answer caches do; with CACHE_ANSWERS off the answer is computed again.
    #
    # The first time, only a marker is kept (the expression itself, alive while it is the
    # marker): in a compilation most questions come once (PyTorch's ranges cache is in front),
    # and recording the entry costs about a microsecond.
    key = (id(expr), id(var_ranges))
    c = eng.rcalls.get(key)
    if c is None:
        eng.rcalls[key] = expr
        e0, e, facts, preds, _, _ = _ranges_facts(
            eng, expr, var_ranges.items() if var_ranges else None, var_to_range, replacements,
            axioms
        )
        fs = eng.cx.facts(facts, preds)
        r = eng.cx.simplify_with_facts(e, fs)
        return _final(eng, r, e0, e, expr, fs, replacements)
    if c is not expr and _ranges_same(c, expr, var_ranges, var_to_range, replacements, axioms):
        r = eng.cx.simplify_with_facts(c[9], c[10])
        return _final(eng, r, c[8], c[9], expr, c[10], replacements)
    # The inputs read once: the facts are computed from exactly what the entry records.
    vkeys = tuple(var_ranges) if var_ranges else ()
    vvals = tuple(var_ranges.values()) if var_ranges else ()
    ax = tuple(axioms) if axioms else ()
    looked = _Lookups(replacements) if replacements else None
    e0, e, facts, preds, syms, vrs = _ranges_facts(
        eng, expr, tuple(zip(vkeys, vvals)), var_to_range, looked, ax
    )
    # Converted once (Context.facts); the engine recognizes the object it set last and does
    # not set it again while nothing else changed its facts.
    fs = eng.cx.facts(facts, preds)
    out = _final(eng, eng.cx.simplify_with_facts(e, fs), e0, e, expr, fs, replacements)
    eng.rcalls[key] = (
        expr,
        vkeys,
        vvals,
        syms,
        vrs,
        ax,
        tuple(looked.keys) if looked is not None else (),
        tuple(looked.values) if looked is not None else None,
        e0,
        e,
        fs,
        out,  # the answer (_native._ranges_hit reads it at this place)
    )
    return out


def _run_ranges(eng, expr, var_ranges, var_to_range, replacements, axioms):
    """``_run(eng, _ranges_engine, ...)`` written out (the calls of the generic one cost a
    tenth of a repeated question)."""
    if eng.tick > 1:
        eng.tick -= 1
    else:
        eng.check()
    try:
        return _ranges_engine(eng, expr, var_ranges, var_to_range, replacements, axioms)
    except SymbolConflict:
        eng.new()
        return _ranges_engine(eng, expr, var_ranges, var_to_range, replacements, axioms)


def simplify_with_ranges(expr, var_ranges, var_to_range=None, replacements=None, axioms=None):
    """``SizeVarAllocator._simplify_with_ranges``: simplifies an index expression knowing that
    each index variable ``v`` of ``var_ranges`` ({Symbol: size}) is in ``[0, size - 1]``, the
    other symbols in ``var_to_range`` ({Symbol: ValueRanges}) or their assumptions, with
    ``replacements`` applied and ``axioms`` (relations) assumed."""
    t0 = _perf()
    try:
        eng = _local.engine
    except AttributeError:
        eng = _engine()
    c = eng.c_ranges
    c[0] += 1
    if CACHE_ANSWERS:
        r = _ranges_hit(eng.rcalls, expr, var_ranges, var_to_range, replacements, axioms)
        if r is not None:
            c[2] += _perf() - t0
            return r
    try:
        r = _run_ranges(eng, expr, var_ranges, var_to_range, replacements, axioms)
    except _ERRORS:
        # Raised, not answered by PyTorch (the method falls back; this function has no
        # SizeVarAllocator to fall back with): a call, not a fallback.
        c[2] += _perf() - t0
        raise
    c[2] += _perf() - t0
    return r


# ------------------------------------------------------------------ install
_patched = []  # (object, attribute, original, replacement)
_install_lock = threading.Lock()


def _sizevars_simplify(self, expr):
    t0 = _perf()
    try:
        eng = _local.engine
    except AttributeError:
        eng = _engine()
    fb = False
    try:
        if isinstance(expr, _Number):
            r = _number_simplify(expr, self.replacements)
        elif not isinstance(expr, _Basic):
            r = _original("simplify")(self, expr)
        else:
            r = _cached_simplify(eng, expr, self.replacements)
    except _ERRORS:
        fb = True
        r = _original("simplify")(self, expr)
    c = eng.c_sv_simplify
    c[0] += 1
    if fb:
        c[1] += 1
    c[2] += _perf() - t0
    return r


def _sizevars_simplify_with_ranges(self, expr, var_ranges):
    t0 = _perf()
    try:
        eng = _local.engine
    except AttributeError:
        eng = _engine()
    fb = False
    senv = self.shape_env
    vtr, repl, axioms = senv.var_to_range, self.replacements, senv.get_axioms()
    c = eng.c_sv_ranges
    if CACHE_ANSWERS:
        r = _ranges_hit(eng.rcalls, expr, var_ranges, vtr, repl, axioms)
        if r is not None:
            c[0] += 1
            c[2] += _perf() - t0
            return r
    try:
        r = _run_ranges(eng, expr, var_ranges, vtr, repl, axioms)
    except _ERRORS:
        fb = True
        r = _original("_simplify_with_ranges")(self, expr, var_ranges)
    c[0] += 1
    if fb:
        c[1] += 1
    c[2] += _perf() - t0
    return r


def _patch(obj, attr, new):
    old = getattr(obj, attr)
    setattr(obj, attr, new)
    _patched.append((obj, attr, old, new))


def install():
    """Routes PyTorch's calls to symshape: every module attribute that is PyTorch's
    ``bound_sympy`` or ``try_solve``, ``SizeVarAllocator.simplify`` and
    ``SizeVarAllocator._simplify_with_ranges`` (behind its ranges cache). Idempotent."""
    with _install_lock:
        if _patched:
            return
        torch, N, S, VR = _torch()
        import torch._inductor.sizevars as SV  # noqa: PLC0415

        _originals["bound_sympy"] = VR.bound_sympy
        _originals["try_solve"] = S.try_solve
        _originals["simplify"] = SV.SizeVarAllocator.simplify
        _originals["_simplify_with_ranges"] = SV.SizeVarAllocator._simplify_with_ranges
        repl = {id(VR.bound_sympy): bound_sympy, id(S.try_solve): try_solve}
        origs = {id(VR.bound_sympy): VR.bound_sympy, id(S.try_solve): S.try_solve}
        for mod in list(sys.modules.values()):
            d = getattr(mod, "__dict__", None)
            if not d or not getattr(mod, "__name__", "").startswith("torch"):
                continue
            for attr in ("bound_sympy", "try_solve"):
                v = d.get(attr)
                if v is not None and id(v) in repl and v is origs[id(v)]:
                    _patch(mod, attr, repl[id(v)])
        _patch(SV.SizeVarAllocator, "simplify", _sizevars_simplify)
        _patch(SV.SizeVarAllocator, "_simplify_with_ranges", _sizevars_simplify_with_ranges)


def uninstall():
    """Restores every attribute :func:`install` replaced, and PyTorch's ``bound_sympy`` and
    ``try_solve`` in the torch modules first imported while installed (a compilation imports
    ``torch._inductor.bounds`` and others, whose ``from ... import bound_sympy`` then took
    symshape's). Idempotent."""
    with _install_lock:
        was = bool(_patched)
        while _patched:
            obj, attr, old, new = _patched.pop()
            if getattr(obj, attr, None) is new:
                setattr(obj, attr, old)
        if was:
            ours = {"bound_sympy": bound_sympy, "try_solve": try_solve}
            for mod in list(sys.modules.values()):
                d = getattr(mod, "__dict__", None)
                if not d or not getattr(mod, "__name__", "").startswith("torch"):
                    continue
                for attr, f in ours.items():
                    if d.get(attr) is f:
                        setattr(mod, attr, _originals[attr])
        _originals.clear()


def is_installed():
    """Whether :func:`install` is in effect."""
    return bool(_patched)


@contextlib.contextmanager
def installed():
    """Context manager: :func:`install` on entry, :func:`uninstall` on exit (only if it was
    not installed before)."""
    was = is_installed()
    install()
    try:
        yield
    finally:
        if not was:
            uninstall()
