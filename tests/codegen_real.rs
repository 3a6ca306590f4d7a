//! The real AOTInductor graph signatures of `../shared/corpus/real/wrappers` (sizes, strides,
//! ranges and `shape_env.guards` from each graph's meta), generated and compiled together:
//! every file in its own namespace, plus two files in one namespace told apart by `--prefix`,
//! in ONE translation unit, against the project's shim (C++17, ASan/UBSan) and the real torch
//! headers and libtorch (C++20, `SYMSHAPE_TORCH_DIR`). Run with the graph's own example values
//! (`var_to_val`) every file accepts and binds them; for each checked guard, an assignment inside
//! every range that breaks exactly that guard (found by search, evaluated with `sym`) is
//! rejected with a message naming it. Skipped with a note when the corpus is absent.

#[path = "support/bench_checks.rs"]
mod bench_checks;
mod common;
#[path = "support/real_corpus.rs"]
mod real_corpus;
use common::Rng;
use real_corpus::{Real, Tensor, concrete, corpus_dir, eval, generate, load};
use std::path::{Path, PathBuf};
use std::process::Command;
use sym::{Context, Value};

/// One case: signature index, tensors (dtype, sizes, strides), expected outcome.
struct Case {
    sig: usize,
    tensors: Vec<Tensor>,
    /// Ok(symbol values) or Err(substring of the message).
    expect: Result<Vec<(String, i64)>, String>,
}

/// Which of `r.guards` hold at `vals`.
fn guard_truths(r: &Real, vals: &[i64]) -> Vec<bool> {
    let mut cx = Context::new();
    let env = real_corpus::env(r, vals);
    r.guards
        .iter()
        .map(|g| matches!(eval(&mut cx, &env, g), Some(Value::Bool(true))))
        .collect()
}

fn build_cases(reals: &[Real]) -> (Vec<Case>, usize) {
    let mut cases = Vec::new();
    let mut rng = Rng(0x6EA1_0000_0001);
    let mut broken = 0;
    for (j, r) in reals.iter().enumerate() {
        let names: Vec<(String, i64)> = r
            .syms
            .iter()
            .zip(&r.vals)
            .map(|((n, _, _), v)| (n.clone(), *v))
            .collect();
        assert!(
            guard_truths(r, &r.vals).iter().all(|&b| b),
            "{}: var_to_val breaks a guard",
            r.name
        );
        cases.push(Case {
            sig: j,
            tensors: concrete(r, &r.vals).unwrap(),
            expect: Ok(names),
        });
        // Per guard: values inside every range that break exactly that guard.
        for (k, g) in r.guards.iter().enumerate() {
            let checked = r.checked.contains(g);
            let mut found = false;
            for _ in 0..20000 {
                let vals: Vec<i64> = r
                    .syms
                    .iter()
                    .zip(&r.vals)
                    .map(|((_, lo, hi), v)| {
                        let top = |w: i64| hi.unwrap_or(i64::MAX).min(lo.saturating_add(w));
                        match rng.range(0, 4) {
                            0 | 1 => *v,
                            2 => rng.range(*lo, top(48)),
                            3 => rng.range(*lo, top(4096)),
                            _ => rng.range(*lo, top(1 << 20)),
                        }
                    })
                    .collect();
                let t = guard_truths(r, &vals);
                if t[k] || t.iter().filter(|b| !**b).count() != 1 {
                    continue;
                }
                let Some(tensors) = concrete(r, &vals) else {
                    continue;
                };
                if tensors.iter().any(|(_, s, _)| s.iter().any(|x| *x < 0)) {
                    continue;
                }
                broken += 1;
                found = true;
                cases.push(Case {
                    sig: j,
                    tensors,
                    expect: Err(format!("guard {g} is false")),
                });
                break;
            }
            // A guard the generator dropped as implied cannot be broken inside the ranges
            // (the search checks the proof); a checked one should be breakable.
            assert!(
                checked || !found,
                "{}: guard {g} was dropped as implied but is broken inside the ranges",
                r.name
            );
            if checked && !found {
                eprintln!("{}: no assignment breaking only {g} found", r.name);
            }
        }
    }
    (cases, broken)
}

fn case_table(cases: &[Case]) -> String {
    let mut v: Vec<String> = Vec::new();
    for c in cases {
        v.push(c.sig.to_string());
        v.push(c.tensors.len().to_string());
        for (code, s, st) in &c.tensors {
            v.push(code.to_string());
            v.push(s.len().to_string());
            v.extend(s.iter().map(|x| format!("{x}LL")));
            v.extend(st.iter().map(|x| format!("{x}LL")));
        }
    }
    format!(
        "static const int64_t cases[] = {{{}}};\nstatic const int ncases = {};\n",
        v.join(","),
        cases.len()
    )
}

