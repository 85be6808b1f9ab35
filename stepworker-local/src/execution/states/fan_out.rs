//! The fan-out Parallel and inline Map states share: child walks of nested
//! definitions run side by side, at most `width` at once, stopped together
//! when one fails past what the state tolerates or when the execution
//! ends; then the state's succeeded event, or the outputs kept for a
//! redrive.

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;
use tokio::sync::watch;

use crate::asl::{Definition, State, StatesError};
use crate::execution::attempt::Attempt;
use crate::execution::history::EventKind;
use crate::execution::payload::Payload;
use crate::execution::runner::{Runner, WalkEnd};

/// One child walk to run: its index among the branches or items, the
/// definition it walks and its input.
pub(crate) struct ChildWalk<'d> {
    pub index: usize,
    pub definition: &'d Definition,
    pub input: Payload,
}

/// What the state does once a child walk ended.
pub(crate) enum Settled {
    /// Go on with the others.
    GoOn,
    /// Stop the others: the state fails.
    CancelOthers,
}

impl Runner {
    /// Runs `children`, at most `width` at once. `start` is called as a
    /// child is about to run and gives the event its events follow (`None`:
    /// the execution ended, start no more); `settle` gets each child's end
    /// with the last event it wrote. Continues this walk's chain of events
    /// after `last_event`, which `settle` moves on.
    pub(crate) async fn fan_out<'d>(
        &self,
        width: usize,
        children: impl IntoIterator<Item = ChildWalk<'d>>,
        mut start: impl FnMut(usize) -> Option<i64>,
        mut settle: impl FnMut(usize, WalkEnd, i64) -> Settled,
    ) {
        let (cancel, cancelled) = watch::channel(false);
        let mut pending = children.into_iter();
        let mut running = FuturesUnordered::new();
        loop {
            while running.len() < width && !*cancel.borrow() {
                let Some(ChildWalk {
                    index,
                    definition,
                    input,
                }) = pending.next()
                else {
                    break;
                };
                let Some(after) = start(index) else {
                    cancel.send_replace(true);
                    break;
                };
                let mut child = self.child(cancelled.clone(), after);
                running.push(async move {
                    let end = child.walk_boxed(definition, input).await;
                    (index, end, child.last_event_id().unwrap_or(after))
                });
            }
            let next = tokio::select! {
                next = running.next() => next,
                _ = self.halted(), if !*cancel.borrow() => {
                    cancel.send_replace(true);
                    continue;
                }
            };
            let Some((index, end, child_last)) = next else {
                break;
            };
            if let Settled::CancelOthers = settle(index, end, child_last) {
                cancel.send_replace(true);
            }
        }
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
