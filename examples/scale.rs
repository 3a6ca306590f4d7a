//! The scale curve of docs/limits.md: parse, simplify, bound and print of expressions from 10
//! to 10^6 nodes, in four shapes (a sum of products, a sum of FloorDiv/Mod terms, a
//! FloorDiv/Mod chain nested 1000 deep inside such a sum, one product of distinct symbols),
//! each on a fresh context with
//! ranges on its symbols. A sum of products of symbols is already in normal form, so its
//! simplify is a check of that (no rewriting). Prints one Markdown row per size and shape (milliseconds, and
//! nanoseconds per node). `cargo run --release --example scale [MAX_NODES]`.

use std::time::Instant;
use sym::Context;

/// The text of an expression of about `n` nodes in shape `shape`, and its symbols.
fn text(shape: &str, n: usize) -> (String, usize) {
    // Symbols cycle through 64 names, as real index expressions reuse a few sizes.
    let syms = 64;
    match shape {
        // x_i*y_j: 3 nodes per term (the product and its two symbols are shared after the first).
        "sum of products" => {
            let terms = (n / 2).max(1);
            let t: Vec<String> = (0..terms)
                .map(|i| format!("{}*x{}*y{}", i % 7 + 1, i % syms, (i / syms) % 4096))
                .collect();
            (t.join(" + "), syms + 4096.min(terms / syms + 1))
        }
        // FloorDiv(Mod(x_i, 64) + 3*y_j, 4): about 6 nodes per term.
        "FloorDiv/Mod terms" => {
            let terms = (n / 6).max(1);
            let t: Vec<String> = (0..terms)
                .map(|i| {
                    format!(
                        "FloorDiv(Mod(x{}, 64) + 3*y{} + {i}, 4)",
                        i % syms,
                        i % 4096
                    )
                })
                .collect();
            (t.join(" + "), syms + 4096.min(terms))
        }
        // x0*x1*...: one product of distinct symbols (its factors are sorted by name: n log n).
        "product of symbols" => {
            let t: Vec<String> = (0..n.max(2))
                .map(|i| {
                    if i < syms {
                        format!("x{i}")
                    } else {
                        format!("y{}", i - syms)
                    }
                })
                .collect();
            (t.join("*"), n.max(2))
        }
        // Chains Mod(FloorDiv(... , 2), 1000) nested 1000 deep, summed.
        _ => {
            let depth = 1000.min(n.max(2) / 2);
            let chains = (n / (2 * depth)).max(1);
            let t: Vec<String> = (0..chains)
                .map(|c| {
                    let mut s = format!("x{}", c % syms);
                    for k in 0..depth {
                        s = if k % 2 == 0 {
                            format!("FloorDiv({s} + y{}, 2)", c % 4096)
                        } else {
                            format!("Mod({s}, 1000)")
                        };
                    }
                    s
                })
                .collect();
            (t.join(" + "), syms + 4096.min(chains))
        }
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let max: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    println!(
        "| shape | size (operations) | parse ms | simplify ms | bound ms | print ms | simplify ns per operation |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for shape in [
        "sum of products",
        "FloorDiv/Mod terms",
        "nested FloorDiv/Mod",
        "product of symbols",
    ] {
        let mut n = 10;
        while n <= max {
            let (src, nsyms) = text(shape, n);
            let mut cx = Context::new();
            // Ranges on the symbols the text uses (the x's first, then as many y's).
            for i in 0..64 {
                cx.set_range_str(&format!("x{i}"), "0", "1023").unwrap();
            }
            for j in 0..nsyms.saturating_sub(64) {
                cx.set_range_str(&format!("y{j}"), "0", "255").unwrap();
            }
            let t = Instant::now();
            let e = cx.parse(&src).expect("generated text parses");
            let parse = ms(t);
            let nodes = cx.size(e).max(1);
            let t = Instant::now();
            let s = cx.simplify(e);
            let simplify = ms(t);
            let t = Instant::now();
            let b = cx.bound(e);
            let bound = ms(t);
            let t = Instant::now();
            let out = cx.display(s);
            let print = ms(t);
            std::hint::black_box((b, out));
            println!(
                "| {shape} | {nodes} | {parse:.2} | {simplify:.2} | {bound:.2} | {print:.2} | {:.0} |",
                simplify * 1e6 / nodes as f64
            );
            n *= 10;
        }
    }
}
