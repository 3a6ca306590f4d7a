//! Structural constructors: the normal form every expression is kept in.
//!
//! These only flatten, sort, merge coefficients and fold constants; they never apply algebra
//! that needs a proof (that is `simplify`). Integer folds are checked: `None` means an `i64`
//! overflow, and callers either report it (parser) or abandon the rewrite (simplifier).

use crate::Context;
use crate::expr::{Args, Expr, Node, Terms, Ty};
use crate::interner::Pair;
use smallvec::smallvec;

/// Floor division on i64 (None on overflow or zero divisor).
pub(crate) fn floor_div(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let q = a.checked_div(b)?;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q.checked_sub(1)
    } else {
        Some(q)
    }
}

/// Ceiling division on i64 (None for a zero divisor or a quotient outside i64).
pub(crate) fn ceil_div(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let q = a.checked_div(b)?;
    if (a % b != 0) && ((a < 0) == (b < 0)) {
        q.checked_add(1)
    } else {
        Some(q)
    }
}

/// Floor modulo on i64: the result has the sign of `b` (None for a zero divisor).
pub(crate) fn floor_mod(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    if b == -1 {
        return Some(0);
    }
    let r = a % b;
    Some(if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    })
}

/// Nonnegative gcd; gcd(0, 0) = 0. Works on i64::MIN without overflow by using u64. The one
/// gcd that does not fit in i64, 2^63 (of i64::MIN with 0 or itself), is answered with 2^62: a
/// common divisor, which is all that callers rely on (contents and residue classes built from
/// a smaller common divisor are coarser, never wrong), whereas any odd stand-in such as
/// i64::MAX would not divide the operands.
pub(crate) fn gcd(a: i64, b: i64) -> i64 {
    // Binary (Stein's) gcd: shifts and subtractions instead of Euclid's divisions, each of
    // which takes tens of cycles (a FloorDiv's content asks one or two per rewrite).
    // gcd(x, y) = 2^min(tz(x), tz(y)) * gcd of the odd parts; for odd x and y,
    // gcd(x, y) = gcd(x, y - x) with y >= x, and y - x is even, its factors of 2 not shared.
    let (mut x, mut y) = (a.unsigned_abs(), b.unsigned_abs());
    if x == 0 || y == 0 {
        return i64::try_from(x | y).unwrap_or(1 << 62);
    }
    let shift = (x | y).trailing_zeros();
    x >>= x.trailing_zeros();
    loop {
        y >>= y.trailing_zeros();
        if x > y {
            std::mem::swap(&mut x, &mut y);
        }
        y -= x;
        if y == 0 {
            break;
        }
    }
    i64::try_from(x << shift).unwrap_or(1 << 62)
}

/// `v.sort_by(cmp)` (a stable sort) with the lists of at most two items sorted here: one
/// comparison, the two swapped exactly when the second is `Less` than the first, which is
/// the only order a stable sort gives them (equal items keep theirs); the library sort's
/// setup costs a list of two more than its one comparison (most products and many sums
/// that the constructors sort have two operands). Test `stable_sort_by_is_sort_by`.
#[inline(always)]
fn stable_sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering) {
    match v {
        [] | [_] => {}
        [a, b] => {
            if cmp(b, a).is_lt() {
                std::mem::swap(a, b);
            }
        }
        _ => v.sort_by(cmp),
    }
}

impl Context {
    /// Integer constant.
    #[inline]
    pub fn int(&mut self, v: i64) -> Expr {
        // A small constant made before: one load, without a call.
        if (-64..=64).contains(&v) {
            let h = self.small_ints[(v + 64) as usize];
            if h != u32::MAX {
                return self.handle(h);
            }
        }
        self.int_interned(v)
    }

    /// [`Context::int`] past its table of small constants made.
    #[inline(never)]
    fn int_interned(&mut self, v: i64) -> Expr {
        let e = self.intern_int(v);
        if (-64..=64).contains(&v) {
            self.small_ints[(v + 64) as usize] = e.idx;
        }
        e
    }

    /// Float constant. Infinities and NaN are values of float arithmetic but not constants of
    /// the language (docs/language.md §1: infinity only in range bounds): such a node prints as
    /// `oo` / `nan`, which the parser refuses inside an expression.
    pub fn float(&mut self, v: f64) -> Expr {
        self.intern(Node::Float(v.to_bits()), Ty::Float)
    }

    /// Boolean constant.
    pub fn boolean(&mut self, v: bool) -> Expr {
        self.intern(Node::Bool(v), Ty::Bool)
    }

    /// If `e` is a float constant, its value.
    pub fn as_float(&self, e: Expr) -> Option<f64> {
        match self.node(e) {
            Node::Float(b) => Some(f64::from_bits(*b)),
            _ => None,
        }
    }

    /// Splits `e` into `(coefficient, rest)`: `3*x` gives `(3, x)`, `7` gives `(7, None)`,
    /// anything else `(1, e)`.
    pub(crate) fn coeff_split(&self, e: Expr) -> (i64, Option<Expr>) {
        match self.node(e) {
            Node::Int(v) => (*v, None),
            Node::Add(ts, 0) if ts.len() == 1 => (ts[0].1, Some(ts[0].0)),
            _ => (1, Some(e)),
        }
    }

    /// `Σ k_i * t_i + c` in normal form.
    pub(crate) fn add_terms(&mut self, terms: &[(Expr, i64)], c: i64) -> Option<Expr> {
        if let &[a, b] = terms
            && let Some(e) = self.add_two_terms(a, b, c)
        {
            return Some(e);
        }
        let mut flat: Terms = Terms::new();
        // The constant exactly, whatever the order of its parts (only the sum must fit, as
        // for the merged coefficients of `sort_merge_terms`): each part is a product of two
        // i64 values, below 2^126 in magnitude, and the sum's check fails before i128 does.
        let mut cst = i128::from(c);
        for &(t, k) in terms {
            // Integer arithmetic on integers only: a float or boolean operand is refused (the
            // public builders' `None`), never turned into an ill-typed sum.
            if self.tys[t.index()] != Ty::Int {
                return None;
            }
            if k == 0 {
                continue;
            }
            match self.node(t) {
                Node::Int(v) => cst = cst.checked_add(i128::from(*v) * i128::from(k))?,
                Node::Add(ts, c2) => {
                    let c2 = *c2;
                    for &(u, j) in ts.iter() {
                        flat.push((u, j.checked_mul(k)?));
                    }
                    cst = cst.checked_add(i128::from(c2) * i128::from(k))?;
                }
                _ => flat.push((t, k)),
            }
        }
        self.finish_sum(flat, i64::try_from(cst).ok()?)
    }

    /// [`Context::add_terms`] of two terms `k1*t1 + k2*t2 + c` whose nodes it keeps as they
    /// are, built directly: `None` (nothing built) for anything else, which the general path
    /// builds. The coefficients are nonzero; one term may be a constant (it joins `c`, the
    /// other term alone as below); the others are integer nodes, neither a constant nor a sum
    /// (those `add_terms` flattens) nor a product with a sum factor (`finish_sum` may absorb
    /// a coefficient into it). Then `finish_sum`'s answer is, as its insertion sort and
    /// merge make it:
    /// - `t1 == t2`: one term of coefficient `k1 + k2` (in i128; `None` past i64, as the
    ///   general path's overflow, left to it); `k1 + k2 = 0` gives the constant `c`
    ///   (`k*t - k*t + c = c`), `1*t + 0 = t`, else the one-term sum `(k1 + k2)*t + c`;
    /// - else the two terms in `cmp_expr` order (swapped exactly when
    ///   `cmp_expr(t2, t1) == Less`, the stable sort's one comparison):
    ///   `k1*t1 + k2*t2 + c = k2*t2 + k1*t1 + c`.
    #[inline]
    fn add_two_terms(&mut self, a: (Expr, i64), b: (Expr, i64), c: i64) -> Option<Expr> {
        if a.1 == 0 || b.1 == 0 {
            return None;
        }
        // A constant term joins the constant (`k*t + j*v + c = k*t + (c + j*v)`, in i128 as
        // `add_terms` adds it, `None` past i64), the other term as `finish_sum` makes one:
        // `1*t + 0 = t`, else the one-term sum `k*t + c`.
        let (t, v) = match (self.node(a.0), self.node(b.0)) {
            (_, Node::Int(v)) => (a, (*v, b.1)),
            (Node::Int(v), _) => (b, (*v, a.1)),
            _ => ((a.0, 0), (0, 0)),
        };
        if t.1 != 0 {
            if !self.keeps_as_term(t.0) {
                return None;
            }
            let cst = i64::try_from(i128::from(c) + i128::from(v.0) * i128::from(v.1)).ok()?;
            return Some(match (t.1, cst) {
                (1, 0) => t.0,
                _ => self.intern_term(t.0, t.1, cst),
            });
        }
        if !self.keeps_as_term(a.0) || !self.keeps_as_term(b.0) {
            return None;
        }
        if a.0 == b.0 {
            let k = i64::try_from(i128::from(a.1) + i128::from(b.1)).ok()?;
            return Some(match k {
                0 => self.int(c),
                1 if c == 0 => a.0,
                _ => self.intern_term(a.0, k, c),
            });
        }
        let ts: Terms = if self.cmp_expr(b.0, a.0) == std::cmp::Ordering::Less {
            smallvec::smallvec![b, a]
        } else {
            smallvec::smallvec![a, b]
        };
        Some(self.intern(Node::Add(ts, c), Ty::Int))
    }

