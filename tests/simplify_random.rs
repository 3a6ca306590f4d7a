//! Random differential tests: for random expressions mixing every operator and random ranges,
//! `simplify(e)` equals `e` at every sampled point where `e` is defined (including negative
//! values and zero divisors), every value lies in `bound(e)`, and `parse(display(e)) == e`.
//! `SYMSHAPE_RANDOM_CASES=1000000` runs the long version.

mod common;
use common::*;
use sym::{Bound, Context, Value};

fn cases(default: u64) -> u64 {
    std::env::var("SYMSHAPE_RANDOM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Evaluates `e` and its simplification `s` at `k` points sampled from `facts`; they must agree
/// wherever `e` is defined. Returns how many points were defined.
fn agree_at_points(
    cx: &Context,
    (e, s): (sym::Expr, sym::Expr),
    text: &str,
    facts: &Facts,
    r: &mut Rng,
    k: usize,
) -> u64 {
    let sp = cx.display(s);
    let mut defined = 0;
    for _ in 0..k {
        let vals = sample(r, facts);
        let Ok(v0) = cx.eval(e, &vals) else { continue };
        defined += 1;
        assert_eq!(
            cx.eval(s, &vals),
            Ok(v0),
            "\ninput:      {text}\nsimplified: {sp}\nvalues:     {vals:?}"
        );
    }
    defined
}

#[test]
fn simplify_preserves_value_and_bounds_contain_it() {
    let n = cases(20_000);
    let mut r = Rng(0x5EED_1234_ABCD_0001);
    let (mut points, mut defined, mut changed) = (0u64, 0u64, 0u64);
    for case in 0..n {
        let mut cx = Context::new();
        let facts = gen_facts(&mut r, &mut cx);
        let text = gen_int(&mut r, 1 + (case % 4) as u32);
        let e = match cx.parse(&text) {
            Ok(e) => e,
            // Constant folding that overflows i64 is reported, never wrapped (docs/language.md §1).
            Err(err) if err.to_string().contains("overflow") => continue,
            Err(err) => panic!("parse {text}: {err}"),
        };
        // Round trip of the parsed form.
        let printed = cx.display(e);
        let back = cx
            .parse(&printed)
            .unwrap_or_else(|err| panic!("reparse {printed}: {err}"));
        assert_eq!(back, e, "round trip: {text} printed as {printed}");
        let s = cx.simplify(e);
        let sp = cx.display(s);
        let back = cx
            .parse(&sp)
            .unwrap_or_else(|err| panic!("reparse {sp}: {err}"));
        assert_eq!(back, s, "round trip of simplified: {sp}");
        if s != e {
            changed += 1;
        }
        let b = cx.bound(e);
        for _ in 0..12 {
            let vals = sample(&mut r, &facts);
            points += 1;
            let v0 = cx.eval(e, &vals);
            let Ok(v0) = v0 else { continue };
            defined += 1;
            let v1 = cx.eval(s, &vals);
            match v1 {
                Ok(v1) => assert_eq!(
                    v0, v1,
                    "\ninput:      {text}\nsimplified: {sp}\nvalues:     {vals:?}\nranges:     {:?}",
                    facts.boxes
                ),
                // Simplification may only avoid overflow, never introduce a failure.
                Err(err) => panic!(
                    "simplified form failed ({err}) where the input is defined:\n{text}\n{sp}\n{vals:?}"
                ),
            }
            if let (Value::Int(v), Bound::Int { lo, hi }) = (v0, b) {
                assert!(
                    lo.is_none_or(|l| l <= v) && hi.is_none_or(|h| v <= h),
                    "bound {b} misses {v}: {text} at {vals:?}"
                );
            }
        }
    }
    eprintln!(
        "random simplify: {n} expressions, {points} points, {defined} defined, {changed} changed"
    );
    assert!(
        defined > n,
        "the generator must produce mostly defined points"
    );
}

#[test]
fn prove_is_sound_on_random_predicates() {
    let n = cases(20_000) / 4;
    let mut r = Rng(0xB001_0000_0000_0003);
    let (mut decided, mut checked) = (0u64, 0u64);
    for case in 0..n {
        let mut cx = Context::new();
        let facts = gen_facts(&mut r, &mut cx);
        let text = gen_bool(&mut r, 1 + (case % 3) as u32);
        let p = cx.parse(&text).unwrap();
        let t = cx.prove(p).expect("a predicate");
        if t == sym::Truth::Unknown {
            continue;
        }
        decided += 1;
        for _ in 0..16 {
            let vals = sample(&mut r, &facts);
            if let Ok(Value::Bool(v)) = cx.eval(p, &vals) {
                checked += 1;
                assert_eq!(
                    v,
                    t == sym::Truth::True,
                    "prove({text}) = {t:?} but it is {v} at {vals:?} ranges {:?}",
                    facts.boxes
                );
            }
        }
    }
    eprintln!("random prove: {n} predicates, {decided} decided, {checked} points checked");
}

/// A random plain polynomial over a, b, c (small coefficients, products of two symbols).
fn poly(r: &mut Rng) -> String {
    let syms = ["a", "b", "c"];
    let mut parts = Vec::new();
    for _ in 0..r.range(1, 3) {
        let k = r.range(-3, 4);
        let s = syms[r.below(3) as usize];
        parts.push(match r.below(3) {
            0 => format!("({k})*{s}"),
            1 => format!("({k})*{s}*{}", syms[r.below(3) as usize]),
            _ => format!("({k})"),
        });
    }
    parts.join(" + ")
}

/// Multiples of a sum divisor (`floordiv_pull_sum_multiples`, `mod_drop_sum_multiples`):
/// `FloorDiv(P*(B) + R, B)` and `Mod(P*(B) + R, B)` for random polynomials P, R and a random
/// sum B, checked at random points (zero divisors included), with the rules seen firing.
#[test]
fn sum_divisor_multiples() {
    let n = cases(20_000);
    let mut r = Rng(0x5D1F_0000_0000_0005);
    let (mut fired, mut defined) = (0u64, 0u64);
    let divisors = [
        "(a + 1)",
        "(b + 2*c)",
        "(a*b + a + 3)",
        "(c - 1)",
        "(2*a + 2)",
        "(a + b + c)",
    ];
    for case in 0..n {
        let mut cx = Context::new();
        let facts = gen_facts(&mut r, &mut cx);
        let b = divisors[r.below(divisors.len() as u64) as usize];
        let op = if case % 2 == 0 { "FloorDiv" } else { "Mod" };
        let text = format!("{op}(({})*{b} + {}, {b})", poly(&mut r), poly(&mut r));
        let e = cx.parse(&text).unwrap();
        let (s, stats) = cx.simplify_with_stats(e);
        fired += stats.count(sym::Rule::FdPullSumMultiples)
            + stats.count(sym::Rule::ModDropSumMultiples);
        defined += agree_at_points(&cx, (e, s), &text, &facts, &mut r, 8);
    }
    eprintln!("sum divisors: {n} expressions, {defined} defined points, rules fired {fired} times");
    assert!(
        fired * 4 > n,
        "the sum-divisor rules fired only {fired} times"
    );
}

/// Index arithmetic over symbolic sizes (`i1 in [0, s1 - 1]`, ...): flattening and unflattening
/// with random perturbations, random comparisons between such polynomials, simplified and
/// checked at random points that satisfy the symbolic ranges. Exercises the prover's
/// substitution of symbolic range ends inside products (`i1*s2 <= (s1 - 1)*s2` for s2 >= 0).
#[test]
fn symbolic_size_index_arithmetic() {
    let n = cases(20_000);
    let mut r = Rng(0x51DE_0000_0000_0009);
    let (mut checked, mut decided) = (0u64, 0u64);
    let pieces = [
        "i0*s1*s2", "i1*s2", "i2", "i1", "i0*s2", "s1*s2", "s2", "s1", "i1*i2", "i0",
    ];
    let divisors = ["s2", "s1*s2", "s1", "s2 + 1", "s1*s2 + s2", "2*s2", "3"];
    for case in 0..n {
        let mut cx = Context::new();
        cx.set_range_str("s1", "1", "").unwrap();
        cx.set_range_str("s2", &r.range(-1, 1).to_string(), "")
            .unwrap();
        cx.set_range_str("i0", "0", "").unwrap();
        cx.set_range_str("i1", "0", "s1 - 1").unwrap();
        cx.set_range_str("i2", "0", "s2 - 1").unwrap();
        let poly = |r: &mut Rng| {
            let mut t = Vec::new();
            for _ in 0..r.range(1, 4) {
                t.push(format!(
                    "{}*{}",
                    r.range(-2, 3),
                    pieces[r.below(pieces.len() as u64) as usize]
                ));
            }
            if r.chance(30) {
                t.push(r.range(-3, 3).to_string());
            }
            t.join(" + ")
        };
        let flat = "i0*s1*s2 + i1*s2 + i2";
        let text = match case % 4 {
            0 => format!(
                "FloorDiv({flat} + {}, {})",
                poly(&mut r),
                divisors[r.below(divisors.len() as u64) as usize]
            ),
            1 => format!(
                "Mod({flat}, {})",
                divisors[r.below(divisors.len() as u64) as usize]
            ),
            2 => format!(
                "{}({}, {})",
                ["Lt", "Le", "Eq", "Ne"][r.below(4) as usize],
                poly(&mut r),
                poly(&mut r)
            ),
            _ => format!(
                "FloorDiv(Mod({flat}, {}), {})",
                divisors[r.below(divisors.len() as u64) as usize],
                divisors[r.below(divisors.len() as u64) as usize]
            ),
        };
        let e = cx.parse(&text).unwrap();
        let s = cx.simplify(e);
        let sp = cx.display(s);
        if cx.as_bool(s).is_some() || cx.as_int(s).is_some() {
            decided += 1;
        }
        for _ in 0..6 {
            let s1 = r.range(1, 6);
            let s2 = r.range(0, 6);
            if s2 == 0 {
                continue; // i2 in [0, -1] is empty: no assignment
            }
            let vals = [
                ("s1", Value::Int(s1)),
                ("s2", Value::Int(s2)),
                ("i0", Value::Int(r.range(0, 5))),
                ("i1", Value::Int(r.range(0, s1 - 1))),
                ("i2", Value::Int(r.range(0, s2 - 1))),
            ];
            let Ok(v0) = cx.eval(e, &vals) else { continue };
            checked += 1;
            assert_eq!(
                cx.eval(s, &vals),
                Ok(v0),
                "\ninput:      {text}\nsimplified: {sp}\nvalues:     {vals:?}"
            );
        }
    }
    eprintln!("symbolic sizes: {n} expressions, {checked} points, {decided} decided");
    assert!(checked > n * 3);
}

/// "Never worse" (docs/language.md §5.1): the printed size of `simplify(e)` does not exceed that of
/// `e`, over random expressions and facts (sizes of the parsed printed forms). Reports how many
/// got smaller.
#[test]
fn simplify_never_grows() {
    let n = cases(20_000);
    let mut r = Rng(0x5122_0000_0000_0003);
    let (mut smaller, mut worse) = (0u64, Vec::new());
    for case in 0..n {
        let mut cx = Context::new();
        let _facts = gen_facts(&mut r, &mut cx);
        let text = gen_int(&mut r, 1 + (case % 4) as u32);
        let Ok(e) = cx.parse(&text) else { continue };
        let s = cx.simplify(e);
        let (se, ss) = (cx.size(e), cx.size(s));
        if ss < se {
            smaller += 1;
        }
        if ss > se {
            worse.push(format!(
                "{} ({se}) -> {} ({ss})",
                cx.display(e),
                cx.display(s)
            ));
        }
    }
    eprintln!(
        "never grows: {n} expressions, {smaller} smaller, {} larger",
        worse.len()
    );
    assert!(
        worse.is_empty(),
        "simplify grew:\n{}",
        worse[..worse.len().min(20)].join("\n")
    );
    assert!(
        smaller * 10 > n,
        "the generator should give simplifiable input: {smaller}/{n}"
    );
}

/// Nested Mod / FloorDiv with symbolic moduli (`FloorDiv(Mod(y, ks0*ks1), ks0)`,
/// `Mod(Mod(y, 4*ks0), ks0)`): random divisors that are or are not exact multiples of each
/// other, symbols of every sign (the rules need proven positivity), checked at random points.
#[test]
fn nested_symbolic_moduli() {
    let n = cases(20_000);
    let mut r = Rng(0x0E57_0000_0000_0013);
    let (mut changed, mut defined) = (0u64, 0u64);
    let inner = [
        "a*b", "4*a", "a", "2*a*b", "a**2", "b*c", "a*b*c", "-a*b", "3",
    ];
    let outer = ["a", "b", "2*a", "4", "a*b", "c", "2", "-a"];
    // ModularIndexing(x, d, m) over x < m*d with symbolic d (x0 in [0, s0 - 1] in the facts).
    let mi = [
        "ModularIndexing(x0, s0, 1)",
        "ModularIndexing(x0, 1, s0)",
        "ModularIndexing(x0 + a, s0, 2)",
        "ModularIndexing(x0, a, s0)",
        "ModularIndexing(x0, s0, a)",
    ];
    for case in 0..n {
        let mut cx = Context::new();
        let facts = gen_facts(&mut r, &mut cx);
        let y = gen_int(&mut r, 2);
        let m = inner[r.below(inner.len() as u64) as usize];
        let c = outer[r.below(outer.len() as u64) as usize];
        let text = match case % 6 {
            0 | 3 => format!("FloorDiv(Mod({y}, {m}), {c})"),
            1 | 4 => format!("Mod(Mod({y}, {m}), {c})"),
            5 => mi[r.below(mi.len() as u64) as usize].to_string(),
            _ => format!(
                "ModularIndexing(Mod({y}, {m}), {c}, {})",
                outer[r.below(8) as usize]
            ),
        };
        let Ok(e) = cx.parse(&text) else { continue };
        let s = cx.simplify(e);
        if s != e {
            changed += 1;
        }
        defined += agree_at_points(&cx, (e, s), &text, &facts, &mut r, 8);
    }
    eprintln!("nested moduli: {n} expressions, {defined} defined points, {changed} changed");
    assert!(changed * 10 > n);
}
