//! The graph signature (docs/signature.md), validated field by field: every message names the field.

use crate::CodegenError;
use layout::{DType, Device, Layout};
use serde_json::Value as J;
use sym::{Context, Expr, RangeEnd, Symbol, Ty};

/// `aot` (AOTInductorModel::run_impl) or `jit` (inductor_entry_impl).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mode {
    /// AOTInductor.
    Aot,
    /// JIT cpp wrapper.
    Jit,
}

/// A declared symbol.
#[derive(Clone, Debug)]
pub struct SymDecl {
    /// Name (a C++ identifier).
    pub name: String,
    /// Handle in the signature's context.
    pub sym: Symbol,
    /// Int or float.
    pub ty: Ty,
    /// Declared lower end.
    pub lo: Option<Expr>,
    /// Declared upper end.
    pub hi: Option<Expr>,
    /// Listed in the signature's `symbols` (false: a scalar input's symbol not listed there).
    /// Declared symbols come first in [`Signature::symbols`]; they are the slots of the dlpack
    /// flavor's `symbols_out`.
    pub declared: bool,
}

/// A graph input.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Input {
    /// A tensor with its expected layout.
    Tensor {
        /// Name (a C++ identifier).
        name: String,
        /// Expected dtype, device, sizes and strides.
        layout: Layout,
    },
    /// A scalar bound to the symbol of the same name.
    Scalar {
        /// Name (also the symbol).
        name: String,
        /// The symbol.
        sym: Symbol,
        /// Int or float.
        ty: Ty,
    },
}

impl Input {
    /// The input's name.
    pub fn name(&self) -> &str {
        match self {
            Input::Tensor { name, .. } | Input::Scalar { name, .. } => name,
        }
    }
}

/// A graph output: allocated in the prologue, or a view of another buffer.
#[derive(Clone, Debug)]
pub struct Output {
    /// Name.
    pub name: String,
    /// Layout to allocate, or the view's layout over its base's storage.
    pub layout: Layout,
    /// A larger allocation than `layout.sizes` (re-strided after allocation), if given.
    pub allocation_sizes: Option<Vec<Expr>>,
    /// A view (docs/signature.md "Views"): nothing is allocated.
    pub view: Option<OutputView>,
}

/// How an output views its base (an input tensor, a constant with a layout, or an earlier
/// output).
#[derive(Clone, Debug, PartialEq)]
pub enum OutputView {
    /// `"view_of"` with `"sizes"` (and `"strides"`, `"offset"`): `as_strided` of the base in its
    /// dtype (PyTorch's `reinterpret_tensor_wrapper`; an identical layout takes a new handle).
    Strided {
        /// The base's name.
        base: String,
        /// The base's layout.
        base_layout: Layout,
    },
    /// `"view_of"` with only `"dtype"`: `base.view(dtype)` (`aoti_torch_{device}_view_dtype`).
    Dtype {
        /// The base's name.
        base: String,
        /// The base's layout.
        base_layout: Layout,
    },
}

/// A validated signature with its expressions in `cx`.
#[derive(Debug)]
pub struct Signature {
    /// AOT or JIT.
    pub mode: Mode,
    /// The context holding every expression and symbol range.
    pub cx: Context,
    /// Symbols: those of the signature's `symbols` in signature order, then the symbols of
    /// scalar inputs not listed there, in input order. The position is the symbol's slot in the
    /// generated code's symbol arrays.
    pub symbols: Vec<SymDecl>,
    /// Inputs in order (input_handles index).
    pub inputs: Vec<Input>,
    /// Outputs.
    pub outputs: Vec<Output>,
    /// Constant names (weights).
    pub constants: Vec<String>,
    /// The layout of each constant, when given (a view may take a constant as its base).
    pub constant_layouts: Vec<Option<Layout>>,
    /// Shape-environment guards: `(text as written, boolean expression)`, in signature order.
    pub guards: Vec<(String, Expr)>,
}

const CPP_KEYWORDS: &[&str] = &[
    "alignas",
    "alignof",
    "and",
    "and_eq",
    "asm",
    "auto",
    "bitand",
    "bitor",
    "bool",
    "break",
    "case",
    "catch",
    "char",
    "char8_t",
    "char16_t",
    "char32_t",
    "class",
    "compl",
    "concept",
    "const",
    "consteval",
    "constexpr",
    "constinit",
    "const_cast",
    "continue",
    "co_await",
    "co_return",
    "co_yield",
    "decltype",
    "default",
    "delete",
    "do",
    "double",
    "dynamic_cast",
    "else",
    "enum",
    "explicit",
    "export",
    "extern",
    "false",
    "float",
    "for",
    "friend",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "mutable",
    "namespace",
    "new",
    "noexcept",
    "not",
    "not_eq",
    "nullptr",
    "operator",
    "or",
    "or_eq",
    "private",
    "protected",
    "public",
    "register",
    "reinterpret_cast",
    "requires",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "static_assert",
    "static_cast",
    "struct",
    "switch",
    "template",
    "this",
    "thread_local",
    "throw",
    "true",
    "try",
    "typedef",
    "typeid",
    "typename",
    "union",
    "unsigned",
    "using",
    "virtual",
    "void",
    "volatile",
    "wchar_t",
    "while",
    "xor",
    "xor_eq",
    "main",
    "std",
    "errno",
    "assert",
    "NULL",
];

