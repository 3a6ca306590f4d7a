//! `Context::plain_facts`: facts it reads as plainly valid from their texts must set without
//! an error, pass `check_facts`, and leave a plain polynomial's simplification what it is
//! without them, which is what the CLI answers without setting them. Random facts over a few
//! names (ends over other symbols, literals, i64 edges, infinite words, cycles, names that
//! cannot be symbols, cancelling ends, assumptions that fold or do not) and random
//! polynomials; a table of the shapes it takes and of those it declines.

use proptest::prelude::*;
use proptest::test_runner::Config;
use sym::{Bound, Context, EndText, Error, RangeEnd};

type Ranges<'a> = Vec<(&'a str, EndText<'a>, EndText<'a>)>;

/// Sets the facts as the CLI's `set_facts` does: each range in order (the symbol, then its
/// ends), then each assumption, then the check.
fn set_all(cx: &mut Context, ranges: &Ranges<'_>, assume: &[&str]) -> Result<(), Error> {
    for &(name, lo, hi) in ranges {
        let s = cx.symbol(name)?;
        let mut end = |e: EndText<'_>, upper: bool| -> Result<RangeEnd, Error> {
            Ok(match e {
                EndText::Unbounded => RangeEnd::Infinite,
                EndText::Int(v) => RangeEnd::Expr(cx.int(v)),
                EndText::Text(t) => cx.parse_range_end_of(t, upper)?,
            })
        };
        let (lo, hi) = (end(lo, false)?, end(hi, true)?);
        cx.set_range(s, lo, hi)?;
    }
    for a in assume {
        cx.add_fact_text(a)?;
    }
    cx.check_facts()
}

fn plain(ranges: &Ranges<'_>, assume: &[&str]) -> bool {
    Context::new().plain_facts(ranges, assume)
}

const POLY_NAMES: [&str; 6] = ["s0", "s1", "p0", "p1", "x", "q"];

/// Asserts what `plain_facts` promises for these facts and the polynomial `poly`, when it
/// answers `true`; returns its answer.
fn check(ranges: &Ranges<'_>, assume: &[&str], poly: &str) -> bool {
    if !plain(ranges, assume) {
        return false;
    }
    let mut cx = Context::new();
    if let Err(e) = set_all(&mut cx, ranges, assume) {
        panic!("plain facts {ranges:?} {assume:?} fail to set: {e}");
    }
    // A text with no literal arithmetic of its own is a plain polynomial: its answer without
    // the facts must be its simplification with them.
    let fresh = Context::new()
        .simplified_polynomial_text(poly)
        .unwrap_or_else(|| panic!("{poly} is a plain polynomial"));
    let e = cx.parse(poly).unwrap();
    let s = cx.simplify(e);
    assert_eq!(
        fresh,
        cx.display(s),
        "{poly} under {ranges:?} {assume:?}: the facts change its simplification"
    );
    assert_eq!(cx.simplified_polynomial_text(poly), Some(fresh));
    // No symbol is pinned: each has two values or more by its derived bound.
    for name in POLY_NAMES {
        if let Some(sym) = cx.lookup(name) {
            let e = cx.sym(sym);
            let b = cx.bound(e);
            assert!(
                !matches!(b, Bound::Int { lo: Some(lo), hi: Some(hi) } if lo == hi),
                "{name} is pinned under {ranges:?} {assume:?}"
            );
        }
    }
    true
}

