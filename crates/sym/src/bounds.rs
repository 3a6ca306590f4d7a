//! Range analysis: sound integer/float intervals for every expression (docs/language.md §5.2).
//!
//! Per-node interval arithmetic (one function per operator in `interval.rs`) over facts derived
//! from the declared ranges and assumptions. Relational precision comes from simplifying first
//! (`s0 - Mod(s0, 8)` becomes `8*FloorDiv(s0, 8)`, whose bound is exact) and intersecting the
//! bound of the original with that of the simplified form; symbolic range ends are followed
//! through to numbers, and the prover substitutes them symbolically (`prove.rs`).

use crate::Context;
use crate::expr::{Expr, Node, Symbol, Ty};
use crate::facts::{RangeEnd, SymMap};
use crate::interval::{FIv, Iv, NEG_INF, POS_INF};
use crate::modular::ModSet;
use crate::simplify::{Session, SmallBox};
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;

/// A product of factors (their numbers in `Session::factored_sum_iv`'s list) with its
/// coefficient.
type Monomial = (SmallVec<[u8; 4]>, i64);
/// Levels of factors taken out of a sum by `Session::factored_sum_iv`.
const FACTOR_DEPTH: u32 = 2;
/// Factors tried at each level.
const FACTOR_CANDIDATES: usize = 4;
/// The largest sum it is tried on.
const FACTOR_TERMS: usize = 16;

/// A bound `[lo, hi]` of an expression; `None` ends are unbounded.
///
/// Exhaustive on purpose: one variant per numeric [`Ty`](crate::Ty).
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Bound {
    /// Integer bound.
    Int {
        /// Lower end, `None` for -oo.
        lo: Option<i64>,
        /// Upper end, `None` for oo.
        hi: Option<i64>,
    },
    /// Float bound (ends may be infinite). NaN results are not covered.
    Float {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// Boolean bound: `[false, true]` when undecided.
    Bool {
        /// Whether the value can be false (false) or is always true (true).
        lo: bool,
        /// Whether the value can be true.
        hi: bool,
    },
}

impl Bound {
    /// Whether every value `inner` allows, this bound allows too (`inner` is as tight or
    /// tighter): both of one kind, `inner`'s ends within these.
    ///
    /// ```
    /// # use sym::Bound;
    /// let wide = Bound::Int { lo: Some(0), hi: None };
    /// assert!(wide.contains(&Bound::Int { lo: Some(1), hi: Some(5) }));
    /// assert!(!Bound::Bool { lo: true, hi: true }.contains(&Bound::Bool { lo: false, hi: true }));
    /// ```
    pub fn contains(&self, inner: &Bound) -> bool {
        match (*self, *inner) {
            (Bound::Int { lo, hi }, Bound::Int { lo: l, hi: h }) => {
                lo.is_none_or(|a| l.is_some_and(|b| a <= b))
                    && hi.is_none_or(|a| h.is_some_and(|b| b <= a))
            }
            (Bound::Float { lo, hi }, Bound::Float { lo: l, hi: h }) => lo <= l && h <= hi,
            // The values a boolean bound allows: false unless `lo`, true if `hi`.
            (Bound::Bool { lo, hi }, Bound::Bool { lo: l, hi: h }) => (l || !lo) && (!h || hi),
            _ => false,
        }
    }

    /// What a boolean bound says of its relation: `True` when it is always true
    /// (`[True, True]`), `False` when never (`[False, False]`), `Unknown` when it may be
    /// either; `None` for an integer or float bound.
    ///
    /// ```
    /// # use sym::{Bound, Truth};
    /// assert_eq!(Bound::Bool { lo: false, hi: true }.truth(), Some(Truth::Unknown));
    /// assert_eq!(Bound::Int { lo: Some(0), hi: None }.truth(), None);
    /// ```
    pub fn truth(&self) -> Option<crate::Truth> {
        match *self {
            Bound::Bool { lo: true, .. } => Some(crate::Truth::True),
            Bound::Bool { hi: false, .. } => Some(crate::Truth::False),
            Bound::Bool { .. } => Some(crate::Truth::Unknown),
            _ => None,
        }
    }
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::Int { lo, hi } => {
                let l = lo.map_or("-oo".to_string(), |v| v.to_string());
                let h = hi.map_or("oo".to_string(), |v| v.to_string());
                write!(f, "[{l}, {h}]")
            }
            Bound::Float { lo, hi } => write!(
                f,
                "[{}, {}]",
                crate::print::float_text(*lo),
                crate::print::float_text(*hi)
            ),
            Bound::Bool { lo, hi } => {
                let t = |b: bool| if b { "True" } else { "False" };
                write!(f, "[{}, {}]", t(*lo), t(*hi))
            }
        }
    }
}

/// A symbol's bit in the nodes' `syms` masks (the symbols numbered 63 and up share the last).
/// `iv` without the values `vals` where they sit at its ends: an integer in `iv` other than
/// each of `vals` lies in the result (each step drops one end that is an excluded value, so
/// at most `vals.len()` steps; an interval left empty means no such integer).
fn trim_excluded(mut iv: Iv, vals: &[i128]) -> Iv {
    for _ in 0..vals.len() {
        if iv.lo > iv.hi {
            break;
        }
        if vals.contains(&iv.lo) {
            iv.lo += 1;
        } else if vals.contains(&iv.hi) {
            iv.hi -= 1;
        } else {
            break;
        }
    }
    iv
}

fn sym_bit(s: Symbol) -> u64 {
    1u64 << s.idx.min(63)
}

/// Facts derived once per session from the context's ranges and assumptions.
#[derive(Clone, Debug, Default)]
pub(crate) struct Derived {
    /// The constant bounds assumptions give a symbol (its range's constant ends are read from
    /// the facts: `Session::base_iv_of`).
    base_iv: SymMap<Iv>,
    sym_iv: SymMap<Iv>,
    pub upper: FxHashMap<Symbol, SmallVec<[Expr; 2]>>,
    pub lower: FxHashMap<Symbol, SmallVec<[Expr; 2]>>,
    /// The symbols of `upper` and `lower` as a mask (bit `min(index, 63)`, the nodes' `syms`
    /// mask): kept with the lists.
    pub bounded_syms: u64,
    pub mod_facts: FxHashMap<Expr, ModSet>,
    pub truths: FxHashSet<Expr>,
    /// Constant bounds assumed on a non-symbol atom (`FloorDiv(s, 4) >= 1`): intersected into
    /// the atom's interval.
    atom_iv: FxHashMap<Expr, Iv>,
    /// Values assumed excluded from a symbol or a non-symbol atom (`Ne(FloorDiv(s0, 2), 1)`):
    /// an end of its interval that is one of them moves inward (`trim_excluded`).
    excluded: FxHashMap<Expr, SmallVec<[i128; 2]>>,
    in_progress: FxHashSet<Symbol>,
}

/// Nodes bounded afresh under narrowed ranges (`where_refined`) in one query, at most.
pub(crate) const WHERE_WORK: usize = 1 << 14;

impl Derived {
    /// No symbol interval is being computed (true between queries).
    pub fn is_idle(&self) -> bool {
        self.in_progress.is_empty()
    }

    /// Whether an assumption bounds a sub-expression that is not a symbol.
    /// (Excluded values count: they narrow a symbol's or an atom's interval as such bounds do.)
    pub fn has_atom_facts(&self) -> bool {
        !self.atom_iv.is_empty() || !self.excluded.is_empty()
    }

    /// Empties every table, keeping the allocations.
    pub fn clear(&mut self) {
        self.base_iv.clear();
        self.sym_iv.clear();
        self.upper.clear();
        self.lower.clear();
        self.bounded_syms = 0;
        self.mod_facts.clear();
        self.truths.clear();
        self.atom_iv.clear();
        self.excluded.clear();
        self.in_progress.clear();
    }

    /// `v`, the interval of the non-symbol atom `e` from its operands, narrowed by the
    /// assumptions on `e` itself: their bounds, then their excluded values.
    fn narrow_atom(&self, e: Expr, mut v: Iv) -> Iv {
        if let Some(a) = self.atom_iv.get(&e) {
            v = v.intersect(a);
        }
        if let Some(vals) = self.excluded.get(&e) {
            v = trim_excluded(v, vals);
        }
        v
    }

    /// Derives the facts of `cx`'s ranges and assumptions into `d` (empty).
    pub fn fill(cx: &mut Context, d: &mut Derived) {
        if cx.facts.ranges.is_empty() && cx.facts.assumptions.is_empty() {
            return;
        }
        // Each symbol's facts are independent of iteration order (FxHashMap's order is
        // deterministic anyway).
        // The numeric ends are read where a symbol's interval is first asked
        // (`Session::base_iv_of`): here only the symbolic ones, none in most requests.
        // (Only the symbols of `Facts::symbolic`: every range with a symbolic end is one of
        // theirs, each once; a symbol there without one now adds nothing below.)
        if cx.facts.symbolic_ends > 0 {
            for &s in &cx.facts.symbolic {
                let Some(&(lo, hi)) = cx.facts.ranges.get(&s) else {
                    continue;
                };
                if cx.sym_ty(s) != Ty::Int {
                    continue;
                }
                if let RangeEnd::Expr(e) = lo
                    && cx.as_int(e).is_none()
                {
                    d.lower.entry(s).or_default().push(e);
                    d.bounded_syms |= sym_bit(s);
                }
                if let RangeEnd::Expr(e) = hi
                    && cx.as_int(e).is_none()
                {
                    d.upper.entry(s).or_default().push(e);
                    d.bounded_syms |= sym_bit(s);
                }
            }
        }
        let mut work: Vec<Expr> = cx.facts.assumptions.clone();
        while let Some(p) = work.pop() {
            if let Node::And(xs) = cx.node(p) {
                work.extend(xs.iter().copied());
                continue;
            }
            d.truths.insert(p);
            d.learn(cx, p);
        }
    }

