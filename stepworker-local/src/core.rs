//! The engine's shared state: what every operation and every execution
//! runner works on.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::activities::TaskTable;
use crate::arn::ArnScope;
use crate::clock::Clock;
use crate::config::EngineConfig;
use crate::execution::{Execution, Outcome};
use crate::pressure::Pressure;
use crate::stats::Stats;
use crate::store::Registry;
use crate::tokens::TokenSealer;

/// Scope under which task ids are sealed into task tokens.
pub const TASK_TOKEN_SCOPE: &str = "TaskToken";

/// Shared state of one engine.
pub struct Core {
    /// Settings.
    pub config: EngineConfig,
    /// ARN building and parsing for this region and account.
    pub arns: ArnScope,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Resources.
    pub registry: Mutex<Registry>,
    /// Task tokens.
    pub tasks: TaskTable,
    /// Counters.
    pub stats: Stats,
    /// Seals task and pagination tokens.
    pub sealer: TokenSealer,
    /// Quotas, injected faults and lost polls.
    pub pressure: Pressure,
    next_task_id: AtomicU64,
    shutting_down: AtomicBool,
}

impl Core {
    /// Shared state for `config`, timed by `clock`.
    pub fn new(config: EngineConfig, clock: Arc<dyn Clock>) -> Self {
        let pressure = Pressure::new(&config.pressure, &config.region, clock.now_millis());
        Self {
            pressure,
            arns: ArnScope::new(config.region.clone(), config.account_id.clone()),
            config,
            clock,
            registry: Mutex::new(Registry::default()),
            tasks: TaskTable::default(),
            stats: Stats::default(),
            sealer: TokenSealer::random(),
            next_task_id: AtomicU64::new(1),
            shutting_down: AtomicBool::new(false),
        }
    }

    /// True once shutdown began: polls answer empty at once.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Now, epoch milliseconds.
    pub fn now_millis(&self) -> i64 {
        self.clock.now_millis()
    }

    /// A fresh task id and its token.
    pub fn new_task(&self) -> (u64, String) {
        let id = self.next_task_id.fetch_add(1, Ordering::Relaxed);
        (id, self.sealer.seal(TASK_TOKEN_SCOPE, id))
    }

    /// Ends `execution` with `outcome` unless it already ended: its final
    /// event and the voiding of its open task tokens happen in one step
    /// under the task table's lock, so a report either is in the history
    /// before the final event or is refused. True if this call ended it.
    /// `run` names the run a runner ends (`None`: the API ends whatever
    /// runs), so a runner of an ended run cannot end a redriven one.
    pub fn end_execution(
        &self,
        execution: &Execution,
        run: Option<u32>,
        at_millis: i64,
        outcome: Outcome,
    ) -> bool {
        self.end_with(execution, || execution.finish_run(run, at_millis, outcome))
    }

    /// Books the end of an execution that ended where an event was written
    /// (the history quota, see `execution::record::history_limit`): voids its open
    /// tokens and applies retention, as [`Core::end_execution`] does.
    pub fn book_ended_execution(&self, execution: &Execution) -> bool {
        self.end_with(execution, || true)
    }

    /// [`Core::end_execution`] with `finish` deciding, under the task
    /// table's lock, whether this call ended the execution.
    fn end_with(&self, execution: &Execution, finish: impl FnOnce() -> bool) -> bool {
        let open = self.tasks.end_all(|| {
            if !finish() {
                return None;
            }
            let open = execution.with_state(|s| std::mem::take(&mut s.open_tasks));
            let ids = open.iter().map(|(id, _)| *id).collect();
            Some((open, ids))
        });
        let Some(open) = open else {
            return false;
        };
        Stats::bump(&self.stats.executions_finished);
        // The tokens are void already; what is left is housekeeping.
        for (task_id, activity) in open {
            self.withdraw_task(task_id, &activity);
        }
        // Outside the task table's lock: it copies the history.
        execution.with_state(|s| s.history.shrink_to_fit());
        // Measured before the registry's lock: it walks the history.
        let bytes = execution.retained_bytes();
        let retained = {
            let mut registry = self.registry.lock();
            let retained = registry.execution_finished(execution, bytes, &self.config.retention);
            // Under the lock, so two ends cannot store their counts out of
            // order.
            self.stats.retained(&retained);
            retained
        };
        self.tasks.forget(&retained.forgotten_tasks);
        true
    }

    /// Closes a task whose execution no longer waits for it and takes it
    /// out of its activity's queue.
    pub fn void_task(&self, task_id: u64, activity: &str) {
        self.tasks
            .close(task_id, crate::activities::Closed::ExecutionEnded);
        self.withdraw_task(task_id, activity);
    }

    /// Takes a void task out of its activity's queue, so no poll meets it.
    fn withdraw_task(&self, task_id: u64, activity: &str) {
        let queue = self
            .registry
            .lock()
            .activities
            .get(activity)
            .map(|a| a.queue.clone());
        if let Some(queue) = queue {
            queue.withdraw(task_id);
        }
    }
}

impl Core {
    /// Answers every parked poll with no task, and every poll from now on
    /// (engine shutdown).
    pub fn close_all_polls(&self) {
        // Set before the queues are drained: a poll that misses it finds
        // its queue draining instead.
        self.shutting_down.store(true, Ordering::SeqCst);
        let queues: Vec<_> = self
            .registry
            .lock()
            .activities
            .values()
            .map(|a| a.queue.clone())
            .collect();
        for queue in queues {
            queue.drain_polls();
        }
    }
}
