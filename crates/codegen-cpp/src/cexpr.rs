//! `sym` expressions as C++.
//!
//! Two printers:
//! - [`cexpr`]: PyTorch's `CppPrinter` conventions for wrapper code (`L` literal suffix,
//!   `(-1L << 63)`, `c10::div_floor_integer` / `c10::div_mod` unless both operands are proven
//!   nonnegative, `std::min`/`std::max`, `static_cast<double>`, `std::trunc`, `std::lrint`, ...).
//! - [`checked`]: the runtime-check form, where every integer operation goes through the
//!   overflow-checked helpers of `runtime.hpp` (floor semantics, no undefined behaviour for any
//!   runtime value; an overflow or zero divisor sets the `ovf` flag the check then reports).

use crate::CodegenError;
use std::collections::HashMap;
use sym::{Context, Expr, Truth};

fn lit(v: i64) -> String {
    if v == i64::MIN {
        "(-1L << 63)".into()
    } else {
        format!("{v}L")
    }
}

fn lit_checked(v: i64) -> String {
    if v == i64::MIN {
        "INT64_MIN".into()
    } else {
        format!("int64_t{{{v}}}")
    }
}

/// Structural view of one node, read through the printed form so that this crate does not
/// depend on `sym`'s internal node type.
enum Shape {
    Int(i64),
    Float(f64),
    Bool(bool),
    Sym(String),
    Call(String, Vec<Expr>),
    /// Σ k·t + c
    Sum(Vec<(Expr, i64)>, i64),
    Prod(Vec<Expr>),
    Pow(Expr, u32),
}

fn shape(cx: &mut Context, e: Expr) -> Result<Shape, CodegenError> {
    if let Some(v) = cx.as_int(e) {
        return Ok(Shape::Int(v));
    }
    if let Some(v) = cx.as_float(e) {
        return Ok(Shape::Float(v));
    }
    if let Some(b) = cx.as_bool(e) {
        return Ok(Shape::Bool(b));
    }
    if let Some(s) = cx.as_symbol(e) {
        return Ok(Shape::Sym(cx.sym_name(s).to_string()));
    }
    Ok(match cx.view(e) {
        sym::View::Sum(ts, c) => Shape::Sum(ts, c),
        sym::View::Prod(fs) => Shape::Prod(fs),
        sym::View::Pow(b, k) => Shape::Pow(b, k),
        sym::View::Call(n, args) => Shape::Call(n.to_string(), args),
        // A leaf that is not a constant or symbol, or a view added after this printer.
        _ => {
            return Err(CodegenError::Unsupported(format!(
                "cannot print {}",
                cx.display(e)
            )));
        }
    })
}

fn nonneg(cx: &mut Context, e: Expr) -> bool {
    let z = cx.int(0);
    cx.compare(sym::CmpOp::Le, z, e)
        .is_some_and(|p| cx.prove(p) == Ok(Truth::True))
}

/// PyTorch-style C++ for an expression (wrapper code: sizes, strides, offsets).
pub fn cexpr(cx: &mut Context, e: Expr) -> Result<String, CodegenError> {
    let mut memo = HashMap::new();
    cexpr_rec(cx, e, &mut memo, 0)
}

fn depth_guard(depth: u32) -> Result<(), CodegenError> {
    if depth > 2000 {
        return Err(CodegenError::Unsupported(
            "expression nested too deeply for C++ output".into(),
        ));
    }
    Ok(())
}

