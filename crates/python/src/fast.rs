//! `symshape.torch.simplify`'s repeated questions without a frame of interpreted Python.
//!
//! PyTorch's `SizeVarAllocator.simplify` is `sympy.expand(expr).xreplace(replacements)`: a
//! question asked again is a hit in sympy's `expand` cache, about 2.6 µs. The drop-in's
//! Python function answered it from the engine's memo by value in about 0.5-0.8 µs, most of
//! it the interpreter: the frame, two clock readings through `time.perf_counter`, the
//! engine's thread-local attribute, and sympy's `__hash__` (a Python method) for the lookup.
//! [`FastSimplify`] is the function itself, native: a question whose expression object was
//! answered before without replacements is looked up by the object's identity in the
//! thread's [`IdMemo`] (no sympy hash, no Python frame); everything else goes to the Python
//! implementation (`symshape.torch._simplify_py`), which fills the memo where it caches the
//! answer by value. An answer without replacements is a function of the expression object
//! alone (its structure and its symbols' assumptions), so whichever engine of the thread
//! computed it, it is the answer.
//!
//! A first question without replacements on an expanded polynomial (about two thirds of the
//! first `simplify` calls of the real records) is answered natively too: such a polynomial is
//! its own answer (`symshape.torch._plain_polynomial`), which the Python path found only after
//! its frames and sympy's `__hash__` of every node of the new object (the lookup in its memo by
//! value), about a fifth of a first call. [`FastSimplify`] asks the same walk
//! ([`PlainSyms`]) itself and keeps the answer in the thread's memo as the Python path does,
//! while the memo is below the engine's bound ([`IdMemo`]'s `limit`; past it the Python path
//! answers, and renews the engine's memos at its next check).

use crate::convert::PlainSyms;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Answers by the identity of the question's object: `id(expr) -> (expr, answer)`. The entry
/// keeps `expr` alive, so its id cannot be reused while the entry exists, and the object is
/// compared by identity as well. One per thread ([`thread_memo`]), emptied by the thread's
/// engine when it renews its memos (`clear` empties the table; the hit counters stay).
#[pyclass(frozen, module = "symshape._native")]
#[derive(Debug)]
pub struct IdMemo {
    inner: Mutex<Inner>,
    counts: Arc<Counts>,
    /// The most entries [`FastSimplify`] adds itself (`set_limit`: the engine's bound on its
    /// memos); 0 until the engine sets it. The Python path's own entries are bounded by the
    /// engine's checks.
    limit: AtomicUsize,
}

#[derive(Debug, Default)]
struct Inner {
    table: HashMap<usize, (Py<PyAny>, Py<PyAny>)>,
}

/// Calls answered from a memo, and their time in nanoseconds (`symshape.torch.stats()` adds
/// them to the Python path's counters). Shared with the [`HitCounter`] that the module's list
/// of counters keeps, so the counts outlive the thread and its memo (whose table holds
/// Python objects and goes with the thread).
#[derive(Debug, Default)]
struct Counts {
    calls: AtomicU64,
    nanos: AtomicU64,
    /// Whether `counter_once` gave them out.
    listed: AtomicBool,
}

/// The counters of one thread's [`IdMemo`] (`IdMemo.counter()`).
#[pyclass(frozen, module = "symshape._native")]
#[derive(Debug)]
pub struct HitCounter {
    counts: Arc<Counts>,
}

#[pymethods]
impl HitCounter {
    /// `(calls, seconds)` answered from the memo since the last `reset_stats`.
    fn stats(&self) -> (u64, f64) {
        let c = &self.counts;
        (
            c.calls.load(Ordering::Relaxed),
            c.nanos.load(Ordering::Relaxed) as f64 * 1e-9,
        )
    }

    fn reset_stats(&self) {
        self.counts.calls.store(0, Ordering::Relaxed);
        self.counts.nanos.store(0, Ordering::Relaxed);
    }
}

