//! `_axiom_preds`: the axioms loop of `symshape.torch._ranges_facts` in Rust.
//!
//! `simplify_with_ranges` gets PyTorch's axioms (relations between the shape symbols) with
//! every question: about four per question in the real records, each a new object when the
//! caller rebuilds them. Looking one up in the engine's memos costs about 13k instructions of
//! interpreted Python (two dict lookups by `id`, the shallow key built, a third lookup, a
//! store); here the same lookups through the C API. Whatever is not found that way (a new
//! class, an object without operands, an axiom never seen) goes to the Python function
//! `_axiom`, which converts it and fills the memos, so the memos hold what the Python loop
//! would leave in them; `test_torch_dropin.AxiomPreds` compares the two.

use super::convert::Converter;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};

/// `_native._axiom_preds(axioms, known, ax_ids, shallow_ok, ax_shallow, slow, eng)`: the
/// predicates of `axioms` (in their order) that symshape represents and whose symbols are all
/// in `known` (a set of names), as this Python loop gives them:
///
/// ```python
/// for a in axioms:
///     ent = ax_ids.get(id(a))
///     info = ent[1] if ent is not None and ent[0] is a else slow(eng, a)
///     if info[0] is not None and info[1] <= known:
///         preds.append(info[0])
/// ```
///
/// where `slow` is `_axiom`, whose first steps (the shallow key `(type(a), id(operand)...)`
/// of a class `shallow_ok` accepts, looked up in `ax_shallow`; the entry found recorded in
/// `ax_ids`) are done here when they find the axiom.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn _axiom_preds<'py>(
    axioms: &Bound<'py, PyAny>,
    known: &Bound<'py, PyAny>,
    ax_ids: &Bound<'py, PyDict>,
    shallow_ok: &Bound<'py, PyDict>,
    ax_shallow: &Bound<'py, PyDict>,
    slow: &Bound<'py, PyAny>,
    eng: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let py = axioms.py();
    let preds = PyList::empty(py);
    for a in axioms.try_iter()? {
        let a = a?;
        let id = a.as_ptr() as usize;
        let info = match ax_ids.get_item(id)? {
            Some(ent) if ent.get_item(0)?.is(&a) => ent.get_item(1)?,
            _ => match shallow_hit(&a, id, ax_ids, shallow_ok, ax_shallow)? {
                Some(info) => info,
                None => slow.call1((eng, &a))?,
            },
        };
        let p = info.get_item(0)?;
        if !p.is_none() && info.get_item(1)?.le(known)? {
            preds.append(p)?;
        }
    }
    Ok(preds)
}

/// `_axiom`'s shallow path: the info of the axiom `a` (whose `id` is `id`) found by its
/// shallow key, recorded in `ax_ids` as `_axiom` records it; `None` where `_axiom` must
/// answer (no entry, or a class `shallow_ok` has not classified or refuses, or no operands).
fn shallow_hit<'py>(
    a: &Bound<'py, PyAny>,
    id: usize,
    ax_ids: &Bound<'py, PyDict>,
    shallow_ok: &Bound<'py, PyDict>,
    ax_shallow: &Bound<'py, PyDict>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = a.py();
    let t = a.get_type();
    match shallow_ok.get_item(&t)? {
        Some(ok) if ok.is_truthy()? => {}
        _ => return Ok(None),
    }
    let args = a.getattr(intern!(py, "_args"))?;
    let Ok(args) = args.cast::<PyTuple>() else {
        return Ok(None);
    };
    if args.is_empty() {
        return Ok(None);
    }
    let mut key: Vec<Bound<'py, PyAny>> = Vec::with_capacity(args.len() + 1);
    key.push(t.into_any());
    for x in args.iter() {
        key.push((x.as_ptr() as usize).into_pyobject(py)?.into_any());
    }
    let key = PyTuple::new(py, key)?;
    let Some(ent) = ax_shallow.get_item(&key)? else {
        return Ok(None);
    };
    let info = ent.get_item(1)?;
    ax_ids.set_item(id, PyTuple::new(py, [a.clone(), info.clone()])?)?;
    Ok(Some(info))
}

