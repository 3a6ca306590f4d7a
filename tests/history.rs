//! The answer to a question does not depend on what the context saw before it: the same
//! expression under the same facts simplifies (canonical, compact and deep forms), bounds, proves
//! and solves the same in a new context
//! and in one that made 70 other symbols first (symbols beyond the 63rd share one bit of the
//! per-node symbol masks, so every shortcut through a mask must answer as the walk would).
//! Found through the Python drop-in, whose contexts live for a whole compilation: a
//! `simplify_with_ranges` of a real record kept `Mod(q5 + 1, 2)` (q5 in [0, 1]) after many
//! questions, where a new context gave `1 - q5`.

mod common;

use common::{Rng, gen_bool, gen_facts, gen_int};
use std::time::Duration;
use sym::deep::Budget;
use sym::{Context, SolveResult};

/// A context that has made `n` unrelated symbols (and a few nodes over them), after the
/// questions' own symbols in the reverse of the order a new context makes them (with `rev`).
fn crowded_with(n: usize, rev: bool) -> Context {
    let mut cx = Context::new();
    if rev {
        for s in common::SYMS.iter().rev() {
            cx.symbol(s).unwrap();
        }
    }
    for i in 0..n {
        let e = cx.parse(&format!("FloorDiv(zz{i} + 3, 4) + {i}")).unwrap();
        let _ = cx.simplify(e);
    }
    cx
}

fn crowded(n: usize) -> Context {
    crowded_with(n, false)
}

/// Every answer of one question, printed.
fn answers(cx: &mut Context, seed: u64) -> Vec<String> {
    let mut r = Rng(seed);
    let _facts = gen_facts(&mut r, cx);
    let mut out = Vec::new();
    for _ in 0..3 {
        let text = gen_int(&mut r, 3);
        let e = cx.parse(&text).unwrap();
        let s = cx.simplify(e);
        out.push(format!("{text} => {}", cx.display(s)));
        out.push(format!("compact {}", cx.compact_display(&cx.compact(s))));
        // The deep form without a time limit (a deadline would make it depend on the load).
        let budget = Budget {
            time: Duration::from_secs(600),
            ..Budget::default()
        };
        let d = cx.simplify_deep(e, budget);
        out.push(format!("deep {}", cx.compact_display(&d.form)));
        out.push(format!("bound {:?}", cx.bound(e)));
    }
    let p = gen_bool(&mut r, 2);
    let pe = cx.parse(&p).unwrap();
    out.push(format!("prove {p}: {:?}", cx.prove(pe)));
    // A relation solved for one of its symbols.
    let (l, rhs) = (gen_int(&mut r, 2), gen_int(&mut r, 2));
    let x = common::SYMS[r.below(common::SYMS.len() as u64) as usize];
    let rel = cx.parse(&format!("Le({l}, {rhs})")).unwrap();
    let target = cx.parse(x).unwrap();
    out.push(match cx.solve(rel, target) {
        SolveResult::Solved(sol) => format!("solve for {x}: {}", cx.display_solution(&sol)),
        other => format!("solve for {x}: {other:?}"),
    });
    out
}

#[test]
fn random_questions_in_a_crowded_context() {
    let mut differ = Vec::new();
    for seed in 1..=3000u64 {
        let mut fresh = Context::new();
        let a = answers(&mut fresh, seed);
        for (n, rev) in [(70, false), (70, true), (3, true)] {
            let b = answers(&mut crowded_with(n, rev), seed);
            if a != b {
                differ.push(format!(
                    "seed {seed}, {n} symbols before (reversed: {rev}):\n  new context {a:?}\n  crowded    {b:?}"
                ));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} of 9000 questions answered differently:\n{}",
        differ.len(),
        differ
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The real record (a `simplify_with_ranges` of Inductor's) that showed it.
#[test]
fn real_record() {
    let text = "2*q4 + 48*q0*s19*s90 + 8*q2*s19 + 16*s19*s90*ModularIndexing(11 - 4*q1 - 2*q3 - q5, 4, 3) \
                + 4*s19*ModularIndexing(11 - 4*q1 - 2*q3 - q5, 2, 2) + Mod(11 - 4*q1 - 2*q3 - q5, 2)";
    let ranges: &[(&str, &str, &str)] = &[
        ("s90", "2", "64"),
        ("s19", "2", "64"),
        ("s77", "2", "oo"),
        ("q0", "0", "s77 - 1"),
        ("q1", "0", "2"),
        ("q2", "0", "2*s90 - 1"),
        ("q3", "0", "1"),
        ("q4", "0", "2*s19 - 1"),
        ("q5", "0", "1"),
    ];
    let mut got = Vec::new();
    for n in [0, 60, 70] {
        let mut cx = crowded(n);
        for (s, lo, hi) in ranges {
            cx.set_range_str(s, lo, hi).unwrap();
        }
        let e = cx.parse(text).unwrap();
        let s = cx.simplify(e);
        got.push(cx.display(s));
    }
    assert_eq!(
        got[0],
        "2*q4 - q5 + 4*s19 + 48*q0*s19*s90 - 16*q1*s19*s90 + 8*q2*s19 - 4*q3*s19 + 32*s19*s90 + 1"
    );
    assert_eq!(got[1], got[0]);
    assert_eq!(got[2], got[0]);
}
