//! Codegen: validation errors, binding errors, snapshots of the emitted C++ for representative
//! signatures (update with `UPDATE_SNAPSHOTS=1`), and scale.

use codegen_cpp::{CodegenError, Emit, Flavor, Options, Signature, generate};
use std::path::Path;

fn generate_cpp(json: &str, emit: Emit, flavor: Flavor) -> Result<String, CodegenError> {
    generate(
        Signature::from_json(json)?,
        &Options {
            flavor,
            emit,
            always_check: false,
        },
    )
}

#[track_caller]
fn expect_err(json: &str, needle: &str) {
    match generate_cpp(json, Emit::All, Flavor::Aoti) {
        Ok(_) => panic!("should fail ({needle}): {json}"),
        Err(e) => assert!(
            e.to_string().contains(needle),
            "error should mention {needle:?}: {e}"
        ),
    }
}

const T: &str = r#""kind": "tensor", "dtype": "float32", "device": "cpu""#;

#[test]
fn invalid_signatures_name_the_field() {
    expect_err(r#"{"mode": "aot", "inputs": [], "bogus": 1}"#, "bogus");
    expect_err(r#"{"mode": "fast", "inputs": []}"#, "mode");
    expect_err(
        &format!(
            r#"{{"mode": "aot", "inputs": [{{"name": "x; system(\"rm -rf /\")", {T}, "sizes": [1]}}]}}"#
        ),
        "inputs[0].name",
    );
    expect_err(
        &format!(r#"{{"mode": "aot", "inputs": [{{"name": "int", {T}, "sizes": [1]}}]}}"#),
        "C++ keyword",
    );
    expect_err(
        &format!(r#"{{"mode": "aot", "inputs": [{{"name": "__x", {T}, "sizes": [1]}}]}}"#),
        "reserved",
    );
    expect_err(
        r#"{"mode": "aot", "inputs": [{"name": "a", "kind": "tensor", "dtype": "float7", "device": "cpu", "sizes": [1]}]}"#,
        "inputs[0].dtype",
    );
    expect_err(
        r#"{"mode": "aot", "inputs": [{"name": "a", "kind": "tensor", "dtype": "float32", "device": "gpu", "sizes": [1]}]}"#,
        "inputs[0].device",
    );
    expect_err(
        &format!(
            r#"{{"mode": "aot", "inputs": [{{"name": "a", {T}, "sizes": ["FloorDiv(s0,"]}}]}}"#
        ),
        "inputs[0].sizes[0]",
    );
    expect_err(
        &format!(r#"{{"mode": "aot", "inputs": [{{"name": "a", {T}, "sizes": ["s9"]}}]}}"#),
        "'s9' is not declared",
    );
    expect_err(
        &format!(
            r#"{{"mode": "aot", "inputs": [{{"name": "a", {T}, "sizes": [1]}}, {{"name": "a", {T}, "sizes": [1]}}]}}"#
        ),
        "used twice",
    );
    expect_err(
        &format!(
            r#"{{"mode": "aot", "inputs": [{{"name": "a", {T}, "sizes": [1], "strides": [1, 1]}}]}}"#
        ),
        "inputs[0].strides",
    );
    expect_err(
        &format!(
            r#"{{"mode": "aot", "symbols": {{"s0": {{"range": [5, 2]}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["s0"]}}]}}"#
        ),
        "symbols.s0.range",
    );
    expect_err(
        &format!(
            r#"{{"mode": "aot", "symbols": {{"a_size": {{}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["a_size"]}}]}}"#
        ),
        "collides",
    );
}

/// Names the headers declare (macros, types, PyTorch's and DLPack's names) are refused in every
/// role, naming the field and why; so are names that collide with a name the generated code
/// derives from another (`{output}_handle`, `{scalar}_value`, ...), naming both.
#[test]
fn header_names_and_derived_name_collisions_are_refused() {
    let header = "is declared by the headers the generated code includes";
    let cases: &[(&str, &str)] = &[
        // Macros of <cstdint>, <cstdio>, <cstdlib>, <climits>, g++'s predefined ones.
        ("INT64_MAX", "a macro"),
        ("SIZE_MAX", "a macro"),
        ("EOF", "a macro"),
        ("INT32_MIN", "a macro"),
        ("UINT64_MAX", "a macro"),
        ("stdin", "a macro"),
        ("stderr", "a macro"),
        ("EXIT_SUCCESS", "a macro"),
        ("RAND_MAX", "a macro"),
        ("CHAR_BIT", "a macro"),
        ("INT_MAX", "a macro"),
        ("BUFSIZ", "a macro"),
        ("SEEK_SET", "a macro"),
        ("unix", "a macro"),
        ("linux", "a macro"),
        ("i386", "a macro"),
        // Types.
        ("int64_t", "a type of <cstdint>"),
        ("uint8_t", "a type of <cstdint>"),
        ("size_t", "a type of <cstdint>"),
        ("ptrdiff_t", "a type of <cstdint>"),
        // DLPack and PyTorch.
        ("DLTensor", "a DLPack type or enumerator"),
        ("kDLCPU", "a DLPack type or enumerator"),
        ("DLPACK_VERSION", "a macro prefix"),
        ("AOTI_TORCH_SUCCESS", "a macro prefix"),
        ("TORCH_CHECK", "a macro prefix"),
        ("C10_API", "a macro prefix"),
        ("RAIIAtenTensorHandle", "a name of PyTorch's AOTI runtime"),
        ("AtenTensorHandle", "a name of PyTorch's AOTI runtime"),
        ("c10", "a name of PyTorch's AOTI runtime"),
    ];
    for (n, why) in cases {
        let roles = [
            (
                format!(
                    r#"{{"mode": "aot", "symbols": {{"{n}": {{"range": [1, null]}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["{n}"]}}]}}"#
                ),
                format!("symbols.{n}: '{n}' {header} ({why}"),
            ),
            (
                format!(
                    r#"{{"mode": "aot", "inputs": [{{"name": "a", {T}, "sizes": [2]}}, {{"name": "{n}", "kind": "scalar", "type": "int"}}]}}"#
                ),
                format!("inputs[1].name: '{n}' {header} ({why}"),
            ),
            (
                format!(r#"{{"mode": "aot", "inputs": [{{"name": "{n}", {T}, "sizes": [2]}}]}}"#),
                format!("inputs[0].name: '{n}' {header} ({why}"),
            ),
            (
                format!(
                    r#"{{"mode": "aot", "inputs": [{{"name": "a", {T}, "sizes": [2]}}], "outputs": [{{"name": "{n}", "dtype": "float32", "device": "cpu", "sizes": [2]}}]}}"#
                ),
                format!("outputs[0].name: '{n}' {header} ({why}"),
            ),
        ];
        for (j, needle) in &roles {
            for flavor in [Flavor::Aoti, Flavor::Dlpack] {
                match generate_cpp(j, Emit::Checks, flavor) {
                    Ok(_) => panic!("'{n}' should be refused: {j}"),
                    Err(e) => assert!(
                        e.to_string().contains(needle.as_str()),
                        "error should mention {needle:?}: {e}"
                    ),
                }
            }
        }
    }
    // A name the generated code uses itself (the JIT prologue's pybind11 namespace).
    expect_err(
        &format!(r#"{{"mode": "jit", "inputs": [{{"name": "py", {T}, "sizes": [1]}}]}}"#),
        "inputs[0].name: 'py' is a C++ keyword or a name the generated code uses",
    );
    // A name the generated code derives from another name.
    let out = |n: &str, extra: &str| {
        format!(
            r#"{{"name": "{n}", "dtype": "float32", "device": "cpu", "sizes": ["s0", 3]{extra}}}"#
        )
    };
    let sig = |outs: &[String], more_inputs: &str| {
        format!(
            r#"{{"mode": "aot", "symbols": {{"s0": {{"range": [1, 100]}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["s0", 3]}}{more_inputs}], "outputs": [{}]}}"#,
            outs.join(", ")
        )
    };
    expect_err(
        &sig(&[out("x", ""), out("x_handle", "")], ""),
        "outputs[1].name: 'x_handle' collides with the name 'x_handle' that the generated code derives from outputs[0] 'x'; rename one of them",
    );
    expect_err(
        &sig(&[out("x_handle_restrided", ""), out("x", "")], ""),
        "outputs[0].name: 'x_handle_restrided' collides with the name 'x_handle_restrided' that the generated code derives from outputs[1] 'x'",
    );
    expect_err(
        &sig(&[out("int_array_x_size", ""), out("x", "")], ""),
        "outputs[0].name: 'int_array_x_size' collides with the name 'int_array_x_size' that the generated code derives from outputs[1] 'x'",
    );
    expect_err(
        &sig(&[out("a_stride", "")], ""),
        "outputs[0].name: 'a_stride' collides with the name 'a_stride' that the generated code derives from inputs[0] 'a'",
    );
    expect_err(
        &sig(
            &[],
            r#", {"name": "n", "kind": "scalar", "type": "int"}, {"name": "n_value", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": [1]}"#,
        ),
        "inputs[2].name: 'n_value' collides with the name 'n_value' that the generated code derives from inputs[1] 'n'",
    );
    expect_err(
        &sig(
            &[r#"{"name": "v", "view_of": "a"}"#.into(), out("tmp_v", "")],
            "",
        ),
        "outputs[1].name: 'tmp_v' collides with the name 'tmp_v' that the generated code derives from outputs[0] 'v'",
    );
    // Two names deriving the same name.
    expect_err(
        &sig(
            &[
                out("b", r#", "allocation_sizes": ["s0", 4]"#),
                out("b_alloc", ""),
            ],
            "",
        ),
        "outputs[1].name: 'b_alloc' and outputs[0] 'b' both make the generated code declare 'int_array_b_alloc_size'; rename one",
    );
}

#[test]
fn unbindable_symbols_are_named_with_their_inputs() {
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s0": {{}}, "s9": {{}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["s0"]}}], "outputs": [{{"name": "out", "dtype": "float32", "device": "cpu", "sizes": ["s9"]}}]}}"#
    );
    expect_err(&j, "symbol 's9' used by outputs[0]");
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s0": {{}}, "s1": {{}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["s0*s1"]}}]}}"#
    );
    expect_err(&j, "symbol 's0' cannot be bound");
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s0": {{}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["FloorDiv(s0, 2)"]}}]}}"#
    );
    expect_err(&j, "does not determine s0 uniquely");
    // A bound symbol's range end over a symbol no input binds (the generated range check
    // would name a variable it never declares; a review found it compiled to
    // `if (s1 > s9)` without `s9`): refused, naming the range.
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s0": {{"range": [2, 100]}}, "s1": {{"range": [1, "s9"]}}, "s9": {{"range": [1, 10]}}}}, "inputs": [{{"name": "x", {T}, "sizes": ["s0", "s1"]}}]}}"#
    );
    expect_err(
        &j,
        "symbols.s1.range[1]: 's9' uses 's9', which no input binds",
    );
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s1": {{"range": ["s9 - 3", 100]}}, "s9": {{}}}}, "inputs": [{{"name": "x", {T}, "sizes": ["s1"]}}]}}"#
    );
    expect_err(&j, "symbols.s1.range[0]");
    // Bound by an input, it may be an end (and an unbound symbol's own range is unused).
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s1": {{"range": [1, "s9"]}}, "s9": {{"range": [1, 10]}}, "s5": {{"range": [0, "s7"]}}, "s7": {{}}}}, "inputs": [{{"name": "x", {T}, "sizes": ["s9", "s1"]}}]}}"#
    );
    assert!(generate_cpp(&j, Emit::All, Flavor::Aoti).is_ok());
    // FloorDiv cannot bind, but another input can: fine.
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s0": {{}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["FloorDiv(s0, 2)"]}}, {{"name": "b", {T}, "sizes": ["s0"]}}]}}"#
    );
    assert!(generate_cpp(&j, Emit::All, Flavor::Aoti).is_ok());
}

/// Compares with `tests/snapshots/NAME`; `UPDATE_SNAPSHOTS=1` rewrites it.
#[track_caller]
fn snapshot(name: &str, text: &str) {
    // The embedded helper header is the same in every file (and tested by running it).
    let stripped = text.replace(codegen_cpp::RUNTIME_HPP, "// [runtime.hpp embedded here]\n");
    let text = stripped.as_str();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() || !path.exists() && std::env::var("CI").is_err() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {}", path.display()));
    if want != text {
        let diff = want
            .lines()
            .zip(text.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}:\n- {a}\n+ {b}", i + 1))
            .unwrap_or_else(|| "lengths differ".into());
        panic!("snapshot {name} differs (UPDATE_SNAPSHOTS=1 to accept):\n{diff}");
    }
}

#[test]
fn snapshots_of_representative_signatures() {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/signature.json"),
    )
    .unwrap();
    snapshot(
        "codegen_md_example_all.cpp",
        &generate_cpp(&example, Emit::All, Flavor::Aoti).unwrap(),
    );
    snapshot(
        "codegen_md_example_dlpack.cpp",
        // The example as it is (zf0 declared and bound by no input, s2 not declared).
        &generate_cpp(&example, Emit::Checks, Flavor::Dlpack).unwrap(),
    );
    let cases: &[(&str, &str)] = &[
        (
            "static.cpp",
            r#"{"mode": "aot", "inputs": [{"name": "arg0_1", "kind": "tensor", "dtype": "float16", "device": "cpu", "sizes": [4, 8, 10]}]}"#,
        ),
        (
            "shared_symbols.cpp",
            r#"{"mode": "aot", "symbols": {"s0": {"range": [2, 1024]}}, "inputs": [{"name": "arg0_1", "kind": "tensor", "dtype": "float32", "device": "cuda", "sizes": ["s0", 8]}, {"name": "arg1_1", "kind": "tensor", "dtype": "bfloat16", "device": "cuda", "sizes": [8, "s0"]}]}"#,
        ),
        (
            "channels_last.cpp",
            r#"{"mode": "jit", "symbols": {"s0": {"range": [1, null]}, "s1": {"range": [2, 512]}}, "inputs": [{"name": "arg0_1", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": ["s0", 3, "s1", "s1"], "strides": ["3*s1**2", 1, "3*s1", 3]}]}"#,
        ),
        (
            "scalars_and_0d.cpp",
            r#"{"mode": "aot", "symbols": {"s0": {"range": [0, 100]}}, "inputs": [{"name": "s0", "kind": "scalar", "type": "int"}, {"name": "zf0", "kind": "scalar", "type": "float"}, {"name": "arg2_1", "kind": "tensor", "dtype": "int64", "device": "cpu", "sizes": []}, {"name": "arg3_1", "kind": "tensor", "dtype": "bool", "device": "cpu", "sizes": ["s0"]}]}"#,
        ),
        (
            "solved_2s_plus_1.cpp",
            r#"{"mode": "aot", "symbols": {"s1": {"range": [2, null]}}, "inputs": [{"name": "arg0_1", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": ["2*s1 + 1", "4*s1"]}], "outputs": [{"name": "buf0", "dtype": "float32", "device": "cpu", "sizes": ["2*s1 + 1"]}, {"name": "buf1", "dtype": "float16", "device": "cpu", "sizes": ["s1", 3], "strides": [4, 1], "allocation_sizes": ["s1", 4]}]}"#,
        ),
    ];
    for (name, j) in cases {
        snapshot(name, &generate_cpp(j, Emit::All, Flavor::Aoti).unwrap());
    }
    // Every dtype.
    let mut inputs = Vec::new();
    for (i, d) in layout::DType::ALL.iter().enumerate() {
        inputs.push(format!(r#"{{"name": "arg{i}_1", "kind": "tensor", "dtype": "{}", "device": "cpu", "sizes": [2]}}"#, d.name()));
    }
    let j = format!(r#"{{"mode": "aot", "inputs": [{}]}}"#, inputs.join(", "));
    snapshot(
        "every_dtype.cpp",
        &generate_cpp(&j, Emit::Checks, Flavor::Aoti).unwrap(),
    );
}

#[test]
fn pytorch_runtime_checks_scenario_counts() {
    // test_runtime_checks: 10 inputs of (4, 8, 10) with s0 on dim 0 of x0..x2, s1 on dim 1 of
    // x3..x5, x6 static, s2 on dim 2 of x7..x9. PyTorch's counts (with bf16): 10 / 21 / 18 / 21.
    let dts = [
        "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8",
        "bool",
    ];
    let mut ins = Vec::new();
    for (i, dt) in dts.iter().enumerate() {
        let (sizes, strides) = match i {
            0..=2 => (r#"["s0", 8, 10]"#, r#"[80, 10, 1]"#),
            3..=5 => (r#"[4, "s1", 10]"#, r#"["10*s1", 10, 1]"#),
            6 => (r#"[4, 8, 10]"#, r#"[80, 10, 1]"#),
            _ => (r#"[4, 8, "s2"]"#, r#"["8*s2", "s2", 1]"#),
        };
        ins.push(format!(r#"{{"name": "x{i}", "kind": "tensor", "dtype": "{dt}", "device": "cpu", "sizes": {sizes}, "strides": {strides}}}"#));
    }
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s0": {{"range": [2, 1024]}}, "s1": {{"range": [2, 512]}}, "s2": {{"range": [2, 128]}}}}, "inputs": [{}]}}"#,
        ins.join(", ")
    );
    // PyTorch's test counts its messages' texts in the generated file (FileCheck
    // `check_count`), one per check: every check carries its message's text, as PyTorch's do.
    for emit in [Emit::Checks, Emit::All] {
        let cpp = generate_cpp(&j, emit, Flavor::Aoti).unwrap();
        let count = |s: &str| cpp.matches(s).count();
        assert_eq!(count("unmatched dtype"), 10);
        assert_eq!(count("unmatched dim value at"), 21);
        assert_eq!(count("dim value is too"), 18);
        assert_eq!(count("unmatched stride value at"), 21);
    }
    // An unbounded dim has no upper check (PyTorch skips infinite bounds).
    let j = j.replace(
        r#""s2": {"range": [2, 128]}"#,
        r#""s2": {"range": [2, null]}"#,
    );
    let cpp = generate_cpp(&j, Emit::Checks, Flavor::Aoti).unwrap();
    assert_eq!(cpp.matches("dim value is too small").count(), 9);
    assert_eq!(cpp.matches("dim value is too large").count(), 6);
}

#[test]
fn a_thousand_inputs_generate() {
    let mut ins = Vec::new();
    for i in 0..1000 {
        ins.push(format!(r#"{{"name": "arg{i}_1", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": ["s0", {}]}}"#, i % 7 + 1));
    }
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s0": {{"range": [1, 4096]}}}}, "inputs": [{}]}}"#,
        ins.join(", ")
    );
    let cpp = generate_cpp(&j, Emit::All, Flavor::Aoti).unwrap();
    assert_eq!(
        cpp.matches("AOTI_NOINLINE static void check_input_")
            .count(),
        1000
    );
}

/// Sizes are >= 0: a negative static size is refused naming the input and dimension, a size
/// expression that is negative over its whole range is refused, and a size expression whose
/// lower bound is negative is checked against 0.
#[test]
fn negative_sizes() {
    expect_err(
        &format!(r#"{{"mode": "aot", "inputs": [{{"name": "a", {T}, "sizes": [2, -3]}}]}}"#),
        "inputs[0].sizes[1]: a size must be >= 0, got -3",
    );
    expect_err(
        &format!(
            r#"{{"mode": "aot", "inputs": [{{"name": "a", {T}, "sizes": [2]}}], "outputs": [{{"name": "o", "dtype": "float32", "device": "cpu", "sizes": [-1]}}]}}"#
        ),
        "outputs[0].sizes[0]",
    );
    expect_err(
        &format!(
            r#"{{"mode": "aot", "symbols": {{"s0": {{"range": [2, 10]}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["s0"]}}, {{"name": "b", {T}, "sizes": ["s0 - 20"]}}]}}"#
        ),
        "inputs[1].sizes[0]: the size s0 - 20 is negative",
    );
    // Negative strides are fine.
    let j = format!(
        r#"{{"mode": "aot", "inputs": [{{"name": "a", {T}, "sizes": [2], "strides": [-1]}}]}}"#
    );
    assert!(generate_cpp(&j, Emit::All, Flavor::Aoti).is_ok());
    let j = format!(
        r#"{{"mode": "aot", "symbols": {{"s0": {{"range": [2, 10]}}}}, "inputs": [{{"name": "a", {T}, "sizes": ["s0 - 5"]}}, {{"name": "b", {T}, "sizes": ["s0"]}}]}}"#
    );
    for flavor in [Flavor::Aoti, Flavor::Dlpack] {
        let cpp = generate_cpp(&j, Emit::Checks, flavor).unwrap();
        // "dim value is too small at 0, expected it to be >= 0" / "too large ... <= 5"
        // (tests/codegen_run.rs runs it): never a negative lower end.
        assert!(!cpp.contains("expected it to be >= -"), "{cpp}");
        let (small, large) = if flavor == Flavor::Dlpack {
            (
                "return symshape_fail(err, err_len, 0, ",
                "return symshape_fail(err, err_len, 0, ",
            )
        } else {
            ("symshape_fail(0, ", "symshape_fail(0, ")
        };
        assert!(
            cpp.contains(&format!("if (symshape_t.size[0] < 0LL) {small}\"dim value is too small at 0, expected it to be >= 0, but got: \", symshape_t.size[0], \"\");"))
                && cpp.contains(&format!("if (symshape_t.size[0] > 5LL) {large}\"dim value is too large at 0, expected to be <= 5, but got: \", symshape_t.size[0], \"\");")),
            "{cpp}"
        );
    }
}

/// The dlpack flavor: `all` means what the flavor has (the checks); a prologue alone is refused.
#[test]
fn dlpack_emit_all_is_the_checks() {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/signature.json"),
    )
    .unwrap();
    assert_eq!(
        generate_cpp(&example, Emit::All, Flavor::Dlpack).unwrap(),
        generate_cpp(&example, Emit::Checks, Flavor::Dlpack).unwrap()
    );
    let e = generate_cpp(&example, Emit::Prologue, Flavor::Dlpack).unwrap_err();
    assert!(e.to_string().contains("no wrapper prologue"), "{e}");
}

/// The slot rule, in the generated file's header comment and constants: `symbols_out` is the
/// signature's `symbols` in order, every slot written; undeclared scalars only after them
/// internally.
#[test]
fn symbol_slots_are_defined_in_the_header() {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/signature.json"),
    )
    .unwrap();
    let cpp = generate_cpp(&example, Emit::Checks, Flavor::Dlpack).unwrap();
    let header: Vec<&str> = cpp.lines().take_while(|l| l.starts_with("//")).collect();
    let header = header.join("\n");
    assert!(header.contains("SYMSHAPE_NUM_SYMBOLS = 3"), "{header}");
    assert!(
        header.contains("[0] s0 (int, from input 0 size 0)"),
        "{header}"
    );
    assert!(
        header.contains("[1] s1 (int, from input 0 size 1)"),
        "{header}"
    );
    assert!(
        header.contains("[2] zf0 (float, bound by no input: always 0)"),
        "{header}"
    );
    assert!(header.contains("[3] s2 (int, scalar input 1)"), "{header}");
    assert!(cpp.contains("static constexpr int SYMSHAPE_NUM_SYMBOLS = 3;"));
    let writes: Vec<&str> = cpp
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("symbols_out[") && !l.starts_with("//"))
        .collect();
    assert_eq!(
        writes,
        [
            "symbols_out[0] = syms[0];",
            "symbols_out[1] = syms[1];",
            "__builtin_memcpy(&symbols_out[2], &symshape_fsyms[2], sizeof(double));",
        ]
    );
    // A float scalar input is read from the bits in `scalars`, never an #error.
    let j = r#"{"mode": "aot", "inputs": [{"name": "zf1", "kind": "scalar", "type": "float"}]}"#;
    let cpp = generate_cpp(j, Emit::Checks, Flavor::Dlpack).unwrap();
    assert!(!cpp.contains("#error"));
    assert!(cpp.contains("__builtin_memcpy(&zf1_value, &scalars[0], sizeof(double));"));
    assert!(cpp.contains("static constexpr int SYMSHAPE_NUM_SYMBOLS = 0;"));
    assert!(!cpp.contains("symbols_out["));
    expect_err(
        &format!(r#"{{"mode": "aot", "inputs": [{{"name": "SYMSHAPE_X", {T}, "sizes": [1]}}]}}"#),
        "reserved",
    );
}

/// Sizes, strides and offsets in the prologue are computed with overflow-checked arithmetic
/// whatever the declared ranges: the prologue runs whether the input checks ran or not (they
/// are gated by `AOTI_RUNTIME_CHECK_INPUTS`), so ranges prove nothing there, and an unbounded
/// range cannot prove anything anyway (`8*s0*s1` on hostile sizes). A value that does not fit
/// throws, naming it; constant arrays stay `static constexpr`.
#[test]
fn prologue_arithmetic_is_overflow_checked() {
    let sig = |hi: &str| {
        format!(
            r#"{{"mode": "aot", "symbols": {{"s77": {{"range": [1, {hi}]}}, "s94": {{"range": [1, 4096]}}, "q0": {{"range": [0, 64]}}}},
 "inputs": [{{"name": "x", "kind": "tensor", "dtype": "float32", "device": "cpu", "sizes": ["s77", "s94", "q0"]}}],
 "outputs": [{{"name": "buf0", "dtype": "float32", "device": "cpu", "sizes": ["s77*s94*q0 + s94*q0 + q0"]}},
   {{"name": "v", "view_of": "buf0", "sizes": [2], "offset": "8*s77 + 8*s94 + 8*q0"}}]}}"#
        )
    };
    for hi in ["4096", "null"] {
        let cpp = generate_cpp(&sig(hi), Emit::Prologue, Flavor::Aoti).unwrap();
        for (flag, what) in [
            ("int_array_buf0_size_ovf", "the sizes of buf0"),
            ("tmp_v_offset_ovf", "the offset of the view tmp_v"),
        ] {
            assert!(cpp.contains(&format!("bool {flag} = false;")), "{cpp}");
            assert!(
                cpp.contains(&format!(
                    "if ({flag}) throw std::runtime_error(\"integer overflow or division by zero computing {what}\");"
                )),
                "{cpp}"
            );
        }
        assert!(cpp.contains("static constexpr int64_t int_array_buf0_stride[] = {1L};"));
        // The helpers are in the file, for the prologue alone too, in a namespace of its own
        // (a checks file emitted apart defines `symshape_rt`).
        assert!(cpp.contains("namespace symshape_prologue_rt {"));
        assert!(!cpp.contains("namespace symshape_rt {"));
    }
}

/// A float scalar's declared range is checked with doubles on its side of each end: an
/// integer end without a double (2^53 + 1) becomes the next double inside the range, never
/// one that admits a value outside it; the message prints the double as the comparison does.
#[test]
fn float_scalar_ranges_round_inward() {
    let j = r#"{"mode": "aot", "symbols": {"zf0": {"type": "float", "range": [9007199254740993, 9007199254740995]}}, "inputs": [{"name": "zf0", "kind": "scalar", "type": "float"}]}"#;
    let cpp = generate_cpp(j, Emit::Checks, Flavor::Aoti).unwrap();
    assert!(
        cpp.contains("if (!(zf0_value >= 9007199254740994.0)) symshape_fail(0, \"symbol zf0 is out of its range, expected it to be >= 9007199254740994.0\");"),
        "{cpp}"
    );
    assert!(
        cpp.contains("if (!(zf0_value <= 9007199254740994.0))"),
        "{cpp}"
    );
}
