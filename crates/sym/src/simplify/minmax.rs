//! Min/Max rules: drop arguments another argument provably dominates, and absorption.

use super::{Rule, Session};
use crate::expr::{Expr, Node, Ty};

impl Session<'_> {
    pub(super) fn rules_minmax(&mut self, e: Expr) -> Option<Expr> {
        let (is_max, xs) = match self.cx.node(e).clone() {
            Node::Min(xs) => (false, xs),
            Node::Max(xs) => (true, xs),
            _ => return None,
        };
        if self.cx.ty(e) != Ty::Int {
            return None;
        }
        // Absorption: Min(a, Max(a, b)) = a (a <= Max(a, b)); Max(a, Min(a, b)) = a.
        for (i, x) in xs.iter().enumerate() {
            let inner = match (is_max, self.cx.node(*x)) {
                (false, Node::Max(ys)) | (true, Node::Min(ys)) => ys.clone(),
                _ => continue,
            };
            if inner.iter().any(|y| xs.contains(y)) {
                let rest: Vec<Expr> = xs
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, v)| *v)
                    .collect();
                self.fire(Rule::MinMaxAbsorb);
                return Some(self.cx.minmax(is_max, &rest));
            }
        }
        // Dominated: in Min, drop b when some a <= b is proven (Max: a >= b).
        if xs.len() <= 16 {
            for i in 0..xs.len() {
                for j in 0..xs.len() {
                    if i == j {
                        continue;
                    }
                    let (a, b) = (xs[i], xs[j]);
                    let dominated = if is_max {
                        self.prove_le(b, a)
                    } else {
                        self.prove_le(a, b)
                    };
                    if dominated {
                        let rest: Vec<Expr> = xs
                            .iter()
                            .enumerate()
                            .filter(|(k, _)| *k != j)
                            .map(|(_, v)| *v)
                            .collect();
                        self.fire(Rule::MinMaxDominated);
                        return Some(self.cx.minmax(is_max, &rest));
                    }
                }
            }
        }
        None
    }
}
