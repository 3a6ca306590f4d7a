//! `Converter`: the common part of `symshape.sympy`'s walk of a sympy tree, in Rust.
//!
//! The walk (`symshape.sympy._conv_py`) costs about a microsecond and a half of interpreted
//! Python per node. Here the nodes that need no sympy logic are converted without it:
//! integers and the functions symshape builds from their converted operands (sums, products,
//! `FloorDiv`, `ModularIndexing`, relations...: `symshape.sympy._DIRECT`). Every other node
//! (a symbol, whose assumptions are read; `Pow`, `floor`, `Rational`...) goes to the Python
//! walk, which converts its whole subtree. Both build through the same `call_ops` with the
//! same operands in the same order and record each node in the same memo, so the result and
//! the errors are the Python walk's (tested against it in `test_sympy_bridge`), and so is the
//! memo, but for one kind of entry: an `Integer` operand of a class the Python walk has not
//! classified yet is converted and recorded there (`Identity(n)`, which is `n`), and here
//! passed as the constant without an entry.

use super::hash::SympyHash;
use super::{Context, Operand, call_ops, operand, wrap};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFrozenSet, PyString, PyTuple, PyType};
use std::collections::HashMap;
use std::sync::Mutex;

/// `symshape.sympy._DIRECT`: a class's conversion kind (`symshape.sympy._kind`) to the
/// operator `Context.call` builds from its converted operands. The Python test checks that the
/// two tables are the same (`_native._direct_table()`).
const DIRECT: &[(&str, &str)] = &[
    ("Add", "Add"),
    ("Mul", "Mul"),
    ("Min", "Min"),
    ("Max", "Max"),
    ("Abs", "Abs"),
    ("Mod", "Mod"),
    ("PythonMod", "Mod"),
    ("FloorDiv", "FloorDiv"),
    ("CleanDiv", "FloorDiv"),
    ("CeilDiv", "CeilDiv"),
    ("ModularIndexing", "ModularIndexing"),
    ("Where", "Where"),
    ("IntTrueDiv", "IntTrueDiv"),
    ("FloatTrueDiv", "FloatTrueDiv"),
    ("ToFloat", "ToFloat"),
    ("TruncToInt", "TruncToInt"),
    ("FloorToInt", "FloorToInt"),
    ("CeilToInt", "CeilToInt"),
    ("RoundToInt", "RoundToInt"),
    ("PowByNatural", "Pow"),
    ("Identity", "Identity"),
    ("And", "And"),
    ("Or", "Or"),
    ("Not", "Not"),
    ("Equality", "Eq"),
    ("Unequality", "Ne"),
    ("StrictLessThan", "Lt"),
    ("LessThan", "Le"),
    ("StrictGreaterThan", "Gt"),
    ("GreaterThan", "Ge"),
];

/// Below this depth of the sympy tree the walk goes on in Python (whose recursion limit then
/// applies, as it does to the Python walk), so the native stack stays small.
const MAX_DEPTH: u32 = 200;

/// How a sympy class is converted.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// `Integer` and its singletons: a constant.
    Integer,
    /// `Context.call(op, *operands)`.
    Direct(&'static str),
    /// The Python walk.
    Python,
    /// `IntInfinity`, `NegativeIntInfinity`, `Infinity`, `NegativeInfinity`: the Python
    /// walk in an expression; an infinite end in a range (`symshape.torch._end`).
    Infinite,
}

/// A class met by a [`Converter`] (kept alive by the entry), its kind, and whether its `args`
/// is sympy's `Basic.args` ([`plain_args`]).
type Class = (Py<PyType>, Kind, bool);

/// The kinds of `Kind::Infinite` (`symshape.torch._INF_NAMES`).
const INFINITE: &[&str] = &[
    "IntInfinity",
    "NegativeIntInfinity",
    "Infinity",
    "NegativeInfinity",
];

/// Converts sympy expressions into one context, with one memo (`{sympy expr: Expr}`), the
/// bridge state of that context and the Python walk for the nodes it does not convert itself:
/// `Converter(cx, memo, state, kind_of, walk)`, then `convert(x)`; `kind_of(cls)` is
/// `symshape.sympy._kind`, `walk(x, cx, state, memo)` is `symshape.sympy._conv_py`.
#[pyclass(frozen, module = "symshape._native", name = "Converter")]
pub struct Converter {
    cx: Py<Context>,
    memo: Py<PyDict>,
    state: Py<PyAny>,
    kind_of: Py<PyAny>,
    walk: Py<PyAny>,
    /// Per class (by address; the entry keeps the class alive, so the address is not reused):
    /// its kind, and whether its `args` is sympy's `Basic.args` (see [`plain_args`]).
    kinds: Mutex<HashMap<usize, Class>>,
    /// sympy's `Basic.args` property ([`plain_args`]).
    basic_args: Py<PyAny>,
    /// [`Converter::free_symbols`] of the expressions of this converter's context, by their
    /// index: the same question asked again (`bound_sympy` reads them for its cache key,
    /// then for its facts) without building the frozenset again. At most
    /// [`FREE_SYMBOLS_MEMO`] entries (emptied when full).
    free: Mutex<HashMap<usize, FreeSymbols>>,
    /// The conversions of the objects this converter met, by identity: `id(x) -> (x, its
    /// Expr)`, each entry keeping its object alive (so the address is not reused while the
    /// entry exists). Asked before the memo, whose lookup runs sympy's `__hash__` (a Python
    /// method: a frame per lookup, and for a new object a hash of each of its nodes) and, for
    /// an equal object that is not the same one, sympy's `__eq__`: the same objects come
    /// back often (sympy's constructor cache hands back its objects, and a compilation asks
    /// about the same symbols and sizes again and again). An entry is made only where the
    /// memo has the object's value (found there, or recorded by the conversion), so the memo
    /// stays what the Python walk leaves, and the answer is the memo's. At most
    /// [`IDENTITY_MEMO`] entries (emptied when full).
    ids: Mutex<HashMap<usize, Remembered>>,
    /// sympy's hash computed natively ([`SympyHash`]), when given: a new tree converted has
    /// it stored on every node before the memo's lookup hashes it.
    hasher: Option<Py<SympyHash>>,
}

