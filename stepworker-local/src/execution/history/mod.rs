//! An execution's history, kept compact in memory and turned into the wire
//! `HistoryEvent` only when someone reads it.

use std::collections::BTreeMap;
use std::sync::Arc;

use stepworker::model::{
    ActivityFailedEventDetails, ActivityScheduleFailedEventDetails, ActivityScheduledEventDetails,
    ActivityStartedEventDetails, ActivitySucceededEventDetails, ActivityTimedOutEventDetails,
    AssignedVariablesDetails, EvaluationFailedEventDetails, ExecutionAbortedEventDetails,
    ExecutionFailedEventDetails, ExecutionRedrivenEventDetails, ExecutionStartedEventDetails,
    ExecutionSucceededEventDetails, ExecutionTimedOutEventDetails, HistoryEvent,
    HistoryEventExecutionDataDetails, HistoryEventType, MapIterationEventDetails,
    MapRunFailedEventDetails, MapRunRedrivenEventDetails, MapRunStartedEventDetails,
    MapStateStartedEventDetails, StateEnteredEventDetails, StateExitedEventDetails, Timestamp,
};

mod service;

pub(crate) use service::{ServiceEvent, TaskTarget};

/// Error name and cause of a failure-like event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorCause {
    /// `error`.
    pub error: Option<String>,
    /// `cause`.
    pub cause: Option<String>,
}

impl ErrorCause {
    /// Both set.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Self {
            error: Some(error.into()),
            cause: Some(cause.into()),
        }
    }
}

/// What happened, with the data the wire event carries.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// `ExecutionStarted`.
    ExecutionStarted {
        /// Execution input.
        input: Arc<str>,
        /// Role of the state machine.
        role_arn: Arc<str>,
    },
    /// `<Type>StateEntered`.
    StateEntered {
        /// State type name (`Pass`, `Task`, ...).
        state_type: &'static str,
        /// State name.
        name: Arc<str>,
        /// Raw state input.
        input: Arc<str>,
    },
    /// `<Type>StateExited`.
    StateExited {
        /// State type name.
        state_type: &'static str,
        /// State name.
        name: Arc<str>,
        /// State output.
        output: Arc<str>,
        /// The variables the state assigned, boxed: most states assign
        /// nothing, and every event pays for the largest variant.
        assigned_variables: Option<Box<AssignedVariables>>,
    },
    /// `ParallelStateStarted` or `MapStateStarted`: the branches or
    /// iterations begin.
    StateStarted {
        /// `Parallel` or `Map`.
        state_type: &'static str,
        /// Number of items (Map only).
        length: Option<usize>,
    },
    /// `ParallelStateSucceeded` or `MapStateSucceeded`.
    StateSucceeded {
        /// `Parallel` or `Map`.
        state_type: &'static str,
    },
    /// `ParallelStateFailed` or `MapStateFailed`.
    StateFailed {
        /// `Parallel` or `Map`.
        state_type: &'static str,
    },
    /// `MapIterationStarted`, `...Succeeded`, `...Failed` or `...Aborted`.
    MapIteration {
        /// What happened to the iteration.
        step: IterationStep,
        /// Name of the Map state.
        name: Arc<str>,
        /// Index of the item.
        index: usize,
    },
    /// `ActivityScheduled`.
    ActivityScheduled {
        /// Activity ARN.
        resource: Arc<str>,
        /// Effective input of the task.
        input: Arc<str>,
        /// Task timeout, seconds.
        timeout_seconds: Option<u64>,
        /// Heartbeat timeout, seconds.
        heartbeat_seconds: Option<u64>,
    },
    /// `ActivityScheduleFailed`.
    ActivityScheduleFailed(ErrorCause),
    /// `EvaluationFailed`: an expression of a JSONata state failed (boxed,
    /// as rare and larger than the common events).
    EvaluationFailed(Box<EvaluationFailure>),
    /// `ActivityStarted`.
    ActivityStarted {
        /// `workerName` of the poll that took the task.
        worker_name: Option<String>,
    },
    /// `ActivitySucceeded`.
    ActivitySucceeded {
        /// The worker's output.
        output: Arc<str>,
    },
    /// `ActivityFailed`.
    ActivityFailed(ErrorCause),
    /// `ActivityTimedOut`.
    ActivityTimedOut(ErrorCause),
    /// A `Task*` or `LambdaFunction*` event of a service integration
    /// (boxed, as larger than the common events).
    Service(Box<ServiceEvent>),
    /// `ExecutionSucceeded`.
    ExecutionSucceeded {
        /// Execution output.
        output: Arc<str>,
    },
    /// `ExecutionFailed`.
    ExecutionFailed(ErrorCause),
    /// `ExecutionAborted`.
    ExecutionAborted(ErrorCause),
    /// `ExecutionTimedOut`.
    ExecutionTimedOut(ErrorCause),
    /// `ExecutionRedriven`: the execution runs again.
    ExecutionRedriven {
        /// Redrives so far, this one included.
        count: u32,
    },
    /// `MapRunStarted`, `MapRunSucceeded`, `MapRunFailed`, `MapRunAborted`
    /// or `MapRunRedriven`: a Distributed Map state's Map Run.
    MapRun(MapRunStep),
}

