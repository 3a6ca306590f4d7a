//! FloorDiv rules. `FloorDiv(a, b)` = floor(a / b) for every sign; undefined for b = 0.

use super::monomial::Mono;
use super::{Rule, Session};
use crate::build::{floor_div, gcd};
use crate::expr::{Expr, Node, Terms};

impl Session<'_> {
    /// `CeilDiv(a, b)` = `-FloorDiv(-a, b)` (floor(-q) = -ceil(q), every sign of b != 0): the
    /// FloorDiv rules then apply. The floor form computes two values the input does not: `-a`,
    /// which overflows only at `a = i64::MIN`, and `FloorDiv(-a, b)` = -CeilDiv(a, b), only
    /// where the quotient is `i64::MIN`; so it is taken where the bounds of `a` and of the
    /// quotient exclude `i64::MIN`. Elsewhere (an unbounded `a`), the floor form's
    /// simplification is taken only if it is smaller and its children fit i64 everywhere (its
    /// own value is the input's): `CeilDiv(8*x, 4)` = 2*x. Otherwise the node stays.
    pub(super) fn rules_ceildiv(&mut self, e: Expr) -> Option<Expr> {
        let Node::CeilDiv(a, b) = *self.cx.node(e) else {
            return None;
        };
        if self.cx.as_int(b) == Some(0) {
            return None;
        }
        let na = self.cx.neg(a)?;
        let q = self.cx.floordiv_raw(na, b);
        let f = self.cx.neg(q)?;
        let min = i128::from(i64::MIN);
        if self.iv(a).lo > min && self.iv(e).lo > min {
            self.fire(Rule::CeilToFloor);
            return Some(f);
        }
        if self.depth >= 40 {
            return None;
        }
        self.depth += 1;
        let r = self.simp(f);
        self.depth -= 1;
        // r's value is the input's, which is in i64 wherever the input is defined; so r computes
        // nothing new that overflows if its children provably fit.
        if r != f
            && self.cx.cost_upto(r, usize::MAX) < self.cx.cost_upto(e, usize::MAX)
            && self.cx.node(r).children().iter().all(|c| self.fits_i64(*c))
        {
            self.fire(Rule::CeilToFloor);
            return Some(r);
        }
        None
    }

    pub(super) fn rules_floordiv(&mut self, e: Expr) -> Option<Expr> {
        let Node::FloorDiv(a, b) = *self.cx.node(e) else {
            return None;
        };
        let bc = self.cx.as_int(b);
        if bc == Some(0) {
            return None;
        }
        // FloorDiv(a, 1) = a;  FloorDiv(a, -1) = -a.
        if bc == Some(1) {
            self.fire(Rule::FdByOne);
            return Some(a);
        }
        if bc == Some(-1) {
            self.fire(Rule::FdByOne);
            return self.cx.neg(a);
        }
        // FloorDiv(0, b) = 0 where defined.
        if self.cx.as_int(a) == Some(0) {
            self.fire(Rule::FdZero);
            return Some(a);
        }
        // FloorDiv(a, a) = 1 where defined.
        if a == b {
            self.fire(Rule::FdSelf);
            return Some(self.cx.int(1));
        }
        // FloorDiv(a, i64::MIN): -i64::MIN does not fit, so the divisor cannot be made positive,
        // and every rule below is written for a positive constant divisor: leave it.
        if bc == Some(i64::MIN) {
            return None;
        }
        // FloorDiv(a, c) = FloorDiv(-a, -c)  (c < 0): floor(a/c) = floor((-a)/(-c)).
        // -a is a new value (at a = i64::MIN it overflows): only where it provably fits.
        if let Some(c) = bc.filter(|c| *c < 0) {
            let na = self.cx.neg(a)?;
            if !self.fits_i64(na) {
                return None;
            }
            self.fire(Rule::FdNegDivisor);
            let nc = self.cx.int(-c);
            return Some(self.cx.floordiv_raw(na, nc));
        }
        // FloorDiv(g*a, g*b) = FloorDiv(a, b) for g != 0 (g = 0 would make the divisor 0):
        // floor(ga / gb) = floor(a / b).
        if let Some(c) = bc {
            // Constant divisor: only the integer content can be common.
            let g = self.cx.int_content(a, c);
            if g > 1 {
                let na = self.cx.div_coeffs(a, g)?;
                let nc = self.cx.int(c / g);
                self.fire(Rule::FdGcd);
                return Some(self.cx.floordiv_raw(na, nc));
            }
            return self.floordiv_const(a, c);
        }
        // FloorDiv(a, FloorDiv(a, k)) = k for a constant k >= 2 where a >= k*k (Inductor's
        // scale factors, `s0//(s0//2)`): with b = FloorDiv(a, k) >= k, a = k*b + r with
        // 0 <= r < k <= b, so a/b = k + r/b with 0 <= r/b < 1. A constant: nothing computed.
        if let Some(k) = self.own_quotient_at_least_square(a, b) {
            self.fire(Rule::FdOwnQuotient);
            return Some(self.cx.int(k));
        }
        let (ma, mb) = (self.monomials(a), self.monomials(b));
        if let Some((_, na, nb)) = self.cancel_content(a, b, &ma, &mb) {
            self.fire(Rule::FdGcd);
            return Some(self.cx.floordiv_raw(na, nb));
        }
        self.floordiv_symbolic(a, b, &ma, &mb)
    }

    /// `k` when `b` is `FloorDiv(a, k)` with a constant `k >= 2`: the divisor of
    /// `FloorDiv(a, b)` or `Mod(a, b)` is `a`'s own quotient by `k`.
    pub(crate) fn own_quotient(&self, a: Expr, b: Expr) -> Option<i64> {
        match *self.cx.node(b) {
            Node::FloorDiv(x, k) if x == a => self.cx.as_int(k).filter(|k| *k >= 2),
            _ => None,
        }
    }

    /// `k` when `b` is `a`'s own quotient by `k` ([`Session::own_quotient_simplified`]) and
    /// `a >= k*k` on its interval (its facts included; no proof is attempted): the side
    /// condition of the own-quotient rules of FloorDiv and Mod. Below 4 (k = 2) the divisor
    /// is not looked at.
    pub(crate) fn own_quotient_at_least_square(&mut self, a: Expr, b: Expr) -> Option<i64> {
        let lo = self.iv(a).lo;
        if lo < 4 {
            return None;
        }
        let k = self.own_quotient_simplified(a, b)?;
        (lo >= i128::from(k.checked_mul(k)?)).then_some(k)
    }

    /// [`Session::own_quotient`], or `k` when `b` is what simplification made of
    /// `FloorDiv(a, k)` (`FloorDiv(x + 4*y, 2)` is `2*y + FloorDiv(x, 2)`; the operands are
    /// simplified before the node that divides by it): the candidates are the constant
    /// divisors of `b`'s FloorDiv terms, each checked by simplifying `FloorDiv(a, k)`.
    pub(crate) fn own_quotient_simplified(&mut self, a: Expr, b: Expr) -> Option<i64> {
        if let Some(k) = self.own_quotient(a, b) {
            return Some(k);
        }
        let Node::Add(ts, _) = self.cx.node(b) else {
            return None;
        };
        let mut cands: smallvec::SmallVec<[i64; 2]> = smallvec::SmallVec::new();
        for (t, _) in ts {
            if let Node::FloorDiv(_, kd) = *self.cx.node(*t)
                && let Some(k) = self.cx.as_int(kd).filter(|k| *k >= 2)
                && !cands.contains(&k)
            {
                cands.push(k);
            }
        }
        for k in cands {
            let ke = self.cx.int(k);
            let q = self.cx.floordiv_raw(a, ke);
            if self.simp(q) == b {
                return Some(k);
            }
        }
        None
    }

    fn floordiv_const(&mut self, a: Expr, c: i64) -> Option<Expr> {
        // Pull out multiples: FloorDiv(c*q + r, c) = q + FloorDiv(r, c) (for any integer q and
        // c != 0, since (cq + r)/c = q + r/c and floor(x + q) = floor(x) + q). The constant stays
        // inside unless terms move out too (then the outer sum takes its multiple of c at no
        // cost); sums move constants back in when that removes a node (`add.rs`).
        // The terms are counted in place and copied into lists only where a rule reads them as
        // lists (most numerators, `23*p1`, have no multiple of c and no constant: no copy).
        let (n_q, n_r, k0) = match self.cx.node(a) {
            Node::Add(ts, k) => {
                let n_q = ts.iter().filter(|(_, x)| x % c == 0).count();
                (n_q, ts.len() - n_q, *k)
            }
            // `a` as the one term `1*a`.
            _ => (usize::from(1 % c == 0), usize::from(1 % c != 0), 0),
        };
        if n_q > 0 {
            let terms = self.terms_of(a);
            let mut q_terms: Terms = Terms::new();
            let mut r_terms: Terms = Terms::new();
            for (t, k) in &terms {
                if k % c == 0 {
                    q_terms.push((*t, k / c));
                } else {
                    r_terms.push((*t, *k));
                }
            }
            if let Some(out) = self.pull_const_multiples(a, c, q_terms, &r_terms, k0) {
                return Some(out);
            }
        }
        // Range: if floor(lo/c) == floor(hi/c) the quotient is that constant.
        let iv = self.iv(a);
        if let Some(q) = iv.one_quotient(c) {
            self.fire(Rule::FdRange);
            return Some(self.cx.int(q));
        }
        // (Where those bounds can only be the interval, which has just failed, not asked.)
        if (!self.s.d.upper.is_empty() || !self.s.d.lower.is_empty())
            && !self.sym_bounds_are_iv(a)
            && let Some((lo, hi)) = self.finite_sym_bounds(a, iv)
            && lo <= hi
        {
            let (ql, qh) = (floor_div(lo, c)?, floor_div(hi, c)?);
            if ql == qh {
                self.fire(Rule::FdRange);
                return Some(self.cx.int(ql));
            }
        }
        // Drop a small residue: FloorDiv(g*B + r, c) = FloorDiv(B, c/g) when g | c and
        // 0 <= r < g: floor((gB + r)/c) = floor((B + r/g)/(c/g)) = floor(floor(B + r/g)/(c/g))
        // = floor(B/(c/g)) since floor(B + r/g) = B. (And shifted: see below.)
        if n_r >= 2 || (n_r == 1 && k0 != 0) {
            // The candidates come from the coefficients of the terms c does not divide (the
            // remainder's terms), read in place: a term that is no sum's (`1*a`) gives
            // gcd(1, c) = 1, none. The terms are copied only when there is one.
            let mut cands: smallvec::SmallVec<[i64; 4]> = match self.cx.node(a) {
                Node::Add(ts, _) => ts
                    .iter()
                    .filter(|(_, k)| k % c != 0)
                    .map(|(_, k)| gcd(*k, c))
                    .filter(|g| *g > 1)
                    .collect(),
                _ => smallvec::SmallVec::new(),
            };
            cands.sort_unstable_by(|x, y| y.cmp(x));
            cands.dedup();
            let terms = if cands.is_empty() {
                Terms::new()
            } else {
                self.terms_of(a)
            };
            for th in cands {
                // Over all of a's terms: those c divides (left here when pulling them out was
                // refused) are multiples of th too and belong to B. Partitioning only the
                // others dropped them (`FloorDiv(32*a + 6*c + 1, 16)` became
                // `FloorDiv(3*c, 8)`; found by fuzz/'s simplify target).
                let (big, small): (Terms, Terms) =
                    terms.iter().copied().partition(|(_, k)| k % th == 0);
                if big.is_empty() {
                    continue;
                }
                let g = big.iter().fold(c, |acc, (_, k)| gcd(acc, *k));
                let s = self.cx.add_terms(&small, k0)?;
                let siv = self.iv(s);
                // More generally, with r in [q*g, q*g + g - 1] for one integer q:
                // g*B + r = g*(B + q) + (r - q*g), 0 <= r - q*g < g, so the quotient is
                // FloorDiv(B + q, c/g) (TVM's `FloorDiv(2*s - 3, 4)` = `FloorDiv(s - 2, 2)`).
                // B + q = (a - (r - q*g))/g is a new value, within i64 where a is (g >= 2).
                let (Ok(lo), Ok(hi)) = (i64::try_from(siv.lo), i64::try_from(siv.hi)) else {
                    continue;
                };
                let q = floor_div(lo, g)?;
                if floor_div(hi, g)? == q {
                    let scaled: Terms = big.iter().map(|(t, k)| (*t, k / g)).collect();
                    let nb = self.cx.add_terms(&scaled, q)?;
                    let nc = self.cx.int(c / g);
                    self.fire(Rule::FdResidueDrop);
                    return Some(self.cx.floordiv_raw(nb, nc));
                }
            }
        }
        // Read by copy (the operands are handles): no clone of a sum's terms to find out that
        // `a` is neither kind.
        match *self.cx.node(a) {
            // FloorDiv(FloorDiv(x, d), c) = FloorDiv(x, d*c) for c > 0 (any d != 0):
            // floor(floor(y)/c) = floor(y/c) for an integer c > 0 and real y = x/d.
            Node::FloorDiv(x, d) => {
                if let Some(dv) = self.cx.as_int(d) {
                    let p = dv.checked_mul(c)?;
                    let pe = self.cx.int(p);
                    self.fire(Rule::FdNested);
                    return Some(self.cx.floordiv_raw(x, pe));
                }
                let dc = self.cx.scale(d, c)?;
                // d*c is a new value: it must not overflow where the input does not.
                if !self.fits_i64(dc) {
                    return None;
                }
                self.fire(Rule::FdNested);
                Some(self.cx.floordiv_raw(x, dc))
            }
            Node::Mod(..) => {
                let ce = self.cx.int(c);
                self.floordiv_of_mod(a, ce)
            }
            _ => None,
        }
    }

    /// The terms of `a` with their coefficients (its constant apart): a sum's, else `a` as the
    /// one term `1*a`.
    fn terms_of(&self, a: Expr) -> Terms {
        match self.cx.node(a) {
            Node::Add(ts, _) => ts.clone(),
            _ => smallvec::smallvec![(a, 1)],
        }
    }

    /// FdPullMultiples for a constant divisor c > 0: `q_terms` are the terms whose
    /// coefficients c divides (already divided), `r_terms` the others, `k0` the constant of
    /// `a`. FloorDiv(c*q + r, c) = q + FloorDiv(r, c) for any integer q (floor(x + q) =
    /// floor(x) + q); the constant moves out only with a remainder in [0, c). `None` when it
    /// cannot be shown that no new overflow comes of it.
    fn pull_const_multiples(
        &mut self,
        a: Expr,
        c: i64,
        mut q_terms: Terms,
        r_terms: &Terms,
        k0: i64,
    ) -> Option<Expr> {
        let (q0, r0) = if r_terms.is_empty() {
            (0, k0)
        } else {
            let q0 = floor_div(k0, c)?;
            (q0, k0.checked_sub(q0.checked_mul(c)?)?)
        };
        let r = self.cx.add_terms(r_terms, r0)?;
        // With r within one multiple of c, r in [m*c, m*c + c - 1]: FloorDiv(r, c) = m
        // (FdRange on the remainder, which simplifying q + FloorDiv(r, c) again would apply),
        // so the quotient is q + m at once, without the remainder's nodes. Exact, whatever
        // r's own evaluation would do: r is not in the answer, whose value is the input's.
        if let Some(m) = self.iv(r).one_quotient(c)
            && let Some(out) = q0
                .checked_add(m)
                .and_then(|k| self.cx.add_terms(&q_terms, k))
        {
            self.fire(Rule::FdPullMultiples);
            self.fire(Rule::FdRange);
            return Some(out);
        }
        // No new overflow: the new nodes are r, FloorDiv(r, c) (|.| <= |r| for c >= 2) and the
        // sum, whose value is the input's; each (k/c)*t reuses the input's t. r's constant is
        // the remainder r0 in [0, c): with a's terms of one sign, r lies between a (or -c) and
        // c, so r's value fits where a's does.
        if !(self.one_signed_sub_sum(r, a, c) || self.fits_i64(r)) {
            return None;
        }
        let cc = self.cx.int(c);
        let fd = self.cx.floordiv_raw(r, cc);
        q_terms.push((fd, 1));
        let out = self.cx.add_terms(&q_terms, q0)?;
        self.fire(Rule::FdPullMultiples);
        Some(out)
    }

    /// FloorDiv(Mod(y, m), b) = Mod(FloorDiv(y, b), m/b) for b > 0 and k = m/b > 0 an exact
    /// (monomial or constant) quotient: y = q*m + r with r in [0, m), so
    /// y//b = q*k + r//b with r//b in [0, k), hence (y//b) mod k = r//b. Covers constants
    /// (`FloorDiv(Mod(x, 8192), 128)`) and Inductor's `(x % (ks0*ks1)) // ks0`.
    fn floordiv_of_mod(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        let Node::Mod(y, m) = *self.cx.node(a) else {
            return None;
        };
        let k = self.mono_quotient(m, b)?;
        if !self.prove_pos(b) || !self.prove_pos(k) {
            return None;
        }
        let fd = self.cx.floordiv_raw(y, b);
        self.fire(Rule::FdOfMod);
        Some(self.cx.modulo_raw(fd, k))
    }

    fn floordiv_symbolic(&mut self, a: Expr, b: Expr, ma: &[Mono], mb: &[Mono]) -> Option<Expr> {
        // Pull out multiples of a monomial divisor: FloorDiv(r + m*b, b) = m + FloorDiv(r, b)
        // for b != 0.
        if mb.len() == 1 && !mb[0].factors.is_empty() {
            let mut q: Vec<Mono> = vec![];
            let mut r: Vec<Mono> = vec![];
            for m in ma {
                match self.div_mono(m, &mb[0]) {
                    Some(d) => q.push(d),
                    None => r.push(m.clone()),
                }
            }
            // New nodes: each quotient monomial m/b (its product's value is at most the input's
            // m: b's factors are nonzero where the input is defined), r, FloorDiv(r, b)
            // (FloorDiv(i64::MIN, -1) where the input computed FloorDiv(i64::MIN + 1, -1) is
            // what `floordiv_fits` excludes), and the sum, whose value is the input's.
            if !q.is_empty() {
                let re = self.sum_of(&r)?;
                if self.floordiv_fits(re, b, a) {
                    let qe = self.sum_of(&q)?;
                    let fd = self.cx.floordiv_raw(re, b);
                    self.fire(Rule::FdPullMultiples);
                    return self.cx.add(qe, fd);
                }
            }
        }
        // Pull out multiples of a sum divisor: FloorDiv(q*b + r, b) = q + FloorDiv(r, b) for an
        // integer polynomial q and b != 0, since floor((q*b + r)/b) = q + floor(r/b). Taken only
        // when q and r together have fewer monomials than the numerator (index arithmetic with
        // padded sizes: FloorDiv(i0*(s1 + 1) + i1, s1 + 1) = i0 + FloorDiv(i1, s1 + 1)).
        // A numerator with a product of sums left unexpanded (expanding it was not proven
        // free of overflow) is divided in its expanded form, the same value.
        let ex = self.expanded_plain(a);
        let (a, ma) = match &ex {
            Some((x, m)) => (*x, &m[..]),
            None => (a, ma),
        };
        if let Some((q, r, nq, nr)) = self.divide_by_sum(a, b, ma, mb)
            && nq + nr < ma.len()
        {
            let fd = self.cx.floordiv_raw(r, b);
            let out = self.cx.add(q, fd)?;
            // New nodes: r = a - q*b (it can have monomials a does not have), FloorDiv(r, b),
            // q's, and the sum (the input's value). With r a one-signed sub-sum of a,
            // |q| = |a - r|/|b| <= |a|, and q's own nodes are at most |q| when
            // `bounded_by_value` (a bare symbol q computes nothing).
            let q_ok = matches!(self.cx.node(q), Node::Int(_) | Node::Sym(_))
                || (self.one_signed_sub_sum(r, a, 1) && self.bounded_by_value(q));
            if (q_ok && self.floordiv_fits(r, b, a)) || self.fits_i64(out) {
                self.fire(Rule::FdPullSumMultiples);
                return Some(out);
            }
        }
        // 0 <= a < b  =>  FloorDiv(a, b) = 0.
        if self.prove_nonneg(a) && self.prove_lt(a, b) {
            self.fire(Rule::FdRange);
            return Some(self.cx.int(0));
        }
        // -b <= a <= -1 (so b >= 1)  =>  FloorDiv(a, b) = -1: a/b is in [-1, -1/b]. From the
        // intervals: at every point b >= lo(b) >= -lo(a) >= -a >= 1. What pulling the
        // divisor's multiples leaves of `FloorDiv(s0 - 2, s0)` with s0 >= 2
        // (`FloorDiv(-2, s0) + 1`, which is 0; a review found it kept, larger than PyTorch's 0).
        if let Node::Int(_) | Node::Sym(_) | Node::Add(..) = self.cx.node(a) {
            let (ia, ib) = (self.iv(a), self.iv(b));
            if ia.lo <= ia.hi && ia.hi <= -1 && ib.lo <= ib.hi && ib.lo >= 1 && ia.lo >= -ib.lo {
                self.fire(Rule::FdRange);
                return Some(self.cx.int(-1));
            }
        }
        if let Some(r) = self.floordiv_of_mod(a, b) {
            return Some(r);
        }
        // FloorDiv(FloorDiv(x, d), b) = FloorDiv(x, d*b) for b > 0.
        if let Node::FloorDiv(x, d) = *self.cx.node(a)
            && self.prove_pos(b)
        {
            let db = self.cx.mul(d, b)?;
            // d*b is a new value (a = b = 2^32 would overflow it): only when it provably fits.
            if self.fits_i64(db) {
                self.fire(Rule::FdNested);
                return Some(self.cx.floordiv_raw(x, db));
            }
            // Else the integer content k > 1 of b moves to a constant d > 0 (both divisors
            // positive, floor(floor(x/d)/(k*g)) = floor(x/(d*k*g)) = floor(floor(x/(d*k))/g)):
            // FloorDiv(FloorDiv(r0, 49), 3*F) = FloorDiv(FloorDiv(r0, 147), F). New values:
            // FloorDiv(x, d*k) (|.| <= |x|) and g = b/k (|g| <= |b|, its terms b's over k).
            let dv = self.cx.as_int(d).filter(|v| *v > 0)?;
            let k = self
                .content(self.monomials(b).iter())
                .coeff
                .checked_abs()
                .filter(|k| *k > 1)?;
            let dk = self.cx.int(dv.checked_mul(k)?);
            let g = self.divide_exact(
                b,
                &super::monomial::Mono {
                    coeff: k,
                    factors: smallvec::SmallVec::new(),
                },
            )?;
            let inner = self.cx.floordiv_raw(x, dk);
            self.fire(Rule::FdNested);
            return Some(self.cx.floordiv_raw(inner, g));
        }
        // a = q*b exactly (as polynomials)  =>  FloorDiv(a, b) = q where b != 0.
        if let Some(q) = self.exact_quotient(a, b) {
            self.fire(Rule::FdExact);
            return Some(q);
        }
        None
    }
}
