//! The solver (SEMANTICS.md §5.3): isolate a symbol with exact integer answers.
//!
//! A solution is a conjunction of relations `x OP r_i` (each `r_i` free of x) plus side
//! conditions free of x. For every assignment of the other symbols, the x in its range that
//! satisfy the input are exactly those satisfying the relations and the conditions. Division is
//! always exact: `C*x == r` gives `x == FloorDiv(r, C)` with the condition `Eq(Mod(r, C), 0)`;
//! inequalities pick floor or ceiling by the proven sign of C. What cannot be written as such a
//! conjunction (a disjunction, a nonlinear occurrence, a coefficient of unknown sign) is
//! `Unsolved` with the reason, never a wrong answer.

use crate::build::CmpOp;
use crate::expr::{Expr, Node, Symbol, Ty};
use crate::simplify::Session;
use crate::{Context, Truth};
use smallvec::SmallVec;

/// A relation operator of a solution.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RelOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl RelOp {
    /// The infix operator: `==`, `!=`, `<`, `<=`, `>`, `>=`.
    pub fn as_str(self) -> &'static str {
        match self {
            RelOp::Eq => "==",
            RelOp::Ne => "!=",
            RelOp::Lt => "<",
            RelOp::Le => "<=",
            RelOp::Gt => ">",
            RelOp::Ge => ">=",
        }
    }

    fn mirror(self) -> RelOp {
        match self {
            RelOp::Lt => RelOp::Gt,
            RelOp::Le => RelOp::Ge,
            RelOp::Gt => RelOp::Lt,
            RelOp::Ge => RelOp::Le,
            o => o,
        }
    }
}

/// `symbol OP rhs`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    /// The operator.
    pub op: RelOp,
    /// The right-hand side, free of the symbol.
    pub rhs: Expr,
}

/// A solved relation: the conjunction of `relations` and `conditions`.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// The symbol solved for.
    pub symbol: Symbol,
    /// Relations `symbol OP rhs`; empty means every x in range satisfies the input (given the
    /// conditions).
    pub relations: Vec<Relation>,
    /// Boolean side conditions free of the symbol.
    pub conditions: Vec<Expr>,
}

impl Solution {
    /// The unique value of the symbol when the solution is a single equality.
    pub fn unique(&self) -> Option<Expr> {
        match self.relations.as_slice() {
            [Relation { op: RelOp::Eq, rhs }] => Some(*rhs),
            _ => None,
        }
    }
}

/// The answer of [`Context::solve`].
#[derive(Clone, Debug, PartialEq)]
pub enum SolveResult {
    /// Exact solution.
    Solved(Solution),
    /// Could not be expressed as a conjunction; the reason says why.
    Unsolved(String),
}

type Item = (Expr, RelOp, Expr);
type TermList = SmallVec<[(Expr, i64); 4]>;
type WorkList = SmallVec<[Item; 4]>;

struct Solver<'s, 'c> {
    s: &'s mut Session<'c>,
    x: Symbol,
    xe: Expr,
    rels: SmallVec<[Relation; 2]>,
    conds: SmallVec<[Expr; 2]>,
}

impl Solver<'_, '_> {
    fn has_x(&self, e: Expr) -> bool {
        self.s.cx.contains_symbol(e, self.x)
    }

    fn name(&self, e: Expr) -> String {
        self.s.cx.display(e)
    }

    fn sign(&mut self, c: Expr) -> Option<i8> {
        if let Some(v) = self.s.cx.as_int(c) {
            return Some(v.signum() as i8);
        }
        if self.s.prove_pos(c) {
            return Some(1);
        }
        let n = self.s.cx.neg(c)?;
        if self.s.prove_pos(n) {
            return Some(-1);
        }
        None
    }

    fn cond(&mut self, op: CmpOp, a: Expr, b: Expr) {
        let c = self.s.cx.compare_raw(op, a, b);
        self.conds.push(c);
    }

