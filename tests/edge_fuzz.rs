//! Exhaustive small-box differential fuzzer at the edges of `i64`.
//!
//! Each case is a random integer expression over 2-3 symbols (every integer operator, constants
//! small or near `i64::MIN` / `i64::MAX` / ±2^62 / ±2^32 ...), random ranges (numeric, or with
//! ends over other symbols), random assumptions that may refer back to those ranges (cyclic
//! facts on purpose), and random relations to prove. Every point of a small box (at most 13
//! values per symbol, placed near zero, near the range ends or near the i64 edges) is checked
//! exactly: a point is in the domain iff every range end and assumption holds there, evaluated
//! with an independent exact (i128) reference evaluator. Checked:
//! - simplify: the simplified form has the input's value wherever the input is defined (no new
//!   overflow, no new division by zero); where only an intermediate of the input overflows, the
//!   simplified form, if it evaluates, must give the exact value;
//! - eval: the crate's evaluation of the parsed text agrees with the reference evaluator;
//! - bound: every value lies in `bound(e)`; no inverted bound when some point is in the domain;
//! - prove: `True` only if the relation holds at every domain point, `False` only if it fails at
//!   every one; the simplified relation keeps its value;
//! - round trip of `display` for the parsed and simplified forms; `check_facts` does not refuse
//!   facts that some point satisfies; nothing panics (`catch_unwind`), no case takes > 10 s.
//!
//! Failures are shrunk (one point, fewer facts, smaller subexpressions and constants) and reported
//! with the case text. Environment:
//! - `SYMSHAPE_EDGE_CASES` (default 60000), `SYMSHAPE_EDGE_FIRST` (first case index),
//!   `SYMSHAPE_EDGE_SEED`, `SYMSHAPE_EDGE_THREADS`;
//! - `SYMSHAPE_EDGE_CYCLES=0`: no facts that bound symbols cyclically (to hunt for other bugs
//!   while those overflow the stack);
//! - `SYMSHAPE_EDGE_SKIP`: comma-separated case indices to skip;
//! - `SYMSHAPE_EDGE_PROGRESS`: a directory where thread `edge-N` writes the case it runs to
//!   `edge-N` (to find the case after a stack overflow aborts the process);
//! - `SYMSHAPE_EDGE_REPORT`: hunting mode: failures are shrunk as they are found (at most 100
//!   per kind and thread) and appended to this file, one per line, except those containing one
//!   of the `;;`-separated substrings of `SYMSHAPE_EDGE_IGNORE` (known classes).

mod common;

use common::Rng;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};
use sym::{Bound, Context, EvalError, Symbol, Truth, Value};

/// Symbol names; random cases use the first 2 or 3, pinned cases any of them.
const NAMES: [&str; 6] = ["s0", "x", "u0", "y", "a", "b"];

const EDGES: [i64; 19] = [
    i64::MIN,
    i64::MIN + 1,
    i64::MAX,
    i64::MAX - 1,
    1 << 62,
    -(1 << 62),
    (1 << 62) - 1,
    1 << 32,
    -(1 << 32),
    (1 << 32) - 1,
    (1 << 32) + 1,
    1 << 31,
    -(1 << 31),
    (1 << 31) - 1,
    3_037_000_499, // floor(sqrt(i64::MAX))
    3_037_000_500,
    -3_037_000_500,
    i64::MAX / 2,
    i64::MIN / 2,
];

// ---------------------------------------------------------------------------------------------
// Expression trees (generated, printed, parsed back for pinned cases, evaluated exactly).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Neg,
    Fd,
    Mod,
    Cd,
    Mi,
    Min,
    Max,
    Abs,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum T {
    C(i64),
    S(usize),
    N(Op, Vec<T>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Rel(Cmp, T, T);

fn n2(op: Op, a: T, b: T) -> T {
    T::N(op, vec![a, b])
}

impl T {
    /// Printing precedence: 1 sum or negation, 2 product, 4 atom or call.
    fn level(&self) -> u8 {
        match self {
            T::C(v) if *v < 0 => 1,
            T::C(_) | T::S(_) => 4,
            T::N(Op::Add | Op::Sub | Op::Neg, _) => 1,
            T::N(Op::Mul, _) => 2,
            T::N(..) => 4,
        }
    }

    fn write(&self, out: &mut String, min_level: u8) {
        let wrap = self.level() < min_level;
        if wrap {
            out.push('(');
        }
        match self {
            T::C(v) => {
                let _ = write!(out, "{v}");
            }
            T::S(i) => out.push_str(NAMES[*i]),
            T::N(op, a) => {
                let call = |out: &mut String, name: &str| {
                    out.push_str(name);
                    out.push('(');
                    for (k, x) in a.iter().enumerate() {
                        if k > 0 {
                            out.push_str(", ");
                        }
                        x.write(out, 0);
                    }
                    out.push(')');
                };
                match op {
                    Op::Add | Op::Sub => {
                        a[0].write(out, 1);
                        out.push_str(if *op == Op::Add { " + " } else { " - " });
                        a[1].write(out, 2);
                    }
                    Op::Mul => {
                        a[0].write(out, 2);
                        out.push('*');
                        a[1].write(out, 3);
                    }
                    Op::Neg => {
                        out.push('-');
                        // `-(5)`, so that it reads back as a negation, not the constant -5.
                        a[0].write(out, if matches!(a[0], T::C(_)) { 5 } else { 3 });
                    }
                    Op::Fd => call(out, "FloorDiv"),
                    Op::Mod => call(out, "Mod"),
                    Op::Cd => call(out, "CeilDiv"),
                    Op::Mi => call(out, "ModularIndexing"),
                    Op::Min => call(out, "Min"),
                    Op::Max => call(out, "Max"),
                    Op::Abs => call(out, "Abs"),
                }
            }
        }
        if wrap {
            out.push(')');
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s, 0);
        s
    }

    fn size(&self) -> usize {
        match self {
            T::N(_, a) => 1 + a.iter().map(T::size).sum::<usize>(),
            _ => 1,
        }
    }

    /// The `k`-th node in preorder.
    fn nth_mut(&mut self, k: &mut usize) -> Option<&mut T> {
        if *k == 0 {
            return Some(self);
        }
        *k -= 1;
        if let T::N(_, a) = self {
            for x in a {
                if let Some(t) = x.nth_mut(k) {
                    return Some(t);
                }
            }
        }
        None
    }

    fn max_sym(&self) -> Option<usize> {
        match self {
            T::C(_) => None,
            T::S(i) => Some(*i),
            T::N(_, a) => a.iter().filter_map(T::max_sym).max(),
        }
    }
}

impl Cmp {
    fn holds(self, a: i128, b: i128) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

impl Rel {
    fn text(&self) -> String {
        let (a, b) = (self.1.text(), self.2.text());
        match self.0 {
            Cmp::Eq => format!("Eq({a}, {b})"),
            Cmp::Ne => format!("Ne({a}, {b})"),
            Cmp::Lt => format!("{a} < {b}"),
            Cmp::Le => format!("{a} <= {b}"),
            Cmp::Gt => format!("{a} > {b}"),
            Cmp::Ge => format!("{a} >= {b}"),
        }
    }
}

/// A small parser for the printed form (pinned cases are written as text).
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, t: &str) -> bool {
        self.ws();
        if self.s[self.i..].starts_with(t.as_bytes()) {
            self.i += t.len();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: &str) -> Result<(), String> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(format!("expected '{t}' at {}", self.i))
        }
    }
    fn ident(&mut self) -> String {
        self.ws();
        let st = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[st..self.i]).into_owned()
    }
    fn literal(&mut self) -> i128 {
        let st = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[st..self.i])
            .unwrap()
            .parse()
            .unwrap()
    }
    fn sum(&mut self) -> Result<T, String> {
        let mut a = self.prod()?;
        loop {
            if self.eat("+") {
                a = n2(Op::Add, a, self.prod()?);
            } else if self.peek() == Some(b'-') {
                self.i += 1;
                a = n2(Op::Sub, a, self.prod()?);
            } else {
                return Ok(a);
            }
        }
    }
    fn prod(&mut self) -> Result<T, String> {
        let mut a = self.unary()?;
        while self.eat("*") {
            a = n2(Op::Mul, a, self.unary()?);
        }
        Ok(a)
    }
    fn unary(&mut self) -> Result<T, String> {
        if self.eat("-") {
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                let v = -self.literal();
                return i64::try_from(v).map(T::C).map_err(|e| e.to_string());
            }
            return Ok(T::N(Op::Neg, vec![self.unary()?]));
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<T, String> {
        match self.peek() {
            Some(b'(') => {
                self.i += 1;
                let a = self.sum()?;
                self.expect(")")?;
                Ok(a)
            }
            Some(c) if c.is_ascii_digit() => i64::try_from(self.literal())
                .map(T::C)
                .map_err(|e| e.to_string()),
            _ => {
                let name = self.ident();
                let op = match name.as_str() {
                    "FloorDiv" => Op::Fd,
                    "Mod" => Op::Mod,
                    "CeilDiv" => Op::Cd,
                    "ModularIndexing" => Op::Mi,
                    "Min" => Op::Min,
                    "Max" => Op::Max,
                    "Abs" => Op::Abs,
                    _ => {
                        return NAMES
                            .iter()
                            .position(|n| *n == name)
                            .map(T::S)
                            .ok_or(format!("unknown name '{name}'"));
                    }
                };
                Ok(T::N(op, self.args()?))
            }
        }
    }
    fn args(&mut self) -> Result<Vec<T>, String> {
        self.expect("(")?;
        let mut a = vec![self.sum()?];
        while self.eat(",") {
            a.push(self.sum()?);
        }
        self.expect(")")?;
        Ok(a)
    }
    fn rel(&mut self) -> Result<Rel, String> {
        for (name, c) in [
            ("Eq(", Cmp::Eq),
            ("Ne(", Cmp::Ne),
            ("Lt(", Cmp::Lt),
            ("Le(", Cmp::Le),
            ("Gt(", Cmp::Gt),
            ("Ge(", Cmp::Ge),
        ] {
            if self.eat(name) {
                let a = self.sum()?;
                self.expect(",")?;
                let b = self.sum()?;
                self.expect(")")?;
                return Ok(Rel(c, a, b));
            }
        }
        let a = self.sum()?;
        let c = [
            ("<=", Cmp::Le),
            (">=", Cmp::Ge),
            ("==", Cmp::Eq),
            ("!=", Cmp::Ne),
            ("<", Cmp::Lt),
            (">", Cmp::Gt),
        ]
        .into_iter()
        .find(|(t, _)| self.eat(t))
        .ok_or("expected a comparison")?
        .1;
        Ok(Rel(c, a, self.sum()?))
    }
}

