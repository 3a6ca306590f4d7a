//! Per-shape solve timings (medians of 31 batches of 2000): the default path, the same shapes
//! with every symbol a size (`>= 2`), and the general path without the lean shortcut.
use std::time::Instant;
use sym::{Context, Expr, Symbol};

fn median(cx: &mut Context, r: Expr, s: Symbol, general: bool) -> f64 {
    let mut v = Vec::new();
    for _ in 0..31 {
        let t0 = Instant::now();
        for _ in 0..2000 {
            if general {
                std::hint::black_box(cx.solve_general(r, s));
            } else {
                std::hint::black_box(cx.solve(r, s));
            }
        }
        v.push(t0.elapsed().as_nanos() as f64 / 2000.0);
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[15]
}

fn main() {
    let shapes = [
        "Eq(2*s + 1, n)",
        "Eq(s - 2, n)",
        "Eq(4*s, n)",
        "Eq(s*t, n)",
        "Eq(FloorDiv(s, 2), n)",
        "Eq(3*s + 2*t, n)",
    ];
    let mut plain = Context::new();
    plain.set_range_str("t", "2", "").unwrap();
    let mut sized = Context::new();
    for n in ["s", "t", "n"] {
        sized.set_range_str(n, "2", "").unwrap();
    }
    // Warm up (CPU frequency, allocator, interned constants).
    let (r, s) = (plain.parse(shapes[0]).unwrap(), plain.symbol("s").unwrap());
    median(&mut plain, r, s, false);
    println!(
        "{:28} {:>9} {:>11} {:>13}",
        "shape", "solve", "sizes >= 2", "general path"
    );
    for t in shapes {
        let (r, s) = (plain.parse(t).unwrap(), plain.symbol("s").unwrap());
        let (r2, s2) = (sized.parse(t).unwrap(), sized.symbol("s").unwrap());
        let a = median(&mut plain, r, s, false);
        let b = median(&mut sized, r2, s2, false);
        let c = median(&mut plain, r, s, true);
        println!("{t:28} {a:>6.0} ns {b:>8.0} ns {c:>10.0} ns");
    }
}
