//! The solver's driver (docs/language.md §5.3): the target (a symbol or any sub-expression, the
//! latter solved as an atom), cases from forks on the sign of a coefficient or on a
//! divisibility, and the clean-up of each case's answer.
//!
//! A fork happens where one answer cannot be written: `C*x >= r` with C of unknown sign. The
//! relation is then solved again once per guard (`C >= 1`, `Eq(C, 0)`, `C <= -1`, leaving out
//! the guards the prover refutes), each time with the guard as a fact of that case. The guards
//! partition the domain, so the cases are exclusive and cover it; each case is exact.

use crate::expr::{Expr, Node, Symbol, Ty};
use crate::facts::RangeEnd;
use crate::simplify::Session;
use crate::solve::{
    Case, Fail, Guards, RelOp, Relation, Solution, SolveResult, SolveTarget, Solver, Unsolved,
    UnsolvedKind, reason, unsolved,
};
use crate::{Context, Truth};
use smallvec::SmallVec;

// At most `solve_cases` cases in one answer (forks multiply them): a limit of
// `crate::Limits`, 8 by default.

/// The names of the symbols that stand for a sub-expression target: not identifiers, so they
/// never meet a user's symbol, and never printed (answers print the target itself).
const TARGET_INT: &str = "@target";
const TARGET_FLOAT: &str = "@ftarget";

/// One solved case before its clean-up: the guards it was solved under (all, and the ones to
/// show: a guard left alone by a fork holds on the whole domain), relations and conditions.
type RawCase = (Guards, Guards, SmallVec<[Relation; 2]>, SmallVec<[Expr; 2]>);

impl Context {
    /// Solves `rel` (a comparison) for `target` under the context's facts. The target is a
    /// [`Symbol`] or an expression: a symbol, or any sub-expression of `rel`, which is then
    /// solved as an atom with the bounds the range analysis gives it (its other occurrences
    /// of symbols are the "other symbols").
    ///
    /// Answers are plain (relations and conditions, `cases` empty): an answer that needs
    /// guarded cases is `Unsolved` here, with the cases in the reason, so that a caller reading
    /// only `relations` and `conditions` never misreads one; [`Context::solve_with_cases`]
    /// returns it.
    pub fn solve(&mut self, rel: Expr, target: impl SolveTarget) -> SolveResult {
        match self.solve_with_cases(rel, target) {
            SolveResult::Solved(sol) if !sol.cases.is_empty() => {
                let cases: Vec<String> = sol
                    .cases
                    .iter()
                    .map(|c| {
                        format!(
                            "when {}: {}",
                            self.display(c.when),
                            self.display_answer(sol.target, &c.relations, &c.conditions)
                        )
                    })
                    .collect();
                unsolved(
                    UnsolvedKind::NeedsCases,
                    format!(
                        "the answer has {} cases ({}); solve_with_cases returns them",
                        cases.len(),
                        cases.join("; ")
                    ),
                )
            }
            r => r,
        }
    }

    /// [`Context::solve`], with the answers that need guarded cases: where a coefficient's
    /// sign (or a divisibility) decides, `cases` holds exact cases whose guards are exclusive
    /// and cover the domain, and `relations` and `conditions` are empty.
    ///
    /// A `context_nodes` or `time` limit reached ([`crate::Limits`]) answers `Unsolved` of kind
    /// [`UnsolvedKind::Limit`], with [`Context::limit_reached`] saying which.
    pub fn solve_with_cases(&mut self, rel: Expr, target: impl SolveTarget) -> SolveResult {
        let t = target.target_expr(self);
        self.query(
            |cx| cx.solve_target(rel, t),
            |cx| {
                let why = cx
                    .limit_reached()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                unsolved(UnsolvedKind::Limit, why)
            },
        )
    }

    /// A conjunction as text: `True` (every value), `False` (none), else the relations and
    /// `if` the conditions.
    pub fn display_answer(
        &self,
        target: Expr,
        relations: &[Relation],
        conditions: &[Expr],
    ) -> String {
        if conditions.iter().any(|c| self.as_bool(*c) == Some(false)) {
            return "False".into();
        }
        let rels: Vec<String> = relations
            .iter()
            .map(|r| self.display_relation(target, r))
            .collect();
        let conds: Vec<String> = conditions.iter().map(|c| self.display(*c)).collect();
        match (rels.is_empty(), conds.is_empty()) {
            (true, true) => "True".into(),
            (true, false) => conds.join(" & "),
            (false, true) => rels.join(" & "),
            (false, false) => format!("{}  if {}", rels.join(" & "), conds.join(" & ")),
        }
    }

    fn solve_symbol(&mut self, rel: Expr, x: Symbol) -> SolveResult {
        let (a, b, op) = match self.solve_checks(rel, x) {
            Ok(v) => v,
            Err(r) => return r,
        };
        if self.sym_ty(x) == Ty::Float {
            return self.solve_float(x, a, b, op);
        }
        let mut diff = None;
        if let Some(r) = self.solve_linear_fast_diff(rel, x, &mut diff) {
            return r;
        }
        self.solve_session_seeded(x, a, b, op, true, diff)
    }

    /// The operands and operator of a solvable relation, or the answer without solving (a
    /// constant relation: every value or none) or why it is not one.
    fn solve_checks(&mut self, rel: Expr, x: Symbol) -> Result<(Expr, Expr, RelOp), SolveResult> {
        if let Some(v) = self.as_bool(rel) {
            let conditions = if v { vec![] } else { vec![rel] };
            return Err(SolveResult::Solved(Solution {
                target: self.sym(x),
                relations: vec![],
                conditions,
                cases: vec![],
                defined_where: vec![],
            }));
        }
        let (a, b, op) = match *self.node(rel) {
            Node::Eq(a, b) => (a, b, RelOp::Eq),
            Node::Ne(a, b) => (a, b, RelOp::Ne),
            Node::Lt(a, b) => (a, b, RelOp::Lt),
            Node::Le(a, b) => (a, b, RelOp::Le),
            _ => {
                return Err(unsolved(
                    UnsolvedKind::NotARelation,
                    "not a relation (Eq, Ne, Lt, Le, Gt, Ge)".into(),
                ));
            }
        };
        if self.ty(a) != self.sym_ty(x) {
            return Err(unsolved(UnsolvedKind::TypeMismatch,
                "only integer relations for integer targets and float relations for float targets can be solved".into(),
            ));
        }
        if !self.contains_symbol(rel, x) {
            return Err(unsolved(
                UnsolvedKind::TargetAbsent,
                [self.sym_name(x), " does not occur in the relation"].concat(),
            ));
        }
        Ok((a, b, op))
    }

    /// [`Context::solve`] without its lean path for linear equalities (which must give the same
    /// answers): for tests that compare the two.
    #[doc(hidden)]
    pub fn solve_general(&mut self, rel: Expr, x: Symbol) -> SolveResult {
        match self.solve_checks(rel, x) {
            Ok((a, b, op)) if self.sym_ty(x) == Ty::Int => self.solve_session(x, a, b, op),
            Ok((a, b, op)) => self.solve_float(x, a, b, op),
            Err(r) => r,
        }
    }

    /// The lean path alone: `None` where it defers to the general path.
    #[doc(hidden)]
    pub fn solve_fast_only(&mut self, rel: Expr, x: Symbol) -> Option<SolveResult> {
        self.solve_checks(rel, x).ok()?;
        if self.sym_ty(x) != Ty::Int {
            return None;
        }
        self.solve_linear_fast(rel, x)
    }

    /// A sub-expression target: replace it by a fresh atom `y` whose range is the target's
    /// bounds, solve for `y`, and read the answer with the target in place of `y`. Sound: the
    /// answer for `y` holds for every value of `y` in that range and every value of the other
    /// symbols, so in particular at `y` = the target's value.
    fn solve_subexpr(&mut self, rel: Expr, t: Expr) -> SolveResult {
        match self.subexpr_eq_const(rel, t) {
            Some(r) => r,
            None => self.solve_subexpr_general(rel, t),
        }
    }

    /// The answer to `Eq(t, c)` (or `Eq(c, t)`) for an integer sub-expression target `t` that
    /// is no constant, and a constant `c` other than `i64::MIN`: `Eq(t, c)`, what
    /// [`Context::solve_subexpr_general`] answers there without its atom, its range and its
    /// solve (`Eq(Mod(s0, FloorDiv(s0, 2)), 0)` for its `Mod`). There the relation is
    /// `Eq(y, c)` for the atom `y`, whose difference `y - c` (or `c - y`; `-c` fits) is a plain
    /// polynomial with the one term `y` of coefficient 1 (or -1): the general path pushes
    /// `y == c` (`c - y == 0`: `y == -(-c)`) and keeps it, an equality being checked only in
    /// the cases of a fork, and there is none; the lean path answers the same (it must).
    /// `tests` below compare the two on random relations.
    fn subexpr_eq_const(&self, rel: Expr, t: Expr) -> Option<SolveResult> {
        let Node::Eq(a, b) = *self.node(rel) else {
            return None;
        };
        let c = match (a == t, b == t) {
            (true, false) => b,
            (false, true) => a,
            _ => return None,
        };
        let v = self.as_int(c)?;
        if v == i64::MIN || self.ty(t) != Ty::Int || self.as_int(t).is_some() {
            return None;
        }
        Some(SolveResult::Solved(Solution {
            target: t,
            relations: vec![Relation {
                op: RelOp::Eq,
                rhs: c,
            }],
            conditions: vec![],
            cases: vec![],
            defined_where: vec![],
        }))
    }

    /// [`Context::solve_subexpr`] without its shortcut for `Eq(t, c)`.
    fn solve_subexpr_general(&mut self, rel: Expr, t: Expr) -> SolveResult {
        if !self.contains_expr(rel, t) {
            return unsolved(
                UnsolvedKind::TargetAbsent,
                [&self.display(t), " does not occur in the relation"].concat(),
            );
        }
        let ty = self.ty(t);
        let name = match ty {
            Ty::Int => TARGET_INT,
            Ty::Float => TARGET_FLOAT,
            Ty::Bool => {
                return unsolved(
                    UnsolvedKind::TypeMismatch,
                    "a boolean target cannot be solved for".into(),
                );
            }
        };
        let y = match self.lookup(name) {
            Some(y) => y,
            None => self.new_symbol(name, ty),
        };
        let ye = self.sym(y);
        let mut memo = rustc_hash::FxHashMap::default();
        memo.insert(t, ye);
        let Some(rel_y) = self.map_bottom_up(rel, &mut memo, |cx, o, ch| cx.rebuild(o, ch)) else {
            return unsolved(
                UnsolvedKind::Overflow,
                "integer overflow while solving".into(),
            );
        };
        let ranged = ty == Ty::Int && {
            let iv = self.bound_raw(t);
            let end = |cx: &mut Context, v: Option<i64>| match v {
                Some(v) => RangeEnd::Expr(cx.int(v)),
                None => RangeEnd::Infinite,
            };
            let (lo, hi) = (end(self, iv.lo_i64()), end(self, iv.hi_i64()));
            self.set_range(y, lo, hi).is_ok()
        };
        let r = self.solve_symbol(rel_y, y);
        if ranged {
            self.facts.ranges.remove(&y);
            // (A one-point range pinned `y`: unpinned with it.)
            self.facts.pinned.retain(|p| p.0 != y);
            self.facts.generation += 1;
        }
        match r {
            SolveResult::Solved(mut sol) => {
                sol.target = t;
                SolveResult::Solved(sol)
            }
            SolveResult::Unsolved(why) => {
                // The reasons name the atom: name the target instead.
                SolveResult::Unsolved(Unsolved {
                    message: why.message.replace(name, &self.display(t)),
                    ..why
                })
            }
        }
    }

    /// [`Context::solve_with_cases`] inside its query: a symbol, a multiple `k*u` of a
    /// sub-expression ([`Context::scaled_target`]), or a sub-expression.
    fn solve_target(&mut self, rel: Expr, t: Expr) -> SolveResult {
        match self.as_symbol(t) {
            Some(x) => self.solve_symbol(rel, x),
            None => match self.scaled_target(rel, t) {
                Some((u, k)) => self.solve_scaled(rel, t, u, k),
                None => self.solve_subexpr(rel, t),
            },
        }
    }

    /// `(u, k)` when the target `t` is `k*u` (an integer `k` other than 0 and 1, `u` an
    /// integer sub-expression of `rel`) and `t` itself is no sub-expression of `rel`: in a
    /// sum the normal form keeps `k*u` as a term of `u` (`2*s0 + 1` has no node `2*s0`),
    /// which PyTorch's `try_solve` still isolates (`Eq(2*s0 + 1, 5)` for `2*s0`).
    fn scaled_target(&self, rel: Expr, t: Expr) -> Option<(Expr, i64)> {
        let Node::Add(ts, 0) = self.node(t) else {
            return None;
        };
        let [(u, k)] = ts[..] else {
            return None;
        };
        (k != 1
            && self.ty(u) == Ty::Int
            && !self.contains_expr(rel, t)
            && self.contains_expr(rel, u))
        .then_some((u, k))
    }

    /// [`Context::solve`] for the target `t = k*u` ([`Context::scaled_target`]): solved for
    /// `u`, each relation `u OP r` then `k*u OP k*r`, the operator mirrored for a negative `k`.
    /// Exact: multiplying by an integer `k != 0` is injective and monotone (decreasing for
    /// `k < 0`) on the integers, so `u OP r <=> k*u OP' k*r` at every assignment.
    fn solve_scaled(&mut self, rel: Expr, t: Expr, u: Expr, k: i64) -> SolveResult {
        // (`u` occurs in `rel`, so it is no scaled target itself: one level.)
        let r = self.solve_target(rel, u);
        let SolveResult::Solved(mut sol) = r else {
            return r;
        };
        let scale = |cx: &mut Context, rels: &mut [Relation]| -> Option<()> {
            for r in rels {
                r.rhs = cx.scale(r.rhs, k)?;
                if k < 0 {
                    r.op = r.op.mirror();
                }
            }
            Some(())
        };
        let mut ok = scale(self, &mut sol.relations).is_some();
        for c in &mut sol.cases {
            ok &= scale(self, &mut c.relations).is_some();
        }
        if !ok {
            return unsolved(
                UnsolvedKind::Overflow,
                "integer overflow while solving".into(),
            );
        }
        sol.target = t;
        SolveResult::Solved(sol)
    }

    /// Whether `t` is a sub-expression of `e` (structurally). The nodes seen are kept in a
    /// list searched linearly while there are at most 32 of them (a relation of the real
    /// requests has a dozen: the hash set and the vector cost a sub-expression target about
    /// 1,200 instructions), then in a hash set.
    fn contains_expr(&self, e: Expr, t: Expr) -> bool {
        let mut few: SmallVec<[Expr; 32]> = SmallVec::new();
        let mut seen: Option<rustc_hash::FxHashSet<Expr>> = None;
        let mut stack: SmallVec<[Expr; 16]> = smallvec::smallvec![e];
        while let Some(x) = stack.pop() {
            if x == t {
                return true;
            }
            let first = match &mut seen {
                Some(set) => set.insert(x),
                None if few.contains(&x) => false,
                None if few.len() < few.inline_size() => {
                    few.push(x);
                    true
                }
                None => {
                    let mut set: rustc_hash::FxHashSet<Expr> = few.iter().copied().collect();
                    set.insert(x);
                    seen = Some(set);
                    true
                }
            };
            if first {
                stack.extend(self.node(x).kids().iter());
            }
        }
        false
    }

