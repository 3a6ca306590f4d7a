//! Emission of the runtime checks (both flavors) and of the wrapper prologue.

use crate::bind::{Binding, Plan, Source};
use crate::cexpr::{cexpr, checked};
use crate::spec::{Input, Mode, Signature};
use crate::writer::Writer;
use crate::{CodegenError, Flavor, Options};
use sym::{Bound, Expr, Ty};

/// One piece of a failure message: literal text or an int64 C++ expression.
enum Part {
    Lit(String),
    Int(String),
}

use Part::{Int, Lit};

struct Fx {
    flavor: Flavor,
}

impl Fx {
    fn handles(&self) -> &'static str {
        match self.flavor {
            Flavor::Aoti => "input_handles",
            Flavor::Dlpack => "inputs",
        }
    }

    /// A statement that reports `parts` as the failure.
    fn fail(&self, w: &mut Writer, parts: &[Part]) {
        match self.flavor {
            Flavor::Aoti => {
                // `symshape_fail(text, value, text, ...)`: the out-of-line overloads of
                // FAIL_HELPERS (text and values alternate, starting and ending with text), so a
                // check costs a call, not a string expression, and the fragment needs only
                // <string> and <stdexcept> (no <sstream>: it may be pasted inside
                // `namespace torch::aot_inductor` after the includer's own includes).
                let mut texts: Vec<String> = vec![String::new()];
                let mut values: Vec<&str> = Vec::new();
                for p in parts {
                    match p {
                        Lit(t) => texts.last_mut().expect("starts with text").push_str(t),
                        Int(e) => {
                            values.push(e);
                            texts.push(String::new());
                        }
                    }
                }
                assert!(
                    values.len() <= 2,
                    "aoti failure messages carry at most two values (FAIL_HELPERS)"
                );
                let mut args = vec![format!("\"{}\"", esc(&texts[0]))];
                for (v, t) in values.iter().zip(&texts[1..]) {
                    // An integer expression converts to the `long long` parameter implicitly.
                    args.push((*v).to_string());
                    args.push(format!("\"{}\"", esc(t)));
                }
                w.line(&format!("symshape_fail({});", args.join(", ")));
            }
            Flavor::Dlpack => {
                let mut fmt = String::new();
                let mut args = Vec::new();
                for p in parts {
                    match p {
                        Lit(t) => fmt.push_str(&esc(t).replace('%', "%%")),
                        Int(e) => {
                            fmt.push_str("%lld");
                            args.push(format!("static_cast<long long>({e})"));
                        }
                    }
                }
                let a = if args.is_empty() {
                    String::new()
                } else {
                    format!(", {}", args.join(", "))
                };
                w.line(&format!(
                    "if (err && err_len) {{ std::snprintf(err, err_len, \"{fmt}\"{a}); }}"
                ));
                w.line("return 1;");
            }
        }
    }

    fn prefix(&self, i: usize) -> String {
        format!("{}[{i}]: ", self.handles())
    }
}

/// The failure helpers of the `aoti` flavor (after `runtime.hpp`; per generated file, like its
/// other static functions). Each throws `std::runtime_error` with the message and a newline, as
/// PyTorch's checks do.
pub(crate) const FAIL_HELPERS: &str = r#"[[maybe_unused]] [[noreturn]] AOTI_NOINLINE static void symshape_fail(const char* a) {
    throw ::std::runtime_error(::std::string(a) + "\n");
}
[[maybe_unused]] [[noreturn]] AOTI_NOINLINE static void symshape_fail(const char* a, long long x, const char* b) {
    throw ::std::runtime_error(::std::string(a) + ::std::to_string(x) + b + "\n");
}
[[maybe_unused]] [[noreturn]] AOTI_NOINLINE static void symshape_fail(const char* a, long long x, const char* b, long long y, const char* c) {
    throw ::std::runtime_error(::std::string(a) + ::std::to_string(x) + b + ::std::to_string(y) + c + "\n");
}
"#;

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// DLPack device type codes (kDLCPU 1, kDLCUDA 2, ...), from c10 device type names.
fn dlpack_device(kind: &str) -> Option<i32> {
    Some(match kind {
        "cpu" => 1,
        "cuda" => 2,
        "opencl" => 4,
        "vulkan" => 7,
        "metal" => 8,
        "hip" => 10,
        "xpu" => 14,
        "maia" => 17,
        _ => return None,
    })
}

pub(crate) struct Emitter<'a> {
    sig: &'a mut Signature,
    plan: &'a Plan,
    fx: Fx,
    opts: &'a Options,
}

