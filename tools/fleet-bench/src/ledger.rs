//! What the service recorded: every execution's status, output and history,
//! tallied by activity attempt.

use std::collections::BTreeMap;

use anyhow::Context;
use futures_util::TryStreamExt;
use serde_json::Value;
use stepworker::asl::Execution;
use stepworker::model::{ExecutionStatus, HistoryEvent, HistoryEventType};

/// The service's record of a set of executions.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Executions read.
    pub executions: usize,
    /// Those that ended SUCCEEDED with the output every step's handler
    /// computes when it runs once.
    pub succeeded_as_computed: usize,
    /// The others: ARN, status and output.
    pub wrong: Vec<String>,
    /// Steps (a Task state of one execution) whose history has a number of
    /// `ActivitySucceeded` other than one: ARN, state, count.
    pub steps_not_succeeded_once: Vec<(String, String, usize)>,
    /// Steps read.
    pub steps: usize,
    /// `ActivityStarted` events (tasks the service handed to a poll), by the
    /// worker name the poll gave.
    pub started_by_worker: BTreeMap<String, u64>,
    /// `ActivitySucceeded` events.
    pub succeeded: u64,
    /// `ActivityFailed` events, by error name.
    pub failed_by_error: BTreeMap<String, u64>,
    /// `ActivityTimedOut` events (HeartbeatSeconds or TimeoutSeconds ran out).
    pub timed_out: u64,
}

impl Ledger {
    /// Reads every execution; `expected` gives the output each must have.
    pub async fn read(
        executions: &[Execution],
        expected: impl Fn(usize) -> Value,
    ) -> anyhow::Result<Self> {
        let mut ledger = Self::default();
        for (index, execution) in executions.iter().enumerate() {
            let described = execution.describe().await.context("DescribeExecution")?;
            let output: Value = described
                .output
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .context("an execution output that is not JSON")?
                .unwrap_or(Value::Null);
            ledger.executions += 1;
            if described.status == ExecutionStatus::Succeeded && output == expected(index) {
                ledger.succeeded_as_computed += 1;
            } else {
                ledger.wrong.push(format!(
                    "{}: {:?} {output}",
                    execution.arn(),
                    described.status
                ));
            }
            let history: Vec<HistoryEvent> = execution
                .history()
                .try_collect()
                .await
                .context("GetExecutionHistory")?;
            ledger.tally(execution.arn(), &history);
        }
        Ok(ledger)
    }

    /// Counts the activity events of one history, step by step.
    fn tally(&mut self, arn: &str, history: &[HistoryEvent]) {
        let mut state: Option<String> = None;
        let mut successes_of_state = 0;
        let close_step = |ledger: &mut Self, state: Option<String>, successes: usize| {
            if let Some(state) = state {
                ledger.steps += 1;
                if successes != 1 {
                    ledger
                        .steps_not_succeeded_once
                        .push((arn.to_owned(), state, successes));
                }
            }
        };
        for event in history {
            match event.r#type {
                HistoryEventType::TaskStateEntered => {
                    close_step(self, state.take(), successes_of_state);
                    successes_of_state = 0;
                    state = event
                        .state_entered_event_details
                        .as_ref()
                        .map(|details| details.name.clone());
                }
                HistoryEventType::ActivityStarted => {
                    let worker = event
                        .activity_started_event_details
                        .as_ref()
                        .and_then(|details| details.worker_name.clone())
                        .unwrap_or_default();
                    *self.started_by_worker.entry(worker).or_default() += 1;
                }
                HistoryEventType::ActivitySucceeded => {
                    self.succeeded += 1;
                    successes_of_state += 1;
                }
                HistoryEventType::ActivityFailed => {
                    let error = event
                        .activity_failed_event_details
                        .as_ref()
                        .and_then(|details| details.error.clone())
                        .unwrap_or_default();
                    *self.failed_by_error.entry(error).or_default() += 1;
                }
                HistoryEventType::ActivityTimedOut => self.timed_out += 1,
                _ => {}
            }
        }
        close_step(self, state, successes_of_state);
    }

    /// `ActivityStarted` events over all workers.
    pub fn started(&self) -> u64 {
        self.started_by_worker.values().sum()
    }

    /// `ActivityFailed` events over all errors.
    pub fn failed(&self) -> u64 {
        self.failed_by_error.values().sum()
    }
}