/// `_native._ranges_same(c, expr, var_ranges, var_to_range, replacements, axioms)`: whether
/// the entry `c` of `simplify_with_ranges`'s memo (`_ranges_engine`: a tuple `(expr, index
/// variables, their sizes, symbols looked up in var_to_range, what it gave or None, axioms,
/// replacement keys looked up, what they gave or None, ...)`) was made from exactly these
/// objects, as `_ranges_same_py` (the reference its test compares it with) decides:
///
/// ```python
/// c[0] is expr
/// and len(var_ranges or ()) == len(c[1])
/// and (not var_ranges or all(map(_is, var_ranges, c[1])) and all(map(_is, var_ranges.values(), c[2])))
/// and len(axioms or ()) == len(c[5]) and (not axioms or all(map(_is, axioms, c[5])))
/// and (c[4] is None) == (not var_to_range)
/// and (not var_to_range or all(map(_is, map(var_to_range.get, c[3]), c[4])))
/// and (c[7] is None) == (not replacements)
/// and (not replacements or all(map(_is, map(replacements.get, c[6]), c[7])))
/// ```
///
/// Identity everywhere (the entry keeps the objects alive, and they are immutable); the
/// mappings are read again, since a caller's dict may have changed since. A repeated question
/// is these checks: about 15k instructions of interpreted Python, a few thousand here.
#[pyfunction]
pub fn _ranges_same<'py>(
    c: &Bound<'py, PyTuple>,
    expr: &Bound<'py, PyAny>,
    var_ranges: &Bound<'py, PyAny>,
    var_to_range: &Bound<'py, PyAny>,
    replacements: &Bound<'py, PyAny>,
    axioms: &Bound<'py, PyAny>,
) -> PyResult<bool> {
    if c.len() < 8 || !c.get_borrowed_item(0)?.is(expr) {
        return Ok(false);
    }
    // The entry's sequences are tuples (`_ranges_engine` makes them so); anything else is
    // not an entry made from these objects.
    let tuple = |i: usize| -> PyResult<Option<Bound<'py, PyTuple>>> {
        Ok(c.get_item(i)?.cast_into::<PyTuple>().ok())
    };
    let (Some(vkeys), Some(vvals), Some(ax)) = (tuple(1)?, tuple(2)?, tuple(5)?) else {
        return Ok(false);
    };
    // var_ranges: its keys and values, in order, are the entry's.
    if var_ranges.is_truthy()? {
        if var_ranges.len()? != vkeys.len() || vvals.len() != vkeys.len() {
            return Ok(false);
        }
        if let Ok(d) = var_ranges.cast_exact::<PyDict>() {
            for (i, (k, v)) in d.iter().enumerate() {
                if !k.is(vkeys.get_borrowed_item(i)?) || !v.is(vvals.get_borrowed_item(i)?) {
                    return Ok(false);
                }
            }
        } else {
            let values = var_ranges.call_method0(pyo3::intern!(c.py(), "values"))?;
            if !same_items(var_ranges, &vkeys)? || !same_items(&values, &vvals)? {
                return Ok(false);
            }
        }
    } else if !vkeys.is_empty() {
        return Ok(false);
    }
    // The axioms, in order.
    if axioms.is_truthy()? {
        if axioms.len()? != ax.len() || !same_items(axioms, &ax)? {
            return Ok(false);
        }
    } else if !ax.is_empty() {
        return Ok(false);
    }
    // What var_to_range and the replacements give for the keys the entry looked up.
    Ok(
        same_lookups(var_to_range, &c.get_item(3)?, &c.get_item(4)?)?
            && same_lookups(replacements, &c.get_item(6)?, &c.get_item(7)?)?,
    )
}

/// `_native._ranges_hit(rcalls, expr, var_ranges, var_to_range, replacements, axioms)`: the
/// answer kept in `rcalls[(id(expr), id(var_ranges))]` (`_ranges_engine`'s memo) when that
/// entry has one and was made from exactly these objects ([`_ranges_same`]), else `None`:
/// a repeated question answered without a frame of interpreted Python.
#[pyfunction]
pub fn _ranges_hit<'py>(
    rcalls: &Bound<'py, PyDict>,
    expr: &Bound<'py, PyAny>,
    var_ranges: &Bound<'py, PyAny>,
    var_to_range: &Bound<'py, PyAny>,
    replacements: &Bound<'py, PyAny>,
    axioms: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = expr.py();
    let key = PyTuple::new(py, [expr.as_ptr() as usize, var_ranges.as_ptr() as usize])?;
    let Some(c) = rcalls.get_item(&key)? else {
        return Ok(None);
    };
    let Ok(c) = c.cast_into::<PyTuple>() else {
        return Ok(None); // a marker: asked once before
    };
    if c.len() <= ANSWER || !_ranges_same(&c, expr, var_ranges, var_to_range, replacements, axioms)?
    {
        return Ok(None);
    }
    Ok(Some(c.get_item(ANSWER)?))
}

