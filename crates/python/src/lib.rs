//! `symshape._native`: the `sym` engine as a CPython extension (pyo3, abi3, CPython >= 3.9).
//!
//! **API Boundary:** this crate only converts. Python values become `sym` handles and back; every
//! question (simplify, bound, prove, solve, eval) is a call of `sym`'s public API. The pure-Python
//! package beside it (`python/symshape`) adds the sympy bridge and the PyTorch drop-in.
//!
//! Errors: every `sym::Error` becomes a `symshape.Error` subclass (`ParseError` and
//! `UnsupportedError` carry the `column`), ill-typed operands a `TypeError`, and a panic inside
//! the engine (an engine bug) a `symshape.Error` naming it: nothing reaches the interpreter as an
//! abort. A handle of another context is refused at this boundary (`Expr` keeps its context).
//!
//! Threads: a `Context` is guarded by a mutex, so it may be shared; the questions release the
//! GIL while they run (other Python threads go on, calls on one context are serialized).

mod axioms;
mod convert;
mod fast;
mod hash;

use pyo3::exceptions::{PyTypeError, PyValueError, PyZeroDivisionError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyFrozenSet, PyInt, PyString, PyTuple};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, MutexGuard};
use sym::{Bound as SymBound, CmpOp, RangeEnd, RelOp, RoundOp, SolveResult, Truth, Ty, Value};

pyo3::create_exception!(
    symshape,
    Error,
    PyValueError,
    "Base class of symshape's errors (a ValueError)."
);
pyo3::create_exception!(
    symshape,
    ParseError,
    Error,
    "Malformed expression text; `column` is the 1-based column of the offending token."
);
pyo3::create_exception!(
    symshape,
    UnsupportedError,
    Error,
    "Well-formed but outside what the engine represents; the message names the function."
);
pyo3::create_exception!(
    symshape,
    RangeError,
    Error,
    "Invalid range, assumption, type or constant (out of the 64-bit integer range)."
);
pyo3::create_exception!(
    symshape,
    EvalError,
    Error,
    "Evaluation failed: division by zero, overflow, a missing value or a type mismatch."
);
pyo3::create_exception!(
    symshape,
    LimitError,
    Error,
    "A resource limit of the context was reached (input size, context size, time; \
     Context(**limits), docs/limits.md); `limit` names it."
);

/// A `sym::Error` as the matching Python exception, made lazily: nothing of Python runs here
/// (callers hold the context's lock, and creating a Python object can run the garbage
/// collector, whose finalizers may call into the same context and wait on that lock for
/// ever). The column of a `ParseError` or `UnsupportedError` and the name of a `LimitError`'s
/// limit go to the constructor as a second argument, which the classes' `__init__`
/// (`attach_attributes`) sets as `column` or `limit` when Python makes the object.
fn sym_err(_py: Python<'_>, e: sym::Error) -> PyErr {
    let msg = e.to_string();
    match &e {
        sym::Error::Parse { col, .. } => ParseError::new_err((msg, *col)),
        sym::Error::Unsupported { col, .. } => UnsupportedError::new_err((msg, *col)),
        sym::Error::Range(_) => RangeError::new_err(msg),
        sym::Error::Eval(_) => EvalError::new_err(msg),
        sym::Error::Limit { name, .. } => LimitError::new_err((msg, *name)),
        // A kind added to the engine after this binding: the base class, with the message.
        _ => Error::new_err(msg),
    }
}

/// Gives `ParseError` and `UnsupportedError` an `__init__(message, column)` and `LimitError`
/// an `__init__(message, limit)` that keep the message as the exception's only argument (its
/// `str`) and the second as the attribute; one argument, or more than two, as any exception.
fn attach_attributes(py: Python<'_>, m: &Bound<'_, PyModule>) -> PyResult<()> {
    let code = c"
def _attach(cls, attr):
    def __init__(self, *args):
        if len(args) == 2:
            super(cls, self).__init__(args[0])
            setattr(self, attr, args[1])
        else:
            super(cls, self).__init__(*args)
    __init__.__qualname__ = cls.__name__ + '.__init__'
    cls.__init__ = __init__
";
    let globals = PyDict::new(py);
    py.run(code, Some(&globals), None)?;
    let attach = globals
        .get_item("_attach")?
        .ok_or_else(|| Error::new_err("_attach"))?;
    for (cls, attr) in [
        (m.getattr("ParseError")?, "column"),
        (m.getattr("UnsupportedError")?, "column"),
        (m.getattr("LimitError")?, "limit"),
    ] {
        attach.call1((cls, attr))?;
    }
    Ok(())
}

/// The answer of a query, or the limit that stopped it (the answer is then the engine's
/// sound fallback, which Python callers get as `LimitError` instead).
fn limited<T>(cx: &sym::Context, r: T) -> Result<T, sym::Error> {
    match cx.limit_reached() {
        Some(e) => Err(e.clone()),
        None => Ok(r),
    }
}

/// Runs one engine operation on `me`'s context: outside the GIL when `big` (other threads'
/// Python runs meanwhile), inside a panic guard, with the limit that stopped it, if one did,
/// as the error (`limited`). The one place the operations (simplify, bound, prove) run.
fn run_op<T: Send>(
    py: Python<'_>,
    me: &Context,
    big: bool,
    op: impl Fn(&mut sym::Context) -> T + Send + Sync,
) -> PyResult<T> {
    let run = || {
        guarded(|| {
            let mut cx = me.cx();
            let r = op(&mut cx);
            Ok(limited(&cx, r))
        })
    };
    let r = if big { py.detach(run)? } else { run()? };
    r.map_err(|e| sym_err(py, e))
}

/// Runs engine code, turning a panic (an engine bug) into `symshape.Error`.
fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let what = p
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| p.downcast_ref::<&str>().copied())
                .unwrap_or("panic");
            Err(Error::new_err(format!(
                "internal error in the engine: {what}"
            )))
        }
    }
}

/// Owns expressions, symbols, ranges and assumptions (see `sym::Context`).
#[pyclass(frozen, weakref, module = "symshape._native", name = "Context")]
pub struct Context {
    inner: Mutex<sym::Context>,
    last_reason: Mutex<Option<String>>,
    /// The facts `simplify_with_facts` set last, while they are still the context's facts
    /// (`None` after anything else changed them): the same facts again are not set again.
    /// Locked only while `inner` is held (so the two agree; `inner` first).
    installed: Mutex<Option<Installed>>,
    /// The id of the next `Facts` this context makes (a `Facts` is used only with the context
    /// that made it, so ids need only be unique per context: no process-wide counter).
    next_facts_id: std::sync::atomic::AtomicU64,
}

/// The facts `simplify_with_facts` installed last: which `Facts` object, and what the context
/// answered for them afterwards (`range` of each symbol, `assumptions`), checked again before
/// they are reused.
#[derive(Debug)]
struct Installed {
    id: u64,
    ranges: Vec<(sym::Symbol, (RangeEnd, RangeEnd))>,
    assumptions: Vec<sym::Expr>,
}

impl Installed {
    /// Whether the context still has these facts.
    fn holds(&self, cx: &sym::Context) -> bool {
        cx.assumptions() == self.assumptions.as_slice()
            && self.ranges.iter().all(|(s, r)| cx.range(*s) == *r)
    }
}

/// A set of facts of one context, converted once (`Context.facts`) and set by
/// `Context.simplify_with_facts`; immutable.
#[pyclass(frozen, module = "symshape._native", name = "Facts")]
pub struct Facts {
    cx: Py<Context>,
    /// Unique among the `Facts` of its context (the installed facts are recognized by it).
    id: u64,
    ranges: Vec<(sym::Symbol, RangeEnd, RangeEnd)>,
    assumptions: Vec<sym::Expr>,
}

impl std::fmt::Debug for Facts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Facts({})", self.id)
    }
}

#[pymethods]
impl Facts {
    /// How many ranges the facts set.
    #[getter]
    fn n_ranges(&self) -> usize {
        self.ranges.len()
    }

    /// How many assumptions the facts add.
    #[getter]
    fn n_assumptions(&self) -> usize {
        self.assumptions.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<symshape.Facts: {} ranges, {} assumptions>",
            self.ranges.len(),
            self.assumptions.len()
        )
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Context")
    }
}

/// A handle of an expression in one context; immutable, hashable, `==` is structural.
#[pyclass(frozen, module = "symshape._native", name = "Expr")]
pub struct Expr {
    cx: Py<Context>,
    e: sym::Expr,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({})", self.e.index())
    }
}