    /// The general path: solve once, and again per guard wherever the answer forks.
    pub(crate) fn solve_session(&mut self, x: Symbol, a: Expr, b: Expr, op: RelOp) -> SolveResult {
        self.solve_session_seeded(x, a, b, op, true, None)
    }

    /// [`Context::solve_general`] without [`seed::seed_fixpoints`] (the simplifier alone finds every
    /// fixpoint; the answers must be the same): for tests that compare the two.
    #[doc(hidden)]
    pub fn solve_general_unseeded(&mut self, rel: Expr, x: Symbol) -> SolveResult {
        match self.solve_checks(rel, x) {
            Ok((a, b, op)) if self.sym_ty(x) == Ty::Int => {
                self.solve_session_seeded(x, a, b, op, false, None)
            }
            Ok((a, b, op)) => self.solve_float(x, a, b, op),
            Err(r) => r,
        }
    }

    /// The general path, seeding fixpoints where `seed`; `diff` is `a - b` where the caller
    /// built it already (the lean path, [`Context::solve_linear_fast_diff`]), else `None`.
    fn solve_session_seeded(
        &mut self,
        x: Symbol,
        a: Expr,
        b: Expr,
        op: RelOp,
        seed: bool,
        diff: Option<Expr>,
    ) -> SolveResult {
        let xe = self.sym(x);
        let mut s = Session::new(self);
        // Whether `monomials_refused` saw the sum's own check fail (`a - b` then no fixpoint
        // to seed: the check is not made again, [`seed::seed_fixpoints`]).
        let mut refuted = false;
        // (The shapes asked here, inline: most relations have a constant side, `s57 <= 256`,
        // and a call costs them more than the test.)
        if seed
            && let Some(ta) = one_term(s.cx, a)
            && let Some(tb) = one_term(s.cx, b)
            && let Some(r) = monomials_refused(&mut s, x, xe, (a, ta), (b, tb), &mut refuted)
        {
            return r;
        }
        // (`diff`: `a - b` where the lean path built it, [`Context::solve_linear_fast_diff`].)
        let Some(f) = diff.or_else(|| s.cx.sub(a, b)) else {
            return unsolved(
                UnsolvedKind::Overflow,
                "integer overflow while solving".into(),
            );
        };
        // Canonical form first, so occurrences of x are collected (a sum of products of symbols is
        // already canonical: no rule applies to it).
        // `term`: `f`'s simplification is the sum `m*t` of one term with x, not built
        // (`seed_fixpoints`, `absorbed_constant`), which the solver starts from.
        let mut term = None;
        let f = if s.cx.is_plain_polynomial(f) {
            f
        } else {
            let absorbed = if seed {
                seed::seed_fixpoints(&mut s, f, refuted.then_some(f))
            } else {
                None
            };
            match absorbed {
                // (`m = 1`: the sum of one term with coefficient 1 is the term itself.)
                Some((t, 1)) => t,
                Some((t, m)) if s.cx.contains_symbol(t, x) => {
                    term = Some((t, m));
                    f
                }
                // (x cancelled: built, and solved as it stands.)
                Some((t, m)) => match s.cx.add_terms(&[(t, m)], 0) {
                    Some(n) => n,
                    None => s.simp(f),
                },
                None => s.simp(f),
            }
        };
        let mut pending: SmallVec<[(Guards, Guards); 1]> =
            smallvec::smallvec![(Guards::new(), Guards::new())];
        let mut done: SmallVec<[RawCase; 1]> = SmallVec::new();
        let mut defined_used: Vec<Expr> = Vec::new();
        while let Some((forced, shown)) = pending.pop() {
            let mut sv = Solver {
                s: &mut s,
                x,
                xe,
                rels: SmallVec::new(),
                conds: SmallVec::new(),
                forced: forced.clone(),
                operands: (a, b),
                divisors: None,
                defined_used: SmallVec::new(),
                half_memo: None,
            };
            let ran = match term {
                Some((t, m)) => sv.run_term(t, m, op),
                None => sv.run(f, op),
            };
            match ran {
                Ok(()) => {
                    for u in &sv.defined_used {
                        if !defined_used.contains(u) {
                            defined_used.push(*u);
                        }
                    }
                    let (rels, conds) =
                        (std::mem::take(&mut sv.rels), std::mem::take(&mut sv.conds));
                    done.push((forced, shown, rels, conds));
                }
                Err(Fail::Reason(r)) => return SolveResult::Unsolved(r),
                Err(Fail::Fork(gs)) => {
                    if gs.is_empty() {
                        return unsolved(
                            UnsolvedKind::Contradictory,
                            "the facts leave no value for a coefficient (contradictory facts)"
                                .into(),
                        );
                    }
                    let max_cases = s.cx.limits.solve_cases;
                    if forced.len() >= 4 || done.len() + pending.len() + gs.len() > max_cases {
                        return unsolved(
                            UnsolvedKind::NeedsCases,
                            format!("the answer would need more than {max_cases} cases"),
                        );
                    }
                    let alone = gs.len() == 1;
                    for g in gs.iter().rev() {
                        let (mut f2, mut s2) = (forced.clone(), shown.clone());
                        f2.push(*g);
                        // A guard that is the only one left holds on the whole domain.
                        if !alone {
                            s2.push(*g);
                        }
                        pending.push((f2, s2));
                    }
                }
            }
        }
        // One case, no guard: the plain answer (the common path: no further allocation).
        if done.len() == 1 && done[0].1.is_empty() && defined_used.is_empty() {
            let (_, _, rels, conds) = &done[0];
            let (relations, conditions) = finish_case(&mut s, x, xe, rels, conds, false);
            return SolveResult::Solved(Solution {
                target: xe,
                relations,
                conditions,
                cases: vec![],
                defined_where: vec![],
            });
        }
        let mut cases: Vec<Case> = Vec::with_capacity(done.len());
        let forked = done.len() > 1;
        for (_, shown, rels, conds) in done {
            let (relations, conditions) = finish_case(&mut s, x, xe, &rels, &conds, forked);
            let when = match shown.len() {
                0 => s.cx.boolean(true),
                1 => shown[0],
                _ => s.cx.and_raw(&shown),
            };
            let when = if shown.is_empty() {
                when
            } else {
                s.simplify(when)
            };
            if s.cx.as_bool(when) == Some(false) {
                continue;
            }
            cases.push(Case {
                when,
                relations,
                conditions,
            });
        }
        let zero = s.cx.int(0);
        let defined_where: Vec<Expr> = defined_used
            .iter()
            .map(|d| s.cx.compare_raw(crate::build::CmpOp::Ne, *d, zero))
            .collect();
        // Every case True or False: the answer is the condition "one of the True cases' guards
        // holds" (the guards are exclusive and cover the domain).
        let is_false = |c: &Case, cx: &Context| {
            c.relations.is_empty() && c.conditions.iter().any(|k| cx.as_bool(*k) == Some(false))
        };
        if cases.len() > 1
            && cases
                .iter()
                .all(|c| is_false(c, s.cx) || (c.relations.is_empty() && c.conditions.is_empty()))
        {
            let trues: Vec<Expr> = cases
                .iter()
                .filter(|c| !is_false(c, s.cx))
                .map(|c| c.when)
                .collect();
            let cond = match trues.len() {
                0 => s.cx.boolean(false),
                1 => trues[0],
                _ => {
                    let o = s.cx.or_raw(&trues);
                    s.simplify(o)
                }
            };
            return SolveResult::Solved(Solution {
                target: xe,
                relations: vec![],
                conditions: vec![cond],
                cases: vec![],
                defined_where,
            });
        }
        let same = cases
            .windows(2)
            .all(|w| w[0].relations == w[1].relations && w[0].conditions == w[1].conditions);
        if cases.len() <= 1 || same {
            let (relations, conditions) = match cases.into_iter().next() {
                Some(c) => (c.relations, c.conditions),
                None => (vec![], vec![s.cx.boolean(false)]),
            };
            return SolveResult::Solved(Solution {
                target: xe,
                relations,
                conditions,
                cases: vec![],
                defined_where,
            });
        }
        SolveResult::Solved(Solution {
            target: xe,
            relations: vec![],
            conditions: vec![],
            cases,
            defined_where,
        })
    }
}

impl Solver<'_, '_> {
    /// Isolates x in `f OP 0`, pushing relations and conditions.
    pub(crate) fn run(&mut self, f: Expr, op: RelOp) -> Result<(), Fail> {
        let zero = self.s.cx.int(0);
        let work: crate::solve::WorkList = smallvec::smallvec![(f, op, zero)];
        self.run_from(work, 0)
    }

    /// [`Solver::run`] of `n OP 0` for the sum `n = m*t` of one term with x (`m != 1`),
    /// without building `n` ([`seed::seed_fixpoints`]): `run`'s first step on `(n, op, 0)`,
    /// then the rest of its loop. That step: `n` has x (`t` has), is not x itself (a sum), so
    /// `step` reads its one term into the terms with x and none into the right-hand side
    /// (`step_sum` with the terms `[(t, m)]` and `[]`, the constant 0 and the right-hand
    /// side 0), which moves the right-hand side: `lin(&[(0, 1)], -0)`, the constant 0, the
    /// node `int(0)` (interned: the right-hand side itself), and divides by the one term's
    /// coefficient: `divide(int(m), t, op, 0)`, as here.
    pub(crate) fn run_term(&mut self, t: Expr, m: i64, op: RelOp) -> Result<(), Fail> {
        let zero = self.s.cx.int(0);
        let mut work = crate::solve::WorkList::new();
        let ke = self.s.cx.int(m);
        self.divide(ke, t, op, zero, &mut work)?;
        self.run_from(work, 1)
    }

    /// [`Solver::run`]'s loop over `work`, `steps` steps taken.
    fn run_from(&mut self, mut work: crate::solve::WorkList, mut steps: u32) -> Result<(), Fail> {
        while let Some(item) = work.pop() {
            steps += 1;
            if steps > 256 {
                return Err(reason(
                    UnsolvedKind::StepLimit,
                    "solver step limit reached".into(),
                ));
            }
            if !self.s.cx.contains_symbol(item.0, self.x) {
                // x cancels out: `g OP r` with g free of x holds for every x or for none.
                let c = self.s.cx.relation_expr(item.0, item.1, item.2);
                self.conds.push(c);
                continue;
            }
            self.step(item, &mut work)?;
        }
        Ok(())
    }
}

/// The answer of [`Context::solve_session_seeded`] (seeding) where the relation's operands
/// are single terms whose difference the solver refuses as nonlinear at its first step
/// (`s0*FloorDiv(s53, 4) >= FloorDiv(s0, 4)*FloorDiv(s53, 4)`), without building the
/// difference, simplifying it or running the solver; `None` otherwise (the general path
/// answers). The difference `f = a - b` is the sum of the two terms `(ta, ka)` and
/// `(tb, -kb)` in the normal form's order ([`one_term`], `add_terms`: distinct terms merge
/// nothing, no constant, and a coefficient is absorbed only by a product with a sum factor,
/// which is declined). The general path simplifies `f` when it is no plain polynomial, after
/// seeding: where the sum and both terms are proven fixpoints ([`seed::sum_may_be_proven`]
/// and [`seed::terms_are_fixpoints`], the same proofs: a node recorded is a fixpoint whatever
/// order the terms are walked in), the simplifier answers `f` itself. The solver's first step on `f OP 0`
/// with both terms holding x is [`Solver::step_sum`], which names a nonlinear term before
/// building anything exactly where [`Solver::sum_refused`] does (the same functions), and that
/// reason is the answer (the first case has no guard, and a reason ends the solve). The test
/// `monomials_refused_is_the_unseeded_answer` compares with the path without seeding, and
/// `tests/solve.rs` the seeded and unseeded paths on the real requests' shapes.
fn monomials_refused(
    s: &mut Session<'_>,
    x: Symbol,
    xe: Expr,
    (a, (ta, ka)): (Expr, (Expr, i64)),
    (b, (tb, kb)): (Expr, (Expr, i64)),
    refuted: &mut bool,
) -> Option<SolveResult> {
    // (`ta`, `ka` and `tb`, `kb`: the one term of each operand, [`one_term`], which the
    // caller reads first: `s57 <= 256` has a constant.) The cheapest tests first: both with
    // x (the step's case), that the seeding may prove (`Max(1, FloorDiv(s53, FloorDiv(s53,
    // 4)))` never is).
    if !s.cx.contains_symbol(a, x) || !s.cx.contains_symbol(b, x) {
        return None;
    }
    let kb = kb.checked_neg()?;
    if ta == tb || !seed::may_be_proven(s.cx, ta) || !seed::may_be_proven(s.cx, tb) {
        return None;
    }
    if [(ta, ka), (tb, kb)].iter().any(|&(t, k)| {
        k != 1
            && matches!(s.cx.node(t), Node::Mul(fs)
                if fs.iter().any(|f| matches!(s.cx.node(*f), Node::Add(..))))
    }) {
        return None;
    }
    // Then the sum's own rules (its terms' shapes, in any order: `2*FloorDiv(s0, 2) - s0`
    // splits one base), before ordering the terms and walking them.
    let plain = s.cx.is_plain_polynomial(ta) && s.cx.is_plain_polynomial(tb);
    if !plain && !seed::sum_may_be_proven(s, &[(ta, ka), (tb, kb)]) {
        // (`refuted`: the sum `f` of these terms, which the general path seeds next, is no
        // fixpoint `seed_fixpoints` records: the facts decline seeding, or its check
        // `sum_terms_fixpoint` fails, which reads the terms in any order.)
        *refuted = true;
        return None;
    }
    let sv = Solver {
        s,
        x,
        xe,
        rels: SmallVec::new(),
        conds: SmallVec::new(),
        forced: Guards::new(),
        operands: (a, b),
        divisors: None,
        defined_used: SmallVec::new(),
        half_memo: None,
    };
    // Terms sharing their factor with x, whose coefficient's sign the step finds: it
    // divides by it (`Solver::divide_common`), the general path answers. (The same
    // coefficient: the step's terms are these two.)
    if let Some(g) = sv.common_x_factor(&[(ta, ka), (tb, kb)])
        && sv.common_sign(g, &[(ta, ka), (tb, kb)]).is_some()
    {
        return None;
    }
    // The term named: where it is the same in either order of the terms, without ordering
    // them (`cmp_expr` of the two products cost about 120 instructions); else in the normal
    // form's order, as `add_terms` builds the sum.
    let terms = [(ta, ka), (tb, kb)];
    let named = match sv.pair_refused_any_order(ta, tb) {
        Some(named) => named?,
        None if sv.s.cx.cmp_expr(ta, tb) == std::cmp::Ordering::Greater => {
            sv.sum_refused(&[(tb, kb), (ta, ka)])?
        }
        None => sv.sum_refused(&terms)?,
    };
    // (The terms' proof in the order they come: a term proven a fixpoint is one whichever
    // order the walk takes, and the budget only limits the work; a term not proven leaves
    // the answer to the general path.)
    if !plain && !seed::terms_are_fixpoints(sv.s, &terms) {
        return None;
    }
    match sv.nonlinear_in(named) {
        Fail::Reason(r) => Some(SolveResult::Unsolved(r)),
        Fail::Fork(_) => None,
    }
}

