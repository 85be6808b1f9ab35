//! What happens when the runner enters a state: one file per state type.
//! Task, Parallel and Map states go through `retrying` (attempts, Retry,
//! then output or Catch); the others end at once or sleep.

mod distributed_map;
mod fan_out;
mod map;
mod parallel;
mod pass_choice;
mod retrying;
mod task;
mod wait;
