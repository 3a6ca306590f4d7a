//! The library example of README.md, compiled and run.

#[test]
fn readme_example() {
    use sym::{Context, SolveResult, Truth};
    let mut cx = Context::new();
    cx.set_range_str("s0", "16", "1024").unwrap(); // a dynamic size
    cx.set_range_str("x0", "0", "s0 - 1").unwrap(); // a loop variable below it
    cx.set_range_str("x1", "0", "255").unwrap();
    let e = cx.parse("FloorDiv(x0 + s0*x1, s0)").unwrap();
    let s = cx.simplify(e);
    assert_eq!(cx.display(s), "x1");
    assert_eq!(cx.bound(e).to_string(), "[0, 255]");
    let p = cx.parse("x0 < s0").unwrap();
    assert_eq!(cx.prove(p), Ok(Truth::True));
    let rel = cx.parse("Eq(2*n + 1, size)").unwrap();
    let n = cx.symbol("n").unwrap();
    let SolveResult::Solved(sol) = cx.solve(rel, n) else {
        panic!()
    };
    assert_eq!(
        cx.display_relation(n, &sol.relations[0]),
        "Eq(n, FloorDiv(size - 1, 2))"
    );
}
