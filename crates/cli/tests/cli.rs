//! The `symshape` binary end to end (CLI.md).

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_symshape"))
}

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut c = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let o = c.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

#[test]
fn single_shot_subcommands() {
    let (c, out, _) = run(
        &[
            "simplify",
            "FloorDiv(x0 + 64*x1, 64)",
            "--range",
            "x0=0..63",
            "--range",
            "x1=0..",
        ],
        "",
    );
    assert_eq!((c, out.trim()), (0, "x1"));
    // Expressions may start with '-' (not taken for an option).
    let (c, out, _) = run(&["simplify", "-x + x + 1"], "");
    assert_eq!((c, out.trim()), (0, "1"));
    let (c, out, _) = run(&["prove", "-x < 0", "--range", "x=1.."], "");
    assert_eq!((c, out.trim()), (0, "true"));
    let (c, out, _) = run(&["eval", "-7 // 2"], "");
    assert_eq!((c, out.trim()), (0, "-4"));
    let (c, out, _) = run(
        &["bound", "x", "--assume", "-x >= -3", "--range", "x=0.."],
        "",
    );
    assert_eq!((c, out.trim()), (0, "[0, 3]"));
    let (c, out, _) = run(&["bound", "s0 - Mod(s0, 8)", "--range", "s0=2.."], "");
    assert_eq!((c, out.trim()), (0, "[0, oo]"));
    let (c, out, _) = run(&["prove", "Eq(Mod(16*s0*s1 + 8, 8), 0)"], "");
    assert_eq!((c, out.trim()), (0, "true"));
    let (c, out, _) = run(&["solve", "Eq(2*s1 + 1, t)", "--for", "s1"], "");
    assert_eq!(c, 0);
    assert!(out.contains("Eq(s1, FloorDiv(t - 1, 2))"), "{out}");
    let (c, out, _) = run(&["eval", "FloorDiv(x, 3)", "--set", "x=-7"], "");
    assert_eq!((c, out.trim()), (0, "-3"));
    let (c, _, err) = run(&["simplify", "FloorDiv(x,"], "");
    assert_eq!(c, 1);
    assert!(err.contains("column"), "{err}");
    let (c, _, _) = run(&["nonsense"], "");
    assert_eq!(c, 2);
    let (c, out, _) = run(&["simplify", "x + x", "--format", "json"], "");
    assert_eq!((c, out.trim()), (0, r#"{"ok":true,"expr":"2*x"}"#));
}

#[test]
fn batch_answers_every_line() {
    let input = [
        r#"{"id":1,"op":"simplify","expr":"FloorDiv(x0 + 64*x1, 64)","ranges":{"x0":[0,63],"x1":[0,null]}}"#,
        "not json",
        r#"{"id":3,"op":"simplify","expr":"x +"}"#,
        r#"{"id":4,"op":"bound","expr":"q0 - s77","ranges":{"s77":[1,null],"q0":[0,"s77 - 1"]}}"#,
        r#"{"id":5,"op":"simplify","expr":"x","bogus":1}"#,
        r#"{"id":6,"op":"solve","expr":"Eq(4*s, n)","symbol":"s"}"#,
        r#"{"id":7,"op":"eval","expr":"FloorDiv(x, y)","values":{"x":1,"y":0}}"#,
        r#"{"id":8,"op":"prove","expr":"x < 5","ranges":{"x":[0,3]},"repeat":3}"#,
        r#"{"id":9,"op":"simplify","expr":"Foo(x)"}"#,
        r#"{"id":10,"op":"bound","expr":"x","ranges":{"x":[5,1]}}"#,
        r#"{"id":11,"op":"simplify","expr":"Mod(s0, 8)","assume":["Eq(Mod(s0, 8), 0)"],"types":{"zf0":"float"}}"#,
        "",
        r#"{"id":13,"op":"prove","expr":"x < 5","repeat":0}"#,
        r#"{"id":14,"op":"prove","expr":"x < 5","repeat":1000001}"#,
        r#"{"id":15,"op":"prove","expr":"x < 5","ranges":{"x":[0,3]},"repeat":1000}"#,
    ]
    .join("\n");
    let (c, out, _) = run(&["batch"], &input);
    assert_eq!(c, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 15);
    assert_eq!(lines[0]["expr"], "x1");
    assert_eq!(lines[1]["error"]["kind"], "request");
    assert_eq!(lines[2]["error"]["kind"], "parse");
    assert_eq!(lines[3]["upper"], -1);
    assert_eq!(lines[4]["error"]["kind"], "request");
    assert_eq!(lines[5]["relations"][0], "Eq(s, FloorDiv(n, 4))");
    assert_eq!(lines[5]["conditions"][0], "Eq(Mod(n, 4), 0)");
    assert_eq!(lines[6]["error"]["kind"], "eval");
    assert_eq!(lines[7]["result"], "true");
    assert!(lines[7]["t_ns"].as_u64().is_some());
    assert_eq!(lines[8]["error"]["kind"], "unsupported");
    assert_eq!(lines[9]["error"]["kind"], "range");
    assert_eq!(lines[10]["expr"], "0");
    // A blank line keeps its place; repeat is bounded and never silently clamped.
    assert_eq!(lines[11]["error"]["kind"], "request");
    assert_eq!(lines[11]["ok"], false);
    for l in &lines[12..14] {
        assert_eq!(l["error"]["kind"], "request", "{l}");
        assert!(
            l["error"]["message"]
                .as_str()
                .unwrap()
                .contains("from 1 to 1000000"),
            "{l}"
        );
    }
    assert_eq!(lines[14]["result"], "true");
    assert!(lines[14]["t_ns"].as_u64().is_some());
}

#[test]
fn batch_handles_the_public_corpus() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/public/index_exprs.jsonl"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        panic!("the public corpus is expected beside the repository at {path}");
    };
    let (c, out, _) = run(&["batch"], &text);
    assert_eq!(c, 0);
    let n = text.lines().filter(|l| !l.trim().is_empty()).count();
    let resp: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(resp.len(), n);
    assert!(resp.iter().all(|r| r["ok"] == true), "{out}");
}

#[test]
fn codegen_subcommand() {
    let dir = std::env::temp_dir().join(format!("symshape-cli-codegen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/signature.json");
    let out = dir.join("out.cpp");
    let out_s = out.to_str().unwrap();
    let (c, _, _) = run(&["codegen", spec, "--emit", "checks", "-o", out_s], "");
    assert_eq!(c, 0);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("__check_inputs_outputs") && text.contains("AOTI_RUNTIME_CHECK_INPUTS"));
    let (c, stdout, _) = run(&["codegen", spec, "--emit", "checks", "--always-check"], "");
    assert_eq!(c, 0);
    assert!(!stdout.contains("AOTI_RUNTIME_CHECK_INPUTS"));
    let (c, stdout, _) = run(
        &["codegen", spec, "--flavor", "dlpack", "--emit", "checks"],
        "",
    );
    assert_eq!(c, 0);
    assert!(stdout.contains("extern \"C\" int symshape_check_inputs("));
    // Invalid signature: exit 1, message names the field, nothing written.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"mode": "aot", "inputs": [{"name": "x; rm", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": [1]}]}"#).unwrap();
    let out2 = dir.join("never.cpp");
    let (c, _, err) = run(
        &[
            "codegen",
            bad.to_str().unwrap(),
            "-o",
            out2.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(c, 1);
    assert!(err.contains("inputs[0].name"), "{err}");
    assert!(!out2.exists());
    let (c, _, _) = run(&["codegen", spec, "--flavor", "cuda"], "");
    assert_eq!(c, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
