//! `Context::add_fact`: a bound of an integer symbol by a constant tightens its range instead
//! of becoming an assumption. The facts are the same, so every answer under the folded facts
//! must hold at every point of the original facts (checked exhaustively on small boxes), its
//! bounds must be at least as tight as under the assumption, and a contradiction must still be
//! reported. The table shows which predicates fold and which stay assumptions.

use proptest::prelude::*;
use proptest::test_runner::Config;
use sym::{Bound, Context, RangeEnd, Truth, Ty, Value};

mod common;

/// `(folded, range of s after the fact, number of assumptions)` for `s` in `[lo, hi]`.
fn fold(lo: &str, hi: &str, pred: &str) -> (bool, String, usize) {
    let mut cx = Context::new();
    cx.set_range_str("s", lo, hi).unwrap();
    let p = cx.parse_bool(pred).unwrap();
    let folded = cx.add_fact(p).unwrap();
    let s = cx.symbol("s").unwrap();
    let (a, b) = cx.range(s);
    let end = |e: RangeEnd, inf: &str| match e {
        RangeEnd::Infinite => inf.to_string(),
        RangeEnd::Expr(x) => cx.display(x),
    };
    (
        folded,
        format!("[{}, {}]", end(a, "-oo"), end(b, "oo")),
        cx.assumptions().len(),
    )
}

#[test]
fn which_predicates_fold() {
    // Strict and non-strict, either side, a conjunction (also twice the same symbol).
    assert_eq!(fold("2", "", "Gt(s, 1)"), (true, "[2, oo]".into(), 0));
    assert_eq!(fold("2", "", "s > 5"), (true, "[6, oo]".into(), 0));
    assert_eq!(fold("2", "", "s >= 5"), (true, "[5, oo]".into(), 0));
    assert_eq!(fold("2", "", "Lt(s, 128)"), (true, "[2, 127]".into(), 0));
    assert_eq!(fold("2", "100", "Le(s, 128)"), (true, "[2, 100]".into(), 0));
    assert_eq!(fold("", "", "s <= -3"), (true, "[-oo, -3]".into(), 0));
    assert_eq!(
        fold("0", "", "And(s > 3, s < 10, s <= 8)"),
        (true, "[4, 8]".into(), 0)
    );
    // Not folded: a symbolic range, a point, an empty result, another shape, a float, an edge.
    assert_eq!(
        fold("0", "t - 1", "s < 10"),
        (false, "[0, t - 1]".into(), 1)
    );
    assert_eq!(fold("0", "10", "s >= 10"), (false, "[0, 10]".into(), 1));
    assert_eq!(fold("0", "10", "Eq(s, 4)"), (false, "[0, 10]".into(), 1));
    assert_eq!(fold("0", "10", "2*s < 10"), (false, "[0, 10]".into(), 1));
    assert_eq!(
        fold("0", "10", "And(s < 5, Ne(s, 2))"),
        (false, "[0, 10]".into(), 1)
    );
    assert_eq!(fold("0", "10", "s + t < 5"), (false, "[0, 10]".into(), 1));
    assert_eq!(
        fold("", "", "s <= 9223372036854775807"),
        (false, "[-oo, oo]".into(), 1)
    );
    assert_eq!(
        fold("", "", "s >= -9223372036854775808"),
        (false, "[-oo, oo]".into(), 1)
    );
    // One above the edge is an ordinary end.
    assert_eq!(
        fold("", "", "s > -9223372036854775808"),
        (true, "[-9223372036854775807, oo]".into(), 0)
    );
    let mut cx = Context::new();
    cx.declare("x", Ty::Float).unwrap();
    let p = cx.parse_bool("x > 0").unwrap();
    assert!(!cx.add_fact(p).unwrap());
    assert_eq!(cx.assumptions().len(), 1);
}

/// A contradiction is reported as with `assume` (the folding leaves it to the assumption).
#[test]
fn contradictions_are_still_reported() {
    for facts in [
        &["Gt(s, 20)"][..],
        &["Gt(s, 5)", "Lt(s, 3)"],
        &["And(Gt(s, 5), Lt(s, 3))"],
    ] {
        let mut a = Context::new();
        let mut b = Context::new();
        a.set_range_str("s", "0", "10").unwrap();
        b.set_range_str("s", "0", "10").unwrap();
        for f in facts {
            let p = a.parse_bool(f).unwrap();
            a.assume(p).unwrap();
            let p = b.parse_bool(f).unwrap();
            b.add_fact(p).unwrap();
        }
        assert!(a.check_facts().is_err(), "{facts:?}");
        assert!(b.check_facts().is_err(), "{facts:?}");
    }
}

const NAMES: [&str; 3] = ["a", "b", "c"];
/// Values of an unbounded side, for the exhaustive check.
const WIDE: i64 = 14;

#[derive(Clone, Debug)]
struct Case {
    ranges: Vec<Option<(Option<i64>, Option<i64>)>>,
    /// `(symbol, op, constant)`; consecutive pairs sometimes joined by `And`.
    bounds: Vec<(usize, usize, i64)>,
    join: bool,
    seed: u64,
}

fn case() -> impl Strategy<Value = Case> {
    let end = prop::option::of(-8i64..8);
    let range = prop::option::of((end.clone(), end)).prop_map(|r| {
        r.map(|(lo, hi)| match (lo, hi) {
            (Some(l), Some(h)) if l > h => (Some(h), Some(l)),
            x => x,
        })
    });
    (
        prop::collection::vec(range, 3),
        prop::collection::vec((0usize..3, 0usize..4, -10i64..10), 1..4),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(ranges, bounds, join, seed)| Case {
            ranges,
            bounds,
            join,
            seed,
        })
}

const OPS: [&str; 4] = ["<", "<=", ">", ">="];

