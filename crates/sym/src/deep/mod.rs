//! Deep mode (feature `egraph`): equality saturation with `egg` over sym's integer operators,
//! after the fast path (docs/deep.md).
//!
//! [`Context::simplify_deep`] puts the input and the fast path's answer into one e-graph
//! (`lang.rs`), saturates it with the rules of `rules.rs` within the caller's [`Budget`](crate::deep::Budget), and
//! extracts the term with the fewest operations (docs/language.md §5's size). The answer is a
//! printing plan ([`Compact`]), like the compact form: the deep term when it is strictly smaller
//! than the fast path's compact form and computes no new value outside `i64` (see
//! [`Deep`](crate::deep::Deep)), else the fast path's compact form. [`Context::prove_equal_deep`] asks whether two
//! expressions land in one e-class.
//!
//! Soundness: every term in the e-graph is defined on the input's domain `D` and all terms of a
//! class are equal there (each rule is an identity whose right side is defined wherever its left
//! side is; conditions are checked on class intervals, which hold on `D`). Nothing is global:
//! the e-graph, its leaf table and the rules live for one call.

mod lang;
mod rules;

pub use rules::rule_names;

use crate::interval::Iv;
use crate::walk::Op;
use crate::{CmpOp, Compact, Context, Expr, Truth};
use egg::{CostFunction, Extractor, Id, Language, Runner, StopReason};
use lang::{Arith, Atom, Graph, Ranges};
use rustc_hash::{FxHashMap, FxHashSet};
use std::time::Duration;

/// The search budget of deep mode: e-graph nodes, rewrite iterations, wall time.
///
/// The iteration limit is the search depth: reaching it ends the search normally. Reaching
/// the node or time limit is running out: the answer is then the fast path's. The time limit
/// is a safety net (the only limit whose outcome depends on the machine); with the defaults
/// the node and iteration limits end the search first, so answers are deterministic.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Maximum number of e-nodes.
    pub nodes: usize,
    /// Maximum number of rewrite iterations.
    pub iters: usize,
    /// Maximum wall time of the saturation.
    pub time: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            nodes: 3_000,
            iters: 6,
            time: Duration::from_millis(200),
        }
    }
}

/// How a deep search ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No rule applies any more: the e-graph is saturated.
    Saturated,
    /// The iteration limit (the search depth) was reached.
    Depth,
    /// The node or time limit was reached: the answer is the fast path's.
    OutOfBudget,
    /// Not searched: the input is not an integer expression, or is too large
    /// ([`MAX_INPUT_SIZE`]).
    Skipped,
}

/// Inputs larger than this (in operations) are not searched.
pub const MAX_INPUT_SIZE: usize = 200;

/// The answer of [`Context::simplify_deep`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Deep {
    /// The answer to print ([`Context::compact_display`]): the deep term when it is smaller than
    /// the fast path's compact form, else that compact form. Equal to the input at every
    /// assignment where the input is defined.
    pub form: Compact,
    /// The fast path's canonical answer ([`Context::simplify`]).
    pub canonical: Expr,
    /// The size of the fast path's compact form.
    pub fast_size: usize,
    /// The size of `form` (never more than `fast_size`).
    pub size: usize,
    /// Whether `form` is the deep term (strictly smaller than the fast path's).
    pub improved: bool,
    /// How the search ended.
    pub outcome: Outcome,
    /// Rewrite iterations run.
    pub iterations: usize,
    /// E-nodes at the end.
    pub nodes: usize,
}

/// Extraction cost: operations as printed (an approximation of docs/language.md §5's size,
/// which is computed exactly on the extracted term: a negation `(-1)*t` inside a sum prints as
/// `- t` and costs nothing more than the `+` it replaces).
struct OpCount<'a> {
    leaf_cost: &'a [usize],
}

impl CostFunction<Arith> for OpCount<'_> {
    type Cost = usize;
    fn cost<C>(&mut self, enode: &Arith, mut costs: C) -> usize
    where
        C: FnMut(Id) -> usize,
    {
        let own = match enode {
            Arith::Num(_) => 0,
            Arith::Leaf(a) => self.leaf_cost.get(a.0 as usize).copied().unwrap_or(1),
            _ => 1,
        };
        enode.fold(own, |s, c| s.saturating_add(costs(c)))
    }
}

/// The input translated into an e-graph.
struct Translation {
    /// Leaf expressions, by [`Atom`].
    leaves: Vec<Expr>,
    /// Class of each translated node.
    ids: FxHashMap<Expr, Id>,
    /// Classes whose value the input computes as an `i64` (the whole, calls, call operands,
    /// leaves): a deep term may compute these without a new overflow.
    computed: Vec<Id>,
}

