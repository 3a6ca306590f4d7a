//! The sympy-syntax printer. Deterministic, and `parse(display(e)) == e` for every expression
//! (the round-trip tests check it on random expressions). Recursive only to a fixed depth (the
//! common nodes of index expressions), then by an explicit task stack, so deep expressions
//! print without deep recursion.

use crate::Context;
use crate::expr::{Expr, Node};

/// Shortest text that parses back to exactly `v` (Rust's `{:?}` float formatting round-trips).
pub(crate) fn float_text(v: f64) -> String {
    let mut out = String::new();
    push_float(&mut out, v);
    out
}

/// [`float_text`] appended to `out` (no string of its own for the common values).
pub(crate) fn push_float(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("nan");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "oo" } else { "-oo" });
    } else if !push_dyadic(out, v) {
        use std::fmt::Write;
        let _ = write!(out, "{v:?}");
    }
}

/// Appends `format!("{v:?}")` for `v = ±j/256` with `|v| < 2^20` (`0.75`, `1.5`, `-3.0`,
/// `-0.0`), at a fraction of the formatter's cost; `false` (nothing written) for any other value. Exact: such a value's decimal
/// expansion is finite, at most 7 integer and 8 fraction digits (j*5^8 / 10^8), so at most 15
/// significant ones; distinct decimals of at most 15 significant digits are distinct doubles,
/// so no shorter decimal reads back as `v`, and the shortest round trip `{:?}` prints is that
/// expansion itself, in positional form (`{:?}` switches to exponents below 1e-4 or from 1e16,
/// and 1/256 >= 1e-4), with `.0` for an integer. `print::tests::dyadic_text_is_debug` compares.
fn push_dyadic(out: &mut String, v: f64) -> bool {
    let a = v.abs();
    // (Also false for NaN.) Scaling by a power of two is exact.
    if a.is_nan() || a >= 1_048_576.0 {
        return false;
    }
    let scaled = a * 256.0;
    if scaled.fract() != 0.0 {
        return false;
    }
    // An integer below 2^28: the conversion is exact.
    let s = scaled as u64;
    let (int, frac) = (s >> 8, s & 255);
    if v.is_sign_negative() {
        out.push('-');
    }
    // (Below 2^20: the cast is exact.)
    push_i64(out, int as i64);
    if frac == 0 {
        out.push_str(".0");
    } else {
        // frac/256 = frac*5^8 / 10^8: eight digits, the trailing zeros dropped.
        let mut f = frac * 390_625;
        let mut fd = [b'.'; 9];
        for d in fd[1..].iter_mut().rev() {
            *d = b'0' + (f % 10) as u8;
            f /= 10;
        }
        let len = fd.iter().rposition(|d| *d != b'0').map_or(1, |p| p + 1);
        out.extend(fd[..len].iter().map(|d| char::from(*d)));
    }
    true
}

const P_ADD: u8 = 1;
const P_MUL: u8 = 2;
const P_UNARY: u8 = 3;
const P_POW: u8 = 4;
const P_ATOM: u8 = 9;

/// How deep [`Context::display`] recurses before the task stack takes a subtree (the
/// thread's stack stays small: a few hundred bytes a level).
const WRITE_DEPTH: u32 = 32;

/// The element a sum prints first.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Lead {
    Term(usize),
    Const,
}

/// What a sum `Σ k·t + c` prints first: the first term with a positive coefficient (`q3 - q2`,
/// not `-q2 + q3`), else the constant (`5 - x`, `-5 - x`: a minus on a constant is free; not
/// `i64::MIN`, written in parentheses at the end), else the first term.
fn sum_lead(ts: &[(Expr, i64)], c: i64) -> Lead {
    match ts.iter().position(|(_, k)| *k > 0) {
        Some(i) => Lead::Term(i),
        None if c != 0 && c != i64::MIN => Lead::Const,
        None => Lead::Term(0),
    }
}

enum Task {
    Text(&'static str),
    /// ` + c` or ` - |c|`: the constant of a sum after its terms.
    TrailingConst(i64),
    /// `**k`.
    Exponent(u32),
    /// Print the expression; parenthesize if its precedence is below the minimum.
    Expr(Expr, u8),
    /// A term `k*t` of a sum; `first` decides whether a leading `+` is written.
    Term(Expr, i64, bool),
}

/// The printer's tasks: on the stack for the usual expression (no allocation).
type TaskStack = smallvec::SmallVec<[Task; 16]>;

impl Context {
    pub(crate) fn prec(&self, e: Expr) -> u8 {
        match self.node(e) {
            Node::Int(v) if *v < 0 => P_UNARY,
            Node::Float(b) if f64::from_bits(*b).is_sign_negative() => P_UNARY,
            Node::Add(..) | Node::FAdd(..) => P_ADD,
            Node::Mul(_) | Node::FMul(..) => P_MUL,
            Node::FNeg(_) => P_UNARY,
            Node::Pow(..) => P_POW,
            _ => P_ATOM,
        }
    }