    /// Whether `add_terms` takes `t` as a term as it stands ([`Context::add_two_terms`]): an
    /// integer node, not a constant, a sum, or a product with a sum factor.
    #[inline]
    fn keeps_as_term(&self, t: Expr) -> bool {
        self.tys[t.index()] == Ty::Int
            && match self.node(t) {
                Node::Int(_) | Node::Add(..) => false,
                Node::Mul(fs) => !fs.iter().any(|f| matches!(self.node(*f), Node::Add(..))),
                _ => true,
            }
    }

    /// Sorts the terms of a sum in the normal form's order (an insertion sort for a few: n - 1
    /// comparisons when they already are) and merges equal terms in place, adding their
    /// coefficients exactly (128 bits): the merged terms are the first `n`, `Some(n)`; `None`
    /// when a merged coefficient does not fit in i64. Only the merged coefficient must fit,
    /// whatever the terms' order: `x*M + x*M - x*M` is `M*x` as `x*M - x*M + x*M` is (a
    /// review found the first an overflow of the partial 2*M). Terms whose coefficients cancel
    /// stay, with coefficient 0.
    pub(crate) fn sort_merge_terms(&self, ts: &mut [(Expr, i64)]) -> Option<usize> {
        if ts.is_empty() {
            return Some(0);
        }
        stable_sort_by(ts, |a, b| self.cmp_expr(a.0, b.0));
        let mut w = 0;
        // The coefficient of term `w` so far: fewer than 2^64 terms of magnitude at most 2^63
        // never leave i128.
        let mut acc = i128::from(ts[0].1);
        for r in 1..ts.len() {
            if ts[r].0 == ts[w].0 {
                acc += i128::from(ts[r].1);
            } else {
                ts[w].1 = i64::try_from(acc).ok()?;
                w += 1;
                ts[w] = ts[r];
                acc = i128::from(ts[r].1);
            }
        }
        ts[w].1 = i64::try_from(acc).ok()?;
        Some(w + 1)
    }

    /// Sorts, merges equal terms and builds the node.
    fn finish_sum(&mut self, mut flat: Terms, cst: i64) -> Option<Expr> {
        loop {
            if flat.len() > 1 {
                let n = self.sort_merge_terms(&mut flat)?;
                flat.truncate(n);
            }
            // A coefficient on a product with a sum factor goes into the sum (normal form);
            // the absorbed term may now equal another one, so merge again.
            let mut absorbed = false;
            for i in 0..flat.len() {
                let (t, k) = flat[i];
                let has_sum_factor = match self.node(t) {
                    Node::Mul(fs) => fs.iter().any(|f| matches!(self.node(*f), Node::Add(..))),
                    _ => false,
                };
                if k != 1
                    && k != 0
                    && has_sum_factor
                    && let Some(t2) = self.absorb_coeff(t, k)?
                {
                    flat[i] = (t2, 1);
                    absorbed = true;
                }
            }
            if !absorbed {
                break;
            }
        }
        // Terms that cancelled (rare): `retain` costs a call and a pass even when none did.
        if flat.iter().any(|t| t.1 == 0) {
            flat.retain(|t| t.1 != 0);
        }
        Some(match flat.len() {
            0 => self.int(cst),
            1 if flat[0].1 == 1 && cst == 0 => flat[0].0,
            1 => self.intern_term(flat[0].0, flat[0].1, cst),
            _ => self.intern(Node::Add(flat, cst), Ty::Int),
        })
    }

    /// Normal form of `k * (f1 * ... * (sum) * ...)`: the coefficient is distributed into the
    /// first sum factor, so that `3*(x - 1)*y` has one representation however it is written.
    /// `Ok(None)` when the product has no sum factor; `None` on overflow.
    fn absorb_coeff(&mut self, t: Expr, k: i64) -> Option<Option<Expr>> {
        let Node::Mul(fs) = self.node(t).clone() else {
            return Some(None);
        };
        let Some(pos) = fs
            .iter()
            .position(|f| matches!(self.node(*f), Node::Add(..)))
        else {
            return Some(None);
        };
        let scaled = self.scale(fs[pos], k)?;
        let mut parts: Args = fs.clone();
        parts[pos] = scaled;
        self.mul_args(&parts).map(Some)
    }

    /// gcd of the integer coefficients (and constant) of `a` and of `c` (nonnegative); 1 for
    /// anything that is not a constant or a sum.
    pub(crate) fn int_content(&self, a: Expr, c: i64) -> i64 {
        match self.node(a) {
            Node::Int(v) => gcd(*v, c),
            Node::Add(ts, k) => ts
                .iter()
                .fold(gcd(*k, c), |g, (_, x)| if g == 1 { 1 } else { gcd(g, *x) }),
            _ => 1,
        }
    }

    /// The sum `a` with its coefficients reduced modulo `c > 0` to the representative of least
    /// magnitude (ties to the positive one) and its constant to `[0, c)`: `Mod(a, c)` equals
    /// `Mod` of the result, since they differ by a multiple of c. `Some(None)` when `a` is not a
    /// sum or is already reduced; `None` on overflow.
    pub(crate) fn reduce_mod_coeffs(&mut self, a: Expr, c: i64) -> Option<Option<Expr>> {
        let Node::Add(ts, k0) = self.node(a) else {
            return Some(None);
        };
        let k0 = *k0;
        let mut changed = false;
        let mut nt: Terms = Terms::new();
        for &(t, k) in ts {
            let mut r = floor_mod(k, c)?;
            if 2 * (r as i128) > c as i128 {
                r -= c;
            }
            changed |= r != k;
            if r != 0 {
                nt.push((t, r));
            }
        }
        let r0 = floor_mod(k0, c)?;
        if !changed && r0 == k0 {
            return Some(None);
        }
        self.add_terms(&nt, r0).map(Some)
    }

    /// The product of `fs` with its sum factors distributed, `(a + b)*f = a*f + b*f` factor by
    /// factor: `None` when no factor is a sum, the result would have more than 64 terms, or a
    /// coefficient overflows. Pure algebra (the simplifier takes it only where no new overflow
    /// comes of it; polynomial identity checks take it as is).
    pub(crate) fn expand_product(&mut self, fs: &[Expr], max_terms: usize) -> Option<Expr> {
        let mut count: usize = 1;
        let mut any = false;
        for f in fs {
            if let Node::Add(ts, c) = self.node(*f) {
                count = count.saturating_mul(ts.len() + usize::from(*c != 0));
                any = true;
            }
        }
        if !any || count > max_terms {
            return None;
        }
        let one = self.int(1);
        // Lists of a few terms: inline (no allocation) up to 8.
        type List = smallvec::SmallVec<[(Expr, i64); 8]>;
        let mut acc: List = smallvec::smallvec![(one, 1)];
        for f in fs {
            let parts: List = match self.node(*f) {
                Node::Add(ts, c) => {
                    let mut v = List::from_slice(ts);
                    if *c != 0 {
                        v.push((one, *c));
                    }
                    v
                }
                _ => smallvec::smallvec![(*f, 1)],
            };
            let mut next = List::with_capacity(acc.len() * parts.len());
            for (a, ka) in &acc {
                for (p, kp) in &parts {
                    let m = self.mul(*a, *p)?;
                    next.push((m, ka.checked_mul(*kp)?));
                }
            }
            acc = next;
        }
        self.add_terms(&acc, 0)
    }

    /// `e` fully expanded, as sympy's `expand` does for integer expressions: every product of
    /// sums distributed and every power of a sum (`k >= 2`) multiplied out, like terms merged
    /// by the constructors. With `deep` (sympy's default) in every operand too
    /// (`FloorDiv((x + 1)*y, 4)` is `FloorDiv(x*y + y, 4)`); without, only where the sums and
    /// products reach from the top, through sums, products and powers (sympy's `deep=False`):
    /// the operands of every other operator are kept as they are.
    ///
    /// Pure algebra, not a simplification: the value is the same in the integers, but the
    /// expansion's terms can overflow 64 bits where the product does not (`simplify` expands
    /// only where it proves they do not, docs/limits.md). For callers that compare forms, as
    /// the Python drop-in compares with PyTorch's `expand`.
    ///
    /// `None` when some product or power would have more than `max_terms` terms, a coefficient
    /// leaves i64, or a float product has a float sum operand (rounding makes the distributed
    /// form another value: not expanded, and not claimed expanded).
    pub fn expand(&mut self, e: Expr, max_terms: usize, deep: bool) -> Option<Expr> {
        // Nothing to distribute: every node is rebuilt from its own operands, which the
        // hash-consed constructors give back as the node itself, so the expansion is `e`
        // (checked against the full pass, `expand_every_node`, in tests/expand.rs). For the
        // drop-in's first `simplify` calls, about three questions in four.
        if self.is_expanded(e) {
            return Some(e);
        }
        self.expand_every_node(e, max_terms, deep)
    }

