//! Exact extremes of quasi-affine expressions (constant multiples, sums, and `FloorDiv`,
//! `CeilDiv`, `Mod` by positive constants of integer symbols) by their residues.
//!
//! Such an expression `e` is quasi-periodic in each symbol: there are a period `P > 0` and an
//! increment `D` with `e(x + P*u_s) = e(x) + D` at every integer point `x` (`u_s` the unit vector
//! of symbol `s`). Rules, for a sub-expression `a` with `(P, D)`, a constant `c > 0`,
//! `g = gcd(D, c)` (`c` when `D = 0`) and `n = c/g`, so that `n*D = c*(D/g)`:
//! - a symbol: `(1, 1)` for itself, `(1, 0)` for the others and for constants;
//! - `Σ k_i*a_i + k`: `P = lcm(P_i)` and `D = Σ k_i*D_i*(P/P_i)` (each term repeats its own step
//!   `P/P_i` times);
//! - `FloorDiv(a, c)`: `(n*P, D/g)`, as `floor((a + c*q)/c) = floor(a/c) + q`; the same for
//!   `CeilDiv(a, c)` (`ceil((a + c*q)/c) = ceil(a/c) + q`);
//! - `Mod(a, c)`: `(n*P, 0)`, as `Mod(a + c*q, c) = Mod(a, c)`.
//!
//! Then on a box `Π [lo_s, hi_s]` every point is `w + Σ_s t_s*P_s*u_s` (or `-t_s` for the
//! symbols counted down from `hi_s`) with `t_s >= 0` and `w` in a window of at most `P_s`
//! values at one end of each range, and `e(w + Σ t_s*P_s*u_s) = e(w) + Σ t_s*D_s`. So when each
//! window is taken at the end that `D_s` makes the lowest (`lo_s` for `D_s >= 0`, `hi_s` for
//! `D_s < 0`), the windows hold the minimum, and at the other ends the maximum: evaluating the
//! (few) window points gives the exact extremes of `e` on the box. The ranges used are the
//! symbols' numeric intervals (`Session::sym_iv`), which contain every value each symbol takes,
//! so the box contains the domain and its extremes bound `e` soundly (exactly when the ranges
//! are the declared constant ones). `Mod(FloorDiv(3*x - 1, 2), 3)` on `[-1, 108]` has
//! `(P, D) = (6, 0)`: six points give `[1, 2]`, where the intervals give `[0, 2]`.
//!
//! Used by `bound` where its interval may be loose (after the single-use interval, or when the
//! box is too large to enumerate), only ever intersected with that sound interval, and for
//! comparisons the prover leaves open (the extremes of the difference of the sides).

use crate::expr::{Expr, Node, Symbol, Ty};
use crate::interval::{Iv, NEG_INF, POS_INF};
use crate::simplify::Session;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// Most window points evaluated for each extreme (the windows' product).
const POINTS: i64 = 256;
/// The longest period of a function of one linear form (one variable, whose values in two
/// periods are evaluated for each extreme: its period can be longer, as
/// nested divisions multiply it, `8*FloorDiv(Y, 64) + Mod(Y, 64)` of `Y = 2*FloorDiv(L, 64) +
/// Mod(L, 64)` has 1024, and the case is rare: tried only when the windows of the symbols
/// hold more than [`POINTS`]).
const POINTS_ONE: i64 = 1024;
/// Most operations in an expression that is analysed, and most symbols.
const OPS: usize = 48;
const SYMS: usize = 8;
/// Periods past this are not followed (the windows would be too large anyway).
const PERIOD: i64 = 1 << 16;

/// One operation of the compiled expression; operands are earlier slots.
enum Op {
    Int(i64),
    Sym(usize),
    Add(SmallVec<[(usize, i64); 4]>, i64),
    FloorDiv(usize, i64),
    CeilDiv(usize, i64),
    Mod(usize, i64),
}

/// A quasi-affine expression in post-order, with its symbols.
struct Prog {
    ops: Vec<Op>,
    syms: SmallVec<[Symbol; 4]>,
    /// Collapsed (see [`Prog::compile`]): the one linear form `L = Σ k*s` of the symbols,
    /// the gcd `g` of its coefficients and the slot of the variable `w = L/g` (`Op::Sym(0)`).
    form: Option<(crate::expr::Terms, i64, usize)>,
}

