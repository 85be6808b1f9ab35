//! Why a mock configuration was rejected.

/// A mock configuration that could not be read or is malformed: where
/// (the file and a JSON pointer to the bad field) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {}{message}", location(.pointer))]
pub struct MockConfigError {
    /// The file, or `mock configuration` for one given as text.
    pub source_name: String,
    /// JSON pointer (RFC 6901) to the offending value; empty for the whole
    /// document.
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

impl MockConfigError {
    pub(super) fn at(source_name: &str, pointer: &str, message: impl Into<String>) -> Self {
        Self {
            source_name: source_name.to_owned(),
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }

    pub(super) fn unreadable(source_name: &str, e: &std::io::Error) -> Self {
        Self::at(source_name, "", format!("cannot read the file: {e}"))
    }
}

impl From<MockConfigError> for std::io::Error {
    fn from(e: MockConfigError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}
