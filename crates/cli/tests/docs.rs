//! The user documentation, tested: every `$ symshape ...` example in README.md and docs/cli.md
//! runs and prints what the text shows, the README lists every document, and no document,
//! help text or code comment points outside the repository for the contract.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Shell words with single quotes; a word starting with `#` outside quotes starts a comment.
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
            '#' if !quoted && cur.is_none() => break,
            c => cur.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(!quoted, "unbalanced quote in {line}");
    words.extend(cur);
    words
}

/// `$ symshape ...` lines inside fenced blocks, with the lines printed under them.
fn examples(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_block = false;
    let mut in_example = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            in_example = false;
        } else if !in_block {
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            out.push((cmd.to_string(), Vec::new()));
            in_example = true;
        } else if in_example && let Some(last) = out.last_mut() {
            last.1.push(line.to_string());
        }
    }
    out
}

/// Runs one example in `dir` (the repository root): (status, stdout, stderr).
fn run_example(cmd: &str, dir: &Path, scratch: &Path) -> (i32, String, String) {
    let (stdin, cmd) = match cmd.split_once(" | ") {
        Some((echo, rest)) => {
            let w = shell_words(echo);
            assert_eq!(w[0], "echo", "{cmd}");
            (format!("{}\n", w[1]), rest)
        }
        None => (String::new(), cmd),
    };
    let mut words = shell_words(cmd);
    assert_eq!(words[0], "symshape", "{cmd}");
    if let Some(i) = words.iter().position(|w| w == "-o") {
        words[i + 1] = scratch.join(&words[i + 1]).to_string_lossy().into_owned();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_symshape"))
        .args(&words[1..])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn documented_examples_print_what_the_documents_show() {
    let scratch = std::env::temp_dir().join(format!("symshape-docs-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut count = 0;
    for doc in ["README.md", "docs/cli.md"] {
        for (cmd, shown) in examples(&read(doc)) {
            let (c, out, err) = run_example(&cmd, &root(), &scratch);
            // An error example shows what goes to stderr.
            let printed = if c == 0 { &out } else { &err };
            let got: Vec<&str> = printed.lines().collect();
            assert_eq!(got, shown, "{doc}: `{cmd}` (status {c}, stderr {err})");
            if c == 0 {
                assert!(err.is_empty(), "{doc}: `{cmd}` warned: {err}");
            }
            count += 1;
        }
    }
    assert!(count >= 15, "only {count} examples found");
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn readme_lists_every_document_and_how_to_install() {
    let readme = read("README.md");
    assert!(readme.contains("cargo install --path crates/cli"));
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            assert!(
                readme.contains(&format!("`docs/{name}`")),
                "README.md does not list docs/{name}"
            );
        }
    }
}

/// The upstream contract's file names, which a clone of the repository does not have.
fn outside_references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for name in ["SEMANTICS.md", "CLI.md", "CODEGEN.md", "shared/spec"] {
            // `docs/cli.md` is ours; the upstream one is upper-case.
            if line.contains(name) {
                found.push(format!("line {}: {}", i + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn no_reference_points_outside_the_repository() {
    let mut files: Vec<PathBuf> = vec![root().join("README.md"), root().join("ARCHITECTURE.md")];
    let mut dirs = vec![root().join("docs"), root().join("crates")];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p
                .extension()
                .is_some_and(|e| e == "rs" || e == "md" || e == "hpp" || e == "pyi")
            {
                files.push(p);
            }
        }
    }
    let me = Path::new(file!()).file_name().unwrap();
    let mut bad = Vec::new();
    for f in files.iter().filter(|f| f.file_name() != Some(me)) {
        let text = std::fs::read_to_string(f).unwrap();
        for hit in outside_references(&text) {
            bad.push(format!("{}: {hit}", f.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "references outside the repository:\n{}",
        bad.join("\n")
    );
    // The check itself finds such a reference.
    assert_eq!(outside_references("see SEMANTICS.md §2").len(), 1);
    assert!(outside_references("see docs/cli.md").is_empty());
    let (_, help, _) = run_example("symshape --help", &root(), &root());
    assert!(outside_references(&help).is_empty(), "{help}");
}