/// The variables a state assigned: name -> value as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssignedVariables(pub BTreeMap<String, String>);

/// What an `EvaluationFailed` event records.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationFailure {
    /// The state's name.
    pub state: Arc<str>,
    /// The field whose expression failed (`Arguments`, `Output`, ...).
    pub location: Option<String>,
    /// The error (`States.QueryEvaluationError`) and its cause.
    pub failure: ErrorCause,
}

/// The moments of a Map Run that the parent's history records.
#[derive(Debug, Clone, PartialEq)]
pub enum MapRunStep {
    /// `MapRunStarted`, with the Map Run's ARN.
    Started(Arc<str>),
    /// `MapRunSucceeded`.
    Succeeded,
    /// `MapRunFailed`.
    Failed(ErrorCause),
    /// `MapRunAborted`.
    Aborted,
    /// `MapRunRedriven`: the Map Run's unsuccessful children run again.
    Redriven {
        /// The Map Run's ARN.
        arn: Arc<str>,
        /// Redrives of the Map Run so far, this one included.
        count: u32,
    },
}

/// The moments of one Map iteration that AWS records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IterationStep {
    /// `MapIterationStarted`.
    Started,
    /// `MapIterationSucceeded`.
    Succeeded,
    /// `MapIterationFailed`.
    Failed,
    /// `MapIterationAborted`: stopped because another iteration failed.
    Aborted,
}

/// One event in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Id, from 1.
    pub id: i64,
    /// The event this one follows from.
    pub previous_event_id: i64,
    /// When, epoch milliseconds.
    pub at_millis: i64,
    /// What.
    pub kind: EventKind,
}

/// An input or output as a wire event carries it, unless data is left out.
pub(super) fn data(
    text: &Arc<str>,
    include: bool,
) -> (Option<String>, Option<HistoryEventExecutionDataDetails>) {
    if include {
        (
            Some(text.to_string()),
            Some(HistoryEventExecutionDataDetails {
                truncated: Some(false),
            }),
        )
    } else {
        (None, None)
    }
}

