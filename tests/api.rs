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
    assert_eq!(cx.prove(p), Ok(Truth::True));
}

#[test]
fn prove_of_a_non_boolean_is_an_error() {
    let mut cx = Context::new();
    let e = cx.parse("x + 1").unwrap();
    assert!(matches!(
        cx.prove(e),
        Err(BuildError::Type { op: "prove", .. })
    ));
    let f = cx.parse("0.5*x").unwrap();
    assert!(cx.prove(f).is_err());
    let p = cx.parse("x + 1 > x").unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::True));
    let p = cx.parse("x + 1 < x").unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::False));
    let p = cx.parse("x < 3").unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::Unknown));
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

#[test]
fn fact_scopes_nest_and_restore() {
    let mut cx = Context::new();
    let x = cx.symbol("x").unwrap();
    let p = cx.parse("x < 10").unwrap();
    let q = cx.parse("x >= 0").unwrap();
    cx.set_range_from(x, 0).unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::Unknown));
    assert!(!cx.pop_facts(), "no scope open");
    cx.push_facts();
    cx.set_range_int(x, 0, 5).unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::True));
    cx.push_facts();
    let a = cx.parse("x >= 20").unwrap();
    cx.set_range_from(x, 20).unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::False));
    assert_eq!(cx.fact_depth(), 2);
    assert!(cx.pop_facts());
    assert_eq!(cx.prove(p), Ok(Truth::True));
    assert!(cx.pop_facts());
    assert_eq!(cx.prove(p), Ok(Truth::Unknown));
    assert_eq!(cx.prove(q), Ok(Truth::True));
    // Same number of changes in two sibling scopes: the second must not see facts derived in
    // the first (the generation only grows).
    cx.push_facts();
    cx.assume(a).unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::False));
    cx.pop_facts();
    cx.push_facts();
    let b = cx.parse("x <= 3").unwrap();
    cx.assume(b).unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::True));
    cx.pop_facts();
    assert_eq!(cx.assumptions().len(), 0);
    assert_eq!(cx.range(x).1, RangeEnd::Infinite);
}

#[test]
fn rollback_frees_nodes_and_keeps_answers() {
    let mut cx = Context::new();
    cx.set_range_str("s0", "1", "4096").unwrap();
    cx.set_range_str("x0", "0", "s0 - 1").unwrap();
    let base = cx.mark();
    let start = cx.node_count();
    let texts: Vec<String> = (1..200)
        .map(|k| format!("FloorDiv(x0 + {k}*s0*y{k}, s0) + Mod(x0 + {k}, s0 + {k})"))
        .collect();
    // Reference answers in a context that never rolls back.
    let mut plain = cx.clone();
    let expected: Vec<String> = texts
        .iter()
        .map(|t| {
            let e = plain.parse(t).unwrap();
            let s = plain.simplify(e);
            plain.display(s)
        })
        .collect();
    let mut kept = Vec::new();
    let mut m = base;
    for t in &texts {
        let before = cx.node_count();
        let e = cx.parse(t).unwrap();
        let mut roots = [cx.simplify(e), e];
        let peak = cx.node_count();
        cx.rollback_keeping(m, &mut roots).unwrap();
        // Only the kept expressions survive, not the intermediate nodes of the query.
        assert!(cx.node_count() - before < peak - before, "{t}");
        kept.push(roots);
        // The kept expressions are now below the next mark.
        m = cx.mark();
    }
    let shown: Vec<String> = kept.iter().map(|r| cx.display(r[0])).collect();
    assert_eq!(shown, expected);
    // The kept originals are the same expressions (a fresh parse gives the same nodes), and
    // their symbols were recreated (y1..y199 were made after the mark).
    for (r, t) in kept.iter().zip(&texts) {
        let again = cx.parse(t).unwrap();
        assert_eq!(r[1], again, "{t}");
    }
    let y7 = cx.get("y7").unwrap();
    let v = cx
        .eval(
            kept[6][1],
            &[
                ("x0", Value::Int(5)),
                ("s0", Value::Int(9)),
                ("y7", Value::Int(2)),
            ],
        )
        .unwrap();
    let w = cx
        .eval_syms(
            kept[6][1],
            &[
                (cx.get("x0").unwrap(), Value::Int(5)),
                (cx.get("s0").unwrap(), Value::Int(9)),
                (y7, Value::Int(2)),
            ],
        )
        .unwrap();
    assert_eq!(v, w);
    let (x0, s0, y7) = (5i64, 9i64, 2i64);
    let want = (x0 + 7 * s0 * y7).div_euclid(s0) + (x0 + 7).rem_euclid(s0 + 7);
    assert_eq!(v, Value::Int(want));
    // A plain rollback drops everything since the mark, and the context works as before.
    cx.rollback(base).unwrap();
    assert_eq!(cx.node_count(), start);
    assert!(cx.get("y7").is_err());
    let e = cx.parse(&texts[3]).unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), expected[3]);
    let p = cx.parse("x0 < s0").unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::True));
}

