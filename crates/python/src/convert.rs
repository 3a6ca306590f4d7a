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

use super::{Context, Operand, call_ops, operand, wrap};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};
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
    /// Per class (by address; the entry keeps the class alive, so the address is not reused).
    kinds: Mutex<HashMap<usize, (Py<PyType>, Kind)>>,
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Converter")
    }
}

#[pymethods]
impl Converter {
    #[new]
    fn new(
        cx: Py<Context>,
        memo: Py<PyDict>,
        state: Py<PyAny>,
        kind_of: Py<PyAny>,
        walk: Py<PyAny>,
    ) -> Self {
        Converter {
            cx,
            memo,
            state,
            kind_of,
            walk,
            kinds: Mutex::new(HashMap::new()),
        }
    }

    /// The `Expr` of the sympy expression `x` (what `walk(x, cx, state, memo)` gives).
    fn convert<'py>(&self, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.conv(x, 0)
    }

    /// `(end(vr.lower, is_int), end(vr.upper, is_int, True))` for a ValueRanges `vr`, with
    /// `end` `symshape.torch._end`: the integer ends of an integer symbol and the infinite
    /// ends read here, every other one by `end`.
    fn range_ends<'py>(
        &self,
        vr: &Bound<'py, PyAny>,
        is_int: bool,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let py = vr.py();
        Ok((
            self.end(&vr.getattr(intern!(py, "lower"))?, is_int, false, end)?,
            self.end(&vr.getattr(intern!(py, "upper"))?, is_int, true, end)?,
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
        let get = intern!(py, "get");
        for fs in e.getattr(intern!(py, "free_symbols"))?.try_iter()? {
            let fs = fs?;
            let name = fs.getattr(intern!(py, "name"))?;
            // `symbols[name]`, a KeyError as in Python when it is missing.
            let s = symbols.as_any().get_item(&name)?;
            let mut vr = None;
            if use_ranges {
                vr = Some(ranges.call_method1(get, (&s,))?).filter(|v| !v.is_none());
            }
            if vr.is_none() && use_fallback {
                vr = Some(fallback.call_method1(get, (&s,))?).filter(|v| !v.is_none());
            }
            let (lo, hi) = match vr {
                None => default_range
                    .call1((&s,))?
                    .extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?,
                Some(vr) => {
                    let is_int = fs.getattr(intern!(py, "type"))?.eq("int")?;
                    self.range_ends(&vr, is_int, end)?
                }
            };
            if !lo.is_none() || !hi.is_none() {
                super::Context::set_range(cx, &name, &lo, &hi)?;
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
        for fs in e.getattr(intern!(py, "free_symbols"))?.try_iter()? {
            let name = fs?.getattr(intern!(py, "name"))?;
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
                set.push((name, lo, hi));
            }
        }
        for (name, lo, hi) in set {
            super::Context::set_range(cx, &name, &lo, &hi)?;
        }
        Ok(())
    }
}

impl Converter {
    fn kind(&self, t: &Bound<'_, PyType>) -> PyResult<Kind> {
        let key = t.as_ptr() as usize;
        if let Some((_, k)) = self.lock().get(&key) {
            return Ok(*k);
        }
        let name: String = self.kind_of.bind(t.py()).call1((t,))?.extract()?;
        let k = if name == "Integer" {
            Kind::Integer
        } else if let Some(&(_, op)) = DIRECT.iter().find(|(n, _)| *n == name) {
            Kind::Direct(op)
        } else if INFINITE.contains(&name.as_str()) {
            Kind::Infinite
        } else {
            Kind::Python
        };
        self.lock().insert(key, (t.clone().unbind(), k));
        Ok(k)
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<usize, (Py<PyType>, Kind)>> {
        self.kinds.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value of a sympy `Integer` when it fits in an i64 (else the Python walk answers,
    /// with its error).
    fn int_value(x: &Bound<'_, PyAny>) -> Option<i64> {
        x.getattr(intern!(x.py(), "p")).ok()?.extract::<i64>().ok()
    }

    fn python<'py>(&self, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = x.py();
        self.walk
            .bind(py)
            .call1((x, self.cx.bind(py), self.state.bind(py), self.memo.bind(py)))
    }

    fn conv<'py>(&self, x: &Bound<'py, PyAny>, depth: u32) -> PyResult<Bound<'py, PyAny>> {
        let py = x.py();
        let memo = self.memo.bind(py);
        if let Some(r) = memo.get_item(x)? {
            return Ok(r);
        }
        let kind = if depth < MAX_DEPTH {
            self.kind(&x.get_type())?
        } else {
            Kind::Python
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
                let args = x.getattr(intern!(py, "args"))?;
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
        Ok(r)
    }
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
pub fn _has_symbol(
    e: &Bound<'_, PyAny>,
    s: &Bound<'_, PyAny>,
    symbol: &Bound<'_, PyType>,
) -> PyResult<Option<bool>> {
    let py = e.py();
    let args = intern!(py, "args");
    let mut hash = None;
    let mut stack = vec![e.clone()];
    while let Some(n) = stack.pop() {
        if n.is_instance(symbol)? {
            if n.is(s) {
                return Ok(Some(true));
            }
            let h = match hash {
                Some(h) => h,
                None => *hash.insert(s.hash()?),
            };
            if n.hash()? == h && s.eq(&n)? {
                return Ok(Some(true));
            }
            continue;
        }
        let a = match n.getattr(args) {
            Ok(a) => a,
            Err(err) if err.is_instance_of::<pyo3::exceptions::PyAttributeError>(py) => {
                return Ok(None);
            }
            Err(err) => return Err(err),
        };
        for c in a.try_iter()? {
            stack.push(c?);
        }
    }
    Ok(Some(false))
}

/// `symshape.torch._plain_syms_py` in Rust: `PlainSyms(Add, Mul, Pow, Symbol, Integer)` (the
/// sympy classes), then `syms(x)`: the symbols of `x` (a tuple, with repeats, in the order of
/// the terms and their factors) when it is an expanded polynomial with int64 coefficients
/// (a sum, exactly `Add`, of products, exactly `Mul`, of integers, symbols and their natural
/// powers below `2**31`), else `None`. The same walk through the C API: on the real records it
/// is most of a first `simplify` of an expanded polynomial in Python (about 15k instructions),
/// which it answers without conversion; `test_fast_paths.PlainPolynomials` compares the two.
#[pyclass(frozen, module = "symshape._native", name = "PlainSyms")]
pub struct PlainSyms {
    add: Py<PyType>,
    mul: Py<PyType>,
    pow: Py<PyType>,
    symbol: Py<PyType>,
    integer: Py<PyType>,
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
        add: Py<PyType>,
        mul: Py<PyType>,
        pow: Py<PyType>,
        symbol: Py<PyType>,
        integer: Py<PyType>,
    ) -> Self {
        PlainSyms {
            add,
            mul,
            pow,
            symbol,
            integer,
        }
    }

    /// The symbols of the expanded polynomial `x`, else `None` (the type's docs).
    fn syms<'py>(&self, x: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let py = x.py();
        let mut out = Vec::new();
        if x.get_type().is(self.add.bind(py)) {
            for t in x.getattr(intern!(py, "args"))?.try_iter()? {
                if !self.term(&t?, &mut out)? {
                    return Ok(None);
                }
            }
        } else if !self.term(x, &mut out)? {
            return Ok(None);
        }
        PyTuple::new(py, out).map(Some)
    }
}

impl PlainSyms {
    /// Whether the term `t` is a product of plain factors (its symbols appended to `out`).
    fn term<'py>(&self, t: &Bound<'py, PyAny>, out: &mut Vec<Bound<'py, PyAny>>) -> PyResult<bool> {
        let py = t.py();
        if t.get_type().is(self.mul.bind(py)) {
            for f in t.getattr(intern!(py, "args"))?.try_iter()? {
                if !self.factor(f?, out)? {
                    return Ok(false);
                }
            }
            Ok(true)
        } else {
            self.factor(t.clone(), out)
        }
    }

    /// Whether `f` is an int64 integer, a symbol or a symbol's natural power below `2**31`
    /// (its symbol appended to `out`).
    fn factor<'py>(
        &self,
        f: Bound<'py, PyAny>,
        out: &mut Vec<Bound<'py, PyAny>>,
    ) -> PyResult<bool> {
        let py = f.py();
        let integer = self.integer.bind(py);
        let p = intern!(py, "p");
        let mut f = f;
        if f.get_type().is(self.pow.bind(py)) {
            // `f, k = f.args` (a `Pow` has two; anything else raises as the unpacking does).
            let (b, k): (Bound<'py, PyAny>, Bound<'py, PyAny>) =
                f.getattr(intern!(py, "args"))?.extract()?;
            if !k.is_instance(integer)?
                || !matches!(k.getattr(p)?.extract::<i64>(), Ok(n) if 1 < n && n < 1 << 31)
            {
                return Ok(false);
            }
            f = b;
        }
        if f.is_instance(self.symbol.bind(py))? {
            out.push(f);
            return Ok(true);
        }
        // `-2**63 <= f.p < 2**63`: the value fits in an i64.
        Ok(f.is_instance(integer)? && f.getattr(p)?.extract::<i64>().is_ok())
    }
}
