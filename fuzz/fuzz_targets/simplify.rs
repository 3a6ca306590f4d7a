//! Fuzz target `simplify`: see fuzz/README.md and `symshape_fuzz::check_simplify` for the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    symshape_fuzz::check_simplify(data);
});
