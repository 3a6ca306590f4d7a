//! One test per resource limit of docs/limits.md: what the limit is, what a query that reaches
//! it answers (the unsimplified input or "unknown", never a hang), and how long it takes (printed;
//! `cargo test --test limits -- --nocapture` shows the times). The time bounds asserted are
//! generous (a loaded 2-core CI machine); the printed times are the measurement.

use std::time::{Duration, Instant};
use sym::{Context, Truth};

fn timed<T>(name: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    let took = t.elapsed();
    eprintln!("{name}: {:.1} ms", took.as_secs_f64() * 1e3);
    (r, took)
}

/// Expansion blow-up: a power of a sum is never expanded, and a product of sums is expanded
/// only when the result has at most 64 terms (and provably no new overflow).
#[test]
fn expansion_is_bounded() {
    let mut cx = Context::new();
    for s in [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    ] {
        cx.set_range_str(s, "0", "100").unwrap();
    }
    // (a + b + c)**40 would have 861 terms with coefficients up to 40!/(13!^3 * 14): it stays.
    let e = cx.parse("(a + b + c)**40").unwrap();
    let (s, took) = timed("(a + b + c)**40", || cx.simplify(e));
    assert_eq!(cx.display(s), "(a + b + c)**40");
    assert!(took < Duration::from_secs(5));

    // A product of k binomials minus its expansion (2^k terms) is 0: found while the expansion
    // has at most 64 terms (k = 6), not past that (k = 7: unexpanded, sound but not 0).
    for (k, expanded) in [(6, true), (7, false)] {
        let vars: Vec<[&str; 2]> = [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"], ["i", "j"]]
            .into_iter()
            .chain([["k", "l"], ["m", "n"]])
            .take(k)
            .collect();
        let product: Vec<String> = vars.iter().map(|[x, y]| format!("({x} + {y})")).collect();
        let terms: Vec<String> = (0..1u32 << k)
            .map(|bits| {
                let f: Vec<&str> = (0..k)
                    .map(|i| vars[i][((bits >> i) & 1) as usize])
                    .collect();
                f.join("*")
            })
            .collect();
        let text = format!("{} - ({})", product.join("*"), terms.join(" + "));
        let e = cx.parse(&text).unwrap();
        let name = format!("product of {k} binomials minus its {} terms", 1 << k);
        let (s, took) = timed(&name, || cx.simplify(e));
        assert_eq!(
            cx.as_int(s) == Some(0),
            expanded,
            "{name}: {}",
            cx.display(s)
        );
        assert!(took < Duration::from_secs(10));
    }

    // Unbounded symbols: expanding (x + 1)*(y + 1) would compute x*y, which can overflow where
    // the product does not (x = -1): unexpanded.
    let e = cx.parse("(x + 1)*(y + 1)").unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), "(x + 1)*(y + 1)");
}

/// Expression size: no fixed limit; every pass is iterative and linear (or n log n) in the
/// number of nodes, so a 10^6-term sum and a 10^5-deep nesting are answered.
#[test]
fn large_expressions_take_linear_time() {
    let mut cx = Context::new();
    // 10^6 terms: `bound` took about 280 s here (a linear `contains` over the symbols in
    // free_symbols and single_use), now about 1 s.
    let n = 1_000_000;
    let text: String = (0..n)
        .map(|i| format!("{}*x{}", i % 7 + 1, i))
        .collect::<Vec<_>>()
        .join(" + ");
    let (e, t_parse) = timed("parse a 10^6-term sum", || cx.parse(&text).unwrap());
    let (s, t_simp) = timed("simplify it", || cx.simplify(e));
    assert_eq!(s, e, "a plain polynomial is its own simplification");
    let (b, t_bound) = timed("bound it", || cx.bound(e));
    assert_eq!(b.to_string(), "[-oo, oo]");
    let (p, t_print) = timed("print it", || cx.display(e));
    assert_eq!(cx.parse(&p).unwrap(), e);
    for t in [t_parse, t_simp, t_bound, t_print] {
        assert!(t < Duration::from_secs(60));
    }

    let mut cx = Context::new();
    cx.set_range_str("x", "0", "").unwrap();
    let depth = 100_000;
    let deep = format!("{}x{}", "FloorDiv(".repeat(depth), ", 2)".repeat(depth));
    let e = cx.parse(&deep).unwrap();
    let (s, took) = timed("simplify 10^5 nested FloorDiv(., 2)", || cx.simplify(e));
    // Nested divisions merge while the product of the divisors fits in i64 (2^62), then stay.
    assert!(cx.size(s) < cx.size(e), "{}", cx.size(s));
    assert!(took < Duration::from_secs(60));
}

