//! Bounds and prover: tables, and an exhaustive check over small boxes that measures how often
//! `bound` equals the exact extremes (and that it always contains them).

mod common;
use common::*;
use sym::{Bound, Context, Value};

#[test]
fn bound_tables() {
    check_bound("s0 - Mod(s0, 8)", &[("s0", "2", "")], "[0, oo]");
    check_bound("Mod(x, 4)", &[("x", "0", "10")], "[0, 3]");
    check_bound("Mod(x, 4)", &[("x", "-3", "-1")], "[1, 3]");
    // -b <= a <= -1: the remainder is a + b (a review found PyTorch's bound of
    // `PythonMod(-3, s0) + 16` tighter, 216 against 218).
    check_bound(
        "Mod(x, s0)",
        &[("x", "-5", "-2"), ("s0", "5", "10")],
        "[0, 8]",
    );
    check_bound("PythonMod(-3, s0) + 16", &[("s0", "3", "203")], "[16, 216]");
    check_bound("Mod(-3, s0)", &[("s0", "3", "")], "[0, oo]");
    check_bound(
        "FloorDiv(x, y)",
        &[("x", "1", "10"), ("y", "2", "3")],
        "[0, 5]",
    );
    check_bound("x**2", &[("x", "-2", "3")], "[0, 9]");
    check_bound(
        "q0 - s77",
        &[("s77", "1", ""), ("q0", "0", "s77 - 1")],
        "[-oo, -1]",
    );
    check_bound("x", &[], "[-oo, oo]");
    check_bound(
        "FloorDiv(x0 + 64*x1, 64)",
        &[("x0", "0", "63"), ("x1", "0", "127")],
        "[0, 127]",
    );
    check_bound("0.5*ToFloat(x)", &[("x", "0", "10")], "[0.0, 5.0]");
    check_bound("x < 5", &[("x", "0", "3")], "[True, True]");
    check_bound("Where(x < 5, x, 5)", &[("x", "0", "3")], "[0, 3]");
    // The input is evaluated on a small box, not its simplified form, which is defined at
    // more points: the condition holds wherever it is defined (x in [9, 10]), so it folds to
    // True and the simplified form is `x` (found by a review: [0, 10]).
    check_bound(
        "Where(FloorDiv(x, Max(x - 8, 0)) >= 1, x, 100)",
        &[("x", "0", "10")],
        "[9, 10]",
    );
    // And where the input has symbols its simplified form lacks (a box too large to
    // enumerate), or a branch never taken that overflows: the simplified form's enumeration
    // stands (a second review's cases, [-18, 36] and [0, 14] when only the input was tried).
    check_bound(
        "Mod(y, 1) + z*z - 3*z",
        &[("y", "0", "100"), ("z", "0", "6")],
        "[-2, 18]",
    );
    check_bound(
        "Min(x*x - x, x*4611686018427387904)",
        &[("x", "2", "4")],
        "[2, 12]",
    );
}

#[test]
fn prove_tables() {
    check_prove("Eq(Mod(16*s0*s1 + 8, 8), 0)", &[], &[], "true");
    check_prove("s0 - Mod(s0, 8) >= 0", &[("s0", "0", "")], &[], "true");
    check_prove(
        "Eq(FloorDiv(x0, s0), 0)",
        &[("s0", "1", ""), ("x0", "0", "s0 - 1")],
        &[],
        "true",
    );
    check_prove("Eq(Mod(s0*s1*16, 8), 0)", &[], &[], "true");
    check_prove("Eq(Mod(4096*(w + 1), 4096), 0)", &[], &[], "true");
    check_prove("Eq(Mod(k*a - k*b, a - b), 0)", &[], &["Ne(a, b)"], "true");
    check_prove("Eq(2*x, 1)", &[], &[], "false");
    check_prove("x < 5", &[("x", "0", "10")], &[], "unknown");
    check_prove("x < 5", &[("x", "5", "10")], &[], "false");
    check_prove("Eq(Mod(s0, 4), 0)", &[], &["Eq(Mod(s0, 8), 0)"], "true");
    check_prove("s1 <= s0 + 1", &[], &["s1 <= s0"], "true");
}

