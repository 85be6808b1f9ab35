//! One time budget for each evaluation step of a state in a running
//! execution (its input step: `Parameters`/`Arguments` and timeouts; its
//! output step: `ResultSelector`/`Output`, `Assign`; a Catch; a Map's
//! items), shared by every JSONata expression of that step: a state with
//! many slow expressions gets [`STATE_EVALUATION_BUDGET`] in all, not each
//! expression's own timeout times their number.
//!
//! Evaluation is synchronous CPU work on the runner's task. A step that may
//! be heavy (JSONata, or a large input) runs under
//! `tokio::task::block_in_place`: the async worker it occupies hands its
//! other tasks (long polls, API calls, other executions) to another worker
//! thread for as long as it computes, so no API call waits on it. Light
//! JSONPath steps on small inputs, the common case, run inline: handing a
//! worker off costs more than they do.

use std::time::Duration;

use serde_json::Value;
use tokio::runtime::{Handle, RuntimeFlavor};

use crate::asl::budget;
use crate::asl::State;

/// Longest one evaluation step of a state may compute, all its
/// expressions together (each JSONata expression also stops at its own
/// 5 s timeout).
pub const STATE_EVALUATION_BUDGET: Duration = Duration::from_secs(10);

/// Input size from which a JSONPath step counts as heavy: copying and
/// querying a payload this large takes long enough to matter to a parked
/// long poll sharing the worker.
pub const HEAVY_INPUT_BYTES: usize = 64 * 1024;

/// Runs one evaluation step of `state` over `input` under one budget, off
/// the async workers' schedule when it may be heavy.
pub(super) fn evaluate_step<R>(state: &State, input: &Value, work: impl FnOnce() -> R) -> R {
    let heavy = state.is_jsonata() || exceeds(input, HEAVY_INPUT_BYTES);
    run(heavy, work)
}

/// [`evaluate_step`] when the input's JSON text is at hand.
pub(super) fn evaluate_step_sized<R>(
    state: &State,
    input_bytes: usize,
    work: impl FnOnce() -> R,
) -> R {
    run(state.is_jsonata() || input_bytes >= HEAVY_INPUT_BYTES, work)
}

fn run<R>(heavy: bool, work: impl FnOnce() -> R) -> R {
    let budgeted = || budget::with_budget(STATE_EVALUATION_BUDGET, work);
    // block_in_place needs a multi-thread runtime (it panics on a
    // current-thread one, where there is no other worker to hand off to).
    let can_hand_off = Handle::try_current()
        .is_ok_and(|handle| handle.runtime_flavor() == RuntimeFlavor::MultiThread);
    if heavy && can_hand_off {
        tokio::task::block_in_place(budgeted)
    } else {
        budgeted()
    }
}

/// True if `value`'s JSON text is at least `limit` bytes, roughly (keys,
/// strings and a few bytes per scalar); stops walking once it knows, so a
/// huge value costs no more than `limit` to measure.
fn exceeds(value: &Value, limit: usize) -> bool {
    let mut size = 0usize;
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        size += match value {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(_) => 8,
            Value::String(s) => s.len() + 2,
            Value::Array(items) => {
                pending.extend(items.iter());
                2 + items.len()
            }
            Value::Object(members) => {
                pending.extend(members.values());
                2 + members.keys().map(|k| k.len() + 4).sum::<usize>()
            }
        };
        if size >= limit {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use serde_json::json;

    use super::*;

    #[test]
    fn size_is_measured_up_to_the_limit() {
        assert!(!exceeds(&json!({"a": "x".repeat(100)}), 1_000));
        assert!(exceeds(&json!({"a": "x".repeat(2_000)}), 1_000));
        let wide: Vec<Value> = (0..10_000).map(|i| json!(i)).collect();
        assert!(exceeds(&json!(wide), 64 * 1024));
    }

    #[test]
    fn every_expression_of_a_step_shares_one_budget() {
        run(false, || {
            let left = budget::remaining().expect("a budget is set");
            assert!(left <= STATE_EVALUATION_BUDGET);
        });
        assert_eq!(budget::remaining(), None, "restored after the step");
    }

    /// On a runtime with a single worker, a heavy step that computes until
    /// another task has run would wait forever if it kept the worker: the
    /// other task only runs because the step handed the worker off.
    #[test]
    fn a_heavy_step_leaves_the_worker_to_other_tasks() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let ran_meanwhile = runtime.block_on(async {
            let (done, other_ran) = mpsc::channel::<()>();
            let step = tokio::spawn(async move {
                // Spawned from the step's own task: it can only run on the
                // one worker, which the step is occupying.
                tokio::spawn(async move {
                    let _ = done.send(());
                });
                run(true, || {
                    other_ran.recv_timeout(Duration::from_secs(20)).is_ok()
                })
            });
            step.await.expect("the step finishes")
        });
        assert!(ran_meanwhile, "another task ran while the step computed");
    }
}