impl Prog {
    /// The compiled form of `e`, `None` outside the quasi-affine class or past the caps. With
    /// `collapse`, every symbol must occur in one linear form `L` (sums of symbols alone, up to
    /// their constants: `8*FloorDiv(3*x + 4*y, 16) + Mod(3*x + 4*y, 16)`), and the program is
    /// the function of the one variable `L/g`.
    fn compile(cx: &crate::Context, e: Expr, collapse: bool) -> Option<Prog> {
        let mut p = Prog {
            ops: Vec::new(),
            syms: SmallVec::new(),
            form: None,
        };
        let mut slots: FxHashMap<Expr, usize> = FxHashMap::default();
        p.slot(cx, e, &mut slots, 0, collapse)?;
        if collapse && p.form.is_none() {
            return None;
        }
        Some(p)
    }

    /// In a collapsed program, the slot of the linear form `ts` plus `c`: `g*w + c` with `w`
    /// the program's one variable (`None` when `ts` is another form than the first one seen).
    fn form_slot(&mut self, ts: &[(Expr, i64)], c: i64) -> Option<Op> {
        match &self.form {
            Some((f, _, _)) if f.as_slice() != ts => return None,
            Some(_) => {}
            None => {
                let g = ts.iter().fold(0, |g, (_, k)| crate::build::gcd(g, *k));
                if g == 0 || self.ops.len() >= OPS {
                    return None;
                }
                // The variable's own slot, before its first use.
                self.ops.push(Op::Sym(0));
                self.form = Some((crate::expr::Terms::from_slice(ts), g, self.ops.len() - 1));
            }
        }
        let (_, g, w) = self.form.as_ref()?;
        Some(Op::Add(smallvec::smallvec![(*w, *g)], c))
    }

    fn slot(
        &mut self,
        cx: &crate::Context,
        e: Expr,
        slots: &mut FxHashMap<Expr, usize>,
        depth: u32,
        collapse: bool,
    ) -> Option<usize> {
        if let Some(&k) = slots.get(&e) {
            return Some(k);
        }
        if depth > 24 || self.ops.len() >= OPS {
            return None;
        }
        let d = depth + 1;
        let pos_const = |x: Expr| cx.as_int(x).filter(|c| *c > 0);
        let op = match cx.node(e) {
            Node::Int(v) => Op::Int(*v),
            Node::Sym(s) if collapse => {
                if cx.sym_ty(*s) != Ty::Int {
                    return None;
                }
                self.form_slot(&[(e, 1)], 0)?
            }
            Node::Add(ts, c) if collapse && ts.iter().any(|(t, _)| cx.as_symbol(*t).is_some()) => {
                // A linear form: symbols only (a sum mixing symbols with divisions is not a
                // function of one form).
                if !ts
                    .iter()
                    .all(|(t, _)| cx.as_symbol(*t).is_some_and(|s| cx.sym_ty(s) == Ty::Int))
                {
                    return None;
                }
                self.form_slot(ts, *c)?
            }
            Node::Sym(s) => {
                if cx.sym_ty(*s) != Ty::Int {
                    return None;
                }
                let k = match self.syms.iter().position(|t| t == s) {
                    Some(k) => k,
                    None if self.syms.len() < SYMS => {
                        self.syms.push(*s);
                        self.syms.len() - 1
                    }
                    None => return None,
                };
                Op::Sym(k)
            }
            Node::Add(ts, c) => {
                let mut v = SmallVec::with_capacity(ts.len());
                for &(t, k) in ts {
                    v.push((self.slot(cx, t, slots, d, collapse)?, k));
                }
                Op::Add(v, *c)
            }
            &Node::FloorDiv(a, b) => {
                let c = pos_const(b)?;
                Op::FloorDiv(self.slot(cx, a, slots, d, collapse)?, c)
            }
            &Node::CeilDiv(a, b) => {
                let c = pos_const(b)?;
                Op::CeilDiv(self.slot(cx, a, slots, d, collapse)?, c)
            }
            &Node::Mod(a, b) => {
                let c = pos_const(b)?;
                Op::Mod(self.slot(cx, a, slots, d, collapse)?, c)
            }
            _ => return None,
        };
        self.ops.push(op);
        let k = self.ops.len() - 1;
        slots.insert(e, k);
        Some(k)
    }