/// A solved relation: `symbol OP rhs` for every relation, under every condition; or, when
/// the answer depends on a sign or a divisibility, guarded `cases` (then `relations` and
/// `conditions` are empty).
#[pyclass(frozen, module = "symshape._native", name = "Solution")]
#[derive(Debug)]
pub struct Solution {
    /// The target solved for (a symbol, or the expression given as the target).
    #[pyo3(get)]
    symbol: Py<Expr>,
    /// `(op, rhs)` pairs, `op` one of `==`, `!=`, `<`, `<=`, `>`, `>=`.
    #[pyo3(get)]
    relations: Py<PyTuple>,
    /// Boolean side conditions free of the symbol.
    #[pyo3(get)]
    conditions: Py<PyTuple>,
    /// `(when, relations, conditions)` triples with exclusive guards covering the domain
    /// (empty for a plain answer).
    #[pyo3(get)]
    cases: Py<PyTuple>,
    /// Facts (`Ne(d, 0)`) that hold wherever the relation is defined and that the answer used.
    #[pyo3(get)]
    defined_where: Py<PyTuple>,
}

fn rel_op(op: RelOp) -> &'static str {
    match op {
        RelOp::Eq => "==",
        RelOp::Ne => "!=",
        RelOp::Lt => "<",
        RelOp::Le => "<=",
        RelOp::Gt => ">",
        RelOp::Ge => ">=",
    }
}

fn rels_tuple<'py>(
    slf: &Bound<'py, Context>,
    rels: &[sym::Relation],
) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let mut out = Vec::with_capacity(rels.len());
    for rel in rels {
        out.push(
            (rel_op(rel.op), wrap(slf, rel.rhs)?)
                .into_pyobject(py)?
                .into_any(),
        );
    }
    PyTuple::new(py, out)
}

fn exprs_tuple<'py>(slf: &Bound<'py, Context>, es: &[sym::Expr]) -> PyResult<Bound<'py, PyTuple>> {
    let mut out = Vec::with_capacity(es.len());
    for e in es {
        out.push(wrap(slf, *e)?);
    }
    PyTuple::new(slf.py(), out)
}

fn lock(m: &Mutex<sym::Context>) -> MutexGuard<'_, sym::Context> {
    // A panic while the lock was held is reported as an exception; the context itself stays
    // usable (its arena only grows), so poisoning is not propagated.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Context {
    fn cx(&self) -> MutexGuard<'_, sym::Context> {
        lock(&self.inner)
    }

    /// The facts `simplify_with_facts` installed (lock while `inner` is held).
    fn installed(&self) -> MutexGuard<'_, Option<Installed>> {
        self.installed.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes `f` the facts of `cx` (this context's, locked by the caller), unless they are
    /// the facts installed last and nothing changed them since (`simplify_with_facts`).
    fn install(&self, cx: &mut sym::Context, f: &Facts) -> Result<(), sym::Error> {
        let mut installed = self.installed();
        if installed
            .as_ref()
            .is_some_and(|i| i.id == f.id && i.holds(cx))
        {
            return Ok(());
        }
        *installed = None;
        cx.clear_facts();
        for &(s, lo, hi) in &f.ranges {
            cx.set_range(s, lo, hi)?;
        }
        // Bounds of symbols by constants tighten their ranges (`add_fact`): the same facts,
        // consulted once instead of by every question. Their symbols' ranges are recorded too.
        let mut folded: Vec<sym::Symbol> = Vec::new();
        for &p in &f.assumptions {
            if cx.add_fact(p)? {
                folded.extend(cx.free_symbols(p));
            }
        }
        cx.check_facts()?;
        let mut ranges: Vec<_> = f
            .ranges
            .iter()
            .map(|(s, _, _)| (*s, cx.range(*s)))
            .collect();
        ranges.extend(folded.into_iter().map(|s| (s, cx.range(s))));
        *installed = Some(Installed {
            id: f.id,
            ranges,
            assumptions: cx.assumptions().to_vec(),
        });
        Ok(())
    }

    /// The context with the record of installed facts dropped: for every call that may change
    /// the facts (the record is dropped before the change, under the same lock).
    fn cx_changing_facts(&self) -> MutexGuard<'_, sym::Context> {
        let cx = self.cx();
        *self.installed() = None;
        cx
    }
}

/// A Python value that can become an operand: an `Expr` of this context, an int, a float or a
/// bool (and, where `text` is allowed, a string to parse).
enum Operand {
    E(sym::Expr),
    I(i64),
    F(f64),
    B(bool),
    S(String),
}

fn operand(slf: &Bound<'_, Context>, v: &Bound<'_, PyAny>, text: bool) -> PyResult<Operand> {
    if let Ok(x) = v.cast::<Expr>() {
        let x = x.get();
        if !x.cx.bind(v.py()).is(slf) {
            return Err(Error::new_err(
                "this Expr belongs to another Context (handles are only valid in the context that made them)",
            ));
        }
        return Ok(Operand::E(x.e));
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Operand::B(b.is_true()));
    }
    if v.is_instance_of::<PyInt>() {
        return match v.extract::<i64>() {
            Ok(i) => Ok(Operand::I(i)),
            Err(_) => Err(RangeError::new_err(format!(
                "the integer {v} does not fit in a signed 64-bit integer"
            ))),
        };
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return Ok(Operand::F(f.value()));
    }
    if text && let Ok(s) = v.cast::<PyString>() {
        return Ok(Operand::S(s.to_cow()?.into_owned()));
    }
    Err(PyTypeError::new_err(format!(
        "expected a symshape.Expr, int, float or bool{}, got {}",
        if text { " or str" } else { "" },
        v.get_type().name()?
    )))
}

fn to_expr(py: Python<'_>, cx: &mut sym::Context, o: Operand) -> PyResult<sym::Expr> {
    Ok(match o {
        Operand::E(e) => e,
        Operand::I(i) => cx.int(i),
        // docs/language.md §1: infinities only as range ends (`set_range` takes them before
        // this), NaN nowhere. Such a node would print as `oo`/`nan`, which does not parse back.
        Operand::F(f) if !f.is_finite() => {
            return Err(UnsupportedError::new_err(format!(
                "{f} is not a constant of symshape's language (infinities only as range ends)"
            )));
        }
        Operand::F(f) => cx.float(f),
        Operand::B(b) => cx.boolean(b),
        Operand::S(s) => cx.parse(&s).map_err(|e| sym_err(py, e))?,
    })
}

fn wrap(slf: &Bound<'_, Context>, e: sym::Expr) -> PyResult<Py<Expr>> {
    Py::new(
        slf.py(),
        Expr {
            cx: slf.clone().unbind(),
            e,
        },
    )
}

/// [`Expr::_compares_floats`] of `e`; past 64 levels of `And`/`Or`/`Not` it says yes (the
/// caller then looks at the sympy input, which only costs time).
fn compares_floats(cx: &sym::Context, e: sym::Expr, depth: u32) -> bool {
    if depth > 64 {
        return true;
    }
    match cx.view(e) {
        sym::View::Call("Eq" | "Ne" | "Lt" | "Le", xs) => cx.ty(xs[0]) == Ty::Float,
        sym::View::Call("And" | "Or" | "Not", xs) => {
            xs.iter().any(|&x| compares_floats(cx, x, depth + 1))
        }
        _ => false,
    }
}

fn ty_name(t: Ty) -> &'static str {
    match t {
        Ty::Int => "int",
        Ty::Float => "float",
        Ty::Bool => "bool",
    }
}

fn value_to_py(py: Python<'_>, v: Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Value::Float(f) => f.into_pyobject(py)?.into_any().unbind(),
        Value::Bool(b) => PyBool::new(py, b).to_owned().into_any().unbind(),
    })
}

/// A typed builder's `None`: the operands do not fit the operator (or a constant fold overflowed).
fn built(
    cx: &sym::Context,
    what: &str,
    args: &[sym::Expr],
    r: Option<sym::Expr>,
) -> PyResult<sym::Expr> {
    r.ok_or_else(|| {
        let ints = args.iter().all(|a| cx.ty(*a) == Ty::Int);
        if ints && !matches!(what, "Where" | "And" | "Or" | "Not") {
            EvalError::new_err(format!(
                "{what}: a constant does not fit in a signed 64-bit integer (overflow)"
            ))
        } else {
            let tys: Vec<&str> = args.iter().map(|a| ty_name(cx.ty(*a))).collect();
            PyTypeError::new_err(format!(
                "{what} does not take operands of types ({})",
                tys.join(", ")
            ))
        }
    })
}

/// `Context.call(name, *ops)` once its operands are read (also the native sympy walk's
/// builder, src/convert.rs).
fn call_ops(slf: &Bound<'_, Context>, name: &str, ops: Vec<Operand>) -> PyResult<sym::Expr> {
    let py = slf.py();
    guarded(|| {
        let mut cx = slf.get().cx();
        let mut xs = Vec::with_capacity(ops.len());
        for o in ops {
            xs.push(to_expr(py, &mut cx, o)?);
        }
        build_call(py, &mut cx, name, &xs)
    })
}

