//! Polls that lose tasks, as on AWS (`--deliver-to-closed-polls`).
//!
//! AWS cannot tell that a long poll's client has gone: the poll stays open
//! until its 60 seconds are up, and a task handed to it in that time is
//! marked started and lost to every worker. AWS documents that a task token
//! is handed out exactly once, so one dropped on its way to a worker is
//! gone (<https://docs.aws.amazon.com/step-functions/latest/dg/bp-activity-pollers.html>),
//! and users met it when a client gave up on a poll early
//! (<https://github.com/aws/aws-sdk-js/issues/2259>, the same protocol on
//! SWF) or read with less than the 65 s AWS asks for
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/troubleshooting-activities.html>).
//! Such a task comes back only through its state's HeartbeatSeconds or
//! TimeoutSeconds, and then Retry.

use std::sync::Arc;

use crate::activities::{ClosedPoll, ClosedPollKeeper};
use crate::core::Core;
use crate::stats::Stats;

/// A keeper that leaves a departed poll parked until its deadline and
/// starts (and so loses) any task it is handed, with the poll's worker name.
pub fn closed_poll_keeper(core: Arc<Core>, worker_name: Option<String>) -> ClosedPollKeeper {
    Box::new(move |poll: ClosedPoll| {
        Stats::bump(&core.stats.closed_polls_kept);
        // Without a runtime (it is shutting down) the poll is dropped, which
        // unparks it and gives back anything it held.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(keep(core, worker_name, poll));
        }
    })
}

async fn keep(core: Arc<Core>, worker_name: Option<String>, poll: ClosedPoll) {
    let Some(task) = poll.wait().await else {
        return;
    };
    // A task whose execution ended while queued is voided either way.
    if core
        .tasks
        .start(task.task_id, worker_name, core.now_millis())
    {
        Stats::bump(&core.stats.tasks_lost_to_closed_polls);
        tracing::info!(
            task_id = task.task_id,
            "task handed to a poll whose client had gone: lost until HeartbeatSeconds or TimeoutSeconds"
        );
    }
}
