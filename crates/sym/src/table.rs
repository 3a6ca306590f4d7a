//! A hash index over a list that only grows at its end or drops its newest entries: the node
//! arena ([`crate::interner::Nodes`]) and the symbol names ([`crate::names::SymNames`]).
//!
//! Open addressing with linear probing. A slot holds an entry's number in its low 32 bits and
//! the high 32 bits of the entry's hash above them, so that a probe compares the stored hash
//! bits before it looks at an entry. The table is at most half full.
//!
//! Entries leave newest first ([`Table::truncate`]), and then the table is the one that
//! inserting only the older entries would have built: an entry's probe path from its home slot
//! to its slot ran only through the slots of entries inserted before it (the table was that
//! full when it was inserted), and those are still there. So a removal just empties the
//! entry's slot; no entry moves. (Removing from the middle would need more, and nothing does.)

/// An empty slot (no entry has number `u32::MAX`: [`Table::set`] refuses it).
const EMPTY: u64 = u64::MAX;
/// The bits of a slot that hold the entry's number.
const INDEX: u64 = 0xFFFF_FFFF;
/// The fewest slots a table has.
const MIN_SLOTS: usize = 16;

#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// A power of two slots: each [`EMPTY`] or `hash & !INDEX | number`.
    slots: Vec<u64>,
}

impl Default for Table {
    fn default() -> Self {
        Table::with_capacity(0)
    }
}

impl Table {
    /// A table with room for `n` entries before it grows.
    pub fn with_capacity(n: usize) -> Self {
        Table {
            slots: vec![EMPTY; slots_for(n)],
        }
    }

    /// The entry of the list holding `hashes` (entry `i` has `hashes[i]`) with hash `h` for
    /// which `is(i)` holds: `Ok(i)`; else `Err(n)`, `n = hashes.len()`, entered in the table
    /// for the caller to push as entry `n` (with hash `h`) right away.
    #[inline(always)]
    pub fn find_or_enter(
        &mut self,
        hashes: &[u64],
        h: u64,
        is: impl FnMut(usize) -> bool,
    ) -> Result<usize, usize> {
        self.reserve_one(hashes);
        match self.find(h, is) {
            Ok(i) => Ok(i),
            Err(slot) => {
                self.set(slot, h, hashes.len());
                Err(hashes.len())
            }
        }
    }

    /// Makes room for one more entry, the list holding `hashes`.
    #[inline]
    fn reserve_one(&mut self, hashes: &[u64]) {
        if (hashes.len() + 1) * 2 > self.slots.len() {
            self.grow(hashes);
        }
    }

    /// `Ok(i)` for the entry `i` with hash `h` for which `is(i)` holds, else `Err(slot)`: the
    /// empty slot where such an entry goes, valid until the table changes. Always inlined:
    /// as a call (from the symbol names' lookups) its comparison went through a closure on
    /// the stack.
    #[inline(always)]
    pub fn find(&self, h: u64, mut is: impl FnMut(usize) -> bool) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let tag = h & !INDEX;
        let mut at = h as usize & mask;
        loop {
            let s = self.slots[at];
            if s == EMPTY {
                return Err(at);
            }
            if s & !INDEX == tag && is((s & INDEX) as usize) {
                return Ok((s & INDEX) as usize);
            }
            at = (at + 1) & mask;
        }
    }

    /// Enters entry `i` with hash `h` at `slot`, which [`Table::find`] returned for `h` after
    /// [`Table::reserve_one`]. Panics when `i` does not fit in 32 bits (a context's node and
    /// symbol limits stop long before: docs/limits.md).
    #[inline]
    fn set(&mut self, slot: usize, h: u64, i: usize) {
        assert!(
            (i as u64) < INDEX,
            "more than 2^32 - 1 entries in one table"
        );
        debug_assert_eq!(self.slots[slot], EMPTY);
        self.slots[slot] = (h & !INDEX) | i as u64;
    }

    /// Doubles the table (at least) and enters every entry again.
    #[cold]
    fn grow(&mut self, hashes: &[u64]) {
        let n = slots_for(hashes.len() + 1).max(self.slots.len() * 2);
        self.slots.clear();
        self.slots.resize(n, EMPTY);
        self.refill(hashes);
    }

    /// Enters entries `0..hashes.len()` into an empty table.
    fn refill(&mut self, hashes: &[u64]) {
        let mask = self.slots.len() - 1;
        for (i, &h) in hashes.iter().enumerate() {
            let mut at = h as usize & mask;
            while self.slots[at] != EMPTY {
                at = (at + 1) & mask;
            }
            self.slots[at] = (h & !INDEX) | i as u64;
        }
    }

    /// Removes the entries from `n` on, the list holding `hashes` before it drops them.
    pub fn truncate(&mut self, hashes: &[u64], n: usize) {
        if n >= hashes.len() {
            return;
        }
        if (hashes.len() - n) * 8 > self.slots.len() {
            // Many leave: refill with the ones that stay.
            self.slots.fill(EMPTY);
            self.refill(&hashes[..n]);
            return;
        }
        // Newest first: see the module's doc for why emptying the slot is enough.
        let mask = self.slots.len() - 1;
        for i in (n..hashes.len()).rev() {
            let want = (hashes[i] & !INDEX) | i as u64;
            let mut at = hashes[i] as usize & mask;
            while self.slots[at] != want {
                debug_assert_ne!(self.slots[at], EMPTY, "entry {i} is not in the table");
                at = (at + 1) & mask;
            }
            self.slots[at] = EMPTY;
        }
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(|&s| s == EMPTY)
    }

    #[cfg(test)]
    pub fn slots(&self) -> usize {
        self.slots.len()
    }
}

