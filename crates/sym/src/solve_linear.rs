//! The solver's lean path for the relations codegen meets most: `Eq(k*x + F, G)` with `F`, `G`
//! plain polynomials (or `x*m` with a monomial `m` in place of `k*x`), and
//! `Eq(FloorDiv(x, c) + F, G)`, under facts that are constant ranges only.
//!
//! It answers exactly what the general path ([`Context::solve_general`]) answers, without a
//! simplification session: for such inputs the general path builds `FloorDiv(r, c)` and
//! `Mod(r, c)` and simplifies them, and this path proves instead that no rule of the simplifier
//! fires on them (each check below names the rule it rules out) and that the prover leaves the
//! divisibility condition undecided. Whenever any of that cannot be shown cheaply it returns
//! `None` and the general path runs: a check may be conservative (fall back too often), never
//! the other way. `tests/solve.rs` compares both paths on random relations.

use crate::build::{CmpOp, floor_div, floor_mod, gcd};
use crate::expr::{Expr, Node, Symbol};
use crate::interval::Iv;
use crate::solve::{RelOp, Relation, Solution, SolveResult};
use crate::{Context, bounds};
use rustc_hash::FxHashMap;

/// Session-free intervals for [`crate::simplify::eval_fits`].
struct QuickIv<'a>(&'a Context);

impl crate::simplify::FitsOracle for QuickIv<'_> {
    fn node_of(&self, e: Expr) -> &Node {
        self.0.node(e)
    }
    fn iv_of(&mut self, e: Expr) -> Option<Iv> {
        self.0.quick_iv(e, 0)
    }
}

impl Context {
    /// The lean path; `None` means "use the general path" (never a different answer).
    pub(crate) fn solve_linear_fast(&mut self, rel: Expr, x: Symbol) -> Option<SolveResult> {
        self.solve_linear_fast_diff(rel, x, &mut None)
    }

    /// [`Context::solve_linear_fast`], keeping in `diff` the difference `a - b` of the
    /// relation's operands where it built it (`self.sub(a, b)`), for the general path to
    /// take instead of building it again: the context interns, so a second `sub` answers the
    /// same node and adds none (about 1,000 instructions of `Eq(s14 + s27, s27 + s57)` for
    /// s27, where x cancels and the general path answers).
    pub(crate) fn solve_linear_fast_diff(
        &mut self,
        rel: Expr,
        x: Symbol,
        diff: &mut Option<Expr>,
    ) -> Option<SolveResult> {
        let r = self.solve_linear_fast_unchecked(rel, x, diff)?;
        // A condition over a small box of its symbols: the general path's prover evaluates
        // it at every point (`Session::relation_on_small_box`) and decides it where it has
        // one value at every point, which this path does not: such a condition is left to
        // the general path. One that takes both values stays undecided there too.
        if let SolveResult::Solved(sol) = &r
            && sol.conditions.iter().any(|&c| {
                self.small_box_of(c)
                    .is_some_and(|b| !self.takes_both_on(c, &b))
            })
        {
            return None;
        }
        Some(r)
    }

    /// The box of `e`'s symbols when they have finite numeric ranges spanning at most
    /// [`crate::bounds::SMALL_BOX`] points in all (the lean path's facts: constant ranges, no
    /// assumptions): each symbol with its range's ends.
    fn small_box_of(&self, e: Expr) -> Option<crate::simplify::SmallBox> {
        let mut points: i128 = 1;
        // Gathered on the stack, then one vector for a box found: most conditions have a
        // symbol unbounded above (`Eq(Mod(s24*s48, s88), 0)` over `[1, oo)`), and the vector
        // made first was freed unused (an allocation and its release).
        let mut boxes: smallvec::SmallVec<[(Symbol, i64, i64); 8]> = smallvec::SmallVec::new();
        let mut add = |s: Symbol| -> Option<()> {
            let se = self.sym(s);
            let (lo, hi) = self
                .quick_iv(se, 0)
                .and_then(|iv| Some((iv.lo_i64()?, iv.hi_i64()?)))?;
            points *= (i128::from(hi) - i128::from(lo) + 1).max(0);
            if points > crate::bounds::SMALL_BOX {
                return None;
            }
            boxes.push((s, lo, hi));
            Some(())
        };
        // The symbols in the order of their list, read as they come (most conditions stop
        // at their first, unbounded above), not gathered first.
        match self.small_symbols(e) {
            Some(it) => {
                for s in it {
                    add(s)?;
                }
            }
            None => {
                for s in self.free_symbols(e) {
                    add(s)?;
                }
            }
        }
        Some(boxes.into_vec())
    }

