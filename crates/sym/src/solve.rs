//! The solver (docs/language.md §5.3): isolate a symbol with exact integer answers.
//!
//! A solution is a conjunction of relations `x OP r_i` (each `r_i` free of x) plus side
//! conditions free of x. For every assignment of the other symbols, the x in its range that
//! satisfy the input are exactly those satisfying the relations and the conditions. Division is
//! always exact: `C*x == r` gives `x == FloorDiv(r, C)` with the condition `Eq(Mod(r, C), 0)`;
//! inequalities pick floor or ceiling by the proven sign of C. What cannot be written as such a
//! conjunction (a disjunction, a nonlinear occurrence, a coefficient of unknown sign) is
//! `Unsolved` with the reason, never a wrong answer.

use crate::build::CmpOp;
use crate::expr::{Expr, Node, Symbol};
use crate::interval::Iv;
use crate::simplify::Session;
use crate::{Context, Truth};
use smallvec::SmallVec;

/// A relation operator of a solution.
///
/// Exhaustive on purpose: these are the six comparisons, and will stay so.
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

#[cfg(test)]
impl RelOp {
    /// Every operator, for the tests' random relations.
    pub(crate) const ALL: [RelOp; 6] = [
        RelOp::Eq,
        RelOp::Ne,
        RelOp::Lt,
        RelOp::Le,
        RelOp::Gt,
        RelOp::Ge,
    ];
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

    pub(crate) fn mirror(self) -> RelOp {
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

/// One case of a guarded answer: where `when` holds, the target satisfies the relation exactly
/// when it satisfies `relations` and `conditions`.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The guard, free of the target (a conjunction of sign or divisibility facts).
    pub when: Expr,
    /// Relations `target OP rhs`.
    pub relations: Vec<Relation>,
    /// Boolean side conditions free of the target (`[False]`: no value in this case).
    pub conditions: Vec<Expr>,
}

/// A solved relation: the conjunction of `relations` and `conditions`, or guarded `cases`.
///
/// Plain answers: `relations` and `conditions`, `cases` empty. No relation and no condition
/// means every value of the target satisfies the relation (printed `True`); the single
/// condition `False` means none does. When the answer depends on the sign of a coefficient (or
/// on a divisibility), `cases` holds two or more cases whose guards are exclusive and cover the
/// domain, and `relations` and `conditions` are empty: read the cases.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// The target solved for: a symbol, or any sub-expression of the relation (an atom).
    pub target: Expr,
    /// Relations `target OP rhs`; empty means every value in range satisfies the input (given
    /// the conditions).
    pub relations: Vec<Relation>,
    /// Boolean side conditions free of the target.
    pub conditions: Vec<Expr>,
    /// Guarded cases (empty for a plain answer), guards exclusive and covering the domain.
    pub cases: Vec<Case>,
    /// Facts (`Ne(d, 0)`) that hold wherever the relation is defined (d divides something in
    /// it) and that the answer used: the answer is exact where the relation is defined.
    pub defined_where: Vec<Expr>,
}

impl Solution {
    /// The unique value of the target when the solution is a single equality (and no cases).
    pub fn unique(&self) -> Option<Expr> {
        match self.relations.as_slice() {
            [Relation { op: RelOp::Eq, rhs }] if self.cases.is_empty() => Some(*rhs),
            _ => None,
        }
    }

    /// Whether the answer is "no value" (`False`).
    pub fn is_false(&self, cx: &Context) -> bool {
        self.cases.is_empty()
            && self.relations.is_empty()
            && self
                .conditions
                .iter()
                .any(|c| cx.as_bool(*c) == Some(false))
    }

    /// Whether the answer is "every value" (`True`).
    pub fn is_true(&self) -> bool {
        self.cases.is_empty() && self.relations.is_empty() && self.conditions.is_empty()
    }
}

/// The answer of [`Context::solve`].
///
/// Exhaustive on purpose: an answer is solved or not; new detail goes into [`Solution`] and
/// [`Unsolved`].
#[derive(Clone, Debug, PartialEq)]
pub enum SolveResult {
    /// Exact solution.
    Solved(Solution),
    /// Could not be expressed as a conjunction; the reason says why.
    Unsolved(Unsolved),
}

/// Why [`Context::solve`] gave no answer: a kind to act on and a message for people. It
/// dereferences to the message (`why.contains(..)`) and displays as it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsolved {
    /// What kind of obstacle.
    pub kind: UnsolvedKind,
    /// The explanation, naming the target and the sub-expression in the way.
    pub message: String,
}

impl std::fmt::Display for Unsolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::ops::Deref for Unsolved {
    type Target = str;
    fn deref(&self) -> &str {
        &self.message
    }
}

impl From<Unsolved> for String {
    fn from(u: Unsolved) -> String {
        u.message
    }
}

/// The kinds of [`Unsolved`] answers.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnsolvedKind {
    /// The input is not a comparison (`Eq`, `Ne`, `Lt`, `Le`, `Gt`, `Ge`).
    NotARelation,
    /// The target's type does not match the relation's (or the target is a boolean).
    TypeMismatch,
    /// The target does not occur in the relation.
    TargetAbsent,
    /// The target occurs nonlinearly (in a product with itself, a divisor, several
    /// arguments of Min/Max, both sides of a float relation).
    Nonlinear,
    /// The sign of a coefficient or divisor could not be proven (and no fork applies).
    UnknownSign,
    /// The answer is a disjunction, which a conjunction of relations cannot express.
    Disjunction,
    /// The target cannot be isolated from the operator around it.
    CannotIsolate,
    /// The answer needs guarded cases ([`Context::solve_with_cases`] returns them) or more
    /// cases than the limit.
    NeedsCases,
    /// The facts leave no value for a coefficient.
    Contradictory,
    /// A constant would overflow `i64` while solving.
    Overflow,
    /// The solver's step limit was reached.
    StepLimit,
    /// A `context_nodes` or `time` limit of the context stopped the solve
    /// ([`crate::Limits`], [`Context::limit_reached`]).
    Limit,
}

/// What [`Context::solve`] isolates: a [`Symbol`], or an expression (a symbol or any
/// sub-expression of the relation, treated as an atom).
pub trait SolveTarget {
    /// The target as an expression of `cx`.
    fn target_expr(self, cx: &Context) -> Expr;
}

impl SolveTarget for Symbol {
    fn target_expr(self, cx: &Context) -> Expr {
        cx.sym(self)
    }
}

impl SolveTarget for Expr {
    fn target_expr(self, _cx: &Context) -> Expr {
        self
    }
}

type Item = (Expr, RelOp, Expr);
type TermList = SmallVec<[(Expr, i64); 4]>;
pub(crate) type WorkList = SmallVec<[Item; 4]>;
/// Guards of one case (each a boolean free of the target).
pub(crate) type Guards = SmallVec<[Expr; 3]>;

/// Why one solving attempt stopped.
pub(crate) enum Fail {
    /// No answer: the reason.
    Reason(Unsolved),
    /// The answer depends on which of these guards holds (exclusive, and covering the domain
    /// once the ones proven false are left out): solve again once per guard.
    Fork(Guards),
}

/// A [`Fail`] with its reason.
pub(crate) fn reason(kind: UnsolvedKind, message: String) -> Fail {
    Fail::Reason(Unsolved { kind, message })
}

/// The failure of a step whose arithmetic left int64.
pub(crate) fn overflow() -> Fail {
    reason(
        UnsolvedKind::Overflow,
        "integer overflow while solving".to_string(),
    )
}

/// An `Unsolved` answer.
pub(crate) fn unsolved(kind: UnsolvedKind, message: String) -> SolveResult {
    SolveResult::Unsolved(Unsolved { kind, message })
}

/// The pieces `before`, the text of `e`, then the pieces `after`, written into one string in
/// that order ([`Context::push_display`] appends the text of `e` after `before`): printing `e`
/// into a string of its own and inserting `before` in front of it moved the text once a piece
/// (about 80 instructions of an unsolved request near the median), and joining the pieces
/// into a new string cost a second allocation and a copy. The room is what `display` gives an
/// expression (128 bytes) and the pieces', so a string grows exactly where `display`'s did.
pub(crate) fn around(cx: &Context, before: &[&str], e: Expr, after: &[&str]) -> String {
    let extra: usize = before.iter().chain(after).map(|p| p.len()).sum();
    let mut out = String::with_capacity(128 + extra);
    for p in before {
        out.push_str(p);
    }
    cx.push_display(e, &mut out);
    for p in after {
        out.push_str(p);
    }
    out
}

pub(crate) struct Solver<'s, 'c> {
    pub s: &'s mut Session<'c>,
    pub x: Symbol,
    pub xe: Expr,
    pub rels: SmallVec<[Relation; 2]>,
    pub conds: SmallVec<[Expr; 2]>,
    /// The guards of the case being solved: facts here, though the session does not know them.
    pub forced: Guards,
    /// The relation's operands, for the divisors it is defined by.
    pub operands: (Expr, Expr),
    /// Expressions nonzero wherever the relation is defined (its divisors and their factors),
    /// collected on first use.
    pub divisors: Option<SmallVec<[Expr; 8]>>,
    /// Expressions whose nonzeroness (from definedness) an answer used.
    pub defined_used: SmallVec<[Expr; 2]>,
    /// `(c, c >= 0, c <= 0)` for the last coefficient whose sign was asked.
    pub half_memo: Option<(Expr, bool, bool)>,
}

impl Solver<'_, '_> {
    fn has_x(&self, e: Expr) -> bool {
        self.s.cx.contains_symbol(e, self.x)
    }

    /// The reason "x occurs nonlinearly in `t`". The reasons are written piece by piece
    /// (`format!` cost an unsolved request about 850 instructions, 4% of a median one, and
    /// most of the real requests answered near the median are unsolved), into the printed
    /// expression's own string ([`around`]).
    pub(crate) fn nonlinear_in(&self, t: Expr) -> Fail {
        reason(
            UnsolvedKind::Nonlinear,
            self.around(
                &[self.s.cx.sym_name(self.x), " occurs nonlinearly in "],
                t,
                &[],
            ),
        )
    }

    /// [`around`] in the solver's context.
    fn around(&self, before: &[&str], e: Expr, after: &[&str]) -> String {
        around(self.s.cx, before, e, after)
    }

    /// The sign of `c` on the domain (or in the case being solved), if known.
    fn sign(&mut self, c: Expr) -> Option<i8> {
        if let Some(v) = self.s.cx.as_int(c) {
            return Some(v.signum() as i8);
        }
        if self.product_of_positives(c) {
            return Some(1);
        }
        let (pos, nonneg) = self.pos_nonneg(c);
        if pos {
            return Some(1);
        }
        let n = self.s.cx.neg(c)?;
        let (neg, nonpos) = self.pos_nonneg(n);
        if neg {
            return Some(-1);
        }
        // What `half_signs` would ask again of `sign_slow` (and of a fork on this sign).
        self.half_memo = Some((c, nonneg, nonpos));
        self.sign_slow(c, n)
    }