impl<'a> Emitter<'a> {
    pub fn new(sig: &'a mut Signature, plan: &'a Plan, opts: &'a Options) -> Self {
        Emitter {
            sig,
            plan,
            fx: Fx {
                flavor: opts.flavor,
            },
            opts,
        }
    }

    /// The slot of `s` in `syms` / `symshape_fsyms` (and, for a declared symbol, in the dlpack
    /// `symbols_out`): its position in [`Signature::symbols`] (see [`slot_comment`]).
    fn sym_index(&self, s: sym::Symbol) -> usize {
        slot(self.sig, s)
    }

    /// Loads of the symbols an expression uses (as locals from `syms`).
    fn load_syms(&mut self, w: &mut Writer, exprs: &[Expr], loaded: &mut Vec<sym::Symbol>) {
        for &e in exprs {
            for s in self.sig.cx.free_symbols(e) {
                if loaded.contains(&s) || self.plan.of(s).is_none() {
                    continue;
                }
                let ty = if self.sig.cx.sym_ty(s) == Ty::Float {
                    "double"
                } else {
                    "int64_t"
                };
                let k = self.sym_index(s);
                let name = self.sig.cx.sym_name(s).to_string();
                if ty == "double" {
                    w.line(&format!(
                        "[[maybe_unused]] const double {name} = symshape_fsyms[{k}];"
                    ));
                } else {
                    w.line(&format!(
                        "[[maybe_unused]] const int64_t {name} = syms[{k}];"
                    ));
                }
                loaded.push(s);
            }
        }
    }

    /// `int64_t v = <checked e>;` with an overflow failure naming `what`.
    fn checked_value(
        &mut self,
        w: &mut Writer,
        var: &str,
        e: Expr,
        i: usize,
        what: &str,
    ) -> Result<(), CodegenError> {
        if let Some(v) = self.sig.cx.as_int(e) {
            w.line(&format!("const int64_t {var} = {};", c_int(v)));
            return Ok(());
        }
        let flag = format!("{var}_ovf");
        let c = checked(&mut self.sig.cx, e, &flag)?;
        w.line(&format!("bool {flag} = false;"));
        w.line(&format!("const int64_t {var} = {c};"));
        w.open(&format!("if ({flag}) {{"));
        let text = self.sig.cx.display(e);
        self.fx.fail(
            w,
            &[Lit(format!(
                "{}integer overflow or division by zero computing {text} ({what})",
                self.fx.prefix(i)
            ))],
        );
        w.close("}");
        Ok(())
    }

    fn tensor_reads(&self, w: &mut Writer, i: usize, name: &str, rank: usize) {
        let p = self.fx.prefix(i);
        match self.fx.flavor {
            Flavor::Aoti => {
                w.line(&format!("AtenTensorHandle {name} = input_handles[{i}];"));
                w.line(&format!("int64_t {name}_dim;"));
                w.line(&format!(
                    "AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_dim({name}, &{name}_dim));"
                ));
                w.open(&format!("if ({name}_dim != {rank}) {{"));
                self.fx.fail(
                    w,
                    &[
                        Lit(format!("{p}unmatched rank, expected: {rank}, but got: ")),
                        Int(format!("{name}_dim")),
                    ],
                );
                w.close("}");
                w.line(&format!("int64_t* {name}_size;"));
                w.line(&format!(
                    "AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_sizes({name}, &{name}_size));"
                ));
                w.line(&format!("int64_t* {name}_stride;"));
                w.line(&format!(
                    "AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_strides({name}, &{name}_stride));"
                ));
            }
            Flavor::Dlpack => {
                w.line(&format!("const DLTensor* {name} = inputs[{i}];"));
                w.open(&format!("if ({name} == nullptr) {{"));
                self.fx.fail(w, &[Lit(format!("{p}is null"))]);
                w.close("}");
                w.line(&format!("const int64_t {name}_dim = {name}->ndim;"));
                w.open(&format!("if ({name}_dim != {rank}) {{"));
                self.fx.fail(
                    w,
                    &[
                        Lit(format!("{p}unmatched rank, expected: {rank}, but got: ")),
                        Int(format!("{name}_dim")),
                    ],
                );
                w.close("}");
                w.line(&format!("const int64_t* {name}_size = {name}->shape;"));
                w.line(&format!("(void){name}_size;"));
                // A NULL strides pointer means compact row-major strides.
                w.line(&format!("int64_t {name}_stride[{}] = {{0}};", rank.max(1)));
                w.line(&format!("bool {name}_stride_ovf = false;"));
                w.line(&format!(
                    "for (int32_t d = 0; d < {rank}; ++d) {name}_stride[d] = {name}->strides ? {name}->strides[d] : symshape_rt::compact_stride({name}->shape, {rank}, d, {name}_stride_ovf);"
                ));
                w.open(&format!("if ({name}_stride_ovf) {{"));
                self.fx.fail(
                    w,
                    &[Lit(format!(
                        "{p}integer overflow computing compact strides"
                    ))],
                );
                w.close("}");
                w.line(&format!("(void){name}_stride;"));
            }
        }
    }

