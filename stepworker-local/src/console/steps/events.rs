//! What a history event means for the step list, whatever service wrote
//! it: activities, tasks and Lambda functions are read alike.

use stepworker::model::HistoryEvent;

/// Error and cause of an event that ends an attempt with a failure.
pub fn failure(event: &HistoryEvent) -> Option<(Option<String>, Option<String>)> {
    macro_rules! from {
        ($($field:ident),* $(,)?) => {
            $(if let Some(d) = &event.$field {
                return Some((d.error.clone(), d.cause.clone()));
            })*
        };
    }
    from!(
        activity_failed_event_details,
        activity_schedule_failed_event_details,
        activity_timed_out_event_details,
        task_failed_event_details,
        task_start_failed_event_details,
        task_submit_failed_event_details,
        task_timed_out_event_details,
        lambda_function_failed_event_details,
        lambda_function_schedule_failed_event_details,
        lambda_function_start_failed_event_details,
        lambda_function_timed_out_event_details,
        evaluation_failed_event_details,
        map_run_failed_event_details,
    );
    match event.r#type.as_str() {
        "ParallelStateFailed" | "MapStateFailed" | "MapRunFailed" => Some((None, None)),
        _ => None,
    }
}

/// True for an event that starts an attempt at a task.
pub fn schedules_attempt(event: &HistoryEvent) -> bool {
    matches!(
        event.r#type.as_str(),
        "ActivityScheduled" | "TaskScheduled" | "LambdaFunctionScheduled"
    )
}

/// True for an event that ends an attempt successfully.
pub fn attempt_succeeded(event: &HistoryEvent) -> bool {
    matches!(
        event.r#type.as_str(),
        "ActivitySucceeded" | "TaskSucceeded" | "LambdaFunctionSucceeded"
    )
}

/// The state type a Parallel or Map bookkeeping event belongs to
/// (`MapIterationStarted` belongs to the Map state).
pub fn container_type(event: &HistoryEvent) -> Option<&'static str> {
    let kind = event.r#type.as_str();
    if kind.starts_with("Parallel") {
        Some("Parallel")
    } else if kind.starts_with("Map") {
        Some("Map")
    } else {
        None
    }
}

/// The execution's end, if `event` is one: status, error, cause.
pub fn execution_end(
    event: &HistoryEvent,
) -> Option<(&'static str, Option<String>, Option<String>)> {
    if event.execution_succeeded_event_details.is_some()
        || event.r#type.as_str() == "ExecutionSucceeded"
    {
        return Some(("SUCCEEDED", None, None));
    }
    if let Some(d) = &event.execution_failed_event_details {
        return Some(("FAILED", d.error.clone(), d.cause.clone()));
    }
    if let Some(d) = &event.execution_aborted_event_details {
        return Some(("ABORTED", d.error.clone(), d.cause.clone()));
    }
    if let Some(d) = &event.execution_timed_out_event_details {
        return Some(("TIMED_OUT", d.error.clone(), d.cause.clone()));
    }
    match event.r#type.as_str() {
        "ExecutionFailed" => Some(("FAILED", None, None)),
        "ExecutionAborted" => Some(("ABORTED", None, None)),
        "ExecutionTimedOut" => Some(("TIMED_OUT", None, None)),
        _ => None,
    }
}
