//! Sum rules: merging splits of the same index (TVM's canonical SplitExpr merging, PyTorch's
//! `join_dimensions`), and the canonical sign of a negated FloorDiv.
//!
//! A term is viewed as `scale * split(x, l, e)` where `split(x, l, e) = Mod(FloorDiv(x, l), e)`
//! (`e = None`: no Mod; `l = 1`: no FloorDiv). With `y = FloorDiv(x, l)` and `e > 0`,
//! `FloorDiv(x, l*e) = FloorDiv(y, e)` (nested floor division by a positive divisor), which is
//! what lets splits of one index at different granularities meet.

use super::{Rule, Session, fits_iv_given};
use crate::Context;
use crate::expr::{Expr, Node};

/// A FloorDiv factor of a sum's terms: (node, numerator, positive constant divisor, number of
/// terms it occurs in).
type FdFactor = (Expr, Expr, i64, u32);

/// A split view's (base, lower, nested divisors): see [`Split`].
type SplitLower = (Expr, Expr, Option<(Expr, Expr)>);

#[derive(Copy, Clone, Debug)]
struct Split {
    base: Expr,
    lower: Expr,
    ext: Option<Expr>,
    /// The full scale of the term: coefficient times any other factors.
    scale: Expr,
    /// `Some((l1, l2))` when the term is `FloorDiv(FloorDiv(base, l1), l2)` (or a Mod of it)
    /// with a constant l1 > 0 and l2 > 0: `lower` is then the node `l1*l2`, for matching only (it may not fit
    /// in i64), and the split is built back nested, computing no product of the divisors.
    nested: Option<(Expr, Expr)>,
}

/// The factor of a product term that its split view is about: its one FloorDiv or Mod
/// factor, or, among several, the one strictly larger than the others (the index's split,
/// not a size like `FloorDiv(s27 + 6, 7)` that scales it); `None` otherwise.
fn split_factor(cx: &Context, fs: &[Expr]) -> Option<usize> {
    split_factor_but(cx, fs, None)
}

/// The other factor of a product of two factors, one of them `skip` (`x` of
/// `x*FloorDiv(y, 4)`, the view of a plain term scaled by the factor `skip`).
fn other_than(fs: &[Expr], skip: Option<Expr>) -> Option<Expr> {
    match (fs, skip) {
        ([a, b], Some(g)) if *a == g => Some(*b),
        ([a, b], Some(g)) if *b == g => Some(*a),
        _ => None,
    }
}

/// [`split_factor`] with the factor `skip` taken for a scale, not a candidate.
fn split_factor_but(cx: &Context, fs: &[Expr], skip: Option<Expr>) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    let mut tie = false;
    for (i, f) in fs.iter().enumerate() {
        if Some(*f) == skip || !matches!(cx.node(*f), Node::FloorDiv(..) | Node::Mod(..)) {
            continue;
        }
        let size = cx.tree_size_upto(*f, 64);
        match best {
            Some((_, b)) if size < b => {}
            Some((_, b)) if size == b => tie = true,
            _ => {
                best = Some((i, size));
                tie = false;
            }
        }
    }
    if tie { None } else { best.map(|b| b.0) }
}

/// Whether the term `t` is a product whose split view is undecided: two FloorDiv or Mod
/// factors or more, a Mod among them, none strictly larger than the others (`split_factor`
/// declines), as in `FloorDiv(s53, 4)*Mod(r1, 4)`, where one of them is a size that scales
/// the index's split. `Session::merge_tied_splits` reads such terms with a factor they share
/// taken for a scale. (A Mod is asked for, so the products of sizes that the prover's
/// differences are full of, `FloorDiv(s0, 2)*FloorDiv(s53, 2)`, are not looked at; merges
/// whose tied term has none, `x*G - 4*FloorDiv(x, 4)*G` = `G*Mod(x, 4)` with a FloorDiv G,
/// are left out with them.)
pub(crate) fn tied_split(cx: &Context, t: Expr) -> bool {
    let Node::Mul(fs) = cx.node(t) else {
        return false;
    };
    let (mut splits, mut mods) = (0, 0);
    for f in fs {
        match cx.node(*f) {
            Node::FloorDiv(..) => splits += 1,
            Node::Mod(..) => {
                splits += 1;
                mods += 1;
            }
            _ => {}
        }
    }
    splits >= 2 && mods >= 1 && split_factor(cx, fs).is_none()
}

/// The scales `k >= 2` at which a Mod term of a sum of two or more terms may be split
/// ([`Session::split_scaled_mod`]): a term `Mod(x, n)` with a constant `n >= 2` and `x` a sum
/// with a term whose coefficient shares a factor `k = gcd(n, coefficient) >= 2` with `n`,
/// beside a term or constant that `k` does not divide. A pure question (nothing built): the
/// solver's fixpoint check asks it too.
pub(crate) fn scaled_mod_candidate(cx: &Context, ts: &[(Expr, i64)]) -> bool {
    (ts.len() >= 2
        && ts
            .iter()
            .any(|&(t, _)| scaled_mod_scales(cx, t).next().is_some()))
        || scaled_join_candidate(cx, ts)
}

/// Whether the sum `ts` has what [`Session::join_scaled_mod`] looks for: a term `Mod(a, m)`
/// whose coefficient is `k >= 2` times another term's (a pure question, as
/// [`scaled_mod_candidate`]).
pub(crate) fn scaled_join_candidate(cx: &Context, ts: &[(Expr, i64)]) -> bool {
    ts.len() >= 2
        && ts.iter().enumerate().any(|(i, &(t, kt))| {
            matches!(cx.node(t), Node::Mod(..))
                && ts
                    .iter()
                    .enumerate()
                    .any(|(j, &(_, kb))| j != i && join_scale(kt, kb).is_some())
        })
}

/// Whether `u` is a FloorDiv or Mod, or a product or sum with one among its factors or terms
/// (only a product's factors where `dividend` is given), whose dividend is `dividend` when
/// given ([`Session::join_scaled_mod`]'s shapes).
fn has_division(cx: &Context, u: Expr, dividend: Option<Expr>) -> bool {
    let of = |f: Expr| match *cx.node(f) {
        Node::FloorDiv(y, _) | Node::Mod(y, _) => dividend.is_none_or(|x| x == y),
        _ => false,
    };
    match cx.node(u) {
        Node::Mul(fs) => fs.iter().any(|f| of(*f)),
        Node::Add(us, _) if dividend.is_none() => us.iter().any(|(f, _)| of(*f)),
        _ => of(u),
    }
}

/// Whether a term of `ts` at a position `keep` takes satisfies `p`.
fn any_term(
    ts: &[(Expr, i64)],
    keep: impl Fn(usize) -> bool,
    mut p: impl FnMut(Expr) -> bool,
) -> bool {
    ts.iter().enumerate().any(|(l, &(u, _))| keep(l) && p(u))
}

/// The longest sum [`Session::absorb_pass`] looks at (the pair search compares each product
/// with a FloorDiv factor to every other term).
const LONG_COFACTOR_SUM: usize = 16;

/// The pairs `(i, j, p)` of terms of `ts` that [`Session::absorb_cofactor`] rewrites (the
/// first only where `first`), into `out`, for a sum of two terms (or, where `long`, of at
/// most [`LONG_COFACTOR_SUM`]): term `i` a product whose factor `p` is a FloorDiv by a
/// positive constant and whose other factors are term `j` (the product of them, or the one of
/// them), with `j`'s coefficient a multiple of `i`'s. A pure question (nothing built): the
/// solver's fixpoint check asks it too (for two terms: the rule's own reach).
pub(crate) fn cofactor_pairs(
    cx: &Context,
    ts: &[(Expr, i64)],
    first: bool,
    long: bool,
    out: &mut smallvec::SmallVec<[(usize, usize, usize); 2]>,
) {
    if ts.len() != 2 && !(long && ts.len() <= LONG_COFACTOR_SUM) {
        return;
    }
    for (i, &(t, ki)) in ts.iter().enumerate() {
        let Node::Mul(fs) = cx.node(t) else {
            continue;
        };
        for (p, &f) in fs.iter().enumerate() {
            if !matches!(*cx.node(f), Node::FloorDiv(_, d) if cx.as_int(d).is_some_and(|v| v > 0)) {
                continue;
            }
            let is_rest = |u: Expr| match cx.node(u) {
                Node::Mul(us) => {
                    us.len() + 1 == fs.len()
                        && fs
                            .iter()
                            .enumerate()
                            .filter(|(q, _)| *q != p)
                            .map(|(_, g)| *g)
                            .eq(us.iter().copied())
                }
                _ => fs.len() == 2 && fs[1 - p] == u,
            };
            for (j, &(u, kj)) in ts.iter().enumerate() {
                if j != i && kj.checked_rem(ki) == Some(0) && is_rest(u) {
                    out.push((i, j, p));
                    if first {
                        return;
                    }
                }
            }
        }
    }
}

/// The terms of `ts` but those at `i` and `j`, in order.
fn all_but_two(ts: &[(Expr, i64)], i: usize, j: usize) -> TermsVec {
    ts.iter()
        .enumerate()
        .filter(|(l, _)| *l != i && *l != j)
        .map(|(_, tk)| *tk)
        .collect()
}

/// The scale `k >= 2` with `kt = k*kb`, if there is one.
fn join_scale(kt: i64, kb: i64) -> Option<i64> {
    (kb != 0 && kt.checked_rem(kb) == Some(0))
        .then(|| kt / kb)
        .filter(|k| *k >= 2)
}