    fn scalar_read(&self, w: &mut Writer, i: usize, name: &str, ty: Ty) {
        match (self.fx.flavor, ty) {
            (Flavor::Aoti, Ty::Float) => {
                w.line(&format!("double {name}_value;"));
                w.line(&format!("AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_item_float64(input_handles[{i}], &{name}_value));"));
            }
            (Flavor::Aoti, _) => {
                w.line(&format!("int64_t {name}_value;"));
                w.line(&format!("AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_item_int64(input_handles[{i}], &{name}_value));"));
            }
            (Flavor::Dlpack, Ty::Float) => {
                // A float scalar's `scalars` entry holds the bits of its IEEE-754 double.
                let k = self.scalar_slot(i);
                w.line(&format!("double {name}_value = 0.0;"));
                w.line(&format!(
                    "__builtin_memcpy(&{name}_value, &scalars[{k}], sizeof(double));"
                ));
            }
            (Flavor::Dlpack, _) => {
                let k = self.scalar_slot(i);
                w.line(&format!("const int64_t {name}_value = scalars[{k}];"));
            }
        }
    }

    /// Index of input `i` among the scalar inputs (the dlpack `scalars` array).
    fn scalar_slot(&self, i: usize) -> usize {
        self.sig.inputs[..i]
            .iter()
            .filter(|x| matches!(x, Input::Scalar { .. }))
            .count()
    }

    /// The bind function: reads what binding needs (rank-checked first), computes every symbol.
    fn emit_bind(&mut self, w: &mut Writer) -> Result<(), CodegenError> {
        match self.fx.flavor {
            Flavor::Aoti => w.open("AOTI_NOINLINE static void symshape_bind_symbols(AtenTensorHandle* input_handles, int64_t* syms, double* symshape_fsyms) {"),
            Flavor::Dlpack => w.open("static int symshape_bind_symbols(const DLTensor* const* inputs, const int64_t* scalars, int64_t* syms, double* symshape_fsyms, char* err, size_t err_len) {"),
        }
        w.line(&format!(
            "(void){}; (void)syms; (void)symshape_fsyms;",
            self.fx.handles()
        ));
        if self.fx.flavor == Flavor::Dlpack {
            w.line("(void)scalars; (void)err; (void)err_len;");
        }
        let mut read: Vec<usize> = Vec::new();
        let bindings: Vec<Binding> = self.plan.bindings.clone();
        for b in &bindings {
            let k = self.sym_index(b.sym);
            let (i, value) = match b.source {
                Source::Scalar(i) => {
                    if !read.contains(&i) {
                        let (name, ty) = match &self.sig.inputs[i] {
                            Input::Scalar { name, ty, .. } => (name.clone(), *ty),
                            Input::Tensor { .. } => unreachable!("scalar source"),
                        };
                        self.scalar_read(w, i, &name, ty);
                        read.push(i);
                    }
                    (i, format!("{}_value", self.sig.inputs[i].name()))
                }
                Source::Size(i, d) | Source::Stride(i, d) => {
                    let Input::Tensor { name, layout } = &self.sig.inputs[i] else {
                        unreachable!("tensor source")
                    };
                    let (name, rank) = (name.clone(), layout.rank());
                    if !read.contains(&i) {
                        self.tensor_reads(w, i, &name, rank);
                        read.push(i);
                    }
                    let arr = if matches!(b.source, Source::Size(..)) {
                        "size"
                    } else {
                        "stride"
                    };
                    (i, format!("{name}_{arr}[{d}]"))
                }
            };
            let sname = self.sig.cx.sym_name(b.sym).to_string();
            let is_float = self.sig.cx.sym_ty(b.sym) == Ty::Float;
            match b.rhs {
                None if is_float => {
                    w.line(&format!("symshape_fsyms[{k}] = {value};"));
                    w.line(&format!("[[maybe_unused]] const double {sname} = {value};"));
                    continue;
                }
                None => w.line(&format!("const int64_t {sname} = {value};")),
                Some(rhs) => {
                    let (Source::Size(_, d) | Source::Stride(_, d)) = b.source else {
                        unreachable!("solved from a dim")
                    };
                    let var = match b.source {
                        Source::Size(..) => format!("{}_size_{d}", self.sig.inputs[i].name()),
                        _ => format!("{}_stride_{d}", self.sig.inputs[i].name()),
                    };
                    w.line(&format!("const int64_t {var} = {value};"));
                    let from = self.sig.cx.display(b.solved_from.expect("solved"));
                    let kind = if matches!(b.source, Source::Size(..)) {
                        "dim"
                    } else {
                        "stride"
                    };
                    for c in b.conditions.clone() {
                        let cc = checked(&mut self.sig.cx, c, "ovf")?;
                        w.open("{");
                        w.line("bool ovf = false;");
                        w.line(&format!("const bool ok = {cc};"));
                        w.open("if (ovf || !ok) {");
                        let ct = self.sig.cx.display(c);
                        self.fx.fail(w, &[
                            Lit(format!("{}{kind} value at {d} must satisfy {ct} to equal {from}, but got: ", self.fx.prefix(i))),
                            Int(var.clone()),
                        ]);
                        w.close("}");
                        w.close("}");
                    }
                    self.checked_value(
                        w,
                        &format!("{sname}_v"),
                        rhs,
                        i,
                        &format!("{sname} from {kind} {d}"),
                    )?;
                    w.line(&format!("const int64_t {sname} = {sname}_v;"));
                }
            }
            w.line(&format!("syms[{k}] = {sname};"));
            // Declared range of the symbol (dims with bound checks report their own range).
            let decl = self.sig.symbols.iter().find(|s| s.sym == b.sym).cloned();
            if let Some(decl) = decl {
                let direct_dim = b.rhs.is_none() && matches!(b.source, Source::Size(..));
                if !direct_dim {
                    for (end, op, word) in [(decl.lo, "<", ">="), (decl.hi, ">", "<=")] {
                        let Some(end) = end else { continue };
                        self.checked_value(
                            w,
                            &format!("{sname}_{}", if op == "<" { "lo" } else { "hi" }),
                            end,
                            i,
                            "a range end",
                        )?;
                        let bv = format!("{sname}_{}", if op == "<" { "lo" } else { "hi" });
                        w.open(&format!("if ({sname} {op} {bv}) {{"));
                        self.fx.fail(w, &[
                            Lit(format!("{}symbol {sname} is out of its range, expected it to be {word} ", self.fx.prefix(i))),
                            Int(bv.clone()),
                            Lit(", but got: ".into()),
                            Int(sname.clone()),
                        ]);
                        w.close("}");
                    }
                }
            }
        }
        if self.fx.flavor == Flavor::Dlpack {
            w.line("return 0;");
        }
        w.close("}");
        Ok(())
    }

