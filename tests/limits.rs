//! One test per resource limit of docs/limits.md: what the limit is, what a query that reaches
//! it answers (the unsimplified input or "unknown", never a hang), and how long it takes (printed;
//! `cargo test --test limits -- --nocapture` shows the times). The time bounds asserted are
//! generous (a loaded 2-core CI machine); the printed times are the measurement.

use std::time::{Duration, Instant};
use sym::{Context, Expr, Truth};

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

/// Rewrite and proof work: analyses nested inside analyses stop at `nesting` (12) levels and
/// after `proof_work` (4096) symbolic substitutions per query (`sym::Limits` defaults),
/// answering "unknown" (sound).
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

/// The solver's answer forks at most `solve_cases` (8) ways; past that it answers "unsolved".
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

// ---------------------------------------------------------------------------------------------
// Limits a caller sets (`sym::Limits`, docs/limits.md "Limits a caller controls"): one test per
// limit, showing what reaching it answers and how long that takes.

use sym::{BuildError, Error, Limits, SolveResult, UnsolvedKind};

/// The defaults are the engine's behaviour without limits.
#[test]
fn default_limits_are_the_engine_without_limits() {
    let l = Limits::default();
    assert_eq!(l.input_nodes, usize::MAX);
    assert_eq!(l.context_nodes, usize::MAX);
    assert_eq!(l.context_operands, usize::MAX);
    assert_eq!(l.rewrite_steps, None);
    assert_eq!((l.proof_work, l.nesting), (4096, 12));
    assert_eq!((l.expand_terms, l.solve_cases), (64, 8));
    assert_eq!(l.time, None);
    assert_eq!(Context::new().limits(), &l);
    // By name (the CLI's spelling), with a suggestion for a misspelt one.
    let mut m = Limits::default();
    m.set("time_ms", 5).unwrap();
    m.set("input_nodes", 10).unwrap();
    assert_eq!(m.time, Some(Duration::from_millis(5)));
    assert_eq!(m.input_nodes, 10);
    // `unset`: none, where a limit can have none; an error where it cannot.
    m.unset("time_ms").unwrap();
    m.unset("input_nodes").unwrap();
    assert_eq!((m.time, m.input_nodes), (None, usize::MAX));
    assert!(
        m.unset("nesting")
            .unwrap_err()
            .to_string()
            .contains("no 'no limit'")
    );
    assert!(
        m.unset("tim_ms")
            .unwrap_err()
            .to_string()
            .contains("did you mean 'time_ms'")
    );
    m.set("time_ms", 5).unwrap();
    m.set("input_nodes", 10).unwrap();
    let err = m.set("time_mss", 5).unwrap_err().to_string();
    assert!(
        err.contains("unknown limit 'time_mss'; did you mean 'time_ms'?"),
        "{err}"
    );
    assert!(m.set("nesting", u64::MAX).is_err());
}

fn limit_name(e: &Error) -> &'static str {
    match e {
        Error::Limit { name, .. } => name,
        other => panic!("not a limit error: {other}"),
    }
}