fn cexpr_rec(
    cx: &mut Context,
    e: Expr,
    memo: &mut HashMap<Expr, String>,
    depth: u32,
) -> Result<String, CodegenError> {
    depth_guard(depth)?;
    if let Some(s) = memo.get(&e) {
        return Ok(s.clone());
    }
    let d = depth + 1;
    let out = match shape(cx, e)? {
        Shape::Int(v) => lit(v),
        Shape::Float(v) => {
            if v.is_finite() {
                format!("{v:?}")
            } else if v.is_nan() {
                "std::numeric_limits<double>::quiet_NaN()".into()
            } else if v > 0.0 {
                "std::numeric_limits<double>::infinity()".into()
            } else {
                "-std::numeric_limits<double>::infinity()".into()
            }
        }
        Shape::Bool(b) => (if b { "true" } else { "false" }).into(),
        Shape::Sym(n) => n,
        Shape::Sum(ts, c) => {
            // Negative coefficients print as subtraction (`x - 1L`), as PyTorch does.
            let mut out = String::new();
            for (n, (t, k)) in ts.into_iter().enumerate() {
                let tt = cexpr_rec(cx, t, memo, d)?;
                let (neg, mag) = (k < 0 && k != i64::MIN, k.unsigned_abs());
                let term = if k == i64::MIN {
                    format!("{}*{tt}", lit(k))
                } else if mag == 1 {
                    tt
                } else {
                    format!("{mag}L*{tt}")
                };
                match (n, neg) {
                    (0, true) => out.push_str(&format!("-{term}")),
                    (0, false) => out.push_str(&term),
                    (_, true) => out.push_str(&format!(" - {term}")),
                    (_, false) => out.push_str(&format!(" + {term}")),
                }
            }
            if c < 0 && c != i64::MIN {
                out.push_str(&format!(" - {}L", c.unsigned_abs()));
            } else if c != 0 {
                out.push_str(&format!(" + {}", lit(c)));
            }
            format!("({out})")
        }
        Shape::Prod(fs) => {
            let mut parts = Vec::new();
            for f in fs {
                parts.push(cexpr_rec(cx, f, memo, d)?);
            }
            format!("({})", parts.join("*"))
        }
        Shape::Pow(b, k) => {
            let bb = cexpr_rec(cx, b, memo, d)?;
            format!("static_cast<int64_t>({})", vec![bb; k as usize].join("*"))
        }
        Shape::Call(name, args) => {
            let mut a = Vec::new();
            for x in &args {
                a.push(cexpr_rec(cx, *x, memo, d)?);
            }
            let i64c = |s: &str| format!("static_cast<int64_t>({s})");
            match name.as_str() {
                "FloorDiv" => {
                    if nonneg(cx, args[0]) && nonneg(cx, args[1]) {
                        format!("({} / {})", a[0], a[1])
                    } else {
                        format!("c10::div_floor_integer({}, {})", i64c(&a[0]), i64c(&a[1]))
                    }
                }
                // ceil(a / b): for a >= 0 and b > 0 the truncating quotient plus one where the
                // division is inexact (no a + b - 1, which could overflow); else -floor(-a / b).
                "CeilDiv" => {
                    if nonneg(cx, args[0]) && nonneg(cx, args[1]) {
                        format!(
                            "({0} / {1} + static_cast<int64_t>({0} % {1} != 0))",
                            a[0], a[1]
                        )
                    } else {
                        format!(
                            "(-c10::div_floor_integer(-{}, {}))",
                            i64c(&a[0]),
                            i64c(&a[1])
                        )
                    }
                }
                "Mod" => {
                    if nonneg(cx, args[0]) && nonneg(cx, args[1]) {
                        format!("({} % {})", a[0], a[1])
                    } else {
                        format!("c10::div_mod({}, {})", i64c(&a[0]), i64c(&a[1]))
                    }
                }
                "Min" | "Max" => {
                    let f = if name == "Min" {
                        "std::min"
                    } else {
                        "std::max"
                    };
                    if a.len() == 2 {
                        format!("{f}({}, {})", i64c(&a[0]), i64c(&a[1]))
                    } else {
                        format!("{f}<int64_t>({{{}}})", a.join(", "))
                    }
                }
                "Abs" => format!("std::abs({})", a[0]),
                "Where" => format!("({} ? {} : {})", a[0], a[1], a[2]),
                "ToFloat" => format!("static_cast<double>({})", a[0]),
                "IntTrueDiv" => format!(
                    "(static_cast<double>({}) / static_cast<double>({}))",
                    a[0], a[1]
                ),
                "FloatTrueDiv" => format!("({} / {})", a[0], a[1]),
                "FAdd" => format!("({} + {})", a[0], a[1]),
                "FMul" => format!("({}*{})", a[0], a[1]),
                "FNeg" => format!("(-{})", a[0]),
                "TruncToInt" => format!("static_cast<int64_t>(std::trunc({}))", a[0]),
                "FloorToInt" => format!("static_cast<int64_t>(std::floor({}))", a[0]),
                "CeilToInt" => format!("static_cast<int64_t>(std::ceil({}))", a[0]),
                "RoundToInt" => format!("std::lrint({})", a[0]),
                "Eq" => format!("({} == {})", a[0], a[1]),
                "Ne" => format!("({} != {})", a[0], a[1]),
                "Lt" => format!("({} < {})", a[0], a[1]),
                "Le" => format!("({} <= {})", a[0], a[1]),
                "And" => format!("({})", a.join(" && ")),
                "Or" => format!("({})", a.join(" || ")),
                "Not" => format!("(!{})", a[0]),
                other => {
                    return Err(CodegenError::Unsupported(format!(
                        "no C++ form for {other}"
                    )));
                }
            }
        }
    };
    memo.insert(e, out.clone());
    Ok(out)
}

