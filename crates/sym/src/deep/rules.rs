//! The rewrite rules of deep mode, as data: name, left side, right side, side condition.
//!
//! Every rule is an identity over the integers under floor semantics (`a // b = floor(a/b)`,
//! `a % b = a - b*(a // b)`) for every sign, wherever its left side is defined; its right side
//! is defined wherever the left side is (it divides only by divisors of the left side, or by
//! divisors the condition proves nonzero). Side conditions are checked on the e-class
//! intervals, which hold on the input's domain. `tests` below checks each rule at every point of
//! a small box; `scripts/z3_deep_rules.py` proves each one with z3 (it reads the `rule!` lines
//! of this file, so keep one rule per line).
//!
//! Never `(a + b) // c = a // c + b // c`: false for `a = b = 1, c = 2`.

use super::lang::{Arith, Graph};
use crate::interval::Iv;
use egg::{ConditionalApplier, Id, Pattern, Rewrite, Subst, Var};

/// A side condition over pattern variables, checked on intervals.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cond {
    /// Always.
    None,
    /// `v != 0`.
    NonZero(&'static str),
    /// `v > 0`.
    Pos(&'static str),
    /// `v > 0` and `w > 0`.
    Pos2(&'static str, &'static str),
    /// `0 <= a < c` (so `c > 0`).
    Below(&'static str, &'static str),
    /// `a <= b`.
    Le(&'static str, &'static str),
    /// `v >= 0`.
    NonNeg(&'static str),
}

impl Cond {
    /// Whether the condition holds, given the interval of each variable (`None`: unknown).
    pub(crate) fn holds(&self, iv: impl Fn(&str) -> Option<Iv>) -> bool {
        let pos = |v| iv(v).is_some_and(|i: Iv| i.lo >= 1 && i.lo <= i.hi);
        match *self {
            Cond::None => true,
            Cond::NonZero(v) => iv(v).is_some_and(|i| i.lo >= 1 || i.hi <= -1),
            Cond::Pos(v) => pos(v),
            Cond::Pos2(v, w) => pos(v) && pos(w),
            Cond::Below(a, c) => match (iv(a), iv(c)) {
                (Some(a), Some(c)) => a.lo >= 0 && c.lo >= 1 && a.hi < c.lo,
                _ => false,
            },
            Cond::Le(a, b) => match (iv(a), iv(b)) {
                (Some(a), Some(b)) => a.hi <= b.lo,
                _ => false,
            },
            Cond::NonNeg(v) => iv(v).is_some_and(|i| i.lo >= 0),
        }
    }
}

/// One rule: `(name, lhs, rhs, condition)`, sides in egg's s-expression syntax.
pub(crate) type RuleDef = (&'static str, &'static str, &'static str, Cond);

macro_rules! rule {
    ($name:literal, $lhs:literal, $rhs:literal, $cond:expr) => {
        ($name, $lhs, $rhs, $cond)
    };
}

use Cond::{Below, Le, NonNeg, NonZero, Pos, Pos2};

/// The rules (see the module documentation). Identities read left = right.
pub(crate) const RULES: &[RuleDef] = &[
    // --- ring identities (no division: defined everywhere) ---
    // a + b = b + a
    rule!("add_comm", "(+ ?a ?b)", "(+ ?b ?a)", Cond::None),
    // (a + b) + c = a + (b + c)
    rule!(
        "add_assoc",
        "(+ (+ ?a ?b) ?c)",
        "(+ ?a (+ ?b ?c))",
        Cond::None
    ),
    // a*b = b*a
    rule!("mul_comm", "(* ?a ?b)", "(* ?b ?a)", Cond::None),
    // (a*b)*c = a*(b*c)
    rule!(
        "mul_assoc",
        "(* (* ?a ?b) ?c)",
        "(* ?a (* ?b ?c))",
        Cond::None
    ),
    // a*b + a*c = a*(b + c)
    rule!(
        "factor",
        "(+ (* ?a ?b) (* ?a ?c))",
        "(* ?a (+ ?b ?c))",
        Cond::None
    ),
    // a*(b + c) = a*b + a*c
    rule!(
        "distribute",
        "(* ?a (+ ?b ?c))",
        "(+ (* ?a ?b) (* ?a ?c))",
        Cond::None
    ),
    // a + a*c = a*(1 + c)
    rule!(
        "factor_one",
        "(+ ?a (* ?a ?c))",
        "(* ?a (+ 1 ?c))",
        Cond::None
    ),
    // a + 0 = a
    rule!("add_zero", "(+ ?a 0)", "?a", Cond::None),
    // a*1 = a
    rule!("mul_one", "(* ?a 1)", "?a", Cond::None),
    // a*0 = 0 (the right side is defined everywhere)
    rule!("mul_zero", "(* ?a 0)", "0", Cond::None),
    // a + (-1)*a = 0
    rule!("add_neg", "(+ ?a (* -1 ?a))", "0", Cond::None),
    // a + a = 2*a
    rule!("add_same", "(+ ?a ?a)", "(* 2 ?a)", Cond::None),
    // --- FloorDiv / Mod: floor semantics, every sign ---
    // a // 1 = a
    rule!("div_one", "(// ?a 1)", "?a", Cond::None),
    // a % 1 = 0
    rule!("mod_one", "(% ?a 1)", "0", Cond::None),
    // (a*c) // c = a  when c != 0 (a*c/c is exactly a)
    rule!("div_mul_cancel", "(// (* ?a ?c) ?c)", "?a", NonZero("?c")),
    // (a*c) % c = 0  when c != 0
    rule!("mod_mul_zero", "(% (* ?a ?c) ?c)", "0", NonZero("?c")),
    // (a + b*c) // c = a // c + b: floor(a/c + b) = floor(a/c) + b for integer b, any c != 0
    rule!(
        "div_add_multiple",
        "(// (+ ?a (* ?b ?c)) ?c)",
        "(+ (// ?a ?c) ?b)",
        Cond::None
    ),
    // (a + b*c) % c = a % c: (a + bc) - c*(a//c + b) = a - c*(a//c)
    rule!(
        "mod_add_multiple",
        "(% (+ ?a (* ?b ?c)) ?c)",
        "(% ?a ?c)",
        Cond::None
    ),
    // (a*b) // (c*b) = a // c: ab/(cb) = a/c as rationals (the left side needs b != 0, c != 0)
    rule!(
        "div_common_factor",
        "(// (* ?a ?b) (* ?c ?b))",
        "(// ?a ?c)",
        Cond::None
    ),
    // (a*b) % (c*b) = b*(a % c): ab - cb*(a//c) = b*(a - c*(a//c))
    rule!(
        "mod_common_factor",
        "(% (* ?a ?b) (* ?c ?b))",
        "(* ?b (% ?a ?c))",
        Cond::None
    ),
    // c*(a // c) = a + (-1)*(a % c): the definition of floor modulo
    rule!(
        "div_to_mod",
        "(* ?c (// ?a ?c))",
        "(+ ?a (* -1 (% ?a ?c)))",
        Cond::None
    ),
    // a + (-1)*(a % c) = c*(a // c)
    rule!(
        "mod_to_div",
        "(+ ?a (* -1 (% ?a ?c)))",
        "(* ?c (// ?a ?c))",
        Cond::None
    ),
    // (a // b) // c = a // (b*c)  when b > 0, c > 0 (floor(floor(a/b)/c) = floor(a/(bc)))
    rule!(
        "div_div",
        "(// (// ?a ?b) ?c)",
        "(// ?a (* ?b ?c))",
        Pos2("?b", "?c")
    ),
    // a // (b*c) = (a // b) // c  when b > 0, c > 0
    rule!(
        "div_split",
        "(// ?a (* ?b ?c))",
        "(// (// ?a ?b) ?c)",
        Pos2("?b", "?c")
    ),
    // (a % c) % c = a % c
    rule!("mod_mod_same", "(% (% ?a ?c) ?c)", "(% ?a ?c)", Cond::None),
    // (a % (b*c)) % c = a % c: a % (bc) differs from a by a multiple of bc, hence of c
    rule!(
        "mod_mod_factor",
        "(% (% ?a (* ?b ?c)) ?c)",
        "(% ?a ?c)",
        Cond::None
    ),
    // (a % c + b) % c = (a + b) % c: a % c differs from a by a multiple of c
    rule!(
        "mod_add_mod",
        "(% (+ (% ?a ?c) ?b) ?c)",
        "(% (+ ?a ?b) ?c)",
        Cond::None
    ),
    // (a % (c*m)) // c = (a // c) % m  when c > 0, m > 0 (a = q*c*m + r, 0 <= r < c*m)
    rule!(
        "div_of_mod",
        "(// (% ?a (* ?c ?m)) ?c)",
        "(% (// ?a ?c) ?m)",
        Pos2("?c", "?m")
    ),
    // (a // c) % m = (a % (c*m)) // c  when c > 0, m > 0
    rule!(
        "mod_of_div",
        "(% (// ?a ?c) ?m)",
        "(// (% ?a (* ?c ?m)) ?c)",
        Pos2("?c", "?m")
    ),
    // a % c = a  when 0 <= a < c
    rule!("mod_small", "(% ?a ?c)", "?a", Below("?a", "?c")),
    // (q*c + b) // c = q  when 0 <= b < c (= q + b // c, and b // c = 0)
    rule!(
        "div_small_rest",
        "(// (+ (* ?q ?c) ?b) ?c)",
        "?q",
        Below("?b", "?c")
    ),
    // CeilDiv(a, b) = -((-a) // b): ceil(x) = -floor(-x), any b != 0
    rule!(
        "ceil_to_floor",
        "(ceil// ?a ?b)",
        "(* -1 (// (* -1 ?a) ?b))",
        Cond::None
    ),
    // -((-a) // b) = CeilDiv(a, b)
    rule!(
        "floor_to_ceil",
        "(* -1 (// (* -1 ?a) ?b))",
        "(ceil// ?a ?b)",
        Cond::None
    ),
    // CeilDiv(a, b) = (a + b + (-1)) // b  when b > 0
    rule!(
        "ceil_shift",
        "(ceil// ?a ?b)",
        "(// (+ ?a (+ ?b -1)) ?b)",
        Pos("?b")
    ),
    // (a + b + (-1)) // b = CeilDiv(a, b)  when b > 0
    rule!(
        "shift_ceil",
        "(// (+ ?a (+ ?b -1)) ?b)",
        "(ceil// ?a ?b)",
        Pos("?b")
    ),
    // --- Min / Max ---
    // Min(a, b) = Min(b, a); Max likewise
    rule!("min_comm", "(min ?a ?b)", "(min ?b ?a)", Cond::None),
    rule!("max_comm", "(max ?a ?b)", "(max ?b ?a)", Cond::None),
    // Min(Min(a, b), c) = Min(a, Min(b, c)); Max likewise
    rule!(
        "min_assoc",
        "(min (min ?a ?b) ?c)",
        "(min ?a (min ?b ?c))",
        Cond::None
    ),
    rule!(
        "max_assoc",
        "(max (max ?a ?b) ?c)",
        "(max ?a (max ?b ?c))",
        Cond::None
    ),
    // Min(a, a) = a; Max likewise
    rule!("min_same", "(min ?a ?a)", "?a", Cond::None),
    rule!("max_same", "(max ?a ?a)", "?a", Cond::None),
    // Min(a, b) = a  when a <= b; Max(a, b) = b likewise
    rule!("min_le", "(min ?a ?b)", "?a", Le("?a", "?b")),
    rule!("max_le", "(max ?a ?b)", "?b", Le("?a", "?b")),
    // Min(a + c, b + c) = Min(a, b) + c; Max likewise
    rule!(
        "min_add",
        "(min (+ ?a ?c) (+ ?b ?c))",
        "(+ (min ?a ?b) ?c)",
        Cond::None
    ),
    rule!(
        "max_add",
        "(max (+ ?a ?c) (+ ?b ?c))",
        "(+ (max ?a ?b) ?c)",
        Cond::None
    ),
    // Min(a, b) + Max(a, b) = a + b
    rule!(
        "min_plus_max",
        "(+ (min ?a ?b) (max ?a ?b))",
        "(+ ?a ?b)",
        Cond::None
    ),
    // k*Min(a, b) = Min(k*a, k*b)  when k >= 0; Max likewise
    rule!(
        "min_scale",
        "(min (* ?k ?a) (* ?k ?b))",
        "(* ?k (min ?a ?b))",
        NonNeg("?k")
    ),
    rule!(
        "max_scale",
        "(max (* ?k ?a) (* ?k ?b))",
        "(* ?k (max ?a ?b))",
        NonNeg("?k")
    ),
    // -Min(a, b) = Max(-a, -b)
    rule!(
        "neg_min",
        "(* -1 (min ?a ?b))",
        "(max (* -1 ?a) (* -1 ?b))",
        Cond::None
    ),
    rule!(
        "neg_max",
        "(* -1 (max ?a ?b))",
        "(min (* -1 ?a) (* -1 ?b))",
        Cond::None
    ),
];

/// The rule names of `RULES`, in order.
pub fn rule_names() -> Vec<&'static str> {
    RULES.iter().map(|r| r.0).collect()
}

/// The egg rewrite of a rule (its condition checked on the e-class intervals).
pub(crate) fn rewrite(def: &RuleDef) -> Rewrite<Arith, super::lang::Ranges> {
    let (name, lhs, rhs, cond) = *def;
    let lhs: Pattern<Arith> = lhs.parse().expect("rule lhs parses");
    let rhs: Pattern<Arith> = rhs.parse().expect("rule rhs parses");
    let applier = ConditionalApplier {
        condition: IvCond(cond),
        applier: rhs,
    };
    Rewrite::new(name, lhs, applier).expect("rule is well formed")
}

/// A [`Cond`] as an egg condition.
#[derive(Debug)]
struct IvCond(Cond);

impl egg::Condition<Arith, super::lang::Ranges> for IvCond {
    fn check(&self, egraph: &mut Graph, _eclass: Id, subst: &Subst) -> bool {
        self.0.holds(|v| {
            let var: Var = v.parse().ok()?;
            subst.get(var).map(|id| egraph[*id].data)
        })
    }
}

/// All rewrites.
pub(crate) fn rewrites() -> Vec<Rewrite<Arith, super::lang::Ranges>> {
    RULES.iter().map(rewrite).collect()
}
