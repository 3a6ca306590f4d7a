//! The shortcut of `simplify` requests whose expression is a plain polynomial and whose facts
//! are plain (`Context::plain_facts`: the facts are read, never set) answers what the general
//! path answers. A request with a node limit takes none of the shortcuts (docs/limits.md):
//! the same request with a limit no input reaches is the reference, errors included, except
//! a contradiction made by an assumption the polynomial's answer cannot depend on (left out:
//! docs/cli.md).

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Value as J, json};
use symshape::request::handle;

/// The response to `req`, and to `req` with limits that take every shortcut away.
fn both(req: &J) -> (J, J) {
    let mut limited = req.clone();
    limited["limits"] = json!({"input_nodes": 1_000_000_000u64, "context_nodes": 1_000_000_000u64});
    (handle(req), handle(&limited))
}

#[test]
fn real_shapes_answer_as_the_general_path() {
    for req in [
        json!({"op": "simplify", "expr": "8*p0*s0*s53 + p1 + 8*p2", "ranges": {"s0": [9, 512], "s53": [9, 512], "s77": [2, null], "p0": [0, "s77 - 1"], "p1": [0, "8 - 1"], "p2": [0, "s0*s53 - 1"]}}),
        json!({"op": "simplify", "expr": "p0*s48*s78 + 4*p0*s48 + 2*p0*s78 + 8*p0 + p1*s78 + 4*p1 + p2 - s78", "ranges": {"s17": [2, null], "s48": [3, null], "s78": [3, null], "s94": [2, null], "p0": [0, "s17*s94 - 1"], "p1": [0, "s48 + 2 - 1"], "p2": [0, "s78 + 4 - 1"]}, "assume": ["And(Gt(s78, 1), Gt(s78, 2))", "And(Gt(s48, 1), Gt(s48, 2))"]}),
        // Not plain: a pinned symbol (substituted), an empty range, a cycle, a bad end.
        json!({"op": "simplify", "expr": "p0 + s0", "ranges": {"s0": [2, null], "p0": [0, "0*s0"]}}),
        json!({"op": "simplify", "expr": "p0 + s0", "ranges": {"s0": [2, 2], "p0": [0, "s0 - 1"]}}),
        json!({"op": "simplify", "expr": "p0 + s0", "ranges": {"s0": [0, 0], "p0": [1, "s0 - 1"]}}),
        json!({"op": "simplify", "expr": "p0 + s0", "ranges": {"s0": [0, "p0"], "p0": [1, "s0 - 1"]}}),
        json!({"op": "simplify", "expr": "p0 + s0", "ranges": {"p0": [0, "s0 -"]}}),
        json!({"op": "simplify", "expr": "p0 + s0", "ranges": {"p0": [0, "s0 - 1"]}, "assume": ["Eq(s0, 1)"]}),
    ] {
        let (a, b) = both(&req);
        assert_eq!(a, b, "{req}");
    }
}

fn end() -> impl Strategy<Value = J> {
    prop_oneof![
        Just(J::Null),
        (-2i64..10).prop_map(|v| json!(v)),
        prop::sample::select(vec![
            "s0 - 1",
            "s1 - 1",
            "s0*s1 - 1",
            "2*s0 + 3",
            "8 - 1",
            "-1",
            "p0 - 1",
            "x",
            "0*s0",
            "s0 - s0",
            "inf",
            "oo",
            "",
            "s0**2",
            "Max(s0, 1)",
            "s0 -",
            "q + 1",
            "s1 + 2 - 1",
            "s0**2 - 1",
            "2*s1*(2*s0 - 1) - 1",
            "(s0 - 1)*(s1 + 1)",
            "s0**17",
            "(s0",
        ])
        .prop_map(|t| json!(t)),
        Just(json!(1.5)),
        Just(json!(i64::MAX)),
    ]
}

fn poly() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            -3i64..4,
            prop::sample::subsequence(vec!["s0", "s1", "p0", "p1", "x", "q"], 0..3),
            prop::sample::select(vec!["", "", "**2", "**3", "*x"]),
        ),
        1..4,
    )
    .prop_map(|ts| {
        let mut out = String::new();
        for (i, (k, names, power)) in ts.into_iter().enumerate() {
            out.push_str(match (i, k < 0) {
                (0, false) => "",
                (0, true) => "-",
                (_, false) => " + ",
                (_, true) => " - ",
            });
            out.push_str(&k.unsigned_abs().to_string());
            for n in names {
                out.push('*');
                out.push_str(n);
            }
            // A power of the term's last name, or a repeated name.
            out.push_str(power);
        }
        out
    })
}

proptest! {
    #![proptest_config(Config { cases: 3000, ..Config::default() })]

    #[test]
    fn shortcut_answers_as_the_general_path(
        ranges in prop::collection::vec(
            (prop::sample::select(vec!["s0", "s1", "p0", "p1", "x", "Max"]), end(), end()),
            0..5,
        ),
        assume in prop::collection::vec(
            prop::sample::select(vec![
                "Gt(s0, 2)", "And(Gt(s1, 1), Gt(s1, 2))", "Le(s1, 9)", "Ge(p0, 1)",
                "Eq(s0, 4)", "Lt(s0, 3)", "s0 > 3", "Gt(q, 2)", "Lt(s1",
            ]),
            0..3,
        ),
        poly in poly(),
    ) {
        // A name given twice is refused when the request is read (JSON objects keep one
        // value per key): the last one stays, as in serde_json's maps.
        let mut obj = serde_json::Map::new();
        for (n, lo, hi) in ranges {
            obj.insert(n.to_string(), json!([lo, hi]));
        }
        let mut req = json!({"op": "simplify", "expr": poly, "ranges": obj});
        if !assume.is_empty() {
            req["assume"] = json!(assume);
        }
        let (a, b) = both(&req);
        if a != b && assume.contains(&"Eq(s0, 4)") && b["error"]["kind"] == "range" {
            // A plain polynomial's answer cannot depend on an assumption that is no bound of
            // a symbol by a literal (`Eq(s0, 4)` here): the shortcut leaves it out, so a
            // contradiction it makes is not reported (docs/cli.md). The answer is then that
            // of the request without it, by the general path.
            let mut without = req.clone();
            without["assume"] = json!(assume.iter().filter(|&&t| t != "Eq(s0, 4)").collect::<Vec<_>>());
            prop_assert_eq!(&a, &both(&without).1, "{}", req);
        } else {
            prop_assert_eq!(a, b, "{}", req);
        }
    }
}
