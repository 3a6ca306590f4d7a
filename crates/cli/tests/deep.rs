//! `"deep": true` on `simplify` and `prove` requests (docs/cli.md, docs/deep.md).

use serde_json::Value as J;
use std::io::Write;
use std::process::{Command, Stdio};
use sym::{Context, Value};

fn batch(lines: &[String]) -> Vec<J> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_symshape"))
        .arg("batch")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = lines.join("\n");
    input.push('\n');
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Operations in printed text (docs/language.md §5) for the simple texts used here: binary
/// `+ - * **` and calls; a leading unary minus counts too.
fn ops(text: &str) -> usize {
    let b = text.as_bytes();
    let mut n = 0;
    for (i, c) in b.iter().enumerate() {
        match c {
            b'+' | b'-' => n += 1,
            b'*' if b.get(i + 1) != Some(&b'*') => n += 1,
            b'(' if i > 0 && b[i - 1].is_ascii_alphabetic() => n += 1,
            _ => {}
        }
    }
    n
}

#[test]
fn deep_simplify_is_equal_and_never_larger() {
    let cases = [
        "a*c + a*d + b*c + b*d",
        "x - 4*FloorDiv(x, 4) + FloorDiv(x, 4)*4",
        "Min(x + 2, y + 2) + Max(x, y)",
        "CeilDiv(x, 3) + FloorDiv(-x, 3) + x*y",
        "FloorDiv(Mod(x, 12), 4)",
    ];
    let mut lines = Vec::new();
    for c in cases {
        lines.push(format!(r#"{{"op":"simplify","expr":"{c}","deep":true}}"#));
        lines.push(format!(
            r#"{{"op":"simplify","expr":"{c}","form":"compact"}}"#
        ));
    }
    let resp = batch(&lines);
    for (i, c) in cases.iter().enumerate() {
        let deep = resp[2 * i]["expr"].as_str().unwrap();
        let compact = resp[2 * i + 1]["expr"].as_str().unwrap();
        assert!(
            ops(deep) <= ops(compact),
            "{c}: deep {deep} larger than {compact}"
        );
        let mut cx = Context::new();
        let (a, b) = (cx.parse(c).unwrap(), cx.parse(deep).unwrap());
        for x in -7..=7 {
            for y in -3..=3 {
                let v = [
                    ("a", Value::Int(x)),
                    ("b", Value::Int(y)),
                    ("c", Value::Int(x - y)),
                    ("d", Value::Int(2)),
                    ("x", Value::Int(x)),
                    ("y", Value::Int(y)),
                ];
                if let Ok(want) = cx.eval(a, &v) {
                    assert_eq!(cx.eval(b, &v).ok(), Some(want), "{c} -> {deep} at {v:?}");
                }
            }
        }
        // The binary prints what the library answers (deterministic).
        let d = cx.simplify_deep(a, sym::deep::Budget::default());
        assert_eq!(cx.compact_display(&d.form), deep);
    }
    // The factorization the compact form does not find.
    assert_eq!(ops(resp[0]["expr"].as_str().unwrap()), 3);
}

#[test]
fn deep_prove() {
    let cases = [
        ("Eq((a + b)*(c + d), a*c + a*d + b*c + b*d)", "true", "true"),
        ("Eq(Min(x, y) + Max(x, y), x + y)", "unknown", "true"),
        ("Ne(Min(x, y) + Max(x, y), x + y)", "unknown", "false"),
        ("Le(Min(x, y) + Max(x, y), x + y)", "unknown", "true"),
        (
            "Eq(FloorDiv(x + y, 2), FloorDiv(x, 2) + FloorDiv(y, 2))",
            "unknown",
            "unknown",
        ),
    ];
    let mut lines = Vec::new();
    for (c, _, _) in cases {
        lines.push(format!(r#"{{"op":"prove","expr":"{c}"}}"#));
        lines.push(format!(r#"{{"op":"prove","expr":"{c}","deep":true}}"#));
    }
    let resp = batch(&lines);
    for (i, (c, fast, deep)) in cases.iter().enumerate() {
        assert_eq!(resp[2 * i]["result"], *fast, "{c}");
        assert_eq!(resp[2 * i + 1]["result"], *deep, "{c} (deep)");
    }
}

#[test]
fn deep_field_errors() {
    let lines: Vec<String> = [
        r#"{"op":"bound","expr":"x","deep":true}"#,
        r#"{"op":"simplify","expr":"x","deep":"yes"}"#,
        r#"{"op":"simplify","expr":"x","deep":true,"form":"canonical"}"#,
        r#"{"op":"simplify","expr":"x + x","deep":false}"#,
    ]
    .map(String::from)
    .to_vec();
    let resp = batch(&lines);
    for r in &resp[..3] {
        assert_eq!(r["ok"], false, "{r}");
        assert_eq!(r["error"]["kind"], "request", "{r}");
    }
    assert_eq!(resp[3]["expr"], "2*x");
}
