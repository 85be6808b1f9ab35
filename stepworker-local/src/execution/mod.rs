//! Executions: their record and history, and the runner that walks their
//! states.

mod context;
mod history;
mod map;
mod parallel;
mod record;
mod redrive;
mod retrying;
mod runner;
mod task;

pub use history::ErrorCause;

pub use record::{Execution, Outcome};
pub use redrive::{spawn_redriven, Redriven};
pub use runner::spawn;