    /// The expression in sympy syntax, as a [`std::fmt::Display`] value that prints when
    /// formatted: `println!("{}", cx.show(e))`, `format!("{:>20}", cx.show(e))`.
    pub fn show(&self, e: Expr) -> Show<'_> {
        Show { cx: self, e }
    }

    /// The expression in sympy syntax.
    pub fn display(&self, e: Expr) -> String {
        // 128 bytes: a third of the answers of real plain simplify requests are longer than 64
        // (whose growth then costs a `realloc` and a copy, a few hundred instructions), a tenth
        // longer than 128; `malloc` takes the same path for either size.
        let mut out = String::with_capacity(128);
        // A constant or a symbol (many answers are one) without the task stack, whose
        // allocation would cost more than the printing.
        match self.node(e) {
            Node::Int(v) => {
                push_i64(&mut out, *v);
                return out;
            }
            Node::Sym(s) => {
                out.push_str(self.sym_name(*s));
                return out;
            }
            Node::Add(ts, c) if self.push_flat_sum(ts, *c, &mut out) => return out,
            _ => {}
        }
        self.write(e, 0, &mut out, WRITE_DEPTH);
        out
    }

    /// Appends [`Context::display`]'s text of `e` to `out` (what is already there is kept):
    /// for texts around an expression (the solver's reasons, a relation's head), written into
    /// one string without printing the expression into a string of its own first. The same
    /// text as `display` (`push_display_appends_what_display_prints` compares the two), which
    /// does not call this, and a sum by the recursion, whose text for a flat sum is
    /// `push_flat_sum`'s (`flat_sums_print_as_the_task_stack_prints`): with `display` calling
    /// this, or a second caller of `push_flat_sum` (then no longer inlined into `display`),
    /// every printed answer cost about 25 instructions more.
    pub(crate) fn push_display(&self, e: Expr, out: &mut String) {
        match self.node(e) {
            Node::Int(v) => push_i64(out, *v),
            Node::Sym(s) => out.push_str(self.sym_name(*s)),
            _ => self.write(e, 0, out, WRITE_DEPTH),
        }
    }

    /// [`Context::display`] by its task stack alone (every expression; `display` takes
    /// shortcuts, which the tests hold to this).
    #[cfg(test)]
    fn display_tasks(&self, e: Expr, mut out: String) -> String {
        self.write_tasks(e, 0, &mut out);
        out
    }

    /// Writes `e`, in parentheses when its precedence is below `min`: by recursion for the
    /// nodes of index expressions (sums, products, powers, divisions, remainders, Min, Max,
    /// Abs), `depth` levels deep, where the task stack's pushes and pops cost more than the
    /// writing (a third of printing `FloorDiv(30*p1, 7) + 3`); any other node, and anything
    /// deeper, by the task stack ([`Context::write_tasks`]), which writes the same text (the
    /// `Task` arms and [`Context::push_node`] mirrored here; the tests compare the two).
    fn write(&self, e: Expr, min: u8, out: &mut String, depth: u32) {
        if depth == 0 {
            return self.write_tasks(e, min, out);
        }
        let open = self.prec(e) < min;
        if open {
            out.push('(');
        }
        let depth = depth - 1;
        match self.node(e) {
            Node::Int(v) => push_i64(out, *v),
            Node::Sym(s) => out.push_str(self.sym_name(*s)),
            Node::Add(ts, c) => {
                // `push_node`'s order: the lead, then the others in order, the constant last.
                let c = *c;
                let lead = sum_lead(ts, c);
                match lead {
                    Lead::Term(i) => self.write_term(ts[i].0, ts[i].1, true, out, depth),
                    Lead::Const => push_i64(out, c),
                }
                for (i, &(t, k)) in ts.iter().enumerate() {
                    if lead != Lead::Term(i) {
                        self.write_term(t, k, false, out, depth);
                    }
                }
                if c != 0 && lead != Lead::Const {
                    if c == i64::MIN {
                        out.push_str(" + (-9223372036854775808)");
                    } else {
                        out.push_str(if c < 0 { " - " } else { " + " });
                        push_u64(out, c.unsigned_abs());
                    }
                }
            }
            Node::Mul(fs) => {
                for (i, f) in fs.iter().enumerate() {
                    if i > 0 {
                        out.push('*');
                    }
                    // A FloorDiv factor (`s0*FloorDiv(s1, 4)`) as `write_term` writes it.
                    match self.node(*f) {
                        Node::Sym(s) => out.push_str(self.sym_name(*s)),
                        Node::Int(v) if *v >= 0 => push_u64(out, v.unsigned_abs()),
                        Node::FloorDiv(a, b) if depth > 0 => {
                            self.write_call("FloorDiv", &[*a, *b], out, depth - 1);
                        }
                        _ => self.write(*f, P_MUL + 1, out, depth),
                    }
                }
            }
            Node::Pow(b, k) => {
                self.write(*b, P_ATOM, out, depth);
                out.push_str("**");
                push_u64(out, u64::from(*k));
            }
            Node::FloorDiv(a, b) => self.write_call("FloorDiv", &[*a, *b], out, depth),
            Node::CeilDiv(a, b) => self.write_call("CeilDiv", &[*a, *b], out, depth),
            Node::Mod(a, m) => match self.node(*a) {
                Node::FloorDiv(p, q) => {
                    self.write_call("ModularIndexing", &[*p, *q, *m], out, depth);
                }
                _ => self.write_call("Mod", &[*a, *m], out, depth),
            },
            Node::Min(xs) => self.write_call("Min", xs, out, depth),
            Node::Max(xs) => self.write_call("Max", xs, out, depth),
            Node::Abs(a) => self.write_call("Abs", &[*a], out, depth),
            // Parenthesized above when needed: the stack writes the node itself.
            _ => self.write_tasks(e, 0, out),
        }
        if open {
            out.push(')');
        }
    }

