//! Sums whose floor divisions share symbols with the other terms (`s - FloorDiv(s - 7, 2)`):
//! `bound` and the prover relax each `c*FloorDiv(a, c)` to its dividend `a` (it lies in
//! `[a - c + 1, a]`), each `Mod(a, c)` written `a - c*FloorDiv(a, c)` first, so that like
//! terms merge (`Session::relaxed_sum_iv`). The table shows
//! what that decides; the property checks, on boxes too large for `bound` to enumerate, that
//! every bound contains the exact extremes and every proof holds at every point.

use proptest::prelude::*;
use proptest::test_runner::Config;
use sym::{Bound, Truth};

mod common;
use common::{box_context, box_extremes, check_bound, check_prove};

#[test]
fn sums_with_divisions_of_their_own_symbols() {
    // s - FloorDiv(s - 7, 2) = s - (s - 7 - r)/2 = (s + 7 + r)/2 with r in [0, 1]: >= 4 at s = 1.
    check_bound("s - FloorDiv(s - 7, 2)", &[("s", "1", "")], "[4, oo]");
    check_bound("s + 7 - FloorDiv(s + 7, 2)", &[("s", "1", "")], "[4, oo]");
    // The relation a torch guard asks (bound_sympy of a relation): never true for s >= 1.
    check_bound(
        "s + 7 < FloorDiv(s + 7, 2)",
        &[("s", "1", "")],
        "[False, False]",
    );
    check_prove(
        "s + 7 >= FloorDiv(s + 7, 2)",
        &[("s", "1", "")],
        &[],
        "true",
    );
    // Two divisors, L = 12: 12*d lies in [-5x - 17, -5x] (the slack of the lower end is
    // 4*2 + 3*3), so d in [ceil(-5017/12), 0] = [-418, 0]; the terms' own intervals give
    // [-1000, 583]. The exact minimum -417 comes from evaluating one period of 12 at each end
    // of x's range (residue.rs).
    check_bound(
        "FloorDiv(x, 3) + FloorDiv(x, 4) - x",
        &[("x", "0", "1000")],
        "[-417, 0]",
    );
    // A period past the evaluation cap (17*19 = 323): the relaxation alone. L = 323:
    // 323*d lies in [-287x - 610, -287x] (slack 16*19 + 18*17), so d >= ceil(-2870610/323)
    // = -8887 (the exact minimum is -8886).
    check_bound(
        "FloorDiv(x, 17) + FloorDiv(x, 19) - x",
        &[("x", "0", "10000")],
        "[-8887, 0]",
    );
    // Nested: the inner division is relaxed in the second round.
    check_bound(
        "2*x - FloorDiv(x + FloorDiv(x, 2), 3)",
        &[("x", "0", "")],
        "[0, oo]",
    );
    // A division and the remainder of its dividend: with F = FloorDiv(x, 16),
    // 14*F + Mod(x, 16) = x - 2*F, and 16*(x - 2*F) lies in [14*x, 14*x + 30]: at most
    // (14000 + 30)//16 = 876, the exact maximum (at x = 1000); the terms' own intervals
    // give 14*62 + 15 = 883.
    check_bound(
        "14*FloorDiv(x, 16) + Mod(x, 16)",
        &[("x", "0", "1000")],
        "[0, 876]",
    );
    // No shared symbol: the terms' own intervals, unchanged.
    check_bound(
        "y - FloorDiv(x, 2)",
        &[("x", "0", "9"), ("y", "0", "9")],
        "[-4, 9]",
    );
}

/// One term of a random sum over `a` and `b`.
fn term() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        (-3i64..=3, -3i64..=3, -9i64..=9, 2i64..=7)
            .prop_map(|(p, q, r, c)| format!("FloorDiv({p}*a + {q}*b + {r}, {c})")),
        (-3i64..=3, -9i64..=9, 2i64..=4, 2i64..=5)
            .prop_map(|(p, r, c, e)| format!("FloorDiv({p}*a + FloorDiv(b + {r}, {c}), {e})")),
        (-3i64..=3, -3i64..=3, -9i64..=9, 2i64..=7)
            .prop_map(|(p, q, r, c)| format!("Mod({p}*a + {q}*b + {r}, {c})")),
        // A division and the remainder of the same dividend (one division once the Mod is
        // written as a - c*FloorDiv(a, c)).
        (-3i64..=3, 1i64..=3, -9i64..=9, 2i64..=7, -9i64..=9).prop_map(|(p, q, r, c, k)| {
            format!("{k}*FloorDiv({p}*a + {q}*b + {r}, {c}) + Mod({p}*a + {q}*b + {r}, {c})")
        }),
    ]
}

/// A sum `Σ k*t + c` of one to four terms.
fn sum() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((-4i64..=4, term()), 1..=4),
        -20i64..=20,
    )
        .prop_map(|(ts, c)| {
            let mut s = c.to_string();
            for (k, t) in ts {
                s.push_str(&format!(" + ({k})*({t})"));
            }
            s
        })
}

proptest! {
    #![proptest_config(Config { cases: 400, ..Config::default() })]

    /// Boxes of more than 512 points (`bound` does not enumerate them): the bound contains the
    /// exact extremes, `sum >= min` and `sum <= max` are never refuted, and a proof of
    /// `sum >= t` or `sum <= t` (at the bound's ends) holds at every point.
    #[test]
    fn relaxed_bounds_contain_the_extremes(
        text in sum(),
        alo in -30i64..=30, aw in 20i64..=40,
        blo in -30i64..=30, bw in 25i64..=40,
    ) {
        let (a, b) = ((alo, alo + aw), (blo, blo + bw));
        let mut cx = box_context(a, b);
        let e = cx.parse(&text).unwrap();
        let (mn, mx) = box_extremes(&mut cx, e, a, b);
        let Bound::Int { lo, hi } = cx.bound(e) else { panic!("an integer bound") };
        prop_assert!(
            lo.is_none_or(|l| l <= mn) && hi.is_none_or(|h| h >= mx),
            "{text}: bound [{lo:?}, {hi:?}] misses [{mn}, {mx}]"
        );
        for (rel, holds) in [(format!("{text} >= {mn}"), true), (format!("{text} <= {mx}"), true),
                             (format!("{text} < {mn}"), false), (format!("{text} > {mx}"), false)] {
            let p = cx.parse_bool(&rel).unwrap();
            let t = cx.prove(p).unwrap();
            let wrong = if holds { Truth::False } else { Truth::True };
            prop_assert!(t != wrong, "{rel}: {t:?}");
        }
    }
}
