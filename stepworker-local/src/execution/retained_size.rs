//! What a finished execution holds in memory, in bytes, so retention can
//! bound finished executions by size as well as by count.
//!
//! An estimate, not an allocator count: every event is charged its fixed
//! size plus the text it carries (inputs, outputs, errors, causes, assigned
//! variables). Texts shared between events (a state's output is often the
//! next state's input, one `Arc<str>`) are charged each time, so the
//! estimate errs on the high side.

use super::history::ServiceEvent;
use super::history::{ErrorCause, EventKind, MapRunStep};
use super::record::Execution;

/// Bytes charged per execution beyond its history and texts: the record,
/// its lock, its map entries.
const EXECUTION_OVERHEAD: usize = 1024;

impl Execution {
    /// Estimated bytes this execution holds: input, output, error, and
    /// every kept history event with its texts.
    pub fn retained_bytes(&self) -> usize {
        self.with_state(|state| {
            let events: usize = state
                .history
                .events()
                .iter()
                .map(|event| std::mem::size_of_val(event) + event_text_bytes(&event.kind))
                .sum();
            EXECUTION_OVERHEAD
                + self.input.len()
                + state.output.as_ref().map_or(0, |o| o.len())
                + error_bytes(&state.error)
                + events
                + state.task_ids.len() * std::mem::size_of::<u64>()
        })
    }
}

fn error_bytes(error: &ErrorCause) -> usize {
    error.error.as_ref().map_or(0, String::len) + error.cause.as_ref().map_or(0, String::len)
}

/// The text an event carries beside its fixed size.
fn event_text_bytes(kind: &EventKind) -> usize {
    match kind {
        EventKind::ExecutionStarted { input, role_arn } => input.len() + role_arn.len(),
        EventKind::StateEntered { name, input, .. } => name.len() + input.len(),
        EventKind::StateExited {
            name,
            output,
            assigned_variables,
            ..
        } => {
            let assigned = assigned_variables.as_ref().map_or(0, |vars| {
                vars.0.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
            });
            name.len() + output.len() + assigned
        }
        EventKind::MapIteration { name, .. } => name.len(),
        EventKind::ActivityScheduled {
            resource, input, ..
        } => resource.len() + input.len(),
        EventKind::ActivityStarted { worker_name } => worker_name.as_ref().map_or(0, String::len),
        EventKind::ActivitySucceeded { output } | EventKind::ExecutionSucceeded { output } => {
            output.len()
        }
        EventKind::ActivityScheduleFailed(e)
        | EventKind::ActivityFailed(e)
        | EventKind::ActivityTimedOut(e)
        | EventKind::ExecutionFailed(e)
        | EventKind::ExecutionAborted(e)
        | EventKind::ExecutionTimedOut(e) => error_bytes(e),
        EventKind::EvaluationFailed(failure) => {
            failure.state.len()
                + failure.location.as_ref().map_or(0, String::len)
                + error_bytes(&failure.failure)
        }
        EventKind::Service(service) => service_text_bytes(service),
        EventKind::MapRun(step) => match step {
            MapRunStep::Started(arn) | MapRunStep::Redriven { arn, .. } => arn.len(),
            MapRunStep::Failed(e) => error_bytes(e),
            MapRunStep::Succeeded | MapRunStep::Aborted => 0,
        },
        EventKind::StateStarted { .. }
        | EventKind::StateSucceeded { .. }
        | EventKind::StateFailed { .. }
        | EventKind::ExecutionRedriven { .. } => 0,
    }
}

fn service_text_bytes(event: &ServiceEvent) -> usize {
    // Boxed: the box itself is charged too.
    std::mem::size_of::<ServiceEvent>()
        + match event {
            ServiceEvent::TaskScheduled {
                target,
                region,
                parameters,
                ..
            } => {
                target.resource.len() + target.resource_type.len() + region.len() + parameters.len()
            }
            ServiceEvent::TaskStarted(target) | ServiceEvent::TaskSubmitted(target) => {
                target.resource.len() + target.resource_type.len()
            }
            ServiceEvent::TaskSucceeded { target, output } => {
                target.resource.len() + target.resource_type.len() + output.len()
            }
            ServiceEvent::TaskFailed(target, e) | ServiceEvent::TaskTimedOut(target, e) => {
                target.resource.len() + target.resource_type.len() + error_bytes(e)
            }
            ServiceEvent::LambdaScheduled {
                function, input, ..
            } => function.len() + input.len(),
            ServiceEvent::LambdaSucceeded { output } => output.len(),
            ServiceEvent::LambdaFailed(e) | ServiceEvent::LambdaTimedOut(e) => error_bytes(e),
            ServiceEvent::LambdaStarted => 0,
        }
}