/// Builds `name(args...)` (the names of docs/language.md and of PyTorch's sympy functions),
/// refused with `LimitError` when it takes the context beyond `context_nodes` or
/// `context_operands` (the operators do not check them): nothing of it is kept.
fn build_call(
    py: Python<'_>,
    cx: &mut sym::Context,
    name: &str,
    a: &[sym::Expr],
) -> PyResult<sym::Expr> {
    if !cx.limits().caps_context() {
        return build_unchecked(py, cx, name, a);
    }
    let mark = cx.mark();
    let r = build_unchecked(py, cx, name, a)?;
    if let Some(e) = cx.over_limits() {
        // Nothing made since the mark is reachable from a handle; building sets no facts,
        // so the rollback is never refused.
        let _ = cx.rollback(mark);
        return Err(sym_err(py, e));
    }
    Ok(r)
}

/// [`build_call`] without the limits' check.
fn build_unchecked(
    py: Python<'_>,
    cx: &mut sym::Context,
    name: &str,
    a: &[sym::Expr],
) -> PyResult<sym::Expr> {
    let arity = |n: usize| -> PyResult<()> {
        if a.len() == n {
            Ok(())
        } else {
            Err(PyTypeError::new_err(format!(
                "{name} takes {n} arguments, got {}",
                a.len()
            )))
        }
    };
    let any_float = a.iter().any(|x| cx.ty(*x) == Ty::Float);
    let r = match name {
        // Integer sums and products in one step (`add_all`, `mul_all`): folding one operand
        // at a time interns every partial sum, quadratic memory for a long one (a sympy `Add`
        // of 20,000 terms took 1.2 GB and 8 s).
        "Add" if !any_float && a.len() > 1 => {
            let r = cx.add_all(a);
            return built(cx, name, a, r);
        }
        "Mul" if !any_float && a.len() > 1 => {
            let r = cx.mul_all(a);
            return built(cx, name, a, r);
        }
        "Add" => {
            let Some((&first, rest)) = a.split_first() else {
                return Ok(cx.int(0));
            };
            let mut acc = first;
            for &x in rest {
                let r = if any_float {
                    cx.fadd(acc, x)
                } else {
                    cx.add(acc, x)
                };
                acc = built(cx, name, &[acc, x], r)?;
            }
            return Ok(acc);
        }
        "Mul" => {
            let Some((&first, rest)) = a.split_first() else {
                return Ok(cx.int(1));
            };
            let mut acc = first;
            for &x in rest {
                let r = if any_float {
                    cx.fmul(acc, x)
                } else {
                    cx.mul(acc, x)
                };
                acc = built(cx, name, &[acc, x], r)?;
            }
            return Ok(acc);
        }
        "Sub" => {
            arity(2)?;
            if any_float {
                let n = cx.fneg(a[1]);
                let n = built(cx, name, a, n)?;
                cx.fadd(a[0], n)
            } else {
                cx.sub(a[0], a[1])
            }
        }
        "Neg" => {
            arity(1)?;
            if any_float {
                cx.fneg(a[0])
            } else {
                cx.neg(a[0])
            }
        }
        "Pow" | "PowByNatural" => {
            arity(2)?;
            let Some(k) = cx.as_int(a[1]) else {
                return Err(UnsupportedError::new_err(format!(
                    "{name} with a non-constant exponent {}",
                    cx.display(a[1])
                )));
            };
            if cx.ty(a[0]) != Ty::Int {
                return Err(UnsupportedError::new_err(format!(
                    "{name} of a non-integer base"
                )));
            }
            if k < 0 || k > i64::from(u32::MAX) {
                return Err(UnsupportedError::new_err(format!(
                    "{name} with the exponent {k} (only natural exponents are integers)"
                )));
            }
            cx.pow(a[0], k as u32)
        }
        "FloorDiv" | "CleanDiv" => {
            arity(2)?;
            cx.floordiv(a[0], a[1])
        }
        "CeilDiv" => {
            arity(2)?;
            cx.ceildiv(a[0], a[1])
        }
        "Mod" | "PythonMod" => {
            arity(2)?;
            cx.modulo(a[0], a[1])
        }
        "ModularIndexing" => {
            arity(3)?;
            cx.modular_indexing(a[0], a[1], a[2])
        }
        // As the parser says it (not the overflow `built` would report for a refused call).
        "Min" | "Max" if a.is_empty() => {
            return Err(PyTypeError::new_err(format!(
                "{name} needs at least one argument"
            )));
        }
        "Min" => cx.min(a),
        "Max" => cx.max(a),
        "Abs" => {
            arity(1)?;
            cx.abs(a[0])
        }
        "Where" => {
            arity(3)?;
            cx.where_(a[0], a[1], a[2])
        }
        "Eq" | "Ne" | "Lt" | "Le" | "Gt" | "Ge" => {
            arity(2)?;
            let (op, x, y) = match name {
                "Eq" => (CmpOp::Eq, a[0], a[1]),
                "Ne" => (CmpOp::Ne, a[0], a[1]),
                "Lt" => (CmpOp::Lt, a[0], a[1]),
                "Le" => (CmpOp::Le, a[0], a[1]),
                "Gt" => (CmpOp::Lt, a[1], a[0]),
                _ => (CmpOp::Le, a[1], a[0]),
            };
            // Mixed int/float comparisons compare as floats (Python's semantics).
            let (x, y) = if cx.ty(x) != cx.ty(y) && any_float {
                let fx = cx.to_float(x);
                let fx = built(cx, name, a, fx)?;
                let fy = cx.to_float(y);
                (fx, built(cx, name, a, fy)?)
            } else {
                (x, y)
            };
            cx.compare(op, x, y)
        }
        "And" => cx.and(a),
        "Or" => cx.or(a),
        "Not" => {
            arity(1)?;
            cx.not(a[0])
        }
        "ToFloat" => {
            arity(1)?;
            cx.to_float(a[0])
        }
        "IntTrueDiv" => {
            arity(2)?;
            cx.int_truediv(a[0], a[1])
        }
        "FloatTrueDiv" => {
            arity(2)?;
            cx.float_truediv(a[0], a[1])
        }
        "TruncToInt" | "FloorToInt" | "CeilToInt" | "RoundToInt" => {
            arity(1)?;
            let op = match name {
                "TruncToInt" => RoundOp::Trunc,
                "FloorToInt" => RoundOp::Floor,
                "CeilToInt" => RoundOp::Ceil,
                _ => RoundOp::Round,
            };
            cx.float_to_int(op, a[0])
        }
        "Identity" => {
            arity(1)?;
            Some(a[0])
        }
        _ => {
            let _ = py;
            return Err(UnsupportedError::new_err(format!(
                "unsupported function '{name}'"
            )));
        }
    };
    built(cx, name, a, r)
}

/// A range end read from Python: `None` (unbounded), an int, a float, an `Expr` or a string.
/// Read before the context is locked: reading a Python value may run Python code (an int
/// subclass's `__str__` for the message of an integer beyond int64), which must not find the
/// context locked (it could call the context again: a deadlock).
enum EndArg {
    Infinite,
    /// A float infinity: `true` for `inf`, `false` for `-inf`.
    Inf(bool),
    Value(Operand),
}

fn read_end(slf: &Bound<'_, Context>, v: &Bound<'_, PyAny>) -> PyResult<EndArg> {
    if v.is_none() {
        return Ok(EndArg::Infinite);
    }
    Ok(match operand(slf, v, true)? {
        Operand::F(f) if f.is_infinite() => EndArg::Inf(f > 0.0),
        o => EndArg::Value(o),
    })
}

impl EndArg {
    /// The range end in `cx` (locked), the upper one (`upper`) or the lower one: an infinity
    /// of the other side (`inf` or `"oo"` as a lower end) leaves no value in the range, a
    /// `RangeError` (`Context::parse_range_end_of`).
    fn resolve(self, py: Python<'_>, cx: &mut sym::Context, upper: bool) -> PyResult<RangeEnd> {
        match self {
            EndArg::Infinite => Ok(RangeEnd::Infinite),
            EndArg::Inf(positive) if positive == upper => Ok(RangeEnd::Infinite),
            EndArg::Inf(positive) => {
                let text = if positive { "oo" } else { "-oo" };
                cx.parse_range_end_of(text, upper)
                    .map_err(|e| sym_err(py, e))
            }
            EndArg::Value(Operand::S(s)) => {
                cx.parse_range_end_of(&s, upper).map_err(|e| sym_err(py, e))
            }
            EndArg::Value(o) => Ok(RangeEnd::Expr(to_expr(py, cx, o)?)),
        }
    }
}