#[test]
fn rollback_is_refused_when_facts_need_later_nodes() {
    let mut cx = Context::new();
    let x = cx.symbol("x").unwrap();
    let base = cx.mark();
    let end = cx.parse("n + 1").unwrap();
    cx.set_range(x, RangeEnd::Infinite, end.into()).unwrap();
    let n = cx.node_count();
    assert!(cx.rollback(base).is_err());
    assert_eq!(cx.node_count(), n);
    assert_eq!(cx.display(end), "n + 1");
    // Also for facts saved by an open scope.
    cx.clear_facts();
    let m = cx.mark();
    cx.push_facts();
    let a = cx.parse("x <= m").unwrap();
    cx.assume(a).unwrap();
    cx.push_facts();
    cx.clear_facts();
    assert!(cx.rollback(m).is_err());
    cx.pop_facts();
    cx.pop_facts();
    assert!(cx.rollback(m).is_ok());
    // A mark from a later point of history than the context has now.
    let mut cx = Context::new();
    let a = cx.mark();
    cx.parse("u + v").unwrap();
    let later = cx.mark();
    cx.rollback(a).unwrap();
    assert!(cx.rollback(later).is_err());
}

#[test]
fn long_lived_context_stays_small() {
    let mut cx = Context::new();
    cx.set_range_str("s0", "2", "").unwrap();
    let base = cx.mark();
    let mut after_first = 0;
    for k in 0..3000 {
        let e = cx
            .parse(&format!(
                "Mod(FloorDiv(x{} + {k}*s0, s0), {})",
                k % 7,
                k + 2
            ))
            .unwrap();
        let s = cx.simplify(e);
        let _ = cx.bound(s);
        cx.rollback(base).unwrap();
        if k == 0 {
            after_first = cx.node_count();
        }
        assert_eq!(cx.node_count(), after_first);
    }
}

/// The operands `view` gives (the older, allocating reader), as an independent reference.
fn view_children(cx: &Context, e: sym::Expr) -> Vec<sym::Expr> {
    match cx.view(e) {
        sym::View::Leaf => vec![],
        sym::View::Sum(ts, _) => ts.iter().map(|t| t.0).collect(),
        sym::View::Prod(fs) => fs,
        sym::View::Pow(b, _) => vec![b],
        sym::View::Call(_, args) => args,
        _ => panic!("a View this test does not know"),
    }
}

