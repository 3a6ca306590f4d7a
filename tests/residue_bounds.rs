//! Remainders and divisions of quasi-affine expressions (`Mod(FloorDiv(3*x - 1, 2), 3)`):
//! their values depend on residues, which per-operator intervals lose. `bound` evaluates such an
//! expression at a window of one period at one end of each symbol's range (residue.rs: `e`
//! grows by a fixed step over each symbol's period, so the extremes lie in those windows), or,
//! when the windows are too large and every symbol is inside one linear form `L`, as a function
//! of `L` alone. The table shows what that decides; the properties check, on boxes too large
//! for `bound` to enumerate, that the bound is the exact range for expressions whose windows are
//! small, and that it always contains the exact range.

use proptest::prelude::*;
use proptest::test_runner::Config;
use sym::{Bound, Truth};

mod common;
use common::{box_context, box_extremes, check_bound, check_prove};

#[test]
fn remainders_of_divisions() {
    // FloorDiv(3*x - 1, 2) is 3*(x/2) - 1 for even x (≡ 2 mod 3) and 3*(x - 1)/2 + 1 for odd x
    // (≡ 1 mod 3): the remainder is never 0. Period 6 in x.
    check_bound(
        "Mod(FloorDiv(3*x - 1, 2), 3)",
        &[("x", "-1", "108")],
        "[1, 2]",
    );
    // FloorDiv(FloorDiv(16*x, 3), 4) = FloorDiv(4*x, 3) ≡ 0, 1, 2 (mod 4) for x ≡ 0, 1, 2 (mod 3).
    check_bound(
        "ModularIndexing(FloorDiv(16*x, 3), 4, 4)",
        &[("x", "7", "283")],
        "[0, 2]",
    );
    // FloorDiv(8*(x + y) - 1, 4) = 2*(x + y) - 1: odd.
    check_bound(
        "Mod(FloorDiv(8*y + 8*x - 1, 4), 2)",
        &[("x", "5", "41"), ("y", "-6", "280")],
        "[1, 1]",
    );
    // FloorDiv(64*x + 7, 4) = 16*x + 1, so the remainder by 64 is 1, 17, 33 or 49.
    check_bound(
        "FloorDiv(ModularIndexing(64*x + 7, 4, 64), 8)",
        &[("x", "0", "179")],
        "[0, 6]",
    );
    // Narrow ranges keep residues out: x + 4*y mod 8 with x in [0, 1] is 0, 1, 4 or 5.
    check_bound(
        "Mod(x + 4*y, 8)",
        &[("x", "0", "1"), ("y", "0", "1000")],
        "[0, 5]",
    );
    // Growing with its symbols: X + FloorDiv(X, 3) for X = 2*x + y + 1 with the remainder of X
    // added, F + M = X - 2*F. The minimum -4 at X = -12 (the interval of the terms says -5).
    check_bound(
        "FloorDiv(2*x + y + 1, 3) + Mod(2*x + y + 1, 3)",
        &[("x", "-7", "130"), ("y", "0", "179")],
        "[-4, 148]",
    );
    // One linear form L = 3*x + 4*y, with windows of 64*16 points in x and y: a function of L
    // alone (period 64, growing by 8 each) on L's interval [0, 700]; 140 at L = 700.
    check_bound(
        "8*FloorDiv(3*x + 4*y, 64) + Mod(3*x + 4*y, 64)",
        &[("x", "0", "100"), ("y", "0", "100")],
        "[0, 140]",
    );
    // One linear form that skips values near its ends: L = 3*(x + y) + 4*z is 43 at its
    // minimum and then 46, 47, 49, ... (43 plus sums of 3s and 4s), so the values L takes in
    // its first period are listed (a bounded knapsack of the steps): 24 at L = 48 is not
    // taken, the minimum is 25 at L = 49. The symbols' windows would hold 16*16*4 points.
    check_bound(
        "8*FloorDiv(3*y + 3*x + 4*z, 16) + Mod(3*y + 3*x + 4*z, 16)",
        &[("x", "-17", "37"), ("y", "14", "146"), ("z", "13", "117")],
        "[25, 513]",
    );
    // Nested, with a period of 1024 in L/2 (L = 2*z + 16*x + 4*y; Y = 2*FloorDiv(L, 64) +
    // Mod(L, 64) grows by 2 every 32 steps of L/2, and the outer division needs 64 of Y).
    check_bound(
        "8*FloorDiv(2*FloorDiv(2*z + 16*x + 4*y, 64) + Mod(2*z + 16*x + 4*y, 64), 64) \
         + Mod(2*FloorDiv(2*z + 16*x + 4*y, 64) + Mod(2*z + 16*x + 4*y, 64), 64)",
        &[("x", "-3", "293"), ("y", "-11", "211"), ("z", "11", "79")],
        "[0, 78]",
    );
    // Unbounded symbols: periodic (D = 0) expressions take every residue in any period.
    check_bound("Mod(FloorDiv(3*x - 1, 2), 3)", &[("x", "", "")], "[1, 2]");
    check_bound(
        "Mod(FloorDiv(3*x - 1, 2), 3) + 2*x",
        &[("x", "0", "")],
        "[2, oo]",
    );
    // Symbolic range ends: the symbol's numeric interval (here [0, 1000]) contains its values,
    // so the extremes over it bound the expression.
    check_bound(
        "Mod(FloorDiv(3*x - 1, 2), 3)",
        &[("n", "0", "1000"), ("x", "0", "n")],
        "[1, 2]",
    );
}

