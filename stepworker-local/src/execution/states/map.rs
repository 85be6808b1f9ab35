//! Inline Map states: one walk of the item processor per item, at most
//! `MaxConcurrency` at once, with the tolerated failure thresholds.

use serde_json::Value;

use super::fan_out::{ChildWalk, Settled};
use crate::asl::{self, MapState, ProcessorMode, State, StatesError};
use crate::execution::attempt::Attempt;
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
        // After a redrive, iterations that succeeded before keep their output.
        let kept = self.kept_results(state, total);
        let mut succeeded: Vec<bool> = kept.iter().map(Option::is_some).collect();
        let mut outputs: Vec<Value> = kept
            .into_iter()
            .map(|output| output.unwrap_or(Value::Null))
            .collect();
        let children: Vec<ChildWalk<'_>> = inputs
            .into_iter()
            .enumerate()
            .filter(|(index, _)| !succeeded.get(*index).copied().unwrap_or(false))
            .map(|(index, input)| ChildWalk {
                index,
                definition: &map.item_processor,
                input,
            })
            .collect();
        let mut failed = 0usize;
        let mut failure: Option<StatesError> = None;
        let mut last_event = started;
        self.fan_out(
            width,
            children,
            |index| self.record_after(iteration(IterationStep::Started, index), started),
            |index, end, iteration_last| {
                let mut settled = Settled::GoOn;
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
                            settled = Settled::CancelOthers;
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
                settled
            },
        )
        .await;
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
}
