//! The compact form: the expression printed with as few operations as a greedy search finds
//! (docs/language.md §5's size), for output only. The canonical form stays the answer of
//! `simplify`, because structural equality depends on it; it is expanded (`q2 + q0*s77*s94 +
//! q1*s94`, size 5), where the compact form factors (`(q0*s77 + q1)*s94 + q2`, size 4) and takes
//! out integer content (`8*x + 8*y + 8*z`, size 5, is `8*(x + y + z)`, size 3).
//!
//! A [`Compact`] is a printing plan over the canonical nodes, not new nodes: the constructors
//! would expand it again. Each polynomial (a sum, product or power, over atoms that are symbols
//! or calls) is regrouped by a multivariate Horner scheme: for the atoms that occur in at least
//! two monomials (the three most frequent), `a*Q + R` is tried with `Q` and `R` regrouped the
//! same way, and so is the integer content `g*(P/g)`; the smallest candidate wins, the flat
//! sum being one of them, so the result is never larger than the canonical form. The arguments
//! of calls are compacted in turn. A sum around one Min or Max moves into it
//! (`Min(2*q3 + 2, s0 + 1) - 2*q3 + 1` is `Min(3, s0 - 2*q3 + 2)`), whole or without its
//! constant, where that is smaller. Regrouping is exact over the integers, and a polynomial is one value (docs/rules.md
//! §8: computed exactly, narrowed once), so a regrouped polynomial overflows where the canonical
//! one does; a Min/Max argument with the sum moved in is a new value, which may leave i64 where
//! the canonical form does not (`s0 + 2` at `s0 = 2^63 - 2`): the canonical simplifier moves a
//! sum into a Min/Max only where the new arguments provably fit (`minmax_shift_sum`), and
//! codegen prints a compact form only where interval arithmetic proves each of its values fits.
//!
//! The search is greedy and bounded (a work budget per expression, a nesting depth beyond which
//! the canonical text is used); it finds no factorization that needs new constants (`x**2 - 1`
//! stays, not `(x - 1)*(x + 1)`), and does not reorder across calls.

use crate::Context;
use crate::build::gcd;
use crate::expr::{Expr, Node};

/// A printing plan with few operations (see the module documentation). Print it with
/// [`Context::compact_display`]; its size is [`Context::compact_size`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compact {
    /// An expression printed in its canonical form (symbols, constants, and what the compact
    /// form does not regroup: floats, booleans, comparisons, deep nesting).
    Canon(Expr),
    /// An integer constant.
    Int(i64),
    /// `Σ k·t + c`, at least one term.
    Sum(Vec<(Compact, i64)>, i64),
    /// A product of at least two factors.
    Prod(Vec<Compact>),
    /// `base ** k`, k >= 2.
    Pow(Box<Compact>, u32),
    /// A call (`FloorDiv`, `CeilDiv`, `Mod`, `ModularIndexing`, `Min`, `Max`, `Abs`).
    Call(&'static str, Vec<Compact>),
}

/// A monomial: coefficient and atoms with exponents (in canonical order, exponents >= 1).
#[derive(Clone, Debug)]
struct Mono {
    k: i64,
    atoms: Vec<(Expr, u32)>,
}

/// A sum split around its one Min/Max term: `(is_max, its arguments, the other terms)`.
pub(crate) type MinMaxSplit = (bool, crate::expr::Args, Vec<(Expr, i64)>, i64);

/// Nesting beyond which the canonical text is used (the canonical printer is iterative).
const MAX_DEPTH: u32 = 200;
/// Candidate evaluations per expression.
const WORK: usize = 4000;
/// Atoms tried as a common factor at each level.
const CANDIDATES: usize = 3;

const P_ADD: u8 = 1;
const P_MUL: u8 = 2;
const P_POW: u8 = 4;

impl Context {
    /// The compact form of `e` (see [`Compact`]): never larger than `e` printed canonically,
    /// equal to it at every assignment.
    pub fn compact(&self, e: Expr) -> Compact {
        let mut work = WORK;
        let c = self.compact_rec(e, 0, &mut work);
        if self.compact_size(&c) <= self.size(e) {
            c
        } else {
            Compact::Canon(e)
        }
    }

