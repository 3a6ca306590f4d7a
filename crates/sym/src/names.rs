//! Symbol names: one string buffer and a hash index, so that creating a symbol allocates
//! nothing once a reused context has grown (a request creates a handful of symbols; a boxed
//! name cost a `malloc` at creation and a `free` at [`crate::Context::clear`] each).

use crate::table::Table;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// The names of a context's symbols, in creation order: name `i` is symbol `i`'s.
#[derive(Clone, Debug, Default)]
pub(crate) struct SymNames {
    /// Every name, one after the other.
    buf: String,
    /// The byte end of each name in `buf` (name `i` starts where name `i - 1` ends).
    ends: Vec<usize>,
    /// Per name, its hash (for the table to grow and to drop it without hashing again).
    hashes: Vec<u64>,
    /// A name's hash to its index (names leave newest first: [`SymNames::truncate`]).
    table: Table,
}

impl SymNames {
    /// The hash that [`SymNames::index_of_hashed`] and [`SymNames::push_hashed`] take, so that a
    /// caller that looks a name up and then adds it hashes it once.
    pub fn hash(name: &str) -> u64 {
        FxBuildHasher.hash_one(name)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Name `i` (`i < len()`).
    #[inline]
    pub fn get(&self, i: usize) -> &str {
        name_at(&self.buf, &self.ends, i)
    }

    /// The index of `name`, if it is one of the names.
    #[cfg(test)]
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.index_of_hashed(name, Self::hash(name))
    }

    /// [`SymNames::index_of`] with the name's [`SymNames::hash`] already computed.
    #[inline]
    pub fn index_of_hashed(&self, name: &str, h: u64) -> Option<usize> {
        let name = name.as_bytes();
        self.table
            .find(h, |i| same_bytes(bytes_at(&self.buf, &self.ends, i), name))
            .ok()
    }

    /// Adds `name` (not one of the names yet) as name `len()`.
    #[cfg(test)]
    pub fn push(&mut self, name: &str) {
        self.push_hashed(name, Self::hash(name));
    }

    /// Adds `name` (not one of the names yet, `h` its [`SymNames::hash`]) as name `len()`.
    pub fn push_hashed(&mut self, name: &str, h: u64) {
        debug_assert_eq!(h, Self::hash(name));
        self.insert(name, h);
    }

    /// Adds `name` under the hash `h` (the tests force collisions with it).
    fn insert(&mut self, name: &str, h: u64) {
        if self.find_or_push(name, h).is_ok() {
            debug_assert!(false, "duplicate symbol name {name}");
        }
    }

    /// The index of `name` (`h` its [`SymNames::hash`]) when it is one of the names: `Ok(i)`;
    /// else `Err(len())`, `name` added as name `len()`. One probe of the table where a lookup
    /// and then a [`SymNames::push_hashed`] take two. Always inlined: as a call (from
    /// [`crate::Context::symbol`] and the parser's symbols) it saved and restored registers
    /// around a few dozen instructions.
    #[inline(always)]
    pub fn find_or_push(&mut self, name: &str, h: u64) -> Result<usize, usize> {
        let (buf, ends, bytes) = (&self.buf, &self.ends, name.as_bytes());
        let n = self.table.find_or_enter(&self.hashes, h, |i| {
            same_bytes(bytes_at(buf, ends, i), bytes)
        });
        if n.is_err() {
            self.hashes.push(h);
            push_name(&mut self.buf, name);
            self.ends.push(self.buf.len());
        }
        n
    }

    /// Keeps the first `n` names.
    pub fn truncate(&mut self, n: usize) {
        self.table.truncate(&self.hashes, n);
        self.ends.truncate(n);
        self.hashes.truncate(n);
        self.buf.truncate(self.ends.last().copied().unwrap_or(0));
    }