    /// `(P, D)` of the whole expression for symbol `s` (module docs), `None` on overflow or a
    /// period past the cap.
    fn period(&self, s: usize) -> Option<(i64, i64)> {
        let mut pd: SmallVec<[(i64, i64); 16]> = SmallVec::with_capacity(self.ops.len());
        for op in &self.ops {
            let v = match op {
                Op::Int(_) => (1, 0),
                Op::Sym(k) => (1, i64::from(*k == s)),
                Op::Add(ts, _) => {
                    let mut p = 1i64;
                    for &(t, _) in ts {
                        let q = pd[t].0;
                        p = (p / crate::build::gcd(p, q)).checked_mul(q)?;
                    }
                    let mut dd = 0i64;
                    for &(t, k) in ts {
                        let (q, di) = pd[t];
                        dd = dd.checked_add(k.checked_mul(di)?.checked_mul(p / q)?)?;
                    }
                    (p, dd)
                }
                Op::FloorDiv(a, c) | Op::CeilDiv(a, c) | Op::Mod(a, c) => {
                    let (p, dd) = pd[*a];
                    let g = crate::build::gcd(dd, *c);
                    let n = c / g;
                    let inc = if matches!(op, Op::Mod(..)) { 0 } else { dd / g };
                    (n.checked_mul(p)?, inc)
                }
            };
            if v.0 > PERIOD {
                return None;
            }
            pd.push(v);
        }
        pd.last().copied()
    }

    /// The value at the point `xs` (one value per symbol), `None` when an intermediate value
    /// leaves `i64` (the caller then keeps its bound).
    fn eval(&self, xs: &[i64], vals: &mut Vec<i64>) -> Option<i64> {
        vals.clear();
        for op in &self.ops {
            let v = match op {
                Op::Int(v) => *v,
                Op::Sym(k) => xs[*k],
                Op::Add(ts, c) => {
                    let mut acc = *c;
                    for &(t, k) in ts {
                        acc = acc.checked_add(vals[t].checked_mul(k)?)?;
                    }
                    acc
                }
                Op::FloorDiv(a, c) => crate::build::floor_div(vals[*a], *c)?,
                Op::CeilDiv(a, c) => crate::build::ceil_div(vals[*a], *c)?,
                Op::Mod(a, c) => crate::build::floor_mod(vals[*a], *c)?,
            };
            vals.push(v);
        }
        vals.last().copied()
    }
}

/// The window `[a, b]` of at most `p` values at the low (`low`) or high end of `iv`; a range
/// infinite at that end has none, except that a symbol the expression repeats in
/// (`whole_ok`: `D = 0`) may take any `p` consecutive values.
fn window(iv: Iv, p: i64, low: bool, whole_ok: bool) -> Option<(i64, i64)> {
    let (lo, hi) = (iv.lo_i64(), iv.hi_i64());
    // A window that would pass the end of i64 is not taken (values past it are not in the
    // window, and the range may go on).
    let from_lo = |l: i64| match hi {
        Some(h) => Some((l, h.min(l.saturating_add(p - 1)))),
        None => Some((l, l.checked_add(p - 1)?)),
    };
    let from_hi = |h: i64| match lo {
        Some(l) => Some((l.max(h.saturating_sub(p - 1)), h)),
        None => Some((h.checked_sub(p - 1)?, h)),
    };
    match (low, lo, hi) {
        (true, Some(l), _) => from_lo(l),
        (false, _, Some(h)) => from_hi(h),
        _ if !whole_ok => None,
        (_, Some(l), _) => from_lo(l),
        (_, _, Some(h)) => from_hi(h),
        // Every integer: the first period holds every residue.
        _ => Some((0, p - 1)),
    }
}

/// Whether the windows can tighten the interval of `e`: `e` is quasi-affine with a remainder,
/// or with a division of a division, or with a division and a symbol used twice. Otherwise
/// the interval is exact already: a sum of terms in distinct symbols, each a multiple of a
/// symbol or a division of a linear form (monotone: its ends are attained), has the sum of
/// the terms' intervals as its range. A walk that stops at the first other node, before any
/// compiling.
fn in_class(cx: &crate::Context, e: Expr) -> bool {
    match quasi_affine(cx, e) {
        Some(Shape::Loose) => true,
        Some(Shape::Divides) => !cx.single_use(e),
        _ => false,
    }
}

