//! Modular analysis: every integer expression known as `coeff*k + base` for some integer `k`
//! (TVM's ModularSet). `coeff == 0` means the value is exactly `base`; `coeff == 1` means nothing
//! is known. Used by the prover for divisibility (`Mod(16*s0*s1 + 8, 8) == 0`).

use crate::build::{floor_mod, gcd};

/// `{coeff*k + base : k integer}` with `0 <= base < coeff` when `coeff > 0`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct ModSet {
    pub coeff: i64,
    pub base: i64,
}

impl ModSet {
    pub const TOP: ModSet = ModSet { coeff: 1, base: 0 };

    pub fn new(coeff: i64, base: i64) -> ModSet {
        if coeff == 0 {
            return ModSet { coeff: 0, base };
        }
        let c = coeff.checked_abs().unwrap_or(1);
        ModSet {
            coeff: c,
            base: floor_mod(base, c).unwrap_or(0),
        }
    }

    pub fn constant(v: i64) -> ModSet {
        ModSet { coeff: 0, base: v }
    }

    pub fn add(self, o: ModSet) -> ModSet {
        let c = gcd(self.coeff, o.coeff);
        match self.base.checked_add(o.base) {
            Some(b) => ModSet::new(c, b),
            // Reduce the bases first; the sum of reduced bases cannot overflow.
            None if c > 0 => match floor_mod(self.base, c)
                .unwrap_or(0)
                .checked_add(floor_mod(o.base, c).unwrap_or(0))
            {
                Some(b) => ModSet::new(c, b),
                None => ModSet::TOP,
            },
            None => ModSet::TOP,
        }
    }

    pub fn scale(self, k: i64) -> ModSet {
        match (self.coeff.checked_mul(k), self.base.checked_mul(k)) {
            (Some(c), Some(b)) => ModSet::new(c, b),
            _ => ModSet::TOP,
        }
    }

    /// (c1*k1 + b1)(c2*k2 + b2) = c1c2 k1k2 + c1 b2 k1 + c2 b1 k2 + b1 b2.
    pub fn mul(self, o: ModSet) -> ModSet {
        let parts = [
            self.coeff.checked_mul(o.coeff),
            self.coeff.checked_mul(o.base),
            o.coeff.checked_mul(self.base),
        ];
        let mut c = 0;
        for p in parts {
            match p {
                Some(v) => c = gcd(c, v),
                None => return ModSet::TOP,
            }
        }
        match self.base.checked_mul(o.base) {
            Some(b) => ModSet::new(c, b),
            None => ModSet::TOP,
        }
    }

    /// Mod(a, m) for a constant m > 0: if m divides the coefficient the residue is exact.
    pub fn modulo(self, m: i64) -> ModSet {
        if m <= 0 {
            return ModSet::TOP;
        }
        let g = gcd(self.coeff, m);
        // a = coeff*k + base; a mod m ≡ base (mod gcd(coeff, m)).
        ModSet::new(g, self.base)
    }

    /// Whether `v` is outside the set (so `e == v` is false everywhere).
    pub fn excludes(self, v: i64) -> bool {
        if self.coeff == 0 {
            return self.base != v;
        }
        match v.checked_sub(self.base) {
            Some(d) => d % self.coeff != 0,
            None => false,
        }
    }
}