    /// Whether no node of `e` is a product with a sum factor, a power of a sum, or a float
    /// product with a float sum factor: the nodes [`Context::expand`] distributes or refuses.
    /// For such an `e`, `expand(e, _, _)` is `Some(e)`.
    pub fn is_expanded(&self, e: Expr) -> bool {
        let mut stack: smallvec::SmallVec<[Expr; 32]> = smallvec![e];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(x) = stack.pop() {
            let n = self.node(x);
            let kids = n.kids();
            if kids.len() == 0 {
                continue;
            }
            let blocked = match n {
                Node::Mul(_) => kids.iter().any(|f| matches!(self.node(f), Node::Add(..))),
                Node::Pow(b, _) => matches!(self.node(*b), Node::Add(..)),
                Node::FMul(..) => kids.iter().any(|f| matches!(self.node(f), Node::FAdd(..))),
                _ => false,
            };
            if blocked {
                return false;
            }
            for k in kids.iter() {
                if seen.insert(k) {
                    stack.push(k);
                }
            }
        }
        true
    }

    /// [`Context::expand`] without its shortcut for expressions that are already expanded
    /// ([`Context::is_expanded`]): every node is rebuilt. For tests that compare the two.
    #[doc(hidden)]
    pub fn expand_every_node(&mut self, e: Expr, max_terms: usize, deep: bool) -> Option<Expr> {
        let mut memo = rustc_hash::FxHashMap::default();
        if !deep {
            // Every node below the top's sums, products and powers stays itself (the pass
            // does not go into what the memo already holds).
            let mut stack = vec![e];
            let mut seen = rustc_hash::FxHashSet::default();
            while let Some(x) = stack.pop() {
                if !seen.insert(x) {
                    continue;
                }
                let n = self.node(x);
                if matches!(n, Node::Add(..) | Node::Mul(_) | Node::Pow(..)) {
                    stack.extend(n.kids().iter());
                } else {
                    memo.insert(x, x);
                }
            }
        }
        self.map_bottom_up(e, &mut memo, |cx, orig, ch| {
            match *cx.node(orig) {
                Node::Mul(_) => cx.distribute(ch, max_terms, orig),
                // (a + b)**k = (a + b)*...*(a + b), k factors, distributed.
                Node::Pow(_, k) if matches!(cx.node(ch[0]), Node::Add(..)) => {
                    // At least 2**k terms: refused before k factors are allocated.
                    if k as usize > max_terms {
                        return None;
                    }
                    let fs: Args = std::iter::repeat_n(ch[0], k as usize).collect();
                    cx.expand_product(&fs, max_terms)
                }
                Node::FMul(..) if ch.iter().any(|f| matches!(cx.node(*f), Node::FAdd(..))) => None,
                _ => {
                    let r = cx.rebuild(orig, ch)?;
                    // A rebuilt operator may be a product now (the constructors' rewrites):
                    // distributed the same way.
                    match cx.node(r).clone() {
                        Node::Mul(fs) => cx.distribute(&fs, max_terms, r),
                        _ => Some(r),
                    }
                }
            }
        })
    }

    /// The product of `fs` (the factors of `orig`, expanded) with its sum factors distributed,
    /// `(a + b)*c = a*c + b*c` factor by factor; the product itself when no factor is a sum;
    /// `None` when the distribution is refused (past `max_terms`, or a coefficient overflow).
    fn distribute(&mut self, fs: &[Expr], max_terms: usize, orig: Expr) -> Option<Expr> {
        if let Some(x) = self.expand_product(fs, max_terms) {
            return Some(x);
        }
        if fs.iter().any(|f| matches!(self.node(*f), Node::Add(..))) {
            return None;
        }
        // Hash-consed: the same factors rebuild `orig` itself.
        self.rebuild(orig, fs)
    }

    /// `e` with every product of sums in it (at its top: a product, or the terms of a sum)
    /// expanded where `expand_product` can; for polynomial identity checks.
    pub(crate) fn expand_poly(&mut self, e: Expr) -> Option<Expr> {
        match self.node(e).clone() {
            Node::Mul(fs) => Some(
                self.expand_product(&fs, self.limits.expand_terms)
                    .unwrap_or(e),
            ),
            Node::Add(ts, c) => {
                let mut acc: Terms = Terms::new();
                for (t, k) in ts {
                    let x = match self.node(t).clone() {
                        Node::Mul(fs) => self
                            .expand_product(&fs, self.limits.expand_terms)
                            .unwrap_or(t),
                        _ => t,
                    };
                    acc.push((x, k));
                }
                self.add_terms(&acc, c)
            }
            _ => Some(e),
        }
    }

    /// `a - b` when it is a constant, i.e. when both have the same terms (compared without
    /// building the difference); `None` otherwise or on overflow.
    pub(crate) fn const_difference(&self, a: Expr, b: Expr) -> Option<i64> {
        let (ta, ca) = self.terms_and_constant(a);
        let (tb, cb) = self.terms_and_constant(b);
        (ta == tb).then(|| ca.checked_sub(cb)).flatten()
    }

    /// The terms of a sum and its constant (a constant: no terms; anything else: itself once).
    fn terms_and_constant(&self, e: Expr) -> (Terms, i64) {
        match self.node(e) {
            Node::Add(ts, c) => (ts.clone(), *c),
            Node::Int(v) => (Terms::new(), *v),
            _ => (smallvec![(e, 1)], 0),
        }
    }

    /// Whether every term of `r` is a term of `a` with the same coefficient, and r's constant
    /// is a's, or in `[0, small)` (a constant or bare term counts as a one-term sum).
    pub(crate) fn terms_subset(&self, r: Expr, a: Expr, small: i64) -> bool {
        let ((rt, rc), (at, ac)) = (self.terms_and_constant(r), self.terms_and_constant(a));
        (rc == ac || (0..small.max(1)).contains(&rc)) && rt.iter().all(|t| at.contains(t))
    }

    /// `a / g` for an integer g dividing every coefficient and the constant of `a`.
    pub(crate) fn div_coeffs(&mut self, a: Expr, g: i64) -> Option<Expr> {
        match self.node(a).clone() {
            // Checked: `i64::MIN / -1` does not fit.
            Node::Int(v) => Some(self.int(v.checked_div(g)?)),
            Node::Add(ts, c) => {
                let mut terms: Terms = Terms::new();
                for (t, k) in ts.iter() {
                    terms.push((*t, k.checked_div(g)?));
                }
                self.add_terms(&terms, c.checked_div(g)?)
            }
            _ => None,
        }
    }

    /// `a + b` of integers; `None` on an `i64` overflow of a constant fold or a non-integer
    /// operand (see the module `typed`).
    pub fn add(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        self.add_terms(&[(a, 1), (b, 1)], 0)
    }

    /// `a - b` of integers; `None` on overflow or a non-integer operand.
    pub fn sub(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        self.add_terms(&[(a, 1), (b, -1)], 0)
    }

    /// `-a` of an integer; `None` on overflow (`-i64::MIN`) or a non-integer operand.
    pub fn neg(&mut self, a: Expr) -> Option<Expr> {
        self.add_terms(&[(a, -1)], 0)
    }

    /// `k * a` of an integer; `None` on overflow or a non-integer operand.
    pub fn scale(&mut self, a: Expr, k: i64) -> Option<Expr> {
        // Fast path, the same node `add_terms` builds: a single term that is not a constant,
        // a sum or a product with a sum factor is `k*a` as it stands (`0*a = 0`, `1*a = a`).
        if self.tys[a.index()] == Ty::Int {
            let plain = match self.node(a) {
                Node::Int(_) | Node::Add(..) => false,
                Node::Mul(fs) => !fs.iter().any(|f| matches!(self.node(*f), Node::Add(..))),
                _ => true,
            };
            if plain {
                return Some(match k {
                    0 => self.int(0),
                    1 => a,
                    _ => self.intern_term(a, k, 0),
                });
            }
        }
        self.add_terms(&[(a, k)], 0)
    }

    /// `a + k` of an integer; `None` on overflow or a non-integer operand.
    pub fn add_const(&mut self, a: Expr, k: i64) -> Option<Expr> {
        self.add_terms(&[(a, 1)], k)
    }

    /// `a * b` of integers (`None` on overflow or a non-integer operand), flattened with
    /// coefficients pulled out and powers merged.
    pub fn mul(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        self.mul_args(&[a, b])
    }

    /// `a_1 + ... + a_n` of integers in one step (`0` for none): the normal form adding them
    /// one at a time gives, in time and memory linear in the operands, where adding one at a
    /// time interns every partial sum (`n` nodes holding `1 + 2 + ... + n` terms: quadratic
    /// memory, docs/limits.md). `None` on an `i64` overflow or a non-integer operand; the
    /// constant is summed exactly, so only the sum's own constant must fit.
    ///
    /// ```
    /// # use sym::Context;
    /// let mut cx = Context::new();
    /// let ts: Vec<_> = ["x", "2*y", "x + 3"].iter().map(|t| cx.parse(t).unwrap()).collect();
    /// let s = cx.add_all(&ts).unwrap();
    /// assert_eq!(cx.display(s), "2*x + 2*y + 3");
    /// ```
    pub fn add_all(&mut self, terms: &[Expr]) -> Option<Expr> {
        let ts: Vec<(Expr, i64)> = terms.iter().map(|&t| (t, 1)).collect();
        self.add_terms(&ts, 0)
    }

