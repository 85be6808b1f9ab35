//! Distributed Map states: a Map Run whose children are executions of
//! their own, at most `maxConcurrency` running at once (UpdateMapRun may
//! change it, and the tolerated failures, while it runs).
//!
//! Followed from the developer guide ("Using Map state in Distributed
//! mode", "Map Run", "Redriving Map Runs"): the parent's history gets
//! `MapStateStarted`, then `MapRunStarted` (or `MapRunRedriven`), then
//! `MapRunSucceeded`/`MapRunFailed`/`MapRunAborted`; the state's result is
//! the array of child outputs in item order. A Map Run fails once the
//! failed items pass the tolerated thresholds, which default to zero, so
//! any failure fails it with `States.ExceedToleratedFailureThreshold`
//! (unlike an inline Map, whose failure carries the iteration's error).
//! A redrive of the parent redrives the unsuccessful Map Run: only its
//! unsuccessful children run again, successful ones keep their output.

mod child;
mod items;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;
use stepworker::model::{ExecutionStatus, MapRunStatus};

use self::child::{abort_child, child_end, start_child, ChildTemplate};
use self::items::{child_inputs, ChildInput};
use crate::asl::{self, errors, MapLimits, MapState, State, StatesError};
use crate::execution::attempt::Attempt;
use crate::execution::eval_budget;
use crate::execution::history::{ErrorCause, EventKind, MapRunStep};
use crate::execution::payload::Payload;
use crate::execution::record::Execution;
use crate::execution::runner::Runner;
use crate::store::{Child, ChildStatus, MapRun, MapRunIdentity, MapRunState};

const MAP: &str = "Map";
/// AWS runs up to 10,000 child executions of a Map Run at once; a
/// `MaxConcurrency` of 0 means that many.
const DISTRIBUTED_MAX_CONCURRENCY: usize = 10_000;

/// How driving a Map Run ended.
enum RunEnd {
    /// Every child succeeded or the failures were tolerated: the outputs.
    Succeeded(Vec<Value>),
    /// Too many children failed.
    Failed(ErrorCause),
    /// The parent ended, or its branch was cancelled.
    Halted,
}

/// How an attempt gets its Map Run.
enum Start {
    /// Redrive the unsuccessful Map Run of an earlier run of the parent.
    Redrive(Arc<MapRun>),
    /// A new Map Run over these children.
    New(Vec<Child>),
}

/// Completes with a child's index once its execution ended.
type ChildEnded = Pin<Box<dyn Future<Output = usize> + Send>>;

impl Runner {
    /// One attempt at a Distributed Map state.
    pub(crate) async fn attempt_distributed_map(
        &mut self,
        state: &State,
        map: &MapState,
        raw: &Value,
    ) -> Attempt {
        let parent_redrives = self.execution.with_state(|s| s.redrive.count);
        let start = match self.map_run_to_redrive(state, parent_redrives) {
            Some(run) => Start::Redrive(run),
            None => match self.plan_children(state, map, raw) {
                Ok(children) => Start::New(children),
                Err(e) => return Attempt::Done(Err(self.state_fault(state, e))),
            },
        };
        let length = match &start {
            Start::Redrive(run) => run.with_state(|s| s.children.iter().map(|c| c.items).sum()),
            Start::New(children) => children.iter().map(|c| c.items).sum(),
        };
        let started = EventKind::StateStarted {
            state_type: MAP,
            length: Some(length),
        };
        if self.record(started).is_none() {
            return Attempt::Halted;
        }
        let (run, step) = match start {
            Start::Redrive(run) => {
                let count = run.reopen(self.now(), parent_redrives);
                let arn = run.arn.clone();
                (run, MapRunStep::Redriven { arn, count })
            }
            Start::New(children) => {
                // AWS reads the limits once the Map state started: a bad
                // ToleratedFailure*Path fails it after MapStateStarted, with
                // no MapStateFailed (recorded: LocalStack's
                // `test_base_scenarios.snapshot.json`,
                // `test_map_state_tolerated_failure_count_path[-1]` and siblings).
                let limits = match asl::map_limits(state, map, raw, self.scope()) {
                    Ok(limits) => limits,
                    Err(e) => return Attempt::Done(Err(self.state_fault(state, e))),
                };
                let run = self.register_map_run(state, map, children, limits, parent_redrives);
                let step = MapRunStep::Started(run.arn.clone());
                (run, step)
            }
        };
        // Written before any child starts; if the parent ended meanwhile,
        // the drive below stops at once and the Map Run is aborted.
        self.record(EventKind::MapRun(step));
        let template = ChildTemplate::new(&self.core, &self.execution, map, &run);
        let end = self.drive_map_run(&run, &template).await;
        let now = self.now();
        let (step, status) = match &end {
            RunEnd::Succeeded(_) => (MapRunStep::Succeeded, MapRunStatus::Succeeded),
            RunEnd::Failed(e) => (MapRunStep::Failed(e.clone()), MapRunStatus::Failed),
            RunEnd::Halted => (MapRunStep::Aborted, MapRunStatus::Aborted),
        };
        run.end(now, status);
        // Nothing is written once the parent itself ended.
        let Some(_) = self.record(EventKind::MapRun(step)) else {
            return Attempt::Halted;
        };
        match end {
            RunEnd::Halted => Attempt::Halted,
            RunEnd::Succeeded(outputs) => {
                match self.record(EventKind::StateSucceeded { state_type: MAP }) {
                    Some(_) => Attempt::Done(Ok(Value::Array(outputs))),
                    None => Attempt::Halted,
                }
            }
            RunEnd::Failed(e) => Attempt::FanOutFailed(
                StatesError::new(e.error.unwrap_or_default(), e.cause.unwrap_or_default()),
                MAP,
            ),
        }
    }