#[test]
fn operator_enum_children_and_post_order() {
    let texts = [
        "FloorDiv(2*n + 1, s0)",
        "Mod(FloorDiv(x, 4), 8) + 3*Min(x, y, 7) - x*y**2",
        "Where(And(x < 3, Ne(y, 0)), CeilDiv(x, y), Abs(x - y))",
        "Or(Not(x <= y), Eq(Max(x, y)*(x + 1), 12))",
        "TruncToInt(ToFloat(x) * 0.5) + RoundToInt(x / y)",
        "(x + y)*(x + y + 1) + FloorDiv((x + y)*(x + y + 1), 2)",
        "7",
        "x",
    ];
    let mut cx = Context::new();
    for t in texts {
        let e = cx.parse(t).unwrap();
        let order: Vec<sym::Expr> = cx.post_order(e).collect();
        // Each node once, the root last, children before parents.
        let mut pos = std::collections::HashMap::new();
        for (i, x) in order.iter().enumerate() {
            assert!(pos.insert(*x, i).is_none(), "{t}: {} twice", cx.display(*x));
        }
        assert_eq!(order.last(), Some(&e), "{t}");
        // The same set as a walk over `view`.
        let mut reach = std::collections::HashSet::new();
        let mut stack = vec![e];
        while let Some(x) = stack.pop() {
            if reach.insert(x) {
                stack.extend(view_children(&cx, x));
            }
        }
        assert_eq!(reach.len(), order.len(), "{t}");
        for &x in &order {
            let kids: Vec<sym::Expr> = cx.children(x).collect();
            assert_eq!(kids, view_children(&cx, x), "{t}: {}", cx.display(x));
            for k in kids {
                assert!(pos[&k] < pos[&x], "{t}");
            }
            let op = cx.op(x);
            match cx.view(x) {
                sym::View::Call(name, _) => assert_eq!(op.name(), name),
                sym::View::Sum(ts, c) => {
                    assert_eq!(op, sym::Op::Add);
                    assert_eq!(cx.sum_parts(x), Some((ts.as_slice(), c)));
                }
                sym::View::Prod(_) => assert_eq!(op, sym::Op::Mul),
                sym::View::Pow(_, k) => {
                    assert_eq!(op, sym::Op::Pow);
                    assert_eq!(cx.pow_exponent(x), Some(k));
                }
                sym::View::Leaf => assert!(op.is_leaf()),
                _ => panic!("a View this test does not know"),
            }
        }
    }
    // Deep expressions: no recursion.
    let mut deep = cx.parse("x").unwrap();
    for k in 0..100_000 {
        let kk = cx.int(k % 5 + 2);
        deep = cx.floordiv(deep, kk).unwrap();
    }
    assert_eq!(cx.post_order(deep).count(), 100_000 + 1 + 5);
}

#[test]
fn solver_reasons_are_typed() {
    use sym::UnsolvedKind as K;
    let mut cx = Context::new();
    let cases = [
        ("x + 1", "x", K::NotARelation),
        ("Eq(y, 3)", "x", K::TargetAbsent),
        ("Eq(x*x, 4)", "x", K::CannotIsolate),
        ("Eq(x*y + x*x*y, 4)", "x", K::Nonlinear),
        ("Ne(FloorDiv(x, 4), 2)", "x", K::Disjunction),
        ("a*b < 1", "a", K::NeedsCases),
    ];
    for (rel, target, kind) in cases {
        let e = cx.parse(rel).unwrap();
        let x = cx.symbol(target).unwrap();
        match cx.solve(e, x) {
            SolveResult::Unsolved(why) => {
                assert_eq!(why.kind, kind, "{rel}: {why}");
                assert!(!why.message.is_empty());
                assert_eq!(why.to_string(), why.message);
            }
            r => panic!("{rel}: {r:?}"),
        }
    }
    // The cases behind NeedsCases come with solve_with_cases.
    let e = cx.parse("a*b < 1").unwrap();
    let a = cx.get("a").unwrap();
    assert!(matches!(cx.solve_with_cases(e, a), SolveResult::Solved(s) if s.cases.len() >= 2));
}

