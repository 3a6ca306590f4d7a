//! Interval arithmetic with explicit infinities. Finite ends always fit in `i64`; arithmetic is
//! done in `i128`, and a result outside `i64` widens to the corresponding infinity (or, for the
//! inner end, clamps), so a bound is never wrapped and never unsound.

use crate::build::{floor_div, floor_mod};

/// An end of an integer interval: `NEG_INF`, `POS_INF` or a value in `i64` range.
pub(crate) type Ext = i128;
pub(crate) const NEG_INF: Ext = i128::MIN;
pub(crate) const POS_INF: Ext = i128::MAX;
const I64_MIN: i128 = i64::MIN as i128;
const I64_MAX: i128 = i64::MAX as i128;

/// Closed integer interval `[lo, hi]`; `lo > hi` never occurs for a reachable value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Iv {
    pub lo: Ext,
    pub hi: Ext,
}

fn lo_norm(v: i128) -> Ext {
    if v < I64_MIN { NEG_INF } else { v.min(I64_MAX) }
}
fn hi_norm(v: i128) -> Ext {
    if v > I64_MAX { POS_INF } else { v.max(I64_MIN) }
}

/// An interval end as text: `-oo`, `oo` or the number.
pub(crate) fn ext_text(v: Ext) -> String {
    match v {
        NEG_INF => "-oo".into(),
        POS_INF => "oo".into(),
        v => v.to_string(),
    }
}

fn is_inf(v: Ext) -> bool {
    v == NEG_INF || v == POS_INF
}

/// Extended product (0 * inf = 0, which is right for bounds: a zero factor gives zero).
fn emul(a: Ext, b: Ext) -> Ext {
    if a == 0 || b == 0 {
        return 0;
    }
    if is_inf(a) || is_inf(b) {
        return if (a > 0) == (b > 0) { POS_INF } else { NEG_INF };
    }
    a * b // both finite i64: fits in i128
}

impl Iv {
    pub const TOP: Iv = Iv {
        lo: NEG_INF,
        hi: POS_INF,
    };

    pub fn point(v: i64) -> Iv {
        Iv {
            lo: v as i128,
            hi: v as i128,
        }
    }

    pub fn new(lo: Ext, hi: Ext) -> Iv {
        Iv {
            lo: lo_norm_ext(lo),
            hi: hi_norm_ext(hi),
        }
    }

    pub fn as_point(&self) -> Option<i64> {
        (self.lo == self.hi && !is_inf(self.lo)).then_some(self.lo as i64)
    }

    pub fn lo_i64(&self) -> Option<i64> {
        (!is_inf(self.lo)).then_some(self.lo as i64)
    }

    pub fn hi_i64(&self) -> Option<i64> {
        (!is_inf(self.hi)).then_some(self.hi as i64)
    }

    /// `m` when every value of the interval has the floor quotient `m` by `c` (both ends
    /// finite and `floor(lo/c) == floor(hi/c)`): then `FloorDiv(v, c) = m` and
    /// `Mod(v, c) = v - m*c` for every `v` in it.
    pub fn one_quotient(&self, c: i64) -> Option<i64> {
        let (lo, hi) = (self.lo_i64()?, self.hi_i64()?);
        let m = crate::build::floor_div(lo, c)?;
        (crate::build::floor_div(hi, c)? == m).then_some(m)
    }

    pub fn intersect(&self, o: &Iv) -> Iv {
        Iv {
            lo: self.lo.max(o.lo),
            hi: self.hi.min(o.hi),
        }
    }

    pub fn hull(&self, o: &Iv) -> Iv {
        Iv {
            lo: self.lo.min(o.lo),
            hi: self.hi.max(o.hi),
        }
    }

    pub fn add(&self, o: &Iv) -> Iv {
        let lo = if self.lo == NEG_INF || o.lo == NEG_INF {
            NEG_INF
        } else if self.lo == POS_INF || o.lo == POS_INF {
            I64_MAX
        } else {
            lo_norm(self.lo + o.lo)
        };
        let hi = if self.hi == POS_INF || o.hi == POS_INF {
            POS_INF
        } else if self.hi == NEG_INF || o.hi == NEG_INF {
            I64_MIN
        } else {
            hi_norm(self.hi + o.hi)
        };
        Iv { lo, hi }
    }