/// What [`quasi_affine`] found.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    /// A linear form.
    Linear,
    /// Divisions of linear forms.
    Divides,
    /// A remainder, or a division inside a division.
    Loose,
}

/// The shape of `e` when it is quasi-affine (symbols, constants, sums, and `FloorDiv`,
/// `CeilDiv` and `Mod` by positive constants), `None` at the first other node.
fn quasi_affine(cx: &crate::Context, e: Expr) -> Option<Shape> {
    // (node, whether it is inside a division)
    let mut stack: SmallVec<[(Expr, bool); 16]> = smallvec::smallvec![(e, false)];
    let (mut seen, mut shape) = (0, Shape::Linear);
    while let Some((x, inside)) = stack.pop() {
        seen += 1;
        if seen > 2 * OPS {
            return None;
        }
        match cx.node(x) {
            Node::Int(_) => {}
            Node::Sym(s) => {
                if cx.sym_ty(*s) != Ty::Int {
                    return None;
                }
            }
            Node::Add(ts, _) => stack.extend(ts.iter().map(|t| (t.0, inside))),
            node @ (&Node::FloorDiv(a, b) | &Node::CeilDiv(a, b) | &Node::Mod(a, b)) => {
                if cx.as_int(b).is_none_or(|c| c <= 0) {
                    return None;
                }
                let loose = inside || matches!(node, Node::Mod(..));
                shape = shape.max(if loose { Shape::Loose } else { Shape::Divides });
                stack.push((a, true));
            }
            _ => return None,
        }
    }
    Some(shape)
}