/// An entry of [`Converter`]'s memo by identity: the sympy object and its `Expr`.
type Remembered = (Py<PyAny>, Py<PyAny>);

/// The most entries of [`Converter`]'s memo by identity.
const IDENTITY_MEMO: usize = 30_000;

/// The free symbols of an expression: each symbol's `Expr`, its name and whether it is an
/// integer symbol.
type FreeSymbols = Vec<(Py<PyAny>, Py<PyString>, bool)>;

/// The most entries of [`Converter`]'s free-symbols memo.
const FREE_SYMBOLS_MEMO: usize = 30_000;

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Converter")
    }
}

#[pymethods]
impl Converter {
    #[new]
    #[pyo3(signature = (cx, memo, state, kind_of, walk, hasher=None))]
    fn new(
        py: Python<'_>,
        cx: Py<Context>,
        memo: Py<PyDict>,
        state: Py<PyAny>,
        kind_of: Py<PyAny>,
        walk: Py<PyAny>,
        hasher: Option<Py<SympyHash>>,
    ) -> PyResult<Self> {
        let basic_args = basic_args(py)?.unbind();
        Ok(Converter {
            cx,
            memo,
            state,
            kind_of,
            walk,
            kinds: Mutex::new(HashMap::new()),
            basic_args,
            free: Mutex::new(HashMap::new()),
            ids: Mutex::new(HashMap::new()),
            hasher,
        })
    }

