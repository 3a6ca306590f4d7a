//! Splits of one index through nested floor divisions by symbolic sizes
//! (`FloorDiv(FloorDiv(r0, 49), 3*F)` with `F = FloorDiv(s27 + 6, 7)`), as Inductor writes them
//! for pooled and strided layouts:
//! - the prover bounds `FloorDiv(a, c)` through a symbolic range end of `a` (floor division by a
//!   positive divisor is monotone), also nested;
//! - `FloorDiv(FloorDiv(x, d), k*g)` moves the integer content k to the constant d when the
//!   merged divisor `d*k*g` is not known to fit;
//! - a term `FloorDiv(FloorDiv(x, l1), l)` (or a Mod of it) is seen as a split of x at `l1*l`,
//!   built back nested, so it joins with the other splits of x without computing `l1*l`.
//!
//! Checked: the real records' shapes in a table, and a random differential test: random sums of
//! splits of r0 (complete decompositions, some perturbed), simplified, compared with the input
//! at random points of the domain, the rules seen firing.

mod common;

use common::Rng;
use sym::{Context, Rule, Truth, Value};

fn cx_with(ranges: Ranges) -> Context {
    let mut cx = Context::new();
    for (n, lo, hi) in ranges {
        cx.set_range_str(n, lo, hi).unwrap();
    }
    cx
}

const F: &str = "FloorDiv(s27 + 6, 7)";

