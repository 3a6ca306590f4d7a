//! Solves one relation in a loop (for `perf record`): `profile_solve N 'Eq(2*s + 1, n)'`.
use sym::Context;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100000);
    let text = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "Eq(2*s + 1, n)".into());
    let mut cx = Context::new();
    cx.set_range_str("t", "2", "").unwrap();
    let s = cx.symbol("s").unwrap();
    let r = cx.parse(&text).unwrap();
    for _ in 0..n {
        std::hint::black_box(cx.solve(r, s));
    }
}
