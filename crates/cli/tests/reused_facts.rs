//! A thread's context keeps the facts a `simplify` request set for the next request with the
//! same facts (`request::run`: `Context::back_to_facts` instead of clearing the context and
//! setting them again). Every request of a stream answers what it answers alone on a fresh
//! context: the same request with node limits no input reaches, which never keeps facts (nor
//! takes any other shortcut), is the reference, errors included. The stream is answered first,
//! the references after, so that the references do not clear the context between the
//! requests of the stream.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Value as J, json};
use symshape::request::handle;

/// `req` under limits that take every shortcut away.
fn limited(req: &J) -> J {
    let mut l = req.clone();
    l["limits"] = json!({"input_nodes": 1_000_000_000u64, "context_nodes": 1_000_000_000u64});
    l
}

/// Answers `reqs` in order (keeping facts between them where they repeat), then each
/// `simplify` request alone under limits, and compares (the other requests are in the stream
/// to change the context between the others).
fn stream_answers_as_alone(reqs: &[J]) -> Result<(), String> {
    let streamed: Vec<J> = reqs.iter().map(handle).collect();
    for (req, got) in reqs.iter().zip(&streamed) {
        if req["op"] != "simplify" {
            continue;
        }
        let alone = handle(&limited(req));
        if *got != alone && !left_out_contradiction(req, got, &alone) {
            return Err(format!("{req}: streamed {got}, alone {alone}"));
        }
    }
    Ok(())
}

/// Whether `got` differs from the reference `alone` (every assumption set) only as docs/cli.md
/// says a plain polynomial's `simplify` may: its assumptions that are no bound of a symbol by
/// a literal are left out, so a contradiction among them is not reported. The reference
/// then is a range error, and `got` is the reference's answer to the request without them.
fn left_out_contradiction(req: &J, got: &J, alone: &J) -> bool {
    let plain = req["expr"]
        .as_str()
        .is_some_and(|t| !t.bytes().any(|c| b"(/%<>=!&|.,".contains(&c)));
    let Some(assume) = req["assume"].as_array() else {
        return false;
    };
    if !plain || alone["error"]["kind"] != "range" {
        return false;
    }
    let bound = |t: &str| {
        ["Lt(", "Le(", "Gt(", "Ge("]
            .iter()
            .any(|h| t.starts_with(h))
            && !t[3..].contains('(')
    };
    let kept: Vec<&J> = assume
        .iter()
        .filter(|a| {
            a.as_str()
                .is_none_or(|t| bound(t) || !sym::plain_bool_text(t))
        })
        .collect();
    let mut without = req.clone();
    without["assume"] = json!(kept);
    handle(&limited(&without)) == *got
}

#[test]
fn repeated_real_facts_answer_as_alone() {
    let ranges =
        json!({"s27": [2, null], "s77": [2, null], "p0": [0, "s27*s77 - 1"], "p1": [0, "7 - 1"]});
    let assumed =
        json!({"s22": [400, 480000], "s51": [2, 16], "q0": [0, "s51 - 1"], "q1": [0, "16 - 1"]});
    let mut reqs = Vec::new();
    for expr in [
        "23*p0 + (((23*p1)//7)) + 4",
        "30*p0 + (((30*p1)//7)) + 3",
        "p0 + p1",
        "(((13*p1)//5)) + 3",
        "FloorDiv(p0, s27*s77)",
        "p0 +",
        "Mod(p0 + 3, s27)",
        "x + p1",
        "23*p0 + (((23*p1)//7)) + 4",
    ] {
        reqs.push(json!({"op": "simplify", "expr": expr, "ranges": ranges}));
    }
    for expr in [
        "16*((s22//160)) + 16",
        "q0 + ((s22//320))",
        "16*((s22//160)) + 16",
    ] {
        reqs.push(json!({"op": "simplify", "expr": expr, "ranges": assumed,
            "assume": ["Ne((FloorDiv(s22, 320) + 1), 16)"]}));
    }
    // Other requests between (other facts, constant ranges, another operation), then the
    // first facts again.
    reqs.push(json!({"op": "simplify", "expr": "(x//2)", "ranges": {"x": [0, 9]}}));
    reqs.push(json!({"op": "bound", "expr": "p0 - 1", "ranges": ranges}));
    reqs.push(json!({"op": "simplify", "expr": "(((23*p1)//7))", "ranges": ranges}));
    reqs.push(json!({"op": "simplify", "expr": "(((23*p1)//7))", "ranges": ranges, "deep": true}));
    reqs.push(json!({"op": "simplify", "expr": "(((23*p1)//7))", "ranges": ranges}));
    stream_answers_as_alone(&reqs).unwrap();
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
            "p0 - 1",
            "x",
            "0*s0",
            "oo",
            "s0 -",
            "(s0//2) - 1",
            "Max(s0, 1)",
        ])
        .prop_map(|t| json!(t)),
        Just(json!(1.5)),
    ]
}

