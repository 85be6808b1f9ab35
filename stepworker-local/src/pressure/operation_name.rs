//! Operation names as settings name them: one of the service's 37, checked.

use stepworker::model::operations::OPERATION_NAMES;

/// The service's spelling of `name`, if it is one of its operations.
pub fn known(name: &str) -> Option<&'static str> {
    OPERATION_NAMES.iter().copied().find(|known| *known == name)
}

/// The message for a name that is not an operation.
pub fn unknown(name: &str) -> String {
    format!(
        "unknown operation '{name}'; expected one of the {} Step Functions operations (for example GetActivityTask)",
        OPERATION_NAMES.len()
    )
}