    /// Extracts bounds on single symbols and divisibility facts from one assumption.
    fn learn(&mut self, cx: &mut Context, p: Expr) {
        let (a, b, kind) = match *cx.node(p) {
            Node::Eq(a, b) => (a, b, 0),
            Node::Le(a, b) => (a, b, 1),
            Node::Lt(a, b) => (a, b, 2),
            Node::Ne(a, b) => (a, b, 3),
            _ => return,
        };
        if cx.ty(a) != Ty::Int {
            return;
        }
        // Eq(Mod(x, k), r): x ≡ r (mod k).
        if kind == 0 {
            for (m, r) in [(a, b), (b, a)] {
                if let (Node::Mod(x, k), Some(r)) = (cx.node(m).clone(), cx.as_int(r))
                    && let Some(k) = cx.as_int(k).filter(|k| *k > 0)
                    && (0..k).contains(&r)
                {
                    self.mod_facts.insert(x, ModSet::new(k, r));
                }
            }
        }
        let Some(diff) = cx.sub(a, b) else { return };
        let (terms, c) = match cx.node(diff).clone() {
            Node::Add(ts, c) => (ts, c),
            Node::Sym(_) => (smallvec::smallvec![(diff, 1)], 0),
            // One atom alone: `atom OP 0`.
            Node::FloorDiv(..) | Node::CeilDiv(..) | Node::Mod(..) | Node::Mul(_) => {
                (smallvec::smallvec![(diff, 1)], 0)
            }
            _ => return,
        };
        // k*t + c != 0 for one atom or symbol t: t != -c/k where k divides c (elsewhere it
        // holds for every integer t and says nothing).
        if kind == 3 {
            if let [(t, k)] = terms[..]
                && cx.ty(t) == Ty::Int
                && i128::from(c) % i128::from(k) == 0
            {
                let v = -(i128::from(c) / i128::from(k));
                let vals = self.excluded.entry(t).or_default();
                if !vals.contains(&v) {
                    vals.push(v);
                }
            }
            return;
        }
        // k*t + c OP 0 for one non-symbol atom t and k = ±1: a constant bound on t.
        // k = 1: t OP -c; k = -1: t (mirrored OP) c; `<` is `<=` with one less (integers).
        if let [(t, k)] = terms[..]
            && (k == 1 || k == -1)
            && cx.as_symbol(t).is_none()
            && cx.ty(t) == Ty::Int
        {
            let strict = i128::from(kind == 2);
            let c = i128::from(c);
            let (lo, hi) = if k == 1 {
                (if kind == 0 { -c } else { NEG_INF }, -c - strict)
            } else {
                (c + strict, if kind == 0 { c } else { POS_INF })
            };
            let iv = self.atom_iv.entry(t).or_insert(Iv::TOP);
            *iv = iv.intersect(&Iv::new(lo, hi));
            return;
        }
        // diff OP 0 with OP in {==, <=, <}; for each bare symbol v with coefficient ±1:
        for (i, &(t, k)) in terms.iter().enumerate() {
            let Some(v) = cx.as_symbol(t) else { continue };
            if k != 1 && k != -1 {
                continue;
            }
            let rest: Vec<(Expr, i64)> = terms
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, x)| *x)
                .collect();
            if rest.iter().any(|(u, _)| cx.contains_symbol(*u, v)) {
                continue;
            }
            let Some(r) = cx.add_terms(&rest, c) else {
                continue;
            };
            // k*v + r OP 0.  k = 1: v OP -r.  k = -1: v (mirrored OP) r.
            let strict = i64::from(kind == 2);
            let (ub, lb) = if k == 1 {
                let nr = cx.neg(r).and_then(|x| cx.add_const(x, -strict));
                (nr, if kind == 0 { cx.neg(r) } else { None })
            } else {
                let pr = cx.add_const(r, strict);
                (if kind == 0 { Some(r) } else { None }, pr)
            };
            if let Some(u) = ub {
                self.add_bound(cx, v, u, true);
            }
            if let Some(l) = lb {
                self.add_bound(cx, v, l, false);
            }
        }
    }

    fn add_bound(&mut self, cx: &Context, v: Symbol, e: Expr, upper: bool) {
        if let Some(c) = cx.as_int(e) {
            let iv = self.base_iv.get_or_insert(v, Iv::TOP);
            if upper {
                iv.hi = iv.hi.min(c as i128);
            } else {
                iv.lo = iv.lo.max(c as i128);
            }
        } else if !cx.contains_symbol(e, v) {
            let list = if upper {
                &mut self.upper
            } else {
                &mut self.lower
            };
            let l = list.entry(v).or_default();
            if !l.contains(&e) {
                l.push(e);
            }
            self.bounded_syms |= sym_bit(v);
        }
    }
}