    /// `a_1 * ... * a_n` of integers in one step (`1` for none): the normal form multiplying
    /// them one at a time gives, without interning every partial product ([`Context::add_all`]).
    /// `None` on an `i64` overflow of the constant factor or a non-integer operand.
    ///
    /// ```
    /// # use sym::Context;
    /// let mut cx = Context::new();
    /// let fs: Vec<_> = ["x", "2*y", "x + 3", "x"].iter().map(|t| cx.parse(t).unwrap()).collect();
    /// let p = cx.mul_all(&fs).unwrap();
    /// assert_eq!(cx.display(p), "y*x**2*(2*x + 6)");
    /// ```
    pub fn mul_all(&mut self, factors: &[Expr]) -> Option<Expr> {
        if factors.is_empty() {
            return Some(self.int(1));
        }
        // A zero factor: 0, as one at a time gives it whatever the other constants (their
        // product may overflow where `0 * c` does not).
        if factors
            .iter()
            .any(|&f| self.tys[f.index()] == Ty::Int && matches!(self.node(f), Node::Int(0)))
        {
            if factors.iter().any(|&f| self.tys[f.index()] != Ty::Int) {
                return None;
            }
            return Some(self.int(0));
        }
        self.mul_args(factors)
    }

    /// Product of `args` in normal form.
    pub(crate) fn mul_args(&mut self, args: &[Expr]) -> Option<Expr> {
        match self.mul_parts(args)? {
            (Some(prod), coeff) => self.scale(prod, coeff),
            (None, coeff) => Some(self.int(coeff)),
        }
    }

    /// The product of `args` as `coeff * prod` (`prod` in normal form without a coefficient;
    /// `None` for a constant product): [`Context::mul_args`] before scaling, for callers that
    /// put the product into a sum as the term `(prod, coeff)` (the parser).
    pub(crate) fn mul_parts(&mut self, args: &[Expr]) -> Option<(Option<Expr>, i64)> {
        if let Some(r) = self.mul_parts_of_symbols(args) {
            return r;
        }
        self.mul_parts_general(args)
    }

    /// [`Context::mul_parts`] for any factors.
    fn mul_parts_general(&mut self, args: &[Expr]) -> Option<(Option<Expr>, i64)> {
        let mut coeff: i64 = 1;
        // (base, exponent)
        let mut fs: smallvec::SmallVec<[(Expr, u32); 4]> = smallvec::SmallVec::new();
        let mut work: Args = args.iter().copied().collect();
        while let Some(f) = work.pop() {
            if self.tys[f.index()] != Ty::Int {
                return None;
            }
            match self.node(f) {
                Node::Int(v) => coeff = coeff.checked_mul(*v)?,
                Node::Mul(xs) => work.extend(xs.iter().copied()),
                Node::Add(ts, 0) if ts.len() == 1 => {
                    coeff = coeff.checked_mul(ts[0].1)?;
                    work.push(ts[0].0);
                }
                Node::Pow(b, k) => fs.push((*b, *k)),
                _ => fs.push((f, 1)),
            }
        }
        if coeff == 0 {
            return Some((None, 0));
        }
        // More than two factors sorted from the order of `args` (products in it flattened in
        // place), as `mul_parts_of_symbols` sorts them: a list that comes sorted costs the
        // insertion sort n - 1 comparisons. The order the sort starts from changes nothing
        // after the sort and the merge: the order is total on distinct bases, and the
        // exponents merged into one base (all positive) overflow u32 in any order exactly
        // when their sum does (test `factor_order_changes_no_product`). The constants were
        // multiplied above, in the work list's order, as before.
        if fs.len() > 2 {
            fs.reverse();
        }
        stable_sort_by(&mut fs, |x, y| self.cmp_expr(x.0, y.0));
        let mut merged: smallvec::SmallVec<[(Expr, u32); 4]> = smallvec::SmallVec::new();
        for (b, k) in fs {
            match merged.last_mut() {
                Some(last) if last.0 == b => last.1 = last.1.checked_add(k)?,
                _ => merged.push((b, k)),
            }
        }
        let mut factors: Args = Args::new();
        let mut powers = false;
        for (b, k) in merged {
            factors.push(if k == 1 {
                b
            } else {
                powers = true;
                self.intern(Node::Pow(b, k), Ty::Int)
            });
        }
        // A power sorts by its kind before its base: re-sort the final factor list. Without
        // powers the factors are the bases, sorted above.
        if powers {
            factors.sort_by(|x, y| self.cmp_expr(*x, *y));
        }
        let prod = match factors.len() {
            0 => return Some((None, coeff)),
            1 => factors[0],
            _ => self.intern_mul(&factors),
        };
        Some((Some(prod), coeff))
    }

    /// [`Context::mul_parts`] of integer constants and distinct integer factors that the
    /// general path keeps as they stand (most products a parser builds: `96*q0*s27`,
    /// `s0*((s53//4))`, `(x + 1)*(y + 1)`): any node but a product, a power and a sum `k*t` of
    /// one term and no constant (those the general path takes apart). Without its work
    /// lists: the factors in the general path's order (last to first) and sorted by its
    /// stable sort are the factors (no powers to merge, so its second sort changes nothing).
    /// `None` when `args` is anything else (also a factor met twice, a power): the general
    /// path answers it, the same way.
    fn mul_parts_of_symbols(&mut self, args: &[Expr]) -> Option<Option<(Option<Expr>, i64)>> {
        // The kept factors in a buffer: an array for up to four factors (most products; a
        // small vector's pushes and reads check where its items live, about a fifth of this
        // path), a list of as many as are not constants for more (inline up to four, as the
        // pushes kept them). Filled with copies of the first factor, then overwritten from
        // the start: `syms` below is the factors kept, in the order pushed.
        let Some(&first) = args.first() else {
            // No factor: the empty product, 1.
            return Some(Some((None, 1)));
        };
        let mut small = [first; 4];
        let mut big: Args;
        let buf: &mut [Expr] = if args.len() <= small.len() {
            &mut small[..]
        } else {
            let n = args
                .iter()
                .filter(|a| !matches!(self.node(**a), Node::Int(_)))
                .count();
            big = smallvec::smallvec![first; n];
            &mut big[..]
        };
        let mut kept = 0;
        let mut coeff: i64 = 1;
        // Whether a factor is not a symbol (then the sort is `cmp_expr`'s).
        let mut mixed = false;
        // Last to first, as the general path multiplies: where a partial product of the
        // constants overflows depends on the order (`0*9223372036854775807*-7`), so both
        // refuse the same inputs.
        for &a in args.iter().rev() {
            if self.tys[a.index()] != Ty::Int {
                return None;
            }
            match self.node(a) {
                Node::Int(v) => {
                    coeff = coeff.checked_mul(*v)?;
                    continue;
                }
                Node::Sym(_) => {}
                Node::Mul(_) | Node::Pow(..) => return None,
                Node::Add(ts, 0) if ts.len() == 1 => return None,
                _ => mixed = true,
            }
            buf[kept] = a;
            kept += 1;
        }
        let syms = &mut buf[..kept];
        // `syms` holds the factors last to first (the order the constants are multiplied
        // in); more than two are sorted from the order of `args` instead. The sort's answer
        // does not depend on the order it starts from: the order is total on distinct
        // factors, and a factor met twice is refused below either way (test
        // `factor_order_changes_no_product`). A list that comes sorted, as the parser's
        // products come (a printed product is in the normal form's order:
        // `Max(1, FloorDiv(s0, 2))*Max(1, FloorDiv(s53, 2))*...` in a request's assumptions),
        // costs the insertion sort n - 1 comparisons, where reversed it costs n(n - 1)/2.
        // Two factors cost one comparison either way, and stay as they were (reversing the
        // pairs cost the core requests 0.06% more: the products expansions build come the
        // other way).
        if syms.len() > 2 {
            syms.reverse();
        }
        if mixed {
            // The general path's sort of the same list (`cmp_expr`, stable).
            stable_sort_by(syms, |x, y| self.cmp_expr(*x, *y));
        } else {
            // Sorted by name (the order `cmp_expr` gives two symbols, without its calls;
            // names are a total order, so this is the general path's sort). A sort, not
            // insertions as they come: a product of n symbols stays n log n.
            let name_order = |a: &Expr, b: &Expr| match (self.node(*a), self.node(*b)) {
                (Node::Sym(s), Node::Sym(t)) => self.sym_cmp(*s, *t),
                _ => unreachable!("only symbols are kept"),
            };
            stable_sort_by(syms, name_order);
        }
        if coeff == 0 {
            return Some(Some((None, 0)));
        }
        if syms.windows(2).any(|w| w[0] == w[1]) {
            return None;
        }
        let prod = match syms.len() {
            0 => return Some(Some((None, coeff))),
            1 => syms[0],
            _ => self.intern_mul(syms),
        };
        Some(Some((Some(prod), coeff)))
    }

