//! Errors of the `sym` crate. Every user-facing failure is a value, never a panic.

/// What went wrong while parsing, validating or evaluating.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Malformed text: the 1-based column and what was expected.
    #[error("parse error at column {col}: {msg}")]
    Parse {
        /// 1-based column (in characters) of the offending token.
        col: usize,
        /// What was expected or found.
        msg: String,
    },
    /// Well-formed but outside what the engine supports (unknown function, symbolic exponent).
    #[error("unsupported at column {col}: {msg}")]
    Unsupported {
        /// 1-based column.
        col: usize,
        /// What is unsupported.
        msg: String,
    },
    /// An invalid range or assumption.
    #[error("range error: {0}")]
    Range(String),
    /// Evaluation failed.
    #[error("evaluation error: {0}")]
    Eval(#[from] EvalError),
    /// A resource limit of the context was reached ([`crate::Limits`], docs/limits.md).
    #[error("limit '{name}' reached: {msg}")]
    Limit {
        /// The limit, as [`crate::Limits::NAMES`] spells it (`time` for `time_ms`).
        name: &'static str,
        /// What was reached.
        msg: String,
    },
}

impl Error {
    /// The `kind` string of docs/cli.md error responses.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Parse { .. } => "parse",
            Error::Unsupported { .. } => "unsupported",
            Error::Range(_) => "range",
            Error::Eval(_) => "eval",
            Error::Limit { .. } => "limit",
        }
    }
}

/// Why an evaluation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A division or modulo by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// An intermediate or final integer does not fit in a signed 64-bit integer.
    #[error("integer overflow")]
    Overflow,
    /// A symbol has no value.
    #[error("no value for symbol '{0}'")]
    Unbound(String),
    /// A value of the wrong type was given or produced.
    #[error("type mismatch: {0}")]
    Type(String),
    /// A float with no integer value was converted to an integer (NaN or infinite; a finite
    /// float beyond i64 is an [`EvalError::Overflow`]).
    #[error("float to integer conversion of a non-finite value")]
    FloatToInt,
}