    /// `C * g OP r` with C free of x: push `g OP' r'` (and conditions).
    fn divide(
        &mut self,
        c: Expr,
        g: Expr,
        op: RelOp,
        r: Expr,
        work: &mut WorkList,
    ) -> Result<(), String> {
        let err = || "integer overflow while solving".to_string();
        let sign = self.sign(c);
        if c == self.s.cx.int(1) {
            work.push((g, op, r));
            return Ok(());
        }
        if self.s.cx.as_int(c) == Some(-1) {
            let nr = self.s.cx.neg(r).ok_or_else(err)?;
            work.push((g, op.mirror(), nr));
            return Ok(());
        }
        match op {
            RelOp::Eq | RelOp::Ne => {
                if sign.is_none() || sign == Some(0) {
                    return Err(format!(
                        "cannot prove the coefficient {} of the solved term is nonzero",
                        self.name(c)
                    ));
                }
                // C*g == r  <=>  C | r  and  g == r / C  (with C > 0 after negating both sides).
                let (c, r) = if sign == Some(-1) {
                    (
                        self.s.cx.neg(c).ok_or_else(err)?,
                        self.s.cx.neg(r).ok_or_else(err)?,
                    )
                } else {
                    (c, r)
                };
                let m = self.s.cx.modulo_raw(r, c);
                let m = self.s.simp(m);
                let zero = self.s.cx.int(0);
                let q = self.s.cx.floordiv_raw(r, c);
                if op == RelOp::Eq {
                    self.cond(CmpOp::Eq, m, zero);
                    work.push((g, RelOp::Eq, q));
                    return Ok(());
                }
                // C*g != r: all g when C does not divide r, else g != r/C.
                let div = self.s.cx.compare_raw(CmpOp::Eq, m, zero);
                match self.s.truth(div) {
                    Truth::True => {
                        work.push((g, RelOp::Ne, q));
                        Ok(())
                    }
                    Truth::False => Ok(()),
                    Truth::Unknown => Err(format!(
                        "Ne with coefficient {} is a disjunction unless {} is known to divide the right-hand side",
                        self.name(c),
                        self.name(c)
                    )),
                }
            }
            _ => {
                let Some(sg) = sign.filter(|s| *s != 0) else {
                    return Err(format!(
                        "cannot prove the sign of the coefficient {} of the solved term",
                        self.name(c)
                    ));
                };
                // Normalize to a positive coefficient: C*g OP r  <=>  (-C)*g OP' (-r).
                let (c, r, op) = if sg < 0 {
                    (
                        self.s.cx.neg(c).ok_or_else(err)?,
                        self.s.cx.neg(r).ok_or_else(err)?,
                        op.mirror(),
                    )
                } else {
                    (c, r, op)
                };
                // For C > 0:  C*g <= r <=> g <= FloorDiv(r, C);  C*g < r <=> g <= FloorDiv(r - 1, C);
                //             C*g >= r <=> g >= -FloorDiv(-r, C); C*g > r <=> g >= FloorDiv(r, C) + 1.
                let (nop, rhs) = match op {
                    RelOp::Le => (RelOp::Le, self.s.cx.floordiv_raw(r, c)),
                    RelOp::Lt => {
                        let r1 = self.s.cx.add_const(r, -1).ok_or_else(err)?;
                        (RelOp::Le, self.s.cx.floordiv_raw(r1, c))
                    }
                    RelOp::Ge => {
                        let nr = self.s.cx.neg(r).ok_or_else(err)?;
                        let f = self.s.cx.floordiv_raw(nr, c);
                        (RelOp::Ge, self.s.cx.neg(f).ok_or_else(err)?)
                    }
                    _ => {
                        let f = self.s.cx.floordiv_raw(r, c);
                        (RelOp::Ge, self.s.cx.add_const(f, 1).ok_or_else(err)?)
                    }
                };
                work.push((g, nop, rhs));
                Ok(())
            }
        }
    }

