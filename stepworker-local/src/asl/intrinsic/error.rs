//! Errors raised while evaluating an intrinsic call.

use std::fmt;

/// An intrinsic function failed (bad argument type or value, missing path).
///
/// AWS reports these as `States.Runtime`; the caller wraps them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrinsicError {
    /// What went wrong.
    pub message: String,
}

impl IntrinsicError {
    /// An error with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for IntrinsicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IntrinsicError {}
