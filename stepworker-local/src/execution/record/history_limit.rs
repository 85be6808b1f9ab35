//! AWS's 25,000-event history quota, enforced where events are written, so
//! retries, Parallel branches and Map iterations count like states do.
//!
//! AWS (developer guide, "Avoid reaching the history quota"): when an
//! execution has 24,999 events, the next one decides. If it is
//! `ExecutionSucceeded` the execution succeeds; otherwise `ExecutionFailed`
//! is written as event 25,000. Real histories show that event with error
//! `States.Runtime` and cause "The execution reached the maximum number of
//! history events (25000)." (reported in loads/ardere#86 and measured in
//! floci-io/floci#2734).

use stepworker::model::ExecutionStatus;

use super::ExecutionState;
use crate::asl::errors;
use crate::execution::history::{ErrorCause, EventKind, History};

/// Events one execution may write, like AWS's history quota.
pub const MAX_HISTORY_EVENTS: i64 = 25_000;

/// The failure AWS reports for an execution whose history is full.
pub fn history_full() -> ErrorCause {
    ErrorCause {
        error: Some(errors::RUNTIME.to_owned()),
        cause: Some(format!(
            "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."
        )),
    }
}

impl History {
    /// True when the next event is the last the quota allows. EXPRESS
    /// executions keep no history and have no such quota.
    pub fn next_is_last(&self) -> bool {
        self.is_kept() && self.written() + 1 >= MAX_HISTORY_EVENTS
    }
}

/// The history was full: the execution failed instead of writing the event.
#[derive(Debug)]
pub struct HistoryFull;

impl ExecutionState {
    /// Writes an event of a running execution, or, when it would be the
    /// history's last event, fails the execution with [`history_full`]
    /// (the caller wakes the runners waiting on it).
    pub fn append_event(
        &mut self,
        at_millis: i64,
        kind: EventKind,
        previous: Option<i64>,
    ) -> Result<i64, HistoryFull> {
        if self.history.next_is_last() {
            let failure = history_full();
            self.stop_millis = Some(at_millis);
            self.error = failure.clone();
            self.history
                .push(at_millis, EventKind::ExecutionFailed(failure));
            self.status = ExecutionStatus::Failed;
            self.history_full_unbooked = true;
            return Err(HistoryFull);
        }
        Ok(self.history.push_after(at_millis, kind, previous))
    }
}