    fn step(&mut self, (f, op, r): Item, work: &mut WorkList) -> Result<(), String> {
        let err = || "integer overflow while solving".to_string();
        if f == self.xe {
            self.rels.push(Relation { op, rhs: r });
            return Ok(());
        }
        match self.s.cx.node(f).clone() {
            Node::Add(ts, c) => {
                let (xt, ft): (TermList, TermList) =
                    ts.iter().copied().partition(|(t, _)| self.has_x(*t));
                // Move the x-free part: f = X + F  =>  X OP r - F.
                let mut rhs_terms: TermList = ft.iter().map(|(t, k)| (*t, -k)).collect();
                rhs_terms.push((r, 1));
                let nr = self
                    .s
                    .cx
                    .add_terms(&rhs_terms, c.checked_neg().ok_or_else(err)?)
                    .ok_or_else(err)?;
                if xt.len() == 1 {
                    let (t, k) = xt[0];
                    let ke = self.s.cx.int(k);
                    return self.divide(ke, t, op, nr, work);
                }
                // Several occurrences: collect a linear coefficient, x * Σ k_i * (t_i / x).
                let mut coeff: TermList = TermList::new();
                for (t, k) in &xt {
                    let q = self.linear_cofactor(*t).ok_or_else(|| {
                        format!(
                            "{} occurs nonlinearly in {}",
                            self.s.cx.sym_name(self.x),
                            self.name(*t)
                        )
                    })?;
                    coeff.push((q, *k));
                }
                let ce = self.s.cx.add_terms(&coeff, 0).ok_or_else(err)?;
                let ce = self.s.simp(ce);
                self.divide(ce, self.xe, op, nr, work)
            }
            Node::Mul(fs) => {
                let (xf, ff): (SmallVec<[Expr; 4]>, SmallVec<[Expr; 4]>) =
                    fs.iter().copied().partition(|t| self.has_x(*t));
                if xf.len() != 1 {
                    return Err(format!(
                        "{} occurs nonlinearly in {}",
                        self.s.cx.sym_name(self.x),
                        self.name(f)
                    ));
                }
                let c = self.s.cx.mul_args(&ff).ok_or_else(err)?;
                self.divide(c, xf[0], op, r, work)
            }
            Node::FloorDiv(g, d) => {
                if self.has_x(d) {
                    return Err(format!(
                        "{} occurs in a divisor",
                        self.s.cx.sym_name(self.x)
                    ));
                }
                if self.sign(d) != Some(1) {
                    return Err(format!(
                        "cannot prove the divisor {} is positive",
                        self.name(d)
                    ));
                }
                // For d > 0: FloorDiv(g, d) == r <=> d*r <= g <= d*r + d - 1, and
                // <= r <=> g <= d*r + d - 1; < r <=> g <= d*r - 1; >= r <=> g >= d*r;
                // > r <=> g >= d*r + d.
                let dr = self.s.cx.mul(d, r).ok_or_else(err)?;
                let dr_hi = {
                    let t = self.s.cx.add(dr, d).ok_or_else(err)?;
                    self.s.cx.add_const(t, -1).ok_or_else(err)?
                };
                match op {
                    RelOp::Eq => {
                        work.push((g, RelOp::Ge, dr));
                        work.push((g, RelOp::Le, dr_hi));
                    }
                    RelOp::Ne => {
                        return Err(
                            "Ne over FloorDiv is a disjunction (x below or above the interval)"
                                .into(),
                        );
                    }
                    RelOp::Le => work.push((g, RelOp::Le, dr_hi)),
                    RelOp::Lt => work.push((g, RelOp::Lt, dr)),
                    RelOp::Ge => work.push((g, RelOp::Ge, dr)),
                    RelOp::Gt => {
                        let t = self.s.cx.add(dr, d).ok_or_else(err)?;
                        work.push((g, RelOp::Ge, t))
                    }
                }
                Ok(())
            }
            Node::Max(xs) | Node::Min(xs) => {
                let is_max = matches!(self.s.cx.node(f), Node::Max(_));
                let (xa, fa): (SmallVec<[Expr; 4]>, SmallVec<[Expr; 4]>) =
                    xs.iter().copied().partition(|t| self.has_x(*t));
                if xa.len() != 1 {
                    return Err(format!(
                        "{} occurs in several arguments of {}",
                        self.s.cx.sym_name(self.x),
                        self.name(f)
                    ));
                }
                // Max(g, h) <= r <=> g <= r and h <= r (likewise <); Min(g, h) >= r <=> g >= r
                // and h >= r (likewise >). The other directions are disjunctions.
                let ok = matches!(
                    (is_max, op),
                    (true, RelOp::Le | RelOp::Lt) | (false, RelOp::Ge | RelOp::Gt)
                );
                if !ok {
                    return Err(format!(
                        "{} {} r is a disjunction over its arguments",
                        self.name(f),
                        op.as_str()
                    ));
                }
                for h in fa {
                    let c = match op {
                        RelOp::Le => self.s.cx.compare_raw(CmpOp::Le, h, r),
                        RelOp::Lt => self.s.cx.compare_raw(CmpOp::Lt, h, r),
                        RelOp::Ge => self.s.cx.compare_raw(CmpOp::Le, r, h),
                        _ => self.s.cx.compare_raw(CmpOp::Lt, r, h),
                    };
                    self.conds.push(c);
                }
                work.push((xa[0], op, r));
                Ok(())
            }
            _ => Err(format!(
                "cannot isolate {} in {}",
                self.s.cx.sym_name(self.x),
                self.name(f)
            )),
        }
    }