#[test]
fn comparisons_of_remainders() {
    // The prover leaves these open; the exact extremes of the difference of the sides decide.
    check_bound(
        "Mod(FloorDiv(3*x - 1, 2), 3) >= 1",
        &[("x", "-1", "1000")],
        "[True, True]",
    );
    check_bound(
        "Eq(Mod(FloorDiv(3*x - 1, 2), 3), 0)",
        &[("x", "-1", "1000")],
        "[False, False]",
    );
    check_bound(
        "Ne(Mod(FloorDiv(3*x - 1, 2), 3), 0)",
        &[("x", "-1", "1000")],
        "[True, True]",
    );
    check_bound(
        "FloorDiv(2*x + y + 1, 3) + Mod(2*x + y + 1, 3) >= -4",
        &[("x", "-7", "130"), ("y", "0", "179")],
        "[True, True]",
    );
    check_bound(
        "FloorDiv(2*x + y + 1, 3) + Mod(2*x + y + 1, 3) < -4",
        &[("x", "-7", "130"), ("y", "0", "179")],
        "[False, False]",
    );
    // The prover answers the same way.
    check_prove(
        "Mod(FloorDiv(3*x - 1, 2), 3) >= 1",
        &[("x", "-1", "1000")],
        &[],
        "true",
    );
    check_prove(
        "Eq(Mod(FloorDiv(3*x - 1, 2), 3), 0)",
        &[("x", "-1", "1000")],
        &[],
        "false",
    );
    // Undecided: the value 2 is taken (x even), and so is 1.
    check_bound(
        "Mod(FloorDiv(3*x - 1, 2), 3) >= 2",
        &[("x", "-1", "1000")],
        "[False, True]",
    );
}

/// An affine form of `a` and `b`.
fn leaf() -> impl Strategy<Value = String> {
    (-3i64..=3, -3i64..=3, -9i64..=9).prop_map(|(p, q, r)| format!("{p}*a + {q}*b + {r}"))
}

/// One remainder or division by 2 to 4 around `x`.
fn wrap(x: String, op: u8, c: i64, k: i64) -> String {
    match op {
        0 => format!("FloorDiv({x}, {c})"),
        1 => format!("Mod({x}, {c})"),
        2 => format!("CeilDiv({x}, {c})"),
        _ => format!("{k}*FloorDiv({x}, {c}) + Mod({x}, {c})"),
    }
}

/// Two levels of remainders and divisions by 2 to 4 (periods at most 16 in each symbol, so the
/// windows hold at most 256 points), plus a multiple of `a` (the expression then grows with it).
fn small_period() -> impl Strategy<Value = String> {
    (
        leaf(),
        (0u8..4, 2i64..=4, -4i64..=4),
        (0u8..4, 2i64..=4, -4i64..=4),
        -2i64..=2,
    )
        .prop_map(|(l, (o1, c1, k1), (o2, c2, k2), s)| {
            let e = wrap(wrap(l, o1, c1, k1), o2, c2, k2);
            format!("{e} + ({s})*a")
        })
}

