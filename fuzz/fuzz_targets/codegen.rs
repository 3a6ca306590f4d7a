//! Fuzz target `codegen`: see fuzz/README.md and `symshape_fuzz::check_codegen` for the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    symshape_fuzz::check_codegen(data);
});
