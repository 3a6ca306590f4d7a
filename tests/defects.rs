//! Regression tests for the crashes and wrong answers a review found (each failed before its
//! fix): analyses that recursed through cyclic facts until the stack overflowed, `i64::MIN`
//! arithmetic that panicked or left a negative divisor to rules written for positive ones,
//! float bounds computed with double rounding, rewrites that introduced an overflow, builders
//! that made ill-typed nodes, and handles used with a context that did not make them.

mod common;

use sym::{Bound, Context, Truth, Value};

fn cx_with(ranges: &[(&str, &str, &str)], assume: &[&str]) -> Context {
    let mut cx = Context::new();
    for (s, lo, hi) in ranges {
        cx.set_range_str(s, lo, hi).unwrap();
    }
    for a in assume {
        let p = cx.parse(a).unwrap();
        cx.assume(p).unwrap();
    }
    cx
}

/// Runs `f` on a thread with a deliberately small stack: the analyses must not need more than
/// a small, fixed amount of stack whatever the facts (a host may run them on any thread).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn range_and_assumption_bounding_each_other_through_floordiv() {
    on_small_stack(|| {
        // u0 <= s0/2 and s0 <= u0 + 3 allow u0 = -13 (s0 = -10): unknown is the answer.
        let mut cx = cx_with(&[], &["u0 <= FloorDiv(s0, 2)", "s0 <= u0 + 3"]);
        let p = cx.parse("u0 >= 0").unwrap();
        assert_eq!(cx.prove(p), Ok(Truth::Unknown));
    });
}

#[test]
fn range_and_assumption_bounding_each_other_through_max() {
    on_small_stack(|| {
        let mut cx = cx_with(
            &[("u0", "0", "Max(s0, 4)"), ("s0", "2", "oo")],
            &["u0 >= s0"],
        );
        let e = cx.parse("FloorDiv(u0, s0)").unwrap();
        let s = cx.simplify(e);
        // Whatever the answer, it must agree with the input on the domain.
        for s0 in 2..12i64 {
            for u0 in s0..=s0.max(4) {
                let at = [("s0", Value::Int(s0)), ("u0", Value::Int(u0))];
                assert_eq!(cx.eval(e, &at), cx.eval(s, &at), "s0={s0} u0={u0}");
            }
        }
    });
}

#[test]
fn bound_through_a_symbolic_end_and_a_reverse_assumption() {
    on_small_stack(|| {
        let mut cx = cx_with(&[("x", "0", "FloorDiv(s0, 2)")], &["s0 <= x + 8"]);
        let e = cx.parse("x").unwrap();
        // x <= (x + 8)/2 gives x <= 8; any sound bound with lower end 0 is acceptable.
        match cx.bound(e) {
            Bound::Int { lo, hi } => {
                assert_eq!(lo, Some(0));
                assert!(hi.is_none_or(|h| h >= 8));
            }
            b => panic!("{b:?}"),
        }
    });
}

#[test]
fn ranges_chaining_ten_thousand_symbols() {
    on_small_stack(|| {
        let mut cx = Context::new();
        cx.set_range_str("s0", "0", "100").unwrap();
        for i in 1..10_000 {
            cx.set_range_str(&format!("s{i}"), "0", &format!("s{}", i - 1))
                .unwrap();
        }
        let e = cx.parse("s9999 + 1").unwrap();
        assert_eq!(cx.bound(e).to_string(), "[1, 101]");
        let f = cx.parse("FloorDiv(s9999, s5000 + 1)").unwrap();
        let _ = cx.simplify(f);
        let p = cx.parse("s9999 <= s0").unwrap();
        assert_ne!(cx.prove(p), Ok(Truth::False));
        // The same chain declared from its far end.
        let mut cx = Context::new();
        for i in (1..10_000).rev() {
            cx.set_range_str(&format!("s{i}"), "0", &format!("s{}", i - 1))
                .unwrap();
        }
        let e = cx.parse("s9999").unwrap();
        assert_eq!(cx.bound(e).to_string(), "[0, oo]");
    });
}