/// The one term `(t, k)` that `add_terms` takes from the integer operand `a` of a difference:
/// a sum of one term without constant is that term, a node that is neither a constant nor a
/// sum is itself with coefficient 1; `None` for anything else.
#[inline(always)]
fn one_term(cx: &Context, a: Expr) -> Option<(Expr, i64)> {
    if cx.ty(a) != Ty::Int {
        return None;
    }
    match cx.node(a) {
        Node::Add(ts, 0) if ts.len() == 1 && ts[0].1 != 0 => Some(ts[0]),
        Node::Int(_) | Node::Add(..) => None,
        _ => Some((a, 1)),
    }
}

/// Simplifies a case's answer under the facts: relations implied by x's range and true
/// conditions are dropped; a false condition makes the whole case `False`.
fn finish_case(
    s: &mut Session<'_>,
    x: Symbol,
    xe: Expr,
    rels: &[Relation],
    conds: &[Expr],
    check_eq: bool,
) -> (Vec<Relation>, Vec<Expr>) {
    let mut conditions = Vec::new();
    for &c in conds {
        let c = if plain_condition_undecided(s.cx, c) {
            c
        } else {
            s.simplify(c)
        };
        match s.cx.as_bool(c) {
            Some(true) => continue,
            Some(false) => return (vec![], vec![c]),
            None => {}
        }
        if !conditions.contains(&c) {
            conditions.push(c);
        }
    }
    let mut relations = Vec::new();
    for r in rels {
        let rhs = if constant_quotient_fixpoint(s, r.rhs) {
            r.rhs
        } else {
            s.simplify(r.rhs)
        };
        // x <= r cannot follow from x's range when x is unbounded above (and nothing else
        // constrains it); likewise x >= r below, and x != r only when unbounded both ways.
        // (An equality is only refuted: checked in the cases of a fork, where a False case
        // can merge with the others.)
        let may_be_implied = match r.op {
            RelOp::Eq => check_eq,
            RelOp::Lt | RelOp::Le => !s.cx.unconstrained_side(x, true),
            RelOp::Gt | RelOp::Ge => !s.cx.unconstrained_side(x, false),
            RelOp::Ne => !(s.cx.unconstrained_side(x, true) && s.cx.unconstrained_side(x, false)),
        };
        if may_be_implied {
            let t = match s.symbol_constant_truth(xe, r.op, rhs) {
                Some(t) => t,
                None if both_truths_seen(s.cx, x, r.op, rhs) => Truth::Unknown,
                None => {
                    let rel = s.cx.relation_expr(xe, r.op, rhs);
                    s.truth(rel)
                }
            };
            match t {
                Truth::True => continue,
                // No x in range satisfies this relation: none satisfies the answer.
                Truth::False => return (vec![], vec![s.cx.boolean(false)]),
                Truth::Unknown => {}
            }
        } else if refuted_toward_open_end(s.cx, xe, r.op, rhs) {
            return (vec![], vec![s.cx.boolean(false)]);
        }
        let rel = Relation { op: r.op, rhs };
        if !relations.contains(&rel) {
            relations.push(rel);
        }
    }
    (relations, conditions)
}

/// Whether no x in its range satisfies `x OP rhs` where [`finish_case`] does not ask the
/// prover (x unbounded on the side the relation reaches toward, under constant ranges
/// without assumptions: x's range cannot imply it), read from the plain intervals
/// (`Context::quick_iv`; `false` where it has none): `x <= r` with `r`'s upper end below x's
/// lower end (`s1 <= FloorDiv(s0, 2)` for s1 >= 2, s0 in [1, 3]), `x < r` with it at most
/// that end, and the mirrored `>=`, `>`. Where assumptions are stated the prover asks
/// `x OP rhs` whole and finds the same `False`, so such an answer does not depend on whether
/// a redundant assumption is stated (the CLI leaves out the ones the ranges imply). The
/// solver's lean path (`solve_linear.rs`) asks the same and defers.
pub(crate) fn refuted_toward_open_end(cx: &Context, xe: Expr, op: RelOp, rhs: Expr) -> bool {
    use crate::interval::{NEG_INF, POS_INF};
    if !matches!(op, RelOp::Lt | RelOp::Le | RelOp::Gt | RelOp::Ge) {
        return false;
    }
    let (Some(xi), Some(ri)) = (cx.quick_iv(xe, 0), cx.quick_iv(rhs, 0)) else {
        return false;
    };
    // x <= r with r < lo(x) everywhere, x < r with r <= lo(x); x >= r with r > hi(x),
    // x > r with r >= hi(x).
    match op {
        RelOp::Le => xi.lo != NEG_INF && ri.hi < xi.lo,
        RelOp::Lt => xi.lo != NEG_INF && ri.hi <= xi.lo,
        RelOp::Ge => xi.hi != POS_INF && ri.lo > xi.hi,
        _ => xi.hi != POS_INF && ri.lo >= xi.hi,
    }
}

/// Whether `e` is `FloorDiv(K, P)` that is its own simplification: a constant `K >= 1` over a
/// symbol or a product of symbols `P` (`FloorDiv(4096, s0*s53)`, what `s0*s53*s92 <= 4096`
/// for s92 answers), each an integer symbol whose range is `[lo, oo)` with `lo >= 1`, the
/// product of the lower ends at most `K`, under constant ranges without assumptions (the
/// domain is the box of the ranges, nonempty). `K` and `P` are leaves (constants and plain
/// polynomials), so the simplifier tries only the rules at the node (`apply_rules`):
///
/// - `PointInterval` is asked only where assumptions bound a sub-expression;
/// - `rules_floordiv`: the divisor is no constant (`FdByOne`, `FdNegDivisor`, `FdGcd`,
///   `floordiv_const`), `K` is not 0 (`FdZero`) nor `P` (`FdSelf`); `FdOwnQuotient` needs `P`
///   to be a FloorDiv or a sum; `cancel_content`: the content of `K` and the monomial `P`
///   (coefficient 1, no factor in common with a constant) is 1; in `floordiv_symbolic`, `P`
///   divides no monomial of `K` (`FdPullMultiples`), `K` has no product of sums to expand and
///   `P` is no sum (`divide_by_sum`, `FdPullSumMultiples`, `FdExact`); `FdRange` to 0 needs
///   `K < P` proven, false at the point where each symbol is at its lower end (`P` is then
///   the product of the lower ends, at most `K`), so the prover, sound, does not prove it
///   (nor do the symbols' unbounded ranges give it a small box to spend proof work on);
///   `FdRange` to -1 needs `K <= -1`; `K` is neither a Mod (`FdOfMod`) nor a FloorDiv
///   (`FdNested`);
/// - `affine_on_small_range` needs one symbol with a bounded range (unbounded above here);
/// - `expand_operands` needs an operand that is a sum.
///
/// So `simplify` answers `e` (at the cost of the prover's failed `K < P`, most of 3,300
/// instructions of such a request). `tests` below compare with the simplifier.
fn constant_quotient_fixpoint(s: &Session<'_>, e: Expr) -> bool {
    let cx = &*s.cx;
    let Node::FloorDiv(a, p) = *cx.node(e) else {
        return false;
    };
    let Some(k) = cx.as_int(a).filter(|k| *k >= 1) else {
        return false;
    };
    if !cx.facts.assumptions.is_empty() || cx.facts.symbolic_ends > 0 || s.s.d.has_atom_facts() {
        return false;
    }
    // The product of the lower ends of the symbols of P (each unbounded above), if it is one.
    let lower = |x: Expr, acc: i128| -> Option<i128> {
        let Node::Sym(v) = *cx.node(x) else {
            return None;
        };
        match numeric_ends(cx, v) {
            Some((Some(lo), None)) if lo >= 1 && cx.sym_ty(v) == Ty::Int => {
                acc.checked_mul(i128::from(lo))
            }
            _ => None,
        }
    };
    let corner = match cx.node(p) {
        Node::Sym(_) => lower(p, 1),
        Node::Mul(fs) => fs.iter().try_fold(1i128, |acc, f| lower(*f, acc)),
        _ => None,
    };
    corner.is_some_and(|c| c <= i128::from(k))
}

/// Whether `x OP rhs` (`rhs` free of x) is true at one point of the domain and false at another,
/// seen where each symbol of `rhs` is at the lower end of its range plus 0 or 1 (at the upper
/// end minus that when unbounded below, at 0 or 1 when unbounded) and x anywhere in its range
/// (`s57 >= 16 - s27` for s27, s57 >= 1: at s27 = 1 the relation holds at s57 = 15, not at
/// s57 = 1). The prover is sound, so it answers `Unknown` there, as this does, at a fraction of
/// its cost (about 4,000 instructions for that relation). Only under constant ranges without
/// assumptions, where the domain is the box of the ranges (no guard of a fork is among the
/// session's facts where `finish_case` asks). `tests` below compare it with the prover.
fn both_truths_seen(cx: &Context, x: Symbol, op: RelOp, rhs: Expr) -> bool {
    if cx.tree_size_upto(rhs, WITNESS_SIZE + 1) > WITNESS_SIZE {
        return false;
    }
    if !cx.facts.assumptions.is_empty()
        || cx.facts.symbolic_ends > 0
        || cx.sym_ty(x) != Ty::Int
        || cx.contains_symbol(rhs, x)
    {
        return false;
    }
    // A range's ends as numbers (`None`: unbounded), `None` for a symbolic end.
    let ends = |s: Symbol| numeric_ends(cx, s);
    let Some((xlo, xhi)) = ends(x) else {
        return false;
    };
    let xlo = xlo.map_or(i128::MIN, i128::from);
    let xhi = xhi.map_or(i128::MAX, i128::from);
    let mut syms: SmallVec<[(Symbol, Ends); 4]> = SmallVec::new();
    let mut ok = true;
    cx.for_each_symbol(rhs, |s| {
        match ends(s) {
            Some(e) if cx.sym_ty(s) == Ty::Int => syms.push((s, e)),
            _ => ok = false,
        };
    });
    if !ok {
        return false;
    }
    let (mut seen_true, mut seen_false) = (false, false);
    let mut budget = WITNESS_VISITS;
    for k in 0..2i64 {
        let at = |lo: Option<i64>, hi: Option<i64>| match (lo, hi) {
            (Some(l), Some(h)) => l.saturating_add(k).min(h),
            (Some(l), None) => l.saturating_add(k),
            (None, Some(h)) => h.saturating_sub(k),
            (None, None) => k,
        };
        let value = |s: Symbol| {
            syms.iter()
                .find(|(t, _)| *t == s)
                .map(|&(_, (lo, hi))| at(lo, hi))
        };
        let Some(v) = cx.int_at_with(rhs, &value, &mut budget) else {
            if budget == 0 {
                return false;
            }
            continue;
        };
        let v = i128::from(v);
        // Some x in [xlo, xhi] with `x OP v`, and some without.
        let (t, f) = match op {
            RelOp::Ge => (xhi >= v, xlo < v),
            RelOp::Gt => (xhi > v, xlo <= v),
            RelOp::Le => (xlo <= v, xhi > v),
            RelOp::Lt => (xlo < v, xhi >= v),
            RelOp::Eq => (xlo <= v && v <= xhi, xlo < xhi || xlo != v),
            RelOp::Ne => (xlo < xhi || xlo != v, xlo <= v && v <= xhi),
        };
        seen_true |= t;
        seen_false |= f;
        if seen_true && seen_false {
            return true;
        }
    }
    false
}

/// Whether the condition `c` is its own simplification because it compares two integer plain
/// polynomials (`Eq(s14 - s57, 0)`, what is left of `Eq(s14 + s27, s27 + s57)` for s27) and is
/// seen true at one point of the domain and false at another: `simplify` leaves the operands
/// (simplification leaves), and of the rules at the comparison `rules_cmp` asks the prover,
/// which is sound and so answers `Unknown` there, and `expand_operands` finds no operand that
/// is a sum but no plain polynomial; so it answers `c`, at a fraction of the prover's cost
/// (about 4,800 instructions for that condition). The points: each symbol at the lower end of
/// its range (as in [`both_truths_seen`]), then each symbol in turn one above it (at most four
/// symbols). Only under constant ranges without assumptions, where the domain is the box of
/// the ranges. `tests` below compare it with the prover.
fn plain_condition_undecided(cx: &Context, c: Expr) -> bool {
    let (a, b) = match *cx.node(c) {
        Node::Eq(a, b) | Node::Ne(a, b) | Node::Lt(a, b) | Node::Le(a, b) => (a, b),
        _ => return false,
    };
    if cx.ty(a) != Ty::Int
        || !cx.is_simplify_leaf(a)
        || !cx.is_simplify_leaf(b)
        || !cx.facts.assumptions.is_empty()
        || cx.facts.symbolic_ends > 0
        || cx.tree_size_upto(c, WITNESS_SIZE + 1) > WITNESS_SIZE
    {
        return false;
    }
    let mut syms: SmallVec<[(Symbol, Ends); 4]> = SmallVec::new();
    let mut ok = true;
    cx.for_each_symbol(c, |s| {
        match numeric_ends(cx, s) {
            Some(e) if cx.sym_ty(s) == Ty::Int && syms.len() < 4 => syms.push((s, e)),
            _ => ok = false,
        };
    });
    if !ok {
        return false;
    }
    let (mut seen_true, mut seen_false) = (false, false);
    let mut budget = WITNESS_VISITS;
    // Point 0: every symbol at its lowest; point i: symbol i - 1 one above.
    for point in 0..=syms.len() {
        let value = |s: Symbol| {
            let i = syms.iter().position(|(t, _)| *t == s)?;
            let k = i64::from(point == i + 1);
            let (lo, hi) = syms[i].1;
            Some(match (lo, hi) {
                (Some(l), Some(h)) => l.saturating_add(k).min(h),
                (Some(l), None) => l.saturating_add(k),
                (None, Some(h)) => h.saturating_sub(k),
                (None, None) => k,
            })
        };
        match cx.bool_at_with(c, &value, &mut budget) {
            Some(true) => seen_true = true,
            Some(false) => seen_false = true,
            None if budget == 0 => return false,
            None => {}
        }
        if seen_true && seen_false {
            return true;
        }
    }
    false
}

/// A symbol's range ends as numbers (`None`: unbounded on that side); `None` for a symbolic
/// end or an empty range.
fn numeric_ends(cx: &Context, s: Symbol) -> Option<Ends> {
    let end = |e: RangeEnd| match e {
        RangeEnd::Infinite => Some(None),
        RangeEnd::Expr(v) => cx.as_int(v).map(Some),
    };
    let (lo, hi) = cx.range(s);
    let (lo, hi) = (end(lo)?, end(hi)?);
    match (lo, hi) {
        (Some(l), Some(h)) if l > h => None,
        _ => Some((lo, hi)),
    }
}

/// At most this many node visits of the evaluator in [`both_truths_seen`], for all its points,
/// and right-hand sides of at most this size ([`Context::size`]; a larger one is left to the
/// prover): where the points show no witness, their evaluation is the cost (about 60
/// instructions a visit; a third point, lower end plus 2, found no witness the first two miss
/// on the real requests and cost up to 1,600 instructions where none is found).
const WITNESS_VISITS: u32 = 64;
const WITNESS_SIZE: usize = 12;

