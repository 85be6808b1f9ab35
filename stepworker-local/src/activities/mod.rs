//! Activity dispatch: per-activity queues of tasks and parked polls, and the
//! table of task tokens.

mod queue;
mod tasks;

pub use queue::{ActivityQueue, ClosedPoll, ClosedPollKeeper, PollRefused, QueuedTask};
pub use tasks::{Closed, Refused, TaskEvent, TaskTable};