    /// Whether the boolean `c` is seen true at one point of `boxes` and false at another,
    /// within [`crate::prove::BOX_OPS`] operations evaluated (the prover's budget; the direct
    /// evaluator, undefined points skipped): `false` when not seen so, which is what the
    /// caller needs to know (the lean path declines then, and the general path answers).
    fn takes_both_on(&self, c: Expr, boxes: &[(Symbol, i64, i64)]) -> bool {
        let ops = self.size(c) + 1;
        let mut budget_ops = crate::prove::BOX_OPS;
        let mut cur: Vec<i64> = boxes.iter().map(|b| b.1).collect();
        let (mut t, mut f) = (false, false);
        loop {
            if budget_ops < ops {
                return false;
            }
            budget_ops -= ops;
            let at = |s: Symbol| boxes.iter().position(|b| b.0 == s).map(|k| cur[k]);
            let mut budget = crate::eval::EVAL_AT_NODES;
            match self.bool_at_with(c, &at, &mut budget) {
                Some(true) => t = true,
                Some(false) => f = true,
                None => {}
            }
            if t && f {
                return true;
            }
            if !crate::bounds::next_point(&mut cur, boxes) {
                return false;
            }
        }
    }

    /// [`Context::solve_linear_fast`] before its check of the conditions.
    fn solve_linear_fast_unchecked(
        &mut self,
        rel: Expr,
        x: Symbol,
        diff: &mut Option<Expr>,
    ) -> Option<SolveResult> {
        // Constant ranges only: no assumptions, no symbolic range ends (then the prover's
        // symbolic substitutions, divisibility facts and known truths are all empty).
        if !self.facts.assumptions.is_empty() || self.facts.symbolic_ends > 0 {
            return None;
        }
        let Node::Eq(a, b) = *self.node(rel) else {
            return None;
        };
        if !self.is_plain_polynomial(a) || !self.is_plain_polynomial(b) {
            return self.fast_floordiv_eq(a, b, x, diff);
        }
        let (t, k, r) = match self.monomial_sides(a, b, x) {
            Some(sides) => sides?,
            None => {
                let f = self.sub(a, b)?;
                *diff = Some(f);
                if !self.is_plain_polynomial(f) || !self.contains_symbol(f, x) {
                    return None;
                }
                self.isolate_term(f, x)?
            }
        };
        let xe = self.sym(x);
        let solved = |rhs: Expr, cond: Option<Expr>| {
            SolveResult::Solved(Solution {
                target: xe,
                relations: vec![Relation { op: RelOp::Eq, rhs }],
                conditions: cond.into_iter().collect(),
                cases: vec![],
                defined_where: vec![],
            })
        };
        if t == xe {
            return match k {
                1 => Some(solved(r, None)),
                -1 => Some(solved(self.neg(r)?, None)),
                _ => {
                    // k*x == r  <=>  x == FloorDiv(r, c) if Eq(Mod(r, c), 0), with c = |k| > 0.
                    let (c, r) = if k < 0 {
                        (k.checked_neg()?, self.neg(r)?)
                    } else {
                        (k, r)
                    };
                    let (q, cond) = self.fast_const_quotient(r, c)?;
                    Some(solved(q, Some(cond)))
                }
            };
        }
        // ±(x*m) == r with m a product of other symbols: x*m == ±r.
        let r = match k {
            1 => r,
            -1 => self.neg(r)?,
            _ => return None,
        };
        let Node::Mul(fs) = self.node(t) else {
            return None;
        };
        let mut others: smallvec::SmallVec<[Expr; 4]> = smallvec::SmallVec::new();
        let mut found = false;
        for &g in fs {
            if g == xe && !found {
                found = true;
            } else if self.contains_symbol(g, x) {
                return None;
            } else {
                others.push(g);
            }
        }
        if !found {
            return None;
        }
        let m = self.product_of(&others)?;
        let (q, cond) = self.fast_monomial_quotient(r, m)?;
        Some(solved(q, Some(cond)))
    }

    /// `mul_args(fs)`, answered without it for one factor that is an integer and no constant,
    /// sum, product or power (the other factor of `x*m`, `s3` in `Eq(s3*s88, s24*s48)` for
    /// s88): the product of it alone is itself, as `mul_args` builds it (`mul_parts` keeps such
    /// a factor as its one factor with coefficient 1, and `scale` by 1 answers a term that is
    /// no constant, sum or product as it stands). `product_of_is_mul_args` compares the two.
    fn product_of(&mut self, fs: &[Expr]) -> Option<Expr> {
        if let [f] = *fs
            && self.ty(f) == crate::expr::Ty::Int
            && !matches!(
                self.node(f),
                Node::Int(_) | Node::Add(..) | Node::Mul(_) | Node::Pow(..)
            )
        {
            return Some(f);
        }
        self.mul_args(fs)
    }

