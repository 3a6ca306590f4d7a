//! Fuzz target `parse`: see fuzz/README.md and `symshape_fuzz::check_parse` for the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(t) = std::str::from_utf8(data) {
        symshape_fuzz::check_parse(t)
    };
});