    /// `base ** k` for a natural `k` of an integer; `None` on overflow or a non-integer base.
    pub fn pow(&mut self, base: Expr, k: u32) -> Option<Expr> {
        if self.ty(base) != Ty::Int {
            return None;
        }
        match k {
            0 => return Some(self.int(1)),
            1 => return Some(base),
            _ => {}
        }
        if let Some(v) = self.as_int(base) {
            return Some(self.int(v.checked_pow(k)?));
        }
        let (c, rest) = self.coeff_split(base);
        if c != 1 {
            let cp = c.checked_pow(k)?;
            let r = self.pow(rest?, k)?;
            return self.scale(r, cp);
        }
        match self.node(base).clone() {
            Node::Pow(b, j) => {
                let e = j.checked_mul(k)?;
                Some(self.intern(Node::Pow(b, e), Ty::Int))
            }
            Node::Mul(xs) => {
                let mut ps = Args::new();
                for x in xs {
                    ps.push(self.pow(x, k)?);
                }
                self.mul_args(&ps)
            }
            _ => Some(self.intern(Node::Pow(base, k), Ty::Int)),
        }
    }

    /// Raw floor division node (constants folded, `FloorDiv(a, 1) = a`; no other rewriting).
    pub(crate) fn floordiv_raw(&mut self, a: Expr, b: Expr) -> Expr {
        if self.as_int(b) == Some(1) {
            return a;
        }
        if let (Some(x), Some(y)) = (self.as_int(a), self.as_int(b))
            && let Some(q) = floor_div(x, y)
        {
            return self.int(q);
        }
        self.intern_pair(Pair::FloorDiv, a, b, Ty::Int)
    }

    /// Raw floor modulo node (constants folded).
    pub(crate) fn modulo_raw(&mut self, a: Expr, b: Expr) -> Expr {
        if let (Some(x), Some(y)) = (self.as_int(a), self.as_int(b))
            && let Some(r) = floor_mod(x, y)
        {
            return self.int(r);
        }
        self.intern_pair(Pair::Mod, a, b, Ty::Int)
    }

    /// `ModularIndexing(a, b, m)` = `Mod(FloorDiv(a, b), m)`.
    pub(crate) fn modular_indexing_raw(&mut self, a: Expr, b: Expr, m: Expr) -> Expr {
        let q = self.floordiv_raw(a, b);
        self.modulo_raw(q, m)
    }

    /// Raw ceiling division node (constants folded, `CeilDiv(a, 1) = a`; no other rewriting).
    /// Its own node, not `-FloorDiv(-a, b)`: that form computes `-a`, which overflows at
    /// `a = i64::MIN` where the quotient fits. The simplifier turns it into the floor form where
    /// the new nodes provably fit (`rules_ceildiv`). Always `Some` (kept `Option` for callers
    /// that compose it with the checked builders).
    pub(crate) fn ceildiv_raw(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        if self.as_int(b) == Some(1) {
            return Some(a);
        }
        if let (Some(x), Some(y)) = (self.as_int(a), self.as_int(b))
            && let Some(q) = ceil_div(x, y)
        {
            return Some(self.int(q));
        }
        Some(self.intern_pair(Pair::CeilDiv, a, b, Ty::Int))
    }

    /// n-ary Min or Max: flattened (up to [`FLAT_MAX`] operands), constants folded, duplicates
    /// removed, sorted.
    pub(crate) fn minmax(&mut self, is_max: bool, args: &[Expr]) -> Expr {
        let mut flat: Args = Args::new();
        let work = flat_operands(self, args, |n| match n {
            Node::Min(xs) if !is_max => Some(xs),
            Node::Max(xs) if is_max => Some(xs),
            _ => None,
        });
        let mut best_int: Option<i64> = None;
        let mut best_float: Option<f64> = None;
        let ty = args.first().map(|a| self.ty(*a)).unwrap_or(Ty::Int);
        for a in work {
            match self.node(a) {
                Node::Int(v) => {
                    let v = *v;
                    best_int = Some(match best_int {
                        None => v,
                        Some(b) if is_max => b.max(v),
                        Some(b) => b.min(v),
                    })
                }
                Node::Float(bits) if !f64::from_bits(*bits).is_nan() => {
                    let v = f64::from_bits(*bits);
                    best_float = Some(match best_float {
                        None => v,
                        Some(b) if is_max => {
                            if v > b {
                                v
                            } else {
                                b
                            }
                        }
                        Some(b) => {
                            if v < b {
                                v
                            } else {
                                b
                            }
                        }
                    })
                }
                _ => flat.push(a),
            }
        }
        if let Some(v) = best_int {
            let c = self.int(v);
            flat.push(c);
        }
        if let Some(v) = best_float {
            let c = self.float(v);
            flat.push(c);
        }
        flat.sort_by(|x, y| self.cmp_expr(*x, *y));
        flat.dedup();
        if flat.len() == 1 {
            return flat[0];
        }
        let n = if is_max {
            Node::Max(flat)
        } else {
            Node::Min(flat)
        };
        self.intern(n, ty)
    }

    /// `Abs(a)` (constants folded).
    pub(crate) fn abs_raw(&mut self, a: Expr) -> Expr {
        if let Some(v) = self.as_int(a)
            && let Some(r) = v.checked_abs()
        {
            return self.int(r);
        }
        let ty = self.ty(a);
        if let Some(f) = self.as_float(a) {
            return self.float(f.abs());
        }
        // Abs(-a) = Abs(a): one sign for the argument, its first term positive, so that
        // `Abs(x) - Abs(-x)` meets in one form (and cancels).
        if let Node::Add(ts, _) = self.node(a)
            && ts[0].1 < 0
            && let Some(na) = self.neg(a)
        {
            return self.intern(Node::Abs(na), ty);
        }
        self.intern(Node::Abs(a), ty)
    }

    /// `Where(c, a, b)`: a constant condition picks its branch.
    pub(crate) fn where_raw(&mut self, c: Expr, a: Expr, b: Expr) -> Expr {
        match self.as_bool(c) {
            Some(true) => a,
            Some(false) => b,
            None if a == b => a,
            None => {
                let ty = self.ty(a);
                self.intern(Node::Where(c, a, b), ty)
            }
        }
    }

    /// Comparison node: `Eq`, `Ne`, `Lt`, `Le` (constants folded). `Gt`/`Ge` are built by
    /// swapping operands.
    pub(crate) fn compare_raw(&mut self, op: CmpOp, a: Expr, b: Expr) -> Expr {
        let folded = match (self.node(a), self.node(b)) {
            (Node::Int(x), Node::Int(y)) => Some(op.eval_ord(x.cmp(y))),
            (Node::Float(x), Node::Float(y)) => {
                let (x, y) = (f64::from_bits(*x), f64::from_bits(*y));
                Some(match op {
                    CmpOp::Eq => x == y,
                    CmpOp::Ne => x != y,
                    CmpOp::Lt => x < y,
                    CmpOp::Le => x <= y,
                })
            }
            (Node::Bool(x), Node::Bool(y)) => Some(op.eval_ord(x.cmp(y))),
            _ if a == b && self.ty(a) != Ty::Float => Some(op.eval_ord(std::cmp::Ordering::Equal)),
            _ => None,
        };
        if let Some(v) = folded {
            return self.boolean(v);
        }
        // Eq/Ne are symmetric: a canonical operand order, constants on the right (`Lt` and
        // `Le` keep theirs: no comparison of the operands for them).
        let is_const = |cx: &Self, e: Expr| {
            matches!(cx.node(e), Node::Int(_) | Node::Float(_) | Node::Bool(_))
        };
        let swap = matches!(op, CmpOp::Eq | CmpOp::Ne)
            && match (is_const(self, a), is_const(self, b)) {
                (true, false) => true,
                (false, true) => false,
                _ => self.cmp_expr(b, a) == std::cmp::Ordering::Less,
            };
        let (a, b) = if swap { (b, a) } else { (a, b) };
        let p = match op {
            CmpOp::Eq => Pair::Eq,
            CmpOp::Ne => Pair::Ne,
            CmpOp::Lt => Pair::Lt,
            CmpOp::Le => Pair::Le,
        };
        self.intern_pair(p, a, b, Ty::Bool)
    }

    /// n-ary And / Or: flattened (up to [`FLAT_MAX`] operands), constants absorbed,
    /// duplicates removed, sorted.
    pub(crate) fn logic(&mut self, is_or: bool, args: &[Expr]) -> Expr {
        let mut flat: Args = Args::new();
        let work = flat_operands(self, args, |n| match n {
            Node::And(xs) if !is_or => Some(xs),
            Node::Or(xs) if is_or => Some(xs),
            _ => None,
        });
        for a in work {
            match self.node(a) {
                Node::Bool(v) => {
                    if *v == is_or {
                        return self.boolean(is_or);
                    }
                }
                _ => flat.push(a),
            }
        }
        flat.sort_by(|x, y| self.cmp_expr(*x, *y));
        flat.dedup();
        match flat.len() {
            0 => self.boolean(!is_or),
            1 => flat[0],
            _ => {
                let n = if is_or {
                    Node::Or(flat)
                } else {
                    Node::And(flat)
                };
                self.intern(n, Ty::Bool)
            }
        }
    }