impl Session<'_> {
    /// Numeric interval of an integer symbol: declared numeric ends, assumed bounds, and the
    /// numeric bounds of its symbolic ends (a symbol already being resolved uses only its
    /// numeric facts, which keeps cyclic assumptions sound and finite).
    pub fn sym_iv(&mut self, s: Symbol) -> Iv {
        if let Some(iv) = self.s.d.sym_iv.get(&s) {
            return *iv;
        }
        let base = self.base_iv_of(s);
        // No symbolic end or bound (the mask has a bit for every symbol of `upper` and
        // `lower`): the numeric facts are the interval, which resolving (under way or not)
        // would find too; asked before the tables' lookups.
        if self.s.d.bounded_syms & sym_bit(s) == 0 {
            self.s.d.sym_iv.insert(s, base);
            return base;
        }
        // Resolving is nested only where assumptions close a cycle; past a fixed nesting the
        // numeric facts alone answer (sound, and the stack stays small).
        if self.s.d.in_progress.contains(&s) || self.s.d.in_progress.len() > 32 {
            return base;
        }
        // Only numeric facts (the common case): nothing to chase.
        if !self.s.d.upper.contains_key(&s) && !self.s.d.lower.contains_key(&s) {
            self.s.d.sym_iv.insert(s, base);
            return base;
        }
        // The common case (`x0 <= s77 - 1`): every symbol of the ends is resolved already or
        // has numeric facts only, so resolving `s` asks nothing deeper (what the walk below
        // would find: those symbols first, each its numeric interval, then `s`).
        if self.ends_are_shallow(s) {
            return self.resolve_sym(s);
        }
        // Symbolic ends can chain through many symbols (`s1 <= s0`, `s2 <= s1`, ...): resolve
        // the symbols they depend on first, deepest first (an explicit stack instead of
        // recursion through `iv`), so that each end below finds its symbols resolved.
        let order = self.unresolved_deps(s);
        for v in order {
            if !self.s.d.sym_iv.contains_key(&v) {
                self.resolve_sym(v);
            }
        }
        match self.s.d.sym_iv.get(&s) {
            Some(iv) => *iv,
            None => self.resolve_sym(s),
        }
    }

    /// The numeric facts of the integer symbol `s`: its declared constant range ends, narrowed
    /// by the constant bounds assumptions give it (`Derived::base_iv`, intersected: the order
    /// of `max`/`min` of the ends does not matter). TOP for a symbol of another type.
    fn base_iv_of(&self, s: Symbol) -> Iv {
        let mut iv = Iv::TOP;
        if let Some(&(lo, hi)) = self.cx.facts.ranges.get(&s)
            && self.cx.sym_ty(s) == Ty::Int
        {
            if let RangeEnd::Expr(e) = lo
                && let Some(v) = self.cx.as_int(e)
            {
                iv.lo = v as i128;
            }
            if let RangeEnd::Expr(e) = hi
                && let Some(v) = self.cx.as_int(e)
            {
                iv.hi = v as i128;
            }
        }
        if let Some(a) = self.s.d.base_iv.get(&s) {
            iv = iv.intersect(a);
        }
        if !self.s.d.excluded.is_empty()
            && let Some(vals) = self.s.d.excluded.get(&self.cx.sym(s))
        {
            iv = trim_excluded(iv, vals);
        }
        iv
    }

    /// Whether every symbol in `s`'s symbolic ends is resolved or has no symbolic end itself
    /// (`false` when that is not known without a walk: a symbol beyond the first 63).
    fn ends_are_shallow(&self, s: Symbol) -> bool {
        let ends = self
            .s
            .d
            .upper
            .get(&s)
            .into_iter()
            .chain(self.s.d.lower.get(&s));
        for e in ends.flatten() {
            let Some(mut syms) = self.cx.small_symbols(*e) else {
                return false;
            };
            let deep = syms.any(|w| {
                w == s
                    || (!self.s.d.sym_iv.contains_key(&w)
                        && (self.s.d.upper.contains_key(&w) || self.s.d.lower.contains_key(&w)))
            });
            if deep {
                return false;
            }
        }
        true
    }

    /// The symbols whose symbolic ends `s`'s interval needs and that are not resolved yet, in
    /// post-order (dependencies before dependents; `s` last). Cycles (through assumptions) are
    /// cut where they close, as `sym_iv` cuts them.
    fn unresolved_deps(&mut self, s: Symbol) -> Vec<Symbol> {
        let mut order = Vec::new();
        let mut seen: FxHashSet<Symbol> = FxHashSet::default();
        let mut stack: Vec<(Symbol, bool)> = vec![(s, false)];
        while let Some((v, done)) = stack.pop() {
            if done {
                order.push(v);
                continue;
            }
            if self.s.d.sym_iv.contains_key(&v)
                || self.s.d.in_progress.contains(&v)
                || !seen.insert(v)
            {
                continue;
            }
            stack.push((v, true));
            let ends: SmallVec<[Expr; 4]> = self
                .s
                .d
                .upper
                .get(&v)
                .into_iter()
                .chain(self.s.d.lower.get(&v))
                .flatten()
                .copied()
                .collect();
            for e in ends {
                for w in self.cx.free_symbols(e) {
                    if self.cx.sym_ty(w) == Ty::Int && !seen.contains(&w) {
                        stack.push((w, false));
                    }
                }
            }
        }
        order
    }

    /// Computes and stores `s`'s interval from its numeric facts and the numeric bounds of its
    /// symbolic ends (a symbol already being resolved uses only its numeric facts, which keeps
    /// cyclic assumptions sound and finite).
    fn resolve_sym(&mut self, s: Symbol) -> Iv {
        let base = self.base_iv_of(s);
        self.s.d.in_progress.insert(s);
        let mut iv = base;
        let ups = self.s.d.upper.get(&s).cloned().unwrap_or_default();
        for e in ups {
            iv.hi = iv.hi.min(self.iv(e).hi);
        }
        let lows = self.s.d.lower.get(&s).cloned().unwrap_or_default();
        for e in lows {
            iv.lo = iv.lo.max(self.iv(e).lo);
        }
        self.s.d.in_progress.remove(&s);
        self.s.d.sym_iv.insert(s, iv);
        iv
    }

    /// Modular set of an integer expression.
    pub fn modset(&mut self, e: Expr) -> ModSet {
        self.modset_depth(e, 0)
    }

    /// Depth-limited (TOP below 64 levels: sound, and safe on deep expressions).
    fn modset_depth(&mut self, e: Expr, depth: u32) -> ModSet {
        modset_in(self.cx, &self.s.d.mod_facts, e, depth)
    }

    /// Interval of an integer expression (iterative post-order, memoized).
    pub fn iv(&mut self, root: Expr) -> Iv {
        if let Some(v) = self.s.iv.get(&root) {
            return *v;
        }
        if let Some(v) = self.linear_iv(root) {
            return v;
        }
        let mut stack: smallvec::SmallVec<[(Expr, bool); 32]> = smallvec::smallvec![(root, false)];
        while let Some((e, expanded)) = stack.pop() {
            if self.s.iv.contains_key(&e) {
                continue;
            }
            if !expanded {
                if self.cx.tick() {
                    // A limit stopped the query: the sound "anything" (not memoized).
                    return Iv::TOP;
                }
                stack.push((e, true));
                for k in self.cx.node(e).kids().iter().rev() {
                    if self.cx.ty(k) == Ty::Int && !self.s.iv.contains_key(&k) {
                        stack.push((k, false));
                    }
                }
                continue;
            }
            let v = match self.cx.node(e) {
                // Hot cases without cloning the node.
                Node::Int(v) => Iv::point(*v),
                Node::Add(ts, c) => {
                    let mut acc = Iv::point(*c);
                    for (t, k) in ts {
                        acc = acc.add(&self.s.iv[t].scale(*k));
                    }
                    acc
                }
                Node::Sym(s) => {
                    let s = *s;
                    self.sym_iv(s)
                }
                _ => {
                    let node = self.cx.node(e).clone();
                    let v = self.iv_node(e, &node);
                    if self.s.d.has_atom_facts() {
                        self.s.d.narrow_atom(e, v)
                    } else {
                        v
                    }
                }
            };
            self.s.iv.insert(e, v);
        }
        self.s.iv[&root]
    }

    /// [`Session::iv`] of a constant, a symbol, or a sum of symbols (`30*p1`, `s0 + 2*s1 - 1`:
    /// the commonest operand of a division), the walk's value without its stack and memo traffic: the constant plus
    /// each symbol's [`Session::sym_iv`] times its coefficient, in the walk's order (the
    /// `Node::Add` and `Node::Sym` arms below); stored for the sum as the walk stores it. A
    /// step of the query per node, as the walk counts them. `None` for any other expression.
    #[inline]
    fn linear_iv(&mut self, root: Expr) -> Option<Iv> {
        let (ts, c) = match self.cx.node(root) {
            Node::Add(ts, c) => (ts, c),
            // A constant: its point, as the walk's `Node::Int` arm (one step), not memoized (a
            // later walk that meets it as a child bounds it again, to the same point). The
            // solver and the rules ask it of their constants (a coefficient, a right-hand
            // side, a divisor), where the walk's stack and memo cost ten times the answer.
            &Node::Int(v) => {
                if self.cx.tick() {
                    return Some(Iv::TOP);
                }
                return Some(Iv::point(v));
            }
            // A symbol: its interval (memoized by `sym_iv`), as the walk's `Node::Sym` arm.
            &Node::Sym(s) => {
                if self.cx.tick() {
                    return Some(Iv::TOP);
                }
                return Some(self.sym_iv(s));
            }
            Node::Mul(_) => return self.product_iv(root),
            _ => return None,
        };
        let (n, c) = (ts.len(), *c);
        if !ts
            .iter()
            .all(|(t, _)| matches!(self.cx.node(*t), Node::Sym(_)))
        {
            return None;
        }
        if self.cx.tick() {
            return Some(Iv::TOP);
        }
        let mut acc = Iv::point(c);
        for i in 0..n {
            let Node::Add(ts, _) = self.cx.node(root) else {
                unreachable!("the node of a handle does not change");
            };
            let (t, k) = ts[i];
            let Node::Sym(s) = *self.cx.node(t) else {
                unreachable!("checked above");
            };
            if self.cx.tick() {
                return Some(Iv::TOP);
            }
            acc = acc.add_scaled(&self.sym_iv(s), k);
        }
        self.s.iv.insert(root, acc);
        Some(acc)
    }

    /// [`Session::iv`] of a product of symbols (`s0*s53`: the solver's coefficients and
    /// divisors), the walk's value without its stack and memo traffic: 1 times each factor's
    /// [`Session::sym_iv`] in the walk's order (its `Node::Mul` arm), intersected with the
    /// product's bound as an atom where assumptions give one (as the walk does for every node
    /// but a constant, a symbol and a sum); stored for the product as the walk stores it. A
    /// step of the query per node. `None` when a factor is no symbol.
    fn product_iv(&mut self, root: Expr) -> Option<Iv> {
        let Node::Mul(fs) = self.cx.node(root) else {
            return None;
        };
        let n = fs.len();
        if !fs.iter().all(|f| matches!(self.cx.node(*f), Node::Sym(_))) {
            return None;
        }
        if self.cx.tick() {
            return Some(Iv::TOP);
        }
        let mut acc = Iv::point(1);
        for i in 0..n {
            let Node::Mul(fs) = self.cx.node(root) else {
                unreachable!("the node of a handle does not change");
            };
            let Node::Sym(s) = *self.cx.node(fs[i]) else {
                unreachable!("checked above");
            };
            if self.cx.tick() {
                return Some(Iv::TOP);
            }
            let v = self.sym_iv(s);
            // 1*f0*f1*...: the first factor's interval (`one_times`), then times the others'.
            acc = if i == 0 { v.one_times() } else { acc.mul(&v) };
        }
        if self.s.d.has_atom_facts() {
            acc = self.s.d.narrow_atom(root, acc);
        }
        self.s.iv.insert(root, acc);
        Some(acc)
    }

    /// The values of `FloorDiv(a, b)` (`modulo`: of `Mod(a, b)`) when `b` is `a`'s own
    /// quotient `FloorDiv(a, k)` (a constant `k >= 2`) and `a >= k` on `a`'s interval `ia`:
    /// there `b >= bl = floor(lo(a)/k) >= 1` and `a = k*b + r` with `0 <= r <= k - 1`, so
    /// `a/b = k + r/b`, whose floor is in `[k, k + floor((k - 1)/bl)]`, and
    /// `Mod(a, b) = Mod(r, b)` is in `[0, k - 1]`. The operands' intervals alone cannot see
    /// it (`s0//(s0//2)` with s0 in [4, 516] is 2, its interval division [0, 258]).
    fn own_quotient_window(&self, a: Expr, b: Expr, ia: Iv, modulo: bool) -> Option<Iv> {
        let k = i128::from(self.own_quotient(a, b)?);
        if ia.lo < k || ia.lo > ia.hi {
            return None;
        }
        if modulo {
            return Some(Iv::new(0, k - 1));
        }
        let bl = ia.lo.checked_div(k)?;
        Some(Iv::new(k, k + (k - 1) / bl))
    }

    fn iv_node(&mut self, e: Expr, node: &Node) -> Iv {
        // Integer children were bounded first; anything else (never an integer operand of an
        // integer node, which the typed builders guarantee) is unbounded.
        let m = |s: &Self, x: &Expr| s.s.iv.get(x).copied().unwrap_or(Iv::TOP);
        match node {
            Node::Int(v) => Iv::point(*v),
            Node::Sym(s) => self.sym_iv(*s),
            Node::Add(ts, c) => {
                let mut acc = Iv::point(*c);
                for (t, k) in ts {
                    acc = acc.add(&m(self, t).scale(*k));
                }
                acc
            }
            Node::Mul(fs) => {
                // 1*f0*f1*...: the first factor's interval times the others' (`one_times`).
                let Some((f0, rest)) = fs.split_first() else {
                    return Iv::point(1);
                };
                let mut acc = m(self, f0).one_times();
                for f in rest {
                    acc = acc.mul(&m(self, f));
                }
                acc
            }
            Node::Pow(b, k) => m(self, b).pow(*k),
            Node::FloorDiv(a, b) => {
                let r = m(self, a).floordiv(&m(self, b));
                match self.own_quotient_window(*a, *b, m(self, a), false) {
                    Some(w) => r.intersect(&w),
                    None => r,
                }
            }
            Node::CeilDiv(a, b) => m(self, a).ceildiv(&m(self, b)),
            Node::Mod(a, b) => {
                let mut r = m(self, a).modulo(&m(self, b));
                if let Some(w) = self.own_quotient_window(*a, *b, m(self, a), true) {
                    r = r.intersect(&w);
                }
                if let Some(k) = self.cx.as_int(*b).filter(|k| *k > 0) {
                    // a ≡ base (mod g) with g = gcd(coeff, k): a mod k lies in
                    // {base' + g*t} ∩ [0, k - 1], base' = base mod g, so in [base', k - g + base'].
                    let ms = self.modset(*a).modulo(k);
                    let g = if ms.coeff == 0 {
                        k
                    } else {
                        crate::build::gcd(ms.coeff, k)
                    };
                    if g > 1 {
                        let base = crate::build::floor_mod(ms.base, g).unwrap_or(0);
                        let hi = (k - g + base) as i128;
                        r = r.intersect(&Iv::new(base as i128, hi));
                    }
                }
                r
            }
            Node::Min(xs) | Node::Max(xs) => {
                let mut acc = m(self, &xs[0]);
                for x in &xs[1..] {
                    acc = if matches!(node, Node::Max(_)) {
                        acc.max(&m(self, x))
                    } else {
                        acc.min(&m(self, x))
                    };
                }
                acc
            }
            Node::Abs(a) => m(self, a).abs(),
            Node::Where(c, a, b) => match self.quick_truth(*c) {
                crate::Truth::True => m(self, a),
                crate::Truth::False => m(self, b),
                crate::Truth::Unknown => self
                    .where_refined(*c, *a, *b)
                    .unwrap_or_else(|| m(self, a).hull(&m(self, b))),
            },
            Node::TruncToInt(a)
            | Node::FloorToInt(a)
            | Node::CeilToInt(a)
            | Node::RoundToInt(a) => {
                let f = self.fiv(*a);
                let op = match node {
                    Node::TruncToInt(_) => crate::build::RoundOp::Trunc,
                    Node::FloorToInt(_) => crate::build::RoundOp::Floor,
                    Node::CeilToInt(_) => crate::build::RoundOp::Ceil,
                    _ => crate::build::RoundOp::Round,
                };
                // An end whose integer is beyond i64 (the value is still an integer: Int is the
                // mathematical integers) goes to `Iv::new` as a finite value past the edge
                // (+-2^64), whose end normalization clamps it on the inner side and widens it on
                // the outer one, as for every interval end. Mapping a lower end to +oo made the
                // interval say "no value" where there is one, and `TruncToInt(1.5*ToFloat(x +
                // 2**63 - 1)) < TruncToInt(...)*TruncToInt(...)` was bounded "always false"
                // (mutation fuzzing).
                let conv = |x: f64, lo: bool| -> i128 {
                    match crate::eval::round_to_i64(op, x) {
                        Some(v) => v as i128,
                        None if x.is_nan() => {
                            if lo {
                                NEG_INF
                            } else {
                                POS_INF
                            }
                        }
                        None if x < 0.0 => -(1i128 << 64),
                        None => 1i128 << 64,
                    }
                };
                let _ = e;
                Iv::new(conv(f.lo, true), conv(f.hi, false))
            }
            _ => Iv::TOP,
        }
    }

    /// `Where(c, a, b)` when `c` compares a symbol with a constant: each branch is bounded with
    /// the symbol's range narrowed by the condition (or its negation); an empty narrowed range
    /// means the branch is never taken. `None` when the condition has another form.
    fn where_refined(&mut self, c: Expr, a: Expr, b: Expr) -> Option<Iv> {
        // Each refinement bounds its branches afresh (scratch memos): nested `Where`s would
        // make that quadratic in their depth (a chain of 8,000 took 3.3 s). Past
        // `WHERE_WORK` nodes bounded so in one query, the branches' hull answers (sound).
        if self.where_work > WHERE_WORK {
            return None;
        }
        // (symbol, range where c holds, range where c fails)
        let (v, t, f) = {
            let (l, r, strict) = match *self.cx.node(c) {
                Node::Lt(l, r) => (l, r, true),
                Node::Le(l, r) => (l, r, false),
                _ => return None,
            };
            let s = i128::from(strict);
            match (
                self.cx.as_symbol(l),
                self.cx.as_int(r),
                self.cx.as_int(l),
                self.cx.as_symbol(r),
            ) {
                // v < k (v <= k): holds on [-oo, k - s], fails on [k + 1 - s, oo].
                (Some(v), Some(k), _, _) => {
                    let k = i128::from(k);
                    (v, Iv::new(NEG_INF, k - s), Iv::new(k + 1 - s, POS_INF))
                }
                // k < v (k <= v): holds on [k + s, oo], fails on [-oo, k - 1 + s].
                (_, _, Some(k), Some(v)) => {
                    let k = i128::from(k);
                    (v, Iv::new(k + s, POS_INF), Iv::new(NEG_INF, k - 1 + s))
                }
                _ => return None,
            }
        };
        if self.cx.sym_ty(v) != Ty::Int {
            return None;
        }
        let base = self.sym_iv(v);
        let mut acc: Option<Iv> = None;
        for (branch, narrow) in [(a, t), (b, f)] {
            let r = base.intersect(&narrow);
            if r.lo > r.hi {
                continue; // this branch is never taken
            }
            // Bound the branch with v's range narrowed, in scratch memos: everything computed
            // under the narrowed range (symbols whose ranges depend on v included) is thrown
            // away afterwards, so nothing narrower than valid leaks out of the branch.
            // (Hash-map memos: a few nodes, where a fresh dense memo would be sized by the
            // highest node index at every branch.)
            let saved_memo = std::mem::replace(&mut self.s.iv, crate::memo::Memo::sparse());
            let saved_fmemo = std::mem::replace(&mut self.s.fiv, crate::memo::Memo::sparse());
            let saved_syms = std::mem::take(&mut self.s.d.sym_iv);
            self.s.d.sym_iv.insert(v, r);
            let iv = self.iv(branch);
            self.where_work += self.s.iv.len() + self.s.fiv.len();
            self.s.d.sym_iv = saved_syms;
            self.s.iv = saved_memo;
            self.s.fiv = saved_fmemo;
            acc = Some(match acc {
                None => iv,
                Some(x) => x.hull(&iv),
            });
        }
        acc
    }

    /// Truth of a condition from intervals of its sides only (no new nodes): used inside the
    /// interval pass for `Where`.
    pub fn quick_truth(&mut self, c: Expr) -> crate::Truth {
        use crate::Truth::*;
        if let Some(b) = self.cx.as_bool(c) {
            return if b { True } else { False };
        }
        if self.s.d.truths.contains(&c) {
            return True;
        }
        let (a, b, op) = match *self.cx.node(c) {
            Node::Lt(a, b) => (a, b, 0),
            Node::Le(a, b) => (a, b, 1),
            Node::Eq(a, b) => (a, b, 2),
            Node::Ne(a, b) => (a, b, 3),
            _ => return Unknown,
        };
        if self.cx.ty(a) != Ty::Int {
            return Unknown;
        }
        let (x, y) = (self.iv(a), self.iv(b));
        let lt = if x.hi < y.lo {
            True
        } else if x.lo >= y.hi {
            False
        } else {
            Unknown
        };
        let le = if x.hi <= y.lo {
            True
        } else if x.lo > y.hi {
            False
        } else {
            Unknown
        };
        let eq = if x.as_point().is_some() && x == y {
            True
        } else if x.hi < y.lo || y.hi < x.lo {
            False
        } else {
            Unknown
        };
        match op {
            0 => lt,
            1 => le,
            2 => eq,
            _ => eq.not(),
        }
    }

    /// Interval of a float expression (NaN results are not covered).
    pub fn fiv(&mut self, e: Expr) -> FIv {
        self.fiv_depth += 1;
        let r = if self.fiv_depth > 256 {
            FIv::TOP
        } else {
            self.fiv_inner(e)
        };
        self.fiv_depth -= 1;
        r
    }

    fn fiv_inner(&mut self, e: Expr) -> FIv {
        if let Some(v) = self.s.fiv.get(&e) {
            return *v;
        }
        let node = self.cx.node(e).clone();
        let r = match node {
            Node::Float(b) => {
                let v = f64::from_bits(b);
                FIv { lo: v, hi: v }
            }
            Node::Sym(s) => {
                let (lo, hi) = self.cx.range(s);
                let mut r = FIv::TOP;
                if let RangeEnd::Expr(x) = lo {
                    r.lo = if self.cx.ty(x) == Ty::Int {
                        ext_to_f(self.iv(x).lo)
                    } else {
                        self.fiv(x).lo
                    };
                }
                if let RangeEnd::Expr(x) = hi {
                    r.hi = if self.cx.ty(x) == Ty::Int {
                        ext_to_f(self.iv(x).hi)
                    } else {
                        self.fiv(x).hi
                    };
                }
                r
            }
            Node::ToFloat(a) => {
                let i = self.iv(a);
                FIv {
                    lo: ext_to_f(i.lo),
                    hi: ext_to_f(i.hi),
                }
            }
            Node::FAdd(a, b) => {
                let (x, y) = (self.fiv(a), self.fiv(b));
                FIv::corners(&[x.lo + y.lo, x.hi + y.hi])
            }
            Node::FMul(a, b) => {
                let (x, y) = (self.fiv(a), self.fiv(b));
                FIv::corners(&[x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi])
            }
            Node::FNeg(a) => {
                let x = self.fiv(a);
                FIv {
                    lo: -x.hi,
                    hi: -x.lo,
                }
            }
            Node::FloatTrueDiv(a, b) => {
                let (x, y) = (self.fiv(a), self.fiv(b));
                if y.lo <= 0.0 && y.hi >= 0.0 {
                    FIv::TOP
                } else {
                    FIv::corners(&[x.lo / y.lo, x.lo / y.hi, x.hi / y.lo, x.hi / y.hi])
                }
            }
            Node::IntTrueDiv(a, b) => {
                let (x, y) = (self.iv(a), self.iv(b));
                if y.lo <= 0 && y.hi >= 0 {
                    FIv::TOP
                } else {
                    // The quotient is monotone in each operand while the divisor keeps its sign,
                    // and correct rounding is monotone: the rounded quotients of the corners are
                    // the exact extremes. A corner with two finite ends is computed correctly
                    // rounded from the integers (RN(RN(a)/RN(b)) can be two ulps off above 2^53);
                    // one with an infinite end is its limit (0 or an infinity), which double
                    // division gives exactly.
                    let corner = |a: i128, b: i128| match (ext_opt(a), ext_opt(b)) {
                        (Some(a), Some(b)) => crate::eval::int_true_div(a, b).unwrap_or(f64::NAN),
                        _ => ext_to_f(a) / ext_to_f(b),
                    };
                    FIv::corners(&[
                        corner(x.lo, y.lo),
                        corner(x.lo, y.hi),
                        corner(x.hi, y.lo),
                        corner(x.hi, y.hi),
                    ])
                }
            }
            Node::Min(xs) | Node::Max(xs) => {
                let is_max = matches!(self.cx.node(e), Node::Max(_));
                let mut acc = self.fiv(xs[0]);
                for x in &xs[1..] {
                    let y = self.fiv(*x);
                    acc = if is_max {
                        FIv {
                            lo: acc.lo.max(y.lo),
                            hi: acc.hi.max(y.hi),
                        }
                    } else {
                        FIv {
                            lo: acc.lo.min(y.lo),
                            hi: acc.hi.min(y.hi),
                        }
                    };
                }
                acc
            }
            Node::Abs(a) => {
                let x = self.fiv(a);
                if x.lo >= 0.0 {
                    x
                } else if x.hi <= 0.0 {
                    FIv {
                        lo: -x.hi,
                        hi: -x.lo,
                    }
                } else {
                    FIv {
                        lo: 0.0,
                        hi: x.hi.max(-x.lo),
                    }
                }
            }
            Node::Where(c, a, b) => {
                let (x, y) = (self.fiv(a), self.fiv(b));
                match self.quick_truth(c) {
                    crate::Truth::True => x,
                    crate::Truth::False => y,
                    crate::Truth::Unknown => FIv {
                        lo: x.lo.min(y.lo),
                        hi: x.hi.max(y.hi),
                    },
                }
            }
            _ => FIv::TOP,
        };
        self.s.fiv.insert(e, r);
        r
    }
}

