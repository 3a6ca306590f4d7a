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

#[test]
fn sub_expression_facts_are_sound() {
    let mut r = Rng(0x5eed_a70f);
    let (lo, hi) = (-4i64, 6i64);
    let box_points = points(lo, hi);
    let (mut tried, mut changed, mut decided) = (0u64, 0u64, 0u64);
    for case in 0..cases() {
        let text = gen_int_with(&mut r, 3, &NAMES);
        let mut cx = Context::new();
        for n in NAMES {
            cx.set_range_str(n, &lo.to_string(), &hi.to_string())
                .unwrap();
        }
        let Ok(e) = cx.parse(&text) else { continue };
        let atoms = calls(&cx, e);
        if atoms.is_empty() {
            continue;
        }
        let t = atoms[(r.range(0, atoms.len() as i64 - 1)) as usize];
        // The call's values on the box (where defined), to state true facts about it.
        let tv: Vec<i64> = box_points
            .iter()
            .filter_map(|p| match cx.eval(t, &vals(p)) {
                Ok(Value::Int(v)) => Some(v),
                _ => None,
            })
            .collect();
        if tv.is_empty() {
            continue;
        }
        let pick = tv[r.range(0, tv.len() as i64 - 1) as usize];
        let ts = cx.display(t);
        let fact = match case % 4 {
            0 => format!("Eq({ts}, {pick})"),
            1 => format!("{ts} >= {pick}"),
            2 => format!("{ts} <= {pick}"),
            _ => format!("{ts} < {}", pick + 1),
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
            assert_eq!(cx.eval(s, &v), Ok(Value::Int(x)), "{what}");
            if let Bound::Int { lo, hi } = b {
                assert!(
                    lo.is_none_or(|l| l <= x) && hi.is_none_or(|h| x <= h),
                    "bound {b}{what}"
                );
            }
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
