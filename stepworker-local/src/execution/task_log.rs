//! Where the task table writes a token's fate: the history of the walk
//! (execution, Parallel branch or Map iteration) that waits on the token.
//!
//! The table calls it under its own lock, so the event and the decision to
//! accept a report are one step (see `activities::tasks`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use super::history::EventKind;
use super::record::Execution;
use super::runner::Runner;
use crate::activities::{TaskEvent, TaskLog};
use crate::clock::Clock;

/// The history event a token event adds, if any.
pub(super) type EventOf = Box<dyn Fn(&TaskEvent) -> Option<EventKind> + Send + Sync>;

/// One token's place in one walk's chain of events.
struct WalkTaskLog {
    execution: Arc<Execution>,
    /// The run the token belongs to: a redriven execution's old tokens
    /// write nothing (they were voided when their run ended).
    run: u32,
    clock: Arc<dyn Clock>,
    /// The walk's last event, shared with its runner (branch and iteration
    /// events follow their own chain).
    last_event: Option<Arc<AtomicI64>>,
    event_of: EventOf,
}

impl TaskLog for WalkTaskLog {
    fn write(&self, event: &TaskEvent) -> bool {
        let Some(kind) = (self.event_of)(event) else {
            return self.execution.run_goes_on(self.run);
        };
        let previous = self.last_event.as_ref().map(|l| l.load(Ordering::Relaxed));
        let now = self.clock.now_millis();
        let Some(id) = self.execution.record_in_run(self.run, now, kind, previous) else {
            return false;
        };
        if let Some(last) = &self.last_event {
            last.store(id, Ordering::Relaxed);
        }
        true
    }
}

impl Runner {
    /// The log of a token this walk waits on; `event_of` names the history
    /// event of each report.
    pub(super) fn task_log(&self, event_of: EventOf) -> Arc<dyn TaskLog> {
        Arc::new(WalkTaskLog {
            execution: self.execution.clone(),
            run: self.run,
            clock: self.core.clock.clone(),
            last_event: self.last_event_handle(),
            event_of,
        })
    }
}