impl Session<'_> {
    /// `r` intersected with the intervals of the sum `e` evaluated with a factor taken out of
    /// the terms it multiplies, recursively (Horner's scheme, up to [`FACTOR_DEPTH`] levels):
    /// `Σ k_i·t_i + c = v·Σ_{v | t_i} k_i·(t_i/v) + (Σ_{v ∤ t_i} k_i·t_i + c)` is the same
    /// polynomial, so the interval arithmetic of each such form is another enclosure of the
    /// same values, and their intersection is one. A factor taken out no longer takes two
    /// values at once: `p0*s27 - p0` with p0 in [0, 128], s27 in [1, 4] is [-128, 512] term
    /// by term and [0, 384] (exact) as `p0*(s27 - 1)`. `v` is any factor node (a symbol, a
    /// FloorDiv, ...) of two terms or more; the first [`FACTOR_CANDIDATES`] are tried at each
    /// level, in sums of at most [`FACTOR_TERMS`] terms.
    fn factored_sum_iv(&mut self, e: Expr, r: Iv) -> Iv {
        let Node::Add(ts, c) = self.cx.node(e) else {
            return r;
        };
        if !(2..=FACTOR_TERMS).contains(&ts.len()) || r.lo == r.hi {
            return r;
        }
        let c = *c;
        // The distinct factor nodes, numbered; each term as the numbers of its factors.
        let mut nodes: SmallVec<[Expr; 16]> = SmallVec::new();
        let mut monos: SmallVec<[Monomial; 8]> = SmallVec::new();
        let mut shared = false;
        for (t, k) in ts {
            let fs: &[Expr] = match self.cx.node(*t) {
                Node::Mul(fs) => fs,
                _ => std::slice::from_ref(t),
            };
            let mut m: SmallVec<[u8; 4]> = SmallVec::new();
            for f in fs {
                let i = match nodes.iter().position(|x| x == f) {
                    Some(i) => {
                        shared = true;
                        i
                    }
                    None => {
                        if nodes.len() == usize::from(u8::MAX) {
                            return r;
                        }
                        nodes.push(*f);
                        nodes.len() - 1
                    }
                };
                m.push(i as u8);
            }
            monos.push((m, *k));
        }
        if !shared {
            return r; // Term by term is all there is.
        }
        let ivs: SmallVec<[Iv; 16]> = nodes.iter().map(|f| self.iv(*f)).collect();
        // Nonnegative factors and coefficients of one sign (most index expressions): every
        // cofactor has one sign, and nothing changes (see `horner_iv`).
        let one_sign = monos.iter().all(|(_, k)| *k > 0) || monos.iter().all(|(_, k)| *k < 0);
        if one_sign && ivs.iter().all(|v| v.lo >= 0) {
            return r;
        }
        r.intersect(&horner_iv(&ivs, &monos, c, FACTOR_DEPTH))
    }

    /// The box of `e`'s free symbols when they are integers with finite numeric intervals,
    /// spanning at most [`SMALL_BOX`] points in all, with no assumption and no symbolic fact
    /// restricting them further (every point of the box is an assignment): each symbol with
    /// its interval's ends. `None` otherwise (and for an empty box).
    pub(crate) fn small_box(&mut self, e: Expr) -> Option<SmallBox> {
        if !self.cx.facts.assumptions.is_empty() {
            return None;
        }
        // From the symbol mask where it has them all (no walk; the order of the box's
        // symbols changes nothing enumerated over it).
        let syms: SmallVec<[Symbol; 8]> = match self.cx.small_symbols(e) {
            Some(it) => it.collect(),
            None => self.cx.free_symbols(e).into_iter().collect(),
        };
        let mut boxes: SmallBox = Vec::with_capacity(syms.len());
        let mut points: i128 = 1;
        for s in syms {
            if self.cx.sym_ty(s) != Ty::Int
                || !self.s.d.upper.get(&s).is_none_or(|l| l.is_empty())
                || !self.s.d.lower.get(&s).is_none_or(|l| l.is_empty())
            {
                return None;
            }
            let iv = self.sym_iv(s);
            let (Some(lo), Some(hi)) = (iv.lo_i64(), iv.hi_i64()) else {
                return None;
            };
            points *= i128::from(hi) - i128::from(lo) + 1;
            if points > SMALL_BOX || lo > hi {
                return None;
            }
            boxes.push((s, lo, hi));
        }
        Some(boxes)
    }

    /// `e` evaluated at every point of `boxes` ([`Session::small_box`]), each value handed to
    /// `each` (points where `e` is undefined, a division by zero, are outside its domain and
    /// skipped). `false` when an evaluation overflows (the exact value is beyond i64), `each`
    /// says to stop, or (`steps`: a step of the query per point) a limit stops the query.
    pub(crate) fn for_each_point(
        &mut self,
        e: Expr,
        boxes: &[(Symbol, i64, i64)],
        steps: bool,
        mut each: impl FnMut(crate::Value) -> bool,
    ) -> bool {
        let mut cur: Vec<i64> = boxes.iter().map(|b| b.1).collect();
        // One set of evaluation tables for all the points.
        let mut buf = crate::eval::EvalBuffers::default();
        let ty = self.cx.ty(e);
        loop {
            if steps && self.cx.tick() {
                return false;
            }
            // The direct evaluator where it answers (its values are `eval_in`'s), else
            // `eval_in` (which also tells an undefined point from an overflow).
            let at = |s: Symbol| boxes.iter().position(|b| b.0 == s).map(|k| cur[k]);
            let mut budget = crate::eval::EVAL_AT_NODES;
            let direct = match ty {
                Ty::Int => self
                    .cx
                    .int_at_with(e, &at, &mut budget)
                    .map(crate::Value::Int),
                Ty::Bool => self
                    .cx
                    .bool_at_with(e, &at, &mut budget)
                    .map(crate::Value::Bool),
                Ty::Float => None,
            };
            let v = match direct {
                Some(v) => Ok(v),
                None => self
                    .cx
                    .eval_in(e, &|s| at(s).map(crate::Value::Int), &mut buf),
            };
            match v {
                Ok(v) if !each(v) => return false,
                Err(crate::EvalError::Overflow) => return false,
                _ => {}
            }
            if !next_point(&mut cur, boxes) {
                return true;
            }
        }
    }

    /// The box of `e` ([`Session::small_box`]) and its number of points, when evaluating `e`
    /// at each point (`ops` operations) fits in what the query may still evaluate on boxes
    /// ([`crate::prove::BOX_OPS`]); nothing is spent.
    pub(crate) fn box_within_budget(&mut self, e: Expr, ops: usize) -> Option<(SmallBox, usize)> {
        if ops > self.box_ops {
            return None;
        }
        let boxes = self.small_box(e)?;
        let points: usize = boxes
            .iter()
            .map(|&(_, lo, hi)| (hi - lo) as usize + 1)
            .product();
        (points.saturating_mul(ops) <= self.box_ops).then_some((boxes, points))
    }

    /// The least and greatest value of the integer `e` over the points of `boxes` where it
    /// is defined (`Some(None)`: at none); `None` when a value overflows or a limit stops
    /// the query.
    fn hull_on(&mut self, e: Expr, boxes: &[(Symbol, i64, i64)]) -> Option<Option<(i64, i64)>> {
        let mut hull: Option<(i64, i64)> = None;
        let complete = self.for_each_point(e, boxes, true, |v| {
            if let crate::Value::Int(x) = v {
                hull = Some(hull.map_or((x, x), |(l, h)| (l.min(x), h.max(x))));
            }
            true
        });
        complete.then_some(hull)
    }

    /// The exact hull of `e`'s values on its small box, within the query's budget of
    /// operations evaluated on boxes, which it spends; `None` when the box is not small, the
    /// budget is short, a value overflows, a limit stops the query, or `e` is defined at no
    /// point.
    fn exact_on_small_box(&mut self, e: Expr) -> Option<Iv> {
        let ops = self.cx.size(e) + 1;
        let (boxes, points) = self.box_within_budget(e, ops)?;
        self.box_ops -= points * ops;
        let (l, h) = self.hull_on(e, &boxes)??;
        Some(Iv::new(i128::from(l), i128::from(h)))
    }

    /// Exact extremes of `e` by evaluation when its free symbols have numeric ranges spanning at
    /// most [`SMALL_BOX`] points in all (and no assumptions restrict them further), within
    /// `r` (which is kept where `e` is defined at no point); otherwise (and on an overflow)
    /// `None`.
    fn enumerate_small_box(&mut self, e: Expr, r: Iv) -> Option<Iv> {
        let boxes = self.small_box(e)?;
        Some(match self.hull_on(e, &boxes)? {
            Some((l, h)) => r.intersect(&Iv::new(i128::from(l), i128::from(h))),
            None => r,
        })
    }
}

