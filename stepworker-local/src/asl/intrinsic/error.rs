//! Errors raised while evaluating an intrinsic call.

use std::fmt;

/// An intrinsic function failed (bad argument type or value, missing path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrinsicError {
    /// What went wrong.
    pub message: String,
    /// True when a path argument named nothing in the input, which AWS
    /// reports as `States.Runtime` like any other missing path; otherwise
    /// the function itself refused its arguments (`States.IntrinsicFailure`).
    pub path_not_found: bool,
}

impl IntrinsicError {
    /// A function's refusal of its arguments, with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            path_not_found: false,
        }
    }

    /// A path argument that named nothing in the input.
    pub fn path_not_found(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            path_not_found: true,
        }
    }
}

impl fmt::Display for IntrinsicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IntrinsicError {}