    /// `And(args...)`.
    pub(crate) fn and_raw(&mut self, args: &[Expr]) -> Expr {
        self.logic(false, args)
    }

    /// `Or(args...)`.
    pub(crate) fn or_raw(&mut self, args: &[Expr]) -> Expr {
        self.logic(true, args)
    }

    /// `Not(p)`, pushed into comparisons (`Not(a < b)` is `b <= a`).
    pub(crate) fn not_raw(&mut self, p: Expr) -> Expr {
        match self.node(p).clone() {
            Node::Bool(v) => self.boolean(!v),
            Node::Not(q) => q,
            Node::Eq(a, b) => self.compare_raw(CmpOp::Ne, a, b),
            Node::Ne(a, b) => self.compare_raw(CmpOp::Eq, a, b),
            // Not valid for floats (NaN compares false both ways).
            Node::Lt(a, b) if self.ty(a) != Ty::Float => self.compare_raw(CmpOp::Le, b, a),
            Node::Le(a, b) if self.ty(a) != Ty::Float => self.compare_raw(CmpOp::Lt, b, a),
            _ => self.intern(Node::Not(p), Ty::Bool),
        }
    }

    /// `ToFloat(a)`: exact for constants (round to nearest, like C++ and Python).
    #[allow(clippy::wrong_self_convention)] // a constructor in the context, like `to_float`
    pub(crate) fn to_float_raw(&mut self, a: Expr) -> Expr {
        if let Some(v) = self.as_int(a) {
            return self.float(v as f64);
        }
        if self.ty(a) == Ty::Float {
            return a;
        }
        self.intern(Node::ToFloat(a), Ty::Float)
    }

    /// Float `a + b` (double arithmetic; constants folded when the result is finite).
    pub(crate) fn fadd_raw(&mut self, a: Expr, b: Expr) -> Expr {
        let (a, b) = (self.to_float_raw(a), self.to_float_raw(b));
        if let (Some(x), Some(y)) = (self.as_float(a), self.as_float(b))
            && (x + y).is_finite()
        {
            return self.float(x + y);
        }
        let (a, b) = self.commute(a, b);
        self.intern(Node::FAdd(a, b), Ty::Float)
    }

    /// Float `a * b`.
    pub(crate) fn fmul_raw(&mut self, a: Expr, b: Expr) -> Expr {
        let (a, b) = (self.to_float_raw(a), self.to_float_raw(b));
        if let (Some(x), Some(y)) = (self.as_float(a), self.as_float(b))
            && (x * y).is_finite()
        {
            return self.float(x * y);
        }
        let (a, b) = self.commute(a, b);
        self.intern(Node::FMul(a, b), Ty::Float)
    }

    /// Float `-a` (exact).
    pub(crate) fn fneg_raw(&mut self, a: Expr) -> Expr {
        let a = self.to_float_raw(a);
        if let Some(x) = self.as_float(a) {
            return self.float(-x);
        }
        if let Node::FNeg(x) = self.node(a) {
            return *x;
        }
        self.intern(Node::FNeg(a), Ty::Float)
    }

    /// Float division `a / b`.
    pub(crate) fn float_truediv_raw(&mut self, a: Expr, b: Expr) -> Expr {
        let (a, b) = (self.to_float_raw(a), self.to_float_raw(b));
        if let (Some(x), Some(y)) = (self.as_float(a), self.as_float(b))
            && y != 0.0
            && (x / y).is_finite()
        {
            return self.float(x / y);
        }
        self.intern(Node::FloatTrueDiv(a, b), Ty::Float)
    }

    /// `IntTrueDiv(a, b)`: integer / integer correctly rounded to a double.
    pub(crate) fn int_truediv_raw(&mut self, a: Expr, b: Expr) -> Expr {
        if let (Some(x), Some(y)) = (self.as_int(a), self.as_int(b))
            && let Some(v) = crate::eval::int_true_div(x, y)
        {
            return self.float(v);
        }
        self.intern(Node::IntTrueDiv(a, b), Ty::Float)
    }

    /// Float to integer conversions (`TruncToInt`, ...), folded for finite in-range constants.
    pub(crate) fn float_to_int_raw(&mut self, op: RoundOp, a: Expr) -> Expr {
        if self.ty(a) == Ty::Int {
            return a;
        }
        if let Some(x) = self.as_float(a)
            && let Some(v) = crate::eval::round_to_i64(op, x)
        {
            return self.int(v);
        }
        let n = match op {
            RoundOp::Trunc => Node::TruncToInt(a),
            RoundOp::Floor => Node::FloorToInt(a),
            RoundOp::Ceil => Node::CeilToInt(a),
            RoundOp::Round => Node::RoundToInt(a),
        };
        self.intern(n, Ty::Int)
    }

    fn commute(&self, a: Expr, b: Expr) -> (Expr, Expr) {
        if self.cmp_expr(b, a) == std::cmp::Ordering::Less {
            (b, a)
        } else {
            (a, b)
        }
    }

    /// Rebuilds node `n` of expression `orig` with new children `ch` (same arity), using the
    /// structural constructors. Used by substitution and by the simplifier's generic path.
    pub(crate) fn rebuild(&mut self, orig: Expr, ch: &[Expr]) -> Option<Expr> {
        let n = self.node(orig).clone();
        Some(match n {
            Node::Int(_) | Node::Float(_) | Node::Bool(_) | Node::Sym(_) => orig,
            Node::Add(ts, c) => {
                let terms: Terms = ts.iter().zip(ch).map(|(t, &e)| (e, t.1)).collect();
                self.add_terms(&terms, c)?
            }
            Node::Mul(_) => self.mul_args(ch)?,
            Node::Pow(_, k) => self.pow(ch[0], k)?,
            Node::FloorDiv(..) => self.floordiv_raw(ch[0], ch[1]),
            Node::CeilDiv(..) => self.ceildiv_raw(ch[0], ch[1])?,
            Node::Mod(..) => self.modulo_raw(ch[0], ch[1]),
            Node::Min(_) => self.minmax(false, ch),
            Node::Max(_) => self.minmax(true, ch),
            Node::Abs(_) => self.abs_raw(ch[0]),
            Node::Where(..) => self.where_raw(ch[0], ch[1], ch[2]),
            Node::ToFloat(_) => self.to_float_raw(ch[0]),
            Node::IntTrueDiv(..) => self.int_truediv_raw(ch[0], ch[1]),
            Node::FloatTrueDiv(..) => self.float_truediv_raw(ch[0], ch[1]),
            Node::FAdd(..) => self.fadd_raw(ch[0], ch[1]),
            Node::FMul(..) => self.fmul_raw(ch[0], ch[1]),
            Node::FNeg(_) => self.fneg_raw(ch[0]),
            Node::TruncToInt(_) => self.float_to_int_raw(RoundOp::Trunc, ch[0]),
            Node::FloorToInt(_) => self.float_to_int_raw(RoundOp::Floor, ch[0]),
            Node::CeilToInt(_) => self.float_to_int_raw(RoundOp::Ceil, ch[0]),
            Node::RoundToInt(_) => self.float_to_int_raw(RoundOp::Round, ch[0]),
            Node::Eq(..) => self.compare_raw(CmpOp::Eq, ch[0], ch[1]),
            Node::Ne(..) => self.compare_raw(CmpOp::Ne, ch[0], ch[1]),
            Node::Lt(..) => self.compare_raw(CmpOp::Lt, ch[0], ch[1]),
            Node::Le(..) => self.compare_raw(CmpOp::Le, ch[0], ch[1]),
            Node::And(_) => self.logic(false, ch),
            Node::Or(_) => self.logic(true, ch),
            Node::Not(_) => self.not_raw(ch[0]),
        })
    }

    /// Replaces symbols by expressions everywhere in `e` (iterative, shared subterms once).
    /// `None` if a constant fold overflows or a replacement's type is not its symbol's.
    pub fn substitute(&mut self, e: Expr, map: &[(crate::Symbol, Expr)]) -> Option<Expr> {
        let mut memo: rustc_hash::FxHashMap<Expr, Expr> = rustc_hash::FxHashMap::default();
        for &(s, v) in map {
            // A replacement of another type would build ill-typed nodes.
            if self.ty(v) != self.sym_ty(s) {
                return None;
            }
            memo.insert(self.sym(s), v);
        }
        self.map_bottom_up(e, &mut memo, |cx, orig, ch| cx.rebuild(orig, ch))
    }

