//! The states that can fail and be retried (Task, Parallel, Map): attempts,
//! Retry with backoff, then output processing or Catch.

use std::borrow::Cow;

use serde_json::Value;

use crate::asl::{self, State, StateKind, StatesError};
use crate::execution::attempt::Attempt;
use crate::execution::eval_budget;
use crate::execution::history::{ErrorCause, EventKind};
use crate::execution::runner::{follow, Runner, Transition};

impl Runner {
    /// A Task, Parallel or Map state: attempts, retries, then output or Catch.
    pub(crate) async fn run_retrying<'d>(
        &mut self,
        state: &'d State,
        raw: &Value,
    ) -> Transition<'d> {
        let mut attempts_per_retrier = vec![0u32; state.retry.len()];
        let mut retry_count = 0u32;
        loop {
            if matches!(state.kind, StateKind::Task(_)) {
                self.context.set_retry_count(retry_count);
            }
            let error = match self.attempt_state(state, raw).await {
                Attempt::Halted => return Transition::Halt,
                Attempt::Done(Ok(result)) => {
                    let output = eval_budget::evaluate_step(state, raw, || {
                        asl::finish_state(
                            state,
                            Cow::Borrowed(raw),
                            Some(result),
                            state.output.as_ref(),
                            state.assign.as_ref(),
                            self.scope(),
                        )
                        .and_then(|finished| self.apply_finished(finished))
                    });
                    match output {
                        Ok(output) => return follow(state, output),
                        // Output processing faults are caught, never retried:
                        // retrying would run the work again for a local fault.
                        Err(e) => {
                            let e = self.state_fault(state, e);
                            self.note_evaluation_failure(state, &e);
                            return self.catch_or_fail(state, raw, e);
                        }
                    }
                }
                Attempt::Done(Err(error)) => (error, None),
                Attempt::FanOutFailed(error, state_type) => (error, Some(state_type)),
            };
            let (error, failed_event) = error;
            self.note_evaluation_failure(state, &error);
            let Some(decision) = asl::select_retrier(state, &error.error, &attempts_per_retrier)
            else {
                if let Some(state_type) = failed_event {
                    if self.record(EventKind::StateFailed { state_type }).is_none() {
                        return Transition::Halt;
                    }
                }
                return self.catch_or_fail(state, raw, error);
            };
            if let Some(count) = attempts_per_retrier.get_mut(decision.retrier_index) {
                *count += 1;
            }
            retry_count += 1;
            let delay =
                i64::try_from(decision.delay_millis(rand::random::<f64>())).unwrap_or(i64::MAX);
            if !self.sleep_until(self.now().saturating_add(delay)).await {
                return Transition::Halt;
            }
        }
    }

    async fn attempt_state(&mut self, state: &State, raw: &Value) -> Attempt {
        match &state.kind {
            StateKind::Task(_) => self.attempt_task(state, raw).await,
            // Boxed: an execution's task is as large as the largest future
            // it may await, and every execution waiting on an activity would
            // otherwise carry room for a Map's or a Parallel's.
            StateKind::Parallel { branches } => {
                Box::pin(self.attempt_parallel(state, branches, raw)).await
            }
            StateKind::Map(map) => Box::pin(self.attempt_map(state, map, raw)).await,
            other => Attempt::Done(Err(StatesError::runtime(format!(
                "{} states cannot be retried.",
                other.type_name()
            )))),
        }
    }

    fn catch_or_fail<'d>(
        &mut self,
        state: &'d State,
        raw: &Value,
        error: StatesError,
    ) -> Transition<'d> {
        let reported = asl::errors::reported_name(&error.error).to_owned();
        let Some(catcher) = asl::select_catcher(state, &error.error) else {
            return Transition::Fail(ErrorCause {
                error: non_empty(reported),
                cause: non_empty(error.cause),
            });
        };
        // A catcher sees the precise name it matched on (see `reported_name`).
        let caught = eval_budget::evaluate_step(state, raw, || {
            asl::catch_state(
                state,
                catcher,
                raw,
                &error.error,
                &error.cause,
                self.scope(),
            )
            .and_then(|finished| self.apply_finished(finished))
        });
        match caught {
            Ok(output) => Transition::Next(&catcher.next, output),
            Err(e) => Transition::Fail(self.runtime_cause(state, e)),
        }
    }
}

/// An error or cause to report: none when empty, as when a Fail state
/// without `Error`/`Cause` fails a Map iteration (recorded: LocalStack's
/// `test_base_scenarios.snapshot.json`, `test_map_state_catch_empty_fail`:
/// `ExecutionFailed` with empty details).
fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}