/// Rewrite and proof work: analyses nested inside analyses stop at `MAX_NEST` (12) levels and
/// after `PROOF_WORK` (4096) symbolic substitutions per query, answering "unknown" (sound).
/// Cyclic facts (each symbol bounded by the next, the last by the first) and long chains reach
/// those limits; the answer comes quickly.
#[test]
fn proof_work_is_bounded() {
    let mut cx = Context::new();
    let n = 2000;
    // A chain of ranges s_i in [0, s_(i-1)] (ranges are acyclic) closed into a cycle by an
    // assumption s0 <= s1999.
    cx.set_range_str("s0", "0", "").unwrap();
    for i in 1..n {
        cx.set_range_str(&format!("s{i}"), "0", &format!("s{}", i - 1))
            .unwrap();
    }
    let a = cx.parse_bool("s0 <= s1999").unwrap();
    cx.assume(a).unwrap();
    let p = cx.parse_bool("s0 <= s1999 + s1000*s3").unwrap();
    let (t, took) = timed("prove over a 2000-cycle of ranges", || {
        cx.prove(p).expect("a predicate")
    });
    assert_ne!(t, Truth::False);
    assert!(took < Duration::from_secs(30));
    let e = cx.parse("FloorDiv(s0 + s1, s2) + Mod(s3, s4 + 1)").unwrap();
    let (_, took) = timed("simplify over the cycle", || cx.simplify(e));
    assert!(took < Duration::from_secs(30));

    // A chain of assumptions, each relating two symbols.
    let mut cx = Context::new();
    for i in 0..500 {
        let a = cx.parse_bool(&format!("t{i} <= t{} + 1", i + 1)).unwrap();
        cx.assume(a).unwrap();
    }
    let p = cx.parse_bool("t0 <= t500 + 500").unwrap();
    let (t, took) = timed("prove along 500 chained assumptions", || {
        cx.prove(p).expect("a predicate")
    });
    assert_ne!(t, Truth::False, "it holds");
    assert!(took < Duration::from_secs(30));
}

/// The solver's answer forks at most `MAX_CASES` (8) ways; past that it answers "unsolved".
#[test]
fn solver_cases_are_bounded() {
    let mut cx = Context::new();
    let rel = cx
        .parse_bool("a*b*c*d*x + a*x + b*x + c*x + d*x < e*f*g")
        .unwrap();
    let x = cx.symbol("x").unwrap();
    let (r, took) = timed("solve with symbolic coefficients", || {
        cx.solve_with_cases(rel, x)
    });
    if let sym::SolveResult::Solved(sol) = &r {
        assert!(sol.cases.len() <= 8, "{} cases", sol.cases.len());
    }
    assert!(took < Duration::from_secs(30));
}

/// A context's memory: every distinct expression interned stays until the context is dropped or
/// cleared (`Context::clear`); equal expressions are interned once. A long-lived context that
/// interns millions of expressions is bounded by clearing it between unrelated queries.
#[test]
fn context_memory_is_bounded_by_clearing() {
    let mut cx = Context::new();
    let (_, took) = timed("intern 10^6 distinct sums", || {
        for i in 0..1_000_000i64 {
            let _ = cx.parse(&format!("x + {i}")).unwrap();
        }
    });
    let grown = cx.node_count();
    assert!(grown >= 1_000_000, "{grown}");
    assert!(took < Duration::from_secs(60));
    // The same expressions again: hash-consed, nothing new.
    for i in 0..1000i64 {
        let _ = cx.parse(&format!("x + {i}")).unwrap();
    }
    assert_eq!(cx.node_count(), grown);
    cx.clear();
    assert_eq!(cx.node_count(), 0);
    let e = cx.parse("x + x").unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), "2*x");
    assert!(cx.node_count() < 64, "{}", cx.node_count());
}

/// Query time has no clock-based limit: the limits above bound the work per query, which grows
/// with the input's size. A mix of the corpus's shapes, each answered in well under a second.
#[test]
fn query_time_of_typical_and_adversarial_queries() {
    let cases = [
        "ModularIndexing(x0 + 64*x1, 1, 64) + 64*ModularIndexing(x0 + 64*x1, 64, 128)",
        "Min(Max(a, b), Max(c, Min(a, d)), Max(Min(b, c), d))",
        "FloorDiv(FloorDiv(FloorDiv(x, 3), 5) + Mod(x, 7)*11, 13)",
        "Mod(Mod(Mod(x*y*z + 9223372036854775807, 1024), 256), 3)",
        "CeilDiv(x - 9223372036854775807, -9223372036854775808)",
    ];
    for c in cases {
        let mut cx = Context::new();
        for s in ["x0", "x1", "a", "b", "c", "d"] {
            cx.set_range_str(s, "0", "127").unwrap();
        }
        let e = cx.parse(c).unwrap();
        let (_, took) = timed(c, || {
            let s = cx.simplify(e);
            let _ = cx.bound(s);
            let _ = cx.display(s);
        });
        assert!(took < Duration::from_secs(5));
    }
}