fn parse_t(s: &str) -> T {
    let mut p = Parser {
        s: s.as_bytes(),
        i: 0,
    };
    let t = p.sum().unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(p.peek(), None, "trailing text in {s}");
    t
}

fn parse_rel(s: &str) -> Rel {
    let mut p = Parser {
        s: s.as_bytes(),
        i: 0,
    };
    let r = p.rel().unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(p.peek(), None, "trailing text in {s}");
    r
}

// ---------------------------------------------------------------------------------------------
// Exact reference evaluation (i128, floor semantics; a zero divisor anywhere is undefined).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum R {
    V(i128),
    Div0,
    /// Beyond i128: unknown.
    Huge,
}

fn fdiv(a: i128, b: i128) -> Option<i128> {
    let q = a.checked_div(b)?;
    Some(if a % b != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    })
}

fn fmod(a: i128, b: i128) -> Option<i128> {
    a.checked_sub(b.checked_mul(fdiv(a, b)?)?)
}

/// Evaluates `t` at `p`; sets `wide` if some intermediate is outside i64.
fn reval(t: &T, p: &[i64], wide: &mut bool) -> R {
    let (op, args) = match t {
        T::C(v) => return R::V(*v as i128),
        T::S(i) => return R::V(p[*i] as i128),
        T::N(op, a) => (*op, a),
    };
    let vals: Vec<R> = args.iter().map(|a| reval(a, p, wide)).collect();
    if vals.contains(&R::Div0) {
        return R::Div0;
    }
    let divisors: &[usize] = match op {
        Op::Fd | Op::Mod | Op::Cd => &[1],
        Op::Mi => &[1, 2],
        _ => &[],
    };
    if divisors.iter().any(|&k| vals[k] == R::V(0)) {
        return R::Div0;
    }
    if vals.contains(&R::Huge) {
        return R::Huge;
    }
    let v: Vec<i128> = vals
        .iter()
        .map(|r| match r {
            R::V(x) => *x,
            _ => unreachable!(),
        })
        .collect();
    let out = match op {
        Op::Add => v[0].checked_add(v[1]),
        Op::Sub => v[0].checked_sub(v[1]),
        Op::Mul => v[0].checked_mul(v[1]),
        Op::Neg => v[0].checked_neg(),
        Op::Fd => fdiv(v[0], v[1]),
        Op::Mod => fmod(v[0], v[1]),
        Op::Cd => v[0]
            .checked_neg()
            .and_then(|a| fdiv(a, v[1]))
            .and_then(i128::checked_neg),
        Op::Mi => fdiv(v[0], v[1]).and_then(|q| {
            if i64::try_from(q).is_err() {
                *wide = true;
            }
            fmod(q, v[2])
        }),
        Op::Min => v.iter().copied().min(),
        Op::Max => v.iter().copied().max(),
        Op::Abs => v[0].checked_abs(),
    };
    match out {
        Some(x) => {
            if i64::try_from(x).is_err() {
                *wide = true;
            }
            R::V(x)
        }
        None => R::Huge,
    }
}

// ---------------------------------------------------------------------------------------------
// Cases.

#[derive(Clone, Debug)]
struct Case {
    /// Symbols `NAMES[..n]`.
    n: usize,
    /// `(symbol, lo, hi)`, `None` for an infinite end.
    ranges: Vec<(usize, Option<T>, Option<T>)>,
    assumes: Vec<Rel>,
    expr: Option<T>,
    rels: Vec<Rel>,
    /// Inclusive box per symbol.
    win: Vec<(i64, i64)>,
}

fn end_text(e: &Option<T>, lo: bool) -> String {
    match e {
        Some(t) => t.text(),
        None if lo => "-oo".into(),
        None => "oo".into(),
    }
}

impl std::fmt::Display for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(e) = &self.expr {
            parts.push(format!("expr: {}", e.text()));
        }
        if !self.ranges.is_empty() {
            let r: Vec<String> = self
                .ranges
                .iter()
                .map(|(i, lo, hi)| {
                    format!(
                        "{} in [{}, {}]",
                        NAMES[*i],
                        end_text(lo, true),
                        end_text(hi, false)
                    )
                })
                .collect();
            parts.push(format!("ranges: {}", r.join("; ")));
        }
        if !self.assumes.is_empty() {
            let a: Vec<String> = self.assumes.iter().map(Rel::text).collect();
            parts.push(format!("assume: {}", a.join("; ")));
        }
        if !self.rels.is_empty() {
            let a: Vec<String> = self.rels.iter().map(Rel::text).collect();
            parts.push(format!("prove: {}", a.join("; ")));
        }
        let w: Vec<String> = self
            .win
            .iter()
            .enumerate()
            .map(|(i, (lo, hi))| {
                if lo == hi {
                    format!("{}={lo}", NAMES[i])
                } else {
                    format!("{} in {lo}..={hi}", NAMES[i])
                }
            })
            .collect();
        parts.push(format!("box: {}", w.join(", ")));
        write!(f, "{}", parts.join(" | "))
    }
}

impl Case {
    /// Mutable references to every tree of the case.
    fn roots_mut(&mut self) -> Vec<&mut T> {
        let mut v: Vec<&mut T> = Vec::new();
        if let Some(e) = &mut self.expr {
            v.push(e);
        }
        for Rel(_, a, b) in self.rels.iter_mut().chain(self.assumes.iter_mut()) {
            v.push(a);
            v.push(b);
        }
        for (_, lo, hi) in &mut self.ranges {
            v.extend(lo.iter_mut());
            v.extend(hi.iter_mut());
        }
        v
    }

    fn points(&self) -> u64 {
        self.win
            .iter()
            .map(|(lo, hi)| (*hi as i128 - *lo as i128 + 1) as u64)
            .product()
    }
}

