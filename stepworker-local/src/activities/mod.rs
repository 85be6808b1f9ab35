//! Activity dispatch: per-activity queues of tasks and parked polls, and the
//! table of task tokens.

mod queue;
mod sync;
mod tasks;

pub use queue::{ActivityQueue, PollRefused, QueuedTask};
pub use tasks::{Closed, Refused, TaskEvent, TaskLog, TaskTable, TimerClaim};