/// Names the generated code itself uses.
const GENERATED: &[&str] = &[
    "input_handles",
    "output_handles",
    "inputs",
    "syms",
    "err",
    "err_len",
    "num_inputs",
    "scalars",
    "symbols_out",
    "kernels",
    "stream",
    "proxy_executor",
    "constants_",
    "release",
    "symshape_rt",
    "py",
];

/// Types and typedefs that the standard headers the generated code includes declare
/// (`<cstdint>`, `<cstddef>`, `<cstdio>`, `<cstdlib>`); the generated code names some of them
/// (`int64_t`, `size_t`) after declaring the signature's names.
const HEADER_TYPES: &[&str] = &[
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
    "int_least8_t",
    "int_least16_t",
    "int_least32_t",
    "int_least64_t",
    "uint_least8_t",
    "uint_least16_t",
    "uint_least32_t",
    "uint_least64_t",
    "int_fast8_t",
    "int_fast16_t",
    "int_fast32_t",
    "int_fast64_t",
    "uint_fast8_t",
    "uint_fast16_t",
    "uint_fast32_t",
    "uint_fast64_t",
    "intmax_t",
    "uintmax_t",
    "intptr_t",
    "uintptr_t",
    "size_t",
    "ssize_t",
    "ptrdiff_t",
    "nullptr_t",
    "max_align_t",
    "off_t",
    "FILE",
    "fpos_t",
    "div_t",
    "ldiv_t",
    "lldiv_t",
    "va_list",
    "wint_t",
    "mbstate_t",
];

/// Names of PyTorch's AOTI runtime that the generated checks and prologue use after declaring
/// the signature's names (and its namespaces).
const TORCH_NAMES: &[&str] = &[
    "AtenTensorHandle",
    "AtenTensorOpaque",
    "RAIIAtenTensorHandle",
    "ConstantHandle",
    "AOTITorchError",
    "AOTInductorModel",
    "AOTInductorModelBase",
    "AOTInductorModelKernels",
    "AOTInductorModelKernelsBase",
    "AOTIProxyExecutorHandle",
    "DeviceStreamType",
    "steal_from_raw_handles_to_raii_handles",
    "reinterpret_tensor_wrapper",
    "wrap_with_raii_handle_if_needed",
    "c10",
    "at",
    "torch",
    "pybind11",
];

/// Macro families of the included headers, refused by prefix: PyTorch's (`AOTI_`, `TORCH_`,
/// `C10_`, `AT_`, `CAFFE2_`) and DLPack's (`DLPACK`).
const HEADER_PREFIXES: &[&str] = &["AOTI_", "TORCH_", "C10_", "AT_", "CAFFE2_", "DLPACK"];

/// The macros of `header_macros.txt` (how it was produced is written at its top).
const HEADER_MACROS: &str = include_str!("header_macros.txt");

/// Why `name` is declared by a header the generated code includes, if it is.
fn header_name(name: &str) -> Option<&'static str> {
    let b = name.as_bytes();
    if HEADER_TYPES.contains(&name) {
        return Some("a type of <cstdint>, <cstddef>, <cstdio> or <cstdlib>");
    }
    if TORCH_NAMES.contains(&name) {
        return Some("a name of PyTorch's AOTI runtime that the generated code uses");
    }
    if HEADER_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Some(
            "a macro prefix of PyTorch's or DLPack's headers: AOTI_, TORCH_, C10_, AT_, CAFFE2_, DLPACK",
        );
    }
    // DLPack's types and enumerators: DLTensor, DLDevice, DLDataType, kDLCPU, kDLFloat, ...
    let dl = |rest: &[u8]| rest.first().is_some_and(|c| c.is_ascii_uppercase());
    if (name.starts_with("DL") && dl(&b[2..])) || (name.starts_with("kDL") && dl(&b[3..])) {
        return Some("a DLPack type or enumerator: DL*, kDL*");
    }
    if HEADER_MACROS
        .lines()
        .any(|l| !l.starts_with('#') && l.trim() == name)
    {
        return Some(
            "a macro of the C/C++ standard headers, of g++ (unix, linux) or of the runtime headers",
        );
    }
    None
}

fn err(field: &str, msg: impl std::fmt::Display) -> CodegenError {
    CodegenError::Signature(format!("{field}: {msg}"))
}