/// Whether `e` is a sum, product or power (a node of a polynomial, see [`checked_wide`]).
fn is_poly(cx: &Context, e: Expr) -> bool {
    matches!(
        cx.view(e),
        sym::View::Sum(..) | sym::View::Prod(_) | sym::View::Pow(..)
    )
}

/// A polynomial node as a `wide_t` C++ expression (runtime.hpp): sums exact in 128 bits, each
/// term refused (`ovf`) if saturated; products 0 with a zero factor, else exact up to 2^126 in
/// magnitude and saturated above;
/// the operands of any other operator narrowed to int64 by [`checked_rec`].
fn checked_wide(
    cx: &mut Context,
    e: Expr,
    ovf: &str,
    rt: &str,
    memo: &mut HashMap<Expr, String>,
    depth: u32,
    top: bool,
) -> Result<String, CodegenError> {
    depth_guard(depth)?;
    let d = depth + 1;
    Ok(match shape(cx, e)? {
        Shape::Sum(ts, c) => {
            let mut acc = if c != 0 {
                format!("{rt}wide({})", lit_checked(c))
            } else {
                String::new()
            };
            for (t, k) in ts {
                let term = if is_poly(cx, t) {
                    let w = checked_wide(cx, t, ovf, rt, memo, d, false)?;
                    format!("{rt}wterm({}, {w}, {ovf})", lit_checked(k))
                } else {
                    let tt = checked_rec(cx, t, ovf, rt, memo, d)?;
                    format!("{rt}term({}, {tt})", lit_checked(k))
                };
                acc = if acc.is_empty() {
                    term
                } else {
                    format!("{rt}wadd({acc}, {term}, {ovf})")
                };
            }
            // Narrowed at once at the top; inside a product kept within ±WIDE_SAT for `wprod`.
            if top { acc } else { format!("{rt}wsat({acc})") }
        }
        Shape::Prod(fs) => {
            let mut args = Vec::with_capacity(fs.len());
            for f in fs {
                args.push(if is_poly(cx, f) {
                    checked_wide(cx, f, ovf, rt, memo, d, false)?
                } else {
                    format!("{rt}wide({})", checked_rec(cx, f, ovf, rt, memo, d)?)
                });
            }
            format!("{rt}wprod({{{}}})", args.join(", "))
        }
        // The base of a power is part of the polynomial: `(x + y)**2` from `(x + y)*(x + y)`.
        Shape::Pow(b, k) => {
            if is_poly(cx, b) {
                let bw = checked_wide(cx, b, ovf, rt, memo, d, false)?;
                format!("{rt}wpow_w({bw}, {k})")
            } else {
                let bb = checked_rec(cx, b, ovf, rt, memo, d)?;
                format!("{rt}wpow({bb}, {k})")
            }
        }
        _ => format!("{rt}wide({})", checked_rec(cx, e, ovf, rt, memo, d)?),
    })
}

