//! Solving float relations for a float symbol (PyTorch's `zf` symbols, real numbers in sympy).
//!
//! The relation must have the symbol on one side only, reached through negation, sums with
//! terms free of it, and products or quotients by factors free of it whose sign is known
//! (a nonzero constant, or a float interval that excludes 0). The answer is a float expression.
//!
//! Rounding: each step is an identity over the real numbers. Mirroring (`r <= x` to `x >= r`)
//! and negation (`-x <= r` to `x >= -r`) are also exact in IEEE doubles, so an already isolated
//! relation is answered exactly. Moving a term across (`x + c <= r` to `x <= r - c`) and dividing
//! by a coefficient (`2.5*x <= r` to `x <= r/2.5`) round in doubles: evaluated with IEEE
//! arithmetic, the relation and the answer agree except at values of x within an ulp-sized
//! window of the boundary (and where an intermediate overflows to infinity).

use crate::Context;
use crate::expr::{Expr, Node, Symbol};
use crate::simplify::Session;
use crate::solve::{RelOp, Relation, Solution, SolveResult, UnsolvedKind, unsolved};

impl Context {
    /// `a OP b` for the float symbol `x` (see the module docs for what is answered).
    pub(crate) fn solve_float(&mut self, x: Symbol, a: Expr, b: Expr, op: RelOp) -> SolveResult {
        let xe = self.sym(x);
        let name = self.sym_name(x).to_string();
        let (mut f, mut op, mut r) = match (self.contains_symbol(a, x), self.contains_symbol(b, x))
        {
            (true, false) => (a, op, b),
            // a OP b  <=>  b OP' a (exact).
            (false, true) => (b, op.mirror(), a),
            _ => {
                return unsolved(
                    UnsolvedKind::Nonlinear,
                    format!("{name} occurs on both sides of a float relation"),
                );
            }
        };
        for _ in 0..256 {
            if f == xe {
                return SolveResult::Solved(Solution {
                    target: xe,
                    relations: vec![Relation { op, rhs: r }],
                    conditions: vec![],
                    cases: vec![],
                    defined_where: vec![],
                });
            }
            let node = self.node(f).clone();
            let (inner, other) = match node {
                // -p OP r  <=>  p OP' -r (exact).
                Node::FNeg(p) => {
                    f = p;
                    op = op.mirror();
                    r = self.fneg_raw(r);
                    continue;
                }
                Node::FAdd(p, q) | Node::FMul(p, q) | Node::FloatTrueDiv(p, q) => {
                    match (self.contains_symbol(p, x), self.contains_symbol(q, x)) {
                        (true, false) => (p, q),
                        (false, true) if !matches!(node, Node::FloatTrueDiv(..)) => (q, p),
                        _ => {
                            return unsolved(
                                UnsolvedKind::Nonlinear,
                                format!("{name} occurs nonlinearly in {}", self.display(f)),
                            );
                        }
                    }
                }
                _ => {
                    return unsolved(
                        UnsolvedKind::CannotIsolate,
                        format!("cannot isolate {name} in {}", self.display(f)),
                    );
                }
            };
            match node {
                Node::FAdd(..) => {
                    // p + q OP r  <=>  p OP r - q (over the reals).
                    let nq = self.fneg_raw(other);
                    r = self.fadd_raw(r, nq);
                }
                _ => {
                    let Some(sign) = self.float_sign(other) else {
                        return unsolved(
                            UnsolvedKind::UnknownSign,
                            format!(
                                "cannot prove the sign of the coefficient {} of {name}",
                                self.display(other)
                            ),
                        );
                    };
                    // p*k OP r  <=>  p OP r/k, and p/k OP r  <=>  p OP r*k, for k > 0 (over the
                    // reals); the operator mirrors for k < 0.
                    r = if matches!(node, Node::FMul(..)) {
                        self.float_truediv_raw(r, other)
                    } else {
                        self.fmul_raw(r, other)
                    };
                    if sign < 0 {
                        op = op.mirror();
                    }
                }
            }
            f = inner;
        }
        unsolved(UnsolvedKind::StepLimit, "solver step limit reached".into())
    }

    /// The sign of a float (or integer) coefficient when it is known nonzero.
    fn float_sign(&mut self, k: Expr) -> Option<i8> {
        if let Some(v) = self.as_float(k) {
            return (v != 0.0 && v.is_finite()).then_some(if v > 0.0 { 1 } else { -1 });
        }
        if let Some(v) = self.as_int(k) {
            return (v != 0).then_some(v.signum() as i8);
        }
        let iv = Session::new(self).fiv(k);
        if iv.lo > 0.0 && iv.hi.is_finite() {
            Some(1)
        } else if iv.hi < 0.0 && iv.lo.is_finite() {
            Some(-1)
        } else {
            None
        }
    }
}