impl Session<'_> {
    /// `r` (a sound bound of `e`) intersected with the exact extremes of `e` on its symbols'
    /// box when `e` is quasi-affine and the windows of module docs hold at most [`POINTS`]
    /// points; failing that, when `e` is a function of one linear form `L` of its symbols,
    /// with the extremes over the values `L` takes in the first period from each end of its
    /// interval (listed exactly: `Prog::extremes_one`) and the whole second period (sound, as
    /// every value beyond is matched there; exact when `L` takes every multiple of its
    /// coefficients' gcd in the second period), or over `L`'s interval when one of its ends
    /// is infinite; otherwise `r`.
    pub(crate) fn residue_extremes(&mut self, e: Expr, r: Iv) -> Iv {
        self.residue_extremes_of(&[e], r)
    }

    /// [`Session::residue_extremes`] with equal forms of one expression (the original and the
    /// simplified one: either may have the smaller periods or the one linear form); the first
    /// that fits answers.
    pub(crate) fn residue_extremes_of(&mut self, es: &[Expr], r: Iv) -> Iv {
        self.residue_extremes_until(es, r, (r.lo, r.hi))
    }

    /// [`Session::residue_extremes_of`], where the search for the minimum may stop at a value
    /// `<= stops.0` and that for the maximum at one `>= stops.1` (ends that settle what the
    /// caller asks; `r.lo <= stops.0` and `stops.1 <= r.hi`): an end found past its stop is
    /// exact, an end whose search stopped early stays `r`'s (sound; the caller only learns that
    /// a value reaches the stop).
    fn residue_extremes_until(&mut self, es: &[Expr], r: Iv, stops: (i128, i128)) -> Iv {
        if r.lo == r.hi {
            return r;
        }
        // The forms in the class with windows past the cap (tried again as one linear form).
        let mut large: SmallVec<[Expr; 2]> = SmallVec::new();
        for (k, &e) in es.iter().enumerate() {
            if es[..k].contains(&e) || !in_class(self.cx, e) {
                continue;
            }
            match self.residue_try(e, r, false, stops) {
                Some(out) => return out,
                None => large.push(e),
            }
        }
        for e in large {
            if let Some(out) = self.residue_try(e, r, true, stops) {
                return out;
            }
        }
        r
    }

    /// The value of a comparison of quasi-affine sides that the prover left open
    /// (`Mod(FloorDiv(3*x - 1, 2), 3) >= 1`), from the exact extremes of the difference of its
    /// sides: `l < r` holds everywhere when max(l - r) < 0 and nowhere when min(l - r) >= 0,
    /// `l <= r` likewise with <= 0 and > 0, `Eq(l, r)` nowhere when 0 is outside [min, max]
    /// and everywhere when both are 0, `Ne` the opposite. `None` when that does not decide.
    pub(crate) fn residue_relation(&mut self, e: Expr) -> Option<bool> {
        let (l, r, op) = match *self.cx.node(e) {
            Node::Lt(l, r) => (l, r, 0),
            Node::Le(l, r) => (l, r, 1),
            Node::Eq(l, r) => (l, r, 2),
            Node::Ne(l, r) => (l, r, 3),
            _ => return None,
        };
        if self.cx.ty(l) != Ty::Int || self.cx.ty(r) != Ty::Int {
            return None;
        }
        let shape = quasi_affine(self.cx, l)?.max(quasi_affine(self.cx, r)?);
        // A constant against divisions of linear forms used once: the interval is exact
        // (`in_class`), checked before building the difference.
        let constant_side = |x: Expr, y: Expr| self.cx.as_int(x).is_some() && self.cx.single_use(y);
        if shape == Shape::Linear
            || (shape == Shape::Divides && (constant_side(r, l) || constant_side(l, r)))
        {
            return None;
        }
        let d = self.cx.sub(l, r)?;
        if !in_class(self.cx, d) {
            return None;
        }
        let d = self.simplify(d);
        let b = self.iv(d);
        // Each search may stop as soon as it finds a value that rules its answer out.
        let (stop_lo, stop_hi) = match op {
            0 => (-1, 0),
            1 => (0, 1),
            _ => (-1, 1),
        };
        let stops = (b.lo.max(stop_lo), b.hi.min(stop_hi));
        let b = self.residue_extremes_until(&[d], b, stops);
        let (lo, hi) = (b.lo, b.hi);
        match op {
            0 if hi < 0 => Some(true),
            0 if lo >= 0 => Some(false),
            1 if hi <= 0 => Some(true),
            1 if lo > 0 => Some(false),
            2 | 3 if lo > 0 || hi < 0 => Some(op == 3),
            2 | 3 if lo == 0 && hi == 0 => Some(op == 2),
            _ => None,
        }
    }

    /// One attempt of [`Session::residue_extremes_of`]: `None` when `e` is outside the class
    /// or its windows are too large.
    fn residue_try(&mut self, e: Expr, r: Iv, collapse: bool, stops: (i128, i128)) -> Option<Iv> {
        let prog = Prog::compile(self.cx, e, collapse)?;
        let Some((ts, g, _)) = &prog.form else {
            if prog.syms.is_empty() {
                return None;
            }
            let mut ivs: SmallVec<[Iv; 4]> = SmallVec::with_capacity(prog.syms.len());
            for &s in &prog.syms {
                let iv = self.sym_iv(s);
                if iv.lo > iv.hi {
                    return None;
                }
                ivs.push(iv);
            }
            return prog.extremes(&ivs, r, POINTS, stops);
        };
        // L over the box (each symbol once in L: the hull of the terms' intervals is exact),
        // then w = L/g in [ceil(lo/g), floor(hi/g)] (L is a multiple of g).
        if ts.len() < 2 {
            return None;
        }
        let mut l = Iv::point(0);
        for &(t, k) in ts {
            let iv = self.sym_iv(self.cx.as_symbol(t)?);
            if iv.lo > iv.hi {
                return None;
            }
            l = l.add(&iv.scale(k));
        }
        let lo = match l.lo_i64() {
            Some(v) => crate::build::ceil_div(v, *g).map_or(NEG_INF, i128::from),
            None => l.lo,
        };
        let hi = match l.hi_i64() {
            Some(v) => crate::build::floor_div(v, *g).map_or(POS_INF, i128::from),
            None => l.hi,
        };
        let w = Iv { lo, hi };
        let (p, d) = prog.period(0)?;
        match self.offsets(ts, *g, p, w) {
            Some(o) if p <= POINTS_ONE => Some(prog.extremes_one(w, (p, d), &o, r, stops)),
            _ => prog.extremes(&[w], r, POINTS_ONE, stops),
        }
    }

    /// The offsets `o` in `[0, p)` that `L/g` takes at `w.lo + o` (and, by symmetry, at
    /// `w.hi - o`) on the box, as a bitset: `L = L_min + g*Σ b_s*y_s` with `b_s = |k_s|/g` and
    /// `y_s` the distance of symbol `s` from its end that minimizes `L` (`0 <= y_s <= hi_s -
    /// lo_s`); near the ends a linear form skips values (`3*x + 4*y` on a box takes `L_min` but
    /// neither `L_min + 1` nor `L_min + 2`). `None` unless both ends of `L` are finite and `w`'s
    /// ends are exactly `L_min/g` and `L_max/g`.
    fn offsets(&mut self, ts: &[(Expr, i64)], g: i64, p: i64, w: Iv) -> Option<Vec<u64>> {
        let (mut lmin, mut lmax) = (0i128, 0i128);
        let mut parts: SmallVec<[(usize, usize); 4]> = SmallVec::new();
        let p = usize::try_from(p).ok()?;
        for &(t, k) in ts {
            let iv = self.sym_iv(self.cx.as_symbol(t)?);
            let (lo, hi) = (iv.lo_i64()?, iv.hi_i64()?);
            let (lo, hi, k) = (i128::from(lo), i128::from(hi), i128::from(k));
            let (a, b) = if k > 0 { (lo, hi) } else { (hi, lo) };
            lmin += k * a;
            lmax += k * b;
            let step = usize::try_from(k.unsigned_abs() / g.unsigned_abs() as u128).ok()?;
            let width = usize::try_from(hi - lo).unwrap_or(usize::MAX);
            parts.push((step.max(1), width.min(p)));
        }
        let g = i128::from(g);
        if lmin % g != 0 || w.lo != lmin / g || w.hi != lmax / g {
            return None;
        }
        // Bounded knapsack on a bitset of p bits: each step taken 0..=width times.
        let words = p.div_ceil(64);
        let mut reach = vec![0u64; words];
        reach[0] = 1;
        for (step, width) in parts {
            let mut next = reach.clone();
            for y in 1..=width {
                let Some(sh) = y.checked_mul(step).filter(|sh| *sh < p) else {
                    break;
                };
                let (ws, bs) = (sh / 64, sh % 64);
                for i in (ws..words).rev() {
                    let mut v = reach[i - ws] << bs;
                    if bs > 0 && i > ws {
                        v |= reach[i - ws - 1] >> (64 - bs);
                    }
                    next[i] |= v;
                }
            }
            reach = next;
        }
        Some(reach)
    }
}

