//! Parallel states: every branch walks its own copy of the input at once;
//! the first branch to fail stops the others and fails the state with its
//! error.
//!
//! The Amazon States Language names `States.BranchFailed`, but AWS fails
//! the Parallel state with the failing branch's own error and cause (so a
//! Catch on `MyError` catches a branch's `MyError`): we follow AWS.

use serde_json::Value;

use super::fan_out::{ChildWalk, Settled};
use crate::asl::{Definition, State, StatesError};
use crate::execution::attempt::Attempt;
use crate::execution::history::{ErrorCause, EventKind};
use crate::execution::payload::Payload;
use crate::execution::runner::{Runner, WalkEnd};

const PARALLEL: &str = "Parallel";

impl Runner {
    /// One attempt at a Parallel state: its result is the array of branch
    /// outputs, in branch order.
    pub(crate) async fn attempt_parallel(
        &mut self,
        state: &State,
        branches: &[Definition],
        raw: &Value,
    ) -> Attempt {
        let input = self.state_input(state, raw).and_then(Payload::new);
        let input = match input {
            Ok(input) => input,
            Err(e) => return Attempt::Done(Err(self.state_fault(state, e))),
        };
        let Some(started) = self.record(EventKind::StateStarted {
            state_type: PARALLEL,
            length: None,
        }) else {
            return Attempt::Halted;
        };
        // After a redrive, branches that succeeded before keep their output.
        let kept = self.kept_results(state, branches.len());
        let mut succeeded: Vec<bool> = kept.iter().map(Option::is_some).collect();
        let children: Vec<ChildWalk<'_>> = branches
            .iter()
            .enumerate()
            .filter(|(index, _)| !succeeded.get(*index).copied().unwrap_or(false))
            .map(|(index, definition)| ChildWalk {
                index,
                definition,
                input: input.clone(),
            })
            .collect();
        let mut outputs: Vec<Value> = kept
            .into_iter()
            .map(|output| output.unwrap_or(Value::Null))
            .collect();
        let mut failure: Option<ErrorCause> = None;
        let mut last_event = started;
        // Every branch runs at once.
        self.fan_out(
            usize::MAX,
            children,
            |_| Some(started),
            |index, end, branch_last| {
                last_event = last_event.max(branch_last);
                match end {
                    WalkEnd::Succeeded(output) => {
                        if let Some(slot) = outputs.get_mut(index) {
                            *slot = output.value;
                        }
                        if let Some(done) = succeeded.get_mut(index) {
                            *done = true;
                        }
                    }
                    WalkEnd::Failed(error) if failure.is_none() => {
                        failure = Some(error);
                        return Settled::CancelOthers;
                    }
                    WalkEnd::Failed(_) | WalkEnd::Halted => {}
                }
                Settled::GoOn
            },
        )
        .await;
        self.continue_after(last_event);
        let failure = failure.map(|error| {
            StatesError::new(
                error.error.unwrap_or_default(),
                error.cause.unwrap_or_default(),
            )
        });
        self.finish_fan_out(state, PARALLEL, outputs, &succeeded, failure)
    }
}
