//! A division or remainder by the numerator's own quotient, `FloorDiv(a, FloorDiv(a, k))` and
//! `Mod(a, FloorDiv(a, k))` for a constant `k >= 2` (Inductor's scale factors: `s0//(s0//2)`).
//! Where `a >= k*k` they are `k` and `Mod(a, k)` (simplify); where `a >= k` the bound is the
//! window `[k, k + (k - 1)//floor(lo(a)/k)]` (`[0, k - 1]` for the remainder). Checked on a
//! table and exhaustively on random small ranges: the simplified form equal at every point, the
//! bound holding every value, the rules seen firing, the window exact where the table says so.

mod common;

use common::{Rng, check, check_bound};
use sym::{Bound, Context, Expr, Rule, Value};

/// Ranges as `Context::set_range_str` takes them: `(symbol, lo, hi)`.
type Ranges<'a> = &'a [(&'a str, &'a str, &'a str)];

fn int_bound(cx: &mut Context, e: Expr) -> (Option<i64>, Option<i64>) {
    match cx.bound(e) {
        Bound::Int { lo, hi } => (lo, hi),
        b => panic!("not an integer bound: {b}"),
    }
}

#[test]
fn table() {
    let big = [("s0", "4", "oo"), ("s53", "4", "oo")];
    let rows: &[(&str, Ranges<'_>, &str)] = &[
        ("FloorDiv(s0, FloorDiv(s0, 2))", &big, "2"),
        ("3*(s0//(s0//2))*(s53//(s53//2)) - 1", &big, "11"),
        ("Mod(s0, FloorDiv(s0, 2))", &big, "Mod(s0, 2)"),
        ("FloorDiv(s0, FloorDiv(s0, 3))", &[("s0", "9", "oo")], "3"),
        (
            "Mod(s0, FloorDiv(s0, 3))",
            &[("s0", "9", "oo")],
            "Mod(s0, 3)",
        ),
        // A sum numerator, the same node in both places.
        (
            "FloorDiv(x + 4*y, FloorDiv(x + 4*y, 2))",
            &[("x", "0", "3"), ("y", "1", "oo")],
            "2",
        ),
        // Below k*k the value is not k everywhere (s0 = 3: 3//1 = 3; 8//2 = 4 for k = 3).
        (
            "FloorDiv(s0, FloorDiv(s0, 2))",
            &[("s0", "3", "oo")],
            "FloorDiv(s0, FloorDiv(s0, 2))",
        ),
        (
            "Mod(s0, FloorDiv(s0, 3))",
            &[("s0", "8", "oo")],
            "Mod(s0, FloorDiv(s0, 3))",
        ),
        // Another numerator: not the own quotient.
        (
            "FloorDiv(s0 + 1, FloorDiv(s0, 2))",
            &[("s0", "4", "oo")],
            "FloorDiv(s0 + 1, FloorDiv(s0, 2))",
        ),
    ];
    for (text, ranges, want) in rows {
        check(text, ranges, want);
    }
}

#[test]
fn bound_windows() {
    // (expression, ranges, the exact bound over the range)
    let rows: &[(&str, Ranges<'_>, &str)] = &[
        ("s0//(s0//2)", &[("s0", "4", "516")], "[2, 2]"),
        ("s//(s//2)", &[("s", "2", "t"), ("t", "3", "4")], "[2, 3]"),
        (
            "3*((s0//((s0//2))))*((s53//((s53//2)))) - 1",
            &[("s0", "4", "256"), ("s53", "4", "256")],
            "[11, 11]",
        ),
        ("s0//(s0//3)", &[("s0", "3", "oo")], "[3, 5]"),
        ("s0//(s0//3)", &[("s0", "6", "oo")], "[3, 4]"),
        ("Mod(s0, s0//3)", &[("s0", "3", "oo")], "[0, 2]"),
    ];
    for (text, ranges, want) in rows {
        check_bound(text, ranges, want);
    }
}

/// Random numerators `c*x + d` and `k` over random small ranges of `x` (some reaching below
/// `k`, some negative): the simplified forms equal the input at every point where it is
/// defined, and the bounds hold every value.
#[test]
fn exhaustive_on_random_ranges() {
    let mut r = Rng(0x0C0F_F1CE);
    let (mut fd_fired, mut mod_fired, mut windows) = (0, 0, 0);
    for _ in 0..6000 {
        let k = r.range(2, 7);
        let c = [1, 1, 2, 3][r.range(0, 3) as usize];
        let d = r.range(-6, 6);
        let lo = r.range(-10, 60);
        let hi = lo + r.range(0, 40);
        let num = format!("{c}*x + {d}");
        let op = if r.range(0, 1) == 0 {
            "FloorDiv"
        } else {
            "Mod"
        };
        let text = format!("{op}({num}, FloorDiv({num}, {k}))");
        let mut cx = Context::new();
        cx.set_range_str("x", &lo.to_string(), &hi.to_string())
            .unwrap();
        let e = cx.parse(&text).unwrap();
        let (s, stats) = cx.simplify_with_stats(e);
        fd_fired += usize::from(stats.count(Rule::FdOwnQuotient) > 0);
        mod_fired += usize::from(stats.count(Rule::ModOwnQuotient) > 0);
        let (blo, bhi) = int_bound(&mut cx, e);
        let mut seen = (i64::MAX, i64::MIN);
        for v in lo..=hi {
            let at = [("x", Value::Int(v))];
            let Ok(Value::Int(want)) = cx.eval(e, &at) else {
                continue; // a zero divisor: outside the domain
            };
            assert_eq!(
                cx.eval(s, &at),
                Ok(Value::Int(want)),
                "{text} on [{lo}, {hi}] at x = {v}: {}",
                cx.display(s)
            );
            assert!(
                blo.is_none_or(|b| b <= want) && bhi.is_none_or(|b| want <= b),
                "{text} on [{lo}, {hi}] at x = {v} = {want}: bound [{blo:?}, {bhi:?}]"
            );
            seen = (seen.0.min(want), seen.1.max(want));
        }
        // Where every numerator value is at least k, the window applies: the bound is finite.
        if c * lo + d >= k && seen.0 <= seen.1 {
            windows += 1;
            assert!(
                blo.is_some() && bhi.is_some(),
                "{text} on [{lo}, {hi}]: bound [{blo:?}, {bhi:?}]"
            );
            if op == "Mod" {
                assert!(bhi.unwrap() < k, "{text} on [{lo}, {hi}]: upper {bhi:?}");
            }
        }
    }
    assert!(fd_fired > 300, "FloorDiv rule fired on {fd_fired} cases");
    assert!(mod_fired > 300, "Mod rule fired on {mod_fired} cases");
    assert!(windows > 1000, "{windows} windows");
}