/// The slots for `n` entries: a power of two, at least twice `n`.
fn slots_for(n: usize) -> usize {
    (n * 2).next_power_of_two().max(MIN_SLOTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of keys indexed by a [`Table`], with hashes chosen by the test.
    #[derive(Default)]
    struct List {
        keys: Vec<u32>,
        hashes: Vec<u64>,
        table: Table,
    }

    impl List {
        fn find(&self, key: u32, h: u64) -> Option<usize> {
            self.table.find(h, |i| self.keys[i] == key).ok()
        }

        fn insert(&mut self, key: u32, h: u64) -> (usize, bool) {
            let keys = &self.keys;
            match self
                .table
                .find_or_enter(&self.hashes, h, |i| keys[i] == key)
            {
                Ok(i) => (i, false),
                Err(i) => {
                    self.keys.push(key);
                    self.hashes.push(h);
                    (i, true)
                }
            }
        }

        fn truncate(&mut self, n: usize) {
            self.table.truncate(&self.hashes, n);
            self.keys.truncate(n.min(self.keys.len()));
            self.hashes.truncate(n.min(self.hashes.len()));
        }
    }

    /// A poor hash on purpose: 300 keys on 40 values, so that keys share hashes (told apart by
    /// the key) and home slots, and probe paths run into each other at every table size.
    fn poor_hash(key: u32) -> u64 {
        u64::from(key % 40).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    /// Against a plain list: numbers in first-seen order, `new` only the first time, every key
    /// found after any interleaving of inserts and suffix truncations (of a few entries, which
    /// empty slots, and of many, which refill), and none found once gone.
    #[test]
    fn matches_a_list_through_inserts_and_truncations() {
        let mut a = List::default();
        let mut list: Vec<u32> = Vec::new();
        // A fixed pseudo-random walk (xorshift): deterministic.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for step in 0..30_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x.is_multiple_of(11) {
                // Mostly a few newest entries, sometimes many.
                let drop = if x.is_multiple_of(5) {
                    (x >> 8) as usize % (list.len() + 1)
                } else {
                    (x >> 8) as usize % 4
                };
                let keep = list.len().saturating_sub(drop);
                a.truncate(keep);
                list.truncate(keep);
            } else {
                let key = (x >> 20) as u32 % 300;
                let want = match list.iter().position(|&k| k == key) {
                    Some(i) => (i, false),
                    None => {
                        list.push(key);
                        (list.len() - 1, true)
                    }
                };
                assert_eq!(a.insert(key, poor_hash(key)), want, "step {step}");
            }
            assert_eq!(a.keys, list);
            assert!(a.table.slots() >= 2 * list.len());
            if step % 97 == 0 {
                for key in 0..300 {
                    assert_eq!(
                        a.find(key, poor_hash(key)),
                        list.iter().position(|&k| k == key),
                        "step {step}, key {key}"
                    );
                }
            }
        }
        a.truncate(0);
        assert!(a.table.is_empty());
    }
}
