//! Allocation (`make_allocation`) and reinterpret views (`codegen_reinterpret_view`) in the
//! AOTI shim, from `layout` types.

use crate::CodegenError;
use crate::cexpr::{cexpr_compact, checked_in, checked_let};
use crate::writer::Writer;
use layout::{Layout, ReinterpretView};
use sym::Context;

/// An int64 array `var` of the values of `xs`. Symbolic entries are computed with
/// overflow-checked arithmetic (the runtime helpers of namespace `rt`, docs/codegen.md): the
/// prologue runs whether the input checks ran or not (they are gated by
/// `AOTI_RUNTIME_CHECK_INPUTS`), and a declared range may be unbounded, so nothing proves that
/// `8*s0*s1` fits; a value that does not is an exception naming `what`, never signed overflow.
fn int_array(
    cx: &mut Context,
    w: &mut Writer,
    var: &str,
    xs: &[sym::Expr],
    rt: &str,
    what: &str,
) -> Result<String, CodegenError> {
    let all_const = xs.iter().all(|e| cx.as_int(*e).is_some());
    let flag = format!("{var}_ovf");
    let mut items = Vec::new();
    for e in xs {
        items.push(if all_const {
            cexpr_compact(cx, *e)?
        } else {
            checked_in(cx, *e, &flag, rt)?
        });
    }
    let body = if items.is_empty() {
        "0".to_string()
    } else {
        items.join(", ")
    };
    let n = xs.len().max(1);
    if all_const {
        w.line(&format!("static constexpr int64_t {var}[] = {{{body}}};"));
    } else if items.iter().any(|t| t.contains(&flag)) {
        w.line(&format!("bool {flag} = false;"));
        w.line(&format!("const int64_t {var}[{n}] = {{{body}}};"));
        throw_on(w, &flag, what);
    } else {
        w.line(&format!("const int64_t {var}[{n}] = {{{body}}};"));
    }
    Ok(var.to_string())
}

/// A size computed at run time (not a constant: a negative constant is refused at generation)
/// is checked to be >= 0 before it reaches the allocation: an expression negative for some
/// values of its symbols (`s0 - 3` with `s0` in [-2, 1024]; a review found it allocated with
/// size -2), also where the ranges would exclude them, because the prologue runs whether the
/// input checks ran or not (see [`int_array`]). One comparison per symbolic dimension.
fn negative_sizes(cx: &Context, w: &mut Writer, var: &str, xs: &[sym::Expr], what: &str) {
    for (d, e) in xs.iter().enumerate() {
        if cx.as_int(*e).is_none() {
            w.line(&format!(
                "if ({var}[{d}] < 0) throw std::runtime_error(\"negative size at {d} computing the {what}\");"
            ));
        }
    }
}

/// The prologue's failure when the checked computation of `what` set `flag`.
fn throw_on(w: &mut Writer, flag: &str, what: &str) {
    w.line(&format!(
        "if ({flag}) throw std::runtime_error(\"integer overflow or division by zero computing the {what}\");"
    ));
}

/// `e` as a checked int64 value in `var` (see [`int_array`]), or its text when it is a
/// constant or a symbol.
pub(crate) fn checked_scalar(
    cx: &mut Context,
    w: &mut Writer,
    var: &str,
    e: sym::Expr,
    rt: &str,
    what: &str,
) -> Result<String, CodegenError> {
    if cx.as_int(e).is_some() {
        return cexpr_compact(cx, e);
    }
    if let Some(s) = cx.as_symbol(e) {
        return Ok(cx.sym_name(s).to_string());
    }
    if let Some(flag) = checked_let(cx, w, var, e, rt)? {
        throw_on(w, &flag, what);
    }
    Ok(var.to_string())
}