/// The scales `k` of [`scaled_mod_candidate`] for the term `t` (none for another term).
fn scaled_mod_scales(cx: &Context, t: Expr) -> impl Iterator<Item = i64> + '_ {
    let parts = match cx.node(t) {
        Node::Mod(x, n) => match (cx.node(*x), cx.as_int(*n)) {
            (Node::Add(xs, xc), Some(n)) if n >= 2 => Some((xs, *xc, n)),
            _ => None,
        },
        _ => None,
    };
    parts.into_iter().flat_map(|(xs, xc, n)| {
        xs.iter().filter_map(move |&(_, k)| {
            let g = crate::build::gcd(n, k.checked_abs()?);
            let apart = xc % g != 0 || xs.iter().any(|&(_, j)| j % g != 0);
            (g >= 2 && apart).then_some(g)
        })
    })
}

/// Whether two terms of `ts` are what `Session::merge_tied_splits` tries to merge: a term
/// with an undecided split view ([`tied_split`]) and another term sharing a FloorDiv or Mod
/// factor g with it, whose views with g taken for a scale have one base and scales of which
/// one divides the other as products (every merge scales one by a divisor: S and S*e). A pure
/// question (nothing built): the solver's fixpoint check asks it too.
pub(crate) fn tied_pair(cx: &Context, ts: &[(Expr, i64)]) -> bool {
    !tied_pairs(cx, ts, true).is_empty()
}

/// The `(i, j, g)` of [`tied_pair`], in order (the first only, with `first`).
fn tied_pairs(
    cx: &Context,
    ts: &[(Expr, i64)],
    first: bool,
) -> smallvec::SmallVec<[(usize, usize, Expr); 2]> {
    let mut out = smallvec::SmallVec::new();
    let factors = |t: Expr| -> &[Expr] {
        match cx.node(t) {
            Node::Mul(fs) => &fs[..],
            _ => &[],
        }
    };
    // The factors of a term's scale in its view with `g` taken for part of it: all but the
    // split factor (`x*g`: g alone).
    let scale_of = |fs: &[Expr], g: Expr| -> smallvec::SmallVec<[Expr; 4]> {
        match split_factor_but(cx, fs, Some(g)) {
            Some(k) => fs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != k)
                .map(|(_, f)| *f)
                .collect(),
            None if other_than(fs, Some(g)).is_some() => smallvec::smallvec![g],
            None => fs.iter().copied().collect(),
        }
    };
    for i in 0..ts.len() {
        if !tied_split(cx, ts[i].0) {
            continue;
        }
        let fi = factors(ts[i].0);
        for j in 0..ts.len() {
            let fj = factors(ts[j].0);
            if j == i || fj.is_empty() {
                continue;
            }
            for &g in fi {
                if !matches!(cx.node(g), Node::FloorDiv(..) | Node::Mod(..)) || !fj.contains(&g) {
                    continue;
                }
                if split_base_but(cx, ts[i].0, Some(g)) != split_base_but(cx, ts[j].0, Some(g)) {
                    continue;
                }
                let (si, sj) = (scale_of(fi, g), scale_of(fj, g));
                let within = |a: &[Expr], b: &[Expr]| a.iter().all(|x| b.contains(x));
                if !within(&si, &sj) && !within(&sj, &si) {
                    continue;
                }
                if si.len() == sj.len()
                    && !may_merge_scaled(
                        (ts[i].1, view_of(cx, fi, g)),
                        (ts[j].1, view_of(cx, fj, g)),
                    )
                {
                    continue;
                }
                out.push((i, j, g));
                if first {
                    return out;
                }
            }
        }
    }
    out
}

/// The view of a term read by [`may_merge_scaled`]: its lower and its extent (`None`: no Mod)
/// where each is a constant (`None` inside: symbolic).
type ConstView = (Option<i64>, Option<Option<i64>>);

/// The [`ConstView`] of the split view of a term with factors `fs` and `g` taken for part of
/// its scale, read without building anything: `None` where the view is nested (its lower is a
/// product `Session::split_of` builds) or no FloorDiv/Mod split.
fn view_of(cx: &Context, fs: &[Expr], g: Expr) -> Option<ConstView> {
    let inner = fs[split_factor_but(cx, fs, Some(g))?];
    let ext = |m: Expr| Some(cx.as_int(m));
    match *cx.node(inner) {
        Node::FloorDiv(x, l) if nested_inner(cx, x).is_none() => Some((cx.as_int(l), None)),
        Node::Mod(y, m) => match *cx.node(y) {
            Node::FloorDiv(x, l) if nested_inner(cx, x).is_none() => Some((cx.as_int(l), ext(m))),
            Node::FloorDiv(..) => None,
            _ => Some((Some(1), ext(m))),
        },
        _ => None,
    }
}

/// Whether two terms with equal scale factors (so their scales differ by their coefficients
/// `k` alone) may merge ([`Session::merge_splits`]'s three cases, in either order), from their
/// views' constant lowers and extents; `true` wherever one of those is symbolic or unknown
/// (`merge_splits` then decides). A filter only: nothing is built for the pairs it rules out
/// (`FloorDiv(s0, 2)*FloorDiv(s53, 2) - s0*FloorDiv(s53, 2)`, common in the prover's
/// differences, has the views of a split sub-div but not its coefficients).
fn may_merge_scaled(a: (i64, Option<ConstView>), b: (i64, Option<ConstView>)) -> bool {
    let (Some((Some(la), ea)), Some((Some(lb), eb))) = (a.1, b.1) else {
        return true;
    };
    if matches!(ea, Some(None)) || matches!(eb, Some(None)) {
        return true;
    }
    let (ea, eb) = (ea.flatten(), eb.flatten());
    let one_way = |(kp, lp, ep): (i64, i64, Option<i64>), (kq, lq, eq): (i64, i64, Option<i64>)| {
        // S*Mod(y, e1) + S*e1*(...)(y, e1): lower lp*e1, scale S*e1.
        let join =
            ep.is_some_and(|e1| lp.checked_mul(e1) == Some(lq) && kp.checked_mul(e1) == Some(kq));
        // S*y - S*Mod(y, e).
        let sub_mod = lp == lq && ep.is_none() && eq.is_some() && kp.checked_neg() == Some(kq);
        // S*y - S*e*FloorDiv(y, e) with constant lowers lp | lq.
        let sub_div = ep.is_none()
            && eq.is_none()
            && lp > 0
            && lq > lp
            && lq % lp == 0
            && kp.checked_mul(lq / lp).and_then(i64::checked_neg) == Some(kq);
        join || sub_mod || sub_div
    };
    one_way((a.0, la, ea), (b.0, lb, eb)) || one_way((b.0, lb, eb), (a.0, la, ea))
}

/// `(x0, l1)` when `x` is `FloorDiv(x0, l1)` with a constant `l1 > 0`: the inner division of
/// a nested split view (`Split::nested`).
fn nested_inner(cx: &Context, x: Expr) -> Option<(Expr, Expr)> {
    match *cx.node(x) {
        Node::FloorDiv(x0, l1) if cx.as_int(l1).is_some_and(|v| v > 0) => Some((x0, l1)),
        _ => None,
    }
}

/// The base of a term's split view, without building anything (a cheap pre-filter; the
/// solver's `sum_fixpoint` reads it too).
pub(crate) fn split_base(cx: &Context, t: Expr) -> Expr {
    split_base_but(cx, t, None)
}

/// [`split_base`] of the view with the factor `skip` taken for part of the scale.
fn split_base_but(cx: &Context, t: Expr, skip: Option<Expr>) -> Expr {
    let inner = match cx.node(t) {
        Node::Mul(fs) => match split_factor_but(cx, fs, skip) {
            Some(i) => fs[i],
            None => other_than(fs, skip).unwrap_or(t),
        },
        _ => t,
    };
    let through = |x: Expr| nested_inner(cx, x).map_or(x, |(x0, _)| x0);
    match *cx.node(inner) {
        Node::FloorDiv(x, _) => through(x),
        Node::Mod(y, _) => match *cx.node(y) {
            Node::FloorDiv(x, _) => through(x),
            _ => y,
        },
        _ => inner,
    }
}

/// A sum's terms, built.
type TermsVec = Vec<(Expr, i64)>;