impl Context {
    /// Whether deep mode handles `e`: an integer expression of at most [`MAX_INPUT_SIZE`]
    /// operations.
    fn deep_eligible(&self, e: Expr) -> bool {
        self.ty(e) == crate::Ty::Int && self.tree_size_upto(e, MAX_INPUT_SIZE + 1) <= MAX_INPUT_SIZE
    }

    /// Adds `e` to the e-graph (leaves get their bound from the context).
    fn deep_add(&mut self, g: &mut Graph, tr: &mut Translation, e: Expr) -> Id {
        let order: Vec<Expr> = self.post_order(e).collect();
        for x in order {
            if tr.ids.contains_key(&x) {
                continue;
            }
            let op = self.op(x);
            let kids: Vec<Expr> = self.children(x).collect();
            let id_of = |tr: &Translation, k: Expr| tr.ids[&k];
            let mut call = false;
            let id = match op {
                Op::Int => g.add(Arith::Num(self.as_int(x).unwrap_or(0))),
                Op::Add => {
                    let (ts, c) = self
                        .sum_parts(x)
                        .map(|(t, c)| (t.to_vec(), c))
                        .unwrap_or_default();
                    let mut acc: Option<Id> = None;
                    for (t, k) in ts {
                        let mut term = id_of(tr, t);
                        if k != 1 {
                            let kk = g.add(Arith::Num(k));
                            term = g.add(Arith::Mul([kk, term]));
                        }
                        acc = Some(match acc {
                            None => term,
                            Some(a) => g.add(Arith::Add([a, term])),
                        });
                    }
                    let mut acc = acc.unwrap_or_else(|| g.add(Arith::Num(0)));
                    if c != 0 {
                        let cc = g.add(Arith::Num(c));
                        acc = g.add(Arith::Add([acc, cc]));
                    }
                    acc
                }
                Op::Mul | Op::Min | Op::Max => {
                    let mut it = kids.iter().map(|k| id_of(tr, *k));
                    let first = it.next().unwrap_or_else(|| g.add(Arith::Num(1)));
                    call = op != Op::Mul;
                    it.fold(first, |a, b| {
                        g.add(match op {
                            Op::Mul => Arith::Mul([a, b]),
                            Op::Min => Arith::Min([a, b]),
                            _ => Arith::Max([a, b]),
                        })
                    })
                }
                Op::Pow => {
                    let k = self.pow_exponent(x).unwrap_or(2);
                    let kk = g.add(Arith::Num(i64::from(k)));
                    g.add(Arith::Pow([id_of(tr, kids[0]), kk]))
                }
                Op::FloorDiv | Op::CeilDiv | Op::Mod => {
                    let (a, b) = (id_of(tr, kids[0]), id_of(tr, kids[1]));
                    call = true;
                    g.add(match op {
                        Op::FloorDiv => Arith::FloorDiv([a, b]),
                        Op::CeilDiv => Arith::CeilDiv([a, b]),
                        _ => Arith::Mod([a, b]),
                    })
                }
                _ => {
                    // A symbol or an opaque integer sub-expression: a leaf with its bound, an
                    // unbounded end infinite (Int is the mathematical integers: a symbol
                    // without a range is any integer, and an opaque sub-expression's value can
                    // leave i64, `Abs(x)` at x = -2^63). Clamped to the i64 edges, `[-oo,
                    // i64::MIN]` became the point i64::MIN, which constant folding took for the
                    // leaf's value, and `FloorDiv(x, 2**62)` with x >= 2^63 - 2 was 1.
                    let iv = match self.bound(x) {
                        crate::Bound::Int { lo, hi } => Iv::new(
                            lo.map_or(crate::interval::NEG_INF, i128::from),
                            hi.map_or(crate::interval::POS_INF, i128::from),
                        ),
                        _ => Iv::TOP,
                    };
                    let atom = Atom(tr.leaves.len() as u32);
                    tr.leaves.push(x);
                    g.analysis.leaf_iv.push(iv);
                    let id = g.add(Arith::Leaf(atom));
                    tr.computed.push(id);
                    id
                }
            };
            if call {
                tr.computed.push(id);
                let ops: Vec<Id> = kids.iter().map(|k| id_of(tr, *k)).collect();
                tr.computed.extend(ops);
            }
            tr.ids.insert(x, id);
        }
        let root = tr.ids[&e];
        tr.computed.push(root);
        root
    }

