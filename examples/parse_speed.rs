//! Parse time per expression over a JSON Lines file of requests (each line's `expr`), the
//! way a whole request pays it: a cleared context, then `parse`. Prints the median over
//! expressions of each expression's median time, for all of them and for those of 40 to 60
//! characters (issue 11's "a 50-character index expression"), the same text parsed again in
//! the context that parsed it (a compiler's repeated question: the context's memo of parsed
//! texts answers), the text parsed in a context that has its symbols already (declared
//! before, as a request's ranges declare them: the parse then makes no symbol), and the print
//! time of the parsed form. `cargo run --release --example parse_speed -- requests.jsonl`.
//!
//! With `--loop N` it only parses every distinct expression into a cleared context, N rounds,
//! reading no clock: for `valgrind --tool=callgrind --toggle-collect='sym::parse::<impl
//! sym::Context>::parse'`, exact instruction counts of parsing alone.
use std::hint::black_box;
use std::time::Instant;
use sym::Context;

fn median_ns(mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..50 {
                f();
            }
            t.elapsed().as_nanos() as f64 / 50.0
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("a JSON Lines file of requests");
    let rounds: Option<usize> = match args.get(1).map(String::as_str) {
        Some("--loop") => Some(
            args.get(2)
                .and_then(|n| n.parse().ok())
                .expect("--loop N: a number of rounds"),
        ),
        Some(other) => panic!("unknown argument {other:?} (expected --loop N)"),
        None => None,
    };
    let text = std::fs::read_to_string(path).expect("readable file");
    let mut exprs: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["expr"].as_str().map(str::to_string))
        .collect();
    exprs.sort();
    exprs.dedup();
    let mut cx = Context::new();
    if let Some(rounds) = rounds {
        let mut ok = 0usize;
        for _ in 0..rounds {
            for e in &exprs {
                cx.clear();
                ok += usize::from(black_box(cx.parse(e)).is_ok());
            }
        }
        println!(
            "{} expressions, {rounds} rounds, {ok} parses succeeded",
            exprs.len()
        );
        return;
    }
    let (mut all, mut mid, mut print) = (Vec::new(), Vec::new(), Vec::new());
    let (mut again_mid, mut declared_mid) = (Vec::new(), Vec::new());
    for e in &exprs {
        cx.clear();
        let Ok(x) = cx.parse(e) else { continue };
        // Its symbols' names (for the parse whose symbols exist, below).
        let names: Vec<String> = cx
            .free_symbols(x)
            .into_iter()
            .map(|s| cx.sym_name(s).to_string())
            .collect();
        print.push(median_ns(|| drop(black_box(cx.display(x)))));
        let t = median_ns(|| {
            cx.clear();
            let _ = black_box(cx.parse(e));
        });
        all.push(t);
        if (40..=60).contains(&e.len()) {
            mid.push(t);
            // The context holds the text's expression (parsed twice: kept the second time).
            cx.clear();
            let _ = cx.parse(e);
            let _ = cx.parse(e);
            again_mid.push(median_ns(|| {
                let _ = black_box(cx.parse(black_box(e)));
            }));
            // Its symbols declared first (a compiler's shape symbols, declared with their
            // ranges before the expressions over them are read): the context brought back
            // to that point, then the parse.
            cx.clear();
            for n in &names {
                let _ = cx.symbol(n);
            }
            if let Some(m) = cx.facts_mark() {
                declared_mid.push(median_ns(|| {
                    cx.back_to_facts(&m);
                    let _ = black_box(cx.parse(black_box(e)));
                }));
            }
        }
    }
    println!(
        "{} expressions: parse median {:.0} ns; 40-60 characters ({}): {:.0} ns, parsed again in \
         the same context {:.0} ns, its symbols declared before {:.0} ns; print median {:.0} ns",
        all.len(),
        median(all.clone()),
        mid.len(),
        median(mid),
        median(again_mid),
        median(declared_mid),
        median(print)
    );
}
