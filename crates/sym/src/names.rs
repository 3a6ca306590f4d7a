//! Symbol names: one string buffer and a hash index, so that creating a symbol allocates
//! nothing once a reused context has grown (a request creates a handful of symbols; a boxed
//! name cost a `malloc` at creation and a `free` at [`crate::Context::clear`] each).

use rustc_hash::{FxBuildHasher, FxHashMap};
use smallvec::SmallVec;
use std::hash::BuildHasher;

/// The names of a context's symbols, in creation order: name `i` is symbol `i`'s.
#[derive(Clone, Debug, Default)]
pub(crate) struct SymNames {
    /// Every name, one after the other.
    buf: String,
    /// The byte end of each name in `buf` (name `i` starts where name `i - 1` ends).
    ends: Vec<usize>,
    /// The hash of a name to the indices of the names with that hash (one, but for
    /// collisions).
    index: FxHashMap<u64, SmallVec<[u32; 1]>>,
}

impl SymNames {
    fn hash(name: &str) -> u64 {
        FxBuildHasher.hash_one(name)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Name `i` (`i < len()`).
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }

    /// The index of `name`, if it is one of the names.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        let cands = self.index.get(&Self::hash(name))?;
        cands
            .iter()
            .map(|&i| i as usize)
            .find(|&i| self.get(i) == name)
    }

    /// Adds `name` (not one of the names yet) as name `len()`.
    pub fn push(&mut self, name: &str) {
        debug_assert!(
            self.index_of(name).is_none(),
            "duplicate symbol name {name}"
        );
        let i = self.ends.len() as u32;
        self.buf.push_str(name);
        self.ends.push(self.buf.len());
        self.index.entry(Self::hash(name)).or_default().push(i);
    }

    /// Keeps the first `n` names.
    pub fn truncate(&mut self, n: usize) {
        for i in n..self.len() {
            let h = Self::hash(self.get(i));
            if let Some(c) = self.index.get_mut(&h) {
                c.retain(|j| (*j as usize) < n);
                if c.is_empty() {
                    self.index.remove(&h);
                }
            }
        }
        self.ends.truncate(n);
        self.buf.truncate(self.ends.last().copied().unwrap_or(0));
    }

    /// No names, keeping the allocations.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
        self.index.clear();
    }

    /// The names in creation order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::SymNames;

    #[test]
    fn push_find_truncate_clear() {
        let mut n = SymNames::default();
        for name in [
            "s0",
            "x",
            "tmp62",
            "s1",
            "a_very_long_symbol_name_beyond_inline",
            "",
        ] {
            n.push(name);
        }
        assert_eq!(n.len(), 6);
        assert_eq!(n.index_of("tmp62"), Some(2));
        assert_eq!(n.index_of(""), Some(5));
        assert_eq!(n.index_of("s"), None);
        assert_eq!(n.get(4), "a_very_long_symbol_name_beyond_inline");
        n.truncate(2);
        assert_eq!(n.iter().collect::<Vec<_>>(), ["s0", "x"]);
        assert_eq!(n.index_of("tmp62"), None);
        n.push("tmp62");
        assert_eq!(n.index_of("tmp62"), Some(2));
        n.clear();
        assert_eq!((n.len(), n.index_of("s0")), (0, None));
    }
}