impl Context {
    /// Whether `e` divides (FloorDiv, CeilDiv, Mod, true division) by something that is not
    /// a nonzero constant anywhere in it: then `e` may be undefined at some assignments.
    pub(crate) fn has_variable_divisor(&self, e: Expr) -> bool {
        let mut seen: FxHashSet<Expr> = FxHashSet::default();
        let mut todo: SmallVec<[Expr; 16]> = smallvec::smallvec![e];
        while let Some(x) = todo.pop() {
            if !seen.insert(x) {
                continue;
            }
            let n = self.node(x);
            if let Node::FloorDiv(_, d)
            | Node::CeilDiv(_, d)
            | Node::Mod(_, d)
            | Node::IntTrueDiv(_, d)
            | Node::FloatTrueDiv(_, d) = n
                && self.as_int(*d).is_none_or(|v| v == 0)
            {
                return true;
            }
            todo.extend(n.kids().iter());
        }
        false
    }
}

/// Steps `cur` (a point of `boxes`, one value per symbol) to the next point of the box, the
/// first symbol fastest; `false` (and `cur` back at the first point) after the last one.
pub(crate) fn next_point(cur: &mut [i64], boxes: &[(Symbol, i64, i64)]) -> bool {
    for (v, &(_, lo, hi)) in cur.iter_mut().zip(boxes) {
        if *v < hi {
            *v += 1;
            return true;
        }
        *v = lo;
    }
    false
}

