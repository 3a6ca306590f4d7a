//! `layout`: dtypes, devices and symbolic tensor layouts over `sym` expressions.
//!
//! **Not implemented yet** (issue 5). This crate only reserves its place in the dependency
//! chain `sym <- layout <- codegen-cpp <- cli`.