    /// `(e >= 1, e >= 0)` proven: [`Session::prove_pos`] and [`Session::prove_nonneg`] of
    /// `e`, which read the same two lower ends (`iv(e).lo >= k || sym_lower(e) >= k`, k = 1
    /// and 0), the symbolic one (a walk of `e` with the substitutions, thousands of
    /// instructions) computed once for both. The interval's end `>= 1` answers both without it.
    fn pos_nonneg(&mut self, e: Expr) -> (bool, bool) {
        let lo = self.s.iv(e).lo;
        if lo >= 1 {
            return (true, true);
        }
        let sym = self.s.sym_lower(e);
        (sym >= 1, lo >= 0 || sym >= 0)
    }

    /// Whether `c` is a product of symbols each at least 1 (`s53*s92`, sizes of range
    /// `[1, oo)`: the commonest coefficient of a solved product), read from the factors'
    /// [`Session::sym_iv`] without bounding the product. Identity: `f_i >= 1` for every `i`
    /// gives `f_1*...*f_n >= 1`. It is what [`Session::prove_pos`] answers first (the
    /// product's interval, `1` times each factor's: every lower end `>= 1` gives a lower end
    /// `>= 1`, which an atom bound of the product only raises), without the interval's
    /// product, its memo and its steps; `false` (the general path asks) for any other `c`, a
    /// factor that may be below 1, or a query a limit stopped (where the walk answers the
    /// sound "anything").
    fn product_of_positives(&mut self, c: Expr) -> bool {
        let Node::Mul(fs) = self.s.cx.node(c) else {
            return false;
        };
        // The factors' symbols, read once (`sym_iv` needs the session mutably).
        let mut syms: SmallVec<[crate::expr::Symbol; 4]> = SmallVec::new();
        for f in fs.iter() {
            let Node::Sym(s) = *self.s.cx.node(*f) else {
                return false;
            };
            syms.push(s);
        }
        !self.s.cx.stopped() && syms.into_iter().all(|s| self.s.sym_iv(s).lo >= 1)
    }

    /// The three sign guards of `c`: `c >= 1`, `Eq(c, 0)`, `c <= -1`.
    fn sign_guards(&mut self, c: Expr) -> [Expr; 3] {
        let (one, zero, m1) = (self.s.cx.int(1), self.s.cx.int(0), self.s.cx.int(-1));
        [
            self.s.cx.compare_raw(CmpOp::Le, one, c),
            self.s.cx.compare_raw(CmpOp::Eq, c, zero),
            self.s.cx.compare_raw(CmpOp::Le, c, m1),
        ]
    }

    /// What the interval tests miss: the case's guards, assumptions the prover matches
    /// exactly, a modular set or definedness excluding 0 from a coefficient known `>= 0` (or
    /// `<= 0`), and positivity where the relation is defined. (Each is one of the prover's
    /// facts, asked directly: `truth` on every guard would bound the coefficient again each
    /// time.) Asked by [`Solver::sign`] once `c >= 1` and `-c >= 1` are not proven
    /// (`prove_pos` of each false).
    fn sign_slow(&mut self, c: Expr, n: Expr) -> Option<i8> {
        let gs = self.sign_guards(c);
        for (g, v) in gs.iter().zip([1i8, 0, -1]) {
            if self.forced.contains(g) {
                return Some(v);
            }
        }
        if !self.s.s.d.truths.is_empty() {
            for (g, v) in gs.iter().zip([1i8, 0, -1]) {
                if self.s.truth(*g) == Truth::True {
                    return Some(v);
                }
            }
        }
        let (nonneg, nonpos) = self.half_signs(c, n);
        if nonneg && nonpos {
            return Some(0);
        }
        // c >= 0 and c != 0  =>  c >= 1 (likewise <= 0).
        if (nonneg || nonpos) && self.nonzero(c) {
            return Some(if nonneg { 1 } else { -1 });
        }
        for (e, v) in [(c, 1i8), (n, -1)] {
            let mut used = SmallVec::new();
            // `e >= 1` is not proven (`sign` asked it of both): the rest of the test.
            if self.pos_where_defined_not_proven(e, 0, &mut used) {
                self.note_defined(&used);
                return Some(v);
            }
        }
        None
    }

    /// `(c >= 0, c <= 0)` proven on the domain (kept for the last `c` asked: a fork asks again).
    fn half_signs(&mut self, c: Expr, n: Expr) -> (bool, bool) {
        if let Some((e, a, b)) = self.half_memo
            && e == c
        {
            return (a, b);
        }
        let r = (self.s.prove_nonneg(c), self.s.prove_nonneg(n));
        self.half_memo = Some((c, r.0, r.1));
        r
    }

    fn note_defined(&mut self, used: &[Expr]) {
        for u in used {
            if !self.defined_used.contains(u) {
                self.defined_used.push(*u);
            }
        }
    }

    /// The divisors of the relation and, recursively, the factors of each (a product or a
    /// multiple `k*t` is nonzero only if each factor is): all nonzero where it is defined.
    fn divisors(&mut self) -> &[Expr] {
        if self.divisors.is_none() {
            let roots = [self.operands.0, self.operands.1];
            self.divisors = Some(crate::defined::divisors_in(self.s.cx, &roots));
        }
        self.divisors.as_deref().unwrap_or(&[])
    }

    /// `e >= 1` wherever the relation is defined; `used` collects the divisors relied on.
    fn pos_where_defined(&mut self, e: Expr, depth: u32, used: &mut SmallVec<[Expr; 2]>) -> bool {
        if depth > 6 {
            return false;
        }
        if let Some(v) = self.s.cx.as_int(e) {
            return v >= 1;
        }
        if self.s.prove_pos(e) {
            return true;
        }
        self.pos_where_defined_not_proven(e, depth, used)
    }

    /// [`Solver::pos_where_defined`] of an `e` that is no constant and for which
    /// `prove_pos(e)` is false (the tests that remain).
    fn pos_where_defined_not_proven(
        &mut self,
        e: Expr,
        depth: u32,
        used: &mut SmallVec<[Expr; 2]>,
    ) -> bool {
        match self.s.cx.node(e).clone() {
            // k*t >= 1 when k >= 1 and t >= 1.
            Node::Add(ts, 0) if ts.len() == 1 && ts[0].1 >= 1 => {
                return self.pos_where_defined(ts[0].0, depth + 1, used);
            }
            // A product of factors >= 1 is >= 1.
            Node::Mul(fs) => {
                return fs
                    .iter()
                    .all(|f| self.pos_where_defined(*f, depth + 1, used));
            }
            _ => {}
        }
        // e != 0 where defined (a divisor) and e >= 0: e >= 1 there.
        if self.divisors().contains(&e) && self.s.prove_nonneg(e) {
            used.push(e);
            return true;
        }
        // FloorDiv(n, d) >= 1 <=> n >= d, for d >= 1.
        if let Node::FloorDiv(n, d) = *self.s.cx.node(e) {
            return self.pos_where_defined(d, depth + 1, used) && self.divisor_at_most(d, n);
        }
        false
    }

    /// `d <= n` at every assignment (for `d >= 1`).
    fn divisor_at_most(&mut self, d: Expr, n: Expr) -> bool {
        if self.s.prove_le(d, n) {
            return true;
        }
        // k*FloorDiv(n, m) <= n for n >= 0 and constants m >= k >= 1:
        // k*FloorDiv(n, m) <= k*n/m <= n.
        let (k, g) = match self.s.cx.node(d) {
            Node::Add(ts, 0) if ts.len() == 1 => (ts[0].1, ts[0].0),
            _ => (1, d),
        };
        if let Node::FloorDiv(n2, m) = *self.s.cx.node(g)
            && n2 == n
            && k >= 1
            && self.s.cx.as_int(m).is_some_and(|m| m >= k)
        {
            return self.s.prove_nonneg(n);
        }
        false
    }

    /// `c != 0` on the domain (its modular set, an assumption), in this case, or wherever the
    /// relation is defined (each factor divides something in it, or is nonzero by the same
    /// tests).
    fn nonzero(&mut self, c: Expr) -> bool {
        let zero = self.s.cx.int(0);
        let ne = self.s.cx.compare_raw(CmpOp::Ne, c, zero);
        if self.forced.contains(&ne) || self.s.modset(c).excludes(0) {
            return true;
        }
        if !self.s.s.d.truths.is_empty() && self.s.truth(ne) == Truth::True {
            return true;
        }
        let mut fs: SmallVec<[Expr; 4]> = smallvec::smallvec![c];
        let mut used: SmallVec<[Expr; 2]> = SmallVec::new();
        let mut visits = 0;
        while let Some(f) = fs.pop() {
            visits += 1;
            if visits > 32 {
                return false;
            }
            if self.divisors().contains(&f) {
                used.push(f);
                continue;
            }
            match self.s.cx.node(f).clone() {
                // A product is nonzero when every factor is; k*t (k != 0) when t is.
                Node::Mul(xs) => fs.extend(xs.iter().copied()),
                Node::Add(ts, 0) if ts.len() == 1 => fs.push(ts[0].0),
                _ => {
                    let neg_pos =
                        |sv: &mut Self| sv.s.cx.neg(f).is_some_and(|nf| sv.s.prove_pos(nf));
                    if f != c
                        && (self.s.modset(f).excludes(0) || self.s.prove_pos(f) || neg_pos(self))
                    {
                        continue;
                    }
                    return false;
                }
            }
        }
        self.note_defined(&used);
        true
    }

    /// A fork on the sign of `c`: the guards not refuted (`c >= 1` unless `c <= 0` is proven,
    /// `Eq(c, 0)` unless `c != 0` is, `c <= -1` unless `c >= 0` is).
    fn sign_fork(&mut self, c: Expr) -> Fail {
        let gs = self.sign_guards(c);
        let Some(n) = self.s.cx.neg(c) else {
            return overflow();
        };
        let (nonneg, nonpos) = self.half_signs(c, n);
        let nonzero = self.nonzero(c);
        let keep = [!nonpos, !nonzero, !nonneg];
        let mut out = Guards::new();
        for (g, k) in gs.into_iter().zip(keep) {
            if k {
                out.push(g);
            }
        }
        Fail::Fork(out)
    }

    fn cond(&mut self, op: CmpOp, a: Expr, b: Expr) {
        let c = self.s.cx.compare_raw(op, a, b);
        self.conds.push(c);
    }

    /// `e` with the sub-expression `c` replaced by 0 (used where `Eq(c, 0)` holds).
    fn zero_out(&mut self, e: Expr, c: Expr) -> Expr {
        let zero = self.s.cx.int(0);
        let mut memo = rustc_hash::FxHashMap::default();
        memo.insert(c, zero);
        self.s
            .cx
            .map_bottom_up(e, &mut memo, |cx, orig, ch| cx.rebuild(orig, ch))
            .unwrap_or(e)
    }

