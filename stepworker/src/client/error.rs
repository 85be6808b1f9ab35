/// Everything a client call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A required member was not set on a builder; no request was made.
    #[error("{operation}: required member `{member}` is not set")]
    MissingParameter {
        /// The operation name.
        operation: &'static str,
        /// The member's wire name.
        member: &'static str,
    },
}

impl Error {
    pub(crate) fn missing_parameter(operation: &'static str, member: &'static str) -> Self {
        Self::MissingParameter { operation, member }
    }
}
