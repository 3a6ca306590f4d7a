//! Root package: owns the integration tests in `tests/` and the benches in `benches/`.
