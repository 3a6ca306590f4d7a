//! Shared input format and exact oracles of the fuzz targets (fuzz/README.md).
//!
//! A case is UTF-8 text, one item per line, so that seeds are readable and a crash file is the
//! reproduction:
//!
//! ```text
//! FloorDiv(x0 + s0*x1, s0)      <- the expression (or relation), always the first line
//! s0=1..1024                    <- a range NAME=LO..HI, either end may be empty or symbolic
//! x0=0..s0 - 1
//! assume Eq(Mod(s0, 8), 0)      <- an assumption
//! float zf0                     <- a float symbol
//! for x1                        <- the solve target (a symbol or any sub-expression)
//! ```
//!
//! The oracles evaluate with `Context::eval` (exact, checked; a polynomial is one value computed
//! in 128 bits, docs/rules.md §8) at points sampled from the case's own text: small values, the
//! numeric range ends and their neighbours, values next to the symbolic range ends, and the i64
//! edges. A point is in the domain when every range end and assumption evaluates there and
//! holds. Everything is deterministic in the input, so a crash reproduces.

use sym::{Bound, Context, Expr, RangeEnd, SolveResult, Truth, Ty, Value};

/// The i64 edges every integer symbol is tried at (as in tests/edge_fuzz.rs).
pub const EDGES: [i64; 14] = [
    i64::MIN,
    i64::MIN + 1,
    i64::MAX,
    i64::MAX - 1,
    1 << 62,
    -(1 << 62),
    1 << 32,
    -(1 << 32),
    (1 << 31) - 1,
    -(1 << 31),
    3_037_000_499,
    3_037_000_500,
    i64::MAX / 2,
    i64::MIN / 2,
];

/// Points per case (before the domain filter).
const POINTS: usize = 48;

/// A decoded case (see the crate docs).
#[derive(Debug, Default)]
pub struct Case<'a> {
    /// The expression or relation.
    pub head: &'a str,
    /// `(name, lo, hi)`, ends as text.
    pub ranges: Vec<(&'a str, &'a str, &'a str)>,
    /// Assumptions, as text.
    pub assume: Vec<&'a str>,
    /// Float symbols.
    pub floats: Vec<&'a str>,
    /// The solve target, as text.
    pub target: Option<&'a str>,
}

/// Decodes a case; `None` for input that is not UTF-8 or has too many lines.
pub fn decode(data: &[u8]) -> Option<Case<'_>> {
    let text = std::str::from_utf8(data).ok()?;
    let mut lines = text.split('\n');
    let mut case = Case {
        head: lines.next()?,
        ..Case::default()
    };
    for l in lines.take(16) {
        if let Some(p) = l.strip_prefix("assume ") {
            case.assume.push(p);
        } else if let Some(f) = l.strip_prefix("float ") {
            case.floats.push(f.trim());
        } else if let Some(t) = l.strip_prefix("for ") {
            case.target = Some(t);
        } else if let Some((n, r)) = l.split_once('=')
            && let Some((lo, hi)) = r.split_once("..")
        {
            case.ranges.push((n.trim(), lo, hi));
        }
    }
    Some(case)
}

/// The case's ranges as `monotone_bound_text` takes them, when the case has only ranges with
/// integer (or empty) ends: an empty lower end as `i64::MIN`, an explicit `-2^63` refused
/// (as the CLI refuses it there).
pub fn constant_ranges<'a>(case: &Case<'a>) -> Option<Vec<(&'a str, i64, Option<i64>)>> {
    if !case.assume.is_empty() || !case.floats.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for &(n, lo, hi) in &case.ranges {
        let lo = match lo.trim() {
            "" => i64::MIN,
            t => t.parse::<i64>().ok().filter(|&v| v != i64::MIN)?,
        };
        let hi = match hi.trim() {
            "" => None,
            t => Some(t.parse::<i64>().ok()?),
        };
        out.push((n, lo, hi));
    }
    Some(out)
}

