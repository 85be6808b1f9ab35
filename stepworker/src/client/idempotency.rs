//! Which requests may be delivered twice, and the idempotency token the model
//! asks clients to fill in.

use std::any::Any;

use super::retry::RetrySafety;
use crate::model::{Operation, RedriveExecutionInput, StartExecutionInput};

/// Operations that only read, or whose repetition changes nothing.
fn is_read_only(operation: &str) -> bool {
    operation.starts_with("Describe")
        || operation.starts_with("List")
        || matches!(
            operation,
            "GetExecutionHistory" | "ValidateStateMachineDefinition"
        )
}

/// Whether `input` for operation `O` may be sent again after a failure that
/// leaves unknown whether the service acted on it.
pub(crate) fn retry_safety<O: Operation>(input: &O::Input) -> RetrySafety {
    // A heartbeat only pushes the task's heartbeat deadline forward.
    if is_read_only(O::NAME) || O::NAME == "SendTaskHeartbeat" {
        return RetrySafety::Repeatable;
    }
    if !O::IDEMPOTENT {
        return RetrySafety::Once;
    }
    // The model marks StartExecution idempotent because the service answers a
    // repeated *name* with the original execution; without a name the service
    // picks a fresh one and a second delivery starts a second execution.
    let input: &dyn Any = input;
    match input.downcast_ref::<StartExecutionInput>() {
        Some(start) if start.name.is_none() => RetrySafety::Once,
        _ => RetrySafety::Repeatable,
    }
}

/// Fills `clientToken` of RedriveExecution when the caller left it empty, as the
/// AWS SDKs do for members the model marks `idempotencyToken`, so a retried
/// redrive is recognised by the service as the same request.
pub(crate) fn fill_idempotency_token<O: Operation>(input: &mut O::Input) {
    let input: &mut dyn Any = input;
    if let Some(redrive) = input.downcast_mut::<RedriveExecutionInput>() {
        if redrive.client_token.is_none() {
            redrive.client_token = Some(random_token());
        }
    }
}

/// 32 hex digits (128 random bits), within the token's 1..=64 chars.
fn random_token() -> String {
    format!("{:032x}", fastrand::u128(..))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::operations::{
        DescribeExecution, GetActivityTask, RedriveExecution, SendTaskSuccess, StartExecution,
    };
    use crate::model::{DescribeExecutionInput, GetActivityTaskInput, SendTaskSuccessInput};

    #[test]
    fn reads_are_repeatable_and_task_handoffs_are_not() {
        assert_eq!(
            retry_safety::<DescribeExecution>(&DescribeExecutionInput::default()),
            RetrySafety::Repeatable
        );
        assert_eq!(
            retry_safety::<GetActivityTask>(&GetActivityTaskInput::default()),
            RetrySafety::Once
        );
        assert_eq!(
            retry_safety::<SendTaskSuccess>(&SendTaskSuccessInput::default()),
            RetrySafety::Once
        );
    }

    #[test]
    fn start_execution_is_repeatable_only_with_a_name() {
        let mut input = StartExecutionInput::default();
        assert_eq!(retry_safety::<StartExecution>(&input), RetrySafety::Once);
        input.name = Some("run-1".into());
        assert_eq!(
            retry_safety::<StartExecution>(&input),
            RetrySafety::Repeatable
        );
    }

    #[test]
    fn redrive_gets_a_token_unless_one_is_set() {
        let mut input = RedriveExecutionInput::default();
        fill_idempotency_token::<RedriveExecution>(&mut input);
        let token = input.client_token.clone().unwrap_or_default();
        assert_eq!(token.len(), 32);
        fill_idempotency_token::<RedriveExecution>(&mut input);
        assert_eq!(input.client_token.as_deref(), Some(token.as_str()));
    }
}
