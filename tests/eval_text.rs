//! Exact evaluation of a text as written (`Context::parse_for_eval`, `Context::eval_parsed`),
//! against an exact reference on random trees: integer arithmetic with floor division and
//! modulo, products by zero and differences of equal subtrees (which the parser's normal form
//! cancels, divisors and all), and `Where`, which evaluates only the branch its condition
//! picks. The text is undefined exactly where a divisor the text evaluates is zero; elsewhere
//! its value is the reference's. Small values: nothing overflows.

use proptest::prelude::*;
use proptest::test_runner::Config;
use sym::{Context, EvalError, Value};

#[derive(Clone, Debug)]
enum T {
    C(i64),
    X,
    Y,
    Add(Box<T>, Box<T>),
    Mul(Box<T>, Box<T>),
    Fd(Box<T>, Box<T>),
    Mod(Box<T>, Box<T>),
    /// `0*t`: cancelled by the normal form.
    Zero(Box<T>),
    /// `t - t`: cancelled by the normal form.
    Diff(Box<T>),
    /// `Where(a < b, t, e)`.
    Where(Box<T>, Box<T>, Box<T>, Box<T>),
}

fn text(t: &T) -> String {
    match t {
        T::C(v) => format!("({v})"),
        T::X => "x".into(),
        T::Y => "y".into(),
        T::Add(a, b) => format!("({} + {})", text(a), text(b)),
        T::Mul(a, b) => format!("({})*({})", text(a), text(b)),
        T::Fd(a, b) => format!("FloorDiv({}, {})", text(a), text(b)),
        T::Mod(a, b) => format!("Mod({}, {})", text(a), text(b)),
        T::Zero(a) => format!("0*({})", text(a)),
        T::Diff(a) => format!("({0}) - ({0})", text(a)),
        T::Where(a, b, t, e) => {
            format!("Where({} < {}, {}, {})", text(a), text(b), text(t), text(e))
        }
    }
}

/// The exact value, `None` where a divisor the text evaluates is zero.
fn value(t: &T, x: i64, y: i64) -> Option<i64> {
    Some(match t {
        T::C(v) => *v,
        T::X => x,
        T::Y => y,
        T::Add(a, b) => value(a, x, y)? + value(b, x, y)?,
        T::Mul(a, b) => value(a, x, y)? * value(b, x, y)?,
        T::Fd(a, b) => {
            let (p, q) = (value(a, x, y)?, value(b, x, y)?);
            if q == 0 {
                return None;
            }
            p.div_euclid(q) - i64::from(q < 0 && p.rem_euclid(q) != 0)
        }
        T::Mod(a, b) => {
            let (p, q) = (value(a, x, y)?, value(b, x, y)?);
            if q == 0 {
                return None;
            }
            p - q * (p.div_euclid(q) - i64::from(q < 0 && p.rem_euclid(q) != 0))
        }
        // Zero where the subtree is defined: `0*t` and `t - t` evaluate `t`.
        T::Zero(a) | T::Diff(a) => {
            value(a, x, y)?;
            0
        }
        T::Where(a, b, t, e) => {
            if value(a, x, y)? < value(b, x, y)? {
                value(t, x, y)?
            } else {
                value(e, x, y)?
            }
        }
    })
}

fn tree() -> impl Strategy<Value = T> {
    let leaf = prop_oneof![(-2i64..3).prop_map(T::C), Just(T::X), Just(T::Y)];
    leaf.prop_recursive(5, 40, 4, |inner| {
        let b = |t: T| Box::new(t);
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(move |(p, q)| T::Add(b(p), b(q))),
            (inner.clone(), inner.clone()).prop_map(move |(p, q)| T::Mul(b(p), b(q))),
            (inner.clone(), inner.clone()).prop_map(move |(p, q)| T::Fd(b(p), b(q))),
            (inner.clone(), inner.clone()).prop_map(move |(p, q)| T::Mod(b(p), b(q))),
            inner.clone().prop_map(move |p| T::Zero(b(p))),
            inner.clone().prop_map(move |p| T::Diff(b(p))),
            (inner.clone(), inner.clone(), inner.clone(), inner)
                .prop_map(move |(p, q, r, s)| T::Where(b(p), b(q), b(r), b(s))),
        ]
    })
}