    /// The size of a compact form as printed (docs/language.md §5, as [`Context::size`] counts).
    pub fn compact_size(&self, c: &Compact) -> usize {
        self.write_compact(c, 0, None)
    }

    /// A compact form in sympy syntax; it parses back to an expression equal to the original
    /// at every assignment (not to the same canonical node: the constructors expand it).
    pub fn compact_display(&self, c: &Compact) -> String {
        let mut out = String::new();
        self.write_compact(c, 0, Some(&mut out));
        out
    }

    fn compact_rec(&self, e: Expr, depth: u32, work: &mut usize) -> Compact {
        if depth > MAX_DEPTH {
            return Compact::Canon(e);
        }
        let d = depth + 1;
        let int_typed = self.ty(e) == crate::Ty::Int;
        match self.node(e) {
            Node::Int(v) => Compact::Int(*v),
            Node::Add(ts, c) if int_typed => {
                if *c == i64::MIN || ts.iter().any(|(_, k)| *k == i64::MIN) {
                    return Compact::Canon(e);
                }
                let monos: Vec<Mono> = ts.iter().map(|(t, k)| self.mono(*t, *k)).collect();
                let plain = self.horner(&monos, *c, d, work);
                match self.shifted_minmax(ts, *c, d, work) {
                    Some(s) if self.compact_size(&s) < self.compact_size(&plain) => s,
                    _ => plain,
                }
            }
            Node::Mul(..) | Node::Pow(..) if int_typed => {
                let m = self.mono(e, 1);
                self.horner(&[m], 0, d, work)
            }
            Node::FloorDiv(a, b) => self.call("FloorDiv", &[*a, *b], d, work),
            Node::CeilDiv(a, b) => self.call("CeilDiv", &[*a, *b], d, work),
            Node::Mod(a, m) => {
                // As the canonical printer: Mod(FloorDiv(p, q), m) is one call.
                if let Node::FloorDiv(p, q) = self.node(*a) {
                    self.call("ModularIndexing", &[*p, *q, *m], d, work)
                } else {
                    self.call("Mod", &[*a, *m], d, work)
                }
            }
            Node::Min(xs) if int_typed => self.call("Min", xs, d, work),
            Node::Max(xs) if int_typed => self.call("Max", xs, d, work),
            Node::Abs(a) if int_typed => self.call("Abs", &[*a], d, work),
            _ => Compact::Canon(e),
        }
    }

    /// `R + Min(a_1, ..., a_n)` as `Min(a_1 + R', ..., a_n + R') + c'`, with `R' + c'` either
    /// all of `R` (`c' = 0`) or its terms without the constant (`c'` its constant), and the
    /// same for Max: adding one value to every argument commutes with taking the least (or
    /// greatest). For a sum with exactly one Min/Max term, of coefficient 1; the terms of each
    /// new argument are merged (`2*q3 + 2 - 2*q3` is `2`). The smaller of the two, or `None`.
    fn shifted_minmax(
        &self,
        ts: &[(Expr, i64)],
        c: i64,
        d: u32,
        work: &mut usize,
    ) -> Option<Compact> {
        if ts.len() < 2 || *work == 0 {
            return None;
        }
        let (is_max, args, rest, k) = self.split_minmax_term(ts)?;
        if k != 1 {
            return None;
        }
        let name = if is_max { "Max" } else { "Min" };
        let mut best: Option<Compact> = None;
        for inner_c in [c, 0] {
            let mut new_args = Vec::with_capacity(args.len());
            for &a in args.iter() {
                // The argument's terms plus R's, equal terms merged.
                let (mut terms, ac): (Vec<(Expr, i64)>, i64) = match self.node(a) {
                    Node::Add(ats, ac) => (ats.to_vec(), *ac),
                    Node::Int(v) => (Vec::new(), *v),
                    _ => (vec![(a, 1)], 0),
                };
                for &(t, k) in &rest {
                    match terms.iter_mut().find(|(u, _)| *u == t) {
                        Some(slot) => slot.1 = slot.1.checked_add(k)?,
                        None => terms.push((t, k)),
                    }
                }
                terms.retain(|(_, k)| *k != 0);
                let ac = ac.checked_add(inner_c)?;
                if ac == i64::MIN || terms.iter().any(|(_, k)| *k == i64::MIN) {
                    return None;
                }
                let monos: Vec<Mono> = terms.iter().map(|(t, k)| self.mono(*t, *k)).collect();
                new_args.push(if monos.is_empty() {
                    Compact::Int(ac)
                } else {
                    self.horner(&monos, ac, d, work)
                });
            }
            let call = Compact::Call(name, new_args);
            let cand = match c - inner_c {
                0 => call,
                outer => Compact::Sum(vec![(call, 1)], outer),
            };
            if best
                .as_ref()
                .is_none_or(|b| self.compact_size(&cand) < self.compact_size(b))
            {
                best = Some(cand);
            }
            if c == 0 {
                break;
            }
        }
        best
    }