/// Simplifies `text` without facts and compares with the input at the given points of `x`
/// (and `y`): equal wherever the input is defined without overflow, and no new overflow.
fn same_values(text: &str, points: &[(i64, i64)]) -> String {
    let mut cx = Context::new();
    let e = cx.parse(text).unwrap();
    let s = cx.simplify(e);
    for &(x, y) in points {
        let at = [("x", Value::Int(x)), ("y", Value::Int(y))];
        if let Ok(v) = cx.eval(e, &at) {
            assert_eq!(
                cx.eval(s, &at),
                Ok(v),
                "{text} -> {} at x={x} y={y}",
                cx.display(s)
            );
        }
    }
    cx.display(s)
}

const EDGES: &[i64] = &[
    i64::MIN,
    i64::MIN + 1,
    -3,
    -2,
    -1,
    0,
    1,
    2,
    3,
    i64::MAX - 1,
    i64::MAX,
];

fn edge_points() -> Vec<(i64, i64)> {
    EDGES
        .iter()
        .flat_map(|x| EDGES.iter().map(move |y| (*x, *y)))
        .collect()
}

#[test]
fn i64_min_coefficients_do_not_panic() {
    let pts = edge_points();
    same_values("Mod(-9223372036854775808*x*y + 1, -x)", &pts);
    same_values("-FloorDiv(x + 1, 2) - 9223372036854775807 - 1", &pts);
    same_values("FloorDiv(-9223372036854775808*x*y, -x*y)", &pts);
    same_values("Mod(-9223372036854775808*x, -1)", &pts);
    same_values(
        "-9223372036854775808*FloorDiv(x, 2) - 9223372036854775807 - 1",
        &pts,
    );
}

#[test]
fn floordiv_by_i64_min_keeps_its_value() {
    let pts = edge_points();
    same_values("FloorDiv(2*x + 1, -9223372036854775808)", &pts);
    same_values("FloorDiv(4*x + 2*y, -9223372036854775808)", &pts);
    same_values("Mod(2*x + 1, -9223372036854775808)", &pts);
}

#[test]
fn int_true_div_bounds_are_correctly_rounded() {
    let (x, y) = ("2686407547256838345", "1553648194209694344");
    let mut cx = cx_with(&[("x", x, x), ("y", y, y)], &[]);
    let at = [
        ("x", Value::Int(x.parse().unwrap())),
        ("y", Value::Int(y.parse().unwrap())),
    ];
    let q = cx.parse("IntTrueDiv(x, y)").unwrap();
    let Ok(Value::Float(v)) = cx.eval(q, &at) else {
        panic!()
    };
    assert_eq!(v, 1.729_096_430_754_938_8);
    let p = cx.parse("IntTrueDiv(x, y) <= 1.7290964307549386").unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::False));
    let p = cx.parse("IntTrueDiv(x, y) <= 1.7290964307549388").unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::True));
    let Bound::Float { lo, hi } = cx.bound(q) else {
        panic!()
    };
    assert!(lo <= v && v <= hi);
}

/// The simplified form of `text` under `ranges` must evaluate without overflow at `point`,
/// where the input does.
fn no_new_overflow(text: &str, ranges: &[(&str, &str, &str)], point: &[(&str, i64)]) {
    let mut cx = cx_with(ranges, &[]);
    let e = cx.parse(text).unwrap();
    let s = cx.simplify(e);
    let at: Vec<(&str, Value)> = point.iter().map(|(n, v)| (*n, Value::Int(*v))).collect();
    let before = cx.eval(e, &at);
    assert!(before.is_ok(), "{text} at {point:?}: {before:?}");
    assert_eq!(cx.eval(s, &at), before, "{text} -> {}", cx.display(s));
}

