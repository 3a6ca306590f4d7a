//! Mod rules. `Mod(a, b)` = a - b*FloorDiv(a, b) (floor modulo, sign of b); undefined for b = 0.

use super::monomial::Mono;
use super::{Rule, Session};
use crate::build::{floor_div, floor_mod};
use crate::expr::{Expr, Node};

impl Session<'_> {
    pub(super) fn rules_mod(&mut self, e: Expr) -> Option<Expr> {
        let Node::Mod(a, b) = *self.cx.node(e) else {
            return None;
        };
        let bc = self.cx.as_int(b);
        if bc == Some(0) {
            return None;
        }
        // Mod(a, ±1) = 0.
        if bc == Some(1) || bc == Some(-1) {
            self.fire(Rule::ModByOne);
            return Some(self.cx.int(0));
        }
        // Mod(0, b) = 0 and Mod(b, b) = 0 where defined.
        if self.cx.as_int(a) == Some(0) || a == b {
            self.fire(if a == b { Rule::ModSelf } else { Rule::ModZero });
            return Some(self.cx.int(0));
        }
        if let Some(r) = self.mod_inner_mod(a, b) {
            return Some(r);
        }
        // Mod(g*a, g*b) = g*Mod(a, b) for g != 0: ga - gb*floor(ga/gb) = g(a - b*floor(a/b)).
        if let Some(c) = bc.filter(|c| *c > 0) {
            let g = self.cx.int_content(a, c);
            if g > 1 {
                let na = self.cx.div_coeffs(a, g)?;
                let nc = self.cx.int(c / g);
                let m = self.cx.modulo_raw(na, nc);
                self.fire(Rule::ModGcd);
                return self.cx.scale(m, g);
            }
            return self.mod_const(a, c);
        }
        // Mod(a, FloorDiv(a, k)) = Mod(a, k) for a constant k >= 2 where a >= k*k: with
        // b = FloorDiv(a, k) >= k, a = k*b + r with 0 <= r = Mod(a, k) < k <= b, so
        // a - b*floor(a/b) = a - b*k = r. New value: Mod(a, k), of a the input computes.
        if let Some(k) = self.own_quotient_at_least_square(a, b) {
            self.fire(Rule::ModOwnQuotient);
            let ke = self.cx.int(k);
            return Some(self.cx.modulo_raw(a, ke));
        }
        let (ma, mb) = (self.monomials(a), self.monomials(b));
        if let Some((g, na, nb)) = self.cancel_content(a, b, &ma, &mb) {
            let m = self.cx.modulo_raw(na, nb);
            let ge = self.mono_expr(&g)?;
            self.fire(Rule::ModGcd);
            return self.cx.mul(ge, m);
        }
        match bc {
            Some(c) if c > 0 => self.mod_const(a, c),
            Some(_) => None,
            None => self.mod_symbolic(a, b, &ma, &mb),
        }
    }

    fn mod_const(&mut self, a: Expr, c: i64) -> Option<Expr> {
        // Reduce coefficients modulo c: Mod(k*t + r, c) = Mod(k'*t + r, c) when k ≡ k' (mod c)
        // (the difference is a multiple of c). k' is the representative of least magnitude
        // (ties to the positive one); the constant goes to [0, c).
        // The reduced argument is a new value (`Mod(s0 - 1, 2)` -> `Mod(s0 + 1, 2)` overflows
        // at s0 = 2^63 - 1): only where its evaluation provably fits in i64, or where it is a
        // sum of some of a's terms, all of one sign (multiples of c dropped, the constant
        // a's or in [0, c)), so between 0 and a: `Mod(7*d1 + d2 + 3, 7)` = `Mod(d2 + 3, 7)`
        // for d1, d2 >= 0.
        if let Some(na) = self.cx.reduce_mod_coeffs(a, c)? {
            // With na in [q*c, q*c + c - 1]: Mod(na, c) = na - q*c (ModRange on the reduced
            // argument, which simplifying Mod(na, c) again would apply) at once. The answer's
            // value is the input's, in [0, c); its terms are a's with coefficients of no
            // larger magnitude, its constant within c of the range's ends.
            if let Some(q) = self.iv(na).one_quotient(c)
                && let Some(shift) = q.checked_mul(c).and_then(i64::checked_neg)
                && let Some(out) = self.cx.add_const(na, shift)
            {
                self.fire(Rule::ModReduceCoeffs);
                self.fire(Rule::ModRange);
                return Some(out);
            }
            if self.fits_i64(na) || self.one_signed_sub_sum(na, a, c) {
                let ce = self.cx.int(c);
                self.fire(Rule::ModReduceCoeffs);
                return Some(self.cx.modulo_raw(na, ce));
            }
        }
        // Range: a in [q*c, q*c + c - 1]  =>  Mod(a, c) = a - q*c.
        let iv = self.iv(a);
        let mut range = (iv.lo_i64(), iv.hi_i64());
        if (range.0.is_none()
            || range.1.is_none()
            || floor_div(range.0?, c) != floor_div(range.1?, c))
            && (!self.s.d.upper.is_empty() || !self.s.d.lower.is_empty())
            // (Where those bounds can only be the interval, which has just failed, not asked.)
            && !self.sym_bounds_are_iv(a)
        {
            range = match self.finite_sym_bounds(a, iv) {
                Some((lo, hi)) => (Some(lo), Some(hi)),
                None => (None, None),
            };
        }
        if let (Some(lo), Some(hi)) = range {
            let (ql, qh) = (floor_div(lo, c)?, floor_div(hi, c)?);
            if ql == qh {
                self.fire(Rule::ModRange);
                return self.cx.add_const(a, ql.checked_mul(c)?.checked_neg()?);
            }
        }
        // Range through a symbolic FloorDiv (the interval above cannot see x < c*d).
        if matches!(self.cx.node(a), Node::FloorDiv(_, d) if self.cx.as_int(*d).is_none()) {
            let ce = self.cx.int(c);
            if let Some(r) = self.mod_of_floordiv_in_range(a, ce) {
                return Some(r);
            }
        }
        // Modular set: a = k*n + r with c | k  =>  Mod(a, c) = Mod(r, c).
        let ms = self.modset(a);
        if ms.coeff % c == 0 {
            self.fire(Rule::ModModular);
            return Some(self.cx.int(floor_mod(ms.base, c)?));
        }
        let ce = self.cx.int(c);
        self.mod_of_mod(a, ce)
    }

    /// Mod(r + k*Mod(x, m), b) = Mod(r + k*x, b) when m = b*q for an integer (monomial or
    /// constant) q: Mod(x, m) = x - b*q*FloorDiv(x, m), so the two numerators differ by a
    /// multiple of b (every sign). `Mod(q1 + Mod(-3, s0), s0)` = `Mod(q1 - 3, s0)`. The new
    /// numerator must fit in i64 (it is a new value); the input's inner divisor m is dropped,
    /// which only widens where the result is defined.
    fn mod_inner_mod(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        // Most sums have no Mod term: answered without cloning the terms.
        match self.cx.node(a) {
            Node::Add(ts, _)
                if ts
                    .iter()
                    .any(|(t, _)| matches!(self.cx.node(*t), Node::Mod(..))) => {}
            _ => return None,
        }
        let Node::Add(ts, c) = self.cx.node(a).clone() else {
            return None;
        };
        for (i, &(t, k)) in ts.iter().enumerate() {
            let Node::Mod(x, m) = *self.cx.node(t) else {
                continue;
            };
            if self.mono_quotient(m, b).is_none() {
                continue;
            }
            let mut rest: Vec<(Expr, i64)> = ts
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, t)| *t)
                .collect();
            rest.push((x, k));
            let na = self.cx.add_terms(&rest, c)?;
            if !self.fits_i64(na) {
                continue;
            }
            self.fire(Rule::ModInnerMod);
            return Some(self.cx.modulo_raw(na, b));
        }
        None
    }

    /// Mod(Mod(x, m), b) = Mod(x, b) when m = b*k for an integer (monomial or constant) k:
    /// Mod(x, m) = x - b*k*FloorDiv(x, m) ≡ x (mod b). The input's divisor m is dropped, which
    /// only widens where the result is defined.
    fn mod_of_mod(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        let Node::Mod(x, m) = *self.cx.node(a) else {
            return None;
        };
        self.mono_quotient(m, b)?;
        self.fire(Rule::ModNested);
        Some(self.cx.modulo_raw(x, b))
    }

    /// Mod(FloorDiv(x, d), m) = FloorDiv(x, d) when d > 0 and 0 <= x < m*d: then
    /// 0 <= x//d <= (m*d - 1)//d = m - 1 (and m > 0). PyTorch's ModularIndexing range rule,
    /// proven here with symbolic bounds (`x < ks0*ks1*ks2` gives ModularIndexing(x, ks0*ks1,
    /// ks2) = FloorDiv(x, ks0*ks1)).
    fn mod_of_floordiv_in_range(&mut self, a: Expr, m: Expr) -> Option<Expr> {
        let Node::FloorDiv(x, d) = *self.cx.node(a) else {
            return None;
        };
        if !self.prove_pos(d) || !self.prove_nonneg(x) {
            return None;
        }
        let md = self.cx.mul(m, d)?;
        let md = self.simp(md);
        if !self.prove_lt(x, md) {
            return None;
        }
        self.fire(Rule::ModRange);
        Some(a)
    }

    /// Whether `0 <= a < b` cannot be proven because `b = FloorDiv(a, k)` for an integer
    /// symbol `a = x` and a constant `k >= 1` (`Mod(s0, FloorDiv(s0, 2))`), under facts that
    /// are constant ranges alone (no assumed truths, modular facts, bounds on atoms or
    /// symbolic bounds) with x's interval nonempty: at every value v >= 0 of x,
    /// floor(v/k) <= v, so no value has both `x >= 0` and `x < FloorDiv(x, k)`; the facts
    /// say nothing about x but its (nonempty) interval, and the prover is sound on every
    /// point of it, so it cannot prove both (it would answer `false` after asking its
    /// intervals, a third of such a solve request). The test
    /// `own_quotient_not_above_is_the_prover` compares with the prover.
    pub(crate) fn own_quotient_not_above(&mut self, a: Expr, b: Expr) -> bool {
        let Node::FloorDiv(n, k) = *self.cx.node(b) else {
            return false;
        };
        let Node::Sym(x) = *self.cx.node(a) else {
            return false;
        };
        if n != a
            || self.cx.as_int(k).is_none_or(|k| k < 1)
            || self.cx.sym_ty(x) != crate::Ty::Int
            || !self.s.d.truths.is_empty()
            || !self.s.d.mod_facts.is_empty()
            || self.s.d.has_atom_facts()
            || !self.s.d.upper.is_empty()
            || !self.s.d.lower.is_empty()
        {
            return false;
        }
        let iv = self.sym_iv(x);
        iv.lo <= iv.hi
    }

    fn mod_symbolic(&mut self, a: Expr, b: Expr, ma: &[Mono], mb: &[Mono]) -> Option<Expr> {
        // Drop multiples of a monomial modulus: Mod(r + m*b, b) = Mod(r, b).
        if mb.len() == 1 && !mb[0].factors.is_empty() {
            let r: Vec<Mono> = ma
                .iter()
                .filter(|m| self.div_mono(m, &mb[0]).is_none())
                .cloned()
                .collect();
            if r.len() < ma.len() {
                let re = self.sum_of(&r)?;
                // The remainder is a new node, a sum of some of a's terms (|Mod(r, b)| < |b|).
                if self.sub_sum_fits(re, a) {
                    self.fire(Rule::ModDropMultiples);
                    return Some(self.cx.modulo_raw(re, b));
                }
            }
        }
        // Drop multiples of a sum modulus: Mod(q*b + r, b) = Mod(r, b) for an integer polynomial
        // q and b != 0 (the difference is a multiple of b); taken when r has fewer monomials.
        // A numerator with a product of sums left unexpanded is divided in its expanded form.
        let ex = self.expanded_plain(a);
        let (a, ma) = match &ex {
            Some((x, m)) => (*x, &m[..]),
            None => (a, ma),
        };
        if let Some((_, r, _, nr)) = self.divide_by_sum(a, b, ma, mb)
            && nr < ma.len()
            && self.sub_sum_fits(r, a)
        {
            self.fire(Rule::ModDropSumMultiples);
            return Some(self.cx.modulo_raw(r, b));
        }
        if let Some(r) = self.mod_of_floordiv_in_range(a, b) {
            return Some(r);
        }
        if let Some(r) = self.mod_of_mod(a, b) {
            return Some(r);
        }
        // 0 <= a < b  =>  Mod(a, b) = a.
        if !self.own_quotient_not_above(a, b) && self.prove_nonneg(a) && self.prove_lt(a, b) {
            self.fire(Rule::ModRange);
            return Some(a);
        }
        // a = q*b exactly  =>  Mod(a, b) = 0 where b != 0.
        if self.exact_quotient(a, b).is_some() {
            self.fire(Rule::ModExact);
            return Some(self.cx.int(0));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::Context;
    use crate::simplify::Session;

    /// Where [`Session::own_quotient_not_above`] answers `true`, the prover cannot prove
    /// `0 <= a < b` (what `mod_symbolic` would ask): random `a` and `b = FloorDiv(c, k)`
    /// (`c` mostly `a`, sometimes another symbol or a sum), divisors at the ends of i64,
    /// under random ranges (small, wide, negative, pinned, at the ends of i64), sometimes an
    /// assumption, a symbolic range end or a modular fact.
    #[test]
    fn own_quotient_not_above_is_the_prover() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_0042);
        let ranges = [
            ("1", ""),
            ("0", "3"),
            ("-5", "5"),
            ("4", "100"),
            ("3", "3"),
            ("", "7"),
            ("", "-2"),
            ("-9223372036854775808", "9223372036854775807"),
            ("9223372036854775800", "9223372036854775807"),
        ];
        let nums = ["x", "x", "x", "y", "x + 1", "2*x"];
        let ks = ["1", "2", "3", "4", "64", "-2", "9223372036854775807", "y"];
        let (mut taken, mut total) = (0, 0);
        for _ in 0..6000 {
            let mut cx = Context::new();
            for v in ["x", "y"] {
                let (lo, hi) = ranges[next(ranges.len() as u64) as usize];
                let _ = cx.set_range_str(
                    v,
                    if lo.is_empty() { "-oo" } else { lo },
                    if hi.is_empty() { "oo" } else { hi },
                );
            }
            match next(12) {
                0 => {
                    let _ = cx.set_range_str("y", "0", "x");
                }
                1 => {
                    let p = cx.parse("x >= 2").unwrap();
                    let _ = cx.assume(p);
                }
                2 => {
                    let p = cx.parse("Eq(Mod(x, 2), 0)").unwrap();
                    let _ = cx.assume(p);
                }
                _ => {}
            }
            let num = nums[next(nums.len() as u64) as usize];
            let k = ks[next(ks.len() as u64) as usize];
            let (Ok(a), Ok(b)) = (cx.parse("x"), cx.parse(&format!("FloorDiv({num}, {k})"))) else {
                continue;
            };
            total += 1;
            let mut s = Session::new(&mut cx);
            if s.own_quotient_not_above(a, b) {
                taken += 1;
                let proven = s.prove_nonneg(a) && s.prove_lt(a, b);
                assert!(!proven, "x < FloorDiv({num}, {k}) proven with x >= 0");
            }
        }
        assert!(taken * 10 > total, "too few taken: {taken}/{total}");
    }
}
