//! The three-valued prover (docs/language.md §5.4): `True` only if the predicate holds at every
//! assignment, `False` only if it fails at every one, else `Unknown`.
//!
//! It decides comparisons from the bound of the simplified difference of the two sides, refined
//! by substituting symbolic range ends (`q0 <= s77 - 1` proves `q0 < s77`), from the modular set
//! of the difference (`Eq(Mod(16*s0*s1 + 8, 8), 0)`), and from the assumptions themselves.

use crate::Context;
use crate::build::CmpOp;
use crate::expr::{Expr, Node, Symbol, Ty};
use crate::interval::{Iv, NEG_INF, POS_INF};
use crate::simplify::Session;

/// The answer of the prover.
///
/// Exhaustive on purpose: three-valued logic has three values.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Truth {
    /// Holds at every assignment.
    True,
    /// Fails at every assignment.
    False,
    /// Neither could be shown.
    Unknown,
}

impl Truth {
    /// Negation.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    /// The text of docs/cli.md: `true`, `false`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Truth::True => "true",
            Truth::False => "false",
            Truth::Unknown => "unknown",
        }
    }
}

/// `a <= b` (`strict`: `a < b`) at every assignment, from the intervals `ia` of `a` and `ib` of
/// `b`: `hi(a) <= lo(b)` (strict: `<`) proves it (`Some(true)`); `lo(a) > hi(b)` (strict: `>=`)
/// means it fails at every assignment (`Some(false)`); `None` when the intervals overlap.
fn le_of_intervals(ia: Iv, ib: Iv, strict: bool) -> Option<bool> {
    let (holds, fails) = if strict {
        (ia.hi < ib.lo, ia.lo >= ib.hi)
    } else {
        (ia.hi <= ib.lo, ia.lo > ib.hi)
    };
    if holds {
        Some(true)
    } else if fails {
        Some(false)
    } else {
        None
    }
}

/// `a OP b` decided from the (nonempty) intervals `ia` of `a` and `ib` of `b` alone, when they
/// decide it: `a < b` at every assignment when `hi(a) < lo(b)`, `a == b` when both are the same
/// single value, `a != b` when they do not meet; `None` otherwise.
fn relation_of_intervals(op: CmpOp, ia: Iv, ib: Iv) -> Option<Truth> {
    let decide = |holds: bool, fails: bool| {
        if holds {
            Some(Truth::True)
        } else if fails {
            Some(Truth::False)
        } else {
            None
        }
    };
    let point = ia.lo == ia.hi && ia.lo > NEG_INF && ia.hi < POS_INF;
    let same = point && ia == ib;
    let apart = ia.hi < ib.lo || ib.hi < ia.lo;
    let truth = |b: bool| if b { Truth::True } else { Truth::False };
    match op {
        CmpOp::Eq => decide(same, apart),
        CmpOp::Ne => decide(apart, same),
        CmpOp::Lt => le_of_intervals(ia, ib, true).map(truth),
        CmpOp::Le => le_of_intervals(ia, ib, false).map(truth),
    }
}