    /// The `Expr` of the sympy expression `x` (what `walk(x, cx, state, memo)` gives).
    pub(crate) fn convert<'py>(&self, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.conv(x, 0)
    }

    /// `(end(vr.lower, is_int), end(vr.upper, is_int, True))` for a ValueRanges `vr`, with
    /// `end` `symshape.torch._end`: the integer ends of an integer symbol and the infinite
    /// ends read here, every other one by `end`.
    pub(crate) fn range_ends<'py>(
        &self,
        vr: &Bound<'py, PyAny>,
        is_int: bool,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let py = vr.py();
        self.ends(
            &vr.getattr(intern!(py, "lower"))?,
            &vr.getattr(intern!(py, "upper"))?,
            is_int,
            end,
        )
    }

    /// [`Self::range_ends`] of a ValueRanges whose ends are `lower` and `upper`.
    pub(crate) fn ends<'py>(
        &self,
        lower: &Bound<'py, PyAny>,
        upper: &Bound<'py, PyAny>,
        is_int: bool,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        Ok((
            self.end(lower, is_int, false, end)?,
            self.end(upper, is_int, true, end)?,
        ))
    }

    /// `symshape.torch._set_ranges_py(eng, e, ranges, fallback)` with `symbols` the bridge's
    /// `{name: sympy symbol}`, `end` `symshape.torch._end` and `default_range`
    /// `symshape.torch._default_range`: sets the range of every free symbol of `e` from
    /// `ranges` ({sympy symbol: ValueRanges}), else `fallback`, else the symbol's
    /// assumptions, in the same order and with the same values. The ends that are integers
    /// of integer symbols, or infinities, are read here; `end` reads every other one.
    fn set_ranges(
        &self,
        e: &Bound<'_, PyAny>,
        ranges: &Bound<'_, PyAny>,
        fallback: &Bound<'_, PyAny>,
        symbols: &Bound<'_, PyDict>,
        end: &Bound<'_, PyAny>,
        default_range: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let py = e.py();
        let cx = self.cx.bind(py);
        let (use_ranges, use_fallback) = (ranges.is_truthy()?, fallback.is_truthy()?);
        for (fs, name, is_int) in self.free_symbols(e)? {
            // `symbols[name]`, a KeyError as in Python when it is missing.
            let s = symbols.as_any().get_item(&name)?;
            let mut vr = None;
            if use_ranges {
                vr = Some(dict_get(ranges, &s)?).filter(|v| !v.is_none());
            }
            if vr.is_none() && use_fallback {
                vr = Some(dict_get(fallback, &s)?).filter(|v| !v.is_none());
            }
            let (lo, hi) = match vr {
                None => default_range
                    .call1((&s,))?
                    .extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?,
                Some(vr) => self.range_ends(&vr, is_int, end)?,
            };
            if !lo.is_none() || !hi.is_none() {
                // The symbol by its Expr (the one `name` names in its context).
                super::Context::set_range(cx, &fs, &lo, &hi)?;
            }
        }
        Ok(())
    }

    /// `symshape.torch._set_assumption_ranges_py(eng, e)` with `arng` the engine's memo
    /// `{name: (lo, hi)}` and `arange` `symshape.torch._assumption_range`: clears the context's
    /// facts, then sets the range that every free symbol of `e` gets from its sympy
    /// assumptions (those with an end), in the order of `e.free_symbols`, each range read from
    /// `arng` or else computed by `arange(symbol)` and recorded there. The loop over the
    /// symbols in Python is about 36k instructions per new expression of the real records;
    /// `test_fast_paths.AssumptionRanges` compares the two.
    fn set_assumption_ranges(
        &self,
        e: &Bound<'_, PyAny>,
        arng: &Bound<'_, PyDict>,
        arange: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let py = e.py();
        let cx = self.cx.bind(py);
        super::Context::clear_facts(cx)?;
        let symbols = self.state.bind(py).getattr(intern!(py, "symbols"))?;
        // Every range first, then the context (the Python loop's order of effects).
        let mut set = Vec::new();
        for (fs, name, _) in self.free_symbols(e)? {
            let r = match arng.get_item(&name)? {
                Some(r) => r,
                None => {
                    let r = arange.call1((symbols.get_item(&name)?,))?;
                    arng.set_item(&name, &r)?;
                    r
                }
            };
            let (lo, hi) = r.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
            if !lo.is_none() || !hi.is_none() {
                set.push((fs, lo, hi));
            }
        }
        for (fs, lo, hi) in set {
            super::Context::set_range(cx, &fs, &lo, &hi)?;
        }
        Ok(())
    }

    /// `frozenset(x.name for x in e.free_symbols)`: the names of the free symbols of `e`
    /// (`symshape.torch._names`; `test_fast_paths.FreeSyms` compares them).
    fn names<'py>(&self, e: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyFrozenSet>> {
        let names: Vec<Bound<'py, PyString>> = self
            .free_symbols(e)?
            .into_iter()
            .map(|(_, n, _)| n)
            .collect();
        PyFrozenSet::new(e.py(), &names)
    }

    /// `((name, symbols[name]), ...)` for the free symbols of `e` in the order of
    /// `e.free_symbols`, with `symbols` the bridge's `{name: sympy symbol}`:
    /// `symshape.torch._free_syms`'s tuple (`test_fast_paths.FreeSyms` compares them).
    fn free_syms<'py>(&self, e: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
        let py = e.py();
        let symbols = self.state.bind(py).getattr(intern!(py, "symbols"))?;
        let mut out = Vec::new();
        for (_, name, _) in self.free_symbols(e)? {
            let s = symbols.get_item(&name)?;
            out.push(PyTuple::new(py, [name.into_any(), s])?);
        }
        PyTuple::new(py, out)
    }
}

/// The free symbols of the `Expr` `e` in the order of `e.free_symbols` (the frozenset's), each
/// with its name and whether its type is `"int"` (what `.name` and `.type` give, read in one
/// lock of its context). Anything else than an `Expr` is read through those attributes.
#[allow(clippy::type_complexity)]
fn read_free_symbols<'py>(
    e: &Bound<'py, PyAny>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyString>, bool)>> {
    let py = e.py();
    let set = e.getattr(intern!(py, "free_symbols"))?;
    let mut items = Vec::new();
    for fs in set.try_iter()? {
        items.push(fs?);
    }
    let mut out = Vec::with_capacity(items.len());
    let (Ok(first), true) = (
        e.cast::<super::Expr>(),
        items.iter().all(|x| x.cast::<super::Expr>().is_ok()),
    ) else {
        for fs in items {
            let name = fs.getattr(intern!(py, "name"))?.cast_into::<PyString>()?;
            let is_int = fs.getattr(intern!(py, "type"))?.eq("int")?;
            out.push((fs, name, is_int));
        }
        return Ok(out);
    };
    let cxb = first.get().context(py);
    let read: Vec<(String, bool)> = super::guarded(|| {
        let cx = cxb.get().cx();
        items
            .iter()
            .map(|x| {
                let x = x.cast::<super::Expr>()?.get();
                let Some(s) = cx.as_symbol(x.e) else {
                    return Err(pyo3::exceptions::PyTypeError::new_err("not a symbol"));
                };
                Ok((cx.sym_name(s).to_owned(), cx.ty(x.e) == sym::Ty::Int))
            })
            .collect()
    })?;
    for (fs, (name, is_int)) in items.into_iter().zip(read) {
        out.push((fs, PyString::new(py, &name), is_int));
    }
    Ok(out)
}