    /// Post-order traversal with an explicit stack: `f(cx, node, new_children)` for every node
    /// not already in `memo`. The workhorse of every pass, so no pass recurses on depth.
    pub(crate) fn map_bottom_up(
        &mut self,
        root: Expr,
        memo: &mut rustc_hash::FxHashMap<Expr, Expr>,
        mut f: impl FnMut(&mut Context, Expr, &[Expr]) -> Option<Expr>,
    ) -> Option<Expr> {
        let mut stack: smallvec::SmallVec<[(Expr, bool); 32]> = smallvec::smallvec![(root, false)];
        let mut ch: Args = smallvec![];
        while let Some((e, expanded)) = stack.pop() {
            if memo.contains_key(&e) {
                continue;
            }
            let kids = self.node(e).children();
            if !expanded {
                stack.push((e, true));
                for k in kids.iter().rev() {
                    if !memo.contains_key(k) {
                        stack.push((*k, false));
                    }
                }
                continue;
            }
            ch.clear();
            ch.extend(kids.iter().map(|k| memo[k]));
            let r = if ch.iter().zip(kids.iter()).all(|(a, b)| a == b) && kids.is_empty() {
                f(self, e, &[])?
            } else {
                f(self, e, &ch)?
            };
            memo.insert(e, r);
        }
        Some(memo[&root])
    }
}

/// A comparison operator of the normal form (`Gt`/`Ge` are swapped `Lt`/`Le`).
///
/// Exhaustive on purpose: the normal form has exactly these four comparisons, so a `match`
/// over them needs no fallback arm.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl CmpOp {
    fn eval_ord(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => o == Equal,
            CmpOp::Ne => o != Equal,
            CmpOp::Lt => o == Less,
            CmpOp::Le => o != Greater,
        }
    }
}

/// How a float is rounded to an integer.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum RoundOp {
    /// Toward zero.
    Trunc,
    /// Toward -infinity.
    Floor,
    /// Toward +infinity.
    Ceil,
    /// To nearest, ties to even.
    Round,
}

#[cfg(test)]
mod tests {
    use crate::Context;
    use crate::expr::Expr;

    /// `stable_sort_by` is `sort_by`: on random lists of zero to six items with many ties
    /// (keys from a few values, each item tagged with its place, so that a sort that moves
    /// equal items differs), under an order and its reverse, and on the i64 edges as keys.
    #[test]
    fn stable_sort_by_is_sort_by() {
        let mut next = crate::test_rng::xorshift(0x5EED_0042_B11D_0001);
        let keys = [i64::MIN, -1, 0, 1, i64::MAX];
        for case in 0..20_000 {
            let n = next(7) as usize;
            let v: Vec<(i64, usize)> = (0..n)
                .map(|i| (keys[next(keys.len() as u64) as usize], i))
                .collect();
            for rev in [false, true] {
                let cmp = |a: &(i64, usize), b: &(i64, usize)| {
                    if rev { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) }
                };
                let (mut a, mut b) = (v.clone(), v.clone());
                super::stable_sort_by(&mut a, cmp);
                b.sort_by(cmp);
                assert_eq!(a, b, "case {case}: {v:?} rev {rev}");
            }
        }
    }

    /// A small deterministic generator (no dependency, the same cases every run).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    /// `add_all` and `mul_all` build what folding one operand at a time builds, on random
    /// operand lists (sums, products, powers, calls, floats, booleans, constants at the int64
    /// edges): equal in value at random points wherever both answer, and mostly the same node
    /// (a product's constant is distributed into its first sum factor, and which sum is first
    /// can differ between the one-step product and the fold's steps: `(x + 1)*(2*y + 2)`
    /// against `(2*x + 2)*(y + 1)`, both normal forms the simplifier makes equal). They refuse
    /// only an overflow of the constant (exact in one step, so some sums the fold refuses are
    /// answered, and a product's constant may overflow in another order) or a non-integer
    /// operand.
    #[test]
    fn all_at_once_is_one_at_a_time() {
        use crate::Value;
        let mut next = crate::test_rng::xorshift(0x05ee_da11);
        let mut cx = Context::new();
        let mut same = [0; 2];
        let mut answered = [0; 2];
        for _ in 0..4000 {
            let n = 2 + next(5) as usize;
            let mut ops = Vec::new();
            while ops.len() < n {
                let t = crate::parse::tests::random_text(&mut next, 2);
                if let Ok(e) = cx.parse(&t) {
                    ops.push(e);
                }
            }
            let int = ops.iter().all(|&e| cx.ty(e) == crate::Ty::Int);
            for (k, product) in [false, true].into_iter().enumerate() {
                let mut fold = Some(ops[0]);
                for &x in &ops[1..] {
                    fold = fold.and_then(|a| if product { cx.mul(a, x) } else { cx.add(a, x) });
                }
                let all = if product {
                    cx.mul_all(&ops)
                } else {
                    cx.add_all(&ops)
                };
                match (fold, all) {
                    (Some(f), Some(a)) => {
                        answered[k] += 1;
                        if f == a {
                            same[k] += 1;
                            continue;
                        }
                        for _ in 0..8 {
                            let vals: Vec<(crate::Symbol, Value)> = cx
                                .free_symbols(f)
                                .into_iter()
                                .map(|s| (s, Value::Int(next(41) as i64 - 20)))
                                .collect();
                            if let (Ok(x), Ok(y)) = (cx.eval_syms(f, &vals), cx.eval_syms(a, &vals))
                            {
                                assert_eq!(x, y, "{} and {}", cx.display(f), cx.display(a));
                            }
                        }
                    }
                    (Some(f), None) => {
                        // A sum's constant is exact in one step: only a product refuses
                        // where the fold answers, by its constant's overflow in another order.
                        assert!(product && int, "refused {}", cx.display(f));
                    }
                    (None, Some(_)) => assert!(int),
                    (None, None) => {}
                }
            }
        }
        assert!(answered[0] > 1000 && answered[1] > 1000, "{answered:?}");
        assert!(
            same[0] * 10 > answered[0] * 9 && same[1] * 10 > answered[1] * 9,
            "{same:?}"
        );
        let (e0, e1) = (cx.int(0), cx.int(1));
        assert_eq!(cx.add_all(&[]), Some(e0));
        assert_eq!(cx.mul_all(&[]), Some(e1));
    }

    /// The products-of-symbols path of `mul_parts` answers exactly what the general path
    /// answers (same node, same coefficient, the same refusals), on factor lists with
    /// repeated symbols, zeros, ones, negative and overflowing constants, and non-symbols
    /// (divisions, sums, calls, products, powers, floats, repeated ones).
    #[test]
    fn symbol_products_agree_with_the_general_path() {
        let mut cx = Context::new();
        let names = ["s0", "s1", "x10", "x2", "tmp3", "_a"];
        let syms: Vec<Expr> = names
            .iter()
            .map(|n| {
                let s = cx.symbol(n).unwrap();
                cx.sym(s)
            })
            .collect();
        let consts = [0, 1, -1, 2, 96, -7, i64::MAX, i64::MIN, 1 << 40];
        let others = [
            cx.parse("FloorDiv(s0, 2)").unwrap(),
            cx.parse("s1**2").unwrap(),
            cx.parse("s0*x2").unwrap(),
            cx.parse("x").unwrap(),
            cx.parse("ToFloat(s0)").unwrap(),
            // Factors the fast path keeps as they stand (sorted by `cmp_expr` among the
            // symbols), or refuses (`3*x10`, a sum of one term and no constant).
            cx.parse("s0 + 1").unwrap(),
            cx.parse("s1 - x2").unwrap(),
            cx.parse("3*x10").unwrap(),
            cx.parse("2*s0 + 2").unwrap(),
            cx.parse("Mod(s1, 3)").unwrap(),
            cx.parse("Max(s0, x10)").unwrap(),
            cx.parse("FloorDiv(s0, 2) + 1").unwrap(),
        ];
        let mut r = Lcg(7);
        let mut fast_taken = 0;
        for _ in 0..20_000 {
            // Zero to ten factors: the empty product, lists the fast path keeps in an array
            // (up to four) and longer ones.
            let n = r.next(11) as usize;
            let args: Vec<Expr> = (0..n)
                .map(|_| match r.next(10) {
                    0..=5 => syms[r.next(syms.len() as u64) as usize],
                    6..=8 => cx.int(consts[r.next(consts.len() as u64) as usize]),
                    _ => others[r.next(others.len() as u64) as usize],
                })
                .collect();
            let general = cx.mul_parts_general(&args);
            if let Some(fast) = cx.mul_parts_of_symbols(&args) {
                fast_taken += 1;
                assert_eq!(
                    fast,
                    general,
                    "{:?}",
                    args.iter().map(|a| cx.display(*a)).collect::<Vec<_>>()
                );
            }
            assert_eq!(cx.mul_parts(&args), general);
        }
        assert!(
            fast_taken > 5_000,
            "the fast path was taken {fast_taken} times"
        );
    }

    /// `mul_parts` sorts the factors in the order they come in (`args`' order, for the
    /// parser's factor lists, which come sorted), not reversed: its answer does not depend
    /// on the order of the non-constant factors. Every permutation of them (the constants
    /// kept in their order, so that the partial products that overflow are the same) gives
    /// the answer of the list as it came, on both paths (products of symbols, and factors of
    /// every kind: calls, sums, powers, products, a symbol twice), with lists of one to
    /// seven factors whose order is random, sorted or reversed.
    #[test]
    fn factor_order_changes_no_product() {
        let mut cx = Context::new();
        let mut pool: Vec<Expr> = ["s0", "s1", "x10", "x2", "tmp3", "_a", "s53"]
            .iter()
            .map(|n| {
                let s = cx.symbol(n).unwrap();
                cx.sym(s)
            })
            .collect();
        for t in [
            "Max(1, FloorDiv(s0, 2))",
            "Max(1, FloorDiv(s53, 2))",
            "Max(1, FloorDiv(s0, FloorDiv(s0, 2)))",
            "FloorDiv(s0, 2)",
            "Mod(s1, 3)",
            "s1**2",
            "s0*x2",
            "s0 + 1",
            "s1 - x2",
        ] {
            // (Not `3*x10`: a sum of one term, whose coefficient joins the constants where it
            // stands, so that moving it moves a partial product.)
            pool.push(cx.parse(t).unwrap());
        }
        let consts = [0, 1, -1, 2, 96, -7, i64::MAX, i64::MIN];
        let order = |cx: &Context, v: &mut Vec<Expr>| v.sort_by(|a, b| cx.cmp_expr(*a, *b));
        let mut r = Lcg(38);
        let mut products = 0;
        for round in 0..20_000 {
            let n = 1 + r.next(7) as usize;
            // Symbols only in a third of the lists (the products-of-symbols path).
            let from = if round % 3 == 0 { 7 } else { pool.len() };
            let mut factors: Vec<Expr> =
                (0..n).map(|_| pool[r.next(from as u64) as usize]).collect();
            match r.next(3) {
                0 => order(&cx, &mut factors),
                1 => {
                    order(&cx, &mut factors);
                    factors.reverse();
                }
                _ => {}
            }
            let ks: Vec<Expr> = (0..r.next(3))
                .map(|_| cx.int(consts[r.next(consts.len() as u64) as usize]))
                .collect();
            // The constants at random places among the factors, in their order.
            let with = |fs: &[Expr], r: &mut Lcg| -> Vec<Expr> {
                let mut out = fs.to_vec();
                for &k in &ks {
                    let at = r.next(out.len() as u64 + 1) as usize;
                    let at = out
                        .iter()
                        .rposition(|e| ks.contains(e))
                        .map_or(at, |last| at.max(last + 1));
                    out.insert(at, k);
                }
                out
            };
            let args = with(&factors, &mut r);
            let want = cx.mul_parts(&args);
            products += usize::from(matches!(want, Some((Some(_), _))));
            for _ in 0..4 {
                let mut p = factors.clone();
                for i in (1..p.len()).rev() {
                    p.swap(i, r.next(i as u64 + 1) as usize);
                }
                let q = with(&p, &mut r);
                assert_eq!(
                    cx.mul_parts(&q),
                    want,
                    "{:?} against {:?}",
                    q.iter().map(|a| cx.display(*a)).collect::<Vec<_>>(),
                    args.iter().map(|a| cx.display(*a)).collect::<Vec<_>>()
                );
            }
        }
        assert!(products > 10_000, "{products} products");
    }
}