#[test]
fn the_common_shapes_are_plain() {
    use EndText::{Int, Text, Unbounded};
    let poly = "8*p0*s0*s1 + p1 + 8*x";
    // Inductor's ranges: sizes from 2, indices below products of sizes, literal ends.
    let ranges: Ranges<'_> = vec![
        ("s0", Int(9), Int(512)),
        ("s1", Int(2), Unbounded),
        ("p0", Int(0), Text("s1 - 1")),
        ("p1", Int(0), Text("8 - 1")),
        ("x", Int(0), Text("s0*s1 - 1")),
    ];
    assert!(check(&ranges, &[], poly));
    assert!(check(
        &ranges,
        &["And(Gt(s1, 1), Gt(s1, 2))", "Lt(s0, 100)", "Ge(q, 0)"],
        poly
    ));
    assert!(check(
        &[("q", Int(0), Unbounded), ("p0", Int(0), Text("2*q + 3"))].into(),
        &[],
        poly
    ));
    // Unbounded `q`: `2*q + 3` is below 0 at some assignments, not at all of them.
    assert!(check(&[("p0", Int(0), Text("2*q + 3"))].into(), &[], poly));
    assert!(check(
        &[("p0", Text("-q - 1"), Text("q"))].into(),
        &["Ge(q, 0)"],
        poly
    ));
    assert!(check(&vec![], &["Gt(q, 0)"], poly));
    // Powers, parentheses and large literals of the real texts.
    let ranges: Ranges<'_> = vec![
        ("s0", Int(3), Int(256)),
        ("s1", Int(2), Int(256)),
        ("q", Int(2), Unbounded),
        ("p0", Int(0), Text("q**2 - 1")),
        ("p1", Int(0), Text("2*s1*(2*s0 - 1) - 1")),
        (
            "x",
            Int(0),
            Text("(8 - 1)*(s0 + 1) - 1152921504606846976 + 1152921504606846975"),
        ),
    ];
    assert!(check(&ranges, &[], poly));
}

#[test]
fn what_is_not_plain() {
    use EndText::{Int, Text, Unbounded};
    let sizes = |hi: EndText<'static>| -> Ranges<'static> {
        vec![("s1", Int(2), Unbounded), ("p0", Int(0), hi)]
    };
    let no = |r: &Ranges<'_>, a: &[&str]| assert!(!plain(r, a), "{r:?} {a:?}");
    // Ends that may meet (`s1 = 1` leaves `p0` one value) are plain: `s1` may be larger.
    assert!(check(
        &vec![("s1", Int(1), Unbounded), ("p0", Int(0), Text("s1 - 1"))],
        &[],
        "p0 + s1"
    ));
    assert!(check(
        &vec![("u1", Int(0), Unbounded), ("q0", Int(0), Text("u1 - 1"))],
        &[],
        "3*q0 + u1"
    ));
    // Ends that never leave two values: empty, or one value, at every assignment.
    no(
        &vec![("s1", Int(1), Int(2)), ("p0", Int(0), Text("s1 - 3"))],
        &[],
    );
    no(
        &vec![("s1", Int(1), Int(2)), ("p0", Int(0), Text("s1 - 2"))],
        &[],
    );
    no(
        &vec![("s1", Int(1), Unbounded), ("p0", Text("s1"), Text("s1"))],
        &[],
    );
    // Floor division by a literal: the real ends.
    assert!(check(
        &vec![
            ("s0", Int(4), Unbounded),
            ("s53", Int(4), Int(64)),
            ("p0", Int(0), Text("((s53 + 1)//2) - 1")),
            ("p1", Int(0), Text("((s0//4))*((s53//4)) + 1 - 1")),
            ("x", Int(0), Text("(((s0 - 1)//4)) + 1 - 1")),
        ],
        &[],
        "p0 + p1*s0 + x"
    ));
    for t in [
        "s1 // 0",
        "s1 // s1",
        "s1 / 2",
        "s1 // -2",
        "s1 // (2)",
        "s1 /// 2",
    ] {
        no(&sizes(Text(t)), &[]);
    }
    // A point, an empty range, an edge, a name given twice, a name that is no symbol.
    no(&vec![("s1", Int(4), Int(4))], &[]);
    no(&vec![("s1", Int(5), Int(4))], &[]);
    no(&vec![("s1", Int(0), Text("5 - 1 - 4"))], &[]);
    no(&vec![("s1", Int(0), Int(i64::MAX))], &[]);
    no(
        &vec![("s1", Int(0), Unbounded), ("s1", Int(1), Unbounded)],
        &[],
    );
    no(&vec![("Max", Int(0), Unbounded)], &[]);
    no(&vec![("2a", Int(0), Unbounded)], &[]);
    // Ends that cancel to one value, refer to a symbolic range, to the symbol itself, or are
    // not in the grammar.
    for t in [
        "0*s1",
        "s1 - s1",
        "p0 - 1",
        "x",
        "inf",
        "oo",
        "",
        "Max(s1, 2)",
        "s1 - 01",
        "s1 - - 1",
        "s1\t- 1",
        "1e3",
        "2s1",
        "s1**1",
        "s1**17",
        "s1**-2",
        "s1**02",
        "s1**2**2",
        "(s1 - 1",
        "s1 - 1)",
        "((((((((((s1))))))))) - 1",
        "9223372036854775807*s1 - 1",
        "(s1 + 4611686018427387904)*2 - 1",
        "s1 - 9223372036854775808",
        "s1 - 1.0",
    ] {
        let mut r = sizes(Text(t));
        if t == "x" {
            r.push(("x", Int(0), Text("p0")));
        }
        no(&r, &[]);
    }
    // Assumptions that do not fold into constant ranges of two values or more.
    for a in [
        "Eq(s1, 4)",
        "And(Ge(s1, 4), Le(s1, 4))",
        "Lt(s1, 2)",
        "s1 > 3",
        "Gt(p0, 1)",
        "Le(s1, 9223372036854775807)",
    ] {
        no(&sizes(Text("s1 - 1")), &[a]);
    }
    // Not a fresh context.
    let mut cx = Context::new();
    cx.symbol("s1").unwrap();
    assert!(!cx.plain_facts(&sizes(Text("s1 - 1")), &[]));
}