/// `m.get(k)`: the dict's own lookup for an exact `dict`, else the method.
fn dict_get<'py>(m: &Bound<'py, PyAny>, k: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = m.py();
    if let Ok(d) = m.cast_exact::<PyDict>() {
        return Ok(d.get_item(k)?.unwrap_or_else(|| py.None().into_bound(py)));
    }
    m.call_method1(intern!(py, "get"), (k,))
}

impl Converter {
    fn kind(&self, t: &Bound<'_, PyType>) -> PyResult<Kind> {
        Ok(self.class(t)?.0)
    }

    /// The kind of the class `t` and whether its `args` is `Basic.args` (cached per class).
    fn class(&self, t: &Bound<'_, PyType>) -> PyResult<(Kind, bool)> {
        let key = t.as_ptr() as usize;
        if let Some((_, k, plain)) = self.lock().get(&key) {
            return Ok((*k, *plain));
        }
        let py = t.py();
        let name: String = self.kind_of.bind(py).call1((t,))?.extract()?;
        let k = if name == "Integer" {
            Kind::Integer
        } else if let Some(&(_, op)) = DIRECT.iter().find(|(n, _)| *n == name) {
            Kind::Direct(op)
        } else if INFINITE.contains(&name.as_str()) {
            Kind::Infinite
        } else {
            Kind::Python
        };
        let plain = plain_args(t, self.basic_args.bind(py));
        self.lock().insert(key, (t.clone().unbind(), k, plain));
        Ok((k, plain))
    }

    /// `end(v, is_int, upper)` (`symshape.torch._end`): an integer end of an integer symbol
    /// and an infinite end are read here, every other one by `end`.
    fn end<'py>(
        &self,
        v: &Bound<'py, PyAny>,
        is_int: bool,
        upper: bool,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = v.py();
        match self.kind(&v.get_type())? {
            Kind::Infinite => return Ok(py.None().into_bound(py)),
            Kind::Integer if is_int => {
                if let Some(n) = Self::int_value(v) {
                    return Ok(n.into_pyobject(py)?.into_any());
                }
            }
            _ => {}
        }
        end.call1((v, is_int, upper))
    }

    /// [`read_free_symbols`] of `e`, memoized for the expressions of this converter's
    /// context (the same expression has the same free symbols in the same frozenset order:
    /// the same hashes inserted in the same order).
    #[allow(clippy::type_complexity)]
    fn free_symbols<'py>(
        &self,
        e: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyString>, bool)>> {
        let py = e.py();
        let key = match e.cast::<super::Expr>() {
            Ok(x) if x.get().cx.bind(py).is(self.cx.bind(py)) => Some(x.get().e.index()),
            _ => None,
        };
        if let Some(k) = key
            && let Some(v) = self.free_memo().get(&k)
        {
            return Ok(v
                .iter()
                .map(|(x, n, i)| (x.bind(py).clone(), n.bind(py).clone(), *i))
                .collect());
        }
        let v = read_free_symbols(e)?;
        if let Some(k) = key {
            let mut memo = self.free_memo();
            if memo.len() >= FREE_SYMBOLS_MEMO {
                memo.clear();
            }
            memo.insert(
                k,
                v.iter()
                    .map(|(x, n, i)| (x.clone().unbind(), n.clone().unbind(), *i))
                    .collect(),
            );
        }
        Ok(v)
    }

    fn free_memo(&self) -> std::sync::MutexGuard<'_, HashMap<usize, FreeSymbols>> {
        self.free.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<usize, Class>> {
        self.kinds.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value of a sympy `Integer` when it fits in an i64 (else the Python walk answers,
    /// with its error).
    fn int_value(x: &Bound<'_, PyAny>) -> Option<i64> {
        x.getattr(intern!(x.py(), "p")).ok()?.extract::<i64>().ok()
    }

    fn python<'py>(&self, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = x.py();
        let r = self.walk.bind(py).call1((
            x,
            self.cx.bind(py),
            self.state.bind(py),
            self.memo.bind(py),
        ))?;
        // The Python walk recorded `x` in the memo.
        self.remember(x, &r);
        Ok(r)
    }

    fn id_lock(&self) -> std::sync::MutexGuard<'_, HashMap<usize, Remembered>> {
        // Each use is one lookup, insert or clear: a panic cannot leave it inconsistent.
        self.ids.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The conversion of the very object `x`, if this converter recorded it.
    fn by_id<'py>(&self, x: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
        let g = self.id_lock();
        let (o, r) = g.get(&(x.as_ptr() as usize))?;
        o.is(x).then(|| r.bind(x.py()).clone())
    }

    /// Records `r` as the conversion of the object `x` (whose value the memo has).
    fn remember(&self, x: &Bound<'_, PyAny>, r: &Bound<'_, PyAny>) {
        let mut g = self.id_lock();
        let old = if g.len() >= IDENTITY_MEMO {
            std::mem::take(&mut *g)
        } else {
            HashMap::new()
        };
        let prev = g.insert(
            x.as_ptr() as usize,
            (x.clone().unbind(), r.clone().unbind()),
        );
        drop(g);
        // Python objects are dropped after the lock is released (a `__del__` may run).
        drop(old);
        drop(prev);
    }

    fn conv<'py>(&self, x: &Bound<'py, PyAny>, depth: u32) -> PyResult<Bound<'py, PyAny>> {
        let py = x.py();
        if let Some(r) = self.by_id(x) {
            return Ok(r);
        }
        if depth == 0
            && let Some(h) = &self.hasher
        {
            // The whole tree at once (its nodes below are hashed with it).
            h.get().prehash(x);
        }
        let memo = self.memo.bind(py);
        if let Some(r) = memo.get_item(x)? {
            self.remember(x, &r);
            return Ok(r);
        }
        let (kind, plain) = if depth < MAX_DEPTH {
            self.class(&x.get_type())?
        } else {
            (Kind::Python, false)
        };
        let cx = self.cx.bind(py);
        let e = match kind {
            // The Python walk records the node in the memo itself.
            Kind::Python | Kind::Infinite => return self.python(x),
            // `Context.call("Identity", n)`, as the Python walk builds it.
            Kind::Integer => {
                let Some(v) = Self::int_value(x) else {
                    return self.python(x);
                };
                call_ops(cx, "Identity", vec![Operand::I(v)])?
            }
            Kind::Direct(op) => {
                let args = if plain {
                    x.getattr(intern!(py, "_args"))?
                } else {
                    x.getattr(intern!(py, "args"))?
                };
                let Ok(args) = args.cast::<PyTuple>() else {
                    return self.python(x);
                };
                // The operands as `Context.call` takes them from the Python walk: an
                // `Integer` as an int, anything else converted (an `Expr` of this context,
                // which `operand` checks).
                let mut ops = Vec::with_capacity(args.len());
                for a in args.iter() {
                    if matches!(self.kind(&a.get_type())?, Kind::Integer) {
                        let Some(v) = Self::int_value(&a) else {
                            return self.python(x);
                        };
                        ops.push(Operand::I(v));
                    } else {
                        ops.push(operand(cx, &self.conv(&a, depth + 1)?, false)?);
                    }
                }
                call_ops(cx, op, ops)?
            }
        };
        let r = wrap(cx, e)?.into_bound(py).into_any();
        memo.set_item(x, &r)?;
        self.remember(x, &r);
        Ok(r)
    }
}