proptest! {
    #![proptest_config(Config { cases: 4000, ..Config::default() })]

    #[test]
    fn a_text_is_evaluated_as_written(t in tree()) {
        let src = text(&t);
        let mut cx = Context::new();
        let p = cx.parse_for_eval(&src).unwrap();
        for x in -2..3 {
            for y in -2..3 {
                let got = cx.eval_parsed(&p, &[("x", Value::Int(x)), ("y", Value::Int(y))]);
                match value(&t, x, y) {
                    Some(v) => prop_assert_eq!(got, Ok(Value::Int(v)), "{} at x={}, y={}", src, x, y),
                    None => prop_assert_eq!(got, Err(EvalError::DivisionByZero), "{} at x={}, y={}", src, x, y),
                }
            }
        }
    }
}

/// The cases the review's fuzzer found, and the tables of docs/language.md.
#[test]
fn where_guards_the_divisors_of_its_branches() {
    let cases: &[(&str, i64, i64, Option<i64>)] = &[
        ("Where(Eq(y, 0), 0, 0*FloorDiv(x, y))", 0, 0, Some(0)),
        ("0*Where(x > 0, 1, FloorDiv(x, y))", 0, 0, None),
        ("0*Where(x > 0, 1, FloorDiv(x, y))", 1, 0, Some(0)),
        ("Where(Eq(Mod(x, 0), 0), 1, 1)", 1, 1, None),
        ("Where(x > 0, x, x) + FloorDiv(1, 0)*0", 1, 1, None),
        ("Where(FloorDiv(x, y) > 0, x, x)", 1, 0, None),
        ("0*(Where((1) < y, 0, Mod(y, (0))))", 0, 1, None),
        ("0*(Where((1) < y, 0, Mod(y, (0))))", 0, 2, Some(0)),
    ];
    for &(src, x, y, want) in cases {
        let mut cx = Context::new();
        let p = cx.parse_for_eval(src).unwrap();
        let got = cx.eval_parsed(&p, &[("x", Value::Int(x)), ("y", Value::Int(y))]);
        let want = want.map(Value::Int).ok_or(EvalError::DivisionByZero);
        assert_eq!(got, want, "{src} at x={x}, y={y}");
    }
}

/// Many divisors inside many nested `Where`s: each divisor records its innermost branch (a
/// tree of branches), so the text costs its size, not its size times its depth (3,000 levels
/// and 3,000 divisors took 12 s with a list of conditions per divisor). The innermost branch
/// is reached where `x >= 3000`.
#[test]
fn nested_wheres_cost_their_size() {
    let (depth, divisors) = (3000, 3000);
    let mut text = (0..divisors)
        .map(|j| format!("0*FloorDiv(x, y + {j})"))
        .collect::<Vec<_>>()
        .join(" + ");
    for i in 0..depth {
        text = format!("Where(x > {i}, {text}, 1)");
    }
    let mut cx = Context::new();
    let p = cx.parse_for_eval(&text).unwrap();
    let at = |x, y| [("x", Value::Int(x)), ("y", Value::Int(y))];
    assert_eq!(
        cx.eval_parsed(&p, &at(5000, 0)),
        Err(EvalError::DivisionByZero)
    );
    assert_eq!(
        cx.eval_parsed(&p, &at(5000, -2999)),
        Err(EvalError::DivisionByZero)
    );
    assert_eq!(cx.eval_parsed(&p, &at(5000, 1)), Ok(Value::Int(0)));
    assert_eq!(cx.eval_parsed(&p, &at(10, 0)), Ok(Value::Int(1)));
}