impl Event {
    /// The wire event. Without `include_data`, inputs and outputs are left
    /// out (`includeExecutionData: false`).
    pub fn to_wire(&self, include_data: bool) -> HistoryEvent {
        let mut event = HistoryEvent {
            id: self.id,
            previous_event_id: Some(self.previous_event_id),
            timestamp: Timestamp::from_epoch_millis(self.at_millis),
            ..HistoryEvent::default()
        };
        let type_name: String = match &self.kind {
            EventKind::ExecutionStarted { input, role_arn } => {
                let (input, input_details) = data(input, include_data);
                event.execution_started_event_details = Some(ExecutionStartedEventDetails {
                    input,
                    input_details,
                    role_arn: Some(role_arn.to_string()),
                    ..Default::default()
                });
                "ExecutionStarted".into()
            }
            EventKind::StateEntered {
                state_type,
                name,
                input,
            } => {
                let (input, input_details) = data(input, include_data);
                event.state_entered_event_details = Some(StateEnteredEventDetails {
                    name: name.to_string(),
                    input,
                    input_details,
                });
                format!("{state_type}StateEntered")
            }
            EventKind::StateExited {
                state_type,
                name,
                output,
                assigned_variables,
            } => {
                let (output, output_details) = data(output, include_data);
                let assigned = assigned_variables.as_deref().map(|a| a.0.clone());
                event.state_exited_event_details = Some(StateExitedEventDetails {
                    name: name.to_string(),
                    output,
                    output_details,
                    assigned_variables_details: assigned.as_ref().map(|_| {
                        AssignedVariablesDetails {
                            truncated: Some(false),
                        }
                    }),
                    assigned_variables: assigned,
                });
                format!("{state_type}StateExited")
            }
            EventKind::StateStarted { state_type, length } => {
                if let Some(length) = length {
                    event.map_state_started_event_details = Some(MapStateStartedEventDetails {
                        length: Some(i32::try_from(*length).unwrap_or(i32::MAX)),
                    });
                }
                format!("{state_type}StateStarted")
            }
            EventKind::StateSucceeded { state_type } => format!("{state_type}StateSucceeded"),
            EventKind::StateFailed { state_type } => format!("{state_type}StateFailed"),
            EventKind::MapIteration { step, name, index } => {
                let details = Some(MapIterationEventDetails {
                    name: Some(name.to_string()),
                    index: Some(i32::try_from(*index).unwrap_or(i32::MAX)),
                });
                match step {
                    IterationStep::Started => {
                        event.map_iteration_started_event_details = details;
                        "MapIterationStarted".into()
                    }
                    IterationStep::Succeeded => {
                        event.map_iteration_succeeded_event_details = details;
                        "MapIterationSucceeded".into()
                    }
                    IterationStep::Failed => {
                        event.map_iteration_failed_event_details = details;
                        "MapIterationFailed".into()
                    }
                    IterationStep::Aborted => {
                        event.map_iteration_aborted_event_details = details;
                        "MapIterationAborted".into()
                    }
                }
            }
            EventKind::ActivityScheduled {
                resource,
                input,
                timeout_seconds,
                heartbeat_seconds,
            } => {
                let (input, input_details) = data(input, include_data);
                event.activity_scheduled_event_details = Some(ActivityScheduledEventDetails {
                    resource: resource.to_string(),
                    input,
                    input_details,
                    timeout_in_seconds: timeout_seconds.map(|s| s as i64),
                    heartbeat_in_seconds: heartbeat_seconds.map(|s| s as i64),
                });
                "ActivityScheduled".into()
            }
            EventKind::ActivityScheduleFailed(e) => {
                event.activity_schedule_failed_event_details =
                    Some(ActivityScheduleFailedEventDetails {
                        error: e.error.clone(),
                        cause: e.cause.clone(),
                    });
                "ActivityScheduleFailed".into()
            }
            EventKind::EvaluationFailed(evaluation) => {
                let EvaluationFailure {
                    state,
                    location,
                    failure,
                } = &**evaluation;
                event.evaluation_failed_event_details = Some(EvaluationFailedEventDetails {
                    cause: failure.cause.clone(),
                    error: failure.error.clone(),
                    location: location.clone(),
                    state: state.to_string(),
                });
                "EvaluationFailed".into()
            }
            EventKind::ActivityStarted { worker_name } => {
                event.activity_started_event_details = Some(ActivityStartedEventDetails {
                    worker_name: worker_name.clone(),
                });
                "ActivityStarted".into()
            }
            EventKind::ActivitySucceeded { output } => {
                let (output, output_details) = data(output, include_data);
                event.activity_succeeded_event_details = Some(ActivitySucceededEventDetails {
                    output,
                    output_details,
                });
                "ActivitySucceeded".into()
            }
            EventKind::ActivityFailed(e) => {
                event.activity_failed_event_details = Some(ActivityFailedEventDetails {
                    error: e.error.clone(),
                    cause: e.cause.clone(),
                });
                "ActivityFailed".into()
            }
            EventKind::ActivityTimedOut(e) => {
                event.activity_timed_out_event_details = Some(ActivityTimedOutEventDetails {
                    error: e.error.clone(),
                    cause: e.cause.clone(),
                });
                "ActivityTimedOut".into()
            }
            EventKind::Service(service) => service.fill_wire(&mut event, include_data).into(),
            EventKind::ExecutionSucceeded { output } => {
                let (output, output_details) = data(output, include_data);
                event.execution_succeeded_event_details = Some(ExecutionSucceededEventDetails {
                    output,
                    output_details,
                });
                "ExecutionSucceeded".into()
            }
            EventKind::ExecutionFailed(e) => {
                event.execution_failed_event_details = Some(ExecutionFailedEventDetails {
                    error: e.error.clone(),
                    cause: e.cause.clone(),
                });
                "ExecutionFailed".into()
            }
            EventKind::ExecutionAborted(e) => {
                event.execution_aborted_event_details = Some(ExecutionAbortedEventDetails {
                    error: e.error.clone(),
                    cause: e.cause.clone(),
                });
                "ExecutionAborted".into()
            }
            EventKind::ExecutionTimedOut(e) => {
                event.execution_timed_out_event_details = Some(ExecutionTimedOutEventDetails {
                    error: e.error.clone(),
                    cause: e.cause.clone(),
                });
                "ExecutionTimedOut".into()
            }
            EventKind::ExecutionRedriven { count } => {
                event.execution_redriven_event_details = Some(ExecutionRedrivenEventDetails {
                    redrive_count: Some(i32::try_from(*count).unwrap_or(i32::MAX)),
                });
                "ExecutionRedriven".into()
            }
            EventKind::MapRun(step) => map_run_event(&mut event, step).into(),
        };
        event.r#type = HistoryEventType::from(type_name.as_str());
        event
    }
}

