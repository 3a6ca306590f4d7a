//! Property tests that shrink (proptest): a failure is reported as the smallest expression and
//! ranges that still fail, printed in sympy syntax, not as a seed.
//!
//! Random integer expressions over `a`, `b`, `c` (every integer operator, small constants and
//! the i64 edges) with random ranges (small boxes, unbounded, or boxes at the i64 edges) are
//! checked at every point of a small box per symbol (the whole range, or for an unbounded symbol
//! -3..=3 and the edges):
//! - `simplify(e)` has `e`'s value wherever `e` evaluates (docs/language.md §5, no new overflow
//!   or division by zero, docs/rules.md §8);
//! - every value lies in `bound(e)`;
//! - `prove(e >= 0)` is `true` only if `e >= 0` at every point where `e` is defined, `false`
//!   only if it fails at every one.
//!
//! `PROPTEST_CASES` sets the number of cases (default below). `tests/simplify_random.rs` keeps
//! the seed-based long runs (`SYMSHAPE_RANDOM_CASES`).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use std::fmt;
use sym::{Bound, Context, Truth, Value};

const NAMES: [&str; 3] = ["a", "b", "c"];

const EDGES: [i64; 8] = [
    i64::MIN,
    i64::MIN + 1,
    i64::MAX,
    i64::MAX - 1,
    1 << 62,
    -(1 << 62),
    1 << 32,
    3_037_000_500,
];

#[derive(Clone)]
enum E {
    C(i64),
    S(usize),
    Add(Box<E>, Box<E>),
    Sub(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>),
    Neg(Box<E>),
    FloorDiv(Box<E>, Box<E>),
    Mod(Box<E>, Box<E>),
    CeilDiv(Box<E>, Box<E>),
    ModularIndexing(Box<E>, Box<E>, Box<E>),
    Min(Box<E>, Box<E>),
    Max(Box<E>, Box<E>),
    Abs(Box<E>),
}

impl fmt::Display for E {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            E::C(v) if *v < 0 => write!(f, "({v})"),
            E::C(v) => write!(f, "{v}"),
            E::S(i) => write!(f, "{}", NAMES[*i]),
            E::Add(a, b) => write!(f, "({a} + {b})"),
            E::Sub(a, b) => write!(f, "({a} - {b})"),
            E::Mul(a, b) => write!(f, "{a}*{b}"),
            E::Neg(a) => write!(f, "(-{a})"),
            E::FloorDiv(a, b) => write!(f, "FloorDiv({a}, {b})"),
            E::Mod(a, b) => write!(f, "Mod({a}, {b})"),
            E::CeilDiv(a, b) => write!(f, "CeilDiv({a}, {b})"),
            E::ModularIndexing(a, b, m) => write!(f, "ModularIndexing({a}, {b}, {m})"),
            E::Min(a, b) => write!(f, "Min({a}, {b})"),
            E::Max(a, b) => write!(f, "Max({a}, {b})"),
            E::Abs(a) => write!(f, "Abs({a})"),
        }
    }
}

impl fmt::Debug for E {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// One case: an expression and a range per symbol (`None`: unbounded).
#[derive(Clone)]
struct Case {
    e: E,
    ranges: [Option<(i64, i64)>; 3],
}

/// Printed as the reproduction: the expression and the ranges, in the CLI's syntax.
impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "symshape simplify '{}'", self.e)?;
        for (n, r) in NAMES.iter().zip(&self.ranges) {
            if let Some((lo, hi)) = r {
                write!(f, " --range {n}={lo}..{hi}")?;
            }
        }
        Ok(())
    }
}

fn constant() -> impl Strategy<Value = i64> {
    prop_oneof![8 => -9i64..=12, 1 => proptest::sample::select(EDGES.to_vec())]
}

fn expr() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![constant().prop_map(E::C), (0..3usize).prop_map(E::S)];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let two = (inner.clone(), inner.clone());
        let b = |f: fn(Box<E>, Box<E>) -> E| move |(x, y): (E, E)| f(Box::new(x), Box::new(y));
        prop_oneof![
            two.clone().prop_map(b(E::Add)),
            two.clone().prop_map(b(E::Sub)),
            two.clone().prop_map(b(E::Mul)),
            inner.clone().prop_map(|x| E::Neg(Box::new(x))),
            two.clone().prop_map(b(E::FloorDiv)),
            two.clone().prop_map(b(E::Mod)),
            two.clone().prop_map(b(E::CeilDiv)),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(x, y, z)| {
                E::ModularIndexing(Box::new(x), Box::new(y), Box::new(z))
            }),
            two.clone().prop_map(b(E::Min)),
            two.clone().prop_map(b(E::Max)),
            inner.prop_map(|x| E::Abs(Box::new(x))),
        ]
    })
}