    /// Whether the symbols of `es` are one symbol whose range has at most `SMALL_RANGE`
    /// values: the simplifier's `affine_on_small_range` may then rewrite a FloorDiv/Mod in it.
    fn one_small_symbol(&mut self, es: &[Expr]) -> bool {
        let Some(x) = self.sole_symbol(es) else {
            return false;
        };
        let e = self.sym(x);
        match self.quick_iv(e, 0) {
            Some(iv) => match (iv.lo_i64(), iv.hi_i64()) {
                (Some(lo), Some(hi)) => {
                    i128::from(hi) - i128::from(lo) < crate::simplify::SMALL_RANGE
                }
                _ => false,
            },
            // Unknown interval: defer to the general path.
            None => true,
        }
    }

    /// `(FloorDiv(r, c), Eq(Mod(r', c), 0))` for a plain polynomial r and c >= 2, when no
    /// simplifier rule applies to either and the condition is undecided; `r'` is r with its
    /// coefficients reduced modulo c, as the Mod rules leave it.
    fn fast_const_quotient(&mut self, r: Expr, c: i64) -> Option<(Expr, Expr)> {
        debug_assert!(c >= 2);
        let (terms, k0): (smallvec::SmallVec<[(Expr, i64); 4]>, i64) = match self.node(r) {
            // FdZero / ModZero and constant folding.
            Node::Int(_) => return None,
            Node::Add(ts, k) => (ts.clone(), *k),
            _ => (smallvec::smallvec![(r, 1)], 0),
        };
        // FdGcd / ModGcd: the integer content of r and c is 1.
        if self.int_content(r, c) != 1 {
            return None;
        }
        // FdPullMultiples: no coefficient is a multiple of c.
        if terms.iter().any(|(_, k)| k % c == 0) {
            return None;
        }
        // FdResidueDrop: only tried when some coefficient shares a factor with c.
        if (terms.len() >= 2 || k0 != 0) && terms.iter().any(|(_, k)| gcd(*k, c) > 1) {
            return None;
        }
        // affine_on_small_range: r in one symbol of few values.
        if self.one_small_symbol(&[r]) {
            return None;
        }
        // FdRange: the interval of r spans more than one multiple of c.
        let iv = self.quick_iv(r, 0)?;
        if same_period(&iv, c) {
            return None;
        }
        // ModReduceCoeffs (the same reduction the Mod rule makes); the reduced Mod is
        // simplified again: rule out ModGcd (its content) and constant folding there.
        // The reduction is taken only where the reduced argument provably fits in i64 (the
        // rule's side condition; intervals are the quick ones here: constant ranges only).
        let rm = match self.reduce_mod_coeffs(r, c)? {
            Some(rm) if self.quick_fits(rm) || self.quick_one_signed_sub_sum(rm, r, c) => {
                if self.as_int(rm).is_some() || self.int_content(rm, c) != 1 {
                    return None;
                }
                rm
            }
            _ => r,
        };
        // ModRange on the reduced argument.
        let ivm = self.quick_iv(rm, 0)?;
        if same_period(&ivm, c) {
            return None;
        }
        // ModModular: the residue class of rm is not fixed modulo c.
        let no_facts = FxHashMap::default();
        let ms = bounds::modset_in(self, &no_facts, rm, 0);
        if ms.coeff % c == 0 {
            return None;
        }
        // The prover on Eq(Mod(rm, c), 0): interval of the Mod node as the bounds analysis
        // computes it (with its residue-class refinement), then the modular set; undecided only.
        let mut mod_iv = ivm.modulo(&Iv::point(c));
        let mms = ms.modulo(c);
        let g = if mms.coeff == 0 { c } else { gcd(mms.coeff, c) };
        if g > 1 {
            let base = floor_mod(mms.base, g).unwrap_or(0);
            mod_iv = mod_iv.intersect(&Iv::new(base as i128, (c - g + base) as i128));
        }
        if !undecided_zero(&mod_iv) || mms.excludes(0) {
            return None;
        }
        let ce = self.int(c);
        let q = self.floordiv_raw(r, ce);
        let m = self.modulo_raw(rm, ce);
        let zero = self.int(0);
        let cond = self.compare_raw(CmpOp::Eq, m, zero);
        Some((q, cond))
    }

