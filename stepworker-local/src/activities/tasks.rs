//! Every task token the engine handed out, by task id: whether it is
//! still good, where its fate is written, and the channel to the runner
//! waiting for it.
//!
//! This table is the one arbiter of a token's fate. Under its lock, and
//! only there, a token is started, heartbeaten, reported, timed out or
//! voided (its execution stopped, ended, was redriven, or its Parallel or
//! Map parent cancelled the branch). The history event a fate adds is
//! written inside the same critical section, through the token's
//! [`TaskLog`], before the lock is released: a report is accepted exactly
//! when its event is in the history, and an execution's end closes all of
//! its tokens in one step with its final event (see
//! [`TaskTable::end_all`]). So a report either lands before
//! `ExecutionAborted` and is answered 200, or comes after and is refused:
//! never answered 200 and lost. `CONCURRENCY.md` lists every decision.
//!
//! Lock order: this table, then an execution's state. Nothing that holds
//! an execution's lock calls into the table.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::inbox::{inbox, Inbox, InboxSender};
use super::sync::Mutex;

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
        /// The result, JSON text (already validated); shared with the
        /// history event that records it.
        output: Arc<str>,
        /// `output` parsed, as validating it parsed it. Boxed, so the
        /// enum stays small in the queues that hold it.
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
    /// The execution stopped or ended, or no longer waits for the task.
    ExecutionEnded,
    /// DeleteActivity removed the task's activity (see
    /// `ops::activities::delete`).
    ActivityDeleted,
}

/// Why a report or heartbeat was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No such task in memory (never existed or long forgotten).
    Unknown,
    /// The task is closed.
    Closed(Closed),
}

/// The history a token's fate is written to: the execution waiting on it.
///
/// Called with the table's lock held, so the write and the decision are
/// one step; an implementation takes the execution's lock and nothing
/// else.
pub trait TaskLog: Send + Sync {
    /// Writes the event `event` adds to the history (a heartbeat adds
    /// none). False, writing nothing, when the execution no longer runs:
    /// the event is then refused.
    fn write(&self, event: &TaskEvent) -> bool;
}

/// A token in the table.
enum Entry {
    /// Still good: the channel to its runner and the history its fate is
    /// written to.
    Open {
        events: InboxSender,
        log: Arc<dyn TaskLog>,
    },
    /// No longer good. Only the reason stays, which is what a late report
    /// or heartbeat is answered: the channel and the history handle go at
    /// once, so a closed token holds none of the task's buffers (a runner
    /// still reads what was sent before the close).
    Closed(Closed),
}

impl Entry {
    fn closed(&self) -> Option<Closed> {
        match self {
            Self::Open { .. } => None,
            Self::Closed(reason) => Some(*reason),
        }
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("closed", &self.closed())
            .finish_non_exhaustive()
    }
}

/// How a timer's claim on a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerClaim {
    /// The timer closed the task; `written` tells whether its timed-out
    /// event reached the history (false: the execution ended first).
    Expired {
        /// The timer's event is in the history.
        written: bool,
    },
    /// A report or an end closed it first; a report's event is in the
    /// channel and the history.
    Lost,
}

/// The table of tasks.
#[derive(Debug, Default)]
pub struct TaskTable {
    entries: Mutex<HashMap<u64, Entry>>,
}

impl TaskTable {
    /// Registers a new open task, its fate written to `log`, and returns
    /// the receiver of its events.
    pub fn open(&self, task_id: u64, log: Arc<dyn TaskLog>) -> Inbox {
        let (events, receiver) = inbox();
        self.entries
            .lock()
            .insert(task_id, Entry::Open { events, log });
        receiver
    }

    /// Records that a worker received the task; false if it is closed or
    /// its execution ended (the poll should look for another task).
    pub fn start(&self, task_id: u64, worker_name: Option<String>, at_millis: i64) -> bool {
        let event = TaskEvent::Started {
            worker_name,
            at_millis,
        };
        let mut entries = self.entries.lock();
        match entries.get_mut(&task_id) {
            Some(entry) => Self::deliver(entry, event).is_ok(),
            None => false,
        }
    }

    /// Forwards a heartbeat if the task is open.
    pub fn heartbeat(&self, task_id: u64, at_millis: i64) -> Result<(), Refused> {
        let mut entries = self.entries.lock();
        let entry = entries.get_mut(&task_id).ok_or(Refused::Unknown)?;
        Self::deliver(entry, TaskEvent::Heartbeat { at_millis })
    }

