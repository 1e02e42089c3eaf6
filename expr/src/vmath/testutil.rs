//! Comparisons shared by the unit tests of the vmath algorithms.

/// How many representable floats lie between `got` and `want`, as the difference of their
/// bit patterns: meaningful for two floats of the same sign, huge across signs (a wrong
/// sign is never a small error).
pub(super) fn ulps(got: f64, want: f64) -> u64 {
    (got.to_bits() as i64 - want.to_bits() as i64).unsigned_abs()
}

/// The same bits, or both NaN (of any payload).
pub(super) fn same(got: f64, want: f64) -> bool {
    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan())
}
