//! `Context::clear`: a cleared context answers exactly as a new one, whatever it held before
//! (nodes, symbols of other types, ranges, assumptions, open fact scopes, cached analyses).

mod common;

use common::Rng;
use sym::{Context, Ty};

/// Sets up `cx` with a random request (ranges, an assumption) and answers it: simplify, bound
/// and prove, as text.
fn answer(cx: &mut Context, r: &mut Rng) -> String {
    let names = ["a", "b", "s0"];
    for n in names {
        if r.chance(60) {
            let lo = r.range(-5, 5);
            let hi = lo + r.range(0, 40);
            cx.set_range_str(n, &lo.to_string(), &hi.to_string())
                .unwrap();
        }
    }
    if r.chance(30) {
        let p = cx.parse("a <= b + 3").unwrap();
        let _ = cx.assume(p);
    }
    let text = common::gen_int_with(r, 3, &names);
    let Ok(e) = cx.parse(&text) else {
        return format!("{text}: parse error");
    };
    let s = cx.simplify(e);
    let b = cx.bound(e);
    let z = cx.int(0);
    let p = cx.compare(sym::CmpOp::Le, z, e).unwrap();
    format!(
        "{text} -> {} {b} {:?}",
        cx.display(s),
        cx.prove(p).expect("a predicate")
    )
}

#[test]
fn a_cleared_context_answers_as_a_new_one() {
    let mut reused = Context::new();
    for seed in 0..400u64 {
        // Leave state behind: other symbols (one a float), facts, an open scope, queries.
        let _ = reused.declare("f", Ty::Float);
        let x = reused.symbol("zz").unwrap();
        reused.set_range_int(x, 3, 9).unwrap();
        reused.push_facts();
        let junk = reused.parse("FloorDiv(zz*a + 7, 3) + Mod(b, 5)").unwrap();
        let _ = reused.simplify(junk);
        reused.clear();
        assert_eq!(reused.node_count(), 0);
        assert_eq!(reused.fact_depth(), 0);
        assert!(reused.lookup("zz").is_none());

        let mut fresh = Context::new();
        let want = answer(&mut fresh, &mut Rng(seed));
        let got = answer(&mut reused, &mut Rng(seed));
        assert_eq!(got, want, "seed {seed}");
    }
}
