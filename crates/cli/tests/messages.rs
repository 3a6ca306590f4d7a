//! The `symshape` binary's messages and exit statuses (docs/cli.md "Errors and exit status"),
//! and the examples of its `--help` texts, run as written.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_symshape"))
}

/// The repository root (the help examples name files relative to it).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the binary with `args` and `stdin` in `dir`: (status, stdout, stderr).
fn run_in(dir: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = bin()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(&root(), args, "")
}

/// Splits a shell command line of the help examples: words separated by spaces, single quotes
/// keep a word together (nothing else is special in them).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur: Option<String> = None;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                cur.get_or_insert_with(String::new);
            }
            ' ' if !quoted => words.extend(cur.take()),
            c => cur.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(!quoted, "unbalanced quote in {line}");
    words.extend(cur);
    words
}

/// The examples of a help text: each `  $ ...` line with the output lines under it.
fn examples(help: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_examples = false;
    for line in help.lines() {
        if line.starts_with("Examples") {
            in_examples = true;
        } else if !in_examples {
        } else if let Some(cmd) = line.strip_prefix("  $ ") {
            out.push((cmd.to_string(), Vec::new()));
        } else if let (Some(l), Some(last)) = (line.strip_prefix("  "), out.last_mut()) {
            last.1.push(l.to_string());
        } else {
            in_examples = false;
        }
    }
    out
}

