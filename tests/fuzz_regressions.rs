//! Cases found by the fuzz targets of `fuzz/` (fuzz/README.md), each at the point where it
//! failed: the simplified form must have the input's value there (docs/rules.md §8: no new
//! overflow), and a solve answer must evaluate and agree with the relation.

mod common;

use sym::{Bound, Context, SolveResult, Value};

/// Simplifies `text` under `ranges` and compares the values at `point`.
#[track_caller]
fn same_value_at(text: &str, ranges: &[(&str, &str, &str)], point: &[(&str, i64)]) {
    let mut cx = Context::new();
    for (n, lo, hi) in ranges {
        cx.set_range_str(n, lo, hi).unwrap();
    }
    let e = cx.parse(text).unwrap();
    let s = cx.simplify(e);
    let vals: Vec<(&str, Value)> = point.iter().map(|(n, v)| (*n, Value::Int(*v))).collect();
    let want = cx.eval(e, &vals);
    assert!(want.is_ok(), "{text} is defined at {point:?}: {want:?}");
    assert_eq!(
        cx.eval(s, &vals),
        want,
        "\ninput:      {text}\nsimplified: {}\nat:         {point:?}",
        cx.display(s)
    );
}

/// split_join: S*Mod(y, e1) + S*e1*Mod(y//e1, e2) = S*Mod(y, e1*e2) built the divisor e1*e2,
/// which overflows at s27 = 2^63 - 2, s77 = 1024 where the input is 1.
#[test]
fn split_join_divisor_must_fit() {
    same_value_at(
        "r1 + 128*s27*ModularIndexing(r0, s27, s77) + 128*Mod(r0, s27)",
        &[("r0", "0", ""), ("s27", "1", ""), ("s77", "1", "")],
        &[("r0", 0), ("r1", 1), ("s27", i64::MAX - 1), ("s77", 1024)],
    );
    // Bounded extents still join.
    let mut cx = Context::new();
    for (n, lo, hi) in [("r0", "0", ""), ("s27", "1", "4096"), ("s77", "1", "4096")] {
        cx.set_range_str(n, lo, hi).unwrap();
    }
    let e = cx
        .parse("r1 + 128*s27*ModularIndexing(r0, s27, s77) + 128*Mod(r0, s27)")
        .unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), "r1 + 128*Mod(r0, s27*s77)");
}

/// Mod(g*a, g*b) = g*Mod(a, b) with the monomial content g = s27 built s14*x0, which is 2^63 at
/// s27 = -1 where s14*s27*x0 is i64::MIN.
#[test]
fn mod_content_quotient_must_fit() {
    same_value_at(
        "x7 + x*Mod(x0*Mod(s14*s27*x0, s27**248), s27**248)",
        &[],
        &[
            ("s14", -(1 << 62)),
            ("s27", -1),
            ("x", -(1 << 32)),
            ("x0", -2),
            ("x7", 63),
        ],
    );
    same_value_at(
        "FloorDiv(s14*s27*x0, s27*y)",
        &[],
        &[("s14", -(1 << 62)), ("s27", -1), ("x0", -2), ("y", 3)],
    );
    // A positive content still cancels.
    let mut cx = Context::new();
    cx.set_range_str("s27", "1", "").unwrap();
    let e = cx.parse("Mod(s14*s27*x0, s27*y)").unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), "s27*Mod(s14*x0, y)");
}

/// solve: C*g == r with C < 0 negated C; at C = i64::MIN the answer did not evaluate.
#[test]
fn solve_negative_symbolic_coefficient_at_i64_min() {
    let mut cx = Context::new();
    let rel = cx.parse_bool("Eq(7*y*x - 5, 9)").unwrap();
    let x = cx.symbol("x").unwrap();
    let SolveResult::Solved(sol) = cx.solve_with_cases(rel, x) else {
        panic!("solved before")
    };
    for y in [i64::MIN, i64::MIN + 1, -2, -1, 1, 2, i64::MAX] {
        for xv in [-2, -1, 0, 1, 2] {
            let vals = [("x", Value::Int(xv)), ("y", Value::Int(y))];
            let Ok(Value::Bool(want)) = cx.eval(rel, &vals) else {
                continue;
            };
            let got = common::solution_holds(&cx, &sol, Value::Int(xv), &vals);
            assert_eq!(got, Some(want), "x = {xv}, y = {y}: {sol:?}");
        }
    }
}

/// A float literal beyond the doubles parsed to an infinity that printed as `oo`, which does
/// not parse back: refused, with the column.
#[test]
fn float_literal_beyond_doubles_is_refused() {
    let mut cx = Context::new();
    for text in ["9e990", "x + 9e990", "-1.5e400"] {
        let err = cx.parse(text).unwrap_err().to_string();
        assert!(
            err.contains("beyond the range of a double"),
            "{text}: {err}"
        );
    }
    let e = cx.parse("1.5e308").unwrap();
    assert_eq!(cx.parse(&cx.display(e)).unwrap(), e);
}

/// Found by mutating real records (scripts/mutate_real.py): a term with an atom that has no
/// value anywhere (`TruncToInt` of a double below i64, its interval empty with infinite ends)
/// made the root expansion take `abs` of the infinite end, a panic (an internal error at the
/// request's boundary). The expansion now leaves such a sum alone; the compact form too.
#[test]
fn atom_without_values_in_a_sum_of_products() {
    let mut cx = Context::new();
    cx.set_range_str("s27", "1", "").unwrap();
    cx.set_range_str("s77", "1", "").unwrap();
    for text in [
        "s27*(s77 - 1)*6 + s27 + TruncToInt(1.5*-9223372036854775807)",
        "s27*(s77 - 1)*(s27 + 2) + TruncToInt(-1e19)*(s77 + 1)",
    ] {
        let e = cx.parse(text).unwrap();
        let s = cx.simplify(e);
        let _ = cx.compact(s);
        let _ = cx.compact(e);
        let _ = cx.bound(e);
    }
}

/// A float-to-integer conversion whose integer is beyond i64 still has a value (Int is the
/// mathematical integers): its interval clamps at the i64 edge on the inner side. It mapped a
/// lower end above i64 to +oo ("no value"), and this relation, true at the point below, was
/// bounded "always false" (mutation fuzzing of the real records).
#[test]
fn float_to_int_beyond_i64_has_a_value() {
    let text = "TruncToInt(1.5*ToFloat(e0 - (-9223372036854775807))) < \
                TruncToInt(1.5*ToFloat(e0 + 0))*TruncToInt(1.5*ToFloat(e1 + 0))";
    // The relation at e0 = 12405, e1 = 2^63 - 1, exactly (doubles as C++ computes them, the
    // integers in i128).
    let (e0, e1) = (12405i128, i128::from(i64::MAX));
    let trunc = |v: i128| (1.5 * (v as f64)).trunc() as i128;
    assert!(trunc(e0 + i128::from(i64::MAX)) < trunc(e0) * trunc(e1));
    let mut cx = Context::new();
    cx.set_range_str("e0", "1", "oo").unwrap();
    cx.set_range_str("e1", "-2", "oo").unwrap();
    let e = cx.parse(text).unwrap();
    assert!(
        matches!(cx.bound(e), Bound::Bool { hi: true, .. }),
        "true at e0 = 12405, e1 = 2^63 - 1: {:?}",
        cx.bound(e)
    );
    // Below i64 on the other side: at most i64::MIN, not "no value".
    let e = cx.parse("TruncToInt(-1.0e19)").unwrap();
    assert_eq!(
        cx.bound(e),
        Bound::Int {
            lo: None,
            hi: Some(i64::MIN)
        }
    );
}
