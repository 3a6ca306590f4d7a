//! Float numbers in request lines are read correctly rounded: the review's requests, whose
//! numbers serde_json's default (not correctly rounded) parser read as the neighbouring double,
//! answer as the same question given on the command line or inside the expression text.

use serde_json::json;
use symshape::request::handle;

#[test]
fn json_floats_are_the_doubles_they_write() {
    let r = handle(
        &json!({"op": "eval", "expr": "f", "types": {"f": "float"}, "values": {"f": 1000000000000000.5}}),
    );
    assert_eq!(r["value"], json!(1000000000000000.5), "{r}");
    let r = handle(
        &json!({"op": "eval", "expr": "TruncToInt(f)", "types": {"f": "float"}, "values": {"f": 4410352679777794.0}}),
    );
    assert_eq!(r["value"], json!(4410352679777794i64), "{r}");
    let line = r#"{"op":"prove","expr":"f < 1000000000000000.5","types":{"f":"float"},"ranges":{"f":[1000000000000000.5,1000000000000000.5]}}"#;
    let r = handle(&serde_json::from_str(line).unwrap());
    assert_eq!(r["result"], "false", "{r}");
    let line = r#"{"op":"bound","expr":"TruncToInt(f)","types":{"f":"float"},"ranges":{"f":[4410352679777794.0,4410352679777794.0]}}"#;
    let r = handle(&serde_json::from_str(line).unwrap());
    assert_eq!(
        (&r["lower"], &r["upper"]),
        (&json!(4410352679777794i64), &json!(4410352679777794i64)),
        "{r}"
    );
    let line =
        r#"{"op":"eval","expr":"f","types":{"f":"float"},"values":{"f":0.009009009009009009}}"#;
    let r = handle(&serde_json::from_str(line).unwrap());
    assert_eq!(r["value"], json!(0.009009009009009009), "{r}");
}
