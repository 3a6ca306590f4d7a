//! Emission of the runtime checks (both flavors) and of the wrapper prologue.
//!
//! Structure of the checks (docs/codegen.md): the entry point reads every tensor's metadata
//! once (`{p}_load`: rank before any size, dtype, device, size and stride pointers) and checks
//! its static sizes and strides (`check_input_{i}`, for an input that has some), input by
//! input; then it binds the symbols (`{p}_bind_symbols`, with their ranges), computes the
//! symbolic size and stride expressions once (`{p}_exprs`), checks each input's symbolic sizes
//! and strides (`{p}_check_symbolic_{i}`, for an input that has some left), then the guards
//! (`{p}_check_guards`). Failures go through shared out-of-line helpers (`{p}_fail`,
//! `{p}_bad_dim`, `{p}_range`, `{p}_guard_fail`) that build the message from numbers, so a check
//! costs a comparison and a call. Every name a file defines at namespace scope starts with its
//! prefix (`symshape` unless `--prefix`), so files share a translation unit.

use crate::bind::{Binding, Plan, Source};
use crate::cexpr::{checked_in, checked_let, plain};
use crate::spec::{Input, Mode, Signature};
use crate::writer::Writer;
use crate::{CodegenError, Flavor, Options};
use sym::{Bound, Expr, Truth, Ty};

/// The names a generated file defines at namespace scope, from its prefix. The default prefix
/// keeps PyTorch's names for the AOTI entry points (`__check_inputs_outputs`, `check_input_{i}`,
/// `_check_aoti_runtime_check_inputs_env`); any other prefix `P` names them `P_...`.
#[derive(Clone, Debug)]
pub(crate) struct Names {
    p: String,
    default: bool,
    /// The runtime helpers' namespace: `{prefix}_rt`, or `{prefix}_prologue_rt` in a prologue
    /// emitted alone, so that it and the checks emitted apart share a translation unit.
    rt: String,
}

impl Names {
    pub fn new(prefix: &str) -> Names {
        Names {
            p: prefix.to_string(),
            default: prefix == crate::DEFAULT_PREFIX,
            rt: format!("{prefix}_rt"),
        }
    }
    /// The names of a prologue emitted without the checks (`--emit prologue`).
    pub fn prologue_alone(mut self) -> Names {
        self.rt = self.n("prologue_rt");
        self
    }
    /// `{prefix}_{what}`.
    pub fn n(&self, what: &str) -> String {
        format!("{}_{what}", self.p)
    }
    pub fn rt(&self) -> String {
        self.rt.clone()
    }
    pub fn check_input(&self, i: usize) -> String {
        if self.default {
            format!("check_input_{i}")
        } else {
            self.n(&format!("check_input_{i}"))
        }
    }
    /// The symbolic sizes and strides of input `i` (its static ones are [`Self::check_input`]'s).
    pub fn check_symbolic(&self, i: usize) -> String {
        self.n(&format!("check_symbolic_{i}"))
    }
    pub fn entry(&self) -> String {
        if self.default {
            "__check_inputs_outputs".into()
        } else {
            self.n("check_inputs_outputs")
        }
    }
    fn env(&self) -> String {
        if self.default {
            "_check_aoti_runtime_check_inputs_env".into()
        } else {
            self.n("check_env")
        }
    }
    pub fn num_symbols(&self) -> String {
        if self.default {
            "SYMSHAPE_NUM_SYMBOLS".into()
        } else {
            self.n("NUM_SYMBOLS")
        }
    }
    /// The helper text of `helpers/*.hpp` with `@` replaced by the prefix; `inline_all`: the
    /// tensor loader is forced inline (see [`INLINE_MAX_INPUTS`]).
    pub fn helpers(&self, flavor: Flavor, inline_all: bool) -> String {
        let t = match flavor {
            Flavor::Aoti => include_str!("helpers/aoti.hpp"),
            Flavor::Dlpack => include_str!("helpers/dlpack.hpp"),
        };
        t.replace('@', &self.p).replace(
            "$LOAD_ATTR$",
            if inline_all {
                "__attribute__((always_inline)) static inline"
            } else {
                "AOTI_NOINLINE static"
            },
        )
    }
    /// `runtime.hpp` in namespace `{prefix}_rt`.
    pub fn runtime(&self) -> String {
        crate::RUNTIME_HPP.replace("symshape_rt", &self.rt())
    }
}

/// Up to this many tensor inputs the aoti checks are compiled into the entry point: the loader
/// (`{p}_load`) is forced inline and the bind, expression, per-input and guard functions are
/// `static inline`, so a call costs the shim calls, the comparisons and no call overhead
/// (`examples/bench_checks.rs`: below PyTorch's own checks on every real graph). Failures stay
/// out of line. Beyond it they stay separate `AOTI_NOINLINE` functions: one function with every
/// input inlined compiles superlinearly at `-O2` (256 inputs 17 s, 1000 inputs 350 s, against
/// 7 s for 1000 out of line).
pub(crate) const INLINE_MAX_INPUTS: usize = 32;

/// Functions over floats that a guard may use (docs/language.md); the checks evaluate integer
/// operators only, so a guard with one of these is refused naming it.
const FLOAT_FUNCTIONS: &[&str] = &[
    "TruncToInt",
    "FloorToInt",
    "CeilToInt",
    "RoundToInt",
    "RoundDecimal",
    "ToFloat",
    "IntTrueDiv",
    "FloatTrueDiv",
    "FloatPow",
    "PowByNatural",
    "FAdd",
    "FMul",
    "FNeg",
    "OpaqueUnaryFn_sqrt",
];

/// One piece of a failure message: literal text or an int64 C++ expression.
enum Part {
    Lit(String),
    Int(String),
}

