//! Every activity task the engine handed out, by id: whether its token is
//! still good, and the channel to the execution waiting for its result.
//!
//! Closing a task is the single decision point between a worker's report, a
//! timeout and a stop: whoever closes it first wins, under one lock, so a
//! result is either accepted and delivered or refused with an error — never
//! accepted and lost.

use std::collections::HashMap;

use parking_lot::Mutex;
use serde_json::Value;
use tokio::sync::mpsc;

/// What a worker did with a task, in the order the engine learned it.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskEvent {
    /// A worker received the task.
    Started {
        /// `workerName` of the poll.
        worker_name: Option<String>,
        /// When, in epoch milliseconds.
        at_millis: i64,
    },
    /// `SendTaskHeartbeat`.
    Heartbeat {
        /// When, in epoch milliseconds.
        at_millis: i64,
    },
    /// `SendTaskSuccess`.
    Succeeded {
        /// The result, JSON text (already validated).
        output: String,
        /// `output` parsed, as validating it parsed it. Boxed: every open
        /// task's channel reserves room for a block of events, so the
        /// enum stays small.
        value: Box<Value>,
    },
    /// `SendTaskFailure`.
    Failed {
        /// `error`.
        error: Option<String>,
        /// `cause`.
        cause: Option<String>,
    },
}

/// Why a task's token stopped being good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// A worker reported success or failure.
    Reported,
    /// Task or heartbeat timeout.
    TimedOut,
    /// The execution stopped or ended.
    ExecutionEnded,
}

/// Why a report or heartbeat was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No such task in memory (never existed or long forgotten).
    Unknown,
    /// The task is closed.
    Closed(Closed),
}

#[derive(Debug)]
struct Entry {
    events: mpsc::UnboundedSender<TaskEvent>,
    closed: Option<Closed>,
}

/// The table of tasks.
#[derive(Debug, Default)]
pub struct TaskTable {
    entries: Mutex<HashMap<u64, Entry>>,
}

impl TaskTable {
    /// Registers a new open task and returns the receiver of its events.
    pub fn open(&self, task_id: u64) -> mpsc::UnboundedReceiver<TaskEvent> {
        let (events, receiver) = mpsc::unbounded_channel();
        self.entries.lock().insert(
            task_id,
            Entry {
                events,
                closed: None,
            },
        );
        receiver
    }

    /// Records that a worker received the task; false if it is closed (the
    /// poll should look for another task).
    pub fn start(&self, task_id: u64, worker_name: Option<String>, at_millis: i64) -> bool {
        let entries = self.entries.lock();
        match entries.get(&task_id) {
            Some(entry) if entry.closed.is_none() => entry
                .events
                .send(TaskEvent::Started {
                    worker_name,
                    at_millis,
                })
                .is_ok(),
            _ => false,
        }
    }

    /// Forwards a heartbeat if the task is open.
    pub fn heartbeat(&self, task_id: u64, at_millis: i64) -> Result<(), Refused> {
        let entries = self.entries.lock();
        let entry = entries.get(&task_id).ok_or(Refused::Unknown)?;
        if let Some(reason) = entry.closed {
            return Err(Refused::Closed(reason));
        }
        // A closed receiver means the execution is gone: same as closed.
        entry
            .events
            .send(TaskEvent::Heartbeat { at_millis })
            .map_err(|_| Refused::Closed(Closed::ExecutionEnded))
    }

    /// Closes the task with a worker's result and delivers it.
    pub fn report(&self, task_id: u64, event: TaskEvent) -> Result<(), Refused> {
        let mut entries = self.entries.lock();
        let entry = entries.get_mut(&task_id).ok_or(Refused::Unknown)?;
        if let Some(reason) = entry.closed {
            return Err(Refused::Closed(reason));
        }
        entry
            .events
            .send(event)
            .map_err(|_| Refused::Closed(Closed::ExecutionEnded))?;
        entry.closed = Some(Closed::Reported);
        Ok(())
    }

    /// Closes the task for a reason other than a report. False if it was
    /// already closed (then a report won: its event is in the channel).
    pub fn close(&self, task_id: u64, reason: Closed) -> bool {
        let mut entries = self.entries.lock();
        match entries.get_mut(&task_id) {
            Some(entry) if entry.closed.is_none() => {
                entry.closed = Some(reason);
                true
            }
            _ => false,
        }
    }

    /// Forgets tasks (their execution left memory).
    pub fn forget(&self, task_ids: &[u64]) {
        let mut entries = self.entries.lock();
        for id in task_ids {
            entries.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each open task's channel allocates a block of 32 events up front, so
    /// every waiting execution pays for the largest variant 32 times.
    #[test]
    fn task_events_stay_compact() {
        assert!(
            std::mem::size_of::<TaskEvent>() <= 56,
            "TaskEvent grew to {} bytes",
            std::mem::size_of::<TaskEvent>()
        );
    }

    fn succeeded(output: &str) -> TaskEvent {
        TaskEvent::Succeeded {
            output: output.into(),
            value: Box::new(serde_json::from_str(output).expect("JSON output")),
        }
    }

    #[test]
    fn a_token_is_good_once() {
        let table = TaskTable::default();
        let mut events = table.open(1);
        let ok = table.report(1, succeeded("1"));
        assert_eq!(ok, Ok(()));
        let again = table.report(1, succeeded("2"));
        assert_eq!(again, Err(Refused::Closed(Closed::Reported)));
        assert_eq!(events.try_recv().ok(), Some(succeeded("1")));
        assert!(events.try_recv().is_err());
    }

    #[test]
    fn timeout_and_report_race_has_one_winner() {
        let table = TaskTable::default();
        let _events = table.open(1);
        assert!(table.close(1, Closed::TimedOut));
        let late = table.report(
            1,
            TaskEvent::Failed {
                error: None,
                cause: None,
            },
        );
        assert_eq!(late, Err(Refused::Closed(Closed::TimedOut)));

        let _events = table.open(2);
        assert_eq!(table.report(2, succeeded("{}")), Ok(()));
        assert!(!table.close(2, Closed::TimedOut));
        assert_eq!(table.heartbeat(3, 0), Err(Refused::Unknown));
    }
}