    fn emit_check_input(&mut self, w: &mut Writer, i: usize) -> Result<(), CodegenError> {
        match self.fx.flavor {
            Flavor::Aoti => w.open(&format!("AOTI_NOINLINE static void check_input_{i}(AtenTensorHandle* input_handles, const int64_t* syms, const double* symshape_fsyms) {{")),
            Flavor::Dlpack => w.open(&format!("static int check_input_{i}(const DLTensor* const* inputs, const int64_t* syms, const double* symshape_fsyms, char* err, size_t err_len) {{")),
        }
        w.line(&format!(
            "(void){}; (void)syms; (void)symshape_fsyms;",
            self.fx.handles()
        ));
        if self.fx.flavor == Flavor::Dlpack {
            w.line("(void)err; (void)err_len;");
        }
        let p = self.fx.prefix(i);
        let inp = self.sig.inputs[i].clone();
        match inp {
            Input::Scalar { .. } => {}
            Input::Tensor { name, layout } => {
                let mut exprs: Vec<Expr> = layout.sizes.clone();
                exprs.extend(layout.strides.iter().copied());
                let mut loaded = Vec::new();
                self.load_syms(w, &exprs, &mut loaded);
                self.tensor_reads(w, i, &name, layout.rank());
                // dtype
                let dt = layout.dtype;
                match self.fx.flavor {
                    Flavor::Aoti => {
                        w.line(&format!("int32_t {name}_dtype;"));
                        w.line(&format!("AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_dtype({name}, &{name}_dtype));"));
                        w.line(&format!(
                            "int32_t {name}_expected_dtype = {}();",
                            dt.aoti_accessor()
                        ));
                        w.open(&format!("if ({name}_expected_dtype != {name}_dtype) {{"));
                        self.fx.fail(
                            w,
                            &[
                                Lit(format!("{p}unmatched dtype, expected: ")),
                                Int(format!("{name}_expected_dtype")),
                                Lit(format!("({}), but got: ", dt.aten())),
                                Int(format!("{name}_dtype")),
                            ],
                        );
                        w.close("}");
                    }
                    Flavor::Dlpack => {
                        let (c, b, l) = dt.dlpack();
                        w.open(&format!("if ({name}->dtype.code != {c} || {name}->dtype.bits != {b} || {name}->dtype.lanes != {l}) {{"));
                        self.fx.fail(
                            w,
                            &[
                                Lit(format!(
                                    "{p}unmatched dtype, expected: {c}/{b}/{l}({}), but got: ",
                                    dt.name()
                                )),
                                Int(format!("{name}->dtype.code")),
                                Lit("/".into()),
                                Int(format!("{name}->dtype.bits")),
                                Lit("/".into()),
                                Int(format!("{name}->dtype.lanes")),
                            ],
                        );
                        w.close("}");
                    }
                }
                // device type
                let dev = layout.device.clone();
                match self.fx.flavor {
                    Flavor::Aoti => {
                        let code = dev.type_code();
                        w.line(&format!("int32_t {name}_device_type;"));
                        w.line(&format!("AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_device_type({name}, &{name}_device_type));"));
                        w.open(&format!("if ({code} != {name}_device_type) {{"));
                        self.fx.fail(
                            w,
                            &[
                                Lit(format!(
                                    "{p}unmatched device type, expected: {code}({}), but got: ",
                                    dev.kind()
                                )),
                                Int(format!("{name}_device_type")),
                            ],
                        );
                        w.close("}");
                    }
                    Flavor::Dlpack => {
                        let code = dlpack_device(dev.kind()).ok_or_else(|| {
                            CodegenError::Unsupported(format!(
                                "device '{}' has no DLPack device type",
                                dev.kind()
                            ))
                        })?;
                        w.open(&format!(
                            "if ({code} != static_cast<int32_t>({name}->device.device_type)) {{"
                        ));
                        self.fx.fail(
                            w,
                            &[
                                Lit(format!(
                                    "{p}unmatched device type, expected: {code}({}), but got: ",
                                    dev.kind()
                                )),
                                Int(format!("static_cast<int32_t>({name}->device.device_type)")),
                            ],
                        );
                        w.close("}");
                    }
                }
                // sizes: static equality; symbolic: PyTorch's bound checks, then equality.
                for (d, &e) in layout.sizes.iter().enumerate() {
                    let got = format!("{name}_size[{d}]");
                    if let Some(v) = self.sig.cx.as_int(e) {
                        w.open(&format!("if ({v} != {got}) {{"));
                        self.fx.fail(
                            w,
                            &[
                                Lit(format!(
                                    "{p}unmatched dim value at {d}, expected: {v}, but got: "
                                )),
                                Int(got.clone()),
                            ],
                        );
                        w.close("}");
                        continue;
                    }
                    let (lo, hi) = match self.sig.cx.bound(e) {
                        Bound::Int { lo, hi } => (lo, hi),
                        _ => (None, None),
                    };
                    // A size is >= 0 whatever the lower end of its expression's bound (`s0 - 5`
                    // with s0 >= 2 is checked against 0, never against -3); the signature
                    // refuses a size whose upper end is negative.
                    let lo = lo.map_or(0, |l| l.max(0));
                    w.open(&format!("if ({got} < {}) {{", c_int(lo)));
                    self.fx.fail(w, &[Lit(format!("{p}dim value is too small at {d}, expected it to be >= {lo}, but got: ")), Int(got.clone())]);
                    w.close("}");
                    if let Some(hi) = hi {
                        w.open(&format!("if ({got} > {}) {{", c_int(hi)));
                        self.fx.fail(w, &[Lit(format!("{p}dim value is too large at {d}, expected to be <= {hi}, but got: ")), Int(got.clone())]);
                        w.close("}");
                    }
                    if self.sig.cx.as_symbol(e).is_some_and(|s| {
                        self.plan
                            .of(s)
                            .is_some_and(|b| b.source == Source::Size(i, d))
                    }) {
                        continue; // the symbol was read from this very dim
                    }
                    self.equality(w, &name, i, d, e, ("size", "dim"))?;
                }
                for (d, &e) in layout.strides.iter().enumerate() {
                    let got = format!("{name}_stride[{d}]");
                    if let Some(v) = self.sig.cx.as_int(e) {
                        w.open(&format!("if ({v} != {got}) {{"));
                        self.fx.fail(
                            w,
                            &[
                                Lit(format!(
                                    "{p}unmatched stride value at {d}, expected: {v}, but got: "
                                )),
                                Int(got.clone()),
                            ],
                        );
                        w.close("}");
                        continue;
                    }
                    if self.sig.cx.as_symbol(e).is_some_and(|s| {
                        self.plan
                            .of(s)
                            .is_some_and(|b| b.source == Source::Stride(i, d))
                    }) {
                        continue;
                    }
                    self.equality(w, &name, i, d, e, ("stride", "stride"))?;
                }
            }
        }
        if self.fx.flavor == Flavor::Dlpack {
            w.line("return 0;");
        }
        w.close("}");
        Ok(())
    }

