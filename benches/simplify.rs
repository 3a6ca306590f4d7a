//! Criterion benches over the public corpus (`../shared/corpus/public/index_exprs.jsonl`):
//! simplify with ranges, bound, and the binding-shape solves of the solver issue.
//! After criterion's runs, a per-expression median table is printed (the peers' harness reports
//! medians of per-expression medians, so the numbers line up with `reference/peers.md`).

use criterion::{Criterion, black_box};
use std::time::{Duration, Instant};
use sym::{Context, RangeEnd};

struct Case {
    id: String,
    expr: String,
    ranges: Vec<(String, Option<i64>, Option<i64>)>,
}

fn corpus() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/public/index_exprs.jsonl"
    );
    let local = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/index_exprs.jsonl");
    let text = std::fs::read_to_string(path)
        .or_else(|_| std::fs::read_to_string(local))
        .expect("corpus");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["op"] != "simplify" {
            continue;
        }
        let ranges = v["ranges"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, r)| (k.clone(), r[0].as_i64(), r[1].as_i64()))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Case {
            id: v["id"].as_str().unwrap().into(),
            expr: v["expr"].as_str().unwrap().into(),
            ranges,
        });
    }
    out
}

fn setup(c: &Case) -> (Context, sym::Expr) {
    let mut cx = Context::new();
    for (n, lo, hi) in &c.ranges {
        let s = cx.symbol(n).unwrap();
        let lo = lo.map_or(RangeEnd::Infinite, |v| RangeEnd::Expr(cx.int(v)));
        let hi = hi.map_or(RangeEnd::Infinite, |v| RangeEnd::Expr(cx.int(v)));
        cx.set_range(s, lo, hi).unwrap();
    }
    let e = cx.parse(&c.expr).unwrap();
    (cx, e)
}

fn median_ns(mut f: impl FnMut()) -> f64 {
    let mut samples = Vec::with_capacity(31);
    for _ in 0..31 {
        let t = Instant::now();
        let n = 200;
        for _ in 0..n {
            f();
        }
        samples.push(t.elapsed().as_nanos() as f64 / n as f64);
    }
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[samples.len() / 2]
}

fn main() {
    let cases = corpus();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    c.bench_function("simplify_with_ranges/corpus (all 33, per iteration)", |b| {
        let mut prepared: Vec<(Context, sym::Expr)> = cases.iter().map(setup).collect();
        b.iter(|| {
            for (cx, e) in prepared.iter_mut() {
                black_box(cx.simplify(*e));
            }
        })
    });
    c.bench_function("bound/corpus (all 33, per iteration)", |b| {
        let mut prepared: Vec<(Context, sym::Expr)> = cases.iter().map(setup).collect();
        b.iter(|| {
            for (cx, e) in prepared.iter_mut() {
                black_box(cx.bound(*e));
            }
        })
    });
    c.bench_function(
        "request/corpus (fresh context + parse + simplify + print)",
        |b| {
            b.iter(|| {
                for case in &cases {
                    let (mut cx, e) = setup(case);
                    let s = cx.simplify(e);
                    black_box(cx.display(s));
                }
            })
        },
    );
    c.bench_function("parse/corpus (all 33 into one fresh context)", |b| {
        b.iter(|| {
            let mut cx = Context::new();
            for case in &cases {
                black_box(cx.parse(&case.expr).unwrap());
            }
        })
    });
    c.bench_function("print/corpus (all 33 simplified answers)", |b| {
        let prepared: Vec<(Context, sym::Expr)> = cases
            .iter()
            .map(|case| {
                let (mut cx, e) = setup(case);
                let s = cx.simplify(e);
                (cx, s)
            })
            .collect();
        b.iter(|| {
            for (cx, s) in &prepared {
                black_box(cx.display(*s));
            }
        })
    });
    let shapes = [
        "Eq(2*s + 1, n)",
        "Eq(s - 2, n)",
        "Eq(4*s, n)",
        "Eq(s*t, n)",
        "Eq(FloorDiv(s, 2), n)",
        "Eq(3*s + 2*t, n)",
    ];
    c.bench_function("solve/binding shapes (all 6, per iteration)", |b| {
        let mut cx = Context::new();
        cx.set_range_str("t", "2", "").unwrap();
        let s = cx.symbol("s").unwrap();
        let rels: Vec<sym::Expr> = shapes.iter().map(|t| cx.parse(t).unwrap()).collect();
        b.iter(|| {
            for r in &rels {
                black_box(cx.solve(*r, s));
            }
        })
    });
    c.final_summary();

    // Per-expression medians (the peers' metric).
    let mut simp = Vec::new();
    let mut bnd = Vec::new();
    for case in &cases {
        let (mut cx, e) = setup(case);
        simp.push((
            median_ns(|| {
                black_box(cx.simplify(e));
            }),
            case.id.clone(),
        ));
        bnd.push(median_ns(|| {
            black_box(cx.bound(e));
        }));
    }
    let mut solves = Vec::new();
    let mut solves_sized = Vec::new();
    let mut solves_general = Vec::new();
    {
        let mut cx = Context::new();
        cx.set_range_str("t", "2", "").unwrap();
        let s = cx.symbol("s").unwrap();
        for t in shapes {
            let r = cx.parse(t).unwrap();
            solves.push(median_ns(|| {
                black_box(cx.solve(r, s));
            }));
            solves_general.push(median_ns(|| {
                black_box(cx.solve_general(r, s));
            }));
        }
        // As codegen meets them: every symbol is a size with a lower bound.
        let mut cx = Context::new();
        for n in ["s", "t", "n"] {
            cx.set_range_str(n, "2", "").unwrap();
        }
        let s = cx.symbol("s").unwrap();
        for t in shapes {
            let r = cx.parse(t).unwrap();
            solves_sized.push(median_ns(|| {
                black_box(cx.solve(r, s));
            }));
        }
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let mut st: Vec<f64> = simp.iter().map(|x| x.0).collect();
    simp.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    println!(
        "\nper-expression medians over the public corpus ({} expressions)",
        cases.len()
    );
    println!(
        "  simplify with ranges: median {:.0} ns, p90 {:.0} ns",
        med(&mut st),
        st[st.len() * 9 / 10]
    );
    println!("  bound:                median {:.0} ns", med(&mut bnd));
    let worst = |v: &Vec<f64>| v.iter().cloned().fold(0.0, f64::max);
    println!(
        "  solve (6 shapes):     median {:.0} ns, slowest shape {:.0} ns",
        med(&mut solves.clone()),
        worst(&solves)
    );
    println!(
        "  solve, sizes >= 2:    median {:.0} ns, slowest shape {:.0} ns",
        med(&mut solves_sized.clone()),
        worst(&solves_sized)
    );
    println!(
        "  solve, general path:  median {:.0} ns, slowest shape {:.0} ns (no lean path)",
        med(&mut solves_general.clone()),
        worst(&solves_general)
    );
    println!(
        "  slowest simplify: {}",
        simp.iter()
            .take(3)
            .map(|(t, id)| format!("{id} {t:.0} ns"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}