/// (name, lower end, upper end) of each ranged symbol.
type Ranges<'a> = &'a [(&'a str, &'a str, &'a str)];

#[test]
fn table() {
    let one = [
        ("s27", "8", ""),
        ("s77", "2", ""),
        ("r0", "0", "147*s77*FloorDiv(s27 + 6, 7) - 1"),
        ("r1", "0", "15"),
    ];
    let rows: Vec<(String, Ranges, &str)> = vec![
        (
            format!("ModularIndexing(FloorDiv(r0, 49), 3*{F}, s77)"),
            &one,
            "FloorDiv(FloorDiv(r0, 147), FloorDiv(s27 + 6, 7))",
        ),
        (
            format!(
                "r1 + 2352*{F}*ModularIndexing(FloorDiv(r0, 49), 3*{F}, s77) + 16*Mod(r0, 147) \
                 + 2352*ModularIndexing(r0, 147, {F})"
            ),
            &one,
            "16*r0 + r1",
        ),
        // The content of the outer divisor moves inward where the product may not fit.
        (
            "FloorDiv(FloorDiv(x, 5), 6*y)".to_string(),
            &[("y", "1", "")],
            "FloorDiv(FloorDiv(x, 30), y)",
        ),
        // It fits: one FloorDiv.
        (
            "FloorDiv(FloorDiv(x, 5), 6*y)".to_string(),
            &[("y", "1", "100")],
            "FloorDiv(x, 30*y)",
        ),
        // A size scaling every split (a new real record, reshape to `(b, -1, 4, t//4)`):
        // `FloorDiv(s53, 4)*Mod(r1, 4)` has two factors of one size, read with the size
        // taken for the scale (split_merge_tied_view).
        (
            "4*r0*s27*((s53//4)) + r2 + ((s53//4))*(ModularIndexing(r1, 1, 4)) + 4*((s53//4))*(ModularIndexing(r1, 4, s27))".to_string(),
            &[
                ("s27", "2", ""),
                ("s53", "8", ""),
                ("s77", "2", ""),
                ("r0", "0", "s77 - 1"),
                ("r1", "0", "4*s27 - 1"),
                ("r2", "0", "FloorDiv(s53, 4) - 1"),
            ],
            "r2 + 4*r0*s27*FloorDiv(s53, 4) + r1*FloorDiv(s53, 4)",
        ),
        (
            "x*Mod(y, 4) - 4*FloorDiv(x, 4)*Mod(y, 4)".to_string(),
            &[("y", "0", "")],
            "Mod(x, 4)*Mod(y, 4)",
        ),
        // A tied term needs a Mod among its tied factors (the products of sizes in the
        // prover's differences are not looked at): left as it is.
        (
            "x*FloorDiv(y, 4) - 4*FloorDiv(x, 4)*FloorDiv(y, 4)".to_string(),
            &[("y", "0", "")],
            "x*FloorDiv(y, 4) - 4*FloorDiv(x, 4)*FloorDiv(y, 4)",
        ),
        // Not a complete decomposition (2351 instead of 2352): no join.
        (
            format!(
                "2351*{F}*FloorDiv(FloorDiv(r0, 147), {F}) + 2352*ModularIndexing(r0, 147, {F})"
            ),
            &one,
            "2351*FloorDiv(FloorDiv(r0, 147), FloorDiv(s27 + 6, 7))*FloorDiv(s27 + 6, 7) + 2352*ModularIndexing(r0, 147, FloorDiv(s27 + 6, 7))",
        ),
    ];
    let mut bad = Vec::new();
    for (text, ranges, want) in &rows {
        let mut cx = cx_with(ranges);
        let e = cx.parse(text).unwrap();
        let s = cx.simplify(e);
        if cx.display(s) != *want {
            bad.push(format!("{text}: {} (want {want})", cx.display(s)));
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

#[test]
fn proofs_through_symbolic_ends_of_a_numerator() {
    let ranges = [
        ("s27", "8", ""),
        ("s77", "2", ""),
        ("r0", "0", "147*s77*FloorDiv(s27 + 6, 7) - 1"),
    ];
    let rows: &[(String, Truth)] = &[
        (
            format!("FloorDiv(FloorDiv(r0, 49), 3*{F}) < s77"),
            Truth::True,
        ),
        (format!("FloorDiv(r0, 49) <= 3*{F}*s77 - 1"), Truth::True),
        (format!("FloorDiv(r0, 147*{F}) <= s77 - 1"), Truth::True),
        // One too tight: r0 = 147*s77*F - 1 gives FloorDiv(r0, 49) = 3*s77*F - 1.
        (format!("FloorDiv(r0, 49) <= 3*{F}*s77 - 2"), Truth::Unknown),
        (
            format!("FloorDiv(FloorDiv(r0, 49), 3*{F}) < s77 - 1"),
            Truth::Unknown,
        ),
        // Lower ends: r0 >= 0.
        (
            format!("FloorDiv(FloorDiv(r0, 49), 3*{F}) >= 0"),
            Truth::True,
        ),
    ];
    let mut bad = Vec::new();
    for (text, want) in rows {
        let mut cx = cx_with(&ranges);
        let p = cx.parse_bool(text).unwrap();
        let got = cx.prove(p).unwrap();
        if got != *want {
            bad.push(format!("{text}: {got:?} (want {want:?})"));
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

/// A sum of the splits of r0 over the divisor chain c, d1, d2 (d1, d2 symbolic sizes):
/// `Mod(r0, c) + c*Mod(FloorDiv(r0, c), d1) + c*d1*FloorDiv(FloorDiv(r0, c), d1)`, in the
/// nested shapes Inductor prints, with a scale, sometimes a coefficient off by one.
/// Returns the sum and an upper range end for r0 (none, a constant, or the product of the
/// divisors, as Inductor's ranges have it, possibly with a factor).
fn splits(r: &mut Rng) -> (String, String) {
    let c = [7, 49, 3, 4][r.below(4) as usize];
    let sizes = ["a", "b", "FloorDiv(a + 6, 7)", "(b + 1)", "2*b", "3*a"];
    let d1 = sizes[r.below(sizes.len() as u64) as usize];
    let d2 = sizes[r.below(sizes.len() as u64) as usize];
    let end = match r.below(4) {
        0 => String::new(),
        1 => format!("{} - 1", r.range(1, 5000)),
        2 => format!("{c}*{d1}*{d2} - 1"),
        _ => format!("{c}*{d1}*{d2}*{} - 1", r.range(1, 3)),
    };
    let k = r.range(1, 16);
    let off = |r: &mut Rng| if r.chance(15) { 1 } else { 0 };
    let mut terms = vec![
        format!("{}*Mod(r0, {c})", k + off(r)),
        format!("{}*{c}*ModularIndexing(r0, {c}, {d1})", k + off(r)),
    ];
    if r.chance(50) {
        terms.push(format!(
            "{}*{c}*{d1}*FloorDiv(FloorDiv(r0, {c}), {d1})",
            k + off(r)
        ));
    } else {
        terms.push(format!(
            "{}*{c}*{d1}*ModularIndexing(FloorDiv(r0, {c}), {d1}, {d2})",
            k + off(r)
        ));
        // The top split as Inductor prints it: one division by the product of the sizes.
        terms.push(if r.chance(50) {
            format!(
                "{}*{c}*{d1}*{d2}*FloorDiv(FloorDiv(FloorDiv(r0, {c}), {d1}), {d2})",
                k + off(r)
            )
        } else {
            format!(
                "{}*{c}*{d1}*{d2}*FloorDiv(FloorDiv(r0, {c}), {d1}*{d2})",
                k + off(r)
            )
        });
    }
    if r.chance(30) {
        // A size that scales every split: terms like `FloorDiv(b, 4)*Mod(r0, 7)`, whose
        // two factors have one size, are read with the size taken for the scale.
        let g = ["FloorDiv(b, 4)", "Mod(a, 5)", "FloorDiv(a + 3, 2)"][r.below(3) as usize];
        for t in &mut terms {
            *t = format!("{g}*{t}");
        }
    }
    // Shuffle the terms: the join must not depend on their order.
    for i in (1..terms.len()).rev() {
        terms.swap(i, r.below(i as u64 + 1) as usize);
    }
    (terms.join(" + "), end)
}

#[test]
fn random_differential() {
    let cases: usize = std::env::var("SYMSHAPE_SPLIT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut r = Rng(0x5B11_7ED5);
    let (mut nested, mut joined, mut points, mut ranged, mut tied) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    for _ in 0..cases {
        let (text, end) = splits(&mut r);
        let lo = r.range(1, 3);
        let mut cx = cx_with(&[
            ("a", &lo.to_string(), ""),
            ("b", &lo.to_string(), ""),
            ("r0", "0", &end),
        ]);
        let e = cx.parse(&text).unwrap();
        let end_e = (!end.is_empty()).then(|| cx.parse(&end).unwrap());
        let (s, stats) = cx.simplify_with_stats(e);
        nested += usize::from(stats.count(Rule::FdNested) > 0);
        joined += usize::from(stats.count(Rule::SplitJoin) > 0);
        tied += usize::from(stats.count(Rule::SplitTiedView) > 0);
        ranged += usize::from(stats.count(Rule::ModRange) > 0);
        for _ in 0..24 {
            let (a, b) = (r.range(lo, lo + 30), r.range(lo, lo + 30));
            let sizes = [("a", Value::Int(a)), ("b", Value::Int(b))];
            let hi = match end_e {
                None => [50_000, i64::MAX / 4][r.below(2) as usize],
                Some(x) => match cx.eval(x, &sizes) {
                    Ok(Value::Int(v)) => v,
                    _ => continue,
                },
            };
            if hi < 0 {
                continue;
            }
            let r0 = if r.chance(20) {
                hi
            } else {
                r.range(0, hi.min(1 << 40))
            };
            let at = [
                ("a", Value::Int(a)),
                ("b", Value::Int(b)),
                ("r0", Value::Int(r0)),
            ];
            if let Ok(want) = cx.eval(e, &at) {
                points += 1;
                assert_eq!(
                    cx.eval(s, &at),
                    Ok(want),
                    "{text} (sizes >= {lo}, r0 <= {end}): {} at {at:?}",
                    cx.display(s)
                );
            }
        }
    }
    eprintln!(
        "{cases} cases, nested-divisor rule {nested}, split join {joined} (through a tied view {tied}), mod_range {ranged}, {points} points compared"
    );
    assert!(
        tied * 20 > cases,
        "merges through a tied view on {tied} of {cases}"
    );
    assert!(
        nested * 10 > cases,
        "nested-divisor rule fired on {nested} of {cases}"
    );
    assert!(
        joined * 4 > cases,
        "split join fired on {joined} of {cases}"
    );
    // The Mod of a split is dropped where r0's range end bounds it (the prover's bound
    // through the symbolic end of a FloorDiv's numerator).
    assert!(
        ranged * 20 > cases,
        "mod_range fired on {ranged} of {cases}"
    );
    assert!(points > cases * 12, "{points} points evaluated");
}
