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

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

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