/// sympy's `Basic.args` property.
fn basic_args(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("sympy")?
        .getattr(intern!(py, "Basic"))?
        .getattr(intern!(py, "args"))
}

/// Whether the `args` of the instances of `t` is sympy's `Basic.args`, the property that
/// returns the slot `_args`: then `x._args` is `x.args`, read without running the property's
/// Python frame (a data descriptor: an instance attribute cannot shadow either). Classes that
/// define their own `args` (sympy's sets, polys...) are read through it.
fn plain_args(t: &Bound<'_, PyType>, basic_args: &Bound<'_, PyAny>) -> bool {
    t.getattr(intern!(t.py(), "args"))
        .is_ok_and(|a| a.is(basic_args))
}

/// `_native._direct_table()`: [`DIRECT`] as a dict, for the test that it is
/// `symshape.sympy._DIRECT`.
#[pyfunction]
pub fn _direct_table(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in DIRECT {
        d.set_item(k, v)?;
    }
    Ok(d)
}

/// `symshape.torch._has_symbol_py` in Rust: `_has_symbol(e, s, Symbol)` is sympy's
/// `e.has(s)` for a plain symbol `s`, or `None` where a node is not a sympy object (no
/// `args`; the caller then asks sympy). Sympy's `has` is true when a node of `e` is in the set
/// `{s}`; a node that is not a symbol never is (Symbol has Basic's `__eq__`, which is false
/// across types), so only the symbols are looked up, with the set's test: the same object, or
/// the same hash and `s == node`. The walk in Python was about 10% of a first `try_solve`
/// (every record asks it of both sides); `test_fast_paths.SolveWithoutSolving` compares the
/// two and sympy's `has`.
#[pyfunction]
#[pyo3(signature = (e, s, symbol, basic_args = None))]
pub fn _has_symbol(
    e: &Bound<'_, PyAny>,
    s: &Bound<'_, PyAny>,
    symbol: &Bound<'_, PyType>,
    basic_args: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<bool>> {
    HasSymbol::new(s, symbol, basic_args)?.walk(e)
}

/// [`_has_symbol`] of both sides of a relation: `(_has_symbol(lhs, ...), _has_symbol(rhs,
/// ...))`, or `None` where either is `None` (one call for `try_solve`'s two questions).
#[pyfunction]
#[pyo3(signature = (lhs, rhs, s, symbol, basic_args = None))]
pub fn _has_symbol_sides(
    lhs: &Bound<'_, PyAny>,
    rhs: &Bound<'_, PyAny>,
    s: &Bound<'_, PyAny>,
    symbol: &Bound<'_, PyType>,
    basic_args: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<(bool, bool)>> {
    let mut h = HasSymbol::new(s, symbol, basic_args)?;
    let Some(l) = h.walk(lhs)? else {
        return Ok(None);
    };
    let Some(r) = h.walk(rhs)? else {
        return Ok(None);
    };
    Ok(Some((l, r)))
}

/// The state of [`_has_symbol`]'s walks for one symbol.
struct HasSymbol<'a, 'py> {
    s: &'a Bound<'py, PyAny>,
    symbol: &'a Bound<'py, PyType>,
    basic_args: Option<&'a Bound<'py, PyAny>>,
    /// `hash(s)`, once needed.
    hash: Option<isize>,
    /// `s.name` when `s` is exactly of the class `symbol` (sympy's `Symbol`), once needed:
    /// a node exactly of that class with another name is not equal to `s` (Basic's `__eq__`
    /// compares `_hashable_content`, whose first item is the name), so the set's test is
    /// false without hashing the node (a Python method).
    name: Option<Option<Bound<'py, PyString>>>,
    /// Per class met (a tree has few): whether it is a subclass of `symbol` (`isinstance`
    /// without its `__class__` lookup for the other nodes), and whether its `args` is
    /// `basic_args` ([`plain_args`]).
    classes: Vec<(usize, bool, bool)>,
    stack: Vec<Bound<'py, PyAny>>,
}

impl<'a, 'py> HasSymbol<'a, 'py> {
    fn new(
        s: &'a Bound<'py, PyAny>,
        symbol: &'a Bound<'py, PyType>,
        basic_args: Option<&'a Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        Ok(HasSymbol {
            s,
            symbol,
            basic_args,
            hash: None,
            name: None,
            classes: Vec::new(),
            stack: Vec::new(),
        })
    }

    /// `s.name` when `s` is exactly a `symbol` with a `str` name, else `None`.
    fn name(&mut self) -> Option<Bound<'py, PyString>> {
        if self.name.is_none() {
            let py = self.s.py();
            let n = if self.s.get_type().is(self.symbol) {
                self.s
                    .getattr(intern!(py, "name"))
                    .ok()
                    .and_then(|n| n.cast_into_exact::<PyString>().ok())
            } else {
                None
            };
            self.name = Some(n);
        }
        self.name.clone().flatten()
    }

    fn walk(&mut self, e: &Bound<'py, PyAny>) -> PyResult<Option<bool>> {
        let py = e.py();
        let (symbol, basic_args) = (self.symbol, self.basic_args);
        let mut classes = std::mem::take(&mut self.classes);
        let mut stack = std::mem::take(&mut self.stack);
        let r = walk_symbols(e, symbol, basic_args, &mut classes, &mut stack, |n| {
            if n.is(self.s) {
                return Ok(true);
            }
            if n.get_type().is(self.symbol)
                && let Some(name) = self.name()
                && let Ok(m) = n.getattr(intern!(py, "name"))
                && let Ok(m) = m.cast_exact::<PyString>()
                && !m.as_any().eq(&name)?
            {
                return Ok(false);
            }
            let h = match self.hash {
                Some(h) => h,
                None => *self.hash.insert(self.s.hash()?),
            };
            Ok(n.hash()? == h && self.s.eq(n)?)
        });
        self.classes = classes;
        self.stack = stack;
        r
    }
}