/// A context with `a` and `b` in random ranges of at most ten values near 0, and the ranges.
fn small_box(r: &mut Rng) -> (Context, (i64, i64), (i64, i64)) {
    let mut cx = Context::new();
    let (alo, blo) = (r.range(-6, 4), r.range(-6, 4));
    let (ahi, bhi) = (alo + r.range(0, 9), blo + r.range(0, 9));
    cx.set_range_str("a", &alo.to_string(), &ahi.to_string())
        .unwrap();
    cx.set_range_str("b", &blo.to_string(), &bhi.to_string())
        .unwrap();
    (cx, (alo, ahi), (blo, bhi))
}

/// For random expressions over two symbols in small boxes: enumerate every point, check the
/// bound contains the exact extremes, and count how often it equals them.
#[test]
fn bound_exhaustive_small_boxes() {
    let mut r = Rng(0x7167_0000_0000_0001);
    let n = 3000;
    let (mut exact, mut total) = (0u64, 0u64);
    for case in 0..n {
        let (mut cx, (alo, ahi), (blo, bhi)) = small_box(&mut r);
        let text = gen_int_with(&mut r, 1 + (case % 3) as u32, &["a", "b"]);
        let e = cx.parse(&text).unwrap();
        let Bound::Int { lo, hi } = cx.bound(e) else {
            panic!("int bound")
        };
        let (mut mn, mut mx) = (i64::MAX, i64::MIN);
        for a in alo..=ahi {
            for b in blo..=bhi {
                if let Ok(Value::Int(v)) = cx.eval(e, &[("a", Value::Int(a)), ("b", Value::Int(b))])
                {
                    mn = mn.min(v);
                    mx = mx.max(v);
                }
            }
        }
        if mn > mx {
            continue;
        }
        total += 1;
        assert!(
            lo.is_none_or(|l| l <= mn) && hi.is_none_or(|h| h >= mx),
            "{text}: bound [{lo:?}, {hi:?}] misses [{mn}, {mx}]"
        );
        if lo == Some(mn) && hi == Some(mx) {
            exact += 1;
        }
    }
    eprintln!(
        "bound exhaustive: {exact}/{total} exact ({:.1}%)",
        100.0 * exact as f64 / total as f64
    );
    assert!(total > n / 2);
}

/// For random relations `a OP b` of expressions over two symbols in small boxes: `prove`
/// answers `true` only if the relation holds at every point where it is defined, `false` only
/// if it fails at every such point (the operands' intervals decide many of them before
/// `a - b` is built, `Session::relation_by_intervals`; the rest through the difference).
#[test]
fn prove_relations_exhaustive_small_boxes() {
    use sym::Truth;
    let mut r = Rng(0x7167_0000_0000_0002);
    let (mut decided, mut total) = (0u64, 0u64);
    for case in 0..3000 {
        let (mut cx, (alo, ahi), (blo, bhi)) = small_box(&mut r);
        let lhs = gen_int_with(&mut r, 1 + (case % 3) as u32, &["a", "b"]);
        let rhs = if case % 2 == 0 {
            r.range(-12, 12).to_string()
        } else {
            gen_int_with(&mut r, 1, &["a", "b"])
        };
        let op = ["Eq", "Ne", "Lt", "Le"][(case % 4) as usize];
        let text = format!("{op}({lhs}, {rhs})");
        let p = cx.parse(&text).unwrap();
        let t = cx.prove(p).unwrap();
        let (mut holds, mut fails) = (0u32, 0u32);
        for a in alo..=ahi {
            for b in blo..=bhi {
                match cx.eval(p, &[("a", Value::Int(a)), ("b", Value::Int(b))]) {
                    Ok(Value::Bool(true)) => holds += 1,
                    Ok(Value::Bool(false)) => fails += 1,
                    _ => {}
                }
            }
        }
        total += 1;
        match t {
            Truth::True => assert_eq!(
                fails, 0,
                "{text} in a [{alo}, {ahi}], b [{blo}, {bhi}]: proved, fails {fails} times"
            ),
            Truth::False => assert_eq!(
                holds, 0,
                "{text} in a [{alo}, {ahi}], b [{blo}, {bhi}]: refuted, holds {holds} times"
            ),
            Truth::Unknown => {}
        }
        decided += u64::from(t != Truth::Unknown);
    }
    eprintln!("prove exhaustive: {decided}/{total} decided");
    // Decided often enough that the check means something.
    assert!(decided > total / 4, "{decided}/{total}");
}

