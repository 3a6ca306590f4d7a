//! The unit tests' seeded generator of random cases.

/// A small seeded xorshift generator: `next(m)` is in `0..m` (`m > 0`).
pub(crate) fn xorshift(mut r: u64) -> impl FnMut(u64) -> u64 {
    move |m| {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        r % m
    }
}