/// Checks that a name can be a C++ identifier in the generated code.
pub fn check_cpp_name(field: &str, name: &str) -> Result<(), CodegenError> {
    let mut ch = name.chars();
    let ok = matches!(ch.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && ch.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        return Err(err(
            field,
            format!(
                "'{}' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)",
                name.escape_debug()
            ),
        ));
    }
    if CPP_KEYWORDS.contains(&name) || GENERATED.contains(&name) {
        return Err(err(
            field,
            format!("'{name}' is a C++ keyword or a name the generated code uses"),
        ));
    }
    if let Some(why) = header_name(name) {
        return Err(err(
            field,
            format!(
                "'{name}' is declared by the headers the generated code includes ({why}); refused"
            ),
        ));
    }
    let b = name.as_bytes();
    if name.starts_with("__") || (b[0] == b'_' && b.len() > 1 && b[1].is_ascii_uppercase()) {
        return Err(err(
            field,
            format!("'{name}' is reserved in C++ (leading __ or _ and a capital)"),
        ));
    }
    if name.starts_with("symshape_")
        || name.starts_with("SYMSHAPE_")
        || name.starts_with("check_input_")
        || name.starts_with("aoti_")
    {
        return Err(err(
            field,
            format!("'{name}' uses a prefix reserved for generated code"),
        ));
    }
    Ok(())
}

/// A new C++ name from field `f`: a valid identifier not used before in the signature.
fn claim_name(names: &[String], f: &str, name: &str) -> Result<(), CodegenError> {
    check_cpp_name(&format!("{f}.name"), name)?;
    if names.iter().any(|n| n == name) {
        return Err(err(&format!("{f}.name"), format!("'{name}' is used twice")));
    }
    Ok(())
}

fn obj<'a>(
    v: &'a J,
    field: &str,
    allowed: &[&str],
) -> Result<&'a serde_json::Map<String, J>, CodegenError> {
    let o = v
        .as_object()
        .ok_or_else(|| err(field, "expected an object"))?;
    for k in o.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(err(
                &format!("{field}.{k}"),
                format!("unknown field (expected one of: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(o)
}

fn string<'a>(
    o: &'a serde_json::Map<String, J>,
    field: &str,
    key: &str,
) -> Result<&'a str, CodegenError> {
    o.get(key)
        .ok_or_else(|| err(&format!("{field}.{key}"), "missing"))?
        .as_str()
        .ok_or_else(|| err(&format!("{field}.{key}"), "expected a string"))
}

