//! Fuzz target `bound`: see fuzz/README.md and `symshape_fuzz::check_bound` for the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    symshape_fuzz::check_bound(data);
});