    /// Runs the rules on the e-graph holding `roots` (one class when they are proven equal).
    fn deep_run(
        &mut self,
        roots: &[Expr],
        unions: &[(usize, usize)],
        budget: Budget,
    ) -> (Runner<Arith, Ranges>, Translation, Vec<Id>, Outcome) {
        let mut g = Graph::new(Ranges::default());
        let mut tr = Translation {
            leaves: Vec::new(),
            ids: FxHashMap::default(),
            computed: Vec::new(),
        };
        let ids: Vec<Id> = roots
            .iter()
            .map(|r| self.deep_add(&mut g, &mut tr, *r))
            .collect();
        // Pairs the caller knows equal on D (an input and its fast-path simplification).
        for &(i, j) in unions {
            g.union(ids[i], ids[j]);
        }
        g.rebuild();
        let runner = Runner::new(Ranges::default())
            .with_egraph(g)
            .with_node_limit(budget.nodes)
            .with_iter_limit(budget.iters)
            .with_time_limit(budget.time)
            .run(&rules::rewrites());
        let outcome = match runner.stop_reason {
            Some(StopReason::Saturated) => Outcome::Saturated,
            Some(StopReason::IterationLimit(_)) => Outcome::Depth,
            _ => Outcome::OutOfBudget,
        };
        (runner, tr, ids, outcome)
    }

    /// The smallest form of `e` that equality saturation finds within `budget`, never larger
    /// than the fast path's compact form (see [`Deep`] and docs/deep.md).
    ///
    /// The answer is equal to `e` wherever `e` is defined, and computes no value outside `i64`
    /// that `e` does not compute: every value the deep term narrows to `i64` (the whole, each
    /// call and each call operand) is either one the input computes (the same e-class) or lies
    /// in `i64` by the class interval; polynomials are regrouped as the compact form does (one
    /// exact value, docs/rules.md §8). When the budget runs out (nodes or time), or nothing
    /// smaller is found, the answer is the fast path's compact form.
    pub fn simplify_deep(&mut self, e: Expr, budget: Budget) -> Deep {
        let canonical = self.simplify(e);
        let fast = {
            let (a, b) = (self.compact(canonical), self.compact(e));
            if self.compact_size(&b) < self.compact_size(&a) {
                b
            } else {
                a
            }
        };
        let fast_size = self.compact_size(&fast);
        let mut out = Deep {
            form: fast,
            canonical,
            fast_size,
            size: fast_size,
            improved: false,
            outcome: Outcome::Skipped,
            iterations: 0,
            nodes: 0,
        };
        if fast_size == 0 || !self.deep_eligible(e) || !self.deep_eligible(canonical) {
            return out;
        }
        let roots = [e, canonical];
        let (runner, tr, ids, outcome) = self.deep_run(&roots, &[(0, 1)], budget);
        out.outcome = outcome;
        out.iterations = runner.iterations.len();
        out.nodes = runner.egraph.total_size();
        if outcome == Outcome::OutOfBudget {
            return out;
        }
        let g = &runner.egraph;
        let root = g.find(ids[0]);
        let leaf_cost: Vec<usize> = tr
            .leaves
            .iter()
            .map(|l| self.compact_size(&self.compact(*l)))
            .collect();
        let ex = Extractor::new(
            g,
            OpCount {
                leaf_cost: &leaf_cost,
            },
        );
        let computed: FxHashSet<Id> = tr.computed.iter().map(|i| g.find(*i)).collect();
        let Some(form) = self.deep_form(g, &ex, &tr.leaves, &computed, root, true, 0) else {
            return out;
        };
        let size = self.compact_size(&form);
        if size < fast_size {
            out.form = form;
            out.size = size;
            out.improved = true;
        }
        out
    }

