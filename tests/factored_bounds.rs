//! `bound` of a sum whose terms share factors: the sum is also bounded with a shared factor
//! taken out (`p0*s27 - p0` as `p0*(s27 - 1)`), two levels deep, and the enclosures
//! intersected (bounds.rs `factored_sum_iv`). A table of real index expressions (strided
//! views: `12*p0*s16*s62 - 6*p0*s62 + p1 + 3*p2` is at least 0, where term by term it was
//! unbounded below) and random sums over boxes too large for enumeration, checked against
//! every point.

mod common;

use common::{Rng, check_bound};
use sym::{Bound, Context, Value};

/// Ranges as `Context::set_range_str` takes them: `(symbol, lo, hi)`.
type Ranges<'a> = &'a [(&'a str, &'a str, &'a str)];

fn int_bound(cx: &mut Context, text: &str, ranges: Ranges<'_>) -> (Option<i64>, Option<i64>) {
    for (s, lo, hi) in ranges {
        cx.set_range_str(s, lo, hi).unwrap();
    }
    let e = cx.parse(text).unwrap();
    match cx.bound(e) {
        Bound::Int { lo, hi } => (lo, hi),
        b => panic!("not an integer bound: {b}"),
    }
}

#[test]
fn table() {
    let strided: Ranges<'_> = &[
        ("p0", "0", "oo"),
        ("p1", "0", "2"),
        ("p2", "0", "oo"),
        ("p3", "0", "7"),
        ("s16", "1", "oo"),
        ("s62", "1", "oo"),
    ];
    let rows: &[(&str, Ranges<'_>, &str)] = &[
        (
            "p0*s27 - p0",
            &[("p0", "0", "128"), ("s27", "1", "4")],
            "[0, 384]",
        ),
        ("12*p0*s16*s62 - 6*p0*s62 + p1 + 3*p2", strided, "[0, oo]"),
        (
            "32*p0*s16*s62 - 16*p0*s62 + 32*p1*s62 + 16*p2 + p3 + 8",
            strided,
            "[8, oo]",
        ),
        (
            "64*p0*s16*s62 - 64*p0*s62 + 32*p1*s62 + 16*p2 + p3",
            strided,
            "[0, oo]",
        ),
        // Two levels: p0 out, then p1 out of the rest.
        (
            "p0*s27 - p0 + 4*p1*s27 - 4*p1",
            &[("p0", "0", "128"), ("s27", "1", "oo"), ("p1", "0", "7")],
            "[0, oo]",
        ),
        (
            "s*x - s + y",
            &[
                ("s", "1", "2"),
                ("x", "0", "1"),
                ("y", "0", "t"),
                ("t", "0", "0"),
            ],
            "[-2, 0]",
        ),
    ];
    for (text, ranges, want) in rows {
        check_bound(text, ranges, want);
    }
}

/// Random sums of products of four symbols (coefficients of both signs, repeated factors,
/// constants) over boxes of 1,296 to 20,736 points (beyond `bound`'s enumeration of small
/// boxes): every value lies in the bound.
#[test]
fn sound_on_random_sums() {
    let mut r = Rng(0xFAC7_0125);
    let names = ["a", "b", "c", "d"];
    for case in 0..400 {
        let mut terms = Vec::new();
        for _ in 0..r.range(2, 6) {
            let mut t = format!("{}", r.range(-9, 9));
            for _ in 0..r.range(1, 3) {
                t.push_str(&format!("*{}", names[r.range(0, 3) as usize]));
            }
            terms.push(t);
        }
        if r.range(0, 1) == 1 {
            terms.push(format!("{}", r.range(-20, 20)));
        }
        let text = terms.join(" + ");
        let boxes: Vec<(i64, i64)> = (0..4)
            .map(|_| {
                let lo = r.range(-8, 8);
                (lo, lo + r.range(5, 11))
            })
            .collect();
        let ranges: Vec<(String, String, String)> = names
            .iter()
            .zip(&boxes)
            .map(|(n, (lo, hi))| (n.to_string(), lo.to_string(), hi.to_string()))
            .collect();
        let rs: Vec<(&str, &str, &str)> = ranges
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        let mut cx = Context::new();
        let (lo, hi) = int_bound(&mut cx, &text, &rs);
        let e = cx.parse(&text).unwrap();
        for a in boxes[0].0..=boxes[0].1 {
            for b in boxes[1].0..=boxes[1].1 {
                for c in boxes[2].0..=boxes[2].1 {
                    for d in boxes[3].0..=boxes[3].1 {
                        let at = [
                            ("a", Value::Int(a)),
                            ("b", Value::Int(b)),
                            ("c", Value::Int(c)),
                            ("d", Value::Int(d)),
                        ];
                        let Ok(Value::Int(v)) = cx.eval(e, &at) else {
                            panic!("{text} does not evaluate at {at:?}");
                        };
                        assert!(
                            lo.is_none_or(|l| l <= v) && hi.is_none_or(|h| v <= h),
                            "case {case}: {text} on {boxes:?} = {v} at {at:?}, bound [{lo:?}, {hi:?}]"
                        );
                    }
                }
            }
        }
    }
}