fn point_text(p: &[i64]) -> String {
    p.iter()
        .enumerate()
        .map(|(i, v)| format!("{}={v}", NAMES[i]))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------
// Generation.

fn gen_const(r: &mut Rng) -> i64 {
    if r.chance(68) {
        r.range(-9, 12)
    } else {
        let e = EDGES[r.below(EDGES.len() as u64) as usize];
        match r.below(5) {
            0 => e.saturating_add(1),
            1 => e.saturating_sub(1),
            _ => e,
        }
    }
}

fn gen_t(r: &mut Rng, depth: u32, n: usize) -> T {
    if depth == 0 || r.chance(22) {
        return if r.chance(40) {
            T::C(gen_const(r))
        } else {
            T::S(r.below(n as u64) as usize)
        };
    }
    let d = depth - 1;
    let g = |r: &mut Rng| gen_t(r, d, n);
    match r.below(24) {
        0..=2 => n2(Op::Add, g(r), g(r)),
        3 | 4 => n2(Op::Sub, g(r), g(r)),
        5 | 6 => n2(Op::Mul, T::C(gen_const(r)), g(r)),
        7 | 8 => n2(Op::Mul, g(r), g(r)),
        9 => T::N(Op::Neg, vec![g(r)]),
        10..=12 => n2(Op::Fd, g(r), divisor(r, d, n)),
        13..=15 => n2(Op::Mod, g(r), divisor(r, d, n)),
        16 | 17 => n2(Op::Cd, g(r), divisor(r, d, n)),
        18 | 19 => T::N(Op::Mi, vec![g(r), divisor(r, 0, n), divisor(r, 0, n)]),
        20 => n2(Op::Min, g(r), g(r)),
        21 => {
            let mut a = vec![g(r), g(r)];
            if r.chance(30) {
                a.push(g(r));
            }
            T::N(Op::Max, a)
        }
        22 => T::N(Op::Abs, vec![g(r)]),
        _ => T::N(
            if r.chance(50) { Op::Min } else { Op::Max },
            vec![g(r), g(r)],
        ),
    }
}

fn divisor(r: &mut Rng, d: u32, n: usize) -> T {
    if r.chance(55) {
        if r.chance(70) {
            let v = r.range(-4, 9);
            T::C(if v == 0 { 2 } else { v })
        } else {
            T::C(gen_const(r))
        }
    } else {
        gen_t(r, d.min(1), n)
    }
}

fn c(v: i64) -> T {
    T::C(v)
}

fn gen_numeric_range(r: &mut Rng) -> (Option<T>, Option<T>) {
    let edge = |r: &mut Rng| EDGES[r.below(EDGES.len() as u64) as usize];
    match r.below(12) {
        0 => (Some(c(-6)), Some(c(6))),
        1 => (Some(c(0)), Some(c(12))),
        2 => (Some(c(1)), Some(c(12))),
        3 => (Some(c(2)), None),
        4 => (Some(c(0)), None),
        5 => (Some(c(1)), None),
        6 => (None, Some(c(0))),
        7 => {
            let l = r.range(-10, 10);
            (Some(c(l)), Some(c(l + r.range(0, 12))))
        }
        8 => {
            let e = edge(r);
            if r.chance(50) {
                (Some(c(e)), Some(c(e.saturating_add(r.range(0, 12)))))
            } else {
                (Some(c(e.saturating_sub(r.range(0, 12)))), Some(c(e)))
            }
        }
        9 => {
            let e = edge(r);
            if r.chance(50) {
                (Some(c(e)), None)
            } else {
                (None, Some(c(e)))
            }
        }
        10 => {
            let v = gen_const(r);
            (Some(c(v)), Some(c(v)))
        }
        _ => (Some(c(r.range(0, 2))), Some(c(edge(r).max(2)))),
    }
}

fn gen_symbolic_range(r: &mut Rng, i: usize, n: usize) -> (Option<T>, Option<T>) {
    let j = (i + 1 + r.below(n as u64 - 1) as usize) % n;
    let sym_end = |r: &mut Rng, upper: bool| -> T {
        let sj = T::S(j);
        if r.chance(12) {
            return gen_t(r, 1, n);
        }
        match (upper, r.below(8)) {
            (true, 0) | (false, 0) => sj,
            (true, 1) => n2(Op::Sub, sj, c(1)),
            (true, 2) => n2(Op::Max, sj, c(4)),
            (true, 3) => n2(Op::Fd, sj, c(2)),
            (true, 4) => n2(Op::Add, sj, c(3)),
            (true, 5) => n2(Op::Mul, c(2), sj),
            (true, 6) => n2(Op::Min, sj, c(5)),
            (true, _) => n2(Op::Sub, sj, c(gen_const(r))),
            (false, 1) => n2(Op::Fd, sj, c(2)),
            (false, 2) => T::N(Op::Neg, vec![sj]),
            (false, 3) => n2(Op::Sub, sj, c(3)),
            (false, 4) => n2(Op::Min, sj, c(0)),
            (false, 5) => n2(Op::Add, sj, c(1)),
            (false, _) => n2(Op::Sub, sj, c(r.range(0, 12))),
        }
    };
    match r.below(20) {
        0..=11 => (Some(c(r.range(-1, 2))), Some(sym_end(r, true))),
        12..=13 => (None, Some(sym_end(r, true))),
        14..=16 => {
            let hi = if r.chance(50) {
                None
            } else {
                Some(c(gen_const(r)))
            };
            (Some(sym_end(r, false)), hi)
        }
        _ => (Some(sym_end(r, false)), Some(sym_end(r, true))),
    }
}

fn gen_assume(r: &mut Rng, a: usize, b: usize, n: usize) -> Rel {
    let (sa, sb) = (T::S(a), T::S(b));
    match r.below(11) {
        0 | 1 => Rel(Cmp::Le, sa, n2(Op::Add, sb, c(r.range(-3, 8)))),
        2 => Rel(Cmp::Ge, sa, sb),
        3 => Rel(
            Cmp::Eq,
            n2(Op::Mod, sa, c(r.range(2, 8))),
            c(if r.chance(80) { 0 } else { 1 }),
        ),
        4 => Rel(Cmp::Ne, sa, c(gen_const(r))),
        5 => Rel(Cmp::Le, sa, n2(Op::Fd, sb, c(2))),
        6 => Rel(Cmp::Lt, sa, sb),
        7 => Rel(
            Cmp::Eq,
            sa,
            n2(Op::Add, n2(Op::Mul, c(2), sb), c(r.range(-2, 2))),
        ),
        8 => Rel(
            [Cmp::Ge, Cmp::Le, Cmp::Gt][r.below(3) as usize],
            sa,
            c(gen_const(r)),
        ),
        _ => gen_rel(r, 1, n),
    }
}

fn gen_cmp(r: &mut Rng) -> Cmp {
    [Cmp::Eq, Cmp::Ne, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge][r.below(6) as usize]
}

fn gen_rel(r: &mut Rng, depth: u32, n: usize) -> Rel {
    Rel(gen_cmp(r), gen_t(r, depth, n), gen_t(r, depth, n))
}

fn mark_syms(t: &T, used: &mut [bool]) {
    match t {
        T::C(_) => {}
        T::S(i) => used[*i] = true,
        T::N(_, a) => a.iter().for_each(|x| mark_syms(x, used)),
    }
}

/// A random subtree of `t`.
fn subtree(r: &mut Rng, t: &T) -> T {
    let mut k = r.below(t.size() as u64) as usize;
    let mut t = t.clone();
    t.nth_mut(&mut k).unwrap().clone()
}

fn gen_case(r: &mut Rng, cycles: bool) -> Case {
    let n = match r.below(10) {
        0 => 1,
        1..=4 => 2,
        _ => 3,
    };
    // Ranges, in a random order; symbolic ends refer to other symbols.
    let mut order: Vec<usize> = (0..n).collect();
    for k in (1..n).rev() {
        order.swap(k, r.below(k as u64 + 1) as usize);
    }
    let mut ranges = Vec::new();
    for &i in &order {
        if r.chance(30) {
            continue;
        }
        let (lo, hi) = if n > 1 && r.chance(55) {
            gen_symbolic_range(r, i, n)
        } else {
            gen_numeric_range(r)
        };
        ranges.push((i, lo, hi));
    }
    // Assumptions: often the reverse of a symbolic range (cyclic facts).
    let mut assumes = Vec::new();
    for _ in 0..r.below(4) {
        let back = ranges.iter().find_map(|(i, lo, hi)| {
            let j = lo.iter().chain(hi.iter()).find_map(T::max_sym)?;
            (j != *i).then_some((j, *i))
        });
        let (a, b) = match back {
            Some(ab) if r.chance(50) => ab,
            _ => {
                let a = r.below(n as u64) as usize;
                (a, (a + 1) % n)
            }
        };
        assumes.push(gen_assume(r, a, b, n));
    }
    if !cycles {
        // Hunting for other bugs while cyclic facts overflow the stack: assumptions over one
        // symbol, or a single one over two symbols when no range end is symbolic.
        let symbolic = ranges
            .iter()
            .any(|(_, lo, hi)| lo.iter().chain(hi.iter()).any(|t| t.max_sym().is_some()));
        let mut two = 0;
        assumes.retain(|a| {
            let mut used = [false; NAMES.len()];
            for t in [&a.1, &a.2] {
                mark_syms(t, &mut used);
            }
            if used.iter().filter(|u| **u).count() <= 1 {
                return true;
            }
            two += 1;
            !symbolic && two == 1
        });
    }
    let depth = 1 + r.below(4) as u32;
    let expr = gen_t(r, depth, n);
    let mut rels = Vec::new();
    for _ in 0..1 + r.below(3) {
        let rel = match r.below(20) {
            0..=6 => Rel(
                gen_cmp(r),
                T::S(r.below(n as u64) as usize),
                c(gen_const(r)),
            ),
            7..=12 => Rel(gen_cmp(r), subtree(r, &expr), gen_t(r, 2, n)),
            13..=15 => gen_rel(r, 2, n),
            _ => {
                // A fact restated: it holds at every domain point, so `False` is wrong.
                if !assumes.is_empty() && r.chance(50) {
                    assumes[r.below(assumes.len() as u64) as usize].clone()
                } else if let Some((i, lo, hi)) = ranges.get(r.below(3) as usize).cloned() {
                    match (lo, hi) {
                        (Some(l), _) if r.chance(50) => Rel(Cmp::Ge, T::S(i), l),
                        (_, Some(h)) => Rel(Cmp::Le, T::S(i), h),
                        (Some(l), None) => Rel(Cmp::Ge, T::S(i), l),
                        (None, None) => gen_rel(r, 1, n),
                    }
                } else {
                    gen_rel(r, 1, n)
                }
            }
        };
        rels.push(rel);
    }
    // Boxes: widths within a budget of points, placed near zero, range ends, i64 edges, or
    // next to another symbol's box.
    let budget = match r.below(20) {
        0 => 2197,
        1..=5 => 700,
        _ => 220,
    };
    let mut widths: Vec<i64> = (0..n).map(|_| r.range(1, 13)).collect();
    while widths.iter().product::<i64>() > budget {
        let k = (0..n).max_by_key(|&k| widths[k]).unwrap();
        widths[k] -= 1;
    }
    let mut win: Vec<(i64, i64)> = Vec::new();
    for (i, &w) in widths.iter().enumerate() {
        let range = ranges.iter().find(|x| x.0 == i);
        let lo_c = range.and_then(|x| match &x.1 {
            Some(T::C(v)) => Some(*v),
            _ => None,
        });
        let hi_c = range.and_then(|x| match &x.2 {
            Some(T::C(v)) => Some(*v),
            _ => None,
        });
        let start: i64 = if let Some(l) = lo_c.filter(|_| r.chance(45)) {
            l.saturating_sub(r.range(0, 2))
        } else if let Some(h) = hi_c.filter(|_| r.chance(45)) {
            h.saturating_add(r.range(0, 2)).saturating_sub(w - 1)
        } else {
            match r.below(10) {
                0..=3 => r.range(-8, 2),
                4..=6 => {
                    let e = EDGES[r.below(EDGES.len() as u64) as usize];
                    e.saturating_sub(r.range(0, w))
                }
                _ if i > 0 => {
                    let o = win[r.below(i as u64) as usize].0;
                    match r.below(3) {
                        0 => o.saturating_add(r.range(-3, 3)),
                        1 => o.saturating_mul(2),
                        _ => o / 2,
                    }
                }
                _ => r.range(-3, 0),
            }
        };
        let start = start.min(i64::MAX - (w - 1));
        win.push((start, start + (w - 1)));
    }
    Case {
        n,
        ranges,
        assumes,
        expr: Some(expr),
        rels,
        win,
    }
}

/// Drops the facts that the context refuses (cyclic or empty ranges, unparsable texts).
fn prune_facts(case: &mut Case) {
    let mut cx = Context::new();
    case.ranges.retain(|(i, lo, hi)| {
        cx.set_range_str(NAMES[*i], &end_text(lo, true), &end_text(hi, false))
            .is_ok()
    });
    case.assumes.retain(|a| {
        cx.parse_bool(&a.text())
            .ok()
            .is_some_and(|p| cx.assume(p).is_ok())
    });
}

// ---------------------------------------------------------------------------------------------
// Checking one case.

#[derive(Clone, Debug)]
struct Failure {
    kind: String,
    detail: String,
    point: Option<Vec<i64>>,
}

#[derive(Debug, Default)]
struct Outcome {
    failures: Vec<Failure>,
    points: u64,
    domain: u64,
    /// The expression text was refused by the parser (an `Err`, never a panic).
    refused: bool,
    /// Some fact was refused (only during shrinking: the candidate is not a valid case).
    invalid: bool,
    /// Relations the prover decided (True or False).
    decided: u64,
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Panics inside `run_case` are caught and reported; keep them off stderr.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                prev(info);
            }
        }));
    });
}

