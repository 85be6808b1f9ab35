//! Inline Map states: one walk of the item processor per item, at most
//! `MaxConcurrency` at once, with the tolerated failure thresholds.

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;
use tokio::sync::watch;

use super::retrying::Attempt;
use crate::asl::{self, MapState, ProcessorMode, State, StatesError};
use crate::execution::eval_budget;
use crate::execution::history::{EventKind, IterationStep};
use crate::execution::payload::Payload;
use crate::execution::runner::{Runner, WalkEnd};

const MAP: &str = "Map";
/// AWS runs at most 40 iterations of an inline Map at once, whatever
/// `MaxConcurrency` says; it also bounds the work in flight here.
const INLINE_MAX_CONCURRENCY: usize = 40;

impl Runner {
    /// One attempt at a Map state: its result is the array of iteration
    /// outputs, in item order.
    pub(crate) async fn attempt_map(
        &mut self,
        state: &State,
        map: &MapState,
        raw: &Value,
    ) -> Attempt {
        if map.processor_mode == ProcessorMode::Distributed {
            return self.attempt_distributed_map(state, map, raw).await;
        }
        let planned = eval_budget::evaluate_step(state, raw, || {
            asl::map_inputs(state, map, raw, self.scope())
                .and_then(|inputs| {
                    inputs
                        .into_iter()
                        .map(Payload::new)
                        .collect::<Result<Vec<_>, _>>()
                })
                .and_then(|inputs| Ok((inputs, asl::map_limits(state, map, raw, self.scope())?)))
        });
        let (inputs, limits) = match planned {
            Ok(planned) => planned,
            Err(e) => return self.map_not_started(state, e),
        };
        let total = inputs.len();
        let Some(started) = self.record(EventKind::StateStarted {
            state_type: MAP,
            length: Some(total),
        }) else {
            return Attempt::Halted;
        };
        let width = match usize::try_from(limits.max_concurrency) {
            Ok(0) | Err(_) => INLINE_MAX_CONCURRENCY,
            Ok(max) => max.min(INLINE_MAX_CONCURRENCY),
        };
        let name = state.name.clone();
        let iteration = |step, index| EventKind::MapIteration {
            step,
            name: name.clone(),
            index,
        };
        let (cancel, cancelled) = watch::channel(false);
        // After a redrive, iterations that succeeded before keep their output.
        let kept = self.kept_results(state, total);
        let mut succeeded: Vec<bool> = kept.iter().map(Option::is_some).collect();
        let mut outputs: Vec<Value> = kept
            .into_iter()
            .map(|output| output.unwrap_or(Value::Null))
            .collect();
        let mut pending = inputs
            .into_iter()
            .enumerate()
            .filter(|(index, _)| !succeeded.get(*index).copied().unwrap_or(false))
            .collect::<Vec<_>>()
            .into_iter();
        let mut running = FuturesUnordered::new();
        let mut failed = 0usize;
        let mut failure: Option<StatesError> = None;
        let mut last_event = started;
        loop {
            while running.len() < width && !*cancel.borrow() {
                let Some((index, input)) = pending.next() else {
                    break;
                };
                let step = iteration(IterationStep::Started, index);
                let Some(iteration_started) = self.record_after(step, started) else {
                    cancel.send_replace(true);
                    break;
                };
                let mut child = self.child(cancelled.clone(), iteration_started);
                let processor = &map.item_processor;
                running.push(async move {
                    let end = child.walk_boxed(processor, input).await;
                    (
                        index,
                        end,
                        child.last_event_id().unwrap_or(iteration_started),
                    )
                });
            }
            let next = tokio::select! {
                next = running.next() => next,
                _ = self.halted(), if !*cancel.borrow() => {
                    cancel.send_replace(true);
                    continue;
                }
            };
            let Some((index, end, iteration_last)) = next else {
                break;
            };
            let step = match end {
                WalkEnd::Succeeded(output) => {
                    if let Some(slot) = outputs.get_mut(index) {
                        *slot = output.value;
                    }
                    if let Some(done) = succeeded.get_mut(index) {
                        *done = true;
                    }
                    IterationStep::Succeeded
                }
                WalkEnd::Failed(error) => {
                    failed += 1;
                    let cause = error.cause.unwrap_or_default();
                    let error = error.error.unwrap_or_default();
                    if failure.is_none() && limits.exceeded(failed, total) {
                        failure = Some(limits.failure(StatesError::new(error, cause)));
                        cancel.send_replace(true);
                    } else if let Some(slot) = outputs.get_mut(index) {
                        *slot = asl::tolerated_failure_output(&error, &cause);
                    }
                    IterationStep::Failed
                }
                // Stopped by a sibling's failure (or the execution's end,
                // when nothing more can be written anyway).
                WalkEnd::Halted => IterationStep::Aborted,
            };
            last_event = self
                .record_after(iteration(step, index), iteration_last)
                .unwrap_or(last_event);
        }
        drop(running);
        self.continue_after(last_event);
        self.finish_fan_out(state, MAP, outputs, &succeeded, failure)
    }

    /// A Map state whose items or limits could not be read. A JSONata
    /// evaluation failure writes `EvaluationFailed` then `MapStateFailed`,
    /// as AWS does (recorded: LocalStack's `test_base_scenarios.snapshot.json`,
    /// `test_map_state_items_input_types`); a JSONPath one writes neither
    /// (`test_max_concurrency_path[NoNumber]`).
    fn map_not_started(&mut self, state: &State, error: StatesError) -> Attempt {
        let mut error = self.state_fault(state, error);
        if state.is_jsonata() && error.error == asl::errors::QUERY_EVALUATION_ERROR {
            self.record_evaluation_failure(state, error.location.take(), &error);
            return Attempt::FanOutFailed(error, MAP);
        }
        Attempt::Done(Err(error))
    }

    /// Ends a Parallel or Map state (`state_type`) once its branches or
    /// iterations are done: keeps the outputs of those that succeeded for a
    /// redrive unless the state succeeds, then writes its succeeded event
    /// (the failed one waits for the Retry decision).
    pub(crate) fn finish_fan_out(
        &self,
        state: &State,
        state_type: &'static str,
        outputs: Vec<Value>,
        succeeded: &[bool],
        failure: Option<StatesError>,
    ) -> Attempt {
        let halted = self.is_cancelled() || !self.run_goes_on();
        if failure.is_none() && !halted {
            return match self.record(EventKind::StateSucceeded { state_type }) {
                Some(_) => Attempt::Done(Ok(Value::Array(outputs))),
                None => Attempt::Halted,
            };
        }
        let kept = outputs
            .into_iter()
            .zip(succeeded)
            .map(|(output, ok)| ok.then_some(output))
            .collect();
        self.keep_results(state, kept);
        match failure {
            Some(error) if !halted => Attempt::FanOutFailed(error, state_type),
            _ => Attempt::Halted,
        }
    }
}