/// The translation unit: every file in namespace `g{j}`, and the first two files again in
/// namespace `both` with prefixes `pa` and `pb`.
fn driver(reals: &[Real], cases: &[Case], torch: bool) -> String {
    let mut d = String::new();
    d.push_str("#include <torch/csrc/inductor/aoti_runtime/utils.h>\n");
    if torch {
        d.push_str("#include <torch/csrc/inductor/aoti_torch/tensor_converter.h>\n#include <torch/csrc/inductor/aoti_torch/utils.h>\n#include <ATen/ATen.h>\n");
    }
    d.push_str("#include <cstdint>\n#include <cstdlib>\n#include <initializer_list>\n#include <stdexcept>\n#include <string>\n#include <cstdio>\n#include <vector>\n");
    if torch {
        d.push_str("namespace torch::aot_inductor {\n");
    }
    let mut fns = Vec::new();
    let mut counts = Vec::new();
    for j in 0..reals.len() {
        d.push_str(&format!("namespace g{j} {{\n#include \"g{j}.cpp\"\n}}\n"));
        fns.push(format!("g{j}::symshape_check_and_bind"));
        counts.push(format!("g{j}::symshape_num_slots"));
    }
    d.push_str("namespace both {\n#include \"pa.cpp\"\n#include \"pb.cpp\"\n}\n");
    if torch {
        d.push_str("}\nusing namespace torch::aot_inductor;\n");
    }
    d.push_str(&format!(
        "static void (*const fns[])(AtenTensorHandle*, int64_t*, double*) = {{{}}};\nstatic const int counts[] = {{{}}};\n",
        fns.join(", "),
        counts.join(", ")
    ));
    d.push_str(&case_table(cases));
    let make = if torch {
        "static double blob[64];\nstatic AtenTensorHandle make(int32_t dt, std::vector<int64_t> s, std::vector<int64_t> st, std::vector<SymshapeKeep>&) {\n  auto t = at::from_blob(blob, s, st, at::TensorOptions().dtype(static_cast<c10::ScalarType>(dt)));\n  return torch::aot_inductor::new_tensor_handle(std::move(t));\n}\nstatic void drop(AtenTensorHandle h) { aoti_torch_delete_tensor_object(h); }\n"
    } else {
        "static AtenTensorHandle make(int32_t dt, std::vector<int64_t> s, std::vector<int64_t> st, std::vector<SymshapeKeep>& keep) {\n  keep.emplace_back(new SymshapeFakeTensor());\n  SymshapeFakeTensor& t = *keep.back();\n  t.dtype = dt; t.device_type = 0; t.sizes = s; t.strides = st;\n  return &t;\n}\nstatic void drop(AtenTensorHandle) {}\n"
    };
    d.push_str(if torch {
        "struct SymshapeKeep {};\n"
    } else {
        "#include <memory>\nusing SymshapeKeep = std::unique_ptr<SymshapeFakeTensor>;\n"
    });
    d.push_str(make);
    d.push_str(
        r#"int main() {
  const int64_t* p = cases;
  for (int k = 0; k < ncases; ++k) {
    int sig = static_cast<int>(*p++);
    int n = static_cast<int>(*p++);
    std::vector<SymshapeKeep> keep;
    std::vector<AtenTensorHandle> hs;
    for (int i = 0; i < n; ++i) {
      int32_t dt = static_cast<int32_t>(*p++);
      int64_t r = *p++;
      std::vector<int64_t> s(p, p + r); p += r;
      std::vector<int64_t> st(p, p + r); p += r;
      hs.push_back(make(dt, s, st, keep));
    }
    std::vector<int64_t> syms(static_cast<size_t>(counts[sig]), 0);
    std::vector<double> fs(static_cast<size_t>(counts[sig]), 0.0);
    try {
      fns[sig](hs.data(), syms.data(), fs.data());
      std::printf("R %d ok", k);
      for (int q = 0; q < counts[sig]; ++q) std::printf(" %lld", static_cast<long long>(syms[q]));
      std::printf("\n");
    } catch (const std::runtime_error& e) {
      std::printf("R %d err %s", k, e.what());
    }
    if (k == 0) {
      // The two files sharing namespace `both` (prefixes pa and pb) on the first graph's input.
      try { both::pa_check_and_bind(hs.data(), syms.data(), fs.data()); std::printf("PA ok\n"); } catch (const std::runtime_error& e) { std::printf("PA err %s", e.what()); }
    }
    for (auto h : hs) drop(h);
  }
  return 0;
}
"#,
    );
    d
}

fn gxx(args: &[&str], cwd: &Path) {
    let out = Command::new("g++")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("g++");
    assert!(
        out.status.success(),
        "g++ {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(6000)
            .collect::<String>()
    );
}