    /// [`crate::simplify::eval_fits`] with the session-free intervals (equal to the session's
    /// for plain polynomials under constant ranges, the only case this path takes).
    fn quick_fits(&self, e: Expr) -> bool {
        crate::simplify::eval_fits(&mut QuickIv(self), e)
    }

    /// `Session::one_signed_sub_sum` with the quick intervals: `rm` is a sum of some of `r`'s
    /// terms (its constant r's or in [0, small)) and r's terms, constant included, have one
    /// sign (the Mod rule's other side condition for the reduced argument).
    fn quick_one_signed_sub_sum(&self, rm: Expr, r: Expr, small: i64) -> bool {
        self.terms_subset(rm, r, small)
            && crate::simplify::same_sign_terms_in(&mut QuickIv(self), r)
    }

    /// `(FloorDiv(r, m), Eq(Mod(r, m), 0))` for a plain polynomial r and a product m of
    /// symbols whose interval is positive, when no rule applies and the condition is undecided.
    fn fast_monomial_quotient(&mut self, r: Expr, m: Expr) -> Option<(Expr, Expr)> {
        // The solver's sign test: m >= 1 by its interval (no symbolic ranges here).
        let ivm = self.quick_iv(m, 0)?;
        if ivm.lo < 1 {
            return None;
        }
        // FdZero / FdSelf / ModZero / ModSelf and constants.
        if self.as_int(r).is_some() || r == m {
            return None;
        }
        let msyms = self.meta[m.index()].syms;
        // affine_on_small_range: FloorDiv(r, m) in one symbol of few values.
        if self.one_small_symbol(&[m, r]) {
            return None;
        }
        let (terms, k0): (smallvec::SmallVec<[(Expr, i64); 4]>, i64) = match self.node(r) {
            Node::Add(ts, k) => (ts.clone(), *k),
            _ => (smallvec::smallvec![(r, 1)], 0),
        };
        // FdGcd / ModGcd (cancel_content): m's coefficient is 1, so only a factor common to
        // every monomial could cancel; a constant term or a term sharing no symbol with m
        // (disjoint symbol masks) rules that out.
        let trivial_content = k0 != 0
            || terms
                .iter()
                .any(|(t, _)| self.meta[t.index()].syms & msyms == 0);
        if !trivial_content {
            return None;
        }
        // FdPullMultiples / ModDropMultiples: no term is a multiple of m (a multiple's symbol
        // mask contains m's).
        if terms
            .iter()
            .any(|(t, _)| self.meta[t.index()].syms & msyms == msyms)
        {
            return None;
        }
        // FdRange / ModRange: 0 <= r < m (prove_nonneg, then prove_lt on the difference, a
        // plain polynomial and so its own simplification).
        let ivr = self.quick_iv(r, 0)?;
        // Where r is one monomial unbounded above sharing no symbol with m (`s24*s48` over
        // `s88`), r - m is the sum of the two as they stand (nothing merges, nothing can
        // overflow, a plain polynomial) and its interval's upper end is r's, unbounded (the
        // sum's intervals add term by term, and an unbounded end stays unbounded): the check
        // below passes, without building the difference and bounding it again.
        let unbounded_apart = ivr.hi == crate::interval::POS_INF
            && !matches!(self.node(r), Node::Add(..))
            && self.meta[r.index()].syms & msyms == 0;
        if ivr.lo >= 0 && !unbounded_apart {
            let d = self.sub(r, m)?;
            if !self.is_plain_polynomial(d) || self.quick_iv(d, 0)?.hi <= -1 {
                return None;
            }
        }
        // The prover on Eq(Mod(r, m), 0): interval arithmetic only (no residue class for a
        // symbolic modulus); undecided only.
        if !undecided_zero(&ivr.modulo(&ivm)) {
            return None;
        }
        let q = self.floordiv_raw(r, m);
        let md = self.modulo_raw(r, m);
        let zero = self.int(0);
        let cond = self.compare_raw(CmpOp::Eq, md, zero);
        Some((q, cond))
    }