/// The most points [`Session::small_box`] enumerates.
pub(crate) const SMALL_BOX: i128 = 512;

fn ext_to_f(v: i128) -> f64 {
    if v == NEG_INF {
        f64::NEG_INFINITY
    } else if v == POS_INF {
        f64::INFINITY
    } else {
        v as f64
    }
}

fn ext_opt(v: i128) -> Option<i64> {
    if v == NEG_INF || v == POS_INF {
        None
    } else {
        Some(v as i64)
    }
}

impl Context {
    /// A sound bound of `e` under the context's facts (docs/language.md §5.2): the intersection of
    /// the interval of `e` and that of its simplified form.
    ///
    /// A `context_nodes` or `time` limit reached ([`crate::Limits`]) answers the whole range of
    /// the type (`[-oo, oo]`, `[false, true]`), with [`Context::limit_reached`] saying which.
    pub fn bound(&mut self, e: Expr) -> Bound {
        self.query(
            |cx| cx.bound_unlimited(e),
            |cx| match cx.ty(e) {
                Ty::Int => Bound::Int { lo: None, hi: None },
                Ty::Float => Bound::Float {
                    lo: f64::NEG_INFINITY,
                    hi: f64::INFINITY,
                },
                Ty::Bool => Bound::Bool {
                    lo: false,
                    hi: true,
                },
            },
        )
    }

    fn bound_unlimited(&mut self, e: Expr) -> Bound {
        // Before `single_use` (a walk): where both apply, both answer `quick_iv(e)`.
        if let Some(iv) = self.monotone_bound(e) {
            return Bound::Int {
                lo: ext_opt(iv.lo),
                hi: ext_opt(iv.hi),
            };
        }
        // Whether every symbol of an integer `e` occurs once: asked here once for both paths.
        let single = self.ty(e) == Ty::Int && self.single_use(e);
        if single && let Some(iv) = self.quick_bound(e) {
            return Bound::Int {
                lo: ext_opt(iv.lo),
                hi: ext_opt(iv.hi),
            };
        }
        let mut s = Session::new(self);
        match s.cx.ty(e) {
            Ty::Int => {
                let a = s.iv(e);
                // Interval arithmetic is exact up to per-operator hulls when every symbol occurs
                // once and no symbolic range or assumption relates symbols; only otherwise is
                // simplifying first (relational precision) worth its cost.
                if s.s.d.upper.is_empty()
                    && s.s.d.lower.is_empty()
                    && s.s.d.mod_facts.is_empty()
                    && single
                {
                    // Per-operator hulls lose the residues of nested remainders and divisions
                    // (`Mod(FloorDiv(3*x - 1, 2), 3)`): a quasi-affine `e` is evaluated at its
                    // periods' windows instead (residue.rs).
                    let a = s.residue_extremes(e, a);
                    return Bound::Int {
                        lo: ext_opt(a.lo),
                        hi: ext_opt(a.hi),
                    };
                }
                let simp = s.simplify(e);
                let b = s.iv(simp);
                let r = a.intersect(&b);
                let r = s.refine_by_proof(simp, r);
                // Symbols that still occur more than once: on a small box the exact extremes
                // are cheaper than any relational reasoning; enumerate.
                let r = if r.lo == r.hi || s.cx.single_use(simp) {
                    None
                } else {
                    s.enumerate_small_box(simp, r)
                }
                // Otherwise a sum evaluated with its shared factors taken out, and a
                // quasi-affine form is exact at its periods' windows (residue.rs).
                .unwrap_or_else(|| {
                    let r = s.factored_sum_iv(simp, r);
                    s.residue_extremes_of(&[simp, e], r)
                });
                // The simplified form can be defined where `e` is not (a condition true
                // wherever it is defined folds to `True`: `Where(FloorDiv(x, Max(x - 8, 0))
                // >= 1, x, 100)` becomes `x`), so its values can go beyond `e`'s: where `e`
                // divides by something that may be 0, and its box is small and cheap to
                // evaluate, its exact values.
                let r = if r.lo < r.hi && simp != e && s.cx.has_variable_divisor(e) {
                    s.exact_on_small_box(e).map_or(r, |x| x.intersect(&r))
                } else {
                    r
                };
                Bound::Int {
                    lo: ext_opt(r.lo),
                    hi: ext_opt(r.hi),
                }
            }
            Ty::Float => {
                let a = s.fiv(e);
                let simp = s.simplify(e);
                let b = s.fiv(simp);
                Bound::Float {
                    lo: a.lo.max(b.lo),
                    hi: a.hi.min(b.hi),
                }
            }
            // Seen to take both values at a few points: no proof can decide it.
            Ty::Bool if s.takes_both_values(e) => Bound::Bool {
                lo: false,
                hi: true,
            },
            Ty::Bool => match s.truth(e) {
                crate::Truth::True => Bound::Bool { lo: true, hi: true },
                crate::Truth::False => Bound::Bool {
                    lo: false,
                    hi: false,
                },
                // Quasi-affine sides: the exact extremes of their difference (residue.rs).
                crate::Truth::Unknown => match s.residue_relation(e) {
                    Some(v) => Bound::Bool { lo: v, hi: v },
                    None => Bound::Bool {
                        lo: false,
                        hi: true,
                    },
                },
            },
        }
    }

    /// The common case without an analysis session: an integer expression in which every
    /// symbol occurs once (the caller checked it: [`Context::single_use`]), with constant
    /// ranges and no assumptions. Per-node interval arithmetic is then what the full path
    /// computes too (it would skip simplification for such an expression); `None` when any of
    /// that does not hold.
    /// The exact bounds of a sum of products of symbols (powers too) whose coefficients have
    /// one sign, over symbols whose ranges have constant ends, the lower one non-negative, with
    /// no assumption and no symbolic range end anywhere (which could relate the symbols): the
    /// index expressions of sizes and strides (`p0*s0*s53*s92 + 2*p1*s92 + 2*p2 + 1`). `None`
    /// for anything else.
    ///
    /// Why exact: on the box, each term `k*x1*...*xn` with every `xi >= 0` is non-decreasing
    /// in every symbol when `k > 0` (non-increasing when `k < 0`), and so is their sum, all in
    /// one direction: its least value is at the box's lowest corner and its greatest at the
    /// highest one (unbounded when that corner is). Interval arithmetic on non-negative
    /// intervals multiplies lower ends and upper ends, and adds them: it evaluates exactly
    /// those two corners. Symbols that occur in several terms (where the general path works
    /// hard: simplify, proofs, enumeration, factoring) need nothing more.
    fn monotone_bound(&self, e: Expr) -> Option<Iv> {
        if !self.facts.assumptions.is_empty()
            || self.facts.symbolic_ends > 0
            || self.ty(e) != Ty::Int
            || !self.is_plain_polynomial(e)
        {
            return None;
        }
        let Node::Add(ts, c) = self.node(e) else {
            return None;
        };
        // A factor's interval (`quick_iv`'s), when it is a symbol or a power of one whose
        // range has constant ends, the lower one non-negative.
        let factor = |f: Expr| -> Option<Iv> {
            let (s, pow) = match self.node(f) {
                Node::Sym(s) => (*s, None),
                Node::Pow(b, k) => (self.as_symbol(*b)?, Some(*k)),
                _ => return None,
            };
            if self.sym_ty(s) != Ty::Int {
                return None;
            }
            let (lo, hi) = self.range(s);
            let lo = match lo {
                RangeEnd::Expr(v) => self.as_int(v).filter(|lo| *lo >= 0)?,
                RangeEnd::Infinite => return None,
            };
            let hi = match hi {
                RangeEnd::Expr(v) => i128::from(self.as_int(v)?),
                RangeEnd::Infinite => POS_INF,
            };
            let iv = Iv {
                lo: i128::from(lo),
                hi,
            };
            Some(pow.map_or(iv, |k| iv.pow(k)))
        };
        // The sum's interval as `quick_iv` evaluates it (the same operations in the same
        // order), the conditions checked on the way.
        let up = ts.first()?.1 > 0;
        let mut acc = Iv::point(*c);
        for &(t, k) in ts {
            if (k > 0) != up {
                return None;
            }
            let term = match self.node(t) {
                Node::Mul(fs) => match fs.split_first() {
                    None => Iv::point(1),
                    Some((&f0, rest)) => {
                        let mut p = factor(f0)?.one_times();
                        for &f in rest {
                            p = p.mul(&factor(f)?);
                        }
                        p
                    }
                },
                _ => factor(t)?,
            };
            acc = acc.add(&term.scale(k));
        }
        Some(acc)
    }

