//! The library API for embedding (issue 17): the builder and its error convention, symbols by
//! name or handle, ranges without ceremony, checked prove, display helpers, the structural
//! order, fact scopes, arena marks, the operator enum.

use sym::{BuildError, Context, RangeEnd, SolveResult, Truth, Ty, Value};

/// The builder gives the node the parser gives for the same text.
#[track_caller]
fn same_as_parsed(cx: &mut Context, built: sym::Expr, text: &str) {
    let parsed = cx.parse(text).unwrap();
    assert_eq!(
        built,
        parsed,
        "built {} but {text} parses to {}",
        cx.display(built),
        cx.display(parsed)
    );
}

#[test]
fn builder_matches_parser() {
    let mut cx = Context::new();
    let e = cx
        .build(|b| (b.sym("n") * 2 + 1).floordiv(b.sym("s0")))
        .unwrap();
    same_as_parsed(&mut cx, e, "FloorDiv(2*n + 1, s0)");
    let e = cx
        .build(|b| {
            let (x, y) = (b.sym("x"), b.sym("y"));
            b.min(&[3 - x * y, -x]).modulo(8) + (x - 1).pow(2).ceildiv(y)
        })
        .unwrap();
    same_as_parsed(
        &mut cx,
        e,
        "Mod(Min(3 - x*y, -x), 8) + CeilDiv((x - 1)**2, y)",
    );
    let e = cx
        .build(|b| {
            let x = b.sym("x");
            let c = b.and(&[x.lt(10), b.ne(x, 3), b.not(x.ge(b.sym("y")))]);
            b.where_(c, x, b.max(&[x, b.int(0)])).equals(x * 4)
        })
        .unwrap();
    same_as_parsed(
        &mut cx,
        e,
        "Eq(Where(And(x < 10, Ne(x, 3), Not(x >= y)), x, Max(x, 0)), 4*x)",
    );
    // Existing expressions and symbols mix in.
    let s = cx.symbol("s").unwrap();
    let base = cx.parse("s + 1").unwrap();
    let e = cx.build(|b| b.expr(base) * b.var(s) - base).unwrap();
    same_as_parsed(&mut cx, e, "(s + 1)*s - (s + 1)");
}

#[test]
fn builder_floats_and_long_lived_handle() {
    let mut cx = Context::new();
    cx.declare("f", Ty::Float).unwrap();
    let (e, g) = {
        let b = cx.builder();
        let f = b.sym("f");
        let e = (f * 2 + b.float(0.5)).expr().unwrap();
        let g = (-f - 1).expr().unwrap();
        (e, g)
    };
    assert_eq!(cx.ty(e), Ty::Float);
    assert_eq!(cx.ty(g), Ty::Float);
    let v = cx.eval(e, &[("f", Value::Float(1.25))]).unwrap();
    assert_eq!(v, Value::Float(3.0));
    let v = cx.eval(g, &[("f", Value::Float(1.25))]).unwrap();
    assert_eq!(v, Value::Float(-2.25));
}