fn end() -> impl Strategy<Value = EndText<'static>> {
    const TEXTS: [&str; 30] = [
        "s0 - 1",
        "s1 - 1",
        "s0*s1 - 1",
        "2*s0 + 3",
        "8 - 1",
        "-1",
        "0",
        "5 - 5",
        "p0 - 1",
        "p1 + 1",
        "x",
        "s0 - s0",
        "0*s0",
        "s0*0 + 3",
        "inf",
        "oo",
        "-oo",
        "",
        " s0 - 1 ",
        "s0**2",
        "Max(s0, 1)",
        "s0 + 9999999999",
        "-s1 + 4",
        "s0 - 01",
        "s0*s0 - 1",
        "q - 1",
        "x - 1",
        "-q",
        "3 - q",
        "q*p1",
    ];
    prop_oneof![
        Just(EndText::Unbounded),
        (-3i64..12).prop_map(EndText::Int),
        prop::sample::select(vec![i64::MIN, i64::MAX, i64::MAX - 1, i64::MIN + 1])
            .prop_map(EndText::Int),
        prop::sample::select(TEXTS.to_vec()).prop_map(EndText::Text),
    ]
}

fn poly() -> impl Strategy<Value = String> {
    let factor = (
        prop::sample::select(POLY_NAMES.to_vec()),
        prop::sample::select(vec![1u32, 1, 1, 2, 3]),
    );
    let term = (-3i64..4, prop::collection::vec(factor, 0..3));
    (prop::collection::vec(term, 1..5), any::<bool>()).prop_map(|(ts, minus)| {
        let mut out = String::new();
        for (i, (k, names)) in ts.into_iter().enumerate() {
            let mut t = k.unsigned_abs().to_string();
            // Names repeated or raised to a power (`x*x`, `x**2`) make powers.
            for (n, e) in names {
                t.push('*');
                t.push_str(n);
                if e > 1 {
                    t.push_str(&format!("**{e}"));
                }
            }
            let neg = k < 0;
            match (i, neg) {
                (0, false) => {}
                (0, true) => out.push_str(if minus { "-" } else { "0 - " }),
                (_, false) => out.push_str(" + "),
                (_, true) => out.push_str(" - "),
            }
            out.push_str(&t);
        }
        out
    })
}