/// `aoti_torch_empty_strided` for a buffer; when `allocation_sizes` differ from the layout's
/// sizes (a larger allocation, e.g. padding), the allocation is re-strided to the layout with
/// `aoti_torch_as_strided`, as the seed's `make_allocation` does.
pub fn make_allocation(
    cx: &mut Context,
    w: &mut Writer,
    name: &str,
    l: &Layout,
    allocation_sizes: Option<&[sym::Expr]>,
    aot: bool,
    rt: &str,
) -> Result<(), CodegenError> {
    let sizes = int_array(
        cx,
        w,
        &format!("int_array_{name}_size"),
        &l.sizes,
        rt,
        &format!("sizes of {name}"),
    )?;
    let alloc = match allocation_sizes {
        Some(a) if a != l.sizes.as_slice() => int_array(
            cx,
            w,
            &format!("int_array_{name}_alloc_size"),
            a,
            rt,
            &format!("allocation sizes of {name}"),
        )?,
        _ => sizes.clone(),
    };
    negative_sizes(cx, w, &sizes, &l.sizes, &format!("sizes of {name}"));
    if alloc != sizes
        && let Some(a) = allocation_sizes
    {
        negative_sizes(cx, w, &alloc, a, &format!("allocation sizes of {name}"));
    }
    let strides = int_array(
        cx,
        w,
        &format!("int_array_{name}_stride"),
        &l.strides,
        rt,
        &format!("strides of {name}"),
    )?;
    let dev_idx = if aot {
        "this->device_idx_".to_string()
    } else {
        l.device.index.unwrap_or(0).to_string()
    };
    w.line(&format!("AtenTensorHandle {name}_handle;"));
    w.line(&format!(
        "AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_empty_strided({}, {alloc}, {strides}, {}(), {}, {dev_idx}, &{name}_handle));",
        l.rank(),
        l.dtype.aoti_accessor(),
        l.device.type_code()
    ));
    let mut handle = format!("{name}_handle");
    if alloc != sizes {
        w.line(&format!("AtenTensorHandle {name}_handle_restrided;"));
        w.line(&format!("AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_as_strided({handle}, {sizes}, {strides}, &{name}_handle_restrided));"));
        handle = format!("{name}_handle_restrided");
    }
    w.line(&format!("RAIIAtenTensorHandle {name}({handle});"));
    Ok(())
}

/// A reinterpreted view of a buffer: an identical layout takes a new handle, a pure dtype view
/// uses `aoti_torch_{device}_view_dtype`, otherwise `reinterpret_tensor_wrapper`.
pub fn reinterpret_view(
    cx: &mut Context,
    w: &mut Writer,
    buffer_layout: &Layout,
    view: &ReinterpretView,
    tmp: &str,
    rt: &str,
) -> Result<String, CodegenError> {
    let b = &view.buffer;
    let l = &view.layout;
    let same_shape = l.sizes == buffer_layout.sizes
        && l.strides == buffer_layout.strides
        && l.offset == buffer_layout.offset;
    if same_shape {
        w.line(&format!("AtenTensorHandle {tmp};"));
        if l.dtype != buffer_layout.dtype {
            w.line(&format!(
                "AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_{}_view_dtype({b}, {}(), &{tmp}));",
                l.device.kind(),
                l.dtype.aoti_accessor()
            ));
        } else {
            w.line(&format!(
                "AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_new_tensor_handle({b}, &{tmp}));"
            ));
        }
        return Ok(format!("RAIIAtenTensorHandle({tmp})"));
    }
    let what = |part: &str| format!("{part} of the view {tmp}");
    let sizes = int_array(
        cx,
        w,
        &format!("int_array_{tmp}_size"),
        &l.sizes,
        rt,
        &what("sizes"),
    )?;
    let strides = int_array(
        cx,
        w,
        &format!("int_array_{tmp}_stride"),
        &l.strides,
        rt,
        &what("strides"),
    )?;
    let off = checked_scalar(
        cx,
        w,
        &format!("{tmp}_offset"),
        l.offset,
        rt,
        &what("offset"),
    )?;
    let call = format!(
        "wrap_with_raii_handle_if_needed(reinterpret_tensor_wrapper({b}, {}, {sizes}, {strides}, {off}))",
        l.rank()
    );
    if l.dtype != buffer_layout.dtype {
        w.line(&format!("AtenTensorHandle {tmp};"));
        w.line(&format!(
            "AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_{}_view_dtype({call}, {}(), &{tmp}));",
            l.device.kind(),
            l.dtype.aoti_accessor()
        ));
        return Ok(format!("RAIIAtenTensorHandle({tmp})"));
    }
    Ok(call)
}