impl Prog {
    /// A one-variable program (a function of `L/g`, period and step `(p, d)`) over `w`, with
    /// the offsets `o` that `L/g` takes at `w.lo + o` and `w.hi - o`: the least value lies
    /// among the values taken in the first period from the end that `d` makes the lowest
    /// (`w.lo` for `d >= 0`) and the whole second period from it. Any value taken beyond them
    /// is `v + t*p` (`t >= 0`, counted away from that end) for some `v` in the second period,
    /// which lies in `w` and where the program is no larger (`f(v + t*p) = f(v) + t*d`); the
    /// second period is taken whole (values `L` may skip there too: a superset, sound). The
    /// greatest value likewise from the other end.
    fn extremes_one(
        &self,
        w: Iv,
        (p, d): (i64, i64),
        offs: &[u64],
        r: Iv,
        stops: (i128, i128),
    ) -> Iv {
        let (Some(lo), Some(hi)) = (w.lo_i64(), w.hi_i64()) else {
            return r;
        };
        let taken = |o: i64| offs[(o / 64) as usize] >> (o % 64) & 1 == 1;
        // The candidates near one end.
        let points = |low: bool| -> SmallVec<[i64; 64]> {
            let mut v: SmallVec<[i64; 64]> = SmallVec::new();
            let span = i128::from(hi) - i128::from(lo);
            for o in 0..p {
                if i128::from(o) <= span && taken(o) {
                    v.push(if low { lo + o } else { hi - o });
                }
            }
            if span >= i128::from(p) {
                let (a, b) = if low {
                    (lo + p, hi.min(lo.saturating_add(2 * p - 1)))
                } else {
                    (lo.max(hi.saturating_sub(2 * p - 1)), hi - p)
                };
                v.extend(a..=b);
            }
            v
        };
        let mut out = r;
        let mut vals = Vec::with_capacity(self.ops.len());
        if let Some((v, early)) = extreme_of(self, &points(d >= 0), stops.0, false, &mut vals)
            && (!early || v as i128 <= r.lo)
        {
            out.lo = out.lo.max(v as i128);
        }
        if let Some((v, early)) = extreme_of(self, &points(d <= 0), stops.1, true, &mut vals)
            && (!early || v as i128 >= r.hi)
        {
            out.hi = out.hi.min(v as i128);
        }
        out
    }