impl Signature {
    /// Parses and validates a signature.
    pub fn from_json(text: &str) -> Result<Signature, CodegenError> {
        let v: J = serde_json::from_str(text)
            .map_err(|e| CodegenError::Signature(format!("invalid JSON: {e}")))?;
        let top = obj(
            &v,
            "signature",
            &[
                "mode",
                "symbols",
                "inputs",
                "outputs",
                "constants",
                "guards",
            ],
        )?;
        let mode = match string(top, "signature", "mode")? {
            "aot" => Mode::Aot,
            "jit" => Mode::Jit,
            m => return Err(err("mode", format!("'{m}' (expected \"aot\" or \"jit\")"))),
        };
        let mut cx = Context::new();
        let mut names: Vec<String> = Vec::new();
        let mut symbols = Vec::new();
        if let Some(s) = top.get("symbols") {
            let so = s
                .as_object()
                .ok_or_else(|| err("symbols", "expected an object {name: {range, type}}"))?;
            for (name, spec) in so {
                let f = format!("symbols.{name}");
                check_cpp_name(&f, name)?;
                let o = obj(spec, &f, &["range", "type"])?;
                let ty = match o.get("type").map(|t| t.as_str()) {
                    None | Some(Some("int")) => Ty::Int,
                    Some(Some("float")) => Ty::Float,
                    _ => return Err(err(&format!("{f}.type"), "expected \"int\" or \"float\"")),
                };
                let sym = cx.declare(name, ty).map_err(|e| err(&f, e))?;
                let (mut lo, mut hi) = (None, None);
                if let Some(r) = o.get("range") {
                    let arr = r
                        .as_array()
                        .filter(|a| a.len() == 2)
                        .ok_or_else(|| err(&format!("{f}.range"), "expected [lo, hi]"))?;
                    let mut ends = [RangeEnd::Infinite; 2];
                    for (i, e) in arr.iter().enumerate() {
                        let ef = format!("{f}.range[{i}]");
                        ends[i] = match e {
                            J::Null => RangeEnd::Infinite,
                            J::Number(n) => RangeEnd::Expr(
                                cx.int(
                                    n.as_i64()
                                        .ok_or_else(|| err(&ef, "expected a 64-bit integer"))?,
                                ),
                            ),
                            J::String(t) => {
                                cx.parse_range_end_of(t, i == 1).map_err(|e| err(&ef, e))?
                            }
                            _ => {
                                return Err(err(&ef, "expected an integer, null or an expression"));
                            }
                        };
                    }
                    cx.set_range(sym, ends[0], ends[1])
                        .map_err(|e| err(&format!("{f}.range"), e))?;
                    if let RangeEnd::Expr(x) = ends[0] {
                        lo = Some(x);
                    }
                    if let RangeEnd::Expr(x) = ends[1] {
                        hi = Some(x);
                    }
                }
                names.push(name.clone());
                symbols.push(SymDecl {
                    name: name.clone(),
                    sym,
                    ty,
                    lo,
                    hi,
                    declared: true,
                });
            }
        }
        // Scalar inputs define symbols of their own name: declare them before any size uses them.
        let ins = top
            .get("inputs")
            .ok_or_else(|| err("inputs", "missing"))?
            .as_array()
            .ok_or_else(|| err("inputs", "expected an array"))?;
        for (i, x) in ins.iter().enumerate() {
            if x.get("kind").and_then(|k| k.as_str()) != Some("scalar") {
                continue;
            }
            let f = format!("inputs[{i}]");
            let o = obj(x, &f, &["name", "kind", "type"])?;
            let name = string(o, &f, "name")?.to_string();
            check_cpp_name(&format!("{f}.name"), &name)?;
            let ty = match o.get("type").map(|t| t.as_str()) {
                None | Some(Some("int")) => Ty::Int,
                Some(Some("float")) => Ty::Float,
                _ => return Err(err(&format!("{f}.type"), "expected \"int\" or \"float\"")),
            };
            let sym = cx
                .declare(&name, ty)
                .map_err(|e| err(&format!("{f}.type"), e))?;
            if !names.contains(&name) {
                names.push(name.clone());
                symbols.push(SymDecl {
                    name: name.clone(),
                    sym,
                    ty,
                    lo: None,
                    hi: None,
                    declared: false,
                });
            }
        }
        let declared: Vec<String> = names.clone();
        let symbols_declared = |n: &str| declared.iter().any(|d| d == n);
        let parse_dims = |cx: &mut Context,
                          o: &serde_json::Map<String, J>,
                          f: &str,
                          key: &str|
         -> Result<Option<Vec<Expr>>, CodegenError> {
            let Some(v) = o.get(key) else { return Ok(None) };
            let arr = v
                .as_array()
                .ok_or_else(|| err(&format!("{f}.{key}"), "expected an array"))?;
            let mut out = Vec::new();
            for (d, x) in arr.iter().enumerate() {
                let ff = format!("{f}.{key}[{d}]");
                let e = match x {
                    J::Number(n) => cx.int(
                        n.as_i64()
                            .ok_or_else(|| err(&ff, "expected a 64-bit integer"))?,
                    ),
                    J::String(t) => cx.parse(t).map_err(|e| err(&ff, e))?,
                    _ => return Err(err(&ff, "expected an integer or an expression string")),
                };
                if cx.ty(e) != Ty::Int {
                    return Err(err(&ff, "sizes and strides must be integer expressions"));
                }
                if key != "strides"
                    && let Some(v) = cx.as_int(e)
                    && v < 0
                {
                    return Err(err(&ff, format!("a size must be >= 0, got {v}")));
                }
                for s in cx.free_symbols(e) {
                    let n = cx.sym_name(s).to_string();
                    if !symbols_declared(&n) {
                        return Err(err(
                            &ff,
                            format!("symbol '{n}' is not declared in \"symbols\""),
                        ));
                    }
                }
                out.push(e);
            }
            Ok(Some(out))
        };
        let layout_of = |cx: &mut Context,
                         o: &serde_json::Map<String, J>,
                         f: &str|
         -> Result<Layout, CodegenError> {
            let dtype =
                DType::parse(string(o, f, "dtype")?).map_err(|e| err(&format!("{f}.dtype"), e))?;
            let device = Device::parse(string(o, f, "device")?)
                .map_err(|e| err(&format!("{f}.device"), e))?;
            let sizes = parse_dims(cx, o, f, "sizes")?
                .ok_or_else(|| err(&format!("{f}.sizes"), "missing"))?;
            let strides = match parse_dims(cx, o, f, "strides")? {
                Some(s) => s,
                None => Layout::contiguous_strides(cx, &sizes),
            };
            if strides.len() != sizes.len() {
                return Err(err(
                    &format!("{f}.strides"),
                    format!("{} strides for {} sizes", strides.len(), sizes.len()),
                ));
            }
            let offset = cx.int(0);
            Layout::new(device, dtype, sizes, strides, offset).map_err(|e| err(f, e))
        };
        let mut inputs = Vec::new();
        for (i, x) in ins.iter().enumerate() {
            let f = format!("inputs[{i}]");
            let kind = x.get("kind").and_then(|k| k.as_str()).unwrap_or("tensor");
            match kind {
                "tensor" => {
                    let o = obj(
                        x,
                        &f,
                        &["name", "kind", "dtype", "device", "sizes", "strides"],
                    )?;
                    let name = string(o, &f, "name")?.to_string();
                    claim_name(&names, &f, &name)?;
                    let layout = layout_of(&mut cx, o, &f)?;
                    names.push(name.clone());
                    inputs.push(Input::Tensor { name, layout });
                }
                "scalar" => {
                    let o = obj(x, &f, &["name", "kind", "type"])?;
                    let name = string(o, &f, "name")?.to_string();
                    if inputs.iter().any(|p: &Input| p.name() == name) {
                        return Err(err(&format!("{f}.name"), format!("'{name}' is used twice")));
                    }
                    let decl = symbols
                        .iter()
                        .find(|d| d.name == name)
                        .expect("declared in the first pass");
                    inputs.push(Input::Scalar {
                        name,
                        sym: decl.sym,
                        ty: decl.ty,
                    });
                }
                k => {
                    return Err(err(
                        &format!("{f}.kind"),
                        format!("'{k}' (expected \"tensor\" or \"scalar\")"),
                    ));
                }
            }
        }
        let mut constants = Vec::new();
        let mut constant_layouts = Vec::new();
        if let Some(cs) = top.get("constants") {
            for (i, x) in cs
                .as_array()
                .ok_or_else(|| err("constants", "expected an array"))?
                .iter()
                .enumerate()
            {
                let f = format!("constants[{i}]");
                let (name, layout) = match x {
                    J::String(s) => (s.clone(), None),
                    J::Object(_) => {
                        let o = obj(x, &f, &["name", "dtype", "device", "sizes", "strides"])?;
                        let name = string(o, &f, "name")?.to_string();
                        // A layout (all of dtype, device, sizes) lets a view take it as its base.
                        let layout = if o.len() > 1 {
                            Some(layout_of(&mut cx, o, &f)?)
                        } else {
                            None
                        };
                        (name, layout)
                    }
                    _ => return Err(err(&f, "expected a name or {\"name\": ...}")),
                };
                claim_name(&names, &f, &name)?;
                names.push(name.clone());
                constants.push(name);
                constant_layouts.push(layout);
            }
        }
        let mut outputs = Vec::new();
        if let Some(outs) = top.get("outputs") {
            for (i, x) in outs
                .as_array()
                .ok_or_else(|| err("outputs", "expected an array"))?
                .iter()
                .enumerate()
            {
                let f = format!("outputs[{i}]");
                if x.get("view_of").is_some() {
                    let out = parse_view(
                        &mut cx,
                        x,
                        &f,
                        &names,
                        &inputs,
                        &outputs,
                        (&constants, &constant_layouts),
                        &parse_dims,
                    )?;
                    names.push(out.name.clone());
                    outputs.push(out);
                    continue;
                }
                let o = obj(
                    x,
                    &f,
                    &[
                        "name",
                        "dtype",
                        "device",
                        "sizes",
                        "strides",
                        "allocation_sizes",
                    ],
                )?;
                let name = string(o, &f, "name")?.to_string();
                claim_name(&names, &f, &name)?;
                let layout = layout_of(&mut cx, o, &f)?;
                let allocation_sizes = parse_dims(&mut cx, o, &f, "allocation_sizes")?;
                if allocation_sizes
                    .as_ref()
                    .is_some_and(|a| a.len() != layout.rank())
                {
                    return Err(err(
                        &format!("{f}.allocation_sizes"),
                        "must have one entry per dimension",
                    ));
                }
                names.push(name.clone());
                outputs.push(Output {
                    name,
                    layout,
                    allocation_sizes,
                    view: None,
                });
            }
        }
        check_derived_names(&symbols, &inputs, &outputs, &constants)?;
        // Guards: boolean predicates over declared symbols (PyTorch's shape_env.guards).
        let mut guards = Vec::new();
        if let Some(gs) = top.get("guards") {
            let arr = gs
                .as_array()
                .ok_or_else(|| err("guards", "expected an array of predicate strings"))?;
            for (k, g) in arr.iter().enumerate() {
                let f = format!("guards[{k}]");
                let t = g
                    .as_str()
                    .ok_or_else(|| err(&f, "expected a predicate string"))?;
                let e = cx.parse(t).map_err(|e| err(&f, e))?;
                if cx.ty(e) != Ty::Bool {
                    return Err(err(
                        &f,
                        format!("'{t}' is not a predicate (expected a boolean expression)"),
                    ));
                }
                for s in cx.free_symbols(e) {
                    let n = cx.sym_name(s).to_string();
                    if !symbols_declared(&n) {
                        return Err(err(
                            &f,
                            format!("symbol '{n}' is not declared in \"symbols\""),
                        ));
                    }
                }
                guards.push((t.to_string(), e));
            }
        }
        cx.check_facts().map_err(|e| err("symbols", e))?;
        // A size that no value of its symbols' ranges makes >= 0 can never match a tensor.
        let mut dims: Vec<(String, Expr)> = Vec::new();
        for (i, inp) in inputs.iter().enumerate() {
            if let Input::Tensor { layout, .. } = inp {
                for (d, e) in layout.sizes.iter().enumerate() {
                    dims.push((format!("inputs[{i}].sizes[{d}]"), *e));
                }
            }
        }
        for (i, o) in outputs.iter().enumerate() {
            for (d, e) in o.layout.sizes.iter().enumerate() {
                dims.push((format!("outputs[{i}].sizes[{d}]"), *e));
            }
            for (d, e) in o.allocation_sizes.iter().flatten().enumerate() {
                dims.push((format!("outputs[{i}].allocation_sizes[{d}]"), *e));
            }
        }
        for (f, e) in dims {
            if cx.as_int(e).is_none()
                && let sym::Bound::Int { hi: Some(hi), .. } = cx.bound(e)
                && hi < 0
            {
                return Err(err(
                    &f,
                    format!(
                        "the size {} is negative for every value in its symbols' ranges (at most {hi})",
                        cx.display(e)
                    ),
                ));
            }
        }
        Ok(Signature {
            mode,
            cx,
            symbols,
            inputs,
            outputs,
            constants,
            constant_layouts,
            guards,
        })
    }
}

