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
        let absorbed = xs.iter().position(|x| {
            minmax_args(self.cx, !is_max, *x).is_some_and(|ys| ys.iter().any(|y| xs.contains(y)))
        });
        if let Some(i) = absorbed {
            let mut rest = xs.to_vec();
            rest.remove(i);
            self.fire(Rule::MinMaxAbsorb);
            return Some(self.cx.minmax(is_max, &rest));
        }
        // Nested absorption: Max(a, Min(b, Max(a, c))) = Max(a, Min(b, c)), and with Min and
        // Max exchanged. Min distributes over Max (a total order is a distributive lattice):
        // Min(b, Max(a, c)) = Max(Min(b, a), Min(b, c)), and Min(b, a) <= a is absorbed by
        // the outer Max. Every argument of the innermost node that is an argument of the outer
        // one goes; when none is left, Min(b, Max(C)) <= Max(C) <= the outer Max, and the
        // whole inner node goes (`MinMaxAbsorb` above covers `a` directly inside).
        let nested = xs.iter().enumerate().find_map(|(i, x)| {
            let ys = minmax_args(self.cx, !is_max, *x)?;
            ys.iter().enumerate().find_map(|(j, y)| {
                let cs = minmax_args(self.cx, is_max, *y)?;
                cs.iter().any(|c| xs.contains(c)).then(|| {
                    let kept: Vec<Expr> = cs.iter().copied().filter(|c| !xs.contains(c)).collect();
                    (i, j, ys.to_vec(), kept)
                })
            })
        });
        if let Some((i, j, mut inner, kept)) = nested {
            let mut outer = xs.to_vec();
            if kept.is_empty() {
                outer.remove(i);
            } else {
                inner[j] = self.cx.minmax(is_max, &kept);
                outer[i] = self.cx.minmax(!is_max, &inner);
            }
            self.fire(Rule::MinMaxNestedAbsorb);
            return Some(self.cx.minmax(is_max, &outer));
        }
        // Dominated: in Min, drop b when some a <= b is proven (Max: a >= b). First the
        // pairs the arguments' intervals decide (memoized, nothing built: `Min(x, 255)` with x
        // in [0, 255]), then the pairs they leave open by the prover, whose differences cost
        // more than the rest of the rule (a pair it cannot prove is the common case:
        // `Max(0, x - 3)`).
        if xs.len() <= 16 {
            // The pairs (j, a, b) the intervals leave open, in order: drop xs[j] if a <= b.
            let mut open: smallvec::SmallVec<[(usize, Expr, Expr); 8]> = smallvec::SmallVec::new();
            let mut found = None;
            'intervals: for (i, &x) in xs.iter().enumerate() {
                for (j, &y) in xs.iter().enumerate().filter(|&(j, _)| j != i) {
                    let (a, b) = if is_max { (y, x) } else { (x, y) };
                    match self.le_by_intervals(a, b, false) {
                        Some(true) => {
                            found = Some(j);
                            break 'intervals;
                        }
                        Some(false) => {}
                        None => open.push((j, a, b)),
                    }
                }
            }
            if found.is_none() {
                found = open
                    .into_iter()
                    .find(|&(_, a, b)| self.le_by_difference(a, b))
                    .map(|(j, _, _)| j);
            }
            if let Some(j) = found {
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
        None
    }
}

/// The arguments of `e` if it is a `Max` (`max`) or a `Min` (not `max`).
fn minmax_args(cx: &crate::Context, max: bool, e: Expr) -> Option<&[Expr]> {
    match (max, cx.node(e)) {
        (true, Node::Max(xs)) | (false, Node::Min(xs)) => Some(xs),
        _ => None,
    }
}