    /// The extracted term of class `id` as a [`Compact`], or `None` when a value it computes
    /// may leave `i64` where the input's do not (`narrowed`: the value is computed as an
    /// `i64`, an operand of a call or the whole).
    #[allow(clippy::too_many_arguments)]
    fn deep_form(
        &self,
        g: &Graph,
        ex: &Extractor<'_, OpCount<'_>, Arith, Ranges>,
        leaves: &[Expr],
        computed: &FxHashSet<Id>,
        id: Id,
        narrowed: bool,
        depth: u32,
    ) -> Option<Compact> {
        let id = g.find(id);
        if depth > 150 {
            return None;
        }
        if narrowed && !computed.contains(&id) {
            let iv = g[id].data;
            // Finite ends are within i64 (interval.rs normalizes the rest to infinity).
            if iv.lo == crate::interval::NEG_INF || iv.hi == crate::interval::POS_INF {
                return None;
            }
        }
        let node = ex.find_best_node(id).clone();
        let sub =
            |c: Id, narrowed: bool| self.deep_form(g, ex, leaves, computed, c, narrowed, depth + 1);
        Some(match node {
            Arith::Num(k) => Compact::Int(k),
            Arith::Leaf(a) => self.compact(leaves[a.0 as usize]),
            Arith::Add(_) => {
                let mut terms: Vec<(Id, i64)> = Vec::new();
                let mut c: i64 = 0;
                self.deep_sum_terms(g, ex, id, 1, &mut terms, &mut c)?;
                let mut out: Vec<(Compact, i64)> = Vec::new();
                for (t, k) in terms {
                    out.push((sub(t, false)?, k));
                }
                if out.is_empty() {
                    Compact::Int(c)
                } else {
                    Compact::Sum(out, c)
                }
            }
            Arith::Mul([a, b]) => {
                let (mut fs, mut k) = (Vec::new(), 1i64);
                for c in [a, b] {
                    self.deep_factors(g, ex, c, &mut fs, &mut k)?;
                }
                let mut parts = Vec::new();
                for f in fs {
                    parts.push(sub(f, false)?);
                }
                let prod = match parts.len() {
                    0 => return Some(Compact::Int(k)),
                    1 => parts.pop()?,
                    _ => Compact::Prod(parts),
                };
                if k == 1 {
                    prod
                } else {
                    Compact::Sum(vec![(prod, k)], 0)
                }
            }
            Arith::Pow([a, k]) => {
                let k = g[k].data.as_point().and_then(|k| u32::try_from(k).ok())?;
                Compact::Pow(Box::new(sub(a, false)?), k)
            }
            Arith::FloorDiv([a, b]) => {
                Compact::Call("FloorDiv", vec![sub(a, true)?, sub(b, true)?])
            }
            Arith::CeilDiv([a, b]) => Compact::Call("CeilDiv", vec![sub(a, true)?, sub(b, true)?]),
            Arith::Mod([a, m]) => {
                let a = g.find(a);
                if let Arith::FloorDiv([p, q]) = ex.find_best_node(a).clone() {
                    // Printed as one ModularIndexing call; the quotient is still narrowed.
                    if !computed.contains(&a) {
                        let iv = g[a].data;
                        if iv.lo == crate::interval::NEG_INF || iv.hi == crate::interval::POS_INF {
                            return None;
                        }
                    }
                    Compact::Call(
                        "ModularIndexing",
                        vec![sub(p, true)?, sub(q, true)?, sub(m, true)?],
                    )
                } else {
                    Compact::Call("Mod", vec![sub(a, true)?, sub(m, true)?])
                }
            }
            Arith::Min(_) | Arith::Max(_) => {
                let is_min = matches!(node, Arith::Min(_));
                let mut args = Vec::new();
                self.deep_minmax_args(g, ex, id, is_min, &mut args);
                let mut parts = Vec::new();
                for a in args {
                    parts.push(sub(a, true)?);
                }
                Compact::Call(if is_min { "Min" } else { "Max" }, parts)
            }
        })
    }

    /// Flattens the extracted sum of class `id` (times `k`) into terms and a constant.
    fn deep_sum_terms(
        &self,
        g: &Graph,
        ex: &Extractor<'_, OpCount<'_>, Arith, Ranges>,
        id: Id,
        k: i64,
        terms: &mut Vec<(Id, i64)>,
        c: &mut i64,
    ) -> Option<()> {
        let id = g.find(id);
        match ex.find_best_node(id) {
            Arith::Add([a, b]) => {
                self.deep_sum_terms(g, ex, *a, k, terms, c)?;
                self.deep_sum_terms(g, ex, *b, k, terms, c)
            }
            Arith::Num(v) => {
                *c = c.checked_add(v.checked_mul(k)?)?;
                Some(())
            }
            Arith::Mul([a, b]) => {
                let (a, b) = (g.find(*a), g.find(*b));
                let coeff = |x: Id| match ex.find_best_node(x) {
                    Arith::Num(v) => Some(*v),
                    _ => None,
                };
                match (coeff(a), coeff(b)) {
                    (Some(v), None) => terms.push((b, k.checked_mul(v)?)),
                    (None, Some(v)) => terms.push((a, k.checked_mul(v)?)),
                    _ => terms.push((id, k)),
                }
                Some(())
            }
            _ => {
                terms.push((id, k));
                Some(())
            }
        }
    }

