//! The context's memo of parsed texts (`Context::parse`), through the public API: limits and
//! rollbacks reach a kept text, and parsing again makes no nodes. The random comparison with
//! a parse that bypasses the memo is a unit test (`crates/sym/src/parse.rs`,
//! `a_parse_again_answers_as_a_first_parse`).

use sym::{Context, Limits};

/// A text kept by the memo is refused once a smaller `input_nodes` limit is set, and parsed
/// again (not answered from the memo) after a rollback dropped its nodes.
#[test]
fn limits_and_rollbacks_reach_a_kept_text() {
    let t = "4*d0*s0*s53 + 2*d1*s0 + d2";
    let mut cx = Context::new();
    let m = cx.mark();
    for _ in 0..3 {
        cx.parse(t).unwrap();
    }
    cx.set_limits(Limits::default().with_input_nodes(4));
    let err = cx.parse(t).unwrap_err().to_string();
    assert!(err.contains("input_nodes"), "{err}");
    cx.set_limits(Limits::default());
    let e = cx.parse(t).unwrap();
    assert_eq!(cx.parse(t).unwrap(), e);
    cx.rollback(m).unwrap();
    assert_eq!(cx.node_count(), 0);
    let again = cx.parse(t).unwrap();
    assert_eq!(cx.display(again), "d2 + 4*d0*s0*s53 + 2*d1*s0");
    assert!(cx.node_count() > 0);
}

/// Parsing a text many times in one context (a compiler's repeated question) leaves the arena
/// as one parse does.
#[test]
fn repeated_parses_make_no_nodes() {
    let mut cx = Context::new();
    let e = cx
        .parse("ModularIndexing(s0*x, 2, s53) + FloorDiv(x, 4)")
        .unwrap();
    let n = cx.node_count();
    for _ in 0..100 {
        assert_eq!(
            cx.parse("ModularIndexing(s0*x, 2, s53) + FloorDiv(x, 4)")
                .unwrap(),
            e
        );
    }
    assert_eq!(cx.node_count(), n);
}