fn facts() -> impl Strategy<Value = (J, Vec<&'static str>)> {
    (
        prop::collection::vec(
            (
                prop::sample::select(vec!["s0", "s1", "p0", "p1", "x"]),
                end(),
                end(),
            ),
            0..5,
        ),
        prop::collection::vec(
            prop::sample::select(vec![
                "Gt(s0, 2)",
                "Le(s1, 9)",
                "Eq(s0, 4)",
                "Ne(Mod(p0, 2), 0)",
                "Lt(s1",
            ]),
            0..2,
        ),
    )
        .prop_map(|(ranges, assume)| {
            let mut obj = serde_json::Map::new();
            for (n, lo, hi) in ranges {
                obj.insert(n.to_string(), json!([lo, hi]));
            }
            (J::Object(obj), assume)
        })
}

proptest! {
    #![proptest_config(Config { cases: 300, ..Config::default() })]

    #[test]
    fn streams_answer_as_alone(
        pool in prop::collection::vec(facts(), 1..4),
        picks in prop::collection::vec(
            (
                0usize..4,
                prop::sample::select(vec![
                    "(p0//2) + p1",
                    "p0 + s0*s1",
                    "Mod(p0, s0) + (x//3)",
                    "FloorDiv(p0 + s0, s0)",
                    "p1*p1 - p1",
                    "Max(p0, s1) - 1",
                    "p0 +",
                    "q + 1",
                ]),
                prop::sample::select(vec!["simplify", "simplify", "simplify", "bound"]),
            ),
            1..12,
        ),
    ) {
        let reqs: Vec<J> = picks
            .iter()
            .map(|(i, expr, op)| {
                let (ranges, assume) = &pool[i % pool.len()];
                let mut req = json!({"op": op, "expr": expr, "ranges": ranges});
                if !assume.is_empty() {
                    req["assume"] = json!(assume);
                }
                req
            })
            .collect();
        let answered = stream_answers_as_alone(&reqs);
        prop_assert!(answered.is_ok(), "{:?}", answered);
    }
}

/// `req` answered on a thread of its own: a context that no request used before.
fn on_a_fresh_context(req: &J) -> J {
    let req = req.clone();
    std::thread::spawn(move || handle(&req)).join().unwrap()
}

proptest! {
    #![proptest_config(Config { cases: 200, ..Config::default() })]

    /// Requests under changing limits (none, the same as the request before, or others: an
    /// input limit that refuses, operand counting on and off, a node limit, no rewrites),
    /// each answered as on a context of its own: a request's limits are the ones it states,
    /// whatever the requests before it stated (`run` sets them only where they differ from
    /// the cleared context's, which keeps the last ones set).
    #[test]
    fn limits_between_requests_answer_as_alone(
        picks in prop::collection::vec(
            (
                prop::sample::select(vec![
                    J::Null,
                    json!({"input_nodes": 6}),
                    json!({"context_operands": 10}),
                    json!({"context_nodes": 25}),
                    json!({"rewrite_steps": 0}),
                    json!({"input_nodes": 1_000_000_000u64}),
                ]),
                prop::sample::select(vec![
                    "FloorDiv(p0 + 4*s0, 4)",
                    "FloorDiv(p0*s0 + p0*s1 + p1*s0*s1 + 2*p1, 2)",
                    "Mod(p0, s0) + (p1//3)",
                    "p0 + 1",
                    "Max(p0, s1) - Max(s1, p0)",
                ]),
                prop::sample::select(vec!["simplify", "simplify", "bound"]),
            ),
            1..10,
        ),
    ) {
        let reqs: Vec<J> = picks
            .iter()
            .map(|(limits, expr, op)| {
                let mut req = json!({"op": op, "expr": expr,
                    "ranges": {"s0": [1, null], "s1": [2, 8], "p0": [0, "s0 - 1"], "p1": [0, null]}});
                if !limits.is_null() {
                    req["limits"] = limits.clone();
                }
                req
            })
            .collect();
        let streamed: Vec<J> = reqs.iter().map(handle).collect();
        for (req, got) in reqs.iter().zip(&streamed) {
            let alone = on_a_fresh_context(req);
            prop_assert_eq!(got, &alone, "{}", req);
        }
    }
}
