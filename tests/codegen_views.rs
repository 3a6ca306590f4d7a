//! Views in the signature (docs/signature.md "Views"): outputs declared with `"view_of"` (an
//! input tensor, a constant with a layout, or an earlier output), as `as_strided` views (sizes,
//! strides, offset), dtype views and identical layouts taking a new handle. Validation errors
//! name the field; the prologue's allocation and view code is compiled and run against the
//! project's shim (C++17, ASan/UBSan) and the real torch headers and libtorch (C++20), with
//! every view's data pointer, sizes, strides and dtype checked against the layout symshape
//! computed (data pointer = root storage + offset * item size) and, on libtorch, against
//! torch's own `as_strided` / `view(dtype)` of the same tensors.

use std::path::{Path, PathBuf};
use std::process::Command;
use sym::Value;

const S0: i64 = 5;

/// The view signature: allocations, views of an input, of a constant, of an output, of views.
const SIG: &str = r#"{"mode": "aot", "symbols": {"s0": {"range": [2, 64]}},
 "inputs": [{"name": "arg0_1", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": ["s0", 8]}],
 "outputs": [
   {"name": "buf0", "dtype": "float32", "device": "cpu", "sizes": ["s0", 16]},
   {"name": "v0", "view_of": "buf0", "sizes": ["s0", 4], "strides": [16, 2], "offset": 3},
   {"name": "v1", "view_of": "arg0_1", "dtype": "int16"},
   {"name": "v2", "view_of": "arg0_1"},
   {"name": "v3", "view_of": "arg0_1", "sizes": [8, "s0"], "strides": [1, 8]},
   {"name": "v4", "view_of": "v1", "dtype": "bfloat16"},
   {"name": "v5", "view_of": "w0", "sizes": [2, 2], "offset": 1},
   {"name": "v6", "view_of": "arg0_1", "dtype": "float64"},
   {"name": "v7", "view_of": "v6", "sizes": ["s0"], "strides": [4], "offset": 1},
   {"name": "v8", "view_of": "buf0", "dtype": "uint8"},
   {"name": "v9", "view_of": "buf0", "sizes": [2, "s0"], "strides": [1, 16], "offset": "s0 + 1"}
 ],
 "constants": [{"name": "w0", "dtype": "float32", "device": "cpu", "sizes": [4, 4]}]}"#;

/// torch's own view of the same tensors, per view (`A` = arg0_1, `W` = w0, `B0` = buf0).
const TORCH_VIEWS: &[(&str, &str)] = &[
    ("v0", "B0.as_strided({s0, 4}, {16, 2}, 3)"),
    ("v1", "A.view(at::kShort)"),
    ("v2", "A"),
    ("v3", "A.as_strided({8, s0}, {1, 8}, 0)"),
    ("v4", "A.view(at::kShort).view(at::kBFloat16)"),
    ("v5", "W.as_strided({2, 2}, {2, 1}, 1)"),
    ("v6", "A.view(at::kDouble)"),
    ("v7", "A.view(at::kDouble).as_strided({s0}, {4}, 1)"),
    ("v8", "B0.view(at::kByte)"),
    ("v9", "B0.as_strided({2, s0}, {1, 16}, s0 + 1)"),
];

fn generate(json: &str) -> Result<String, codegen_cpp::CodegenError> {
    let sig = codegen_cpp::Signature::from_json(json)?;
    codegen_cpp::generate(
        sig,
        &codegen_cpp::Options {
            flavor: codegen_cpp::Flavor::Aoti,
            emit: codegen_cpp::Emit::Prologue,
            always_check: false,
        },
    )
}

fn err_of(json: &str) -> String {
    match generate(json) {
        Ok(_) => panic!("accepted: {json}"),
        Err(e) => e.to_string(),
    }
}

/// The signature with output 1 replaced by `view`.
fn with_view(view: &str) -> String {
    format!(
        r#"{{"mode": "aot", "symbols": {{"s0": {{"range": [2, 64]}}}},
 "inputs": [{{"name": "arg0_1", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": ["s0", 8]}},
            {{"name": "s9", "kind": "scalar", "type": "int"}},
            {{"name": "odd", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": ["s0", 3]}}],
 "outputs": [{{"name": "buf0", "dtype": "float32", "device": "cpu", "sizes": ["s0", 16]}}, {view}, {{"name": "later", "dtype": "float32", "device": "cpu", "sizes": [1]}}],
 "constants": ["bare", {{"name": "w0", "dtype": "float32", "device": "cpu", "sizes": [4, 4]}}]}}"#
    )
}

#[test]
fn view_validation_errors_name_the_field() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"name": "v", "view_of": "buf9"}"#,
            "outputs[1].view_of: unknown buffer 'buf9' (expected an input tensor, a constant with a layout, or an output declared before this one); did you mean 'buf0'?",
        ),
        (
            r#"{"name": "v", "view_of": "later"}"#,
            "outputs[1].view_of: unknown buffer 'later'",
        ),
        (
            r#"{"name": "v", "view_of": "v"}"#,
            "outputs[1].view_of: a view cannot be a view of itself",
        ),
        (
            r#"{"name": "v", "view_of": "x\"); system(\"rm -rf /"}"#,
            r#"outputs[1].view_of: unknown buffer 'x\"); system(\"rm -rf /'"#,
        ),
        (
            r#"{"name": "v", "view_of": 7}"#,
            "outputs[1].view_of: expected a string",
        ),
        (
            r#"{"name": "v", "view_of": "s9"}"#,
            "outputs[1].view_of: 's9' is a scalar input, not a tensor",
        ),
        (
            r#"{"name": "v", "view_of": "bare", "sizes": [2]}"#,
            "outputs[1].view_of: constant 'bare' has no layout",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "sizes": ["s0", 17]}"#,
            "outputs[1]: the view needs 17*s0 elements of storage, more than 'buf0' allocates (16*s0)",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "sizes": ["s0", 16], "offset": 1}"#,
            "more than 'buf0' allocates",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "sizes": [2], "strides": [-1]}"#,
            "outputs[1].strides[0]: -1 is negative",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "sizes": [2], "offset": -4}"#,
            "outputs[1].offset: the offset must be >= 0, got -4",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "sizes": [2], "offset": "s0 - 70"}"#,
            "outputs[1].offset: s0 - 70 is negative",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "sizes": [2], "offset": "s7"}"#,
            "outputs[1].offset: symbol 's7' is not declared",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "sizes": [2, 2], "strides": [1]}"#,
            "outputs[1].strides: 1 strides for 2 sizes",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "strides": [1]}"#,
            "outputs[1].sizes: missing",
        ),
        (
            r#"{"name": "v", "view_of": "odd", "dtype": "float64"}"#,
            "outputs[1].dtype: cannot view 'odd' (float32) as float64: view(dtype): the last size 3 is not provably a multiple of 2",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "dtype": "int8", "sizes": [2]}"#,
            "outputs[1].dtype: a view with sizes, strides or offset reads 'buf0' in its dtype (float32)",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "device": "cuda"}"#,
            "outputs[1].device: a view is on its base's device (cpu), not cuda",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "allocation_sizes": [2]}"#,
            "outputs[1].allocation_sizes: unknown field",
        ),
        (
            r#"{"name": "v", "view_of": "buf0", "dtype": "floot32"}"#,
            "outputs[1].dtype: unknown dtype 'floot32'",
        ),
        (
            r#"{"name": "arg0_1", "view_of": "buf0"}"#,
            "outputs[1].name: 'arg0_1' is used twice",
        ),
        (r#"{"name": "v x", "view_of": "buf0"}"#, "outputs[1].name"),
    ];
    for (view, want) in cases {
        let e = err_of(&with_view(view));
        assert!(e.contains(want), "{view}:\n got  {e}\n want {want}");
    }
    // A view of an input whose extent exceeds the input's own layout is not provably out of
    // bounds (the input may be a view of a larger storage): accepted, as_strided checks it at
    // run time.
    assert!(
        generate(&with_view(
            r#"{"name": "v", "view_of": "arg0_1", "sizes": ["s0", 9]}"#
        ))
        .is_ok()
    );
}