/// A range's ends as numbers (`None`: unbounded on that side).
type Ends = (Option<i64>, Option<i64>);

/// The fixpoints the solver records before simplifying a relation ([`seed::seed_fixpoints`]).
mod seed {
    use crate::expr::{Expr, Node, Ty};
    use crate::simplify::Session;

    /// Records in the session's simplification memo, as their own simplification, the nodes of
    /// `f` that are provably fixpoints of the rules (what [`Session::simp`] would find and record
    /// for them, at a fraction of the cost: the rules of such a node are tried only to fail), so
    /// that simplifying `f` next skips them. The shapes (the operands of the real solve requests:
    /// `s0*FloorDiv(s53, 4) - FloorDiv(s0, 4)*FloorDiv(s53, 4)`):
    ///
    /// - `FloorDiv(p, c)`, `p` a plain polynomial, `c >= 2` ([`floordiv_fixpoint`]);
    /// - a product of fixpoints none of which is a sum: the only rule of a product
    ///   (`rules_mul`) expands sum factors (`expand_product` answers `None` without one), and a
    ///   product's operands are not expanded (`apply_rules`), so with its factors unchanged the
    ///   product is its own simplification.
    ///
    /// Sums and every other node are left to the simplifier (their operands are walked: a
    /// recorded operand is skipped there: `FloorDiv(s0, 4)` in `FloorDiv(s0, FloorDiv(s0, 4))`). Only under facts without symbolic bounds and without bounded atoms
    /// (the rules' variants for those are not ruled out here). `tests/solve.rs` compares the
    /// answers with the simplifier's alone ([`Context::solve_general_unseeded`]) on random
    /// relations.
    ///
    /// `refuted`: a sum whose own check ([`sum_fixpoint`]) the caller saw fail (the solver's
    /// `monomials_refused`, on its terms): not made again. Exact whatever it is: a node not
    /// recorded is left to the simplifier, which finds what it is.
    ///
    /// `Some((t, m))` where `f`'s simplification is the sum `m*t` of one term, not built and
    /// not recorded ([`absorbed_constant`]): the caller solves it without simplifying `f`.
    pub(crate) fn seed_fixpoints(
        s: &mut Session<'_>,
        f: Expr,
        refuted: Option<Expr>,
    ) -> Option<(Expr, i64)> {
        if s.s.d.has_atom_facts() || !s.s.d.upper.is_empty() || !s.s.d.lower.is_empty() {
            return None;
        }
        let mut budget = SEED_VISITS;
        if refuted == Some(f) && matches!(s.cx.node(f), Node::Add(..)) {
            refuted_sum_walk(s, f, &mut budget);
        } else {
            seed_walk(s, f, &mut budget);
        }
        if let Some(term) = absorbed_constant(s, f) {
            // (`split_sub_div` needs two terms: `f` has one.)
            return Some(term);
        }
        split_sub_div(s, f);
        None
    }

    /// Whether [`seed_walk`] may prove the term `t` a fixpoint, by its node and its factors'
    /// (a quick test: `false` only where the walk answers `false`, a Mod, Min, Max or any other
    /// node that is no leaf, FloorDiv, product or sum).
    pub(crate) fn may_be_proven(cx: &crate::Context, t: Expr) -> bool {
        let ok = |e: Expr| {
            cx.is_simplify_leaf(e) || matches!(cx.node(e), Node::FloorDiv(..) | Node::Add(..))
        };
        match cx.node(t) {
            Node::Mul(fs) => fs.iter().all(|f| ok(*f)),
            _ => ok(t),
        }
    }

    /// Whether [`seed_fixpoints`] may prove the sum of `terms` (two or more, no constant: a
    /// sum that is not built) a fixpoint: the facts allow seeding and its own rules fail
    /// ([`sum_terms_fixpoint`], which reads the terms' shapes in any order). With
    /// [`terms_are_fixpoints`] of its terms, the proof [`seed_fixpoints`] makes for the node.
    pub(crate) fn sum_may_be_proven(s: &Session<'_>, terms: &[(Expr, i64)]) -> bool {
        !s.s.d.has_atom_facts()
            && s.s.d.upper.is_empty()
            && s.s.d.lower.is_empty()
            && sum_terms_fixpoint(s.cx, terms, 0)
    }

    /// Whether each of `terms` is proven a fixpoint as [`seed_fixpoints`] walks them below
    /// their sum: the budget left after the sum's own visit, each term walked; the terms
    /// proven are recorded as there. (Any order of the terms: what is proven is so whichever
    /// term is walked first; the order may only change where the budget runs out.)
    pub(crate) fn terms_are_fixpoints(s: &mut Session<'_>, terms: &[(Expr, i64)]) -> bool {
        let mut budget = SEED_VISITS - 1;
        let mut all = true;
        for &(t, _) in terms {
            all &= seed_walk(s, t, &mut budget);
        }
        all
    }

    /// Records the simplification of `f = m*FloorDiv(a, d) + c` (one term, a recorded
    /// fixpoint `FloorDiv(a, d)` with a constant `d >= 2`, `a` a sum with a constant, `m | c`,
    /// `c != 0`) where the simplifier's `FdAbsorbConst` takes the constant into the quotient:
    /// m*FloorDiv(a, d) + c = m*FloorDiv(a + (c/m)*d, d) (floor(y) + q = floor(y + q) for an
    /// integer q), and what it then answers for that, itself: `7 - 7*FloorDiv(s53 + 6, 7)` is
    /// `-7*FloorDiv(s53 - 1, 7)` (`7 < 7*FloorDiv(s53 + 6, 7)` for s53). The rules at `f`
    /// (`rules_add`, its only ones): a sum of one term merges no shifted FloorDivs (two needed),
    /// has no product of sums to expand and no two terms with one base; `FdAbsorbConst`'s one
    /// candidate is the term, with the same shift, new numerator and side condition
    /// (`fits_i64`, asked here as there), and its answer `n` is simplified next. `n`'s operand
    /// `FloorDiv(a', d)` is a fixpoint ([`floordiv_fixpoint`], checked); at `n` (no constant)
    /// the rules are `NegFloorDiv`, which needs `m < 0` and a leading coefficient of `a'`
    /// below 0 (checked: not seeded then), and `shift_into_minmax`, which needs a Min or Max
    /// term; `n` is `FloorDiv(a', d)` itself for `m = 1`. So `f`'s simplification is `n`, a
    /// fixpoint. Anything else (the rule failing, the other shapes) is left to the simplifier
    /// (`None`).
    ///
    /// `n` is not built, nor recorded as `f`'s simplification: the answer is `(FloorDiv(a', d),
    /// m)`, recorded as its own simplification, and the caller solves `n` without building it
    /// ([`crate::solve::Solver::run_term`]) and without simplifying `f` (about 670 of the
    /// 11,700 instructions of `7 < 7*FloorDiv(s53 + 6, 7)`, the median solve request:
    /// `add_terms` of `n`, its records, the memo's answer for `f`, and the solver's step that
    /// reads `n`'s one term back). `n` is
    /// `add_terms(&[(FloorDiv(a', d), m)], 0)`, which builds a sum of one term of a FloorDiv
    /// with a nonzero coefficient and no constant: nothing to merge, absorb or overflow, so
    /// it is always built. `absorbed_constants_are_the_simplifier` builds it and compares
    /// with the simplifier.
    fn absorbed_constant(s: &mut Session<'_>, f: Expr) -> Option<(Expr, i64)> {
        let Node::Add(ts, c) = s.cx.node(f) else {
            return None;
        };
        if ts.len() != 1 || *c == 0 {
            return None;
        }
        let ((t, m), c) = (ts[0], *c);
        let Node::FloorDiv(a, d) = *s.cx.node(t) else {
            return None;
        };
        // (The cheap tests first: most relations of one FloorDiv term have no constant in
        // its numerator, `1 < FloorDiv(s0, 4)`.)
        if !matches!(s.cx.node(a), Node::Add(_, k) if *k != 0) || c.checked_rem(m) != Some(0) {
            return None;
        }
        let dv = s.cx.as_int(d).filter(|v| *v >= 2)?;
        if s.s.simp.get(&t) != Some(&t) {
            return None;
        }
        let shift = c.checked_div(m).and_then(|q| q.checked_mul(dv))?;
        let na = s.cx.add_const(a, shift)?;
        // -k*FloorDiv(a', d) with a' leading negative: NegFloorDiv's (not seeded).
        let lead_neg =
            matches!(s.cx.node(na), Node::Add(xs, _) if xs.first().is_some_and(|x| x.1 < 0));
        if (m < 0 && lead_neg) || !shifted_quotient_fits(s, na, d, dv) {
            return None;
        }
        let fd = s.cx.floordiv_raw(na, d);
        s.s.simp.insert(fd, fd);
        Some((fd, m))
    }

    /// `floordiv_fixpoint(s, na, d) && one_term_fits(s, na)` for the constant divisor `d = dv`
    /// (`dv >= 2`), what [`absorbed_constant`] asks of its new numerator: for `na = k*x + c`
    /// with `x` a symbol (`s53 - 1`, the common one) the two read x's interval once
    /// ([`crate::solve::shifted_sum_fits`]). Their steps for that sum, in their order, with the
    /// same side effects:
    ///
    /// - `floordiv_fixpoint`: `na` a plain polynomial (its flag) whose one coefficient is
    ///   coprime with `dv`; then `quotient_spans`, whose `linear_sum_iv` computes `na`'s
    ///   interval as the constant's point plus `k` times `sym_iv(x)` (`add_scaled`) and records
    ///   it in the session's memo; `false` where that interval holds one quotient; else `true`
    ///   unless `x` is an integer symbol with a finite range of fewer than `SMALL_RANGE` values;
    /// - `one_term_fits`: `s.iv(x)`, which answers the memo's entry for `x` if it has one, else
    ///   counts a step (`tick`: the sound `TOP` where a limit stops the query) and answers
    ///   `sym_iv(x)`, the interval read above (`sym_iv` is memoized, and the facts allow no
    ///   symbolic end here: [`seed_fixpoints`]); `s.iv(na)` is the memo's entry recorded above.
    ///
    /// `na`'s interval is not recorded there (a memo entry: `iv` computes the same interval
    /// where it is asked later; recording it cost the other callers of the memo's insert more
    /// than it saves, the compiler no longer inlining it).
    ///
    /// Any other numerator is asked of the two functions. `shifted_quotient_fits_is_its_steps`
    /// compares with them.
    fn shifted_quotient_fits(s: &mut Session<'_>, na: Expr, d: Expr, dv: i64) -> bool {
        match crate::solve::shifted_sum_fits(s, na, dv) {
            Some(fits) => fits,
            None => floordiv_fixpoint(s, na, d) && one_term_fits(s, na),
        }
    }

    /// `s.fits_i64(na)` ([`crate::simplify::fits_iv_given`] with the session's intervals),
    /// written out for `na = k*x + c` with `x` a symbol (`s53 - 5`, the new numerator of
    /// [`absorbed_constant`], whose [`shifted_quotient_fits`] makes these steps itself, with
    /// `floordiv_fixpoint`'s, and is tested against this): its steps for that sum are the
    /// constant's point plus `k` times x's interval within i64 (a symbol's steps: `None`, not
    /// fitting, where that is not finite), then that intersected with the sum's own interval,
    /// which fits where its ends are finite; the same `Iv` operations in the same order,
    /// without the walk's generic steps
    /// (about 300 instructions). Any other numerator is asked of `fits_i64` itself.
    /// `one_term_fits_is_fits_i64` compares the two.
    fn one_term_fits(s: &mut Session<'_>, na: Expr) -> bool {
        const I64: crate::interval::Iv = crate::interval::Iv {
            lo: i64::MIN as i128,
            hi: i64::MAX as i128,
        };
        let finite = |iv: crate::interval::Iv| iv.lo_i64().is_some() && iv.hi_i64().is_some();
        let (x, k, c) = match s.cx.node(na) {
            Node::Add(ts, c) if ts.len() == 1 && matches!(s.cx.node(ts[0].0), Node::Sym(_)) => {
                (ts[0].0, ts[0].1, *c)
            }
            _ => return s.fits_i64(na),
        };
        let j = s.iv(x).intersect(&I64);
        if !finite(j) {
            return false;
        }
        let computed = crate::interval::Iv::point(c).add_scaled(&j, k);
        let own = s.iv(na);
        finite(computed.intersect(&own))
    }

    /// Records the simplification of `f = a*x + b*FloorDiv(x, e) + c` (two terms, no other;
    /// `x` an integer symbol, `e >= 2` a constant, `b = -a*e`, the quotient a recorded
    /// fixpoint) where the simplifier's `SplitSubDiv` merges the two terms into a remainder:
    /// a*x - a*e*FloorDiv(x, e) + c = a*Mod(x, e) + c (x - e*FloorDiv(x, e) = Mod(x, e) for
    /// e > 0), and what it then answers for that, itself: `2*FloorDiv(s0, 2) <= s0` for s0
    /// is `-Mod(s0, 2) <= 0`. The rules at `f` (`rules_add`, its only ones; its operands are
    /// fixpoints, so it is not rebuilt): one FloorDiv term merges no shifted FloorDivs (two
    /// needed), there is no product of sums to expand; the two terms share the split base `x`,
    /// the split views are `(x, lower 1, scale a)` and `(x, lower e, scale b)`, and whichever
    /// pair the loop tries first, the one merge that succeeds is `SplitSubDiv` of the first
    /// with the second (`lq = e > lp = 1`, `-(a*e) == b`; the other order and the other
    /// merges need a Mod view or equal lowers), answering `scale(1, a)*Mod(x, e)` plus `c`,
    /// built here by the same calls (`modulo_raw`, `mul`, `add_terms`). That answer `n` is
    /// simplified next: `Mod(x, e)` is a fixpoint under these facts (no atom facts, no
    /// symbolic bounds, no modular facts: `rules_mod` with `e >= 2` finds no ±1 divisor, no
    /// zero or equal numerator, no inner Mod, content 1, no coefficient to reduce, `ModRange`
    /// and `affine_on_small_range` fail where x's interval spans two multiples of e and its
    /// range is not small ([`quotient_spans`], checked), the modular set of a symbol without
    /// modular facts has coefficient 1, x is no FloorDiv or Mod; no operand is a sum), and
    /// `n` itself is `Mod(x, e)` or a sum of that one term (no FloorDiv, product, Min or Max:
    /// no rule of `rules_add` finds its part). So `f`'s simplification is `n`, a fixpoint, as
    /// the simplifier records them. Anything else is left to the simplifier.
    /// `split_sub_divs_are_the_simplifier` compares with it.
    fn split_sub_div(s: &mut Session<'_>, f: Expr) {
        let Node::Add(ts, c) = s.cx.node(f) else {
            return;
        };
        let [(t0, k0), (t1, k1)] = ts[..] else {
            return;
        };
        let c = *c;
        // The symbol's term and the quotient's, in either order.
        let ((x, a), (q, b)) = if matches!(s.cx.node(t0), Node::Sym(_)) {
            ((t0, k0), (t1, k1))
        } else {
            ((t1, k1), (t0, k0))
        };
        let Node::Sym(xs) = *s.cx.node(x) else {
            return;
        };
        let Node::FloorDiv(x2, d) = *s.cx.node(q) else {
            return;
        };
        let Some(e) = s.cx.as_int(d).filter(|v| *v >= 2) else {
            return;
        };
        if x2 != x
            || a.checked_mul(e).and_then(i64::checked_neg) != Some(b)
            || s.cx.sym_ty(xs) != Ty::Int
            || !s.s.d.mod_facts.is_empty()
            || s.s.simp.get(&q) != Some(&q)
            || s.s.simp.get(&f).is_some()
            || !quotient_spans(s, x, e)
        {
            return;
        }
        let one = s.cx.int(1);
        let Some(scale) = s.cx.scale(one, a) else {
            return;
        };
        let m = s.cx.modulo_raw(x, d);
        let Some(v) = s.cx.mul(scale, m) else {
            return;
        };
        let Some(n) = s.cx.add_terms(&[(v, 1)], c) else {
            return;
        };
        s.s.simp.insert(m, m);
        s.s.simp.insert(n, n);
        s.s.simp.insert(f, n);
    }