    /// Closes the task with a worker's result, written to the history and
    /// handed to the runner.
    pub fn report(&self, task_id: u64, event: TaskEvent) -> Result<(), Refused> {
        let mut entries = self.entries.lock();
        let entry = entries.get_mut(&task_id).ok_or(Refused::Unknown)?;
        Self::deliver(entry, event)?;
        *entry = Entry::Closed(Closed::Reported);
        Ok(())
    }

    /// Writes `event` and hands it to the runner; a closed task refuses
    /// it, and a runner that is gone or an execution that ended closes the
    /// task instead.
    fn deliver(entry: &mut Entry, event: TaskEvent) -> Result<(), Refused> {
        let Entry::Open { events, log } = entry else {
            return Err(Refused::Closed(
                entry.closed().unwrap_or(Closed::ExecutionEnded),
            ));
        };
        // A runner that dropped its receiver waits no more: its event
        // would be written and never acted on.
        if events.is_closed() || !log.write(&event) {
            *entry = Entry::Closed(Closed::ExecutionEnded);
            return Err(Refused::Closed(Closed::ExecutionEnded));
        }
        // The receiver lives as long as its runner waits; a send that
        // fails now means the runner left after the check, with the event
        // already in the history, where the answer says it is.
        let _ = events.send(event);
        Ok(())
    }

    /// A deadline of the task (`TimeoutSeconds`, `HeartbeatSeconds`, the
    /// execution's `TimeoutSeconds`) passed: closes it unless a report or
    /// an end closed it first, and then runs `write` (the timed-out event)
    /// under the same lock.
    pub fn expire(&self, task_id: u64, write: impl FnOnce() -> bool) -> TimerClaim {
        let mut entries = self.entries.lock();
        match entries.get_mut(&task_id) {
            Some(entry @ Entry::Open { .. }) => {
                *entry = Entry::Closed(Closed::TimedOut);
                TimerClaim::Expired { written: write() }
            }
            _ => TimerClaim::Lost,
        }
    }

    /// Closes the task for a reason other than a report or a timer. False
    /// if it was already closed (then a report may have won: its event is
    /// in the channel).
    pub fn close(&self, task_id: u64, reason: Closed) -> bool {
        let mut entries = self.entries.lock();
        match entries.get_mut(&task_id) {
            Some(entry @ Entry::Open { .. }) => {
                *entry = Entry::Closed(reason);
                true
            }
            _ => false,
        }
    }

    /// Ends an open task whose activity was deleted: `failure` is written
    /// and handed to its runner as a worker's report would be, and the
    /// token answers as [`Closed::ActivityDeleted`] from then on. False if
    /// the task was closed already.
    pub fn end_for_deleted_activity(&self, task_id: u64, failure: TaskEvent) -> bool {
        let mut entries = self.entries.lock();
        match entries.get_mut(&task_id) {
            Some(entry @ Entry::Open { .. }) => {
                let delivered = Self::deliver(entry, failure).is_ok();
                if delivered {
                    *entry = Entry::Closed(Closed::ActivityDeleted);
                }
                delivered
            }
            _ => false,
        }
    }