/// Runtime-check C++ for an integer or boolean expression: every integer operation is an
/// overflow-checked helper call that sets the boolean lvalue named `ovf`.
pub fn checked(cx: &mut Context, e: Expr, ovf: &str) -> Result<String, CodegenError> {
    checked_in(cx, e, ovf, "symshape_rt")
}

/// [`checked`] with the helpers in namespace `rt` (a generated file's `{prefix}_rt`).
pub(crate) fn checked_in(
    cx: &mut Context,
    e: Expr,
    ovf: &str,
    rt: &str,
) -> Result<String, CodegenError> {
    let mut memo = HashMap::new();
    let rt = format!("{rt}::");
    checked_rec(cx, e, ovf, &rt, &mut memo, 0)
}

/// `const int64_t {var}` computed from `e` with overflow-checked arithmetic (the helpers of
/// namespace `rt`), written to `w`: the flag a failed computation sets, when the printed
/// expression can set one (declared before the value; the caller tests it and fails its way).
pub(crate) fn checked_let(
    cx: &mut Context,
    w: &mut crate::writer::Writer,
    var: &str,
    e: Expr,
    rt: &str,
) -> Result<Option<String>, CodegenError> {
    let flag = format!("{var}_ovf");
    let c = checked_in(cx, e, &flag, rt)?;
    let used = c.contains(&flag);
    if used {
        w.line(&format!("bool {flag} = false;"));
    }
    w.line(&format!("const int64_t {var} = {c};"));
    Ok(used.then_some(flag))
}