fn predicates(c: &Case) -> Vec<String> {
    let one = |&(s, op, k): &(usize, usize, i64)| format!("{} {} {k}", NAMES[s], OPS[op]);
    if c.join && c.bounds.len() >= 2 {
        let mut out = vec![format!("And({}, {})", one(&c.bounds[0]), one(&c.bounds[1]))];
        out.extend(c.bounds[2..].iter().map(one));
        out
    } else {
        c.bounds.iter().map(one).collect()
    }
}

fn setup(c: &Case, fold: bool) -> Result<Context, String> {
    let mut cx = Context::new();
    for (i, r) in c.ranges.iter().enumerate() {
        let s = cx.symbol(NAMES[i]).unwrap();
        if let Some((lo, hi)) = r {
            let end = |cx: &mut Context, v: &Option<i64>| match v {
                Some(v) => RangeEnd::Expr(cx.int(*v)),
                None => RangeEnd::Infinite,
            };
            let (lo, hi) = (end(&mut cx, lo), end(&mut cx, hi));
            cx.set_range(s, lo, hi).unwrap();
        }
    }
    for p in predicates(c) {
        let e = cx.parse_bool(&p).unwrap();
        if fold {
            cx.add_fact(e).map_err(|e| e.to_string())?;
        } else {
            cx.assume(e).map_err(|e| e.to_string())?;
        }
    }
    cx.check_facts().map_err(|e| e.to_string())?;
    Ok(cx)
}

/// The points of the original facts: each symbol in its range (an infinite side cut at
/// `WIDE`), every bound predicate true.
fn points(c: &Case) -> Vec<[i64; 3]> {
    let side = |r: &Option<(Option<i64>, Option<i64>)>| match r {
        Some((lo, hi)) => (lo.unwrap_or(-WIDE), hi.unwrap_or(WIDE)),
        None => (-WIDE, WIDE),
    };
    let (ra, rb, rc) = (side(&c.ranges[0]), side(&c.ranges[1]), side(&c.ranges[2]));
    let mut out = Vec::new();
    for a in ra.0..=ra.1 {
        for b in rb.0..=rb.1 {
            for cc in rc.0..=rc.1 {
                let v = [a, b, cc];
                let ok = c.bounds.iter().all(|&(s, op, k)| match op {
                    0 => v[s] < k,
                    1 => v[s] <= k,
                    2 => v[s] > k,
                    _ => v[s] >= k,
                });
                if ok {
                    out.push(v);
                }
            }
        }
    }
    out
}

fn values(p: &[i64; 3]) -> Vec<(&'static str, Value)> {
    NAMES
        .iter()
        .zip(p)
        .map(|(n, v)| (*n, Value::Int(*v)))
        .collect()
}

fn within(b: &Bound, v: i64) -> bool {
    match b {
        Bound::Int { lo, hi } => lo.is_none_or(|l| l <= v) && hi.is_none_or(|h| v <= h),
        _ => false,
    }
}

/// `inner` is at least as tight as `outer`.
fn no_looser(inner: &Bound, outer: &Bound) -> bool {
    match (inner, outer) {
        (Bound::Int { lo: a, hi: b }, Bound::Int { lo: c, hi: d }) => {
            let lo_ok = match (a, c) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(c)) => a >= c,
            };
            let hi_ok = match (b, d) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(b), Some(d)) => b <= d,
            };
            lo_ok && hi_ok
        }
        _ => false,
    }
}

proptest! {
    #![proptest_config(Config { cases: 400, ..Config::default() })]

    /// Under folded facts: the same refusals; simplified forms equal to the input at every
    /// point of the facts; bounds that contain every value and are no looser than under the
    /// assumptions; proofs true at every point.
    #[test]
    fn folded_facts_answer_soundly(c in case()) {
        let assumed = setup(&c, false);
        let folded = setup(&c, true);
        let pts = points(&c);
        // A refusal only where no point satisfies the facts (as with the assumptions).
        prop_assert_eq!(assumed.is_err(), folded.is_err(), "{:?} / {:?}", assumed.as_ref().err(), folded.as_ref().err());
        let (Ok(mut a), Ok(mut b)) = (assumed, folded) else {
            prop_assert!(pts.is_empty(), "refused with {} points", pts.len());
            return Ok(());
        };
        let mut r = common::Rng(c.seed | 1);
        for _ in 0..4 {
            let text = common::gen_int_with(&mut r, 3, &NAMES);
            let ea = a.parse(&text).unwrap();
            let eb = b.parse(&text).unwrap();
            let sb = b.simplify(eb);
            let (ba, bb) = (a.bound(ea), b.bound(eb));
            prop_assert!(no_looser(&bb, &ba), "{}: folded {:?}, assumed {:?}", text, bb, ba);
            for p in &pts {
                let Ok(Value::Int(v)) = b.eval(eb, &values(p)) else { continue };
                let w = b.eval(sb, &values(p));
                prop_assert_eq!(w, Ok(Value::Int(v)), "{} => {} at {:?}", text, b.display(sb), p);
                prop_assert!(within(&bb, v), "{}: {:?} misses {} at {:?}", text, bb, v, p);
            }
        }
        let text = common::gen_bool_with(&mut r, 2, &NAMES);
        let pb = b.parse_bool(&text).unwrap();
        let t = match b.prove(pb) {
            Ok(Truth::True) => Some(true),
            Ok(Truth::False) => Some(false),
            _ => None,
        };
        if let Some(t) = t {
            for p in &pts {
                if let Ok(Value::Bool(v)) = b.eval(pb, &values(p)) {
                    prop_assert_eq!(v, t, "prove {} = {} but {} at {:?}", text, t, v, p);
                }
            }
        }
    }
}