/// A symbol named by a string or a bare-symbol `Expr`, read from Python before the context
/// is locked (as [`EndArg`]).
enum SymArg {
    Name(String),
    E(sym::Expr),
}

fn read_symbol(slf: &Bound<'_, Context>, v: &Bound<'_, PyAny>) -> PyResult<SymArg> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(SymArg::Name(s.to_cow()?.into_owned()));
    }
    match operand(slf, v, false)? {
        Operand::E(e) => Ok(SymArg::E(e)),
        _ => Err(PyTypeError::new_err(
            "expected a symbol name or a symbol Expr",
        )),
    }
}

impl SymArg {
    /// A solve target: the symbol of a name (which must exist), or an expression as it is.
    fn resolve_target(self, py: Python<'_>, cx: &mut sym::Context) -> PyResult<sym::Expr> {
        match self {
            SymArg::E(e) => Ok(e),
            name => {
                let s = name.resolve(py, cx, false)?;
                Ok(cx.sym(s))
            }
        }
    }

    /// The symbol in `cx` (locked), declared as an int symbol if `create` and new.
    fn resolve(self, py: Python<'_>, cx: &mut sym::Context, create: bool) -> PyResult<sym::Symbol> {
        match self {
            SymArg::Name(name) => match cx.lookup(&name) {
                Some(s) => Ok(s),
                None if create => cx.symbol(&name).map_err(|e| sym_err(py, e)),
                None => Err(RangeError::new_err(format!(
                    "no symbol '{name}' in this context"
                ))),
            },
            SymArg::E(e) => cx
                .as_symbol(e)
                .ok_or_else(|| PyTypeError::new_err(format!("{} is not a symbol", cx.display(e)))),
        }
    }
}

/// The `context_operands` limit of a Python `Context` unless its caller gives one: 2^28
/// operands, about 1.6 GB of sums and products (docs/limits.md). Building a long product one
/// factor at a time (`e = e * x` in a loop) holds quadratic memory; without a limit 100,000
/// factors exhaust the machine and the operating system ends the interpreter.
pub const PY_CONTEXT_OPERANDS: usize = 1 << 28;

/// Operations at least this large (printed-size measure) release the GIL while they run; below
/// it the release costs more than the work.
const DETACH_SIZE: usize = 24;