impl IdMemo {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while the lock is held cannot leave the table inconsistent (each method
        // is one insert, lookup or clear), so a poisoned lock is used as it is.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The answer kept for exactly this object, if any.
    fn hit<'py>(&self, expr: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
        let g = self.lock();
        let (e, r) = g.table.get(&(expr.as_ptr() as usize))?;
        e.is(expr).then(|| r.bind(expr.py()).clone())
    }
}

#[pymethods]
impl IdMemo {
    #[new]
    fn new() -> Self {
        IdMemo {
            inner: Mutex::new(Inner::default()),
            counts: Arc::default(),
            limit: AtomicUsize::new(0),
        }
    }

    /// The memo's counters, as an object of their own (they outlive the memo), the first
    /// time it is asked; `None` after (each memo's counters are listed once).
    fn counter_once(&self) -> Option<HitCounter> {
        (!self.counts.listed.swap(true, Ordering::Relaxed)).then(|| HitCounter {
            counts: Arc::clone(&self.counts),
        })
    }

    /// Keeps `answer` for the object `expr`.
    fn put(&self, expr: &Bound<'_, PyAny>, answer: &Bound<'_, PyAny>) {
        let old = self.lock().table.insert(
            expr.as_ptr() as usize,
            (expr.clone().unbind(), answer.clone().unbind()),
        );
        // Dropped after the lock is released (see `clear`).
        drop(old);
    }

    /// The answer kept for the object `expr`, or `None`.
    fn get<'py>(&self, expr: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
        self.hit(expr)
    }

    /// Empties the table (the counters stay).
    fn clear(&self) {
        // The entries are dropped after the lock is released: dropping a Python object can
        // run arbitrary code (a `__del__`), which must not find the lock held.
        let old = std::mem::take(&mut self.lock().table);
        drop(old);
    }

    fn __len__(&self) -> usize {
        self.lock().table.len()
    }

    /// The most entries [`FastSimplify`] adds to the memo itself (below it, a first question
    /// on an expanded polynomial is answered and kept natively).
    fn set_limit(&self, n: usize) {
        self.limit.store(n, Ordering::Relaxed);
    }
}

impl IdMemo {
    /// Keeps `expr` as its own answer if the memo is below its limit (in one hold of the
    /// lock); whether it did.
    fn put_own(&self, expr: &Bound<'_, PyAny>) -> bool {
        let mut g = self.lock();
        if g.table.len() >= self.limit.load(Ordering::Relaxed) {
            return false;
        }
        let old = g.table.insert(
            expr.as_ptr() as usize,
            (expr.clone().unbind(), expr.clone().unbind()),
        );
        drop(g);
        // Dropped after the lock is released (see `clear`).
        drop(old);
        true
    }
}

/// This thread's [`IdMemo`], made on first use: kept in the interpreter's per-thread
/// dictionary (`PyThreadState_GetDict`), which the interpreter clears when the thread ends,
/// so a memo lives as long as its thread, as a `threading.local` value does. Found there in
/// one dictionary lookup (reading a `threading.local` attribute costs about 430 instructions).
fn thread_memo_of<'py>(py: Python<'py>, create: bool) -> PyResult<Option<Bound<'py, IdMemo>>> {
    // SAFETY: called with the GIL held (a `Python` token); the result is a borrowed
    // reference to the thread state's dictionary or NULL, never freed here.
    let d = unsafe { pyo3::ffi::PyThreadState_GetDict() };
    if d.is_null() {
        return Ok(None);
    }
    // SAFETY: `d` is a live dict owned by the thread state (non-NULL, checked above);
    // `from_borrowed_ptr` takes a new reference to it.
    let d = unsafe { Bound::<PyAny>::from_borrowed_ptr(py, d) };
    let Ok(d) = d.cast_into::<PyDict>() else {
        return Ok(None);
    };
    let key = intern!(py, "symshape._native.IdMemo");
    if let Some(m) = d.get_item(key)? {
        return Ok(m.cast_into::<IdMemo>().ok());
    }
    if !create {
        return Ok(None);
    }
    let m = Bound::new(py, IdMemo::new())?;
    d.set_item(key, &m)?;
    Ok(Some(m))
}

