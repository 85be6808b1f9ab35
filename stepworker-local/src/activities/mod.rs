//! Activity dispatch: per-activity queues of tasks and parked polls, and the
//! table of task tokens.
//!
//! The table is the one place where a token's fate is decided (report,
//! heartbeat, timer, the end of its execution or branch), and the history
//! event of that fate is written in the same critical section; the queue
//! decides only which poll a task reaches. Each operation's linearization
//! point, and the lock that makes it one, is listed in `CONCURRENCY.md` at
//! the crate's root; `model_check` explores both pieces under shuttle.

mod inbox;
#[cfg(test)]
mod model_check;
mod queue;
mod sync;
mod tasks;

pub use inbox::Inbox;
pub use queue::{ActivityQueue, ClosedPoll, ClosedPollKeeper, PollRefused, QueuedTask};
pub use tasks::{Closed, Refused, TaskEvent, TaskLog, TaskTable, TimerClaim};