    fn equality(
        &mut self,
        w: &mut Writer,
        name: &str,
        i: usize,
        d: usize,
        e: Expr,
        (arr, word): (&str, &str),
    ) -> Result<(), CodegenError> {
        let p = self.fx.prefix(i);
        let var = format!("{name}_expected_{arr}_{d}");
        self.checked_value(w, &var, e, i, &format!("{word} {d}"))?;
        let text = self.sig.cx.display(e);
        w.open(&format!("if ({var} != {name}_{arr}[{d}]) {{"));
        self.fx.fail(
            w,
            &[
                Lit(format!(
                    "{p}unmatched symbolic {word} value at {d}, expected: {text} = "
                )),
                Int(var.clone()),
                Lit(", but got: ".into()),
                Int(format!("{name}_{arr}[{d}]")),
            ],
        );
        w.close("}");
        Ok(())
    }

    pub fn emit_checks(&mut self, w: &mut Writer) -> Result<(), CodegenError> {
        let n_slots = self.sig.symbols.len();
        let n_declared = num_declared(self.sig);
        let n_syms = n_slots.max(1);
        // The slots of `syms` (see `slot_comment`), for drivers and debuggers.
        let names: Vec<String> = self
            .sig
            .symbols
            .iter()
            .map(|d| format!("\"{}\"", d.name))
            .collect();
        w.line(&format!(
            "[[maybe_unused]] static const char* const symshape_symbol_names[] = {{{}}};",
            if names.is_empty() {
                "nullptr".to_string()
            } else {
                names.join(", ")
            }
        ));
        w.line(&format!(
            "[[maybe_unused]] static constexpr int SYMSHAPE_NUM_SYMBOLS = {n_declared};"
        ));
        w.line(&format!(
            "[[maybe_unused]] static constexpr int symshape_num_slots = {n_slots};"
        ));
        self.emit_bind(w)?;
        for i in 0..self.sig.inputs.len() {
            self.emit_check_input(w, i)?;
        }
        match self.fx.flavor {
            Flavor::Aoti => {
                if !self.opts.always_check {
                    w.open("[[maybe_unused]] static bool _check_aoti_runtime_check_inputs_env() {");
                    w.line(
                        "const static char* env_var_value = getenv(\"AOTI_RUNTIME_CHECK_INPUTS\");",
                    );
                    w.line("const static bool result = env_var_value != nullptr && env_var_value[0] != '0';");
                    w.line("return result;");
                    w.close("}");
                    w.blank();
                }
                w.open("[[maybe_unused]] AOTI_NOINLINE static void __check_inputs_outputs(AtenTensorHandle* input_handles, AtenTensorHandle* output_handles) {");
                w.line("(void)output_handles;");
                if !self.opts.always_check {
                    w.open("if (!_check_aoti_runtime_check_inputs_env()) {");
                    w.line("return;");
                    w.close("}");
                }
                w.line(&format!("int64_t syms[{n_syms}] = {{0}};"));
                w.line(&format!("double symshape_fsyms[{n_syms}] = {{0}};"));
                w.line("symshape_bind_symbols(input_handles, syms, symshape_fsyms);");
                for i in 0..self.sig.inputs.len() {
                    w.line(&format!(
                        "check_input_{i}(input_handles, syms, symshape_fsyms);"
                    ));
                }
                w.close("}");
            }
            Flavor::Dlpack => {
                let n = self.sig.inputs.len();
                w.open("extern \"C\" int symshape_check_inputs(const DLTensor* const* inputs, int64_t num_inputs, const int64_t* scalars, int64_t* symbols_out, char* err, size_t err_len) {");
                w.open(&format!("if (num_inputs != {n} || inputs == nullptr) {{"));
                self.fx.fail(
                    w,
                    &[
                        Lit(format!("expected {n} inputs, but got: ")),
                        Int("num_inputs".into()),
                    ],
                );
                w.close("}");
                w.line(&format!("int64_t syms[{n_syms}] = {{0}};"));
                w.line(&format!("double symshape_fsyms[{n_syms}] = {{0}};"));
                w.line("if (symshape_bind_symbols(inputs, scalars, syms, symshape_fsyms, err, err_len) != 0) return 1;");
                for i in 0..n {
                    w.line(&format!("if (check_input_{i}(inputs, syms, symshape_fsyms, err, err_len) != 0) return 1;"));
                }
                // Exactly SYMSHAPE_NUM_SYMBOLS slots, every one written: the declared symbols
                // in signature order (a float's slot holds its double's bits, a symbol no input
                // binds is 0). Scalar inputs not declared in `symbols` have no slot here.
                if n_declared > 0 {
                    w.open("if (symbols_out != nullptr) {");
                    for (j, d) in self.sig.symbols[..n_declared].iter().enumerate() {
                        if d.ty == Ty::Float {
                            w.line(&format!("__builtin_memcpy(&symbols_out[{j}], &symshape_fsyms[{j}], sizeof(double));"));
                        } else {
                            w.line(&format!("symbols_out[{j}] = syms[{j}];"));
                        }
                    }
                    w.close("}");
                }
                w.line("return 0;");
                w.close("}");
            }
        }
        Ok(())
    }

