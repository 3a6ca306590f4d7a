//! Assumptions about sub-expressions (`FloorDiv(s0, FloorDiv(s0, 2)) >= 1`, `Eq(Mod(a, 3), 1)`):
//! the analyses bound such a sub-expression by them wherever it occurs, and a call pinned to one
//! value simplifies to it (`constant_by_bounds`). Random differential, exhaustive on small
//! boxes: for a random expression, a random call inside it, and true facts about that call
//! (taken from its values on the box), `simplify(e)` equals `e` at every point of the box where
//! the facts hold and `e` is defined, every such value lies in `bound(e)`, and `prove` of a
//! random comparison is never contradicted. `SYMSHAPE_RANDOM_CASES` scales it.

mod common;
use common::*;
use sym::{Bound, Context, Truth, Value};

const NAMES: [&str; 3] = ["a", "b", "c"];

fn cases() -> u64 {
    std::env::var("SYMSHAPE_RANDOM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(1500, |n: u64| (n / 100).max(1500))
}

/// The calls (FloorDiv, Mod, Min, Max, Abs, CeilDiv) inside `e`.
fn calls(cx: &Context, e: sym::Expr) -> Vec<sym::Expr> {
    cx.post_order(e)
        .filter(|x| {
            matches!(
                cx.op(*x),
                sym::Op::FloorDiv
                    | sym::Op::CeilDiv
                    | sym::Op::Mod
                    | sym::Op::Min
                    | sym::Op::Max
                    | sym::Op::Abs
            )
        })
        .collect()
}

fn points(lo: i64, hi: i64) -> Vec<[i64; 3]> {
    let mut out = Vec::new();
    for a in lo..=hi {
        for b in lo..=hi {
            for c in lo..=hi {
                out.push([a, b, c]);
            }
        }
    }
    out
}

fn vals(p: &[i64; 3]) -> Vec<(&'static str, Value)> {
    NAMES
        .iter()
        .zip(p)
        .map(|(n, v)| (*n, Value::Int(*v)))
        .collect()
}

/// A context with each of `NAMES` in `[lo, hi]`.
fn box_context(lo: i64, hi: i64) -> Context {
    let mut cx = Context::new();
    for n in NAMES {
        cx.set_range_str(n, &lo.to_string(), &hi.to_string())
            .unwrap();
    }
    cx
}

/// The values of `t` at the points of the box where it is defined.
fn values_on(cx: &Context, t: sym::Expr, box_points: &[[i64; 3]]) -> Vec<i64> {
    box_points
        .iter()
        .filter_map(|p| match cx.eval(t, &vals(p)) {
            Ok(Value::Int(v)) => Some(v),
            _ => None,
        })
        .collect()
}

/// At a point `v` where the input's value is `x`: the simplified form `s` has it, and the
/// bound `b` holds it.
fn simplified_and_bounded(
    cx: &Context,
    s: sym::Expr,
    b: &Bound,
    v: &[(&str, Value)],
    x: i64,
    what: &str,
) {
    assert_eq!(cx.eval(s, v), Ok(Value::Int(x)), "{what}");
    if let Bound::Int { lo, hi } = *b {
        assert!(
            lo.is_none_or(|l| l <= x) && hi.is_none_or(|h| x <= h),
            "bound {b}{what}"
        );
    }
}

#[test]
fn sub_expression_facts_are_sound() {
    let mut r = Rng(0x5eed_a70f);
    let (lo, hi) = (-4i64, 6i64);
    let box_points = points(lo, hi);
    let (mut tried, mut changed, mut decided) = (0u64, 0u64, 0u64);
    for case in 0..cases() {
        let text = gen_int_with(&mut r, 3, &NAMES);
        let mut cx = box_context(lo, hi);
        let Ok(e) = cx.parse(&text) else { continue };
        let atoms = calls(&cx, e);
        if atoms.is_empty() {
            continue;
        }
        let t = atoms[(r.range(0, atoms.len() as i64 - 1)) as usize];
        // The call's values on the box (where defined), to state true facts about it.
        let tv = values_on(&cx, t, &box_points);
        if tv.is_empty() {
            continue;
        }
        let pick = tv[r.range(0, tv.len() as i64 - 1) as usize];
        let ts = cx.display(t);
        // An excluded value is taken at an end of the call's values, where it narrows the
        // interval (a fact that excludes every value the call takes is possible too: then no
        // point holds it, and nothing is checked).
        let (least, most) = (*tv.iter().min().unwrap(), *tv.iter().max().unwrap());
        let fact = match case % 6 {
            0 => format!("Eq({ts}, {pick})"),
            1 => format!("{ts} >= {pick}"),
            2 => format!("{ts} <= {pick}"),
            3 => format!("{ts} < {}", pick + 1),
            4 => format!("Ne({ts}, {least})"),
            _ => format!("Ne({ts}, {most})"),
        };
        let p = cx.parse_bool(&fact).unwrap();
        cx.assume(p).unwrap();
        tried += 1;
        let s = cx.simplify(e);
        if s != e {
            changed += 1;
        }
        let b = cx.bound(e);
        let q = cx.parse_bool(&format!("{text} >= {pick}")).unwrap();
        let truth = cx.prove(q).unwrap();
        if truth != Truth::Unknown {
            decided += 1;
        }
        for pt in &box_points {
            let v = vals(pt);
            // Only the points where the fact holds.
            if cx.eval(p, &v) != Ok(Value::Bool(true)) {
                continue;
            }
            let Ok(Value::Int(x)) = cx.eval(e, &v) else {
                continue;
            };
            let what = format!(
                "\ninput: {text}\nfact: {fact}\nsimplified: {}\nat {v:?}",
                cx.display(s)
            );
            simplified_and_bounded(&cx, s, &b, &v, x, &what);
            match truth {
                Truth::True => assert!(x >= pick, "prove true{what}"),
                Truth::False => assert!(x < pick, "prove false{what}"),
                Truth::Unknown => {}
            }
        }
    }
    eprintln!("{tried} cases with a sub-expression fact: {changed} simplified, {decided} decided");
    assert!(
        tried > 500 && changed > 50,
        "the test must exercise the facts"
    );
}

/// Excluded values of symbols and calls (`Ne(a, -4)`, `Ne(FloorDiv(a, 2), 3)`), two or three of
/// them at once, at the ends of the values: random expressions, every point of the box where
/// the facts hold, as `sub_expression_facts_are_sound`.
#[test]
fn excluded_values_are_sound() {
    let mut r = Rng(0x5eed_0e0e);
    let (lo, hi) = (-3i64, 5i64);
    let box_points = points(lo, hi);
    let (mut tried, mut changed, mut tighter) = (0u64, 0u64, 0u64);
    for _ in 0..cases() {
        let text = gen_int_with(&mut r, 3, &NAMES);
        let mut cx = box_context(lo, hi);
        let Ok(e) = cx.parse(&text) else { continue };
        let before = cx.bound(e);
        let mut targets: Vec<sym::Expr> = calls(&cx, e);
        targets.extend(NAMES.iter().map(|n| cx.parse(n).unwrap()));
        let mut facts = Vec::new();
        for _ in 0..r.range(1, 3) {
            let t = targets[r.range(0, targets.len() as i64 - 1) as usize];
            let tv = values_on(&cx, t, &box_points);
            let Some(&end) = (if r.range(0, 1) == 0 {
                tv.iter().min()
            } else {
                tv.iter().max()
            }) else {
                continue;
            };
            // Written either way round, and through a sum: `Ne(3, x)`, `Ne(x + 1, 4)`.
            let ts = cx.display(t);
            facts.push(match r.range(0, 2) {
                0 => format!("Ne({ts}, {end})"),
                1 => format!("Ne({end}, {ts})"),
                _ => format!("Ne({ts} + 1, {})", end + 1),
            });
        }
        if facts.is_empty() {
            continue;
        }
        let ps: Vec<sym::Expr> = facts.iter().map(|f| cx.parse_bool(f).unwrap()).collect();
        for p in &ps {
            cx.assume(*p).unwrap();
        }
        tried += 1;
        let s = cx.simplify(e);
        if s != e {
            changed += 1;
        }
        let b = cx.bound(e);
        if b != before {
            tighter += 1;
        }
        for pt in &box_points {
            let v = vals(pt);
            if ps.iter().any(|p| cx.eval(*p, &v) != Ok(Value::Bool(true))) {
                continue;
            }
            let Ok(Value::Int(x)) = cx.eval(e, &v) else {
                continue;
            };
            let what = format!(
                "\ninput: {text}\nfacts: {facts:?}\nsimplified: {}\nat {v:?}",
                cx.display(s)
            );
            simplified_and_bounded(&cx, s, &b, &v, x, &what);
        }
    }
    eprintln!("{tried} cases with excluded values: {changed} simplified, {tighter} bounds changed");
    assert!(
        tried > 500 && changed > 50 && tighter > 50,
        "the test must exercise the facts"
    );
}

/// What an excluded value at an end gives (PyTorch's guards `Ne(FloorDiv(s0, 2), 1)`): the
/// same as the bound it implies.
#[test]
fn excluded_values_tables() {
    let cases: &[(&str, &[&str], &str)] = &[
        // s0 in [1, 40]: the quotient takes 0 too.
        (
            "Max(FloorDiv(s0, 2), 1)",
            &["Ne(FloorDiv(s0, 2), 0)"],
            "FloorDiv(s0, 2)",
        ),
        (
            "Max(FloorDiv(s0, 2), 2)",
            &["Ne(FloorDiv(s0, 2), 1)"],
            "Max(2, FloorDiv(s0, 2))",
        ),
        ("Max(s0, 2)", &["Ne(s0, 1)"], "s0"),
        ("Max(s0 - 1, 1)", &["Ne(s0 - 1, 0)"], "s0 - 1"),
        ("Min(s0, 39)", &["Ne(s0, 40)"], "s0"),
        // Two excluded values at one end, in either order.
        ("Max(s0, 3)", &["Ne(s0, 2)", "Ne(s0, 1)"], "s0"),
        // Through a coefficient: 2*s0 != 2 excludes 1; 2*s0 != 3 excludes nothing.
        ("Max(s0, 2)", &["Ne(2*s0, 2)"], "s0"),
        ("Max(s0, 2)", &["Ne(2*s0, 3)"], "Max(2, s0)"),
        // A value inside the interval leaves it as it is.
        ("Max(s0, 2)", &["Ne(s0, 5)"], "Max(2, s0)"),
    ];
    for (text, facts, want) in cases {
        let mut cx = Context::new();
        cx.set_range_str("s0", "1", "40").unwrap();
        for f in *facts {
            let p = cx.parse_bool(f).unwrap();
            cx.assume(p).unwrap();
        }
        let e = cx.parse(text).unwrap();
        let s = cx.simplify(e);
        assert_eq!(cx.display(s), *want, "{text} with {facts:?}");
    }
    let mut cx = Context::new();
    cx.set_range_str("s0", "2", "40").unwrap();
    let p = cx.parse_bool("Ne(FloorDiv(s0, 2), 1)").unwrap();
    cx.assume(p).unwrap();
    let e = cx.parse("FloorDiv(s0, 2)").unwrap();
    assert_eq!(cx.bound(e).to_string(), "[2, 20]");
    let e = cx.parse("Max(FloorDiv(s0, 2), 2)").unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), "FloorDiv(s0, 2)");
}