use Part::{Int, Lit};

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn quote(s: &str) -> String {
    format!("\"{}\"", esc(s))
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

/// A declared range end that is checked at run time: `(end, is_upper)`.
type RangeCheck = (Expr, bool);

/// A symbolic size or stride expression of the table of `{p}_exprs`, with the first size or
/// stride checked against it: an overflow computing it is reported for that input and dim,
/// with that dim's runtime value.
#[derive(Clone, Copy, Debug)]
struct ExprUse {
    e: Expr,
    /// The input.
    i: usize,
    /// A stride (else a size).
    stride: bool,
    /// The dim.
    d: usize,
}

impl ExprUse {
    /// The C++ of the runtime value of its dim in `{p}_exprs` (`symshape_t` is every input's).
    fn got(&self) -> String {
        let arr = if self.stride { "stride" } else { "size" };
        format!("symshape_t[{}].{arr}[{}]", self.i, self.d)
    }
}

pub(crate) struct Emitter<'a> {
    sig: &'a mut Signature,
    plan: &'a Plan,
    opts: &'a Options,
    nm: Names,
    /// Distinct symbolic size and stride expressions checked against the inputs (`{p}_exprs`
    /// computes slot `k` of `symshape_e`), with where each first appears.
    table: Vec<ExprUse>,
}

impl<'a> Emitter<'a> {
    pub fn new(sig: &'a mut Signature, plan: &'a Plan, opts: &'a Options, nm: Names) -> Self {
        Emitter {
            sig,
            plan,
            opts,
            nm,
            table: Vec::new(),
        }
    }

    fn dl(&self) -> bool {
        self.opts.flavor == Flavor::Dlpack
    }

    /// Whether the aoti checks are one function (see [`INLINE_MAX_INPUTS`]).
    fn inline_all(&self) -> bool {
        let tensors = self
            .sig
            .inputs
            .iter()
            .filter(|i| matches!(i, Input::Tensor { .. }))
            .count();
        tensors <= INLINE_MAX_INPUTS
    }