/// The allocation and view lines of the AOT prologue (after `kernels`, up to `// kernels begin
/// here`), with the model's device index 0.
fn view_block(cpp: &str) -> String {
    let start = cpp
        .find("auto& kernels = ")
        .and_then(|k| cpp[k..].find('\n').map(|n| k + n + 1))
        .expect("kernels line");
    let end = cpp.find("    // kernels begin here").expect("end marker");
    cpp[start..end].replace("this->device_idx_", "0")
}

/// One view's expectation: name, root buffer, dtype code, sizes, strides, byte offset from the
/// root's data.
type Expect = (String, String, i32, Vec<i64>, Vec<i64>, i64);

/// Per view, from the layouts symshape computed, at s0 = S0.
fn expectations() -> Vec<Expect> {
    let sig = codegen_cpp::Signature::from_json(SIG).unwrap();
    let mut out = Vec::new();
    let outputs = sig.outputs.clone();
    for o in &outputs {
        let Some(v) = &o.view else { continue };
        let mut root = match v {
            codegen_cpp::OutputView::Strided { base, .. }
            | codegen_cpp::OutputView::Dtype { base, .. } => base.clone(),
        };
        while let Some(b) = outputs.iter().find(|x| x.name == root && x.view.is_some()) {
            root = match b.view.as_ref().unwrap() {
                codegen_cpp::OutputView::Strided { base, .. }
                | codegen_cpp::OutputView::Dtype { base, .. } => base.clone(),
            };
        }
        let ev = |e: sym::Expr| match sig.cx.eval(e, &[("s0", Value::Int(S0))]) {
            Ok(Value::Int(v)) => v,
            other => panic!("{other:?}"),
        };
        let sizes: Vec<i64> = o.layout.sizes.iter().map(|e| ev(*e)).collect();
        let strides: Vec<i64> = o.layout.strides.iter().map(|e| ev(*e)).collect();
        let off = ev(o.layout.offset) * i64::from(o.layout.dtype.itemsize());
        out.push((
            o.name.clone(),
            root,
            o.layout.dtype.scalar_type_code(),
            sizes,
            strides,
            off,
        ));
    }
    out
}