fn check_run(exe: &Path, reals: &[Real], cases: &[Case]) -> (usize, usize) {
    let out = Command::new(exe).output().unwrap();
    assert!(
        out.status.success(),
        "driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("PA ok\n"), "{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("R ")).collect();
    assert_eq!(lines.len(), cases.len(), "{text}");
    let (mut ok, mut rej) = (0, 0);
    for (k, (c, l)) in cases.iter().zip(&lines).enumerate() {
        let rest = l.strip_prefix(&format!("R {k} ")).unwrap();
        let r = &reals[c.sig];
        match &c.expect {
            Ok(vals) => {
                let want: Vec<String> = vals.iter().map(|(_, v)| v.to_string()).collect();
                assert_eq!(
                    rest,
                    format!("ok {}", want.join(" ")).trim_end(),
                    "{}: case {k}",
                    r.name
                );
                ok += 1;
            }
            Err(sub) => {
                assert!(
                    rest.starts_with("err") && rest.contains(sub.as_str()),
                    "{}: case {k} should fail with '{sub}': {rest}\n{}",
                    r.name,
                    r.json
                );
                rej += 1;
            }
        }
    }
    (ok, rej)
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("symshape-real-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn setup(dir: &Path) -> Option<(Vec<Real>, Vec<Case>)> {
    let root = corpus_dir()?;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("__aoti"))
        .collect();
    dirs.sort();
    let reals: Vec<Real> = dirs.iter().map(|d| load(d)).collect();
    for (j, r) in reals.iter().enumerate() {
        std::fs::write(
            dir.join(format!("g{j}.cpp")),
            generate(&r.json, "symshape").unwrap(),
        )
        .unwrap();
    }
    std::fs::write(dir.join("pa.cpp"), generate(&reals[0].json, "pa").unwrap()).unwrap();
    std::fs::write(dir.join("pb.cpp"), generate(&reals[1].json, "pb").unwrap()).unwrap();
    let (cases, broken) = build_cases(&reals);
    let nguards: usize = reals.iter().map(|r| r.guards.len()).sum();
    let nchecked: usize = reals.iter().map(|r| r.checked.len()).sum();
    eprintln!(
        "{} graphs, {nguards} guards over their inputs' symbols, {nchecked} checked (the rest implied by the ranges), {broken} broken one at a time; refused: {:?}",
        reals.len(),
        reals
            .iter()
            .flat_map(|r| r.refused.iter().map(|(_, e)| e.clone()))
            .collect::<Vec<_>>()
    );
    Some((reals, cases))
}

/// All real graphs in one translation unit against the project's shim, C++17, ASan/UBSan.
#[test]
fn real_graphs_share_one_translation_unit_shim() {
    let dir = tmpdir("shim");
    let Some((reals, cases)) = setup(&dir) else {
        return;
    };
    assert!(reals.len() >= 20);
    let nchecked: usize = reals.iter().map(|r| r.checked.len()).sum();
    assert!(
        cases.iter().filter(|c| c.expect.is_err()).count() * 2 >= nchecked,
        "too few guard-breaking cases"
    );
    std::fs::write(dir.join("driver.cpp"), driver(&reals, &cases, false)).unwrap();
    let inc = format!(
        "-I{}",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/support/aoti_shim")
            .display()
    );
    gxx(
        &[
            "-std=c++17",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-O0",
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            inc.as_str(),
            "-I.",
            "driver.cpp",
            "-o",
            "driver",
        ],
        &dir,
    );
    let (ok, rej) = check_run(&dir.join("driver"), &reals, &cases);
    eprintln!("shim: {ok} accepted, {rej} rejected (each breaking exactly one guard)");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same translation unit against the real torch headers and libtorch (C++20, inside
/// `namespace torch::aot_inductor`).
#[test]
fn real_graphs_share_one_translation_unit_torch() {
    let Ok(torch) = std::env::var("SYMSHAPE_TORCH_DIR") else {
        eprintln!("skipped: SYMSHAPE_TORCH_DIR is not set");
        return;
    };
    let torch = PathBuf::from(torch);
    let dir = tmpdir("torch");
    let Some((reals, cases)) = setup(&dir) else {
        return;
    };
    std::fs::write(dir.join("driver.cpp"), driver(&reals, &cases, true)).unwrap();
    let inc = format!("-isystem{}", torch.join("include").display());
    let inc2 = format!(
        "-isystem{}",
        torch.join("include/torch/csrc/api/include").display()
    );
    let lib = format!("-L{}", torch.join("lib").display());
    let rpath = format!("-Wl,-rpath,{}", torch.join("lib").display());
    gxx(
        &[
            "-std=c++20",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-O0",
            inc.as_str(),
            inc2.as_str(),
            "-I.",
            "driver.cpp",
            "-o",
            "driver",
            lib.as_str(),
            rpath.as_str(),
            "-ltorch_cpu",
            "-lc10",
        ],
        &dir,
    );
    let (ok, rej) = check_run(&dir.join("driver"), &reals, &cases);
    eprintln!("real libtorch: {ok} accepted, {rej} rejected");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Guards over float functions are refused by name; guards implied by the ranges are dropped
/// with a comment saying why; a guard the ranges do not imply is checked.
#[test]
fn guards_refused_dropped_or_checked() {
    let sig = |g: &str| {
        format!(
            r#"{{"mode": "aot", "symbols": {{"s0": {{"range": [2, 100]}}, "s1": {{"range": [2, null]}}}}, "inputs": [{{"name": "x", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": ["s0", "s1"]}}], "guards": ["{g}"]}}"#
        )
    };
    let e = generate(&sig("Max(1, TruncToInt(1.5*ToFloat(s0))) < 7"), "symshape").unwrap_err();
    assert!(e.to_string().contains("guards[0]"), "{e}");
    assert!(
        e.to_string()
            .contains("uses float functions (TruncToInt, ToFloat)"),
        "{e}"
    );
    let implied = generate(&sig("s0 <= 100"), "symshape").unwrap();
    assert!(
        implied.contains("// guards[0] 's0 <= 100' is implied by the declared ranges (proved)"),
        "{implied}"
    );
    assert!(!implied.contains("symshape_check_guards"), "{implied}");
    // Implied where defined, and defined everywhere (s0 >= 2 divides): dropped.
    let implied = generate(&sig("Mod(s1, s0) < s0"), "symshape").unwrap();
    assert!(
        implied.contains("is implied by the declared ranges"),
        "{implied}"
    );
    // True wherever it is defined, but undefined at s0 = 2: checked, so that an input
    // making it undefined does not pass unchecked.
    let kept = generate(&sig("Mod(s1, s0 - 2) < s0 - 2"), "symshape").unwrap();
    assert!(kept.contains("symshape_check_guards(syms)"), "{kept}");
    let checked = generate(&sig("4*s0*s1 <= 4096"), "symshape").unwrap();
    assert!(checked.contains("symshape_check_guards(syms)"), "{checked}");
    assert!(
        checked.contains("\"4*s0*s1 <= 4096\""),
        "the message names the guard: {checked}"
    );
    let e = generate(&sig("Eq(s0, s9)"), "symshape").unwrap_err();
    assert!(e.to_string().contains("guards[0]: symbol 's9'"), "{e}");
    let e = generate(&sig("s0 + 1"), "symshape").unwrap_err();
    assert!(e.to_string().contains("not a predicate"), "{e}");
    // A prefix that a signature name starts with is refused.
    let e = generate(&sig("s0 < 50"), "x").unwrap_err();
    assert!(e.to_string().contains("--prefix 'x'"), "{e}");
}

/// The runtime benchmark (scripts/bench_checks.sh) built and run on two graphs, briefly: one
/// binary with PyTorch's generated checks and symshape's, against the real torch headers and
/// libtorch at -O2. Both accept the conforming inputs; symshape rejects every mutation PyTorch
/// rejects, and more. (Timings are printed, not asserted: the machine is shared.)
#[test]
fn runtime_benchmark_builds_and_runs_on_two_graphs() {
    let Ok(torch) = std::env::var("SYMSHAPE_TORCH_DIR") else {
        eprintln!("skipped: SYMSHAPE_TORCH_DIR is not set");
        return;
    };
    if corpus_dir().is_none() {
        return;
    }
    let work = tmpdir("bench");
    let o = bench_checks::Opts {
        torch: PathBuf::from(torch),
        graphs: vec!["gqa_attention".into(), "kv_cache_rope_decode".into()],
        iters: 2000,
        runs: 3,
        procs: 1,
        opt: "-O2".into(),
        work: work.clone(),
    };
    let r = bench_checks::run(&o).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{}", r.table);
    assert_eq!(r.rows.len(), 2);
    for row in &r.rows {
        assert!(row.pt.is_finite() && row.ss.is_finite() && row.pt > 0.0 && row.ss > 0.0);
        assert!(row.mutations > 0, "{}", row.name);
        assert_eq!(
            row.pt_only, 0,
            "{}: a mutation PyTorch rejects passed",
            row.name
        );
        assert!(row.ss_rejected > row.pt_rejected, "{}", row.name);
    }
    assert!(r.table.contains("total (2 graphs)"), "{}", r.table);
    let _ = std::fs::remove_dir_all(&work);
}
