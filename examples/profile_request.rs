//! The whole request over the public corpus in a loop: a fresh context, its ranges, parse,
//! simplify, print (what `benches/simplify.rs` `request/corpus` times), for `perf record` or
//! `valgrind --tool=callgrind` (instruction counts are deterministic, unlike times on a
//! shared machine). `cargo run --release --example profile_request -- [N]`.
use sym::Context;

/// A case: the ranges `(name, lo, hi)` (an empty end is unbounded) and the expression.
type Case = (Vec<(String, String, String)>, String);

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/index_exprs.jsonl");
    let text = std::fs::read_to_string(path).expect("corpus");
    let mut cases: Vec<Case> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let ranges = v["ranges"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, r)| {
                        let end = |x: &serde_json::Value| {
                            x.as_i64().map(|i| i.to_string()).unwrap_or_default()
                        };
                        (k.clone(), end(&r[0]), end(&r[1]))
                    })
                    .collect()
            })
            .unwrap_or_default();
        cases.push((ranges, v["expr"].as_str().unwrap().to_string()));
    }
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    for _ in 0..n {
        for (ranges, expr) in &cases {
            let mut cx = Context::new();
            for (name, lo, hi) in ranges {
                cx.set_range_str(name, lo, hi).unwrap();
            }
            let e = cx.parse(expr).unwrap();
            let s = cx.simplify(e);
            std::hint::black_box(cx.display(s));
        }
    }
}