/// `input_nodes`: parse and the builders refuse a larger input with `Error::Limit`, before
/// interning anything of it.
#[test]
fn input_nodes_refuses_larger_inputs() {
    let mut cx = Context::with_limits(Limits::default().with_input_nodes(1000));
    let sum = |n: usize| {
        (0..n)
            .map(|i| format!("x{i}"))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    // 500 symbols and 499 `+`: 999 nodes, accepted.
    let e = cx.parse(&sum(500)).unwrap();
    assert_eq!(cx.size(e), 499);
    let before = cx.node_count();
    let big = sum(1_000_000);
    let (r, took) = timed("parse a 10^6-term sum with input_nodes = 1000", || {
        cx.parse(&big)
    });
    let err = r.unwrap_err();
    assert_eq!(limit_name(&err), "input_nodes");
    assert_eq!(err.kind(), "limit");
    assert!(
        err.to_string()
            .contains("the expression has 1999999 operands and operators, the limit is 1000"),
        "{err}"
    );
    assert_eq!(
        cx.node_count(),
        before,
        "nothing of the refused input is kept"
    );
    assert!(took < Duration::from_secs(10));
    // Parentheses and commas are not nodes: 1000 nested FloorDiv(., 2) are 2001 nodes.
    let deep = format!("{}x{}", "FloorDiv(".repeat(1000), ", 2)".repeat(1000));
    assert_eq!(limit_name(&cx.parse(&deep).unwrap_err()), "input_nodes");
    // The builder counts the handles it makes.
    let r = cx.build(|b| {
        let mut acc = b.sym("y");
        for i in 0..2000 {
            acc = acc + i;
        }
        acc
    });
    match r {
        Err(BuildError::Limit(e)) => assert_eq!(limit_name(&e), "input_nodes"),
        other => panic!("{other:?}"),
    }
}

/// `context_nodes`: the memory of one context. Parsing refuses an input that would take the
/// context past the cap (keeping nothing of it); a query that would is stopped, drops what it
/// made and answers its input; `clear()` or `rollback` to a mark brings the context back.
#[test]
fn context_nodes_caps_the_memory_of_a_context() {
    let cap = 20_000;
    let mut cx = Context::with_limits(Limits::default().with_context_nodes(cap));
    // A long-lived context interning distinct expressions: refused at the cap, never beyond.
    let (refused, took) = timed("intern distinct sums up to a 20000-node cap", || {
        let mut i = 0i64;
        loop {
            match cx.parse(&format!("x + {i}")) {
                Ok(_) => i += 1,
                Err(e) => break (i, e),
            }
        }
    });
    assert_eq!(limit_name(&refused.1), "context_nodes");
    assert!(cx.node_count() <= cap, "{}", cx.node_count());
    assert!(refused.0 > 9000, "{}", refused.0);
    assert!(took < Duration::from_secs(10));
    // The reset patterns: clear() (every handle invalid) ...
    cx.clear();
    assert_eq!(cx.limits().context_nodes, cap, "clear keeps the limits");
    // ... or a mark taken after the facts, rolled back after each batch of queries.
    cx.set_range_str("s0", "1", "4096").unwrap();
    let base = cx.mark();
    for k in 1..2000 {
        let e = cx
            .parse(&format!("FloorDiv({k}*s0 + {k}, s0 + 1)"))
            .unwrap();
        let s = cx.simplify(e);
        assert_eq!(cx.display(s), k.to_string());
        cx.rollback(base).unwrap();
    }
    assert!(cx.node_count() < 64);

    // A query that needs more nodes than are left: stopped, its nodes dropped, the input back.
    let mut cx = Context::new();
    for s in ["a", "b", "c", "d", "e", "f"] {
        cx.set_range_str(s, "0", "100").unwrap();
    }
    let text = "(a + b)*(c + d)*(e + f)*(a + c)*(b + d)*(c + e) - 7";
    let e = cx.parse(text).unwrap();
    let n = cx.node_count();
    cx.set_limits(Limits::default().with_context_nodes(n + 50));
    let (s, took) = timed("simplify that needs more nodes than the cap leaves", || {
        cx.simplify(e)
    });
    assert_eq!(s, e, "the input, unchanged");
    assert_eq!(limit_name(cx.limit_reached().unwrap()), "context_nodes");
    assert_eq!(cx.node_count(), n, "the query's nodes are dropped");
    assert!(took < Duration::from_secs(5));
    assert_eq!(
        limit_name(&cx.try_simplify(e).unwrap_err()),
        "context_nodes"
    );
    // The next query finishes: nothing is reported, also where the input is its own
    // simplification (answered without a session) or a symbol.
    for text in ["a*b + 3", "a", "7"] {
        cx.simplify(e);
        assert!(cx.limit_reached().is_some());
        let small = cx.parse(text).unwrap();
        assert_eq!(cx.try_simplify(small), Ok(small), "{text}");
        assert!(cx.limit_reached().is_none(), "{text}");
    }
    // Without the cap it expands (64 terms) and finishes.
    cx.set_limits(Limits::default());
    let s = cx.simplify(e);
    assert!(cx.limit_reached().is_none());
    assert!(cx.node_count() > n + 50);
    let _ = s;
}

/// `context_operands`: the memory that grows with the nodes' sizes, which `context_nodes` does
/// not bound. A product built one factor at a time holds `1 + 2 + ... + n` operands; the parse
/// that would take the context past the cap is refused (nothing kept), the builder refuses, a
/// query past it stops with its input; `operand_count` goes back down with a rollback; the
/// same product built in one step (`mul_all`) fits.
#[test]
fn context_operands_caps_what_nodes_hold() {
    let cap = 200_000;
    let mut cx = Context::with_limits(Limits::default().with_context_operands(cap));
    let xs: Vec<Expr> = (0..2000)
        .map(|i| {
            let s = cx.symbol(&format!("x{i}")).unwrap();
            cx.sym(s)
        })
        .collect();
    // One factor at a time with the operators (which do not check limits), asking
    // `over_limits` as a front end does: refused near sqrt(2 * cap) factors.
    let mut p = xs[0];
    let mut n = 1;
    let err = loop {
        let mark = cx.mark();
        let q = cx.mul(p, xs[n]).unwrap();
        if let Some(e) = cx.over_limits() {
            cx.rollback(mark).unwrap();
            break e;
        }
        p = q;
        n += 1;
    };
    assert_eq!(limit_name(&err), "context_operands");
    assert!((600..=640).contains(&n), "{n}");
    assert!(cx.operand_count() <= cap);
    // Parsing past the cap: refused, nothing of it kept.
    let before = (cx.node_count(), cx.operand_count());
    let text: Vec<String> = (0..2000).map(|i| format!("x{i}")).collect();
    let sum = text.join(" + ");
    let err = cx.parse(&sum).unwrap_err();
    assert_eq!(limit_name(&err), "context_operands", "{err}");
    assert_eq!((cx.node_count(), cx.operand_count()), before);
    // The builder refuses too.
    let built = cx.build(|b| {
        let mut acc = b.int(0);
        for i in 0..2000 {
            acc = acc + b.sym(&format!("x{i}"));
        }
        acc
    });
    assert!(matches!(built, Err(BuildError::Limit(ref e)) if limit_name(e) == "context_operands"));
    // A query while beyond it: stopped, its input back.
    let mut big = Context::with_limits(Limits::default());
    let e = big
        .parse(&format!("{sum} + FloorDiv(2*x0 + 2, 2)"))
        .unwrap();
    big.set_limits(Limits::default().with_context_operands(big.operand_count() - 1));
    assert_eq!(big.simplify(e), e);
    assert_eq!(limit_name(big.limit_reached().unwrap()), "context_operands");
    // A rollback gives the operands back; in one step the whole product fits.
    let mut cx = Context::with_limits(Limits::default().with_context_operands(cap));
    let base = cx.mark();
    let ys: Vec<Expr> = (0..2000)
        .map(|i| cx.parse(&format!("y{i} + 1")).unwrap())
        .collect();
    let all = cx.mul_all(&ys).unwrap();
    assert_eq!(cx.free_symbols(all).len(), 2000);
    assert!(cx.over_limits().is_none());
    assert_eq!(cx.operand_count(), 4000); // each y + 1 has one term, the product 2000 factors
    cx.rollback(base).unwrap();
    assert_eq!(cx.operand_count(), 0);
}

/// `time`: a deadline per query, checked every `sym::TICK` steps (no clock read per node). A
/// query past it is stopped: simplify answers its input, prove `unknown`, bound the whole
/// range, solve `Unsolved` (kind `Limit`); `limit_reached()` says why; the nodes it made are
/// dropped.
#[test]
fn time_limit_stops_a_query() {
    let depth = 100_000;
    let deep = format!("{}x{}", "FloorDiv(".repeat(depth), ", 3)".repeat(depth));
    let mut cx = Context::new();
    cx.set_range_str("x", "0", "").unwrap();
    let e = cx.parse(&deep).unwrap();
    // Without a limit (measured for comparison).
    let mut free = cx.clone();
    let (s, t_free) = timed("simplify 10^5 nested FloorDiv(., 3), no time limit", || {
        free.simplify(e)
    });
    assert_ne!(s, e);
    for ms in [1u64, 10] {
        let n = cx.node_count();
        cx.set_limits(Limits::default().with_time(Duration::from_millis(ms)));
        let (s, took) = timed(&format!("the same with a {ms} ms limit"), || cx.simplify(e));
        assert_eq!(s, e, "the input, unchanged");
        let why = cx.limit_reached().unwrap();
        assert_eq!(limit_name(why), "time");
        assert!(
            why.to_string().contains(&format!("limit of {ms} ms")),
            "{why}"
        );
        assert_eq!(cx.node_count(), n, "the query's nodes are dropped");
        // Generous: the check runs every 64 steps; a loaded machine.
        assert!(took < Duration::from_millis(ms + 500), "{took:?}");
        assert!(took < t_free || t_free < Duration::from_millis(ms + 20));
    }
    // bound, prove and solve of the same input.
    let (b, took) = timed("bound with a 10 ms limit", || cx.bound(e));
    if cx.limit_reached().is_some() {
        assert_eq!(b.to_string(), "[-oo, oo]");
    }
    assert!(took < Duration::from_secs(2));
    // Against x, not 0: `e >= 0` is decided by the intervals of its two sides in one pass,
    // which may end before the limit.
    let p = cx.build(|b| b.expr(e).ge(b.sym("x"))).unwrap();
    let (t, took) = timed("prove with a 10 ms limit", || {
        cx.prove(p).expect("a predicate")
    });
    assert_eq!(t, Truth::Unknown);
    assert_eq!(limit_name(cx.limit_reached().unwrap()), "time");
    assert!(took < Duration::from_secs(2));
    let y = cx.symbol("y").unwrap();
    let rel = cx.build(|b| b.eq(b.var(y), e)).unwrap();
    let (r, took) = timed("solve with a 10 ms limit", || cx.solve(rel, y));
    match r {
        SolveResult::Unsolved(u) => {
            assert_eq!(u.kind, UnsolvedKind::Limit);
            assert!(u.message.contains("limit 'time' reached"), "{}", u.message);
        }
        SolveResult::Solved(_) => assert!(cx.limit_reached().is_none()),
    }
    assert!(took < Duration::from_secs(2));
    // A typical query under a limit finishes as without one.
    let mut cx = Context::with_limits(Limits::default().with_time(Duration::from_millis(50)));
    cx.set_range_str("x0", "0", "63").unwrap();
    cx.set_range_str("x1", "0", "127").unwrap();
    let e = cx.parse("FloorDiv(x0 + 64*x1, 64)").unwrap();
    let s = cx.simplify(e);
    assert!(cx.limit_reached().is_none());
    assert_eq!(cx.display(s), "x1");
}

/// `rewrite_steps`: the rewrites of one simplification. Past it the rules stop firing and the
/// answer is less simplified, still equal to the input (never an error).
#[test]
fn rewrite_steps_limit_leaves_the_answer_less_simplified() {
    let text =
        "FloorDiv(FloorDiv(FloorDiv(x, 2), 3), 5) + Mod(Mod(x, 12), 4) + FloorDiv(8*x + 4, 8)";
    let mut answers = Vec::new();
    for steps in [0usize, 1, 2, 1000] {
        let mut cx = Context::with_limits(Limits::default().with_rewrite_steps(steps));
        cx.set_range_str("x", "0", "").unwrap();
        let e = cx.parse(text).unwrap();
        let (s, _) = timed(&format!("simplify with rewrite_steps = {steps}"), || {
            cx.simplify(e)
        });
        assert!(cx.limit_reached().is_none(), "not an interruption");
        for v in 0..200 {
            let at = [("x", sym::Value::Int(v))];
            assert_eq!(cx.eval(s, &at), cx.eval(e, &at), "x = {v}");
        }
        answers.push((steps, cx.size(s), cx.display(s)));
    }
    eprintln!("{answers:#?}");
    // No step: the input as parsed; a few steps: in between; enough steps: the default answer.
    let mut cx = Context::new();
    cx.set_range_str("x", "0", "").unwrap();
    let e = cx.parse(text).unwrap();
    let full = cx.simplify(e);
    assert_eq!(answers[0].2, cx.display(e));
    assert_eq!(answers[3].2, cx.display(full));
    assert!(
        answers[0].1 > answers[1].1 && answers[1].1 >= answers[3].1,
        "{answers:?}"
    );
}

/// `proof_work`: symbolic substitutions of the prover per query. With none, proofs use plain
/// intervals: `x0 < s0` with `x0 <= s0 - 1` is `unknown` instead of `true` (sound).
#[test]
fn proof_work_limit_answers_unknown() {
    for (work, want) in [(4096u32, Truth::True), (0, Truth::Unknown)] {
        let mut cx = Context::with_limits(Limits::default().with_proof_work(work));
        cx.set_range_str("s0", "1", "").unwrap();
        cx.set_range_str("x0", "0", "s0 - 1").unwrap();
        let p = cx.parse_bool("x0 < s0").unwrap();
        let (t, _) = timed(&format!("prove x0 < s0 with proof_work = {work}"), || {
            cx.prove(p).expect("a predicate")
        });
        assert_eq!(t, want);
        assert!(cx.limit_reached().is_none());
    }
}

/// `nesting`: analyses inside analyses. At 0 the prover does not simplify the differences it
/// bounds, so fewer facts are proven: `x0 < s0` with `x0 <= s0 - 1` is `unknown` (sound);
/// rules whose side conditions intervals prove still fire.
#[test]
fn nesting_limit_answers_unknown_inside() {
    let text = "FloorDiv(x0 + 64*x1, 64)";
    let mut sizes = Vec::new();
    for nest in [12u32, 0, 1000] {
        // Each level costs stack: above MAX_NESTING it is taken as MAX_NESTING.
        let mut cx = Context::with_limits(Limits::default().with_nesting(nest));
        cx.set_range_str("s0", "1", "").unwrap();
        cx.set_range_str("x0", "0", "s0 - 1").unwrap();
        cx.set_range_str("x1", "0", "").unwrap();
        let p = cx.parse_bool("x0 < s0").unwrap();
        let (t, _) = timed(&format!("prove x0 < s0 with nesting = {nest}"), || {
            cx.prove(p).expect("a predicate")
        });
        let e = cx.parse(text).unwrap();
        let s = cx.simplify(e);
        sizes.push((nest, t, cx.display(s)));
    }
    eprintln!("{sizes:?}");
    assert_eq!(sizes[0].1, Truth::True);
    assert_eq!(sizes[1].1, Truth::Unknown);
    // Above MAX_NESTING (32) is taken as 32: the same answers as the default here.
    assert_eq!(sizes[2].1, Truth::True);
    assert_eq!(sizes[0].2, sizes[2].2);
}

/// `expand_terms`: the largest expansion of a product of sums. A product of k binomials minus
/// its 2^k terms is 0 once the expansion is allowed 2^k terms, and stays (sound) below that.
#[test]
fn expand_terms_limit() {
    let binomials = |k: usize| {
        let vars: Vec<(String, String)> =
            (0..k).map(|i| (format!("a{i}"), format!("b{i}"))).collect();
        let product: Vec<String> = vars.iter().map(|(x, y)| format!("({x} + {y})")).collect();
        let terms: Vec<String> = (0..1u32 << k)
            .map(|bits| {
                (0..k)
                    .map(|i| {
                        if (bits >> i) & 1 == 1 {
                            vars[i].1.clone()
                        } else {
                            vars[i].0.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("*")
            })
            .collect();
        (
            format!("{} - ({})", product.join("*"), terms.join(" + ")),
            vars,
        )
    };
    for (k, limit, zero) in [
        (5, 32, true),
        (5, 16, false),
        (7, 128, true),
        (7, 64, false),
        (8, 256, true),
    ] {
        let (text, vars) = binomials(k);
        let mut cx = Context::with_limits(Limits::default().with_expand_terms(limit));
        for (x, y) in &vars {
            cx.set_range_str(x, "0", "100").unwrap();
            cx.set_range_str(y, "0", "100").unwrap();
        }
        let e = cx.parse(&text).unwrap();
        let (s, took) = timed(
            &format!("{k} binomials minus their 2^{k} terms, expand_terms = {limit}"),
            || cx.simplify(e),
        );
        assert_eq!(cx.as_int(s) == Some(0), zero, "{}", cx.display(s));
        assert!(took < Duration::from_secs(20));
    }
}

/// `solve_cases`: the cases of one solve answer. `a*b < 1` for `a` needs 3 (the sign of `b`);
/// with a limit of 2 it is `Unsolved` (kind `NeedsCases`) with the reason.
#[test]
fn solve_cases_limit() {
    for (limit, solved) in [(8usize, true), (3, true), (2, false)] {
        let mut cx = Context::with_limits(Limits::default().with_solve_cases(limit));
        let rel = cx.parse_bool("a*b < 1").unwrap();
        let a = cx.symbol("a").unwrap();
        let (r, _) = timed(
            &format!("solve a*b < 1 for a, solve_cases = {limit}"),
            || cx.solve_with_cases(rel, a),
        );
        match r {
            SolveResult::Solved(sol) => {
                assert!(solved, "{limit}");
                assert_eq!(sol.cases.len(), 3);
            }
            SolveResult::Unsolved(u) => {
                assert!(!solved, "{limit}: {}", u.message);
                assert_eq!(u.kind, UnsolvedKind::NeedsCases);
                assert!(u.message.contains("more than 2 cases"), "{}", u.message);
            }
        }
    }
}

/// A panic inside a query (here a handle of another context, which debug builds refuse with a
/// panic) does not leave the context inside the query: the next query starts with its own
/// deadline and answers in full.
#[test]
#[cfg(debug_assertions)]
fn a_panic_inside_a_query_does_not_leave_it_running() {
    let mut cx = Context::with_limits(Limits::default().with_time(Duration::from_millis(50)));
    let mut other = Context::new();
    let foreign = other.parse("FloorDiv(8*y + 4, 8)").unwrap();
    cx.set_range_str("x", "0", "").unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cx.simplify(foreign)));
    assert!(r.is_err(), "a foreign handle panics in debug builds");
    // Past the deadline of the query that panicked; the next one needs more than one check
    // (200 nested divisions: hundreds of steps) and well under its own 50 ms.
    std::thread::sleep(Duration::from_millis(60));
    let deep = format!("{}x{}", "FloorDiv(".repeat(200), ", 2)".repeat(200));
    let e = cx.parse(&deep).unwrap();
    let s = cx.simplify(e);
    assert!(cx.limit_reached().is_none(), "{:?}", cx.limit_reached());
    assert!(cx.size(s) < cx.size(e));
}