    /// At most this many nodes are looked at by [`seed_fixpoints`] (a few dozen instructions
    /// each; the relations of the real requests have a dozen, and a large shared tree would
    /// cost more than the rules it skips).
    const SEED_VISITS: u32 = 24;

    /// [`seed_walk`] of the sum `e` (the walk's root) whose own check [`sum_fixpoint`] the
    /// caller saw fail: its steps for a sum, each term walked, without the check (which
    /// answers `false`: `e` is not recorded).
    fn refuted_sum_walk(s: &mut Session<'_>, e: Expr, budget: &mut u32) {
        if s.cx.is_simplify_leaf(e) || *budget == 0 {
            return;
        }
        *budget -= 1;
        if s.s.simp.get(&e).is_some() {
            return;
        }
        walk_sum_terms(s, e, budget);
    }

    /// [`seed_walk`] of each term of the sum `e`: whether all are fixpoints (`false` for a
    /// node that is no sum). Every term is walked: a fixpoint among others is still recorded.
    fn walk_sum_terms(s: &mut Session<'_>, e: Expr, budget: &mut u32) -> bool {
        let Node::Add(ts, _) = s.cx.node(e) else {
            return false;
        };
        let mut all = true;
        for i in 0..ts.len() {
            let Node::Add(ts, _) = s.cx.node(e) else {
                return false;
            };
            let t = ts[i].0;
            all &= seed_walk(s, t, budget);
        }
        all
    }

    /// [`seed_fixpoints`] below `e`: whether `e` is a fixpoint (a leaf or recorded). Only integer
    /// sums, products, FloorDivs, Mods, Mins and Maxes are looked into.
    fn seed_walk(s: &mut Session<'_>, e: Expr, budget: &mut u32) -> bool {
        if s.cx.is_simplify_leaf(e) {
            return true;
        }
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if let Some(r) = s.s.simp.get(&e) {
            return *r == e;
        }
        let n = match s.cx.node(e) {
            Node::FloorDiv(a, b) => {
                let (a, b) = (*a, *b);
                if floordiv_fixpoint(s, a, b) {
                    s.s.simp.insert(e, e);
                    return true;
                }
                let fa = seed_walk(s, a, budget);
                let fb = seed_walk(s, b, budget);
                // Both operands fixpoints (so simplifying e next leaves them): e's own rules.
                if fa
                    && fb
                    && (own_quotient_fixpoint(s, a, b) || product_quotient_fixpoint(s, a, b))
                {
                    s.s.simp.insert(e, e);
                    return true;
                }
                return false;
            }
            Node::Mul(fs) => {
                let n = fs.len();
                let mut all = true;
                for i in 0..n {
                    let Node::Mul(fs) = s.cx.node(e) else {
                        return false;
                    };
                    let g = fs[i];
                    // (Every factor is walked: a fixpoint among others is still recorded.)
                    all &= !matches!(s.cx.node(g), Node::Add(..)) && seed_walk(s, g, budget);
                }
                if all {
                    s.s.simp.insert(e, e);
                }
                return all;
            }
            Node::Add(..) => {
                let all = walk_sum_terms(s, e, budget);
                if all && s.cx.ty(e) == Ty::Int && sum_fixpoint(s, e) {
                    s.s.simp.insert(e, e);
                    return true;
                }
                return false;
            }
            Node::Mod(..) | Node::Min(_) | Node::Max(_) if s.cx.ty(e) == Ty::Int => {
                s.cx.node(e).kids().len()
            }
            _ => return false,
        };
        for i in 0..n {
            let k = s.cx.node(e).kids().get(i);
            seed_walk(s, k, budget);
        }
        false
    }

    /// Whether the integer sum `e`, whose terms are fixpoints (leaves or recorded: simplifying
    /// `e` leaves them, so the node is not rebuilt), is its own simplification: each rule of
    /// `rules_add`, the one rule set of a sum (`apply_rules`: no `PointInterval`, no
    /// `expand_operands` for a sum), fails:
    ///
    /// - `merge_shifted_floordivs` needs two terms that are FloorDivs by positive constants
    ///   (at most one here);
    /// - `expand_in_sum` needs a product term with a sum among its factors (none);
    /// - the split merges need two terms with one split base ([`crate::simplify::split_base`], the rule's own
    ///   view: all distinct here), or a term whose view is undecided and another term
    ///   with one base in the views taking a factor they share for a scale
    ///   ([`crate::simplify::tied_pair`], none here);
    /// - `FdAbsorbConst` needs, with a constant `c != 0`, exactly one term `m*FloorDiv(a, d)`
    ///   with `m | c`, `d > 0` constant and a constant in `a` (none or several here);
    /// - `NegFloorDiv` needs a term `k*FloorDiv(a, d)` with `k < 0`, `d > 0` constant and `a` a
    ///   sum whose leading coefficient is negative (none);
    /// - `shift_into_minmax` needs a Min or Max term (none);
    /// - `split_scaled_mod` needs a Mod term at a scale of its dividend
    ///   (`scaled_mod_candidate`: none);
    /// - `absorb_cofactor` needs a product with a quotient beside its cofactor
    ///   (`cofactor_pairs`: none).
    ///
    /// `seeded_sums_are_fixpoints` compares with the simplifier.
    pub(super) fn sum_fixpoint(s: &Session<'_>, e: Expr) -> bool {
        let cx = &*s.cx;
        let Node::Add(ts, c) = cx.node(e) else {
            return false;
        };
        sum_terms_fixpoint(cx, ts, *c)
    }

    /// [`sum_fixpoint`] of the sum of the terms `ts` and the constant `c`.
    fn sum_terms_fixpoint(cx: &crate::Context, ts: &[(Expr, i64)], c: i64) -> bool {
        if ts.len() > 8 {
            return false;
        }
        let (mut quotient, mut absorbing) = (false, 0);
        let mut bases: smallvec::SmallVec<[Expr; 8]> = smallvec::SmallVec::new();
        for &(t, k) in ts.iter() {
            match cx.node(t) {
                Node::FloorDiv(a, d) if cx.as_int(*d).is_some_and(|v| v > 0) => {
                    if quotient {
                        return false;
                    }
                    quotient = true;
                    if let Node::Add(xs, ka) = cx.node(*a) {
                        if c != 0 && *ka != 0 && c.checked_rem(k) == Some(0) {
                            absorbing += 1;
                        }
                        if k < 0 && xs.first().is_some_and(|x| x.1 < 0) {
                            return false;
                        }
                    }
                }
                Node::Mul(fs) if fs.iter().any(|f| matches!(cx.node(*f), Node::Add(..))) => {
                    return false;
                }
                Node::Min(_) | Node::Max(_) => return false,
                _ => {}
            }
            // The rule's own view of the term (`split_base` in `simplify/add.rs`).
            let base = crate::simplify::split_base(cx, t);
            if bases.contains(&base) {
                return false;
            }
            bases.push(base);
        }
        // `merge_tied_splits` reads the terms with undecided views in other views;
        // `split_scaled_mod` splits a Mod term at a scale of its dividend.
        absorbing != 1
            && !crate::simplify::tied_pair(cx, ts)
            && !crate::simplify::scaled_mod_candidate(cx, ts)
            && {
                let mut one = smallvec::SmallVec::new();
                crate::simplify::cofactor_pairs(cx, ts, true, false, &mut one);
                one.is_empty()
            }
    }

    /// Whether `FloorDiv(a, b)` is its own simplification because `a` is a plain polynomial
    /// (no constant) whose coefficients are each coprime with the constant `b = c >= 2`, and each
    /// rule `apply_rules` tries on it fails (under facts without symbolic bounds or bounded atoms,
    /// [`seed_fixpoints`]):
    ///
    /// - `PointInterval` is asked only where assumptions bound a sub-expression;
    /// - `rules_floordiv`: `c` is neither 0, 1, -1 nor negative (`FdByOne`, `FdNegDivisor`), `a`
    ///   is no constant (`FdZero`) and not `b` (`FdSelf`); the integer content of `a` and `c` is
    ///   1, a coefficient being coprime with `c` (`FdGcd`); in `floordiv_const`, no coefficient
    ///   is a multiple of `c` (`FdPullMultiples` has nothing to pull), `FdRange` fails when `a`'s
    ///   interval spans more than one multiple of `c` (checked) and its bound-list variant needs
    ///   symbolic bounds, the residue drop needs a coefficient sharing a factor with `c`, and a
    ///   plain polynomial is neither a FloorDiv nor a Mod (`FdNested`, `floordiv_of_mod`);
    /// - `affine_on_small_range` needs `a` to have one symbol, with a range of fewer than
    ///   `SMALL_RANGE` values (checked);
    /// - `expand_operands` needs an operand that is a sum and no plain polynomial.
    fn floordiv_fixpoint(s: &mut Session<'_>, a: Expr, b: Expr) -> bool {
        let Node::Int(c) = *s.cx.node(b) else {
            return false;
        };
        if c < 2 || !s.cx.is_plain_polynomial(a) {
            return false;
        }
        let coprime = |k: i64| crate::build::gcd(k, c) == 1;
        let shape_ok = match s.cx.node(a) {
            Node::Int(_) => false,
            Node::Add(ts, _) => ts.iter().all(|(_, k)| coprime(*k)),
            _ => true,
        };
        if !shape_ok {
            return false;
        }
        quotient_spans(s, a, c)
    }

    /// Whether `FloorDiv(a, c)` (for `c >= 2`) escapes `FdRange` and `affine_on_small_range`:
    /// `a`'s interval spans more than one multiple of `c`, and `a` has two symbols or more, or
    /// one whose range is not small (unbounded, not an integer, or at least `SMALL_RANGE` values).
    fn quotient_spans(s: &mut Session<'_>, a: Expr, c: i64) -> bool {
        // A symbol `x` (the commonest numerator, `FloorDiv(s0, 2)`): its interval is what
        // `iv` answers for it (`sym_iv`, not memoized by `iv`), and it is its own sole symbol,
        // so the steps below read `sym_iv` once, without `iv`'s memo lookup and the mask.
        let (x, known) = if let Node::Sym(x) = *s.cx.node(a) {
            let iv = s.sym_iv(x);
            if iv.one_quotient(c).is_some() {
                return false;
            }
            (x, Some(iv))
        } else {
            let (iv, single) = match linear_sum_iv(s, a) {
                Some((iv, single)) => (iv, single),
                None => (s.iv(a), None),
            };
            if iv.one_quotient(c).is_some() {
                return false;
            }
            // `k*x + c` (`s53 + 6`, the next commonest): its one symbol is `x`, whose interval
            // `linear_sum_iv` read (`sole_symbol` answers `x`: the sum's only symbol).
            if let Some((x, xiv)) = single {
                (x, Some(xiv))
            } else {
                let Some(x) = s.cx.sole_symbol(&[a]) else {
                    // Two symbols or more: `affine_on_small_range` declines.
                    return true;
                };
                (x, None)
            }
        };
        if s.cx.sym_ty(x) != Ty::Int {
            return true;
        }
        let iv = match known {
            Some(iv) => iv,
            None => s.sym_iv(x),
        };
        match (iv.lo_i64(), iv.hi_i64()) {
            (Some(lo), Some(hi)) => {
                hi >= lo && i128::from(hi) - i128::from(lo) >= crate::simplify::SMALL_RANGE
            }
            _ => true,
        }
    }

    /// The interval `iv` answers for a sum of at most four symbols (`s53 + 6`), computed and
    /// recorded in the session's memo as its `linear_iv` does (the constant's point plus each
    /// term's scaled interval, in order), without its memo lookup first; `None` for anything
    /// else. With it, for a sum of one term `k*x`, `x` and its interval (`sym_iv`, read here).
    fn linear_sum_iv(
        s: &mut Session<'_>,
        a: Expr,
    ) -> Option<(
        crate::interval::Iv,
        Option<(crate::expr::Symbol, crate::interval::Iv)>,
    )> {
        let Node::Add(ts, c) = s.cx.node(a) else {
            return None;
        };
        let (n, c) = (ts.len(), *c);
        if n > 4
            || !ts
                .iter()
                .all(|(t, _)| matches!(s.cx.node(*t), Node::Sym(_)))
        {
            return None;
        }
        let mut acc = crate::interval::Iv::point(c);
        let mut single = None;
        for i in 0..n {
            let Node::Add(ts, _) = s.cx.node(a) else {
                return None;
            };
            let (t, k) = ts[i];
            let Node::Sym(x) = *s.cx.node(t) else {
                return None;
            };
            let xiv = s.sym_iv(x);
            if n == 1 {
                single = Some((x, xiv));
            }
            // (`add_scaled`: `add` of `scale`, as `linear_iv` steps, inlined.)
            acc = acc.add_scaled(&xiv, k);
        }
        s.s.iv.insert(a, acc);
        Some((acc, single))
    }

    /// Whether `FloorDiv(a, c)` is its own simplification because `a` is a product (a `Mul`
    /// node, a fixpoint: recorded or checked by the caller) and `b = c >= 2` a constant, under
    /// facts without symbolic bounds or bounded atoms ([`seed_fixpoints`]): `FloorDiv(s27*
    /// FloorDiv(s0, FloorDiv(s0, 2))*FloorDiv(s53, FloorDiv(s53, 2)), 4)`. The rules
    /// `apply_rules` tries on it:
    ///
    /// - `PointInterval` is asked only where assumptions bound a sub-expression;
    /// - `rules_floordiv`: `c` is neither 0, 1, -1, `i64::MIN` nor negative (`FdByOne`,
    ///   `FdNegDivisor`), `a` is no constant (`FdZero`) and not `b` (`FdSelf`); `FdGcd`: the
    ///   integer content of a node that is not a sum or constant is 1 (`int_content`); then
    ///   `floordiv_const`, whose answer is the rule's: `a` is its one term with coefficient 1,
    ///   not a multiple of `c` (`FdPullMultiples` has nothing to pull), `FdRange` fails when
    ///   `a`'s interval spans more than one multiple of `c` (checked) and its bound-list variant
    ///   needs symbolic bounds, the residue drop needs two terms or a constant, and a product is
    ///   neither a FloorDiv nor a Mod (`FdNested`, `floordiv_of_mod`);
    /// - `affine_on_small_range` needs one symbol with a range of fewer than `SMALL_RANGE`
    ///   values (checked, [`quotient_spans`]);
    /// - `expand_operands` needs an operand that is a sum.
    fn product_quotient_fixpoint(s: &mut Session<'_>, a: Expr, b: Expr) -> bool {
        let Some(c) = s.cx.as_int(b) else {
            return false;
        };
        c >= 2 && matches!(s.cx.node(a), Node::Mul(..)) && quotient_spans(s, a, c)
    }