    /// The unsuccessful Map Run this state started before the parent's
    /// latest redrive, which this attempt redrives instead of starting anew.
    fn map_run_to_redrive(&self, state: &State, parent_redrives: u32) -> Option<Arc<MapRun>> {
        if parent_redrives == 0 {
            return None;
        }
        let run = self
            .core
            .registry
            .lock()
            .map_runs
            .unsuccessful(&self.execution.arn, &state.name)?;
        run.with_state(|s| s.parent_redrives < parent_redrives)
            .then_some(run)
    }

    /// The children's inputs (items through `ItemSelector`, then batches)
    /// and the Map Run's starting settings.
    fn plan_children(
        &self,
        state: &State,
        map: &MapState,
        raw: &Value,
    ) -> Result<Vec<Child>, StatesError> {
        asl::check_item_sources(state, map)?;
        let items = eval_budget::evaluate_step(state, raw, || {
            asl::map_inputs(state, map, raw, self.scope())
        })?;
        let input = asl::jsonpath::io::effective_input(state, raw, self.context.value())?;
        child_inputs(state, map, &input, items)?
            .into_iter()
            .map(|ChildInput { value, items }| {
                Ok(Child {
                    input: Payload::new(value)?.text,
                    items,
                    execution: None,
                    status: ChildStatus::Pending,
                })
            })
            .collect::<Result<Vec<_>, StatesError>>()
    }

    /// Creates and registers a Map Run: ARN
    /// `mapRun:<machine>/<label>:<uuid>`, the label being the state's
    /// `Label` or, as AWS does without one, a generated one.
    fn register_map_run(
        &self,
        state: &State,
        map: &MapState,
        children: Vec<Child>,
        limits: MapLimits,
        parent_redrives: u32,
    ) -> Arc<MapRun> {
        let label = map.label.clone().unwrap_or_else(|| {
            let id = uuid::Uuid::new_v4().simple().to_string();
            id.chars().take(8).collect()
        });
        let child_machine_name: Arc<str> =
            Arc::from(format!("{}/{label}", self.execution.state_machine_name));
        let config = &self.core.config;
        let arn = format!(
            "arn:aws:states:{}:{}:mapRun:{child_machine_name}:{}",
            config.region,
            config.account_id,
            uuid::Uuid::new_v4()
        );
        let mut registry = self.core.registry.lock();
        let run = Arc::new(MapRun::new(
            MapRunIdentity {
                seq: registry.next_seq(),
                arn: Arc::from(arn),
                execution_arn: self.execution.arn.clone(),
                state_name: state.name.clone(),
                child_machine_name,
            },
            self.now(),
            MapRunState {
                status: MapRunStatus::Running,
                stop_millis: None,
                limits,
                children,
                executions: Vec::new(),
                redrive_count: 0,
                redrive_millis: None,
                parent_redrives,
            },
        ));
        registry.map_runs.insert(run.clone());
        run
    }

