//! Shared test helpers: a deterministic PRNG, a random expression generator (text, so the
//! parser is exercised too), and the `check*` seams the table tests go through.
#![allow(dead_code)]

use sym::{Context, Value};

/// xorshift64*: deterministic, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    pub fn chance(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

pub const SYMS: &[&str] = &["a", "b", "c", "s0", "x0"];

/// A random integer expression in sympy syntax mixing every integer operator.
pub fn gen_int(r: &mut Rng, depth: u32) -> String {
    gen_int_with(r, depth, SYMS)
}

/// [`gen_int`] over the given symbols.
pub fn gen_int_with(r: &mut Rng, depth: u32, syms: &[&str]) -> String {
    if depth == 0 || r.chance(25) {
        return if r.chance(35) {
            let v = r.range(-9, 12);
            if v < 0 {
                format!("({v})")
            } else {
                v.to_string()
            }
        } else {
            syms[r.below(syms.len() as u64) as usize].to_string()
        };
    }
    let d = depth - 1;
    match r.below(20) {
        0 | 1 => format!(
            "({} + {})",
            gen_int_with(r, d, syms),
            gen_int_with(r, d, syms)
        ),
        2 => format!(
            "({} - {})",
            gen_int_with(r, d, syms),
            gen_int_with(r, d, syms)
        ),
        3 | 4 => format!("{}*{}", r.range(-4, 8), gen_int_with(r, d, syms)),
        5 => format!(
            "({})*({})",
            gen_int_with(r, d, syms),
            gen_int_with(r, d, syms)
        ),
        6 | 7 => format!(
            "FloorDiv({}, {})",
            gen_int_with(r, d, syms),
            divisor(r, d, syms)
        ),
        8 | 9 => format!("Mod({}, {})", gen_int_with(r, d, syms), divisor(r, d, syms)),
        10 => format!(
            "ModularIndexing({}, {}, {})",
            gen_int_with(r, d, syms),
            r.range(1, 8),
            r.range(1, 9)
        ),
        11 => format!(
            "Min({}, {})",
            gen_int_with(r, d, syms),
            gen_int_with(r, d, syms)
        ),
        12 => format!(
            "Max({}, {}, {})",
            gen_int_with(r, d, syms),
            gen_int_with(r, d, syms),
            gen_int_with(r, d, syms)
        ),
        13 => format!("Abs({})", gen_int_with(r, d, syms)),
        14 => format!(
            "Where({}, {}, {})",
            gen_bool_with(r, d, syms),
            gen_int_with(r, d, syms),
            gen_int_with(r, d, syms)
        ),
        15 => format!(
            "CeilDiv({}, {})",
            gen_int_with(r, d, syms),
            divisor(r, d, syms)
        ),
        16 => format!("({})**{}", gen_int_with(r, d, syms), r.range(0, 3)),
        17 => format!(
            "{}*FloorDiv({}, {}) + Mod({}, {})",
            r.range(1, 8),
            gen_int_with(r, d, syms),
            r.range(1, 8),
            gen_int_with(r, d, syms),
            r.range(1, 8)
        ),
        18 => format!("TruncToInt(0.5*ToFloat({}))", gen_int_with(r, d, syms)),
        _ => format!(
            "{}(IntTrueDiv({}, {}))",
            ["FloorToInt", "CeilToInt"][r.below(2) as usize],
            gen_int_with(r, d, syms),
            divisor(r, d, syms)
        ),
    }
}

fn divisor(r: &mut Rng, d: u32, syms: &[&str]) -> String {
    if r.chance(60) {
        let v = r.range(-4, 9);
        if v < 0 {
            format!("({v})")
        } else {
            v.to_string()
        }
    } else {
        gen_int_with(r, d.min(1), syms)
    }
}

pub fn gen_bool(r: &mut Rng, depth: u32) -> String {
    gen_bool_with(r, depth, SYMS)
}

pub fn gen_bool_with(r: &mut Rng, depth: u32, syms: &[&str]) -> String {
    let d = depth.saturating_sub(1);
    // Relations of two integers (a template with two holes), then the connectives.
    const RELATIONS: [&str; 5] = ["Eq(#, #)", "Ne(#, #)", "# < #", "# <= #", "# > #"];
    let k = r.below(7) as usize;
    if k < RELATIONS.len() {
        let (a, b) = (gen_int_with(r, d, syms), gen_int_with(r, d, syms));
        return RELATIONS[k].replacen('#', &a, 1).replacen('#', &b, 1);
    }
    let (p, q) = (gen_bool_with(r, d, syms), gen_bool_with(r, d, syms));
    if k == 5 {
        format!("And({p}, {q})")
    } else {
        format!("Or({p}, Not({q}))")
    }
}