    /// `r` intersected with the extremes over the box `ivs` (one interval per variable), `None`
    /// when the windows hold more than `cap` points or a period is past the cap.
    fn extremes(&self, ivs: &[Iv], r: Iv, cap: i64, stops: (i128, i128)) -> Option<Iv> {
        // Per variable: the windows for the minimum and for the maximum (None: that end of
        // the range is infinite where the expression grows, so it is not refined).
        let n = ivs.len();
        let mut lows: SmallVec<[Option<(i64, i64)>; 4]> = SmallVec::with_capacity(n);
        let mut highs: SmallVec<[Option<(i64, i64)>; 4]> = SmallVec::with_capacity(n);
        let mut points = 1i64;
        for (k, &iv) in ivs.iter().enumerate() {
            let (p, d) = self.period(k)?;
            let (lw, hw) = (window(iv, p, d >= 0, d == 0), window(iv, p, d < 0, d == 0));
            // Both windows have the same size (at most p values of the same range).
            let size = lw
                .or(hw)
                .map_or(1, |(a, b)| b.saturating_sub(a).saturating_add(1));
            points = points.saturating_mul(size);
            if points > cap {
                return None;
            }
            lows.push(lw);
            highs.push(hw);
        }
        let mut out = r;
        let mut vals = Vec::with_capacity(self.ops.len());
        if let Some(w) = lows.iter().copied().collect::<Option<SmallVec<[_; 4]>>>()
            && let Some((v, early)) = extreme(self, &w, stops.0, false, cap, &mut vals)
            && (!early || v as i128 <= r.lo)
        {
            out.lo = out.lo.max(v as i128);
        }
        if let Some(w) = highs.iter().copied().collect::<Option<SmallVec<[_; 4]>>>()
            && let Some((v, early)) = extreme(self, &w, stops.1, true, cap, &mut vals)
            && (!early || v as i128 >= r.hi)
        {
            out.hi = out.hi.min(v as i128);
        }
        Some(out)
    }
}

/// [`extreme`] over the points `xs` of a one-variable program.
fn extreme_of(
    prog: &Prog,
    xs: &[i64],
    stop: i128,
    max: bool,
    vals: &mut Vec<i64>,
) -> Option<(i64, bool)> {
    let mut best: Option<i64> = None;
    for &x in xs {
        let v = prog.eval(&[x], vals)?;
        if best.is_none_or(|b| if max { v > b } else { v < b }) {
            best = Some(v);
        }
        if (max && v as i128 >= stop) || (!max && v as i128 <= stop) {
            return best.map(|b| (b, true));
        }
    }
    best.map(|b| (b, false))
}

/// The least (`max`: the greatest) value of `prog` over the windows `w`, and whether the
/// search stopped early, at a value `<= stop` (`>= stop`) before seeing every point; `None`
/// past `cap` points or when a value leaves `i64`.
fn extreme(
    prog: &Prog,
    w: &[(i64, i64)],
    stop: i128,
    max: bool,
    cap: i64,
    vals: &mut Vec<i64>,
) -> Option<(i64, bool)> {
    let mut points = 1i64;
    for &(a, b) in w {
        points = points.checked_mul(b.checked_sub(a)?.checked_add(1)?)?;
        if points > cap {
            return None;
        }
    }
    let mut cur: SmallVec<[i64; 4]> = w.iter().map(|x| x.0).collect();
    let mut best: Option<i64> = None;
    loop {
        let v = prog.eval(&cur, vals)?;
        if best.is_none_or(|b| if max { v > b } else { v < b }) {
            best = Some(v);
        }
        if (max && v as i128 >= stop) || (!max && v as i128 <= stop) {
            return best.map(|b| (b, true));
        }
        let mut k = 0;
        loop {
            if k == cur.len() {
                return best.map(|b| (b, false));
            }
            if cur[k] < w[k].1 {
                cur[k] += 1;
                break;
            }
            cur[k] = w[k].0;
            k += 1;
        }
    }
}