#[pymethods]
impl Context {
    /// A new, empty context, with resource limits as keyword arguments (docs/limits.md):
    /// `time_ms`, `input_nodes`, `context_nodes`, `context_operands`, `rewrite_steps`,
    /// `proof_work`, `nesting`, `expand_terms`, `solve_cases` (nonnegative ints; `None` for
    /// no limit). A query stopped by `time_ms`, `context_nodes` or `context_operands`, and an
    /// input over `input_nodes` or that would take the context beyond them, raise
    /// `LimitError`. `context_operands` is [`PY_CONTEXT_OPERANDS`] unless given: an
    /// expression built one operand at a time holds quadratic memory, which would otherwise
    /// end the interpreter.
    #[new]
    #[pyo3(signature = (**limits))]
    fn new(limits: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut l = sym::Limits::default().with_context_operands(PY_CONTEXT_OPERANDS);
        if let Some(d) = limits {
            for (k, v) in d.iter() {
                let name: String = k.extract()?;
                if v.is_none() {
                    l.unset(&name)
                        .map_err(|e| PyTypeError::new_err(format!("Context(): {e}")))?;
                    continue;
                }
                let value: u64 = v.extract().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "limit '{name}' must be a nonnegative int or None"
                    ))
                })?;
                l.set(&name, value)
                    .map_err(|e| PyTypeError::new_err(format!("Context(): {e}")))?;
            }
        }
        Ok(Context {
            inner: Mutex::new(sym::Context::with_limits(l)),
            last_reason: Mutex::new(None),
            installed: Mutex::new(None),
            next_facts_id: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The context's limits: {name: value}, `None` for no limit.
    #[getter]
    fn limits(slf: &Bound<'_, Self>) -> PyResult<Py<PyDict>> {
        let py = slf.py();
        let l = slf.get().cx().limits().clone();
        let d = PyDict::new(py);
        let big = |v: usize| (v != usize::MAX).then_some(v);
        d.set_item("time_ms", l.time.map(|t| t.as_millis() as u64))?;
        d.set_item("input_nodes", big(l.input_nodes))?;
        d.set_item("context_nodes", big(l.context_nodes))?;
        d.set_item("context_operands", big(l.context_operands))?;
        d.set_item("rewrite_steps", l.rewrite_steps)?;
        d.set_item("proof_work", l.proof_work)?;
        d.set_item("nesting", l.nesting)?;
        d.set_item("expand_terms", l.expand_terms)?;
        d.set_item("solve_cases", l.solve_cases)?;
        Ok(d.unbind())
    }

    /// The symbol `name` as an expression, declared with `type` ("int" or "float") if new.
    #[pyo3(signature = (name, r#type = "int"))]
    fn symbol(slf: &Bound<'_, Self>, name: &str, r#type: &str) -> PyResult<Py<Expr>> {
        let py = slf.py();
        let ty = match r#type {
            "int" => Ty::Int,
            "float" => Ty::Float,
            other => {
                return Err(RangeError::new_err(format!(
                    "symbol type must be \"int\" or \"float\", not {other:?}"
                )));
            }
        };
        let e = guarded(|| {
            let mut cx = slf.get().cx();
            let s = cx.declare(name, ty).map_err(|e| sym_err(py, e))?;
            Ok(cx.sym(s))
        })?;
        wrap(slf, e)
    }

    /// Declares `lo <= name <= hi`. Ends: int, float (float symbols), an expression over other
    /// symbols (`Expr` or text), or `None` for unbounded.
    fn set_range(
        slf: &Bound<'_, Self>,
        name: &Bound<'_, PyAny>,
        lo: &Bound<'_, PyAny>,
        hi: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let py = slf.py();
        // The Python values first, then the context (EndArg).
        let (name, lo, hi) = (
            read_symbol(slf, name)?,
            read_end(slf, lo)?,
            read_end(slf, hi)?,
        );
        guarded(|| {
            let mut cx = slf.get().cx_changing_facts();
            let s = name.resolve(py, &mut cx, true)?;
            let lo = lo.resolve(py, &mut cx, false)?;
            let hi = hi.resolve(py, &mut cx, true)?;
            cx.set_range(s, lo, hi).map_err(|e| sym_err(py, e))
        })
    }

    /// Adds a boolean fact (an `Expr` or text like `"Eq(Mod(s0, 8), 0)"`).
    fn assume(slf: &Bound<'_, Self>, pred: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = slf.py();
        // The Python value first, then the context (EndArg).
        let pred = operand(slf, pred, true)?;
        guarded(|| {
            let mut cx = slf.get().cx_changing_facts();
            let p = match pred {
                Operand::S(s) => cx.parse_bool(&s).map_err(|e| sym_err(py, e))?,
                o => to_expr(py, &mut cx, o)?,
            };
            cx.assume(p).map_err(|e| sym_err(py, e))
        })
    }

    /// A reusable set of facts of this context for `simplify_with_facts`: `ranges` are
    /// `(name, lo, hi)` triples as `set_range` takes them (a name or symbol `Expr`, ends int,
    /// float, `Expr`, text or `None`), `assumptions` predicates as `assume` takes them. Values
    /// of the wrong kind raise here (`TypeError`, `ParseError`, `RangeError` for an integer
    /// outside int64); the engine checks the facts themselves when they are set. Symbols
    /// named for the first time are declared as `set_range` declares them.
    #[pyo3(signature = (ranges = None, assumptions = None))]
    fn facts(
        slf: &Bound<'_, Self>,
        ranges: Option<&Bound<'_, PyAny>>,
        assumptions: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<Facts>> {
        let py = slf.py();
        // The Python values first (iterating may run Python code, which must not find the
        // context locked), then the conversion under one lock.
        let bad = || PyTypeError::new_err("Context.facts: ranges are (name, lo, hi) tuples");
        let mut rs = Vec::new();
        if let Some(ranges) = ranges {
            for item in ranges.try_iter()? {
                let item = item?;
                let t = item.cast::<PyTuple>().map_err(|_| bad())?;
                if t.len() != 3 {
                    return Err(bad());
                }
                rs.push((
                    read_symbol(slf, &t.get_item(0)?)?,
                    read_end(slf, &t.get_item(1)?)?,
                    read_end(slf, &t.get_item(2)?)?,
                ));
            }
        }
        let mut ps = Vec::new();
        if let Some(assumptions) = assumptions {
            for p in assumptions.try_iter()? {
                ps.push(operand(slf, &p?, true)?);
            }
        }
        let (ranges, assumptions) = guarded(|| {
            // Declaring symbols and making nodes changes no fact.
            let mut cx = slf.get().cx();
            let mut ranges = Vec::with_capacity(rs.len());
            for (name, lo, hi) in rs {
                let s = name.resolve(py, &mut cx, true)?;
                let lo = lo.resolve(py, &mut cx, false)?;
                let hi = hi.resolve(py, &mut cx, true)?;
                ranges.push((s, lo, hi));
            }
            let mut assumptions = Vec::with_capacity(ps.len());
            for p in ps {
                assumptions.push(match p {
                    Operand::S(s) => cx.parse_bool(&s).map_err(|e| sym_err(py, e))?,
                    o => to_expr(py, &mut cx, o)?,
                });
            }
            Ok((ranges, assumptions))
        })?;
        Py::new(
            py,
            Facts {
                cx: slf.clone().unbind(),
                id: slf
                    .get()
                    .next_facts_id
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                ranges,
                assumptions,
            },
        )
    }

    /// Replaces every fact by `facts` (from `Context.facts`) and simplifies `e`: the same as
    /// `clear_facts()`, then `set_range` for each range of `facts` in order, `assume` for each
    /// assumption in order, `check_facts()` and `simplify(e)`, in one call (the drop-in's
    /// `simplify_with_ranges` sets about ten facts per question, and a call from Python costs
    /// more than the engine's work on a fact). The facts stay set afterwards, as with the
    /// separate calls; a range or assumption the engine refuses (or contradictory facts)
    /// raises with the facts before it set.
    ///
    /// When `facts` is the object the previous `simplify_with_facts` of this context set and
    /// nothing has changed the context's facts since (no `set_range`, `assume`,
    /// `clear_facts` or `solve`), they are not set again, so what the engine derived from them
    /// is reused (the same answer: derived facts depend on the facts only).
    fn simplify_with_facts(
        slf: &Bound<'_, Self>,
        e: &Bound<'_, PyAny>,
        facts: &Bound<'_, Facts>,
    ) -> PyResult<Py<Expr>> {
        let py = slf.py();
        let x = Self::arg(slf, e)?;
        let f = facts.get();
        if !f.cx.bind(py).is(slf) {
            return Err(Error::new_err(
                "these Facts belong to another Context (made by that context's facts())",
            ));
        }
        let me = slf.get();
        // The size of `x` does not depend on the facts; setting the facts and simplifying
        // happen under one hold of the lock (another thread's facts could come in between
        // two), outside the GIL when `x` is large.
        let big = guarded(|| Ok(me.cx().size(x) >= DETACH_SIZE))?;
        let r = run_op(py, me, big, |cx| -> Result<sym::Expr, sym::Error> {
            me.install(cx, f)?;
            Ok(cx.simplify(x))
        })?;
        let r = r.map_err(|e| sym_err(py, e))?;
        wrap(slf, r)
    }

    /// Checks that the ranges and assumptions leave every symbol a value (RangeError if not).
    fn check_facts(slf: &Bound<'_, Self>) -> PyResult<()> {
        let py = slf.py();
        guarded(|| slf.get().cx().check_facts().map_err(|e| sym_err(py, e)))
    }

    /// Removes every range and assumption (symbols and expressions stay valid).
    fn clear_facts(slf: &Bound<'_, Self>) -> PyResult<()> {
        guarded(|| {
            slf.get().cx_changing_facts().clear_facts();
            Ok(())
        })
    }

    /// Parses sympy-syntax text (PyTorch's printing) into an expression.
    fn parse(slf: &Bound<'_, Self>, text: &str) -> PyResult<Py<Expr>> {
        let py = slf.py();
        let e = guarded(|| slf.get().cx().parse(text).map_err(|e| sym_err(py, e)))?;
        wrap(slf, e)
    }

    /// Builds `name(*args)`: Add, Mul, Sub, Neg, Pow, FloorDiv, CleanDiv, CeilDiv, Mod,
    /// PythonMod, ModularIndexing, Min, Max, Abs, Where, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Not,
    /// ToFloat, IntTrueDiv, FloatTrueDiv, TruncToInt, FloorToInt, CeilToInt, RoundToInt,
    /// Identity. Arguments are `Expr`s of this context, ints, floats or bools. An integer
    /// `Add` or `Mul` is built in one step (`sym::Context::add_all`, `mul_all`: memory linear
    /// in the operands).
    #[pyo3(signature = (name, *args))]
    fn call(slf: &Bound<'_, Self>, name: &str, args: &Bound<'_, PyTuple>) -> PyResult<Py<Expr>> {
        let mut ops = Vec::with_capacity(args.len());
        for a in args.iter() {
            ops.push(operand(slf, &a, false)?);
        }
        wrap(slf, call_ops(slf, name, ops)?)
    }

    /// The sound canonical, range-aware simplification of `e` (an `Expr` or text).
    fn simplify(slf: &Bound<'_, Self>, e: &Bound<'_, PyAny>) -> PyResult<Py<Expr>> {
        let x = Self::arg(slf, e)?;
        let me = slf.get();
        let big = guarded(|| Ok(me.cx().size(x) >= DETACH_SIZE))?;
        let r = run_op(slf.py(), me, big, |cx| cx.simplify(x))?;
        wrap(slf, r)
    }

    /// `e` fully expanded, like sympy's `expand` of an integer expression: products of sums
    /// distributed and powers of sums multiplied out; with `deep` in every operand, without
    /// only through the sums, products and powers at the top. Not a simplification (the
    /// terms can overflow int64 where the product does not). `None` when a product or power
    /// would have more than `max_terms` terms, a coefficient overflows int64, or a float
    /// product has a float sum operand.
    #[pyo3(signature = (e, max_terms = 64, deep = true))]
    fn expand(
        slf: &Bound<'_, Self>,
        e: &Bound<'_, PyAny>,
        max_terms: usize,
        deep: bool,
    ) -> PyResult<Option<Py<Expr>>> {
        let x = Self::arg(slf, e)?;
        let me = slf.get();
        let big = guarded(|| Ok(me.cx().size(x) >= DETACH_SIZE))?;
        match run_op(slf.py(), me, big, |cx| cx.expand(x, max_terms, deep))? {
            Some(r) => wrap(slf, r).map(Some),
            None => Ok(None),
        }
    }

    /// A sound bound `(lo, hi)` of `e`; `None` for an infinite end (floats: float ends, `None`
    /// when infinite; booleans: `(False, True)` when undecided).
    fn bound(slf: &Bound<'_, Self>, e: &Bound<'_, PyAny>) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        let py = slf.py();
        let x = Self::arg(slf, e)?;
        let me = slf.get();
        let big = guarded(|| Ok(me.cx().size(x) >= DETACH_SIZE))?;
        let b = run_op(py, me, big, |cx| cx.bound(x))?;
        let opt_i = |v: Option<i64>| -> PyResult<Py<PyAny>> {
            Ok(match v {
                Some(i) => i.into_pyobject(py)?.into_any().unbind(),
                None => py.None(),
            })
        };
        let opt_f = |v: f64| -> PyResult<Py<PyAny>> {
            Ok(if v.is_infinite() {
                py.None()
            } else {
                v.into_pyobject(py)?.into_any().unbind()
            })
        };
        Ok(match b {
            SymBound::Int { lo, hi } => (opt_i(lo)?, opt_i(hi)?),
            SymBound::Float { lo, hi } => (opt_f(lo)?, opt_f(hi)?),
            SymBound::Bool { lo, hi } => (
                PyBool::new(py, lo).to_owned().into_any().unbind(),
                PyBool::new(py, hi).to_owned().into_any().unbind(),
            ),
        })
    }

    /// Proves a boolean: `True` (always holds), `False` (never holds) or `None` (unknown).
    fn prove(slf: &Bound<'_, Self>, pred: &Bound<'_, PyAny>) -> PyResult<Option<bool>> {
        let x = Self::arg(slf, pred)?;
        let me = slf.get();
        let t = guarded(|| {
            let cx = me.cx();
            if cx.ty(x) != Ty::Bool {
                return Err(PyTypeError::new_err(format!(
                    "prove needs a boolean expression, got {}",
                    cx.display(x)
                )));
            }
            Ok(cx.size(x) >= DETACH_SIZE)
        })?;
        // A boolean (checked above): the engine's type error cannot come.
        let r = run_op(slf.py(), me, t, |cx| cx.prove(x).unwrap_or(Truth::Unknown))?;
        Ok(match r {
            Truth::True => Some(true),
            Truth::False => Some(false),
            Truth::Unknown => None,
        })
    }

    /// Solves the relation `rel` for `target`, a symbol (name or `Expr`) or any expression of
    /// the relation taken as a whole: a `Solution`, or `None` (then `last_unsolved_reason`
    /// says why). With `cases=True`, answers that depend
    /// on a sign or a divisibility come back as guarded `Solution.cases`.
    #[pyo3(signature = (rel, target, cases = false))]
    fn solve(
        slf: &Bound<'_, Self>,
        rel: &Bound<'_, PyAny>,
        target: &Bound<'_, PyAny>,
        cases: bool,
    ) -> PyResult<Option<Py<Solution>>> {
        let py = slf.py();
        let r = Self::arg(slf, rel)?;
        let me = slf.get();
        // A symbol (its name or Expr), or any expression of the relation taken as a whole
        // (`2*s0` in `Eq(2*s0 + 1, 5)`, `Mod(s0, 16)`), as `sym::Context::solve` takes it.
        let target = read_symbol(slf, target)?;
        let t = guarded(|| target.resolve_target(py, &mut me.cx()))?;
        let res = py.detach(|| {
            guarded(|| {
                // solve_with_cases narrows a range while it runs.
                let mut cx = me.cx_changing_facts();
                let res = if cases {
                    cx.solve_with_cases(r, t)
                } else {
                    cx.solve(r, t)
                };
                Ok(limited(&cx, res))
            })
        })?;
        let res = res.map_err(|e| sym_err(py, e))?;
        match res {
            SolveResult::Unsolved(reason) => {
                *me.last_reason.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.message);
                Ok(None)
            }
            SolveResult::Solved(sol) => {
                *me.last_reason.lock().unwrap_or_else(|p| p.into_inner()) = None;
                let xe = sol.target;
                let mut cases = Vec::with_capacity(sol.cases.len());
                for c in &sol.cases {
                    cases.push(
                        (
                            wrap(slf, c.when)?,
                            rels_tuple(slf, &c.relations)?,
                            exprs_tuple(slf, &c.conditions)?,
                        )
                            .into_pyobject(py)?
                            .into_any(),
                    );
                }
                Ok(Some(Py::new(
                    py,
                    Solution {
                        symbol: wrap(slf, xe)?,
                        relations: rels_tuple(slf, &sol.relations)?.unbind(),
                        conditions: exprs_tuple(slf, &sol.conditions)?.unbind(),
                        cases: PyTuple::new(py, cases)?.unbind(),
                        defined_where: exprs_tuple(slf, &sol.defined_where)?.unbind(),
                    },
                )?))
            }
        }
    }

    /// Why the last `solve` on this context returned `None` (`None` after a solved one).
    #[getter]
    fn last_unsolved_reason(&self) -> Option<String> {
        self.last_reason
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Evaluates `e` exactly with `values` ({name: int | float | bool}); floor semantics,
    /// overflow and division by zero raise `EvalError`. A `str` is evaluated as written: a
    /// divisor that parsing cancelled (`"0*FloorDiv(x, y)"`) is still a division by zero at
    /// `y = 0`. An `Expr` is already its normal form (`0` there).
    #[pyo3(signature = (e, values = None))]
    fn eval(
        slf: &Bound<'_, Self>,
        e: &Bound<'_, PyAny>,
        values: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        // A text is evaluated as written (`Context::parse_for_eval`): a divisor its normal
        // form cancelled (`0*FloorDiv(x, y)`) is still a division by zero where it is zero.
        // An `Expr` is its normal form already.
        let parsed = match e.cast::<PyString>() {
            Ok(t) => {
                let t = t.to_cow()?;
                Some(guarded(|| {
                    slf.get()
                        .cx()
                        .parse_for_eval(&t)
                        .map_err(|err| sym_err(py, err))
                })?)
            }
            Err(_) => None,
        };
        let x = match &parsed {
            Some(p) => p.expr(),
            None => Self::arg(slf, e)?,
        };
        let mut vals: Vec<(String, Value)> = Vec::new();
        // Integers beyond int64 given to float symbols (their value as a double), with the
        // message for an int symbol: decided once the context says the symbol's type.
        let mut wide: Vec<(usize, String)> = Vec::new();
        if let Some(d) = values {
            // The items copied first: reading a value can run Python code (`__float__`,
            // `__str__`) that changes the dict, which a live iterator refuses with a panic.
            for item in d.items().iter() {
                let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
                let name: String = k.extract().map_err(|_| {
                    PyTypeError::new_err("eval: the keys of `values` must be symbol names (str)")
                })?;
                if v.is_instance_of::<PyInt>()
                    && !v.is_instance_of::<PyBool>()
                    && v.extract::<i64>().is_err()
                    && let Ok(f) = v.extract::<f64>()
                {
                    wide.push((
                        vals.len(),
                        format!("the integer {v} does not fit in a signed 64-bit integer"),
                    ));
                    vals.push((name, Value::Float(f)));
                    continue;
                }
                let v = match operand(slf, &v, false)? {
                    Operand::I(i) => Value::Int(i),
                    Operand::F(f) => Value::Float(f),
                    Operand::B(b) => Value::Bool(b),
                    _ => {
                        return Err(PyTypeError::new_err(format!(
                            "eval: the value of '{name}' must be an int, float or bool"
                        )));
                    }
                };
                vals.push((name, v));
            }
        }
        let v = guarded(|| {
            let cx = slf.get().cx();
            for (i, msg) in wide {
                let float = cx
                    .lookup(&vals[i].0)
                    .is_some_and(|s| cx.sym_ty(s) == Ty::Float);
                if !float {
                    return Err(RangeError::new_err(msg));
                }
            }
            let refs: Vec<(&str, Value)> = vals.iter().map(|(n, v)| (n.as_str(), *v)).collect();
            match &parsed {
                Some(p) => cx.eval_parsed(p, &refs),
                None => cx.eval(x, &refs),
            }
            .map_err(|e| sym_err(py, sym::Error::Eval(e)))
        })?;
        value_to_py(py, v)
    }

    /// `e` with symbols replaced simultaneously: `mapping` is {name or symbol: value}.
    fn substitute(
        slf: &Bound<'_, Self>,
        e: &Bound<'_, PyAny>,
        mapping: &Bound<'_, PyDict>,
    ) -> PyResult<Py<Expr>> {
        let py = slf.py();
        let x = Self::arg(slf, e)?;
        let mut pairs = Vec::with_capacity(mapping.len());
        // The items copied first: reading a value can run Python code (an int subclass's
        // `__index__`) that changes the dict, which a live iterator refuses with a panic.
        for item in mapping.items().iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            pairs.push((read_symbol(slf, &k)?, operand(slf, &v, true)?));
        }
        let r = guarded(|| {
            let mut cx = slf.get().cx();
            let mut map = Vec::with_capacity(pairs.len());
            for (k, o) in pairs {
                let s = k.resolve(py, &mut cx, true)?;
                let v = to_expr(py, &mut cx, o)?;
                if cx.ty(v) != cx.sym_ty(s) {
                    return Err(PyTypeError::new_err(format!(
                        "substitute: the value for '{}' is not of the symbol's type",
                        cx.sym_name(s)
                    )));
                }
                map.push((s, v));
            }
            cx.substitute(x, &map)
                .ok_or_else(|| EvalError::new_err("substitute: a constant overflows int64"))
        })?;
        wrap(slf, r)
    }

    /// Whether `e >= 0` is proven under the current facts (used to choose PyTorch's forms).
    fn is_nonnegative(slf: &Bound<'_, Self>, e: &Bound<'_, PyAny>) -> PyResult<bool> {
        let x = Self::arg(slf, e)?;
        guarded(|| {
            let mut cx = slf.get().cx();
            if cx.ty(x) != Ty::Int {
                return Ok(false);
            }
            if let Some(v) = cx.as_int(x) {
                return Ok(v >= 0);
            }
            let zero = cx.int(0);
            let p = cx.compare(CmpOp::Le, zero, x);
            Ok(p.is_some_and(|p| cx.prove(p) == Ok(Truth::True)))
        })
    }

    /// Whether `e > 0` is proven under the current facts.
    fn is_positive(slf: &Bound<'_, Self>, e: &Bound<'_, PyAny>) -> PyResult<bool> {
        let x = Self::arg(slf, e)?;
        guarded(|| {
            let mut cx = slf.get().cx();
            if cx.ty(x) != Ty::Int {
                return Ok(false);
            }
            if let Some(v) = cx.as_int(x) {
                return Ok(v > 0);
            }
            let zero = cx.int(0);
            let p = cx.compare(CmpOp::Lt, zero, x);
            Ok(p.is_some_and(|p| cx.prove(p) == Ok(Truth::True)))
        })
    }

    /// Runs `simplify(e)` `n` times inside Rust and returns the nanoseconds per call: the
    /// baseline that measures what a call from Python adds (benchmarks only).
    fn _bench_simplify(slf: &Bound<'_, Self>, e: &Bound<'_, PyAny>, n: u32) -> PyResult<f64> {
        let x = Self::arg(slf, e)?;
        guarded(|| {
            let mut cx = slf.get().cx();
            let t = std::time::Instant::now();
            for _ in 0..n {
                std::hint::black_box(cx.simplify(std::hint::black_box(x)));
            }
            Ok(t.elapsed().as_nanos() as f64 / f64::from(n.max(1)))
        })
    }

    /// Number of interned nodes (grows with use; a measure of memory).
    #[getter]
    fn node_count(&self) -> PyResult<usize> {
        guarded(|| Ok(self.cx().node_count()))
    }

    fn __repr__(&self) -> PyResult<String> {
        let n = guarded(|| Ok(self.cx().node_count()))?;
        Ok(format!("<symshape.Context with {n} nodes>"))
    }
}