/// The operations evaluating `e` at every point of its symbols' box takes (points times
/// `e`'s size), when every symbol of `e` has a finite constant range and the box has at most
/// 512 points; `None` otherwise.
pub fn small_box_ops(cx: &Context, e: Expr) -> Option<usize> {
    let mut points: usize = 1;
    for s in cx.free_symbols(e) {
        let (RangeEnd::Expr(lo), RangeEnd::Expr(hi)) = cx.range(s) else {
            return None;
        };
        let (lo, hi) = (cx.as_int(lo)?, cx.as_int(hi)?);
        points = points.checked_mul(usize::try_from(hi.checked_sub(lo)?.checked_add(1)?).ok()?)?;
        if points > 512 {
            return None;
        }
    }
    Some(points * (cx.size(e) + 1))
}

/// A context with the case's types, ranges and assumptions; `None` when the engine refuses
/// them (an error is an answer, not a failure).
pub fn context(case: &Case) -> Option<Context> {
    let mut cx = Context::new();
    for f in &case.floats {
        cx.declare(f, Ty::Float).ok()?;
    }
    for (n, lo, hi) in &case.ranges {
        cx.set_range_str(n, lo, hi).ok()?;
    }
    for a in &case.assume {
        let p = cx.parse_bool(a).ok()?;
        cx.assume(p).ok()?;
    }
    cx.check_facts().ok()?;
    Some(cx)
}

/// xorshift64*, seeded from the input.
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with a hash of `data` (never zero).
    pub fn from_bytes(data: &[u8]) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in data {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h | 1)
    }
    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Every symbol the case mentions: the given expressions' and, transitively, their ranges' and