    /// For a term linear in x (x itself, or x times x-free factors), the cofactor.
    fn linear_cofactor(&mut self, t: Expr) -> Option<Expr> {
        if t == self.xe {
            return Some(self.s.cx.int(1));
        }
        let Node::Mul(fs) = self.s.cx.node(t).clone() else {
            return None;
        };
        let pos = fs.iter().position(|f| *f == self.xe)?;
        let rest: Vec<Expr> = fs
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != pos)
            .map(|(_, f)| *f)
            .collect();
        if rest.iter().any(|f| self.has_x(*f)) {
            return None;
        }
        self.s.cx.mul_args(&rest)
    }
}

impl Context {
    /// Solves `rel` (a comparison) for `x` under the context's facts.
    pub fn solve(&mut self, rel: Expr, x: Symbol) -> SolveResult {
        let (a, b, op) = match self.solve_checks(rel, x) {
            Ok(v) => v,
            Err(r) => return r,
        };
        if let Some(r) = self.solve_linear_fast(rel, x) {
            return r;
        }
        self.solve_session(x, a, b, op)
    }

    /// The operands and operator of a solvable relation, or why it is not one.
    fn solve_checks(&self, rel: Expr, x: Symbol) -> Result<(Expr, Expr, RelOp), SolveResult> {
        let (a, b, op) = match *self.node(rel) {
            Node::Eq(a, b) => (a, b, RelOp::Eq),
            Node::Ne(a, b) => (a, b, RelOp::Ne),
            Node::Lt(a, b) => (a, b, RelOp::Lt),
            Node::Le(a, b) => (a, b, RelOp::Le),
            _ => {
                return Err(SolveResult::Unsolved(
                    "not a relation (Eq, Ne, Lt, Le, Gt, Ge)".into(),
                ));
            }
        };
        if self.ty(a) != Ty::Int || self.sym_ty(x) != Ty::Int {
            return Err(SolveResult::Unsolved(
                "only integer relations and symbols can be solved".into(),
            ));
        }
        if !self.contains_symbol(rel, x) {
            return Err(SolveResult::Unsolved(format!(
                "{} does not occur in the relation",
                self.sym_name(x)
            )));
        }
        Ok((a, b, op))
    }

    /// [`Context::solve`] without its lean path for linear equalities (which must give the same
    /// answers): for tests that compare the two.
    #[doc(hidden)]
    pub fn solve_general(&mut self, rel: Expr, x: Symbol) -> SolveResult {
        match self.solve_checks(rel, x) {
            Ok((a, b, op)) => self.solve_session(x, a, b, op),
            Err(r) => r,
        }
    }

    /// The lean path alone: `None` where it defers to the general path.
    #[doc(hidden)]
    pub fn solve_fast_only(&mut self, rel: Expr, x: Symbol) -> Option<SolveResult> {
        self.solve_checks(rel, x).ok()?;
        self.solve_linear_fast(rel, x)
    }