fn checked_rec(
    cx: &mut Context,
    e: Expr,
    ovf: &str,
    rt: &str,
    memo: &mut HashMap<Expr, String>,
    depth: u32,
) -> Result<String, CodegenError> {
    depth_guard(depth)?;
    if let Some(s) = memo.get(&e) {
        return Ok(s.clone());
    }
    let d = depth + 1;
    let sh = shape(cx, e)?;
    // A polynomial (a sum with product or power terms, a product with sum or power factors) is
    // one value, computed exactly in 128 bits and narrowed once (docs/rules.md §8), as `eval`
    // does: `-(s0*x)` at s0*x = 2^63, or `x*(2*s0 + 14)` at x = 0, overflow only if the whole
    // does.
    // (A lone term `k*t` with k != -1 needs no widening: it overflows whenever t does; but
    // `-t` fits at t = 2^63.)
    let nested_poly = match &sh {
        Shape::Sum(ts, c) => {
            (ts.len() + usize::from(*c != 0) >= 2 || ts.first().is_some_and(|t| t.1 == -1))
                && ts.iter().any(|(t, _)| is_poly(cx, *t))
        }
        Shape::Prod(fs) => fs.iter().any(|f| is_poly(cx, *f)),
        Shape::Pow(b, _) => is_poly(cx, *b),
        _ => false,
    };
    if nested_poly {
        let w = checked_wide(cx, e, ovf, rt, memo, d, true)?;
        let out = format!("{rt}narrow({w}, {ovf})");
        memo.insert(e, out.clone());
        return Ok(out);
    }
    let out = match sh {
        Shape::Int(v) => lit_checked(v),
        Shape::Bool(b) => (if b { "true" } else { "false" }).into(),
        Shape::Sym(n) => n,
        Shape::Float(_) => {
            return Err(CodegenError::Unsupported(format!(
                "float expression {} in a runtime check",
                cx.display(e)
            )));
        }
        // A sum is one value (docs/language.md §2): `k*t` alone is one checked product, and two
        // elements without coefficients one checked addition (each exact for the node); any
        // other sum is accumulated exactly in 128 bits and narrowed once (runtime.hpp), so no
        // partial sum or scaled term can overflow where the sum does not.
        Shape::Sum(ts, c) => {
            let elements = ts.len() + usize::from(c != 0);
            if elements == 2 && ts.iter().all(|(_, k)| *k == 1) {
                let mut parts = Vec::with_capacity(2);
                if c != 0 {
                    parts.push(lit_checked(c));
                }
                for (t, _) in ts {
                    parts.push(checked_rec(cx, t, ovf, rt, memo, d)?);
                }
                format!("{rt}add({}, {}, {ovf})", parts[0], parts[1])
            } else if c == 0 && ts.len() == 1 {
                let (t, k) = ts[0];
                let tt = checked_rec(cx, t, ovf, rt, memo, d)?;
                if k == 1 {
                    tt
                } else {
                    format!("{rt}mul({}, {tt}, {ovf})", lit_checked(k))
                }
            } else {
                let mut acc = if c != 0 {
                    format!("{rt}wide({})", lit_checked(c))
                } else {
                    String::new()
                };
                for (t, k) in ts {
                    let tt = checked_rec(cx, t, ovf, rt, memo, d)?;
                    let term = if k == 1 {
                        format!("{rt}wide({tt})")
                    } else {
                        format!("{rt}term({}, {tt})", lit_checked(k))
                    };
                    acc = if acc.is_empty() {
                        term
                    } else {
                        format!("{rt}wadd({acc}, {term}, {ovf})")
                    };
                }
                format!("{rt}narrow({acc}, {ovf})")
            }
        }
        // A product is one value: 0 when a factor is 0, whatever the others (runtime.hpp).
        Shape::Prod(fs) => {
            let mut args = Vec::with_capacity(fs.len());
            for f in fs {
                args.push(checked_rec(cx, f, ovf, rt, memo, d)?);
            }
            match args.len() {
                0 => lit_checked(1),
                1 => args.pop().unwrap_or_default(),
                _ => format!("{rt}prod({{{}}}, {ovf})", args.join(", ")),
            }
        }
        Shape::Pow(b, k) => {
            let bb = checked_rec(cx, b, ovf, rt, memo, d)?;
            format!("{rt}pow({bb}, {k}, {ovf})")
        }
        Shape::Call(name, args) => {
            let mut a = Vec::new();
            for x in &args {
                a.push(checked_rec(cx, *x, ovf, rt, memo, d)?);
            }
            match name.as_str() {
                "FloorDiv" => format!("{rt}floordiv({}, {}, {ovf})", a[0], a[1]),
                "CeilDiv" => format!("{rt}ceildiv({}, {}, {ovf})", a[0], a[1]),
                "Mod" => format!("{rt}floormod({}, {}, {ovf})", a[0], a[1]),
                "Min" | "Max" => {
                    let f = if name == "Min" { "min" } else { "max" };
                    let mut acc = a[0].clone();
                    for x in &a[1..] {
                        acc = format!("{rt}{f}({acc}, {x})");
                    }
                    acc
                }
                "Abs" => format!("{rt}abs({}, {ovf})", a[0]),
                "Where" => format!("({} ? {} : {})", a[0], a[1], a[2]),
                "Eq" => format!("({} == {})", a[0], a[1]),
                "Ne" => format!("({} != {})", a[0], a[1]),
                "Lt" => format!("({} < {})", a[0], a[1]),
                "Le" => format!("({} <= {})", a[0], a[1]),
                "And" => format!("({})", a.join(" && ")),
                "Or" => format!("({})", a.join(" || ")),
                "Not" => format!("(!{})", a[0]),
                other => {
                    return Err(CodegenError::Unsupported(format!(
                        "{other} in a runtime check (only integer operators are supported there)"
                    )));
                }
            }
        }
    };
    memo.insert(e, out.clone());
    Ok(out)
}

/// A value interval of [`plain`] (inclusive, within ±(2^63 - 1)).
type Iv = (i128, i128);

/// The largest magnitude [`plain`] lets a value take (`i64::MIN` itself is never reached, so no
/// `INT64_MIN / -1` and no negation of it).
const LIM: i128 = i64::MAX as i128;

/// One printed sub-expression of [`plain`]: C++ text and the interval of its value.
type P = (String, Iv);

fn fits(lo: i128, hi: i128) -> Option<Iv> {
    (lo >= -LIM && hi <= LIM).then_some((lo, hi))
}

/// Interval product of two intervals within ±2^63 (exact in i128).
fn mul_iv(a: Iv, b: Iv) -> Option<Iv> {
    let c = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
    fits(*c.iter().min()?, *c.iter().max()?)
}