/// `_native.thread_memo()`: the calling thread's [`IdMemo`] (the one
/// [`FastSimplify`] reads), made on first use.
#[pyfunction]
pub fn thread_memo(py: Python<'_>) -> PyResult<Bound<'_, IdMemo>> {
    thread_memo_of(py, true)?
        .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("no thread state dictionary"))
}

/// `symshape.torch.simplify(expr, replacements=None)`: `SizeVarAllocator.simplify`, `expr`
/// with `replacements` ({Symbol: expr}) applied, simplified by symshape under the symbols'
/// assumptions. A question asked before on the same expression object, without replacements
/// (`None` or an empty dict), is answered from the calling thread's [`IdMemo`] by identity;
/// any other call is the Python implementation's (`symshape.torch._simplify_py`), but a first
/// question without replacements on an expanded polynomial, which is its own answer (`plain`,
/// the module's `PlainSyms`: the test `_cached_simplify` makes first; module docs). Answers
/// are served only while the module's `CACHE_ANSWERS` is true.
#[pyclass(frozen, module = "symshape._native")]
#[derive(Debug)]
pub struct FastSimplify {
    /// The module's namespace (read for `CACHE_ANSWERS` at every call: tests switch it).
    globals: Py<PyDict>,
    /// The Python implementation.
    slow: Py<PyAny>,
    /// The expanded-polynomial test (`symshape.torch._plain_syms`'s object), if given.
    plain: Option<Py<PlainSyms>>,
}

#[pymethods]
impl FastSimplify {
    #[new]
    #[pyo3(signature = (globals, slow, plain = None))]
    fn new(globals: Py<PyDict>, slow: Py<PyAny>, plain: Option<Py<PlainSyms>>) -> Self {
        FastSimplify {
            globals,
            slow,
            plain,
        }
    }

    #[pyo3(signature = (expr, replacements = None))]
    fn __call__<'py>(
        &self,
        expr: &Bound<'py, PyAny>,
        replacements: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(r) = self.hit(expr, replacements)? {
            return Ok(r);
        }
        self.slow.bind(expr.py()).call1((expr, replacements))
    }
}

impl FastSimplify {
    /// The kept answer of a repeated question without replacements, or the answer of a first
    /// one on an expanded polynomial (kept), counted in the memo; `None` sends the call to the
    /// Python implementation.
    fn hit<'py>(
        &self,
        expr: &Bound<'py, PyAny>,
        replacements: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let t0 = Instant::now();
        let py = expr.py();
        // No replacements: None, or an empty dict (a subclass or another mapping: Python).
        if let Some(m) = replacements
            && !m.is_none()
            && !m.cast_exact::<PyDict>().is_ok_and(|d| d.is_empty())
        {
            return Ok(None);
        }
        let on = match self
            .globals
            .bind(py)
            .get_item(intern!(py, "CACHE_ANSWERS"))?
        {
            Some(v) => v.is_truthy()?,
            None => false,
        };
        if !on {
            return Ok(None);
        }
        let Some(memo) = thread_memo_of(py, false)? else {
            return Ok(None);
        };
        let memo = memo.get();
        let r = match memo.hit(expr) {
            Some(r) => r,
            None => {
                // A first question: an expanded polynomial is its own answer (what
                // `_cached_simplify` gives and keeps, without replacements). An error of the
                // walk (an object sympy's classes do not describe) is the Python path's.
                let Some(plain) = &self.plain else {
                    return Ok(None);
                };
                if !matches!(plain.get().syms(expr), Ok(Some(_))) || !memo.put_own(expr) {
                    return Ok(None);
                }
                expr.clone()
            }
        };
        let dt = u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX);
        // Written by this thread only (its memo); wrapping would take 584 years of calls.
        memo.counts.calls.fetch_add(1, Ordering::Relaxed);
        memo.counts.nanos.fetch_add(dt, Ordering::Relaxed);
        Ok(Some(r))
    }
}
