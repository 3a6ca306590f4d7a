//! sympy's structural hash of new objects, computed natively ([`SympyHash`]).
//!
//! sympy's `Basic.__hash__` is a Python method: `hash((type(self).__name__,) +
//! self._hashable_content())`, kept in the slot `_mhash` after the first call. A first call
//! of a drop-in function gets objects never hashed: its first lookup by value (an answer
//! cache, the converter's memo) runs that method on every node of the tree, each a frame of
//! interpreted Python around a frame of `_hashable_content`, a tuple concatenation and
//! CPython's tuple hash calling back into the children's `__hash__`. [`SympyHash::prehash`]
//! computes the same value for every node of such a tree without those frames and stores it
//! in `_mhash`, as `Basic.__hash__` would; the lookups that follow then find it there.
//!
//! Only classes whose `__hash__` is `Basic.__hash__` and whose `_hashable_content` is
//! `Basic`'s or `Expr`'s (both `return self._args`) are computed here; an `Integer` (whose
//! `__hash__` is `hash(self.p)`) is hashed through its `p`; every other object (symbols,
//! rationals, floats, classes with their own hash) through `hash()` itself. The value depends
//! on CPython's tuple hash (xxHash-based since 3.8), reproduced in [`tuple_hash`]:
//! `symshape.sympy` compares the two on sample objects at import and does not use this
//! where they disagree (`tests/test_fast_paths.py::NativeHash` compares them on every node of
//! the real corpus records).

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

/// How the hash of an instance of a class is found.
#[derive(Clone, Copy, Debug)]
enum HashKind {
    /// `Basic.__hash__` over `_args`: computed here, with the hash of the class name.
    Args(isize),
    /// `Basic.__hash__` over other content (symbols): `_mhash` when set, else `hash()`.
    Cached,
    /// `Integer.__hash__`: `hash(self.p)`.
    Integer,
    /// Anything else: `hash()`.
    Other,
}

/// A hasher for addresses (the per-class table): one multiplication instead of SipHash.
#[derive(Default)]
struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type AddrMap<V> = HashMap<usize, V, BuildHasherDefault<AddrHasher>>;

/// The deepest tree walked here; below it the nodes are left to `hash()`.
const MAX_DEPTH: u32 = 200;

/// CPython's tuple hash (`tuplehash`, 3.8 and later, 64-bit) of items with the hashes
/// `lanes`.
pub(crate) fn tuple_hash(lanes: impl ExactSizeIterator<Item = isize>) -> isize {
    const P1: u64 = 11_400_714_785_074_694_791;
    const P2: u64 = 14_029_467_366_897_019_727;
    const P5: u64 = 2_870_177_450_012_600_261;
    let len = lanes.len() as u64;
    let mut acc = P5;
    for lane in lanes {
        acc = acc.wrapping_add((lane as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add(len ^ (P5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc as isize
}

/// `_native.SympyHash(basic_hash, integer_hash, contents)`: sympy's hash natively, where
/// `basic_hash` is `Basic.__hash__`, `integer_hash` `Integer.__hash__` and `contents` the
/// `_hashable_content` functions that return `self._args` (`Basic`'s and `Expr`'s).
#[pyclass(frozen, module = "symshape._native")]
pub struct SympyHash {
    basic_hash: Py<PyAny>,
    integer_hash: Py<PyAny>,
    contents: Vec<Py<PyAny>>,
    /// Per class (by address; the entry keeps the class alive, so the address is not reused).
    kinds: Mutex<AddrMap<(Py<PyType>, HashKind)>>,
}

impl std::fmt::Debug for SympyHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SympyHash")
    }
}

#[pymethods]
impl SympyHash {
    #[new]
    fn new(
        basic_hash: Py<PyAny>,
        integer_hash: Py<PyAny>,
        contents: Vec<Py<PyAny>>,
    ) -> PyResult<Self> {
        Ok(SympyHash {
            basic_hash,
            integer_hash,
            contents,
            kinds: Mutex::new(AddrMap::default()),
        })
    }

    /// `hash(x)`, computed here where the class allows it (storing `_mhash` on every node
    /// computed, as `Basic.__hash__` does).
    fn hash(&self, x: &Bound<'_, PyAny>) -> PyResult<isize> {
        self.hash_of(x, 0)
    }

    /// Stores sympy's hash in `_mhash` of every node of `x` that has none, where its class
    /// is computed here; returns nothing. Errors are dropped (whatever raised will raise
    /// again in the `hash()` that comes next).
    pub(crate) fn prehash(&self, x: &Bound<'_, PyAny>) {
        if let Ok(HashKind::Args(_)) = self.kind(&x.get_type()) {
            let _ = self.hash_of(x, 0);
        }
    }
}

impl SympyHash {
    fn lock(&self) -> std::sync::MutexGuard<'_, AddrMap<(Py<PyType>, HashKind)>> {
        // Each use is one lookup or insert: a panic cannot leave it inconsistent.
        self.kinds.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn kind(&self, t: &Bound<'_, PyType>) -> PyResult<HashKind> {
        let key = t.as_ptr() as usize;
        if let Some((_, k)) = self.lock().get(&key) {
            return Ok(*k);
        }
        let py = t.py();
        let h = t.getattr(intern!(py, "__hash__"))?;
        let k = if h.is(self.basic_hash.bind(py)) {
            let c = t.getattr(intern!(py, "_hashable_content"))?;
            if self.contents.iter().any(|f| c.is(f.bind(py))) {
                HashKind::Args(t.getattr(intern!(py, "__name__"))?.hash()?)
            } else {
                HashKind::Cached
            }
        } else if h.is(self.integer_hash.bind(py)) {
            HashKind::Integer
        } else {
            HashKind::Other
        };
        self.lock().insert(key, (t.clone().unbind(), k));
        Ok(k)
    }

    fn hash_of(&self, x: &Bound<'_, PyAny>, depth: u32) -> PyResult<isize> {
        let py = x.py();
        match self.kind(&x.get_type())? {
            HashKind::Args(name) if depth < MAX_DEPTH => {
                let m = x.getattr(intern!(py, "_mhash"))?;
                if !m.is_none() {
                    return m.extract();
                }
                let args = x.getattr(intern!(py, "_args"))?;
                let Ok(args) = args.cast::<PyTuple>() else {
                    return x.hash();
                };
                let mut lanes = Vec::with_capacity(args.len() + 1);
                lanes.push(name);
                for a in args.iter() {
                    lanes.push(self.hash_of(&a, depth + 1)?);
                }
                let h = tuple_hash(lanes.into_iter());
                x.setattr(intern!(py, "_mhash"), h)?;
                Ok(h)
            }
            HashKind::Cached => {
                let m = x.getattr(intern!(py, "_mhash"))?;
                if m.is_none() { x.hash() } else { m.extract() }
            }
            HashKind::Integer => x.getattr(intern!(py, "p"))?.hash(),
            _ => x.hash(),
        }
    }
}
