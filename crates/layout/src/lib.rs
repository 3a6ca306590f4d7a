//! `layout`: dtypes, devices and tensor layouts whose sizes, strides and offsets are `sym`
//! expressions, with PyTorch's views (Inductor's `ir.Layout`, `FixedLayout`, `ReinterpretView`).
//!
//! Predicates (`is_contiguous`, ...) are three-valued ([`sym::Truth`]): decided with the `sym`
//! prover under the context's ranges, `Unknown` when symbolic sizes leave them open. Views are
//! refused with a [`LayoutError`] when the prover shows them invalid; when validity depends on
//! values the prover cannot decide, the view is built and the condition is returned in
//! `requirements`-style lists where noted (see each method).
//!
//! ```
//! use layout::{DType, Device, Layout};
//! let mut cx = sym::Context::new();
//! let sizes: Vec<_> = ["s0", "3", "4"].iter().map(|t| cx.parse(t).unwrap()).collect();
//! let l = Layout::contiguous(&mut cx, Device::cpu(), DType::Float32, &sizes);
//! let strides: Vec<String> = l.strides.iter().map(|e| cx.display(*e)).collect();
//! assert_eq!(strides, ["12", "4", "1"]);
//! ```
#![warn(missing_docs)]

mod device;
mod dtype;
mod layout;
mod view;

pub use device::Device;
pub use dtype::DType;
pub use layout::{Layout, align};
pub use view::{IndexedView, ReinterpretView, Reshaped};

/// Why a layout operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// A dtype or device string could not be parsed.
    #[error("{0}")]
    Parse(String),
    /// A view is invalid for this layout (the message says which argument and why).
    #[error("invalid view: {0}")]
    InvalidView(String),
    /// An integer overflowed while building an expression, or a size, stride or offset was
    /// not an integer expression (the builders refuse both alike).
    #[error(
        "integer overflow (or a non-integer size, stride or offset) while building a layout expression"
    )]
    Overflow,
}
