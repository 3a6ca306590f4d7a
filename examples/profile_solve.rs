//! Solves the binding shapes in a loop (for `perf record`).
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
    let rels: Vec<sym::Expr> = shapes.iter().map(|t| cx.parse(t).unwrap()).collect();
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100000);
    for _ in 0..n {
        for r in &rels {
            std::hint::black_box(cx.solve(*r, s));
        }
    }
}