#[test]
fn where_branches_use_their_condition() {
    check_bound("Where(x < 5, x, 5)", &[("x", "0", "100")], "[0, 5]");
    check_bound(
        "Where(x <= 10, 2*x, x - 100)",
        &[("x", "0", "100")],
        "[-89, 20]",
    );
    check_bound(
        "Where(3 < x, FloorDiv(x, 2), 7)",
        &[("x", "-10", "10")],
        "[2, 7]",
    );
    // A branch that is never taken does not widen the bound.
    check_bound("Where(x < 0, 1000, x)", &[("x", "0", "9")], "[0, 9]");
    // Symbols whose range depends on the narrowed one: no narrower fact leaks out of the branch.
    // (w <= s - 1 <= 1 inside the true branch; the second w keeps its full range.)
    check_bound(
        "Where(s < 3, w, 0) + w",
        &[("s", "1", "10"), ("w", "0", "s - 1")],
        "[0, 10]",
    );
}

/// One context, facts changed between queries: every query sees the facts as they are now
/// (derived facts are reused across queries only while the facts are unchanged).
#[test]
fn facts_changed_between_queries_are_seen() {
    let mut cx = Context::new();
    let e = cx.parse("FloorDiv(x, 64)").unwrap();
    let show = |cx: &mut Context| {
        let s = cx.simplify(e);
        (cx.display(s), cx.bound(e))
    };
    let unbounded = Bound::Int { lo: None, hi: None };
    assert_eq!(show(&mut cx), ("FloorDiv(x, 64)".into(), unbounded));
    cx.set_range_str("x", "0", "63").unwrap();
    assert_eq!(show(&mut cx).0, "0");
    cx.set_range_str("x", "64", "127").unwrap();
    assert_eq!(show(&mut cx).0, "1");
    cx.clear_facts();
    assert_eq!(show(&mut cx), ("FloorDiv(x, 64)".into(), unbounded));
    let p = cx.parse("x <= 10").unwrap();
    cx.assume(p).unwrap();
    let q = cx.parse("0 <= x").unwrap();
    cx.assume(q).unwrap();
    assert_eq!(show(&mut cx).0, "0");
    // A symbolic range, then its removal.
    cx.clear_facts();
    let w = cx.parse("FloorDiv(w, y)").unwrap();
    cx.set_range_str("y", "1", "").unwrap();
    cx.set_range_str("w", "0", "y - 1").unwrap();
    let s = cx.simplify(w);
    assert_eq!(cx.display(s), "0");
    cx.clear_facts();
    let s = cx.simplify(w);
    assert_eq!(cx.display(s), "FloorDiv(w, y)");
    // The solver's lean path reads the facts directly: it sees the change too.
    let rel = cx.parse("Eq(FloorDiv(s, 2), n)").unwrap();
    let sv = cx.symbol("s").unwrap();
    let n_rels = |cx: &mut Context| match cx.solve(rel, sv) {
        sym::SolveResult::Solved(sol) => sol.relations.len(),
        other => panic!("{other:?}"),
    };
    assert_eq!(n_rels(&mut cx), 2);
    cx.set_range_str("n", "0", "3").unwrap();
    cx.set_range_str("s", "", "7").unwrap();
    // s <= 2*n + 1 is implied by s <= 7 only when n >= 3: not here, both stay.
    assert_eq!(n_rels(&mut cx), 2);
    cx.set_range_str("n", "3", "3").unwrap();
    assert_eq!(n_rels(&mut cx), 1);
}