#[test]
fn rewrites_never_introduce_an_overflow() {
    let big = 1i64 << 32;
    no_new_overflow(
        "FloorDiv(FloorDiv(x, a), b)",
        &[("a", "1", "oo"), ("b", "1", "oo")],
        &[("x", 5), ("a", big), ("b", big)],
    );
    no_new_overflow("CeilDiv(x, 9223372036854775807)", &[], &[("x", 2)]);
    no_new_overflow("CeilDiv(x, 4)", &[], &[("x", i64::MAX)]);
    no_new_overflow("FloorDiv(s0 - 1, 2) + 1", &[], &[("s0", i64::MAX)]);
    // A node the input computes may be computed again (`s27 + 2` here), and only such a node.
    let sizes = &[("s53", "1", "oo"), ("s77", "1", "oo"), ("s27", "1", "oo")];
    let edge = &[("s53", 1), ("s77", 1), ("s27", i64::MAX - 2)];
    no_new_overflow("s53*s77*(FloorDiv(s27 + 2, 3) - 1) + s53*s77", sizes, edge);
    no_new_overflow(
        "s53*s77*FloorDiv(s27 - 1, 3) + s53*s77",
        sizes,
        &[("s53", 1), ("s77", 1), ("s27", i64::MAX)],
    );
    no_new_overflow(
        "s27*s53*ModularIndexing(x, s27*s53, s77) + s53*ModularIndexing(x, s53, s27) + Mod(x, s53)",
        sizes,
        &[("s53", 1 << 31), ("s77", 2), ("s27", 1 << 31), ("x", 5)],
    );
    no_new_overflow(
        "s53*ModularIndexing(x, s53, s27) + Mod(x, s53)",
        sizes,
        &[("s53", 1 << 32), ("s27", 1 << 32), ("x", 5)],
    );
    // Nor is a product inside a sum: the sum is computed exactly, its terms may leave i64
    // where it does not (`a*b` = 2^63 here; found by fuzzing `simplify`).
    no_new_overflow(
        "FloorDiv(a*b - 8, 2) + 4",
        &[],
        &[("a", 1 << 32), ("b", 1 << 31)],
    );
    no_new_overflow(
        "x*k**2*(32*s31 + 32*FloorDiv(s53 - 7, 2))*(16*FloorDiv(m*s016*s62 - 2*d1*s6 - 8, 2) + 16)",
        &[],
        &[
            ("m", 1),
            ("d1", 16),
            ("k", 0),
            ("s016", i64::MIN),
            ("s31", -1),
            ("s53", 1024),
            ("s6", 2147483647),
            ("s62", -1),
            ("x", 63),
        ],
    );
    // A branch of a Where is not computed where the other is taken: its nodes are no evidence.
    no_new_overflow(
        "Where(s27 < 5, FloorDiv(s27 + 2, 3), 0) + FloorDiv(s27 - 1, 3) + 1",
        sizes,
        &[("s27", i64::MAX)],
    );
    no_new_overflow(
        "FloorDiv(FloorDiv(x, a), 4)",
        &[("a", "1", "oo")],
        &[("x", 5), ("a", i64::MAX / 2)],
    );
    // With ranges that keep the new values inside i64 the rewrites still happen.
    let mut cx = cx_with(&[("a", "1", "1024"), ("b", "1", "1024")], &[]);
    let e = cx.parse("FloorDiv(FloorDiv(x, a), b)").unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), "FloorDiv(x, a*b)");
}

