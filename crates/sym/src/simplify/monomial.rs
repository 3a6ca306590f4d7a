//! Monomials and content: `coeff * Π base^exp`, the gcd of the terms of a sum, and exact
//! division by a monomial. Used by the gcd-cancellation and pull-out rules of FloorDiv and Mod.

use super::Session;
use crate::build::gcd;
use crate::expr::{Expr, Node};
use smallvec::SmallVec;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Mono {
    pub coeff: i64,
    /// (base, exponent), sorted by base handle (an internal order; only used for matching).
    pub factors: SmallVec<[(Expr, u32); 4]>,
}

impl Mono {
    pub fn is_one(&self) -> bool {
        self.coeff == 1 && self.factors.is_empty()
    }
}

impl Session<'_> {
    fn factors_of(&self, t: Expr) -> SmallVec<[(Expr, u32); 4]> {
        let mut v: SmallVec<[(Expr, u32); 4]> = match self.cx.node(t) {
            // Pushed one by one: `collect` into a SmallVec costs more for a few items.
            Node::Mul(fs) => {
                let mut v = SmallVec::new();
                for f in fs {
                    v.push(match self.cx.node(*f) {
                        Node::Pow(b, k) => (*b, *k),
                        _ => (*f, 1),
                    });
                }
                v
            }
            Node::Pow(b, k) => smallvec::smallvec![(*b, *k)],
            _ => smallvec::smallvec![(t, 1)],
        };
        v.sort_by_key(|f| f.0);
        v
    }

    /// The monomials of `e` (the constant, if nonzero, as a monomial without factors).
    pub fn monomials(&self, e: Expr) -> SmallVec<[Mono; 4]> {
        match self.cx.node(e) {
            Node::Int(v) => smallvec::smallvec![Mono {
                coeff: *v,
                factors: SmallVec::new()
            }],
            Node::Add(ts, c) => {
                let mut out: SmallVec<[Mono; 4]> = SmallVec::new();
                for (t, k) in ts {
                    out.push(Mono {
                        coeff: *k,
                        factors: self.factors_of(*t),
                    });
                }
                if *c != 0 {
                    out.push(Mono {
                        coeff: *c,
                        factors: SmallVec::new(),
                    });
                }
                out
            }
            _ => smallvec::smallvec![Mono {
                coeff: 1,
                factors: self.factors_of(e)
            }],
        }
    }

    /// gcd of a list of monomials: gcd of coefficients (nonnegative) and the common factors
    /// with their least exponents. Stops early once the gcd is 1.
    pub fn content<'m>(&self, monos: impl IntoIterator<Item = &'m Mono>) -> Mono {
        let mut g = Mono {
            coeff: 0,
            factors: SmallVec::new(),
        };
        for (i, m) in monos.into_iter().enumerate() {
            g.coeff = gcd(g.coeff, m.coeff);
            if i == 0 {
                g.factors = m.factors.clone();
            } else {
                g.factors
                    .retain(|(b, k)| match m.factors.iter().find(|f| f.0 == *b) {
                        Some(f) => {
                            *k = (*k).min(f.1);
                            true
                        }
                        None => false,
                    });
                if g.coeff == 1 && g.factors.is_empty() {
                    break;
                }
            }
        }
        g
    }

    /// `m / g` when g divides m exactly.
    pub fn div_mono(&self, m: &Mono, g: &Mono) -> Option<Mono> {
        // checked: i64::MIN / -1 does not fit (and `%` panics on it).
        if g.coeff == 0 || m.coeff.checked_rem(g.coeff) != Some(0) {
            return None;
        }
        let coeff = m.coeff.checked_div(g.coeff)?;
        let mut factors = m.factors.clone();
        for (b, k) in &g.factors {
            let pos = factors.iter().position(|f| f.0 == *b)?;
            if factors[pos].1 < *k {
                return None;
            }
            factors[pos].1 -= k;
            if factors[pos].1 == 0 {
                factors.remove(pos);
            }
        }
        Some(Mono { coeff, factors })
    }

    pub fn mono_expr(&mut self, m: &Mono) -> Option<Expr> {
        let mut parts: SmallVec<[Expr; 4]> = SmallVec::new();
        for (b, k) in &m.factors {
            parts.push(self.cx.pow(*b, *k)?);
        }
        let c = self.cx.int(m.coeff);
        parts.push(c);
        self.cx.mul_args(&parts)
    }

    pub fn sum_of(&mut self, monos: &[Mono]) -> Option<Expr> {
        let mut terms: Vec<(Expr, i64)> = Vec::with_capacity(monos.len());
        for m in monos {
            let e = self.mono_expr(m)?;
            terms.push((e, 1));
        }
        self.cx.add_terms(&terms, 0)
    }

    /// `e / g` for a monomial g dividing every monomial of e.
    pub fn divide_exact(&mut self, e: Expr, g: &Mono) -> Option<Expr> {
        let ms = self.monomials(e);
        let mut out: SmallVec<[Mono; 4]> = SmallVec::new();
        for m in &ms {
            out.push(self.div_mono(m, g)?);
        }
        self.sum_of(&out)
    }

    /// The common content g (gcd of all monomials of a and b, when it is not 1) with `a/g` and
    /// `b/g`: what FloorDiv and Mod cancel (`FloorDiv(g*a, g*b) = FloorDiv(a, b)`,
    /// `Mod(g*a, g*b) = g*Mod(a, b)`, both for g != 0, which b != 0 implies).
    pub fn cancel_content(
        &mut self,
        a: Expr,
        b: Expr,
        ma: &[Mono],
        mb: &[Mono],
    ) -> Option<(Mono, Expr, Expr)> {
        let g = self.content(ma.iter().chain(mb));
        if g.coeff <= 0 || g.is_one() {
            return None;
        }
        let na = self.divide_exact(a, &g)?;
        let nb = self.divide_exact(b, &g)?;
        // a/g and b/g are new operands (docs/rules.md §8). |a/g| <= |a| where |g| >= 1, so they
        // fit wherever a and b do, except at a = i64::MIN with g = -1 (fuzz/ found
        // `Mod(s14*s27*x0, s27**248)` at s27 = -1, s14*x0 = 2^63): taken where g's value
        // cannot be -1 (its coefficient is at least 2, or it is provably nonnegative, so >= 1
        // where b = g*nb is a divisor) or where the quotients provably fit.
        if g.coeff < 2 {
            let ge = self.mono_expr(&g)?;
            if !(self.prove_nonneg(ge) || (self.fits_i64(na) && self.fits_i64(nb))) {
                return None;
            }
        }
        Some((g, na, nb))
    }

    /// `m / c` when both are single monomials and c divides m exactly (integer coefficient
    /// included): `ks0*ks1 / ks0 = ks1`, `8*s / 4 = 2*s`.
    pub fn mono_quotient(&mut self, m: Expr, c: Expr) -> Option<Expr> {
        let (mm, mc) = (self.monomials(m), self.monomials(c));
        if mm.len() != 1 || mc.len() != 1 {
            return None;
        }
        let q = self.div_mono(&mm[0], &mc[0])?;
        self.mono_expr(&q)
    }

    /// Division of the plain polynomial `a` by the plain polynomial sum `b` (at least two
    /// monomials): for a monomial `l` of b with factors, `q` collects `m / l` for every monomial m
    /// of a that `l` divides (integer coefficients), and `r = a - q*b` (expanded). Returns
    /// `(q, r, monomials of q, monomials of r)` for the candidate `l` giving the fewest
    /// monomials in r; `a = q*b + r` holds as polynomials, so at every assignment.
    pub fn divide_by_sum(
        &mut self,
        a: Expr,
        b: Expr,
        ma: &[Mono],
        mb: &[Mono],
    ) -> Option<(Expr, Expr, usize, usize)> {
        if mb.len() < 2
            || ma.len() < 2
            || ma.len() > 64
            || mb.len() > 8
            || !self.cx.is_plain_polynomial(a)
            || !self.cx.is_plain_polynomial(b)
        {
            return None;
        }
        let mut best: Option<(Expr, Expr, usize, usize)> = None;
        for lead in mb.iter().filter(|m| !m.factors.is_empty()).take(4) {
            let q: SmallVec<[Mono; 4]> = ma.iter().filter_map(|m| self.div_mono(m, lead)).collect();
            if q.is_empty() {
                continue;
            }
            let qe = self.sum_of(&q)?;
            let prod = self.cx.mul(qe, b)?;
            // Expands the product of sums (at most 64 terms); an unexpanded product means the
            // division is not worth it.
            let prod = self.cx.expand_poly(prod)?;
            if !self.cx.is_plain_polynomial(prod) {
                continue;
            }
            let d = self.cx.sub(a, prod)?;
            let nr = self.monomials(d).len();
            if best.is_none_or(|(_, _, _, n)| nr < n) {
                best = Some((qe, d, q.len(), nr));
            }
        }
        best
    }

    /// `a` with its products of sums expanded, and its monomials, when `a` is not a plain
    /// polynomial but its expansion is (the same value: for the polynomial division rules).
    pub fn expanded_plain(&mut self, a: Expr) -> Option<(Expr, SmallVec<[Mono; 4]>)> {
        // Only a product of sums (or a sum with one among its terms) has anything to expand.
        let is_sum = |cx: &crate::Context, f: &Expr| matches!(cx.node(*f), Node::Add(..));
        let product_of_sums = |cx: &crate::Context, t: Expr| match cx.node(t) {
            Node::Mul(fs) => fs.iter().any(|f| is_sum(cx, f)),
            _ => false,
        };
        let has = match self.cx.node(a) {
            Node::Add(ts, _) => ts.iter().any(|(t, _)| product_of_sums(self.cx, *t)),
            _ => product_of_sums(self.cx, a),
        };
        if !has {
            return None;
        }
        let x = self.cx.expand_poly(a)?;
        if x == a || !self.cx.is_plain_polynomial(x) {
            return None;
        }
        let m = self.monomials(x);
        Some((x, m))
    }

    /// If `a = q * b` as polynomials (b a sum), the quotient q: candidates are the first
    /// monomial of `a` divided by each monomial of `b`, each verified by expanding `q * b`.
    pub fn exact_quotient(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        // Only a sum of at least two monomials qualifies (cheap check before any copying).
        match self.cx.node(b) {
            Node::Add(ts, c) if ts.len() + usize::from(*c != 0) >= 2 => {}
            _ => return None,
        }
        let (ma, mb) = (self.monomials(a), self.monomials(b));
        if mb.len() < 2 || ma.is_empty() || ma.len() % mb.len() != 0 {
            return None;
        }
        for m in mb.iter().take(4) {
            let Some(q) = self.div_mono(&ma[0], m) else {
                continue;
            };
            let qe = self.mono_expr(&q)?;
            let prod = self.cx.mul(qe, b)?;
            if self.cx.expand_poly(prod) == Some(a) {
                return Some(qe);
            }
        }
        None
    }
}