    /// The prologue of `run_impl` / `inductor_entry_impl` up to where kernels would begin.
    pub fn emit_prologue(&mut self, w: &mut Writer) -> Result<(), CodegenError> {
        let n_in = self.sig.inputs.len();
        match self.sig.mode {
            Mode::Aot => {
                w.open("void AOTInductorModel::_const_run_impl([[maybe_unused]] std::vector<AtenTensorHandle>& output_handles, [[maybe_unused]] DeviceStreamType stream, [[maybe_unused]] AOTIProxyExecutorHandle proxy_executor) {}");
                w.close("");
                w.blank();
                w.open("void AOTInductorModel::run_impl(");
                w.line("AtenTensorHandle* input_handles,  // array of input AtenTensorHandle; handles are stolen; the array itself is borrowed");
                w.line("[[maybe_unused]] AtenTensorHandle* output_handles, // array for writing output AtenTensorHandle; handles will be stolen by the caller; the array itself is borrowed");
                w.line("[[maybe_unused]] DeviceStreamType stream,");
                w.line("[[maybe_unused]] AOTIProxyExecutorHandle proxy_executor");
                w.close_open(") {");
                w.line("__check_inputs_outputs(input_handles, output_handles);");
                w.line(&format!(
                    "auto inputs = steal_from_raw_handles_to_raii_handles(input_handles, {n_in});"
                ));
            }
            Mode::Jit => {
                w.open("void inductor_entry_impl(");
                w.line("AtenTensorHandle* input_handles,  // array of input AtenTensorHandle; handles are stolen; the array itself is borrowed");
                w.line("AtenTensorHandle* output_handles  // array for writing output AtenTensorHandle; handles will be stolen by the caller; the array itself is borrowed");
                w.close_open(") {");
                w.line("__check_inputs_outputs(input_handles, output_handles);");
                // The `_simple` name: torch's cpp_wrapper/common.h provides it with pybind11 3.x
                // (gil_simple.h) and aliases it for older pybind11, while plain
                // `gil_scoped_release` is missing with pybind11 3.x (torch 2.15 wheel).
                w.line("py::gil_scoped_release_simple release;");
                let n = n_in + self.sig.constants.len();
                w.line(&format!(
                    "auto inputs = steal_from_raw_handles_to_raii_handles(input_handles, {n});"
                ));
            }
        }
        for (idx, inp) in self.sig.inputs.clone().iter().enumerate() {
            match inp {
                Input::Tensor { name, .. } => w.line(&format!(
                    "[[maybe_unused]] auto {name} = std::move(inputs[{idx}]);"
                )),
                Input::Scalar { name, ty, .. } => {
                    // Unwrap the 0-d tensor back to a scalar (codegen_tensor_item).
                    let (cty, f) = if *ty == Ty::Float {
                        ("double", "float64")
                    } else {
                        ("int64_t", "int64")
                    };
                    w.line(&format!("[[maybe_unused]] {cty} {name};"));
                    w.line(&format!(
                        "AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_item_{f}(inputs[{idx}], &{name}));"
                    ));
                }
            }
        }
        for (k, c) in self.sig.constants.clone().iter().enumerate() {
            match self.sig.mode {
                Mode::Aot => w.line(&format!("[[maybe_unused]] auto {c} = constants_->at({k});")),
                Mode::Jit => w.line(&format!(
                    "[[maybe_unused]] auto {c} = std::move(inputs[{}]);",
                    n_in + k
                )),
            }
        }
        // Symbol definitions (PyTorch's codegen_inputs), exact integers.
        let mut read: Vec<usize> = Vec::new();
        for b in self.plan.bindings.clone() {
            let sname = self.sig.cx.sym_name(b.sym).to_string();
            match b.source {
                Source::Scalar(_) => {}
                Source::Size(i, d) | Source::Stride(i, d) => {
                    let name = self.sig.inputs[i].name().to_string();
                    if !read.contains(&i) {
                        w.line(&format!(
                            "[[maybe_unused]] auto {name}_size = {name}.sizes();"
                        ));
                        w.line(&format!(
                            "[[maybe_unused]] auto {name}_stride = {name}.strides();"
                        ));
                        read.push(i);
                    }
                    let arr = if matches!(b.source, Source::Size(..)) {
                        "size"
                    } else {
                        "stride"
                    };
                    match b.rhs {
                        None => w.line(&format!(
                            "[[maybe_unused]] int64_t {sname} = {name}_{arr}[{d}];"
                        )),
                        Some(rhs) => {
                            w.line(&format!("int64_t {name}_{arr}_{d} = {name}_{arr}[{d}];"));
                            let c = cexpr(&mut self.sig.cx, rhs)?;
                            w.line(&format!("[[maybe_unused]] int64_t {sname} = {c};"));
                        }
                    }
                }
            }
        }
        if self.sig.mode == Mode::Aot {
            w.line("inputs.clear();");
            w.line("[[maybe_unused]] auto& kernels = static_cast<AOTInductorModelKernels&>(*this->kernels_.get());");
        }
        for o in self.sig.outputs.clone() {
            crate::alloc::make_allocation(
                &mut self.sig.cx,
                w,
                &o.name,
                &o.layout,
                o.allocation_sizes.as_deref(),
                self.sig.mode == Mode::Aot,
            )?;
        }
        w.line("// kernels begin here");
        w.close("}");
        Ok(())
    }
}