fn range() -> impl Strategy<Value = Option<(i64, i64)>> {
    prop_oneof![
        3 => Just(None),
        6 => (-12i64..=6, 0i64..=8).prop_map(|(lo, n)| Some((lo, lo + n))),
        1 => Just(Some((i64::MAX - 4, i64::MAX))),
        1 => Just(Some((i64::MIN, i64::MIN + 4))),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (expr(), range(), range(), range()).prop_map(|(e, r0, r1, r2)| Case {
        e,
        ranges: [r0, r1, r2],
    })
}

/// The context with the case's ranges and the parsed expression; `None` when the text's
/// constant folding overflows (an error by design, docs/language.md §1).
fn setup(c: &Case) -> Result<Option<(Context, sym::Expr)>, TestCaseError> {
    let mut cx = Context::new();
    for (n, r) in NAMES.iter().zip(&c.ranges) {
        if let Some((lo, hi)) = r {
            cx.set_range_str(n, &lo.to_string(), &hi.to_string())
                .map_err(|e| TestCaseError::fail(format!("range {n}: {e}")))?;
        }
    }
    match cx.parse(&c.e.to_string()) {
        Ok(e) => Ok(Some((cx, e))),
        Err(err) if err.to_string().contains("overflow") => Ok(None),
        Err(err) => Err(TestCaseError::fail(format!("parse: {err}"))),
    }
}

/// Every point of the box: each symbol over its whole range, or -3..=3 and the edges.
fn points(c: &Case) -> Vec<[(&'static str, Value); 3]> {
    let vals: Vec<Vec<i64>> = c
        .ranges
        .iter()
        .map(|r| match r {
            Some((lo, hi)) => (*lo..=*hi).collect(),
            None => (-3..=3).chain([i64::MIN, i64::MAX, 1 << 62]).collect(),
        })
        .collect();
    let mut out = Vec::new();
    for &x in &vals[0] {
        for &y in &vals[1] {
            for &z in &vals[2] {
                out.push([
                    ("a", Value::Int(x)),
                    ("b", Value::Int(y)),
                    ("c", Value::Int(z)),
                ]);
            }
        }
    }
    out
}

fn config(default_cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default_cases),
        // No regression files in the tree: a failure prints the shrunk case, which goes into
        // tests/defects.rs as a table line.
        failure_persistence: None,
        ..Config::default()
    }
}

fn in_bound(v: i64, b: Bound) -> bool {
    match b {
        Bound::Int { lo, hi } => lo.is_none_or(|l| l <= v) && hi.is_none_or(|h| v <= h),
        _ => false,
    }
}

proptest! {
    #![proptest_config(config(4000))]

    /// simplify(e) has e's value at every box point where e evaluates.
    #[test]
    fn simplify_keeps_the_value(c in case()) {
        let Some((mut cx, e)) = setup(&c)? else { return Ok(()) };
        let s = cx.simplify(e);
        for p in points(&c) {
            if let Ok(v) = cx.eval(e, &p) {
                let w = cx.eval(s, &p);
                prop_assert_eq!(w, Ok(v), "simplified to {} at {:?}", cx.display(s), p);
            }
        }
    }

    /// Every value at a box point lies in bound(e).
    #[test]
    fn bound_contains_every_value(c in case()) {
        let Some((mut cx, e)) = setup(&c)? else { return Ok(()) };
        let b = cx.bound(e);
        for p in points(&c) {
            if let Ok(Value::Int(v)) = cx.eval(e, &p) {
                prop_assert!(in_bound(v, b), "value {} at {:?} is outside the bound {}", v, p, b);
            }
        }
    }

    /// prove(e >= 0) is true only if e >= 0 wherever e is defined, false only if it fails
    /// everywhere.
    #[test]
    fn prove_nonneg_is_sound(c in case()) {
        let Some((mut cx, e)) = setup(&c)? else { return Ok(()) };
        let p = cx.parse_bool(&format!("{} >= 0", c.e));
        let Ok(p) = p else { return Ok(()) };
        let t = cx.prove(p).expect("a predicate");
        if t == Truth::Unknown {
            return Ok(());
        }
        for pt in points(&c) {
            if let Ok(Value::Int(v)) = cx.eval(e, &pt) {
                prop_assert_eq!(v >= 0, t == Truth::True, "proved {:?} but e = {} at {:?}", t, v, pt);
            }
        }
    }
}

/// The machinery itself: a planted wrong rewrite is caught and shrunk to a small case.
#[test]
fn a_failure_names_a_small_expression() {
    use proptest::test_runner::{RngAlgorithm, TestError, TestRng, TestRunner};
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config(2000), rng);
    // "Mod(x, 2) is 0" is wrong: the shrunk counterexample should be tiny.
    let result = runner.run(&case(), |c| {
        let Some((cx, e)) = setup(&c)? else {
            return Ok(());
        };
        for p in points(&c) {
            if let Ok(Value::Int(v)) = cx.eval(e, &p) {
                prop_assert!(v.rem_euclid(2) == 0, "odd value {}", v);
            }
        }
        Ok(())
    });
    match result {
        Err(TestError::Fail(_, c)) => {
            let text = c.e.to_string();
            eprintln!("planted failure shrunk to: {c:?}");
            assert!(text.len() <= 12, "shrunk only to {c:?}");
        }
        other => panic!("the planted failure was not found: {other:?}"),
    }
}
