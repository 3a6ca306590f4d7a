//! `factor_common_monomial` over a sum of products of sums: the expansion's common monomial
//! and integer content times a sum, split further by the input's own sum factors, as one flat
//! product (`s62*s77*(12*s16 - 6)` where PyTorch expands to `12*s16*s62*s77 - 6*s62*s77`, which
//! computes `s16*s62*s77`, beyond 128 bits for unbounded sizes).
//!
//! Checked: the table of real shapes, and a random differential test at ordinary and `i64`-edge
//! points: wherever the input evaluates (docs/rules.md §8: a polynomial is one exact value, a
//! product with a zero factor is 0), the answer evaluates to the same value; the rule must fire
//! on a good share of the cases, or the test proves nothing.

mod common;

use common::Rng;
use sym::{Context, Rule, Value};

fn simplified(text: &str, lo: i64) -> String {
    let mut cx = Context::new();
    let e = cx.parse(text).unwrap();
    let names: Vec<String> = cx
        .free_symbols(e)
        .into_iter()
        .map(|s| cx.sym_name(s).to_string())
        .collect();
    for s in names {
        cx.set_range_str(&s, &lo.to_string(), "").unwrap();
    }
    let s = cx.simplify(e);
    cx.display(s)
}

#[test]
fn table() {
    let rows: &[(&str, &str)] = &[
        // Real records (sizes >= 1): PyTorch's answer is the expansion.
        (
            "6*s62*(2*s16 - 2) + 6*s62*(2*s16 - 1)*(s77 - 1) + 6*s62",
            "s62*s77*(12*s16 - 6)",
        ),
        (
            "8*s62*(s16 - 2) + 8*s62*(s16 - 1)*(s77 - 1) + 8*s62",
            "s62*s77*(8*s16 - 8)",
        ),
        // The quotient split by the input's sum factors (exact polynomial division).
        (
            "7*s24 + (7*s24 - 5)*(7*s30 - 6) + (7*s24 - 5)*(7*s30 - 5)*(s77 - 1) - 5",
            "s77*(7*s24 - 5)*(7*s30 - 5)",
        ),
        (
            "112*s24 + (112*s24 - 80)*(7*s30 - 6) + (s77 - 1)*(784*s24*s30 - 560*s24 - 560*s30 + 400) - 80",
            "s77*(112*s24 - 80)*(7*s30 - 5)",
        ),
        // FloorDiv factors whose numerators differ by a multiple of 7 written with one of them
        // (`FloorDiv(s27 + 6, 7) - 1` was absorbed into `FloorDiv(s27 - 1, 7)`).
        (
            "784*(s77 - 1)*(((s27 + 6)//7))*(((s53 + 6)//7)) + 784*((((s27 + 6)//7)) - 1)*(((s53 + 6)//7)) + 784*(((s53 + 6)//7))",
            "784*s77*FloorDiv(s27 + 6, 7)*FloorDiv(s53 + 6, 7)",
        ),
        // The common monomial alone (the expansion `s0*s1*s2 - s0*s1` computes s0*s1*s2).
        ("s0*s1*(s2 - 2) + s0*s1", "s0*s1*(s2 - 1)"),
        // Two factors in i64 expand (below 2^126 as one polynomial value).
        ("s27*(s77 - 2) + s27", "s27*s77 - s27"),
        // The expansion at the root of a polynomial (the whole value fits in i64): all but
        // one-signed terms are bounded, so every term is at most the value plus the bound.
        ("16*p0*(s59 - 1) + 16*p0 - 16", "16*p0*s59 - 16"),
        ("3*s53 + (s14 - 3)*(s53 + 15)", "15*s14 + s14*s53 - 45"),
        (
            "7*s24*(7*7 - 6) + 7*s24*(7*7 - 5)*(s77 - 1) + 7*s24 - 4",
            "308*s24*s77 - 4",
        ),
        // A power of a sum is multiplied out too (a new real record: PyTorch answers
        // `s53**2*s77 + 2*s53*s77 + s77`; the expansion without the power kept
        // `(s53 + 1)**2` as a factor, no monomial over the atoms, and was refused).
        (
            "s53*(s53 + 1) + s53 + (s53 + 1)**2*(s77 - 1) + 1",
            "s77 + 2*s53*s77 + s77*s53**2",
        ),
        ("(s53 + 1)**2 - s53**2 - 2*s53", "1"),
        // Mixed signs among the unbounded terms (`s77*s53**2` and `-s53**2`): not taken.
        ("(s53 + 1)**2*s77 - s53**2", "s77*(s53 + 1)**2 - s53**2"),
        // The expansion refused (its unbounded terms have both signs: PyTorch's
        // `2*w*x*z - x*z - z` overflows at x = z = 2^31, w = 1, where the input does not),
        // factored at the root instead (factor_region_root): z >= 1 is no zero factor, so
        // |2*w*x - x - 1| <= the input's value, and its one unbounded term is at most that
        // plus the bounded ones.
        ("x*z*(2*w - 2) + x*z - z", "z*(2*w*x - x - 1)"),
        (
            "2*s53*s62*(s77 - 1)*Max(1, s16 - 1) + s53*s62*Max(1, s16 - 1) + s62*(s16 - 2) + s62*(s53 - 1)*Max(1, s16 - 1) + s62",
            "s62*(s16 + 2*s53*s77*Max(1, s16 - 1) - Max(1, s16 - 1) - 1)",
        ),
        (
            "2*s3*s77*(s77 - 1)*Max(1, TruncToInt(0.5*ToFloat(s49)))*Max(1, TruncToInt(1.5*ToFloat(s54))) + 2*s3*(s77 - 1)*Max(1, TruncToInt(0.5*ToFloat(s49)))*Max(1, TruncToInt(1.5*ToFloat(s54))) + 2*s3*(TruncToInt(0.5*ToFloat(s49)) - 1)*Max(1, TruncToInt(1.5*ToFloat(s54))) + (2*s3 - 1)*Max(1, TruncToInt(1.5*ToFloat(s54))) + TruncToInt(1.5*ToFloat(s54))",
            "s3*TruncToInt(1.5*ToFloat(s54))*(2*s77**2*Max(1, TruncToInt(0.5*ToFloat(s49))) - 2*Max(1, TruncToInt(0.5*ToFloat(s49))) + 2*TruncToInt(0.5*ToFloat(s49)))",
        ),
        // An operand of another operator is the root of its polynomial too.
        ("FloorDiv(16*p0*(s59 - 1) + 16*p0 - 16, 8)", "2*p0*s59 - 2"),
        (
            "-s27*Max(1, FloorDiv(s0 + 1, 6)*FloorDiv(s53 + 1, 6)) + s53 + (s27 - 1)*Max(1, FloorDiv(s0 + 1, 6)*FloorDiv(s53 + 1, 6))",
            "s53 - Max(1, FloorDiv(s0 + 1, 6)*FloorDiv(s53 + 1, 6))",
        ),
        // Part of a sum (factor_common_monomial_part): the product and the multiples of its
        // cofactor alone, where the whole expansion computes unbounded products of mixed
        // signs (a new real record, flip/roll indexing; PyTorch answers its expansion,
        // `q0*s0*s27*s53 + q1*s0*s53 - q2*s0 - q3 + s0*s53 - 1`, one operation more).
        (
            "q0*s0*s27*s53 + q1*s0*s53 - q3 + s0*(-q2 + s53 - 1) + s0 - 1",
            "q0*s0*s27*s53 - q3 + q1*s0*s53 + s0*(s53 - q2) - 1",
        ),
        ("s0*(s53 - q2 - 2) + s0 - q3", "s0*(s53 - q2 - 1) - q3"),
        // `s53 - q2 + 2` may exceed i64 (its interval is not bounded within it): not taken.
        (
            "s0*(s53 - q2 - 1) + 3*s0 - q3",
            "3*s0 - q3 + s0*(s53 - q2 - 1)",
        ),
        // Three factors may reach 2^189: not taken (the whole-sum factoring above is, as its
        // value is the input's).
        ("s0*s1*(s2 - 2) + s0*s1 - s3", "s0*s1 - s3 + s0*s1*(s2 - 2)"),
        // Nothing smaller: left as it is.
        ("s0*s1*(s2 - 1) + s2", "s2 + s0*s1*(s2 - 1)"),
    ];
    let mut bad = Vec::new();
    for (text, want) in rows {
        let got = simplified(text, 1);
        if got != *want {
            bad.push(format!("{text}: {got} (want {want})"));
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

const NAMES: [&str; 4] = ["a", "b", "c", "d"];

/// A linear factor `k*x + m`, a symbol, or a FloorDiv by 7 of a shifted symbol (whose shifts
/// by multiples of 7 align: `FloorDiv(a + 6, 7) - 1` is `FloorDiv(a - 1, 7)`).
fn factor(r: &mut Rng) -> String {
    let x = NAMES[r.below(4) as usize];
    if r.chance(30) {
        return x.to_string();
    }
    if r.chance(25) {
        let m = [6, -1, 13, 0, 7][r.below(5) as usize];
        let k = [0, -1, 1][r.below(3) as usize];
        return format!("(FloorDiv({x} + {m}, 7) + {k})");
    }
    let k = [1, 2, 3, 7, -1, -2][r.below(6) as usize];
    let m = r.range(-6, 6);
    format!("({k}*{x} + {m})")
}

/// A sum of 2-4 products of 1-3 factors, with small coefficients; often a sum whose
/// expansion collapses (`t*(f - 1) + t` shapes) so that the rule has something to do.
fn sum(r: &mut Rng) -> String {
    let mut terms = Vec::new();
    let common: Vec<String> = (0..r.range(1, 2)).map(|_| factor(r)).collect();
    for _ in 0..r.range(2, 4) {
        let mut fs = common.clone();
        for _ in 0..r.range(0, 2) {
            fs.push(factor(r));
        }
        let k = r.range(-4, 4);
        terms.push(format!("{k}*{}", fs.join("*")));
    }
    if r.chance(50) {
        // A shifted copy of the first term: x*(f - 1) + x cancels to a product.
        terms.push(format!("{}*{}", r.range(-3, 3), common.join("*")));
    }
    if r.chance(40) {
        // A constant or a bounded term beside it (the root expansion's bounded part).
        terms.push(format!("{}", r.range(-40, 40)));
    }
    if r.chance(30) {
        // A term without the common factors, of either sign (the group of the product and
        // the multiples of its cofactor is then factored apart from it).
        terms.push(format!("{}*{}", r.range(-3, 3), factor(r)));
    }
    let sum = terms.join(" + ");
    // Sometimes the operand of another operator (the root of its polynomial).
    match r.below(6) {
        0 => format!("FloorDiv({sum}, {})", r.range(2, 9)),
        1 => format!("Max({sum}, {})", r.range(-5, 5)),
        2 => format!("Mod({sum}, 7)"),
        _ => sum,
    }
}

fn value(r: &mut Rng, lo: i64) -> i64 {
    const EDGE: [i64; 9] = [
        i64::MAX,
        i64::MAX - 1,
        1 << 62,
        (1 << 62) - 1,
        3_037_000_499,
        1 << 32,
        1 << 31,
        (1 << 21) + 1,
        1 << 42,
    ];
    match r.below(4) {
        0 => EDGE[r.below(EDGE.len() as u64) as usize],
        1 => lo + r.below(4) as i64,
        _ => lo + r.below(1000) as i64,
    }
}

/// Simplifies `text` with every symbol in `[lo, oo)`, compares the answer with the input at
/// `n_hit` points (edges included) when `fired` says a rule of interest fired on the stats,
/// else at 8, and returns (fired, points, points where the input is defined).
fn simplify_and_compare(
    r: &mut Rng,
    text: &str,
    lo: i64,
    n_hit: usize,
    fired: impl Fn(&sym::Stats) -> bool,
) -> (sym::Stats, bool, usize, usize) {
    let mut cx = Context::new();
    let e = cx.parse(text).unwrap();
    for s in NAMES {
        cx.set_range_str(s, &lo.to_string(), "").unwrap();
    }
    let (s, stats) = cx.simplify_with_stats(e);
    let hit = fired(&stats);
    let (mut points, mut defined) = (0, 0);
    for _ in 0..if hit { n_hit } else { 8 } {
        let at: Vec<(&str, Value)> = NAMES
            .iter()
            .map(|n| (*n, Value::Int(value(r, lo))))
            .collect();
        points += 1;
        if let Ok(w) = cx.eval(e, &at) {
            defined += 1;
            assert_eq!(
                cx.eval(s, &at),
                Ok(w),
                "{text} with sizes >= {lo}: {} at {at:?}",
                cx.display(s)
            );
        }
    }
    (stats, hit, points, defined)
}

#[test]
fn random_differential_at_the_edges() {
    let cases: usize = std::env::var("SYMSHAPE_FACTOR_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mut r = Rng(0xFAC7_0125);
    let (mut fired, mut shifted, mut rooted, mut points, mut defined, mut part) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    let mut root_factored = 0usize;
    for _ in 0..cases {
        let text = sum(&mut r);
        let lo = [1, 2, 0][r.below(3) as usize];
        let (stats, hit, p, d) = simplify_and_compare(&mut r, &text, lo, 60, |stats| {
            stats.count(Rule::FactorCommon)
                + stats.count(Rule::FactorPart)
                + stats.count(Rule::FdShift)
                + stats.count(Rule::ExpandRoot)
                + stats.count(Rule::FactorRoot)
                > 0
        });
        (points, defined) = (points + p, defined + d);
        part += usize::from(stats.count(Rule::FactorPart) > 0);
        rooted += usize::from(stats.count(Rule::ExpandRoot) > 0);
        root_factored += usize::from(stats.count(Rule::FactorRoot) > 0);
        fired += usize::from(hit);
        shifted += usize::from(stats.count(Rule::FdShift) > 0);
    }
    eprintln!(
        "{cases} cases, fired on {fired} (FloorDiv alignment {shifted}, root expansion {rooted}, root factoring {root_factored}, part of a sum {part}), {defined} of {points} points defined"
    );

    assert!(
        fired * 20 > cases,
        "the rule fired on {fired} of {cases} cases"
    );
    assert!(
        rooted * 50 > cases,
        "root expansion fired on {rooted} of {cases} cases"
    );
    assert!(
        root_factored * 100 > cases,
        "root factoring fired on {root_factored} of {cases} cases"
    );
    assert!(
        shifted * 500 > cases,
        "FloorDiv alignment fired on {shifted} of {cases} cases"
    );
    assert!(defined * 4 > points, "{defined} of {points} points defined");
}

/// A sum with a product `k*x*(±y ± z + m)` (a cofactor of one or two atoms, a sum of unit
/// coefficients), multiples `d*x` of its cofactor, and terms without it, of both signs: the
/// shape `factor_common_monomial_part` factors apart. Sizes from 0, 1 or 2 up, values at the
/// `i64` edges; wherever the input evaluates, the answer evaluates to the same value.
#[test]
fn factoring_part_of_a_sum_at_the_edges() {
    let cases: usize = std::env::var("SYMSHAPE_FACTOR_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
        / 2;
    let mut r = Rng(0xFAC7_0245);
    let (mut fired, mut points, mut defined) = (0usize, 0usize, 0usize);
    let pick = |r: &mut Rng| NAMES[r.below(4) as usize];
    for _ in 0..cases {
        let x = pick(&mut r);
        let cof = if r.chance(25) {
            format!("{x}*{}", pick(&mut r))
        } else {
            x.to_string()
        };
        // A difference of two atoms (a sum of one sign, `y + z`, may leave i64, and the
        // rule declines it) or, sometimes, a sum of one sign.
        let inner = if r.chance(80) {
            format!("{} - {} + {}", pick(&mut r), pick(&mut r), r.range(-3, 3))
        } else {
            format!("{} + {} + {}", pick(&mut r), pick(&mut r), r.range(-3, 3))
        };
        let k = [1, -1, 1, 2, -1][r.below(5) as usize];
        let mut terms = vec![format!("{k}*{cof}*({inner})")];
        for _ in 0..r.range(1, 2) {
            let d = r.range(1, 3) * if r.chance(50) { 1 } else { -1 };
            terms.push(format!("{d}*{cof}"));
        }
        for _ in 0..r.range(1, 2) {
            terms.push(format!(
                "{}*{}*{}",
                r.range(-2, 2),
                pick(&mut r),
                pick(&mut r)
            ));
        }
        if r.chance(50) {
            terms.push(format!("{}", r.range(-9, 9)));
        }
        let text = terms.join(" + ");
        let lo = [0, 1, 2][r.below(3) as usize];
        let (_, hit, p, d) = simplify_and_compare(&mut r, &text, lo, 60, |stats| {
            stats.count(Rule::FactorPart) > 0
        });
        (points, defined) = (points + p, defined + d);
        fired += usize::from(hit);
    }
    eprintln!("{cases} cases, fired on {fired}, {defined} of {points} points defined");
    assert!(
        fired * 20 > cases,
        "the rule fired on {fired} of {cases} cases"
    );
    assert!(defined * 4 > points, "{defined} of {points} points defined");
}