const SLOW: Duration = Duration::from_secs(10);

fn run_case(case: &Case) -> Outcome {
    install_quiet_hook();
    let stage = Cell::new("setup");
    QUIET.with(|q| q.set(true));
    let t0 = Instant::now();
    let res = catch_unwind(AssertUnwindSafe(|| check_case(case, &stage)));
    QUIET.with(|q| q.set(false));
    let mut out = res.unwrap_or_else(|payload| {
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Outcome {
            failures: vec![Failure {
                kind: format!("panic in {}", stage.get()),
                detail: format!("panic: {msg}"),
                point: None,
            }],
            ..Outcome::default()
        }
    });
    if t0.elapsed() > SLOW {
        out.failures.push(Failure {
            kind: "slow".into(),
            detail: format!("took {:?}", t0.elapsed()),
            point: None,
        });
    }
    out
}

fn ival(v: &Result<Value, EvalError>) -> Option<i64> {
    match v {
        Ok(Value::Int(x)) => Some(*x),
        _ => None,
    }
}

fn check_case(case: &Case, stage: &Cell<&'static str>) -> Outcome {
    let mut out = Outcome::default();
    let mut cx = Context::new();
    let syms: Vec<Symbol> = NAMES[..case.n]
        .iter()
        .map(|n| cx.symbol(n).unwrap())
        .collect();
    stage.set("set_range");
    for (i, lo, hi) in &case.ranges {
        if cx
            .set_range_str(NAMES[*i], &end_text(lo, true), &end_text(hi, false))
            .is_err()
        {
            out.invalid = true;
            return out;
        }
    }
    stage.set("assume");
    for a in &case.assumes {
        let Ok(p) = cx.parse_bool(&a.text()) else {
            out.invalid = true;
            return out;
        };
        if cx.assume(p).is_err() {
            out.invalid = true;
            return out;
        }
    }
    stage.set("check_facts");
    let facts_refused = cx.check_facts().err();

    let fail = |out: &mut Outcome, kind: &str, detail: String, point: Option<&[i64]>| {
        if out.failures.iter().all(|f| f.kind != kind) {
            out.failures.push(Failure {
                kind: kind.into(),
                detail,
                point: point.map(<[i64]>::to_vec),
            });
        }
    };

    // The expression: parse, round trip, simplify, bound.
    let mut main = None;
    if let Some(t) = &case.expr {
        let text = t.text();
        stage.set("parse");
        match cx.parse(&text) {
            Err(err) => {
                if std::env::var_os("SYMSHAPE_EDGE_SHOW_REFUSED").is_some() {
                    eprintln!("refused: {text}: {err}");
                }
                out.refused = true;
            }
            Ok(e) => {
                stage.set("display");
                let shown = cx.display(e);
                stage.set("parse");
                if cx.parse(&shown).ok() != Some(e) {
                    fail(
                        &mut out,
                        "round trip of parsed form",
                        format!("{text} displays as {shown}, which parses differently"),
                        None,
                    );
                }
                stage.set("simplify");
                let s = cx.simplify(e);
                stage.set("display");
                let ss = cx.display(s);
                stage.set("parse");
                if cx.parse(&ss).ok() != Some(s) {
                    fail(
                        &mut out,
                        "round trip of simplified form",
                        format!("simplified {ss} parses differently"),
                        None,
                    );
                }
                stage.set("bound");
                let b = cx.bound(e);
                stage.set("parse_for_eval");
                let pe = cx.parse_for_eval(&text).expect("the text parsed once");
                if pe.expr() != e {
                    fail(
                        &mut out,
                        "parse_for_eval differs from parse",
                        format!("{text}: {} and {shown}", cx.display(pe.expr())),
                        None,
                    );
                }
                main = Some((t, e, s, ss, b, shown, pe));
            }
        }
    }
    // The relations: prove, and simplify as a boolean.
    let mut rels = Vec::new();
    for rel in &case.rels {
        let text = rel.text();
        stage.set("parse");
        let Ok(p) = cx.parse_bool(&text) else {
            continue;
        };
        stage.set("prove");
        let t = cx.prove(p).expect("a predicate");
        out.decided += u64::from(t != Truth::Unknown);
        stage.set("simplify");
        let sp = cx.simplify(p);
        rels.push((rel, text, p, t, sp, cx.display(sp)));
    }
    stage.set("eval");

    let mut inverted_seen = false;
    let mut p = vec![0i64; case.n];
    let total = case.points();
    for idx in 0..total {
        let mut k = idx;
        for (i, (lo, hi)) in case.win.iter().enumerate() {
            let w = (*hi as i128 - *lo as i128 + 1) as u64;
            p[i] = lo + (k % w) as i64;
            k /= w;
        }
        out.points += 1;
        let mut wide = false;
        let in_domain = case.ranges.iter().all(|(i, lo, hi)| {
            let v = p[*i] as i128;
            lo.as_ref()
                .is_none_or(|l| matches!(reval(l, &p, &mut wide), R::V(x) if x <= v))
                && hi
                    .as_ref()
                    .is_none_or(|h| matches!(reval(h, &p, &mut wide), R::V(x) if v <= x))
        }) && case.assumes.iter().all(|Rel(op, a, b)| {
            match (reval(a, &p, &mut wide), reval(b, &p, &mut wide)) {
                (R::V(x), R::V(y)) => op.holds(x, y),
                _ => false,
            }
        });
        if !in_domain {
            continue;
        }
        out.domain += 1;
        let values = |s: Symbol| syms.iter().position(|q| *q == s).map(|i| Value::Int(p[i]));
        let at = point_text(&p);
        if let Some(err) = &facts_refused {
            fail(
                &mut out,
                "check_facts refuses satisfiable facts",
                format!("check_facts: {err}, but {at} satisfies every fact"),
                Some(&p),
            );
        }
        if let Some((t, e, s, ss, b, shown, pe)) = &main {
            let mut wide = false;
            let exact = reval(t, &p, &mut wide);
            let ve = cx.eval_with(*e, &values);
            let vs = cx.eval_with(*s, &values);
            // The text as written (its divisors checked even where its normal form cancelled
            // them): undefined exactly where the reference is; where defined, the parsed
            // form's value (or an overflow of an intermediate the text computes).
            let named: Vec<(&str, Value)> =
                (0..case.n).map(|i| (NAMES[i], Value::Int(p[i]))).collect();
            let vt = cx.eval_parsed(pe, &named);
            match (&exact, &vt) {
                (R::Div0, Ok(v)) => fail(
                    &mut out,
                    "eval of the text answers where it divides by zero",
                    format!("at {at}: {} evaluates to {v:?}", t.text()),
                    Some(&p),
                ),
                (R::V(x), Err(EvalError::DivisionByZero)) => fail(
                    &mut out,
                    "eval of the text divides by zero where it is defined",
                    format!("at {at}: {} is exactly {x}", t.text()),
                    Some(&p),
                ),
                (R::V(x), Err(EvalError::Overflow)) if !wide => fail(
                    &mut out,
                    "eval of the text overflows where it does not",
                    format!("at {at}: {} is exactly {x}", t.text()),
                    Some(&p),
                ),
                (R::V(x), Ok(Value::Int(y))) if *x != *y as i128 => fail(
                    &mut out,
                    "eval of the text differs from exact value",
                    format!("at {at}: {} evaluates to {y}, exactly {x}", t.text()),
                    Some(&p),
                ),
                _ => {}
            }
            // The parsed form against the reference.
            match (&exact, &ve) {
                (R::V(x), Ok(Value::Int(y))) if *x != *y as i128 => fail(
                    &mut out,
                    "eval differs from exact value",
                    format!("at {at}: parsed {shown} evaluates to {y}, exact value {x}"),
                    Some(&p),
                ),
                (R::V(x), Err(EvalError::DivisionByZero)) => fail(
                    &mut out,
                    "parsed form undefined where text is defined",
                    format!("at {at}: parsed {shown} divides by zero, exact value {x}"),
                    Some(&p),
                ),
                (R::V(x), Err(EvalError::Overflow)) if !wide => fail(
                    &mut out,
                    "parsed form overflows where text does not",
                    format!(
                        "at {at}: parsed {shown} overflows, no intermediate of the text does (value {x})"
                    ),
                    Some(&p),
                ),
                (_, Err(err))
                    if !matches!(err, EvalError::DivisionByZero | EvalError::Overflow) =>
                {
                    fail(
                        &mut out,
                        "eval error",
                        format!("at {at}: {shown}: {err}"),
                        Some(&p),
                    )
                }
                _ => {}
            }
            // Simplify keeps the value; it may avoid an overflow, never introduce a failure.
            if let Ok(v0) = &ve {
                match &vs {
                    Ok(v1) if v1 != v0 => fail(
                        &mut out,
                        "simplify changes the value",
                        format!("at {at}: input {shown} = {v0:?}, simplified {ss} = {v1:?}"),
                        Some(&p),
                    ),
                    Ok(_) => {}
                    Err(EvalError::Overflow) => fail(
                        &mut out,
                        "simplify introduces overflow",
                        format!("at {at}: input {shown} = {v0:?}, simplified {ss} overflows"),
                        Some(&p),
                    ),
                    Err(err) => fail(
                        &mut out,
                        "simplify introduces an undefined point",
                        format!("at {at}: input {shown} = {v0:?}, simplified {ss}: {err}"),
                        Some(&p),
                    ),
                }
            } else if let (R::V(x), Some(y)) = (exact, ival(&vs))
                && x != y as i128
            {
                fail(
                    &mut out,
                    "simplify changes the value",
                    format!(
                        "at {at}: input {shown} overflows in an intermediate but is exactly {x}; simplified {ss} = {y}"
                    ),
                    Some(&p),
                );
            }
            // Bound.
            match *b {
                Bound::Int { lo, hi } => {
                    // Empty although this point satisfies every fact (whether or not the
                    // expression evaluates here).
                    if let (Some(l), Some(h)) = (lo, hi)
                        && l > h
                        && !inverted_seen
                    {
                        inverted_seen = true;
                        fail(
                            &mut out,
                            "bound inverted",
                            format!(
                                "bound {b} of {shown} is empty, but {at} satisfies the facts (exact value {exact:?})"
                            ),
                            Some(&p),
                        );
                    }
                    let inside = |v: i128| {
                        lo.is_none_or(|l| l as i128 <= v) && hi.is_none_or(|h| v <= h as i128)
                    };
                    if let Some(v) = ival(&ve) {
                        if !inside(v as i128) {
                            fail(
                                &mut out,
                                "bound misses a value",
                                format!("at {at}: {shown} = {v} outside bound {b}"),
                                Some(&p),
                            );
                        }
                    } else if let (Err(EvalError::Overflow), R::V(x)) = (&ve, exact)
                        && !inside(x)
                    {
                        fail(
                            &mut out,
                            "bound misses an exact value beyond i64 evaluation",
                            format!("at {at}: {shown} is exactly {x} (eval overflows), bound {b}"),
                            Some(&p),
                        );
                    }
                }
                _ => fail(
                    &mut out,
                    "bound of wrong type",
                    format!("bound {b} of {shown}"),
                    None,
                ),
            }
        }
        for (rel, text, pe, t, sp, sps) in &rels {
            let mut wide = false;
            let exact = match (reval(&rel.1, &p, &mut wide), reval(&rel.2, &p, &mut wide)) {
                (R::V(x), R::V(y)) => Some(rel.0.holds(x, y)),
                (R::Div0, _) | (_, R::Div0) => continue,
                _ => None,
            };
            let vp = cx.eval_with(*pe, &values);
            let got = match vp {
                Ok(Value::Bool(v)) => Some(v),
                _ => None,
            };
            if let (Some(x), Some(y)) = (exact, got)
                && x != y
            {
                fail(
                    &mut out,
                    "eval of relation differs from exact value",
                    format!("at {at}: {text} evaluates to {y}, exactly {x}"),
                    Some(&p),
                );
            }
            let Some(holds) = exact.or(got) else { continue };
            match t {
                Truth::True if !holds => fail(
                    &mut out,
                    "prove says True, relation fails",
                    format!("prove({text}) = True but it is false at {at}"),
                    Some(&p),
                ),
                Truth::False if holds => fail(
                    &mut out,
                    "prove says False, relation holds",
                    format!("prove({text}) = False but it is true at {at}"),
                    Some(&p),
                ),
                _ => {}
            }
            if let Some(v) = got {
                match cx.eval_with(*sp, &values) {
                    Ok(Value::Bool(w)) if w != v => fail(
                        &mut out,
                        "simplify changes a relation",
                        format!("at {at}: {text} is {v}, simplified {sps} is {w}"),
                        Some(&p),
                    ),
                    Err(err) => fail(
                        &mut out,
                        "simplify of a relation introduces an eval error",
                        format!("at {at}: {text} is {v}, simplified {sps}: {err}"),
                        Some(&p),
                    ),
                    _ => {}
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Shrinking.

fn still_fails(case: &Case, kind: &str) -> Option<Failure> {
    let o = run_case(case);
    if o.invalid {
        return None;
    }
    o.failures.into_iter().find(|f| f.kind == kind)
}

fn smaller_ints(v: i64) -> Vec<i64> {
    let mut c = vec![0, 1, -1, 2, v / 2, v - v.signum(), v / 1024, v >> 32];
    if v != i64::MIN {
        c.push(-v);
    }
    c.retain(|x| x.unsigned_abs() < v.unsigned_abs() || (*x == -v && v < 0));
    c.dedup();
    c
}

/// Candidates for a smaller case, roughly largest reductions first.
fn candidates(case: &Case, prove_kind: bool) -> Vec<Case> {
    let mut out = Vec::new();
    for k in 0..case.assumes.len() {
        let mut c = case.clone();
        c.assumes.remove(k);
        out.push(c);
    }
    for k in 0..case.ranges.len() {
        let mut c = case.clone();
        c.ranges.remove(k);
        out.push(c);
        for side in 0..2 {
            let mut c = case.clone();
            let r = &mut c.ranges[k];
            let end = if side == 0 { &mut r.1 } else { &mut r.2 };
            if end.take().is_some() {
                out.push(c);
            }
        }
    }
    if prove_kind && case.expr.is_some() {
        let mut c = case.clone();
        c.expr = None;
        out.push(c);
    }
    if !prove_kind && !case.rels.is_empty() {
        let mut c = case.clone();
        c.rels.clear();
        out.push(c);
    }
    for k in 0..case.rels.len() {
        if case.rels.len() > 1 {
            let mut c = case.clone();
            c.rels.remove(k);
            out.push(c);
        }
    }
    let mut probe = case.clone();
    let sizes: Vec<usize> = probe.roots_mut().iter().map(|t| t.size()).collect();
    for (ri, &size) in sizes.iter().enumerate() {
        for node in 0..size {
            let mut probe = case.clone();
            let mut k = node;
            let cur = probe
                .roots_mut()
                .swap_remove(ri)
                .nth_mut(&mut k)
                .unwrap()
                .clone();
            let mut reps: Vec<T> = match &cur {
                T::N(_, a) => {
                    let mut v = a.clone();
                    v.extend([T::C(0), T::C(1)]);
                    v.extend((0..case.n).map(T::S));
                    v
                }
                T::C(v) => smaller_ints(*v).into_iter().map(T::C).collect(),
                T::S(i) => (0..*i).map(T::S).chain([T::C(0), T::C(1)]).collect(),
            };
            if let T::N(op, a) = &cur {
                // Fewer arguments of n-ary Min/Max.
                if a.len() > 2 && matches!(op, Op::Min | Op::Max) {
                    for drop in 0..a.len() {
                        let mut b = a.clone();
                        b.remove(drop);
                        reps.push(T::N(*op, b));
                    }
                }
            }
            for rep in reps {
                let mut c = case.clone();
                let mut k = node;
                *c.roots_mut().swap_remove(ri).nth_mut(&mut k).unwrap() = rep;
                out.push(c);
            }
        }
    }
    // Smaller point coordinates (the box is one point by now).
    for i in 0..case.n {
        let (lo, hi) = case.win[i];
        if lo == hi {
            for v in smaller_ints(lo) {
                let mut c = case.clone();
                c.win[i] = (v, v);
                out.push(c);
            }
        }
    }
    // Fewer symbols when the last one is unused.
    if case.n > 1 {
        let mut c = case.clone();
        let last = c.n - 1;
        let used = c.roots_mut().iter().any(|t| t.max_sym() == Some(last))
            || c.ranges.iter().any(|r| r.0 == last);
        if !used {
            c.n -= 1;
            c.win.pop();
            out.push(c);
        }
    }
    out
}

fn shrink(case: &Case, f: &Failure) -> (Case, Failure) {
    let kind = f.kind.as_str();
    if kind == "slow" {
        return (case.clone(), f.clone());
    }
    let prove_kind = kind.starts_with("prove");
    let mut best = case.clone();
    let mut best_f = f.clone();
    if let Some(p) = &f.point {
        let mut c = case.clone();
        c.win = p.iter().map(|v| (*v, *v)).collect();
        if let Some(g) = still_fails(&c, kind) {
            best = c;
            best_f = g;
        }
    }
    let mut budget = 4000usize;
    'outer: loop {
        for c in candidates(&best, prove_kind) {
            if budget == 0 {
                break 'outer;
            }
            budget -= 1;
            if let Some(g) = still_fails(&c, kind) {
                best = c;
                best_f = g;
                continue 'outer;
            }
        }
        break;
    }
    (best, best_f)
}

// ---------------------------------------------------------------------------------------------
// The driver.

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn case_rng(seed: u64, index: u64) -> Rng {
    // splitmix64 of (seed, index): cases are independent of each other and of the thread count.
    let mut z = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Rng((z ^ (z >> 31)) | 1)
}

/// Failing cases kept for the report: case index, case, failure.
type Kept = Vec<(u64, Case, Failure)>;

#[derive(Default)]
struct Totals {
    cases: u64,
    decided: u64,
    refused: u64,
    points: u64,
    domain: u64,
    failures: u64,
    /// Per kind: count, and up to a few failing cases.
    by_kind: BTreeMap<String, (u64, Kept)>,
}

const KEEP_PER_KIND: usize = 12;

fn fuzz(first: u64, count: u64, seed: u64) -> Totals {
    let threads = env_u64(
        "SYMSHAPE_EDGE_THREADS",
        std::thread::available_parallelism().map_or(1, |n| n.get() as u64),
    )
    .max(1);
    let skip: Vec<u64> = std::env::var("SYMSHAPE_EDGE_SKIP")
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let progress = std::env::var("SYMSHAPE_EDGE_PROGRESS").ok();
    let cycles = env_u64("SYMSHAPE_EDGE_CYCLES", 1) != 0;
    let report_file = std::env::var("SYMSHAPE_EDGE_REPORT").ok();
    let ignore: Vec<String> = std::env::var("SYMSHAPE_EDGE_IGNORE")
        .unwrap_or_default()
        .split(";;")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let totals = Mutex::new(Totals::default());
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (totals, skip, progress) = (&totals, &skip, &progress);
            let (report_file, ignore) = (&report_file, &ignore);
            std::thread::Builder::new()
                .name(format!("edge-{t}"))
                .stack_size(64 << 20)
                .spawn_scoped(scope, move || {
                    let mut local = Totals::default();
                    let mut shrunk: BTreeMap<String, u64> = BTreeMap::new();
                    let mut i = first + t;
                    while i < first + count {
                        if skip.contains(&i) {
                            i += threads;
                            continue;
                        }
                        let mut case = gen_case(&mut case_rng(seed, i), cycles);
                        prune_facts(&mut case);
                        if let Some(dir) = progress {
                            let _ = std::fs::write(
                                format!("{dir}/edge-{t}"),
                                format!(
                                    "{i} {} {} {} {}\n{case}\n",
                                    local.cases, local.points, local.domain, local.failures
                                ),
                            );
                        }
                        let o = run_case(&case);
                        local.cases += 1;
                        local.decided += o.decided;
                        local.refused += o.refused as u64;
                        local.points += o.points;
                        local.domain += o.domain;
                        for f in o.failures {
                            // Hunting mode: shrink now and append to the report (survives an
                            // abort of the process); known classes are skipped by pattern.
                            if let Some(path) = report_file {
                                let n = shrunk.entry(f.kind.clone()).or_default();
                                if *n >= 100 {
                                    continue;
                                }
                                let (small, g) = shrink(&case, &f);
                                let line =
                                    format!("[{}] {} || {small} || case #{i}", f.kind, g.detail);
                                if ignore.iter().any(|p| line.contains(p.as_str())) {
                                    continue;
                                }
                                *n += 1;
                                use std::io::Write;
                                if let Ok(mut file) = std::fs::OpenOptions::new()
                                    .create(true)
                                    .append(true)
                                    .open(path)
                                {
                                    let _ = writeln!(file, "{line}");
                                }
                            }
                            local.failures += 1;
                            let e = local.by_kind.entry(f.kind.clone()).or_default();
                            e.0 += 1;
                            if e.1.len() < KEEP_PER_KIND {
                                e.1.push((i, case.clone(), f));
                            }
                        }
                        i += threads;
                    }
                    let mut g = totals.lock().unwrap();
                    g.cases += local.cases;
                    g.decided += local.decided;
                    g.refused += local.refused;
                    g.points += local.points;
                    g.domain += local.domain;
                    g.failures += local.failures;
                    for (k, (n, v)) in local.by_kind {
                        let e = g.by_kind.entry(k).or_default();
                        e.0 += n;
                        e.1.extend(v);
                    }
                })
                .unwrap();
        }
    });
    totals.into_inner().unwrap()
}

/// Shrinks the kept failures, one report line each (deduplicated by shrunk case).
fn report(t: &Totals) -> String {
    let mut out = String::new();
    for (kind, (n, cases)) in &t.by_kind {
        let _ = writeln!(out, "== {kind}: {n} failures");
        let mut seen = Vec::new();
        for (i, case, f) in cases {
            let (small, g) = shrink(case, f);
            let line = format!("[{kind}] {} || {small} || case #{i}", g.detail);
            if !seen.contains(&small.to_string()) {
                seen.push(small.to_string());
                let _ = writeln!(out, "  {line}\n      original: {case}");
            }
        }
    }
    out
}

#[test]
fn edge_fuzz() {
    let count = env_u64("SYMSHAPE_EDGE_CASES", 60_000);
    let first = env_u64("SYMSHAPE_EDGE_FIRST", 0);
    let seed = env_u64("SYMSHAPE_EDGE_SEED", 0xED6E_F022_0000_0001);
    let t0 = Instant::now();
    let t = fuzz(first, count, seed);
    // In hunting mode the failures were shrunk into the report file already.
    let rep = if std::env::var_os("SYMSHAPE_EDGE_REPORT").is_some() {
        t.by_kind
            .iter()
            .map(|(k, (n, _))| format!("== {k}: {n} failures\n"))
            .collect()
    } else {
        report(&t)
    };
    eprintln!(
        "edge fuzz: {} cases ({} expressions refused by the parser), {} points, {} in the domain, {} failures in {:?}; {} relations decided\n{rep}",
        t.cases,
        t.refused,
        t.points,
        t.domain,
        t.failures,
        t0.elapsed(),
        t.decided
    );
    assert!(
        t.domain > t.cases,
        "the generator must produce mostly non-empty domains"
    );
    let blocking: u64 = t
        .by_kind
        .iter()
        .filter(|(k, _)| !OPEN_KINDS.contains(&k.as_str()))
        .map(|(_, (n, _))| *n)
        .sum();
    if blocking < t.failures {
        eprintln!(
            "edge fuzz: {} failures of OPEN kinds (known, not fixed yet; see OPEN_KINDS)",
            t.failures - blocking
        );
    }
    assert_eq!(blocking, 0, "edge fuzz failures:\n{rep}");
}

/// OPEN DEFECTS, found by this fuzzer and not fixed yet: their failures would be printed on
/// every run but not fail the suite; every other kind (panics, wrong values, unsound bounds or
/// proofs, new overflow, slow cases) does. Empty: the last open class, overflow in the
/// constructors' normal form, is fixed (a `CeilDiv` node; a polynomial is one value, see
/// docs/rules.md §8). Two runs of 10^6 cases on 2026-12-01 (default seed: 16,057,143 domain
/// points; seed 777: 16,085,455): 0 failures of any kind. Add an entry only with an issue
/// that tracks it.
const OPEN_KINDS: &[&str] = &[];

/// Pinned cases of the open defects above: reported, not asserted, until fixed. (Every pinned
/// case, N1-N7 included, is asserted now.)
const OPEN_PINNED: &[&str] = &[];

/// The fuzzer's own machinery: printing and re-parsing trees, the reference evaluator.
#[test]
fn edge_fuzz_machinery() {
    let mut r = Rng(0x7E57);
    for _ in 0..2000 {
        let t = gen_t(&mut r, 4, 3);
        assert_eq!(parse_t(&t.text()), t, "{}", t.text());
    }
    let mut w = false;
    let ev = |s: &str, p: &[i64]| reval(&parse_t(s), p, &mut false);
    assert_eq!(ev("FloorDiv(-7, 2)", &[]), R::V(-4));
    assert_eq!(ev("Mod(-7, 2)", &[]), R::V(1));
    assert_eq!(ev("Mod(7, -2)", &[]), R::V(-1));
    assert_eq!(ev("CeilDiv(7, -2)", &[]), R::V(-3));
    assert_eq!(ev("ModularIndexing(-7, 2, 3)", &[]), R::V(2));
    assert_eq!(ev("FloorDiv(s0, 0)", &[3]), R::Div0);
    assert_eq!(
        reval(&parse_t("-9223372036854775808 - 1 + 1"), &[], &mut w),
        R::V(i64::MIN as i128)
    );
    assert!(w);
}

// ---------------------------------------------------------------------------------------------
// Pinned cases: known bugs (and the new ones the fuzzer found). Not ignored: they fail until the
// fix lands.

struct Pinned {
    name: &'static str,
    expr: Option<&'static str>,
    ranges: &'static [(&'static str, &'static str, &'static str)],
    assume: &'static [&'static str],
    prove: &'static [&'static str],
    /// Box per symbol (symbols not listed are fixed at 0).
    boxes: &'static [(&'static str, i64, i64)],
}