impl Context {
    /// An expression argument: an `Expr` of this context, a constant, or text to parse.
    fn arg(slf: &Bound<'_, Self>, v: &Bound<'_, PyAny>) -> PyResult<sym::Expr> {
        let py = slf.py();
        let o = operand(slf, v, true)?;
        guarded(|| to_expr(py, &mut slf.get().cx(), o))
    }
}

impl Expr {
    fn context<'py>(&self, py: Python<'py>) -> &Bound<'py, Context> {
        self.cx.bind(py)
    }

    /// `name(self, other)` or, reflected, `name(other, self)`; `NotImplemented` for operands
    /// that are no numbers.
    fn binop(
        slf: &Bound<'_, Self>,
        other: &Bound<'_, PyAny>,
        name: &str,
        reflected: bool,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let me = slf.get();
        let cxb = me.context(py);
        let o = match operand(cxb, other, false) {
            Ok(o) => o,
            Err(e) if e.is_instance_of::<PyTypeError>(py) => return Ok(py.NotImplemented()),
            Err(e) => return Err(e),
        };
        let e = guarded(|| {
            let mut cx = cxb.get().cx();
            let y = to_expr(py, &mut cx, o)?;
            let (a, b) = if reflected { (y, me.e) } else { (me.e, y) };
            if matches!(name, "FloorDiv" | "Mod") && cx.as_int(b) == Some(0) {
                return Err(PyZeroDivisionError::new_err(
                    "integer division or modulo by zero",
                ));
            }
            if matches!(name, "FloorDiv" | "Mod")
                && (cx.ty(a) == Ty::Float || cx.ty(b) == Ty::Float)
            {
                return Err(UnsupportedError::new_err(format!(
                    "{name} of floats (only integer floor division and modulo are represented)"
                )));
            }
            build_call(py, &mut cx, name, &[a, b])
        })?;
        Ok(wrap(cxb, e)?.into_any())
    }
}