#[test]
fn builders_refuse_ill_typed_operands() {
    let mut cx = Context::new();
    let x = cx.parse("x").unwrap();
    let lt = cx.parse("x < 3").unwrap();
    let half = cx.float(0.5);
    let t = cx.boolean(true);
    assert_eq!(cx.add(lt, x), None);
    assert_eq!(cx.add(half, x), None);
    assert_eq!(cx.add(t, x), None);
    assert_eq!(cx.mul(x, half), None);
    assert_eq!(cx.sub(x, t), None);
    assert_eq!(cx.neg(lt), None);
    assert_eq!(cx.scale(half, 2), None);
    assert_eq!(cx.pow(half, 2), None);
    assert_eq!(cx.floordiv(x, half), None);
    assert_eq!(cx.modulo(lt, x), None);
    assert_eq!(cx.ceildiv(x, t), None);
    assert_eq!(cx.min(&[x, half]), None);
    assert_eq!(cx.max(&[]), None);
    assert_eq!(cx.abs(lt), None);
    assert_eq!(cx.where_(x, x, x), None);
    assert_eq!(cx.where_(lt, x, half), None);
    assert_eq!(cx.and(&[lt, x]), None);
    assert_eq!(cx.not(x), None);
    assert_eq!(cx.to_float(lt), None);
    assert_eq!(cx.fadd(half, lt), None);
    assert_eq!(
        cx.compare(sym::CmpOp::Lt, x, half),
        None,
        "an int and a float do not compare without ToFloat"
    );
    let s = cx.lookup("x").unwrap();
    assert_eq!(cx.substitute(x, &[(s, half)]), None);
    // Well-typed builds still work, and bound never panics on what the builders make.
    let two = cx.int(2);
    let e = cx.floordiv(x, two).unwrap();
    let f = cx.fadd(half, x).unwrap();
    assert_eq!(cx.bound(e).to_string(), "[-oo, oo]");
    let _ = cx.bound(f);
    let _ = cx.bound(lt);
}

#[test]
fn handles_know_their_context() {
    let mut a = Context::new();
    let mut b = Context::new();
    let ea = a.parse("x + 1").unwrap();
    let _ = b.parse("y*z + 2").unwrap();
    assert!(a.owns(ea));
    // A clone accepts the handles its parent had made, not the ones made after it.
    let mut c = a.clone();
    assert!(c.owns(ea));
    let later = a.parse("FloorDiv(x, 7)").unwrap();
    let in_clone = c.parse("Mod(q, 5)").unwrap();
    assert!(a.owns(later));
    assert!(c.owns(in_clone));
    if cfg!(debug_assertions) {
        assert!(!b.owns(ea));
        assert!(!c.owns(later));
        assert!(!a.owns(in_clone));
    }
    // A node shared by parent and clone is one handle whichever context returns it.
    let again = c.parse("x + 1").unwrap();
    assert_eq!(again, ea);
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "an Expr of another Context")]
fn a_foreign_handle_panics_with_a_message_in_debug_builds() {
    let mut a = Context::new();
    let mut b = Context::new();
    let ea = a.parse("x + 1").unwrap();
    let _ = b.parse("y").unwrap();
    let _ = b.display(ea);
}

#[test]
fn symbols_know_their_context() {
    let mut a = Context::new();
    let mut b = Context::new();
    let x = a.symbol("x").unwrap();
    let _ = b.symbol("q").unwrap();
    assert!(a.owns_symbol(x));
    let mut c = a.clone();
    assert!(c.owns_symbol(x));
    assert_eq!(c.sym_name(x), "x");
    let later = a.symbol("later").unwrap();
    let in_clone = c.symbol("mine").unwrap();
    assert!(a.owns_symbol(later) && c.owns_symbol(in_clone));
    // An index past the context's symbols is refused in every build.
    assert!(!b.owns_symbol(later));
    if cfg!(debug_assertions) {
        // Same index, other context: only the identity tells them apart.
        assert!(!b.owns_symbol(x));
        assert!(!c.owns_symbol(later));
        assert!(!a.owns_symbol(in_clone));
    }
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "a Symbol of another Context")]
fn a_foreign_symbol_panics_with_a_message_in_debug_builds() {
    let mut a = Context::new();
    let mut b = Context::new();
    let x = a.symbol("x").unwrap();
    let _ = b.symbol("y").unwrap();
    let _ = b.sym_name(x);
}

