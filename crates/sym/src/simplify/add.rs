//! Sum rules: merging splits of the same index (TVM's canonical SplitExpr merging, PyTorch's
//! `join_dimensions`), and the canonical sign of a negated FloorDiv.
//!
//! A term is viewed as `scale * split(x, l, e)` where `split(x, l, e) = Mod(FloorDiv(x, l), e)`
//! (`e = None`: no Mod; `l = 1`: no FloorDiv). With `y = FloorDiv(x, l)` and `e > 0`,
//! `FloorDiv(x, l*e) = FloorDiv(y, e)` (nested floor division by a positive divisor), which is
//! what lets splits of one index at different granularities meet.

use super::{Rule, Session};
use crate::expr::{Expr, Node};

#[derive(Copy, Clone, Debug)]
struct Split {
    base: Expr,
    lower: Expr,
    ext: Option<Expr>,
    /// The full scale of the term: coefficient times any other factors.
    scale: Expr,
}

impl Session<'_> {
    /// The base of a term's split view, without building anything (a cheap pre-filter).
    fn split_base(&self, t: Expr) -> Expr {
        let inner = match self.cx.node(t) {
            Node::Mul(fs) => {
                let mut it = fs
                    .iter()
                    .filter(|f| matches!(self.cx.node(**f), Node::FloorDiv(..) | Node::Mod(..)));
                match (it.next(), it.next()) {
                    (Some(f), None) => *f,
                    _ => t,
                }
            }
            _ => t,
        };
        match self.cx.node(inner) {
            Node::FloorDiv(x, _) => *x,
            Node::Mod(y, _) => match self.cx.node(*y) {
                Node::FloorDiv(x, _) => *x,
                _ => *y,
            },
            _ => inner,
        }
    }

    fn split_of(&mut self, t: Expr, k: i64) -> Option<Split> {
        let one = self.cx.int(1);
        let (inner, rest) = match self.cx.node(t).clone() {
            Node::Mul(fs) => {
                // Exactly one factor is a FloorDiv or Mod: the rest scales it.
                let idx: Vec<usize> = (0..fs.len())
                    .filter(|i| matches!(self.cx.node(fs[*i]), Node::FloorDiv(..) | Node::Mod(..)))
                    .collect();
                if idx.len() != 1 {
                    (t, one)
                } else {
                    let others: Vec<Expr> = fs
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != idx[0])
                        .map(|(_, f)| *f)
                        .collect();
                    (fs[idx[0]], self.cx.mul_args(&others)?)
                }
            }
            _ => (t, one),
        };
        let scale = self.cx.scale(rest, k)?;
        let (base, lower, ext) = match self.cx.node(inner).clone() {
            Node::FloorDiv(x, l) => (x, l, None),
            Node::Mod(y, m) => match self.cx.node(y).clone() {
                Node::FloorDiv(x, l) => (x, l, Some(m)),
                _ => (y, one, Some(m)),
            },
            _ => (inner, one, None),
        };
        Some(Split {
            base,
            lower,
            ext,
            scale,
        })
    }

    fn split_expr(&mut self, s: &Split) -> Option<Expr> {
        let mut v = if self.cx.as_int(s.lower) == Some(1) {
            s.base
        } else {
            self.cx.floordiv_raw(s.base, s.lower)
        };
        if let Some(m) = s.ext {
            v = self.cx.modulo_raw(v, m);
        }
        self.cx.mul(s.scale, v)
    }

    fn positive(&mut self, e: Expr) -> bool {
        match self.cx.as_int(e) {
            Some(v) => v > 0,
            None => self.prove_pos(e),
        }
    }

    /// Tries to merge two splits of the same base into one.
    fn merge_splits(&mut self, p: &Split, q: &Split) -> Option<(Split, Rule)> {
        let (pl, ql) = (p.lower, q.lower);
        // Join: S*Mod(y, e1) + S*e1*Mod(FloorDiv(y, e1), e2) = S*Mod(y, e1*e2) for e1, e2 > 0
        // (e2 = None: S*Mod(y, e1) + S*e1*FloorDiv(y, e1) = S*y). With y = q*e1 + r, r in
        // [0, e1): r + e1*Mod(q, e2) is in [0, e1*e2) and ≡ y (mod e1*e2).
        // The divisor e1*e2 is a new node (an operand of Mod, so not part of a polynomial,
        // docs/rules.md §8): taken only where it provably fits in i64 (fuzz/ found
        // `128*s27*ModularIndexing(r0, s27, s77) + 128*Mod(r0, s27)` at s27 = 2^63 - 2).
        if let Some(e1) = p.ext {
            let l2 = self.cx.mul(pl, e1)?;
            let s2 = self.cx.mul(p.scale, e1)?;
            if l2 == ql
                && s2 == q.scale
                && self.positive(e1)
                && q.ext.is_none_or(|e2| self.positive(e2))
            {
                let ext = match q.ext {
                    Some(e2) => Some(self.cx.mul(e1, e2)?),
                    None => None,
                };
                if ext.is_some_and(|m| !self.fits_i64(m)) {
                    return None;
                }
                return Some((
                    Split {
                        base: p.base,
                        lower: pl,
                        ext,
                        scale: p.scale,
                    },
                    Rule::SplitJoin,
                ));
            }
        }
        if pl == ql
            && p.ext.is_none()
            && let Some(e) = q.ext
        {
            // S*y - S*Mod(y, e) = S*e*FloorDiv(y, e) for e > 0 (y - Mod(y, e) = e*FloorDiv(y, e)).
            // The new divisor l*e (y = FloorDiv(x, l)) must fit in i64, as above.
            let neg = self.cx.neg(p.scale)?;
            if neg == q.scale && self.positive(e) {
                let lower = self.cx.mul(pl, e)?;
                if self.cx.as_int(pl) != Some(1) && !self.fits_i64(lower) {
                    return None;
                }
                let scale = self.cx.mul(p.scale, e)?;
                return Some((
                    Split {
                        base: p.base,
                        lower,
                        ext: None,
                        scale,
                    },
                    Rule::SplitSubMod,
                ));
            }
        }
        if p.ext.is_none() && q.ext.is_none() {
            // S*y - S*e*FloorDiv(y, e) = S*Mod(y, e) for e > 0, with FloorDiv(y, e) = split(x, l*e).
            if let (Some(lp), Some(lq)) = (self.cx.as_int(pl), self.cx.as_int(ql))
                && lp > 0
                && lq > lp
                && lq % lp == 0
            {
                let e = self.cx.int(lq / lp);
                let want = self.cx.mul(p.scale, e)?;
                let want = self.cx.neg(want)?;
                if want == q.scale {
                    return Some((
                        Split {
                            base: p.base,
                            lower: pl,
                            ext: Some(e),
                            scale: p.scale,
                        },
                        Rule::SplitSubDiv,
                    ));
                }
            }
        }
        None
    }

    /// k2*FloorDiv(a + m*c, c) = k2*FloorDiv(a, c) + k2*m (c > 0: floor(y + m) = floor(y) + m):
    /// two FloorDiv terms of one sum whose numerators differ by a multiple of their common
    /// divisor become one term, so equal shifts meet (`FloorDiv(x, 4) - FloorDiv(x - 4, 4)` is
    /// 1). No new value is computed: `FloorDiv(a, c)` is already in the sum.
    fn merge_shifted_floordivs(&mut self, ts: &[(Expr, i64)], c: i64) -> Option<Expr> {
        if ts.len() < 2 || ts.len() > 64 {
            return None;
        }
        let fds: smallvec::SmallVec<[(usize, Expr, i64); 4]> = ts
            .iter()
            .enumerate()
            .filter_map(|(i, (t, _))| match *self.cx.node(*t) {
                Node::FloorDiv(a, d) => self.cx.as_int(d).filter(|v| *v > 0).map(|v| (i, a, v)),
                _ => None,
            })
            .collect();
        for x in 0..fds.len() {
            for y in x + 1..fds.len() {
                let ((i, ai, ci), (j, aj, cj)) = (fds[x], fds[y]);
                if ci != cj {
                    continue;
                }
                let Some(dv) = self.cx.const_difference(aj, ai) else {
                    continue;
                };
                if dv % ci != 0 {
                    continue;
                }
                // a_j = a_i + m*c: term j becomes k_j*FloorDiv(a_i, c) + k_j*m.
                let m = dv / ci;
                let kj = ts[j].1;
                let nc = c.checked_add(kj.checked_mul(m)?)?;
                let mut rest: smallvec::SmallVec<[(Expr, i64); 8]> = ts.iter().copied().collect();
                rest[j] = (ts[i].0, kj);
                self.fire(Rule::FdShift);
                return self.cx.add_terms(&rest, nc);
            }
        }
        None
    }

    /// ExpandMul at the level of a sum: a product of sums that could not be expanded on its
    /// own (its expansion was not proven free of new overflow: `s27*(s77 - 1)` computes
    /// `s27*s77`) is expanded with the whole sum when the sum's expansion is: its terms have
    /// one sign (each new product is at most the sum, the input's value) or provably fit.
    /// `128*s27*(s77 - 1) + 128*s27` = `128*s27*s77`.
    fn expand_in_sum(&mut self, e: Expr, ts: &[(Expr, i64)]) -> Option<Expr> {
        let has_product_of_sums = ts.iter().any(|(t, _)| match self.cx.node(*t) {
            Node::Mul(fs) => fs.iter().any(|f| matches!(self.cx.node(*f), Node::Add(..))),
            _ => false,
        });
        if !has_product_of_sums {
            return None;
        }
        let x = self.cx.expand_poly(e)?;
        if x == e {
            return None;
        }
        if self.bounded_by_value(x) || self.fits_i64(x) || self.poly_fits(x) {
            self.fire(Rule::ExpandMul);
            return Some(x);
        }
        self.factor_expansion(e, x)
    }

    /// g*S = x for the common monomial g of the terms of x, the expansion of `e` (the same
    /// value): `s27*(s77 - 2) + s27` = `s27*(s77 - 1)`, where the expanded `s27*s77 - s27`
    /// would compute `s27*s77`, which overflows where `e` does not. The new nodes are S, g and
    /// their product, the input's value: taken when S and g fit (g*S = e says nothing about
    /// them where the other one is 0) and the result is smaller than `e`.
    fn factor_expansion(&mut self, e: Expr, x: Expr) -> Option<Expr> {
        let ms = self.monomials(x);
        if ms.len() < 2 {
            return None;
        }
        let g = self.content(ms.iter());
        if g.factors.is_empty() || g.coeff <= 0 {
            return None;
        }
        let s = self.divide_exact(x, &g)?;
        let unit = super::monomial::Mono {
            coeff: 1,
            factors: g.factors.clone(),
        };
        let gf = self.mono_expr(&unit)?;
        if !self.fits_i64(s) || !self.fits_i64(gf) {
            return None;
        }
        let ge = self.mono_expr(&g)?;
        let y = self.cx.mul(ge, s)?;
        if y == e || self.cx.tree_size(y) >= self.cx.tree_size(e) {
            return None;
        }
        self.fire(Rule::FactorCommon);
        Some(y)
    }

    pub(super) fn rules_add(&mut self, e: Expr) -> Option<Expr> {
        let Node::Add(ts, c) = self.cx.node(e).clone() else {
            return None;
        };
        if let Some(r) = self.merge_shifted_floordivs(&ts, c) {
            return Some(r);
        }
        if let Some(r) = self.expand_in_sum(e, &ts) {
            return Some(r);
        }
        let mut bases: smallvec::SmallVec<[Expr; 8]> =
            ts.iter().map(|(t, _)| self.split_base(*t)).collect();
        bases.sort_unstable();
        let shared = bases.windows(2).any(|w| w[0] == w[1]);
        if shared && ts.len() <= 256 {
            let mut splits: Vec<Split> = Vec::with_capacity(ts.len());
            for (t, k) in &ts {
                splits.push(self.split_of(*t, *k)?);
            }
            for i in 0..splits.len() {
                for j in 0..splits.len() {
                    if i == j || splits[i].base != splits[j].base {
                        continue;
                    }
                    if let Some((m, rule)) = self.merge_splits(&splits[i], &splits[j]) {
                        let merged = self.split_expr(&m)?;
                        let mut rest: Vec<(Expr, i64)> = ts
                            .iter()
                            .enumerate()
                            .filter(|(x, _)| *x != i && *x != j)
                            .map(|(_, t)| *t)
                            .collect();
                        rest.push((merged, 1));
                        self.fire(rule);
                        return self.cx.add_terms(&rest, c);
                    }
                }
            }
        }
        // m*FloorDiv(a, c) + k = m*FloorDiv(a + (k/m)*c, c) when m | k (floor(x) + q =
        // floor(x + q)); applied when a already has a constant, so a node disappears.
        if c != 0 {
            let cands: smallvec::SmallVec<[usize; 4]> = (0..ts.len())
                .filter(|&i| {
                    let (t, m) = ts[i];
                    match self.cx.node(t) {
                        Node::FloorDiv(a, d) => {
                            c.checked_rem(m) == Some(0)
                                && self.cx.as_int(*d).is_some_and(|v| v > 0)
                                && matches!(self.cx.node(*a), Node::Add(_, k) if *k != 0)
                        }
                        _ => false,
                    }
                })
                .collect();
            if let [i] = cands[..] {
                let (t, m) = ts[i];
                let Node::FloorDiv(a, d) = *self.cx.node(t) else {
                    return None;
                };
                let dv = self.cx.as_int(d)?;
                let shift = c.checked_div(m)?.checked_mul(dv)?;
                let na = self.cx.add_const(a, shift)?;
                // The shifted numerator is a new value: it must not overflow where the input
                // does not (side condition: its evaluation stays inside i64).
                if !self.fits_i64(na) {
                    return None;
                }
                let fd = self.cx.floordiv_raw(na, d);
                let mut rest: Vec<(Expr, i64)> = ts.to_vec();
                rest[i] = (fd, m);
                self.fire(Rule::FdAbsorbConst);
                return self.cx.add_terms(&rest, 0);
            }
        }
        // -k*FloorDiv(a, c) = k*FloorDiv(-a + c - 1, c) for c > 0: -floor(a/c) = ceil(-a/c)
        // = floor((-a + c - 1)/c). Applied when a's leading coefficient is negative, so that
        // CeilDiv(x, 4) = -FloorDiv(-x, 4) becomes FloorDiv(x + 3, 4).
        for (i, (t, k)) in ts.iter().enumerate() {
            if *k >= 0 {
                continue;
            }
            let Node::FloorDiv(a, d) = *self.cx.node(*t) else {
                continue;
            };
            let Some(dv) = self.cx.as_int(d).filter(|v| *v > 0) else {
                continue;
            };
            let lead_neg = match self.cx.node(a) {
                Node::Add(xs, _) => xs[0].1 < 0,
                _ => false,
            };
            if !lead_neg {
                continue;
            }
            let na = self.cx.neg(a)?;
            let na = self.cx.add_const(na, dv - 1)?;
            // -a + c - 1 is a new value (CeilDiv(x, 2^63 - 1) would become FloorDiv(x + 2^63 - 2,
            // ...), overflowing at x = 2): only when its evaluation provably stays inside i64.
            if !self.fits_i64(na) {
                continue;
            }
            let fd = self.cx.floordiv_raw(na, d);
            let mut rest: Vec<(Expr, i64)> = ts.to_vec();
            rest[i] = (fd, k.checked_neg()?);
            self.fire(Rule::NegFloorDiv);
            return self.cx.add_terms(&rest, c);
        }
        self.shift_into_minmax(e, &ts, c)
    }

    /// R + Min(a_1, ..., a_n) = Min(a_1 + R, ..., a_n + R), and the same for Max (adding one
    /// value to every argument commutes with taking the least or greatest). Taken for a sum with
    /// one Min/Max term of coefficient 1 when the result is smaller (`-q2 + Min(s53, q2 + 1)`
    /// = `Min(1, s53 - q2)`) and every new argument `a_i + R` provably fits in i64 (the one
    /// that is not the least may be larger than anything the input computes).
    fn shift_into_minmax(&mut self, e: Expr, ts: &[(Expr, i64)], c: i64) -> Option<Expr> {
        if self.depth >= 40 {
            return None;
        }
        let (is_max, args, rest) = self.cx.split_minmax_term(ts)?;
        let r = self.cx.add_terms(&rest, c)?;
        let mut new_args: crate::expr::Args = crate::expr::Args::new();
        for a in args {
            let s = self.cx.add(a, r)?;
            self.depth += 1;
            let s = self.simp(s);
            self.depth -= 1;
            if !self.fits_i64(s) {
                return None;
            }
            new_args.push(s);
        }
        let out = self.cx.minmax(is_max, &new_args);
        if self.cx.tree_size(out) >= self.cx.tree_size(e) {
            return None;
        }
        self.fire(Rule::MinMaxShift);
        Some(out)
    }
}
