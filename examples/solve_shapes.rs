//! Per-shape solve timings (medians of 31 batches of 2000).
use std::time::Instant;
use sym::Context;

fn main() {
    let shapes = [
        "Eq(2*s + 1, n)",
        "Eq(s - 2, n)",
        "Eq(4*s, n)",
        "Eq(s*t, n)",
        "Eq(FloorDiv(s, 2), n)",
        "Eq(3*s + 2*t, n)",
    ];
    let mut cx = Context::new();
    cx.set_range_str("t", "2", "").unwrap();
    let s = cx.symbol("s").unwrap();
    for t in shapes {
        let r = cx.parse(t).unwrap();
        let mut v = Vec::new();
        for _ in 0..31 {
            let t0 = Instant::now();
            for _ in 0..2000 {
                std::hint::black_box(cx.solve(r, s));
            }
            v.push(t0.elapsed().as_nanos() as f64 / 2000.0);
        }
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!("{t:28} {:.0} ns", v[15]);
    }
}