#[test]
fn builder_errors_are_typed() {
    let mut cx = Context::new();
    // A type error: a boolean in integer arithmetic, and the first cause is kept through the
    // operations that follow.
    let r = cx.build(|b| (b.boolean(true) + b.sym("x")) * 3 - 1);
    match r {
        Err(BuildError::Type { op, found, .. }) => {
            assert_eq!(op, "+");
            assert_eq!(found, vec![Ty::Bool, Ty::Int]);
        }
        other => panic!("{other:?}"),
    }
    let r = cx.build(|b| b.sym("x").floordiv(b.float(2.0)));
    assert!(
        matches!(r, Err(BuildError::Type { op: "FloorDiv", .. })),
        "{r:?}"
    );
    let r = cx.build(|b| b.sym("x").lt(b.boolean(false)));
    assert!(matches!(r, Err(BuildError::Type { op: "Lt", .. })), "{r:?}");
    let r = cx.build(|b| b.min(&[]));
    assert!(
        matches!(r, Err(BuildError::Type { op: "Min", .. })),
        "{r:?}"
    );
    // Overflow: constant folds that leave i64.
    let r = cx.build(|b| b.int(i64::MAX) + 1);
    assert_eq!(r, Err(BuildError::Overflow { op: "+" }));
    let r = cx.build(|b| b.int(3).pow(40));
    assert_eq!(r, Err(BuildError::Overflow { op: "**" }));
    let r = cx.build(|b| -b.int(i64::MIN));
    assert_eq!(r, Err(BuildError::Overflow { op: "-" }));
    let r = cx.build(|b| b.sym("x") * i64::MAX * 2);
    assert_eq!(r, Err(BuildError::Overflow { op: "*" }));
    // An invalid symbol name.
    let r = cx.build(|b| b.sym("2x") + 1);
    assert!(matches!(r, Err(BuildError::Symbol(_))), "{r:?}");
    // Each handle reports its own failure, not another's.
    let b = cx.builder();
    let bad1 = b.int(i64::MAX) + 1;
    let bad2 = b.sym("x") + b.boolean(true);
    let good = b.sym("x") + 1;
    assert!(matches!(bad2.expr(), Err(BuildError::Type { .. })));
    assert!(matches!(bad1.expr(), Err(BuildError::Overflow { .. })));
    assert!(good.expr().is_ok());
    assert!(matches!(
        (good + bad1).expr(),
        Err(BuildError::Overflow { .. })
    ));
}

/// The `Context` builders' side of the convention: `None` exactly for a type error or an
/// overflow, the same cases the builder reports.
#[test]
fn context_builders_none_exactly_on_type_or_overflow() {
    let mut cx = Context::new();
    let x = cx.parse("x").unwrap();
    let big = cx.int(i64::MAX);
    let half = cx.float(0.5);
    let t = cx.boolean(true);
    assert!(cx.add(half, x).is_none());
    assert!(cx.add(t, x).is_none());
    let one = cx.int(1);
    assert!(cx.add(big, one).is_none());
    assert!(cx.floordiv(half, x).is_none());
    assert!(cx.modulo(x, t).is_none());
    assert!(cx.min(&[x, half]).is_none());
    assert!(cx.add(x, big).is_some());
    assert!(cx.floordiv(x, big).is_some());
}

#[test]
fn symbols_by_name_or_handle() {
    let mut cx = Context::new();
    let e = cx.parse("3*size0 + offset").unwrap();
    let size0 = cx.get("size0").unwrap();
    let offset = cx.get("offset").unwrap();
    // Unknown names fail, with a suggestion when one is close; nothing is created.
    let n = cx.node_count();
    let err = cx.get("size1").unwrap_err();
    assert_eq!(err.suggestion.as_deref(), Some("size0"));
    assert!(err.to_string().contains("did you mean 'size0'"), "{err}");
    let err = cx.get("zzz").unwrap_err();
    assert_eq!(err.suggestion, None);
    assert!(cx.lookup("size1").is_none());
    assert_eq!(cx.node_count(), n);
    // eval by Symbol and by name agree.
    let by_sym = cx
        .eval_syms(e, &[(size0, Value::Int(7)), (offset, Value::Int(-2))])
        .unwrap();
    let by_name = cx
        .eval(e, &[("size0", Value::Int(7)), ("offset", Value::Int(-2))])
        .unwrap();
    assert_eq!(by_sym, Value::Int(19));
    assert_eq!(by_sym, by_name);
    assert!(cx.eval_syms(e, &[(size0, Value::Int(1))]).is_err());
}

#[test]
fn numeric_ranges_without_ceremony() {
    let mut cx = Context::new();
    let s = cx.symbol("s").unwrap();
    let t = cx.symbol("t").unwrap();
    let u = cx.symbol("u").unwrap();
    cx.set_range_int(s, 16, 1024).unwrap();
    cx.set_range_from(t, 2).unwrap();
    cx.set_range_to(u, -1).unwrap();
    let e = cx.parse("s").unwrap();
    assert_eq!(cx.bound(e).to_string(), "[16, 1024]");
    let e = cx.parse("t").unwrap();
    assert_eq!(cx.bound(e).to_string(), "[2, oo]");
    let e = cx.parse("u").unwrap();
    assert_eq!(cx.bound(e).to_string(), "[-oo, -1]");
    assert!(cx.set_range_int(s, 5, 4).is_err());
    // A symbolic end through From<Expr>.
    let end = cx.parse("s - 1").unwrap();
    cx.set_range(t, RangeEnd::Infinite, end.into()).unwrap();
    let p = cx.parse("t < s").unwrap();
    assert_eq!(cx.prove(p), Truth::True);
}

