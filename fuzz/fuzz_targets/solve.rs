//! Fuzz target `solve`: see fuzz/README.md and `symshape_fuzz::check_solve` for the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    symshape_fuzz::check_solve(data);
});
