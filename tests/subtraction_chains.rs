//! Sums and differences nested to the right (`a - (b - (c - ...))`), which the parser builds
//! by negating a pending sum whole rather than term by term (parse.rs, `combine`): random
//! chains of terms (symbols, literal multiples, products, groups of their own, floor
//! divisions that stop the pending sum) parsed and evaluated against an exact reference, by
//! both of the parser's paths (the descent, and the general parser it leaves deep texts to).

use proptest::prelude::*;
use proptest::test_runner::Config;
use sym::{Context, Value};

/// One term of a chain.
#[derive(Clone, Debug)]
enum Term {
    /// `x`, `y` or `z`.
    Sym(usize),
    /// `k*s`.
    Scaled(i64, usize),
    /// `s*t`.
    Product(usize, usize),
    /// `(k)`.
    Lit(i64),
    /// `((chain)//k)`: a quotient, built at once (no pending sum crosses it).
    Quotient(Box<Chain>, i64),
    /// `(chain)`, or `k*(chain)` (a pending sum built before the product).
    Group(Box<Chain>, i64),
}

/// `t0 op0 (t1 op1 (t2 ...))` (right-nested) or `t0 op0 t1 op1 t2 ...` (flat).
#[derive(Clone, Debug)]
struct Chain {
    terms: Vec<Term>,
    minus: Vec<bool>,
    right_nested: bool,
}

const NAMES: [&str; 3] = ["x", "y", "z"];

fn term_text(t: &Term) -> String {
    match t {
        Term::Sym(s) => NAMES[*s].into(),
        Term::Scaled(k, s) => format!("{k}*{}", NAMES[*s]),
        Term::Product(s, t) => format!("{}*{}", NAMES[*s], NAMES[*t]),
        Term::Lit(k) => format!("({k})"),
        Term::Quotient(c, k) => format!("(({})//{k})", chain_text(c)),
        Term::Group(c, 1) => format!("({})", chain_text(c)),
        Term::Group(c, k) => format!("{k}*({})", chain_text(c)),
    }
}

fn chain_text(c: &Chain) -> String {
    let mut s = term_text(&c.terms[0]);
    let n = c.terms.len();
    for i in 1..n {
        let op = if c.minus[i - 1] { " - " } else { " + " };
        s.push_str(op);
        if c.right_nested && i < n - 1 {
            s.push('(');
        }
        s.push_str(&term_text(&c.terms[i]));
    }
    if c.right_nested && n > 2 {
        s.push_str(&")".repeat(n - 2));
    }
    s
}

fn term_value(t: &Term, v: [i64; 3]) -> i64 {
    match t {
        Term::Sym(s) => v[*s],
        Term::Scaled(k, s) => k * v[*s],
        Term::Product(s, t) => v[*s] * v[*t],
        Term::Lit(k) => *k,
        Term::Quotient(c, k) => chain_value(c, v).div_euclid(*k),
        Term::Group(c, k) => k * chain_value(c, v),
    }
}

/// The chain's value: right-nested, each operator applies to everything after it.
fn chain_value(c: &Chain, v: [i64; 3]) -> i64 {
    let vals: Vec<i64> = c.terms.iter().map(|t| term_value(t, v)).collect();
    if c.right_nested {
        let mut acc = *vals.last().unwrap();
        for i in (0..vals.len() - 1).rev() {
            acc = if c.minus[i] {
                vals[i] - acc
            } else {
                vals[i] + acc
            };
        }
        acc
    } else {
        let mut acc = vals[0];
        for (&v, &minus) in vals[1..].iter().zip(&c.minus) {
            acc = if minus { acc - v } else { acc + v };
        }
        acc
    }
}