#[test]
fn contradictory_facts_are_reported_not_answered_with_an_inverted_interval() {
    let mut cx = cx_with(&[("x", "0", "10")], &["x >= 20"]);
    let err = cx.check_facts().unwrap_err().to_string();
    assert!(
        err.contains("contradictory") && err.contains("'x'"),
        "{err}"
    );
    let mut cx = cx_with(&[("x", "0", "10"), ("y", "0", "x")], &["y >= 2"]);
    assert_eq!(cx.check_facts(), Ok(()));
}

/// A power whose lower end leaves i64 is a large finite value, not +oo: dividing it again must
/// not produce a lower bound that no value reaches (found by the edge fuzzer, N7).
#[test]
fn bounds_of_powers_past_i64_stay_sound() {
    let mut cx = cx_with(&[("s0", "4294967182", "4294967306")], &[]);
    let e = cx.parse("FloorDiv(s0*s0, s0) + 1").unwrap();
    assert_eq!(cx.bound(e).to_string(), "[4294967183, 4294967307]");
    let p = cx
        .parse("FloorDiv(s0*s0, 2) + 1 >= 9223372036854775807")
        .unwrap();
    // At s0 = 4294967182 the exact value is 9223371547228510563.
    assert_eq!(cx.prove(p), Ok(Truth::Unknown));
    let e = cx.parse("FloorDiv(s0**2, 2)").unwrap();
    match cx.bound(e) {
        Bound::Int { lo: Some(lo), .. } => assert!(lo <= 9_223_371_547_228_510_562),
        b => panic!("{b:?}"),
    }
}

/// FdResidueDrop dropped the terms whose coefficients the divisor divides when pulling them
/// out had been refused (no proof that the rest fits): `FloorDiv(32*a + 6*c + 1, 16)` with
/// `c >= 0` became `FloorDiv(3*c, 8)` (found by fuzz/'s simplify target in the CI smoke run).
/// Random numerators with such terms, every point of a small box.
#[test]
fn residue_drop_keeps_the_multiples_of_the_divisor() {
    let mut cx = Context::new();
    cx.set_range_str("c", "0", "").unwrap();
    let e = cx.parse("FloorDiv(32*a + 6*c + 1, 16)").unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), "FloorDiv(16*a + 3*c, 8)");
    let mut r = common::Rng(0x05E5_1D0E);
    for _ in 0..2000 {
        let d = r.range(2, 24);
        let (ka, kc, k0) = (d * r.range(-3, 3), r.range(-30, 30), r.range(-5, 5));
        let text = format!("FloorDiv({ka}*a*b + {kc}*c + {k0}, {d})");
        let mut cx = Context::new();
        cx.set_range_str("c", "0", "").unwrap();
        let e = cx.parse(&text).unwrap();
        let s = cx.simplify(e);
        for a in -3..=3 {
            for b in -2..=2 {
                for c in 0..=20 {
                    let at = [
                        ("a", Value::Int(a)),
                        ("b", Value::Int(b)),
                        ("c", Value::Int(c)),
                    ];
                    assert_eq!(
                        cx.eval(e, &at),
                        cx.eval(s, &at),
                        "{text} -> {} at a={a} b={b} c={c}",
                        cx.display(s)
                    );
                }
            }
        }
    }
}

/// Two sum factors that become equal when simplified merge into a power; its base is part of
/// the polynomial (one value, docs/rules.md §8), so `(a + b)**2*(s27 - 1)` is 0 at s27 = 1
/// although `a + b` leaves i64 (found by fuzz/'s simplify target in a 10-minute run).
#[test]
fn a_power_of_a_sum_is_one_polynomial_value() {
    let mut cx = Context::new();
    let e = cx.parse("(a + b + Mod(k, 1))*(a + b)*(s27 - 1)").unwrap();
    let s = cx.simplify(e);
    let big = i64::MAX;
    let at = [
        ("a", Value::Int(big)),
        ("b", Value::Int(big)),
        ("k", Value::Int(3)),
        ("s27", Value::Int(1)),
    ];
    assert_eq!(cx.eval(e, &at), Ok(Value::Int(0)));
    assert_eq!(cx.eval(s, &at), Ok(Value::Int(0)), "{}", cx.display(s));
}