/// Where an entry of `_ranges_engine`'s memo keeps its answer.
const ANSWER: usize = 11;

/// Whether iterating `xs` gives the items of `want`, object for object (`xs` has as many).
fn same_items<'py>(xs: &Bound<'py, PyAny>, want: &Bound<'py, PyTuple>) -> PyResult<bool> {
    for (i, x) in xs.try_iter()?.enumerate() {
        if i >= want.len() || !x?.is(want.get_borrowed_item(i)?) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether `mapping.get(keys[i]) is got[i]` for every `i`, with `got` None exactly when the
/// mapping is empty or None (`_ranges_same`).
fn same_lookups<'py>(
    mapping: &Bound<'py, PyAny>,
    keys: &Bound<'py, PyAny>,
    got: &Bound<'py, PyAny>,
) -> PyResult<bool> {
    if !mapping.is_truthy()? {
        return Ok(got.is_none());
    }
    let (Ok(keys), Ok(got)) = (keys.cast::<PyTuple>(), got.cast::<PyTuple>()) else {
        return Ok(false);
    };
    if keys.len() != got.len() {
        return Ok(false);
    }
    // A dict (not a subclass, whose `get` may be its own) is read through the C API.
    let dict = mapping.cast_exact::<PyDict>().ok();
    for (k, want) in keys.iter_borrowed().zip(got.iter_borrowed()) {
        let v = match dict {
            Some(d) => d.get_item(&*k)?,
            None => Some(mapping.call_method1(pyo3::intern!(mapping.py(), "get"), (&*k,))?),
        };
        let same = match v {
            Some(v) => v.is(&*want),
            None => want.is_none(),
        };
        if !same {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `_native._symbol_facts(names, index_names, last, symbols, keys, conv, vget, vr_ends,
/// arng, end, arange, miss, facts, syms, vrs)`: the symbols loop of
/// `symshape.torch._ranges_facts` (`_symbol_facts_py`, the reference
/// `test_fast_paths.SymbolFacts` compares it with, which reads the ranges of var_to_range's
/// entries and `_arange` inline): for each name of `names` not in `index_names`, the bridge's
/// symbol `symbols[name]`, replaced there by the caller's key object `keys[name]` (`keys`:
/// [`_symbol_keys`] of var_to_range, or `None`) when that is another, equal symbol (or, where
/// it is not equal, `keys[name]` set to `None`: not asked again); its entry in `last`
/// (`rlast`: `[sympy symbol, the range object it got last, its fact or None, its Expr]`,
/// made with `miss` and `conv.convert(symbol)` for a new name, its symbol set to the bridge's
/// when that changed), the symbol appended to `syms`, what `vget` gives for it to `vrs`
/// (when `vget` is not `None`), and its fact `(Expr, lo, hi)` to `facts` when it has an end.
/// A range object not seen last time is read through `vr_ends` (`(name, id(vr)) -> (vr, lo,
/// hi)`, then `(name, id(vr.lower), id(vr.upper)) -> (lower, upper, lo, hi)`;
/// `Converter.range_ends` with `end`, the lower end raised to the assumptions' one) or, for
/// `None`, the assumptions' range (`arng`, filled by `arange(symbol)`). The same calls in the
/// same order, the same entries in the memos and the same exceptions as the Python loop.
///
/// The caller's key objects: the symbols the bridge holds are the objects it met first, and
/// equal symbols stop being the same object when sympy's cache is emptied (PyTorch's
/// `ModularIndexing.eval` calls `sympy.simplify`, whose first use imports
/// `sympy.physics.units`, which empties it) or drops them (it keeps 1,000 entries). Looked up
/// with an equal object that is not the key, var_to_range falls back to sympy's `__eq__`, a
/// Python method (about 2 µs a symbol, against 0.08 for the key itself), on every question
/// and in every check of a repeated one ([`_ranges_same`]). With the key objects, the lookups
/// are by identity; the bridge keeps one object per name (the one it held is let go).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn _symbol_facts<'py>(
    names: &Bound<'py, PyAny>,
    index_names: &Bound<'py, PyAny>,
    last: &Bound<'py, PyDict>,
    symbols: &Bound<'py, PyAny>,
    keys: Option<&Bound<'py, PyDict>>,
    conv: &Bound<'py, Converter>,
    vget: Option<&Bound<'py, PyAny>>,
    vr_ends: &Bound<'py, PyDict>,
    arng: &Bound<'py, PyDict>,
    end: &Bound<'py, PyAny>,
    arange: &Bound<'py, PyAny>,
    miss: &Bound<'py, PyAny>,
    facts: &Bound<'py, PyList>,
    syms: &Bound<'py, PyList>,
    vrs: Option<&Bound<'py, PyList>>,
) -> PyResult<()> {
    let py = names.py();
    let no_index = index_names.len()? == 0;
    for name in names.try_iter()? {
        let name = name?;
        if !no_index && index_names.contains(&name)? {
            continue;
        }
        let mut s = symbols.get_item(&name)?;
        if let Some(keys) = keys
            && let Some(k) = keys.get_item(&name)?
            && !k.is_none()
            && !k.is(&s)
        {
            if k.eq(&s)? {
                symbols.set_item(&name, &k)?;
                s = k;
            } else {
                keys.set_item(&name, py.None())?;
            }
        }
        let ent = match last.get_item(&name)? {
            Some(ent) => {
                let ent = ent.cast_into::<PyList>()?;
                if !ent.get_item(0)?.is(&s) {
                    ent.set_item(0, &s)?;
                }
                ent
            }
            None => {
                let ce = conv.get().convert(&s)?;
                let ent = PyList::new(py, [s.clone(), miss.clone(), py.None().into_bound(py), ce])?;
                last.set_item(&name, &ent)?;
                ent
            }
        };
        syms.append(&s)?;
        let mut vr = py.None().into_bound(py);
        if let Some(vget) = vget {
            vr = vget.call1((&s,))?;
            if let Some(vrs) = vrs {
                vrs.append(&vr)?;
            }
        }
        if !ent.get_item(1)?.is(&vr) {
            let (lo, hi) = if vr.is_none() {
                assumption_range(arng, &name, &s, arange)?
            } else {
                vr_range(vr_ends, arng, &name, &s, &vr, conv.get(), end, arange)?
            };
            ent.set_item(1, &vr)?;
            let fact = if !lo.is_none() || !hi.is_none() {
                PyTuple::new(py, [ent.get_item(3)?, lo, hi])?.into_any()
            } else {
                py.None().into_bound(py)
            };
            ent.set_item(2, fact)?;
        }
        let fact = ent.get_item(2)?;
        if !fact.is_none() {
            facts.append(fact)?;
        }
    }
    Ok(())
}

/// `_native._symbol_keys(cache, mapping, symbol)`: `{name: key}` for the keys of the dict
/// `mapping` (var_to_range) that are instances of `symbol` (sympy's `Symbol`), `None` for a
/// name two keys share (which one the caller looks up is not known); `None` for a mapping that
/// is not a dict. [`_symbol_facts`] and `_apply_replacements` take it as `keys`. Memoized in
/// `cache` (the engine's list `[mapping, its length, keys]`) for the last dict, by its identity
/// and length: a shape env keeps one var_to_range and adds to it (a dict keeps the first of
/// equal keys). The entry keeps that one dict alive. Where the dict lost a key and gained
/// another at once, a name may give a key the dict no longer has: an equal symbol, only looked
/// up without the identity's shortcut.
#[pyfunction]
pub fn _symbol_keys<'py>(
    cache: &Bound<'py, PyList>,
    mapping: &Bound<'py, PyAny>,
    symbol: &Bound<'py, PyType>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let py = mapping.py();
    let Ok(d) = mapping.cast_exact::<PyDict>() else {
        return Ok(None);
    };
    if cache.len() == 3
        && cache.get_item(0)?.is(d)
        && cache.get_item(1)?.extract::<usize>().ok() == Some(d.len())
        && let Ok(keys) = cache.get_item(2)?.cast_into::<PyDict>()
    {
        return Ok(Some(keys));
    }
    let out = PyDict::new(py);
    // The keys first (a list): sympy's `name` is a slot, but a subclass's own `name` could
    // run code that changes the dict. A key whose name is not a `str` is left out (its
    // lookups stay as they were).
    for k in d.keys().iter() {
        if !k.is_instance(symbol)? {
            continue;
        }
        let Ok(name) = k.getattr(intern!(py, "name")) else {
            continue;
        };
        if !name.is_exact_instance_of::<PyString>() {
            continue;
        }
        if out.contains(&name)? {
            out.set_item(&name, py.None())?;
        } else {
            out.set_item(&name, &k)?;
        }
    }
    let entry = [
        d.clone().into_any(),
        d.len().into_pyobject(py)?.into_any(),
        out.clone().into_any(),
    ];
    for (i, x) in entry.iter().enumerate() {
        if i < cache.len() {
            cache.set_item(i, x)?;
        } else {
            cache.append(x)?;
        }
    }
    Ok(Some(out))
}

/// `symshape.torch._arange(eng, name, s)`: the range `(lo, hi)` of the symbol from its
/// assumptions, memoized by name in `arng`.
fn assumption_range<'py>(
    arng: &Bound<'py, PyDict>,
    name: &Bound<'py, PyAny>,
    s: &Bound<'py, PyAny>,
    arange: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let r = match arng.get_item(name)? {
        Some(r) => r,
        None => {
            let r = arange.call1((s,))?;
            arng.set_item(name, &r)?;
            r
        }
    };
    r.extract()
}

