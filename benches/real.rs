//! Criterion benches over the real PyTorch records (`../shared/corpus/real`: plain
//! `simplify`, `bound_sympy` and `try_solve` calls captured from compilations): whole requests
//! exactly as `symshape batch` answers them (`symshape::request::handle`: a cleared context,
//! the request's types and ranges, parsing, the operation, printing), and parsing and printing
//! alone. Run with `cargo bench --bench real`; without the corpus beside the repository it
//! says so and measures nothing.
//!
//! A record becomes a request the way `tools/realcheck.py` builds them: a symbol's sympy
//! assumptions give its lower bound (`positive` 1, `nonnegative` 0) and type (`real` is a
//! float); `bound_sympy` records carry their ranges. Records with replacements or
//! non-symbol solve targets are left out (they need the sympy-side rewriting the Python tool
//! does). Medians per request are printed at the end, beside the criterion groups.

use criterion::{Criterion, black_box};
use serde_json::{Map, Value as J, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use sym::Context;

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/real"
    ))
}

fn records(file: &str) -> Vec<J> {
    let Ok(text) = std::fs::read_to_string(corpus_dir().join(file)) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// `{name: (is_float, lower)}` from a sympy srepr: `Symbol('x', integer=True, positive=True)`.
fn assumptions(srepr: &str) -> Vec<(String, bool, Option<i64>)> {
    let mut out: Vec<(String, bool, Option<i64>)> = Vec::new();
    let mut rest = srepr;
    while let Some(i) = rest.find("Symbol('") {
        rest = &rest[i + 8..];
        let Some(end) = rest.find('\'') else { break };
        let name = rest[..end].to_string();
        let close = rest.find(')').unwrap_or(rest.len());
        let attrs = &rest[end..close];
        let float = attrs.contains("real=True") && !attrs.contains("integer=True");
        let lo = if attrs.contains("positive=True") {
            Some(1)
        } else if attrs.contains("nonnegative=True") {
            Some(0)
        } else {
            None
        };
        if !out.iter().any(|(n, ..)| *n == name) {
            out.push((name, float, lo));
        }
        rest = &rest[close..];
    }
    out
}

fn facts(req: &mut Map<String, J>, srepr: &str) {
    let (mut ranges, mut types) = (Map::new(), Map::new());
    for (name, float, lo) in assumptions(srepr) {
        if float {
            types.insert(name, json!("float"));
        } else if let Some(lo) = lo {
            ranges.insert(name, json!([lo, null]));
        }
    }
    if !ranges.is_empty() {
        req.insert("ranges".into(), J::Object(ranges));
    }
    if !types.is_empty() {
        req.insert("types".into(), J::Object(types));
    }
}

fn no_replacements(r: &J) -> bool {
    r.get("replacements")
        .and_then(J::as_array)
        .is_none_or(|a| a.is_empty())
}

fn simplify_requests() -> Vec<J> {
    records("simplify.jsonl")
        .into_iter()
        .filter(|r| r["fn"] == "simplify" && no_replacements(r))
        .map(|r| {
            let mut q = Map::new();
            q.insert("op".into(), json!("simplify"));
            q.insert("expr".into(), r["expr"].clone());
            facts(&mut q, r["expr_srepr"].as_str().unwrap_or(""));
            J::Object(q)
        })
        .collect()
}

fn end(v: &J) -> J {
    match v.as_str().and_then(|s| s.parse::<i64>().ok()) {
        Some(k) => json!(k),
        None => J::Null,
    }
}

fn bound_requests() -> Vec<J> {
    records("bound.jsonl")
        .into_iter()
        .map(|r| {
            let (mut ranges, mut types) = (Map::new(), Map::new());
            for entry in r["ranges"].as_array().into_iter().flatten() {
                let srepr = entry[0].as_str().unwrap_or("");
                for (name, float, _) in assumptions(srepr) {
                    if float {
                        types.insert(name, json!("float"));
                    } else {
                        ranges.insert(
                            name,
                            json!([end(&entry[1]["lower"]), end(&entry[1]["upper"])]),
                        );
                    }
                }
            }
            json!({"op": "bound", "expr": r["expr"], "ranges": ranges, "types": types})
        })
        .collect()
}

fn solve_requests() -> Vec<J> {
    records("solve.jsonl")
        .into_iter()
        .filter_map(|r| {
            let thing = r["thing"].as_str()?;
            let target = assumptions(thing);
            // A symbol target only (`Symbol('s0', ...)` and nothing around it).
            if target.len() != 1 || !thing.starts_with("Symbol(") {
                return None;
            }
            let mut q = Map::new();
            q.insert("op".into(), json!("solve"));
            q.insert("expr".into(), r["expr"].clone());
            q.insert("symbol".into(), json!(target[0].0));
            facts(
                &mut q,
                &format!("{} {thing}", r["expr_srepr"].as_str().unwrap_or("")),
            );
            Some(J::Object(q))
        })
        .collect()
}

/// The requests `symshape` answers (a request that errors is kept out: the benches time
/// answers).
fn answered(reqs: Vec<J>) -> Vec<J> {
    reqs.into_iter()
        .filter(|q| symshape::request::handle(q)["ok"] == true)
        .collect()
}

/// Median time of one call of `f` over 31 samples.
fn median_ns(mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..31)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..20 {
                f();
            }
            t.elapsed().as_nanos() as f64 / 20.0
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// The median over requests of each request's median time.
fn per_request_median(reqs: &[J]) -> f64 {
    let mut ts: Vec<f64> = reqs
        .iter()
        .map(|q| median_ns(|| drop(black_box(symshape::request::handle(q)))))
        .collect();
    ts.sort_by(f64::total_cmp);
    ts[ts.len() / 2]
}

fn main() {
    let simplify = answered(simplify_requests());
    let bound = answered(bound_requests());
    let solve = answered(solve_requests());
    if simplify.is_empty() {
        eprintln!(
            "benches/real: no records at {} (the real corpus lives beside the repository); nothing measured",
            corpus_dir().display()
        );
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
        .configure_from_args();
    for (name, reqs) in [
        ("simplify", &simplify),
        ("bound", &bound),
        ("solve", &solve),
    ] {
        c.bench_function(
            &format!("real/request/{name} (all {} requests)", reqs.len()),
            |b| {
                b.iter(|| {
                    for q in reqs.iter() {
                        black_box(symshape::request::handle(q));
                    }
                })
            },
        );
    }
    let exprs: Vec<String> = simplify
        .iter()
        .map(|q| q["expr"].as_str().unwrap_or("").to_string())
        .collect();
    c.bench_function(
        &format!(
            "real/parse ({} simplify inputs, a cleared context each)",
            exprs.len()
        ),
        |b| {
            let mut cx = Context::new();
            b.iter(|| {
                for e in &exprs {
                    cx.clear();
                    let _ = black_box(cx.parse(e));
                }
            })
        },
    );
    let mut printed: Vec<(Context, sym::Expr)> = Vec::new();
    for e in &exprs {
        let mut cx = Context::new();
        if let Ok(x) = cx.parse(e) {
            let s = cx.simplify(x);
            printed.push((cx, s));
        }
    }
    c.bench_function(
        &format!("real/print ({} simplified answers)", printed.len()),
        |b| {
            b.iter(|| {
                for (cx, s) in &printed {
                    black_box(cx.display(*s));
                }
            })
        },
    );
    c.final_summary();
    println!("\nper-request medians, whole request as `batch` answers it (ns):");
    for (name, reqs) in [
        ("simplify", &simplify),
        ("bound", &bound),
        ("solve", &solve),
    ] {
        println!(
            "  {name:<9} {:>8.0}  ({} requests)",
            per_request_median(reqs),
            reqs.len()
        );
    }
}
