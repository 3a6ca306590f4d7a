//! Symbol binding (docs/signature.md "Binding the symbols"): scalars first, then bare symbols dim by dim
//! (sizes, then strides), then, to a fixpoint, expressions with exactly one unbound symbol solved
//! exactly with `sym::solve`. The solver's side conditions become runtime checks.

use crate::CodegenError;
use crate::spec::{Input, Signature};
use sym::{Expr, RangeEnd, SolveResult, Symbol};

/// Where a binding reads its runtime value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// The scalar input at this index.
    Scalar(usize),
    /// `sizes()[dim]` of input `input`.
    Size(usize, usize),
    /// `strides()[dim]` of input `input`.
    Stride(usize, usize),
}

/// One bound symbol.
#[derive(Clone, Debug)]
pub struct Binding {
    /// The symbol.
    pub sym: Symbol,
    /// Where the runtime value comes from.
    pub source: Source,
    /// `None`: the symbol is the value itself; `Some(rhs)`: the solved value, an expression over
    /// the source's size variable (`{input}_size_{d}`) and symbols bound earlier.
    pub rhs: Option<Expr>,
    /// The dim expression solved (for messages).
    pub solved_from: Option<Expr>,
    /// Side conditions from the solver (divisibility), over the same names as `rhs`.
    pub conditions: Vec<Expr>,
}

/// The binding plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Bindings in definition order.
    pub bindings: Vec<Binding>,
    /// `{input}_size_{d}` / `{input}_stride_{d}` symbols of solved dims.
    pub size_vars: Vec<(Source, Symbol)>,
}

impl Plan {
    /// The binding of `s`.
    pub fn of(&self, s: Symbol) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.sym == s)
    }
}

fn var_name(sig: &Signature, src: Source) -> String {
    match src {
        Source::Size(i, d) => format!("{}_size_{d}", sig.inputs[i].name()),
        Source::Stride(i, d) => format!("{}_stride_{d}", sig.inputs[i].name()),
        Source::Scalar(i) => sig.inputs[i].name().to_string(),
    }
}

