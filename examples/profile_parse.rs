//! Parses each distinct `expr` of a JSON Lines file of requests into a cleared context, in a
//! loop (for `valgrind --tool=callgrind`: exact instruction counts of parsing alone, where
//! `parse_speed` gives times). `cargo run --release --example profile_parse -- requests.jsonl [ROUNDS]`.
use std::hint::black_box;
use sym::Context;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("a JSON Lines file of requests");
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let text = std::fs::read_to_string(&path).expect("readable file");
    let mut exprs: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["expr"].as_str().map(str::to_string))
        .collect();
    exprs.sort();
    exprs.dedup();
    let mut cx = Context::new();
    let mut ok = 0usize;
    for _ in 0..rounds {
        for e in &exprs {
            cx.clear();
            ok += black_box(cx.parse(e)).is_ok() as usize;
        }
    }
    eprintln!("{} expressions, {ok} parses succeeded", exprs.len());
}