    fn quick_bound(&self, e: Expr) -> Option<Iv> {
        if !self.facts.assumptions.is_empty() {
            return None;
        }
        self.quick_iv(e, 0)
    }

    /// [`Context::quick_iv`] of the symbol `s`: its range's ends where they are integers or
    /// infinite, `None` for a float symbol or a symbolic end.
    #[inline]
    fn quick_sym_iv(&self, s: Symbol) -> Option<Iv> {
        if self.sym_ty(s) != Ty::Int {
            return None;
        }
        let (lo, hi) = self.range(s);
        let end = |x: RangeEnd, inf: i128| -> Option<i128> {
            match x {
                RangeEnd::Infinite => Some(inf),
                RangeEnd::Expr(v) => self.as_int(v).map(i128::from),
            }
        };
        Some(Iv {
            lo: end(lo, NEG_INF)?,
            hi: end(hi, POS_INF)?,
        })
    }

    pub(crate) fn quick_iv(&self, e: Expr, depth: u32) -> Option<Iv> {
        if depth > 48 {
            return None;
        }
        let d = depth + 1;
        Some(match self.node(e) {
            Node::Int(v) => Iv::point(*v),
            Node::Sym(s) => self.quick_sym_iv(*s)?,
            Node::Add(ts, c) => {
                let mut acc = Iv::point(*c);
                for (t, k) in ts {
                    acc = acc.add(&self.quick_iv(*t, d)?.scale(*k));
                }
                acc
            }
            Node::Mul(fs) => {
                // 1*f0*f1*...: the first factor's interval times the others' (`one_times`).
                let Some((f0, rest)) = fs.split_first() else {
                    return Some(Iv::point(1));
                };
                // (A symbol factor, the usual one, read here without the call.)
                let factor = |f: Expr| match self.node(f) {
                    Node::Sym(s) => self.quick_sym_iv(*s),
                    _ => self.quick_iv(f, d),
                };
                let mut acc = factor(*f0)?.one_times();
                for f in rest {
                    acc = acc.mul(&factor(*f)?);
                }
                acc
            }
            Node::Pow(b, k) => self.quick_iv(*b, d)?.pow(*k),
            Node::FloorDiv(a, b) => self.quick_iv(*a, d)?.floordiv(&self.quick_iv(*b, d)?),
            Node::CeilDiv(a, b) => self.quick_iv(*a, d)?.ceildiv(&self.quick_iv(*b, d)?),
            Node::Mod(a, b) => {
                // The full path refines with modular sets; that needs every term of `a` to be a
                // plain symbol (then the residue class is the gcd of coefficients and modulus).
                let k = self.as_int(*b)?;
                let mut r = self.quick_iv(*a, d)?.modulo(&Iv::point(k));
                if k > 0 {
                    let (g, base) = match self.node(*a) {
                        Node::Add(ts, c) => {
                            if !ts
                                .iter()
                                .all(|(t, _)| matches!(self.node(*t), Node::Sym(_)))
                            {
                                return None;
                            }
                            // Every value is ≡ base (mod g), g = gcd(k, c_i...), so the
                            // remainder lies in [base mod g, k - g + base mod g] (sound for
                            // any ranges). That is the exact range only when each symbol's
                            // range spans a period k/gcd(c, k) of its term (the terms then
                            // take every multiple of gcd(c, k) mod k, and their sums every
                            // multiple of g); a narrower range leaves residues out
                            // (`Mod(x + 4*y, 8)` with x in [0, 1] takes [0, 5], not [0, 7]),
                            // so this quick answer is not given and the full path evaluates
                            // them (residue.rs).
                            for &(t, c) in ts.iter() {
                                let w = self.quick_iv(t, d)?;
                                let period = k / crate::build::gcd(c, k);
                                if w.hi.saturating_sub(w.lo) < i128::from(period) - 1 {
                                    return None;
                                }
                            }
                            (ts.iter().fold(k, |g, (_, c)| crate::build::gcd(g, *c)), *c)
                        }
                        Node::Sym(_) => (1, 0),
                        _ => return None,
                    };
                    if g > 1 {
                        let base = crate::build::floor_mod(base, g)?;
                        r = r.intersect(&Iv::new(base as i128, (k - g + base) as i128));
                    }
                }
                r
            }
            Node::Min(xs) | Node::Max(xs) => {
                let is_max = matches!(self.node(e), Node::Max(_));
                let mut acc = self.quick_iv(xs[0], d)?;
                for x in &xs[1..] {
                    let v = self.quick_iv(*x, d)?;
                    acc = if is_max { acc.max(&v) } else { acc.min(&v) };
                }
                acc
            }
            Node::Abs(a) => self.quick_iv(*a, d)?.abs(),
            _ => return None,
        })
    }

    /// The interval of `e` without simplification (per-node rules only).
    pub(crate) fn bound_raw(&mut self, e: Expr) -> Iv {
        Session::new(self).iv(e)
    }
}

/// The modular set of `e` given the divisibility facts (read-only: borrows the nodes instead of
/// copying them).
pub(crate) fn modset_in(
    cx: &Context,
    facts: &FxHashMap<Expr, ModSet>,
    e: Expr,
    depth: u32,
) -> ModSet {
    if !facts.is_empty()
        && let Some(m) = facts.get(&e)
    {
        return *m;
    }
    if depth > 64 {
        return ModSet::TOP;
    }
    let depth = depth + 1;
    let rec = |x: Expr| modset_in(cx, facts, x, depth);
    match cx.node(e) {
        Node::Int(v) => ModSet::constant(*v),
        Node::Add(ts, c) => {
            let mut acc = ModSet::constant(*c);
            for &(t, k) in ts {
                acc = acc.add(rec(t).scale(k));
            }
            acc
        }
        Node::Mul(fs) => {
            let mut acc = ModSet::constant(1);
            for &f in fs {
                acc = acc.mul(rec(f));
            }
            acc
        }
        Node::Pow(b, k) => {
            let m = rec(*b);
            let mut acc = ModSet::constant(1);
            for _ in 0..(*k).min(8) {
                acc = acc.mul(m);
            }
            if *k > 8 { ModSet::TOP } else { acc }
        }
        Node::Mod(a, m) => match cx.as_int(*m) {
            Some(mv) if mv > 0 => rec(*a).modulo(mv),
            _ => ModSet::TOP,
        },
        // a = k*n + r with c | k and c | r: a/c = (k/c)*n + r/c exactly.
        Node::FloorDiv(a, c) => match cx.as_int(*c) {
            Some(cv) if cv > 0 => {
                let m = rec(*a);
                if m.coeff % cv == 0 && m.base % cv == 0 {
                    ModSet::new(m.coeff / cv, m.base / cv)
                } else {
                    ModSet::TOP
                }
            }
            _ => ModSet::TOP,
        },
        _ => ModSet::TOP,
    }
}

