//! The task an execution runs in: whatever happens inside the runner, the
//! execution ends and its end is booked (tasks voided, retention applied).
//!
//! A panic inside a runner (a bug, never bad input) would otherwise end the
//! tokio task silently and leave the execution RUNNING forever, its tasks
//! queued and its callers waiting.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;

use super::history::ErrorCause;
use super::record::{Execution, Outcome};
use crate::asl::errors;
use crate::core::Core;

/// Spawns `walk`, the top-level run of `execution`, guarded.
pub(super) fn spawn_guarded<F>(core: Arc<Core>, execution: Arc<Execution>, walk: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    // The run this task walks: a panic ends that run, never a later redrive.
    let run = execution.with_state(|s| s.redrive.count);
    // A combinator, not an `async move` block: such a block keeps `walk` both
    // as its captured value and as the future it awaits, which doubled the
    // task of every running execution (4 KB instead of 2 KB while it waits).
    tokio::spawn(AssertUnwindSafe(walk).catch_unwind().map(move |walked| {
        if walked.is_err() {
            tracing::error!(
                execution = %execution.arn,
                "the execution's runner panicked: the execution fails with States.Runtime"
            );
            let failure = ErrorCause {
                error: Some(errors::RUNTIME.to_owned()),
                cause: Some("An internal error occurred while running the execution.".to_owned()),
            };
            core.end_execution(
                &execution,
                Some(run),
                core.now_millis(),
                Outcome::Failed(failure),
            );
        }
        // The history quota ends an execution where the event is written,
        // where nothing can book the end: the runner has returned by now.
        let unbooked = execution.with_state(|s| std::mem::take(&mut s.history_full_unbooked));
        if unbooked {
            core.book_ended_execution(&execution);
        }
    }));
}