    // Inlined: a sum's interval scales each term's (`linear_iv`, the walk), and the call cost
    // more than the common case, a coefficient of 1.
    #[inline]
    pub fn scale(&self, k: i64) -> Iv {
        // Most terms of a sum have coefficient 1: the same ends (normalized as below).
        if k == 1 {
            return Iv::new(self.lo, self.hi);
        }
        let k = k as i128;
        let (a, b) = (emul(self.lo, k), emul(self.hi, k));
        Iv::new(a.min(b), a.max(b))
    }

    /// `self.add(&o.scale(k))`, a sum's interval plus a term's (`linear_iv`, the walk), in one
    /// step. Where `o`'s ends are in i64 (not infinite: the common term) the same arithmetic
    /// without the infinity cases of the scaling, which cannot occur there: each product of
    /// an end by `k` is exact in i128, `Iv::new` of the scaled ends makes a lower end below
    /// i64 -oo (one above i64 clamps to i64::MAX), an upper end above i64 +oo (one below
    /// clamps to i64::MIN), so the scaled lower end is never +oo nor the upper one -oo, and
    /// `add`'s cases reduce to those of `self`'s ends. The same for the lower end where `o`
    /// is `[lo, oo)` with `lo` in i64 and `k > 0` (the common unbounded range `[0, oo)` times
    /// a positive coefficient): the scaled term is `[lo*k, oo)` (`emul` of the infinite end by
    /// k > 0 is +oo; `lo*k` is exact in i128, its `Iv::new` as above), and the sum's upper end
    /// is +oo (`add`: either upper end +oo). Otherwise the two operations.
    // Always inlined: its callers' loops are the hot paths of `iv`, where a call (the compiler
    // kept one for half-infinite ranges) cost more than the step.
    #[inline(always)]
    pub fn add_scaled(&self, o: &Iv, k: i64) -> Iv {
        let in_i64 = |v: Ext| (v as i64) as i128 == v;
        // The sum's lower end from the scaled lower end `slo` (finite, exact in i128).
        let lower = |slo: i128| {
            if self.lo == NEG_INF || slo < I64_MIN {
                NEG_INF
            } else if self.lo == POS_INF {
                I64_MAX
            } else {
                lo_norm(self.lo + slo.min(I64_MAX))
            }
        };
        // (The upper end first: the infinite end of the common unbounded range, `[0, oo)`.)
        if !(in_i64(o.hi) && in_i64(o.lo)) {
            if o.hi == POS_INF && k > 0 && in_i64(o.lo) {
                return Iv {
                    lo: lower(o.lo * i128::from(k)),
                    hi: POS_INF,
                };
            }
            return self.add(&o.scale(k));
        }
        let (slo, shi) = if k == 1 {
            (o.lo, o.hi)
        } else {
            let k = k as i128;
            let (a, b) = (o.lo * k, o.hi * k);
            (a.min(b), a.max(b))
        };
        let lo = lower(slo);
        let hi = if self.hi == POS_INF || shi > I64_MAX {
            POS_INF
        } else if self.hi == NEG_INF {
            I64_MIN
        } else {
            hi_norm(self.hi + shi.max(I64_MIN))
        };
        Iv { lo, hi }
    }

    /// `Iv::point(1).mul(self)` without the multiplication: where a product's interval starts,
    /// from its first factor's (`1*v = v`). `mul` with 1 gives the factor's ends through
    /// `Iv::new`, except for an empty interval with a negative lower end, whose corners it
    /// reorders (`one_times_is_mul_by_one` compares the two on every pairing of ends).
    pub fn one_times(&self) -> Iv {
        if self.lo >= 0 || self.lo <= self.hi {
            Iv::new(self.lo, self.hi)
        } else {
            Iv::new(self.hi, self.lo)
        }
    }

    pub fn mul(&self, o: &Iv) -> Iv {
        // Both non-negative (sizes, indices): the smallest product is of the lower ends and
        // the largest of the upper ends (`x*y` grows in each factor where both are >= 0), the
        // two of the four corner products that the general case below takes as its min/max.
        if self.lo >= 0 && o.lo >= 0 {
            return Iv::new(emul(self.lo, o.lo), emul(self.hi, o.hi));
        }
        let c = [
            emul(self.lo, o.lo),
            emul(self.lo, o.hi),
            emul(self.hi, o.lo),
            emul(self.hi, o.hi),
        ];
        Iv::new(*c.iter().min().expect("4"), *c.iter().max().expect("4"))
    }