fn pinned_case(p: &Pinned) -> Case {
    let idx = |name: &str| NAMES.iter().position(|n| *n == name).unwrap();
    let end = |s: &str| (!s.is_empty() && s != "oo" && s != "-oo").then(|| parse_t(s));
    let mut case = Case {
        n: 0,
        ranges: p
            .ranges
            .iter()
            .map(|(n, lo, hi)| (idx(n), end(lo), end(hi)))
            .collect(),
        assumes: p.assume.iter().map(|s| parse_rel(s)).collect(),
        expr: p.expr.map(parse_t),
        rels: p.prove.iter().map(|s| parse_rel(s)).collect(),
        win: Vec::new(),
    };
    let mut n = p.boxes.iter().map(|b| idx(b.0) + 1).max().unwrap_or(0);
    for t in case.roots_mut() {
        n = n.max(t.max_sym().map_or(0, |m| m + 1));
    }
    case.n = n.max(case.ranges.iter().map(|r| r.0 + 1).max().unwrap_or(0));
    case.win = (0..case.n)
        .map(|i| {
            p.boxes
                .iter()
                .find(|b| idx(b.0) == i)
                .map_or((0, 0), |b| (b.1, b.2))
        })
        .collect();
    case
}

const PINNED: &[Pinned] = &[
    // 1. Cyclic facts (ranges and assumptions bounding each other): stack overflows.
    Pinned {
        name: "1a cyclic: prove u0 >= 0",
        expr: Some("u0"),
        ranges: &[],
        assume: &["u0 <= FloorDiv(s0, 2)", "s0 <= u0 + 3"],
        prove: &["u0 >= 0"],
        boxes: &[("s0", -6, 6), ("u0", -6, 6)],
    },
    Pinned {
        name: "1b cyclic: simplify FloorDiv(u0, s0)",
        expr: Some("FloorDiv(u0, s0)"),
        ranges: &[("u0", "0", "Max(s0, 4)"), ("s0", "2", "oo")],
        assume: &["u0 >= s0"],
        prove: &[],
        boxes: &[("s0", 2, 14), ("u0", 0, 12)],
    },
    Pinned {
        name: "1c cyclic: bound x",
        expr: Some("x"),
        ranges: &[("x", "0", "FloorDiv(s0, 2)")],
        assume: &["s0 <= x + 8"],
        prove: &["x <= 8", "x >= 0"],
        boxes: &[("s0", 0, 12), ("x", 0, 12)],
    },
    // 2. Panics.
    Pinned {
        name: "2a panic: Mod(MIN*x*y + 1, -x)",
        expr: Some("Mod(-9223372036854775808*x*y + 1, -x)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("x", -2, 2), ("y", -2, 2)],
    },
    Pinned {
        name: "2b panic: -FloorDiv(x + 1, 2) - MAX - 1",
        expr: Some("-FloorDiv(x + 1, 2) - 9223372036854775807 - 1"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("x", -3, 3)],
    },
    // 6. Wrong value.
    Pinned {
        name: "6 FloorDiv(2*x + 1, MIN)",
        expr: Some("FloorDiv(2*x + 1, -9223372036854775808)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("x", -3, 3)],
    },
    // 8. Overflow introduced by a rewrite.
    Pinned {
        name: "8a FloorDiv(FloorDiv(x, a), b) at a = b = 2^32",
        expr: Some("FloorDiv(FloorDiv(x, a), b)"),
        ranges: &[("a", "1", "oo"), ("b", "1", "oo")],
        assume: &[],
        prove: &[],
        boxes: &[
            ("x", -3, 3),
            ("a", 4294967296, 4294967296),
            ("b", 4294967296, 4294967296),
        ],
    },
    Pinned {
        name: "8b CeilDiv(x, MAX)",
        expr: Some("CeilDiv(x, 9223372036854775807)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("x", -3, 3)],
    },
    // More entry points of the i64::MIN remainder panics (add.rs `c % m`, monomial.rs
    // `coeff % g`), found by the fuzzer before the fix of 2.
    Pinned {
        name: "2c panic: prove MIN <= CeilDiv(s0, 2)",
        expr: None,
        ranges: &[],
        assume: &[],
        prove: &["-9223372036854775808 <= CeilDiv(s0, 2)"],
        boxes: &[("s0", -3, 3)],
    },
    Pinned {
        name: "2d panic: bound with s0 >= FloorDiv(u0, 2), u0 = MAX - 1",
        expr: Some("ModularIndexing(-1, s0, 2) + (s0 + s0)"),
        ranges: &[
            ("u0", "9223372036854775806", "9223372036854775806"),
            ("s0", "FloorDiv(u0, 2)", "oo"),
        ],
        assume: &[],
        prove: &[],
        boxes: &[
            ("s0", 4611686018427387900, 4611686018427387905),
            ("u0", 9223372036854775806, 9223372036854775806),
        ],
    },
    Pinned {
        name: "2e panic: FloorDiv(MIN, -s0)",
        expr: Some("FloorDiv(-9223372036854775808, -s0)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", -3, 3)],
    },
    // Found by this fuzzer (rewrites that introduce overflow where the input evaluates).
    // N1: a negative constant divisor is made positive by negating the numerator.
    Pinned {
        name: "N1a FloorDiv(-MAX - s0, -2) -> FloorDiv(s0 + MAX, 2)",
        expr: Some("FloorDiv(-9223372036854775807 - s0, -2)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", 0, 3)],
    },
    Pinned {
        name: "N1b Abs(ModularIndexing(s0, -2, 2)) -> ModularIndexing(-s0, 2, 2)",
        expr: Some("Abs(ModularIndexing(s0, -2, 2))"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", -9223372036854775808, -9223372036854775805)],
    },
    Pinned {
        name: "N1c FloorDiv(FloorDiv(x, -2), 2) -> FloorDiv(-x, 4)",
        expr: Some("FloorDiv(FloorDiv(x, -2), 2)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("x", -9223372036854775808, -9223372036854775805)],
    },
    // N2: Mod(e, k) reduces the constant and the coefficients of e modulo k.
    Pinned {
        name: "N2a Mod(s0 - 1, 2) -> Mod(s0 + 1, 2)",
        expr: Some("Mod(s0 - 1, 2)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", 9223372036854775804, 9223372036854775807)],
    },
    Pinned {
        name: "N2b Mod(s0 - x, 2) -> Mod(s0 + x, 2)",
        expr: Some("Mod(s0 - x, 2)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[
            ("s0", -9223372036854775808, -9223372036854775806),
            ("x", -2, 0),
        ],
    },
    // N3: products are expanded over sums.
    Pinned {
        name: "N3a s0 + s0*(2^62 - 1 - s0) -> 2^62*s0 - s0**2",
        expr: Some("s0 + s0*(4611686018427387903 - s0)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", 0, 3)],
    },
    Pinned {
        name: "N3b relation 0 >= s0*(1 + s0) -> Le(s0 + s0**2, 0)",
        expr: None,
        ranges: &[],
        assume: &[],
        prove: &["0 >= s0*(1 + s0)"],
        boxes: &[("s0", -3037000501, -3037000499)],
    },
    // N4: FloorDiv(a + k*d, d) -> FloorDiv(a, d) + k with a FloorDiv(MIN, -1) inside.
    Pinned {
        name: "N4 FloorDiv(MIN - x, x) -> FloorDiv(MIN, x) - 1",
        expr: Some("FloorDiv(-9223372036854775808 - x, x)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("x", -3, 3)],
    },
    // N6: panic (multiply with overflow, simplify/div.rs) in FloorDiv of a sum with a product.
    Pinned {
        name: "N6 panic: FloorDiv(-MAX - s0*(9 + s0), 3)",
        expr: Some("FloorDiv(-9223372036854775807 - s0*(9 + s0), 3)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", -3, 3)],
    },
    // N7: an interval beyond i64::MAX becomes [MAX, ..] and later arithmetic keeps that end:
    // inverted bound, and a wrong True (FloorDiv(s0*s0, 2) + 1 is about 4.6e18 < MAX).
    Pinned {
        name: "N7a bound(FloorDiv(s0*s0, s0) + 1) inverted",
        expr: Some("FloorDiv(s0*s0, s0) + 1"),
        ranges: &[("s0", "4294967182", "4294967306")],
        assume: &[],
        prove: &["FloorDiv(s0*s0, s0) + 1 >= 9223372036854775807"],
        boxes: &[("s0", 4294967290, 4294967300)],
    },
    Pinned {
        name: "N7b prove FloorDiv(s0*s0, 2) + 1 >= MAX is True",
        expr: Some("FloorDiv(s0*s0, 2) + 1"),
        ranges: &[("s0", "3037000500", "3037000600")],
        assume: &[],
        prove: &["FloorDiv(s0*s0, 2) + 1 >= 9223372036854775807"],
        boxes: &[("s0", 3037000500, 3037000510)],
    },
    // N5: the parsed normal form (constants distributed over sums, like terms merged,
    // `-t` as `(-1)*t`, CeilDiv as -FloorDiv(-a, b)) overflowed in eval where the text did not.
    Pinned {
        name: "N5a eval of s0 - x at x = MIN",
        expr: Some("s0 - x"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[
            ("s0", -1, -1),
            ("x", -9223372036854775808, -9223372036854775808),
        ],
    },
    Pinned {
        name: "N5b 2^31*(s0 - 1) parsed as 2^31*s0 - 2^31",
        expr: Some("2147483648*(s0 - 1)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", 4294967296, 4294967296)],
    },
    // N5d-g: a polynomial is one value (a zero factor makes it 0; a sign or coefficient moved
    // into a node changes nothing): the normal form's nodes must not overflow where the
    // text's product does not.
    Pinned {
        name: "N5d (-1)*s0*x parsed as the term -1*(s0*x), s0*x = 2^63",
        expr: Some("(-1)*s0*x"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[
            ("s0", 2, 2),
            ("x", 4611686018427387904, 4611686018427387904),
        ],
    },
    Pinned {
        name: "N5e coefficient moved into a sum factor, another factor 0",
        expr: Some("x*(s0 + 2147483647)*4294967296"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", 1, 1), ("x", -1, 1)],
    },
    Pinned {
        name: "N5f equal factors merged into a power, another factor 0",
        expr: Some("u0*s0*u0"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", -1, 1), ("u0", -4294967164, -4294967164)],
    },
    Pinned {
        name: "N5g huge coefficient moved into a sum factor, Mod factor 0",
        expr: Some("(1 + s0)*((-9223372036854775662)*Mod(s0, 1))"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[("s0", -1, 3)],
    },
    Pinned {
        name: "N5c CeilDiv(u0, x) parsed as -FloorDiv(-u0, x)",
        expr: Some("CeilDiv(u0, x)"),
        ranges: &[],
        assume: &[],
        prove: &[],
        boxes: &[
            ("u0", -9223372036854775808, -9223372036854775808),
            ("x", 1, 2),
        ],
    },
];

#[test]
fn edge_fuzz_pinned() {
    // `SYMSHAPE_EDGE_PINNED=2a` runs only the cases whose name contains `2a`.
    let only = std::env::var("SYMSHAPE_EDGE_PINNED").unwrap_or_default();
    let mut failed = Vec::new();
    for p in PINNED.iter().filter(|p| p.name.contains(only.as_str())) {
        let case = pinned_case(p);
        let t0 = Instant::now();
        let o = run_case(&case);
        assert!(!o.invalid, "{}: a fact was refused: {case}", p.name);
        if o.failures.is_empty() && o.domain == 0 {
            failed.push(format!("{}: empty domain: {case}", p.name));
        }
        if o.refused {
            failed.push(format!(
                "{}: expression refused by the parser: {case}",
                p.name
            ));
        }
        let open = OPEN_PINNED.iter().any(|n| p.name.starts_with(n));
        for f in o.failures {
            let line = format!("{}: [{}] {} || {case}", p.name, f.kind, f.detail);
            if open {
                eprintln!("OPEN (known, not fixed yet): {line}");
            } else {
                failed.push(line);
            }
        }
        if t0.elapsed() > Duration::from_secs(5) {
            failed.push(format!("{}: took {:?}", p.name, t0.elapsed()));
        }
    }
    assert!(failed.is_empty(), "\n{}", failed.join("\n"));
}

/// 7. `IntTrueDiv` compared with a float: the prover must agree with exact double evaluation.
#[test]
fn edge_fuzz_pinned_int_true_div() {
    let mut cx = Context::new();
    cx.set_range_str("x", "2686407547256838345", "2686407547256838345")
        .unwrap();
    cx.set_range_str("y", "1553648194209694344", "1553648194209694344")
        .unwrap();
    let text = "IntTrueDiv(x, y) <= 1.7290964307549386";
    let p = cx.parse(text).unwrap();
    let t = cx.prove(p).expect("a predicate");
    let v = cx.eval(
        p,
        &[
            ("x", Value::Int(2686407547256838345)),
            ("y", Value::Int(1553648194209694344)),
        ],
    );
    let q = cx.parse("IntTrueDiv(x, y)").unwrap();
    let q = cx.eval(
        q,
        &[
            ("x", Value::Int(2686407547256838345)),
            ("y", Value::Int(1553648194209694344)),
        ],
    );
    match (t, &v) {
        (Truth::True, Ok(Value::Bool(false))) | (Truth::False, Ok(Value::Bool(true))) => {
            panic!("prove({text}) = {t:?}, but eval gives {v:?} (IntTrueDiv = {q:?})")
        }
        _ => {}
    }
}