fn floor_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && ((a < 0) == (b < 0)) {
        q + 1
    } else {
        q
    }
}

fn lit_plain(v: i128) -> String {
    format!("{v}LL")
}

/// `Σ k·t + c`, printed `(t0 + k1*t1 + ... + c)` and evaluated left to right: every scaled term
/// and every partial sum must fit.
fn plain_sum(ts: Vec<(P, i64)>, c: i64) -> Option<P> {
    let mut text = String::new();
    let mut acc: Option<Iv> = None;
    for ((t, iv), k) in ts {
        let k = i128::from(k);
        let (tt, tiv) = if k == 1 {
            (t, iv)
        } else {
            (format!("{}*{t}", lit_plain(k)), mul_iv((k, k), iv)?)
        };
        acc = Some(match acc {
            None => {
                text.push_str(&tt);
                tiv
            }
            Some(a) => {
                text.push_str(" + ");
                text.push_str(&tt);
                fits(a.0 + tiv.0, a.1 + tiv.1)?
            }
        });
    }
    let mut a = acc?;
    if c != 0 {
        let c = i128::from(c);
        text.push_str(&format!(" + {}", lit_plain(c)));
        a = fits(a.0 + c, a.1 + c)?;
    }
    Some((format!("({text})"), a))
}

/// A product printed `(f0*f1*...)`, evaluated left to right: every partial product must fit.
fn plain_prod(fs: Vec<P>) -> Option<P> {
    let mut it = fs.into_iter();
    let (mut text, mut acc) = it.next()?;
    let mut n = 1;
    for (f, iv) in it {
        acc = mul_iv(acc, iv)?;
        text = format!("{text}*{f}");
        n += 1;
    }
    Some(if n == 1 {
        (text, acc)
    } else {
        (format!("({text})"), acc)
    })
}

fn plain_pow(b: P, k: u32) -> Option<P> {
    if k == 0 || k > 64 {
        return None;
    }
    plain_prod(vec![b; k as usize])
}

/// A call over printed operands: divisors must exclude 0 (their whole interval on one side).
fn plain_call(name: &str, mut a: Vec<P>, rt: &str) -> Option<P> {
    let nonzero = |iv: Iv| iv.0 > 0 || iv.1 < 0;
    match (name, a.len()) {
        ("FloorDiv" | "CeilDiv", 2) => {
            let ((x, xi), (y, yi)) = (a[0].clone(), a[1].clone());
            if !nonzero(yi) {
                return None;
            }
            let f = if name == "FloorDiv" {
                floor_div
            } else {
                ceil_div
            };
            let c = [f(xi.0, yi.0), f(xi.0, yi.1), f(xi.1, yi.0), f(xi.1, yi.1)];
            let iv = fits(*c.iter().min()?, *c.iter().max()?)?;
            let text = if xi.0 >= 0 && yi.0 > 0 && name == "FloorDiv" {
                format!("({x} / {y})")
            } else if rt.is_empty() && name == "FloorDiv" {
                format!(
                    "c10::div_floor_integer(static_cast<int64_t>({x}), static_cast<int64_t>({y}))"
                )
            } else if rt.is_empty() {
                // -x fits: |x| <= 2^63 - 1.
                format!(
                    "(-c10::div_floor_integer(static_cast<int64_t>(-{x}), static_cast<int64_t>({y})))"
                )
            } else if name == "FloorDiv" {
                format!("{rt}fdiv({x}, {y})")
            } else {
                format!("{rt}cdiv({x}, {y})")
            };
            Some((text, iv))
        }
        ("Mod", 2) => {
            let ((x, xi), (y, yi)) = (a[0].clone(), a[1].clone());
            if !nonzero(yi) {
                return None;
            }
            if xi.0 >= 0 && yi.0 > 0 {
                Some((format!("({x} % {y})"), (0, xi.1.min(yi.1 - 1))))
            } else if rt.is_empty() {
                let iv = if yi.0 > 0 {
                    (0, yi.1 - 1)
                } else {
                    (yi.0 + 1, 0)
                };
                Some((
                    format!("c10::div_mod(static_cast<int64_t>({x}), static_cast<int64_t>({y}))"),
                    iv,
                ))
            } else if yi.0 > 0 {
                Some((format!("{rt}pmod({x}, {y})"), (0, yi.1 - 1)))
            } else {
                Some((format!("{rt}pmod({x}, {y})"), (yi.0 + 1, 0)))
            }
        }
        ("ModularIndexing", 3) => {
            let m = a.pop()?;
            let q = plain_call("FloorDiv", a, rt)?;
            plain_call("Mod", vec![q, m], rt)
        }
        ("Min" | "Max", n) if n >= 1 => {
            let f = if name == "Min" { "min" } else { "max" };
            let mut it = a.into_iter();
            let (mut text, mut iv) = it.next()?;
            for (x, xi) in it {
                text = if rt.is_empty() {
                    format!("std::{f}(static_cast<int64_t>({text}), static_cast<int64_t>({x}))")
                } else {
                    format!("{rt}{f}({text}, {x})")
                };
                iv = if name == "Min" {
                    (iv.0.min(xi.0), iv.1.min(xi.1))
                } else {
                    (iv.0.max(xi.0), iv.1.max(xi.1))
                };
            }
            Some((text, iv))
        }
        ("Abs", 1) => {
            let (x, xi) = a.pop()?;
            let hi = xi.0.abs().max(xi.1.abs());
            let lo = if xi.0 >= 0 {
                xi.0
            } else if xi.1 <= 0 {
                -xi.1
            } else {
                0
            };
            let text = if rt.is_empty() {
                format!("std::abs(static_cast<int64_t>({x}))")
            } else {
                format!("{rt}iabs({x})")
            };
            Some((text, (lo, hi)))
        }
        _ => None,
    }
}