    /// `x ** k`, k >= 2.
    pub fn pow(&self, k: u32) -> Iv {
        let p = |v: Ext| -> Ext {
            if is_inf(v) {
                return if v > 0 || k.is_multiple_of(2) {
                    POS_INF
                } else {
                    NEG_INF
                };
            }
            // A finite end whose power leaves i64 is a finite value just past it, not an
            // infinity: `Iv::new` clamps it as a lower end of a positive power (to i64::MAX,
            // sound) and widens it as an upper end. Mapping it to POS_INF made a lower end
            // "+oo", and a later FloorDiv turned that into a lower bound no value reaches
            // (FloorDiv(s0**2, 2) + 1 bounded below by 2^63 - 1 with s0 near 2^32).
            match (v as i64).checked_pow(k) {
                Some(r) => r as i128,
                None => {
                    if v > 0 || k.is_multiple_of(2) {
                        I64_MAX + 1
                    } else {
                        I64_MIN - 1
                    }
                }
            }
        };
        if k % 2 == 1 || self.lo >= 0 {
            Iv::new(p(self.lo), p(self.hi))
        } else if self.hi <= 0 {
            Iv::new(p(self.hi), p(self.lo))
        } else {
            Iv::new(0, p(self.lo).max(p(self.hi)))
        }
    }

    pub fn neg(&self) -> Iv {
        self.scale(-1)
    }

    pub fn min(&self, o: &Iv) -> Iv {
        Iv {
            lo: self.lo.min(o.lo),
            hi: self.hi.min(o.hi),
        }
    }

    pub fn max(&self, o: &Iv) -> Iv {
        Iv {
            lo: self.lo.max(o.lo),
            hi: self.hi.max(o.hi),
        }
    }

    pub fn abs(&self) -> Iv {
        if self.lo >= 0 {
            *self
        } else if self.hi <= 0 {
            self.neg()
        } else {
            let n = self.neg();
            Iv::new(0, n.hi.max(self.hi))
        }
    }

    /// `k1*a + k2*FloorDiv(a, c)` over `a` in `self`, for a constant `c >= 1`; `None` where
    /// `k1*c + k2` or `k1 + k2` overflows. With `a = c*q + r` (`q = FloorDiv(a, c)`,
    /// `0 <= r <= c - 1`, floor division) it is `(k1*c + k2)*q + k1*r`, so it lies in
    /// `(k1*c + k2)*iv(q) + k1*[0, c - 1]` (q and r taken apart: a superset). Where the two
    /// intervals of the sum taken apart lose what they share (`s0 - FloorDiv(s0, 2)` over
    /// `s0 >= 1`: `[1, oo] + [-oo, -1]` holds 0, the pair is `>= 1`), this is tight. A step of
    /// `a` by +1 changes the value by `k1` (the same q) or by `k1 + k2` (the next q, r from
    /// `c - 1` back to 0), so where both are `>= 0` (`<= 0`) it is non-decreasing
    /// (non-increasing) in `a`, and its value at each finite end of `self` is an exact bound.
    pub fn with_floordiv(&self, k1: i64, k2: i64, c: i64) -> Option<Iv> {
        debug_assert!(c >= 1);
        let m = k1.checked_mul(c)?.checked_add(k2)?;
        let step = k1.checked_add(k2)?;
        let q = self.floordiv(&Iv::point(c));
        let r = Iv::new(0, Ext::from(c - 1));
        let apart = q.scale(m).add(&r.scale(k1));
        // The exact value at a finite end (within i64, so both products fit in i128).
        let at = |v: Ext| Ext::from(k1) * v + Ext::from(k2) * v.div_euclid(Ext::from(c));
        let (from, to) = if k1 >= 0 && step >= 0 {
            (self.lo, self.hi)
        } else if k1 <= 0 && step <= 0 {
            (self.hi, self.lo)
        } else {
            return Some(apart);
        };
        let lo = if from == NEG_INF || from == POS_INF {
            NEG_INF
        } else {
            at(from)
        };
        let hi = if to == NEG_INF || to == POS_INF {
            POS_INF
        } else {
            at(to)
        };
        Some(apart.intersect(&Iv::new(lo, hi)))
    }

    /// floor(a / b) over the box; the zero divisor is excluded (the expression is undefined there).
    pub fn floordiv(&self, b: &Iv) -> Iv {
        let mut acc: Option<Iv> = None;
        let mut add = |iv: Iv| {
            acc = Some(match acc {
                None => iv,
                Some(a) => a.hull(&iv),
            })
        };
        if b.hi >= 1 {
            add(self.floordiv_signed(&Iv::new(b.lo.max(1), b.hi)));
        }
        if b.lo <= -1 {
            add(self.floordiv_signed(&Iv::new(b.lo, b.hi.min(-1))));
        }
        acc.unwrap_or(Iv::TOP)
    }