#[test]
fn prove_of_a_non_boolean_is_an_error() {
    let mut cx = Context::new();
    let e = cx.parse("x + 1").unwrap();
    assert!(matches!(
        cx.try_prove(e),
        Err(BuildError::Type { op: "prove", .. })
    ));
    // The lenient form stays for existing callers.
    assert_eq!(cx.prove(e), Truth::Unknown);
    let p = cx.parse("x + 1 > x").unwrap();
    assert_eq!(cx.try_prove(p), Ok(Truth::True));
    let p = cx.parse("x + 1 < x").unwrap();
    assert_eq!(cx.try_prove(p), Ok(Truth::False));
}

#[test]
fn solutions_print_without_the_symbol() {
    let mut cx = Context::new();
    let rel = cx.parse("Eq(2*n + 1, size)").unwrap();
    let n = cx.get("n").unwrap();
    let SolveResult::Solved(sol) = cx.solve(rel, n) else {
        panic!()
    };
    let text = cx.display_solution(&sol);
    assert_eq!(
        text,
        format!(
            "{}  if {}",
            cx.display_relation(n, &sol.relations[0]),
            cx.display(sol.conditions[0])
        )
    );
    assert_eq!(
        cx.display_relation(sol.target, &sol.relations[0]),
        "Eq(n, FloorDiv(size - 1, 2))"
    );
    // Guarded cases: one line per case.
    let rel = cx.parse("FloorDiv(s0, 2) < FloorDiv(s0, 2)*s1").unwrap();
    let s1 = cx.get("s1").unwrap();
    let s0 = cx.get("s0").unwrap();
    cx.set_range_from(s0, 1).unwrap();
    let SolveResult::Solved(sol) = cx.solve_with_cases(rel, s1) else {
        panic!()
    };
    let text = cx.display_solution(&sol);
    assert_eq!(text.lines().count(), sol.cases.len());
    assert!(sol.cases.len() >= 2);
    assert!(text.lines().all(|l| l.starts_with("when ")), "{text}");
}

#[test]
fn show_is_display() {
    let mut cx = Context::new();
    let e = cx.parse("FloorDiv(x + 3, 2)").unwrap();
    assert_eq!(format!("{}", cx.show(e)), cx.display(e));
    assert_eq!(
        format!("[{:>20}]", cx.show(e)),
        format!("[{:>20}]", cx.display(e))
    );
}

#[test]
fn structural_order_is_the_same_in_every_context() {
    let texts = ["b + 1", "a*c", "FloorDiv(a, 3)", "7", "a", "Max(a, b)", "c"];
    let sorted = |order: &[usize]| {
        let mut cx = Context::new();
        let mut es: Vec<sym::Expr> = order.iter().map(|&i| cx.parse(texts[i]).unwrap()).collect();
        es.sort_by(|x, y| cx.cmp_expr(*x, *y));
        es.iter().map(|e| cx.display(*e)).collect::<Vec<_>>()
    };
    let forward: Vec<usize> = (0..texts.len()).collect();
    let backward: Vec<usize> = (0..texts.len()).rev().collect();
    let a = sorted(&forward);
    assert_eq!(a, sorted(&backward));
    assert_eq!(a, sorted(&[3, 1, 5, 0, 6, 2, 4]));
    // Interning order differs between these contexts, so `Ord` would not agree.
    let mut c1 = Context::new();
    let (x1, y1) = (c1.parse("x").unwrap(), c1.parse("y").unwrap());
    let mut c2 = Context::new();
    let (y2, x2) = (c2.parse("y").unwrap(), c2.parse("x").unwrap());
    assert_ne!(x1.cmp(&y1), x2.cmp(&y2));
    assert_eq!(c1.cmp_expr(x1, y1), c2.cmp_expr(x2, y2));
    assert_eq!(c1.cmp_expr(x1, x1), std::cmp::Ordering::Equal);
}