    /// `C * g OP r` with C free of x: push `g OP' r'` (and conditions).
    pub(crate) fn divide(
        &mut self,
        c: Expr,
        g: Expr,
        op: RelOp,
        r: Expr,
        work: &mut WorkList,
    ) -> Result<(), Fail> {
        // (A constant's sign is read from it, nothing else asked.)
        let sign = self.sign(c);
        self.divide_signed(c, sign, g, op, r, work)
    }

    /// [`Solver::divide`] with the [`Solver::sign`] of `c` known: `sign`.
    fn divide_signed(
        &mut self,
        c: Expr,
        sign: Option<i8>,
        g: Expr,
        op: RelOp,
        r: Expr,
        work: &mut WorkList,
    ) -> Result<(), Fail> {
        let err = overflow;
        if c == self.s.cx.int(1) {
            work.push((g, op, r));
            return Ok(());
        }
        if self.s.cx.as_int(c) == Some(-1) {
            let nr = self.lin(&[(r, -1)], 0).ok_or_else(err)?;
            work.push((g, op.mirror(), nr));
            return Ok(());
        }
        if sign == Some(0) {
            // 0*g OP r  <=>  0 OP r; r may mention C, which is 0 here.
            let r0 = self.zero_out(r, c);
            let zero = self.s.cx.int(0);
            let cond = self.s.cx.relation_expr(zero, op, r0);
            self.conds.push(cond);
            return Ok(());
        }
        match op {
            RelOp::Eq | RelOp::Ne => {
                // C*g == r  <=>  C | r  and  g == r / C. With C > 0 after negating both sides
                // when C < 0; for C of unknown sign but nonzero the same holds with floor
                // semantics: Mod(r, C) == 0 iff C divides r, and then FloorDiv(r, C) is exact.
                // -C and -r are new nodes: taken only where they fit wherever C and r do (a
                // symbolic C can be i64::MIN, fuzz/ found `Eq(7*y*x - 5, 9)` for x; r can be
                // i64::MIN), else the floor-semantics form below, which holds for a negative
                // C too.
                let mut kept_negative = false;
                let (c, r) = match sign {
                    Some(-1) => {
                        let nc = self.lin(&[(c, -1)], 0).ok_or_else(err)?;
                        let nr = self.lin(&[(r, -1)], 0).ok_or_else(err)?;
                        if self.s.fits_i64(nc) {
                            (nc, nr)
                        } else {
                            kept_negative = true;
                            (c, r)
                        }
                    }
                    Some(_) => (c, r),
                    None => {
                        if !self.nonzero(c) {
                            return Err(self.sign_fork(c));
                        }
                        (c, r)
                    }
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
                // The fork's guards are read next to the guards of other cases, where C may be
                // 0: when C >= 1 holds only in this case (or where the relation is defined),
                // Mod(r, Max(C, 1)) is the same there and defined everywhere.
                // (A kept negative C <= -1 the same way with Min(C, -1).) So is the quotient
                // FloorDiv(r, Max(C, 1)), which the guards of later forks on g may read
                // (`Ne(t*(2*x + 1), 3)` for x: whether 2 divides r/t - 1, guarded by t >= 1
                // beside the case t = 0; found by a differential review).
                let (div, ndiv, q) = if sign.is_some() && (kept_negative || !self.s.prove_pos(c)) {
                    let one = self.s.cx.int(if kept_negative { -1 } else { 1 });
                    let c1 = self.s.cx.minmax(!kept_negative, &[c, one]);
                    let m1 = self.s.cx.modulo_raw(r, c1);
                    let m1 = self.s.simp(m1);
                    (
                        self.s.cx.compare_raw(CmpOp::Eq, m1, zero),
                        self.s.cx.compare_raw(CmpOp::Ne, m1, zero),
                        self.s.cx.floordiv_raw(r, c1),
                    )
                } else {
                    (div, self.s.cx.compare_raw(CmpOp::Ne, m, zero), q)
                };
                let t = if self.forced.contains(&div) {
                    Truth::True
                } else if self.forced.contains(&ndiv) {
                    Truth::False
                } else {
                    self.s.truth(div)
                };
                match t {
                    Truth::True => {
                        work.push((g, RelOp::Ne, q));
                        Ok(())
                    }
                    Truth::False => Ok(()),
                    // Two cases: C | r (then g != r/C) or not (every g).
                    Truth::Unknown => Err(Fail::Fork(smallvec::smallvec![div, ndiv])),
                }
            }
            _ => {
                let Some(sg) = sign else {
                    return Err(self.sign_fork(c));
                };
                // Normalize to a positive divisor: C*g OP r <=> (-C)*g OP' (-r) for C < 0,
                // then for C > 0: C*g <= r <=> g <= FloorDiv(r, C); C*g < r <=>
                // g <= FloorDiv(r - 1, C); C*g >= r <=> g >= -FloorDiv(-r, C); C*g > r <=>
                // g >= FloorDiv(r, C) + 1. Those forms compute new nodes (-C, -r, r - 1, the
                // negated or incremented quotient) that can overflow where the relation is
                // defined. Where the operand in question is an atom (a symbol, a constant or
                // a call: a value in i64 wherever it is computed) and the new node may
                // overflow where the atom does not, the forms without new nodes are taken
                // instead, when they provably fit wherever C and r do: over the reals
                // C*g OP r <=> g OP r/C (OP mirrored for C < 0), and for an integer g,
                // g <= y <=> g <= floor(y), g < y <=> g < ceil(y), g >= y <=> g >= ceil(y),
                // g > y <=> g > floor(y), with FloorDiv(r, C), CeilDiv(r, C) for either sign
                // of C. (For a sum or product, -r or r - 1 only shift the window of values
                // where it overflows: kept. tests/solve_edges.rs; docs/limits.md.)
                let direct = |sv: &mut Self, c: Expr, r: Expr, op: RelOp| -> Option<Expr> {
                    let d = match op {
                        RelOp::Le | RelOp::Gt => sv.s.cx.floordiv_raw(r, c),
                        _ => sv.s.cx.ceildiv_raw(r, c)?,
                    };
                    let d = sv.s.simp(d);
                    sv.s.fits_given(d, &[c, r]).then_some(d)
                };
                let (c, r, op) = if sg < 0 {
                    let nc = self.lin(&[(c, -1)], 0).ok_or_else(err)?;
                    // -C at C = i64::MIN (`a*b < 1` for a, b <= -1: b*a is defined at a = 0).
                    if self.is_atom(c)
                        && !self.s.fits_given(nc, &[c])
                        && let Some(d) = direct(self, c, r, op.mirror())
                    {
                        work.push((g, op.mirror(), d));
                        return Ok(());
                    }
                    (nc, self.lin(&[(r, -1)], 0).ok_or_else(err)?, op.mirror())
                } else {
                    (c, r, op)
                };
                let canonical = match op {
                    RelOp::Le => (RelOp::Le, self.s.cx.floordiv_raw(r, c)),
                    RelOp::Lt => {
                        let r1 = self.lin(&[(r, 1)], -1).ok_or_else(err)?;
                        (RelOp::Le, self.s.cx.floordiv_raw(r1, c))
                    }
                    RelOp::Ge => {
                        let nr = self.lin(&[(r, -1)], 0).ok_or_else(err)?;
                        let f = self.s.cx.floordiv_raw(nr, c);
                        (RelOp::Ge, self.lin(&[(f, -1)], 0).ok_or_else(err)?)
                    }
                    _ => {
                        let f = self.s.cx.floordiv_raw(r, c);
                        (RelOp::Ge, self.lin(&[(f, 1)], 1).ok_or_else(err)?)
                    }
                };
                // r - 1 at r = i64::MIN, -r there, FloorDiv(r, 1) + 1 at r = i64::MAX, as
                // built or once simplified (which often removes them).
                if op != RelOp::Le && self.is_atom(r) && !self.s.fits_given(canonical.1, &[c, r]) {
                    let simplified = self.s.simp(canonical.1);
                    if !self.s.fits_given(simplified, &[c, r])
                        && let Some(d) = direct(self, c, r, op)
                    {
                        work.push((g, op, d));
                        return Ok(());
                    }
                }
                work.push((g, canonical.0, canonical.1));
                Ok(())
            }
        }
    }

    /// `Σ k_i * t_i + c` as `add_terms` builds it (and `neg`, `add`, `add_const`, which are
    /// it), with constant terms summed here: `add_terms` of constants is their exact sum
    /// (i128, checked as it checks it) as a constant, `None` where that leaves i64. Most steps
    /// of a solve move constants (`7*FloorDiv(s53 - 1, 7) > 7`: -7, 0, 1, 8), where the
    /// general builder's lists and sort cost more than the sum.
    fn lin(&mut self, ts: &[(Expr, i64)], c: i64) -> Option<Expr> {
        let mut cst = i128::from(c);
        for &(t, k) in ts {
            match *self.s.cx.node(t) {
                Node::Int(v) => cst = cst.checked_add(i128::from(v) * i128::from(k))?,
                _ => return self.s.cx.add_terms(ts, c),
            }
        }
        Some(self.s.cx.int(i64::try_from(cst).ok()?))
    }

    /// `mul(a, b)`, with two constants multiplied here: `mul` of constants is their product
    /// as a constant (`checked_mul`, in either order for two), `None` on overflow.
    fn mul_consts(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        match (self.s.cx.as_int(a), self.s.cx.as_int(b)) {
            (Some(x), Some(y)) => Some(self.s.cx.int(x.checked_mul(y)?)),
            _ => self.s.cx.mul(a, b),
        }
    }

    /// Whether `e` is a value in i64 wherever it is computed: a constant, a symbol or a call
    /// (not a sum, product or power, whose terms are one polynomial value, docs/rules.md §8).
    fn is_atom(&self, e: Expr) -> bool {
        // The node kinds `view` shows as a sum, product or power (read from the node: the view
        // copies the operands).
        !matches!(
            self.s.cx.node(e),
            Node::Add(..) | Node::Mul(_) | Node::Pow(..)
        )
    }

    pub(crate) fn step(&mut self, (f, op, r): Item, work: &mut WorkList) -> Result<(), Fail> {
        let err = overflow;
        if f == self.xe {
            self.rels.push(Relation { op, rhs: r });
            return Ok(());
        }
        // A sum: its terms read in place (not cloned), each once, into the x terms and the
        // negated x-free ones.
        if let Node::Add(ts, c) = self.s.cx.node(f) {
            let (n, c) = (ts.len(), *c);
            let mut xt = TermList::new();
            let mut rhs_terms = TermList::new();
            for i in 0..n {
                let Node::Add(ts, _) = self.s.cx.node(f) else {
                    unreachable!("the node of a handle does not change");
                };
                let (t, k) = ts[i];
                if self.has_x(t) {
                    xt.push((t, k));
                } else {
                    // Move the x-free part: f = X + F  =>  X OP r - F.
                    // (A coefficient i64::MIN has no negation: found by tests/solve_edges.rs.)
                    rhs_terms.push((t, k.checked_neg().ok_or_else(err)?));
                }
            }
            return self.step_sum(xt, rhs_terms, c, op, r, work);
        }
        // A product: its factors read in place (not cloned), each once, into the one with x
        // and the others.
        if let Node::Mul(fs) = self.s.cx.node(f) {
            let n = fs.len();
            let mut xf: Option<Expr> = None;
            let mut several = false;
            let mut ff: SmallVec<[Expr; 4]> = SmallVec::new();
            for i in 0..n {
                let Node::Mul(fs) = self.s.cx.node(f) else {
                    unreachable!("the node of a handle does not change");
                };
                let g = fs[i];
                if self.has_x(g) {
                    several |= xf.is_some();
                    xf = Some(g);
                } else {
                    ff.push(g);
                }
            }
            let Some(g) = xf.filter(|_| !several) else {
                return Err(self.nonlinear_in(f));
            };
            let c = self.s.cx.mul_args(&ff).ok_or_else(err)?;
            return self.divide(c, g, op, r, work);
        }
        match self.s.cx.node(f).clone() {
            Node::FloorDiv(g, d) => {
                if self.has_x(d) {
                    return Err(reason(
                        UnsolvedKind::Nonlinear,
                        [self.s.cx.sym_name(self.x), " occurs in a divisor"].concat(),
                    ));
                }
                if self.sign(d) != Some(1) {
                    return Err(reason(
                        UnsolvedKind::UnknownSign,
                        self.around(&["cannot prove the divisor "], d, &[" is positive"]),
                    ));
                }
                // For d > 0: FloorDiv(g, d) == r <=> d*r <= g <= d*r + d - 1, and
                // <= r <=> g <= d*r + d - 1; < r <=> g <= d*r - 1; >= r <=> g >= d*r;
                // > r <=> g >= d*r + d.
                let dr = self.mul_consts(d, r).ok_or_else(err)?;
                let build_hi = |sv: &mut Self| -> Result<Expr, Fail> {
                    let t = sv.lin(&[(dr, 1), (d, 1)], 0).ok_or_else(err)?;
                    sv.lin(&[(t, 1)], -1).ok_or_else(err)
                };
                // d*r + d - 1 is read by Eq and Le; for the other operators only whether
                // building it overflows matters (the answer is then "integer overflow" for
                // every operator). Where d*r and d are constants (`FloorDiv(s53 - 1, 7) >= 1`)
                // that is their i64 arithmetic (`add` and `add_const` of constants fail exactly
                // when it overflows), without two new constants.
                let dr_hi = match (op, self.s.cx.as_int(dr), self.s.cx.as_int(d)) {
                    (RelOp::Eq | RelOp::Le, ..) => build_hi(self)?,
                    (_, Some(a), Some(b)) => {
                        a.checked_add(b)
                            .and_then(|t| t.checked_add(-1))
                            .ok_or_else(err)?;
                        // (Not read by these operators.)
                        dr
                    }
                    _ => build_hi(self)?,
                };
                match op {
                    RelOp::Eq => {
                        work.push((g, RelOp::Ge, dr));
                        work.push((g, RelOp::Le, dr_hi));
                    }
                    RelOp::Ne => {
                        return Err(reason(
                            UnsolvedKind::Disjunction,
                            "Ne over FloorDiv is a disjunction (x below or above the interval)"
                                .into(),
                        ));
                    }
                    RelOp::Le => work.push((g, RelOp::Le, dr_hi)),
                    RelOp::Lt => work.push((g, RelOp::Lt, dr)),
                    RelOp::Ge => work.push((g, RelOp::Ge, dr)),
                    RelOp::Gt => {
                        let t = self.lin(&[(dr, 1), (d, 1)], 0).ok_or_else(err)?;
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
                    return Err(reason(
                        UnsolvedKind::Nonlinear,
                        self.around(
                            &[
                                self.s.cx.sym_name(self.x),
                                " occurs in several arguments of ",
                            ],
                            f,
                            &[],
                        ),
                    ));
                }
                // Max(g, h) <= r <=> g <= r and h <= r (likewise <); Min(g, h) >= r <=> g >= r
                // and h >= r (likewise >). The other directions are disjunctions.
                let ok = matches!(
                    (is_max, op),
                    (true, RelOp::Le | RelOp::Lt) | (false, RelOp::Ge | RelOp::Gt)
                );
                if !ok {
                    return Err(reason(
                        UnsolvedKind::Disjunction,
                        self.around(
                            &[],
                            f,
                            &[" ", op.as_str(), " r is a disjunction over its arguments"],
                        ),
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
            _ => Err(reason(
                UnsolvedKind::CannotIsolate,
                self.around(
                    &["cannot isolate ", self.s.cx.sym_name(self.x), " in "],
                    f,
                    &[],
                ),
            )),
        }
    }

    /// [`Solver::step`] of a sum `X + F OP r`: `xt` the terms of `X` (with x), `rhs_terms`
    /// those of `-F`, `c` the sum's constant.
    fn step_sum(
        &mut self,
        xt: TermList,
        mut rhs_terms: TermList,
        c: i64,
        op: RelOp,
        r: Expr,
        work: &mut WorkList,
    ) -> Result<(), Fail> {
        let err = overflow;
        rhs_terms.push((r, 1));
        let nc = c.checked_neg().ok_or_else(err)?;
        let nr = self.lin(&rhs_terms, nc).ok_or_else(err)?;
        if xt.len() == 1 {
            let (t, k) = xt[0];
            let ke = self.s.cx.int(k);
            return self.divide(ke, t, op, nr, work);
        }
        // Several occurrences: collect a linear coefficient, x * Σ k_i * (t_i / x). Each
        // term's shape first (where x is among its factors), then the cofactors: where a term
        // is not linear, the cofactors before it are built only if one might fail to build
        // (`Eq(3*s0*s53*s77, 48*s77*FloorDiv(s0, 4)*FloorDiv(s53, 4))` for s0: `s53*s77`, a
        // new node, then the reason for the second term). The answer is the same: the first
        // term whose cofactor is `None` is named.
        let mut shapes: SmallVec<[Option<usize>; 4]> = SmallVec::new();
        let bad = self.term_shapes(&xt, &mut shapes);
        if bad.is_some()
            && let Some(g) = self.common_x_factor(&xt)
            && let Some(done) = self.divide_common(g, &xt, op, nr, work)
        {
            return done;
        }
        if let Some(t) = self.named_before_building(&xt, &shapes, bad) {
            return Err(self.nonlinear_in(t));
        }
        let mut coeff: TermList = TermList::new();
        for (i, &(t, k)) in xt.iter().enumerate() {
            let q = match shapes.get(i) {
                Some(&p) => self.cofactor_at(t, p),
                None => None,
            };
            let q = q.ok_or_else(|| self.nonlinear_in(t))?;
            coeff.push((q, k));
        }
        let ce = self.s.cx.add_terms(&coeff, 0).ok_or_else(err)?;
        let ce = self.s.simp(ce);
        self.divide(ce, self.xe, op, nr, work)
    }

    /// [`Solver::step_sum`]'s shapes of the terms with x, `xt` ([`Solver::linear_pos`]), into
    /// `shapes`, up to the first term that is not linear in x: its index (`None` when all are).
    #[inline(always)]
    fn term_shapes(
        &self,
        xt: &[(Expr, i64)],
        shapes: &mut SmallVec<[Option<usize>; 4]>,
    ) -> Option<usize> {
        for (i, &(t, _)) in xt.iter().enumerate() {
            match self.linear_pos(t) {
                Some(p) => shapes.push(p),
                None => return Some(i),
            }
        }
        None
    }

    /// The one factor with x that every term of `xt` (two or more, all with x) has, where it
    /// is not x itself: `FloorDiv(s53 - 1, 4)` in `FloorDiv(s0 - 1, 4)*FloorDiv(s53 - 1, 4) +
    /// FloorDiv(s53 - 1, 4)` for s53. Each term is then `g` itself or a product whose only
    /// factor with x is `g`, so `Σ k_i*t_i = g*Σ k_i*q_i` with every `q_i` (the term's other
    /// factors, 1 for `g`) free of x: the sum is linear in `g`, and [`Solver::step_sum`]
    /// divides by its coefficient ([`Solver::divide_common`]) where it would otherwise name
    /// a term nonlinear.
    pub(crate) fn common_x_factor(&self, xt: &[(Expr, i64)]) -> Option<Expr> {
        let x_factor = |t: Expr| -> Option<Expr> {
            match self.s.cx.node(t) {
                Node::Mul(fs) => {
                    let mut found = None;
                    for &f in fs {
                        if self.has_x(f) {
                            if found.is_some() {
                                return None;
                            }
                            found = Some(f);
                        }
                    }
                    found
                }
                _ => Some(t),
            }
        };
        let (first, rest) = xt.split_first()?;
        if rest.is_empty() {
            return None;
        }
        let g = x_factor(first.0).filter(|&g| g != self.xe)?;
        rest.iter()
            .all(|&(t, _)| x_factor(t) == Some(g))
            .then_some(g)
    }

    /// [`Solver::step_sum`] of terms `xt` that share the factor `g` with x
    /// ([`Solver::common_x_factor`]): `Σ k_i*t_i OP r`  <=>  `(Σ k_i*q_i)*g OP r`, then the
    /// coefficient divided out as for a single term ([`Solver::divide`]), where its interval
    /// gives its sign (0 included). `None` where not, or where a cofactor does not build,
    /// with nothing recorded: the sum is then refused as before, not forked on
    /// the coefficient's sign (a case split on the sign of a product of quotients,
    /// `2 - 4*FloorDiv(s53, 2)` in `2*FloorDiv(s0, 2) < 4*FloorDiv(s0, 2)*FloorDiv(s53, 2)`
    /// for s0, is a large answer at about ten times the cost of the refusal).
    fn divide_common(
        &mut self,
        g: Expr,
        xt: &[(Expr, i64)],
        op: RelOp,
        r: Expr,
        work: &mut WorkList,
    ) -> Option<Result<(), Fail>> {
        let (ce, sign) = self.common_coefficient(g, xt)?;
        Some(self.divide_signed(ce, Some(sign), g, op, r, work))
    }

    /// The coefficient `Σ k_i*q_i` of the shared factor `g` in the terms `xt`
    /// ([`Solver::divide_common`]), simplified, with its sign ([`Solver::common_sign`]);
    /// `None` where that sign is not known (the caller refuses: no fork on the coefficient's
    /// sign) or where a cofactor does not build.
    pub(crate) fn common_coefficient(&mut self, g: Expr, xt: &[(Expr, i64)]) -> Option<(Expr, i8)> {
        let sign = self.common_sign(g, xt)?;
        let mut coeff = TermList::new();
        for &(t, k) in xt {
            let pos = match self.s.cx.node(t) {
                Node::Mul(fs) => fs.iter().position(|f| *f == g),
                _ => None,
            };
            coeff.push((self.cofactor_at(t, pos)?, k));
        }
        let ce = self.s.cx.add_terms(&coeff, 0)?;
        Some((self.s.simp(ce), sign))
    }

    /// The sign of the coefficient `Σ k_i*q_i` of `g` in the terms `xt`, where the plain
    /// intervals of the cofactors' factors show it (`Context::quick_iv`, over constant range
    /// ends): `Σ k_i*q_i` lies in `Σ k_i*Π iv(f)`, nothing built. `None` where that interval
    /// holds 0 and another value, or a factor has none. Not [`Solver::sign`]: on the real
    /// coefficients it leaves open (`2 - 4*FloorDiv(s53, 2)`, `FloorDiv(s92, 2) -
    /// FloorDiv(s53, 2)*FloorDiv(s92, 2)`) its symbolic bounds cost 10,000 to 45,000
    /// instructions before the same refusal, and building and simplifying the coefficient
    /// first cost the fast refusal of such pairs (`monomials_refused`) about 0.3 µs, which moved
    /// the public solve median. Where the plain sum leaves the sign open, a cofactor
    /// `FloorDiv(a, c)` beside a cofactor `a` is taken as one function of `a`
    /// ([`Solver::paired_sign`]): `s0 - FloorDiv(s0, 2)` is >= 1 for s0 >= 1.
    pub(crate) fn common_sign(&self, g: Expr, xt: &[(Expr, i64)]) -> Option<i8> {
        let mut acc = Iv::point(0);
        for &(t, k) in xt {
            acc = acc.add(&self.cofactor_iv(g, t)?.scale(k));
        }
        Self::sign_of(acc).or_else(|| self.paired_sign(g, xt))
    }

    /// The plain interval of the cofactor of `g` in the term `t` (its other factors'
    /// intervals multiplied; 1 for `g` itself), over constant range ends.
    fn cofactor_iv(&self, g: Expr, t: Expr) -> Option<Iv> {
        let cx = &*self.s.cx;
        let mut q = Iv::point(1);
        if let Node::Mul(fs) = cx.node(t) {
            for &f in fs.iter().filter(|&&f| f != g) {
                q = q.mul(&cx.quick_iv(f, 0)?);
            }
        }
        Some(q)
    }

    /// [`Solver::common_sign`] where the terms' cofactors hold a pair `a` and
    /// `FloorDiv(a, c)` (constant `c >= 1`; each the whole cofactor, as in `s0*g` and
    /// `FloorDiv(s0, 2)*g`): the pair's interval as a function of `a` alone
    /// ([`Iv::with_floordiv`]), the other cofactors' plain intervals added. Taken apart, the
    /// pair's two intervals lose that `a - FloorDiv(a, c)` grows with `a`. `None` without
    /// such a pair or where the sum's interval holds 0 and another value.
    fn paired_sign(&self, g: Expr, xt: &[(Expr, i64)]) -> Option<i8> {
        let cx = &*self.s.cx;
        // The cofactor of a term `g*q` that is one factor `q`.
        let single = |t: Expr| match cx.node(t) {
            Node::Mul(fs) if fs.len() == 2 => fs.iter().copied().find(|&f| f != g),
            _ => None,
        };
        let mut paired: SmallVec<[bool; 8]> = SmallVec::from_elem(false, xt.len());
        let mut acc = Iv::point(0);
        for (i, &(t, k)) in xt.iter().enumerate() {
            let Some(q) = single(t).filter(|_| !paired[i]) else {
                continue;
            };
            let Node::FloorDiv(a, c) = *cx.node(q) else {
                continue;
            };
            let Some(c) = cx.as_int(c).filter(|&c| c >= 1) else {
                continue;
            };
            let Some(j) =
                (0..xt.len()).find(|&j| j != i && !paired[j] && single(xt[j].0) == Some(a))
            else {
                continue;
            };
            paired[i] = true;
            paired[j] = true;
            // k_j*a + k*FloorDiv(a, c): one function of a.
            acc = acc.add(&cx.quick_iv(a, 0)?.with_floordiv(xt[j].1, k, c)?);
        }
        if !paired.contains(&true) {
            return None;
        }
        for (&(t, k), _) in xt.iter().zip(&paired).filter(|(_, p)| !**p) {
            acc = acc.add(&self.cofactor_iv(g, t)?.scale(k));
        }
        Self::sign_of(acc)
    }

    /// The sign every value of `acc` has: `None` where it holds 0 and another value.
    fn sign_of(acc: Iv) -> Option<i8> {
        if acc.lo >= 1 {
            Some(1)
        } else if acc.hi <= -1 {
            Some(-1)
        } else if acc.lo == 0 && acc.hi == 0 {
            Some(0)
        } else {
            None
        }
    }

    /// The term that [`Solver::step_sum`] names as nonlinear before building any cofactor:
    /// the first one not linear in x (`bad`, [`Solver::term_shapes`]) when the cofactor of
    /// every term before it is known to build ([`Solver::cofactor_builds`]); `None` otherwise
    /// (every term linear, or a cofactor to build first).
    #[inline(always)]
    pub(crate) fn named_before_building(
        &self,
        xt: &[(Expr, i64)],
        shapes: &[Option<usize>],
        bad: Option<usize>,
    ) -> Option<Expr> {
        let j = bad?;
        xt[..j]
            .iter()
            .zip(shapes)
            .all(|(&(t, _), &p)| self.cofactor_builds(t, p))
            .then_some(xt[j].0)
    }

    /// The term [`Solver::step_sum`] names as nonlinear ([`Solver::nonlinear_in`]) for the sum
    /// of the terms `xt` (two or more, all with x: the caller checks) and no constant,
    /// compared with 0 (`f OP 0`), where it names one before building anything: `None` where
    /// it would build a cofactor or solve (then only [`Solver::run`] answers). Such a step
    /// moves no term and no constant to the right (`lin` of the constant 0 alone: 0, no
    /// overflow), so the reason is all it does.
    pub(crate) fn sum_refused(&self, xt: &[(Expr, i64)]) -> Option<Expr> {
        debug_assert!(xt.len() >= 2 && xt.iter().all(|&(t, _)| self.has_x(t)));
        let mut shapes: SmallVec<[Option<usize>; 4]> = SmallVec::new();
        let bad = self.term_shapes(xt, &mut shapes);
        self.named_before_building(xt, &shapes, bad)
    }

    /// [`Solver::sum_refused`] of the two terms `ta` and `tb` where its answer is the same in
    /// either order, without ordering them: `Some(named)`, or `None` where the order decides
    /// (then the caller orders the terms and asks `sum_refused`). The cases, by
    /// [`Solver::linear_pos`] of each term (`term_shapes` stops at the first term not linear
    /// in x, `named_before_building` names it when every term before it is shown to build its
    /// cofactor):
    ///
    /// - both linear: no term is named in either order (`Some(None)`);
    /// - one not linear, the other linear with a cofactor shown to build: that term is named
    ///   in either order (first: nothing before it; second: the one before it builds);
    /// - one not linear and the other's cofactor not shown to build, or both not linear: the
    ///   order decides (`None`).
    #[inline(always)]
    pub(crate) fn pair_refused_any_order(&self, ta: Expr, tb: Expr) -> Option<Option<Expr>> {
        match (self.linear_pos(ta), self.linear_pos(tb)) {
            (Some(_), Some(_)) => Some(None),
            (None, Some(pb)) if self.cofactor_builds(tb, pb) => Some(Some(ta)),
            (Some(pa), None) if self.cofactor_builds(ta, pa) => Some(Some(tb)),
            _ => None,
        }
    }

    /// Where x is in a term linear in x: `Some(None)` for x itself, `Some(Some(i))` for a
    /// product whose factor `i` is x (the first such) and whose other factors are free of x;
    /// `None` for any other term (not linear).
    fn linear_pos(&self, t: Expr) -> Option<Option<usize>> {
        if t == self.xe {
            return Some(None);
        }
        let Node::Mul(fs) = self.s.cx.node(t) else {
            return None;
        };
        let pos = fs.iter().position(|f| *f == self.xe)?;
        let rest_has_x = fs
            .iter()
            .enumerate()
            .any(|(i, f)| i != pos && self.has_x(*f));
        (!rest_has_x).then_some(Some(pos))
    }

    /// Whether [`Solver::cofactor_at`] answers `Some` for the term `t` of shape `p`
    /// ([`Solver::linear_pos`]): for x itself (1), for one other factor that it answers as it
    /// stands, or for other factors that are distinct integer atoms (no constant, sum, product
    /// or power: `mul_args` of them merges nothing and multiplies no coefficient, so it cannot
    /// fail). `false` where that is not shown (it may still build).
    fn cofactor_builds(&self, t: Expr, p: Option<usize>) -> bool {
        let Some(pos) = p else {
            return true;
        };
        let Node::Mul(fs) = self.s.cx.node(t) else {
            return false;
        };
        let cx = &*self.s.cx;
        fs.iter().enumerate().all(|(i, &f)| {
            i == pos
                || (cx.ty(f) == crate::expr::Ty::Int
                    && !matches!(
                        cx.node(f),
                        Node::Int(_) | Node::Add(..) | Node::Mul(_) | Node::Pow(..)
                    )
                    && !fs[..i].contains(&f))
        })
    }

    /// The cofactor of a term linear in x (x itself, or x times x-free factors), of shape `p`
    /// ([`Solver::linear_pos`]).
    fn cofactor_at(&mut self, t: Expr, p: Option<usize>) -> Option<Expr> {
        let Some(pos) = p else {
            return Some(self.s.cx.int(1));
        };
        let Node::Mul(fs) = self.s.cx.node(t) else {
            return None;
        };
        let rest = factors_but(fs, pos);
        // One other factor (`s0*FloorDiv(s53, 4)` for s0): the product of it alone is itself,
        // as `mul_args` builds it, when it is an integer that is no constant, sum, product or
        // power (`mul_parts` keeps it as its one factor with coefficient 1, and `scale` by 1
        // answers it as it stands).
        if let [f] = rest[..]
            && self.s.cx.ty(f) == crate::expr::Ty::Int
            && !matches!(
                self.s.cx.node(f),
                Node::Int(_) | Node::Add(..) | Node::Mul(_) | Node::Pow(..)
            )
        {
            return Some(f);
        }
        self.s.cx.mul_args(&rest)
    }
}

impl Context {
    /// The whole answer as text, the target taken from the solution: `Eq(n, r)  if c` for a
    /// plain answer (`True`: every value, `False`: none), one `when G: answer` line per case
    /// for a guarded one (as the CLI prints them).
    pub fn display_solution(&self, sol: &Solution) -> String {
        if sol.cases.is_empty() {
            return self.display_answer(sol.target, &sol.relations, &sol.conditions);
        }
        let lines: Vec<String> = sol
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
        lines.join("\n")
    }

    /// The relation as text: `Eq(x, r)`, `Ne(x, r)`, `x < r`, `x <= r`, `x > r`, `x >= r`.
    /// The target is a [`Symbol`] or an expression: a [`Solution`]'s relations print with
    /// `display_relation(sol.target, r)`, or all at once with [`Context::display_solution`].
    pub fn display_relation(&self, target: impl SolveTarget, r: &Relation) -> String {
        let t = target.target_expr(self);
        let n = match self.as_symbol(t) {
            Some(x) => std::borrow::Cow::Borrowed(self.sym_name(x)),
            None => std::borrow::Cow::Owned(self.display(t)),
        };
        // Written piece by piece (the formatting machinery cost a solve request about 3% of
        // its instructions), into one string. A constant or a symbol
        // (`s53 >= 8`, `Eq(u1, u0)`) is written as `display` writes it (its shortcuts for
        // them), straight into this string: no string of its own to print into and copy.
        let eq = matches!(r.op, RelOp::Eq | RelOp::Ne);
        let mut out = match *self.node(r.rhs) {
            Node::Int(v) => {
                let mut out = String::with_capacity(n.len() + 32);
                self.relation_head(&mut out, r.op, &n);
                crate::print::push_i64(&mut out, v);
                out
            }
            Node::Sym(s) => {
                let name = self.sym_name(s);
                let mut out = String::with_capacity(n.len() + name.len() + 8);
                self.relation_head(&mut out, r.op, &n);
                out.push_str(name);
                out
            }
            _ => {
                // The head, then the right-hand side appended ([`Context::push_display`]),
                // with the room `display` gives it (128 bytes) besides the head's.
                let mut out = String::with_capacity(n.len() + 8 + 128);
                self.relation_head(&mut out, r.op, &n);
                self.push_display(r.rhs, &mut out);
                out
            }
        };
        if eq {
            out.push(')');
        }
        out
    }

    /// What [`Context::display_relation`] writes before the right-hand side: `Eq(x, `,
    /// `Ne(x, `, or `x OP ` (`n` the target's text).
    fn relation_head(&self, out: &mut String, op: RelOp, n: &str) {
        match op {
            RelOp::Eq | RelOp::Ne => {
                out.push_str(if op == RelOp::Eq { "Eq(" } else { "Ne(" });
                out.push_str(n);
                out.push_str(", ");
            }
            op => {
                out.push_str(n);
                out.push(' ');
                out.push_str(op.as_str());
                out.push(' ');
            }
        }
    }

    /// The condition `c` of an answer as text, as [`Context::display`] prints it, given the
    /// answer's `relations` for the target `target` and their texts (`texts(i)`, the text
    /// [`Context::display_relation`] wrote for `relations[i]`). The divisibility condition of a solved
    /// equality, `Eq(Mod(n, d), 0)` beside the relation `Eq(x, FloorDiv(n, d))` (`Eq(s3,
    /// FloorDiv(s24*s48, s88))` if `Eq(Mod(s24*s48, s88), 0)`), is written from the relation's
    /// text, without printing `n` and `d` a second time (the printer's task stack writes that
    /// condition: about 1,300 instructions of the 12,600 of a median solve request). The
    /// identity: the printer writes `FloorDiv(n, d)` as `FloorDiv(` + A + `, ` + B + `)` and
    /// `Mod(n, d)` as `Mod(` + A + `, ` + B + `)`, with A and B the same argument texts of `n`
    /// and `d` (`write_call`, `push_node`'s `call`), unless `n` is a FloorDiv (then the
    /// remainder is written `ModularIndexing`: not taken here); and `Eq(m, 0)` as `Eq(` + the
    /// text of `m` + `, 0)`. So the condition is `Eq(Mod(` + the relation's right-hand side
    /// text past `FloorDiv(` + `, 0)`. Anything else is printed by `display`. The test
    /// `display_condition_writes_what_display_prints` compares the two.
    pub fn display_condition<'t>(
        &self,
        target: impl SolveTarget,
        c: Expr,
        relations: &[Relation],
        texts: impl Fn(usize) -> Option<&'t str>,
    ) -> String {
        if let Some(text) = self.divisibility_text(target.target_expr(self), c, relations, texts) {
            return text;
        }
        self.display(c)
    }

    /// [`Context::display_condition`]'s text for a divisibility condition written from its
    /// relation's text, if it is one (`None`: print it).
    fn divisibility_text<'t>(
        &self,
        t: Expr,
        c: Expr,
        relations: &[Relation],
        texts: impl Fn(usize) -> Option<&'t str>,
    ) -> Option<String> {
        let Node::Eq(m, z) = *self.node(c) else {
            return None;
        };
        let Node::Mod(n, d) = *self.node(m) else {
            return None;
        };
        if self.as_int(z) != Some(0) || matches!(self.node(n), Node::FloorDiv(..)) {
            return None;
        }
        // (A target that is a symbol: its text, the relation's head, is its name.)
        let name = self.sym_name(self.as_symbol(t)?);
        let i = relations
            .iter()
            .position(|r| matches!(*self.node(r.rhs), Node::FloorDiv(a, b) if a == n && b == d))?;
        let (op, text) = (relations[i].op, texts(i)?);
        // The relation's text: its head, the right-hand side's text, and `)` for Eq and Ne.
        let (head, tail) = match op {
            RelOp::Eq | RelOp::Ne => ("Eq(".len() + name.len() + ", ".len(), 1),
            op => (name.len() + 1 + op.as_str().len() + 1, 0),
        };
        let rhs = text.get(head..text.len().checked_sub(tail)?)?;
        let args = rhs.strip_prefix("FloorDiv(")?;
        let mut out = String::with_capacity(args.len() + 12);
        out.push_str("Eq(Mod(");
        out.push_str(args);
        out.push_str(", 0)");
        Some(out)
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

/// The `k*x + c` case (x a symbol) of the seeding's `shifted_quotient_fits` in
/// `solve_cases.rs`, which documents its steps and whose test covers it: whether
/// `FloorDiv(na, dv)` is proven a fixpoint and `na` fits i64; `None` for any other numerator.
/// (Here, not in the seeding's module: there, the compiler's inlining changed elsewhere,
/// `Iv::scale` no longer inlined into `horner_iv`, 71 bound requests up to 418 instructions
/// slower.)
pub(crate) fn shifted_sum_fits(s: &mut Session<'_>, na: Expr, dv: i64) -> Option<bool> {
    use crate::interval::Iv;
    const I64: Iv = Iv {
        lo: i64::MIN as i128,
        hi: i64::MAX as i128,
    };
    let finite = |iv: Iv| iv.lo_i64().is_some() && iv.hi_i64().is_some();
    let (x, xs, k, c) = match s.cx.node(na) {
        Node::Add(ts, c)
            if ts.len() == 1
                && let Node::Sym(xs) = *s.cx.node(ts[0].0) =>
        {
            (ts[0].0, xs, ts[0].1, *c)
        }
        _ => return None,
    };
    debug_assert!(dv >= 2);
    // `floordiv_fixpoint`.
    if !s.cx.is_plain_polynomial(na) || crate::build::gcd(k, dv) != 1 {
        return Some(false);
    }
    let xiv = s.sym_iv(xs);
    // (`add_scaled`: `add` of `scale`, what `linear_sum_iv` computes.)
    let own = Iv::point(c).add_scaled(&xiv, k);
    if own.one_quotient(dv).is_some() {
        return Some(false);
    }
    if s.cx.sym_ty(xs) == crate::expr::Ty::Int
        && let (Some(lo), Some(hi)) = (xiv.lo_i64(), xiv.hi_i64())
        && !(hi >= lo && i128::from(hi) - i128::from(lo) >= crate::simplify::SMALL_RANGE)
    {
        return Some(false);
    }
    // `one_term_fits`: `s.iv(x)`, then `s.iv(na)` (`own`, recorded above).
    let xv = match s.s.iv.get(&x) {
        Some(v) => *v,
        None if s.cx.tick() => Iv::TOP,
        None => xiv,
    };
    let j = xv.intersect(&I64);
    if !finite(j) {
        return Some(false);
    }
    let computed = Iv::point(c).add_scaled(&j, k);
    Some(finite(computed.intersect(&own)))
}

/// The factors of a product `fs` but the one at `pos`, in their order (the cofactor's).
fn factors_but(fs: &[Expr], pos: usize) -> SmallVec<[Expr; 4]> {
    fs.iter()
        .enumerate()
        .filter(|(i, _)| *i != pos)
        .map(|(_, f)| *f)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Fail, RelOp, Relation, Solver, TermList, WorkList};
    use crate::Context;
    use crate::build::CmpOp;
    use crate::expr::{Expr, Node};
    use crate::simplify::Session;
    use smallvec::SmallVec;

    /// A solver for `x` (`xe` its expression) with nothing recorded yet, its operands
    /// `(xe, zero)`: what the tests of its steps start from.
    fn bare_solver<'a, 'c>(
        s: &'a mut Session<'c>,
        x: crate::expr::Symbol,
        xe: Expr,
        zero: Expr,
    ) -> Solver<'a, 'c> {
        Solver {
            s,
            x,
            xe,
            rels: SmallVec::new(),
            conds: SmallVec::new(),
            forced: SmallVec::new(),
            operands: (xe, zero),
            divisors: None,
            defined_used: SmallVec::new(),
            half_memo: None,
        }
    }

    /// The cofactor loop of [`Solver::step_sum`] as it was before the shapes came first:
    /// every cofactor built in order, the first that is `None` named.
    fn step_sum_reference(
        sv: &mut Solver<'_, '_>,
        xt: &TermList,
        op: RelOp,
        work: &mut WorkList,
    ) -> Result<(), Fail> {
        let zero = sv.s.cx.int(0);
        let nr =
            sv.s.cx
                .add_terms(&[(zero, 1)], 0)
                .ok_or_else(super::overflow)?;
        if let [(t, k)] = xt[..] {
            let ke = sv.s.cx.int(k);
            return sv.divide(ke, t, op, nr, work);
        }
        // Terms sharing one factor with x other than x: divided by its coefficient where that
        // coefficient's sign is known.
        if xt.iter().any(|&(t, _)| sv.linear_pos(t).is_none())
            && let Some(g) = sv.common_x_factor(xt)
            && let Some((ce, sign)) = sv.common_coefficient(g, xt)
        {
            return sv.divide_signed(ce, Some(sign), g, op, nr, work);
        }
        let mut coeff = TermList::new();
        for &(t, k) in xt {
            let q = if t == sv.xe {
                Some(sv.s.cx.int(1))
            } else {
                match sv.s.cx.node(t).clone() {
                    Node::Mul(fs) => fs.iter().position(|f| *f == sv.xe).and_then(|pos| {
                        let rest = super::factors_but(&fs, pos);
                        if rest.iter().any(|f| sv.has_x(*f)) {
                            None
                        } else {
                            sv.s.cx.mul_args(&rest)
                        }
                    }),
                    _ => None,
                }
            };
            let q = q.ok_or_else(|| sv.nonlinear_in(t))?;
            coeff.push((q, k));
        }
        let ce = sv.s.cx.add_terms(&coeff, 0).ok_or_else(super::overflow)?;
        let ce = sv.s.simp(ce);
        sv.divide(ce, sv.xe, op, nr, work)
    }

    /// The outcome of a step as text: the reason, the fork's guards, or the work and the
    /// relations and conditions pushed.
    fn outcome(sv: &Solver<'_, '_>, r: Result<(), Fail>, work: &WorkList) -> String {
        let cx = &*sv.s.cx;
        match r {
            Err(Fail::Reason(u)) => format!("unsolved {:?}: {}", u.kind, u.message),
            Err(Fail::Fork(gs)) => {
                let gs: Vec<String> = gs.iter().map(|g| cx.display(*g)).collect();
                format!("fork {}", gs.join("; "))
            }
            Ok(()) => {
                let w: Vec<String> = work
                    .iter()
                    .map(|(f, op, r)| {
                        format!("{} {} {}", cx.display(*f), op.as_str(), cx.display(*r))
                    })
                    .collect();
                let c: Vec<String> = sv.conds.iter().map(|c| cx.display(*c)).collect();
                format!("work {} | conds {}", w.join("; "), c.join("; "))
            }
        }
    }

    /// [`Solver::lin`] and [`Solver::mul_consts`] answer what `add_terms` and `mul` answer:
    /// random lists of constants (at the ends of i64 too, where the sum or product overflows)
    /// and of constants with other terms, random coefficients and constants.
    #[test]
    fn constant_arithmetic_is_the_builders() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0036);
        let vals = [
            "0",
            "1",
            "-1",
            "7",
            "-8",
            "4611686018427387904",
            "9223372036854775807",
            "-9223372036854775808",
            "y",
            "2*y + 1",
            "FloorDiv(y, 2)",
        ];
        let ks = [1, -1, 0, 2, -3, i64::MAX, i64::MIN];
        let mut cx = Context::new();
        let x = cx.symbol("x").unwrap();
        let xe = cx.sym(x);
        let zero = cx.int(0);
        let es: Vec<Expr> = vals.iter().map(|v| cx.parse(v).unwrap()).collect();
        let mut s = Session::new(&mut cx);
        let mut sv = bare_solver(&mut s, x, xe, zero);
        let (mut consts, mut total) = (0, 0);
        for _ in 0..20000 {
            let n = next(4) as usize;
            let only_consts = next(3) != 0;
            let pool = if only_consts { 8 } else { es.len() as u64 };
            let ts: Vec<(Expr, i64)> = (0..n)
                .map(|_| (es[next(pool) as usize], ks[next(ks.len() as u64) as usize]))
                .collect();
            let c = ks[next(ks.len() as u64) as usize];
            total += 1;
            if ts.iter().all(|(t, _)| sv.s.cx.as_int(*t).is_some()) {
                consts += 1;
            }
            assert_eq!(sv.lin(&ts, c), sv.s.cx.add_terms(&ts, c), "{ts:?} + {c}");
            let (a, b) = (es[next(pool) as usize], es[next(pool) as usize]);
            assert_eq!(sv.mul_consts(a, b), sv.s.cx.mul(a, b));
        }
        assert!(
            consts * 3 > total,
            "too few constant lists: {consts}/{total}"
        );
    }

    /// [`Context::display_relation`] writes a constant or symbol right-hand side as
    /// `display` prints it: every operator, targets that are symbols or expressions, constants
    /// at the ends of i64, symbols of both types, and other right-hand sides.
    #[test]
    fn display_relation_writes_what_display_prints() {
        let mut cx = Context::new();
        cx.declare("zf1", crate::expr::Ty::Float).unwrap();
        let rhss = [
            "0",
            "8",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
            "y",
            "zf1",
            "s_long_name_0",
            "FloorDiv(y, 2)",
            "y + 1",
            "-y",
            "2*y",
        ];
        let targets = ["x", "FloorDiv(x, 2)", "x*y"];
        let ops = RelOp::ALL;
        for t in targets {
            let te = cx.parse(t).unwrap();
            for r in rhss {
                let rhs = cx.parse(r).unwrap();
                for op in ops {
                    let rel = super::Relation { op, rhs };
                    let (n, shown) = (cx.display(te), cx.display(rhs));
                    let want = match op {
                        RelOp::Eq => format!("Eq({n}, {shown})"),
                        RelOp::Ne => format!("Ne({n}, {shown})"),
                        _ => format!("{n} {} {shown}", op.as_str()),
                    };
                    assert_eq!(cx.display_relation(te, &rel), want);
                }
            }
        }
    }

    /// [`super::around`] writes the pieces before, the text `display` prints, then the pieces
    /// after: random expressions (the parser's random texts), no piece, one, or several on
    /// either side, with a target name long enough that the string grows past its room.
    #[test]
    fn around_writes_the_pieces_and_what_display_prints() {
        let mut next = crate::test_rng::xorshift(0xbb67_ae85_84ca_a73bu64);
        let mut cx = Context::new();
        let long = "s".repeat(140);
        let befores: [&[&str]; 4] = [
            &[],
            &["cannot isolate ", "s0", " in "],
            &[long.as_str(), " occurs nonlinearly in "],
            &["cannot prove the divisor "],
        ];
        let afters: [&[&str]; 3] = [&[], &[" is positive"], &[" and ", long.as_str()]];
        let mut parsed = 0;
        for i in 0..5_000usize {
            let t = crate::parse::tests::random_text(&mut next, 4);
            cx.clear();
            let Ok(e) = cx.parse(&t) else { continue };
            parsed += 1;
            let (b, a) = (befores[i % 4], afters[(i / 4) % 3]);
            let want = format!("{}{}{}", b.concat(), cx.display(e), a.concat());
            assert_eq!(super::around(&cx, b, e, a), want, "{t}");
        }
        assert!(parsed > 1000, "{parsed}");
    }

    /// [`Context::display_condition`] writes what `display` prints: random conditions
    /// `Eq(Mod(n, d), 0)` (and others: a nonzero right-hand side, `Ne`, a FloorDiv numerator,
    /// which is written `ModularIndexing`), beside random relations (every operator, right-hand
    /// sides `FloorDiv(n, d)`, `FloorDiv` of other operands, and others), for targets that are
    /// symbols (short and long names) or expressions; the relations' texts are
    /// `display_relation`'s; the text is derived beside relations of every operator. Checked
    /// to fail with the numerator's FloorDiv test left out, and with the head's length off by
    /// one (then the right-hand side's text does not start with `FloorDiv(`: nothing derived).
    #[test]
    fn display_condition_writes_what_display_prints() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0036);
        let mut cx = Context::new();
        let texts = [
            "x",
            "y",
            "s_long_name_24",
            "0",
            "1",
            "2",
            "7",
            "-1",
            "-3",
            "9223372036854775807",
            "-9223372036854775808",
            "x + 1",
            "2*y",
            "-y",
            "x*y",
            "x*y + 5",
            "3*x - y",
            "FloorDiv(x, 2)",
            "FloorDiv(y + 1, 3)",
            "Mod(x, 4)",
            "Max(x, y)",
            "x**2",
            "2*FloorDiv(x, 3) + 1",
            "s_long_name_24*FloorDiv(x, y)",
        ];
        let es: Vec<Expr> = texts.iter().map(|t| cx.parse(t).unwrap()).collect();
        let targets: Vec<Expr> = ["x", "s_long_name_24", "FloorDiv(x, 2)", "x*y"]
            .iter()
            .map(|t| cx.parse(t).unwrap())
            .collect();
        let zero = cx.int(0);
        let (mut derived, mut total) = (0, 0);
        let mut derived_ops = Vec::new();
        for _ in 0..20000 {
            let pick = |next: &mut dyn FnMut(u64) -> u64| es[next(es.len() as u64) as usize];
            let (n, d) = (pick(&mut next), pick(&mut next));
            let t = targets[next(targets.len() as u64) as usize];
            let m = cx.modulo_raw(n, d);
            let c = match next(8) {
                0 => {
                    let r = pick(&mut next);
                    cx.compare_raw(CmpOp::Eq, m, r)
                }
                1 => cx.compare_raw(CmpOp::Ne, m, zero),
                2 => {
                    let r = pick(&mut next);
                    cx.compare_raw(CmpOp::Lt, r, zero)
                }
                _ => cx.compare_raw(CmpOp::Eq, m, zero),
            };
            let mut rels = Vec::new();
            for _ in 0..1 + next(2) {
                let rhs = match next(4) {
                    0 => pick(&mut next),
                    1 => {
                        let (a, b) = (pick(&mut next), pick(&mut next));
                        cx.floordiv_raw(a, b)
                    }
                    _ => cx.floordiv_raw(n, d),
                };
                let op = RelOp::ALL[next(RelOp::ALL.len() as u64) as usize];
                rels.push(Relation { op, rhs });
            }
            let shown: Vec<String> = rels.iter().map(|r| cx.display_relation(t, r)).collect();
            let text_of = |i: usize| shown.get(i).map(|s| s.as_str());
            total += 1;
            if cx.divisibility_text(t, c, &rels, text_of).is_some() {
                derived += 1;
                // (The relation it is written from: its operator's head was read.)
                if let Some(r) = rels
                    .iter()
                    .find(|r| matches!(*cx.node(r.rhs), Node::FloorDiv(a, b) if a == n && b == d))
                    && !derived_ops.contains(&r.op)
                {
                    derived_ops.push(r.op);
                }
            }
            assert_eq!(
                cx.display_condition(t, c, &rels, text_of),
                cx.display(c),
                "{shown:?}"
            );
        }
        assert!(derived * 10 > total, "too few derived: {derived}/{total}");
        assert_eq!(derived_ops.len(), RelOp::ALL.len(), "{derived_ops:?}");
    }

    /// [`Solver::step_sum`] answers what the loop that builds every cofactor first does
    /// (its shortcut for a term that is not linear): random lists of terms with x (linear ones
    /// with other symbols, calls and sums among the factors, and ones that are not linear),
    /// random coefficients and operators, under random ranges.
    #[test]
    fn step_sum_matches_building_every_cofactor() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0034);
        let terms = [
            "x",
            "x*y",
            "x*y*z",
            "x*FloorDiv(y, 2)",
            "x*y*FloorDiv(z, 4)",
            "x*Max(y, 1)*z",
            "x*(y + 1)",
            "x*(y + 1)*z",
            "x*y**2",
            "x**2",
            "x**2*y",
            "FloorDiv(x, 2)",
            "FloorDiv(x, 2)*y",
            "x*FloorDiv(x, 2)",
            "Mod(x, 3)*y*z",
            "x*FloorDiv(y, FloorDiv(x, 2))",
        ];
        let coeffs = [1, -1, 2, 3, -5, 64, i64::MAX, i64::MIN];
        let ranges = [("1", ""), ("0", "3"), ("-5", "5"), ("", "")];
        let ops = RelOp::ALL;
        let (mut shortcut, mut total) = (0, 0);
        for _ in 0..3000 {
            let n = 2 + next(3) as usize;
            let picks: Vec<(&str, i64)> = (0..n)
                .map(|_| {
                    (
                        terms[next(terms.len() as u64) as usize],
                        coeffs[next(coeffs.len() as u64) as usize],
                    )
                })
                .collect();
            let rs: Vec<(&str, &str)> = (0..3)
                .map(|_| ranges[next(ranges.len() as u64) as usize])
                .collect();
            let op = ops[next(ops.len() as u64) as usize];
            let mut answers = Vec::new();
            for reference in [false, true] {
                let mut cx = Context::new();
                for (s, (lo, hi)) in ["x", "y", "z"].iter().zip(&rs) {
                    let _ = cx.symbol(s);
                    if !lo.is_empty() {
                        cx.set_range_str(s, lo, hi).unwrap();
                    }
                }
                let x = cx.lookup("x").unwrap();
                let xe = cx.sym(x);
                let mut xt = TermList::new();
                for (t, k) in &picks {
                    let e = cx.parse(t).unwrap();
                    if !xt.iter().any(|(u, _)| *u == e) {
                        xt.push((e, *k));
                    }
                }
                let zero = cx.int(0);
                let mut s = Session::new(&mut cx);
                let mut sv = bare_solver(&mut s, x, xe, zero);
                let mut work = WorkList::new();
                let r = if reference {
                    step_sum_reference(&mut sv, &xt, op, &mut work)
                } else {
                    if xt.len() >= 2 {
                        total += 1;
                        let first_bad = xt.iter().position(|(t, _)| sv.linear_pos(*t).is_none());
                        if first_bad.is_some_and(|j| j > 0) {
                            shortcut += 1;
                        }
                    }
                    sv.step_sum(xt.clone(), TermList::new(), 0, op, zero, &mut work)
                };
                answers.push(outcome(&sv, r, &work));
            }
            assert_eq!(
                answers[0],
                answers[1],
                "{picks:?} {} under {rs:?}",
                op.as_str()
            );
        }
        assert!(
            shortcut * 5 > total,
            "too few shortcuts: {shortcut}/{total}"
        );
    }

    /// Range ends for the sign tests, in increasing order: the infinities, the ends of i64
    /// and one inside them, small values around 0 and 1, and a value beyond 32 bits (the
    /// tests index into it by position: the lower ends from 1 up start at index 6).
    const SIGN_TEST_ENDS: [&str; 13] = [
        "-oo",
        "-9223372036854775808",
        "-9223372036854775807",
        "-5",
        "-1",
        "0",
        "1",
        "2",
        "7",
        "4294967296",
        "9223372036854775806",
        "9223372036854775807",
        "oo",
    ];

    /// [`Solver::product_of_positives`] answers only where [`Session::prove_pos`] proves the
    /// product `>= 1` (asked in a fresh session, so that neither sees the other's memos):
    /// products of 1-4 symbols (one symbol is no product: it declines), some with a factor
    /// that is no symbol, each symbol's range random (ends at 0, negative, at the ends of
    /// i64, unbounded, or another symbol), and the shortcut seen to answer often.
    #[test]
    fn product_of_positives_is_prove_pos() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0044);
        let ends = SIGN_TEST_ENDS;
        let names = ["s0", "s1", "s2", "s3"];
        let others = ["FloorDiv(s0, 2)", "s1**2", "s2 + 1", "Max(s3, 1)"];
        let (mut answered, mut total) = (0, 0);
        for _ in 0..6000 {
            let mut cx = Context::new();
            for name in names {
                // Half the lower ends from 1 up (the shortcut's case), the upper end at or
                // above the lower end.
                let m = ends.len() as u64;
                let i = if next(2) == 0 {
                    6 + next(m - 7)
                } else {
                    next(m - 1)
                } as usize;
                let lo = if next(6) == 0 {
                    names[next(4) as usize]
                } else {
                    ends[i]
                };
                let hi = ends[i.max(1) + next(m - i.max(1) as u64) as usize];
                // A range the facts refuse (empty, a cycle of symbolic ends) stays unset.
                let _ = cx.set_range_str(name, lo, hi);
            }
            let n = 1 + next(4) as usize;
            let mut factors: Vec<&str> = names.to_vec();
            // A random choice of n distinct symbols, sometimes one replaced by no symbol.
            for i in 0..4 {
                let j = i + next(4 - i as u64) as usize;
                factors.swap(i, j);
            }
            factors.truncate(n);
            if next(5) == 0 {
                factors[0] = others[next(4) as usize];
            }
            let text = factors.join("*");
            let c = cx.parse(&text).unwrap();
            let x = cx.symbol("x").unwrap();
            let (xe, zero) = (cx.sym(x), cx.int(0));
            let fast = {
                let mut s = Session::new(&mut cx);
                let mut sv = bare_solver(&mut s, x, xe, zero);
                sv.product_of_positives(c)
            };
            let general = Session::new(&mut cx).prove_pos(c);
            total += 1;
            if fast {
                answered += 1;
                assert!(
                    general,
                    "{text}: the shortcut proves it >= 1, prove_pos does not"
                );
            }
        }
        assert!(
            answered * 8 > total,
            "too few shortcuts: {answered}/{total}"
        );
    }

    /// [`Solver::sign`] answers what it answered before the lower ends were shared (each of
    /// `prove_pos` and `half_signs`' `prove_nonneg` bounding `c` and `-c` on its own), in fresh
    /// sessions: random differences, sums, products and divisions of symbols whose ranges are
    /// random (ends at 0, negative, at the ends of i64, unbounded, or another symbol: the
    /// symbolic bounds `sym_lower` substitutes), some assumed nonzero. [`Solver::pos_nonneg`]
    /// is `prove_pos` and `prove_nonneg` on each, and [`Solver::pos_where_defined_not_proven`]
    /// `pos_where_defined` where `prove_pos` is false.
    #[test]
    fn sign_is_the_unshared_sign() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0045);
        let ends = SIGN_TEST_ENDS;
        let names = ["s0", "s1", "s2", "s3"];
        let exprs = [
            "s0 - s1",
            "s0 - s1 + 1",
            "s1 - s0 - 1",
            "s0*s1 - 2",
            "s0*s1",
            "-s0*s2",
            "FloorDiv(s0, 2) - s1",
            "s2 - 1",
            "-s0",
            "2*s0 - s2 - 3",
            "s3",
            "s0 + s1",
            "Max(s0, s1) - s2",
            "s0*s1 - s2*s3",
            "s3 - 9223372036854775807",
            "0",
            "-7",
        ];
        let mut seen = [0usize; 4];
        for _ in 0..4000 {
            let mut cx = Context::new();
            for name in names {
                let m = ends.len() as u64;
                let i = next(m - 1) as usize;
                let (lo, hi) = match next(4) {
                    0 => (
                        names[next(4) as usize],
                        ends[i.max(1) + next(m - i.max(1) as u64) as usize],
                    ),
                    1 => (ends[i], names[next(4) as usize]),
                    _ => (ends[i], ends[i.max(1) + next(m - i.max(1) as u64) as usize]),
                };
                // A range the facts refuse (empty, a cycle of symbolic ends) stays unset.
                let _ = cx.set_range_str(name, lo, hi);
            }
            // Sometimes an expression known nonzero (`nonzero` answers from the facts: then
            // a half sign alone is the sign).
            if next(3) == 0 {
                let nz = ["Ne(s0, 0)", "Ne(s0 - s1, 0)", "Ne(s3, 0)", "Ne(s0*s1, 0)"];
                let p = cx.parse(nz[next(4) as usize]).unwrap();
                let _ = cx.assume(p);
            }
            let text = exprs[next(exprs.len() as u64) as usize];
            let c = cx.parse(text).unwrap();
            let x = cx.symbol("x").unwrap();
            let (xe, zero) = (cx.sym(x), cx.int(0));
            let got = {
                let mut s = Session::new(&mut cx);
                let mut sv = bare_solver(&mut s, x, xe, zero);
                sv.sign(c)
            };
            let want = {
                let mut s = Session::new(&mut cx);
                let mut sv = bare_solver(&mut s, x, xe, zero);
                if let Some(v) = sv.s.cx.as_int(c) {
                    Some(v.signum() as i8)
                } else if sv.s.prove_pos(c) {
                    Some(1)
                } else {
                    match sv.s.cx.neg(c) {
                        None => None,
                        Some(n) if sv.s.prove_pos(n) => Some(-1),
                        Some(n) => sv.sign_slow(c, n),
                    }
                }
            };
            assert_eq!(got, want, "sign of {text}");
            let fast = {
                let mut s = Session::new(&mut cx);
                let mut sv = bare_solver(&mut s, x, xe, zero);
                sv.pos_nonneg(c)
            };
            let mut s = Session::new(&mut cx);
            let general = (s.prove_pos(c), s.prove_nonneg(c));
            drop(s);
            assert_eq!(fast, general, "pos_nonneg of {text}");
            // pos_where_defined's tests past prove_pos, on c and -c where prove_pos is false
            // (as sign_slow asks them), are pos_where_defined's answer; the relation divides
            // by c half the time (c nonzero where defined).
            let divided = cx.parse(&format!("FloorDiv(x, {text})")).unwrap();
            let operands = if next(2) == 0 {
                (divided, zero)
            } else {
                (xe, zero)
            };
            let Some(n) = cx.neg(c) else { continue };
            for e in [c, n] {
                if cx.as_int(e).is_some() || Session::new(&mut cx).prove_pos(e) {
                    continue;
                }
                let mut answers = Vec::new();
                for rest in [false, true] {
                    let mut s = Session::new(&mut cx);
                    let mut sv = bare_solver(&mut s, x, xe, zero);
                    sv.operands = operands;
                    let mut used = SmallVec::new();
                    let r = if rest {
                        sv.pos_where_defined_not_proven(e, 0, &mut used)
                    } else {
                        sv.pos_where_defined(e, 0, &mut used)
                    };
                    answers.push((r, used));
                }
                assert_eq!(answers[0], answers[1], "pos_where_defined of {text}");
            }
            seen[match got {
                Some(1) => 0,
                Some(0) => 1,
                Some(_) => 2,
                None => 3,
            }] += 1;
        }
        assert!(seen.iter().all(|k| *k > 100), "too few of a sign: {seen:?}");
    }
}