/// Debug builds detect a handle whose node a rollback dropped, even after its slot is reused
/// by a new node, and refuse a mark of another context. (Release builds check only the
/// index, docs of `Context::rollback`.)
#[cfg(debug_assertions)]
#[test]
fn stale_handles_after_a_rollback_are_detected_in_debug_builds() {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    let mut cx = Context::new();
    let s0 = cx.symbol("s0").unwrap();
    let kept = cx.parse("s0 + 1").unwrap();
    let base = cx.mark();
    let stale = cx.parse("FloorDiv(s0, 7)").unwrap();
    let stale_sym = cx.symbol("q").unwrap();
    cx.rollback(base).unwrap();
    // The slots are reused by other nodes and another symbol.
    let fresh = cx.parse("Mod(r, 5)").unwrap();
    assert!(fresh.index() <= stale.index() + 2);
    assert!(!cx.owns(stale));
    assert!(!cx.owns_symbol(stale_sym));
    let r = catch_unwind(AssertUnwindSafe(|| cx.display(stale)));
    let msg = r.expect_err("a stale handle must not read a new node");
    let msg = (msg.downcast_ref::<String>().cloned())
        .or_else(|| msg.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(msg.contains("rollback"), "{msg}");
    assert!(catch_unwind(AssertUnwindSafe(|| cx.sym_name(stale_sym).to_string())).is_err());
    // What existed at the mark stays valid, across several rollbacks.
    for _ in 0..3 {
        cx.parse("a*b + c").unwrap();
        cx.rollback(base).unwrap();
    }
    assert!(cx.owns(kept) && cx.owns_symbol(s0));
    assert_eq!(cx.display(kept), "s0 + 1");
    // rollback_keeping hands back fresh handles; the old ones of the kept roots are stale.
    let e = cx.parse("FloorDiv(s0, 3) + t").unwrap();
    let mut roots = [e];
    cx.rollback_keeping(base, &mut roots).unwrap();
    assert!(cx.owns(roots[0]));
    assert_eq!(cx.display(roots[0]), "t + FloorDiv(s0, 3)");
    // A mark of another context is refused, with nothing changed.
    let other = Context::new().mark();
    let n = cx.node_count();
    assert!(cx.rollback(other).is_err());
    assert_eq!(cx.node_count(), n);
    // A clone accepts its parent's marks and handles from before the clone.
    let mut c2 = cx.clone();
    assert!(c2.owns(kept));
    c2.rollback(base).unwrap();
}

/// `is_simplify_fixpoint` (what `batch` relies on to answer a plain polynomial without its
/// ranges): on random plain polynomials under random facts that pin no symbol (integer and
/// symbolic ranges, assumptions), `simplify` gives the expression back; a pinning range
/// changes it; expressions with a call are not fixpoints.
#[test]
fn simplify_fixpoints_need_no_facts() {
    let mut r: u64 = 0x51f1_5eed_0bad_cafe;
    let mut next = move |m: u64| {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        r % m
    };
    let names = ["s0", "s1", "x0", "x1", "q"];
    let mut fixpoints = 0;
    for _ in 0..2000 {
        let mut text = String::new();
        for k in 0..1 + next(4) {
            if k > 0 {
                text.push_str([" + ", " - "][next(2) as usize]);
            }
            text.push_str(&(1 + next(9)).to_string());
            for _ in 0..next(3) {
                text.push('*');
                text.push_str(names[next(5) as usize]);
            }
        }
        let mut cx = Context::new();
        let e = cx.parse(&text).unwrap();
        if !cx.is_simplify_fixpoint(e) {
            continue;
        }
        fixpoints += 1;
        // Facts of every kind but a pin: the answer stays the expression.
        cx.set_range_str("s0", "2", "").unwrap();
        cx.set_range_str("x0", "0", "s0 - 1").unwrap();
        cx.set_range_str("x1", &next(5).to_string(), "64").unwrap();
        let a = cx.parse_bool("s1 > 3").unwrap();
        cx.add_fact(a).unwrap();
        assert_eq!(cx.simplify(e), e, "{text}");
    }
    assert!(fixpoints > 1500, "{fixpoints}");
    // A pinned symbol is replaced: not a fact a fixpoint can ignore.
    let mut cx = Context::new();
    let e = cx.parse("x0 + s1").unwrap();
    assert!(cx.is_simplify_fixpoint(e));
    cx.set_range_str("x0", "3", "3").unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), "s1 + 3");
    for t in ["FloorDiv(x0, 4)", "Max(s0, 1)", "(x0 + 1)*s1", "x0 < 4"] {
        let e = cx.parse(t).unwrap();
        assert!(!cx.is_simplify_fixpoint(e), "{t}");
    }
}