#[pymethods]
impl Expr {
    /// The sympy-syntax text (parses back to the same expression).
    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        let cx = self.context(py).get();
        guarded(|| Ok(cx.cx().display(self.e)))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Expr({:?})", self.__str__(py)?))
    }

    /// A constant hashes as the Python number or bool it equals (`==` compares a constant
    /// with them: equal objects hash alike, so `3 in {cx.parse("1 + 2")}`); any other
    /// expression by its context and node.
    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        let cxb = self.context(py);
        let value = {
            let cx = cxb.get().cx();
            match cx.as_int(self.e) {
                Some(v) => Some(Value::Int(v)),
                None => cx
                    .as_float(self.e)
                    .map(Value::Float)
                    .or_else(|| cx.as_bool(self.e).map(Value::Bool)),
            }
        };
        match value {
            Some(Value::Int(v)) => v.into_pyobject(py)?.hash(),
            Some(Value::Float(f)) => PyFloat::new(py, f).hash(),
            Some(Value::Bool(b)) => PyBool::new(py, b).hash(),
            None => {
                let id = cxb.as_ptr() as usize;
                Ok((id.rotate_left(17) ^ self.e.index().wrapping_mul(0x9E37_79B9)) as isize)
            }
        }
    }

    /// Structural equality (same context and same normal form); an int, float or bool compares
    /// with the constant. Semantic equality is `Context.prove(Eq(a, b))`.
    fn __eq__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let py = slf.py();
        let me = slf.get();
        if let Ok(o) = other.cast::<Expr>() {
            let o = o.get();
            return Ok(o.cx.bind(py).is(me.context(py)) && o.e == me.e);
        }
        let cxb = me.context(py);
        match operand(cxb, other, false) {
            // A value the language cannot represent (NaN, an infinity) equals no expression,
            // as an integer beyond int64 does: `False`, not an error.
            Ok(Operand::F(f)) if !f.is_finite() => Ok(false),
            Ok(o) => guarded(|| {
                let mut cx = cxb.get().cx();
                let y = to_expr(py, &mut cx, o)?;
                Ok(y == me.e)
            }),
            Err(_) => Ok(false),
        }
    }

    fn __ne__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(!Self::__eq__(slf, other)?)
    }

    fn __add__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Add", false)
    }
    fn __radd__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Add", true)
    }
    fn __sub__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Sub", false)
    }
    fn __rsub__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Sub", true)
    }
    fn __mul__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Mul", false)
    }
    fn __rmul__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Mul", true)
    }
    /// Floor division, as Python integers do (`-7 // 2 == -4`).
    fn __floordiv__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "FloorDiv", false)
    }
    fn __rfloordiv__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "FloorDiv", true)
    }
    /// Floor modulo, as Python integers do (the sign follows the divisor).
    fn __mod__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Mod", false)
    }
    fn __rmod__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Mod", true)
    }
    fn __truediv__(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let both_int = {
            let cx = slf.get().context(py).get();
            let mine = guarded(|| Ok(cx.cx().ty(slf.get().e)))?;
            mine == Ty::Int
                && (o.is_instance_of::<PyInt>()
                    || o.cast::<Expr>().is_ok_and(|x| {
                        x.get().cx.bind(py).is(slf.get().context(py))
                            && cx.cx().ty(x.get().e) == Ty::Int
                    }))
        };
        Self::binop(
            slf,
            o,
            if both_int {
                "IntTrueDiv"
            } else {
                "FloatTrueDiv"
            },
            false,
        )
    }
    /// `self ** k` for a constant natural `k`.
    fn __pow__(
        slf: &Bound<'_, Self>,
        o: &Bound<'_, PyAny>,
        modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        if modulo.is_some_and(|m| !m.is_none()) {
            return Err(PyTypeError::new_err(
                "pow() with a modulus is not supported",
            ));
        }
        Self::binop(slf, o, "Pow", false)
    }
    fn __neg__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let me = slf.get();
        let cxb = me.context(py);
        let e = guarded(|| build_call(py, &mut cxb.get().cx(), "Neg", &[me.e]))?;
        Ok(wrap(cxb, e)?.into_any())
    }

    /// The truth of the expression as sympy gives it: a constant's value (`True`, `False`, a
    /// number: nonzero), `TypeError` for any other boolean expression (as for a sympy
    /// relation: `if x > 0:` would otherwise always be taken; that is a question for
    /// `Context.prove`), `True` for any other number-valued expression (an object).
    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        let cxb = self.context(py).get();
        let (v, text) = guarded(|| {
            let cx = cxb.cx();
            let v = cx
                .as_bool(self.e)
                .or_else(|| cx.as_int(self.e).map(|i| i != 0))
                .or_else(|| cx.as_float(self.e).map(|f| f != 0.0))
                .or_else(|| (cx.ty(self.e) != Ty::Bool).then_some(true));
            Ok((
                v,
                if v.is_none() {
                    cx.display(self.e)
                } else {
                    String::new()
                },
            ))
        })?;
        v.ok_or_else(|| {
            PyTypeError::new_err(format!(
                "the truth value of {text} is not a constant: use Context.prove"
            ))
        })
    }
    fn __pos__(slf: &Bound<'_, Self>) -> Py<Self> {
        slf.clone().unbind()
    }
    /// The value of an integer constant (`TypeError` otherwise).
    fn __int__(&self, py: Python<'_>) -> PyResult<i64> {
        let cx = self.context(py).get();
        guarded(|| {
            let cx = cx.cx();
            cx.as_int(self.e).ok_or_else(|| {
                PyTypeError::new_err(format!("{} is not an integer constant", cx.display(self.e)))
            })
        })
    }

    /// `Eq(self, other)` as an expression.
    fn eq(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Eq", false)
    }
    /// `Ne(self, other)` as an expression.
    fn ne(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Ne", false)
    }
    /// `self < other` as an expression.
    fn lt(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Lt", false)
    }
    /// `self <= other` as an expression.
    fn le(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Le", false)
    }
    /// `self > other` as an expression.
    fn gt(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Gt", false)
    }
    /// `self >= other` as an expression.
    fn ge(slf: &Bound<'_, Self>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::binop(slf, o, "Ge", false)
    }

    /// The context this expression belongs to.
    #[getter]
    fn context_(&self, py: Python<'_>) -> Py<Context> {
        self.cx.clone_ref(py)
    }

    /// "int", "float" or "bool".
    #[getter]
    fn r#type(&self, py: Python<'_>) -> PyResult<&'static str> {
        let cx = self.context(py).get();
        guarded(|| Ok(ty_name(cx.cx().ty(self.e))))
    }

    /// The free symbols, as a frozenset of symbol expressions.
    #[getter]
    fn free_symbols<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyFrozenSet>> {
        let cxb = self.context(py);
        let syms = guarded(|| {
            let cx = cxb.get().cx();
            Ok(cx
                .free_symbols(self.e)
                .into_iter()
                .map(|s| cx.sym(s))
                .collect::<Vec<_>>())
        })?;
        let mut out = Vec::with_capacity(syms.len());
        for s in syms {
            out.push(wrap(cxb, s)?);
        }
        PyFrozenSet::new(py, &out)
    }

    /// The name of a bare symbol, else `None`.
    #[getter]
    fn name(&self, py: Python<'_>) -> PyResult<Option<String>> {
        let cx = self.context(py).get();
        guarded(|| {
            let cx = cx.cx();
            Ok(cx.as_symbol(self.e).map(|s| cx.sym_name(s).to_owned()))
        })
    }

    /// The operation count of docs/language.md §5 (what "smaller" means).
    #[getter]
    fn size(&self, py: Python<'_>) -> PyResult<usize> {
        let cx = self.context(py).get();
        guarded(|| Ok(cx.cx().size(self.e)))
    }

    /// Whether this boolean has a comparison of floats (through `And`, `Or`, `Not`):
    /// `symshape.torch` asks it of every relation it bounds, without building node tuples.
    fn _compares_floats(&self, py: Python<'_>) -> PyResult<bool> {
        let cxb = self.context(py);
        guarded(|| Ok(compares_floats(&cxb.get().cx(), self.e, 0)))
    }

    /// The node as a tuple: `("Integer", v)`, `("Float", v)`, `("Boolean", b)`,
    /// `("Symbol", name, type)`, `("Add", ((term, coeff), ...), const)`, `("Mul", factors)`,
    /// `("Pow", base, k)`, or `(name, *operands)` for every other operator (`FloorDiv`, `Mod`
    /// (floor modulo), `Min`, `Max`, `Abs`, `Where`, `Eq`, `Ne`, `Lt`, `Le`, `And`, `Or`,
    /// `Not`, `ToFloat`, `IntTrueDiv`, `FloatTrueDiv`, `FAdd`, `FMul`, `FNeg`, `TruncToInt`,
    /// `FloorToInt`, `CeilToInt`, `RoundToInt`).
    fn node<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let cxb = self.context(py);
        let view = guarded(|| {
            let cx = cxb.get().cx();
            let v = cx.view(self.e);
            let leaf = if v == sym::View::Leaf {
                Some(if let Some(i) = cx.as_int(self.e) {
                    Leaf::I(i)
                } else if let Some(f) = cx.as_float(self.e) {
                    Leaf::F(f)
                } else if let Some(b) = cx.as_bool(self.e) {
                    Leaf::B(b)
                } else if let Some(s) = cx.as_symbol(self.e) {
                    Leaf::S(cx.sym_name(s).to_owned(), ty_name(cx.sym_ty(s)))
                } else {
                    return Err(Error::new_err("unknown leaf"));
                })
            } else {
                None
            };
            Ok((v, leaf))
        })?;
        let w = |e: sym::Expr| wrap(cxb, e);
        match view {
            (_, Some(Leaf::I(i))) => ("Integer", i).into_pyobject(py),
            (_, Some(Leaf::F(f))) => ("Float", f).into_pyobject(py),
            (_, Some(Leaf::B(b))) => ("Boolean", b).into_pyobject(py),
            (_, Some(Leaf::S(n, t))) => ("Symbol", n, t).into_pyobject(py),
            (sym::View::Sum(ts, c), None) => {
                let mut terms = Vec::with_capacity(ts.len());
                for (t, k) in ts {
                    terms.push((w(t)?, k).into_pyobject(py)?.into_any());
                }
                ("Add", PyTuple::new(py, terms)?, c).into_pyobject(py)
            }
            (sym::View::Prod(fs), None) => {
                let mut out = Vec::with_capacity(fs.len());
                for f in fs {
                    out.push(w(f)?);
                }
                ("Mul", PyTuple::new(py, out)?).into_pyobject(py)
            }
            (sym::View::Pow(b, k), None) => ("Pow", w(b)?, k).into_pyobject(py),
            (sym::View::Call(name, args), None) => {
                let mut out: Vec<Py<PyAny>> = vec![PyString::new(py, name).into_any().unbind()];
                for a in args {
                    out.push(w(a)?.into_any());
                }
                PyTuple::new(py, out)
            }
            (sym::View::Leaf, None) => Err(Error::new_err("unknown leaf")),
            (_, None) => Err(Error::new_err("a node kind this binding does not know")),
        }
    }
}

