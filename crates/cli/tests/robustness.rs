//! `batch` on hostile streams (docs/limits.md): invalid UTF-8, a 100 MB line, deeply nested
//! JSON, a request with 10^5 ranges, integers beyond 64 bits. Each case gets an error response
//! or an answer in its place, the stream goes on (a valid request after it is answered), and the
//! test prints how long the case took (`cargo test -- --nocapture` shows it).

use serde_json::{Value as J, json};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `batch` on `before`, the hostile `line`, and a valid request; returns the response to
/// the hostile line and the time the whole stream took. Checks that exactly three answers come
/// back, the first and last being the valid requests' answers.
fn around(name: &str, line: &[u8]) -> (J, Duration) {
    let mut input = br#"{"id":"before","op":"simplify","expr":"x + x"}"#.to_vec();
    input.push(b'\n');
    input.extend_from_slice(line);
    input.extend_from_slice(b"\n{\"id\":\"after\",\"op\":\"simplify\",\"expr\":\"x + x\"}\n");
    let t = Instant::now();
    let mut c = Command::new(env!("CARGO_BIN_EXE_symshape"))
        .args(["batch", "--jobs", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = c.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let o = c.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let took = t.elapsed();
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let resp: Vec<J> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(resp.len(), 3, "{name}: one answer per line: {out:.2000}");
    for (r, id) in [(&resp[0], "before"), (&resp[2], "after")] {
        assert_eq!(r["id"], id, "{r}");
        assert_eq!(r["expr"], "2*x", "{name}: the stream goes on: {r}");
    }
    eprintln!(
        "{name}: {} bytes, answered in {:.1} ms: {:.200}",
        line.len(),
        took.as_secs_f64() * 1e3,
        resp[1].to_string()
    );
    (resp[1].clone(), took)
}

fn error_kind(r: &J) -> &str {
    assert_eq!(r["ok"], false, "{r}");
    r["error"]["kind"].as_str().unwrap()
}

fn message(r: &J) -> &str {
    r["error"]["message"].as_str().unwrap()
}

#[test]
fn invalid_utf8() {
    for (name, line) in [
        ("lone continuation byte", b"\x80".to_vec()),
        (
            "truncated sequence in a string",
            b"{\"id\": 7, \"op\": \"simplify\", \"expr\": \"x\xe2\x82\"}".to_vec(),
        ),
        (
            "overlong encoding",
            b"{\"id\": 8, \"expr\": \"\xc0\xaf\"}".to_vec(),
        ),
        ("surrogate half", b"\"\xed\xa0\x80\"".to_vec()),
        ("byte 0xff", vec![0xff; 4096]),
    ] {
        let (r, took) = around(name, &line);
        assert_eq!(error_kind(&r), "request");
        assert!(message(&r).contains("not valid UTF-8"), "{r}");
        assert!(took < Duration::from_secs(10));
    }
}

#[test]
fn line_of_100_mb() {
    // 100 MB in one line: over the 16 MiB limit, answered without being held in memory.
    let mut line = br#"{"id":"big","op":"simplify","expr":""#.to_vec();
    line.extend(std::iter::repeat_n(b"x + ".as_slice(), 25_000_000).flatten());
    line.extend_from_slice(b"x\"}");
    let n = line.len();
    let (r, took) = around("100 MB line", &line);
    assert_eq!(error_kind(&r), "request");
    assert_eq!(
        message(&r),
        format!("line of {n} bytes is longer than the limit of 16777216 bytes; not read")
    );
    assert!(r.get("id").is_none(), "the id is not read: {r}");
    assert!(took < Duration::from_secs(60));
}

#[test]
fn line_just_under_the_limit_is_read() {
    // 16 MiB minus a few bytes: read and answered (a parse error of a long sum of symbols
    // would be wrong; the sum is valid and is simplified).
    let budget = (16 << 20) - 100;
    let mut line = br#"{"id":"under","op":"simplify","expr":""#.to_vec();
    let mut i = 0;
    while line.len() + 20 < budget {
        line.extend_from_slice(format!("x{} + ", i % 1000).as_bytes());
        i += 1;
    }
    line.extend_from_slice(b"x0\"}");
    assert!(line.len() < 16 << 20);
    let (r, took) = around("16 MiB line", &line);
    assert_eq!(r["ok"], true, "{r:.300}");
    assert_eq!(r["id"], "under");
    assert!(took < Duration::from_secs(120));
}

#[test]
fn deeply_nested_json() {
    let depth = 1_000_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!(
        r#"{{"id":"deep","op":"simplify","expr":"x","ranges":{}1{}}}"#,
        r#"{"a":"#.repeat(depth),
        "}".repeat(depth)
    );
    for (name, line) in [
        ("10^6 nested arrays", arrays),
        ("10^6 nested objects", objects),
    ] {
        let (r, took) = around(name, line.as_bytes());
        assert_eq!(error_kind(&r), "request");
        assert!(message(&r).contains("recursion limit"), "{r}");
        assert!(took < Duration::from_secs(10));
    }
    // Nesting inside the expression is the parser's business (iterative, no depth limit).
    let expr = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    let line = json!({"id": "parens", "op": "simplify", "expr": expr}).to_string();
    let (r, took) = around("10^5 nested parentheses", line.as_bytes());
    assert_eq!(r["expr"], "x", "{r:.300}");
    assert!(took < Duration::from_secs(30));
}

#[test]
fn request_with_100000_ranges() {
    // Independent ranges: x_i in [0, i]; the sum of all of them is bounded exactly.
    let n = 100_000;
    let mut ranges = serde_json::Map::new();
    for i in 0..n {
        ranges.insert(format!("x{i}"), json!([0, i]));
    }
    let line = json!({"id": "many", "op": "bound", "expr": "x99999 - x0", "ranges": ranges});
    let (r, took) = around("10^5 numeric ranges", line.to_string().as_bytes());
    assert_eq!(r["ok"], true, "{r:.300}");
    assert_eq!(
        (&r["lower"], &r["upper"]),
        (&json!(0), &json!(99_999)),
        "{r}"
    );
    assert!(took < Duration::from_secs(60));

    // A chain: s_i in [0, s_(i-1)], s0 in [0, 10]: every bound, fact derivation and
    // substitution walks it; the answer comes after bounded work (docs/limits.md).
    let mut chain = serde_json::Map::new();
    chain.insert("s0".into(), json!([0, 10]));
    for i in 1..n {
        chain.insert(format!("s{i}"), json!([0, format!("s{}", i - 1)]));
    }
    let line = json!({"id": "chain", "op": "prove", "expr": "s99999 <= 10", "ranges": chain});
    let (r, took) = around("10^5 chained ranges", line.to_string().as_bytes());
    assert_eq!(r["ok"], true, "{r:.300}");
    assert!(
        ["true", "unknown"].contains(&r["result"].as_str().unwrap_or("")),
        "{r}"
    );
    assert!(took < Duration::from_secs(120));
}

#[test]
fn integers_beyond_64_bits() {
    let cases: [(&str, J, &str, &str); 5] = [
        (
            "2**64",
            json!({"id": 1, "op": "simplify", "expr": "2**64"}),
            "parse",
            "integer overflow while folding constants",
        ),
        (
            "a literal of 2^64",
            json!({"id": 2, "op": "simplify", "expr": "x + 18446744073709551616"}),
            "parse",
            "does not fit in 64 bits",
        ),
        (
            "int_oo inside an expression",
            json!({"id": 3, "op": "simplify", "expr": "Min(x, int_oo)"}),
            "unsupported",
            "may appear only in range bounds",
        ),
        (
            "a JSON range end of 2^64",
            serde_json::from_str(
                r#"{"id": 4, "op": "bound", "expr": "x", "ranges": {"x": [0, 18446744073709551616]}}"#,
            )
            .unwrap(),
            "range",
            "is not a 64-bit integer",
        ),
        (
            "2**63 as a range end",
            json!({"id": 5, "op": "bound", "expr": "x", "ranges": {"x": [0, "2**63"]}}),
            "parse",
            "overflow",
        ),
    ];
    for (name, req, kind, msg) in cases {
        let (r, _) = around(name, req.to_string().as_bytes());
        assert_eq!(error_kind(&r), kind, "{name}: {r}");
        assert!(message(&r).contains(msg), "{name}: {r}");
        assert_eq!(r["id"], req["id"]);
    }
    // int_oo and oo as range ends are the unbounded end (PyTorch's var_ranges use them).
    let req = json!({"id": 6, "op": "bound", "expr": "x + 1", "ranges": {"x": [0, "int_oo"]}});
    let (r, _) = around("int_oo as a range end", req.to_string().as_bytes());
    assert_eq!((&r["lower"], &r["upper"]), (&json!(1), &J::Null), "{r}");
    // The largest and smallest i64 are ordinary constants.
    let req = json!({"id": 7, "op": "eval", "expr": "x - 1", "values": {"x": i64::MIN}});
    let (r, _) = around("i64::MIN - 1", req.to_string().as_bytes());
    assert_eq!(error_kind(&r), "eval", "{r}");
    assert!(message(&r).contains("overflow"), "{r}");
}