    /// A term `k*t` of a sum (`Task::Term`): its sign, or ` + `/` - ` after the first term,
    /// the coefficient's magnitude unless 1, and `t` at the precedence of a factor.
    fn write_term(&self, t: Expr, k: i64, first: bool, out: &mut String, depth: u32) {
        if k == i64::MIN {
            out.push_str(if first { "" } else { " + " });
            out.push_str("(-9223372036854775808)*");
            return self.write(t, P_MUL, out, depth);
        }
        match (first, k < 0) {
            (true, false) => {}
            (true, true) => out.push('-'),
            (false, false) => out.push_str(" + "),
            (false, true) => out.push_str(" - "),
        }
        let mag = k.unsigned_abs();
        if mag != 1 {
            push_u64(out, mag);
            out.push('*');
        }
        // A division term (`FloorDiv(23*p1, 7)`, in a third of the answers): `write`'s arm
        // for it without the precedence test (a call is never in parentheses) and one call
        // level less, within the same depth as `write` (the tests compare the two).
        match self.node(t) {
            Node::Sym(s) => out.push_str(self.sym_name(*s)),
            Node::Int(v) if *v >= 0 => push_u64(out, v.unsigned_abs()),
            Node::FloorDiv(a, b) if depth > 0 => {
                self.write_call("FloorDiv", &[*a, *b], out, depth - 1);
            }
            _ => self.write(t, P_MUL, out, depth),
        }
    }