/// The names the generated code derives from the signature's names (PyTorch's look:
/// `{input}_size`, `{output}_handle`, `{scalar}_value`, ...), each with the field and name it is
/// derived from. The generator's own temporaries start with `symshape_` instead, which no
/// signature name may.
fn derived_names(inputs: &[Input], outputs: &[Output]) -> Vec<(String, String, String)> {
    let mut v = Vec::new();
    for (i, inp) in inputs.iter().enumerate() {
        let f = format!("inputs[{i}]");
        let mut add = |d: String, name: &str| v.push((d, f.clone(), name.to_string()));
        match inp {
            // The checks read a scalar input into `{name}_value` (PyTorch's codegen_tensor_item).
            Input::Scalar { name, .. } => add(format!("{name}_value"), name),
            // The prologue's `{name}_size` / `{name}_stride` arrays and the dims it solves from
            // (`{name}_size_{d}`); the others are PyTorch's names for the same metadata.
            Input::Tensor { name, layout } => {
                for suffix in ["size", "stride", "dim", "dtype", "device_type"] {
                    add(format!("{name}_{suffix}"), name);
                }
                for d in 0..layout.rank() {
                    add(format!("{name}_size_{d}"), name);
                    add(format!("{name}_stride_{d}"), name);
                }
            }
        }
    }
    for (i, o) in outputs.iter().enumerate() {
        let f = format!("outputs[{i}]");
        let name = &o.name;
        let mut add = |d: String| v.push((d, f.clone(), name.clone()));
        if o.view.is_none() {
            // make_allocation.
            add(format!("int_array_{name}_size"));
            add(format!("int_array_{name}_alloc_size"));
            add(format!("int_array_{name}_stride"));
            add(format!("{name}_handle"));
            add(format!("{name}_handle_restrided"));
        } else {
            // reinterpret_view.
            add(format!("tmp_{name}"));
            add(format!("int_array_tmp_{name}_size"));
            add(format!("int_array_tmp_{name}_stride"));
        }
    }
    v
}

