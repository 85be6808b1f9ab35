//! Activity dispatch: per-activity queues of tasks and parked polls, and the
//! table of task tokens.

#[cfg(test)]
mod model_check;
mod queue;
mod sync;
mod tasks;

pub use queue::{ActivityQueue, ClosedPoll, ClosedPollKeeper, PollRefused, QueuedTask};
pub use tasks::{Closed, Refused, TaskEvent, TaskLog, TaskTable, TimerClaim};