/// Facts shaped as Inductor's: sizes with small constant lower ends, then indices below
/// expressions of the sizes, in a random order (an end may name a symbol whose range comes
/// later), names sometimes repeated.
fn inductor_ranges() -> impl Strategy<Value = Ranges<'static>> {
    let size = (
        prop::sample::select(vec!["s0", "s1", "q"]),
        -1i64..4,
        prop_oneof![Just(None), (0i64..9).prop_map(Some)],
    )
        .prop_map(|(n, lo, hi)| {
            (
                n,
                EndText::Int(lo),
                hi.map_or(EndText::Unbounded, EndText::Int),
            )
        });
    let index = (
        prop::sample::select(vec!["p0", "p1", "x"]),
        prop_oneof![
            (-1i64..2).prop_map(EndText::Int),
            prop::sample::select(vec!["-s0", "1 - s1", "q - 9", "s0 - 2"]).prop_map(EndText::Text),
        ],
        prop_oneof![
            3 => prop::sample::select(vec![
                "s0 - 1", "s1 - 1", "s0*s1 - 1", "2*s0 + 3", "8 - 1", "q - 1", "s1 + 2 - 1",
                "s0*s1*q - 1", "q*s0 - s1", "s0**2 - 1", "2*s1*(2*s0 - 1) - 1",
                "(s0 - 1)*(s1 + 1)", "(s1)**3 - 8", "-(1 - s0)**2 + q",
                "((s0 + 1)//2) - 1", "(s1//4)*(q//3) - 1", "q - 2", "-q//2 + 1", "7//2 - s0",
            ])
            .prop_map(EndText::Text),
            1 => end(),
        ],
    );
    (
        prop::collection::vec(size, 0..4),
        prop::collection::vec(index, 0..4),
    )
        .prop_flat_map(|(mut a, b)| {
            a.extend(b);
            Just(a).prop_shuffle()
        })
}

proptest! {
    // About a hundred microseconds a case.
    #![proptest_config(Config { cases: 20_000, ..Config::default() })]

    #[test]
    fn plain_inductor_facts_set_and_change_no_polynomial(
        ranges in inductor_ranges(),
        assume in prop::collection::vec(
            prop::sample::select(vec![
                "Gt(s0, 2)", "And(Gt(s1, 1), Gt(s1, 2))", "Le(s1, 9)", "Lt(q, 7)", "Ge(p0, 1)",
                "Eq(s0, 4)", "Gt(s0, 7)", "Lt(s1, 3)", "Le(q, 1)",
            ]),
            0..3,
        ),
        poly in poly(),
    ) {
        check(&ranges, &assume, &poly);
    }

    #[test]
    fn plain_facts_set_and_change_no_polynomial(
        ranges in prop::collection::vec(
            (prop::sample::select(vec!["s0", "s1", "p0", "p1", "x", "Min", "_t"]), end(), end()),
            0..6,
        ),
        assume in prop::collection::vec(
            prop::sample::select(vec![
                "Gt(s0, 2)", "And(Gt(s0, 1), Gt(s0, 2))", "Le(s1, 9)", "Ge(p0, 1)",
                "Lt(x, 0)", "Eq(s0, 4)", "And(Ge(s1, 4), Le(s1, 4))", "Gt(s0, 100)",
                "Lt(s0, 3)", "s0 > 3", "Gt(q, 2)", "Le(q, -1)", "And(Lt(s1, 5), Gt(s1, 2))",
            ]),
            0..3,
        ),
        poly in poly(),
    ) {
        check(&ranges, &assume, &poly);
    }
}
