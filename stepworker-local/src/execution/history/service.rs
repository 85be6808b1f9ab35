//! The history events of service-integration tasks, as AWS writes them:
//! `Task*` events naming `resourceType` and `resource`, or `LambdaFunction*`
//! events for a Lambda function called by its ARN.

use std::sync::Arc;

use stepworker::model::{
    HistoryEvent, LambdaFunctionFailedEventDetails, LambdaFunctionScheduledEventDetails,
    LambdaFunctionSucceededEventDetails, LambdaFunctionTimedOutEventDetails,
    TaskFailedEventDetails, TaskScheduledEventDetails, TaskStartedEventDetails,
    TaskSubmittedEventDetails, TaskSucceededEventDetails, TaskTimedOutEventDetails,
};

use super::{data, ErrorCause};

/// `resourceType` and `resource` of a `Task*` event.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskTarget {
    /// `resourceType`: `lambda`, `sqs`, `aws-sdk:s3`, ...
    pub resource_type: Arc<str>,
    /// `resource`: `invoke`, `sendMessage.waitForTaskToken`, ...
    pub resource: Arc<str>,
}

/// One event of a service-integration task.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceEvent {
    /// `TaskScheduled`.
    TaskScheduled {
        /// What is called.
        target: TaskTarget,
        /// `region`.
        region: Arc<str>,
        /// The rendered `Parameters`, JSON text.
        parameters: Arc<str>,
        /// `timeoutInSeconds`.
        timeout_seconds: Option<u64>,
        /// `heartbeatInSeconds`.
        heartbeat_seconds: Option<u64>,
    },
    /// `TaskStarted`.
    TaskStarted(TaskTarget),
    /// `TaskSubmitted`: a `.sync` job or `.waitForTaskToken` call went out.
    TaskSubmitted(TaskTarget),
    /// `TaskSucceeded`.
    TaskSucceeded {
        /// What was called.
        target: TaskTarget,
        /// The result, JSON text.
        output: Arc<str>,
    },
    /// `TaskFailed`.
    TaskFailed(TaskTarget, ErrorCause),
    /// `TaskTimedOut`.
    TaskTimedOut(TaskTarget, ErrorCause),
    /// `LambdaFunctionScheduled`.
    LambdaScheduled {
        /// The function ARN.
        function: Arc<str>,
        /// The effective input, JSON text.
        input: Arc<str>,
        /// `timeoutInSeconds`.
        timeout_seconds: Option<u64>,
    },
    /// `LambdaFunctionStarted`.
    LambdaStarted,
    /// `LambdaFunctionSucceeded`.
    LambdaSucceeded {
        /// The function's result, JSON text.
        output: Arc<str>,
    },
    /// `LambdaFunctionFailed`.
    LambdaFailed(ErrorCause),
    /// `LambdaFunctionTimedOut`.
    LambdaTimedOut(ErrorCause),
}

fn seconds(value: Option<u64>) -> Option<i64> {
    value.map(|s| i64::try_from(s).unwrap_or(i64::MAX))
}

impl ServiceEvent {
    /// Fills `event`'s details; returns the event type name.
    pub fn fill_wire(&self, event: &mut HistoryEvent, include_data: bool) -> &'static str {
        match self {
            Self::TaskScheduled {
                target,
                region,
                parameters,
                timeout_seconds,
                heartbeat_seconds,
            } => {
                event.task_scheduled_event_details = Some(TaskScheduledEventDetails {
                    resource_type: target.resource_type.to_string(),
                    resource: target.resource.to_string(),
                    region: region.to_string(),
                    parameters: parameters.to_string(),
                    timeout_in_seconds: seconds(*timeout_seconds),
                    heartbeat_in_seconds: seconds(*heartbeat_seconds),
                    task_credentials: None,
                });
                "TaskScheduled"
            }
            Self::TaskStarted(target) => {
                event.task_started_event_details = Some(TaskStartedEventDetails {
                    resource_type: target.resource_type.to_string(),
                    resource: target.resource.to_string(),
                });
                "TaskStarted"
            }
            Self::TaskSubmitted(target) => {
                event.task_submitted_event_details = Some(TaskSubmittedEventDetails {
                    resource_type: target.resource_type.to_string(),
                    resource: target.resource.to_string(),
                    ..Default::default()
                });
                "TaskSubmitted"
            }
            Self::TaskSucceeded { target, output } => {
                let (output, output_details) = data(output, include_data);
                event.task_succeeded_event_details = Some(TaskSucceededEventDetails {
                    resource_type: target.resource_type.to_string(),
                    resource: target.resource.to_string(),
                    output,
                    output_details,
                });
                "TaskSucceeded"
            }
            Self::TaskFailed(target, e) => {
                event.task_failed_event_details = Some(TaskFailedEventDetails {
                    resource_type: target.resource_type.to_string(),
                    resource: target.resource.to_string(),
                    error: e.error.clone(),
                    cause: e.cause.clone(),
                });
                "TaskFailed"
            }
            Self::TaskTimedOut(target, e) => {
                event.task_timed_out_event_details = Some(TaskTimedOutEventDetails {
                    resource_type: target.resource_type.to_string(),
                    resource: target.resource.to_string(),
                    error: e.error.clone(),
                    cause: e.cause.clone(),
                });
                "TaskTimedOut"
            }
            Self::LambdaScheduled {
                function,
                input,
                timeout_seconds,
            } => {
                let (input, input_details) = data(input, include_data);
                event.lambda_function_scheduled_event_details =
                    Some(LambdaFunctionScheduledEventDetails {
                        resource: function.to_string(),
                        input,
                        input_details,
                        timeout_in_seconds: seconds(*timeout_seconds),
                        task_credentials: None,
                    });
                "LambdaFunctionScheduled"
            }
            Self::LambdaStarted => "LambdaFunctionStarted",
            Self::LambdaSucceeded { output } => {
                let (output, output_details) = data(output, include_data);
                event.lambda_function_succeeded_event_details =
                    Some(LambdaFunctionSucceededEventDetails {
                        output,
                        output_details,
                    });
                "LambdaFunctionSucceeded"
            }
            Self::LambdaFailed(e) => {
                event.lambda_function_failed_event_details =
                    Some(LambdaFunctionFailedEventDetails {
                        error: e.error.clone(),
                        cause: e.cause.clone(),
                    });
                "LambdaFunctionFailed"
            }
            Self::LambdaTimedOut(e) => {
                event.lambda_function_timed_out_event_details =
                    Some(LambdaFunctionTimedOutEventDetails {
                        error: e.error.clone(),
                        cause: e.cause.clone(),
                    });
                "LambdaFunctionTimedOut"
            }
        }
    }
}
