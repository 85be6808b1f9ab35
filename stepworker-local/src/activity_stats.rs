//! The live load of activity queues, which the Step Functions API does not
//! report: for consoles and tests that watch workers keep up.

use std::collections::BTreeMap;

use crate::core::Core;

/// How busy one activity is at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActivityStats {
    /// `GetActivityTask` calls parked, waiting for a task.
    pub parked_polls: usize,
    /// Scheduled tasks waiting for a worker to poll.
    pub queued_tasks: usize,
}

impl Core {
    /// The load of every activity, by activity ARN.
    pub fn activity_stats(&self) -> BTreeMap<String, ActivityStats> {
        // Clone the queues out so no queue lock is taken under the registry lock.
        let queues: Vec<_> = self
            .registry
            .lock()
            .activities
            .values()
            .map(|a| (a.arn.clone(), a.queue.clone()))
            .collect();
        queues
            .into_iter()
            .map(|(arn, queue)| {
                let (parked_polls, queued_tasks) = queue.load();
                (
                    arn,
                    ActivityStats {
                        parked_polls,
                        queued_tasks,
                    },
                )
            })
            .collect()
    }
}
