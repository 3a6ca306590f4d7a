//! The node arena: every distinct [`Node`] once, numbered in creation order, with a
//! [`Table`] to find a node's number from the node.
//!
//! Nodes are only added, or dropped newest first ([`Nodes::truncate`] by an arena rollback,
//! [`Nodes::clear`] between requests), which is what [`Table`] is made for.

use crate::expr::Node;
use crate::table::Table;
use rustc_hash::FxBuildHasher;
use std::hash::{BuildHasher, Hash, Hasher};

#[derive(Clone, Debug, Default)]
pub(crate) struct Nodes {
    /// The nodes in creation order: node `i` has number `i`.
    nodes: Vec<Node>,
    /// Per node, its hash (for the table to grow and to drop it without hashing again).
    hashes: Vec<u64>,
    table: Table,
    /// The operands of the nodes' lists (sums, products, Min/Max, And/Or) together: the part
    /// of the memory that grows with the nodes' sizes ([`crate::Limits::context_operands`]),
    /// counted only while `counting` (a context with that limit: the count costs a few
    /// instructions per new node, about 1% of a whole request, which the others do not pay).
    operands: usize,
    counting: bool,
}

impl Nodes {
    /// An empty arena with room for `n` nodes before it grows.
    pub fn with_capacity(n: usize) -> Self {
        Nodes {
            nodes: Vec::with_capacity(n),
            hashes: Vec::with_capacity(n),
            table: Table::with_capacity(n),
            operands: 0,
            counting: false,
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    /// The operands of the nodes' lists together (the field's docs).
    pub fn operands(&self) -> usize {
        if self.counting {
            self.operands
        } else {
            self.nodes.iter().map(list_len).sum()
        }
    }
    /// Counts the operands from now on (`on`: counted over the nodes there are), or stops.
    pub fn count_operands(&mut self, on: bool) {
        if on && !self.counting {
            self.operands = self.nodes.iter().map(list_len).sum();
        }
        self.counting = on;
    }

    /// How many nodes fit before the node vector grows.
    pub fn capacity(&self) -> usize {
        self.nodes.capacity()
    }

    #[cfg(test)]
    pub fn iter(&self) -> std::slice::Iter<'_, Node> {
        self.nodes.iter()
    }

    /// The number of `n`, and whether it is new: a new node is added as number `len()`.
    #[inline]
    pub fn insert_full(&mut self, n: Node) -> (usize, bool) {
        // `hash_one`'s steps written out: it is a call per node, this is inlined (the same
        // hash; -0.7% to -0.9% of a request's instructions).
        #[allow(clippy::manual_hash_one)]
        let h = {
            let mut hasher = FxBuildHasher.build_hasher();
            n.hash(&mut hasher);
            hasher.finish()
        };
        let nodes = &self.nodes;
        match self.table.find_or_enter(&self.hashes, h, |i| nodes[i] == n) {
            Ok(i) => (i, false),
            Err(i) => {
                if self.counting {
                    self.operands += list_len(&n);
                }
                self.nodes.push(n);
                self.hashes.push(h);
                (i, true)
            }
        }
    }

    /// Keeps the first `n` nodes.
    pub fn truncate(&mut self, n: usize) {
        if self.counting
            && let Some(dropped) = self.nodes.get(n..)
        {
            self.operands -= dropped.iter().map(list_len).sum::<usize>();
        }
        self.table.truncate(&self.hashes, n);
        self.nodes.truncate(n);
        self.hashes.truncate(n);
    }

    /// No nodes, keeping the allocations.
    pub fn clear(&mut self) {
        self.truncate(0);
    }
}

/// The operands of `n`'s list (0 for a node without one).
fn list_len(n: &Node) -> usize {
    match n {
        Node::Add(ts, _) => ts.len(),
        Node::Mul(xs) | Node::Min(xs) | Node::Max(xs) | Node::And(xs) | Node::Or(xs) => xs.len(),
        _ => 0,
    }
}

impl std::ops::Index<usize> for Nodes {
    type Output = Node;

    #[inline]
    fn index(&self, i: usize) -> &Node {
        &self.nodes[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nodes get numbers in first-seen order, the same number when seen again, and fresh
    /// numbers after a clear (the table's own test covers truncation and collisions).
    #[test]
    fn numbers_nodes_in_first_seen_order() {
        let ns: Vec<Node> = (0..100).map(|i| Node::Int(i * 7 - 40)).collect();
        let mut a = Nodes::with_capacity(0);
        for (i, n) in ns.iter().enumerate() {
            assert_eq!(a.insert_full(n.clone()), (i, true));
        }
        for (i, n) in ns.iter().enumerate() {
            assert_eq!(a.insert_full(n.clone()), (i, false));
            assert_eq!(a[i], *n);
        }
        a.truncate(40);
        assert_eq!(a.insert_full(ns[70].clone()), (40, true));
        assert_eq!(a.insert_full(ns[39].clone()), (39, false));
        a.clear();
        assert_eq!(a.len(), 0);
        assert_eq!(a.insert_full(ns[99].clone()), (0, true));
    }
}