    /// ceil(a / b) = -floor(-a / b) over the box (the negations are done on intervals, whose
    /// ends widen to infinity rather than wrap, so this is sound at `a = i64::MIN` too).
    pub fn ceildiv(&self, b: &Iv) -> Iv {
        self.neg().floordiv(b).neg()
    }

    /// floor(a / b) where b does not contain 0. For fixed b the function is monotone in a, and
    /// for fixed a it is monotone in b on each side of 0, so the extremes are at the corners.
    fn floordiv_signed(&self, b: &Iv) -> Iv {
        let mut lo = POS_INF;
        let mut hi = NEG_INF;
        for &x in &[self.lo, self.hi] {
            for &y in &[b.lo, b.hi] {
                let r = fdiv_corner(x, y);
                lo = lo.min(r.lo);
                hi = hi.max(r.hi);
            }
        }
        // A corner at an infinite divisor stands for "large divisors": the quotient of a finite
        // a tends to 0 or -1, and every value in between the corners is covered by monotonicity.
        Iv::new(lo, hi)
    }

    /// Floor modulo `a mod b`.
    pub fn modulo(&self, b: &Iv) -> Iv {
        if let Some(c) = b.as_point() {
            if c > 0 {
                let c = c as i128;
                if !is_inf(self.lo) && !is_inf(self.hi) {
                    let (ql, qh) = (
                        floor_div(self.lo as i64, c as i64),
                        floor_div(self.hi as i64, c as i64),
                    );
                    if let Some(q) = ql.filter(|_| ql == qh) {
                        let q = q as i128;
                        return Iv::new(self.lo - q * c, self.hi - q * c);
                    }
                }
                let mut r = Iv::new(0, c - 1);
                if self.lo >= 0 {
                    r.hi = r.hi.min(self.hi);
                }
                return r;
            }
            if c < 0 {
                let c = c as i128;
                let mut r = Iv::new(c + 1, 0);
                if self.hi <= 0 {
                    r.lo = r.lo.max(self.lo);
                }
                return r;
            }
        }
        let mut acc: Option<Iv> = None;
        if b.hi >= 1 {
            // 0 <= r <= b - 1, and r <= a when a >= 0.
            let mut r = Iv::new(0, if b.hi == POS_INF { POS_INF } else { b.hi - 1 });
            if self.lo >= 0 {
                r.hi = r.hi.min(self.hi);
            }
            // -b <= a <= -1 at every point (b >= lo(b) >= -lo(a) >= -a >= 1): the quotient is
            // -1, so r = a + b, in [lo(a) + lo(b), hi(a) + hi(b)] (`PythonMod(-3, s0)` with s0
            // in [3, 203] is s0 - 3, at most 200, where [0, b - 1] gave 202; a review found
            // PyTorch's bound tighter there).
            if self.hi <= -1 && b.lo >= 1 && !is_inf(self.lo) && self.lo >= -b.lo {
                r.lo = r.lo.max(self.lo + b.lo);
                if b.hi != POS_INF {
                    r.hi = r.hi.min(self.hi + b.hi);
                }
            }
            acc = Some(r);
        }
        if b.lo <= -1 {
            let mut r = Iv::new(if b.lo == NEG_INF { NEG_INF } else { b.lo + 1 }, 0);
            if self.hi <= 0 {
                r.lo = r.lo.max(self.lo);
            }
            acc = Some(match acc {
                None => r,
                Some(a) => a.hull(&r),
            });
        }
        acc.unwrap_or(Iv::TOP)
    }
}

fn lo_norm_ext(v: Ext) -> Ext {
    if v == NEG_INF || v == POS_INF {
        v
    } else {
        lo_norm(v)
    }
}
fn hi_norm_ext(v: Ext) -> Ext {
    if v == NEG_INF || v == POS_INF {
        v
    } else {
        hi_norm(v)
    }
}