/// Refuses a signature name that is a name the generated code derives from another (outputs
/// `x` and `x_handle`), two names that derive the same name (outputs `b` with an
/// `allocation_sizes` and `b_alloc` both give `int_array_b_alloc_size`), and a derived name that
/// is a keyword or a header's name. Every message names the field and the name it collides with.
fn check_derived_names(
    symbols: &[SymDecl],
    inputs: &[Input],
    outputs: &[Output],
    constants: &[String],
) -> Result<(), CodegenError> {
    let mut user: Vec<(String, &str)> = Vec::new();
    for d in symbols.iter().filter(|d| d.declared) {
        user.push((format!("symbols.{}", d.name), &d.name));
    }
    for (i, x) in inputs.iter().enumerate() {
        user.push((format!("inputs[{i}].name"), x.name()));
    }
    for (i, o) in outputs.iter().enumerate() {
        user.push((format!("outputs[{i}].name"), &o.name));
    }
    for (i, c) in constants.iter().enumerate() {
        user.push((format!("constants[{i}]"), c));
    }
    let derived = derived_names(inputs, outputs);
    for (f, n) in &user {
        if let Some((d, df, dn)) = derived.iter().find(|(d, ..)| d == n) {
            return Err(err(
                f,
                format!(
                    "'{n}' collides with the name '{d}' that the generated code derives from {df} '{dn}'; rename one of them"
                ),
            ));
        }
    }
    for (k, (d, df, dn)) in derived.iter().enumerate() {
        if let Some((_, ef, en)) = derived[..k].iter().find(|(e, ..)| e == d) {
            return Err(err(
                &format!("{df}.name"),
                format!(
                    "'{dn}' and {ef} '{en}' both make the generated code declare '{d}'; rename one"
                ),
            ));
        }
        if CPP_KEYWORDS.contains(&d.as_str()) || GENERATED.contains(&d.as_str()) {
            return Err(err(
                &format!("{df}.name"),
                format!(
                    "'{dn}' makes the generated code declare '{d}', a C++ keyword or a name it uses"
                ),
            ));
        }
        if let Some(why) = header_name(d) {
            return Err(err(
                &format!("{df}.name"),
                format!(
                    "'{dn}' makes the generated code declare '{d}', which the included headers declare ({why})"
                ),
            ));
        }
    }
    Ok(())
}