    fn solve_session(&mut self, x: Symbol, a: Expr, b: Expr, op: RelOp) -> SolveResult {
        let xe = self.sym(x);
        let mut s = Session::new(self);
        let zero = s.cx.int(0);
        let Some(f) = s.cx.sub(a, b) else {
            return SolveResult::Unsolved("integer overflow while solving".into());
        };
        // Canonical form first, so occurrences of x are collected (a sum of products of symbols is
        // already canonical: no rule applies to it).
        let f = if s.cx.is_plain_polynomial(f) {
            f
        } else {
            s.simp(f)
        };
        let mut sv = Solver {
            s: &mut s,
            x,
            xe,
            rels: SmallVec::new(),
            conds: SmallVec::new(),
        };
        let mut work: WorkList = smallvec::smallvec![(f, op, zero)];
        let mut steps = 0;
        while let Some(item) = work.pop() {
            steps += 1;
            if steps > 256 {
                return SolveResult::Unsolved("solver step limit reached".into());
            }
            if !sv.has_x(item.0) {
                return SolveResult::Unsolved(format!(
                    "{} cancels out of the relation",
                    sv.s.cx.sym_name(x)
                ));
            }
            if let Err(reason) = sv.step(item, &mut work) {
                return SolveResult::Unsolved(reason);
            }
        }
        let (rels, conds) = (sv.rels, sv.conds);
        // Simplify under the facts; drop relations implied by x's range and true conditions.
        let mut relations = Vec::new();
        for r in rels {
            let rhs = s.simplify(r.rhs);
            // x <= r cannot follow from x's range when x is unbounded above (and nothing else
            // constrains it); likewise x >= r below, and x != r only when unbounded both ways.
            let may_be_implied = match r.op {
                RelOp::Eq => false,
                RelOp::Lt | RelOp::Le => !s.cx.unconstrained_side(x, true),
                RelOp::Gt | RelOp::Ge => !s.cx.unconstrained_side(x, false),
                RelOp::Ne => {
                    !(s.cx.unconstrained_side(x, true) && s.cx.unconstrained_side(x, false))
                }
            };
            if may_be_implied {
                let rel = s.cx.relation_expr(xe, r.op, rhs);
                if s.truth(rel) == Truth::True {
                    continue;
                }
            }
            let rel = Relation { op: r.op, rhs };
            if !relations.contains(&rel) {
                relations.push(rel);
            }
        }
        let mut conditions = Vec::new();
        for c in conds {
            let c = s.simplify(c);
            if s.cx.as_bool(c) == Some(true) || conditions.contains(&c) {
                continue;
            }
            conditions.push(c);
        }
        SolveResult::Solved(Solution {
            symbol: x,
            relations,
            conditions,
        })
    }

    /// The relation as text: `Eq(x, r)`, `Ne(x, r)`, `x < r`, `x <= r`, `x > r`, `x >= r`.
    pub fn display_relation(&self, x: Symbol, r: &Relation) -> String {
        let n = self.sym_name(x);
        let rhs = self.display(r.rhs);
        match r.op {
            RelOp::Eq => format!("Eq({n}, {rhs})"),
            RelOp::Ne => format!("Ne({n}, {rhs})"),
            op => format!("{n} {} {rhs}", op.as_str()),
        }
    }

    /// `x OP rhs` as a boolean expression (`Gt`/`Ge` with the operands swapped).
    pub(crate) fn relation_expr(&mut self, x: Expr, op: RelOp, rhs: Expr) -> Expr {
        match op {
            RelOp::Eq => self.compare_raw(CmpOp::Eq, x, rhs),
            RelOp::Ne => self.compare_raw(CmpOp::Ne, x, rhs),
            RelOp::Lt => self.compare_raw(CmpOp::Lt, x, rhs),
            RelOp::Le => self.compare_raw(CmpOp::Le, x, rhs),
            RelOp::Gt => self.compare_raw(CmpOp::Lt, rhs, x),
            RelOp::Ge => self.compare_raw(CmpOp::Le, rhs, x),
        }
    }
}