    /// No names, keeping the allocations.
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// The names in creation order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// `buf.push_str(name)`, with the copy of a short name (most are: `s0`, `u12`, `tmp62`)
/// written out for its length: each arm's `push_str` copies a constant length (`&name[..k]`
/// is all of `name` in arm `k`), as a few moves, where the general one calls `memcpy` (about
/// 25 instructions with the call, for a name of two or three bytes; arms that all read
/// `push_str(name)` were merged back into that one call). Every arm appends exactly `name`,
/// as the last one does (test `push_name_is_push_str`).
#[inline(always)]
fn push_name(buf: &mut String, name: &str) {
    match name.len() {
        1 => buf.push_str(&name[..1]),
        2 => buf.push_str(&name[..2]),
        3 => buf.push_str(&name[..3]),
        4 => buf.push_str(&name[..4]),
        5 => buf.push_str(&name[..5]),
        6 => buf.push_str(&name[..6]),
        7 => buf.push_str(&name[..7]),
        8 => buf.push_str(&name[..8]),
        _ => buf.push_str(name),
    }
}

/// Name `i` of the names in `buf` ending at `ends` ([`SymNames::get`], for borrows of the two
/// fields alone).
#[inline]
fn name_at<'a>(buf: &'a str, ends: &[usize], i: usize) -> &'a str {
    &buf[span(ends, i)]
}

/// Where name `i` lies in the buffer of names ending at `ends`.
#[inline]
fn span(ends: &[usize], i: usize) -> std::ops::Range<usize> {
    (if i == 0 { 0 } else { ends[i - 1] })..ends[i]
}

/// Whether `a` and `b` are the same bytes: a short name (most are) compared in a loop, where
/// the slices' `==` calls `bcmp` (and saves and restores the caller's registers around it).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 8 {
        return a == b;
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// The bytes of name `i` ([`name_at`] without the slicing's UTF-8 boundary checks: the
/// lookups compare bytes).
#[inline]
fn bytes_at<'a>(buf: &'a str, ends: &[usize], i: usize) -> &'a [u8] {
    &buf.as_bytes()[span(ends, i)]
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

    /// `push_name` appends exactly what `push_str` appends, for names of every length its arms
    /// write out and beyond (0 to 20 bytes), of one-byte and multi-byte characters (a name
    /// that [`crate::Context::symbol`] is about to refuse is entered first), after a buffer
    /// of any length; and the names come back out of [`SymNames`] as they went in.
    #[test]
    fn push_name_is_push_str() {
        let chars = ['s', '0', '9', '_', 'Z', 'é', '€', '𝔵', ' ', '\0'];
        let mut next = crate::test_rng::xorshift(0x5EED_0038_0B5E_ED01);
        let mut names = SymNames::default();
        let mut want: Vec<String> = Vec::new();
        for case in 0..20_000 {
            let mut name = String::new();
            let len = next(21) as usize;
            while name.len() < len {
                let c = chars[next(chars.len() as u64) as usize];
                if name.len() + c.len_utf8() > len && next(2) == 0 {
                    break;
                }
                name.push(c);
            }
            let prefix: String = (0..next(12)).map(|_| 'x').collect();
            let (mut a, mut b) = (prefix.clone(), prefix);
            super::push_name(&mut a, &name);
            b.push_str(&name);
            assert_eq!(a, b, "case {case}: {name:?}");
            if names.index_of(&name).is_none() {
                names.push(&name);
                want.push(name);
            }
        }
        assert_eq!(names.iter().collect::<Vec<_>>(), want);
        for (i, name) in want.iter().enumerate() {
            assert_eq!(names.index_of(name), Some(i));
        }
    }

    /// Names whose hashes collide are told apart by their text, and truncating forgets the
    /// dropped ones whatever the order the collisions were made in.
    #[test]
    fn colliding_hashes() {
        let mut n = SymNames::default();
        n.insert("a", 7);
        n.insert("b", 9);
        n.insert("c", 7);
        n.insert("d", 7);
        for (name, h, i) in [("a", 7, 0), ("b", 9, 1), ("c", 7, 2), ("d", 7, 3)] {
            assert_eq!(n.index_of_hashed(name, h), Some(i), "{name}");
        }
        assert_eq!(n.index_of_hashed("e", 7), None);
        assert_eq!(n.index_of_hashed("a", 9), None);
        n.truncate(3);
        assert_eq!(n.index_of_hashed("d", 7), None);
        assert_eq!(n.index_of_hashed("c", 7), Some(2));
        assert_eq!(n.index_of_hashed("a", 7), Some(0));
        n.truncate(1);
        assert_eq!(n.index_of_hashed("c", 7), None);
        assert_eq!(n.index_of_hashed("b", 9), None);
        assert_eq!(n.index_of_hashed("a", 7), Some(0));
        n.insert("e", 7);
        assert_eq!(n.index_of_hashed("e", 7), Some(1));
        assert_eq!(n.index_of_hashed("a", 7), Some(0));
        n.truncate(0);
        assert_eq!(n.index_of_hashed("a", 7), None);
        assert!(n.table.is_empty());
    }
}