#[cfg(test)]
mod two_terms_tests {
    use crate::Context;
    use crate::expr::Expr;

    /// `add_terms` of two terms (its fast path where it applies) builds what its general
    /// path builds (the same terms and a third of coefficient 0, which it skips), and no
    /// other node: random pairs of terms of every kind the parser hands it (symbols, constants, sums, one-term sums, products with and without a sum factor,
    /// calls, a float, one term twice) with coefficients and constants at the i64 edges
    /// (merged coefficients that cancel or overflow).
    #[test]
    fn two_terms_build_what_the_general_path_builds() {
        let mut next = crate::test_rng::xorshift(0x2_7e2a);
        let mut cx = Context::new();
        cx.declare("w", crate::Ty::Float).expect("a float symbol");
        let texts = [
            "x",
            "y",
            "z",
            "s10",
            "s2",
            "0",
            "1",
            "-3",
            "x + 1",
            "2*x",
            "-y",
            "x*y",
            "y*z",
            "(x + 1)*y",
            "x//3",
            "y//3",
            "Max(x, y)",
            "x % 4",
            "w",
            "x*x",
            "2*x*y",
            "(x//3)*y",
        ];
        let pool: Vec<Expr> = texts.iter().map(|t| cx.parse(t).expect("parses")).collect();
        let ks = [0i64, 1, -1, 2, -2, 3, 7, i64::MAX, i64::MIN, i64::MIN + 1];
        let pick = |next: &mut dyn FnMut(u64) -> u64| match next(3) {
            0 => (next(41) as i64) - 20,
            _ => ks[next(ks.len() as u64) as usize],
        };
        let (mut fast, mut answered) = (0, 0);
        for _ in 0..20_000 {
            let a = pool[next(pool.len() as u64) as usize];
            let b = if next(4) == 0 {
                a
            } else {
                pool[next(pool.len() as u64) as usize]
            };
            let (ka, kb, c) = (pick(&mut next), pick(&mut next), pick(&mut next));
            let terms = [(a, ka), (b, kb)];
            let n0 = cx.nodes.len();
            let got = cx.add_terms(&terms, c);
            if cx.add_two_terms(terms[0], terms[1], c).is_some() {
                fast += 1;
            }
            let n1 = cx.nodes.len();
            // The general path: the same sum with a third term of coefficient 0, which
            // `add_terms` skips (three terms: no fast path).
            let want = cx.add_terms(&[terms[0], terms[1], (a, 0)], c);
            assert_eq!(got, want, "{terms:?} + {c}");
            // Nothing built that the general path does not build: after the fast path the
            // general one finds every node made.
            assert_eq!(cx.nodes.len(), n1, "{terms:?} + {c}");
            if got.is_none() {
                assert_eq!(n1, n0);
            } else {
                answered += 1;
            }
        }
        assert!(
            fast > 5_000 && answered > 10_000,
            "fast {fast}, answered {answered}"
        );
    }
}

#[cfg(test)]
mod gcd_tests {
    use super::gcd;

    /// Euclid's algorithm, the reference (with gcd's one stand-in: 2^63 is answered 2^62).
    fn euclid(a: i64, b: i64) -> i64 {
        let (mut x, mut y) = (a.unsigned_abs(), b.unsigned_abs());
        while y != 0 {
            let t = x % y;
            x = y;
            y = t;
        }
        i64::try_from(x).unwrap_or(1 << 62)
    }

    /// The binary gcd against Euclid's: at the edges (0, +-1, i64::MIN and MAX, powers of
    /// two and their neighbours) pairwise, and at random pairs of every magnitude.
    #[test]
    fn binary_gcd_is_euclids() {
        let mut edges = vec![
            0i64,
            1,
            -1,
            2,
            -2,
            3,
            6,
            7,
            30,
            64,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        for b in 1..63 {
            edges.extend([
                1i64 << b,
                (1i64 << b) - 1,
                (1i64 << b) + 1,
                -(1i64 << b),
                3 << (b - 1),
            ]);
        }
        for &a in &edges {
            for &b in &edges {
                assert_eq!(gcd(a, b), euclid(a, b), "gcd({a}, {b})");
            }
        }
        let mut next = crate::test_rng::xorshift(0x6a09_e667_f3bc_c908u64);
        for _ in 0..200_000 {
            let (r1, r2) = (next(u64::MAX) as i64, next(u64::MAX) as i64);
            let (s1, s2, m) = (next(63), next(63), next(4));
            let (mut a, mut b) = (r1 >> s1, r2 >> s2);
            if m == 0 {
                // A shared factor.
                let k = (next(1000) + 1) as i64;
                a = a.wrapping_rem(1 << 40).wrapping_mul(k);
                b = b.wrapping_rem(1 << 40).wrapping_mul(k);
            }
            assert_eq!(gcd(a, b), euclid(a, b), "gcd({a}, {b})");
        }
    }
}

/// Operands beyond which an n-ary Min, Max, And or Or no longer takes in the operands of an
/// operand of its own kind: `Max(x0, Max(x1, Max(x2, ...)))` nested 10^5 deep was flattened
/// level by level, each level a new node with all the operands below it (quadratic time and
/// memory: 3.3 GB for 40,000 levels, a review found). Beyond it the operand stays a nested
/// node of the same value (Max(a, Max(b, c)) = Max(a, b, c)), so such a node has at most
/// this many operands at each level, and the normal form is flat only up to this size.
pub(crate) const FLAT_MAX: usize = 256;

/// The operands of an n-ary node of one kind built from `args`: each operand of that kind
/// (`kind` gives its operands) replaced by its operands when all of them together stay within
/// [`FLAT_MAX`] (one level: an operand's own operands of the kind were kept nested by this
/// bound), else every operand as it is.
fn flat_operands(cx: &Context, args: &[Expr], kind: impl Fn(&Node) -> Option<&Args>) -> Args {
    let total: usize = args
        .iter()
        .map(|a| kind(cx.node(*a)).map_or(1, |xs| xs.len()))
        .sum();
    if total > FLAT_MAX {
        return args.iter().copied().collect();
    }
    let mut out = Args::new();
    for a in args {
        match kind(cx.node(*a)) {
            Some(xs) => out.extend(xs.iter().copied()),
            None => out.push(*a),
        }
    }
    out
}