/// The possible values of floor(x / y) at one corner, where an infinite end stands for the limit.
fn fdiv_corner(x: Ext, y: Ext) -> Iv {
    match (is_inf(x), is_inf(y)) {
        (false, false) => {
            let q = floor_div(x as i64, y as i64);
            match q {
                Some(q) => Iv::point(q),
                // i64::MIN / -1 = 2^63
                None => Iv::new(I64_MAX, POS_INF),
            }
        }
        (true, false) => {
            if (x > 0) == (y > 0) {
                Iv::new(POS_INF, POS_INF)
            } else {
                Iv::new(NEG_INF, NEG_INF)
            }
        }
        (false, true) => {
            // |y| -> inf: x / y -> 0 from the side of sign(x)*sign(y).
            if x == 0 || (x > 0) == (y > 0) {
                Iv::point(0)
            } else {
                Iv::point(-1)
            }
        }
        (true, true) => {
            // Both unbounded: any quotient of the sign is possible.
            if (x > 0) == (y > 0) {
                Iv::new(0, POS_INF)
            } else {
                Iv::new(NEG_INF, -1)
            }
        }
    }
}

/// `a mod b` for constants (used by tests of this module).
#[allow(dead_code)]
pub(crate) fn point_mod(a: i64, b: i64) -> Option<i64> {
    floor_mod(a, b)
}

/// A closed float interval; `NaN` results are not represented (see `bounds.rs`).
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) struct FIv {
    pub lo: f64,
    pub hi: f64,
}

impl FIv {
    pub const TOP: FIv = FIv {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
    };

