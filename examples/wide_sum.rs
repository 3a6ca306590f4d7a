//! A sum of 1000 terms over 60 symbols with ranges (pytorch issue 181275's shape), timed.
use std::time::Instant;
use sym::Context;

fn main() {
    let mut cx = Context::new();
    for i in 0..60 {
        cx.set_range_str(&format!("s{i}"), "1", "4096").unwrap();
    }
    let mut terms = Vec::new();
    for k in 0..1000 {
        let (a, b) = (k % 60, (k * 7 + 3) % 60);
        terms.push(format!("{}*s{a}*s{b}", (k % 13) + 1));
    }
    let text = format!(
        "ModularIndexing({} + 138560, 160, 930) + FloorDiv({}, 64)",
        terms.join(" + "),
        terms[..500].join(" + ")
    );
    let e = cx.parse(&text).unwrap();
    let t = Instant::now();
    let s = cx.simplify(e);
    let dt = t.elapsed();
    println!(
        "simplified a {}-node expression in {:?} (result size {})",
        cx.size(e),
        dt,
        cx.size(s)
    );
}