    /// A sum's terms as `R + k*Min(args)` (or Max): `(is_max, args, R's terms, k)`, when
    /// exactly one term is an integer Min or Max and its coefficient `k` is 1 or -1 (what
    /// moving `R` into it needs: the compact form, which takes `k = 1`, and
    /// `shift_into_minmax`).
    pub(crate) fn split_minmax_term(&self, ts: &[(Expr, i64)]) -> Option<MinMaxSplit> {
        let mut found = None;
        for (i, (t, k)) in ts.iter().enumerate() {
            if matches!(self.node(*t), Node::Min(_) | Node::Max(_)) {
                if (*k != 1 && *k != -1) || found.is_some() {
                    return None;
                }
                found = Some(i);
            }
        }
        let i = found?;
        if self.ty(ts[i].0) != crate::Ty::Int {
            return None;
        }
        let (is_max, args) = match self.node(ts[i].0) {
            Node::Min(xs) => (false, xs.clone()),
            Node::Max(xs) => (true, xs.clone()),
            _ => return None,
        };
        let rest = ts
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, t)| *t)
            .collect();
        Some((is_max, args, rest, ts[i].1))
    }

    fn call(&self, name: &'static str, args: &[Expr], d: u32, work: &mut usize) -> Compact {
        Compact::Call(
            name,
            args.iter().map(|a| self.compact_rec(*a, d, work)).collect(),
        )
    }

    /// The monomial `k * t` of a canonical term `t`.
    fn mono(&self, t: Expr, k: i64) -> Mono {
        let mut atoms: Vec<(Expr, u32)> = Vec::new();
        let mut push = |x: Expr| match self.node(x) {
            Node::Pow(b, n) => atoms.push((*b, *n)),
            _ => atoms.push((x, 1)),
        };
        match self.node(t) {
            Node::Mul(fs) => fs.iter().for_each(|f| push(*f)),
            _ => push(t),
        }
        // In the canonical order of expressions (names, not creation order): the printed
        // factors and the ties below do not depend on the context's history.
        atoms.sort_by(|a, b| self.cmp_expr(a.0, b.0));
        Mono { k, atoms }
    }

    /// The smallest regrouping found of `Σ monos + c` (see the module documentation).
    fn horner(&self, monos: &[Mono], c: i64, d: u32, work: &mut usize) -> Compact {
        let flat = self.flat(monos, c, d, work);
        if monos.len() + usize::from(c != 0) < 2 || *work == 0 || d > MAX_DEPTH {
            return flat;
        }
        let mut best_size = self.compact_size(&flat);
        let mut best = flat;
        let consider = |cand: Compact, best: &mut Compact, best_size: &mut usize| {
            let s = self.compact_size(&cand);
            if s < *best_size {
                *best_size = s;
                *best = cand;
            }
        };
        // Integer content: Σ k_i·m_i + c = g·(Σ (k_i/g)·m_i + c/g).
        let g = monos.iter().fold(c.unsigned_abs() as i64, |g, m| {
            if g == 1 { 1 } else { gcd(g, m.k) }
        });
        if g > 1 {
            *work = work.saturating_sub(1);
            let inner: Vec<Mono> = monos
                .iter()
                .map(|m| Mono {
                    k: m.k / g,
                    atoms: m.atoms.clone(),
                })
                .collect();
            let q = self.horner(&inner, c / g, d + 1, work);
            consider(scaled(q, g), &mut best, &mut best_size);
        }
        // Integer content of some of the terms: Σ = g·(S/g) + R, S the monomials (and the
        // constant) whose coefficients g divides: `96*q2 + 96*q0*s27 + q1` is
        // `96*(q2 + q0*s27) + q1`. The candidates g: the coefficients' magnitudes, most
        // frequent first.
        let mut gs: Vec<(i64, usize)> = Vec::new();
        for m in monos {
            let a = m.k.unsigned_abs();
            if a > 1 && a <= i64::MAX as u64 {
                match gs.iter_mut().find(|(v, _)| *v as u64 == a) {
                    Some(e) => e.1 += 1,
                    None => gs.push((a as i64, 1)),
                }
            }
        }
        gs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (g, _) in gs.into_iter().take(CANDIDATES) {
            if *work == 0 {
                break;
            }
            let (sub, rest): (Vec<&Mono>, Vec<&Mono>) = monos.iter().partition(|m| m.k % g == 0);
            let c_in = c % g == 0 && c != 0;
            if sub.len() + usize::from(c_in) < 2 || rest.is_empty() {
                continue; // nothing to group, or the whole sum (the content above)
            }
            *work -= 1;
            let inner: Vec<Mono> = sub
                .iter()
                .map(|m| Mono {
                    k: m.k / g,
                    atoms: m.atoms.clone(),
                })
                .collect();
            let q = self.horner(&inner, if c_in { c / g } else { 0 }, d + 1, work);
            let rest: Vec<Mono> = rest.into_iter().cloned().collect();
            let r = self.horner(&rest, if c_in { 0 } else { c }, d + 1, work);
            let (t, k) = match scaled(q, g) {
                Compact::Sum(mut ts, 0) if ts.len() == 1 => {
                    ts.pop().unwrap_or((Compact::Int(0), 0))
                }
                other => (other, 1),
            };
            consider(add_term(r, t, k), &mut best, &mut best_size);
        }
        // Common atoms: Σ = a·Q + R, Q the monomials with a divided by a, R the others.
        let mut counts: Vec<(Expr, usize)> = Vec::new();
        for m in monos {
            for (x, _) in &m.atoms {
                match counts.iter_mut().find(|(y, _)| y == x) {
                    Some(e) => e.1 += 1,
                    None => counts.push((*x, 1)),
                }
            }
        }
        counts.retain(|(_, n)| *n >= 2);
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| self.cmp_expr(a.0, b.0)));
        for (a, _) in counts.into_iter().take(CANDIDATES) {
            if *work == 0 {
                break;
            }
            *work -= 1;
            let (mut with, mut rest): (Vec<Mono>, Vec<Mono>) = (Vec::new(), Vec::new());
            let mut qc = 0i64;
            for m in monos {
                match m.atoms.iter().position(|(x, _)| *x == a) {
                    Some(i) => {
                        let mut atoms = m.atoms.clone();
                        if atoms[i].1 > 1 {
                            atoms[i].1 -= 1;
                        } else {
                            atoms.remove(i);
                        }
                        if atoms.is_empty() {
                            // Two monomials k·a cannot occur in a canonical sum; be safe.
                            match qc.checked_add(m.k) {
                                Some(v) => qc = v,
                                None => return best,
                            }
                        } else {
                            with.push(Mono { k: m.k, atoms });
                        }
                    }
                    None => rest.push(m.clone()),
                }
            }
            let q = self.horner(&with, qc, d + 1, work);
            let ac = self.compact_rec(a, d + 1, work);
            let (term, k) = times(ac, q);
            let r = self.horner(&rest, c, d + 1, work);
            consider(add_term(r, term, k), &mut best, &mut best_size);
        }
        best
    }

    /// `Σ monos + c` as printed canonically (each monomial a product, atoms compacted).
    fn flat(&self, monos: &[Mono], c: i64, d: u32, work: &mut usize) -> Compact {
        let mut terms: Vec<(Compact, i64)> = Vec::with_capacity(monos.len());
        for m in monos {
            let mut fs: Vec<Compact> = Vec::with_capacity(m.atoms.len());
            for (x, n) in &m.atoms {
                let xc = self.compact_rec(*x, d, work);
                fs.push(if *n >= 2 {
                    Compact::Pow(Box::new(xc), *n)
                } else {
                    xc
                });
            }
            let t = match fs.len() {
                // A constant monomial (never from a canonical sum): as a term `k*1`.
                0 => Compact::Int(1),
                1 => fs.pop().unwrap_or(Compact::Int(1)),
                _ => Compact::Prod(fs),
            };
            terms.push((t, m.k));
        }
        normalize(Compact::Sum(terms, c))
    }

    /// Writes `c` (when `out` is given) at minimum precedence `min`, returning its size.
    fn write_compact(&self, c: &Compact, min: u8, mut out: Option<&mut String>) -> usize {
        let prec = match c {
            Compact::Sum(ts, k) => {
                if ts.len() + usize::from(*k != 0) >= 2 || ts.first().is_some_and(|t| t.1 < 0) {
                    // A sum, or `-t`: parenthesized as a factor.
                    P_ADD
                } else if ts.first().is_some_and(|t| t.1 != 1) {
                    P_MUL
                } else {
                    P_MUL + 1
                }
            }
            Compact::Canon(e) => self.prec(*e),
            Compact::Prod(_) => P_MUL,
            Compact::Pow(..) => P_POW,
            Compact::Int(v) if *v < 0 => P_MUL,
            _ => 9,
        };
        let paren = prec < min;
        if paren && let Some(o) = out.as_deref_mut() {
            o.push('(');
        }
        let size = match c {
            Compact::Canon(e) => {
                if let Some(o) = out.as_deref_mut() {
                    o.push_str(&self.display(*e));
                }
                self.size(*e)
            }
            Compact::Int(v) => {
                if let Some(o) = out.as_deref_mut() {
                    o.push_str(&v.to_string());
                }
                0
            }
            Compact::Sum(ts, k) => self.write_sum(ts, *k, out.as_deref_mut()),
            Compact::Prod(fs) => {
                let mut s = fs.len().saturating_sub(1);
                for (i, f) in fs.iter().enumerate() {
                    if i > 0
                        && let Some(o) = out.as_deref_mut()
                    {
                        o.push('*');
                    }
                    s += self.write_compact(f, P_MUL, out.as_deref_mut());
                }
                s
            }
            Compact::Pow(b, n) => {
                let s = 1 + self.write_compact(b, P_POW + 1, out.as_deref_mut());
                if let Some(o) = out.as_deref_mut() {
                    o.push_str(&format!("**{n}"));
                }
                s
            }
            Compact::Call(name, args) => {
                if let Some(o) = out.as_deref_mut() {
                    o.push_str(name);
                    o.push('(');
                }
                // CeilDiv counts as its definition -FloorDiv(-a, b) (Context::size).
                let mut s = if *name == "CeilDiv" { 3 } else { 1 };
                for (i, a) in args.iter().enumerate() {
                    if i > 0
                        && let Some(o) = out.as_deref_mut()
                    {
                        o.push_str(", ");
                    }
                    s += self.write_compact(a, 0, out.as_deref_mut());
                }
                if let Some(o) = out.as_deref_mut() {
                    o.push(')');
                }
                s
            }
        };
        if paren && let Some(o) = out {
            o.push(')');
        }
        size
    }

    /// A sum as the canonical printer writes one: led by its first positive term, else by its
    /// constant, else by a term with a unary minus, its first with a coefficient other than -1
    /// if any (the minus is free on a coefficient: `-2*x - y`, where `-y - 2*x` pays for it).
    fn write_sum(&self, ts: &[(Compact, i64)], c: i64, mut out: Option<&mut String>) -> usize {
        let lead = ts.iter().position(|(_, k)| *k > 0).or_else(|| {
            (c == 0)
                .then(|| ts.iter().position(|(_, k)| *k != -1))
                .flatten()
        });
        let mut size = (ts.len() + usize::from(c != 0)).saturating_sub(1);
        let mut first = true;
        let term = |t: &Compact, k: i64, first: &mut bool, out: &mut Option<&mut String>| {
            let mag = k.unsigned_abs();
            let mut s = usize::from(mag != 1);
            if let Some(o) = out.as_deref_mut() {
                match (*first, k < 0) {
                    (true, false) => {}
                    (true, true) => o.push('-'),
                    (false, false) => o.push_str(" + "),
                    (false, true) => o.push_str(" - "),
                }
                if mag != 1 {
                    o.push_str(&mag.to_string());
                    o.push('*');
                }
            }
            if *first && k < 0 && mag == 1 {
                s += 1; // unary minus on a non-constant
            }
            *first = false;
            s + self.write_compact(t, P_MUL, out.as_deref_mut())
        };
        match lead {
            Some(i) => {
                size += term(&ts[i].0, ts[i].1, &mut first, &mut out);
                for (j, (t, k)) in ts.iter().enumerate() {
                    if j != i {
                        size += term(t, *k, &mut first, &mut out);
                    }
                }
                if c != 0
                    && let Some(o) = out.as_deref_mut()
                {
                    if c == i64::MIN {
                        o.push_str(" + (-9223372036854775808)");
                    } else {
                        o.push_str(&format!(
                            " {} {}",
                            if c < 0 { '-' } else { '+' },
                            c.unsigned_abs()
                        ));
                    }
                }
            }
            None if c != 0 => {
                if let Some(o) = out.as_deref_mut() {
                    o.push_str(&c.to_string());
                }
                first = false;
                for (t, k) in ts {
                    size += term(t, *k, &mut first, &mut out);
                }
            }
            None => {
                for (t, k) in ts {
                    size += term(t, *k, &mut first, &mut out);
                }
            }
        }
        size
    }
}