/// Slot of `s`: its position in `sig.symbols` (declared symbols in signature order, then the
/// symbols of undeclared scalar inputs in input order).
fn slot(sig: &Signature, s: sym::Symbol) -> usize {
    sig.symbols
        .iter()
        .position(|d| d.sym == s)
        .expect("every bound symbol is declared or a scalar input")
}

/// The number of symbols listed in the signature's `symbols` (they come first).
fn num_declared(sig: &Signature) -> usize {
    sig.symbols.iter().take_while(|d| d.declared).count()
}

/// The header comment that defines the symbol slots of the generated code.
pub(crate) fn slot_comment(sig: &Signature, plan: &Plan, flavor: Flavor) -> Vec<String> {
    let n_declared = num_declared(sig);
    let mut v = Vec::new();
    let describe = |d: &crate::spec::SymDecl| {
        let mut t = format!(
            "{} ({}",
            d.name,
            if d.ty == Ty::Float { "float" } else { "int" }
        );
        match plan.of(d.sym).map(|b| b.source) {
            None => t.push_str(", bound by no input: always 0"),
            Some(Source::Scalar(i)) => t.push_str(&format!(", scalar input {i}")),
            Some(Source::Size(i, dim)) => t.push_str(&format!(", from input {i} size {dim}")),
            Some(Source::Stride(i, dim)) => t.push_str(&format!(", from input {i} stride {dim}")),
        }
        t.push(')');
        t
    };
    match flavor {
        Flavor::Dlpack => {
            v.push(format!(
                "// symbols_out: exactly SYMSHAPE_NUM_SYMBOLS = {n_declared} int64_t slots, every one written on success:"
            ));
            v.push("// the signature's \"symbols\" in signature order. A float symbol's slot holds the bits of".into());
            v.push(
                "// its IEEE-754 double (a float scalar's `scalars` entry is passed the same way)."
                    .into(),
            );
        }
        Flavor::Aoti => {
            v.push(format!(
                "// Symbol slots of syms / symshape_fsyms (symshape_num_slots = {}): the signature's",
                sig.symbols.len()
            ));
            v.push(format!(
                "// \"symbols\" in signature order (SYMSHAPE_NUM_SYMBOLS = {n_declared}), then scalar inputs not"
            ));
            v.push(
                "// declared there, in input order. A float symbol's value is in symshape_fsyms."
                    .into(),
            );
        }
    }
    for (j, d) in sig.symbols[..n_declared].iter().enumerate() {
        v.push(format!("//   [{j}] {}", describe(d)));
    }
    if sig.symbols.len() > n_declared {
        v.push(match flavor {
            Flavor::Dlpack => format!(
                "// Not in symbols_out (scalar inputs not declared in \"symbols\"; internal, symshape_num_slots = {}):",
                sig.symbols.len()
            ),
            Flavor::Aoti => "// Scalar inputs not declared in \"symbols\":".to_string(),
        });
        for (j, d) in sig.symbols.iter().enumerate().skip(n_declared) {
            v.push(format!("//   [{j}] {}", describe(d)));
        }
    }
    v
}

fn c_int(v: i64) -> String {
    if v == i64::MIN {
        "INT64_MIN".into()
    } else {
        format!("{v}LL")
    }
}