/// Walks the sympy tree `e` (its `args`, theirs...; with `basic_args`, the nodes of a class
/// whose `args` it is read from their slot `_args`: [`plain_args`]) until `found` says yes of
/// a node that is an instance of `symbol`: `Some(true)` then, `Some(false)` when no node
/// did, `None` where a node is not a sympy object (no `args`; the callers then ask sympy).
/// `classes` caches per class met whether it is a subclass of `symbol` and whether its
/// `args` is `basic_args`; `stack` is the walk's (both kept by callers that walk again).
fn walk_symbols<'py>(
    e: &Bound<'py, PyAny>,
    symbol: &Bound<'py, PyType>,
    basic_args: Option<&Bound<'py, PyAny>>,
    classes: &mut Vec<(usize, bool, bool)>,
    stack: &mut Vec<Bound<'py, PyAny>>,
    mut found: impl FnMut(&Bound<'py, PyAny>) -> PyResult<bool>,
) -> PyResult<Option<bool>> {
    let py = e.py();
    let args = intern!(py, "args");
    let slot = intern!(py, "_args");
    stack.clear();
    stack.push(e.clone());
    while let Some(n) = stack.pop() {
        let t = n.get_type();
        let key = t.as_ptr() as usize;
        let (is_symbol, fast) = match classes.iter().find(|(k, _, _)| *k == key) {
            Some(&(_, y, f)) => (y, f),
            None => {
                let y = t.is_subclass(symbol)?;
                let f = basic_args.is_some_and(|b| plain_args(&t, b));
                classes.push((key, y, f));
                (y, f)
            }
        };
        if is_symbol {
            if found(&n)? {
                return Ok(Some(true));
            }
            continue;
        }
        if !push_operands(&n, if fast { slot } else { args }, stack)? {
            return Ok(None);
        }
    }
    Ok(Some(false))
}