/// A sum of one plain term is that term; a sum of nothing is its constant.
fn normalize(c: Compact) -> Compact {
    match c {
        Compact::Sum(ts, k) if ts.is_empty() => Compact::Int(k),
        Compact::Sum(mut ts, 0) if ts.len() == 1 && ts[0].1 == 1 => {
            ts.pop().map_or(Compact::Int(0), |t| t.0)
        }
        other => other,
    }
}

/// `g * q`: a single term's coefficient is multiplied (when it fits), else `g*(q)`.
fn scaled(q: Compact, g: i64) -> Compact {
    match q {
        Compact::Sum(ts, 0) if ts.len() == 1 => {
            let (t, k) = ts.into_iter().next().unwrap_or((Compact::Int(0), 0));
            match k.checked_mul(g) {
                Some(v) => Compact::Sum(vec![(t, v)], 0),
                None => Compact::Sum(vec![(Compact::Sum(vec![(t, k)], 0), g)], 0),
            }
        }
        Compact::Int(v) => v
            .checked_mul(g)
            .map_or(Compact::Sum(vec![(Compact::Int(v), g)], 0), Compact::Int),
        other => Compact::Sum(vec![(other, g)], 0),
    }
}

/// `a * q` as a term `(t, k)` of a sum: a single-term `q` merges into one product.
fn times(a: Compact, q: Compact) -> (Compact, i64) {
    let prod = |mut fs: Vec<Compact>, x: Compact| {
        match x {
            Compact::Prod(gs) => fs.extend(gs),
            x => fs.push(x),
        }
        fs
    };
    match q {
        Compact::Sum(ts, 0) if ts.len() == 1 => {
            let (t, k) = ts.into_iter().next().unwrap_or((Compact::Int(1), 1));
            (Compact::Prod(prod(prod(Vec::new(), a), t)), k)
        }
        Compact::Int(k) => (a, k),
        q => (Compact::Prod(prod(prod(Vec::new(), a), q)), 1),
    }
}

/// `r + k*t`.
fn add_term(r: Compact, t: Compact, k: i64) -> Compact {
    let (mut ts, c) = match r {
        Compact::Sum(ts, c) => (ts, c),
        Compact::Int(c) => (Vec::new(), c),
        other => (vec![(other, 1)], 0),
    };
    ts.insert(0, (t, k));
    normalize(Compact::Sum(ts, c))
}