    /// `name(a, b, ...)`, each argument at the lowest precedence.
    fn write_call(&self, name: &str, args: &[Expr], out: &mut String, depth: u32) {
        out.push_str(name);
        out.push('(');
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match self.node(*a) {
                Node::Sym(s) => out.push_str(self.sym_name(*s)),
                Node::Int(v) if *v >= 0 => push_u64(out, v.unsigned_abs()),
                // `k*x + c` (`FloorDiv(23*p1, 7)`, `FloorDiv(s0 - 1, 4)`), if
                // `push_leaf_sum` takes it.
                Node::Add(ts, c)
                    if ts.len() == 1
                        && self.is_atom(ts[0].0)
                        && self.push_leaf_sum(ts[0], *c, out) => {}
                _ => self.write(*a, 0, out, depth),
            }
        }
        out.push(')');
    }

    /// Writes the sum `k*x + c` of the one term `(x, k)` and the constant `c` as `write` writes
    /// it at the lowest precedence, if k > 0 and c is not i64::MIN, x a leaf (`23*p1`,
    /// `s0 - 1`, `s27 + 5`, `4*x + 3`): its one term leads (the first with a positive
    /// coefficient), without a sign, the coefficient unless 1, then the constant, ` + c` or
    /// ` - |c|`, unless 0; no parentheses at the lowest precedence. `false`, with nothing
    /// written, for any other. Without `write`'s walk (its frame, `sum_lead`, `write_term`):
    /// about half of writing `FloorDiv(s0 - 1, 4)`. Not inlined: in `write_call` it cost every
    /// call's arguments a few instructions (`FloorDiv(s0, 2)` 7 more), so its caller
    /// checks that x is a leaf first (no call for other arguments).
    #[inline(never)]
    fn push_leaf_sum(&self, (t, k): (Expr, i64), c: i64, out: &mut String) -> bool {
        debug_assert!(self.is_atom(t));
        if k <= 0 || c == i64::MIN {
            return false;
        }
        if k != 1 {
            push_u64(out, k.unsigned_abs());
            out.push('*');
        }
        self.push_atom(t, out);
        if c != 0 {
            out.push_str(if c < 0 { " - " } else { " + " });
            push_u64(out, c.unsigned_abs());
        }
        true
    }

    /// Writes `e` (in parentheses when its precedence is below `min`) by the task stack: every
    /// expression, at any depth, without recursion.
    fn write_tasks(&self, e: Expr, min: u8, out: &mut String) {
        let mut stack: TaskStack = TaskStack::new();
        stack.push(Task::Expr(e, min));
        while let Some(t) = stack.pop() {
            match t {
                Task::Text(s) => out.push_str(s),
                Task::TrailingConst(c) => {
                    out.push_str(if c < 0 { " - " } else { " + " });
                    push_u64(out, c.unsigned_abs());
                }
                Task::Exponent(k) => {
                    out.push_str("**");
                    push_u64(out, u64::from(k));
                }
                Task::Term(t, k, first) => {
                    let (neg, mag) = (k < 0, k.unsigned_abs());
                    if k == i64::MIN {
                        out.push_str(if first { "" } else { " + " });
                        out.push_str("(-9223372036854775808)*");
                        stack.push(Task::Expr(t, P_MUL));
                        continue;
                    }
                    match (first, neg) {
                        (true, false) => {}
                        (true, true) => out.push('-'),
                        (false, false) => out.push_str(" + "),
                        (false, true) => out.push_str(" - "),
                    }
                    if mag != 1 {
                        push_u64(out, mag);
                        out.push('*');
                    }
                    // After a unary minus, `-x**2` and `-x*y` read correctly; a sum never
                    // appears as a term.
                    if !self.push_atom(t, out) {
                        stack.push(Task::Expr(t, P_MUL));
                    }
                }
                Task::Expr(x, min) => {
                    let p = self.prec(x);
                    if p < min {
                        out.push('(');
                        stack.push(Task::Text(")"));
                    }
                    self.push_node(x, out, &mut stack);
                }
            }
        }
    }

    /// Writes `e` if it is a symbol or a non-negative integer (printed the same at every
    /// precedence): the tasks of the stack cost more than writing such a leaf directly.
    #[inline]
    fn push_atom(&self, e: Expr, out: &mut String) -> bool {
        match self.node(e) {
            Node::Sym(s) => out.push_str(self.sym_name(*s)),
            Node::Int(v) if *v >= 0 => push_u64(out, v.unsigned_abs()),
            _ => return false,
        }
        true
    }

    /// Writes the sum `Σ k·t + c` if each term `t` is a leaf or a product of leaves (most index
    /// expressions: `4*d0*s0*s53 + 2*d1*s0 + d2`), without the task stack: the same text, in
    /// the same order, as the stack writes (the `Node::Add` arm of [`Context::push_node`] and
    /// `Task::Term`). `false`, with nothing written, for any other sum (and where a coefficient
    /// or the constant is `i64::MIN`, which the stack writes in parentheses).
    fn push_flat_sum(&self, ts: &[(Expr, i64)], c: i64, out: &mut String) -> bool {
        let flat = |t: Expr| match self.node(t) {
            Node::Mul(fs) => fs.iter().all(|f| self.is_atom(*f)),
            _ => self.is_atom(t),
        };
        if ts.is_empty() || c == i64::MIN || ts.iter().any(|&(t, k)| k == i64::MIN || !flat(t)) {
            return false;
        }
        let term = |out: &mut String, t: Expr, k: i64, first: bool| {
            match (first, k < 0) {
                (true, false) => {}
                (true, true) => out.push('-'),
                (false, false) => out.push_str(" + "),
                (false, true) => out.push_str(" - "),
            }
            if k != 1 && k != -1 {
                push_u64(out, k.unsigned_abs());
                out.push('*');
            }
            match self.node(t) {
                Node::Mul(fs) => {
                    for (i, f) in fs.iter().enumerate() {
                        if i > 0 {
                            out.push('*');
                        }
                        self.push_atom(*f, out);
                    }
                }
                _ => {
                    self.push_atom(t, out);
                }
            }
        };
        // The lead as `push_node` chooses it: the first term with a positive coefficient, else
        // the constant, else the first term.
        // (`None`: the constant leads.)
        let lead_term = match ts.iter().position(|(_, k)| *k > 0) {
            None if c != 0 => None,
            p => Some(p.unwrap_or(0)),
        };
        match lead_term {
            Some(i) => term(out, ts[i].0, ts[i].1, true),
            None => push_i64(out, c),
        }
        for (i, &(t, k)) in ts.iter().enumerate() {
            if lead_term != Some(i) {
                term(out, t, k, false);
            }
        }
        if c != 0 && lead_term.is_some() {
            out.push_str(if c < 0 { " - " } else { " + " });
            push_u64(out, c.unsigned_abs());
        }
        true
    }

    /// Whether `e` is written by [`Context::push_atom`].
    #[inline]
    fn is_atom(&self, e: Expr) -> bool {
        matches!(self.node(e), Node::Sym(_) | Node::Int(0..))
    }

    fn push_node(&self, x: Expr, out: &mut String, stack: &mut TaskStack) {
        let call = |stack: &mut TaskStack, out: &mut String, name: &str, args: &[Expr]| {
            out.push_str(name);
            out.push('(');
            // Leaves only (`FloorDiv(s0, 4)`): written at once.
            if args.iter().all(|a| self.is_atom(*a)) {
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.push_atom(*a, out);
                }
                out.push(')');
                return;
            }
            stack.push(Task::Text(")"));
            for (i, a) in args.iter().enumerate().rev() {
                stack.push(Task::Expr(*a, 0));
                if i > 0 {
                    stack.push(Task::Text(", "));
                }
            }
        };
        match self.node(x) {
            Node::Int(v) => push_i64(out, *v),
            Node::Float(b) => push_float(out, f64::from_bits(*b)),
            Node::Bool(true) => out.push_str("True"),
            Node::Bool(false) => out.push_str("False"),
            Node::Sym(s) => out.push_str(self.sym_name(*s)),
            Node::Add(ts, c) => {
                // What leads: the first term with a positive coefficient (`q3 - q2`, not
                // `-q2 + q3`), else the constant (`5 - x`, `-5 - x`: a minus on a constant is
                // free), else the first term. The others follow in the normal form's order,
                // the constant last; parsing restores the normal form whatever the order.
                let c = *c;
                let lead = sum_lead(ts, c);
                if c != 0 && lead != Lead::Const {
                    if c == i64::MIN {
                        stack.push(Task::Text(" + (-9223372036854775808)"));
                    } else {
                        stack.push(Task::TrailingConst(c));
                    }
                }
                for (i, (t, k)) in ts.iter().enumerate().rev() {
                    if lead != Lead::Term(i) {
                        stack.push(Task::Term(*t, *k, false));
                    }
                }
                match lead {
                    Lead::Term(i) => stack.push(Task::Term(ts[i].0, ts[i].1, true)),
                    Lead::Const => {
                        push_i64(out, c);
                    }
                }
            }
            Node::Mul(fs) if fs.iter().all(|f| self.is_atom(*f)) => {
                // A product of symbols (`s0*s1*s2`), at once.
                for (i, f) in fs.iter().enumerate() {
                    if i > 0 {
                        out.push('*');
                    }
                    self.push_atom(*f, out);
                }
            }
            Node::Mul(fs) => {
                for (i, f) in fs.iter().enumerate().rev() {
                    stack.push(Task::Expr(*f, P_MUL + 1));
                    if i > 0 {
                        stack.push(Task::Text("*"));
                    }
                }
            }
            Node::Pow(b, k) => {
                stack.push(Task::Exponent(*k));
                stack.push(Task::Expr(*b, P_ATOM));
            }
            Node::FloorDiv(a, b) => call(stack, out, "FloorDiv", &[*a, *b]),
            Node::CeilDiv(a, b) => call(stack, out, "CeilDiv", &[*a, *b]),
            Node::Mod(a, m) => {
                // ModularIndexing(p, q, m) is Mod(FloorDiv(p, q), m) for every divisor
                // (docs/language.md §2): one call instead of two, as PyTorch writes it, also for
                // symbolic divisors (`ModularIndexing(x, ks0, ks1)`).
                if let Node::FloorDiv(p, q) = self.node(*a) {
                    return call(stack, out, "ModularIndexing", &[*p, *q, *m]);
                }
                call(stack, out, "Mod", &[*a, *m])
            }
            Node::Min(xs) => call(stack, out, "Min", xs),
            Node::Max(xs) => call(stack, out, "Max", xs),
            Node::Abs(a) => call(stack, out, "Abs", &[*a]),
            Node::Where(c, a, b) => call(stack, out, "Where", &[*c, *a, *b]),
            Node::ToFloat(a) => call(stack, out, "ToFloat", &[*a]),
            Node::IntTrueDiv(a, b) => call(stack, out, "IntTrueDiv", &[*a, *b]),
            Node::FloatTrueDiv(a, b) => call(stack, out, "FloatTrueDiv", &[*a, *b]),
            Node::FAdd(a, b) => {
                if let Node::FNeg(nb) = self.node(*b) {
                    stack.push(Task::Expr(*nb, P_MUL));
                    stack.push(Task::Text(" - "));
                } else {
                    stack.push(Task::Expr(*b, P_MUL));
                    stack.push(Task::Text(" + "));
                }
                stack.push(Task::Expr(*a, P_ADD));
            }
            Node::FMul(a, b) => {
                stack.push(Task::Expr(*b, P_UNARY + 1));
                stack.push(Task::Text("*"));
                stack.push(Task::Expr(*a, P_MUL));
            }
            Node::FNeg(a) => {
                out.push('-');
                stack.push(Task::Expr(*a, P_POW));
            }
            Node::TruncToInt(a) => call(stack, out, "TruncToInt", &[*a]),
            Node::FloorToInt(a) => call(stack, out, "FloorToInt", &[*a]),
            Node::CeilToInt(a) => call(stack, out, "CeilToInt", &[*a]),
            Node::RoundToInt(a) => call(stack, out, "RoundToInt", &[*a]),
            Node::Eq(a, b) => call(stack, out, "Eq", &[*a, *b]),
            Node::Ne(a, b) => call(stack, out, "Ne", &[*a, *b]),
            Node::Lt(a, b) => call(stack, out, "Lt", &[*a, *b]),
            Node::Le(a, b) => call(stack, out, "Le", &[*a, *b]),
            Node::And(xs) => call(stack, out, "And", xs),
            Node::Or(xs) => call(stack, out, "Or", xs),
            Node::Not(a) => call(stack, out, "Not", &[*a]),
        }
    }
}

