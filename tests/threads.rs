//! Thread safety (docs/limits.md, "Threads"): `Context` and the handles are `Send + Sync`; a
//! context is used by one thread at a time for queries (they take `&mut self`) and may be read
//! from many (`display`, `eval`, `view` take `&self`); contexts share nothing, so many contexts
//! on many threads give exactly the answers of one thread.

use std::collections::BTreeMap;
use sym::{Bound, Context, Error, EvalError, Expr, SolveResult, Symbol, Truth, Value};

fn send_sync<T: Send + Sync>() {}

#[test]
fn public_types_are_send_and_sync() {
    send_sync::<Context>();
    send_sync::<Expr>();
    send_sync::<Symbol>();
    send_sync::<Bound>();
    send_sync::<Truth>();
    send_sync::<Value>();
    send_sync::<SolveResult>();
    send_sync::<Error>();
    send_sync::<EvalError>();
}

/// Ranges as text: (name, lo, hi).
type Ranges = Vec<(String, String, String)>;

/// The repository's example requests: (expression, ranges).
fn corpus() -> Vec<(String, Ranges)> {
    let text = include_str!("../examples/index_exprs.jsonl");
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|r| {
            let e = r.get("expr")?.as_str()?.to_string();
            let ranges = r
                .get("ranges")
                .and_then(|x| x.as_object())
                .map(|o| {
                    o.iter()
                        .map(|(n, v)| {
                            let end = |x: &serde_json::Value| match x {
                                serde_json::Value::Null => String::new(),
                                serde_json::Value::String(s) => s.clone(),
                                other => other.to_string(),
                            };
                            (n.clone(), end(&v[0]), end(&v[1]))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some((e, ranges))
        })
        .collect()
}

/// Every answer about one request, as text: simplify, bound, prove(e >= 0), solve for the
/// first symbol when the expression is a relation.
fn answers(e: &str, ranges: &[(String, String, String)]) -> String {
    let mut cx = Context::new();
    for (n, lo, hi) in ranges {
        if cx.set_range_str(n, lo, hi).is_err() {
            return "range error".into();
        }
    }
    let Ok(x) = cx.parse(e) else {
        return "parse error".into();
    };
    let s = cx.simplify(x);
    let b = cx.bound(x);
    let mut out = format!("{} | {b}", cx.display(s));
    if let Ok(p) = cx.parse_bool(&format!("{e} >= 0")) {
        out += &format!(" | {:?}", cx.prove(p).expect("a predicate"));
    }
    out
}

#[test]
fn many_contexts_on_many_threads_answer_as_one() {
    let cases = corpus();
    assert!(cases.len() >= 20, "{}", cases.len());
    let one: Vec<String> = cases.iter().map(|(e, r)| answers(e, r)).collect();
    // 8 threads, each answering every case in its own contexts, in a different order.
    let per_thread: Vec<BTreeMap<usize, String>> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let cases = &cases;
                sc.spawn(move || {
                    let mut got = BTreeMap::new();
                    for k in 0..cases.len() {
                        let i = (k * 7 + t * 13) % cases.len();
                        let (e, r) = &cases[i];
                        got.insert(i, answers(e, r));
                    }
                    got
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for got in per_thread {
        assert_eq!(got.len(), one.len());
        for (i, a) in got {
            assert_eq!(a, one[i], "case {}", cases[i].0);
        }
    }
}

#[test]
fn one_context_is_read_from_many_threads() {
    let mut cx = Context::new();
    cx.set_range_str("x0", "0", "63").unwrap();
    let e = cx
        .parse("FloorDiv(x0 + 64*x1, 64)*64 + Mod(x0, 64)")
        .unwrap();
    let s = cx.simplify(e);
    let cx = &cx;
    std::thread::scope(|sc| {
        for t in 0..4i64 {
            sc.spawn(move || {
                for x0 in 0..64 {
                    let vals = [("x0", Value::Int(x0)), ("x1", Value::Int(t))];
                    assert_eq!(cx.eval(e, &vals), cx.eval(s, &vals));
                    assert_eq!(cx.display(s), "x0 + 64*x1");
                }
            });
        }
    });
}

/// A context moves to another thread with everything it interned.
#[test]
fn a_context_moves_between_threads() {
    let mut cx = Context::new();
    let e = cx.parse("Mod(8*x + 4, 8)").unwrap();
    let (cx, s) = std::thread::spawn(move || {
        let s = cx.simplify(e);
        (cx, s)
    })
    .join()
    .unwrap();
    assert_eq!(cx.display(s), "4");
}