/// Remainders and divisions by larger constants of one linear form (windows past the cap).
fn large_period() -> impl Strategy<Value = String> {
    (
        (1i64..=7, 1i64..=7, -9i64..=9),
        (
            0u8..4,
            prop::sample::select(vec![8i64, 16, 32, 64]),
            -8i64..=8,
        ),
        (
            0u8..4,
            prop::sample::select(vec![3i64, 8, 16, 64]),
            -8i64..=8,
        ),
        prop::bool::ANY,
    )
        .prop_map(|((p, q, r), (o1, c1, k1), (o2, c2, k2), neg)| {
            let q = if neg { -q } else { q };
            wrap(wrap(format!("{p}*a + {q}*b + {r}"), o1, c1, k1), o2, c2, k2)
        })
}

/// The bound of `text` and its exact extremes on the box.
fn bound_and_extremes(
    text: &str,
    a: (i64, i64),
    b: (i64, i64),
) -> (Option<i64>, Option<i64>, i64, i64) {
    let mut cx = box_context(a, b);
    let e = cx.parse(text).unwrap();
    let (mn, mx) = box_extremes(&mut cx, e, a, b);
    let Bound::Int { lo, hi } = cx.bound(e) else {
        panic!("an integer bound")
    };
    (lo, hi, mn, mx)
}

/// The bound of the comparison `rel` on the box.
fn bound_of_relation(rel: &str, a: (i64, i64), b: (i64, i64)) -> Bound {
    let mut cx = box_context(a, b);
    let p = cx.parse_bool(rel).unwrap();
    cx.bound(p)
}

proptest! {
    #![proptest_config(Config { cases: 400, ..Config::default() })]

    /// Boxes of more than 512 points (`bound` does not enumerate them) and windows of at most
    /// 256: the bound is the exact range.
    #[test]
    fn small_periods_are_exact(
        text in small_period(),
        alo in -30i64..=30, aw in 20i64..=40,
        blo in -30i64..=30, bw in 25i64..=40,
    ) {
        let (lo, hi, mn, mx) = bound_and_extremes(&text, (alo, alo + aw), (blo, blo + bw));
        prop_assert!(
            lo == Some(mn) && hi == Some(mx),
            "{text}: bound [{lo:?}, {hi:?}], exact [{mn}, {mx}]"
        );
        // Comparisons at the extremes are decided, and right.
        let (a, b) = ((alo, alo + aw), (blo, blo + bw));
        for (rel, v) in [(format!("{text} >= {mn}"), true), (format!("{text} < {mn}"), false),
                         (format!("{text} <= {mx}"), true), (format!("{text} > {mx}"), false),
                         (format!("Eq({text}, {})", mx + 1), false),
                         (format!("Ne({text}, {})", mn - 1), true)] {
            let got = bound_of_relation(&rel, a, b);
            prop_assert_eq!(got, Bound::Bool { lo: v, hi: v }, "{}", rel);
            let mut cx = box_context(a, b);
            let p = cx.parse_bool(&rel).unwrap();
            let want = if v { Truth::True } else { Truth::False };
            prop_assert_eq!(cx.prove(p).unwrap(), want, "prove {}", rel);
        }
        // Comparisons that hold at one extreme only: open unless the value is constant.
        let lo_v = mn == mx;
        for rel in [format!("{text} < {}", mn + 1), format!("{text} > {}", mx - 1),
                    format!("Eq({text}, {mn})"), format!("Eq({text}, {mx})")] {
            let got = bound_of_relation(&rel, a, b);
            prop_assert_eq!(got, Bound::Bool { lo: lo_v, hi: true }, "{}", rel);
            let mut cx = box_context(a, b);
            let p = cx.parse_bool(&rel).unwrap();
            let t = cx.prove(p).unwrap();
            prop_assert!(t != Truth::False && (lo_v || t == Truth::Unknown), "prove {}: {:?}", rel, t);
        }
    }

    /// Larger periods, some answered through the one linear form: the bound contains the exact
    /// range.
    #[test]
    fn large_periods_are_sound(
        text in large_period(),
        alo in -30i64..=30, aw in 20i64..=60,
        blo in -30i64..=30, bw in 25i64..=60,
    ) {
        let (lo, hi, mn, mx) = bound_and_extremes(&text, (alo, alo + aw), (blo, blo + bw));
        prop_assert!(
            lo.is_none_or(|l| l <= mn) && hi.is_none_or(|h| h >= mx),
            "{text}: bound [{lo:?}, {hi:?}] misses [{mn}, {mx}]"
        );
    }
}
