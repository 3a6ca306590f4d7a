//! `affine_on_small_range`: a FloorDiv, CeilDiv or Mod in one symbol whose range has at most 16
//! values is replaced by the affine form exact evaluation finds at every value. Checked
//! exhaustively: random nodes over random small ranges, the simplified form equal at every
//! point of the range, and the rule seen firing.

mod common;

use common::Rng;
use sym::{Context, Rule, Value};

#[test]
fn table() {
    let rows: &[(&str, i64, i64, &str)] = &[
        // 13 = 4*3 + 1 and FloorDiv(x, 3) = 0 on [0, 2]: TVM's coefficient split.
        ("FloorDiv(13*x, 3)", 0, 2, "4*x"),
        ("FloorDiv(13*x, 3)", 0, 3, "FloorDiv(13*x, 3)"),
        ("Mod(7*x + 2, 16)", 0, 1, "7*x + 2"),
        ("CeilDiv(5*x + 1, 5)", 0, 3, "x + 1"),
        ("FloorDiv(11*x, 3)", 0, 2, "FloorDiv(11*x, 3)"),
        // Constant on the range.
        ("FloorDiv(x + 100, 64)", 0, 15, "1"),
        // 17 values: beyond the limit, left to the other rules.
        ("FloorDiv(13*x, 3)", 0, 16, "FloorDiv(13*x, 3)"),
    ];
    let mut bad = Vec::new();
    for (text, lo, hi, want) in rows {
        let mut cx = Context::new();
        cx.set_range_str("x", &lo.to_string(), &hi.to_string())
            .unwrap();
        let e = cx.parse(text).unwrap();
        let s = cx.simplify(e);
        if cx.display(s) != *want {
            bad.push(format!(
                "{text} on [{lo}, {hi}]: {} (want {want})",
                cx.display(s)
            ));
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

#[test]
fn exhaustive_on_random_small_ranges() {
    let mut r = Rng(0xAFF1_5EED);
    let mut fired = 0;
    for _ in 0..20_000 {
        let k = r.range(-40, 40);
        let b = r.range(-60, 60);
        let c = match r.range(-9, 9) {
            0 => 7,
            v => v,
        };
        let op = ["FloorDiv", "CeilDiv", "Mod"][r.below(3) as usize];
        let lo = r.range(-20, 20);
        let hi = lo + r.range(0, 18);
        let text = format!("{op}({k}*x + {b}, {c})");
        let mut cx = Context::new();
        cx.set_range_str("x", &lo.to_string(), &hi.to_string())
            .unwrap();
        let e = cx.parse(&text).unwrap();
        let (s, stats) = cx.simplify_with_stats(e);
        fired += usize::from(stats.count(Rule::AffineSmallRange) > 0);
        for v in lo..=hi {
            let at = [("x", Value::Int(v))];
            assert_eq!(
                cx.eval(e, &at),
                cx.eval(s, &at),
                "{text} on [{lo}, {hi}] at x = {v}: {}",
                cx.display(s)
            );
        }
    }
    assert!(fired > 1000, "the rule fired on {fired} cases");
}

/// The same at the edges of i64: coefficients, constants and divisors near `i64::MIN` and
/// `i64::MAX` (a numerator beyond i64 at some point, `i64::MIN // -1`), over small ranges
/// near zero and near the edges. Where the input evaluates, the simplified form has its value.
#[test]
fn exhaustive_at_the_edges_of_i64() {
    const EDGE: [i64; 12] = [
        i64::MIN,
        i64::MIN + 1,
        i64::MAX,
        i64::MAX - 1,
        -1,
        1,
        2,
        -2,
        1 << 62,
        -(1 << 62),
        3_037_000_499,
        0,
    ];
    let mut r = Rng(0xED6E_5EED);
    let mut fired = 0;
    for _ in 0..20_000 {
        let mut pick = || EDGE[r.below(EDGE.len() as u64) as usize];
        let (k, b, c) = (pick(), pick(), pick());
        let c = if c == 0 { -1 } else { c };
        let op = ["FloorDiv", "CeilDiv", "Mod"][r.below(3) as usize];
        let lo = match r.below(3) {
            0 => r.range(-8, 8),
            1 => i64::MAX - 15,
            _ => i64::MIN,
        };
        let hi = lo.saturating_add(r.range(0, 15));
        let text = format!("{op}({k}*x + {b}, {c})");
        let mut cx = Context::new();
        cx.set_range_str("x", &lo.to_string(), &hi.to_string())
            .unwrap();
        let Ok(e) = cx.parse(&text) else {
            continue;
        };
        let (s, stats) = cx.simplify_with_stats(e);
        fired += usize::from(stats.count(Rule::AffineSmallRange) > 0);
        for v in lo..=hi {
            let at = [("x", Value::Int(v))];
            if let Ok(want) = cx.eval(e, &at) {
                assert_eq!(
                    Ok(want),
                    cx.eval(s, &at),
                    "{text} on [{lo}, {hi}] at x = {v}: {}",
                    cx.display(s)
                );
            }
        }
    }
    assert!(fired > 100, "the rule fired on {fired} cases");
}