/// The `parse_dims` closure of [`Signature::from_json`].
type ParseDims<'a> = dyn Fn(
        &mut Context,
        &serde_json::Map<String, J>,
        &str,
        &str,
    ) -> Result<Option<Vec<Expr>>, CodegenError>
    + 'a;

/// An output declared as a view (`"view_of"`): its base resolved (an input tensor, a constant
/// with a layout, or an earlier output), its layout computed and validated; every message names
/// the field.
#[allow(clippy::too_many_arguments)]
fn parse_view(
    cx: &mut Context,
    x: &J,
    f: &str,
    names: &[String],
    inputs: &[Input],
    outputs: &[Output],
    (constants, constant_layouts): (&[String], &[Option<Layout>]),
    parse_dims: &ParseDims<'_>,
) -> Result<Output, CodegenError> {
    let o = obj(
        x,
        f,
        &[
            "name", "view_of", "dtype", "device", "sizes", "strides", "offset",
        ],
    )?;
    let name = string(o, f, "name")?.to_string();
    claim_name(names, f, &name)?;
    let fv = format!("{f}.view_of");
    let base = string(o, f, "view_of")?;
    let shown = base.escape_debug().to_string();
    // The base's layout, and its storage in elements when this signature allocates it.
    let mut storage: Option<Expr> = None;
    let base_layout: Layout = if let Some(inp) = inputs.iter().find(|i| i.name() == base) {
        match inp {
            Input::Tensor { layout, .. } => layout.clone(),
            Input::Scalar { .. } => {
                return Err(err(
                    &fv,
                    format!("'{shown}' is a scalar input, not a tensor"),
                ));
            }
        }
    } else if let Some(out) = outputs.iter().find(|o| o.name == base) {
        if out.view.is_none() {
            let alloc = match &out.allocation_sizes {
                Some(a) => Layout {
                    sizes: a.clone(),
                    ..out.layout.clone()
                },
                None => out.layout.clone(),
            };
            storage = Some(alloc.storage_size(cx).map_err(|e| err(&fv, e))?);
        }
        out.layout.clone()
    } else if let Some(k) = constants.iter().position(|c| c == base) {
        constant_layouts[k].clone().ok_or_else(|| {
            err(
                &fv,
                format!(
                    "constant '{shown}' has no layout: give constants[{k}] its \"dtype\", \"device\", \"sizes\" (and \"strides\") to view it"
                ),
            )
        })?
    } else {
        let mut known: Vec<&str> = inputs
            .iter()
            .filter(|i| matches!(i, Input::Tensor { .. }))
            .map(|i| i.name())
            .collect();
        known.extend(outputs.iter().map(|o| o.name.as_str()));
        known.extend(constants.iter().map(String::as_str));
        let hint = known
            .iter()
            .filter(|k| {
                let d = sym::edit_distance(k, base);
                d <= 2 && d < base.len()
            })
            .min_by_key(|k| sym::edit_distance(k, base))
            .map(|k| format!("; did you mean '{k}'?"))
            .unwrap_or_default();
        let why = if base == name {
            "a view cannot be a view of itself".to_string()
        } else {
            format!(
                "unknown buffer '{shown}' (expected an input tensor, a constant with a layout, or an output declared before this one){hint}"
            )
        };
        return Err(err(&fv, why));
    };
    let device = match o.get("device") {
        None => base_layout.device.clone(),
        Some(_) => {
            let d = Device::parse(string(o, f, "device")?)
                .map_err(|e| err(&format!("{f}.device"), e))?;
            if d != base_layout.device {
                return Err(err(
                    &format!("{f}.device"),
                    format!(
                        "a view is on its base's device ({}), not {}",
                        base_layout.device.kind(),
                        d.kind()
                    ),
                ));
            }
            d
        }
    };
    let dtype = match o.get("dtype") {
        None => base_layout.dtype,
        Some(_) => {
            DType::parse(string(o, f, "dtype")?).map_err(|e| err(&format!("{f}.dtype"), e))?
        }
    };
    let strided = ["sizes", "strides", "offset"]
        .iter()
        .any(|k| o.contains_key(*k));
    if !strided {
        if dtype == base_layout.dtype {
            // The identical layout: a new handle to the same tensor.
            return Ok(Output {
                name,
                layout: base_layout.clone(),
                allocation_sizes: None,
                view: Some(OutputView::Strided {
                    base: base.to_string(),
                    base_layout,
                }),
            });
        }
        let layout = base_layout.view_dtype(cx, dtype).map_err(|e| {
            err(
                &format!("{f}.dtype"),
                format!(
                    "cannot view '{shown}' ({}) as {}: {}",
                    base_layout.dtype.name(),
                    dtype.name(),
                    e.to_string().trim_start_matches("invalid view: ")
                ),
            )
        })?;
        return Ok(Output {
            name,
            layout,
            allocation_sizes: None,
            view: Some(OutputView::Dtype {
                base: base.to_string(),
                base_layout,
            }),
        });
    }
    if dtype != base_layout.dtype {
        return Err(err(
            &format!("{f}.dtype"),
            format!(
                "a view with sizes, strides or offset reads '{shown}' in its dtype ({}); for a dtype view give only \"view_of\" and \"dtype\", then view that output",
                base_layout.dtype.name()
            ),
        ));
    }
    let sizes = parse_dims(cx, o, f, "sizes")?.ok_or_else(|| {
        err(
            &format!("{f}.sizes"),
            "missing (a view with strides or an offset needs its sizes)",
        )
    })?;
    let strides = match parse_dims(cx, o, f, "strides")? {
        Some(s) => s,
        None => Layout::contiguous_strides(cx, &sizes),
    };
    if strides.len() != sizes.len() {
        return Err(err(
            &format!("{f}.strides"),
            format!("{} strides for {} sizes", strides.len(), sizes.len()),
        ));
    }
    let offset = match parse_dims_one(cx, o, f, "offset", parse_dims)? {
        Some(e) => e,
        None => cx.int(0),
    };
    // as_strided refuses negative strides and offsets.
    let zero = cx.int(0);
    for (what, e) in strides
        .iter()
        .enumerate()
        .map(|(d, e)| (format!("{f}.strides[{d}]"), *e))
        .chain([(format!("{f}.offset"), offset)])
    {
        let neg = cx.compare(sym::CmpOp::Lt, e, zero);
        if neg.is_some_and(|p| cx.prove(p) == Ok(sym::Truth::True)) {
            return Err(err(
                &what,
                format!(
                    "{} is negative (a view's strides and offset are >= 0, as as_strided requires)",
                    cx.display(e)
                ),
            ));
        }
    }
    let layout = Layout::new(device, dtype, sizes, strides, offset).map_err(|e| err(f, e))?;
    if let Some(st) = storage {
        let need = layout.storage_size(cx).map_err(|e| err(f, e))?;
        let over = cx.compare(sym::CmpOp::Lt, st, need);
        if over.is_some_and(|p| cx.prove(p) == Ok(sym::Truth::True)) {
            return Err(err(
                f,
                format!(
                    "the view needs {} elements of storage, more than '{shown}' allocates ({})",
                    cx.display(need),
                    cx.display(st)
                ),
            ));
        }
    }
    Ok(Output {
        name,
        layout,
        allocation_sizes: None,
        view: Some(OutputView::Strided {
            base: base.to_string(),
            base_layout,
        }),
    })
}

/// One integer expression (`"offset"`): an integer or an expression string, as a dim.
fn parse_dims_one(
    cx: &mut Context,
    o: &serde_json::Map<String, J>,
    f: &str,
    key: &str,
    parse_dims: &ParseDims<'_>,
) -> Result<Option<Expr>, CodegenError> {
    let Some(v) = o.get(key) else { return Ok(None) };
    let mut m = serde_json::Map::new();
    m.insert(key.to_string(), J::Array(vec![v.clone()]));
    let r = parse_dims(cx, &m, f, key).map_err(|e| match e {
        CodegenError::Signature(t) => CodegenError::Signature(
            t.replace(&format!("{f}.{key}[0]"), &format!("{f}.{key}"))
                .replace("a size must be", &format!("the {key} must be"))
                .replace("sizes and strides must be", &format!("the {key} must be")),
        ),
        other => other,
    })?;
    Ok(r.and_then(|v| v.first().copied()))
}
