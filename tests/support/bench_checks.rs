//! The runtime benchmark of the generated checks against PyTorch's (docs/signature.md,
//! "Cost at run time"): for the AOTI graphs of `../shared/corpus/real/wrappers`, ONE binary
//! holds PyTorch's own generated `__check_inputs_outputs` (cut out of each graph's wrapper,
//! unchanged) and symshape's generated checks for the same graph (from its meta, as
//! `tests/codegen_real.rs` builds the signature), each in its own namespace, compiled with g++
//! against the real torch headers and libtorch. Both run on the same real tensors
//! (`at::empty_strided` at the graph's example sizes, `var_to_val`) with
//! `AOTI_RUNTIME_CHECK_INPUTS=1` (without it PyTorch's checks return at once; the driver refuses
//! to run without it). Before timing, each graph is checked: both accept the conforming inputs;
//! on a set of mutations (each size and each stride of each input one larger, the first input's
//! dtype changed) symshape rejects every one PyTorch rejects (the table counts both). Then,
//! `runs` times, every graph's two entry points are timed over `iters` calls each (alternating
//! which goes first); the table gives the median ns per call.
//!
//! Used by `examples/bench_checks.rs` (scripts/bench_checks.sh: every graph) and by a quick
//! test in `tests/codegen_real.rs` (two graphs).
#![allow(dead_code)]

use crate::real_corpus::{self, Real};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// What to run.
pub struct Opts {
    /// The torch package directory (`include/`, `lib/`): `SYMSHAPE_TORCH_DIR`.
    pub torch: PathBuf,
    /// Graph directory names containing one of these (all graphs when empty).
    pub graphs: Vec<String>,
    /// Calls per timing.
    pub iters: u64,
    /// Timings per graph in one process.
    pub runs: u32,
    /// Processes (each a fresh address space: the timing of a call varies by up to 2x between
    /// processes with the addresses of the tensors); the table gives the median over processes
    /// of each process's median.
    pub procs: u32,
    /// g++ optimisation flag.
    pub opt: String,
    /// Where the sources and the binary go.
    pub work: PathBuf,
}

/// One graph's result.
#[derive(Debug, Clone)]
pub struct Row {
    /// Graph directory name without `__aoti`.
    pub name: String,
    /// Tensor inputs.
    pub inputs: usize,
    /// Median ns per call of PyTorch's and symshape's checks.
    pub pt: f64,
    pub ss: f64,
    /// Mutations tried, rejected by PyTorch's and by symshape's checks.
    pub mutations: usize,
    pub pt_rejected: usize,
    pub ss_rejected: usize,
    /// Mutations PyTorch rejects and symshape accepts (must be 0).
    pub pt_only: usize,
}

/// The benchmark's result.
pub struct Report {
    pub rows: Vec<Row>,
    /// The table (what scripts/bench_checks.sh prints).
    pub table: String,
    /// Seconds spent generating and compiling.
    pub build_s: f64,
}

/// PyTorch's checks of one wrapper: from `check_input_0` through the end of
/// `__check_inputs_outputs` (the env gate included), unchanged.
pub fn pytorch_checks(wrapper: &str) -> Result<String, String> {
    let start = wrapper
        .find("AOTI_NOINLINE static void check_input_0(")
        .ok_or("no check_input_0 in the wrapper")?;
    let entry = wrapper[start..]
        .find("AOTI_NOINLINE static void __check_inputs_outputs(")
        .ok_or("no __check_inputs_outputs in the wrapper")?
        + start;
    let open = wrapper[entry..]
        .find('{')
        .ok_or("no body of __check_inputs_outputs")?
        + entry;
    // Brace matching, skipping string and character literals.
    let b = wrapper.as_bytes();
    let (mut depth, mut k) = (0usize, open);
    while k < b.len() {
        match b[k] {
            q @ (b'"' | b'\'') => {
                k += 1;
                while k < b.len() && b[k] != q {
                    if b[k] == b'\\' {
                        k += 1;
                    }
                    k += 1;
                }
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(wrapper[start..=k].to_string());
                }
            }
            _ => {}
        }
        k += 1;
    }
    Err("unbalanced braces in __check_inputs_outputs".into())
}