impl Session<'_> {
    /// The split view `(base, lower, nested)` of `FloorDiv(x, l)`: seen through a nested
    /// `FloorDiv(FloorDiv(x0, l1), l)` as a split of x0 at `l1*l` when l is positive
    /// (floor(floor(x0/l1)/l) = floor(x0/(l1*l)) for l1, l > 0), else of x at l.
    fn split_lower(&mut self, x: Expr, l: Expr) -> Option<SplitLower> {
        if let Some((x0, l1)) = nested_inner(self.cx, x)
            && self.positive(l)
        {
            return Some((x0, self.cx.mul(l1, l)?, Some((l1, l))));
        }
        Some((x, l, None))
    }

    fn split_of(&mut self, t: Expr, k: i64) -> Option<Split> {
        self.split_of_but(t, k, None)
    }

    /// [`Session::split_of`] with the factor `skip` of `t` taken for part of the scale.
    fn split_of_but(&mut self, t: Expr, k: i64, skip: Option<Expr>) -> Option<Split> {
        let one = self.cx.int(1);
        let (inner, rest) = match self.cx.node(t).clone() {
            Node::Mul(fs) => {
                // One FloorDiv or Mod factor (`split_factor`): the rest scales it.
                match split_factor_but(self.cx, &fs, skip) {
                    None => match (other_than(&fs, skip), skip) {
                        (Some(x), Some(g)) => (x, g),
                        _ => (t, one),
                    },
                    Some(idx) => {
                        let others: Vec<Expr> = fs
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| *i != idx)
                            .map(|(_, f)| *f)
                            .collect();
                        (fs[idx], self.cx.mul_args(&others)?)
                    }
                }
            }
            _ => (t, one),
        };
        let scale = self.cx.scale(rest, k)?;
        let ((base, lower, nested), ext) = match *self.cx.node(inner) {
            Node::FloorDiv(x, l) => (self.split_lower(x, l)?, None),
            Node::Mod(y, m) => match *self.cx.node(y) {
                Node::FloorDiv(x, l) => (self.split_lower(x, l)?, Some(m)),
                _ => ((y, one, None), Some(m)),
            },
            _ => ((inner, one, None), None),
        };
        Some(Split {
            base,
            lower,
            ext,
            scale,
            nested,
        })
    }

    fn split_expr(&mut self, s: &Split) -> Option<Expr> {
        let mut v = if let Some((l1, l2)) = s.nested {
            let inner = self.cx.floordiv_raw(s.base, l1);
            self.cx.floordiv_raw(inner, l2)
        } else if self.cx.as_int(s.lower) == Some(1) {
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
                        // The lower is p's, nested when p's is.
                        nested: p.nested,
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
                        nested: None,
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
                            // A constant lower (lp): built as one FloorDiv by it.
                            nested: None,
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
        let fd = |cx: &crate::Context, t: Expr| match *cx.node(t) {
            Node::FloorDiv(a, d) => cx.as_int(d).filter(|v| *v > 0).map(|v| (a, v)),
            _ => None,
        };
        // Most sums have one such term or none: counted before any list is made.
        ts.iter()
            .filter(|(t, _)| fd(self.cx, *t).is_some())
            .nth(1)?;
        let fds: smallvec::SmallVec<[(usize, Expr, i64); 4]> = ts
            .iter()
            .enumerate()
            .filter_map(|(i, (t, _))| fd(self.cx, *t).map(|(a, v)| (i, a, v)))
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
        if !self.has_product_of_sums(ts) {
            return None;
        }
        let x = self.cx.expand_poly(e)?;
        if x == e {
            return None;
        }
        if self.expansion_fits(x) {
            self.fire(Rule::ExpandMul);
            return Some(x);
        }
        if let Some(r) = self.factor_expansion(e, x) {
            return Some(r);
        }
        let c = match self.cx.node(e) {
            Node::Add(_, c) => *c,
            _ => 0,
        };
        if let Some(r) = self.expand_part_in_sum(ts, c) {
            return Some(r);
        }
        // FloorDiv factors whose numerators differ by a multiple of their divisor, written as
        // one of them plus a constant, can make the expansion collapse: with
        // A = FloorDiv(s27 + 6, 7), `784*(s77 - 1)*A*B + 784*FloorDiv(s27 - 1, 7)*B + 784*B`
        // = `784*s77*A*B`. Taken only when that is smaller than `e`.
        // Each of the first FloorDivs in turn is kept (the others written with it).
        let fds = self.floordiv_factors(ts)?;
        let mut best: Option<(usize, Expr)> = None;
        for first in 0..fds.len().min(4) {
            // Whether any pair aligns does not depend on the order: none, none for any.
            let Some(e2) = self.align_shifted_floordivs(ts, c, &fds, first) else {
                break;
            };
            let Some(x2) = self.cx.expand_poly(e2) else {
                continue;
            };
            let r = if self.expansion_fits(x2) {
                x2
            } else if let Some(r) = self.factor_expansion(e2, x2) {
                r
            } else {
                continue;
            };
            let size = self.cx.tree_size(r);
            if best.is_none_or(|(b, _)| size < b) {
                best = Some((size, r));
            }
        }
        let (size, r) = best?;
        if size >= self.cx.tree_size(e) {
            return None;
        }
        self.fire(Rule::FdShift);
        Some(r)
    }

    /// ExpandMul on part of a sum: a product of sums `m*(a + b)` is expanded together with the
    /// other terms that contain its cofactor `m` (the only ones its expansion can merge with),
    /// when that group's expansion is smaller than the group and the whole new sum's terms
    /// have one sign. The whole sum's expansion was refused (its terms have mixed signs: the
    /// other products' expansions); this one leaves them as they are.
    /// `16*d71*(FloorDiv(s16, 2) - 1) + 16*d71 + d97*(8*s16 - 16)` =
    /// `16*d71*FloorDiv(s16, 2) + d97*(8*s16 - 16)` where `s16 >= 2`.
    ///
    /// No new overflow: the result `r` has the input's value, and its terms have one sign, so
    /// each of them (and each node inside a term, a factor of it) is at most `|r|` in
    /// magnitude (as [`Session::bounded_by_value`] is for a whole expansion).
    fn expand_part_in_sum(&mut self, ts: &[(Expr, i64)], c: i64) -> Option<Expr> {
        if ts.len() > 64 {
            return None;
        }
        for (i, &(p, _)) in ts.iter().enumerate() {
            let Node::Mul(fs) = self.cx.node(p) else {
                continue;
            };
            if !fs.iter().any(|f| matches!(self.cx.node(*f), Node::Add(..))) {
                continue;
            }
            let cofactor: crate::expr::Args = fs
                .iter()
                .copied()
                .filter(|f| !matches!(self.cx.node(*f), Node::Add(..)))
                .collect();
            if cofactor.is_empty() {
                continue;
            }
            if let Some(r) = self.expand_group(ts, c, i, &cofactor) {
                return Some(r);
            }
            if let Some(r) = self.absorb_multiples(ts, c, i, &cofactor) {
                return Some(r);
            }
        }
        None
    }

    /// [`Session::expand_part_in_sum`]'s group of the product `ts[i]` (its factors that are
    /// no sums: `cofactor`) expanded, where the new sum's terms have one sign.
    fn expand_group(
        &mut self,
        ts: &[(Expr, i64)],
        c: i64,
        i: usize,
        cofactor: &[Expr],
    ) -> Option<Expr> {
        // The group: this product and every other term with each cofactor factor among
        // its own (the factors of a product are distinct nodes or powers of them: a plain
        // membership test).
        let mut group: crate::expr::Terms = smallvec::smallvec![ts[i]];
        let mut rest: crate::expr::Terms = crate::expr::Terms::new();
        for (j, &(t, k)) in ts.iter().enumerate() {
            if j == i {
                continue;
            }
            let tf = self.term_factors(t);
            if cofactor.iter().all(|f| tf.contains(f)) {
                group.push((t, k));
            } else {
                rest.push((t, k));
            }
        }
        if group.len() < 2 {
            return None;
        }
        let sub = self.cx.add_terms(&group, 0)?;
        let x = self.cx.expand_poly(sub)?;
        if x == sub || self.cx.tree_size(x) >= self.cx.tree_size(sub) {
            return None;
        }
        rest.push((x, 1));
        let r = self.cx.add_terms(&rest, c)?;
        if !self.bounded_by_value(r) {
            return None;
        }
        self.fire(Rule::ExpandMul);
        Some(r)
    }

    /// FactorCommon on part of a sum: the product of sums `ts[i]` = k*R*F (R the product of
    /// its factors that are no sums, `cofactor`) with the other terms that are multiples of R
    /// alone, d*R, factored as one product: k*R*F + d*R = R*(k*F + d) (distributivity), in
    /// the factored form of [`Session::factor_expansion`] (the group's expansion divided by
    /// its common monomial). `s0*(s53 - q2 - 1) + s0 - q3 - 1` = `s0*(s53 - q2) - q3 - 1`,
    /// where the whole sum's expansion computes `s0*s53` and `q2*s0` (two unbounded products
    /// of mixed signs, refused above), and PyTorch's expanded answer has one operation more.
    ///
    /// No new overflow (docs/rules.md §8): the new product y passes `poly_fits` as one term
    /// (the magnitudes of its factors, atoms of the input within i64 and sums bounded by
    /// their intervals, multiply to less than 2^126: it saturates nowhere) and each of its sum
    /// factors passes it too (`factored_expansion`); the sum's other terms are the input's.
    /// Taken when y is smaller than the group, so the sum is smaller than the input.
    fn absorb_multiples(
        &mut self,
        ts: &[(Expr, i64)],
        c: i64,
        i: usize,
        cofactor: &[Expr],
    ) -> Option<Expr> {
        // A term is R when it is R's one factor or a product of R's factors (in the normal
        // form's order, as the cofactor keeps the product's): nothing is built to ask.
        let is_r = |cx: &Context, t: Expr| match cx.node(t) {
            Node::Mul(fs) => fs[..] == *cofactor,
            _ => cofactor.len() == 1 && cofactor[0] == t,
        };
        if !ts
            .iter()
            .enumerate()
            .any(|(j, t)| j != i && is_r(self.cx, t.0))
        {
            return None;
        }
        let mut group: crate::expr::Terms = smallvec::smallvec![ts[i]];
        let mut rest: crate::expr::Terms = crate::expr::Terms::new();
        for (j, &(t, k)) in ts.iter().enumerate() {
            if j == i {
                continue;
            }
            if is_r(self.cx, t) {
                group.push((t, k));
            } else {
                rest.push((t, k));
            }
        }
        let sub = self.cx.add_terms(&group, 0)?;
        let x = self.cx.expand_poly(sub)?;
        let y = self.factored_expansion(sub, x)?;
        if !self.poly_fits(y) {
            return None;
        }
        rest.push((y, 1));
        let out = self.cx.add_terms(&rest, c)?;
        self.fire(Rule::FactorPart);
        Some(out)
    }

    /// Whether a term of the sum `ts` is a product with a sum among its factors (something to
    /// expand).
    fn has_product_of_sums(&self, ts: &[(Expr, i64)]) -> bool {
        ts.iter().any(|(t, _)| match self.cx.node(*t) {
            Node::Mul(fs) => fs.iter().any(|f| matches!(self.cx.node(*f), Node::Add(..))),
            _ => false,
        })
    }

    /// Whether a term of the sum `ts` is a power of a sum or a product with one among its
    /// factors (`(s53 + 1)**2*(s77 - 1)`): [`Context::expand_poly`] keeps such a power as a
    /// factor, the full expansion multiplies it out.
    fn has_power_of_sum(&self, ts: &[(Expr, i64)]) -> bool {
        let pow_of_sum = |f: Expr| match self.cx.node(f) {
            Node::Pow(b, _) => matches!(self.cx.node(*b), Node::Add(..)),
            _ => false,
        };
        ts.iter().any(|(t, _)| match self.cx.node(*t) {
            Node::Mul(fs) => fs.iter().any(|f| pow_of_sum(*f)),
            _ => pow_of_sum(*t),
        })
    }

    /// The atoms of the polynomial rooted at `e` (docs/rules.md §8): the nodes reached from it
    /// through sums, products and powers that are none of those (symbols, calls; not
    /// constants). Evaluating `e` computes each of them as an operand, so each lies in i64
    /// wherever `e` is defined. At most 32 (`None` beyond).
    fn region_atoms(&self, e: Expr) -> Option<smallvec::SmallVec<[Expr; 8]>> {
        let mut out: smallvec::SmallVec<[Expr; 8]> = smallvec::SmallVec::new();
        let mut stack: smallvec::SmallVec<[Expr; 16]> = smallvec::smallvec![e];
        while let Some(x) = stack.pop() {
            match self.cx.node(x) {
                Node::Add(ts, _) => {
                    for (t, _) in ts {
                        stack.push(*t);
                    }
                }
                Node::Mul(fs) => {
                    for f in fs {
                        stack.push(*f);
                    }
                }
                Node::Pow(b, _) => stack.push(*b),
                Node::Int(_) => {}
                _ => {
                    if !out.contains(&x) {
                        if out.len() >= 32 {
                            return None;
                        }
                        out.push(x);
                    }
                }
            }
        }
        Some(out)
    }

    /// The expansion of `e`, a sum that is the root of its polynomial (the whole expression, or
    /// an operand of any other operator: its value must fit in i64 wherever the input is
    /// defined), where the expansion without that knowledge was not proven free of new
    /// overflow: `16*p0*(s59 - 1) + 16*p0 - 16` = `16*p0*s59 - 16`.
    ///
    /// No new overflow: split the expansion's terms into Q, whose magnitudes intervals bound
    /// (the atoms of `e` taken within i64, as `e` computes them), with total B, and P, the
    /// others, which must be products of atoms (or powers of them) and have one sign (or be a
    /// single term). Then the sum of P is the value V minus the sum of Q, so each P term is at
    /// most |V| + B < 2^63 + B (one sign: no term exceeds their sum), and a product of atoms
    /// never exceeds its value on the way (a zero factor gives 0, other factors have magnitude
    /// at least 1): with B < 2^124 nothing reaches the 2^126 of §8. Taken when not larger.
    pub(super) fn expand_region_root(&mut self, e: Expr) -> Option<Expr> {
        let Node::Add(ts, _) = self.cx.node(e) else {
            return None;
        };
        let powers = self.has_power_of_sum(ts);
        if self.cx.ty(e) != crate::Ty::Int || !(powers || self.has_product_of_sums(ts)) {
            return None;
        }
        // A power of a sum is multiplied out as well ((a + b)**k = (a + b)*...*(a + b), sympy's
        // `expand` without `deep`): `expand_poly` keeps it as a factor, which is no monomial
        // over e's atoms. The argument below holds for any expansion of e into monomials over
        // its atoms: `s53*(s53 + 1) + s53 + (s53 + 1)**2*(s77 - 1) + 1` =
        // `s77 + 2*s53*s77 + s77*s53**2` for s53, s77 >= 1.
        let x = if powers {
            self.cx.expand(e, self.cx.limits.expand_terms, false)?
        } else {
            self.cx.expand_poly(e)?
        };
        if x == e {
            return None;
        }
        let atoms = self.region_atoms(e)?;
        if self.cx.tree_size(x) <= self.cx.tree_size(e) {
            if let Node::Int(_) = self.cx.node(x) {
                return Some(x);
            }
            if self.root_sum_fits(x, &atoms) {
                self.fire(Rule::ExpandRoot);
                return Some(x);
            }
        }
        let y = self.root_factored(e, x, &atoms)?;
        self.fire(Rule::FactorRoot);
        Some(y)
    }

    /// Whether the polynomial `x`, whose value fits in i64 wherever the sum rooted at `e` is
    /// defined (`x` is that sum's expansion, or a factor of it, below), computes nothing that
    /// saturates, by `expand_region_root`'s argument: its terms split into Q, bounded by
    /// intervals (e's `atoms` within i64) with total B < 2^124, and P, monomials over `atoms`
    /// of one sign (or a single one), each then at most |x| + B.
    fn root_sum_fits(&mut self, x: Expr, atoms: &[Expr]) -> bool {
        let (xts, c): (crate::expr::Terms, i64) = match self.cx.node(x) {
            Node::Add(ts, c) => (ts.clone(), *c),
            _ => (smallvec::smallvec![(x, 1)], 0),
        };
        const LIMIT: i128 = 1 << 124;
        let mut bound = i128::from(c).abs();
        let (mut pos, mut neg, mut unbounded) = (true, true, 0usize);
        for (t, k) in xts {
            let factors = self.term_factors(t);
            // The term's magnitude from its factors' intervals, if below the limit.
            let mut mag = Some(i128::from(k).abs());
            for f in &factors {
                let (b, n) = match *self.cx.node(*f) {
                    Node::Pow(b, n) => (b, n),
                    _ => (*f, 1),
                };
                // Only monomials over e's atoms (an unexpanded sum factor: not handled).
                if !atoms.contains(&b) {
                    return false;
                }
                let m = fits_iv_given(self, b, 0, atoms).map(|iv| iv.lo.abs().max(iv.hi.abs()));
                for _ in 0..n {
                    mag = match (mag, m) {
                        (Some(a), Some(b)) => a.checked_mul(b).filter(|v| *v < LIMIT),
                        _ => None,
                    };
                }
            }
            match mag {
                Some(m) => {
                    bound += m;
                    if bound >= LIMIT {
                        return false;
                    }
                }
                None => {
                    unbounded += 1;
                    let iv = self.iv(t).scale(k);
                    pos &= iv.lo >= 0;
                    neg &= iv.hi <= 0;
                }
            }
        }
        unbounded <= 1 || pos || neg
    }

    /// `factor_region_root`: the factored form g*S of `x`, the expansion of the sum `e` at the
    /// root of its polynomial ([`Session::factored_expansion`]'s form), where a sum factor that
    /// `poly_fits` and the intervals do not prove is proven by the value: when no factor of
    /// the product can be 0 (their intervals exclude it), each factor is an integer of
    /// magnitude at least 1, so every factor is at most the product, which is e's value and
    /// fits in i64; a sum factor S is then checked as `expand_region_root` checks a whole
    /// expansion (`root_sum_fits`). (S itself may be 0: the product is then 0, S's value.) With s62, s16, s53, s77 >= 1 and M = Max(1, s16 - 1),
    /// `2*s53*s62*(s77 - 1)*M + s53*s62*M + s62*(s16 - 2) + s62*(s53 - 1)*M + s62` =
    /// `s62*(2*s53*s77*M - M + s16 - 1)`, where the expansion (PyTorch's answer) computes
    /// `2*s53*s62*s77*M` beside the negative `-s62*M`: it overflows at s53 = s62 = 1, s16 = 1,
    /// s77 = 2^62, where the input does not. (A zero factor would make the product 0 while S
    /// could still saturate, which makes a sum overflow: not taken then.)
    fn root_factored(&mut self, e: Expr, x: Expr, atoms: &[Expr]) -> Option<Expr> {
        let y = self.factored_candidate(e, x)?;
        self.factors_fit(y, Some(atoms)).then_some(y)
    }

    /// Whether every factor of the product `y` (a factored expansion) computes nothing that
    /// saturates: an atom of the expansion or a power of one, or a sum that `poly_fits` or
    /// whose interval lies in i64; with `root` (the atoms of the sum `y` equals, at the root of
    /// its polynomial), also a sum proven by the root's value when every other factor's
    /// interval excludes 0 ([`Session::root_factored`]).
    fn factors_fit(&mut self, y: Expr, root: Option<&[Expr]>) -> bool {
        let Node::Mul(fs) = self.cx.node(y).clone() else {
            return false;
        };
        // Which factors cannot be 0 (asked with `root` only).
        let nonzero: smallvec::SmallVec<[bool; 8]> = match root {
            Some(_) => fs
                .iter()
                .map(|g| {
                    let iv = self.iv(*g);
                    iv.lo > 0 || iv.hi < 0
                })
                .collect(),
            None => smallvec::SmallVec::new(),
        };
        for (i, &f) in fs.iter().enumerate() {
            let ok = match *self.cx.node(f) {
                Node::Add(..) => {
                    self.poly_fits(f)
                        || self.fits_i64(f)
                        || root.is_some_and(|atoms| {
                            // Every other factor nonzero: |f| <= |y|, e's value.
                            nonzero.iter().enumerate().all(|(j, z)| j == i || *z)
                                && self.root_sum_fits(f, atoms)
                        })
                }
                // An atom of x, or a power of one.
                Node::Pow(b, _) => !crate::eval::is_poly(self.cx.node(b)),
                ref n => !crate::eval::is_poly(n),
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// The factors of a term (itself when it is not a product).
    fn term_factors(&self, t: Expr) -> crate::expr::Args {
        match self.cx.node(t) {
            Node::Mul(fs) => fs.clone(),
            _ => smallvec::smallvec![t],
        }
    }

    /// The FloorDiv factors by a positive constant among the terms `ts` of a sum, as
    /// (node, numerator, divisor, number of terms it occurs in), most frequent first (stable:
    /// first seen among equals); `None` for fewer than two (nothing to align) or a sum of more
    /// than 64 terms.
    fn floordiv_factors(&self, ts: &[(Expr, i64)]) -> Option<smallvec::SmallVec<[FdFactor; 4]>> {
        if ts.len() > 64 {
            return None;
        }
        let mut fds: smallvec::SmallVec<[FdFactor; 4]> = smallvec::SmallVec::new();
        for (t, _) in ts {
            for f in self.term_factors(*t) {
                if let Node::FloorDiv(a, d) = *self.cx.node(f)
                    && let Some(c) = self.cx.as_int(d).filter(|v| *v > 0)
                {
                    match fds.iter_mut().find(|x| x.0 == f) {
                        Some(x) => x.3 += 1,
                        None => fds.push((f, a, c, 1)),
                    }
                }
            }
        }
        fds.sort_by_key(|x| std::cmp::Reverse(x.3));
        (fds.len() >= 2).then_some(fds)
    }

    /// The sum of `ts` and the constant `c` with each FloorDiv factor of its terms
    /// `FloorDiv(a + m*c, c)` (c > 0) written `FloorDiv(a, c) + m` when `FloorDiv(a, c)` is also
    /// among `fds` (`floordiv_factors`; its `first`-th is kept first, then the others in order):
    /// floor((a + m*c)/c) = floor(a/c) + m. Nothing new is computed but the sum
    /// `FloorDiv(a, c) + m` of a node the input computes and a constant, a factor of a
    /// polynomial whose expansion the caller checks. `None` when nothing aligns.
    fn align_shifted_floordivs(
        &mut self,
        ts: &[(Expr, i64)],
        c: i64,
        fds: &[FdFactor],
        first: usize,
    ) -> Option<Expr> {
        let order: smallvec::SmallVec<[FdFactor; 4]> = std::iter::once(fds[first])
            .chain(
                fds.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != first)
                    .map(|(_, f)| *f),
            )
            .collect();
        let mut repl: smallvec::SmallVec<[(Expr, Expr); 4]> = smallvec::SmallVec::new();
        for j in 1..order.len() {
            let (fj, aj, cj, _) = order[j];
            for &(fi, ai, ci, _) in &order[..j] {
                if ci != cj || repl.iter().any(|r| r.0 == fi) {
                    continue;
                }
                let Some(dv) = self.cx.const_difference(aj, ai) else {
                    continue;
                };
                if dv % ci != 0 {
                    continue;
                }
                let shifted = self.cx.add_const(fi, dv / ci)?;
                repl.push((fj, shifted));
                break;
            }
        }
        if repl.is_empty() {
            return None;
        }
        let mut nt: smallvec::SmallVec<[(Expr, i64); 8]> = smallvec::SmallVec::new();
        for (t, k) in ts {
            let fs = self.term_factors(*t);
            let mapped: crate::expr::Args = fs
                .iter()
                .map(|f| repl.iter().find(|r| r.0 == *f).map_or(*f, |r| r.1))
                .collect();
            let nt_t = if mapped == fs {
                *t
            } else {
                self.cx.mul_args(&mapped)?
            };
            nt.push((nt_t, *k));
        }
        self.cx.add_terms(&nt, c)
    }

    /// g*S = x for the common monomial g of the terms of x, the expansion of `e` (the same
    /// value): `s27*(s77 - 2) + s27` = `s27*(s77 - 1)`, where the expanded `s27*s77 - s27`
    /// would compute `s27*s77`, which overflows where `e` does not. S is further split by the
    /// sum factors `e` has (exact polynomial division): `7*s24 + (7*s24 - 5)*(7*s30 - 6) +
    /// (7*s24 - 5)*(7*s30 - 5)*(s77 - 1) - 5` = `s77*(7*s24 - 5)*(7*s30 - 5)`.
    ///
    /// No new overflow (docs/rules.md §8): the result is one flat product of atoms of `x` (each
    /// one a node `e` computes, so in i64 wherever `e` is defined), powers of them, and sums,
    /// each sum checked by `poly_fits` (its terms' magnitudes add up below 2^126: it computes
    /// nothing that saturates). A product is 0 when a factor is 0, and otherwise each factor has
    /// magnitude at least 1, so every partial product is at most the product, `e`'s value: the
    /// product is exact wherever `e`'s value is below 2^126, and saturates (as `e`'s does)
    /// elsewhere. Taken when the result is smaller than `e`.
    fn factor_expansion(&mut self, e: Expr, x: Expr) -> Option<Expr> {
        let y = self.factored_expansion(e, x)?;
        self.fire(Rule::FactorCommon);
        Some(y)
    }

    /// [`Session::factor_expansion`]'s form, not checked: g*S for the common monomial g of
    /// the terms of `x` (the expansion of `e`), S split by `e`'s sum factors, when smaller than
    /// `e`.
    fn factored_candidate(&mut self, e: Expr, x: Expr) -> Option<Expr> {
        let ms = self.monomials(x);
        if ms.len() < 2 {
            return None;
        }
        let g = self.content(ms.iter());
        if g.coeff <= 0 {
            return None;
        }
        let mut s = self.divide_exact(x, &g)?;
        let mut parts: smallvec::SmallVec<[Expr; 4]> = smallvec::SmallVec::new();
        for c in self.sum_factors_of(e) {
            // s = c * q as polynomials, c at most once per candidate (enough for what the
            // inputs write; a repeated factor stays in the quotient).
            if let Some(q) = self
                .exact_quotient(s, c)
                .or_else(|| self.sum_quotient(s, c))
            {
                parts.push(c);
                s = q;
            }
        }
        parts.push(s);
        let ge = self.mono_expr(&g)?;
        parts.push(ge);
        let y = self.cx.mul_args(&parts)?;
        if y == e || self.cx.tree_size(y) >= self.cx.tree_size(e) {
            return None;
        }
        Some(y)
    }

    /// [`Session::factor_expansion`] without counting the rule: the factored form, smaller than
    /// `e`, each of its factors an atom of `x`, a power of one, or a sum that computes nothing
    /// that saturates (`factors_fit`); `None` otherwise.
    fn factored_expansion(&mut self, e: Expr, x: Expr) -> Option<Expr> {
        let y = self.factored_candidate(e, x)?;
        self.factors_fit(y, None).then_some(y)
    }

    /// `a / b` when the polynomial division of `a` by the sum `b` leaves no remainder (a sum
    /// quotient: `(49*s24*s30 - 35*s24 - 35*s30 + 25) / (7*s24 - 5)` = `7*s30 - 5`).
    fn sum_quotient(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        let (ma, mb) = (self.monomials(a), self.monomials(b));
        let (q, r, _, _) = self.divide_by_sum(a, b, &ma, &mb)?;
        matches!(self.cx.node(r), Node::Int(0)).then_some(q)
    }

    /// The distinct sum factors of the products among the terms of `e` (and of `e` itself when
    /// it is a product), each divided by its integer content with a positive first coefficient:
    /// candidate factors of `e`'s expansion.
    fn sum_factors_of(&mut self, e: Expr) -> smallvec::SmallVec<[Expr; 4]> {
        let mut found: smallvec::SmallVec<[Expr; 4]> = smallvec::SmallVec::new();
        let terms: smallvec::SmallVec<[Expr; 8]> = match self.cx.node(e) {
            Node::Add(ts, _) => ts.iter().map(|(t, _)| *t).collect(),
            _ => smallvec::smallvec![e],
        };
        for t in terms {
            let Node::Mul(fs) = self.cx.node(t).clone() else {
                continue;
            };
            for f in fs {
                if !matches!(self.cx.node(f), Node::Add(..)) || found.len() >= 8 {
                    continue;
                }
                let ms = self.monomials(f);
                let mut c = self.content(ms.iter());
                c.factors.clear();
                if ms.first().is_some_and(|m| m.coeff < 0) {
                    c.coeff = -c.coeff;
                }
                let Some(p) = (if c.coeff == 1 {
                    Some(f)
                } else {
                    self.divide_exact(f, &c)
                }) else {
                    continue;
                };
                if !found.contains(&p) {
                    found.push(p);
                }
            }
        }
        // Smaller factors first: a product of them is a finer split.
        found.sort_by_cached_key(|f| (self.cx.tree_size(*f), *f));
        found
    }

    pub(super) fn rules_add(&mut self, e: Expr) -> Option<Expr> {
        // What the rules below look for among the terms, read on the node in place (pure
        // questions about its terms, whose nodes do not change): each rule returns nothing
        // without its part (merge_shifted_floordivs: two FloorDivs by a positive constant;
        // expand_in_sum: a product with a sum factor; the merges: two terms with one base;
        // FdAbsorbConst: one candidate FloorDiv; NegFloorDiv: a FloorDiv with a negative
        // coefficient; shift_into_minmax: a Min or Max). Where there is none (`FloorDiv(23*x1,
        // 7) + 1`, the commonest sum that reaches this), no rule fires: answered without a copy
        // of the terms.
        // The solver seeds sums it proves are fixpoints of these rules (`sum_fixpoint`,
        // `absorbed_constant` in solve_cases.rs, each with a random test against this
        // function): a new rule here must be reflected there.
        let found = self.sum_candidates(e)?;
        if !found.any() {
            return None;
        }
        self.rules_add_found(e, &found)
    }

    /// What [`Session::rules_add`]'s rules look for in the sum `e`, read in place (`None`
    /// for a node that is no sum). The shared bases and the FdAbsorbConst candidate are looked
    /// for only where the scan found nothing for the other rules (else the rules look for them
    /// where they come: a sum whose products of sums expand first does not sort its bases).
    fn sum_candidates(&self, e: Expr) -> Option<SumCandidates> {
        let Node::Add(ts, c) = self.cx.node(e) else {
            return None;
        };
        let scan = self.sum_scan(ts);
        let (shared, absorb) = if scan.any() {
            (None, None)
        } else {
            (
                Some(self.shared_base(ts)),
                Some(self.absorb_candidate(ts, *c, &scan)),
            )
        };
        Some(SumCandidates {
            scan,
            shared,
            absorb,
        })
    }

    /// [`Session::rules_add`] of the sum `e` with what its rules look for, `found`: the
    /// rules in their order (each returns nothing without its part of `found`; the shared
    /// bases and the absorbed constant's candidate looked for here when not found yet).
    fn rules_add_found(&mut self, e: Expr, found: &SumCandidates) -> Option<Expr> {
        let SumCandidates {
            ref scan,
            shared,
            absorb,
        } = *found;
        let Node::Add(ts, c) = self.cx.node(e).clone() else {
            return None;
        };
        if scan.pos_floordivs >= 2
            && let Some(r) = self.merge_shifted_floordivs(&ts, c)
        {
            return Some(r);
        }
        if scan.product_of_sums
            && let Some(r) = self.expand_in_sum(e, &ts)
        {
            return Some(r);
        }
        let shared = shared.unwrap_or_else(|| self.shared_base(&ts));
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
                        let r = self.merged_pair(ts.as_slice(), c, (i, j), &m)?;
                        self.fire(rule);
                        return Some(r);
                    }
                }
            }
        }
        if scan.tied_split
            && let Some(r) = self.merge_tied_splits(&ts, c)
        {
            return Some(r);
        }
        // m*FloorDiv(a, c) + k = m*FloorDiv(a + (k/m)*c, c) when m | k (floor(x) + q =
        // floor(x + q)); applied when a already has a constant, so a node disappears.
        let absorb = absorb.unwrap_or_else(|| self.absorb_candidate(&ts, c, scan));
        if let Some(i) = absorb {
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
        if scan.cofactor_absorb
            && let Some(r) = self.absorb_cofactor(e, &ts, c)
        {
            return Some(r);
        }
        // -k*FloorDiv(a, c) = k*FloorDiv(-a + c - 1, c) for c > 0: -floor(a/c) = ceil(-a/c)
        // = floor((-a + c - 1)/c). Applied when a's leading coefficient is negative, so that
        // CeilDiv(x, 4) = -FloorDiv(-x, 4) becomes FloorDiv(x + 3, 4).
        for (i, (t, k)) in ts.iter().enumerate() {
            if !scan.negated_floordiv {
                break;
            }
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
        if scan.scaled_mod
            && let Some(r) = self.split_scaled_mod(e, &ts, c)
        {
            return Some(r);
        }
        if scan.scaled_join
            && let Some(r) = self.join_scaled_mod(e, &ts, c)
        {
            return Some(r);
        }
        if !scan.minmax {
            return None;
        }
        self.shift_into_minmax(e, &ts, c)
    }

    /// Mod(k*a + b, k*m) = k*Mod(a, m) + b for constants k >= 2, m >= 1 and every value of b
    /// in [0, k - 1]: with a = m*q + s, 0 <= s <= m - 1, k*a + b = k*m*q + (k*s + b) and
    /// 0 <= k*s + b <= k*m - 1. For a Mod term of the sum whose dividend's terms split so
    /// ([`scaled_mod_candidate`]: `A` the terms and multiple of k of the constant that k
    /// divides, `a = A/k`, `b` the rest), the sum with the term split is simplified, and kept
    /// where it is smaller: `16*FloorDiv(r0, 4) + Mod(4*r0 + r1, 16)` with r1 in [0, 3] is
    /// `4*r0 + r1` (the split `4*Mod(r0, 4)` joins `16*FloorDiv(r0, 4)`). No new value
    /// outside i64 where the input's values are in it: `a = (x - b)/k` with `x` the dividend
    /// (a polynomial's value, exact) and `b` in [0, k - 1], `k*Mod(a, m)` below `n`, and the
    /// term's coefficient times `b` below its times `n`.
    fn split_scaled_mod(&mut self, e: Expr, ts: &[(Expr, i64)], c: i64) -> Option<Expr> {
        if self.depth >= 40 || ts.len() < 2 {
            return None;
        }
        for (i, &(t, coef)) in ts.iter().enumerate() {
            let mut scales: smallvec::SmallVec<[i64; 4]> = scaled_mod_scales(self.cx, t).collect();
            if scales.is_empty() {
                continue;
            }
            scales.sort_unstable();
            scales.dedup();
            // (The term is `Mod(x, n)`, x a sum and n a constant: `scaled_mod_scales`.)
            let Node::Mod(x, n) = *self.cx.node(t) else {
                return None;
            };
            let Node::Add(xs, xc) = self.cx.node(x).clone() else {
                return None;
            };
            let nv = self.cx.as_int(n)?;
            for k in scales {
                let (mut a_terms, mut b_terms): (TermsVec, TermsVec) = (Vec::new(), Vec::new());
                for &(u, j) in xs.iter() {
                    if j % k == 0 {
                        a_terms.push((u, j / k));
                    } else {
                        b_terms.push((u, j));
                    }
                }
                // xc = k*qc + rc with rc in [0, k - 1].
                let (qc, rc) = (xc.div_euclid(k), xc.rem_euclid(k));
                let b = self.cx.add_terms(&b_terms, rc)?;
                let biv = self.iv(b);
                if a_terms.is_empty() || biv.lo < 0 || biv.hi > i128::from(k - 1) {
                    continue;
                }
                let a = self.cx.add_terms(&a_terms, qc)?;
                let m = self.cx.int(nv / k);
                let split = self.cx.modulo_raw(a, m);
                let mut rest: TermsVec = ts.to_vec();
                rest[i] = (split, coef.checked_mul(k)?);
                rest.push((b, coef));
                let trial = self.cx.add_terms(&rest, c)?;
                self.depth += 1;
                let trial = self.simp(trial);
                self.depth -= 1;
                if self.cx.tree_size(trial) < self.cx.tree_size(e) {
                    self.fire(Rule::ScaledModSplit);
                    return Some(trial);
                }
            }
        }
        None
    }

    /// k*Mod(a, m) + b = Mod(k*a + b, k*m) for k >= 2, m >= 1 and every value of b in
    /// [0, k - 1] (`mod_scaled_split` read backwards): with a = m*q + s, 0 <= s <= m - 1,
    /// k*a + b = k*m*q + (k*s + b) and 0 <= k*s + b <= k*m - 1. For two terms of the sum,
    /// `K*Mod(a, m)` and `j*b` with `K = k*j`, the sum with them joined into
    /// `j*Mod(k*a + b, k*m)` is simplified, and kept where it is smaller and overflows nowhere
    /// the input's nodes do not (`k*a + b` and `k*m` are new values): with X = 16*r0 + r1 and
    /// r1 in [0, 15], `Mod(r1, 4) + 4*Mod(4*r0 + FloorDiv(r1, 4), 4*s)` (where a pass pulled
    /// `4*r0` out of `FloorDiv(X, 4)`) is `Mod(X, 16*s)`, which joins `16*s*FloorDiv(X, 16*s)`.
    fn join_scaled_mod(&mut self, e: Expr, ts: &[(Expr, i64)], c: i64) -> Option<Expr> {
        if self.depth >= 40 || ts.len() < 2 || ts.len() > 16 {
            return None;
        }
        for (i, &(t, kt)) in ts.iter().enumerate() {
            let Node::Mod(a, m) = *self.cx.node(t) else {
                continue;
            };
            for (j, &(b, kb)) in ts.iter().enumerate() {
                let Some(k) = join_scale(kt, kb).filter(|_| j != i) else {
                    continue;
                };
                // Before anything is built, the shapes where the join can pay (below): another
                // term with a quotient or a remainder to divide the new dividend, or `b` a
                // quotient or remainder beside one in `a`, to collapse with it.
                let others = |l: usize| l != i && l != j;
                let may_pay = (has_division(self.cx, b, None) && has_division(self.cx, a, None))
                    || any_term(ts, others, |u| has_division(self.cx, u, None));
                if !may_pay {
                    continue;
                }
                let bv = self.iv(b);
                if bv.lo < 0 || bv.hi > i128::from(k - 1) || self.iv(m).lo < 1 {
                    continue;
                }
                let ka = self.cx.scale(a, k)?;
                let built = self.cx.add(ka, b)?;
                self.depth += 1;
                let x = self.simp(built);
                self.depth -= 1;
                // Tried only where the join can pay: the new dividend collapses (B2 above:
                // `16*r0 + r1`), or another term divides it already (`4*s*FloorDiv(4*r0 + r1,
                // 4*s)` beside `4*Mod(r0, s) + r1`). Elsewhere (`16*Mod(a, m) + r1`, in most
                // index sums) the joined Mod is larger, and the trial would cost a pass.
                let pays = self.cx.tree_size(x) < self.cx.tree_size(built)
                    || any_term(ts, others, |u| has_division(self.cx, u, Some(x)));
                if !pays {
                    continue;
                }
                let km = self.cx.scale(m, k)?;
                self.depth += 1;
                let km = self.simp(km);
                self.depth -= 1;
                let joined = self.cx.modulo_raw(x, km);
                let mut rest = all_but_two(ts, i, j);
                rest.push((joined, kb));
                let trial = self.cx.add_terms(&rest, c)?;
                self.depth += 1;
                let trial = self.simp(trial);
                self.depth -= 1;
                if self.cx.tree_size(trial) >= self.cx.tree_size(e) {
                    continue;
                }
                // (The sum's own computed nodes, as `fits_i64` takes the query input's: a
                // Where's branches are not among them.)
                let given = super::computed_nodes(self.cx, e);
                if !self.fits_given(trial, &given) {
                    continue;
                }
                self.fire(Rule::ScaledModJoin);
                return Some(trial);
            }
        }
        None
    }

    /// The split merges (`merge_splits`) of two terms that share a FloorDiv or Mod factor g,
    /// one of them at least with an undecided split view ([`tied_split`]), each read with g
    /// taken for part of its scale: with F = FloorDiv(s53, 4),
    /// `4*F*FloorDiv(r1, 4) + F*Mod(r1, 4)` = `F*r1` (S*e*FloorDiv(y, e) + S*Mod(y, e) = S*y
    /// with S = F), as `4*FloorDiv(r1, 4) + Mod(r1, 4)` = `r1`. The same merges under the
    /// same side conditions as between terms whose views are decided; only the views differ.
    fn merge_tied_splits(&mut self, ts: &[(Expr, i64)], c: i64) -> Option<Expr> {
        if ts.len() > 64 {
            return None;
        }
        for (i, j, g) in tied_pairs(self.cx, ts, false) {
            let Some(p) = self.split_of_but(ts[i].0, ts[i].1, Some(g)) else {
                continue;
            };
            let Some(q) = self.split_of_but(ts[j].0, ts[j].1, Some(g)) else {
                continue;
            };
            let Some((m, rule)) = self
                .merge_splits(&p, &q)
                .or_else(|| self.merge_splits(&q, &p))
            else {
                continue;
            };
            let r = self.merged_pair(ts, c, (i, j), &m)?;
            // The merge's own rule, and the view that let it see the terms.
            self.fire(rule);
            self.fire(Rule::SplitTiedView);
            return Some(r);
        }
        None
    }

    /// The sum of `ts` and `c` with its terms `i` and `j` replaced by the split `m` they
    /// merged into.
    fn merged_pair(
        &mut self,
        ts: &[(Expr, i64)],
        c: i64,
        (i, j): (usize, usize),
        m: &Split,
    ) -> Option<Expr> {
        let merged = self.split_expr(m)?;
        let mut rest: Vec<(Expr, i64)> = ts
            .iter()
            .enumerate()
            .filter(|(x, _)| *x != i && *x != j)
            .map(|(_, t)| *t)
            .collect();
        rest.push((merged, 1));
        self.cx.add_terms(&rest, c)
    }

    /// Whether two terms of the sum `ts` have one base (`split_base`), which `rules_add`
    /// merges: none in a sum of one term (`FloorDiv(30*p1, 7) + 3`, a common index
    /// expression), where the bases are not worth collecting.
    fn shared_base(&self, ts: &[(Expr, i64)]) -> bool {
        if ts.len() == 2 {
            // (Two terms: one comparison, no list.)
            split_base(self.cx, ts[0].0) == split_base(self.cx, ts[1].0)
        } else {
            ts.len() > 2 && {
                let mut bases: smallvec::SmallVec<[Expr; 8]> = smallvec::SmallVec::new();
                for (t, _) in ts {
                    bases.push(split_base(self.cx, *t));
                }
                bases.sort_unstable();
                bases.windows(2).any(|w| w[0] == w[1])
            }
        }
    }

    /// k*R*FloorDiv(a, d) + k*m*R = k*R*FloorDiv(a + m*d, d) for a constant d > 0 (floor(x) +
    /// m = floor(x + m)): `FdAbsorbConst` with the multiple of a cofactor R (a product of
    /// the term's other factors, or one atom) for the constant. `s53*s77*FloorDiv(s27 - 1, 3)
    /// + s53*s77` = `s53*s77*FloorDiv(s27 + 2, 3)`, where an earlier rewrite had taken the
    /// `- 1` into the quotient of the input's `s53*s77*(FloorDiv(s27 + 2, 3) - 1)`. Taken
    /// where the sum becomes smaller, the new numerator fits in i64 ([`Session::fits_i64`]:
    /// here the input computed it) and the new sum's terms have one sign, so that the new
    /// product is at most the input's value ([`Session::bounded_by_value`]).
    ///
    /// As a rule, only on a sum of the two terms: in a longer one the pair is part of a
    /// polynomial in the quotients, which the root's factoring may take whole (`e1*F0*F2 +
    /// e1*F0 + e1*F2 + e1 + F0*F2 + F0 + F2 + 1` = `(e1 + 1)*(F0 + 1)*(F2 + 1)`, a multiple
    /// of `e1 + 1` that decides `Mod(e1 + 1, ...)`), and absorbing a pair first hides it;
    /// other rules (the expansion of `x*(8*F - 8)` beside `8*x`) find smaller forms when they
    /// come first. Longer sums are absorbed after the whole query ([`Session::absorb_pass`]).
    fn absorb_cofactor(&mut self, e: Expr, ts: &[(Expr, i64)], c: i64) -> Option<Expr> {
        let mut pairs = smallvec::SmallVec::new();
        cofactor_pairs(self.cx, ts, false, false, &mut pairs);
        self.absorb_pairs(e, ts, c, false, &pairs)
    }

    /// [`Session::absorb_cofactor`] with the pairs found (`cofactor_pairs`): the first that
    /// passes the side conditions, absorbed. Where `long` (the pass), the size to beat is the
    /// printed sum's, and the new product may also be a term that is not one-signed when the
    /// new sum's terms add up below 2^126 ([`Session::poly_fits`]): nothing saturates.
    fn absorb_pairs(
        &mut self,
        e: Expr,
        ts: &[(Expr, i64)],
        c: i64,
        long: bool,
        pairs: &[(usize, usize, usize)],
    ) -> Option<Expr> {
        for &(i, j, p) in pairs {
            let ((t, ki), (_, kj)) = (ts[i], ts[j]);
            let Node::Mul(fs) = self.cx.node(t).clone() else {
                continue;
            };
            let Node::FloorDiv(a, d) = *self.cx.node(fs[p]) else {
                continue;
            };
            let (Some(dv), Some(m)) = (self.cx.as_int(d), kj.checked_div(ki)) else {
                continue;
            };
            let Some(na) = m.checked_mul(dv).and_then(|s| self.cx.add_const(a, s)) else {
                continue;
            };
            // In the pass, the input's nodes are asked about only where `na` can be one of
            // them: a node is made after its operands, so every node of the input has an index
            // at most its root's, and a numerator made later is new (its bounds decide; the
            // given-node walk, which costs the list of the input's nodes, is left out).
            let fits = if long && self.input.is_some_and(|root| na.index() > root.index()) {
                super::eval_fits(self, na)
            } else {
                self.fits_i64(na)
            };
            if !fits {
                continue;
            }
            let mut factors: crate::expr::Args = fs.clone();
            factors[p] = self.cx.floordiv_raw(na, d);
            let Some(prod) = self.cx.mul_args(&factors) else {
                continue;
            };
            let mut rest = all_but_two(ts, i, j);
            rest.push((prod, ki));
            let r = self.cx.add_terms(&rest, c)?;
            // The size it must beat: for the rule, the terms' nodes and one per term (which
            // lets the solver's coefficients `F*G - F` factor); in the pass, the printed sum.
            let e_size = if long {
                self.cx.tree_size(e)
            } else {
                ts.iter().map(|(u, _)| self.cx.tree_size(*u)).sum::<usize>() + ts.len()
            };
            if self.cx.tree_size(r) >= e_size
                || !(self.bounded_by_value(r) || (long && self.poly_fits(r)))
            {
                continue;
            }
            self.fire(Rule::FdAbsorbCofactor);
            return Some(r);
        }
        None
    }

    /// The simplified root `s` of a `simplify` query, a sum of 3 to [`LONG_COFACTOR_SUM`]
    /// terms, with its cofactor pairs absorbed one after the other
    /// ([`Session::absorb_cofactor`]: `8*x*FloorDiv(s - 2, 2) + 8*x + y` is
    /// `8*x*FloorDiv(s, 2) + y`), each taken only where the sum gets smaller. After the
    /// query's rules, so it pre-empts none of them; every step keeps the value and overflows
    /// nowhere the sum does not (the absorbed numerator fits, [`Session::fits_i64`], and the
    /// new product is at most the sum's value or saturates nothing).
    pub(super) fn absorb_pass(&mut self, s: Expr) -> Expr {
        let mut cur = s;
        while !self.cx.stopped() {
            // (Most sums have no pair: found on the node in place, copied only where one is.)
            let Node::Add(ts, _) = self.cx.node(cur) else {
                break;
            };
            let mut pairs = smallvec::SmallVec::new();
            if ts.len() > 2 {
                cofactor_pairs(self.cx, ts, false, true, &mut pairs);
            }
            if pairs.is_empty() {
                break;
            }
            let Node::Add(ts, c) = self.cx.node(cur).clone() else {
                break;
            };
            match self.absorb_pairs(cur, &ts, c, true, &pairs) {
                Some(r) => cur = r,
                None => break,
            }
        }
        cur
    }

    /// The term of the sum `ts + c` that `FdAbsorbConst` rewrites, when there is exactly one
    /// candidate: `m*FloorDiv(a, d)` with `m | c` (c != 0), a constant `d > 0` and a constant
    /// in `a`.
    fn absorb_candidate(&self, ts: &[(Expr, i64)], c: i64, scan: &SumScan) -> Option<usize> {
        if c == 0 || scan.pos_floordivs == 0 {
            return None;
        }
        // Exactly one candidate (the first, and no second after it), without a list.
        let mut one = None;
        for (i, &(t, m)) in ts.iter().enumerate() {
            let cand = match self.cx.node(t) {
                Node::FloorDiv(a, d) => {
                    c.checked_rem(m) == Some(0)
                        && self.cx.as_int(*d).is_some_and(|v| v > 0)
                        && matches!(self.cx.node(*a), Node::Add(_, k) if *k != 0)
                }
                _ => false,
            };
            if cand {
                if one.is_some() {
                    return None;
                }
                one = Some(i);
            }
        }
        one
    }

    /// The kinds of terms of the sum `ts` that [`Session::rules_add`]'s rules look for.
    fn sum_scan(&self, ts: &[(Expr, i64)]) -> SumScan {
        let mut scan = SumScan::default();
        let mut tied = false;
        for &(t, k) in ts {
            match self.cx.node(t) {
                Node::FloorDiv(_, d) if self.cx.as_int(*d).is_some_and(|v| v > 0) => {
                    scan.pos_floordivs += 1;
                    scan.negated_floordiv |= k < 0;
                }
                Node::Mul(fs) => {
                    scan.product_of_sums |=
                        fs.iter().any(|f| matches!(self.cx.node(*f), Node::Add(..)));
                    tied |= ts.len() >= 2 && tied_split(self.cx, t);
                    scan.quotient_factor |= ts.len() >= 2
                        && fs
                            .iter()
                            .any(|f| matches!(self.cx.node(*f), Node::FloorDiv(..)));
                }
                Node::Min(_) | Node::Max(_) => scan.minmax = true,
                Node::Mod(..) => {
                    scan.scaled_mod |=
                        ts.len() >= 2 && scaled_mod_scales(self.cx, t).next().is_some();
                    scan.scaled_join |= ts.len() >= 2
                        && ts
                            .iter()
                            .any(|&(u, kb)| u != t && join_scale(k, kb).is_some());
                }
                _ => {}
            }
        }
        // (A term with an undecided view alone is nothing to merge: the pairs are asked only
        // where there is one.)
        scan.tied_split = tied && tied_pair(self.cx, ts);
        scan.cofactor_absorb = scan.quotient_factor && ts.len() == 2 && {
            let mut one = smallvec::SmallVec::new();
            cofactor_pairs(self.cx, ts, true, false, &mut one);
            !one.is_empty()
        };
        scan
    }

    /// R + Min(a_1, ..., a_n) = Min(a_1 + R, ..., a_n + R), and the same for Max (adding one
    /// value to every argument commutes with taking the least or greatest); and
    /// R - Max(a_1, ..., a_n) = Min(R - a_1, ..., R - a_n), R - Min(...) = Max(R - a_i, ...)
    /// (negating reverses the order). Taken for a sum with one Min/Max term of coefficient 1
    /// or -1 when the result is smaller (`-q2 + Min(s53, q2 + 1)` = `Min(1, s53 - q2)`,
    /// `x - Max(0, x - 2)` = `Min(x, 2)`) and every new argument `R ± a_i` provably fits in
    /// i64 (the one that is not chosen may be larger than anything the input computes).
    fn shift_into_minmax(&mut self, e: Expr, ts: &[(Expr, i64)], c: i64) -> Option<Expr> {
        if self.depth >= 40 {
            return None;
        }
        let (is_max, args, rest, k) = self.cx.split_minmax_term(ts)?;
        let r = self.cx.add_terms(&rest, c)?;
        let mut new_args: crate::expr::Args = crate::expr::Args::new();
        for a in args {
            let s = if k == 1 {
                self.cx.add(a, r)?
            } else {
                self.cx.sub(r, a)?
            };
            self.depth += 1;
            let s = self.simp(s);
            self.depth -= 1;
            if !self.fits_i64(s) {
                return None;
            }
            new_args.push(s);
        }
        let out = self.cx.minmax(is_max == (k == 1), &new_args);
        if self.cx.tree_size(out) >= self.cx.tree_size(e) {
            return None;
        }
        self.fire(Rule::MinMaxShift);
        Some(out)
    }
}

