//! Runs simplify and bound over the public corpus in a loop (for `perf record`).
use sym::Context;

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/index_exprs.jsonl");
    let text = std::fs::read_to_string(path).expect("corpus");
    let mut cases = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut cx = Context::new();
        for (k, r) in v["ranges"].as_object().unwrap() {
            cx.set_range_str(k, &r[0].to_string(), &r[1].to_string().replace("null", ""))
                .unwrap();
        }
        let e = cx.parse(v["expr"].as_str().unwrap()).unwrap();
        cases.push((cx, e, v["op"] == "bound"));
    }
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20000);
    for _ in 0..n {
        for (cx, e, is_bound) in cases.iter_mut() {
            if std::env::var("ONLY_SIMPLIFY").is_err()
                && (*is_bound || std::env::var("ONLY_BOUND").is_ok())
            {
                std::hint::black_box(cx.bound(*e));
            } else {
                std::hint::black_box(cx.simplify(*e));
            }
        }
    }
}
