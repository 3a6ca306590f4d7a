//! The node arena: every distinct [`Node`] once, numbered in creation order, with a
//! [`Table`] to find a node's number from the node.
//!
//! Nodes are only added, or dropped newest first ([`Nodes::truncate`] by an arena rollback,
//! [`Nodes::clear`] between requests), which is what [`Table`] is made for.

use crate::expr::{Expr, Node, Symbol};
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

    /// [`Nodes::insert_full`] of a leaf the caller knows by kind: `Node::Int(v)` for
    /// `Leaf::Int(v)`, `Node::Sym(s)` for `Leaf::Sym(s)`. The general path hashes the node
    /// through the derived `Hash` (a call, a match on the kind), compares candidates with
    /// the derived `PartialEq` and copies the whole node into the arena; here the hash is
    /// the same value written out for the kind ([`Leaf::hash`], test
    /// `leaf_hashes_are_the_nodes`), a candidate is compared by its kind and value, and the
    /// node is built in its place only when new. The same number and arena as `insert_full`.
    #[inline(always)]
    pub fn insert_leaf(&mut self, leaf: Leaf) -> (usize, bool) {
        let h = leaf.hash();
        let nodes = &self.nodes;
        let found = match leaf {
            Leaf::Int(v) => self.table.find_or_enter(
                &self.hashes,
                h,
                |i| matches!(nodes[i], Node::Int(w) if w == v),
            ),
            Leaf::Sym(s) => self.table.find_or_enter(
                &self.hashes,
                h,
                |i| matches!(nodes[i], Node::Sym(t) if t == s),
            ),
        };
        match found {
            Ok(i) => (i, false),
            Err(i) => {
                // A leaf has no operand list: the operand count does not change. The node is
                // built in its place in the arena: `push(node)` builds it on the stack first
                // (it must be dropped there if growing the vector unwinds) and copies it in
                // whole (a `Node` is 88 bytes: a dozen moves), where extending by one node
                // made by a closure grows the vector first and then writes the kind and the
                // value. Either appends the one node.
                self.nodes.extend(std::iter::once_with(|| match leaf {
                    Leaf::Int(v) => Node::Int(v),
                    Leaf::Sym(s) => Node::Sym(s),
                }));
                self.hashes.push(h);
                (i, true)
            }
        }
    }

    /// [`Nodes::insert_full`] of `p.node(a, b)`, a node of two operands the caller knows by
    /// kind: the hash written out for the kind ([`Pair::hash`], the derived `Hash`'s value,
    /// test `pair_and_term_hashes_are_the_nodes`), a candidate compared by kind and operands,
    /// the node built only when new (it has no operand list: the count does not change).
    /// The same number and arena as `insert_full`.
    #[inline(always)]
    pub fn insert_pair(&mut self, p: Pair, a: Expr, b: Expr) -> (usize, bool) {
        let h = p.hash(a, b);
        let nodes = &self.nodes;
        match self
            .table
            .find_or_enter(&self.hashes, h, |i| p.is(&nodes[i], a, b))
        {
            Ok(i) => (i, false),
            Err(i) => {
                self.nodes.push(p.node(a, b));
                self.hashes.push(h);
                (i, true)
            }
        }
    }

    /// [`Nodes::insert_full`] of the one-term sum `Add([(t, k)], c)`: the hash written out
    /// ([`term_hash`]), a candidate compared by kind, length, term and constant, the node
    /// built only when new. The same number and arena as `insert_full`.
    #[inline(always)]
    pub fn insert_term(&mut self, t: Expr, k: i64, c: i64) -> (usize, bool) {
        let h = term_hash(t, k, c);
        let nodes = &self.nodes;
        let is = |i: usize| matches!(&nodes[i], Node::Add(ts, d) if *d == c && ts.len() == 1 && ts[0] == (t, k));
        match self.table.find_or_enter(&self.hashes, h, is) {
            Ok(i) => (i, false),
            Err(i) => {
                if self.counting {
                    // One operand in the sum's list.
                    self.operands += 1;
                }
                self.nodes.push(Node::Add(smallvec::smallvec![(t, k)], c));
                self.hashes.push(h);
                (i, true)
            }
        }
    }

    /// [`Nodes::insert_full`] of the product `Mul(fs)` from its factors: the hash written out
    /// ([`mul_hash`], the derived `Hash`'s value), a candidate compared by kind and factor
    /// list, the node (and its list) built only when new. The same number and arena as
    /// `insert_full(Node::Mul(fs))` (tests `mul_hashes_are_the_nodes`,
    /// `mul_interns_are_intern`); that path builds the node's list before it hashes it,
    /// moves the node through the probe and drops it when found.
    #[inline(always)]
    pub fn insert_mul(&mut self, fs: &[Expr]) -> (usize, bool) {
        let h = mul_hash(fs);
        let nodes = &self.nodes;
        let is = |i: usize| matches!(&nodes[i], Node::Mul(xs) if xs[..] == *fs);
        match self.table.find_or_enter(&self.hashes, h, is) {
            Ok(i) => (i, false),
            Err(i) => {
                if self.counting {
                    self.operands += fs.len();
                }
                self.nodes
                    .push(Node::Mul(crate::expr::Args::from_slice(fs)));
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

/// A leaf node by kind, for [`Nodes::insert_leaf`].
#[derive(Copy, Clone, Debug)]
pub(crate) enum Leaf {
    Int(i64),
    Sym(Symbol),
}

impl Leaf {
    /// The hash [`Nodes::insert_full`] computes for the leaf's node: the derived `Hash` of
    /// `Node` writes the variant's discriminant, then its field.
    #[inline(always)]
    fn hash(self) -> u64 {
        let mut hasher = FxBuildHasher.build_hasher();
        match self {
            Leaf::Int(v) => {
                discriminant(Node::Int(0)).hash(&mut hasher);
                v.hash(&mut hasher);
            }
            Leaf::Sym(s) => {
                discriminant(Node::Sym(s)).hash(&mut hasher);
                s.hash(&mut hasher);
            }
        }
        hasher.finish()
    }
}

/// A node of two operands by kind, for [`Nodes::insert_pair`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Pair {
    FloorDiv,
    CeilDiv,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
}

impl Pair {
    /// Every kind (for the tests).
    #[cfg(test)]
    pub const ALL: [Pair; 7] = [
        Pair::FloorDiv,
        Pair::CeilDiv,
        Pair::Mod,
        Pair::Eq,
        Pair::Ne,
        Pair::Lt,
        Pair::Le,
    ];

    /// The node of kind `self` with operands `a`, `b`.
    #[inline(always)]
    pub fn node(self, a: Expr, b: Expr) -> Node {
        match self {
            Pair::FloorDiv => Node::FloorDiv(a, b),
            Pair::CeilDiv => Node::CeilDiv(a, b),
            Pair::Mod => Node::Mod(a, b),
            Pair::Eq => Node::Eq(a, b),
            Pair::Ne => Node::Ne(a, b),
            Pair::Lt => Node::Lt(a, b),
            Pair::Le => Node::Le(a, b),
        }
    }

    /// Whether `n` is `self.node(a, b)` (its derived `PartialEq`, without building it).
    #[inline(always)]
    fn is(self, n: &Node, a: Expr, b: Expr) -> bool {
        let (x, y) = match (self, n) {
            (Pair::FloorDiv, Node::FloorDiv(x, y))
            | (Pair::CeilDiv, Node::CeilDiv(x, y))
            | (Pair::Mod, Node::Mod(x, y))
            | (Pair::Eq, Node::Eq(x, y))
            | (Pair::Ne, Node::Ne(x, y))
            | (Pair::Lt, Node::Lt(x, y))
            | (Pair::Le, Node::Le(x, y)) => (x, y),
            _ => return false,
        };
        *x == a && *y == b
    }

    /// The hash [`Nodes::insert_full`] computes for `self.node(a, b)`: the derived `Hash`
    /// writes the variant's discriminant, then the operands in order.
    #[inline(always)]
    fn hash(self, a: Expr, b: Expr) -> u64 {
        let mut hasher = FxBuildHasher.build_hasher();
        discriminant(self.node(a, b)).hash(&mut hasher);
        a.hash(&mut hasher);
        b.hash(&mut hasher);
        hasher.finish()
    }
}

/// The hash [`Nodes::insert_full`] computes for `Add([(t, k)], c)`: the derived `Hash` writes
/// the discriminant, the terms (a `SmallVec` hashes as its slice: the length, then each
/// term), then the constant.
#[inline(always)]
fn term_hash(t: Expr, k: i64, c: i64) -> u64 {
    let mut hasher = FxBuildHasher.build_hasher();
    discriminant(Node::Add(crate::expr::Terms::new(), 0)).hash(&mut hasher);
    [(t, k)][..].hash(&mut hasher);
    c.hash(&mut hasher);
    hasher.finish()
}

/// The hash [`Nodes::insert_full`] computes for `Mul(fs)`: the derived `Hash` writes the
/// discriminant, then the list (a `SmallVec` hashes as its slice: the length, then each
/// factor).
#[inline(always)]
fn mul_hash(fs: &[Expr]) -> u64 {
    let mut hasher = FxBuildHasher.build_hasher();
    discriminant(Node::Mul(crate::expr::Args::new())).hash(&mut hasher);
    fs.hash(&mut hasher);
    hasher.finish()
}

/// The discriminant of `n`'s variant, `n` not dropped: a constant where `n` is written out
/// (a `Node` dropped is a call to its drop glue, even when the variant owns nothing).
#[inline(always)]
fn discriminant(n: Node) -> std::mem::Discriminant<Node> {
    std::mem::discriminant(&*std::mem::ManuallyDrop::new(n))
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

    /// [`Leaf::hash`] is the hash `insert_full` computes of the leaf's node (the derived
    /// `Hash`), for constants across the range and symbols of many indices: the two paths
    /// find each other's nodes only if so.
    #[test]
    fn leaf_hashes_are_the_nodes() {
        let node_hash = |n: &Node| FxBuildHasher.hash_one(n);
        let mut vs: Vec<i64> = vec![i64::MIN, i64::MIN + 1, -1, 0, 1, 63, 64, 65, i64::MAX];
        vs.extend((0..64).map(|k| 1i64 << k));
        vs.extend((-300..300).map(|k| k * 7919));
        for v in vs {
            assert_eq!(Leaf::Int(v).hash(), node_hash(&Node::Int(v)), "{v}");
        }
        let mut cx = crate::Context::new();
        for i in 0..300 {
            let s = cx.symbol(&format!("s{i}")).unwrap();
            assert_eq!(Leaf::Sym(s).hash(), node_hash(&Node::Sym(s)), "s{i}");
        }
    }

    /// [`Pair::hash`] and [`term_hash`] are the hashes `insert_full` computes of their nodes
    /// (the derived `Hash`), over operands of many indices and constants at the edges.
    #[test]
    fn pair_and_term_hashes_are_the_nodes() {
        let node_hash = |n: &Node| FxBuildHasher.hash_one(n);
        let mut cx = crate::Context::new();
        let es: Vec<Expr> = (-150..150i64).map(|v| cx.int(v * 7919)).collect();
        let ks = [i64::MIN, -1, 0, 1, 2, i64::MAX];
        for (i, &e) in es.iter().enumerate() {
            let f = es[(i * 37 + 11) % es.len()];
            for p in Pair::ALL {
                assert_eq!(p.hash(e, f), node_hash(&p.node(e, f)), "{p:?} {i}");
                assert!(p.is(&p.node(e, f), e, f));
                assert_eq!(p.is(&p.node(f, e), e, f), e == f);
            }
            for k in ks {
                for c in ks {
                    let n = Node::Add(smallvec::smallvec![(e, k)], c);
                    assert_eq!(term_hash(e, k, c), node_hash(&n), "{i} {k} {c}");
                }
            }
        }
    }

    /// [`mul_hash`] is the hash `insert_full` computes of the product's node (the derived
    /// `Hash`), over lists of zero to nine factors of many indices.
    #[test]
    fn mul_hashes_are_the_nodes() {
        let node_hash = |n: &Node| FxBuildHasher.hash_one(n);
        let mut cx = crate::Context::new();
        let es: Vec<Expr> = (-150..150i64).map(|v| cx.int(v * 7919)).collect();
        for i in 0..es.len() {
            for n in 0..10 {
                let fs: Vec<Expr> = (0..n).map(|j| es[(i * 37 + j * 101) % es.len()]).collect();
                let node = Node::Mul(fs.iter().copied().collect());
                assert_eq!(mul_hash(&fs), node_hash(&node), "{i} {n}");
            }
        }
    }

    /// `insert_leaf` and `insert_full` find each other's leaves and number new ones alike.
    #[test]
    fn leaf_inserts_are_insert_full() {
        let (mut a, mut b) = (Nodes::with_capacity(0), Nodes::with_capacity(0));
        for k in 0..3000i64 {
            let v = (k * 7919) % 1000 - 500;
            let via_leaf = k % 3 == 0;
            let got = if via_leaf {
                a.insert_leaf(Leaf::Int(v))
            } else {
                a.insert_full(Node::Int(v))
            };
            assert_eq!(got, b.insert_full(Node::Int(v)), "{k}");
            assert_eq!(a.insert_leaf(Leaf::Int(v)).0, got.0);
            assert_eq!(a.insert_full(Node::Int(v)).0, got.0);
        }
        assert_eq!(a.nodes, b.nodes);
    }

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