/// [`plain`] over the canonical structure of `e`.
fn plain_expr(cx: &mut Context, e: Expr, rt: &str, depth: u32) -> Option<P> {
    if depth > 200 || cx.ty(e) != sym::Ty::Int {
        return None;
    }
    let d = depth + 1;
    match shape(cx, e).ok()? {
        Shape::Int(v) => Some((lit_plain(i128::from(v)), fits(v.into(), v.into())?)),
        Shape::Sym(n) => match cx.bound(e) {
            sym::Bound::Int {
                lo: Some(lo),
                hi: Some(hi),
            } => Some((n, fits(lo.into(), hi.into())?)),
            _ => None,
        },
        Shape::Sum(ts, c) => {
            let mut v = Vec::with_capacity(ts.len());
            for (t, k) in ts {
                v.push((plain_expr(cx, t, rt, d)?, k));
            }
            plain_sum(v, c)
        }
        Shape::Prod(fs) => {
            let mut v = Vec::with_capacity(fs.len());
            for f in fs {
                v.push(plain_expr(cx, f, rt, d)?);
            }
            plain_prod(v)
        }
        Shape::Pow(b, k) => plain_pow(plain_expr(cx, b, rt, d)?, k),
        Shape::Call(name, args) => {
            let mut v = Vec::with_capacity(args.len());
            for x in args {
                v.push(plain_expr(cx, x, rt, d)?);
            }
            plain_call(&name, v, rt)
        }
        Shape::Float(_) | Shape::Bool(_) => None,
    }
}

