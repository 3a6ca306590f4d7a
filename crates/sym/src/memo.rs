//! A query's memo keyed by expression: one slot per node index, stamped with the generation
//! that wrote it. Looking up and recording are an index and a compare (a hash map hashed and
//! probed: about a tenth of a simplify), and clearing between queries is one increment.

use crate::expr::Expr;

/// A map from expressions to `V`, for the memo tables of one query at a time
/// ([`NodeMemo::clear`] forgets everything in O(1)). Its memory follows the highest node index
/// recorded, not the number of entries: it is kept across the queries of one context, whose
/// nodes are numbered densely.
#[derive(Debug)]
pub(crate) struct NodeMemo<V> {
    /// Per node index: the generation that recorded the value (`0`: never).
    stamps: Vec<u32>,
    values: Vec<Option<V>>,
    /// The current generation (at least 1).
    generation: u32,
    /// Entries recorded in this generation.
    len: usize,
}

/// A clone starts empty: the memo holds nothing between queries, and a context is cloned only
/// between queries (a clone of a large context would otherwise copy tables sized by its nodes).
impl<V> Clone for NodeMemo<V> {
    fn clone(&self) -> Self {
        NodeMemo::default()
    }
}

impl<V> Default for NodeMemo<V> {
    fn default() -> Self {
        NodeMemo {
            stamps: Vec::new(),
            values: Vec::new(),
            generation: 1,
            len: 0,
        }
    }
}

impl<V> NodeMemo<V> {
    #[inline]
    pub fn get(&self, e: &Expr) -> Option<&V> {
        let i = e.index();
        if self.stamps.get(i) == Some(&self.generation) {
            self.values[i].as_ref()
        } else {
            None
        }
    }

    #[inline]
    pub fn contains_key(&self, e: &Expr) -> bool {
        self.stamps.get(e.index()) == Some(&self.generation)
    }

    /// Records `v` for `e`, returning the value it replaces.
    #[inline]
    pub fn insert(&mut self, e: Expr, v: V) -> Option<V> {
        let i = e.index();
        if i >= self.stamps.len() {
            self.grow(i);
        }
        if self.stamps[i] == self.generation {
            self.values[i].replace(v)
        } else {
            self.stamps[i] = self.generation;
            self.values[i] = Some(v);
            self.len += 1;
            None
        }
    }

    /// Entries recorded since the last [`NodeMemo::clear`].
    pub fn len(&self) -> usize {
        self.len
    }

    /// Room for node index `i`, and for the ones a query usually makes after it.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, i: usize) {
        let n = (i + 1).max(self.stamps.len() * 2).max(32);
        self.stamps.resize(n, 0);
        self.values.resize_with(n, || None);
    }

    /// Forgets every entry, keeping the memory.
    #[inline]
    pub fn clear(&mut self) {
        if self.len == 0 {
            return;
        }
        self.len = 0;
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // Every 2^32 - 1 clears: no stamp may equal the new generation.
            self.stamps.fill(0);
            self.generation = 1;
        }
    }
}

/// A memo that is a [`NodeMemo`] for a whole query, or a hash map for a short computation in
/// the middle of one (`Memo::sparse`): a bound under a narrowed range starts from nothing and
/// touches a few nodes, where a fresh dense memo would be sized by the highest node index.
#[derive(Clone, Debug)]
pub(crate) enum Memo<V> {
    Dense(NodeMemo<V>),
    Sparse(rustc_hash::FxHashMap<Expr, V>),
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo::Dense(NodeMemo::default())
    }
}

impl<V> Memo<V> {
    /// An empty hash-map memo.
    pub fn sparse() -> Self {
        Memo::Sparse(Default::default())
    }

    #[inline]
    pub fn get(&self, e: &Expr) -> Option<&V> {
        match self {
            Memo::Dense(m) => m.get(e),
            Memo::Sparse(m) => m.get(e),
        }
    }

    #[inline]
    pub fn contains_key(&self, e: &Expr) -> bool {
        match self {
            Memo::Dense(m) => m.contains_key(e),
            Memo::Sparse(m) => m.contains_key(e),
        }
    }

    #[inline]
    pub fn insert(&mut self, e: Expr, v: V) -> Option<V> {
        match self {
            Memo::Dense(m) => m.insert(e, v),
            Memo::Sparse(m) => m.insert(e, v),
        }
    }

    #[inline]
    pub fn clear(&mut self) {
        match self {
            Memo::Dense(m) => m.clear(),
            Memo::Sparse(m) => m.clear(),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        match self {
            Memo::Dense(m) => m.len(),
            Memo::Sparse(m) => m.len(),
        }
    }
}

impl<V> std::ops::Index<&Expr> for Memo<V> {
    type Output = V;
    #[inline]
    fn index(&self, e: &Expr) -> &V {
        self.get(e).expect("memoized")
    }
}

impl<V> std::ops::Index<&Expr> for NodeMemo<V> {
    type Output = V;
    #[inline]
    fn index(&self, e: &Expr) -> &V {
        self.get(e).expect("memoized")
    }
}

#[cfg(test)]
mod tests {
    use super::NodeMemo;
    use crate::Context;

    /// Against a hash map over random inserts and clears: the same lookups, lengths and
    /// replaced values, including after the generation wraps.
    #[test]
    fn behaves_as_a_map() {
        let mut cx = Context::new();
        let es: Vec<_> = (0..200).map(|i| cx.int(i * 7 + 1000)).collect();
        let mut m: NodeMemo<u64> = NodeMemo::default();
        let mut h: std::collections::HashMap<usize, u64> = Default::default();
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..3000 {
            if round == 1500 {
                // Just before the generation wraps (both emptied first).
                m.clear();
                h.clear();
                m.generation = u32::MAX - 1;
            }
            match next() % 10 {
                0 => {
                    m.clear();
                    h.clear();
                }
                _ => {
                    let k = (next() % es.len() as u64) as usize;
                    let v = next();
                    assert_eq!(m.insert(es[k], v), h.insert(k, v));
                }
            }
            assert_eq!(m.len(), h.len());
            for (k, e) in es.iter().enumerate() {
                assert_eq!(m.get(e), h.get(&k));
                assert_eq!(m.contains_key(e), h.contains_key(&k));
            }
        }
    }
}
