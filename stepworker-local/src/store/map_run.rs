//! One Map Run: the child executions a Distributed Map state started, the
//! settings that bound them (UpdateMapRun changes them while it runs), and
//! what became of each child.

use std::sync::Arc;

use parking_lot::Mutex;
use stepworker::model::{ExecutionStatus, MapRunExecutionCounts, MapRunItemCounts, MapRunStatus};
use tokio::sync::Notify;

use crate::asl::MapLimits;
use crate::execution::Execution;

/// What happened to one child (one item, or one batch of items).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildStatus {
    /// Not started yet (or waiting for a redrive).
    Pending,
    /// Its execution runs.
    Running,
    /// Its execution succeeded.
    Succeeded,
    /// Its execution failed.
    Failed,
    /// Its execution timed out.
    TimedOut,
    /// Its execution was stopped (by the user, or because the Map Run
    /// failed or was aborted).
    Aborted,
}

impl ChildStatus {
    /// The status an ended child execution leaves.
    pub fn of_execution(status: &ExecutionStatus) -> Self {
        match status {
            ExecutionStatus::Running => ChildStatus::Running,
            ExecutionStatus::Succeeded => ChildStatus::Succeeded,
            ExecutionStatus::Failed => ChildStatus::Failed,
            ExecutionStatus::TimedOut => ChildStatus::TimedOut,
            _ => ChildStatus::Aborted,
        }
    }

    /// True for a child that ended without success: a redrive runs it again.
    pub fn is_unsuccessful(self) -> bool {
        matches!(
            self,
            ChildStatus::Pending
                | ChildStatus::Failed
                | ChildStatus::TimedOut
                | ChildStatus::Aborted
        )
    }
}

/// One child of a Map Run.
#[derive(Debug)]
pub struct Child {
    /// Its input, JSON text (an item, or `{"Items": [...]}` for a batch).
    pub input: Arc<str>,
    /// How many items it processes.
    pub items: usize,
    /// Its current execution, once started.
    pub execution: Option<Arc<Execution>>,
    /// What became of it.
    pub status: ChildStatus,
}

/// The mutable part of a Map Run.
#[derive(Debug)]
pub struct MapRunState {
    /// `RUNNING`, `SUCCEEDED`, `FAILED` or `ABORTED`.
    pub status: MapRunStatus,
    /// When it ended, epoch milliseconds.
    pub stop_millis: Option<i64>,
    /// `maxConcurrency` (0: as many as AWS allows) and the tolerated
    /// failure thresholds.
    pub limits: MapLimits,
    /// Its children, in item order.
    pub children: Vec<Child>,
    /// Every child execution ever started, oldest first, with the number
    /// of items it processes (a redriven EXPRESS child is a new execution),
    /// for ListExecutions.
    pub executions: Vec<(Arc<Execution>, usize)>,
    /// Redrives of the Map Run.
    pub redrive_count: u32,
    /// When it was last redriven, epoch milliseconds.
    pub redrive_millis: Option<i64>,
    /// The parent's redrive count when this Map Run last started or was
    /// redriven: a parent redrive after that one redrives it.
    pub parent_redrives: u32,
}

/// A Map Run.
#[derive(Debug)]
pub struct MapRun {
    /// Order of creation.
    pub seq: u64,
    /// Map Run ARN.
    pub arn: Arc<str>,
    /// The parent execution.
    pub execution_arn: Arc<str>,
    /// The Distributed Map state that started it.
    pub state_name: Arc<str>,
    /// The state machine name its children show (`<machine>/<label>`).
    pub child_machine_name: Arc<str>,
    /// When it started, epoch milliseconds.
    pub start_millis: i64,
    state: Mutex<MapRunState>,
    /// Woken when UpdateMapRun changes the settings.
    updated: Notify,
}

impl MapRun {
    /// A running Map Run over `children`.
    pub fn new(identity: MapRunIdentity, start_millis: i64, state: MapRunState) -> Self {
        Self {
            seq: identity.seq,
            arn: identity.arn,
            execution_arn: identity.execution_arn,
            state_name: identity.state_name,
            child_machine_name: identity.child_machine_name,
            start_millis,
            state: Mutex::new(state),
            updated: Notify::new(),
        }
    }

    /// Runs `f` on the mutable state under its lock.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut MapRunState) -> R) -> R {
        f(&mut self.state.lock())
    }

    /// Changes the settings of a running Map Run and wakes its scheduler.
    /// False if it no longer runs.
    pub fn update(&self, change: impl FnOnce(&mut MapLimits)) -> bool {
        let running = self.with_state(|s| {
            let running = s.status == MapRunStatus::Running;
            if running {
                change(&mut s.limits);
            }
            running
        });
        if running {
            // One scheduler waits per Map Run; a stored permit covers an
            // update that lands while it is busy starting children.
            self.updated.notify_one();
        }
        running
    }

    /// Completes at the next UpdateMapRun (at once if one came since the
    /// last call: the scheduler never misses a change).
    pub async fn updated(&self) {
        self.updated.notified().await
    }

    /// Runs an ended Map Run again for the parent's redrive number
    /// `parent_redrives`: its unsuccessful children become pending (their
    /// executions kept, to be redriven). The Map Run's redrive count.
    pub fn reopen(&self, now_millis: i64, parent_redrives: u32) -> u32 {
        self.with_state(|s| {
            s.status = MapRunStatus::Running;
            s.stop_millis = None;
            s.redrive_count += 1;
            s.redrive_millis = Some(now_millis);
            s.parent_redrives = parent_redrives;
            for child in &mut s.children {
                if child.status.is_unsuccessful() {
                    child.status = ChildStatus::Pending;
                }
            }
            s.redrive_count
        })
    }

    /// Ends the Map Run with `status` at `now_millis`.
    pub fn end(&self, now_millis: i64, status: MapRunStatus) {
        self.with_state(|s| {
            s.status = status;
            s.stop_millis = Some(now_millis);
        });
    }

    /// Counts of items and of child executions, as DescribeMapRun gives them.
    pub fn counts(&self) -> (MapRunItemCounts, MapRunExecutionCounts) {
        self.with_state(|s| {
            let mut items = MapRunItemCounts::default();
            let mut executions = MapRunExecutionCounts::default();
            for child in &s.children {
                let n = i64::try_from(child.items).unwrap_or(i64::MAX);
                let (item_slot, execution_slot) = match child.status {
                    ChildStatus::Pending => (&mut items.pending, &mut executions.pending),
                    ChildStatus::Running => (&mut items.running, &mut executions.running),
                    ChildStatus::Succeeded => (&mut items.succeeded, &mut executions.succeeded),
                    ChildStatus::Failed => (&mut items.failed, &mut executions.failed),
                    ChildStatus::TimedOut => (&mut items.timed_out, &mut executions.timed_out),
                    ChildStatus::Aborted => (&mut items.aborted, &mut executions.aborted),
                };
                *item_slot += n;
                *execution_slot += 1;
                items.total += n;
                executions.total += 1;
            }
            (items, executions)
        })
    }
}

/// What names a Map Run.
#[derive(Debug)]
pub struct MapRunIdentity {
    /// Order of creation.
    pub seq: u64,
    /// Map Run ARN.
    pub arn: Arc<str>,
    /// The parent execution.
    pub execution_arn: Arc<str>,
    /// The Distributed Map state.
    pub state_name: Arc<str>,
    /// The state machine name its children show.
    pub child_machine_name: Arc<str>,
}
