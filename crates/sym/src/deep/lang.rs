//! The e-graph language of deep mode and its e-class analysis (docs/deep.md).
//!
//! The language has sym's integer operators as binary nodes (`+`, `*`, `//`, `ceil//`, `%`,
//! `min`, `max`, `pow` with a constant exponent), integer constants, and leaves: a leaf is a
//! symbol or an opaque integer sub-expression of the input (`Abs(x)`, `Where(..)`, float
//! rounding), numbered in a table of the run ([`Atom`]), never interned globally. Subtraction is
//! `a + (-1)*b`.
//!
//! The analysis is an interval per e-class: every term of a class has a value inside it at
//! every assignment of the domain `D` (where the input is defined). Leaves take their bound
//! from the context, clamped to `i64` (a symbol's value is an `i64`); operators use sym's
//! interval arithmetic; merging intersects (both intervals hold for the merged class). A class
//! whose interval is one point gets that constant as a node (constant folding).

use crate::interval::Iv;
use egg::{Analysis, DidMerge, EGraph, Id, Language, define_language};

/// A leaf of the e-graph: index into the run's table of leaf expressions.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Atom(pub(crate) u32);

impl std::fmt::Display for Atom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "@{}", self.0)
    }
}

impl std::str::FromStr for Atom {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        s.strip_prefix('@')
            .and_then(|d| d.parse().ok())
            .map(Atom)
            .ok_or(())
    }
}

define_language! {
    /// sym's integer operators, binary (docs/deep.md).
    pub(crate) enum Arith {
        "+" = Add([Id; 2]),
        "*" = Mul([Id; 2]),
        "//" = FloorDiv([Id; 2]),
        "ceil//" = CeilDiv([Id; 2]),
        "%" = Mod([Id; 2]),
        "min" = Min([Id; 2]),
        "max" = Max([Id; 2]),
        "pow" = Pow([Id; 2]),
        Num(i64),
        Leaf(Atom),
    }
}

/// The e-class analysis: leaf intervals of the run, one interval per class.
#[derive(Debug, Default)]
pub(crate) struct Ranges {
    /// The interval of each leaf (indexed by [`Atom`]), with infinite ends where it is
    /// unbounded.
    pub(crate) leaf_iv: Vec<Iv>,
    /// How many merges of this run narrowed a class's interval ([`NARROWINGS`] at most).
    narrowed: u32,
}

/// The narrowings of class intervals one run may make. Past them, merges keep the interval
/// they have (either interval holds for the merged class: each held for its terms). A class of
/// terms that are undefined on `D` can be shown equal to itself plus one (the rules hold
/// wherever the terms are defined, which is nowhere), and its interval then narrows by one at
/// each pass of egg's rebuild: 2^63 passes inside one rebuild, where no limit of the run is
/// checked (found by a differential review). A run within its node budget makes a few
/// thousand.
const NARROWINGS: u32 = 1 << 16;

pub(crate) type Graph = EGraph<Arith, Ranges>;

/// The interval of a class that no assignment of `D` reaches (an operand's interval is
/// empty, or two facts about the class exclude each other): every interval holds for it, and
/// it has this one representation, so that recomputing and merging settle. egg rebuilds until
/// no class's interval changes; empty intervals of ever new shapes (each sum or intersection of
/// two empty ones another) kept it rebuilding forever, past every limit
/// (`FloorDiv(0, 0) + Mod(y, 1)`; found by a differential review).
pub(crate) const NOWHERE: Iv = Iv {
    lo: crate::interval::POS_INF,
    hi: crate::interval::NEG_INF,
};

/// `iv`, or [`NOWHERE`] when it is empty.
fn settled(iv: Iv) -> Iv {
    if iv.lo > iv.hi { NOWHERE } else { iv }
}

/// The interval of a node from its children's (sound on `D`; [`NOWHERE`] when an operand's
/// is empty: every operator here needs its operands' values).
pub(crate) fn node_iv(leaf_iv: &[Iv], n: &Arith, iv: impl Fn(Id) -> Iv) -> Iv {
    let empty = |x: Iv| x.lo > x.hi;
    if n.children().iter().any(|c| empty(iv(*c))) {
        return NOWHERE;
    }
    settled(match n {
        Arith::Num(k) => Iv::point(*k),
        Arith::Leaf(a) => leaf_iv.get(a.0 as usize).copied().unwrap_or(Iv::TOP),
        Arith::Add([a, b]) => iv(*a).add(&iv(*b)),
        Arith::Mul([a, b]) => iv(*a).mul(&iv(*b)),
        Arith::FloorDiv([a, b]) => iv(*a).floordiv(&iv(*b)),
        Arith::CeilDiv([a, b]) => iv(*a).ceildiv(&iv(*b)),
        Arith::Mod([a, b]) => iv(*a).modulo(&iv(*b)),
        Arith::Min([a, b]) => iv(*a).min(&iv(*b)),
        Arith::Max([a, b]) => iv(*a).max(&iv(*b)),
        Arith::Pow([a, k]) => match iv(*k).as_point() {
            Some(k) if (2..=64).contains(&k) => iv(*a).pow(k as u32),
            _ => Iv::TOP,
        },
    })
}

impl Analysis<Arith> for Ranges {
    type Data = Iv;

    fn make(egraph: &mut Graph, enode: &Arith) -> Iv {
        node_iv(&egraph.analysis.leaf_iv, enode, |c| egraph[c].data)
    }

    fn merge(&mut self, a: &mut Iv, b: Iv) -> DidMerge {
        let m = settled(a.intersect(&b));
        if m != *a {
            if self.narrowed >= NARROWINGS {
                return DidMerge(false, *a != b);
            }
            self.narrowed += 1;
        }
        let changed_a = m != *a;
        let changed_b = m != b;
        *a = m;
        DidMerge(changed_a, changed_b)
    }

    fn modify(egraph: &mut Graph, id: Id) {
        // Constant folding: a class whose interval is one point is that constant on D.
        if let Some(k) = egraph[id].data.as_point() {
            let c = egraph.add(Arith::Num(k));
            egraph.union(id, c);
        }
    }
}