    /// The storage class of the aoti check functions (bind, exprs, per input, guards).
    fn storage(&self) -> &'static str {
        if self.inline_all() {
            "static inline"
        } else {
            "AOTI_NOINLINE static"
        }
    }

    /// A failing call of helper `f` (`{p}_fail`, `{p}_bad_dim`, ...): a statement that throws
    /// (aoti) or returns 1 with the message in `err` (dlpack).
    fn call(&self, f: &str, args: &str) -> String {
        let f = self.nm.n(f);
        if self.dl() {
            format!("return {f}(err, err_len, {args});")
        } else {
            format!("{f}({args});")
        }
    }

    /// `{p}_fail(i, text, value, text, ...)`: text and at most three values alternate, starting
    /// and ending with text; `i` is the input index (`None`: no input prefix).
    fn fail(&self, i: Option<usize>, parts: &[Part]) -> String {
        let mut args = vec![i.map_or("-1".to_string(), |i| i.to_string())];
        let mut last_lit = false;
        let mut values = 0;
        for p in parts {
            match p {
                Lit(t) => {
                    if last_lit {
                        // Merge adjacent texts.
                        let prev = args.pop().expect("a text");
                        let prev = &prev[1..prev.len() - 1];
                        args.push(format!("\"{prev}{}\"", esc(t)));
                    } else {
                        args.push(quote(t));
                    }
                    last_lit = true;
                }
                Int(e) => {
                    if !last_lit {
                        args.push("\"\"".into());
                    }
                    args.push(e.clone());
                    values += 1;
                    last_lit = false;
                }
            }
        }
        if !last_lit {
            args.push("\"\"".into());
        }
        assert!(values <= 3, "failure messages carry at most three values");
        self.call("fail", &args.join(", "))
    }

    /// Binds `var` to the overflow-checked value of `e`; the overflow flag and its failure are
    /// emitted only when the printed expression can set it. The failure is `{p}_fail(i,
    /// "integer overflow or division by zero computing " + what(text of e), got, "")` with
    /// `(i, got) = at`: `what` says what `e` is and ends the text before the runtime value
    /// `got` of input `i` (the value checked, so that the message names it, as every other
    /// failure does).
    ///
    /// `ranges_checked`: every symbol's declared range holds where this code runs (checked
    /// before it), so [`plain`] may print it without flags where the ranges prove that every
    /// value it computes fits.
    fn checked_value(
        &mut self,
        w: &mut Writer,
        var: &str,
        e: Expr,
        at: (usize, &str),
        what: impl Fn(&str) -> String,
        ranges_checked: bool,
    ) -> Result<String, CodegenError> {
        let (i, got) = at;
        if let Some(v) = self.sig.cx.as_int(e) {
            return Ok(c_int(v));
        }
        if let Some(s) = self.sig.cx.as_symbol(e) {
            return Ok(self.sig.cx.sym_name(s).to_string());
        }
        if ranges_checked && let Some(c) = plain(&mut self.sig.cx, e, &self.nm.rt()) {
            w.line(&format!("const int64_t {var} = {c};"));
            return Ok(var.to_string());
        }
        if let Some(flag) = checked_let(&mut self.sig.cx, w, var, e, &self.nm.rt())? {
            let text = self.sig.cx.display(e);
            let f = self.fail(
                Some(i),
                &[
                    Lit(format!(
                        "integer overflow or division by zero computing {}",
                        what(&text)
                    )),
                    Int(got.to_string()),
                ],
            );
            w.line(&format!("if ({flag}) {f}"));
        }
        Ok(var.to_string())
    }

    /// A boolean check: `ok` is the checked predicate; `on_fail(ovf)` the failing statement
    /// (`ovf` is the C++ expression telling whether the evaluation overflowed).
    /// `ranges_checked` as for [`Self::checked_value`].
    fn checked_pred(
        &mut self,
        w: &mut Writer,
        var: &str,
        e: Expr,
        ranges_checked: bool,
        on_fail: impl Fn(&str) -> String,
    ) -> Result<(), CodegenError> {
        if ranges_checked && let Some(c) = plain(&mut self.sig.cx, e, &self.nm.rt()) {
            w.line(&format!("if (!{c}) {}", on_fail("false")));
            return Ok(());
        }
        let flag = format!("{var}_ovf");
        let c = checked_in(&mut self.sig.cx, e, &flag, &self.nm.rt())?;
        if c.contains(&flag) {
            w.open("{");
            w.line(&format!("bool {flag} = false;"));
            w.line(&format!("const bool {var} = {c};"));
            w.line(&format!("if ({flag} || !{var}) {}", on_fail(&flag)));
            w.close("}");
        } else {
            w.line(&format!("if (!({c})) {}", on_fail("false")));
        }
        Ok(())
    }

    /// Index of input `i` among the scalar inputs (the dlpack `scalars` array).
    fn scalar_slot(&self, i: usize) -> usize {
        self.sig.inputs[..i]
            .iter()
            .filter(|x| matches!(x, Input::Scalar { .. }))
            .count()
    }

    fn scalar_read(&self, w: &mut Writer, i: usize, name: &str, ty: Ty) {
        match (self.opts.flavor, ty) {
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

    /// The bind function: every symbol from the loaded metadata (and scalars), the solver's
    /// side conditions, and the declared ranges that no dim check covers.
    fn emit_bind(&mut self, w: &mut Writer) -> Result<(), CodegenError> {
        let f = self.nm.n("bind_symbols");
        let t = self.nm.n("tensor");
        if self.dl() {
            w.open(&format!("static int {f}(const int64_t* scalars, const {t}* symshape_t, int64_t* syms, double* symshape_fsyms, char* err, size_t err_len) {{"));
            w.line("(void)scalars; (void)symshape_t; (void)syms; (void)symshape_fsyms; (void)err; (void)err_len;");
        } else {
            w.open(&format!("{} void {f}(AtenTensorHandle* input_handles, const {t}* symshape_t, int64_t* syms, double* symshape_fsyms) {{", self.storage()));
            w.line("(void)input_handles; (void)symshape_t; (void)syms; (void)symshape_fsyms;");
        }
        let mut read: Vec<usize> = Vec::new();
        let mut deferred: Vec<(Binding, usize, RangeCheck)> = Vec::new();
        let bindings: Vec<Binding> = self.plan.bindings.clone();
        for b in &bindings {
            let k = slot(self.sig, b.sym);
            let (i, value) = match b.source {
                Source::Scalar(i) => {
                    let (name, ty) = match &self.sig.inputs[i] {
                        Input::Scalar { name, ty, .. } => (name.clone(), *ty),
                        Input::Tensor { .. } => unreachable!("scalar source"),
                    };
                    if !read.contains(&i) {
                        self.scalar_read(w, i, &name, ty);
                        read.push(i);
                    }
                    (i, format!("{name}_value"))
                }
                Source::Size(i, d) => (i, format!("symshape_t[{i}].size[{d}]")),
                Source::Stride(i, d) => (i, format!("symshape_t[{i}].stride[{d}]")),
            };
            let sname = self.sig.cx.sym_name(b.sym).to_string();
            if self.sig.cx.sym_ty(b.sym) == Ty::Float {
                w.line(&format!("symshape_fsyms[{k}] = {value};"));
                self.float_range_check(w, b.sym, i, &value);
                continue;
            }
            match b.rhs {
                None => w.line(&format!("const int64_t {sname} = {value};")),
                Some(rhs) => {
                    let (Source::Size(_, d) | Source::Stride(_, d)) = b.source else {
                        unreachable!("solved from a dim")
                    };
                    let (arr, kind) = match b.source {
                        Source::Size(..) => ("size", "dim"),
                        _ => ("stride", "stride"),
                    };
                    // The solver's name for this dim (`{input}_{arr}_{d}`, bind.rs): the rhs and the
                    // conditions use it.
                    let var = format!("{}_{arr}_{d}", self.sig.inputs[i].name());
                    w.line(&format!("const int64_t {var} = {value};"));
                    // The dim's own bound first (PyTorch's "dim value is too small at 1,
                    // expected it to be >= 5" for `2*s1 + 1` with s1 >= 2), then the symbol's
                    // range: a dim out of its bound is reported as PyTorch reports it. Not
                    // repeated in check_input.
                    if let (Source::Size(..), Input::Tensor { layout, .. }) =
                        (b.source, &self.sig.inputs[i])
                    {
                        let e = layout.sizes[d];
                        self.dim_bound_check(w, i, d, e, &var);
                    }
                    let from = self.sig.cx.display(b.solved_from.expect("solved"));
                    for (n, c) in b.conditions.clone().into_iter().enumerate() {
                        let ct = self.sig.cx.display(c);
                        let msg = self.fail(
                            Some(i),
                            &[
                                Lit(format!(
                                    "{kind} value at {d} must satisfy {ct} to equal {from}, but got: "
                                )),
                                Int(var.clone()),
                            ],
                        );
                        self.checked_pred(
                            w,
                            &format!("symshape_i{i}_{arr}{d}_ok{n}"),
                            c,
                            false,
                            |_| msg.clone(),
                        )?;
                    }
                    let v = self.checked_value(
                        w,
                        &format!("symshape_s{k}_v"),
                        rhs,
                        (i, &var),
                        |text| format!("{sname} = {text} from the {kind} value at {d}, but got: "),
                        false,
                    )?;
                    w.line(&format!("const int64_t {sname} = {v};"));
                }
            }
            w.line(&format!("syms[{k}] = {sname};"));
            // Declared range: constant ends here; a symbol read bare from a size has its range
            // checked here as that dim's bound (PyTorch's "dim value is too small/large", not
            // repeated in check_input); symbolic ends after every binding. So every range holds
            // before the expressions and guards are computed (they rely on it, see `plain`).
            let direct_dim = b.rhs.is_none() && matches!(b.source, Source::Size(..));
            if direct_dim && let Source::Size(_, d) = b.source {
                let e = self.sig.cx.sym(b.sym);
                self.dim_bound_check(w, i, d, e, &sname);
            }
            let Some(decl) = self.sig.symbols.iter().find(|s| s.sym == b.sym).cloned() else {
                continue;
            };
            for (end, upper) in [(decl.lo, false), (decl.hi, true)] {
                let Some(end) = end else { continue };
                match self.sig.cx.as_int(end) {
                    Some(_) if direct_dim => {}
                    Some(v) => self.range_check(w, &sname, i, c_int(v), upper),
                    None => deferred.push((b.clone(), i, (end, upper))),
                }
            }
        }
        for (b, i, (end, upper)) in deferred {
            let sname = self.sig.cx.sym_name(b.sym).to_string();
            let k = slot(self.sig, b.sym);
            let var = format!("symshape_s{k}_{}", if upper { "hi" } else { "lo" });
            let which = if upper { "upper" } else { "lower" };
            let v = self.checked_value(
                w,
                &var,
                end,
                (i, &sname),
                |text| format!("the {which} end {text} of the range of symbol {sname}, but got: "),
                false,
            )?;
            self.range_check(w, &sname, i, v, upper);
        }
        if self.dl() {
            w.line("return 0;");
        }
        w.close("}");
        Ok(())
    }

    /// A float scalar's declared range (constant ends): `!(v >= lo)` also refuses NaN.
    fn float_range_check(&self, w: &mut Writer, s: sym::Symbol, i: usize, value: &str) {
        let Some(decl) = self.sig.symbols.iter().find(|d| d.sym == s).cloned() else {
            return;
        };
        let sname = self.sig.cx.sym_name(s).to_string();
        for (end, upper) in [(decl.lo, false), (decl.hi, true)] {
            let Some(end) = end else { continue };
            let v = match (self.sig.cx.as_int(end), self.sig.cx.as_float(end)) {
                // An integer end beyond 2^53 may have no double: the nearest double on the
                // range's side of it (`x >= 2^53 + 1` is `x >= 2^53 + 2` for a double).
                (Some(v), _) => {
                    let f = v as f64;
                    let exact = i128::from(v);
                    match (upper, (f as i128).cmp(&exact)) {
                        (false, std::cmp::Ordering::Less) => f.next_up(),
                        (true, std::cmp::Ordering::Greater) => f.next_down(),
                        _ => f,
                    }
                }
                (None, Some(v)) => v,
                // A symbolic end of a float symbol: refused by the signature's checks.
                _ => continue,
            };
            if !v.is_finite() {
                continue;
            }
            // `{:?}` prints a double exactly (shortest round trip) and always with a `.` or an
            // exponent, so the C++ literal is a double of the same value; the message too.
            let (op, word) = if upper { ("<=", "<=") } else { (">=", ">=") };
            let f = self.fail(
                Some(i),
                &[Lit(format!(
                    "symbol {sname} is out of its range, expected it to be {word} {v:?}"
                ))],
            );
            w.line(&format!("if (!({value} {op} {v:?})) {f}"));
        }
    }

    fn range_check(&self, w: &mut Writer, sname: &str, i: usize, v: String, upper: bool) {
        let (op, word) = if upper { (">", "<=") } else { ("<", ">=") };
        let f = self.fail(
            Some(i),
            &[
                Lit(format!(
                    "symbol {sname} is out of its range, expected it to be {word} "
                )),
                Int(v.clone()),
                Lit(", but got: ".into()),
                Int(sname.to_string()),
            ],
        );
        w.line(&format!("if ({sname} {op} {v}) {f}"));
    }

    /// The inputs (of the first `n_in`) that `emit` writes checks for, and those checks'
    /// text, in the inputs' order.
    fn checks_of_inputs(
        &mut self,
        n_in: usize,
        emit: fn(&mut Self, usize) -> Option<String>,
    ) -> (Vec<usize>, String) {
        let (mut inputs, mut text) = (Vec::new(), String::new());
        for i in 0..n_in {
            if let Some(t) = emit(self, i) {
                text.push_str(&t);
                inputs.push(i);
            }
        }
        (inputs, text)
    }

    /// `check_input_{i}` for a tensor input: its static sizes and strides (PyTorch's "unmatched
    /// dim value at" and "unmatched stride value at"), called right after the input is loaded,
    /// so that rank, dtype, device type and static sizes and strides of every input are
    /// checked, input by input, before any symbol is bound or any range checked (the contract's
    /// order). `None` when the input has no static size or stride (a scalar input, a rank-0
    /// tensor, a tensor whose every size and stride is symbolic): no function and no call.
    fn emit_static_checks(&mut self, i: usize) -> Option<String> {
        let Input::Tensor { layout, .. } = &self.sig.inputs[i] else {
            return None;
        };
        let mut body = Writer::default();
        for (arr, word, dims) in [
            ("size", "dim", &layout.sizes),
            ("stride", "stride", &layout.strides),
        ] {
            for (d, &e) in dims.iter().enumerate() {
                let Some(v) = self.sig.cx.as_int(e) else {
                    continue;
                };
                // PyTorch's message, its text at each check (as PyTorch's generated code has it).
                let got = format!("symshape_t.{arr}[{d}]");
                let c = self.fail(
                    Some(i),
                    &[
                        Lit(format!(
                            "unmatched {word} value at {d}, expected: {v}, but got: "
                        )),
                        Int(got.clone()),
                    ],
                );
                body.line(&format!("if ({got} != {v}) {c}"));
            }
        }
        let f = self.nm.check_input(i);
        let t = self.nm.n("tensor");
        let head = if self.dl() {
            format!("static int {f}(const {t}& symshape_t, char* err, size_t err_len) {{")
        } else {
            format!("{} void {f}(const {t}& symshape_t) {{", self.storage())
        };
        self.function(&head, &body.finish())
    }

    /// `{p}_check_symbolic_{i}` for a tensor input: PyTorch's "dim value is too small/large"
    /// from the bound of every symbolic size that bind did not check, and every symbolic size
    /// and stride against its expression (computed once in `{p}_exprs`). `None` when there is
    /// nothing to check (a scalar input, a rank-0 tensor, a tensor whose sizes and strides are
    /// static or symbols read from it).
    fn emit_symbolic_checks(&mut self, i: usize) -> Option<String> {
        let Input::Tensor { layout, .. } = self.sig.inputs[i].clone() else {
            return None;
        };
        let mut body = Writer::default();
        let w = &mut body;
        let bound_here = |plan: &Plan, cx: &sym::Context, e: Expr, src: Source| {
            cx.as_symbol(e).is_some_and(|s| {
                plan.of(s)
                    .is_some_and(|b| b.source == src && b.rhs.is_none())
            })
        };
        for (d, &e) in layout.sizes.iter().enumerate() {
            if self.sig.cx.as_int(e).is_some() {
                continue; // static: checked in check_input_{i}
            }
            if bound_here(self.plan, &self.sig.cx, e, Source::Size(i, d)) {
                continue; // the symbol was read from this very dim; its bound checked in bind
            }
            // A dim a symbol is solved from has its bound checked in bind, before the symbol.
            let solved_from_here = self
                .plan
                .bindings
                .iter()
                .any(|b| b.source == Source::Size(i, d) && b.rhs.is_some());
            if !solved_from_here {
                self.dim_bound_check(w, i, d, e, &format!("symshape_t.size[{d}]"));
            }
            self.equality(w, i, d, e, false);
        }
        for (d, &e) in layout.strides.iter().enumerate() {
            if self.sig.cx.as_int(e).is_some()
                || bound_here(self.plan, &self.sig.cx, e, Source::Stride(i, d))
            {
                continue;
            }
            self.equality(w, i, d, e, true);
        }
        let f = self.nm.check_symbolic(i);
        let t = self.nm.n("tensor");
        let head = if self.dl() {
            format!(
                "static int {f}(const {t}& symshape_t, const int64_t* symshape_e, char* err, size_t err_len) {{"
            )
        } else {
            format!(
                "{} void {f}(const {t}& symshape_t, const int64_t* symshape_e) {{",
                self.storage()
            )
        };
        self.function(&head, &body.finish())
    }

    /// A check function from its first line and body (`None` when the body is empty: no
    /// function, whose unused tensor parameter `-Wextra -Werror` would refuse; a review's
    /// `sizes: ["s0"], strides: ["s1"]`). Every check of the body uses the parameters.
    fn function(&self, head: &str, body: &str) -> Option<String> {
        if body.is_empty() {
            return None;
        }
        let mut text = format!("{head}\n");
        for l in body.lines() {
            text.push_str("    ");
            text.push_str(l);
            text.push('\n');
        }
        if self.dl() {
            text.push_str("    return 0;\n");
        }
        text.push_str("}\n");
        Some(text)
    }

    /// PyTorch's "dim value is too small/large" for size `d` of input `i` (value `got`): the
    /// bound of its expression `e`.
    fn dim_bound_check(&mut self, w: &mut Writer, i: usize, d: usize, e: Expr, got: &str) {
        let (lo, hi) = match self.sig.cx.bound(e) {
            Bound::Int { lo, hi } => (lo, hi),
            _ => (None, None),
        };
        // A size is >= 0 whatever the lower end of its expression's bound (`s0 - 5` with
        // s0 >= 2 is checked against 0, never against -3); the signature refuses a size
        // whose upper end is negative.
        let lo = lo.map_or(0, |l| l.max(0));
        // PyTorch's two checks, each with its message's text (an infinite upper end has none).
        let small = self.fail(
            Some(i),
            &[
                Lit(format!(
                    "dim value is too small at {d}, expected it to be >= {lo}, but got: "
                )),
                Int(got.to_string()),
            ],
        );
        w.line(&format!("if ({got} < {}) {small}", c_int(lo)));
        if let Some(h) = hi {
            let large = self.fail(
                Some(i),
                &[
                    Lit(format!(
                        "dim value is too large at {d}, expected to be <= {h}, but got: "
                    )),
                    Int(got.to_string()),
                ],
            );
            w.line(&format!("if ({got} > {}) {large}", c_int(h)));
        }
    }

    /// A symbolic size or stride against its expression, computed once for every input in
    /// `{p}_exprs` (slot `k` of `symshape_e`).
    fn equality(&mut self, w: &mut Writer, i: usize, d: usize, e: Expr, stride: bool) {
        let k = match self.table.iter().position(|u| u.e == e) {
            Some(k) => k,
            None => {
                self.table.push(ExprUse { e, i, stride, d });
                self.table.len() - 1
            }
        };
        let got = format!("symshape_t.{}[{d}]", if stride { "stride" } else { "size" });
        let c = self.call(
            "sym",
            &format!(
                "{i}, {}, {d}, {k}, symshape_e[{k}], {got}",
                usize::from(stride)
            ),
        );
        w.line(&format!("if ({got} != symshape_e[{k}]) {c}"));
    }

    /// `{p}_exprs`: every distinct symbolic size and stride expression, overflow-checked, once.
    /// An expression that overflows is reported for the first size or stride checked against
    /// it, with that input's prefix and the dim's runtime value (`symshape_t`): no int64 value
    /// equals it, so that dim fails its check.
    fn emit_exprs(&mut self) -> Result<String, CodegenError> {
        let mut body = Writer::default();
        body.indent_by(1);
        let mut used: Vec<sym::Symbol> = Vec::new();
        for (k, u) in self.table.clone().into_iter().enumerate() {
            for s in self.sig.cx.free_symbols(u.e) {
                if !used.contains(&s) {
                    used.push(s);
                }
            }
            let (word, d) = (if u.stride { "stride" } else { "dim" }, u.d);
            let v = self.checked_value(
                &mut body,
                &format!("symshape_x{k}"),
                u.e,
                (u.i, &u.got()),
                |text| format!("the symbolic {word} value at {d}, expected: {text}, but got: "),
                true,
            )?;
            body.line(&format!("symshape_e[{k}] = {v};"));
        }
        let f = self.nm.n("exprs");
        let t = self.nm.n("tensor");
        let mut out = Writer::default();
        if self.dl() {
            out.open(&format!(
                "static int {f}(const {t}* symshape_t, const int64_t* syms, int64_t* symshape_e, char* err, size_t err_len) {{"
            ));
            out.line("(void)symshape_t; (void)syms; (void)err; (void)err_len;");
        } else {
            out.open(&format!(
                "{} void {f}(const {t}* symshape_t, const int64_t* syms, int64_t* symshape_e) {{",
                self.storage()
            ));
            out.line("(void)symshape_t; (void)syms;");
        }
        for s in used {
            let k = slot(self.sig, s);
            out.line(&format!(
                "const int64_t {} = syms[{k}];",
                self.sig.cx.sym_name(s)
            ));
        }
        let mut text = out.finish();
        text.push_str(&body.finish());
        if self.dl() {
            text.push_str("    return 0;\n");
        }
        text.push_str("}\n");
        Ok(text)
    }

    /// The guard checks (`{p}_check_guards`), or `None` when every guard is implied. Each
    /// dropped guard gets a comment saying why.
    fn emit_guards(&mut self, w: &mut Writer) -> Result<bool, CodegenError> {
        let mut body = Writer::default();
        let mut used: Vec<sym::Symbol> = Vec::new();
        let mut any = false;
        for (k, (text, e)) in self.sig.guards.clone().into_iter().enumerate() {
            let f = format!("guards[{k}]");
            let syms = self.sig.cx.free_symbols(e);
            for &s in &syms {
                let n = self.sig.cx.sym_name(s).to_string();
                if self.sig.cx.sym_ty(s) == Ty::Float {
                    return Err(CodegenError::Signature(format!(
                        "{f}: '{text}' uses the float symbol '{n}'; only integer guards are checked at run time"
                    )));
                }
                if self.plan.of(s).is_none() {
                    return Err(CodegenError::Signature(format!(
                        "{f}: '{text}' uses '{n}', which no input binds"
                    )));
                }
            }
            // Printed first: a guard the checks cannot evaluate (float functions) is refused
            // by name even when it is implied.
            checked_in(&mut self.sig.cx, e, "ovf", &self.nm.rt()).map_err(|er| {
                let floats: Vec<&str> = FLOAT_FUNCTIONS
                    .iter()
                    .copied()
                    .filter(|n| text.contains(&format!("{n}(")))
                    .collect();
                CodegenError::Signature(if floats.is_empty() {
                    format!(
                        "{f}: '{text}' cannot be checked at run time: {}",
                        match er {
                            CodegenError::Unsupported(m) => m,
                            other => other.to_string(),
                        }
                    )
                } else {
                    format!(
                        "{f}: '{text}' uses float functions ({}), which the runtime checks do not evaluate; refused",
                        floats.join(", ")
                    )
                })
            })?;
            let one_line = text.replace(['\n', '\r'], " ");
            // `e` is a predicate (checked above); a type error reads as unproved. `prove`
            // answers where the guard is defined: it is dropped only if it is defined for every
            // value (each divisor proved nonzero), else an input that makes it undefined would
            // pass unchecked.
            let mut truth = self.sig.cx.prove(e).unwrap_or(Truth::Unknown);
            if truth == Truth::True && !defined_everywhere(&mut self.sig.cx, e) {
                truth = Truth::Unknown;
            }
            match truth {
                Truth::True => {
                    // Every symbol's declared range is checked before the guards (dim bounds,
                    // bind), so what the ranges imply holds here.
                    w.line(&format!(
                        "// {f} '{one_line}' is implied by the declared ranges (proved): not checked"
                    ));
                    continue;
                }
                Truth::False => w.line(&format!(
                    "// {f} '{one_line}' is false for every value in the declared ranges (proved): it always fails"
                )),
                Truth::Unknown => {}
            }
            any = true;
            for &s in &syms {
                if !used.contains(&s) {
                    used.push(s);
                }
            }
            let slots: Vec<String> = syms
                .iter()
                .map(|&s| slot(self.sig, s).to_string())
                .collect();
            body.line(&format!("// {f}: {one_line}"));
            let (arr, n) = if slots.is_empty() {
                ("nullptr".to_string(), 0)
            } else {
                let a = format!("symshape_g{k}_slots");
                body.line(&format!(
                    "static const int {a}[] = {{{}}};",
                    slots.join(", ")
                ));
                (a, slots.len())
            };
            let lit = quote(&text);
            let nm = self.nm.clone();
            let dl = self.dl();
            self.checked_pred(&mut body, &format!("symshape_g{k}"), e, true, move |ovf| {
                let f = nm.n("guard_fail");
                let args = format!("{lit}, {ovf}, {arr}, {n}, syms");
                if dl {
                    format!("return {f}(err, err_len, {args});")
                } else {
                    format!("{f}({args});")
                }
            })?;
        }
        if !any {
            return Ok(false);
        }
        let f = self.nm.n("check_guards");
        if self.dl() {
            w.open(&format!(
                "static int {f}(const int64_t* syms, char* err, size_t err_len) {{"
            ));
        } else {
            w.open(&format!(
                "{} void {f}(const int64_t* syms) {{",
                self.storage()
            ));
        }
        for s in used {
            let k = slot(self.sig, s);
            w.line(&format!(
                "const int64_t {} = syms[{k}];",
                self.sig.cx.sym_name(s)
            ));
        }
        for l in body.finish().lines() {
            w.line(l);
        }
        if self.dl() {
            w.line("return 0;");
        }
        w.close("}");
        Ok(true)
    }

    /// The `{p}_load` call of tensor input `i`.
    fn load_call(&self, i: usize) -> Result<Option<String>, CodegenError> {
        let Input::Tensor { layout, .. } = &self.sig.inputs[i] else {
            return Ok(None);
        };
        let rank = layout.rank();
        let f = self.nm.n("load");
        let dt = layout.dtype;
        let dev = &layout.device;
        Ok(Some(if self.dl() {
            let (c, b, l) = dt.dlpack();
            let code = dlpack_device(dev.kind()).ok_or_else(|| {
                CodegenError::Unsupported(format!(
                    "device '{}' has no DLPack device type",
                    dev.kind()
                ))
            })?;
            format!(
                "if ({f}(inputs[{i}], {i}, {rank}, {c}, {b}, {l}, \"unmatched dtype, expected: {c}/{b}/{l}({}), but got: \", {code}, \"({}), but got: \", symshape_sb{i}, symshape_t[{i}], err, err_len) != 0) return 1;",
                dt.name(),
                dev.kind()
            )
        } else {
            format!(
                "{f}(input_handles[{i}], {i}, {rank}, \"unmatched dtype, expected: \", {}(), \"({}), but got: \", {}, \"({}), but got: \", symshape_t[{i}]);",
                dt.aoti_accessor(),
                dt.aten(),
                dev.type_code(),
                dev.kind()
            )
        }))
    }

    pub fn emit_checks(&mut self, w: &mut Writer) -> Result<(), CodegenError> {
        let n_slots = self.sig.symbols.len();
        let n_declared = num_declared(self.sig);
        let n_syms = n_slots.max(1);
        let n_in = self.sig.inputs.len();
        // The slots of `syms` (see `slot_comment`), for drivers, debuggers and guard messages.
        let names: Vec<String> = self.sig.symbols.iter().map(|d| quote(&d.name)).collect();
        w.line(&format!(
            "[[maybe_unused]] static const char* const {}[] = {{{}}};",
            self.nm.n("symbol_names"),
            if names.is_empty() {
                "nullptr".to_string()
            } else {
                names.join(", ")
            }
        ));
        w.line(&format!(
            "[[maybe_unused]] static constexpr int {} = {n_declared};",
            self.nm.num_symbols()
        ));
        w.line(&format!(
            "[[maybe_unused]] static constexpr int {} = {n_slots};",
            self.nm.n("num_slots")
        ));
        let mut bind = Writer::default();
        self.emit_bind(&mut bind)?;
        // Static sizes and strides: checked where each input is loaded (before bind).
        let (static_inputs, static_text) = self.checks_of_inputs(n_in, Self::emit_static_checks);
        // Symbolic sizes and strides: after bind and `{p}_exprs`.
        let (checked_inputs, inputs_text) = self.checks_of_inputs(n_in, Self::emit_symbolic_checks);
        let mut guards_text = Writer::default();
        let guards = self.emit_guards(&mut guards_text)?;
        let texts: Vec<String> = self
            .table
            .clone()
            .iter()
            .map(|u| quote(&self.sig.cx.display(u.e)))
            .collect();
        w.line(&format!(
            "[[maybe_unused]] static const char* const {}[] = {{{}}};",
            self.nm.n("expr_text"),
            if texts.is_empty() {
                "nullptr".to_string()
            } else {
                texts.join(", ")
            }
        ));
        w.raw(&self.nm.helpers(self.opts.flavor, self.inline_all()));
        w.raw(&static_text);
        w.raw(&bind.finish());
        let exprs = if self.table.is_empty() {
            None
        } else {
            w.raw(&self.emit_exprs()?);
            Some(self.nm.n("exprs"))
        };
        let n_e = self.table.len().max(1);
        w.raw(&inputs_text);
        w.raw(&guards_text.finish());
        let t = self.nm.n("tensor");
        let bind = self.nm.n("bind_symbols");
        let cg = self.nm.n("check_guards");
        // Each tensor's load (rank, dtype, device type) and then its static sizes and strides:
        // every input's, input by input, before any symbol is bound.
        let mut loads: Vec<String> = Vec::new();
        for i in 0..n_in {
            if let Some(l) = self.load_call(i)? {
                loads.push(l);
            }
            if static_inputs.contains(&i) {
                let f = self.nm.check_input(i);
                loads.push(if self.dl() {
                    format!("if ({f}(symshape_t[{i}], err, err_len) != 0) return 1;")
                } else {
                    format!("{f}(symshape_t[{i}]);")
                });
            }
        }
        match self.opts.flavor {
            Flavor::Aoti => {
                // Every check, the symbols into `syms` / `symshape_fsyms` (symshape_num_slots
                // entries each); throws std::runtime_error on the first failure.
                w.open(&format!("[[maybe_unused]] static void {}(AtenTensorHandle* input_handles, int64_t* syms, double* symshape_fsyms) {{", self.nm.n("check_and_bind")));
                w.line(&format!("{t} symshape_t[{}] = {{}};", n_in.max(1)));
                for l in &loads {
                    w.line(l);
                }
                w.line(&format!(
                    "{bind}(input_handles, symshape_t, syms, symshape_fsyms);"
                ));
                w.line(&format!(
                    "int64_t symshape_e[{n_e}] = {{0}}; (void)symshape_e;"
                ));
                if let Some(x) = &exprs {
                    w.line(&format!("{x}(symshape_t, syms, symshape_e);"));
                }
                for &i in &checked_inputs {
                    w.line(&format!(
                        "{}(symshape_t[{i}], symshape_e);",
                        self.nm.check_symbolic(i)
                    ));
                }
                if guards {
                    w.line(&format!("{cg}(syms);"));
                }
                w.close("}");
                if !self.opts.always_check {
                    w.open(&format!(
                        "[[maybe_unused]] static bool {}() {{",
                        self.nm.env()
                    ));
                    w.line(
                        "const static char* env_var_value = getenv(\"AOTI_RUNTIME_CHECK_INPUTS\");",
                    );
                    w.line("const static bool result = env_var_value != nullptr && env_var_value[0] != '0';");
                    w.line("return result;");
                    w.close("}");
                }
                w.open(&format!("[[maybe_unused]] AOTI_NOINLINE static void {}(AtenTensorHandle* input_handles, AtenTensorHandle* output_handles) {{", self.nm.entry()));
                w.line("(void)output_handles;");
                if !self.opts.always_check {
                    w.line(&format!("if (!{}()) return;", self.nm.env()));
                }
                w.line(&format!("int64_t syms[{n_syms}] = {{0}};"));
                w.line(&format!("double symshape_fsyms[{n_syms}] = {{0}};"));
                w.line(&format!(
                    "{}(input_handles, syms, symshape_fsyms);",
                    self.nm.n("check_and_bind")
                ));
                w.close("}");
            }
            Flavor::Dlpack => {
                let n_scalars = self.scalar_slot(n_in);
                w.open(&format!("extern \"C\" int {}(const DLTensor* const* inputs, int64_t num_inputs, const int64_t* scalars, int64_t* symbols_out, char* err, size_t err_len) {{", self.nm.n("check_inputs")));
                let f = self.fail(
                    None,
                    &[
                        Lit(format!("expected {n_in} inputs, but got: ")),
                        Int("num_inputs".into()),
                    ],
                );
                w.line(&format!(
                    "if (num_inputs != {n_in} || inputs == nullptr) {f}"
                ));
                if n_scalars > 0 {
                    let f = self.fail(
                        None,
                        &[Lit(format!(
                            "scalars is null, expected {n_scalars} scalar values"
                        ))],
                    );
                    w.line(&format!("if (scalars == nullptr) {f}"));
                }
                w.line(&format!("{t} symshape_t[{}] = {{}};", n_in.max(1)));
                for (i, inp) in self.sig.inputs.iter().enumerate() {
                    if let Input::Tensor { layout, .. } = inp {
                        w.line(&format!(
                            "int64_t symshape_sb{i}[{}];",
                            layout.rank().max(1)
                        ));
                    }
                }
                for l in &loads {
                    w.line(l);
                }
                w.line(&format!("int64_t syms[{n_syms}] = {{0}};"));
                w.line(&format!("double symshape_fsyms[{n_syms}] = {{0}};"));
                w.line(&format!(
                    "if ({bind}(scalars, symshape_t, syms, symshape_fsyms, err, err_len) != 0) return 1;"
                ));
                w.line(&format!(
                    "int64_t symshape_e[{n_e}] = {{0}}; (void)symshape_e;"
                ));
                if let Some(x) = &exprs {
                    w.line(&format!(
                        "if ({x}(symshape_t, syms, symshape_e, err, err_len) != 0) return 1;"
                    ));
                }
                for &i in &checked_inputs {
                    w.line(&format!(
                        "if ({}(symshape_t[{i}], symshape_e, err, err_len) != 0) return 1;",
                        self.nm.check_symbolic(i)
                    ));
                }
                if guards {
                    w.line(&format!("if ({cg}(syms, err, err_len) != 0) return 1;"));
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
                } else {
                    // No declared symbol: nothing to write (-Wunused-parameter otherwise;
                    // found by fuzz/compile-corpus.sh on the grown codegen corpus).
                    w.line("(void)symbols_out;");
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
        // The prologue names AOTI's classes, types and functions unqualified (as PyTorch's
        // wrapper does, inside the namespace); brought in here, it compiles whether or not the
        // including file has opened `namespace torch::aot_inductor` (the contract, docs/codegen.md). Outside it,
        // `AOTInductorModel::run_impl` is found through this directive and defined at global
        // scope, which encloses the class; inside it, the directive changes nothing. (A name
        // qualified with `::torch::aot_inductor` would do for the real model but not for a
        // model class of another namespace, which the tests with the shim use.)
        w.line("using namespace ::torch::aot_inductor;");
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
                w.line(&format!(
                    "{}(input_handles, output_handles);",
                    self.nm.entry()
                ));
                w.line(&format!(
                    "auto inputs = steal_from_raw_handles_to_raii_handles(input_handles, {n_in});"
                ));
            }
            Mode::Jit => {
                w.open("void inductor_entry_impl(");
                w.line("AtenTensorHandle* input_handles,  // array of input AtenTensorHandle; handles are stolen; the array itself is borrowed");
                w.line("AtenTensorHandle* output_handles  // array for writing output AtenTensorHandle; handles will be stolen by the caller; the array itself is borrowed");
                w.close_open(") {");
                w.line(&format!(
                    "{}(input_handles, output_handles);",
                    self.nm.entry()
                ));
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
                            let c = crate::alloc::checked_scalar(
                                &mut self.sig.cx,
                                w,
                                &format!("{}_{sname}_value", self.nm.n("prologue")),
                                rhs,
                                &self.nm.rt(),
                                &format!("symbol {sname} from {arr} {d} of {name}"),
                            )?;
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
        let outputs = self.sig.outputs.clone();
        for o in outputs.iter().filter(|o| o.view.is_none()) {
            crate::alloc::make_allocation(
                &mut self.sig.cx,
                w,
                &o.name,
                &o.layout,
                o.allocation_sizes.as_deref(),
                self.sig.mode == Mode::Aot,
                &self.nm.rt(),
            )?;
        }
        // Views after every allocation (a view's base is an input, a constant or an earlier
        // output), in signature order (a view may view a view).
        if outputs.iter().any(|o| o.view.is_some()) {
            w.line("// views (outputs declared with \"view_of\")");
        }
        for o in &outputs {
            let tmp = format!("tmp_{}", o.name);
            match &o.view {
                None => {}
                Some(crate::spec::OutputView::Strided { base, base_layout }) => {
                    let v = layout::ReinterpretView::new(base.clone(), o.layout.clone());
                    let h = crate::alloc::reinterpret_view(
                        &mut self.sig.cx,
                        w,
                        base_layout,
                        &v,
                        &tmp,
                        &self.nm.rt(),
                    )?;
                    w.line(&format!("RAIIAtenTensorHandle {} = {h};", o.name));
                }
                Some(crate::spec::OutputView::Dtype { base, .. }) => {
                    // `base.view(dtype)`: the shim applies PyTorch's rules (the last dim
                    // rescaled when the item size changes; validated at generation).
                    w.line(&format!("AtenTensorHandle {tmp};"));
                    w.line(&format!(
                        "AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_{}_view_dtype({base}, {}(), &{tmp}));",
                        o.layout.device.kind(),
                        o.layout.dtype.aoti_accessor()
                    ));
                    w.line(&format!("RAIIAtenTensorHandle {}({tmp});", o.name));
                }
            }
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

/// Whether `e` is defined at every value the facts allow: each of its divisors is proved
/// nonzero.
fn defined_everywhere(cx: &mut sym::Context, e: sym::Expr) -> bool {
    let zero = cx.int(0);
    cx.divisors(e).into_iter().all(|d| {
        cx.compare(sym::CmpOp::Ne, d, zero)
            .is_some_and(|ne| cx.prove(ne) == Ok(Truth::True))
    })
}