/// The range of the symbol `s` (`name`) from its var_to_range entry, the ValueRanges `vr`,
/// raised to the lower end of its assumptions, memoized by the identity of `vr` in
/// `vr_ends`, and, for a `vr` not seen before, by the identity of its two ends: `(name,
/// id(lower), id(upper)) -> (lower, upper, lo, hi)`. The range is a function of the two end
/// objects alone (`Converter.range_ends` reads `vr.lower` and `vr.upper` and nothing else
/// of `vr`; `end` and the assumptions' range of `name` are the same for the same symbol of a
/// context), and the entry keeps both ends alive (so their ids are not reused while it
/// exists; `is` is checked). A caller that builds a new ValueRanges per question around the
/// same ends (sympy's cached Integers, `int_oo`) skips reading the ends again.
#[allow(clippy::too_many_arguments)]
fn vr_range<'py>(
    vr_ends: &Bound<'py, PyDict>,
    arng: &Bound<'py, PyDict>,
    name: &Bound<'py, PyAny>,
    s: &Bound<'py, PyAny>,
    vr: &Bound<'py, PyAny>,
    conv: &Converter,
    end: &Bound<'py, PyAny>,
    arange: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let py = vr.py();
    let id = |x: &Bound<'py, PyAny>| -> PyResult<Bound<'py, PyAny>> {
        Ok((x.as_ptr() as usize).into_pyobject(py)?.into_any())
    };
    let key = PyTuple::new(py, [name.clone(), id(vr)?])?;
    if let Some(ent) = vr_ends.get_item(&key)?
        && ent.get_item(0)?.is(vr)
    {
        return Ok((ent.get_item(1)?, ent.get_item(2)?));
    }
    let lower = vr.getattr(intern!(py, "lower"))?;
    let upper = vr.getattr(intern!(py, "upper"))?;
    let ekey = PyTuple::new(py, [name.clone(), id(&lower)?, id(&upper)?])?;
    if let Some(ent) = vr_ends.get_item(&ekey)?
        && ent.get_item(0)?.is(&lower)
        && ent.get_item(1)?.is(&upper)
    {
        return Ok((ent.get_item(2)?, ent.get_item(3)?));
    }
    let is_int = s.getattr(intern!(py, "is_integer"))?.is_truthy()?;
    let (mut lo, hi) = conv.ends(&lower, &upper, is_int, end)?;
    let (alo, _) = assumption_range(arng, name, s, arange)?;
    if !alo.is_none() && (lo.is_none() || lo.lt(&alo)?) {
        lo = alo;
    }
    vr_ends.set_item(key, PyTuple::new(py, [vr.clone(), lo.clone(), hi.clone()])?)?;
    vr_ends.set_item(
        ekey,
        PyTuple::new(py, [lower, upper, lo.clone(), hi.clone()])?,
    )?;
    Ok((lo, hi))
}