/// Computes the binding plan.
pub fn plan(sig: &mut Signature) -> Result<Plan, CodegenError> {
    let mut bindings: Vec<Binding> = Vec::new();
    let bound = |b: &Vec<Binding>, s: Symbol| b.iter().any(|x| x.sym == s);
    // 1. Scalars.
    for (i, inp) in sig.inputs.iter().enumerate() {
        if let Input::Scalar { sym, .. } = inp {
            bindings.push(Binding {
                sym: *sym,
                source: Source::Scalar(i),
                rhs: None,
                solved_from: None,
                conditions: vec![],
            });
        }
    }
    // Every (source, expression) of tensor dims.
    let mut dims: Vec<(Source, Expr)> = Vec::new();
    for (i, inp) in sig.inputs.iter().enumerate() {
        if let Input::Tensor { layout, .. } = inp {
            for (d, e) in layout.sizes.iter().enumerate() {
                dims.push((Source::Size(i, d), *e));
            }
            for (d, e) in layout.strides.iter().enumerate() {
                dims.push((Source::Stride(i, d), *e));
            }
        }
    }
    // 2. Bare symbols, input by input, sizes then strides.
    for (src, e) in &dims {
        if let Some(s) = sig.cx.as_symbol(*e)
            && !bound(&bindings, s)
        {
            bindings.push(Binding {
                sym: s,
                source: *src,
                rhs: None,
                solved_from: None,
                conditions: vec![],
            });
        }
    }
    // 3. Solve to a fixpoint.
    let mut size_vars: Vec<(Source, Symbol)> = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    loop {
        let mut progress = false;
        for (src, e) in &dims {
            let free: Vec<Symbol> = sig
                .cx
                .free_symbols(*e)
                .into_iter()
                .filter(|s| !bound(&bindings, *s))
                .collect();
            let [s] = free[..] else { continue };
            let vname = var_name(sig, *src);
            let v = sig
                .cx
                .symbol(&vname)
                .map_err(|er| CodegenError::Signature(format!("{vname}: {er}")))?;
            if matches!(src, Source::Size(..)) {
                let zero = sig.cx.int(0);
                sig.cx
                    .set_range(v, RangeEnd::Expr(zero), RangeEnd::Infinite)
                    .map_err(|er| CodegenError::Signature(er.to_string()))?;
            }
            let ve = sig.cx.sym(v);
            // A size or stride expression is an integer (the signature parser checks).
            let Some(rel) = sig.cx.compare(sym::CmpOp::Eq, *e, ve) else {
                continue;
            };
            match sig.cx.solve(rel, s) {
                SolveResult::Solved(sol) => match sol.unique() {
                    Some(rhs) => {
                        if !size_vars.iter().any(|(x, _)| x == src) {
                            size_vars.push((*src, v));
                        }
                        bindings.push(Binding {
                            sym: s,
                            source: *src,
                            rhs: Some(rhs),
                            solved_from: Some(*e),
                            conditions: sol.conditions.clone(),
                        });
                        progress = true;
                    }
                    None => push_once(
                        &mut reasons,
                        format!(
                            "{} = {} does not determine {} uniquely",
                            vname,
                            sig.cx.display(*e),
                            sig.cx.sym_name(s)
                        ),
                    ),
                },
                SolveResult::Unsolved(r) => {
                    // Each fixpoint round tries again: keep every reason once.
                    push_once(
                        &mut reasons,
                        format!("{} = {}: {r}", vname, sig.cx.display(*e)),
                    )
                }
            }
        }
        if !progress {
            break;
        }
    }
    // 4. Every symbol an input mentions must be bound.
    for (src, e) in &dims {
        for s in sig.cx.free_symbols(*e) {
            if !bound(&bindings, s) {
                let name = sig.cx.sym_name(s).to_string();
                let mentions: Vec<String> = dims
                    .iter()
                    .filter(|(_, x)| sig.cx.contains_symbol(*x, s))
                    .map(|(sr, x)| format!("{} = {}", var_name(sig, *sr), sig.cx.display(*x)))
                    .collect();
                let _ = src;
                let why: Vec<&String> = reasons.iter().filter(|r| r.contains(&name)).collect();
                return Err(CodegenError::Unbindable(format!(
                    "symbol '{name}' cannot be bound from the inputs; it appears in: {}{}",
                    mentions.join(", "),
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " ({})",
                            why.iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join("; ")
                        )
                    }
                )));
            }
        }
    }
    // A bound symbol's range is checked at run time against its ends, which may only use
    // symbols the inputs determine (an end over an unbound symbol named a variable the
    // generated code never declares: a review found `s1` in [1, s9] with `s9` bound by no
    // input compiled to `if (s1 > s9)`, which does not compile).
    for d in &sig.symbols {
        if !bound(&bindings, d.sym) {
            continue;
        }
        for (k, end) in [(0, d.lo), (1, d.hi)] {
            let Some(end) = end else { continue };
            if let Some(s) = sig
                .cx
                .free_symbols(end)
                .into_iter()
                .find(|s| !bound(&bindings, *s))
            {
                return Err(CodegenError::Signature(format!(
                    "symbols.{}.range[{k}]: '{}' uses '{}', which no input binds",
                    d.name,
                    sig.cx.display(end),
                    sig.cx.sym_name(s)
                )));
            }
        }
    }
    // Outputs may only use symbols the inputs determine.
    for (k, o) in sig.outputs.iter().enumerate() {
        let mut exprs = o.layout.sizes.clone();
        exprs.extend(o.layout.strides.iter().copied());
        exprs.extend(o.allocation_sizes.iter().flatten().copied());
        exprs.push(o.layout.offset);
        for e in exprs {
            for s in sig.cx.free_symbols(e) {
                if !bound(&bindings, s) {
                    return Err(CodegenError::Unbindable(format!(
                        "symbol '{}' used by outputs[{k}] ('{}') is not determined by any input",
                        sig.cx.sym_name(s),
                        o.name
                    )));
                }
            }
        }
    }
    Ok(Plan {
        bindings,
        size_vars,
    })
}

fn push_once(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}
