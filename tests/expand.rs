//! `Context::expand`: sympy's `expand` for integer expressions (products of sums distributed,
//! powers of sums multiplied out, in every operand), or `None` past the term limit, on a
//! coefficient overflow, or for a float product of sums.
//!
//! Checked: a table of forms; and, on random expressions that shrink (proptest), that the
//! expansion has the input's value wherever both evaluate, contains no product with a sum
//! factor and no power of a sum, and is its own expansion; and that the shortcut for
//! expressions with nothing to distribute (`Context::is_expanded`) answers as the full pass.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use std::fmt;
use sym::{Context, Expr, Op, Value};

fn expand_text(text: &str, max_terms: usize, deep: bool) -> Option<String> {
    let mut cx = Context::new();
    let e = cx.parse(text).unwrap();
    cx.expand(e, max_terms, deep).map(|x| cx.display(x))
}

/// Each row's expansion (`deep` or not, at most 64 terms) is the expected text, or `None`.
fn check_rows(rows: &[(&str, Option<&str>)], deep: bool) {
    for (input, want) in rows {
        assert_eq!(
            expand_text(input, 64, deep).as_deref(),
            *want,
            "expand({input}, deep={deep})"
        );
    }
}

#[test]
fn shallow_keeps_the_operands_of_functions() {
    let rows: &[(&str, Option<&str>)] = &[
        ("(x + 1)*(y - 1)", Some("y - x + x*y - 1")),
        ("FloorDiv((x + 1)*y, 4)", Some("FloorDiv(y*(x + 1), 4)")),
        (
            "(x + 1)*FloorDiv((x + 1)*y, 4)",
            Some("x*FloorDiv(y*(x + 1), 4) + FloorDiv(y*(x + 1), 4)"),
        ),
        // Too big inside a function operand: not looked at.
        (
            "Mod((x + 1)**100, 7) + (y + 1)**2",
            Some("2*y + y**2 + Mod((x + 1)**100, 7) + 1"),
        ),
        ("(x + 1)**100 + Mod(y, 7)", None),
    ];
    check_rows(rows, false);
}

#[test]
fn table() {
    let rows: &[(&str, Option<&str>)] = &[
        ("(x + 1)*(y - 1)", Some("y - x + x*y - 1")),
        ("(a + b)**2", Some("a**2 + b**2 + 2*a*b")),
        ("FloorDiv((x + 1)*y, 4)", Some("FloorDiv(y + x*y, 4)")),
        ("(x + 1)*(x - 1) - x**2", Some("-1")),
        (
            "Max((x + 1)*(y + 2), 0) + 3*(x + 1)",
            Some("3*x + Max(0, 2*x + y + x*y + 2) + 3"),
        ),
        // Nothing to expand: the input itself.
        (
            "FloorDiv(x, 4)*y + Mod(x, 3)",
            Some("y*FloorDiv(x, 4) + Mod(x, 3)"),
        ),
        // 2**7 = 128 terms > 64.
        (
            "(a + 1)*(b + 1)*(c + 1)*(d + 1)*(e + 1)*(f + 1)*(g + 1)",
            None,
        ),
        ("(x + 1)**100", None),
        // A coefficient beyond i64.
        ("(4611686018427387904*x + 1)*(4*y + 1)", None),
        // Float arithmetic is not distributed (rounding).
        ("ToFloat(x)*(ToFloat(y) + 1.5)", None),
    ];
    check_rows(rows, true);
    // 64 terms are within the default limit, one binomial more is not.
    let six = "(a + 1)*(b + 1)*(c + 1)*(d + 1)*(e + 1)*(f + 1)";
    assert!(expand_text(six, 64, true).is_some());
    assert!(expand_text(six, 63, true).is_none());
}

#[derive(Clone)]
enum E {
    C(i64),
    S(usize),
    Add(Box<E>, Box<E>),
    Sub(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>),
    Pow(Box<E>, u32),
    FloorDiv(Box<E>, i64),
    Mod(Box<E>, i64),
    Max(Box<E>, Box<E>),
}

const NAMES: [&str; 3] = ["a", "b", "c"];

impl fmt::Display for E {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            E::C(v) if *v < 0 => write!(f, "({v})"),
            E::C(v) => write!(f, "{v}"),
            E::S(i) => write!(f, "{}", NAMES[*i]),
            E::Add(a, b) => write!(f, "({a} + {b})"),
            E::Sub(a, b) => write!(f, "({a} - {b})"),
            E::Mul(a, b) => write!(f, "({a})*({b})"),
            E::Pow(a, k) => write!(f, "({a})**{k}"),
            E::FloorDiv(a, k) => write!(f, "FloorDiv({a}, {k})"),
            E::Mod(a, k) => write!(f, "Mod({a}, {k})"),
            E::Max(a, b) => write!(f, "Max({a}, {b})"),
        }
    }
}