fn driver(block: &str, torch: bool) -> String {
    let mut d = String::from("#include <torch/csrc/inductor/aoti_runtime/utils.h>\n");
    if torch {
        d.push_str("#include <torch/csrc/inductor/aoti_torch/generated/c_shim_cpu.h>\n#include <torch/csrc/inductor/aoti_torch/tensor_converter.h>\n#include <torch/csrc/inductor/aoti_torch/utils.h>\n#include <ATen/ATen.h>\nusing namespace torch::aot_inductor;\n");
    }
    d.push_str("#include <cstdint>\n#include <cstdio>\n#include <initializer_list>\n#include <stdexcept>\n#include <vector>\n");
    // The prologue's overflow-checked arithmetic (sizes, strides and offsets of the views), in
    // the namespace of a prologue emitted alone.
    d.push_str(&codegen_cpp::RUNTIME_HPP.replace("symshape_rt", "symshape_prologue_rt"));
    d.push_str(if torch {
        "static AtenTensorHandle make(int32_t dt, std::vector<int64_t> s, std::vector<int64_t> st) {\n  return new_tensor_handle(at::empty_strided(s, st, at::TensorOptions().dtype(static_cast<c10::ScalarType>(dt))));\n}\n"
    } else {
        "static AtenTensorHandle make(int32_t dt, std::vector<int64_t> s, std::vector<int64_t> st) {\n  AtenTensorHandle h = nullptr;\n  AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_empty_strided(static_cast<int64_t>(s.size()), s.data(), st.data(), dt, 0, 0, &h));\n  return h;\n}\n"
    });
    d.push_str(
        r#"static int failures = 0;
static char* data(AtenTensorHandle h) {
  void* p = nullptr;
  AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_data_ptr(h, &p));
  return static_cast<char*>(p);
}
static void check(const char* name, AtenTensorHandle v, AtenTensorHandle root, int32_t dt, std::vector<int64_t> s, std::vector<int64_t> st, int64_t byte_off) {
  int64_t dim = 0; int64_t* vs = nullptr; int64_t* vst = nullptr; int32_t vdt = -1;
  AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_dim(v, &dim));
  AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_sizes(v, &vs));
  AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_strides(v, &vst));
  AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_dtype(v, &vdt));
  bool ok = dim == static_cast<int64_t>(s.size()) && vdt == dt && data(v) - data(root) == byte_off;
  for (size_t d = 0; ok && d < s.size(); ++d) ok = vs[d] == s[d] && vst[d] == st[d];
  std::printf("%s %s (byte offset %lld)\n", ok ? "OK" : "BAD", name, static_cast<long long>(data(v) - data(root)));
  failures += !ok;
}
"#,
    );
    if torch {
        d.push_str(
            r#"static void same(const char* name, AtenTensorHandle v, const at::Tensor& want) {
  const at::Tensor& got = *tensor_handle_to_tensor_pointer(v);
  bool ok = got.data_ptr() == want.data_ptr() && got.sizes() == want.sizes() && got.strides() == want.strides() && got.scalar_type() == want.scalar_type() && got.storage().is_alias_of(want.storage());
  std::printf("%s torch %s\n", ok ? "OK" : "BAD", name);
  failures += !ok;
}
"#,
        );
    }
    d.push_str(&format!(
        "int main() {{\n  const int64_t s0 = {S0};\n  RAIIAtenTensorHandle arg0_1(make(6, {{s0, 8}}, {{8, 1}}));\n  RAIIAtenTensorHandle w0(make(6, {{4, 4}}, {{4, 1}}));\n  {{\n{block}"
    ));
    for (name, root, dt, s, st, off) in expectations() {
        let v = |x: &[i64]| {
            x.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        d.push_str(&format!(
            "    check(\"{name}\", {name}, {root}, {dt}, {{{}}}, {{{}}}, {off});\n",
            v(&s),
            v(&st)
        ));
    }
    if torch {
        d.push_str("    const at::Tensor& A = *tensor_handle_to_tensor_pointer(arg0_1);\n    const at::Tensor& W = *tensor_handle_to_tensor_pointer(w0);\n    const at::Tensor& B0 = *tensor_handle_to_tensor_pointer(buf0);\n");
        for (name, expr) in TORCH_VIEWS {
            d.push_str(&format!("    same(\"{name}\", {name}, {expr});\n"));
        }
    }
    d.push_str(
        "  }\n  std::printf(\"done %d\\n\", failures);\n  return failures == 0 ? 0 : 1;\n}\n",
    );
    d
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("symshape-views-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn gxx(args: &[String], cwd: &Path) {
    let out = Command::new("g++")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("g++ is needed for the codegen tests (scripts/test installs it)");
    assert!(
        out.status.success(),
        "g++ {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(6000)
            .collect::<String>()
    );
}

fn run(exe: &Path, n_views: usize, torch: bool) -> String {
    let out = Command::new(exe).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("done 0"), "{text}");
    let oks = text.lines().filter(|l| l.starts_with("OK ")).count();
    let want = if torch {
        n_views + TORCH_VIEWS.len()
    } else {
        n_views
    };
    assert_eq!(oks, want, "{text}");
    text
}

