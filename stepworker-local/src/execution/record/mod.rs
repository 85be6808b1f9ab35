//! One execution as the engine keeps it: identity, the definition it runs,
//! status, result and history.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use parking_lot::Mutex;
use stepworker::model::{ExecutionStatus, StateMachineType, Timestamp};
use tokio::sync::Notify;

mod history_limit;
mod redrive;

use self::history_limit::{history_full, HistoryFull};
pub use self::redrive::{RedriveRecord, Redriven, ResumePoint};
use super::history::{ErrorCause, EventKind, History};
use crate::mocks::MockRun;
use crate::store::MachineVersion;

/// The final status of an execution, with what AWS reports for it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `SUCCEEDED` with the output.
    Succeeded(Arc<str>),
    /// `FAILED`.
    Failed(ErrorCause),
    /// `TIMED_OUT`.
    TimedOut(ErrorCause),
    /// `ABORTED` (StopExecution).
    Aborted(ErrorCause),
}

/// The mutable part of an execution.
#[derive(Debug)]
pub struct ExecutionState {
    /// Status.
    pub status: ExecutionStatus,
    /// When it ended, epoch milliseconds.
    pub stop_millis: Option<i64>,
    /// Output when it succeeded.
    pub output: Option<Arc<str>>,
    /// Error and cause when it failed, timed out or was stopped.
    pub error: ErrorCause,
    /// Events so far.
    pub history: History,
    /// Every task id it ever scheduled (to forget their tokens later).
    pub task_ids: Vec<u64>,
    /// The tasks it waits on now (several in Parallel branches and Map
    /// iterations): task id and activity name.
    pub open_tasks: Vec<(u64, String)>,
    /// Its redrives.
    pub redrive: RedriveRecord,
    /// Set when the history quota ended it where an event was written
    /// (see `history_limit`): its runner books the end.
    pub history_full_unbooked: bool,
}

/// One execution.
#[derive(Debug)]
pub struct Execution {
    /// Order of creation (newest has the highest).
    pub seq: u64,
    /// Execution ARN.
    pub arn: Arc<str>,
    /// Execution name.
    pub name: Arc<str>,
    /// Name of its state machine.
    pub state_machine_name: Arc<str>,
    /// ARN of its state machine.
    pub state_machine_arn: Arc<str>,
    /// The definition and settings it started with (kept even if the
    /// machine is updated meanwhile).
    pub version: Arc<MachineVersion>,
    /// Input, JSON text.
    pub input: Arc<str>,
    /// When it started, epoch milliseconds.
    pub start_millis: i64,
    /// `traceHeader` of StartExecution.
    pub trace_header: Option<String>,
    /// Set when its state machine is being deleted.
    pub machine_deleting: Arc<AtomicBool>,
    /// The version it runs, when started on a version or an alias.
    pub version_arn: Option<Arc<str>>,
    /// The alias it was started through, if any.
    pub alias_arn: Option<Arc<str>>,
    /// The mock test case it runs (`<state machine ARN>#<TestCaseName>`).
    pub mocks: Option<MockRun>,
    state: Mutex<ExecutionState>,
    stop: Notify,
}