/// Random facts: numeric ranges on some symbols, and sometimes the symbolic range
/// `x0 in [0, s0 - 1]` with `s0 >= 1`. Returns the boxes to sample from.
pub struct Facts {
    pub boxes: Vec<(&'static str, i64, i64)>,
    pub x0_below_s0: bool,
    /// Assumed `Eq(Mod(b, k), 0)`.
    pub b_multiple_of: Option<i64>,
    /// Assumed `c <= a`.
    pub c_le_a: bool,
}

pub fn gen_facts(r: &mut Rng, cx: &mut Context) -> Facts {
    let mut boxes = Vec::new();
    let x0_below_s0 = r.chance(25);
    for &s in SYMS {
        if x0_below_s0 && s == "x0" {
            cx.set_range_str("x0", "0", "s0 - 1").unwrap();
            continue;
        }
        if x0_below_s0 && s == "s0" {
            let hi = r.range(1, 20);
            cx.set_range_str("s0", "1", &hi.to_string()).unwrap();
            boxes.push((s, 1, hi));
            continue;
        }
        if r.chance(60) {
            let lo = r.range(-12, 6);
            let hi = lo + r.range(0, 20);
            cx.set_range_str(s, &lo.to_string(), &hi.to_string())
                .unwrap();
            boxes.push((s, lo, hi));
        } else {
            boxes.push((s, -25, 25));
        }
    }
    // Assumptions, sometimes: divisibility of b, and an ordering c <= a.
    let mut b_multiple_of = None;
    if r.chance(25) {
        let k = r.range(2, 4);
        let (lo, hi) = boxes
            .iter()
            .find(|b| b.0 == "b")
            .map(|b| (b.1, b.2))
            .unwrap();
        let first = lo + (k - lo.rem_euclid(k)) % k;
        if first <= hi {
            let p = cx.parse_bool(&format!("Eq(Mod(b, {k}), 0)")).unwrap();
            cx.assume(p).unwrap();
            b_multiple_of = Some(k);
        }
    }
    let mut c_le_a = false;
    if r.chance(25) {
        let (alo, ahi) = boxes
            .iter()
            .find(|b| b.0 == "a")
            .map(|b| (b.1, b.2))
            .unwrap();
        let (clo, _) = boxes
            .iter()
            .find(|b| b.0 == "c")
            .map(|b| (b.1, b.2))
            .unwrap();
        if clo <= ahi {
            let _ = alo;
            let p = cx.parse_bool("c <= a").unwrap();
            cx.assume(p).unwrap();
            c_le_a = true;
        }
    }
    Facts {
        boxes,
        x0_below_s0,
        b_multiple_of,
        c_le_a,
    }
}

pub fn sample(r: &mut Rng, f: &Facts) -> Vec<(&'static str, Value)> {
    let mut v: Vec<(&'static str, Value)> = loop {
        let v: Vec<(&'static str, Value)> = f
            .boxes
            .iter()
            .map(|(n, lo, hi)| {
                let mut x = r.range(*lo, *hi);
                if *n == "b"
                    && let Some(k) = f.b_multiple_of
                {
                    // The largest multiple of k at or below x, or the first one in the box.
                    x -= x.rem_euclid(k);
                    if x < *lo {
                        x += k;
                    }
                }
                (*n, Value::Int(x))
            })
            .collect();
        let get = |n: &str| match v.iter().find(|p| p.0 == n).map(|p| p.1) {
            Some(Value::Int(x)) => x,
            _ => 0,
        };
        if !f.c_le_a || get("c") <= get("a") {
            break v;
        }
    };
    if f.x0_below_s0 {
        let s0 = v.iter().find(|p| p.0 == "s0").map(|p| p.1).unwrap();
        let Value::Int(s0) = s0 else { unreachable!() };
        v.push(("x0", Value::Int(r.range(0, s0 - 1))));
    }
    v
}

/// Parses, simplifies with the given ranges, and compares the text.
#[track_caller]
pub fn check(input: &str, ranges: &[(&str, &str, &str)], expected: &str) {
    let mut cx = Context::new();
    for (n, lo, hi) in ranges {
        cx.set_range_str(n, lo, hi).unwrap();
    }
    let e = cx
        .parse(input)
        .unwrap_or_else(|err| panic!("parse {input}: {err}"));
    let s = cx.simplify(e);
    let got = cx.display(s);
    let want = cx.parse(expected).unwrap();
    let want = cx.display(want);
    assert_eq!(
        got, want,
        "\nInput:    {input}\nRanges:   {ranges:?}\nOutput:   {got}\nExpected: {want}"
    );
}

/// Same as [`check`] with assumptions.
#[track_caller]
pub fn check_with(input: &str, ranges: &[(&str, &str, &str)], assume: &[&str], expected: &str) {
    let mut cx = Context::new();
    for (n, lo, hi) in ranges {
        cx.set_range_str(n, lo, hi).unwrap();
    }
    for a in assume {
        let p = cx.parse_bool(a).unwrap();
        cx.assume(p).unwrap();
    }
    let e = cx.parse(input).unwrap();
    let s = cx.simplify(e);
    let got = cx.display(s);
    let want = cx.parse(expected).unwrap();
    let want = cx.display(want);
    assert_eq!(
        got, want,
        "\nInput:    {input}\nAssume:   {assume:?}\nOutput:   {got}\nExpected: {want}"
    );
}

/// Bound as text `[lo, hi]`.
#[track_caller]
pub fn check_bound(input: &str, ranges: &[(&str, &str, &str)], expected: &str) {
    let mut cx = Context::new();
    for (n, lo, hi) in ranges {
        cx.set_range_str(n, lo, hi).unwrap();
    }
    let e = cx.parse(input).unwrap();
    let got = cx.bound(e).to_string();
    assert_eq!(got, expected, "\nInput: {input}\nRanges: {ranges:?}");
}

/// Prover answer.
#[track_caller]
pub fn check_prove(input: &str, ranges: &[(&str, &str, &str)], assume: &[&str], expected: &str) {
    let mut cx = Context::new();
    for (n, lo, hi) in ranges {
        cx.set_range_str(n, lo, hi).unwrap();
    }
    for a in assume {
        let p = cx.parse_bool(a).unwrap();
        cx.assume(p).unwrap();
    }
    let e = cx.parse(input).unwrap();
    let got = cx.prove(e).expect("a predicate").as_str();
    assert_eq!(
        got, expected,
        "\nPredicate: {input}\nRanges: {ranges:?}\nAssume: {assume:?}"
    );
}

/// Whether the solver's answer holds when its target has the value `t` and the symbols have
/// `vals`: the relations and conditions of a plain answer, or of the one case whose guard
/// holds (exactly one must: the guards are exclusive and cover the domain). `None` when some
/// part of the answer cannot be evaluated there (division by zero).
pub fn solution_holds(
    cx: &Context,
    sol: &sym::Solution,
    t: Value,
    vals: &[(&str, Value)],
) -> Option<bool> {
    let truth = |e: sym::Expr| match cx.eval(e, vals) {
        Ok(Value::Bool(b)) => Some(b),
        _ => None,
    };
    let (rels, conds) = if sol.cases.is_empty() {
        (&sol.relations, &sol.conditions)
    } else {
        let mut hit = None;
        for c in &sol.cases {
            if truth(c.when)? {
                assert!(hit.is_none(), "two guards hold at {vals:?}: {sol:?}");
                hit = Some(c);
            }
        }
        let c = hit.unwrap_or_else(|| panic!("no guard holds at {vals:?}: {sol:?}"));
        (&c.relations, &c.conditions)
    };
    let mut ok = true;
    for c in conds {
        ok &= truth(*c)?;
    }
    for r in rels {
        let rhs = cx.eval(r.rhs, vals).ok()?;
        let ord = match (t, rhs) {
            (Value::Int(a), Value::Int(b)) => a.partial_cmp(&b),
            (Value::Float(a), Value::Float(b)) => a.partial_cmp(&b),
            (Value::Float(a), Value::Int(b)) => a.partial_cmp(&(b as f64)),
            _ => None,
        };
        use std::cmp::Ordering::*;
        ok &= match r.op {
            sym::RelOp::Eq => ord == Some(Equal),
            sym::RelOp::Ne => ord != Some(Equal),
            sym::RelOp::Lt => ord == Some(Less),
            sym::RelOp::Le => matches!(ord, Some(Less | Equal)),
            sym::RelOp::Gt => ord == Some(Greater),
            sym::RelOp::Ge => matches!(ord, Some(Greater | Equal)),
        };
    }
    Some(ok)
}

/// A context where `a` and `b` range over the box `a.0..=a.1` × `b.0..=b.1`.
pub fn box_context(a: (i64, i64), b: (i64, i64)) -> Context {
    let mut cx = Context::new();
    cx.set_range_str("a", &a.0.to_string(), &a.1.to_string())
        .unwrap();
    cx.set_range_str("b", &b.0.to_string(), &b.1.to_string())
        .unwrap();
    cx
}

/// The exact extremes of `e`, in `a` and `b`, over the box (every point is evaluated: `e` must
/// be defined at each, as with constant divisors).
pub fn box_extremes(cx: &mut Context, e: sym::Expr, a: (i64, i64), b: (i64, i64)) -> (i64, i64) {
    let (mut mn, mut mx) = (i64::MAX, i64::MIN);
    for x in a.0..=a.1 {
        for y in b.0..=b.1 {
            let Ok(Value::Int(v)) = cx.eval(e, &[("a", Value::Int(x)), ("b", Value::Int(y))])
            else {
                panic!("every point is defined")
            };
            mn = mn.min(v);
            mx = mx.max(v);
        }
    }
    (mn, mx)
}