    /// What `sub(a, b)` and [`Context::isolate_term`] of it answer for two plain polynomials
    /// `a != b` that are single integer monomials (no constant, no sum: `Eq(s3*s88, s24*s48)`),
    /// without building the difference: `Some(Some((a, 1, b)))` when only `a` has x,
    /// `Some(Some((b, 1, a)))` when only `b` has it, `Some(None)` (decline) otherwise; `None`
    /// for other operands (then the caller builds the difference). The difference is the sum
    /// of the two terms `a` and `-b` as they stand (`add_terms` pushes a node that is neither a
    /// constant nor a sum with its coefficient; distinct terms merge nothing; a coefficient of
    /// 1 or -1 absorbs nothing, and the factors of a plain product are no sums), a plain
    /// polynomial with x iff `a` or `b` has it. `isolate_term` of it: with x in both, no
    /// answer; with x in `a` alone, `t = a`, `k = 1` and `r` the sum of `b` alone (`b` itself,
    /// `add_terms` of one term with coefficient 1 and no constant); with x in `b` alone,
    /// `k = -1`, so `(b, 1, a)` (`-r` from the other term as it stands). `tests` below compare
    /// with the difference built.
    fn monomial_sides(&self, a: Expr, b: Expr, x: Symbol) -> Option<Option<(Expr, i64, Expr)>> {
        let single = |e: Expr| {
            self.ty(e) == crate::expr::Ty::Int
                && !matches!(self.node(e), Node::Int(_) | Node::Add(..))
        };
        if a == b || !single(a) || !single(b) {
            return None;
        }
        Some(
            match (self.contains_symbol(a, x), self.contains_symbol(b, x)) {
                (true, false) => Some((a, 1, b)),
                (false, true) => Some((b, 1, a)),
                _ => None,
            },
        )
    }

    /// For a sum `f` in which exactly one term `k*t` mentions x and every other term is a plain
    /// polynomial: `(t, k, r)` with `k*t == r` equivalent to `f == 0`, r built exactly as the
    /// general path builds it, except for `k = -1`: then `(t, 1, -r)`, `-r` built from the
    /// other terms as they stand (`-(Σ -k_i*t_i - c) = Σ k_i*t_i + c`, the same normal form as
    /// negating r, which the callers did: `Eq(s3*s88, s24*s48)` for s48 built `-s3*s88` only to
    /// negate it), under the same conditions (each `-k_i` and `-c` exists).
    fn isolate_term(&mut self, f: Expr, x: Symbol) -> Option<(Expr, i64, Expr)> {
        let Node::Add(ts, c0) = self.node(f) else {
            return None;
        };
        let mut xt = None;
        let mut rest: smallvec::SmallVec<[(Expr, i64); 4]> = smallvec::SmallVec::new();
        for &(t, k) in ts {
            if self.contains_symbol(t, x) {
                if xt.is_some() {
                    return None;
                }
                xt = Some((t, k));
            } else if self.is_plain_polynomial(t) {
                rest.push((t, k.checked_neg()?));
            } else {
                return None;
            }
        }
        let (t, k) = xt?;
        let c0 = *c0;
        let nc0 = c0.checked_neg()?;
        let zero = self.int(0);
        if k == -1 {
            // (Each -k_i exists: checked above.)
            for (_, j) in rest.iter_mut() {
                *j = -*j;
            }
            rest.push((zero, 1));
            let r = self.add_terms(&rest, c0)?;
            return Some((t, 1, r));
        }
        rest.push((zero, 1));
        let r = self.add_terms(&rest, nc0)?;
        Some((t, k, r))
    }