impl Execution {
    /// A running execution with an empty history.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        seq: u64,
        arn: Arc<str>,
        name: Arc<str>,
        state_machine_name: Arc<str>,
        state_machine_arn: Arc<str>,
        version: Arc<MachineVersion>,
        input: Arc<str>,
        start_millis: i64,
        trace_header: Option<String>,
        machine_deleting: Arc<AtomicBool>,
    ) -> Self {
        // AWS keeps no history of EXPRESS executions.
        let keep_history = version.machine_type != StateMachineType::Express;
        // Written with the execution, before anyone can find it: a stop
        // that comes before its runner starts still follows it.
        let mut history = History::new(keep_history);
        history.push(
            start_millis,
            EventKind::ExecutionStarted {
                input: input.clone(),
                role_arn: version.role_arn.clone(),
            },
        );
        Self {
            seq,
            arn,
            name,
            state_machine_name,
            state_machine_arn,
            version,
            input,
            start_millis,
            trace_header,
            machine_deleting,
            version_arn: None,
            alias_arn: None,
            mocks: None,
            state: Mutex::new(ExecutionState {
                status: ExecutionStatus::Running,
                stop_millis: None,
                output: None,
                error: ErrorCause::default(),
                history,
                task_ids: Vec::new(),
                open_tasks: Vec::new(),
                redrive: RedriveRecord::default(),
                history_full_unbooked: false,
            }),
            stop: Notify::new(),
        }
    }

    /// Start date as the wire model carries it.
    pub fn start_date(&self) -> Timestamp {
        Timestamp::from_epoch_millis(self.start_millis)
    }

    /// Runs `f` on the mutable state under its lock.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut ExecutionState) -> R) -> R {
        f(&mut self.state.lock())
    }

    /// True while the execution runs.
    pub fn is_running(&self) -> bool {
        self.state.lock().status == ExecutionStatus::Running
    }

    /// Appends an event if the execution still runs; returns its id.
    pub fn record(&self, at_millis: i64, kind: EventKind) -> Option<i64> {
        self.record_after(at_millis, kind, None)
    }

    /// Like [`Execution::record`], with the event following `previous`.
    pub fn record_after(
        &self,
        at_millis: i64,
        kind: EventKind,
        previous: Option<i64>,
    ) -> Option<i64> {
        self.record_checked(None, at_millis, kind, previous)
    }

    /// Like [`Execution::record_after`], only while run `run` goes on (the
    /// first run is 0, each redrive starts the next): a runner of an ended
    /// run writes nothing into a redriven one.
    pub fn record_in_run(
        &self,
        run: u32,
        at_millis: i64,
        kind: EventKind,
        previous: Option<i64>,
    ) -> Option<i64> {
        self.record_checked(Some(run), at_millis, kind, previous)
    }

    fn record_checked(
        &self,
        run: Option<u32>,
        at_millis: i64,
        kind: EventKind,
        previous: Option<i64>,
    ) -> Option<i64> {
        let mut state = self.state.lock();
        let goes_on = match run {
            Some(run) => Self::goes_on(&state, run),
            None => state.status == ExecutionStatus::Running,
        };
        if !goes_on {
            return None;
        }
        match state.append_event(at_millis, kind, previous) {
            Ok(id) => Some(id),
            Err(HistoryFull) => {
                drop(state);
                self.stop.notify_waiters();
                None
            }
        }
    }

    /// The run now going on or last ended (its redrive count).
    pub fn run(&self) -> u32 {
        self.state.lock().redrive.count
    }

    /// True while run `run` goes on.
    pub fn run_goes_on(&self, run: u32) -> bool {
        Self::goes_on(&self.state.lock(), run)
    }

    fn goes_on(state: &ExecutionState, run: u32) -> bool {
        state.status == ExecutionStatus::Running && state.redrive.count == run
    }

    /// Ends the execution with `outcome` and writes its final event, unless
    /// it already ended. Returns whether this call ended it.
    pub fn finish(&self, at_millis: i64, outcome: Outcome) -> bool {
        self.finish_run(None, at_millis, outcome)
    }

    /// [`Execution::finish`], by a runner of run `run` (`None`: by the
    /// API), which ends nothing once its run is over.
    pub fn finish_run(&self, run: Option<u32>, at_millis: i64, outcome: Outcome) -> bool {
        let mut state = self.state.lock();
        if state.status != ExecutionStatus::Running
            || run.is_some_and(|run| state.redrive.count != run)
        {
            return false;
        }
        state.stop_millis = Some(at_millis);
        // Only `ExecutionSucceeded` may be the history's last event.
        let outcome = match outcome {
            Outcome::Succeeded(_) => outcome,
            _ if state.history.next_is_last() => Outcome::Failed(history_full()),
            _ => outcome,
        };
        let (status, kind) = match outcome {
            Outcome::Succeeded(output) => {
                state.output = Some(output.clone());
                (
                    ExecutionStatus::Succeeded,
                    EventKind::ExecutionSucceeded { output },
                )
            }
            Outcome::Failed(e) => {
                state.error = e.clone();
                (ExecutionStatus::Failed, EventKind::ExecutionFailed(e))
            }
            Outcome::TimedOut(e) => {
                state.error = e.clone();
                (ExecutionStatus::TimedOut, EventKind::ExecutionTimedOut(e))
            }
            Outcome::Aborted(e) => {
                state.error = e.clone();
                (ExecutionStatus::Aborted, EventKind::ExecutionAborted(e))
            }
        };
        state.history.push(at_millis, kind);
        state.status = status;
        drop(state);
        // Wakes every waiting runner (Parallel branches and Map iterations
        // wait side by side), so they notice and exit.
        self.stop.notify_waiters();
        true
    }

    /// Wakes every runner waiting on this execution, after it ended under
    /// [`Execution::with_state`].
    pub fn wake_runners(&self) {
        self.stop.notify_waiters();
    }

    /// Completes once the execution has ended, however it ended.
    pub async fn finished(&self) {
        self.ended_elsewhere().await
    }

    /// Completes once the execution no longer runs (stopped, timed out or
    /// failed elsewhere); at once if it already ended.
    pub async fn ended_elsewhere(&self) {
        let notified = self.stop.notified();
        tokio::pin!(notified);
        // Registered before the check, so an end between the two still wakes us.
        notified.as_mut().enable();
        if !self.is_running() {
            return;
        }
        notified.await;
    }

    /// Completes once run `run` is over, even if a redrive already started
    /// the next.
    pub async fn run_ended(&self, run: u32) {
        let notified = self.stop.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if !self.run_goes_on(run) {
            return;
        }
        notified.await;
    }
}