/// the assumptions'.
pub fn symbols(cx: &Context, roots: &[Expr]) -> Vec<sym::Symbol> {
    let mut out: Vec<sym::Symbol> = Vec::new();
    let mut todo: Vec<Expr> = roots.to_vec();
    todo.extend_from_slice(cx.assumptions());
    while let Some(e) = todo.pop() {
        for s in cx.free_symbols(e) {
            if !out.contains(&s) {
                out.push(s);
                let (lo, hi) = cx.range(s);
                for end in [lo, hi] {
                    if let RangeEnd::Expr(x) = end {
                        todo.push(x);
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| cx.sym_name(*a).cmp(cx.sym_name(*b)));
    out
}

/// A point: symbol names and values.
pub type Point = Vec<(String, Value)>;

fn as_slice(p: &Point) -> Vec<(&str, Value)> {
    p.iter().map(|(n, v)| (n.as_str(), *v)).collect()
}

/// Evaluates `e` at `p`.
pub fn eval(cx: &Context, e: Expr, p: &Point) -> Result<Value, sym::EvalError> {
    cx.eval(e, &as_slice(p))
}

fn cmp_le(a: Value, b: Value) -> Option<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x <= y),
        (Value::Int(x), Value::Float(y)) => Some((x as f64) <= y),
        (Value::Float(x), Value::Int(y)) => Some(x <= y as f64),
        (Value::Float(x), Value::Float(y)) => Some(x <= y),
        _ => None,
    }
}

/// Whether `p` is in the domain: every range end and assumption evaluates and holds.
pub fn in_domain(cx: &Context, syms: &[sym::Symbol], p: &Point) -> bool {
    for s in syms {
        let Some(v) = p.iter().find(|(n, _)| n == cx.sym_name(*s)).map(|x| x.1) else {
            return false;
        };
        let (lo, hi) = cx.range(*s);
        if let RangeEnd::Expr(e) = lo {
            match eval(cx, e, p).ok().and_then(|l| cmp_le(l, v)) {
                Some(true) => {}
                _ => return false,
            }
        }
        if let RangeEnd::Expr(e) = hi {
            match eval(cx, e, p).ok().and_then(|h| cmp_le(v, h)) {
                Some(true) => {}
                _ => return false,
            }
        }
    }
    cx.assumptions()
        .iter()
        .all(|a| matches!(eval(cx, *a, p), Ok(Value::Bool(true))))
}

fn int_candidates(r: &mut Rng, out: &mut Vec<i64>) {
    out.extend([0, 1, -1, 2, -2, 3, 7, 8, 16, 63, 64, 1024]);
    out.push(EDGES[r.below(EDGES.len())]);
    out.push((r.next_u64() % 41) as i64 - 20);
}

/// Points in the domain (at most [`POINTS`] tries): each symbol takes a small value, an i64
/// edge, a numeric range end or its neighbour, or (when its end is symbolic and the end's
/// symbols already have values) a value at or next to that end.
pub fn points(cx: &Context, syms: &[sym::Symbol], r: &mut Rng) -> Vec<Point> {
    let mut out = Vec::new();
    for _ in 0..POINTS {
        let mut p: Point = Vec::new();
        // Symbols with numeric ends first, so that symbolic ends can be evaluated.
        let mut order: Vec<sym::Symbol> = syms.to_vec();
        order.sort_by_key(|s| {
            let (lo, hi) = cx.range(*s);
            let symbolic = |e: RangeEnd| match e {
                RangeEnd::Expr(x) => !cx.free_symbols(x).is_empty(),
                RangeEnd::Infinite => false,
            };
            symbolic(lo) || symbolic(hi)
        });
        for s in order {
            let name = cx.sym_name(s).to_string();
            let (lo, hi) = cx.range(s);
            let mut ends: Vec<Value> = Vec::new();
            for (end, d) in [(lo, 1i64), (hi, -1)] {
                if let RangeEnd::Expr(e) = end
                    && let Ok(v) = eval(cx, e, &p)
                {
                    ends.push(v);
                    if let Value::Int(k) = v
                        && let Some(k1) = k.checked_add(d)
                    {
                        ends.push(Value::Int(k1));
                    }
                }
            }
            let v = if cx.sym_ty(s) == Ty::Float {
                if !ends.is_empty() && r.below(2) == 0 {
                    ends[r.below(ends.len())]
                } else {
                    let fs = [0.0, 1.0, -1.0, 0.5, -2.25, 3.0, 1e10, -1e300, 7.75];
                    Value::Float(fs[r.below(fs.len())])
                }
            } else if !ends.is_empty() && r.below(3) != 0 {
                ends[r.below(ends.len())]
            } else {
                let mut c = Vec::new();
                int_candidates(r, &mut c);
                Value::Int(c[r.below(c.len())])
            };
            let v = match (cx.sym_ty(s), v) {
                (Ty::Float, Value::Int(k)) => Value::Float(k as f64),
                (Ty::Int, Value::Float(f)) => Value::Int(f as i64),
                (_, v) => v,
            };
            p.push((name, v));
        }
        if in_domain(cx, syms, &p) && !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

fn same(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        _ => a == b,
    }
}

/// The parser oracle: a parsed expression prints to text that parses back to the same node, in
/// the same context and in a fresh one (where it prints the same text again).
pub fn check_parse(text: &str) {
    let mut cx = Context::new();
    let e = match cx.parse(text) {
        Ok(e) => e,
        Err(_) => return,
    };
    let t = cx.display(e);
    let back = cx
        .parse(&t)
        .unwrap_or_else(|err| panic!("{text:?} prints as {t:?}, which does not parse: {err}"));
    assert!(
        back == e,
        "{text:?} prints as {t:?}, which parses to another node"
    );
    let mut fresh = Context::new();
    let f = fresh
        .parse(&t)
        .unwrap_or_else(|err| panic!("{t:?} does not parse in a fresh context: {err}"));
    assert_eq!(
        fresh.display(f),
        t,
        "{text:?}: printing is context-dependent"
    );
}

/// The simplify oracle: never larger, prints and parses back, and has the input's value at
/// every sampled domain point where the input evaluates (no new overflow, no new division by
/// zero).
pub fn check_simplify(data: &[u8]) {
    let Some(case) = decode(data) else { return };
    let Some(mut cx) = context(&case) else { return };
    let Ok(e) = cx.parse(case.head) else { return };
    let s = cx.simplify(e);
    assert!(
        cx.size(s) <= cx.size(e),
        "{}: simplified to the larger {}",
        cx.display(e),
        cx.display(s)
    );
    let t = cx.display(s);
    let back = cx
        .parse(&t)
        .unwrap_or_else(|err| panic!("{t:?} does not parse: {err}"));
    assert!(back == s, "{t:?} parses to another node");
    // The full expansion (sympy's expand): its own expansion, and the input's value wherever
    // both evaluate (its terms may overflow where the input does not).
    let x = cx.expand(e, 64, true);
    if let Some(x) = x {
        assert!(
            cx.expand(x, 64, true) == Some(x),
            "expand({}) = {} is not its own expansion",
            cx.display(e),
            cx.display(x)
        );
    }
    let syms = symbols(&cx, &[e]);
    let mut r = Rng::from_bytes(data);
    for p in points(&cx, &syms, &mut r) {
        if let Ok(v) = eval(&cx, e, &p) {
            let w = eval(&cx, s, &p);
            assert!(
                matches!(w, Ok(w) if same(v, w)),
                "{} = {v:?} but simplified {t} = {w:?} at {p:?}",
                cx.display(e)
            );
            if let Some(x) = x
                && let Ok(w) = eval(&cx, x, &p)
            {
                assert!(
                    same(v, w),
                    "{} = {v:?} but its expansion {} = {w:?} at {p:?}",
                    cx.display(e),
                    cx.display(x)
                );
            }
        }
    }
}

/// Whether `v` lies in `b`.
pub fn in_bound(v: Value, b: Bound) -> bool {
    match (v, b) {
        (Value::Int(x), Bound::Int { lo, hi }) => {
            lo.is_none_or(|l| l <= x) && hi.is_none_or(|h| x <= h)
        }
        (Value::Float(x), Bound::Float { lo, hi }) => x.is_nan() || (lo <= x && x <= hi),
        (Value::Bool(x), Bound::Bool { lo, hi }) => (x || !lo) && (!x || hi),
        _ => false,
    }
}

/// The bound oracle: every value at a sampled domain point lies in the bound, of the input and
/// of its simplified form.
pub fn check_bound(data: &[u8]) {
    let Some(case) = decode(data) else { return };
    // The bound read from the text (`Context::monotone_bound_text`, which the CLI answers
    // with) is within the engine's (exact, where the engine may be wider), or declined;
    // declined wherever the engine refuses the case.
    let walked =
        constant_ranges(&case).and_then(|r| Context::new().monotone_bound_text(case.head, &r));
    let Some(mut cx) = context(&case) else {
        assert_eq!(
            walked, None,
            "the walk answered a case whose facts are refused"
        );
        return;
    };
    let Ok(e) = cx.parse(case.head) else {
        assert_eq!(walked, None, "the walk answered a text the parser refuses");
        return;
    };
    let b = cx.bound(e);
    if let Some(w) = walked {
        assert!(
            b.contains(&w),
            "the walk's bound {w} of {} is not within the engine's {b}",
            case.head
        );
        // A relation over a small box (its symbols' ranges finite, at most 512 points, at most
        // 4,096 operations evaluated): the engine's prover evaluates it there where its
        // intervals leave it undecided, so its answer is the exact one, the walk's.
        if matches!(w, Bound::Bool { .. }) && small_box_ops(&cx, e).is_some_and(|n| n <= 4096) {
            assert_eq!(
                b, w,
                "the engine's bound of {} is not exact on its small box",
                case.head
            );
        }
    }
    let syms = symbols(&cx, &[e]);
    let mut r = Rng::from_bytes(data);
    for p in points(&cx, &syms, &mut r) {
        if let Ok(v) = eval(&cx, e, &p) {
            assert!(
                in_bound(v, b),
                "{} = {v:?} at {p:?} is outside its bound {b}",
                cx.display(e)
            );
        }
    }
}

/// The prove oracle: `True` only where the relation holds at every sampled domain point where it
/// is defined, `False` only where it fails at every one.
pub fn check_prove(data: &[u8]) {
    let Some(case) = decode(data) else { return };
    // The CLI decides a relation the walk answers from its bound: the same truth wherever
    // `prove` decides it.
    let walked = constant_ranges(&case)
        .and_then(|r| Context::new().monotone_bound_text(case.head, &r))
        .and_then(|b| b.truth());
    let Some(mut cx) = context(&case) else { return };
    let Ok(e) = cx.parse_bool(case.head) else {
        return;
    };
    let t = cx.prove(e).expect("parse_bool gives a predicate");
    if let Some(w) = walked
        && t != Truth::Unknown
    {
        assert_eq!(w, t, "the walk decides {} otherwise than prove", case.head);
    }
    if t == Truth::Unknown {
        return;
    }
    let syms = symbols(&cx, &[e]);
    let mut r = Rng::from_bytes(data);
    for p in points(&cx, &syms, &mut r) {
        if let Ok(Value::Bool(v)) = eval(&cx, e, &p) {
            assert!(
                v == (t == Truth::True),
                "proved {} {t:?} but it is {v} at {p:?}",
                cx.display(e)
            );
        }
    }
}

/// Whether the solver's answer holds when the target has the value `t` (as in tests/common):
/// `None` when part of it does not evaluate. Panics when no guard or two guards hold.
pub fn solution_holds(cx: &Context, sol: &sym::Solution, t: Value, p: &Point) -> Option<bool> {
    let truth = |e: Expr| match eval(cx, e, p) {
        Ok(Value::Bool(b)) => Some(b),
        _ => None,
    };
    let (rels, conds) = if sol.cases.is_empty() {
        (&sol.relations, &sol.conditions)
    } else {
        let mut hit = None;
        for c in &sol.cases {
            if truth(c.when)? {
                assert!(hit.is_none(), "two guards hold at {p:?}: {sol:?}");
                hit = Some(c);
            }
        }
        let c = hit.unwrap_or_else(|| panic!("no guard holds at {p:?}: {sol:?}"));
        (&c.relations, &c.conditions)
    };
    let mut ok = true;
    for c in conds {
        ok &= truth(*c)?;
    }
    for rel in rels {
        let rhs = eval(cx, rel.rhs, p).ok()?;
        let ord = match (t, rhs) {
            (Value::Int(a), Value::Int(b)) => a.partial_cmp(&b),
            _ => return None,
        };
        use std::cmp::Ordering::*;
        ok &= match rel.op {
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

/// The solve oracle, for integer targets: at every sampled domain point where the relation is
/// defined, and for a symbol target at every value of a small box around the answer's right-hand
/// sides and zero, the relation holds exactly when the answer does.
pub fn check_solve(data: &[u8]) {
    let Some(case) = decode(data) else { return };
    let Some(mut cx) = context(&case) else { return };
    let Ok(rel) = cx.parse_bool(case.head) else {
        return;
    };
    let target = match case.target {
        Some(t) => match cx.parse(t) {
            Ok(x) => x,
            Err(_) => return,
        },
        None => match cx.free_symbols(rel).first() {
            Some(s) => cx.sym(*s),
            None => return,
        },
    };
    let SolveResult::Solved(sol) = cx.solve_with_cases(rel, target) else {
        return;
    };
    if cx.ty(target) != Ty::Int {
        return; // float answers round (docs/language.md); only integer answers are exact
    }
    let name = cx.as_symbol(target).map(|s| cx.sym_name(s).to_string());
    let mut roots = vec![rel, target];
    for r in &sol.relations {
        roots.push(r.rhs);
    }
    let syms = symbols(&cx, &roots);
    let mut rng = Rng::from_bytes(data);
    for base in points(&cx, &syms, &mut rng).into_iter().take(12) {
        // The target's values: its value at the point, and for a symbol also a small box.
        let mut pts = vec![base.clone()];
        if let Some(n) = &name {
            let mut xs: Vec<i64> = (-6..=6).collect();
            for r in sol
                .relations
                .iter()
                .chain(sol.cases.iter().flat_map(|c| &c.relations))
            {
                if let Ok(Value::Int(v)) = eval(&cx, r.rhs, &base) {
                    xs.extend([v.saturating_sub(1), v, v.saturating_add(1)]);
                }
            }
            for x in xs {
                let mut p = base.clone();
                for (k, v) in &mut p {
                    if k == n {
                        *v = Value::Int(x);
                    }
                }
                if in_domain(&cx, &syms, &p) && !pts.contains(&p) {
                    pts.push(p);
                }
            }
        }
        for p in pts {
            let Ok(Value::Bool(want)) = eval(&cx, rel, &p) else {
                continue;
            };
            let Ok(t) = eval(&cx, target, &p) else {
                continue;
            };
            let got = solution_holds(&cx, &sol, t, &p);
            // Known gap (fuzz/README.md): the solver's guards and right-hand sides take
            // sub-products and negations of the relation (`-s53*s92`, `s53*s92` alone) that
            // can overflow at the i64 edges where the relation, one polynomial, does not. An
            // answer that overflows there is not counted; a wrong value or a division by zero
            // is.
            if got.is_none() && answer_overflows(&cx, &sol, &p) {
                continue;
            }
            assert_eq!(
                got,
                Some(want),
                "{} for {} at {p:?}: answer {}",
                cx.display(rel),
                cx.display(target),
                answer_text(&cx, &sol, target)
            );
        }
    }
}

/// Whether some guard, condition or right-hand side of the answer overflows at `p`.
fn answer_overflows(cx: &Context, sol: &sym::Solution, p: &Point) -> bool {
    let mut es: Vec<Expr> = sol.conditions.clone();
    es.extend(sol.relations.iter().map(|r| r.rhs));
    for c in &sol.cases {
        es.push(c.when);
        es.extend(c.conditions.iter().copied());
        es.extend(c.relations.iter().map(|r| r.rhs));
    }
    es.iter()
        .any(|e| matches!(eval(cx, *e, p), Err(sym::EvalError::Overflow)))
}

/// The solver's answer as text, with its cases.
pub fn answer_text(cx: &Context, sol: &sym::Solution, target: Expr) -> String {
    if sol.cases.is_empty() {
        return cx.display_answer(target, &sol.relations, &sol.conditions);
    }
    let cases: Vec<String> = sol
        .cases
        .iter()
        .map(|c| {
            let a = cx.display_answer(target, &c.relations, &c.conditions);
            format!("when {}: {a}", cx.display(c.when))
        })
        .collect();
    cases.join("; ")
}

/// The batch decoder oracle: every line gets one JSON object with a boolean `ok`, an error kind
/// that is not `internal` (an engine failure), the request's id when it had one, and the same
/// answer when asked twice.
pub fn check_batch(data: &[u8]) {
    for line in data.split(|b| *b == b'\n').take(4) {
        let req = serde_json::from_slice::<serde_json::Value>(line).ok();
        // A large `repeat` is a slow answer by design (up to 10^6 runs), not a hang.
        if let Some(r) = req.as_ref().and_then(|r| r.get("repeat"))
            && r.as_u64().is_some_and(|n| n > 3)
        {
            continue;
        }
        let a = symshape::answer_line(line);
        let obj = a.as_object().expect("a response is an object");
        let ok = obj
            .get("ok")
            .and_then(serde_json::Value::as_bool)
            .expect("a response has a boolean ok");
        if !ok {
            let kind = obj["error"]["kind"].as_str().expect("an error has a kind");
            assert!(
                matches!(kind, "request" | "parse" | "unsupported" | "range" | "eval"),
                "error kind {kind}: {a} for {}",
                String::from_utf8_lossy(line)
            );
        }
        if let Some(id) = req.as_ref().and_then(|r| r.get("id")) {
            assert_eq!(obj.get("id"), Some(id), "id not echoed: {a}");
        }
        let mut b = symshape::answer_line(line);
        let strip = |v: &mut serde_json::Value| {
            if let Some(o) = v.as_object_mut() {
                o.remove("t_ns");
                o.remove("t_op_ns");
            }
        };
        let mut a = a;
        strip(&mut a);
        strip(&mut b);
        assert_eq!(a, b, "two answers to one line");
    }
}

/// The codegen oracle: any JSON gives C++ or an error, never a panic; generation is
/// deterministic; generated code carries the runtime header once and balanced braces. (That it
/// compiles is checked by fuzz/compile-corpus.sh, which runs g++ on the corpus.)
pub fn check_codegen(data: &[u8]) {
    use codegen_cpp::{Emit, Flavor, Options, Signature};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if Signature::from_json(text).is_err() {
        return;
    }
    for (flavor, emit) in [(Flavor::Aoti, Emit::All), (Flavor::Dlpack, Emit::Checks)] {
        let opts = Options {
            flavor,
            emit,
            always_check: false,
        };
        let sig = || Signature::from_json(text).expect("parsed once");
        let a = codegen_cpp::generate(sig(), &opts);
        let b = codegen_cpp::generate(sig(), &opts);
        assert_eq!(a, b, "generation is not deterministic");
        if let Ok(cpp) = a {
            let opens = cpp.matches('{').count();
            let closes = cpp.matches('}').count();
            assert_eq!(opens, closes, "unbalanced braces in {cpp}");
        }
    }
}