enum Leaf {
    I(i64),
    F(f64),
    B(bool),
    S(String, &'static str),
}

#[pymethods]
impl Solution {
    /// The unique value of the symbol when the solution is a single equality, else `None`.
    #[getter]
    fn unique(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let rels = self.relations.bind(py);
        if rels.len() == 1 && self.cases.bind(py).is_empty() {
            let r = rels.get_item(0)?;
            if r.get_item(0)?.extract::<String>()? == "==" {
                return Ok(Some(r.get_item(1)?.unbind()));
            }
        }
        Ok(None)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let sym = self.symbol.bind(py).str()?.to_string();
        let mut parts = Vec::new();
        for r in self.relations.bind(py).iter() {
            parts.push(format!(
                "{sym} {} {}",
                r.get_item(0)?,
                r.get_item(1)?.str()?
            ));
        }
        let mut conds = Vec::new();
        for c in self.conditions.bind(py).iter() {
            conds.push(c.str()?.to_string());
        }
        let mut s = format!("Solution({})", parts.join(" and "));
        if !conds.is_empty() {
            s = format!("{s} if {}", conds.join(" and "));
        }
        let cases = self.cases.bind(py);
        if !cases.is_empty() {
            let mut cs = Vec::new();
            for c in cases.iter() {
                cs.push(format!(
                    "{} when {}",
                    c.get_item(1)?.str()?,
                    c.get_item(0)?.str()?
                ));
            }
            s = format!("Solution(cases: {})", cs.join("; "));
        }
        Ok(s)
    }
}

/// The extension module `symshape._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Context>()?;
    m.add_class::<Expr>()?;
    m.add_class::<Solution>()?;
    m.add_class::<Facts>()?;
    m.add_class::<convert::Converter>()?;
    m.add_class::<convert::PlainSyms>()?;
    m.add_class::<fast::IdMemo>()?;
    m.add_class::<fast::FastSimplify>()?;
    m.add_class::<fast::HitCounter>()?;
    m.add_class::<hash::SympyHash>()?;
    m.add_function(wrap_pyfunction!(fast::thread_memo, m)?)?;
    m.add_function(wrap_pyfunction!(convert::_direct_table, m)?)?;
    m.add_function(wrap_pyfunction!(convert::_has_symbol, m)?)?;
    m.add_function(wrap_pyfunction!(convert::_has_key_symbol, m)?)?;
    m.add_function(wrap_pyfunction!(convert::_has_symbol_sides, m)?)?;
    m.add_function(wrap_pyfunction!(convert::_has_type, m)?)?;
    m.add_function(wrap_pyfunction!(axioms::_axiom_preds, m)?)?;
    m.add_function(wrap_pyfunction!(axioms::_ranges_same, m)?)?;
    m.add_function(wrap_pyfunction!(axioms::_ranges_hit, m)?)?;
    m.add_function(wrap_pyfunction!(axioms::_symbol_facts, m)?)?;
    m.add_function(wrap_pyfunction!(axioms::_symbol_keys, m)?)?;
    m.add("Error", py.get_type::<Error>())?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("UnsupportedError", py.get_type::<UnsupportedError>())?;
    m.add("RangeError", py.get_type::<RangeError>())?;
    m.add("EvalError", py.get_type::<EvalError>())?;
    m.add("LimitError", py.get_type::<LimitError>())?;
    attach_attributes(py, m)?;
    Ok(())
}