#[test]
fn views_run_against_the_shim_with_addresses_checked() {
    let cpp = generate(SIG).unwrap();
    let block = view_block(&cpp);
    assert!(
        block.contains("reinterpret_tensor_wrapper(buf0, 2"),
        "{block}"
    );
    assert!(
        block.contains("aoti_torch_cpu_view_dtype(arg0_1, aoti_torch_dtype_int16()"),
        "{block}"
    );
    assert!(
        block.contains("aoti_torch_new_tensor_handle(arg0_1, &tmp_v2)"),
        "{block}"
    );
    let dir = tmpdir("shim");
    std::fs::write(dir.join("views.cpp"), driver(&block, false)).unwrap();
    let inc = format!(
        "-I{}",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/support/aoti_shim")
            .display()
    );
    let args: Vec<String> = [
        "-std=c++17",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-O0",
        "-fsanitize=address,undefined",
        "-fno-sanitize-recover=all",
        inc.as_str(),
        "views.cpp",
        "-o",
        "views",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    gxx(&args, &dir);
    let text = run(&dir.join("views"), expectations().len(), false);
    eprintln!("{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn views_run_against_real_libtorch_with_addresses_checked() {
    let Ok(torch) = std::env::var("SYMSHAPE_TORCH_DIR") else {
        eprintln!("skipped: SYMSHAPE_TORCH_DIR is not set");
        return;
    };
    let torch = PathBuf::from(torch);
    let cpp = generate(SIG).unwrap();
    let dir = tmpdir("torch");
    std::fs::write(dir.join("views.cpp"), driver(&view_block(&cpp), true)).unwrap();
    let args: Vec<String> = vec![
        "-std=c++20".into(),
        "-Wall".into(),
        "-Wextra".into(),
        "-Werror".into(),
        "-O0".into(),
        format!("-isystem{}", torch.join("include").display()),
        format!(
            "-isystem{}",
            torch.join("include/torch/csrc/api/include").display()
        ),
        "views.cpp".into(),
        "-o".into(),
        "views".into(),
        format!("-L{}", torch.join("lib").display()),
        format!("-Wl,-rpath,{}", torch.join("lib").display()),
        "-ltorch_cpu".into(),
        "-lc10".into(),
    ];
    gxx(&args, &dir);
    let text = run(&dir.join("views"), expectations().len(), true);
    eprintln!("{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same views compile in `--emit all` against the real `model.h` inside
/// `namespace torch::aot_inductor` (the AOT prologue as AOTInductor includes it).
#[test]
fn view_prologue_compiles_against_real_model_header() {
    let Ok(torch) = std::env::var("SYMSHAPE_TORCH_DIR") else {
        eprintln!("skipped: SYMSHAPE_TORCH_DIR is not set");
        return;
    };
    let torch = PathBuf::from(torch);
    let sig = codegen_cpp::Signature::from_json(SIG).unwrap();
    let cpp = codegen_cpp::generate(sig, &codegen_cpp::Options::default()).unwrap();
    let dir = tmpdir("model");
    std::fs::write(dir.join("gen.cpp"), cpp).unwrap();
    std::fs::write(
        dir.join("tu.cpp"),
        "#include <torch/csrc/inductor/aoti_runtime/model.h>\n#include <torch/csrc/inductor/aoti_torch/generated/c_shim_cpu.h>\nnamespace torch::aot_inductor {\nclass AOTInductorModelKernels : public AOTInductorModelKernelsBase {};\n#include \"gen.cpp\"\n}\n",
    )
    .unwrap();
    let args: Vec<String> = vec![
        "-std=c++20".into(),
        "-Wall".into(),
        "-Wextra".into(),
        "-Werror".into(),
        "-O0".into(),
        "-c".into(),
        format!("-isystem{}", torch.join("include").display()),
        format!(
            "-isystem{}",
            torch.join("include/torch/csrc/api/include").display()
        ),
        "-I.".into(),
        "tu.cpp".into(),
        "-o".into(),
        "tu.o".into(),
    ];
    gxx(&args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}
