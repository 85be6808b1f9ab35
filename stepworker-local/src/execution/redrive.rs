//! Redrive: an execution that failed, timed out or was stopped runs again
//! from the state it ended in, with that state's input, under the same ARN
//! and definition, its history going on where it stopped.
//!
//! Whether a redrive is accepted is the execution's record
//! (`record/redrive.rs`). The execution timeout starts again at the
//! redrive. As AWS does, a Parallel state or
//! inline Map state the execution ended in reruns only the branches or
//! iterations that did not succeed, the others keeping their output, and
//! a Distributed Map state redrives its Map Run (see `states/distributed_map`). Nested
//! inside a branch or iteration, such a state reruns whole: the redrive
//! resumes at the top-level state.

use std::sync::Arc;

use serde_json::Value;

use super::payload::Payload;
use super::record::{Execution, Outcome, ResumePoint};
use super::runner::{Runner, WalkEnd};
use crate::asl::State;
use crate::core::Core;

/// Starts running a reopened execution from `from`.
pub fn spawn_redriven(core: Arc<Core>, execution: Arc<Execution>, from: Option<ResumePoint>) {
    super::guard::spawn_guarded(
        core.clone(),
        execution.clone(),
        run_redriven(core, execution, from),
    );
}

async fn run_redriven(core: Arc<Core>, execution: Arc<Execution>, from: Option<ResumePoint>) {
    let (count, redriven_millis) =
        execution.with_state(|s| (s.redrive.count, s.redrive.last_millis.unwrap_or(0)));
    let mut runner = Runner::new(core, execution);
    runner.restart_for_redrive(count, redriven_millis);
    let definition = runner.execution.version.definition.clone();
    let (start, text) = match from {
        Some(point) => (point.state.to_string(), point.input),
        None => (definition.start_at.clone(), runner.execution.input.clone()),
    };
    let input = Payload {
        value: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    };
    let outcome = match runner.walk_from(&definition, &start, input).await {
        WalkEnd::Succeeded(output) => Outcome::Succeeded(output.text),
        WalkEnd::Failed(error) => Outcome::Failed(error),
        WalkEnd::Halted => return,
    };
    runner.end(outcome);
}

impl Runner {
    /// Counts from the redrive: `$$.Execution.RedriveCount`/`RedriveTime`
    /// and the execution timeout, which AWS starts again.
    fn restart_for_redrive(&mut self, count: u32, redriven_millis: i64) {
        self.context.set_redrive(count, redriven_millis);
        self.deadline = self
            .execution
            .version
            .definition
            .timeout_seconds
            .map(|s| redriven_millis.saturating_add(s.saturating_mul(1000) as i64));
    }
}

impl Runner {
    /// The outputs that the iterations or branches of `state` returned
    /// before the redrive now running, one entry per iteration or branch
    /// (`None`: run it). Nothing is kept for nested states.
    pub(super) fn kept_results(&self, state: &State, len: usize) -> Vec<Option<Value>> {
        let redrives = self.execution.with_state(|s| s.redrive.count);
        let kept = (redrives > 0 && self.last_event_id().is_none())
            .then(|| {
                self.core.registry.lock().kept_results.take(
                    &self.execution.arn,
                    &state.name,
                    redrives,
                    len,
                )
            })
            .flatten();
        kept.unwrap_or_else(|| vec![None; len])
    }

    /// Keeps the outputs of the iterations or branches of `state` that
    /// succeeded, the execution having ended in that state without it
    /// succeeding, for the next redrive.
    pub(super) fn keep_results(&self, state: &State, outputs: Vec<Option<Value>>) {
        if self.last_event_id().is_some() || outputs.iter().all(Option::is_none) {
            return;
        }
        let redrives = self.execution.with_state(|s| s.redrive.count);
        self.core.registry.lock().kept_results.keep(
            self.execution.arn.clone(),
            state.name.clone(),
            redrives,
            outputs,
        );
    }
}
