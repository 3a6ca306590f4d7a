//! `codegen-cpp`: the C++ printer, symbol binding and runtime input checks.
//!
//! **Not implemented yet** (issue 6). This crate only reserves its place in the dependency
//! chain `sym <- layout <- codegen-cpp <- cli`.