/// The graphs to run: `(directory name, Real)`, sorted by name.
fn graphs(o: &Opts) -> Result<Vec<Real>, String> {
    let root = real_corpus::corpus_dir().ok_or("the real corpus is absent")?;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map_err(|e| format!("{}: {e}", root.display()))?
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("__aoti"))
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            o.graphs.is_empty() || o.graphs.iter().any(|g| n.contains(g.as_str()))
        })
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(format!("no graph matches {:?}", o.graphs));
    }
    Ok(dirs.iter().map(|d| real_corpus::load(d)).collect())
}

fn wrapper_of(r: &Real) -> Result<String, String> {
    let p = std::fs::read_dir(&r.dir)
        .map_err(|e| e.to_string())?
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("_wrapper.cpp"))
        .ok_or_else(|| format!("{}: no wrapper", r.name))?;
    std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))
}

/// The driver: every graph's two check functions, the tensors, the sanity checks and the timing
/// loop. Output lines: `OK g`, `BAD g message`, `MUT g tried pt_rejected ss_rejected pt_only`,
/// `T run g pt_ns ss_ns`.
fn driver(reals: &[Real]) -> Result<String, String> {
    let mut d = String::new();
    d.push_str(
        "#include <torch/csrc/inductor/aoti_runtime/utils.h>
#include <torch/csrc/inductor/aoti_torch/tensor_converter.h>
#include <torch/csrc/inductor/aoti_torch/utils.h>
#include <ATen/ATen.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>
namespace torch::aot_inductor {
",
    );
    let mut pt = Vec::new();
    let mut ss = Vec::new();
    for j in 0..reals.len() {
        // PyTorch's text as it is in the wrapper; its entry point ignores `output_handles`.
        d.push_str(&format!(
            "#pragma GCC diagnostic push\n#pragma GCC diagnostic ignored \"-Wunused-parameter\"\nnamespace pt{j} {{\n#include \"pt{j}.inc\"\n}}\n#pragma GCC diagnostic pop\nnamespace ss{j} {{\n#include \"ss{j}.cpp\"\n}}\n"
        ));
        pt.push(format!("pt{j}::__check_inputs_outputs"));
        ss.push(format!("ss{j}::__check_inputs_outputs"));
    }
    d.push_str("}  // namespace torch::aot_inductor\nusing namespace torch::aot_inductor;\n");
    d.push_str("typedef void (*check_fn)(AtenTensorHandle*, AtenTensorHandle*);\n");
    d.push_str(&format!(
        "static const check_fn pt_fns[] = {{{}}};\nstatic const check_fn ss_fns[] = {{{}}};\nstatic const int NG = {};\n",
        pt.join(", "),
        ss.join(", "),
        reals.len()
    ));
    let mut v: Vec<String> = Vec::new();
    for r in reals {
        let ts = real_corpus::concrete(r, &r.vals)
            .ok_or_else(|| format!("{}: the example values do not evaluate", r.name))?;
        v.push(ts.len().to_string());
        for (code, s, st) in ts {
            v.push(code.to_string());
            v.push(s.len().to_string());
            v.extend(s.iter().map(|x| format!("{x}LL")));
            v.extend(st.iter().map(|x| format!("{x}LL")));
        }
    }
    d.push_str(&format!(
        "static const int64_t cases[] = {{{}}};\n",
        v.join(",")
    ));
    d.push_str(
        r#"struct In { int32_t dt; std::vector<int64_t> s, st; };
static AtenTensorHandle make(const In& x) {
  at::Tensor t = at::empty_strided(x.s, x.st, at::TensorOptions().dtype(static_cast<c10::ScalarType>(x.dt)));
  return torch::aot_inductor::new_tensor_handle(std::move(t));
}
static std::vector<AtenTensorHandle> make_all(const std::vector<In>& ins) {
  std::vector<AtenTensorHandle> hs;
  for (const In& x : ins) hs.push_back(make(x));
  return hs;
}
static void drop_all(std::vector<AtenTensorHandle>& hs) {
  for (AtenTensorHandle h : hs) aoti_torch_delete_tensor_object(h);
  hs.clear();
}
static bool accepts(check_fn f, std::vector<AtenTensorHandle>& hs, std::string& why) {
  try { f(hs.data(), nullptr); return true; } catch (const std::exception& e) { why = e.what(); return false; }
}
static double time_ns(check_fn f, AtenTensorHandle* hs, long iters) {
  auto t0 = std::chrono::steady_clock::now();
  for (long k = 0; k < iters; ++k) f(hs, nullptr);
  auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(iters);
}
int main(int argc, char** argv) {
  const char* env = std::getenv("AOTI_RUNTIME_CHECK_INPUTS");
  if (env == nullptr || env[0] == '0') {
    std::fprintf(stderr, "AOTI_RUNTIME_CHECK_INPUTS must be set (to 1): without it PyTorch's checks return at once\n");
    return 2;
  }
  if (argc != 3) { std::fprintf(stderr, "usage: bench ITERS RUNS\n"); return 2; }
  const long iters = std::atol(argv[1]);
  const int runs = std::atoi(argv[2]);
  std::vector<std::vector<In>> graphs(NG);
  const int64_t* p = cases;
  for (int g = 0; g < NG; ++g) {
    int n = static_cast<int>(*p++);
    for (int i = 0; i < n; ++i) {
      In x;
      x.dt = static_cast<int32_t>(*p++);
      int64_t r = *p++;
      x.s.assign(p, p + r); p += r;
      x.st.assign(p, p + r); p += r;
      graphs[g].push_back(x);
    }
  }
  int failures = 0;
  std::vector<std::vector<AtenTensorHandle>> hs(NG);
  for (int g = 0; g < NG; ++g) {
    hs[g] = make_all(graphs[g]);
    std::string why;
    if (!accepts(pt_fns[g], hs[g], why)) { std::printf("BAD %d pytorch rejects the conforming inputs: %s", g, why.c_str()); ++failures; continue; }
    if (!accepts(ss_fns[g], hs[g], why)) { std::printf("BAD %d symshape rejects the conforming inputs: %s", g, why.c_str()); ++failures; continue; }
    // Mutations: each size and each stride one larger; the first input's dtype changed.
    int tried = 0, pt_rej = 0, ss_rej = 0, pt_only = 0;
    auto one = [&](const std::vector<In>& ins) {
      std::vector<AtenTensorHandle> m = make_all(ins);
      std::string w;
      bool a = accepts(pt_fns[g], m, w), b = accepts(ss_fns[g], m, w);
      ++tried; pt_rej += !a; ss_rej += !b; pt_only += (!a && b);
      drop_all(m);
    };
    for (size_t i = 0; i < graphs[g].size(); ++i) {
      for (size_t k = 0; k < graphs[g][i].s.size(); ++k) {
        std::vector<In> m = graphs[g]; m[i].s[k] += 1; one(m);
        m = graphs[g]; m[i].st[k] += 1; one(m);
      }
    }
    if (!graphs[g].empty()) {
      std::vector<In> m = graphs[g];
      m[0].dt = m[0].dt == 6 ? 7 : 6;  // float <-> double
      one(m);
    }
    std::printf("OK %d\nMUT %d %d %d %d %d\n", g, g, tried, pt_rej, ss_rej, pt_only);
  }
  if (failures) return 1;
  for (int g = 0; g < NG; ++g) {  // warm-up
    time_ns(pt_fns[g], hs[g].data(), iters / 4 + 1);
    time_ns(ss_fns[g], hs[g].data(), iters / 4 + 1);
  }
  for (int run = 0; run < runs; ++run) {
    for (int g = 0; g < NG; ++g) {
      double a, b;
      if ((run + g) % 2 == 0) {
        a = time_ns(pt_fns[g], hs[g].data(), iters);
        b = time_ns(ss_fns[g], hs[g].data(), iters);
      } else {
        b = time_ns(ss_fns[g], hs[g].data(), iters);
        a = time_ns(pt_fns[g], hs[g].data(), iters);
      }
      std::printf("T %d %d %.3f %.3f\n", run, g, a, b);
    }
  }
  for (auto& h : hs) drop_all(h);
  return 0;
}
"#,
    );
    Ok(d)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn tool_version(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// Generates, compiles and runs the benchmark; the table is in the report.
pub fn run(o: &Opts) -> Result<Report, String> {
    let t0 = Instant::now();
    let reals = graphs(o)?;
    std::fs::create_dir_all(&o.work).map_err(|e| format!("{}: {e}", o.work.display()))?;
    for (j, r) in reals.iter().enumerate() {
        let sig = codegen_cpp::Signature::from_json(&r.json).map_err(|e| e.to_string())?;
        let cpp = codegen_cpp::generate(
            sig,
            &codegen_cpp::Options {
                flavor: codegen_cpp::Flavor::Aoti,
                emit: codegen_cpp::Emit::Checks,
                always_check: false,
            },
        )
        .map_err(|e| format!("{}: {e}", r.name))?;
        let pt = pytorch_checks(&wrapper_of(r)?).map_err(|e| format!("{}: {e}", r.name))?;
        let w = |f: String, t: &str| {
            std::fs::write(o.work.join(&f), t).map_err(|e| format!("{f}: {e}"))
        };
        w(format!("ss{j}.cpp"), &cpp)?;
        w(format!("pt{j}.inc"), &pt)?;
    }
    std::fs::write(o.work.join("bench.cpp"), driver(&reals)?).map_err(|e| e.to_string())?;
    let torch = &o.torch;
    let args: Vec<String> = vec![
        "-std=c++20".into(),
        o.opt.clone(),
        "-Wall".into(),
        "-Wextra".into(),
        "-Werror".into(),
        format!("-isystem{}", torch.join("include").display()),
        format!(
            "-isystem{}",
            torch.join("include/torch/csrc/api/include").display()
        ),
        "-I.".into(),
        "bench.cpp".into(),
        "-o".into(),
        "bench".into(),
        format!("-L{}", torch.join("lib").display()),
        format!("-Wl,-rpath,{}", torch.join("lib").display()),
        "-ltorch_cpu".into(),
        "-lc10".into(),
    ];
    let out = Command::new("g++")
        .args(&args)
        .current_dir(&o.work)
        .output()
        .map_err(|e| format!("g++: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "g++ {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
                .chars()
                .take(8000)
                .collect::<String>()
        ));
    }
    let build_s = t0.elapsed().as_secs_f64();
    let mut texts = Vec::new();
    for _ in 0..o.procs.max(1) {
        let out = Command::new(o.work.join("bench"))
            .arg(o.iters.to_string())
            .arg(o.runs.to_string())
            .env("AOTI_RUNTIME_CHECK_INPUTS", "1")
            .output()
            .map_err(|e| format!("bench: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if !out.status.success() {
            return Err(format!(
                "the benchmark failed ({}):\n{text}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        texts.push(text);
    }
    let mut rows: Vec<Row> = reals
        .iter()
        .map(|r| Row {
            name: r.name.trim_end_matches("__aoti").to_string(),
            inputs: r.inputs.len(),
            pt: f64::NAN,
            ss: f64::NAN,
            mutations: 0,
            pt_rejected: 0,
            ss_rejected: 0,
            pt_only: 0,
        })
        .collect();
    // Per graph: each process's medians.
    let mut meds: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); reals.len()];
    for text in &texts {
        let mut times: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); reals.len()];
        for l in text.lines() {
            let f: Vec<&str> = l.split_whitespace().collect();
            let num = |k: usize| f[k].parse::<usize>().map_err(|e| format!("{l}: {e}"));
            match f.first() {
                Some(&"MUT") => {
                    let g = num(1)?;
                    rows[g].mutations = num(2)?;
                    rows[g].pt_rejected = num(3)?;
                    rows[g].ss_rejected = num(4)?;
                    rows[g].pt_only = num(5)?;
                }
                Some(&"T") => {
                    let g = num(2)?;
                    let x = |k: usize| f[k].parse::<f64>().map_err(|e| format!("{l}: {e}"));
                    times[g].0.push(x(3)?);
                    times[g].1.push(x(4)?);
                }
                _ => {}
            }
        }
        for (m, (a, b)) in meds.iter_mut().zip(times) {
            m.0.push(median(a));
            m.1.push(median(b));
        }
    }
    for (r, (a, b)) in rows.iter_mut().zip(meds) {
        r.pt = median(a);
        r.ss = median(b);
    }
    let table = table(o, &rows, build_s);
    Ok(Report {
        rows,
        table,
        build_s,
    })
}

fn table(o: &Opts, rows: &[Row], build_s: f64) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# __check_inputs_outputs, ns per call: median over {} processes of the median of {} runs of {} calls; one binary, g++ {} ({}), torch {}, AOTI_RUNTIME_CHECK_INPUTS=1",
        o.procs.max(1),
        o.runs,
        o.iters,
        o.opt,
        tool_version("g++", &["-dumpfullversion"]),
        std::fs::read_to_string(o.torch.join("version.py"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("__version__"))
                    .map(|l| l.split('\'').nth(1).unwrap_or("?").to_string())
            })
            .unwrap_or_else(|| "?".into())
    );
    let _ = writeln!(
        t,
        "# rejected: of the mutations (each size, each stride +1; first input's dtype), how many each rejects"
    );
    let _ = writeln!(
        t,
        "{:<34} {:>6} {:>9} {:>9} {:>6}   {:>9} {:>9}",
        "graph", "inputs", "pytorch", "symshape", "ratio", "rej. pt", "rej. ss"
    );
    let (mut ta, mut tb) = (0.0, 0.0);
    let (mut tm, mut tpa, mut tsa) = (0, 0, 0);
    for r in rows {
        ta += r.pt;
        tb += r.ss;
        tm += r.mutations;
        tpa += r.pt_rejected;
        tsa += r.ss_rejected;
        let _ = writeln!(
            t,
            "{:<34} {:>6} {:>9.1} {:>9.1} {:>6.2}   {:>4}/{:<4} {:>4}/{:<4}",
            r.name,
            r.inputs,
            r.pt,
            r.ss,
            r.ss / r.pt,
            r.pt_rejected,
            r.mutations,
            r.ss_rejected,
            r.mutations
        );
    }
    let _ = writeln!(
        t,
        "{:<34} {:>6} {:>9.1} {:>9.1} {:>6.2}   {:>4}/{:<4} {:>4}/{:<4}",
        format!("total ({} graphs)", rows.len()),
        rows.iter().map(|r| r.inputs).sum::<usize>(),
        ta,
        tb,
        tb / ta,
        tpa,
        tm,
        tsa,
        tm
    );
    let slower: Vec<&str> = rows
        .iter()
        .filter(|r| r.ss > r.pt)
        .map(|r| r.name.as_str())
        .collect();
    let _ = writeln!(
        t,
        "# symshape slower on {} of {} graphs{}; mutations PyTorch rejects and symshape accepts: {}; generate + compile {:.0} s",
        slower.len(),
        rows.len(),
        if slower.is_empty() {
            String::new()
        } else {
            format!(" ({})", slower.join(", "))
        },
        rows.iter().map(|r| r.pt_only).sum::<usize>(),
        build_s
    );
    t
}

/// The default work directory for a run of the benchmark.
pub fn default_work() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench_checks")
}