    /// Starts pending children while the concurrency allows, collects their
    /// ends, and decides the Map Run's outcome.
    async fn drive_map_run(&self, run: &Arc<MapRun>, template: &ChildTemplate) -> RunEnd {
        let mut running: FuturesUnordered<ChildEnded> = FuturesUnordered::new();
        let mut live: HashMap<usize, Arc<Execution>> = HashMap::new();
        let mut failure: Option<ErrorCause> = None;
        let mut cursor = 0usize;
        loop {
            if failure.is_none() {
                let width = run.with_state(|s| concurrency(&s.limits));
                while running.len() < width {
                    let Some((index, earlier, input)) = next_pending(run, &mut cursor) else {
                        break;
                    };
                    let execution = start_child(&self.core, run, template, earlier, input);
                    run.with_state(|s| {
                        let Some(child) = s.children.get_mut(index) else {
                            return;
                        };
                        child.execution = Some(execution.clone());
                        child.status = ChildStatus::Running;
                        let items = child.items;
                        if !s.executions.iter().any(|(e, _)| Arc::ptr_eq(e, &execution)) {
                            s.executions.push((execution.clone(), items));
                        }
                    });
                    live.insert(index, execution.clone());
                    running.push(Box::pin(async move {
                        execution.finished().await;
                        index
                    }));
                }
            }
            if running.is_empty() {
                break;
            }
            tokio::select! {
                Some(index) = running.next() => {
                    if let Some(execution) = live.remove(&index) {
                        if let Some(e) = settle(run, index, &execution) {
                            failure.get_or_insert(e);
                            self.abort_children(run, &mut live);
                        }
                    }
                }
                _ = run.updated() => {}
                // The parent's TimeoutSeconds still runs while it waits.
                _ = self.sleep_until(i64::MAX), if self.deadline.is_some() => {
                    self.abort_children(run, &mut live);
                    return RunEnd::Halted;
                }
                _ = self.halted() => {
                    self.abort_children(run, &mut live);
                    return RunEnd::Halted;
                }
            }
        }
        match failure {
            Some(e) => RunEnd::Failed(e),
            None => RunEnd::Succeeded(outputs(run)),
        }
    }

    /// Stops every running child (the Map Run failed or was aborted).
    fn abort_children(&self, run: &MapRun, live: &mut HashMap<usize, Arc<Execution>>) {
        for (index, execution) in live.drain() {
            abort_child(&self.core, &execution);
            run.with_state(|s| {
                if let Some(child) = s.children.get_mut(index) {
                    child.status = ChildStatus::Aborted;
                }
            });
        }
    }
}

/// How many children may run at once under `limits`.
fn concurrency(limits: &MapLimits) -> usize {
    match usize::try_from(limits.max_concurrency) {
        Ok(0) | Err(_) => DISTRIBUTED_MAX_CONCURRENCY,
        Ok(max) => max.min(DISTRIBUTED_MAX_CONCURRENCY),
    }
}

/// The next pending child from `cursor` on: its index, the execution it
/// ran before (to redrive) and its input.
fn next_pending(
    run: &MapRun,
    cursor: &mut usize,
) -> Option<(usize, Option<Arc<Execution>>, Arc<str>)> {
    run.with_state(|s| {
        while let Some(child) = s.children.get(*cursor) {
            let index = *cursor;
            *cursor += 1;
            if child.status == ChildStatus::Pending {
                return Some((index, child.execution.clone(), child.input.clone()));
            }
        }
        None
    })
}

/// Books the end of child `index`; the Map Run's failure if the failed
/// items now pass the tolerated thresholds.
fn settle(run: &MapRun, index: usize, execution: &Execution) -> Option<ErrorCause> {
    let (status, _, _) = child_end(execution);
    run.with_state(|s| {
        if let Some(child) = s.children.get_mut(index) {
            child.status = ChildStatus::of_execution(&status);
        }
        if status == ExecutionStatus::Succeeded {
            return None;
        }
        let total: usize = s.children.iter().map(|c| c.items).sum();
        let failed: usize = s
            .children
            .iter()
            .filter(|c| {
                matches!(
                    c.status,
                    ChildStatus::Failed | ChildStatus::TimedOut | ChildStatus::Aborted
                )
            })
            .map(|c| c.items)
            .sum();
        // Distributed mode's thresholds default to zero (see the module
        // note), so `exceeded` with none set (any failure) fits it too.
        s.limits.exceeded(failed, total).then(|| {
            ErrorCause::new(
                errors::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                "The specified tolerated failure threshold was exceeded",
            )
        })
    })
}

/// The Map Run's result: each child's output in item order; a tolerated
/// failure leaves its error and cause, as an inline Map does.
fn outputs(run: &MapRun) -> Vec<Value> {
    let executions: Vec<Option<Arc<Execution>>> =
        run.with_state(|s| s.children.iter().map(|c| c.execution.clone()).collect());
    executions
        .into_iter()
        .map(|execution| {
            let Some(execution) = execution else {
                return Value::Null;
            };
            let (status, output, error) = child_end(&execution);
            match (status, output) {
                (ExecutionStatus::Succeeded, Some(text)) => {
                    serde_json::from_str(&text).unwrap_or(Value::Null)
                }
                _ => asl::tolerated_failure_output(
                    error.error.as_deref().unwrap_or_default(),
                    error.cause.as_deref().unwrap_or_default(),
                ),
            }
        })
        .collect()
}
