//! Facts a compiler asks the prover for, with the answer each must get (`true`, `false`, or
//! `unknown` where the facts allow both), and equal expressions that must meet in one
//! canonical form. Every `true`/`false` row is also checked by evaluation on a small box.

use sym::{Context, Truth, Value};

type Ranges<'a> = &'a [(&'a str, &'a str, &'a str)];

const README: Ranges = &[
    ("s0", "16", "1024"),
    ("x0", "0", "s0 - 1"),
    ("x1", "0", "255"),
];
const SYMBOLIC: Ranges = &[
    ("s0", "16", "1024"),
    ("x0", "0", "s0 - 1"),
    ("x1", "0", "t - 1"),
];
const SIZE: Ranges = &[("s0", "1", "oo")];
const NONNEG: Ranges = &[("x", "0", "oo")];
const NONE: Ranges = &[];
const SIZE_NONNEG: Ranges = &[("s0", "1", "oo"), ("x", "0", "oo")];
const Y2: Ranges = &[("y", "2", "oo")];
const X2_6: Ranges = &[("x", "2", "6")];
const X2_600: Ranges = &[("x", "2", "600")];
const BOX3: Ranges = &[("x", "2", "6"), ("y", "1", "2"), ("w", "3", "3")];

fn truth(t: &str) -> Truth {
    match t {
        "true" => Truth::True,
        "false" => Truth::False,
        _ => Truth::Unknown,
    }
}

#[test]
fn prover_table() {
    let rows: &[(&str, Ranges, &str)] = &[
        ("x0 + s0*x1 < 256*s0", README, "true"),
        ("x0 + s0*x1 <= 256*s0 - 1", README, "true"),
        ("x0 + s0*x1 < 255*s0", README, "unknown"),
        ("x0 + s0*x1 >= 256*s0", README, "false"),
        ("s0*x1 <= 255*s0", README, "true"),
        ("s0*x1 < 255*s0", README, "unknown"),
        ("s0*x1 > 255*s0", README, "false"),
        ("s0*x1 >= 0", README, "true"),
        ("x0 < s0", README, "true"),
        ("x0 <= s0 - 2", README, "unknown"),
        ("x0 + s0*x1 < s0*t", SYMBOLIC, "true"),
        ("x0 + s0*x1 >= s0*t", SYMBOLIC, "false"),
        ("Mod(x, s0) < s0", SIZE, "true"),
        ("Mod(x, s0) >= 0", SIZE, "true"),
        ("Mod(x, s0) <= s0 - 1", SIZE, "true"),
        ("Mod(x, s0) < s0 - 1", SIZE, "unknown"),
        ("Mod(x, s0) >= s0", SIZE, "false"),
        ("Mod(x, s0) < 0", SIZE, "false"),
        ("FloorDiv(x, 8) <= x", NONNEG, "true"),
        ("FloorDiv(x, 8) > x", NONNEG, "false"),
        ("FloorDiv(x, 8) < x", NONNEG, "unknown"),
        ("FloorDiv(x, 8) <= x", NONE, "unknown"),
        ("FloorDiv(x, 8) >= 0", NONNEG, "true"),
        ("Or(x > 0, x <= 0)", NONE, "true"),
        ("Or(x < 3, x >= 3)", NONE, "true"),
        ("And(x > 0, x <= 0)", NONE, "false"),
        ("Or(x > 0, y <= 0)", NONE, "unknown"),
        ("Or(x > 0, x < 0)", NONE, "unknown"),
        ("Eq(Mod(16*s0*s1 + 8, 8), 0)", NONE, "true"),
        ("Eq(Mod(16*s0 + 4, 8), 0)", NONE, "false"),
        ("Eq(FloorDiv(x, 4) - FloorDiv(x - 4, 4), 1)", NONE, "true"),
        ("Eq(Abs(x), Abs(-x))", NONE, "true"),
        ("Abs(x - 3) >= 0", NONE, "true"),
        ("Ne(2*x, 7)", NONE, "true"),
        ("Eq(2*x, 2*y + 1)", NONE, "false"),
        ("x*x >= 0", NONE, "true"),
        ("s0*x1 - 255*s0 - 1 < 0", README, "true"),
        ("x1*s0 + x0 < 1024*256", README, "true"),
        ("Max(x0, 0) < s0", README, "true"),
        ("Min(x0, x1) <= 255", README, "true"),
        ("Min(x0, x1) < 0", README, "false"),
        // Definedness: a divisor is nonzero wherever the predicate is defined, so one known
        // `>= 0` is `>= 1` there (the answers hold where the predicate is defined).
        ("Mod(x, FloorDiv(s0, 4)) < FloorDiv(s0, 4)", SIZE, "true"),
        (
            "Mod(x, FloorDiv(s0, 4)) <= FloorDiv(s0, 4) - 1",
            SIZE,
            "true",
        ),
        ("Mod(x, FloorDiv(s0, 4)) >= FloorDiv(s0, 4)", SIZE, "false"),
        ("Mod(x, FloorDiv(s0, 4)) < 3", SIZE, "unknown"),
        ("FloorDiv(x, FloorDiv(s0, 4)) <= x", SIZE_NONNEG, "true"),
        ("FloorDiv(x, FloorDiv(s0, 4)) < x", SIZE_NONNEG, "unknown"),
        ("Mod(x, y - 2) < y - 2", Y2, "true"),
        ("Mod(x, y) < y", NONE, "unknown"),
        // Not a divisor: nothing follows from definedness.
        ("FloorDiv(s0, 4) >= 1", SIZE, "unknown"),
        // Small boxes (at most 512 points): a relation the intervals leave undecided is
        // decided by its value at each point (the sides' intervals, and the difference's
        // after rewriting, lose that both divide the same x).
        ("FloorDiv(x, 3*FloorDiv(x, 2)) <= 1", X2_6, "true"),
        ("FloorDiv(x, 3*FloorDiv(x, 2)) >= 2", X2_6, "false"),
        ("FloorDiv(x, 3*FloorDiv(x, 2)) < 1", X2_6, "unknown"), // 1 at x = 3
        (
            "FloorDiv(x, FloorDiv(x, 2))*FloorDiv(w, 3) <= FloorDiv(y, FloorDiv(y, 1)) + 2",
            BOX3,
            "true",
        ),
        // 599 points: past the box, as undecided as before.
        ("FloorDiv(x, 3*FloorDiv(x, 2)) <= 1", X2_600, "unknown"),
    ];
    let mut failures = Vec::new();
    for &(p, ranges, want) in rows {
        let mut cx = Context::new();
        for (s, lo, hi) in ranges {
            cx.set_range_str(s, lo, hi).unwrap();
        }
        let e = cx.parse(p).unwrap();
        let got = cx.prove(e).expect("a predicate");
        if got != truth(want) {
            failures.push(format!(
                "{p} with {ranges:?}: want {want}, got {}",
                got.as_str()
            ));
        }
        // A decided answer must agree with evaluation on a box inside the ranges.
        if got != Truth::Unknown {
            check_by_evaluation(&cx, e, ranges, got == Truth::True);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Evaluates `p` at the points of a small box (each free symbol over a window inside its
/// range) where every range holds, and asserts it is `expect` there.
fn check_by_evaluation(cx: &Context, p: sym::Expr, ranges: Ranges, expect: bool) {
    let syms = cx.free_symbols(p);
    let mut names: Vec<String> = syms.iter().map(|s| cx.sym_name(*s).to_string()).collect();
    for (s, _, _) in ranges {
        if !names.iter().any(|n| n == s) {
            names.push(s.to_string());
        }
    }
    let window = |name: &str| -> Vec<i64> {
        match name {
            "s0" => vec![1, 2, 3, 16, 17, 100, 1024],
            "x1" => vec![0, 1, 200, 254, 255],
            "t" => vec![1, 2, 256, 300],
            _ => (-6..=20).chain([1023, 1024]).collect(),
        }
    };
    let mut cur = vec![0usize; names.len()];
    loop {
        let vals: Vec<(&str, Value)> = names
            .iter()
            .zip(&cur)
            .map(|(n, i)| (n.as_str(), Value::Int(window(n)[*i])))
            .collect();
        let in_ranges = ranges.iter().all(|(s, lo, hi)| {
            let v = vals.iter().find(|(n, _)| n == s).map(|x| x.1);
            let Some(Value::Int(v)) = v else { return true };
            let end = |t: &str| -> Option<i64> {
                if t.is_empty() || t == "oo" {
                    return None;
                }
                let mut c2 = cx.clone();
                let e = c2.parse(t).ok()?;
                match c2.eval(e, &vals) {
                    Ok(Value::Int(x)) => Some(x),
                    _ => None,
                }
            };
            end(lo).is_none_or(|l| v >= l) && end(hi).is_none_or(|h| v <= h)
        });
        if in_ranges && let Ok(Value::Bool(b)) = cx.eval(p, &vals) {
            assert_eq!(b, expect, "{} at {vals:?}", cx.display(p));
        }
        let mut k = 0;
        loop {
            if k == cur.len() {
                return;
            }
            cur[k] += 1;
            if cur[k] < window(&names[k]).len() {
                break;
            }
            cur[k] = 0;
            k += 1;
        }
    }
}

/// Expressions equal by shifting a FloorDiv numerator by a multiple of its divisor, or by the
/// sign of an Abs argument, simplify to one form.
#[test]
fn equal_shifts_meet_in_one_canonical_form() {
    let pairs = [
        ("FloorDiv(x, 4) - FloorDiv(x - 4, 4)", "1"),
        ("FloorDiv(x + 8, 4) - FloorDiv(x, 4)", "2"),
        (
            "FloorDiv(x + 1, 4) + 2*FloorDiv(x + 9, 4)",
            "3*FloorDiv(x + 1, 4) + 4",
        ),
        ("Abs(x) - Abs(-x)", "0"),
        ("Abs(3 - x) - Abs(x - 3)", "0"),
        ("Mod(x - 4, 4) - Mod(x, 4)", "0"),
    ];
    for (text, want) in pairs {
        let mut cx = Context::new();
        let e = cx.parse(text).unwrap();
        let s = cx.simplify(e);
        assert_eq!(cx.display(s), want, "{text}");
        for x in -20..20 {
            let at = [("x", Value::Int(x))];
            assert_eq!(cx.eval(e, &at), cx.eval(s, &at), "{text} at {x}");
        }
    }
}

/// Over random boxes of at most 512 points, a relation of a few divisions and remainders
/// is proved true exactly when it holds at every point, and false exactly when it fails at
/// every one (each point evaluated here); others are unknown.
#[test]
fn small_boxes_are_decided_exactly() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let atoms = [
        "x",
        "y",
        "FloorDiv(x, 2)",
        "FloorDiv(x, y)",
        "Mod(x, 3)",
        "Mod(y, x)",
        "FloorDiv(3*x, y + 1)",
        "2*y - x",
    ];
    let ops = ["<", "<=", "==", "!=", ">", ">="];
    let (mut decided, mut undecided) = (0, 0);
    for _ in 0..1500 {
        let side = |next: &mut dyn FnMut(u64) -> u64| {
            let a = atoms[next(atoms.len() as u64) as usize];
            let b = atoms[next(atoms.len() as u64) as usize];
            match next(3) {
                0 => a.to_string(),
                1 => format!("{a} + {b}"),
                _ => format!("FloorDiv({a}, {})", next(4) + 1),
            }
        };
        let (l, r) = (side(&mut next), side(&mut next));
        let text = format!("{l} {} {r}", ops[next(ops.len() as u64) as usize]);
        let (xl, yl) = (next(8) as i64, next(8) as i64);
        let (xh, yh) = (xl + next(12) as i64, yl + next(12) as i64);
        let mut cx = Context::new();
        cx.set_range_str("x", &xl.to_string(), &xh.to_string())
            .unwrap();
        cx.set_range_str("y", &yl.to_string(), &yh.to_string())
            .unwrap();
        let p = cx.parse(&text).unwrap();
        let got = cx.prove(p).expect("a predicate");
        let (mut t, mut f) = (false, false);
        for x in xl..=xh {
            for y in yl..=yh {
                match cx.eval(p, &[("x", Value::Int(x)), ("y", Value::Int(y))]) {
                    Ok(Value::Bool(true)) => t = true,
                    Ok(Value::Bool(false)) => f = true,
                    _ => {}
                }
            }
        }
        let want = match (t, f) {
            (true, false) => Truth::True,
            (false, true) => Truth::False,
            (true, true) => Truth::Unknown,
            // Defined nowhere (`Mod(y, x)` with x = 0): every answer is vacuously right.
            (false, false) => continue,
        };
        assert_eq!(
            got, want,
            "{text} with x in [{xl}, {xh}], y in [{yl}, {yh}]"
        );
        if want == Truth::Unknown {
            undecided += 1;
        } else {
            decided += 1;
        }
    }
    assert!(decided > 300 && undecided > 300, "{decided} {undecided}");
}

/// A symbol against a constant, both ways round, under a plain range: decided exactly (true
/// when it holds at every value of the range, false when at none, else unknown); under facts
/// that say more than the range (a residue, a symbolic bound), never wrong, and the decisions
/// those facts allow are still made.
#[test]
fn a_symbol_against_a_constant_is_decided_exactly() {
    let ops = ["<", "<=", ">", ">=", "==", "!="];
    let holds = |op: &str, a: i64, b: i64| match op {
        "<" => a < b,
        "<=" => a <= b,
        ">" => a > b,
        ">=" => a >= b,
        "==" => a == b,
        _ => a != b,
    };
    let ends: Vec<(Option<i64>, Option<i64>)> = {
        let mut v = vec![(None, None)];
        for lo in -3..=3 {
            v.push((Some(lo), None));
            v.push((None, Some(lo)));
            for hi in lo..=lo + 4 {
                v.push((Some(lo), Some(hi)));
            }
        }
        v
    };
    let text = |e: Option<i64>| e.map_or(String::new(), |v| v.to_string());
    let mut checked = 0;
    for &(lo, hi) in &ends {
        // Every value of the range the relations below can tell apart.
        let values: Vec<i64> = (-40..=40)
            .filter(|v| lo.is_none_or(|l| *v >= l) && hi.is_none_or(|h| *v <= h))
            .collect();
        for c in -6..=8 {
            for op in ops {
                for flipped in [false, true] {
                    let rel = if flipped {
                        format!("{c} {op} x")
                    } else {
                        format!("x {op} {c}")
                    };
                    let at = |v: i64| {
                        if flipped {
                            holds(op, c, v)
                        } else {
                            holds(op, v, c)
                        }
                    };
                    let want = if values.iter().all(|v| at(*v)) {
                        Truth::True
                    } else if values.iter().all(|v| !at(*v)) {
                        Truth::False
                    } else {
                        Truth::Unknown
                    };
                    let mut cx = Context::new();
                    cx.set_range_str("x", &text(lo), &text(hi)).unwrap();
                    let p = cx.parse(&rel).unwrap();
                    assert_eq!(cx.prove(p).unwrap(), want, "{rel} over [{lo:?}, {hi:?}]");
                    // The same relation where x is even: sound at every even value.
                    let mut cx = Context::new();
                    cx.set_range_str("x", &text(lo), &text(hi)).unwrap();
                    cx.add_fact_text("Eq(Mod(x, 2), 0)").unwrap();
                    let p = cx.parse(&rel).unwrap();
                    let even: Vec<i64> = values.iter().copied().filter(|v| v % 2 == 0).collect();
                    match cx.prove(p).unwrap() {
                        Truth::True => assert!(even.iter().all(|v| at(*v)), "{rel} even"),
                        Truth::False => assert!(even.iter().all(|v| !at(*v)), "{rel} even"),
                        Truth::Unknown => {}
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 5000, "{checked}");
    // What the facts beyond the range decide.
    let rows: &[(&str, Ranges, &[&str], Truth)] = &[
        (
            "Eq(x, 3)",
            &[("x", "0", "10")],
            &["Eq(Mod(x, 2), 0)"],
            Truth::False,
        ),
        (
            "Ne(x, 3)",
            &[("x", "0", "oo")],
            &["Eq(Mod(x, 2), 0)"],
            Truth::True,
        ),
        (
            "x >= 4",
            &[("x", "y", "oo"), ("y", "4", "oo")],
            &[],
            Truth::True,
        ),
        (
            "x < 4",
            &[("x", "0", "oo"), ("y", "4", "oo")],
            &["x >= y"],
            Truth::False,
        ),
        (
            "3 < x",
            &[("x", "0", "oo"), ("y", "4", "oo")],
            &["x >= y"],
            Truth::True,
        ),
    ];
    for (rel, ranges, assume, want) in rows {
        let mut cx = Context::new();
        for (s, lo, hi) in *ranges {
            cx.set_range_str(s, lo, hi).unwrap();
        }
        for a in *assume {
            cx.add_fact_text(a).unwrap();
        }
        let p = cx.parse(rel).unwrap();
        assert_eq!(cx.prove(p).unwrap(), *want, "{rel}");
    }
}