    /// `Eq(±FloorDiv(x, c) + F, G)` with F, G plain polynomials free of x and c >= 2: the
    /// interval `c*r <= x <= c*r + c - 1` with `r = ±(G - F)`. The difference `a - b` is kept
    /// in `diff` once built, for the general path where this one declines after building it
    /// (`Eq(s0, FloorDiv(s0, FloorDiv(s0, 4)))`, x in two terms: `sub` of the same operands
    /// answers the same node, about 600 instructions of building it again).
    fn fast_floordiv_eq(
        &mut self,
        a: Expr,
        b: Expr,
        x: Symbol,
        diff: &mut Option<Expr>,
    ) -> Option<SolveResult> {
        let xe = self.sym(x);
        if self.floordiv_eq_declines(a, b, xe) || self.floordiv_eq_declines(b, a, xe) {
            return None;
        }
        let f = self.sub(a, b)?;
        *diff = Some(f);
        let (t, k, r) = self.isolate_term(f, x)?;
        let Node::FloorDiv(g, d) = *self.node(t) else {
            return None;
        };
        let c = self.as_int(d).filter(|c| *c >= 2)?;
        if g != xe || (k != 1 && k != -1) {
            return None;
        }
        // The general path simplifies f first; nothing applies to it when FdRange does not:
        // FloorDiv(x, c) has content 1, no multiple to pull out, no residue to drop, no nested
        // FloorDiv/Mod; the sum's rules need another term with base x (split merging) or a
        // FloorDiv whose numerator is a sum (FdAbsorbConst, NegFloorDiv).
        let xiv = self.quick_iv(xe, 0)?;
        if same_period(&xiv, c) {
            return None;
        }
        // affine_on_small_range: over a range of at most SMALL_RANGE values, FloorDiv(x, c)
        // may be affine (then the general path solves the linear relation): defer.
        if let (Some(lo), Some(hi)) = (xiv.lo_i64(), xiv.hi_i64())
            && i128::from(hi) - i128::from(lo) < crate::simplify::SMALL_RANGE
        {
            return None;
        }
        let r = if k == 1 { r } else { self.neg(r)? };
        // FloorDiv(x, c) == r  <=>  c*r <= x <= c*r + c - 1 (c > 0).
        let lo = self.mul(d, r)?;
        let hi = {
            let t = self.add(lo, d)?;
            self.add_const(t, -1)?
        };
        if !self.is_plain_polynomial(lo) || !self.is_plain_polynomial(hi) {
            return None;
        }
        let mut relations: Vec<Relation> = Vec::with_capacity(2);
        for (op, rhs) in [(RelOp::Le, hi), (RelOp::Ge, lo)] {
            // Relations x's range implies are dropped, as the general path does; one that
            // holds nowhere toward an open end of x's range makes its answer False: defer.
            if self.unconstrained_side(x, op == RelOp::Le) {
                if crate::solve_cases::refuted_toward_open_end(self, xe, op, rhs) {
                    return None;
                }
            } else {
                let rel = self.relation_expr(xe, op, rhs);
                match self.fast_truth(rel)? {
                    Some(true) => continue,
                    // A relation x's range refutes makes the answer False (the general path
                    // says so): defer to it.
                    Some(false) => return None,
                    None => {}
                }
            }
            let rel = Relation { op, rhs };
            if !relations.contains(&rel) {
                relations.push(rel);
            }
        }
        Some(SolveResult::Solved(Solution {
            target: xe,
            relations,
            conditions: Vec::new(),
            cases: Vec::new(),
            defined_where: Vec::new(),
        }))
    }

    /// Whether a term of `a` (a sum's terms, or `a` itself unless a constant) rules out the
    /// lean path for `Eq(a, b)` or `Eq(b, a)` before `a - b` is built: a term that is no plain
    /// polynomial, no `FloorDiv(x, _)` and no product with a sum factor, and is no term of
    /// `b`, is a term of `a - b` (`sub` takes the terms of both sides as they are and merges
    /// only equal ones; only a product with a sum factor is rewritten, its coefficient moved
    /// into the sum, and so may come to equal another term), and `isolate_term` declines
    /// such a term whether or not it mentions x (with x it would have to be the one term
    /// `FloorDiv(x, c)`). The real requests `Eq(s0*s53, s53*((s0//((s0//4)))))` and the like
    /// then go to the general path without building the difference twice.
    fn floordiv_eq_declines(&self, a: Expr, b: Expr, xe: Expr) -> bool {
        let terms = |e: Expr| -> &[(Expr, i64)] {
            match self.node(e) {
                Node::Add(ts, _) => ts,
                _ => &[],
            }
        };
        let declines = |t: Expr| {
            !self.is_plain_polynomial(t)
                && !matches!(*self.node(t), Node::FloorDiv(g, _) if g == xe)
                && !matches!(self.node(t), Node::Mul(fs)
                    if fs.iter().any(|f| matches!(self.node(*f), Node::Add(..))))
                && t != b
                && !terms(b).iter().any(|(u, _)| *u == t)
        };
        match self.node(a) {
            Node::Add(ts, _) => ts.iter().any(|(t, _)| declines(*t)),
            Node::Int(_) => false,
            _ => declines(a),
        }
    }

    /// The prover's answer for `Le`/`Lt` of plain polynomials from the interval of the
    /// difference (which is its own simplification): `Some(Some(b))` decided, `Some(None)`
    /// undecided; `None` for anything else.
    fn fast_truth(&mut self, rel: Expr) -> Option<Option<bool>> {
        let (p, q, strict) = match *self.node(rel) {
            Node::Bool(v) => return Some(Some(v)),
            Node::Le(p, q) => (p, q, false),
            Node::Lt(p, q) => (p, q, true),
            _ => return None,
        };
        let d = if self.as_int(q) == Some(0) {
            p
        } else {
            self.sub(p, q)?
        };
        if !self.is_plain_polynomial(d) {
            return None;
        }
        let iv = self.quick_iv(d, 0)?;
        // d < 0 (resp. d <= 0) holds everywhere, or fails everywhere.
        let (yes, no) = if strict {
            (iv.hi <= -1, iv.lo >= 0)
        } else {
            (iv.hi <= 0, iv.lo >= 1)
        };
        Some(if yes {
            Some(true)
        } else if no {
            Some(false)
        } else {
            None
        })
    }
}