/// A right-associative chain of powers (`x**1**1**...`, 200,000 of them) is parsed, evaluated
/// and used as an assumption on a small stack: the descent path took a level of recursion per
/// `**` without counting it and overflowed a batch worker's stack at 20,000 (found by a
/// differential review); a long chain now goes to the general parser, whose stacks are on the
/// heap.
#[test]
fn a_long_chain_of_powers_does_not_overflow_the_stack() {
    on_small_stack(|| {
        let chain = format!("x{}", "**1".repeat(200_000));
        let mut cx = Context::new();
        let e = cx.parse(&chain).unwrap();
        assert_eq!(cx.display(e), "x");
        let two = cx.parse(&format!("2{}", "**1".repeat(200_000))).unwrap();
        assert_eq!(cx.display(two), "2");
        let p = cx.parse_bool(&format!("Eq({chain}, 3)")).unwrap();
        cx.assume(p).unwrap();
        assert_eq!(cx.eval(e, &[("x", Value::Int(3))]), Ok(Value::Int(3)));
    });
}

/// A deep formula of connectives (`Or(x < 0, And(x > 1, Or(...)))`, 20,000 levels) is proved
/// and bounded on a small stack: past a fixed nesting the inner connectives are `unknown`
/// (docs/limits.md), where following them into their operands took a frame per level and
/// overflowed the stack (a review found the abort from Python and from `batch`).
#[test]
fn deep_connectives_are_answered_on_a_small_stack() {
    let n = 20_000;
    let text = format!(
        "{}x > 2{}",
        "Or(x < 0, And(x > 1, ".repeat(n),
        "))".repeat(n)
    );
    let (proved, bound, where_bound, ranged) = on_small_stack(move || {
        let mut cx = Context::new();
        let p = cx.parse(&text).unwrap();
        let proved = cx.prove(p).unwrap();
        let bound = cx.bound(p);
        let w = cx.parse(&format!("Where({text}, 1, -1)")).unwrap();
        let where_bound = cx.bound(w);
        // Decided at the top where the facts decide it: x in [-5, -1] makes `x < 0` true.
        let mut cx = cx_with(&[("x", "-5", "-1")], &[]);
        let p = cx.parse(&text).unwrap();
        (proved, bound, where_bound, cx.prove(p).unwrap())
    });
    assert_eq!(proved, sym::Truth::Unknown);
    assert_eq!(
        bound,
        sym::Bound::Bool {
            lo: false,
            hi: true
        }
    );
    assert_eq!(
        where_bound,
        sym::Bound::Int {
            lo: Some(-1),
            hi: Some(1)
        }
    );
    assert_eq!(ranged, sym::Truth::True);
}

/// Bounding a chain of `Where`s nested in their first branch, each under a condition on
/// the same symbol, is linear in the chain: each level used to bound its whole first branch
/// afresh under the narrowed range (40,000 levels: minutes; now a few milliseconds, what
/// simplifying it costs), past a budget of such work per query the branches' hull answers.
#[test]
fn nested_where_chains_are_bounded_in_linear_time() {
    let n = 40_000;
    let text = format!("{}x{}", "Where(x > 0, ".repeat(n), ", y)".repeat(n));
    let (plain, ranged) = on_small_stack(move || {
        let mut cx = Context::new();
        let e = cx.parse(&text).unwrap();
        let plain = cx.bound(e);
        let mut cx = cx_with(&[("x", "-3", "7"), ("y", "10", "20")], &[]);
        let e = cx.parse(&text).unwrap();
        (plain, cx.bound(e))
    });
    assert_eq!(plain, sym::Bound::Int { lo: None, hi: None });
    // The outer condition narrows x to [1, 7] in the first branch, y is [10, 20]: every
    // deeper Where takes its first branch there (its condition is then true).
    assert_eq!(
        ranged,
        sym::Bound::Int {
            lo: Some(1),
            hi: Some(20)
        }
    );
}