/// [`plain`] over a compact form (`sym::Compact`), evaluated step by step as printed.
fn plain_compact(cx: &mut Context, c: &sym::Compact, rt: &str, depth: u32) -> Option<P> {
    if depth > 200 {
        return None;
    }
    let d = depth + 1;
    match c {
        sym::Compact::Canon(e) => plain_expr(cx, *e, rt, d),
        sym::Compact::Int(v) => Some((lit_plain(i128::from(*v)), fits((*v).into(), (*v).into())?)),
        sym::Compact::Sum(ts, k0) => {
            let mut v = Vec::with_capacity(ts.len());
            for (t, k) in ts {
                v.push((plain_compact(cx, t, rt, d)?, *k));
            }
            plain_sum(v, *k0)
        }
        sym::Compact::Prod(fs) => {
            let mut v = Vec::with_capacity(fs.len());
            for f in fs {
                v.push(plain_compact(cx, f, rt, d)?);
            }
            plain_prod(v)
        }
        sym::Compact::Pow(b, k) => plain_pow(plain_compact(cx, b, rt, d)?, *k),
        sym::Compact::Call(name, args) => {
            let mut v = Vec::with_capacity(args.len());
            for x in args {
                v.push(plain_compact(cx, x, rt, d)?);
            }
            plain_call(name, v, rt)
        }
        _ => None,
    }
}

/// Plain `int64_t` C++ for an integer expression, without overflow flags, when the context's
/// ranges prove that every value its evaluation computes fits in int64 (within ±(2^63 - 1)) and
/// every divisor is nonzero; `None` otherwise (then the checked printer is used). The
/// evaluation is the printed one, step by step: each scaled term, partial sum and partial
/// product is bounded by interval arithmetic over the symbols' ranges, so the proof covers the
/// intermediates, not only the result. It prints the compact form (`sym::Context::compact`,
/// `(q0*s77 + q1)*s94 + q2`) when its intermediates fit, else the canonical structure.
///
/// Sound only where every symbol's range has been checked before the code runs (the
/// generated expression and guard checks, which run after binding has checked every range).
/// For a boolean (a guard): `Eq`/`Ne`/`Lt`/`Le` over such integers, `And`/`Or`/`Not`.
pub fn plain(cx: &mut Context, e: Expr, rt: &str) -> Option<String> {
    let rt = format!("{rt}::");
    plain_top(cx, e, &rt, 0)
}

fn plain_top(cx: &mut Context, e: Expr, rt: &str, depth: u32) -> Option<String> {
    if depth > 200 {
        return None;
    }
    match cx.ty(e) {
        sym::Ty::Int => {
            let c = cx.compact(e);
            plain_compact(cx, &c, rt, depth)
                .or_else(|| plain_expr(cx, e, rt, depth))
                .map(|p| p.0)
        }
        sym::Ty::Bool => {
            if let Some(b) = cx.as_bool(e) {
                return Some((if b { "true" } else { "false" }).into());
            }
            let sym::View::Call(name, args) = cx.view(e) else {
                return None;
            };
            let mut a = Vec::with_capacity(args.len());
            for x in &args {
                a.push(plain_top(cx, *x, rt, depth + 1)?);
            }
            let op = match name {
                "Eq" => "==",
                "Ne" => "!=",
                "Lt" => "<",
                "Le" => "<=",
                "And" => return Some(format!("({})", a.join(" && "))),
                "Or" => return Some(format!("({})", a.join(" || "))),
                "Not" if a.len() == 1 => return Some(format!("(!{})", a[0])),
                _ => return None,
            };
            if a.len() != 2 || args.iter().any(|x| cx.ty(*x) != sym::Ty::Int) {
                return None;
            }
            Some(format!("({} {op} {})", a[0], a[1]))
        }
        _ => None,
    }
}

/// [`cexpr`] for wrapper code (sizes, strides and offsets in the prologue) in the compact form
/// (`(q0*s77 + q1)*s94 + q2`) where it has fewer operations and the declared ranges prove that
/// every value its step-by-step evaluation computes fits in int64 (the proof of [`plain`]; the
/// checks verify those ranges before the prologue runs); otherwise the canonical [`cexpr`]. The
/// operators are PyTorch's (`c10::div_floor_integer`, `c10::div_mod`, `std::min`, ...), so the
/// text needs no symshape helper.
pub fn cexpr_compact(cx: &mut Context, e: Expr) -> Result<String, CodegenError> {
    if cx.ty(e) == sym::Ty::Int {
        let c = cx.compact(e);
        if cx.compact_size(&c) < cx.size(e)
            && let Some((t, _)) = plain_compact(cx, &c, "", 0)
        {
            return Ok(t);
        }
    }
    cexpr(cx, e)
}