/// Whether the interval lies within one period `[q*c, q*c + c - 1]` (the range rules fire).
fn same_period(iv: &Iv, c: i64) -> bool {
    match (iv.lo_i64(), iv.hi_i64()) {
        (Some(lo), Some(hi)) => floor_div(lo, c) == floor_div(hi, c),
        _ => false,
    }
}

/// Whether the prover's interval test leaves `v == 0` undecided: 0 inside, not the only value.
fn undecided_zero(iv: &Iv) -> bool {
    iv.lo <= 0 && iv.hi >= 0 && !(iv.lo == 0 && iv.hi == 0)
}

#[cfg(test)]
mod tests {
    use crate::Context;

    /// [`Context::isolate_term`] answers what building `r` as the general path does answers,
    /// negated by the caller for `k = -1` (what it did before building `-r` itself): random
    /// sums of an x term (coefficients 1, -1 and others) and other terms (monomials, constants,
    /// coefficients and constants at the ends of i64, where a negation does not exist).
    #[test]
    fn isolated_term_is_the_general_construction() {
        use crate::expr::Node;
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_003B);
        let xs = ["x", "x*y", "x*y*z", "x**2"];
        let others = ["y", "z", "y*z", "w", "y**2", "z*w"];
        let ks = [1, -1, 1, -1, 2, -3, i64::MAX, i64::MIN, -i64::MAX];
        let (mut minus, mut total) = (0, 0);
        for _ in 0..20000 {
            let mut cx = Context::new();
            let x = cx.symbol("x").unwrap();
            let xt = cx.parse(xs[next(xs.len() as u64) as usize]).unwrap();
            let kx = ks[next(4) as usize];
            let mut terms = vec![(xt, kx)];
            for _ in 0..next(4) {
                let t = cx
                    .parse(others[next(others.len() as u64) as usize])
                    .unwrap();
                terms.push((t, ks[next(ks.len() as u64) as usize]));
            }
            let c = ks[next(ks.len() as u64) as usize] * i64::from(next(2) == 0);
            let Some(f) = cx.add_terms(&terms, c) else {
                continue;
            };
            total += 1;
            // The construction before: r from the negated other terms, negated for k = -1.
            let reference = (|| {
                let Node::Add(ts, c0) = cx.node(f).clone() else {
                    return None;
                };
                let mut xt = None;
                let mut rest: Vec<(crate::Expr, i64)> = Vec::new();
                for (t, k) in ts {
                    if cx.contains_symbol(t, x) {
                        if xt.is_some() {
                            return None;
                        }
                        xt = Some((t, k));
                    } else if cx.is_plain_polynomial(t) {
                        rest.push((t, k.checked_neg()?));
                    } else {
                        return None;
                    }
                }
                let (t, k) = xt?;
                let zero = cx.int(0);
                rest.push((zero, 1));
                let r = cx.add_terms(&rest, c0.checked_neg()?)?;
                if k == -1 {
                    Some((t, 1, cx.neg(r)?))
                } else {
                    Some((t, k, r))
                }
            })();
            if reference.is_some_and(|(_, k, _)| k == 1) && kx == -1 {
                minus += 1;
            }
            assert_eq!(cx.isolate_term(f, x), reference, "{}", cx.display(f));
        }
        assert!(minus * 10 > total, "too few k = -1: {minus}/{total}");
    }

    /// [`Context::product_of`] is `mul_args`: random lists of one to three factors (symbols,
    /// integer and float, constants at the ends of i64, sums, products, powers, calls).
    /// Checked to fail without the integer test (a float symbol: `mul_args` refuses it).
    #[test]
    fn product_of_is_mul_args() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0045);
        let texts = [
            "x",
            "y",
            "f",
            "7",
            "-1",
            "0",
            "9223372036854775807",
            "-9223372036854775808",
            "2*x",
            "x + 1",
            "x*y",
            "x**2",
            "FloorDiv(x, 4)",
            "Mod(y, 3)",
            "Max(1, x)",
            "-x",
        ];
        let (mut single, mut total) = (0, 0);
        for _ in 0..4000 {
            let mut cx = Context::new();
            cx.declare("f", crate::expr::Ty::Float).unwrap();
            let n = 1 + next(3) as usize;
            let Ok(fs) = (0..n)
                .map(|_| cx.parse(texts[next(texts.len() as u64) as usize]))
                .collect::<Result<Vec<_>, _>>()
            else {
                continue;
            };
            total += 1;
            single += usize::from(n == 1);
            let got = cx.product_of(&fs);
            let want = cx.mul_args(&fs);
            assert_eq!(
                got,
                want,
                "{:?}",
                fs.iter().map(|f| cx.display(*f)).collect::<Vec<_>>()
            );
        }
        assert!(single * 4 > total, "{single} of {total}");
    }

    /// The lean path's monomial quotient answers what the general path does for
    /// `Eq(x*m, r)` with monomials `m` and `r` of other symbols (products, powers, shared
    /// symbols or none, a constant term now and then), under random constant ranges (some
    /// unbounded above, some reaching 0 or below): where `r` shares no symbol with `m` and is
    /// unbounded above, `0 <= r < m` is not proven without building `r - m`.
    #[test]
    fn monomial_quotient_is_the_general_answer() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0035);
        let ms = ["y", "y*z", "z", "y**2", "y*z*w", "w"];
        let rs = [
            "z", "w", "z*w", "n", "n*w", "y", "y*n", "z**2", "n + 1", "2*n", "y*z", "n*w*z", "7",
        ];
        let ranges = [
            ("1", ""),
            ("2", ""),
            ("0", ""),
            ("1", "5"),
            ("3", "200"),
            ("-2", ""),
            ("", ""),
        ];
        let (mut lean, mut total) = (0, 0);
        for _ in 0..4000 {
            let mut cx = Context::new();
            for s in ["x", "y", "z", "w", "n"] {
                let (lo, hi) = ranges[next(ranges.len() as u64) as usize];
                let _ = cx.symbol(s);
                if !lo.is_empty() {
                    cx.set_range_str(s, lo, hi).unwrap();
                }
            }
            let m = ms[next(ms.len() as u64) as usize];
            let r = rs[next(rs.len() as u64) as usize];
            let text = if next(2) == 0 {
                format!("Eq(x*{m}, {r})")
            } else {
                format!("Eq({r}, {m}*x)")
            };
            let e = cx.parse(&text).unwrap();
            let x = cx.lookup("x").unwrap();
            total += 1;
            let general = cx.solve_general(e, x);
            if let Some(fast) = cx.solve_fast_only(e, x) {
                lean += 1;
                assert_eq!(fast, general, "{text}");
            }
            assert_eq!(cx.solve_with_cases(e, x), general, "{text}");
        }
        assert!(lean * 5 > total, "too few lean answers: {lean}/{total}");
    }

    /// [`Context::monomial_sides`] answers, where it answers, what building the difference and
    /// isolating its x term answers (the same handles): random pairs of plain polynomials
    /// (monomials, symbols, sums, constants, a float symbol), x in one side, both or neither.
    #[test]
    fn monomial_sides_are_the_built_difference() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0035);
        let sides = [
            "x", "y", "x*y", "y*z", "x*y*z", "z*w", "x**2", "y**2*z", "2*x", "-y", "3*x*y",
            "x + y", "y - 1", "7", "0", "f", "x*f",
        ];
        let (mut answered, mut total) = (0, 0);
        for _ in 0..20000 {
            let mut cx = Context::new();
            cx.declare("f", crate::expr::Ty::Float).unwrap();
            let a = cx.parse(sides[next(sides.len() as u64) as usize]).unwrap();
            let b = cx.parse(sides[next(sides.len() as u64) as usize]).unwrap();
            if !cx.is_plain_polynomial(a) || !cx.is_plain_polynomial(b) {
                continue;
            }
            let x = cx.symbol("x").unwrap();
            total += 1;
            let Some(got) = cx.monomial_sides(a, b, x) else {
                continue;
            };
            answered += 1;
            let reference = (|| {
                let f = cx.sub(a, b)?;
                if !cx.is_plain_polynomial(f) || !cx.contains_symbol(f, x) {
                    return None;
                }
                cx.isolate_term(f, x)
            })();
            assert_eq!(got, reference, "{} and {}", cx.display(a), cx.display(b));
        }
        assert!(answered * 5 > total, "too few answered: {answered}/{total}");
    }
}