/// An expression with its context, printed in sympy syntax: see [`Context::show`].
#[derive(Copy, Clone, Debug)]
pub struct Show<'a> {
    cx: &'a Context,
    e: Expr,
}

impl std::fmt::Display for Show<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&self.cx.display(self.e))
    }
}

/// Appends the decimal digits of `v` (the formatter's machinery costs more than the number).
pub(crate) fn push_u64(out: &mut String, mut v: u64) {
    // One digit (most coefficients and constants): no buffer.
    if v < 10 {
        out.push(char::from(b'0' + v as u8));
        return;
    }
    // Two digits (`32*`, `96*`, `FloorDiv(x, 16)`: the next commonest): the same two digits
    // the loop below writes, without its buffer and division loop.
    if v < 100 {
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
        return;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &buf[i..] {
        out.push(char::from(d));
    }
}

/// Appends `v` in decimal, with a leading `-` when negative.
pub(crate) fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use crate::Context;

    /// The dyadic fast path of `float_text` against the formatter: every `j/256` below 2^12
    /// (both signs, zero's too), then random ones up to 2^20 and random bit patterns (which
    /// it must answer as the formatter or decline).
    #[test]
    fn dyadic_text_is_debug() {
        let check = |v: f64| {
            let mut t = String::from("x");
            if super::push_dyadic(&mut t, v) {
                assert_eq!(t, format!("x{v:?}"), "{v:e}");
                true
            } else {
                assert_eq!(t, "x");
                false
            }
        };
        for j in 0..(1u64 << 20) {
            let v = j as f64 / 256.0;
            assert!(check(v) && check(-v));
        }
        let mut next = crate::test_rng::xorshift(0x9e37_79b9_7f4a_7c15);
        let (mut taken, mut total) = (0, 0);
        for _ in 0..400_000 {
            let j = next(1 << 28);
            assert!(check(j as f64 / 256.0) && check(-(j as f64) / 256.0));
            assert!(!check(1_048_576.0 + j as f64 / 256.0));
            let bits = next(u64::MAX) | (next(2) << 63);
            total += 1;
            taken += usize::from(check(f64::from_bits(bits)));
            let small = (next(1 << 40) as f64) / (next(1 << 20) + 1) as f64;
            check(small);
        }
        assert!(taken < total);
        for v in [
            0.75,
            1.5,
            1.0,
            0.1,
            2.0,
            0.0,
            -0.0,
            1e-5,
            1e16,
            1048575.99609375,
            0.00390625,
        ] {
            check(v);
        }
    }

    /// The digit writers against the formatter, at the edges and between.
    #[test]
    fn integers_are_written_as_the_formatter_writes_them() {
        let mut vals: Vec<i64> = vec![0, 1, 9, 10, 99, 100, i64::MAX, i64::MIN, -1, -10];
        vals.extend((0..63).flat_map(|b| [1i64 << b, (1i64 << b) - 1, -(1i64 << b)]));
        for v in vals {
            let mut out = String::from("x");
            super::push_i64(&mut out, v);
            assert_eq!(out, format!("x{v}"));
        }
        let mut out = String::new();
        super::push_u64(&mut out, u64::MAX);
        assert_eq!(out, u64::MAX.to_string());
    }

    /// The flat-sum shortcut of `display` writes what the task stack writes, on random sums of
    /// leaves and products of leaves (coefficients and constants of both signs, 1 and -1, the
    /// i64 edges, cancelling terms) and on sums it declines (powers, calls, nested sums).
    #[test]
    fn flat_sums_print_as_the_task_stack_prints() {
        let mut r: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |m: u64| {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            r % m
        };
        let atoms = ["s0", "s1", "x3_inner", "q0", "y", "s27", "s100", "7"];
        // Factors that make a sum not flat (a power, a call, a sum factor).
        let rare = ["FloorDiv(s0, 4)", "s1**2", "(s0 + 1)"];
        let coeffs = [
            "1",
            "-1",
            "2",
            "-3",
            "96",
            "9223372036854775807",
            "-9223372036854775807",
            "(-9223372036854775808)",
        ];
        let mut cx = Context::new();
        let (mut flat, mut declined) = (0, 0);
        for _ in 0..4000 {
            let mut t = String::new();
            for k in 0..1 + next(6) {
                if k > 0 {
                    t.push_str(" + ");
                }
                t.push_str(coeffs[next(coeffs.len() as u64) as usize]);
                for _ in 0..next(4) {
                    t.push('*');
                    t.push_str(if next(12) == 0 {
                        rare[next(rare.len() as u64) as usize]
                    } else {
                        atoms[next(atoms.len() as u64) as usize]
                    });
                }
            }
            if next(2) == 0 {
                t.push_str(" + ");
                t.push_str(coeffs[next(coeffs.len() as u64) as usize]);
            }
            cx.clear();
            let Ok(e) = cx.parse(&t) else { continue };
            let want = cx.display_tasks(e, String::new());
            let mut out = String::new();
            if let crate::expr::Node::Add(ts, c) = cx.node(e)
                && cx.push_flat_sum(ts, *c, &mut out)
            {
                flat += 1;
                assert_eq!(out, want, "{t}");
            } else {
                declined += usize::from(matches!(cx.node(e), crate::expr::Node::Add(..)));
                assert!(out.is_empty(), "{t}: declined after writing");
            }
            assert_eq!(cx.display(e), want, "{t}");
        }
        assert!(
            flat > 800 && declined > 100,
            "{flat} flat, {declined} declined"
        );
    }

    /// The recursive writer's shortcut for division terms (`write_term`) against the task
    /// stack: random sums of calls (FloorDiv and others, with coefficients, as factors, nested a
    /// few levels), as parsed and simplified, and nested past [`super::WRITE_DEPTH`].
    #[test]
    fn division_terms_print_as_the_task_stack_prints() {
        let mut next = crate::test_rng::xorshift(0x9e37_79b9_7f4a_7c15u64);
        let atoms = [
            "s0", "p1", "x3_inner", "7", "0", "23*p1", "-y", "2*s0 - 1", "s0*s1",
        ];
        let calls = [
            "FloorDiv",
            "CeilDiv",
            "Mod",
            "ModularIndexing",
            "Max",
            "Abs",
        ];
        fn term_text(
            next: &mut impl FnMut(u64) -> u64,
            atoms: &[&str],
            calls: &[&str],
            d: u32,
        ) -> String {
            if d == 0 || next(3) == 0 {
                return atoms[next(atoms.len() as u64) as usize].to_string();
            }
            let name = calls[next(calls.len() as u64) as usize];
            let n = match name {
                "Abs" => 1,
                "ModularIndexing" => 3,
                _ => 2,
            };
            let args: Vec<String> = (0..n)
                .map(|_| term_text(next, atoms, calls, d - 1))
                .collect();
            let call = format!("{name}({})", args.join(", "));
            match next(4) {
                0 => format!("{}*{call}", ["3", "-2", "1", "s0"][next(4) as usize]),
                1 => format!("{call} + {}", term_text(next, atoms, calls, d - 1)),
                2 => format!("{call}*{call} - 5"),
                _ => call,
            }
        }
        let mut cx = Context::new();
        let mut checked = 0;
        for i in 0..6000 {
            let mut t = String::new();
            for k in 0..1 + next(4) {
                if k > 0 {
                    t.push_str(if next(2) == 0 { " + " } else { " - " });
                }
                t.push_str(&term_text(&mut next, &atoms, &calls, 1 + (i % 4)));
            }
            cx.clear();
            let Ok(e) = cx.parse(&t) else { continue };
            checked += 1;
            assert_eq!(cx.display(e), cx.display_tasks(e, String::new()), "{t}");
            let s = cx.simplify(e);
            assert_eq!(cx.display(s), cx.display_tasks(s, String::new()), "{t}");
        }
        assert!(checked > 4000, "{checked}");
        let mut deep = "x".to_string();
        for i in 0..80 {
            deep = match i % 3 {
                0 => format!("3*FloorDiv({deep}, 3) + 1"),
                1 => format!("Mod(2*{deep}, y)*ModularIndexing({deep}, 2, 5)"),
                _ => format!("CeilDiv(x, {deep})"),
            };
            if deep.len() > 20_000 {
                break;
            }
        }
        cx.clear();
        let e = cx.parse(&deep).unwrap();
        assert_eq!(cx.display(e), cx.display_tasks(e, String::new()));
    }

    /// [`Context::push_display`] appends to what a string holds exactly the text `display`
    /// prints: random expressions (constants, symbols, flat sums, and every other node the
    /// parser's random texts make, simplified or not), after prefixes that are empty, short,
    /// or long enough that the string grows while the expression is written; and the i64
    /// limits, which the flat sums leave to the recursion.
    #[test]
    fn push_display_appends_what_display_prints() {
        let mut next = crate::test_rng::xorshift(0x6a09_e667_f3bc_c908u64);
        let mut cx = Context::new();
        let long = "p".repeat(127);
        let prefixes = ["", "Eq(x, ", "s53 occurs nonlinearly in ", long.as_str()];
        let check = |cx: &Context, e: crate::Expr, t: &str, k: usize| {
            let p = prefixes[k % prefixes.len()];
            let mut out = String::from(p);
            cx.push_display(e, &mut out);
            assert_eq!(out, format!("{p}{}", cx.display(e)), "{t}");
        };
        let mut parsed = 0;
        for i in 0..20_000 {
            let t = crate::parse::tests::random_text(&mut next, 5);
            cx.clear();
            let Ok(e) = cx.parse(&t) else { continue };
            parsed += 1;
            check(&cx, e, &t, i);
            let s = cx.simplify(e);
            check(&cx, s, &t, i + 1);
        }
        assert!(parsed > 5000, "{parsed}");
        for (i, t) in [
            "0",
            "-9223372036854775808",
            "9223372036854775807",
            "x",
            "2*x*y - 3*z + 9223372036854775807",
            "(-9223372036854775808)*x + y - 9223372036854775807 - 1",
            "x*FloorDiv(y, 2) + Mod(x, 3)",
        ]
        .iter()
        .enumerate()
        {
            cx.clear();
            let e = cx.parse(t).unwrap();
            for k in 0..prefixes.len() {
                check(&cx, e, t, i + k);
            }
        }
    }

    /// The recursive writer against the task stack: random texts of the parser's grammar
    /// (each parsed and simplified), texts nested past [`super::WRITE_DEPTH`], and the nodes
    /// it hands to the stack.
    #[test]
    fn recursion_writes_what_the_task_stack_writes() {
        let mut next = crate::test_rng::xorshift(0x3c6e_f372_fe94_f82bu64);
        let mut cx = Context::new();
        let same = |cx: &Context, e: crate::Expr, t: &str| {
            assert_eq!(cx.display(e), cx.display_tasks(e, String::new()), "{t}");
        };
        let mut parsed = 0;
        for _ in 0..20_000 {
            let t = crate::parse::tests::random_text(&mut next, 5);
            cx.clear();
            let Ok(e) = cx.parse(&t) else { continue };
            parsed += 1;
            same(&cx, e, &t);
            let s = cx.simplify(e);
            same(&cx, s, &t);
        }
        assert!(parsed > 5000, "{parsed}");
        let mut deep = "x".to_string();
        for i in 0..120 {
            deep = match i % 5 {
                0 => format!("FloorDiv({deep}, 3) + 1"),
                1 => format!("Mod(2*{deep}, y)"),
                2 => format!("({deep} - y)*z"),
                3 => format!("Max({deep}, -3*y - 9223372036854775807)"),
                _ => format!("Where({deep} < 3, -y, 2)"),
            };
        }
        for t in [
            deep.as_str(),
            "Where(x < 3, -x, 2)",
            "2.5*ToFloat(y) - 1.0",
            "(-9223372036854775808)*x + y - 9223372036854775807 - 1",
            "x*y*(-3) + (-x)**3 + FloorDiv(x, 2)**2*y",
            "-x**2 - (x + 1)**3 + x*(y + 1)*z",
            "Abs(-x) + Min(x, y - 1, -4)",
            "ModularIndexing(x + 1, 2, 4) + Mod(x, 3) + CeilDiv(-x, 3)",
            "(x < 3) & (y >= 2) | ~(z == 1)",
            "IntTrueDiv(x, 2) + FloatTrueDiv(x, y)",
        ] {
            cx.clear();
            let e = cx.parse(t).unwrap();
            same(&cx, e, t);
            let s = cx.simplify(e);
            same(&cx, s, t);
        }
    }

    /// `write_call`'s shortcut for an argument `k*x + c` (`push_leaf_sum`) against the task
    /// stack: random coefficients and constants of both signs with the i64 limits among them
    /// (where it declines: k <= 0, c = i64::MIN), leaves and non-leaves for x, in calls of one
    /// to three arguments, nested and at the top of a sum.
    #[test]
    fn leaf_sum_arguments_print_as_the_task_stack_prints() {
        const NUMS: [&str; 12] = [
            "0",
            "1",
            "2",
            "7",
            "(-1)",
            "(-5)",
            "9223372036854775807",
            "(-9223372036854775807)",
            "(-9223372036854775808)",
            "4611686018427387904",
            "96",
            "(-96)",
        ];
        const XS: [&str; 8] = ["s0", "x", "3", "x*y", "FloorDiv(x, 2)", "x**2", "(-x)", "0"];
        const CALLS: [&str; 7] = [
            "FloorDiv({}, 4)",
            "Mod({}, s1)",
            "Max({}, 1, x)",
            "Eq({}, 0)",
            "CeilDiv(s1, {})",
            "Where(x < 2, {}, y)",
            "2*FloorDiv({}, 7) - 1",
        ];
        let mut next = crate::test_rng::xorshift(0x510e_527f_ade6_82d1u64);
        let mut pick = |xs: &[&'static str]| xs[next(xs.len() as u64) as usize];
        let mut cx = Context::new();
        let mut parsed = 0;
        for _ in 0..20_000 {
            let arg = format!("{}*{} + {}", pick(&NUMS), pick(&XS), pick(&NUMS));
            let mut t = pick(&CALLS).replace("{}", &arg);
            if pick(&["a", "b"]) == "a" {
                t = pick(&CALLS).replace("{}", &t);
            }
            cx.clear();
            let Ok(e) = cx.parse(&t) else { continue };
            parsed += 1;
            for e in [e, cx.simplify(e)] {
                assert_eq!(cx.display(e), cx.display_tasks(e, String::new()), "{t}");
            }
        }
        assert!(parsed > 10_000, "{parsed}");
    }
}