    /// Whether `FloorDiv(x, FloorDiv(x, k))` (the operands `a` and `b`, both fixpoints) is its
    /// own simplification: `x` an integer symbol whose interval is nonempty, reaches 0 and is
    /// not small, `k >= 2`, no modular facts or assumed truths (under facts without symbolic
    /// bounds or bounded atoms, [`seed_fixpoints`]). The rules `apply_rules` tries on it:
    ///
    /// - `PointInterval` is asked only where assumptions bound a sub-expression;
    /// - `rules_floordiv`: the divisor is no constant and not `x`, `x` no constant (`FdByOne`,
    ///   `FdZero`, `FdSelf`, `FdNegDivisor`, `floordiv_const`); `FdOwnQuotient` fails (checked:
    ///   its own function); `FdGcd`: the content of `x` and `FloorDiv(x, k)` is 1 (monomials
    ///   with coefficient 1 and the distinct atoms `x` and `FloorDiv(x, k)`); in
    ///   `floordiv_symbolic`, the monomial divisor `FloorDiv(x, k)` divides no monomial of `x`
    ///   (`FdPullMultiples`), the divisor is no sum (`divide_by_sum`, `FdPullSumMultiples`);
    ///   `FdRange` to 0 needs `x >= 0` and `x < FloorDiv(x, k)` proven, but at every point
    ///   `x >= 0` gives `x >= FloorDiv(x, k)` (k >= 1), and the domain of x is nonempty, so sound
    ///   intervals cannot prove both; `FdRange` to -1 needs `x`'s interval at most -1 (its
    ///   upper end is checked >= 0); `x` is neither a Mod (`floordiv_of_mod`) nor a FloorDiv
    ///   (`FdNested`); `FdExact`: `x` is no polynomial multiple of the atom `FloorDiv(x, k)`;
    /// - `affine_on_small_range`: `x`'s range spans at least `SMALL_RANGE` values (checked);
    /// - `expand_operands` needs an operand that is a sum.
    fn own_quotient_fixpoint(s: &mut Session<'_>, a: Expr, b: Expr) -> bool {
        let Node::Sym(x) = *s.cx.node(a) else {
            return false;
        };
        let Node::FloorDiv(a2, kd) = *s.cx.node(b) else {
            return false;
        };
        if a2 != a || s.cx.as_int(kd).is_none_or(|k| k < 2) || s.cx.sym_ty(x) != Ty::Int {
            return false;
        }
        if !s.s.d.mod_facts.is_empty() || !s.s.d.truths.is_empty() {
            return false;
        }
        let iv = s.sym_iv(x);
        if iv.lo > iv.hi || iv.hi < 0 {
            return false;
        }
        if let (Some(lo), Some(hi)) = (iv.lo_i64(), iv.hi_i64())
            && i128::from(hi) - i128::from(lo) < crate::simplify::SMALL_RANGE
        {
            return false;
        }
        s.own_quotient_at_least_square(a, b).is_none()
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::Context;

        /// Every node [`seed_fixpoints`] records as its own simplification is one: the simplifier,
        /// in a fresh session under the same facts, answers it unchanged. Random FloorDivs of plain
        /// polynomials (and products of them) under random constant ranges, small and wide.
        #[test]
        fn seeded_nodes_are_fixpoints() {
            let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0031);
            let polys = [
                "x",
                "y",
                "x + y",
                "2*x + 1",
                "3*x - 5",
                "x*y",
                "x - 1",
                "x + 6",
                "4*x + 2",
                "x**2",
                "-x",
                "6*x + 3*y",
                "x + 2*y - 7",
            ];
            let ranges = [
                ("1", ""),
                ("0", "3"),
                ("0", "20"),
                ("5", "9"),
                ("-10", "100"),
                ("0", "15"),
                ("3", "18"),
                ("", ""),
                ("4", "100"),
                ("2", "60"),
                ("-3", "40"),
            ];
            let (mut recorded, mut total) = (0, 0);
            for _ in 0..4000 {
                let mut cx = Context::new();
                for s in ["x", "y"] {
                    let (lo, hi) = ranges[next(ranges.len() as u64) as usize];
                    if !lo.is_empty() {
                        cx.set_range_str(s, lo, hi).unwrap();
                    }
                }
                let c = [2, 3, 4, 5, 7, 8, 16, 64][next(8) as usize];
                let p = polys[next(polys.len() as u64) as usize];
                let q = polys[next(polys.len() as u64) as usize];
                let text = match next(7) {
                    0 => format!("FloorDiv({p}, {c})"),
                    1 => format!("FloorDiv({p}, {c})*FloorDiv({q}, {c})"),
                    3 => format!("FloorDiv(x, FloorDiv(x, {c}))*FloorDiv({q}, {c})"),
                    4 => format!("y*FloorDiv(y, FloorDiv(y, {c})) - FloorDiv(x, FloorDiv(x, {c}))"),
                    5 => format!("FloorDiv(y*FloorDiv(x, FloorDiv(x, 2))*FloorDiv({q}, {c}), {c})"),
                    6 => format!(
                        "x*FloorDiv(x*FloorDiv(y, {c}), {c}) - FloorDiv(x*y*FloorDiv(x, FloorDiv(x, {c})), 3)"
                    ),
                    _ => format!("y*FloorDiv({p}, {c}) - FloorDiv({q}, {c})*x"),
                };
                let e = cx.parse(&text).unwrap();
                let mut s = Session::new(&mut cx);
                seed_fixpoints(&mut s, e, None);
                let mut nodes: Vec<Expr> = Vec::new();
                let mut stack = vec![e];
                while let Some(n) = stack.pop() {
                    total += 1;
                    if !s.cx.is_simplify_leaf(n) && s.s.simp.get(&n) == Some(&n) {
                        nodes.push(n);
                    }
                    stack.extend(s.cx.node(n).kids().iter());
                }
                drop(s);
                for n in nodes {
                    recorded += 1;
                    let mut fresh = Session::new(&mut cx);
                    let got = fresh.simp(n);
                    assert_eq!(got, n, "{text}: {} is not a fixpoint", fresh.cx.display(n));
                }
            }
            assert!(
                recorded * 10 > total,
                "too few recorded: {recorded}/{total}"
            );
        }

        /// A context with random ranges for `x` and `y` from `ranges` (`("", "")`: unbounded),
        /// and, one time in eight, a symbolic end (`y` in `[0, x]`) or an assumption.
        fn random_facts(next: &mut impl FnMut(u64) -> u64, ranges: &[(&str, &str)]) -> Context {
            let mut cx = Context::new();
            for v in ["x", "y"] {
                let (lo, hi) = ranges[next(ranges.len() as u64) as usize];
                if !lo.is_empty() {
                    cx.set_range_str(v, lo, hi).unwrap();
                }
            }
            match next(16) {
                0 => {
                    let _ = cx.set_range_str("y", "0", "x");
                }
                1 => {
                    let p = cx.parse("x + y >= 3").unwrap();
                    let _ = cx.assume(p);
                }
                _ => {}
            }
            cx
        }

        /// The constant ranges (lower, upper; empty for infinite) the seeding tests of sums
        /// with a FloorDiv term draw from: open above, small, wide, negative, a two-value range,
        /// and the ends of i64.
        const SEEDED_RANGES: [(&str, &str); 10] = [
            ("1", ""),
            ("1", ""),
            ("0", "3"),
            ("0", "20"),
            ("5", "9"),
            ("-10", "100"),
            ("", ""),
            ("4", "100"),
            ("6", "7"),
            ("-9223372036854775807", "9223372036854775806"),
        ];

        /// The constants `c` of the numerators `k*x + c` the seeding's tests of a shifted
        /// quotient draw from: small ones of both signs and the ends of i64.
        const SHIFT_CONSTANTS: [i64; 9] = [
            1,
            -1,
            5,
            -6,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
            i64::MAX - 3,
            1 << 62,
        ];

        /// Whether [`seed_fixpoints`] recorded `f` as another node (checked against the
        /// simplifier by [`recorded_are_the_simplifier`]).
        fn seeded_to_another(cx: &mut Context, f: Expr, what: &str) -> bool {
            let recorded = recorded_are_the_simplifier(cx, f, what);
            recorded.iter().any(|&(n, r)| n == f && r != f)
        }

        /// Seeds `e`'s fixpoints and checks every node recorded (and what it is recorded as)
        /// against a fresh session's simplifier under the same facts; the recorded pairs. The
        /// sum of one term that `seed_fixpoints` answers for `e` ([`absorbed_constant`],
        /// neither built nor recorded) counts as recorded: built here (it always is), as
        /// `e`'s simplification and as its own.
        fn recorded_are_the_simplifier(cx: &mut Context, e: Expr, what: &str) -> Vec<(Expr, Expr)> {
            let mut s = Session::new(cx);
            let absorbed = seed_fixpoints(&mut s, e, None);
            let mut recorded: Vec<(Expr, Expr)> = Vec::new();
            if let Some((t, m)) = absorbed {
                let n =
                    s.cx.add_terms(&[(t, m)], 0)
                        .expect("a sum of one term is built");
                recorded.push((e, n));
                recorded.push((n, n));
            }
            let mut stack = vec![e];
            while let Some(n) = stack.pop() {
                if let Some(r) = s.s.simp.get(&n) {
                    recorded.push((n, *r));
                    if *r != n {
                        stack.push(*r);
                    }
                }
                stack.extend(s.cx.node(n).kids().iter());
            }
            drop(s);
            for &(n, r) in &recorded {
                let mut fresh = Session::new(cx);
                let got = fresh.simp(n);
                assert_eq!(
                    got,
                    r,
                    "{what}: {} recorded as {}, simplified to {}",
                    fresh.cx.display(n),
                    fresh.cx.display(r),
                    fresh.cx.display(got)
                );
            }
            recorded
        }