/// sympy's `e.has(cls)` for a class `cls`: whether a node of `e` (itself, its `args`, theirs...)
/// is an instance of `cls`; `None` where a node is not a sympy object (no `args`; the caller
/// then asks sympy). With `basic_args` (sympy's `Basic.args`), the nodes of a class whose
/// `args` it is are read from their slot `_args` ([`plain_args`]). `try_solve` asks it of
/// `FloorDiv`; `test_fast_paths.SolveWithoutSolving` compares it with sympy's `has`.
#[pyfunction]
#[pyo3(signature = (e, cls, basic_args = None))]
pub fn _has_type(
    e: &Bound<'_, PyAny>,
    cls: &Bound<'_, PyAny>,
    basic_args: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<bool>> {
    let py = e.py();
    let args = intern!(py, "args");
    let slot = intern!(py, "_args");
    let mut classes: Vec<(usize, bool)> = Vec::new();
    let mut stack = vec![e.clone()];
    while let Some(n) = stack.pop() {
        if n.is_instance(cls)? {
            return Ok(Some(true));
        }
        let t = n.get_type();
        let key = t.as_ptr() as usize;
        let fast = match classes.iter().find(|(k, _)| *k == key) {
            Some(&(_, f)) => f,
            None => {
                let f = basic_args.is_some_and(|b| plain_args(&t, b));
                classes.push((key, f));
                f
            }
        };
        if !push_operands(&n, if fast { slot } else { args }, &mut stack)? {
            return Ok(None);
        }
    }
    Ok(Some(false))
}

/// Whether a symbol of `e` (a node that is an instance of `symbol`) is a key of the dict
/// `keys`: the drop-in asks it of the caller's expression and the replacements, to know
/// whether that object may be handed back (`symshape.torch._final`). `None` where a node is
/// not a sympy object (the caller then asks sympy). A native walk: sympy's `free_symbols`
/// builds a set per node.
#[pyfunction]
#[pyo3(signature = (e, keys, symbol, basic_args = None))]
pub fn _has_key_symbol(
    e: &Bound<'_, PyAny>,
    keys: &Bound<'_, PyDict>,
    symbol: &Bound<'_, PyType>,
    basic_args: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<bool>> {
    walk_symbols(
        e,
        symbol,
        basic_args,
        &mut Vec::new(),
        &mut Vec::new(),
        |n| keys.contains(n),
    )
}

/// Pushes the operands of the sympy node `n`, read from its attribute `attr` (`args`, or the
/// slot `_args` of a class whose `args` is `Basic.args`), on `stack`; `false` when `n` has no
/// such attribute (not a sympy object: the walks' callers then ask sympy).
fn push_operands<'py>(
    n: &Bound<'py, PyAny>,
    attr: &Bound<'py, PyString>,
    stack: &mut Vec<Bound<'py, PyAny>>,
) -> PyResult<bool> {
    let a = match n.getattr(attr) {
        Ok(a) => a,
        Err(err) if err.is_instance_of::<pyo3::exceptions::PyAttributeError>(n.py()) => {
            return Ok(false);
        }
        Err(err) => return Err(err),
    };
    if let Ok(a) = a.cast::<PyTuple>() {
        stack.extend(a.iter());
    } else {
        for c in a.try_iter()? {
            stack.push(c?);
        }
    }
    Ok(true)
}

/// `symshape.torch._plain_syms_py` in Rust: `PlainSyms(Add, Mul, Pow, Symbol, Integer)` (the
/// sympy classes), then `syms(x)`: the symbols of `x` (a tuple, with repeats, in the order of
/// the terms and their factors) when it is an expanded polynomial with int64 coefficients
/// (a sum, exactly `Add`, of products, exactly `Mul`, of integers, symbols and their natural
/// powers below `2**31`) as sympy builds it evaluated (a tree built with `evaluate=False` that
/// `expand` would change, such as `x + 2*0`, is refused: [`PlainSyms::term`]), else `None`.
/// The same walk through the C API: on the real records it
/// is most of a first `simplify` of an expanded polynomial in Python (about 15k instructions),
/// which it answers without conversion; `test_fast_paths.PlainPolynomials` compares the two.
#[pyclass(frozen, module = "symshape._native", name = "PlainSyms")]
pub struct PlainSyms {
    add: Py<PyType>,
    mul: Py<PyType>,
    pow: Py<PyType>,
    symbol: Py<PyType>,
    integer: Py<PyType>,
    /// Whether `Add`, `Mul` and `Pow` read their operands through `Basic.args` (then read
    /// from `_args`, [`plain_args`]).
    plain: bool,
}

impl std::fmt::Debug for PlainSyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainSyms")
    }
}

#[pymethods]
impl PlainSyms {
    #[new]
    fn new(
        py: Python<'_>,
        add: Py<PyType>,
        mul: Py<PyType>,
        pow: Py<PyType>,
        symbol: Py<PyType>,
        integer: Py<PyType>,
    ) -> PyResult<Self> {
        let b = basic_args(py)?;
        let plain = [&add, &mul, &pow]
            .iter()
            .all(|t| plain_args(t.bind(py), &b));
        Ok(PlainSyms {
            add,
            mul,
            pow,
            symbol,
            integer,
            plain,
        })
    }

