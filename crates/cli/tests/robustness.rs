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
            "ranges.x[1]: an integer beyond 64 bits ('x' is an integer symbol",
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
    // JSON range ends beyond i64, as written in the line (serde_json reads integers beyond
    // u64 as doubles: the message names the integer for what it is, not as
    // "1.8446744073709552e+19").
    for (line, msg) in [
        (
            r#"{"id": 8, "op": "bound", "expr": "x", "ranges": {"x": [0, 18446744073709551616]}}"#,
            "ranges.x[1]: an integer beyond 64 bits ('x' is an integer symbol; null is an unbounded end)",
        ),
        (
            r#"{"id": 8, "op": "bound", "expr": "x", "ranges": {"x": [-18446744073709551616, 0]}}"#,
            "ranges.x[0]: an integer beyond 64 bits",
        ),
        (
            r#"{"id": 8, "op": "bound", "expr": "x", "ranges": {"x": [0, 18446744073709551615]}}"#,
            "ranges.x[1]: 18446744073709551615 is beyond the 64-bit integers ('x' is an integer symbol)",
        ),
        (
            r#"{"id": 8, "op": "bound", "expr": "x", "ranges": {"x": [0, 9223372036854775808]}}"#,
            "ranges.x[1]: 9223372036854775808 is beyond the 64-bit integers",
        ),
        (
            r#"{"id": 8, "op": "bound", "expr": "x", "ranges": {"x": [0, 2.5]}}"#,
            "ranges.x[1]: 2.5 is not a 64-bit integer",
        ),
    ] {
        let (r, _) = around("a JSON range end beyond i64", line.as_bytes());
        assert_eq!(error_kind(&r), "range", "{r}");
        assert!(message(&r).contains(msg), "{r}");
        assert!(!message(&r).contains("e+19"), "{r}");
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

/// The `limits` object of a request (docs/cli.md, docs/limits.md): a limit reached is a
/// `limit` error naming it, in about the time asked; unknown names and bad values are request
/// errors with a suggestion; the stream goes on after each.
#[test]
fn request_limits() {
    let deep = format!("{}x{}", "FloorDiv(".repeat(100_000), ", 3)".repeat(100_000));
    let r = json!({"id": 1, "op": "simplify", "expr": deep, "ranges": {"x": [0, null]}});
    let (free, t_free) = around("10^5 nested FloorDiv, no limit", r.to_string().as_bytes());
    assert_eq!(free["ok"], true, "{free:.300}");
    for (name, op, expr, limits, symbol) in [
        (
            "simplify, time_ms 5",
            "simplify",
            deep.clone(),
            json!({"time_ms": 5}),
            None,
        ),
        // x twice: not the one-pass interval of a single-use expression (well under 5 ms).
        (
            "bound, time_ms 5",
            "bound",
            format!("{deep} - x"),
            json!({"time_ms": 5}),
            None,
        ),
        // Against x, not 0: `deep >= 0` is decided by the operands' intervals in one pass,
        // which takes about the 5 ms of the limit (a limit that may or may not be reached).
        (
            "prove, time_ms 5",
            "prove",
            format!("{deep} >= x"),
            json!({"time_ms": 5}),
            None,
        ),
        (
            "solve, time_ms 5",
            "solve",
            format!("Eq(y, {deep})"),
            json!({"time_ms": 5}),
            Some("y"),
        ),
        (
            "simplify, context_nodes",
            "simplify",
            deep.clone(),
            json!({"context_nodes": 150_000}),
            None,
        ),
        (
            "simplify, input_nodes",
            "simplify",
            deep.clone(),
            json!({"input_nodes": 1000}),
            None,
        ),
    ] {
        let mut r =
            json!({"id": 2, "op": op, "expr": expr, "ranges": {"x": [0, null]}, "limits": limits});
        if let Some(s) = symbol {
            r["symbol"] = json!(s);
        }
        let (resp, took) = around(name, r.to_string().as_bytes());
        assert_eq!(error_kind(&resp), "limit", "{name}: {resp}");
        assert!(message(&resp).starts_with("limit '"), "{resp}");
        assert!(took < t_free + Duration::from_secs(5), "{name}");
    }
    // The deep relation against 0 (the intervals of its two sides decide it) is proved.
    let r =
        json!({"id": 2, "op": "prove", "expr": format!("{deep} >= 0"), "ranges": {"x": [0, null]}});
    let (resp, _) = around("prove by intervals", r.to_string().as_bytes());
    assert_eq!(resp["result"], "true", "{resp:.300}");
    // Limits that make the answer less thorough, never an error.
    let r = json!({"id": 3, "op": "simplify", "expr": "FloorDiv(FloorDiv(x, 2), 3)", "limits": {"rewrite_steps": 0}});
    let (resp, _) = around("rewrite_steps 0", r.to_string().as_bytes());
    assert_eq!(resp["expr"], "FloorDiv(FloorDiv(x, 2), 3)", "{resp}");
    let r = json!({"id": 3, "op": "prove", "expr": "x0 < s0", "ranges": {"s0": [1, null], "x0": [0, "s0 - 1"]}, "limits": {"proof_work": 0}});
    let (resp, _) = around("proof_work 0", r.to_string().as_bytes());
    assert_eq!(resp["result"], "unknown", "{resp}");
    let r = json!({"id": 3, "op": "solve", "expr": "a*b < 1", "symbol": "a", "limits": {"solve_cases": 2}});
    let (resp, _) = around("solve_cases 2", r.to_string().as_bytes());
    assert_eq!(resp["solved"], false, "{resp}");
    assert!(
        resp["reason"]
            .as_str()
            .unwrap()
            .contains("more than 2 cases"),
        "{resp}"
    );
    // A typical request under limits answers as without them.
    let r = json!({"id": 4, "op": "simplify", "expr": "FloorDiv(x0 + 64*x1, 64)", "ranges": {"x0": [0, 63], "x1": [0, null]}, "limits": {"time_ms": 100, "context_nodes": 1000, "input_nodes": 100}});
    let (resp, _) = around("typical request with limits", r.to_string().as_bytes());
    assert_eq!(resp["expr"], "x1", "{resp}");
    // Bad limits.
    for (limits, msg) in [
        (
            json!({"time_mss": 5}),
            "unknown limit 'time_mss'; did you mean 'time_ms'?",
        ),
        (
            json!({"tim": 5}),
            "unknown limit 'tim' (limits: input_nodes, context_nodes,",
        ),
        (
            json!({"time_ms": -1}),
            "limits.time_ms: must be a nonnegative integer",
        ),
        (
            json!({"time_ms": 1.5}),
            "limits.time_ms: must be a nonnegative integer",
        ),
        (
            json!({"nesting": 5_000_000_000u64}),
            "limits.nesting: 5000000000 is above the largest value, 4294967295",
        ),
        (json!([5]), "'limits' must be an object"),
    ] {
        let r = json!({"id": 5, "op": "simplify", "expr": "x", "limits": limits});
        let (resp, _) = around("bad limits", r.to_string().as_bytes());
        assert_eq!(error_kind(&resp), "request", "{resp}");
        assert!(message(&resp).contains(msg), "{resp}");
    }
    let r = json!({"id": 6, "op": "simplify", "expr": "x", "limit": {"time_ms": 5}});
    let (resp, _) = around("misspelt field", r.to_string().as_bytes());
    assert!(
        message(&resp).contains("unknown request field 'limit'; did you mean 'limits'?"),
        "{resp}"
    );
}

/// n-ary operators nested 5*10^4 deep with distinct operands: Max, Min, And, left- and
/// right-nested. Each level was flattened into a new node holding every operand below it
/// (quadratic: 80,000 levels of `Max(x0, Max(x1, ...))` took 67 s and 12.9 GB, a review found);
/// past 256 operands a node now keeps an operand of its own kind nested. The value is the same:
/// checked by evaluation on a smaller one.
#[test]
fn deeply_nested_n_ary_operators() {
    let n = 50_000;
    let right = |f: &str, leaf: &dyn Fn(usize) -> String, last: &str| {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&format!("{f}({}, ", leaf(i)));
        }
        s.push_str(last);
        s.push_str(&")".repeat(n));
        s
    };
    let sym = |i: usize| format!("x{i}");
    let cmp = |i: usize| format!("x{i} < {i}");
    let left_max = format!(
        "{}y{}",
        "Max(".repeat(n),
        (0..n).map(|i| format!(", x{i})")).collect::<String>()
    );
    for (name, op, expr) in [
        ("right-nested Max", "simplify", right("Max", &sym, "y")),
        ("right-nested Min", "bound", right("Min", &sym, "y")),
        ("right-nested And", "prove", right("And", &cmp, "y < 2")),
        ("left-nested Max", "simplify", left_max),
    ] {
        let line = json!({"id": "deep", "op": op, "expr": expr}).to_string();
        let (r, took) = around(name, line.as_bytes());
        assert_eq!(r["ok"], true, "{name}: {r:.300}");
        assert!(took < Duration::from_secs(10), "{name}: {took:?}");
    }
    // 1,000 levels (four nodes of at most 256 operands, nested): the value of the flat Max.
    let m = 1000;
    let expr = format!(
        "{}y{}",
        (0..m).map(|i| format!("Max(x{i}, ")).collect::<String>(),
        ")".repeat(m)
    );
    let mut values = serde_json::Map::new();
    for i in 0..m {
        values.insert(format!("x{i}"), json!((i * 7919) % 1009));
    }
    values.insert("y".into(), json!(5));
    let line = json!({"id": "v", "op": "eval", "expr": expr, "values": values}).to_string();
    let (r, _) = around("1,000 nested Max, evaluated", line.as_bytes());
    let want = (0..m).map(|i| (i * 7919) % 1009).max().unwrap().max(5);
    assert_eq!(r["value"], want, "{r:.300}");
}

/// Differences nested 5*10^4 deep to the right, `x0 - (x1 - (x2 - ...))`: each level
/// negated the pending sum below it term by term (quadratic: 80,000 levels took 6.8 s); the
/// parser now negates a larger right sum whole. The answer is the flat alternating sum.
#[test]
fn deeply_nested_differences() {
    let n = 50_000;
    let mut expr: String = (0..n).map(|i| format!("x{i} - (")).collect();
    expr.push_str(&format!("x{n}"));
    expr.push_str(&")".repeat(n));
    let line = json!({"id": "deep", "op": "simplify", "expr": expr}).to_string();
    let (r, took) = around("right-nested differences", line.as_bytes());
    assert_eq!(r["ok"], true, "{r:.300}");
    let got = r["expr"].as_str().unwrap();
    let flat: String = (0..=n)
        .map(|i| match i {
            0 => "x0".to_string(),
            i if i % 2 == 1 => format!(" - x{i}"),
            i => format!(" + x{i}"),
        })
        .collect();
    assert_eq!(got, flat, "{:.300}", got);
    assert!(took < Duration::from_secs(10), "{took:?}");
}