        /// Every sum [`seed_fixpoints`] records as its own simplification ([`sum_fixpoint`]) is
        /// one, in a fresh session under the same facts (and so is every other node it records):
        /// random sums of one to four terms over FloorDivs (shared numerators, nested, negated
        /// with a negative leading numerator), Mods, Min/Max, products (of FloorDivs, with a sum
        /// factor), symbols and constants, random coefficients and constants, under random
        /// ranges, small and wide, sometimes a symbolic range end or an assumption.
        #[test]
        fn seeded_sums_are_fixpoints() {
            let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_003A);
            let terms = [
                "x",
                "y",
                "x*y",
                "FloorDiv(x, 4)",
                "FloorDiv(y, 4)",
                "FloorDiv(x, 2)",
                "FloorDiv(x + 3, 4)",
                "FloorDiv(-x + 5, 4)",
                "FloorDiv(x - 1, 8)",
                "FloorDiv(FloorDiv(x, 2), 3)",
                "Mod(x, 4)",
                "Mod(FloorDiv(x, 2), 4)",
                "Mod(4*x + y, 16)",
                "x*FloorDiv(y, 4)",
                "y*FloorDiv(x, 4)",
                "FloorDiv(x, 4)*FloorDiv(y, 4)",
                "FloorDiv(x - 1, 8)*FloorDiv(y - 1, 8)",
                "x*FloorDiv(x, FloorDiv(x, 2))",
                "FloorDiv(x, FloorDiv(x, 4))",
                "y*(x + 1)",
                "Max(1, FloorDiv(y, 2))",
                "Min(x, y)",
                "x*Mod(y, 3)",
            ];
            let ks = [1, -1, 2, -2, 3, 4, -4, 7, -7];
            // (Without the two-value range and the ends of i64.)
            let ranges = &SEEDED_RANGES[..8];
            let (mut sums, mut recorded, mut total) = (0, 0, 0);
            for _ in 0..4000 {
                let mut cx = random_facts(&mut next, ranges);
                let n = 1 + next(4) as usize;
                let mut text: Vec<String> = (0..n)
                    .map(|_| {
                        let k = ks[next(ks.len() as u64) as usize];
                        format!("{k}*{}", terms[next(terms.len() as u64) as usize])
                    })
                    .collect();
                if next(3) == 0 {
                    text.push(format!("{}", ks[next(ks.len() as u64) as usize] * 3));
                }
                let text = text.join(" + ");
                let e = cx.parse(&text).unwrap();
                if !matches!(cx.node(e), Node::Add(..)) || cx.is_simplify_leaf(e) {
                    continue;
                }
                total += 1;
                let found = recorded_are_the_simplifier(&mut cx, e, &text);
                recorded += found.len();
                if found.iter().any(|&(m, r)| m == e && r == e) {
                    sums += 1;
                }
            }
            assert!(
                sums * 10 > total && sums * 10 < total * 9,
                "sums recorded: {sums}/{total} ({recorded} nodes)"
            );
        }

        /// What [`seed_fixpoints`] records for a sum `m*FloorDiv(p, c) + k` (the constant taken
        /// into the quotient, [`absorbed_constant`]) is what the simplifier answers for it, in
        /// a fresh session under the same facts, and so for every node it records: random
        /// numerators (with and without a constant, leading coefficient of either sign),
        /// coefficients, constants (multiples of the coefficient and not, at the ends of i64)
        /// and divisors under random constant ranges, small and wide, sometimes a symbolic
        /// range end or an assumption.
        #[test]
        fn absorbed_constants_are_the_simplifier() {
            let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0039);
            let polys = [
                "x + 6",
                "x - 1",
                "x + 1",
                "2*x + 1",
                "3*x - 5",
                "-x + 4",
                "x + y - 7",
                "x*y + 3",
                "x",
                "4*x + 2",
                "-2*x - 3",
                "x + 9223372036854775806",
            ];
            let ms = [1, -1, 7, -7, 2, -2, 3, 4, i64::MAX, i64::MIN];
            let ks = [1, -1, 2, -2, 7, -7, 14, 6, -12, 21, i64::MIN, i64::MAX];
            let (mut seeded, mut total) = (0, 0);
            for _ in 0..6000 {
                let mut cx = random_facts(&mut next, &SEEDED_RANGES);
                let c = [2, 3, 4, 7, 8, 64][next(6) as usize];
                let p = polys[next(polys.len() as u64) as usize];
                let m = ms[next(ms.len() as u64) as usize];
                let k = if next(2) == 0 {
                    m.checked_mul(ks[next(4) as usize]).unwrap_or(m)
                } else {
                    ks[next(ks.len() as u64) as usize]
                };
                let Ok(fd) = cx.parse(&format!("FloorDiv({p}, {c})")) else {
                    continue;
                };
                let Some(f) = cx.add_terms(&[(fd, m)], k) else {
                    continue;
                };
                total += 1;
                let what = format!("{m}*FloorDiv({p}, {c}) + {k}");
                seeded += usize::from(seeded_to_another(&mut cx, f, &what));
            }
            assert!(seeded * 10 > total, "too few seeded: {seeded}/{total}");
        }

        /// What [`seed_fixpoints`] records for a sum `a*x + b*FloorDiv(x, e) + c` (the two
        /// terms merged into a remainder, [`split_sub_div`]) is what the simplifier answers
        /// for it, in a fresh session under the same facts, and so for every node it records:
        /// random coefficients (`b = -a*e` mostly, at the ends of i64 too, and others),
        /// constants, divisors and quotients of other numerators (`x + 1`, `y`, `2*x`, a nested
        /// FloorDiv) under random constant ranges, small and wide, sometimes a symbolic range
        /// end, an assumption or a modular fact.
        #[test]
        fn split_sub_divs_are_the_simplifier() {
            let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0041);
            let nums = ["x", "x", "x", "x + 1", "y", "2*x", "FloorDiv(x, 3)"];
            let syms = ["x", "x", "x", "y"];
            let as_ = [1, -1, 2, -2, 3, -32, 7, i64::MAX, i64::MIN, i64::MAX / 2];
            let cs = [0, 0, 0, -1, 1, 5, -7, i64::MIN, i64::MAX];
            let (mut seeded, mut total) = (0, 0);
            for _ in 0..8000 {
                let mut cx = random_facts(&mut next, &SEEDED_RANGES);
                if next(10) == 0 {
                    let m = cx.parse("Eq(Mod(x, 2), 0)").unwrap();
                    let _ = cx.assume(m);
                }
                let e = [2, 2, 3, 4, 7, 8, 64, 1, -2][next(9) as usize];
                // (Half the time the shape that is seeded, the other half any.)
                let (num, sym) = match next(2) {
                    0 => ("x", "x"),
                    _ => (
                        nums[next(nums.len() as u64) as usize],
                        syms[next(syms.len() as u64) as usize],
                    ),
                };
                let a = as_[next(as_.len() as u64) as usize];
                let b = match next(4) {
                    0 => as_[next(as_.len() as u64) as usize],
                    _ => a.checked_mul(e).and_then(i64::checked_neg).unwrap_or(a),
                };
                let c = cs[next(cs.len() as u64) as usize];
                let (Ok(fd), Ok(xe)) = (cx.parse(&format!("FloorDiv({num}, {e})")), cx.parse(sym))
                else {
                    continue;
                };
                let terms = if next(2) == 0 {
                    [(xe, a), (fd, b)]
                } else {
                    [(fd, b), (xe, a)]
                };
                let Some(f) = cx.add_terms(&terms, c) else {
                    continue;
                };
                total += 1;
                let what = format!("{a}*{sym} + {b}*FloorDiv({num}, {e}) + {c}");
                seeded += usize::from(seeded_to_another(&mut cx, f, &what));
            }
            assert!(seeded * 10 > total, "too few seeded: {seeded}/{total}");
        }

        /// [`one_term_fits`] answers what `fits_i64` does: random numerators `k*x + c` (the
        /// coefficients and constants up to the i64 limits) and others, under random ranges
        /// (open, small, negative, the ends of i64; symbolic ends and assumptions too), each
        /// asked of a fresh session, after the sum's interval is recorded as
        /// [`absorbed_constant`] has it (by [`quotient_spans`]) or not. Checked to fail with the
        /// symbol's interval not cut to i64 (leaving out the intersection with the sum's own
        /// interval changed no answer here; it is kept, as `fits_iv_given` has it).
        #[test]
        fn one_term_fits_is_fits_i64() {
            let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0043);
            let ks = [
                1,
                -1,
                2,
                3,
                -7,
                i64::MAX,
                i64::MIN + 1,
                i64::MAX / 2,
                1 << 40,
            ];
            let consts = SHIFT_CONSTANTS;
            let others = ["x", "x + y + 1", "x*y + 2", "FloorDiv(x, 3) + 1", "-x"];
            let (mut fit, mut total) = (0, 0);
            for _ in 0..8000 {
                let mut cx = random_facts(&mut next, &SEEDED_RANGES);
                let num = match next(4) {
                    0 => others[next(others.len() as u64) as usize].to_string(),
                    _ => format!(
                        "({})*x + ({})",
                        ks[next(ks.len() as u64) as usize],
                        consts[next(consts.len() as u64) as usize]
                    ),
                };
                let Ok(na) = cx.parse(&num) else { continue };
                let recorded = next(2) == 0;
                let got = {
                    let mut s = Session::new(&mut cx);
                    if recorded {
                        quotient_spans(&mut s, na, 7);
                    }
                    one_term_fits(&mut s, na)
                };
                let want = {
                    let mut s = Session::new(&mut cx);
                    if recorded {
                        quotient_spans(&mut s, na, 7);
                    }
                    s.fits_i64(na)
                };
                assert_eq!(got, want, "{num}");
                total += 1;
                fit += usize::from(got);
            }
            assert!(fit * 4 > total && fit * 4 < 3 * total, "{fit} of {total}");
        }

        /// [`quotient_spans`] against the steps it stands for, each asked of a fresh session:
        /// `iv` of the numerator (one quotient: `false`), then its sole symbol (none: `true`),
        /// then that symbol's type and interval (`sym_iv`), on random numerators (a symbol,
        /// `k*x + c` with coefficients and constants up to the i64 limits, sums of two symbols
        /// and others) and divisors, under random ranges (symbolic ends and assumptions too).
        /// Checked to fail with the symbol of `k*x + c` taken as `y`, and with its interval
        /// taken as the sum's.
        #[test]
        fn quotient_spans_is_its_steps() {
            let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0042);
            let nums = [
                "x",
                "y",
                "x + 6",
                "x - 1",
                "2*x + 1",
                "-x + 3",
                "-3*y - 7",
                "x + y",
                "x - y + 1",
                "x*y",
                "FloorDiv(x, 3) + 1",
            ];
            let ks = [1, 2, -1, 7, i64::MAX, i64::MIN + 1];
            let consts = [1, 6, -1, i64::MAX, i64::MIN + 1];
            let divisors = [2, 3, 7, 16, 64, i64::MAX];
            let (mut single, mut total) = (0, 0);
            for _ in 0..6000 {
                let mut cx = random_facts(&mut next, &SEEDED_RANGES);
                let num = match next(3) {
                    0 => {
                        let (k, c) = (
                            ks[next(ks.len() as u64) as usize],
                            consts[next(consts.len() as u64) as usize],
                        );
                        format!("({k})*x + ({c})")
                    }
                    _ => nums[next(nums.len() as u64) as usize].to_string(),
                };
                let c = divisors[next(divisors.len() as u64) as usize];
                let Ok(a) = cx.parse(&num) else { continue };
                total += 1;
                if matches!(cx.node(a), Node::Add(ts, _) if ts.len() == 1) {
                    single += 1;
                }
                let got = quotient_spans(&mut Session::new(&mut cx), a, c);
                let mut s = Session::new(&mut cx);
                let want = if s.iv(a).one_quotient(c).is_some() {
                    false
                } else {
                    match s.cx.sole_symbol(&[a]) {
                        None => true,
                        Some(x) if s.cx.sym_ty(x) != Ty::Int => true,
                        Some(x) => {
                            let iv = s.sym_iv(x);
                            match (iv.lo_i64(), iv.hi_i64()) {
                                (Some(lo), Some(hi)) => {
                                    hi >= lo
                                        && i128::from(hi) - i128::from(lo)
                                            >= crate::simplify::SMALL_RANGE
                                }
                                _ => true,
                            }
                        }
                    }
                };
                assert_eq!(got, want, "FloorDiv({num}, {c})");
            }
            assert!(single > 1500 && total > 5000, "{single} of {total}");
        }

        /// [`shifted_quotient_fits`] against `floordiv_fixpoint && one_term_fits`, each in a
        /// fresh session under the same facts (random ranges, symbolic ends and assumptions
        /// too), on random numerators (`k*x + c` and `k*y + c` with coefficients coprime or not
        /// with the divisor and constants up to the i64 limits, and others) and divisors: the
        /// same answer, and where the two record the numerator's interval, the interval `iv`
        /// answers for it after `shifted_quotient_fits` (which does not). Half the sessions have
        /// the symbols' intervals in the memo first (a walk of a sum over both). Checked to fail
        /// with the coefficient's coprimality test left out, with the small-range test left
        /// out, and with the numerator's interval taken as the symbol's.
        #[test]
        fn shifted_quotient_fits_is_its_steps() {
            let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0044);
            let others = ["x", "x + y + 1", "x*y + 2", "FloorDiv(x, 3) + 1", "-x", "7"];
            let ks = [1, -1, 2, 3, -7, 7, 14, i64::MAX, i64::MIN + 1, 1 << 40];
            let consts = SHIFT_CONSTANTS;
            let divisors = [2, 3, 7, 16, 64, i64::MAX];
            let (mut fit, mut total) = (0, 0);
            for _ in 0..8000 {
                let mut cx = random_facts(&mut next, &SEEDED_RANGES);
                let num = match next(5) {
                    0 => others[next(others.len() as u64) as usize].to_string(),
                    r => format!(
                        "({})*{} + ({})",
                        ks[next(ks.len() as u64) as usize],
                        if r == 1 { "y" } else { "x" },
                        consts[next(consts.len() as u64) as usize]
                    ),
                };
                let dv = divisors[next(divisors.len() as u64) as usize];
                let Ok(na) = cx.parse(&num) else { continue };
                let d = cx.int(dv);
                let walked = cx.parse("x + 2*y").unwrap();
                let pre = next(2) == 0;
                let (got, got_iv) = {
                    let mut s = Session::new(&mut cx);
                    if pre {
                        s.iv(walked);
                    }
                    let r = shifted_quotient_fits(&mut s, na, d, dv);
                    // (Recorded or not: what `iv` answers when asked.)
                    (r, Some(s.iv(na)))
                };
                let (want, want_iv) = {
                    let mut s = Session::new(&mut cx);
                    if pre {
                        s.iv(walked);
                    }
                    let r = floordiv_fixpoint(&mut s, na, d) && one_term_fits(&mut s, na);
                    (r, s.s.iv.get(&na).copied())
                };
                assert_eq!(got, want, "FloorDiv({num}, {dv})");
                if want_iv.is_some() {
                    assert_eq!(got_iv, want_iv, "FloorDiv({num}, {dv})");
                }
                total += 1;
                fit += usize::from(got);
            }
            assert!(fit * 10 > total && fit * 10 < 9 * total, "{fit} of {total}");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::simplify::Session;
    use crate::solve::RelOp;
    use crate::{Context, Truth};

    /// A fresh context for the seeded-against-unseeded tests: the ranges `picks` (`(lo, hi)`,
    /// an empty `lo`: none) of `names` in order, then by `extra` the last name in `[0, x - 1]`
    /// (0), the assumption `FloorDiv(x, 2) >= 3` (1) or nothing, and `text` parsed (`None`
    /// where it is refused).
    fn ranged_context(
        names: &[&str],
        picks: &[(&str, &str)],
        extra: u64,
        text: &str,
    ) -> Option<(Context, crate::Expr)> {
        let mut cx = Context::new();
        for (s, (lo, hi)) in names.iter().zip(picks) {
            if !lo.is_empty() {
                cx.set_range_str(s, lo, hi).unwrap();
            }
        }
        match extra {
            0 => cx
                .set_range_str(names[names.len() - 1], "0", "x - 1")
                .unwrap(),
            1 => {
                let a = cx.parse("FloorDiv(x, 2) >= 3").unwrap();
                cx.assume(a).unwrap();
            }
            _ => {}
        }
        let e = cx.parse(text).ok()?;
        Some((cx, e))
    }

    /// The answers of `solve_general` and of `solve_general_unseeded` for `x`, each in its own
    /// context from `setup` (as requests have), printed (with the solution's `defined_where`
    /// when `with_defined`); `None` where `setup` refuses the text.
    fn seeded_and_unseeded(
        setup: &dyn Fn() -> Option<(Context, crate::Expr)>,
        x: &str,
        with_defined: bool,
    ) -> Option<(String, String)> {
        let (mut a, ea) = setup()?;
        let (mut b, eb) = setup()?;
        let (xa, xb) = (a.symbol(x).unwrap(), b.symbol(x).unwrap());
        let got = a.solve_general(ea, xa);
        let plain = b.solve_general_unseeded(eb, xb);
        Some((
            shown(&a, &got, with_defined),
            shown(&b, &plain, with_defined),
        ))
    }

    /// A solver's answer printed for comparison (with the solution's `defined_where` when
    /// `with_defined`).
    fn shown(cx: &Context, r: &crate::SolveResult, with_defined: bool) -> String {
        use crate::SolveResult;
        match r {
            SolveResult::Solved(sol) if with_defined => format!(
                "{} / {:?}",
                cx.display_solution(sol),
                sol.defined_where
                    .iter()
                    .map(|d| cx.display(*d))
                    .collect::<Vec<_>>()
            ),
            SolveResult::Solved(sol) => cx.display_solution(sol),
            SolveResult::Unsolved(why) => format!("unsolved: {why} ({:?})", why.kind),
        }
    }

    /// Where the seeding answers a relation's difference as a sum of one term `m*t`
    /// ([`super::seed::seed_fixpoints`], `FdAbsorbConst`'s shape: `7 < 7*FloorDiv(x + 6, 7)`),
    /// the solver starts from that term without building the sum ([`super::Solver::run_term`]):
    /// the answer is the path's without seeding ([`Context::solve_general_unseeded`], which
    /// simplifies the difference and solves what it answers). Random relations
    /// `m*FloorDiv(p, c) + k OP j` (coefficients and constants at the ends of i64 too) under
    /// random ranges, small and wide, sometimes an assumption or a symbolic range end.
    #[test]
    fn absorbed_terms_solve_as_the_simplifier() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0041);
        let polys = [
            "x + 6",
            "x - 1",
            "x + 1",
            "2*x + 1",
            "3*x - 5",
            "-x + 4",
            "x + y - 7",
            "x*y + 3",
            "y + 2",
            "4*x + 2",
            "-2*x - 3",
            "x - 9223372036854775807",
        ];
        let ms: [i64; 9] = [1, -1, 7, -7, 2, -2, 3, 4, i64::MAX];
        let consts: [i64; 12] = [1, -1, 2, 7, -7, 14, 6, -12, 21, 0, -i64::MAX, i64::MAX];
        let ranges = [
            ("1", ""),
            ("0", "3"),
            ("5", "9"),
            ("-10", "100"),
            ("1", "64"),
            ("", ""),
            ("2", "300"),
        ];
        let (mut started, mut total) = (0, 0);
        for _ in 0..6000 {
            let c = [2, 3, 4, 7, 8, 64][next(6) as usize];
            let p = polys[next(polys.len() as u64) as usize];
            let m = ms[next(ms.len() as u64) as usize];
            let k = consts[next(consts.len() as u64) as usize];
            // The other side's constant: mostly `k` minus a multiple of `m` (`FdAbsorbConst`
            // needs `m | k - j`), at the ends of i64 too.
            let j = match next(4) {
                0 => consts[next(consts.len() as u64) as usize],
                _ => k.saturating_sub(m.saturating_mul([1, -1, 2, 3][next(4) as usize])),
            };
            let op = ["Eq", "Ne", "Lt", "Le", "Gt", "Ge"][next(6) as usize];
            let text = match next(4) {
                0 | 1 => format!("{op}({m}*FloorDiv({p}, {c}) + {k}, {j})"),
                2 => format!("{op}({j}, {m}*FloorDiv({p}, {c}) + {k})"),
                _ => format!("{op}({k} + {m}*FloorDiv({p}, {c}), {j} + y)"),
            };
            let picks: Vec<(&str, &str)> = (0..2)
                .map(|_| ranges[next(ranges.len() as u64) as usize])
                .collect();
            let extra = next(10);
            let setup = || ranged_context(&["x", "y"], &picks, extra, &text);
            for x in ["x", "y"] {
                let Some((got, plain)) = seeded_and_unseeded(&setup, x, true) else {
                    continue;
                };
                total += 1;
                assert_eq!(got, plain, "{text} for {x}");
                // Whether the solver started from the term (the general path's inputs).
                let Some((mut c, ec)) = setup() else { continue };
                let xc = c.symbol(x).unwrap();
                if let Ok((l, r, _)) = c.solve_checks(ec, xc)
                    && c.sym_ty(xc) == crate::expr::Ty::Int
                    && let Some(f) = c.sub(l, r)
                    && !c.is_plain_polynomial(f)
                {
                    let mut s = Session::new(&mut c);
                    if let Some((t, m)) = super::seed::seed_fixpoints(&mut s, f, None)
                        && m != 1
                        && s.cx.contains_symbol(t, xc)
                    {
                        started += 1;
                    }
                }
            }
        }
        assert!(
            started * 20 > total,
            "too few started from the term: {started}/{total}"
        );
    }

    /// Ranges `(lo, hi)` (empty: unbounded) for the random tests of the shortcuts that look at
    /// points of the box: bounded, half-bounded, unbounded, empty (`[2, 1]`) and pinned.
    const BOX_RANGES: [(&str, &str); 8] = [
        ("1", ""),
        ("0", "3"),
        ("-5", "5"),
        ("2", "1"),
        ("4", "100"),
        ("3", "3"),
        ("", "7"),
        ("", ""),
    ];

    /// [`super::monomials_refused`] (taken by the seeded path) answers exactly what the path
    /// without seeding answers, which builds the difference, simplifies it and runs the solver:
    /// random relations of two single terms (products of symbols, FloorDivs of the real
    /// requests' shapes, a Mod, a Max, a power; a coefficient, at the ends of i64 too) under
    /// random ranges (small ones, where the simplifier's range rules fire, wide, none), with a
    /// symbolic range end or an assumption sometimes (where the seeding steps aside). Fresh
    /// contexts for each path, as requests have.
    #[test]
    fn monomials_refused_is_the_unseeded_answer() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0035);
        let atoms = [
            "x",
            "y",
            "z",
            "FloorDiv(x, 4)",
            "FloorDiv(x, 2)",
            "FloorDiv(y, 4)",
            "FloorDiv(y, 2)",
            "FloorDiv(x + 1, 4)",
            "FloorDiv(x - 1, 8)",
            "FloorDiv(x*y, 4)",
            "FloorDiv(x, FloorDiv(x, 4))",
            "FloorDiv(y, FloorDiv(y, 2))",
            "Mod(x, 4)",
            "Max(1, FloorDiv(x, FloorDiv(x, 4)))",
            "x**2",
            "FloorDiv(z, 7)",
        ];
        let coeffs = [
            "",
            "",
            "",
            "2*",
            "-1*",
            "3*",
            "9223372036854775807*",
            "-9223372036854775807*",
        ];
        let ranges = [
            ("1", ""),
            ("0", "3"),
            ("5", "9"),
            ("-10", "100"),
            ("1", "64"),
            ("", ""),
        ];
        let (mut refused, mut total, mut refuted_seen) = (0, 0, 0);
        for _ in 0..6000 {
            let mut side = || {
                let n = 1 + next(3);
                let fs: Vec<&str> = (0..n)
                    .map(|_| atoms[next(atoms.len() as u64) as usize])
                    .collect();
                format!(
                    "{}{}",
                    coeffs[next(coeffs.len() as u64) as usize],
                    fs.join("*")
                )
            };
            let (l, r) = (side(), side());
            let op = ["Eq", "Ne", "Lt", "Le", "Gt", "Ge"][next(6) as usize];
            let text = format!("{op}({l}, {r})");
            let picks: Vec<(&str, &str)> = (0..3)
                .map(|_| ranges[next(ranges.len() as u64) as usize])
                .collect();
            let extra = next(12);
            let setup = || ranged_context(&["x", "y", "z"], &picks, extra, &text);
            for x in ["x", "y"] {
                let Some((g, p)) = seeded_and_unseeded(&setup, x, false) else {
                    continue;
                };
                total += 1;
                assert_eq!(g, p, "{text} for {x}");
                // The shortcut itself, where it answers (the general path's inputs).
                let Some((mut c, ec)) = setup() else { continue };
                let xc = c.symbol(x).unwrap();
                if let Ok((l, r, _)) = c.solve_checks(ec, xc)
                    && let (Some(tl), Some(tr)) = (super::one_term(&c, l), super::one_term(&c, r))
                {
                    let xe = c.sym(xc);
                    let mut s = Session::new(&mut c);
                    let mut refuted = false;
                    let lean =
                        super::monomials_refused(&mut s, xc, xe, (l, tl), (r, tr), &mut refuted);
                    if refuted {
                        // The claim the seeding takes: the difference is no fixpoint it would
                        // record (the facts decline, or the sum's own check fails).
                        assert!(lean.is_none());
                        let f = s.cx.sub(l, r).unwrap();
                        let declined = s.s.d.has_atom_facts()
                            || !s.s.d.upper.is_empty()
                            || !s.s.d.lower.is_empty();
                        assert!(
                            declined || !super::seed::sum_fixpoint(&s, f),
                            "{text} for {x}"
                        );
                        refuted_seen += 1;
                    }
                    if let Some(lean) = lean {
                        drop(s);
                        assert_eq!(shown(&c, &lean, false), p, "{text} for {x}");
                        refused += 1;
                    }
                }
            }
        }
        assert!(refused * 20 > total, "too few refused: {refused}/{total}");
        assert!(
            refuted_seen * 20 > total,
            "too few refuted: {refuted_seen}/{total}"
        );
    }

    /// Where [`super::both_truths_seen`] sees both truth values, the prover answers `Unknown`
    /// (and it sees them often): random `x OP r` under random constant ranges (empty and
    /// unbounded ones too), `r` over two other symbols.
    #[test]
    fn both_truths_seen_agrees_with_the_prover() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0033);
        let rhss = [
            "16 - y",
            "y",
            "y + 1",
            "y - 1",
            "2*y",
            "y*z",
            "FloorDiv(4096, y)",
            "FloorDiv(y, 2)",
            "FloorDiv(y + 6, 7)",
            "Mod(y, 3)",
            "Max(y, z)",
            "Min(y, 2)",
            "y - z",
            "-y - z + 3",
            "FloorDiv(y, FloorDiv(y, 2))",
            "y**2 - 4",
            "5",
        ];
        let ranges = BOX_RANGES;
        let ops = RelOp::ALL;
        let (mut seen, mut total) = (0, 0);
        for _ in 0..6000 {
            let mut cx = Context::new();
            for s in ["x", "y", "z"] {
                let (lo, hi) = ranges[next(ranges.len() as u64) as usize];
                let _ = cx.symbol(s);
                if !lo.is_empty() || !hi.is_empty() {
                    let lo = if lo.is_empty() { "-oo" } else { lo };
                    let _ = cx.set_range_str(s, lo, hi);
                }
            }
            let x = cx.lookup("x").unwrap();
            let xe = cx.sym(x);
            let r = rhss[next(rhss.len() as u64) as usize];
            let op = ops[next(ops.len() as u64) as usize];
            let rhs = cx.parse(r).unwrap();
            total += 1;
            if !super::both_truths_seen(&cx, x, op, rhs) {
                continue;
            }
            seen += 1;
            let mut s = Session::new(&mut cx);
            let rel = s.cx.relation_expr(xe, op, rhs);
            assert_eq!(
                s.truth(rel),
                Truth::Unknown,
                "x {} {r} under {:?}",
                op.as_str(),
                ["x", "y", "z"].map(|n| {
                    let v = s.cx.lookup(n).unwrap();
                    s.cx.range(v)
                })
            );
        }
        assert!(seen * 4 > total, "too few seen: {seen}/{total}");
    }

    /// Where [`super::constant_quotient_fixpoint`] holds, the simplifier answers the quotient
    /// unchanged (and it holds often): random `FloorDiv(K, P)` (constants at and around the
    /// product of the lower ends, zero, negative; symbols, products, multiples, sums and calls
    /// as `P`) under random constant ranges (bounded, half-bounded from 0, 1, 2 and 3,
    /// unbounded), sometimes a symbolic range end or an assumption.
    #[test]
    fn constant_quotient_fixpoint_is_the_simplifier() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0038);
        let divisors = [
            "y",
            "z",
            "y*z",
            "x*y*z",
            "2*y",
            "y**2",
            "y + 1",
            "y*z + 1",
            "FloorDiv(y, 2)",
            "Max(1, y)",
        ];
        let ks = [
            "-3", "0", "1", "2", "3", "4", "5", "6", "8", "9", "12", "64", "4096",
        ];
        let ranges: [(&str, &str); 10] = [
            ("1", ""),
            ("1", ""),
            ("1", ""),
            ("2", ""),
            ("2", ""),
            ("3", ""),
            ("0", ""),
            ("1", "64"),
            ("", "7"),
            ("", ""),
        ];
        let (mut held, mut total) = (0, 0);
        for _ in 0..6000 {
            let mut cx = Context::new();
            for v in ["x", "y", "z"] {
                let (lo, hi) = ranges[next(ranges.len() as u64) as usize];
                let _ = cx.symbol(v);
                if !lo.is_empty() || !hi.is_empty() {
                    let lo = if lo.is_empty() { "-oo" } else { lo };
                    cx.set_range_str(v, lo, hi).unwrap();
                }
            }
            match next(12) {
                0 => cx.set_range_str("x", "1", "y").unwrap(),
                1 => {
                    let p = cx.parse("y*z >= 10").unwrap();
                    let _ = cx.assume(p);
                }
                _ => {}
            }
            let k = ks[next(ks.len() as u64) as usize];
            let d = divisors[next(divisors.len() as u64) as usize];
            let e = cx.parse(&format!("FloorDiv({k}, {d})")).unwrap();
            total += 1;
            let s = Session::new(&mut cx);
            let fixpoint = super::constant_quotient_fixpoint(&s, e);
            drop(s);
            if !fixpoint {
                continue;
            }
            held += 1;
            let mut fresh = Session::new(&mut cx);
            let got = fresh.simp(e);
            assert_eq!(got, e, "FloorDiv({k}, {d}) is not a fixpoint");
        }
        assert!(held * 10 > total, "too few held: {held}/{total}");
    }

    /// Where [`super::plain_condition_undecided`] holds, the simplifier answers the condition
    /// unchanged and the prover `Unknown` (and it holds often): random comparisons of plain
    /// polynomials over three symbols under random constant ranges (empty, pinned and
    /// unbounded ones too).
    #[test]
    fn plain_condition_undecided_is_the_simplifier() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0037);
        let polys = [
            "y - z",
            "y",
            "z + 1",
            "2*y - 3",
            "y*z - 4",
            "y**2 - z",
            "y + z - w",
            "0",
            "5",
            "y - y*z",
            "3*w + y - 2",
            "-z",
        ];
        let ranges = BOX_RANGES;
        let cmps = ["Eq", "Ne", "Lt", "Le"];
        let (mut seen, mut total) = (0, 0);
        for _ in 0..6000 {
            let mut cx = Context::new();
            for s in ["y", "z", "w"] {
                let (lo, hi) = ranges[next(ranges.len() as u64) as usize];
                let _ = cx.symbol(s);
                if !lo.is_empty() || !hi.is_empty() {
                    let lo = if lo.is_empty() { "-oo" } else { lo };
                    let _ = cx.set_range_str(s, lo, hi);
                }
            }
            let a = polys[next(polys.len() as u64) as usize];
            let b = polys[next(polys.len() as u64) as usize];
            let op = cmps[next(cmps.len() as u64) as usize];
            let Ok(c) = cx.parse(&format!("{op}({a}, {b})")) else {
                continue;
            };
            total += 1;
            if !super::plain_condition_undecided(&cx, c) {
                continue;
            }
            seen += 1;
            {
                let mut s = Session::new(&mut cx);
                assert_eq!(s.truth(c), Truth::Unknown, "{op}({a}, {b})");
            }
            let mut s = Session::new(&mut cx);
            assert_eq!(s.simplify(c), c, "{op}({a}, {b})");
        }
        assert!(seen * 10 > total, "too few seen: {seen}/{total}");
    }

    /// [`Context::subexpr_eq_const`] answers what the general path does: random `Eq(t, c)` and
    /// `Eq(c, t)` for sub-expression targets `t` (calls, products, sums, a constant), constants
    /// `c` near 0 and at the ends of i64, under random ranges (empty ones too) and with an
    /// assumption now and then.
    #[test]
    fn subexpr_eq_const_is_the_general_answer() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0032);
        let targets = [
            "Mod(x, FloorDiv(x, 2))",
            "Mod(x, 4)",
            "FloorDiv(x, 3)",
            "FloorDiv(x + y, 2)",
            "x*y",
            "2*x",
            "x + 1",
            "x - y",
            "Max(x, y)",
            "Min(x, 3)",
            "Mod(3*FloorDiv(x, FloorDiv(x, 2))*y, 4)",
            "Abs(x)",
            "x**2",
            "7",
        ];
        let consts = [
            "0",
            "1",
            "-1",
            "2",
            "3",
            "-4",
            "9223372036854775807",
            "-9223372036854775807",
            "-9223372036854775808",
        ];
        let ranges = [
            ("1", ""),
            ("0", "3"),
            ("-5", "5"),
            ("2", "1"),
            ("4", "100"),
            ("", ""),
        ];
        let (mut fast, mut total) = (0, 0);
        for _ in 0..3000 {
            let mut cx = Context::new();
            for s in ["x", "y"] {
                let (lo, hi) = ranges[next(ranges.len() as u64) as usize];
                if !lo.is_empty() {
                    let _ = cx.set_range_str(s, lo, hi);
                }
            }
            if next(8) == 0 {
                let a = cx.parse("x >= 2").unwrap();
                let _ = cx.assume(a);
            }
            let t = targets[next(targets.len() as u64) as usize];
            let c = consts[next(consts.len() as u64) as usize];
            let text = if next(2) == 0 {
                format!("Eq({t}, {c})")
            } else {
                format!("Eq({c}, {t})")
            };
            let (Ok(rel), Ok(te)) = (cx.parse(&text), cx.parse(t)) else {
                continue;
            };
            total += 1;
            if cx.as_symbol(te).is_some() {
                continue;
            }
            if cx.subexpr_eq_const(rel, te).is_some() {
                fast += 1;
            }
            let got = cx.solve_subexpr(rel, te);
            let want = cx.solve_subexpr_general(rel, te);
            assert_eq!(got, want, "{text} for {t}");
        }
        assert!(fast * 4 > total, "too few shortcuts: {fast}/{total}");
    }
}