#[test]
fn every_help_example_runs_and_prints_what_it_shows() {
    let tmp = std::env::temp_dir().join(format!("symshape-help-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut codegen_options = String::new();
    for sub in [
        "simplify", "bound", "solve", "prove", "eval", "codegen", "batch",
    ] {
        let (c, help, _) = run(&[sub, "--help"]);
        assert_eq!(c, 0);
        let ex = examples(&help);
        assert!(
            ex.len() >= 2,
            "{sub} --help has fewer than two examples:\n{help}"
        );
        for (cmd, expected) in ex {
            // `echo 'JSON' | symshape ...`: the quoted text is the input.
            let (stdin, cmd) = match cmd.split_once(" | ") {
                Some((echo, rest)) => {
                    let w = shell_words(echo);
                    assert_eq!(w[0], "echo", "{cmd}");
                    (format!("{}\n", w[1]), rest.to_string())
                }
                None => (String::new(), cmd.clone()),
            };
            let mut words = shell_words(&cmd);
            assert_eq!(words[0], "symshape", "{cmd}");
            assert_eq!(
                words[1], sub,
                "{sub} --help shows an example of another subcommand"
            );
            if sub == "codegen" {
                codegen_options.push_str(&cmd);
                // Output files go to a scratch directory, not the repository.
                if let Some(i) = words.iter().position(|w| w == "-o") {
                    words[i + 1] = tmp.join(&words[i + 1]).to_string_lossy().into_owned();
                }
            }
            let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
            let (c, out, err) = run_in(&root(), &args, &stdin);
            assert_eq!(c, 0, "`{cmd}` failed: {err}");
            assert!(err.is_empty(), "`{cmd}` warned: {err}");
            if !expected.is_empty() {
                let got: Vec<&str> = out.lines().collect();
                assert_eq!(
                    got, expected,
                    "`{cmd}` prints something else than its help shows"
                );
            }
            if let Some(i) = words.iter().position(|w| w == "-o") {
                let written = std::fs::read_to_string(&words[i + 1]).unwrap();
                assert!(written.contains("symshape"), "{cmd}");
            }
        }
    }
    // Every codegen option has an example.
    for opt in ["--flavor", "--emit", "--always-check", "-o "] {
        assert!(
            codegen_options.contains(opt),
            "no codegen example uses {opt}"
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn every_option_has_a_description() {
    for sub in [
        "simplify", "bound", "solve", "prove", "eval", "codegen", "batch",
    ] {
        let (_, help, _) = run(&[sub, "-h"]);
        // An option line with nothing after its value name has no description.
        for line in help.lines().filter(|l| l.trim_start().starts_with('-')) {
            let t = line.trim();
            let described = t.contains("  ") || !t.contains('<');
            assert!(described, "{sub}: undocumented option line `{t}`\n{help}");
        }
        assert!(
            !help.contains("../shared"),
            "{sub} --help points outside the repository"
        );
    }
    let (_, help, _) = run(&["--help"]);
    assert!(help.contains("Exit status: 0"), "{help}");
    assert!(help.contains("docs/cli.md"), "{help}");
}

#[test]
fn stray_arguments_suggest_quoting_the_expression() {
    let (c, _, err) = run(&["simplify", "x0", "+", "1"]);
    assert_eq!(c, 2);
    assert!(err.contains("unexpected argument '+'"), "{err}");
    assert!(err.contains("symshape simplify 'x0 + 1'"), "{err}");
    let (c, _, err) = run(&["solve", "Eq(2*n,", "m)", "--for", "n"]);
    assert_eq!(c, 2);
    assert!(err.contains("symshape solve 'Eq(2*n, m)'"), "{err}");
    // A misspelt option gets clap's own tip, not the quoting hint.
    let (c, _, err) = run(&["simplify", "x", "--rnge", "x=0..3"]);
    assert_eq!(c, 2);
    assert!(!err.contains("quote"), "{err}");
    assert!(err.contains("--range"), "{err}");
}

#[test]
fn errors_name_the_argument_their_column_counts_in() {
    let (c, _, err) = run(&["bound", "x", "--assume", "x >= 0", "--assume", "x >"]);
    assert_eq!(c, 1);
    assert!(
        err.starts_with("error: --assume 'x >': parse error at column 4"),
        "{err}"
    );
    // The caret sits under the column, in the argument's own text.
    assert!(err.contains("\n  x >\n     ^"), "{err}");
    let (c, _, err) = run(&["bound", "x", "--range", "x=0..1+"]);
    assert_eq!(c, 1);
    assert!(
        err.starts_with("error: --range 'x=0..1+' (upper end '1+'): parse error at column 3"),
        "{err}"
    );
    let (c, _, err) = run(&["solve", "Eq(x, 2)", "--for", "x +"]);
    assert_eq!(c, 1);
    assert!(
        err.starts_with("error: --for 'x +': parse error at column 4"),
        "{err}"
    );
    // The expression itself: no argument name, the caret under the expression.
    let (c, _, err) = run(&["simplify", "FloorDiv(x,"]);
    assert_eq!(c, 1);
    assert!(err.starts_with("error: parse error at column 12"), "{err}");
    assert!(err.contains("  FloorDiv(x,\n             ^"), "{err}");
    // batch names the field the same way.
    let line = r#"{"op":"bound","expr":"x","assume":["x >= 0","x >"],"ranges":{"y":[0,"1+"]}}"#;
    let (c, out, _) = run_in(&root(), &["batch"], line);
    assert_eq!(c, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let m = v["error"]["message"].as_str().unwrap();
    assert!(m.starts_with("ranges.y[1]: parse error at column 3"), "{m}");
}

#[test]
fn ranges_with_three_dots_or_fractions_are_explained() {
    let (c, _, err) = run(&["bound", "x", "--range", "x=0...5"]);
    assert_eq!(c, 2);
    assert!(err.contains("two dots"), "{err}");
    assert!(err.contains("'x=0..5'"), "{err}");
    assert!(!err.contains("0.5"), "{err}");
    let (c, _, err) = run(&["bound", "x", "--range", "x=0..2.5"]);
    assert_eq!(c, 1);
    assert!(err.contains("the upper end 2.5 is not an integer"), "{err}");
    assert!(err.contains("--float x"), "{err}");
    // A float symbol takes it.
    let (c, out, _) = run(&["bound", "x", "--float", "x", "--range", "x=0..2.5"]);
    assert_eq!((c, out.trim()), (0, "[0.0, 2.5]"));
}

/// An infinity on the wrong side of a range leaves no value in it: an error naming the end,
/// as any empty range is, where it was read as unbounded (`oo..5` as `(-oo, 5]`; found by a
/// differential review). The other side's infinity and an empty end stay unbounded.
#[test]
fn an_infinity_on_the_wrong_side_of_a_range_is_an_error() {
    for (range, side) in [
        ("x=oo..5", "lower"),
        ("x=int_oo..5", "lower"),
        ("x=0..-oo", "upper"),
        ("x=oo..-oo", "lower"),
    ] {
        let (c, _, err) = run(&["bound", "x", "--range", range]);
        assert_eq!(c, 1, "{range}: {err}");
        assert!(
            err.contains(&format!("the {side} end of a range")),
            "{range}: {err}"
        );
    }
    let (c, out, _) = run(&["bound", "x", "--range", "x=-oo..oo"]);
    assert_eq!((c, out.trim()), (0, "[-oo, oo]"));
    let (c, out, _) = run(&["bound", "x", "--range", "x=..5"]);
    assert_eq!((c, out.trim()), (0, "[-oo, 5]"));
    // In a request: the end's place is named.
    let (c, out, _) = run_in(
        &root(),
        &["batch"],
        "{\"op\":\"bound\",\"expr\":\"x\",\"ranges\":{\"x\":[\"oo\",5]}}\n",
    );
    assert_eq!(c, 0, "{out}");
    assert!(out.contains("\"kind\":\"range\""), "{out}");
    assert!(out.contains("ranges.x[0]"), "{out}");
}

#[test]
fn unknown_names_get_a_did_you_mean() {
    let (c, _, err) = run(&["simplify", "FlorDiv(x, 2)"]);
    assert_eq!(c, 1);
    assert!(err.contains("did you mean 'FloorDiv'?"), "{err}");
    // The kind is said once.
    assert_eq!(err.matches("unsupported").count(), 1, "{err}");
    let (c, _, err) = run(&["simplify", "x + max(x, 2)"]);
    assert_eq!(c, 1);
    assert!(
        err.contains("unknown function 'max'; did you mean 'Max'?"),
        "{err}"
    );
    let (c, _, err) = run(&["simplify", "Piecewise(x, 2)"]);
    assert_eq!(c, 1);
    assert!(!err.contains("did you mean"), "{err}");
    // A solve target that does not occur, close to one that does: unsolved (the contract's
    // answer, PyTorch's None), naming the close one.
    let (c, out, _) = run(&["solve", "Eq(2*n + 1, size)", "--for", "nn"]);
    assert_eq!(c, 0);
    assert!(
        out.starts_with("unsolved: nn does not occur in the relation; did you mean 'n'?"),
        "{out}"
    );
    // A relation without symbols has no name to mistype: unsolved (PyTorch's `try_solve` gives
    // None for sympy's folded `Eq(2*w, 5)`, which is `False`), in a batch as in one call.
    let (c, out, _) = run(&["solve", "False", "--for", "w"]);
    assert_eq!(c, 0);
    assert!(out.starts_with("unsolved: w does not occur"), "{out}");
    let (c, out, _) = run_in(
        &std::env::temp_dir(),
        &["batch"],
        "{\"op\":\"solve\",\"expr\":\"True\",\"symbol\":\"_w\"}\n",
    );
    assert_eq!(c, 0);
    assert!(out.contains("\"solved\":false"), "{out}");
    // A range for a name the expression does not have: answered, with a warning.
    let (c, out, err) = run(&["simplify", "Mod(x0, 64)", "--range", "xo=0..63"]);
    assert_eq!((c, out.trim()), (0, "Mod(x0, 64)"));
    assert!(
        err.contains("warning: --range 'xo=0..63': 'xo' does not occur"),
        "{err}"
    );
    assert!(err.contains("did you mean 'x0'?"), "{err}");
    let (c, out, err) = run(&["simplify", "Mod(x0, 64)", "--range", "x0=0..63"]);
    assert_eq!((c, out.trim(), err.as_str()), (0, "x0", ""));
    let (c, _, err) = run(&["eval", "x0 + 1", "--set", "x=1"]);
    assert_eq!(c, 1);
    assert!(err.contains("--set 'x=1': 'x' does not occur"), "{err}");
    assert!(err.contains("did you mean 'x0'?"), "{err}");
    assert!(err.contains("no value for symbol 'x0'"), "{err}");
    // A symbol used only in another range's end is used.
    let (c, _, err) = run(&[
        "bound",
        "q0",
        "--range",
        "s77=1..8",
        "--range",
        "q0=0..s77 - 1",
    ]);
    assert_eq!((c, err.as_str()), (0, ""));
}

#[test]
fn true_division_and_lowercase_true_are_visible() {
    // '/' is true division: the answer is a float expression.
    let (c, out, _) = run(&["simplify", "x / 2"]);
    assert_eq!((c, out.trim()), (0, "IntTrueDiv(x, 2)"));
    let (c, out, _) = run(&["eval", "7 / 2"]);
    assert_eq!((c, out.trim()), (0, "3.5"));
    let (c, out, _) = run(&["eval", "7 // 2"]);
    assert_eq!((c, out.trim()), (0, "3"));
    // `true` is a symbol; prove says so.
    let (c, _, err) = run(&["prove", "true"]);
    assert_eq!(c, 1);
    assert!(err.contains("'true' is a symbol"), "{err}");
    assert!(err.contains("True and False"), "{err}");
    let (c, out, _) = run(&["prove", "True"]);
    assert_eq!((c, out.trim()), (0, "true"));
}

/// One exit-status rule everywhere: 0 an answer, 1 invalid input, 2 usage.
#[test]
fn exit_status_rule() {
    let sig = "examples/signature.json";
    let cases: &[(&[&str], i32)] = &[
        // Answers, including the ones that say "don't know".
        (&["prove", "x < 5"], 0),
        (&["prove", "x < 5", "--range", "x=0..3"], 0),
        (&["solve", "Eq(x*x, 4)", "--for", "x"], 0),
        (&["bound", "x"], 0),
        (&["eval", "x", "--set", "x=-3"], 0),
        (&["codegen", sig, "--emit", "checks"], 0),
        (&["--help"], 0),
        (&["simplify", "--help"], 0),
        (&["--version"], 0),
        // Invalid input: an expression, a value, a range, the facts, a file.
        (&["simplify", "x +"], 1),
        (&["simplify", "Foo(x)"], 1),
        (&["prove", "x"], 1),
        (&["eval", "FloorDiv(x, 0)", "--set", "x=1"], 1),
        (&["eval", "x", "--set", "x=abc"], 1),
        (&["eval", "x", "--set", "x=1.5"], 1),
        (&["eval", "x"], 1),
        (&["bound", "x", "--range", "x=5..1"], 1),
        (
            &["bound", "x", "--range", "x=0..10", "--assume", "x >= 20"],
            1,
        ),
        (&["bound", "x", "--range", "x=0..1.5"], 1),
        // A target that does not occur: unsolved, an answer.
        (&["solve", "Eq(x, 2)", "--for", "y"], 0),
        (
            &["simplify", "x + x", "--format", "json", "--assume", "x >"],
            1,
        ),
        (&["codegen", "no/such/file.json"], 1),
        (&["batch", "no/such/file.jsonl"], 1),
        // Usage: the command line does not have the documented shape.
        (&["nonsense"], 2),
        (&[], 2),
        (&["simplify"], 2),
        (&["simplify", "x", "y"], 2),
        (&["simplify", "x", "--bogus"], 2),
        (&["solve", "Eq(x, 2)"], 2),
        (&["bound", "x", "--range", "x"], 2),
        (&["bound", "x", "--range", "x=0...5"], 2),
        (&["bound", "x", "--range", "x=0..3", "--range", "x=1..2"], 2),
        (&["eval", "x", "--set", "x"], 2),
        (&["eval", "x", "--set", "x=1", "--set", "x=2"], 2),
        (&["simplify", "x", "--format", "yaml"], 2),
        (&["codegen", sig, "--flavor", "cuda"], 2),
        (&["codegen", sig, "--emit", "kernels"], 2),
        (
            &["codegen", sig, "--flavor", "dlpack", "--emit", "prologue"],
            2,
        ),
        (&["batch", "--jobs", "0"], 2),
    ];
    for (args, want) in cases {
        let (c, out, err) = run(args);
        assert_eq!(c, *want, "symshape {args:?}: {err}");
        if *want != 0 {
            // `--format json` prints the error response on stdout, like batch.
            let said = if args.contains(&"json") { &out } else { &err };
            assert!(
                said.contains("error"),
                "symshape {args:?} said no error: {err}"
            );
        }
    }
}

#[test]
fn repeated_names_are_refused_not_replaced() {
    let (c, out, err) = run(&["bound", "x", "--range", "x=0..3", "--range", "x=5..9"]);
    assert_eq!((c, out.as_str()), (2, ""));
    assert!(err.contains("a second range for 'x'"), "{err}");
    let (c, out, err) = run(&["eval", "x", "--set", "x=1", "--set", "x=2"]);
    assert_eq!((c, out.as_str()), (2, ""));
    assert!(err.contains("a second value for 'x'"), "{err}");
    // Different names are fine.
    let (c, out, _) = run(&["eval", "x - y", "--set", "x=1", "--set", "y=2"]);
    assert_eq!((c, out.trim()), (0, "-1"));
}

#[test]
fn invalid_codegen_writes_nothing_and_names_the_field() {
    let tmp = std::env::temp_dir().join(format!("symshape-cg-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let spec = tmp.join("bad.json");
    std::fs::write(
        &spec,
        r#"{"mode":"aot","inputs":[],"outputs":[],"bogus":1}"#,
    )
    .unwrap();
    let out = tmp.join("out.cpp");
    let (c, _, err) = run(&[
        "codegen",
        spec.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(c, 1);
    assert!(err.contains("bogus"), "{err}");
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn closed_stdout_ends_quietly_for_help_and_answers() {
    for args in [
        vec!["--help"],
        vec!["codegen", "--help"],
        vec!["eval", "x", "--set", "x=1"],
        vec!["bound", "x", "--range", "x=0..3"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = bin()
            .args(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}