    /// The symbols of the expanded polynomial `x`, else `None` (the type's docs).
    pub(crate) fn syms<'py>(&self, x: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let py = x.py();
        let mut out = Vec::new();
        if x.get_type().is(self.add.bind(py)) {
            let terms: Vec<Bound<'py, PyAny>> = x
                .getattr(self.args(py))?
                .try_iter()?
                .collect::<PyResult<_>>()?;
            if terms.len() < 2 {
                return Ok(None);
            }
            // Each term's symbols and exponents, sorted by the symbol's identity: two terms
            // with the same are like terms, which `expand` would add.
            let mut monomials: Vec<Vec<(usize, i64)>> = Vec::with_capacity(terms.len());
            for (i, t) in terms.iter().enumerate() {
                let mut mono = Vec::new();
                if !self.term(t, Some(i), &mut out, &mut mono)? {
                    return Ok(None);
                }
                mono.sort_unstable();
                monomials.push(mono);
            }
            monomials.sort_unstable();
            if monomials.windows(2).any(|w| w[0] == w[1]) {
                return Ok(None);
            }
        } else if !self.term(x, None, &mut out, &mut Vec::new())? {
            return Ok(None);
        }
        PyTuple::new(py, out).map(Some)
    }
}

impl PlainSyms {
    /// The attribute the operands of `Add`, `Mul` and `Pow` are read from.
    fn args<'py>(&self, py: Python<'py>) -> &Bound<'py, pyo3::types::PyString> {
        if self.plain {
            intern!(py, "_args")
        } else {
            intern!(py, "args")
        }
    }

    /// Whether the term `t` (the `i`th of a sum, `None` alone) is a product of plain factors
    /// as sympy builds it evaluated: its symbols appended to `out`, and with their exponents
    /// to `mono` (by identity). Refused, as a tree built with `evaluate=False` that `expand`
    /// would change: a product of fewer than two operands, an integer other than a
    /// product's first operand or a sum's first term, 0 or 1 in a product, 0 in a sum, a
    /// symbol twice in a product (`x*x`).
    fn term<'py>(
        &self,
        t: &Bound<'py, PyAny>,
        i: Option<usize>,
        out: &mut Vec<Bound<'py, PyAny>>,
        mono: &mut Vec<(usize, i64)>,
    ) -> PyResult<bool> {
        let py = t.py();
        let in_sum = i.is_some();
        if t.get_type().is(self.mul.bind(py)) {
            let mut n = 0;
            for (j, f) in t.getattr(self.args(py))?.try_iter()?.enumerate() {
                n += 1;
                match self.factor(f?, out, mono)? {
                    Factor::Other => return Ok(false),
                    Factor::Symbol => {}
                    Factor::Integer(c) => {
                        if j > 0 || c == 0 || c == 1 {
                            return Ok(false);
                        }
                    }
                }
            }
            Ok(n >= 2)
        } else {
            Ok(match self.factor(t.clone(), out, mono)? {
                Factor::Other => false,
                Factor::Symbol => true,
                Factor::Integer(c) => !in_sum || (i == Some(0) && c != 0),
            })
        }
    }

    /// What `f` is: an int64 integer, a symbol or a symbol's natural power below `2**31`
    /// (its symbol appended to `out`, and with its exponent to `mono`, unless the symbol is
    /// there already: `Other`), or anything else.
    fn factor<'py>(
        &self,
        f: Bound<'py, PyAny>,
        out: &mut Vec<Bound<'py, PyAny>>,
        mono: &mut Vec<(usize, i64)>,
    ) -> PyResult<Factor> {
        let py = f.py();
        let integer = self.integer.bind(py);
        let p = intern!(py, "p");
        let mut f = f;
        let mut exp = 1;
        let power = f.get_type().is(self.pow.bind(py));
        if power {
            // `f, k = f.args` (a `Pow` has two; anything else raises as the unpacking does).
            let (b, k): (Bound<'py, PyAny>, Bound<'py, PyAny>) =
                f.getattr(self.args(py))?.extract()?;
            if !k.is_instance(integer)? {
                return Ok(Factor::Other);
            }
            match k.getattr(p)?.extract::<i64>() {
                Ok(n) if 1 < n && n < 1 << 31 => exp = n,
                _ => return Ok(Factor::Other),
            }
            f = b;
        }
        if f.is_instance(self.symbol.bind(py))? {
            let id = f.as_ptr() as usize;
            if mono.iter().any(|&(g, _)| g == id) {
                return Ok(Factor::Other);
            }
            mono.push((id, exp));
            out.push(f);
            return Ok(Factor::Symbol);
        }
        // `-2**63 <= f.p < 2**63`: the value fits in an i64 (a power of one is `expand`'s).
        if power || !f.is_instance(integer)? {
            return Ok(Factor::Other);
        }
        Ok(match f.getattr(p)?.extract::<i64>() {
            Ok(c) => Factor::Integer(c),
            Err(_) => Factor::Other,
        })
    }
}

/// What [`PlainSyms::factor`] found.
enum Factor {
    Symbol,
    Integer(i64),
    Other,
}
