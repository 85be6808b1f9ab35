//! Why a quota or fault setting was refused.

/// A quota or fault setting that cannot be used: where (a file, a flag or
/// the builder, and a JSON pointer into a file) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {}{message}", location(.pointer))]
pub struct PressureError {
    /// The file, the command-line flag, or `quotas`/`faults` for settings
    /// made in code.
    pub source_name: String,
    /// JSON pointer (RFC 6901) to the offending value of a file; empty
    /// otherwise.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

fn location(pointer: &str) -> String {
    if pointer.is_empty() {
        String::new()
    } else {
        format!("at {pointer}: ")
    }
}

impl PressureError {
    pub(crate) fn new(source_name: &str, pointer: &str, message: impl Into<String>) -> Self {
        Self {
            source_name: source_name.to_owned(),
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }
}

impl From<PressureError> for std::io::Error {
    fn from(e: PressureError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}
