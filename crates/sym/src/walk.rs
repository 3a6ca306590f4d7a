//! Reading expressions from outside the crate without allocating: the operator of a node
//! ([`Op`]), its children, the payload of sums and powers, and a post-order traversal.
//!
//! ```
//! use sym::{Context, Op};
//! let mut cx = Context::new();
//! let e = cx.parse("FloorDiv(2*n + 1, s0)").unwrap();
//! assert_eq!(cx.op(e), Op::FloorDiv);
//! let kids: Vec<String> = cx.children(e).map(|c| cx.display(c)).collect();
//! assert_eq!(kids, ["2*n + 1", "s0"]);
//! // Every distinct node once, children before parents.
//! let ops: Vec<Op> = cx.post_order(e).map(|x| cx.op(x)).collect();
//! assert_eq!(ops, [Op::Sym, Op::Add, Op::Sym, Op::FloorDiv]);
//! ```

use crate::Context;
pub use crate::expr::Children;
use crate::expr::{Expr, Node};
use rustc_hash::FxHashSet;

/// The operator of a node (docs/language.md names), without its operands: read those with
/// [`Context::children`], and the payloads with [`Context::as_int`], [`Context::as_float`],
/// [`Context::as_bool`], [`Context::as_symbol`], [`Context::sum_parts`],
/// [`Context::pow_exponent`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// An integer constant (no children).
    Int,
    /// A float constant (no children).
    Float,
    /// A boolean constant (no children).
    Bool,
    /// A symbol (no children).
    Sym,
    /// `Σ k·t + c`: the children are the terms `t`; coefficients and constant with
    /// [`Context::sum_parts`].
    Add,
    /// A product of two or more factors.
    Mul,
    /// `base ** k`, `k >= 2` ([`Context::pow_exponent`]); the child is the base.
    Pow,
    /// `FloorDiv(a, b)`.
    FloorDiv,
    /// `CeilDiv(a, b)`.
    CeilDiv,
    /// `Mod(a, b)` (floor modulo; `ModularIndexing` is `Mod(FloorDiv(..), m)`).
    Mod,
    /// `Min(args...)`.
    Min,
    /// `Max(args...)`.
    Max,
    /// `Abs(a)`.
    Abs,
    /// `Where(c, a, b)`.
    Where,
    /// `ToFloat(a)`.
    ToFloat,
    /// `IntTrueDiv(a, b)`.
    IntTrueDiv,
    /// `FloatTrueDiv(a, b)`.
    FloatTrueDiv,
    /// Float `a + b`.
    FAdd,
    /// Float `a * b`.
    FMul,
    /// Float `-a`.
    FNeg,
    /// `TruncToInt(a)`.
    TruncToInt,
    /// `FloorToInt(a)`.
    FloorToInt,
    /// `CeilToInt(a)`.
    CeilToInt,
    /// `RoundToInt(a)`.
    RoundToInt,
    /// `Eq(a, b)`.
    Eq,
    /// `Ne(a, b)`.
    Ne,
    /// `a < b`.
    Lt,
    /// `a <= b`.
    Le,
    /// `And(args...)`.
    And,
    /// `Or(args...)`.
    Or,
    /// `Not(a)`.
    Not,
}

impl Op {
    /// The name of docs/language.md (`FloorDiv`, `Mod`, ...; `Int`, `Float`, `Bool`, `Sym`,
    /// `Add`, `Mul`, `Pow` for the leaves and the arithmetic).
    pub fn name(self) -> &'static str {
        match self {
            Op::Int => "Int",
            Op::Float => "Float",
            Op::Bool => "Bool",
            Op::Sym => "Sym",
            Op::Add => "Add",
            Op::Mul => "Mul",
            Op::Pow => "Pow",
            Op::FloorDiv => "FloorDiv",
            Op::CeilDiv => "CeilDiv",
            Op::Mod => "Mod",
            Op::Min => "Min",
            Op::Max => "Max",
            Op::Abs => "Abs",
            Op::Where => "Where",
            Op::ToFloat => "ToFloat",
            Op::IntTrueDiv => "IntTrueDiv",
            Op::FloatTrueDiv => "FloatTrueDiv",
            Op::FAdd => "FAdd",
            Op::FMul => "FMul",
            Op::FNeg => "FNeg",
            Op::TruncToInt => "TruncToInt",
            Op::FloorToInt => "FloorToInt",
            Op::CeilToInt => "CeilToInt",
            Op::RoundToInt => "RoundToInt",
            Op::Eq => "Eq",
            Op::Ne => "Ne",
            Op::Lt => "Lt",
            Op::Le => "Le",
            Op::And => "And",
            Op::Or => "Or",
            Op::Not => "Not",
        }
    }

    /// Whether the node has no children (a constant or a symbol).
    pub fn is_leaf(self) -> bool {
        matches!(self, Op::Int | Op::Float | Op::Bool | Op::Sym)
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Every distinct node of an expression once, children before parents: see
/// [`Context::post_order`].
#[derive(Debug)]
pub struct PostOrder<'a> {
    cx: &'a Context,
    stack: Vec<(Expr, bool)>,
    seen: FxHashSet<Expr>,
}