/// Fills the details of a Map Run event; its type name.
fn map_run_event(event: &mut HistoryEvent, step: &MapRunStep) -> &'static str {
    match step {
        MapRunStep::Started(arn) => {
            event.map_run_started_event_details = Some(MapRunStartedEventDetails {
                map_run_arn: Some(arn.to_string()),
            });
            "MapRunStarted"
        }
        MapRunStep::Succeeded => "MapRunSucceeded",
        MapRunStep::Failed(e) => {
            event.map_run_failed_event_details = Some(MapRunFailedEventDetails {
                error: e.error.clone(),
                cause: e.cause.clone(),
            });
            "MapRunFailed"
        }
        MapRunStep::Aborted => "MapRunAborted",
        MapRunStep::Redriven { arn, count } => {
            event.map_run_redriven_event_details = Some(MapRunRedrivenEventDetails {
                map_run_arn: Some(arn.to_string()),
                redrive_count: Some(i32::try_from(*count).unwrap_or(i32::MAX)),
            });
            "MapRunRedriven"
        }
    }
}

/// The events of one execution, with AWS's id and previous-id numbering.
#[derive(Debug)]
pub struct History {
    events: Vec<Event>,
    /// Events written so far (kept or not).
    written: i64,
    /// False for EXPRESS executions, whose history AWS does not keep.
    keep: bool,
}

impl Default for History {
    fn default() -> Self {
        Self::new(true)
    }
}

impl History {
    /// An empty history; with `keep` false, events are numbered but not kept.
    pub fn new(keep: bool) -> Self {
        Self {
            events: Vec::new(),
            written: 0,
            keep,
        }
    }

    /// Appends an event and returns its id.
    ///
    /// `previousEventId` is the id of the event before it, except that the
    /// first state entered follows event 0, as AWS writes it.
    pub fn push(&mut self, at_millis: i64, kind: EventKind) -> i64 {
        self.push_after(at_millis, kind, None)
    }

    /// Appends an event that follows `previous` (events of a Parallel
    /// branch or Map iteration follow the branch's own last event, not
    /// whatever another branch wrote last); `None` follows the last event.
    pub fn push_after(&mut self, at_millis: i64, kind: EventKind, previous: Option<i64>) -> i64 {
        self.written += 1;
        let id = self.written;
        if !self.keep {
            return id;
        }
        let previous_event_id = match previous {
            Some(previous) => previous,
            None if id <= 2 => 0,
            None => id - 1,
        };
        self.events.push(Event {
            id,
            previous_event_id,
            at_millis,
            kind,
        });
        id
    }

    /// Gives back the room the event list grew into but did not fill. An
    /// ended execution's history is read, and grows again only on a
    /// redrive, while the list's doubling leaves up to half of it unused
    /// for as long as the execution is retained.
    pub fn shrink_to_fit(&mut self) {
        self.events.shrink_to_fit();
    }

    /// All events, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Events written so far, kept or not.
    pub fn written(&self) -> i64 {
        self.written
    }

    /// False for EXPRESS executions, whose events are not kept.
    pub fn is_kept(&self) -> bool {
        self.keep
    }
}
#[cfg(test)]
mod tests {
    /// Every retained execution keeps all its events, so the common events
    /// must stay small: rare or large payloads are boxed.
    #[test]
    fn events_stay_compact() {
        assert!(
            std::mem::size_of::<super::EventKind>() <= 64,
            "EventKind grew to {} bytes",
            std::mem::size_of::<super::EventKind>()
        );
    }
}
