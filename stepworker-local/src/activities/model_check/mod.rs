//! Model checks of the engine's dispatch core with
//! [shuttle](https://docs.rs/shuttle): the task table, its tokens' inbox
//! channel and the activity queue, compiled a second time over [`sync`]'s
//! primitives, which in a shuttle run make every lock and every deadline a
//! point where the explorer picks which thread goes next. The code checked
//! is the code that runs: `tasks.rs`, `inbox.rs` and `queue.rs`
//! themselves, not a copy.
//!
//! Each test explores a bounded number of schedules in `cargo test`; a
//! long run is one command:
//!
//! ```text
//! SHUTTLE_ITERATIONS=100000 cargo test --release -p stepworker-local --lib model_check
//! ```

mod explore;
mod history;
mod inbox_races;
mod queue_races;
mod sync;
mod table_races;

// Loaded a second time on purpose: the checked code is the real code,
// compiled over `sync`.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../inbox.rs"]
mod inbox;

#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../tasks.rs"]
mod tasks;

#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../queue.rs"]
mod queue;