impl Iterator for PostOrder<'_> {
    type Item = Expr;
    fn next(&mut self) -> Option<Expr> {
        while let Some((x, expanded)) = self.stack.pop() {
            if expanded {
                return Some(x);
            }
            if !self.seen.insert(x) {
                continue;
            }
            self.stack.push((x, true));
            let before = self.stack.len();
            for c in self.cx.children(x) {
                if !self.seen.contains(&c) {
                    self.stack.push((c, false));
                }
            }
            // First child on top: children come out in order.
            self.stack[before..].reverse();
        }
        None
    }
}

impl Context {
    /// The operator of `e`.
    pub fn op(&self, e: Expr) -> Op {
        match self.node(e) {
            Node::Int(_) => Op::Int,
            Node::Float(_) => Op::Float,
            Node::Bool(_) => Op::Bool,
            Node::Sym(_) => Op::Sym,
            Node::Add(..) => Op::Add,
            Node::Mul(_) => Op::Mul,
            Node::Pow(..) => Op::Pow,
            Node::FloorDiv(..) => Op::FloorDiv,
            Node::CeilDiv(..) => Op::CeilDiv,
            Node::Mod(..) => Op::Mod,
            Node::Min(_) => Op::Min,
            Node::Max(_) => Op::Max,
            Node::Abs(_) => Op::Abs,
            Node::Where(..) => Op::Where,
            Node::ToFloat(_) => Op::ToFloat,
            Node::IntTrueDiv(..) => Op::IntTrueDiv,
            Node::FloatTrueDiv(..) => Op::FloatTrueDiv,
            Node::FAdd(..) => Op::FAdd,
            Node::FMul(..) => Op::FMul,
            Node::FNeg(_) => Op::FNeg,
            Node::TruncToInt(_) => Op::TruncToInt,
            Node::FloorToInt(_) => Op::FloorToInt,
            Node::CeilToInt(_) => Op::CeilToInt,
            Node::RoundToInt(_) => Op::RoundToInt,
            Node::Eq(..) => Op::Eq,
            Node::Ne(..) => Op::Ne,
            Node::Lt(..) => Op::Lt,
            Node::Le(..) => Op::Le,
            Node::And(_) => Op::And,
            Node::Or(_) => Op::Or,
            Node::Not(_) => Op::Not,
        }
    }

    /// The children of `e` in order (the terms of a sum without their coefficients, the base
    /// of a power; none for a leaf).
    pub fn children(&self, e: Expr) -> Children<'_> {
        self.node(e).kids().iter()
    }

    /// If `e` is a sum `Σ k·t + c`, its `(term, k)` pairs and `c`.
    pub fn sum_parts(&self, e: Expr) -> Option<(&[(Expr, i64)], i64)> {
        match self.node(e) {
            Node::Add(ts, c) => Some((ts.as_slice(), *c)),
            _ => None,
        }
    }

    /// If `e` is a power `base ** k`, `k`.
    pub fn pow_exponent(&self, e: Expr) -> Option<u32> {
        match self.node(e) {
            Node::Pow(_, k) => Some(*k),
            _ => None,
        }
    }

    /// Every distinct node of `e` once, children before parents, children in order: the order
    /// in which a bottom-up pass (a printer, a translation into another IR) can handle each
    /// node after its operands. Iterative, so deep expressions are fine.
    pub fn post_order(&self, e: Expr) -> PostOrder<'_> {
        self.check_owner(e);
        PostOrder {
            cx: self,
            stack: vec![(e, false)],
            seen: FxHashSet::default(),
        }
    }
}
