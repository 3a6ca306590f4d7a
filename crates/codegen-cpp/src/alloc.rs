//! Allocation (`make_allocation`) and reinterpret views (`codegen_reinterpret_view`) in the
//! AOTI shim, from `layout` types.

use crate::CodegenError;
use crate::cexpr::cexpr_compact;
use crate::writer::Writer;
use layout::{Layout, ReinterpretView};
use sym::Context;

fn int_array(
    cx: &mut Context,
    w: &mut Writer,
    var: &str,
    xs: &[sym::Expr],
) -> Result<String, CodegenError> {
    let all_const = xs.iter().all(|e| cx.as_int(*e).is_some());
    let mut items = Vec::new();
    for e in xs {
        items.push(cexpr_compact(cx, *e)?);
    }
    let body = if items.is_empty() {
        "0".to_string()
    } else {
        items.join(", ")
    };
    let n = xs.len().max(1);
    if all_const {
        w.line(&format!("static constexpr int64_t {var}[] = {{{body}}};"));
    } else {
        w.line(&format!("const int64_t {var}[{n}] = {{{body}}};"));
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
) -> Result<(), CodegenError> {
    let sizes = int_array(cx, w, &format!("int_array_{name}_size"), &l.sizes)?;
    let alloc = match allocation_sizes {
        Some(a) if a != l.sizes.as_slice() => {
            int_array(cx, w, &format!("int_array_{name}_alloc_size"), a)?
        }
        _ => sizes.clone(),
    };
    let strides = int_array(cx, w, &format!("int_array_{name}_stride"), &l.strides)?;
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
    let sizes = int_array(cx, w, &format!("int_array_{tmp}_size"), &l.sizes)?;
    let strides = int_array(cx, w, &format!("int_array_{tmp}_stride"), &l.strides)?;
    let off = cexpr_compact(cx, l.offset)?;
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