/// What [`Session::rules_add`]'s rules look for in a sum ([`Session::sum_candidates`]).
struct SumCandidates {
    scan: SumScan,
    /// Two terms with one base (the merges); `None`: not looked for yet.
    shared: Option<bool>,
    /// The one `FdAbsorbConst` candidate term; `None`: not looked for yet.
    absorb: Option<Option<usize>>,
}

impl SumCandidates {
    /// Whether one of the rules may find what it looks for (else none fires).
    fn any(&self) -> bool {
        self.scan.any() || self.shared != Some(false) || self.absorb != Some(None)
    }
}

impl SumScan {
    /// Whether the scan found what one of the rules but the merges and FdAbsorbConst looks
    /// for.
    fn any(&self) -> bool {
        self.pos_floordivs >= 2
            || self.product_of_sums
            || self.negated_floordiv
            || self.minmax
            || self.tied_split
            || self.scaled_mod
            || self.scaled_join
            || self.cofactor_absorb
    }
}

/// The kinds of terms of a sum that [`Session::rules_add`]'s rules look for
/// ([`Session::sum_scan`]).
#[derive(Default)]
struct SumScan {
    /// Terms that are a FloorDiv by a positive constant.
    pos_floordivs: usize,
    /// Whether one of those has a negative coefficient.
    negated_floordiv: bool,
    /// Whether a term is a product with a sum among its factors.
    product_of_sums: bool,
    /// Whether a term is a Min or a Max.
    minmax: bool,
    /// Whether two terms are a pair [`tied_pair`] finds (a term's split view undecided).
    tied_split: bool,
    /// Whether a Mod term may be split at a scale ([`scaled_mod_candidate`]).
    scaled_mod: bool,
    /// Whether a Mod term may be joined with a term at a scale ([`scaled_join_candidate`]).
    scaled_join: bool,
    /// Whether a product term has a FloorDiv factor (the scan's first look for
    /// `cofactor_absorb`).
    quotient_factor: bool,
    /// Whether a product's quotient may absorb a multiple of its cofactor
    /// ([`cofactor_pairs`]).
    cofactor_absorb: bool,
}