    /// Flattens the extracted product of class `id` into factors and a constant.
    fn deep_factors(
        &self,
        g: &Graph,
        ex: &Extractor<'_, OpCount<'_>, Arith, Ranges>,
        id: Id,
        fs: &mut Vec<Id>,
        k: &mut i64,
    ) -> Option<()> {
        let id = g.find(id);
        match ex.find_best_node(id) {
            Arith::Mul([a, b]) => {
                self.deep_factors(g, ex, *a, fs, k)?;
                self.deep_factors(g, ex, *b, fs, k)
            }
            Arith::Num(v) => {
                *k = k.checked_mul(*v)?;
                Some(())
            }
            _ => {
                fs.push(id);
                Some(())
            }
        }
    }

    /// Flattens nested extracted Min (or Max) of class `id` into one argument list.
    fn deep_minmax_args(
        &self,
        g: &Graph,
        ex: &Extractor<'_, OpCount<'_>, Arith, Ranges>,
        id: Id,
        is_min: bool,
        out: &mut Vec<Id>,
    ) {
        let id = g.find(id);
        match ex.find_best_node(id) {
            Arith::Min([a, b]) if is_min => {
                self.deep_minmax_args(g, ex, *a, is_min, out);
                self.deep_minmax_args(g, ex, *b, is_min, out);
            }
            Arith::Max([a, b]) if !is_min => {
                self.deep_minmax_args(g, ex, *a, is_min, out);
                self.deep_minmax_args(g, ex, *b, is_min, out);
            }
            _ => out.push(id),
        }
    }

    /// Whether `a == b` wherever both are defined: the fast prover first, then whether
    /// equality saturation puts `a` and `b` in one e-class within `budget` (`True`), or their
    /// class intervals are disjoint (`False`). Otherwise, or when the budget runs out,
    /// the fast prover's answer.
    pub fn prove_equal_deep(&mut self, a: Expr, b: Expr, budget: Budget) -> Truth {
        let fast = match self.compare(CmpOp::Eq, a, b) {
            Some(p) => self.truth_of(p),
            None => Truth::Unknown,
        };
        if fast != Truth::Unknown || !self.deep_eligible(a) || !self.deep_eligible(b) {
            return fast;
        }
        let (sa, sb) = (self.simplify(a), self.simplify(b));
        let roots = [a, b, sa, sb];
        let (runner, _tr, ids, outcome) = self.deep_run(&roots, &[(0, 2), (1, 3)], budget);
        let g = &runner.egraph;
        let (ca, cb) = (g.find(ids[0]), g.find(ids[1]));
        // Every state of the e-graph is sound, so a union found before the budget ran out holds.
        if ca == cb {
            return Truth::True;
        }
        if outcome == Outcome::OutOfBudget {
            return fast;
        }
        let (ia, ib) = (g[ca].data, g[cb].data);
        if ia.lo <= ia.hi && ib.lo <= ib.hi && (ia.hi < ib.lo || ib.hi < ia.lo) {
            return Truth::False;
        }
        fast
    }
}

impl Context {
    /// [`Context::prove`], then for a comparison `Eq`, `Ne`, `Le` or `Lt` of two integers that
    /// it leaves unknown, [`Context::prove_equal_deep`] of its sides: equal sides make `Eq` and
    /// `Le` true and `Ne` and `Lt` false; sides found unequal everywhere make `Eq` false and
    /// `Ne` true.
    /// A non-boolean `p` is an error, as for [`Context::prove`].
    pub fn prove_deep(&mut self, p: Expr, budget: Budget) -> Result<Truth, crate::BuildError> {
        let fast = self.prove(p)?;
        Ok(self.prove_deep_of(p, fast, budget))
    }

    fn prove_deep_of(&mut self, p: Expr, fast: Truth, budget: Budget) -> Truth {
        let op = self.op(p);
        if fast != Truth::Unknown || !matches!(op, Op::Eq | Op::Ne | Op::Le | Op::Lt) {
            return fast;
        }
        let kids: Vec<Expr> = self.children(p).collect();
        let (a, b) = (kids[0], kids[1]);
        if self.ty(a) != crate::Ty::Int || self.ty(b) != crate::Ty::Int {
            return fast;
        }
        match (op, self.prove_equal_deep(a, b, budget)) {
            (Op::Eq | Op::Le, Truth::True) | (Op::Ne, Truth::False) => Truth::True,
            (Op::Ne | Op::Lt, Truth::True) | (Op::Eq, Truth::False) => Truth::False,
            _ => fast,
        }
    }
}

#[cfg(test)]
mod tests;