    /// Runs `end` under the table's lock and voids every task it returns:
    /// an execution's final event and the closing of its tokens are one
    /// step, so no report lands between them and none is accepted after.
    /// `end` returns `None` when it ended nothing.
    pub fn end_all<T>(&self, end: impl FnOnce() -> Option<(T, Vec<u64>)>) -> Option<T> {
        let mut entries = self.entries.lock();
        let (ended, task_ids) = end()?;
        for id in task_ids {
            if let Some(entry @ Entry::Open { .. }) = entries.get_mut(&id) {
                *entry = Entry::Closed(Closed::ExecutionEnded);
            }
        }
        Some(ended)
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
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::super::inbox::TryRecvError;
    use super::*;

    /// A history that counts what it was given, until its execution ends.
    #[derive(Default)]
    struct CountingLog {
        ended: AtomicBool,
        written: parking_lot::Mutex<Vec<TaskEvent>>,
    }

    impl TaskLog for CountingLog {
        fn write(&self, event: &TaskEvent) -> bool {
            if self.ended.load(Ordering::SeqCst) {
                return false;
            }
            self.written.lock().push(event.clone());
            true
        }
    }

    /// Events sit in each token's inbox until its runner reads them.
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
    fn a_token_is_good_once_and_its_report_is_written() {
        let table = TaskTable::default();
        let log = Arc::new(CountingLog::default());
        let mut events = table.open(1, log.clone());
        let ok = table.report(1, succeeded("1"));
        assert_eq!(ok, Ok(()));
        let again = table.report(1, succeeded("2"));
        assert_eq!(again, Err(Refused::Closed(Closed::Reported)));
        assert_eq!(events.try_recv().ok(), Some(succeeded("1")));
        assert!(events.try_recv().is_err());
        assert_eq!(*log.written.lock(), vec![succeeded("1")]);
    }

    #[test]
    fn timeout_and_report_race_has_one_winner() {
        let table = TaskTable::default();
        let _events = table.open(1, Arc::new(CountingLog::default()));
        assert_eq!(
            table.expire(1, || true),
            TimerClaim::Expired { written: true }
        );
        let late = table.report(
            1,
            TaskEvent::Failed {
                error: None,
                cause: None,
            },
        );
        assert_eq!(late, Err(Refused::Closed(Closed::TimedOut)));

        let _events = table.open(2, Arc::new(CountingLog::default()));
        assert_eq!(table.report(2, succeeded("{}")), Ok(()));
        assert_eq!(table.expire(2, || true), TimerClaim::Lost);
        assert_eq!(table.heartbeat(3, 0), Err(Refused::Unknown));
    }

    #[test]
    fn a_report_after_the_execution_ended_is_refused_and_not_written() {
        let table = TaskTable::default();
        let log = Arc::new(CountingLog::default());
        let _events = table.open(1, log.clone());
        let _other = table.open(2, log.clone());
        let ended = table.end_all(|| {
            log.ended.store(true, Ordering::SeqCst);
            Some(((), vec![1]))
        });
        assert_eq!(ended, Some(()));
        assert_eq!(
            table.report(1, succeeded("1")),
            Err(Refused::Closed(Closed::ExecutionEnded))
        );
        // Not booked on the execution, still refused: its history is closed.
        assert_eq!(
            table.report(2, succeeded("1")),
            Err(Refused::Closed(Closed::ExecutionEnded))
        );
        assert!(!table.start(2, None, 0));
        assert!(log.written.lock().is_empty());
    }

    #[test]
    fn a_closed_token_keeps_no_channel_or_history_handle() {
        let table = TaskTable::default();
        let log = Arc::new(CountingLog::default());
        let mut events = table.open(1, log.clone());
        assert_eq!(Arc::strong_count(&log), 2, "the open token holds the log");
        assert_eq!(table.report(1, succeeded("\"big\"")), Ok(()));
        assert_eq!(Arc::strong_count(&log), 1, "the closed token let it go");
        // What was sent before the close still reaches the runner, then
        // the channel reads as closed: nothing holds its sending side.
        assert_eq!(events.try_recv().ok(), Some(succeeded("\"big\"")));
        assert_eq!(events.try_recv(), Err(TryRecvError::Disconnected));
        assert_eq!(
            table.heartbeat(1, 0),
            Err(Refused::Closed(Closed::Reported))
        );

        let mut timed_out = table.open(2, log.clone());
        assert_eq!(
            table.expire(2, || true),
            TimerClaim::Expired { written: true }
        );
        assert_eq!(Arc::strong_count(&log), 1);
        assert_eq!(timed_out.try_recv(), Err(TryRecvError::Disconnected));
    }

    #[test]
    fn a_deleted_activity_fails_its_open_task_once() {
        let table = TaskTable::default();
        let log = Arc::new(CountingLog::default());
        let mut events = table.open(1, log.clone());
        let failure = TaskEvent::Failed {
            error: Some("States.TaskFailed".to_owned()),
            cause: Some("deleted".to_owned()),
        };
        assert!(table.end_for_deleted_activity(1, failure.clone()));
        assert!(!table.end_for_deleted_activity(1, failure.clone()));
        assert_eq!(events.try_recv().ok(), Some(failure.clone()));
        assert_eq!(*log.written.lock(), vec![failure]);
        assert_eq!(
            table.report(1, succeeded("1")),
            Err(Refused::Closed(Closed::ActivityDeleted))
        );
    }

    #[test]
    fn a_runner_that_left_refuses_reports() {
        let table = TaskTable::default();
        let log = Arc::new(CountingLog::default());
        drop(table.open(1, log.clone()));
        assert_eq!(
            table.heartbeat(1, 0),
            Err(Refused::Closed(Closed::ExecutionEnded))
        );
        assert!(log.written.lock().is_empty());
    }
}