#[cfg(test)]
mod tests {
    use super::{Session, SumCandidates, SumScan};
    use crate::Context;
    use crate::expr::Node;

    /// Where [`Session::sum_candidates`] finds nothing for a rule, `rules_add` answers at once,
    /// nothing; every rule asked on its own conditions (`rules_add_found` told that each may
    /// apply) answers the same, nothing:
    /// random sums of FloorDivs (by positive and negative constants, with and without a
    /// constant in the numerator, negated), Mods, Min/Max, products (with a sum factor),
    /// symbols and constants, random coefficients and constants, under random ranges.
    #[test]
    fn sums_without_candidates_are_fixpoints_of_the_rules() {
        let mut next = crate::test_rng::xorshift(0x5EED_0000_0000_00AD);
        let terms = [
            "x",
            "y",
            "x*y",
            "FloorDiv(x, 4)",
            "FloorDiv(y, 4)",
            "FloorDiv(x, -3)",
            "FloorDiv(x + 3, 4)",
            "FloorDiv(-x + 5, 4)",
            "FloorDiv(x - 1, 8)",
            "FloorDiv(23*y, 7)",
            "FloorDiv(x, y)",
            "Mod(x, 4)",
            "Mod(FloorDiv(x, 2), 4)",
            "Mod(4*x + y, 16)",
            "Mod(2*x + 1, 8)",
            "x*FloorDiv(y, 4)",
            "y*(x + 1)",
            "Max(1, FloorDiv(y, 2))",
            "Min(x, y)",
            "FloorDiv(y, 4)*Mod(x, 4)",
            "FloorDiv(x, 4)*FloorDiv(y, 4)",
        ];
        let ks = [1, -1, 2, -2, 3, 4, -4, 7, -7];
        let ranges = [
            ("0", "3"),
            ("0", "20"),
            ("5", "9"),
            ("-10", "100"),
            ("1", ""),
        ];
        let (mut none, mut total) = (0, 0);
        for _ in 0..4000 {
            let mut cx = Context::new();
            for v in ["x", "y"] {
                let (lo, hi) = ranges[next(ranges.len() as u64) as usize];
                cx.set_range_str(v, lo, hi).unwrap();
            }
            let n = 1 + next(3) as usize;
            let mut text: Vec<String> = (0..n)
                .map(|_| {
                    let k = ks[next(ks.len() as u64) as usize];
                    format!("{k}*{}", terms[next(terms.len() as u64) as usize])
                })
                .collect();
            if next(2) == 0 {
                text.push(format!("{}", ks[next(ks.len() as u64) as usize] * 3));
            }
            let text = text.join(" + ");
            let e = cx.parse(&text).unwrap();
            if !matches!(cx.node(e), Node::Add(..)) {
                continue;
            }
            total += 1;
            let mut s = Session::new(&mut cx);
            let found = s.sum_candidates(e).unwrap();
            if !found.any() {
                none += 1;
                assert_eq!(s.rules_add(e), None, "{text}");
                // Every rule asked, each on its own conditions (the merges compare the terms'
                // bases; the FdAbsorbConst candidate is its rule's condition).
                let every = SumCandidates {
                    scan: SumScan {
                        pos_floordivs: usize::MAX,
                        negated_floordiv: true,
                        product_of_sums: true,
                        minmax: true,
                        tied_split: true,
                        scaled_mod: true,
                        scaled_join: true,
                        quotient_factor: true,
                        cofactor_absorb: true,
                    },
                    shared: Some(true),
                    absorb: None,
                };
                assert_eq!(s.rules_add_found(e, &every), None, "{text}");
            }
        }
        assert!(none * 10 > total && none < total, "{none} of {total}");
    }
}