fn chain(depth: u32) -> BoxedStrategy<Chain> {
    let sym = 0usize..3;
    let leaf = prop_oneof![
        3 => sym.clone().prop_map(Term::Sym),
        2 => (-9i64..10, sym.clone()).prop_map(|(k, s)| Term::Scaled(k, s)),
        1 => (sym.clone(), sym.clone()).prop_map(|(s, t)| Term::Product(s, t)),
        1 => (-9i64..10).prop_map(Term::Lit),
    ];
    let term = if depth == 0 {
        leaf.boxed()
    } else {
        prop_oneof![
            6 => leaf,
            1 => (chain(depth - 1), 1i64..5).prop_map(|(c, k)| Term::Quotient(Box::new(c), k)),
            2 => (chain(depth - 1), prop_oneof![Just(1i64), -3i64..4])
                .prop_map(|(c, k)| Term::Group(Box::new(c), k)),
        ]
        .boxed()
    };
    (prop::collection::vec(term, 1..12), any::<bool>())
        .prop_flat_map(|(terms, right_nested)| {
            let n = terms.len();
            (
                Just(terms),
                prop::collection::vec(any::<bool>(), n.saturating_sub(1)),
                Just(right_nested),
            )
        })
        .prop_map(|(terms, minus, right_nested)| Chain {
            terms,
            minus,
            right_nested,
        })
        .boxed()
}

proptest! {
    #![proptest_config(Config::with_cases(3000))]

    /// The parsed normal form has the chain's value at random points, parsed alone (the
    /// descent) and inside 40 levels of `Max(0, ...)` nesting that sends it to the general
    /// parser (its depth beyond the descent's), with `-(...)` around it too. Checked to fail
    /// with a negated pending sum's flag ignored where its terms are read.
    #[test]
    fn right_nested_chains_keep_their_value(c in chain(2), pts in prop::collection::vec([-20i64..21, -20i64..21, -20i64..21], 4)) {
        let text = chain_text(&c);
        let deep = format!("{}{text}{}", "Max(-1000000000, ".repeat(40), ")".repeat(40));
        let negated = format!("-({text}) - (x - ({text}))");
        let mut cx = Context::new();
        let e = cx.parse(&text).unwrap();
        let d = cx.parse(&deep).unwrap();
        let n = cx.parse(&negated).unwrap();
        for v in pts {
            let at = [("x", Value::Int(v[0])), ("y", Value::Int(v[1])), ("z", Value::Int(v[2]))];
            let want = chain_value(&c, v);
            prop_assert_eq!(cx.eval(e, &at), Ok(Value::Int(want)), "{}", text);
            prop_assert_eq!(cx.eval(d, &at), Ok(Value::Int(want.max(-1_000_000_000))), "{}", deep);
            prop_assert_eq!(cx.eval(n, &at), Ok(Value::Int(-want - (v[0] - want))), "{}", negated);
        }
    }
}

/// A right-nested chain's normal form is the flat chain's: the same node.
#[test]
fn right_nested_is_flat() {
    let n = 300;
    let nested = format!(
        "{}{}",
        (0..n).map(|i| format!("x{i} - (")).collect::<String>() + &format!("x{n}"),
        ")".repeat(n)
    );
    let flat: String = (0..=n)
        .map(|i| {
            format!(
                "{}x{i}",
                if i == 0 {
                    ""
                } else if i % 2 == 1 {
                    " - "
                } else {
                    " + "
                }
            )
        })
        .collect();
    let mut cx = Context::new();
    let a = cx.parse(&nested).unwrap();
    let b = cx.parse(&flat).unwrap();
    assert_eq!(a, b, "{}", cx.display(a));
    // A coefficient -2^63 negated twice (right sums larger than the left ones): the chain's
    // value fits, and so does the form.
    let e = cx
        .parse("x0 - (x1 - ((-9223372036854775807 - 1)*x2 - x3 - x4))")
        .unwrap();
    let f = cx
        .parse("x0 - x1 + (-9223372036854775807 - 1)*x2 - x3 - x4")
        .unwrap();
    assert_eq!(e, f, "{}", cx.display(e));
}