    /// Hull of corner values; any NaN corner gives the whole line (sound, never tight).
    pub fn corners(vals: &[f64]) -> FIv {
        if vals.iter().any(|v| v.is_nan()) {
            return FIv::TOP;
        }
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        FIv { lo, hi }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(a: (i64, i64), b: (i64, i64), f: impl Fn(i64, i64) -> Option<i64>) -> Iv {
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for x in a.0..=a.1 {
            for y in b.0..=b.1 {
                if let Some(v) = f(x, y) {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        Iv::new(lo as i128, hi as i128)
    }

    /// `one_times` is multiplication by the point 1, on every pairing of ends (the infinities,
    /// the i64 edges and past them, empty intervals of either sign, small values).
    #[test]
    fn one_times_is_mul_by_one() {
        let ends: Vec<Ext> = vec![
            NEG_INF,
            POS_INF,
            I64_MIN - 1,
            I64_MIN,
            I64_MIN + 1,
            I64_MAX - 1,
            I64_MAX,
            I64_MAX + 1,
            -(1 << 40),
            1 << 40,
            -7,
            -1,
            0,
            1,
            7,
        ];
        for &lo in &ends {
            for &hi in &ends {
                let x = Iv { lo, hi };
                assert_eq!(x.one_times(), Iv::point(1).mul(&x), "{lo} {hi}");
            }
        }
    }

    /// The product is exact: on every pair of small boxes it is the brute-force range, and on
    /// ends that are infinite or near the i64 edges it is the four-corner min/max (the
    /// non-negative shortcut takes two of the corners).
    #[test]
    fn add_scaled_is_add_of_scale() {
        // Ends at and near the i64 edges, small values and the infinities, every pairing.
        let ends: Vec<Ext> = vec![
            NEG_INF,
            POS_INF,
            I64_MIN,
            I64_MIN + 1,
            I64_MAX,
            I64_MAX - 1,
            -(1 << 40),
            1 << 40,
            -7,
            -1,
            0,
            1,
            3,
            1 << 62,
        ];
        let ks = [
            i64::MIN,
            i64::MIN + 1,
            -(1 << 31),
            -3,
            -1,
            0,
            1,
            2,
            23,
            1 << 31,
            i64::MAX,
        ];
        let mut n = 0;
        for &a in &ends {
            for &b in &ends {
                for &c in &ends {
                    for &d in &ends {
                        let (x, y) = (Iv { lo: a, hi: b }, Iv { lo: c, hi: d });
                        for &k in &ks {
                            assert_eq!(
                                x.add_scaled(&y, k),
                                x.add(&y.scale(k)),
                                "{x:?} + {y:?}*{k}"
                            );
                            n += 1;
                        }
                    }
                }
            }
        }
        assert!(n > 400_000);
    }

    #[test]
    fn mul_is_the_range_of_the_products() {
        for al in -6..=6 {
            for ah in al..=6 {
                for bl in -6..=6 {
                    for bh in bl..=6 {
                        let a = Iv::new(al as i128, ah as i128);
                        let b = Iv::new(bl as i128, bh as i128);
                        let e = brute((al, ah), (bl, bh), |x, y| Some(x * y));
                        assert_eq!(a.mul(&b), e, "{a:?} * {b:?}");
                    }
                }
            }
        }
        let corners = |a: &Iv, b: &Iv| {
            let c = [
                emul(a.lo, b.lo),
                emul(a.lo, b.hi),
                emul(a.hi, b.lo),
                emul(a.hi, b.hi),
            ];
            Iv::new(*c.iter().min().unwrap(), *c.iter().max().unwrap())
        };
        let ends = [
            NEG_INF,
            I64_MIN,
            -(1 << 40),
            -3,
            0,
            1,
            2,
            1 << 40,
            I64_MAX,
            POS_INF,
        ];
        for &al in &ends {
            for &ah in ends.iter().filter(|&&h| h >= al) {
                for &bl in &ends {
                    for &bh in ends.iter().filter(|&&h| h >= bl) {
                        let (a, b) = (Iv { lo: al, hi: ah }, Iv { lo: bl, hi: bh });
                        assert_eq!(a.mul(&b), corners(&a, &b), "{a:?} * {b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn floordiv_and_mod_are_sound_and_exact_on_small_boxes() {
        let r = -6..=6;
        for al in r.clone() {
            for ah in al..=6 {
                for bl in r.clone() {
                    for bh in bl..=6 {
                        if bl == 0 && bh == 0 {
                            continue;
                        }
                        let a = Iv::new(al as i128, ah as i128);
                        let b = Iv::new(bl as i128, bh as i128);
                        let d = a.floordiv(&b);
                        let e = brute((al, ah), (bl, bh), floor_div);
                        assert!(
                            d.lo <= e.lo && d.hi >= e.hi,
                            "fd {a:?} {b:?}: {d:?} vs {e:?}"
                        );
                        let m = a.modulo(&b);
                        let e = brute((al, ah), (bl, bh), floor_mod);
                        assert!(
                            m.lo <= e.lo && m.hi >= e.hi,
                            "mod {a:?} {b:?}: {m:?} vs {e:?}"
                        );
                    }
                }
            }
        }
    }

    /// `with_floordiv` holds every value of `k1*a + k2*FloorDiv(a, c)` on every small box of
    /// `a` (and on half-infinite ones, checked over a window of their finite end), and is
    /// exact on finite boxes where the pair is monotone in `a` (`k1 >= 0` and `k1 + k2 >= 0`,
    /// or both `<= 0`).
    #[test]
    fn with_floordiv_is_sound_and_exact_where_monotone() {
        let f = |a: i64, k1: i64, k2: i64, c: i64| k1 * a + k2 * a.div_euclid(c);
        for c in 1..=5 {
            for k1 in -3..=3 {
                for k2 in -7..=7 {
                    for lo in -9..=9 {
                        for hi in lo..=9 {
                            let got = Iv::new(lo.into(), hi.into())
                                .with_floordiv(k1, k2, c)
                                .unwrap();
                            let e = brute((lo, hi), (0, 0), |a, _| Some(f(a, k1, k2, c)));
                            assert!(
                                got.lo <= e.lo && got.hi >= e.hi,
                                "{k1}*a + {k2}*FloorDiv(a, {c}) on [{lo}, {hi}]: {got:?} vs {e:?}"
                            );
                            if (k1 >= 0 && k1 + k2 >= 0) || (k1 <= 0 && k1 + k2 <= 0) {
                                assert_eq!(
                                    got, e,
                                    "{k1}*a + {k2}*FloorDiv(a, {c}) on [{lo}, {hi}]"
                                );
                            }
                        }
                        // [lo, oo) and (-oo, lo], over a window past the finite end.
                        for iv in [Iv::new(lo.into(), POS_INF), Iv::new(NEG_INF, lo.into())] {
                            let got = iv.with_floordiv(k1, k2, c).unwrap();
                            let (wl, wh) = if iv.hi == POS_INF {
                                (lo, lo + 40)
                            } else {
                                (lo - 40, lo)
                            };
                            for a in wl..=wh {
                                let v = Ext::from(f(a, k1, k2, c));
                                assert!(
                                    got.lo <= v && v <= got.hi,
                                    "{k1}*a + {k2}*FloorDiv(a, {c}) on {iv:?} at {a}: {got:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
        // `s0 - FloorDiv(s0, 2)` over s0 >= 1: >= 1, where the two intervals taken apart hold 0.
        assert_eq!(
            Iv::new(1, POS_INF).with_floordiv(1, -1, 2),
            Some(Iv::new(1, POS_INF))
        );
        // Coefficients that overflow: none.
        assert_eq!(Iv::new(1, POS_INF).with_floordiv(i64::MAX, 1, 2), None);
    }
}