impl Session<'_> {
    /// An upper bound of `d` found by replacing symbols with their symbolic upper (or, under a
    /// negative coefficient, lower) range ends and bounding the result: every step replaces `d`
    /// by something at least as large at every assignment.
    pub fn sym_upper(&mut self, d: Expr) -> i128 {
        let best = self.rel_iv(d).hi;
        if self.s.d.upper.is_empty() && self.s.d.lower.is_empty() && !self.has_bounded_atom(d) {
            return best;
        }
        if self.nothing_to_substitute(d) {
            return best;
        }
        // The substitutions simplify new expressions, whose rules may ask the prover again:
        // past the nesting limit, with the work budget spent, or when this very difference is
        // already being bounded further up (a cycle through the facts), the plain interval is
        // the (sound) answer.
        if self.nest >= self.max_nest || self.work == 0 || self.upper_stack.contains(&d) {
            return best;
        }
        self.nest += 1;
        self.upper_stack.push(d);
        let r = self.sym_upper_search(d, best);
        self.upper_stack.pop();
        self.nest -= 1;
        r
    }

    fn sym_upper_search(&mut self, d: Expr, mut best: i128) -> i128 {
        // Greedy search: each round substitutes one symbol (the choice that gives the lowest
        // bound), since substituting all at once can oscillate (s1 <= s0 and s0 >= s1).
        let mut cur = d;
        for _ in 0..6 {
            // The terms copied out (the node is not cloned: its lists clone item by item).
            let (terms, c): (crate::expr::Terms, i64) = match self.cx.node(cur) {
                Node::Add(ts, c) => (crate::expr::Terms::from_slice(ts), *c),
                Node::Sym(_) => (smallvec::smallvec![(cur, 1)], 0),
                _ => break,
            };
            let mut round_best: Option<(i128, Expr)> = None;
            for (i, &(t, k)) in terms.iter().enumerate().take(8) {
                // The term is k*v*cof for a symbol v (cof = 1 for a bare symbol). Where
                // k*cof >= 0 at every assignment, v <= U gives k*cof*v <= k*cof*U; where
                // k*cof <= 0, v >= L gives k*cof*v <= k*cof*L. Either way the sum only grows.
                let mut subs: smallvec::SmallVec<[Expr; 2]> = smallvec::SmallVec::new();
                if let Some(r) = self.atom_bound(t, k > 0) {
                    subs.push(r);
                }
                for (v, cof) in self.symbol_factors(t) {
                    let upper = match cof {
                        None => k > 0,
                        Some(cf) => {
                            let civ = self.iv(cf);
                            if (k > 0 && civ.lo >= 0) || (k < 0 && civ.hi <= 0) {
                                true
                            } else if (k > 0 && civ.hi <= 0) || (k < 0 && civ.lo >= 0) {
                                false
                            } else {
                                continue;
                            }
                        }
                    };
                    let list = if upper {
                        self.s.d.upper.get(&v)
                    } else {
                        self.s.d.lower.get(&v)
                    };
                    let ends: smallvec::SmallVec<[Expr; 2]> = list
                        .map(|l| l.iter().copied().take(2).collect())
                        .unwrap_or_default();
                    for r in ends {
                        let nt = match cof {
                            None => Some(r),
                            Some(cf) => self.cx.mul(cf, r),
                        };
                        if let Some(nt) = nt {
                            subs.push(nt);
                        }
                    }
                }
                for r in subs {
                    if self.work == 0 {
                        break;
                    }
                    self.work -= 1;
                    let mut next = crate::expr::Terms::from_slice(&terms);
                    next[i] = (r, k);
                    let Some(n) = self.cx.add_terms(&next, c) else {
                        continue;
                    };
                    let n = self.simp(n);
                    let hi = self.rel_iv(n).hi;
                    if round_best.is_none_or(|(b, _)| hi < b) {
                        round_best = Some((hi, n));
                    }
                }
            }
            let Some((hi, n)) = round_best else { break };
            best = best.min(hi);
            if n == cur {
                break;
            }
            cur = n;
        }
        best
    }

    /// The interval of `d`, refined through its common monomial factor: `s0*x1 - 255*s0` is
    /// `s0*(x1 - 255)`, whose factors' intervals multiply to a bound the expanded sum's
    /// per-term intervals miss (`[16, 1024] * [-255, 0]` has no positive value).
    pub fn rel_iv(&mut self, d: Expr) -> Iv {
        let base = self.iv(d);
        if base.lo == base.hi {
            return base;
        }
        let base = match self.relaxed_iv(d, 1) {
            Some(r) => base.intersect(&r),
            None => base,
        };
        let Node::Add(ts, c) = self.cx.node(d) else {
            return base;
        };
        let c = *c;
        if ts.len() < 2 || ts.len() > 16 || base.lo == base.hi {
            return base;
        }
        // A common factor needs a symbol in every term: the symbol masks tell at once when
        // there is none (most sums), before any allocation.
        if ts
            .iter()
            .fold(u64::MAX, |m, (t, _)| m & self.cx.meta[t.index()].syms)
            == 0
        {
            return base;
        }
        // d = g*r + c with g the common factor of the non-constant terms (found before any
        // node is built: most sums have none).
        let ms = self.monomials(d);
        let g = self.content(ms.iter().filter(|m| !m.factors.is_empty()));
        if g.factors.is_empty() || g.coeff <= 0 || c == i64::MIN {
            return base;
        }
        let Some(v) = self.cx.add_const(d, -c) else {
            return base;
        };
        let (Some(r), Some(ge)) = (self.divide_exact(v, &g), self.mono_expr(&g)) else {
            return base;
        };
        let f = self.iv(ge).mul(&self.iv(r)).add(&Iv::point(c));
        base.intersect(&f)
    }

    /// The interval of the sum `d` with its floor divisions (and remainders) by constants
    /// relaxed to their dividends, where a dividend shares a symbol with another term (`s - FloorDiv(s - 7, 2)`,
    /// whose terms' own intervals `[1, oo) - (-oo, oo)` say nothing, is at least 4). `None`
    /// when `d` has no such term, or on overflow. [`Session::relaxed_sum_iv`] has the identity.
    pub(crate) fn relaxed_iv(&mut self, d: Expr, depth: u32) -> Option<Iv> {
        let Node::Add(ts, c0) = self.cx.node(d) else {
            return None;
        };
        let (c0, n) = (*c0, ts.len());
        if !(2..=16).contains(&n) {
            return None;
        }
        let terms = crate::expr::Terms::from_slice(ts);
        self.relaxed_sum_iv(&terms, c0, depth)
    }

    /// The interval of `Σ k*t + c0` (`terms`: each term once) with its
    /// floor divisions by constants relaxed, `depth` more times for divisions inside the
    /// dividends, or `None` when no division's dividend shares a symbol with another term
    /// (the terms are then bounded independently, and relaxing only loosens), on overflow,
    /// or for an empty interval.
    ///
    /// Each `Mod(a, c)` is first written `a - c*FloorDiv(a, c)` (floor modulo by `c > 0`), and
    /// divisions of the same dividend by the same constant are one term. The identity: for
    /// an integer `a` and a constant `c >= 1`, `a - (c - 1) <= c*FloorDiv(a, c) <= a`. With `L` the least common multiple of the
    /// divisors, `L*d = Σ L*k*t + Σ (L*k/c)*(c*FloorDiv(a, c)) + L*c0`; replacing each
    /// `c*FloorDiv(a, c)` by `a` gives the sum `B`, whose like terms merge (that is the gain:
    /// `s` and the `s` of `FloorDiv(s - 7, 2)` become one term), and then at every
    /// assignment `L*d <= B + Σ_{k<0} |L*k/c|*(c - 1)` and `L*d >= B - Σ_{k>0} |L*k/c|*(c - 1)`.
    /// `B`'s interval divided by `L`, rounded inwards (`d` is an integer), bounds `d`. No node
    /// is built: `B` is a list of terms whose intervals are already known.
    fn relaxed_sum_iv(&mut self, terms: &[(Expr, i64)], c0: i64, depth: u32) -> Option<Iv> {
        // The symbol masks may say "shared" wrongly, never "not shared" wrongly: a wasted
        // try, never a missed one.
        let mut any = false;
        let mut lcm: i64 = 1;
        for (t, _) in terms {
            if let Some((a, c, _)) = self.division_by_constant(*t) {
                let others = terms
                    .iter()
                    .filter(|(u, _)| u != t)
                    .fold(0u64, |m, (u, _)| m | self.cx.meta[u.index()].syms);
                any |= self.cx.meta[a.index()].syms & others != 0;
                lcm = lcm_capped(lcm, c)?;
            }
        }
        if !any {
            return None;
        }
        let l = lcm;
        let mut flat: crate::expr::Terms = crate::expr::Terms::new();
        let mut cst = c0.checked_mul(l)?;
        // Per division (dividend, divisor), the coefficient of FloorDiv(a, c) once each
        // Mod(a, c) is written a - c*FloorDiv(a, c) (floor modulo by c > 0: exact), so that
        // `2*FloorDiv(a, 16) + Mod(a, 16)` is `a - 14*FloorDiv(a, 16)`, one division to relax.
        let mut divs: smallvec::SmallVec<[(Expr, i64, i64); 4]> = smallvec::SmallVec::new();
        for &(t, k) in terms {
            let kl = k.checked_mul(l)?;
            let Some((a, c, is_mod)) = self.division_by_constant(t) else {
                flat.push((t, kl));
                continue;
            };
            let k_div = if is_mod {
                push_scaled(self.cx, &mut flat, &mut cst, a, kl)?;
                k.checked_mul(-c)?
            } else {
                k
            };
            match divs.iter_mut().find(|d| d.0 == a && d.1 == c) {
                Some(d) => d.2 = d.2.checked_add(k_div)?,
                None => divs.push((a, c, k_div)),
            }
        }
        // Σ |L*k/c|*(c - 1) over the divisions with positive (resp. negative) coefficients.
        let (mut slack_pos, mut slack_neg) = (0i64, 0i64);
        for (a, c, k) in divs {
            // c divides L: exact.
            let m = k.checked_mul(l)? / c;
            let slack = m.checked_abs()?.checked_mul(c - 1)?;
            if m > 0 {
                slack_pos = slack_pos.checked_add(slack)?;
            } else {
                slack_neg = slack_neg.checked_add(slack)?;
            }
            push_scaled(self.cx, &mut flat, &mut cst, a, m)?;
        }
        // Like terms merged (by handle: equal expressions are the same handle).
        flat.sort_unstable_by_key(|p| p.0);
        let mut w = 0;
        for r in 0..flat.len() {
            if w > 0 && flat[w - 1].0 == flat[r].0 {
                flat[w - 1].1 = flat[w - 1].1.checked_add(flat[r].1)?;
            } else {
                flat[w] = flat[r];
                w += 1;
            }
        }
        flat.truncate(w);
        flat.retain(|p| p.1 != 0);
        let mut b = Iv::point(cst);
        for &(u, k) in flat.iter() {
            b = b.add(&self.iv(u).scale(k));
        }
        if depth > 0
            && let Some(r) = self.relaxed_sum_iv(&flat, cst, depth - 1)
        {
            b = b.intersect(&r);
        }
        if b.lo > b.hi {
            return None;
        }
        let l = i128::from(l);
        let lo = if b.lo == NEG_INF {
            NEG_INF
        } else {
            // ceil((B_lo - slack_pos) / L)
            -(i128::from(slack_pos) - b.lo).div_euclid(l)
        };
        let hi = if b.hi == POS_INF {
            POS_INF
        } else {
            (b.hi + i128::from(slack_neg)).div_euclid(l)
        };
        Some(Iv::new(lo, hi))
    }

    /// `(a, c, is_mod)` for `FloorDiv(a, c)` or `Mod(a, c)` with a constant `c >= 2`.
    fn division_by_constant(&self, t: Expr) -> Option<(Expr, i64, bool)> {
        let (a, b, is_mod) = match *self.cx.node(t) {
            Node::FloorDiv(a, b) => (a, b, false),
            Node::Mod(a, b) => (a, b, true),
            _ => return None,
        };
        let c = self.cx.as_int(b).filter(|c| *c >= 2)?;
        Some((a, c, is_mod))
    }

    /// Whether the substitution search of [`Session::sym_upper`] finds nothing to replace in
    /// `d`: a plain polynomial (symbols, their products and powers; no `Mod` or `FloorDiv`
    /// atom to bound) none of whose symbols has a symbolic range end or bound. Then the search
    /// answers `rel_iv(d)` as it is. (The symbol masks share their last bit among the symbols
    /// numbered 63 and up: a false "maybe", never a false "nothing".)
    fn nothing_to_substitute(&self, d: Expr) -> bool {
        let m = self.cx.meta[d.index()];
        m.plain && m.syms & self.s.d.bounded_syms == 0
    }

    /// Whether [`Session::finite_sym_bounds`] of `a` can only answer `a`'s own interval (within
    /// i64) or `None`: nothing to substitute, so it answers `rel_iv(a)`, and `a` is no sum of two
    /// terms or more, so `rel_iv(a)` is `iv(a)` (its relaxed divisions and its common factor
    /// both need two terms). A rule that found nothing in `a`'s interval need not ask.
    pub(crate) fn sym_bounds_are_iv(&self, a: Expr) -> bool {
        self.nothing_to_substitute(a)
            && !matches!(self.cx.node(a), Node::Add(ts, _) if ts.len() >= 2)
    }

    /// Whether a term of the sum `d` is a `Mod` or `FloorDiv` that [`Session::atom_bound`]
    /// may replace (then the substitution search is worth running without symbolic ranges).
    fn has_bounded_atom(&self, d: Expr) -> bool {
        match self.cx.node(d) {
            Node::Add(ts, _) => ts
                .iter()
                .any(|(t, _)| matches!(self.cx.node(*t), Node::Mod(..) | Node::FloorDiv(..))),
            _ => false,
        }
    }

    /// A bound of the atom `t` by an expression without it, for the substitution search:
    /// `upper` asks for `t <= r` at every assignment, otherwise `t >= r`.
    /// - `Mod(a, b)` with `b >= 1`: `0 <= Mod(a, b) <= b - 1` (floor modulo by a positive b).
    /// - `FloorDiv(a, c)` with `c >= 1`: floor division by a positive divisor is monotone in the
    ///   numerator, so `a <= U` gives `FloorDiv(a, c) <= FloorDiv(U, c)` (and `a >= L` the lower
    ///   counterpart), U a symbolic range end of the symbol `a` or, for a nested FloorDiv `a`, its
    ///   own bound (`FloorDiv(FloorDiv(r0, 49), 3*F) <= FloorDiv(FloorDiv(147*s77*F - 1, 49), 3*F)`
    ///   = `s77 - 1` with r0 <= 147*s77*F - 1); else, for `a >= 0`, `FloorDiv(a, c) <= a` (a/c <= a).
    fn atom_bound(&mut self, t: Expr, upper: bool) -> Option<Expr> {
        if let Some(b) = self.floordiv_end(t, upper, 0) {
            return Some(b);
        }
        let n = self.cx.node(t).clone();
        match n {
            Node::Mod(_, b) if self.iv(b).lo >= 1 => {
                if upper {
                    self.cx.add_const(b, -1)
                } else {
                    Some(self.cx.int(0))
                }
            }
            Node::FloorDiv(a, c) if upper && self.iv(c).lo >= 1 && self.iv(a).lo >= 0 => Some(a),
            _ => None,
        }
    }

    /// `FloorDiv(U, c)` for `t = FloorDiv(a, c)`, `c >= 1`, and U a symbolic range end of the
    /// symbol `a` (upper or lower as asked), or, for a nested FloorDiv `a` (at most 4 deep),
    /// its own such end: see [`Session::atom_bound`].
    fn floordiv_end(&mut self, t: Expr, upper: bool, depth: u32) -> Option<Expr> {
        let Node::FloorDiv(a, c) = *self.cx.node(t) else {
            return None;
        };
        if depth > 4 || self.iv(c).lo < 1 {
            return None;
        }
        let inner = match *self.cx.node(a) {
            Node::Sym(v) => {
                let ends = if upper {
                    self.s.d.upper.get(&v)
                } else {
                    self.s.d.lower.get(&v)
                };
                ends.and_then(|l| l.first().copied())?
            }
            Node::FloorDiv(..) => self.floordiv_end(a, upper, depth + 1)?,
            _ => return None,
        };
        Some(self.cx.floordiv_raw(inner, c))
    }

    /// The symbols of a term that bounds could replace, each with its cofactor: a bare symbol
    /// (no cofactor), or each symbol factor of a product of at most four factors (the product
    /// of the others). Symbols without symbolic bounds are skipped.
    fn symbol_factors(&mut self, t: Expr) -> smallvec::SmallVec<[(Symbol, Option<Expr>); 2]> {
        let mut out = smallvec::SmallVec::new();
        match self.cx.node(t).clone() {
            Node::Sym(v) => out.push((v, None)),
            Node::Mul(fs) if fs.len() <= 4 => {
                for (j, f) in fs.iter().enumerate() {
                    let Some(v) = self.cx.as_symbol(*f) else {
                        continue;
                    };
                    if !self.s.d.upper.contains_key(&v) && !self.s.d.lower.contains_key(&v) {
                        continue;
                    }
                    let others: smallvec::SmallVec<[Expr; 4]> = fs
                        .iter()
                        .enumerate()
                        .filter(|(m, _)| *m != j)
                        .map(|(_, g)| *g)
                        .collect();
                    if let Some(cof) = self.cx.mul_args(&others) {
                        out.push((v, Some(cof)));
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// Lower-bound counterpart of [`Session::sym_upper`].
    pub fn sym_lower(&mut self, d: Expr) -> i128 {
        let lo = self.rel_iv(d).lo;
        if self.s.d.upper.is_empty() && self.s.d.lower.is_empty() && !self.has_bounded_atom(d) {
            return lo;
        }
        // With nothing to substitute, the upper bound of -d below is the negated interval of
        // d's (interval arithmetic and `rel_iv`'s common factor are symmetric under negation),
        // so it adds nothing to `lo`: not built.
        if self.nothing_to_substitute(d) {
            return lo;
        }
        let Some(n) = self.cx.neg(d) else { return lo };
        let n = self.simp(n);
        let u = self.sym_upper(n);
        lo.max(negated_end(u))
    }

    /// Tightens a bound of `e` with the symbolic substitutions.
    /// Without symbolic facts, the relaxation of the sum's divisions alone
    /// ([`Session::relaxed_iv`]; with them, [`Session::rel_iv`] applies it for both ends).
    pub fn refine_by_proof(&mut self, e: Expr, r: Iv) -> Iv {
        if self.s.d.upper.is_empty() && self.s.d.lower.is_empty() {
            return match self.relaxed_iv(e, 1) {
                Some(x) => r.intersect(&x),
                None => r,
            };
        }
        let hi = self.sym_upper(e).min(r.hi);
        let lo = self.sym_lower(e).max(r.lo);
        Iv { lo, hi }
    }

    /// Simplified `a - b` (`None` on overflow, or past the nesting limit: see
    /// [`Session::nest`]).
    fn diff(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        let d = if self.cx.as_int(b) == Some(0) {
            a
        } else {
            self.cx.sub(a, b)?
        };
        if self.nest >= self.max_nest {
            return None;
        }
        self.nest += 1;
        let r = self.simp(d);
        self.nest -= 1;
        Some(r)
    }

    /// `a <= b` (`strict`: `a < b`) at every assignment, decided from the operands' intervals
    /// alone, before building and simplifying `a - b`: hi(a) <= lo(b) (strict: <) proves it;
    /// lo(a) > hi(b) (strict: >=) means it fails at every assignment (or the domain is empty),
    /// where "not proven" is the sound answer. `None` when the intervals overlap, or for
    /// non-integers (whose difference is refused below anyway).
    pub(crate) fn le_by_intervals(&mut self, a: Expr, b: Expr, strict: bool) -> Option<bool> {
        if self.cx.ty(a) != Ty::Int || self.cx.ty(b) != Ty::Int {
            return None;
        }
        let (ia, ib) = (self.iv(a), self.iv(b));
        le_of_intervals(ia, ib, strict)
    }

    /// `a`'s bounds through the symbolic facts ([`Session::sym_lower`],
    /// [`Session::sym_upper`]) when both are finite (within i64), `iv` being `a`'s interval:
    /// the end the interval leaves infinite is asked first (its symbolic bound is often
    /// infinite too, `r0` in `[0, 4*s97 - 1]` with s97 unbounded, and then the other end,
    /// which costs as much, is not needed).
    pub(crate) fn finite_sym_bounds(&mut self, a: Expr, iv: Iv) -> Option<(i64, i64)> {
        let fit = |v: i128| (v > i64::MIN as i128 && v < i64::MAX as i128).then_some(v as i64);
        // Nothing to substitute: `sym_lower` and `sym_upper` answer the ends of `rel_iv(a)`
        // at their second exit (or their first, which answers the same), so it is asked once.
        if self.nothing_to_substitute(a) {
            let r = self.rel_iv(a);
            return Some((fit(r.lo)?, fit(r.hi)?));
        }
        let (lo, hi) = if iv.hi_i64().is_none() {
            let hi = fit(self.sym_upper(a))?;
            (fit(self.sym_lower(a))?, hi)
        } else {
            let lo = fit(self.sym_lower(a))?;
            (lo, fit(self.sym_upper(a))?)
        };
        Some((lo, hi))
    }

    /// `a <= b` at every assignment.
    pub fn prove_le(&mut self, a: Expr, b: Expr) -> bool {
        if let Some(r) = self.le_by_intervals(a, b, false) {
            return r;
        }
        self.le_by_difference(a, b)
    }

    /// Whether `a < b` fails (both sides defined) at an assignment the facts allow, one of
    /// the corners of the box of `a`'s and `b`'s symbols: every symbol low, every one high,
    /// `a`'s alone high (and `b`'s low), `b`'s alone low (an infinite end is `FAR` beyond the
    /// other one, or from 0). Then no proof can succeed (they are sound), and the one
    /// [`Session::prove_lt`] was about to attempt (the difference's bounds, about as costly as
    /// simplifying a small expression) is skipped: the rules' questions (`0 <= a < b` for
    /// `FloorDiv(a, b) = 0`) mostly fail. (The same for `<=`, `>= 0` and `>= 1` cost more
    /// than it saved: docs/performance.md, twenty-ninth session.)
    ///
    /// Only where nothing but the symbols' own intervals constrains them (no assumption, no
    /// range end over symbols, no residue or truth assumed in a branch, no bounded atom):
    /// then every point of the box of their intervals (narrowed by a branch, `sym_iv`) is an
    /// assignment the facts allow, and a corner is one.
    fn lt_fails_at_a_corner(&mut self, a: Expr, b: Expr) -> bool {
        const CORNER_NODES: u32 = 48;
        const FAR: i64 = 1 << 10;
        const MOST_SYMBOLS: usize = 8;
        let d = &self.s.d;
        if !self.cx.facts.assumptions.is_empty()
            || self.cx.facts.symbolic_ends > 0
            || !d.upper.is_empty()
            || !d.lower.is_empty()
            || !d.mod_facts.is_empty()
            || !d.truths.is_empty()
            || d.has_atom_facts()
        {
            return false;
        }
        // Each symbol with its low and high values, and whether `a` (bit 0) and `b` (bit 1)
        // have it.
        let mut syms: smallvec::SmallVec<[(Symbol, i64, i64, u8); MOST_SYMBOLS]> =
            smallvec::SmallVec::new();
        let mut too_many = false;
        for (e, bit) in [(a, 1u8), (b, 2u8)] {
            self.cx.for_each_symbol(e, |s| {
                if let Some(x) = syms.iter_mut().find(|x| x.0 == s) {
                    x.3 |= bit;
                } else if syms.len() == MOST_SYMBOLS {
                    too_many = true;
                } else {
                    syms.push((s, 0, 0, bit));
                }
            });
        }
        if too_many {
            return false;
        }
        for k in 0..syms.len() {
            let s = syms[k].0;
            if self.cx.sym_ty(s) != Ty::Int {
                return false;
            }
            let iv = self.sym_iv(s);
            if iv.lo > iv.hi {
                return false;
            }
            let (lo, hi) = (iv.lo_i64(), iv.hi_i64());
            syms[k].1 = lo.unwrap_or_else(|| hi.unwrap_or(0).saturating_sub(FAR));
            syms[k].2 = hi.unwrap_or_else(|| lo.unwrap_or(0).saturating_add(FAR));
        }
        // Which symbols a corner takes high, by the bits of the sides that have them.
        let corners: [fn(u8) -> bool; 4] = [|_| false, |_| true, |has| has == 1, |has| has != 2];
        let mut tried: smallvec::SmallVec<[u64; 4]> = smallvec::SmallVec::new();
        for high in corners {
            // The same point as an earlier corner: not evaluated again.
            let key = syms.iter().enumerate().fold(0u64, |k, (i, x)| {
                k | (u64::from(high(x.3) && x.1 != x.2) << i)
            });
            if tried.contains(&key) {
                continue;
            }
            tried.push(key);
            let at = |s: Symbol| {
                let x = syms.iter().find(|x| x.0 == s)?;
                Some(if high(x.3) { x.2 } else { x.1 })
            };
            // A small budget: the operands of the rules' questions are small, and a large one
            // is better left to the proof than walked twice.
            let mut budget = CORNER_NODES;
            if let Some(va) = self.cx.int_at_with(a, &at, &mut budget)
                && let Some(vb) = self.cx.int_at_with(b, &at, &mut budget)
                && va >= vb
            {
                return true;
            }
        }
        false
    }

    /// [`Session::prove_le`] past the intervals of `a` and `b` (which did not decide):
    /// through the bounds of their difference.
    pub(crate) fn le_by_difference(&mut self, a: Expr, b: Expr) -> bool {
        match self.diff(a, b) {
            Some(d) => self.iv(d).hi <= 0 || self.sym_upper(d) <= 0,
            None => false,
        }
    }

    /// `a < b` at every assignment.
    pub fn prove_lt(&mut self, a: Expr, b: Expr) -> bool {
        if let Some(r) = self.le_by_intervals(a, b, true) {
            return r;
        }
        if self.lt_fails_at_a_corner(a, b) {
            return false;
        }
        match self.diff(a, b) {
            Some(d) => self.iv(d).hi <= -1 || self.sym_upper(d) <= -1,
            None => false,
        }
    }

    /// `a >= 0` at every assignment.
    pub fn prove_nonneg(&mut self, a: Expr) -> bool {
        self.iv(a).lo >= 0 || self.sym_lower(a) >= 0
    }

    /// `a >= 1` at every assignment.
    pub fn prove_pos(&mut self, a: Expr) -> bool {
        self.iv(a).lo >= 1 || self.sym_lower(a) >= 1
    }

    /// Three-valued truth of a boolean expression.
    pub fn truth(&mut self, p: Expr) -> Truth {
        // And, Or, Not and relations of booleans are decided through their operands: past
        // `BOOL_NESTING` levels of them the inner question is `unknown` (sound), so that a
        // deep formula cannot take the stack.
        if self.bool_depth >= BOOL_NESTING {
            return Truth::Unknown;
        }
        self.bool_depth += 1;
        let t = self.truth_of_node(p);
        self.bool_depth -= 1;
        t
    }

    /// [`Session::truth`] of `p`, its nesting counted.
    fn truth_of_node(&mut self, p: Expr) -> Truth {
        if let Some(b) = self.cx.as_bool(p) {
            return if b { Truth::True } else { Truth::False };
        }
        if !self.s.d.truths.is_empty() {
            if self.s.d.truths.contains(&p) {
                return Truth::True;
            }
            let np = self.cx.not_raw(p);
            if self.s.d.truths.contains(&np) {
                return Truth::False;
            }
        }
        match self.cx.node(p).clone() {
            // p | ~p is True and p & ~p is False (the constructors push Not into comparisons:
            // `x > 0` and `x <= 0` are each other's negation).
            Node::Or(xs) if self.has_complement(&xs) => Truth::True,
            Node::And(xs) if self.has_complement(&xs) => Truth::False,
            Node::And(xs) => {
                let mut all = true;
                for x in xs {
                    match self.truth(x) {
                        Truth::False => return Truth::False,
                        Truth::Unknown => all = false,
                        Truth::True => {}
                    }
                }
                if all { Truth::True } else { Truth::Unknown }
            }
            Node::Or(xs) => {
                let mut none = true;
                for x in xs {
                    match self.truth(x) {
                        Truth::True => return Truth::True,
                        Truth::Unknown => none = false,
                        Truth::False => {}
                    }
                }
                if none { Truth::False } else { Truth::Unknown }
            }
            Node::Not(q) => self.truth(q).not(),
            Node::Eq(a, b) | Node::Ne(a, b) | Node::Lt(a, b) | Node::Le(a, b) => {
                match self.cx.ty(a) {
                    Ty::Int => self.int_relation(p, a, b),
                    Ty::Float => self.float_relation(p, a, b),
                    Ty::Bool => {
                        let (x, y) = (self.truth(a), self.truth(b));
                        if x == Truth::Unknown || y == Truth::Unknown {
                            Truth::Unknown
                        } else {
                            let eq = x == y;
                            match self.cx.node(p) {
                                Node::Eq(..) => {
                                    if eq {
                                        Truth::True
                                    } else {
                                        Truth::False
                                    }
                                }
                                Node::Ne(..) => {
                                    if eq {
                                        Truth::False
                                    } else {
                                        Truth::True
                                    }
                                }
                                _ => Truth::Unknown,
                            }
                        }
                    }
                }
            }
            _ => Truth::Unknown,
        }
    }

    /// Whether the boolean `p` is seen to take both values: at one assignment it is true and at
    /// another false, both found among a few points near the ends of the symbols' intervals.
    /// An assignment here gives a value to every symbol of `p`, of a range or of an assumption;
    /// each value lies in its symbol's range (the ends evaluated at the assignment), every
    /// assumption evaluates to true, and `p` is defined there (exact evaluation, which also
    /// refuses a point where anything overflows). Then `p` is neither true nor false at every
    /// assignment, and no sound proof can say otherwise: `bound` and `prove` answer "either"
    /// without trying the proofs, which is most of their cost on such a relation
    /// (`0 < FloorDiv(x + 1, 4)` with `x >= 1` is false at 1 and true at 1025).
    ///
    /// `false` (the proofs answer, as without this) when the points do not show both values,
    /// for a comparison its operands' intervals decide (deciding it costs less than a point),
    /// and where the facts involve a float symbol or more than [`WITNESS_SYMBOLS`] symbols.
    pub(crate) fn takes_both_values(&mut self, p: Expr) -> bool {
        if self.intervals_decide(p, 0) {
            return false;
        }
        // The symbols an assignment must give values to.
        let mut syms: smallvec::SmallVec<[Symbol; WITNESS_SYMBOLS]> = smallvec::SmallVec::new();
        let mut too_many = false;
        {
            let mut add = |s: Symbol| {
                if !syms.contains(&s) {
                    if syms.len() == WITNESS_SYMBOLS {
                        too_many = true;
                    } else {
                        syms.push(s);
                    }
                }
            };
            self.cx.for_each_symbol(p, &mut add);
            for (&s, &(lo, hi)) in self.cx.facts.ranges.iter() {
                add(s);
                for end in [lo, hi] {
                    if let crate::RangeEnd::Expr(x) = end {
                        self.cx.for_each_symbol(x, &mut add);
                    }
                }
            }
            for &a in &self.cx.facts.assumptions {
                self.cx.for_each_symbol(a, &mut add);
            }
        }
        if too_many || syms.is_empty() || syms.iter().any(|&s| self.cx.sym_ty(s) != Ty::Int) {
            return false;
        }
        // Each symbol's values to try: its interval's ends and the values next to them
        // (`witness_values`).
        let mut cands: smallvec::SmallVec<[[i64; WITNESS_VALUES]; WITNESS_SYMBOLS]> =
            smallvec::SmallVec::new();
        for &s in &syms {
            cands.push(witness_values(self.sym_iv(s)));
        }
        let mut seen = [false; 2];
        let mut point = [0i64; WITNESS_SYMBOLS];
        let n = syms.len();
        // Every symbol its j-th value, until both values are seen.
        for j in 0..WITNESS_VALUES {
            for (k, c) in cands.iter().enumerate() {
                point[k] = c[j];
            }
            let value = |s: Symbol| syms.iter().position(|&t| t == s).map(|k| point[k]);
            let mut budget = WITNESS_NODES;
            if !self.is_assignment(&syms, &point[..n], &value, &mut budget) {
                // Out of budget: the facts are too large to look at (every point costs
                // as much); else the point is not an assignment.
                if budget == 0 {
                    return false;
                }
                continue;
            }
            let mut budget = WITNESS_NODES;
            match self.cx.bool_at_with(p, &value, &mut budget) {
                Some(v) => {
                    seen[usize::from(v)] = true;
                    if seen == [true, true] {
                        return true;
                    }
                }
                // Too large to evaluate within the budget, at every point alike.
                None if budget == 0 => return false,
                // Undefined there, or of a kind not evaluated here.
                None => {}
            }
        }
        false
    }

    /// Whether the operands' intervals decide every comparison of `p` (a comparison of
    /// integers, or `And`, `Or` and `Not` of such): the prover then answers from them, at less
    /// than the cost of a point. `depth` bounds the walk.
    fn intervals_decide(&mut self, p: Expr, depth: u32) -> bool {
        if depth > 4 {
            return false;
        }
        match self.cx.node(p).clone() {
            Node::Eq(a, b) | Node::Ne(a, b) | Node::Lt(a, b) | Node::Le(a, b) => {
                self.cx.ty(a) == Ty::Int && self.relation_by_intervals(p, a, b).is_some()
            }
            Node::And(xs) | Node::Or(xs) => xs.iter().all(|&x| self.intervals_decide(x, depth + 1)),
            Node::Not(x) => self.intervals_decide(x, depth + 1),
            _ => false,
        }
    }

    /// Whether the values `point` of `syms` (`value` reads them) are an assignment of the
    /// facts: each within its symbol's range, every assumption true (`false` also where that
    /// cannot be computed: an end or an assumption undefined there, or of a kind
    /// `bool_at_with` does not evaluate).
    fn is_assignment(
        &self,
        syms: &[Symbol],
        point: &[i64],
        value: &impl Fn(Symbol) -> Option<i64>,
        budget: &mut u32,
    ) -> bool {
        for (&s, &v) in syms.iter().zip(point) {
            let Some(&(lo, hi)) = self.cx.facts.ranges.get(&s) else {
                continue;
            };
            if let crate::RangeEnd::Expr(x) = lo
                && self.cx.int_at_with(x, value, budget).is_none_or(|l| v < l)
            {
                return false;
            }
            if let crate::RangeEnd::Expr(x) = hi
                && self.cx.int_at_with(x, value, budget).is_none_or(|h| v > h)
            {
                return false;
            }
        }
        self.cx
            .facts
            .assumptions
            .iter()
            .all(|&a| self.cx.bool_at_with(a, value, budget) == Some(true))
    }

    fn has_complement(&mut self, xs: &[Expr]) -> bool {
        if xs.len() > 16 {
            return false;
        }
        for &x in xs {
            let nx = self.cx.not_raw(x);
            if xs.contains(&nx) {
                return true;
            }
        }
        false
    }

    fn int_relation(&mut self, p: Expr, a: Expr, b: Expr) -> Truth {
        if let Some(t) = self.relation_by_intervals(p, a, b) {
            return t;
        }
        if self.symbol_against_constant(a, b) {
            return Truth::Unknown;
        }
        let Some(d) = self.diff(a, b) else {
            return Truth::Unknown;
        };
        let iv = self.iv(d);
        let (lo, hi) = if iv.lo > NEG_INF && iv.hi < POS_INF && iv.lo == iv.hi {
            (iv.lo, iv.hi)
        } else {
            (self.sym_lower(d).max(iv.lo), self.sym_upper(d).min(iv.hi))
        };
        let eq = if lo == 0 && hi == 0 {
            Truth::True
        } else if lo > 0 || hi < 0 || self.modset(d).excludes(0) {
            Truth::False
        } else {
            Truth::Unknown
        };
        let t = match self.cx.node(p) {
            Node::Eq(..) => eq,
            Node::Ne(..) => eq.not(),
            Node::Lt(..) => {
                if hi <= -1 {
                    Truth::True
                } else if lo >= 0 {
                    Truth::False
                } else {
                    Truth::Unknown
                }
            }
            _ => {
                if hi <= 0 {
                    Truth::True
                } else if lo >= 1 {
                    Truth::False
                } else {
                    Truth::Unknown
                }
            }
        };
        if t != Truth::Unknown {
            return t;
        }
        self.relation_on_small_box(p).unwrap_or(Truth::Unknown)
    }

    /// Whether the boolean `p` is true at one corner of `boxes` and false at another (the
    /// direct evaluator; a corner it does not answer, undefined or not, is skipped).
    fn both_at_corners(&self, p: Expr, boxes: &[(Symbol, i64, i64)]) -> bool {
        let (mut t, mut f) = (false, false);
        for corner in 0u32..1 << boxes.len() {
            let at = |s: Symbol| {
                let k = boxes.iter().position(|b| b.0 == s)?;
                Some(if corner >> k & 1 == 0 {
                    boxes[k].1
                } else {
                    boxes[k].2
                })
            };
            let mut budget = crate::eval::EVAL_AT_NODES;
            match self.cx.bool_at_with(p, &at, &mut budget) {
                Some(true) => t = true,
                Some(false) => f = true,
                None => {}
            }
            if t && f {
                return true;
            }
        }
        false
    }

    /// An integer relation the intervals left undecided, decided by its value at every point
    /// of a small box of its symbols ([`Session::small_box`]: finite numeric ranges, at most
    /// 512 points, nothing else restricting them): true when it holds at every point where it
    /// is defined, false when it fails at every one. The intervals of the two sides lose what
    /// they share (`FloorDiv(x, 3*FloorDiv(x, 2)) <= 1` over x in [2, 6] holds at each of the
    /// five points, which the difference's interval [-16, 0] after rewriting cannot see).
    /// `None` when the box is not small or past the query's budget ([`BOX_OPS`]), a value
    /// overflows, it takes both values, or no point is in its domain.
    fn relation_on_small_box(&mut self, p: Expr) -> Option<Truth> {
        // At most [`BOX_OPS`] operations evaluated in all by a query (a large relation over a
        // box of a few hundred points stays undecided, as before), each point a step of the
        // query (a time limit stops it between points), each relation a unit of the query's
        // proof work.
        let ops = self.cx.meta[p.index()].size as usize + 1;
        if self.work == 0 {
            return None;
        }
        let (boxes, points) = self.box_within_budget(p, ops)?;
        // Asked before in this query, over the same box: the same answer.
        if let Some((_, _, t)) = self
            .box_truths
            .iter()
            .find(|(q, b, _)| *q == p && *b == boxes)
        {
            return *t;
        }
        // The corners first (most relations the intervals leave undecided take both values
        // there: `x <= 2*y - 4*z + 2`): both seen, undecided without the whole box. Charged
        // to the budget as the whole box is.
        self.work -= 1;
        if boxes.len() <= 6 {
            let corners = (1usize << boxes.len()).min(points);
            self.box_ops -= corners * ops;
            if self.both_at_corners(p, &boxes) {
                self.box_truths.push((p, boxes, None));
                return None;
            }
            if points.saturating_mul(ops) > self.box_ops {
                return None;
            }
        }
        self.box_ops -= points * ops;
        let (mut seen_true, mut seen_false) = (false, false);
        let complete = self.for_each_point(p, &boxes, true, |v| {
            match v {
                crate::Value::Bool(true) => seen_true = true,
                crate::Value::Bool(false) => seen_false = true,
                // A relation evaluates to a boolean; anything else decides nothing.
                _ => {
                    seen_true = true;
                    seen_false = true;
                }
            }
            !(seen_true && seen_false)
        });
        let t = match (complete, seen_true, seen_false) {
            (true, true, false) => Some(Truth::True),
            (true, false, true) => Some(Truth::False),
            _ => None,
        };
        // Not kept when a limit cut the evaluation short (the query is stopping anyway).
        if complete || seen_true && seen_false {
            self.box_truths.push((p, boxes, t));
        }
        t
    }

    /// Whether `a` and `b` are an integer symbol and a constant (either way round) that
    /// nothing but the symbol's interval constrains: no symbolic bound (`upper`, `lower`), no
    /// residue (`mod_facts`), and the interval nonempty. Then the symbol takes every integer
    /// of its interval, so a relation the intervals left undecided (the constant inside the
    /// interval, which has two values or more) is true at one of them and false at another,
    /// and the difference's analysis that follows in [`Session::int_relation`] cannot decide
    /// it either: its interval is the symbol's shifted, its symbolic bounds and residues are
    /// the (absent) facts', and a small box holds both values. The common last question of
    /// the solver (`s0 >= 4` over `s0 >= 1`) without building `s0 - 4`.
    fn symbol_against_constant(&mut self, a: Expr, b: Expr) -> bool {
        let x = match (self.cx.node(a), self.cx.node(b)) {
            (Node::Sym(_), Node::Int(_)) => a,
            (Node::Int(_), Node::Sym(_)) => b,
            _ => return false,
        };
        if !self.s.d.upper.is_empty()
            || !self.s.d.lower.is_empty()
            || !self.s.d.mod_facts.is_empty()
        {
            return false;
        }
        let iv = self.iv(x);
        iv.lo <= iv.hi
    }

    /// The integer relation `p` (`a OP b`) decided from the operands' intervals alone, before
    /// building and simplifying `a - b` (as [`Session::le_by_intervals`] does for proofs),
    /// when they decide it: `a < b` at every assignment when `hi(a) < lo(b)`, `a == b` when
    /// both are the same single value, `a != b` when they do not meet. `None` otherwise, or
    /// when an interval is empty (no assignment: left to the difference's analysis).
    fn relation_by_intervals(&mut self, p: Expr, a: Expr, b: Expr) -> Option<Truth> {
        let op = match self.cx.node(p) {
            Node::Eq(..) => CmpOp::Eq,
            Node::Ne(..) => CmpOp::Ne,
            Node::Lt(..) => CmpOp::Lt,
            Node::Le(..) => CmpOp::Le,
            _ => return None,
        };
        let (ia, ib) = (self.iv(a), self.iv(b));
        if ia.lo > ia.hi || ib.lo > ib.hi {
            return None;
        }
        relation_of_intervals(op, ia, ib)
    }

    /// [`Session::truth`] of `x OP c` (`relation_expr(x, op, c)`) for an integer symbol `x`
    /// and a constant `c`, without building the relation, where `truth` answers from the
    /// intervals: the same steps on the same operands (`relation_expr` writes `Gt`/`Ge` as
    /// `c < x`/`c <= x` and keeps the constant on the right of the others), that is
    /// [`Session::relation_by_intervals`] and then [`Session::symbol_against_constant`]. `None`
    /// where `truth` would go on (an assumed truth to look up, an empty interval, a symbolic
    /// bound or residue of `x`): the caller asks `truth` of the relation then. The solver's
    /// last question about most answers (`x >= 8` over `x >= 1`, in `finish_case`).
    pub(crate) fn symbol_constant_truth(
        &mut self,
        x: Expr,
        op: crate::solve::RelOp,
        c: Expr,
    ) -> Option<Truth> {
        use crate::solve::RelOp;
        if !matches!(self.cx.node(x), Node::Sym(_))
            || !matches!(self.cx.node(c), Node::Int(_))
            || self.bool_depth >= BOOL_NESTING
            || !self.s.d.truths.is_empty()
        {
            return None;
        }
        let (a, b, cmp) = match op {
            RelOp::Eq => (x, c, CmpOp::Eq),
            RelOp::Ne => (x, c, CmpOp::Ne),
            RelOp::Lt => (x, c, CmpOp::Lt),
            RelOp::Le => (x, c, CmpOp::Le),
            RelOp::Gt => (c, x, CmpOp::Lt),
            RelOp::Ge => (c, x, CmpOp::Le),
        };
        let (ia, ib) = (self.iv(a), self.iv(b));
        if ia.lo > ia.hi || ib.lo > ib.hi {
            return None;
        }
        if let Some(t) = relation_of_intervals(cmp, ia, ib) {
            return Some(t);
        }
        // `symbol_against_constant` (x's interval is nonempty: checked above).
        (self.s.d.upper.is_empty() && self.s.d.lower.is_empty() && self.s.d.mod_facts.is_empty())
            .then_some(Truth::Unknown)
    }

    fn float_relation(&mut self, p: Expr, a: Expr, b: Expr) -> Truth {
        let (x, y) = (self.fiv(a), self.fiv(b));
        // Only finite intervals: infinities can produce NaN, which compares false both ways.
        if ![x.lo, x.hi, y.lo, y.hi].iter().all(|v| v.is_finite()) {
            return Truth::Unknown;
        }
        let (lt, le, eq) = (
            if x.hi < y.lo {
                Truth::True
            } else if x.lo >= y.hi {
                Truth::False
            } else {
                Truth::Unknown
            },
            if x.hi <= y.lo {
                Truth::True
            } else if x.lo > y.hi {
                Truth::False
            } else {
                Truth::Unknown
            },
            if x.lo == x.hi && x == y {
                Truth::True
            } else if x.hi < y.lo || y.hi < x.lo {
                Truth::False
            } else {
                Truth::Unknown
            },
        );
        match self.cx.node(p) {
            Node::Eq(..) => eq,
            Node::Ne(..) => eq.not(),
            Node::Lt(..) => lt,
            _ => le,
        }
    }
}

impl Context {
    /// Proves or refutes a boolean expression under the context's facts: `True` when it
    /// holds at every point the facts allow where it is defined, `False` when it holds at
    /// none, `Unknown` when neither could be shown (docs/language.md §5). A predicate with a
    /// divisor means something only where the divisor is nonzero, so when the facts alone
    /// leave it unknown, the prover tries again knowing each divisor nonzero (`d >= 1` for a
    /// `d` known `>= 0`): `Mod(x, FloorDiv(s, 4)) < FloorDiv(s, 4)` with `s >= 1` is `True`.
    /// A non-boolean `p` (an integer or float expression) is an error, as on the command
    /// line. A `context_nodes` or `time` limit reached ([`crate::Limits`]) answers
    /// [`Truth::Unknown`], with [`Context::limit_reached`] saying which.
    ///
    /// ```
    /// use sym::{CmpOp, Context, Truth};
    /// let mut cx = Context::new();
    /// let x = cx.parse("x").unwrap();
    /// cx.set_range_int(cx.as_symbol(x).unwrap(), 0, 10).unwrap();
    /// let p = cx.parse("FloorDiv(x, 16) <= 0").unwrap();
    /// assert_eq!(cx.prove(p), Ok(Truth::True));
    /// assert!(cx.prove(x).is_err());
    /// ```
    pub fn prove(&mut self, p: Expr) -> Result<Truth, crate::BuildError> {
        let ty = self.ty(p);
        if ty != Ty::Bool {
            return Err(crate::BuildError::Type {
                op: "prove",
                expected: "a Bool (a comparison, And, Or, Not)",
                found: vec![ty],
            });
        }
        // One query (a time limit covers both attempts); the inner ones run inside it.
        Ok(self.query(
            |cx| {
                let (t, both) = cx.truth_or_both(p, true);
                // Seen true and false at assignments where it is defined: no divisor's sign
                // changes that.
                if t != Truth::Unknown || both {
                    return t;
                }
                cx.truth_where_defined(p).unwrap_or(t)
            },
            |_| Truth::Unknown,
        ))
    }

    /// The divisors `e` needs nonzero to be defined (the divisors of its FloorDiv, CeilDiv,
    /// Mod and true divisions, and the factors of each), outside `Where`, `And` and `Or`
    /// branches; at most 32. [`Context::prove`] answers for the assignments where they are
    /// nonzero; a caller that must know an expression is defined everywhere (a runtime check
    /// that may not be dropped) proves each of them nonzero too.
    pub fn divisors(&self, e: Expr) -> Vec<Expr> {
        crate::defined::divisors_in(self, &[e]).into_vec()
    }

    /// [`Context::truth_of`] with the facts that `p` being defined gives (each non-constant
    /// integer divisor nonzero: `1 <= d` for a `d` known `>= 0`, `d <= -1` for one known
    /// `<= 0`, `Ne(d, 0)` otherwise), in a scope of facts undone afterwards; `None` when `p`
    /// has no such divisor.
    fn truth_where_defined(&mut self, p: Expr) -> Option<Truth> {
        let divs: smallvec::SmallVec<[Expr; 8]> = crate::defined::divisors_in(self, &[p])
            .into_iter()
            .filter(|d| self.ty(*d) == Ty::Int && self.as_int(*d).is_none())
            .collect();
        if divs.is_empty() {
            return None;
        }
        let (zero, one, m1) = (self.int(0), self.int(1), self.int(-1));
        self.push_facts();
        // A divisor's sign may follow from another's being nonzero (`FloorDiv(s, 2*F)` is
        // `>= 0` once `F >= 1`): the ones of unknown sign are tried again after the others.
        let mut pending: smallvec::SmallVec<[Expr; 8]> = divs;
        let mut ok = true;
        for round in 0..2 {
            let mut later: smallvec::SmallVec<[Expr; 8]> = smallvec::SmallVec::new();
            for d in pending {
                let nonneg = self.compare_raw(crate::CmpOp::Le, zero, d);
                let nonpos = self.compare_raw(crate::CmpOp::Le, d, zero);
                let f = if self.truth_of(nonneg) == Truth::True {
                    self.compare_raw(crate::CmpOp::Le, one, d)
                } else if self.truth_of(nonpos) == Truth::True {
                    self.compare_raw(crate::CmpOp::Le, d, m1)
                } else if round == 0 {
                    later.push(d);
                    continue;
                } else {
                    self.compare_raw(crate::CmpOp::Ne, d, zero)
                };
                if self.assume(f).is_err() {
                    ok = false;
                }
            }
            pending = later;
        }
        let t = if ok { self.truth_of(p) } else { Truth::Unknown };
        self.pop_facts();
        Some(t)
    }

    /// [`Context::prove`] of an expression known to be boolean (a non-boolean answers
    /// `Unknown`). A `context_nodes` or `time` limit reached ([`crate::Limits`]) answers
    /// [`Truth::Unknown`], with [`Context::limit_reached`] saying which.
    pub(crate) fn truth_of(&mut self, p: Expr) -> Truth {
        self.truth_or_both(p, false).0
    }

    /// [`Context::truth_of`]; with `witness`, `p` is first looked at a few points, and when it
    /// takes both values there the answer is `Unknown` without any proof (the `bool` says so:
    /// [`Session::takes_both_values`]). For the questions of callers (`prove`), most of whose
    /// undecided relations show both values at once; the engine's own questions mostly have
    /// an answer, and there the points would only add to the proof's cost.
    fn truth_or_both(&mut self, p: Expr, witness: bool) -> (Truth, bool) {
        self.query(
            |cx| {
                let mut s = Session::new(cx);
                if witness && s.takes_both_values(p) {
                    return (Truth::Unknown, true);
                }
                let t = s.truth(p);
                if t != Truth::Unknown {
                    return (t, false);
                }
                let q = s.simplify(p);
                let t = match s.truth(q) {
                    // A comparison of quasi-affine sides: the exact extremes of the difference
                    // of its sides (residue.rs), as `bound` does.
                    Truth::Unknown => match s.residue_relation(p) {
                        Some(true) => Truth::True,
                        Some(false) => Truth::False,
                        None => Truth::Unknown,
                    },
                    t => t,
                };
                (t, false)
            },
            |_| (Truth::Unknown, false),
        )
    }
}

/// The least common multiple of `a` and `b` (both positive), `None` past 2^20 (the sums are
/// scaled by it: small divisors only).
fn lcm_capped(a: i64, b: i64) -> Option<i64> {
    let l = (a / crate::build::gcd(a, b)).checked_mul(b)?;
    (l <= 1 << 20).then_some(l)
}

/// Adds `m*a` to the terms `flat` and the constant `cst`, a sum `a` flattened into them.
fn push_scaled(
    cx: &Context,
    flat: &mut crate::expr::Terms,
    cst: &mut i64,
    a: Expr,
    m: i64,
) -> Option<()> {
    match cx.node(a) {
        Node::Add(us, ca) => {
            *cst = cst.checked_add(ca.checked_mul(m)?)?;
            for &(u, j) in us.iter() {
                flat.push((u, j.checked_mul(m)?));
            }
        }
        Node::Int(v) => *cst = cst.checked_add(v.checked_mul(m)?)?,
        _ => flat.push((a, m)),
    }
    Some(())
}

/// `-u` for a bound `u` of a negated expression, the infinities exchanged (a lower bound of
/// `d` from an upper bound of `-d`).
fn negated_end(u: i128) -> i128 {
    if u == POS_INF {
        NEG_INF
    } else if u == NEG_INF {
        POS_INF
    } else {
        -u
    }
}

/// The operations (points of a box times the relation's size) a query may evaluate to decide
/// relations on small boxes (`Session::relation_on_small_box`): about a quarter of a
/// millisecond at most.
pub(crate) const BOX_OPS: usize = 4096;

/// The most symbols [`Session::takes_both_values`] gives values to.
const WITNESS_SYMBOLS: usize = 6;
/// The values it tries per symbol, each point giving every symbol its next one (more points
/// found few more relations that take both values on the real requests, and cost every
/// relation they do not decide).
const WITNESS_VALUES: usize = 3;
/// The most node visits of one point's evaluation (the relation, or the facts): past it the
/// search stops (most undecided relations a compiler asks about have a few dozen nodes).
const WITNESS_NODES: u32 = 64;

/// A symbol's values for [`Session::takes_both_values`], from its interval `iv`: its ends and
/// their neighbours, and far values on an unbounded side (where a threshold such as
/// `255 < x` lies); every one inside `iv` (a value repeated where the interval is small).
fn witness_values(iv: Iv) -> [i64; WITNESS_VALUES] {
    let lo = (iv.lo > NEG_INF).then_some(iv.lo);
    let hi = (iv.hi < POS_INF).then_some(iv.hi);
    let offsets: [i128; WITNESS_VALUES] = match (lo, hi) {
        (Some(l), Some(h)) => [l, h, l + 1],
        (Some(l), None) => [l, l + 1, l + 1024],
        (None, Some(h)) => [h, h - 1, h - 1024],
        (None, None) => [0, 1, -1],
    };
    let (l, h) = (
        iv.lo.max(i128::from(i64::MIN)),
        iv.hi.min(i128::from(i64::MAX)),
    );
    offsets.map(|v| {
        // Clamped into the interval (and i64): a small interval repeats its values.
        let v = v.clamp(l.min(h), h.max(l));
        v as i64
    })
}

/// Levels of And, Or, Not and relations of booleans [`Session::truth`] follows into their
/// operands (docs/limits.md): deeper questions are `unknown`.
pub(crate) const BOOL_NESTING: u32 = 256;

#[cfg(test)]
mod tests {
    use crate::Context;
    use crate::expr::Expr;
    use crate::simplify::Session;
    use crate::test_rng::xorshift;

    /// `sym_upper` and `sym_lower` as the substitution search answers them in full: the
    /// search from `rel_iv`, and the lower bound through the negation's upper one.
    fn searched_upper(s: &mut Session<'_>, d: Expr) -> i128 {
        let best = s.rel_iv(d).hi;
        s.sym_upper_search(d, best)
    }

    fn searched_lower(s: &mut Session<'_>, d: Expr) -> i128 {
        let lo = s.rel_iv(d).lo;
        let n = s.cx.neg(d).expect("no overflow");
        let n = s.simp(n);
        lo.max(super::negated_end(searched_upper(s, n)))
    }

    /// Where [`Session::nothing_to_substitute`] holds (plain polynomials over symbols without
    /// symbolic bounds, beside symbols with them), the shortcut bounds are the searched ones;
    /// and it never holds for a polynomial over a symbol with a symbolic bound.
    #[test]
    fn nothing_to_substitute_is_what_the_search_finds() {
        let mut next = xorshift(0x510e_527f_ade6_82d1u64);
        let free = ["a", "b", "c"];
        let bounded = ["y", "z"];
        let (mut shortcuts, mut cases) = (0, 0);
        for _ in 0..400 {
            let mut cx = Context::new();
            cx.set_range_str("s", "1", "64").unwrap();
            for n in free {
                let lo = next(7) as i64 - 3;
                let hi = lo + next(20) as i64;
                cx.set_range_str(n, &lo.to_string(), &hi.to_string())
                    .unwrap();
            }
            cx.set_range_str("y", "0", "s - 1").unwrap();
            cx.set_range_str("z", "s", "2*s").unwrap();
            let mut poly = |use_bounded: bool| {
                let mut terms = Vec::new();
                for _ in 0..1 + next(4) {
                    let mut t = vec![(next(9) as i64 - 4).to_string()];
                    for _ in 0..next(3) {
                        t.push(free[next(3) as usize].to_string());
                    }
                    if use_bounded && next(2) == 0 {
                        t.push(bounded[next(2) as usize].to_string());
                    }
                    terms.push(t.join("*"));
                }
                terms.join(" + ")
            };
            let (p, q) = (poly(false), poly(true));
            let (dp, dq) = (cx.parse(&p).unwrap(), cx.parse(&q).unwrap());
            let mut s = Session::new(&mut cx);
            for (d, text) in [(dp, &p), (dq, &q)] {
                cases += 1;
                if !s.nothing_to_substitute(d) {
                    continue;
                }
                shortcuts += 1;
                assert!(
                    !s.cx.display(d).contains('y') && !s.cx.display(d).contains('z'),
                    "{text}: a symbol with a symbolic bound, yet nothing to substitute"
                );
                let (up, lo) = (s.sym_upper(d), s.sym_lower(d));
                assert_eq!(up, searched_upper(&mut s, d), "{text}: upper");
                assert_eq!(lo, searched_lower(&mut s, d), "{text}: lower");
            }
        }
        assert!(shortcuts * 3 > cases, "{shortcuts} of {cases}");
    }

    /// [`Session::finite_sym_bounds`] (with its shortcut where there is nothing to substitute)
    /// is what asking [`Session::sym_lower`] and [`Session::sym_upper`] answers; and where
    /// [`Session::sym_bounds_are_iv`] holds, that is the interval itself (or `None`), so the
    /// rules that skip it there lose nothing.
    #[test]
    fn finite_sym_bounds_is_the_two_searches() {
        let mut next = xorshift(0x3c6e_f372_fe94_f82bu64);
        let syms = ["a", "b", "y", "z", "s"];
        let (mut plain, mut cases) = (0, 0);
        for _ in 0..300 {
            let mut cx = Context::new();
            cx.set_range_str("s", "1", &(1 + next(64)).to_string())
                .unwrap();
            for n in ["a", "b"] {
                let lo = next(7) as i64 - 3;
                let hi = if next(5) == 0 {
                    String::new()
                } else {
                    (lo + next(20) as i64).to_string()
                };
                cx.set_range_str(n, &lo.to_string(), &hi).unwrap();
            }
            cx.set_range_str("y", "0", "s - 1").unwrap();
            cx.set_range_str("z", "s", "2*s").unwrap();
            let atom = |next: &mut dyn FnMut(u64) -> u64| {
                let x = syms[next(5) as usize];
                match next(6) {
                    0 => format!("FloorDiv({x} + {}, {})", next(5), 2 + next(4)),
                    1 => format!("Mod({x}, {})", 2 + next(6)),
                    2 => format!("{x}*{}", syms[next(5) as usize]),
                    _ => x.to_string(),
                }
            };
            let mut terms = Vec::new();
            for _ in 0..1 + next(3) {
                let k = next(9) as i64 - 4;
                terms.push(format!("{k}*{}", atom(&mut next)));
            }
            let text = format!("{} + {}", terms.join(" + "), next(7) as i64 - 3);
            let a = cx.parse(&text).unwrap();
            let mut s = Session::new(&mut cx);
            let a = s.simp(a);
            let iv = s.iv(a);
            cases += 1;
            let fit = |v: i128| (v > i64::MIN as i128 && v < i64::MAX as i128).then_some(v as i64);
            let searched = if iv.hi_i64().is_none() {
                fit(s.sym_upper(a)).and_then(|hi| Some((fit(s.sym_lower(a))?, hi)))
            } else {
                fit(s.sym_lower(a)).and_then(|lo| Some((lo, fit(s.sym_upper(a))?)))
            };
            assert_eq!(s.finite_sym_bounds(a, iv), searched, "{text}");
            if s.sym_bounds_are_iv(a) {
                plain += 1;
                assert_eq!(s.rel_iv(a), iv, "{text}");
                if let Some(b) = searched {
                    assert_eq!((i128::from(b.0), i128::from(b.1)), (iv.lo, iv.hi), "{text}");
                }
            }
        }
        assert!(plain * 10 > cases && plain < cases, "{plain} of {cases}");
    }

    /// Where [`Session::takes_both_values`] holds, the relation is true at one assignment and
    /// false at another (found by enumerating every assignment of a box around the ranges,
    /// with exact evaluation); and the prover (without the points) never decides a relation
    /// the enumeration shows taking both values.
    #[test]
    fn witnesses_are_assignments_with_both_values() {
        use crate::Value;
        let mut next = xorshift(0x9b05_688c_2b3e_6c1fu64);
        let (mut hits, mut undecided) = (0, 0);
        for case in 0..600 {
            let mut cx = Context::new();
            let (la, lb) = (next(7) as i64 - 3, next(7) as i64 - 3);
            let (ha, hb) = (la + next(7) as i64, lb + next(7) as i64);
            // Sometimes b is unbounded above: the enumeration then goes past the far value
            // the points try (lo + 1024).
            let open = next(4) == 0;
            cx.set_range_str("a", &la.to_string(), &ha.to_string())
                .unwrap();
            let b_hi = if open { String::new() } else { hb.to_string() };
            cx.set_range_str("b", &lb.to_string(), &b_hi).unwrap();
            let with_y = next(3) == 0;
            if with_y {
                cx.set_range_str("y", "0", "a - 1").unwrap();
            }
            let assumption = match next(5) {
                0 => Some("Ne(a, b)"),
                1 => Some("a <= b + 1"),
                2 => Some("Eq(Mod(a + b, 2), 0)"),
                _ => None,
            };
            if let Some(t) = assumption {
                let e = cx.parse(t).unwrap();
                cx.assume(e).unwrap();
            }
            let (k, c, m, r) = (
                next(5) as i64 - 2,
                next(9) as i64 - 4,
                1 + next(4) as i64,
                next(3) as i64,
            );
            let y = if with_y { "y" } else { "a" };
            let text = match case % 8 {
                0 => format!("Lt(FloorDiv({k}*a + {c}, {m}), b)"),
                1 => format!("Eq(Mod(a, {m}), {r})"),
                2 => format!("Ne(a + b, {c})"),
                3 => format!("Le(a*b, {c})"),
                4 => format!("And(Lt(a, {c}), Lt(b, {r}))"),
                5 => format!("Or(Eq(a, {c}), Lt(b, {r}))"),
                6 => format!("Lt({y}, FloorDiv(b, {m}))"),
                _ => format!("Not(Eq(Mod(b + {c}, {m}), 0))"),
            };
            let p = cx.parse(&text).unwrap();
            let assumed = assumption.map(|t| cx.parse(t).unwrap());
            // Every assignment of the box: ranges (y's end evaluated), the assumption, `p`
            // defined.
            let b_top = if open { lb + 1100 } else { hb };
            let mut seen = [false; 2];
            for va in la..=ha {
                for vb in lb..=b_top {
                    for vy in if with_y { 0..va.max(0) } else { 0..1 } {
                        let vals = [
                            ("a", Value::Int(va)),
                            ("b", Value::Int(vb)),
                            ("y", Value::Int(vy)),
                        ];
                        let vals = if with_y { &vals[..] } else { &vals[..2] };
                        if let Some(q) = assumed
                            && cx.eval(q, vals) != Ok(Value::Bool(true))
                        {
                            continue;
                        }
                        if let Ok(Value::Bool(v)) = cx.eval(p, vals) {
                            seen[usize::from(v)] = true;
                        }
                    }
                }
            }
            let witnessed = Session::new(&mut cx).takes_both_values(p);
            if witnessed {
                hits += 1;
                assert_eq!(seen, [true, true], "{text} ({assumption:?}): no witness");
            }
            if seen == [true, true] {
                undecided += 1;
                assert_eq!(
                    cx.truth_or_both(p, false).0,
                    super::Truth::Unknown,
                    "{text} ({assumption:?}) takes both values"
                );
            }
        }
        // Most relations that take both values show them at the points (152 of 260 here; the
        // rest hold or fail on a thin set, an equation's solutions, that three points miss).
        assert!(hits * 2 > undecided, "{hits} of {undecided}");
    }

    /// Where [`Session::lt_fails_at_a_corner`] says `a < b` fails, an assignment of the
    /// ranges where both are defined and it fails exists (found by enumerating a box around
    /// the ranges, the far points included), and the proof it replaces (the intervals, then
    /// the difference's bounds) never proves it. Under an assumption it never answers (its
    /// points need not satisfy the facts).
    #[test]
    fn corner_refutations_are_failing_assignments() {
        use crate::Value;
        let mut next = xorshift(0x1f83_d9ab_fb41_bd6bu64);
        let atoms = [
            "x",
            "y",
            "FloorDiv(x, 2)",
            "FloorDiv(x, y)",
            "Mod(x, 3)",
            "Mod(y, x)",
            "2*y - x",
            "x + y",
            "FloorDiv(x + 1, y + 2)",
            "x*y",
            "Max(x, y)",
        ];
        let (mut refuted, mut cases) = (0, 0);
        for _ in 0..3000 {
            let mut cx = Context::new();
            let (lx, ly) = (next(9) as i64 - 4, next(9) as i64 - 4);
            let (hx, hy) = (lx + next(9) as i64, ly + next(9) as i64);
            // Unbounded above sometimes: the far corner (lo + 1024) is then enumerated too.
            let (ox, oy) = (next(3) == 0, next(3) == 0);
            let end = |open: bool, h: i64| if open { String::new() } else { h.to_string() };
            cx.set_range_str("x", &lx.to_string(), &end(ox, hx))
                .unwrap();
            cx.set_range_str("y", &ly.to_string(), &end(oy, hy))
                .unwrap();
            let assumed = next(6) == 0;
            if assumed {
                let e = cx.parse("x <= y + 2").unwrap();
                cx.assume(e).unwrap();
            }
            let pick = |k: u64| atoms[k as usize];
            let (ta, tb) = (
                pick(next(atoms.len() as u64)),
                pick(next(atoms.len() as u64)),
            );
            let (a, b) = (cx.parse(ta).unwrap(), cx.parse(tb).unwrap());
            let mut s = Session::new(&mut cx);
            let claim = s.lt_fails_at_a_corner(a, b);
            cases += 1;
            if !claim {
                continue;
            }
            assert!(!assumed, "{ta} {tb}: answered under an assumption");
            refuted += 1;
            // The proof never succeeds where a failing corner was found.
            let proved = s
                .le_by_intervals(a, b, true)
                .unwrap_or_else(|| match s.diff(a, b) {
                    Some(d) => s.iv(d).hi <= -1 || s.sym_upper(d) <= -1,
                    None => false,
                });
            drop(s);
            assert!(!proved, "{ta} < {tb}: proved, yet refuted at a corner");
            // A failing assignment inside the ranges.
            let window = |l: i64, h: i64, open: bool| -> Vec<i64> {
                let mut v: Vec<i64> = (l..=if open { l + 12 } else { h }).collect();
                if open {
                    v.push(l + 1024);
                }
                v
            };
            let mut found = false;
            'search: for vx in window(lx, hx, ox) {
                for vy in window(ly, hy, oy) {
                    let vals = [("x", Value::Int(vx)), ("y", Value::Int(vy))];
                    if let (Ok(Value::Int(va)), Ok(Value::Int(vb))) =
                        (cx.eval(a, &vals), cx.eval(b, &vals))
                        && va >= vb
                    {
                        found = true;
                        break 'search;
                    }
                }
            }
            assert!(found, "{ta} < {tb}: no failing assignment");
        }
        assert!(refuted * 4 > cases, "{refuted} of {cases}");
    }
}