/// The interval of `Σ k·Π factors + c` over `monos` (factor `i` in `ivs[i]`): the best of term
/// by term and of each shared factor taken out, `depth` more levels
/// (`Session::factored_sum_iv`).
fn horner_iv(ivs: &[Iv], monos: &[Monomial], c: i64, depth: u32) -> Iv {
    let mut best = Iv::point(c);
    for (fs, k) in monos {
        // 1*f0*f1*...: the first factor's interval (`one_times`), then times the others'.
        let mut m = Iv::point(1);
        for (i, f) in fs.iter().enumerate() {
            let v = &ivs[usize::from(*f)];
            m = if i == 0 { v.one_times() } else { m.mul(v) };
        }
        best = best.add(&m.scale(*k));
    }
    if depth == 0 || monos.len() < 2 {
        return best;
    }
    // The factors of two terms or more (a normal-form product has no repeated factor).
    let mut count: SmallVec<[u8; 16]> = smallvec::smallvec![0; ivs.len()];
    for (fs, _) in monos {
        for f in fs {
            count[usize::from(*f)] = count[usize::from(*f)].saturating_add(1);
        }
    }
    // Taking v out changes nothing where its cofactors' terms have one sign: with X = v's
    // interval and Y, Z of one sign, X·(Y + Z) = X·Y + X·Z (so the index expressions whose
    // coefficients are all positive cost only this test).
    // By signs alone: each factor's set of signs (bits NEG, ZERO, POS), multiplied.
    let signs: SmallVec<[u8; 16]> = ivs.iter().map(sign_set).collect();
    let mixed = |v: usize| {
        let mut all = 0u8;
        for (fs, k) in monos {
            if fs.iter().any(|f| usize::from(*f) == v) {
                let mut m = sign_set(&Iv::point(*k));
                for f in fs.iter().filter(|f| usize::from(**f) != v) {
                    m = mul_signs(m, signs[usize::from(*f)]);
                }
                all |= m;
            }
        }
        all & NEG != 0 && all & POS != 0
    };
    // All candidates at the top, the first one below (each level multiplies the work).
    let tries = if depth == FACTOR_DEPTH {
        FACTOR_CANDIDATES
    } else {
        1
    };
    let shared = (0..ivs.len())
        .filter(|&i| count[i] >= 2 && mixed(i))
        .take(tries);
    for v in shared {
        let (mut with, mut without): (SmallVec<[Monomial; 8]>, SmallVec<[Monomial; 8]>) =
            (SmallVec::new(), SmallVec::new());
        for (fs, k) in monos {
            match fs.iter().position(|f| usize::from(*f) == v) {
                Some(at) => {
                    let mut q = fs.clone();
                    q.remove(at);
                    with.push((q, *k));
                }
                None => without.push((fs.clone(), *k)),
            }
        }
        let inner = horner_iv(ivs, &with, 0, depth - 1);
        let outer = horner_iv(ivs, &without, c, depth - 1);
        best = best.intersect(&ivs[v].mul(&inner).add(&outer));
    }
    best
}

const NEG: u8 = 1;
const ZERO: u8 = 2;
const POS: u8 = 4;

/// The signs the values of `iv` take (an empty interval: none).
fn sign_set(iv: &Iv) -> u8 {
    if iv.lo > iv.hi {
        return 0;
    }
    (if iv.lo < 0 { NEG } else { 0 })
        | (if iv.lo <= 0 && iv.hi >= 0 { ZERO } else { 0 })
        | (if iv.hi > 0 { POS } else { 0 })
}

/// The signs of `x·y` for `x` of the signs `a` and `y` of the signs `b`.
fn mul_signs(a: u8, b: u8) -> u8 {
    let mut out = 0;
    for (x, y) in [(a, b), (b, a)] {
        if x & ZERO != 0 && y != 0 {
            out |= ZERO;
        }
    }
    if (a & POS != 0 && b & POS != 0) || (a & NEG != 0 && b & NEG != 0) {
        out |= POS;
    }
    if (a & POS != 0 && b & NEG != 0) || (a & NEG != 0 && b & POS != 0) {
        out |= NEG;
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::interval::{NEG_INF, POS_INF};
    use crate::{Bound, Context, Value};

    use crate::test_rng::xorshift;

    /// `product_iv` (a product of symbols bounded without the walk) answers the walk's value:
    /// the same product bounded as an operand of a sum, where the walk computes and memoizes
    /// it, under random ranges (negative, infinite, absent) and sometimes an assumption that
    /// bounds the product itself (an atom bound) or a symbolic range end.
    #[test]
    fn product_of_symbols_bounds_as_the_walk() {
        let mut next = xorshift(0x9_0D_17);
        let ends = ["", "-5", "-1", "0", "1", "3", "64"];
        let prods = ["a*b", "a*b*c", "a*c", "b*c*a", "a*a*b"];
        for _ in 0..2000 {
            let setup = |next: &mut dyn FnMut(u64) -> u64| -> (Context, String) {
                let mut cx = Context::new();
                for n in ["a", "b", "c"] {
                    let lo = ends[next(ends.len() as u64) as usize];
                    let hi = ends[next(ends.len() as u64) as usize];
                    let _ = cx.set_range_str(n, lo, hi);
                }
                match next(6) {
                    0 => {
                        let p = cx.parse("a*b <= 100").unwrap();
                        let _ = cx.assume(p);
                    }
                    1 => {
                        let _ = cx.set_range_str("c", "0", "a + 4");
                    }
                    _ => {}
                }
                let p = prods[next(prods.len() as u64) as usize].to_string();
                (cx, p)
            };
            let seed = next(u64::MAX);
            let mut r1 = xorshift(seed);
            let mut r2 = xorshift(seed);
            let (mut c1, p1) = setup(&mut r1);
            let (mut c2, p2) = setup(&mut r2);
            let e1 = c1.parse(&p1).unwrap();
            let e2 = c2.parse(&p2).unwrap();
            let direct = crate::simplify::Session::new(&mut c1).iv(e1);
            let outer = c2.parse(&format!("{p2} + FloorDiv(a, 7)")).unwrap();
            let mut s = crate::simplify::Session::new(&mut c2);
            s.iv(outer);
            let walked = s.iv(e2);
            assert_eq!(direct, walked, "{p1}");
        }
    }

    /// `monotone_bound` is exact: on random sums of products of one sign (symbols repeated
    /// within and across terms, so powers too) over boxes with non-negative lower ends, its
    /// ends are the least and greatest values over every point of the box, and `bound`
    /// answers them.
    #[test]
    fn monotone_bounds_are_the_extremes_of_the_box() {
        let mut next = xorshift(0xB0_0D5);
        let names = ["a", "b", "c"];
        let mut answered = 0;
        for _ in 0..600 {
            let mut cx = Context::new();
            let mut boxes = Vec::new();
            for n in names {
                let lo = next(3) as i64;
                let hi = lo + next(4) as i64;
                cx.set_range_str(n, &lo.to_string(), &hi.to_string())
                    .unwrap();
                boxes.push((lo, hi));
            }
            // Mixed signs now and then (declined, or the assertions below fail).
            let mixed = next(4) == 0;
            let mut negative = next(3) == 0;
            let mut text = String::new();
            for t in 0..2 + next(3) {
                if mixed {
                    negative = next(2) == 0;
                }
                text.push_str(match (t, negative) {
                    (0, false) => "",
                    (0, true) => "-",
                    (_, false) => " + ",
                    (_, true) => " - ",
                });
                text.push_str(&(1 + next(5)).to_string());
                for _ in 0..1 + next(3) {
                    text.push('*');
                    text.push_str(names[next(3) as usize]);
                }
            }
            text.push_str(&format!(" + {}", next(7) as i64 - 3));
            let e = cx.parse(&text).unwrap();
            let Some(iv) = cx.monotone_bound(e) else {
                continue;
            };
            answered += 1;
            // Interval arithmetic's answer, in its order.
            assert_eq!(Some(iv), cx.quick_iv(e, 0), "{text}");
            let (mut lo, mut hi) = (i64::MAX, i64::MIN);
            for a in boxes[0].0..=boxes[0].1 {
                for b in boxes[1].0..=boxes[1].1 {
                    for c in boxes[2].0..=boxes[2].1 {
                        let vals = [
                            ("a", Value::Int(a)),
                            ("b", Value::Int(b)),
                            ("c", Value::Int(c)),
                        ];
                        let Ok(Value::Int(v)) = cx.eval(e, &vals) else {
                            panic!("{text} at {a} {b} {c}");
                        };
                        lo = lo.min(v);
                        hi = hi.max(v);
                    }
                }
            }
            assert_eq!(
                (iv.lo, iv.hi),
                (lo as i128, hi as i128),
                "{text} on {boxes:?}"
            );
            assert_eq!(
                cx.bound(e),
                Bound::Int {
                    lo: Some(lo),
                    hi: Some(hi)
                },
                "{text}"
            );
        }
        assert!(answered > 400, "{answered}");
    }

    /// Unbounded above where some term grows without bound (not where its other factor is
    /// `[0, 0]`); declined for mixed signs, a negative lower end, an unbounded lower end, an
    /// assumption, a symbolic range end anywhere, and a float symbol.
    #[test]
    fn monotone_bounds_edges() {
        let bound = |ranges: &[(&str, &str, &str)], text: &str, assume: Option<&str>| {
            let mut cx = Context::new();
            for (n, lo, hi) in ranges {
                cx.set_range_str(n, lo, hi).unwrap();
            }
            if let Some(a) = assume {
                let p = cx.parse_bool(a).unwrap();
                cx.assume(p).unwrap();
            }
            let e = cx.parse(text).unwrap();
            cx.monotone_bound(e).map(|iv| (iv.lo, iv.hi))
        };
        let r = [("a", "0", "3"), ("b", "1", "")];
        assert_eq!(bound(&r, "a*b + 2*a + 1", None), Some((1, POS_INF)));
        assert_eq!(
            bound(&[("a", "0", "0"), ("b", "1", "")], "a*b + 2*b*b", None),
            Some((2, POS_INF))
        );
        assert_eq!(
            bound(&[("a", "0", "0"), ("b", "1", "")], "a*b + 2*a", None),
            Some((0, 0))
        );
        assert_eq!(bound(&r, "-a*b - 2*a + 1", None), Some((NEG_INF, 1)));
        assert_eq!(bound(&r, "a*b - a", None), None);
        assert_eq!(
            bound(&[("a", "-1", "3"), ("b", "1", "")], "a*b + a", None),
            None
        );
        assert_eq!(
            bound(&[("a", "", "3"), ("b", "1", "")], "a*b + a", None),
            None
        );
        assert_eq!(bound(&r, "a*b + a", Some("a >= 1")), None);
        assert_eq!(
            bound(
                &[("a", "0", "3"), ("b", "1", ""), ("c", "0", "a")],
                "a*b + b",
                None
            ),
            None
        );
        let mut cx = Context::new();
        cx.declare("f", crate::Ty::Float).unwrap();
        let e = cx.parse("2*f + f*f").unwrap();
        assert!(cx.monotone_bound(e).is_none());
    }
}