impl fmt::Debug for E {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

fn expr() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![(-4i64..5).prop_map(E::C), (0usize..3).prop_map(E::S)];
    leaf.prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Add(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Sub(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Mul(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Mul(Box::new(a), Box::new(b))),
            (inner.clone(), 2u32..4).prop_map(|(a, k)| E::Pow(Box::new(a), k)),
            (inner.clone(), 1i64..6).prop_map(|(a, k)| E::FloorDiv(Box::new(a), k)),
            (inner.clone(), 1i64..6).prop_map(|(a, k)| E::Mod(Box::new(a), k)),
            (inner.clone(), inner).prop_map(|(a, b)| E::Max(Box::new(a), Box::new(b))),
        ]
    })
}

/// Whether no node of `e` is a product with a sum factor or a power of a sum.
fn fully_expanded(cx: &Context, e: Expr) -> bool {
    cx.post_order(e).all(|x| match cx.op(x) {
        Op::Mul | Op::Pow => cx.children(x).all(|f| cx.op(f) != Op::Add),
        _ => true,
    })
}

fn check(e: &E, points: &[[i64; 3]]) -> Result<bool, TestCaseError> {
    let mut cx = Context::new();
    let text = e.to_string();
    // A constant part that overflows i64 (`((-3*4)**3)**3)**2`, found by this test) is a
    // parse error: no expression to expand. Only that error is accepted.
    let x = match cx.parse(&text) {
        Ok(x) => x,
        Err(sym::Error::Parse { msg, .. }) if msg.contains("overflow") => return Ok(false),
        Err(err) => return Err(TestCaseError::fail(format!("{text}: {err}"))),
    };
    let Some(y) = cx.expand(x, 64, true) else {
        return Ok(false);
    };
    let shown = cx.display(y);
    prop_assert!(
        fully_expanded(&cx, y),
        "expand({text}) = {shown} is not expanded"
    );
    prop_assert_eq!(
        cx.expand_every_node(y, 64, true),
        Some(y),
        "expand({}) = {} is not its own expansion",
        text,
        shown
    );
    // The shortcut for expressions with nothing to distribute gives what rebuilding every
    // node gives, on the parsed input and on its simplified form (built by the rules).
    let s = cx.simplify(x);
    for v in [x, y, s] {
        for deep in [true, false] {
            prop_assert_eq!(
                cx.expand(v, 64, deep),
                cx.expand_every_node(v, 64, deep),
                "expand({}, deep={}): the shortcut (is_expanded {}) differs",
                cx.display(v),
                deep,
                cx.is_expanded(v)
            );
        }
    }
    // The shallow expansion has the value too, and expands to the deep one.
    if let Some(z) = cx.expand(x, 64, false) {
        prop_assert_eq!(
            cx.expand(z, 64, true),
            Some(y),
            "expand(expand({}, deep=false))",
            text
        );
        for p in points {
            let vals: Vec<(&str, Value)> = NAMES
                .iter()
                .zip(p)
                .map(|(n, v)| (*n, Value::Int(*v)))
                .collect();
            if let (Ok(a), Ok(b)) = (cx.eval(x, &vals), cx.eval(z, &vals)) {
                prop_assert_eq!(a, b, "expand({}, deep=false) at {:?}", text, p);
            }
        }
    }
    for p in points {
        let vals: Vec<(&str, Value)> = NAMES
            .iter()
            .zip(p)
            .map(|(n, v)| (*n, Value::Int(*v)))
            .collect();
        if let (Ok(a), Ok(b)) = (cx.eval(x, &vals), cx.eval(y, &vals)) {
            prop_assert_eq!(a, b, "expand({}) = {} at {:?}", text, shown, p);
        }
    }
    Ok(true)
}

proptest! {
    #![proptest_config(Config { cases: 1500, ..Config::default() })]
    #[test]
    fn expansion_keeps_the_value(
        e in expr(),
        points in proptest::collection::vec(proptest::array::uniform3(-30i64..31), 12),
    ) {
        check(&e, &points)?;
    }
}

/// The random test must mostly see expansions (not the `None` of the limit).
#[test]
fn random_cases_mostly_expand() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut some = 0;
    for _ in 0..400 {
        let e = expr().new_tree(&mut runner).unwrap().current();
        if check(&e, &[[1, 2, 3]]).unwrap() {
            some += 1;
        }
    }
    assert!(some > 300, "only {some} of 400 random expressions expanded");
}
